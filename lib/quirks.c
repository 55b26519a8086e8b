/* SPDX-License-Identifier: MIT */
/*
 * quirks.c - the one table of what nvio does differently per kernel.
 *
 * Each row names a behaviour of the kernel's passthrough path, the
 * kernels that have it, how nvio decides whether the running kernel has
 * it, and what nvio does then. A probe decides where asking the kernel is
 * harmless (a ring setup flag it may refuse, a sysfs file); the version
 * decides where the probe itself could oops, hang or WARN. A release that
 * cannot be read counts as having every version-decided quirk: failing
 * safe costs speed, guessing wrong costs the host.
 *
 * Distribution kernels backport fixes without changing their major and
 * minor numbers, so a version row errs on the side of the older
 * behaviour; the test bed (tests/vm/README.md) shows each row on Debian's
 * 6.1, 6.12 and newest kernels.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "nvio-private.h"

#define KV(a, b) NVIO_KVER(a, b, 0)

static const struct nvio_quirk table[] = {
	{
		.id = NVIO_QUIRK_POLL_UNSAFE,
		.name = "poll-unsafe",
		.kernels = "before 6.8 (Debian 12's 6.1 seen)",
		.from = 0,
		.until = KV(6, 8),
		.decided = "by version: a probe is the oops itself",
		.what = "polled passthrough completions can oops: a controller "
			"reset during polled I/O (general protection fault in "
			"bio_poll from nvme_ns_chr_uring_cmd_iopoll, seen on "
			"6.1), polled error completions, polled I/O to fabrics "
			"controllers. 6.5 polls by request and 6.8 dropped the "
			"uring_cmd bio cookie; 6.12 and 7.2 were seen to survive "
			"resets during polled I/O",
		.action = "queues made without NVIO_QUEUE_POLL take interrupts "
			  "and say NVIO_QF_POLL_UNSAFE; NVIO_QUEUE_POLL still "
			  "polls; nvio lat polls only with --mode poll",
	},
	{
		.id = NVIO_QUIRK_NODATA_POLL,
		.name = "nodata-poll",
		.kernels = "before 6.6",
		.from = 0,
		.until = KV(6, 6),
		.decided = "by version: a probe dereferences a freed bio",
		.what = "a polled command without data (flush, write zeroes, "
			"verify) goes to an interrupt queue but stays on the "
			"ring's poll list with a stale bio cookie",
		.action = "on polled queues such commands go through the NVMe "
			  "ioctl (NVIO_QF_NODATA_SYNC) unless "
			  "NVIO_QUEUE_POLL_NODATA; from 6.6 they stay on the "
			  "polled ring",
	},
	{
		.id = NVIO_QUIRK_IOPOLL_ANY_FILE,
		.name = "iopoll-any-file",
		.kernels = "7.1 and later (and 6.1 before 6.1.20)",
		.from = KV(7, 1),
		.until = 0,
		.decided = "by probe: the namespace's queue/io_poll in sysfs, "
			   "read before the ring is made",
		.what = "an IOPOLL ring accepts uring_cmd on a namespace "
			"without poll queues and the commands complete by "
			"interrupt while the ring spins (6.3 to 7.0 refuse them "
			"with EOPNOTSUPP)",
		.action = "no IOPOLL ring on a namespace without poll queues: "
			  "the queue takes interrupts and says "
			  "NVIO_QF_IRQ_FALLBACK; NVIO_QUEUE_POLL there fails "
			  "with EOPNOTSUPP on every kernel",
	},
	{
		.id = NVIO_QUIRK_NO_VEC_FIXED,
		.name = "no-vec-fixed",
		.kernels = "before 6.16",
		.from = 0,
		.until = KV(6, 16),
		.decided = "by version: before 6.15 a probe gets EINVAL and a "
			   "kernel WARN",
		.what = "vectored passthrough cannot use registered buffers",
		.action = "vectored commands use registered buffers only from "
			  "6.16, when every segment lies in one registered "
			  "buffer",
	},
	{
		.id = NVIO_QUIRK_NO_HYBRID_POLL,
		.name = "no-hybrid-poll",
		.kernels = "before 6.15",
		.from = 0,
		.until = KV(6, 15),
		.decided = "by version: 6.13 and 6.14 accept the flag, and "
			   "passthrough on such a ring can hang",
		.what = "IORING_SETUP_HYBRID_IOPOLL (6.13) is missing or hangs "
			"passthrough (fixed in 6.15)",
		.action = "NVIO_QUEUE_HYBRID_POLL fails with EOPNOTSUPP; nvio "
			  "lat --mode hybrid says so",
	},
	{
		.id = NVIO_QUIRK_NO_SQARRAY,
		.name = "no-sqarray",
		.kernels = "6.6 and later",
		.from = KV(6, 6),
		.until = 0,
		.decided = "by probe: ring setup refuses the flag with EINVAL "
			   "on older kernels",
		.what = "rings without an SQ index array "
			"(IORING_SETUP_NO_SQARRAY), which liburing 2.6 and "
			"later ask for by default",
		.action = "the inline fast path indexes entries by the SQ tail, "
			  "which is right with or without the array; liburing "
			  "older than 2.6 is never given the flag (it would "
			  "fill an array that is not there)",
	},
	{
		.id = NVIO_QUIRK_ABORT_EFAULT,
		.name = "abort-efault",
		.kernels = "6.8 and later (6.12 and 7.2 seen)",
		.from = KV(6, 8),
		.until = 0,
		.decided = "not decided: the completion says it",
		.what = "a command caught by a controller reset or a transport "
			"error completes with EFAULT (\"Bad address\"), since "
			"transport errors come back as errno; after a removal, "
			"ENODEV",
		.action = "nvio_strerror(3) and the tool name EFAULT from a "
			  "completion as an abort by the kernel (reset or "
			  "transport error), not as a bad buffer: nvio checks "
			  "its buffers before it sends",
	},
	{
		.id = NVIO_QUIRK_PRIV_PASSTHRU,
		.name = "priv-passthru",
		.kernels = "before 6.2",
		.from = 0,
		.until = KV(6, 2),
		.decided = "by the kernel's answer: EACCES or EPERM",
		.what = "all passthrough needs CAP_SYS_ADMIN; from 6.2 a user "
			"with the device may send I/O the fd mode allows and "
			"Identify through the namespace's generic device, but "
			"not log pages or features",
		.action = "without the controller, Identify goes through the "
			  "generic device; if the metadata format still cannot "
			  "be learned, I/O that would need a metadata buffer is "
			  "refused with EOPNOTSUPP and nvio_dev_info says "
			  "md_unknown",
	},
};

_Static_assert(sizeof(table) / sizeof(table[0]) == NVIO_QUIRK_COUNT,
	       "one row per quirk id");

uint32_t nvio_kver_parse(const char *release)
{
	unsigned a, b, c = 0;
	int n = 0;

	if (!release || sscanf(release, "%u.%u%n", &a, &b, &n) != 2 || !n)
		return 0;
	/* "6.1.0-57-amd64": the third number is Debian's ABI, not the
	 * stable release, and "6.12-rc1" has none: either way only the
	 * first two decide, the third is kept for display. */
	if (release[n] == '.')
		sscanf(release + n + 1, "%u", &c);
	if (!a || a > 255 || b > 255)
		return 0;
	return NVIO_KVER(a, b, c > 255 ? 255 : c);
}

/* The running kernel's version, read once. NVIO_KERNEL_RELEASE stands in
 * for uname's release, so the tests can show each row's effect on any
 * kernel (an unreadable value counts as affected, like an unreadable
 * uname). */
uint32_t nvio_kver_running(void)
{
	static uint32_t cached;
	static int done;
	uint32_t v;

	if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
		return cached;
	const char *env = secure_getenv("NVIO_KERNEL_RELEASE");
	struct utsname u;

	if (env)
		v = nvio_kver_parse(env);
	else
		v = uname(&u) ? 0 : nvio_kver_parse(u.release);
	cached = v;
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	return v;
}

bool nvio_quirk_applies_to(const struct nvio_quirk *q, uint32_t kver)
{
	/* Unknown version: every quirk of old kernels applies; a behaviour
	 * of new kernels is assumed absent, so nothing new is relied on. */
	if (!kver)
		return q->from == 0;
	/* Major and minor decide; see nvio_kver_parse. */
	kver &= ~0xffu;
	return kver >= q->from && (!q->until || kver < q->until);
}

const struct nvio_quirk *nvio_quirk(unsigned i)
{
	return i < NVIO_QUIRK_COUNT ? &table[i] : NULL;
}

bool nvio_quirk_applies(unsigned id)
{
	if (id >= NVIO_QUIRK_COUNT)
		return false;
	return nvio_quirk_applies_to(&table[id], nvio_kver_running());
}

uint32_t nvio_kernel_version(void)
{
	return nvio_kver_running();
}
