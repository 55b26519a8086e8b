#!/bin/bash
# test-bad-input.sh - one table of bad command lines: each must end with
# the exit code given (2 usage error, 3 system error), with a message that
# names what was wrong, and with nothing sent. The device named does not
# exist, so a command line that got as far as opening it would say
# "cannot open"; the usage rows must be refused before that. Runs on the
# host in the build tree under `make check`.
#
# With NVIO_BAD_INPUT_DEV=/dev/ngXnY (the VM suite sets it) the same rows
# run against a real namespace, plus rows that need one (past its end, a
# size not a multiple of its LBA size), and the controller's SMART counts
# of read and write commands must not move: nothing was sent.
NVIO=${NVIO:-./tools/nvio}
[ -x "$NVIO" ] || { echo "SKIP: $NVIO not built"; exit 77; }
D=${NVIO_BAD_INPUT_DEV:-/dev/nvio-test-no-such-device}
pass=0 fail=0

counts() { # host read and write commands, from the SMART log
	"$NVIO" get-log "$D" --log-id smart -o json 2>/dev/null | tr -d '\n ' |
		sed -n 's/.*"host_read_commands":"\{0,1\}\([0-9][0-9]*\).*"host_write_commands":"\{0,1\}\([0-9][0-9]*\).*/\1 \2/p'
}
if [ -n "${NVIO_BAD_INPUT_DEV:-}" ]; then
	before=$(counts)
	[ -n "$before" ] || { echo "SKIP: no SMART log from $D"; exit 77; }
fi

# row RC REGEX ARGS...
row() {
	local want=$1 re=$2 err rc
	shift 2
	err=$("$NVIO" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -Eq -- "$re" <<<"$err"; then
		echo "FAIL: nvio $*: exit $rc (want $want), stderr: $err"
		fail=$((fail + 1))
	elif [ "$want" = 2 ] && grep -q "cannot open" <<<"$err"; then
		echo "FAIL: nvio $*: a usage error after opening the device: $err"
		fail=$((fail + 1))
	else
		echo "PASS: nvio $*"
		pass=$((pass + 1))
	fi
}

# numbers, sizes, ranges
row 2 "block-count: 0 LBAs"                      read "$D" -c 0
row 2 "block-count: 'abc' is not a number"       read "$D" -c abc
row 2 "start-block: '-1' is not a number"        read "$D" -s -1 -c 1
row 2 "start-block: '99999999999999999999'"      read "$D" -s 99999999999999999999 -c 1
row 2 "data-size: 0 bytes"                       read "$D" -c 1 -z 0
row 2 "data-size: '12x' is not a size"           read "$D" -c 1 -z 12x
row 2 "block-count: 0 LBAs"                      write-zeroes "$D" -c 0
row 2 "range: '5' is not SLBA:NLB"               trim "$D" --range 5
row 2 "range: '1:0' has zero LBAs"               trim "$D" --range 1:0
row 2 "range: 'a:b' is not SLBA:NLB"             trim "$D" --range a:b
row 2 "pattern: '256' is too large"              write "$D" -c 1 --pattern 256
row 2 "pattern: 'x' is not a number"             write "$D" -c 1 --pattern x
row 2 "pattern: '-3' is not a number"            compare "$D" -c 1 --pattern -3
row 2 "namespace-id: 0 is not a namespace"       id-ns "$D" -n 0
row 2 "namespace-id: 'abc' is not a number"      id-ns "$D" -n abc
row 2 "namespace-id: 0 is not a namespace"       flush "$D" -n 0
row 2 "timeout: 'abc' is not a number"           read "$D" -c 1 -t abc
row 2 "timeout: '4294967296' is too large"       verify "$D" -c 1 --timeout 4294967296
# what a command needs, and what excludes what
row 2 "give the page with --log-id"              get-log "$D"
row 2 "log-id: 'nosuch' is not a log page"       get-log "$D" --log-id nosuch
row 2 "log-id: '300' is not a log page"          get-log "$D" --log-id 300
row 2 "log-len: 3 is not a multiple of 4"        get-log "$D" --log-id smart --log-len 3
row 2 "give the feature with --feature-id"       get-feature "$D"
row 2 "sel: '9' is not current"                  get-feature "$D" -f 7 -s 9
row 2 "feature-id: '300' is too large"           get-feature "$D" -f 300
row 2 "give the value with --value"              set-feature "$D" -f 7
row 2 "give the feature with --feature-id"       set-feature "$D" -v 1
row 2 "give the command with --opcode"           io-passthru "$D"
row 2 "--read and --write exclude each other"    io-passthru "$D" --opcode 2 -r -w
row 2 "opcode: '0x100' is too large"             io-passthru "$D" --opcode 0x100
# the command line's shape
row 2 "output-format: 'xml' is not normal or json" id-ctrl "$D" -o xml
row 2 "no device given"                          id-ctrl
row 2 "unexpected argument 'extra'"              id-ctrl "$D" extra
row 2 "unknown command 'frobnicate'"             frobnicate
row 2 "option -t needs a value \(--timeout\)"    read "$D" -c 1 -t
row 2 "fua takes no value"                       read "$D" --fua=1 -c 1
row 2 "unknown option '--force'"                 doctor "$D" --force
# nvio lat and sweep
row 2 "qd: '0' is not a queue depth"             lat "$D" --qd 0
row 2 "qd: '5000' is not a queue depth"          lat "$D" --qd 5000
row 2 "mode: 'fast' is not poll"                 lat "$D" --mode fast
row 2 "rw: 'up' is not read, write or mix"       lat "$D" --rw up
row 2 "time: '-1' is not a positive duration"    lat "$D" --time -1
row 2 "rate: '0' is not a positive rate"         lat "$D" --rate 0
row 2 "threads: '0' is not a thread count"       lat "$D" -j 0
row 2 "range: '5' is not SLBA:NLB"               lat "$D" --range 5
row 2 "count: '0' is not a positive count"       lat "$D" --count 0
row 2 "clock: 'hpet' is not tsc or monotonic"    lat "$D" --clock hpet
row 2 "timeout: '1s' is not a number of milliseconds" lat "$D" --timeout 1s
row 2 "qd-list: '1,,2' is not a list of depths"  sweep "$D" --qd-list 1,,2
row 2 "modes: 'poll,x' is not a list"            sweep "$D" --modes poll,x
row 2 "wait: 'nap' is not kernel, spin or hybrid" lat "$D" --wait nap
row 2 "mode irq with --wait hybrid: hybrid polling needs --mode poll" lat "$D" --mode irq --wait hybrid
row 2 "mode hybrid with --wait spin"             lat "$D" --mode hybrid --wait spin
row 2 "waits is for sweep; use --wait"           lat "$D" --waits kernel,spin
row 2 "waits: 'kernel,nap' is not a list"        sweep "$D" --waits kernel,nap
row 2 "modes sqpoll with --waits hybrid"         sweep "$D" --modes poll,sqpoll --waits kernel,hybrid
# nvio soak
row 2 "bs: 100 bytes is out of range"            soak "$D" --bs 100
row 2 "threads: at least 1"                      soak "$D" -j 0
row 2 "qd: at least 1"                           soak "$D" --qd 0
row 2 "flush-ms: at least 10 ms"                 soak "$D" --flush-ms 5
row 2 "mode: 'fast' is not poll or irq"          soak "$D" --mode fast
row 2 "touch-after: '1G' is not SIZE:FILE"       soak "$D" --touch-after 1G
row 2 "check needs --journal"                    soak "$D" --check
row 2 "check writes nothing"                     soak "$D" --check --journal j --bytes 1M
row 2 "size: 0 bytes is no region"               soak "$D" --size 0
row 2 "time: at least 1 s"                       soak "$D" --time 0
row 2 "namespace-id: 0 is not a namespace"      soak "$D" -n 0
row 3 "reading the journal /nonexistent/j"       soak "$D" --check --journal /nonexistent/j
# copy and write-uncor
row 2 "sdlba.*range"                             copy "$D" --range 1:2
row 2 "sdlba.*range"                             copy "$D" --sdlba 5
row 2 "range: .*zero LBAs"                       copy "$D" --sdlba 5 --range 1:0
row 2 "sdlba"                                    copy "$D" --sdlba x --range 1:2
row 2 "give the LBA count"                       write-uncor "$D" -s 5

# zone
row 2 "no zone command"                          zone
row 2 "unknown zone command"                     zone frobnicate "$D"
row 2 "state: 'sleepy'"                          zone report "$D" -S sleepy
row 2 "descs: 0 zones"                           zone report "$D" -d 0
row 2 "-s SLBA.*--select-all"                    zone open "$D"
row 2 "-s SLBA.*--select-all"                    zone reset "$D" -s 0 -a
row 2 "give the zone with -s"                    zone append "$D" -c 1 --pattern 0
row 2 "-d FILE or --pattern"                     zone append "$D" -s 0 -c 1
row 2 "block-count"                              zone append "$D" -s 0 -c 70000 --pattern 0

row 2 "unknown zone command"                     zone id-foo "$D"

# flexible data placement
row 2 "no fdp command"                           fdp
row 2 "unknown fdp command"                      fdp frobnicate "$D"
row 2 "no placement ids"                         fdp update "$D"
row 2 "pids: '0x10000'"                          fdp update "$D" -p 1,0x10000
row 2 "pids"                                     fdp update "$D" -p 1,,2
row 2 "endgrp-id: 0"                             fdp configs "$D" -e 0
row 2 "endgrp-id"                                fdp stats "$D" -e 65536
row 2 "raw-binary and -o json"                   fdp status "$D" -b -o json
row 2 "dir-spec needs --dir-type"                write "$D" -c 1 --pattern 0 --dir-spec 3
row 2 "dir-type: '16'"                           write "$D" -c 1 --pattern 0 --dir-type 16 --dir-spec 3
row 2 "dir-spec: '65536'"                        write "$D" -c 1 --pattern 0 --dir-type 2 --dir-spec 65536
row 2 "zoned: 'seq'"                             lat "$D" -w write --zoned seq
row 2 "zoned applies to writes"                  lat "$D" --zoned append
row 2 "placement: 'x'"                           lat "$D" -w write --placement x
row 2 "placement applies to writes"              lat "$D" --placement all
row 2 "placement and --zoned"                    lat "$D" -w write --zoned append --placement 1

# selftest
row 2 "scratch: '100' is not SLBA\+COUNT"        selftest "$D" --scratch 100
row 2 "scratch: a COUNT of 0"                    selftest "$D" --scratch 8+0
row 2 "p99-bound: 0"                             selftest "$D" --p99-bound 0
row 2 "poll-bound"                               selftest "$D" --poll-bound x
row 2 "poll-bound: 0"                            selftest "$D" --poll-bound 0
row 2 "format: 'xml'"                            selftest "$D" --format xml
row 2 "quick and --long"                         selftest "$D" --quick --long
row 2 "destructive.*--force"                     selftest "$D" --destructive
row 2 "format and -o json"                       selftest "$D" --format tap -o json

# list-ns
row 2 "no device given"                          list-ns
row 2 "namespace-id: .*x"                        list-ns "$D" -n x

# metadata and protection information options
row 2 "prinfo: .*16"                             read "$D" -c 1 --prinfo 16 -d /dev/null
row 2 "app-tag: .*65536|app-tag"                 write "$D" -c 1 --pattern 0 --pi --app-tag 65536
row 2 "app-tag-mask"                             read "$D" -c 1 --app-tag-mask 0x10000 -d /dev/null
row 2 "ref-tag"                                  write "$D" -c 1 --pattern 0 --pi --ref-tag 0x1000000000000
row 2 "metadata-size"                            read "$D" -c 1 --metadata-size 8x -d /dev/null

# a path that is not a device: named, exit 3
[ -z "${NVIO_BAD_INPUT_DEV:-}" ] &&
	row 3 "cannot open: no such file or device" verify "$D" -c 1
row 3 "cannot open.*(regular file|not)"          read /etc/hostname -c 1
row 3 "cannot open.*directory"                   id-ctrl /tmp
if [ -n "${NVIO_BAD_INPUT_DEV:-}" ]; then
	# rows that need the namespace: refused after opening it, unsent
	nsze=$("$NVIO" id-ns "$D" -o json | tr -d '\n ' | sed -n 's/.*"nsze":\([0-9]*\).*/\1/p')
	uerr() { # like row, but opening the device is allowed
		local want=$1 re=$2 err rc
		shift 2
		err=$("$NVIO" "$@" 2>&1 >/dev/null)
		rc=$?
		if [ "$rc" = "$want" ] && grep -Eq -- "$re" <<<"$err"; then
			echo "PASS: nvio $*"; pass=$((pass + 1))
		else
			echo "FAIL: nvio $*: exit $rc (want $want): $err"; fail=$((fail + 1))
		fi
	}
	uerr 2 "past the end of the namespace"   read "$D" -s "$nsze" -c 1 -d /dev/null
	uerr 2 "outside the namespace"           selftest "$D" --scratch "$nsze+8"
	uerr 2 "past the end of the namespace"   write "$D" -s "$((nsze - 1))" -c 2 --pattern 0 --force
	uerr 2 "past the end of the namespace"   verify "$D" -s "$nsze" -c 1
	uerr 2 "give the LBA count"              verify "$D"
	uerr 2 "bs|LBA size"                     lat "$D" --bs 1000 --time 1
	uerr 2 "range"                           lat "$D" --range "$nsze:8" --time 1
	uerr 2 "data-size|LBA"                   read "$D" -c 1 -z 100 -d /dev/null
	uerr 2 "not a multiple of the LBA size"  soak "$D" --bs 1000 --force
	uerr 2 "pass the namespace's end"        soak "$D" --size 1T --force
	# PI and metadata options on a format with neither
	uerr 2 "no protection information"       write "$D" -c 1 --pattern 0 --pi --force
	uerr 2 "no protection information"       read "$D" -c 1 --prinfo 8 -d /dev/null
	uerr 2 "no protection information"       verify "$D" -c 1 --prinfo 7
	uerr 2 "has no metadata"                 read "$D" -c 1 -M /dev/null -d /dev/null
	after=$(counts)
	if [ "$before" = "$after" ]; then
		echo "PASS: SMART read/write command counts unchanged ($after)"; pass=$((pass + 1))
	else
		echo "FAIL: SMART read/write command counts moved: $before -> $after"; fail=$((fail + 1))
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
