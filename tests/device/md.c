/* SPDX-License-Identifier: MIT */
/* Namespaces with metadata and protection information type 1: separate
 * metadata ($NVIO_MD_DEV) and extended LBAs ($NVIO_MDEXT_DEV). Data and
 * metadata written come back; PRACT moves data only; plain I/O that would
 * send no metadata buffer is refused before it reaches the device.
 * Protection information: what nvio_pi_generate() makes passes the
 * controller's checks (PRCHK), what the controller made (PRACT) passes
 * nvio_pi_verify(), and each field broken gets the controller's status;
 * with the 16-bit guard and, on $NVIO_MD64_DEV, the 64-bit guard's 16-byte
 * PI and its 48-bit reference tag. Those commands go as struct nvio_io
 * requests, synchronous and queued. */
#include "devtest.h"

static void separate(const char *path)
{
	struct nvio_dev *dev = dt_open_path(path);
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q = dt_queue(dev, 4, 0);
	uint32_t lb = di->lba_size, ms = di->md_size;
	char *w = nvio_buf_alloc(4 * lb), *r = nvio_buf_alloc(4 * lb);
	char *wm = nvio_buf_alloc(4 * ms), *rm = nvio_buf_alloc(4 * ms);
	struct nvio_cmd c;

	printf("%s: %s lba %u md %u ext %d pi %u\n", dt_name, path, lb, ms,
	       di->md_extended, di->pi_type);
	CHECK(ms == 8 && !di->md_extended && di->pi_type == 1,
	      "separate md format");
	CHECK_RC(nvio_write(q, 0, 4, w, 4 * lb, 0), -EOPNOTSUPP);
	/* data and metadata, no PI checking (PRINFO 0) */
	dt_fill(w, 4 * lb);
	dt_fill(wm, 4 * ms);
	nvio_cmd_write(&c, di->nsid, 10, 4, 0);
	CHECK_RC(nvio_passthru(q, &c, w, 4 * lb, wm, 4 * ms, NULL), 0);
	nvio_cmd_read(&c, di->nsid, 10, 4, 0);
	CHECK_RC(nvio_passthru(q, &c, r, 4 * lb, rm, 4 * ms, NULL), 0);
	CHECK(!memcmp(w, r, 4 * lb), "data");
	CHECK(!memcmp(wm, rm, 4 * ms), "metadata");
	/* PRACT: the controller generates and strips PI */
	dt_fill(w, 4 * lb);
	CHECK_RC(nvio_write(q, 20, 4, w, 4 * lb, NVIO_IO_PRACT), 0);
	memset(r, 0, 4 * lb);
	CHECK_RC(nvio_read(q, 20, 4, r, 4 * lb, NVIO_IO_PRACT), 0);
	CHECK(!memcmp(w, r, 4 * lb), "data with PRACT");
	nvio_buf_free(w); nvio_buf_free(r); nvio_buf_free(wm); nvio_buf_free(rm);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
}

static void extended(const char *path)
{
	struct nvio_dev *dev = dt_open_path(path);
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q = dt_queue(dev, 4, 0);
	uint32_t per = di->lba_size + di->md_size;
	char *w = nvio_buf_alloc(4 * per), *r = nvio_buf_alloc(4 * per);

	printf("%s: %s lba %u md %u ext %d pi %u\n", dt_name, path, di->lba_size,
	       di->md_size, di->md_extended, di->pi_type);
	CHECK(di->md_size == 8 && di->md_extended, "extended md format");
	CHECK_RC(nvio_write(q, 0, 4, w, 4 * di->lba_size, 0), -EMSGSIZE);
	dt_fill(w, 4 * per);
	CHECK_RC(nvio_write(q, 30, 4, w, 4 * per, 0), 0);
	CHECK_RC(nvio_read(q, 30, 4, r, 4 * per, 0), 0);
	CHECK(!memcmp(w, r, 4 * per), "interleaved data + metadata");
	dt_fill(w, 4 * per);
	CHECK_RC(nvio_write(q, 40, 4, w, 4 * di->lba_size, NVIO_IO_PRACT), 0);
	memset(r, 0, 4 * per);
	CHECK_RC(nvio_read(q, 40, 4, r, 4 * di->lba_size, NVIO_IO_PRACT), 0);
	CHECK(!memcmp(w, r, 4 * di->lba_size), "data with PRACT");
	/* a split transfer of extended LBAs keeps the interleave */
	uint64_t n = (uint64_t)di->max_nlb * 2 + 3;
	char *bw = nvio_buf_alloc(n * per), *br = nvio_buf_alloc(n * per);
	dt_fill(bw, n * per);
	CHECK_RC(nvio_write(q, 100, n, bw, n * per, 0), 0);
	CHECK_RC(nvio_read(q, 100, n, br, n * per, 0), 0);
	CHECK(!memcmp(bw, br, n * per), "split extended transfer");
	nvio_buf_free(bw); nvio_buf_free(br);
	nvio_buf_free(w); nvio_buf_free(r);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
}

/* A 4-LBA read or write through the request, with its PI fields. */
static int pi_io(struct nvio_queue *q, uint8_t op, uint64_t slba, void *d,
		 uint32_t dlen, void *m, uint32_t mlen, unsigned ctl,
		 uint64_t reftag, uint16_t at, uint16_t mask)
{
	struct nvio_io io = { .sz = sizeof(io), .opcode = op, .slba = slba,
			      .nlb = 4, .ctl = ctl, .buf = d, .len = dlen,
			      .md = m, .md_len = mlen, .reftag = reftag,
			      .apptag = at, .appmask = mask };

	return nvio_io(q, &io, NULL);
}

static void pi(const char *path, uint8_t guard)
{
	struct nvio_dev *dev = dt_open_path(path);
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q = dt_queue(dev, 4, 0);
	bool ext = di->md_extended;
	uint32_t lb = di->lba_size, ms = di->md_size, per = lb + (ext ? ms : 0);
	uint32_t dlen = 4 * per, mlen = ext ? 0 : 4 * ms;
	struct nvio_pi_format f = { .sz = sizeof(f), .lba_size = lb, .md_size = ms,
				    .type = di->pi_type, .guard_bits = di->pi_guard_bits,
				    .pi_first = di->pi_first, .extended = ext };
	char *d = nvio_buf_alloc(dlen), *r = nvio_buf_alloc(dlen);
	char *m = ext ? NULL : nvio_buf_alloc(mlen), *rm = ext ? NULL : nvio_buf_alloc(mlen);
	unsigned chk = NVIO_IO_PRINFO(NVIO_PRCHK_GUARD | NVIO_PRCHK_APP | NVIO_PRCHK_REF);
	uint64_t s = 200, bad = 0;
	/* Type 2 checks the command's initial reference tag, any value: with
	 * the 64-bit guard one above 32 bits shows that its upper bits reach
	 * the controller (CDW3) */
	uint64_t ref = di->pi_type == 1 ? s : guard == 64 ? 0xabcd00000000ull + s
							   : 0x5a000000u + s;
	int rc;

	printf("%s: %s: PI type %u, %u-bit guard, %u-byte PI %s, sts %u\n",
	       dt_name, path, di->pi_type, di->pi_guard_bits, di->pi_size,
	       di->pi_first ? "first" : "last", di->pi_sts);
	CHECK(di->pi_guard_bits == guard && di->pi_size == (guard == 16 ? 8 : 16),
	      "%s: guard %u bits, PI %u bytes; the topology has a %u-bit guard",
	      path, di->pi_guard_bits, di->pi_size, guard);
	CHECK(di->pi_type == 1 || di->pi_type == 2, "%s: PI type %u", path, di->pi_type);
	/* PI made here: the controller checks it on the write and the read */
	dt_fill(d, dlen);
	CHECK_RC(nvio_pi_generate(&f, d, m, s, 4, ref, 0x1234), 0);
	CHECK_RC(pi_io(q, NVIO_OP_WRITE, s, d, dlen, m, mlen, chk, ref, 0x1234, 0xffff), 0);
	CHECK_RC(pi_io(q, NVIO_OP_READ, s, r, dlen, rm, mlen, chk, ref, 0x1234, 0xffff), 0);
	CHECK(!memcmp(d, r, dlen) && (ext || !memcmp(m, rm, mlen)), "%s: data and PI back", path);
	CHECK_RC(nvio_pi_verify(&f, r, rm, s, 4, ref, 0x1234, 0xffff, 7, &bad), 0);
	/* a data byte changed after the PI was made: guard */
	d[per + 17] ^= 0x40;
	rc = pi_io(q, NVIO_OP_WRITE, s, d, dlen, m, mlen, chk, ref, 0x1234, 0xffff);
	CHECK((rc & 0x7ff) == 0x282, "%s: corrupt guard: %#x (%s), want 0x282", path, rc, nvio_strerror(rc));
	printf("%s: %s: corrupt guard: %s\n", dt_name, path, nvio_strerror(rc));
	CHECK_RC(nvio_pi_verify(&f, d, m, s, 4, ref, 0x1234, 0xffff, 7, &bad), 0x282);
	CHECK(bad == s + 1, "%s: the LBA nvio_pi_verify names: %llu", path, (unsigned long long)bad);
	d[per + 17] ^= 0x40;
	/* PI made for other LBAs: reference tag */
	CHECK_RC(nvio_pi_generate(&f, d, m, s + 1, 4, ref + 1, 0x1234), 0);
	rc = pi_io(q, NVIO_OP_WRITE, s, d, dlen, m, mlen, chk, ref, 0x1234, 0xffff);
	CHECK((rc & 0x7ff) == 0x284, "%s: wrong reference tag: %#x (%s), want 0x284", path, rc, nvio_strerror(rc));
	printf("%s: %s: wrong reference tag: %s\n", dt_name, path, nvio_strerror(rc));
	/* another application tag than the command expects */
	CHECK_RC(nvio_pi_generate(&f, d, m, s, 4, ref, 0x1234), 0);
	rc = pi_io(q, NVIO_OP_WRITE, s, d, dlen, m, mlen, chk, ref, 0x4321, 0xffff);
	CHECK((rc & 0x7ff) == 0x283, "%s: wrong application tag: %#x (%s), want 0x283", path, rc, nvio_strerror(rc));
	/* ... unless the mask leaves those bits out */
	CHECK_RC(pi_io(q, NVIO_OP_WRITE, s, d, dlen, m, mlen, chk, ref, 0x1200, 0xff00), 0);
	/* PI the controller made (PRACT, only data moves when the metadata
	 * is the PI alone) passes nvio_pi_verify */
	dt_fill(d, 4 * lb);
	CHECK_RC(pi_io(q, NVIO_OP_WRITE, s + 8, d, 4 * lb, NULL, 0,
		       NVIO_IO_PRACT | chk, ref + 8, 0x5678, 0xffff), 0);
	memset(r, 0, dlen);
	CHECK_RC(pi_io(q, NVIO_OP_READ, s + 8, r, dlen, rm, mlen, 0, 0, 0, 0), 0);
	rc = nvio_pi_verify(&f, r, rm, s + 8, 4, ref + 8, 0x5678, 0xffff, 7, &bad);
	CHECK(rc == 0, "%s: the controller's own PI fails nvio_pi_verify: %#x at LBA %llu",
	      path, rc, (unsigned long long)bad);
	/* Refused before the device: a metadata buffer of the wrong size, a
	 * reference tag wider than the format's, PRACT with a buffer the
	 * controller would not move. The LBAs keep what PRACT wrote. */
	memset(r, 0, dlen);
	if (!ext) {
		CHECK_RC(pi_io(q, NVIO_OP_WRITE, s + 8, r, dlen, m, mlen - 4, 0, 0, 0, 0), -EMSGSIZE);
		CHECK_RC(pi_io(q, NVIO_OP_WRITE, s + 8, r, 4 * lb, m, mlen,
			       NVIO_IO_PRACT, ref + 8, 0, 0), -EINVAL);
	}
	CHECK_RC(pi_io(q, NVIO_OP_WRITE, s + 8, r, dlen, m, mlen, chk,
		       guard == 16 ? 1ull << 32 : 1ull << 48, 0, 0), -EINVAL);
	CHECK_RC(pi_io(q, NVIO_OP_READ, s + 8, r, 4 * lb, NULL, 0, NVIO_IO_PRACT | chk,
		       ref + 8, 0x5678, 0xffff), 0);
	CHECK(!memcmp(d, r, 4 * lb), "%s: a refused write changed the LBAs", path);
	nvio_buf_free(d); nvio_buf_free(r); nvio_buf_free(m); nvio_buf_free(rm);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
}

/* The asynchronous request with separate metadata: a queue of writes
 * and reads, each with its own metadata buffer, in flight together. */
static void async_md(const char *path)
{
	struct nvio_dev *dev = dt_open_path(path);
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q = dt_queue(dev, 8, 0);
	uint32_t lb = di->lba_size, ms = di->md_size;
	char *w = nvio_buf_alloc(8 * lb), *r = nvio_buf_alloc(8 * lb);
	char *wm = nvio_buf_alloc(8 * ms), *rm = nvio_buf_alloc(8 * ms);
	struct nvio_cpl cpl[8];
	unsigned got = 0;

	dt_fill(w, 8 * lb);
	dt_fill(wm, 8 * ms);
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < 8; i++) {
			struct nvio_io io = {
				.sz = sizeof(io),
				.opcode = pass ? NVIO_OP_READ : NVIO_OP_WRITE,
				.slba = 300 + 3 * i, .nlb = 1,
				.buf = (pass ? r : w) + i * lb, .len = lb,
				.md = (pass ? rm : wm) + i * ms, .md_len = ms,
				.user = (void *)(uintptr_t)(i + 1),
			};
			CHECK_RC(nvio_queue_io(q, &io), 0);
		}
		for (got = 0; got < 8;) {
			int n = dt_reap(q, cpl, 8, 1);

			CHECK(n > 0, "%s: reap: %s", path, nvio_strerror(n));
			if (n <= 0)
				break;
			for (int k = 0; k < n; k++)
				CHECK_RC(cpl[k].res, 0);
			got += (unsigned)n;
		}
	}
	CHECK(!memcmp(w, r, 8 * lb) && !memcmp(wm, rm, 8 * ms),
	      "%s: 8 queued requests' data and metadata back", path);
	nvio_buf_free(w); nvio_buf_free(r); nvio_buf_free(wm); nvio_buf_free(rm);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
}

int main(void)
{
	dt_name = "md";
	const char *sep = getenv("NVIO_MD_DEV"), *ext = getenv("NVIO_MDEXT_DEV");
	const char *pi64 = getenv("NVIO_MD64_DEV");

	if ((!sep || !*sep) && (!ext || !*ext))
		dt_skip("no metadata namespace in this topology (NVIO_MD_DEV, NVIO_MDEXT_DEV)");
	dt_seed();
	if (sep && *sep) {
		separate(sep);
		pi(sep, 16);
		async_md(sep);
	}
	if (ext && *ext) {
		extended(ext);
		pi(ext, 16);
	}
	/* 16 bytes of separate metadata: the 64-bit guard's PI, type 2
	 * (QEMU's pif=2, where the QEMU in use has it) */
	if (pi64 && *pi64) {
		pi(pi64, 64);
		async_md(pi64);
	}
	return dt_done();
}
