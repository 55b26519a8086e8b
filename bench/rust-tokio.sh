#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/rust-tokio.sh - nvio from Rust against Tokio's thread pool, on the
# nvme-vm null topology, in one guest: 4 KiB random reads at QD1 and QD32.
# Each round runs, at each QD, the four ways once, their order rotated
# from round to round:
#
#   rust tpc       nvio's thread-per-core driver (polled queue)
#   rust tokio     nvio on Tokio, futures woken through the eventfd
#                  (interrupt queue)
#   tokio-fs       Tokio's model of file I/O: a blocking O_DIRECT pread of
#                  /dev/nvme0n1 per read on the blocking pool (spawn_blocking)
#   nvio lat (C)   the C tool, polled, timing with CLOCK_MONOTONIC once a
#                  reaped batch, as the Rust program does
#
# Prints a RESULT line per run, then per QD and way the medians over the
# rounds (IOPS, p50, p99, CPU per read) and, paired, the median of the
# rounds' ratios of its IOPS to tokio-fs's and to nvio lat's in the same
# round, with a distribution-free 95% interval (the sign test's order
# statistics, as bench/in-guest.sh gives nvio/floor; 6 rounds at least).
# A round's runs are seconds apart and share the host's slow drifts, which
# swamp unpaired medians. Under TCG absolute numbers mean nothing: read
# the ratios.
#
#     bench/rust-tokio.sh [--rounds 9] [--time 3] [--kernel bookworm|trixie|sid]
#                         [--qemu 7.2|10] [--build DIR] [--no-build]
#
# --rounds N   rounds (default 9; fewer than 6 give no interval)
# --time S     measured seconds per run (default 3)
# --kernel K   the guest's Debian kernel: bookworm (6.1), trixie (6.12) or
#              sid (newest, the default; $NVIO_VM_KERNEL overrides that),
#              passed to tests/vm/nvme-vm
# --qemu V     the emulator, passed to tests/vm/nvme-vm: 10 (bookworm-
#              backports', the default; $NVIO_VM_QEMU overrides that) or
#              7.2 (Debian 12's, whose controller holds the Tokio way's
#              commands at QD32 until the kernel resets it:
#              tests/vm/README.md)
# --build DIR  build tree, default build-bench under the source tree;
#              configured and built when needed. The guest sees the host's /
#              read-only, DIR too (unhidden if under /tmp or /var/tmp). The
#              Rust program is built into DIR/rust-target (release) in any
#              case.
# --no-build   use DIR's lib/.libs/libnvio.so and tools/.libs/nvio as they
#              are: no configure, no make
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build-bench
rounds=9
secs=3
kernel=${NVIO_VM_KERNEL:-sid}
qemu=${NVIO_VM_QEMU:-10}
do_build=1

# Per QD and way: medians over the rounds, and the paired ratios with
# their intervals, from RESULT lines on stdin.
summary() {
	awk '
	function sort(a, n,   i, j, t) { # insertion sort of a[1..n]
		for (i = 2; i <= n; i++) {
			t = a[i]
			for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
			a[j + 1] = t
		}
	}
	function median(a, n) {
		sort(a, n)
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	# the sign test: k the largest with P(Binomial(n, 1/2) < k) <= 0.025;
	# the interval is the k-th smallest to the k-th largest (a sorted)
	function sign_k(n,   k, p, cum) {
		k = 0; cum = 0; p = 0.5 ^ n
		while (k <= n && cum + p <= 0.025) {
			cum += p
			p = p * (n - k) / (k + 1)
			k++
		}
		return k
	}
	function paired(qd, w, base,   r, n, x, m, k) {
		n = 0
		for (r = 1; r <= maxr; r++)
			if ((r, qd, w) in iops && (r, qd, base) in iops && iops[r, qd, base] > 0)
				x[++n] = iops[r, qd, w] / iops[r, qd, base]
		if (n == 0) return "-"
		m = median(x, n)
		k = sign_k(n)
		if (k < 1) return sprintf("%.2f (%d rounds: no interval)", m, n)
		return sprintf("%.2f (%.2f-%.2f)", m, x[k], x[n + 1 - k])
	}
	/^RESULT / {
		delete kv
		for (i = 2; i <= NF; i++) {
			split($i, f, "=")
			kv[f[1]] = f[2]
		}
		r = kv["round"] + 0; q = kv["qd"] + 0; w = kv["mode"]
		iops[r, q, w] = kv["iops"]
		p50[r, q, w] = kv["p50_us"]
		p99[r, q, w] = kv["p99_us"]
		cpu[r, q, w] = (kv["cpu_user_ns_per_io"] + kv["cpu_sys_ns_per_io"]) / 1e3
		if (r > maxr) maxr = r
	}
	END {
		nw = split("tpc tokio tokio-fs lat", ways, " ")
		name["tpc"] = "rust tpc (polled)"
		name["tokio"] = "rust tokio (eventfd)"
		name["tokio-fs"] = "tokio-fs (spawn_blocking)"
		name["lat"] = "nvio lat (C)"
		print ""
		print "| way | QD | rounds | IOPS | p50 us | p99 us | CPU us/read | / tokio-fs (95% interval) | / nvio lat (95% interval) |"
		print "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		for (qi = 1; qi <= 2; qi++) {
			qd = qi == 1 ? 1 : 32
			for (wi = 1; wi <= nw; wi++) {
				w = ways[wi]
				n = 0
				for (r = 1; r <= maxr; r++)
					if ((r, qd, w) in iops) {
						n++
						a[n] = iops[r, qd, w]; b[n] = p50[r, qd, w]
						c[n] = p99[r, qd, w]; d[n] = cpu[r, qd, w]
					}
				if (n == 0) {
					printf "| %s | %d | 0 | - | - | - | - | - | - |\n", name[w], qd
					continue
				}
				printf "| %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %s | %s |\n",
					name[w], qd, n, median(a, n), median(b, n), median(c, n),
					median(d, n), w == "tokio-fs" ? "1" : paired(qd, w, "tokio-fs"),
					w == "lat" ? "1" : paired(qd, w, "lat")
			}
		}
		print ""
		print "IOPS, latency, CPU: medians over the rounds. Ratios: the median of the"
		print "rounds'\'' ratios of IOPS (the two ways of one round at one QD), with the"
		print "sign test'\''s distribution-free 95% interval for it."
	}'
}

if [ "${1:-}" = --in-guest ]; then
	build=$2 rounds=$3 secs=$4
	b=$build/rust-target/release/examples/bench
	nvio=$build/tools/.libs/nvio
	export LD_LIBRARY_PATH=$build/lib/.libs
	ng=${NVIO_DEVS%% *}
	blk=/dev/nvme${ng#/dev/ng}
	res=/tmp/rust-tokio.results
	echo "# guest: $(uname -r), $(nproc) CPU, QEMU ${NVIO_VM_QEMU:-?}; $ng, $blk"
	for r in $(seq "$rounds"); do
		for qd in 1 32; do
			set -- tpc tokio tokio-fs lat
			# rotate the order each round
			for _ in $(seq $(((r - 1) % 4))); do set -- "$2" "$3" "$4" "$1"; done
			for m in "$@"; do
				if [ "$m" = lat ]; then
					line=$("$nvio" lat "$ng" --qd "$qd" --time "$secs" --mode poll \
						--clock monotonic -o csv 2>/tmp/lat.err |
						awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
							{ printf "mode=lat qd=%s ios=%s secs=%s iops=%s p50_us=%.1f p99_us=%.1f cpu_user_ns_per_io=%s cpu_sys_ns_per_io=%s\n",
							  $c["qd"], $c["ios"], $c["elapsed_s"], $c["iops"], $c["lat_p50_ns"] / 1e3,
							  $c["lat_p99_ns"] / 1e3, $c["cpu_user_ns_per_io"], $c["cpu_sys_ns_per_io"] }') ||
						line=
					[ -n "$line" ] || sed 's/^/# lat: /' /tmp/lat.err
				else
					# one flat JSON object: {"mode":"tpc","qd":1,...}
					line=$("$b" "$m" "$ng" "$blk" "$qd" "$secs" | sed 's/[{}"]//g; s/,/ /g; s/:/=/g') ||
						line=
				fi
				if [ -n "$line" ]; then
					echo "RESULT round=$r $line"
				else
					echo "# FAILED round=$r qd=$qd mode=$m"
				fi
			done
		done
	done | tee "$res"
	if grep -q '^# FAILED' "$res"; then
		# a reset or timed-out command would show here
		dmesg | grep -i nvme | tail -8 | sed 's/^/# dmesg: /'
	fi
	summary <"$res"
	exit 0
fi

while [ $# -gt 0 ]; do
	case $1 in
	--build|--rounds|--time|--kernel|--qemu)
		[ $# -ge 2 ] || { echo "rust-tokio: $1 needs a value" >&2; exit 2; } ;;
	esac
	case $1 in
	--build) build=$(realpath -m "$2"); shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--time) secs=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--qemu) qemu=$2; shift 2 ;;
	--no-build) do_build=0; shift ;;
	-h|--help) sed -n '3,45p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "rust-tokio: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
for v in "rounds:$rounds" "time:$secs"; do
	if ! [[ ${v#*:} =~ ^[0-9]+$ ]] || ((10#${v#*:} < 1 || 10#${v#*:} > 1000)); then
		echo "rust-tokio: --${v%%:*} '${v#*:}': a whole number from 1 to 1000 is needed" >&2
		exit 2
	fi
done
rounds=$((10#$rounds)) secs=$((10#$secs))
case $kernel in
bookworm|trixie|sid) ;;
*) echo "rust-tokio: --kernel '$kernel': bookworm, trixie or sid" >&2; exit 2 ;;
esac
case $qemu in
7.2|10) ;;
*) echo "rust-tokio: --qemu '$qemu': 7.2 or 10" >&2; exit 2 ;;
esac
"$src/tests/vm/nvme-vm" --kernel "$kernel" --list-topologies >/dev/null || exit 2
bash "$src/tools/install-deps.sh" rustc cargo librust-tokio-dev librust-libc-dev || exit 2
if [ "$do_build" = 1 ]; then
	if [ ! -f "$build/Makefile" ]; then
		[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh)
		mkdir -p "$build"
		(cd "$build" && "$src/configure" -q)
	fi
	make -C "$build" -j"$(nproc)" -s lib/libnvio.la tools/nvio
fi
mkdir -p "$build"
for f in lib/.libs/libnvio.so tools/.libs/nvio; do
	[ -e "$build/$f" ] || { echo "rust-tokio: $build/$f: not built" >&2; exit 2; }
done
(cd "$src/bindings/rust" &&
	PATH=/usr/bin:$PATH CARGO_TARGET_DIR=$build/rust-target CARGO_HOME=$build/rust-cargo-home \
	NVIO_LIB_DIR=$build/lib/.libs NVIO_INCLUDE_DIR=$src/include \
	cargo build --offline --release --features nvio/tokio --example bench -q)
echo "# bench/rust-tokio.sh --build $build --rounds $rounds --time $secs --kernel $kernel --qemu $qemu"
echo "# host: $(uname -r), $(nproc) CPUs; $(date -u +%Y-%m-%dT%H:%MZ)"
# the guest's bound: twice the expected time (8 runs a round, each its
# seconds plus some 3 s of start-up; the boot in 300 s)
limit=$((2 * (rounds * 8 * (secs + 3) + 300)))
NVIO_VM_SMP=1 exec "$src/tests/vm/nvme-vm" --kernel "$kernel" --topology null --qemu "$qemu" --timeout "$limit" \
	--unhide "$build" -- \
	"$src/bench/rust-tokio.sh" --in-guest "$build" "$rounds" "$secs"
