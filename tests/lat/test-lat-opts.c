/* SPDX-License-Identifier: MIT */
/*
 * test-lat-opts.c - command lines of `lat` and `sweep`: value parsers,
 * defaults, good combinations accepted, bad values rejected with exit
 * code 2 and nothing run.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "latcheck.h"
#include "lat-int.h"

static FILE *devnull;

/* Parses a NULL-terminated list of words as `lat` (or `sweep`). */
static int parse(struct lat_opts *o, struct lat_sweep *sw, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;

	argv[argc++] = sw ? "sweep" : "lat";
	va_start(ap, sw);
	for (char *a; (a = va_arg(ap, char *)) && argc < 63;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return lat_parse(argc, argv, o, sw, devnull);
}

START_TEST(sizes)
{
	uint64_t v;

	ck_assert_int_eq(lat_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(lat_parse_size("4k", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(lat_parse_size("4KiB", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(lat_parse_size("1M", &v), 0);
	ck_assert_uint_eq(v, 1048576);
	ck_assert_int_eq(lat_parse_size("2g", &v), 0);
	ck_assert_uint_eq(v, 2ull << 30);
	ck_assert_int_eq(lat_parse_size("512B", &v), 0);
	ck_assert_uint_eq(v, 512);
	ck_assert_int_ne(lat_parse_size("", &v), 0);
	ck_assert_int_ne(lat_parse_size("k", &v), 0);
	ck_assert_int_ne(lat_parse_size("-4k", &v), 0);
	ck_assert_int_ne(lat_parse_size("4x", &v), 0);
	ck_assert_int_ne(lat_parse_size("4kk", &v), 0);
	ck_assert_int_ne(lat_parse_size("1.5k", &v), 0);
	ck_assert_int_ne(lat_parse_size("99999999999999999999", &v), 0);
	ck_assert_int_ne(lat_parse_size("99999999999T", &v), 0);
}
END_TEST

START_TEST(counts_and_times)
{
	uint64_t n;
	double s;

	ck_assert_int_eq(lat_parse_count("10k", &n), 0);
	ck_assert_uint_eq(n, 10000);
	ck_assert_int_eq(lat_parse_count("2M", &n), 0);
	ck_assert_uint_eq(n, 2000000);
	ck_assert_int_ne(lat_parse_count("0x10", &n), 0);
	ck_assert_int_ne(lat_parse_count(" 1", &n), 0);
	ck_assert_int_ne(lat_parse_count("1 ", &n), 0);

	ck_assert_int_eq(lat_parse_seconds("5", &s), 0);
	ck_assert(s == 5);
	ck_assert_int_eq(lat_parse_seconds("1.5", &s), 0);
	ck_assert(s == 1.5);
	ck_assert_int_eq(lat_parse_seconds("500ms", &s), 0);
	ck_assert(fabs(s - 0.5) < 1e-12);
	ck_assert_int_eq(lat_parse_seconds("2m", &s), 0);
	ck_assert(s == 120);
	ck_assert_int_eq(lat_parse_seconds("250us", &s), 0);
	ck_assert(fabs(s - 250e-6) < 1e-15);
	ck_assert_int_ne(lat_parse_seconds("-1", &s), 0);
	ck_assert_int_ne(lat_parse_seconds("1e3", &s), 0);
	ck_assert_int_ne(lat_parse_seconds("inf", &s), 0);
	ck_assert_int_ne(lat_parse_seconds("nan", &s), 0);
	ck_assert_int_ne(lat_parse_seconds("5 s", &s), 0);
	ck_assert_int_ne(lat_parse_seconds("5x", &s), 0);
	ck_assert_int_ne(lat_parse_seconds("", &s), 0);
}
END_TEST

START_TEST(warmup_units)
{
	uint64_t n;
	double s;

	ck_assert_int_eq(lat_parse_warmup("2", false, &n, &s), 0);
	ck_assert(n == 0 && s == 2);
	ck_assert_int_eq(lat_parse_warmup("2", true, &n, &s), 0);
	ck_assert(n == 2 && s == 0);
	ck_assert_int_eq(lat_parse_warmup("1.5", true, &n, &s), 0);
	ck_assert(n == 0 && s == 1.5);
	ck_assert_int_eq(lat_parse_warmup("500ms", true, &n, &s), 0);
	ck_assert(n == 0 && fabs(s - 0.5) < 1e-12);
	ck_assert_int_eq(lat_parse_warmup("1000ios", false, &n, &s), 0);
	ck_assert(n == 1000 && s == 0);
	ck_assert_int_eq(lat_parse_warmup("1kios", false, &n, &s), 0);
	ck_assert(n == 1000);
	ck_assert_int_ne(lat_parse_warmup("ios", false, &n, &s), 0);
	ck_assert_int_ne(lat_parse_warmup("1.5ios", false, &n, &s), 0);
	ck_assert_int_ne(lat_parse_warmup("x", false, &n, &s), 0);
	ck_assert_int_ne(lat_parse_warmup("-1", false, &n, &s), 0);
}
END_TEST

START_TEST(ranges)
{
	uint64_t a, b;

	ck_assert_int_eq(lat_parse_range("0:8", &a, &b), 0);
	ck_assert(a == 0 && b == 8);
	ck_assert_int_eq(lat_parse_range("0x100:0x10", &a, &b), 0);
	ck_assert(a == 256 && b == 16);
	ck_assert_int_ne(lat_parse_range("8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("8:0", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range(":8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("8:", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("-1:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("1:2:3", &a, &b), 0);
	/* decimal, not octal; no blanks; hex only after 0x */
	ck_assert_int_eq(lat_parse_range("010:08", &a, &b), 0);
	ck_assert(a == 10 && b == 8);
	ck_assert_int_ne(lat_parse_range("\t8:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range(" 8:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("8: 8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("0x:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("0x-1:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("0x0x10:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("0x 10:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("1f:8", &a, &b), 0);
	ck_assert_int_ne(lat_parse_range("99999999999999999999:8", &a, &b), 0);
}
END_TEST

START_TEST(lat_defaults)
{
	struct lat_opts o;

	ck_assert_int_eq(parse(&o, NULL, "/dev/ng0n1", NULL), 0);
	ck_assert_str_eq(o.dev, "/dev/ng0n1");
	ck_assert_int_eq(o.pattern, LAT_RAND);
	ck_assert_int_eq(o.rw, LAT_READ);
	ck_assert_uint_eq(o.bs, 4096);
	ck_assert_uint_eq(o.qd, 1);
	ck_assert_uint_eq(o.threads, 1);
	ck_assert_uint_eq(o.count, 0);
	ck_assert(o.time_s == 5);
	ck_assert(o.regbuf);
	ck_assert(!o.force);
	ck_assert_int_eq(o.mode, LAT_MODE_AUTO);
	ck_assert_int_eq(o.fmt, LAT_FMT_NORMAL);
	ck_assert_uint_eq(o.rate, 0);
}
END_TEST

START_TEST(lat_good)
{
	struct lat_opts o;

	ck_assert_int_eq(parse(&o, NULL, "--pattern", "seq", "--rw", "mix",
			       "--mix-read", "70", "--bs", "8k", "--qd", "32",
			       "--count", "100k", "--warmup", "1000",
			       "--range", "0:4096", "--mode", "irq",
			       "--no-regbuf", "-j", "2", "--rate", "50k", "-o",
			       "json", "--force", "/dev/ng0n1", NULL), 0);
	ck_assert_int_eq(o.pattern, LAT_SEQ);
	ck_assert_int_eq(o.rw, LAT_MIX);
	ck_assert_uint_eq(o.mix_read, 70);
	ck_assert_uint_eq(o.bs, 8192);
	ck_assert_uint_eq(o.qd, 32);
	ck_assert_uint_eq(o.count, 100000);
	ck_assert(o.time_s == 0);
	ck_assert_uint_eq(o.warmup_n, 1000); /* with --count: commands */
	ck_assert(o.range_set && o.range_slba == 0 && o.range_nlb == 4096);
	ck_assert_int_eq(o.mode, LAT_MODE_IRQ);
	ck_assert(!o.regbuf);
	ck_assert_uint_eq(o.threads, 2);
	ck_assert_uint_eq(o.rate, 50000);
	ck_assert_int_eq(o.fmt, LAT_FMT_JSON);
	ck_assert(o.force);
	/* Short options, options after DEV, a time warm-up. */
	ck_assert_int_eq(parse(&o, NULL, "/dev/ng0n1", "-p", "rand", "-w",
			       "write", "-b", "512", "-q", "4", "-t", "500ms",
			       "-W", "1", "-m", "sqpoll", "-o", "csv", NULL), 0);
	ck_assert_int_eq(o.rw, LAT_WRITE);
	ck_assert_uint_eq(o.bs, 512);
	ck_assert(fabs(o.time_s - 0.5) < 1e-12);
	ck_assert(o.warmup_s == 1 && o.warmup_n == 0);
	ck_assert_int_eq(o.mode, LAT_MODE_SQPOLL);
	ck_assert_int_eq(o.fmt, LAT_FMT_CSV);
	/* --mix-read alone implies --rw mix. */
	ck_assert_int_eq(parse(&o, NULL, "-M", "30", "/dev/x", NULL), 0);
	ck_assert_int_eq(o.rw, LAT_MIX);
	ck_assert_uint_eq(o.mix_read, 30);
	/* Parsing twice in one process works (optind is reset). */
	ck_assert_int_eq(parse(&o, NULL, "-q", "8", "/dev/x", NULL), 0);
	ck_assert_uint_eq(o.qd, 8);
}
END_TEST

START_TEST(lat_bad)
{
	struct lat_opts o;

#define BAD(...) ck_assert_int_eq(parse(&o, NULL, __VA_ARGS__, NULL), LAT_EXIT_USAGE)
	BAD("--qd", "0", "/dev/x");
	BAD("--qd", "4097", "/dev/x");
	BAD("--qd", "-1", "/dev/x");
	BAD("--qd", "abc", "/dev/x");
	BAD("--bs", "0", "/dev/x");
	BAD("--bs", "4q", "/dev/x");
	BAD("--bs", "2G", "/dev/x");
	BAD("--pattern", "zigzag", "/dev/x");
	BAD("--rw", "trim", "/dev/x");
	BAD("--rw", "read,write", "/dev/x");  /* lists are for sweep */
	BAD("--mix-read", "101", "/dev/x");
	BAD("--rw", "read", "--mix-read", "50", "/dev/x");
	BAD("--count", "0", "/dev/x");
	BAD("--count", "1.5", "/dev/x");
	BAD("--time", "0", "/dev/x");
	BAD("--time", "-3", "/dev/x");
	BAD("--time", "soon", "/dev/x");
	BAD("--count", "10", "--time", "1", "/dev/x");
	BAD("--warmup", "forever", "/dev/x");
	BAD("--range", "10", "/dev/x");
	BAD("--range", "0:0", "/dev/x");
	BAD("--mode", "turbo", "/dev/x");
	BAD("-j", "0", "/dev/x");
	BAD("-j", "100000", "/dev/x");
	BAD("--rate", "0", "/dev/x");
	BAD("--rate", "fast", "/dev/x");
	BAD("-o", "xml", "/dev/x");
	BAD("--clock", "sundial", "/dev/x");
	BAD("--inject-error", "0", "/dev/x");
	BAD("--plot", "x.svg", "/dev/x");     /* sweep only */
	BAD("--hist-csv", "", "/dev/x");
	BAD("--bs-list", "4k", "/dev/x");
	BAD("--bogus", "/dev/x");
	BAD("-Z", "/dev/x");
	BAD("/dev/x", "/dev/y");
	BAD("--count", "3", "-j", "4", "/dev/x");
	BAD("--qd");
	ck_assert_int_eq(parse(&o, NULL, NULL), LAT_EXIT_USAGE); /* no DEV */
#undef BAD
}
END_TEST

/* What lat_parse says about a bad command line (argv ends with NULL). */
static char *parse_msg(char **argv)
{
	struct lat_opts o;
	char *msg = NULL;
	size_t len = 0;
	int argc = 0;
	FILE *err = open_memstream(&msg, &len);

	while (argv[argc])
		argc++;
	ck_assert_int_eq(lat_parse(argc, argv, &o, NULL, err), LAT_EXIT_USAGE);
	fclose(err);
	for (const char *c = msg; *c; c++)
		ck_assert_msg(*c == '\n' || (*c >= ' ' && *c < 127),
			      "unprintable byte in '%s'", msg);
	return msg;
}

/* A long option given a value it does not take is named as such (getopt's
 * optopt then holds the option's code, which may look like a letter); an
 * unknown letter in a cluster is named as a letter. */
START_TEST(bad_long_value)
{
	static const char *const cases[][3] = {
		{ "--force=1", NULL, "--force takes no value" },
		{ "--forc=1", NULL, "--force takes no value" },
		{ "--help=x", NULL, "--help takes no value" },
		{ "--no-regbuf=yes", NULL, "--no-regbuf takes no value" },
		{ "--bogus=1", NULL, "unknown option '--bogus=1'" },
		{ "-Z", NULL, "unknown option '-Z'" },
		{ "--force", "-Zq", "unknown option '-Z'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = { "lat", (char *)cases[i][0],
				 (char *)(cases[i][1] ? cases[i][1] : "/dev/x"),
				 cases[i][1] ? "/dev/x" : NULL, NULL };
		char *msg = parse_msg(argv);

		ck_assert_msg(strstr(msg, cases[i][2]), "%s: got '%s'",
			      cases[i][0], msg);
		free(msg);
	}
}
END_TEST

/* --cpus and --sqpoll-cpu: lists in the order given, ranges expanded,
 * every malformed list refused; the SQPOLL CPU only with an SQPOLL mode;
 * and a CPU this process may not run on is named before any device. */
START_TEST(cpus)
{
	struct lat_opts o;
	struct lat_sweep sw;
	uint16_t c[8];
	unsigned n;
	static const char *const bad[] = {
		"", ",", "0,", ",0", "0,,1", "3-1", "1-", "-1", "a", "0x1",
		"1 ", " 1", "1024", "0-1024", "+1", "1.5", "0--1",
	};

	ck_assert_int_eq(lat_parse_cpus("3,0-2,7", c, 8, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(c[0], 3);
	ck_assert_uint_eq(c[1], 0);
	ck_assert_uint_eq(c[3], 2);
	ck_assert_uint_eq(c[4], 7);
	ck_assert_int_eq(lat_parse_cpus("1023", c, 8, &n), 0);
	ck_assert_uint_eq(c[0], 1023);
	ck_assert_int_eq(lat_parse_cpus("0-8", c, 8, &n), -E2BIG);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(lat_parse_cpus(bad[i], c, 8, &n) == -EINVAL,
			      "'%s' accepted", bad[i]);

	ck_assert_int_eq(parse(&o, NULL, "/dev/x", NULL), 0);
	ck_assert_uint_eq(o.ncpus, 0);
	ck_assert_int_eq(o.sqpoll_cpu, -1);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--cpus", "1,0", "-j", "3",
			       "--mode", "sqpoll", "--sqpoll-cpu", "1", NULL), 0);
	ck_assert_uint_eq(o.ncpus, 2);
	ck_assert_uint_eq(o.cpus[0], 1);
	ck_assert_int_eq(o.sqpoll_cpu, 1);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--cpus", "1-0", NULL),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--sqpoll-cpu", "1", NULL),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--mode", "sqpoll",
			       "--sqpoll-cpu", "1k", NULL), LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, &sw, "/dev/x", "--modes", "poll,sqpoll",
			       "--sqpoll-cpu", "0", NULL), 0);
	ck_assert_int_eq(parse(&o, &sw, "/dev/x", "--modes", "poll,irq",
			       "--sqpoll-cpu", "0", NULL), LAT_EXIT_USAGE);

	/* CPU 1023 is not one this test runs on (the machine would need
	 * 1024 CPUs): a usage error that names it. */
	{
		char *msg = NULL;
		size_t len = 0;
		FILE *err = open_memstream(&msg, &len);

		lat_opts_default(&o);
		o.ncpus = 1;
		o.cpus[0] = 1023;
		ck_assert_int_eq(lat_check_cpus(&o, err, "lat"), LAT_EXIT_USAGE);
		fclose(err);
		ck_assert_msg(strstr(msg, "CPU 1023 is not one this process may "
				     "run on"), "%s", msg);
		free(msg);
		o.ncpus = 0;
		o.sqpoll_cpu = 1023;
		ck_assert_int_eq(lat_check_cpus(&o, devnull, "lat"),
				 LAT_EXIT_USAGE);
		o.sqpoll_cpu = 0;
		ck_assert_int_eq(lat_check_cpus(&o, devnull, "lat"), 0);
	}
}
END_TEST

/* --timeout: milliseconds into every command, in 32 bits */
START_TEST(timeout)
{
	struct lat_opts o;

	ck_assert_int_eq(parse(&o, NULL, "/dev/x", NULL), 0);
	ck_assert_uint_eq(o.timeout_ms, 0);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--timeout", "250", NULL), 0);
	ck_assert_uint_eq(o.timeout_ms, 250);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--timeout", "4294967295",
			       NULL), 0);
	ck_assert_uint_eq(o.timeout_ms, 4294967295u);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--timeout", "4294967296",
			       NULL), LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--timeout", "-1", NULL),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--timeout", "", NULL),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--timeout", "5ms", NULL),
			 LAT_EXIT_USAGE);
}
END_TEST

/* --zoned: parsed, and checked against a zoned namespace's geometry:
 * 32 zones of 16384 LBAs, 8 open and active at most, 64 KiB appends. */
START_TEST(zoned)
{
	struct nvio_dev_info zi = { .lba_size = 512, .nsze = 32 * 16384,
				    .zoned = true, .zone_size = 16384,
				    .nr_zones = 32, .max_open_zones = 8,
				    .max_active_zones = 8,
				    .zone_append_max = 65536 };
	struct nvio_dev_info conv = { .lba_size = 512, .nsze = 1 << 20 };
	struct lat_opts o;
	struct lat_sweep sw;

	ck_assert_int_eq(parse(&o, NULL, "/dev/x", NULL), 0);
	ck_assert_int_eq(o.zoned, LAT_ZONED_NONE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", "--zoned",
			       "append", NULL), 0);
	ck_assert_int_eq(o.zoned, LAT_ZONED_APPEND);
	ck_assert_str_eq(lat_zoned_name(o.zoned), "append");
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "mix", "--zoned",
			       "write", NULL), 0);
	ck_assert_int_eq(o.zoned, LAT_ZONED_WRITE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", "--zoned",
			       "seq", NULL), LAT_EXIT_USAGE);
	/* reads only: nothing to place */
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--zoned", "write", NULL),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, &sw, "/dev/x", "-w", "read,write",
			       "--zoned", "write", NULL), 0);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", "--zoned",
			       "write", "--inject-error", "10", NULL),
			 LAT_EXIT_USAGE);

	/* the geometry: whole zones, one per writer, within the limits */
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", NULL), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"),
			 LAT_EXIT_USAGE); /* random writes to zones */
	ck_assert_int_eq(lat_check_geometry(&o, &conv, devnull, "lat"), 0);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", NULL), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"), 0);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", "--zoned",
			       "write", "-q", "8", NULL), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &conv, devnull, "lat"),
			 LAT_EXIT_USAGE); /* not zoned */
	o.qd = 9; /* more zones open than the namespace allows */
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", "--zoned",
			       "write", "-q", "4", "-r", "16384:65536", NULL), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"), 0);
	o.qd = 4;
	o.threads = 1;
	o.range_slba = 16384, o.range_nlb = 3 * 16384 - 1; /* not whole */
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"),
			 LAT_EXIT_USAGE);
	o.range_slba = 100, o.range_nlb = 16384; /* not at a zone start */
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"),
			 LAT_EXIT_USAGE);
	o.range_slba = 16384, o.range_nlb = 3 * 16384; /* 3 zones, qd 4 */
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", "--zoned",
			       "append", "-b", "64k", "-j", "8", NULL), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"), 0);
	o.bs = 128 * 1024; /* past ZASL */
	ck_assert_int_eq(lat_check_geometry(&o, &zi, devnull, "lat"),
			 LAT_EXIT_USAGE);
}
END_TEST

/* --placement: parsed, and checked against the namespace's ids */
START_TEST(placement)
{
	struct nvio_dev_info fdp = { .lba_size = 512, .nsze = 1 << 20,
				     .fdp = true, .fdp_nr_pids = 3,
				     .fdp_pids = { 0, 16384, 1 } };
	struct nvio_dev_info plain = { .lba_size = 512, .nsze = 1 << 20 };
	struct lat_opts o;

	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write",
			       "--placement", "16384,1", NULL), 0);
	ck_assert_uint_eq(o.npids, 2);
	ck_assert_uint_eq(o.pids[0], 16384);
	ck_assert_int_eq(lat_check_geometry(&o, &fdp, devnull, "lat"), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &plain, devnull, "lat"),
			 LAT_EXIT_USAGE);
	fdp.fdp_pids[1] = 2; /* 16384 is no longer the namespace's */
	ck_assert_int_eq(lat_check_geometry(&o, &fdp, devnull, "lat"),
			 LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "mix",
			       "--placement", "all", NULL), 0);
	ck_assert_int_eq(lat_check_geometry(&o, &fdp, devnull, "lat"), 0);
	ck_assert_uint_eq(o.npids, 3);
	ck_assert_uint_eq(o.pids[1], 2);
	ck_assert_uint_eq(o.pids[2], 1);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write",
			       "--placement", "1,,2", NULL), LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write",
			       "--placement", "65536", NULL), LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write",
			       "--placement", "", NULL), LAT_EXIT_USAGE);
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "--placement", "1", NULL),
			 LAT_EXIT_USAGE); /* reads only */
	ck_assert_int_eq(parse(&o, NULL, "/dev/x", "-w", "write", "--zoned",
			       "append", "--placement", "1", NULL),
			 LAT_EXIT_USAGE);
}
END_TEST

/* --wait and sweep's --waits: each strategy parsed and named; lists
 * for sweep only; a wait that contradicts the mode refused, in a sweep
 * whichever pair of the lists does. */
START_TEST(waits)
{
	struct lat_opts o;
	struct lat_sweep sw;

	ck_assert_int_eq(parse(&o, NULL, "/dev/x", NULL), 0);
	ck_assert_int_eq(o.wait, LAT_WAIT_DEFAULT);
	ck_assert_int_eq(parse(&o, NULL, "--wait", "spin", "/dev/x", NULL), 0);
	ck_assert_int_eq(o.wait, LAT_WAIT_SPIN);
	ck_assert_str_eq(lat_wait_name(o.wait), "spin");
	ck_assert_int_eq(parse(&o, NULL, "--wait", "kernel", "--mode", "irq",
			       "/dev/x", NULL), 0);
	ck_assert_int_eq(o.wait, LAT_WAIT_KERNEL);
	ck_assert_int_eq(parse(&o, NULL, "--wait", "spin", "--mode", "sqpoll",
			       "/dev/x", NULL), 0);
	ck_assert_int_eq(parse(&o, NULL, "--wait", "hybrid", "--mode", "poll",
			       "/dev/x", NULL), 0);
	ck_assert_int_eq(o.wait, LAT_WAIT_HYBRID);
	ck_assert_str_eq(lat_wait_name(o.wait), "hybrid");
	ck_assert_int_eq(parse(&o, &sw, "--waits", "kernel,spin,hybrid",
			       "/dev/x", NULL), 0);
	ck_assert_uint_eq(sw.nwaits, 3);
	ck_assert_int_eq(sw.waits[1], LAT_WAIT_SPIN);
	ck_assert_int_eq(sw.waits[2], LAT_WAIT_HYBRID);
	ck_assert_int_eq(parse(&o, &sw, "--wait", "spin", "/dev/x", NULL), 0);
	ck_assert(sw.nwaits == 1 && sw.waits[0] == LAT_WAIT_SPIN);
	ck_assert_int_eq(parse(&o, &sw, "--modes", "poll,irq", "--waits",
			       "kernel,spin", "/dev/x", NULL), 0);

#define BAD(sw, ...) ck_assert_int_eq(parse(&o, sw, __VA_ARGS__, NULL), \
				      LAT_EXIT_USAGE)
	BAD(NULL, "--wait", "busy", "/dev/x");
	BAD(NULL, "--wait", "", "/dev/x");
	BAD(NULL, "--wait", "kernel,spin", "/dev/x");
	BAD(NULL, "--waits", "kernel,spin", "/dev/x");
	BAD(NULL, "--wait", "hybrid", "--mode", "irq", "/dev/x");
	BAD(NULL, "--wait", "hybrid", "--mode", "sqpoll", "/dev/x");
	BAD(NULL, "--wait", "spin", "--mode", "hybrid", "/dev/x");
	BAD(&sw, "--waits", "kernel,,spin", "/dev/x");
	BAD(&sw, "--waits", "kernel,nap", "/dev/x");
	BAD(&sw, "--modes", "poll,irq", "--waits", "kernel,hybrid", "/dev/x");
	BAD(&sw, "--modes", "hybrid", "--waits", "spin", "/dev/x");
#undef BAD
}
END_TEST

START_TEST(sweep_lists)
{
	struct lat_opts o;
	struct lat_sweep sw;

	ck_assert_int_eq(parse(&o, &sw, "/dev/x", NULL), 0);
	ck_assert_uint_eq(sw.nbs, 1);
	ck_assert_uint_eq(sw.bs[0], 4096);
	ck_assert_uint_eq(sw.nqd, 6);
	ck_assert_uint_eq(sw.qd[5], 32);
	ck_assert_uint_eq(sw.nmodes, 1);
	ck_assert_uint_eq(sw.nwaits, 1);
	ck_assert_int_eq(sw.waits[0], LAT_WAIT_DEFAULT);
	ck_assert_uint_eq(sw.nrws, 1);
	ck_assert(o.time_s == 2);
	ck_assert_ptr_null(sw.plot);

	ck_assert_int_eq(parse(&o, &sw, "--bs-list", "4k,8k,128k", "--qd-list",
			       "1,2,4,8,16,32,64,128", "--modes", "poll,irq",
			       "--rw", "read,write", "--plot", "out.svg",
			       "-o", "csv", "/dev/x", NULL), 0);
	ck_assert_uint_eq(sw.nbs, 3);
	ck_assert_uint_eq(sw.bs[2], 131072);
	ck_assert_uint_eq(sw.nqd, 8);
	ck_assert_uint_eq(sw.qd[7], 128);
	ck_assert_uint_eq(sw.nmodes, 2);
	ck_assert_int_eq(sw.modes[1], LAT_MODE_IRQ);
	ck_assert_uint_eq(sw.nrws, 2);
	ck_assert_int_eq(sw.rws[1], LAT_WRITE);
	ck_assert_str_eq(sw.plot, "out.svg");
	/* --bs, --qd and --mode take lists too in sweep. */
	ck_assert_int_eq(parse(&o, &sw, "--bs", "512", "--qd", "1,64",
			       "--mode", "sqpoll", "/dev/x", NULL), 0);
	ck_assert(sw.nbs == 1 && sw.bs[0] == 512 && sw.nqd == 2 &&
		  sw.qd[1] == 64 && sw.modes[0] == LAT_MODE_SQPOLL);

#define BAD(...) ck_assert_int_eq(parse(&o, &sw, __VA_ARGS__, NULL), LAT_EXIT_USAGE)
	BAD("--bs-list", "4k,,8k", "/dev/x");
	BAD("--bs-list", ",4k", "/dev/x");
	BAD("--bs-list", "4k,", "/dev/x");
	BAD("--bs-list", "4k,0", "/dev/x");
	BAD("--qd-list", "1,0", "/dev/x");
	BAD("--qd-list", "1,5000", "/dev/x");
	BAD("--qd-list", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
	    "21,22,23,24,25,26,27,28,29,30,31,32,33", "/dev/x");
	BAD("--modes", "poll,fast", "/dev/x");
	BAD("--rw", "read,erase", "/dev/x");
	BAD("--plot", "", "/dev/x");
	BAD("--rw", "read,write", "--mix-read", "70", "/dev/x");
	/* with mix in the list, --mix-read is taken */
	ck_assert_int_eq(parse(&o, &sw, "--rw", "read,mix", "-M", "70",
			       "/dev/x", NULL), 0);
	ck_assert(sw.nrws == 2 && sw.rws[1] == LAT_MIX && o.mix_read == 70);
#undef BAD
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lat-opts");
	TCase *tc = tcase_create("parse");

	devnull = fopen("/dev/null", "w");
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, counts_and_times);
	tcase_add_test(tc, warmup_units);
	tcase_add_test(tc, ranges);
	tcase_add_test(tc, bad_long_value);
	tcase_add_test(tc, lat_defaults);
	tcase_add_test(tc, lat_good);
	tcase_add_test(tc, lat_bad);
	tcase_add_test(tc, sweep_lists);
	tcase_add_test(tc, waits);
	tcase_add_test(tc, cpus);
	tcase_add_test(tc, timeout);
	tcase_add_test(tc, zoned);
	tcase_add_test(tc, placement);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
