#!/bin/bash
# test-cli-options.sh - the nvio tool names a refused option as it was
# written (a flag given a value, an unknown letter, an unknown long option,
# a missing value), exits 2, and sends nothing: the device named does not
# exist, so any attempt to open it would say so instead. Runs on the host
# in the build tree under `make check`.
NVIO=${NVIO:-./tools/nvio}
[ -x "$NVIO" ] || { echo "SKIP: $NVIO not built"; exit 77; }
pass=0 fail=0
dev=/dev/nvio-test-no-such-device

expect() { # want-message, args...
	local want=$1 err rc
	shift
	err=$("$NVIO" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 2 ] && grep -qF -- "$want" <<<"$err" && ! grep -q "$dev:" <<<"$err"; then
		echo "PASS: nvio $*"; pass=$((pass + 1))
	else
		echo "FAIL: nvio $*: rc $rc, wanted 2 and '$want', got: $err"
		fail=$((fail + 1))
	fi
}

expect "list: --help takes no value" list --help=x
expect "write: --force takes no value" write "$dev" --force=1 -c 1
expect "write: --force takes no value" write "$dev" --forc=yes -c 1
expect "read: unknown option '-Z'" read "$dev" -Z
expect "read: unknown option '-Z'" read "$dev" -HZ -c 1
expect "read: unknown option '--bogus=2'" read "$dev" --bogus=2
expect "read: option -c needs a value (--block-count)" read "$dev" -c
expect "lat: --force takes no value" lat "$dev" --force=1
expect "sweep: --help takes no value" sweep "$dev" --help=1
# -t/--timeout on every command that sends, checked before the device opens
expect "read: --timeout: 'abc' is not a number" read "$dev" -t abc -c 1
expect "id-ctrl: --timeout: '4294967296' is too large" id-ctrl "$dev" --timeout 4294967296
expect "get-log: option -t needs a value (--timeout)" get-log "$dev" --log-id smart -t
expect "io-passthru: --timeout: '-5' is not a number" io-passthru "$dev" --opcode 2 -t -5
expect "list: unknown option '-t'" list -t 5
expect "lat: --timeout: '1s' is not a number of milliseconds" lat "$dev" --timeout 1s

# The JSON error document names the same option.
out=$("$NVIO" id-ctrl "$dev" -o json --help=x 2>/dev/null)
rc=$?
if [ $rc = 2 ] && grep -q '"message":"--help takes no value"' <<<"$out" &&
   grep -q '"exit_code":2' <<<"$out"; then
	echo "PASS: JSON error document"; pass=$((pass + 1))
else
	echo "FAIL: JSON error document: rc $rc: $out"; fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
