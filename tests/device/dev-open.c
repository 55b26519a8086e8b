/* SPDX-License-Identifier: MIT */
/* Opening one namespace by its generic, block and controller paths gives
 * the same namespace; what nvio reports agrees with sysfs; wrong paths
 * fail with their own errno. */
#include "devtest.h"

static uint64_t sysfs_u64(const char *name, const char *attr)
{
	char p[256], buf[64] = "";
	FILE *f;

	snprintf(p, sizeof(p), "/sys/block/%s/%s", name, attr);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtoull(buf, NULL, 0);
}

int main(void)
{
	dt_name = "dev-open";
	struct nvio_dev *dev = dt_open(), *d2;
	const struct nvio_dev_info *a = nvio_dev_info(dev), *b;
	struct nvio_dev_opts o = { .sz = sizeof(o) };
	char path[128];
	int rc;

	printf("%s: %s nsid %u lba %u md %u%s nsze %" PRIu64 " max_xfer %u ctrl %s transport %s poll %d admin %d\n",
	       dt_name, a->generic_path, a->nsid, a->lba_size, a->md_size,
	       a->md_extended ? " ext" : "", a->nsze, a->max_xfer, a->ctrl_path,
	       a->transport, a->poll_queues, a->admin);
	CHECK(a->nsid >= 1, "nsid %u", a->nsid);
	CHECK(a->lba_size >= 512 && !(a->lba_size & (a->lba_size - 1)),
	      "lba_size %u", a->lba_size);
	CHECK(a->admin, "admin path open as root");
	CHECK(a->model[0] && a->serial[0] && a->firmware[0], "identify strings");
	CHECK(a->max_xfer >= a->lba_size && a->max_nlb >= 1, "limits");
	CHECK(a->transport[0], "transport known");
	CHECK(a->lba_size == sysfs_u64(a->block_name, "queue/logical_block_size"),
	      "lba size agrees with sysfs");
	CHECK(a->nsze * a->lba_size ==
		      sysfs_u64(a->block_name, "size") * 512,
	      "capacity agrees with sysfs");
	CHECK(a->poll_queues ==
		      (sysfs_u64(a->block_name, "queue/io_poll") == 1),
	      "poll queues agree with io_poll");

	/* block path */
	snprintf(path, sizeof(path), "/dev/%s", a->block_name);
	rc = nvio_dev_open(path, NULL, &d2);
	CHECK_RC(rc, 0);
	if (!rc) {
		b = nvio_dev_info(d2);
		CHECK(!strcmp(b->generic_path, a->generic_path), "%s -> %s", path,
		      b->generic_path);
		CHECK(b->nsid == a->nsid && b->nsze == a->nsze, "same namespace");
		nvio_dev_close(d2);
	}
	/* controller path + nsid */
	o.nsid = a->nsid;
	rc = nvio_dev_open(a->ctrl_path, &o, &d2);
	CHECK_RC(rc, 0);
	if (!rc) {
		b = nvio_dev_info(d2);
		CHECK(!strcmp(b->generic_path, a->generic_path), "%s -> %s",
		      a->ctrl_path, b->generic_path);
		CHECK(!strcmp(b->serial, a->serial), "same controller");
		nvio_dev_close(d2);
	}
	/* a namespace id the controller does not have */
	o.nsid = 4000;
	CHECK_RC(nvio_dev_open(a->ctrl_path, &o, &d2), -ENXIO);
	/* a namespace path with a different nsid in the options */
	o.nsid = a->nsid + 1;
	CHECK_RC(nvio_dev_open(a->generic_path, &o, &d2), -EINVAL);
	/* not NVMe at all */
	CHECK_RC(nvio_dev_open("/dev/null", NULL, &d2), -ENODEV);
	CHECK_RC(nvio_dev_open("/dev/ng99n99", NULL, &d2), -ENOENT);
	CHECK_RC(nvio_dev_open("/proc/version", NULL, &d2), -ENODEV);
	/* read-only open still identifies */
	o.nsid = 0;
	o.flags = NVIO_DEV_RDONLY | NVIO_DEV_NO_ADMIN;
	rc = nvio_dev_open(a->generic_path, &o, &d2);
	CHECK_RC(rc, 0);
	if (!rc) {
		b = nvio_dev_info(d2);
		CHECK(!b->admin && b->lba_size == a->lba_size &&
			      b->nsze == a->nsze,
		      "sysfs-only info matches Identify");
		nvio_dev_close(d2);
	}
	nvio_dev_close(dev);
	return dt_done();
}
