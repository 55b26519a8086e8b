/* SPDX-License-Identifier: MIT */
/* What the device says no to comes back as an NVMe status in res, with a
 * readable string, and never as a success: a read past the end (sent raw,
 * past the library's own check), an unknown opcode, an I/O to the wrong
 * namespace. */
#include "devtest.h"

int main(void)
{
	dt_name = "errors";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	uint32_t per = di->lba_size + (di->md_extended ? di->md_size : 0);
	struct nvio_queue *q = dt_queue(dev, 4, 0);
	void *buf = nvio_buf_alloc(per);
	struct nvio_cmd c;
	struct nvio_cpl cpl;
	int rc;

	/* LBA out of range: DNR + SCT 0 SC 0x80 */
	nvio_cmd_read(&c, di->nsid, di->nsze, 1, 0);
	rc = nvio_passthru(q, &c, buf, per, NULL, 0, NULL);
	printf("%s: read past end on %s -> %#x (%s)\n", dt_name, di->transport,
	       rc, nvio_strerror(rc));
	if (!strcmp(di->transport, "pcie")) {
		CHECK(rc > 0 && nvio_status_sc(rc) == NVIO_SC_LBA_RANGE &&
			      nvio_status_sct(rc) == 0 && nvio_status_dnr(rc),
		      "read past end: %#x (%s)", rc, nvio_strerror(rc));
		CHECK(strstr(nvio_strerror(rc), "LBA Out of Range") != NULL,
		      "'%s'", nvio_strerror(rc));
	} else {
		/* Linux's nvmet target answers with its own status (Internal
		 * Error, DNR, seen on 6.1), still a status and never success */
		CHECK(rc > 0 && nvio_status_dnr(rc), "read past end: %#x (%s)",
		      rc, nvio_strerror(rc));
	}
	/* the same through the async path */
	CHECK_RC(nvio_queue_passthru(q, &c, buf, per, NULL, 0, (void *)9), 0);
	CHECK_RC(dt_reap(q, &cpl, 1, 1), 1);
	CHECK(cpl.res == rc && cpl.user == (void *)9, "async res %#x", cpl.res);

	/* unknown I/O opcode (vendor range, no data): Invalid Opcode */
	nvio_cmd_init(&c, 0x7c, di->nsid);
	rc = nvio_passthru(q, &c, NULL, 0, NULL, 0, NULL);
	CHECK(rc > 0 && nvio_status_sc(rc) == NVIO_SC_INVALID_OPCODE &&
		      nvio_status_dnr(rc),
	      "bad opcode: %#x (%s)", rc, nvio_strerror(rc));
	CHECK(strstr(nvio_strerror(rc), "Invalid Command Opcode") != NULL,
	      "'%s'", nvio_strerror(rc));

	/* another namespace's id: refused by nvio before the kernel would
	 * log and return -EINVAL */
	nvio_cmd_read(&c, di->nsid + 1, 0, 1, 0);
	CHECK_RC(nvio_passthru(q, &c, buf, per, NULL, 0, NULL), -EXDEV);
	CHECK(nvio_queue_inflight(q) == 0, "nothing left in flight");

	/* after errors the queue still works */
	CHECK_RC(nvio_read(q, 0, 1, buf, per, 0), 0);
	nvio_buf_free(buf);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
