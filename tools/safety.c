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

/* The first nlb LBAs into buf. Separate metadata comes too, into a
 * scratch buffer, one command at a time (a request is never split): the
 * controller would otherwise transfer it at address 0. */
static int read_start(struct cli_dev *d, uint64_t nlb, unsigned char *buf)
{
	const struct nvio_dev_info *info = d->info;
	uint32_t per = info->max_nlb ? info->max_nlb : 1;
	unsigned char *md;
	int rc = 0;

	if (!info->md_size || info->md_extended)
		return nvio_read(d->q, 0, nlb, buf, nlb * d->lba_bytes, 0);
	md = nvio_buf_alloc((size_t)per * info->md_size);
	if (!md)
		return -ENOMEM;
	for (uint64_t done = 0; done < nlb && !rc; done += per) {
		uint32_t n = nlb - done < per ? (uint32_t)(nlb - done) : per;
		struct nvio_io io = {
			.sz = sizeof(io), .opcode = NVIO_OP_READ, .slba = done,
			.nlb = n, .buf = buf + done * d->lba_bytes,
			.len = (size_t)n * d->lba_bytes, .md = md,
			.md_len = n * info->md_size,
		};

		rc = nvio_io(d->q, &io, NULL);
	}
	nvio_buf_free(md);
	return rc;
}

int safety_check(struct cli *c, struct cli_dev *d, const char *what)
{
	const struct nvio_dev_info *info = d->info;
	char why[512];
	unsigned char *buf;
	uint64_t nlb;
	const char *sig;
	int rc;

	/* a controller without namespaces: no data to protect here */
	if (c->force || info->ctrl_only)
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
	rc = read_start(d, nlb, buf);
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
