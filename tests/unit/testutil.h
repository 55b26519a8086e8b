/* SPDX-License-Identifier: MIT */
/*
 * testutil.h - shared by the unit suites: a queue with a real io_uring but
 * no device behind it, so checks and SQE encoding can be observed without
 * anything being submitted.
 */
#ifndef NVIO_TESTUTIL_H
#define NVIO_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvio-private.h"

/* A queue on no device: the geometry of `info`, a real ring no command
 * is ever submitted to. */
static inline struct nvio_queue *fake_queue_info(const struct nvio_dev_info *info,
						 unsigned depth)
{
	struct nvio_queue *q = calloc(1, sizeof(*q));
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
	};

	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(io_uring_queue_init_params(depth, &q->ring, &p), 0);
	q->f.depth = depth;
	q->f.fd = 7;
	q->evfd = -1;
	nvio_queue_init_geometry(q, info);
	nvio_queue_init_rings(q);
	nvio_queue_init_words(q);
	return q;
}

static inline struct nvio_queue *fake_queue(uint32_t lba_size, uint32_t md,
					    bool md_ext, uint64_t nsze,
					    uint32_t max_nlb, unsigned depth)
{
	struct nvio_dev_info info = {
		.nsid = 1,
		.lba_size = lba_size,
		.lba_shift = (uint32_t)__builtin_ctz(lba_size),
		.md_size = md,
		.md_extended = md_ext,
		.nsze = nsze,
		.max_nlb = max_nlb,
	};

	return fake_queue_info(&info, depth);
}

static inline void fake_queue_free(struct nvio_queue *q)
{
	io_uring_queue_exit(&q->ring);
	free(q);
}

/* SQEs queued but not yet handed to the kernel. */
static inline unsigned fake_queued(struct nvio_queue *q)
{
	return q->f.sq_tail - q->ring.sq.sqe_head;
}

static inline struct io_uring_sqe *fake_sqe(struct nvio_queue *q, unsigned i)
{
	return &q->ring.sq.sqes[((q->ring.sq.sqe_head + i) &
				 q->ring.sq.ring_mask) << 1];
}

static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
