/* SPDX-License-Identifier: MIT */
/*
 * selftest.h - what nvio selftest's checks share: the run's state, the
 * result macros and the helpers (cmd-selftest.c), and the command-set
 * checks (selftest-sets.c: metadata and PI, zoned, FDP, fabrics).
 */
#ifndef NVIO_TOOLS_SELFTEST_H
#define NVIO_TOOLS_SELFTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

enum st_res { ST_PASS, ST_FAIL, ST_SKIP };

struct st {
	struct cli *c;
	struct cli_dev d;
	const struct nvio_dev_info *i;
	uint32_t lb;            /* bytes per LBA in a data buffer */
	unsigned ctl;           /* ORed into the generic checks' data
				   commands: PRACT where the separate
				   metadata is only the PI, so that they
				   move none */
	bool md_sep;            /* metadata in a buffer of its own */
	uint64_t scr, scr_nlb;  /* the scratch range (zoned: one empty zone) */
	bool can_write;
	char no_write[400];     /* why not, when !can_write */
	uint8_t *saved;         /* the scratch range's data, to restore */
	uint8_t *saved_md;      /* and its separate metadata */
	bool zoned;             /* the scratch range is an empty zone, reset
				   at the end instead of saved */
	bool quick, longrun, destructive;
	uint64_t p99_bound;     /* latency.qd1: p99 at most this times p50 */
	uint64_t poll_bound;    /* latency.poll-irq: polled p50 at most this
				   times the interrupts' */
	uint8_t *a, *b;         /* two buffers of bufsz bytes */
	uint8_t *ma, *mb;       /* two separate-metadata buffers of mdsz */
	size_t bufsz, mdsz;
	uint8_t *id_ctrl, *id_ns;
	uint64_t seed;
};

struct st_check {
	const char *name;
	const char *what;
	bool writes;            /* needs the scratch range */
	bool zoned_ok;          /* writes only where a zoned namespace takes
				   them (else skipped on one) */
	enum st_res (*fn)(struct st *s, char *why, size_t len);
};

#define WHY(...) (snprintf(why, len, __VA_ARGS__), ST_FAIL)
#define SKIPPED(...) (snprintf(why, len, __VA_ARGS__), ST_SKIP)
#define PASSED(...) (snprintf(why, len, __VA_ARGS__), ST_PASS)

uint64_t st_rand(struct st *s);
/* Data no two LBAs share (each 8 bytes: the LBA, a tag, the offset). */
void st_fill(struct st *s, uint8_t *p, uint64_t slba, uint64_t nlb,
	     uint64_t tag);
/* An errno or NVMe status, as text. */
const char *st_res_text(int rc);
/* The first of nlb LBAs (s->lb bytes each) that differs, or -1. */
int64_t st_first_diff(const struct st *s, const uint8_t *x, const uint8_t *y,
		      uint64_t nlb);
uint64_t st_now_ns(void);

/* selftest-sets.c */
enum st_res ck_md_roundtrip(struct st *s, char *why, size_t len);
enum st_res ck_pi_generate(struct st *s, char *why, size_t len);
enum st_res ck_pi_check(struct st *s, char *why, size_t len);
enum st_res ck_zone_report(struct st *s, char *why, size_t len);
enum st_res ck_zone_wp(struct st *s, char *why, size_t len);
enum st_res ck_zone_append(struct st *s, char *why, size_t len);
enum st_res ck_zone_finish(struct st *s, char *why, size_t len);
enum st_res ck_zone_reset(struct st *s, char *why, size_t len);
enum st_res ck_fdp_status(struct st *s, char *why, size_t len);
enum st_res ck_fdp_placement(struct st *s, char *why, size_t len);
enum st_res ck_fdp_stats(struct st *s, char *why, size_t len);
enum st_res ck_fabrics_identify(struct st *s, char *why, size_t len);
/* The scratch zone of a zoned namespace: the last empty one, or the one
 * --scratch names (which must be empty). 0, or -errno / an NVMe status
 * with why saying what was wrong. */
int st_zone_scratch(struct st *s, bool given, char *why, size_t len);
/* Back to empty, if anything was written there. */
int st_zone_restore(struct st *s);
/* The scratch range read or written whole, with its separate metadata
 * (raw: no PI action or check), in commands of the maximum transfer. */
/* One command with the format's metadata: data nlb * (the LBA size, with
 * the metadata when it is interleaved, less the PI that PRACT strips),
 * md nlb * md_size bytes where it is separate. */
int st_md_io(struct st *s, uint8_t op, uint64_t slba, uint32_t nlb,
	     void *data, void *md, unsigned ctl, uint64_t reftag,
	     uint16_t apptag, uint16_t appmask);
int st_range_io(struct st *s, bool write, uint8_t *data, uint8_t *md);

#endif
