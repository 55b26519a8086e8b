/* SPDX-License-Identifier: MIT */
/*
 * floor.c - the floor program: the hand-written liburing loop of
 * bench/floor-core.c, run once and reported.
 *
 *     floor [--qd N] [--count N | --time S] [--warmup S] [--clock tsc]
 *           [--irq] [--spin] [--ring-flags LIST] /dev/ngXnY
 *
 * --spin: submit and poll once per system call, coming back to user
 * space, instead of waiting in the kernel for a completion.
 * --ring-flags adds setup flags (single_issuer, defer_taskrun,
 * coop_taskrun) for experiments: libnvio sets the first two.
 */
#include <stdio.h>
#include <string.h>

#include "floor.h"

static const char usage[] =
	"Usage: floor [--qd N] [--count N | --time S] [--warmup S]\n"
	"             [--clock tsc|monotonic] [--irq] [--spin] [--bs BYTES]\n"
	"             [--ring-flags single_issuer,defer_taskrun,coop_taskrun]\n"
	"             /dev/ngXnY\n";

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct lat_clock clk;
	struct floor f;
	const char *what;
	int rc;

	bench_parse(argc, argv, &o, usage);
	bench_clock(&clk, o.clock);
	rc = floor_open(&f, &o, &clk, &what);
	if (rc) {
		fprintf(stderr, "floor: %s: %s\n", what, strerror(-rc));
		floor_close(&f);
		return 3;
	}
	rc = floor_run(&f, o.count, o.time_s, o.warmup_s);
	if (rc) {
		fprintf(stderr, "floor: a read completed with %s\n", strerror(-rc));
		floor_close(&f);
		return 3;
	}
	bench_report("floor", &o, &clk, f.h, f.ios, f.w_end - f.w_start,
		     f.errors);
	rc = f.errors ? 1 : 0;
	floor_close(&f);
	return rc;
}
