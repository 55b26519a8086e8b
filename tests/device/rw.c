/* SPDX-License-Identifier: MIT */
/* Write random data at random LBAs (the first and last included), read it
 * back through nvio and through the block device with O_DIRECT; transfers
 * larger than the maximum transfer size are split and still land whole. */
#include "devtest.h"

static int block_read(const char *blk, uint64_t off, void *buf, size_t len)
{
	char p[64];
	int fd;
	ssize_t n;

	snprintf(p, sizeof(p), "/dev/%s", blk);
	fd = open(p, O_RDONLY | O_DIRECT);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)off);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

int main(void)
{
	dt_name = "rw";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	uint32_t per = di->lba_size + (di->md_extended ? di->md_size : 0);
	struct nvio_queue *q = dt_queue(dev, 16, 0);
	uint64_t big_nlb = (uint64_t)di->max_nlb * 3 + 5; /* 4 chunks */
	size_t big = big_nlb * per;
	char *w = nvio_buf_alloc(big), *r = nvio_buf_alloc(big);
	bool blk = !di->md_size && access("/dev/", F_OK) == 0;
	int rc;

	dt_seed();
	if (big_nlb > di->nsze / 2)
		dt_skip("namespace too small for a split transfer");
	printf("%s: queue flags %#x\n", dt_name, nvio_queue_flags(q));
	for (int i = 0; i < 40; i++) {
		uint64_t nlb = 1 + dt_rand() % 64;
		uint64_t slba = dt_rand() % (di->nsze - nlb + 1);

		if (i == 0)
			slba = 0;
		if (i == 1)
			slba = di->nsze - nlb; /* ends on the last LBA */
		if (i == 2) {
			nlb = 1;
			slba = di->nsze - 1;
		}
		dt_fill(w, nlb * per);
		memset(r, 0xee, nlb * per);
		rc = nvio_write(q, slba, nlb, w, nlb * per, 0);
		CHECK_RC(rc, 0);
		rc = nvio_read(q, slba, nlb, r, nlb * per, 0);
		CHECK_RC(rc, 0);
		CHECK(!memcmp(w, r, nlb * per), "data at %" PRIu64 "+%" PRIu64,
		      slba, nlb);
		if (blk && i % 4 == 0) {
			memset(r, 0xee, nlb * per);
			rc = block_read(di->block_name, slba * di->lba_size, r,
					nlb * per);
			CHECK_RC(rc, 0);
			CHECK(!memcmp(w, r, nlb * per),
			      "block device sees %" PRIu64 "+%" PRIu64, slba, nlb);
		}
	}
	/* beyond the maximum transfer: split by the library */
	dt_fill(w, big);
	CHECK_RC(nvio_write(q, 7, big_nlb, w, big, NVIO_IO_FUA), 0);
	memset(r, 0, big);
	CHECK_RC(nvio_read(q, 7, big_nlb, r, big, 0), 0);
	CHECK(!memcmp(w, r, big), "split transfer of %zu bytes", big);
	if (blk) {
		memset(r, 0, big);
		CHECK_RC(block_read(di->block_name, 7ull * di->lba_size, r, big), 0);
		CHECK(!memcmp(w, r, big), "split transfer seen by block device");
	}
	/* the async path refuses what the sync path splits */
	CHECK_RC(nvio_queue_read(q, 0, di->max_nlb + 1, r,
				 (size_t)(di->max_nlb + 1) * per, 0, NULL),
		 -E2BIG);
	/* checks before the device: nothing in flight afterwards */
	CHECK_RC(nvio_read(q, di->nsze, 1, r, per, 0), -ERANGE);
	CHECK_RC(nvio_read(q, 0, 2, r, per, 0), -EMSGSIZE);
	CHECK_RC(nvio_read(q, 0, 1, r + 1, per, 0), -EINVAL);
	CHECK(nvio_queue_inflight(q) == 0, "inflight %u", nvio_queue_inflight(q));
	nvio_buf_free(w);
	nvio_buf_free(r);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
