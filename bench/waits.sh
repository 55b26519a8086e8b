#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/waits.sh - how a queue waits, measured (issue 16): nvio lat's
# engine with each wait strategy against the floor waiting both ways, 4 KiB
# random reads at QD1 and QD32 on the nvme-vm null topology, one vCPU, on
# each kernel of the test bed, one guest per kernel. In each guest
# bench/ab alternates the variants inside one process, PAIRS rounds of
# 0.25 s runs (+0.02 s warm-up) in an order rotated every round:
#
#   nvio         nvio lat as it runs by default (the library's choice)
#   nvio-kernel  the reap waits in io_uring_enter (the kernel polls)
#   nvio-spin    nonblocking polls from user space, one a system call
#   nvio-hybrid  IORING_SETUP_HYBRID_IOPOLL (6.15+; dropped elsewhere)
#   nvio-sqpoll  an SQPOLL thread submits and polls, the reap spins
#   floor        the hand-written liburing loop, io_uring_submit_and_wait(1)
#   floor-spin   the same with io_uring_submit_and_get_events (one pass)
#
# Then, per kernel and QD, a table: median IOPS, median CPU per read (the
# thread's user + system time), and each variant's ratio to the better
# floor (the floor variant with the higher median at that QD), as the
# median of the rounds' paired ratios with its distribution-free 95%
# interval (the sign test's order statistics, as bench/in-guest.sh).
#
#     bench/waits.sh [--pairs 40] [--kernels bookworm,trixie,sid]
#                    [--variants LIST] [--build DIR] [--out FILE]
#
# About 4 minutes a kernel with the defaults (40 rounds of 7 variants at
# two depths, and the boot). The raw RESULT lines go to FILE (default
# BUILD/waits.results) for later summaries: --summary FILE prints the
# tables again without running anything.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build-bench
pairs=40
kernels=bookworm,trixie,sid
variants=nvio,nvio-kernel,nvio-spin,nvio-hybrid,nvio-sqpoll,floor,floor-spin
out=

summary() { # FILE
	/usr/bin/python3 - "$1" "$src/bench" <<'EOF'
import statistics, sys
sys.path.insert(0, sys.argv[2])
from pairstats import sign_ci
runs = {}      # (kernel, qd) -> {pair: {tool: (iops, cpu_ns)}}
kernel = "?"
for line in open(sys.argv[1]):
    if line.startswith("KERNEL "):
        kernel = line.split()[1]
        continue
    if not line.startswith("RESULT"):
        continue
    kv = dict(w.split("=", 1) for w in line.split()[1:])
    key = (kernel, int(kv["qd"]))
    runs.setdefault(key, {}).setdefault(int(kv["pair"]), {})[kv["tool"]] = (
        float(kv["iops"]), float(kv.get("cpu_ns", "nan")))


order = ["nvio", "nvio-kernel", "nvio-spin", "nvio-hybrid", "nvio-sqpoll",
         "floor", "floor-spin"]
for (kern, qd) in sorted(runs):
    pairs = runs[(kern, qd)]
    tools = [t for t in order if any(t in p for p in pairs.values())]
    tools += sorted({t for p in pairs.values() for t in p} - set(tools))
    med = {t: statistics.median(p[t][0] for p in pairs.values() if t in p)
           for t in tools}
    floors = [t for t in tools if t.startswith("floor")]
    best = max(floors, key=lambda t: med[t]) if floors else None
    print()
    print("%s, QD%d: %d rounds; ratios to the better floor, %s" %
          (kern, qd, len(pairs), best or "none"))
    print()
    print("| variant | IOPS | CPU us/read | / %s | 95%% interval | ahead | >= 0.97 |" % (best or "-"))
    print("| --- | ---: | ---: | ---: | --- | ---: | --- |")
    for t in tools:
        cpu = [p[t][1] for p in pairs.values() if t in p]
        cpu_s = "%.1f" % (statistics.median(cpu) / 1e3) if cpu else "-"
        if best and t != best:
            r = [p[t][0] / p[best][0] for p in pairs.values()
                 if t in p and best in p and p[best][0] > 0]
            lo, hi = sign_ci(r) if r else (None, None)
            ci = "%.3f-%.3f" % (lo, hi) if lo is not None else "too few"
            verdict = ("-" if lo is None else "met" if lo >= 0.97 else
                       "NOT met" if hi < 0.97 else "spans 0.97")
            print("| %s | %.0f | %s | %.3f | %s | %d of %d | %s |" %
                  (t, med[t], cpu_s, statistics.median(r) if r else float("nan"),
                   ci, sum(x > 1 for x in r), len(r), verdict))
        else:
            print("| %s | %.0f | %s | 1 | - | - | - |" % (t, med[t], cpu_s))
EOF
}

if [ "${1:-}" = --in-guest ]; then
	build=$2 pairs=$3 variants=$4
	ng=${NVIO_DEVS%% *}
	ng=${ng:-/dev/ng0n1}
	echo "KERNEL $(uname -r)"
	echo "# guest: $(uname -r), $(nproc) vCPU; $ng, poll_queues=${NVIO_POLL_QUEUES:-?}"
	for qd in 1 32; do
		"$build/bench/ab" --qd "$qd" --pairs "$pairs" --clock tsc \
			--variants "$variants" "$ng" 2>/tmp/ab.err ||
			echo "# bench/ab --qd $qd failed: $?"
		grep -v "does not say its TSC" /tmp/ab.err || true
	done
	exit 0
fi

while [ $# -gt 0 ]; do
	case $1 in
	--pairs|--kernels|--variants|--build|--out|--summary)
		[ $# -ge 2 ] || { echo "waits.sh: $1 needs a value" >&2; exit 2; } ;;
	esac
	case $1 in
	--pairs) pairs=$2; shift 2 ;;
	--kernels) kernels=$2; shift 2 ;;
	--variants) variants=$2; shift 2 ;;
	--build) build=$(realpath -m "$2"); shift 2 ;;
	--out) out=$2; shift 2 ;;
	--summary) summary "$2"; exit 0 ;;
	-h|--help) sed -n '3,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "waits.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
if ! [[ $pairs =~ ^[0-9]+$ ]] || ((10#$pairs < 6 || 10#$pairs > 10000)); then
	echo "waits.sh: --pairs '$pairs': a whole number from 6 to 10000 is needed" >&2
	exit 2
fi
case $build in
/tmp/*) echo "waits.sh: $build: the guest has its own /tmp; build elsewhere" >&2
	exit 2 ;;
esac
IFS=, read -ra klist <<<"$kernels"
for k in "${klist[@]}"; do
	"$src/tests/vm/nvme-vm" --kernel "$k" --list-topologies >/dev/null || exit 2
done
out=${out:-$build/waits.results}
if [ ! -f "$build/Makefile" ]; then
	[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh)
	mkdir -p "$build"
	(cd "$build" && "$src/configure" -q)
fi
make -C "$build" -j"$(nproc)" -s bench/ab
echo "# bench/waits.sh --pairs $pairs --kernels $kernels --variants $variants"
echo "# host: $(uname -r), $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ); commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo ?)"
: >"$out"
for k in "${klist[@]}"; do
	# twice the expected time: 2 depths x pairs x variants x 0.3 s, the boot
	limit=$((2 * (2 * pairs * 7 * 3 / 10 + 300)))
	NVIO_VM_SMP=1 "$src/tests/vm/nvme-vm" --kernel "$k" --topology null \
		--timeout "$limit" -- "$src/bench/waits.sh" --in-guest "$build" \
		"$pairs" "$variants" | tee -a "$out" | grep -E "^(# guest|# bench|ab:)" || true
done
summary "$out"
