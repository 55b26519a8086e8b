/* SPDX-License-Identifier: MIT */
/*
 * status.c - one string for any result: errno text for res < 0, the NVMe
 * status name for res > 0 (libnvme's table, so the spec is not re-typed).
 */
#define _GNU_SOURCE
#include <string.h>

#include <nvme/types.h>
#include <nvme/util.h>

#include "nvio-private.h"

const char *nvio_strerror(int res)
{
	const char *s;

	if (res == 0)
		return "Success";
	if (res < 0) {
		/* strerrordesc_np is static and thread-safe, unlike
		 * strerror. */
		s = res == -2147483647 - 1 ? NULL : strerrordesc_np(-res);
		return s ? s : "Unknown error";
	}
	/* Generic statuses newer than libnvme 1.3's table (NVMe 2.0's FDP) */
	switch (res & 0x7ff) {
	case NVIO_SC_FDP_DISABLED:
		return "Flexible Data Placement Disabled: FDP is not enabled "
		       "in the namespace's endurance group";
	case NVIO_SC_INVALID_PHL:
		return "Invalid Placement Handle List: a placement handle "
		       "is not valid";
	}
	/* Only SCT and SC name a status; CRD, More and DNR qualify it. */
	s = nvme_status_to_string(res & 0x7ff, false);
	return s ? s : "Unknown NVMe status";
}
