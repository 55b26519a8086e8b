/* SPDX-License-Identifier: MIT */
/*
 * Surprise removal mid-I/O: 4 threads, each with a default queue, keep 32
 * random 4 KiB reads in flight while the controller's PCI function is
 * removed from inside the guest (/sys/bus/pci/devices/X/remove, what a
 * hot-unplug does to the driver). Every command submitted must come back
 * exactly once, within a bound, with a result; afterwards every new
 * command must fail at once with an errno (not hang), admin calls too;
 * destroying the queues and closing the device must work. The function
 * is then brought back with a PCI rescan, so the suite can go on.
 *
 * Runs as the last test of its topology's suite: after the rescan the
 * controller is renumbered (6.1, 7.2) or, on 6.12, was not seen back
 * within 30 s. The default queues poll on 6.12 and 7.2 and take
 * interrupts on 6.1; NVIO_REMOVE_POLL=1 asks for polled queues (refused,
 * and skipped, where polling is not safe).
 */
#include "devtest.h" /* first: it defines _GNU_SOURCE */

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

#define THREADS 4
#define QD 32
#define BS 4096u
#define DRAIN_BOUND_S 60

struct job {
	struct nvio_queue *q;
	uint32_t nlb;
	uint64_t span, seed;
	_Atomic uint64_t submitted, completed, ok, failed;
	int first_err, refused, fatal;
	int after_rc;           /* a read sent after the removal */
	double after_s;         /* and how long it took to fail */
	_Atomic bool done;
};

static atomic_bool removed;

static void *worker(void *arg)
{
	struct job *j = arg;
	struct nvio_cpl cpl[QD];
	char *buf = nvio_buf_alloc((size_t)QD * BS);
	uint64_t x = j->seed;
	unsigned slot = 0;

	if (!buf) {
		j->fatal = -ENOMEM;
		goto out;
	}
	/* Until the removal and a little after: then only what is in
	 * flight is reaped. */
	while (!atomic_load(&removed) || nvio_queue_inflight(j->q)) {
		while (!atomic_load(&removed) &&
		       nvio_queue_inflight(j->q) < QD) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			int rc = nvio_queue_read(j->q,
						 (x % (j->span / j->nlb)) * j->nlb,
						 j->nlb,
						 buf + (size_t)(slot++ % QD) * BS,
						 BS, 0, NULL);
			if (rc) {
				j->fatal = rc;
				goto out;
			}
			atomic_fetch_add(&j->submitted, 1);
		}
		int n = nvio_queue_reap_timeout(j->q, cpl, QD, 1,
						1000000000ull);

		if (n == -ETIME || n == -EINTR)
			continue;
		if (n < 0) {
			/* the ring refuses: what was queued and never taken
			 * is taken back; what is in the kernel is waited for */
			if (!j->refused)
				j->refused = n;
			if (nvio_queue_inflight(j->q))
				continue;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (cpl[i].res == 0) {
				atomic_fetch_add(&j->ok, 1);
			} else {
				if (!j->first_err)
					j->first_err = cpl[i].res;
				atomic_fetch_add(&j->failed, 1);
			}
		}
		atomic_fetch_add(&j->completed, (uint64_t)n);
	}
	/* After the removal a new command fails, at once (from this
	 * thread: the queue's owner). */
	{
		double t0 = dt_now_s();
		int rc = nvio_queue_read(j->q, 0, j->nlb, buf, BS, 0, NULL);

		if (rc == 0) {
			rc = nvio_queue_reap_timeout(j->q, cpl, 1, 1,
						     10ull * 1000000000u);
			if (rc == 1)
				rc = cpl[0].res;
		}
		j->after_rc = rc;
		j->after_s = dt_now_s() - t0;
	}
out:
	nvio_buf_free(buf);
	atomic_store(&j->done, true);
	return NULL;
}

/* The PCI function behind controller `ctrl` (nvme0): its sysfs device
 * link's last component, 0000:00:04.0. */
static int pci_of(const char *ctrl, char *bdf, size_t len)
{
	char link[PATH_MAX], path[256];
	ssize_t n;
	const char *base;

	snprintf(path, sizeof(path), "/sys/class/nvme/%s/device", ctrl);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	base = strrchr(link, '/');
	snprintf(bdf, len, "%.40s", base ? base + 1 : link);
	return strncmp(bdf, "0000:", 5) ? -ENODEV : 0;
}

static int write_sysfs(const char *path)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -errno;
	rc = fputs("1", f) < 0 ? -errno : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The device, or after an earlier removal and rescan, which may have
 * renumbered the controller, the first generic device of nsid 1. */
static const char *g_path;
static struct nvio_dev *open_any(void)
{
	static char p[64];
	struct nvio_dev *d;

	g_path = dt_dev_path();
	for (int i = 0; i < 300 && access(g_path, F_OK); i++) {
		for (int c = 0; c < 8; c++) {
			snprintf(p, sizeof(p), "/dev/ng%dn1", c);
			if (access(p, F_OK) == 0) {
				g_path = p;
				break;
			}
		}
		if (access(g_path, F_OK))
			sleep_ms(100);
	}
	if (nvio_dev_open(g_path, NULL, &d))
		dt_fatal("no device to open (%s, or /dev/ngXn1)", dt_dev_path());
	return d;
}

int main(void)
{
	struct nvio_dev *dev;
	const struct nvio_dev_info *di;
	struct job jobs[THREADS];
	pthread_t t[THREADS];
	char bdf[64], path[256], ctrl[32];
	uint8_t *idbuf;
	int rc;

	dt_name = "remove";
	if (getenv("NVIO_REMOVE_POLL") && !nvio_kernel_polls_safely())
		dt_skip("this kernel's polled passthrough can oops "
			"(poll-unsafe/poll-status): polled queues are not "
			"nvio's default here");
	dev = open_any();
	di = nvio_dev_info(dev);
	if (strcmp(di->transport, "pcie"))
		dt_skip("%s is not PCIe (%s)", di->generic_path, di->transport);
	snprintf(ctrl, sizeof(ctrl), "%s", di->ctrl_path + 5); /* /dev/ */
	rc = pci_of(ctrl, bdf, sizeof(bdf));
	if (rc)
		dt_skip("no PCI function for %s: %s", ctrl, strerror(-rc));
	memset(jobs, 0, sizeof(jobs));
	for (unsigned i = 0; i < THREADS; i++) {
		struct nvio_queue_opts po = { .sz = sizeof(po),
					      .flags = NVIO_QUEUE_POLL,
					      .sqpoll_cpu = -1 };

		rc = nvio_queue_create(dev, getenv("NVIO_REMOVE_POLL") ? &po
									: NULL,
				       &jobs[i].q);
		if (rc)
			dt_fatal("queue: %s", nvio_strerror(rc));
		jobs[i].nlb = BS / di->lba_size;
		jobs[i].span = (64u << 20) / di->lba_size;
		if (jobs[i].span > di->nsze)
			jobs[i].span = di->nsze;
		jobs[i].seed = dt_rand() | 1;
	}
	printf("remove: %s (%s, PCI %s), queues %s\n", di->generic_path, ctrl,
	       bdf,
	       (nvio_queue_flags(jobs[0].q) & NVIO_QF_POLLED) ? "polled"
							       : "interrupts");
	for (unsigned i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, &jobs[i]))
			dt_fatal("pthread_create");
	sleep_ms(500);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove", bdf);
	rc = write_sysfs(path);
	CHECK(rc == 0, "remove %s: %s", bdf, strerror(-rc));
	printf("remove: PCI %s removed under I/O\n", bdf);
	fflush(stdout);
	sleep_ms(200);
	atomic_store(&removed, true);

	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += DRAIN_BOUND_S;
	for (unsigned i = 0; i < THREADS; i++) {
		if (pthread_timedjoin_np(t[i], NULL, &deadline)) {
			printf("FAIL remove: thread %u: %" PRIu64 " of %" PRIu64
			       " commands not back after %d s\n", i,
			       atomic_load(&jobs[i].submitted) -
				       atomic_load(&jobs[i].completed),
			       atomic_load(&jobs[i].submitted), DRAIN_BOUND_S);
			fflush(stdout);
			_exit(1); /* DMA may still land: free nothing */
		}
	}
	for (unsigned i = 0; i < THREADS; i++) {
		struct job *j = &jobs[i];

		printf("remove: thread %u: %" PRIu64 " sent, %" PRIu64
		       " back: %" PRIu64 " ok, %" PRIu64 " failed (first: %d %s)"
		       "%s%s\n", i, atomic_load(&j->submitted),
		       atomic_load(&j->completed), atomic_load(&j->ok),
		       atomic_load(&j->failed), j->first_err,
		       nvio_strerror(j->first_err),
		       j->refused ? "; reap refused: " : "",
		       j->refused ? nvio_strerror(j->refused) : "");
		CHECK(j->fatal == 0, "thread %u: %s", i, nvio_strerror(j->fatal));
		CHECK(atomic_load(&j->submitted) == atomic_load(&j->completed),
		      "thread %u: every command back once", i);
		CHECK(nvio_queue_inflight(j->q) == 0, "thread %u: in flight %u",
		      i, nvio_queue_inflight(j->q));
		CHECK(j->after_rc < 0, "thread %u: a read after the removal: "
		      "%d (%s)", i, j->after_rc, nvio_strerror(j->after_rc));
		CHECK(j->after_s < 2, "thread %u: the read after the removal "
		      "took %.3f s", i, j->after_s);
		if (i == 0)
			printf("remove: a read after the removal: %d (%s) in "
			       "%.3f s\n", j->after_rc,
			       nvio_strerror(j->after_rc), j->after_s);
		CHECK_RC(nvio_queue_destroy(j->q), 0);
	}
	idbuf = nvio_buf_alloc(4096);
	if (di->admin) {
		rc = nvio_identify_ctrl(dev, idbuf);
		printf("remove: Identify after the removal: %d (%s)\n", rc,
		       nvio_strerror(rc));
		CHECK(rc != 0, "Identify after the removal succeeded");
	}
	nvio_buf_free(idbuf);
	nvio_dev_close(dev);
	/* A new open fails clearly. */
	rc = nvio_dev_open(g_path, NULL, &dev);
	CHECK(rc < 0, "open after the removal: %d", rc);
	printf("remove: open after the removal: %s\n", nvio_strerror(rc));
	if (rc == 0)
		nvio_dev_close(dev);
	/* Back, for whatever runs next in this guest. */
	rc = write_sysfs("/sys/bus/pci/rescan");
	CHECK(rc == 0, "PCI rescan: %s", strerror(-rc));
	{
		char p[64] = "";
		int c = 8;

		for (int i = 0; i < 300 && c == 8; i++) {
			for (c = 0; c < 8; c++) {
				snprintf(p, sizeof(p), "/dev/ng%dn1", c);
				if (access(p, F_OK) == 0)
					break;
			}
			if (c == 8)
				sleep_ms(100);
		}
		printf("remove: after the rescan: %s\n",
		       c < 8 ? p : "no /dev/ngXn1 within 30 s");
	}
	return dt_done();
}
