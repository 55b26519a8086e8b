/* SPDX-License-Identifier: MIT */
/* Every bad argument gets its own errno, and nothing is queued. */
#include <endian.h>
#include <errno.h>
#include <stdint.h>

#include <nvme/types.h>

#include "testutil.h"

static struct nvio_queue *q;
static char *buf;

static void setup(void)
{
	/* 512 B LBAs, 1000 LBAs, 256 LBAs per command, depth 4 */
	q = fake_queue(512, 0, false, 1000, 256, 4);
	buf = nvio_buf_alloc(1 << 20);
}

static void teardown(void)
{
	nvio_buf_free(buf);
	fake_queue_free(q);
}

#define NOTHING_QUEUED()                                                       \
	do {                                                                   \
		ck_assert_uint_eq(fake_queued(q), 0);                          \
		ck_assert_uint_eq(nvio_queue_inflight(q), 0);                  \
	} while (0)

START_TEST(zero_length)
{
	ck_assert_int_eq(nvio_queue_read(q, 0, 0, buf, 0, 0, NULL), -ENODATA);
	ck_assert_int_eq(nvio_queue_write_zeroes(q, 0, 0, 0, NULL), -ENODATA);
	ck_assert_int_eq(nvio_queue_verify(q, 0, 0, 0, NULL), -ENODATA);
	ck_assert_int_eq(nvio_read(q, 0, 0, buf, 0, 0), -ENODATA);
	NOTHING_QUEUED();
}
END_TEST

START_TEST(past_end)
{
	ck_assert_int_eq(nvio_queue_read(q, 999, 2, buf, 1024, 0, NULL), -ERANGE);
	ck_assert_int_eq(nvio_queue_read(q, 1000, 1, buf, 512, 0, NULL), -ERANGE);
	ck_assert_int_eq(nvio_queue_write(q, UINT64_MAX, 1, buf, 512, 0, NULL),
			 -ERANGE);
	/* slba + nlb overflowing 64 bits must not wrap into range */
	ck_assert_int_eq(nvio_read(q, UINT64_MAX - 1, 4, buf, 2048, 0), -ERANGE);
	ck_assert_int_eq(nvio_queue_write_zeroes(q, 990, 11, 0, NULL), -ERANGE);
	struct nvio_dsm_range r[2] = { { 0, 8, 0 }, { 0, 8, 995 } };
	ck_assert_int_eq(nvio_queue_dsm(q, r, 2, NVIO_DSM_AD, NULL), -ERANGE);
	NOTHING_QUEUED();
	/* the last LBA itself is fine */
	ck_assert_int_eq(nvio_queue_read(q, 999, 1, buf, 512, 0, NULL), 0);
	ck_assert_uint_eq(fake_queued(q), 1);
}
END_TEST

START_TEST(length_mismatch)
{
	ck_assert_int_eq(nvio_queue_read(q, 0, 8, buf, 4095, 0, NULL), -EMSGSIZE);
	ck_assert_int_eq(nvio_queue_read(q, 0, 8, buf, 4608, 0, NULL), -EMSGSIZE);
	ck_assert_int_eq(nvio_write(q, 0, 8, buf, 512, 0), -EMSGSIZE);
	struct iovec iov[2] = { { buf, 512 }, { buf + 4096, 1024 } };
	ck_assert_int_eq(nvio_queue_readv(q, 0, 4, iov, 2, 0, NULL), -EMSGSIZE);
	NOTHING_QUEUED();
}
END_TEST

START_TEST(null_and_misaligned)
{
	ck_assert_int_eq(nvio_queue_read(q, 0, 1, NULL, 512, 0, NULL), -EFAULT);
	ck_assert_int_eq(nvio_queue_write(q, 0, 1, buf + 1, 512, 0, NULL), -EINVAL);
	ck_assert_int_eq(nvio_queue_compare(q, 0, 1, buf + 2, 512, 0, NULL), -EINVAL);
	ck_assert_int_eq(nvio_queue_readv(q, 0, 1, NULL, 1, 0, NULL), -EFAULT);
	struct iovec bad[1] = { { buf + 3, 512 } };
	ck_assert_int_eq(nvio_queue_readv(q, 0, 1, bad, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(nvio_queue_readv(q, 0, 1, bad, 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(nvio_queue_dsm(q, NULL, 1, 0, NULL), -EFAULT);
	ck_assert_int_eq(nvio_queue_passthru(q, NULL, buf, 512, NULL, 0, NULL), -EINVAL);
	NOTHING_QUEUED();
}
END_TEST

START_TEST(too_big_async)
{
	/* 257 LBAs > max 256: refused on the async path ... */
	ck_assert_int_eq(nvio_queue_read(q, 0, 257, buf, 257 * 512, 0, NULL),
			 -E2BIG);
	NOTHING_QUEUED();
	/* ... 256 is fine */
	ck_assert_int_eq(nvio_queue_read(q, 0, 256, buf, 256 * 512, 0, NULL), 0);
}
END_TEST

START_TEST(depth)
{
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(nvio_queue_read(q, (uint64_t)i, 1, buf, 512, 0,
						 NULL), 0);
	ck_assert_int_eq(nvio_queue_read(q, 4, 1, buf, 512, 0, NULL), -EBUSY);
	ck_assert_int_eq(nvio_queue_flush(q, NULL), -EBUSY);
	ck_assert_uint_eq(fake_queued(q), 4);
	ck_assert_uint_eq(nvio_queue_inflight(q), 4);
	/* synchronous helpers refuse a busy queue instead of stealing its
	 * completions */
	ck_assert_int_eq(nvio_flush(q), -EBUSY);
	ck_assert_uint_eq(fake_queued(q), 4);
}
END_TEST

START_TEST(bad_ctl_and_dsm)
{
	ck_assert_int_eq(nvio_queue_read(q, 0, 1, buf, 512, 0x10000, NULL), -EINVAL);
	struct nvio_dsm_range r[1] = { { 0, 8, 0 } };
	ck_assert_int_eq(nvio_queue_dsm(q, r, 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(nvio_queue_dsm(q, r, 257, 0, NULL), -EINVAL);
	struct nvio_dsm_range z[1] = { { 0, 0, 0 } };
	ck_assert_int_eq(nvio_queue_dsm(q, z, 1, 0, NULL), -ENODATA);
	NOTHING_QUEUED();
}
END_TEST

START_TEST(passthru_checks)
{
	struct nvio_cmd c;

	nvio_cmd_read(&c, 1, 0, 1, 0);
	ck_assert_int_eq(nvio_queue_passthru(q, &c, NULL, 512, NULL, 0, NULL), -EFAULT);
	ck_assert_int_eq(nvio_queue_passthru(q, &c, buf, 0, NULL, 0, NULL), -EMSGSIZE);
	ck_assert_int_eq(nvio_queue_passthru(q, &c, buf, 1 << 20, NULL, 0, NULL), -E2BIG);
	nvio_cmd_read(&c, 2, 0, 1, 0);
	ck_assert_int_eq(nvio_queue_passthru(q, &c, buf, 512, NULL, 0, NULL), -EXDEV);
	NOTHING_QUEUED();
}
END_TEST

/* Extended LBAs: the data buffer carries metadata after each LBA. */
START_TEST(extended_lba)
{
	struct nvio_queue *e = fake_queue(512, 8, true, 1000, 128, 4);

	ck_assert_int_eq(nvio_queue_read(e, 0, 2, buf, 1024, 0, NULL), -EMSGSIZE);
	ck_assert_int_eq(nvio_queue_read(e, 0, 2, buf, 1040, 0, NULL), 0);
	/* PI-only metadata with PRACT: the controller strips it, so the
	 * buffer holds data only */
	e->pi_only = true;
	ck_assert_int_eq(nvio_queue_read(e, 0, 2, buf, 1040, NVIO_IO_PRACT, NULL),
			 -EMSGSIZE);
	ck_assert_int_eq(nvio_queue_read(e, 0, 2, buf, 1024, NVIO_IO_PRACT, NULL), 0);
	fake_queue_free(e);
}
END_TEST

/* Separate metadata: plain reads/writes would send no metadata buffer. */
START_TEST(separate_metadata)
{
	struct nvio_queue *m = fake_queue(512, 8, false, 1000, 128, 4);

	ck_assert_int_eq(nvio_queue_write(m, 0, 2, buf, 1024, 0, NULL), -EOPNOTSUPP);
	ck_assert_int_eq(nvio_write(m, 0, 2, buf, 1024, 0), -EOPNOTSUPP);
	struct iovec iov[1] = { { buf, 1024 } };
	ck_assert_int_eq(nvio_queue_readv(m, 0, 2, iov, 1, 0, NULL), -EOPNOTSUPP);
	ck_assert_uint_eq(fake_queued(m), 0);
	/* PRACT on PI-only metadata is fine */
	m->pi_only = true;
	ck_assert_int_eq(nvio_queue_write(m, 0, 2, buf, 1024, NVIO_IO_PRACT, NULL), 0);
	/* metadata larger than PI: still refused */
	m->pi_only = false;
	ck_assert_int_eq(nvio_queue_write(m, 0, 2, buf, 1024, NVIO_IO_PRACT, NULL),
			 -EOPNOTSUPP);
	fake_queue_free(m);
}
END_TEST

/* Passthrough that moves LBA data on a separate-metadata namespace needs
 * a metadata buffer; commands that move none (or only ranges) do not. */
START_TEST(passthru_metadata)
{
	struct nvio_queue *m = fake_queue(512, 8, false, 1000, 128, 4);
	static char md[16] __attribute__((aligned(8)));
	struct nvio_cmd c;

	nvio_cmd_read(&c, 1, 0, 2, 0);
	ck_assert_int_eq(nvio_queue_passthru(m, &c, buf, 1024, NULL, 0, NULL),
			 -EOPNOTSUPP);
	nvio_cmd_write(&c, 1, 0, 2, 0);
	ck_assert_int_eq(nvio_queue_passthru(m, &c, buf, 1024, NULL, 0, NULL),
			 -EOPNOTSUPP);
	c.opcode = NVIO_OP_ZONE_APPEND;
	ck_assert_int_eq(nvio_queue_passthru(m, &c, buf, 1024, NULL, 0, NULL),
			 -EOPNOTSUPP);
	ck_assert_uint_eq(fake_queued(m), 0);
	nvio_cmd_read(&c, 1, 0, 2, 0);
	ck_assert_int_eq(nvio_queue_passthru(m, &c, buf, 1024, md, 16, NULL), 0);
	nvio_cmd_write_zeroes(&c, 1, 0, 2, 0);
	ck_assert_int_eq(nvio_queue_passthru(m, &c, NULL, 0, NULL, 0, NULL), 0);
	/* PRACT with PI-only metadata: the controller makes the PI (the
	 * passthrough path reads the namespace's table entry) */
	m->pi_only = m->ns[0].pi_only = true;
	nvio_cmd_write(&c, 1, 0, 2, NVIO_IO_PRACT);
	ck_assert_int_eq(nvio_queue_passthru(m, &c, buf, 1024, NULL, 0, NULL), 0);
	fake_queue_free(m);
}
END_TEST

/* A namespace whose metadata format could not be learned (no Identify,
 * no sysfs metadata_bytes): no data I/O goes out at all. */
START_TEST(metadata_unknown)
{
	struct nvio_dev_info info = {
		.nsid = 1, .lba_size = 512, .lba_shift = 9, .nsze = 1000,
		.max_nlb = 128, .md_unknown = true,
	};
	struct nvio_queue *u = fake_queue(512, 0, false, 1000, 128, 4);
	struct iovec iov[1] = { { buf, 1024 } };
	struct nvio_cmd c;

	nvio_queue_init_geometry(u, &info);
	ck_assert_int_eq(nvio_queue_read(u, 0, 2, buf, 1024, 0, NULL), -EOPNOTSUPP);
	ck_assert_int_eq(nvio_queue_write(u, 0, 2, buf, 1024, NVIO_IO_PRACT, NULL),
			 -EOPNOTSUPP);
	ck_assert_int_eq(nvio_queue_writev(u, 0, 2, iov, 1, 0, NULL), -EOPNOTSUPP);
	ck_assert_int_eq(nvio_read(u, 0, 2, buf, 1024, 0), -EOPNOTSUPP);
	nvio_cmd_read(&c, 1, 0, 2, 0);
	ck_assert_int_eq(nvio_queue_passthru(u, &c, buf, 1024, NULL, 0, NULL),
			 -EOPNOTSUPP);
	ck_assert_uint_eq(fake_queued(u), 0);
	/* no data, no metadata: allowed */
	ck_assert_int_eq(nvio_queue_flush(u, NULL), 0);
	fake_queue_free(u);
}
END_TEST

/* Sizes from a hostile device: a product or a sum that wraps must not
 * match the buffer's length. */
START_TEST(arithmetic_wraps)
{
	/* 2^52 + 1 LBAs of 4 KiB is 2^64 + 4096 bytes: 4096 once wrapped */
	struct nvio_queue *h = fake_queue(4096, 0, false, (1ull << 62), 256, 4);
	uint64_t nlb = (1ull << 52) + 1;
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = SIZE_MAX - 4095 },
		{ .iov_base = buf, .iov_len = 8192 },
	};

	ck_assert_int_eq(nvio_read(h, 0, nlb, buf, 4096, 0), -EMSGSIZE);
	ck_assert_int_eq(nvio_write(h, 0, nlb, buf, 4096, 0), -EMSGSIZE);
	ck_assert_uint_eq(fake_queued(h), 0);
	/* the iovecs' sum wraps to 4096: one LBA's worth */
	ck_assert_int_eq(nvio_queue_readv(h, 0, 1, iov, 2, 0, NULL), -EMSGSIZE);
	ck_assert_uint_eq(fake_queued(h), 0);
	ck_assert_uint_eq(nvio_queue_inflight(h), 0);
	fake_queue_free(h);
}
END_TEST

/* An LBA format under 512 bytes (or past 1 MiB) is refused: lba_size 0,
 * which nvio_dev_open turns into -ENODEV. */
START_TEST(lba_format_limits)
{
	static struct nvme_id_ns ns;
	struct nvio_dev_info info;

	for (unsigned ds = 0; ds < 40; ds++) {
		memset(&ns, 0, sizeof(ns));
		memset(&info, 0, sizeof(info));
		ns.lbaf[0].ds = (uint8_t)ds;
		ns.nsze = htole64(1000);
		nvio_info_from_identify(&info, NULL, &ns);
		if (ds >= 9 && ds <= 20)
			ck_assert_uint_eq(info.lba_size, 1u << ds);
		else
			ck_assert_uint_eq(info.lba_size, 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("checks");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, zero_length);
	tcase_add_test(tc, past_end);
	tcase_add_test(tc, length_mismatch);
	tcase_add_test(tc, null_and_misaligned);
	tcase_add_test(tc, too_big_async);
	tcase_add_test(tc, depth);
	tcase_add_test(tc, bad_ctl_and_dsm);
	tcase_add_test(tc, passthru_checks);
	tcase_add_test(tc, extended_lba);
	tcase_add_test(tc, separate_metadata);
	tcase_add_test(tc, passthru_metadata);
	tcase_add_test(tc, metadata_unknown);
	tcase_add_test(tc, arithmetic_wraps);
	tcase_add_test(tc, lba_format_limits);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
