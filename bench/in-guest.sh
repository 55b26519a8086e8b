#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/in-guest.sh - the benchmark itself, run inside the nvme-vm guest
# (`null` topology) by bench/run-bench:
#
#     in-guest.sh BUILD_DIR [ROUNDS] [SECONDS] [CG_COUNT] [PAIRS] [PAIR_SECONDS]
#                 [AB_PAIRS]
#
# 1. ROUNDS rounds (default 7); in each, at QD1 polled and at QD32 batched,
#    every tool once, in an order rotated each round: nvio lat, the floor
#    (bench/floor), fio io_uring_cmd (hipri, fixedbufs, registerfiles) on
#    the generic device, fio io_uring (O_DIRECT, hipri, fixedbufs,
#    registerfiles) on the block device, the synchronous ioctl loop (QD1
#    only) and the thread pool. Each run: 1 s warm-up, SECONDS (default 3)
#    measured, 4 KiB random reads over the whole namespace. The table has
#    the median over the rounds of IOPS, p50 and p99, and IOPS / nvio's.
# 2. The floor target read through the noise: PAIRS (default 24) pairs of
#    runs of nvio lat and the floor back to back, at QD1 and at QD32,
#    PAIR_SECONDS (default 2) measured each, one first in even pairs and
#    the other in odd ones; the median of the pairs' nvio/floor ratios
#    with its 95% confidence interval (distribution-free: the sign test's
#    order statistics). Runs seconds apart share the host's slow drifts,
#    which swamp the unpaired medians; a lone stall in one run moves the
#    median by one rank, not by its size. Then the same inside one
#    process (bench/ab: nvio lat's engine and the floor alternated, AB_PAIRS
#    pairs, default 60, of 0.25 s runs), where a pair's two runs are a
#    quarter of a second apart instead of seconds.
# 3. User-space instructions per QD1 polled 4 KiB read of nvio and the
#    floor, with callgrind: only the measuring loop is counted
#    (--toggle-collect), for CG_COUNT and 2*CG_COUNT reads (default 10000),
#    and the difference divided by CG_COUNT, so that set-up and the first
#    commands cancel out. Then per function, and per object.
#
# Every tool times with the TSC (--clock tsc, clocksource=cpu): the guest's
# clock_gettime goes to the HPET by system call (~2-4 us a reading under
# TCG), which would swamp what is measured.
set -u
build=$(cd "$1" && pwd)
rounds=${2:-7}
secs=${3:-3}
cgn=${4:-10000}
pairs=${5:-24}
pair_secs=${6:-2}
ab_pairs=${7:-60}
warm=1
# bench/pairstats.py, for the paired summaries
here=$(cd "$(dirname "$0")" && pwd)

ng=${NVIO_DEVS%% *}
ng=${ng:-/dev/ng0n1}
blk=/dev/$(basename "$ng" | sed 's/^ng\([0-9]*\)n\([0-9]*\)$/nvme\1n\2/')
out=/tmp/bench
mkdir -p "$out"
res=$out/results

if "$build/tools/nvio" lat --help >/dev/null 2>&1; then
	lat=("$build/tools/nvio" lat)
else
	lat=("$build/tools/lat/nvio-lat" lat)
fi
# callgrind needs the program itself: in the build tree tools/nvio is a
# libtool wrapper script; nvio-lat runs the same code (libnviolat and
# libnvio.so) and is built with -no-install.
cglat=("$build/tools/lat/nvio-lat" lat)

echo "# guest: $(uname -r), $(nproc) vCPUs; device $ng (block $blk)," \
	"poll_queues=${NVIO_POLL_QUEUES:-?}"
echo "# nvio: ${lat[*]} (callgrind: ${cglat[*]})"
echo "# fio: $(fio --version)"
echo "# $rounds rounds x ${secs} s (+${warm} s warm-up) per tool and queue depth"

fio_args() { # QD
	local b=()
	if [ "$1" -gt 1 ]; then
		b=(--iodepth_batch_submit="$1" --iodepth_batch_complete_min=1
		   --iodepth_batch_complete_max="$1")
	fi
	echo --rw=randread --bs=4k --iodepth="$1" "${b[@]}" --hipri=1 \
		--fixedbufs=1 --registerfiles=1 --time_based --runtime="$secs" \
		--ramp_time="$warm" --norandommap --randrepeat=0 \
		--lat_percentiles=1 --clocksource=cpu --output-format=json
}

fio_result() { # TOOL QD JSON
	/usr/bin/python3 - "$@" <<'EOF'
import json, sys
tool, qd, path = sys.argv[1:4]
try:
    r = json.load(open(path))["jobs"][0]["read"]
    p = r["lat_ns"]["percentile"]
    print("RESULT tool=%s qd=%s iops=%.1f p50_ns=%d p99_ns=%d errors=0"
          % (tool, qd, r["iops"], p["50.000000"], p["99.000000"]))
except Exception as e:
    print("FAILED tool=%s qd=%s: %s" % (tool, qd, e))
EOF
}

run_tool() { # TOOL QD
	local t=$1 qd=$2 f=$out/run.$1.$2
	case $t in
	nvio)
		"${lat[@]}" "$ng" --qd "$qd" --time "$secs" --warmup "${warm}s" \
			--mode poll --clock tsc -o csv >"$f" 2>"$f.err"
		awk -F, -v qd="$qd" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			{ printf "RESULT tool=nvio qd=%s iops=%s p50_ns=%s p99_ns=%s errors=%s\n",
			  qd, $c["iops"], $c["lat_p50_ns"], $c["lat_p99_ns"], $c["nvme_errors"] }' "$f" ;;
	floor)
		"$build/bench/floor" --qd "$qd" --time "$secs" --warmup "$warm" \
			--clock tsc "$ng" 2>"$f.err" | grep '^RESULT' ;;
	fio-cmd)
		# shellcheck disable=SC2046
		fio --name=cmd --filename="$ng" --ioengine=io_uring_cmd \
			--cmd_type=nvme $(fio_args "$qd") --output="$f" \
			>"$f.err" 2>&1
		fio_result fio-cmd "$qd" "$f" ;;
	fio-blk)
		# shellcheck disable=SC2046
		fio --name=blk --filename="$blk" --ioengine=io_uring --direct=1 \
			$(fio_args "$qd") --output="$f" >"$f.err" 2>&1
		fio_result fio-blk "$qd" "$f" ;;
	ioctl)
		"$build/bench/ioctl" --time "$secs" --warmup "$warm" --clock tsc \
			"$ng" 2>"$f.err" | grep '^RESULT' ;;
	threadpool)
		"$build/bench/threadpool" --qd "$qd" --time "$secs" \
			--warmup "$warm" --clock tsc "$blk" 2>"$f.err" |
			grep '^RESULT' ;;
	esac
	if [ -s "$f.err" ] && grep -qv 'TSC\|clocksource=cpu' "$f.err"; then
		sed "s/^/# $t qd$qd: /" "$f.err" | grep -v 'TSC\|clocksource=cpu' >&2
	fi
}

tools=(nvio floor fio-cmd fio-blk ioctl threadpool)
: >"$res"
((rounds > 0)) || echo "# no rounds: the table is skipped"
for ((r = 0; r < rounds; r++)); do
	for qd in 1 32; do
		for ((i = 0; i < ${#tools[@]}; i++)); do
			t=${tools[$(((i + r) % ${#tools[@]}))]}
			[ "$t" = ioctl ] && [ "$qd" != 1 ] && continue
			line=$(run_tool "$t" "$qd")
			echo "# round $((r + 1)) qd $qd: ${line:-FAILED tool=$t}"
			echo "$line round=$r" >>"$res"
		done
	done
done

((rounds > 0)) && echo && /usr/bin/python3 - "$res" <<'EOF'
import statistics, sys
rows, rounds = {}, {}
for line in open(sys.argv[1]):
    if not line.startswith("RESULT"):
        continue
    kv = dict(w.split("=", 1) for w in line.split()[1:])
    key = (kv["tool"], int(kv["qd"]))
    v = (float(kv["iops"]), float(kv["p50_ns"]), float(kv["p99_ns"]))
    rows.setdefault(key, []).append(v)
    rounds.setdefault(key, {})[int(kv["round"])] = v[0]
order = ["nvio", "floor", "fio-cmd", "fio-blk", "ioctl", "threadpool"]
names = {"nvio": "nvio lat", "floor": "floor (liburing uring_cmd)",
         "fio-cmd": "fio io_uring_cmd", "fio-blk": "fio io_uring (block)",
         "ioctl": "ioctl (sync)", "threadpool": "thread pool (pread)"}
print("IOPS, p50 and p99: median over the rounds. IOPS / nvio: median over the")
print("rounds of each round's ratio (the runs of a round are minutes apart at most).")
print()
print("| tool | QD | runs | IOPS | IOPS min-max | p50 us | p99 us | IOPS / nvio |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for qd in (1, 32):
    base = rounds.get(("nvio", qd), {})
    for t in order:
        v = rows.get((t, qd))
        if not v:
            continue
        iops = statistics.median(x[0] for x in v)
        p50 = statistics.median(x[1] for x in v) / 1000
        p99 = statistics.median(x[2] for x in v) / 1000
        lo, hi = min(x[0] for x in v), max(x[0] for x in v)
        pr = [i / base[r] for r, i in rounds[(t, qd)].items()
              if base.get(r)]
        ratio = "%.3f" % statistics.median(pr) if pr else "-"
        print("| %s | %d | %d | %.0f | %.0f-%.0f | %.1f | %.1f | %s |"
              % (names[t], qd, len(v), iops, lo, hi, p50, p99, ratio))
EOF

# Median of the pairs' nvio/floor ratios and its 95% interval, per QD,
# from RESULT lines carrying pair=N.
pair_summary() { # FILE
	/usr/bin/python3 - "$1" "$here" <<'EOF'
import statistics, sys
sys.path.insert(0, sys.argv[2])
from pairstats import sign_ci
runs = {}
for line in open(sys.argv[1]):
    if not line.startswith("RESULT"):
        continue
    kv = dict(w.split("=", 1) for w in line.split()[1:])
    runs.setdefault((int(kv["qd"]), int(kv["pair"])), {})[kv["tool"]] = float(kv["iops"])
print("| QD | pairs | nvio IOPS | floor IOPS | nvio / floor | 95% interval | nvio ahead | >= 0.97 x floor |")
print("| ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |")
for qd in (1, 32):
    ps = [v for (q, _), v in sorted(runs.items())
          if q == qd and v.get("nvio", 0) > 0 and v.get("floor", 0) > 0]
    if not ps:
        print("| %d | 0 | - | - | - | - | - | no data |" % qd)
        continue
    r = [v["nvio"] / v["floor"] for v in ps]
    lo, hi = sign_ci(r)
    if lo is None:
        ci, verdict = "too few pairs", "not shown"
    else:
        ci = "%.3f-%.3f" % (lo, hi)
        verdict = ("met" if lo >= 0.97 else "NOT met" if hi < 0.97
                   else "not shown (interval spans 0.97)")
    print("| %d | %d | %.0f | %.0f | %.3f | %s | %d of %d | %s |"
          % (qd, len(ps), statistics.median(v["nvio"] for v in ps),
             statistics.median(v["floor"] for v in ps), statistics.median(r),
             ci, sum(x > 1 for x in r), len(r), verdict))
print("IOPS: medians over the pairs; nvio / floor: the median of the pairs' ratios.")
EOF
}

pairs_file=$out/pairs
: >"$pairs_file"
if ((pairs > 0)); then
	echo
	echo "# nvio lat against the floor, as processes: $pairs pairs of" \
		"${pair_secs} s runs (+${warm} s warm-up) at QD1 and QD32"
	secs=$pair_secs
	for ((i = 0; i < pairs; i++)); do
		for qd in 1 32; do
			if ((i % 2)); then order=(floor nvio); else order=(nvio floor); fi
			for t in "${order[@]}"; do
				line=$(run_tool "$t" "$qd")
				echo "# pair $((i + 1)) qd $qd: ${line:-FAILED tool=$t}"
				echo "$line pair=$i" >>"$pairs_file"
			done
		done
	done
	echo
	pair_summary "$pairs_file"
fi

ab_file=$out/ab
: >"$ab_file"
if ((ab_pairs > 0)); then
	echo
	echo "# nvio lat's engine against the floor in one process (bench/ab):" \
		"$ab_pairs pairs of 0.25 s runs (+0.02 s warm-up) at QD1 and QD32"
	for qd in 1 32; do
		"$build/bench/ab" --qd "$qd" --pairs "$ab_pairs" --clock tsc "$ng" \
			>>"$ab_file" 2>"$out/ab.err" ||
			{ echo "# bench/ab --qd $qd failed:"; grep -v "does not say its TSC" "$out/ab.err"; }
	done
	pair_summary "$ab_file"
fi

echo
echo "# callgrind: user-space instructions per QD1 polled 4 KiB read"
cg() { # TOOL N
	local f=$out/cg.$1.$2
	case $1 in
	nvio)
		valgrind --tool=callgrind --callgrind-out-file="$f" \
			--toggle-collect=run_closed "${cglat[@]}" "$ng" --qd 1 \
			--count "$2" --warmup 0 --mode poll --clock tsc -o csv \
			>"$f.out" 2>"$f.err" ;;
	floor)
		valgrind --tool=callgrind --callgrind-out-file="$f" \
			--toggle-collect=floor_loop "$build/bench/floor" --qd 1 \
			--count "$2" --clock tsc "$ng" >"$f.out" 2>"$f.err" ;;
	esac || { echo "# callgrind $1 $2 failed:"; tail -5 "$f.err"; }
	callgrind_annotate --inclusive=no --auto=no --threshold=100 "$f" >"$f.fn" 2>/dev/null
}
for t in nvio floor; do
	cg "$t" "$cgn"
	cg "$t" $((2 * cgn))
done
/usr/bin/python3 - "$out" "$cgn" <<'EOF'
import re, sys
out, n = sys.argv[1], int(sys.argv[2])
def parse(path):
    total, fns = None, {}
    for line in open(path):
        m = re.match(r"\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*)$", line)
        if not m:
            continue
        ir, rest = int(m.group(1).replace(",", "")), m.group(2).strip()
        if rest.startswith("PROGRAM TOTALS"):
            total = ir
        elif ":" in rest:
            fns[rest] = fns.get(rest, 0) + ir
    return total, fns
per = {}
for t in ("nvio", "floor"):
    a_tot, a = parse("%s/cg.%s.%d.fn" % (out, t, n))
    b_tot, b = parse("%s/cg.%s.%d.fn" % (out, t, 2 * n))
    if a_tot is None or b_tot is None:
        print("%s: no callgrind data" % t)
        continue
    per[t] = (b_tot - a_tot) / n
    print("%-6s %.1f instructions per read  (%d reads: %d, %d reads: %d)"
          % (t, per[t], n, a_tot, 2 * n, b_tot))
    # Where the code comes from (inlined code has no object of its own).
    def origin(k):
        if "liburing" in k:
            return "liburing"
        # include/nvio.h: libnvio's inline fast path, in the caller
        if ("libnvio" in k or "include/nvio.h:" in k
                or re.search(r"(^|/)lib/[\w-]+\.[ch]:", k)):
            return "libnvio"
        if "/hist." in k or "/clock." in k:
            return "clock+histogram"
        if "tools/lat/" in k or "bench/" in k:
            return "program loop"
        return "other (libc, ...)"
    objs = {}
    for k in set(a) | set(b):
        d = (b.get(k, 0) - a.get(k, 0)) / n
        objs[origin(k)] = objs.get(origin(k), 0) + d
    print("       by origin: " + ", ".join(
        "%s %.1f" % (o, v) for o, v in sorted(objs.items(), key=lambda x: -x[1])
        if abs(v) >= 0.5))
    print("       by function (file:function [object], per read):")
    rows = sorted(((b.get(k, 0) - a.get(k, 0)) / n, k) for k in set(a) | set(b))
    for d, k in sorted(rows, reverse=True)[:16]:
        if d >= 0.5:
            k = re.sub(r"/work/main/build[^ ]*/\.\./", "", k)
            k = re.sub(r"\S*/build[^/ ]*/\.\./", "", k)
            print("       %7.1f  %s" % (d, k))
if "nvio" in per and "floor" in per:
    r = per["nvio"] / per["floor"]
    print("nvio / floor: %.3f (target <= 1.10: %s)" % (r, "met" if r <= 1.10 else "NOT met"))
EOF
