#!/bin/bash
# cli-safety.sh - nvio refuses write, write-zeroes, trim, set-feature and
# writing passthrough commands on a namespace that holds a filesystem,
# partition table or swap signature, or is mounted or in use, unless
# --force is given; reads and compares never need it.
# Runs in the VM: tests/vm/nvme-vm --topology basic -- tests/cli/device/cli-safety.sh
. "$(dirname "$0")/lib.sh"
require_device
command -v mkfs.ext4 >/dev/null || skip "mkfs.ext4 (e2fsprogs) is needed"

LBS=$(cat "/sys/block/$(basename "$BLK")/queue/logical_block_size")
WIPE=$(( 2 * 1024 * 1024 / LBS ))

wipe() {
	"$NVIO" write-zeroes "$DEV" -s 0 -c "$WIPE" --force >/dev/null 2>&1 ||
		dd if=/dev/zero of="$BLK" bs=1M count=2 oflag=direct status=none
	blockdev --rereadpt "$BLK" 2>/dev/null
}

# refused WHAT REGEX: every data-changing command is refused, nothing sent.
refused() {
	local what=$1 re=$2
	"$NVIO" read "$DEV" -s 3000 -c 1 >"$WORK/before" 2>/dev/null
	expect 2 "write on $what" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0xee
	err_has "refusing to write: .*$re.*--force"
	expect 2 "write-zeroes on $what" "$NVIO" write-zeroes "$DEV" -s 3000 -c 1
	err_has "refusing"
	expect 2 "trim on $what" "$NVIO" trim "$DEV" -s 3000 -c 1
	err_has "refusing"
	expect 2 "set-feature on $what" "$NVIO" set-feature "$DEV" -f 6 -v 1
	err_has "refusing"
	expect 2 "io-passthru write on $what" "$NVIO" io-passthru "$DEV" --opcode 1 \
		--cdw10 3000 --data-len "$LBS" -d "$WORK/before"
	err_has "refusing"
	expect 2 "write json on $what" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0xee -o json &&
		json_valid
	jq_eq "$WORK/out" '.error.exit_code' 2
	"$NVIO" read "$DEV" -s 3000 -c 1 >"$WORK/after" 2>/dev/null
	cmp -s "$WORK/before" "$WORK/after" && ok || fail "a refused write changed LBA 3000 ($what)"
	expect 0 "read on $what" "$NVIO" read "$DEV" -s 0 -c 8
	expect 0 "compare on $what" "$NVIO" compare "$DEV" -s 3000 -c 1 -d "$WORK/before"
}

# ---- a clean namespace needs no --force
wipe
expect 0 "write on a clean namespace" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0x11
expect 0 "trim on a clean namespace" "$NVIO" trim "$DEV" -s 3000 -c 1

# ---- ext4 on the whole namespace
mkfs.ext4 -q -F "$BLK" >/dev/null 2>&1 || fail "mkfs.ext4 failed"
refused "ext4" "ext2/ext3/ext4 filesystem"
expect 0 "write --force on ext4" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0xee --force
[ "$("$NVIO" read "$DEV" -s 3000 -c 1 | od -An -v -tx1 | tr -s ' \n' '\n\n' | sort -u | grep -v '^$')" = ee ] &&
	ok || fail "--force write did not land"
if mkdir -p /tmp/mnt && mount -t ext4 "$BLK" /tmp/mnt 2>/dev/null; then
	expect 2 "write while mounted" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0
	err_has "is mounted on /tmp/mnt"
	umount /tmp/mnt
else
	echo "$ME: note: ext4 cannot be mounted in this guest; mount refusal not tested"
fi

# ---- swap signature (and active swap, where swapon works)
wipe
if command -v mkswap >/dev/null; then
	mkswap "$BLK" >/dev/null 2>&1
	refused "swap" "swap area"
	if swapon "$BLK" 2>/dev/null; then
		expect 2 "write on active swap" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0
		err_has "active swap area"
		swapoff "$BLK"
	fi
fi

# ---- partition tables, and a partition given as the device
# The tables are written by hand (sfdisk may be missing): a DOS/MBR table
# with one Linux partition at LBA 2048, and a GPT header at LBA 1.
mbr() {
	python3 - "$1" "$LBS" <<'PY'
import struct, sys
lbs = int(sys.argv[2])
sect = bytearray(512)
count = (16 * 1024 * 1024) // lbs
start = (1024 * 1024) // lbs
sect[446:462] = bytes([0, 0, 2, 0, 0x83, 0, 0, 0]) + struct.pack("<II", start, count)
sect[510:512] = b"\x55\xaa"
open(sys.argv[1], "wb").write(bytes(sect) + bytes(lbs - 512 if lbs > 512 else 0))
PY
}
wipe
mbr "$WORK/mbr"
dd if="$WORK/mbr" of="$BLK" bs="$LBS" count=1 oflag=direct conv=notrunc status=none
blockdev --rereadpt "$BLK" 2>/dev/null
refused "mbr" "DOS/MBR partition table"
PART=${BLK}p1
for _ in 1 2 3 4 5; do [ -b "$PART" ] && break; sleep 1; done
if [ -b "$PART" ]; then
	expect 3 "partition as device" "$NVIO" read "$PART" -c 1
	err_has "a partition, not a namespace"
	expect 3 "partition as device json" "$NVIO" read "$PART" -c 1 -o json && json_valid
	jq_eq "$WORK/out" '.error.errno_name' ENOTBLK
	if command -v mkswap >/dev/null && mkswap "$PART" >/dev/null 2>&1 &&
	   swapon "$PART" 2>/dev/null; then
		expect 2 "write with a partition in swap use" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0
		err_has "p1 is an active swap area"
		expect 2 "trim with a partition in swap use json" "$NVIO" trim "$DEV" -s 3000 -c 1 -o json &&
			json_valid
		swapoff "$PART"
	else
		echo "$ME: note: swapon on $PART failed; in-use partition not tested"
	fi
else
	echo "$ME: note: the kernel made no $PART; partition checks skipped"
fi
wipe
python3 -c "import sys; sys.stdout.buffer.write(bytes(512) + b'EFI PART' + bytes(504))" >"$WORK/gpt"
dd if="$WORK/gpt" of="$BLK" bs=1024 count=1 oflag=direct conv=notrunc status=none
refused "gpt" "GPT partition table"
if mkfs_xfs=$(command -v mkfs.xfs); then
	wipe
	"$mkfs_xfs" -q -f "$BLK" >/dev/null 2>&1 && refused "xfs" "XFS filesystem"
fi

wipe
expect 0 "write after wipe" "$NVIO" write "$DEV" -s 3000 -c 1 --pattern 0
finish
