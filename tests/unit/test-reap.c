/* SPDX-License-Identifier: MIT */
/*
 * Reaping real completions without a device: commands on a queue whose fd
 * is not open complete with -EBADF, through the kernel's io_uring like any
 * other, so submit/reap accounting can be checked here.
 */
#include <errno.h>

#include "testutil.h"

static struct nvio_queue *q;
static char *buf;

static void setup(void)
{
	q = fake_queue(512, 0, false, 1000, 256, 16);
	q->f.fd = 1000; /* not open: every command completes with -EBADF */
	nvio_queue_init_words(q);
	buf = nvio_buf_alloc(4096);
}

static void teardown(void)
{
	nvio_buf_free(buf);
	fake_queue_free(q);
}

static void queue_reads(unsigned from, unsigned nr)
{
	for (unsigned i = from; i < from + nr; i++)
		ck_assert_int_eq(nvio_queue_read(q, i, 1, buf, 512, 0,
						 (void *)(uintptr_t)(i + 1)),
				 0);
}

/* Reaps nonblocking until `want` completions came, at most 1000 tries;
 * each must be -EBADF (-EINVAL for user value `rejected`) and its user
 * value seen once. */
static void reap_all(unsigned want, bool *seen, unsigned nseen,
		     uintptr_t rejected)
{
	struct nvio_cpl c[4];
	unsigned got = 0;

	for (int tries = 0; got < want && tries < 1000; tries++) {
		int n = nvio_queue_reap(q, c, 4, 0);

		ck_assert_int_ge(n, 0);
		ck_assert_int_le(n, 4);
		for (int i = 0; i < n; i++) {
			uintptr_t u = (uintptr_t)c[i].user;

			ck_assert_int_eq(c[i].res,
					 u == rejected ? -EINVAL : -EBADF);
			ck_assert_uint_ge(u, 1);
			ck_assert_uint_le(u, nseen);
			ck_assert(!seen[u - 1]);
			seen[u - 1] = true;
		}
		got += (unsigned)n;
	}
	ck_assert_uint_eq(got, want);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
}

/* The fast reap: one system call submits and waits, completions copied. */
START_TEST(fast_reap)
{
	struct nvio_cpl c[8];
	int n;

	queue_reads(0, 3);
	n = nvio_queue_reap(q, c, 8, 3);
	ck_assert_int_eq(n, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(c[i].res, -EBADF);
		ck_assert_uint_eq(c[i].rsvd, 0);
		ck_assert_ptr_eq(c[i].user, (void *)(uintptr_t)(i + 1));
	}
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
}
END_TEST

/* A full cpl array and more completions waiting, with commands still
 * queued: reap returns max, never writes past cpl[max - 1]. */
START_TEST(never_past_max)
{
	struct nvio_cpl c[9];
	bool seen[13] = { false };
	int n;

	queue_reads(0, 12);
	ck_assert_int_eq(nvio_queue_submit(q), 12);
	queue_reads(12, 1);
	memset(&c[8], 0xa5, sizeof(c[8]));
	n = nvio_queue_reap(q, c, 8, 0);
	ck_assert_int_eq(n, 8);
	ck_assert_uint_eq(c[8].rsvd, 0xa5a5a5a5u);
	for (int i = 0; i < 8; i++)
		seen[(uintptr_t)c[i].user - 1] = true;
	reap_all(5, seen, 13, 0);
}
END_TEST

/* The kernel stops a batch at a command it rejects before it starts; the
 * commands after it stay queued, and a later submit or nonblocking reap
 * sends them (none is stranded in the ring). */
START_TEST(short_submission)
{
	bool seen[3] = { false };
	unsigned char *sqe1;

	queue_reads(0, 3);
	/* an unknown uring_cmd flag: -EINVAL at prep, for SQE 1 only */
	sqe1 = q->f.sqes + ((size_t)((q->f.sq_tail - 2) & q->f.sq_mask) << 7);
	((struct nvio_fast_sqe *)(void *)sqe1)->uring_cmd_flags = 0x8000;
	ck_assert_int_ge(nvio_queue_submit(q), 1);
	ck_assert_uint_eq(q->f.pending,
			  q->f.sq_tail - *q->ring.sq.khead);
	reap_all(3, seen, 3, 2);
	ck_assert_uint_eq(q->f.pending, 0);
}
END_TEST

/* liburing 2.6 and later set rings up without an SQ index array on 6.6+
 * kernels (quirk no-sqarray); the tests above then submitted through such
 * a ring. Say which kind they ran on, and check the kind is the one the
 * library and kernel give. */
START_TEST(sq_array_kind)
{
	bool none = q->ring.flags & IORING_SETUP_NO_SQARRAY;

	printf("reap: liburing %s, kernel %u.%u: ring %s an SQ array\n",
#ifdef IO_URING_VERSION_MAJOR
	       IO_URING_VERSION_MAJOR == 2 && IO_URING_VERSION_MINOR < 6 ? "< 2.6"
									 : ">= 2.6",
#else
	       "< 2.4",
#endif
	       nvio_kernel_version() >> 16, (nvio_kernel_version() >> 8) & 0xff,
	       none ? "without" : "with");
#if defined(IO_URING_VERSION_MAJOR) &&                                        \
	(IO_URING_VERSION_MAJOR > 2 ||                                         \
	 (IO_URING_VERSION_MAJOR == 2 && IO_URING_VERSION_MINOR >= 6))
	ck_assert(none == nvio_quirk_applies(NVIO_QUIRK_NO_SQARRAY));
#else
	ck_assert(!none);
#endif
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reap");
	TCase *tc = tcase_create("reap");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fast_reap);
	tcase_add_test(tc, never_past_max);
	tcase_add_test(tc, short_submission);
	tcase_add_test(tc, sq_array_kind);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
