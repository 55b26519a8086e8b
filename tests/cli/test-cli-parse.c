/* SPDX-License-Identifier: MIT */
/* Command-line number, size and range parsing (tools/util.c), and the
 * naming of refused options (tools/opttab.c). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opttab.h"

START_TEST(u64_good)
{
	uint64_t v;

	ck_assert_int_eq(parse_u64("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse_u64("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(parse_u64("0x1000", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(parse_u64("0XfF", &v), 0);
	ck_assert_uint_eq(v, 255);
	/* A leading zero is decimal, never octal. */
	ck_assert_int_eq(parse_u64("010", &v), 0);
	ck_assert_uint_eq(v, 10);
	ck_assert_int_eq(parse_u64("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(parse_u64("0xffffffffffffffff", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(u64_bad)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "abc",
		"1a", "0x", "0xg", "1.5", "1k", "--1", "0x-1", "1e3", NULL };
	uint64_t v = 42;

	for (int i = 0; bad[i]; i++) {
		ck_assert_msg(parse_u64(bad[i], &v) == -EINVAL, "'%s' accepted",
			      bad[i]);
		ck_assert_uint_eq(v, 42);
	}
	ck_assert_int_eq(parse_u64(NULL, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("18446744073709551616", &v), -ERANGE);
	ck_assert_int_eq(parse_u64("0x10000000000000000", &v), -ERANGE);
	ck_assert_int_eq(parse_u64("99999999999999999999999", &v), -ERANGE);
}
END_TEST

START_TEST(size_good)
{
	static const struct {
		const char *s;
		uint64_t v;
	} t[] = {
		{ "0", 0 }, { "512", 512 }, { "512B", 512 }, { "4k", 4096 },
		{ "4K", 4096 }, { "4KiB", 4096 }, { "4KB", 4096 }, { "4Ki", 4096 },
		{ "1M", 1u << 20 }, { "1m", 1u << 20 }, { "2G", 2ull << 30 },
		{ "1T", 1ull << 40 }, { "0x10k", 16384 },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(parse_size(t[i].s, &v) == 0, "'%s' refused", t[i].s);
		ck_assert_uint_eq(v, t[i].v);
	}
}
END_TEST

START_TEST(size_bad)
{
	static const char *const bad[] = { "", "k", "-4k", "4kk", "4q", "4 k",
		"4kiB ", "1.5M", "4KiBB", "4P", "0x", "4Bk", NULL };
	uint64_t v;

	for (int i = 0; bad[i]; i++)
		ck_assert_msg(parse_size(bad[i], &v) == -EINVAL, "'%s' accepted",
			      bad[i]);
	ck_assert_int_eq(parse_size("16777216T", &v), -ERANGE);
	ck_assert_int_eq(parse_size("20000000000T", &v), -ERANGE);
	ck_assert_int_eq(parse_size("99999999999999999999", &v), -ERANGE);
	ck_assert_int_eq(parse_size("16777215T", &v), 0);
}
END_TEST

START_TEST(ranges)
{
	uint64_t s, n;

	ck_assert_int_eq(parse_range("0:8", &s, &n), 0);
	ck_assert_uint_eq(s, 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(parse_range("0x100:0x10", &s, &n), 0);
	ck_assert_uint_eq(s, 256);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(parse_range("5", &s, &n), -EINVAL);
	ck_assert_int_eq(parse_range(":5", &s, &n), -EINVAL);
	ck_assert_int_eq(parse_range("5:", &s, &n), -EINVAL);
	ck_assert_int_eq(parse_range("5:6:7", &s, &n), -EINVAL);
	ck_assert_int_eq(parse_range("-5:6", &s, &n), -EINVAL);
	ck_assert_int_eq(parse_range("a:b", &s, &n), -EINVAL);
	ck_assert_int_eq(parse_range(NULL, &s, &n), -EINVAL);
	ck_assert_int_eq(parse_range("1:99999999999999999999", &s, &n), -ERANGE);
}
END_TEST

START_TEST(named)
{
	static const struct name_val tab[] = { { "smart", 2 }, { "fw", 3 },
					       { NULL, 0 } };
	uint64_t v;

	ck_assert_int_eq(parse_named("smart", tab, &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(parse_named("FW", tab, &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(parse_named("0xc0", tab, &v), 0);
	ck_assert_uint_eq(v, 0xc0);
	ck_assert_int_eq(parse_named("smarty", tab, &v), -EINVAL);
}
END_TEST

START_TEST(bytes)
{
	char b[32];

	fmt_bytes(b, sizeof(b), 512);
	ck_assert_str_eq(b, "512 B");
	fmt_bytes(b, sizeof(b), 256u << 20);
	ck_assert_str_eq(b, "256 MiB");
	fmt_bytes(b, sizeof(b), 1536);
	ck_assert_str_eq(b, "1.50 KiB");
	fmt_bytes(b, sizeof(b), 0);
	ck_assert_str_eq(b, "0 B");
	str_copy(b, 4, "abcdef");
	ck_assert_str_eq(b, "abc");
}
END_TEST

/* getopt_long()'s optopt for each refusal: the letter of an unknown short
 * option, 0 for an unknown long one, the option's val for a flag given a
 * value. The message names what the user wrote. */
START_TEST(refused)
{
	static const struct option longs[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "lba", required_argument, NULL, 'l' },
		{ "no-regbuf", no_argument, NULL, 300 },
		{ "zz", no_argument, NULL, 'Z' }, /* a letter -Z does not have */
		{ NULL, 0, NULL, 0 },
	};
	static const char shorts[] = ":fhl:";
	static const struct {
		int optopt;
		const char *word, *want;
	} cases[] = {
		{ 'f', "--force=1", "--force takes no value" },
		{ 'f', "--fo=1", "--force takes no value" }, /* a prefix */
		{ 'h', "--help=x", "--help takes no value" },
		{ 300, "--no-regbuf=yes", "--no-regbuf takes no value" },
		{ 0, "--bogus", "unknown option '--bogus'" },
		{ 0, "--bogus=1", "unknown option '--bogus=1'" },
		{ 'Z', "-Z", "unknown option '-Z'" },
		{ 'Z', "-fZ", "unknown option '-Z'" },
		/* A cluster's bad letter after "--lba=5": optind has not
		 * moved past the cluster yet, so the word is the previous
		 * argument; the letter is still what is named. */
		{ 'Z', "--lba=5", "unknown option '-Z'" },
		{ 'f', "--fx=1", "unknown option '-f'" },
		/* "--zz=1 -HZ": 'Z' is no short option, so it came from the
		 * cluster, whatever the word before it says. */
		{ 'Z', "--zz=1", "unknown option '-Z'" },
	};
	char m[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		opt_refused(m, sizeof(m), shorts, longs, cases[i].optopt,
			    cases[i].word);
		ck_assert_msg(!strcmp(m, cases[i].want), "%s: got '%s'",
			      cases[i].word, m);
	}
	opt_refused(m, 12, shorts, longs, 0, "--a-very-long-bogus-option");
	ck_assert_str_eq(m, "unknown opt");
}
END_TEST

/* Capacities reported by a device multiply without wrapping. */
START_TEST(capacity_saturates)
{
	ck_assert_uint_eq(mul_sat(1000, 512), 512000);
	ck_assert_uint_eq(mul_sat(0, UINT64_MAX), 0);
	ck_assert_uint_eq(mul_sat((1ull << 52) + 1, 4096), UINT64_MAX);
	ck_assert_uint_eq(mul_sat(UINT64_MAX, 2), UINT64_MAX);
	ck_assert_uint_eq(mul_sat(1ull << 32, 1ull << 31), 1ull << 63);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli-parse");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, u64_good);
	tcase_add_test(tc, u64_bad);
	tcase_add_test(tc, size_good);
	tcase_add_test(tc, size_bad);
	tcase_add_test(tc, ranges);
	tcase_add_test(tc, named);
	tcase_add_test(tc, bytes);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, capacity_saturates);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
