/* SPDX-License-Identifier: MIT */
/*
 * cmd-passthru.c - io-passthru and admin-passthru: any command by dword,
 * for what nvio has no command of its own. Data goes to or comes from a
 * page-aligned buffer; the direction follows the opcode's transfer bits
 * unless --read or --write overrides it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define PT_OPTS                                                                \
	{ "opcode", 'O', required_argument, "OP", "command opcode (required)" }, \
	{ "namespace-id", 'n', required_argument, "NSID", "namespace id (CDW1)" }, \
	{ "flags", OPT_FLAGS, required_argument, "V", "CDW0 bits 15:8" },      \
	{ "cdw2", OPT_CDW2, required_argument, "V", "command dword 2" },       \
	{ "cdw3", OPT_CDW3, required_argument, "V", "command dword 3" },       \
	{ "cdw10", OPT_CDW10, required_argument, "V", "command dword 10" },    \
	{ "cdw11", OPT_CDW11, required_argument, "V", "command dword 11" },    \
	{ "cdw12", OPT_CDW12, required_argument, "V", "command dword 12" },    \
	{ "cdw13", OPT_CDW13, required_argument, "V", "command dword 13" },    \
	{ "cdw14", OPT_CDW14, required_argument, "V", "command dword 14" },    \
	{ "cdw15", OPT_CDW15, required_argument, "V", "command dword 15" },    \
	{ "data-len", 'l', required_argument, "N", "data buffer size in bytes" }, \
	{ "read", 'r', no_argument, NULL, "data moves from the device" },      \
	{ "write", 'w', no_argument, NULL, "data moves to the device" },       \
	{ "data", 'd', required_argument, "FILE", "data to send, or where to put data read" }, \
	{ "raw-binary", 'b', no_argument, NULL, "write data read to stdout raw" }

const struct cli_opt opts_io_passthru[] = {
	PT_OPTS,
	{ "force", OPT_FORCE, no_argument, NULL, "skip the safety checks for commands that write" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_admin_passthru[] = {
	PT_OPTS, CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

struct pt_args {
	struct nvio_cmd cmd;
	bool has_op, has_nsid, rd, wr;
	uint64_t len;
	const char *file;
};

static int parse_pt(struct cli *c, int argc, char **argv, struct pt_args *a)
{
	uint64_t v;
	int opt, rc;

	memset(a, 0, sizeof(*a));
	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		uint32_t *dw = NULL;
		const char *name = NULL;

		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code == EXIT_OK ? CLI_STOP : c->exit_code;
		case 'O':
			rc = opt_u64(c, "opcode", optarg, &v, 255);
			a->cmd.opcode = (uint8_t)v;
			a->has_op = true;
			break;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &v, UINT32_MAX);
			a->cmd.nsid = (uint32_t)v;
			a->has_nsid = true;
			break;
		case OPT_FLAGS:
			rc = opt_u64(c, "flags", optarg, &v, 255);
			a->cmd.flags = (uint8_t)v;
			break;
		case OPT_CDW2: dw = &a->cmd.cdw2; name = "cdw2"; break;
		case OPT_CDW3: dw = &a->cmd.cdw3; name = "cdw3"; break;
		case OPT_CDW10: dw = &a->cmd.cdw10; name = "cdw10"; break;
		case OPT_CDW11: dw = &a->cmd.cdw11; name = "cdw11"; break;
		case OPT_CDW12: dw = &a->cmd.cdw12; name = "cdw12"; break;
		case OPT_CDW13: dw = &a->cmd.cdw13; name = "cdw13"; break;
		case OPT_CDW14: dw = &a->cmd.cdw14; name = "cdw14"; break;
		case OPT_CDW15: dw = &a->cmd.cdw15; name = "cdw15"; break;
		case 'l':
			rc = opt_size(c, "data-len", optarg, &a->len);
			if (!rc && a->len > (64u << 20))
				rc = err_usage(c, "--data-len: at most 64M");
			break;
		case 'r': a->rd = true; break;
		case 'w': a->wr = true; break;
		case 'd': a->file = optarg; break;
		case 'b': c->raw = true; break;
		case OPT_FORCE: c->force = true; break;
		default: rc = err_usage(c, "option not handled");
		}
		if (dw) {
			rc = opt_u64(c, name, optarg, &v, UINT32_MAX);
			*dw = (uint32_t)v;
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	if (!a->has_op)
		return err_usage(c, "give the command with --opcode/-O");
	if (a->rd && a->wr)
		return err_usage(c, "--read and --write exclude each other "
				    "(bidirectional commands are not supported)");
	if (!a->rd && !a->wr && a->len) {
		/* The opcode's data transfer bits, as the spec defines them. */
		a->wr = a->cmd.opcode & 1;
		a->rd = !a->wr;
	}
	if ((a->rd || a->wr) && !a->len)
		return err_usage(c, "--%s needs --data-len", a->rd ? "read" : "write");
	if (c->raw && c->fmt == FMT_JSON)
		return err_usage(c, "--raw-binary and -o json exclude each other");
	return EXIT_OK;
}

static int fill_from(struct cli *c, const char *file, void *buf, size_t len)
{
	int fd = file ? open(file, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	size_t got = 0;

	if (fd < 0)
		return err_errno(c, errno, "cannot open data file %s", file);
	if (!file && isatty(fd))
		return err_usage(c, "no data: give --data FILE or pipe it to stdin");
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			if (file)
				close(fd);
			if (n < 0)
				return err_errno(c, e, "reading %s", file ? file : "stdin");
			return err_usage(c, "%s has %zu bytes, --data-len is %zu; "
					    "nothing was sent",
					 file ? file : "stdin", got, len);
		}
		got += (size_t)n;
	}
	if (file)
		close(fd);
	return EXIT_OK;
}

static int show(struct cli *c, const struct pt_args *a, uint64_t result,
		const void *buf)
{
	struct jw *w = cli_json(c);

	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "opcode", a->cmd.opcode);
		jw_u64(w, "nsid", a->cmd.nsid);
		jw_u64(w, "result", result);
		if (buf && a->rd && !a->file)
			jw_hex(w, "data", buf, (size_t)a->len);
		jw_obj_end(w);
		return EXIT_OK;
	}
	if (buf && a->rd && a->file) {
		int fd = open(a->file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int rc;

		if (fd < 0)
			return err_errno(c, errno, "cannot create %s", a->file);
		rc = write_all(fd, buf, (size_t)a->len);
		if (close(fd) && !rc)
			rc = -errno;
		if (rc)
			return err_errno(c, rc, "writing %s", a->file);
	}
	if (c->raw) {
		int rc = buf && a->rd ? write_all(STDOUT_FILENO, buf, (size_t)a->len) : 0;

		return rc ? err_errno(c, rc, "writing stdout") : EXIT_OK;
	}
	printf("%s: opcode 0x%02x, nsid %u: success, result 0x%llx\n",
	       c->cmd->name, a->cmd.opcode, a->cmd.nsid,
	       (unsigned long long)result);
	if (buf && a->rd && !a->file)
		hexdump(stdout, buf, (size_t)a->len);
	return EXIT_OK;
}

static bool changes_data(uint8_t opc)
{
	/* Write, Write Uncorrectable, Write Zeroes, DSM, Copy, and anything
	 * else that sends data to the device. */
	return (opc & 1) || opc == 0x04 || opc == 0x08 || opc == 0x09 ||
	       opc == 0x19;
}

/* io-passthru and admin-passthru differ only in how the device is
 * opened (an I/O queue on the namespace, or the controller for admin
 * commands), the safety check for I/O commands that write, and the
 * submit call. */
static int passthru(struct cli *c, int argc, char **argv, bool admin)
{
	struct pt_args a;
	struct cli_dev d;
	void *buf = NULL;
	uint64_t result = 0;
	char what[64];
	int rc;

	rc = parse_pt(c, argc, argv, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (a.len) {
		buf = nvio_buf_alloc((size_t)a.len);
		if (!buf)
			return err_errno(c, ENOMEM, "buffer");
		if (a.wr) {
			rc = fill_from(c, a.file, buf, (size_t)a.len);
			if (rc) {
				nvio_buf_free(buf);
				return rc;
			}
		}
	}
	if (admin)
		rc = cli_open_any(c, 0, NVIO_DEV_RDONLY, false, &d);
	else
		rc = cli_open(c, a.has_nsid ? a.cmd.nsid : 0, 0, true, &d);
	if (rc) {
		nvio_buf_free(buf);
		return rc;
	}
	if (admin) {
		rc = cli_need_admin(c, &d);
		if (rc)
			goto out;
		rc = nvio_admin_passthru(d.dev, &a.cmd, buf, (uint32_t)a.len,
					 &result);
	} else {
		if (!a.has_nsid)
			a.cmd.nsid = d.info->nsid;
		if (changes_data(a.cmd.opcode)) {
			rc = safety_check(c, &d, "send this command");
			if (rc)
				goto out;
		}
		rc = nvio_passthru(d.q, &a.cmd, buf, (uint32_t)a.len, NULL, 0,
				   &result);
		/* libnvio refused before sending: the command moves LBA data
		 * and the namespace's metadata would need a buffer. */
		if (rc == -EOPNOTSUPP &&
		    (d.info->md_unknown ||
		     (d.info->md_size && !d.info->md_extended))) {
			rc = err_refused(c, "I/O command 0x%02x moves LBA data "
					 "and %s %s: without a metadata buffer "
					 "the controller would use address 0, "
					 "so nothing was sent (io-passthru "
					 "takes no metadata buffer)",
					 a.cmd.opcode, d.info->generic_path,
					 d.info->md_unknown
						 ? "has a metadata format nvio "
						   "could not learn"
						 : "has separate metadata");
			goto out;
		}
	}
	if (rc) {
		snprintf(what, sizeof(what), "%s command 0x%02x",
			 admin ? "admin" : "I/O", a.cmd.opcode);
		rc = err_result(c, rc, what);
		goto out;
	}
	rc = show(c, &a, result, buf);
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

int cmd_io_passthru(struct cli *c, int argc, char **argv)
{
	return passthru(c, argc, argv, false);
}

int cmd_admin_passthru(struct cli *c, int argc, char **argv)
{
	return passthru(c, argc, argv, true);
}
