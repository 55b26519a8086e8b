/* SPDX-License-Identifier: MIT */
/*
 * optword.c - naming a refused option as it was written.
 *
 * getopt_long() leaves little to go on when it refuses an option: optopt
 * is the letter of an unknown short option, 0 for an unknown long one, and
 * the refused option's own code (its val) for a long option given a value
 * it does not take ("--force=1"). That code is often a short letter too,
 * so without looking at the word "--force=1" comes out as "unknown option
 * -f", and "--help=x" as "-h".
 */
#include "optword.h"

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
