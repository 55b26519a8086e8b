#!/bin/bash
# cli-doctor.sh - `nvio doctor` on a working device: no FAIL, the checks the
# issue names are all there, JSON agrees with the text, and the permission
# check fails (with a fix) for an unprivileged user.
# Runs in the VM: tests/vm/nvme-vm --topology basic -- tests/cli/device/cli-doctor.sh
# (topology nopoll: the poll checks must WARN, not FAIL.)
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"

expect 0 "doctor" "$NVIO" doctor
grep -q "^PASS  io_uring " "$WORK/out" && ok || fail "no io_uring PASS"
expect 0 "doctor DEV" "$NVIO" doctor "$DEV"
for c in kernel io_uring_disabled io_uring uring_cmd poll_queues "generic device" \
	permissions open transport io_poll "interrupt read" "polled read" \
	"registered buffers" sqpoll; do
	grep -Eq "^(PASS|WARN|FAIL)  $c " "$WORK/out" && ok || fail "doctor lacks the '$c' check"
done
grep -q "^FAIL" "$WORK/out" && fail "doctor FAILs on a working device: $(grep ^FAIL "$WORK/out")"
expect 0 "doctor json" "$NVIO" doctor "$DEV" -o json && json_valid
jq_eq "$WORK/out" '.fail' 0
jq_eq "$WORK/out" '[.checks[] | select(.check=="interrupt read")][0].status' pass
# Quirk rows that apply are listed; poll-unsafe changes the polled check.
unsafe=0
jq -e '[.checks[] | select(.check=="quirk poll-unsafe")] | length == 1' "$WORK/out" >/dev/null && unsafe=1
case $(uname -r) in
6.1.*) [ $unsafe = 1 ] && ok || fail "doctor on $(uname -r) lacks quirk poll-unsafe" ;;
6.1[2-9].* | [7-9].*) [ $unsafe = 0 ] && ok || fail "doctor on $(uname -r) names quirk poll-unsafe" ;;
esac
if [ "$(cat /sys/block/"$(basename "$BLK")"/queue/io_poll 2>/dev/null)" = 1 ] && [ $unsafe = 1 ]; then
	# polls only when asked for: a warning that says so, not a failure
	jq_eq "$WORK/out" '[.checks[] | select(.check=="polled read")][0].status' warn
	jq -r '[.checks[] | select(.check=="polled read")][0].message' "$WORK/out" |
		grep -q "POLLED.*POLL_UNSAFE" && ok || fail "polled read does not report POLLED|POLL_UNSAFE"
elif [ "$(cat /sys/block/"$(basename "$BLK")"/queue/io_poll 2>/dev/null)" = 1 ]; then
	jq_eq "$WORK/out" '[.checks[] | select(.check=="polled read")][0].status' pass
	grep -q "POLLED" "$WORK/out" && ok || fail "polled read does not report NVIO_QF_POLLED"
else
	jq_eq "$WORK/out" '[.checks[] | select(.check=="polled read")][0].status' warn
fi
expect 0 "doctor via block dev" "$NVIO" doctor "$BLK"
expect 3 "doctor on /dev/null" "$NVIO" doctor /dev/null
if id nobody >/dev/null 2>&1; then
	expect 3 "doctor as nobody" as_nobody "$NVIO" doctor "$DEV"
	grep -Eq "^FAIL  permissions .*cannot open" "$WORK/out" && ok || fail "no permissions FAIL for nobody"
	grep -q "udev rule" "$WORK/out" && ok || fail "no udev fix suggested"
	expect 3 "doctor as nobody json" as_nobody "$NVIO" doctor "$DEV" -o json && json_valid
	jq_eq "$WORK/out" '[.checks[] | select(.check=="permissions")][0].status' fail
fi
finish
