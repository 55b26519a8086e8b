/* SPDX-License-Identifier: MIT */
/* Several threads, each with its own queue (created by the main thread,
 * used by the worker: the SINGLE_ISSUER owner must be the user), write
 * and read back their own regions at once. */
#include <pthread.h>

#include "devtest.h"

#define THREADS 4
#define OPS 64

struct job {
	struct nvio_queue *q;
	uint32_t lb;
	uint64_t base;
	uint64_t seed;
	int errors;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	char *w = nvio_buf_alloc(8 * j->lb), *r = nvio_buf_alloc(8 * j->lb);
	uint64_t x = j->seed;

	for (int i = 0; i < OPS; i++) {
		uint64_t slba = j->base + (uint64_t)(i % 16) * 8;
		for (size_t k = 0; k < 8 * (size_t)j->lb / 8; k++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			((uint64_t *)w)[k] = x;
		}
		if (nvio_write(j->q, slba, 8, w, 8 * j->lb, 0) ||
		    nvio_read(j->q, slba, 8, r, 8 * j->lb, 0) ||
		    memcmp(w, r, 8 * j->lb))
			j->errors++;
	}
	nvio_buf_free(w);
	nvio_buf_free(r);
	return NULL;
}

int main(void)
{
	dt_name = "threads";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	pthread_t t[THREADS];
	struct job jobs[THREADS];

	if (di->md_size)
		dt_skip("namespace has metadata");
	dt_seed();
	for (int i = 0; i < THREADS; i++) {
		jobs[i] = (struct job){ .q = dt_queue(dev, 8, 0),
					.lb = di->lba_size,
					.base = 20000 + (uint64_t)i * 1000,
					.seed = dt_rand() | 1 };
		CHECK(pthread_create(&t[i], NULL, worker, &jobs[i]) == 0,
		      "thread %d", i);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		CHECK(jobs[i].errors == 0, "thread %d: %d errors", i,
		      jobs[i].errors);
		nvio_queue_destroy(jobs[i].q);
	}
	nvio_dev_close(dev);
	return dt_done();
}
