/* SPDX-License-Identifier: MIT */
/*
 * safety.c - the refusal nvio prints before a command that changes data
 * on a namespace in use; the checks themselves are in safety-core.c,
 * shared with `nvio lat`.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <stdlib.h>

#include "cli.h"

int safety_check(struct cli *c, struct cli_dev *d, const char *what)
{
	const struct nvio_dev_info *info = d->info;
	char why[512];
	unsigned char *buf;
	uint64_t nlb;
	const char *sig;
	int rc;

	if (c->force)
		return EXIT_OK;
	if (safety_in_use(cli_sysfs(), info->block_name, why, sizeof(why)))
		return err_refused(c, "refusing to %s: %s; unmount or release "
				      "it first, or use --force", what, why);
	/* Interleaved metadata moves the signatures' offsets; the in-use
	 * checks above are all that can be said then. */
	if (info->md_extended && info->md_size)
		return EXIT_OK;
	if (!d->q)
		return EXIT_OK;
	nlb = (SAFETY_PROBE_BYTES + d->lba_bytes - 1) / d->lba_bytes;
	if (nlb > info->nsze)
		nlb = info->nsze;
	buf = nvio_buf_alloc(nlb * d->lba_bytes);
	if (!buf)
		return err_errno(c, ENOMEM, "safety check buffer");
	rc = nvio_read(d->q, 0, nlb, buf, nlb * d->lba_bytes, 0);
	if (rc) {
		nvio_buf_free(buf);
		return err_refused(c, "refusing to %s: could not read the start "
				      "of the namespace to look for a partition "
				      "table or filesystem (%s); use --force to "
				      "write anyway", what, nvio_strerror(rc));
	}
	sig = safety_signature(buf, nlb * d->lba_bytes, info->lba_size);
	nvio_buf_free(buf);
	if (sig)
		return err_refused(c, "refusing to %s: the namespace holds %s; "
				      "use --force to overwrite it", what, sig);
	return EXIT_OK;
}
