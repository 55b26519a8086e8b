/* SPDX-License-Identifier: MIT */
/*
 * floor.h - the floor's ring and loop (bench/floor-core.c), shared by the
 * floor program and by bench/ab, which alternates it with `nvio lat`'s
 * engine inside one process.
 */
#ifndef NVIO_BENCH_FLOOR_H
#define NVIO_BENCH_FLOOR_H

#include <liburing.h>

#include "common.h"

struct floor {
	struct io_uring ring;
	char *bufs;
	size_t bufs_len;
	uint32_t bs, nlb, nsid;
	uint64_t blocks, rng;
	uint64_t *t;          /* issue time per slot */
	uint8_t *measured;    /* per slot */
	uint64_t t_measure, t_end, budget, measured_n;
	struct lat_hist *h;
	uint64_t ios, errors, w_start, w_end;
	unsigned qd, inflight;
	int fd;
	bool ring_up;
	bool spin;            /* one polling pass a call, not a wait */
	const struct lat_clock *clk;
};

/* Opens o->dev, sets up the ring (SQE128|CQE32, IOPOLL unless o->irq,
 * o->ring_flags; waiting as o->spin says), registers the device as file 0 and one buffer per slot.
 * 0, or -errno with *what naming the step that failed. */
int floor_open(struct floor *f, const struct bench_opts *o,
	       const struct lat_clock *clk, const char **what);
/* One measured run: warmup_s not measured, then `count` reads or time_s
 * seconds; f->ios, f->errors, f->w_start/w_end and f->h hold the result.
 * 0 or -errno (a command that completed with one). */
int floor_run(struct floor *f, uint64_t count, double time_s,
	      double warmup_s);
void floor_close(struct floor *f);

#endif
