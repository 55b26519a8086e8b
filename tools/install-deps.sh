#!/bin/bash
# Installs what building and testing nvio needs on Debian 12, only what is
# missing (as root, through apt). Used by tests/run-all and tools/nvio-demo;
# the VM harness installs its own (QEMU, busybox, kernel) on first use.
deps=(build-essential autoconf automake libtool pkg-config liburing-dev
      libnvme-dev libjson-c-dev check python3 valgrind "$@")
missing=()
for p in "${deps[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
((${#missing[@]})) || exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages: ${missing[*]} (run as root or install them)" >&2
	exit 2
fi
echo "install-deps: installing ${missing[*]}" >&2
apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q "${missing[@]}" >&2 || exit 2
