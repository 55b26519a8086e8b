/* SPDX-License-Identifier: MIT */
/* nvio soak's pure parts (tools/soak-core.c): block headers and their
 * checksum, the judgement of a unit against the journal, and the
 * journal's save and load with damage detected. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "soak.h"

#define RUN 0x1234abcdull

START_TEST(fill_parse_roundtrip)
{
	static const uint32_t sizes[] = { 512, 520, 4096, 65536 };

	for (unsigned k = 0; k < 4; k++) {
		uint32_t sz = sizes[k], g = 0;
		unsigned char *b = malloc(sz), *b2 = malloc(sz);

		soak_fill(b, sz, RUN, 77, 5);
		ck_assert_int_eq(soak_parse(b, sz, RUN, 77, &g), SOAK_LBA_OK);
		ck_assert_uint_eq(g, 5);
		/* another generation, LBA or run makes other data */
		soak_fill(b2, sz, RUN, 77, 6);
		ck_assert(memcmp(b + SOAK_HDR_BYTES, b2 + SOAK_HDR_BYTES, sz - SOAK_HDR_BYTES));
		soak_fill(b2, sz, RUN, 78, 5);
		ck_assert(memcmp(b + SOAK_HDR_BYTES, b2 + SOAK_HDR_BYTES, sz - SOAK_HDR_BYTES));
		ck_assert_int_eq(soak_parse(b, sz, RUN, 78, &g), SOAK_LBA_WRONG_LBA);
		ck_assert_int_eq(soak_parse(b, sz, RUN + 1, 77, &g), SOAK_LBA_OTHER_RUN);
		free(b);
		free(b2);
	}
}
END_TEST

/* Any changed byte is seen: every offset of a 512-byte block, flipped. */
START_TEST(every_byte_counts)
{
	unsigned char b[512];
	uint32_t g;

	soak_fill(b, sizeof(b), RUN, 9, 3);
	for (unsigned i = 0; i < sizeof(b); i++) {
		b[i] ^= 0x10;
		enum soak_lba v = soak_parse(b, sizeof(b), RUN, 9, &g);
		/* the magic's bytes make it foreign, all else a bad sum */
		ck_assert_int_eq(v, i < 8 ? SOAK_LBA_FOREIGN : SOAK_LBA_BAD_SUM);
		b[i] ^= 0x10;
	}
	ck_assert_int_eq(soak_parse(b, sizeof(b), RUN, 9, &g), SOAK_LBA_OK);
	memset(b, 0, sizeof(b));
	ck_assert_int_eq(soak_parse(b, sizeof(b), RUN, 9, &g), SOAK_LBA_FOREIGN);
}
END_TEST

/* A unit of 4 LBAs of 512 B from LBA 100, each LBA's generation given. */
static void unit(unsigned char *u, const uint32_t gens[4])
{
	for (unsigned i = 0; i < 4; i++)
		soak_fill(u + i * 512, 512, RUN, 100 + i, gens[i]);
}

START_TEST(judge_units)
{
	unsigned char u[2048];
	char why[200];

	unit(u, (const uint32_t[]){ 4, 4, 4, 4 });
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 4, false, why, sizeof(why)), SOAK_UNIT_INTACT);
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 4, true, why, sizeof(why)), SOAK_UNIT_INTACT);
	/* newer than the journal: a write after the last flush landed */
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 3, false, why, sizeof(why)), SOAK_UNIT_NEWER);
	/* but not when nothing may have been written since */
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 3, true, why, sizeof(why)), SOAK_UNIT_MISMATCH);
	ck_assert_str_eq(why, "LBA 100: generation 4, expected 3");
	/* stale: the flushed generation 5 was lost */
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 5, false, why, sizeof(why)), SOAK_UNIT_MISMATCH);
	ck_assert_str_eq(why, "LBA 100: generation 4, expected 5");
	/* torn after the flush: allowed, told apart */
	unit(u, (const uint32_t[]){ 5, 5, 4, 4 });
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 4, false, why, sizeof(why)), SOAK_UNIT_PARTLY);
	/* torn before it: lost */
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 5, false, why, sizeof(why)), SOAK_UNIT_MISMATCH);
	ck_assert_str_eq(why, "LBA 102: generation 4, expected 5");
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 0, false, why, sizeof(why)), SOAK_UNIT_UNCOVERED);
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 5 | SOAK_UNCERTAIN, false, why, sizeof(why)), SOAK_UNIT_UNCERTAIN);
	/* zeroes, a corrupted byte, a misdirected block */
	unit(u, (const uint32_t[]){ 4, 4, 4, 4 });
	memset(u + 1024, 0, 512);
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 4, false, why, sizeof(why)), SOAK_UNIT_MISMATCH);
	ck_assert_str_eq(why, "LBA 102: no soak header (expected generation 4)");
	unit(u, (const uint32_t[]){ 4, 4, 4, 4 });
	u[1536 + 300] ^= 1;
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 4, false, why, sizeof(why)), SOAK_UNIT_MISMATCH);
	ck_assert_str_eq(why, "LBA 103: checksum wrong (corrupted block of generation 4, expected 4)");
	unit(u, (const uint32_t[]){ 4, 4, 4, 4 });
	soak_fill(u + 512, 512, RUN, 200, 4);
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN, 100, 4, false, why, sizeof(why)), SOAK_UNIT_MISMATCH);
	ck_assert_str_eq(why, "LBA 101: holds the block written for LBA 200 (generation 4)");
	unit(u, (const uint32_t[]){ 4, 4, 4, 4 });
	ck_assert_int_eq(soak_judge(u, 512, 4, RUN + 1, 100, 4, false, why, sizeof(why)), SOAK_UNIT_MISMATCH);
	ck_assert(strstr(why, "another run") != NULL);
}
END_TEST

START_TEST(journal_roundtrip_and_damage)
{
	char dir[] = "/tmp/test-soak.XXXXXX", path[256];
	struct soak_journal j = { 0 }, k;
	uint32_t gens[1000], *got = NULL;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/j", dir);
	for (unsigned i = 0; i < 1000; i++)
		gens[i] = i * 7 % 13;
	gens[5] |= SOAK_UNCERTAIN;
	j.run = RUN;
	j.units = 1000;
	j.unit_lbas = 8;
	j.lba_bytes = 512;
	j.nsze = 524288;
	j.nsid = 1;
	strcpy(j.serial, "nvio0001");
	j.checkpoint = 42;
	ck_assert_int_eq(soak_journal_save(path, &j, gens), 0);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_ne(access(strcat(strcpy((char[300]){ 0 }, path), ".tmp"), F_OK), 0);
	ck_assert_int_eq(soak_journal_load(path, &k, &got), 0);
	ck_assert_uint_eq(k.checkpoint, 42);
	ck_assert_uint_eq(k.run, RUN);
	ck_assert_str_eq(k.serial, "nvio0001");
	ck_assert_int_eq(memcmp(got, gens, sizeof(gens)), 0);
	free(got);

	/* one generation changed on disk */
	f = fopen(path, "r+b");
	fseek(f, (long)sizeof(j) + 4 * 500, SEEK_SET);
	fputc(0x55, f);
	fclose(f);
	ck_assert_int_eq(soak_journal_load(path, &k, &got), -EBADMSG);
	ck_assert_ptr_null(got);
	/* cut short */
	ck_assert_int_eq(soak_journal_save(path, &j, gens), 0);
	ck_assert_int_eq(truncate(path, (off_t)sizeof(j) + 100), 0);
	ck_assert_int_eq(soak_journal_load(path, &k, &got), -EBADMSG);
	/* not a journal at all */
	f = fopen(path, "wb");
	fputs("hello, world\n", f);
	fclose(f);
	ck_assert_int_eq(soak_journal_load(path, &k, &got), -EBADMSG);
	unlink(path);
	ck_assert_int_eq(soak_journal_load(path, &k, &got), -ENOENT);
	/* a journal that cannot be written says why */
	snprintf(path, sizeof(path), "%s/no/such/dir/j", dir);
	ck_assert_int_eq(soak_journal_save(path, &j, gens), -ENOENT);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("soak");
	TCase *tc = tcase_create("soak");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, fill_parse_roundtrip);
	tcase_add_test(tc, every_byte_counts);
	tcase_add_test(tc, judge_units);
	tcase_add_test(tc, journal_roundtrip_and_damage);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
