/* SPDX-License-Identifier: MIT */
/*
 * latcheck.h - shared by the latency probe's Check suites: running a
 * suite, and validating a file with a python3 one-liner when python3 is
 * there (a test that needs it and cannot find it says so and passes the
 * rest of its checks).
 */
#ifndef NVIO_LATCHECK_H
#define NVIO_LATCHECK_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static inline const char *python3(void)
{
	if (access("/usr/bin/python3", X_OK) == 0)
		return "/usr/bin/python3";
	return NULL;
}

/* Runs `python3 -c code file`; 0 when it exits 0, 1 when it fails, -1
 * without python3 (a dependency that tools/install-deps.sh installs:
 * callers assert 0, so a missing python3 fails instead of passing
 * unchecked). */
static inline int py_check(const char *code, const char *file)
{
	char cmd[4096];
	const char *py = python3();
	int rc;

	if (!py) {
		fprintf(stderr, "no /usr/bin/python3: %s cannot be validated\n",
			file);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "%s -c '%s' '%s'", py, code, file);
	rc = system(cmd);
	return rc == 0 ? 0 : 1;
}

#endif
