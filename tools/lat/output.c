/* SPDX-License-Identifier: MIT */
/*
 * output.c - results as text for people, and as JSON and CSV for scripts.
 *
 * JSON and CSV give latencies in integer nanoseconds (mean and stddev with
 * one decimal); the CSV columns are a stable interface, listed in
 * lat_csv_header() and tools/lat/README.md, and only ever appended to.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "lat-int.h"
#include "lat.h"

/* ------------------------------------------------------------------ */
/* JSON writer */

static void jw_indent(struct lat_jw *w)
{
	fputc('\n', w->f);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

static void jw_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void jw_key(struct lat_jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
	jw_indent(w);
	if (key) {
		jw_escape(w->f, key);
		fputs(": ", w->f);
	}
}

void lat_jw_begin(struct lat_jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	fputc('{', f);
	w->depth = 1;
	w->first[1] = true;
}

void lat_jw_end(struct lat_jw *w)
{
	fputs("\n}\n", w->f);
	w->depth = 0;
}

static void jw_open(struct lat_jw *w, const char *key, char ch)
{
	jw_key(w, key);
	fputc(ch, w->f);
	if (w->depth < 15)
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct lat_jw *w, char ch)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		jw_indent(w);
	fputc(ch, w->f);
}

void lat_jw_obj(struct lat_jw *w, const char *key) { jw_open(w, key, '{'); }
void lat_jw_obj_end(struct lat_jw *w) { jw_close(w, '}'); }
void lat_jw_arr(struct lat_jw *w, const char *key) { jw_open(w, key, '['); }
void lat_jw_arr_end(struct lat_jw *w) { jw_close(w, ']'); }

void lat_jw_str(struct lat_jw *w, const char *key, const char *v)
{
	jw_key(w, key);
	jw_escape(w->f, v ? v : "");
}

void lat_jw_u64(struct lat_jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

void lat_jw_i64(struct lat_jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRId64, v);
}

void lat_jw_dbl(struct lat_jw *w, const char *key, double v)
{
	jw_key(w, key);
	/* JSON has no NaN or infinity. */
	if (!isfinite(v))
		fputs("null", w->f);
	else
		fprintf(w->f, "%.3f", v);
}

void lat_jw_bool(struct lat_jw *w, const char *key, bool v)
{
	jw_key(w, key);
	fputs(v ? "true" : "false", w->f);
}

/* ------------------------------------------------------------------ */
/* shared descriptions */

static const char *mode_used(const struct lat_result *r)
{
	if (r->sqpoll)
		return r->polled ? "sqpoll+poll" : "sqpoll";
	if (r->hybrid)
		return "hybrid";
	return r->polled ? "poll" : "irq";
}

/* How the reaps waited: what --wait asked for, or the default's choice. */
static const char *wait_used(const struct lat_result *r)
{
	return r->hybrid ? "hybrid" : r->spin ? "spin" : "kernel";
}

static void fmt_size(char *buf, size_t len, uint64_t b)
{
	if (b >= (1ull << 30) && !(b & ((1ull << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 " GiB", b >> 30);
	else if (b >= (1ull << 20) && !(b & ((1ull << 20) - 1)))
		snprintf(buf, len, "%" PRIu64 " MiB", b >> 20);
	else if (b >= 1024 && !(b & 1023))
		snprintf(buf, len, "%" PRIu64 " KiB", b >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " B", b);
}

static void us(char *buf, size_t len, double ns)
{
	if (ns < 100000)
		snprintf(buf, len, "%.2f", ns / 1000.0);
	else if (ns < 10000000)
		snprintf(buf, len, "%.1f", ns / 1000.0);
	else
		snprintf(buf, len, "%.0f", ns / 1000.0);
}

/* ------------------------------------------------------------------ */
/* normal */

/* label: "read", "write", "all" with --rw mix, else NULL. */
static void print_stats(FILE *f, const char *label, const struct lat_stats *s)
{
	char a[7][32], pre[16];

	snprintf(pre, sizeof(pre), "%s%s", label ? label : "", label ? " " : "");
	if (!s->n) {
		fprintf(f, "  %sno command completed successfully\n", pre);
		return;
	}
	us(a[0], sizeof(a[0]), (double)s->min);
	us(a[1], sizeof(a[1]), s->mean);
	us(a[2], sizeof(a[2]), s->stddev);
	us(a[3], sizeof(a[3]), (double)s->max);
	fprintf(f, "  %slatency (us): min %s  mean %s  stddev %s  max %s\n",
		pre, a[0], a[1], a[2], a[3]);
	us(a[0], sizeof(a[0]), (double)s->p50);
	us(a[1], sizeof(a[1]), (double)s->p90);
	us(a[2], sizeof(a[2]), (double)s->p99);
	us(a[3], sizeof(a[3]), (double)s->p999);
	us(a[4], sizeof(a[4]), (double)s->p9999);
	fprintf(f, "  %spercentiles (us): p50 %s  p90 %s  p99 %s  p99.9 %s"
		"  p99.99 %s\n", pre, a[0], a[1], a[2], a[3], a[4]);
	if (s->under || s->over)
		fprintf(f, "  %soutside the histogram's range: %" PRIu64
			" below 100 ns, %" PRIu64 " above 10 s (counted in its "
			"end buckets)\n", pre, s->under, s->over);
}

static void print_errs(FILE *f, const struct lat_errs *e)
{
	if (!e->total)
		return;
	fprintf(f, "  NVMe errors: %" PRIu64 " (not in the latencies)\n",
		e->total);
	for (unsigned i = 0; i < e->kinds; i++)
		fprintf(f, "    %10" PRIu64 "  status 0x%04x: %s\n", e->count[i],
			(unsigned)e->res[i], nvio_strerror(e->res[i]));
	if (e->other)
		fprintf(f, "    %10" PRIu64 "  other statuses\n", e->other);
}

/* CPU seconds per measured command, in ns (0 with none measured). */
static double per_io_ns(const struct lat_result *r, double cpu_s)
{
	return r->ios ? cpu_s * 1e9 / (double)r->ios : 0.0;
}

void lat_print_normal(FILE *f, const struct lat_result *r)
{
	const struct lat_opts *o = &r->o;
	char bs[32], rng[32];

	fmt_size(bs, sizeof(bs), o->bs);
	fmt_size(rng, sizeof(rng), o->range_nlb * r->lba_size);
	fprintf(f, "%s: %s %s", o->dev, lat_pattern_name(o->pattern),
		lat_rw_name(o->rw));
	if (o->rw == LAT_MIX)
		fprintf(f, " (%u%% reads)", o->mix_read);
	fprintf(f, ", %s, qd %u, %u thread%s, ", bs, o->qd, o->threads,
		o->threads == 1 ? "" : "s");
	if (o->rate)
		fprintf(f, "open loop at %" PRIu64 " IOPS\n", o->rate);
	else
		fprintf(f, "closed loop\n");
	fprintf(f, "  queue: %s, %s%s%s%s\n",
		r->polled ? "polled" : "interrupts",
		r->hybrid ? "hybrid polling (the kernel sleeps, then polls)"
		: r->spin ? "reaps spin in user space"
			  : "reaps wait in the kernel",
		r->sqpoll ? ", SQPOLL" : "",
		r->reg_bufs ? ", registered buffers" :
		o->regbuf ? ", buffers not registered (registration failed)" :
			    ", unregistered buffers",
		r->reg_file ? ", registered file" : "");
	if (o->ncpus || (o->sqpoll_cpu >= 0 && r->sqpoll)) {
		fprintf(f, "  cpus:");
		for (unsigned i = 0; o->ncpus && i < o->threads && i < 8; i++)
			fprintf(f, "%s thread %u on %u", i ? "," : "", i,
				o->cpus[i % o->ncpus]);
		if (o->ncpus && o->threads > 8)
			fprintf(f, ", ...");
		if (o->sqpoll_cpu >= 0 && r->sqpoll)
			fprintf(f, "%s SQPOLL thread on %d", o->ncpus ? ";" : "",
				o->sqpoll_cpu);
		fputc('\n', f);
	}
	if (r->irq_fallback)
		fprintf(f, "  note: the namespace has no poll queues, so "
			"completions come by interrupt\n");
	if (r->poll_unsafe && !r->polled)
		fprintf(f, "  note: this kernel's polled passthrough can oops "
			"or misreport errors (quirk poll-unsafe or poll-status, "
			"see nvio doctor), so completions come by interrupt; "
			"--mode poll polls anyway\n");
	else if (r->poll_unsafe)
		fprintf(f, "  warning: polling as asked on a kernel whose polled "
			"passthrough can oops or misreport errors (quirk "
			"poll-unsafe or poll-status)\n");
	fprintf(f, "  clock: %s", r->clk.name);
	if (r->clk.tsc)
		fprintf(f, " %.3f GHz", (double)r->clk.hz / 1e9);
	fprintf(f, " (%s), %.1f ns per reading\n", r->clk.why, r->clk.read_ns);
	fprintf(f, "  range: LBA %" PRIu64 " + %" PRIu64 " (%s)\n",
		o->range_slba, o->range_nlb, rng);
	if (o->placement && o->npids) {
		fprintf(f, "  placement: writes round robin over %u placement "
			"id%s:", o->npids, o->npids == 1 ? "" : "s");
		for (unsigned i = 0; i < o->npids && i < 16; i++)
			fprintf(f, " %u", o->pids[i]);
		fprintf(f, "%s\n", o->npids > 16 ? " ..." : "");
	}
	if (o->zoned)
		fprintf(f, "  zoned: writes %s, %" PRIu64 " zone resets while "
			"measuring\n", o->zoned == LAT_ZONED_APPEND
			? "appended" : "in order at the write pointers",
			r->zone_resets);
	fprintf(f, "\n  %" PRIu64 " commands in %.3f s: %.0f IOPS, %.1f MiB/s\n",
		r->ios, r->elapsed_s, r->iops, r->bw / 1048576.0);
	if (r->ios && r->elapsed_s > 0)
		fprintf(f, "  CPU per command: %.2f us user, %.2f us system "
			"(the threads busy %.0f%% of the time)\n",
			per_io_ns(r, r->cpu_user_s) / 1e3,
			per_io_ns(r, r->cpu_sys_s) / 1e3,
			100.0 * (r->cpu_user_s + r->cpu_sys_s) /
			(r->elapsed_s * o->threads));
	if (o->rw == LAT_MIX) {
		print_stats(f, "all", &r->all);
		print_stats(f, "read", &r->rd);
		print_stats(f, "write", &r->wr);
	} else {
		print_stats(f, NULL, &r->all);
	}
	print_errs(f, &r->errs);
	if (o->rate && r->lag.n) {
		char a[3][32];

		us(a[0], sizeof(a[0]), (double)r->lag.p50);
		us(a[1], sizeof(a[1]), (double)r->lag.p99);
		us(a[2], sizeof(a[2]), (double)r->lag.max);
		fprintf(f, "  issued after due (us, part of the latency): p50 %s"
			"  p99 %s  max %s\n", a[0], a[1], a[2]);
	}
	if (r->unsent)
		fprintf(f, "  behind schedule: %" PRIu64 " commands fell due "
			"and were never issued (--rate %" PRIu64 " is more than "
			"the device gives at --qd %u x %u threads)\n",
			r->unsent, o->rate, o->qd, o->threads);
	if (r->interrupted)
		fprintf(f, "  interrupted: results up to the interruption\n");
	if (r->timed_out)
		fprintf(f, "  timed out: %" PRIu64 " commands, aborted by the "
			"kernel after --timeout %u ms (not in the latencies)\n",
			r->timed_out, o->timeout_ms);
	if (r->unreaped)
		fprintf(f, "  unreaped: %" PRIu64 " commands still in flight a "
			"second after the stop (the device did not answer)\n",
			r->unreaped);
	if (r->hist && r->hist->n && !o->no_hist) {
		fprintf(f, "\n");
		lat_hist_print_bars(r->hist, f, 24, 40);
	}
}

/* ------------------------------------------------------------------ */
/* Errors */

static char g_err[512];
static const char *g_dev;
static int g_errno;
static int g_printed_json;

void lat_verr(FILE *f, const char *prog, const char *fmt, va_list ap)
{
	vsnprintf(g_err, sizeof(g_err), fmt, ap);
	fprintf(f, "nvio %s: %s\n", prog, g_err);
}

void lat_err(FILE *f, const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lat_verr(f, prog, fmt, ap);
	va_end(ap);
}

FILE *lat_open_output(const char *prog, const char *opt, const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f) {
		lat_note_errno(errno);
		lat_err(stderr, prog, "%s %s: %s", opt, path, strerror(errno));
	}
	return f;
}

void lat_note_device(const char *dev) { g_dev = dev; }
void lat_note_errno(int err) { g_errno = err < 0 ? -err : err; }
int nvio_lat_errno(void) { return g_errno; }
const char *nvio_lat_error(void) { return g_err; }
const char *nvio_lat_device(void) { return g_dev; }
int nvio_lat_printed_json(void) { return g_printed_json; }

/* ------------------------------------------------------------------ */
/* JSON */

static void json_stats(struct lat_jw *w, const char *key,
		       const struct lat_stats *s)
{
	lat_jw_obj(w, key);
	lat_jw_u64(w, "ios", s->n);
	if (s->n) {
		lat_jw_u64(w, "min", s->min);
		lat_jw_dbl(w, "mean", s->mean);
		lat_jw_dbl(w, "stddev", s->stddev);
		lat_jw_u64(w, "p50", s->p50);
		lat_jw_u64(w, "p90", s->p90);
		lat_jw_u64(w, "p99", s->p99);
		lat_jw_u64(w, "p99_9", s->p999);
		lat_jw_u64(w, "p99_99", s->p9999);
		lat_jw_u64(w, "max", s->max);
		lat_jw_u64(w, "below_range", s->under);
		lat_jw_u64(w, "above_range", s->over);
	}
	lat_jw_obj_end(w);
}

static void json_result(struct lat_jw *w, const struct lat_result *r,
			bool histogram)
{
	const struct lat_opts *o = &r->o;

	lat_jw_str(w, "device", o->dev);
	lat_jw_obj(w, "config");
	lat_jw_str(w, "pattern", lat_pattern_name(o->pattern));
	lat_jw_str(w, "rw", lat_rw_name(o->rw));
	lat_jw_u64(w, "mix_read", o->rw == LAT_MIX ? o->mix_read
				   : o->rw == LAT_READ ? 100 : 0);
	lat_jw_u64(w, "bs", o->bs);
	lat_jw_u64(w, "qd", o->qd);
	lat_jw_u64(w, "threads", o->threads);
	lat_jw_str(w, "mode", lat_mode_name(o->mode));
	lat_jw_str(w, "wait", lat_wait_name(o->wait));
	lat_jw_u64(w, "rate", o->rate);
	lat_jw_u64(w, "count", o->count);
	lat_jw_dbl(w, "time_s", o->count ? 0 : o->time_s);
	lat_jw_u64(w, "warmup_ios", o->warmup_n);
	lat_jw_dbl(w, "warmup_s", o->warmup_s);
	lat_jw_u64(w, "range_slba", o->range_slba);
	lat_jw_u64(w, "range_nlb", o->range_nlb);
	lat_jw_u64(w, "lba_size", r->lba_size);
	lat_jw_arr(w, "cpus");
	for (unsigned i = 0; i < o->ncpus; i++)
		lat_jw_u64(w, NULL, o->cpus[i]);
	lat_jw_arr_end(w);
	/* A sweep's poll and irq points have no SQPOLL thread to place. */
	lat_jw_i64(w, "sqpoll_cpu", r->sqpoll ? o->sqpoll_cpu : -1);
	lat_jw_u64(w, "timeout_ms", o->timeout_ms);
	lat_jw_str(w, "zoned", lat_zoned_name(o->zoned));
	lat_jw_arr(w, "placement");
	for (unsigned i = 0; o->placement && i < o->npids; i++)
		lat_jw_u64(w, NULL, o->pids[i]);
	lat_jw_arr_end(w);
	lat_jw_obj_end(w);
	lat_jw_obj(w, "queue");
	lat_jw_str(w, "mode", mode_used(r));
	lat_jw_str(w, "wait", wait_used(r));
	lat_jw_bool(w, "polled", r->polled);
	lat_jw_bool(w, "sqpoll", r->sqpoll);
	lat_jw_bool(w, "irq_fallback", r->irq_fallback);
	lat_jw_bool(w, "poll_unsafe", r->poll_unsafe);
	lat_jw_bool(w, "reg_bufs", r->reg_bufs);
	lat_jw_bool(w, "reg_file", r->reg_file);
	lat_jw_obj_end(w);
	lat_jw_obj(w, "clock");
	lat_jw_str(w, "source", r->clk.name);
	lat_jw_u64(w, "hz", r->clk.hz);
	lat_jw_bool(w, "tsc_invariant", r->clk.tsc_invariant);
	lat_jw_dbl(w, "read_ns", r->clk.read_ns);
	lat_jw_obj_end(w);
	lat_jw_u64(w, "ios", r->ios);
	lat_jw_dbl(w, "elapsed_s", r->elapsed_s);
	lat_jw_dbl(w, "iops", r->iops);
	lat_jw_dbl(w, "bw_bytes_s", r->bw);
	lat_jw_obj(w, "cpu");
	lat_jw_dbl(w, "user_s", r->cpu_user_s);
	lat_jw_dbl(w, "sys_s", r->cpu_sys_s);
	lat_jw_dbl(w, "user_ns_per_io", per_io_ns(r, r->cpu_user_s));
	lat_jw_dbl(w, "sys_ns_per_io", per_io_ns(r, r->cpu_sys_s));
	lat_jw_obj_end(w);
	json_stats(w, "lat_ns", &r->all);
	if (o->rw == LAT_MIX) {
		json_stats(w, "read_lat_ns", &r->rd);
		json_stats(w, "write_lat_ns", &r->wr);
	}
	if (o->rate)
		json_stats(w, "issue_lag_ns", &r->lag);
	lat_jw_obj(w, "nvme_errors");
	lat_jw_u64(w, "total", r->errs.total);
	lat_jw_arr(w, "by_status");
	for (unsigned i = 0; i < r->errs.kinds; i++) {
		char hex[16];

		snprintf(hex, sizeof(hex), "0x%04x", (unsigned)r->errs.res[i]);
		lat_jw_obj(w, NULL);
		lat_jw_i64(w, "status", r->errs.res[i]);
		lat_jw_str(w, "status_hex", hex);
		lat_jw_u64(w, "sct", nvio_status_sct(r->errs.res[i]));
		lat_jw_u64(w, "sc", nvio_status_sc(r->errs.res[i]));
		lat_jw_bool(w, "dnr", nvio_status_dnr(r->errs.res[i]));
		lat_jw_str(w, "text", nvio_strerror(r->errs.res[i]));
		lat_jw_u64(w, "count", r->errs.count[i]);
		lat_jw_obj_end(w);
	}
	lat_jw_arr_end(w);
	lat_jw_u64(w, "other", r->errs.other);
	lat_jw_obj_end(w);
	if (r->sys_err) {
		lat_jw_obj(w, "error");
		lat_jw_i64(w, "errno", -r->sys_err);
		lat_jw_str(w, "text", nvio_strerror(r->sys_err));
		lat_jw_str(w, "what", r->sys_what);
		lat_jw_obj_end(w);
	}
	lat_jw_bool(w, "interrupted", r->interrupted);
	lat_jw_u64(w, "unsent", r->unsent);
	lat_jw_u64(w, "unreaped", r->unreaped);
	lat_jw_u64(w, "timed_out", r->timed_out);
	lat_jw_u64(w, "zone_resets", r->zone_resets);
	/* Where each thread was when it finished: with --cpus, where it
	 * was pinned; -1 if the thread never ran. */
	lat_jw_arr(w, "thread_cpus");
	for (unsigned i = 0; i < o->threads && i < LAT_MAX_THREADS; i++)
		lat_jw_i64(w, NULL, r->thread_cpu[i]);
	lat_jw_arr_end(w);
	if (histogram && r->hist) {
		/* The buckets in use: [lo_ns, hi_ns] inclusive. */
		lat_jw_arr(w, "histogram");
		for (unsigned i = lat_hist_first_bucket();
		     i <= lat_hist_last_bucket(); i++) {
			if (!r->hist->counts[i])
				continue;
			lat_jw_obj(w, NULL);
			lat_jw_u64(w, "lo_ns", lat_hist_bucket_lo(i));
			lat_jw_u64(w, "hi_ns", lat_hist_bucket_hi(i));
			lat_jw_u64(w, "count", r->hist->counts[i]);
			lat_jw_obj_end(w);
		}
		lat_jw_arr_end(w);
	}
}

void lat_print_json(FILE *f, const struct lat_result *r, bool histogram)
{
	struct lat_jw w;

	lat_jw_begin(&w, f);
	json_result(&w, r, histogram);
	lat_jw_end(&w);
	g_printed_json = 1;
}

void lat_sweep_json(FILE *f, const struct lat_result *r, unsigned n)
{
	struct lat_jw w;

	lat_jw_begin(&w, f);
	lat_jw_str(&w, "device", n ? r[0].o.dev : "");
	lat_jw_arr(&w, "points");
	for (unsigned i = 0; i < n; i++) {
		lat_jw_obj(&w, NULL);
		json_result(&w, &r[i], false);
		lat_jw_obj_end(&w);
	}
	lat_jw_arr_end(&w);
	lat_jw_end(&w);
	g_printed_json = 1;
}

/* ------------------------------------------------------------------ */
/* CSV */

static const char *const csv_cols[] = {
	"device", "pattern", "rw", "mix_read", "bs", "qd", "threads", "mode",
	"polled", "sqpoll", "reg_bufs", "rate", "ios", "nvme_errors",
	"elapsed_s", "iops", "bw_mib_s", "lat_min_ns", "lat_mean_ns",
	"lat_stddev_ns", "lat_p50_ns", "lat_p90_ns", "lat_p99_ns",
	"lat_p99_9_ns", "lat_p99_99_ns", "lat_max_ns", "clock",
	"clock_read_ns", "unsent", "interrupted", "issue_lag_p50_ns",
	"issue_lag_p99_ns", "issue_lag_max_ns", "zoned", "zone_resets",
	"placement", "cpu_user_ns_per_io", "cpu_sys_ns_per_io", "wait",
};

void lat_csv_header(FILE *f)
{
	for (size_t i = 0; i < sizeof(csv_cols) / sizeof(csv_cols[0]); i++)
		fprintf(f, "%s%s", i ? "," : "", csv_cols[i]);
	fputc('\n', f);
}

static void csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void lat_csv_row(FILE *f, const struct lat_result *r)
{
	const struct lat_opts *o = &r->o;
	const struct lat_stats *s = &r->all;

	csv_str(f, o->dev);
	fprintf(f, ",%s,%s,%u,%" PRIu64 ",%u,%u,%s,%d,%d,%d,%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%.6f,%.1f,%.3f",
		lat_pattern_name(o->pattern), lat_rw_name(o->rw),
		o->rw == LAT_MIX ? o->mix_read : o->rw == LAT_READ ? 100 : 0,
		o->bs, o->qd, o->threads, mode_used(r), r->polled, r->sqpoll,
		r->reg_bufs, o->rate, r->ios, r->errs.total, r->elapsed_s,
		r->iops, r->bw / 1048576.0);
	fprintf(f, ",%" PRIu64 ",%.1f,%.1f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,%.1f,%" PRIu64 ",%d",
		s->min, s->mean, s->stddev, s->p50, s->p90, s->p99, s->p999,
		s->p9999, s->max, r->clk.name, r->clk.read_ns, r->unsent,
		r->interrupted);
	fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,%" PRIu64 ",",
		r->lag.p50, r->lag.p99, r->lag.max, lat_zoned_name(o->zoned),
		r->zone_resets);
	/* the ids, ';' between them: one CSV field */
	for (unsigned i = 0; o->placement && i < o->npids; i++)
		fprintf(f, "%s%u", i ? ";" : "", o->pids[i]);
	fprintf(f, ",%.1f,%.1f,%s\n",
		per_io_ns(r, r->cpu_user_s), per_io_ns(r, r->cpu_sys_s),
		wait_used(r));
}

void lat_hist_csv_header(FILE *f)
{
	/* wait last: columns are only ever added at the end */
	fputs("bs,qd,mode,rw,lo_ns,hi_ns,count,wait\n", f);
}

void lat_hist_csv_rows(FILE *f, const struct lat_result *r)
{
	if (!r->hist)
		return;
	for (unsigned i = lat_hist_first_bucket(); i <= lat_hist_last_bucket();
	     i++) {
		if (!r->hist->counts[i])
			continue;
		fprintf(f, "%" PRIu64 ",%u,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64
			",%s\n", r->o.bs, r->o.qd, mode_used(r),
			lat_rw_name(r->o.rw), lat_hist_bucket_lo(i),
			lat_hist_bucket_hi(i), r->hist->counts[i],
			wait_used(r));
	}
}

/* ------------------------------------------------------------------ */
/* sweep table */

void lat_sweep_table_header(FILE *f)
{
	fprintf(f, "%8s %5s %-11s %-6s %-5s %10s %9s %9s %9s %9s %9s %9s %7s "
		"%11s\n", "bs", "qd", "mode", "wait", "rw", "IOPS", "MiB/s", "mean(us)",
		"p50(us)", "p99(us)", "p99.9(us)", "max(us)", "errors",
		"cpu/io(us)");
}

void lat_sweep_table_row(FILE *f, const struct lat_result *r)
{
	char bs[32], a[5][32];

	fmt_size(bs, sizeof(bs), r->o.bs);
	us(a[0], sizeof(a[0]), r->all.mean);
	us(a[1], sizeof(a[1]), (double)r->all.p50);
	us(a[2], sizeof(a[2]), (double)r->all.p99);
	us(a[3], sizeof(a[3]), (double)r->all.p999);
	us(a[4], sizeof(a[4]), (double)r->all.max);
	fprintf(f, "%8s %5u %-11s %-6s %-5s %10.0f %9.1f %9s %9s %9s %9s %9s %7"
		PRIu64 " %11.2f\n", bs, r->o.qd, mode_used(r), wait_used(r),
		lat_rw_name(r->o.rw),
		r->iops, r->bw / 1048576.0, a[0], a[1], a[2], a[3], a[4],
		r->errs.total, per_io_ns(r, r->cpu_user_s + r->cpu_sys_s) / 1e3);
}
