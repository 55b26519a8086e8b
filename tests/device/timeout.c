/* SPDX-License-Identifier: MIT */
/*
 * Timeouts and bounded waits against the real driver, on the slow
 * topology: $NVIO_SLOW_DEV takes 5 s per command, and $NVIO_DEV (nsid 1
 * of the same controller) answers at once. The kernel's own timeout is
 * lowered to 1 s for nsid 2 through its queue's io_timeout.
 *
 *  - a reap with a deadline ends at the deadline, on polled and on
 *    interrupt queues (the kernel's polling loop has no timeout of its
 *    own), with the command still in flight, and destroy then waits for
 *    the command instead of freeing the ring under it;
 *  - a signal ends a reap that has no deadline, with -EINTR, a spinning
 *    one (NVIO_WAIT_SPIN) too, in the kernel's wait after its spin;
 *  - commands given a 300 ms timeout come back as the kernel ends them
 *    (-EINTR after the controller reset, or Command Abort Requested; some
 *    may succeed late, since QEMU's reset waits for them), and a
 *    synchronous helper says -ETIMEDOUT; a command under the kernel's
 *    own 1 s timeout is ended too; every command is reaped once;
 *  - after the resets the timeouts cause, queues work again.
 */
#include "devtest.h" /* first: it defines _GNU_SOURCE */

#include <signal.h>
#include <sys/time.h>

static const char *slow_path, *fast_path;

static struct nvio_queue *make_queue(struct nvio_dev *d, uint32_t flags,
				     uint32_t timeout_ms)
{
	struct nvio_queue_opts o = { .sz = sizeof(o), .flags = flags,
				     .depth = 8, .sqpoll_cpu = -1,
				     .timeout_ms = timeout_ms };
	struct nvio_queue *q;
	int rc = nvio_queue_create(d, &o, &q);

	if (rc)
		dt_fatal("queue (flags 0x%x): %s", flags, nvio_strerror(rc));
	return q;
}

/* What the kernel ends a command past its timeout with. */
static bool ended_by_timeout(int res)
{
	return res == -EINTR ||
	       (res > 0 && nvio_status_sct(res) == NVIO_SCT_GENERIC &&
		nvio_status_sc(res) == NVIO_SC_ABORT_REQ);
}

/* reap_timeout ends at its deadline with the command in flight; destroy
 * waits for the command (5 s after it went), then frees the queue. */
static void deadline(struct nvio_dev *slow, uint32_t flags, const char *kind)
{
	struct nvio_queue *q = make_queue(slow, flags, 0);
	void *buf = nvio_buf_alloc(4096);
	struct nvio_cpl c;
	double t0, dt;
	int rc;

	CHECK_RC(nvio_queue_read(q, 0, 1, buf,
				 nvio_dev_info(slow)->lba_size, 0, NULL), 0);
	t0 = dt_now_s();
	rc = nvio_queue_reap_timeout(q, &c, 1, 1, 200 * 1000000ull);
	dt = dt_now_s() - t0;
	CHECK(rc == -ETIME, "%s: reap with a 200 ms deadline: %d (%s)", kind,
	      rc, nvio_strerror(rc));
	CHECK(dt >= 0.19 && dt < 2.0, "%s: reap with a 200 ms deadline took "
	      "%.3f s", kind, dt);
	CHECK(nvio_queue_inflight(q) == 1, "%s: %u in flight", kind,
	      nvio_queue_inflight(q));
	printf("%s: deadline reap returned %d after %.3f s\n", kind, rc, dt);
	t0 = dt_now_s();
	rc = nvio_queue_destroy(q);
	dt = dt_now_s() - t0;
	CHECK_RC(rc, 0);
	/* the command was 0.2 s old, and takes 5 s */
	CHECK(dt > 1.0, "%s: destroy returned after %.3f s, before the "
	      "command could have completed", kind, dt);
	printf("%s: destroy waited %.3f s for the command\n", kind, dt);
	nvio_buf_free(buf);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* A signal ends a reap without a deadline: -EINTR, and the command is
 * still reaped later, once. A spinning reap (NVIO_WAIT_SPIN) spins for
 * its 1 ms bound and then waits in the kernel, which hears the signal:
 * one call either way. */
static void signal_ends_wait(struct nvio_dev *slow, uint32_t flags,
			     int wait, const char *kind, bool submit_first)
{
	struct nvio_queue *q = make_queue(slow, flags, 0);
	void *buf = nvio_buf_alloc(4096);
	struct itimerval it = { .it_value = { .tv_usec = 300000 } };
	struct sigaction sa;
	struct nvio_cpl c;
	double t0, dt;
	int rc;

	CHECK_RC(nvio_queue_set_wait(q, wait, 0), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarms = 0;
	CHECK_RC(nvio_queue_read(q, 0, 1, buf,
				 nvio_dev_info(slow)->lba_size, 0, NULL), 0);
	/* submitted apart, the kernel's wait itself returns -EINTR;
	 * submitted by the reap, the kernel returns the count */
	if (submit_first)
		CHECK_RC(nvio_queue_submit(q), 1);
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = dt_now_s();
	rc = nvio_queue_reap(q, &c, 1, 1);
	dt = dt_now_s() - t0;
	CHECK(rc == -EINTR, "%s: reap under SIGALRM: %d (%s)", kind, rc,
	      nvio_strerror(rc));
	CHECK(alarms == 1 && dt < 2.0, "%s: %d alarms, reap took %.3f s", kind,
	      (int)alarms, dt);
	printf("%s%s: reap interrupted after %.3f s: %d\n", kind,
	       submit_first ? " (submitted first)" : "", dt, rc);
	/* the command comes back (5 s, or ended by the kernel's 1 s
	 * timeout) */
	rc = nvio_queue_reap_timeout(q, &c, 1, 1, 60ull * 1000000000u);
	CHECK(rc == 1, "%s: the command after the signal: %d (%s)", kind, rc,
	      nvio_strerror(rc));
	CHECK_RC(nvio_queue_destroy(q), 0);
	nvio_buf_free(buf);
}

/* Four reads with a 300 ms timeout: each comes back once, ended by the
 * kernel, long before the 60 s bound. */
static void command_timeout(struct nvio_dev *slow, uint32_t flags,
			    const char *kind)
{
	struct nvio_queue *q = make_queue(slow, flags, 300);
	uint32_t lba = nvio_dev_info(slow)->lba_size;
	void *buf[4];
	struct nvio_cpl c[4];
	unsigned got = 0, ended = 0, ok = 0;
	bool seen[4] = { false };
	double t0 = dt_now_s(), dt;

	CHECK(nvio_queue_timeout(q) == 300, "%s: timeout %u", kind,
	      nvio_queue_timeout(q));
	for (uintptr_t i = 0; i < 4; i++) {
		buf[i] = nvio_buf_alloc(4096);
		CHECK_RC(nvio_queue_read(q, i, 1, buf[i], lba, 0,
					 (void *)(i + 1)), 0);
	}
	while (got < 4 && dt_now_s() - t0 < 60) {
		int n = nvio_queue_reap_timeout(q, c, 4, 1, 5ull * 1000000000u);

		if (n == -ETIME || n == -EINTR)
			continue;
		CHECK(n > 0, "%s: reap: %d (%s)", kind, n, nvio_strerror(n));
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			uintptr_t u = (uintptr_t)c[i].user;

			CHECK(u >= 1 && u <= 4 && !seen[u - 1],
			      "%s: completion for %zu twice or unknown", kind,
			      (size_t)u);
			if (u >= 1 && u <= 4)
				seen[u - 1] = true;
			if (ended_by_timeout(c[i].res))
				ended++;
			else if (c[i].res == 0)
				ok++;
			else
				CHECK(0, "%s: read %zu ended with %d (%s)", kind,
				      (size_t)u, c[i].res,
				      nvio_strerror(c[i].res));
		}
		got += (unsigned)n;
	}
	dt = dt_now_s() - t0;
	CHECK(got == 4, "%s: %u of 4 commands came back in %.1f s", kind, got,
	      dt);
	/* QEMU's reset waits for the commands, and the driver reaps what
	 * completed before it cancels the rest: some may succeed, late */
	CHECK(ended >= 1 && ended + ok == 4,
	      "%s: %u of 4 ended by the timeout, %u succeeded", kind, ended,
	      ok);
	printf("%s: 4 submitted, %u reaped, %u ended by the timeout, %u ok, "
	       "in %.1f s\n", kind, got, ended, ok, dt);
	/* the synchronous helper names it */
	{
		double t1 = dt_now_s();
		int rc = nvio_read(q, 0, 1, buf[0], lba, 0);

		CHECK(rc == -ETIMEDOUT, "%s: nvio_read with 300 ms: %d (%s)",
		      kind, rc, nvio_strerror(rc));
		CHECK(nvio_queue_inflight(q) == 0, "%s: in flight after",
		      kind);
		printf("%s: nvio_read with a 300 ms timeout: %s after %.1f s\n",
		       kind, nvio_strerror(rc), dt_now_s() - t1);
	}
	CHECK_RC(nvio_queue_destroy(q), 0);
	for (int i = 0; i < 4; i++)
		nvio_buf_free(buf[i]);
}

static unsigned read_uint(const char *path)
{
	FILE *f = fopen(path, "r");
	unsigned v = 0;

	if (!f || fscanf(f, "%u", &v) != 1)
		v = 0;
	if (f)
		fclose(f);
	return v;
}

static int write_uint(const char *path, unsigned v)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -errno;
	rc = fprintf(f, "%u", v) < 0 ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}

/* No timeout given: the kernel's ends the command. nvme_core's
 * io_timeout sets each namespace queue's io_timeout (ms) when the
 * controller comes up; lowered here for nsid 2 only, to 1 s, and put
 * back after. */
static void kernel_timeout(struct nvio_dev *slow)
{
	struct nvio_queue *q = make_queue(slow, 0, 0);
	uint32_t lba = nvio_dev_info(slow)->lba_size;
	void *buf = nvio_buf_alloc(4096);
	struct nvio_cpl c;
	char path[256];
	unsigned old, t;
	int rc;

	snprintf(path, sizeof(path), "/sys/block/%s/queue/io_timeout",
		 nvio_dev_info(slow)->block_name);
	old = read_uint(path);
	CHECK_RC(write_uint(path, 1000), 0);
	t = read_uint(path) / 1000;
	CHECK(t == 1, "%s is %u s after writing 1000 ms", path, t);
	CHECK_RC(nvio_queue_read(q, 0, 1, buf, lba, 0, NULL), 0);
	rc = nvio_queue_reap_timeout(q, &c, 1, 1, 60ull * 1000000000u);
	CHECK(rc == 1, "reap: %d (%s)", rc, nvio_strerror(rc));
	CHECK(rc == 1 && ended_by_timeout(c.res),
	      "a read past io_timeout ended with %d (%s)", c.res,
	      nvio_strerror(c.res));
	printf("kernel io_timeout %u s: the read ended with %d (%s)\n", t,
	       c.res, nvio_strerror(c.res));
	if (old)
		write_uint(path, old);
	CHECK_RC(nvio_queue_destroy(q), 0);
	nvio_buf_free(buf);
}

/* After the resets, the fast namespace's queues read again. */
static void works_after(struct nvio_dev *fast)
{
	struct nvio_queue *q = make_queue(fast, 0, 1000);
	void *buf = nvio_buf_alloc(4096);
	int rc = -1;

	/* the last reset may still be under way */
	for (int i = 0; i < 100 && rc; i++) {
		rc = nvio_read(q, 0, 1, buf, nvio_dev_info(fast)->lba_size, 0);
		if (rc)
			usleep(200000);
	}
	CHECK_RC(rc, 0);
	CHECK_RC(nvio_queue_destroy(q), 0);
	nvio_buf_free(buf);
}

int main(void)
{
	struct nvio_dev *slow, *fast;
	bool polls;
	int rc;

	dt_name = "timeout";
	slow_path = getenv("NVIO_SLOW_DEV");
	fast_path = dt_dev_path();
	if (!slow_path || !fast_path)
		dt_skip("needs the slow topology ($NVIO_SLOW_DEV)");
	rc = nvio_dev_open(slow_path, NULL, &slow);
	if (rc)
		dt_fatal("open %s: %s", slow_path, nvio_strerror(rc));
	rc = nvio_dev_open(fast_path, NULL, &fast);
	if (rc)
		dt_fatal("open %s: %s", fast_path, nvio_strerror(rc));
	/* a reset under way (another test's, a boot-time one) would end
	 * this test's commands early: start with the controller live */
	{
		char path[128], st[32] = "";
		const char *ctrl = strrchr(nvio_dev_info(slow)->ctrl_path, '/');

		snprintf(path, sizeof(path), "/sys/class/nvme/%s/state",
			 ctrl ? ctrl + 1 : "nvme0");
		for (int i = 0; i < 300; i++) {
			FILE *f = fopen(path, "r");

			st[0] = '\0';
			if (f) {
				if (!fgets(st, sizeof(st), f))
					st[0] = '\0';
				fclose(f);
			}
			if (!strncmp(st, "live", 4))
				break;
			usleep(100000);
		}
		CHECK(!strncmp(st, "live", 4), "%s: %s", path, st);
	}
	/* polled queues where the kernel polls passthrough safely */
	polls = nvio_dev_info(slow)->poll_queues &&
		nvio_kernel_polls_safely();

	deadline(slow, NVIO_QUEUE_IRQ, "irq");
	if (polls)
		deadline(slow, NVIO_QUEUE_POLL, "poll");
	for (int first = 0; first < 2; first++) {
		signal_ends_wait(slow, NVIO_QUEUE_IRQ, NVIO_WAIT_KERNEL, "irq",
				 first);
		signal_ends_wait(slow, NVIO_QUEUE_IRQ, NVIO_WAIT_SPIN,
				 "irq, spinning", first);
		/* 6.1 before 6.1.53 has no signal check in its polling
		 * loop; Debian 12's 6.1 is newer, and polls only on
		 * request anyway */
		if (polls) {
			signal_ends_wait(slow, NVIO_QUEUE_POLL, NVIO_WAIT_KERNEL,
					 "poll", first);
			signal_ends_wait(slow, NVIO_QUEUE_POLL, NVIO_WAIT_SPIN,
					 "poll, spinning", first);
		}
	}
	command_timeout(slow, 0, "default queue");
	kernel_timeout(slow);
	works_after(fast);
	nvio_dev_close(fast);
	nvio_dev_close(slow);
	return dt_done();
}
