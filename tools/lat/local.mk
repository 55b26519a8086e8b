# tools/lat: latency probe modules, included from the top-level Makefile.am
#
# `nvio lat` and `nvio sweep` as a convenience library with two entry
# points (tools/lat/lat.h) for the nvio command table: link
# tools/lat/libnviolat.la into tools/nvio. It reaches libnvio only through
# <nvio.h> (no -I lib). tools/lat/nvio-lat is a standalone driver
# ("nvio-lat lat|sweep DEV ..."), built with -no-install so that it runs in
# place in the nvme-vm guest, where the build tree is read-only.

noinst_LTLIBRARIES += tools/lat/libnviolat.la
tools_lat_libnviolat_la_SOURCES = \
	tools/lat/lat.h \
	tools/lat/lat-int.h \
	tools/lat/clock.h \
	tools/lat/clock.c \
	tools/lat/hist.h \
	tools/lat/rand.h \
	tools/lat/hist.c \
	tools/lat/lat.c \
	tools/lat/opts.c \
	tools/lat/output.c \
	tools/lat/run.c \
	tools/lat/safety.c \
	tools/safety.h \
	tools/safety-core.c \
	tools/opttab.h \
	tools/opttab.c \
	tools/lat/svg.c \
	tools/lat/sweep.c
tools_lat_libnviolat_la_CPPFLAGS = -I$(top_srcdir)/include
tools_lat_libnviolat_la_LIBADD = -lpthread -lm

noinst_PROGRAMS += tools/lat/nvio-lat
tools_lat_nvio_lat_SOURCES = tools/lat/nvio-lat-main.c
tools_lat_nvio_lat_CPPFLAGS = -I$(top_srcdir)/include
tools_lat_nvio_lat_LDADD = tools/lat/libnviolat.la lib/libnvio.la
tools_lat_nvio_lat_LDFLAGS = $(AM_LDFLAGS) -no-install

EXTRA_DIST += tools/lat/README.md tests/lat/device-lat.sh bench/cg-quick.sh

# ---- device tests: one VM boot (basic topology) runs
# tests/lat/device-lat.sh in the guest; TAP (the .tap driver is set up in
# tests/device/local.mk). NVIO_NO_VM=1 skips.
TESTS += tests/lat/vm-lat.tap
EXTRA_DIST += tests/lat/vm-lat.tap tests/lat/vm-lat-trixie.tap \
	tests/lat/vm-lat-sid.tap
if !SANITIZERS
# ...and on Debian 13's and sid's kernels (the plain build only).
TESTS += tests/lat/vm-lat-trixie.tap tests/lat/vm-lat-sid.tap
endif

# ---- unit tests (no device): histogram, clock and rate schedule, option
# parsing, writers (JSON and SVG checked by python3 when present).
if HAVE_CHECK
LAT_TESTS = tests/lat/test-hist tests/lat/test-lat-opts \
	tests/lat/test-lat-output
check_PROGRAMS += $(LAT_TESTS)
TESTS += $(LAT_TESTS)
LAT_TEST_CPPFLAGS = -I$(top_srcdir)/include -I$(top_srcdir)/tools/lat
LAT_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
LAT_TEST_LDADD = tools/lat/libnviolat.la lib/libnvio.la $(CHECK_LIBS) -lm
tests_lat_test_hist_SOURCES = tests/lat/test-hist.c tests/lat/latcheck.h
tests_lat_test_hist_CPPFLAGS = $(LAT_TEST_CPPFLAGS)
tests_lat_test_hist_CFLAGS = $(LAT_TEST_CFLAGS)
tests_lat_test_hist_LDADD = $(LAT_TEST_LDADD)
tests_lat_test_lat_opts_SOURCES = tests/lat/test-lat-opts.c tests/lat/latcheck.h
tests_lat_test_lat_opts_CPPFLAGS = $(LAT_TEST_CPPFLAGS)
tests_lat_test_lat_opts_CFLAGS = $(LAT_TEST_CFLAGS)
tests_lat_test_lat_opts_LDADD = $(LAT_TEST_LDADD)
tests_lat_test_lat_output_SOURCES = tests/lat/test-lat-output.c \
	tests/lat/latcheck.h
tests_lat_test_lat_output_CPPFLAGS = $(LAT_TEST_CPPFLAGS)
tests_lat_test_lat_output_CFLAGS = $(LAT_TEST_CFLAGS)
tests_lat_test_lat_output_LDADD = $(LAT_TEST_LDADD)
endif
