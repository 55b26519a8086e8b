/* SPDX-License-Identifier: MIT */
/*
 * clock.h - the timestamp source of the latency probe: the TSC where it is
 * invariant (constant rate, running in every C-state), calibrated against
 * CLOCK_MONOTONIC, otherwise clock_gettime(CLOCK_MONOTONIC). Timestamps are
 * in ticks; lat_clock_ns() turns a difference into nanoseconds with one
 * multiplication. The rate scheduler of open-loop runs lives here too.
 */
#ifndef NVIO_LAT_CLOCK_H
#define NVIO_LAT_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum lat_clock_src {
	LAT_CLOCK_AUTO,
	LAT_CLOCK_TSC,
	LAT_CLOCK_MONOTONIC,
};

struct lat_clock {
	bool tsc;            /* ticks are TSC cycles, else nanoseconds */
	bool tsc_invariant;  /* what the CPU says, whichever source is used */
	uint64_t hz;         /* ticks per second */
	uint64_t mult;       /* ns = ticks * mult >> 32 */
	double read_ns;      /* cost of one lat_clock_now(), measured */
	const char *name;    /* "tsc" or "monotonic" */
	const char *why;     /* why this source was chosen */
};

/* Chooses and calibrates the clock (about 20 ms): the TSC when asked for
 * or, by default, when it is invariant. -ENOTSUP if the TSC was asked for
 * and this is not an x86 CPU. */
int lat_clock_init(struct lat_clock *c, enum lat_clock_src src);

/* Does the CPU say its TSC is invariant (cpuid 0x80000007 EDX bit 8, or
 * constant_tsc and nonstop_tsc in /proc/cpuinfo)? */
bool lat_tsc_invariant(void);

static inline uint64_t lat_rdtsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
#else
	return 0;
#endif
}

static inline uint64_t lat_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t lat_clock_now(const struct lat_clock *c)
{
	return c->tsc ? lat_rdtsc() : lat_mono_ns();
}

static inline uint64_t lat_clock_ns(const struct lat_clock *c, uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * c->mult) >> 32);
}

static inline uint64_t lat_clock_ticks(const struct lat_clock *c, double s)
{
	return (uint64_t)(s * (double)c->hz + 0.5);
}

/* ------------------------------------------------------------------ */
/* Open loop: command k of a thread is due at
 *     start + phase + k * period,  period = hz * threads / rate,
 * computed exactly (no accumulated rounding), and threads are offset by a
 * fraction of a period so that together they issue `rate` commands per
 * second at even spacing. A command's latency is counted from the time it
 * was due, so a stall that delays later commands shows in their latency
 * instead of being hidden by the loop waiting (coordinated omission). */
struct lat_sched {
	uint64_t start;  /* ticks */
	uint64_t num;    /* hz * threads */
	uint64_t den;    /* rate, commands per second over all threads */
	uint64_t phase;  /* ticks: this thread's offset */
};

static inline void lat_sched_init(struct lat_sched *s, uint64_t start,
				  uint64_t hz, uint64_t rate, unsigned threads,
				  unsigned thread)
{
	s->start = start;
	s->num = hz * threads;
	s->den = rate;
	s->phase = (uint64_t)((unsigned __int128)hz * thread / rate);
}

static inline uint64_t lat_sched_due(const struct lat_sched *s, uint64_t k)
{
	return s->start + s->phase +
	       (uint64_t)((unsigned __int128)k * s->num / s->den);
}

/* How many commands fall due before tick t: the k with due(k) < t, that
 * is floor(k * num / den) < d, that is k < d * den / num. */
static inline uint64_t lat_sched_count_before(const struct lat_sched *s,
					      uint64_t t)
{
	uint64_t d;

	if (t <= s->start + s->phase)
		return 0;
	d = t - s->start - s->phase;
	return (uint64_t)(((unsigned __int128)d * s->den + s->num - 1) /
			  s->num);
}

#endif
