/* SPDX-License-Identifier: MIT */
/*
 * fdp.c - flexible data placement and what it needs: the general Get Log
 * Page (LSP, LSI, RAE, CSI, offset), I/O Management Receive and Send,
 * the FDP logs and the reclaim unit handle status decoded, and the
 * placement ids of a namespace, learned at open so that a write naming
 * one the namespace does not have is refused before it is sent (a
 * controller may otherwise place it on a default handle in silence).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/nvme_ioctl.h>

#include "nvio-private.h"

#define LOG_REQ_V1 (offsetof(struct nvio_log_req, len) + sizeof(uint32_t))

int nvio_log_req_encode(const struct nvio_log_req *r, struct nvio_cmd *c)
{
	if (!r || !c)
		return -EFAULT;
	if (r->sz < LOG_REQ_V1 || r->sz > sizeof(*r))
		return -EINVAL;
	if (!r->len || (r->len & 3) || (r->offset & 3) || r->lsp > 0x7f ||
	    r->uuidx > 0x7f)
		return -EINVAL;
	nvio_cmd_get_log(c, r->lid, r->nsid, r->offset, r->len, r->lsp,
			 r->rae);
	c->cdw11 |= (uint32_t)r->lsi << 16;
	c->cdw14 = r->uuidx | (uint32_t)r->csi << 24;
	return 0;
}

int nvio_get_log_page(struct nvio_dev *dev, const struct nvio_log_req *r)
{
	struct nvio_cmd c;
	int rc = nvio_log_req_encode(r, &c);

	if (rc)
		return rc;
	if (!r->buf)
		return -EFAULT;
	return nvio_admin_passthru(dev, &c, r->buf, r->len, NULL);
}

/* The namespace of a queue an I/O Management command is for. */
static int mgmt_nsid(struct nvio_queue *q, uint32_t nsid, uint32_t *out)
{
	if (!q)
		return -EINVAL;
	if (!nsid)
		nsid = q->f.nsid;
	if (!nvio_queue_ns(q, nsid))
		return -EXDEV;
	*out = nsid;
	return 0;
}

int nvio_io_mgmt_recv(struct nvio_queue *q, uint32_t nsid, uint8_t mo,
		      uint16_t mos, void *buf, uint32_t len)
{
	struct nvio_cmd c;
	int rc;

	if (mo > 0xf || !buf || len < 4 || (len & 3))
		return -EINVAL;
	rc = mgmt_nsid(q, nsid, &nsid);
	if (rc)
		return rc;
	nvio_cmd_io_mgmt_recv(&c, nsid, mo, mos, len);
	return nvio_passthru(q, &c, buf, len, NULL, 0, NULL);
}

int nvio_io_mgmt_send(struct nvio_queue *q, uint32_t nsid, uint8_t mo,
		      uint16_t mos, const void *buf, uint32_t len)
{
	struct nvio_cmd c;
	int rc;

	if (mo > 0xf || (len && !buf) || (len & 3))
		return -EINVAL;
	rc = mgmt_nsid(q, nsid, &nsid);
	if (rc)
		return rc;
	nvio_cmd_io_mgmt_send(&c, nsid, mo, mos);
	return nvio_passthru(q, &c, (void *)buf, len, NULL, 0, NULL);
}

static uint16_t le16_at(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return le16toh(v);
}

static uint32_t le32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

#define RUHS_HDR 16u
#define RUHS_DESC 32u

int nvio_fdp_ruh_status_decode(const void *buf, size_t len,
			       struct nvio_fdp_ruhs *out, unsigned max,
			       unsigned *nr, unsigned *total)
{
	const uint8_t *b = buf;
	unsigned n = 0, count, fit;

	if (nr)
		*nr = 0;
	if (!buf || len < RUHS_HDR || (max && !out))
		return -EINVAL;
	count = le16_at(b + 14);
	if (total)
		*total = count;
	/* the header's count, but never past the buffer */
	fit = nvio_desc_fit(len, RUHS_HDR, RUHS_DESC, count, max);
	for (; n < fit; n++) {
		const uint8_t *d = b + RUHS_HDR + (size_t)n * RUHS_DESC;

		out[n].pid = le16_at(d);
		out[n].ruhid = le16_at(d + 2);
		out[n].earutr = le32_at(d + 4);
		out[n].ruamw = le64_at(d + 8);
	}
	if (nr)
		*nr = n;
	return 0;
}

#define CFG_HDR 16u
#define CFG_DESC 64u

int nvio_fdp_configs_decode(const void *buf, size_t len,
			    struct nvio_fdp_config *out, unsigned max,
			    unsigned *nr, unsigned *total)
{
	const uint8_t *b = buf;
	size_t off = CFG_HDR, end;
	unsigned n = 0, count;

	if (nr)
		*nr = 0;
	if (!buf || len < CFG_HDR || (max && !out))
		return -EINVAL;
	count = le16_at(b) + 1u; /* NUMFDPC is zero-based */
	if (total)
		*total = count;
	/* The log says its own size; what was read may be less. */
	end = le32_at(b + 4);
	if (end > len)
		end = len;
	while (n < max && n < count) {
		const uint8_t *d = b + off;
		struct nvio_fdp_config *c = &out[n];
		size_t dsze;

		if (off > end || end - off < CFG_DESC)
			break;
		dsze = le16_at(d);
		/* a descriptor holds its fixed part and its handles */
		if (dsze < CFG_DESC || dsze > end - off)
			return -EBADMSG;
		memset(c, 0, sizeof(*c));
		c->fdpa = d[2];
		c->vss = d[3];
		c->nrg = le32_at(d + 4);
		c->nruh = le16_at(d + 8);
		c->max_pids = le16_at(d + 10) + 1u;
		c->nnss = le32_at(d + 12);
		c->runs = le64_at(d + 16);
		c->erutl = le32_at(d + 24);
		if ((size_t)c->nruh * 4 > dsze - CFG_DESC)
			return -EBADMSG;
		c->ruh_off = (uint32_t)(off + CFG_DESC);
		off += dsze;
		n++;
		if (nr)
			*nr = n;
	}
	return 0;
}

#define EV_HDR 64u
#define EV_DESC 64u

int nvio_fdp_events_decode(const void *buf, size_t len,
			   struct nvio_fdp_event *out, unsigned max,
			   unsigned *nr, unsigned *total)
{
	const uint8_t *b = buf;
	unsigned n = 0, fit;
	uint32_t count;

	if (nr)
		*nr = 0;
	if (!buf || len < EV_HDR || (max && !out))
		return -EINVAL;
	count = le32_at(b);
	if (total)
		*total = count;
	fit = nvio_desc_fit(len, EV_HDR, EV_DESC, count, max);
	for (; n < fit; n++) {
		const uint8_t *d = b + EV_HDR + (size_t)n * EV_DESC;
		struct nvio_fdp_event *e = &out[n];

		memset(e, 0, sizeof(*e));
		e->type = d[0];
		e->flags = d[1];
		e->pid = le16_at(d + 2);
		e->timestamp = le64_at(d + 4);
		e->nsid = le32_at(d + 12);
		memcpy(e->specific, d + 16, sizeof(e->specific));
		e->rgid = le16_at(d + 32);
		e->ruhid = d[34];
	}
	if (nr)
		*nr = n;
	return 0;
}

/* One RUH status through the namespace's device by ioctl (there is no
 * queue yet at open): 0, -errno or the NVMe status. */
static int ruh_status_ioctl(void *ctx, void *buf, uint32_t len)
{
	struct nvio_dev *dev = ctx;
	struct nvme_passthru_cmd64 pc;
	struct nvio_cmd c;
	int rc;

	memset(buf, 0, len);
	nvio_cmd_io_mgmt_recv(&c, dev->info.nsid, NVIO_IO_MGMT_RUH_STATUS, 0,
			      len);
	nvio_cmd_to_ioctl(&c, buf, len, &pc);
	pc.timeout_ms = dev->admin_timeout_ms;
	rc = ioctl(dev->fd, NVME_IOCTL_IO64_CMD, &pc);
	return rc < 0 ? -errno : rc;
}

/* The status in two reads: the header, then exactly the descriptors it
 * counts that fit in cap bytes. A controller may refuse a buffer longer
 * than what it transfers (Data SGL Length Invalid, 0x400f: QEMU under
 * Linux 6.12 and later, which map user commands with SGLs), so the
 * length must be learned first. */
static int ruh_status_two_step(int (*recv)(void *ctx, void *buf, uint32_t len),
			       void *ctx, uint8_t *buf, uint32_t cap,
			       uint32_t *got)
{
	unsigned count = 0, fit;
	uint32_t len;
	int rc;

	*got = 0;
	if (cap < RUHS_HDR)
		return -EINVAL;
	rc = recv(ctx, buf, RUHS_HDR);
	if (rc)
		return rc;
	nvio_fdp_ruh_status_decode(buf, RUHS_HDR, NULL, 0, NULL, &count);
	fit = (cap - RUHS_HDR) / RUHS_DESC;
	len = RUHS_HDR + RUHS_DESC * (count < fit ? count : fit);
	if (len > RUHS_HDR && (rc = recv(ctx, buf, len)))
		return rc;
	*got = len;
	return 0;
}

struct recv_q {
	struct nvio_queue *q;
	uint32_t nsid;
};

static int recv_queue(void *ctx, void *buf, uint32_t len)
{
	struct recv_q *r = ctx;

	return nvio_io_mgmt_recv(r->q, r->nsid, NVIO_IO_MGMT_RUH_STATUS, 0, buf,
				 len);
}

int nvio_fdp_ruh_status(struct nvio_queue *q, uint32_t nsid, void *buf,
			uint32_t len, uint32_t *got)
{
	struct recv_q r = { q, nsid };
	uint32_t n = 0;
	int rc;

	if (!q || !buf)
		return -EFAULT;
	rc = ruh_status_two_step(recv_queue, &r, buf, len, &n);
	if (got)
		*got = n;
	return rc;
}

void nvio_fdp_probe(struct nvio_dev *dev, const void *ctrl_buf,
		    const void *ns_buf)
{
	const uint8_t *ctrl = ctrl_buf, *ns = ns_buf;
	struct nvio_dev_info *i = &dev->info;
	unsigned n;
	uint8_t *buf;
	uint32_t len;
	int rc;

	/* CTRATT bit 19: flexible data placement */
	if (!(le32_at(ctrl + 96) & (1u << 19)) || dev->fd < 0)
		return;
	i->fdp_endgid = le16_at(ns + 102);
	/* up to the ids nvio keeps */
	buf = nvio_buf_alloc(RUHS_HDR + RUHS_DESC * NVIO_FDP_MAX_PIDS);
	if (!buf)
		goto unknown;
	rc = ruh_status_two_step(ruh_status_ioctl, dev, buf,
				 RUHS_HDR + RUHS_DESC * NVIO_FDP_MAX_PIDS, &len);
	/* FDP off in the namespace's endurance group: no placement */
	if (rc > 0 && (rc & 0x7ff) == NVIO_SC_FDP_DISABLED) {
		nvio_buf_free(buf);
		return;
	}
	if (rc)
		goto unknown;
	n = (len - RUHS_HDR) / RUHS_DESC;
	for (unsigned k = 0; k < n; k++)
		i->fdp_pids[k] = le16_at(buf + RUHS_HDR + k * RUHS_DESC);
	nvio_buf_free(buf);
	i->fdp = true;
	i->fdp_nr_pids = (uint16_t)n;
	return;
unknown:
	nvio_buf_free(buf);
	i->fdp_unknown = true;
}

int nvio_fdp_pid_check(const struct nvio_dev_info *i, uint16_t pid)
{
	if (!i)
		return -EFAULT;
	if (!i->fdp)
		return -EOPNOTSUPP;
	for (unsigned k = 0; k < i->fdp_nr_pids; k++)
		if (i->fdp_pids[k] == pid)
			return 0;
	return -ENXIO;
}
