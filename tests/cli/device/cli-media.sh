#!/bin/bash
# cli-media.sh - the tool on media errors injected by QEMU's blkdebug (the
# slow topology's nsid 3: reads of LBA 2048 and writes of LBA 4096 fail):
# the error is named, exit 1, the JSON carries the status, and nvio lat
# counts the failed reads by status and goes on. Runs in the VM as root:
#   tests/vm/nvme-vm --topology slow -- tests/cli/device/cli-media.sh
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"
BAD=${NVIO_FAULTY_DEV:-}
[ -c "$BAD" ] || skip "needs the slow topology (\$NVIO_FAULTY_DEV)"

expect 1 "read of the bad LBA" "$NVIO" read "$BAD" -s 2048 -c 1 -d /dev/null
err_has "Unrecovered Read Error"
expect 1 "read of the bad LBA, JSON" "$NVIO" read "$BAD" -s 2048 -c 1 -d /dev/null -o json &&
	json_valid && jq_eq "$WORK/out" '.error.status.sct' 2 && jq_eq "$WORK/out" '.error.status.sc' 129
expect 0 "read beside it" "$NVIO" read "$BAD" -s 2047 -c 1 -d /dev/null
expect 1 "write of the bad LBA" "$NVIO" write "$BAD" -s 4096 -c 1 --pattern 0 --force
err_has "Write Fault"
# 16 LBAs around the bad one, one at a time: every read of 2048 fails
expect 1 "lat over the bad LBA" "$NVIO" lat "$BAD" --range 2040:16 --bs 512 --qd 4 --count 400 --mode irq -o json
if json_valid; then
	jq_eq "$WORK/out" '.nvme_errors.total > 0' true
	jq_eq "$WORK/out" '[.nvme_errors.by_status[] | select(.sc == 129)] | length' 1
	jq_eq "$WORK/out" '.ios + .nvme_errors.total' 400
	echo "$ME: lat over the bad LBA: $(jq -c '{ios, errors: .nvme_errors.total}' "$WORK/out")"
fi
# A soak over both bad LBAs: the failed writes and reads are counted,
# the unit that could not be written is not held against the device, and
# the soak fails (exit 1) naming the first failure.
expect 1 "soak over the bad LBAs" "$NVIO" soak "$BAD" --size 4M --bytes 32M -j 1 --qd 4 --force -o json
if json_valid; then
	jq_eq "$WORK/out" '.write.write_errors > 0' true
	jq_eq "$WORK/out" '.verify.read_errors' 1
	jq_eq "$WORK/out" '.verify.mismatch + .write.mismatches' 0
	jq_eq "$WORK/out" '.result' fail
	jq_eq "$WORK/out" '.first_error | test("Write Fault|Unrecovered Read Error")' true
	echo "$ME: soak: $(jq -c '{write: .write | {writes, write_errors, read_errors}, verify: .verify | {units, intact, uncertain, read_errors}}' "$WORK/out")"
fi
finish
