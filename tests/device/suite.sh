#!/bin/sh
# suite.sh: the device suite for one topology, run INSIDE the nvme-vm
# guest. Picks the tests and devices that fit $NVIO_TOPOLOGY, wraps each
# (test, device) pair in a tiny script so the name says both, and hands
# them to guest-run-tests (which checks the kernel log after each).
#
#   suite.sh BUILDDIR SRCDIR
set -u
b=$1/tests/device
src=$2
topo=${NVIO_TOPOLOGY:-basic}
w=$(mktemp -d /tmp/nvio-suite.XXXXXX) || exit 2

add() { # add TEST [DEV [LABEL [ENV=VALUE]]]; TEST with a / is a path
	case $1 in
	*/*) prog=$1; name=$(basename "$1" .sh)${3:+@$3} ;;
	*) prog=$b/$1; name=$1${3:+@$3} ;;
	esac
	{
		echo "#!/bin/sh"
		[ -n "${4:-}" ] && echo "export $4"
		[ -n "${2:-}" ] && echo "export NVIO_DEV=$2"
		if [ -n "${NVIO_VALGRIND:-}" ]; then
			echo "exec valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect $prog"
		else
			echo "exec $prog"
		fi
	} > "$w/$name"
	chmod +x "$w/$name"
	list="$list ./$name"
}

# The CLI's device tests find the tool through $NVIO: the binary itself,
# not libtool's wrapper script, which costs a shell start per run (six
# times the run itself; under TCG the CLI scripts' hundreds of runs took
# most of a topology's time).
if [ -x "$1/tools/.libs/nvio" ] && [ -d "$1/lib/.libs" ]; then
	export NVIO="$1/tools/.libs/nvio"
	export LD_LIBRARY_PATH="$1/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
	export NVIO="$1/tools/nvio"
fi
cli=$src/tests/cli/device
list=
io="dev-open identify rw cmds vec queues errors threads"
case $topo in
basic)	if [ -n "${NVIO_VALGRIND:-}" ]; then
		for t in rw cmds vec queues errors admin eventfd lifetime; do add $t; done
	else
		for t in $io poll admin eventfd lifetime; do add $t; done
		add admin "" ioctl NVIO_ADMIN_IOCTL=1
		add identify "" ioctl NVIO_ADMIN_IOCTL=1
		# The quirk table's decision, shown on any kernel: a release
		# that reads as 6.1 makes default queues take interrupts.
		add poll "" as-6.1 NVIO_KERNEL_RELEASE=6.1.0-fake
		add queues "" as-6.1 NVIO_KERNEL_RELEASE=6.1.0-fake
		add reset
		add "$cli/cli-unpriv.sh"
		# the bad-input table on a real namespace: nothing sent.
		# Some 200 nvio runs (2-3 minutes under TCG) whose refusals
		# do not depend on the kernel: on 6.1 in the plain build only
		# (the host runs the table on every build); NVIO_SUITE_FULL=1
		# runs it everywhere
		if [ -n "${NVIO_SUITE_FULL:-}" ] || { [ "${NVIO_KERNEL_SUITE:-bookworm}" = bookworm ] &&
			[ -z "${NVIO_SUITE_SANITIZED:-}${NVIO_SUITE_QUICK:-}" ]; }; then
			add "$src/tests/cli/test-bad-input.sh" "" dev \
				"NVIO_BAD_INPUT_DEV=${NVIO_DEVS%% *}"
		fi
		for c in cli-basic cli-safety cli-doctor cli-soak cli-copy cli-selftest; do
			[ "$c" = cli-basic ] && [ -n "${NVIO_SUITE_SANITIZED:-}${NVIO_SUITE_QUICK:-}" ] && continue
			# cli-basic, hundreds of nvio runs, is the suite's longest
			# script under TCG: in the matrix on Debian 12's 6.1 only
			# (the tool is the same on each; the library's tests run
			# on every kernel); NVIO_SUITE_FULL=1 runs it everywhere
			[ "$c" = cli-basic ] && [ -z "${NVIO_SUITE_FULL:-}" ] &&
				[ "${NVIO_KERNEL_SUITE:-bookworm}" != bookworm ] && continue
			add "$cli/$c.sh"
		done
	fi ;;
4k)	for t in $io; do add $t; done
	add "$cli/cli-basic.sh" "" "" NVIO_CLI_LBA_ONLY=1
	add "$cli/cli-doctor.sh"
	add "$cli/cli-selftest.sh" "" 4k NVIO_SELFTEST_PASS=io.roundtrip,io.compare,concurrency.qd-sweep ;;
multi)	for d in ${NVIO_DEVS:-}; do
		for t in dev-open identify rw cmds; do add $t "$d" "${d#/dev/}"; done
	done
	add threads; add admin; add multins
	add "$cli/cli-ctrl.sh"
	# every namespace of the three controllers; the script's own device
	# by role too (the numbering differs by kernel and probe order: on
	# sid the empty controller can take nvme0, and /dev/ng0n1 is none)
	md=${NVIO_DEVS:-} md=${md%% *} mb=/dev/nvme${md#/dev/ng}
	add "$cli/cli-selftest.sh" "" multi "NVIO_TEST_DEV=$md NVIO_TEST_BLK=$mb NVIO_TEST_CTRL=${mb%n*} NVIO_SELFTEST_DEVS=$(echo ${NVIO_DEVS:-} | tr ' ' ,) NVIO_SELFTEST_PASS=io.roundtrip,concurrency.multiqueue" ;;
md)	add md
	add "$cli/cli-md.sh"
	# separate PI-only (type 1, type 2 with the 64-bit guard) and
	# interleaved metadata
	add "$cli/cli-selftest.sh" "" md "NVIO_SELFTEST_DEVS=$(echo ${NVIO_DEVS:-} | tr ' ' ,) NVIO_SELFTEST_PASS=md.roundtrip,md.pi-generate,md.pi-check,io.roundtrip,io.compare,zeroes.write-zeroes"
	add "$cli/cli-unpriv.sh" "" md ;;
zns)	add zns
	add "$cli/cli-zone.sh"
	add "$cli/cli-selftest.sh" "" zoned "NVIO_SELFTEST_DEVS=${NVIO_ZNS_DEV:-} NVIO_SELFTEST_PASS=zoned.report,zoned.write-pointer,zoned.append,zoned.finish,zoned.reset" ;;
fdp)	add fdp
	# QEMU 10's controller: the eventfd test's soak, which QEMU 7.2
	# fails (tests/vm/README.md)
	add eventfd
	add "$cli/cli-fdp.sh"
	add "$cli/cli-selftest.sh" "" fdp "NVIO_SELFTEST_DEVS=${NVIO_FDP_DEV:-} NVIO_SELFTEST_PASS=fdp.status,fdp.placement,fdp.stats,io.roundtrip" ;;
slow)	add timeout
	add "$cli/cli-timeout.sh"
	add media
	add "$cli/cli-media.sh"
	# reads of LBA 2048 fail there: selftest must name the check
	add "$cli/cli-selftest.sh" "" faulty "NVIO_SELFTEST_DEV=${NVIO_FAULTY_DEV:-} NVIO_SELFTEST_EXPECT=io.read-sample:LBAs.2048-"
	# Last: the controller is removed (and rescanned) under I/O. Only
	# on sid's kernel in the suite: Debian's 6.1 then WARNs in
	# blk_mq_release when the removed disk's queue is freed, and its
	# 6.12.117 oopsed in 2 of 6 runs (NULL dereference in blk_rq_poll
	# from io_ring_exit_work, polled queues): kernel bugs that nvio's
	# test can show but not avoid (tests/vm/README.md, by hand there).
	[ "${NVIO_KERNEL_SUITE:-}" = sid ] && add remove ;;
null)	add dev-open; add identify; add poll
	# a namespace that discards writes: selftest must name the check
	add "$cli/cli-selftest.sh" "" discards NVIO_SELFTEST_EXPECT=io.roundtrip:read.back.different ;;
nopoll)	for t in poll rw queues eventfd; do add $t; done
	add "$cli/cli-doctor.sh"
	add "$cli/cli-selftest.sh" "" nopoll NVIO_SELFTEST_PASS=io.roundtrip,concurrency.qd-sweep ;;
tcp)	for t in dev-open rw cmds vec queues errors; do
		add $t "${NVIO_TCP_DEV:-/dev/ng1n1}" tcp
	done
	add rw; add admin
	# the target's port unlinked mid-I/O and linked again (issue 11)
	add reset "${NVIO_TCP_DEV:-/dev/ng1n1}" tcp-port NVIO_FAULT=tcp-port
	add "$cli/cli-tcp-relink.sh"
	td=${NVIO_TCP_DEV:-/dev/ng1n1}
	tb=/dev/nvme${td#/dev/ng}
	# Linux's target answers a read past the end with Internal Error
	# (0x6006), not LBA Out of Range: selftest says so (6.1 to 7.2)
	add "$cli/cli-selftest.sh" "" tcp "NVIO_SELFTEST_DEVS=$td NVIO_SELFTEST_PASS=fabrics.identify,io.roundtrip,concurrency.multiqueue NVIO_SELFTEST_KNOWN=errors.lba-range"
	add "$cli/cli-doctor.sh" "" tcp \
		"NVIO_TEST_DEV=$td NVIO_TEST_BLK=$tb NVIO_TEST_CTRL=${tb%n*} NVIO_TEST_DESTRUCTIVE=1" ;;
*)	echo "suite.sh: unknown topology $topo" >&2; exit 2 ;;
esac
cd "$w" || exit 2
# shellcheck disable=SC2086
"$src/tests/vm/guest-run-tests" ${GUEST_TEST_VERBOSE:+-v} -t 900 $list
rc=$?
cd /
rm -rf "$w"
exit $rc
