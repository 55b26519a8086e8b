/* SPDX-License-Identifier: MIT */
/*
 * queue.c - one io_uring per queue: setup with feature fallback, the
 * submission entry encoding, submit and reap.
 *
 * The hot path (nvio_queue_push, nvio_queue_submit, nvio_queue_reap) takes
 * no lock, allocates nothing and makes no system call but io_uring_enter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>

#include "nvio-private.h"

_Static_assert(sizeof(struct nvme_uring_cmd) <= 80,
	       "nvme_uring_cmd fits the SQE128 command area");

/* nvio.h's inline fast path writes SQEs and reads CQEs through its own
 * copies of the kernel's layouts, so that it needs no kernel header. */
#define SAME_AT(a, b)                                                          \
	_Static_assert(offsetof(struct nvio_fast_sqe, a) ==                        \
			       offsetof(struct io_uring_sqe, b),               \
		       "nvio_fast_sqe." #a " is io_uring_sqe." #b)
SAME_AT(opcode, opcode);
SAME_AT(flags, flags);
SAME_AT(fd, fd);
SAME_AT(cmd_op, cmd_op);
SAME_AT(uring_cmd_flags, uring_cmd_flags);
SAME_AT(user_data, user_data);
SAME_AT(buf_index, buf_index);
SAME_AT(nvme_opcode, cmd);
#undef SAME_AT
#define SAME_AT(a, b)                                                          \
	_Static_assert(offsetof(struct nvio_fast_sqe, a) -                         \
				       offsetof(struct nvio_fast_sqe, nvme_opcode) == \
			       offsetof(struct nvme_uring_cmd, b),             \
		       "nvio_fast_sqe." #a " is nvme_uring_cmd." #b)
SAME_AT(nsid, nsid);
SAME_AT(metadata, metadata);
SAME_AT(data, addr);
SAME_AT(metadata_len, metadata_len);
SAME_AT(data_len, data_len);
SAME_AT(cdw10, cdw10);
SAME_AT(cdw11, cdw11);
SAME_AT(cdw12, cdw12);
SAME_AT(cdw15, cdw15);
SAME_AT(timeout_ms, timeout_ms);
#undef SAME_AT
_Static_assert(sizeof(struct nvio_fast_sqe) == 2 * sizeof(struct io_uring_sqe),
	       "nvio_fast_sqe is an SQE128 entry");
_Static_assert(offsetof(struct nvio_fast_sqe, pad2) ==
		       offsetof(struct io_uring_sqe, cmd) +
			       sizeof(struct nvme_uring_cmd),
	       "the fast path zeroes exactly the SQE and the NVMe command");
_Static_assert(sizeof(struct nvio_fast_cqe) == 2 * sizeof(struct io_uring_cqe),
	       "nvio_fast_cqe is a CQE32 entry");
_Static_assert(offsetof(struct nvio_fast_cqe, res) ==
			       offsetof(struct io_uring_cqe, res) &&
		       offsetof(struct nvio_fast_cqe, big_cqe) ==
			       offsetof(struct io_uring_cqe, big_cqe),
	       "nvio_fast_cqe is io_uring_cqe");
_Static_assert(NVIO_FAST_OP_URING_CMD == IORING_OP_URING_CMD &&
		       NVIO_FAST_URING_CMD_IO == NVME_URING_CMD_IO &&
		       NVIO_FAST_URING_CMD_FIXED == IORING_URING_CMD_FIXED,
	       "nvio.h's constants are the kernel's");
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct nvio_cpl) == 24 &&
		       offsetof(struct nvio_cpl, res) ==
			       offsetof(struct io_uring_cqe, res) &&
		       offsetof(struct nvio_cpl, rsvd) ==
			       offsetof(struct io_uring_cqe, flags) &&
		       offsetof(struct nvio_cpl, result) ==
			       offsetof(struct io_uring_cqe, big_cqe),
	       "a completion is copied from the CQE as it is");
#endif
_Static_assert(offsetof(struct nvio_queue, f) == 0,
	       "a queue starts with its fast part");

int nvio_queue_opts_check(const struct nvio_queue_opts *opts,
			  struct nvio_queue_opts *o)
{
	const uint32_t known = NVIO_QUEUE_IRQ | NVIO_QUEUE_POLL |
			       NVIO_QUEUE_SQPOLL | NVIO_QUEUE_NO_REG_FILE |
			       NVIO_QUEUE_EVENTFD | NVIO_QUEUE_NO_NEW_FLAGS |
			       NVIO_QUEUE_POLL_NODATA | NVIO_QUEUE_HYBRID_POLL;

	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->sqpoll_cpu = -1;
	if (opts) {
		if (opts->sz < offsetof(struct nvio_queue_opts, flags) +
				       sizeof(opts->flags))
			return -EINVAL;
		memcpy(o, opts, opts->sz < sizeof(*o) ? opts->sz : sizeof(*o));
		o->sz = sizeof(*o);
		if (opts->sz <= offsetof(struct nvio_queue_opts, sqpoll_cpu))
			o->sqpoll_cpu = -1;
	}
	if (!o->depth)
		o->depth = NVIO_DEFAULT_DEPTH;
	if (o->depth > NVIO_MAX_DEPTH)
		return -EINVAL;
	if (o->flags & ~known)
		return -EINVAL;
	if ((o->flags & NVIO_QUEUE_IRQ) &&
	    (o->flags & (NVIO_QUEUE_POLL | NVIO_QUEUE_HYBRID_POLL)))
		return -EINVAL; /* contradictory */
	/* Hybrid polling is polling: it is asked for explicitly. */
	if (o->flags & NVIO_QUEUE_HYBRID_POLL)
		o->flags |= NVIO_QUEUE_POLL;
	if (o->sqpoll_cpu < -1)
		return -EINVAL;
	if (o->reg_bufs > o->depth)
		return -EINVAL;
	if (o->reg_bufs && (!o->reg_buf_size || o->reg_buf_size > (1u << 30)))
		return -EINVAL;
	return 0;
}

/* What the request paths check a namespace's commands against. */
static void ns_geometry(struct nvio_qns *g, const struct nvio_dev_info *info)
{
	g->nsid = info->nsid;
	g->nsze = info->nsze;
	g->lba_shift = info->lba_shift;
	g->lba_bytes = info->lba_size + (info->md_extended ? info->md_size : 0);
	g->md_size = info->md_size;
	g->max_nlb = info->max_nlb;
	/* An unknown format takes the checked path, which refuses data
	 * I/O: nvio cannot size the buffers such a command needs. */
	g->md_unknown = info->md_unknown;
	g->md_sep = info->md_size && !info->md_extended;
	/* PRACT then moves no metadata at all; where the PI's size is not
	 * known the buffer is still required (fail safe). */
	g->pi_only = info->pi_type && info->pi_size &&
		     info->md_size == info->pi_size;
	g->pi_type = info->pi_type;
	g->pi_guard_bits = info->pi_type ? info->pi_guard_bits : 0;
	g->pi_sts = info->pi_sts;
	g->oncs = info->oncs;
	g->copy_max_range = info->copy_max_range;
	g->copy_max_len = info->copy_max_len;
	g->copy_max_ranges = info->copy_max_ranges;
	g->zoned = info->zoned;
	g->zone_size = info->zone_size;
	g->zone_append_max = info->zone_append_max;
}

void nvio_queue_init_geometry(struct nvio_queue *q,
			      const struct nvio_dev_info *info)
{
	const struct nvio_qns *g = &q->ns[0];

	ns_geometry(&q->ns[0], info);
	if (!q->nr_ns)
		q->nr_ns = 1;
	/* the queue's own namespace, as the fast path reads it */
	q->f.nsid = g->nsid;
	q->f.lba_shift = g->lba_shift;
	q->md_size = g->md_size;
	q->lba_bytes = g->lba_bytes;
	q->md_unknown = g->md_unknown;
	q->md_any = info->md_size != 0 || info->md_unknown;
	q->md_sep = g->md_sep;
	q->pi_only = g->pi_only;
	q->max_nlb = g->max_nlb;
	q->f.nsze = g->nsze;
	/* Metadata changes the buffer rules: those reads take the long way. */
	q->f.fast_max_nlb = q->md_any ? 0
			    : info->max_nlb && info->max_nlb < NVIO_NLB_LIMIT
				    ? info->max_nlb
				    : NVIO_NLB_LIMIT;
}

/* How long a reap spins in user space by default before it waits in the
 * kernel: an SQPOLL + IOPOLL reap, and an NVIO_WAIT_SPIN one. */
#define SPIN_NS 1000000u

/* What the inline fast path needs of the ring liburing set up. liburing
 * (2.2 on) fills the SQ index array once at setup, so publishing the SQ
 * tail is all a submission needs. */
void nvio_queue_init_rings(struct nvio_queue *q)
{
	q->f.sqes = (unsigned char *)q->ring.sq.sqes;
	q->f.sq_tail = q->ring.sq.sqe_tail;
	q->f.sq_mask = q->ring.sq.ring_mask;
	q->f.cq_khead = q->ring.cq.khead;
	q->f.cq_ktail = q->ring.cq.ktail;
	q->f.cqes = (const unsigned char *)q->ring.cq.cqes;
	q->f.cq_mask = q->ring.cq.ring_mask;
	/* waits as the kernel waits until nvio_queue_create has the flags
	 * the default is chosen by */
	q->wait = NVIO_WAIT_KERNEL;
	q->enter_mask = ~0u;
	q->spin_ns = SPIN_NS;
}

/* The constant words of the fast path's SQEs, once fd, flags and nsid
 * are final. */
void nvio_queue_init_words(struct nvio_queue *q)
{
	q->ns[0].dev = q->dev;
	q->ns[0].fd = q->f.fd;
	q->ns[0].sqe_flags = q->f.sqe_flags;
	q->ns[0].ioctl_fd = q->dev ? q->dev->fd : q->f.fd;
	q->f.sqe_word0 = IORING_OP_URING_CMD |
			 (uint64_t)q->f.sqe_flags << 8 |
			 (uint64_t)(uint32_t)q->f.fd << 32;
	q->f.cmd_word0 = (uint64_t)q->f.nsid << 32;
}

static void update_reap_slow(struct nvio_queue *q)
{
	/* SQPOLL rings submit through liburing, which wakes the thread */
	q->f.reap_slow = (q->flags & NVIO_QF_SQPOLL) || q->disabled ||
			 q->soft_head != q->soft_tail;
}

/* Commands queued but not yet taken by the kernel: on SQPOLL rings those
 * liburing has not published (it publishes all), elsewhere those past
 * the kernel's SQ head. Exact after any submission, however many the
 * kernel took (it stops at a command that fails to start). */
static void update_pending(struct nvio_queue *q)
{
	if (q->flags & NVIO_QF_SQPOLL)
		q->f.pending = 0;
	else
		q->f.pending = q->f.sq_tail -
			       io_uring_smp_load_acquire(q->ring.sq.khead);
}

/* liburing submits from its own copy of the SQ tail; the fast path keeps
 * the tail in q->f and publishes it itself (nvio_fast_enter), so both
 * are handed over before each liburing call: liburing publishes the tail
 * when its sqe_head differs from it. */
static inline void sync_sq(struct nvio_queue *q)
{
	q->ring.sq.sqe_head = *q->ring.sq.ktail;
	q->ring.sq.sqe_tail = q->f.sq_tail;
}

/* Newest setup flags first; each rung drops what an older kernel rejects
 * with -EINVAL. SINGLE_ISSUER rings start disabled so that the thread that
 * first uses the queue, not the one that built it, becomes its owner. */
static int ring_setup(struct nvio_queue *q, const struct nvio_queue_opts *o,
		      bool polled)
{
	unsigned base = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	static const unsigned rungs[] = {
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			IORING_SETUP_R_DISABLED,
		IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN |
			IORING_SETUP_R_DISABLED,
		IORING_SETUP_COOP_TASKRUN,
		0,
	};
	bool sqpoll = o->flags & NVIO_QUEUE_SQPOLL;
	int rc = -EINVAL;

	if (polled)
		base |= IORING_SETUP_IOPOLL;
	if (o->flags & NVIO_QUEUE_HYBRID_POLL)
		base |= IORING_SETUP_HYBRID_IOPOLL;
	for (size_t i = 0; i < sizeof(rungs) / sizeof(rungs[0]); i++) {
		unsigned extra = rungs[i];
		struct io_uring_params p = { 0 };

		if (o->flags & NVIO_QUEUE_NO_NEW_FLAGS)
			extra = 0;
		/* DEFER_TASKRUN needs the owner to enter the kernel, which an
		 * SQPOLL thread does not; a reactor sleeping on the eventfd
		 * must be woken by completions, which COOP_TASKRUN and
		 * DEFER_TASKRUN both postpone until it enters the kernel. */
		if (sqpoll && (extra & IORING_SETUP_DEFER_TASKRUN))
			continue;
		/* Quirk iopoll-exit-spin: a polled DEFER_TASKRUN ring closed
		 * with commands out can spin its exit worker on freed
		 * requests. */
		if (polled && (extra & IORING_SETUP_DEFER_TASKRUN) &&
		    nvio_quirk_applies(NVIO_QUIRK_IOPOLL_EXIT_SPIN))
			continue;
		if (o->flags & NVIO_QUEUE_EVENTFD)
			extra &= ~(IORING_SETUP_DEFER_TASKRUN |
				   IORING_SETUP_COOP_TASKRUN);
		p.flags = base | extra;
		if (sqpoll) {
			p.flags |= IORING_SETUP_SQPOLL;
			p.sq_thread_idle = o->sqpoll_idle_ms ? o->sqpoll_idle_ms
							     : 1000;
			if (o->sqpoll_cpu >= 0) {
				p.flags |= IORING_SETUP_SQ_AFF;
				p.sq_thread_cpu = (unsigned)o->sqpoll_cpu;
			}
		}
		rc = io_uring_queue_init_params(o->depth, &q->ring, &p);
		if (rc == 0) {
			if (extra & IORING_SETUP_SINGLE_ISSUER)
				q->flags |= NVIO_QF_SINGLE_ISSUER;
			if (extra & IORING_SETUP_DEFER_TASKRUN)
				q->flags |= NVIO_QF_DEFER_TASKRUN;
			if (extra & IORING_SETUP_COOP_TASKRUN)
				q->flags |= NVIO_QF_COOP_TASKRUN;
			q->disabled = extra & IORING_SETUP_R_DISABLED;
			return 0;
		}
		if (rc != -EINVAL || extra == 0)
			break;
	}
	return rc;
}

static unsigned log2_ceil(uint32_t v)
{
	unsigned s = 0;

	while ((1ull << s) < v)
		s++;
	return s;
}

static int reg_bufs_setup(struct nvio_queue *q, const struct nvio_queue_opts *o)
{
	unsigned shift = log2_ceil(o->reg_buf_size < NVIO_PAGE ? NVIO_PAGE
							      : o->reg_buf_size);
	size_t each = (size_t)1 << shift;
	struct iovec *iov;
	int rc;

	q->rbuf_total = each * o->reg_bufs;
	q->rbuf = mmap(NULL, q->rbuf_total, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (q->rbuf == MAP_FAILED) {
		q->rbuf = NULL;
		return -errno;
	}
	q->f.fixed_base = (uintptr_t)q->rbuf;
	q->f.fixed_shift = shift;
	q->rbuf_nr = o->reg_bufs;
	/* One registered buffer per slot, not one large region: the kernel
	 * maps a fixed buffer's pages per command, and a large region made
	 * QD32 reads half as fast when measured. */
	iov = calloc(o->reg_bufs, sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	for (unsigned i = 0; i < o->reg_bufs; i++) {
		iov[i].iov_base = q->rbuf + ((size_t)i << shift);
		iov[i].iov_len = each;
	}
	rc = io_uring_register_buffers(&q->ring, iov, o->reg_bufs);
	free(iov);
	if (rc == 0) {
		q->flags |= NVIO_QF_REG_BUFS;
		q->f.fixed_total = q->rbuf_total;
		/* Before 6.16 a vectored fixed command fails with EINVAL and,
		 * before 6.15, a kernel WARN: decided by version. */
		q->vec_fixed = !nvio_quirk_applies(NVIO_QUIRK_NO_VEC_FIXED);
	}
	/* Without registration the buffers still work, through the normal
	 * mapping; the flag tells the caller. */
	return 0;
}

int nvio_queue_create(struct nvio_dev *dev, const struct nvio_queue_opts *opts,
		      struct nvio_queue **qp)
{
	struct nvio_queue_opts o;
	struct nvio_queue *q;
	bool polled;
	int rc;

	if (!dev || !qp)
		return -EINVAL;
	*qp = NULL;
	/* a controller handle (NVIO_DEV_CTRL) has no namespace to queue to */
	if (dev->fd < 0)
		return -ENODEV;
	rc = nvio_queue_opts_check(opts, &o);
	if (rc)
		return rc;
	polled = !(o.flags & NVIO_QUEUE_IRQ) && dev->info.poll_queues;
	if ((o.flags & NVIO_QUEUE_POLL) && !dev->info.poll_queues)
		return -EOPNOTSUPP;
	/* 6.13 and 6.14 take the flag, and passthrough on the ring can
	 * hang: only a version can tell. */
	if ((o.flags & NVIO_QUEUE_HYBRID_POLL) &&
	    nvio_quirk_applies(NVIO_QUIRK_NO_HYBRID_POLL))
		return -EOPNOTSUPP;
	/* Where polled completions can oops the kernel (a controller reset
	 * during polled I/O is enough), polling is the caller's explicit
	 * choice, never a default. Decided by version: the probe would be
	 * the crash. */
	bool poll_unsafe = polled && !nvio_kernel_polls_safely();
	if (poll_unsafe && !(o.flags & NVIO_QUEUE_POLL))
		polled = false;
	/* An eventfd cannot wake a reactor for completions nobody polls. */
	if ((o.flags & NVIO_QUEUE_EVENTFD) && polled) {
		if (o.flags & NVIO_QUEUE_POLL)
			return -EINVAL;
		polled = false;
	}

	q = aligned_alloc(64, (sizeof(*q) + 63) & ~(size_t)63);
	if (!q)
		return -ENOMEM;
	memset(q, 0, sizeof(*q));
	q->dev = dev;
	nvio_dev_get(dev); /* the device outlives its queues */
	q->evfd = -1;
	q->f.depth = o.depth;
	q->f.timeout_ms = o.timeout_ms;
	nvio_queue_init_geometry(q, &dev->info);
	if (polled)
		q->flags |= NVIO_QF_POLLED;
	else if (!dev->info.poll_queues && !(o.flags & NVIO_QUEUE_IRQ) &&
		 !(o.flags & NVIO_QUEUE_EVENTFD))
		q->flags |= NVIO_QF_IRQ_FALLBACK;
	if (poll_unsafe && (polled || !(o.flags & NVIO_QUEUE_EVENTFD)))
		q->flags |= NVIO_QF_POLL_UNSAFE;
	if (o.flags & NVIO_QUEUE_HYBRID_POLL)
		q->flags |= NVIO_QF_HYBRID_POLL;

	rc = ring_setup(q, &o, polled);
	if (rc) {
		nvio_dev_put(dev);
		free(q);
		return rc;
	}
	nvio_queue_init_rings(q);
	if (o.flags & NVIO_QUEUE_SQPOLL)
		q->flags |= NVIO_QF_SQPOLL;
	q->enter_to_see = (polled && !(o.flags & NVIO_QUEUE_SQPOLL)) ||
			  (q->flags & NVIO_QF_DEFER_TASKRUN);
	q->spin_reap = polled && (o.flags & NVIO_QUEUE_SQPOLL);
	nvio_queue_set_wait(q, NVIO_WAIT_DEFAULT, 0);
	update_reap_slow(q);
	/* NVIO_QUIRK_NODATA_POLL: a use-after-free cannot be probed
	 * safely, so this one is decided by version. */
	if (polled && !(o.flags & NVIO_QUEUE_POLL_NODATA) &&
	    nvio_quirk_applies(NVIO_QUIRK_NODATA_POLL)) {
		q->soft = calloc(o.depth, sizeof(*q->soft));
		if (!q->soft) {
			rc = -ENOMEM;
			goto fail;
		}
		q->nodata_sync = true;
		q->flags |= NVIO_QF_NODATA_SYNC;
	}

	q->f.fd = dev->fd;
	/* A table with room for the namespaces nvio_queue_add_ns() may
	 * add: index 0 is this one's, the rest empty (-1) until then. */
	int files[NVIO_QUEUE_MAX_NS];

	files[0] = dev->fd;
	for (unsigned i = 1; i < NVIO_QUEUE_MAX_NS; i++)
		files[i] = -1;
	if (!(o.flags & NVIO_QUEUE_NO_REG_FILE) &&
	    io_uring_register_files(&q->ring, files, NVIO_QUEUE_MAX_NS) == 0) {
		q->f.fd = 0;
		q->f.sqe_flags = IOSQE_FIXED_FILE;
		q->flags |= NVIO_QF_REG_FILE;
	}
	nvio_queue_init_words(q);
	if (o.reg_bufs) {
		rc = reg_bufs_setup(q, &o);
		if (rc)
			goto fail;
	}
	if (o.flags & NVIO_QUEUE_EVENTFD) {
		q->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (q->evfd < 0) {
			rc = -errno;
			goto fail;
		}
		rc = io_uring_register_eventfd(&q->ring, q->evfd);
		if (rc)
			goto fail;
		q->flags |= NVIO_QF_EVENTFD;
	}
	*qp = q;
	return 0;
fail:
	nvio_queue_destroy(q);
	return rc;
}

int nvio_queue_destroy(struct nvio_queue *q)
{
	if (!q)
		return 0;
	if (q->f.inflight) {
		/* Commands nobody sent are dropped; those in the kernel may
		 * still write their buffers (which the caller frees next),
		 * and a ring closed under them would not stop that: wait. */
		int rc = nvio_queue_drain(q, nvio_queue_drain_bound_ns(q));

		if (rc)
			return rc;
	}
	io_uring_queue_exit(&q->ring);
	if (q->evfd >= 0)
		close(q->evfd);
	if (q->rbuf)
		munmap(q->rbuf, q->rbuf_total);
	for (unsigned i = 1; i < q->nr_ns; i++)
		nvio_dev_put(q->ns[i].dev);
	nvio_dev_put(q->dev);
	free(q->soft);
	free(q);
	return 0;
}

int nvio_queue_set_timeout(struct nvio_queue *q, uint32_t ms)
{
	if (!q)
		return -EINVAL;
	q->f.timeout_ms = ms;
	return 0;
}

uint32_t nvio_queue_timeout(const struct nvio_queue *q)
{
	return q->f.timeout_ms;
}

/* NVIO_WAIT_DEFAULT's choice, from the paired measurements in
 * bench/README.md ("How a queue waits"). */
static enum nvio_wait default_wait(const struct nvio_queue *q)
{
	/* Interrupt queues sleep: a spin would burn the CPU a polled queue
	 * burns anyway. Hybrid polling sleeps inside the kernel's loop, and
	 * an SQPOLL thread polls for the reap. */
	if ((q->flags & (NVIO_QF_POLLED | NVIO_QF_SQPOLL |
			 NVIO_QF_HYBRID_POLL)) == NVIO_QF_POLLED &&
	    nvio_quirk_applies(NVIO_QUIRK_IOPOLL_WAIT_SLOW))
		return NVIO_WAIT_SPIN;
	return NVIO_WAIT_KERNEL;
}

int nvio_queue_set_wait(struct nvio_queue *q, int wait, uint64_t spin_ns)
{
	if (!q || spin_ns > 1000000000u)
		return -EINVAL;
	switch (wait) {
	case NVIO_WAIT_DEFAULT:
		wait = default_wait(q);
		break;
	case NVIO_WAIT_KERNEL:
		break;
	case NVIO_WAIT_SPIN:
		/* its sleep is in the kernel's polling loop, which a spin
		 * never enters */
		if (q->flags & NVIO_QF_HYBRID_POLL)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	q->wait = (uint8_t)wait;
	q->enter_mask = wait == NVIO_WAIT_SPIN ? 0 : ~0u;
	q->spin_ns = spin_ns ? spin_ns : SPIN_NS;
	return 0;
}

int nvio_queue_wait(const struct nvio_queue *q)
{
	return q ? q->wait : -EINVAL;
}

unsigned nvio_queue_flags(const struct nvio_queue *q) { return q->flags; }
unsigned nvio_queue_depth(const struct nvio_queue *q) { return q->f.depth; }
unsigned nvio_queue_inflight(const struct nvio_queue *q)
{
	return q->f.inflight;
}
struct nvio_dev *nvio_queue_dev(const struct nvio_queue *q) { return q->dev; }

int nvio_queue_event_fd(const struct nvio_queue *q)
{
	if (q->flags & NVIO_QF_POLLED)
		return -EOPNOTSUPP;
	return q->evfd >= 0 ? q->evfd : -ENOENT;
}

void *nvio_queue_buf(const struct nvio_queue *q, unsigned i)
{
	if (i >= q->rbuf_nr)
		return NULL;
	return q->rbuf + ((size_t)i << q->f.fixed_shift);
}

/* A command without data on a queue where it must not be polled: run it
 * now through the synchronous ioctl and keep its completion for reap. */
static int push_sync(struct nvio_queue *q, const struct nvio_cmd *cmd,
		     void *user, int fd, uint32_t timeout_ms)
{
	struct nvme_passthru_cmd64 pc;
	struct nvio_cpl *c = &q->soft[q->soft_tail % q->f.depth];
	int rc;

	nvio_cmd_to_ioctl(cmd, NULL, 0, &pc);
	pc.timeout_ms = timeout_ms;
	rc = ioctl(fd, NVME_IOCTL_IO64_CMD, &pc);
	c->user = user;
	c->res = rc < 0 ? -errno : rc;
	c->rsvd = 0;
	c->result = pc.result;
	q->soft_tail++;
	q->f.inflight++;
	update_reap_slow(q);
	return 0;
}

int nvio_queue_push_ns(struct nvio_queue *q, const struct nvio_qns *g,
		       const struct nvio_cmd *cmd, bool vec, const void *buf,
		       uint32_t len, void *md, uint32_t md_len, void *user,
		       uint32_t timeout_ms)
{
	struct nvme_uring_cmd *uc;
	struct io_uring_sqe *sqe;

	if (unlikely(q->f.inflight >= q->f.depth))
		return -EBUSY;
	if (!timeout_ms)
		timeout_ms = q->f.timeout_ms;
	if (unlikely(q->nodata_sync) && !len && !md_len)
		return push_sync(q, cmd, user, g->ioctl_fd, timeout_ms);
	uc = nvio_sqe_begin(q, vec, buf, len, md, md_len, user);
	nvio_uring_cmd_from(cmd, uc);
	uc->timeout_ms = timeout_ms;
	sqe = (struct io_uring_sqe *)(void *)((char *)uc -
					      offsetof(struct io_uring_sqe, cmd));
	sqe->fd = g->fd;
	sqe->flags = g->sqe_flags;
	return 0;
}

int nvio_queue_push(struct nvio_queue *q, const struct nvio_cmd *cmd, bool vec,
		    const void *buf, uint32_t len, void *md, uint32_t md_len,
		    void *user)
{
	return nvio_queue_push_ns(q, &q->ns[0], cmd, vec, buf, len, md, md_len,
				  user, 0);
}

const struct nvio_qns *nvio_queue_ns(const struct nvio_queue *q, uint32_t nsid)
{
	if (!nsid)
		return &q->ns[0];
	for (unsigned i = 0; i < q->nr_ns; i++)
		if (q->ns[i].nsid == nsid)
			return &q->ns[i];
	return NULL;
}

int nvio_queue_add_ns(struct nvio_queue *q, struct nvio_dev *dev)
{
	struct nvio_qns *g;
	int rc;

	if (!q || !dev)
		return -EINVAL;
	if (dev->fd < 0)
		return -ENODEV; /* a controller handle: no namespace */
	/* One controller: the same poll queues (an IOPOLL ring takes only
	 * files it can poll) and the same lifetime. */
	if (!q->dev || strcmp(dev->info.ctrl_path, q->dev->info.ctrl_path) ||
	    !dev->info.ctrl_path[0])
		return -EXDEV;
	if (nvio_queue_ns(q, dev->info.nsid))
		return -EEXIST;
	if (q->nr_ns >= NVIO_QUEUE_MAX_NS)
		return -ENOSPC;
	g = &q->ns[q->nr_ns];
	memset(g, 0, sizeof(*g));
	ns_geometry(g, &dev->info);
	g->ioctl_fd = dev->fd;
	if (q->flags & NVIO_QF_REG_FILE) {
		int fd = dev->fd;

		/* the slot at this index was registered empty */
		rc = io_uring_register_files_update(&q->ring, q->nr_ns, &fd, 1);
		if (rc < 0)
			return rc;
		g->fd = (int32_t)q->nr_ns;
		g->sqe_flags = IOSQE_FIXED_FILE;
	} else {
		g->fd = dev->fd;
	}
	nvio_dev_get(dev);
	g->dev = dev;
	q->nr_ns++;
	return 0;
}

static int queue_enable(struct nvio_queue *q)
{
	/* liburing 2.3 declares io_uring_enable_rings but does not ship it. */
	if (syscall(__NR_io_uring_register, q->ring.ring_fd,
		    IORING_REGISTER_ENABLE_RINGS, NULL, 0) < 0)
		return -errno;
	q->disabled = false;
	update_reap_slow(q);
	return 0;
}

int nvio_queue_submit(struct nvio_queue *q)
{
	int rc;

	if (unlikely(q->disabled)) {
		rc = queue_enable(q);
		if (rc)
			return rc;
	}
	if (!q->f.pending)
		return 0;
	sync_sq(q);
	rc = io_uring_submit(&q->ring);
	if (rc >= 0)
		update_pending(q);
	return rc;
}

static unsigned drain_soft(struct nvio_queue *q, struct nvio_cpl *cpl,
			   unsigned max)
{
	unsigned n = 0;

	while (q->soft_head != q->soft_tail && n < max)
		cpl[n++] = q->soft[q->soft_head++ % q->f.depth];
	q->f.inflight -= n;
	update_reap_slow(q);
	return n;
}

/* nvio_fast_drain() copies one completion even for max 0 (the inline
 * reap never asks for 0); callers here may, when cpl is already full. */
static inline unsigned drain(struct nvio_queue *q, struct nvio_cpl *cpl,
			     unsigned max)
{
	return max ? nvio_fast_drain(&q->f, cpl, max) : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* An SQPOLL + IOPOLL reap spins on the completion ring (its SQ thread
 * polls) SPIN_NS before it sleeps in the kernel, in slices of at most
 * SLEEP_SLICE_NS, so that a signal or a deadline always ends it. */
#define SLEEP_SLICE_NS 10000000u

/* Completions the kernel has posted and nobody has drained. */
static inline unsigned cq_ready(const struct nvio_queue *q)
{
	return __atomic_load_n(q->f.cq_ktail, __ATOMIC_ACQUIRE) - *q->f.cq_khead;
}

/* io_uring_enter submitting `submit` commands (published first) and
 * waiting for `want` completions, at most `ns` if ns is not 0 (5.11+'s
 * IORING_ENTER_EXT_ARG). Returns what the kernel returned, or -errno. */
static int enter(struct nvio_queue *q, unsigned submit, unsigned want,
		 uint64_t ns)
{
	struct __kernel_timespec ts = {
		.tv_sec = (long long)(ns / 1000000000u),
		.tv_nsec = (long long)(ns % 1000000000u),
	};
	struct io_uring_getevents_arg arg = { .ts = (uint64_t)(uintptr_t)&ts };
	long rc;

	if (submit)
		io_uring_smp_store_release(q->ring.sq.ktail, q->f.sq_tail);
	if (ns)
		rc = syscall(__NR_io_uring_enter, q->ring.ring_fd, submit, want,
			     IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
			     &arg, sizeof(arg));
	else
		rc = syscall(__NR_io_uring_enter, q->ring.ring_fd, submit, want,
			     IORING_ENTER_GETEVENTS, NULL, 0);
	if (rc < 0)
		return -errno;
	if (submit)
		update_pending(q);
	return (int)rc;
}

/* An SQPOLL ring's commands go through liburing, which wakes the thread
 * when it sleeps. */
static int sqpoll_submit(struct nvio_queue *q)
{
	int rc;

	sync_sq(q);
	rc = io_uring_submit(&q->ring);
	if (rc >= 0)
		update_pending(q);
	return rc;
}

/* Drains while spinning, until `min` are in cpl or `until` passes. */
static unsigned spin(struct nvio_queue *q, struct nvio_cpl *cpl, unsigned max,
		     unsigned min, unsigned n, uint64_t until)
{
	for (unsigned i = 0; n < min; i++) {
		n += drain(q, cpl + n, max - n);
		if ((i & 63) == 63 && now_ns() >= until)
			break;
	}
	return n;
}

/* NVIO_WAIT_SPIN's wait on a ring without an SQ thread: one nonblocking
 * io_uring_enter a pass, which submits what is queued and polls the
 * device once (IOPOLL) or runs the completions' task work (deferred and
 * cooperative rings post nothing without it), until `min` are in *n's
 * count or the spin bound passes. True when the reap is over (*res its
 * result: the count, an error, or -ETIME at a deadline that came first);
 * false at the bound, for the caller to wait in the kernel, whose wait
 * hears a signal that a spin cannot. */
static bool spin_wait(struct nvio_queue *q, struct nvio_cpl *cpl, unsigned max,
		      unsigned min, unsigned *n, uint64_t deadline, int *res)
{
	uint64_t until = now_ns() + q->spin_ns;
	const bool to_deadline = deadline && deadline < until;

	if (to_deadline)
		until = deadline;
	for (unsigned i = 1;; i++) {
		if (!cq_ready(q)) {
			/* the inline reap's own system call, waiting for
			 * nothing: the cheapest pass there is */
			int rc = nvio_fast_enter(q, q->f.pending, 0);

			if (rc < 0 && rc != -EINTR) {
				*n += drain(q, cpl + *n, max - *n);
				*res = *n ? (int)*n : rc;
				return true;
			}
		}
		*n += drain(q, cpl + *n, max - *n);
		if (*n >= min && !q->f.pending) {
			*res = (int)*n;
			return true;
		}
		/* the clock every few passes: each is a system call already */
		if (!(i & 7) && now_ns() >= until) {
			if (!to_deadline)
				return false;
			*res = *n ? (int)*n : -ETIME;
			return true;
		}
	}
}

/* Waits until `min` completions are in cpl, of which `n` already are,
 * submitting whatever is queued; `deadline` (CLOCK_MONOTONIC ns) 0 means
 * none. Returns the count, fewer than min when a signal or the deadline
 * ended the wait, -EINTR or -ETIME when that happened with none. */
static int wait_for(struct nvio_queue *q, struct nvio_cpl *cpl, unsigned max,
		    unsigned min, unsigned n, uint64_t deadline)
{
	const bool sqpoll = q->flags & NVIO_QF_SQPOLL;
	const bool iopoll = (q->flags & NVIO_QF_POLLED) && !sqpoll;
	const bool user_spin = q->wait == NVIO_WAIT_SPIN;

	if (user_spin && !sqpoll) {
		int res;

		if (spin_wait(q, cpl, max, min, &n, deadline, &res))
			return res;
	}
	for (;;) {
		unsigned want = n < min ? min - n : 0;
		uint64_t left = 0;
		bool slept = false;
		int rc;

		if (!want && !q->f.pending)
			return (int)n;
		if (deadline) {
			uint64_t now = now_ns();

			if (now >= deadline)
				return n ? (int)n : -ETIME;
			left = deadline - now;
		}
		if (sqpoll) {
			if (q->f.pending) {
				rc = sqpoll_submit(q);
				if (rc < 0 && rc != -EAGAIN && rc != -EBUSY &&
				    rc != -EINTR)
					return n ? (int)n : rc;
			}
			if (!want) {
				n += drain(q, cpl + n, max - n);
				continue;
			}
			if (q->spin_reap || user_spin) {
				/* The SQ thread posts without being entered:
				 * the spin needs no system call. */
				uint64_t until = now_ns() +
						 (user_spin ? q->spin_ns : SPIN_NS);

				if (deadline && until > deadline)
					until = deadline;
				n = spin(q, cpl, max, min, n, until);
				if (n >= min)
					continue;
				/* The SQ thread wakes a sleeper when it
				 * posts; the slice bounds a missed wake. */
				rc = enter(q, 0, min - n,
					   deadline && left < SLEEP_SLICE_NS
						   ? left
						   : SLEEP_SLICE_NS);
			} else {
				rc = enter(q, 0, want, left);
				slept = true;
			}
		} else if (iopoll && (deadline || q->f.pending)) {
			/* The kernel's polling loop has no timeout: one
			 * polling pass per call, the clock checked between.
			 * Nor does a polled wait that also submitted report
			 * a signal (it returns the count): submit apart. */
			rc = enter(q, q->f.pending, 0, 0);
		} else {
			rc = enter(q, q->f.pending, want, left);
			slept = !iopoll && want;
		}
		if (rc < 0 && rc != -EINTR && rc != -ETIME && rc != -EAGAIN &&
		    rc != -EBUSY) {
			n += drain(q, cpl + n, max - n);
			return n ? (int)n : rc;
		}
		n += drain(q, cpl + n, max - n);
		/* An interrupt wait returns before `want` completions only
		 * for a signal or its timeout, even when the same call
		 * submitted and so returned a count, not -EINTR. */
		if ((rc == -EINTR || slept) && n < min) {
			if (rc != -EINTR && deadline && now_ns() >= deadline)
				return n ? (int)n : -ETIME;
			return n ? (int)n : -EINTR;
		}
	}
}

/* nvio_queue_reap()'s system call: submit the `pending` commands queued
 * and wait for `min` completions, by io_uring_enter itself (liburing's
 * submit path re-derives what this queue knows, at twice the cost).
 * Returns 0 or -errno; the inline reap then drains the completion ring,
 * and calls nvio_fast_reap_wait if it must wait more. Not on SQPOLL rings:
 * their reaps take the general path. */
int nvio_fast_enter(struct nvio_queue *q, unsigned pending, unsigned min)
{
	int rc;

	/* A spinning queue's first pass submits and polls once, waiting for
	 * nothing: the inline reap then drains, and spins if it must. */
	min &= q->enter_mask;

	/* The kernel reads SQEs up to the tail: publish it after they are
	 * written (liburing fills the SQ index array once, at setup, and
	 * sync_sq() brings its own copy up to date before it is used). */
	io_uring_smp_store_release(q->ring.sq.ktail, q->f.sq_tail);
#if defined(__x86_64__)
	{
		/* The kernel keeps every register but rax, rcx and r11, so
		 * q and pending ride through the call in r9 (the signal mask
		 * size, unread without a mask) and rsi: no register to save
		 * around it. */
		register long r10 __asm__("r10") = IORING_ENTER_GETEVENTS;
		register long r8 __asm__("r8") = 0; /* no signal mask */
		register long r9 __asm__("r9") = (long)q;
		long ret, sub = pending;

		__asm__ volatile("syscall"
				 : "=a"(ret), "+S"(sub), "+r"(r9)
				 : "0"((long)__NR_io_uring_enter),
				   "D"((long)q->ring.ring_fd), "d"((long)min),
				   "r"(r10), "r"(r8)
				 : "rcx", "r11", "memory");
		q = (struct nvio_queue *)r9;
		pending = (unsigned)sub;
		rc = (int)ret;
	}
#else
	rc = io_uring_enter((unsigned)q->ring.ring_fd, pending, min,
			    IORING_ENTER_GETEVENTS, NULL);
#endif
	if (likely(rc == (int)pending)) {
		q->f.pending = 0;
		/* Having submitted, the kernel returns the count even when a
		 * signal ended its wait, which the caller must hear of: an
		 * interrupt wait ends early for nothing else. A polled wait
		 * also ends when the scheduler wants the CPU, which cannot
		 * be told apart: -EINTR too (nothing is lost; the caller
		 * calls again unless it is stopping). */
		if (unlikely(cq_ready(q) < min))
			return -EINTR;
		return 0;
	}
	if (rc < 0)
		return rc == -EAGAIN || rc == -EBUSY ? 0 : rc;
	/* The kernel stopped early (a command that failed to start ends
	 * the batch): the rest goes next time. */
	update_pending(q);
	return 0;
}

/* The rest of nvio_queue_reap(), when the completions drained after
 * nvio_fast_enter() are fewer than `min`. */
int nvio_fast_reap_wait(struct nvio_queue *q, struct nvio_cpl *cpl, unsigned max,
		     unsigned min, unsigned n)
{
	return wait_for(q, cpl, max, min, n, 0);
}

/* The start of every reap that is not the inline one: argument checks,
 * enabling the ring, ioctl-run completions, what is ready now. Returns
 * -errno, or the completions in cpl (*done when nothing remains to do). */
static int reap_begin(struct nvio_queue *q, struct nvio_cpl *cpl, unsigned max,
		      unsigned min, bool *done)
{
	unsigned n = 0;
	int rc;

	*done = true;
	if (!q || !cpl || !max || min > max)
		return -EINVAL;
	if (min > q->f.inflight)
		return -EDEADLK; /* would wait for completions never coming */
	if (q->disabled) {
		rc = queue_enable(q);
		if (rc)
			return rc;
	}
	if (q->soft_head != q->soft_tail)
		n = drain_soft(q, cpl, max);
	n += drain(q, cpl + n, max - n);
	if (n >= min && !q->f.pending) {
		/* Polled and deferred rings post nothing until entered. */
		if (n || !q->enter_to_see || !q->f.inflight)
			return (int)n;
		rc = io_uring_get_events(&q->ring);
		if (rc < 0)
			return rc;
		return (int)drain(q, cpl, max);
	}
	*done = false;
	return (int)n;
}

/* The general reap: argument checks, enabling the ring, ioctl-run
 * completions, nonblocking polls (min 0), SQPOLL spinning. */
int nvio_fast_reap_general(struct nvio_queue *q, struct nvio_cpl *cpl, unsigned max,
		     unsigned min)
{
	bool done;
	int n = reap_begin(q, cpl, max, min, &done);

	if (done || n < 0)
		return n;
	return wait_for(q, cpl, max, min, (unsigned)n, 0);
}

int nvio_queue_reap_timeout(struct nvio_queue *q, struct nvio_cpl *cpl,
			    unsigned max, unsigned min, uint64_t timeout_ns)
{
	uint64_t deadline = now_ns() + timeout_ns;
	bool done;
	int n;

	if (!timeout_ns)
		return nvio_fast_reap_general(q, cpl, max, 0);
	n = reap_begin(q, cpl, max, min, &done);
	if (done || n < 0)
		return n;
	return wait_for(q, cpl, max, min, (unsigned)n, deadline);
}

unsigned nvio_queue_unqueue(struct nvio_queue *q)
{
	unsigned head, n;

	if (q->flags & NVIO_QF_SQPOLL)
		return 0;
	/* This thread is the ring's only submitter, and the kernel reads
	 * the tail only inside io_uring_enter: moving it back is safe. */
	head = io_uring_smp_load_acquire(q->ring.sq.khead);
	n = q->f.sq_tail - head;
	q->f.sq_tail = head;
	io_uring_smp_store_release(q->ring.sq.ktail, head);
	q->ring.sq.sqe_head = q->ring.sq.sqe_tail = head;
	q->f.pending = 0;
	q->f.inflight -= n;
	return n;
}

uint64_t nvio_queue_drain_bound_ns(const struct nvio_queue *q)
{
	uint64_t t_ms = q->f.timeout_ms, s;

	if (!t_ms) {
		/* the kernel's default, which the administrator may raise */
		if (nvio_sysfs_read_u64("/sys/module/nvme_core/parameters/"
					"io_timeout",
					&s) == 0 &&
		    s && s < 86400)
			t_ms = s * 1000;
		else
			t_ms = 30000;
	}
	return (2 * t_ms + 30000) * 1000000u;
}

int nvio_queue_drain(struct nvio_queue *q, uint64_t timeout_ns)
{
	uint64_t deadline = now_ns() + timeout_ns;
	struct nvio_cpl cpl[32];

	nvio_queue_unqueue(q);
	while (q->f.inflight) {
		uint64_t now = now_ns();
		int rc;

		if (now >= deadline)
			return -EBUSY;
		rc = nvio_queue_reap_timeout(q, cpl, 32, 1, deadline - now);
		if (rc == -ETIME)
			return -EBUSY;
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
	return 0;
}
