#!/bin/sh
# The shared library exports nvio_ functions only (plus its version node),
# each under the NVIO_ version; internals stay hidden.
lib=lib/.libs/libnvio.so
[ -f "$lib" ] || { echo "SKIP: $lib not built (static-only build?)"; exit 77; }
bad=$(nm -D --defined-only "$lib" | awk '$2 != "A" && $3 !~ /^nvio_[a-z0-9_]+@@NVIO_[0-9.]+$/ { print $3 }')
if [ -n "$bad" ]; then
	echo "unexpected exported symbols:"; echo "$bad"; exit 1
fi
n=$(nm -D --defined-only "$lib" | grep -c ' T nvio_')
[ "$n" -ge 40 ] || { echo "only $n nvio_ functions exported"; exit 1; }
for f in nvio_map_node nvio_queue_push nvio_split nvio_admin_setup; do
	nm -D --defined-only "$lib" | grep -q " $f@" && { echo "internal $f exported"; exit 1; }
done
# The inline fast path of nvio.h is exported too, for FFI callers.
for f in nvio_queue_read nvio_queue_write nvio_queue_compare nvio_queue_reap; do
	nm -D --defined-only "$lib" | grep -q " T $f@@NVIO_" || { echo "inline $f not exported"; exit 1; }
done
echo "ok: $n nvio_ functions exported, nothing else"
