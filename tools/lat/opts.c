/* SPDX-License-Identifier: MIT */
/*
 * opts.c - command lines of `nvio lat` and `nvio sweep`: one option table
 * for both (sweep adds the lists and --plot), value parsers, and the
 * checks that need no device.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../opttab.h"
#include "lat-int.h"

enum {
	OPT_NO_REGBUF = 256,
	OPT_FORCE,
	OPT_CLOCK,
	OPT_NO_HIST,
	OPT_INJECT,
	OPT_BS_LIST,
	OPT_QD_LIST,
	OPT_MODES,
	OPT_PLOT,
	OPT_HIST_CSV,
	OPT_CPUS,
	OPT_SQPOLL_CPU,
	OPT_TIMEOUT,
	OPT_ZONED,
	OPT_PLACEMENT,
	OPT_WAIT,
	OPT_WAITS,
};

/* The options both commands take; the default measured time differs. */
#define COMMON_ROWS(default_time)                                              \
	{ "pattern", 'p', required_argument, "rand|seq",                       \
	  "random (default) or sequential LBAs" },                             \
	{ "mix-read", 'M', required_argument, "PCT",                           \
	  "reads in percent with --rw mix (default 50)" },                     \
	{ "count", 'c', required_argument, "N",                                \
	  "measured commands (k, M, G: 10^3, 10^6, 10^9)" },                   \
	{ "time", 't', required_argument, "SECONDS",                           \
	  "measured time (default " default_time "; 500ms, 2m ...)" },         \
	{ "warmup", 'W', required_argument, "W",                               \
	  "not measured first: SECONDS (2s, 500ms) or N commands (1000ios); "  \
	  "a plain number is in the run's unit: commands with --count" },      \
	{ "range", 'r', required_argument, "SLBA:NLB",                         \
	  "LBAs to use (default the whole namespace)" },                       \
	{ "no-regbuf", OPT_NO_REGBUF, no_argument, NULL,                       \
	  "do not use registered (fixed) buffers" },                           \
	{ "cpus", OPT_CPUS, required_argument, "LIST",                         \
	  "pin thread i to the i-th CPU of LIST (0,2-3), round robin past "    \
	  "its end" },                                                         \
	{ "sqpoll-cpu", OPT_SQPOLL_CPU, required_argument, "N",                \
	  "in sqpoll mode: the SQPOLL kernel threads' CPU" },              \
	{ "threads", 'j', required_argument, "N",                              \
	  "threads, each with its own queue; --count and --rate are shared "   \
	  "among them" },                                                      \
	{ "rate", 'R', required_argument, "IOPS",                              \
	  "open loop: issue at this rate, latency from the time each command " \
	  "was due; the run ends on time, and what fell due but was never "    \
	  "issued is counted as unsent" },                                     \
	{ "timeout", OPT_TIMEOUT, required_argument, "MS",                     \
	  "each command's timeout (default 0: the kernel's, "                  \
	  "nvme_core.io_timeout); a command past it is aborted and counted "   \
	  "as an error" },                                                     \
	{ "zoned", OPT_ZONED, required_argument, "append|write",               \
	  "on a zoned namespace: writes append to a zone (the device picks "   \
	  "the LBA), or go in order, one per zone at a time; the zones of "    \
	  "--range are reset first and whenever a thread has filled its own" },\
	{ "placement", OPT_PLACEMENT, required_argument, "all|PID,...",        \
	  "FDP: writes go round robin over these placement ids (nvio fdp "     \
	  "status lists them), or all of the namespace's" },                   \
	{ "force", OPT_FORCE, no_argument, NULL,                               \
	  "allow writes to a namespace in use" },                              \
	{ "clock", OPT_CLOCK, required_argument, "tsc|monotonic",              \
	  "timestamp source (default: the TSC if invariant)" },                \
	{ "inject-error", OPT_INJECT, required_argument, "N",                  \
	  "testing: every Nth command reads past the namespace's end (an "     \
	  "NVMe error); use it in irq mode on kernels whose polled error "   \
	  "path can oops (see nvio doctor)" },                                 \
	{ "hist-csv", OPT_HIST_CSV, required_argument, "FILE",                 \
	  "the histogram as CSV (bs, qd, mode, rw, lo_ns, hi_ns, count, wait per "   \
	  "bucket in use)" },                                                  \
	{ "help", 'h', no_argument, NULL, "this help" }

/* nvio lat's options, and what nvio help lat lists (tools/nvio.c). */
const struct cli_opt nvio_lat_opts[] = {
	{ "bs", 'b', required_argument, "SIZE",
	  "bytes per command, a multiple of the LBA size (default 4k)" },
	{ "qd", 'q', required_argument, "N", "commands in flight (default 1)" },
	{ "mode", 'm', required_argument, "poll|irq|sqpoll|hybrid",
	  "completions polled, by interrupt, submitted by a kernel thread, or "
	  "polled after a sleep (hybrid, Linux 6.15+); default: poll when the "
	  "namespace has poll queues and the kernel polls safely (see nvio "
	  "doctor), else irq" },
	{ "wait", OPT_WAIT, required_argument, "kernel|spin|hybrid",
	  "how a reap waits: in the kernel (an interrupt queue sleeps, a "
	  "polled one polls there), spinning in user space (one nonblocking "
	  "poll per system call, up to 1 ms a reap, then in the kernel; "
	  "burns the CPU on interrupt queues too), or "
	  "hybrid polling (the same as --mode hybrid); default: the "
	  "library's choice for this kernel (nvio_queue_set_wait(3))" },
	{ "output-format", 'o', required_argument, "normal|json|csv",
	  "output format" },
	{ "no-histogram", OPT_NO_HIST, no_argument, NULL,
	  "normal output without the bars" },
	{ "rw", 'w', required_argument, "read|write|mix",
	  "direction (default read)" },
	COMMON_ROWS("5"),
	/* sweep's spellings: the parser names them as sweep's */
	{ "bs-list", OPT_BS_LIST, required_argument, "LIST", NULL },
	{ "qd-list", OPT_QD_LIST, required_argument, "LIST", NULL },
	{ "modes", OPT_MODES, required_argument, "LIST", NULL },
	{ "waits", OPT_WAITS, required_argument, "LIST", NULL },
	{ "plot", OPT_PLOT, required_argument, "FILE", NULL },
	{ 0 },
};

const struct cli_opt nvio_sweep_opts[] = {
	{ "bs-list", 'b', required_argument, "LIST",
	  "block sizes (default 4k), e.g. 4k,8k,64k" },
	{ "qd-list", 'q', required_argument, "LIST",
	  "queue depths (default 1,2,4,8,16,32)" },
	{ "modes", 'm', required_argument, "LIST",
	  "poll, irq, sqpoll, hybrid (default: poll when available and safe, "
	  "else irq)" },
	{ "waits", OPT_WAITS, required_argument, "LIST",
	  "kernel, spin, hybrid: how reaps wait (see nvio lat --wait; "
	  "default: the library's choice)" },
	{ "rw", 'w', required_argument, "LIST", "read, write, mix (default read)" },
	{ "plot", OPT_PLOT, required_argument, "FILE.svg",
	  "draw latency percentiles against queue depth and IOPS against "
	  "latency" },
	{ "output-format", 'o', required_argument, "normal|json|csv",
	  "output format" },
	COMMON_ROWS("2 per point"),
	/* lat's spellings, taken as one-item lists */
	{ "bs", 'b', required_argument, "SIZE", NULL },
	{ "qd", 'q', required_argument, "N", NULL },
	{ "mode", 'm', required_argument, "MODE", NULL },
	{ "wait", OPT_WAIT, required_argument, "WAIT", NULL },
	{ "no-histogram", OPT_NO_HIST, no_argument, NULL, NULL },
	{ 0 },
};

static void lat_help(FILE *f)
{
	fprintf(f,
		"Usage: nvio lat DEV [OPTIONS]\n\n"
		"Measure per-command latency through NVMe passthrough: submit to\n"
		"reap, on a clock whose own cost is reported.\n\nOptions:\n");
	opttab_help(nvio_lat_opts, f);
	fprintf(f,
		"\nLatencies are in microseconds in normal output, nanoseconds in\n"
		"JSON and CSV. NVMe errors are counted by status and not included\n"
		"in latency. Writes are refused without --force when the namespace\n"
		"is mounted, in use, or holds a partition table or filesystem.\n"
		"Exit: 0 ok, 1 NVMe error status seen, 2 usage, 3 system error.\n");
}

static void sweep_help(FILE *f)
{
	fprintf(f,
		"Usage: nvio sweep DEV [OPTIONS]\n\n"
		"Run `nvio lat` over a matrix of block sizes, queue depths, modes\n"
		"and directions; one row per point.\n\nOptions:\n");
	opttab_help(nvio_sweep_opts, f);
	fprintf(f,
		"\nProgress goes to stderr when it is a terminal.\n"
		"Exit: 0 ok, 1 NVMe error status seen, 2 usage, 3 system error.\n");
}

void lat_opts_default(struct lat_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->pattern = LAT_RAND;
	o->rw = LAT_READ;
	o->mix_read = 50;
	o->bs = 4096;
	o->qd = 1;
	o->threads = 1;
	o->time_s = 5;
	o->mode = LAT_MODE_AUTO;
	o->regbuf = true;
	o->fmt = LAT_FMT_NORMAL;
	o->clock = LAT_CLOCK_AUTO;
	o->sqpoll_cpu = -1;
}

const char *lat_mode_name(enum lat_mode m)
{
	switch (m) {
	case LAT_MODE_POLL: return "poll";
	case LAT_MODE_IRQ: return "irq";
	case LAT_MODE_SQPOLL: return "sqpoll";
	case LAT_MODE_HYBRID: return "hybrid";
	default: return "auto";
	}
}

const char *lat_wait_name(enum lat_wait w)
{
	switch (w) {
	case LAT_WAIT_KERNEL: return "kernel";
	case LAT_WAIT_SPIN: return "spin";
	case LAT_WAIT_HYBRID: return "hybrid";
	default: return "default";
	}
}

const char *lat_rw_name(enum lat_rw rw)
{
	return rw == LAT_WRITE ? "write" : rw == LAT_MIX ? "mix" : "read";
}

const char *lat_zoned_name(enum lat_zoned z)
{
	return z == LAT_ZONED_APPEND ? "append" : z == LAT_ZONED_WRITE ? "write"
								      : "none";
}

const char *lat_pattern_name(enum lat_pattern p)
{
	return p == LAT_SEQ ? "seq" : "rand";
}

/* Digits only: no sign, no blanks, no empty string. */
static int parse_digits(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	uint64_t x = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*sp = s;
	*v = x;
	return 0;
}

int lat_parse_pids(const char *s, uint16_t *pids, unsigned *n)
{
	*n = 0;
	for (;;) {
		uint64_t v;

		if (*n == NVIO_FDP_MAX_PIDS || parse_digits(&s, &v) ||
		    v > 0xffff)
			return -EINVAL;
		pids[(*n)++] = (uint16_t)v;
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

static int scale(uint64_t *v, uint64_t mul)
{
	if (mul && *v > UINT64_MAX / mul)
		return -ERANGE;
	*v *= mul;
	return 0;
}

/* Digits and an optional k, M, G (and for sizes T) suffix: powers of 1024
 * for sizes, which may end in "i", "iB" or "B" as well; powers of 1000
 * for counts. */
static int parse_scaled(const char *s, uint64_t *v, bool size)
{
	uint64_t x, k = size ? 1024 : 1000, mul = 1;
	int rc;

	if (!s)
		return -EINVAL;
	rc = parse_digits(&s, &x);
	if (rc)
		return rc;
	switch (*s) {
	case 'k': case 'K': mul = k; s++; break;
	case 'm': case 'M': mul = k * k; s++; break;
	case 'g': case 'G': mul = k * k * k; s++; break;
	case 't': case 'T':
		if (size) {
			mul = k * k * k * k;
			s++;
		}
		break;
	default: break;
	}
	if (size && mul > 1 &&
	    (!strcmp(s, "i") || !strcmp(s, "iB") || !strcmp(s, "B")))
		s += strlen(s);
	else if (size && mul == 1 && !strcmp(s, "B"))
		s++;
	if (*s)
		return -EINVAL;
	rc = scale(&x, mul);
	if (rc)
		return rc;
	*v = x;
	return 0;
}

int lat_parse_size(const char *s, uint64_t *v)
{
	return parse_scaled(s, v, true);
}

int lat_parse_count(const char *s, uint64_t *v)
{
	return parse_scaled(s, v, false);
}

/* A non-negative decimal number (digits, optional fraction) and the rest. */
static int parse_decimal(const char *s, double *v, const char **end)
{
	char *e;
	double x;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	errno = 0;
	x = strtod(s, &e);
	if (e == s || errno || !isfinite(x) || x < 0)
		return -EINVAL;
	/* strtod takes hex and exponents; a duration has neither. */
	for (const char *p = s; p < e; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return -EINVAL;
	*v = x;
	*end = e;
	return 0;
}

static int time_unit(const char *u, double *mul)
{
	if (!strcmp(u, "") || !strcmp(u, "s"))
		*mul = 1;
	else if (!strcmp(u, "ms"))
		*mul = 1e-3;
	else if (!strcmp(u, "us"))
		*mul = 1e-6;
	else if (!strcmp(u, "m") || !strcmp(u, "min"))
		*mul = 60;
	else if (!strcmp(u, "h"))
		*mul = 3600;
	else
		return -EINVAL;
	return 0;
}

int lat_parse_seconds(const char *s, double *v)
{
	const char *e;
	double x, mul;

	if (parse_decimal(s, &x, &e) || time_unit(e, &mul))
		return -EINVAL;
	x *= mul;
	if (x > 1e7)
		return -ERANGE;
	*v = x;
	return 0;
}

int lat_parse_warmup(const char *s, bool by_count, uint64_t *n, double *sec)
{
	size_t len = s ? strlen(s) : 0;
	const char *e;
	double x, mul;

	if (len > 3 && !strcmp(s + len - 3, "ios")) {
		char buf[64];

		if (len - 3 >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, len - 3);
		buf[len - 3] = '\0';
		*sec = 0;
		return lat_parse_count(buf, n);
	}
	if (parse_decimal(s, &x, &e))
		return -EINVAL;
	if (!*e && by_count && !strchr(s, '.')) {
		*sec = 0;
		return lat_parse_count(s, n);
	}
	if (time_unit(e, &mul) || x * mul > 1e7)
		return -EINVAL;
	*n = 0;
	*sec = x * mul;
	return 0;
}

/* An LBA or a count: decimal, or hexadecimal after 0x (as LBAs are often
 * written). Not strtoull's base 0, which would read 010 as octal 8 and
 * skip leading blanks. */
static int parse_u64_any(const char *s, uint64_t *v)
{
	char *e;
	unsigned long long x;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		/* digits only: strtoull would take a second 0x */
		if (!s[2] || strspn(s + 2, "0123456789abcdefABCDEF") !=
				     strlen(s + 2))
			return -EINVAL;
		errno = 0;
		x = strtoull(s + 2, &e, 16);
		if (errno || *e)
			return -EINVAL;
		*v = x;
		return 0;
	}
	if (parse_digits(&s, v) || *s)
		return -EINVAL;
	return 0;
}

int lat_parse_range(const char *s, uint64_t *slba, uint64_t *nlb)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	char a[64];

	if (!colon || (size_t)(colon - s) >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, (size_t)(colon - s));
	a[colon - s] = '\0';
	if (parse_u64_any(a, slba) || parse_u64_any(colon + 1, nlb) || !*nlb)
		return -EINVAL;
	return 0;
}

/* A CPU number: decimal digits only, at most LAT_MAX_CPU; *end past it. */
static int parse_cpu(const char *s, unsigned *cpu, const char **end)
{
	unsigned v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > LAT_MAX_CPU)
			return -EINVAL;
	}
	if (p == s)
		return -EINVAL;
	*cpu = v;
	*end = p;
	return 0;
}

int lat_parse_cpus(const char *s, uint16_t *cpus, unsigned max, unsigned *n)
{
	const char *p = s;

	*n = 0;
	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		unsigned lo, hi;

		if (parse_cpu(p, &lo, &p))
			return -EINVAL;
		hi = lo;
		if (*p == '-' && (parse_cpu(p + 1, &hi, &p) || hi < lo))
			return -EINVAL;
		for (unsigned c = lo; c <= hi; c++) {
			if (*n == max)
				return -E2BIG;
			cpus[(*n)++] = (uint16_t)c;
		}
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -EINVAL;
	}
}


static int parse_mode(const char *s, enum lat_mode *m)
{
	if (!strcmp(s, "poll"))
		*m = LAT_MODE_POLL;
	else if (!strcmp(s, "irq"))
		*m = LAT_MODE_IRQ;
	else if (!strcmp(s, "sqpoll"))
		*m = LAT_MODE_SQPOLL;
	else if (!strcmp(s, "hybrid"))
		*m = LAT_MODE_HYBRID;
	else if (!strcmp(s, "auto"))
		*m = LAT_MODE_AUTO;
	else
		return -EINVAL;
	return 0;
}

static int parse_wait(const char *s, enum lat_wait *w)
{
	if (!strcmp(s, "kernel"))
		*w = LAT_WAIT_KERNEL;
	else if (!strcmp(s, "spin"))
		*w = LAT_WAIT_SPIN;
	else if (!strcmp(s, "hybrid"))
		*w = LAT_WAIT_HYBRID;
	else if (!strcmp(s, "default"))
		*w = LAT_WAIT_DEFAULT;
	else
		return -EINVAL;
	return 0;
}

/* Hybrid polling is a polled ring's setup, and its wait is the kernel's:
 * a mode and a wait that contradict each other. NULL when they agree. */
static const char *wait_conflict(enum lat_mode m, enum lat_wait w)
{
	if (w == LAT_WAIT_HYBRID && (m == LAT_MODE_IRQ || m == LAT_MODE_SQPOLL))
		return "hybrid polling needs --mode poll (or auto)";
	if (m == LAT_MODE_HYBRID && w == LAT_WAIT_SPIN)
		return "--mode hybrid waits in the kernel's polling loop, not "
		       "spinning";
	return NULL;
}

static int parse_rw(const char *s, enum lat_rw *rw)
{
	if (!strcmp(s, "read"))
		*rw = LAT_READ;
	else if (!strcmp(s, "write"))
		*rw = LAT_WRITE;
	else if (!strcmp(s, "mix"))
		*rw = LAT_MIX;
	else
		return -EINVAL;
	return 0;
}

/* A block size: 1 byte to 1 GiB. */
static int parse_bs(const char *s, uint64_t *bs)
{
	uint64_t v;

	if (lat_parse_size(s, &v) || !v || v > (1ull << 30))
		return -EINVAL;
	*bs = v;
	return 0;
}

static int parse_qd(const char *s, unsigned *qd)
{
	uint64_t v;

	if (lat_parse_count(s, &v) || !v || v > LAT_MAX_QD)
		return -EINVAL;
	*qd = (unsigned)v;
	return 0;
}

/* Splits a comma list and calls `item` on each element. */
static int parse_list(const char *s, unsigned max, unsigned *n,
		      int (*item)(const char *s, unsigned i, void *out),
		      void *out)
{
	char buf[512];
	char *save = NULL, *tok;
	unsigned k = 0;
	size_t len = strlen(s);

	if (!len || len >= sizeof(buf) || s[0] == ',' || s[len - 1] == ',' ||
	    strstr(s, ",,"))
		return -EINVAL;
	memcpy(buf, s, len + 1);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (k >= max || item(tok, k, out))
			return -EINVAL;
		k++;
	}
	*n = k;
	return 0;
}

static int item_size(const char *s, unsigned i, void *out)
{
	return parse_bs(s, &((uint64_t *)out)[i]);
}

static int item_qd(const char *s, unsigned i, void *out)
{
	return parse_qd(s, &((unsigned *)out)[i]);
}

static int item_mode(const char *s, unsigned i, void *out)
{
	return parse_mode(s, &((enum lat_mode *)out)[i]);
}

static int item_wait(const char *s, unsigned i, void *out)
{
	return parse_wait(s, &((enum lat_wait *)out)[i]);
}

static int item_rw(const char *s, unsigned i, void *out)
{
	return parse_rw(s, &((enum lat_rw *)out)[i]);
}

__attribute__((format(printf, 3, 4))) static int usage(FILE *err,
							const char *prog,
							const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lat_verr(err, prog, fmt, ap);
	va_end(ap);
	fprintf(err, "Try 'nvio %s --help'.\n", prog);
	return LAT_EXIT_USAGE;
}

int lat_check_cpus(const struct lat_opts *o, FILE *err, const char *prog)
{
	cpu_set_t set;

	/* A mask over 1024 CPUs cannot be read here: the run says so when
	 * it cannot save its own. */
	if (o->ncpus && !sched_getaffinity(0, sizeof(set), &set)) {
		for (unsigned i = 0; i < o->ncpus; i++) {
			if (CPU_ISSET(o->cpus[i], &set))
				continue;
			return usage(err, prog, "CPU %u is not one this "
				     "process may run on (%d allowed; see nproc, "
				     "taskset -p $$)", o->cpus[i],
				     CPU_COUNT(&set));
		}
	}
	/* The SQPOLL thread is the kernel's: it may go to any CPU that is
	 * there, whatever this process's own mask (the kernel says if the
	 * CPU is offline). */
	if (o->sqpoll_cpu >= 0) {
		long n = sysconf(_SC_NPROCESSORS_CONF);

		if (n > 0 && o->sqpoll_cpu >= n)
			return usage(err, prog, "--sqpoll-cpu %d: there is no "
				     "such CPU (%ld configured)", o->sqpoll_cpu, n);
	}
	return 0;
}

int lat_parse(int argc, char **argv, struct lat_opts *o, struct lat_sweep *sw,
	      FILE *err)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : (sw ? "sweep" : "lat");
	const struct cli_opt *tab = sw ? nvio_sweep_opts : nvio_lat_opts;
	struct option longs[64];
	char shorts[96];
	const char *warmup = NULL;
	bool mix_set = false, rw_set = false, count_set = false,
	     time_set = false;
	int c;

	lat_opts_default(o);
	if (sw) {
		memset(sw, 0, sizeof(*sw));
		sw->bs[0] = 4096;
		sw->nbs = 1;
		for (unsigned i = 0; i < 6; i++)
			sw->qd[i] = 1u << i;
		sw->nqd = 6;
		sw->modes[0] = LAT_MODE_AUTO;
		sw->nmodes = 1;
		sw->waits[0] = LAT_WAIT_DEFAULT;
		sw->nwaits = 1;
		sw->rws[0] = LAT_READ;
		sw->nrws = 1;
		o->time_s = 2;
	}
	opttab_build(tab, longs, sizeof(longs) / sizeof(longs[0]), shorts,
		     sizeof(shorts));
	optind = 0; /* a full re-initialisation: the caller may have parsed */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const char *a = optarg;
		uint64_t v;

		switch (c) {
		case 'p':
			if (!strcmp(a, "rand") || !strcmp(a, "random"))
				o->pattern = LAT_RAND;
			else if (!strcmp(a, "seq") || !strcmp(a, "sequential"))
				o->pattern = LAT_SEQ;
			else
				return usage(err, prog, "--pattern: '%s' is not "
					     "rand or seq", a);
			break;
		case 'w':
			rw_set = true;
			if (sw) {
				if (parse_list(a, LAT_MAX_LIST, &sw->nrws, item_rw,
					       sw->rws))
					return usage(err, prog, "--rw: '%s' is not a "
						     "list of read, write, mix", a);
				o->rw = sw->rws[0];
			} else if (parse_rw(a, &o->rw)) {
				return usage(err, prog, "--rw: '%s' is not read, "
					     "write or mix", a);
			}
			break;
		case 'M':
			if (lat_parse_count(a, &v) || v > 100)
				return usage(err, prog, "--mix-read: '%s' is not a "
					     "percentage (0-100)", a);
			o->mix_read = (unsigned)v;
			mix_set = true;
			break;
		case 'b':
		case OPT_BS_LIST:
			if (sw) {
				if (parse_list(a, LAT_MAX_LIST, &sw->nbs, item_size,
					       sw->bs))
					return usage(err, prog, "--bs-list: '%s' is "
						     "not a list of sizes (1 byte "
						     "to 1 GiB)", a);
				o->bs = sw->bs[0];
			} else if (c == OPT_BS_LIST) {
				return usage(err, prog, "--bs-list is for sweep; "
					     "use --bs");
			} else if (parse_bs(a, &o->bs)) {
				return usage(err, prog, "--bs: '%s' is not a size "
					     "(1 byte to 1 GiB; k, M, G suffixes)", a);
			}
			break;
		case 'q':
		case OPT_QD_LIST:
			if (sw) {
				if (parse_list(a, LAT_MAX_LIST, &sw->nqd, item_qd,
					       sw->qd))
					return usage(err, prog, "--qd-list: '%s' is "
						     "not a list of depths (1-%u)",
						     a, LAT_MAX_QD);
				o->qd = sw->qd[0];
			} else if (c == OPT_QD_LIST) {
				return usage(err, prog, "--qd-list is for sweep; "
					     "use --qd");
			} else if (parse_qd(a, &o->qd)) {
				return usage(err, prog, "--qd: '%s' is not a queue "
					     "depth (1-%u)", a, LAT_MAX_QD);
			}
			break;
		case 'c':
			if (lat_parse_count(a, &o->count) || !o->count)
				return usage(err, prog, "--count: '%s' is not a "
					     "positive count", a);
			count_set = true;
			break;
		case 't':
			if (lat_parse_seconds(a, &o->time_s) || o->time_s <= 0)
				return usage(err, prog, "--time: '%s' is not a "
					     "positive duration (5, 1.5, 500ms, 2m)", a);
			time_set = true;
			break;
		case 'W':
			warmup = a;
			break;
		case 'r':
			if (lat_parse_range(a, &o->range_slba, &o->range_nlb))
				return usage(err, prog, "--range: '%s' is not "
					     "SLBA:NLB (NLB > 0)", a);
			o->range_set = true;
			break;
		case 'm':
		case OPT_MODES:
			if (sw) {
				if (parse_list(a, LAT_MAX_LIST, &sw->nmodes,
					       item_mode, sw->modes))
					return usage(err, prog, "--modes: '%s' is "
						     "not a list of poll, irq, "
						     "sqpoll, hybrid", a);
				o->mode = sw->modes[0];
			} else if (c == OPT_MODES) {
				return usage(err, prog, "--modes is for sweep; "
					     "use --mode");
			} else if (parse_mode(a, &o->mode)) {
				return usage(err, prog, "--mode: '%s' is not poll, "
					     "irq, sqpoll or hybrid", a);
			}
			break;
		case OPT_WAIT:
		case OPT_WAITS:
			if (sw) {
				if (parse_list(a, LAT_MAX_LIST, &sw->nwaits,
					       item_wait, sw->waits))
					return usage(err, prog, "--waits: '%s' is "
						     "not a list of kernel, spin, "
						     "hybrid", a);
				o->wait = sw->waits[0];
			} else if (c == OPT_WAITS) {
				return usage(err, prog, "--waits is for sweep; "
					     "use --wait");
			} else if (parse_wait(a, &o->wait)) {
				return usage(err, prog, "--wait: '%s' is not "
					     "kernel, spin or hybrid", a);
			}
			break;
		case OPT_NO_REGBUF:
			o->regbuf = false;
			break;
		case 'j':
			if (lat_parse_count(a, &v) || !v || v > LAT_MAX_THREADS)
				return usage(err, prog, "--threads: '%s' is not a "
					     "thread count (1-%u)", a,
					     LAT_MAX_THREADS);
			o->threads = (unsigned)v;
			break;
		case 'R':
			if (lat_parse_count(a, &o->rate) || !o->rate ||
			    o->rate > 1000000000ull)
				return usage(err, prog, "--rate: '%s' is not a "
					     "positive rate in commands per second",
					     a);
			break;
		case 'o':
			if (!strcmp(a, "normal"))
				o->fmt = LAT_FMT_NORMAL;
			else if (!strcmp(a, "json"))
				o->fmt = LAT_FMT_JSON;
			else if (!strcmp(a, "csv"))
				o->fmt = LAT_FMT_CSV;
			else
				return usage(err, prog, "--output-format: '%s' is "
					     "not normal, json or csv", a);
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_CLOCK:
			if (!strcmp(a, "tsc"))
				o->clock = LAT_CLOCK_TSC;
			else if (!strcmp(a, "monotonic"))
				o->clock = LAT_CLOCK_MONOTONIC;
			else
				return usage(err, prog, "--clock: '%s' is not tsc "
					     "or monotonic", a);
			break;
		case OPT_NO_HIST:
			o->no_hist = true;
			break;
		case OPT_HIST_CSV:
			if (!*a)
				return usage(err, prog, "--hist-csv: empty file "
					     "name");
			o->hist_csv = a;
			break;
		case OPT_CPUS: {
			int e = lat_parse_cpus(a, o->cpus, LAT_MAX_THREADS,
					       &o->ncpus);

			if (e == -E2BIG)
				return usage(err, prog, "--cpus: '%s' names more "
					     "than %u CPUs", a, LAT_MAX_THREADS);
			if (e)
				return usage(err, prog, "--cpus: '%s' is not a "
					     "CPU list (0,2-3; CPUs 0-%u)", a,
					     LAT_MAX_CPU);
			break;
		}
		case OPT_SQPOLL_CPU: {
			unsigned cpu;
			const char *end;

			if (parse_cpu(a, &cpu, &end) || *end)
				return usage(err, prog, "--sqpoll-cpu: '%s' is not "
					     "a CPU number (0-%u)", a, LAT_MAX_CPU);
			o->sqpoll_cpu = (int)cpu;
			break;
		}
		case OPT_TIMEOUT: {
			uint64_t ms;
			char *end;

			errno = 0;
			ms = strtoull(a, &end, 10);
			if (!*a || *end || *a == '-' || errno || ms > UINT32_MAX)
				return usage(err, prog, "--timeout: '%s' is not "
					     "a number of milliseconds (0-%u)",
					     a, UINT32_MAX);
			o->timeout_ms = (uint32_t)ms;
			break;
		}
		case OPT_PLACEMENT:
			o->placement = a;
			if (strcmp(a, "all") && lat_parse_pids(a, o->pids,
							       &o->npids))
				return usage(err, prog, "--placement: '%s' is "
					     "not all or placement ids (0-65535, "
					     "at most %u)", a, NVIO_FDP_MAX_PIDS);
			break;
		case OPT_ZONED:
			if (!strcmp(a, "append"))
				o->zoned = LAT_ZONED_APPEND;
			else if (!strcmp(a, "write"))
				o->zoned = LAT_ZONED_WRITE;
			else
				return usage(err, prog, "--zoned: '%s' is not "
					     "append or write", a);
			break;
		case OPT_INJECT:
			if (lat_parse_count(a, &o->inject_every) ||
			    !o->inject_every)
				return usage(err, prog, "--inject-error: '%s' is "
					     "not a positive count", a);
			break;
		case OPT_PLOT:
			if (!sw)
				return usage(err, prog, "--plot is for sweep");
			if (!*a)
				return usage(err, prog, "--plot: empty file name");
			sw->plot = a;
			break;
		case 'h':
			if (sw)
				sweep_help(stdout);
			else
				lat_help(stdout);
			return -1;
		case ':':
			return usage(err, prog, "%s needs a value",
				     argv[optind - 1]);
		default: {
			char m[128];

			opt_refused(m, sizeof(m), shorts, longs, optopt,
				    argv[optind - 1]);
			return usage(err, prog, "%s", m);
		}
		}
	}
	if (optind >= argc)
		return usage(err, prog, "no device given (DEV: /dev/ngXnY or "
			     "/dev/nvmeXnY)");
	if (optind + 1 < argc)
		return usage(err, prog, "one device only; '%s' is extra",
			     argv[optind + 1]);
	o->dev = argv[optind];
	lat_note_device(o->dev);
	if (count_set && time_set)
		return usage(err, prog, "--count and --time exclude each other");
	if (count_set)
		o->time_s = 0;
	if (mix_set && rw_set && !sw && o->rw != LAT_MIX)
		return usage(err, prog, "--mix-read applies to --rw mix");
	if (mix_set && rw_set && sw) {
		bool mix = false;

		for (unsigned i = 0; i < sw->nrws; i++)
			mix |= sw->rws[i] == LAT_MIX;
		if (!mix)
			return usage(err, prog, "--mix-read applies to --rw "
				     "mix, which the --rw list lacks");
	}
	if (mix_set && !rw_set) {
		o->rw = LAT_MIX;
		if (sw)
			sw->rws[0] = LAT_MIX;
	}
	if (warmup && lat_parse_warmup(warmup, count_set, &o->warmup_n,
				       &o->warmup_s))
		return usage(err, prog, "--warmup: '%s' is not a duration "
			     "(2s, 500ms) or a count (1000ios)", warmup);
	{
		enum lat_mode m = o->mode;
		enum lat_wait w = o->wait;
		const char *why = wait_conflict(m, w);

		for (unsigned i = 0; sw && !why && i < sw->nmodes; i++)
			for (unsigned j = 0; !why && j < sw->nwaits; j++) {
				m = sw->modes[i];
				w = sw->waits[j];
				why = wait_conflict(m, w);
			}
		if (why)
			return usage(err, prog, "--mode%s %s with --wait%s %s: %s",
				     sw ? "s" : "", lat_mode_name(m),
				     sw ? "s" : "", lat_wait_name(w), why);
	}
	if (o->sqpoll_cpu >= 0) {
		bool sq = o->mode == LAT_MODE_SQPOLL;

		for (unsigned i = 0; sw && i < sw->nmodes; i++)
			sq |= sw->modes[i] == LAT_MODE_SQPOLL;
		if (!sq)
			return usage(err, prog, "--sqpoll-cpu applies to "
				     "--mode sqpoll");
	}
	if (o->zoned) {
		bool wr = o->rw != LAT_READ;

		for (unsigned i = 0; sw && i < sw->nrws; i++)
			wr |= sw->rws[i] != LAT_READ;
		if (!wr)
			return usage(err, prog, "--zoned applies to writes "
				     "(--rw write or mix)");
		/* A command that fails leaves a zone's write pointer
		 * behind the LBAs lat counts on. */
		if (o->inject_every)
			return usage(err, prog, "--inject-error and --zoned "
				     "exclude each other");
		if (o->placement)
			return usage(err, prog, "--placement and --zoned "
				     "exclude each other");
	}
	if (o->placement) {
		bool wr = o->rw != LAT_READ;

		for (unsigned i = 0; sw && i < sw->nrws; i++)
			wr |= sw->rws[i] != LAT_READ;
		if (!wr)
			return usage(err, prog, "--placement applies to writes "
				     "(--rw write or mix)");
	}
	if (o->count && o->count < o->threads)
		return usage(err, prog, "--count %llu is less than one command "
			     "per thread (%u threads)",
			     (unsigned long long)o->count, o->threads);
	if (o->rate && o->rate < o->threads)
		return usage(err, prog, "--rate %llu is less than one command per "
			     "second per thread (%u threads)",
			     (unsigned long long)o->rate, o->threads);
	return 0;
}
