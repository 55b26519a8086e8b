/* SPDX-License-Identifier: MIT */
/*
 * nvio-private.h - what the library's files share and the unit tests may
 * reach, but programs linking libnvio may not (none of it is exported).
 */
#ifndef NVIO_PRIVATE_H
#define NVIO_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>
#include <liburing.h>

#include "nvio.h"

/* Newer than liburing 2.3's header; the kernel's values. */
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16)
#endif
#ifndef IORING_SETUP_HYBRID_IOPOLL
#define IORING_SETUP_HYBRID_IOPOLL (1U << 17)
#endif

#define NVIO_HIDDEN __attribute__((visibility("hidden")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define NVIO_DEFAULT_DEPTH 32u
#define NVIO_MAX_DEPTH 4096u
/* NVMe NLB is a 16-bit zero-based field. */
#define NVIO_NLB_LIMIT 65536u
/* Data buffers must be dword aligned: NVMe PRPs and SGLs need it. */
#define NVIO_BUF_ALIGN 4u
#define NVIO_PAGE 4096u

enum nvio_admin_mode {
	NVIO_ADMIN_NONE,
	NVIO_ADMIN_URING,
	NVIO_ADMIN_IOCTL,
	/* The admin ioctl on the namespace's generic device: what a user
	 * without the controller may send (6.2+: Identify). */
	NVIO_ADMIN_NS_IOCTL,
};

struct nvio_dev {
	int fd;                 /* generic char device */
	int ctrl_fd;            /* controller char device, or -1 */
	int admin_err;          /* why there is no admin path (-errno) */
	enum nvio_admin_mode admin_mode;
	struct io_uring admin_ring;
	bool admin_ring_ok;
	pthread_mutex_t admin_lock;
	uint32_t admin_timeout_ms;
	uint64_t admin_tag;     /* user_data of the last admin command sent */
	unsigned refs;          /* the caller's handle and each queue's */
	struct nvio_dev_info info;
};

/* device.c: a queue's hold on its device (atomic; NULL is ignored). */
NVIO_HIDDEN void nvio_dev_get(struct nvio_dev *dev);
NVIO_HIDDEN void nvio_dev_put(struct nvio_dev *dev);

/* A namespace a queue's commands reach: the queue's own (ns[0]) or one
 * added with nvio_queue_add_ns(), chosen by nsid on the request paths. */
struct nvio_qns {
	struct nvio_dev *dev;   /* the queue's device, or a reference held
				   on an added one */
	uint32_t nsid;
	int32_t fd;             /* what the SQE names: a registered index
				   (IOSQE_FIXED_FILE in sqe_flags) or the fd */
	uint8_t sqe_flags;
	int ioctl_fd;           /* for commands run by ioctl (nodata_sync) */
	uint64_t nsze;
	uint32_t lba_shift;
	uint32_t lba_bytes;     /* per-LBA bytes in the data buffer */
	uint32_t md_size;
	uint32_t max_nlb;
	bool md_unknown;
	bool md_sep;
	bool pi_only;           /* metadata is exactly the PI (8 or 16 B) */
	uint8_t pi_type;
	uint8_t pi_guard_bits;  /* 16, 32, 64; 0 unknown */
	uint8_t pi_sts;
	uint16_t oncs;          /* optional commands the controller has */
	uint32_t copy_max_range, copy_max_len, copy_max_ranges;
	bool zoned;
	uint64_t zone_size;     /* LBAs; 0 unknown */
	uint32_t zone_append_max; /* bytes */
};

/* The namespaces one queue may reach: its file table's size. */
#define NVIO_QUEUE_MAX_NS 32u

struct nvio_queue {
	/* first: the inline functions of nvio.h reach it through the
	 * queue pointer */
	struct nvio_queue_fast f;
	struct io_uring ring;
	struct nvio_dev *dev;
	bool disabled;          /* R_DISABLED: enabled by the first user */
	bool enter_to_see;      /* CQEs appear only after io_uring_enter */
	bool spin_reap;         /* SQPOLL + IOPOLL: spin, no syscalls */
	uint8_t wait;           /* enum nvio_wait, never DEFAULT */
	/* nvio_fast_enter waits in the kernel for min & enter_mask: all
	 * ones for NVIO_WAIT_KERNEL, 0 when the reap spins in user space */
	unsigned enter_mask;
	uint64_t spin_ns;       /* one spinning reap's bound */
	uint32_t md_size;
	uint32_t lba_bytes;     /* per-LBA bytes in the data buffer */
	bool md_any;            /* any metadata: the slow check path */
	bool md_unknown;        /* format not learned: no data I/O */
	bool vec_fixed;         /* vectored I/O may use registered buffers */
	bool md_sep;            /* metadata in a separate buffer */
	bool pi_only;           /* metadata is exactly the PI (8 or 16 B) */
	uint32_t max_nlb;
	unsigned flags;         /* NVIO_QF_* */
	int evfd;
	bool nodata_sync;       /* no-data commands via ioctl (old kernels) */
	struct nvio_cpl *soft;  /* completions of those, depth entries */
	unsigned soft_head, soft_tail;
	char *rbuf;             /* registered buffers, one region */
	size_t rbuf_total;
	unsigned rbuf_nr;
	struct nvio_qns ns[NVIO_QUEUE_MAX_NS]; /* [0]: the queue's own */
	unsigned nr_ns;
};

/* Where a queued command goes and with what timeout. */
struct nvio_target {
	int32_t fd;
	uint8_t sqe_flags;
	int ioctl_fd;
	uint32_t timeout_ms;
};

/* sysfs.c: path mapping, testable against a fake tree. */
struct nvio_path_map {
	char ng[32];    /* ngXnY */
	char block[32]; /* nvmeXnY */
	char ctrl[32];  /* nvmeX */
	char transport[16];
	uint32_t nsid;  /* from sysfs when known, else 0 */
};

enum nvio_node_kind { NVIO_NODE_CHR, NVIO_NODE_BLK };

NVIO_HIDDEN int nvio_map_node(const char *sysfs, enum nvio_node_kind kind,
			      unsigned major, unsigned minor, uint32_t nsid,
			      struct nvio_path_map *out);
/* The controller (ctrl, transport) of a controller or namespace node. */
NVIO_HIDDEN int nvio_map_ctrl(const char *sysfs, enum nvio_node_kind kind,
			      unsigned major, unsigned minor,
			      struct nvio_path_map *out);
NVIO_HIDDEN int nvio_sysfs_read_str(const char *path, char *buf, size_t len);
NVIO_HIDDEN int nvio_sysfs_read_u64(const char *path, uint64_t *val);
/* 1 when controller `ctrl` or another controller of its subsystem is
 * live (a path to the namespace exists), 0 when none is, -errno when
 * sysfs does not say. `state` (may be NULL) gets ctrl's own state. */
NVIO_HIDDEN int nvio_sysfs_path_live(const char *sysfs, const char *ctrl,
				     char *state, size_t len);
/* device.c: -EINVAL that the kernel gave because no path was live
 * (see nvio_dev_ctrl_state(3)) becomes -ENOLINK; any other result stays. */
NVIO_HIDDEN int nvio_res_no_path(const struct nvio_dev *dev, int res);

/* device.c */
NVIO_HIDDEN void nvio_info_from_identify(struct nvio_dev_info *info,
					 const void *id_ctrl,
					 const void *id_ns);
NVIO_HIDDEN void nvio_info_limits(struct nvio_dev_info *info,
				  uint64_t max_hw_kb, uint64_t max_segs);

/* ------------------------------------------------------------------ */
/* Checks and SQE encoding for the library's own paths (commands.c
 * documents the errnos); reads and writes start inline in nvio.h. */

static inline uint32_t nvio_lba_bytes(const struct nvio_queue *q, unsigned ctl)
{
	/* With PRACT and PI-only metadata the host buffer holds data only. */
	if (unlikely(q->pi_only) && (ctl & NVIO_IO_PRACT))
		return 1u << q->f.lba_shift;
	return q->lba_bytes;
}

static inline int nvio_check_range(const struct nvio_queue *q, uint64_t slba,
				   uint64_t nlb, uint32_t max_nlb)
{
	if (unlikely(!nlb))
		return -ENODATA;
	if (unlikely(slba >= q->f.nsze || nlb > q->f.nsze - slba))
		return -ERANGE;
	if (unlikely(max_nlb && nlb > max_nlb))
		return -E2BIG;
	return 0;
}

/* A vector's segments: non-NULL (unless empty), dword aligned, a sum
 * that does not wrap; *total gets it. */
NVIO_HIDDEN int nvio_iov_check(const struct iovec *iov, int iovcnt,
			       size_t *total);

NVIO_HIDDEN int nvio_check_rw_slow(const struct nvio_queue *q, uint64_t slba,
				   uint64_t nlb, const void *buf, size_t len,
				   uint32_t max_nlb, unsigned ctl);

/* Whether every segment of a vectored transfer lies in the same one of
 * the queue's registered buffers, which the kernel (6.16+) then maps as
 * a fixed buffer; *idx is its index. Segments must not be empty. */
static inline bool nvio_vec_fixed(const struct nvio_queue *q,
				  const struct iovec *iov, uint32_t cnt,
				  uintptr_t *idx)
{
	uintptr_t j;

	if (!q->vec_fixed || !cnt || !iov[0].iov_len ||
	    !nvio_fast_fixed(&q->f, iov[0].iov_base, iov[0].iov_len, idx))
		return false;
	for (uint32_t i = 1; i < cnt; i++)
		if (!iov[i].iov_len ||
		    !nvio_fast_fixed(&q->f, iov[i].iov_base, iov[i].iov_len,
				     &j) ||
		    j != *idx)
			return false;
	return true;
}

/* Claims the next SQE and fills everything but the NVMe command's own
 * fields (opcode, nsid, CDW2-3, CDW10-15), which are left zero. The caller
 * has checked inflight < depth; the SQ has at least `depth` entries and
 * every unreaped command holds at most one, so this slot is free. The
 * inline nvio_fast_rw() of nvio.h fills the same fields. */
static inline struct nvme_uring_cmd *
nvio_sqe_begin(struct nvio_queue *q, bool vec, const void *buf, uint32_t len,
	       void *md, uint32_t md_len, void *user)
{
	struct nvio_queue_fast *f = &q->f;
	struct io_uring_sqe *sqe =
		&q->ring.sq.sqes[(f->sq_tail & f->sq_mask) << 1];
	struct nvme_uring_cmd *uc = (struct nvme_uring_cmd *)sqe->cmd;
	uintptr_t idx;

	f->sq_tail++;
	memset(sqe, 0, offsetof(struct io_uring_sqe, cmd));
	memset(uc, 0, sizeof(*uc));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->flags = f->sqe_flags;
	sqe->fd = f->fd;
	sqe->cmd_op = vec ? NVME_URING_CMD_IO_VEC : NVME_URING_CMD_IO;
	sqe->user_data = (uintptr_t)user;
	if (vec ? nvio_vec_fixed(q, buf, len, &idx)
		: nvio_fast_fixed(f, buf, len, &idx)) {
		sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
		sqe->buf_index = (uint16_t)idx;
	}
	uc->addr = (uintptr_t)buf;
	uc->data_len = len;
	uc->metadata = (uintptr_t)md;
	uc->metadata_len = md_len;
	uc->timeout_ms = f->timeout_ms;
	f->inflight++;
	f->pending++;
	return uc;
}

/* The NVMe fields of a command, as the kernel takes them (CDW0's flags
 * stay 0: the kernel refuses fused commands and picks PRP or SGL). */
static inline void nvio_uring_cmd_from(const struct nvio_cmd *cmd,
				       struct nvme_uring_cmd *uc)
{
	uc->opcode = cmd->opcode;
	uc->nsid = cmd->nsid;
	uc->cdw2 = cmd->cdw2;
	uc->cdw3 = cmd->cdw3;
	uc->cdw10 = cmd->cdw10;
	uc->cdw11 = cmd->cdw11;
	uc->cdw12 = cmd->cdw12;
	uc->cdw13 = cmd->cdw13;
	uc->cdw14 = cmd->cdw14;
	uc->cdw15 = cmd->cdw15;
}

/* Chunk i of a transfer of `nlb` LBAs split at `max_nlb`; returns the
 * number of chunks when chunk is NULL. */
struct nvio_chunk {
	uint64_t slba;
	uint32_t nlb;
	size_t off; /* byte offset in the buffer */
};
NVIO_HIDDEN uint64_t nvio_split(uint64_t slba, uint64_t nlb, uint32_t max_nlb,
				uint32_t lba_bytes, uint64_t i,
				struct nvio_chunk *chunk);

/* queue.c */
NVIO_HIDDEN int nvio_queue_opts_check(const struct nvio_queue_opts *opts,
				      struct nvio_queue_opts *out);
/* The namespace nsid of the queue (0: its own), or NULL. */
NVIO_HIDDEN const struct nvio_qns *nvio_queue_ns(const struct nvio_queue *q,
						 uint32_t nsid);
/* nvio_queue_push() to namespace g, with timeout_ms (0: the queue's). */
NVIO_HIDDEN int nvio_queue_push_ns(struct nvio_queue *q,
				   const struct nvio_qns *g,
				   const struct nvio_cmd *cmd, bool vec,
				   const void *buf, uint32_t len, void *md,
				   uint32_t md_len, void *user,
				   uint32_t timeout_ms);
NVIO_HIDDEN int nvio_queue_push(struct nvio_queue *q,
				const struct nvio_cmd *cmd, bool vec,
				const void *buf, uint32_t len, void *md,
				uint32_t md_len, void *user);
NVIO_HIDDEN void nvio_queue_init_geometry(struct nvio_queue *q,
					  const struct nvio_dev_info *info);
NVIO_HIDDEN void nvio_queue_init_rings(struct nvio_queue *q);
NVIO_HIDDEN void nvio_queue_init_words(struct nvio_queue *q);
/* Takes back the commands queued and not yet taken by the kernel (none on
 * SQPOLL rings, whose thread may take them any time); returns how many. */
NVIO_HIDDEN unsigned nvio_queue_unqueue(struct nvio_queue *q);
/* Reaps and discards until nothing is in flight, at most timeout_ns;
 * 0, or the reap's error (-EBUSY when the bound passed). */
NVIO_HIDDEN int nvio_queue_drain(struct nvio_queue *q, uint64_t timeout_ns);
/* How long a command may take before the kernel has surely ended it:
 * twice its timeout (abort, then reset) plus 30 s for the reset. */
NVIO_HIDDEN uint64_t nvio_queue_drain_bound_ns(const struct nvio_queue *q);

/* quirks.c */
NVIO_HIDDEN uint32_t nvio_kver_parse(const char *release);
NVIO_HIDDEN uint32_t nvio_kver_running(void);
NVIO_HIDDEN bool nvio_quirk_applies_to(const struct nvio_quirk *q,
				       uint32_t kver);

/* The ioctl form of a command, for the synchronous paths. */
static inline void nvio_cmd_to_ioctl(const struct nvio_cmd *cmd, void *buf,
				     uint32_t len,
				     struct nvme_passthru_cmd64 *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->opcode = cmd->opcode;
	pc->nsid = cmd->nsid;
	pc->cdw2 = cmd->cdw2;
	pc->cdw3 = cmd->cdw3;
	pc->addr = (uintptr_t)buf;
	pc->data_len = len;
	pc->cdw10 = cmd->cdw10;
	pc->cdw11 = cmd->cdw11;
	pc->cdw12 = cmd->cdw12;
	pc->cdw13 = cmd->cdw13;
	pc->cdw14 = cmd->cdw14;
	pc->cdw15 = cmd->cdw15;
}

/* commands.c: CLOCK_MONOTONIC in ms, and what a synchronous call that
 * started at t0 reports for a result the kernel gives a command it ended
 * after its timeout (-ETIMEDOUT once the timeout has passed). */
NVIO_HIDDEN uint64_t nvio_mono_ms(void);
NVIO_HIDDEN int nvio_res_after_timeout(int res, uint32_t timeout_ms,
				       uint64_t t0);

/* A log or report of fixed-size descriptors after a header: how many
 * to decode, at most max, of the count the header claims, and never more
 * than the len bytes read hold. */
static inline unsigned nvio_desc_fit(size_t len, size_t hdr, size_t desc,
				     uint64_t count, unsigned max)
{
	uint64_t fit = len > hdr ? (len - hdr) / desc : 0;

	if (fit > count)
		fit = count;
	return fit > max ? max : (unsigned)fit;
}

/* admin.c */
/* fdp.c: the namespace's placement ids, from Identify's buffers (at open);
 * (whether a write may name a pid: nvio_fdp_pid_check, public). */
NVIO_HIDDEN void nvio_fdp_probe(struct nvio_dev *dev, const void *ctrl,
				const void *ns);
/* Identify's namespace identification descriptor list (CNS 03h). */
NVIO_HIDDEN int nvio_identify_ns_descs(struct nvio_dev *dev, uint32_t nsid,
				       void *buf4096);
NVIO_HIDDEN int nvio_admin_setup(struct nvio_dev *dev, bool rdonly);
NVIO_HIDDEN void nvio_admin_teardown(struct nvio_dev *dev);

#endif /* NVIO_PRIVATE_H */
