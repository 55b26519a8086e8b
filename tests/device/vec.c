/* SPDX-License-Identifier: MIT */
/* Vectored write and read (NVME_URING_CMD_IO_VEC): scattered buffers land
 * in order and come back in order. */
#include "devtest.h"

int main(void)
{
	dt_name = "vec";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	uint32_t lb = di->lba_size;
	struct nvio_queue *q = dt_queue(dev, 4, 0);
	char *w = nvio_buf_alloc(8 * lb), *r = nvio_buf_alloc(16 * lb);
	struct iovec rv[4];
	struct nvio_cpl cpl;

	if (di->md_extended)
		dt_skip("extended-LBA namespace");
	dt_seed();
	dt_fill(w, 8 * lb);
	/* 8 LBAs written from four pieces, out of order in memory */
	struct iovec wv4[4] = { { w + 5 * lb, lb }, { w, 4 * lb },
				{ w + 6 * lb, 2 * lb }, { w + 4 * lb, lb } };
	CHECK_RC(nvio_writev(q, 1000, 8, wv4, 4, 0), 0);
	/* read into four pieces spread over a larger buffer */
	memset(r, 0, 16 * lb);
	rv[0] = (struct iovec){ r + 8 * lb, 2 * lb };
	rv[1] = (struct iovec){ r, lb };
	rv[2] = (struct iovec){ r + 12 * lb, 3 * lb };
	rv[3] = (struct iovec){ r + 4 * lb, 2 * lb };
	CHECK_RC(nvio_queue_readv(q, 1000, 8, rv, 4, 0, (void *)5), 0);
	CHECK_RC(dt_reap(q, &cpl, 1, 1), 1);
	CHECK(cpl.res == 0 && cpl.user == (void *)5, "readv res %d", cpl.res);
	/* the device holds: w[5], w[0..3], w[6..7], w[4] */
	char *expect = nvio_buf_alloc(8 * lb), *got = nvio_buf_alloc(8 * lb);
	memcpy(expect, w + 5 * lb, lb);
	memcpy(expect + lb, w, 4 * lb);
	memcpy(expect + 5 * lb, w + 6 * lb, 2 * lb);
	memcpy(expect + 7 * lb, w + 4 * lb, lb);
	memcpy(got, r + 8 * lb, 2 * lb);
	memcpy(got + 2 * lb, r, lb);
	memcpy(got + 3 * lb, r + 12 * lb, 3 * lb);
	memcpy(got + 6 * lb, r + 4 * lb, 2 * lb);
	CHECK(!memcmp(expect, got, 8 * lb), "vectored data in order");
	/* and a plain read agrees */
	CHECK_RC(nvio_read(q, 1000, 8, r, 8 * lb, 0), 0);
	CHECK(!memcmp(expect, r, 8 * lb), "plain read of vectored write");
	/* iovecs that do not add up are refused */
	CHECK_RC(nvio_readv(q, 1000, 9, rv, 4, 0), -EMSGSIZE);
	nvio_queue_destroy(q);

	/* Segments inside registered buffers: from 6.16 (quirk
	 * no-vec-fixed gone) they go as fixed buffers, before as plain
	 * ones; the data must be the same either way, and the kernel log
	 * clean (before 6.15 a vectored fixed command WARNs). */
	struct nvio_queue_opts ro = { .sz = sizeof(ro), .depth = 4,
				      .reg_bufs = 2, .reg_buf_size = 8 * lb,
				      .sqpoll_cpu = -1 };
	CHECK_RC(nvio_queue_create(dev, &ro, &q), 0);
	char *b0 = nvio_queue_buf(q, 0), *b1 = nvio_queue_buf(q, 1);
	printf("%s: registered buffers %s; vectored fixed buffers %s\n",
	       dt_name, (nvio_queue_flags(q) & NVIO_QF_REG_BUFS) ? "on" : "off",
	       nvio_quirk_applies(NVIO_QUIRK_NO_VEC_FIXED) ? "not used (before 6.16)"
							   : "used");
	CHECK(b0 && b1, "registered buffers");
	if (b0 && b1) {
		dt_fill(b0, 8 * lb);
		struct iovec fw[2] = { { b0 + 4 * lb, 4 * lb }, { b0, 4 * lb } };
		CHECK_RC(nvio_writev(q, 2000, 8, fw, 2, 0), 0);
		memset(b1, 0, 8 * lb);
		struct iovec fr[2] = { { b1, 2 * lb }, { b1 + 2 * lb, 6 * lb } };
		CHECK_RC(nvio_readv(q, 2000, 8, fr, 2, 0), 0);
		CHECK(!memcmp(b1, b0 + 4 * lb, 4 * lb) &&
			      !memcmp(b1 + 4 * lb, b0, 4 * lb),
		      "vectored I/O through registered buffers");
	}
	nvio_buf_free(expect);
	nvio_buf_free(got);
	nvio_buf_free(w);
	nvio_buf_free(r);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
