/* SPDX-License-Identifier: MIT */
/*
 * sweep.c - `nvio sweep DEV`: `lat` over directions x modes x block sizes
 * x queue depths (queue depth innermost, so each curve is run in one go),
 * one row per point as it completes (normal and CSV) or one document at
 * the end (JSON), progress on a terminal, and the SVG picture.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lat.h"
#include "lat-int.h"

#define SWEEP_MAX_POINTS 4096u

static void fmt_left(char *buf, size_t len, double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%luh%02lum", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, len, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, len, "%lus", t);
}

static void progress(unsigned done, unsigned total, const struct lat_opts *p,
		     double left)
{
	char l[32];

	fmt_left(l, sizeof(l), left);
	fprintf(stderr, "\r\033[K[%u/%u] bs %" PRIu64 " qd %u %s %s %s, ~%s "
		"left", done + 1, total, p->bs, p->qd, lat_mode_name(p->mode),
		lat_wait_name(p->wait), lat_rw_name(p->rw), l);
	fflush(stderr);
}

/* f was opened before the first point, so that a path that cannot be
 * written is found before minutes of measuring, not after. */
static int write_plot(const char *prog, const char *path, FILE *f,
		      const struct lat_result *r, unsigned n)
{
	char title[256];
	int rc;

	snprintf(title, sizeof(title), "nvio sweep %s (%s)", n ? r[0].o.dev : "",
		 n ? lat_pattern_name(r[0].o.pattern) : "");
	rc = lat_svg_write(f, r, n, title);
	if (fclose(f) || rc < 0) {
		lat_err(stderr, prog, "--plot %s: write failed", path);
		return LAT_EXIT_SYSTEM;
	}
	if (rc > 0)
		fprintf(stderr, "nvio %s: warning: --plot %s: %d series left "
			"out of the picture (it draws %u); the CSV and JSON "
			"have every point\n", prog, path, rc, LAT_SVG_MAX_SERIES);
	return 0;
}

int nvio_cmd_sweep(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "sweep";
	struct lat_opts o;
	struct lat_sweep sw;
	struct lat_clock clk;
	struct lat_result *res = NULL;
	struct nvio_dev *dev = NULL;
	FILE *plot = NULL, *hist = NULL;
	unsigned total, done = 0;
	bool writes = false, tty = isatty(STDERR_FILENO);
	uint64_t t_begin;
	int rc, exit_code = LAT_EXIT_OK;

	rc = lat_parse(argc, argv, &o, &sw, stderr);
	if (rc < 0)
		return LAT_EXIT_OK;
	if (rc)
		return rc;
	total = sw.nbs * sw.nqd * sw.nmodes * sw.nwaits * sw.nrws;
	if (total > SWEEP_MAX_POINTS) {
		lat_err(stderr, prog, "%u points is too many (at most %u)",
			total, SWEEP_MAX_POINTS);
		return LAT_EXIT_USAGE;
	}
	for (unsigned i = 0; i < sw.nrws; i++)
		writes |= sw.rws[i] != LAT_READ;
	/* The largest block size decides whether every point fits. */
	for (unsigned i = 0; i < sw.nbs; i++)
		if (sw.bs[i] > o.bs)
			o.bs = sw.bs[i];
	rc = lat_prepare(prog, &o, writes, &dev, &clk);
	if (rc)
		return rc;
	for (unsigned i = 0; i < sw.nbs; i++) {
		struct lat_opts t = o;

		t.bs = sw.bs[i];
		rc = lat_check_geometry(&t, nvio_dev_info(dev), stderr, prog);
		if (rc) {
			nvio_dev_close(dev);
			return rc;
		}
	}
	if ((sw.plot && !(plot = lat_open_output(prog, "--plot", sw.plot))) ||
	    (o.hist_csv &&
	     !(hist = lat_open_output(prog, "--hist-csv", o.hist_csv)))) {
		if (plot)
			fclose(plot);
		nvio_dev_close(dev);
		return LAT_EXIT_SYSTEM;
	}
	res = calloc(total, sizeof(*res));
	if (!res) {
		nvio_dev_close(dev);
		if (plot)
			fclose(plot);
		if (hist)
			fclose(hist);
		lat_err(stderr, prog, "out of memory");
		return LAT_EXIT_SYSTEM;
	}
	if (hist)
		lat_hist_csv_header(hist);
	if (o.fmt == LAT_FMT_NORMAL)
		lat_sweep_table_header(stdout);
	else if (o.fmt == LAT_FMT_CSV)
		lat_csv_header(stdout);
	fflush(stdout);

	lat_sigint_install();
	t_begin = lat_mono_ns();
	for (unsigned a = 0; a < sw.nrws && !exit_code; a++)
	for (unsigned m = 0; m < sw.nmodes && !exit_code; m++)
	for (unsigned w = 0; w < sw.nwaits && !exit_code; w++)
	for (unsigned b = 0; b < sw.nbs && !exit_code; b++)
	for (unsigned q = 0; q < sw.nqd && !exit_code; q++) {
		struct lat_opts p = o;
		struct lat_result *r = &res[done];

		if (lat_interrupted())
			break;
		p.rw = sw.rws[a];
		p.mode = sw.modes[m];
		p.wait = sw.waits[w];
		p.bs = sw.bs[b];
		p.qd = sw.qd[q];
		if (tty) {
			double left;

			if (done)
				left = (double)(lat_mono_ns() - t_begin) / 1e9 /
				       done * (total - done);
			else if (!o.count)
				left = (o.warmup_s + o.time_s) * total;
			else
				left = 0;
			progress(done, total, &p, left);
		}
		rc = lat_run(dev, &p, &clk, r);
		if (tty) {
			fprintf(stderr, "\r\033[K");
			fflush(stderr);
		}
		if (rc) {
			lat_report_sys(prog, r);
			exit_code = LAT_EXIT_SYSTEM;
			break;
		}
		if (hist)
			lat_hist_csv_rows(hist, r);
		lat_result_free_hist(r);
		done++;
		if (o.fmt == LAT_FMT_NORMAL)
			lat_sweep_table_row(stdout, r);
		else if (o.fmt == LAT_FMT_CSV)
			lat_csv_row(stdout, r);
		fflush(stdout);
		if (r->sys_err) {
			lat_report_sys(prog, r);
			exit_code = LAT_EXIT_SYSTEM;
		}
	}
	lat_sigint_restore();
	nvio_dev_close(dev);

	if (o.fmt == LAT_FMT_JSON)
		lat_sweep_json(stdout, res, done);
	fflush(stdout);
	if (lat_interrupted())
		fprintf(stderr, "nvio %s: interrupted after %u of %u points\n",
			prog, done, total);
	if (sw.plot) {
		rc = write_plot(prog, sw.plot, plot, res, done);
		if (rc && !exit_code)
			exit_code = rc;
	}
	if (hist && fclose(hist)) {
		lat_err(stderr, prog, "--hist-csv %s: write failed", o.hist_csv);
		if (!exit_code)
			exit_code = LAT_EXIT_SYSTEM;
	}
	if (!exit_code) {
		uint64_t errs = 0;

		for (unsigned i = 0; i < done; i++)
			errs += res[i].errs.total + res[i].timed_out;
		if (errs) {
			fprintf(stderr, "nvio %s: %" PRIu64 " command%s completed "
				"with an NVMe error status or timed out\n", prog, errs,
				errs == 1 ? "" : "s");
			exit_code = LAT_EXIT_NVME;
		}
	}
	free(res);
	return exit_code;
}
