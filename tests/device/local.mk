# Device tests: built by `make check`, run inside the nvme-vm guest, one
# VM boot per topology (tests/device/vm-*.tap report TAP to automake).
DEVICE_TESTS = \
	tests/device/dev-open tests/device/identify tests/device/rw \
	tests/device/cmds tests/device/vec tests/device/queues \
	tests/device/poll tests/device/threads tests/device/admin \
	tests/device/errors tests/device/eventfd tests/device/md \
	tests/device/zns tests/device/reset
check_PROGRAMS += $(DEVICE_TESTS)
# -no-install: the binaries run in place (the guest sees the build tree
# read-only, so libtool's relinking wrapper could not work there).
DEVICE_LDADD = lib/libnvio.la -lpthread
DEVTEST_LINKFLAGS = $(AM_LDFLAGS) -no-install
tests_device_dev_open_LDADD = $(DEVICE_LDADD)
tests_device_dev_open_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_identify_LDADD = $(DEVICE_LDADD)
tests_device_identify_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_rw_LDADD = $(DEVICE_LDADD)
tests_device_rw_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_cmds_LDADD = $(DEVICE_LDADD)
tests_device_cmds_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_vec_LDADD = $(DEVICE_LDADD)
tests_device_vec_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_queues_LDADD = $(DEVICE_LDADD)
tests_device_queues_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_poll_LDADD = $(DEVICE_LDADD)
tests_device_poll_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_threads_LDADD = $(DEVICE_LDADD)
tests_device_threads_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_admin_LDADD = $(DEVICE_LDADD)
tests_device_admin_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_errors_LDADD = $(DEVICE_LDADD)
tests_device_errors_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_eventfd_LDADD = $(DEVICE_LDADD)
tests_device_eventfd_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_md_LDADD = $(DEVICE_LDADD)
tests_device_md_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_zns_LDADD = $(DEVICE_LDADD)
tests_device_zns_LDFLAGS = $(DEVTEST_LINKFLAGS)
tests_device_reset_LDADD = $(DEVICE_LDADD)
tests_device_reset_LDFLAGS = $(DEVTEST_LINKFLAGS)

VM_TOPOLOGY_TESTS = \
	tests/device/vm-basic.tap tests/device/vm-4k.tap \
	tests/device/vm-multi.tap tests/device/vm-md.tap \
	tests/device/vm-zns.tap tests/device/vm-null.tap \
	tests/device/vm-nopoll.tap tests/device/vm-tcp.tap \
	tests/device/vm-valgrind.tap
if SANITIZERS
# The ASan/UBSan build runs the library and the tool on the real driver in
# the topology that exercises the most of them (polled PCIe, admin, the
# CLI's safety and doctor scripts); the device variations (LBA sizes,
# metadata, zones, several controllers, no poll queues, fabrics) are
# covered by the plain build, which runs them all. This keeps
# `tests/run-all` under 20 minutes on a 2-core machine.
TESTS += tests/device/vm-basic.tap
else
TESTS += $(VM_TOPOLOGY_TESTS) tests/vm/test-boot-retry.sh
endif
TEST_EXTENSIONS = .tap
TAP_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
EXTRA_DIST += build-aux/tap-driver.sh \
	tests/device/devtest.h tests/device/suite.sh \
	tests/device/vm-suite $(VM_TOPOLOGY_TESTS) \
	tests/vm/nvme-vm tests/vm/guest-init tests/vm/guest-run-tests \
	tests/vm/test-boot-retry.sh \
	tests/vm/README.md
