/* SPDX-License-Identifier: MIT */
/*
 * ab.c - `nvio lat`'s engine and the floor, alternated inside one
 * process: PAIRS pairs of short runs, one first in even pairs and the
 * other in odd ones, each on a queue or ring of its own made for the run.
 *
 *     ab [--qd N] [--pairs N] [--time S] [--warmup S] [--clock tsc]
 *        [--irq] /dev/ngXnY
 *
 * Under emulation on a shared host the speed of a whole run drifts by up
 * to 2x, in episodes seconds long; separate processes seconds apart do
 * not cancel that out well enough to read a few percent. Runs a fraction
 * of a second long, back to back in one process (the same address space,
 * the same translated code, the same clock calibration), do: each pair's
 * ratio is taken under nearly the same conditions. The engine is the
 * tool's own (lat_run, as `nvio lat` calls it); the floor is
 * bench/floor-core.c, as the floor program runs it.
 *
 * Prints one "RESULT tool=nvio|floor qd= iops= p50_ns= p99_ns= errors=
 * pair=" line per run, for bench/in-guest.sh's paired summary.
 */
#include <stdio.h>
#include <string.h>

#include <nvio.h>

#include "floor.h"
#include "lat-int.h"

static const char usage[] =
	"Usage: ab [--qd N] [--pairs N] [--time S] [--warmup S]\n"
	"          [--clock tsc|monotonic] [--irq] /dev/ngXnY\n"
	"--time is per run (default 0.25 s), --warmup before each (0.02 s)\n";

static void result(const char *tool, unsigned qd, double iops,
		   const struct lat_hist *h, uint64_t errors, unsigned pair)
{
	printf("RESULT tool=%s qd=%u iops=%.1f p50_ns=%llu p99_ns=%llu "
	       "errors=%llu pair=%u\n", tool, qd, iops,
	       (unsigned long long)lat_hist_percentile(h, 50),
	       (unsigned long long)lat_hist_percentile(h, 99),
	       (unsigned long long)errors, pair);
}

static int run_nvio(struct nvio_dev *dev, const struct lat_opts *lo,
		    const struct lat_clock *clk, unsigned pair)
{
	struct lat_result r;
	int rc = lat_run(dev, lo, clk, &r);

	if (rc || r.sys_err) {
		fprintf(stderr, "ab: nvio: %s: %s\n", r.sys_what,
			nvio_strerror(rc ? rc : r.sys_err));
		lat_result_free_hist(&r);
		return 3;
	}
	result("nvio", lo->qd, r.iops, r.hist, r.errs.total, pair);
	lat_result_free_hist(&r);
	return 0;
}

static int run_floor(const struct bench_opts *o, const struct lat_clock *clk,
		     unsigned pair)
{
	struct floor f;
	const char *what;
	int rc = floor_open(&f, o, clk, &what);
	double s;

	if (!rc) {
		what = "a read";
		rc = floor_run(&f, 0, o->time_s, o->warmup_s);
	}
	if (rc) {
		fprintf(stderr, "ab: floor: %s: %s\n", what, strerror(-rc));
		floor_close(&f);
		return 3;
	}
	s = (double)lat_clock_ns(clk, f.w_end - f.w_start) / 1e9;
	result("floor", o->qd, s > 0 ? (double)f.ios / s : 0, f.h, f.errors,
	       pair);
	floor_close(&f);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct lat_opts lo;
	struct lat_clock clk;
	struct nvio_dev *dev;
	int rc;

	bench_parse(argc, argv, &o, usage);
	if (o.count) {
		fprintf(stderr, "ab: runs are timed (--time), not counted\n%s",
			usage);
		return 2;
	}
	if (!o.time_set)
		o.time_s = 0.25;
	if (!o.warmup_set)
		o.warmup_s = 0.02;
	lat_opts_default(&lo);
	lo.dev = o.dev;
	lo.qd = o.qd;
	lo.bs = o.bs;
	lo.time_s = o.time_s;
	lo.warmup_s = o.warmup_s;
	lo.mode = o.irq ? LAT_MODE_IRQ : LAT_MODE_POLL;
	lo.clock = o.clock;
	rc = lat_prepare("ab", &lo, false, &dev, &clk);
	if (rc)
		return rc;
	for (unsigned i = 0; i < o.pairs && !rc; i++) {
		if (i % 2 == 0)
			rc = run_nvio(dev, &lo, &clk, i) ?:
			     run_floor(&o, &clk, i);
		else
			rc = run_floor(&o, &clk, i) ?:
			     run_nvio(dev, &lo, &clk, i);
		fflush(stdout);
	}
	nvio_dev_close(dev);
	return rc;
}
