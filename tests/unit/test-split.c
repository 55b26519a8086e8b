/* SPDX-License-Identifier: MIT */
/* Transfer splitting, transfer limits, and Identify decoding. */
#include <endian.h>
#include <nvme/types.h>

#include "testutil.h"

START_TEST(split_exact_and_remainder)
{
	struct nvio_chunk ch;
	uint64_t total = 0;

	ck_assert_uint_eq(nvio_split(100, 1024, 256, 512, 0, NULL), 4);
	ck_assert_uint_eq(nvio_split(100, 1025, 256, 512, 0, NULL), 5);
	ck_assert_uint_eq(nvio_split(100, 1, 256, 512, 0, NULL), 1);
	for (uint64_t i = 0; i < 5; i++) {
		nvio_split(100, 1025, 256, 512, i, &ch);
		ck_assert_uint_eq(ch.slba, 100 + i * 256);
		ck_assert_uint_eq(ch.off, i * 256 * 512);
		ck_assert_uint_eq(ch.nlb, i < 4 ? 256 : 1);
		total += ch.nlb;
	}
	ck_assert_uint_eq(total, 1025);
	/* past the last chunk */
	ck_assert_uint_eq(nvio_split(100, 1025, 256, 512, 5, &ch), 0);
}
END_TEST

START_TEST(split_large)
{
	struct nvio_chunk ch;
	/* 2^33 LBAs of 4 KiB in 65536-LBA chunks: offsets beyond 32 bits */
	uint64_t n = nvio_split(0, 1ull << 33, 65536, 4096, 0, NULL);

	ck_assert_uint_eq(n, 1ull << 17);
	nvio_split(0, 1ull << 33, 65536, 4096, n - 1, &ch);
	ck_assert_uint_eq(ch.slba, (1ull << 33) - 65536);
	ck_assert_uint_eq(ch.off, ((1ull << 33) - 65536) * 4096);
	ck_assert_uint_eq(ch.nlb, 65536);
}
END_TEST

START_TEST(limits)
{
	struct nvio_dev_info i = { .lba_size = 512, .mdts = 7 };

	/* MDTS 7 with 4 KiB pages: 512 KiB */
	nvio_info_limits(&i, 0, 0);
	ck_assert_uint_eq(i.max_xfer, 512 * 1024);
	ck_assert_uint_eq(i.max_nlb, 1024);
	/* the kernel's queue limit is smaller */
	nvio_info_limits(&i, 128, 0);
	ck_assert_uint_eq(i.max_xfer, 128 * 1024);
	/* segments: one page each, minus one for a misaligned start */
	nvio_info_limits(&i, 0, 33);
	ck_assert_uint_eq(i.max_xfer, 32 * 4096);
	/* 16-bit NLB caps 512 B LBAs at 32 MiB */
	i.mdts = 0;
	nvio_info_limits(&i, 1u << 20, 0);
	ck_assert_uint_eq(i.max_nlb, 2048); /* 1 MiB default when MDTS=0 */
	/* extended LBAs count their metadata */
	struct nvio_dev_info e = { .lba_size = 512, .md_size = 8,
				   .md_extended = true, .mdts = 5 };
	nvio_info_limits(&e, 0, 0);
	ck_assert_uint_eq(e.max_nlb, 128 * 1024 / 520);
	ck_assert_uint_eq(e.max_xfer, e.max_nlb * 520);
}
END_TEST

START_TEST(identify_decode)
{
	struct nvme_id_ctrl *c = calloc(1, sizeof(*c));
	struct nvme_id_ns *n = calloc(1, sizeof(*n));
	struct nvio_dev_info i = { 0 };

	memcpy(c->sn, "nvio0001            ", 20);
	memcpy(c->mn, "QEMU NVMe Ctrl                          ", 40);
	memcpy(c->fr, "7.2.0   ", 8);
	c->vid = htole16(0x1b36);
	c->mdts = 7;
	c->oncs = htole16(0x15d);
	c->vwc = 0x7;
	n->nsze = htole64(524288);
	n->nlbaf = 7;
	n->flbas = 0x14; /* format 4, extended metadata */
	n->lbaf[4].ds = 12;
	n->lbaf[4].ms = htole16(8);
	n->dps = 0x9; /* PI type 1, first bytes */
	nvio_info_from_identify(&i, c, n);
	ck_assert_str_eq(i.serial, "nvio0001");
	ck_assert_str_eq(i.model, "QEMU NVMe Ctrl");
	ck_assert_str_eq(i.firmware, "7.2.0");
	ck_assert_uint_eq(i.vid, 0x1b36);
	ck_assert_uint_eq(i.oncs, 0x15d);
	ck_assert(i.vwc);
	ck_assert_uint_eq(i.nsze, 524288);
	ck_assert_uint_eq(i.flbas, 4);
	ck_assert_uint_eq(i.lba_size, 4096);
	ck_assert_uint_eq(i.lba_shift, 12);
	ck_assert_uint_eq(i.md_size, 8);
	ck_assert(i.md_extended);
	ck_assert_uint_eq(i.pi_type, 1);
	/* format index above 15 uses FLBAS bits 6:5 */
	n->flbas = 0x21; /* index 0x11 = 17 */
	n->lbaf[17].ds = 9;
	nvio_info_from_identify(&i, NULL, n);
	ck_assert_uint_eq(i.flbas, 17);
	ck_assert_uint_eq(i.lba_size, 512);
	ck_assert(!i.md_extended);
	free(c);
	free(n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, split_exact_and_remainder);
	tcase_add_test(tc, split_large);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, identify_decode);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
