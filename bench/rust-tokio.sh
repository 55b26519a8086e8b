#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/rust-tokio.sh - nvio from Rust against Tokio's thread pool, on the
# nvme-vm null topology, in one guest: 4 KiB random reads at QD1 and QD32,
# the four ways alternating, rotated each round:
#
#   rust tpc       nvio's thread-per-core driver (polled queue)
#   rust tokio     nvio on Tokio, futures woken through the eventfd
#                  (interrupt queue)
#   tokio-fs       Tokio's model of file I/O: a blocking O_DIRECT pread of
#                  /dev/nvme0n1 per read on the blocking pool (spawn_blocking)
#   nvio lat (C)   the C tool, polled
#
# Prints one JSON line per run, then a table of the medians over the
# rounds, with each row's ratio to tokio-fs and to nvio lat measured in
# the same run. Under TCG absolute numbers mean nothing: read the ratios.
#
#     bench/rust-tokio.sh [--rounds 3] [--time 3] [--kernel bookworm|trixie|sid]
#                         [--build DIR]
#
# --build DIR defaults to build-bench under the source tree (the guest sees
# the host's / read-only and has its own /tmp); configured and built when
# needed, the Rust examples into DIR/rust-target (release).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build-bench
rounds=3
secs=3
kernel=${NVIO_VM_KERNEL:-sid}
if [ "${1:-}" = --in-guest ]; then
	build=$2 rounds=$3 secs=$4
	b=$build/rust-target/release/examples/bench
	nvio=$build/tools/.libs/nvio
	export LD_LIBRARY_PATH=$build/lib/.libs
	ng=${NVIO_DEVS%% *}
	blk=/dev/nvme${ng#/dev/ng}
	echo "# guest: $(uname -r), $(nproc) CPU; $ng, $blk"
	for r in $(seq "$rounds"); do
		for qd in 1 32; do
			set -- tpc tokio tokio-fs lat
			# rotate the order each round
			for _ in $(seq $(((r - 1) % 4))); do set -- "$2" "$3" "$4" "$1"; done
			for m in "$@"; do
				if [ "$m" = lat ]; then
					"$nvio" lat "$ng" --qd "$qd" --time "$secs" --mode poll -o json |
						python3 -c 'import json,sys; d=json.load(sys.stdin); l=d["lat_ns"]; c=d["cpu"]; print(json.dumps({"mode":"lat","qd":d["config"]["qd"],"ios":d["ios"],"secs":d["elapsed_s"],"iops":d["iops"],"p50_us":l["p50"]/1e3,"p99_us":l["p99"]/1e3,"cpu_user_ns_per_io":c["user_ns_per_io"],"cpu_sys_ns_per_io":c["sys_ns_per_io"]}, separators=(",",":")))'
				else
					"$b" "$m" "$ng" "$blk" "$qd" "$secs"
				fi
			done
		done
	done | tee /tmp/rb.jsonl
	python3 - /tmp/rb.jsonl <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
name = {"tpc": "rust tpc (polled)", "tokio": "rust tokio (eventfd)",
        "tokio-fs": "tokio-fs (spawn_blocking)", "lat": "nvio lat (C)"}
print()
print("| way | QD | IOPS | p50 us | p99 us | CPU us/read | / tokio-fs | / nvio lat |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for qd in (1, 32):
    med = {}
    for m in name:
        r = [x for x in rows if x["mode"] == m and x["qd"] == qd]
        if r:
            med[m] = {k: statistics.median(x[k] for x in r) for k in
                      ("iops", "p50_us", "p99_us", "cpu_user_ns_per_io", "cpu_sys_ns_per_io")}
    for m, v in med.items():
        cpu = (v["cpu_user_ns_per_io"] + v["cpu_sys_ns_per_io"]) / 1e3
        fs = v["iops"] / med["tokio-fs"]["iops"] if "tokio-fs" in med else float("nan")
        c = v["iops"] / med["lat"]["iops"] if "lat" in med else float("nan")
        print(f"| {name[m]} | {qd} | {v['iops']:.0f} | {v['p50_us']:.1f} | {v['p99_us']:.1f} | {cpu:.1f} | {fs:.2f} | {c:.2f} |")
EOF
	exit 0
fi

while [ $# -gt 0 ]; do
	case $1 in
	--build|--rounds|--time|--kernel)
		[ $# -ge 2 ] || { echo "rust-tokio: $1 needs a value" >&2; exit 2; } ;;
	esac
	case $1 in
	--build) build=$(realpath -m "$2"); shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--time) secs=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	-h|--help) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "rust-tokio: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
for v in "rounds:$rounds" "time:$secs"; do
	if ! [[ ${v#*:} =~ ^[0-9]+$ ]] || ((10#${v#*:} < 1 || 10#${v#*:} > 1000)); then
		echo "rust-tokio: --${v%%:*} '${v#*:}': a whole number from 1 to 1000 is needed" >&2
		exit 2
	fi
done
case $build in
/tmp/*) echo "rust-tokio: $build: the guest has its own /tmp; build elsewhere" >&2; exit 2 ;;
esac
"$src/tests/vm/nvme-vm" --kernel "$kernel" --list-topologies >/dev/null || exit 2
bash "$src/tools/install-deps.sh" rustc cargo librust-tokio-dev librust-libc-dev || exit 2
if [ ! -f "$build/Makefile" ]; then
	[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh)
	mkdir -p "$build"
	(cd "$build" && "$src/configure" -q)
fi
make -C "$build" -j"$(nproc)" -s lib/libnvio.la tools/nvio
(cd "$src/bindings/rust" &&
	PATH=/usr/bin:$PATH CARGO_TARGET_DIR=$build/rust-target CARGO_HOME=$build/rust-cargo-home \
	NVIO_LIB_DIR=$build/lib/.libs NVIO_INCLUDE_DIR=$src/include \
	cargo build --offline --release --features nvio/tokio --example bench -q)
echo "# bench/rust-tokio.sh --build $build --rounds $rounds --time $secs --kernel $kernel"
echo "# host: $(uname -r), $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ)"
limit=$((2 * (rounds * 8 * (secs + 3) + 300)))
NVIO_VM_SMP=1 exec "$src/tests/vm/nvme-vm" --kernel "$kernel" --topology null --timeout "$limit" -- \
	"$src/bench/rust-tokio.sh" --in-guest "$build" "$rounds" "$secs"
