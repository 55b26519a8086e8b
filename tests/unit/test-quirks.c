/* SPDX-License-Identifier: MIT */
/* The kernel quirk table: release parsing, which rows apply to which
 * kernels, and the table's own consistency. */
#include <errno.h>
#include <stdlib.h>

#include "testutil.h"

#define KV(a, b, c) NVIO_KVER(a, b, c)

START_TEST(parse)
{
	ck_assert_uint_eq(nvio_kver_parse("6.1.0-57-amd64"), KV(6, 1, 0));
	ck_assert_uint_eq(nvio_kver_parse("6.12.117+deb13-amd64"), KV(6, 12, 117));
	ck_assert_uint_eq(nvio_kver_parse("7.2.13"), KV(7, 2, 13));
	ck_assert_uint_eq(nvio_kver_parse("6.12-rc1"), KV(6, 12, 0));
	ck_assert_uint_eq(nvio_kver_parse("5.19.300"), KV(5, 19, 255));
	ck_assert_uint_eq(nvio_kver_parse(""), 0);
	ck_assert_uint_eq(nvio_kver_parse("linux"), 0);
	ck_assert_uint_eq(nvio_kver_parse("6"), 0);
	ck_assert_uint_eq(nvio_kver_parse("0.9"), 0);
	ck_assert_uint_eq(nvio_kver_parse("6.300"), 0);
	ck_assert_uint_eq(nvio_kver_parse(NULL), 0);
}
END_TEST

static bool applies(unsigned id, uint32_t kv)
{
	return nvio_quirk_applies_to(nvio_quirk(id), kv);
}

START_TEST(rows_by_kernel)
{
	/* Debian 12, 13 and sid as the test bed runs them, and an
	 * unreadable version. */
	const uint32_t k61 = KV(6, 1, 0), k612 = KV(6, 12, 117),
		       k72 = KV(7, 2, 13), none = 0;

	ck_assert(applies(NVIO_QUIRK_POLL_UNSAFE, k61));
	ck_assert(applies(NVIO_QUIRK_POLL_UNSAFE, KV(6, 7, 9)));
	ck_assert(!applies(NVIO_QUIRK_POLL_UNSAFE, KV(6, 8, 0)));
	ck_assert(!applies(NVIO_QUIRK_POLL_UNSAFE, k612));
	ck_assert(!applies(NVIO_QUIRK_POLL_UNSAFE, k72));
	ck_assert(applies(NVIO_QUIRK_POLL_UNSAFE, none));

	ck_assert(applies(NVIO_QUIRK_NODATA_POLL, k61));
	ck_assert(applies(NVIO_QUIRK_NODATA_POLL, KV(6, 4, 255)));
	ck_assert(!applies(NVIO_QUIRK_NODATA_POLL, KV(6, 5, 0)));
	ck_assert(applies(NVIO_QUIRK_NODATA_POLL, none));

	ck_assert(!applies(NVIO_QUIRK_IOPOLL_ANY_FILE, k61));
	ck_assert(!applies(NVIO_QUIRK_IOPOLL_ANY_FILE, KV(7, 0, 9)));
	ck_assert(applies(NVIO_QUIRK_IOPOLL_ANY_FILE, KV(7, 1, 0)));
	ck_assert(applies(NVIO_QUIRK_IOPOLL_ANY_FILE, k72));
	/* new behaviour is never assumed of an unknown kernel */
	ck_assert(!applies(NVIO_QUIRK_IOPOLL_ANY_FILE, none));

	ck_assert(applies(NVIO_QUIRK_NO_VEC_FIXED, k612));
	ck_assert(!applies(NVIO_QUIRK_NO_VEC_FIXED, KV(6, 16, 0)));
	ck_assert(applies(NVIO_QUIRK_NO_VEC_FIXED, none));

	ck_assert(applies(NVIO_QUIRK_NO_HYBRID_POLL, k612));
	ck_assert(applies(NVIO_QUIRK_NO_HYBRID_POLL, KV(6, 14, 3)));
	ck_assert(!applies(NVIO_QUIRK_NO_HYBRID_POLL, KV(6, 15, 0)));
	ck_assert(!applies(NVIO_QUIRK_NO_HYBRID_POLL, k72));
	ck_assert(applies(NVIO_QUIRK_NO_HYBRID_POLL, none));

	ck_assert(!applies(NVIO_QUIRK_NO_SQARRAY, k61));
	ck_assert(applies(NVIO_QUIRK_NO_SQARRAY, k612));

	ck_assert(!applies(NVIO_QUIRK_ABORT_EFAULT, k61));
	ck_assert(applies(NVIO_QUIRK_ABORT_EFAULT, k612));
	ck_assert(applies(NVIO_QUIRK_ABORT_EFAULT, k72));

	ck_assert(applies(NVIO_QUIRK_PRIV_PASSTHRU, k61));
	ck_assert(!applies(NVIO_QUIRK_PRIV_PASSTHRU, KV(6, 2, 0)));
	ck_assert(applies(NVIO_QUIRK_PRIV_PASSTHRU, none));

	ck_assert(!applies(NVIO_QUIRK_POLL_STATUS, k61));
	ck_assert(!applies(NVIO_QUIRK_POLL_STATUS, KV(6, 9, 12)));
	ck_assert(applies(NVIO_QUIRK_POLL_STATUS, KV(6, 10, 0)));
	ck_assert(applies(NVIO_QUIRK_POLL_STATUS, KV(6, 12, 0)));
	ck_assert(applies(NVIO_QUIRK_POLL_STATUS, KV(6, 12, 34)));
	ck_assert(!applies(NVIO_QUIRK_POLL_STATUS, KV(6, 12, 35)));
	ck_assert(!applies(NVIO_QUIRK_POLL_STATUS, k612));
	ck_assert(applies(NVIO_QUIRK_POLL_STATUS, KV(6, 15, 200)));
	ck_assert(!applies(NVIO_QUIRK_POLL_STATUS, KV(6, 16, 0)));
	ck_assert(!applies(NVIO_QUIRK_POLL_STATUS, k72));
}
END_TEST

START_TEST(table)
{
	const struct nvio_quirk *q;
	unsigned n = 0;

	for (unsigned i = 0; (q = nvio_quirk(i)); i++, n++) {
		ck_assert_uint_eq(q->id, i);
		ck_assert(q->name && q->name[0] && q->kernels && q->kernels[0]);
		ck_assert(q->decided && q->decided[0] && q->what && q->what[0]);
		ck_assert(q->action && q->action[0]);
		ck_assert(q->from || q->until);
		ck_assert(!q->from || !q->until || q->from < q->until);
		/* a stable fix lies inside the affected range */
		ck_assert(!q->fixed_stable ||
			  ((q->fixed_stable >= q->from) &&
			   (!q->until || q->fixed_stable < q->until)));
		for (unsigned j = 0; j < i; j++)
			ck_assert_str_ne(nvio_quirk(j)->name, q->name);
	}
	ck_assert_uint_eq(n, NVIO_QUIRK_COUNT);
	ck_assert_ptr_null(nvio_quirk(NVIO_QUIRK_COUNT));
	ck_assert(!nvio_quirk_applies(NVIO_QUIRK_COUNT));
}
END_TEST

/* Each test runs in its own process (Check's fork mode), so the cached
 * running version starts from the environment set here. */
START_TEST(running_from_env)
{
	setenv("NVIO_KERNEL_RELEASE", "6.1.0-57-amd64", 1);
	ck_assert_uint_eq(nvio_kernel_version(), KV(6, 1, 0));
	ck_assert(nvio_quirk_applies(NVIO_QUIRK_POLL_UNSAFE));
	ck_assert(!nvio_quirk_applies(NVIO_QUIRK_ABORT_EFAULT));
}
END_TEST

START_TEST(running_unreadable)
{
	setenv("NVIO_KERNEL_RELEASE", "not-a-version", 1);
	ck_assert_uint_eq(nvio_kernel_version(), 0);
	ck_assert(nvio_quirk_applies(NVIO_QUIRK_POLL_UNSAFE));
	ck_assert(nvio_quirk_applies(NVIO_QUIRK_NO_HYBRID_POLL));
	ck_assert(!nvio_quirk_applies(NVIO_QUIRK_IOPOLL_ANY_FILE));
}
END_TEST

START_TEST(running_new)
{
	setenv("NVIO_KERNEL_RELEASE", "7.2.13+deb14-amd64", 1);
	ck_assert(!nvio_quirk_applies(NVIO_QUIRK_POLL_UNSAFE));
	ck_assert(!nvio_quirk_applies(NVIO_QUIRK_NODATA_POLL));
	ck_assert(nvio_quirk_applies(NVIO_QUIRK_IOPOLL_ANY_FILE));
	ck_assert(!nvio_quirk_applies(NVIO_QUIRK_IOPOLL_EXIT_SPIN));
}
END_TEST

/* iopoll-exit-spin: every kernel before 6.16 (Debian's 6.12.117 among
 * them), not 6.16 and later, and an unreadable release has it. */
START_TEST(exit_spin_series)
{
	const struct nvio_quirk *q = nvio_quirk(NVIO_QUIRK_IOPOLL_EXIT_SPIN);

	ck_assert_str_eq(q->name, "iopoll-exit-spin");
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("6.12.117+deb13-amd64")));
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("6.1.0-57-amd64")));
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("6.6.96")));
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("6.15.4")));
	ck_assert(!nvio_quirk_applies_to(q, nvio_kver_parse("6.16.0")));
	ck_assert(!nvio_quirk_applies_to(q, nvio_kver_parse("7.2.13+deb14-amd64")));
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("5.19.0")));
	ck_assert(nvio_quirk_applies_to(q, 0));
}
END_TEST

/* iopoll-wait-slow: measured on 7.2 and not on 6.1 or 6.12; the kernels
 * between, and an unreadable release, keep the kernel's wait. */
START_TEST(wait_slow_series)
{
	const struct nvio_quirk *q = nvio_quirk(NVIO_QUIRK_IOPOLL_WAIT_SLOW);

	ck_assert_str_eq(q->name, "iopoll-wait-slow");
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("7.2.13+deb14-amd64")));
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("7.10.0")));
	ck_assert(nvio_quirk_applies_to(q, nvio_kver_parse("8.0.1")));
	ck_assert(!nvio_quirk_applies_to(q, nvio_kver_parse("7.1.9")));
	ck_assert(!nvio_quirk_applies_to(q, nvio_kver_parse("6.12.117+deb13-amd64")));
	ck_assert(!nvio_quirk_applies_to(q, nvio_kver_parse("6.1.0-57-amd64")));
	ck_assert(!nvio_quirk_applies_to(q, 0));
}
END_TEST

/* Hybrid polling is explicit polling, and contradicts NVIO_QUEUE_IRQ. */
START_TEST(hybrid_opts)
{
	struct nvio_queue_opts o, in = { .sz = sizeof(in) };

	in.flags = NVIO_QUEUE_HYBRID_POLL;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), 0);
	ck_assert(o.flags & NVIO_QUEUE_POLL);
	in.flags = NVIO_QUEUE_HYBRID_POLL | NVIO_QUEUE_IRQ;
	ck_assert_int_eq(nvio_queue_opts_check(&in, &o), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("quirks");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse);
	tcase_add_test(tc, rows_by_kernel);
	tcase_add_test(tc, table);
	tcase_add_test(tc, running_from_env);
	tcase_add_test(tc, running_unreadable);
	tcase_add_test(tc, running_new);
	tcase_add_test(tc, exit_spin_series);
	tcase_add_test(tc, wait_slow_series);
	tcase_add_test(tc, hybrid_opts);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
