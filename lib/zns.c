/* SPDX-License-Identifier: MIT */
/*
 * zns.c - zoned namespaces: Report Zones decoded, and the zone actions,
 * checked against what Identify said of the namespace (zoned, zone size)
 * before they are sent. Zone append is a request (request.c).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nvio-private.h"

#define ZONE_HDR 64u
#define ZONE_DESC 64u

int nvio_zone_report_decode(const void *buf, size_t len,
			    struct nvio_zone *zones, unsigned max,
			    unsigned *nr, uint64_t *total)
{
	const uint8_t *b = buf;
	uint64_t count;
	unsigned n = 0, fit;

	if (nr)
		*nr = 0;
	if (!buf || len < ZONE_HDR || (max && !zones))
		return -EINVAL;
	memcpy(&count, b, 8);
	count = le64toh(count);
	if (total)
		*total = count;
	/* The header counts what matched (or, partial, what it holds);
	 * the buffer holds what fits: never read past it. */
	fit = nvio_desc_fit(len, ZONE_HDR, ZONE_DESC, count, max);
	for (; n < fit; n++) {
		const uint8_t *d = b + ZONE_HDR + (size_t)n * ZONE_DESC;
		struct nvio_zone *z = &zones[n];

		memset(z, 0, sizeof(*z));
		z->type = d[0] & 0xf;
		z->state = d[1] >> 4;
		z->attrs = d[2];
		z->attrs_info = d[3];
		memcpy(&z->cap, d + 8, 8);
		memcpy(&z->slba, d + 16, 8);
		memcpy(&z->wp, d + 24, 8);
		z->cap = le64toh(z->cap);
		z->slba = le64toh(z->slba);
		z->wp = le64toh(z->wp);
	}
	if (nr)
		*nr = n;
	return 0;
}

/* The zoned namespace a queue's zone calls act on: its own. */
static int zoned_ns(const struct nvio_queue *q, uint64_t slba)
{
	const struct nvio_qns *g = &q->ns[0];

	if (!g->zoned)
		return -EOPNOTSUPP;
	if (slba >= g->nsze)
		return -ERANGE;
	return 0;
}

int nvio_zone_report(struct nvio_queue *q, uint64_t slba, unsigned filter,
		     bool partial, struct nvio_zone *zones, unsigned max,
		     unsigned *nr, uint64_t *total)
{
	struct nvio_cmd c;
	uint64_t len, cap;
	void *buf;
	int rc;

	if (!q)
		return -EINVAL;
	if (nr)
		*nr = 0;
	if (max && !zones)
		return -EFAULT;
	if (filter > NVIO_ZONE_REPORT_OFFLINE)
		return -EINVAL;
	rc = zoned_ns(q, slba);
	if (rc)
		return rc;
	/* as many descriptors as asked, within one command's transfer */
	cap = q->max_nlb ? (uint64_t)q->max_nlb * q->lba_bytes : 65536;
	len = ZONE_HDR + (uint64_t)max * ZONE_DESC;
	if (len > cap)
		len = cap - (cap - ZONE_HDR) % ZONE_DESC;
	buf = nvio_buf_alloc((size_t)len);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0, (size_t)len);
	nvio_cmd_zone_mgmt_recv(&c, q->f.nsid, slba, (uint32_t)len, filter,
				partial);
	rc = nvio_passthru(q, &c, buf, (uint32_t)len, NULL, 0, NULL);
	if (!rc)
		rc = nvio_zone_report_decode(buf, (size_t)len, zones, max, nr,
					     total);
	nvio_buf_free(buf);
	return rc;
}

int nvio_zone_mgmt(struct nvio_queue *q, uint64_t slba, unsigned action,
		   bool all)
{
	const struct nvio_qns *g;
	struct nvio_cmd c;
	int rc;

	if (!q)
		return -EINVAL;
	if (action < NVIO_ZSA_CLOSE || action > NVIO_ZSA_OFFLINE)
		return -EINVAL;
	g = &q->ns[0];
	if (all) {
		if (!g->zoned)
			return -EOPNOTSUPP;
		slba = 0;
	} else {
		rc = zoned_ns(q, slba);
		if (rc)
			return rc;
		/* an action names a zone by its first LBA */
		if (!g->zone_size)
			return -EOPNOTSUPP;
		if (slba % g->zone_size)
			return -EINVAL;
	}
	nvio_cmd_zone_mgmt_send(&c, q->f.nsid, slba, action, all);
	return nvio_passthru(q, &c, NULL, 0, NULL, 0, NULL);
}
