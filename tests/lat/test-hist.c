/* SPDX-License-Identifier: MIT */
/*
 * test-hist.c - the histogram (bucket error bound, clamping, merge,
 * percentiles on known distributions, mean and stddev), the clock's
 * conversions and the open-loop rate schedule.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latcheck.h"
#include "hist.h"
#include "clock.h"

static struct lat_hist *new_hist(void)
{
	struct lat_hist *h = malloc(sizeof(*h));

	ck_assert_ptr_nonnull(h);
	lat_hist_init(h);
	return h;
}

static double rel(double a, double b) { return fabs(a - b) / b; }

/* Every bucket of the range: contiguous, its bounds map back to it, and
 * its representative is within 1% of every value it holds (checked at the
 * bounds, where the error is largest). */
START_TEST(bucket_bounds)
{
	unsigned first = lat_hist_first_bucket(), last = lat_hist_last_bucket();
	double worst = 0;

	ck_assert_uint_eq(first, lat_hist_index(LAT_HIST_LO));
	ck_assert_uint_eq(last, LAT_HIST_NBUCKETS - 1);
	ck_assert_uint_le(lat_hist_bucket_lo(first), LAT_HIST_LO);
	ck_assert_uint_ge(lat_hist_bucket_hi(last), LAT_HIST_HI);
	for (unsigned i = first; i <= last; i++) {
		uint64_t lo = lat_hist_bucket_lo(i), hi = lat_hist_bucket_hi(i);
		uint64_t v = lat_hist_bucket_value(i);
		double e;

		ck_assert_uint_le(lo, v);
		ck_assert_uint_le(v, hi);
		ck_assert_uint_eq(lat_hist_index(lo), i);
		ck_assert_uint_eq(lat_hist_index(hi), i);
		if (i > first)
			ck_assert_uint_eq(lat_hist_bucket_hi(i - 1) + 1, lo);
		e = fmax(rel((double)v, (double)lo), rel((double)v, (double)hi));
		if (e > worst)
			worst = e;
	}
	ck_assert_msg(worst <= 0.01, "worst bucket error %.5f", worst);
	/* The design gives 1/256. */
	ck_assert_msg(worst <= 1.0 / 256 + 1e-12, "worst %.6f", worst);
}
END_TEST

/* Every value at and around powers of two, decades, and a million
 * log-uniform random values from 100 ns to 10 s. */
START_TEST(value_error)
{
	uint64_t s = 88172645463325252ull;

	for (unsigned b = 7; b < 34; b++) {
		for (int d = -2; d <= 2; d++) {
			uint64_t v = (1ull << b) + (uint64_t)(int64_t)d;

			if (v < LAT_HIST_LO || v > LAT_HIST_HI)
				continue;
			ck_assert(rel((double)lat_hist_bucket_value(
					      lat_hist_index(v)),
				      (double)v) <= 0.01);
		}
	}
	for (uint64_t v = LAT_HIST_LO; v <= LAT_HIST_HI; v *= 10)
		ck_assert(rel((double)lat_hist_bucket_value(lat_hist_index(v)),
			      (double)v) <= 0.01);
	for (uint64_t v = LAT_HIST_LO; v < 100000; v++)
		ck_assert(rel((double)lat_hist_bucket_value(lat_hist_index(v)),
			      (double)v) <= 0.01);
	for (int i = 0; i < 1000000; i++) {
		double u;
		uint64_t v;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		u = (double)(s >> 11) / 9007199254740992.0;
		v = (uint64_t)exp(log(100.0) + u * (log(1e10) - log(100.0)));
		if (v < LAT_HIST_LO)
			v = LAT_HIST_LO;
		if (v > LAT_HIST_HI)
			v = LAT_HIST_HI;
		ck_assert_msg(rel((double)lat_hist_bucket_value(lat_hist_index(v)),
				  (double)v) <= 0.01, "v=%llu",
			      (unsigned long long)v);
	}
}
END_TEST

START_TEST(clamp)
{
	struct lat_hist *h = new_hist();

	lat_hist_record(h, 5);
	lat_hist_record(h, 99);
	lat_hist_record(h, 100);
	lat_hist_record(h, 20000000000ull);
	lat_hist_record(h, LAT_HIST_HI);
	ck_assert_uint_eq(h->n, 5);
	ck_assert_uint_eq(h->under, 2);
	ck_assert_uint_eq(h->over, 1);
	ck_assert_uint_eq(h->counts[lat_hist_first_bucket()], 3);
	ck_assert_uint_eq(h->counts[lat_hist_last_bucket()], 2);
	/* min and max are the true values. */
	ck_assert_uint_eq(h->min, 5);
	ck_assert_uint_eq(h->max, 20000000000ull);
	ck_assert_uint_eq(lat_hist_percentile(h, 0), 5);
	ck_assert_uint_eq(lat_hist_percentile(h, 100), 20000000000ull);
	/* p20 is the first bucket: its representative, within [min, max]. */
	ck_assert_uint_eq(lat_hist_percentile(h, 20),
			  lat_hist_bucket_value(lat_hist_first_bucket()));
	free(h);
}
END_TEST

START_TEST(merge)
{
	struct lat_hist *a = new_hist(), *b = new_hist(), *all = new_hist();
	uint64_t s = 1;

	for (int i = 0; i < 100000; i++) {
		uint64_t v;

		s = s * 6364136223846793005ull + 1442695040888963407ull;
		v = 100 + (s >> 40);
		lat_hist_record(i & 1 ? a : b, v);
		lat_hist_record(all, v);
	}
	lat_hist_record(a, 7);          /* under, only in a */
	lat_hist_record(all, 7);
	lat_hist_merge(a, b);
	ck_assert_uint_eq(a->n, all->n);
	ck_assert_uint_eq(a->under, all->under);
	ck_assert_uint_eq(a->over, all->over);
	ck_assert_uint_eq(a->min, all->min);
	ck_assert_uint_eq(a->max, all->max);
	ck_assert_uint_eq(a->sum, all->sum);
	ck_assert(a->sumsq == all->sumsq);
	ck_assert_mem_eq(a->counts, all->counts, sizeof(a->counts));
	/* Merging an empty histogram changes nothing. */
	lat_hist_init(b);
	lat_hist_merge(a, b);
	ck_assert_uint_eq(a->min, all->min);
	ck_assert_uint_eq(a->n, all->n);
	free(a);
	free(b);
	free(all);
}
END_TEST

START_TEST(uniform)
{
	struct lat_hist *h = new_hist();
	const double p[] = { 1, 10, 50, 90, 99, 99.9, 99.99 };

	/* 1 us .. 100 ms in steps of 1 us: the p-th percentile is p% of
	 * 100 ms. */
	for (uint64_t k = 1; k <= 100000; k++)
		lat_hist_record(h, k * 1000);
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		double want = p[i] / 100 * 1e8;
		double got = (double)lat_hist_percentile(h, p[i]);

		ck_assert_msg(rel(got, want) <= 0.01, "p%g: %g, want %g", p[i],
			      got, want);
	}
	ck_assert(rel(lat_hist_mean(h), 50000500.0) < 1e-9);
	/* Stddev of a discrete uniform 1..N (times 1000). */
	ck_assert(rel(lat_hist_stddev(h), 1000 * sqrt((1e10 - 1) / 12)) < 1e-6);
	free(h);
}
END_TEST

START_TEST(exponential)
{
	struct lat_hist *h = new_hist();
	const double mean = 100000, p[] = { 50, 90, 99, 99.9 };
	const int n = 200000;

	/* Quantiles of the exponential distribution, one per rank. */
	for (int i = 0; i < n; i++)
		lat_hist_record(h, (uint64_t)(-mean * log(1 - (i + 0.5) / n)));
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		double want = -mean * log(1 - p[i] / 100);
		double got = (double)lat_hist_percentile(h, p[i]);

		ck_assert_msg(rel(got, want) <= 0.01, "p%g: %g, want %g", p[i],
			      got, want);
	}
	ck_assert(rel(lat_hist_mean(h), mean) < 0.01);
	ck_assert(rel(lat_hist_stddev(h), mean) < 0.02);
	free(h);
}
END_TEST

START_TEST(constant)
{
	struct lat_hist *h = new_hist();
	const double p[] = { 0, 50, 90, 99, 99.9, 99.99, 100 };

	for (int i = 0; i < 12345; i++)
		lat_hist_record(h, 12345);
	/* Kept within [min, max], so exact. */
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		ck_assert_uint_eq(lat_hist_percentile(h, p[i]), 12345);
	ck_assert(lat_hist_mean(h) == 12345.0);
	ck_assert(lat_hist_stddev(h) == 0.0);
	free(h);
}
END_TEST

START_TEST(small_and_empty)
{
	struct lat_hist *h = new_hist();

	ck_assert_uint_eq(lat_hist_percentile(h, 50), 0);
	ck_assert(lat_hist_mean(h) == 0 && lat_hist_stddev(h) == 0);
	lat_hist_record(h, 1000);
	lat_hist_record(h, 3000);
	ck_assert(lat_hist_mean(h) == 2000.0);
	ck_assert(fabs(lat_hist_stddev(h) - 1000.0) < 1e-6);
	/* Ranks: p50 of two values is the first, p50.1 the second. */
	ck_assert(rel((double)lat_hist_percentile(h, 50), 1000) <= 0.01);
	ck_assert(rel((double)lat_hist_percentile(h, 50.1), 3000) <= 0.01);
	free(h);
	/* p99.9 of 1000 values is the 999th, not the 1000th (rounding). */
	h = new_hist();
	for (uint64_t v = 1; v <= 1000; v++)
		lat_hist_record(h, v * 1000);
	ck_assert(rel((double)lat_hist_percentile(h, 99.9), 999000) <= 0.01);
	ck_assert_uint_lt(lat_hist_percentile(h, 99.9), 1000000);
	free(h);
}
END_TEST

START_TEST(bars)
{
	struct lat_hist *h = new_hist();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (int i = 0; i < 1000; i++)
		lat_hist_record(h, 50000 + (uint64_t)i * 10);
	lat_hist_record(h, 900000);
	lat_hist_print_bars(h, f, 10, 20);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "####################"));
	ck_assert_ptr_nonnull(strstr(buf, "50.0 "));
	free(buf);
	free(h);
}
END_TEST

START_TEST(clock_monotonic)
{
	struct lat_clock c;

	ck_assert_int_eq(lat_clock_init(&c, LAT_CLOCK_MONOTONIC), 0);
	ck_assert(!c.tsc);
	ck_assert_uint_eq(c.hz, 1000000000ull);
	ck_assert_uint_eq(lat_clock_ns(&c, 0), 0);
	ck_assert_uint_eq(lat_clock_ns(&c, 1), 1);
	ck_assert_uint_eq(lat_clock_ns(&c, 123456789012ull), 123456789012ull);
	ck_assert_uint_eq(lat_clock_ticks(&c, 1.5), 1500000000ull);
	ck_assert(c.read_ns > 0);
}
END_TEST

START_TEST(clock_tsc)
{
	struct lat_clock c;
	struct timespec ts = { 0, 20000000 };
	uint64_t t0, t1, ns;

	if (!lat_tsc_invariant()) {
		fprintf(stderr, "note: no invariant TSC, TSC test skipped\n");
		return;
	}
	ck_assert_int_eq(lat_clock_init(&c, LAT_CLOCK_AUTO), 0);
	ck_assert(c.tsc);
	ck_assert(c.hz > 100000000ull && c.hz < 100000000000ull);
	t0 = lat_clock_now(&c);
	nanosleep(&ts, NULL);
	t1 = lat_clock_now(&c);
	ns = lat_clock_ns(&c, t1 - t0);
	ck_assert_msg(ns >= 19000000 && ns < 200000000, "20 ms slept: %llu ns",
		      (unsigned long long)ns);
	/* One second of ticks is one second. */
	ck_assert(llabs((long long)lat_clock_ns(&c, c.hz) - 1000000000ll) < 10);
}
END_TEST

START_TEST(sched_one_thread)
{
	struct lat_sched s;

	/* 3 per second on a 1 GHz clock: exact times, no drift. */
	lat_sched_init(&s, 1000, 1000000000ull, 3, 1, 0);
	ck_assert_uint_eq(lat_sched_due(&s, 0), 1000);
	ck_assert_uint_eq(lat_sched_due(&s, 1), 1000 + 333333333);
	ck_assert_uint_eq(lat_sched_due(&s, 2), 1000 + 666666666);
	ck_assert_uint_eq(lat_sched_due(&s, 3), 1000 + 1000000000);
	ck_assert_uint_eq(lat_sched_due(&s, 3000000000ull),
			  1000 + 1000000000ull * 1000000000ull);
	/* A 3 GHz clock at 1M IOPS: 3000 ticks apart. */
	lat_sched_init(&s, 0, 3000000000ull, 1000000, 1, 0);
	for (uint64_t k = 0; k < 1000; k++)
		ck_assert_uint_eq(lat_sched_due(&s, k), k * 3000);
}
END_TEST

START_TEST(sched_threads)
{
	struct lat_sched s[4];
	uint64_t t[400];
	unsigned n = 0;

	/* 4 threads sharing 1000 IOPS: together one command every ms,
	 * interleaved. */
	for (unsigned i = 0; i < 4; i++)
		lat_sched_init(&s[i], 0, 1000000000ull, 1000, 4, i);
	for (unsigned i = 0; i < 4; i++)
		for (uint64_t k = 0; k < 100; k++)
			t[n++] = lat_sched_due(&s[i], k);
	for (unsigned i = 0; i < 4; i++)
		for (uint64_t k = 0; k < 100; k++)
			ck_assert_uint_eq(t[i * 100 + k], (k * 4 + i) * 1000000ull);
	/* Uneven: 3 threads at 1000 IOPS, each at 1/3 of the rate. */
	lat_sched_init(&s[0], 0, 1000000000ull, 1000, 3, 2);
	ck_assert_uint_eq(lat_sched_due(&s[0], 0), 2000000);
	ck_assert_uint_eq(lat_sched_due(&s[0], 1000), 2000000 + 3000000000ull);
}
END_TEST

/* The count of commands due before a tick agrees with the schedule
 * itself, by brute force, for rates that divide the clock evenly and
 * rates that do not, and for a thread with a phase. */
START_TEST(sched_count_before)
{
	static const uint64_t rates[] = { 1, 3, 7, 1000, 999983, 3000000 };
	struct lat_sched s;

	for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		for (unsigned th = 0; th < 3; th++) {
			lat_sched_init(&s, 5000, 3000000000ull, rates[r], 3, th);
			ck_assert_uint_eq(lat_sched_count_before(&s, 0), 0);
			ck_assert_uint_eq(lat_sched_count_before(&s,
					  lat_sched_due(&s, 0)), 0);
			for (uint64_t k = 0; k < 2000; k++) {
				uint64_t d = lat_sched_due(&s, k);

				/* due(k) itself is not before due(k); one tick
				 * later it is, and so are all before it (the
				 * period is over a tick at these rates) */
				ck_assert_uint_eq(lat_sched_count_before(&s, d), k);
				ck_assert_uint_eq(lat_sched_count_before(&s, d + 1),
						  k + 1);
			}
		}
	}
	/* a long run: 10 s at 1M commands/s on a 3 GHz clock */
	lat_sched_init(&s, 0, 3000000000ull, 1000000, 1, 0);
	ck_assert_uint_eq(lat_sched_count_before(&s, 30000000000ull),
			  10000000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lat-hist");
	TCase *tc = tcase_create("hist");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bucket_bounds);
	tcase_add_test(tc, value_error);
	tcase_add_test(tc, clamp);
	tcase_add_test(tc, merge);
	tcase_add_test(tc, uniform);
	tcase_add_test(tc, exponential);
	tcase_add_test(tc, constant);
	tcase_add_test(tc, small_and_empty);
	tcase_add_test(tc, bars);
	suite_add_tcase(s, tc);
	tc = tcase_create("clock");
	tcase_add_test(tc, clock_monotonic);
	tcase_add_test(tc, clock_tsc);
	tcase_add_test(tc, sched_one_thread);
	tcase_add_test(tc, sched_threads);
	tcase_add_test(tc, sched_count_before);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
