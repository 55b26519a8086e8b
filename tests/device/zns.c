/* SPDX-License-Identifier: MIT */
/* A zoned namespace ($NVIO_ZNS_DEV) through raw passthrough, a command the
 * block layer does not expose: writes at the write pointer succeed, a
 * write elsewhere gets the zoned status, Zone Management Send resets the
 * zone, Zone Management Receive reports it; zone append (struct nvio_io)
 * returns the LBA the controller wrote. */
#include "devtest.h"

#define ZNS_MGMT_SEND 0x79
#define ZNS_MGMT_RECV 0x7a
#define ZSA_RESET 0x04

static int zone_reset(struct nvio_queue *q, uint32_t nsid, uint64_t slba)
{
	struct nvio_cmd c;

	nvio_cmd_init(&c, ZNS_MGMT_SEND, nsid);
	c.cdw10 = (uint32_t)slba;
	c.cdw11 = (uint32_t)(slba >> 32);
	c.cdw13 = ZSA_RESET;
	return nvio_passthru(q, &c, NULL, 0, NULL, 0, NULL);
}

static int zone_wp(struct nvio_queue *q, uint32_t nsid, uint64_t *wp,
		   uint8_t *state)
{
	struct nvio_cmd c;
	uint8_t *buf = nvio_buf_alloc(4096);
	int rc;

	nvio_cmd_init(&c, ZNS_MGMT_RECV, nsid);
	c.cdw12 = 4096 / 4 - 1; /* NUMD */
	c.cdw13 = 0;            /* report zones, all */
	rc = nvio_passthru(q, &c, buf, 4096, NULL, 0, NULL);
	if (!rc) {
		/* header 64 bytes, then 64-byte descriptors: ZS in 7:4 of byte
		 * 1, WP at byte 24 */
		*state = buf[64 + 1] >> 4;
		memcpy(wp, buf + 64 + 24, 8);
	}
	nvio_buf_free(buf);
	return rc;
}

int main(void)
{
	dt_name = "zns";
	const char *path = getenv("NVIO_ZNS_DEV");

	if (!path || !*path)
		dt_skip("no zoned namespace in this topology (NVIO_ZNS_DEV)");
	dt_seed();
	struct nvio_dev *dev = dt_open_path(path);
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q = dt_queue(dev, 4, 0);
	uint32_t lb = di->lba_size;
	char *w = nvio_buf_alloc(8 * lb), *r = nvio_buf_alloc(8 * lb);
	uint64_t wp = 0;
	uint8_t st = 0;
	int rc;

	/* what Identify says of the zones: the topology's 8 MiB zones, 8
	 * open and active at most */
	printf("%s: zone size %" PRIu64 " LBAs, %" PRIu64 " zones, open %u, "
	       "active %u, append %u bytes\n", dt_name, di->zone_size,
	       di->nr_zones, di->max_open_zones, di->max_active_zones,
	       di->zone_append_max);
	CHECK(di->zoned && di->zone_size == (8u << 20) / lb &&
		      di->nr_zones == di->nsze / di->zone_size &&
		      di->max_open_zones == 8 && di->max_active_zones == 8 &&
		      di->zone_append_max > 0 &&
		      di->zone_append_max <= di->max_xfer,
	      "zoned namespace info");

	CHECK_RC(zone_reset(q, di->nsid, 0), 0);
	CHECK_RC(zone_wp(q, di->nsid, &wp, &st), 0);
	CHECK(wp == 0 && st == 1, "zone 0 empty after reset: wp %" PRIu64 " state %u",
	      wp, st);
	dt_fill(w, 8 * lb);
	CHECK_RC(nvio_write(q, 0, 8, w, 8 * lb, 0), 0);
	CHECK_RC(nvio_read(q, 0, 8, r, 8 * lb, 0), 0);
	CHECK(!memcmp(w, r, 8 * lb), "zoned data");
	CHECK_RC(zone_wp(q, di->nsid, &wp, &st), 0);
	CHECK(wp == 8, "write pointer advanced to %" PRIu64, wp);
	/* not at the write pointer: Zone Invalid Write (SCT 1, SC 0xbc) */
	rc = nvio_write(q, 0, 8, w, 8 * lb, 0);
	CHECK(rc > 0 && nvio_status_sct(rc) == NVIO_SCT_CMD_SPECIFIC &&
		      nvio_status_sc(rc) == 0xbc,
	      "write behind the wp: %#x (%s)", rc, nvio_strerror(rc));
	printf("%s: write behind wp -> %#x %s\n", dt_name, rc, nvio_strerror(rc));
	/* zone append through the request: the controller picks the LBA,
	 * the write pointer, and returns it in the completion */
	CHECK_RC(zone_reset(q, di->nsid, 0), 0);
	CHECK_RC(nvio_write(q, 0, 8, w, 8 * lb, 0), 0);
	{
		struct nvio_io ap = { .sz = sizeof(ap),
				      .opcode = NVIO_OP_ZONE_APPEND, .slba = 0,
				      .nlb = 4, .buf = r, .len = 4 * lb };
		uint64_t alba = ~0ull;

		dt_fill(r, 4 * lb);
		CHECK_RC(nvio_io(q, &ap, &alba), 0);
		CHECK(alba == 8, "zone append wrote at LBA %" PRIu64 ", the "
		      "write pointer was 8", alba);
		CHECK_RC(nvio_io(q, &ap, &alba), 0);
		CHECK(alba == 12, "second append at %" PRIu64, alba);
		CHECK_RC(nvio_read(q, 12, 4, w, 4 * lb, 0), 0);
		CHECK(!memcmp(w, r, 4 * lb), "appended data at the LBA returned");
	}
	/* the library's zone calls: report, open, finish, reset */
	{
		struct nvio_zone z[4];
		unsigned nr = 0;
		uint64_t total = 0, zs = di->zone_size;
		struct nvio_io ap = { .sz = sizeof(ap),
				      .opcode = NVIO_OP_ZONE_APPEND,
				      .slba = 3, .nlb = 1, .buf = r, .len = lb };

		CHECK_RC(nvio_zone_report(q, 0, NVIO_ZONE_REPORT_ALL, false, z, 4,
					  &nr, &total), 0);
		CHECK(nr == 4 && total == di->nr_zones && z[0].slba == 0 &&
			      z[1].slba == zs && z[0].wp == 16 &&
			      z[0].state == NVIO_ZS_IMP_OPEN &&
			      z[0].type == NVIO_ZONE_TYPE_SEQ,
		      "report: %u of %" PRIu64 ", zone 0 wp %" PRIu64 " state %u",
		      nr, total, z[0].wp, z[0].state);
		CHECK_RC(nvio_zone_mgmt(q, zs, NVIO_ZSA_OPEN, false), 0);
		CHECK_RC(nvio_zone_mgmt(q, 2 * zs, NVIO_ZSA_FINISH, false), 0);
		CHECK_RC(nvio_zone_report(q, zs, NVIO_ZONE_REPORT_ALL, true, z, 2,
					  &nr, &total), 0);
		CHECK(nr == 2 && total == 2 && z[0].state == NVIO_ZS_EXP_OPEN &&
			      z[1].state == NVIO_ZS_FULL,
		      "partial report: %u/%" PRIu64 " states %u %u", nr, total,
		      z[0].state, z[1].state);
		CHECK_RC(nvio_zone_report(q, 0, NVIO_ZONE_REPORT_FULL, false, z, 4,
					  &nr, &total), 0);
		CHECK(nr == 1 && z[0].slba == 2 * zs, "full zones: %u", nr);
		/* refused before the device */
		CHECK_RC(nvio_zone_mgmt(q, zs + 1, NVIO_ZSA_RESET, false), -EINVAL);
		CHECK_RC(nvio_io(q, &ap, NULL), -EINVAL);
		ap.slba = 0;
		ap.nlb = di->zone_append_max / lb + 1;
		ap.len = (size_t)ap.nlb * lb;
		if (ap.nlb <= di->max_nlb)
			CHECK_RC(nvio_io(q, &ap, NULL), -E2BIG);
		CHECK_RC(nvio_zone_mgmt(q, 0, NVIO_ZSA_RESET, true), 0);
		CHECK_RC(nvio_zone_report(q, 0, NVIO_ZONE_REPORT_EMPTY, false, z, 4,
					  &nr, &total), 0);
		CHECK(total == di->nr_zones, "all zones empty after reset-all: %"
		      PRIu64, total);
	}
	/* a conventional namespace of the topology: no zone commands */
	{
		const char *devs = getenv("NVIO_DEVS");
		char first[64] = "";

		if (devs && sscanf(devs, "%63s", first) == 1 &&
		    strcmp(first, path)) {
			struct nvio_dev *cd = dt_open_path(first);
			struct nvio_queue *cq = dt_queue(cd, 2, 0);
			struct nvio_io ap = { .sz = sizeof(ap),
					      .opcode = NVIO_OP_ZONE_APPEND,
					      .slba = 0, .nlb = 1, .buf = r,
					      .len = nvio_dev_info(cd)->lba_size };

			CHECK(!nvio_dev_info(cd)->zoned, "%s is conventional", first);
			CHECK_RC(nvio_io(cq, &ap, NULL), -EOPNOTSUPP);
			CHECK_RC(nvio_zone_mgmt(cq, 0, NVIO_ZSA_RESET, false),
				 -EOPNOTSUPP);
			nvio_queue_destroy(cq);
			nvio_dev_close(cd);
		}
	}
	nvio_buf_free(w);
	nvio_buf_free(r);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
