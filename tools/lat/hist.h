/* SPDX-License-Identifier: MIT */
/*
 * hist.h - latency histogram in the style of HdrHistogram: log-linear
 * buckets (each power of two split into 128 linear sub-buckets), so a
 * bucket's width is at most 1/128 of its lower bound and its midpoint is
 * within 0.4% of every value in it. Values are nanoseconds; the range is
 * 100 ns .. 10 s, and values outside it are clamped into the end buckets
 * and counted in `under` / `over` (min, max, mean and stddev use the exact
 * values). Recording is a count-leading-zeros, a shift and an increment.
 */
#ifndef NVIO_LAT_HIST_H
#define NVIO_LAT_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LAT_HIST_SUB_BITS 7
#define LAT_HIST_LO 100ull                 /* ns */
#define LAT_HIST_HI 10000000000ull         /* ns: 10 s */
/* Index of LAT_HIST_HI is (33 - 7) * 128 + (1e10 >> 26) = 3477. */
#define LAT_HIST_NBUCKETS 3478u

struct lat_hist {
	uint64_t n;       /* values recorded, clamped ones included */
	uint64_t under;   /* below LAT_HIST_LO, counted in the first bucket */
	uint64_t over;    /* above LAT_HIST_HI, counted in the last bucket */
	uint64_t min, max;
	uint64_t sum;
	unsigned __int128 sumsq;
	uint64_t counts[LAT_HIST_NBUCKETS];
};

/* Bucket of a value already within [LAT_HIST_LO, LAT_HIST_HI]. Values
 * below 256 get a bucket each; above, bucket e*128 + (v >> e) where
 * e = floor(log2 v) - 7. */
static inline unsigned lat_hist_index(uint64_t v)
{
	unsigned m = 63u - (unsigned)__builtin_clzll(v | 1);
	unsigned e = m > LAT_HIST_SUB_BITS ? m - LAT_HIST_SUB_BITS : 0;

	return (e << LAT_HIST_SUB_BITS) + (unsigned)(v >> e);
}

static inline void lat_hist_record(struct lat_hist *h, uint64_t v)
{
	uint64_t c = v;

	if (__builtin_expect(v < LAT_HIST_LO, 0)) {
		h->under++;
		c = LAT_HIST_LO;
	} else if (__builtin_expect(v > LAT_HIST_HI, 0)) {
		h->over++;
		c = LAT_HIST_HI;
	}
	h->counts[lat_hist_index(c)]++;
	h->n++;
	h->sum += v;
	h->sumsq += (unsigned __int128)v * v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void lat_hist_init(struct lat_hist *h);
/* Adds src into dst. */
void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src);

/* Values bucket i holds: [lo, hi] (inclusive), and its representative,
 * the midpoint, which percentiles report. */
uint64_t lat_hist_bucket_lo(unsigned i);
uint64_t lat_hist_bucket_hi(unsigned i);
uint64_t lat_hist_bucket_value(unsigned i);
/* First and last bucket in use for the range. */
unsigned lat_hist_first_bucket(void);
unsigned lat_hist_last_bucket(void);

double lat_hist_mean(const struct lat_hist *h);
double lat_hist_stddev(const struct lat_hist *h);
/* The value at percentile p (0..100): the representative of the bucket
 * holding the ceil(p/100 * n)-th smallest value, kept within [min, max];
 * p <= 0 gives min, p >= 100 gives max, an empty histogram 0. */
uint64_t lat_hist_percentile(const struct lat_hist *h, double p);

/* Text bars: up to `rows` log-spaced ranges between min and max. */
void lat_hist_print_bars(const struct lat_hist *h, FILE *f, unsigned rows,
			 unsigned width);

#endif
