/* SPDX-License-Identifier: MIT */
/*
 * common.c - options, geometry and reporting for the benchmark programs.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liburing.h>

#include "common.h"

static void die_usage(const char *usage, const char *why, const char *arg)
{
	fprintf(stderr, "%s: '%s'\n%s", why, arg ? arg : "", usage);
	exit(2);
}

static uint64_t num(const char *s, const char *usage, const char *opt)
{
	char *e;
	unsigned long long v = strtoull(s, &e, 10);

	if (!*s || *e || *s == '-')
		die_usage(usage, opt, s);
	return v;
}

static double secs(const char *s, const char *usage, const char *opt)
{
	char *e;
	double v = strtod(s, &e);

	if (!*s || *e || v < 0)
		die_usage(usage, opt, s);
	return v;
}

void bench_parse(int argc, char **argv, struct bench_opts *o,
		 const char *usage)
{
	static const struct option lo[] = {
		{ "qd", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "time", required_argument, NULL, 't' },
		{ "warmup", required_argument, NULL, 'W' },
		{ "clock", required_argument, NULL, 'C' },
		{ "irq", no_argument, NULL, 'i' },
		{ "spin", no_argument, NULL, 's' },
		{ "variants", required_argument, NULL, 'V' },
		{ "workers", required_argument, NULL, 'w' },
		{ "bs", required_argument, NULL, 'b' },
		{ "ring-flags", required_argument, NULL, 'R' },
		{ "pairs", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->qd = 1;
	o->time_s = 5;
	o->bs = 4096;
	o->pairs = 40;
	while ((c = getopt_long(argc, argv, "q:c:t:W:C:isV:w:b:R:P:h", lo,
				NULL)) != -1) {
		switch (c) {
		case 'q':
			o->qd = (unsigned)num(optarg, usage, "--qd");
			if (!o->qd || o->qd > 4096)
				die_usage(usage, "--qd", optarg);
			break;
		case 'c':
			o->count = num(optarg, usage, "--count");
			o->time_s = 0;
			break;
		case 't':
			o->time_s = secs(optarg, usage, "--time");
			o->time_set = true;
			o->count = 0;
			break;
		case 'W':
			o->warmup_s = secs(optarg, usage, "--warmup");
			o->warmup_set = true;
			break;
		case 'C':
			if (!strcmp(optarg, "tsc"))
				o->clock = LAT_CLOCK_TSC;
			else if (!strcmp(optarg, "monotonic"))
				o->clock = LAT_CLOCK_MONOTONIC;
			else
				die_usage(usage, "--clock", optarg);
			break;
		case 'i':
			o->irq = true;
			break;
		case 's':
			o->spin = true;
			break;
		case 'V':
			o->variants = optarg;
			break;
		case 'w':
			o->workers = (unsigned)num(optarg, usage, "--workers");
			break;
		case 'b':
			o->bs = (uint32_t)num(optarg, usage, "--bs");
			if (!o->bs || o->bs % 512 || o->bs > (1u << 20))
				die_usage(usage, "--bs", optarg);
			break;
		case 'R': {
			/* For experiments: the setup flags libnvio uses. */
			char *dup = strdup(optarg), *save = NULL;

			for (char *w = strtok_r(dup, ",", &save); w;
			     w = strtok_r(NULL, ",", &save)) {
				if (!strcmp(w, "single_issuer"))
					o->ring_flags |= IORING_SETUP_SINGLE_ISSUER;
				else if (!strcmp(w, "defer_taskrun"))
					o->ring_flags |= IORING_SETUP_DEFER_TASKRUN;
				else if (!strcmp(w, "coop_taskrun"))
					o->ring_flags |= IORING_SETUP_COOP_TASKRUN;
				else
					die_usage(usage, "--ring-flags", w);
			}
			free(dup);
			break;
		}
		case 'P': {
			uint64_t n = num(optarg, usage, "--pairs");

			if (!n || n > 100000)
				die_usage(usage, "--pairs", optarg);
			o->pairs = (unsigned)n;
			break;
		}
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			exit(2);
		}
	}
	if (optind + 1 != argc)
		die_usage(usage, "one device expected", "");
	o->dev = argv[optind];
	if (!o->count && !(o->time_s > 0))
		die_usage(usage, "--count or --time needed", "");
	if (!o->workers)
		o->workers = o->qd;
}

static int read_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%" SCNu64, v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

void bench_geometry(const char *dev, uint32_t *lba_size, uint64_t *nsze,
		    char *block, size_t len)
{
	const char *b = strrchr(dev, '/');
	char path[256];
	uint64_t sectors, lbs;
	unsigned c, n;

	b = b ? b + 1 : dev;
	/* ngXnY is the generic node of block device nvmeXnY. */
	if (sscanf(b, "ng%un%u", &c, &n) == 2)
		snprintf(block, len, "nvme%un%u", c, n);
	else
		snprintf(block, len, "%s", b);
	snprintf(path, sizeof(path), "/sys/block/%s/size", block);
	if (read_u64(path, &sectors)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(3);
	}
	snprintf(path, sizeof(path), "/sys/block/%s/queue/logical_block_size",
		 block);
	if (read_u64(path, &lbs) || !lbs) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(3);
	}
	*lba_size = (uint32_t)lbs;
	*nsze = sectors * 512 / lbs;
}

void bench_clock(struct lat_clock *c, enum lat_clock_src src)
{
	if (lat_clock_init(c, src)) {
		fprintf(stderr, "no usable clock\n");
		exit(3);
	}
}

void bench_report(const char *tool, const struct bench_opts *o,
		  const struct lat_clock *c, const struct lat_hist *h,
		  uint64_t ios, uint64_t ticks, uint64_t errors)
{
	double s = (double)lat_clock_ns(c, ticks) / 1e9;
	double iops = s > 0 ? (double)ios / s : 0;
	uint64_t p50 = lat_hist_percentile(h, 50), p99 = lat_hist_percentile(h, 99);

	printf("%s: qd %u, %" PRIu64 " reads of %u bytes in %.3f s: %.0f IOPS, "
	       "p50 %.2f us, p99 %.2f us, %" PRIu64 " errors (clock %s, %.1f ns "
	       "per reading)\n", tool, o->qd, ios, o->bs, s, iops,
	       (double)p50 / 1000, (double)p99 / 1000, errors, c->name,
	       c->read_ns);
	printf("RESULT tool=%s qd=%u ios=%" PRIu64 " secs=%.6f iops=%.1f "
	       "p50_ns=%" PRIu64 " p99_ns=%" PRIu64 " errors=%" PRIu64 "\n",
	       tool, o->qd, ios, s, iops, p50, p99, errors);
	fflush(stdout);
}
