/* SPDX-License-Identifier: MIT */
/* Command encoders against the NVMe base/NVM command set byte layout, and
 * the SQE128 uring_cmd the queue builds from them. */
#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>

#include "testutil.h"

static uint32_t dw(const struct nvio_cmd *c, unsigned i)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)c + 4 * i, 4);
	return v;
}

START_TEST(layout)
{
	ck_assert_uint_eq(sizeof(struct nvio_cmd), 64);
	ck_assert_uint_eq(offsetof(struct nvio_cmd, nsid), 4);
	ck_assert_uint_eq(offsetof(struct nvio_cmd, mptr), 16);
	ck_assert_uint_eq(offsetof(struct nvio_cmd, dptr), 24);
	ck_assert_uint_eq(offsetof(struct nvio_cmd, cdw10), 40);
	ck_assert_uint_eq(offsetof(struct nvio_cmd, cdw15), 60);
	ck_assert_uint_eq(sizeof(struct nvio_dsm_range), 16);
	ck_assert_uint_eq(offsetof(struct nvio_dsm_range, nlb), 4);
	ck_assert_uint_eq(offsetof(struct nvio_dsm_range, slba), 8);
}
END_TEST

START_TEST(read_write)
{
	struct nvio_cmd c;
	const uint8_t *b = (const uint8_t *)&c;

	memset(&c, 0xa5, sizeof(c));
	nvio_cmd_read(&c, 3, 0x123456789abcull, 8, 0);
	ck_assert_uint_eq(b[0], 0x02);
	ck_assert_uint_eq(dw(&c, 1), 3);
	ck_assert_uint_eq(dw(&c, 10), 0x56789abc);
	ck_assert_uint_eq(dw(&c, 11), 0x1234);
	ck_assert_uint_eq(dw(&c, 12), 7); /* zero-based */
	for (unsigned i = 2; i < 10; i++)
		ck_assert_uint_eq(dw(&c, i), 0);
	ck_assert_uint_eq(dw(&c, 13), 0);
	ck_assert_uint_eq(dw(&c, 14), 0);
	ck_assert_uint_eq(dw(&c, 15), 0);

	nvio_cmd_write(&c, 1, 5, 65536, NVIO_IO_FUA);
	ck_assert_uint_eq(b[0], 0x01);
	ck_assert_uint_eq(dw(&c, 12), 0x4000ffffu); /* FUA is bit 30 */
	nvio_cmd_write(&c, 1, 5, 1, NVIO_IO_LR);
	ck_assert_uint_eq(dw(&c, 12), 0x80000000u); /* LR is bit 31 */
	nvio_cmd_read(&c, 1, 0, 1, NVIO_IO_PRINFO(0xf));
	ck_assert_uint_eq(dw(&c, 12), 0x3c000000u); /* PRINFO bits 29:26 */
}
END_TEST

START_TEST(other_io)
{
	struct nvio_cmd c;

	nvio_cmd_flush(&c, 9);
	ck_assert_uint_eq(c.opcode, 0x00);
	ck_assert_uint_eq(dw(&c, 1), 9);
	ck_assert_uint_eq(dw(&c, 10) | dw(&c, 11) | dw(&c, 12), 0);

	nvio_cmd_write_zeroes(&c, 1, 100, 16, NVIO_IO_DEAC);
	ck_assert_uint_eq(c.opcode, 0x08);
	ck_assert_uint_eq(dw(&c, 10), 100);
	ck_assert_uint_eq(dw(&c, 12), (1u << 25) | 15); /* DEAC bit 25 */

	nvio_cmd_compare(&c, 1, 0, 2, 0);
	ck_assert_uint_eq(c.opcode, 0x05);
	nvio_cmd_verify(&c, 1, 0, 2, 0);
	ck_assert_uint_eq(c.opcode, 0x0c);

	nvio_cmd_dsm(&c, 1, 3, NVIO_DSM_AD);
	ck_assert_uint_eq(c.opcode, 0x09);
	ck_assert_uint_eq(dw(&c, 10), 2); /* NR zero-based */
	ck_assert_uint_eq(dw(&c, 11), 4); /* AD is bit 2 */
}
END_TEST

START_TEST(admin)
{
	struct nvio_cmd c;

	nvio_cmd_identify(&c, NVIO_CNS_CTRL, 0, 0x12);
	ck_assert_uint_eq(c.opcode, 0x06);
	ck_assert_uint_eq(dw(&c, 10), 0x00120001u); /* CNTID 31:16, CNS 7:0 */

	nvio_cmd_get_log(&c, 0x02, 0xffffffffu, 0x100000008ull, 512, 0, true);
	ck_assert_uint_eq(c.opcode, 0x02);
	ck_assert_uint_eq(dw(&c, 1), 0xffffffffu);
	/* NUMDL 31:16 = 127, RAE bit 15, LID 7:0 */
	ck_assert_uint_eq(dw(&c, 10), (127u << 16) | (1u << 15) | 0x02);
	ck_assert_uint_eq(dw(&c, 11), 0); /* NUMDU */
	ck_assert_uint_eq(dw(&c, 12), 8); /* LPOL */
	ck_assert_uint_eq(dw(&c, 13), 1); /* LPOU */

	nvio_cmd_get_log(&c, 0x01, 0, 0, 0x40000 * 4 + 4, 0, false);
	ck_assert_uint_eq(dw(&c, 10) >> 16, 0);     /* NUMD = 0x40000 */
	ck_assert_uint_eq(dw(&c, 11), 4);

	nvio_cmd_get_features(&c, 0x06, 0, 2, 0);
	ck_assert_uint_eq(c.opcode, 0x0a);
	ck_assert_uint_eq(dw(&c, 10), 0x206); /* SEL 10:8 */

	nvio_cmd_set_features(&c, 0x06, 0, 1, true);
	ck_assert_uint_eq(c.opcode, 0x09);
	ck_assert_uint_eq(dw(&c, 10), 0x80000006u); /* SV bit 31 */
	ck_assert_uint_eq(dw(&c, 11), 1);
}
END_TEST

/* The SQE the queue builds: uring_cmd opcode, cmd_op, NVMe fields in the
 * 80-byte command area, buffer pointer and length beside them. */
START_TEST(sqe_encoding)
{
	struct nvio_queue *q = fake_queue(512, 0, false, 1000, 256, 4);
	static char buf[4096] __attribute__((aligned(4096)));
	struct io_uring_sqe *sqe;
	struct nvme_uring_cmd *uc;

	ck_assert_int_eq(nvio_queue_read(q, 10, 8, buf, 4096, NVIO_IO_FUA,
					 (void *)0x1234), 0);
	ck_assert_uint_eq(fake_queued(q), 1);
	sqe = fake_sqe(q, 0);
	ck_assert_uint_eq(sqe->opcode, IORING_OP_URING_CMD);
	ck_assert_uint_eq(sqe->cmd_op, NVME_URING_CMD_IO);
	ck_assert_int_eq(sqe->fd, 7);
	ck_assert_uint_eq(sqe->user_data, 0x1234);
	ck_assert_uint_eq(sqe->uring_cmd_flags, 0);
	uc = (struct nvme_uring_cmd *)sqe->cmd;
	ck_assert_uint_eq(uc->opcode, 0x02);
	ck_assert_uint_eq(uc->flags, 0);
	ck_assert_uint_eq(uc->nsid, 1);
	ck_assert_uint_eq(uc->addr, (uintptr_t)buf);
	ck_assert_uint_eq(uc->data_len, 4096);
	ck_assert_uint_eq(uc->metadata, 0);
	ck_assert_uint_eq(uc->metadata_len, 0);
	ck_assert_uint_eq(uc->cdw10, 10);
	ck_assert_uint_eq(uc->cdw11, 0);
	ck_assert_uint_eq(uc->cdw12, 0x40000007u);
	ck_assert_uint_eq(uc->timeout_ms, 0);
	ck_assert_uint_eq(nvio_queue_inflight(q), 1);

	struct iovec iov[2] = { { buf, 2048 }, { buf + 2048, 2048 } };
	ck_assert_int_eq(nvio_queue_writev(q, 0, 8, iov, 2, 0, NULL), 0);
	sqe = fake_sqe(q, 1);
	uc = (struct nvme_uring_cmd *)sqe->cmd;
	ck_assert_uint_eq(sqe->cmd_op, NVME_URING_CMD_IO_VEC);
	ck_assert_uint_eq(uc->opcode, 0x01);
	ck_assert_uint_eq(uc->addr, (uintptr_t)iov);
	ck_assert_uint_eq(uc->data_len, 2); /* iovec count, not bytes */
	fake_queue_free(q);
}
END_TEST

/* A buffer inside a registered buffer goes as IORING_URING_CMD_FIXED with
 * the right index; one straddling two does not. */
START_TEST(fixed_buffers)
{
	struct nvio_queue *q = fake_queue(512, 0, false, 1000, 256, 8);
	struct io_uring_sqe *sqe;
	char *region = nvio_buf_alloc(4 * 8192);

	q->rbuf = region;
	q->f.fixed_base = (uintptr_t)region;
	q->f.fixed_shift = 13;
	q->rbuf_nr = 4;
	q->rbuf_total = 4 * 8192;
	q->f.fixed_total = 4 * 8192;
	q->flags |= NVIO_QF_REG_BUFS;
	ck_assert_int_eq(nvio_queue_read(q, 0, 8, region + 2 * 8192 + 512, 4096,
					 0, NULL), 0);
	sqe = fake_sqe(q, 0);
	ck_assert_uint_eq(sqe->uring_cmd_flags, IORING_URING_CMD_FIXED);
	ck_assert_uint_eq(sqe->buf_index, 2);
	ck_assert_int_eq(nvio_queue_read(q, 0, 16, region + 8192 - 512, 8192, 0,
					 NULL), 0);
	sqe = fake_sqe(q, 1);
	ck_assert_uint_eq(sqe->uring_cmd_flags, 0);
	ck_assert_int_eq(nvio_queue_read(q, 0, 16, region + 3 * 8192, 8192, 0,
					 NULL), 0);
	sqe = fake_sqe(q, 2);
	ck_assert_uint_eq(sqe->uring_cmd_flags, IORING_URING_CMD_FIXED);
	ck_assert_uint_eq(sqe->buf_index, 3);
	/* registration failed: the same buffers go unfixed */
	q->f.fixed_total = 0;
	ck_assert_int_eq(nvio_queue_read(q, 0, 8, region, 4096, 0, NULL), 0);
	ck_assert_uint_eq(fake_sqe(q, 3)->uring_cmd_flags, 0);
	q->rbuf = NULL;
	nvio_buf_free(region);
	fake_queue_free(q);
}
END_TEST

/* Vectored I/O (6.16+): fixed only when every segment lies in the same
 * registered buffer, and never where the kernel cannot take it. */
START_TEST(fixed_vectored)
{
	struct nvio_queue *q = fake_queue(512, 0, false, 1000, 256, 8);
	char *region = nvio_buf_alloc(4 * 8192);
	struct io_uring_sqe *sqe;
	struct iovec same[2] = { { region + 8192, 1024 },
				 { region + 8192 + 4096, 1024 } };
	struct iovec split[2] = { { region + 8192, 1024 },
				  { region + 2 * 8192, 1024 } };
	struct iovec outside[2] = { { region + 8192, 1024 }, { NULL, 0 } };
	static char other[1024] __attribute__((aligned(8)));

	outside[1].iov_base = other;
	outside[1].iov_len = sizeof(other);
	q->rbuf = region;
	q->f.fixed_base = (uintptr_t)region;
	q->f.fixed_shift = 13;
	q->rbuf_nr = 4;
	q->rbuf_total = q->f.fixed_total = 4 * 8192;
	q->vec_fixed = true;
	ck_assert_int_eq(nvio_queue_readv(q, 0, 4, same, 2, 0, NULL), 0);
	sqe = fake_sqe(q, 0);
	ck_assert_uint_eq(sqe->cmd_op, NVME_URING_CMD_IO_VEC);
	ck_assert_uint_eq(sqe->uring_cmd_flags, IORING_URING_CMD_FIXED);
	ck_assert_uint_eq(sqe->buf_index, 1);
	ck_assert_int_eq(nvio_queue_writev(q, 0, 4, split, 2, 0, NULL), 0);
	ck_assert_uint_eq(fake_sqe(q, 1)->uring_cmd_flags, 0);
	ck_assert_int_eq(nvio_queue_readv(q, 0, 4, outside, 2, 0, NULL), 0);
	ck_assert_uint_eq(fake_sqe(q, 2)->uring_cmd_flags, 0);
	/* a kernel before 6.16 (quirk no-vec-fixed): never fixed */
	q->vec_fixed = false;
	ck_assert_int_eq(nvio_queue_readv(q, 0, 4, same, 2, 0, NULL), 0);
	ck_assert_uint_eq(fake_sqe(q, 3)->uring_cmd_flags, 0);
	q->rbuf = NULL;
	nvio_buf_free(region);
	fake_queue_free(q);
}
END_TEST

START_TEST(passthru_copies_all_dwords)
{
	struct nvio_queue *q = fake_queue(512, 8, false, 1000, 256, 4);
	struct nvio_cmd c;
	struct nvme_uring_cmd *uc;
	static char buf[512] __attribute__((aligned(64))), md[8];

	nvio_cmd_init(&c, 0x81, 1);
	c.cdw2 = 2; c.cdw3 = 3; c.cdw10 = 10; c.cdw11 = 11; c.cdw12 = 12;
	c.cdw13 = 13; c.cdw14 = 14; c.cdw15 = 15;
	ck_assert_int_eq(nvio_queue_passthru(q, &c, buf, 512, md, 8, NULL), 0);
	uc = (struct nvme_uring_cmd *)fake_sqe(q, 0)->cmd;
	ck_assert_uint_eq(uc->opcode, 0x81);
	ck_assert_uint_eq(uc->cdw2, 2);
	ck_assert_uint_eq(uc->cdw3, 3);
	ck_assert_uint_eq(uc->cdw10, 10);
	ck_assert_uint_eq(uc->cdw15, 15);
	ck_assert_uint_eq(uc->metadata, (uintptr_t)md);
	ck_assert_uint_eq(uc->metadata_len, 8);
	fake_queue_free(q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("encode");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, layout);
	tcase_add_test(tc, read_write);
	tcase_add_test(tc, other_io);
	tcase_add_test(tc, admin);
	tcase_add_test(tc, sqe_encoding);
	tcase_add_test(tc, fixed_buffers);
	tcase_add_test(tc, fixed_vectored);
	tcase_add_test(tc, passthru_copies_all_dwords);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
