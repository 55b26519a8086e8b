#!/bin/bash
# cli-tcp-relink.sh - nvio lat through an NVMe/TCP target outage: the
# in-guest nvmet port is unlinked from the subsystem mid-run and linked
# again 1.5 s later. lat must not die (of SIGPIPE, which the kernel
# raises in the submitting thread): it counts NVMe statuses (Host Pathing
# Error) and goes on, stops at the first errno (the aborted commands'
# EINTR, or EINVAL while the host reconnects) naming it (exit 3), prints
# its counts, leaves nothing unreaped, and the namespace must read again
# once the host reconnects.
#   tests/vm/nvme-vm --topology tcp -- tests/cli/device/cli-tcp-relink.sh
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null || skip "jq is needed"
TDEV=${NVIO_TCP_DEV:-}
[ -c "$TDEV" ] || skip "needs the tcp topology (\$NVIO_TCP_DEV)"
PORT=/sys/kernel/config/nvmet/ports/1/subsystems
link=$(ls -d "$PORT"/* 2>/dev/null | head -1)
[ -n "$link" ] || skip "no nvmet port link under $PORT"
target=$(readlink -f "$link")
tb=/dev/nvme${TDEV#/dev/ng}
# With multipath the block device's parent is the subsystem, which lists
# its controllers; without it, the controller itself.
ctrl=$(basename "$(ls -d "/sys/block/${tb#/dev/}/device"/nvme[0-9]* 2>/dev/null | head -1)" 2>/dev/null)
case $ctrl in nvme[0-9]*) ;; *) ctrl=${tb%n*}; ctrl=${ctrl#/dev/} ;; esac

"$NVIO" lat "$TDEV" --time 8 --qd 16 -j 2 --mode irq --bs 4k -o json >"$WORK/lat" 2>"$WORK/lat.err" &
pid=$!
sleep 3
rm "$link" || fail "unlink $link"
# While the host reconnects no path is live: a read is refused at once,
# and named for what it is (the kernel says EINVAL).
sleep 0.5
st=$(cat "/sys/class/nvme/$ctrl/state")
t0=$(date +%s.%N)
run "$NVIO" read "$TDEV" -c 8 -d /dev/null
t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "$ME: read during the outage (controller $st): exit $RC after $t s: $(head -c 200 "$WORK/err")"
if [ "$st" != live ]; then
	[ "$RC" = 3 ] && ok || fail "read during the outage: exit $RC, expected 3"
	# refused at open (the controller node and Identify) or at the
	# command: either way the reason is named
	err_has "no live path to the namespace|controller is not live"
fi
sleep 1
ln -s "$target" "$link" || fail "relink $link"
wait $pid
rc=$?
echo "$ME: lat through the outage: exit $rc: $(jq -c '{ios, errors: .nvme_errors.total, other: .other, unreaped, timed_out}' "$WORK/lat" 2>/dev/null)"
case $rc in
1) ok ;;
3) grep -Eq "completed with an error(: (Interrupted system call|Invalid argument|Input/output error)| .*no live path.*Link has been severed)" "$WORK/lat.err" &&
	ok || fail "lat: exit 3 without the errno named: $(head -c 300 "$WORK/lat.err")" ;;
*) fail "lat: exit $rc, expected 1 or 3: $(head -c 300 "$WORK/lat.err")" ;;
esac
if jq -e . "$WORK/lat" >/dev/null 2>&1; then
	ok
	jq_eq "$WORK/lat" '.ios > 0' true
	[ $rc = 3 ] || jq_eq "$WORK/lat" '.nvme_errors.total > 0' true
	jq_eq "$WORK/lat" '.unreaped // 0' 0
else
	fail "lat printed no JSON document: $(head -c 300 "$WORK/lat")"
fi
# Back once the host has reconnected (reconnect delay 2 s here).
for i in $(seq 1 60); do
	[ "$(cat "/sys/class/nvme/$ctrl/state" 2>/dev/null)" = live ] && break
	sleep 0.5
done
echo "$ME: controller $ctrl is $(cat "/sys/class/nvme/$ctrl/state") after $((i / 2)) s"
expect 0 "read after the relink" "$NVIO" read "$TDEV" -c 8 -d /dev/null
expect 0 "lat after the relink" "$NVIO" lat "$TDEV" --time 1 --qd 4 --mode irq
finish
