# tools: build rules, included from the top-level Makefile.am
#
# The nvio command-line tool. It links the exported libnvio and reaches it
# only through <nvio.h>; liburing is used directly by `nvio doctor` alone,
# to probe the kernel before any device is opened.

bin_PROGRAMS += tools/nvio
tools_nvio_SOURCES = \
	tools/cli.h \
	tools/nvio.c \
	tools/cmd-admin.c \
	tools/cmd-doctor.c \
	tools/cmd-io.c \
	tools/cmd-list.c \
	tools/cmd-passthru.c \
	tools/cmd-zone.c \
	tools/cmd-fdp.c \
	tools/cmd-selftest.c tools/selftest-sets.c tools/selftest.h \
	tools/dev.c \
	tools/json.c \
	tools/output.c \
	tools/safety.c \
	tools/safety.h \
	tools/soak.h \
	tools/soak-core.c \
	tools/cmd-soak.c \
	tools/util.c
tools_nvio_CPPFLAGS = -I$(top_srcdir)/include
tools_nvio_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
# `nvio lat` and `nvio sweep` live in tools/lat (tools/lat/local.mk).
tools_nvio_LDADD = tools/lat/libnviolat.la lib/libnvio.la $(URING_LIBS) -lpthread

dist_man_MANS += man/nvio.1

# bash-completion finds a command's completion by the command's name, so the
# file is installed as "nvio"; a build-time copy avoids install hooks, which
# other fragments of this Makefile may define too.
bashcompdir = $(datadir)/bash-completion/completions
bashcomp_DATA = tools/completion/nvio
EXTRA_DIST += tools/nvio.bash-completion
DISTCLEANFILES += tools/completion/nvio
tools/completion/nvio: $(top_srcdir)/tools/nvio.bash-completion
	$(AM_V_GEN)$(MKDIR_P) tools/completion && cp $(top_srcdir)/tools/nvio.bash-completion $@

# ---- unit tests for the tool's pure parts (parsing, JSON, signatures,
# error texts) and its completion; the device tests in tests/cli/device
# run in the VM and are wired up by the VM suite.
EXTRA_DIST += tests/cli/device tests/cli/test-completion.sh \
	tests/cli/test-cli-options.sh tests/cli/test-bad-input.sh
TESTS += tests/cli/test-completion.sh tests/cli/test-cli-options.sh \
	tests/cli/test-bad-input.sh

if HAVE_CHECK
CLI_TESTS = \
	tests/cli/test-cli-parse \
	tests/cli/test-cli-json \
	tests/cli/test-cli-safety \
	tests/cli/test-cli-errors \
	tests/cli/test-soak
check_PROGRAMS += $(CLI_TESTS)
TESTS += $(CLI_TESTS)
CLI_TEST_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)/tools
CLI_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
CLI_TEST_LDADD = lib/libnvio.la $(CHECK_LIBS)

tests_cli_test_cli_parse_SOURCES = tests/cli/test-cli-parse.c tools/util.c \
	tools/opttab.c
tests_cli_test_cli_parse_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_cli_parse_CFLAGS = $(CLI_TEST_CFLAGS)
tests_cli_test_cli_parse_LDADD = $(CLI_TEST_LDADD)

tests_cli_test_cli_json_SOURCES = tests/cli/test-cli-json.c tools/json.c
tests_cli_test_cli_json_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_cli_json_CFLAGS = $(CLI_TEST_CFLAGS)
tests_cli_test_cli_json_LDADD = $(CLI_TEST_LDADD)

tests_cli_test_cli_safety_SOURCES = tests/cli/test-cli-safety.c \
	tools/safety.c tools/safety-core.c tools/util.c tools/dev.c \
	tools/output.c tools/json.c
tests_cli_test_cli_safety_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_cli_safety_CFLAGS = $(CLI_TEST_CFLAGS)
tests_cli_test_cli_safety_LDADD = $(CLI_TEST_LDADD)

tests_cli_test_cli_errors_SOURCES = tests/cli/test-cli-errors.c \
	tools/output.c tools/json.c tools/util.c tools/dev.c tools/safety-core.c
tests_cli_test_cli_errors_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_cli_errors_CFLAGS = $(CLI_TEST_CFLAGS)
tests_cli_test_cli_errors_LDADD = $(CLI_TEST_LDADD)

tests_cli_test_soak_SOURCES = tests/cli/test-soak.c tools/soak-core.c tools/util.c
tests_cli_test_soak_CPPFLAGS = $(CLI_TEST_CPPFLAGS)
tests_cli_test_soak_CFLAGS = $(CLI_TEST_CFLAGS)
tests_cli_test_soak_LDADD = $(CLI_TEST_LDADD)
endif
