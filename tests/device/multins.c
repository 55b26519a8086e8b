/* SPDX-License-Identifier: MIT */
/* One queue for several namespaces (multi topology): the queue of the
 * first namespace of controller A gets its second namespace with
 * nvio_queue_add_ns(); writes to both, queued together, land each on its
 * own namespace (checked through a queue of that namespace alone);
 * commands without data (write zeroes, which 6.1 runs by ioctl on polled
 * queues) reach the right one too; another controller's namespace and an
 * unknown nsid are refused. Polled and interrupt queues. */
#include "devtest.h"

#define N 8 /* LBAs per namespace */

static int io(struct nvio_queue *q, uint8_t op, uint32_t nsid, uint64_t slba,
	      void *buf, uint32_t len, void *user)
{
	struct nvio_io r = { .sz = sizeof(r), .opcode = op, .nsid = nsid,
			     .slba = slba, .nlb = 1, .buf = buf, .len = len,
			     .user = user };

	return nvio_queue_io(q, &r);
}

static int reap_all(struct nvio_queue *q, unsigned n)
{
	struct nvio_cpl cpl[2 * N];
	unsigned got = 0;
	int bad = 0;

	while (got < n) {
		int k = dt_reap(q, cpl, 2 * N, 1);

		if (k < 0) {
			CHECK(0, "reap: %s", nvio_strerror(k));
			return -1;
		}
		for (int i = 0; i < k; i++)
			bad += cpl[i].res != 0;
		got += (unsigned)k;
	}
	CHECK(bad == 0, "%d of %u commands failed", bad, n);
	return bad;
}

static void run(const char *p1, const char *p2, const char *other,
		uint32_t qflags)
{
	struct nvio_dev *d1 = dt_open_path(p1), *d2 = dt_open_path(p2);
	const struct nvio_dev_info *i1 = nvio_dev_info(d1);
	uint32_t ns1 = i1->nsid, ns2 = nvio_dev_info(d2)->nsid;
	uint32_t lb = i1->lba_size;
	struct nvio_queue *q = dt_queue(d1, 2 * N, qflags), *q2;
	char *w1 = nvio_buf_alloc(N * lb), *w2 = nvio_buf_alloc(N * lb);
	char *r = nvio_buf_alloc(2 * N * lb);
	uint64_t s = 500 + 16 * (qflags != 0);

	printf("%s: queue of %s (nsid %u, %s%s) + %s (nsid %u)\n", dt_name, p1,
	       ns1, nvio_queue_flags(q) & NVIO_QF_POLLED ? "polled" : "irq",
	       nvio_queue_flags(q) & NVIO_QF_NODATA_SYNC ? ", no-data by ioctl" : "",
	       p2, ns2);
	CHECK_RC(nvio_queue_add_ns(q, d2), 0);
	CHECK_RC(nvio_queue_add_ns(q, d2), -EEXIST);
	if (other && *other) {
		struct nvio_dev *d3 = dt_open_path(other);

		CHECK_RC(nvio_queue_add_ns(q, d3), -EXDEV);
		nvio_dev_close(d3);
	}
	/* the queue holds its own reference on the namespace it got */
	nvio_dev_close(d2);

	dt_fill(w1, N * lb);
	dt_fill(w2, N * lb);
	for (unsigned i = 0; i < N; i++) {
		CHECK_RC(io(q, NVIO_OP_WRITE, ns1, s + i, w1 + i * lb, lb, NULL), 0);
		CHECK_RC(io(q, NVIO_OP_WRITE, ns2, s + i, w2 + i * lb, lb, NULL), 0);
	}
	CHECK_RC(io(q, NVIO_OP_WRITE, 4000, s, w1, lb, NULL), -EXDEV);
	reap_all(q, 2 * N);
	memset(r, 0, 2 * N * lb);
	for (unsigned i = 0; i < N; i++) {
		CHECK_RC(io(q, NVIO_OP_READ, ns2, s + i, r + (N + i) * lb, lb, NULL), 0);
		CHECK_RC(io(q, NVIO_OP_READ, 0, s + i, r + i * lb, lb, NULL), 0);
	}
	reap_all(q, 2 * N);
	CHECK(!memcmp(r, w1, N * lb), "nsid %u reads back its own data", ns1);
	CHECK(!memcmp(r + N * lb, w2, N * lb), "nsid %u reads back its own data", ns2);

	/* through a queue of the second namespace alone: the data is there */
	d2 = dt_open_path(p2);
	q2 = dt_queue(d2, 4, NVIO_QUEUE_IRQ);
	CHECK_RC(nvio_read(q2, s, N, r, N * lb, 0), 0);
	CHECK(!memcmp(r, w2, N * lb), "%s holds what the shared queue wrote", p2);

	/* write zeroes (no data) to the second namespace only */
	struct nvio_io z = { .sz = sizeof(z), .opcode = NVIO_OP_WRITE_ZEROES,
			     .nsid = ns2, .slba = s, .nlb = N };
	CHECK_RC(nvio_io(q, &z, NULL), 0);
	CHECK_RC(nvio_read(q2, s, N, r, N * lb, 0), 0);
	bool zero = true;
	for (size_t i = 0; i < (size_t)N * lb; i++)
		zero &= r[i] == 0;
	CHECK(zero, "write zeroes reached nsid %u", ns2);
	CHECK_RC(nvio_read(q, s, N, r, N * lb, 0), 0);
	CHECK(!memcmp(r, w1, N * lb), "write zeroes left nsid %u alone", ns1);
	/* raw passthrough goes by the command's nsid too */
	struct nvio_cmd c;
	nvio_cmd_read(&c, ns2, s, 1, 0);
	CHECK_RC(nvio_passthru(q, &c, r, lb, NULL, 0, NULL), 0);
	CHECK(r[0] == 0 && r[lb - 1] == 0, "passthrough read of nsid %u", ns2);

	nvio_queue_destroy(q2);
	nvio_dev_close(d2);
	CHECK_RC(nvio_queue_destroy(q), 0);
	nvio_dev_close(d1);
	nvio_buf_free(w1); nvio_buf_free(w2); nvio_buf_free(r);
}

int main(void)
{
	char p1[64] = "", p2[64] = "";
	const char *devs = getenv("NVIO_DEVS"), *other = getenv("NVIO_CTRL2_DEV");

	dt_name = "multins";
	/* the first two of NVIO_DEVS: nsid 1 and 2 of controller A */
	if (!devs || sscanf(devs, "%63s %63s", p1, p2) != 2)
		dt_skip("needs two namespaces of one controller (multi topology)");
	dt_seed();
	run(p1, p2, other, 0);
	run(p1, p2, other, NVIO_QUEUE_IRQ);
	/* Where the default is irq although poll queues exist (6.1), a
	 * polled queue runs commands without data by ioctl: on the added
	 * namespace's own fd */
	if (!nvio_kernel_polls_safely()) {
		struct nvio_dev *d = dt_open_path(p1);
		bool pq = nvio_dev_info(d)->poll_queues;

		nvio_dev_close(d);
		if (pq)
			run(p1, p2, other, NVIO_QUEUE_POLL);
	}
	return dt_done();
}
