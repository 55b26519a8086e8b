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

const struct cli_opt opts_read[] = {
	OPT_SLBA, OPT_NLB, OPT_ZSIZE,
	{ "data", 'd', required_argument, "FILE", "write the data to FILE (default stdout)" },
	OPT_FUA_ROW,
	{ "human-readable", 'H', no_argument, NULL, "hex dump instead of raw bytes" },
	OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_write[] = {
	OPT_SLBA, OPT_NLB, OPT_ZSIZE,
	{ "data", 'd', required_argument, "FILE", "read the data from FILE (default stdin)" },
	{ "pattern", OPT_PATTERN, required_argument, "P", "fill with byte P (0-255) or 'random'" },
	OPT_FUA_ROW, OPT_FORCE_ROW, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_compare[] = {
	OPT_SLBA, OPT_NLB, OPT_ZSIZE,
	{ "data", 'd', required_argument, "FILE", "compare with FILE (default stdin)" },
	{ "pattern", OPT_PATTERN, required_argument, "P", "compare with byte P repeated" },
	OPT_FUA_ROW, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_verify[] = {
	OPT_SLBA, OPT_NLB, OPT_NSID, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
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
		    uint64_t total, uint32_t lb)
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
			return err_errno(c, errno, "cannot open data file %s",
					 a->file);
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
		return err_refused(c, "%s: %s has %u-byte separate metadata, "
				   "which nvio's I/O commands do not transfer, "
				   "so nothing was sent (without a metadata "
				   "buffer the controller would use address 0)",
				   op, d->info->generic_path, d->info->md_size);
	if (rc < 0 && d->info->md_size && !d->info->md_extended)
		snprintf(what, sizeof(what), "%s of %llu %s at LBA %llu (the "
			 "namespace has %u-byte separate metadata, which nvio's "
			 "I/O commands do not transfer)", op,
			 (unsigned long long)n, lbas(n), (unsigned long long)slba,
			 d->info->md_size);
	else
		snprintf(what, sizeof(what), "%s of %llu %s at LBA %llu", op,
			 (unsigned long long)n, lbas(n), (unsigned long long)slba);
	return err_result(c, rc, what);
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

/* ------------------------------------------------------------------ */

int cmd_read(struct cli *c, int argc, char **argv)
{
	struct io_args a;
	struct cli_dev d;
	unsigned char *buf = NULL;
	uint64_t done = 0, per;
	int rc, out = STDOUT_FILENO;
	struct jw *w;

	rc = io_start(c, argc, argv, &a, NVIO_DEV_RDONLY, &d);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = resolve_count(c, &d, &a, false);
	if (rc)
		goto out;
	per = chunk_lbas(d.lba_bytes, a.nlb);
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
	}
	if (w && !a.file) {
		/* The hex string is written piece by piece as data arrives. */
		jw_key(w, "data");
		fputc('"', w->f);
	}
	while (done < a.nlb) {
		uint64_t n = a.nlb - done < per ? a.nlb - done : per;
		size_t len = (size_t)(n * d.lba_bytes);

		rc = nvio_read(d.q, a.slba + done, n, buf, len, a.ctl);
		if (rc) {
			rc = io_failed(c, &d, rc, "read", n, a.slba + done);
			goto out;
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
		printf("read: %llu %s at LBA %llu (%llu bytes) to %s\n",
		       (unsigned long long)a.nlb, lbas(a.nlb),
		       (unsigned long long)a.slba,
		       (unsigned long long)(a.nlb * d.lba_bytes), a.file);
	}
	rc = EXIT_OK;
out:
	if (out >= 0 && out != STDOUT_FILENO && close(out) && !rc)
		rc = err_errno(c, errno, "closing %s", a.file);
	nvio_buf_free(buf);
	cli_close(&d);
	free(a.ranges);
	return rc;
}

/* write and compare: data from a file, stdin or a pattern. */
static int data_out(struct cli *c, int argc, char **argv, bool compare)
{
	struct io_args a;
	struct cli_dev d;
	struct src s = { .fd = -1 };
	unsigned char *buf = NULL;
	uint64_t done = 0, per;
	struct jw *w;
	int rc;

	rc = io_start(c, argc, argv, &a, 0, &d);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	rc = resolve_count(c, &d, &a, true);
	if (rc)
		goto out;
	rc = src_open(c, &s, &a, a.nlb * d.lba_bytes, d.lba_bytes);
	if (rc)
		goto out;
	if (!compare) {
		rc = safety_check(c, &d, "write");
		if (rc)
			goto out;
	}
	per = chunk_lbas(d.lba_bytes, a.nlb);
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
		if (compare)
			rc = nvio_compare(d.q, a.slba + done, (uint32_t)n, buf,
					  len, a.ctl);
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
		if (compare)
			jw_bool(w, "match", true);
		jw_obj_end(w);
	} else {
		printf("%s: %llu %s at LBA %llu (%llu bytes)%s\n",
		       c->cmd->name, (unsigned long long)a.nlb, lbas(a.nlb),
		       (unsigned long long)a.slba,
		       (unsigned long long)(a.nlb * d.lba_bytes),
		       compare ? ": data matches" : ": success");
	}
	rc = EXIT_OK;
out:
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
	if (zeroes) {
		rc = safety_check(c, &d, "write-zeroes");
		if (rc)
			goto out;
	}
	while (done < a.nlb) {
		uint32_t n = a.nlb - done < NLB_FIELD_MAX ?
				     (uint32_t)(a.nlb - done) : NLB_FIELD_MAX;

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
