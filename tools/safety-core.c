/* SPDX-License-Identifier: MIT */
/*
 * safety-core.c - the checks that stop nvio from writing over data someone is
 * using: a mounted filesystem or active swap on the namespace or one of
 * its partitions, a device-mapper or md holder, or a partition table,
 * filesystem or volume signature at the start of the namespace.
 *
 * Passthrough bypasses the block layer, so the kernel would not stop such
 * a write (nor keep the page cache of a mounted filesystem coherent); the
 * tool has to look for itself. The signatures are read through libnvio,
 * the same path the write would take.
 *
 * The sysfs attribute reader lives here too: this file is the one both
 * nvio and nvio lat link.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdbool.h>

#include "safety.h"

int read_sysfs_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

static bool at(const unsigned char *buf, size_t len, size_t off,
	       const void *magic, size_t n)
{
	return off + n <= len && !memcmp(buf + off, magic, n);
}

const char *safety_signature(const unsigned char *buf, size_t len,
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
	if (at(buf, len, 65600, "_BHRfS_M", 8))
		return "a btrfs filesystem";
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

/* The block device and its partitions: names and major:minor. */
struct blkdev {
	char name[NAME_MAX + 1];
	char devno[32];
};

static unsigned list_devs(const char *sysfs, const char *block,
			  struct blkdev *out, unsigned max)
{
	char path[PATH_MAX];
	struct dirent *de;
	unsigned n = 0;
	DIR *dir;

	snprintf(out[0].name, sizeof(out[0].name), "%s", block);
	snprintf(path, sizeof(path), "%s/block/%s/dev", sysfs, block);
	if (read_sysfs_str(path, out[0].devno, sizeof(out[0].devno)))
		out[0].devno[0] = '\0';
	n = 1;
	snprintf(path, sizeof(path), "%s/block/%s", sysfs, block);
	dir = opendir(path);
	if (!dir)
		return n;
	while ((de = readdir(dir)) && n < max) {
		char p2[PATH_MAX];

		if (strncmp(de->d_name, block, strlen(block)))
			continue;
		snprintf(p2, sizeof(p2), "%s/block/%s/%s/partition", sysfs,
			 block, de->d_name);
		if (read_sysfs_str(p2, out[n].devno, sizeof(out[n].devno)))
			continue;
		snprintf(p2, sizeof(p2), "%s/block/%s/%s/dev", sysfs, block,
			 de->d_name);
		if (read_sysfs_str(p2, out[n].devno, sizeof(out[n].devno)))
			continue;
		snprintf(out[n].name, sizeof(out[n].name), "%s", de->d_name);
		n++;
	}
	closedir(dir);
	return n;
}

/* Names in a holders directory, comma separated, or "" when none. */
static void holders(const char *dir_path, char *buf, size_t len)
{
	struct dirent *de;
	DIR *dir = opendir(dir_path);
	size_t o = 0;

	buf[0] = '\0';
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s%s",
				      o ? ", " : "", de->d_name);
		if (o >= len)
			break;
	}
	closedir(dir);
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE
 * SOURCE SUPEROPTS". btrfs reports an anonymous 0:N device number, so the
 * source path is compared as well. */
static bool mounted(const char *mountinfo, const struct blkdev *devs,
		    unsigned n, char *why, size_t len)
{
	FILE *f = fopen(mountinfo, "re");
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
		for (unsigned i = 0; i < n; i++) {
			if ((devs[i].devno[0] && !strcmp(devno, devs[i].devno)) ||
			    (!strncmp(src, "/dev/", 5) &&
			     !strcmp(base(src), devs[i].name))) {
				snprintf(why, len, "/dev/%s is mounted on %s (%s)",
					 devs[i].name, mnt, fstype);
				found = true;
				break;
			}
		}
	}
	free(line);
	fclose(f);
	return found;
}

static bool swapping(const char *swaps, const struct blkdev *devs, unsigned n,
		     char *why, size_t len)
{
	FILE *f = fopen(swaps, "re");
	char line[PATH_MAX + 128];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char path[PATH_MAX];

		if (sscanf(line, "%4095s", path) != 1 || strncmp(path, "/dev/", 5))
			continue;
		for (unsigned i = 0; i < n; i++) {
			if (!strcmp(base(path), devs[i].name)) {
				snprintf(why, len, "/dev/%s is an active swap area",
					 devs[i].name);
				found = true;
				break;
			}
		}
	}
	fclose(f);
	return found;
}

bool safety_in_use_at(const char *sysfs, const char *mountinfo,
		      const char *swaps, const char *block, char *why, size_t len)
{
	struct blkdev devs[64];
	unsigned n;

	if (!block || !block[0])
		return false;
	n = list_devs(sysfs, block, devs, 64);
	if (mounted(mountinfo, devs, n, why, len) ||
	    swapping(swaps, devs, n, why, len))
		return true;
	for (unsigned i = 0; i < n; i++) {
		char path[PATH_MAX], h[256];

		if (i == 0)
			snprintf(path, sizeof(path), "%s/block/%s/holders", sysfs,
				 block);
		else
			snprintf(path, sizeof(path), "%s/block/%s/%s/holders",
				 sysfs, block, devs[i].name);
		holders(path, h, sizeof(h));
		if (h[0]) {
			snprintf(why, len, "/dev/%s is held by %s "
					   "(device-mapper, md or another driver)",
				 devs[i].name, h);
			return true;
		}
	}
	return false;
}

bool safety_in_use(const char *sysfs, const char *block, char *why, size_t len)
{
	return safety_in_use_at(sysfs, "/proc/self/mountinfo", "/proc/swaps",
				block, why, len);
}
