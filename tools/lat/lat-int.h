/* SPDX-License-Identifier: MIT */
/*
 * lat-int.h - what the latency probe's files share: options and their
 * parsing, the run engine and its results, and the writers (text, JSON,
 * CSV, SVG). Pure parts (parsing, writers) are unit tested in tests/lat.
 */
#ifndef NVIO_LAT_INT_H
#define NVIO_LAT_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <nvio.h>

#include "../safety.h"

#include "clock.h"
#include "hist.h"

enum {
	LAT_EXIT_OK = 0,
	LAT_EXIT_NVME = 1,
	LAT_EXIT_USAGE = 2,
	LAT_EXIT_SYSTEM = 3,
};

enum lat_pattern { LAT_RAND, LAT_SEQ };
enum lat_rw { LAT_READ, LAT_WRITE, LAT_MIX };
/* --zoned: how writes reach a zoned namespace */
enum lat_zoned { LAT_ZONED_NONE, LAT_ZONED_APPEND, LAT_ZONED_WRITE };
enum lat_mode {
	LAT_MODE_AUTO,
	LAT_MODE_POLL,
	LAT_MODE_IRQ,
	LAT_MODE_SQPOLL,
	LAT_MODE_HYBRID
};
/* --wait: how a reap waits (nvio_queue_set_wait; hybrid is the kernel's
 * IORING_SETUP_HYBRID_IOPOLL, the same as --mode hybrid) */
enum lat_wait {
	LAT_WAIT_DEFAULT,
	LAT_WAIT_KERNEL,
	LAT_WAIT_SPIN,
	LAT_WAIT_HYBRID
};
enum lat_fmt { LAT_FMT_NORMAL, LAT_FMT_JSON, LAT_FMT_CSV };

#define LAT_MAX_QD 4096u
#define LAT_MAX_THREADS 256u
#define LAT_MAX_LIST 32u
#define LAT_MAX_CPU 1023u     /* the highest CPU number --cpus takes */

/* One run's parameters: everything `lat` takes, one point of a sweep. */
struct lat_opts {
	const char *dev;
	enum lat_pattern pattern;
	enum lat_rw rw;
	unsigned mix_read;      /* percent of reads with LAT_MIX */
	uint64_t bs;            /* bytes per command */
	unsigned qd;
	unsigned threads;
	uint64_t count;         /* measured commands, 0 = by time */
	double time_s;          /* measured seconds when count == 0 */
	uint64_t warmup_n;      /* commands before measuring ... */
	double warmup_s;        /* ... and seconds before measuring */
	bool range_set;
	uint64_t range_slba, range_nlb;
	enum lat_mode mode;
	enum lat_wait wait;
	bool regbuf;
	uint64_t rate;          /* open loop, commands/s over all threads */
	enum lat_fmt fmt;
	bool force;
	bool no_hist;           /* normal output without the bars */
	const char *hist_csv;   /* the histogram as CSV to this file, or NULL */
	enum lat_clock_src clock;
	uint64_t inject_every;  /* testing: every Nth command fails */
	/* Thread i runs on cpus[i % ncpus] when ncpus > 0. */
	uint16_t cpus[LAT_MAX_THREADS];
	unsigned ncpus;
	int sqpoll_cpu;         /* the SQPOLL kernel threads' CPU, or -1 */
	uint32_t timeout_ms;    /* every command's timeout, 0 the kernel's */
	enum lat_zoned zoned;
	/* --placement: writes go round robin over these FDP placement ids
	 * (each thread starting at its own); "all" fills them from the
	 * namespace at the geometry check */
	const char *placement;
	uint16_t pids[NVIO_FDP_MAX_PIDS];
	unsigned npids;
};

/* What `sweep` varies; the rest of its lat_opts is shared by all points. */
struct lat_sweep {
	uint64_t bs[LAT_MAX_LIST];
	unsigned nbs;
	unsigned qd[LAT_MAX_LIST];
	unsigned nqd;
	enum lat_mode modes[LAT_MAX_LIST];
	unsigned nmodes;
	enum lat_wait waits[LAT_MAX_LIST];
	unsigned nwaits;
	enum lat_rw rws[LAT_MAX_LIST];
	unsigned nrws;
	const char *plot;       /* SVG file, or NULL */
};

void lat_opts_default(struct lat_opts *o);
/* Parses argv (argv[0] = subcommand); `sw` non-NULL for sweep. Returns
 * 0, or LAT_EXIT_USAGE after printing why on `err`; -1 after --help was
 * printed to stdout. */
int lat_parse(int argc, char **argv, struct lat_opts *o, struct lat_sweep *sw,
	      FILE *err);

/* Parsers used by lat_parse, exported for the unit tests. 0 or -EINVAL. */
int lat_parse_size(const char *s, uint64_t *v);
int lat_parse_count(const char *s, uint64_t *v);   /* k/M/G = 10^3.. */
int lat_parse_seconds(const char *s, double *v);   /* 5, 1.5, 500ms, 2m */
/* "2s" or "500ms" (seconds), "1000ios" (commands), or a plain number:
 * commands when by_count, else seconds. */
int lat_parse_warmup(const char *s, bool by_count, uint64_t *n, double *sec);
int lat_parse_range(const char *s, uint64_t *slba, uint64_t *nlb);
/* "0,1,16384": placement ids, at most NVIO_FDP_MAX_PIDS. */
int lat_parse_pids(const char *s, uint16_t *pids, unsigned *n);
/* "0,2-3": CPU numbers (0..LAT_MAX_CPU) in the order given, at most max;
 * ranges ascending; -EINVAL, or -E2BIG when more than max. */
int lat_parse_cpus(const char *s, uint16_t *cpus, unsigned max, unsigned *n);
/* Are the CPUs the options name ones this process may run on? 0, or
 * LAT_EXIT_USAGE after saying which is not on err. */
int lat_check_cpus(const struct lat_opts *o, FILE *err, const char *prog);
const char *lat_mode_name(enum lat_mode m);
const char *lat_wait_name(enum lat_wait w);
/* This thread's user and system CPU time so far, in ns (0 and 0 if
 * getrusage fails). */
void lat_thread_cpu(uint64_t *user, uint64_t *sys);
const char *lat_rw_name(enum lat_rw rw);
const char *lat_pattern_name(enum lat_pattern p);
const char *lat_zoned_name(enum lat_zoned z);

/* NVMe error statuses seen, by `res` value. */
#define LAT_MAX_ERR_KINDS 16
struct lat_errs {
	uint64_t total;
	unsigned kinds;
	int res[LAT_MAX_ERR_KINDS];
	uint64_t count[LAT_MAX_ERR_KINDS];
	uint64_t other; /* statuses beyond LAT_MAX_ERR_KINDS kinds */
};
void lat_errs_add(struct lat_errs *e, int res, uint64_t n);
void lat_errs_merge(struct lat_errs *dst, const struct lat_errs *src);

/* What a histogram says, computed once at the end of a run. */
struct lat_stats {
	uint64_t n, under, over;
	uint64_t min, max, p50, p90, p99, p999, p9999; /* ns */
	double mean, stddev;                            /* ns */
};
void lat_stats_from(struct lat_stats *s, const struct lat_hist *h);

/* One run's results. */
struct lat_result {
	struct lat_opts o;        /* as run (range resolved) */
	/* what the queue turned out to be */
	bool polled, sqpoll, irq_fallback, reg_bufs, reg_file;
	bool poll_unsafe, hybrid;
	bool spin;                /* reaps spin in user space (NVIO_WAIT_SPIN) */
	uint32_t lba_size;
	struct lat_clock clk;
	uint64_t ios;             /* measured successful commands */
	uint64_t unsent;          /* open loop: fell due, never issued */
	/* Still in flight when the run gave up waiting (a second after it
	 * was stopped): their queues and buffers are left to the kernel. */
	uint64_t unreaped;
	/* Completed after --timeout as the kernel ends such a command
	 * (-EINTR, or status Command Abort Requested); not latencies. */
	uint64_t timed_out;
	/* --zoned: the zones reset during the measured run (their writers
	 * had filled them), not counting the resets before it */
	uint64_t zone_resets;
	/* CPU time of the threads that submit and reap (getrusage
	 * RUSAGE_THREAD), from each one's first measured command to its
	 * end: not the kernel's SQPOLL or io-wq threads. */
	double cpu_user_s, cpu_sys_s;
	struct lat_stats lag;     /* open loop: issue time - due time, ns */
	uint64_t bytes;
	double elapsed_s;         /* measured window */
	double iops, bw;          /* bw in bytes/s */
	struct lat_stats all, rd, wr;
	struct lat_hist *hist;    /* all commands merged; NULL once freed */
	struct lat_errs errs;
	int sys_err;              /* -errno that stopped the run, or 0 */
	char sys_what[128];       /* what failed */
	bool interrupted;         /* stopped by SIGINT */
	/* With --cpus: the CPU each thread was on when it finished (-1 if
	 * unknown), the proof that pinning held. */
	int16_t thread_cpu[LAT_MAX_THREADS];
};

/* Runs one point on an open device. Returns 0 when the run happened (the
 * result says if NVMe errors or an errno ended it) or -errno when it could
 * not start (queue creation: r->sys_what says what). */
int lat_run(struct nvio_dev *dev, const struct lat_opts *o,
	    const struct lat_clock *clk, struct lat_result *r);
/* The exit code a result calls for. */
int lat_result_exit(const struct lat_result *r);
void lat_result_free_hist(struct lat_result *r);

/* SIGINT stops runs (and a sweep) early; the results so far are printed.
 * A second SIGINT kills as usual. */
void lat_sigint_install(void);
void lat_sigint_restore(void);
bool lat_interrupted(void);

/* Checks a run's options against the namespace (bs a multiple of the LBA
 * size and within the maximum transfer, range inside, room for one
 * command per thread); fills the default range. Prints why on `err`. */
int lat_check_geometry(struct lat_opts *o, const struct nvio_dev_info *info,
		       FILE *err, const char *prog);
/* Its placement part (called by it): resolves "all". */
int lat_check_placement(struct lat_opts *o, const struct nvio_dev_info *info,
			FILE *err, const char *prog);
/* Its zoned part (called by it), for commands of nlb LBAs. */
int lat_check_zoned(const struct lat_opts *o, const struct nvio_dev_info *info,
		    uint64_t nlb, FILE *err, const char *prog);

/* Opens DEV for a run (read-only when the run only reads), sets up the
 * clock, and checks the geometry and (for writes) safety. Returns 0 or the
 * exit code after printing why. */
int lat_prepare(const char *prog, struct lat_opts *o, bool writes,
		struct nvio_dev **devp, struct lat_clock *clk);
/* Reports a run that could not start or stopped on an errno. */
void lat_report_sys(const char *prog, const struct lat_result *r);

/* Safety of writes: 0 go on, 1 refused (why filled), -errno when the check
 * itself failed. */
int lat_safety_check(struct nvio_dev *dev, char *why, size_t len);
/* The rules themselves are the nvio tool's (tools/safety.h). */
#define lat_safety_signature safety_signature
#define LAT_SAFETY_PROBE_BYTES SAFETY_PROBE_BYTES

/* Errors: "nvio PROG: message" on f, the message also kept for
 * nvio_lat_error() (the nvio tool's JSON error document). */
__attribute__((format(printf, 3, 4))) void lat_err(FILE *f, const char *prog,
						   const char *fmt, ...);
void lat_verr(FILE *f, const char *prog, const char *fmt, va_list ap);
/* The device the options named, and the errno behind a system error, for
 * nvio_lat_device() and nvio_lat_errno(). */
void lat_note_device(const char *dev);
void lat_note_errno(int err);

/* Opens an output file named by option `opt` before any measuring, so
 * that a path that cannot be written fails at once; NULL after saying
 * why. */
FILE *lat_open_output(const char *prog, const char *opt, const char *path);
/* The histogram as CSV: one row per bucket in use, after the point's
 * identity (bs, qd, mode, rw), so that a sweep's points share one file. */
void lat_hist_csv_header(FILE *f);
void lat_hist_csv_rows(FILE *f, const struct lat_result *r);

/* Writers. */
void lat_print_normal(FILE *f, const struct lat_result *r);
void lat_print_json(FILE *f, const struct lat_result *r, bool histogram);
void lat_csv_header(FILE *f);
void lat_csv_row(FILE *f, const struct lat_result *r);
void lat_sweep_table_header(FILE *f);
void lat_sweep_table_row(FILE *f, const struct lat_result *r);
void lat_sweep_json(FILE *f, const struct lat_result *r, unsigned n);
/* -1 on a write error, else how many series were left out of the picture
 * (it draws at most LAT_SVG_MAX_SERIES, and says so in the image). */
#define LAT_SVG_MAX_SERIES 64u
int lat_svg_write(FILE *f, const struct lat_result *r, unsigned n,
		  const char *title);

/* Small JSON writer (indented, commas handled). */
struct lat_jw {
	FILE *f;
	int depth;
	bool first[16];
};
void lat_jw_begin(struct lat_jw *w, FILE *f);
void lat_jw_end(struct lat_jw *w);
void lat_jw_obj(struct lat_jw *w, const char *key);
void lat_jw_obj_end(struct lat_jw *w);
void lat_jw_arr(struct lat_jw *w, const char *key);
void lat_jw_arr_end(struct lat_jw *w);
void lat_jw_str(struct lat_jw *w, const char *key, const char *v);
void lat_jw_u64(struct lat_jw *w, const char *key, uint64_t v);
void lat_jw_i64(struct lat_jw *w, const char *key, int64_t v);
void lat_jw_dbl(struct lat_jw *w, const char *key, double v);
void lat_jw_bool(struct lat_jw *w, const char *key, bool v);

#endif
