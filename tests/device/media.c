/* SPDX-License-Identifier: MIT */
/*
 * Media errors injected by QEMU's blkdebug on the slow topology's nsid 3
 * ($NVIO_FAULTY_DEV): reads of LBA 2048 fail with Unrecovered Read Error,
 * writes of LBA 4096 with Write Fault, every time. Through the public API,
 * on interrupt queues and, where the kernel polls safely, polled ones: the
 * failing command completes once with that NVMe status (SCT media, not
 * folded into errno), the commands around it succeed, and the queue goes
 * on working; the synchronous helpers return the status too.
 */
#include "devtest.h" /* first: it defines _GNU_SOURCE */

#define BAD_READ 2048u
#define BAD_WRITE 4096u

static void media(struct nvio_dev *dev, uint32_t flags, const char *kind)
{
	struct nvio_queue_opts o = { .sz = sizeof(o), .flags = flags,
				     .depth = 8, .sqpoll_cpu = -1,
				     .timeout_ms = 10000 };
	uint32_t lba = nvio_dev_info(dev)->lba_size;
	struct nvio_queue *q;
	struct nvio_cpl c[8];
	void *buf[5];
	unsigned got = 0, ok = 0, bad = 0;
	int rc = nvio_queue_create(dev, &o, &q), bad_res = 0;

	if (rc)
		dt_fatal("%s queue: %s", kind, nvio_strerror(rc));
	/* LBAs 2046..2050: the middle one fails */
	for (uintptr_t i = 0; i < 5; i++) {
		buf[i] = nvio_buf_alloc(4096);
		CHECK_RC(nvio_queue_read(q, BAD_READ - 2 + i, 1, buf[i], lba, 0,
					 (void *)(BAD_READ - 2 + i)), 0);
	}
	while (got < 5) {
		int n = dt_reap(q, c, 8, 1);

		CHECK(n > 0, "%s: reap %d (%s)", kind, n, nvio_strerror(n));
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			uintptr_t l = (uintptr_t)c[i].user;

			if (l == BAD_READ) {
				bad++;
				bad_res = c[i].res;
			} else {
				CHECK(c[i].res == 0, "%s: read of LBA %zu: %s", kind,
				      (size_t)l, nvio_strerror(c[i].res));
				ok += c[i].res == 0;
			}
		}
		got += (unsigned)n;
	}
	CHECK(bad == 1 && ok == 4, "%s: %u bad, %u ok of 5", kind, bad, ok);
	CHECK(nvio_res_is_nvme(bad_res) &&
		      nvio_status_sct(bad_res) == NVIO_SCT_MEDIA &&
		      nvio_status_sc(bad_res) == 0x81,
	      "%s: read of LBA %u: %d (%s), want Unrecovered Read Error", kind,
	      BAD_READ, bad_res, nvio_strerror(bad_res));
	printf("%s: read of LBA %u: status 0x%x (%s), the 4 around it ok\n",
	       kind, BAD_READ, (unsigned)bad_res, nvio_strerror(bad_res));
	/* synchronous: a read spanning the bad LBA, and a write onto the
	 * bad one; the queue goes on working */
	rc = nvio_read(q, BAD_READ - 1, 2, buf[0], 2 * (size_t)lba, 0);
	CHECK(rc > 0 && nvio_status_sc(rc) == 0x81, "%s: nvio_read: %d (%s)",
	      kind, rc, nvio_strerror(rc));
	rc = nvio_write(q, BAD_WRITE, 1, buf[0], lba, 0);
	CHECK(rc > 0 && nvio_status_sct(rc) == NVIO_SCT_MEDIA &&
		      nvio_status_sc(rc) == 0x80,
	      "%s: nvio_write of LBA %u: %d (%s), want Write Fault", kind,
	      BAD_WRITE, rc, nvio_strerror(rc));
	printf("%s: write of LBA %u: status 0x%x (%s)\n", kind, BAD_WRITE,
	       (unsigned)rc, nvio_strerror(rc));
	CHECK_RC(nvio_write(q, BAD_WRITE + 1, 1, buf[0], lba, 0), 0);
	CHECK_RC(nvio_read(q, 0, 1, buf[0], lba, 0), 0);
	CHECK(nvio_queue_inflight(q) == 0, "%s: in flight", kind);
	CHECK_RC(nvio_queue_destroy(q), 0);
	for (int i = 0; i < 5; i++)
		nvio_buf_free(buf[i]);
}

int main(void)
{
	const char *path = getenv("NVIO_FAULTY_DEV");
	struct nvio_dev *dev;
	int rc;

	dt_name = "media";
	if (!path)
		dt_skip("needs the slow topology ($NVIO_FAULTY_DEV)");
	rc = nvio_dev_open(path, NULL, &dev);
	if (rc)
		dt_fatal("open %s: %s", path, nvio_strerror(rc));
	media(dev, NVIO_QUEUE_IRQ, "irq");
	/* polled error completions: where polling is safe (6.1's polled
	 * error path is one of the crashes quirk poll-unsafe avoids) */
	if (nvio_dev_info(dev)->poll_queues && nvio_kernel_polls_safely())
		media(dev, NVIO_QUEUE_POLL, "poll");
	else
		printf("poll: not run: polled queues are not safe or not "
		       "there on this kernel\n");
	nvio_dev_close(dev);
	return dt_done();
}
