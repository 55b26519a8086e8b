/* SPDX-License-Identifier: MIT */
/*
 * cmd-doctor.c - `nvio doctor [DEV]`: checks everything NVMe passthrough
 * needs on this machine and device, by probing rather than guessing from
 * version numbers, and says how to fix what is missing.
 *
 * The kernel-level probes (io_uring setup flags, the uring_cmd opcode)
 * use liburing directly because they must work before any device opens;
 * everything about the device goes through libnvio, so doctor sees what
 * a program using the library will see.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <liburing.h>

#include "cli.h"

const struct cli_opt opts_doctor[] = { CLI_OPT_COMMON, { 0 } };

/* NOTE: a fact worth knowing that needs no fix (a kernel quirk nvio
 * handles); not counted in the summary. */
enum verdict { PASS, WARN, FAIL, NOTE };

struct doctor {
	struct cli *c;
	unsigned n[4];
	unsigned kmaj, kmin;
};

static const char *const verdict_name[] = { "PASS", "WARN", "FAIL", "NOTE" };
static const char *const verdict_json[] = { "pass", "warn", "fail", "note" };

__attribute__((format(printf, 5, 6)))
static void check(struct doctor *d, enum verdict v, const char *name,
		  const char *fix, const char *fmt, ...)
{
	struct jw *w = cli_json(d->c);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->n[v]++;
	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "check", name);
		jw_str(w, "status", verdict_json[v]);
		jw_str(w, "message", msg);
		if (fix && v != PASS && v != NOTE)
			jw_str(w, "fix", fix);
		else
			jw_null(w, "fix");
		jw_obj_end(w);
		return;
	}
	printf("%s  %-18s %s\n", verdict_name[v], name, msg);
	if (fix && v != PASS && v != NOTE)
		printf("      %-18s fix: %s\n", "", fix);
}

static bool kernel_at_least(const struct doctor *d, unsigned maj, unsigned min)
{
	return d->kmaj > maj || (d->kmaj == maj && d->kmin >= min);
}

static void check_kernel(struct doctor *d)
{
	struct utsname u;

	if (uname(&u)) {
		check(d, WARN, "kernel", NULL, "uname failed: %s", strerror(errno));
		return;
	}
	if (sscanf(u.release, "%u.%u", &d->kmaj, &d->kmin) != 2)
		d->kmaj = d->kmin = 0;
	if (kernel_at_least(d, 6, 1))
		check(d, PASS, "kernel", NULL,
		      "Linux %s: uring_cmd passthrough, polled passthrough and "
		      "fixed buffers exist since 6.1%s",
		      u.release, kernel_at_least(d, 6, 2) ? "" :
		      " (unprivileged passthrough needs 6.2)");
	else if (kernel_at_least(d, 5, 19))
		check(d, WARN, "kernel", "upgrade to Linux 6.1 or later",
		      "Linux %s: uring_cmd passthrough works, but polled "
		      "passthrough and fixed buffers need 6.1", u.release);
	else
		check(d, FAIL, "kernel", "upgrade to Linux 6.1 or later",
		      "Linux %s: NVMe uring_cmd passthrough needs 5.19", u.release);
}

/* The rows of libnvio's quirk table that apply to this kernel: what the
 * kernel does and what nvio does about it. Polling that can oops is a
 * warning, since it changes nvio's defaults; the rest are notes. */
static void check_quirks(struct doctor *d)
{
	const struct nvio_quirk *q;
	uint32_t kv = nvio_kernel_version();
	char name[48];

	for (unsigned i = 0; (q = nvio_quirk(i)); i++) {
		enum verdict v = NOTE;

		if (!nvio_quirk_applies(q->id))
			continue;
		if (q->id == NVIO_QUIRK_POLL_UNSAFE ||
		    q->id == NVIO_QUIRK_POLL_STATUS)
			v = WARN;
		snprintf(name, sizeof(name), "quirk %s", q->name);
		check(d, v, name,
		      v == WARN ? "use a kernel without it (see the row), or "
				  "ask for polling knowing the risk "
				  "(NVIO_QUEUE_POLL, nvio lat --mode poll)"
				: NULL,
		      "%s%s: %s. nvio: %s (how it is decided: %s)",
		      q->kernels, kv ? "" : "; this kernel's version cannot be "
					    "read, so it counts as affected",
		      q->what, q->action, q->decided);
	}
}

static void check_io_uring(struct doctor *d)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
	};
	struct io_uring ring;
	struct io_uring_probe *probe;
	uint64_t v;
	int rc;

	if (read_sysfs_u64("/proc/sys/kernel/io_uring_disabled", &v))
		check(d, PASS, "io_uring_disabled", NULL,
		      "sysctl kernel.io_uring_disabled absent (io_uring not "
		      "restricted by sysctl)");
	else if (v == 0)
		check(d, PASS, "io_uring_disabled", NULL,
		      "kernel.io_uring_disabled = 0");
	else if (v == 1)
		check(d, WARN, "io_uring_disabled",
		      "sysctl -w kernel.io_uring_disabled=0, or add the user to "
		      "the group in kernel.io_uring_group",
		      "kernel.io_uring_disabled = 1: only CAP_SYS_ADMIN or the "
		      "io_uring group may create rings");
	else
		check(d, FAIL, "io_uring_disabled",
		      "sysctl -w kernel.io_uring_disabled=0",
		      "kernel.io_uring_disabled = %llu: io_uring is off",
		      (unsigned long long)v);

	rc = io_uring_queue_init_params(4, &ring, &p);
	if (rc == -ENOSYS) {
		check(d, FAIL, "io_uring", "use a kernel built with CONFIG_IO_URING",
		      "the kernel has no io_uring");
		return;
	}
	if (rc == -EPERM || rc == -EACCES) {
		check(d, FAIL, "io_uring",
		      "allow io_uring (the sysctl above, or the container's "
		      "seccomp profile)",
		      "creating a ring was refused: %s", strerror(-rc));
		return;
	}
	if (rc == -EINVAL) {
		check(d, FAIL, "io_uring", "upgrade to Linux 6.1 or later",
		      "the kernel rejects 128-byte SQEs / 32-byte CQEs "
		      "(IORING_SETUP_SQE128|CQE32, Linux 5.19)");
		return;
	}
	if (rc) {
		check(d, FAIL, "io_uring", NULL, "creating a ring failed: %s",
		      strerror(-rc));
		return;
	}
	check(d, PASS, "io_uring", NULL,
	      "rings with 128-byte SQEs and 32-byte CQEs can be created");
	probe = io_uring_get_probe_ring(&ring);
	if (!probe)
		check(d, WARN, "uring_cmd", NULL,
		      "the kernel cannot be probed for IORING_OP_URING_CMD");
	else if (io_uring_opcode_supported(probe, IORING_OP_URING_CMD))
		check(d, PASS, "uring_cmd", NULL,
		      "IORING_OP_URING_CMD is supported");
	else
		check(d, FAIL, "uring_cmd", "upgrade to Linux 6.1 or later",
		      "IORING_OP_URING_CMD is not supported (Linux 5.19 added it)");
	if (probe)
		io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
}

static void check_driver(struct doctor *d)
{
	char path[PATH_MAX];
	struct dirent *de;
	unsigned ctrls = 0;
	uint64_t pq;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/class/nvme", cli_sysfs());
	dir = opendir(path);
	while (dir && (de = readdir(dir)))
		if (!strncmp(de->d_name, "nvme", 4))
			ctrls++;
	if (dir)
		closedir(dir);
	if (ctrls)
		check(d, PASS, "nvme driver", NULL, "%u NVMe controller%s", ctrls,
		      ctrls == 1 ? "" : "s");
	else
		check(d, WARN, "nvme driver", "modprobe nvme (and check that a "
					     "drive is present: lspci -nn | grep -i nvm)",
		      "no NVMe controllers in %s/class/nvme", cli_sysfs());

	snprintf(path, sizeof(path), "%s/module/nvme/parameters/poll_queues",
		 cli_sysfs());
	if (read_sysfs_u64(path, &pq))
		check(d, WARN, "poll_queues",
		      "load the nvme driver with poll queues: echo 'options nvme "
		      "poll_queues=2' > /etc/modprobe.d/nvme-poll.conf and reload "
		      "it, or boot with nvme.poll_queues=2",
		      "nvme.poll_queues is not visible (driver not loaded, or "
		      "built without it)");
	else if (pq == 0)
		check(d, WARN, "poll_queues",
		      "echo 'options nvme poll_queues=2' > "
		      "/etc/modprobe.d/nvme-poll.conf and reload the nvme "
		      "driver (or boot with nvme.poll_queues=2)",
		      "nvme.poll_queues = 0: no polled completions, interrupts "
		      "only");
	else
		check(d, PASS, "poll_queues", NULL, "nvme.poll_queues = %llu",
		      (unsigned long long)pq);
}

static bool cap_sys_admin(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long long cap = 0;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &cap) == 1)
			break;
	fclose(f);
	return cap >> 21 & 1;
}

static void mode_str(const struct stat *st, char *buf, size_t len)
{
	static const char rwx[] = "rwxrwxrwx";
	char m[11];

	m[0] = S_ISCHR(st->st_mode) ? 'c' : S_ISBLK(st->st_mode) ? 'b' : '-';
	for (int i = 0; i < 9; i++)
		m[1 + i] = (st->st_mode & (0400u >> i)) ? rwx[i] : '-';
	m[10] = '\0';
	snprintf(buf, len, "%s uid %u gid %u", m, (unsigned)st->st_uid,
		 (unsigned)st->st_gid);
}

#define UDEV_FIX                                                               \
	"run as root, or grant access with a udev rule such as "               \
	"KERNEL==\"ng[0-9]*n[0-9]*\", GROUP=\"disk\", MODE=\"0660\" in "       \
	"/etc/udev/rules.d/70-nvme-generic.rules (then udevadm trigger)"

/* Node, permission and capability checks; false if the node is unusable. */
static bool check_node(struct doctor *d, const char *ng)
{
	char mode[64];
	struct stat st;
	int fd;

	if (!ng[0]) {
		check(d, FAIL, "generic device", "give a namespace: /dev/ngXnY, "
				"/dev/nvmeXnY, or /dev/nvmeX with one namespace",
		      "%s is not an NVMe namespace or controller (or its generic "
		      "device cannot be found)", d->c->dev_path);
		return false;
	}
	if (stat(ng, &st)) {
		check(d, FAIL, "generic device",
		      "Linux 5.13+ creates /dev/ngXnY; check that udev runs",
		      "%s: %s", ng, strerror(errno));
		return false;
	}
	mode_str(&st, mode, sizeof(mode));
	check(d, S_ISCHR(st.st_mode) ? PASS : FAIL, "generic device", NULL,
	      "%s (%s)", ng, mode);
	fd = open(ng, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		check(d, PASS, "permissions", NULL,
		      "uid %u can open %s for reading and writing",
		      (unsigned)geteuid(), ng);
	} else {
		int e = errno;

		fd = open(ng, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		check(d, FAIL, "permissions", UDEV_FIX,
		      "uid %u cannot open %s for reading and writing (%s)%s",
		      (unsigned)geteuid(), ng, strerror(e),
		      fd >= 0 ? "; read-only works, enough for reads" : "");
	}
	if (cap_sys_admin())
		check(d, PASS, "capability", NULL,
		      "CAP_SYS_ADMIN held: every passthrough command is allowed");
	else if (kernel_at_least(d, 6, 2))
		check(d, WARN, "capability",
		      "run as root for admin commands and vendor I/O commands",
		      "no CAP_SYS_ADMIN: Linux 6.2+ allows reads (and writes on "
		      "a device open for writing) but not admin commands");
	else
		check(d, FAIL, "capability",
		      "run as root (CAP_SYS_ADMIN), or use Linux 6.2+ for "
		      "unprivileged I/O passthrough",
		      "no CAP_SYS_ADMIN: before Linux 6.2 every passthrough "
		      "command needs it");
	return true;
}

static void qflags(unsigned f, char *buf, size_t len)
{
	static const char *const names[] = { "POLLED", "IRQ_FALLBACK", "SQPOLL",
		"REG_FILE", "REG_BUFS", "SINGLE_ISSUER", "DEFER_TASKRUN",
		"COOP_TASKRUN", "EVENTFD", "NODATA_SYNC", "POLL_UNSAFE",
		"HYBRID_POLL" };
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & (1u << i))
			o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s",
					      o ? "|" : "", names[i]);
	if (!o)
		snprintf(buf, len, "IRQ");
}

/* A probe's result: an NVMe status (> 0) or -errno, as text. */
static const char *result_text(int rc)
{
	return rc > 0 ? nvio_strerror(rc) : errno_text(rc);
}

/* One read of LBA 0 on a queue made with `qo`; returns the result. */
static int probe_read(struct nvio_dev *dev, const struct nvio_dev_info *info,
		      struct nvio_queue_opts *qo, unsigned *flags, int *stage)
{
	uint32_t lb = info->lba_size + (info->md_extended ? info->md_size : 0);
	struct nvio_queue *q;
	void *buf;
	int rc;

	*stage = 0;
	rc = nvio_queue_create(dev, qo, &q);
	if (rc)
		return rc;
	*flags = nvio_queue_flags(q);
	*stage = 1;
	buf = (*flags & NVIO_QF_REG_BUFS) ? nvio_queue_buf(q, 0) :
					    nvio_buf_alloc(lb);
	if (!buf) {
		nvio_queue_destroy(q);
		return -ENOMEM;
	}
	if (info->md_size && !info->md_extended) {
		/* Separate metadata: the kernel wants a metadata buffer too. */
		struct nvio_cmd cmd;
		void *md = nvio_buf_alloc(info->md_size);

		nvio_cmd_read(&cmd, info->nsid, 0, 1, 0);
		rc = md ? nvio_passthru(q, &cmd, buf, lb, md, info->md_size, NULL) :
			  -ENOMEM;
		nvio_buf_free(md);
	} else {
		rc = nvio_read(q, 0, 1, buf, lb, 0);
	}
	if (!(*flags & NVIO_QF_REG_BUFS))
		nvio_buf_free(buf);
	nvio_queue_destroy(q);
	return rc;
}

static void check_device(struct doctor *d)
{
	struct nvio_dev_opts o = { .sz = sizeof(o) };
	const struct nvio_dev_info *info;
	struct nvio_queue_opts qo;
	struct nvio_dev *dev;
	char ng[128], fl[128], cap[32];
	bool fabrics, risky;
	unsigned flags = 0;
	int rc, stage;

	guess_generic(d->c->dev_path, ng, sizeof(ng));
	if (!check_node(d, ng))
		return;
	rc = nvio_dev_open(d->c->dev_path, &o, &dev);
	if (rc) {
		check(d, FAIL, "open",
		      rc == -EACCES || rc == -EPERM ? UDEV_FIX : NULL,
		      "libnvio cannot open %s: %s", d->c->dev_path, errno_text(rc));
		return;
	}
	info = nvio_dev_info(dev);
	fmt_bytes(cap, sizeof(cap), mul_sat(info->nsze, info->lba_size));
	check(d, PASS, "open", NULL,
	      "%s: namespace %u, %s, %u-byte LBAs%s, max transfer %u bytes "
	      "(described by %s)",
	      info->generic_path, info->nsid, cap, info->lba_size,
	      info->md_size ? " with metadata" : "", info->max_xfer,
	      info->id_source == NVIO_ID_CTRL ? "Identify on the controller" :
	      info->id_source == NVIO_ID_NS_DEV ?
		      "Identify on the namespace's generic device" :
		      "sysfs");
	if (info->md_unknown)
		check(d, FAIL, "metadata format",
		      "run as root, or use Linux 6.2+ (Identify through the "
		      "generic device) or a kernel with "
		      "/sys/block/<ns>/metadata_bytes",
		      "the metadata format of %s cannot be learned (Identify "
		      "refused, sysfs %s): nvio refuses data I/O, which could "
		      "need a metadata buffer",
		      info->generic_path,
		      info->md_size ? "says metadata but not its layout" :
				      "has no metadata_bytes");
	if (info->admin)
		check(d, PASS, "controller", NULL,
		      "%s open for admin commands", info->ctrl_path);
	else if (info->id_source == NVIO_ID_NS_DEV)
		check(d, WARN, "controller",
		      "run as root for log pages and features",
		      "%s cannot be opened: admin commands go through %s, "
		      "where the kernel allows Identify (id-ctrl, id-ns) but "
		      "not log pages or features without CAP_SYS_ADMIN",
		      info->ctrl_path[0] ? info->ctrl_path : "the controller",
		      info->generic_path);
	else
		check(d, WARN, "controller",
		      "run as root: admin commands need read-write access to "
		      "the controller node and CAP_SYS_ADMIN",
		      "%s cannot be used for admin commands (id-ctrl, get-log, "
		      "features)", info->ctrl_path[0] ? info->ctrl_path :
							"the controller");

	fabrics = info->transport[0] && strcmp(info->transport, "pcie");
	risky = fabrics && !nvio_kernel_polls_safely();
	if (!info->transport[0])
		check(d, WARN, "transport", NULL, "the transport is unknown");
	else if (risky)
		check(d, WARN, "transport",
		      "use interrupt queues (nvio's default here) on this "
		      "controller, or a kernel that polls safely (see the "
		      "quirk rows)",
		      "%s: polled passthrough on fabrics controllers oopses "
		      "Debian's 6.1 in bio_poll, and this kernel's polled "
		      "passthrough is unsafe (quirk poll-unsafe or "
		      "poll-status)", info->transport);
	else
		check(d, PASS, "transport", NULL, "%s", info->transport);

	if (info->poll_queues)
		check(d, PASS, "io_poll", NULL, "/sys/block/%s/queue/io_poll = 1",
		      info->block_name);
	else
		check(d, WARN, "io_poll",
		      fabrics ? "connect with poll queues (nvme connect "
				"--nr-poll-queues=N), but see the transport check" :
				"give the nvme driver poll queues (see poll_queues above)",
		      "%s has no poll queues: completions come by interrupt",
		      info->block_name[0] ? info->block_name : "the namespace");

	memset(&qo, 0, sizeof(qo));
	qo.sz = sizeof(qo);
	qo.depth = 4;
	qo.sqpoll_cpu = -1;
	qo.flags = NVIO_QUEUE_IRQ;
	rc = probe_read(dev, info, &qo, &flags, &stage);
	qflags(flags, fl, sizeof(fl));
	if (rc)
		check(d, FAIL, "interrupt read",
		      rc == -EACCES || rc == -EPERM ? "run as root (CAP_SYS_ADMIN)" : NULL,
		      "%s: %s", stage ? "reading LBA 0" : "creating a queue",
		      result_text(rc));
	else
		check(d, PASS, "interrupt read", NULL,
		      "read of LBA 0 completed (queue flags %s)", fl);

	if (risky) {
		check(d, WARN, "polled read", NULL,
		      "skipped: polled passthrough on this %s controller could "
		      "oops this kernel (quirk poll-unsafe or poll-status)",
		      info->transport);
	} else {
		/* Without poll queues the library falls back to interrupts
		 * and says so in the queue flags; show that it does. */
		/* Where polling is not the default (quirk poll-unsafe), one
		 * read on an idle PCIe namespace asks for it explicitly, to
		 * show that it works when asked for. */
		bool unsafe = !nvio_kernel_polls_safely() &&
			      info->poll_queues;

		qo.flags = unsafe ? NVIO_QUEUE_POLL : 0;
		flags = 0;
		rc = probe_read(dev, info, &qo, &flags, &stage);
		qflags(flags, fl, sizeof(fl));
		if (rc)
			check(d, FAIL, "polled read", NULL, "%s: %s",
			      stage ? "reading LBA 0" : "creating a queue",
			      result_text(rc));
		else if (unsafe && (flags & NVIO_QF_POLLED))
			check(d, WARN, "polled read",
			      "use a kernel without quirk poll-unsafe or "
			      "poll-status for polling by default",
			      "a polled read of LBA 0 completed when asked for "
			      "(NVIO_QUEUE_POLL), but queues do not poll by "
			      "default: this kernel's polled passthrough can "
			      "oops or misreport errors (queue flags %s)", fl);
		else if (flags & NVIO_QF_POLLED)
			check(d, PASS, "polled read", NULL,
			      "polled read of LBA 0 completed (queue flags %s)", fl);
		else if (flags & NVIO_QF_IRQ_FALLBACK)
			check(d, WARN, "polled read",
			      "give the nvme driver poll queues (see poll_queues above)",
			      "read completed by interrupt: the queue fell back "
			      "(queue flags %s)", fl);
		else
			check(d, WARN, "polled read", NULL,
			      "read completed, but not polled (queue flags %s)", fl);
	}

	qo.flags = NVIO_QUEUE_IRQ;
	qo.reg_bufs = 1;
	qo.reg_buf_size = info->lba_size + info->md_size;
	flags = 0;
	rc = probe_read(dev, info, &qo, &flags, &stage);
	qflags(flags, fl, sizeof(fl));
	if (rc)
		check(d, WARN, "registered buffers", "Linux 6.1+ supports fixed "
				"buffers for passthrough",
		      "%s: %s", stage ? "reading into a registered buffer" :
					"registering a buffer",
		      result_text(rc));
	else if (flags & NVIO_QF_REG_BUFS)
		check(d, PASS, "registered buffers", NULL,
		      "read into a registered buffer completed (queue flags %s)", fl);
	else
		check(d, WARN, "registered buffers", NULL,
		      "buffers were not registered (queue flags %s)", fl);

	qo.reg_bufs = 0;
	qo.reg_buf_size = 0;
	qo.flags = NVIO_QUEUE_IRQ | NVIO_QUEUE_SQPOLL;
	flags = 0;
	rc = probe_read(dev, info, &qo, &flags, &stage);
	qflags(flags, fl, sizeof(fl));
	if (rc)
		check(d, WARN, "sqpoll",
		      "SQPOLL needs CAP_SYS_NICE before Linux 5.11; containers "
		      "may forbid it",
		      "%s: %s", stage ? "reading with SQPOLL" :
					"creating an SQPOLL queue",
		      result_text(rc));
	else if (flags & NVIO_QF_SQPOLL)
		check(d, PASS, "sqpoll", NULL,
		      "read on an SQPOLL queue completed (queue flags %s)", fl);
	else
		check(d, WARN, "sqpoll", NULL,
		      "SQPOLL was not used (queue flags %s)", fl);
	nvio_dev_close(dev);
}

static void check_nodes(struct doctor *d)
{
	char path[PATH_MAX], list[512] = "";
	struct dirent *de;
	unsigned n = 0;
	size_t o = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/class/nvme-generic", cli_sysfs());
	dir = opendir(path);
	while (dir && (de = readdir(dir))) {
		if (strncmp(de->d_name, "ng", 2))
			continue;
		n++;
		if (o < sizeof(list))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s/dev/%s",
					      o ? ", " : "", de->d_name);
	}
	if (dir)
		closedir(dir);
	if (n)
		check(d, PASS, "generic devices", NULL,
		      "%s; run `nvio doctor DEV` to check one", list);
	else
		check(d, WARN, "generic devices",
		      "Linux 5.13+ creates /dev/ngXnY for each namespace",
		      "no NVMe generic char devices (/dev/ngXnY)");
}

int cmd_doctor(struct cli *c, int argc, char **argv)
{
	struct doctor d = { .c = c };
	struct jw *w;
	int rc;

	rc = cli_parse_plain(c, argc, argv, true);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "device", c->dev_path);
		jw_arr(w, "checks");
	}
	check_kernel(&d);
	check_quirks(&d);
	check_io_uring(&d);
	check_driver(&d);
	if (c->dev_path)
		check_device(&d);
	else
		check_nodes(&d);
	if (w) {
		jw_arr_end(w);
		jw_u64(w, "pass", d.n[PASS]);
		jw_u64(w, "warn", d.n[WARN]);
		jw_u64(w, "fail", d.n[FAIL]);
		jw_obj_end(w);
	} else {
		printf("\n%u passed, %u warnings, %u failed\n", d.n[PASS],
		       d.n[WARN], d.n[FAIL]);
	}
	/* Failed checks are the report, not an error: the document stays. */
	c->keep_doc = true;
	return d.n[FAIL] ? EXIT_SYSTEM : EXIT_OK;
}
