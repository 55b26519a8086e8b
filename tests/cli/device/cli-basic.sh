#!/bin/bash
# cli-basic.sh - every nvio command on an emulated namespace, every bad
# input nvio must refuse, JSON on every command, identify and log pages
# against nvme-cli, and data written by nvio read back with dd.
# Runs in the VM: tests/vm/nvme-vm --topology basic -- tests/cli/device/cli-basic.sh
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed to compare JSON"

LBS=$(cat "/sys/block/$(basename "$BLK")/queue/logical_block_size")
NSZE=$(( $(cat "/sys/block/$(basename "$BLK")/size") * 512 / LBS ))

# NVIO_CLI_LBA_ONLY=1 (the 4k topology) runs only what depends on the
# LBA size, leaving help, option parsing, permissions and the JSON sweep
# to the run on the basic topology: under TCG each nvio run costs ~0.5 s.
full() { [ -z "${NVIO_CLI_LBA_ONLY:-}" ]; }
if ! full; then
	echo "$ME: NVIO_CLI_LBA_ONLY: the LBA-size dependent checks only"
fi

# ---- help, version, usage
if full; then
expect 0 "help" "$NVIO" help
expect 0 "--help" "$NVIO" --help
for cmd in list id-ctrl id-ns read write compare verify write-zeroes trim \
	flush get-log get-feature set-feature io-passthru admin-passthru \
	doctor version help; do
	expect 0 "$cmd --help" "$NVIO" "$cmd" --help
	grep -q "^Usage: nvio $cmd" "$WORK/out" && ok || fail "$cmd --help has no usage line"
	expect 0 "help $cmd" "$NVIO" help "$cmd"
done
expect 0 "version" "$NVIO" version
grep -Eq '^nvio [0-9]+\.[0-9]+\.[0-9]+ \(libnvio [0-9.]+\)$' "$WORK/out" && ok || fail "version line: $(cat "$WORK/out")"
expect 0 "version json" "$NVIO" version -o json && json_valid
expect 2 "no command" "$NVIO"
expect 2 "unknown command" "$NVIO" frobnicate
expect 2 "unknown command json" "$NVIO" frobnicate -o json && json_valid
expect 2 "unknown option" "$NVIO" read "$DEV" --bogus -c 1
err_has "unknown option"
expect 2 "missing device" "$NVIO" read -c 1
err_has "no device given"
expect 2 "bad output format" "$NVIO" list -o yaml
err_has "output-format"
fi

# ---- list
expect 0 "list" "$NVIO" list
grep -q "$DEV" "$WORK/out" && ok || fail "list does not show $DEV"
expect 0 "list json" "$NVIO" list -o json && json_valid
jq_eq "$WORK/out" ".namespaces[] | select(.generic==\"$DEV\") | .lba_size" "$LBS"
jq_eq "$WORK/out" ".namespaces[] | select(.generic==\"$DEV\") | .nsze" "$NSZE"
jq_eq "$WORK/out" ".namespaces[] | select(.generic==\"$DEV\") | .block" "$BLK"
jq_eq "$WORK/out" ".controllers[0].transport" "pcie"

# ---- identify: JSON against nvme-cli, key by key
if command -v nvme >/dev/null; then
	for pair in "id-ctrl $CTRL" "id-ns $BLK"; do
		set -- $pair
		expect 0 "$1 json" "$NVIO" "$1" "$DEV" -o json && json_valid
		cp "$WORK/out" "$WORK/nvio.json"
		nvme "$1" "$2" -o json >"$WORK/nvme.json" 2>/dev/null || { fail "nvme $1 failed"; continue; }
		# Every key nvme-cli prints must be in nvio's output with the same value.
		missing=$(jq -r --slurpfile n "$WORK/nvio.json" \
			'to_entries[] | select(.value != $n[0][.key]) | .key' "$WORK/nvme.json")
		if [ -z "$missing" ]; then ok; else fail "$1: keys differing from nvme-cli: $(echo $missing)"; fi
	done
	expect 0 "smart json" "$NVIO" get-log "$CTRL" --log-id smart -o json && json_valid
	cp "$WORK/out" "$WORK/nvio.json"
	nvme smart-log "$CTRL" -o json >"$WORK/nvme.json" 2>/dev/null
	# Counters move between the two reads; compare the keys and the static fields.
	k1=$(jq -r 'keys|join(",")' "$WORK/nvme.json"); k2=$(jq -r 'keys|join(",")' "$WORK/nvio.json")
	[ "$k1" = "$k2" ] && ok || fail "smart-log keys differ: nvme-cli $k1, nvio $k2"
	for k in critical_warning avail_spare spare_thresh percent_used power_cycles; do
		jq_eq "$WORK/nvio.json" ".$k" "$(jq -r ".$k" "$WORK/nvme.json")"
	done
	expect 0 "error log json" "$NVIO" get-log "$CTRL" --log-id error -o json && json_valid
	cp "$WORK/out" "$WORK/nvio.json"
	nvme error-log "$CTRL" -o json >"$WORK/nvme.json" 2>/dev/null
	if [ "$(jq -S -c . "$WORK/nvme.json")" = "$(jq -S -c . "$WORK/nvio.json")" ]; then
		ok
	else
		fail "error-log JSON differs from nvme-cli's"
	fi
	expect 0 "fw log json" "$NVIO" get-log "$CTRL" --log-id fw -o json && json_valid
	nvme fw-log "$CTRL" -o json >"$WORK/nvme.json" 2>/dev/null
	jq_eq "$WORK/out" ".afi" "$(jq -r '.[] | .["Active Firmware Slot (afi)"]' "$WORK/nvme.json")"
else
	echo "$ME: note: nvme-cli absent, JSON not compared"
fi
expect 0 "id-ctrl" "$NVIO" id-ctrl "$CTRL"
grep -q "^mn " "$WORK/out" && ok || fail "id-ctrl output lacks mn"
expect 0 "id-ctrl -H" "$NVIO" id-ctrl "$DEV" -H
grep -q "Volatile Write Cache" "$WORK/out" && ok || fail "id-ctrl -H does not decode vwc"
expect 0 "id-ctrl -b" "$NVIO" id-ctrl "$DEV" -b
[ "$(stat -c %s "$WORK/out")" = 4096 ] && ok || fail "id-ctrl -b is not 4096 bytes"
expect 0 "id-ns" "$NVIO" id-ns "$BLK"
grep -q "(in use)" "$WORK/out" && ok || fail "id-ns lacks the in-use LBA format"
expect 0 "id-ns -b" "$NVIO" id-ns "$DEV" -b
[ "$(stat -c %s "$WORK/out")" = 4096 ] && ok || fail "id-ns -b is not 4096 bytes"
expect 2 "id-ns -b with json" "$NVIO" id-ns "$DEV" -b -o json && json_valid

# ---- write, read back with dd and with nvio
head -c $((LBS * 64)) /dev/urandom >"$WORK/data"
expect 0 "write file" "$NVIO" write "$DEV" -s 64 -c 64 -d "$WORK/data"
dd if="$BLK" iflag=direct bs="$LBS" skip=64 count=64 status=none >"$WORK/dd"
cmp -s "$WORK/data" "$WORK/dd" && ok || fail "dd does not read back what nvio wrote"
expect 0 "read to stdout" "$NVIO" read "$DEV" -s 64 -c 64
cmp -s "$WORK/data" "$WORK/out" && ok || fail "nvio read differs from what was written"
expect 0 "read to file" "$NVIO" read "$DEV" -s 64 -z $((LBS * 64)) -d "$WORK/rd"
cmp -s "$WORK/data" "$WORK/rd" && ok || fail "nvio read -d differs"
expect 0 "write stdin" sh -c "'$NVIO' write '$DEV' -s 200 -z $((LBS * 64)) < '$WORK/data'"
expect 0 "write pipe" sh -c "cat '$WORK/data' | '$NVIO' write '$DEV' -s 300 -c 64 --fua"
dd if="$BLK" iflag=direct bs="$LBS" skip=300 count=64 status=none | cmp -s - "$WORK/data" && ok ||
	fail "write from a pipe does not read back"
expect 0 "write derives count from file" "$NVIO" write "$DEV" -s 400 -d "$WORK/data"
# Larger than one command can carry: the library splits it.
head -c $((4 * 1024 * 1024 + LBS)) /dev/urandom >"$WORK/big"
expect 0 "big write" "$NVIO" write "$DEV" -s 1000 -d "$WORK/big"
dd if="$BLK" iflag=direct bs="$LBS" skip=1000 count=$(( (4 * 1024 * 1024 + LBS) / LBS )) status=none |
	cmp -s - "$WORK/big" && ok || fail "big write does not read back"
expect 0 "pattern write" "$NVIO" write "$DEV" -s 10 -c 4 --pattern 0xa5
[ "$(dd if="$BLK" iflag=direct bs="$LBS" skip=10 count=4 status=none | od -An -v -tx1 | tr -s ' \n' '\n\n' | sort -u | grep -v '^$')" = a5 ] &&
	ok || fail "--pattern 0xa5 not on the device"
expect 0 "random write" "$NVIO" write "$DEV" -s 20 -c 4 --pattern random
expect 0 "read json" "$NVIO" read "$DEV" -s 10 -c 1 -o json && json_valid
jq_eq "$WORK/out" '.data | length' $((LBS * 2))
jq_eq "$WORK/out" '.data[0:4]' "a5a5"
expect 0 "read hex dump" "$NVIO" read "$DEV" -s 10 -c 1 -H
grep -q "a5 a5" "$WORK/out" && ok || fail "read -H is not a hex dump"

# ---- compare, verify, write-zeroes, trim, flush
expect 0 "compare match" "$NVIO" compare "$DEV" -s 64 -c 64 -d "$WORK/data"
expect 1 "compare mismatch" "$NVIO" compare "$DEV" -s 10 -c 4 --pattern 0x5a
err_has "Compare Failure"
expect 1 "compare mismatch json" "$NVIO" compare "$DEV" -s 10 -c 4 --pattern 0x5a -o json && json_valid
jq_eq "$WORK/out" '.error.nvme_status' 645
jq_eq "$WORK/out" '.error.status.sct' 2
jq_eq "$WORK/out" '.error.status.sc' 133
expect 0 "verify" "$NVIO" verify "$DEV" -s 0 -c 128
expect 0 "verify json" "$NVIO" verify "$DEV" -s 0 -c 128 -o json && json_valid
expect 0 "write-zeroes" "$NVIO" write-zeroes "$DEV" -s 64 -c 64
[ "$(dd if="$BLK" iflag=direct bs="$LBS" skip=64 count=64 status=none | tr -d '\0' | wc -c)" = 0 ] && ok ||
	fail "write-zeroes left data"
expect 0 "write-zeroes split" "$NVIO" write-zeroes "$DEV" -s 0 -c $(( NSZE < 70000 ? NSZE : 70000 )) --deac
expect 0 "trim -s -c" "$NVIO" trim "$DEV" -s 1000 -c 8
expect 0 "trim ranges" "$NVIO" trim "$DEV" --range 0:8 --range 0x100:16 -o json && json_valid
jq_eq "$WORK/out" '.ranges | length' 2
jq_eq "$WORK/out" '.nlb' 24
expect 0 "flush" "$NVIO" flush "$DEV"
expect 0 "flush json" "$NVIO" flush "$DEV" -o json && json_valid
expect 0 "flush via block dev" "$NVIO" flush "$BLK"
expect 0 "flush via controller" "$NVIO" flush "$CTRL"
expect 0 "flush via controller -n 1" "$NVIO" flush "$CTRL" -n 1
expect 3 "flush nonexistent nsid" "$NVIO" flush "$CTRL" -n 99
err_has "no such namespace"

# ---- logs and features
expect 0 "smart" "$NVIO" get-log "$CTRL" --log-id smart
expect 0 "smart raw" "$NVIO" get-log "$CTRL" --log-id 2 -b
[ "$(stat -c %s "$WORK/out")" = 512 ] && ok || fail "smart -b is not 512 bytes"
expect 0 "error log" "$NVIO" get-log "$CTRL" -i error
expect 0 "fw log" "$NVIO" get-log "$CTRL" -i fw
expect 0 "effects log json" "$NVIO" get-log "$CTRL" -i effects -o json && json_valid
jq_eq "$WORK/out" '.io_commands[] | select(.opcode==2) | .csupp' true
expect 2 "log without length" "$NVIO" get-log "$CTRL" -i 0x70
expect 2 "log bad name" "$NVIO" get-log "$CTRL" -i nonsense
expect 1 "log unsupported" "$NVIO" get-log "$CTRL" -i 0xc0 -l 512
err_has "NVMe status 0x[0-9a-f]+"
expect 0 "get-feature" "$NVIO" get-feature "$CTRL" -f 7 -H
grep -q "Number of Queues" "$WORK/out" && ok || fail "get-feature output"
expect 0 "get-feature json" "$NVIO" get-feature "$DEV" -f 6 -o json && json_valid
expect 0 "get-feature supported" "$NVIO" get-feature "$DEV" -f 6 -s supported
expect 0 "set-feature" "$NVIO" set-feature "$CTRL" -f 6 -v 1
expect 0 "get-feature after set" "$NVIO" get-feature "$CTRL" -f 6 -o json
jq_eq "$WORK/out" '.value' 1
expect 2 "get-feature without -f" "$NVIO" get-feature "$CTRL"
expect 2 "get-feature bad sel" "$NVIO" get-feature "$CTRL" -f 6 -s 7

# ---- passthrough
"$NVIO" write "$DEV" -s 10 -c 1 --pattern 0xa5 >/dev/null || fail "pattern write before passthrough"
expect 0 "io-passthru read" "$NVIO" io-passthru "$DEV" --opcode 2 --cdw10 10 --cdw12 0 --data-len "$LBS" -b
[ "$(od -An -v -tx1 "$WORK/out" | tr -s ' \n' '\n\n' | sort -u | grep -v '^$')" = a5 ] && ok ||
	fail "io-passthru read data"
expect 0 "io-passthru flush json" "$NVIO" io-passthru "$DEV" --opcode 0 -o json && json_valid
expect 1 "io-passthru bad opcode" "$NVIO" io-passthru "$DEV" --opcode 0x7f
err_has "Invalid Command Opcode"
expect 1 "io-passthru bad opcode json" "$NVIO" io-passthru "$DEV" --opcode 0x7f -o json && json_valid
jq_eq "$WORK/out" '.error.status.dnr' true
expect 0 "admin-passthru identify" "$NVIO" admin-passthru "$CTRL" --opcode 6 --cdw10 1 --data-len 4096 -b

expect 2 "passthru without opcode" "$NVIO" admin-passthru "$CTRL"

# ---- bad input: nothing is sent, the error names the device and reason
expect 3 "unknown device" "$NVIO" read /dev/ng99n99 -c 1
err_has "^nvio: read /dev/ng99n99: cannot open: no such file or device"
expect 3 "unknown device json" "$NVIO" read /dev/ng99n99 -c 1 -o json && json_valid
jq_eq "$WORK/out" '.error.errno' 2
echo hello >"$WORK/regular"
expect 3 "regular file" "$NVIO" read "$WORK/regular" -c 1
err_has "regular file"
expect 3 "/dev/null" "$NVIO" id-ctrl /dev/null
err_has "not NVMe|not an NVMe"
expect 3 "/dev/null json" "$NVIO" write /dev/null -c 1 --pattern 0 -o json && json_valid
jq_eq "$WORK/out" '.error.errno_name' ENODEV
expect 2 "range past end" "$NVIO" read "$DEV" -s $((NSZE - 4)) -c 8
err_has "LBA range past the end of the namespace \(slba $((NSZE - 4)) \+ 8 LBAs > $NSZE LBAs\)"
expect 2 "range past end json" "$NVIO" write "$DEV" -s "$NSZE" -c 1 --pattern 0 -o json && json_valid
jq_eq "$WORK/out" '.error.exit_code' 2
expect 2 "trim range past end" "$NVIO" trim "$DEV" --range "$NSZE:1"
expect 2 "size not multiple" "$NVIO" read "$DEV" -z $((LBS + 1))
err_has "not a multiple of the LBA size"
expect 2 "size and count disagree" "$NVIO" read "$DEV" -c 2 -z "$LBS"
head -c $((LBS * 3)) /dev/zero >"$WORK/short"
"$NVIO" write "$DEV" -s 500 -c 4 --pattern 0x77 >/dev/null 2>&1
expect 2 "short file" "$NVIO" write "$DEV" -s 500 -c 4 -d "$WORK/short"
err_has "nothing was sent"
dd if="$BLK" iflag=direct bs="$LBS" skip=500 count=1 status=none | od -An -v -tx1 | grep -q 77 && ok ||
	fail "a short file still changed LBA 500"
expect 2 "short pipe" sh -c "head -c 100 /dev/zero | '$NVIO' write '$DEV' -s 500 -c 4"
err_has "nothing was sent"
if full; then
for bad in abc -1 +5 " 5" 5x 0x 99999999999999999999999 1.5; do
	expect 2 "garbage --block-count '$bad'" "$NVIO" read "$DEV" -c "$bad"
	err_has "block-count"
done
for bad in 1Q -4k 4kk 20000000000T; do
	expect 2 "garbage --data-size '$bad'" "$NVIO" read "$DEV" -z "$bad"
	err_has "data-size"
done
expect 2 "garbage --start-block" "$NVIO" read "$DEV" -s zz -c 1
err_has "start-block"
expect 2 "zero --block-count" "$NVIO" read "$DEV" -c 0
expect 2 "garbage --range" "$NVIO" trim "$DEV" --range 5
expect 2 "garbage --pattern" "$NVIO" write "$DEV" -c 1 --pattern 300
expect 2 "garbage --opcode" "$NVIO" io-passthru "$DEV" --opcode 0x100
expect 2 "--data and --pattern" "$NVIO" write "$DEV" -c 1 --pattern 0 -d "$WORK/data"
expect 2 "extra argument" "$NVIO" flush "$DEV" extra
fi

# ---- no permission
if ! full; then
	:
elif id nobody >/dev/null 2>&1; then
	expect 3 "read as nobody" as_nobody "$NVIO" read "$DEV" -c 1
	err_has "permission denied.*read permission.*$DEV.*nvio doctor"
	expect 3 "write as nobody" as_nobody "$NVIO" write "$DEV" -c 1 --pattern 0
	err_has "read and write permission"
	expect 3 "id-ctrl as nobody" as_nobody "$NVIO" id-ctrl "$CTRL"
	err_has "permission denied"
	expect 3 "read as nobody json" as_nobody "$NVIO" read "$DEV" -c 1 -o json && json_valid
	jq_eq "$WORK/out" '.error.errno_name' EACCES
else
	echo "$ME: note: no user 'nobody', permission checks skipped"
fi

# ---- -o json on every command: one valid document, also on errors
full && for args in "help" "help read" "read --help" "list" "version" "doctor" "doctor $DEV" "id-ctrl $DEV" "id-ns $DEV" \
	"read $DEV -c 1" "write $DEV -s 2000 -c 1 --pattern 1" "compare $DEV -s 2000 -c 1 --pattern 1" \
	"verify $DEV -c 1" "write-zeroes $DEV -s 2000 -c 1" "trim $DEV -s 2000 -c 1" "flush $DEV" \
	"get-log $CTRL -i smart" "get-log $CTRL -i error" "get-log $CTRL -i fw" "get-log $CTRL -i effects" \
	"get-log $CTRL -i 1 -l 64" "get-feature $CTRL -f 7" "set-feature $CTRL -f 6 -v 1" \
	"io-passthru $DEV --opcode 0" "admin-passthru $CTRL --opcode 6 --cdw10 1 --data-len 4096" \
	"read $DEV -c abc" "get-log $CTRL" "id-ctrl /nonexistent"; do
	# shellcheck disable=SC2086
	run "$NVIO" $args -o json
	json_valid || echo "    (nvio $args -o json)"
done

finish
