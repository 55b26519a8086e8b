#!/bin/bash
# cli-timeout.sh - the tool on a device that answers late (the slow
# topology: $NVIO_SLOW_DEV takes 5 s per command): -t/--timeout makes a command fail with "timed out after N ms";
# nvio lat --timeout counts the commands the kernel ended, apart from
# errors and latencies; and nvio lat ends within a second or so of SIGINT
# even though its commands are still in flight, with what it measured and
# how many it left behind. Runs in the VM as root:
#   tests/vm/nvme-vm --topology slow -- tests/cli/device/cli-timeout.sh
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"
SLOW=${NVIO_SLOW_DEV:-}
[ -c "$SLOW" ] || skip "needs the slow topology (\$NVIO_SLOW_DEV)"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# A read that takes 5 s, with a 300 ms timeout.
t0=$(now)
expect 3 "read -t 300 on the slow namespace" "$NVIO" read "$SLOW" -s 0 -c 1 -d /dev/null -t 300
err_has "timed out after 300 ms"
echo "$ME: read -t 300: exit $RC after $(elapsed "$t0") s: $(head -c 200 "$WORK/err")"
# The same in JSON: one error document, errno ETIMEDOUT.
expect 3 "read -t 300 -o json" "$NVIO" read "$SLOW" -s 0 -c 1 -d /dev/null -t 300 -o json &&
	json_valid && jq_eq "$WORK/out" '.error.errno_name' ETIMEDOUT
jq_eq "$WORK/out" '.error.message | test("timed out after 300 ms")' true
# An admin command with a timeout still works when the device answers.
expect 0 "id-ctrl -t 5000" "$NVIO" id-ctrl "$SLOW" -t 5000 -o json && json_valid

# nvio lat --timeout: two commands at a time, for one second; the kernel
# ends them after the timeout (one may still succeed: QEMU's reset waits
# for the commands, and the driver reaps what completed before it
# cancels the rest), and those are counted as timed out, not errors.
expect 1 "lat --timeout 300 (timed-out commands fail the run)" \
	"$NVIO" lat "$SLOW" --qd 2 --time 1 --timeout 300 -o json
err_has "commands? timed out after 300 ms"
if json_valid; then
	jq_eq "$WORK/out" '.config.timeout_ms' 300
	jq_eq "$WORK/out" '.timed_out >= 1' true
	jq_eq "$WORK/out" '.timed_out + .ios' 2
	jq_eq "$WORK/out" '.nvme_errors.total' 0
	echo "$ME: lat --timeout 300: $(jq -c '{ios, timed_out, unreaped, errors: .nvme_errors.total}' "$WORK/out")"
fi

# SIGINT a minute-long run after 2 s: it ends within a second or so, with
# its commands (5 s each) still in flight, counted as unreaped.
"$NVIO" lat "$SLOW" --qd 4 --time 60 -o json >"$WORK/lat.json" 2>"$WORK/lat.err" &
pid=$!
sleep 2
t0=$(now)
kill -INT $pid
wait $pid
rc=$?
dt=$(elapsed "$t0")
echo "$ME: lat after SIGINT: exit $rc in $dt s: $(jq -c '{interrupted, ios, unreaped}' "$WORK/lat.json" 2>/dev/null)"
lt "$dt" 2.5 && ok || fail "lat took $dt s to end after SIGINT"
json_valid "$WORK/lat.json"
jq_eq "$WORK/lat.json" '.interrupted' true
jq_eq "$WORK/lat.json" '.unreaped' 4
# The commands it left come back to the kernel; the device works after.
sleep 6
expect 0 "read after" "$NVIO" read "$DEV" -s 0 -c 1 -d /dev/null -t 10000
finish
