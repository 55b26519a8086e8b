/* SPDX-License-Identifier: MIT */
/*
 * Lifetimes against the real driver:
 *  - a device closed under a live queue stays open for it: the queue
 *    reads, its nvio_queue_dev() sends admin commands, and destroying it
 *    closes the device (ASan and valgrind runs of this test see any use
 *    after free or leak);
 *  - destroying a queue with 32 reads in flight waits for them: the
 *    buffers freed right after are not written by the device (the test
 *    refills them and checks nothing changed);
 *  - admin calls from 4 threads at once each get their own command's
 *    data: Identify Controller and Identify Namespace alternate, and each
 *    answer is checked against what that command returns alone;
 *  - a synchronous helper that fails leaves the queue idle.
 */
#include "devtest.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

#define QD 32

static struct nvio_dev *g_dev;
static uint8_t g_ctrl[4096], g_ns[4096];
static int g_bad;

static void *admin_loop(void *arg)
{
	uint8_t *b = nvio_buf_alloc(4096);
	unsigned id = (unsigned)(uintptr_t)arg;

	for (unsigned i = 0; i < 40 && b; i++) {
		bool ctrl = (i + id) & 1;
		int rc = ctrl ? nvio_identify_ctrl(g_dev, b)
			      : nvio_identify_ns(g_dev, nvio_dev_info(g_dev)->nsid,
						 b);

		if (rc || memcmp(b, ctrl ? g_ctrl : g_ns, 4096))
			__atomic_add_fetch(&g_bad, 1, __ATOMIC_RELAXED);
	}
	nvio_buf_free(b);
	return NULL;
}

static void concurrent_admin(struct nvio_dev *dev)
{
	pthread_t t[4];

	if (!nvio_dev_info(dev)->admin) {
		printf("no admin access: concurrent admin calls not tested\n");
		return;
	}
	g_dev = dev;
	CHECK_RC(nvio_identify_ctrl(dev, g_ctrl), 0);
	CHECK_RC(nvio_identify_ns(dev, nvio_dev_info(dev)->nsid, g_ns), 0);
	CHECK(memcmp(g_ctrl, g_ns, 4096) != 0, "the two answers differ");
	for (uintptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, admin_loop, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	CHECK(g_bad == 0, "%d of 160 concurrent admin calls failed or got "
	      "another command's data", g_bad);
}

static void close_under_queue(void)
{
	struct nvio_dev *dev = dt_open();
	uint32_t lba = nvio_dev_info(dev)->lba_size;
	struct nvio_queue *q;
	void *buf = nvio_buf_alloc(4096);
	int rc = nvio_queue_create(dev, NULL, &q);

	if (rc)
		dt_fatal("queue: %s", nvio_strerror(rc));
	nvio_dev_close(dev); /* the caller's handle only */
	CHECK_RC(nvio_read(q, 0, 1, buf, lba, 0), 0);
	CHECK(nvio_queue_dev(q) == dev, "the queue keeps its device");
	if (nvio_dev_info(nvio_queue_dev(q))->admin)
		CHECK_RC(nvio_identify_ctrl(nvio_queue_dev(q), g_ctrl), 0);
	CHECK_RC(nvio_queue_destroy(q), 0); /* closes the device */
	nvio_buf_free(buf);
}

static void destroy_in_flight(struct nvio_dev *dev)
{
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	uint32_t lba = di->lba_size;
	struct nvio_queue *q;
	void *buf[QD];
	int rc = nvio_queue_create(dev, NULL, &q);

	if (rc)
		dt_fatal("queue: %s", nvio_strerror(rc));
	for (unsigned i = 0; i < QD; i++) {
		buf[i] = nvio_buf_alloc(4096);
		CHECK_RC(nvio_queue_read(q, (uint64_t)i * 8 % di->nsze, 1,
					 buf[i], lba, 0, NULL), 0);
	}
	CHECK_RC(nvio_queue_submit(q), QD);
	CHECK_RC(nvio_queue_destroy(q), 0);
	/* Every read is done: what is written into the buffers now stays. */
	for (unsigned i = 0; i < QD; i++)
		memset(buf[i], 0x5a, lba);
	usleep(100000);
	for (unsigned i = 0; i < QD; i++) {
		const uint8_t *p = buf[i];
		uint32_t j = 0;

		while (j < lba && p[j] == 0x5a)
			j++;
		CHECK(j == lba, "buffer %u changed at byte %u after destroy", i,
		      j);
		nvio_buf_free(buf[i]);
	}
	/* queued and never submitted: dropped unsent */
	rc = nvio_queue_create(dev, NULL, &q);
	if (rc)
		dt_fatal("queue: %s", nvio_strerror(rc));
	buf[0] = nvio_buf_alloc(4096);
	CHECK_RC(nvio_queue_read(q, 0, 1, buf[0], lba, 0, NULL), 0);
	CHECK_RC(nvio_queue_destroy(q), 0);
	nvio_buf_free(buf[0]);
}

static void sync_error_idle(struct nvio_dev *dev)
{
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q;
	void *buf = nvio_buf_alloc(4096);
	struct nvio_cmd c;
	int rc = nvio_queue_create(dev, NULL, &q);

	if (rc)
		dt_fatal("queue: %s", nvio_strerror(rc));
	/* a device error (LBA out of range, sent raw) and a refusal */
	nvio_cmd_read(&c, di->nsid, di->nsze, 1, 0);
	rc = nvio_passthru(q, &c, buf, di->lba_size, NULL, 0, NULL);
	CHECK(rc > 0, "read past the end: %d (%s)", rc, nvio_strerror(rc));
	CHECK(nvio_queue_inflight(q) == 0, "in flight after an NVMe error");
	CHECK_RC(nvio_read(q, di->nsze, 1, buf, di->lba_size, 0), -ERANGE);
	CHECK(nvio_queue_inflight(q) == 0, "in flight after a refusal");
	CHECK_RC(nvio_read(q, 0, 1, buf, di->lba_size, 0), 0);
	CHECK_RC(nvio_queue_destroy(q), 0);
	nvio_buf_free(buf);
}

int main(void)
{
	struct nvio_dev *dev;

	dt_name = "lifetime";
	close_under_queue();
	dev = dt_open();
	destroy_in_flight(dev);
	concurrent_admin(dev);
	sync_error_idle(dev);
	nvio_dev_close(dev);
	return dt_done();
}
