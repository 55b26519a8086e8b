/* SPDX-License-Identifier: MIT */
/*
 * soak.h - the pure parts of `nvio soak` (block headers, the journal of
 * generations acknowledged before a flush, and the judgement of what a
 * unit holds), apart from the device so that they are unit tested.
 *
 * Every LBA a soak writes begins with a header: magic, LBA, run id,
 * generation (how many times the soak has written that unit) and a
 * checksum over the whole LBA. The rest is pseudo-random data derived
 * from (run, LBA, generation), so that no two writes look alike.
 */
#ifndef NVIO_SOAK_H
#define NVIO_SOAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SOAK_MAGIC 0x4b414f534f49564eull /* "NVIOSOAK", little-endian */
#define SOAK_HDR_BYTES 32u
/* A generation with this bit set: a write of the unit failed, so what it
 * holds is not known until the next write succeeds. */
#define SOAK_UNCERTAIN 0x80000000u
#define SOAK_GEN_MASK 0x7fffffffu

struct soak_hdr {
	uint64_t magic;
	uint64_t lba;
	uint64_t run;
	uint32_t gen;
	uint32_t sum; /* soak_sum() of the LBA with this field 0 */
};

/* What one LBA holds, against what was expected. */
enum soak_lba {
	SOAK_LBA_OK,       /* a valid block of this run (its gen is returned) */
	SOAK_LBA_FOREIGN,  /* no soak header: zeroes, old data */
	SOAK_LBA_OTHER_RUN,/* a valid header of another run */
	SOAK_LBA_WRONG_LBA,/* a valid block written for another LBA */
	SOAK_LBA_BAD_SUM,  /* header found, checksum wrong: corrupted */
};

/* What a unit (a write's worth of LBAs) holds against the generation
 * the journal says was acknowledged before the last flush. */
enum soak_unit {
	SOAK_UNIT_INTACT,    /* every LBA has the expected generation */
	SOAK_UNIT_NEWER,     /* every LBA is valid and newer: a write after
				the flush landed */
	SOAK_UNIT_PARTLY,    /* valid, some LBAs newer, some as expected: a
				write after the flush landed in part */
	SOAK_UNIT_UNCOVERED, /* nothing acknowledged before the flush */
	SOAK_UNIT_UNCERTAIN, /* a write failed before the flush */
	SOAK_UNIT_MISMATCH,  /* lost or corrupted */
};

/* Fills one LBA (lba_bytes >= 512) with the block for (run, lba, gen). */
void soak_fill(void *blk, uint32_t lba_bytes, uint64_t run, uint64_t lba,
	       uint32_t gen);
/* Judges one LBA; *gen is set for SOAK_LBA_OK. */
enum soak_lba soak_parse(const void *blk, uint32_t lba_bytes, uint64_t run,
			 uint64_t lba, uint32_t *gen);
uint32_t soak_sum(const void *blk, uint32_t lba_bytes);

/* Judges a unit of nlbas LBAs starting at lba against `durable` (the
 * journal's generation, 0 for none, with SOAK_UNCERTAIN). `exact`: no
 * write may have landed since (the end of an uninterrupted run), so only
 * INTACT passes. On MISMATCH, why[] (if given) says what was found. */
enum soak_unit soak_judge(const void *buf, uint32_t lba_bytes, uint32_t nlbas,
			  uint64_t run, uint64_t lba, uint32_t durable,
			  bool exact, char *why, size_t why_len);

/* ------------------------------------------------------------------ */
/* The journal: one file, replaced whole (temporary file, fsync, rename)
 * after each flush, holding the generation of every unit acknowledged
 * before that flush. */
#define SOAK_JOURNAL_MAGIC "NVIOSJ1"
#define SOAK_JOURNAL_VERSION 1u

struct soak_journal {
	char magic[8];
	uint32_t version;
	uint32_t hdr_bytes;   /* sizeof(struct soak_journal) */
	uint64_t run;
	uint64_t slba;        /* first LBA of the region */
	uint64_t units;       /* units in the region */
	uint32_t unit_lbas;   /* LBAs per unit */
	uint32_t lba_bytes;
	uint64_t nsze;        /* the namespace's capacity, to know it again */
	char serial[24];
	uint32_t nsid;
	uint32_t threads;
	uint64_t checkpoint;  /* how many flushes the generations follow */
	uint64_t writes;      /* writes acknowledged before that flush */
	uint64_t bytes;       /* their bytes */
	uint64_t elapsed_ms;  /* since the soak began */
	uint32_t complete;    /* 1: the run ended and nothing was in flight */
	uint32_t crc;         /* soak_journal_crc() of header and gens */
};

uint32_t soak_journal_crc(const struct soak_journal *j, const uint32_t *gens);
/* Writes the journal to path (through path.tmp and rename; fsynced).
 * 0 or -errno. */
int soak_journal_save(const char *path, struct soak_journal *j,
		      const uint32_t *gens);
/* Reads and checks a journal; *gens is malloc'ed. 0, -errno, or -EBADMSG
 * (not a journal, or damaged: the checksum or sizes disagree). */
int soak_journal_load(const char *path, struct soak_journal *j,
		      uint32_t **gens);

#endif /* NVIO_SOAK_H */
