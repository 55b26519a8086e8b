/* SPDX-License-Identifier: MIT */
/*
 * safety.h - is a namespace in use, or does it hold data someone would
 * miss? Shared by the nvio commands that change data and by `nvio lat`.
 */
#ifndef NVIO_TOOLS_SAFETY_H
#define NVIO_TOOLS_SAFETY_H

#include <stdbool.h>
#include <stddef.h>

/* A filesystem, partition table or volume signature in the first bytes of
 * a device, or NULL. `buf` holds bytes 0..len-1; lba_size tells where LBA 1
 * starts. Pure, unit tested. */
const char *safety_signature(const unsigned char *buf, size_t len,
			     unsigned lba_size);
/* Bytes of the device safety_signature() wants to see. */
#define SAFETY_PROBE_BYTES (68u * 1024u)
/* Is dev (major:minor) or a partition of block device `block` mounted, a
 * swap area, or held by dm/md? Fills `why` and returns true if so. */
bool safety_in_use(const char *sysfs, const char *block, char *why,
		   size_t len);
/* The same with the mount and swap tables named (tests use fakes). */
bool safety_in_use_at(const char *sysfs, const char *mountinfo,
		      const char *swaps, const char *block, char *why,
		      size_t len);
/* One sysfs attribute, trailing newlines and blanks cut: 0 or -errno.
 * Here because both nvio and nvio lat link this file. */
int read_sysfs_str(const char *path, char *buf, size_t len);
#endif
