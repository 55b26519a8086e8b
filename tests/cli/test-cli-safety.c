/* SPDX-License-Identifier: MIT */
/* Safety checks (tools/safety.c): signatures found in synthetic images,
 * and holders found in a fake sysfs tree. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define IMG (68 * 1024)
static unsigned char img[IMG];

static void zero(void)
{
	memset(img, 0, sizeof(img));
}

static const char *sig(unsigned lba)
{
	return safety_signature(img, sizeof(img), lba);
}

START_TEST(clean)
{
	zero();
	ck_assert_ptr_null(sig(512));
	ck_assert_ptr_null(sig(4096));
	memset(img, 0xa5, sizeof(img));
	ck_assert_ptr_null(sig(512));
	ck_assert_ptr_null(safety_signature(NULL, 0, 512));
}
END_TEST

#define HAS(want, lba) do {                                                    \
	const char *s_ = sig(lba);                                             \
	ck_assert_msg(s_ && strstr(s_, want), "expected '%s', got '%s'", want, \
		      s_ ? s_ : "(none)");                                     \
} while (0)

START_TEST(filesystems)
{
	zero();
	img[1080] = 0x53;
	img[1081] = 0xef;
	HAS("ext2/ext3/ext4", 512);
	zero();
	memcpy(img, "XFSB", 4);
	HAS("XFS", 512);
	zero();
	memcpy(img + 65600, "_BHRfS_M", 8);
	HAS("btrfs", 4096);
	zero();
	memcpy(img + 4086, "SWAPSPACE2", 10);
	HAS("swap", 512);
	zero();
	memcpy(img + 65526, "SWAPSPACE2", 10); /* 64 KiB pages */
	HAS("swap", 512);
	zero();
	memcpy(img, "LUKS\xba\xbe", 6);
	HAS("LUKS", 512);
	zero();
	memcpy(img + 512, "LABELONE", 8);
	HAS("LVM", 512);
	zero();
	memcpy(img + 3, "NTFS    ", 8);
	img[510] = 0x55;
	img[511] = 0xaa;
	HAS("NTFS", 512); /* before the boot-sector signature it also has */
	zero();
	memcpy(img + 82, "FAT32   ", 8);
	img[510] = 0x55;
	img[511] = 0xaa;
	HAS("FAT", 512);
	zero();
	img[4096] = 0xfc;
	img[4097] = 0x4e;
	img[4098] = 0x2b;
	img[4099] = 0xa9;
	HAS("md RAID", 512);
	zero();
	memcpy(img + 32769, "CD001", 5);
	HAS("ISO 9660", 2048);
}
END_TEST

START_TEST(partition_tables)
{
	zero();
	img[510] = 0x55;
	img[511] = 0xaa;
	HAS("MBR", 512);
	/* GPT: the header is at LBA 1, whatever the LBA size. */
	memcpy(img + 512, "EFI PART", 8);
	HAS("GPT", 512);
	zero();
	memcpy(img + 4096, "EFI PART", 8);
	HAS("GPT", 4096);
	/* A short probe (a tiny namespace) must not read past its end. */
	ck_assert_ptr_null(safety_signature(img, 100, 512));
	ck_assert_ptr_null(safety_signature(img, 4100, 512));
	ck_assert_ptr_nonnull(safety_signature(img, 4104, 4096));
}
END_TEST

static char root[] = "/tmp/nvio-safety-XXXXXX";

static void mkfile(const char *rel, const char *content)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(content, f);
	fclose(f);
}

static void mkdir_(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

START_TEST(holders)
{
	char why[256] = "", mi[600], sw[600];

	ck_assert_ptr_nonnull(mkdtemp(root));
	mkdir_("block");
	mkdir_("block/nvme9n1");
	mkdir_("block/nvme9n1/holders");
	mkfile("block/nvme9n1/dev", "4095:1000001\n");
	mkdir_("block/nvme9n1/nvme9n1p1");
	mkdir_("block/nvme9n1/nvme9n1p1/holders");
	mkfile("block/nvme9n1/nvme9n1p1/dev", "4095:1000002\n");
	mkfile("block/nvme9n1/nvme9n1p1/partition", "1\n");
	ck_assert(!safety_in_use(root, "nvme9n1", why, sizeof(why)));
	ck_assert(!safety_in_use(root, "", why, sizeof(why)));
	/* Mounted: by major:minor, or (btrfs' anonymous 0:N) by source. */
	mkfile("mountinfo",
	       "22 1 0:21 / /proc rw - proc proc rw\n"
	       "30 1 4095:1000002 / /mnt/data rw,relatime shared:1 - ext4 /dev/nvme9n1p1 rw\n");
	mkfile("swaps", "Filename\tType\tSize\tUsed\tPriority\n");
	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(sw, sizeof(sw), "%s/swaps", root);
	ck_assert(safety_in_use_at(root, mi, sw, "nvme9n1", why, sizeof(why)));
	ck_assert_str_eq(why, "/dev/nvme9n1p1 is mounted on /mnt/data (ext4)");
	mkfile("mountinfo", "40 1 0:45 / /srv rw - btrfs /dev/nvme9n1 rw\n");
	ck_assert(safety_in_use_at(root, mi, sw, "nvme9n1", why, sizeof(why)));
	ck_assert_str_eq(why, "/dev/nvme9n1 is mounted on /srv (btrfs)");
	mkfile("mountinfo", "40 1 0:45 / /srv rw - btrfs /dev/nvme9n10 rw\n");
	ck_assert(!safety_in_use_at(root, mi, sw, "nvme9n1", why, sizeof(why)));
	mkfile("swaps", "Filename\tType\tSize\tUsed\tPriority\n"
			"/dev/nvme9n1p1  partition\t1048572\t0\t-2\n");
	ck_assert(safety_in_use_at(root, mi, sw, "nvme9n1", why, sizeof(why)));
	ck_assert_str_eq(why, "/dev/nvme9n1p1 is an active swap area");
	mkfile("swaps", "Filename\tType\tSize\tUsed\tPriority\n");
	mkdir_("block/nvme9n1/nvme9n1p1/holders/dm-3");
	ck_assert(safety_in_use(root, "nvme9n1", why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "nvme9n1p1 is held by dm-3"));
	mkdir_("block/nvme9n1/holders/md127");
	ck_assert(safety_in_use(root, "nvme9n1", why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "/dev/nvme9n1 is held by md127"));
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli-safety");
	TCase *tc = tcase_create("safety");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, clean);
	tcase_add_test(tc, filesystems);
	tcase_add_test(tc, partition_tables);
	tcase_add_test(tc, holders);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
