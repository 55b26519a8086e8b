/* SPDX-License-Identifier: MIT */
/*
 * commands.c - the NVM command set on a queue: argument checks against the
 * namespace, the asynchronous nvio_queue_<cmd> functions, and synchronous
 * helpers that split transfers larger than one command may carry.
 *
 * Each check has its own errno so a caller can tell what was wrong:
 *   -ENODATA  zero LBAs          -ERANGE    past the namespace's end
 *   -EMSGSIZE buffer length does not match the LBA count
 *   -EFAULT   NULL buffer        -EINVAL    misaligned buffer
 *   -E2BIG    above the maximum transfer (asynchronous path)
 *   -EBUSY    queue depth reached
 *   -EOPNOTSUPP a read/write/compare on a namespace with separate
 *             metadata without PRACT: it would send no metadata buffer
 *             and the controller would transfer metadata from address 0
 *             (nvio_passthru takes a metadata buffer); any data I/O
 *             on a namespace whose metadata format nvio could not learn
 *             (nvio_dev_info.md_unknown); a passthrough read, write,
 *             compare or zone append with no metadata buffer on either
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nvio-private.h"

/* Says which check failed, in the order of the errno list above, and
 * handles namespaces with metadata, whose buffers and rules differ. */
int nvio_check_rw_slow(const struct nvio_queue *q, uint64_t slba, uint64_t nlb,
		       const void *buf, size_t len, uint32_t max_nlb,
		       unsigned ctl)
{
	int rc = nvio_check_range(q, slba, nlb, max_nlb);
	uint64_t bytes;

	if (rc)
		return rc;
	if (!buf)
		return -EFAULT;
	if ((uintptr_t)buf & (NVIO_BUF_ALIGN - 1))
		return -EINVAL;
	if (unlikely(q->md_unknown))
		return -EOPNOTSUPP;
	/* nlb is 64-bit on the synchronous path and the namespace's size
	 * comes from the device: a product that wraps could match len */
	if (__builtin_mul_overflow(nlb, (uint64_t)nvio_lba_bytes(q, ctl),
				   &bytes) ||
	    len != bytes)
		return -EMSGSIZE;
	if (q->md_sep && !(q->pi_only && (ctl & NVIO_IO_PRACT)))
		return -EOPNOTSUPP;
	if (ctl & ~NVIO_IO_CTL_MASK)
		return -EINVAL;
	return 0;
}

uint64_t nvio_split(uint64_t slba, uint64_t nlb, uint32_t max_nlb,
		    uint32_t lba_bytes, uint64_t i, struct nvio_chunk *chunk)
{
	uint64_t chunks = max_nlb ? (nlb + max_nlb - 1) / max_nlb : 0;
	uint64_t done;

	if (!chunk)
		return chunks;
	if (i >= chunks)
		return 0;
	done = i * max_nlb;
	chunk->slba = slba + done;
	chunk->nlb = (uint32_t)(nlb - done < max_nlb ? nlb - done : max_nlb);
	chunk->off = (size_t)(done * lba_bytes);
	return chunks;
}

/* The long way of nvio.h's inline read, write and compare: every check
 * with its own errno, and namespaces with metadata. */
int nvio_fast_rw_checked(struct nvio_queue *q, uint8_t opc, uint64_t slba,
		   uint32_t nlb, const void *buf, size_t len, unsigned ctl,
		   void *user)
{
	struct nvme_uring_cmd *uc;
	int rc = nvio_check_rw_slow(q, slba, nlb, buf, len,
				    q->max_nlb ? q->max_nlb : NVIO_NLB_LIMIT,
				    ctl);

	if (rc)
		return rc;
	if (q->f.inflight >= q->f.depth)
		return -EBUSY;
	uc = nvio_sqe_begin(q, false, buf, (uint32_t)len, NULL, 0, user);
	uc->opcode = opc;
	uc->nsid = q->f.nsid;
	uc->cdw10 = (uint32_t)slba;
	uc->cdw11 = (uint32_t)(slba >> 32);
	uc->cdw12 = (nlb - 1) | (ctl << 16);
	return 0;
}

int nvio_iov_check(const struct iovec *iov, int iovcnt, size_t *total)
{
	size_t sum = 0;

	if (!iov)
		return -EFAULT;
	if (iovcnt <= 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		if (!iov[i].iov_base && iov[i].iov_len)
			return -EFAULT;
		if ((uintptr_t)iov[i].iov_base & (NVIO_BUF_ALIGN - 1))
			return -EINVAL;
		/* a sum that wraps could match the transfer's length */
		if (__builtin_add_overflow(sum, iov[i].iov_len, &sum))
			return -EMSGSIZE;
	}
	*total = sum;
	return 0;
}

static int queue_rwv(struct nvio_queue *q, uint8_t opc, uint64_t slba,
		     uint32_t nlb, const struct iovec *iov, int iovcnt,
		     unsigned ctl, void *user)
{
	struct nvio_cmd c;
	size_t total;
	int rc = nvio_check_range(q, slba, nlb, q->max_nlb);

	if (rc)
		return rc;
	rc = nvio_iov_check(iov, iovcnt, &total);
	if (rc)
		return rc;
	if (unlikely(q->md_unknown))
		return -EOPNOTSUPP;
	if (total != (uint64_t)nlb * nvio_lba_bytes(q, ctl))
		return -EMSGSIZE;
	if (q->md_sep && !(q->pi_only && (ctl & NVIO_IO_PRACT)))
		return -EOPNOTSUPP;
	if (ctl & ~NVIO_IO_CTL_MASK)
		return -EINVAL;
	nvio_cmd_rw(&c, opc, q->f.nsid, slba, nlb, ctl);
	return nvio_queue_push(q, &c, true, iov, (uint32_t)iovcnt, NULL, 0,
			       user);
}

int nvio_queue_readv(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
		     const struct iovec *iov, int iovcnt, unsigned ctl,
		     void *user)
{
	return queue_rwv(q, NVIO_OP_READ, slba, nlb, iov, iovcnt, ctl, user);
}

int nvio_queue_writev(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
		      const struct iovec *iov, int iovcnt, unsigned ctl,
		      void *user)
{
	return queue_rwv(q, NVIO_OP_WRITE, slba, nlb, iov, iovcnt, ctl, user);
}

/* Verify and write zeroes move no data, so MDTS does not bound them; only
 * the 16-bit NLB field does. */
static int queue_nodata_range(struct nvio_queue *q, uint8_t opc, uint64_t slba,
			      uint32_t nlb, unsigned ctl, void *user)
{
	struct nvio_cmd c;
	int rc = nvio_check_range(q, slba, nlb, NVIO_NLB_LIMIT);

	if (rc)
		return rc;
	if (ctl & ~NVIO_IO_CTL_MASK)
		return -EINVAL;
	nvio_cmd_rw(&c, opc, q->f.nsid, slba, nlb, ctl);
	return nvio_queue_push(q, &c, false, NULL, 0, NULL, 0, user);
}

int nvio_queue_verify(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
		      unsigned ctl, void *user)
{
	return queue_nodata_range(q, NVIO_OP_VERIFY, slba, nlb, ctl, user);
}

int nvio_queue_write_zeroes(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
			    unsigned ctl, void *user)
{
	return queue_nodata_range(q, NVIO_OP_WRITE_ZEROES, slba, nlb, ctl, user);
}

int nvio_queue_flush(struct nvio_queue *q, void *user)
{
	struct nvio_cmd c;

	nvio_cmd_flush(&c, q->f.nsid);
	return nvio_queue_push(q, &c, false, NULL, 0, NULL, 0, user);
}

int nvio_queue_dsm(struct nvio_queue *q, const struct nvio_dsm_range *ranges,
		   unsigned nr, uint32_t attrs, void *user)
{
	struct nvio_cmd c;

	if (!ranges)
		return -EFAULT;
	if (!nr || nr > NVIO_DSM_MAX_RANGES)
		return -EINVAL;
	if ((uintptr_t)ranges & (NVIO_BUF_ALIGN - 1))
		return -EINVAL;
	for (unsigned i = 0; i < nr; i++) {
		int rc = nvio_check_range(q, ranges[i].slba, ranges[i].nlb, 0);

		if (rc)
			return rc;
	}
	nvio_cmd_dsm(&c, q->f.nsid, nr, attrs);
	return nvio_queue_push(q, &c, false, ranges,
			       nr * (uint32_t)sizeof(*ranges), NULL, 0, user);
}

/* A command that moves LBA data moves the LBAs' metadata with it: with no
 * buffer for a separate-metadata format, the controller would write it to
 * (or read it from) address 0. Where the format is unknown, any such
 * command may be that one. */
static bool md_buf_missing(const struct nvio_qns *q,
			   const struct nvio_cmd *cmd, const void *md)
{
	bool lba_data = cmd->opcode == NVIO_OP_READ ||
			cmd->opcode == NVIO_OP_WRITE ||
			cmd->opcode == NVIO_OP_COMPARE ||
			cmd->opcode == NVIO_OP_ZONE_APPEND;

	if (!lba_data || md)
		return false;
	if (q->md_unknown)
		return true;
	return q->md_sep &&
	       !(q->pi_only && (cmd->cdw12 & ((uint32_t)NVIO_IO_PRACT << 16)));
}

int nvio_queue_passthru(struct nvio_queue *q, const struct nvio_cmd *cmd,
			void *buf, uint32_t len, void *md, uint32_t md_len,
			void *user)
{
	const struct nvio_qns *g;

	if (!cmd)
		return -EINVAL;
	/* A generic device serves its own namespace only (the kernel would
	 * say -EINVAL): the command goes to the queue's namespace or one
	 * added to it, by its nsid, and to no other. */
	g = cmd->nsid ? nvio_queue_ns(q, cmd->nsid) : NULL;
	if (md_buf_missing(g ? g : &q->ns[0], cmd, md))
		return -EOPNOTSUPP;
	if ((!buf && len) || (!md && md_len))
		return -EFAULT;
	if ((buf && !len) || (md && !md_len))
		return -EMSGSIZE;
	if (!g)
		g = &q->ns[0];
	if (len > g->max_nlb * (uint64_t)g->lba_bytes && len > NVIO_PAGE)
		return -E2BIG;
	if (cmd->nsid != g->nsid)
		return -EXDEV;
	return nvio_queue_push_ns(q, g, cmd, false, buf, len, md, md_len, user,
				  0);
}

/* ------------------------------------------------------------------ */
/* Synchronous helpers. */

/* One completion for a synchronous helper, which must not return while
 * its commands may still write the caller's buffer: a signal does not end
 * the wait (the commands' timeout does). After a ring error, commands the
 * kernel has not taken are taken back and those it has are waited for
 * (within the drain bound), so the queue is idle again. */
static int sync_reap(struct nvio_queue *q, struct nvio_cpl *cpl)
{
	int rc;

	do
		rc = nvio_queue_reap(q, cpl, 1, 1);
	while (rc == -EINTR || rc == 0);
	if (rc > 0)
		return 0;
	nvio_queue_unqueue(q);
	if (q->f.inflight)
		nvio_queue_drain(q, nvio_queue_drain_bound_ns(q));
	return rc;
}

uint64_t nvio_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A command past its timeout is aborted by the kernel, which completes it
 * with status Command Abort Requested if the controller aborts it, and
 * otherwise resets the controller and completes it (and every other
 * command then in flight) with -EINTR; an admin command's first expiry
 * resets at once. A synchronous caller knows how long it waited: such a
 * result after the timeout is -ETIMEDOUT. */
int nvio_res_after_timeout(int res, uint32_t timeout_ms, uint64_t t0)
{
	bool aborted = res == -EINTR ||
		       (res > 0 && nvio_status_sct(res) == NVIO_SCT_GENERIC &&
			nvio_status_sc(res) == NVIO_SC_ABORT_REQ);

	if (aborted && timeout_ms && nvio_mono_ms() - t0 >= timeout_ms)
		return -ETIMEDOUT;
	return res;
}

static int sync_res(const struct nvio_queue *q, int res, uint64_t t0)
{
	return nvio_res_no_path(q->dev,
				nvio_res_after_timeout(res, q->f.timeout_ms, t0));
}

static int sync_one(struct nvio_queue *q, uint64_t *result, uint64_t t0)
{
	struct nvio_cpl cpl;
	int rc = sync_reap(q, &cpl);

	if (rc < 0)
		return rc;
	if (result)
		*result = cpl.result;
	return sync_res(q, cpl.res, t0);
}

#define SYNC_BEGIN(q)                                                          \
	uint64_t t0 = 0;                                                       \
	do {                                                                   \
		if (!(q))                                                      \
			return -EINVAL;                                        \
		if ((q)->f.inflight)                                           \
			return -EBUSY;                                         \
		if ((q)->f.timeout_ms)                                         \
			t0 = nvio_mono_ms();                                   \
	} while (0)

/* Runs a split transfer with up to `depth` chunks in flight; the first
 * failure stops new chunks, and is returned once the rest are reaped. */
static int sync_rw(struct nvio_queue *q, uint8_t opc, uint64_t slba,
		   uint64_t nlb, const void *buf, size_t len, unsigned ctl)
{
	uint64_t chunks, next = 0;
	int first_err = 0, rc;
	uint32_t per;

	SYNC_BEGIN(q);
	rc = nvio_check_rw_slow(q, slba, nlb, buf, len, 0, ctl);
	if (rc)
		return rc;
	if (ctl & ~NVIO_IO_CTL_MASK)
		return -EINVAL;
	per = nvio_lba_bytes(q, ctl);
	chunks = nvio_split(slba, nlb, q->max_nlb, per, 0, NULL);
	while (next < chunks || q->f.inflight) {
		struct nvio_cpl cpl;

		while (!first_err && next < chunks && q->f.inflight < q->f.depth) {
			struct nvio_chunk ch = { 0 };
			struct nvio_cmd c;

			nvio_split(slba, nlb, q->max_nlb, per, next, &ch);
			nvio_cmd_rw(&c, opc, q->f.nsid, ch.slba, ch.nlb, ctl);
			rc = nvio_queue_push(q, &c, false,
					     (const char *)buf + ch.off,
					     ch.nlb * per, NULL, 0,
					     NULL);
			if (rc) {
				first_err = rc;
				break;
			}
			next++;
		}
		if (first_err && !q->f.inflight)
			break;
		if (!q->f.inflight)
			continue;
		rc = sync_reap(q, &cpl);
		if (rc < 0)
			return rc; /* the ring failed; the queue is idle */
		if (cpl.res && !first_err)
			first_err = sync_res(q, cpl.res, t0);
		if (first_err)
			next = chunks;
	}
	return first_err;
}

int nvio_read(struct nvio_queue *q, uint64_t slba, uint64_t nlb, void *buf,
	      size_t len, unsigned ctl)
{
	return sync_rw(q, NVIO_OP_READ, slba, nlb, buf, len, ctl);
}

int nvio_write(struct nvio_queue *q, uint64_t slba, uint64_t nlb,
	       const void *buf, size_t len, unsigned ctl)
{
	return sync_rw(q, NVIO_OP_WRITE, slba, nlb, buf, len, ctl);
}

int nvio_compare(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
		 const void *buf, size_t len, unsigned ctl)
{
	return sync_rw(q, NVIO_OP_COMPARE, slba, nlb, buf, len, ctl);
}

int nvio_readv(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
	       const struct iovec *iov, int iovcnt, unsigned ctl)
{
	int rc;

	SYNC_BEGIN(q);
	rc = nvio_queue_readv(q, slba, nlb, iov, iovcnt, ctl, NULL);
	return rc ? rc : sync_one(q, NULL, t0);
}

int nvio_writev(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
		const struct iovec *iov, int iovcnt, unsigned ctl)
{
	int rc;

	SYNC_BEGIN(q);
	rc = nvio_queue_writev(q, slba, nlb, iov, iovcnt, ctl, NULL);
	return rc ? rc : sync_one(q, NULL, t0);
}

int nvio_verify(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
		unsigned ctl)
{
	int rc;

	SYNC_BEGIN(q);
	rc = nvio_queue_verify(q, slba, nlb, ctl, NULL);
	return rc ? rc : sync_one(q, NULL, t0);
}

int nvio_write_zeroes(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
		      unsigned ctl)
{
	int rc;

	SYNC_BEGIN(q);
	rc = nvio_queue_write_zeroes(q, slba, nlb, ctl, NULL);
	return rc ? rc : sync_one(q, NULL, t0);
}

int nvio_flush(struct nvio_queue *q)
{
	int rc;

	SYNC_BEGIN(q);
	rc = nvio_queue_flush(q, NULL);
	return rc ? rc : sync_one(q, NULL, t0);
}

int nvio_dsm(struct nvio_queue *q, const struct nvio_dsm_range *ranges,
	     unsigned nr, uint32_t attrs)
{
	int rc;

	SYNC_BEGIN(q);
	rc = nvio_queue_dsm(q, ranges, nr, attrs, NULL);
	return rc ? rc : sync_one(q, NULL, t0);
}

int nvio_io(struct nvio_queue *q, const struct nvio_io *io, uint64_t *result)
{
	struct nvio_cpl cpl;
	uint32_t timeout;
	int rc;

	SYNC_BEGIN(q);
	/* nvio_queue_io checks sz before any field past it is read */
	rc = nvio_queue_io(q, io);
	if (rc)
		return rc;
	t0 = nvio_mono_ms();
	rc = sync_reap(q, &cpl);
	if (rc < 0)
		return rc;
	if (result)
		*result = cpl.result;
	/* the command's own timeout, if it had one, says what a late
	 * abort means */
	timeout = io->timeout_ms ? io->timeout_ms : q->f.timeout_ms;
	return nvio_res_no_path(q->dev,
				nvio_res_after_timeout(cpl.res, timeout, t0));
}

int nvio_passthru(struct nvio_queue *q, const struct nvio_cmd *cmd, void *buf,
		  uint32_t len, void *md, uint32_t md_len, uint64_t *result)
{
	int rc;

	SYNC_BEGIN(q);
	rc = nvio_queue_passthru(q, cmd, buf, len, md, md_len, NULL);
	return rc ? rc : sync_one(q, result, t0);
}
