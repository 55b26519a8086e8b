/* SPDX-License-Identifier: MIT */
/*
 * jsonv.h - a strict JSON (RFC 8259) syntax check without allocation,
 * for the fuzz targets: json-c parses a document a few thousand times
 * slower under the sanitizers, so the targets check every document with
 * this and hand one in 16 to json-c as well, whose verdict must agree.
 */
#ifndef NVIO_JSONV_H
#define NVIO_JSONV_H

#include <stdbool.h>
#include <string.h>

static const char *jv_value(const char *p, int depth);

static const char *jv_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *jv_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p++;

		if (c == '"')
			return p;
		if (c < 0x20)
			return NULL; /* control characters must be escaped; NUL ends */
		if (c == '\\') {
			c = (unsigned char)*p++;
			if (c == 'u') {
				for (int i = 0; i < 4; i++, p++)
					if (!strchr("0123456789abcdefABCDEF", *p) || !*p)
						return NULL;
			} else if (!c || !strchr("\"\\/bfnrt", c)) {
				return NULL;
			}
		}
		/* bytes >= 0x80 pass: UTF-8 validity is not judged here */
	}
}

static const char *jv_digits(const char *p)
{
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

static const char *jv_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (!(p = jv_digits(p)))
		return NULL;
	if (*p == '.' && !(p = jv_digits(p + 1)))
		return NULL;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(p = jv_digits(p)))
			return NULL;
	}
	return p;
}

static const char *jv_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = jv_ws(p);
	switch (*p) {
	case '{':
		p = jv_ws(p + 1);
		if (*p == '}')
			return p + 1;
		for (;;) {
			if (!(p = jv_string(jv_ws(p))))
				return NULL;
			p = jv_ws(p);
			if (*p++ != ':' || !(p = jv_value(p, depth + 1)))
				return NULL;
			p = jv_ws(p);
			if (*p == '}')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	case '[':
		p = jv_ws(p + 1);
		if (*p == ']')
			return p + 1;
		for (;;) {
			if (!(p = jv_value(p, depth + 1)))
				return NULL;
			p = jv_ws(p);
			if (*p == ']')
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	case '"':
		return jv_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return jv_number(p);
	}
}

/* One JSON value and nothing after it but white space. */
static inline bool json_valid(const char *s)
{
	const char *p = jv_value(s, 0);

	return p && !*jv_ws(p);
}

#endif
