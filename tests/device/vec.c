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
	CHECK_RC(nvio_queue_reap(q, &cpl, 1, 1), 1);
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
	nvio_buf_free(expect);
	nvio_buf_free(got);
	nvio_buf_free(w);
	nvio_buf_free(r);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
