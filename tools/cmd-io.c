/* SPDX-License-Identifier: MIT */
/*
 * cmd-io.c - the NVM I/O commands: read, write, compare, verify,
 * write-zeroes, trim and flush.
 *
 * Every argument is checked against the namespace before the first
 * command is sent, and data moves in chunks of a few MiB so any length
 * works without holding it all in memory (the library splits each chunk
 * further by the device's maximum transfer). Data from a pipe is read in
 * full first, so that a short input sends nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define CHUNK_BYTES (4u << 20)
/* Write Zeroes and Verify carry no data; only the 16-bit NLB bounds them. */
#define NLB_FIELD_MAX 65536u

#define OPT_NSID { "namespace-id", 'n', required_argument, "NSID", \
		   "namespace when DEV is a controller (/dev/nvmeX)" }
#define OPT_SLBA { "start-block", 's', required_argument, "SLBA", \
		   "first LBA (default 0)" }
#define OPT_NLB { "block-count", 'c', required_argument, "NLB", \
		  "number of LBAs (a count: 1 is one LBA)" }
#define OPT_ZSIZE { "data-size", 'z', required_argument, "SIZE", \
		    "data size in bytes (k, M, G suffixes); LBAs x LBA size" }
#define OPT_FORCE_ROW { "force", OPT_FORCE, no_argument, NULL, \
			"skip the in-use and signature safety checks" }
#define OPT_FUA_ROW { "fua", OPT_FUA, no_argument, NULL, \
		      "force unit access" }

/* Protection information fields, nvme-cli's names and letters. */
#define OPT_PI_FIELDS                                                          \
	{ "prinfo", 'p', required_argument, "N",                               \
	  "PRINFO 0-15: PRACT 8 (the controller makes/strips the PI), PRCHK "  \
	  "guard 4, application tag 2, reference tag 1" },                     \
	{ "ref-tag", 'r', required_argument, "TAG",                            \
	  "expected or initial reference tag (default: the LBA for PI type 1, " \
	  "else 0)" },                                                         \
	{ "app-tag", 'a', required_argument, "TAG", "application tag" },       \
	{ "app-tag-mask", 'm', required_argument, "MASK",                      \
	  "application tag bits the controller checks" }
#define OPT_MDSIZE { "metadata-size", 'y', required_argument, "SIZE", \
		     "metadata bytes, checked against LBAs x metadata size" }

const struct cli_opt opts_read[] = {
	OPT_SLBA, OPT_NLB, OPT_ZSIZE,
	{ "data", 'd', required_argument, "FILE", "write the data to FILE (default stdout)" },
	{ "metadata", 'M', required_argument, "FILE",
	  "write the separate metadata to FILE" },
	OPT_MDSIZE, OPT_PI_FIELDS,
	{ "pi", OPT_PI, no_argument, NULL,
	  "check the PI of the data read in nvio, naming the first bad LBA" },
	OPT_FUA_ROW,
	{ "human-readable", 'H', no_argument, NULL, "hex dump instead of raw bytes" },
	OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_write[] = {
	OPT_SLBA, OPT_NLB, OPT_ZSIZE,
	{ "data", 'd', required_argument, "FILE", "read the data from FILE (default stdin)" },
	{ "pattern", OPT_PATTERN, required_argument, "P", "fill with byte P (0-255) or 'random'" },
	{ "metadata", 'M', required_argument, "FILE",
	  "read the separate metadata from FILE" },
	OPT_MDSIZE, OPT_PI_FIELDS,
	{ "pi", OPT_PI, no_argument, NULL,
	  "make the PI of the data in nvio (guard, tags) before sending it" },
	{ "dir-type", 'T', required_argument, "TYPE",
	  "directive type (0-15): 2 places the data at --dir-spec's placement "
	  "id (FDP)" },
	{ "dir-spec", 'S', required_argument, "SPEC",
	  "directive specific: with --dir-type 2 a placement id of the "
	  "namespace (nvio fdp status lists them)" },
	OPT_FUA_ROW, OPT_FORCE_ROW, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_compare[] = {
	OPT_SLBA, OPT_NLB, OPT_ZSIZE,
	{ "data", 'd', required_argument, "FILE", "compare with FILE (default stdin)" },
	{ "pattern", OPT_PATTERN, required_argument, "P", "compare with byte P repeated" },
	{ "metadata", 'M', required_argument, "FILE",
	  "compare the separate metadata with FILE" },
	OPT_MDSIZE, OPT_PI_FIELDS,
	{ "pi", OPT_PI, no_argument, NULL,
	  "make the PI of the data in nvio, as a write with --pi would" },
	OPT_FUA_ROW, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_verify[] = {
	OPT_SLBA, OPT_NLB, OPT_PI_FIELDS, OPT_NSID, CLI_OPT_TIMEOUT,
	CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_write_zeroes[] = {
	OPT_SLBA, OPT_NLB,
	{ "deac", OPT_DEAC, no_argument, NULL, "deallocate the LBAs too" },
	OPT_FUA_ROW, OPT_FORCE_ROW, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_trim[] = {
	OPT_SLBA, OPT_NLB,
	{ "range", OPT_RANGE, required_argument, "SLBA:NLB", "a range to deallocate (repeatable)" },
	OPT_FORCE_ROW, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_copy[] = {
	{ "sdlba", 'd', required_argument, "SLBA", "the destination's first LBA" },
	{ "range", OPT_RANGE, required_argument, "SLBA:NLB",
	  "a source range (repeatable, in order)" },
	OPT_FUA_ROW, OPT_FORCE_ROW, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON,
	{ 0 },
};

const struct cli_opt opts_write_uncor[] = {
	OPT_SLBA, OPT_NLB, OPT_FORCE_ROW, OPT_NSID, CLI_OPT_TIMEOUT,
	CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_flush[] = {
	OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

struct io_args {
	uint64_t nsid, slba, nlb, size;
	bool has_slba, has_nlb, has_size;
	const char *file;
	int pattern;        /* -1 none, 0..255 a byte, 256 random */
	unsigned ctl;
	struct nvio_dsm_range *ranges;
	unsigned nranges;
	/* metadata and protection information */
	const char *md_file;
	uint64_t md_bytes, prinfo, reftag, apptag, appmask;
	bool has_md_bytes, has_prinfo, has_reftag, has_apptag, has_appmask;
	bool pi;            /* nvio makes (write) or checks (read) the PI */
	uint64_t sdlba;     /* copy's destination */
	bool has_sdlba;
	uint64_t dtype, dspec; /* write's directive */
	bool has_dspec;
};

#define PATTERN_RANDOM 256
#define MAX_RANGES 4096u

static int parse_io(struct cli *c, int argc, char **argv, struct io_args *a)
{
	uint64_t v, s, n;
	int opt, rc;

	memset(a, 0, sizeof(*a));
	a->pattern = -1;
	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code == EXIT_OK ? CLI_STOP : c->exit_code;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &a->nsid,
				     UINT32_MAX - 1);
			if (!rc && !a->nsid)
				rc = err_usage(c, "--namespace-id: 0 is not a namespace");
			break;
		case 's':
			rc = opt_u64(c, "start-block", optarg, &a->slba, UINT64_MAX);
			a->has_slba = true;
			break;
		case 'c':
			rc = opt_u64(c, "block-count", optarg, &a->nlb, UINT64_MAX);
			a->has_nlb = true;
			if (!rc && !a->nlb)
				rc = err_usage(c, "--block-count: 0 LBAs; it counts "
						  "LBAs from 1 (unlike nvme-cli)");
			break;
		case 'z':
			rc = opt_size(c, "data-size", optarg, &a->size);
			a->has_size = true;
			if (!rc && !a->size)
				rc = err_usage(c, "--data-size: 0 bytes");
			break;
		case 'd':
			if (c->cmd->fn == cmd_copy) {
				rc = opt_u64(c, "sdlba", optarg, &a->sdlba,
					     UINT64_MAX);
				a->has_sdlba = true;
				break;
			}
			a->file = optarg;
			break;
		case 'H':
			c->human = true;
			break;
		case OPT_PATTERN:
			if (!strcmp(optarg, "random") && c->cmd->fn == cmd_write) {
				a->pattern = PATTERN_RANDOM;
				break;
			}
			rc = opt_u64(c, "pattern", optarg, &v, 255);
			a->pattern = (int)v;
			break;
		case OPT_FUA:
			a->ctl |= NVIO_IO_FUA;
			break;
		case 'M':
			a->md_file = optarg;
			break;
		case 'y':
			rc = opt_size(c, "metadata-size", optarg, &a->md_bytes);
			a->has_md_bytes = true;
			break;
		case 'p':
			rc = opt_u64(c, "prinfo", optarg, &a->prinfo, 15);
			a->has_prinfo = true;
			break;
		case 'r':
			rc = opt_u64(c, "ref-tag", optarg, &a->reftag,
				     (1ull << 48) - 1);
			a->has_reftag = true;
			break;
		case 'a':
			rc = opt_u64(c, "app-tag", optarg, &a->apptag, 0xffff);
			a->has_apptag = true;
			break;
		case 'm':
			rc = opt_u64(c, "app-tag-mask", optarg, &a->appmask, 0xffff);
			a->has_appmask = true;
			break;
		case OPT_PI:
			a->pi = true;
			break;
		case 'T':
			rc = opt_u64(c, "dir-type", optarg, &a->dtype, 15);
			break;
		case 'S':
			rc = opt_u64(c, "dir-spec", optarg, &a->dspec, 0xffff);
			a->has_dspec = true;
			break;
		case OPT_DEAC:
			a->ctl |= NVIO_IO_DEAC;
			break;
		case OPT_FORCE:
			c->force = true;
			break;
		case OPT_RANGE:
			rc = parse_range(optarg, &s, &n);
			if (rc == -ERANGE) {
				rc = err_usage(c, "--range: '%s' is too large", optarg);
				break;
			}
			if (rc) {
				rc = err_usage(c, "--range: '%s' is not SLBA:NLB "
						  "(numbers, decimal or 0x hex)", optarg);
				break;
			}
			if (!n) {
				rc = err_usage(c, "--range: '%s' has zero LBAs", optarg);
				break;
			}
			if (n > UINT32_MAX) {
				rc = err_usage(c, "--range: '%s': at most %u LBAs "
						  "per range", optarg, UINT32_MAX);
				break;
			}
			if (a->nranges >= MAX_RANGES) {
				rc = err_usage(c, "--range: more than %u ranges",
					       MAX_RANGES);
				break;
			}
			if (!a->ranges) {
				a->ranges = calloc(MAX_RANGES, sizeof(*a->ranges));
				if (!a->ranges)
					return err_errno(c, ENOMEM, "--range");
			}
			a->ranges[a->nranges].slba = s;
			a->ranges[a->nranges].nlb = (uint32_t)n;
			a->nranges++;
			break;
		default:
			rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	if (a->file && a->pattern >= 0)
		return err_usage(c, "give --data or --pattern, not both");
	if (a->has_dspec && !a->dtype)
		return err_usage(c, "--dir-spec needs --dir-type");
	return cli_take_dev(c, argc, argv, true);
}

/* Resolves -c/-z (and a regular data file's size) into an LBA count. */
static int resolve_count(struct cli *c, const struct cli_dev *d,
			 struct io_args *a, bool from_file)
{
	uint32_t lb = d->lba_bytes;

	if (a->has_size && a->size % lb)
		return err_usage(c, "--data-size %llu is not a multiple of the "
				    "LBA size (%u bytes)",
				 (unsigned long long)a->size, lb);
	if (a->has_nlb && a->has_size) {
		if (a->nlb > UINT64_MAX / lb || a->nlb * lb != a->size)
			return err_usage(c, "--data-size %llu does not match "
					    "--block-count %llu x %u-byte LBAs",
					 (unsigned long long)a->size,
					 (unsigned long long)a->nlb, lb);
	} else if (a->has_size) {
		a->nlb = a->size / lb;
	} else if (!a->has_nlb) {
		struct stat st;

		if (from_file && a->file && !stat(a->file, &st) &&
		    S_ISREG(st.st_mode) && st.st_size > 0) {
			if ((uint64_t)st.st_size % lb)
				return err_usage(c, "%s is %lld bytes, not a "
						    "multiple of the LBA size (%u "
						    "bytes); give --block-count",
						 a->file, (long long)st.st_size, lb);
			a->nlb = (uint64_t)st.st_size / lb;
		} else {
			return err_usage(c, "give the LBA count with "
					    "--block-count/-c or --data-size/-z");
		}
	}
	if (a->nlb > UINT64_MAX / lb)
		return err_usage(c, "--block-count %llu is too large",
				 (unsigned long long)a->nlb);
	return check_range(c, d, a->slba, a->nlb);
}

/* ------------------------------------------------------------------ */
/* Where write and compare data come from. */
struct src {
	int fd;
	bool own_fd;
	int pattern;
	unsigned char *all; /* a pipe's data, read in full up front */
	uint64_t pos;
};

static int src_open(struct cli *c, struct src *s, const struct io_args *a,
		    uint64_t total, uint32_t lb, const char *kind)
{
	const char *name = a->file ? a->file : "stdin";
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->pattern = a->pattern;
	if (a->pattern >= 0)
		return EXIT_OK;
	if (a->file) {
		s->fd = open(a->file, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0)
			return err_errno(c, errno, "cannot open %s file %s",
					 kind, a->file);
		s->own_fd = true;
	} else {
		if (isatty(STDIN_FILENO))
			return err_usage(c, "no data: give --data FILE, "
					    "--pattern, or pipe the data to stdin");
		s->fd = STDIN_FILENO;
	}
	if (fstat(s->fd, &st))
		return err_errno(c, errno, "%s", name);
	if (S_ISREG(st.st_mode)) {
		off_t here = lseek(s->fd, 0, SEEK_CUR);
		uint64_t avail = (uint64_t)st.st_size -
				 (here > 0 ? (uint64_t)here : 0);

		if (avail < total)
			return err_usage(c, "%s has %llu bytes, but %llu LBAs "
					    "of %u bytes need %llu; nothing was sent",
					 name, (unsigned long long)avail,
					 (unsigned long long)(total / lb), lb,
					 (unsigned long long)total);
		if (avail > total)
			cli_note(c, "note: using the first %llu of the %llu "
				    "bytes of %s",
				 (unsigned long long)total,
				 (unsigned long long)avail, name);
		return EXIT_OK;
	}
	if (S_ISDIR(st.st_mode))
		return err_usage(c, "%s is a directory", name);
	if (total > SIZE_MAX)
		return err_usage(c, "too much data to buffer from %s", name);
	s->all = malloc((size_t)total);
	if (!s->all)
		return err_errno(c, ENOMEM, "buffering %llu bytes from %s",
				 (unsigned long long)total, name);
	for (uint64_t got = 0; got < total;) {
		ssize_t n = read(s->fd, s->all + got, (size_t)(total - got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_errno(c, errno, "reading %s", name);
		if (n == 0)
			return err_usage(c, "%s ended after %llu bytes, but %llu "
					    "LBAs of %u bytes need %llu; nothing "
					    "was sent",
					 name, (unsigned long long)got,
					 (unsigned long long)(total / lb), lb,
					 (unsigned long long)total);
		got += (uint64_t)n;
	}
	return EXIT_OK;
}

static int src_fill(struct cli *c, struct src *s, void *buf, size_t len)
{
	if (s->pattern == PATTERN_RANDOM) {
		for (size_t got = 0; got < len;) {
			ssize_t n = getrandom((char *)buf + got, len - got, 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return err_errno(c, errno, "getrandom");
			got += (size_t)n;
		}
	} else if (s->pattern >= 0) {
		memset(buf, s->pattern, len);
	} else if (s->all) {
		memcpy(buf, s->all + s->pos, len);
	} else {
		for (size_t got = 0; got < len;) {
			ssize_t n = read(s->fd, (char *)buf + got, len - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return err_errno(c, errno, "reading data");
			if (n == 0)
				return err_errno(c, EIO, "data file shrank while "
							  "being written");
			got += (size_t)n;
		}
	}
	s->pos += len;
	return EXIT_OK;
}

static void src_close(struct src *s)
{
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	free(s->all);
}

/* Chunk size in LBAs: a few MiB, whole LBAs. */
static uint64_t chunk_lbas(uint32_t lb, uint64_t nlb)
{
	uint64_t n = CHUNK_BYTES / lb;

	if (!n)
		n = 1;
	return n < nlb ? n : nlb;
}

static const char *lbas(uint64_t n)
{
	return n == 1 ? "LBA" : "LBAs";
}

/* A failed data command. libnvio refuses (EOPNOTSUPP, nothing sent) a
 * data command that would need a metadata buffer nvio's I/O commands do
 * not carry, or whose need it cannot tell: a refusal, said as one. */
static int io_failed(struct cli *c, const struct cli_dev *d, int rc,
		     const char *op, uint64_t n, uint64_t slba)
{
	char what[256];

	/* As root, Identify was not refused for want of rights: the
	 * controller did not answer it (resetting, reconnecting, gone). */
	if (rc == -EOPNOTSUPP && d->info->md_unknown && geteuid() == 0)
		return err_refused(c, "%s: the metadata format of %s could not "
				   "be learned: Identify failed when the device "
				   "was opened (is the controller resetting or "
				   "gone? see nvio doctor) and sysfs has no "
				   "metadata_bytes, so nothing was sent: the "
				   "command could need a metadata buffer",
				   op, d->info->generic_path);
	if (rc == -EOPNOTSUPP && d->info->md_unknown)
		return err_refused(c, "%s: the metadata format of %s cannot be "
				   "learned without admin rights here (Identify "
				   "was refused and sysfs has no metadata_bytes), "
				   "so nothing was sent: the command could need "
				   "a metadata buffer; run as root, or use "
				   "Linux 6.2+", op, d->info->generic_path);
	if (rc == -EOPNOTSUPP && d->info->md_size && !d->info->md_extended)
		return err_refused(c, "%s: %s has %u-byte separate metadata: "
				   "give --metadata FILE%s; nothing was sent "
				   "(without a metadata buffer the controller "
				   "would use address 0)",
				   op, d->info->generic_path, d->info->md_size,
				   d->info->pi_type ? " or --pi (or --prinfo 8 "
						      "where the metadata is "
						      "only the PI)" : "");
	else
		snprintf(what, sizeof(what), "%s of %llu %s at LBA %llu", op,
			 (unsigned long long)n, lbas(n), (unsigned long long)slba);
	return err_result(c, rc, what);
}

/* ------------------------------------------------------------------ */
/* Metadata and protection information. With any of their options, read,
 * write, compare and verify send struct nvio_io requests, one command a
 * chunk, and every option is checked against the namespace's format
 * before the first is sent. */
struct pi_plan {
	bool on;                 /* the request path */
	unsigned ctl;            /* the PRINFO bits */
	uint32_t md_size;        /* bytes per LBA in a separate buffer that
				    moves, else 0 */
	uint64_t ref0;           /* the first LBA's reference tag */
	uint64_t ref_mask;       /* the format's reference tag bits */
	uint16_t apptag, appmask;
	unsigned prchk;          /* what --pi checks of a read */
	struct nvio_pi_format f; /* for --pi */
	unsigned char *md;       /* one chunk's metadata */
	struct src msrc;         /* write, compare: the metadata's source */
	int md_out;              /* read: the metadata's file, or -1 */
};

static bool pi_fields(const struct io_args *a)
{
	return a->has_prinfo || a->has_reftag || a->has_apptag ||
	       a->has_appmask || a->pi;
}

static void plan_free(struct pi_plan *p)
{
	nvio_buf_free(p->md);
	src_close(&p->msrc);
	if (p->md_out >= 0)
		close(p->md_out);
}

static int plan_setup(struct cli *c, const struct cli_dev *d,
		      const struct io_args *a, bool out, bool data,
		      uint64_t chunk, struct pi_plan *p)
{
	const struct nvio_dev_info *i = d->info;
	const char *dev = i->generic_path;
	bool sep = i->md_size && !i->md_extended;
	bool pi_only = i->pi_type && i->pi_size && i->md_size == i->pi_size;
	bool pract = a->has_prinfo && (a->prinfo & 8);
	unsigned bits;

	memset(p, 0, sizeof(*p));
	p->md_out = -1;
	p->msrc.fd = -1;
	if (!pi_fields(a) && !a->md_file && !a->has_md_bytes)
		return EXIT_OK;
	p->on = true;
	if (i->md_unknown)
		return err_refused(c, "%s: the metadata format of %s could not "
				   "be learned, so its metadata and PI options "
				   "cannot be checked; nothing was sent",
				   c->cmd->name, dev);
	if (pi_fields(a) && !i->pi_type)
		return err_usage(c, "%s has no protection information (%u bytes "
				    "of metadata, PI type 0): --prinfo, --ref-tag, "
				    "--app-tag, --app-tag-mask and --pi need a "
				    "format with PI", dev, i->md_size);
	if (pi_fields(a) && !i->pi_guard_bits)
		return err_refused(c, "the PI format of %s (its guard size) "
				   "could not be learned: Identify for the NVM "
				   "command set failed; nothing was sent", dev);
	if (a->pi && pract)
		return err_usage(c, "--pi makes and checks the PI in nvio; "
				    "--prinfo with PRACT (8) has the controller "
				    "make and strip it: give one");
	if (a->pi && i->pi_guard_bits != 16 && i->pi_guard_bits != 64)
		return err_usage(c, "--pi: nvio makes 16- and 64-bit guards; "
				    "%s has a %u-bit guard", dev,
				 i->pi_guard_bits);
	if (a->md_file && !sep)
		return err_usage(c, i->md_size
					    ? "--metadata: the metadata of %s is "
					      "interleaved with its data (extended "
					      "LBAs): it travels in --data"
					    : "--metadata: %s has no metadata",
				 dev);
	if (sep && pract && pi_only && (a->md_file || a->has_md_bytes))
		return err_usage(c, "--metadata: with PRACT the controller %s "
				    "the PI, which is all the metadata of %s: "
				    "no metadata moves",
				 out ? "makes" : "strips", dev);
	if (data && sep && !(pract && pi_only)) {
		p->md_size = i->md_size;
		if (!a->md_file && !a->pi)
			return err_usage(c, "%s has %u bytes of separate metadata "
					    "per LBA: give --metadata FILE%s",
					 dev, i->md_size,
					 pi_only ? ", --pi, or --prinfo 8 (PRACT: "
						   "the controller makes and "
						   "strips the PI)"
					 : i->pi_type ? " or --pi" : "");
	}
	if (a->has_md_bytes && a->md_bytes != mul_sat(a->nlb, p->md_size))
		return err_usage(c, "--metadata-size %llu does not match %llu "
				    "%s x %u bytes of metadata moved",
				 (unsigned long long)a->md_bytes,
				 (unsigned long long)a->nlb, lbas(a->nlb),
				 p->md_size);
	/* The storage tag takes the reference tag's upper bits. */
	bits = (i->pi_guard_bits == 16 ? 32u : 48u) - i->pi_sts;
	p->ref_mask = i->pi_type ? (1ull << bits) - 1 : 0;
	if (a->has_reftag && (a->reftag & ~p->ref_mask))
		return err_usage(c, "--ref-tag %#llx: the reference tag of %s "
				    "has %u bits", (unsigned long long)a->reftag,
				 dev, bits);
	p->ref0 = a->has_reftag ? a->reftag
		  : i->pi_type == 1 ? a->slba & p->ref_mask : 0;
	p->apptag = (uint16_t)a->apptag;
	p->appmask = a->has_appmask ? (uint16_t)a->appmask
		     : a->has_apptag ? 0xffff : 0;
	p->ctl = NVIO_IO_PRINFO(a->prinfo);
	p->prchk = a->has_prinfo && (a->prinfo & 7) ? (unsigned)(a->prinfo & 7)
						     : 7u;
	p->f = (struct nvio_pi_format){
		.sz = sizeof(p->f), .lba_size = i->lba_size,
		.md_size = i->md_size, .type = i->pi_type,
		.guard_bits = i->pi_guard_bits, .pi_first = i->pi_first,
		.extended = i->md_extended,
	};
	if (p->md_size) {
		p->md = nvio_buf_alloc(chunk * p->md_size);
		if (!p->md)
			return err_errno(c, ENOMEM, "allocating the metadata buffer");
		memset(p->md, 0, chunk * p->md_size);
	}
	if (a->md_file && out) {
		struct io_args m = { .file = a->md_file, .pattern = -1 };

		return src_open(c, &p->msrc, &m, a->nlb * p->md_size,
				p->md_size, "metadata");
	}
	if (a->md_file) {
		p->md_out = open(a->md_file,
				 O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (p->md_out < 0)
			return err_errno(c, errno, "cannot create %s", a->md_file);
	}
	return EXIT_OK;
}

/* The LBAs per command: a chunk, within one command's transfer, since a
 * request is never split. */
static uint64_t plan_chunk(const struct cli_dev *d, const struct io_args *a,
			   uint64_t per)
{
	if (!pi_fields(a) && !a->md_file && !a->has_md_bytes)
		return per;
	return per < d->info->max_nlb ? per : d->info->max_nlb;
}

/* One chunk of n LBAs, `done` LBAs into the transfer: the metadata in
 * from its file and the PI made (write, compare), the command, then the
 * PI checked and the metadata out to its file (read). */
static int plan_io(struct cli *c, struct cli_dev *d, struct pi_plan *p,
		   const struct io_args *a, uint8_t op, uint64_t done,
		   uint64_t n, void *buf, size_t len)
{
	bool out = op != NVIO_OP_READ && op != NVIO_OP_VERIFY;
	uint64_t slba = a->slba + done, bad = 0;
	/* type 3 has one tag for all; 1 and 2 count up per LBA */
	uint64_t ref = d->info->pi_type == 3 ? p->ref0
					     : (p->ref0 + done) & p->ref_mask;
	struct nvio_io io = {
		.sz = sizeof(io), .opcode = op, .slba = slba,
		.nlb = (uint32_t)n, .ctl = a->ctl | p->ctl, .buf = buf,
		.len = len, .md = p->md_size ? p->md : NULL,
		.md_len = (uint32_t)(n * p->md_size), .reftag = ref,
		.apptag = p->apptag, .appmask = p->appmask,
		.dtype = op == NVIO_OP_WRITE ? (uint8_t)a->dtype : 0,
		.dspec = op == NVIO_OP_WRITE ? (uint16_t)a->dspec : 0,
	};
	char what[128];
	int rc;

	if (out && a->md_file) {
		rc = src_fill(c, &p->msrc, p->md, io.md_len);
		if (rc)
			return rc;
	}
	if (out && a->pi)
		nvio_pi_generate(&p->f, buf, io.md, slba, (uint32_t)n, ref,
				 p->apptag);
	rc = nvio_io(d->q, &io, NULL);
	if (rc)
		return io_failed(c, d, rc, c->cmd->name, n, slba);
	if (op == NVIO_OP_READ && a->pi) {
		rc = nvio_pi_verify(&p->f, buf, io.md, slba, (uint32_t)n, ref,
				    p->apptag,
				    p->prchk & NVIO_PRCHK_APP ? p->appmask : 0,
				    p->prchk, &bad);
		if (rc) {
			snprintf(what, sizeof(what), "read: nvio's PI check of "
				 "LBA %llu", (unsigned long long)bad);
			return err_result(c, rc, what);
		}
	}
	if (p->md_out >= 0) {
		rc = write_all(p->md_out, p->md, io.md_len);
		if (rc)
			return err_errno(c, rc, "writing %s", a->md_file);
	}
	return EXIT_OK;
}

static void plan_json(struct jw *w, const struct pi_plan *p,
		      const struct io_args *a, bool out)
{
	if (!p->on)
		return;
	jw_u64(w, "metadata_bytes", a->nlb * p->md_size);
	if (a->md_file)
		jw_str(w, "metadata_file", a->md_file);
	jw_u64(w, "prinfo", a->prinfo);
	if (a->pi)
		jw_str(w, "pi", out ? "generated" : "checked");
}

static const char *plan_text(const struct pi_plan *p, const struct io_args *a,
			     bool out)
{
	if (!p->on || !a->pi)
		return "";
	return out ? "; PI made by nvio" : "; PI checked by nvio";
}

static void json_io_head(struct jw *w, struct cli *c, const struct cli_dev *d)
{
	jw_obj(w, NULL);
	jw_str(w, "command", c->cmd->name);
	jw_str(w, "device", d->info->generic_path);
	jw_u64(w, "nsid", d->info->nsid);
}

/* The head of a JSON result for the commands that take -s/-c. */
static void json_io_range(struct jw *w, struct cli *c, const struct cli_dev *d,
			  const struct io_args *a)
{
	json_io_head(w, c, d);
	jw_u64(w, "slba", a->slba);
	jw_u64(w, "nlb", a->nlb);
}

/* Options, then DEV opened with `flags`: how every I/O command but trim
 * starts. Returns CLI_STOP after --help, else 0 or the exit code. */
static int io_start(struct cli *c, int argc, char **argv, struct io_args *a,
		    unsigned flags, struct cli_dev *d)
{
	int rc = parse_io(c, argc, argv, a);

	if (rc)
		return rc;
	return cli_open(c, (uint32_t)a->nsid, flags, true, d);
}

/* With PRACT on metadata that is only the PI, the controller inserts and
 * strips it: an extended-LBA buffer then holds the data alone. */
static void pract_bytes(struct cli_dev *d, const struct io_args *a)
{
	const struct nvio_dev_info *i = d->info;

	if (a->has_prinfo && (a->prinfo & 8) && i->md_extended && i->pi_type &&
	    i->pi_size && i->md_size == i->pi_size)
		d->lba_bytes = i->lba_size;
}

/* ------------------------------------------------------------------ */

int cmd_read(struct cli *c, int argc, char **argv)
{
	struct io_args a;
	struct cli_dev d;
	struct pi_plan p = { .md_out = -1, .msrc = { .fd = -1 } };
	unsigned char *buf = NULL;
	uint64_t done = 0, per;
	int rc, out = STDOUT_FILENO;
	struct jw *w;

	rc = io_start(c, argc, argv, &a, NVIO_DEV_RDONLY, &d);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	pract_bytes(&d, &a);
	rc = resolve_count(c, &d, &a, false);
	if (rc)
		goto out;
	per = plan_chunk(&d, &a, chunk_lbas(d.lba_bytes, a.nlb));
	rc = plan_setup(c, &d, &a, false, true, per, &p);
	if (rc)
		goto out;
	buf = nvio_buf_alloc(per * d.lba_bytes);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "allocating the buffer");
		goto out;
	}
	if (a.file) {
		out = open(a.file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out < 0) {
			rc = err_errno(c, errno, "cannot create %s", a.file);
			goto out;
		}
	}
	w = cli_json(c);
	if (w) {
		json_io_range(w, c, &d, &a);
		jw_u64(w, "lba_size", d.lba_bytes);
		jw_u64(w, "bytes", a.nlb * d.lba_bytes);
		if (a.file)
			jw_str(w, "file", a.file);
		plan_json(w, &p, &a, false);
	}
	if (w && !a.file) {
		/* The hex string is written piece by piece as data arrives. */
		jw_key(w, "data");
		fputc('"', w->f);
	}
	while (done < a.nlb) {
		uint64_t n = a.nlb - done < per ? a.nlb - done : per;
		size_t len = (size_t)(n * d.lba_bytes);

		if (p.on) {
			rc = plan_io(c, &d, &p, &a, NVIO_OP_READ, done, n, buf,
				     len);
			if (rc)
				goto out;
		} else {
			rc = nvio_read(d.q, a.slba + done, n, buf, len, a.ctl);
			if (rc) {
				rc = io_failed(c, &d, rc, "read", n,
					       a.slba + done);
				goto out;
			}
		}
		if (w && !a.file) {
			for (size_t i = 0; i < len; i++)
				fprintf(w->f, "%02x", buf[i]);
		} else if (c->human && !a.file && !w) {
			hexdump(stdout, buf, len);
		} else {
			rc = write_all(out, buf, len);
			if (rc) {
				rc = err_errno(c, rc, "writing %s",
					       a.file ? a.file : "stdout");
				goto out;
			}
		}
		done += n;
	}
	if (w) {
		if (!a.file)
			fputc('"', w->f);
		jw_obj_end(w);
	} else if (a.file) {
		printf("read: %llu %s at LBA %llu (%llu bytes) to %s%s\n",
		       (unsigned long long)a.nlb, lbas(a.nlb),
		       (unsigned long long)a.slba,
		       (unsigned long long)(a.nlb * d.lba_bytes), a.file,
		       plan_text(&p, &a, false));
	}
	if (p.md_out >= 0 && close(p.md_out)) {
		p.md_out = -1;
		rc = err_errno(c, errno, "closing %s", a.md_file);
		goto out;
	}
	p.md_out = -1;
	rc = EXIT_OK;
out:
	if (out >= 0 && out != STDOUT_FILENO && close(out) && !rc)
		rc = err_errno(c, errno, "closing %s", a.file);
	plan_free(&p);
	nvio_buf_free(buf);
	cli_close(&d);
	free(a.ranges);
	return rc;
}

/* A write with a directive (a request: nvio_write has none). */
static int write_directive(struct cli_dev *d, const struct io_args *a,
			   uint64_t slba, uint64_t n, void *buf, size_t len)
{
	struct nvio_io io = {
		.sz = sizeof(io), .opcode = NVIO_OP_WRITE, .slba = slba,
		.nlb = (uint32_t)n, .ctl = a->ctl, .buf = buf, .len = len,
		.dtype = (uint8_t)a->dtype, .dspec = (uint16_t)a->dspec,
	};

	return nvio_io(d->q, &io, NULL);
}

/* --dir-type and --dir-spec against the namespace, before anything is
 * sent: a placement id it does not have would be placed elsewhere by some
 * controllers without an error. */
static int check_directive(struct cli *c, const struct cli_dev *d,
			   const struct io_args *a)
{
	const struct nvio_dev_info *i = d->info;
	char ids[160] = "";
	size_t o = 0;

	if (a->dtype != NVIO_DTYPE_PLACEMENT)
		return EXIT_OK;
	if (!i->fdp)
		return err_refused(c, "%s has no flexible data placement%s; "
				   "nothing was sent", i->generic_path,
				   i->fdp_unknown ? " that nvio could learn (the "
				   "reclaim unit handle status was refused)" : "");
	if (a->dspec <= UINT16_MAX && !nvio_fdp_pid_check(i, (uint16_t)a->dspec))
		return EXIT_OK;
	for (unsigned k = 0; k < i->fdp_nr_pids && o + 16 < sizeof(ids); k++)
		o += (size_t)snprintf(ids + o, sizeof(ids) - o, "%s%u",
				      k ? ", " : "", i->fdp_pids[k]);
	return err_refused(c, "placement id %llu is not one of %s's (%s%s); "
			   "nothing was sent", (unsigned long long)a->dspec,
			   i->generic_path, ids,
			   o + 16 >= sizeof(ids) ? ", ..." : "");
}

/* write and compare: data from a file, stdin or a pattern. */
static int data_out(struct cli *c, int argc, char **argv, bool compare)
{
	struct io_args a;
	struct cli_dev d;
	struct src s = { .fd = -1 };
	struct pi_plan p = { .md_out = -1, .msrc = { .fd = -1 } };
	unsigned char *buf = NULL;
	uint64_t done = 0, per;
	struct jw *w;
	int rc;

	rc = io_start(c, argc, argv, &a, 0, &d);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	pract_bytes(&d, &a);
	rc = resolve_count(c, &d, &a, true);
	if (!rc)
		rc = check_directive(c, &d, &a);
	if (rc)
		goto out;
	per = plan_chunk(&d, &a, chunk_lbas(d.lba_bytes, a.nlb));
	rc = plan_setup(c, &d, &a, true, true, per, &p);
	if (rc)
		goto out;
	rc = src_open(c, &s, &a, a.nlb * d.lba_bytes, d.lba_bytes, "data");
	if (rc)
		goto out;
	if (!compare) {
		rc = safety_check(c, &d, "write");
		if (rc)
			goto out;
	}
	buf = nvio_buf_alloc(per * d.lba_bytes);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "allocating the buffer");
		goto out;
	}
	while (done < a.nlb) {
		uint64_t n = a.nlb - done < per ? a.nlb - done : per;
		size_t len = (size_t)(n * d.lba_bytes);

		rc = src_fill(c, &s, buf, len);
		if (rc)
			goto out;
		if (p.on) {
			rc = plan_io(c, &d, &p, &a,
				     compare ? NVIO_OP_COMPARE : NVIO_OP_WRITE,
				     done, n, buf, len);
			if (rc)
				goto out;
			done += n;
			continue;
		}
		if (compare)
			rc = nvio_compare(d.q, a.slba + done, (uint32_t)n, buf,
					  len, a.ctl);
		else if (a.dtype || a.dspec)
			rc = write_directive(&d, &a, a.slba + done, n, buf, len);
		else
			rc = nvio_write(d.q, a.slba + done, n, buf, len, a.ctl);
		if (rc) {
			rc = io_failed(c, &d, rc, c->cmd->name, n, a.slba + done);
			goto out;
		}
		done += n;
	}
	w = cli_json(c);
	if (w) {
		json_io_range(w, c, &d, &a);
		jw_u64(w, "lba_size", d.lba_bytes);
		jw_u64(w, "bytes", a.nlb * d.lba_bytes);
		plan_json(w, &p, &a, true);
		if (compare)
			jw_bool(w, "match", true);
		jw_obj_end(w);
	} else {
		printf("%s: %llu %s at LBA %llu (%llu bytes)%s%s\n",
		       c->cmd->name, (unsigned long long)a.nlb, lbas(a.nlb),
		       (unsigned long long)a.slba,
		       (unsigned long long)(a.nlb * d.lba_bytes),
		       compare ? ": data matches" : ": success",
		       plan_text(&p, &a, true));
	}
	rc = EXIT_OK;
out:
	plan_free(&p);
	src_close(&s);
	nvio_buf_free(buf);
	cli_close(&d);
	free(a.ranges);
	return rc;
}

int cmd_write(struct cli *c, int argc, char **argv)
{
	return data_out(c, argc, argv, false);
}

int cmd_compare(struct cli *c, int argc, char **argv)
{
	return data_out(c, argc, argv, true);
}

/* verify and write-zeroes: no data, split by the 16-bit NLB field. */
static int no_data(struct cli *c, int argc, char **argv, bool zeroes)
{
	struct io_args a;
	struct cli_dev d;
	struct pi_plan p = { .md_out = -1, .msrc = { .fd = -1 } };
	uint64_t done = 0;
	struct jw *w;
	int rc;

	rc = io_start(c, argc, argv, &a, zeroes ? 0 : NVIO_DEV_RDONLY, &d);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (!a.has_nlb) {
		rc = err_usage(c, "give the LBA count with --block-count/-c");
		goto out;
	}
	rc = check_range(c, &d, a.slba, a.nlb);
	if (rc)
		goto out;
	rc = plan_setup(c, &d, &a, false, false, 0, &p);
	if (rc)
		goto out;
	if (zeroes) {
		rc = safety_check(c, &d, "write-zeroes");
		if (rc)
			goto out;
	}
	while (done < a.nlb) {
		uint32_t n = a.nlb - done < NLB_FIELD_MAX ?
				     (uint32_t)(a.nlb - done) : NLB_FIELD_MAX;

		if (p.on) {
			rc = plan_io(c, &d, &p, &a, NVIO_OP_VERIFY, done, n,
				     NULL, 0);
			if (rc)
				goto out;
			done += n;
			continue;
		}
		rc = zeroes ? nvio_write_zeroes(d.q, a.slba + done, n, a.ctl) :
			      nvio_verify(d.q, a.slba + done, n, a.ctl);
		if (rc) {
			rc = io_failed(c, &d, rc, c->cmd->name, n, a.slba + done);
			goto out;
		}
		done += n;
	}
	w = cli_json(c);
	if (w) {
		json_io_range(w, c, &d, &a);
		if (zeroes)
			jw_bool(w, "deallocate", a.ctl & NVIO_IO_DEAC);
		jw_obj_end(w);
	} else {
		printf("%s: %llu %s at LBA %llu: success\n", c->cmd->name,
		       (unsigned long long)a.nlb, lbas(a.nlb),
		       (unsigned long long)a.slba);
	}
	rc = EXIT_OK;
out:
	plan_free(&p);
	cli_close(&d);
	free(a.ranges);
	return rc;
}

int cmd_verify(struct cli *c, int argc, char **argv)
{
	return no_data(c, argc, argv, false);
}

int cmd_write_zeroes(struct cli *c, int argc, char **argv)
{
	return no_data(c, argc, argv, true);
}

int cmd_trim(struct cli *c, int argc, char **argv)
{
	struct io_args a;
	struct cli_dev d;
	struct nvio_dsm_range *batch = NULL;
	uint64_t total = 0;
	unsigned sent = 0;
	struct jw *w;
	int rc;

	rc = parse_io(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (a.nranges && (a.has_slba || a.has_nlb)) {
		free(a.ranges);
		return err_usage(c, "give -s/-c or --range, not both");
	}
	rc = cli_open(c, (uint32_t)a.nsid, 0, true, &d);
	if (rc) {
		free(a.ranges);
		return rc;
	}
	if (!a.nranges) {
		if (!a.has_nlb) {
			rc = err_usage(c, "give --block-count/-c or --range "
					  "SLBA:NLB");
			goto out;
		}
		rc = check_range(c, &d, a.slba, a.nlb);
		if (rc)
			goto out;
		/* One DSM range holds at most 2^32-1 LBAs. */
		a.ranges = calloc(MAX_RANGES, sizeof(*a.ranges));
		if (!a.ranges) {
			rc = err_errno(c, ENOMEM, "ranges");
			goto out;
		}
		for (uint64_t s = a.slba, left = a.nlb; left;) {
			uint32_t n = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;

			if (a.nranges >= MAX_RANGES) {
				rc = err_usage(c, "--block-count too large for "
						  "%u ranges", MAX_RANGES);
				goto out;
			}
			a.ranges[a.nranges].slba = s;
			a.ranges[a.nranges].nlb = n;
			a.nranges++;
			s += n;
			left -= n;
		}
	}
	for (unsigned i = 0; i < a.nranges; i++) {
		rc = check_range(c, &d, a.ranges[i].slba, a.ranges[i].nlb);
		if (rc)
			goto out;
		total += a.ranges[i].nlb;
	}
	rc = safety_check(c, &d, "trim");
	if (rc)
		goto out;
	batch = nvio_buf_alloc(NVIO_DSM_MAX_RANGES * sizeof(*batch));
	if (!batch) {
		rc = err_errno(c, ENOMEM, "allocating the range list");
		goto out;
	}
	while (sent < a.nranges) {
		unsigned n = a.nranges - sent < NVIO_DSM_MAX_RANGES ?
				     a.nranges - sent : NVIO_DSM_MAX_RANGES;

		memcpy(batch, a.ranges + sent, n * sizeof(*batch));
		rc = nvio_dsm(d.q, batch, n, NVIO_DSM_AD);
		if (rc) {
			rc = err_result(c, rc, "dataset management (deallocate)");
			goto out;
		}
		sent += n;
	}
	w = cli_json(c);
	if (w) {
		json_io_head(w, c, &d);
		jw_arr(w, "ranges");
		for (unsigned i = 0; i < a.nranges; i++) {
			jw_obj(w, NULL);
			jw_u64(w, "slba", a.ranges[i].slba);
			jw_u64(w, "nlb", a.ranges[i].nlb);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_u64(w, "nlb", total);
		jw_obj_end(w);
	} else {
		printf("trim: %llu %s in %u range%s deallocated\n",
		       (unsigned long long)total, lbas(total), a.nranges,
		       a.nranges == 1 ? "" : "s");
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(batch);
	cli_close(&d);
	free(a.ranges);
	return rc;
}

int cmd_flush(struct cli *c, int argc, char **argv)
{
	struct io_args a;
	struct cli_dev d;
	struct jw *w;
	int rc;

	rc = io_start(c, argc, argv, &a, 0, &d);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = nvio_flush(d.q);
	if (rc) {
		rc = err_result(c, rc, "flush");
		goto out;
	}
	w = cli_json(c);
	if (w) {
		json_io_head(w, c, &d);
		jw_bool(w, "volatile_write_cache", d.info->vwc);
		jw_obj_end(w);
	} else {
		printf("flush: success\n");
	}
out:
	cli_close(&d);
	return rc;
}

/* ------------------------------------------------------------------ */
/* copy: source ranges to a destination, in the controller. Every range is
 * checked against the namespace and its Copy limits (MSRC, MSSRL, MCL)
 * before the command goes, so a refusal names the limit. */
int cmd_copy(struct cli *c, int argc, char **argv)
{
	struct nvio_copy_range *rg = NULL;
	const struct nvio_dev_info *i;
	struct io_args a;
	struct cli_dev d;
	uint64_t total = 0, res = 0;
	struct jw *w;
	int rc;

	rc = parse_io(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (!a.has_sdlba || !a.nranges) {
		free(a.ranges);
		return err_usage(c, "give the destination (--sdlba) and at "
				    "least one --range SLBA:NLB");
	}
	if (a.nranges > NVIO_COPY_MAX_RANGES) {
		free(a.ranges);
		return err_usage(c, "%u ranges: a Copy command takes at most %u",
				 a.nranges, NVIO_COPY_MAX_RANGES);
	}
	rc = cli_open(c, (uint32_t)a.nsid, 0, true, &d);
	if (rc) {
		free(a.ranges);
		return rc;
	}
	i = d.info;
	if (!(i->oncs & NVIO_ONCS_COPY)) {
		rc = err_refused(c, "copy: the controller of %s has no Copy "
				 "command (ONCS %#x); nothing was sent",
				 i->generic_path, i->oncs);
		goto out;
	}
	if (i->copy_max_ranges && a.nranges > i->copy_max_ranges) {
		rc = err_usage(c, "%u source ranges: %s takes at most %u "
			       "(MSRC)", a.nranges, i->generic_path,
			       i->copy_max_ranges);
		goto out;
	}
	for (unsigned k = 0; k < a.nranges; k++) {
		rc = check_range(c, &d, a.ranges[k].slba, a.ranges[k].nlb);
		if (rc)
			goto out;
		if (i->copy_max_range && a.ranges[k].nlb > i->copy_max_range) {
			rc = err_usage(c, "--range %llu:%u: %s copies at most %u "
				       "LBAs a range (MSSRL)",
				       (unsigned long long)a.ranges[k].slba,
				       a.ranges[k].nlb, i->generic_path,
				       i->copy_max_range);
			goto out;
		}
		total += a.ranges[k].nlb;
	}
	if (i->copy_max_len && total > i->copy_max_len) {
		rc = err_usage(c, "%llu LBAs in all: %s copies at most %u in one "
			       "command (MCL)", (unsigned long long)total,
			       i->generic_path, i->copy_max_len);
		goto out;
	}
	rc = check_range(c, &d, a.sdlba, total);
	if (rc)
		goto out;
	rc = safety_check(c, &d, "copy");
	if (rc)
		goto out;
	rg = nvio_buf_alloc(a.nranges * sizeof(*rg));
	if (!rg) {
		rc = err_errno(c, ENOMEM, "ranges");
		goto out;
	}
	for (unsigned k = 0; k < a.nranges; k++)
		nvio_copy_range_set(&rg[k], a.ranges[k].slba, a.ranges[k].nlb,
				    0, 0, 0);
	{
		struct nvio_io io = {
			.sz = sizeof(io), .opcode = NVIO_OP_COPY,
			.slba = a.sdlba, .nlb = a.nranges, .ctl = a.ctl,
			.buf = rg, .len = a.nranges * sizeof(*rg),
		};

		rc = nvio_io(d.q, &io, &res);
	}
	if (rc) {
		char what[160];

		/* a failed Copy says in Dword 0 which range failed first */
		snprintf(what, sizeof(what), "copy of %llu LBAs to LBA %llu "
			 "(first range not copied: %llu)",
			 (unsigned long long)total, (unsigned long long)a.sdlba,
			 (unsigned long long)(res & 0xffffffffu));
		rc = err_result(c, rc, what);
		goto out;
	}
	w = cli_json(c);
	if (w) {
		json_io_head(w, c, &d);
		jw_u64(w, "sdlba", a.sdlba);
		jw_u64(w, "nlb", total);
		jw_arr(w, "ranges");
		for (unsigned k = 0; k < a.nranges; k++) {
			jw_obj(w, NULL);
			jw_u64(w, "slba", a.ranges[k].slba);
			jw_u64(w, "nlb", a.ranges[k].nlb);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	} else {
		printf("copy: %llu %s from %u %s to LBA %llu: success\n",
		       (unsigned long long)total, lbas(total), a.nranges,
		       a.nranges == 1 ? "range" : "ranges",
		       (unsigned long long)a.sdlba);
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(rg);
	cli_close(&d);
	free(a.ranges);
	return rc;
}

/* write-uncor: marks LBAs unreadable until written again; split by the
 * 16-bit NLB field. */
int cmd_write_uncor(struct cli *c, int argc, char **argv)
{
	struct io_args a;
	struct cli_dev d;
	uint64_t done = 0;
	struct jw *w;
	int rc;

	rc = parse_io(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (!a.has_nlb)
		return err_usage(c, "give the LBA count with --block-count/-c");
	rc = cli_open(c, (uint32_t)a.nsid, 0, true, &d);
	if (rc)
		return rc;
	rc = check_range(c, &d, a.slba, a.nlb);
	if (rc)
		goto out;
	if (!(d.info->oncs & NVIO_ONCS_WRITE_UNCOR)) {
		rc = err_refused(c, "write-uncor: the controller of %s has no "
				 "Write Uncorrectable command (ONCS %#x); "
				 "nothing was sent", d.info->generic_path,
				 d.info->oncs);
		goto out;
	}
	rc = safety_check(c, &d, "write-uncor");
	if (rc)
		goto out;
	while (done < a.nlb) {
		uint32_t n = a.nlb - done < NLB_FIELD_MAX ?
				     (uint32_t)(a.nlb - done) : NLB_FIELD_MAX;
		struct nvio_io io = { .sz = sizeof(io),
				      .opcode = NVIO_OP_WRITE_UNCOR,
				      .slba = a.slba + done, .nlb = n };

		rc = nvio_io(d.q, &io, NULL);
		if (rc) {
			rc = io_failed(c, &d, rc, "write-uncor", n, a.slba + done);
			goto out;
		}
		done += n;
	}
	w = cli_json(c);
	if (w) {
		json_io_range(w, c, &d, &a);
		jw_obj_end(w);
	} else {
		printf("write-uncor: %llu %s at LBA %llu: success\n",
		       (unsigned long long)a.nlb, lbas(a.nlb),
		       (unsigned long long)a.slba);
	}
	rc = EXIT_OK;
out:
	cli_close(&d);
	free(a.ranges);
	return rc;
}
