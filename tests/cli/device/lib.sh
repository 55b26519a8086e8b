# shellcheck shell=bash
# lib.sh - shared by the nvio CLI device tests (sourced, not run).
#
# The tests run inside the VM (tests/vm/nvme-vm) as root, on an emulated
# namespace they may overwrite. Environment:
#   NVIO            the nvio binary (default: tools/nvio, from the build tree)
#   NVIO_TEST_DEV   generic device (default /dev/ng0n1)
#   NVIO_TEST_BLK   its block device (default /dev/nvme0n1)
#   NVIO_TEST_CTRL  its controller (default /dev/nvme0)
#   NVIO_TEST_DESTRUCTIVE=1  allow a namespace that is not QEMU's
# Exit status: 0 pass, 77 skip (reason printed), 1 fail.

NVIO=${NVIO:-tools/nvio}
DEV=${NVIO_TEST_DEV:-/dev/ng0n1}
BLK=${NVIO_TEST_BLK:-/dev/nvme0n1}
CTRL=${NVIO_TEST_CTRL:-/dev/nvme0}
ME=$(basename "$0" .sh)
FAILS=0
CHECKS=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/$ME.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

skip() { echo "$ME: SKIP: $*"; exit 77; }
fail() { echo "$ME: FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { CHECKS=$((CHECKS + 1)); }
finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$ME: $FAILS of $CHECKS checks failed"
		exit 1
	fi
	echo "$ME: all $CHECKS checks passed"
	exit 0
}

# The device must exist and be a disposable one.
require_device() {
	[ -x "$NVIO" ] || skip "nvio binary $NVIO not found (set NVIO)"
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -c "$DEV" ] || skip "$DEV does not exist (run inside tests/vm/nvme-vm)"
	[ -b "$BLK" ] || skip "$BLK does not exist"
	[ -c "$CTRL" ] || skip "$CTRL does not exist"
	if [ "${NVIO_TEST_DESTRUCTIVE:-0}" != 1 ]; then
		local ctrl model
		ctrl=$(basename "$CTRL")
		model=$(cat "/sys/class/nvme/$ctrl/model" 2>/dev/null)
		case $model in
		QEMU*) ;;
		*) skip "$CTRL is '$model', not QEMU's emulated controller; set NVIO_TEST_DESTRUCTIVE=1 to overwrite it" ;;
		esac
	fi
}

# run CMD...: stdout in $WORK/out, stderr in $WORK/err, status in $RC.
run() {
	"$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
}

# expect RC DESCRIPTION CMD...: the command must exit with RC.
expect() {
	local want=$1 what=$2
	shift 2
	run "$@"
	if [ "$RC" != "$want" ]; then
		fail "$what: exit $RC, expected $want: $*"
		sed 's/^/    stderr: /' "$WORK/err" | head -5
		return 1
	fi
	ok
	return 0
}

# stderr of the last run must match the extended regex.
err_has() {
	if grep -Eq -- "$1" "$WORK/err"; then
		ok
	else
		fail "stderr lacks /$1/: $(head -c 300 "$WORK/err")"
	fi
}

# stdout of the last run must be exactly one valid JSON document.
json_valid() {
	local f=${1:-$WORK/out}
	if command -v jq >/dev/null; then
		jq -e . "$f" >/dev/null 2>&1
	else
		python3 -m json.tool "$f" >/dev/null 2>&1
	fi
	local r=$?
	if [ $r = 0 ]; then ok; else fail "not valid JSON: $(head -c 300 "$f")"; fi
	return $r
}

# jq_eq FILE FILTER VALUE: the filter's raw output must equal VALUE.
jq_eq() {
	local got
	got=$(jq -r "$2" "$1" 2>/dev/null)
	if [ "$got" = "$3" ]; then ok; else fail "$2 in $(basename "$1") is '$got', expected '$3'"; fi
}

as_nobody() {
	if command -v setpriv >/dev/null; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		su nobody -s /bin/sh -c "$(printf '%q ' "$@")"
	fi
}
