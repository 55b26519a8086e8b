/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the nvio tool's files share: the command table, option
 * parsing, number parsing, the JSON writer, error reporting and exit codes,
 * and the safety checks. The tool reaches libnvio only through <nvio.h>.
 */
#ifndef NVIO_CLI_H
#define NVIO_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <nvio.h>

#include "opttab.h"
#include "safety.h"

/* Exit codes, documented in nvio(1). */
enum {
	EXIT_OK = 0,
	EXIT_NVME = 1,   /* the device completed a command with an error status */
	EXIT_USAGE = 2,  /* bad command line or input; refused; nothing sent */
	EXIT_SYSTEM = 3, /* errno from the system or the library */
};

enum cli_fmt { FMT_NORMAL, FMT_JSON };

/* ------------------------------------------------------------------ */
/* util.c: number and size parsing (pure, unit tested). */

/* Plain number, decimal or 0x hex, no sign, no suffix. */
int parse_u64(const char *s, uint64_t *v);
/* Byte count: number with optional k/K, m/M, g/G, t/T suffix (powers of
 * 1024), optionally followed by "i", "iB" or "B". */
int parse_size(const char *s, uint64_t *v);
/* "SLBA:NLB" for --range. */
int parse_range(const char *s, uint64_t *slba, uint64_t *nlb);
/* strlcpy: copies what fits, always terminates. */
void str_copy(char *dst, size_t len, const char *src);
/* Human-readable byte count ("256 MiB", "1.50 GiB"). */
void fmt_bytes(char *buf, size_t len, uint64_t bytes);
/* a * b, or UINT64_MAX where it would wrap: capacities come from the
 * device, which may report any size. */
uint64_t mul_sat(uint64_t a, uint64_t b);
/* A name from a table, or a number. */
struct name_val {
	const char *name;
	uint64_t val;
};
int parse_named(const char *s, const struct name_val *tab, uint64_t *v);

/* ------------------------------------------------------------------ */
/* json.c: JSON writer. Writes to a memory stream so that an error can
 * replace a half-written document and stdout only ever gets one valid
 * document. */
struct jw {
	FILE *f;
	int depth;
	bool first[32];
};

void jw_begin(struct jw *w, FILE *f);
void jw_obj(struct jw *w, const char *key);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w, const char *key);
void jw_arr_end(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *val);
void jw_strn(struct jw *w, const char *key, const char *val, size_t n);
void jw_u64(struct jw *w, const char *key, uint64_t val);
void jw_i64(struct jw *w, const char *key, int64_t val);
void jw_bool(struct jw *w, const char *key, bool val);
void jw_null(struct jw *w, const char *key);
/* Just the key (and comma): the caller writes the value itself. */
void jw_key(struct jw *w, const char *key);
/* A 128-bit little-endian counter as a decimal string, as nvme-cli does. */
void jw_u128(struct jw *w, const char *key, const uint8_t le[16]);
void jw_hex(struct jw *w, const char *key, const void *buf, size_t len);
void json_escape(FILE *f, const char *s, size_t n);
/* Decimal string of a 128-bit little-endian value. */
void u128_to_str(const uint8_t le[16], char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* The state of one run of one command. */
struct cli {
	const struct cli_cmd *cmd;
	const char *dev_path;   /* as given */
	enum cli_fmt fmt;
	bool human;             /* -H */
	bool raw;               /* -b */
	bool force;
	uint32_t timeout_ms;    /* -t: every command's timeout, 0 the kernel's */
	bool open_rdonly;       /* the generic device was opened read-only */
	bool has_error;
	bool keep_doc;          /* print the document even with a non-zero exit */
	/* JSON document being built (FMT_JSON): printed at the end if the
	 * command succeeded, replaced by the error object otherwise. */
	char *jbuf;
	size_t jlen;
	FILE *jf;
	struct jw jw;
	/* The error, kept for the JSON error object. */
	char errmsg[1024];
	int err_errno;          /* 0 when the error is not an errno */
	int err_status;         /* NVMe status, 0 when none */
	int exit_code;
};

struct cli_cmd {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *summary;
	const char *usage;
	const struct cli_opt *opts; /* terminated by a zero row; NULL when
				     * the handler parses its own options */
	const char *details;        /* extra --help text, may be NULL */
};

extern const struct cli_cmd cli_cmds[];
const struct cli_cmd *cli_find(const char *name);

/* Long-only option ids shared by several commands. */
enum {
	OPT_HELP = 'h',
	OPT_FORMAT = 'o',
	OPT_FORCE = 256,
	OPT_FUA,
	OPT_PATTERN,
	OPT_RANGE,
	OPT_DEAC,
	OPT_LOG_ID,
	OPT_LOG_LEN,
	OPT_LOG_OFFSET,
	OPT_CDW11,
	OPT_SAVE,
	OPT_OPCODE,
	OPT_DATA_LEN,
	OPT_READ,
	OPT_WRITE,
	OPT_FLAGS,
	OPT_CDW2,
	OPT_CDW3,
	OPT_CDW10,
	OPT_CDW12,
	OPT_CDW13,
	OPT_CDW14,
	OPT_CDW15,
	OPT_NSID_RAW,
	OPT_VERBOSE,
	OPT_LR,
	OPT_PRINFO,
	OPT_PI,
};

/* Every command that sends something takes -t/--timeout, as nvme-cli's
 * commands do; cli_getopt() handles it. */
#define CLI_OPT_TIMEOUT                                                        \
	{ "timeout", 't', required_argument, "MS",                             \
	  "timeout of each command in ms (0: the kernel's default)" }

/* Rows every command accepts. */
#define CLI_OPT_COMMON                                                         \
	{ "output-format", 'o', required_argument, "FMT",                      \
	  "output format: normal or json" },                                   \
	{ "help", 'h', no_argument, NULL, "show this help" }

/* Parses argv with the command's option table. Returns the next option id,
 * -1 at the end, or CLI_STOP when the command must end with
 * c->exit_code (after --help, or after reporting a usage error).
 * --help and --output-format are handled here. */
#define CLI_STOP (-2)
int cli_getopt(struct cli *c, int argc, char **argv);
/* After options: exactly one positional DEV (or none when optional). */
int cli_take_dev(struct cli *c, int argc, char **argv, bool required);
/* All of argv for a command with only the common options: the options,
 * then one optional positional (left in c->dev_path) when `arg`, none
 * otherwise. Returns CLI_STOP after --help, else 0 or the exit code. */
int cli_parse_plain(struct cli *c, int argc, char **argv, bool arg);
void cli_help(const struct cli_cmd *cmd, FILE *f);
/* A command group (nvio zone, nvio fdp): runs the table's "GROUP SUB"
 * for argv[1], or says which ones there are (choices). */
int cli_subcommand(struct cli *c, int argc, char **argv,
		   const struct cli_cmd *table, const char *group,
		   const char *choices);
/* --raw-binary: buf on stdout; refused with -o json. */
int cli_raw_out(struct cli *c, const void *buf, size_t len);

/* Option value parsers that report "--name: ..." usage errors. */
int opt_u64(struct cli *c, const char *opt, const char *s, uint64_t *v,
	    uint64_t max);
int opt_size(struct cli *c, const char *opt, const char *s, uint64_t *v);

/* ------------------------------------------------------------------ */
/* Errors. Each returns the exit code, so handlers `return err_*(...)`. */
__attribute__((format(printf, 2, 3))) int err_usage(struct cli *c,
						     const char *fmt, ...);
/* errno (positive or negative) with a message naming what failed. */
__attribute__((format(printf, 3, 4))) int err_errno(struct cli *c, int err,
						     const char *fmt, ...);
/* A library result: 0, -errno or NVMe status; `what` names the step. */
int err_result(struct cli *c, int rc, const char *what);
/* What opening the device failed with, with advice. */
int err_open(struct cli *c, int rc, bool admin);
/* The controller node `node` could not be opened for admin commands. */
int err_admin_open(struct cli *c, int err, const char *node);
__attribute__((format(printf, 2, 3))) int err_refused(struct cli *c,
						       const char *fmt, ...);
/* Text for a library errno in the context of an I/O or admin command. */
const char *errno_text(int err);
/* "SCT 0x0 (Generic), SC 0x80, DNR" and friends. */
void status_detail(int status, char *buf, size_t len);
const char *sct_name(unsigned sct);

/* JSON mode: the document writer, NULL in normal mode. */
struct jw *cli_json(struct cli *c);
/* Prints the JSON document or error object; returns the exit code. */
int cli_finish(struct cli *c, int rc);
__attribute__((format(printf, 2, 3))) void cli_note(struct cli *c,
						     const char *fmt, ...);

/* ------------------------------------------------------------------ */
/* dev.c: opening the device the command names. */
struct cli_dev {
	struct nvio_dev *dev;
	struct nvio_queue *q;
	const struct nvio_dev_info *info;
	uint32_t lba_bytes; /* bytes per LBA in the data buffer */
};
/* flags: NVIO_DEV_* */
int cli_open(struct cli *c, uint32_t nsid, uint32_t flags, bool queue,
	     struct cli_dev *d);
void cli_close(struct cli_dev *d);
/* As cli_open, but a controller with several namespaces opens its first
 * one when no nsid is given: for admin commands any namespace will do. */
int cli_open_any(struct cli *c, uint32_t nsid, uint32_t flags, bool queue,
		 struct cli_dev *d);
/* Fails with a clear message when the device has no admin path. */
int cli_need_admin(struct cli *c, const struct cli_dev *d);
/* The generic device name for a user's path, best effort ("" if not). */
void guess_generic(const char *path, char *ng, size_t len);
/* Range check with the message nvio prints for it. */
int check_range(struct cli *c, const struct cli_dev *d, uint64_t slba,
		uint64_t nlb);

/* ------------------------------------------------------------------ */
/* safety.c */

/* The whole check for a command that changes data; returns 0 to go on or
 * an exit code after reporting the refusal. */
int safety_check(struct cli *c, struct cli_dev *d, const char *what);

/* Where sysfs is (NVIO_SYSFS_ROOT for tests). */
const char *cli_sysfs(void);
int read_sysfs_u64(const char *path, uint64_t *v);

/* ------------------------------------------------------------------ */
/* Handlers. */
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_id_ctrl(struct cli *c, int argc, char **argv);
int cmd_zone_id_ns(struct cli *c, int argc, char **argv);
int cmd_zone_id_ctrl(struct cli *c, int argc, char **argv);
int cmd_id_ns(struct cli *c, int argc, char **argv);
int cmd_list_ns(struct cli *c, int argc, char **argv);
int cmd_read(struct cli *c, int argc, char **argv);
int cmd_write(struct cli *c, int argc, char **argv);
int cmd_compare(struct cli *c, int argc, char **argv);
int cmd_flush(struct cli *c, int argc, char **argv);
int cmd_write_zeroes(struct cli *c, int argc, char **argv);
int cmd_trim(struct cli *c, int argc, char **argv);
int cmd_copy(struct cli *c, int argc, char **argv);
int cmd_zone(struct cli *c, int argc, char **argv);
int cmd_fdp(struct cli *c, int argc, char **argv);
int cmd_selftest(struct cli *c, int argc, char **argv);
int cmd_write_uncor(struct cli *c, int argc, char **argv);
int cmd_verify(struct cli *c, int argc, char **argv);
int cmd_get_log(struct cli *c, int argc, char **argv);
int cmd_get_feature(struct cli *c, int argc, char **argv);
int cmd_set_feature(struct cli *c, int argc, char **argv);
int cmd_io_passthru(struct cli *c, int argc, char **argv);
int cmd_admin_passthru(struct cli *c, int argc, char **argv);
int cmd_doctor(struct cli *c, int argc, char **argv);
int cmd_soak(struct cli *c, int argc, char **argv);
int cmd_lat(struct cli *c, int argc, char **argv);   /* tools/lat */
int cmd_sweep(struct cli *c, int argc, char **argv); /* tools/lat */
int cmd_version(struct cli *c, int argc, char **argv);
int cmd_help(struct cli *c, int argc, char **argv);

/* Option tables, defined beside their handlers. */
extern const struct cli_opt opts_list[], opts_id_ctrl[], opts_id_ns[],
	opts_list_ns[],
	opts_read[], opts_write[], opts_compare[], opts_flush[],
	opts_write_zeroes[], opts_trim[], opts_copy[], opts_write_uncor[],
	opts_zone[], opts_fdp[], opts_selftest[],
	opts_verify[], opts_get_log[],
	opts_get_feature[], opts_set_feature[], opts_io_passthru[],
	opts_admin_passthru[], opts_doctor[], opts_soak[], opts_version[], opts_help[];

/* Hex dump in the style of nvme-cli (offset, 16 bytes, ASCII). */
void hexdump(FILE *f, const void *buf, size_t len);
/* Writes all of buf to fd; -errno on failure. */
int write_all(int fd, const void *buf, size_t len);

#endif /* NVIO_CLI_H */
