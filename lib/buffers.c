/* SPDX-License-Identifier: MIT */
/*
 * buffers.c - page-aligned buffers: aligned so the kernel can map them
 * directly for DMA instead of bouncing through a copy.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nvio-private.h"

void *nvio_buf_alloc(size_t size)
{
	size_t full;
	void *p = NULL;

	if (!size || size > SIZE_MAX - NVIO_PAGE)
		return NULL;
	full = (size + NVIO_PAGE - 1) & ~(size_t)(NVIO_PAGE - 1);
	if (posix_memalign(&p, NVIO_PAGE, full))
		return NULL;
	memset(p, 0, full);
	return p;
}

void nvio_buf_free(void *buf)
{
	free(buf);
}
