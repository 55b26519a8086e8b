/* SPDX-License-Identifier: MIT */
/*
 * safety.c - writes from `nvio lat` and `nvio sweep` follow the nvio
 * tool's safety rules (tools/safety-core.c): refused on a namespace that
 * is mounted, swapped on, held by dm/md, or holds a partition table,
 * filesystem or volume signature, unless --force.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lat-int.h"

static const char *sysfs_root(void)
{
	const char *s = getenv("NVIO_SYSFS_ROOT");

	return s && *s ? s : "/sys";
}

int lat_safety_check(struct nvio_dev *dev, char *why, size_t len)
{
	const struct nvio_dev_info *info = nvio_dev_info(dev);
	struct nvio_queue_opts qo = { .sz = sizeof(qo), .depth = 4,
				      .flags = NVIO_QUEUE_IRQ,
				      .sqpoll_cpu = -1 };
	struct nvio_queue *q;
	unsigned char *buf;
	uint64_t nlb, unit;
	const char *sig;
	int rc;

	if (info->block_name[0] &&
	    safety_in_use(sysfs_root(), info->block_name, why, len))
		return 1;
	/* Interleaved metadata moves the signatures' offsets; the checks
	 * above are all that can be said then. */
	if (info->md_extended && info->md_size)
		return 0;
	unit = info->lba_size;
	nlb = (LAT_SAFETY_PROBE_BYTES + unit - 1) / unit;
	if (nlb > info->nsze)
		nlb = info->nsze;
	rc = nvio_queue_create(dev, &qo, &q);
	if (rc)
		return rc;
	buf = nvio_buf_alloc(nlb * unit);
	if (!buf) {
		nvio_queue_destroy(q);
		return -ENOMEM;
	}
	rc = nvio_read(q, 0, nlb, buf, nlb * unit, 0);
	nvio_queue_destroy(q);
	if (rc) {
		nvio_buf_free(buf);
		snprintf(why, len, "could not read the start of the namespace "
			 "to look for a partition table or filesystem (%s)",
			 nvio_strerror(rc));
		return 1;
	}
	sig = lat_safety_signature(buf, nlb * unit, info->lba_size);
	nvio_buf_free(buf);
	if (sig) {
		snprintf(why, len, "the namespace holds %s", sig);
		return 1;
	}
	return 0;
}
