/* SPDX-License-Identifier: MIT */
/*
 * nvio-lat-main.c - a standalone driver for the latency probe until the
 * nvio command table calls nvio_cmd_lat() and nvio_cmd_sweep():
 *     nvio-lat lat DEV [OPTIONS]
 *     nvio-lat sweep DEV [OPTIONS]
 */
#include <stdio.h>
#include <string.h>

#include "lat.h"

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "lat"))
		return nvio_cmd_lat(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "sweep"))
		return nvio_cmd_sweep(argc - 1, argv + 1);
	fprintf(stderr, "Usage: nvio-lat lat DEV [OPTIONS]\n"
			"       nvio-lat sweep DEV [OPTIONS]\n"
			"See nvio-lat lat --help, nvio-lat sweep --help.\n");
	return 2;
}
