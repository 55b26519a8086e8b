/* SPDX-License-Identifier: MIT */
/*
 * common.h - what the benchmark programs share: options, the device's
 * geometry from sysfs (they do not use libnvio) and the result line
 * run-bench parses. They time with the latency probe's clock and
 * histogram, and draw LBAs from its random stream (tools/lat), so that
 * every tool pays the same measuring cost.
 */
#ifndef NVIO_BENCH_COMMON_H
#define NVIO_BENCH_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "hist.h"
#include "rand.h"

struct bench_opts {
	const char *dev;
	unsigned qd;
	unsigned workers;     /* threadpool: worker threads, 0 = qd */
	uint64_t count;       /* measured commands; 0 = by time */
	double time_s;
	double warmup_s;
	bool irq;             /* floor: no IOPOLL */
	/* floor: after submitting, return to user space after one pass
	 * (io_uring_submit_and_get_events) instead of waiting in the
	 * kernel for a completion (--spin) */
	bool spin;
	enum lat_clock_src clock;
	uint32_t bs;
	unsigned ring_flags;  /* floor: extra IORING_SETUP_* (--ring-flags) */
	unsigned pairs;       /* ab: pairs of runs (--pairs, default 40) */
	const char *variants; /* ab: what each pair runs (--variants) */
	bool time_set, warmup_set; /* given on the command line */
};

/* Parses --qd --count --time --warmup --clock --irq --spin --workers
 * --bs --ring-flags --pairs --variants and one DEV; exits 2 with `usage` on a bad command
 * line. */
void bench_parse(int argc, char **argv, struct bench_opts *o,
		 const char *usage);
/* LBA size and capacity (in LBAs) of DEV (/dev/ngXnY or /dev/nvmeXnY),
 * and its block device name, from sysfs. Exits 3 on failure. */
void bench_geometry(const char *dev, uint32_t *lba_size, uint64_t *nsze,
		    char *block, size_t len);
/* The clock, or exit 3. */
void bench_clock(struct lat_clock *c, enum lat_clock_src src);

/* Prints the human line and "RESULT tool=... qd=... iops=... p50_ns=...
 * p99_ns=... errors=..." on stdout. */
void bench_report(const char *tool, const struct bench_opts *o,
		  const struct lat_clock *c, const struct lat_hist *h,
		  uint64_t ios, uint64_t ticks, uint64_t errors);

#endif
