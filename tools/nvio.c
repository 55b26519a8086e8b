/* SPDX-License-Identifier: MIT */
/*
 * nvio.c - the nvio command: the table of subcommands (one row each:
 * name, handler, summary, usage, options), option parsing built from each
 * row's option table so --help and the parser can never disagree, and
 * `nvio help` / `nvio version`.
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lat/lat.h"
#include "opttab.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define IO_DETAILS                                                             \
	"LBAs are counted from 0; --block-count is a count of LBAs (1 means\n"  \
	"one LBA), unlike nvme-cli's zero-based -c. Numbers are decimal or 0x\n" \
	"hex; sizes take k, M, G, T suffixes (powers of 1024).\n"            \
	"PI options (read, write, compare, verify) are nvme-cli's: --prinfo,\n" \
	"--ref-tag, --app-tag, --app-tag-mask; --pi has nvio make and check\n" \
	"the protection information itself. See nvio(1).\n"

const struct cli_cmd cli_cmds[] = {
	{ "list", cmd_list, "list NVMe controllers and namespaces",
	  "nvio list [-o json]", opts_list,
	  "Shows every controller (transport, model, serial, firmware) and\n"
	  "namespace (generic char device, block device, capacity, LBA format,\n"
	  "whether polled I/O is available).\n" },
	{ "id-ctrl", cmd_id_ctrl, "show Identify Controller data",
	  "nvio id-ctrl DEV [-H] [-b] [-o json]", opts_id_ctrl,
	  "DEV is a namespace (/dev/ngXnY, /dev/nvmeXnY) or a controller\n"
	  "(/dev/nvmeX). JSON keys and values follow nvme-cli's `id-ctrl -o json`.\n" },
	{ "id-ns", cmd_id_ns, "show Identify Namespace data",
	  "nvio id-ns DEV [-n NSID] [-H] [-b] [-o json]", opts_id_ns,
	  "JSON keys and values follow nvme-cli's `id-ns -o json`.\n" },
	{ "list-ns", cmd_list_ns, "list a controller's namespace ids",
	  "nvio list-ns DEV [-n NSID] [-a] [-o json]", opts_list_ns,
	  "DEV is a controller (/dev/nvmeX), which may have no namespace at\n"
	  "all, or one of its namespaces. JSON as nvme-cli's list-ns.\n" },
	{ "read", cmd_read, "read LBAs to a file or stdout",
	  "nvio read DEV [-s SLBA] (-c NLB | -z SIZE) [-d FILE] [-M FILE] [PI options] [--fua] [-H]",
	  opts_read,
	  IO_DETAILS
	  "Data goes to FILE or to stdout (raw bytes; -H for a hex dump; with\n"
	  "-o json and no FILE, as a hex string). Reads never need --force.\n" },
	{ "write", cmd_write, "write LBAs from a file, stdin or a pattern",
	  "nvio write DEV [-s SLBA] [-c NLB] [-z SIZE] [-d FILE | --pattern P] [-M FILE] [PI options] [--fua] [--force]",
	  opts_write,
	  IO_DETAILS
	  "Data comes from FILE, from stdin, or from --pattern (a byte value,\n"
	  "or 'random'). The data must cover the whole write: a shorter file is\n"
	  "refused before anything is sent. With only -z (or only a regular\n"
	  "FILE) the LBA count is derived from the size.\n"
	  "Refused without --force when the namespace is mounted, in use, or\n"
	  "holds a partition table or filesystem.\n" },
	{ "compare", cmd_compare, "compare LBAs with data (exit 1 on mismatch)",
	  "nvio compare DEV [-s SLBA] [-c NLB] [-z SIZE] [-d FILE | --pattern P] [-M FILE] [PI options]",
	  opts_compare,
	  IO_DETAILS
	  "A mismatch ends with the NVMe status Compare Failure and exit code 1.\n" },
	{ "verify", cmd_verify, "verify LBAs (the device reads and checks them)",
	  "nvio verify DEV [-s SLBA] -c NLB [PI options]", opts_verify, IO_DETAILS },
	{ "write-zeroes", cmd_write_zeroes, "zero LBAs",
	  "nvio write-zeroes DEV [-s SLBA] -c NLB [--deac] [--fua] [--force]",
	  opts_write_zeroes,
	  IO_DETAILS
	  "--deac asks the device to deallocate the LBAs as well.\n" },
	{ "trim", cmd_trim, "deallocate LBA ranges (Dataset Management)",
	  "nvio trim DEV (-s SLBA -c NLB | --range SLBA:NLB ...) [--force]",
	  opts_trim,
	  IO_DETAILS
	  "--range may be given many times; NLB is a count of LBAs.\n" },
	{ "copy", cmd_copy, "copy LBA ranges to a destination inside the drive",
	  "nvio copy DEV --sdlba SLBA --range SLBA:NLB [--range ...] [--fua] [--force]",
	  opts_copy,
	  "The Copy command (format 0 source ranges): the controller reads the\n"
	  "ranges, in order, and writes them from --sdlba on. Every range and\n"
	  "the total are checked against the namespace's limits (MSRC, MSSRL,\n"
	  "MCL) before it is sent; NLB counts LBAs from 1. Refused without\n"
	  "--force when the namespace is in use or holds a filesystem.\n" },
	{ "write-uncor", cmd_write_uncor, "mark LBAs uncorrectable (Write Uncorrectable)",
	  "nvio write-uncor DEV [-s SLBA] -c NLB [--force]", opts_write_uncor,
	  "Reads of the LBAs fail until they are written again. Refused,\n"
	  "with nothing sent, where the controller lacks the command (ONCS).\n" },
	{ "zone", cmd_zone, "zoned namespaces: report, open, close, finish, reset, offline, append",
	  "nvio zone report|open|close|finish|reset|offline|append DEV [OPTIONS]",
	  opts_zone,
	  "nvio zone report DEV [-s SLBA] [-d N] [-S STATE] [-p]   zones, as nvme-cli's\n"
	  "                                     zns report-zones (JSON key for key)\n"
	  "nvio zone open|close|finish|reset|offline DEV (-s SLBA | -a)\n"
	  "nvio zone append DEV -s SLBA (-c NLB | -z SIZE) (-d FILE | --pattern P)\n"
	  "                                     prints the LBA the device wrote at\n"
	  "See nvio zone SUBCOMMAND --help.\n" },
	{ "fdp", cmd_fdp, "flexible data placement: configs, usage, stats, events, status, update",
	  "nvio fdp configs|usage|stats|events|status|update DEV [OPTIONS]",
	  opts_fdp,
	  "nvio fdp configs|usage|stats DEV [-e EGID]      the FDP logs of an\n"
	  "                                     endurance group (default: DEV's)\n"
	  "nvio fdp events DEV [-e EGID] [-E]  controller (or -E host) events\n"
	  "nvio fdp status DEV                 placement ids and their handles\n"
	  "nvio fdp update DEV -p PID[,PID...] new reclaim units for the ids\n"
	  "JSON as nvme-cli's fdp plugin prints it. Writes are placed with\n"
	  "nvio write --dir-type 2 --dir-spec PID. See nvio fdp SUBCOMMAND --help.\n" },
	{ "selftest", cmd_selftest, "qualify a namespace: a battery of checks, each PASS, FAIL or SKIP",
	  "nvio selftest DEV [--scratch SLBA+COUNT] [--quick|--long] [--destructive --force] [--format text|tap|junit] [-o json]",
	  opts_selftest,
	  "Identify consistency, I/O round trips from 1 LBA past MDTS, FUA and\n"
	  "flush, Compare, Verify, the errors the specification requires, Write\n"
	  "Zeroes and deallocate against DLFEAT, SMART and error logs, integrity\n"
	  "under queue depth and several queues, and QD1 latency. Writes go only\n"
	  "to the scratch range (default the last MiB), saved first and restored\n"
	  "after; where it cannot be saved or the namespace is in use, the\n"
	  "checks that write are skipped. Exit: 0 all passed (skips allowed),\n"
	  "1 a check failed, 2 usage, 3 system error.\n" },
	{ "flush", cmd_flush, "flush the volatile write cache",
	  "nvio flush DEV", opts_flush, NULL },
	{ "get-log", cmd_get_log, "read a log page",
	  "nvio get-log DEV --log-id ID|smart|error|fw|effects [--log-len N] [-n NSID] [-b]",
	  opts_get_log,
	  "smart, error, fw and effects are decoded; other pages are shown as a\n"
	  "hex dump (or hex string in JSON). -b writes the raw page to stdout.\n" },
	{ "get-feature", cmd_get_feature, "read a feature's value",
	  "nvio get-feature DEV -f FID [-s SEL] [--cdw11 V] [-n NSID] [--data-len N]",
	  opts_get_feature,
	  "SEL: 0 current, 1 default, 2 saved, 3 supported capabilities\n"
	  "(or the words current, default, saved, supported).\n" },
	{ "set-feature", cmd_set_feature, "set a feature's value",
	  "nvio set-feature DEV -f FID -v VALUE [--save] [-n NSID] [-d FILE --data-len N] [--force]",
	  opts_set_feature,
	  "Refused without --force when the namespace is mounted, in use, or\n"
	  "holds a partition table or filesystem.\n" },
	{ "io-passthru", cmd_io_passthru, "send any I/O command by dword",
	  "nvio io-passthru DEV --opcode OP [--cdw2..--cdw15 V] [--data-len N] [--read | --write] [-d FILE] [--force]",
	  opts_io_passthru,
	  "The data direction follows the opcode (bit 0: to the device, bit 1:\n"
	  "from it) unless --read or --write says otherwise. Commands that\n"
	  "write data or change LBAs are refused without --force on a namespace\n"
	  "that is in use. The completion's result dword is printed.\n" },
	{ "admin-passthru", cmd_admin_passthru, "send any admin command by dword",
	  "nvio admin-passthru DEV --opcode OP [--namespace-id NSID] [--cdw2..--cdw15 V] [--data-len N] [--read | --write] [-d FILE]",
	  opts_admin_passthru,
	  "Sent to the controller of DEV. Admin commands are not checked for\n"
	  "safety: they can destroy data (format, sanitize, namespace delete).\n" },
	{ "lat", cmd_lat, "measure per-command latency (histogram, percentiles)",
	  "nvio lat DEV [OPTIONS]", nvio_lat_opts,
	  "Latencies are in microseconds in normal output, nanoseconds in\n"
	  "JSON and CSV; see nvio(1), LATENCY PROBES.\n" },
	{ "sweep", cmd_sweep, "run lat over block sizes, queue depths and modes",
	  "nvio sweep DEV [OPTIONS]", nvio_sweep_opts,
	  "One row per point of the matrix; see nvio(1), LATENCY PROBES.\n" },
	{ "soak", cmd_soak, "data integrity soak: headed random writes, flushes, read-back",
	  "nvio soak DEV [--size SIZE] [--bs SIZE] [-j N] [--qd N] [--time S | --bytes SIZE] [--journal FILE] [--force]\n"
	  "       nvio soak DEV --check --journal FILE",
	  opts_soak,
	  "Threads (one queue each) write random units of the region; every LBA\n"
	  "carries a header (LBA, generation, run, checksum). --verify-pct of the\n"
	  "commands read a unit back and check it. Every --flush-ms a Flush goes\n"
	  "out and, once it succeeds, --journal is replaced by the generations\n"
	  "acknowledged before it. At the end all is flushed and the whole region\n"
	  "read and checked: every unit must hold its last generation.\n"
	  "After a crash or power cut, --check reads the region and judges each\n"
	  "unit against the journal: intact (as journaled), newer (a write after\n"
	  "the last flush landed, wholly or in part), not covered (nothing was\n"
	  "acknowledged before the last flush), or a mismatch (lost, stale or\n"
	  "corrupted). Exit 0 when nothing mismatched and no command failed, 1\n"
	  "otherwise. The region's data is destroyed; refused without --force\n"
	  "when the namespace is in use or holds a filesystem.\n" },
	{ "doctor", cmd_doctor, "check what NVMe passthrough needs, and say how to fix it",
	  "nvio doctor [DEV] [-o json]", opts_doctor,
	  "One line per check: PASS, WARN or FAIL, and how to fix what is\n"
	  "missing. Exit 0 when nothing FAILs, 3 otherwise.\n" },
	{ "version", cmd_version, "show the tool's and the library's versions",
	  "nvio version [-o json]", opts_version, NULL },
	{ "help", cmd_help, "show help for nvio or a command",
	  "nvio help [COMMAND]", opts_help, NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

const struct cli_opt opts_version[] = { CLI_OPT_COMMON, { 0 } };
const struct cli_opt opts_help[] = { CLI_OPT_COMMON, { 0 } };

/* lat and sweep parse their own options and print their own output,
 * JSON included; the table only routes to them. When they fail before a
 * JSON document is printed, the tool prints its error document with their
 * message, as every other command does. */
static int delegate(struct cli *c, int (*fn)(int, char **), int argc,
		    char **argv)
{
	int rc;

	fflush(stdout);
	rc = fn(argc, argv);
	c->keep_doc = nvio_lat_printed_json() || rc == EXIT_OK;
	if (!c->keep_doc) {
		snprintf(c->errmsg, sizeof(c->errmsg), "%s",
			 *nvio_lat_error() ? nvio_lat_error() : "failed");
		c->has_error = true;
		c->exit_code = rc;
		if (!c->dev_path)
			c->dev_path = nvio_lat_device();
		c->err_errno = nvio_lat_errno();
	}
	return rc;
}

int cmd_lat(struct cli *c, int argc, char **argv)
{
	return delegate(c, nvio_cmd_lat, argc, argv);
}

int cmd_sweep(struct cli *c, int argc, char **argv)
{
	return delegate(c, nvio_cmd_sweep, argc, argv);
}

const struct cli_cmd *cli_find(const char *name)
{
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void help_all(FILE *f)
{
	fprintf(f, "Usage: nvio COMMAND [DEV] [OPTIONS]\n\n"
		   "NVMe passthrough through the kernel's generic char devices "
		   "(/dev/ngXnY)\nand io_uring, on libnvio.\n\nCommands:\n");
	for (const struct cli_cmd *c = cli_cmds; c->name; c++)
		fprintf(f, "  %-16s %s\n", c->name, c->summary);
	fprintf(f, "\nEvery command takes --help and -o/--output-format "
		   "normal|json.\n"
		   "Exit codes: 0 success, 1 NVMe status error, 2 usage error "
		   "or refused\n(nothing sent), 3 system error.\n"
		   "See 'nvio help COMMAND' and nvio(1).\n");
}

void cli_help(const struct cli_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: %s\n\n%s.\n", cmd->usage, cmd->summary);
	if (cmd->details)
		fprintf(f, "\n%s", cmd->details);
	fprintf(f, "\nOptions:\n");
	opttab_help(cmd->opts, f);
}

int cli_subcommand(struct cli *c, int argc, char **argv,
		   const struct cli_cmd *table, const char *group,
		   const char *choices)
{
	const struct cli_cmd *sub = NULL;

	if (argc >= 2) {
		char name[64];

		snprintf(name, sizeof(name), "%s %s", group, argv[1]);
		for (const struct cli_cmd *t = table; t->name; t++)
			if (!strcmp(t->name, name))
				sub = t;
	}
	if (!sub) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") ||
				  !strcmp(argv[1], "-h"))) {
			cli_help(c->cmd, stdout);
			return EXIT_OK;
		}
		return err_usage(c, "%s %s command: give %s",
				 argc >= 2 ? "unknown" : "no", group, choices);
	}
	c->cmd = sub;
	return sub->fn(c, argc - 1, argv + 1);
}

static void help_json(const struct cli_cmd *cmd, struct jw *w)
{
	jw_obj(w, NULL);
	jw_str(w, "name", cmd->name);
	jw_str(w, "summary", cmd->summary);
	jw_str(w, "usage", cmd->usage);
	jw_arr(w, "options");
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++) {
		char shrt[3] = { '-', (char)o->id, '\0' };

		if (!o->help)
			continue; /* another spelling, not listed */
		jw_obj(w, NULL);
		jw_str(w, "long", o->name);
		jw_str(w, "short", o->id < 256 ? shrt : NULL);
		jw_str(w, "argument", o->has_arg ? o->arg : NULL);
		jw_str(w, "help", o->help);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* Help for one command, as text or (with -o json) as a document. */
static void show_help(struct cli *c, const struct cli_cmd *cmd)
{
	struct jw *w = cli_json(c);

	if (w)
		help_json(cmd, w);
	else
		cli_help(cmd, stdout);
}

/* One command runs per process, so the getopt tables are built once. */
static struct option long_opts[64];
static char short_opts[160];

int cli_getopt(struct cli *c, int argc, char **argv)
{
	static const struct cli_cmd *built;
	int opt;

	if (built != c->cmd) {
		opttab_build(c->cmd->opts, long_opts,
			     sizeof(long_opts) / sizeof(long_opts[0]),
			     short_opts, sizeof(short_opts));
		built = c->cmd;
		optind = 1;
		opterr = 0;
	}
	for (;;) {
		opt = getopt_long(argc, argv, short_opts, long_opts, NULL);
		switch (opt) {
		case -1:
			return -1;
		case 'h':
			show_help(c, c->cmd);
			c->exit_code = EXIT_OK;
			return CLI_STOP;
		case 'o':
			if (!strcmp(optarg, "json"))
				c->fmt = FMT_JSON;
			else if (!strcmp(optarg, "normal"))
				c->fmt = FMT_NORMAL;
			else {
				err_usage(c, "--output-format: '%s' is not "
					     "normal or json", optarg);
				return CLI_STOP;
			}
			continue;
		case 't': {
			uint64_t v;

			/* the kernel's field is 32 bits of milliseconds */
			if (opt_u64(c, "timeout", optarg, &v, UINT32_MAX))
				return CLI_STOP;
			c->timeout_ms = (uint32_t)v;
			continue;
		}
		case ':':
			if (optopt && optopt < 256)
				err_usage(c, "option -%c needs a value (--%s)",
					  optopt, opttab_name(c->cmd->opts, optopt));
			else if (optopt)
				err_usage(c, "option --%s needs a value",
					  opttab_name(c->cmd->opts, optopt));
			else
				err_usage(c, "option %s needs a value",
					  argv[optind - 1]);
			return CLI_STOP;
		case '?': {
			char m[128];

			opt_refused(m, sizeof(m), short_opts, long_opts,
				    optopt, argv[optind - 1]);
			err_usage(c, "%s", m);
			return CLI_STOP;
		}
		default:
			return opt;
		}
	}
}

int cli_take_dev(struct cli *c, int argc, char **argv, bool required)
{
	if (optind < argc)
		c->dev_path = argv[optind++];
	if (optind < argc)
		return err_usage(c, "unexpected argument '%s'", argv[optind]);
	if (!c->dev_path && required)
		return err_usage(c, "no device given (for example /dev/ng0n1)");
	return EXIT_OK;
}

int cli_parse_plain(struct cli *c, int argc, char **argv, bool arg)
{
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv)) != -1)
		if (opt == CLI_STOP)
			return c->exit_code == EXIT_OK ? CLI_STOP : c->exit_code;
	rc = cli_take_dev(c, argc, argv, false);
	if (rc)
		return rc;
	if (c->dev_path && !arg) {
		const char *extra = c->dev_path;

		c->dev_path = NULL;
		return err_usage(c, "unexpected argument '%s'", extra);
	}
	return EXIT_OK;
}

int opt_u64(struct cli *c, const char *opt, const char *s, uint64_t *v,
	    uint64_t max)
{
	int rc = parse_u64(s, v);

	if (rc == -ERANGE || (!rc && *v > max))
		return err_usage(c, "--%s: '%s' is too large (at most %llu)",
				 opt, s, (unsigned long long)max);
	if (rc)
		return err_usage(c, "--%s: '%s' is not a number (decimal or "
				    "0x hex, no sign)", opt, s);
	return EXIT_OK;
}

int opt_size(struct cli *c, const char *opt, const char *s, uint64_t *v)
{
	int rc = parse_size(s, v);

	if (rc == -ERANGE)
		return err_usage(c, "--%s: '%s' is too large", opt, s);
	if (rc)
		return err_usage(c, "--%s: '%s' is not a size (a number with an "
				    "optional k, M, G or T suffix)", opt, s);
	return EXIT_OK;
}

int cmd_version(struct cli *c, int argc, char **argv)
{
	struct jw *w;
	int rc;

	rc = cli_parse_plain(c, argc, argv, false);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "nvio", PACKAGE_VERSION);
		jw_str(w, "libnvio", nvio_version());
		jw_obj_end(w);
	} else {
		printf("nvio %s (libnvio %s)\n", PACKAGE_VERSION, nvio_version());
	}
	return EXIT_OK;
}

int cmd_help(struct cli *c, int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int rc;

	rc = cli_parse_plain(c, argc, argv, true);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (!c->dev_path) {
		struct jw *w = cli_json(c);

		if (!w) {
			help_all(stdout);
			return EXIT_OK;
		}
		jw_obj(w, NULL);
		jw_arr(w, "commands");
		for (cmd = cli_cmds; cmd->name; cmd++)
			help_json(cmd, w);
		jw_arr_end(w);
		jw_obj(w, "exit_codes");
		jw_str(w, "0", "success");
		jw_str(w, "1", "NVMe status error");
		jw_str(w, "2", "usage error or refused; nothing sent");
		jw_str(w, "3", "system error");
		jw_obj_end(w);
		jw_obj_end(w);
		return EXIT_OK;
	}
	cmd = cli_find(c->dev_path);
	if (!cmd) {
		const char *name = c->dev_path;

		c->dev_path = NULL;
		return err_usage(c, "unknown command '%s'", name);
	}
	c->dev_path = NULL;
	if ((cmd->fn == cmd_lat || cmd->fn == cmd_sweep) &&
	    c->fmt == FMT_NORMAL) {
		/* The same text as their --help, from the same table. */
		char *av[] = { (char *)cmd->name, (char *)"--help", NULL };

		return cmd->fn(c, 2, av);
	}
	show_help(c, cmd);
	return EXIT_OK;
}

/* -o json must take effect before the first error, wherever it stands. */
static enum cli_fmt prescan_format(int argc, char **argv)
{
	enum cli_fmt fmt = FMT_NORMAL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "-o") || !strcmp(a, "--output-format"))
			v = i + 1 < argc ? argv[i + 1] : NULL;
		else if (!strncmp(a, "--output-format=", 16))
			v = a + 16;
		else if (!strncmp(a, "-o", 2))
			v = a + 2;
		if (v && !strcmp(v, "json"))
			fmt = FMT_JSON;
		else if (v && !strcmp(v, "normal"))
			fmt = FMT_NORMAL;
	}
	return fmt;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	const char *name;
	int rc;

	if (argc < 2) {
		help_all(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
		help_all(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version"))
		name = "version";
	c.fmt = prescan_format(argc - 1, argv + 1);
	c.cmd = cli_find(name);
	if (!c.cmd) {
		fprintf(stderr, "nvio: unknown command '%s'; 'nvio help' lists "
				"the commands\n", name);
		snprintf(c.errmsg, sizeof(c.errmsg), "unknown command '%s'", name);
		c.has_error = true;
		c.exit_code = EXIT_USAGE;
		return cli_finish(&c, EXIT_USAGE);
	}
	rc = c.cmd->fn(&c, argc - 1, argv + 1);
	return cli_finish(&c, rc);
}
