/* SPDX-License-Identifier: MIT */
/*
 * optword.h - what to say about an option getopt_long() refused. Shared
 * by the nvio command parser and `nvio lat`'s own.
 */
#ifndef NVIO_TOOLS_OPTWORD_H
#define NVIO_TOOLS_OPTWORD_H

#include <getopt.h>
#include <stddef.h>

/* getopt_long(argc, argv, shorts, longs, NULL) returned '?' (with opterr
 * 0); `word` is argv[optind - 1]. Writes the message naming the option as
 * the user wrote it: "--force takes no value" for a flag given "=1",
 * "unknown option '-Z'", "unknown option '--bogus'". */
void opt_refused(char *msg, size_t len, const char *shorts,
		 const struct option *longs, int optopt, const char *word);
#endif
