/* SPDX-License-Identifier: MIT */
/*
 * Path mapping against fake sysfs trees shaped like the kernel's: a PCIe
 * controller without multipath, a multipath subsystem with two
 * controllers, and a few devices that are not NVMe namespaces at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char root[256];

static void mkdirs(const char *fmt, ...)
{
	char p[1024], full[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s/%s", root, p);
	for (char *s = full + strlen(root) + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(full, 0755);
			*s = '/';
		}
	}
	mkdir(full, 0755);
}

static void put(const char *rel, const char *content)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void lnk(const char *target, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

/* A device directory with its class link; `dev` is "char"/"block". */
static void device(const char *dir, const char *cls, const char *dev,
		   const char *mm)
{
	char p[PATH_MAX], t[PATH_MAX];
	int depth = 0;

	mkdirs("%s", dir);
	for (const char *s = dir; *s; s++)
		depth += *s == '/';
	t[0] = 0;
	for (int i = 0; i <= depth; i++)
		strcat(t, "../");
	snprintf(p, sizeof(p), "%s/subsystem", dir);
	{
		char tt[PATH_MAX];
		snprintf(tt, sizeof(tt), "%sclass/%s", t, cls);
		lnk(tt, p);
	}
	if (dev) {
		char tt[PATH_MAX];
		snprintf(p, sizeof(p), "dev/%s/%s", dev, mm);
		snprintf(tt, sizeof(tt), "../../%s", dir);
		lnk(tt, p);
	}
}

static void build_tree(void)
{
	char tmpl[] = "/tmp/nvio-sysfs-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(root, sizeof(root), "%s", tmpl);
	mkdirs("dev/char");
	mkdirs("dev/block");
	mkdirs("class/nvme");
	mkdirs("class/nvme-generic");
	mkdirs("class/nvme-subsystem");
	mkdirs("class/block");
	mkdirs("block");

	/* PCIe controller nvme0, no multipath: ng0n1, nvme0n1, nvme0n1p1 */
	const char *c0 = "devices/pci0000:00/0000:00:04.0/nvme/nvme0";
	device(c0, "nvme", "char", "239:0");
	put("devices/pci0000:00/0000:00:04.0/nvme/nvme0/transport", "pcie\n");
	put("devices/pci0000:00/0000:00:04.0/nvme/nvme0/state", "live\n");
	lnk("../../devices/pci0000:00/0000:00:04.0/nvme/nvme0", "class/nvme/nvme0");
	device("devices/pci0000:00/0000:00:04.0/nvme/nvme0/ng0n1",
	       "nvme-generic", "char", "240:0");
	lnk("../../nvme0", "devices/pci0000:00/0000:00:04.0/nvme/nvme0/ng0n1/device");
	lnk("../../devices/pci0000:00/0000:00:04.0/nvme/nvme0/ng0n1",
	    "class/nvme-generic/ng0n1");
	device("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1", "block",
	       "block", "259:0");
	put("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/nsid", "1\n");
	lnk("../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1",
	    "block/nvme0n1");
	device("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/nvme0n1p1",
	       "block", "block", "259:1");
	put("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1/nvme0n1p1/partition",
	    "1\n");
	/* a second namespace on nvme0, nsid 5 */
	device("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n2", "block",
	       "block", "259:2");
	put("devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n2/nsid", "5\n");
	lnk("../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n2",
	    "block/nvme0n2");

	/* Multipath: subsystem 1 with controllers nvme1 (tcp, connecting)
	 * and nvme2 (tcp, live); head ng1n1/nvme1n1, hidden nvme1c2n1. */
	device("devices/virtual/nvme-subsystem/nvme-subsys1",
	       "nvme-subsystem", NULL, NULL);
	lnk("../../devices/virtual/nvme-subsystem/nvme-subsys1",
	    "class/nvme-subsystem/nvme-subsys1");
	device("devices/virtual/nvme-fabrics/ctl/nvme1", "nvme", "char", "239:1");
	put("devices/virtual/nvme-fabrics/ctl/nvme1/transport", "tcp\n");
	put("devices/virtual/nvme-fabrics/ctl/nvme1/state", "connecting\n");
	lnk("../../devices/virtual/nvme-fabrics/ctl/nvme1", "class/nvme/nvme1");
	device("devices/virtual/nvme-fabrics/ctl/nvme2", "nvme", "char", "239:2");
	put("devices/virtual/nvme-fabrics/ctl/nvme2/transport", "tcp\n");
	put("devices/virtual/nvme-fabrics/ctl/nvme2/state", "live\n");
	lnk("../../devices/virtual/nvme-fabrics/ctl/nvme2", "class/nvme/nvme2");
	lnk("../../nvme-fabrics/ctl/nvme1",
	    "devices/virtual/nvme-subsystem/nvme-subsys1/nvme1");
	lnk("../../nvme-fabrics/ctl/nvme2",
	    "devices/virtual/nvme-subsystem/nvme-subsys1/nvme2");
	device("devices/virtual/nvme-subsystem/nvme-subsys1/ng1n1",
	       "nvme-generic", "char", "240:1");
	lnk("../../nvme-subsys1",
	    "devices/virtual/nvme-subsystem/nvme-subsys1/ng1n1/device");
	lnk("../../devices/virtual/nvme-subsystem/nvme-subsys1/ng1n1",
	    "class/nvme-generic/ng1n1");
	device("devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1", "block",
	       "block", "259:3");
	put("devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1/nsid", "1\n");
	lnk("../devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1",
	    "block/nvme1n1");
	device("devices/virtual/nvme-fabrics/ctl/nvme2/nvme1c2n1", "block",
	       NULL, NULL);
	put("devices/virtual/nvme-fabrics/ctl/nvme2/nvme1c2n1/nsid", "1\n");

	/* nvme3: a PCIe controller with no namespace at all */
	device("devices/pci0000:00/0000:00:06.0/nvme/nvme3", "nvme", "char",
	       "239:3");
	put("devices/pci0000:00/0000:00:06.0/nvme/nvme3/transport", "pcie\n");
	put("devices/pci0000:00/0000:00:06.0/nvme/nvme3/state", "live\n");
	lnk("../../devices/pci0000:00/0000:00:06.0/nvme/nvme3", "class/nvme/nvme3");

	/* Not NVMe: /dev/null and a SCSI disk */
	device("devices/virtual/mem/null", "mem", "char", "1:3");
	device("devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda",
	       "block", "block", "8:0");
}

static void remove_tree(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(generic_pcie)
{
	struct nvio_path_map m;

	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 240, 0, 0, &m), 0);
	ck_assert_str_eq(m.ng, "ng0n1");
	ck_assert_str_eq(m.block, "nvme0n1");
	ck_assert_str_eq(m.ctrl, "nvme0");
	ck_assert_str_eq(m.transport, "pcie");
	ck_assert_uint_eq(m.nsid, 1);
}
END_TEST

START_TEST(block_pcie)
{
	struct nvio_path_map m;

	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_BLK, 259, 0, 0, &m), 0);
	ck_assert_str_eq(m.ng, "ng0n1");
	ck_assert_str_eq(m.ctrl, "nvme0");
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_BLK, 259, 2, 0, &m), 0);
	ck_assert_str_eq(m.ng, "ng0n2");
	ck_assert_uint_eq(m.nsid, 5);
}
END_TEST

START_TEST(partition_refused)
{
	struct nvio_path_map m;

	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_BLK, 259, 1, 0, &m),
			 -ENOTBLK);
}
END_TEST

START_TEST(controller_path)
{
	struct nvio_path_map m;

	/* two namespaces: the caller must name one */
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 239, 0, 0, &m),
			 -EDESTADDRREQ);
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 239, 0, 5, &m), 0);
	ck_assert_str_eq(m.ng, "ng0n2");
	ck_assert_str_eq(m.ctrl, "nvme0");
	ck_assert_uint_eq(m.nsid, 5);
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 239, 0, 1, &m), 0);
	ck_assert_str_eq(m.ng, "ng0n1");
	/* no such namespace */
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 239, 0, 9, &m),
			 -ENXIO);
}
END_TEST

/* The controller alone (NVIO_DEV_CTRL): from its own node whatever
 * namespaces it has, none included, and from a namespace's nodes. */
START_TEST(controller_only)
{
	struct nvio_path_map m;

	/* no namespace: no namespace path, but the controller */
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 239, 3, 0, &m),
			 -ENODEV);
	ck_assert_int_eq(nvio_map_ctrl(root, NVIO_NODE_CHR, 239, 3, &m), 0);
	ck_assert_str_eq(m.ctrl, "nvme3");
	ck_assert_str_eq(m.transport, "pcie");
	ck_assert_str_eq(m.ng, "");
	ck_assert_uint_eq(m.nsid, 0);
	/* two namespaces: no need to name one */
	ck_assert_int_eq(nvio_map_ctrl(root, NVIO_NODE_CHR, 239, 0, &m), 0);
	ck_assert_str_eq(m.ctrl, "nvme0");
	/* from a namespace's generic and block nodes */
	ck_assert_int_eq(nvio_map_ctrl(root, NVIO_NODE_CHR, 240, 0, &m), 0);
	ck_assert_str_eq(m.ctrl, "nvme0");
	ck_assert_str_eq(m.block, "");
	ck_assert_int_eq(nvio_map_ctrl(root, NVIO_NODE_BLK, 259, 0, &m), 0);
	ck_assert_str_eq(m.ctrl, "nvme0");
	/* a multipath head: a controller of its subsystem */
	ck_assert_int_eq(nvio_map_ctrl(root, NVIO_NODE_CHR, 240, 1, &m), 0);
	ck_assert_str_ne(m.ctrl, "");
	ck_assert_str_eq(m.transport, "tcp");
	/* not NVMe */
	ck_assert_int_eq(nvio_map_ctrl(root, NVIO_NODE_CHR, 1, 3, &m), -ENODEV);
	ck_assert_int_eq(nvio_map_ctrl(root, NVIO_NODE_BLK, 8, 0, &m), -ENODEV);
}
END_TEST

START_TEST(multipath)
{
	struct nvio_path_map m;

	/* head generic device: admin goes to the live controller */
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 240, 1, 0, &m), 0);
	ck_assert_str_eq(m.ng, "ng1n1");
	ck_assert_str_eq(m.block, "nvme1n1");
	ck_assert_str_eq(m.ctrl, "nvme2");
	ck_assert_str_eq(m.transport, "tcp");
	/* via the controller: the hidden path maps to the head */
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 239, 2, 0, &m), 0);
	ck_assert_str_eq(m.ng, "ng1n1");
	ck_assert_str_eq(m.ctrl, "nvme2");
	ck_assert_uint_eq(m.nsid, 1);
}
END_TEST

/* Whether a path is live: what turns the kernel's -EINVAL (no path) into
 * -ENOLINK. */
START_TEST(path_live)
{
	char st[32];

	ck_assert_int_eq(nvio_sysfs_path_live(root, "nvme0", st, sizeof(st)), 1);
	ck_assert_str_eq(st, "live");
	/* nvme1 reconnects, but nvme2 of its subsystem is a live path */
	ck_assert_int_eq(nvio_sysfs_path_live(root, "nvme1", st, sizeof(st)), 1);
	ck_assert_str_eq(st, "connecting");
	/* ... until nvme2 goes down too */
	put("devices/virtual/nvme-fabrics/ctl/nvme2/state", "resetting\n");
	ck_assert_int_eq(nvio_sysfs_path_live(root, "nvme1", st, sizeof(st)), 0);
	ck_assert_int_eq(nvio_sysfs_path_live(root, "nvme2", st, sizeof(st)), 0);
	ck_assert_str_eq(st, "resetting");
	put("devices/virtual/nvme-fabrics/ctl/nvme2/state", "live\n");
	ck_assert_int_eq(nvio_sysfs_path_live(root, "nvme1", NULL, 0), 1);
	/* a controller that is gone */
	ck_assert_int_eq(nvio_sysfs_path_live(root, "nvme9", st, sizeof(st)), -ENOENT);
}
END_TEST

START_TEST(not_nvme)
{
	struct nvio_path_map m;

	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 1, 3, 0, &m), -ENODEV);
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_BLK, 8, 0, 0, &m), -ENODEV);
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_CHR, 77, 77, 0, &m), -ENODEV);
	/* a generic char number looked up as a block device */
	ck_assert_int_eq(nvio_map_node(root, NVIO_NODE_BLK, 240, 0, 0, &m), -ENODEV);
}
END_TEST

/* nvio_dev_open on paths that are not NVMe devices, against the real
 * /sys: errors, no crash, nothing opened. */
START_TEST(open_non_devices)
{
	struct nvio_dev *dev = (void *)1;
	char file[] = "/tmp/nvio-file-XXXXXX";
	int fd = mkstemp(file);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(nvio_dev_open("/nonexistent/ng0n1", NULL, &dev), -ENOENT);
	ck_assert_ptr_null(dev);
	ck_assert_int_eq(nvio_dev_open(file, NULL, &dev), -ENODEV);
	ck_assert_int_eq(nvio_dev_open("/dev/null", NULL, &dev), -ENODEV);
	ck_assert_int_eq(nvio_dev_open("/tmp", NULL, &dev), -ENODEV);
	unlink(file);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sysfs");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, build_tree, remove_tree);
	tcase_add_test(tc, generic_pcie);
	tcase_add_test(tc, block_pcie);
	tcase_add_test(tc, partition_refused);
	tcase_add_test(tc, controller_path);
	tcase_add_test(tc, controller_only);
	tcase_add_test(tc, multipath);
	tcase_add_test(tc, path_live);
	tcase_add_test(tc, not_nvme);
	tcase_add_test(tc, open_non_devices);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
