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

add() { # add TEST [DEV [LABEL [ENV=VALUE]]]
	name=$1${3:+@$3}
	{
		echo "#!/bin/sh"
		[ -n "${4:-}" ] && echo "export $4"
		[ -n "${2:-}" ] && echo "export NVIO_DEV=$2"
		if [ -n "${NVIO_VALGRIND:-}" ]; then
			echo "exec valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect $b/$1"
		else
			echo "exec $b/$1"
		fi
	} > "$w/$name"
	chmod +x "$w/$name"
	list="$list ./$name"
}

list=
io="dev-open identify rw cmds vec queues errors threads"
case $topo in
basic)	if [ -n "${NVIO_VALGRIND:-}" ]; then
		for t in rw cmds vec queues errors admin eventfd; do add $t; done
	else
		for t in $io poll admin eventfd; do add $t; done
		add admin "" ioctl NVIO_ADMIN_IOCTL=1
		add identify "" ioctl NVIO_ADMIN_IOCTL=1
	fi ;;
4k)	for t in $io; do add $t; done ;;
multi)	for d in ${NVIO_DEVS:-}; do
		for t in dev-open identify rw cmds; do add $t "$d" "${d#/dev/}"; done
	done
	add threads; add admin ;;
md)	add md ;;
zns)	add zns ;;
null)	add dev-open; add identify; add poll ;;
nopoll)	for t in poll rw queues eventfd; do add $t; done ;;
tcp)	for t in dev-open rw cmds vec queues errors; do
		add $t "${NVIO_TCP_DEV:-/dev/ng1n1}" tcp
	done
	add rw; add admin ;;
*)	echo "suite.sh: unknown topology $topo" >&2; exit 2 ;;
esac
cd "$w" || exit 2
# shellcheck disable=SC2086
"$src/tests/vm/guest-run-tests" ${GUEST_TEST_VERBOSE:+-v} -t 300 $list
rc=$?
cd /
rm -rf "$w"
exit $rc
