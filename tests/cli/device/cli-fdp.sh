#!/bin/bash
# cli-fdp.sh - nvio fdp on the fdp topology (QEMU 10): configs, usage,
# stats, events and status as nvme-cli's fdp plugin prints them (key for
# key, value for value, where nvme-cli is installed); writes placed with
# --dir-type 2 --dir-spec PID land on that id's reclaim unit (its RUAMW
# drops by the LBAs written, the others' do not); update gives a new unit
# and an event; placement ids the namespace does not have, and FDP on a
# controller without it, are refused with nothing sent.
#   tests/vm/nvme-vm --topology fdp -- tests/cli/device/cli-fdp.sh
F=${NVIO_FDP_DEV:-}
if [ -n "$F" ] && [ -z "${NVIO_TEST_DEV:-}" ]; then
	x=${F#/dev/ng}
	export NVIO_TEST_DEV=$F NVIO_TEST_BLK=/dev/nvme$x NVIO_TEST_CTRL=/dev/nvme${x%%n*}
fi
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"
[ -n "$F" ] || skip "no FDP namespace (NVIO_FDP_DEV): run on the fdp topology"

# the RUAMW of placement id $1 (from nvio fdp status)
ruamw() { "$NVIO" fdp status "$F" -o json | jq -r --argjson p "$1" '.ruhss[] | select(.pid == $p) | .ruamw'; }

expect 0 "status" "$NVIO" fdp status "$F" -o json && json_valid
# fdp.ruhs=0-5 with 2 reclaim groups: 12 ids, group 1's from 0x4000
jq_eq "$WORK/out" .nruhsd 12
jq_eq "$WORK/out" '[.ruhss[].pid] | join(",")' "0,16384,1,16385,2,16386,3,16387,4,16388,5,16389"
expect 0 "configs" "$NVIO" fdp configs "$F" -o json &&
	jq_eq "$WORK/out" '.configs[0] | "\(.nrg) \(.nruh) \(.runs)"' "2 8 16777216"
expect 0 "configs on the controller with -e" "$NVIO" fdp configs "$NVIO_TEST_CTRL" -e 1 -o json &&
	jq_eq "$WORK/out" .n 0
expect 0 "configs, text" "$NVIO" fdp configs "$F" -H
grep -q "Reclaim Unit Nominal Size: 16777216" "$WORK/out" && ok || fail "configs text: $(head -c 300 "$WORK/out")"
expect 0 "usage" "$NVIO" fdp usage "$F" -o json &&
	jq_eq "$WORK/out" '[.ruhus[].ruha] | join(",")' "1,1,1,1,1,1,2,0"

# a placed write: 16 LBAs on placement id 16385 (group 1, handle 1)
before=$(ruamw 16385) other=$(ruamw 1)
expect 0 "stats before" "$NVIO" fdp stats "$F" -o json && hbmw=$(jq -r .hbmw "$WORK/out")
expect 0 "write placed on pid 16385" "$NVIO" write "$F" -s 4096 -c 16 --pattern 0x3c \
	--dir-type 2 --dir-spec 16385 --force
[ "$(ruamw 16385)" = $((before - 16)) ] && ok || fail "pid 16385's RUAMW: $(ruamw 16385), expected $((before - 16))"
[ "$(ruamw 1)" = "$other" ] && ok || fail "pid 1's RUAMW moved: $(ruamw 1), was $other"
expect 0 "stats after" "$NVIO" fdp stats "$F" -o json &&
	jq_eq "$WORK/out" .hbmw $((hbmw + 16 * 512))
expect 0 "the placed data reads back" "$NVIO" read "$F" -s 4096 -c 1 -d "$WORK/r"
[ "$(od -An -tx1 -N1 "$WORK/r" | tr -d ' ')" = 3c ] && ok || fail "placed data"

# nvio lat spreads its writes over placement ids, round robin: 300
# writes of 8 LBAs over 3 ids take 800 LBAs from each id's unit, none
# from another's
r0=$(ruamw 0) r1=$(ruamw 1) r4000=$(ruamw 16384) r3=$(ruamw 3)
expect 0 "lat --placement 0,1,16384" "$NVIO" lat "$F" -w write --placement 0,1,16384 \
	-c 300 -b 4k -r 0:65536 --force -o json &&
	jq_eq "$WORK/out" .ios 300 && jq_eq "$WORK/out" '.config.placement | join(",")' "0,1,16384"
[ "$(ruamw 0) $(ruamw 1) $(ruamw 16384) $(ruamw 3)" = "$((r0 - 800)) $((r1 - 800)) $((r4000 - 800)) $r3" ] && ok ||
	fail "lat --placement: RUAMW of 0, 1, 16384, 3 are $(ruamw 0) $(ruamw 1) $(ruamw 16384) $(ruamw 3), expected $((r0 - 800)) $((r1 - 800)) $((r4000 - 800)) $r3"
expect 0 "lat --placement all, 2 threads" "$NVIO" lat "$F" -w mix --placement all -j 2 \
	-c 200 -b 4k -r 0:65536 --force -o json &&
	jq_eq "$WORK/out" '.config.placement | length' 12 && jq_eq "$WORK/out" .nvme_errors.total 0
expect 2 "lat --placement with an id not the namespace's" "$NVIO" lat "$F" -w write \
	--placement 0,6 -c 10 --force
err_has "placement id 6 is not one of"

# update: a new reclaim unit for pid 2, and (host events on for its
# handle, through nvme-cli) a "not fully written" event
if command -v nvme >/dev/null && nvme fdp set-events "$F" -p 2 -e -t 0 >"$WORK/se" 2>&1; then
	"$NVIO" write "$F" -s 8192 -c 8 --pattern 1 --dir-type 2 --dir-spec 2 --force >/dev/null
	expect 0 "update pid 2" "$NVIO" fdp update "$F" -p 2
	grep -q "update: Success" "$WORK/out" && ok || fail "update: $(cat "$WORK/out")"
	[ "$(ruamw 2)" = 32768 ] && ok || fail "pid 2's RUAMW after update: $(ruamw 2)"
	expect 0 "host events" "$NVIO" fdp events "$F" -E -o json &&
		jq_eq "$WORK/out" '[.events[] | select(.pid == 2 and .type == 0)] | length > 0' true
else
	echo "$ME: nvme fdp set-events unavailable: $(head -c 200 "$WORK/se" 2>/dev/null); update checked without events"
	expect 0 "update pid 2" "$NVIO" fdp update "$F" -p 2
fi
expect 0 "controller events (QEMU logs none)" "$NVIO" fdp events "$F" -o json && json_valid

# nvme-cli's JSON, key for key and value for value
if command -v nvme >/dev/null; then
	for sub in "configs -e 1" "usage -e 1" "stats -e 1" "events -e 1 -E" "status"; do
		dev=$F
		# shellcheck disable=SC2086  # the subcommand and its options
		if nvme fdp $sub "$dev" -o json > "$WORK/theirs" 2>"$WORK/theirs.err"; then
			# shellcheck disable=SC2086
			"$NVIO" fdp $sub "$dev" -o json > "$WORK/ours"
			if [ "$(jq -cS . "$WORK/theirs")" = "$(jq -cS . "$WORK/ours")" ]; then
				ok
			else
				fail "fdp $sub differs from nvme-cli's: $(jq -cS . "$WORK/theirs" | head -c 300) vs $(jq -cS . "$WORK/ours" | head -c 300)"
			fi
		else
			echo "$ME: nvme fdp $sub failed here: $(head -c 200 "$WORK/theirs.err")"
		fi
	done
else
	echo "$ME: nvme-cli not installed: no cross-check"
fi

# refused, nothing sent
before=$(ruamw 0)
expect 2 "a placement id the namespace does not have" "$NVIO" write "$F" -s 0 -c 8 \
	--pattern 0 --dir-type 2 --dir-spec 6 --force
err_has "placement id 6 is not one of"
[ "$(ruamw 0)" = "$before" ] && ok || fail "pid 0's RUAMW moved after a refused write: $(ruamw 0), was $before"
expect 2 "--dir-spec without --dir-type" "$NVIO" write "$F" -s 0 -c 8 --pattern 0 --dir-spec 1 --force
err_has "needs --dir-type"
expect 2 "--dir-type 16" "$NVIO" write "$F" -s 0 -c 8 --pattern 0 --dir-type 16 --dir-spec 1 --force
expect 2 "update with an id not the namespace's" "$NVIO" fdp update "$F" -p 1,7
err_has "placement id 7 is not one of"
expect 2 "update without ids" "$NVIO" fdp update "$F"
expect 2 "-e 0" "$NVIO" fdp stats "$F" -e 0
expect 2 "-b with -o json" "$NVIO" fdp status "$F" -b -o json
if [ -n "${NVIO_NOFDP_DEV:-}" ]; then
	x=${NVIO_NOFDP_DEV#/dev/ng}
	expect 2 "placement on a namespace without FDP" "$NVIO" write "$NVIO_NOFDP_DEV" -s 0 -c 8 \
		--pattern 0 --dir-type 2 --dir-spec 0 --force
	err_has "no flexible data placement"
	expect 2 "configs on a controller without FDP" "$NVIO" fdp configs "/dev/nvme${x%%n*}" -e 1
	err_has "no flexible data placement"
	expect 2 "status on a namespace without FDP" "$NVIO" fdp status "$NVIO_NOFDP_DEV"
	err_has "no flexible data placement"
fi
if [ -n "${NVIO_FDP2_DEV:-}" ]; then
	# the controller's default handle: one id per reclaim group
	expect 0 "status of the namespace on the default handle" "$NVIO" fdp status "$NVIO_FDP2_DEV" -o json &&
		jq_eq "$WORK/out" '[.ruhss[].ruhid] | unique | join(",")' 6
fi
finish
