/* SPDX-License-Identifier: MIT */
/*
 * rand.h - the random LBA stream of nvio lat, shared with the benchmark
 * programs (bench/) so that every tool pays the same for its offsets.
 */
#ifndef NVIO_LAT_RAND_H
#define NVIO_LAT_RAND_H

#include <stdint.h>

/* xorshift64*: a few instructions, and random enough to spread LBAs. */
static inline uint64_t lat_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Uniform in [0, n): Lemire's multiply-shift, no division. */
static inline uint64_t lat_rand_below(uint64_t *s, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)lat_rand(s) * n) >> 64);
}

#endif
