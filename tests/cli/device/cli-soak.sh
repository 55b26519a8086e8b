#!/bin/bash
# cli-soak.sh - nvio soak on a real namespace: a short soak passes with
# counts that add up, --check agrees with the run's own final read, a
# zeroed unit is found and named, SIGINT ends the soak within seconds
# with its counts, and bad options and journals are refused. Runs in the
# VM as root:  tests/vm/nvme-vm -- tests/cli/device/cli-soak.sh
# (The kill-and-reboot soak is tests/vm/soak-kill, run from the host.)
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"
J=$WORK/journal
LBS=$(cat "/sys/block/$(basename "$BLK")/queue/logical_block_size")

expect 0 "short soak" "$NVIO" soak "$DEV" --size 8M --bytes 24M -j 2 --qd 8 \
	--flush-ms 100 --journal "$J" --force -o json
if json_valid; then
	cp "$WORK/out" "$WORK/soak.json"
	echo "$ME: soak: $(jq -c '{write: .write | {writes, bytes_written, read_backs, flushes}, verify: .verify | {units, intact, not_covered}}' "$WORK/out")"
	jq_eq "$WORK/out" '.result' pass
	jq_eq "$WORK/out" '.units' 2048
	jq_eq "$WORK/out" '.write.bytes_written == .write.writes * 4096' true
	jq_eq "$WORK/out" '.write.bytes_written >= 25165824' true
	jq_eq "$WORK/out" '.write.read_backs > 0' true
	jq_eq "$WORK/out" '.write.flushes >= 2' true
	jq_eq "$WORK/out" '.verify.units' 2048
	jq_eq "$WORK/out" '.verify.intact + .verify.not_covered' 2048
	jq_eq "$WORK/out" '.verify.mismatch + .write.mismatches' 0
fi
[ -s "$J" ] && ok || fail "no journal written"

expect 0 "check against the journal" "$NVIO" soak "$DEV" --check --journal "$J" -o json
if json_valid; then
	jq_eq "$WORK/out" '.journal.complete' true
	jq_eq "$WORK/out" '.check.intact' "$(jq .verify.intact "$WORK/soak.json")"
	jq_eq "$WORK/out" '.check.newer' 0
	jq_eq "$WORK/out" '.check.mismatch' 0
fi

# A unit the journal covers, zeroed: found and named. The first one with
# a generation: journal header size at byte 12, generations after it.
hdr=$(od -An -tu4 -j 12 -N 4 "$J" | tr -d ' ')
u=0
while [ "$(od -An -tu4 -j $((hdr + 4 * u)) -N 4 "$J" | tr -d ' ')" = 0 ]; do u=$((u + 1)); done
lba=$((u * 4096 / LBS))
expect 0 "zero one unit" "$NVIO" write "$DEV" -s "$lba" -c $((4096 / LBS)) --pattern 0 --force
expect 1 "check after the damage" "$NVIO" soak "$DEV" --check --journal "$J"
grep -q "^mismatch: LBA $lba: no soak header" "$WORK/out" && ok ||
	fail "the zeroed unit (LBA $lba) is not named: $(grep mismatch "$WORK/out")"
grep -q "^result: FAIL (1 mismatches" "$WORK/out" && ok || fail "not exactly one mismatch"

# SIGINT: the soak stops writing, flushes, journals, says so, exit 0.
"$NVIO" soak "$DEV" --size 8M --time 120 --journal "$J" --force >"$WORK/int" 2>&1 &
pid=$!
sleep 2
t0=$(date +%s.%N)
kill -INT $pid
wait $pid
rc=$?
t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "$ME: SIGINT: exit $rc after $t s: $(grep '^write:' "$WORK/int")"
[ $rc = 0 ] && ok || fail "soak after SIGINT: exit $rc"
awk -v t="$t" 'BEGIN { exit !(t < 5) }' && ok || fail "soak took $t s to end after SIGINT"
grep -q "interrupted: the final read of the region was skipped" "$WORK/int" && ok || fail "no word of the interruption"
expect 0 "check after the interrupted soak" "$NVIO" soak "$DEV" --check --journal "$J"

# Refused before anything is written.
expect 2 "bs not a multiple of the LBA size" "$NVIO" soak "$DEV" --bs $((LBS + LBS / 2)) --force
err_has "not a multiple of the LBA size"
expect 2 "region past the end" "$NVIO" soak "$DEV" --size 1T --force
err_has "pass the namespace's end"
expect 2 "start past the end" "$NVIO" soak "$DEV" -s 99999999999 --force
err_has "past the namespace's end"
printf 'not a journal' > "$WORK/bad"
expect 2 "a file that is no journal" "$NVIO" soak "$DEV" --check --journal "$WORK/bad"
err_has "not a soak journal"
expect 3 "a journal that is not there" "$NVIO" soak "$DEV" --check --journal "$WORK/none"
err_has "no such file"
finish
