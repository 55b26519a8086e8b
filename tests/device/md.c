/* SPDX-License-Identifier: MIT */
/* Namespaces with metadata and protection information type 1: separate
 * metadata ($NVIO_MD_DEV) and extended LBAs ($NVIO_MDEXT_DEV). Data and
 * metadata written come back; PRACT moves data only; plain I/O that would
 * send no metadata buffer is refused before it reaches the device. */
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

int main(void)
{
	dt_name = "md";
	const char *sep = getenv("NVIO_MD_DEV"), *ext = getenv("NVIO_MDEXT_DEV");

	if ((!sep || !*sep) && (!ext || !*ext))
		dt_skip("no metadata namespace in this topology (NVIO_MD_DEV, NVIO_MDEXT_DEV)");
	dt_seed();
	if (sep && *sep)
		separate(sep);
	if (ext && *ext)
		extended(ext);
	return dt_done();
}
