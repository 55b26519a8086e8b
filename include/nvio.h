/* SPDX-License-Identifier: MIT */
/*
 * nvio.h - the whole public interface of libnvio.
 *
 * libnvio sends NVMe commands to a namespace through the kernel's NVMe
 * generic character device (/dev/ngXnY) with io_uring IORING_OP_URING_CMD,
 * polling for completions when the namespace has poll queues.
 *
 * Conventions, kept everywhere:
 *  - every int function returns 0 (or a count) on success and -errno on
 *    failure; functions that carry a command to the device may also return
 *    a positive NVMe status, exactly like nvio_cpl.res;
 *  - constructors return their object through an out-parameter;
 *  - option structs start with `size_t sz` (set it to sizeof the struct) so
 *    they can grow without breaking the ABI;
 *  - the library never prints and never exits.
 *
 * This header includes only standard C and POSIX headers (no liburing, no
 * kernel headers), so it compiles on its own.
 */
#ifndef NVIO_H
#define NVIO_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The inline functions here are C; C++ programs built with
 * -Wold-style-cast or -Wuseless-cast should not see warnings from them. */
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuseless-cast"
#endif
#endif

#define NVIO_API __attribute__((visibility("default")))
#ifdef __cplusplus
#define NVIO_STATIC_ASSERT static_assert
#else
#define NVIO_STATIC_ASSERT _Static_assert
#endif
/* How the fast-path functions below are defined: inline in every program,
 * and once more as exported functions inside libnvio (lib/ffi.c) for
 * callers that cannot use C inline functions (FFI bindings). */
#ifndef NVIO_INLINE
#define NVIO_INLINE static inline __attribute__((always_inline))
#endif

#define NVIO_VERSION_MAJOR 0
#define NVIO_VERSION_MINOR 8
#define NVIO_VERSION_PATCH 0

struct nvio_dev;
struct nvio_queue;

/* ------------------------------------------------------------------ */
/* The 64-byte NVMe submission queue entry, in the specification's layout.
 * Encoders below fill it; the data pointer (DPTR) is set by the kernel, so
 * buffers travel beside the command, not inside it.
 */
struct nvio_cmd {
	uint8_t opcode;   /* CDW0 bits 7:0 */
	uint8_t flags;    /* CDW0 bits 15:8: FUSE, PSDT */
	uint16_t cid;     /* CDW0 bits 31:16, assigned by the kernel */
	uint32_t nsid;    /* CDW1 */
	uint32_t cdw2;
	uint32_t cdw3;
	uint64_t mptr;    /* CDW4-5, set by the kernel */
	uint64_t dptr[2]; /* CDW6-9, set by the kernel */
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
};
NVIO_STATIC_ASSERT(sizeof(struct nvio_cmd) == 64, "NVMe SQE is 64 bytes");

/* The NLB field is 16 bits, zero-based: at most this many LBAs per
 * command, whatever the transfer size allows. */
#define NVIO_MAX_NLB 65536u

/* NVM command set opcodes used by the encoders. */
enum nvio_opcode {
	NVIO_OP_FLUSH = 0x00,
	NVIO_OP_WRITE = 0x01,
	NVIO_OP_READ = 0x02,
	NVIO_OP_WRITE_UNCOR = 0x04,
	NVIO_OP_COMPARE = 0x05,
	NVIO_OP_WRITE_ZEROES = 0x08,
	NVIO_OP_DSM = 0x09,
	NVIO_OP_VERIFY = 0x0c,
	NVIO_OP_IO_MGMT_RECV = 0x12,
	NVIO_OP_COPY = 0x19,
	NVIO_OP_IO_MGMT_SEND = 0x1d,
	NVIO_OP_ZONE_MGMT_SEND = 0x79,
	NVIO_OP_ZONE_MGMT_RECV = 0x7a,
	NVIO_OP_ZONE_APPEND = 0x7d,
};

enum nvio_admin_opcode {
	NVIO_ADMIN_GET_LOG_PAGE = 0x02,
	NVIO_ADMIN_IDENTIFY = 0x06,
	NVIO_ADMIN_SET_FEATURES = 0x09,
	NVIO_ADMIN_GET_FEATURES = 0x0a,
};

/* Identify CNS values. */
enum nvio_cns {
	NVIO_CNS_NS = 0x00,
	NVIO_CNS_CTRL = 0x01,
	NVIO_CNS_NS_ACTIVE_LIST = 0x02,
	NVIO_CNS_NS_DESCS = 0x03,     /* namespace identification descriptors */
	NVIO_CNS_CS_NS = 0x05,        /* a command set's Identify Namespace */
	NVIO_CNS_CS_CTRL = 0x06,      /* a command set's Identify Controller */
};

/* Command set identifiers (CSI). */
enum nvio_csi {
	NVIO_CSI_NVM = 0x00,
	NVIO_CSI_ZNS = 0x02,
};

/* Per-command control bits, CDW12 bits 31:16 of read/write/compare/verify/
 * write zeroes, passed as `ctl` (already shifted down by 16). */
#define NVIO_IO_LR (1u << 15)   /* limited retry */
#define NVIO_IO_FUA (1u << 14)  /* force unit access */
#define NVIO_IO_PRINFO(x) (((unsigned)(x) & 0xfu) << 10)
/* Protection information action: the controller inserts/strips PI, so a
 * namespace whose metadata is only the 8-byte PI moves no metadata. */
#define NVIO_IO_PRACT NVIO_IO_PRINFO(0x8)
/* PRCHK, the checks asked for: NVIO_IO_PRINFO(NVIO_PRCHK_GUARD | ...) */
#define NVIO_PRCHK_GUARD 0x4u
#define NVIO_PRCHK_APP 0x2u
#define NVIO_PRCHK_REF 0x1u
#define NVIO_IO_DEAC (1u << 9)  /* write zeroes: deallocate */
#define NVIO_IO_CTL_MASK 0xffffu

/* Dataset management attribute (CDW11). */
#define NVIO_DSM_AD (1u << 2) /* deallocate */

/* One dataset management range, in the specification's 16-byte layout. */
struct nvio_dsm_range {
	uint32_t cattr;
	uint32_t nlb; /* a count, not zero-based */
	uint64_t slba;
};
NVIO_STATIC_ASSERT(sizeof(struct nvio_dsm_range) == 16, "DSM range is 16 bytes");

#define NVIO_DSM_MAX_RANGES 256

/* One source range of a Copy command: descriptor format 0, in the
 * specification's 32-byte little-endian layout (fill it with
 * nvio_copy_range_set). */
struct nvio_copy_range {
	uint64_t rsvd0;
	uint64_t slba;
	uint16_t nlb;     /* zero-based, as the specification has it */
	uint16_t rsvd18;
	uint32_t rsvd20;
	uint32_t eilbrt;  /* expected initial reference tag */
	uint16_t elbat;   /* expected application tag */
	uint16_t elbatm;  /* and its mask */
};
NVIO_STATIC_ASSERT(sizeof(struct nvio_copy_range) == 32,
		   "Copy source range (format 0) is 32 bytes");

/* Copy takes at most 256 source ranges (NR is 8 bits, zero-based); the
 * namespace's MSRC may allow fewer. */
#define NVIO_COPY_MAX_RANGES 256

/* A source range of nlb LBAs (a count, 1..65536) from slba. */
static inline void nvio_copy_range_set(struct nvio_copy_range *r,
				       uint64_t slba, uint32_t nlb,
				       uint32_t reftag, uint16_t apptag,
				       uint16_t appmask)
{
	memset(r, 0, sizeof(*r));
	r->slba = htole64(slba);
	r->nlb = htole16((uint16_t)(nlb - 1));
	r->eilbrt = htole32(reftag);
	r->elbat = htole16(apptag);
	r->elbatm = htole16(appmask);
}

static inline void nvio_cmd_init(struct nvio_cmd *c, uint8_t opcode,
				 uint32_t nsid)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = nsid;
}

/* Read, write, compare, verify and write zeroes share one layout:
 * SLBA in CDW10-11, zero-based NLB in CDW12 bits 15:0, control above it.
 * `nlb` is a count (1..65536); 0 encodes as 65535 + 1 wrapping, so callers
 * validate first (the nvio_queue_* functions do). */
static inline void nvio_cmd_rw(struct nvio_cmd *c, uint8_t opcode,
			       uint32_t nsid, uint64_t slba, uint32_t nlb,
			       unsigned ctl)
{
	nvio_cmd_init(c, opcode, nsid);
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = (uint32_t)(slba >> 32);
	c->cdw12 = ((nlb - 1) & 0xffffu) | ((ctl & NVIO_IO_CTL_MASK) << 16);
}

static inline void nvio_cmd_read(struct nvio_cmd *c, uint32_t nsid,
				 uint64_t slba, uint32_t nlb, unsigned ctl)
{
	nvio_cmd_rw(c, NVIO_OP_READ, nsid, slba, nlb, ctl);
}

static inline void nvio_cmd_write(struct nvio_cmd *c, uint32_t nsid,
				  uint64_t slba, uint32_t nlb, unsigned ctl)
{
	nvio_cmd_rw(c, NVIO_OP_WRITE, nsid, slba, nlb, ctl);
}

static inline void nvio_cmd_compare(struct nvio_cmd *c, uint32_t nsid,
				    uint64_t slba, uint32_t nlb, unsigned ctl)
{
	nvio_cmd_rw(c, NVIO_OP_COMPARE, nsid, slba, nlb, ctl);
}

static inline void nvio_cmd_verify(struct nvio_cmd *c, uint32_t nsid,
				   uint64_t slba, uint32_t nlb, unsigned ctl)
{
	nvio_cmd_rw(c, NVIO_OP_VERIFY, nsid, slba, nlb, ctl);
}

static inline void nvio_cmd_write_zeroes(struct nvio_cmd *c, uint32_t nsid,
					 uint64_t slba, uint32_t nlb,
					 unsigned ctl)
{
	nvio_cmd_rw(c, NVIO_OP_WRITE_ZEROES, nsid, slba, nlb, ctl);
}

static inline void nvio_cmd_flush(struct nvio_cmd *c, uint32_t nsid)
{
	nvio_cmd_init(c, NVIO_OP_FLUSH, nsid);
}

/* `nr` ranges (1..256) travel in a data buffer of nr * 16 bytes. */
static inline void nvio_cmd_dsm(struct nvio_cmd *c, uint32_t nsid,
				unsigned nr, uint32_t attrs)
{
	nvio_cmd_init(c, NVIO_OP_DSM, nsid);
	c->cdw10 = (nr - 1) & 0xffu;
	c->cdw11 = attrs;
}

static inline void nvio_cmd_identify(struct nvio_cmd *c, uint8_t cns,
				     uint32_t nsid, uint16_t cntid)
{
	nvio_cmd_init(c, NVIO_ADMIN_IDENTIFY, nsid);
	c->cdw10 = cns | ((uint32_t)cntid << 16);
}

/* `len` bytes (a multiple of 4) of log page `lid` from byte `offset`. */
static inline void nvio_cmd_get_log(struct nvio_cmd *c, uint8_t lid,
				    uint32_t nsid, uint64_t offset,
				    uint32_t len, uint8_t lsp, bool rae)
{
	uint32_t numd = len / 4 - 1;

	nvio_cmd_init(c, NVIO_ADMIN_GET_LOG_PAGE, nsid);
	c->cdw10 = lid | ((uint32_t)(lsp & 0x7f) << 8) |
		   ((uint32_t)rae << 15) | ((numd & 0xffffu) << 16);
	c->cdw11 = numd >> 16;
	c->cdw12 = (uint32_t)offset;
	c->cdw13 = (uint32_t)(offset >> 32);
}

static inline void nvio_cmd_get_features(struct nvio_cmd *c, uint8_t fid,
					 uint32_t nsid, uint8_t sel,
					 uint32_t cdw11)
{
	nvio_cmd_init(c, NVIO_ADMIN_GET_FEATURES, nsid);
	c->cdw10 = fid | ((uint32_t)(sel & 0x7) << 8);
	c->cdw11 = cdw11;
}

static inline void nvio_cmd_set_features(struct nvio_cmd *c, uint8_t fid,
					 uint32_t nsid, uint32_t cdw11,
					 bool save)
{
	nvio_cmd_init(c, NVIO_ADMIN_SET_FEATURES, nsid);
	c->cdw10 = fid | ((uint32_t)save << 31);
	c->cdw11 = cdw11;
}

/* Zone Management Send (zoned namespaces): an action on the zone that
 * starts at slba, or with `all` on every zone it applies to. */
enum nvio_zone_action {
	NVIO_ZSA_CLOSE = 0x1,
	NVIO_ZSA_FINISH = 0x2,
	NVIO_ZSA_OPEN = 0x3,
	NVIO_ZSA_RESET = 0x4,
	NVIO_ZSA_OFFLINE = 0x5,
};

/* I/O Management Receive: operation `mo` (NVIO_IO_MGMT_RUH_STATUS) with its
 * specific field `mos`, `len` bytes (a multiple of 4) of data. */
static inline void nvio_cmd_io_mgmt_recv(struct nvio_cmd *c, uint32_t nsid,
					 unsigned mo, unsigned mos,
					 uint32_t len)
{
	nvio_cmd_init(c, NVIO_OP_IO_MGMT_RECV, nsid);
	c->cdw10 = (mo & 0xfu) | ((uint32_t)(mos & 0xffffu) << 16);
	c->cdw11 = len / 4 - 1;
}

/* I/O Management Send: operation `mo` (NVIO_IO_MGMT_RUH_UPDATE, whose
 * `mos` is the zero-based count of placement ids in the data). */
static inline void nvio_cmd_io_mgmt_send(struct nvio_cmd *c, uint32_t nsid,
					 unsigned mo, unsigned mos)
{
	nvio_cmd_init(c, NVIO_OP_IO_MGMT_SEND, nsid);
	c->cdw10 = (mo & 0xfu) | ((uint32_t)(mos & 0xffffu) << 16);
}

static inline void nvio_cmd_zone_mgmt_send(struct nvio_cmd *c, uint32_t nsid,
					   uint64_t slba, unsigned action,
					   bool all)
{
	nvio_cmd_init(c, NVIO_OP_ZONE_MGMT_SEND, nsid);
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = (uint32_t)(slba >> 32);
	c->cdw13 = (action & 0xffu) | ((uint32_t)all << 8);
}

/* Zone Management Receive, Report Zones: `len` bytes (a multiple of 4)
 * of zone descriptors from the zone holding slba, of the zones in state
 * `filter` (NVIO_ZONE_REPORT_*); with `partial`, the report's count is
 * of the descriptors it holds rather than of all that match. */
enum {
	NVIO_ZONE_REPORT_ALL = 0,
	NVIO_ZONE_REPORT_EMPTY = 1,
	NVIO_ZONE_REPORT_IMP_OPEN = 2,
	NVIO_ZONE_REPORT_EXP_OPEN = 3,
	NVIO_ZONE_REPORT_CLOSED = 4,
	NVIO_ZONE_REPORT_FULL = 5,
	NVIO_ZONE_REPORT_READ_ONLY = 6,
	NVIO_ZONE_REPORT_OFFLINE = 7,
};

static inline void nvio_cmd_zone_mgmt_recv(struct nvio_cmd *c, uint32_t nsid,
					   uint64_t slba, uint32_t len,
					   unsigned filter, bool partial)
{
	nvio_cmd_init(c, NVIO_OP_ZONE_MGMT_RECV, nsid);
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = (uint32_t)(slba >> 32);
	c->cdw12 = len / 4 - 1;
	c->cdw13 = ((filter & 0xffu) << 8) | ((uint32_t)partial << 16);
}

/* ------------------------------------------------------------------ */
/* Completions and status.
 *
 * res < 0: -errno from the kernel or from nvio's own checks;
 * res == 0: success;
 * res > 0: the NVMe status field as the kernel reports it: SC in bits 7:0,
 *          SCT in 10:8, CRD in 12:11, More in 13, DNR in 14.
 */
struct nvio_cpl {
	void *user;      /* the pointer given when the command was queued */
	int32_t res;
	uint32_t rsvd;   /* the ring's CQE flags: none are set for NVMe
			    commands today, so 0 */
	uint64_t result; /* completion dwords 0-1 (command specific) */
};

static inline bool nvio_res_is_nvme(int res) { return res > 0; }
static inline unsigned nvio_status_sc(int res) { return (unsigned)res & 0xffu; }
static inline unsigned nvio_status_sct(int res)
{
	return ((unsigned)res >> 8) & 0x7u;
}
static inline unsigned nvio_status_crd(int res)
{
	return ((unsigned)res >> 11) & 0x3u;
}
static inline bool nvio_status_more(int res) { return ((unsigned)res >> 13) & 1u; }
static inline bool nvio_status_dnr(int res) { return ((unsigned)res >> 14) & 1u; }

/* Status code types and a few codes callers test for by name. */
enum {
	NVIO_SCT_GENERIC = 0x0,
	NVIO_SCT_CMD_SPECIFIC = 0x1,
	NVIO_SCT_MEDIA = 0x2,
	NVIO_SCT_PATH = 0x3,
	NVIO_SCT_VENDOR = 0x7,
};
enum {
	NVIO_SC_INVALID_OPCODE = 0x01,
	NVIO_SC_INVALID_FIELD = 0x02,
	NVIO_SC_ABORT_REQ = 0x07, /* Command Abort Requested */
	NVIO_SC_INVALID_NS = 0x0b,
	NVIO_SC_FDP_DISABLED = 0x29,  /* Flexible Data Placement disabled */
	NVIO_SC_INVALID_PHL = 0x2a,   /* Invalid Placement Handle List */
	NVIO_SC_LBA_RANGE = 0x80,
	NVIO_SC_COMPARE_FAILED = 0x85, /* SCT media */
};

/* A human string for any res: "Success", the errno text, or the NVMe
 * status name and description. Never NULL; the string is static. */
NVIO_API const char *nvio_strerror(int res);

/* ------------------------------------------------------------------ */
/* Devices. */

/* nvio_dev_opts.flags */
#define NVIO_DEV_RDONLY (1u << 0) /* open the generic device read-only */
#define NVIO_DEV_NO_ADMIN (1u << 1) /* do not open the controller */
/* Open the controller alone, for admin commands: path is /dev/nvmeX or
 * a node of one of its namespaces, nsid must be 0, and no namespace is
 * opened, so a controller without any works. nvio_dev_info() has the
 * controller's fields (nsid 0, ctrl_only set); queues cannot be made
 * (-ENODEV). See nvio_dev_open(3). */
#define NVIO_DEV_CTRL (1u << 2)

struct nvio_dev_opts {
	size_t sz;          /* sizeof(struct nvio_dev_opts) */
	uint32_t nsid;      /* namespace id when opening a controller path */
	uint32_t flags;     /* NVIO_DEV_* */
	/* Admin commands' timeout in ms (nvme_uring_cmd.timeout_ms), 0 for
	 * the kernel's nvme_core.admin_timeout; see nvio_dev_set_admin_timeout. */
	uint32_t admin_timeout_ms;
};

/* What Identify (and sysfs) say about the namespace and its controller.
 * Owned by the device; new fields are only ever appended. */
/* The most placement ids nvio_dev_info keeps (and checks writes against). */
#define NVIO_FDP_MAX_PIDS 256

struct nvio_dev_info {
	uint32_t nsid;
	uint32_t lba_size;     /* data bytes per LBA in the active format */
	uint32_t lba_shift;
	uint32_t md_size;      /* metadata bytes per LBA */
	bool md_extended;      /* metadata interleaved with data (mset=1) */
	uint8_t flbas;         /* active LBA format index */
	uint8_t pi_type;       /* 0 none, 1-3 */
	bool vwc;              /* volatile write cache present */
	uint64_t nsze;         /* capacity in LBAs */
	uint32_t max_xfer;     /* largest transfer one command may carry, bytes */
	uint32_t max_nlb;      /* the same in LBAs */
	uint16_t oncs;         /* optional NVM commands supported */
	uint16_t vid;
	uint8_t mdts;
	bool poll_queues;      /* polled completions available */
	bool admin;            /* controller open for admin commands */
	char serial[21];
	char model[41];
	char firmware[9];
	char transport[16];    /* pcie, tcp, rdma, fc, loop */
	char generic_path[64]; /* /dev/ngXnY */
	char block_name[32];   /* nvmeXnY */
	char ctrl_path[64];    /* /dev/nvmeX */
	uint8_t id_source;     /* NVIO_ID_*: where the fields above came from */
	/* The metadata format could not be learned (no Identify, no sysfs
	 * metadata_bytes): data I/O is refused with -EOPNOTSUPP, since a
	 * command without the metadata buffer the format needs makes the
	 * controller write metadata to address 0. */
	bool md_unknown;
	/* The PI is the first bytes of the metadata (DPS bit 3), else its
	 * last (from Identify; false when it came from sysfs). */
	bool pi_first;
	/* The PI's guard in bits (16, 32 or 64; 0 without PI or where the
	 * format could not be learned), from the I/O command set Identify
	 * Namespace (ELBAF) when the controller has extended LBA formats,
	 * else 16; the PI's size in the metadata (8 with the 16-bit guard,
	 * 16 otherwise); and the storage tag's bits (STS), which the
	 * reference tag gives up. */
	uint8_t pi_guard_bits;
	uint8_t pi_size;
	uint8_t pi_sts;
	/* Opened with NVIO_DEV_CTRL: a controller, no namespace (the
	 * namespace fields are 0 or empty). */
	bool ctrl_only;
	/* Copy's limits (Identify Namespace): the longest single source
	 * range and the longest copy, in LBAs, and the most source ranges
	 * (MSRC + 1); 0 where the namespace does not say. */
	uint32_t copy_max_range;
	uint32_t copy_max_len;
	uint32_t copy_max_ranges;
	/* A zoned namespace (command set 2, from Identify's namespace
	 * identification descriptors or sysfs): its zone size in LBAs, its
	 * zones, the most zones open and active at once (0: no limit), and
	 * the most bytes a zone append carries (ZASL, cut to max_xfer). */
	bool zoned;
	uint64_t zone_size;
	uint64_t nr_zones;
	uint32_t max_open_zones;
	uint32_t max_active_zones;
	uint32_t zone_append_max;
	/* Flexible data placement: the controller has it (CTRATT.FDPS) and
	 * the namespace's reclaim unit handle status was read at open. Its
	 * endurance group, and the placement ids a write may name
	 * (directive type NVIO_DTYPE_PLACEMENT, DSPEC), in the order the
	 * device lists them; fdp_unknown when the controller has FDP but
	 * the status could not be read (placement is then refused). */
	bool fdp;
	bool fdp_unknown;
	uint16_t fdp_endgid;
	uint16_t fdp_nr_pids;
	uint16_t fdp_pids[NVIO_FDP_MAX_PIDS];
};

/* Directive types (struct nvio_io.dtype) */
#define NVIO_DTYPE_STREAMS 1
#define NVIO_DTYPE_PLACEMENT 2   /* FDP: dspec is a placement id */

/* nvio_dev_info.id_source */
#define NVIO_ID_CTRL 0    /* Identify through the controller /dev/nvmeX */
#define NVIO_ID_NS_DEV 1  /* Identify through the namespace's generic
			     device: no controller access (6.2+ lets a user
			     with the device do this unprivileged) */
#define NVIO_ID_SYSFS 2   /* the block layer's view in sysfs */

/* ONCS bits, for nvio_dev_info.oncs. */
#define NVIO_ONCS_COMPARE (1u << 0)
#define NVIO_ONCS_WRITE_UNCOR (1u << 1)
#define NVIO_ONCS_DSM (1u << 2)
#define NVIO_ONCS_WRITE_ZEROES (1u << 3)
#define NVIO_ONCS_VERIFY (1u << 7)
#define NVIO_ONCS_COPY (1u << 8)

/* Open a namespace by /dev/ngXnY, /dev/nvmeXnY, or /dev/nvmeX (+ nsid);
 * with NVIO_DEV_CTRL, a controller. */
NVIO_API int nvio_dev_open(const char *path, const struct nvio_dev_opts *opts,
			   struct nvio_dev **devp);
/* Releases the caller's handle. Queues made from the device hold it open
 * (a reference each) until the last of them is destroyed; the caller must
 * not use `dev` after this call, except through nvio_queue_dev() of a
 * queue still alive. */
NVIO_API void nvio_dev_close(struct nvio_dev *dev);
/* The timeout of admin commands sent from now on, in ms; 0 leaves it to
 * the kernel (nvme_core.admin_timeout, 60 s by default). */
NVIO_API int nvio_dev_set_admin_timeout(struct nvio_dev *dev, uint32_t ms);
NVIO_API const struct nvio_dev_info *nvio_dev_info(const struct nvio_dev *dev);
/* The generic device's file descriptor (for callers building their own
 * rings); owned by the device. */
NVIO_API int nvio_dev_fd(const struct nvio_dev *dev);
/* The state of the namespace's controller, as sysfs says it ("live",
 * "resetting", "connecting", "deleting", "dead", ...): 0, -ENODEV when the
 * controller is gone, -ERANGE when buf is too small. A command sent while
 * no controller of the namespace is live fails at once: the synchronous
 * helpers and admin calls then return -ENOLINK (the kernel says -EINVAL);
 * completions of the asynchronous path carry the kernel's -EINVAL, which
 * this call tells apart. */
NVIO_API int nvio_dev_ctrl_state(const struct nvio_dev *dev, char *buf,
				 size_t len);

/* ------------------------------------------------------------------ */
/* Queues: one io_uring each. Where the kernel has single-issuer rings
 * (6.0+), the first thread that submits or reaps owns the queue for good
 * and others get -EEXIST; create queues anywhere, use each from one
 * thread. */

/* nvio_queue_opts.flags */
#define NVIO_QUEUE_IRQ (1u << 0)       /* interrupts even if polling works */
#define NVIO_QUEUE_POLL (1u << 1)      /* polling required: fail, no fallback */
#define NVIO_QUEUE_SQPOLL (1u << 2)    /* kernel thread submits (and polls) */
#define NVIO_QUEUE_NO_REG_FILE (1u << 3) /* do not register the device fd */
#define NVIO_QUEUE_EVENTFD (1u << 4)   /* create an eventfd for reactors */
#define NVIO_QUEUE_NO_NEW_FLAGS (1u << 5) /* no SINGLE_ISSUER/DEFER/COOP */
/* Send commands without data (flush, write zeroes, verify) on the polled
 * ring even on kernels before 6.5, where polling them can dereference a
 * freed bio and oops (seen on Debian's 6.1). Without this flag such
 * commands go through the synchronous ioctl there (NVIO_QF_NODATA_SYNC). */
#define NVIO_QUEUE_POLL_NODATA (1u << 6)
/* Poll with IORING_SETUP_HYBRID_IOPOLL: the kernel sleeps part of the
 * expected completion time before it polls, trading latency for CPU.
 * Implies polling; -EOPNOTSUPP without poll queues or before 6.15
 * (NVIO_QUIRK_NO_HYBRID_POLL). */
#define NVIO_QUEUE_HYBRID_POLL (1u << 7)

struct nvio_queue_opts {
	size_t sz;          /* sizeof(struct nvio_queue_opts) */
	uint32_t depth;     /* commands in flight at most, 1..4096; 0 = 32 */
	uint32_t flags;     /* NVIO_QUEUE_* */
	int32_t sqpoll_cpu; /* CPU for the SQPOLL thread, -1 = any */
	uint32_t sqpoll_idle_ms;
	uint32_t reg_bufs;  /* registered buffers to allocate (0..depth) */
	uint32_t reg_buf_size; /* bytes each, rounded up to a power of 2 >= 4 KiB */
	/* Every command's timeout in ms (nvme_uring_cmd.timeout_ms), 0 for
	 * the kernel's nvme_core.io_timeout (30 s by default); see
	 * nvio_queue_set_timeout. */
	uint32_t timeout_ms;
};

/* nvio_queue_flags() */
#define NVIO_QF_POLLED (1u << 0)        /* completions are polled (IOPOLL) */
#define NVIO_QF_IRQ_FALLBACK (1u << 1)  /* polling wanted (default), no poll queues */
#define NVIO_QF_SQPOLL (1u << 2)
#define NVIO_QF_REG_FILE (1u << 3)
#define NVIO_QF_REG_BUFS (1u << 4)
#define NVIO_QF_SINGLE_ISSUER (1u << 5)
#define NVIO_QF_DEFER_TASKRUN (1u << 6)
#define NVIO_QF_COOP_TASKRUN (1u << 7)
#define NVIO_QF_EVENTFD (1u << 8)
#define NVIO_QF_NODATA_SYNC (1u << 9) /* see NVIO_QUEUE_POLL_NODATA */
/* This kernel's polled passthrough can oops (NVIO_QUIRK_POLL_UNSAFE) or
 * misreport errors (NVIO_QUIRK_POLL_STATUS): a queue made without
 * NVIO_QUEUE_POLL takes interrupts; with it, it polls anyway
 * (NVIO_QF_POLLED says which). */
#define NVIO_QF_POLL_UNSAFE (1u << 10)
#define NVIO_QF_HYBRID_POLL (1u << 11) /* IORING_SETUP_HYBRID_IOPOLL */

NVIO_API int nvio_queue_create(struct nvio_dev *dev,
			       const struct nvio_queue_opts *opts,
			       struct nvio_queue **qp);
/* Waits, within a bound, for every command in flight (reaped and
 * discarded), then frees the queue: 0. Commands queued and not yet
 * submitted are dropped unsent first (on SQPOLL queues, whose thread may
 * have taken them, they are waited for). -EBUSY if commands are still in
 * flight after the bound (twice the command timeout plus 30 s), -EEXIST
 * (or the reap's other errors) if this thread may not reap them: the
 * queue then stays, with those commands, and their buffers must stay
 * valid. NULL: 0. */
NVIO_API int nvio_queue_destroy(struct nvio_queue *q);
/* The timeout, in ms, of the commands queued from now on (a per-command
 * timeout: set it before queueing the command); 0 for the kernel's
 * default. The kernel aborts a command that exceeds it (and resets the
 * controller if the abort fails): see nvio_queue_set_timeout(3) for
 * what such a command completes with. */
NVIO_API int nvio_queue_set_timeout(struct nvio_queue *q, uint32_t ms);
NVIO_API uint32_t nvio_queue_timeout(const struct nvio_queue *q);

/* How a reap waits for completions (nvio_queue_set_wait(3)). */
enum nvio_wait {
	/* This kernel's default for the queue, chosen by measurement
	 * (nvio_queue_wait() says which it became). */
	NVIO_WAIT_DEFAULT = 0,
	/* Inside io_uring_enter: an interrupt queue sleeps until the
	 * completion, a polled queue polls the device in the kernel's loop
	 * until it has what it waits for. */
	NVIO_WAIT_KERNEL = 1,
	/* In user space: nonblocking passes (each one io_uring_enter that
	 * submits, polls the device once or runs the completions' work, and
	 * returns), until the reap has its completions or the spin bound
	 * passes; then in the kernel, as NVIO_WAIT_KERNEL. Burns the CPU on
	 * interrupt queues too, while it spins. */
	NVIO_WAIT_SPIN = 2,
};
/* Sets how this queue's reaps wait; spin_ns bounds the spin of one
 * reap (NVIO_WAIT_SPIN; 0 = 1 ms), after which it waits in the kernel,
 * which hears signals. From the queue's thread, or before its first
 * use. -EINVAL for an unknown strategy, a bound over 1 s, or a spin
 * on a hybrid-polled queue. The default spins on polled queues where the
 * kernel's polling wait was measured slower (NVIO_QUIRK_IOPOLL_WAIT_SLOW,
 * 7.2 on), and waits in the kernel everywhere else. */
NVIO_API int nvio_queue_set_wait(struct nvio_queue *q, int wait,
				 uint64_t spin_ns);
/* NVIO_WAIT_KERNEL or NVIO_WAIT_SPIN (never NVIO_WAIT_DEFAULT), or
 * -EINVAL for NULL. */
NVIO_API int nvio_queue_wait(const struct nvio_queue *q);
NVIO_API unsigned nvio_queue_flags(const struct nvio_queue *q);
NVIO_API unsigned nvio_queue_depth(const struct nvio_queue *q);
/* Commands queued or in flight, not yet reaped. */
NVIO_API unsigned nvio_queue_inflight(const struct nvio_queue *q);
NVIO_API struct nvio_dev *nvio_queue_dev(const struct nvio_queue *q);

/* An fd that becomes readable when completions wait (interrupt queues made
 * with NVIO_QUEUE_EVENTFD). Read it (8 bytes) to rearm, then reap.
 * -EOPNOTSUPP on polled queues: they must be reaped by polling. */
NVIO_API int nvio_queue_event_fd(const struct nvio_queue *q);

/* Adds namespace `dev` (another namespace of the queue's controller,
 * opened by the caller) to the queue: nvio_queue_io() and
 * nvio_queue_passthru() then send to it by nsid, so one queue serves
 * several namespaces. The queue holds a reference until it is destroyed.
 * Up to 32 namespaces a queue. Call it before the queue's first use or
 * from the thread that uses it. See nvio_queue_add_ns(3). */
NVIO_API int nvio_queue_add_ns(struct nvio_queue *q, struct nvio_dev *dev);

/* Registered buffer i (0..reg_bufs-1), or NULL. Commands whose data lies
 * inside one such buffer use it as a fixed buffer automatically. */
NVIO_API void *nvio_queue_buf(const struct nvio_queue *q, unsigned i);

/* Asynchronous path. The nvio_queue_<cmd> functions check their arguments
 * against the namespace (range, sizes, buffer, depth), queue the command
 * without a system call, and return 0 or -errno; nothing is queued on
 * error. nvio_queue_submit() hands queued commands to the kernel;
 * nvio_queue_reap() collects up to `max` completions, waiting for at
 * least `min` (submitting anything queued in the same system call). */
NVIO_API int nvio_queue_readv(struct nvio_queue *q, uint64_t slba,
			      uint32_t nlb, const struct iovec *iov,
			      int iovcnt, unsigned ctl, void *user);
NVIO_API int nvio_queue_writev(struct nvio_queue *q, uint64_t slba,
			       uint32_t nlb, const struct iovec *iov,
			       int iovcnt, unsigned ctl, void *user);
NVIO_API int nvio_queue_verify(struct nvio_queue *q, uint64_t slba,
			       uint32_t nlb, unsigned ctl, void *user);
NVIO_API int nvio_queue_write_zeroes(struct nvio_queue *q, uint64_t slba,
				     uint32_t nlb, unsigned ctl, void *user);
NVIO_API int nvio_queue_flush(struct nvio_queue *q, void *user);
/* `ranges` must stay valid until the command completes. */
NVIO_API int nvio_queue_dsm(struct nvio_queue *q,
			    const struct nvio_dsm_range *ranges, unsigned nr,
			    uint32_t attrs, void *user);
/* Any I/O command, unchecked but for the buffer and depth: data and
 * metadata buffers as the opcode's direction wants (either may be NULL). */
NVIO_API int nvio_queue_passthru(struct nvio_queue *q,
				 const struct nvio_cmd *cmd, void *buf,
				 uint32_t len, void *md, uint32_t md_len,
				 void *user);
NVIO_API int nvio_queue_submit(struct nvio_queue *q);

/* One I/O command with every field the NVM command set gives it: the
 * request behind read, write, compare, verify and write zeroes when the
 * plain calls above are not enough (metadata, protection information,
 * directives, a timeout of its own). Zero what you do not use; fields
 * are only ever appended, and `sz` says which the caller knows. See
 * nvio_queue_io(3). */
struct nvio_io {
	size_t sz;             /* sizeof(struct nvio_io) */
	uint8_t opcode;        /* NVIO_OP_READ, WRITE, COMPARE, VERIFY,
				  WRITE_ZEROES, WRITE_UNCOR, ZONE_APPEND or
				  COPY */
	uint8_t dtype;         /* directive type, CDW12 bits 23:20 (writes) */
	uint16_t dspec;        /* directive specific, CDW13 bits 31:16
				  (writes): a stream or placement id */
	uint32_t nsid;         /* 0: the queue's namespace; else it or one
				  added with nvio_queue_add_ns() */
	uint64_t slba;         /* Copy: the destination's first LBA */
	uint32_t nlb;          /* a count, 1..65536; Copy: of source ranges
				  (1..256), given in buf as struct
				  nvio_copy_range */
	unsigned ctl;          /* NVIO_IO_*: FUA, LR, PRINFO, DEAC */
	void *buf;             /* data: buf and len, or iov and iovcnt */
	size_t len;
	const struct iovec *iov;
	int iovcnt;
	void *md;              /* separate metadata, nlb * md_size bytes */
	uint32_t md_len;
	/* Expected or initial reference tag: 32 bits with the 16-bit guard
	 * (CDW14), 48 with the 64-bit guard (CDW14 and CDW3 bits 15:0),
	 * less the storage tag's bits. */
	uint64_t reftag;
	uint16_t apptag;       /* CDW15 bits 15:0 */
	uint16_t appmask;      /* CDW15 bits 31:16 */
	uint32_t timeout_ms;   /* this command's; 0: the queue's */
	/* ORed into the encoded command: fields nvio does not name (storage
	 * tags, dataset management hints in CDW13 bits 7:0). */
	uint32_t cdw2;
	uint32_t cdw3;
	uint32_t cdw13;
	void *user;            /* the completion's user pointer */
};

/* Checks the request against the namespace and queues it; 0 or -errno
 * with nothing queued (see nvio_queue_io(3) for each errno). One
 * command: no splitting, so the transfer must fit the maximum. */
NVIO_API int nvio_queue_io(struct nvio_queue *q, const struct nvio_io *io);
/* The NVMe command a request becomes, for a namespace of the device (as
 * nvio_queue_io sends it, less the buffers and the timeout); 0 or
 * -EINVAL for a request no namespace could take. */
NVIO_API int nvio_io_encode(const struct nvio_io *io, uint32_t nsid,
			    struct nvio_cmd *cmd);
/* ------------------------------------------------------------------ */
/* The fast path: read, write, compare and reap, inline.
 *
 * A queue begins with the block below, which these functions read and
 * update in place, as liburing's inline functions do with struct
 * io_uring: a checked, polled read and its reap then cost a few dozen
 * instructions and no library call but the one that enters the kernel.
 * Its layout is part of the ABI, not part of the interface: programs use
 * the functions, never the fields. Anything unusual (metadata, a full
 * queue, a bad argument, a ring not yet enabled) goes to the library's
 * out-of-line code, which does the same work with every check spelled
 * out. Each function also exists in libnvio as an exported symbol, for
 * callers that cannot use C inline functions. */
struct nvio_queue_fast {
	unsigned char *sqes;       /* the 128-byte submission entries */
	unsigned sq_tail;          /* next free entry; submit publishes it */
	unsigned sq_mask;
	unsigned *cq_khead;
	const unsigned *cq_ktail;
	const unsigned char *cqes; /* the 32-byte completion entries */
	unsigned cq_mask;
	unsigned depth;
	unsigned inflight;         /* queued or in flight, not reaped */
	unsigned pending;          /* queued, not yet submitted */
	uint64_t nsze;
	uint32_t nsid;
	uint32_t lba_shift;
	uint32_t fast_max_nlb;     /* 0: every read/write takes the long way */
	int32_t fd;                /* the device's fd or registered index */
	uint8_t sqe_flags;
	uint8_t reap_slow;         /* nonzero: reap takes the long way */
	uint8_t rsvd[6];
	uint64_t sqe_word0;        /* an SQE's first 8 bytes: opcode, flags, fd */
	uint64_t cmd_word0;        /* its NVMe command's: nsid, opcode 0 */
	uintptr_t fixed_base;      /* registered buffers: fixed_total bytes, */
	uintptr_t fixed_total;     /* one buffer per 2^fixed_shift bytes */
	unsigned fixed_shift;
	uint32_t timeout_ms;       /* every SQE's nvme_uring_cmd.timeout_ms */
};

/* The kernel's struct io_uring_sqe in its 128-byte form, carrying struct
 * nvme_uring_cmd in its command area, and struct io_uring_cqe in its
 * 32-byte form (lib/queue.c asserts each offset against the kernel's
 * headers). */
struct nvio_fast_sqe {
	uint8_t opcode;
	uint8_t flags;
	uint16_t ioprio;
	int32_t fd;
	uint32_t cmd_op;
	uint32_t pad1;
	uint64_t addr;
	uint32_t len;
	uint32_t uring_cmd_flags;
	uint64_t user_data;
	uint16_t buf_index;
	uint16_t personality;
	uint32_t file_index;
	/* struct nvme_uring_cmd */
	uint8_t nvme_opcode;
	uint8_t nvme_flags;
	uint16_t rsvd1;
	uint32_t nsid;
	uint32_t cdw2;
	uint32_t cdw3;
	uint64_t metadata;
	uint64_t data;
	uint32_t metadata_len;
	uint32_t data_len;
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
	uint32_t timeout_ms;
	uint32_t rsvd2;
	uint64_t pad2;
};

struct nvio_fast_cqe {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
	uint64_t big_cqe[2];
};

#define NVIO_FAST_OP_URING_CMD 46u         /* IORING_OP_URING_CMD */
#define NVIO_FAST_URING_CMD_IO 0xc0484e80u /* NVME_URING_CMD_IO */
#define NVIO_FAST_URING_CMD_FIXED 1u       /* IORING_URING_CMD_FIXED */

/* The long ways, in the library. */
NVIO_API int nvio_fast_rw_checked(struct nvio_queue *q, uint8_t opcode,
			    uint64_t slba, uint32_t nlb, const void *buf,
			    size_t len, unsigned ctl, void *user);
NVIO_API int nvio_fast_reap_general(struct nvio_queue *q, struct nvio_cpl *cpl,
			      unsigned max, unsigned min);
NVIO_API int nvio_fast_reap_wait(struct nvio_queue *q, struct nvio_cpl *cpl,
			      unsigned max, unsigned min, unsigned n);
NVIO_API int nvio_fast_enter(struct nvio_queue *q, unsigned pending,
			       unsigned min);

/* Whether [buf, buf + len) lies wholly inside one registered buffer, which
 * then goes as a fixed buffer; *index is that buffer's. */
static inline __attribute__((always_inline)) bool
nvio_fast_fixed(const struct nvio_queue_fast *f, const void *buf, size_t len,
		uintptr_t *index)
{
	uintptr_t off = (uintptr_t)buf - f->fixed_base;

	/* likely: a queue with registered buffers is used with them */
	if (__builtin_expect(off < f->fixed_total &&
				     ((off + len - 1) >> f->fixed_shift) ==
					     (off >> f->fixed_shift),
			     1)) {
		*index = off >> f->fixed_shift;
		return true;
	}
	*index = 0;
	return false;
}

static inline __attribute__((always_inline)) int
nvio_fast_rw(struct nvio_queue *q, uint8_t opcode, uint64_t slba,
		    uint32_t nlb, const void *buf, size_t len, unsigned ctl,
		    void *user)
{
	struct nvio_queue_fast *f = (struct nvio_queue_fast *)(void *)q;
	struct nvio_fast_sqe *sqe;
	uintptr_t off;
	uint64_t end;
	bool fixed;

	/* One branch for all the checks: nlb - 1 wraps for nlb == 0, and a
	 * zero fast_max_nlb (metadata) fails it. Failures go the long way,
	 * which says which check failed. */
	if (__builtin_expect(nlb - 1 >= f->fast_max_nlb ||
				     __builtin_add_overflow(slba, (uint64_t)nlb,
							    &end) ||
				     end > f->nsze || !buf ||
				     ((uintptr_t)buf & 3u) ||
				     len != (size_t)nlb << f->lba_shift ||
				     (ctl & ~NVIO_IO_CTL_MASK) ||
				     f->inflight >= f->depth,
			     0))
		return nvio_fast_rw_checked(q, opcode, slba, nlb, buf, len, ctl,
				      user);
	/* The SQ has at least `depth` entries and every unreaped command
	 * holds at most one, so this one is free. */
	sqe = (struct nvio_fast_sqe *)(void *)(f->sqes +
					   ((size_t)(f->sq_tail & f->sq_mask)
					    << 7));
	f->sq_tail++;
	/* Counted apart from inflight, below: side by side, compilers merge
	 * the two increments into vector code that costs four times more. */
	f->pending++;
	fixed = nvio_fast_fixed(f, buf, len, &off); /* off: the index, or 0 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	{
		/* The entry as fifteen 8-byte stores, every byte written once
		 * (a 120-byte memset and then the fields costs twice this):
		 * the struct above gives each word's fields. */
		uint64_t *w = (uint64_t *)(void *)sqe;

		w[0] = f->sqe_word0;
		w[1] = NVIO_FAST_URING_CMD_IO;
		w[2] = 0;
		w[3] = (uint64_t)fixed << 32; /* NVIO_FAST_URING_CMD_FIXED */
		w[4] = (uintptr_t)user;
		w[5] = off;
		w[6] = f->cmd_word0 | opcode;
		w[7] = 0;
		w[8] = 0;
		w[9] = (uintptr_t)buf;
		w[10] = (uint64_t)len << 32;
		w[11] = slba;
		w[12] = (nlb - 1) | (ctl << 16);
		w[13] = 0;
		w[14] = f->timeout_ms;
	}
#else
	memset(sqe, 0, sizeof(*sqe) - sizeof(sqe->pad2));
	sqe->opcode = NVIO_FAST_OP_URING_CMD;
	sqe->flags = f->sqe_flags;
	sqe->fd = f->fd;
	sqe->cmd_op = NVIO_FAST_URING_CMD_IO;
	sqe->user_data = (uintptr_t)user;
	if (fixed) {
		sqe->uring_cmd_flags = NVIO_FAST_URING_CMD_FIXED;
		sqe->buf_index = (uint16_t)off;
	}
	sqe->nvme_opcode = opcode;
	sqe->nsid = f->nsid;
	sqe->data = (uintptr_t)buf;
	sqe->data_len = (uint32_t)len;
	sqe->cdw10 = (uint32_t)slba;
	sqe->cdw11 = (uint32_t)(slba >> 32);
	sqe->cdw12 = (nlb - 1) | (ctl << 16);
	sqe->timeout_ms = f->timeout_ms;
#endif
	f->inflight++;
	return 0;
}

/* Read, write or compare nlb LBAs from slba with the data in buf (len
 * bytes), queued without a system call; see nvio_queue_read(3). */
NVIO_INLINE int nvio_queue_read(struct nvio_queue *q, uint64_t slba,
				uint32_t nlb, void *buf, size_t len,
				unsigned ctl, void *user)
{
	return nvio_fast_rw(q, NVIO_OP_READ, slba, nlb, buf, len, ctl, user);
}

NVIO_INLINE int nvio_queue_write(struct nvio_queue *q, uint64_t slba,
				 uint32_t nlb, const void *buf, size_t len,
				 unsigned ctl, void *user)
{
	return nvio_fast_rw(q, NVIO_OP_WRITE, slba, nlb, buf, len, ctl, user);
}

NVIO_INLINE int nvio_queue_compare(struct nvio_queue *q, uint64_t slba,
				   uint32_t nlb, const void *buf, size_t len,
				   unsigned ctl, void *user)
{
	return nvio_fast_rw(q, NVIO_OP_COMPARE, slba, nlb, buf, len, ctl, user);
}

/* Moves up to max (at least 1) completions from the completion ring into
 * cpl. */
static inline __attribute__((always_inline)) unsigned
nvio_fast_drain(struct nvio_queue_fast *f, struct nvio_cpl *cpl, unsigned max)
{
	unsigned head = *f->cq_khead;
	unsigned tail = __atomic_load_n(f->cq_ktail, __ATOMIC_ACQUIRE);
	unsigned n = 0;

	if (head == tail)
		return 0;
	do {
		const struct nvio_fast_cqe *c = (const struct nvio_fast_cqe *)(const void *)(
			f->cqes + ((size_t)(head & f->cq_mask) << 5));

#if UINTPTR_MAX == UINT64_MAX
		/* A completion is the entry's first 24 bytes, as they are:
		 * user_data, res, flags (0 for uring_cmd), big_cqe[0]. */
		memcpy(&cpl[n], c, sizeof(cpl[n]));
#else
		cpl[n].user = (void *)(uintptr_t)c->user_data;
		cpl[n].res = c->res;
		cpl[n].rsvd = c->flags;
		cpl[n].result = c->big_cqe[0];
#endif
		n++;
		head++;
	} while (head != tail && n < max);
	__atomic_store_n(f->cq_khead, head, __ATOMIC_RELEASE);
	f->inflight -= n;
	return n;
}

/* Collects up to max completions into cpl, waiting for at least min and
 * submitting whatever is queued in the same system call; see
 * nvio_queue_reap(3). A signal ends the wait early: the call returns the
 * completions it has (fewer than min) or, with none, -EINTR, so a loop
 * `while (running)` sees a handler's flag. On polled queues -EINTR also
 * comes when the kernel's polling loop yields the CPU in a call that
 * also submitted (the kernel does not say which): call again. The wait has no bound of its
 * own: the kernel's command timeout bounds it (nvio_queue_set_timeout);
 * nvio_queue_reap_timeout() takes a deadline. */
NVIO_INLINE int nvio_queue_reap(struct nvio_queue *q, struct nvio_cpl *cpl,
				unsigned max, unsigned min)
{
	struct nvio_queue_fast *f = (struct nvio_queue_fast *)(void *)q;
	unsigned n;

	/* min - 1 wraps for min == 0: nonblocking polls go the long way,
	 * as do rings that need enabling, spinning or ioctl-run commands */
	if (__builtin_expect(f->reap_slow || !cpl || min - 1 >= max ||
				     min > f->inflight,
			     0))
		return nvio_fast_reap_general(q, cpl, max, min);
	/* Commands queued: one system call submits them and waits. */
	if (f->pending) {
		int rc = nvio_fast_enter(q, f->pending, min);

		if (__builtin_expect(rc < 0, 0))
			return rc;
	}
	n = nvio_fast_drain(f, cpl, max);
	if (__builtin_expect(n >= min, 1))
		return (int)n;
	return nvio_fast_reap_wait(q, cpl, max, min, n);
}

/* nvio_queue_reap() with a deadline: waits at most timeout_ns for min
 * completions (on polled queues by polling passes in user space, each
 * a system call, so the bound holds whatever the kernel's polling loop
 * does). Returns the completions collected, fewer than min if the
 * deadline passed, -ETIME if it passed with none, -EINTR if a signal came
 * first with none. timeout_ns 0 polls once without waiting. */
NVIO_API int nvio_queue_reap_timeout(struct nvio_queue *q, struct nvio_cpl *cpl,
				     unsigned max, unsigned min,
				     uint64_t timeout_ns);

/* Synchronous helpers, on an idle queue (-EBUSY if commands are in flight).
 * Return 0, -errno, or a positive NVMe status. Reads and writes larger than
 * the maximum transfer are split. Each waits for every command it sent,
 * through signals (the kernel may write the buffer until then), so the
 * queue's timeout bounds it; whatever it returns, the queue is idle
 * again afterwards. */
NVIO_API int nvio_read(struct nvio_queue *q, uint64_t slba, uint64_t nlb,
		       void *buf, size_t len, unsigned ctl);
NVIO_API int nvio_write(struct nvio_queue *q, uint64_t slba, uint64_t nlb,
			const void *buf, size_t len, unsigned ctl);
NVIO_API int nvio_readv(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
			const struct iovec *iov, int iovcnt, unsigned ctl);
NVIO_API int nvio_writev(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
			 const struct iovec *iov, int iovcnt, unsigned ctl);
NVIO_API int nvio_compare(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
			  const void *buf, size_t len, unsigned ctl);
NVIO_API int nvio_verify(struct nvio_queue *q, uint64_t slba, uint32_t nlb,
			 unsigned ctl);
NVIO_API int nvio_write_zeroes(struct nvio_queue *q, uint64_t slba,
			       uint32_t nlb, unsigned ctl);
NVIO_API int nvio_flush(struct nvio_queue *q);
NVIO_API int nvio_dsm(struct nvio_queue *q, const struct nvio_dsm_range *ranges,
		      unsigned nr, uint32_t attrs);
NVIO_API int nvio_passthru(struct nvio_queue *q, const struct nvio_cmd *cmd,
			   void *buf, uint32_t len, void *md, uint32_t md_len,
			   uint64_t *result);
/* nvio_queue_io() and its completion, on an idle queue; io->user is
 * not used. *result (if not NULL) gets completion dwords 0-1. */
NVIO_API int nvio_io(struct nvio_queue *q, const struct nvio_io *io,
		     uint64_t *result);

/* ------------------------------------------------------------------ */
/* Admin commands, sent to the controller's char device. Thread-safe. */
NVIO_API int nvio_identify_ctrl(struct nvio_dev *dev, void *buf4096);
NVIO_API int nvio_identify_ns(struct nvio_dev *dev, uint32_t nsid,
			      void *buf4096);
/* Up to 1024 active namespace ids greater than `start`, zero-terminated. */
NVIO_API int nvio_identify_active_ns(struct nvio_dev *dev, uint32_t start,
				     uint32_t *list1024);
/* Get Log Page with every field the command has. */
struct nvio_log_req {
	size_t sz;          /* sizeof(struct nvio_log_req) */
	uint8_t lid;        /* log page identifier */
	uint8_t lsp;        /* log specific field, 7 bits */
	bool rae;           /* retain asynchronous event */
	uint8_t csi;        /* command set (NVIO_CSI_*) */
	uint16_t lsi;       /* log specific identifier: the endurance group
			       of the FDP logs */
	uint8_t uuidx;      /* UUID index, 7 bits */
	uint32_t nsid;      /* 0, a namespace, or 0xffffffff */
	uint64_t offset;    /* bytes into the page, a multiple of 4 */
	void *buf;
	uint32_t len;       /* bytes, a multiple of 4 */
};
/* The command a request becomes (0, -EINVAL for a field out of range or a
 * misaligned length or offset), and the command sent. */
NVIO_API int nvio_log_req_encode(const struct nvio_log_req *req,
				 struct nvio_cmd *cmd);
NVIO_API int nvio_get_log_page(struct nvio_dev *dev,
			       const struct nvio_log_req *req);

/* Any Identify: CNS, the command set (CSI, CDW11 bits 31:24: NVIO_CSI_*),
 * NSID and CNTID, into 4096 bytes. */
NVIO_API int nvio_identify(struct nvio_dev *dev, uint8_t cns, uint8_t csi,
			   uint32_t nsid, uint16_t cntid, void *buf4096);
NVIO_API int nvio_get_log(struct nvio_dev *dev, uint8_t lid, uint32_t nsid,
			  uint64_t offset, void *buf, uint32_t len);
NVIO_API int nvio_get_feature(struct nvio_dev *dev, uint8_t fid,
			      uint32_t nsid, uint8_t sel, uint32_t cdw11,
			      void *buf, uint32_t len, uint32_t *result);
NVIO_API int nvio_set_feature(struct nvio_dev *dev, uint8_t fid,
			      uint32_t nsid, uint32_t cdw11, bool save,
			      void *buf, uint32_t len, uint32_t *result);
NVIO_API int nvio_admin_passthru(struct nvio_dev *dev,
				 const struct nvio_cmd *cmd, void *buf,
				 uint32_t len, uint64_t *result);

/* ------------------------------------------------------------------ */
/* Zones: report and manage the zones of a zoned namespace
 * (nvio_dev_info.zoned); zone append is a request (nvio_queue_io). */

/* Zone states (ZS) and the zone type of sequential write required. */
enum {
	NVIO_ZS_EMPTY = 0x1,
	NVIO_ZS_IMP_OPEN = 0x2,
	NVIO_ZS_EXP_OPEN = 0x3,
	NVIO_ZS_CLOSED = 0x4,
	NVIO_ZS_READ_ONLY = 0xd,
	NVIO_ZS_FULL = 0xe,
	NVIO_ZS_OFFLINE = 0xf,
};
#define NVIO_ZONE_TYPE_SEQ 0x2

/* One zone, decoded from its 64-byte descriptor. */
struct nvio_zone {
	uint64_t slba;       /* the zone's first LBA */
	uint64_t wp;         /* write pointer */
	uint64_t cap;        /* writable LBAs */
	uint8_t type;        /* NVIO_ZONE_TYPE_SEQ */
	uint8_t state;       /* NVIO_ZS_* */
	uint8_t attrs;       /* zone attributes (ZA) */
	uint8_t attrs_info;  /* zone attributes information (ZAI) */
	uint32_t rsvd;
};

/* Decodes a Report Zones buffer of len bytes (a 64-byte header, then
 * 64-byte descriptors): up to max zones into zones, *nr (may be NULL)
 * gets how many, *total (may be NULL) the header's count. 0, or -EINVAL
 * for a buffer shorter than the header. */
NVIO_API int nvio_zone_report_decode(const void *buf, size_t len,
				     struct nvio_zone *zones, unsigned max,
				     unsigned *nr, uint64_t *total);
/* Report Zones on an idle queue: up to max zones from the zone holding
 * slba, filtered (NVIO_ZONE_REPORT_*), partial or not; *nr and *total
 * as above. 0, -errno, or an NVMe status; see nvio_zone_report(3). */
NVIO_API int nvio_zone_report(struct nvio_queue *q, uint64_t slba,
			      unsigned filter, bool partial,
			      struct nvio_zone *zones, unsigned max,
			      unsigned *nr, uint64_t *total);
/* Zone Management Send on an idle queue: `action` (NVIO_ZSA_*) on the
 * zone starting at slba, or with `all` on every zone it applies to
 * (slba is then ignored). 0, -errno, or an NVMe status. */
NVIO_API int nvio_zone_mgmt(struct nvio_queue *q, uint64_t slba,
			    unsigned action, bool all);

/* ------------------------------------------------------------------ */
/* Flexible data placement: writes name a placement id (struct nvio_io
 * dtype NVIO_DTYPE_PLACEMENT, dspec), checked against
 * nvio_dev_info.fdp_pids; the logs are read with nvio_get_log_page()
 * (LSI: the endurance group) and decoded here. */

/* FDP log pages and I/O Management operations. */
enum {
	NVIO_LOG_FDP_CONFIGS = 0x20,
	NVIO_LOG_FDP_RUH_USAGE = 0x21,
	NVIO_LOG_FDP_STATS = 0x22,
	NVIO_LOG_FDP_EVENTS = 0x23,
	NVIO_IO_MGMT_RUH_STATUS = 1,  /* Receive: reclaim unit handle status */
	NVIO_IO_MGMT_RUH_UPDATE = 1,  /* Send: new reclaim units for PIDs */
};

/* I/O Management Receive and Send on an idle queue, for namespace nsid
 * (0: the queue's). 0, -errno, or an NVMe status. */
NVIO_API int nvio_io_mgmt_recv(struct nvio_queue *q, uint32_t nsid,
			       uint8_t mo, uint16_t mos, void *buf,
			       uint32_t len);
NVIO_API int nvio_io_mgmt_send(struct nvio_queue *q, uint32_t nsid,
			       uint8_t mo, uint16_t mos, const void *buf,
			       uint32_t len);

/* A reclaim unit handle status descriptor. */
struct nvio_fdp_ruhs {
	uint16_t pid;       /* placement id */
	uint16_t ruhid;     /* reclaim unit handle */
	uint32_t earutr;    /* estimated active RU time remaining, s */
	uint64_t ruamw;     /* RU available media writes, LBAs */
};

/* An FDP configuration descriptor (FDP Configurations log). */
struct nvio_fdp_config {
	uint8_t fdpa;       /* bit 7 valid, bit 4 volatile write cache,
			       3:0 the reclaim group id format (RGIF) */
	uint8_t vss;        /* vendor specific bytes */
	uint16_t nruh;      /* reclaim unit handles */
	uint32_t nrg;       /* reclaim groups */
	uint32_t max_pids;  /* placement ids a namespace may have */
	uint32_t nnss;      /* namespaces supported */
	uint64_t runs;      /* reclaim unit nominal size, bytes */
	uint32_t erutl;     /* estimated RU time limit, s */
	uint32_t ruh_off;   /* byte offset in the log of its nruh handle
			       descriptors (4 bytes each: the type first) */
};

/* An FDP event (FDP Events log). */
struct nvio_fdp_event {
	uint8_t type;       /* 0 RU not fully written, 1 RU time limit
			       exceeded, 2 controller reset modified RUHs,
			       3 invalid placement id, 0x80 media
			       reallocated, 0x81 implicitly modified RUH */
	uint8_t flags;      /* bit 0 pid valid, 1 nsid valid, 2 location
			       (rgid, ruhid) valid */
	uint16_t pid;
	uint64_t timestamp; /* the whole field: ms in bits 47:0 */
	uint32_t nsid;
	uint16_t rgid;
	uint8_t ruhid;
	uint8_t rsvd;
	uint8_t specific[16]; /* event type specific */
};

/* The namespace's reclaim unit handle status (nsid 0: the queue's), on
 * an idle queue: the 16-byte header, then as many descriptors as it
 * counts and len holds, read in two commands, since a controller may
 * refuse a buffer longer than the data it returns. *got (may be NULL)
 * gets the bytes read, for nvio_fdp_ruh_status_decode(). 0, -errno, or
 * an NVMe status (0x29 FDP Disabled). */
NVIO_API int nvio_fdp_ruh_status(struct nvio_queue *q, uint32_t nsid,
				 void *buf, uint32_t len, uint32_t *got);
/* Whether a write may name placement id pid on the namespace: 0, -ENXIO
 * for an id it does not have, -EOPNOTSUPP without FDP (or when its
 * status could not be read at open). */
NVIO_API int nvio_fdp_pid_check(const struct nvio_dev_info *info,
				uint16_t pid);

/* Decoders of a buffer of len bytes as the device returned it: up to max
 * entries into out, *nr (may be NULL) how many, *total (may be NULL) what
 * the header says there are (configurations: NUMFDPC + 1). Never read
 * past len; -EINVAL for a buffer shorter than the header, -EBADMSG for a
 * configuration descriptor whose size does not hold it. */
NVIO_API int nvio_fdp_ruh_status_decode(const void *buf, size_t len,
					struct nvio_fdp_ruhs *out,
					unsigned max, unsigned *nr,
					unsigned *total);
NVIO_API int nvio_fdp_configs_decode(const void *buf, size_t len,
				     struct nvio_fdp_config *out, unsigned max,
				     unsigned *nr, unsigned *total);
NVIO_API int nvio_fdp_events_decode(const void *buf, size_t len,
				    struct nvio_fdp_event *out, unsigned max,
				    unsigned *nr, unsigned *total);

/* ------------------------------------------------------------------ */
/* Buffers: page-aligned memory suitable for any command. */
NVIO_API void *nvio_buf_alloc(size_t size);
NVIO_API void nvio_buf_free(void *buf);

/* ------------------------------------------------------------------ */
/* End-to-end data protection: the guard CRCs, and protection
 * information generated and checked as the controller does. */

/* CRC-16 T10-DIF (poly 0x8bb7, init 0): the 16-bit guard. Chain by
 * passing the previous result; start with 0. */
NVIO_API uint16_t nvio_crc16_t10dif(uint16_t crc, const void *buf, size_t len);
/* The NVMe CRC-64 (poly 0xad93d23594c93659, reflected, init and final
 * xor all ones): the 64-bit guard. Chain by passing the previous result;
 * start with 0. */
NVIO_API uint64_t nvio_crc64_nvme(uint64_t crc, const void *buf, size_t len);

/* How a namespace's format carries protection information. */
struct nvio_pi_format {
	size_t sz;            /* sizeof(struct nvio_pi_format) */
	uint32_t lba_size;    /* data bytes per LBA */
	uint32_t md_size;     /* metadata bytes per LBA: at least the PI's 8
				 (16 with the 64-bit guard) */
	uint8_t type;         /* PI type 1, 2 or 3 */
	uint8_t guard_bits;   /* 16 (8-byte PI) or 64 (16-byte PI, no storage tag) */
	bool pi_first;        /* PI in the metadata's first bytes (DPS bit 3),
				 else in its last */
	bool extended;        /* metadata follows each LBA's data in the data
				 buffer (md NULL), else a separate buffer */
};

/* Writes the PI of nlb LBAs from slba: the guard over each LBA's data
 * (and the metadata bytes before the PI when it is last), the application
 * tag, and the reference tag: slba + i for type 1, reftag + i for type 2,
 * reftag for type 3. 0 or -EINVAL. */
NVIO_API int nvio_pi_generate(const struct nvio_pi_format *f, void *data,
			      void *md, uint64_t slba, uint32_t nlb,
			      uint64_t reftag, uint16_t apptag);
/* Checks the PI of nlb LBAs as PRCHK (NVIO_PRCHK_*) asks, with the
 * controller's escapes (application tag 0xffff; for type 3 with a
 * reference tag of all ones). 0, -EINVAL, or the status the controller
 * would give: 0x282 guard, 0x283 application tag, 0x284 reference tag
 * check error; *bad_lba (if not NULL) names the first failing LBA. */
NVIO_API int nvio_pi_verify(const struct nvio_pi_format *f, const void *data,
			    const void *md, uint64_t slba, uint32_t nlb,
			    uint64_t reftag, uint16_t apptag, uint16_t appmask,
			    unsigned prchk, uint64_t *bad_lba);

/* "0.1.0" */
NVIO_API const char *nvio_version(void);

/* ------------------------------------------------------------------ */
/* Kernel quirks: what nvio does differently per kernel, one row each;
 * see nvio_quirk(3). */

/* A kernel version as one number: major, minor, and the third number of
 * the release string (for display only; quirks go by major.minor). */
#define NVIO_KVER(a, b, c)                                                     \
	(((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))

enum nvio_quirk_id {
	NVIO_QUIRK_POLL_UNSAFE,     /* polled completions can oops */
	NVIO_QUIRK_NODATA_POLL,     /* polled data-less commands can oops */
	NVIO_QUIRK_IOPOLL_ANY_FILE, /* IOPOLL rings take non-pollable files */
	NVIO_QUIRK_NO_VEC_FIXED,    /* no vectored registered buffers */
	NVIO_QUIRK_NO_HYBRID_POLL,  /* no safe IORING_SETUP_HYBRID_IOPOLL */
	NVIO_QUIRK_NO_SQARRAY,      /* rings may have no SQ index array */
	NVIO_QUIRK_ABORT_EFAULT,    /* aborted commands complete with EFAULT */
	NVIO_QUIRK_PRIV_PASSTHRU,   /* all passthrough needs CAP_SYS_ADMIN */
	NVIO_QUIRK_POLL_STATUS,     /* polled completions swap res and result */
	NVIO_QUIRK_IOPOLL_EXIT_SPIN, /* polled ring closed with commands out */
	NVIO_QUIRK_IOPOLL_WAIT_SLOW, /* the kernel's polling wait is slower */
	NVIO_QUIRK_COUNT
};

struct nvio_quirk {
	unsigned id;         /* enum nvio_quirk_id */
	const char *name;    /* short, stable: "poll-unsafe" */
	const char *kernels; /* the kernels that have it, in words */
	uint32_t from;       /* NVIO_KVER of the first kernel with it, or 0 */
	uint32_t until;      /* NVIO_KVER of the first without it, or 0 */
	const char *decided; /* how nvio decides: probe or version, and why */
	const char *what;    /* the kernel's behaviour */
	const char *action;  /* what nvio does about it */
	/* NVIO_KVER of the first stable release of an older series that has
	 * the fix (same major.minor and a third number at least this), or
	 * 0: releases whose third number is not the stable one (Debian 12's
	 * "6.1.0-57") never count as fixed by it. */
	uint32_t fixed_stable;
};

/* Row i of the table, or NULL past its end. */
NVIO_API const struct nvio_quirk *nvio_quirk(unsigned i);
/* Whether the running kernel has quirk `id` by its version; a version
 * that cannot be read has every quirk of old kernels. */
NVIO_API bool nvio_quirk_applies(unsigned id);
/* Whether queues may poll by default here: neither poll-unsafe nor
 * poll-status applies to the running kernel. */
NVIO_API bool nvio_kernel_polls_safely(void);
/* The running kernel's NVIO_KVER, or 0 if it cannot be read. */
NVIO_API uint32_t nvio_kernel_version(void);

#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#ifdef __cplusplus
}
#endif
#endif /* NVIO_H */
