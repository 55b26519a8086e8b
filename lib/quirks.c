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
			"controllers. Before 6.5 the poll loop follows a bio "
			"pointer kept in io_uring_cmd.cookie, freed by any "
			"completion it did not reap; 6.5 polls by request "
			"(9408d8a37e6c), but the cookie shares a union with the "
			"task_work callback until 6.8 removed it (8fadb86d4ced), "
			"and stable kernels that route polled completions "
			"through task_work (9ce6c9875f3e, in 6.1.y and 6.6.y) "
			"then poll a function pointer. 6.12 and 7.2 were seen to "
			"survive resets during polled I/O",
		.action = "queues made without NVIO_QUEUE_POLL take interrupts "
			  "and say NVIO_QF_POLL_UNSAFE; NVIO_QUEUE_POLL (and "
			  "NVIO_QUEUE_HYBRID_POLL) still poll; nvio lat polls "
			  "only with --mode poll or hybrid",
	},
	{
		.id = NVIO_QUIRK_NODATA_POLL,
		.name = "nodata-poll",
		.kernels = "before 6.5",
		.from = 0,
		.until = KV(6, 5),
		.decided = "by version: a probe dereferences a stale cookie",
		.what = "a polled command without data (flush, write zeroes, "
			"verify) is reallocated without REQ_POLLED and goes to "
			"an interrupt queue, but stays on the ring's poll list "
			"with a stale cookie (fixed by polling by request, "
			"9408d8a37e6c, 6.5)",
		.action = "on polled queues (NVIO_QUEUE_POLL there, see "
			  "poll-unsafe) such commands go through the NVMe ioctl "
			  "(NVIO_QF_NODATA_SYNC) unless NVIO_QUEUE_POLL_NODATA; "
			  "from 6.5 they stay on the polled ring",
	},
	{
		.id = NVIO_QUIRK_IOPOLL_ANY_FILE,
		.name = "iopoll-any-file",
		.kernels = "7.1 and later (23475637b0c4)",
		.from = KV(7, 1),
		.until = 0,
		.decided = "by probe: the namespace's queue/io_poll in sysfs, "
			   "read before the ring is made",
		.what = "an IOPOLL ring accepts uring_cmd on a namespace "
			"without poll queues and the commands complete by "
			"interrupt while the ring spins (6.3 to 7.0, and 6.1 from "
			"6.1.20, refuse them with EOPNOTSUPP; 6.1 before 6.1.20 "
			"accepts them too)",
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
		.what = "vectored passthrough cannot use registered buffers "
			"(3c12a8939e04, 6.16, lets it: every segment must lie in "
			"the one registered buffer the entry names)",
		.action = "vectored commands use a registered buffer only from "
			  "6.16, and only when every segment lies in one of the "
			  "queue's registered buffers",
	},
	{
		.id = NVIO_QUIRK_NO_HYBRID_POLL,
		.name = "no-hybrid-poll",
		.kernels = "before 6.15",
		.from = 0,
		.until = KV(6, 15),
		.decided = "by version: 6.13 and 6.14 accept the flag, and "
			   "passthrough on such a ring can hang",
		.what = "IORING_SETUP_HYBRID_IOPOLL (6.13, 01ee194d1aba) is "
			"missing or hangs passthrough (fixed by 63166b815dc1 in "
			"6.15)",
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
			  "which is right with or without the array; nvio never "
			  "passes the flag itself: liburing older than 2.6 would "
			  "write its SQ array over the ring's head and tail, and "
			  "2.6 and later ask for it and fall back on their own",
	},
	{
		.id = NVIO_QUIRK_ABORT_EFAULT,
		.name = "abort-efault",
		.kernels = "6.12 and 7.2 seen (6.8 and later by the code)",
		.from = KV(6, 8),
		.until = 0,
		.decided = "nothing to decide: the completion says it",
		.what = "commands caught by a controller reset were seen to "
			"complete with EFAULT (\"Bad address\"); no completion "
			"status maps to EFAULT in the driver, so it comes from "
			"the issue path (mapping the buffer) while the queue is "
			"frozen for the reset. Cancelled commands complete with "
			"EINTR, transport errors as errno (6.12); after a "
			"removal, ENODEV",
		.action = "nvio checks every buffer before it sends, so the "
			  "tool names EFAULT from a completion as a command the "
			  "kernel aborted or could not issue (reset or transport "
			  "error), not as a bad buffer; nvio_queue_reap(3) says "
			  "the same",
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
	{
		.id = NVIO_QUIRK_POLL_STATUS,
		.name = "poll-status",
		.kernels = "6.10 to 6.15 (6.12.y fixed from about 6.12.35)",
		.from = KV(6, 10),
		.until = KV(6, 16),
		.fixed_stable = NVIO_KVER(6, 12, 35),
		.decided = "by version: telling it by probe needs a failing "
			   "command on a polled queue, which is the bug",
		.what = "a polled completion reports the command's result "
			"dword as res and the status as the result "
			"(nvme_uring_cmd_end_io calls io_uring_cmd_iopoll_done "
			"with its arguments swapped, from 1afdb76038e2 in 6.10), "
			"so an NVMe error looks like success; fixed by routing "
			"polled completions through task_work (9ce6c9875f3e, "
			"6.16-rc2, also taken by 6.12.y stable). Read in the "
			"code, not seen: Debian 13's 6.12 reports polled errors "
			"correctly in the test bed",
		.action = "queues made without NVIO_QUEUE_POLL take interrupts "
			  "and say NVIO_QF_POLL_UNSAFE, as for poll-unsafe",
	},
	{
		.id = NVIO_QUIRK_IOPOLL_EXIT_SPIN,
		.name = "iopoll-exit-spin",
		.kernels = "stable 6.1.143+, 6.6.96+, 6.12.35+ (still in "
			   "6.12.118) and 6.15.4+; not 6.16 and later. Applied "
			   "to every kernel before 6.16: distribution releases "
			   "hide the stable number, and the cost is small",
		.from = 0,
		.until = KV(6, 16),
		.decided = "by version: the probe is a kernel worker spinning "
			   "for good",
		.what = "a polled passthrough ring closed (or its process gone) "
			"with commands not yet reaped: on a DEFER_TASKRUN ring "
			"the exit worker polls them without running the task "
			"work that completes them, spinning, and polls their "
			"freed requests; after a PCI removal that oopsed "
			"Debian's 6.12.117 (NULL dereference in blk_rq_poll "
			"from io_ring_exit_work), 2 of 6 runs. Stable took "
			"9ce6c9875f3e without its companion b62e0efd8a85 "
			"(both 6.16-rc2)",
		.action = "polled queues are set up with COOP_TASKRUN instead "
			  "of DEFER_TASKRUN, so such a completion goes to the "
			  "kernel's fallback work rather than to the exit "
			  "worker's loop; nvio_queue_destroy waits for every "
			  "command before it closes a ring. A process that "
			  "exits with polled commands in flight still leaves "
			  "their requests to the kernel",
	},
	{
		.id = NVIO_QUIRK_IOPOLL_WAIT_SLOW,
		.name = "iopoll-wait-slow",
		.kernels = "7.2 measured; not 6.1 or 6.12; 6.13 to 7.1 not "
			   "measured, so left as they were",
		.from = KV(7, 2),
		.until = 0,
		.decided = "by version: the difference is speed, which nothing "
			   "at queue creation can measure",
		.what = "a polled reap that waits in the kernel's polling loop "
			"(io_uring_enter with min_complete) read at 0.79x the "
			"rate of one that polls once a call and comes back to "
			"user space at QD1, and 0.70x at QD32 (0.81x and 0.92x "
			"in a run on a busier host); the hand-written liburing "
			"loop showed the same. On 6.1 and 6.12 the kernel's "
			"wait was level or a few percent ahead. Measured under "
			"emulation (QEMU's NVMe controller, TCG), paired in one "
			"process: bench/waits.sh, bench/README.md",
		.action = "NVIO_WAIT_DEFAULT spins in user space on polled "
			  "queues without an SQPOLL thread (NVIO_WAIT_SPIN, "
			  "nvio_queue_set_wait(3)); NVIO_WAIT_KERNEL, or nvio "
			  "lat --wait kernel, waits in the kernel as before",
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
	/* A stable release with the fix backported. */
	if (q->fixed_stable && (kver & ~0xffu) == (q->fixed_stable & ~0xffu) &&
	    kver >= q->fixed_stable)
		return false;
	/* Otherwise major and minor decide; see nvio_kver_parse. */
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

bool nvio_kernel_polls_safely(void)
{
	return !nvio_quirk_applies(NVIO_QUIRK_POLL_UNSAFE) &&
	       !nvio_quirk_applies(NVIO_QUIRK_POLL_STATUS);
}

uint32_t nvio_kernel_version(void)
{
	return nvio_kver_running();
}
