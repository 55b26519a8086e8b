/* SPDX-License-Identifier: MIT */
/*
 * floor-core.c - the floor: the least user-space work a polled NVMe
 * passthrough read can cost, written by hand on liburing: one
 * IORING_OP_URING_CMD per read on an SQE128|CQE32 ring with IOPOLL, the
 * generic device registered as file 0, one registered buffer per slot,
 * and one io_uring_enter per batch (submit what the last reap re-queued,
 * wait for at least one completion; or with --spin, submit, poll once
 * and come back to user space, xNVMe's and SPDK's way of waiting). No checks beyond what the kernel
 * needs. It times each read with the latency probe's clock and histogram,
 * as `nvio lat` does, so the two differ only in how they drive the ring.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>

#include "floor.h"

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

/* Neither inlined nor cloned (a clone is renamed), so that callgrind can
 * count this loop alone (--toggle-collect=floor_loop). */
__attribute__((noinline, noclone)) static int floor_loop(struct floor *f)
{
	uint64_t now = lat_clock_now(f->clk);

	for (unsigned s = 0; s < f->qd && more(f, now); s++)
		issue(f, s, now);
	while (f->inflight) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		int rc = f->spin ? io_uring_submit_and_get_events(&f->ring)
				 : io_uring_submit_and_wait(&f->ring, 1);

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

int floor_open(struct floor *f, const struct bench_opts *o,
	       const struct lat_clock *clk, const char **what)
{
	struct io_uring_params p;
	struct iovec *iov;
	char block[64];
	uint32_t lba;
	uint64_t nsze;
	int id, rc;

	bench_geometry(o->dev, &lba, &nsze, block, sizeof(block));
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->clk = clk;
	f->spin = o->spin;
	f->qd = o->qd;
	f->bs = o->bs;
	f->nlb = o->bs / lba;
	f->blocks = nsze / f->nlb;
	f->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	*what = o->dev;
	f->fd = open(o->dev, O_RDONLY);
	if (f->fd < 0)
		return -errno;
	*what = "NVME_IOCTL_ID";
	id = ioctl(f->fd, NVME_IOCTL_ID);
	if (id <= 0)
		return id < 0 ? -errno : -ENODEV;
	f->nsid = (uint32_t)id;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
		  (o->irq ? 0 : IORING_SETUP_IOPOLL) | o->ring_flags;
	*what = "io_uring_queue_init_params";
	rc = io_uring_queue_init_params(o->qd, &f->ring, &p);
	if (rc)
		return rc;
	f->ring_up = true;
	*what = "io_uring_register_files";
	rc = io_uring_register_files(&f->ring, &f->fd, 1);
	if (rc)
		return rc;
	*what = "buffers";
	f->bufs_len = (size_t)o->qd * o->bs;
	f->bufs = mmap(NULL, f->bufs_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (f->bufs == MAP_FAILED) {
		f->bufs = NULL;
		return -ENOMEM;
	}
	iov = calloc(o->qd, sizeof(*iov));
	f->t = calloc(o->qd, sizeof(*f->t));
	f->measured = calloc(o->qd, 1);
	f->h = malloc(sizeof(*f->h));
	if (!iov || !f->t || !f->measured || !f->h) {
		free(iov);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < o->qd; i++) {
		iov[i].iov_base = f->bufs + (size_t)i * o->bs;
		iov[i].iov_len = o->bs;
	}
	*what = "io_uring_register_buffers";
	rc = io_uring_register_buffers(&f->ring, iov, o->qd);
	free(iov);
	return rc;
}

int floor_run(struct floor *f, uint64_t count, double time_s, double warmup_s)
{
	uint64_t t0 = lat_clock_now(f->clk);

	lat_hist_init(f->h);
	f->ios = f->errors = f->measured_n = 0;
	f->w_start = f->w_end = 0;
	f->t_measure = t0 + lat_clock_ticks(f->clk, warmup_s);
	f->budget = count ? count : UINT64_MAX;
	f->t_end = count ? UINT64_MAX
			 : f->t_measure + lat_clock_ticks(f->clk, time_s);
	return floor_loop(f);
}

void floor_close(struct floor *f)
{
	if (f->ring_up)
		io_uring_queue_exit(&f->ring);
	if (f->bufs)
		munmap(f->bufs, f->bufs_len);
	free(f->t);
	free(f->measured);
	free(f->h);
	if (f->fd >= 0)
		close(f->fd);
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}
