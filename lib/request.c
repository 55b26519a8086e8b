/* SPDX-License-Identifier: MIT */
/*
 * request.c - struct nvio_io, the I/O request with every field: its
 * encoding and its checks against the namespace (nvio_queue_io). The
 * synchronous nvio_io() is in commands.c with the other helpers.
 *
 * Beyond the errnos of commands.c, a request can be refused with:
 *   -EINVAL   a field the command does not take: an opcode the request
 *             does not carry; a directive on a command that does not
 *             write; buffers on a command that
 *             moves no data, or both buf and iov; a metadata buffer on a
 *             format without separate metadata, or one the controller
 *             does not move (PRACT on metadata that is only the PI); PI
 *             fields (PRINFO, tags) on a format without PI; a reference
 *             tag wider than the format's; fields this library does not
 *             know set by a newer caller
 *   -EXDEV    a namespace id that is neither the queue's nor one added
 *             with nvio_queue_add_ns()
 *   -EOPNOTSUPP PI fields on a namespace whose PI format (guard size)
 *             could not be learned; Copy or Write Uncorrectable on a
 *             controller without them (ONCS), Copy with a PI format other
 *             than the 16-bit guard's (descriptor format 0 only)
 *   -E2BIG    Copy: more source ranges than MSRC allows, a range longer
 *             than MSSRL, a total longer than MCL; a zone append larger
 *             than ZASL
 * and a zone append to a namespace that is not zoned gets -EOPNOTSUPP,
 * one whose slba does not start a zone -EINVAL.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "nvio-private.h"

/* The request as the first release of it: what a caller must give. */
#define IO_SZ_V1 (offsetof(struct nvio_io, user) + sizeof(void *))

/* Commands that move LBA data (and its metadata). */
static bool op_moves_data(uint8_t opc)
{
	return opc == NVIO_OP_READ || opc == NVIO_OP_WRITE ||
	       opc == NVIO_OP_COMPARE || opc == NVIO_OP_ZONE_APPEND;
}

static bool op_known(uint8_t opc)
{
	return op_moves_data(opc) || opc == NVIO_OP_VERIFY ||
	       opc == NVIO_OP_WRITE_ZEROES || opc == NVIO_OP_WRITE_UNCOR ||
	       opc == NVIO_OP_COPY;
}

/* Directives (streams, placement) are fields of the commands that write;
 * on the others the bits are reserved. */
static bool op_writes(uint8_t opc)
{
	return opc == NVIO_OP_WRITE || opc == NVIO_OP_WRITE_ZEROES ||
	       opc == NVIO_OP_ZONE_APPEND || opc == NVIO_OP_COPY;
}

/* The caller's request as this library knows it: a shorter one (an older
 * caller's) reads as zero past its end; a longer one (a newer caller's)
 * may carry only zeroes past ours, since a field we do not know would
 * otherwise be dropped in silence. */
static int io_copy(const struct nvio_io *in, struct nvio_io *out)
{
	if (!in)
		return -EFAULT;
	if (in->sz < IO_SZ_V1)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, in, in->sz < sizeof(*out) ? in->sz : sizeof(*out));
	for (size_t i = sizeof(*out); i < in->sz; i++)
		if (((const unsigned char *)in)[i])
			return -EINVAL;
	return 0;
}

int nvio_io_encode(const struct nvio_io *in, uint32_t nsid,
		   struct nvio_cmd *c)
{
	struct nvio_io io;
	int rc = io_copy(in, &io);

	if (rc)
		return rc;
	if (!c)
		return -EFAULT;
	if (!op_known(io.opcode) || !io.nlb || io.nlb > NVIO_MAX_NLB ||
	    (io.ctl & ~NVIO_IO_CTL_MASK) || io.dtype > 0xf ||
	    io.reftag >> 48)
		return -EINVAL;
	if ((io.dtype || io.dspec) && !op_writes(io.opcode))
		return -EINVAL;
	/* Copy: NR, the zero-based range count, is CDW12 bits 7:0 (and
	 * descriptor format 0 in 11:8), where the others have NLB */
	if (io.opcode == NVIO_OP_COPY && io.nlb > NVIO_COPY_MAX_RANGES)
		return -EINVAL;
	nvio_cmd_rw(c, io.opcode, nsid, io.slba, io.nlb,
		    io.ctl | (unsigned)io.dtype << 4);
	c->cdw2 = io.cdw2;
	/* Bits 47:32 of a 48-bit reference tag (the 64-bit guard's) */
	c->cdw3 = io.cdw3 | (uint32_t)(io.reftag >> 32);
	c->cdw13 = io.cdw13 | (uint32_t)io.dspec << 16;
	c->cdw14 = (uint32_t)io.reftag;
	c->cdw15 = io.apptag | (uint32_t)io.appmask << 16;
	return 0;
}

/* The protection information fields against the format. */
static int io_check_pi(const struct nvio_qns *g, const struct nvio_io *io)
{
	unsigned prinfo = (io->ctl >> 10) & 0xf;
	unsigned bits;

	if (!prinfo && !io->reftag && !io->apptag && !io->appmask)
		return 0;
	if (!g->pi_type)
		return -EINVAL;
	if (!g->pi_guard_bits)
		return -EOPNOTSUPP;
	/* The storage tag takes the reference tag's upper bits. */
	bits = (g->pi_guard_bits == 16 ? 32u : 48u) - g->pi_sts;
	if (bits < 64 && io->reftag >> bits)
		return -EINVAL;
	return 0;
}

/* Bytes per LBA in the data buffer: with PRACT and PI-only metadata the
 * controller inserts and strips it, so the buffer holds data only. */
static uint32_t lba_bytes(const struct nvio_qns *g, unsigned ctl)
{
	if (g->pi_only && (ctl & NVIO_IO_PRACT))
		return 1u << g->lba_shift;
	return g->lba_bytes;
}

/* The data buffers: *vec says which, *len the bytes (or segments). */
static int io_check_data(const struct nvio_qns *g, const struct nvio_io *io,
			 bool *vec, size_t *len)
{
	size_t total = io->len;
	int rc;

	if (!op_moves_data(io->opcode))
		return io->buf || io->len || io->iov || io->iovcnt ? -EINVAL
								    : 0;
	if (io->buf && io->iov)
		return -EINVAL;
	*vec = io->iov != NULL;
	if (*vec) {
		rc = nvio_iov_check(io->iov, io->iovcnt, &total);
		if (rc)
			return rc;
		*len = (size_t)io->iovcnt;
	} else {
		if (!io->buf)
			return -EFAULT;
		if ((uintptr_t)io->buf & (NVIO_BUF_ALIGN - 1))
			return -EINVAL;
		*len = io->len;
	}
	if (unlikely(g->md_unknown))
		return -EOPNOTSUPP;
	if (total != (uint64_t)io->nlb * lba_bytes(g, io->ctl))
		return -EMSGSIZE;
	return 0;
}

/* The separate metadata buffer: needed by a command that moves LBA data
 * on a separate-metadata format, unless the controller makes and strips
 * PI that is all the metadata (PRACT); refused anywhere else. */
static int io_check_md(const struct nvio_qns *g, const struct nvio_io *io)
{
	bool moved = op_moves_data(io->opcode) && g->md_sep &&
		     !(g->pi_only && (io->ctl & NVIO_IO_PRACT));

	if (!io->md) {
		if (io->md_len)
			return -EFAULT;
		return moved ? -EOPNOTSUPP : 0;
	}
	if (!moved)
		return -EINVAL;
	if ((uintptr_t)io->md & (NVIO_BUF_ALIGN - 1))
		return -EINVAL;
	if (io->md_len != (uint64_t)io->nlb * g->md_size)
		return -EMSGSIZE;
	return 0;
}

/* Copy: the source ranges in buf, descriptor format 0, against the
 * namespace's limits (MSRC, MSSRL, MCL) and size, and the destination. */
static int io_check_copy(const struct nvio_qns *g, const struct nvio_io *io)
{
	const struct nvio_copy_range *r = io->buf;
	uint64_t total = 0;

	if (!(g->oncs & NVIO_ONCS_COPY))
		return -EOPNOTSUPP;
	/* format 0 carries the 16-bit guard's tags; the others need
	 * format 1, which this request does not build */
	if (g->pi_type && g->pi_guard_bits != 16)
		return -EOPNOTSUPP;
	if (io->iov || io->iovcnt)
		return -EINVAL;
	if (!r)
		return -EFAULT;
	if ((uintptr_t)r & (NVIO_BUF_ALIGN - 1))
		return -EINVAL;
	if (io->len != (size_t)io->nlb * sizeof(*r))
		return -EMSGSIZE;
	if (g->copy_max_ranges && io->nlb > g->copy_max_ranges)
		return -E2BIG;
	for (uint32_t i = 0; i < io->nlb; i++) {
		uint64_t slba = le64toh(r[i].slba);
		uint32_t n = le16toh(r[i].nlb) + 1u;

		if (g->copy_max_range && n > g->copy_max_range)
			return -E2BIG;
		if (slba >= g->nsze || n > g->nsze - slba)
			return -ERANGE;
		total += n;
	}
	if (g->copy_max_len && total > g->copy_max_len)
		return -E2BIG;
	if (io->slba >= g->nsze || total > g->nsze - io->slba)
		return -ERANGE;
	return 0;
}

/* Zone append: to a zoned namespace, at a zone's first LBA, within
 * the zone and ZASL. */
static int io_check_append(const struct nvio_qns *g, const struct nvio_io *io)
{
	if (!g->zoned)
		return -EOPNOTSUPP;
	if (!g->zone_size)
		return -EOPNOTSUPP; /* the zone size could not be learned */
	if (io->slba % g->zone_size)
		return -EINVAL;
	if (io->nlb > g->zone_size)
		return -ERANGE;
	if (g->zone_append_max &&
	    (uint64_t)io->nlb * g->lba_bytes > g->zone_append_max)
		return -E2BIG;
	return 0;
}

/* A range against namespace g, bounded by max_nlb (0: none). */
static int io_check_range(const struct nvio_qns *g, uint64_t slba,
			  uint32_t nlb, uint32_t max_nlb)
{
	if (!nlb)
		return -ENODATA;
	if (slba >= g->nsze || nlb > g->nsze - slba)
		return -ERANGE;
	if (max_nlb && nlb > max_nlb)
		return -E2BIG;
	return 0;
}

int nvio_queue_io(struct nvio_queue *q, const struct nvio_io *in)
{
	const struct nvio_qns *g;
	struct nvio_io io;
	struct nvio_cmd c;
	const void *data;
	size_t len = 0;
	bool vec = false;
	int rc;

	if (!q)
		return -EINVAL;
	rc = io_copy(in, &io);
	if (rc)
		return rc;
	if (!op_known(io.opcode))
		return -EINVAL;
	/* the queue's namespace, or one added with nvio_queue_add_ns() */
	g = nvio_queue_ns(q, io.nsid);
	if (!g)
		return -EXDEV;
	if (io.opcode == NVIO_OP_COPY) {
		rc = io_check_copy(g, &io);
		len = io.len;
	} else {
		if (io.opcode == NVIO_OP_WRITE_UNCOR &&
		    !(g->oncs & NVIO_ONCS_WRITE_UNCOR))
			return -EOPNOTSUPP;
		if (io.opcode == NVIO_OP_ZONE_APPEND) {
			rc = io_check_append(g, &io);
			if (rc)
				return rc;
		}
		/* Commands without data are bounded by the NLB field
		 * only. */
		rc = io_check_range(g, io.slba, io.nlb,
				    op_moves_data(io.opcode) ? g->max_nlb
							     : NVIO_NLB_LIMIT);
		if (!rc)
			rc = io_check_data(g, &io, &vec, &len);
	}
	if (rc)
		return rc;
	rc = io_check_md(g, &io);
	if (rc)
		return rc;
	rc = io_check_pi(g, &io);
	if (rc)
		return rc;
	/* A placement id the namespace does not have: a controller may put
	 * the data on a default handle without a word (QEMU does). */
	if (io.dtype == NVIO_DTYPE_PLACEMENT && op_writes(io.opcode)) {
		rc = g->dev ? nvio_fdp_pid_check(&g->dev->info, io.dspec)
			    : -EOPNOTSUPP;
		if (rc)
			return rc;
	}
	rc = nvio_io_encode(&io, g->nsid, &c);
	if (rc)
		return rc;
	data = vec ? (const void *)io.iov : io.buf;
	return nvio_queue_push_ns(q, g, &c, vec, data, (uint32_t)len, io.md,
				  io.md_len, io.user, io.timeout_ms);
}
