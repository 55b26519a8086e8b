/* SPDX-License-Identifier: MIT */
/* Flush, write zeroes, deallocate, compare (equal and different) and
 * verify, each through both the synchronous and the asynchronous path. */
#include "devtest.h"

int main(void)
{
	dt_name = "cmds";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	uint32_t per = di->lba_size + (di->md_extended ? di->md_size : 0);
	struct nvio_queue *q = dt_queue(dev, 8, 0);
	size_t len = 16 * per;
	char *w = nvio_buf_alloc(len), *r = nvio_buf_alloc(len);
	struct nvio_cpl cpl[4];
	int rc;

	dt_seed();
	CHECK_RC(nvio_flush(q), 0);
	CHECK_RC(nvio_queue_flush(q, (void *)0x77), 0);
	/* on kernels where polling a data-less command is unsafe it ran
	 * synchronously already, and nothing is left to submit */
	CHECK_RC(nvio_queue_submit(q),
		 (nvio_queue_flags(q) & NVIO_QF_NODATA_SYNC) ? 0 : 1);
	printf("%s: queue flags %#x\n", dt_name, nvio_queue_flags(q));
	CHECK_RC(dt_reap(q, cpl, 4, 1), 1);
	CHECK(cpl[0].user == (void *)0x77 && cpl[0].res == 0, "async flush");

	/* write zeroes */
	if (di->oncs & NVIO_ONCS_WRITE_ZEROES) {
		dt_fill(w, len);
		CHECK_RC(nvio_write(q, 100, 16, w, len, 0), 0);
		CHECK_RC(nvio_write_zeroes(q, 100, 16, 0), 0);
		memset(r, 0xaa, len);
		CHECK_RC(nvio_read(q, 100, 16, r, len, 0), 0);
		bool zero = true;
		for (size_t i = 0; i < 16 * (size_t)di->lba_size; i++)
			zero &= r[i] == 0;
		CHECK(zero, "write zeroes reads back zeroes");
	} else {
		printf("%s: controller lacks write zeroes; not tested\n", dt_name);
	}

	/* deallocate */
	if (di->oncs & NVIO_ONCS_DSM) {
		struct nvio_dsm_range *rg = nvio_buf_alloc(2 * sizeof(*rg));
		rg[0] = (struct nvio_dsm_range){ 0, 8, 200 };
		rg[1] = (struct nvio_dsm_range){ 0, 8, 300 };
		CHECK_RC(nvio_dsm(q, rg, 2, NVIO_DSM_AD), 0);
		rg[1].slba = di->nsze; /* past the end: refused before sending */
		CHECK_RC(nvio_dsm(q, rg, 2, NVIO_DSM_AD), -ERANGE);
		nvio_buf_free(rg);
	}

	/* compare */
	if (di->oncs & NVIO_ONCS_COMPARE) {
		dt_fill(w, len);
		CHECK_RC(nvio_write(q, 400, 16, w, len, 0), 0);
		CHECK_RC(nvio_compare(q, 400, 16, w, len, 0), 0);
		w[len / 2] ^= 1;
		rc = nvio_compare(q, 400, 16, w, len, 0);
		CHECK(rc > 0 && nvio_status_sct(rc) == NVIO_SCT_MEDIA &&
			      nvio_status_sc(rc) == NVIO_SC_COMPARE_FAILED,
		      "compare mismatch: res %#x (%s)", rc, nvio_strerror(rc));
		CHECK(strstr(nvio_strerror(rc), "Compare Failure") != NULL,
		      "string '%s'", nvio_strerror(rc));
		/* async compare carries the same status */
		CHECK_RC(nvio_queue_compare(q, 400, 16, w, len, 0, NULL), 0);
		CHECK_RC(dt_reap(q, cpl, 1, 1), 1);
		CHECK(cpl[0].res == rc, "async compare res %#x", cpl[0].res);
	} else {
		printf("%s: controller lacks compare; not tested\n", dt_name);
	}

	/* verify */
	if (di->oncs & NVIO_ONCS_VERIFY) {
		CHECK_RC(nvio_verify(q, 400, 16, 0), 0);
		CHECK_RC(nvio_verify(q, di->nsze - 1, 1, 0), 0);
	} else {
		/* not advertised: whatever the device answers, nvio must
		 * report it as a status or success, never hang or crash */
		rc = nvio_verify(q, 400, 16, 0);
		CHECK(rc >= 0, "verify without ONCS bit: %d", rc);
		printf("%s: ONCS %#x lacks verify; device answered %#x (%s)\n",
		       dt_name, di->oncs, rc, nvio_strerror(rc));
	}
	/* the request: a write with FUA and a timeout of its own, read
	 * back through a vector; PI fields on a format without PI are
	 * refused before the device (also on the tcp topology) */
	{
		struct iovec iov[2] = { { r, 8 * (size_t)per },
					{ r + 8 * per, 8 * (size_t)per } };
		struct nvio_io wr = { .sz = sizeof(wr), .opcode = NVIO_OP_WRITE,
				      .slba = 900, .nlb = 16, .ctl = NVIO_IO_FUA,
				      .buf = w, .len = len, .timeout_ms = 20000 };
		struct nvio_io rd = { .sz = sizeof(rd), .opcode = NVIO_OP_READ,
				      .slba = 900, .nlb = 16, .iov = iov,
				      .iovcnt = 2 };

		dt_fill(w, len);
		memset(r, 0, len);
		if (!di->md_size || di->md_extended) {
			CHECK_RC(nvio_io(q, &wr, NULL), 0);
			CHECK_RC(nvio_io(q, &rd, NULL), 0);
			CHECK(!memcmp(w, r, len), "request write and vector read");
		}
		if (!di->pi_type) {
			wr.ctl = NVIO_IO_PRACT;
			CHECK_RC(nvio_io(q, &wr, NULL), -EINVAL);
			wr.ctl = 0;
			wr.reftag = 7;
			CHECK_RC(nvio_io(q, &wr, NULL), -EINVAL);
		}
		wr.reftag = 0;
		wr.nsid = di->nsid + 1;
		CHECK_RC(nvio_io(q, &wr, NULL), -EXDEV);
	}

	/* copy: two source ranges to one destination, through the
	 * request; the namespace's limits are checked first */
	if ((di->oncs & NVIO_ONCS_COPY) && !di->md_size) {
		struct nvio_copy_range *rg = nvio_buf_alloc(4096);
		struct nvio_io cp = { .sz = sizeof(cp), .opcode = NVIO_OP_COPY,
				      .slba = 700, .nlb = 2, .buf = rg,
				      .len = 2 * sizeof(*rg) };
		uint64_t res = ~0ull;

		printf("%s: copy limits: range %u, length %u, ranges %u\n",
		       dt_name, di->copy_max_range, di->copy_max_len,
		       di->copy_max_ranges);
		CHECK(di->copy_max_range && di->copy_max_len &&
			      di->copy_max_ranges, "copy limits from Identify");
		dt_fill(w, len);
		CHECK_RC(nvio_write(q, 500, 8, w, 8 * (size_t)per, 0), 0);
		CHECK_RC(nvio_write(q, 600, 8, w + 8 * per, 8 * (size_t)per, 0), 0);
		nvio_copy_range_set(&rg[0], 500, 8, 0, 0, 0);
		nvio_copy_range_set(&rg[1], 600, 8, 0, 0, 0);
		CHECK_RC(nvio_io(q, &cp, &res), 0);
		memset(r, 0, len);
		CHECK_RC(nvio_read(q, 700, 16, r, len, 0), 0);
		CHECK(!memcmp(w, r, len), "copied data at the destination");
		/* past MSSRL: refused, nothing sent (the destination keeps
		 * what the copy wrote) */
		if (di->copy_max_range < 65536) {
			nvio_copy_range_set(&rg[0], 0, di->copy_max_range + 1,
					    0, 0, 0);
			CHECK_RC(nvio_io(q, &cp, NULL), -E2BIG);
		}
		nvio_copy_range_set(&rg[0], di->nsze - 4, 8, 0, 0, 0);
		CHECK_RC(nvio_io(q, &cp, NULL), -ERANGE);
		CHECK_RC(nvio_read(q, 700, 16, r, len, 0), 0);
		CHECK(!memcmp(w, r, len), "refused copies changed nothing");
		nvio_buf_free(rg);
	} else {
		printf("%s: no copy here (ONCS %#x, md %u); not tested\n",
		       dt_name, di->oncs, di->md_size);
	}
	/* write uncorrectable: where ONCS lacks it, refused unsent */
	if (!(di->oncs & NVIO_ONCS_WRITE_UNCOR)) {
		struct nvio_io wu = { .sz = sizeof(wu),
				      .opcode = NVIO_OP_WRITE_UNCOR,
				      .slba = 800, .nlb = 1 };

		CHECK_RC(nvio_io(q, &wu, NULL), -EOPNOTSUPP);
	}

	CHECK(nvio_queue_inflight(q) == 0, "queue drained");
	nvio_buf_free(w);
	nvio_buf_free(r);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
