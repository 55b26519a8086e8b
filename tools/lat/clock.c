/* SPDX-License-Identifier: MIT */
/*
 * clock.c - choosing the timestamp source and measuring it: the TSC's rate
 * against CLOCK_MONOTONIC, and what one reading costs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "clock.h"

static bool cpuinfo_flags(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool constant = false, nonstop = false;

	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5))
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	free(line);
	fclose(f);
	return constant && nonstop;
}

bool lat_tsc_invariant(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000007 &&
	    __get_cpuid(0x80000007, &a, &b, &c, &d) && (d & (1u << 8)))
		return true;
	return cpuinfo_flags();
#else
	return false;
#endif
}

/* The TSC rate from two (TSC, CLOCK_MONOTONIC) pairs ~20 ms apart. Each
 * pair is the one with the shortest TSC bracket around the clock_gettime,
 * so a preemption between the two reads does not skew it. */
static void tsc_pair(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 16; i++) {
		uint64_t a = lat_rdtsc(), t = lat_mono_ns(), b = lat_rdtsc();

		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*ns = t;
		}
	}
}

static void set_rate(struct lat_clock *c, uint64_t hz)
{
	c->hz = hz;
	c->mult = (uint64_t)(((unsigned __int128)1000000000ull << 32) / hz);
}

static double read_cost(const struct lat_clock *c)
{
	enum { N = 20000 };
	uint64_t t0 = lat_mono_ns(), sink = 0;

	for (int i = 0; i < N; i++)
		sink += lat_clock_now(c);
	__asm__ __volatile__("" : : "r"(sink));
	return (double)(lat_mono_ns() - t0) / N;
}

int lat_clock_init(struct lat_clock *c, enum lat_clock_src src)
{
	memset(c, 0, sizeof(*c));
	c->tsc_invariant = lat_tsc_invariant();
#if !(defined(__x86_64__) || defined(__i386__))
	if (src == LAT_CLOCK_TSC)
		return -ENOTSUP;
	src = LAT_CLOCK_MONOTONIC;
#endif
	/* An explicit --clock tsc is honoured even when the CPU does not
	 * promise an invariant TSC (emulators and some hypervisors run it
	 * at a constant rate without saying so); the result says so. */
	if (src == LAT_CLOCK_MONOTONIC ||
	    (src == LAT_CLOCK_AUTO && !c->tsc_invariant)) {
		c->tsc = false;
		c->name = "monotonic";
		c->why = src == LAT_CLOCK_MONOTONIC
				 ? "asked for"
				 : "the TSC is not invariant";
		set_rate(c, 1000000000ull);
	} else {
		uint64_t t0, n0, t1, n1;

		tsc_pair(&t0, &n0);
		do
			tsc_pair(&t1, &n1);
		while (n1 - n0 < 20000000ull);
		if (t1 <= t0) {
			/* A TSC that does not advance is no clock. */
			c->tsc = false;
			c->name = "monotonic";
			c->why = "the TSC does not advance";
			set_rate(c, 1000000000ull);
		} else {
			c->tsc = true;
			c->name = "tsc";
			c->why = c->tsc_invariant
					 ? "invariant TSC, calibrated against "
					   "CLOCK_MONOTONIC"
					 : "TSC as asked, NOT promised invariant "
					   "by the CPU; calibrated against "
					   "CLOCK_MONOTONIC";
			set_rate(c, (uint64_t)((unsigned __int128)(t1 - t0) *
					       1000000000ull / (n1 - n0)));
		}
	}
	/* The first pass warms caches (and an emulator's translation). */
	read_cost(c);
	c->read_ns = read_cost(c);
	return 0;
}
