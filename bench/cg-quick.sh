#!/bin/bash
# cg-quick.sh BUILD: callgrind instructions per QD1 polled read, nvio vs
# the floor, run inside the null topology (bench/run-bench does the same
# among its other measurements; this is the short loop for tuning lib/).
# LAT_ARGS adds options to nvio lat (--wait kernel), FLOOR_ARGS to the
# floor (--spin).
b=$1; ng=${2:-/dev/ng0n1}; n=${3:-5000}; out=$(mktemp -d)
cg() { # tool count
	case $1 in
	nvio) valgrind --tool=callgrind --callgrind-out-file="$out/$1.$2" \
		--toggle-collect=run_closed "$b/tools/lat/nvio-lat" lat "$ng" --qd 1 \
		--count "$2" --warmup 0 --mode poll --clock tsc -o csv ${LAT_ARGS:-} \
		>/dev/null 2>&1 ;;
	floor) valgrind --tool=callgrind --callgrind-out-file="$out/$1.$2" \
		--toggle-collect=floor_loop "$b/bench/floor" --qd 1 --count "$2" \
		--clock tsc ${FLOOR_ARGS:-} "$ng" >/dev/null 2>&1 ;;
	esac
	callgrind_annotate --inclusive=no --auto=no --threshold=100 "$out/$1.$2" 2>/dev/null |
		awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
for t in nvio floor; do
	a=$(cg $t $n); c=$(cg $t $((2 * n)))
	echo "$t ${LAT_ARGS:-}${FLOOR_ARGS:-}: $(( (c - a) / n )) instructions per read"
	[ "$t" = nvio ] && callgrind_annotate --inclusive=no --auto=no "$out/$t.$((2 * n))" 2>/dev/null | sed -n '/Ir/,$p' | head -25
done
rm -rf "$out"
