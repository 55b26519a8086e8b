/* SPDX-License-Identifier: MIT */
/*
 * soak-core.c - block headers, the checksum, the unit judgement and the
 * journal of `nvio soak` (see soak.h). No device here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h" /* write_all */
#include "soak.h"

static uint64_t mix64(uint64_t x)
{
	/* splitmix64's finaliser: every input bit reaches every output bit. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* One multiply per 8 bytes: under TCG a soak checks gigabytes, and a CRC
 * table walk costs several times this. Any changed word changes the
 * sum (a word's change passes through a bijective step and a rotate). */
uint32_t soak_sum(const void *blk, uint32_t lba_bytes)
{
	const unsigned char *p = blk;
	uint64_t h = 0x6e76696f736f616bull ^ lba_bytes;
	uint64_t w;

	for (uint32_t i = 0; i + 8 <= lba_bytes; i += 8) {
		memcpy(&w, p + i, 8);
		if (i == 24) /* the sum's own field (and gen), sum taken as 0 */
			w &= 0xffffffffull;
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h = (h << 29) | (h >> 35);
	}
	h = mix64(h);
	return (uint32_t)(h ^ (h >> 32));
}

void soak_fill(void *blk, uint32_t lba_bytes, uint64_t run, uint64_t lba,
	       uint32_t gen)
{
	struct soak_hdr h = { .magic = SOAK_MAGIC, .lba = lba, .run = run,
			      .gen = gen, .sum = 0 };
	unsigned char *p = blk;
	uint64_t s = mix64(run ^ mix64(lba ^ ((uint64_t)gen << 40)));

	memcpy(p, &h, sizeof(h));
	for (uint32_t i = SOAK_HDR_BYTES; i + 8 <= lba_bytes; i += 8) {
		uint64_t w;

		s += 0x9e3779b97f4a7c15ull;
		w = mix64(s);
		memcpy(p + i, &w, 8);
	}
	h.sum = soak_sum(p, lba_bytes);
	memcpy(p + offsetof(struct soak_hdr, sum), &h.sum, sizeof(h.sum));
}

enum soak_lba soak_parse(const void *blk, uint32_t lba_bytes, uint64_t run,
			 uint64_t lba, uint32_t *gen)
{
	struct soak_hdr h;

	memcpy(&h, blk, sizeof(h));
	if (h.magic != SOAK_MAGIC)
		return SOAK_LBA_FOREIGN;
	if (soak_sum(blk, lba_bytes) != h.sum)
		return SOAK_LBA_BAD_SUM;
	if (h.run != run)
		return SOAK_LBA_OTHER_RUN;
	if (h.lba != lba)
		return SOAK_LBA_WRONG_LBA;
	*gen = h.gen;
	return SOAK_LBA_OK;
}

__attribute__((format(printf, 3, 4))) static void
say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

typedef unsigned long long ull;

enum soak_unit soak_judge(const void *buf, uint32_t lba_bytes, uint32_t nlbas,
			  uint64_t run, uint64_t lba, uint32_t durable,
			  bool exact, char *why, size_t why_len)
{
	const unsigned char *p = buf;
	uint32_t want = durable & SOAK_GEN_MASK;
	unsigned newer = 0;

	if (why && why_len)
		why[0] = 0;
	if (durable & SOAK_UNCERTAIN)
		return SOAK_UNIT_UNCERTAIN;
	if (!want)
		return SOAK_UNIT_UNCOVERED;
	for (uint32_t i = 0; i < nlbas; i++) {
		uint32_t g = 0;
		uint64_t l = lba + i;
		struct soak_hdr h;

		memcpy(&h, p + (size_t)i * lba_bytes, sizeof(h));
		switch (soak_parse(p + (size_t)i * lba_bytes, lba_bytes, run, l, &g)) {
		case SOAK_LBA_OK:
			break;
		case SOAK_LBA_FOREIGN:
			say(why, why_len, "LBA %llu: no soak header (expected generation %llu)",
			    (ull)l, (ull)want);
			return SOAK_UNIT_MISMATCH;
		case SOAK_LBA_BAD_SUM:
			say(why, why_len, "LBA %llu: checksum wrong (corrupted block of generation %llu, expected %llu)",
			    (ull)l, (ull)h.gen, (ull)want);
			return SOAK_UNIT_MISMATCH;
		case SOAK_LBA_OTHER_RUN:
			say(why, why_len, "LBA %llu: block of another run (0x%llx), expected generation %llu",
			    (ull)l, (ull)h.run, (ull)want);
			return SOAK_UNIT_MISMATCH;
		case SOAK_LBA_WRONG_LBA:
			say(why, why_len, "LBA %llu: holds the block written for LBA %llu (generation %llu)",
			    (ull)l, (ull)h.lba, (ull)h.gen);
			return SOAK_UNIT_MISMATCH;
		}
		if (g < want || (exact && g != want)) {
			say(why, why_len, "LBA %llu: generation %llu, expected %llu",
			    (ull)l, (ull)g, (ull)want);
			return SOAK_UNIT_MISMATCH;
		}
		if (g > want)
			newer++;
	}
	if (!newer)
		return SOAK_UNIT_INTACT;
	return newer == nlbas ? SOAK_UNIT_NEWER : SOAK_UNIT_PARTLY;
}

/* ------------------------------------------------------------------ */

uint32_t soak_journal_crc(const struct soak_journal *j, const uint32_t *gens)
{
	struct soak_journal c = *j;
	uint64_t h = 0x736f616b6a726e6cull;

	c.crc = 0;
	const unsigned char *p = (const unsigned char *)&c;
	for (size_t i = 0; i < sizeof(c); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	for (uint64_t u = 0; u < j->units; u++)
		h = mix64(h ^ gens[u] ^ (u << 32));
	return (uint32_t)(h ^ (h >> 32));
}

int soak_journal_save(const char *path, struct soak_journal *j,
		      const uint32_t *gens)
{
	char tmp[4096], dir[4096];
	int fd, rc, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(j->magic, SOAK_JOURNAL_MAGIC, sizeof(j->magic));
	j->version = SOAK_JOURNAL_VERSION;
	j->hdr_bytes = sizeof(*j);
	j->crc = soak_journal_crc(j, gens);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, j, sizeof(*j));
	if (!rc)
		rc = write_all(fd, gens, j->units * sizeof(*gens));
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		return rc;
	}
	/* The rename itself must last too. */
	snprintf(dir, sizeof(dir), "%s", path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int soak_journal_load(const char *path, struct soak_journal *j,
		      uint32_t **gens)
{
	uint32_t *g = NULL;
	ssize_t n;
	size_t want;
	off_t end;
	int fd, rc = 0;

	*gens = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, j, sizeof(*j), 0);
	if (n < 0) {
		rc = -errno;
		goto out;
	}
	if ((size_t)n != sizeof(*j) ||
	    memcmp(j->magic, SOAK_JOURNAL_MAGIC, sizeof(j->magic)) ||
	    j->version != SOAK_JOURNAL_VERSION || j->hdr_bytes != sizeof(*j) ||
	    !j->units || j->units > (1ull << 30) || !j->unit_lbas ||
	    j->lba_bytes < 512) {
		rc = -EBADMSG;
		goto out;
	}
	want = j->units * sizeof(*g);
	end = lseek(fd, 0, SEEK_END);
	if (end < 0 || (uint64_t)end != sizeof(*j) + want) {
		rc = -EBADMSG;
		goto out;
	}
	g = malloc(want);
	if (!g) {
		rc = -ENOMEM;
		goto out;
	}
	n = pread(fd, g, want, sizeof(*j));
	if (n < 0 || (size_t)n != want) {
		rc = n < 0 ? -errno : -EBADMSG;
		goto out;
	}
	if (soak_journal_crc(j, g) != j->crc) {
		rc = -EBADMSG;
		goto out;
	}
	*gens = g;
	g = NULL;
out:
	free(g);
	close(fd);
	return rc;
}
