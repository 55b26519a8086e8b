/* The public header alone, first and only: it must compile and link,
 * inline fast path included (as C here, as C++ in header-cxx.sh). */
#include <nvio.h>

/* Never called: the inline read and reap compile in a program of their
 * own, under its warnings, and link against the library's long ways. */
static int use_fast_path(struct nvio_queue *q, void *buf)
{
	struct nvio_cpl cpl;
	int rc = nvio_queue_read(q, 0, 8, buf, 4096, 0, NULL);

	return rc ? rc : nvio_queue_reap(q, &cpl, 1, 1);
}

int (*volatile keep)(struct nvio_queue *, void *) = use_fast_path;

/* nvio_version() (the header's NVIO_VERSION_*) is the package's version
 * (configure.ac's): 0.5.0 shipped saying 0.4.0. header-cxx.sh compiles
 * this file without the package's version. */
#ifndef NVIO_PACKAGE_VERSION
#define NVIO_PACKAGE_VERSION "0"
#define NVIO_VERSION_PREFIX_ONLY 1
#else
#define NVIO_VERSION_PREFIX_ONLY 0
#endif
static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return NVIO_VERSION_PREFIX_ONLY ? !*b : *a == *b;
}

int main(void)
{
	struct nvio_cmd c;

	nvio_cmd_read(&c, 1, 0, 8, NVIO_IO_FUA);
	return c.opcode == NVIO_OP_READ &&
			       same(nvio_version(), NVIO_PACKAGE_VERSION)
		       ? 0
		       : 1;
}
