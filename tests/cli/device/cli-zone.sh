#!/bin/bash
# cli-zone.sh - nvio zone on the zns topology: report (its JSON the same
# as nvme-cli's zns report-zones, key for key, where nvme-cli is
# installed), open, close, finish, reset with -s and --select-all, and
# append, which prints the LBA the device wrote at; zone actions on an
# LBA that does not start a zone, appends above ZASL and zone commands
# on a conventional namespace are refused with nothing sent.
#   tests/vm/nvme-vm --topology zns -- tests/cli/device/cli-zone.sh
Z=${NVIO_ZNS_DEV:-}
if [ -n "$Z" ] && [ -z "${NVIO_TEST_DEV:-}" ]; then
	x=${Z#/dev/ng}
	export NVIO_TEST_DEV=$Z NVIO_TEST_BLK=/dev/nvme$x NVIO_TEST_CTRL=/dev/nvme${x%%n*}
fi
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"
[ -n "$Z" ] || skip "no zoned namespace (NVIO_ZNS_DEV): run on the zns topology"

zsze=$(($("$NVIO" zone report "$Z" -d 2 -o json | jq -r '.zone_list[1].slba')))
[ "$zsze" -gt 0 ] && ok || fail "zone size from the report: $zsze"
expect 0 "reset all" "$NVIO" zone reset "$Z" --select-all --force
expect 0 "report" "$NVIO" zone report "$Z" -o json && json_valid
nr=$(jq -r .nr_zones "$WORK/out")
jq_eq "$WORK/out" '.zone_list | length' "$nr"
jq_eq "$WORK/out" '[.zone_list[] | select(.state == "EMPTY")] | length' "$nr"
jq_eq "$WORK/out" '.zone_list[0].type' SEQWRITE_REQ

# append twice: the device picks the LBAs, one after the other
expect 0 "append 8 LBAs" "$NVIO" zone append "$Z" -s "$zsze" -c 8 --pattern 0x5a --force -o json &&
	jq_eq "$WORK/out" .lba "$zsze"
expect 0 "append again" "$NVIO" zone append "$Z" -s "$zsze" -c 8 --pattern 0xa5 --force
grep -q "written at LBA $((zsze + 8))" "$WORK/out" && ok || fail "second append: $(cat "$WORK/out")"
expect 0 "read what was appended" "$NVIO" read "$Z" -s $((zsze + 8)) -c 1 -d "$WORK/r"
[ "$(od -An -tx1 -N1 "$WORK/r" | tr -d ' ')" = a5 ] && ok || fail "appended data"
expect 0 "report from zone 1" "$NVIO" zone report "$Z" -s "$zsze" -d 1 -o json &&
	jq_eq "$WORK/out" '.zone_list[0].wp' $((zsze + 16)) &&
	jq_eq "$WORK/out" '.zone_list[0].state' IMP_OPENED

# the actions, each seen in the report
expect 0 "close" "$NVIO" zone close "$Z" -s "$zsze"
expect 0 "report closed" "$NVIO" zone report "$Z" -S closed -o json &&
	jq_eq "$WORK/out" '.zone_list[0].slba' "$zsze"
expect 0 "open zone 2" "$NVIO" zone open "$Z" -s $((2 * zsze))
expect 0 "finish zone 3" "$NVIO" zone finish "$Z" -s $((3 * zsze))
expect 0 "report 3 zones from zone 1" "$NVIO" zone report "$Z" -s "$zsze" -d 3 -o json &&
	jq_eq "$WORK/out" '[.zone_list[].state] | join(",")' "CLOSED,EXP_OPENED,FULL"
expect 0 "partial report" "$NVIO" zone report "$Z" -d 2 -p -o json &&
	jq_eq "$WORK/out" .nr_zones 2

# nvme-cli's JSON, key for key and value for value
if command -v nvme >/dev/null; then
	if nvme zns report-zones "$Z" -o json > "$WORK/theirs" 2>"$WORK/theirs.err"; then
		"$NVIO" zone report "$Z" -o json > "$WORK/ours"
		if [ "$(jq -cS . "$WORK/theirs")" = "$(jq -cS . "$WORK/ours")" ]; then
			ok
		else
			fail "report differs from nvme-cli's: $(jq -cS '.zone_list[0:2]' "$WORK/theirs") vs $(jq -cS '.zone_list[0:2]' "$WORK/ours"); keys $(jq -cS 'keys' "$WORK/theirs") vs $(jq -cS 'keys' "$WORK/ours")"
		fi
	else
		echo "$ME: nvme zns report-zones failed here: $(head -c 200 "$WORK/theirs.err")"
	fi
else
	echo "$ME: nvme-cli not installed: no cross-check"
fi

# the zoned command set's Identify: what the report and info say, and
# nvme-cli's zns id-ns and id-ctrl JSON key for key
expect 0 "zone id-ns" "$NVIO" zone id-ns "$Z" -o json &&
	jq_eq "$WORK/out" '.lbafe[0].zsze' "$zsze" && jq_eq "$WORK/out" .mor 7
expect 0 "zone id-ctrl" "$NVIO" zone id-ctrl "$Z" -o json && jq_eq "$WORK/out" '.zasl | type' number
expect 0 "zone id-ns -b" "$NVIO" zone id-ns "$Z" -b
[ "$(stat -c %s "$WORK/out")" = 4096 ] && ok || fail "zone id-ns -b: $(stat -c %s "$WORK/out") bytes"
if command -v nvme >/dev/null; then
	for sub in id-ns id-ctrl; do
		if nvme zns "$sub" "$Z" -o json > "$WORK/theirs" 2>"$WORK/theirs.err"; then
			"$NVIO" zone "$sub" "$Z" -o json > "$WORK/ours"
			[ "$(jq -cS . "$WORK/theirs")" = "$(jq -cS . "$WORK/ours")" ] && ok ||
				fail "zone $sub differs from nvme-cli's: $(jq -cS . "$WORK/theirs" | head -c 300) vs $(jq -cS . "$WORK/ours" | head -c 300)"
		else
			echo "$ME: nvme zns $sub failed here: $(head -c 200 "$WORK/theirs.err")"
		fi
	done
fi

# refused, nothing sent
expect 2 "an action off a zone start" "$NVIO" zone reset "$Z" -s $((zsze + 1)) --force
err_has "does not start a zone"
expect 2 "an append off a zone start" "$NVIO" zone append "$Z" -s 5 -c 1 --pattern 0 --force
err_has "does not start a zone"
zasl=$("$NVIO" zone append "$Z" -s 0 -c 65536 --pattern 0 --force 2>&1 >/dev/null)
grep -q "ZASL" <<<"$zasl" && ok || fail "an append above ZASL: $zasl"
expect 2 "neither -s nor -a" "$NVIO" zone open "$Z"
expect 2 "both -s and -a" "$NVIO" zone open "$Z" -s 0 -a
expect 0 "zone 1 unchanged by the refusals" "$NVIO" zone report "$Z" -s "$zsze" -d 1 -o json &&
	jq_eq "$WORK/out" '.zone_list[0].wp' $((zsze + 16))
conv=${NVIO_DEVS%% *}
if [ -n "$conv" ] && [ "$conv" != "$Z" ]; then
	expect 2 "report on a conventional namespace" "$NVIO" zone report "$conv"
	err_has "not a zoned namespace"
	expect 2 "zone id-ns on a conventional namespace" "$NVIO" zone id-ns "$conv"
	err_has "not zoned"
	expect 2 "append on a conventional namespace" "$NVIO" zone append "$conv" -s 0 -c 1 --pattern 0 --force
	err_has "not a zoned namespace"
fi
# nvio lat on the zoned namespace: random writes refused, appends and
# in-order writes run without an error over the first 4 zones, and what
# the zones hold afterwards is what was written less what was reset: each
# reset zone was full (cap / 128 commands of 64 KiB), and no zone outside
# the range was touched.
lat_zoned() { # MODE QD THREADS COUNT [LAT OPTIONS]
	local cap written m=$1 q=$2 j=$3 n=$4
	shift 4
	expect 0 "reset all before lat --zoned $m" "$NVIO" zone reset "$Z" --all --force
	set -- "$m" "$q" "$j" "$n" "$@"
	expect 0 "lat --zoned $m -q $q -j $j $*" "$NVIO" lat "$Z" -w write --zoned "$m" \
		-q "$q" -j "$j" -c "$n" -b 64k -r "0:$((4 * zsze))" --force -o json "${@:5}" || return
	jq_eq "$WORK/out" .ios "$4"
	jq_eq "$WORK/out" .nvme_errors.total 0
	jq_eq "$WORK/out" .config.zoned "$1"
	resets=$(jq -r .zone_resets "$WORK/out")
	[ "$resets" -gt 0 ] && ok || fail "lat --zoned $1: no zone was filled and reset ($resets)"
	expect 0 "report after lat --zoned $1" "$NVIO" zone report "$Z" -d 5 -o json || return
	cap=$(jq -r '.zone_list[0].cap' "$WORK/out")
	written=$(jq '[.zone_list[0:4][] | if .state == "FULL" then .cap else .wp - .slba end] | add / 128' "$WORK/out")
	[ "$written" = $(($4 - resets * cap / 128)) ] && ok ||
		fail "lat --zoned $1: zones hold $written commands, $4 written less $resets reset zones of $((cap / 128)) makes $(($4 - resets * cap / 128))"
	jq_eq "$WORK/out" '.zone_list[4].state' EMPTY
}
lat_zoned write 4 1 1500
lat_zoned append 8 2 1500
# open loop: a writer with no room must not hold back the others
lat_zoned write 4 1 1000 --rate 50000
expect 2 "lat random writes to zones" "$NVIO" lat "$Z" -w write -c 10 --force
err_has "zoned namespace.*--zoned"
expect 2 "lat --zoned write, more zones than --range" "$NVIO" lat "$Z" -w write --zoned write \
	-q 8 -c 10 -r "0:$((4 * zsze))" --force
err_has "needs a zone for each command in flight"
expect 2 "lat --zoned, --range not whole zones" "$NVIO" lat "$Z" -w write --zoned append \
	-c 10 -r "8:$zsze" --force
err_has "not whole zones"
if [ -n "$conv" ] && [ "$conv" != "$Z" ]; then
	expect 2 "lat --zoned on a conventional namespace" "$NVIO" lat "$conv" -w write --zoned append -c 10 --force
	err_has "not a zoned namespace"
fi
expect 0 "sweep over reads and zoned appends" "$NVIO" sweep "$Z" -w read,write --zoned append \
	-q 1,4 -t 300ms -W 0 -r "0:$((4 * zsze))" --force -o json &&
	jq_eq "$WORK/out" '[.points[] | .nvme_errors.total] | add' 0

expect 0 "reset all at the end (--all)" "$NVIO" zone reset "$Z" --all --force
finish
