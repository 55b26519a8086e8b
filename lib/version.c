/* SPDX-License-Identifier: MIT */
/* version.c - the library's own version, for callers and bug reports. */
#include "nvio-private.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *nvio_version(void)
{
	return STR(NVIO_VERSION_MAJOR) "." STR(NVIO_VERSION_MINOR) "." STR(
		NVIO_VERSION_PATCH);
}
