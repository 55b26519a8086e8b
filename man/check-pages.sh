#!/bin/sh
# SPDX-License-Identifier: MIT
#
# check-pages.sh - the man pages keep up with include/nvio.h.
#
# Fails when a public function of the header (NVIO_API, or static inline
# nvio_*) has no page of its own or .so alias, when a page does not name
# the function in its NAME and SYNOPSIS, when man/local.mk and man/*.3
# disagree, when a page lacks a required section, or when the example in
# libnvio.3 differs from man/example.c. With groff installed, it also
# renders every page (aliases through a staged man3/ tree, the way man(1)
# resolves them once installed) and fails on any warning.
#
# Run from anywhere; under "make check" automake sets $srcdir.
# Exit: 0 pass, 1 fail, 99 hard error (the header could not be parsed).

set -u

top=${srcdir:-$(dirname "$0")/..}
hdr=$top/include/nvio.h
man=$top/man
fail=0

err() {
	echo "check-pages: $*" >&2
	fail=1
}

[ -r "$hdr" ] || { echo "check-pages: cannot read $hdr" >&2; exit 99; }

# The public names: the identifier before the first "(" of every
# declaration that starts with NVIO_API, NVIO_INLINE or static inline,
# even when the declaration spans lines. Names starting with nvio_fast_ serve
# the inline fast path and are not for programs to call.
names=$(awk '
	/^(NVIO_API|NVIO_INLINE|static[ \t]+inline)[ \t]/ { decl = ""; on = 1 }
	on {
		decl = decl " " $0
		gsub(/__attribute__\(\([a-z_]*\)\)/, "", decl)
		if (index(decl, "(")) {
			on = 0
			sub(/\(.*/, "", decl)
			n = split(decl, w, /[ \t*]+/)
			if (w[n] !~ /^nvio_fast_/)
				print w[n]
		}
	}' "$hdr" | sort -u)
count=$(printf '%s\n' "$names" | grep -c '^nvio_')
if [ "$count" -eq 0 ]; then
	echo "check-pages: found no public function in $hdr" >&2
	exit 99
fi
for n in $names; do
	case $n in
	nvio_*) ;;
	*) err "$hdr: public function $n lacks the nvio_ prefix" ;;
	esac
done

# Lines of section $2 (from ".SH $2" to the next .SH) of page $1.
section() {
	awk -v s="$2" '
		/^\.SH/ { on = ($0 == ".SH " s || $0 == ".SH \"" s "\"") ; next }
		on' "$1"
}

# The page that documents $1: the page itself, or the target of its .so.
resolve() {
	p=$man/$1.3
	[ -f "$p" ] || return 1
	t=$(sed -n '1s|^\.so man3/\(.*\)$|\1|p' "$p")
	if [ -n "$t" ]; then
		p=$man/$t
		[ -f "$p" ] || return 2
		grep -q '^\.so ' "$p" && return 3
	fi
	echo "$p"
}

for n in $names; do
	page=$(resolve "$n")
	case $? in
	0) ;;
	1) err "$n: no man/$n.3"; continue ;;
	2) err "$n: man/$n.3 points to a page that does not exist"; continue ;;
	*) err "$n: man/$n.3 points to another alias"; continue ;;
	esac
	section "$page" NAME | grep -Eq "(^|[ ,])$n([ ,]|\$)" ||
		err "$n: not in the NAME section of $page"
	section "$page" SYNOPSIS | grep -q "[^a-z_]$n(" ||
		err "$n: not in the SYNOPSIS of $page"
done

# Every page has its sections; .so pages point into man3/.
for p in "$man"/*.3; do
	b=$(basename "$p")
	if grep -q '^\.so ' "$p"; then
		[ "$(wc -l < "$p")" -eq 1 ] && grep -q '^\.so man3/[a-z_]*\.3$' "$p" ||
			err "$b: an alias page is one line: .so man3/PAGE.3"
		continue
	fi
	grep -q '^\.TH [^ ]* 3 ".*" "nvio [0-9.]*" "libnvio Manual"$' "$p" ||
		err "$b: .TH is not: .TH NAME 3 \"DATE\" \"nvio VERSION\" \"libnvio Manual\""
	if [ "$b" = libnvio.3 ]; then
		want="NAME SYNOPSIS DESCRIPTION EXAMPLE SEE_ALSO"
	else
		want="NAME SYNOPSIS DESCRIPTION RETURN_VALUE ERRORS SEE_ALSO"
	fi
	for s in $want; do
		s=$(echo "$s" | tr _ ' ')
		grep -q "^\\.SH \"*$s\"*\$" "$p" || err "$b: no $s section"
	done
done

# man/local.mk lists exactly the pages there are.
listed=$(grep -o 'man/[A-Za-z0-9_]*\.3' "$man/local.mk" | sort -u)
present=$(cd "$top" && ls man/*.3 | sort)
for p in $present; do
	printf '%s\n' "$listed" | grep -qx "$p" || err "$p: not in man/local.mk"
done
for p in $listed; do
	[ -f "$top/$p" ] || err "man/local.mk: $p does not exist"
done

# libnvio.3 shows man/example.c, tabs as four spaces, roff-escaped.
shown=$(awk '
	/^\.SH EXAMPLE/ { sec = 1; next }
	/^\.SH/ { sec = 0 }
	sec && /^\.EE/ { ex = 0 }
	sec && ex { print }
	sec && /^\.EX/ { ex = 1 }' "$man/libnvio.3" |
	sed -e 's/^\\&//' -e 's/\\-/-/g' -e 's/\\e/\\/g')
want=$(awk '{
	s = $0; pre = ""
	while (substr(s, 1, 1) == "\t") { pre = pre "    "; s = substr(s, 2) }
	print pre s }' "$man/example.c")
[ "$shown" = "$want" ] ||
	err "libnvio.3: the EXAMPLE differs from man/example.c"

# Render every page, as installed, when groff is there.
if command -v groff >/dev/null 2>&1; then
	tmp=$(mktemp -d) || exit 99
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/man3" && cp "$man"/*.3 "$tmp/man3/"
	for p in "$man"/*.3; do
		b=$(basename "$p")
		out=$(cd "$tmp" && groff -man -ww -z -Tutf8 "man3/$b" 2>&1)
		[ -z "$out" ] || err "$b: groff: $out"
	done
else
	echo "check-pages: groff not found, pages not rendered" >&2
fi

[ "$fail" -eq 0 ] && echo "check-pages: $count functions, all documented"
exit "$fail"
