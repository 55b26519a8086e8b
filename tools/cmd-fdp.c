/* SPDX-License-Identifier: MIT */
/*
 * cmd-fdp.c - nvio fdp configs|usage|stats|events|status|update: flexible
 * data placement, with nvme-cli's fdp plugin options and JSON (nvme-cli
 * 2.3, Debian 12's). The logs are admin commands for an endurance group
 * (-e, by default the namespace's); status and update are I/O Management
 * commands on a namespace's queue. Each subcommand has its own option
 * table and runs with c->cmd pointing at it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define OPT_EGID { "endgrp-id", 'e', required_argument, "EGID", \
		   "endurance group (default: the namespace's)" }
#define OPT_FNSID { "namespace-id", 'n', required_argument, "NSID", \
		    "namespace when DEV is a controller (/dev/nvmeX)" }
#define OPT_RAW { "raw-binary", 'b', no_argument, NULL, \
		  "write the data as the device returned it to stdout" }

static const struct cli_opt opts_fdp_configs[] = {
	OPT_EGID, OPT_FNSID,
	{ "human-readable", 'H', no_argument, NULL, "decode the attributes" },
	OPT_RAW, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

static const struct cli_opt opts_fdp_log[] = {
	OPT_EGID, OPT_FNSID, OPT_RAW, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

static const struct cli_opt opts_fdp_events[] = {
	OPT_EGID, OPT_FNSID,
	{ "host-events", 'E', no_argument, NULL,
	  "events the host caused (default: the controller's)" },
	OPT_RAW, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

static const struct cli_opt opts_fdp_status[] = {
	OPT_FNSID, OPT_RAW, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

static const struct cli_opt opts_fdp_update[] = {
	OPT_FNSID,
	{ "pids", 'p', required_argument, "PID,...",
	  "placement ids whose reclaim units are replaced (repeatable)" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_fdp[] = { CLI_OPT_COMMON, { 0 } };

static int fdp_configs(struct cli *c, int argc, char **argv);
static int fdp_usage(struct cli *c, int argc, char **argv);
static int fdp_stats(struct cli *c, int argc, char **argv);
static int fdp_events(struct cli *c, int argc, char **argv);
static int fdp_status(struct cli *c, int argc, char **argv);
static int fdp_update(struct cli *c, int argc, char **argv);

static const struct cli_cmd fdp_cmds[] = {
	{ "fdp configs", fdp_configs, "the FDP configurations (log 20h)",
	  "nvio fdp configs DEV [-e EGID] [-H] [-b] [-o json]",
	  opts_fdp_configs,
	  "JSON as nvme-cli's `fdp configs -o json`: n (zero-based) and\n"
	  "configs (fdpa, vss, nrg, nruh, nnss, runs, erutl).\n" },
	{ "fdp usage", fdp_usage, "reclaim unit handle usage (log 21h)",
	  "nvio fdp usage DEV [-e EGID] [-b] [-o json]", opts_fdp_log,
	  "JSON as nvme-cli's: nruh, ruhus (ruha: 0 unused, 1 host, 2\n"
	  "controller specified).\n" },
	{ "fdp stats", fdp_stats, "FDP statistics (log 22h)",
	  "nvio fdp stats DEV [-e EGID] [-b] [-o json]", opts_fdp_log,
	  "JSON as nvme-cli's: hbmw, mbmw, mbe (bytes, 128-bit decimal\n"
	  "strings).\n" },
	{ "fdp events", fdp_events, "FDP events (log 23h)",
	  "nvio fdp events DEV [-e EGID] [-E] [-b] [-o json]", opts_fdp_events,
	  "JSON as nvme-cli's: n and events (type, fdpef, pid, timestamp,\n"
	  "nsid; nlbam and lba for media reallocated). timestamp is the whole\n"
	  "8-byte field, as nvme-cli prints it.\n" },
	{ "fdp status", fdp_status,
	  "reclaim unit handle status (I/O Management Receive)",
	  "nvio fdp status DEV [-n NSID] [-b] [-o json]", opts_fdp_status,
	  "JSON as nvme-cli's: nruhsd and ruhss (pid, ruhid, earutr, ruamw).\n"
	  "The placement ids are what nvio write --dir-type 2 --dir-spec takes.\n" },
	{ "fdp update", fdp_update,
	  "new reclaim units for placement ids (I/O Management Send)",
	  "nvio fdp update DEV [-n NSID] -p PID[,PID...]", opts_fdp_update,
	  "Each id must be one of the namespace's (nvio fdp status); nothing is\n"
	  "sent otherwise. Data written is kept.\n" },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

int cmd_fdp(struct cli *c, int argc, char **argv)
{
	return cli_subcommand(c, argc, argv, fdp_cmds, "fdp",
			      "configs, usage, stats, events, status or update");
}

struct fdp_args {
	uint64_t egid, nsid;
	bool has_egid, host_events;
	uint16_t pids[256];
	unsigned npids;
};

/* "1,2,0x4000": up to 256 placement ids, each 16 bits; an empty one is
 * a mistake, not nothing. */
static int parse_pids(struct cli *c, const char *s, struct fdp_args *a)
{
	char t[32];

	for (;;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		uint64_t v;
		int rc;

		if (a->npids == 256)
			return err_usage(c, "--pids: at most 256 placement ids");
		if (n >= sizeof(t))
			n = sizeof(t) - 1;
		memcpy(t, s, n);
		t[n] = 0;
		rc = opt_u64(c, "pids", t, &v, 0xffff);
		if (rc)
			return rc;
		a->pids[a->npids++] = (uint16_t)v;
		if (!e)
			return EXIT_OK;
		s = e + 1;
	}
}

static int fdp_parse(struct cli *c, int argc, char **argv, struct fdp_args *a)
{
	int opt, rc;

	memset(a, 0, sizeof(*a));
	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code == EXIT_OK ? CLI_STOP : c->exit_code;
		case 'e':
			rc = opt_u64(c, "endgrp-id", optarg, &a->egid, 0xffff);
			if (!rc && !a->egid)
				rc = err_usage(c, "--endgrp-id: 0 is not an "
					       "endurance group");
			a->has_egid = true;
			break;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &a->nsid,
				     UINT32_MAX - 1);
			if (!rc && !a->nsid)
				rc = err_usage(c, "--namespace-id: 0 is not a "
					       "namespace");
			break;
		case 'E': a->host_events = true; break;
		case 'H': c->human = true; break;
		case 'b': c->raw = true; break;
		case 'p': rc = parse_pids(c, optarg, a); break;
		default: rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (!rc && c->raw && c->fmt == FMT_JSON)
		rc = err_usage(c, "--raw-binary and -o json exclude each other");
	return rc;
}

/* The controller's FDP support (CTRATT bit 19), asked before a log is
 * read: a controller without it answers Invalid Field, or worse. */
static int need_fdp_ctrl(struct cli *c, struct cli_dev *d)
{
	uint8_t *id = nvio_buf_alloc(4096);
	uint32_t ctratt;
	int rc;

	if (!id)
		return err_errno(c, ENOMEM, "buffer");
	rc = nvio_identify_ctrl(d->dev, id);
	if (rc) {
		nvio_buf_free(id);
		return err_result(c, rc, "identify controller");
	}
	memcpy(&ctratt, id + 96, 4);
	nvio_buf_free(id);
	if (!(le32toh(ctratt) & (1u << 19)))
		return err_refused(c, "the controller of %s has no flexible data "
				   "placement (Identify: CTRATT bit 19); "
				   "nothing was sent", c->dev_path);
	return EXIT_OK;
}

/* Opens DEV for a log of an endurance group: -e, else the namespace's. */
static int fdp_log_open(struct cli *c, struct fdp_args *a, struct cli_dev *d)
{
	int rc = cli_open_any(c, (uint32_t)a->nsid, NVIO_DEV_RDONLY, false, d);

	if (rc)
		return rc;
	rc = cli_need_admin(c, d);
	if (!rc)
		rc = need_fdp_ctrl(c, d);
	if (!rc && !a->has_egid) {
		if (d->info->ctrl_only || !d->info->fdp_endgid)
			rc = err_usage(c, "give the endurance group (-e EGID): "
				       "%s names no namespace that has one",
				       c->dev_path);
		a->egid = d->info->fdp_endgid;
	}
	if (rc)
		cli_close(d);
	return rc;
}

/* Reads len bytes of FDP log lid (lsp) of the endurance group. */
static int fdp_log(struct cli *c, struct cli_dev *d, const struct fdp_args *a,
		   uint8_t lid, uint8_t lsp, void *buf, uint32_t len,
		   const char *what)
{
	struct nvio_log_req r = {
		.sz = sizeof(r), .lid = lid, .lsp = lsp,
		.lsi = (uint16_t)a->egid, .buf = buf, .len = len,
	};
	int rc = nvio_get_log_page(d->dev, &r);

	return rc ? err_result(c, rc, what) : EXIT_OK;
}

/* The most bytes of a log nvio reads: a header's size field is the
 * device's word, not a reason to allocate without bound. */
#define FDP_LOG_MAX (1u << 20)

static int fdp_configs(struct cli *c, int argc, char **argv)
{
	struct nvio_fdp_config cfg[16];
	struct fdp_args a;
	struct cli_dev d;
	uint8_t *buf = NULL;
	uint32_t size;
	unsigned nr, total;
	struct jw *w;
	int rc;

	rc = fdp_parse(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = fdp_log_open(c, &a, &d);
	if (rc)
		return rc;
	buf = nvio_buf_alloc(FDP_LOG_MAX);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	/* the header says the log's size; then the whole log */
	rc = fdp_log(c, &d, &a, NVIO_LOG_FDP_CONFIGS, 0, buf, 16,
		     "FDP configurations log");
	if (rc)
		goto out;
	memcpy(&size, buf + 4, 4);
	size = le32toh(size);
	if (size < 16 || size > FDP_LOG_MAX)
		size = size < 16 ? 16 : FDP_LOG_MAX;
	size = (size + 3) & ~3u;
	rc = fdp_log(c, &d, &a, NVIO_LOG_FDP_CONFIGS, 0, buf, size,
		     "FDP configurations log");
	if (rc)
		goto out;
	if (c->raw) {
		rc = cli_raw_out(c, buf, size);
		goto out;
	}
	rc = nvio_fdp_configs_decode(buf, size, cfg, 16, &nr, &total);
	if (rc) {
		rc = err_errno(c, EBADMSG, "the FDP configurations log: a "
			       "descriptor's size does not hold it");
		goto out;
	}
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "n", total - 1);
		jw_arr(w, "configs");
	}
	for (unsigned i = 0; i < nr; i++) {
		const struct nvio_fdp_config *f = &cfg[i];

		if (w) {
			/* nvme-cli 2.3 prints neither maxpids nor the
			 * handles in JSON */
			jw_obj(w, NULL);
			jw_u64(w, "fdpa", f->fdpa);
			jw_u64(w, "vss", f->vss);
			jw_u64(w, "nrg", f->nrg);
			jw_u64(w, "nruh", f->nruh);
			jw_u64(w, "nnss", f->nnss);
			jw_u64(w, "runs", f->runs);
			jw_u64(w, "erutl", f->erutl);
			jw_obj_end(w);
			continue;
		}
		printf("FDP Attributes: %#x\n", f->fdpa);
		if (c->human) {
			printf("  [7:7] : %#x\tFDP Configuration %sValid\n",
			       f->fdpa >> 7, f->fdpa & 0x80 ? "" : "Not ");
			printf("  [4:4] : %#x\tFDP Volatile Write Cache %sPresent\n",
			       (f->fdpa >> 4) & 1, f->fdpa & 0x10 ? "" : "Not ");
			printf("  [3:0] : %#x\tReclaim Group Identifier Format\n",
			       f->fdpa & 0xf);
		}
		printf("Vendor Specific Size: %u\n", f->vss);
		printf("Number of Reclaim Groups: %u\n", f->nrg);
		printf("Number of Reclaim Unit Handles: %u\n", f->nruh);
		printf("Max Placement Identifiers: %u\n", f->max_pids);
		printf("Number of Namespaces Supported: %u\n", f->nnss);
		printf("Reclaim Unit Nominal Size: %llu\n",
		       (unsigned long long)f->runs);
		printf("Estimated Reclaim Unit Time Limit: %u\n", f->erutl);
		printf("Reclaim Unit Handle List:\n");
		for (unsigned k = 0; k < f->nruh; k++) {
			uint8_t t = buf[f->ruh_off + 4 * k];

			printf("  [%u]: %s\n", k, t == 1 ? "Initially Isolated"
					     : t == 2 ? "Persistently Isolated"
						      : "Unknown");
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

static int fdp_usage(struct cli *c, int argc, char **argv)
{
	struct fdp_args a;
	struct cli_dev d;
	uint8_t *buf = NULL;
	uint32_t len;
	uint16_t nruh;
	struct jw *w;
	int rc;

	rc = fdp_parse(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = fdp_log_open(c, &a, &d);
	if (rc)
		return rc;
	/* 8 bytes of header, then 8 per handle (at most 65535) */
	buf = nvio_buf_alloc(8 + 8 * 65535u);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	rc = fdp_log(c, &d, &a, NVIO_LOG_FDP_RUH_USAGE, 0, buf, 8,
		     "reclaim unit handle usage log");
	if (rc)
		goto out;
	memcpy(&nruh, buf, 2);
	nruh = le16toh(nruh);
	len = 8 + 8u * nruh;
	rc = fdp_log(c, &d, &a, NVIO_LOG_FDP_RUH_USAGE, 0, buf, len,
		     "reclaim unit handle usage log");
	if (rc)
		goto out;
	if (c->raw) {
		rc = cli_raw_out(c, buf, len);
		goto out;
	}
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "nruh", nruh);
		jw_arr(w, "ruhus");
	}
	for (unsigned i = 0; i < nruh; i++) {
		uint8_t ruha = buf[8 + 8 * i];

		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "ruha", ruha);
			jw_obj_end(w);
		} else {
			printf("Reclaim Unit Handle %u Attributes: %#x (%s)\n", i,
			       ruha, ruha == 0 ? "Unused" : ruha == 1 ?
			       "Host Specified" : ruha == 2 ?
			       "Controller Specified" : "Unknown");
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

static int fdp_stats(struct cli *c, int argc, char **argv)
{
	static const char *const name[] = {
		"Host Bytes with Metadata Written (HBMW)",
		"Media Bytes with Metadata Written (MBMW)",
		"Media Bytes Erased (MBE)",
	};
	static const char *const key[] = { "hbmw", "mbmw", "mbe" };
	struct fdp_args a;
	struct cli_dev d;
	uint8_t *buf = NULL;
	struct jw *w;
	int rc;

	rc = fdp_parse(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = fdp_log_open(c, &a, &d);
	if (rc)
		return rc;
	buf = nvio_buf_alloc(64);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	rc = fdp_log(c, &d, &a, NVIO_LOG_FDP_STATS, 0, buf, 64,
		     "FDP statistics log");
	if (rc)
		goto out;
	if (c->raw) {
		rc = cli_raw_out(c, buf, 64);
		goto out;
	}
	w = cli_json(c);
	if (w)
		jw_obj(w, NULL);
	for (unsigned i = 0; i < 3; i++) {
		char s[48];

		if (w) {
			jw_u128(w, key[i], buf + 16 * i);
		} else {
			u128_to_str(buf + 16 * i, s, sizeof(s));
			printf("%s: %s\n", name[i], s);
		}
	}
	if (w)
		jw_obj_end(w);
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

static const char *event_name(uint8_t t)
{
	switch (t) {
	case 0x00: return "Reclaim Unit Not Fully Written";
	case 0x01: return "Reclaim Unit Active Time Limit Exceeded";
	case 0x02: return "Controller Level Reset Modified Reclaim Unit Handles";
	case 0x03: return "Invalid Placement Identifier";
	case 0x80: return "Media Reallocated";
	case 0x81: return "Implicitly Modified Reclaim Unit Handle";
	default: return "Reserved";
	}
}

#define EVENTS_LEN 4096u
#define EVENTS_MAX 63u

static int fdp_events(struct cli *c, int argc, char **argv)
{
	struct nvio_fdp_event ev[EVENTS_MAX];
	struct fdp_args a;
	struct cli_dev d;
	uint8_t *buf = NULL;
	unsigned nr, total;
	struct jw *w;
	int rc;

	rc = fdp_parse(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = fdp_log_open(c, &a, &d);
	if (rc)
		return rc;
	buf = nvio_buf_alloc(EVENTS_LEN);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	memset(buf, 0, EVENTS_LEN);
	rc = fdp_log(c, &d, &a, NVIO_LOG_FDP_EVENTS, a.host_events, buf,
		     EVENTS_LEN, "FDP events log");
	if (rc)
		goto out;
	if (c->raw) {
		rc = cli_raw_out(c, buf, EVENTS_LEN);
		goto out;
	}
	nvio_fdp_events_decode(buf, EVENTS_LEN, ev, EVENTS_MAX, &nr, &total);
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		/* what was decoded: a count past the 63 a log holds is the
		 * device's error, not entries */
		jw_u64(w, "n", nr);
		jw_arr(w, "events");
	}
	for (unsigned i = 0; i < nr; i++) {
		const struct nvio_fdp_event *e = &ev[i];
		uint16_t nlbam;
		uint64_t lba;

		memcpy(&nlbam, e->specific + 2, 2);
		memcpy(&lba, e->specific + 4, 8);
		nlbam = le16toh(nlbam);
		lba = le64toh(lba);
		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "type", e->type);
			jw_u64(w, "fdpef", e->flags);
			jw_u64(w, "pid", e->pid);
			jw_u64(w, "timestamp", e->timestamp);
			jw_u64(w, "nsid", e->nsid);
			if (e->type == 0x80) {
				jw_u64(w, "nlbam", nlbam);
				if (e->specific[0] & 1)
					jw_u64(w, "lba", lba);
			}
			jw_obj_end(w);
			continue;
		}
		printf("Event[%u]\n  Event Type: %#x (%s)\n", i, e->type,
		       event_name(e->type));
		printf("  Event Timestamp: %llu\n",
		       (unsigned long long)(e->timestamp & ((1ull << 48) - 1)));
		if (e->flags & 1)
			printf("  Placement Identifier (PID): %#x\n", e->pid);
		if (e->flags & 2)
			printf("  Namespace Identifier (NSID): %u\n", e->nsid);
		if (e->type == 0x80) {
			printf("  Number of LBAs Moved (NLBAM): %u\n", nlbam);
			if (e->specific[0] & 1)
				printf("  Logical Block Address (LBA): %#llx\n",
				       (unsigned long long)lba);
		}
		if (e->flags & 4)
			printf("  Reclaim Group Identifier: %u\n"
			       "  Reclaim Unit Handle Identifier: %u\n",
			       e->rgid, e->ruhid);
		printf("\n");
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	} else if (total > nr) {
		cli_note(c, "the log says %u events; it holds at most %u",
			 total, EVENTS_MAX);
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

/* A namespace with a queue, whose controller has FDP. */
static int fdp_ns_open(struct cli *c, const struct fdp_args *a, uint32_t flags,
		       struct cli_dev *d)
{
	int rc = cli_open(c, (uint32_t)a->nsid, flags, true, d);

	if (rc)
		return rc;
	if (!d->info->fdp && !d->info->fdp_unknown) {
		rc = err_refused(c, "%s has no flexible data placement; nothing "
				 "was sent", d->info->generic_path);
		cli_close(d);
	}
	return rc;
}

#define STATUS_HDR 16u
#define STATUS_DESC 32u

static int fdp_status(struct cli *c, int argc, char **argv)
{
	struct fdp_args a;
	struct cli_dev d;
	struct nvio_fdp_ruhs *s = NULL;
	uint8_t *buf = NULL;
	unsigned nr, total = 0;
	uint32_t len = STATUS_HDR;
	struct jw *w;
	int rc;

	rc = fdp_parse(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = fdp_ns_open(c, &a, NVIO_DEV_RDONLY, &d);
	if (rc)
		return rc;
	/* NRUHSD is 16 bits: room for every descriptor it can count */
	buf = nvio_buf_alloc(STATUS_HDR + STATUS_DESC * 65535u);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	rc = nvio_fdp_ruh_status(d.q, 0, buf, STATUS_HDR + STATUS_DESC * 65535u,
				 &len);
	if (!rc)
		total = (len - STATUS_HDR) / STATUS_DESC;
	if (rc) {
		rc = err_result(c, rc, "reclaim unit handle status");
		goto out;
	}
	if (c->raw) {
		rc = cli_raw_out(c, buf, len);
		goto out;
	}
	s = calloc(total ? total : 1, sizeof(*s));
	if (!s) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	nvio_fdp_ruh_status_decode(buf, len, s, total, &nr, NULL);
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "nruhsd", nr);
		jw_arr(w, "ruhss");
	}
	for (unsigned i = 0; i < nr; i++) {
		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "pid", s[i].pid);
			jw_u64(w, "ruhid", s[i].ruhid);
			jw_u64(w, "earutr", s[i].earutr);
			jw_u64(w, "ruamw", s[i].ruamw);
			jw_obj_end(w);
		} else {
			printf("Placement Identifier %u; Reclaim Unit Handle "
			       "Identifier %u\n  Estimated Active Reclaim Unit "
			       "Time Remaining (EARUTR): %u\n  Reclaim Unit "
			       "Available Media Writes (RUAMW): %llu\n\n",
			       s[i].pid, s[i].ruhid, s[i].earutr,
			       (unsigned long long)s[i].ruamw);
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	rc = EXIT_OK;
out:
	free(s);
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

static int fdp_update(struct cli *c, int argc, char **argv)
{
	struct fdp_args a;
	struct cli_dev d;
	uint16_t *buf = NULL;
	uint32_t len;
	struct jw *w;
	int rc;

	rc = fdp_parse(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (!a.npids)
		return err_usage(c, "no placement ids: give -p PID[,PID...]");
	rc = fdp_ns_open(c, &a, 0, &d);
	if (rc)
		return rc;
	/* every id the namespace's, before anything is sent: a device may
	 * apply the ids before a bad one and fail the rest */
	for (unsigned i = 0; i < a.npids && d.info->fdp; i++) {
		if (nvio_fdp_pid_check(d.info, a.pids[i])) {
			rc = err_refused(c, "placement id %u is not one of %s's "
					 "(nvio fdp status lists them); nothing "
					 "was sent", a.pids[i],
					 d.info->generic_path);
			goto out;
		}
	}
	len = (2 * a.npids + 3) & ~3u;
	buf = nvio_buf_alloc(len);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	memset(buf, 0, len);
	for (unsigned i = 0; i < a.npids; i++)
		buf[i] = htole16(a.pids[i]);
	rc = nvio_io_mgmt_send(d.q, 0, NVIO_IO_MGMT_RUH_UPDATE,
			       (uint16_t)(a.npids - 1), buf, len);
	if (rc) {
		rc = err_result(c, rc, "reclaim unit handle update");
		goto out;
	}
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "command", c->cmd->name);
		jw_str(w, "device", d.info->generic_path);
		jw_arr(w, "pids");
		for (unsigned i = 0; i < a.npids; i++)
			jw_u64(w, NULL, a.pids[i]);
		jw_arr_end(w);
		jw_obj_end(w);
	} else {
		printf("update: Success\n");
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}
