/* SPDX-License-Identifier: MIT */
/*
 * dev.c - opening the device a command names, with errors that say what
 * the path really is, and the checks of LBA ranges against it that run
 * before anything is sent.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli.h"

const char *cli_sysfs(void)
{
	const char *s = secure_getenv("NVIO_SYSFS_ROOT");

	return s && *s ? s : "/sys";
}

int read_sysfs_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int rc = read_sysfs_str(path, buf, sizeof(buf));

	if (rc)
		return rc;
	return parse_u64(buf, v);
}

/* The sysfs name of a device node ("ng0n1", "nvme0", "null"), or "". */
static void node_sysfs_name(const char *path, char *name, size_t len,
			    bool *is_blk)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;
	const char *b;

	name[0] = '\0';
	if (!path || stat(path, &st) || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		return;
	*is_blk = S_ISBLK(st.st_mode);
	snprintf(link, sizeof(link), "%s/dev/%s/%u:%u", cli_sysfs(),
		 *is_blk ? "block" : "char", major(st.st_rdev),
		 minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	b = strrchr(target, '/');
	str_copy(name, len, b ? b + 1 : target);
}

void guess_generic(const char *path, char *ng, size_t len)
{
	char name[NAME_MAX + 1];
	bool blk = false;

	ng[0] = '\0';
	node_sysfs_name(path, name, sizeof(name), &blk);
	if (!strncmp(name, "ng", 2)) {
		snprintf(ng, len, "/dev/%s", name);
	} else if (!blk && !strncmp(name, "nvme", 4) && !strchr(name + 4, 'n')) {
		/* A controller: its first namespace's generic device. */
		char cdir[PATH_MAX];
		struct dirent *de;
		DIR *dir;

		snprintf(cdir, sizeof(cdir), "%s/class/nvme/%s", cli_sysfs(), name);
		dir = opendir(cdir);
		while (dir && (de = readdir(dir))) {
			if (!strncmp(de->d_name, "ng", 2) &&
			    (!ng[0] || strverscmp(de->d_name, ng + 5) < 0))
				snprintf(ng, len, "/dev/%.*s", NAME_MAX, de->d_name);
		}
		if (dir)
			closedir(dir);
	} else if (blk && !strncmp(name, "nvme", 4) && strchr(name + 4, 'n')) {
		snprintf(ng, len, "/dev/ng%s", name + 4);
	} else if (path && !strncmp(path, "/dev/ng", 7)) {
		snprintf(ng, len, "%s", path);
	}
}

/* Why a path is not an NVMe device, in words. */
static const char *what_is(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return NULL;
	if (S_ISREG(st.st_mode))
		return "a regular file";
	if (S_ISDIR(st.st_mode))
		return "a directory";
	if (S_ISCHR(st.st_mode))
		return "a character device that is not NVMe";
	if (S_ISBLK(st.st_mode))
		return "a block device that is not an NVMe namespace";
	return "not a device";
}

int cli_open(struct cli *c, uint32_t nsid, uint32_t flags, bool queue,
	     struct cli_dev *d)
{
	struct nvio_dev_opts o = { .sz = sizeof(o), .nsid = nsid,
				   .flags = flags,
				   .admin_timeout_ms = c->timeout_ms };
	int rc;

	memset(d, 0, sizeof(*d));
	c->open_rdonly = flags & NVIO_DEV_RDONLY;
	rc = nvio_dev_open(c->dev_path, &o, &d->dev);
	if (rc == -ENODEV && what_is(c->dev_path))
		return err_errno(c, ENODEV, "cannot open (%s)",
				 what_is(c->dev_path));
	if (rc)
		return err_open(c, rc, false);
	d->info = nvio_dev_info(d->dev);
	d->lba_bytes = d->info->lba_size +
		       (d->info->md_extended ? d->info->md_size : 0);
	if (queue && !d->info->ctrl_only) {
		/* Interrupt completions: a one-shot command gains nothing from
		 * polling, and polled passthrough on fabrics controllers oopses
		 * some 6.1 kernels (see nvio doctor). */
		struct nvio_queue_opts qo = {
			.sz = sizeof(qo),
			.depth = 32,
			.flags = NVIO_QUEUE_IRQ,
			.sqpoll_cpu = -1,
			.timeout_ms = c->timeout_ms,
		};

		rc = nvio_queue_create(d->dev, &qo, &d->q);
		if (rc) {
			cli_close(d);
			return err_result(c, rc, "creating the io_uring queue");
		}
	}
	return EXIT_OK;
}

void cli_close(struct cli_dev *d)
{
	if (d->q)
		nvio_queue_destroy(d->q);
	if (d->dev)
		nvio_dev_close(d->dev);
	d->q = NULL;
	d->dev = NULL;
}

int check_range(struct cli *c, const struct cli_dev *d, uint64_t slba,
		uint64_t nlb)
{
	uint64_t nsze = d->info->nsze;

	if (!nlb)
		return err_usage(c, "zero LBAs requested: --block-count must be "
				    "at least 1");
	if (slba >= nsze || nlb > nsze - slba)
		return err_usage(c, "LBA range past the end of the namespace "
				    "(slba %llu + %llu LBAs > %llu LBAs)",
				 (unsigned long long)slba,
				 (unsigned long long)nlb,
				 (unsigned long long)nsze);
	return EXIT_OK;
}

/* The lowest nsid among a controller's namespaces in sysfs, or 0. */
static uint32_t first_nsid(const char *ctrl)
{
	char path[PATH_MAX];
	struct dirent *de;
	uint32_t best = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/class/nvme/%s", cli_sysfs(), ctrl);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		uint64_t v;

		if (strncmp(de->d_name, "nvme", 4) || !strchr(de->d_name + 4, 'n'))
			continue;
		snprintf(path, sizeof(path), "%s/class/nvme/%s/%s/nsid",
			 cli_sysfs(), ctrl, de->d_name);
		if (read_sysfs_u64(path, &v) == 0 && v && v <= UINT32_MAX &&
		    (!best || v < best))
			best = (uint32_t)v;
	}
	closedir(dir);
	return best;
}

int cli_open_any(struct cli *c, uint32_t nsid, uint32_t flags, bool queue,
		 struct cli_dev *d)
{
	struct nvio_dev_opts o = { .sz = sizeof(o), .nsid = nsid,
				   .flags = flags };
	char name[NAME_MAX + 1];
	bool blk = false;
	int rc;

	if (nsid)
		return cli_open(c, nsid, flags, queue, d);
	rc = nvio_dev_open(c->dev_path, &o, &d->dev);
	if (rc == 0) {
		nvio_dev_close(d->dev);
		d->dev = NULL;
		return cli_open(c, 0, flags, queue, d);
	}
	if (rc == -EDESTADDRREQ) {
		node_sysfs_name(c->dev_path, name, sizeof(name), &blk);
		nsid = first_nsid(name);
	}
	/* A controller without namespaces: the controller alone, for the
	 * admin commands that need none (queues are for namespaces). */
	if (rc == -ENODEV) {
		node_sysfs_name(c->dev_path, name, sizeof(name), &blk);
		if (!blk && !strncmp(name, "nvme", 4) && !strchr(name + 4, 'n'))
			return cli_open(c, 0, flags | NVIO_DEV_CTRL, false, d);
	}
	return cli_open(c, nsid, flags, queue, d);
}

int cli_need_admin(struct cli *c, const struct cli_dev *d)
{
	int fd;

	/* Identify went through the namespace's generic device: admin
	 * commands go that way too, and the kernel says what it allows. */
	if (d->info->admin || d->info->id_source == NVIO_ID_NS_DEV)
		return EXIT_OK;
	if (!d->info->ctrl_path[0])
		return err_errno(c, ENODEV, "no controller found for this "
					    "namespace, so no admin commands");
	fd = open(d->info->ctrl_path, O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return err_errno(c, EIO, "the controller %s opens, but libnvio "
					 "could not use it for admin commands",
				 d->info->ctrl_path);
	}
	return err_admin_open(c, errno, d->info->ctrl_path);
}
