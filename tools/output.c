/* SPDX-License-Identifier: MIT */
/*
 * output.c - how nvio reports: one error line on stderr that names the
 * command, the device and the reason; the exit code that tells usage,
 * NVMe and system errors apart; and in JSON mode exactly one document on
 * stdout, the result or an error object.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <grp.h>
#include <pwd.h>

#include "cli.h"

const char *errno_text(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENODATA: return "zero LBAs requested";
	case ERANGE: return "LBA range past the end of the namespace";
	case EMSGSIZE: return "data length does not match the LBA count";
	/* The tool checks its buffers before sending, so an EFAULT comes
	 * from a completion: since 6.8 that is how the kernel reports a
	 * command it aborted (quirk abort-efault). */
	case EFAULT: return "aborted by the kernel (controller reset or transport error; it says EFAULT, Bad address)";
	case E2BIG: return "transfer larger than one command may carry";
	case EXDEV: return "namespace id is not the device's own (a generic device serves only its namespace)";
	case ENOENT: return "no such file or device";
	case ENODEV: return "not an NVMe namespace or controller";
	case ENOTBLK: return "a partition, not a namespace: name the whole namespace (e.g. /dev/nvme0n1)";
	case EDESTADDRREQ: return "the controller has several namespaces: choose one with --namespace-id/-n";
	case ENXIO: return "no such namespace on this controller";
	case EOPNOTSUPP: return "not supported by this kernel or device";
	case ENOTTY: return "not supported on this device node";
	case ENOLINK: return "no live path to the namespace: its controller is resetting or reconnecting (the kernel says EINVAL)";
	default: return nvio_strerror(-err);
	}
}

const char *sct_name(unsigned sct)
{
	switch (sct) {
	case 0: return "Generic Command Status";
	case 1: return "Command Specific Status";
	case 2: return "Media and Data Integrity Errors";
	case 3: return "Path Related Status";
	case 7: return "Vendor Specific";
	default: return "Reserved";
	}
}

void status_detail(int st, char *buf, size_t len)
{
	snprintf(buf, len, "SCT 0x%x %s, SC 0x%02x%s%s", nvio_status_sct(st),
		 sct_name(nvio_status_sct(st)), nvio_status_sc(st),
		 nvio_status_dnr(st) ? ", DNR (do not retry)" : "",
		 nvio_status_more(st) ? ", More (see the error log)" : "");
	if (nvio_status_crd(st)) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, ", CRD %u", nvio_status_crd(st));
	}
}

struct jw *cli_json(struct cli *c)
{
	if (c->fmt != FMT_JSON)
		return NULL;
	if (!c->jf) {
		c->jf = open_memstream(&c->jbuf, &c->jlen);
		if (!c->jf)
			return NULL;
		jw_begin(&c->jw, c->jf);
	}
	return &c->jw;
}

static void vreport(struct cli *c, int code, int err, int status,
		    const char *fmt, va_list ap)
{
	char msg[sizeof(c->errmsg)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* The first error is the cause; later ones are consequences. */
	if (!c->has_error) {
		snprintf(c->errmsg, sizeof(c->errmsg), "%s", msg);
		c->err_errno = err;
		c->err_status = status;
		c->exit_code = code;
		c->has_error = true;
	}
	fprintf(stderr, "nvio: %s%s%s: %s\n", c->cmd ? c->cmd->name : "",
		c->dev_path ? " " : "", c->dev_path ? c->dev_path : "", msg);
}

int err_usage(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, EXIT_USAGE, 0, 0, fmt, ap);
	va_end(ap);
	if (c->fmt == FMT_NORMAL && c->cmd)
		fprintf(stderr, "Try 'nvio %s --help'.\n", c->cmd->name);
	return EXIT_USAGE;
}

int err_refused(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, EXIT_USAGE, 0, 0, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static int report(struct cli *c, int code, int err, int status,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int report(struct cli *c, int code, int err, int status,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, code, err, status, fmt, ap);
	va_end(ap);
	return code;
}

int err_errno(struct cli *c, int err, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return report(c, EXIT_SYSTEM, err, 0, "%s: %s", what, errno_text(err));
}

/* "crw------- root:root" for a node, or "" if it cannot be seen. */
static void node_mode(const char *path, char *buf, size_t len)
{
	static const char rwx[] = "rwxrwxrwx";
	struct stat st;
	char mode[11];
	struct passwd *pw;
	struct group *gr;

	buf[0] = '\0';
	if (!path || !path[0] || stat(path, &st))
		return;
	mode[0] = S_ISCHR(st.st_mode) ? 'c' : S_ISBLK(st.st_mode) ? 'b' : '-';
	for (int i = 0; i < 9; i++)
		mode[1 + i] = (st.st_mode & (0400u >> i)) ? rwx[i] : '-';
	mode[10] = '\0';
	pw = getpwuid(st.st_uid);
	gr = getgrgid(st.st_gid);
	snprintf(buf, len, " (%s %s:%s)", mode, pw ? pw->pw_name : "?",
		 gr ? gr->gr_name : "?");
}

static int err_perm(struct cli *c, int err, const char *node, bool admin,
		    bool open_failed)
{
	char mode[128];

	node_mode(node, mode, sizeof(mode));
	if (admin)
		return report(c, EXIT_SYSTEM, err, 0,
			      "permission denied: admin commands need read and "
			      "write permission on the controller node %s%s "
			      "and CAP_SYS_ADMIN; `nvio doctor %s` explains",
			      node && node[0] ? node : "/dev/nvmeX", mode,
			      c->dev_path ? c->dev_path : "");
	if (open_failed)
		return report(c, EXIT_SYSTEM, err, 0,
			      "permission denied: this command needs %s "
			      "permission on the generic device %s%s; "
			      "`nvio doctor %s` explains",
			      c->open_rdonly ? "read" : "read and write",
			      node && node[0] ? node : "/dev/ngXnY", mode,
			      c->dev_path ? c->dev_path : "");
	return report(c, EXIT_SYSTEM, err, 0,
		      "permission denied by the kernel: without CAP_SYS_ADMIN, "
		      "Linux 6.2+ allows I/O commands (writes only on a device "
		      "opened for writing) and Identify, but not log pages, "
		      "features or other admin commands; before 6.2 every "
		      "passthrough command needs CAP_SYS_ADMIN. Run as root; "
		      "`nvio doctor %s` explains",
		      c->dev_path ? c->dev_path : "");
}

int err_open(struct cli *c, int rc, bool admin)
{
	char ng[64];

	if (rc == -EACCES || rc == -EPERM) {
		guess_generic(c->dev_path, ng, sizeof(ng));
		return err_perm(c, -rc, ng, admin, true);
	}
	/* Only the command line can say which namespace: a usage error. */
	if (rc == -EDESTADDRREQ)
		return report(c, EXIT_USAGE, -rc, 0, "%s", errno_text(rc));
	/* The kernel refuses the controller node, and Identify, while the
	 * controller is not live. */
	if (rc == -EAGAIN)
		return report(c, EXIT_SYSTEM, -rc, 0, "cannot open: the "
			      "controller is not live (resetting or "
			      "reconnecting; the kernel says EAGAIN): try again");
	return report(c, EXIT_SYSTEM, -rc, 0, "cannot open: %s",
		      errno_text(rc));
}

int err_admin_open(struct cli *c, int err, const char *node)
{
	if (err == EACCES || err == EPERM)
		return err_perm(c, err, node, true, true);
	if (err == EAGAIN)
		return report(c, EXIT_SYSTEM, err, 0,
			      "cannot open the controller %s for admin commands: "
			      "it is not live (resetting or reconnecting; the "
			      "kernel says EAGAIN): try again", node);
	return report(c, EXIT_SYSTEM, err, 0,
		      "cannot open the controller %s for admin commands: %s",
		      node, errno_text(err));
}

int err_result(struct cli *c, int rc, const char *what)
{
	char detail[160];

	if (rc == 0)
		return EXIT_OK;
	if (rc > 0) {
		status_detail(rc, detail, sizeof(detail));
		return report(c, EXIT_NVME, 0, rc,
			      "%s: NVMe status 0x%04x: %s (%s)", what,
			      (unsigned)rc, nvio_strerror(rc), detail);
	}
	if (rc == -EACCES || rc == -EPERM)
		return err_perm(c, -rc, NULL, false, false);
	if (rc == -ETIMEDOUT && c->timeout_ms)
		return report(c, EXIT_SYSTEM, -rc, 0,
			      "%s: timed out after %u ms (--timeout): the kernel "
			      "aborted the command", what, c->timeout_ms);
	return report(c, EXIT_SYSTEM, -rc, 0, "%s: %s", what, errno_text(rc));
}

void cli_note(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nvio: %s%s%s: ", c->cmd ? c->cmd->name : "",
		c->dev_path ? " " : "", c->dev_path ? c->dev_path : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *errno_name(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "";
}

int cli_finish(struct cli *c, int rc)
{
	if (c->has_error && rc == EXIT_OK)
		rc = c->exit_code;
	if (c->fmt == FMT_JSON) {
		if (c->jf) {
			fclose(c->jf);
			c->jf = NULL;
		}
		if (c->has_error || (rc != EXIT_OK && !c->keep_doc)) {
			struct jw w;
			char detail[160];

			jw_begin(&w, stdout);
			jw_obj(&w, NULL);
			jw_obj(&w, "error");
			jw_str(&w, "command", c->cmd ? c->cmd->name : NULL);
			jw_str(&w, "device", c->dev_path);
			jw_str(&w, "message", c->has_error ? c->errmsg :
							      "failed");
			if (c->err_errno) {
				jw_i64(&w, "errno", c->err_errno);
				jw_str(&w, "errno_name", errno_name(c->err_errno));
			} else {
				jw_null(&w, "errno");
			}
			if (c->err_status) {
				int st = c->err_status;

				jw_u64(&w, "nvme_status", (unsigned)st);
				jw_obj(&w, "status");
				jw_u64(&w, "sct", nvio_status_sct(st));
				jw_str(&w, "sct_name", sct_name(nvio_status_sct(st)));
				jw_u64(&w, "sc", nvio_status_sc(st));
				jw_bool(&w, "dnr", nvio_status_dnr(st));
				jw_bool(&w, "more", nvio_status_more(st));
				jw_u64(&w, "crd", nvio_status_crd(st));
				jw_str(&w, "name", nvio_strerror(st));
				status_detail(st, detail, sizeof(detail));
				jw_str(&w, "detail", detail);
				jw_obj_end(&w);
			} else {
				jw_null(&w, "nvme_status");
			}
			jw_i64(&w, "exit_code", rc);
			jw_obj_end(&w);
			jw_obj_end(&w);
		} else if (c->jbuf && c->jlen) {
			fwrite(c->jbuf, 1, c->jlen, stdout);
		}
		free(c->jbuf);
		c->jbuf = NULL;
	}
	if (fflush(stdout) == EOF && rc == EXIT_OK) {
		fprintf(stderr, "nvio: %s: writing to stdout: %s\n",
			c->cmd ? c->cmd->name : "", strerror(errno));
		rc = EXIT_SYSTEM;
	}
	return rc;
}

void hexdump(FILE *f, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	fprintf(f, "       0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f\n");
	for (size_t off = 0; off < len; off += 16) {
		fprintf(f, "%04zx:", off);
		for (size_t i = 0; i < 16; i++) {
			if (off + i < len)
				fprintf(f, " %02x", p[off + i]);
			else
				fputs("   ", f);
		}
		fputs(" \"", f);
		for (size_t i = 0; i < 16 && off + i < len; i++) {
			unsigned char ch = p[off + i];

			fputc(ch >= 0x20 && ch < 0x7f ? ch : '.', f);
		}
		fputs("\"\n", f);
	}
}

/* --raw-binary: the device's bytes on stdout, as they came. */
int cli_raw_out(struct cli *c, const void *buf, size_t len)
{
	int rc;

	if (c->fmt == FMT_JSON)
		return err_usage(c, "--raw-binary and -o json exclude each other");
	rc = write_all(STDOUT_FILENO, buf, len);
	return rc ? err_errno(c, rc, "writing stdout") : EXIT_OK;
}
