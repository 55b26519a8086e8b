/* SPDX-License-Identifier: MIT */
/*
 * floor.c - the floor: the least user-space work a polled NVMe passthrough
 * read can cost, written by hand on liburing: one IORING_OP_URING_CMD per
 * read on an SQE128|CQE32 ring with IOPOLL, the generic device registered
 * as file 0, one registered 4 KiB buffer per slot, and one
 * io_uring_enter per batch (submit what the last reap re-queued, wait for
 * at least one completion). No checks beyond what the kernel needs.
 *
 *     floor [--qd N] [--count N | --time S] [--warmup S] [--clock tsc]
 *           [--irq] [--ring-flags LIST] /dev/ngXnY
 *
 * --ring-flags adds setup flags (single_issuer, defer_taskrun,
 * coop_taskrun) for experiments: libnvio sets the first two.
 *
 * It times each read with the latency probe's clock and histogram, as
 * `nvio lat` does, so the two differ only in how they drive the ring.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>
#include <liburing.h>

#include "common.h"

static const char usage[] =
	"Usage: floor [--qd N] [--count N | --time S] [--warmup S]\n"
	"             [--clock tsc|monotonic] [--irq] [--bs BYTES]\n"
	"             [--ring-flags single_issuer,defer_taskrun,coop_taskrun]\n"
	"             /dev/ngXnY\n";

struct floor {
	struct io_uring ring;
	char *bufs;
	uint32_t bs, nlb, nsid;
	uint64_t blocks, rng;
	uint64_t *t;          /* issue time per slot */
	uint8_t *measured;    /* per slot */
	uint64_t t_measure, t_end, budget, measured_n;
	struct lat_hist *h;
	uint64_t ios, errors, w_start, w_end;
	unsigned qd, inflight;
	const struct lat_clock *clk;
};

static inline void issue(struct floor *f, unsigned slot, uint64_t now)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&f->ring);
	struct nvme_uring_cmd *cmd = (struct nvme_uring_cmd *)sqe->cmd;
	uint64_t slba = lat_rand_below(&f->rng, f->blocks) * f->nlb;

	/* Never: at most qd commands are in flight on a ring of qd. */
	if (__builtin_expect(!sqe, 0))
		abort();
	memset(sqe, 0, offsetof(struct io_uring_sqe, cmd));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->fd = 0;
	sqe->cmd_op = NVME_URING_CMD_IO;
	sqe->user_data = slot;
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = (uint16_t)slot;
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = 0x02; /* read */
	cmd->nsid = f->nsid;
	cmd->addr = (uintptr_t)(f->bufs + (size_t)slot * f->bs);
	cmd->data_len = f->bs;
	cmd->cdw10 = (uint32_t)slba;
	cmd->cdw11 = (uint32_t)(slba >> 32);
	cmd->cdw12 = f->nlb - 1;
	f->t[slot] = now;
	f->measured[slot] = now >= f->t_measure;
	if (f->measured[slot] && !f->measured_n++)
		f->w_start = now;
	f->inflight++;
}

static inline bool more(const struct floor *f, uint64_t now)
{
	return f->measured_n < f->budget && now < f->t_end;
}

/* Not inlined, so that callgrind can count this loop alone
 * (--toggle-collect=floor_loop). */
__attribute__((noinline)) static int floor_loop(struct floor *f)
{
	uint64_t now = lat_clock_now(f->clk);

	for (unsigned s = 0; s < f->qd && more(f, now); s++)
		issue(f, s, now);
	while (f->inflight) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		int rc = io_uring_submit_and_wait(&f->ring, 1);

		if (rc < 0 && rc != -EINTR && rc != -EAGAIN)
			return rc;
		now = lat_clock_now(f->clk);
		io_uring_for_each_cqe(&f->ring, head, cqe) {
			unsigned slot = (unsigned)cqe->user_data;

			n++;
			f->inflight--;
			if (cqe->res == 0) {
				if (f->measured[slot]) {
					lat_hist_record(f->h, lat_clock_ns(f->clk,
						now - f->t[slot]));
					f->ios++;
					f->w_end = now;
				}
			} else {
				if (cqe->res < 0)
					return cqe->res;
				f->errors++;
			}
			if (more(f, now))
				issue(f, slot, now);
		}
		io_uring_cq_advance(&f->ring, n);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	struct lat_clock clk;
	struct floor f;
	struct io_uring_params p;
	struct iovec *iov;
	char block[64];
	uint32_t lba;
	uint64_t nsze, t0;
	int fd, rc, id;

	bench_parse(argc, argv, &o, usage);
	bench_geometry(o.dev, &lba, &nsze, block, sizeof(block));
	bench_clock(&clk, o.clock);
	memset(&f, 0, sizeof(f));
	f.clk = &clk;
	f.qd = o.qd;
	f.bs = o.bs;
	f.nlb = o.bs / lba;
	f.blocks = nsze / f.nlb;
	f.rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	fd = open(o.dev, O_RDONLY);
	if (fd < 0) {
		perror(o.dev);
		return 3;
	}
	id = ioctl(fd, NVME_IOCTL_ID);
	if (id <= 0) {
		perror("NVME_IOCTL_ID");
		return 3;
	}
	f.nsid = (uint32_t)id;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
		  (o.irq ? 0 : IORING_SETUP_IOPOLL) | o.ring_flags;
	rc = io_uring_queue_init_params(o.qd, &f.ring, &p);
	if (rc) {
		fprintf(stderr, "io_uring_queue_init_params: %s\n", strerror(-rc));
		return 3;
	}
	rc = io_uring_register_files(&f.ring, &fd, 1);
	if (rc) {
		fprintf(stderr, "io_uring_register_files: %s\n", strerror(-rc));
		return 3;
	}
	f.bufs = mmap(NULL, (size_t)o.qd * o.bs, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	iov = calloc(o.qd, sizeof(*iov));
	if (f.bufs == MAP_FAILED || !iov) {
		perror("buffers");
		return 3;
	}
	for (unsigned i = 0; i < o.qd; i++) {
		iov[i].iov_base = f.bufs + (size_t)i * o.bs;
		iov[i].iov_len = o.bs;
	}
	rc = io_uring_register_buffers(&f.ring, iov, o.qd);
	if (rc) {
		fprintf(stderr, "io_uring_register_buffers: %s\n", strerror(-rc));
		return 3;
	}
	f.t = calloc(o.qd, sizeof(*f.t));
	f.measured = calloc(o.qd, 1);
	f.h = malloc(sizeof(*f.h));
	if (!f.t || !f.measured || !f.h)
		return 3;
	lat_hist_init(f.h);
	t0 = lat_clock_now(&clk);
	f.t_measure = t0 + lat_clock_ticks(&clk, o.warmup_s);
	f.budget = o.count ? o.count : UINT64_MAX;
	f.t_end = o.count ? UINT64_MAX
			  : f.t_measure + lat_clock_ticks(&clk, o.time_s);
	rc = floor_loop(&f);
	if (rc) {
		fprintf(stderr, "floor: %s\n", strerror(-rc));
		return 3;
	}
	bench_report("floor", &o, &clk, f.h, f.ios, f.w_end - f.w_start,
		     f.errors);
	io_uring_queue_exit(&f.ring);
	return f.errors ? 1 : 0;
}
