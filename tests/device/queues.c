/* SPDX-License-Identifier: MIT */
/* Queue modes: registered buffers, SQPOLL, unregistered file, and queue
 * depths 1..128 with batched submit and reap. Every mode must move real
 * data, and every command's user pointer must come back exactly once. */
#include "devtest.h"

static int mode_io(struct nvio_dev *dev, const char *what,
		   struct nvio_queue_opts *o, unsigned want_flag)
{
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	uint32_t lb = di->lba_size;
	struct nvio_queue *q;
	struct nvio_cpl cpl[256];
	unsigned depth = o->depth, seen[256] = { 0 };
	int rc = nvio_queue_create(dev, o, &q);

	if (rc) {
		printf("FAIL %s: create: %s\n", what, nvio_strerror(rc));
		dt_failures++;
		return rc;
	}
	printf("%s: %s flags %#x\n", dt_name, what, nvio_queue_flags(q));
	CHECK((nvio_queue_flags(q) & want_flag) == want_flag,
	      "%s: flags %#x lack %#x", what, nvio_queue_flags(q), want_flag);
	if (want_flag & NVIO_QF_POLL_UNSAFE)
		CHECK(!(nvio_queue_flags(q) & NVIO_QF_POLLED),
		      "%s: polls by default on a poll-unsafe kernel", what);
	char *w = nvio_buf_alloc((size_t)depth * lb);
	dt_fill(w, (size_t)depth * lb);
	for (int round = 0; round < 3; round++) {
		/* write `depth` LBAs, one command each, in one batch */
		for (unsigned i = 0; i < depth; i++) {
			void *b = o->reg_bufs ? nvio_queue_buf(q, i) : w + (size_t)i * lb;
			if (o->reg_bufs)
				memcpy(b, w + (size_t)i * lb, lb);
			rc = nvio_queue_write(q, 5000 + i, 1, b, lb, 0,
					      (void *)(uintptr_t)(i + 1));
			CHECK_RC(rc, 0);
		}
		CHECK(nvio_queue_read(q, 0, 1, w, lb, 0, NULL) == -EBUSY,
		      "%s: depth %u enforced", what, depth);
		CHECK((unsigned)nvio_queue_submit(q) == depth, "%s: submit", what);
		unsigned got = 0;
		memset(seen, 0, sizeof(seen));
		while (got < depth) {
			rc = dt_reap(q, cpl, 256, 1);
			if (rc < 0) {
				CHECK_RC(rc, 0);
				break;
			}
			for (int k = 0; k < rc; k++) {
				unsigned id = (unsigned)(uintptr_t)cpl[k].user;
				CHECK(cpl[k].res == 0, "%s: res %d", what, cpl[k].res);
				CHECK(id >= 1 && id <= depth && !seen[id - 1],
				      "%s: user %u", what, id);
				if (id >= 1 && id <= depth)
					seen[id - 1]++;
			}
			got += (unsigned)rc;
		}
		CHECK(nvio_queue_inflight(q) == 0, "%s: drained", what);
		/* read back with the same batching, reaping without waiting
		 * until all arrive (min 0) */
		for (unsigned i = 0; i < depth; i++) {
			void *b = o->reg_bufs ? nvio_queue_buf(q, i) : NULL;
			if (!b)
				continue;
			memset(b, 0, lb);
			CHECK_RC(nvio_queue_read(q, 5000 + i, 1, b, lb, 0, b), 0);
		}
		if (o->reg_bufs) {
			got = 0;
			CHECK(nvio_queue_submit(q) >= 0, "submit reads");
			for (int spins = 0; got < depth && spins < 10000000; spins++) {
				rc = dt_reap(q, cpl, 256, 0);
				if (rc < 0)
					break;
				got += (unsigned)rc;
			}
			CHECK(got == depth, "%s: nonblocking reap got %u", what, got);
			for (unsigned i = 0; i < depth; i++)
				CHECK(!memcmp(nvio_queue_buf(q, i), w + (size_t)i * lb, lb),
				      "%s: data %u", what, i);
		} else {
			char *r = nvio_buf_alloc((size_t)depth * lb);
			CHECK_RC(nvio_read(q, 5000, depth, r, (size_t)depth * lb, 0), 0);
			CHECK(!memcmp(r, w, (size_t)depth * lb), "%s: data", what);
			nvio_buf_free(r);
		}
	}
	nvio_buf_free(w);
	nvio_queue_destroy(q);
	return 0;
}

int main(void)
{
	dt_name = "queues";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue_opts o = { .sz = sizeof(o), .sqpoll_cpu = -1 };
	/* Default queues poll where there are poll queues and polling is
	 * safe (quirk poll-unsafe); where it is not, they say so. */
	bool unsafe = !nvio_kernel_polls_safely();
	unsigned pollf = !di->poll_queues ? 0
			 : unsafe	  ? NVIO_QF_POLL_UNSAFE
					  : NVIO_QF_POLLED;

	if (di->md_size)
		dt_skip("namespace has metadata; covered by md");
	dt_seed();
	for (unsigned d = 1; d <= 128; d *= 2) {
		char what[32];
		o.depth = d;
		o.flags = 0;
		snprintf(what, sizeof(what), "depth %u", d);
		mode_io(dev, what, &o, pollf);
	}
	o.depth = 32;
	o.reg_bufs = 32;
	o.reg_buf_size = di->lba_size;
	mode_io(dev, "registered buffers", &o, NVIO_QF_REG_BUFS | pollf);
	o.reg_bufs = 0;
	o.flags = NVIO_QUEUE_SQPOLL;
	mode_io(dev, "sqpoll", &o, NVIO_QF_SQPOLL | pollf);
	o.flags = NVIO_QUEUE_SQPOLL;
	o.reg_bufs = 16;
	o.depth = 16;
	mode_io(dev, "sqpoll + registered buffers", &o,
		NVIO_QF_SQPOLL | NVIO_QF_REG_BUFS | pollf);
	o.reg_bufs = 0;
	o.flags = NVIO_QUEUE_NO_REG_FILE;
	mode_io(dev, "unregistered file", &o, pollf);
	o.flags = NVIO_QUEUE_NO_NEW_FLAGS | NVIO_QUEUE_IRQ;
	mode_io(dev, "interrupts, old setup flags", &o, 0);
	nvio_dev_close(dev);
	return dt_done();
}
