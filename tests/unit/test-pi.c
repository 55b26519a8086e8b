/* SPDX-License-Identifier: MIT */
/* End-to-end protection: the guard CRCs against known answers (the
 * catalogue's check value for "123456789", and the NVM Command Set
 * specification's 64b CRC test cases), and PI generated and checked in
 * each layout (8- and 16-byte PI, first or last in separate or
 * interleaved metadata), with every field's corruption reported as the
 * controller reports it. */
#include <errno.h>

#include "testutil.h"

START_TEST(crc_known_answers)
{
	static const char check[] = "123456789";
	unsigned char b[4096];

	ck_assert_uint_eq(nvio_crc16_t10dif(0, check, 9), 0xd0db);
	ck_assert_uint_eq(nvio_crc64_nvme(0, check, 9), 0xae8b14860a799888ull);
	/* NVM Command Set 1.0, 64b CRC test cases (4 KiB) */
	memset(b, 0, sizeof(b));
	ck_assert_uint_eq(nvio_crc64_nvme(0, b, sizeof(b)), 0x6482d367eb22b64eull);
	ck_assert_uint_eq(nvio_crc16_t10dif(0, b, 32), 0x0000);
	memset(b, 0xff, sizeof(b));
	ck_assert_uint_eq(nvio_crc64_nvme(0, b, sizeof(b)), 0xc0ddba7302eca3acull);
	ck_assert_uint_eq(nvio_crc16_t10dif(0, b, 32), 0xa293);
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)i;
	ck_assert_uint_eq(nvio_crc64_nvme(0, b, sizeof(b)), 0x3e729f5f6750449cull);
	ck_assert_uint_eq(nvio_crc16_t10dif(0, b, 32), 0x0224);
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(0xff - i);
	ck_assert_uint_eq(nvio_crc64_nvme(0, b, sizeof(b)), 0x9a2df64b8e9e517eull);
	for (unsigned i = 0; i < 32; i++)
		b[i] = (unsigned char)(31 - i);
	ck_assert_uint_eq(nvio_crc16_t10dif(0, b, 32), 0xc39a);
	/* chaining equals one pass */
	ck_assert_uint_eq(nvio_crc64_nvme(nvio_crc64_nvme(0, check, 4), check + 4, 5),
			  0xae8b14860a799888ull);
	ck_assert_uint_eq(nvio_crc16_t10dif(nvio_crc16_t10dif(0, check, 4), check + 4, 5),
			  0xd0db);
}
END_TEST

/* The exact bytes of one LBA's PI. */
START_TEST(pi_bytes)
{
	struct nvio_pi_format f = { .sz = sizeof(f), .lba_size = 4096, .md_size = 8,
				    .type = 1, .guard_bits = 16 };
	static unsigned char d[4096];
	unsigned char md[16];
	static const unsigned char want16[8] = { 0, 0, 0x12, 0x34, 0, 0, 0, 5 };
	static const unsigned char want64[16] = { 0x64, 0x82, 0xd3, 0x67, 0xeb, 0x22, 0xb6, 0x4e,
						  0x12, 0x34, 0, 0x01, 0, 0, 0, 5 };

	memset(d, 0, sizeof(d));
	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 5, 1, 0, 0x1234), 0);
	ck_assert_int_eq(memcmp(md, want16, 8), 0);
	f.guard_bits = 64;
	f.md_size = 16;
	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 0x100000005ull, 1, 0, 0x1234), 0);
	ck_assert_int_eq(memcmp(md, want64, 16), 0); /* 48-bit reference tag */
}
END_TEST

/* Each layout: generate, check clean, then break each field of one LBA. */
START_TEST(pi_layouts)
{
	for (unsigned k = 0; k < 16; k++) {
		struct nvio_pi_format f = {
			.sz = sizeof(f), .lba_size = 512,
			.guard_bits = (k & 1) ? 64 : 16,
			.pi_first = k & 2, .extended = k & 4,
			.type = (k & 8) ? 2 : 1,
		};
		unsigned pib = f.guard_bits == 64 ? 16 : 8;
		f.md_size = pib + 8; /* room for metadata beside the PI */
		size_t stride = 512 + (f.extended ? f.md_size : 0);
		unsigned char *d = calloc(4, stride), *md = f.extended ? NULL : calloc(4, f.md_size);
		unsigned char *mbase = f.extended ? d + 512 : md;
		size_t mstride = f.extended ? stride : f.md_size;
		unsigned char *pi2 = mbase + 2 * mstride + (f.pi_first ? 0 : f.md_size - pib);
		uint64_t bad = 0;

		for (size_t i = 0; i < 4 * stride; i++)
			d[i] = (unsigned char)(i * 7 + k);
		ck_assert_int_eq(nvio_pi_generate(&f, d, md, 1000, 4, 77, 0xbeef), 0);
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 7, &bad), 0);
		/* data of LBA 2 */
		d[2 * stride + 100] ^= 1;
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 7, &bad), 0x282);
		ck_assert_uint_eq(bad, 1002);
		/* not checked without PRCHK guard */
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 3, &bad), 0);
		d[2 * stride + 100] ^= 1;
		/* a metadata byte beside the PI: covered only when the PI is last */
		unsigned char *other = mbase + 2 * mstride + (f.pi_first ? pib : 0);
		*other ^= 1;
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 7, &bad),
				 f.pi_first ? 0 : 0x282);
		*other ^= 1;
		/* application tag: masked bits only */
		unsigned gb = pib == 16 ? 8 : 2;
		pi2[gb + 1] ^= 0x01;
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 7, &bad), 0x283);
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xff00, 7, &bad), 0);
		pi2[gb + 1] ^= 0x01;
		/* reference tag */
		pi2[pib - 1] ^= 0x01;
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 7, &bad), 0x284);
		ck_assert_uint_eq(bad, 1002);
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 6, &bad), 0);
		pi2[pib - 1] ^= 0x01;
		/* a read at another LBA (type 1) or another tag (type 2) */
		ck_assert_int_eq(f.type == 1 ?
				 nvio_pi_verify(&f, d, md, 2000, 4, 77, 0xbeef, 0xffff, 1, &bad) :
				 nvio_pi_verify(&f, d, md, 1000, 4, 78, 0xbeef, 0xffff, 1, &bad), 0x284);
		/* the escape: application tag all ones */
		pi2[gb] = pi2[gb + 1] = 0xff;
		d[2 * stride] ^= 0xff;
		ck_assert_int_eq(nvio_pi_verify(&f, d, md, 1000, 4, 77, 0xbeef, 0xffff, 7, &bad), 0);
		free(d);
		free(md);
	}
}
END_TEST

START_TEST(pi_type3)
{
	struct nvio_pi_format f = { .sz = sizeof(f), .lba_size = 512, .md_size = 8,
				    .type = 3, .guard_bits = 16 };
	unsigned char d[1024] = { 1 }, md[16];

	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 10, 2, 0x11223344, 7), 0);
	/* the same reference tag on every LBA, not checked */
	ck_assert_int_eq(memcmp(md + 4, md + 12, 4), 0);
	ck_assert_int_eq(nvio_pi_verify(&f, d, md, 99, 2, 0, 7, 0xffff, 7, NULL), 0);
	/* the type 3 escape needs both tags all ones */
	md[2] = md[3] = 0xff;
	d[0] ^= 1;
	ck_assert_int_eq(nvio_pi_verify(&f, d, md, 10, 2, 0, 7, 0, 7, NULL), 0x282);
	memset(md + 4, 0xff, 4);
	ck_assert_int_eq(nvio_pi_verify(&f, d, md, 10, 2, 0, 7, 0, 7, NULL), 0);
}
END_TEST

START_TEST(pi_bad_args)
{
	struct nvio_pi_format f = { .sz = sizeof(f), .lba_size = 512, .md_size = 8,
				    .type = 1, .guard_bits = 16 };
	unsigned char d[512], md[16];

	ck_assert_int_eq(nvio_pi_generate(NULL, d, md, 0, 1, 0, 0), -EINVAL);
	ck_assert_int_eq(nvio_pi_generate(&f, NULL, md, 0, 1, 0, 0), -EINVAL);
	ck_assert_int_eq(nvio_pi_generate(&f, d, NULL, 0, 1, 0, 0), -EINVAL); /* separate: md needed */
	f.extended = true;
	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 0, 1, 0, 0), -EINVAL); /* interleaved: no md */
	f.extended = false;
	f.type = 0;
	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 0, 1, 0, 0), -EINVAL);
	f.type = 4;
	ck_assert_int_eq(nvio_pi_verify(&f, d, md, 0, 1, 0, 0, 0, 7, NULL), -EINVAL);
	f.type = 1;
	f.guard_bits = 32; /* the 32-bit guard format is not supported */
	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 0, 1, 0, 0), -EINVAL);
	f.guard_bits = 64; /* 16-byte PI in 8 bytes of metadata */
	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 0, 1, 0, 0), -EINVAL);
	f.guard_bits = 16;
	ck_assert_int_eq(nvio_pi_verify(&f, d, md, 0, 1, 0, 0, 0, 8, NULL), -EINVAL);
	f.sz = 4;
	ck_assert_int_eq(nvio_pi_generate(&f, d, md, 0, 1, 0, 0), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pi");
	TCase *tc = tcase_create("pi");

	tcase_add_test(tc, crc_known_answers);
	tcase_add_test(tc, pi_bytes);
	tcase_add_test(tc, pi_layouts);
	tcase_add_test(tc, pi_type3);
	tcase_add_test(tc, pi_bad_args);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
