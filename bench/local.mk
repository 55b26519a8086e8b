# bench: build rules, included from the top-level Makefile.am
#
# The benchmark (not a test): bench/run-bench boots the nvme-vm `null`
# topology and compares `nvio lat` with the floor (a hand-written liburing
# loop), fio's io_uring_cmd and io_uring engines, synchronous ioctl
# passthrough and a thread pool; see bench/README.md. The programs are
# built by `make` and run in place in the guest (-no-install not needed for
# floor, ioctl and threadpool: they do not link libnvio; ab does, below).

noinst_PROGRAMS += bench/floor bench/ioctl bench/threadpool bench/ab
BENCH_CPPFLAGS = -I$(top_srcdir)/tools/lat -I$(top_srcdir)/bench
BENCH_COMMON = bench/common.h bench/common.c tools/lat/clock.c \
	tools/lat/clock.h tools/lat/hist.c tools/lat/hist.h tools/lat/rand.h
bench_floor_SOURCES = bench/floor.c bench/floor.h bench/floor-core.c \
	$(BENCH_COMMON)
bench_floor_CPPFLAGS = $(BENCH_CPPFLAGS)
bench_floor_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
bench_floor_LDADD = $(URING_LIBS) -lm
bench_ioctl_SOURCES = bench/ioctl.c $(BENCH_COMMON)
bench_ioctl_CPPFLAGS = $(BENCH_CPPFLAGS)
bench_ioctl_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
bench_ioctl_LDADD = -lm
bench_threadpool_SOURCES = bench/threadpool.c $(BENCH_COMMON)
bench_threadpool_CPPFLAGS = $(BENCH_CPPFLAGS)
bench_threadpool_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
bench_threadpool_LDADD = -lpthread -lm

EXTRA_DIST += bench/run-bench bench/in-guest.sh bench/README.md bench/rust-tokio.sh \
	bench/pairstats.py \
	bench/waits.sh
# ab alternates `nvio lat`'s engine (libnviolat) with the floor in one
# process; -no-install so that it runs in place in the guest.
bench_ab_SOURCES = bench/ab.c bench/floor.h bench/floor-core.c \
	bench/common.h bench/common.c
bench_ab_CPPFLAGS = $(BENCH_CPPFLAGS) -I$(top_srcdir)/include
bench_ab_CFLAGS = $(AM_CFLAGS) $(URING_CFLAGS)
bench_ab_LDADD = tools/lat/libnviolat.la lib/libnvio.la $(URING_LIBS) -lm
bench_ab_LDFLAGS = $(AM_LDFLAGS) -no-install
