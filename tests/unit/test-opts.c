/* SPDX-License-Identifier: MIT */
/* Option structs: defaults, growth by sz, and every invalid value. */
#include <errno.h>

#include "testutil.h"

START_TEST(defaults)
{
	struct nvio_queue_opts o;

	ck_assert_int_eq(nvio_queue_opts_check(NULL, &o), 0);
	ck_assert_uint_eq(o.depth, 32);
	ck_assert_int_eq(o.sqpoll_cpu, -1);
	ck_assert_uint_eq(o.flags, 0);
}
END_TEST

START_TEST(old_small_struct)
{
	/* A caller built against a version that ended after `flags`: the
	 * fields it did not know take their defaults. */
	struct nvio_queue_opts big = { .sz = offsetof(struct nvio_queue_opts,
						       sqpoll_cpu),
				       .depth = 8, .flags = NVIO_QUEUE_IRQ,
				       .sqpoll_cpu = 5, .reg_bufs = 3 };
	struct nvio_queue_opts o;

	ck_assert_int_eq(nvio_queue_opts_check(&big, &o), 0);
	ck_assert_uint_eq(o.depth, 8);
	ck_assert_uint_eq(o.flags, NVIO_QUEUE_IRQ);
	ck_assert_int_eq(o.sqpoll_cpu, -1);
	ck_assert_uint_eq(o.reg_bufs, 0);
}
END_TEST

START_TEST(invalid)
{
	struct nvio_queue_opts o, in = { .sz = sizeof(in) };

	in.sz = 4;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
	in.sz = sizeof(in);
	in.depth = 4097;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
	in.depth = 4096;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), 0);
	in.flags = 1u << 20;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
	in.flags = NVIO_QUEUE_IRQ | NVIO_QUEUE_POLL;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
	in.flags = 0;
	in.sqpoll_cpu = -2;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
	in.sqpoll_cpu = -1;
	in.depth = 4;
	in.reg_bufs = 5;
	in.reg_buf_size = 4096;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
	in.reg_bufs = 4;
	in.reg_buf_size = 0;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
	in.reg_buf_size = 4096;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), 0);
}
END_TEST

START_TEST(public_entry_points)
{
	struct nvio_dev *dev = (void *)1;
	struct nvio_dev_opts bad = { .sz = sizeof(bad), .flags = 0x80 };

	ck_assert_int_eq(nvio_dev_open(NULL, NULL, &dev), -EINVAL);
	ck_assert_int_eq(nvio_dev_open("/dev/null", NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvio_dev_open("/dev/null", &bad, &dev), -EINVAL);
	ck_assert_ptr_null(dev);
	bad.flags = 0;
	bad.sz = 2;
	ck_assert_int_eq(nvio_dev_open("/dev/null", &bad, &dev), -EINVAL);
	ck_assert_int_eq(nvio_queue_create(NULL, NULL, NULL), -EINVAL);
	ck_assert_ptr_null(nvio_buf_alloc(0));
	ck_assert_ptr_null(nvio_buf_alloc(SIZE_MAX));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, old_small_struct);
	tcase_add_test(tc, invalid);
	tcase_add_test(tc, public_entry_points);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
