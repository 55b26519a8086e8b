#!/bin/bash
# cli-unpriv.sh - nvio as a user without CAP_SYS_ADMIN who is given the
# namespace's generic device by group permission, as a udev rule
# (GROUP="disk", MODE="0660") would. What 6.2+ allows works (I/O on a
# read-write fd, Identify through the generic device); what it refuses
# (log pages, features, writes on a read-only grant) gets a message that
# names what is missing; and no read goes out without the metadata buffer
# a separate-metadata namespace needs, whatever the kernel.
# Runs in the VM as root (it drops to uid 65534 itself):
#   tests/vm/nvme-vm --kernel sid --topology md -- tests/cli/device/cli-unpriv.sh
. "$(dirname "$0")/lib.sh"
require_device
command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed"
command -v jq >/dev/null || skip "jq is needed"

DISK_GID=6 # Debian's "disk" group
MD=${NVIO_MD_DEV:-}
as_user() { setpriv --reuid=65534 --regid=65534 --groups=$DISK_GID "$@"; }
# Every node this test grants is put back as it was.
declare -A SAVED=()
grant() { # grant NODE MODE
	[ -n "${SAVED[$1]:-}" ] || SAVED[$1]=$(stat -c '%g %a' "$1")
	chgrp $DISK_GID "$1" && chmod "$2" "$1"
}
restore() {
	local n
	for n in "${!SAVED[@]}"; do
		read -r g m <<<"${SAVED[$n]}"
		chgrp "$g" "$n"; chmod "$m" "$n"
	done
	rm -rf "$WORK"
}
trap restore EXIT

IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
unpriv=0 # 6.2+: unprivileged passthrough
{ [ "$kmaj" -gt 6 ] || { [ "$kmaj" = 6 ] && [ "$kmin" -ge 2 ]; }; } && unpriv=1
echo "$ME: kernel $(uname -r), unprivileged passthrough: $unpriv"

host_reads() { # the controller's SMART count of read commands (as root)
	"$NVIO" get-log "$CTRL" --log-id smart -o json | jq -r .host_read_commands
}

# Not granted yet: the open fails and the message says how to fix it.
expect 3 "read without a grant" as_user "$NVIO" read "$DEV" -s 0 -c 1 -d /dev/null
err_has "permission denied.*$DEV"

grant "$DEV" 0660
if [ $unpriv = 1 ]; then
	expect 0 "id-ns through the generic device" as_user "$NVIO" id-ns "$DEV" -o json &&
		json_valid && jq_eq "$WORK/out" '.nsze > 0' true
	expect 0 "id-ctrl through the generic device" as_user "$NVIO" id-ctrl "$DEV" -o json &&
		json_valid
	expect 3 "smart log, refused" as_user "$NVIO" get-log "$DEV" --log-id smart
	err_has "CAP_SYS_ADMIN"
	err_has "log pages"
	expect 3 "get-feature, refused" as_user "$NVIO" get-feature "$DEV" -f 7
	err_has "CAP_SYS_ADMIN"
	expect 0 "doctor as a granted user" as_user "$NVIO" doctor "$DEV" -o json
	jq -r '[.checks[] | select(.check=="open")][0].message' "$WORK/out" |
		grep -q "Identify on the namespace's generic device" && ok ||
		fail "doctor does not say Identify went through the generic device"
fi

if [ -z "$MD" ]; then
	if [ $unpriv = 1 ]; then
		expect 0 "read as a granted user" as_user "$NVIO" read "$DEV" -s 0 -c 8 -d /dev/null
		expect 0 "lat as a granted user" as_user "$NVIO" lat "$DEV" --count 200 -o json &&
			json_valid
		# group read only: writes need the device open for writing
		grant "$DEV" 0640
		expect 3 "write on a read-only grant" as_user "$NVIO" write "$DEV" -s 100 -c 1 --pattern 0
		err_has "permission denied.*read and write"
	elif [ -e "/sys/block/$(basename "$BLK")/metadata_bytes" ]; then
		expect 3 "read before 6.2" as_user "$NVIO" read "$DEV" -s 0 -c 8 -d /dev/null
		err_has "CAP_SYS_ADMIN"
	else
		# Identify refused and no metadata_bytes (6.8+): nothing can
		# say whether this namespace needs a metadata buffer
		expect 2 "read before 6.2" as_user "$NVIO" read "$DEV" -s 0 -c 8 -d /dev/null
		err_has "metadata format of $DEV cannot be learned.*Linux 6.2"
	fi
	finish
fi

# A namespace with separate metadata (and PI): the user's reads must not
# go out without a metadata buffer. The controller's read count shows
# whether anything was sent.
grant "$MD" 0660
mdblk=/sys/block/nvme${MD#/dev/ng}
before=$(host_reads)
expect 2 "read, separate metadata, as user" as_user "$NVIO" read "$MD" -s 0 -c 1 -d /dev/null
if [ $unpriv = 1 ] || [ -e "$mdblk/metadata_bytes" ]; then
	err_has "separate metadata"
else
	err_has "metadata format of $MD cannot be learned"
fi
expect 2 "lat, separate metadata, as user" as_user "$NVIO" lat "$MD" --count 100
err_has "metadata"
expect 2 "io-passthru read without metadata, as user" as_user "$NVIO" io-passthru "$MD" \
	--opcode 2 --namespace-id 1 --cdw10 0 --cdw12 0 --data-len 512 --read
after=$(host_reads)
[ -n "$before" ] && [ "$before" = "$after" ] && ok ||
	fail "host read commands moved from '$before' to '$after': a read was sent"
finish
