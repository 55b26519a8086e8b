/* SPDX-License-Identifier: MIT */
/*
 * hist.c - the latency histogram's queries: bucket bounds, merge,
 * percentiles, mean and standard deviation, and text bars.
 */
#include <math.h>
#include <string.h>

#include "hist.h"

_Static_assert((((33u - LAT_HIST_SUB_BITS) << LAT_HIST_SUB_BITS) +
		(unsigned)(LAT_HIST_HI >> (33 - LAT_HIST_SUB_BITS))) + 1 ==
		       LAT_HIST_NBUCKETS,
	       "LAT_HIST_NBUCKETS covers LAT_HIST_HI");

void lat_hist_init(struct lat_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void lat_hist_merge(struct lat_hist *dst, const struct lat_hist *src)
{
	if (!src->n)
		return;
	for (unsigned i = lat_hist_first_bucket(); i <= lat_hist_last_bucket();
	     i++)
		dst->counts[i] += src->counts[i];
	dst->n += src->n;
	dst->under += src->under;
	dst->over += src->over;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

static unsigned bucket_shift(unsigned i)
{
	unsigned g = i >> LAT_HIST_SUB_BITS;

	return g > 1 ? g - 1 : 0;
}

uint64_t lat_hist_bucket_lo(unsigned i)
{
	unsigned e = bucket_shift(i);

	return (uint64_t)(i - (e << LAT_HIST_SUB_BITS)) << e;
}

uint64_t lat_hist_bucket_hi(unsigned i)
{
	return lat_hist_bucket_lo(i) + ((uint64_t)1 << bucket_shift(i)) - 1;
}

uint64_t lat_hist_bucket_value(unsigned i)
{
	return lat_hist_bucket_lo(i) + (((uint64_t)1 << bucket_shift(i)) - 1) / 2;
}

unsigned lat_hist_first_bucket(void) { return lat_hist_index(LAT_HIST_LO); }
unsigned lat_hist_last_bucket(void) { return lat_hist_index(LAT_HIST_HI); }

double lat_hist_mean(const struct lat_hist *h)
{
	return h->n ? (double)h->sum / (double)h->n : 0.0;
}

double lat_hist_stddev(const struct lat_hist *h)
{
	long double n = (long double)h->n, mean, var;

	if (h->n < 2)
		return 0.0;
	mean = (long double)h->sum / n;
	var = (long double)h->sumsq / n - mean * mean;
	return var > 0 ? sqrt((double)var) : 0.0;
}

uint64_t lat_hist_percentile(const struct lat_hist *h, double p)
{
	uint64_t rank, cum = 0;
	long double r;

	if (!h->n)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	/* The small slack keeps p99.9 of 1000 values at rank 999 although
	 * 99.9 / 100 * 1000 is 999.0000000000001 in binary. */
	r = ceill((long double)p * (long double)h->n / 100.0L - 1e-9L);
	rank = r < 1 ? 1 : (uint64_t)r;
	for (unsigned i = lat_hist_first_bucket(); i <= lat_hist_last_bucket();
	     i++) {
		cum += h->counts[i];
		if (cum >= rank) {
			uint64_t v = lat_hist_bucket_value(i);

			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

static void fmt_us(char *buf, size_t len, double ns)
{
	if (ns < 10000)
		snprintf(buf, len, "%.2f", ns / 1000.0);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f", ns / 1000.0);
	else
		snprintf(buf, len, "%.0f", ns / 1000.0);
}

void lat_hist_print_bars(const struct lat_hist *h, FILE *f, unsigned rows,
			 unsigned width)
{
	uint64_t cnt[64] = { 0 }, peak = 0;
	double lo, hi, ratio;
	unsigned first = 0, last = 0;
	bool any = false;

	if (!h->n)
		return;
	if (rows > 64)
		rows = 64;
	if (rows < 1)
		rows = 1;
	lo = (double)(h->min < LAT_HIST_LO ? LAT_HIST_LO : h->min);
	hi = (double)(h->max > LAT_HIST_HI ? LAT_HIST_HI : h->max) + 1;
	if (hi <= lo)
		hi = lo + 1;
	ratio = pow(hi / lo, 1.0 / rows);
	for (unsigned i = lat_hist_first_bucket(); i <= lat_hist_last_bucket();
	     i++) {
		double v;
		int r;

		if (!h->counts[i])
			continue;
		v = (double)lat_hist_bucket_value(i);
		r = v <= lo ? 0 : (int)(log(v / lo) / log(ratio));
		if (r >= (int)rows)
			r = (int)rows - 1;
		if (r < 0)
			r = 0;
		cnt[r] += h->counts[i];
	}
	for (unsigned r = 0; r < rows; r++) {
		if (cnt[r] > peak)
			peak = cnt[r];
		if (cnt[r]) {
			if (!any)
				first = r;
			last = r;
			any = true;
		}
	}
	fprintf(f, "  %21s  %-*s %7s %12s\n", "latency (us)", (int)width,
		"", "%", "count");
	for (unsigned r = first; r <= last; r++) {
		char a[32], b[32];
		unsigned bar = peak ? (unsigned)((cnt[r] * width + peak - 1) / peak)
				    : 0;

		fmt_us(a, sizeof(a), lo * pow(ratio, r));
		fmt_us(b, sizeof(b), lo * pow(ratio, r + 1));
		fprintf(f, "  %9s - %9s |", a, b);
		for (unsigned k = 0; k < width; k++)
			fputc(k < bar ? '#' : ' ', f);
		fprintf(f, "| %6.2f %12llu\n", 100.0 * (double)cnt[r] / (double)h->n,
			(unsigned long long)cnt[r]);
	}
}
