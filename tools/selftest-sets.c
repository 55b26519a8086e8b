/* SPDX-License-Identifier: MIT */
/*
 * selftest-sets.c - nvio selftest's checks of what a namespace has beyond
 * plain reads and writes: metadata and protection information, zones,
 * flexible data placement, and a fabrics controller's Identify. Each is
 * skipped, saying why, where the namespace has no such thing.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <nvme/types.h>

#include "safety.h"
#include "selftest.h"

/* NVMe statuses the checks expect (SCT << 8 | SC) */
enum {
	SC_GUARD = 0x282,      /* End-to-end Guard Check Error */
	SC_APPTAG = 0x283,     /* End-to-end Application Tag Check Error */
	SC_REFTAG = 0x284,     /* End-to-end Reference Tag Check Error */
	SC_ZONE_FULL = 0x1b9,  /* Zone Is Full */
	SC_ZONE_WRITE = 0x1bc, /* Zone Invalid Write */
};

static unsigned status(int rc)
{
	return rc > 0 ? (unsigned)rc & 0x7ff : 0;
}

/* ------------------------------------------- metadata and PI -- */

/* The metadata is exactly the PI: with PRACT the controller inserts and
 * strips it and no metadata moves. */
static bool pi_only(const struct st *s)
{
	return s->i->pi_type && s->i->md_size == s->i->pi_size;
}

/* Bytes per LBA in the data buffer of a command with ctl. */
static uint32_t dbytes(const struct st *s, unsigned ctl)
{
	if (pi_only(s) && (ctl & NVIO_IO_PRACT))
		return s->i->lba_size;
	return s->i->lba_size + (s->i->md_extended ? s->i->md_size : 0);
}

int st_md_io(struct st *s, uint8_t op, uint64_t slba, uint32_t nlb,
		 void *data, void *md, unsigned ctl, uint64_t reftag,
		 uint16_t apptag, uint16_t appmask)
{
	struct nvio_io io = { .sz = sizeof(io), .opcode = op, .slba = slba,
			      .nlb = nlb, .ctl = ctl, .buf = data,
			      .len = (size_t)nlb * dbytes(s, ctl),
			      .reftag = reftag, .apptag = apptag,
			      .appmask = appmask };

	if (s->md_sep && !(pi_only(s) && (ctl & NVIO_IO_PRACT))) {
		io.md = md;
		io.md_len = nlb * s->i->md_size;
	}
	return nvio_io(s->d.q, &io, NULL);
}

int st_range_io(struct st *s, bool write, uint8_t *data, uint8_t *md)
{
	uint64_t step = s->i->max_nlb ? s->i->max_nlb : 1;

	for (uint64_t k = 0; k < s->scr_nlb; k += step) {
		uint32_t n = (uint32_t)(s->scr_nlb - k < step ? s->scr_nlb - k : step);
		int rc = st_md_io(s, write ? NVIO_OP_WRITE : NVIO_OP_READ, s->scr + k,
			       n, data + k * dbytes(s, 0),
			       md ? md + k * s->i->md_size : NULL, 0, 0, 0, 0);

		if (rc)
			return rc;
	}
	return 0;
}

static void pattern(uint8_t *p, size_t n, uint64_t x)
{
	x |= 1;
	for (size_t k = 0; k < n; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[k] = (uint8_t)x;
	}
}

static struct nvio_pi_format pi_fmt(const struct st *s)
{
	return (struct nvio_pi_format){
		.sz = sizeof(struct nvio_pi_format),
		.lba_size = s->i->lba_size, .md_size = s->i->md_size,
		.type = s->i->pi_type, .guard_bits = s->i->pi_guard_bits,
		.pi_first = s->i->pi_first, .extended = s->i->md_extended };
}

/* The reference tag a command gives for slba: type 1 checks it against
 * the LBA, type 2 takes any initial one, type 3 has none. */
static uint64_t ref_for(const struct st *s, uint64_t slba)
{
	unsigned bits = (s->i->pi_guard_bits == 16 ? 32u : 48u) - s->i->pi_sts;

	if (s->i->pi_type == 1)
		return bits < 64 ? slba & ((1ull << bits) - 1) : slba;
	return s->i->pi_type == 2 ? 0x1000 : 0;
}

static unsigned prchk_all(const struct st *s)
{
	return NVIO_PRCHK_GUARD | NVIO_PRCHK_APP |
	       (s->i->pi_type != 3 ? NVIO_PRCHK_REF : 0);
}

static const char *no_md(const struct st *s)
{
	if (!s->i->md_size)
		return "the format has no metadata";
	if (s->zoned)
		return "a zoned namespace: the zoned.* checks write there";
	return NULL;
}

static const char *no_pi(const struct st *s)
{
	if (no_md(s))
		return no_md(s);
	if (!s->i->pi_type)
		return "the format has no protection information";
	if (!s->i->pi_guard_bits)
		return "the PI format (guard size) could not be learned";
	return NULL;
}

enum st_res ck_md_roundtrip(struct st *s, char *why, size_t len)
{
	uint32_t n = 8, ms = s->i->md_size;
	uint64_t slba = s->scr;
	int rc;

	if (no_md(s))
		return SKIPPED("%s", no_md(s));
	if (s->scr_nlb < n)
		return SKIPPED("the scratch range is smaller than %u LBAs", n);
	/* raw: no PI action and no check, so the controller keeps exactly
	 * the metadata it was given, PI bytes included */
	pattern(s->a, (size_t)n * dbytes(s, 0), slba ^ 0x6d64);
	pattern(s->ma, (size_t)n * ms, slba ^ 0x6d65);
	rc = st_md_io(s, NVIO_OP_WRITE, slba, n, s->a, s->ma, 0, 0, 0, 0);
	if (rc)
		return WHY("write of %u LBAs with metadata: %s", n, st_res_text(rc));
	memset(s->b, 0xee, (size_t)n * dbytes(s, 0));
	memset(s->mb, 0xee, (size_t)n * ms);
	rc = st_md_io(s, NVIO_OP_READ, slba, n, s->b, s->mb, 0, 0, 0, 0);
	if (rc)
		return WHY("read of %u LBAs with metadata: %s", n, st_res_text(rc));
	for (uint32_t k = 0; k < n; k++) {
		const uint8_t *x = s->a + (size_t)k * dbytes(s, 0),
			      *y = s->b + (size_t)k * dbytes(s, 0);

		if (memcmp(x, y, s->i->lba_size))
			return WHY("LBA %" PRIu64 ": the data read back differs",
				   slba + k);
		if (s->md_sep ? memcmp(s->ma + k * ms, s->mb + k * ms, ms)
			      : memcmp(x + s->i->lba_size, y + s->i->lba_size, ms))
			return WHY("LBA %" PRIu64 ": the metadata read back differs "
				   "(%s)", slba + k, s->md_sep ? "separate buffer" :
				   "interleaved");
	}
	return PASSED("%u LBAs with %u bytes of %s metadata each written and "
		      "read back equal, metadata included", n, ms,
		      s->md_sep ? "separate" : "interleaved");
}

/* Written with PRACT: the controller makes the PI; read back raw, the
 * host checks it; read with PRACT, the controller checks and strips it. */
enum st_res ck_pi_generate(struct st *s, char *why, size_t len)
{
	struct nvio_pi_format f = pi_fmt(s);
	uint32_t n = 8, ls = s->i->lba_size;
	uint64_t slba = s->scr + 8, ref = ref_for(s, s->scr + 8), bad = 0;
	unsigned chk = prchk_all(s), act = NVIO_IO_PRACT | NVIO_IO_PRINFO(chk);
	int rc;

	if (no_pi(s))
		return SKIPPED("%s", no_pi(s));
	if (s->scr_nlb < 16)
		return SKIPPED("the scratch range is smaller than 16 LBAs");
	pattern(s->a, (size_t)n * dbytes(s, act), slba ^ 0x7067);
	pattern(s->ma, (size_t)n * s->i->md_size, slba ^ 0x7068);
	rc = st_md_io(s, NVIO_OP_WRITE, slba, n, s->a, s->ma, act, ref, 0x5aa5,
		   0xffff);
	if (rc)
		return WHY("write with PRACT: %s", st_res_text(rc));
	rc = st_md_io(s, NVIO_OP_READ, slba, n, s->b, s->mb, 0, 0, 0, 0);
	if (rc)
		return WHY("raw read: %s", st_res_text(rc));
	rc = nvio_pi_verify(&f, s->b, s->md_sep ? s->mb : NULL, slba, n, ref,
			    0x5aa5, 0xffff, chk, &bad);
	if (rc)
		return WHY("the PI the controller made for LBA %" PRIu64 " fails "
			   "the host's check: %s", bad, st_res_text(rc));
	for (uint32_t k = 0; k < n; k++)
		if (memcmp(s->a + (size_t)k * dbytes(s, act),
			   s->b + (size_t)k * dbytes(s, 0), ls))
			return WHY("LBA %" PRIu64 ": the data read back differs",
				   slba + k);
	memset(s->b, 0xee, (size_t)n * dbytes(s, act));
	rc = st_md_io(s, NVIO_OP_READ, slba, n, s->b, s->mb, act, ref, 0x5aa5,
		   0xffff);
	if (rc)
		return WHY("read with PRACT and every check: %s", st_res_text(rc));
	for (uint32_t k = 0; k < n; k++)
		if (memcmp(s->a + (size_t)k * dbytes(s, act),
			   s->b + (size_t)k * dbytes(s, act), ls))
			return WHY("LBA %" PRIu64 ": the data read with PRACT "
				   "differs", slba + k);
	return PASSED("type %u PI with the %u-bit guard, made by the controller "
		      "(PRACT), verified by the host; checked and stripped on "
		      "read", s->i->pi_type, s->i->pi_guard_bits);
}

/* PI the host made: accepted whole, refused with each field wrong, and a
 * bad guard stored raw is caught on read. */
enum st_res ck_pi_check(struct st *s, char *why, size_t len)
{
	struct nvio_pi_format f = pi_fmt(s);
	uint32_t n = 8, ms = s->i->md_size;
	uint64_t slba = s->scr + 16, ref = ref_for(s, s->scr + 16);
	unsigned chk = prchk_all(s);
	size_t dlen = (size_t)n * dbytes(s, 0);
	uint8_t *flip = s->a + 3 * (size_t)dbytes(s, 0) + 17;
	uint8_t *md = s->md_sep ? s->ma : NULL;
	int rc;

	if (no_pi(s))
		return SKIPPED("%s", no_pi(s));
	if (s->scr_nlb < 24)
		return SKIPPED("the scratch range is smaller than 24 LBAs");
	pattern(s->a, dlen, slba ^ 0x7069);
	pattern(s->ma, (size_t)n * ms, slba ^ 0x706a);
	if (nvio_pi_generate(&f, s->a, md, slba, n, ref, 0x5aa5))
		return WHY("the host could not make PI for this format");
	rc = st_md_io(s, NVIO_OP_WRITE, slba, n, s->a, s->ma,
		   NVIO_IO_PRINFO(chk), ref, 0x5aa5, 0xffff);
	if (rc)
		return WHY("write of valid PI with every check: %s", st_res_text(rc));
	rc = st_md_io(s, NVIO_OP_READ, slba, n, s->b, s->mb, NVIO_IO_PRINFO(chk),
		   ref, 0x5aa5, 0xffff);
	if (rc)
		return WHY("read with every check: %s", st_res_text(rc));
	if (memcmp(s->a, s->b, dlen) || (md && memcmp(s->ma, s->mb, (size_t)n * ms)))
		return WHY("data or PI read back differs");

	/* one data bit changed after the PI was made: the guard */
	*flip ^= 0x10;
	rc = st_md_io(s, NVIO_OP_WRITE, slba, n, s->a, s->ma,
		   NVIO_IO_PRINFO(NVIO_PRCHK_GUARD), ref, 0, 0);
	if (status(rc) != SC_GUARD)
		return WHY("a write with a wrong guard gave %s, not Guard Check "
			   "Error (0x282)", st_res_text(rc));
	/* stored raw, then read with the guard checked */
	rc = st_md_io(s, NVIO_OP_WRITE, slba, n, s->a, s->ma, 0, 0, 0, 0);
	if (rc)
		return WHY("raw write: %s", st_res_text(rc));
	rc = st_md_io(s, NVIO_OP_READ, slba, n, s->b, s->mb,
		   NVIO_IO_PRINFO(NVIO_PRCHK_GUARD), ref, 0, 0);
	if (status(rc) != SC_GUARD)
		return WHY("a read of a stored wrong guard gave %s, not Guard "
			   "Check Error (0x282)", st_res_text(rc));
	*flip ^= 0x10;

	rc = st_md_io(s, NVIO_OP_WRITE, slba, n, s->a, s->ma,
		   NVIO_IO_PRINFO(NVIO_PRCHK_APP), ref, 0x1111, 0xffff);
	if (status(rc) != SC_APPTAG)
		return WHY("a write whose application tag differs gave %s, not "
			   "Application Tag Check Error (0x283)", st_res_text(rc));
	if (s->i->pi_type == 3)
		return PASSED("type 3 PI with the %u-bit guard: valid PI accepted "
			      "and read back; a wrong guard refused on write and "
			      "on read, a wrong application tag on write",
			      s->i->pi_guard_bits);
	/* the PI as for the next LBA (type 1) or the next initial tag
	 * (type 2): every reference tag off by one */
	if (nvio_pi_generate(&f, s->a, md, slba + 1, n, ref + 1, 0x5aa5))
		return WHY("the host could not make PI for this format");
	rc = st_md_io(s, NVIO_OP_WRITE, slba, n, s->a, s->ma,
		   NVIO_IO_PRINFO(NVIO_PRCHK_REF), ref, 0, 0);
	if (status(rc) != SC_REFTAG)
		return WHY("a write whose reference tags are off by one gave %s, "
			   "not Reference Tag Check Error (0x284)", st_res_text(rc));
	return PASSED("type %u PI with the %u-bit guard: valid PI accepted and "
		      "read back; a wrong guard refused on write and on read, a "
		      "wrong application and reference tag on write",
		      s->i->pi_type, s->i->pi_guard_bits);
}

/* ---------------------------------------------------------- zones -- */

static int zone_at(struct st *s, uint64_t slba, struct nvio_zone *z)
{
	unsigned nr = 0;
	int rc = nvio_zone_report(s->d.q, slba, NVIO_ZONE_REPORT_ALL, true, z, 1,
				  &nr, NULL);

	return rc ? rc : nr == 1 ? 0 : -EIO;
}

int st_zone_scratch(struct st *s, bool given, char *why, size_t len)
{
	struct nvio_zone z[64];
	uint64_t zs = s->i->zone_size, from;
	unsigned nr = 0;
	int rc;

	s->zoned = true;
	if (given) {
		rc = zone_at(s, s->scr, z);
		if (rc) {
			snprintf(why, len, "the zone at LBA %" PRIu64 ": %s", s->scr,
				 st_res_text(rc));
			return rc;
		}
		if (z[0].slba != s->scr || z[0].state != NVIO_ZS_EMPTY ||
		    s->scr_nlb > z[0].cap) {
			snprintf(why, len, "--scratch on a zoned namespace is one "
				 "empty zone from its first LBA, at most its "
				 "capacity (%" PRIu64 "+%" PRIu64 ", state %#x)",
				 z[0].slba, z[0].cap, z[0].state);
			return -EINVAL;
		}
		return 0;
	}
	/* the last empty zone: the namespace's end is the likeliest unused */
	from = s->i->nr_zones > 64 ? (s->i->nr_zones - 64) * zs : 0;
	rc = nvio_zone_report(s->d.q, from, NVIO_ZONE_REPORT_EMPTY, true, z, 64,
			      &nr, NULL);
	if (!rc && !nr && from)
		rc = nvio_zone_report(s->d.q, 0, NVIO_ZONE_REPORT_EMPTY, true, z,
				      1, &nr, NULL);
	if (rc) {
		snprintf(why, len, "zone report: %s", st_res_text(rc));
		return rc;
	}
	if (!nr) {
		snprintf(why, len, "no empty zone to write in");
		return -ENOSPC;
	}
	s->scr = z[nr - 1].slba;
	s->scr_nlb = z[nr - 1].cap;
	return 0;
}

int st_zone_restore(struct st *s)
{
	struct nvio_zone z;
	int rc = zone_at(s, s->scr, &z);

	if (rc || z.state == NVIO_ZS_EMPTY)
		return rc;
	return nvio_zone_mgmt(s->d.q, s->scr, NVIO_ZSA_RESET, false);
}

static const char *no_zones(const struct st *s)
{
	return s->i->zoned ? NULL : "not a zoned namespace";
}

enum st_res ck_zone_report(struct st *s, char *why, size_t len)
{
	enum { BATCH = 256 };
	struct nvio_zone *z;
	uint64_t zs = s->i->zone_size, seen = 0, total = 0, at = 0;
	unsigned cnt[16] = { 0 };
	enum st_res r = ST_PASS;

	if (no_zones(s))
		return SKIPPED("%s", no_zones(s));
	z = calloc(BATCH, sizeof(*z));
	if (!z)
		return WHY("out of memory");
	while (at < s->i->nsze && r == ST_PASS) {
		unsigned nr = 0;
		uint64_t t = 0;
		int rc = nvio_zone_report(s->d.q, at, NVIO_ZONE_REPORT_ALL, false,
					  z, BATCH, &nr, &t);

		if (rc) {
			r = WHY("zone report from LBA %" PRIu64 ": %s", at,
				st_res_text(rc));
			break;
		}
		if (!seen)
			total = t;
		if (!nr) {
			r = WHY("zone report from LBA %" PRIu64 " returned no zone",
				at);
			break;
		}
		for (unsigned k = 0; k < nr && r == ST_PASS; k++, seen++) {
			const struct nvio_zone *q = &z[k];

			cnt[q->state & 0xf]++;
			if (q->slba != seen * zs)
				r = WHY("zone %" PRIu64 " starts at LBA %" PRIu64
					", not %" PRIu64, seen, q->slba, seen * zs);
			else if (!q->cap || q->cap > zs)
				r = WHY("zone %" PRIu64 ": capacity %" PRIu64 " of a "
					"%" PRIu64 "-LBA zone", seen, q->cap, zs);
			else if (q->state == NVIO_ZS_EMPTY && q->wp != q->slba)
				r = WHY("empty zone %" PRIu64 " has its write pointer "
					"at %" PRIu64, seen, q->wp);
			else if ((q->state == NVIO_ZS_IMP_OPEN ||
				  q->state == NVIO_ZS_EXP_OPEN ||
				  q->state == NVIO_ZS_CLOSED) &&
				 (q->wp < q->slba || q->wp >= q->slba + q->cap))
				r = WHY("zone %" PRIu64 " (state %#x) has its write "
					"pointer at %" PRIu64 ", outside it", seen,
					q->state, q->wp);
		}
		at = seen * zs;
	}
	free(z);
	if (r != ST_PASS)
		return r;
	if (seen != s->i->nr_zones || total != s->i->nr_zones)
		return WHY("%" PRIu64 " zones reported (the header says %" PRIu64
			   "), the namespace has %" PRIu64, seen, total,
			   s->i->nr_zones);
	return PASSED("%" PRIu64 " zones of %" PRIu64 " LBAs in order, write "
		      "pointers inside them: %u empty, %u open, %u closed, %u "
		      "full", seen, zs, cnt[NVIO_ZS_EMPTY],
		      cnt[NVIO_ZS_IMP_OPEN] + cnt[NVIO_ZS_EXP_OPEN],
		      cnt[NVIO_ZS_CLOSED], cnt[NVIO_ZS_FULL]);
}

/* The scratch zone back to empty, and its state. */
static enum st_res zone_fresh(struct st *s, struct nvio_zone *z, char *why,
			      size_t len)
{
	int rc = st_zone_restore(s);

	if (!rc)
		rc = zone_at(s, s->scr, z);
	if (rc)
		return WHY("resetting zone %" PRIu64 ": %s", s->scr,
			   st_res_text(rc));
	return ST_PASS;
}

enum st_res ck_zone_wp(struct st *s, char *why, size_t len)
{
	struct nvio_zone z;
	uint64_t at = s->scr;
	int rc;

	if (no_zones(s))
		return SKIPPED("%s", no_zones(s));
	if (zone_fresh(s, &z, why, len) != ST_PASS)
		return ST_FAIL;
	st_fill(s, s->a, at, 8, 0x7a);
	rc = nvio_write(s->d.q, at, 8, s->a, 8 * (size_t)s->lb, s->ctl);
	if (rc)
		return WHY("write of 8 LBAs at the empty zone's start: %s",
			   st_res_text(rc));
	if ((rc = zone_at(s, at, &z)))
		return WHY("zone report: %s", st_res_text(rc));
	if (z.wp != at + 8)
		return WHY("8 LBAs written at %" PRIu64 ": the write pointer is at "
			   "%" PRIu64 ", not %" PRIu64, at, z.wp, at + 8);
	if (z.state != NVIO_ZS_IMP_OPEN && z.state != NVIO_ZS_EXP_OPEN)
		return WHY("a written zone in state %#x, not open", z.state);
	rc = nvio_write(s->d.q, at + 16, 8, s->a, 8 * (size_t)s->lb, s->ctl);
	if (status(rc) != SC_ZONE_WRITE)
		return WHY("a write 8 LBAs past the write pointer gave %s, not "
			   "Zone Invalid Write (0x1bc)", st_res_text(rc));
	if ((rc = zone_at(s, at, &z)))
		return WHY("zone report: %s", st_res_text(rc));
	if (z.wp != at + 8)
		return WHY("a refused write moved the write pointer to %" PRIu64,
			   z.wp);
	rc = nvio_read(s->d.q, at, 8, s->b, 8 * (size_t)s->lb, s->ctl);
	if (rc)
		return WHY("read back: %s", st_res_text(rc));
	if (st_first_diff(s, s->a, s->b, 8) >= 0)
		return WHY("the 8 LBAs read back differ");
	return PASSED("the write pointer moves by what is written; a write "
		      "past it gives Zone Invalid Write and moves nothing");
}

enum st_res ck_zone_append(struct st *s, char *why, size_t len)
{
	struct nvio_zone z;
	uint64_t got = 0, wp;
	uint32_t n = 8;
	int rc;

	if (no_zones(s))
		return SKIPPED("%s", no_zones(s));
	if ((rc = zone_at(s, s->scr, &z)))
		return WHY("zone report: %s", st_res_text(rc));
	if (z.state == NVIO_ZS_FULL && zone_fresh(s, &z, why, len) != ST_PASS)
		return ST_FAIL;
	while (n > 1 && n * s->lb > s->i->zone_append_max)
		n /= 2;
	wp = z.wp;
	st_fill(s, s->a, wp, n, 0x7b);
	struct nvio_io io = { .sz = sizeof(io), .opcode = NVIO_OP_ZONE_APPEND,
			      .slba = z.slba, .nlb = n, .ctl = s->ctl,
			      .buf = s->a, .len = (size_t)n * s->lb };
	rc = nvio_io(s->d.q, &io, &got);
	if (rc)
		return WHY("zone append of %u LBAs: %s", n, st_res_text(rc));
	if (got != wp)
		return WHY("the append went to the write pointer %" PRIu64 " but "
			   "returned LBA %" PRIu64, wp, got);
	if ((rc = zone_at(s, z.slba, &z)))
		return WHY("zone report: %s", st_res_text(rc));
	if (z.wp != wp + n)
		return WHY("an append of %u LBAs moved the write pointer from %"
			   PRIu64 " to %" PRIu64, n, wp, z.wp);
	rc = nvio_read(s->d.q, got, n, s->b, (size_t)n * s->lb, s->ctl);
	if (rc)
		return WHY("read back: %s", st_res_text(rc));
	if (st_first_diff(s, s->a, s->b, n) >= 0)
		return WHY("the appended LBAs read back differ at the LBA it "
			   "returned");
	return PASSED("an append of %u LBAs returned its LBA (the write "
		      "pointer) and reads back there", n);
}

enum st_res ck_zone_finish(struct st *s, char *why, size_t len)
{
	struct nvio_zone z;
	int rc;

	if (no_zones(s))
		return SKIPPED("%s", no_zones(s));
	rc = nvio_zone_mgmt(s->d.q, s->scr, NVIO_ZSA_FINISH, false);
	if (rc)
		return WHY("finish zone %" PRIu64 ": %s", s->scr, st_res_text(rc));
	if ((rc = zone_at(s, s->scr, &z)))
		return WHY("zone report: %s", st_res_text(rc));
	if (z.state != NVIO_ZS_FULL)
		return WHY("a finished zone in state %#x, not full", z.state);
	st_fill(s, s->a, s->scr, 1, 0x7c);
	rc = nvio_write(s->d.q, z.wp < z.slba + z.cap ? z.wp : z.slba, 1, s->a,
			s->lb, s->ctl);
	if (status(rc) != SC_ZONE_FULL && status(rc) != SC_ZONE_WRITE)
		return WHY("a write to a full zone gave %s, not Zone Is Full "
			   "(0x1b9)", st_res_text(rc));
	return PASSED("finish makes the zone full; a write to it is refused (%s)",
		      status(rc) == SC_ZONE_FULL ? "Zone Is Full" :
		      "Zone Invalid Write");
}

enum st_res ck_zone_reset(struct st *s, char *why, size_t len)
{
	struct nvio_zone z;
	int rc;

	if (no_zones(s))
		return SKIPPED("%s", no_zones(s));
	if ((rc = zone_at(s, s->scr, &z)))
		return WHY("zone report: %s", st_res_text(rc));
	if (z.state == NVIO_ZS_EMPTY) {
		/* something to reset */
		st_fill(s, s->a, s->scr, 1, 0x7d);
		rc = nvio_write(s->d.q, s->scr, 1, s->a, s->lb, s->ctl);
		if (rc)
			return WHY("write: %s", st_res_text(rc));
	}
	rc = nvio_zone_mgmt(s->d.q, s->scr, NVIO_ZSA_RESET, false);
	if (rc)
		return WHY("reset zone %" PRIu64 ": %s", s->scr, st_res_text(rc));
	if ((rc = zone_at(s, s->scr, &z)))
		return WHY("zone report: %s", st_res_text(rc));
	if (z.state != NVIO_ZS_EMPTY || z.wp != z.slba)
		return WHY("after a reset the zone is in state %#x with its write "
			   "pointer at %" PRIu64 ", not empty at %" PRIu64, z.state,
			   z.wp, z.slba);
	return PASSED("reset makes the zone empty, its write pointer at its "
		      "start");
}

/* ----------------------------------------------- data placement -- */

static const char *no_fdp(const struct st *s)
{
	if (s->zoned)
		return "a zoned namespace (FDP is for the NVM command set)";
	if (s->i->fdp_unknown)
		return "the controller has FDP, but the namespace's reclaim unit "
		       "handle status was refused at open";
	if (!s->i->fdp)
		return "no flexible data placement";
	return NULL;
}

/* The reclaim unit handle status, decoded into out[max]. */
static int ruhs(struct st *s, struct nvio_fdp_ruhs *out, unsigned max,
		unsigned *nr)
{
	uint32_t cap = 16 + 32 * max, got = 0;
	uint8_t *buf = nvio_buf_alloc(cap);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = nvio_fdp_ruh_status(s->d.q, 0, buf, cap, &got);
	if (!rc)
		rc = nvio_fdp_ruh_status_decode(buf, got, out, max, nr, NULL);
	nvio_buf_free(buf);
	return rc;
}

enum st_res ck_fdp_status(struct st *s, char *why, size_t len)
{
	struct nvio_fdp_ruhs *r;
	unsigned nr = 0;
	enum st_res res = ST_PASS;
	int rc;

	if (no_fdp(s))
		return SKIPPED("%s", no_fdp(s));
	r = calloc(NVIO_FDP_MAX_PIDS, sizeof(*r));
	if (!r)
		return WHY("out of memory");
	rc = ruhs(s, r, NVIO_FDP_MAX_PIDS, &nr);
	if (rc)
		res = WHY("reclaim unit handle status: %s", st_res_text(rc));
	else if (nr != s->i->fdp_nr_pids)
		res = WHY("the status lists %u placement ids, %u at open", nr,
			  s->i->fdp_nr_pids);
	for (unsigned k = 0; res == ST_PASS && k < nr; k++) {
		if (r[k].pid != s->i->fdp_pids[k])
			res = WHY("descriptor %u names placement id %u, %u at open",
				  k, r[k].pid, s->i->fdp_pids[k]);
		for (unsigned j = 0; res == ST_PASS && j < k; j++)
			if (r[j].pid == r[k].pid)
				res = WHY("placement id %u listed twice", r[k].pid);
	}
	if (res == ST_PASS)
		res = PASSED("%u placement ids in the reclaim unit handle status, "
			     "each once, as at open", nr);
	free(r);
	return res;
}

/* Writes placed on each of up to 4 ids move that id's RUAMW by exactly
 * what they wrote, and no other's. */
enum st_res ck_fdp_placement(struct st *s, char *why, size_t len)
{
	struct nvio_fdp_ruhs *b4, *af;
	unsigned nb = 0, na = 0, ids, fresh = 0;
	uint32_t n = 8;
	enum st_res res = ST_PASS;

	if (no_fdp(s))
		return SKIPPED("%s", no_fdp(s));
	ids = s->i->fdp_nr_pids < 4 ? s->i->fdp_nr_pids : 4;
	if (s->scr_nlb < (uint64_t)ids * n)
		return SKIPPED("the scratch range is smaller than %u LBAs", ids * n);
	b4 = calloc(2 * NVIO_FDP_MAX_PIDS, sizeof(*b4));
	if (!b4)
		return WHY("out of memory");
	af = b4 + NVIO_FDP_MAX_PIDS;
	for (unsigned k = 0; k < ids && res == ST_PASS; k++) {
		uint16_t pid = s->i->fdp_pids[k];
		uint64_t at = s->scr + k * n;
		struct nvio_io io = { .sz = sizeof(io), .opcode = NVIO_OP_WRITE,
				      .dtype = NVIO_DTYPE_PLACEMENT, .dspec = pid,
				      .slba = at, .nlb = n, .ctl = s->ctl,
				      .buf = s->a, .len = (size_t)n * s->lb };
		int rc = ruhs(s, b4, NVIO_FDP_MAX_PIDS, &nb);

		st_fill(s, s->a, at, n, 0x80 + k);
		if (!rc)
			rc = nvio_io(s->d.q, &io, NULL);
		if (!rc)
			rc = ruhs(s, af, NVIO_FDP_MAX_PIDS, &na);
		if (rc) {
			res = WHY("placement id %u: %s", pid, st_res_text(rc));
			break;
		}
		if (na != nb || nb <= k) {
			res = WHY("the status changed length: %u then %u", nb, na);
			break;
		}
		for (unsigned j = 0; j < na && res == ST_PASS; j++) {
			uint64_t was = b4[j].ruamw, now = af[j].ruamw;

			if (j != k && now != was)
				res = WHY("%u LBAs placed on id %u moved id %u's "
					  "RUAMW from %" PRIu64 " to %" PRIu64, n,
					  pid, af[j].pid, was, now);
			else if (j == k && now > was)
				fresh++; /* the unit filled: a new one began */
			else if (j == k && was - now != n)
				res = WHY("%u LBAs placed on id %u moved its RUAMW "
					  "by %" PRIu64, n, pid, was - now);
		}
	}
	free(b4);
	if (res != ST_PASS)
		return res;
	return PASSED("%u LBAs placed on each of %u ids took exactly that from "
		      "the id's reclaim unit and nothing from the others'%s", n,
		      ids, fresh ? " (a unit filled and was replaced)" : "");
}

static int fdp_hbmw(struct st *s, uint64_t *hbmw)
{
	struct nvio_log_req r = { .sz = sizeof(r), .lid = NVIO_LOG_FDP_STATS,
				  .lsi = s->i->fdp_endgid, .buf = s->b,
				  .len = 64 };
	int rc = nvio_get_log_page(s->d.dev, &r);

	/* 128-bit counters: the low 64 bits are plenty here */
	if (!rc) {
		memcpy(hbmw, s->b, 8);
		*hbmw = le64toh(*hbmw);
	}
	return rc;
}

enum st_res ck_fdp_stats(struct st *s, char *why, size_t len)
{
	uint64_t h0, h1, n = 16;
	int rc;

	if (no_fdp(s))
		return SKIPPED("%s", no_fdp(s));
	rc = fdp_hbmw(s, &h0);
	if (rc == -EACCES || rc == -EPERM || rc == -ENODEV)
		return SKIPPED("the FDP statistics log needs admin rights here "
			       "(%s)", st_res_text(rc));
	if (rc)
		return WHY("FDP statistics log: %s", st_res_text(rc));
	st_fill(s, s->a, s->scr, n, 0x90);
	rc = nvio_write(s->d.q, s->scr, n, s->a, n * s->lb, s->ctl);
	if (rc)
		return WHY("write: %s", st_res_text(rc));
	if ((rc = fdp_hbmw(s, &h1)))
		return WHY("FDP statistics log: %s", st_res_text(rc));
	if (h1 < h0 + n * s->i->lba_size)
		return WHY("%" PRIu64 " bytes written moved host bytes with "
			   "metadata written by %" PRIu64, n * s->i->lba_size,
			   h1 - h0);
	return PASSED("%" PRIu64 " bytes written moved host bytes with metadata "
		      "written by %" PRIu64, n * s->i->lba_size, h1 - h0);
}

/* -------------------------------------------------------- fabrics -- */

/* What the fabrics specification requires of an I/O controller's
 * Identify, and that it agrees with what the host connected to. */
enum st_res ck_fabrics_identify(struct st *s, char *why, size_t len)
{
	const struct nvme_id_ctrl *c = (const void *)s->id_ctrl;
	const char *tr = s->i->transport, *ctrl;
	char p[512], nqn[260] = "", snqn[sizeof(c->subnqn) + 1];
	uint64_t cntlid = 0;
	unsigned ioccsz = le32toh(c->ioccsz), iorcsz = le32toh(c->iorcsz),
		 kas = le16toh(c->kas), sgls = le32toh(c->sgls),
		 id_cntlid = le16toh(c->cntlid);

	if (!tr[0])
		return SKIPPED("the transport is unknown");
	if (!strcmp(tr, "pcie"))
		return SKIPPED("a PCIe controller: no fabric");
	/* 0 is "not reported" before NVMe 1.4 */
	if (c->cntrltype != 1 && c->cntrltype != 0)
		return WHY("controller type %u, not an I/O controller (1)",
			   c->cntrltype);
	if (ioccsz < 4)
		return WHY("IOCCSZ %u: an I/O command capsule must hold the 64-byte "
			   "command (4 units of 16 bytes)", ioccsz);
	if (iorcsz < 1)
		return WHY("IORCSZ %u: a response capsule must hold the 16-byte "
			   "completion", iorcsz);
	if (!(sgls & 3))
		return WHY("SGLS %#x: a fabrics controller must support SGLs", sgls);
	if (!kas)
		return WHY("KAS 0: a fabrics controller must support Keep Alive");
	memcpy(snqn, c->subnqn, sizeof(c->subnqn));
	snqn[sizeof(c->subnqn)] = 0;
	if (!snqn[0])
		return WHY("no NVM subsystem NQN in Identify");
	ctrl = strrchr(s->i->ctrl_path, '/');
	if (!ctrl)
		return SKIPPED("no controller device to compare with");
	snprintf(p, sizeof(p), "%s/class/nvme/%s/subsysnqn", cli_sysfs(), ctrl + 1);
	if (read_sysfs_str(p, nqn, sizeof(nqn)))
		return SKIPPED("%s unreadable", p);
	if (strcmp(nqn, snqn))
		return WHY("Identify's SUBNQN '%s' is not the NQN connected to, "
			   "'%s'", snqn, nqn);
	snprintf(p, sizeof(p), "%s/class/nvme/%s/cntlid", cli_sysfs(), ctrl + 1);
	if (!read_sysfs_u64(p, &cntlid) && cntlid != id_cntlid)
		return WHY("Identify's CNTLID %u, the host's %" PRIu64, id_cntlid,
			   cntlid);
	return PASSED("%s: an I/O controller, capsules of %u/%u bytes, SGLs, "
		      "keep alive %u00 ms, SUBNQN and CNTLID as connected", tr,
		      ioccsz * 16, iorcsz * 16, kas);
}
