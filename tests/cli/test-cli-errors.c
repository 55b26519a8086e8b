/* SPDX-License-Identifier: MIT */
/* Error reporting (tools/output.c): exit codes, texts for the library's
 * errnos, NVMe status decoding, and the JSON error document. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The tool's handlers, which output.c and dev.c may name, are not linked
 * into this test. */
static int fake(struct cli *c, int argc, char **argv)
{
	(void)c; (void)argc; (void)argv;
	return 0;
}

static const struct cli_cmd read_cmd = { "read", fake, "read", "nvio read",
					 NULL, NULL };

/* Runs cli_finish with stdout captured; returns what was printed. */
static char out[8192];
static int finish_captured(struct cli *c, int rc)
{
	char path[] = "/tmp/nvio-cli-errors-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDOUT_FILENO), ret;
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	dup2(fd, STDOUT_FILENO);
	ret = cli_finish(c, rc);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return ret;
}

START_TEST(texts)
{
	ck_assert_ptr_nonnull(strstr(errno_text(-ERANGE), "past the end"));
	ck_assert_ptr_nonnull(strstr(errno_text(ERANGE), "past the end"));
	ck_assert_ptr_nonnull(strstr(errno_text(-ENODATA), "zero LBAs"));
	ck_assert_ptr_nonnull(strstr(errno_text(-EMSGSIZE), "does not match"));
	ck_assert_ptr_nonnull(strstr(errno_text(-ENOTBLK), "partition"));
	ck_assert_ptr_nonnull(strstr(errno_text(-EDESTADDRREQ), "--namespace-id"));
	ck_assert_ptr_nonnull(strstr(errno_text(-ENXIO), "no such namespace"));
	ck_assert_ptr_nonnull(strstr(errno_text(-ENODEV), "not an NVMe"));
	ck_assert_ptr_nonnull(strstr(errno_text(-ENOENT), "no such"));
	ck_assert_str_eq(errno_text(-EIO), "Input/output error");
	ck_assert_str_eq(sct_name(2), "Media and Data Integrity Errors");
	ck_assert_str_eq(sct_name(5), "Reserved");
}
END_TEST

START_TEST(status)
{
	char b[160];

	status_detail(0x4080, b, sizeof(b));
	ck_assert_str_eq(b, "SCT 0x0 Generic Command Status, SC 0x80, DNR (do not retry)");
	status_detail(0x0285, b, sizeof(b));
	ck_assert_str_eq(b, "SCT 0x2 Media and Data Integrity Errors, SC 0x85");
	status_detail(0x2000 | 0x0800 | 0x0101, b, sizeof(b));
	ck_assert_str_eq(b, "SCT 0x1 Command Specific Status, SC 0x01, More (see the error log), CRD 1");
}
END_TEST

START_TEST(exit_codes)
{
	struct cli c = { .cmd = &read_cmd, .dev_path = "/dev/ng0n1" };

	ck_assert_int_eq(err_usage(&c, "bad %s", "thing"), EXIT_USAGE);
	ck_assert_str_eq(c.errmsg, "bad thing");
	ck_assert_int_eq(c.exit_code, EXIT_USAGE);
	/* the first error is kept */
	ck_assert_int_eq(err_result(&c, -EIO, "x"), EXIT_SYSTEM);
	ck_assert_str_eq(c.errmsg, "bad thing");

	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	ck_assert_int_eq(err_result(&c, 0, "x"), EXIT_OK);
	ck_assert(!c.has_error);
	ck_assert_int_eq(err_result(&c, 0x4080, "read"), EXIT_NVME);
	ck_assert_int_eq(c.err_status, 0x4080);
	ck_assert_ptr_nonnull(strstr(c.errmsg, "read: NVMe status 0x4080: LBA Out of Range"));
	ck_assert_ptr_nonnull(strstr(c.errmsg, "DNR"));

	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	ck_assert_int_eq(err_result(&c, -ERANGE, "read"), EXIT_SYSTEM);
	ck_assert_int_eq(c.err_errno, ERANGE);
	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	ck_assert_int_eq(err_result(&c, -EACCES, "read"), EXIT_SYSTEM);
	ck_assert_ptr_nonnull(strstr(c.errmsg, "nvio doctor"));
	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	ck_assert_int_eq(err_refused(&c, "refusing"), EXIT_USAGE);
	ck_assert_int_eq(err_errno(&c, ENOENT, "open"), EXIT_SYSTEM);
}
END_TEST

START_TEST(json_error_document)
{
	struct cli c = { .cmd = &read_cmd, .dev_path = "/dev/ng0n1",
			 .fmt = FMT_JSON };
	struct jw *w = cli_json(&c);

	/* A half-written result is replaced by the error object. */
	jw_obj(w, NULL);
	jw_u64(w, "partial", 1);
	ck_assert_int_eq(finish_captured(&c, err_result(&c, 0x0285, "compare")),
			 EXIT_NVME);
	ck_assert_ptr_null(strstr(out, "partial"));
	ck_assert_ptr_nonnull(strstr(out, "\"error\":{"));
	ck_assert_ptr_nonnull(strstr(out, "\"nvme_status\":645"));
	ck_assert_ptr_nonnull(strstr(out, "\"sct\":2"));
	ck_assert_ptr_nonnull(strstr(out, "\"errno\":null"));
	ck_assert_ptr_nonnull(strstr(out, "\"exit_code\":1"));

	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	c.fmt = FMT_JSON;
	err_errno(&c, EACCES, "open \"x\"");
	ck_assert_int_eq(finish_captured(&c, EXIT_SYSTEM), EXIT_SYSTEM);
	ck_assert_ptr_nonnull(strstr(out, "\"errno\":13"));
	ck_assert_ptr_nonnull(strstr(out, "\"errno_name\":\"EACCES\""));
	ck_assert_ptr_nonnull(strstr(out, "open \\\"x\\\""));
	ck_assert_ptr_nonnull(strstr(out, "\"device\":null"));

	/* Success prints the document as built. */
	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	c.fmt = FMT_JSON;
	w = cli_json(&c);
	jw_obj(w, NULL);
	jw_u64(w, "ok", 1);
	jw_obj_end(w);
	ck_assert_int_eq(finish_captured(&c, EXIT_OK), EXIT_OK);
	ck_assert_str_eq(out, "{\n  \"ok\":1\n}\n");

	/* doctor: failed checks keep their document. */
	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	c.fmt = FMT_JSON;
	c.keep_doc = true;
	w = cli_json(&c);
	jw_obj(w, NULL);
	jw_u64(w, "fail", 1);
	jw_obj_end(w);
	ck_assert_int_eq(finish_captured(&c, EXIT_SYSTEM), EXIT_SYSTEM);
	ck_assert_str_eq(out, "{\n  \"fail\":1\n}\n");

	/* Normal mode prints nothing on stdout for an error. */
	memset(&c, 0, sizeof(c));
	c.cmd = &read_cmd;
	err_usage(&c, "x");
	ck_assert_int_eq(finish_captured(&c, EXIT_USAGE), EXIT_USAGE);
	ck_assert_str_eq(out, "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli-errors");
	TCase *tc = tcase_create("errors");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, texts);
	tcase_add_test(tc, status);
	tcase_add_test(tc, exit_codes);
	tcase_add_test(tc, json_error_document);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
