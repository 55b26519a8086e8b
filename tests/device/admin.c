/* SPDX-License-Identifier: MIT */
/* Admin commands on the controller: log pages, get/set features, raw
 * admin passthrough, and admin calls from several threads at once. */
#include <pthread.h>

#include "devtest.h"

static struct nvio_dev *g_dev;
static int thread_errors;

static void *idloop(void *arg)
{
	(void)arg;
	void *b = nvio_buf_alloc(4096);
	for (int i = 0; i < 20; i++)
		if (nvio_identify_ctrl(g_dev, b))
			__atomic_add_fetch(&thread_errors, 1, __ATOMIC_RELAXED);
	nvio_buf_free(b);
	return NULL;
}

/* NVIO_DEV_CTRL: the controller alone. On a controller without any
 * namespace ($NVIO_EMPTY_CTRL, multi topology) it is the only way in;
 * on the tested namespace's node it opens that namespace's controller. */
static void ctrl_only(struct nvio_dev *nsdev)
{
	const char *empty = getenv("NVIO_EMPTY_CTRL");
	struct nvio_dev_opts o = { .sz = sizeof(o), .flags = NVIO_DEV_CTRL };
	const struct nvio_dev_info *ni = nvio_dev_info(nsdev);
	struct nvio_dev *dev = NULL;
	struct nvio_queue *q = NULL;
	uint32_t *list = nvio_buf_alloc(4096);
	uint8_t *buf = nvio_buf_alloc(4096);
	uint32_t res = 0;

	/* the namespace's own node: its controller, no namespace */
	CHECK_RC(nvio_dev_open(ni->generic_path, &o, &dev), 0);
	if (dev) {
		const struct nvio_dev_info *i = nvio_dev_info(dev);

		CHECK(i->ctrl_only && i->nsid == 0 && i->admin &&
			      !strcmp(i->ctrl_path, ni->ctrl_path) &&
			      !strcmp(i->serial, ni->serial) && !i->lba_size &&
			      !i->generic_path[0],
		      "controller of %s: ctrl_only %d nsid %u %s serial '%s'",
		      ni->generic_path, i->ctrl_only, i->nsid, i->ctrl_path,
		      i->serial);
		CHECK_RC(nvio_queue_create(dev, NULL, &q), -ENODEV);
		CHECK(nvio_dev_fd(dev) < 0, "a controller handle has no I/O fd");
		CHECK_RC(nvio_identify_active_ns(dev, 0, list), 0);
		CHECK(list[0] == ni->nsid || list[1] == ni->nsid,
		      "active list names nsid %u: %u %u", ni->nsid, list[0], list[1]);
		nvio_dev_close(dev);
	}
	o.nsid = 1;
	CHECK_RC(nvio_dev_open(ni->ctrl_path, &o, &dev), -EINVAL);
	o.nsid = 0;
	o.flags |= NVIO_DEV_NO_ADMIN;
	CHECK_RC(nvio_dev_open(ni->ctrl_path, &o, &dev), -EINVAL);
	o.flags = NVIO_DEV_CTRL;
	CHECK_RC(nvio_dev_open("/dev/null", &o, &dev), -ENODEV);
	CHECK_RC(nvio_dev_open("/nonexistent/nvme9", &o, &dev), -ENOENT);

	if (empty && *empty) {
		/* no namespace: a namespace open fails, the controller works */
		struct nvio_dev_opts plain = { .sz = sizeof(plain) };

		CHECK_RC(nvio_dev_open(empty, &plain, &dev), -ENODEV);
		CHECK_RC(nvio_dev_open(empty, &o, &dev), 0);
		if (dev) {
			const struct nvio_dev_info *i = nvio_dev_info(dev);

			printf("%s: %s: serial '%s', model '%s', no namespace\n",
			       dt_name, empty, i->serial, i->model);
			CHECK(i->ctrl_only && !strcmp(i->serial, "nvio0003") &&
				      i->model[0] && i->mdts,
			      "empty controller's info: serial '%s'", i->serial);
			CHECK_RC(nvio_identify_ctrl(dev, buf), 0);
			CHECK(!memcmp(buf + 4, "nvio0003", 8), "Identify's serial");
			memset(list, 0xff, 4096);
			CHECK_RC(nvio_identify_active_ns(dev, 0, list), 0);
			CHECK(list[0] == 0, "active namespaces of an empty "
			      "controller: first %u", list[0]);
			CHECK_RC(nvio_get_log(dev, 0x02, 0xffffffffu, 0, buf, 512), 0);
			CHECK_RC(nvio_get_feature(dev, 0x07, 0, 0, 0, NULL, 0, &res), 0);
			CHECK_RC(nvio_queue_create(dev, NULL, &q), -ENODEV);
			nvio_dev_close(dev);
		}
	}
	nvio_buf_free(list);
	nvio_buf_free(buf);
}

int main(void)
{
	dt_name = "admin";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	uint8_t *buf = nvio_buf_alloc(4096);
	uint32_t res = 0;
	uint64_t res64 = 0;
	int rc;

	/* SMART / health log: 512 bytes, temperature in Kelvin at 1..2 */
	CHECK_RC(nvio_get_log(dev, 0x02, 0xffffffffu, 0, buf, 512), 0);
	unsigned kelvin = buf[1] | buf[2] << 8;
	CHECK(kelvin > 200 && kelvin < 400, "composite temperature %u K", kelvin);
	/* error log and firmware slot log */
	CHECK_RC(nvio_get_log(dev, 0x01, 0, 0, buf, 64), 0);
	CHECK_RC(nvio_get_log(dev, 0x03, 0, 0, buf, 512), 0);
	/* bad arguments never reach the device */
	CHECK_RC(nvio_get_log(dev, 0x02, 0, 0, buf, 0), -EINVAL);
	CHECK_RC(nvio_get_log(dev, 0x02, 0, 2, buf, 512), -EINVAL);
	CHECK_RC(nvio_get_log(dev, 0x02, 0, 0, NULL, 512), -EFAULT);

	/* number of queues (FID 7): result holds NSQA/NCQA */
	CHECK_RC(nvio_get_feature(dev, 0x07, 0, 0, 0, NULL, 0, &res), 0);
	CHECK((res & 0xffff) >= 1 && (res >> 16) >= 1, "queues %#x", res);
	/* volatile write cache: toggle and restore */
	if (di->vwc) {
		uint32_t old = 0, now = 0;
		CHECK_RC(nvio_get_feature(dev, 0x06, 0, 0, 0, NULL, 0, &old), 0);
		CHECK_RC(nvio_set_feature(dev, 0x06, 0, !(old & 1), false, NULL, 0,
					  NULL), 0);
		CHECK_RC(nvio_get_feature(dev, 0x06, 0, 0, 0, NULL, 0, &now), 0);
		CHECK((now & 1) == !(old & 1), "vwc toggled %u -> %u", old, now);
		CHECK_RC(nvio_set_feature(dev, 0x06, 0, old & 1, false, NULL, 0,
					  NULL), 0);
	}
	/* raw admin passthrough: identify namespace by hand */
	struct nvio_cmd c;
	nvio_cmd_identify(&c, NVIO_CNS_NS, di->nsid, 0);
	CHECK_RC(nvio_admin_passthru(dev, &c, buf, 4096, &res64), 0);
	uint64_t nsze;
	memcpy(&nsze, buf, 8);
	CHECK(nsze == di->nsze, "nsze by raw identify %" PRIu64, nsze);
	/* an unknown admin opcode comes back as Invalid Opcode, DNR set */
	nvio_cmd_init(&c, 0xbf, 0);
	rc = nvio_admin_passthru(dev, &c, NULL, 0, NULL);
	CHECK(rc > 0 && nvio_status_sc(rc) == NVIO_SC_INVALID_OPCODE &&
		      nvio_status_sct(rc) == 0,
	      "bad admin opcode: %#x (%s)", rc, nvio_strerror(rc));
	/* identify of a namespace that does not exist */
	rc = nvio_identify_ns(dev, 4000, buf);
	CHECK(rc > 0 && nvio_status_sct(rc) == 0 &&
		      (nvio_status_sc(rc) == NVIO_SC_INVALID_NS ||
		       nvio_status_sc(rc) == NVIO_SC_INVALID_FIELD),
	      "identify nsid 4000: %#x (%s)", rc, nvio_strerror(rc));
	printf("%s: identify nsid 4000 -> %#x %s\n", dt_name, rc, nvio_strerror(rc));

	ctrl_only(dev);

	/* thread safety */
	pthread_t t[3];
	g_dev = dev;
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, idloop, NULL);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK(thread_errors == 0, "%d admin errors across threads", thread_errors);
	nvio_buf_free(buf);
	nvio_dev_close(dev);
	return dt_done();
}
