/* SPDX-License-Identifier: MIT */
/*
 * admin.c - admin commands on the controller's char device.
 *
 * Admin passthrough fails on IOPOLL rings (-EOPNOTSUPP) and on the
 * namespace's generic device (-ENOTTY), so the device keeps its own small
 * interrupt-driven ring on /dev/nvmeX, behind a mutex: admin commands are
 * rare and may come from any thread. Kernels without admin uring_cmd get
 * the NVME_IOCTL_ADMIN64_CMD ioctl instead. A caller who may not open the
 * controller sends the same ioctl to the namespace's generic device,
 * where the kernel (6.2+) lets an unprivileged user Identify.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/nvme_ioctl.h>

#include "nvio-private.h"

#define ADMIN_DEPTH 4

int nvio_admin_setup(struct nvio_dev *dev, bool rdonly)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
	};
	int rc;

	dev->ctrl_fd = open(dev->info.ctrl_path,
			    (rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (dev->ctrl_fd < 0) {
		dev->admin_err = -errno;
		return dev->admin_err;
	}
	/* NVIO_ADMIN_IOCTL=1 takes the fallback on purpose, so the tests can
	 * run it on kernels that have admin uring_cmd. */
	if (secure_getenv("NVIO_ADMIN_IOCTL")) {
		dev->admin_mode = NVIO_ADMIN_IOCTL;
		dev->admin_err = 0;
		return 0;
	}
	rc = io_uring_queue_init_params(ADMIN_DEPTH, &dev->admin_ring, &p);
	if (rc == 0) {
		dev->admin_ring_ok = true;
		dev->admin_mode = NVIO_ADMIN_URING;
	} else {
		dev->admin_mode = NVIO_ADMIN_IOCTL;
	}
	dev->admin_err = 0;
	return 0;
}

void nvio_admin_teardown(struct nvio_dev *dev)
{
	if (dev->admin_ring_ok)
		io_uring_queue_exit(&dev->admin_ring);
	dev->admin_ring_ok = false;
	if (dev->ctrl_fd >= 0)
		close(dev->ctrl_fd);
	dev->ctrl_fd = -1;
	dev->admin_mode = NVIO_ADMIN_NONE;
}

static int admin_ioctl(struct nvio_dev *dev, const struct nvio_cmd *cmd,
		       void *buf, uint32_t len, uint64_t *result, int fd)
{
	struct nvme_passthru_cmd64 pc;
	int rc;

	nvio_cmd_to_ioctl(cmd, buf, len, &pc);
	pc.timeout_ms = __atomic_load_n(&dev->admin_timeout_ms, __ATOMIC_RELAXED);
	rc = ioctl(fd, NVME_IOCTL_ADMIN64_CMD, &pc);

	if (rc < 0)
		return -errno;
	if (result)
		*result = pc.result;
	return rc;
}

static int admin_uring(struct nvio_dev *dev, const struct nvio_cmd *cmd,
		       void *buf, uint32_t len, uint64_t *result)
{
	struct io_uring *ring = &dev->admin_ring;
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct nvme_uring_cmd *uc;
	struct io_uring_cqe *cqe;
	uint64_t tag;
	int rc;

	if (!sqe)
		return -EBUSY;
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = dev->ctrl_fd;
	sqe->cmd_op = NVME_URING_CMD_ADMIN;
	uc = (struct nvme_uring_cmd *)sqe->cmd;
	nvio_uring_cmd_from(cmd, uc);
	uc->addr = (uintptr_t)buf;
	uc->data_len = len;
	uc->timeout_ms = __atomic_load_n(&dev->admin_timeout_ms, __ATOMIC_RELAXED);
	tag = ++dev->admin_tag;
	sqe->user_data = tag;
	rc = io_uring_submit(ring);
	if (rc < 0)
		return rc;
	/* The command writes buf until it completes, so a signal does not
	 * end this wait; the command's timeout does (the kernel aborts it,
	 * then resets the controller). Only its own completion ends it: a
	 * stray one (none are expected) is dropped. */
	for (;;) {
		rc = io_uring_wait_cqe(ring, &cqe);
		if (rc == -EINTR)
			continue;
		if (rc < 0)
			return rc;
		if (cqe->user_data == tag)
			break;
		io_uring_cqe_seen(ring, cqe);
	}
	rc = cqe->res;
	if (result)
		*result = cqe->big_cqe[0];
	io_uring_cqe_seen(ring, cqe);
	return rc;
}

static int admin_send(struct nvio_dev *dev, const struct nvio_cmd *cmd,
		      void *buf, uint32_t len, uint64_t *result);

int nvio_admin_passthru(struct nvio_dev *dev, const struct nvio_cmd *cmd,
			void *buf, uint32_t len, uint64_t *result)
{
	uint32_t tmo;
	uint64_t t0;

	if (!dev || !cmd)
		return -EINVAL;
	tmo = __atomic_load_n(&dev->admin_timeout_ms, __ATOMIC_RELAXED);
	/* -ETIMEDOUT after the timeout, as for the synchronous I/O
	 * helpers (see nvio_res_after_timeout) */
	t0 = tmo ? nvio_mono_ms() : 0;
	return nvio_res_no_path(dev, nvio_res_after_timeout(
		admin_send(dev, cmd, buf, len, result), tmo, t0));
}

static int admin_send(struct nvio_dev *dev, const struct nvio_cmd *cmd,
		      void *buf, uint32_t len, uint64_t *result)
{
	int rc;

	if (!dev || !cmd)
		return -EINVAL;
	if (len && !buf)
		return -EFAULT;
	if (buf && !len)
		return -EMSGSIZE;
	/* The ring is for one command at a time; a thread that finds it
	 * busy sends through the ioctl instead of waiting behind another
	 * thread's command (the kernel serves both concurrently). */
	if (pthread_mutex_trylock(&dev->admin_lock)) {
		enum nvio_admin_mode m = __atomic_load_n(&dev->admin_mode,
							 __ATOMIC_ACQUIRE);

		if (m == NVIO_ADMIN_URING || m == NVIO_ADMIN_IOCTL)
			return admin_ioctl(dev, cmd, buf, len, result,
					   dev->ctrl_fd);
		if (m == NVIO_ADMIN_NS_IOCTL)
			return admin_ioctl(dev, cmd, buf, len, result,
					   dev->fd);
		pthread_mutex_lock(&dev->admin_lock);
	}
	if (dev->admin_mode == NVIO_ADMIN_NONE) {
		rc = dev->admin_err ? dev->admin_err : -ENODEV;
	} else if (dev->admin_mode == NVIO_ADMIN_URING) {
		rc = admin_uring(dev, cmd, buf, len, result);
		/* This kernel has no admin uring_cmd: use the ioctl from now
		 * on. Any other error is the command's own. */
		if (rc == -EOPNOTSUPP || rc == -ENOTTY || rc == -EBADF) {
			__atomic_store_n(&dev->admin_mode, NVIO_ADMIN_IOCTL,
					 __ATOMIC_RELEASE);
			rc = admin_ioctl(dev, cmd, buf, len, result,
					 dev->ctrl_fd);
		}
	} else {
		rc = admin_ioctl(dev, cmd, buf, len, result,
				 dev->admin_mode == NVIO_ADMIN_NS_IOCTL
					 ? dev->fd
					 : dev->ctrl_fd);
	}
	pthread_mutex_unlock(&dev->admin_lock);
	return rc;
}

int nvio_identify_ctrl(struct nvio_dev *dev, void *buf)
{
	struct nvio_cmd c;

	nvio_cmd_identify(&c, NVIO_CNS_CTRL, 0, 0);
	return nvio_admin_passthru(dev, &c, buf, 4096, NULL);
}

int nvio_identify_ns(struct nvio_dev *dev, uint32_t nsid, void *buf)
{
	struct nvio_cmd c;

	if (!nsid || nsid == UINT32_MAX)
		return -EINVAL;
	nvio_cmd_identify(&c, NVIO_CNS_NS, nsid, 0);
	return nvio_admin_passthru(dev, &c, buf, 4096, NULL);
}

int nvio_identify(struct nvio_dev *dev, uint8_t cns, uint8_t csi,
		  uint32_t nsid, uint16_t cntid, void *buf)
{
	struct nvio_cmd c;

	if (!buf)
		return -EINVAL;
	nvio_cmd_identify(&c, cns, nsid, cntid);
	c.cdw11 = (uint32_t)csi << 24;
	return nvio_admin_passthru(dev, &c, buf, 4096, NULL);
}

int nvio_identify_ns_descs(struct nvio_dev *dev, uint32_t nsid, void *buf)
{
	struct nvio_cmd c;

	nvio_cmd_identify(&c, 0x03, nsid, 0);
	return nvio_admin_passthru(dev, &c, buf, 4096, NULL);
}

int nvio_identify_active_ns(struct nvio_dev *dev, uint32_t start,
			    uint32_t *list)
{
	struct nvio_cmd c;

	if (start >= 0xfffffffeu)
		return -EINVAL;
	nvio_cmd_identify(&c, NVIO_CNS_NS_ACTIVE_LIST, start, 0);
	return nvio_admin_passthru(dev, &c, list, 4096, NULL);
}

int nvio_get_log(struct nvio_dev *dev, uint8_t lid, uint32_t nsid,
		 uint64_t offset, void *buf, uint32_t len)
{
	struct nvio_cmd c;

	if (!len || (len & 3) || (offset & 3))
		return -EINVAL;
	nvio_cmd_get_log(&c, lid, nsid, offset, len, 0, false);
	return nvio_admin_passthru(dev, &c, buf, len, NULL);
}

int nvio_get_feature(struct nvio_dev *dev, uint8_t fid, uint32_t nsid,
		     uint8_t sel, uint32_t cdw11, void *buf, uint32_t len,
		     uint32_t *result)
{
	struct nvio_cmd c;
	uint64_t r = 0;
	int rc;

	if (sel > 3)
		return -EINVAL;
	nvio_cmd_get_features(&c, fid, nsid, sel, cdw11);
	rc = nvio_admin_passthru(dev, &c, buf, len, &r);
	if (rc == 0 && result)
		*result = (uint32_t)r;
	return rc;
}

int nvio_set_feature(struct nvio_dev *dev, uint8_t fid, uint32_t nsid,
		     uint32_t cdw11, bool save, void *buf, uint32_t len,
		     uint32_t *result)
{
	struct nvio_cmd c;
	uint64_t r = 0;
	int rc;

	nvio_cmd_set_features(&c, fid, nsid, cdw11, save);
	rc = nvio_admin_passthru(dev, &c, buf, len, &r);
	if (rc == 0 && result)
		*result = (uint32_t)r;
	return rc;
}
