/* SPDX-License-Identifier: MIT */
/*
 * safety.c - whether `lat` and `sweep` may write: the same rules as
 * `nvio write` (tools/safety.c): not when the namespace's block device or
 * one of its partitions is mounted or an active swap area, has holders
 * (device-mapper, md), or starts with a partition table, filesystem or
 * volume signature. Passthrough bypasses the block layer, so the kernel
 * would not stop such writes.
 *
 * This is a self-contained copy of those rules so the probe builds on its
 * own; once it is linked into the nvio tool, lat_safety_check() can call
 * safety_in_use() and safety_signature() from tools/safety.c instead.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lat-int.h"

static bool at(const unsigned char *buf, size_t len, size_t off,
	       const void *magic, size_t n)
{
	return off + n <= len && !memcmp(buf + off, magic, n);
}

const char *lat_safety_signature(const unsigned char *buf, size_t len,
				 unsigned lba_size)
{
	static const unsigned char md_magic[] = { 0xfc, 0x4e, 0x2b, 0xa9 };
	static const unsigned char f2fs_magic[] = { 0x10, 0x20, 0xf5, 0xf2 };
	static const unsigned char ext_magic[] = { 0x53, 0xef };
	static const unsigned char mbr_magic[] = { 0x55, 0xaa };
	static const size_t swap_at[] = { 4096, 8192, 16384, 65536 };

	if (!buf)
		return NULL;
	if (at(buf, len, 0, "LUKS\xba\xbe", 6))
		return "a LUKS encrypted volume";
	if (at(buf, len, 0, "XFSB", 4))
		return "an XFS filesystem";
	if (at(buf, len, 0, md_magic, 4) || at(buf, len, 4096, md_magic, 4))
		return "an md RAID member superblock";
	for (size_t s = 0; s < 4; s++)
		if (at(buf, len, s * 512, "LABELONE", 8))
			return "an LVM physical volume label";
	if ((lba_size && at(buf, len, lba_size, "EFI PART", 8)) ||
	    at(buf, len, 512, "EFI PART", 8) || at(buf, len, 4096, "EFI PART", 8))
		return "a GPT partition table";
	if (at(buf, len, 1080, ext_magic, 2))
		return "an ext2/ext3/ext4 filesystem";
	if (at(buf, len, 65536 + 64, "_BHRfS_M", 8))
		return "a Btrfs filesystem";
	for (size_t i = 0; i < sizeof(swap_at) / sizeof(swap_at[0]); i++)
		if (at(buf, len, swap_at[i] - 10, "SWAPSPACE2", 10) ||
		    at(buf, len, swap_at[i] - 10, "SWAP-SPACE", 10))
			return "a swap area";
	if (at(buf, len, 1024, f2fs_magic, 4))
		return "an F2FS filesystem";
	if (at(buf, len, 3, "NTFS    ", 8))
		return "an NTFS filesystem";
	if (at(buf, len, 3, "EXFAT   ", 8))
		return "an exFAT filesystem";
	if (at(buf, len, 82, "FAT32   ", 8) || at(buf, len, 54, "FAT12   ", 8) ||
	    at(buf, len, 54, "FAT16   ", 8) || at(buf, len, 54, "FAT     ", 8))
		return "a FAT filesystem";
	if (at(buf, len, 32769, "CD001", 5))
		return "an ISO 9660 filesystem";
	if (at(buf, len, 510, mbr_magic, 2))
		return "a DOS/MBR partition table or boot sector";
	return NULL;
}

struct blkdev {
	char name[NAME_MAX + 1];
	char devno[32];
};

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char *nl;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static const char *sysfs_root(void)
{
	const char *s = getenv("NVIO_SYSFS_ROOT");

	return s && *s ? s : "/sys";
}

/* The namespace's block device and its partitions. */
static unsigned list_devs(const char *block, struct blkdev *out, unsigned max)
{
	const char *sysfs = sysfs_root();
	char path[PATH_MAX];
	struct dirent *de;
	unsigned n = 1;
	DIR *dir;

	snprintf(out[0].name, sizeof(out[0].name), "%s", block);
	snprintf(path, sizeof(path), "%s/block/%s/dev", sysfs, block);
	if (read_line(path, out[0].devno, sizeof(out[0].devno)))
		out[0].devno[0] = '\0';
	snprintf(path, sizeof(path), "%s/block/%s", sysfs, block);
	dir = opendir(path);
	if (!dir)
		return n;
	while ((de = readdir(dir)) && n < max) {
		char p2[PATH_MAX + NAME_MAX + 16];

		if (strncmp(de->d_name, block, strlen(block)))
			continue;
		snprintf(p2, sizeof(p2), "%s/%s/partition", path, de->d_name);
		if (read_line(p2, out[n].devno, sizeof(out[n].devno)))
			continue;
		snprintf(p2, sizeof(p2), "%s/%s/dev", path, de->d_name);
		if (read_line(p2, out[n].devno, sizeof(out[n].devno)))
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%s", de->d_name);
		n++;
	}
	closedir(dir);
	return n;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool mounted(const struct blkdev *d, unsigned n, char *why, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		char devno[32], mnt[PATH_MAX], fstype[64] = "?", src[PATH_MAX] = "";
		char *dash = strstr(line, " - ");

		if (sscanf(line, "%*s %*s %31s %*s %4095s", devno, mnt) != 2)
			continue;
		if (dash)
			sscanf(dash + 3, "%63s %4095s", fstype, src);
		for (unsigned i = 0; i < n && !found; i++) {
			/* btrfs shows an anonymous 0:N: compare the source. */
			if ((d[i].devno[0] && !strcmp(devno, d[i].devno)) ||
			    (!strncmp(src, "/dev/", 5) &&
			     !strcmp(base(src), d[i].name))) {
				snprintf(why, len, "/dev/%s is mounted on %s (%s)",
					 d[i].name, mnt, fstype);
				found = true;
			}
		}
	}
	free(line);
	fclose(f);
	return found;
}

static bool swapping(const struct blkdev *d, unsigned n, char *why, size_t len)
{
	FILE *f = fopen("/proc/swaps", "re");
	char line[PATH_MAX + 128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char path[PATH_MAX];

		if (sscanf(line, "%4095s", path) != 1 || strncmp(path, "/dev/", 5))
			continue;
		for (unsigned i = 0; i < n && !found; i++) {
			if (!strcmp(base(path), d[i].name)) {
				snprintf(why, len, "/dev/%s is an active swap area",
					 d[i].name);
				found = true;
			}
		}
	}
	fclose(f);
	return found;
}

static bool held(const char *block, const struct blkdev *d, unsigned n,
		 char *why, size_t len)
{
	for (unsigned i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct dirent *de;
		DIR *dir;

		if (i == 0)
			snprintf(path, sizeof(path), "%s/block/%s/holders",
				 sysfs_root(), block);
		else
			snprintf(path, sizeof(path), "%s/block/%s/%s/holders",
				 sysfs_root(), block, d[i].name);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(why, len, "/dev/%s is held by %s (device-mapper, "
				 "md or another driver)", d[i].name, de->d_name);
			closedir(dir);
			return true;
		}
		closedir(dir);
	}
	return false;
}

int lat_safety_check(struct nvio_dev *dev, char *why, size_t len)
{
	const struct nvio_dev_info *info = nvio_dev_info(dev);
	struct nvio_queue_opts qo = { .sz = sizeof(qo), .depth = 4,
				      .flags = NVIO_QUEUE_IRQ,
				      .sqpoll_cpu = -1 };
	struct nvio_queue *q;
	struct blkdev devs[64];
	unsigned char *buf;
	uint64_t nlb, unit;
	const char *sig;
	unsigned n;
	int rc;

	if (info->block_name[0]) {
		n = list_devs(info->block_name, devs, 64);
		if (mounted(devs, n, why, len) || swapping(devs, n, why, len) ||
		    held(info->block_name, devs, n, why, len))
			return 1;
	}
	/* Interleaved metadata moves the signatures' offsets; the checks
	 * above are all that can be said then. */
	if (info->md_extended && info->md_size)
		return 0;
	unit = info->lba_size;
	nlb = (LAT_SAFETY_PROBE_BYTES + unit - 1) / unit;
	if (nlb > info->nsze)
		nlb = info->nsze;
	rc = nvio_queue_create(dev, &qo, &q);
	if (rc)
		return rc;
	buf = nvio_buf_alloc(nlb * unit);
	if (!buf) {
		nvio_queue_destroy(q);
		return -ENOMEM;
	}
	rc = nvio_read(q, 0, nlb, buf, nlb * unit, 0);
	nvio_queue_destroy(q);
	if (rc) {
		nvio_buf_free(buf);
		snprintf(why, len, "could not read the start of the namespace "
			 "to look for a partition table or filesystem (%s)",
			 nvio_strerror(rc));
		return 1;
	}
	sig = lat_safety_signature(buf, nlb * unit, info->lba_size);
	nvio_buf_free(buf);
	if (sig) {
		snprintf(why, len, "the namespace holds %s", sig);
		return 1;
	}
	return 0;
}
