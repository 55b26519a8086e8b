/* SPDX-License-Identifier: MIT */
/*
 * sysfs.c - maps whatever path a user gives (generic char device, block
 * device, controller char device) to the namespace's generic device, its
 * block device name and the controller used for admin commands.
 *
 * Everything goes through sysfs by device number rather than by guessing
 * from names, because udev rules and multipath can rename nodes; the sysfs
 * root is a parameter so the unit tests can build a fake tree.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvio-private.h"

/* snprintf that reports truncation instead of silently cutting a path. */
__attribute__((format(printf, 3, 4))) static int fmt(char *buf, size_t len,
						     const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int nvio_sysfs_read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

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

int nvio_sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	unsigned long long v;
	int rc = nvio_sysfs_read_str(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	*val = v;
	return 0;
}

/* "nvme" digits [ "c" digits ] "n" digits; reports the numbers. */
static bool parse_ns_name(const char *s, const char *prefix, unsigned *subsys,
			  int *ctrl, unsigned *ns)
{
	size_t pl = strlen(prefix);
	char *end;

	if (strncmp(s, prefix, pl) || !isdigit((unsigned char)s[pl]))
		return false;
	*subsys = strtoul(s + pl, &end, 10);
	*ctrl = -1;
	if (*end == 'c') {
		if (!isdigit((unsigned char)end[1]))
			return false;
		*ctrl = (int)strtoul(end + 1, &end, 10);
	}
	if (*end != 'n' || !isdigit((unsigned char)end[1]))
		return false;
	*ns = strtoul(end + 1, &end, 10);
	return *end == '\0';
}

static bool is_ctrl_name(const char *s)
{
	if (strncmp(s, "nvme", 4) || !s[4])
		return false;
	for (s += 4; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int link_target(const char *path, char *buf, size_t len)
{
	ssize_t n = readlink(path, buf, len - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The controller under a subsystem that admin commands go to: the lowest
 * numbered live one, so the choice is stable across calls. */
static int subsys_ctrl(const char *sysfs, const char *subsys, char *ctrl,
		       size_t len)
{
	char path[PATH_MAX], state[32];
	struct dirent *de;
	long best = -1, best_live = -1;
	DIR *d;

	fmt(path, sizeof(path), "%s/class/nvme-subsystem/%s", sysfs,
		 subsys);
	d = opendir(path);
	if (!d)
		return -ENODEV;
	while ((de = readdir(d))) {
		long n;

		if (!is_ctrl_name(de->d_name))
			continue;
		n = strtol(de->d_name + 4, NULL, 10);
		if (best < 0 || n < best)
			best = n;
		fmt(path, sizeof(path),
			 "%s/class/nvme-subsystem/%s/%s/state", sysfs, subsys,
			 de->d_name);
		if (!nvio_sysfs_read_str(path, state, sizeof(state)) &&
		    !strcmp(state, "live") && (best_live < 0 || n < best_live))
			best_live = n;
	}
	closedir(d);
	if (best_live >= 0)
		best = best_live;
	if (best < 0)
		return -ENODEV;
	fmt(ctrl, len, "nvme%ld", best);
	return 0;
}

int nvio_sysfs_path_live(const char *sysfs, const char *ctrl, char *state,
			 size_t len)
{
	char path[PATH_MAX], st[32], own[32] = "";
	struct dirent *de;
	int live = 0, rc;
	DIR *d;

	fmt(path, sizeof(path), "%s/class/nvme/%s/state", sysfs, ctrl);
	rc = nvio_sysfs_read_str(path, own, sizeof(own));
	if (state && len)
		snprintf(state, len, "%s", own);
	if (rc)
		return rc;
	if (!strcmp(own, "live"))
		return 1;
	/* Another controller of the same subsystem may be a live path
	 * (multipath): the subsystem dir links to each of them. */
	fmt(path, sizeof(path), "%s/class/nvme-subsystem", sysfs);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)) && !live) {
		char sub[PATH_MAX];
		struct dirent *ce;
		DIR *cd;
		bool mine = false, any = false;

		if (de->d_name[0] == '.')
			continue;
		fmt(sub, sizeof(sub), "%s/%s", path, de->d_name);
		cd = opendir(sub);
		if (!cd)
			continue;
		while ((ce = readdir(cd))) {
			if (!is_ctrl_name(ce->d_name))
				continue;
			if (!strcmp(ce->d_name, ctrl))
				mine = true;
			char sp[PATH_MAX];

			st[0] = '\0';
			fmt(sp, sizeof(sp), "%s/%s/state", sub, ce->d_name);
			if (!nvio_sysfs_read_str(sp, st, sizeof(st)) &&
			    !strcmp(st, "live"))
				any = true;
		}
		closedir(cd);
		if (mine && any)
			live = 1;
	}
	closedir(d);
	return live;
}

/* Namespace of controller `ctrl` whose nsid is `nsid`, or the only one when
 * nsid is 0; gives the visible block name (nvmeXnY, not nvmeXcYnZ). */
static int ctrl_ns(const char *sysfs, const char *ctrl, uint32_t nsid,
		   char *block, size_t len, uint32_t *found_nsid)
{
	char path[PATH_MAX], name[64] = "";
	struct dirent *de;
	unsigned count = 0;
	uint32_t got = 0;
	DIR *d;

	fmt(path, sizeof(path), "%s/class/nvme/%s", sysfs, ctrl);
	d = opendir(path);
	if (!d)
		return -ENODEV;
	while ((de = readdir(d))) {
		unsigned s, n;
		int c;
		uint64_t id;

		if (!parse_ns_name(de->d_name, "nvme", &s, &c, &n))
			continue;
		fmt(path, sizeof(path), "%s/class/nvme/%s/%s/nsid", sysfs,
			 ctrl, de->d_name);
		if (nvio_sysfs_read_u64(path, &id))
			id = n; /* older kernels: the name's number */
		count++;
		if (nsid && id != nsid)
			continue;
		got = (uint32_t)id;
		if (c >= 0) /* hidden multipath path: the head is nvme<s>n<n> */
			fmt(name, sizeof(name), "nvme%un%u", s, n);
		else
			fmt(name, sizeof(name), "%s", de->d_name);
	}
	closedir(d);
	if (!nsid && count > 1)
		return -EDESTADDRREQ; /* several namespaces: the caller must say */
	if (!name[0])
		return nsid ? -ENXIO : -ENODEV;
	fmt(block, len, "%s", name);
	*found_nsid = got;
	return 0;
}

static int map_node(const char *sysfs, enum nvio_node_kind kind,
		    unsigned major, unsigned minor, uint32_t nsid,
		    bool ctrl_only, struct nvio_path_map *out);

int nvio_map_node(const char *sysfs, enum nvio_node_kind kind, unsigned major,
		  unsigned minor, uint32_t nsid, struct nvio_path_map *out)
{
	return map_node(sysfs, kind, major, minor, nsid, false, out);
}

/* The controller of a node: a controller's own, or a namespace's. With
 * native multipath a namespace's is one of its subsystem's. Only ctrl
 * and transport are filled. */
int nvio_map_ctrl(const char *sysfs, enum nvio_node_kind kind, unsigned major,
		  unsigned minor, struct nvio_path_map *out)
{
	int rc = map_node(sysfs, kind, major, minor, 0, true, out);

	if (rc)
		return rc;
	memset(out->ng, 0, sizeof(out->ng));
	memset(out->block, 0, sizeof(out->block));
	out->nsid = 0;
	return out->ctrl[0] ? 0 : -ENODEV;
}

static int map_node(const char *sysfs, enum nvio_node_kind kind,
		    unsigned major, unsigned minor, uint32_t nsid,
		    bool ctrl_only, struct nvio_path_map *out)
{
	char path[PATH_MAX], target[PATH_MAX], cls[PATH_MAX], name[NAME_MAX + 1];
	const char *kdir = kind == NVIO_NODE_CHR ? "char" : "block";
	const char *cname;
	unsigned s, n;
	int c, rc;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	fmt(path, sizeof(path), "%s/dev/%s/%u:%u", sysfs, kdir, major,
		 minor);
	if (link_target(path, target, sizeof(target)))
		return -ENODEV; /* no sysfs entry: not a device we know */
	fmt(name, sizeof(name), "%s", base_name(target));
	/* The device's class, from its subsystem link: where the device
	 * directory sits depends on its parent, the class link does not. */
	fmt(path, sizeof(path), "%s/dev/%s/%u:%u/subsystem", sysfs, kdir,
		 major, minor);
	if (link_target(path, cls, sizeof(cls)))
		return -ENODEV;
	cname = base_name(cls);

	if (kind == NVIO_NODE_BLK) {
		fmt(path, sizeof(path), "%s/dev/block/%u:%u/partition",
			 sysfs, major, minor);
		if (access(path, F_OK) == 0)
			return -ENOTBLK; /* a partition, not a namespace */
		if (strcmp(cname, "block") ||
		    !parse_ns_name(name, "nvme", &s, &c, &n) || c >= 0)
			return -ENODEV;
		fmt(out->block, sizeof(out->block), "%s", name);
	} else if (!strcmp(cname, "nvme-generic")) {
		if (!parse_ns_name(name, "ng", &s, &c, &n) || c >= 0)
			return -ENODEV;
		fmt(out->block, sizeof(out->block), "nvme%un%u", s, n);
	} else if (!strcmp(cname, "nvme") && is_ctrl_name(name)) {
		fmt(out->ctrl, sizeof(out->ctrl), "%s", name);
		if (ctrl_only) {
			/* the controller, whatever namespaces it has */
			fmt(path, sizeof(path), "%s/class/nvme/%s/transport",
			    sysfs, out->ctrl);
			nvio_sysfs_read_str(path, out->transport,
					    sizeof(out->transport));
			return 0;
		}
		rc = ctrl_ns(sysfs, name, nsid, out->block, sizeof(out->block),
			     &out->nsid);
		if (rc)
			return rc;
	} else {
		return -ENODEV;
	}
	fmt(out->ng, sizeof(out->ng), "ng%s", out->block + 4);

	if (!out->ctrl[0]) {
		/* The generic device's parent is its controller, or with
		 * native multipath the subsystem. */
		fmt(path, sizeof(path), "%s/class/nvme-generic/%s/device",
			 sysfs, out->ng);
		if (link_target(path, target, sizeof(target)) == 0) {
			cname = base_name(target);
			if (is_ctrl_name(cname))
				fmt(out->ctrl, sizeof(out->ctrl), "%s",
					 cname);
			else if (!strncmp(cname, "nvme-subsys", 11))
				subsys_ctrl(sysfs, cname, out->ctrl,
					    sizeof(out->ctrl));
		}
	}
	if (out->ctrl[0]) {
		fmt(path, sizeof(path), "%s/class/nvme/%s/transport", sysfs,
			 out->ctrl);
		nvio_sysfs_read_str(path, out->transport,
				    sizeof(out->transport));
	}
	if (!out->nsid) {
		fmt(path, sizeof(path), "%s/block/%s/nsid", sysfs,
			 out->block);
		if (!nvio_sysfs_read_u64(path, &v))
			out->nsid = (uint32_t)v;
	}
	return 0;
}
