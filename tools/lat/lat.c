/* SPDX-License-Identifier: MIT */
/*
 * lat.c - `nvio lat DEV`: open, check, run once, print; and what `sweep`
 * shares with it (opening the device, the geometry and safety checks,
 * reporting system errors).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lat.h"
#include "lat-int.h"

int lat_check_geometry(struct lat_opts *o, const struct nvio_dev_info *info,
		       FILE *err, const char *prog)
{
	uint64_t unit = info->lba_size + (info->md_extended ? info->md_size : 0);
	uint64_t nlb;
	int rc;

	if (info->md_unknown) {
		lat_err(err, prog, "the metadata format of %s cannot be "
			"learned without admin rights here (Identify was "
			"refused and sysfs has no metadata_bytes): refusing "
			"I/O that could need a metadata buffer; run as root, "
			"or use Linux 6.2+", o->dev);
		return LAT_EXIT_USAGE;
	}
	if (info->md_size && !info->md_extended) {
		lat_err(err, prog, "%s has separate metadata (%u bytes per "
			"LBA), which lat does not send; use a namespace "
			"without metadata or with extended LBAs",
			o->dev, info->md_size);
		return LAT_EXIT_USAGE;
	}
	if (!unit || o->bs % unit) {
		lat_err(err, prog, "--bs %" PRIu64 " is not a multiple of the "
			"LBA size (%" PRIu64 " bytes)", o->bs, unit);
		return LAT_EXIT_USAGE;
	}
	nlb = o->bs / unit;
	if (nlb > 65536 || (info->max_nlb && nlb > info->max_nlb)) {
		lat_err(err, prog, "--bs %" PRIu64 " is larger than one "
			"command may carry on %s (%" PRIu64 " bytes)",
			o->bs, o->dev,
			(uint64_t)(info->max_nlb ? info->max_nlb : 65536) * unit);
		return LAT_EXIT_USAGE;
	}
	if (!o->range_set) {
		o->range_slba = 0;
		o->range_nlb = info->nsze;
	}
	if (o->range_slba >= info->nsze ||
	    o->range_nlb > info->nsze - o->range_slba) {
		lat_err(err, prog, "--range %" PRIu64 ":%" PRIu64 " is outside "
			"the namespace (%" PRIu64 " LBAs)",
			o->range_slba, o->range_nlb, info->nsze);
		return LAT_EXIT_USAGE;
	}
	if (o->range_nlb < nlb) {
		lat_err(err, prog, "--range of %" PRIu64 " LBAs holds no "
			"command of %" PRIu64 " LBAs", o->range_nlb,
			nlb);
		return LAT_EXIT_USAGE;
	}
	rc = lat_check_zoned(o, info, nlb, err, prog);
	return rc ? rc : lat_check_placement(o, info, err, prog);
}

/* --placement against the namespace's placement ids ("all" takes them
 * all): a write naming another would be refused, or placed elsewhere by
 * the device. */
int lat_check_placement(struct lat_opts *o, const struct nvio_dev_info *info,
			FILE *err, const char *prog)
{
	if (!o->placement || o->rw == LAT_READ)
		return 0;
	if (!info->fdp) {
		lat_err(err, prog, "--placement: %s has no flexible data "
			"placement%s", o->dev, info->fdp_unknown ?
			" that could be learned (its reclaim unit handle status "
			"was refused)" : "");
		return LAT_EXIT_USAGE;
	}
	if (!strcmp(o->placement, "all")) {
		o->npids = info->fdp_nr_pids;
		memcpy(o->pids, info->fdp_pids, o->npids * sizeof(o->pids[0]));
		return 0;
	}
	for (unsigned i = 0; i < o->npids; i++) {
		if (nvio_fdp_pid_check(info, o->pids[i])) {
			lat_err(err, prog, "--placement: placement id %u is not "
				"one of %s's (nvio fdp status lists them)",
				o->pids[i], o->dev);
			return LAT_EXIT_USAGE;
		}
	}
	return 0;
}

/* Writes to a zoned namespace go at a zone's write pointer: random ones
 * would all fail (Zone Invalid Write), so they need --zoned, whose zones
 * are whole ones, enough for every writer, within the open and active
 * limits. */
int lat_check_zoned(const struct lat_opts *o, const struct nvio_dev_info *info,
		    uint64_t nlb, FILE *err, const char *prog)
{
	uint64_t zs = info->zone_size, nz, writers;

	if (o->zoned && !info->zoned) {
		lat_err(err, prog, "--zoned: %s is not a zoned namespace",
			o->dev);
		return LAT_EXIT_USAGE;
	}
	if (!info->zoned || o->rw == LAT_READ)
		return 0;
	if (!o->zoned) {
		lat_err(err, prog, "%s is a zoned namespace, where writes go "
			"at a zone's write pointer: use --zoned append or "
			"--zoned write", o->dev);
		return LAT_EXIT_USAGE;
	}
	if (!zs || o->range_slba % zs ||
	    (o->range_nlb % zs && o->range_slba + o->range_nlb != info->nsze)) {
		lat_err(err, prog, "--zoned: --range %" PRIu64 ":%" PRIu64
			" is not whole zones (zones of %" PRIu64 " LBAs)",
			o->range_slba, o->range_nlb, zs);
		return LAT_EXIT_USAGE;
	}
	if (o->zoned == LAT_ZONED_APPEND &&
	    nlb * info->lba_size > info->zone_append_max) {
		lat_err(err, prog, "--zoned append: --bs %" PRIu64 " is more "
			"than a zone append may carry on %s (%u bytes)",
			o->bs, o->dev, info->zone_append_max);
		return LAT_EXIT_USAGE;
	}
	nz = (o->range_nlb + zs - 1) / zs;
	writers = o->zoned == LAT_ZONED_WRITE ? (uint64_t)o->qd * o->threads
					      : o->threads;
	if (writers > nz) {
		lat_err(err, prog, "--zoned %s needs a zone for each %s "
			"(%" PRIu64 "); --range has %" PRIu64,
			lat_zoned_name(o->zoned),
			o->zoned == LAT_ZONED_WRITE ? "command in flight "
						      "(--qd x --threads)"
						    : "thread",
			writers, nz);
		return LAT_EXIT_USAGE;
	}
	if ((info->max_open_zones && writers > info->max_open_zones) ||
	    (info->max_active_zones && writers > info->max_active_zones)) {
		lat_err(err, prog, "--zoned %s keeps %" PRIu64 " zones open "
			"at once; %s allows %u open and %u active",
			lat_zoned_name(o->zoned), writers, o->dev,
			info->max_open_zones, info->max_active_zones);
		return LAT_EXIT_USAGE;
	}
	return 0;
}

static const char *open_hint(int rc)
{
	switch (rc) {
	case -EACCES:
	case -EPERM:
		return " (NVMe generic devices are root's by default: run as "
		       "root, or grant access to the /dev/ng* node)";
	case -ENODEV:
		return " (not an NVMe namespace: give /dev/ngXnY or /dev/nvmeXnY)";
	default:
		return "";
	}
}

int lat_prepare(const char *prog, struct lat_opts *o, bool writes,
		struct nvio_dev **devp, struct lat_clock *clk)
{
	struct nvio_dev_opts dopts = {
		.sz = sizeof(dopts),
		.flags = writes ? 0 : NVIO_DEV_RDONLY,
	};
	int rc;

	/* Before the device is touched: a CPU that cannot be had is a
	 * usage error, like any other bad option. */
	rc = lat_check_cpus(o, stderr, prog);
	if (rc)
		return rc;
	rc = nvio_dev_open(o->dev, &dopts, devp);
	if (rc) {
		lat_note_errno(rc);
		lat_err(stderr, prog, "cannot open %s: %s%s", o->dev,
			nvio_strerror(rc), open_hint(rc));
		return LAT_EXIT_SYSTEM;
	}
	rc = lat_check_geometry(o, nvio_dev_info(*devp), stderr, prog);
	if (rc)
		goto fail;
	if (writes && !o->force) {
		char why[512];

		rc = lat_safety_check(*devp, why, sizeof(why));
		if (rc > 0) {
			lat_err(stderr, prog, "refusing to write: %s; use "
				"--force to write anyway", why);
			rc = LAT_EXIT_USAGE;
			goto fail;
		}
		if (rc < 0) {
			lat_note_errno(rc);
			lat_err(stderr, prog, "the safety check failed: %s", nvio_strerror(rc));
			rc = LAT_EXIT_SYSTEM;
			goto fail;
		}
	}
	rc = lat_clock_init(clk, o->clock);
	if (rc) {
		lat_err(stderr, prog, "--clock tsc: this CPU has no TSC; "
			"use --clock monotonic");
		rc = LAT_EXIT_USAGE;
		goto fail;
	}
	if (clk->tsc && !clk->tsc_invariant)
		fprintf(stderr, "nvio %s: warning: the CPU does not say its TSC "
			"is invariant; latencies are only right if it runs at a "
			"constant rate on every CPU\n", prog);
	return 0;
fail:
	nvio_dev_close(*devp);
	*devp = NULL;
	return rc;
}

void lat_report_sys(const char *prog, const struct lat_result *r)
{
	const char *hint = "";

	if (!r->sys_err)
		return;
	if (r->sys_err == -EOPNOTSUPP && r->o.mode == LAT_MODE_POLL)
		hint = " (the namespace has no poll queues: load nvme with "
		       "poll_queues=N, or use --mode irq)";
	else if (r->sys_err == -EOPNOTSUPP &&
		 (r->o.mode == LAT_MODE_HYBRID || r->o.wait == LAT_WAIT_HYBRID))
		hint = nvio_quirk_applies(NVIO_QUIRK_NO_HYBRID_POLL)
			       ? " (hybrid polling needs Linux 6.15 or later: "
				 "6.13 and 6.14 can hang passthrough with it)"
			       : " (the namespace has no poll queues: load nvme "
				 "with poll_queues=N)";
	else if (r->sys_err == -ENOMEM || r->sys_err == -EAGAIN)
		hint = " (registered buffers count against RLIMIT_MEMLOCK: try "
		       "--no-regbuf or a higher limit)";
	lat_note_errno(r->sys_err);
	lat_err(stderr, prog, "%s: %s%s",
		r->sys_what[0] ? r->sys_what : "running", nvio_strerror(r->sys_err),
		hint);
}

int nvio_cmd_lat(int argc, char **argv)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "lat";
	struct lat_opts o;
	struct lat_clock clk;
	struct lat_result r;
	struct nvio_dev *dev;
	FILE *hist = NULL;
	int rc;

	rc = lat_parse(argc, argv, &o, NULL, stderr);
	if (rc < 0)
		return LAT_EXIT_OK;
	if (rc)
		return rc;
	rc = lat_prepare(prog, &o, o.rw != LAT_READ, &dev, &clk);
	if (rc)
		return rc;
	if (o.hist_csv &&
	    !(hist = lat_open_output(prog, "--hist-csv", o.hist_csv))) {
		nvio_dev_close(dev);
		return LAT_EXIT_SYSTEM;
	}
	if (hist)
		lat_hist_csv_header(hist);
	lat_sigint_install();
	rc = lat_run(dev, &o, &clk, &r);
	lat_sigint_restore();
	nvio_dev_close(dev);
	if (rc) {
		if (hist)
			fclose(hist);
		lat_report_sys(prog, &r);
		return LAT_EXIT_SYSTEM;
	}
	switch (o.fmt) {
	case LAT_FMT_JSON:
		lat_print_json(stdout, &r, true);
		break;
	case LAT_FMT_CSV:
		lat_csv_header(stdout);
		lat_csv_row(stdout, &r);
		break;
	default:
		lat_print_normal(stdout, &r);
		break;
	}
	fflush(stdout);
	lat_report_sys(prog, &r);
	if (r.errs.total)
		fprintf(stderr, "nvio %s: %" PRIu64 " command%s completed with "
			"an NVMe error status\n", prog, r.errs.total,
			r.errs.total == 1 ? "" : "s");
	if (r.timed_out)
		fprintf(stderr, "nvio %s: %" PRIu64 " command%s timed out after "
			"%u ms (--timeout)\n", prog, r.timed_out,
			r.timed_out == 1 ? "" : "s", r.o.timeout_ms);
	rc = lat_result_exit(&r);
	/* After the results: a full disk loses the CSV, not the run. */
	if (hist) {
		lat_hist_csv_rows(hist, &r);
		if (fclose(hist)) {
			lat_err(stderr, prog, "--hist-csv %s: write failed",
				o.hist_csv);
			rc = LAT_EXIT_SYSTEM;
		}
	}
	lat_result_free_hist(&r);
	return rc;
}
