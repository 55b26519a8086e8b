/* SPDX-License-Identifier: MIT */
/*
 * One table of bad calls into the public API: each returns its own
 * -errno, and nothing is queued or sent (the queue's ring is checked
 * after each: no entry queued, nothing in flight). The queue is a real
 * io_uring with no device behind it: 512 B LBAs, 1000 LBAs, 256 LBAs per
 * command, depth 4.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

static struct nvio_queue *q;
static char *buf;

#define CASE(name, want, expr)                                                 \
	static int name(void) { return (expr); }                               \
	enum { name##_want = (want) };

static struct nvio_cmd cmd_read(void)
{
	struct nvio_cmd c;

	nvio_cmd_read(&c, 1, 0, 1, 0);
	return c;
}

static struct nvio_queue_opts qopts(uint32_t depth, uint32_t flags,
				    int32_t cpu, uint32_t rb, uint32_t rbs)
{
	struct nvio_queue_opts o = { .sz = sizeof(o), .depth = depth,
				     .flags = flags, .sqpoll_cpu = cpu,
				     .reg_bufs = rb, .reg_buf_size = rbs };
	return o;
}

static int opts_check(struct nvio_queue_opts o)
{
	struct nvio_queue_opts out;

	return nvio_queue_opts_check(&o, &out);
}

static int open_path(const char *p)
{
	struct nvio_dev *d = NULL;
	int rc = nvio_dev_open(p, NULL, &d);

	if (!rc)
		nvio_dev_close(d);
	return rc;
}

static int open_opts(size_t sz, uint32_t flags)
{
	struct nvio_dev_opts o = { .sz = sz, .flags = flags };
	struct nvio_dev *d = NULL;

	return nvio_dev_open("/dev/null", &o, &d);
}

static int reap(unsigned max, unsigned min, bool null_cpl)
{
	struct nvio_cpl c[4];

	return nvio_queue_reap(q, null_cpl ? NULL : c, max, min);
}

static int readv2(size_t l0, size_t l1, int cnt, bool null_base)
{
	struct iovec iov[2] = { { null_base ? NULL : buf, l0 },
				{ buf + 4096, l1 } };

	return nvio_queue_readv(q, 0, 1, iov, cnt, 0, NULL);
}

static int dsm(unsigned nr, bool null_ranges)
{
	static struct nvio_dsm_range r[2] = { { 0, 1, 0 }, { 0, 1, 1 } };

	return nvio_queue_dsm(q, null_ranges ? NULL : r, nr, NVIO_DSM_AD, NULL);
}

static int passthru(void *b, uint32_t len)
{
	struct nvio_cmd c = cmd_read();

	return nvio_queue_passthru(q, &c, b, len, NULL, 0, NULL);
}

static int queue_no_dev_call(void)
{
	struct nvio_queue *nq = (struct nvio_queue *)buf;
	int rc = nvio_queue_create(NULL, NULL, &nq);

	return rc;
}

/* reads and writes */
CASE(read_zero, -ENODATA, nvio_queue_read(q, 0, 0, buf, 0, 0, NULL))
CASE(read_past_end, -ERANGE, nvio_queue_read(q, 999, 2, buf, 1024, 0, NULL))
CASE(read_slba_wraps, -ERANGE,
     nvio_queue_read(q, UINT64_MAX, 2, buf, 1024, 0, NULL))
CASE(read_too_big, -E2BIG, nvio_queue_read(q, 0, 257, buf, 257 * 512, 0, NULL))
CASE(read_null_buf, -EFAULT, nvio_queue_read(q, 0, 1, NULL, 512, 0, NULL))
CASE(read_misaligned, -EINVAL, nvio_queue_read(q, 0, 1, buf + 1, 512, 0, NULL))
CASE(read_short_buf, -EMSGSIZE, nvio_queue_read(q, 0, 2, buf, 512, 0, NULL))
CASE(read_bad_ctl, -EINVAL, nvio_queue_read(q, 0, 1, buf, 512, 0x10000, NULL))
CASE(write_past_end, -ERANGE, nvio_queue_write(q, 1000, 1, buf, 512, 0, NULL))
CASE(compare_short, -EMSGSIZE, nvio_queue_compare(q, 0, 1, buf, 511, 0, NULL))
CASE(sync_read_huge, -ERANGE, nvio_read(q, 0, (1ull << 55) + 1, buf, 512, 0))
CASE(sync_write_null, -EFAULT, nvio_write(q, 0, 1, NULL, 512, 0))
/* vectored */
CASE(readv_null_iov, -EFAULT, nvio_queue_readv(q, 0, 1, NULL, 1, 0, NULL))
CASE(readv_zero_cnt, -EINVAL, readv2(512, 0, 0, false))
CASE(readv_too_many, -EINVAL,
     nvio_queue_readv(q, 0, 1, (const struct iovec *)buf, IOV_MAX + 1, 0, NULL))
CASE(readv_null_base, -EFAULT, readv2(256, 256, 2, true))
CASE(readv_wrong_sum, -EMSGSIZE, readv2(256, 512, 2, false))
CASE(readv_sum_wraps, -EMSGSIZE, readv2(SIZE_MAX - 255, 768, 2, false))
/* data-less commands */
CASE(verify_zero, -ENODATA, nvio_queue_verify(q, 0, 0, 0, NULL))
CASE(verify_past_end, -ERANGE, nvio_queue_verify(q, 990, 11, 0, NULL))
CASE(wz_past_end, -ERANGE, nvio_queue_write_zeroes(q, 1000, 1, 0, NULL))
CASE(dsm_none, -EINVAL, dsm(0, false))
CASE(dsm_too_many, -EINVAL, dsm(257, false))
CASE(dsm_null, -EFAULT, dsm(1, true))
/* passthrough */
CASE(passthru_null_cmd, -EINVAL, nvio_queue_passthru(q, NULL, buf, 512, NULL, 0, NULL))
CASE(passthru_len_no_buf, -EFAULT, passthru(NULL, 512))
/* reaping */
CASE(reap_null_cpl, -EINVAL, reap(4, 1, true))
CASE(reap_min_over_max, -EINVAL, reap(2, 3, false))
CASE(reap_max_zero, -EINVAL, reap(0, 0, false))
CASE(reap_nothing_coming, -EDEADLK, reap(4, 1, false))
/* queue options */
CASE(opts_depth, -EINVAL, opts_check(qopts(4097, 0, -1, 0, 0)))
CASE(opts_flags, -EINVAL, opts_check(qopts(8, 1u << 30, -1, 0, 0)))
CASE(opts_irq_poll, -EINVAL,
     opts_check(qopts(8, NVIO_QUEUE_IRQ | NVIO_QUEUE_POLL, -1, 0, 0)))
CASE(opts_irq_hybrid, -EINVAL,
     opts_check(qopts(8, NVIO_QUEUE_IRQ | NVIO_QUEUE_HYBRID_POLL, -1, 0, 0)))
CASE(opts_cpu, -EINVAL, opts_check(qopts(8, 0, -2, 0, 0)))
CASE(opts_regbufs, -EINVAL, opts_check(qopts(8, 0, -1, 9, 4096)))
CASE(opts_regbuf_size, -EINVAL, opts_check(qopts(8, 0, -1, 2, 0)))
CASE(queue_no_dev, -EINVAL, queue_no_dev_call())
/* devices and admin */
CASE(open_null, -EINVAL, open_path(NULL))
CASE(open_missing, -ENOENT, open_path("/dev/nvio-no-such-device"))
CASE(open_not_nvme, -ENODEV, open_path("/dev/null"))
CASE(open_regular, -ENODEV, open_path("/etc/hostname"))
CASE(open_opts_small, -EINVAL, open_opts(4, 0))
CASE(open_opts_flags, -EINVAL, open_opts(sizeof(struct nvio_dev_opts), 1u << 20))
CASE(admin_no_dev, -EINVAL, nvio_identify_ctrl(NULL, buf))
CASE(identify_ns_zero, -EINVAL, nvio_identify_ns(NULL, 0, buf))
CASE(get_log_len, -EINVAL, nvio_get_log(NULL, 2, 0, 0, buf, 6))
CASE(get_feature_sel, -EINVAL, nvio_get_feature(NULL, 7, 0, 4, 0, NULL, 0, NULL))
CASE(set_timeout_null, -EINVAL, nvio_queue_set_timeout(NULL, 1))
CASE(admin_timeout_null, -EINVAL, nvio_dev_set_admin_timeout(NULL, 1))

struct row {
	const char *name;
	int (*call)(void);
	int want;
};
#define ROW(n) { #n, n, n##_want }
static const struct row rows[] = {
	ROW(read_zero), ROW(read_past_end), ROW(read_slba_wraps),
	ROW(read_too_big), ROW(read_null_buf), ROW(read_misaligned),
	ROW(read_short_buf), ROW(read_bad_ctl), ROW(write_past_end),
	ROW(compare_short), ROW(sync_read_huge), ROW(sync_write_null),
	ROW(readv_null_iov), ROW(readv_zero_cnt), ROW(readv_too_many),
	ROW(readv_null_base), ROW(readv_wrong_sum), ROW(readv_sum_wraps),
	ROW(verify_zero), ROW(verify_past_end), ROW(wz_past_end),
	ROW(dsm_none), ROW(dsm_too_many), ROW(dsm_null),
	ROW(passthru_null_cmd), ROW(passthru_len_no_buf),
	ROW(reap_null_cpl), ROW(reap_min_over_max),
	ROW(reap_max_zero), ROW(reap_nothing_coming), ROW(opts_depth),
	ROW(opts_flags), ROW(opts_irq_poll), ROW(opts_irq_hybrid),
	ROW(opts_cpu), ROW(opts_regbufs), ROW(opts_regbuf_size),
	ROW(queue_no_dev), ROW(open_null), ROW(open_missing),
	ROW(open_not_nvme), ROW(open_regular), ROW(open_opts_small),
	ROW(open_opts_flags), ROW(admin_no_dev), ROW(identify_ns_zero),
	ROW(get_log_len), ROW(get_feature_sel), ROW(set_timeout_null),
	ROW(admin_timeout_null),
};

START_TEST(table)
{
	const struct row *r = &rows[_i];
	int rc;

	q = fake_queue(512, 0, false, 1000, 256, 4);
	buf = nvio_buf_alloc(1 << 20);
	rc = r->call();
	ck_assert_msg(rc == r->want, "%s: got %d (%s), want %d (%s)", r->name,
		      rc, nvio_strerror(rc), r->want, nvio_strerror(r->want));
	ck_assert_msg(fake_queued(q) == 0 && nvio_queue_inflight(q) == 0,
		      "%s: something was queued", r->name);
	nvio_buf_free(buf);
	fake_queue_free(q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bad-api");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, table, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	suite_add_tcase(s, tc);
	printf("bad-api: %zu cases\n", sizeof(rows) / sizeof(rows[0]));
	return run_suite(s);
}
