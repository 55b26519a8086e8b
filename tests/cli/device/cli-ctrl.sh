#!/bin/bash
# cli-ctrl.sh - the admin commands on a controller with no namespace at
# all ($NVIO_EMPTY_CTRL, multi topology): id-ctrl, list-ns, get-log,
# get-feature work on /dev/nvmeX alone; what needs a namespace says so;
# list-ns agrees with nvme-cli's list-ns, key for key, where nvme-cli is
# installed.
#   tests/vm/nvme-vm --topology multi -- tests/cli/device/cli-ctrl.sh
# The suite names the topology's namespaces in NVIO_DEVS: the first is
# controller A's, whose controller has two namespaces.
if [ -n "${NVIO_DEVS:-}" ] && [ -z "${NVIO_TEST_DEV:-}" ]; then
	first=${NVIO_DEVS%% *}
	x=${first#/dev/ng}
	export NVIO_TEST_DEV=$first NVIO_TEST_BLK=/dev/nvme$x NVIO_TEST_CTRL=/dev/nvme${x%%n*}
fi
. "$(dirname "$0")/lib.sh"
require_device
command -v jq >/dev/null || skip "jq is needed"
E=${NVIO_EMPTY_CTRL:-}
[ -n "$E" ] && [ -c "$E" ] || skip "no controller without namespaces (NVIO_EMPTY_CTRL): run on the multi topology"

expect 0 "id-ctrl of an empty controller" "$NVIO" id-ctrl "$E" -o json &&
	json_valid && jq_eq "$WORK/out" '.sn | sub(" +$"; "")' nvio0003
expect 0 "id-ctrl -H of an empty controller" "$NVIO" id-ctrl "$E" -H
expect 0 "list-ns of an empty controller" "$NVIO" list-ns "$E" -o json &&
	json_valid && jq_eq "$WORK/out" '.nsid_list | length' 0
expect 0 "list-ns text" "$NVIO" list-ns "$E"
grep -q "no active namespaces" "$WORK/out" && ok || fail "list-ns text: $(cat "$WORK/out")"
expect 0 "smart log of an empty controller" "$NVIO" get-log "$E" --log-id smart -o json &&
	json_valid
expect 0 "get-feature of an empty controller" "$NVIO" get-feature "$E" -f 7 -o json &&
	json_valid
expect 0 "admin-passthru Identify of an empty controller" \
	"$NVIO" admin-passthru "$E" --opcode 6 --cdw10 1 --data-len 4096 --read -b
[ "$(head -c 12 "$WORK/out" | tail -c 8)" = nvio0003 ] && ok || fail "raw Identify's serial"
# what needs a namespace says so, and sends nothing
expect 2 "id-ns of an empty controller" "$NVIO" id-ns "$E"
err_has "has no namespace"
expect 3 "read on an empty controller" "$NVIO" read "$E" -c 1 -d /dev/null
err_has "$E"
expect 0 "nvio list shows it" "$NVIO" list -o json &&
	jq_eq "$WORK/out" "[.controllers[] | select(.device == \"$E\")] | length" 1

# a controller with two namespaces: both listed, -n lists those above
expect 0 "list-ns of $CTRL" "$NVIO" list-ns "$CTRL" -o json &&
	jq_eq "$WORK/out" '[.nsid_list[].nsid] | join(",")' "1,2"
expect 0 "list-ns -n 1" "$NVIO" list-ns "$CTRL" -n 1 -o json &&
	jq_eq "$WORK/out" '[.nsid_list[].nsid] | join(",")' "2"
if command -v nvme >/dev/null; then
	for c in "$CTRL" "$E"; do
		nvme list-ns "$c" -o json > "$WORK/theirs" 2>/dev/null || { fail "nvme list-ns $c failed"; continue; }
		"$NVIO" list-ns "$c" -o json > "$WORK/ours"
		# nvme-cli 2.x omits an empty list's key in some versions
		if [ "$(jq -cS '.nsid_list // []' "$WORK/theirs")" = "$(jq -cS '.nsid_list' "$WORK/ours")" ]; then
			ok
		else
			fail "list-ns $c differs from nvme-cli: $(cat "$WORK/theirs") vs $(cat "$WORK/ours")"
		fi
	done
else
	echo "$ME: nvme-cli not installed: no cross-check"
fi
finish
