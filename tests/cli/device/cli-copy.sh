#!/bin/bash
# cli-copy.sh - nvio copy and nvio write-uncor on the basic topology:
# ranges copied inside the drive land at the destination in order; the
# namespace's Copy limits (MSSRL, MCL, MSRC) and its size are checked
# before anything is sent; Write Uncorrectable, which QEMU's controller
# does not have (ONCS), is refused by name.
#   tests/vm/nvme-vm --topology basic -- tests/cli/device/cli-copy.sh
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"

head -c 4096 /dev/urandom > "$WORK/a"
head -c 8192 /dev/urandom > "$WORK/b"
cat "$WORK/a" "$WORK/b" > "$WORK/ab"
expect 0 "write range a" "$NVIO" write "$DEV" -s 1000 -c 8 -d "$WORK/a" --force
expect 0 "write range b" "$NVIO" write "$DEV" -s 2000 -c 16 -d "$WORK/b" --force
expect 0 "copy two ranges" "$NVIO" copy "$DEV" --sdlba 3000 --range 1000:8 --range 2000:16 --force -o json &&
	json_valid && jq_eq "$WORK/out" '.nlb' 24 && jq_eq "$WORK/out" '.ranges[1].slba' 2000
expect 0 "read the destination" "$NVIO" read "$DEV" -s 3000 -c 24 -d "$WORK/r"
cmp -s "$WORK/ab" "$WORK/r" && ok || fail "copied data differs from the sources"

mssrl=$("$NVIO" id-ns "$DEV" -o json | jq -r .mssrl)
nsze=$("$NVIO" id-ns "$DEV" -o json | jq -r .nsze)
expect 2 "a range past MSSRL ($mssrl)" "$NVIO" copy "$DEV" --sdlba 3000 --range "1000:$((mssrl + 1))" --force
err_has "MSSRL"
expect 2 "a destination past the end" "$NVIO" copy "$DEV" --sdlba "$((nsze - 4))" --range 1000:8 --force
err_has "past the end"
expect 2 "a source past the end" "$NVIO" copy "$DEV" --sdlba 3000 --range "$((nsze - 4)):8" --force
err_has "past the end"
expect 0 "the destination is unchanged" "$NVIO" read "$DEV" -s 3000 -c 24 -d "$WORK/r"
cmp -s "$WORK/ab" "$WORK/r" && ok || fail "a refused copy changed the destination"

oncs=$("$NVIO" id-ctrl "$DEV" -o json | jq -r .oncs)
if [ $((oncs & 2)) = 0 ]; then
	expect 2 "write-uncor without the command" "$NVIO" write-uncor "$DEV" -s 4000 -c 1 --force
	err_has "no Write Uncorrectable"
else
	expect 0 "write-uncor" "$NVIO" write-uncor "$DEV" -s 4000 -c 1 --force
	expect 1 "reading an uncorrectable LBA" "$NVIO" read "$DEV" -s 4000 -c 1 -d /dev/null
fi
finish
