/* SPDX-License-Identifier: MIT */
/*
 * opttab.h - the option tables of every nvio command, `nvio lat` and
 * `nvio sweep` included: one row per option, from which the getopt
 * tables and the --help text are made, and what to say about an option
 * getopt_long() refused. It depends on nothing else of the tool, so the
 * latency probe (tools/lat, built as its own library) shares it.
 */
#ifndef NVIO_TOOLS_OPTTAB_H
#define NVIO_TOOLS_OPTTAB_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* One option of a command: long name, short letter (or a value >= 256
 * for long-only options), whether it takes an argument, the argument's
 * name, and what --help says (NULL: accepted but not listed, for the
 * other command's spelling that a shared parser still recognises). A
 * table ends with a zero row. */
struct cli_opt {
	const char *name;
	int id;
	int has_arg;
	const char *arg;
	const char *help;
};

/* The getopt_long() tables for a table: `longs` gets nlongs - 1 rows at
 * most and a zero row, `shorts` starts with ':' (a missing value is
 * reported as ':') and lists each letter once. */
void opttab_build(const struct cli_opt *t, struct option *longs,
		  size_t nlongs, char *shorts, size_t nshorts);
/* The --help lines of a table: "  -b, --bs=SIZE   text", the text wrapped
 * at 79 columns under itself. */
void opttab_help(const struct cli_opt *t, FILE *f);
/* The long name of option `id`, or "?". */
const char *opttab_name(const struct cli_opt *t, int id);

/* getopt_long(argc, argv, shorts, longs, NULL) returned '?' (with opterr
 * 0); `word` is argv[optind - 1]. Writes the message naming the option as
 * the user wrote it: "--force takes no value" for a flag given "=1",
 * "unknown option '-Z'", "unknown option '--bogus'". */
void opt_refused(char *msg, size_t len, const char *shorts,
		 const struct option *longs, int optopt, const char *word);
#endif
