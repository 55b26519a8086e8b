/* SPDX-License-Identifier: MIT */
/* Flexible data placement without a device: the general Get Log Page's
 * encoding word by word, the I/O Management encoders against the
 * specification's layout, and the decoders of the FDP configurations and
 * events logs and of the reclaim unit handle status against hand-made
 * buffers: a truncated buffer, a header that claims more than it holds,
 * a descriptor whose size does not hold it. */
#include <endian.h>
#include <errno.h>

#include "testutil.h"

static void put16(uint8_t *p, uint16_t v) { v = htole16(v); memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { v = htole64(v); memcpy(p, &v, 8); }

START_TEST(log_req)
{
	uint8_t b[64];
	struct nvio_log_req r = {
		.sz = sizeof(r), .lid = 0x23, .lsp = 1, .rae = true, .csi = 2,
		.lsi = 0x1234, .uuidx = 5, .nsid = 0xffffffff,
		.offset = 0x100000008ull, .buf = b, .len = 4096,
	};
	struct nvio_cmd c;

	ck_assert_int_eq(nvio_log_req_encode(&r, &c), 0);
	ck_assert_uint_eq(c.opcode, NVIO_ADMIN_GET_LOG_PAGE);
	ck_assert_uint_eq(c.nsid, 0xffffffff);
	/* LID 7:0, LSP 14:8, RAE 15, NUMDL 31:16 (1023) */
	ck_assert_uint_eq(c.cdw10, 0x23u | 1u << 8 | 1u << 15 | 1023u << 16);
	/* NUMDU 15:0, LSI 31:16 */
	ck_assert_uint_eq(c.cdw11, 0x1234u << 16);
	ck_assert_uint_eq(c.cdw12, 8);
	ck_assert_uint_eq(c.cdw13, 1);
	/* UUID index 6:0, CSI 31:24 */
	ck_assert_uint_eq(c.cdw14, 5u | 2u << 24);
	r.len = 1u << 20; /* NUMD spills into NUMDU */
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), 0);
	ck_assert_uint_eq(c.cdw10 >> 16, 0xffff);
	ck_assert_uint_eq(c.cdw11, 0x1234u << 16 | 3);

	/* refusals */
	r.len = 6;
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), -EINVAL);
	r.len = 0;
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), -EINVAL);
	r.len = 64; r.offset = 2;
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), -EINVAL);
	r.offset = 0; r.lsp = 0x80;
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), -EINVAL);
	r.lsp = 0; r.uuidx = 0x80;
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), -EINVAL);
	r.uuidx = 0; r.sz = 8;
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), -EINVAL);
	r.sz = sizeof(r) + 8;
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), -EINVAL);
	ck_assert_int_eq(nvio_log_req_encode(NULL, &c), -EFAULT);
	r.sz = sizeof(r);
	ck_assert_int_eq(nvio_log_req_encode(&r, NULL), -EFAULT);
	r.buf = NULL; /* the encoder does not care; the call does */
	ck_assert_int_eq(nvio_log_req_encode(&r, &c), 0);
	ck_assert_int_eq(nvio_get_log_page(NULL, &r), -EFAULT);
}
END_TEST

START_TEST(io_mgmt)
{
	struct nvio_cmd c;

	nvio_cmd_io_mgmt_recv(&c, 3, NVIO_IO_MGMT_RUH_STATUS, 0, 4112);
	ck_assert_uint_eq(c.opcode, 0x12);
	ck_assert_uint_eq(c.nsid, 3);
	ck_assert_uint_eq(c.cdw10, 1);
	ck_assert_uint_eq(c.cdw11, 4112 / 4 - 1); /* NUMD, zero-based */
	/* Send, RUH update of 3 ids: MOS the zero-based count */
	nvio_cmd_io_mgmt_send(&c, 3, NVIO_IO_MGMT_RUH_UPDATE, 2);
	ck_assert_uint_eq(c.opcode, 0x1d);
	ck_assert_uint_eq(c.cdw10, 1u | 2u << 16);
	ck_assert_uint_eq(c.cdw11, 0);
	/* the calls refuse before anything is queued */
	ck_assert_int_eq(nvio_io_mgmt_recv(NULL, 0, 1, 0, &c, 16), -EINVAL);
}
END_TEST

START_TEST(io_mgmt_refusals)
{
	struct nvio_queue *q = fake_queue(512, 0, false, 1000, 128, 4);
	uint8_t b[64];

	ck_assert_int_eq(nvio_io_mgmt_recv(q, 0, 16, 0, b, 16), -EINVAL);
	ck_assert_int_eq(nvio_io_mgmt_recv(q, 0, 1, 0, NULL, 16), -EINVAL);
	ck_assert_int_eq(nvio_io_mgmt_recv(q, 0, 1, 0, b, 6), -EINVAL);
	ck_assert_int_eq(nvio_io_mgmt_recv(q, 0, 1, 0, b, 0), -EINVAL);
	ck_assert_int_eq(nvio_io_mgmt_recv(q, 9, 1, 0, b, 16), -EXDEV);
	ck_assert_int_eq(nvio_io_mgmt_send(q, 0, 1, 0, NULL, 4), -EINVAL);
	ck_assert_int_eq(nvio_io_mgmt_send(q, 0, 1, 0, b, 2), -EINVAL);
	ck_assert_int_eq(nvio_io_mgmt_send(q, 2, 1, 0, b, 4), -EXDEV);
	ck_assert_uint_eq(fake_queued(q), 0);
	fake_queue_free(q);
}
END_TEST

/* The two-step status read refuses before sending anything. */
START_TEST(ruh_status_refusals)
{
	struct nvio_queue *q = fake_queue(512, 0, false, 1000, 128, 4);
	uint8_t b[64];
	uint32_t got = 77;

	ck_assert_int_eq(nvio_fdp_ruh_status(NULL, 0, b, 64, &got), -EFAULT);
	ck_assert_int_eq(nvio_fdp_ruh_status(q, 0, NULL, 64, &got), -EFAULT);
	ck_assert_int_eq(nvio_fdp_ruh_status(q, 0, b, 8, &got), -EINVAL);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(nvio_fdp_ruh_status(q, 9, b, 64, NULL), -EXDEV);
	ck_assert_uint_eq(fake_queued(q), 0);
	fake_queue_free(q);
}
END_TEST

START_TEST(pid_check)
{
	struct nvio_dev_info i;

	memset(&i, 0, sizeof(i));
	ck_assert_int_eq(nvio_fdp_pid_check(NULL, 0), -EFAULT);
	ck_assert_int_eq(nvio_fdp_pid_check(&i, 0), -EOPNOTSUPP);
	i.fdp_unknown = true;
	ck_assert_int_eq(nvio_fdp_pid_check(&i, 0), -EOPNOTSUPP);
	i.fdp_unknown = false;
	i.fdp = true;
	i.fdp_nr_pids = 3;
	i.fdp_pids[0] = 0;
	i.fdp_pids[1] = 5;
	i.fdp_pids[2] = 0x4000;
	i.fdp_pids[3] = 6; /* past the count: not an id */
	ck_assert_int_eq(nvio_fdp_pid_check(&i, 0), 0);
	ck_assert_int_eq(nvio_fdp_pid_check(&i, 5), 0);
	ck_assert_int_eq(nvio_fdp_pid_check(&i, 0x4000), 0);
	ck_assert_int_eq(nvio_fdp_pid_check(&i, 6), -ENXIO);
	ck_assert_int_eq(nvio_fdp_pid_check(&i, 1), -ENXIO);
}
END_TEST

/* One configuration: 2 groups, 3 handles (types 1, 2, 1), 16 MiB units. */
static size_t config_log(uint8_t *b, uint16_t dsze)
{
	memset(b, 0, 128);
	put16(b, 0);            /* one configuration */
	put32(b + 4, 16 + dsze);
	put16(b + 16, dsze);
	b[16 + 2] = 0x82;
	put32(b + 16 + 4, 2);
	put16(b + 16 + 8, 3);
	put16(b + 16 + 10, 127);
	put32(b + 16 + 12, 256);
	put64(b + 16 + 16, 16u << 20);
	put32(b + 16 + 24, 60);
	b[16 + 64] = 1;
	b[16 + 68] = 2;
	b[16 + 72] = 1;
	return 16 + dsze;
}

START_TEST(configs)
{
	uint8_t b[128];
	struct nvio_fdp_config c[2];
	unsigned nr = 9, total = 9;
	size_t len = config_log(b, 80);

	ck_assert_int_eq(nvio_fdp_configs_decode(b, len, c, 2, &nr, &total), 0);
	ck_assert_uint_eq(nr, 1);
	ck_assert_uint_eq(total, 1);
	ck_assert_uint_eq(c[0].fdpa, 0x82);
	ck_assert_uint_eq(c[0].nrg, 2);
	ck_assert_uint_eq(c[0].nruh, 3);
	ck_assert_uint_eq(c[0].max_pids, 128);
	ck_assert_uint_eq(c[0].nnss, 256);
	ck_assert_uint_eq(c[0].runs, 16u << 20);
	ck_assert_uint_eq(c[0].erutl, 60);
	ck_assert_uint_eq(c[0].ruh_off, 80);
	ck_assert_uint_eq(b[c[0].ruh_off + 4], 2);
	/* read short: the descriptor is not all there, nothing decoded */
	ck_assert_int_eq(nvio_fdp_configs_decode(b, 60, c, 2, &nr, NULL), 0);
	ck_assert_uint_eq(nr, 0);
	/* a descriptor size past the log, or too small for its handles */
	config_log(b, 80);
	put16(b + 16, 200);
	ck_assert_int_eq(nvio_fdp_configs_decode(b, len, c, 2, &nr, NULL), -EBADMSG);
	config_log(b, 72); /* 64 + 3 handles x 4 = 76 > 72 */
	ck_assert_int_eq(nvio_fdp_configs_decode(b, 88, c, 2, &nr, NULL), -EBADMSG);
	config_log(b, 40); /* smaller than its fixed part */
	put32(b + 4, 80);
	ck_assert_int_eq(nvio_fdp_configs_decode(b, 80, c, 2, &nr, NULL), -EBADMSG);
	/* a header that claims 3 configurations holds one */
	config_log(b, 80);
	put16(b, 2);
	ck_assert_int_eq(nvio_fdp_configs_decode(b, len, c, 2, &nr, &total), 0);
	ck_assert_uint_eq(nr, 1);
	ck_assert_uint_eq(total, 3);
	ck_assert_int_eq(nvio_fdp_configs_decode(b, 8, c, 2, &nr, NULL), -EINVAL);
	ck_assert_int_eq(nvio_fdp_configs_decode(NULL, 64, c, 2, &nr, NULL), -EINVAL);
	ck_assert_int_eq(nvio_fdp_configs_decode(b, len, NULL, 2, &nr, NULL), -EINVAL);
	ck_assert_int_eq(nvio_fdp_configs_decode(b, len, NULL, 0, &nr, &total), 0);
}
END_TEST

START_TEST(ruh_status)
{
	uint8_t b[16 + 3 * 32];
	struct nvio_fdp_ruhs s[4];
	unsigned nr, total;

	memset(b, 0, sizeof(b));
	put16(b + 14, 3);
	for (unsigned i = 0; i < 3; i++) {
		uint8_t *d = b + 16 + 32 * i;

		put16(d, (uint16_t)(0x4000 * (i & 1) + i));
		put16(d + 2, (uint16_t)i);
		put32(d + 4, 100 + i);
		put64(d + 8, 32768ull - i);
	}
	ck_assert_int_eq(nvio_fdp_ruh_status_decode(b, sizeof(b), s, 4, &nr, &total), 0);
	ck_assert_uint_eq(nr, 3);
	ck_assert_uint_eq(total, 3);
	ck_assert_uint_eq(s[1].pid, 0x4001);
	ck_assert_uint_eq(s[2].ruhid, 2);
	ck_assert_uint_eq(s[2].earutr, 102);
	ck_assert_uint_eq(s[2].ruamw, 32766);
	/* two descriptors and a half: two */
	ck_assert_int_eq(nvio_fdp_ruh_status_decode(b, 16 + 80, s, 4, &nr, &total), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_uint_eq(total, 3);
	/* the header alone says how many there are */
	ck_assert_int_eq(nvio_fdp_ruh_status_decode(b, 16, NULL, 0, &nr, &total), 0);
	ck_assert_uint_eq(nr, 0);
	ck_assert_uint_eq(total, 3);
	ck_assert_int_eq(nvio_fdp_ruh_status_decode(b, sizeof(b), s, 1, &nr, NULL), 0);
	ck_assert_uint_eq(nr, 1);
	ck_assert_int_eq(nvio_fdp_ruh_status_decode(b, 15, s, 4, &nr, NULL), -EINVAL);
}
END_TEST

START_TEST(events)
{
	uint8_t b[64 + 2 * 64];
	struct nvio_fdp_event e[4];
	unsigned nr, total;

	memset(b, 0, sizeof(b));
	put32(b, 63); /* claims 63, holds 2 */
	b[64] = 0;
	b[65] = 7;
	put16(b + 66, 0x4002);
	put64(b + 68, (2ull << 48) | 1796297850320ull);
	put32(b + 76, 1);
	put16(b + 96, 1);
	b[98] = 5;
	b[128] = 0x80;
	b[128 + 16] = 1;
	put16(b + 128 + 18, 12);
	ck_assert_int_eq(nvio_fdp_events_decode(b, sizeof(b), e, 4, &nr, &total), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_uint_eq(total, 63);
	ck_assert_uint_eq(e[0].flags, 7);
	ck_assert_uint_eq(e[0].pid, 0x4002);
	ck_assert_uint_eq(e[0].timestamp, (2ull << 48) | 1796297850320ull);
	ck_assert_uint_eq(e[0].nsid, 1);
	ck_assert_uint_eq(e[0].rgid, 1);
	ck_assert_uint_eq(e[0].ruhid, 5);
	ck_assert_uint_eq(e[1].type, 0x80);
	ck_assert_uint_eq(e[1].specific[0], 1);
	ck_assert_uint_eq(e[1].specific[2], 12);
	ck_assert_int_eq(nvio_fdp_events_decode(b, 63, e, 4, &nr, NULL), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fdp");
	TCase *tc = tcase_create("fdp");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, log_req);
	tcase_add_test(tc, io_mgmt);
	tcase_add_test(tc, io_mgmt_refusals);
	tcase_add_test(tc, ruh_status_refusals);
	tcase_add_test(tc, pid_check);
	tcase_add_test(tc, configs);
	tcase_add_test(tc, ruh_status);
	tcase_add_test(tc, events);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
