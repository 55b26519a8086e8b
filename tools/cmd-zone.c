/* SPDX-License-Identifier: MIT */
/*
 * cmd-zone.c - nvio zone report|open|close|finish|reset|offline|append
 * (and id-ns, id-ctrl, which cmd-admin.c prints with the other Identify):
 * zoned namespaces, with nvme-cli's zns options and JSON where it has
 * them. Each subcommand has its own option table; `nvio zone SUB` runs
 * with c->cmd pointing at the subcommand, so its --help, its errors and
 * its JSON name it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define OPT_ZSLBA { "start-lba", 's', required_argument, "SLBA", \
		    "the zone's first LBA" }
#define OPT_ZNSID { "namespace-id", 'n', required_argument, "NSID", \
		    "namespace when DEV is a controller (/dev/nvmeX)" }

static const struct cli_opt opts_zone_report[] = {
	{ "start-lba", 's', required_argument, "SLBA",
	  "report from the zone holding SLBA (default 0)" },
	{ "descs", 'd', required_argument, "N",
	  "report at most N zones (default: all)" },
	{ "state", 'S', required_argument, "STATE",
	  "only zones in STATE: empty, imp-open, exp-open, closed, full, "
	  "read-only, offline (or nvme-cli's 1-7)" },
	{ "partial", 'p', no_argument, NULL,
	  "nr_zones counts the zones reported, not all that match" },
	OPT_ZNSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

static const struct cli_opt opts_zone_action[] = {
	OPT_ZSLBA,
	{ "select-all", 'a', no_argument, NULL,
	  "every zone the action applies to (also --all)" },
	{ "all", 'a', no_argument, NULL, NULL },
	{ "force", OPT_FORCE, no_argument, NULL,
	  "skip the in-use and signature safety checks" },
	OPT_ZNSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

static const struct cli_opt opts_zone_append[] = {
	OPT_ZSLBA,
	{ "block-count", 'c', required_argument, "NLB",
	  "LBAs to append (a count: 1 is one LBA)" },
	{ "data-size", 'z', required_argument, "SIZE",
	  "bytes to append (k, M suffixes); LBAs x LBA size" },
	{ "data", 'd', required_argument, "FILE", "append the data of FILE" },
	{ "pattern", OPT_PATTERN, required_argument, "P",
	  "append byte P (0-255) repeated" },
	{ "force", OPT_FORCE, no_argument, NULL,
	  "skip the in-use and signature safety checks" },
	OPT_ZNSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_zone[] = { CLI_OPT_COMMON, { 0 } };

static int zone_report(struct cli *c, int argc, char **argv);
static int zone_action(struct cli *c, int argc, char **argv);
static int zone_append(struct cli *c, int argc, char **argv);

static const struct cli_cmd zone_cmds[] = {
	{ "zone report", zone_report, "report zones",
	  "nvio zone report DEV [-s SLBA] [-d N] [-S STATE] [-p] [-o json]",
	  opts_zone_report,
	  "JSON as nvme-cli's `zns report-zones -o json`: nr_zones (the zones\n"
	  "that match, from the device's report) and zone_list.\n" },
	{ "zone open", zone_action, "open a zone explicitly",
	  "nvio zone open DEV (-s SLBA | -a)", opts_zone_action, NULL },
	{ "zone close", zone_action, "close an open zone",
	  "nvio zone close DEV (-s SLBA | -a)", opts_zone_action, NULL },
	{ "zone finish", zone_action, "make a zone full",
	  "nvio zone finish DEV (-s SLBA | -a)", opts_zone_action, NULL },
	{ "zone reset", zone_action, "empty a zone (its data is lost)",
	  "nvio zone reset DEV (-s SLBA | -a)", opts_zone_action, NULL },
	{ "zone offline", zone_action, "take a read-only zone offline",
	  "nvio zone offline DEV (-s SLBA | -a)", opts_zone_action, NULL },
	{ "zone append", zone_append,
	  "append data to a zone; the device picks and returns the LBA",
	  "nvio zone append DEV -s SLBA (-c NLB | -z SIZE) (-d FILE | --pattern P)",
	  opts_zone_append,
	  "The data goes at the zone's write pointer: the LBA it was written\n"
	  "at is printed (\"lba\" with -o json). At most the namespace's zone\n"
	  "append size limit (ZASL) in one append.\n" },
	{ "zone id-ns", cmd_zone_id_ns,
	  "the zoned command set's Identify Namespace",
	  "nvio zone id-ns DEV [-n NSID] [-b] [-o json]", opts_id_ns,
	  "JSON as nvme-cli's `zns id-ns -o json`: zoc, ozcs, mar, mor (the\n"
	  "most active and open zones, less one), the reset and finish\n"
	  "recommended limits, ZRWA fields, and lbafe (zsze, zdes) per LBA\n"
	  "format.\n" },
	{ "zone id-ctrl", cmd_zone_id_ctrl,
	  "the zoned command set's Identify Controller",
	  "nvio zone id-ctrl DEV [-b] [-o json]", opts_id_ctrl,
	  "JSON as nvme-cli's `zns id-ctrl -o json`: zasl.\n" },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

static const struct name_val zone_states[] = {
	{ "empty", 1 }, { "imp-open", 2 }, { "exp-open", 3 }, { "closed", 4 },
	{ "full", 5 }, { "read-only", 6 }, { "offline", 7 }, { NULL, 0 },
};

/* nvme-cli's names, for its JSON and for text. */
static const char *state_name(unsigned s)
{
	switch (s) {
	case NVIO_ZS_EMPTY: return "EMPTY";
	case NVIO_ZS_IMP_OPEN: return "IMP_OPENED";
	case NVIO_ZS_EXP_OPEN: return "EXP_OPENED";
	case NVIO_ZS_CLOSED: return "CLOSED";
	case NVIO_ZS_READ_ONLY: return "READONLY";
	case NVIO_ZS_FULL: return "FULL";
	case NVIO_ZS_OFFLINE: return "OFFLINE";
	default: return "Unknown State";
	}
}

static const char *type_name(unsigned t)
{
	return t == NVIO_ZONE_TYPE_SEQ ? "SEQWRITE_REQ" : "Unknown";
}

int cmd_zone(struct cli *c, int argc, char **argv)
{
	return cli_subcommand(c, argc, argv, zone_cmds, "zone",
			      "report, open, close, finish, reset, offline, append, id-ns or id-ctrl");
}

/* The device, opened with a queue, and checked to be zoned. */
static int zone_open_dev(struct cli *c, uint64_t nsid, uint32_t flags,
			 struct cli_dev *d)
{
	int rc = cli_open(c, (uint32_t)nsid, flags, true, d);

	if (rc)
		return rc;
	if (!d->info->zoned) {
		rc = err_refused(c, "%s is not a zoned namespace; nothing was "
				 "sent", d->info->generic_path);
		cli_close(d);
		return rc;
	}
	if (!d->info->zone_size) {
		rc = err_refused(c, "the zone size of %s could not be learned "
				 "(Identify for the zoned command set failed); "
				 "nothing was sent", d->info->generic_path);
		cli_close(d);
		return rc;
	}
	return EXIT_OK;
}

/* slba names a zone: inside the namespace and at a zone's first LBA. */
static int zone_start(struct cli *c, struct cli_dev *d, uint64_t slba)
{
	uint64_t zs = d->info->zone_size;

	if (slba >= d->info->nsze)
		return check_range(c, d, slba, 1);
	if (slba % zs)
		return err_usage(c, "LBA %llu does not start a zone (zones of "
				 "%llu LBAs: %llu does)",
				 (unsigned long long)slba,
				 (unsigned long long)zs,
				 (unsigned long long)(slba - slba % zs));
	return EXIT_OK;
}

static int zone_report(struct cli *c, int argc, char **argv)
{
	uint64_t slba = 0, descs = UINT64_MAX, state = 0, nsid = 0, total = 0;
	bool partial = false, first = true;
	struct nvio_zone *z = NULL;
	unsigned chunk = 256, nr = 0;
	uint64_t shown = 0;
	struct cli_dev d;
	struct jw *w;
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code;
		case 's': rc = opt_u64(c, "start-lba", optarg, &slba, UINT64_MAX); break;
		case 'd':
			rc = opt_u64(c, "descs", optarg, &descs, UINT32_MAX);
			if (!rc && !descs)
				rc = err_usage(c, "--descs: 0 zones");
			break;
		case 'S':
			if (parse_named(optarg, zone_states, &state) || state > 7)
				rc = err_usage(c, "--state: '%s' is not a zone state "
					       "(empty, imp-open, exp-open, closed, "
					       "full, read-only, offline)", optarg);
			break;
		case 'p': partial = true; break;
		case 'n': rc = opt_u64(c, "namespace-id", optarg, &nsid, UINT32_MAX - 1); break;
		default: rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	rc = zone_open_dev(c, nsid, NVIO_DEV_RDONLY, &d);
	if (rc)
		return rc;
	if (slba >= d.info->nsze) {
		rc = check_range(c, &d, slba, 1);
		goto out;
	}
	z = calloc(chunk, sizeof(*z));
	if (!z) {
		rc = err_errno(c, ENOMEM, "zones");
		goto out;
	}
	w = cli_json(c);
	if (w)
		jw_obj(w, NULL);
	/* Chunks of descriptors, each from the zone after the last one
	 * seen, until the device has none left or --descs are shown. */
	for (;;) {
		uint64_t got_total;
		unsigned want = descs - shown < chunk ? (unsigned)(descs - shown) : chunk;

		rc = nvio_zone_report(d.q, slba, (unsigned)state, partial, z,
				      want, &nr, &got_total);
		if (rc) {
			rc = err_result(c, rc, "report zones");
			goto out;
		}
		if (first) {
			/* nvme-cli prints the first report's count */
			total = got_total;
			if (w) {
				jw_u64(w, "nr_zones", total);
				jw_arr(w, "zone_list");
			} else {
				printf("nr_zones: %llu\n", (unsigned long long)total);
			}
			first = false;
		}
		for (unsigned i = 0; i < nr; i++) {
			if (w) {
				jw_obj(w, NULL);
				jw_u64(w, "slba", z[i].slba);
				jw_u64(w, "wp", z[i].wp);
				jw_u64(w, "cap", z[i].cap);
				jw_str(w, "state", state_name(z[i].state));
				jw_str(w, "type", type_name(z[i].type));
				/* nvme-cli 2.4 (Debian 12's) stops here; newer
				 * ones add attrs_info */
				jw_u64(w, "attrs", z[i].attrs);
				jw_obj_end(w);
			} else {
				printf("SLBA: %#-10llx WP: %#-10llx Cap: %#-10llx "
				       "State: %-12s Type: %-14s Attrs: %#x\n",
				       (unsigned long long)z[i].slba,
				       (unsigned long long)z[i].wp,
				       (unsigned long long)z[i].cap,
				       state_name(z[i].state), type_name(z[i].type),
				       z[i].attrs);
			}
		}
		shown += nr;
		if (!nr || nr < want || shown >= descs)
			break;
		slba = z[nr - 1].slba + d.info->zone_size;
		if (slba >= d.info->nsze)
			break;
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	rc = EXIT_OK;
out:
	free(z);
	cli_close(&d);
	return rc;
}

static unsigned zone_action_of(const struct cli_cmd *cmd)
{
	const char *a = cmd->name + 5;

	if (!strcmp(a, "open")) return NVIO_ZSA_OPEN;
	if (!strcmp(a, "close")) return NVIO_ZSA_CLOSE;
	if (!strcmp(a, "finish")) return NVIO_ZSA_FINISH;
	if (!strcmp(a, "reset")) return NVIO_ZSA_RESET;
	return NVIO_ZSA_OFFLINE;
}

static int zone_action(struct cli *c, int argc, char **argv)
{
	unsigned action = zone_action_of(c->cmd);
	uint64_t slba = 0, nsid = 0;
	bool has_slba = false, all = false;
	struct cli_dev d;
	struct jw *w;
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code;
		case 's':
			rc = opt_u64(c, "start-lba", optarg, &slba, UINT64_MAX);
			has_slba = true;
			break;
		case 'a': all = true; break;
		case OPT_FORCE: c->force = true; break;
		case 'n': rc = opt_u64(c, "namespace-id", optarg, &nsid, UINT32_MAX - 1); break;
		default: rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	if (has_slba == all)
		return err_usage(c, "give the zone (-s SLBA) or --select-all, "
				    "one of them");
	rc = zone_open_dev(c, nsid, 0, &d);
	if (rc)
		return rc;
	if (!all) {
		rc = zone_start(c, &d, slba);
		if (rc)
			goto out;
	}
	/* reset and offline lose data */
	if (action == NVIO_ZSA_RESET || action == NVIO_ZSA_OFFLINE) {
		rc = safety_check(c, &d, c->cmd->name);
		if (rc)
			goto out;
	}
	rc = nvio_zone_mgmt(d.q, slba, action, all);
	if (rc) {
		char what[96];

		snprintf(what, sizeof(what), "%s of %s", c->cmd->name + 5,
			 all ? "all zones" : "the zone");
		rc = err_result(c, rc, what);
		goto out;
	}
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "command", c->cmd->name);
		jw_str(w, "device", d.info->generic_path);
		jw_u64(w, "nsid", d.info->nsid);
		if (all)
			jw_bool(w, "select_all", true);
		else
			jw_u64(w, "slba", slba);
		jw_obj_end(w);
	} else {
		printf("%s: %s: success\n", c->cmd->name,
		       all ? "all zones" : "the zone");
	}
	rc = EXIT_OK;
out:
	cli_close(&d);
	return rc;
}

static int zone_append(struct cli *c, int argc, char **argv)
{
	uint64_t slba = 0, nlb = 0, size = 0, nsid = 0, pat = 0, alba = 0;
	bool has_slba = false, has_nlb = false, has_size = false, has_pat = false;
	const char *file = NULL;
	unsigned char *buf = NULL;
	struct cli_dev d;
	struct jw *w;
	size_t len;
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code;
		case 's':
			rc = opt_u64(c, "start-lba", optarg, &slba, UINT64_MAX);
			has_slba = true;
			break;
		case 'c':
			rc = opt_u64(c, "block-count", optarg, &nlb, 65536);
			has_nlb = true;
			if (!rc && !nlb)
				rc = err_usage(c, "--block-count: 0 LBAs");
			break;
		case 'z':
			rc = opt_size(c, "data-size", optarg, &size);
			has_size = true;
			if (!rc && !size)
				rc = err_usage(c, "--data-size: 0 bytes");
			break;
		case 'd': file = optarg; break;
		case OPT_PATTERN:
			rc = opt_u64(c, "pattern", optarg, &pat, 255);
			has_pat = true;
			break;
		case OPT_FORCE: c->force = true; break;
		case 'n': rc = opt_u64(c, "namespace-id", optarg, &nsid, UINT32_MAX - 1); break;
		default: rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	if (!has_slba)
		return err_usage(c, "give the zone with -s SLBA");
	if (!has_nlb && !has_size)
		return err_usage(c, "give the size with -c NLB or -z SIZE");
	if (!file == !has_pat)
		return err_usage(c, "give the data with -d FILE or --pattern P");
	rc = zone_open_dev(c, nsid, 0, &d);
	if (rc)
		return rc;
	if (has_size && (size % d.lba_bytes ||
			 (has_nlb && size != nlb * d.lba_bytes))) {
		rc = err_usage(c, "--data-size %llu is not %s%u-byte LBAs",
			       (unsigned long long)size,
			       has_nlb ? "--block-count x " : "a whole number of ",
			       d.lba_bytes);
		goto out;
	}
	if (!has_nlb)
		nlb = size / d.lba_bytes;
	len = (size_t)(nlb * d.lba_bytes);
	rc = zone_start(c, &d, slba);
	if (rc)
		goto out;
	if (d.info->zone_append_max && len > d.info->zone_append_max) {
		rc = err_usage(c, "%zu bytes: %s appends at most %u bytes at a "
			       "time (ZASL)", len, d.info->generic_path,
			       d.info->zone_append_max);
		goto out;
	}
	buf = nvio_buf_alloc(len);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	if (has_pat) {
		memset(buf, (int)pat, len);
	} else {
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		size_t got = 0;

		if (fd < 0) {
			rc = err_errno(c, errno, "cannot open data file %s", file);
			goto out;
		}
		while (got < len) {
			ssize_t n = read(fd, buf + got, len - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		close(fd);
		if (got < len) {
			rc = err_usage(c, "%s has %zu bytes, the append needs %zu; "
				       "nothing was sent", file, got, len);
			goto out;
		}
	}
	rc = safety_check(c, &d, "append");
	if (rc)
		goto out;
	{
		struct nvio_io io = { .sz = sizeof(io),
				      .opcode = NVIO_OP_ZONE_APPEND,
				      .slba = slba, .nlb = (uint32_t)nlb,
				      .buf = buf, .len = len };

		rc = nvio_io(d.q, &io, &alba);
	}
	if (rc) {
		char what[96];

		snprintf(what, sizeof(what), "append of %llu LBAs to the zone "
			 "at %llu", (unsigned long long)nlb,
			 (unsigned long long)slba);
		rc = err_result(c, rc, what);
		goto out;
	}
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "command", c->cmd->name);
		jw_str(w, "device", d.info->generic_path);
		jw_u64(w, "nsid", d.info->nsid);
		jw_u64(w, "zslba", slba);
		jw_u64(w, "nlb", nlb);
		jw_u64(w, "lba", alba);
		jw_obj_end(w);
	} else {
		printf("append: %llu LBAs to the zone at %llu: written at LBA "
		       "%llu\n", (unsigned long long)nlb,
		       (unsigned long long)slba, (unsigned long long)alba);
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}
