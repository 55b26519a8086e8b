/* SPDX-License-Identifier: MIT */
/*
 * threadpool.c - the model async runtimes use for files when they do not
 * use io_uring (tokio::fs, spawn_blocking): each read is handed to a pool
 * of worker threads through a queue, a worker does a blocking O_DIRECT
 * pread on the block device, and the completion is sent back through a
 * second queue that wakes the submitting thread. QD is the number of
 * reads outstanding; --workers (default QD) the pool's size.
 *
 *     threadpool [--qd N] [--workers N] [--count N | --time S]
 *                [--warmup S] [--clock tsc] /dev/nvmeXnY
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char usage[] =
	"Usage: threadpool [--qd N] [--workers N] [--count N | --time S]\n"
	"                  [--warmup S] [--clock tsc|monotonic] [--bs BYTES]\n"
	"                  /dev/nvmeXnY\n";

struct ring {
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned head, tail, size;
	uint64_t *v;
};

static void ring_init(struct ring *r, unsigned size)
{
	pthread_mutex_init(&r->m, NULL);
	pthread_cond_init(&r->c, NULL);
	r->head = r->tail = 0;
	r->size = size;
	r->v = calloc(size, sizeof(*r->v));
	if (!r->v)
		exit(3);
}

/* Push and wake one waiter, as a channel send does. */
static void ring_push(struct ring *r, uint64_t v)
{
	pthread_mutex_lock(&r->m);
	r->v[r->tail++ % r->size] = v;
	pthread_cond_signal(&r->c);
	pthread_mutex_unlock(&r->m);
}

/* Pop at least one, up to max; blocks. UINT64_MAX is "quit". */
static unsigned ring_pop(struct ring *r, uint64_t *out, unsigned max)
{
	unsigned n = 0;

	pthread_mutex_lock(&r->m);
	while (r->head == r->tail)
		pthread_cond_wait(&r->c, &r->m);
	while (r->head != r->tail && n < max)
		out[n++] = r->v[r->head++ % r->size];
	pthread_mutex_unlock(&r->m);
	return n;
}

struct pool {
	struct ring jobs;   /* slot << 40 | block */
	struct ring done;   /* slot << 1 | failed */
	int fd;
	uint32_t bs;
	char *bufs;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		uint64_t job;
		unsigned slot;
		ssize_t n;

		ring_pop(&p->jobs, &job, 1);
		if (job == UINT64_MAX)
			return NULL;
		slot = (unsigned)(job >> 40);
		n = pread(p->fd, p->bufs + (size_t)slot * p->bs, p->bs,
			  (off_t)((job & ((1ull << 40) - 1)) * p->bs));
		ring_push(&p->done, ((uint64_t)slot << 1) | (n != (ssize_t)p->bs));
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct lat_clock clk;
	struct lat_hist *h = malloc(sizeof(*h));
	struct pool p;
	pthread_t *tid;
	uint64_t *t, *got, rng, blocks, nsze, now, t_measure, t_end;
	uint64_t measured = 0, ios = 0, errors = 0, w_start = 0, w_end = 0;
	uint8_t *meas;
	unsigned inflight = 0;
	char block[64];
	uint32_t lba;

	bench_parse(argc, argv, &o, usage);
	bench_geometry(o.dev, &lba, &nsze, block, sizeof(block));
	bench_clock(&clk, o.clock);
	blocks = nsze * lba / o.bs;
	rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	memset(&p, 0, sizeof(p));
	p.bs = o.bs;
	p.fd = open(o.dev, O_RDONLY | O_DIRECT);
	if (p.fd < 0) {
		perror(o.dev);
		return 3;
	}
	if (posix_memalign((void **)&p.bufs, 4096, (size_t)o.qd * o.bs) || !h)
		return 3;
	ring_init(&p.jobs, o.qd + o.workers);
	ring_init(&p.done, o.qd);
	tid = calloc(o.workers, sizeof(*tid));
	t = calloc(o.qd, sizeof(*t));
	got = calloc(o.qd, sizeof(*got));
	meas = calloc(o.qd, 1);
	if (!tid || !t || !got || !meas)
		return 3;
	for (unsigned i = 0; i < o.workers; i++)
		if (pthread_create(&tid[i], NULL, worker, &p)) {
			perror("pthread_create");
			return 3;
		}
	lat_hist_init(h);
	now = lat_clock_now(&clk);
	t_measure = now + lat_clock_ticks(&clk, o.warmup_s);
	t_end = o.count ? UINT64_MAX : t_measure + lat_clock_ticks(&clk, o.time_s);

#define MORE() ((!o.count || measured < o.count) && now < t_end)
#define SUBMIT(slot)                                                           \
	do {                                                                   \
		t[slot] = now;                                                 \
		meas[slot] = now >= t_measure;                                 \
		if (meas[slot] && !measured++)                                 \
			w_start = now;                                         \
		ring_push(&p.jobs, ((uint64_t)(slot) << 40) |                  \
					   lat_rand_below(&rng, blocks));     \
		inflight++;                                                    \
	} while (0)

	for (unsigned s = 0; s < o.qd && MORE(); s++)
		SUBMIT(s);
	while (inflight) {
		unsigned n = ring_pop(&p.done, got, o.qd);

		now = lat_clock_now(&clk);
		for (unsigned i = 0; i < n; i++) {
			unsigned slot = (unsigned)(got[i] >> 1);

			inflight--;
			if (got[i] & 1) {
				errors++;
			} else if (meas[slot]) {
				lat_hist_record(h, lat_clock_ns(&clk, now - t[slot]));
				ios++;
				w_end = now;
			}
			if (MORE())
				SUBMIT(slot);
		}
	}
	for (unsigned i = 0; i < o.workers; i++)
		ring_push(&p.jobs, UINT64_MAX);
	for (unsigned i = 0; i < o.workers; i++)
		pthread_join(tid[i], NULL);
	bench_report("threadpool", &o, &clk, h, ios, w_end - w_start, errors);
	return errors ? 1 : 0;
}
