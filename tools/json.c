/* SPDX-License-Identifier: MIT */
/*
 * json.c - a small streaming JSON writer: objects, arrays, strings with
 * full escaping, 64-bit and 128-bit integers. Commas and indentation are
 * tracked per nesting level so callers only say what goes where.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void json_escape(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			/* Identify strings are ASCII by the spec; a drive that
			 * puts bytes >= 0x7f there would make invalid UTF-8, so
			 * those are escaped as the Latin-1 code points. */
			if (ch < 0x20 || ch >= 0x7f)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

void jw_begin(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->first[0] = true;
}

static void indent(struct jw *w)
{
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->f);
}

/* Comma, newline, indentation and the key, before any value. */
static void item(struct jw *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	if (w->depth > 0)
		fputc('\n', w->f);
	w->first[w->depth] = false;
	indent(w);
	if (key) {
		json_escape(w->f, key, strlen(key));
		fputc(':', w->f);
	}
}

static void open_(struct jw *w, const char *key, char ch)
{
	item(w, key);
	fputc(ch, w->f);
	if (w->depth < (int)(sizeof(w->first) / sizeof(w->first[0])) - 1)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_(struct jw *w, char ch)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (!empty) {
		fputc('\n', w->f);
		indent(w);
	}
	fputc(ch, w->f);
	if (w->depth == 0)
		fputc('\n', w->f);
}

void jw_key(struct jw *w, const char *key) { item(w, key); }
void jw_obj(struct jw *w, const char *key) { open_(w, key, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w, const char *key) { open_(w, key, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

void jw_strn(struct jw *w, const char *key, const char *val, size_t n)
{
	item(w, key);
	json_escape(w->f, val, n);
}

void jw_str(struct jw *w, const char *key, const char *val)
{
	if (!val) {
		jw_null(w, key);
		return;
	}
	jw_strn(w, key, val, strlen(val));
}

void jw_u64(struct jw *w, const char *key, uint64_t val)
{
	item(w, key);
	fprintf(w->f, "%llu", (unsigned long long)val);
}

void jw_i64(struct jw *w, const char *key, int64_t val)
{
	item(w, key);
	fprintf(w->f, "%lld", (long long)val);
}

void jw_bool(struct jw *w, const char *key, bool val)
{
	item(w, key);
	fputs(val ? "true" : "false", w->f);
}

void jw_null(struct jw *w, const char *key)
{
	item(w, key);
	fputs("null", w->f);
}

void u128_to_str(const uint8_t le[16], char *buf, size_t len)
{
	/* Long division by 10 over the 16 bytes, most significant first. */
	uint8_t n[16];
	char tmp[48];
	size_t t = 0;
	bool zero;

	for (int i = 0; i < 16; i++)
		n[i] = le[15 - i];
	do {
		unsigned rem = 0;

		zero = true;
		for (int i = 0; i < 16; i++) {
			unsigned cur = rem * 256 + n[i];

			n[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
			if (n[i])
				zero = false;
		}
		tmp[t++] = (char)('0' + rem);
	} while (!zero && t < sizeof(tmp));
	if (len == 0)
		return;
	size_t o = 0;

	while (t > 0 && o + 1 < len)
		buf[o++] = tmp[--t];
	buf[o] = '\0';
}

void jw_u128(struct jw *w, const char *key, const uint8_t le[16])
{
	char s[48];

	u128_to_str(le, s, sizeof(s));
	jw_str(w, key, s);
}

void jw_hex(struct jw *w, const char *key, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	item(w, key);
	fputc('"', w->f);
	for (size_t i = 0; i < len; i++)
		fprintf(w->f, "%02x", p[i]);
	fputc('"', w->f);
}
