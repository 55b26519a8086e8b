/* SPDX-License-Identifier: MIT */
/*
 * c23-shim.c - glibc 2.38's C23 sscanf entry point, for linking Debian
 * 13's static libnvme.a on Debian 12 (glibc 2.36) in tests only.
 *
 * The C23 variant differs from C99's only in reading a 0b prefix for %i;
 * libnvme calls it to parse UUID strings, which have none.
 */
#include <stdarg.h>
#include <stdio.h>

int __isoc23_sscanf(const char *s, const char *fmt, ...);

int __isoc23_sscanf(const char *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsscanf(s, fmt, ap);
	va_end(ap);
	return n;
}
