/* SPDX-License-Identifier: MIT */
/* Zoned namespaces without a device: the Report Zones decoder against
 * hand-made reports (a truncated buffer, a header that claims more than
 * it holds), the Zone Management encoders against the specification's
 * bit layout, and every refusal of nvio_zone_mgmt/nvio_zone_report with
 * nothing queued. */
#include <endian.h>
#include <errno.h>

#include "testutil.h"

static void desc(uint8_t *d, uint8_t type, uint8_t state, uint64_t cap,
		 uint64_t slba, uint64_t wp)
{
	memset(d, 0, 64);
	d[0] = type;
	d[1] = (uint8_t)(state << 4);
	d[2] = 0x80;
	d[3] = 0x01;
	cap = htole64(cap);
	slba = htole64(slba);
	wp = htole64(wp);
	memcpy(d + 8, &cap, 8);
	memcpy(d + 16, &slba, 8);
	memcpy(d + 24, &wp, 8);
}

START_TEST(decode)
{
	uint8_t b[64 + 3 * 64];
	struct nvio_zone z[4];
	uint64_t total = 0, n64 = htole64(3);
	unsigned nr = 9;

	memset(b, 0, sizeof(b));
	memcpy(b, &n64, 8);
	desc(b + 64, 2, NVIO_ZS_EMPTY, 0x800, 0, 0);
	desc(b + 128, 2, NVIO_ZS_IMP_OPEN, 0x800, 0x800, 0x808);
	desc(b + 192, 2, NVIO_ZS_FULL, 0x7ff, 0x1000, 0x1800);
	ck_assert_int_eq(nvio_zone_report_decode(b, sizeof(b), z, 4, &nr, &total), 0);
	ck_assert_uint_eq(nr, 3);
	ck_assert_uint_eq(total, 3);
	ck_assert_uint_eq(z[1].slba, 0x800);
	ck_assert_uint_eq(z[1].wp, 0x808);
	ck_assert_uint_eq(z[1].state, NVIO_ZS_IMP_OPEN);
	ck_assert_uint_eq(z[2].cap, 0x7ff);
	ck_assert_uint_eq(z[2].state, NVIO_ZS_FULL);
	ck_assert_uint_eq(z[0].type, NVIO_ZONE_TYPE_SEQ);
	ck_assert_uint_eq(z[0].attrs, 0x80);
	ck_assert_uint_eq(z[0].attrs_info, 1);
	/* fewer asked for */
	ck_assert_int_eq(nvio_zone_report_decode(b, sizeof(b), z, 2, &nr, NULL), 0);
	ck_assert_uint_eq(nr, 2);
	/* a header that claims more than the buffer holds: what fits */
	n64 = htole64(1000);
	memcpy(b, &n64, 8);
	ck_assert_int_eq(nvio_zone_report_decode(b, 64 + 2 * 64 + 10, z, 4, &nr, &total), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_uint_eq(total, 1000);
	/* and one that claims fewer: what it claims */
	n64 = htole64(1);
	memcpy(b, &n64, 8);
	ck_assert_int_eq(nvio_zone_report_decode(b, sizeof(b), z, 4, &nr, NULL), 0);
	ck_assert_uint_eq(nr, 1);
	/* bad buffers */
	ck_assert_int_eq(nvio_zone_report_decode(b, 63, z, 4, &nr, NULL), -EINVAL);
	ck_assert_uint_eq(nr, 0);
	ck_assert_int_eq(nvio_zone_report_decode(NULL, 128, z, 4, &nr, NULL), -EINVAL);
	ck_assert_int_eq(nvio_zone_report_decode(b, 128, NULL, 4, &nr, NULL), -EINVAL);
	ck_assert_int_eq(nvio_zone_report_decode(b, 128, NULL, 0, &nr, &total), 0);
	ck_assert_uint_eq(total, 1);
}
END_TEST

START_TEST(encoders)
{
	struct nvio_cmd c;

	nvio_cmd_zone_mgmt_send(&c, 2, 0x123456789ull, NVIO_ZSA_RESET, false);
	ck_assert_uint_eq(c.opcode, 0x79);
	ck_assert_uint_eq(c.nsid, 2);
	ck_assert_uint_eq(c.cdw10, 0x23456789u);
	ck_assert_uint_eq(c.cdw11, 0x1);
	ck_assert_uint_eq(c.cdw13, 0x04); /* ZSA 7:0, Select All 8 */
	nvio_cmd_zone_mgmt_send(&c, 2, 0, NVIO_ZSA_FINISH, true);
	ck_assert_uint_eq(c.cdw13, 0x102);
	nvio_cmd_zone_mgmt_recv(&c, 2, 0x800, 4096, NVIO_ZONE_REPORT_FULL, true);
	ck_assert_uint_eq(c.opcode, 0x7a);
	ck_assert_uint_eq(c.cdw10, 0x800);
	ck_assert_uint_eq(c.cdw12, 1023); /* NUMD, zero-based dwords */
	/* ZRA 0 (report zones) in 7:0, ZRASF in 15:8, partial in 16 */
	ck_assert_uint_eq(c.cdw13, 0x10500u);
}
END_TEST

static struct nvio_queue *zoned_queue(bool zoned, uint64_t zsze)
{
	struct nvio_dev_info info = {
		.nsid = 1, .lba_size = 512, .lba_shift = 9, .nsze = 1024,
		.max_nlb = 128, .zoned = zoned, .zone_size = zsze,
	};

	return fake_queue_info(&info, 4);
}

START_TEST(refusals)
{
	struct nvio_queue *q = zoned_queue(false, 0);
	struct nvio_zone z[2];
	unsigned nr;

	/* not zoned */
	ck_assert_int_eq(nvio_zone_mgmt(q, 0, NVIO_ZSA_RESET, false), -EOPNOTSUPP);
	ck_assert_int_eq(nvio_zone_mgmt(q, 0, NVIO_ZSA_RESET, true), -EOPNOTSUPP);
	ck_assert_int_eq(nvio_zone_report(q, 0, 0, false, z, 2, &nr, NULL), -EOPNOTSUPP);
	fake_queue_free(q);

	q = zoned_queue(true, 256);
	ck_assert_int_eq(nvio_zone_mgmt(q, 100, NVIO_ZSA_OPEN, false), -EINVAL);
	ck_assert_int_eq(nvio_zone_mgmt(q, 1024, NVIO_ZSA_OPEN, false), -ERANGE);
	ck_assert_int_eq(nvio_zone_mgmt(q, 0, 0, false), -EINVAL);
	ck_assert_int_eq(nvio_zone_mgmt(q, 0, 6, false), -EINVAL);
	ck_assert_int_eq(nvio_zone_mgmt(NULL, 0, NVIO_ZSA_OPEN, false), -EINVAL);
	ck_assert_int_eq(nvio_zone_report(q, 1024, 0, false, z, 2, &nr, NULL), -ERANGE);
	ck_assert_int_eq(nvio_zone_report(q, 0, 8, false, z, 2, &nr, NULL), -EINVAL);
	ck_assert_int_eq(nvio_zone_report(q, 0, 0, false, NULL, 2, &nr, NULL), -EFAULT);
	ck_assert_uint_eq(fake_queued(q), 0);
	fake_queue_free(q);

	/* zoned, but the zone size could not be learned */
	q = zoned_queue(true, 0);
	ck_assert_int_eq(nvio_zone_mgmt(q, 0, NVIO_ZSA_OPEN, false), -EOPNOTSUPP);
	fake_queue_free(q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zns");
	TCase *tc = tcase_create("zns");

	tcase_add_test(tc, decode);
	tcase_add_test(tc, encoders);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
