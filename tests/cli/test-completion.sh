#!/bin/bash
# test-completion.sh - the bash completion offers every command nvio has,
# and for each command every long option its --help lists, so the two
# cannot drift apart. Runs in the build tree under `make check`.
srcdir=${srcdir:-.}
NVIO=${NVIO:-./tools/nvio}
COMP=$srcdir/tools/nvio.bash-completion
[ -x "$NVIO" ] || { echo "SKIP: $NVIO not built"; exit 77; }
# shellcheck source=/dev/null
. "$COMP" || exit 1
fails=0

complete_words() { # complete_words WORD... : completions of the last word
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_nvio
	printf '%s\n' "${COMPREPLY[@]}"
}

cmds=$("$NVIO" help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 {print $1}')
[ -n "$cmds" ] || { echo "FAIL: no commands in nvio help"; exit 1; }
offered=$(complete_words nvio "")
for c in $cmds; do
	grep -qx -- "$c" <<<"$offered" || { echo "FAIL: command $c not completed"; fails=$((fails + 1)); }
	opts=$("$NVIO" "$c" --help | sed -n '/^Options:/,$p' | grep -o -- '--[a-z0-9-]*' | sort -u)
	got=$(complete_words nvio "$c" --)
	for o in $opts; do
		case $o in --) continue ;; esac
		grep -qx -- "$o" <<<"$got" ||
			{ echo "FAIL: nvio $c: option $o not completed"; fails=$((fails + 1)); }
	done
done
[ "$(complete_words nvio read x -o "")" = "$(printf 'normal\njson')" ] ||
	{ echo "FAIL: -o values"; fails=$((fails + 1)); }
[ "$fails" = 0 ] && echo "PASS: completion covers $(echo $cmds | wc -w) commands" 
exit $((fails > 0))
