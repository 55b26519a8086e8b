/* SPDX-License-Identifier: MIT */
/*
 * ffi.c - the inline fast path of nvio.h once more as exported functions,
 * for callers that cannot use C inline functions (bindings through an
 * FFI, dlsym). Defining NVIO_INLINE as empty turns the header's inline
 * definitions into ordinary external ones in this file only.
 */
#define NVIO_INLINE __attribute__((visibility("default")))
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "nvio.h"
