/* SPDX-License-Identifier: MIT */
/* Flexible data placement through the library ($NVIO_FDP_DEV, the fdp
 * topology): what nvio_dev_open learns (the endurance group and the
 * placement ids, in the RUH status's order), the FDP logs through
 * nvio_get_log_page with LSI and LSP, the RUH status through
 * nvio_io_mgmt_recv, a write placed by a request landing on its id's
 * reclaim unit (its available media writes drop by the LBAs written, no
 * other's do), a placement id the namespace lacks refused with nothing
 * sent, RUH update through nvio_io_mgmt_send, and a namespace without FDP
 * ($NVIO_NOFDP_DEV) refusing placement. */
#include <endian.h>

#include "devtest.h"

/* RUAMW of placement id pid, from an exactly sized RUH status. */
static uint64_t ruamw(struct nvio_queue *q, uint16_t pid)
{
	struct nvio_fdp_ruhs s[64];
	uint8_t *buf = nvio_buf_alloc(16 + 32 * 64);
	unsigned nr = 0;
	uint32_t len = 0;
	uint64_t v = UINT64_MAX;

	if (!nvio_fdp_ruh_status(q, 0, buf, 16 + 32 * 64, &len) &&
	    !nvio_fdp_ruh_status_decode(buf, len, s, 64, &nr, NULL))
		for (unsigned i = 0; i < nr; i++)
			if (s[i].pid == pid)
				v = s[i].ruamw;
	nvio_buf_free(buf);
	return v;
}

int main(void)
{
	dt_name = "fdp";
	const char *path = getenv("NVIO_FDP_DEV");
	const char *plain = getenv("NVIO_NOFDP_DEV");

	if (!path || !*path)
		dt_skip("no FDP namespace in this topology (NVIO_FDP_DEV)");
	dt_seed();
	struct nvio_dev *dev = dt_open_path(path);
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q = dt_queue(dev, 4, 0);
	uint32_t lb = di->lba_size;
	uint8_t *log = nvio_buf_alloc(4096);
	char *w = nvio_buf_alloc(16 * lb), *r = nvio_buf_alloc(16 * lb);
	struct nvio_fdp_config cfg;
	unsigned nr = 0, total = 0;
	uint64_t before, other;

	/* the topology: handles 0-5 in 2 reclaim groups, ids rg << 14 | ph */
	printf("%s: endurance group %u, %u placement ids\n", dt_name,
	       di->fdp_endgid, di->fdp_nr_pids);
	CHECK(di->fdp && !di->fdp_unknown && di->fdp_endgid == 1 &&
		      di->fdp_nr_pids == 12 && di->fdp_pids[0] == 0 &&
		      di->fdp_pids[1] == 0x4000 && di->fdp_pids[11] == 0x4005,
	      "placement ids learned at open");

	/* the configurations log: its header, then all of it */
	struct nvio_log_req lr = { .sz = sizeof(lr), .lid = NVIO_LOG_FDP_CONFIGS,
				   .lsi = di->fdp_endgid, .buf = log, .len = 16 };
	CHECK_RC(nvio_get_log_page(dev, &lr), 0);
	memcpy(&lr.len, log + 4, 4);
	lr.len = (le32toh(lr.len) + 3) & ~3u;
	CHECK(lr.len >= 80 && lr.len <= 4096, "configurations log size %u", lr.len);
	CHECK_RC(nvio_get_log_page(dev, &lr), 0);
	CHECK_RC(nvio_fdp_configs_decode(log, lr.len, &cfg, 1, &nr, &total), 0);
	CHECK(nr == 1 && total == 1 && cfg.nrg == 2 && cfg.nruh == 8 &&
		      cfg.runs == 16u << 20 && (cfg.fdpa & 0x80),
	      "configuration: nrg %u nruh %u runs %" PRIu64 " fdpa %#x",
	      cfg.nrg, cfg.nruh, cfg.runs, cfg.fdpa);
	/* another endurance group: the controller has only 1 */
	lr.lsi = 2;
	lr.len = 16;
	CHECK(nvio_get_log_page(dev, &lr) > 0, "configurations of group 2 refused");

	/* a placed write takes its LBAs from its id's reclaim unit alone */
	before = ruamw(q, 0x4001);
	other = ruamw(q, 1);
	CHECK(before != UINT64_MAX && other != UINT64_MAX, "RUH status");
	dt_fill(w, 16 * lb);
	struct nvio_io io = { .sz = sizeof(io), .opcode = NVIO_OP_WRITE,
			      .slba = 256, .nlb = 16, .buf = w, .len = 16 * lb,
			      .dtype = NVIO_DTYPE_PLACEMENT, .dspec = 0x4001 };
	CHECK_RC(nvio_io(q, &io, NULL), 0);
	CHECK(ruamw(q, 0x4001) == before - 16 && ruamw(q, 1) == other,
	      "placed write: RUAMW of 0x4001 %" PRIu64 " (was %" PRIu64
	      "), of 1 %" PRIu64 " (was %" PRIu64 ")",
	      ruamw(q, 0x4001), before, ruamw(q, 1), other);
	CHECK_RC(nvio_read(q, 256, 16, r, 16 * lb, 0), 0);
	CHECK(!memcmp(w, r, 16 * lb), "placed data reads back");

	/* placement ids the namespace lacks: refused, nothing sent (the
	 * device would have put them on id 0's unit) */
	before = ruamw(q, 0);
	io.dspec = 6;
	CHECK_RC(nvio_io(q, &io, NULL), -ENXIO);
	io.dspec = 0x8000;
	CHECK_RC(nvio_queue_io(q, &io), -ENXIO);
	CHECK(nvio_queue_inflight(q) == 0, "nothing queued");
	CHECK(ruamw(q, 0) == before, "id 0's unit untouched by the refusals");

	/* RUH update: id 0x4001's unit is replaced by a full one */
	uint16_t pids[2] = { htole16(0x4001), 0 };
	CHECK_RC(nvio_io_mgmt_send(q, 0, NVIO_IO_MGMT_RUH_UPDATE, 0, pids, 4), 0);
	CHECK(ruamw(q, 0x4001) == (16u << 20) / lb, "updated unit full: %" PRIu64,
	      ruamw(q, 0x4001));

	/* the statistics log counts the host's bytes */
	lr.lid = NVIO_LOG_FDP_STATS;
	lr.lsi = di->fdp_endgid;
	lr.len = 64;
	CHECK_RC(nvio_get_log_page(dev, &lr), 0);
	uint64_t hbmw;
	memcpy(&hbmw, log, 8);
	CHECK(le64toh(hbmw) >= 16u * lb, "host bytes written %" PRIu64,
	      le64toh(hbmw));

	if (plain && *plain) {
		struct nvio_dev *pd = dt_open_path(plain);
		struct nvio_queue *pq = dt_queue(pd, 4, 0);

		CHECK(!nvio_dev_info(pd)->fdp && !nvio_dev_info(pd)->fdp_unknown,
		      "%s has no FDP", plain);
		io.dspec = 0;
		CHECK_RC(nvio_io(pq, &io, NULL), -EOPNOTSUPP);
		nvio_queue_destroy(pq);
		nvio_dev_close(pd);
	}
	nvio_buf_free(log);
	nvio_buf_free(w);
	nvio_buf_free(r);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
