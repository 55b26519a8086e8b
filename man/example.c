/* SPDX-License-Identifier: MIT */
/*
 * example.c - the example of libnvio(3): read the first LBAs of a
 * namespace with one batch of asynchronous commands and print how
 * each one ended.
 *
 *   cc example.c $(pkg-config --cflags --libs libnvio)
 *   ./a.out /dev/ng0n1
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <nvio.h>

#define BATCH 8 /* commands in the batch */
#define NLB 8   /* LBAs per command */

struct req {
	uint64_t slba;
	void *buf;
};

int main(int argc, char **argv)
{
	struct nvio_queue_opts qo = { .sz = sizeof(qo), .depth = BATCH };
	const struct nvio_dev_info *info;
	struct nvio_cpl cpl[BATCH];
	struct req req[BATCH] = { { 0 } };
	struct nvio_queue *q = NULL;
	struct nvio_dev *dev;
	uint32_t nlb, bytes_per_lba;
	unsigned flags;
	int rc, n, i, failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s /dev/ngXnY\n", argv[0]);
		return 2;
	}
	rc = nvio_dev_open(argv[1], NULL, &dev);
	if (rc) {
		fprintf(stderr, "%s: %s\n", argv[1], nvio_strerror(rc));
		return 1;
	}
	info = nvio_dev_info(dev);
	printf("%s: nsid %" PRIu32 ", %" PRIu64 " LBAs of %" PRIu32
	       " bytes, model \"%s\"\n", info->generic_path, info->nsid,
	       info->nsze, info->lba_size, info->model);

	rc = nvio_queue_create(dev, &qo, &q);
	if (rc) {
		fprintf(stderr, "queue: %s\n", nvio_strerror(rc));
		failed = 1;
		goto out;
	}
	flags = nvio_queue_flags(q);
	if (flags & NVIO_QF_POLLED)
		printf("completions: polled\n");
	else if (flags & NVIO_QF_IRQ_FALLBACK)
		printf("completions: interrupts (no poll queues)\n");
	else
		printf("completions: interrupts\n");

	/* Extended LBA formats carry metadata inside the data buffer. */
	bytes_per_lba = info->lba_size;
	if (info->md_extended)
		bytes_per_lba += info->md_size;
	nlb = NLB < info->max_nlb ? NLB : info->max_nlb;

	/* Queue the batch: no system call yet. A command the library
	 * refuses (-ERANGE on a tiny namespace) is simply not queued. */
	for (i = 0; i < BATCH; i++) {
		req[i].slba = (uint64_t)i * nlb;
		req[i].buf = nvio_buf_alloc((size_t)nlb * bytes_per_lba);
		if (!req[i].buf) {
			fprintf(stderr, "out of memory\n");
			failed = 1;
			break;
		}
		rc = nvio_queue_read(q, req[i].slba, nlb, req[i].buf,
				     (size_t)nlb * bytes_per_lba, 0, &req[i]);
		if (rc) {
			printf("LBA %" PRIu64 ": not queued: %s\n", req[i].slba,
			       nvio_strerror(rc));
			failed = 1;
		}
	}

	/* One io_uring_enter(2) hands the whole batch to the kernel. */
	rc = nvio_queue_submit(q);
	if (rc < 0) {
		fprintf(stderr, "submit: %s\n", nvio_strerror(rc));
		failed = 1;
	}

	/* Reap until nothing is left, waiting for one at least. */
	while (nvio_queue_inflight(q)) {
		n = nvio_queue_reap(q, cpl, BATCH, 1);
		if (n == -EINTR)
			continue; /* a signal; a real program checks its flag */
		if (n < 0) {
			fprintf(stderr, "reap: %s\n", nvio_strerror(n));
			failed = 1;
			break;
		}
		for (i = 0; i < n; i++) {
			const struct req *r = cpl[i].user;
			int res = cpl[i].res;

			printf("LBA %" PRIu64 "+%" PRIu32 ": %s", r->slba, nlb,
			       nvio_strerror(res));
			if (nvio_res_is_nvme(res))
				printf(" (SCT %#x, SC %#04x%s)",
				       nvio_status_sct(res), nvio_status_sc(res),
				       nvio_status_dnr(res) ? ", do not retry"
							    : "");
			printf("\n");
			if (res)
				failed = 1;
		}
	}

out:
	/* Free the buffers only once the queue is gone: destroying it
	 * waits for commands still in flight, and fails if it cannot. */
	if (nvio_queue_destroy(q) == 0) {
		for (i = 0; i < BATCH; i++)
			nvio_buf_free(req[i].buf);
	} else {
		failed = 1;
	}
	nvio_dev_close(dev);
	return failed;
}
