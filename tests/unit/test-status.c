/* SPDX-License-Identifier: MIT */
/* Status splitting and the one-string-for-any-result function. */
#include <errno.h>

#include "testutil.h"

START_TEST(split_fields)
{
	/* DNR + LBA Out of Range, as the 6.1 kernel reports it. */
	ck_assert(nvio_res_is_nvme(0x4080));
	ck_assert_uint_eq(nvio_status_sc(0x4080), 0x80);
	ck_assert_uint_eq(nvio_status_sct(0x4080), 0);
	ck_assert(nvio_status_dnr(0x4080));
	ck_assert(!nvio_status_more(0x4080));
	ck_assert_uint_eq(nvio_status_crd(0x4080), 0);
	/* Compare Failure: SCT media (2), SC 0x85 */
	ck_assert_uint_eq(nvio_status_sct(0x0285), NVIO_SCT_MEDIA);
	ck_assert_uint_eq(nvio_status_sc(0x0285), NVIO_SC_COMPARE_FAILED);
	ck_assert(!nvio_status_dnr(0x0285));
	/* every field set */
	ck_assert_uint_eq(nvio_status_crd(0x7fff), 3);
	ck_assert(nvio_status_more(0x2000));
	ck_assert_uint_eq(nvio_status_sct(0x0700), 7);
	ck_assert(!nvio_res_is_nvme(0));
	ck_assert(!nvio_res_is_nvme(-EIO));
}
END_TEST

START_TEST(strings)
{
	ck_assert_str_eq(nvio_strerror(0), "Success");
	ck_assert_str_eq(nvio_strerror(-ENOENT), "No such file or directory");
	ck_assert_str_eq(nvio_strerror(-EACCES), "Permission denied");
	ck_assert_ptr_nonnull(strstr(nvio_strerror(0x4080), "LBA Out of Range"));
	ck_assert_ptr_nonnull(strstr(nvio_strerror(0x0080), "LBA Out of Range"));
	ck_assert_ptr_nonnull(strstr(nvio_strerror(0x4001), "Invalid Command Opcode"));
	ck_assert_ptr_nonnull(strstr(nvio_strerror(0x0285), "Compare Failure"));
	/* More and CRD bits do not change the name */
	ck_assert_str_eq(nvio_strerror(0x3801 | 0x4000), nvio_strerror(0x0001));
	/* never NULL, even for nonsense */
	ck_assert_ptr_nonnull(nvio_strerror(-100000));
	ck_assert_ptr_nonnull(nvio_strerror(-2147483647 - 1));
	ck_assert_ptr_nonnull(nvio_strerror(0x07ff));
	ck_assert_ptr_nonnull(nvio_strerror(0x7fffffff));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, split_fields);
	tcase_add_test(tc, strings);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
