/* SPDX-License-Identifier: MIT */
/*
 * device.c - opening a namespace: resolve the path, open the generic
 * device and the controller, and describe both from Identify (or, without
 * admin rights, from sysfs).
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>
#include <nvme/types.h>

#include "nvio-private.h"

static const char *sysfs_root(void)
{
	/* Tests point this at a fake tree; production uses /sys. */
	const char *s = secure_getenv("NVIO_SYSFS_ROOT");

	return s && *s ? s : "/sys";
}

static const char *dev_root(void)
{
	const char *s = secure_getenv("NVIO_DEV_ROOT");

	return s && *s ? s : "/dev";
}

/* Identify strings are space padded, not NUL terminated. */
static void copy_id_str(char *dst, size_t dlen, const char *src, size_t slen)
{
	size_t n = slen < dlen - 1 ? slen : dlen - 1;

	memcpy(dst, src, n);
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\0'))
		n--;
	dst[n] = '\0';
}

void nvio_info_from_identify(struct nvio_dev_info *info, const void *ctrl_buf,
			     const void *ns_buf)
{
	const struct nvme_id_ctrl *ctrl = ctrl_buf;
	const struct nvme_id_ns *ns = ns_buf;
	unsigned fmt;

	if (ctrl) {
		copy_id_str(info->serial, sizeof(info->serial), ctrl->sn,
			    sizeof(ctrl->sn));
		copy_id_str(info->model, sizeof(info->model), ctrl->mn,
			    sizeof(ctrl->mn));
		copy_id_str(info->firmware, sizeof(info->firmware), ctrl->fr,
			    sizeof(ctrl->fr));
		info->vid = le16toh(ctrl->vid);
		info->mdts = ctrl->mdts;
		info->oncs = le16toh(ctrl->oncs);
		info->vwc = ctrl->vwc & 1;
	}
	if (ns) {
		/* FLBAS: format index in bits 3:0, upper bits in 6:5. */
		fmt = (ns->flbas & 0xf) | ((ns->flbas >> 5 & 0x3) << 4);
		if (fmt > 63)
			fmt = 0;
		info->flbas = (uint8_t)fmt;
		info->lba_shift = ns->lbaf[fmt].ds;
		/* The specification's smallest LBA is 512 bytes (LBADS 9); a
		 * device that reports less, or more than 1 MiB, describes a
		 * format nvio cannot address: lba_size 0 refuses the open. */
		info->lba_size = info->lba_shift >= 9 && info->lba_shift <= 20
					 ? 1u << info->lba_shift
					 : 0;
		info->md_size = le16toh(ns->lbaf[fmt].ms);
		info->md_extended = (ns->flbas >> 4) & 1;
		info->pi_type = ns->dps & 0x7;
		info->pi_first = ns->dps & 0x8;
		info->nsze = le64toh(ns->nsze);
		info->copy_max_range = le16toh(ns->mssrl);
		info->copy_max_len = le32toh(ns->mcl);
		/* MSRC is zero-based; 0 with MCL 0 says nothing */
		info->copy_max_ranges = info->copy_max_len ? ns->msrc + 1u : 0;
	}
}

/* The largest transfer one command may carry: the controller's MDTS
 * (assuming the 4 KiB minimum page the Linux driver uses), cut to what the
 * kernel's queue accepts (max_hw_sectors_kb, and one page per segment for
 * a buffer that is not physically contiguous). */
void nvio_info_limits(struct nvio_dev_info *info, uint64_t max_hw_kb,
		      uint64_t max_segs)
{
	uint64_t max = 1u << 20; /* 1 MiB when nothing says otherwise */
	uint32_t per_lba;

	if (info->mdts && info->mdts < 20)
		max = (uint64_t)NVIO_PAGE << info->mdts;
	if (max_hw_kb && max_hw_kb * 1024 < max)
		max = max_hw_kb * 1024;
	if (max_segs > 1 && (max_segs - 1) * NVIO_PAGE < max)
		max = (max_segs - 1) * NVIO_PAGE;
	per_lba = info->lba_size + (info->md_extended ? info->md_size : 0);
	if (!per_lba)
		per_lba = 512;
	info->max_nlb = (uint32_t)(max / per_lba);
	if (info->max_nlb > NVIO_NLB_LIMIT)
		info->max_nlb = NVIO_NLB_LIMIT;
	if (!info->max_nlb)
		info->max_nlb = 1;
	info->max_xfer = info->max_nlb * per_lba;
}

/* The PI's guard size and storage tag: a controller with extended LBA
 * formats (CTRATT.ELBAS) says them per format in the NVM command set's
 * Identify Namespace (CNS 05h, CSI 0: ELBAF at byte 12, STS in bits 6:0,
 * the guard type in 8:7); one without has only the 16-bit guard. If that
 * Identify fails, the format stays unknown (0): commands that would
 * need it are refused rather than guessed. `scratch` is 4 KiB. */
static void pi_format(struct nvio_dev *dev, const void *id_ctrl,
		      void *scratch)
{
	static const uint8_t guard[4] = { 16, 32, 64, 0 };
	const struct nvme_id_ctrl *ctrl = id_ctrl;
	struct nvio_dev_info *info = &dev->info;
	struct nvio_cmd c;
	uint32_t elbaf;

	info->pi_guard_bits = 16;
	info->pi_size = 8;
	info->pi_sts = 0;
	if (!(le32toh(ctrl->ctratt) & (1u << 15)))
		return;
	nvio_cmd_identify(&c, 0x05, info->nsid, 0);
	c.cdw11 = 0; /* CSI 0: the NVM command set */
	if (nvio_admin_passthru(dev, &c, scratch, 4096, NULL)) {
		info->pi_guard_bits = 0;
		info->pi_size = 0;
		return;
	}
	memcpy(&elbaf, (const uint8_t *)scratch + 12 + 4 * info->flbas, 4);
	elbaf = le32toh(elbaf);
	info->pi_guard_bits = guard[(elbaf >> 7) & 3];
	info->pi_size = info->pi_guard_bits == 16 ? 8 : info->pi_guard_bits ? 16 : 0;
	info->pi_sts = elbaf & 0x7f;
}

/* An Identify of command set `csi` into scratch (4 KiB): 0 or what the
 * admin path returned. */
static int identify_csi(struct nvio_dev *dev, uint8_t cns, uint32_t nsid,
			uint8_t csi, void *scratch)
{
	struct nvio_cmd c;

	nvio_cmd_identify(&c, cns, nsid, 0);
	c.cdw11 = (uint32_t)csi << 24;
	return nvio_admin_passthru(dev, &c, scratch, 4096, NULL);
}

/* The namespace's command set from its identification descriptors (CNS
 * 03h: NIDT 4 is the CSI), or -1 where they do not say. */
static int ns_csi(struct nvio_dev *dev, uint8_t *buf)
{
	if (nvio_identify_ns_descs(dev, dev->info.nsid, buf))
		return -1;
	for (unsigned off = 0; off + 4 <= 4096;) {
		uint8_t type = buf[off], len = buf[off + 1];

		if (!type || !len)
			break;
		if (type == 4 && len >= 1 && off + 4 < 4096)
			return buf[off + 4];
		off += 4u + len;
	}
	return -1;
}

/* Zoned: the zone size of the active format (Identify Namespace for
 * CSI 2: MAR at byte 4, MOR at 8, the LBA format extensions at 2816,
 * 16 bytes each, ZSZE first) and ZASL (Identify Controller for CSI 2,
 * byte 0: 2^ZASL minimum pages; 0 means MDTS). A failure leaves the
 * namespace zoned with no zone size: zone commands are then refused. */
static void zns_info(struct nvio_dev *dev, uint8_t *buf)
{
	struct nvio_dev_info *i = &dev->info;
	uint64_t zsze;
	uint32_t v;

	i->zoned = true;
	if (identify_csi(dev, 0x05, i->nsid, 2, buf))
		return;
	memcpy(&v, buf + 4, 4);
	v = le32toh(v);
	i->max_active_zones = v == UINT32_MAX ? 0 : v + 1;
	memcpy(&v, buf + 8, 4);
	v = le32toh(v);
	i->max_open_zones = v == UINT32_MAX ? 0 : v + 1;
	memcpy(&zsze, buf + 2816 + 16 * i->flbas, 8);
	i->zone_size = le64toh(zsze);
	if (i->zone_size)
		i->nr_zones = (i->nsze + i->zone_size - 1) / i->zone_size;
	if (!identify_csi(dev, 0x06, 0, 2, buf) && buf[0] && buf[0] < 20)
		i->zone_append_max = NVIO_PAGE << buf[0];
}

static int identify_all(struct nvio_dev *dev)
{
	void *ctrl = nvio_buf_alloc(4096), *ns = nvio_buf_alloc(4096);
	int rc = -ENOMEM;

	if (!ctrl || !ns)
		goto out;
	rc = nvio_identify_ctrl(dev, ctrl);
	if (rc)
		goto out;
	rc = nvio_identify_ns(dev, dev->info.nsid, ns);
	if (rc)
		goto out;
	nvio_info_from_identify(&dev->info, ctrl, ns);
	if (dev->info.pi_type)
		pi_format(dev, ctrl, ns);
	nvio_fdp_probe(dev, ctrl, ns);
	if (ns_csi(dev, ns) == 2)
		zns_info(dev, ns);
out:
	nvio_buf_free(ctrl);
	nvio_buf_free(ns);
	/* An NVMe status here means the device refused Identify. */
	return rc > 0 ? -EIO : rc;
}

/* Without the controller: Identify through the namespace's own generic
 * device, which 6.2 and later allow a user who may open it. This is what
 * tells the metadata format, which sysfs does not fully say. Admin
 * commands then keep going that way (the kernel refuses what needs
 * CAP_SYS_ADMIN, such as log pages), unless the caller asked for no
 * admin path at all. */
static int identify_ns_dev(struct nvio_dev *dev, bool no_admin)
{
	int err = dev->admin_err, rc;

	dev->admin_mode = NVIO_ADMIN_NS_IOCTL;
	rc = identify_all(dev);
	if (rc || no_admin) {
		dev->admin_mode = NVIO_ADMIN_NONE;
		dev->admin_err = err;
	} else {
		dev->admin_err = 0;
	}
	if (rc == 0)
		dev->info.id_source = NVIO_ID_NS_DEV;
	return rc;
}

/* Without Identify: what the block layer knows. */
static int info_from_sysfs(struct nvio_dev *dev, const char *sysfs,
			   const char *ctrl)
{
	char path[PATH_MAX];
	uint64_t lbs = 0, sectors = 0;

	snprintf(path, sizeof(path), "%s/block/%s/queue/logical_block_size",
		 sysfs, dev->info.block_name);
	if (nvio_sysfs_read_u64(path, &lbs) || lbs < 512 || lbs > (1u << 20) ||
	    (lbs & (lbs - 1)))
		return -ENODEV;
	snprintf(path, sizeof(path), "%s/block/%s/size", sysfs,
		 dev->info.block_name);
	nvio_sysfs_read_u64(path, &sectors);
	dev->info.lba_size = (uint32_t)lbs;
	dev->info.lba_shift = (uint32_t)__builtin_ctzll(lbs);
	/* sectors are 512 bytes: no product, which could wrap */
	dev->info.nsze = sectors / (lbs / 512);
	dev->info.id_source = NVIO_ID_SYSFS;
	/* metadata_bytes (newer kernels) says how much metadata each LBA
	 * has, but not whether it is separate or interleaved, nor its PI:
	 * only 0 lets I/O go out. Without the file nothing is known. */
	uint64_t ms = 0;
	snprintf(path, sizeof(path), "%s/block/%s/metadata_bytes", sysfs,
		 dev->info.block_name);
	if (nvio_sysfs_read_u64(path, &ms) == 0 && ms <= UINT16_MAX) {
		dev->info.md_size = (uint32_t)ms;
		dev->info.md_unknown = ms != 0;
	} else {
		dev->info.md_unknown = true;
	}
	if (ctrl[0]) {
		snprintf(path, sizeof(path), "%s/class/nvme/%s/model", sysfs, ctrl);
		nvio_sysfs_read_str(path, dev->info.model, sizeof(dev->info.model));
		snprintf(path, sizeof(path), "%s/class/nvme/%s/serial", sysfs, ctrl);
		nvio_sysfs_read_str(path, dev->info.serial,
				    sizeof(dev->info.serial));
		snprintf(path, sizeof(path), "%s/class/nvme/%s/firmware_rev",
			 sysfs, ctrl);
		nvio_sysfs_read_str(path, dev->info.firmware,
				    sizeof(dev->info.firmware));
	}
	return 0;
}

static struct nvio_dev *dev_alloc(const struct nvio_dev_opts *o)
{
	struct nvio_dev *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->fd = -1;
	dev->ctrl_fd = -1;
	dev->admin_err = -ENODEV;
	dev->admin_timeout_ms = o->admin_timeout_ms;
	dev->refs = 1;
	pthread_mutex_init(&dev->admin_lock, NULL);
	return dev;
}

/* NVIO_DEV_CTRL: the controller alone. Admin commands need it open, so
 * its failure (-EACCES without the rights) is the open's. */
static int ctrl_open(const char *path, const struct nvio_dev_opts *o,
		     struct nvio_dev **devp)
{
	struct nvio_path_map map;
	struct nvio_dev *dev;
	struct stat st;
	void *id;
	int rc;

	if (o->nsid || (o->flags & NVIO_DEV_NO_ADMIN))
		return -EINVAL;
	if (stat(path, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return -ENODEV;
	rc = nvio_map_ctrl(sysfs_root(),
			   S_ISCHR(st.st_mode) ? NVIO_NODE_CHR : NVIO_NODE_BLK,
			   major(st.st_rdev), minor(st.st_rdev), &map);
	if (rc)
		return rc;
	dev = dev_alloc(o);
	if (!dev)
		return -ENOMEM;
	snprintf(dev->info.ctrl_path, sizeof(dev->info.ctrl_path), "%s/%s",
		 dev_root(), map.ctrl);
	snprintf(dev->info.transport, sizeof(dev->info.transport), "%s",
		 map.transport);
	dev->info.ctrl_only = true;
	dev->info.id_source = NVIO_ID_CTRL;
	rc = nvio_admin_setup(dev, o->flags & NVIO_DEV_RDONLY);
	id = rc ? NULL : nvio_buf_alloc(4096);
	if (!rc && !id)
		rc = -ENOMEM;
	if (!rc) {
		rc = nvio_identify_ctrl(dev, id);
		if (rc > 0)
			rc = -EIO; /* the controller refused Identify */
	}
	if (!rc)
		nvio_info_from_identify(&dev->info, id, NULL);
	nvio_buf_free(id);
	if (rc) {
		nvio_dev_close(dev);
		return rc;
	}
	dev->info.admin = true;
	*devp = dev;
	return 0;
}

int nvio_dev_open(const char *path, const struct nvio_dev_opts *opts,
		  struct nvio_dev **devp)
{
	struct nvio_dev_opts o = { .sz = sizeof(o) };
	const char *sysfs = sysfs_root();
	struct nvio_path_map map;
	struct nvio_dev *dev;
	char p[PATH_MAX];
	struct stat st;
	uint64_t v;
	int rc, id;

	if (!path || !devp)
		return -EINVAL;
	*devp = NULL;
	if (opts) {
		if (opts->sz < offsetof(struct nvio_dev_opts, flags) +
				       sizeof(opts->flags))
			return -EINVAL;
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
		if (o.flags & ~(NVIO_DEV_RDONLY | NVIO_DEV_NO_ADMIN |
				NVIO_DEV_CTRL))
			return -EINVAL;
	}
	if (o.flags & NVIO_DEV_CTRL)
		return ctrl_open(path, &o, devp);
	if (stat(path, &st))
		return -errno;
	if (S_ISCHR(st.st_mode))
		rc = nvio_map_node(sysfs, NVIO_NODE_CHR, major(st.st_rdev),
				   minor(st.st_rdev), o.nsid, &map);
	else if (S_ISBLK(st.st_mode))
		rc = nvio_map_node(sysfs, NVIO_NODE_BLK, major(st.st_rdev),
				   minor(st.st_rdev), o.nsid, &map);
	else
		rc = -ENODEV;
	if (rc)
		return rc;

	dev = dev_alloc(&o);
	if (!dev)
		return -ENOMEM;
	snprintf(dev->info.generic_path, sizeof(dev->info.generic_path),
		 "%s/%s", dev_root(), map.ng);
	snprintf(dev->info.block_name, sizeof(dev->info.block_name), "%s",
		 map.block);
	snprintf(dev->info.transport, sizeof(dev->info.transport), "%s",
		 map.transport);
	if (map.ctrl[0])
		snprintf(dev->info.ctrl_path, sizeof(dev->info.ctrl_path),
			 "%s/%s", dev_root(), map.ctrl);

	dev->fd = open(dev->info.generic_path,
		       ((o.flags & NVIO_DEV_RDONLY) ? O_RDONLY : O_RDWR) |
			       O_CLOEXEC);
	if (dev->fd < 0) {
		rc = -errno;
		goto fail;
	}
	id = ioctl(dev->fd, NVME_IOCTL_ID);
	if (id <= 0) {
		rc = id < 0 ? -errno : -ENODEV;
		goto fail;
	}
	dev->info.nsid = (uint32_t)id;
	/* A namespace path names its namespace; a different nsid in the
	 * options is a contradiction, not something to ignore. */
	if (o.nsid && o.nsid != dev->info.nsid) {
		rc = -EINVAL;
		goto fail;
	}

	snprintf(p, sizeof(p), "%s/block/%s/queue/io_poll", sysfs, map.block);
	dev->info.poll_queues = !nvio_sysfs_read_u64(p, &v) && v == 1;

	if (!(o.flags & NVIO_DEV_NO_ADMIN) && dev->info.ctrl_path[0])
		nvio_admin_setup(dev, o.flags & NVIO_DEV_RDONLY);
	if (dev->admin_mode != NVIO_ADMIN_NONE) {
		rc = identify_all(dev);
		/* Opened but not allowed to identify (unprivileged, or an
		 * LSM): go on like a caller without the controller. */
		if (rc == -EACCES || rc == -EPERM) {
			nvio_admin_teardown(dev);
			dev->admin_err = rc;
		} else if (rc) {
			goto fail;
		} else {
			dev->info.admin = true;
		}
	}
	if (!dev->info.admin) {
		rc = identify_ns_dev(dev, o.flags & NVIO_DEV_NO_ADMIN);
		if (rc)
			rc = info_from_sysfs(dev, sysfs, map.ctrl);
		if (rc)
			goto fail;
	}
	if (!dev->info.lba_size) {
		rc = -ENODEV; /* a format this library cannot address */
		goto fail;
	}
	{
		uint64_t hw_kb = 0, segs = 0;

		snprintf(p, sizeof(p), "%s/block/%s/queue/max_hw_sectors_kb",
			 sysfs, map.block);
		nvio_sysfs_read_u64(p, &hw_kb);
		snprintf(p, sizeof(p), "%s/block/%s/queue/max_segments", sysfs,
			 map.block);
		nvio_sysfs_read_u64(p, &segs);
		nvio_info_limits(&dev->info, hw_kb, segs);
	}
	if (!dev->info.zoned) {
		/* the identification descriptors could not be read (an
		 * unprivileged caller): the block layer knows */
		char z[32] = "";

		snprintf(p, sizeof(p), "%s/block/%s/queue/zoned", sysfs,
			 map.block);
		if (!nvio_sysfs_read_str(p, z, sizeof(z)) &&
		    !strncmp(z, "host-managed", 12))
			dev->info.zoned = true;
	}
	if (dev->info.zoned &&
	    (!dev->info.zone_append_max ||
	     dev->info.zone_append_max > dev->info.max_xfer))
		dev->info.zone_append_max = dev->info.max_xfer;
	*devp = dev;
	return 0;
fail:
	nvio_dev_close(dev);
	return rc;
}

void nvio_dev_get(struct nvio_dev *dev)
{
	if (dev)
		__atomic_add_fetch(&dev->refs, 1, __ATOMIC_RELAXED);
}

/* The last reference closes: the caller's handle, or a queue's when the
 * caller closed first (its queues go on working, on open descriptors). */
void nvio_dev_put(struct nvio_dev *dev)
{
	if (!dev || __atomic_sub_fetch(&dev->refs, 1, __ATOMIC_ACQ_REL))
		return;
	nvio_admin_teardown(dev);
	if (dev->fd >= 0)
		close(dev->fd);
	pthread_mutex_destroy(&dev->admin_lock);
	free(dev);
}

void nvio_dev_close(struct nvio_dev *dev)
{
	nvio_dev_put(dev);
}

int nvio_dev_set_admin_timeout(struct nvio_dev *dev, uint32_t ms)
{
	if (!dev)
		return -EINVAL;
	__atomic_store_n(&dev->admin_timeout_ms, ms, __ATOMIC_RELAXED);
	return 0;
}

const struct nvio_dev_info *nvio_dev_info(const struct nvio_dev *dev)
{
	return &dev->info;
}

/* The controller's name (nvmeX) from its path, or NULL. */
static const char *ctrl_name(const struct nvio_dev *dev)
{
	const char *s = strrchr(dev->info.ctrl_path, '/');

	return s && s[1] ? s + 1 : NULL;
}

int nvio_dev_ctrl_state(const struct nvio_dev *dev, char *buf, size_t len)
{
	char st[32];
	int rc;

	if (!dev || !buf || !len)
		return -EINVAL;
	if (!ctrl_name(dev))
		return -ENODEV;
	rc = nvio_sysfs_path_live(sysfs_root(), ctrl_name(dev), st, sizeof(st));
	if (rc < 0)
		return rc == -ENOENT ? -ENODEV : rc;
	if (strlen(st) >= len)
		return -ERANGE;
	memcpy(buf, st, strlen(st) + 1);
	return 0;
}

/* With multipath (Debian's default) /dev/ngXnY is the namespace head's
 * device, and while no controller behind it is live (resetting, or a
 * fabrics controller reconnecting) the kernel fails every passthrough
 * command at once with -EINVAL (nvme_ns_head_chr_uring_cmd: no path
 * found). That is no bad argument: say what it is. */
int nvio_res_no_path(const struct nvio_dev *dev, int res)
{
	if (res != -EINVAL || !dev || !ctrl_name(dev))
		return res;
	return nvio_sysfs_path_live(sysfs_root(), ctrl_name(dev), NULL, 0) == 0 ?
		-ENOLINK : res;
}

int nvio_dev_fd(const struct nvio_dev *dev)
{
	return dev->fd;
}
