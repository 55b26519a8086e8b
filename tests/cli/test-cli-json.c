/* SPDX-License-Identifier: MIT */
/* The JSON writer (tools/json.c): structure, escaping, 128-bit numbers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static char *buf;
static size_t len;
static FILE *f;
static struct jw w;

static void open_doc(void)
{
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	jw_begin(&w, f);
}

static const char *close_doc(void)
{
	fclose(f);
	return buf;
}

static void teardown(void)
{
	free(buf);
	buf = NULL;
}

START_TEST(nesting)
{
	open_doc();
	jw_obj(&w, NULL);
	jw_u64(&w, "a", 1);
	jw_arr(&w, "b");
	jw_obj(&w, NULL);
	jw_str(&w, "c", "x");
	jw_obj_end(&w);
	jw_i64(&w, NULL, -2);
	jw_arr_end(&w);
	jw_bool(&w, "d", true);
	jw_null(&w, "e");
	jw_arr(&w, "empty");
	jw_arr_end(&w);
	jw_obj_end(&w);
	ck_assert_str_eq(close_doc(),
			 "{\n  \"a\":1,\n  \"b\":[\n    {\n      \"c\":\"x\"\n"
			 "    },\n    -2\n  ],\n  \"d\":true,\n  \"e\":null,\n"
			 "  \"empty\":[]\n}\n");
}
END_TEST

START_TEST(escaping)
{
	open_doc();
	jw_obj(&w, NULL);
	jw_str(&w, "s", "q\"b\\n\n\t\x01\x7f\xff");
	jw_strn(&w, "padded", "SN12  \0garbage", 14);
	jw_str(&w, "nul", NULL);
	jw_obj_end(&w);
	ck_assert_str_eq(close_doc(),
			 "{\n  \"s\":\"q\\\"b\\\\n\\n\\t\\u0001\\u007f\\u00ff\",\n"
			 "  \"padded\":\"SN12  \",\n  \"nul\":null\n}\n");
}
END_TEST

START_TEST(u128)
{
	uint8_t v[16] = { 0 };
	char s[48];

	u128_to_str(v, s, sizeof(s));
	ck_assert_str_eq(s, "0");
	v[0] = 0xff;
	v[1] = 0x01;
	u128_to_str(v, s, sizeof(s));
	ck_assert_str_eq(s, "511");
	memset(v, 0xff, 8);
	u128_to_str(v, s, sizeof(s));
	ck_assert_str_eq(s, "18446744073709551615");
	memset(v, 0, sizeof(v));
	v[8] = 1; /* 2^64 */
	u128_to_str(v, s, sizeof(s));
	ck_assert_str_eq(s, "18446744073709551616");
	memset(v, 0xff, sizeof(v));
	u128_to_str(v, s, sizeof(s));
	ck_assert_str_eq(s, "340282366920938463463374607431768211455");
	/* nvme-cli prints 128-bit counters as strings; so must nvio. */
	open_doc();
	jw_obj(&w, NULL);
	jw_u128(&w, "tnvmcap", v);
	jw_hex(&w, "h", "\x01\xab", 2);
	jw_obj_end(&w);
	ck_assert_str_eq(close_doc(),
			 "{\n  \"tnvmcap\":\"340282366920938463463374607431768211455\",\n"
			 "  \"h\":\"01ab\"\n}\n");
}
END_TEST

START_TEST(key_only)
{
	open_doc();
	jw_obj(&w, NULL);
	jw_u64(&w, "n", 1);
	jw_key(&w, "data");
	fputs("\"00ff\"", f);
	jw_obj_end(&w);
	ck_assert_str_eq(close_doc(), "{\n  \"n\":1,\n  \"data\":\"00ff\"\n}\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli-json");
	TCase *tc = tcase_create("json");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, nesting);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, u128);
	tcase_add_test(tc, key_only);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
