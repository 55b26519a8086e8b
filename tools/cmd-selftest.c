/* SPDX-License-Identifier: MIT */
/*
 * cmd-selftest.c - nvio selftest DEV: a battery of checks of a namespace
 * and its controller, over the public API, each PASS, FAIL or SKIP with
 * its reason, as text, JSON, TAP or JUnit XML.
 *
 * Safe by default: it reads, sends Identify and log pages, and writes
 * only inside a scratch range (--scratch SLBA+COUNT, default the last MiB
 * of the namespace) whose data it reads first and writes back at the end.
 * Where the range cannot be read, or the namespace is in use (mounted,
 * swapped on, held), nothing is written and the checks that write are
 * skipped, saying why. --destructive --force adds the checks that write
 * outside the range (the namespace's first and last LBA, saved and
 * restored as well).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nvme/types.h>

#include "cli.h"
#include "safety.h"
#include "selftest.h"

enum { OPT_SCRATCH = 600, OPT_DESTRUCTIVE, OPT_QUICK, OPT_LONG, OPT_STFORMAT,
       OPT_P99, OPT_POLL_BOUND };

const struct cli_opt opts_selftest[] = {
	{ "scratch", OPT_SCRATCH, required_argument, "SLBA+COUNT",
	  "the LBAs the checks may write, saved first and restored after "
	  "(default: the last MiB)" },
	{ "destructive", OPT_DESTRUCTIVE, no_argument, NULL,
	  "with --force: also the checks that write outside the scratch range" },
	{ "force", OPT_FORCE, no_argument, NULL,
	  "write even where the namespace is in use; with --destructive" },
	{ "quick", OPT_QUICK, no_argument, NULL, "fewer sizes and samples" },
	{ "long", OPT_LONG, no_argument, NULL, "more sizes and samples" },
	{ "p99-bound", OPT_P99, required_argument, "N",
	  "latency.qd1 fails when p99 is more than N times p50 (default 50)" },
	{ "poll-bound", OPT_POLL_BOUND, required_argument, "N",
	  "latency.poll-irq fails when polled p50 is more than N times "
	  "interrupts' (default 2)" },
	{ "format", OPT_STFORMAT, required_argument, "text|tap|junit",
	  "report as text (default), TAP or JUnit XML; -o json for JSON" },
	{ "namespace-id", 'n', required_argument, "NSID",
	  "namespace when DEV is a controller" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

enum st_fmt { STF_TEXT, STF_TAP, STF_JUNIT };

uint64_t st_rand(struct st *s)
{
	uint64_t x = s->seed;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return s->seed = x;
}

/* Data no two LBAs share: each 8 bytes carry the LBA, the pass and a
 * counter, so a write that lands elsewhere, or not at all, shows. */
void st_fill(struct st *s, uint8_t *p, uint64_t slba, uint64_t nlb,
		 uint64_t tag)
{
	for (uint64_t k = 0; k < nlb; k++)
		for (uint32_t o = 0; o + 8 <= s->lb; o += 8) {
			uint64_t v = (slba + k) ^ (tag << 40) ^ ((uint64_t)o << 24) ^
				     0x5a5a000000000000ull;

			memcpy(p + k * s->lb + o, &v, 8);
		}
}

const char *st_res_text(int rc)
{
	static __thread char t[160];

	if (rc > 0)
		snprintf(t, sizeof(t), "NVMe status %#x: %s", (unsigned)rc,
			 nvio_strerror(rc));
	else
		snprintf(t, sizeof(t), "%s", nvio_strerror(rc));
	return t;
}

/* The first LBA that differs, or -1. */
int64_t st_first_diff(const struct st *s, const uint8_t *x,
			  const uint8_t *y, uint64_t nlb)
{
	for (uint64_t k = 0; k < nlb; k++)
		if (memcmp(x + k * s->lb, y + k * s->lb, s->lb))
			return (int64_t)k;
	return -1;
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (p[k] < 0x20 || p[k] > 0x7e)
			return false;
	return true;
}

/* ---------------------------------------------------------- identify -- */

static enum st_res ck_id_strings(struct st *s, char *why, size_t len)
{
	const struct nvme_id_ctrl *c = (const void *)s->id_ctrl;

	if (!printable((const uint8_t *)c->sn, sizeof(c->sn)))
		return WHY("the serial number has bytes outside printable ASCII");
	if (!printable((const uint8_t *)c->mn, sizeof(c->mn)))
		return WHY("the model number has bytes outside printable ASCII");
	if (!printable((const uint8_t *)c->fr, sizeof(c->fr)))
		return WHY("the firmware revision has bytes outside printable ASCII");
	return PASSED("serial, model and firmware printable ASCII");
}

static enum st_res ck_id_formats(struct st *s, char *why, size_t len)
{
	const struct nvme_id_ns *n = (const void *)s->id_ns;
	unsigned nf = n->nlbaf + 1u, cur;
	uint64_t nsze = le64toh(n->nsze), ncap = le64toh(n->ncap),
		 nuse = le64toh(n->nuse);

	cur = (n->flbas & 0xf) | ((n->flbas >> 5 & 3u) << 4);
	if (nf > 64)
		return WHY("NLBAF %u: more than 64 LBA formats", n->nlbaf);
	if (cur >= nf)
		return WHY("the format in use (%u) is not one of the %u listed",
			   cur, nf);
	for (unsigned k = 0; k < nf; k++) {
		unsigned ds = n->lbaf[k].ds;

		/* unused entries are zero; listed ones 512 B to 64 KiB */
		if ((ds || k == cur) && (ds < 9 || ds > 16))
			return WHY("LBA format %u: data size 2^%u bytes", k, ds);
	}
	if (!nsze || ncap > nsze || nuse > ncap)
		return WHY("NSZE %" PRIu64 ", NCAP %" PRIu64 ", NUSE %" PRIu64
			   ": not NUSE <= NCAP <= NSZE", nsze, ncap, nuse);
	if (nsze != s->i->nsze || (1u << n->lbaf[cur].ds) != s->i->lba_size)
		return WHY("Identify says %" PRIu64 " LBAs of %u bytes, the "
			   "library %" PRIu64 " of %u", nsze,
			   1u << n->lbaf[cur].ds, s->i->nsze, s->i->lba_size);
	return PASSED("%u formats, format %u in use: %u-byte LBAs, %u bytes "
		      "of metadata", nf, cur, 1u << n->lbaf[cur].ds,
		      le16toh(n->lbaf[cur].ms));
}

static enum st_res ck_id_sysfs(struct st *s, char *why, size_t len)
{
	char p[512];
	uint64_t sectors = 0, lbs = 0;

	if (!s->i->block_name[0])
		return SKIPPED("no block device for the namespace");
	snprintf(p, sizeof(p), "%s/block/%s/size", cli_sysfs(), s->i->block_name);
	if (read_sysfs_u64(p, &sectors))
		return SKIPPED("%s unreadable", p);
	snprintf(p, sizeof(p), "%s/block/%s/queue/logical_block_size", cli_sysfs(),
		 s->i->block_name);
	if (read_sysfs_u64(p, &lbs))
		return SKIPPED("%s unreadable", p);
	if (lbs != s->i->lba_size)
		return WHY("sysfs logical_block_size %" PRIu64 ", Identify %u",
			   lbs, s->i->lba_size);
	if (sectors * 512 != s->i->nsze * s->i->lba_size)
		return WHY("sysfs says %" PRIu64 " bytes, Identify %" PRIu64,
			   sectors * 512, s->i->nsze * s->i->lba_size);
	return PASSED("size and LBA size agree with %s", s->i->block_name);
}

static enum st_res ck_id_mdts(struct st *s, char *why, size_t len)
{
	const struct nvme_id_ctrl *c = (const void *)s->id_ctrl;
	char p[512];
	uint64_t hw_kb = 0, mdts_bytes;

	if (!c->mdts)
		return SKIPPED("MDTS 0: no limit stated");
	/* the minimum memory page size is 4 KiB (CAP.MPSMIN 0) for the
	 * controllers Linux drives; the kernel's limit is at most it */
	mdts_bytes = 4096ull << c->mdts;
	if (!s->i->block_name[0])
		return SKIPPED("no block device to compare with");
	snprintf(p, sizeof(p), "%s/block/%s/queue/max_hw_sectors_kb", cli_sysfs(),
		 s->i->block_name);
	if (read_sysfs_u64(p, &hw_kb))
		return SKIPPED("%s unreadable", p);
	if (hw_kb * 1024 > mdts_bytes)
		return WHY("the kernel allows %" PRIu64 " KiB per command, more "
			   "than MDTS's %" PRIu64 " KiB", hw_kb, mdts_bytes / 1024);
	if (s->i->max_xfer > mdts_bytes || s->i->max_xfer > hw_kb * 1024)
		return WHY("the library's maximum transfer %u exceeds MDTS "
			   "(%" PRIu64 ") or the kernel's (%" PRIu64 ")",
			   s->i->max_xfer, mdts_bytes, hw_kb * 1024);
	return PASSED("MDTS %" PRIu64 " KiB, kernel %" PRIu64 " KiB, "
		      "transfers of %u bytes", mdts_bytes / 1024, hw_kb,
		      s->i->max_xfer);
}

/* --------------------------------------------------------------- I/O -- */

static enum st_res ck_read_sample(struct st *s, char *why, size_t len)
{
	unsigned n = s->quick ? 16 : s->longrun ? 256 : 64;
	uint64_t chunk = 8;

	if (chunk > s->i->nsze)
		chunk = s->i->nsze;
	/* evenly over the namespace, its first and last LBAs included */
	for (unsigned k = 0; k <= n; k++) {
		uint64_t slba = k == n ? s->i->nsze - chunk
				       : (s->i->nsze / n) * k;

		/* within one zone: a read across a zone boundary may be
		 * refused (Zone Boundary Error) */
		if (s->i->zoned && s->i->zone_size >= chunk &&
		    slba % s->i->zone_size > s->i->zone_size - chunk)
			slba -= slba % s->i->zone_size - (s->i->zone_size - chunk);
		int rc = nvio_read(s->d.q, slba, chunk, s->a, chunk * s->lb, s->ctl);

		if (rc)
			return WHY("read of LBAs %" PRIu64 "-%" PRIu64 ": %s", slba,
				   slba + chunk - 1, st_res_text(rc));
	}
	return PASSED("%u reads of %" PRIu64 " LBAs across the namespace, "
		      "the first and the last LBA included", n + 1, chunk);
}

/* Write, read back, compare: sizes from 1 LBA to the maximum transfer and
 * past it (the library splits), inside the scratch range. */
static enum st_res ck_roundtrip(struct st *s, char *why, size_t len)
{
	uint64_t max = s->i->max_xfer / s->lb, sizes[6], nsz = 0;

	sizes[nsz++] = 1;
	sizes[nsz++] = 8;
	if (!s->quick)
		sizes[nsz++] = 61; /* not a power of two */
	sizes[nsz++] = max;
	sizes[nsz++] = 2 * max + 3;
	for (uint64_t k = 0; k < nsz; k++) {
		uint64_t n = sizes[k], slba;
		int rc;

		if (n > s->scr_nlb || n * s->lb > s->bufsz)
			continue;
		slba = s->scr + (st_rand(s) % (s->scr_nlb - n + 1));
		st_fill(s, s->a, slba, n, k + 1);
		rc = nvio_write(s->d.q, slba, n, s->a, n * s->lb, s->ctl);
		if (rc)
			return WHY("write of %" PRIu64 " LBAs at %" PRIu64 ": %s", n,
				   slba, st_res_text(rc));
		memset(s->b, 0xee, n * s->lb);
		rc = nvio_read(s->d.q, slba, n, s->b, n * s->lb, s->ctl);
		if (rc)
			return WHY("read of %" PRIu64 " LBAs at %" PRIu64 ": %s", n,
				   slba, st_res_text(rc));
		int64_t bad = st_first_diff(s, s->a, s->b, n);
		if (bad >= 0)
			return WHY("%" PRIu64 " LBAs written at %" PRIu64 " read back "
				   "different from LBA %" PRIu64 " on (the write was "
				   "lost or misplaced)", n, slba, slba + (uint64_t)bad);
	}
	return PASSED("1 LBA to %" PRIu64 " (twice the maximum transfer, "
		      "split) written and read back equal", 2 * max + 3);
}

static enum st_res ck_fua_flush(struct st *s, char *why, size_t len)
{
	uint64_t slba = s->scr;
	int rc;

	st_fill(s, s->a, slba, 8, 0x77);
	rc = nvio_write(s->d.q, slba, 8, s->a, 8 * s->lb, NVIO_IO_FUA | s->ctl);
	if (rc)
		return WHY("write with FUA: %s", st_res_text(rc));
	rc = nvio_flush(s->d.q);
	if (rc)
		return WHY("flush: %s", st_res_text(rc));
	rc = nvio_read(s->d.q, slba, 8, s->b, 8 * s->lb, NVIO_IO_FUA | s->ctl);
	if (rc)
		return WHY("read with FUA: %s", st_res_text(rc));
	if (st_first_diff(s, s->a, s->b, 8) >= 0)
		return WHY("the FUA write did not read back");
	return PASSED("write and read with FUA, flush%s",
		      s->i->vwc ? "" : " (no volatile write cache)");
}

static enum st_res ck_compare(struct st *s, char *why, size_t len)
{
	uint64_t slba = s->scr;
	int rc;

	if (!(s->i->oncs & NVIO_ONCS_COMPARE))
		return SKIPPED("no Compare command (ONCS %#x)", s->i->oncs);
	st_fill(s, s->a, slba, 8, 0x33);
	/* separate metadata sent raw, not with PRACT: a controller may
	 * refuse PRACT on Compare (QEMU: Invalid Protection Information) */
	memset(s->ma, 0x3c, 8 * (size_t)s->i->md_size);
	rc = s->md_sep ? st_md_io(s, NVIO_OP_WRITE, slba, 8, s->a, s->ma, 0, 0,
				  0, 0)
		       : nvio_write(s->d.q, slba, 8, s->a, 8 * s->lb, s->ctl);
	if (rc)
		return WHY("write: %s", st_res_text(rc));
	rc = s->md_sep ? st_md_io(s, NVIO_OP_COMPARE, slba, 8, s->a, s->ma, 0, 0,
				  0, 0)
		       : nvio_compare(s->d.q, slba, 8, s->a, 8 * s->lb, 0);
	if (rc)
		return WHY("compare of equal data: %s", st_res_text(rc));
	s->a[3 * s->lb + 5] ^= 0x40;
	rc = s->md_sep ? st_md_io(s, NVIO_OP_COMPARE, slba, 8, s->a, s->ma, 0, 0,
				  0, 0)
		       : nvio_compare(s->d.q, slba, 8, s->a, 8 * s->lb, 0);
	if (rc <= 0 || nvio_status_sc(rc) != (NVIO_SC_COMPARE_FAILED & 0xff) ||
	    nvio_status_sct(rc) != 2)
		return WHY("compare of different data gave %s, not Compare "
			   "Failure (0x285)", st_res_text(rc));
	return PASSED("equal data matches, one changed bit gives Compare "
		      "Failure");
}

static enum st_res ck_verify(struct st *s, char *why, size_t len)
{
	int rc;

	if (!(s->i->oncs & NVIO_ONCS_VERIFY))
		return SKIPPED("no Verify command (ONCS %#x)", s->i->oncs);
	rc = nvio_verify(s->d.q, s->scr, 8, s->ctl);
	if (rc)
		return WHY("verify of 8 LBAs at %" PRIu64 ": %s", s->scr,
			   st_res_text(rc));
	return PASSED("verify of 8 LBAs");
}

/* The namespace's first and last LBA written and read back, each saved
 * and restored: outside the scratch range, so only with --destructive. */
static enum st_res ck_first_last(struct st *s, char *why, size_t len)
{
	uint64_t at[2] = { 0, s->i->nsze - 1 };

	for (unsigned k = 0; k < 2; k++) {
		uint8_t *keep = s->b + s->lb;
		int rc = nvio_read(s->d.q, at[k], 1, keep, s->lb, s->ctl);

		if (rc)
			return WHY("saving LBA %" PRIu64 ": %s", at[k], st_res_text(rc));
		st_fill(s, s->a, at[k], 1, 0x99);
		rc = nvio_write(s->d.q, at[k], 1, s->a, s->lb, s->ctl);
		if (!rc)
			rc = nvio_read(s->d.q, at[k], 1, s->b, s->lb, s->ctl);
		bool same = !rc && !memcmp(s->a, s->b, s->lb);
		int wr = nvio_write(s->d.q, at[k], 1, keep, s->lb, s->ctl);

		if (rc)
			return WHY("LBA %" PRIu64 ": %s", at[k], st_res_text(rc));
		if (!same)
			return WHY("LBA %" PRIu64 " read back different", at[k]);
		if (wr)
			return WHY("restoring LBA %" PRIu64 ": %s", at[k],
				   st_res_text(wr));
	}
	return PASSED("LBA 0 and LBA %" PRIu64 " written, read back, restored",
		      at[1]);
}

/* ------------------------------------------------ errors the spec requires */

static enum st_res ck_err_range(struct st *s, char *why, size_t len)
{
	struct nvio_cmd c;
	int rc;

	/* through passthrough: nvio_read refuses it before sending */
	nvio_cmd_read(&c, s->i->nsid, s->i->nsze, 1, s->ctl);
	rc = nvio_passthru(s->d.q, &c, s->a, s->lb, NULL, 0, NULL);
	if (rc <= 0 || (rc & 0x7ff) != NVIO_SC_LBA_RANGE)
		return WHY("a read past the end gave %s, not LBA Out of Range "
			   "(0x80)", st_res_text(rc));
	return PASSED("a read at LBA %" PRIu64 " (the end) gives LBA Out of Range",
		      s->i->nsze);
}

static enum st_res ck_err_opcode(struct st *s, char *why, size_t len)
{
	struct nvio_cmd c;
	int rc;

	/* 7Fh: no command set assigns it */
	nvio_cmd_init(&c, 0x7f, s->i->nsid);
	rc = nvio_passthru(s->d.q, &c, NULL, 0, NULL, 0, NULL);
	if (rc == -EACCES || rc == -EPERM)
		return SKIPPED("the kernel refused the opcode to this user (%s)",
			       st_res_text(rc));
	if (rc <= 0 || (rc & 0x7ff) != NVIO_SC_INVALID_OPCODE)
		return WHY("I/O opcode 0x7f gave %s, not Invalid Command Opcode "
			   "(0x01)", st_res_text(rc));
	return PASSED("an unassigned I/O opcode gives Invalid Command Opcode");
}

static enum st_res ck_err_field(struct st *s, char *why, size_t len)
{
	int rc;

	/* CNS FFh is reserved */
	rc = nvio_identify(s->d.dev, 0xff, 0, 0, 0, s->a);
	if (rc == -EACCES || rc == -EPERM || rc == -ENODEV)
		return SKIPPED("no admin path for this user (%s)", st_res_text(rc));
	if (rc <= 0 || (rc & 0x7ff) != NVIO_SC_INVALID_FIELD)
		return WHY("Identify with reserved CNS 0xff gave %s, not Invalid "
			   "Field in Command (0x02)", st_res_text(rc));
	return PASSED("Identify with a reserved CNS gives Invalid Field in "
		      "Command");
}

/* ------------------------------------------------- zeroes and deallocate */

/* Every LBA's data (not its interleaved metadata: a controller may set
 * the PI of zeroed or deallocated LBAs to all ones) is byte v. */
static bool data_all(const struct st *s, const uint8_t *p, uint64_t nlb,
		     uint8_t v)
{
	for (uint64_t k = 0; k < nlb; k++)
		for (uint32_t o = 0; o < s->i->lba_size; o++)
			if (p[k * s->lb + o] != v)
				return false;
	return true;
}

static enum st_res ck_write_zeroes(struct st *s, char *why, size_t len)
{
	uint64_t slba = s->scr;
	int rc;

	if (!(s->i->oncs & NVIO_ONCS_WRITE_ZEROES))
		return SKIPPED("no Write Zeroes command (ONCS %#x)", s->i->oncs);
	st_fill(s, s->a, slba, 16, 0x44);
	rc = nvio_write(s->d.q, slba, 16, s->a, 16 * s->lb, s->ctl);
	if (!rc)
		rc = nvio_write_zeroes(s->d.q, slba, 16, 0);
	if (rc)
		return WHY("write, then write zeroes: %s", st_res_text(rc));
	rc = nvio_read(s->d.q, slba, 16, s->b, 16 * s->lb, s->ctl);
	if (rc)
		return WHY("read after write zeroes: %s", st_res_text(rc));
	if (!data_all(s, s->b, 16, 0))
		return WHY("16 LBAs read back not zero after Write Zeroes");
	return PASSED("16 LBAs read back zero after Write Zeroes");
}

static enum st_res ck_deallocate(struct st *s, char *why, size_t len)
{
	const struct nvme_id_ns *n = (const void *)s->id_ns;
	struct nvio_dsm_range r = { .slba = s->scr, .nlb = 16 };
	unsigned dlfeat = n->dlfeat & 7;
	int rc;

	if (!(s->i->oncs & NVIO_ONCS_DSM))
		return SKIPPED("no Dataset Management command (ONCS %#x)",
			       s->i->oncs);
	st_fill(s, s->a, r.slba, 16, 0x55);
	rc = nvio_write(s->d.q, r.slba, 16, s->a, 16 * s->lb, s->ctl);
	if (!rc)
		rc = nvio_dsm(s->d.q, &r, 1, NVIO_DSM_AD);
	if (rc)
		return WHY("write, then deallocate: %s", st_res_text(rc));
	rc = nvio_read(s->d.q, r.slba, 16, s->b, 16 * s->lb, s->ctl);
	if (rc)
		return WHY("read after deallocate: %s", st_res_text(rc));
	/* DLFEAT 2:0: 1 reads zeroes, 2 reads ones, 0 not said */
	if (dlfeat == 1 && !data_all(s, s->b, 16, 0))
		return WHY("DLFEAT says deallocated LBAs read zeroes; they do not");
	if (dlfeat == 2 && !data_all(s, s->b, 16, 0xff))
		return WHY("DLFEAT says deallocated LBAs read ones; they do not");
	if (!dlfeat || dlfeat > 2)
		return PASSED("deallocated and read (DLFEAT %u says nothing of "
			      "what they read)", dlfeat);
	return PASSED("deallocated LBAs read %s, as DLFEAT says",
		      dlfeat == 1 ? "zeroes" : "ones");
}

/* -------------------------------------------------------------- logs -- */

static int smart_counts(struct st *s, uint64_t *rd, uint64_t *wr)
{
	struct nvme_smart_log *l = (void *)s->b;
	int rc = nvio_get_log(s->d.dev, NVME_LOG_LID_SMART, 0xffffffff, 0, l, 512);

	if (rc)
		return rc;
	/* 128-bit counters: the low 64 bits are plenty here */
	memcpy(rd, l->host_reads, 8);
	memcpy(wr, l->host_writes, 8);
	*rd = le64toh(*rd);
	*wr = le64toh(*wr);
	return 0;
}

static enum st_res ck_smart(struct st *s, char *why, size_t len)
{
	uint64_t r0, w0, r1, w1;
	unsigned n = 32;
	int rc = smart_counts(s, &r0, &w0);

	if (rc == -EACCES || rc == -EPERM || rc == -ENODEV)
		return SKIPPED("the SMART log needs admin rights here (%s)",
			       st_res_text(rc));
	if (rc)
		return WHY("SMART log: %s", st_res_text(rc));
	for (unsigned k = 0; k < n; k++) {
		rc = nvio_read(s->d.q, s->scr_nlb ? s->scr : 0, 1, s->a, s->lb, s->ctl);
		if (rc)
			return WHY("read: %s", st_res_text(rc));
	}
	rc = smart_counts(s, &r1, &w1);
	if (rc)
		return WHY("SMART log: %s", st_res_text(rc));
	if (r1 < r0 + n)
		return WHY("%u reads moved host read commands by %" PRIu64, n,
			   r1 - r0);
	return PASSED("%u reads moved host read commands by %" PRIu64
		      " (others may run too)", n, r1 - r0);
}

static enum st_res ck_error_log(struct st *s, char *why, size_t len)
{
	struct nvme_error_log_page *e = (void *)s->b;
	uint64_t before, after;
	struct nvio_cmd c;
	int rc;

	rc = nvio_get_log(s->d.dev, NVME_LOG_LID_ERROR, 0xffffffff, 0, e, 64);
	if (rc == -EACCES || rc == -EPERM || rc == -ENODEV)
		return SKIPPED("the error log needs admin rights here (%s)",
			       st_res_text(rc));
	if (rc)
		return WHY("error log: %s", st_res_text(rc));
	before = le64toh(e->error_count);
	nvio_cmd_read(&c, s->i->nsid, s->i->nsze, 1, s->ctl);
	nvio_passthru(s->d.q, &c, s->a, s->lb, NULL, 0, NULL);
	rc = nvio_get_log(s->d.dev, NVME_LOG_LID_ERROR, 0xffffffff, 0, e, 64);
	if (rc)
		return WHY("error log: %s", st_res_text(rc));
	after = le64toh(e->error_count);
	if (after > before)
		return PASSED("the provoked error was logged (error count %"
			      PRIu64 " -> %" PRIu64 ")", before, after);
	if (!before && !after)
		return SKIPPED("the controller keeps no error log entries");
	return WHY("a provoked LBA Out of Range left the error count at %" PRIu64,
		   after);
}

/* ------------------------------------------------------- concurrency -- */

/* qd commands in flight, each writing its own LBAs, then all read back. */
static int conc_pass(struct st *s, struct nvio_queue *q, unsigned qd,
		     uint64_t slba, uint64_t nlb_each, uint64_t tag, char *why,
		     size_t len)
{
	struct nvio_cpl cpl[64];
	unsigned done = 0;
	int rc;

	for (unsigned k = 0; k < qd; k++) {
		uint64_t at = slba + k * nlb_each;

		st_fill(s, s->a + k * nlb_each * s->lb, at, nlb_each, tag);
		rc = nvio_queue_write(q, at, (uint32_t)nlb_each,
				      s->a + k * nlb_each * s->lb,
				      nlb_each * s->lb, s->ctl, NULL);
		if (rc) {
			snprintf(why, len, "queueing write %u of %u: %s", k, qd,
				 st_res_text(rc));
			return -1;
		}
	}
	while (done < qd) {
		int n = nvio_queue_reap_timeout(q, cpl, 64, 1, 30000000000ull);

		if (n < 0) {
			snprintf(why, len, "reaping: %s", st_res_text(n));
			return -1;
		}
		for (int k = 0; k < n; k++)
			if (cpl[k].res) {
				snprintf(why, len, "a write at QD %u: %s", qd,
					 st_res_text(cpl[k].res));
				return -1;
			}
		done += (unsigned)n;
	}
	rc = nvio_read(q, slba, qd * nlb_each, s->b, qd * nlb_each * s->lb, s->ctl);
	if (rc) {
		snprintf(why, len, "read back: %s", st_res_text(rc));
		return -1;
	}
	int64_t bad = st_first_diff(s, s->a, s->b, qd * nlb_each);
	if (bad >= 0) {
		snprintf(why, len, "at QD %u, LBA %" PRIu64 " read back different",
			 qd, slba + (uint64_t)bad);
		return -1;
	}
	return 0;
}

static enum st_res ck_qd_sweep(struct st *s, char *why, size_t len)
{
	static const unsigned qds[] = { 1, 4, 16, 32 };
	unsigned last = 0;

	for (unsigned k = 0; k < 4; k++) {
		unsigned qd = qds[k];
		struct nvio_queue *q;
		struct nvio_queue_opts o = { .sz = sizeof(o), .depth = qd,
					     .sqpoll_cpu = -1 };

		if ((uint64_t)qd * 8 > s->scr_nlb || (size_t)qd * 8 * s->lb > s->bufsz)
			break;
		if (nvio_queue_create(s->d.dev, &o, &q))
			return WHY("a queue of depth %u could not be created", qd);
		int rc = conc_pass(s, q, qd, s->scr, 8, 0x100 + k, why, len);

		nvio_queue_destroy(q);
		if (rc)
			return ST_FAIL;
		last = qd;
	}
	if (!last)
		return SKIPPED("the scratch range is too small");
	return PASSED("queue depths 1 to %u: every write read back", last);
}

struct mq_arg {
	struct st *s;
	unsigned idx;
	uint64_t slba, nlb;
	uint8_t *w, *r;
	char why[256];
	int rc;
};

static void *mq_thread(void *p)
{
	struct mq_arg *m = p;
	struct st *s = m->s;
	struct nvio_queue_opts o = { .sz = sizeof(o), .depth = 8, .sqpoll_cpu = -1 };
	struct nvio_queue *q;
	int rc;

	m->rc = -1;
	if (nvio_queue_create(s->d.dev, &o, &q)) {
		snprintf(m->why, sizeof(m->why), "queue %u could not be created",
			 m->idx);
		return NULL;
	}
	for (unsigned pass = 0; pass < 8; pass++) {
		st_fill(s, m->w, m->slba, m->nlb, 0x200 + pass * 16 + m->idx);
		rc = nvio_write(q, m->slba, m->nlb, m->w, m->nlb * s->lb, s->ctl);
		if (!rc)
			rc = nvio_read(q, m->slba, m->nlb, m->r, m->nlb * s->lb, s->ctl);
		if (rc) {
			snprintf(m->why, sizeof(m->why), "queue %u: %s", m->idx,
				 st_res_text(rc));
			break;
		}
		int64_t bad = st_first_diff(s, m->w, m->r, m->nlb);
		if (bad >= 0) {
			snprintf(m->why, sizeof(m->why), "queue %u: LBA %" PRIu64
				 " read back different", m->idx,
				 m->slba + (uint64_t)bad);
			break;
		}
		if (pass == 7)
			m->rc = 0;
	}
	nvio_queue_destroy(q);
	return NULL;
}

static enum st_res ck_multiqueue(struct st *s, char *why, size_t len)
{
	enum { NQ = 4 };
	struct mq_arg m[NQ];
	pthread_t t[NQ];
	uint64_t each = s->scr_nlb / NQ;

	if (each > 64)
		each = 64;
	if (each < 1 || each * NQ * s->lb * 2 > s->bufsz)
		return SKIPPED("the scratch range is too small");
	for (unsigned k = 0; k < NQ; k++) {
		m[k] = (struct mq_arg){ .s = s, .idx = k,
					.slba = s->scr + k * each, .nlb = each,
					.w = s->a + k * each * s->lb,
					.r = s->b + k * each * s->lb };
		if (pthread_create(&t[k], NULL, mq_thread, &m[k])) {
			for (unsigned j = 0; j < k; j++)
				pthread_join(t[j], NULL);
			return WHY("starting thread %u", k);
		}
	}
	for (unsigned k = 0; k < NQ; k++)
		pthread_join(t[k], NULL);
	for (unsigned k = 0; k < NQ; k++)
		if (m[k].rc)
			return WHY("%s", m[k].why);
	return PASSED("%u threads, each its own queue and LBAs, 8 passes: "
		      "every write read back", NQ);
}

/* ----------------------------------------------------------- latency -- */

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

uint64_t st_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* n QD1 reads on a queue of `flags`: p50 and p99 in ns; 0 or -errno. */
static int qd1(struct st *s, unsigned flags, unsigned n, uint64_t *p50,
	       uint64_t *p99, unsigned *qflags)
{
	struct nvio_queue_opts o = { .sz = sizeof(o), .depth = 1,
				     .flags = flags, .sqpoll_cpu = -1 };
	uint64_t *t = calloc(n, sizeof(*t));
	struct nvio_queue *q;
	int rc;

	if (!t)
		return -ENOMEM;
	rc = nvio_queue_create(s->d.dev, &o, &q);
	if (rc) {
		free(t);
		return rc;
	}
	*qflags = nvio_queue_flags(q);
	for (unsigned k = 0; k < n && !rc; k++) {
		uint64_t slba = st_rand(s) % (s->i->nsze - 7), t0 = st_now_ns();

		rc = nvio_read(q, slba, 1, s->a, s->lb, s->ctl);
		t[k] = st_now_ns() - t0;
	}
	nvio_queue_destroy(q);
	if (!rc) {
		qsort(t, n, sizeof(*t), cmp_u64);
		*p50 = t[n / 2];
		*p99 = t[(n * 99) / 100];
	}
	free(t);
	return rc;
}

static enum st_res ck_lat_qd1(struct st *s, char *why, size_t len)
{
	unsigned n = s->quick ? 200 : s->longrun ? 5000 : 1000, qf;
	uint64_t p50, p99;
	int rc = qd1(s, 0, n, &p50, &p99, &qf);

	if (rc)
		return WHY("%u QD1 reads: %s", n, st_res_text(rc));
	/* a tail 50 times the median is a device (or a host) that stalls;
	 * emulators stall now and then (TCG: reads of ~10 ms among ~90 us
	 * ones), hence --p99-bound */
	if (p99 > s->p99_bound * p50)
		return WHY("p99 %.1f us is more than %" PRIu64 " times p50 %.1f us "
			   "(--p99-bound)", p99 / 1e3, s->p99_bound, p50 / 1e3);
	return PASSED("%u QD1 reads (%s): p50 %.1f us, p99 %.1f us", n,
		      (qf & NVIO_QF_POLLED) ? "polled" : "interrupts", p50 / 1e3,
		      p99 / 1e3);
}

static enum st_res ck_lat_poll(struct st *s, char *why, size_t len)
{
	unsigned n = s->quick ? 200 : s->longrun ? 5000 : 1000, qf;
	uint64_t pp50, pp99, ip50, ip99;
	int rc;

	rc = qd1(s, NVIO_QUEUE_POLL, n, &pp50, &pp99, &qf);
	if (rc == -EOPNOTSUPP)
		return SKIPPED("no poll queues for the namespace");
	if (rc)
		return WHY("polled reads: %s", st_res_text(rc));
	rc = qd1(s, NVIO_QUEUE_IRQ, n, &ip50, &ip99, &qf);
	if (rc)
		return WHY("interrupt reads: %s", st_res_text(rc));
	/* polling exists to be faster; twice as slow is a broken path
	 * (emulators stall a polling vCPU now and then: --poll-bound) */
	if (pp50 > s->poll_bound * ip50)
		return WHY("polled p50 %.1f us is more than %" PRIu64 " times "
			   "interrupts' %.1f us (--poll-bound)", pp50 / 1e3,
			   s->poll_bound, ip50 / 1e3);
	return PASSED("p50 polled %.1f us, interrupts %.1f us", pp50 / 1e3,
		      ip50 / 1e3);
}

/* ------------------------------------------------------------ runner -- */

static const struct st_check checks[] = {
	/* name, what, writes the scratch range, fit for a zoned one (as
	 * is, or saying itself why not), fn */
	{ "identify.strings", "Identify strings printable", false, true, ck_id_strings },
	{ "identify.formats", "LBA formats and sizes sane", false, true, ck_id_formats },
	{ "identify.sysfs", "Identify agrees with sysfs", false, true, ck_id_sysfs },
	{ "identify.mdts", "MDTS agrees with the maximum transfer", false, true, ck_id_mdts },
	{ "io.read-sample", "reads across the namespace", false, true, ck_read_sample },
	{ "io.roundtrip", "write and read back, 1 LBA to past MDTS", true, false, ck_roundtrip },
	{ "io.fua-flush", "FUA and flush", true, false, ck_fua_flush },
	{ "io.compare", "Compare matches and mismatches", true, false, ck_compare },
	{ "io.verify", "Verify", false, true, ck_verify },
	{ "io.first-last", "the first and the last LBA written", true, false, ck_first_last },
	{ "errors.lba-range", "LBA Out of Range", false, true, ck_err_range },
	{ "errors.opcode", "Invalid Command Opcode", false, true, ck_err_opcode },
	{ "errors.field", "Invalid Field in Command", false, true, ck_err_field },
	{ "zeroes.write-zeroes", "Write Zeroes reads back zeroes", true, false, ck_write_zeroes },
	{ "zeroes.deallocate", "deallocate as DLFEAT says", true, false, ck_deallocate },
	{ "logs.smart", "SMART counters move", false, true, ck_smart },
	{ "logs.error", "the error log grows", false, true, ck_error_log },
	{ "concurrency.qd-sweep", "queue depths with integrity", true, false, ck_qd_sweep },
	{ "concurrency.multiqueue", "queues on threads with integrity", true, false, ck_multiqueue },
	{ "latency.qd1", "QD1 tail against its median", false, true, ck_lat_qd1 },
	{ "latency.poll-irq", "polled against interrupts", false, true, ck_lat_poll },
	{ "md.roundtrip", "metadata written and read back", true, true, ck_md_roundtrip },
	{ "md.pi-generate", "PI made by the controller (PRACT)", true, true, ck_pi_generate },
	{ "md.pi-check", "PI checked: guard, application and reference tags", true, true, ck_pi_check },
	{ "zoned.report", "zones in order, write pointers inside them", false, true, ck_zone_report },
	{ "zoned.write-pointer", "the write pointer advances; writes past it refused", true, true, ck_zone_wp },
	{ "zoned.append", "zone append returns its LBA", true, true, ck_zone_append },
	{ "zoned.finish", "finish makes a zone full", true, true, ck_zone_finish },
	{ "zoned.reset", "reset makes a zone empty", true, true, ck_zone_reset },
	{ "fdp.status", "placement ids in the RUH status", false, true, ck_fdp_status },
	{ "fdp.placement", "placed writes use their id's reclaim unit", true, true, ck_fdp_placement },
	{ "fdp.stats", "FDP statistics count host writes", true, true, ck_fdp_stats },
	{ "fabrics.identify", "a fabrics controller's Identify", false, true, ck_fabrics_identify },
};
#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

struct st_out {
	enum st_res res;
	char why[420];
	double secs;
};

static const char *res_name(enum st_res r)
{
	return r == ST_PASS ? "PASS" : r == ST_FAIL ? "FAIL" : "SKIP";
}

/* SIGINT, SIGTERM, SIGHUP: the check running ends, the others are not
 * run, and the scratch range is restored before the report. A second
 * signal is not caught (SA_RESETHAND): it ends the run as usual. */
static volatile sig_atomic_t st_signal;

static void st_on_signal(int sig)
{
	st_signal = sig;
}

/* The test hook NVIO_SELFTEST_HOLD_AFTER=CHECK: after that check, say so
 * on stderr and wait (at most 60 s) for a signal, so that a test can
 * interrupt a run at a known point, with the scratch range written. */
static void hold_for_signal(const char *name)
{
	struct timespec t = { 0, 10000000 };

	fprintf(stderr, "nvio selftest: holding after %s "
		"(NVIO_SELFTEST_HOLD_AFTER)\n", name);
	fflush(stderr);
	for (unsigned k = 0; k < 6000 && !st_signal; k++)
		nanosleep(&t, NULL);
}

/* "SLBA+COUNT" */
static int parse_scratch(struct cli *c, const char *a, uint64_t *slba,
			 uint64_t *nlb)
{
	const char *plus = strchr(a, '+');
	char first[32];
	size_t n;

	if (!plus || plus == a || (n = (size_t)(plus - a)) >= sizeof(first))
		return err_usage(c, "--scratch: '%s' is not SLBA+COUNT", a);
	memcpy(first, a, n);
	first[n] = 0;
	if (opt_u64(c, "scratch", first, slba, UINT64_MAX) ||
	    opt_u64(c, "scratch", plus + 1, nlb, UINT64_MAX))
		return EXIT_USAGE;
	if (!*nlb)
		return err_usage(c, "--scratch: a COUNT of 0 LBAs");
	return EXIT_OK;
}

static void xml_attr(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", stdout); break;
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		default: putchar((unsigned char)*s >= 0x20 ? *s : ' ');
		}
	}
}

static void report(struct st *s, enum st_fmt f, const struct st_out *o,
		   unsigned pass, unsigned fail, unsigned skip, double secs)
{
	struct jw *w = cli_json(s->c);

	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "device", s->i->generic_path);
		jw_u64(w, "nsid", s->i->nsid);
		jw_u64(w, "scratch_slba", s->scr);
		jw_u64(w, "scratch_nlb", s->scr_nlb);
		jw_bool(w, "writes", s->can_write);
		jw_arr(w, "checks");
		for (unsigned k = 0; k < NCHECKS; k++) {
			jw_obj(w, NULL);
			jw_str(w, "name", checks[k].name);
			jw_str(w, "result", res_name(o[k].res));
			jw_str(w, "reason", o[k].why);
			jw_u64(w, "ms", (uint64_t)(o[k].secs * 1000));
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_u64(w, "passed", pass);
		jw_u64(w, "failed", fail);
		jw_u64(w, "skipped", skip);
		jw_obj_end(w);
		return;
	}
	switch (f) {
	case STF_TAP:
		printf("TAP version 13\n1..%zu\n", NCHECKS);
		for (unsigned k = 0; k < NCHECKS; k++)
			printf("%s %u - %s%s%s\n", o[k].res == ST_FAIL ? "not ok" : "ok",
			       k + 1, checks[k].name,
			       o[k].res == ST_SKIP ? " # SKIP " : o[k].res == ST_FAIL ?
			       "\n  # " : " # ", o[k].why);
		break;
	case STF_JUNIT:
		printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<testsuites tests=\"%zu\" failures=\"%u\" skipped=\"%u\" "
		       "time=\"%.3f\">\n<testsuite name=\"nvio selftest ",
		       NCHECKS, fail, skip, secs);
		xml_attr(s->i->generic_path);
		printf("\" tests=\"%zu\" failures=\"%u\" skipped=\"%u\" "
		       "time=\"%.3f\">\n", NCHECKS, fail, skip, secs);
		for (unsigned k = 0; k < NCHECKS; k++) {
			printf("  <testcase classname=\"selftest\" name=\"%s\" "
			       "time=\"%.3f\"", checks[k].name, o[k].secs);
			if (o[k].res == ST_PASS) {
				printf("/>\n");
				continue;
			}
			printf(">\n    <%s message=\"", o[k].res == ST_FAIL ?
			       "failure" : "skipped");
			xml_attr(o[k].why);
			printf("\"/>\n  </testcase>\n");
		}
		printf("</testsuite>\n</testsuites>\n");
		break;
	default:
		printf("nvio selftest %s (nsid %u): scratch LBAs %" PRIu64 "+%"
		       PRIu64 "%s\n", s->i->generic_path, s->i->nsid, s->scr,
		       s->scr_nlb, s->can_write ? "" : " (not written)");
		for (unsigned k = 0; k < NCHECKS; k++)
			printf("  %-4s  %-24s %s\n", res_name(o[k].res),
			       checks[k].name, o[k].why);
		printf("%u passed, %u failed, %u skipped in %.1f s\n", pass, fail,
		       skip, secs);
	}
}

int cmd_selftest(struct cli *c, int argc, char **argv)
{
	struct st s = { .c = c, .seed = 0x9e3779b97f4a7c15ull ^ (uint64_t)time(NULL),
			.p99_bound = 50, .poll_bound = 2 };
	struct st_out out[NCHECKS];
	enum st_fmt f = STF_TEXT;
	bool has_scratch = false;
	uint64_t nsid = 0, t0;
	unsigned pass = 0, fail = 0, skip = 0;
	int opt, rc;

	memset(out, 0, sizeof(out));
	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code;
		case OPT_SCRATCH:
			rc = parse_scratch(c, optarg, &s.scr, &s.scr_nlb);
			has_scratch = true;
			break;
		case OPT_DESTRUCTIVE: s.destructive = true; break;
		case OPT_FORCE: c->force = true; break;
		case OPT_QUICK: s.quick = true; break;
		case OPT_P99:
			rc = opt_u64(c, "p99-bound", optarg, &s.p99_bound, 1000000);
			if (!rc && !s.p99_bound)
				rc = err_usage(c, "--p99-bound: 0 times p50");
			break;
		case OPT_POLL_BOUND:
			rc = opt_u64(c, "poll-bound", optarg, &s.poll_bound, 1000000);
			if (!rc && !s.poll_bound)
				rc = err_usage(c, "--poll-bound: 0 times the "
					       "interrupts' p50");
			break;
		case OPT_LONG: s.longrun = true; break;
		case OPT_STFORMAT:
			if (!strcmp(optarg, "text")) f = STF_TEXT;
			else if (!strcmp(optarg, "tap")) f = STF_TAP;
			else if (!strcmp(optarg, "junit")) f = STF_JUNIT;
			else rc = err_usage(c, "--format: '%s' is not text, tap "
					    "or junit", optarg);
			break;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &nsid, UINT32_MAX - 1);
			break;
		default: rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	if (s.quick && s.longrun)
		return err_usage(c, "--quick and --long exclude each other");
	if (s.destructive && !c->force)
		return err_usage(c, "--destructive writes outside the scratch "
				 "range: give --force too");
	if (f != STF_TEXT && c->fmt == FMT_JSON)
		return err_usage(c, "--format and -o json exclude each other");
	rc = cli_open(c, (uint32_t)nsid, 0, true, &s.d);
	if (rc)
		return rc;
	s.i = s.d.info;
	s.lb = s.d.lba_bytes;
	s.md_sep = s.i->md_size && !s.i->md_extended;
	/* Separate metadata that is only the PI: the generic checks send
	 * PRACT, so the controller makes and strips it and none moves; the
	 * md.* checks send metadata. Other separate metadata would need a
	 * buffer in every generic check: not yet. */
	if (s.md_sep && s.i->md_size == s.i->pi_size && s.i->pi_type)
		s.ctl = NVIO_IO_PRACT;
	else if (s.md_sep) {
		rc = err_refused(c, "%s has %u bytes of separate metadata%s, which "
				 "selftest's checks do not send yet; nothing was "
				 "sent", s.i->generic_path, s.i->md_size,
				 s.i->pi_type ? " beyond its protection information"
				 : " without protection information");
		goto out;
	}
	if (s.i->md_unknown) {
		rc = err_refused(c, "%s: its metadata format could not be "
				 "learned, so no data command can be sent safely",
				 s.i->generic_path);
		goto out;
	}
	if (!has_scratch) {
		s.scr_nlb = (1u << 20) / s.i->lba_size;
		if (s.scr_nlb > s.i->nsze)
			s.scr_nlb = s.i->nsze;
		s.scr = s.i->nsze - s.scr_nlb;
	}
	if (s.scr >= s.i->nsze || s.scr_nlb > s.i->nsze - s.scr) {
		rc = err_usage(c, "--scratch %" PRIu64 "+%" PRIu64 " is outside "
			       "the namespace (%" PRIu64 " LBAs)", s.scr,
			       s.scr_nlb, s.i->nsze);
		goto out;
	}
	s.bufsz = 2 * (size_t)s.i->max_xfer + 8 * (size_t)s.lb;
	if (s.bufsz < 64 * 8 * (size_t)s.lb * 2)
		s.bufsz = 64 * 8 * (size_t)s.lb * 2;
	s.mdsz = 64 * (size_t)(s.i->md_size ? s.i->md_size : 1);
	s.a = nvio_buf_alloc(s.bufsz);
	s.b = nvio_buf_alloc(s.bufsz);
	s.ma = nvio_buf_alloc(s.mdsz);
	s.mb = nvio_buf_alloc(s.mdsz);
	s.id_ctrl = nvio_buf_alloc(4096);
	s.id_ns = nvio_buf_alloc(4096);
	if (!s.a || !s.b || !s.ma || !s.mb || !s.id_ctrl || !s.id_ns) {
		rc = err_errno(c, ENOMEM, "buffers");
		goto out;
	}
	rc = nvio_identify_ctrl(s.d.dev, s.id_ctrl);
	if (!rc)
		rc = nvio_identify_ns(s.d.dev, s.i->nsid, s.id_ns);
	if (rc) {
		rc = err_result(c, rc, "identify");
		goto out;
	}
	/* Writes: the namespace not in use (or --force), the scratch range
	 * saved first. */
	{
		char why[256];

		if (!c->force && s.i->block_name[0] &&
		    safety_in_use(cli_sysfs(), s.i->block_name, why, sizeof(why))) {
			snprintf(s.no_write, sizeof(s.no_write), "no writes: %s "
				 "(--force writes the scratch range anyway)", why);
		} else if (s.i->zoned) {
			/* an empty zone holds nothing to save: it is reset */
			if (st_zone_scratch(&s, has_scratch, why, sizeof(why)))
				snprintf(s.no_write, sizeof(s.no_write),
					 "no writes: %s", why);
			else
				s.can_write = true;
		} else if (!(s.saved = nvio_buf_alloc(s.scr_nlb * s.lb)) ||
			   (s.md_sep && !(s.saved_md = nvio_buf_alloc(
				s.scr_nlb * s.i->md_size)))) {
			rc = err_errno(c, ENOMEM, "the scratch range's copy");
			goto out;
		} else if ((rc = st_range_io(&s, false, s.saved, s.saved_md))) {
			snprintf(s.no_write, sizeof(s.no_write), "no writes: the "
				 "scratch range could not be saved (%s)",
				 st_res_text(rc));
			nvio_buf_free(s.saved);
			nvio_buf_free(s.saved_md);
			s.saved = s.saved_md = NULL;
		} else {
			s.can_write = true;
		}
		rc = 0;
	}
	struct sigaction sa = { .sa_handler = st_on_signal,
				.sa_flags = SA_RESETHAND }, old[3];
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&sa.sa_mask);
	st_signal = 0;
	for (unsigned k = 0; k < 3; k++)
		sigaction(sigs[k], &sa, &old[k]);
	const char *hold = getenv("NVIO_SELFTEST_HOLD_AFTER");

	t0 = st_now_ns();
	for (unsigned k = 0; k < NCHECKS; k++) {
		const struct st_check *ck = &checks[k];
		uint64_t c0 = st_now_ns();

		if (st_signal) {
			out[k].res = ST_SKIP;
			snprintf(out[k].why, sizeof(out[k].why), "not run: "
				 "interrupted by %s", strsignal(st_signal));
		} else if (ck->writes && !s.can_write) {
			out[k].res = ST_SKIP;
			snprintf(out[k].why, sizeof(out[k].why), "%s", s.no_write);
		} else if (ck->writes && s.zoned && !ck->zoned_ok) {
			out[k].res = ST_SKIP;
			snprintf(out[k].why, sizeof(out[k].why), "a zoned namespace "
				 "takes writes only at a zone's write pointer: the "
				 "zoned.* checks write instead");
		} else if (ck->fn == ck_first_last && !s.destructive) {
			out[k].res = ST_SKIP;
			snprintf(out[k].why, sizeof(out[k].why), "writes outside "
				 "the scratch range: --destructive --force");
		} else {
			out[k].res = ck->fn(&s, out[k].why, sizeof(out[k].why));
		}
		out[k].secs = (double)(st_now_ns() - c0) / 1e9;
		if (hold && !strcmp(hold, ck->name) && !st_signal)
			hold_for_signal(ck->name);
		pass += out[k].res == ST_PASS;
		fail += out[k].res == ST_FAIL;
		skip += out[k].res == ST_SKIP;
	}
	/* The scratch range back as it was; a failure to restore is the
	 * run's failure, whatever the checks said. */
	if (s.saved || (s.zoned && s.can_write)) {
		rc = s.zoned ? st_zone_restore(&s)
			     : st_range_io(&s, true, s.saved, s.saved_md);
		if (rc) {
			for (unsigned k = 0; k < 3; k++)
				sigaction(sigs[k], &old[k], NULL);
			rc = err_result(c, rc, "restoring the scratch range");
			goto out;
		}
	}
	for (unsigned k = 0; k < 3; k++)
		sigaction(sigs[k], &old[k], NULL);
	c->keep_doc = true;
	report(&s, f, out, pass, fail, skip, (double)(st_now_ns() - t0) / 1e9);
	/* an interrupted run is not a verdict */
	rc = st_signal ? 128 + st_signal : fail ? EXIT_NVME : EXIT_OK;
out:
	nvio_buf_free(s.saved);
	nvio_buf_free(s.saved_md);
	nvio_buf_free(s.ma);
	nvio_buf_free(s.mb);
	nvio_buf_free(s.a);
	nvio_buf_free(s.b);
	nvio_buf_free(s.id_ctrl);
	nvio_buf_free(s.id_ns);
	cli_close(&s.d);
	return rc;
}
