/* SPDX-License-Identifier: MIT */
/*
 * util.c - parsing numbers, sizes and ranges from the command line.
 *
 * strtoull alone accepts "-1" (as 2^64-1), leading blanks and trailing
 * garbage, and reads "010" as octal; an operator typing an LBA means none
 * of these, so each is refused here rather than sent to a drive.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

/* Digits of a decimal or 0x hex number at s; *end past them. */
static int scan_u64(const char *s, uint64_t *v, const char **end)
{
	unsigned long long n;
	char *e;
	int base = 10;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL; /* empty, sign, blank or garbage first */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;
		base = 16;
	}
	errno = 0;
	n = strtoull(s, &e, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || e == s)
		return -EINVAL;
	*v = n;
	*end = e;
	return 0;
}

int parse_u64(const char *s, uint64_t *v)
{
	const char *end;
	uint64_t n;
	int rc = scan_u64(s, &n, &end);

	if (rc)
		return rc;
	if (*end)
		return -EINVAL;
	*v = n;
	return 0;
}

int parse_size(const char *s, uint64_t *v)
{
	const char *end;
	uint64_t n;
	unsigned shift = 0;
	int rc = scan_u64(s, &n, &end);

	if (rc)
		return rc;
	switch (*end) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	case '\0': break;
	case 'b': case 'B':
		if (end[1])
			return -EINVAL;
		*v = n;
		return 0;
	default:
		return -EINVAL;
	}
	if (shift) {
		end++;
		/* "4k", "4K", "4KB", "4KiB", "4Ki" all mean 4096. */
		if (*end == 'i')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -EINVAL;
		if (n > (UINT64_MAX >> shift))
			return -ERANGE;
		n <<= shift;
	}
	*v = n;
	return 0;
}

int parse_range(const char *s, uint64_t *slba, uint64_t *nlb)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	char head[64];
	size_t hl;
	int rc;

	if (!colon)
		return -EINVAL;
	hl = (size_t)(colon - s);
	if (hl == 0 || hl >= sizeof(head))
		return -EINVAL;
	memcpy(head, s, hl);
	head[hl] = '\0';
	rc = parse_u64(head, slba);
	if (rc)
		return rc;
	return parse_u64(colon + 1, nlb);
}

int parse_named(const char *s, const struct name_val *tab, uint64_t *v)
{
	for (; tab && tab->name; tab++) {
		if (!strcasecmp(s, tab->name)) {
			*v = tab->val;
			return 0;
		}
	}
	return parse_u64(s, v);
}

uint64_t mul_sat(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

void fmt_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	unsigned u = 0;
	double d = (double)bytes;

	while (d >= 1024.0 && u < 6) {
		d /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (bytes % (1ull << (10 * u)) == 0)
		snprintf(buf, len, "%.0f %s", d, units[u]);
	else
		snprintf(buf, len, "%.2f %s", d, units[u]);
}

void str_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
