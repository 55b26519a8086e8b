#!/bin/sh
# The short form of the crash-consistency soak (tests/vm/soak-kill) for
# make check: 128 MiB acknowledged, QEMU killed, rebooted on the same
# images, every unit checked, then a zeroed and a misdirected unit must be
# found. The long form (1 GiB on basic, 4k and tcp) is run by hand:
#   tests/vm/soak-kill --topology tcp --bytes 1G
exec "$(dirname "$0")/soak-kill" --topology "${NVIO_SOAK_TOPOLOGY:-basic}" \
	--bytes "${NVIO_SOAK_BYTES:-128M}" --build "$PWD"
