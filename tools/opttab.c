/* SPDX-License-Identifier: MIT */
/*
 * opttab.c - option tables: the getopt tables and the --help text made
 * from them, and naming a refused option as it was written.
 *
 * getopt_long() leaves little to go on when it refuses an option: optopt
 * is the letter of an unknown short option, 0 for an unknown long one, and
 * the refused option's own code (its val) for a long option given a value
 * it does not take ("--force=1"). That code is often a short letter too,
 * so without looking at the word "--force=1" comes out as "unknown option
 * -f", and "--help=x" as "-h".
 */
#include "opttab.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void opt_refused(char *msg, size_t len, const char *shorts,
		 const struct option *longs, int optopt, const char *word)
{
	const char *eq = word ? strchr(word, '=') : NULL;
	/* An unknown letter in a cluster ("-HZ") leaves optind on the
	 * cluster, so `word` is then the argument before it, which may be
	 * any "--name=value": a letter that is no short option was that. */
	bool unknown_letter = optopt > 0 && optopt < 256 &&
			      (optopt == ':' || !shorts ||
			       !strchr(shorts, optopt));

	if (optopt && !unknown_letter && eq && !strncmp(word, "--", 2)) {
		size_t n = (size_t)(eq - word - 2);

		for (const struct option *l = longs; l && l->name; l++)
			/* getopt_long() takes unambiguous prefixes too. */
			if (l->val == optopt && l->has_arg == no_argument &&
			    n && strlen(l->name) >= n &&
			    !strncmp(l->name, word + 2, n)) {
				snprintf(msg, len, "--%s takes no value", l->name);
				return;
			}
	}
	if (optopt > 0 && optopt < 256)
		snprintf(msg, len, "unknown option '-%c'", optopt);
	else
		snprintf(msg, len, "unknown option '%s'", word ? word : "?");
}

void opttab_build(const struct cli_opt *t, struct option *longs,
		  size_t nlongs, char *shorts, size_t nshorts)
{
	size_t n = 0, s = 0;

	shorts[s++] = ':';
	shorts[s] = '\0';
	for (const struct cli_opt *o = t; o && o->name; o++) {
		if (n + 1 >= nlongs)
			break;
		longs[n].name = o->name;
		longs[n].has_arg = o->has_arg;
		longs[n].flag = NULL;
		longs[n].val = o->id;
		n++;
		/* a letter shared by two spellings goes in once */
		if (o->id < 256 && o->id != ':' && !strchr(shorts, o->id) &&
		    s + 3 < nshorts) {
			shorts[s++] = (char)o->id;
			if (o->has_arg == required_argument)
				shorts[s++] = ':';
			shorts[s] = '\0';
		}
	}
	memset(&longs[n], 0, sizeof(longs[n]));
}

/* The option column is 32 wide; the text fills the rest of 79. */
#define HELP_LEFT 32
#define HELP_WIDTH 79

void opttab_help(const struct cli_opt *t, FILE *f)
{
	for (const struct cli_opt *o = t; o && o->name; o++) {
		char left[64];
		const char *p;
		int col;

		if (!o->help)
			continue;
		if (o->id < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->id,
				 o->name, o->has_arg ? "=" : "",
				 o->has_arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->has_arg ? "=" : "", o->has_arg ? o->arg : "");
		/* a long option pushes the text to a line of its own */
		if (strlen(left) + 3 > HELP_LEFT)
			fprintf(f, "  %s\n%*s", left, HELP_LEFT, "");
		else
			fprintf(f, "  %-*s ", HELP_LEFT - 3, left);
		col = HELP_LEFT;
		p = o->help;
		while (*p) {
			size_t w = strcspn(p, " ");

			if (col > HELP_LEFT && col + 1 + (int)w > HELP_WIDTH) {
				fprintf(f, "\n%*s", HELP_LEFT, "");
				col = HELP_LEFT;
			} else if (col > HELP_LEFT) {
				fputc(' ', f);
				col++;
			}
			fwrite(p, 1, w, f);
			col += (int)w;
			p += w;
			while (*p == ' ')
				p++;
		}
		fputc('\n', f);
	}
}

const char *opttab_name(const struct cli_opt *t, int id)
{
	for (const struct cli_opt *o = t; o && o->name; o++)
		if (o->id == id)
			return o->name;
	return "?";
}
