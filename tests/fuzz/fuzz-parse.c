/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: everything that parses text from the command line,
 * sysfs or uname: the tool's number, size, range and name parsers, nvio
 * lat's value parsers and whole command lines, device-name parsing in
 * sysfs, and kernel release strings. Each parser must return an answer
 * or an error, never read past its string or overflow (the sanitizers
 * watch), and what it accepts must be in range.
 */
#include "../../lib/sysfs.c"

#include <stdio.h>

#include "../../tools/cli.h"
#include "../../tools/lat/lat-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct name_val names[] = {
	{ "smart", 2 }, { "error", 1 }, { NULL, 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[512];
	uint64_t a, b;
	double d;
	bool by_count;
	uint16_t cpus[64];
	unsigned n, sub, ns;
	int ctrl;

	if (size < 1 || size >= sizeof(s))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 14) {
	case 0: (void)parse_u64(s, &a); break;
	case 1: (void)parse_size(s, &a); break;
	case 2: (void)parse_range(s, &a, &b); break; /* callers refuse 0 LBAs */
	case 3: (void)parse_named(s, names, &a); break;
	case 4: (void)lat_parse_size(s, &a); break;
	case 5: (void)lat_parse_count(s, &a); break;
	case 6:
		/* accepted: a finite duration, 0 or more (--time refuses
		 * 0 itself; a warm-up may be 0) */
		if (!lat_parse_seconds(s, &d) && !(d >= 0 && d <= 1e7))
			abort();
		break;
	case 7:
		by_count = s[0] & 1;
		(void)lat_parse_warmup(s, by_count, &a, &d);
		break;
	case 8:
		if (!lat_parse_range(s, &a, &b) && !b)
			abort();
		break;
	case 9:
		if (!lat_parse_cpus(s, cpus, 64, &n) && (n == 0 || n > 64))
			abort();
		break;
	case 10: (void)nvio_kver_parse(s); break;
	case 11: (void)parse_ns_name(s, "nvme", &sub, &ctrl, &ns); break;
	case 12: (void)is_ctrl_name(s); break;
	default: {
		/* a whole `nvio lat` command line: words split at spaces */
		char *argv[32], *save = NULL, *w;
		int argc = 0;
		struct lat_opts o;
		static FILE *devnull;

		if (!devnull)
			devnull = fopen("/dev/null", "w");
		argv[argc++] = (char *)"lat";
		for (w = strtok_r(s, " ", &save); w && argc < 31;
		     w = strtok_r(NULL, " ", &save))
			argv[argc++] = w;
		argv[argc] = NULL;
		optind = 1;
		(void)lat_parse(argc, argv, &o, NULL, devnull);
		break;
	}
	}
	return 0;
}
