#!/bin/bash
# cli-md.sh - nvio read, write, compare and verify with metadata and
# protection information on the md topology: --metadata FILE moves the
# separate metadata; --prinfo, --ref-tag, --app-tag and --app-tag-mask
# reach the controller, whose checks fail by name; --pi has nvio make the
# PI of what it writes and check the PI of what it reads, naming the
# first bad LBA; the 64-bit guard's 48-bit reference tag (nsid 3, where
# QEMU has pif=2); and every bad option is refused with nothing sent.
#   tests/vm/nvme-vm --topology md -- tests/cli/device/cli-md.sh
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"
MD=${NVIO_MD_DEV:-}
EXT=${NVIO_MDEXT_DEV:-}
PI64=${NVIO_MD64_DEV:-}
[ -n "$MD" ] && [ -c "$MD" ] || skip "no separate-metadata namespace (NVIO_MD_DEV): run on the md topology"

# the data of 8 LBAs of 512 bytes, and a copy with one byte changed in
# the third LBA
head -c 4096 /dev/urandom > "$WORK/d"
cp "$WORK/d" "$WORK/bad"
printf '\x5a' | dd of="$WORK/bad" bs=1 seek=$((2 * 512 + 100)) conv=notrunc status=none
nochange() { # DEV SLBA FILE WHAT: the 8 LBAs still hold FILE
	local extra=()
	[ "$1" = "$PI64" ] || [ "$1" = "$MD" ] && extra=(--prinfo 8)
	if "$NVIO" read "$1" -s "$2" -c 8 -d "$WORK/now" "${extra[@]}" >/dev/null 2>&1 &&
		cmp -s "$WORK/now" "$3"; then ok; else fail "$4: the LBAs changed"; fi
}

sep_ns() { # DEV GUARD
	local dev=$1 guard=$2 ms s=64
	echo "$ME: $dev: separate metadata, ${guard}-bit guard"
	# nvio makes the PI; the controller checks it (guard, app, ref)
	expect 0 "$dev: write --pi, checked by the controller" \
		"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/d" --pi --prinfo 7 --app-tag 0x1234 &&
		grep -q "PI made by nvio" "$WORK/out" && ok
	expect 0 "$dev: read with --metadata, checked by the controller" \
		"$NVIO" read "$dev" -s $s -c 8 -d "$WORK/r" -M "$WORK/m" --prinfo 7 --app-tag 0x1234
	cmp -s "$WORK/d" "$WORK/r" && ok || fail "$dev: data read back differs"
	ms=$(($(stat -c %s "$WORK/m") / 8))
	[ "$ms" = $((guard == 64 ? 16 : 8)) ] && ok || fail "$dev: metadata file has $ms bytes per LBA"
	expect 0 "$dev: read --pi" "$NVIO" read "$dev" -s $s -c 8 -d /dev/null --pi --app-tag 0x1234 &&
		grep -q "PI checked by nvio" "$WORK/out" && ok
	expect 0 "$dev: read --pi -o json" "$NVIO" read "$dev" -s $s -c 8 -d /dev/null --pi -o json &&
		json_valid && jq_eq "$WORK/out" '.metadata_bytes' $((8 * ms)) &&
		jq_eq "$WORK/out" '.pi' checked
	# the metadata from a file goes with the data
	expect 0 "$dev: write with --metadata FILE" \
		"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/d" -M "$WORK/m" --prinfo 7 --app-tag 0x1234 \
		--metadata-size $((8 * ms))
	expect 0 "$dev: compare with --metadata FILE" \
		"$NVIO" compare "$dev" -s $s -c 8 -d "$WORK/d" -M "$WORK/m"
	expect 0 "$dev: verify --prinfo 7" "$NVIO" verify "$dev" -s $s -c 8 --prinfo 7 --app-tag 0x1234

	# a data byte changed under good PI: the controller's guard check
	expect 1 "$dev: corrupt data, guard checked by the controller" \
		"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" -M "$WORK/m" --prinfo 4
	err_has "Guard Check Error"
	nochange "$dev" $s "$WORK/d" "$dev: a write the controller failed"
	# written unchecked, then found: by nvio (naming the LBA), by the
	# controller on a read and on a verify
	expect 0 "$dev: corrupt data written without checks" \
		"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" -M "$WORK/m" --prinfo 0
	expect 1 "$dev: read --pi finds the bad LBA" "$NVIO" read "$dev" -s $s -c 8 -d /dev/null --pi
	err_has "LBA $((s + 2))"
	err_has "Guard Check Error"
	expect 1 "$dev: read with the controller's guard check" \
		"$NVIO" read "$dev" -s $s -c 8 -d /dev/null -M /dev/null --prinfo 4
	err_has "Guard Check Error"
	expect 1 "$dev: verify with the controller's guard check" \
		"$NVIO" verify "$dev" -s $s -c 8 --prinfo 4
	err_has "Guard Check Error"

	# application tag: another one fails, unless the mask leaves it out
	expect 0 "$dev: write --pi --app-tag" "$NVIO" write "$dev" -s $s -c 8 -d "$WORK/d" --pi --app-tag 0x1234
	expect 1 "$dev: read, another application tag" \
		"$NVIO" read "$dev" -s $s -c 8 -d /dev/null -M /dev/null --prinfo 2 --app-tag 0x4321
	err_has "Application Tag Check Error"
	expect 0 "$dev: read, the mask leaves the differing bits out" \
		"$NVIO" read "$dev" -s $s -c 8 -d /dev/null -M /dev/null --prinfo 2 --app-tag 0x1200 --app-tag-mask 0xff00
	expect 1 "$dev: read --pi, another application tag" \
		"$NVIO" read "$dev" -s $s -c 8 -d /dev/null --pi --app-tag 0x4321
	err_has "Application Tag"

	# PRACT: the controller makes and strips the PI, nvio checks it
	expect 0 "$dev: write with PRACT" "$NVIO" write "$dev" -s $s -c 8 -d "$WORK/d" --prinfo 15
	expect 0 "$dev: read with PRACT" "$NVIO" read "$dev" -s $s -c 8 -d "$WORK/r" --prinfo 8
	cmp -s "$WORK/d" "$WORK/r" && ok || fail "$dev: data with PRACT differs"
	expect 0 "$dev: read --pi of the controller's PI" "$NVIO" read "$dev" -s $s -c 8 -d /dev/null --pi

	# refused before anything is sent
	expect 2 "$dev: read without --metadata" "$NVIO" read "$dev" -s $s -c 8 -d /dev/null
	err_has "separate metadata"
	expect 2 "$dev: --metadata-size does not match" \
		"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" -M "$WORK/m" --metadata-size $((8 * ms - 1))
	err_has "does not match"
	head -c $((4 * ms)) "$WORK/m" > "$WORK/short"
	expect 2 "$dev: metadata file too short" \
		"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" -M "$WORK/short"
	err_has "short.*$((4 * ms)) bytes"
	expect 2 "$dev: --pi with PRACT" "$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" --pi --prinfo 8
	err_has "give one"
	expect 2 "$dev: --metadata with PRACT" \
		"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" -M "$WORK/m" --prinfo 8
	err_has "no metadata moves"
	expect 2 "$dev: --prinfo 16" "$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" --pi --prinfo 16
	expect 3 "$dev: --metadata FILE missing" "$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" -M "$WORK/none"
	err_has "cannot open metadata file .*none"
	if [ "$guard" = 16 ]; then
		expect 2 "$dev: a 33-bit reference tag" \
			"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" --pi --ref-tag 0x100000000
		err_has "32 bits"
	else
		expect 2 "$dev: a 49-bit reference tag" \
			"$NVIO" write "$dev" -s $s -c 8 -d "$WORK/bad" --pi --ref-tag 0x1000000000000
	fi
	nochange "$dev" $s "$WORK/d" "$dev: refused writes"
}

sep_ns "$MD" 16
# type 1 checks the LBA: another reference tag fails by name (QEMU
# refuses the command itself: the tag is not the LBA's, which it can
# tell without reading)
expect 0 "$MD: write --pi" "$NVIO" write "$MD" -s 64 -c 8 -d "$WORK/d" --pi
expect 1 "$MD: read, a reference tag that is not the LBA" \
	"$NVIO" read "$MD" -s 64 -c 8 -d /dev/null -M /dev/null --prinfo 1 --ref-tag 5
err_has "Reference Tag Check Error|Invalid Protection Information"

if [ -n "$PI64" ] && [ -c "$PI64" ]; then
	sep_ns "$PI64" 64
	# type 2 with a 48-bit initial reference tag: its upper 16 bits
	# reach the controller (CDW3) and are checked
	expect 0 "$PI64: write --pi, 48-bit reference tag" \
		"$NVIO" write "$PI64" -s 64 -c 8 -d "$WORK/d" --pi --prinfo 7 --ref-tag 0xabcd00000040
	expect 0 "$PI64: read, the same tag" \
		"$NVIO" read "$PI64" -s 64 -c 8 -d /dev/null -M /dev/null --prinfo 1 --ref-tag 0xabcd00000040
	expect 1 "$PI64: read, bit 40 differs" \
		"$NVIO" read "$PI64" -s 64 -c 8 -d /dev/null -M /dev/null --prinfo 1 --ref-tag 0xabcc00000040
	err_has "Reference Tag Check Error"
	expect 0 "$PI64: read --pi, 48-bit tag" \
		"$NVIO" read "$PI64" -s 64 -c 8 -d /dev/null --pi --ref-tag 0xabcd00000040
else
	echo "$ME: no 64-bit guard namespace (NVIO_MD64_DEV): this QEMU has no pif="
fi

if [ -n "$EXT" ] && [ -c "$EXT" ]; then
	# extended LBAs: the metadata is in the data; --pi makes it there
	head -c $((8 * 520)) /dev/urandom > "$WORK/x"
	expect 0 "$EXT: write --pi, checked by the controller" \
		"$NVIO" write "$EXT" -s 64 -c 8 -d "$WORK/x" --pi --prinfo 7
	expect 0 "$EXT: read --pi" "$NVIO" read "$EXT" -s 64 -c 8 -d "$WORK/xr" --pi --prinfo 7
	# each LBA's 512 data bytes come back; its PI is nvio's now
	same=0
	for i in 0 1 2 3 4 5 6 7; do
		cmp -s -i $((i * 520)) -n 512 "$WORK/x" "$WORK/xr" && same=$((same + 1))
	done
	[ $same = 8 ] && ok || fail "$EXT: the data of $((8 - same)) LBAs differs"
	cmp -s "$WORK/x" "$WORK/xr" && fail "$EXT: --pi left the PI bytes as they were"
	expect 0 "$EXT: PRACT moves the data alone" \
		"$NVIO" read "$EXT" -s 64 -c 8 -d "$WORK/xr" --prinfo 8
	[ "$(stat -c %s "$WORK/xr")" = 4096 ] && ok || fail "$EXT: PRACT read gave $(stat -c %s "$WORK/xr") bytes"
	expect 2 "$EXT: --metadata on extended LBAs" \
		"$NVIO" read "$EXT" -s 64 -c 8 -d /dev/null -M "$WORK/m"
	err_has "interleaved"
fi
finish
