#!/bin/sh
# nvio.h compiles as C++ too (extern "C", static_assert, the inline fast
# path), for the C++ storage engines that link libnvio.
top=${srcdir:-$(dirname "$0")/../..}
cxx=${CXX_FOR_TEST:-g++}
command -v "$cxx" >/dev/null 2>&1 || { echo "SKIP: no C++ compiler ($cxx)"; exit 77; }
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT
for std in c++11 c++17; do
	if ! "$cxx" -std=$std -Wall -Wextra -Wold-style-cast -Werror -I"$top/include" -x c++ \
		-c "$top/tests/unit/test-header.c" -o "$out"; then
		echo "FAIL: nvio.h does not compile as $std"
		exit 1
	fi
done
echo "ok: nvio.h compiles as C++11 and C++17"
