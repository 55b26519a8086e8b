#!/bin/sh
# Every unit suite once more under valgrind's memcheck (no fork, so the
# tests run in the process valgrind watches): leaks and invalid accesses
# fail. Skips where valgrind is not installed.
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind not installed"; exit 77; }
rc=0
for t in test-encode test-status test-checks test-split test-opts test-sysfs test-reap; do
	if ! CK_FORK=no valgrind -q --error-exitcode=9 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect \
		"tests/unit/$t" >"tests/unit/$t.vg" 2>&1; then
		echo "FAIL: $t under valgrind"; cat "tests/unit/$t.vg"; rc=1
	else
		echo "ok: $t clean under valgrind"
	fi
	rm -f "tests/unit/$t.vg"
done
exit $rc
