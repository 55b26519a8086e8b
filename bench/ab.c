/* SPDX-License-Identifier: MIT */
/*
 * ab.c - `nvio lat`'s engine and the floor, alternated inside one
 * process: PAIRS rounds of short runs of each variant, in an order that
 * rotates from round to round, each on a queue or ring of its own made
 * for the run.
 *
 *     ab [--qd N] [--pairs N] [--time S] [--warmup S] [--clock tsc]
 *        [--irq] [--variants LIST] /dev/ngXnY
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
 * --variants (default nvio,floor), any of:
 *   nvio         nvio lat as it runs by default (the library's wait)
 *   nvio-kernel  --wait kernel: the reap waits in io_uring_enter
 *   nvio-spin    --wait spin: nonblocking polls from user space
 *   nvio-hybrid  --wait hybrid: IORING_SETUP_HYBRID_IOPOLL (6.15+; a
 *                kernel without it drops the variant, saying so)
 *   nvio-sqpoll  --mode sqpoll: a kernel thread submits and polls, the
 *                reap spins on the completion ring
 *   floor        the floor waiting in the kernel (submit_and_wait(1))
 *   floor-spin   the floor polling once per call (submit_and_get_events)
 *
 * Prints one "RESULT tool= qd= iops= p50_ns= p99_ns= errors= cpu_ns=
 * pair=" line per run (cpu_ns: the thread's user and system time per
 * read), for bench/in-guest.sh's and bench/waits.sh's paired summaries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nvio.h>

#include "floor.h"
#include "lat-int.h"

static const char usage[] =
	"Usage: ab [--qd N] [--pairs N] [--time S] [--warmup S]\n"
	"          [--clock tsc|monotonic] [--irq] [--variants LIST] /dev/ngXnY\n"
	"--time is per run (default 0.25 s), --warmup before each (0.02 s)\n"
	"LIST: nvio, nvio-kernel, nvio-spin, nvio-hybrid, nvio-sqpoll, floor,\n"
	"floor-spin (default nvio,floor)\n";

#define MAX_VARIANTS 8

struct variant {
	const char *name;
	bool floor;
	bool spin;              /* floor: --spin */
	enum lat_wait wait;     /* nvio */
	enum lat_mode mode;     /* nvio; LAT_MODE_AUTO: as the run's */
	bool dropped;           /* failed as unsupported: not run again */
};

static const struct variant known[] = {
	{ "nvio", false, false, LAT_WAIT_DEFAULT, LAT_MODE_AUTO, false },
	{ "nvio-kernel", false, false, LAT_WAIT_KERNEL, LAT_MODE_AUTO, false },
	{ "nvio-spin", false, false, LAT_WAIT_SPIN, LAT_MODE_AUTO, false },
	{ "nvio-hybrid", false, false, LAT_WAIT_HYBRID, LAT_MODE_AUTO, false },
	{ "nvio-sqpoll", false, false, LAT_WAIT_DEFAULT, LAT_MODE_SQPOLL, false },
	{ "floor", true, false, LAT_WAIT_DEFAULT, LAT_MODE_AUTO, false },
	{ "floor-spin", true, true, LAT_WAIT_DEFAULT, LAT_MODE_AUTO, false },
};

static unsigned parse_variants(const char *list, struct variant *v)
{
	char buf[256], *save = NULL;
	unsigned n = 0;

	if (strlen(list) >= sizeof(buf)) {
		fprintf(stderr, "ab: --variants: too long\n%s", usage);
		exit(2);
	}
	strcpy(buf, list);
	for (char *w = strtok_r(buf, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		size_t k = 0;

		while (k < sizeof(known) / sizeof(known[0]) &&
		       strcmp(known[k].name, w))
			k++;
		if (k == sizeof(known) / sizeof(known[0]) || n == MAX_VARIANTS) {
			fprintf(stderr, "ab: --variants: '%s' %s\n%s", w,
				n == MAX_VARIANTS ? "is one too many"
						  : "is not a variant", usage);
			exit(2);
		}
		v[n++] = known[k];
	}
	if (!n) {
		fprintf(stderr, "ab: --variants: empty\n%s", usage);
		exit(2);
	}
	return n;
}

/* lat_thread_cpu in seconds */
static double thread_cpu_s(void)
{
	uint64_t user, sys;

	lat_thread_cpu(&user, &sys);
	return (double)(user + sys) / 1e9;
}

static double wall_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void result(const char *tool, unsigned qd, double iops,
		   const struct lat_hist *h, uint64_t errors, double cpu_ns,
		   unsigned pair)
{
	printf("RESULT tool=%s qd=%u iops=%.1f p50_ns=%llu p99_ns=%llu "
	       "errors=%llu cpu_ns=%.0f pair=%u\n", tool, qd, iops,
	       (unsigned long long)lat_hist_percentile(h, 50),
	       (unsigned long long)lat_hist_percentile(h, 99),
	       (unsigned long long)errors, cpu_ns, pair);
}

/* 0, 3 on failure; a variant the kernel cannot run is dropped (0). */
static int run_nvio(struct nvio_dev *dev, const struct lat_opts *base,
		    const struct lat_clock *clk, struct variant *v,
		    unsigned pair)
{
	struct lat_opts lo = *base;
	struct lat_result r;
	int rc;

	lo.wait = v->wait;
	if (v->mode != LAT_MODE_AUTO)
		lo.mode = v->mode;
	rc = lat_run(dev, &lo, clk, &r);
	if (rc || r.sys_err) {
		int e = rc ? rc : r.sys_err;

		fprintf(stderr, "ab: %s: %s: %s%s\n", v->name, r.sys_what,
			nvio_strerror(e),
			e == -EOPNOTSUPP ? " (dropped from this run)" : "");
		lat_result_free_hist(&r);
		if (e == -EOPNOTSUPP) {
			v->dropped = true;
			return 0;
		}
		return 3;
	}
	result(v->name, lo.qd, r.iops, r.hist, r.errs.total,
	       r.ios ? (r.cpu_user_s + r.cpu_sys_s) * 1e9 / (double)r.ios : 0,
	       pair);
	lat_result_free_hist(&r);
	return 0;
}

static int run_floor(const struct bench_opts *base, const struct lat_clock *clk,
		     const struct variant *v, unsigned pair)
{
	struct bench_opts o = *base;
	struct floor f;
	const char *what;
	double s, c0, w0, busy = 0, iops;
	int rc;

	o.spin = v->spin;
	rc = floor_open(&f, &o, clk, &what);
	if (!rc) {
		what = "a read";
		c0 = thread_cpu_s();
		w0 = wall_s();
		rc = floor_run(&f, 0, o.time_s, o.warmup_s);
		/* the share of the run the thread was on the CPU, warm-up
		 * included, over the measured reads' rate */
		if (wall_s() > w0)
			busy = (thread_cpu_s() - c0) / (wall_s() - w0);
	}
	if (rc) {
		fprintf(stderr, "ab: %s: %s: %s\n", v->name, what, strerror(-rc));
		floor_close(&f);
		return 3;
	}
	s = (double)lat_clock_ns(clk, f.w_end - f.w_start) / 1e9;
	iops = s > 0 ? (double)f.ios / s : 0;
	result(v->name, o.qd, iops, f.h, f.errors, iops > 0 ? busy * 1e9 / iops : 0,
	       pair);
	floor_close(&f);
	return 0;
}

int main(int argc, char **argv)
{
	struct variant v[MAX_VARIANTS];
	struct bench_opts o;
	struct lat_opts lo;
	struct lat_clock clk;
	struct nvio_dev *dev;
	unsigned nv;
	int rc = 0;

	bench_parse(argc, argv, &o, usage);
	nv = parse_variants(o.variants ? o.variants : "nvio,floor", v);
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
	/* Round i starts with variant i % nv: each runs first, second, ...
	 * equally often over nv rounds. */
	for (unsigned i = 0; i < o.pairs && !rc; i++) {
		for (unsigned k = 0; k < nv && !rc; k++) {
			struct variant *x = &v[(i + k) % nv];

			if (x->dropped)
				continue;
			rc = x->floor ? run_floor(&o, &clk, x, i)
				      : run_nvio(dev, &lo, &clk, x, i);
		}
		fflush(stdout);
	}
	nvio_dev_close(dev);
	return rc;
}
