#!/bin/bash
# The harness's boot watchdog: a guest that is not ready to run the command
# within NVIO_VM_BOOT_TIMEOUT is killed and booted again, and the command's
# own exit status comes back from the boot that worked; when every boot
# hangs, the run fails with 124 and says so. (The hang is the guest's test
# hook nvio.hang_boot, set by NVIO_VM_HANG_BOOTS.)
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${NVIO_NO_VM:-}" ]; then echo "SKIP: NVIO_NO_VM is set"; exit 77; fi
if [ "$(id -u)" != 0 ] && ! command -v qemu-system-x86_64 >/dev/null; then
	echo "SKIP: qemu-system-x86_64 missing and not root to install it"; exit 77
fi
vm=$src/tests/vm/nvme-vm
out=$(mktemp)
trap 'rm -f "$out"' EXIT
pass=0 fail=0
check() { # name, condition status
	if [ "$2" = 0 ]; then echo "PASS: $1"; pass=$((pass + 1))
	else echo "FAIL: $1"; sed 's/^/    /' "$out" | tail -n 30; fail=$((fail + 1)); fi
}

# The first boot's kernel oopses before the guest is ready (as TCG made
# 6.12's once); the second runs the command.
NVIO_VM_CRASH_BOOTS=1 NVIO_VM_BOOT_TRIES=3 \
	"$vm" --timeout 300 -- sh -c 'echo ran-once; exit 5' >"$out" 2>&1
rc=$?
[ $rc = 5 ] && [ "$(grep -c '^ran-once$' "$out")" = 1 ] &&
	grep -q "boot 1 of 3: the guest kernel crashed while booting" "$out"
check "a boot whose kernel oopses before it is ready is retried (rc $rc)" $?

# The first boot hangs, the second runs the command. (The boot that is to
# work gets 90 s: make check runs this beside other VMs on 2 CPUs.)
NVIO_VM_HANG_BOOTS=1 NVIO_VM_BOOT_TIMEOUT=90 NVIO_VM_BOOT_TRIES=3 \
	"$vm" --timeout 300 -- sh -c 'echo ran-once; exit 7' >"$out" 2>&1
rc=$?
[ $rc = 7 ] && [ "$(grep -c '^ran-once$' "$out")" = 1 ] &&
	grep -q "boot 1 of 3: the guest was not ready after 90s" "$out"
check "a hung boot is retried; the command runs once and its status (7) comes back (rc $rc)" $?

# Every boot hangs: 124, each try named, the command never ran.
NVIO_VM_HANG_BOOTS=9 NVIO_VM_BOOT_TIMEOUT=15 NVIO_VM_BOOT_TRIES=2 \
	"$vm" --timeout 300 -- sh -c 'echo ran; exit 0' >"$out" 2>&1
rc=$?
[ $rc = 124 ] && ! grep -q '^ran$' "$out" &&
	grep -q "boot 2 of 2: the guest was not ready" "$out" &&
	grep -q "FAIL: the guest did not boot in 2 tries of 15s each" "$out"
check "every boot hangs: exit 124 after 2 tries, nothing ran (rc $rc)" $?

# A bad setting is a usage error, before any boot (08 would be bad octal
# to bash's arithmetic, and retry for ever).
for bad in NVIO_VM_BOOT_TIMEOUT=soon NVIO_VM_BOOT_TRIES=08 NVIO_VM_HANG_BOOTS=2x; do
	env "$bad" "$vm" -- true >"$out" 2>&1
	rc=$?
	[ $rc = 2 ] && grep -q "bad ${bad%%=*}: '${bad#*=}'" "$out"
	check "$bad is refused (rc $rc)" $?
done

# An unknown kernel suite, from --kernel or NVIO_VM_KERNEL: a usage error
# that names the valid suites, before anything is fetched or booted.
"$vm" --kernel potato -- true >"$out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "unknown kernel suite (--kernel): 'potato' (valid: bookworm trixie sid)" "$out"
check "--kernel potato is refused (rc $rc)" $?
NVIO_VM_KERNEL=buster "$vm" --prepare >"$out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "unknown kernel suite (NVIO_VM_KERNEL): 'buster'" "$out"
check "NVIO_VM_KERNEL=buster is refused (rc $rc)" $?

# The emulator: 7.2 or 10 only, and not 7.2 for fdp (it emulates no FDP);
# usage errors before any boot
"$vm" --qemu 9 -- true >"$out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "bad --qemu (or NVIO_VM_QEMU): '9' (7.2, Debian 12's, or 10" "$out"
check "--qemu 9 is refused (rc $rc)" $?
NVIO_VM_QEMU=7.2 "$vm" --topology fdp -- true >"$out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "the fdp topology needs QEMU 10" "$out"
check "NVIO_VM_QEMU=7.2 with the fdp topology is refused (rc $rc)" $?

# The guest is told which emulator it runs on (QEMU 10 is fetched as root,
# or found in the cache or at $NVIO_VM_QEMU10)
if [ "$(id -u)" != 0 ] && [ -z "${NVIO_VM_QEMU10:-}" ] &&
	! [ -x "${NVIO_VM_CACHE:-/var/cache/nvio-vm}/qemu10/root/usr/bin/qemu-system-x86_64" ]; then
	echo "SKIP: --qemu 10: not root, and no QEMU 10 in the cache"
else
"$vm" --qemu 10 --topology null -- sh -c 'echo "qemu=$NVIO_VM_QEMU fw=$(cat /sys/class/nvme/nvme0/firmware_rev)"' >"$out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q "^qemu=10 fw=10\." "$out"
check "--qemu 10 boots QEMU 10's controller, and NVIO_VM_QEMU says so (rc $rc)" $?
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
