/* SPDX-License-Identifier: MIT */
/*
 * lat.h - entry points of `nvio lat` and `nvio sweep`, for the nvio
 * command table. argv[0] is the subcommand's name; options are parsed with
 * getopt_long (optind is reset). Data goes to stdout, diagnostics to
 * stderr. Return value: the exit code, 0 success, 1 an NVMe command
 * completed with an error status (results are still printed), 2 usage
 * error or refused (nothing sent), 3 system error.
 */
#ifndef NVIO_LAT_H
#define NVIO_LAT_H

#include "../opttab.h"

int nvio_cmd_lat(int argc, char **argv);
/* Their option tables, from which their --help is made. */
extern const struct cli_opt nvio_lat_opts[];
extern const struct cli_opt nvio_sweep_opts[];
int nvio_cmd_sweep(int argc, char **argv);

/* After a failed run: the last error message, without the "nvio PROG: "
 * prefix ("" if none), and whether a JSON document reached stdout (if not,
 * the tool prints its own error document). */
const char *nvio_lat_error(void);
int nvio_lat_printed_json(void);
/* The device named on the command line, once the options parsed (else
 * NULL), for the error document. */
const char *nvio_lat_device(void);
/* The errno (positive) behind a system error, else 0. */
int nvio_lat_errno(void);

#endif
