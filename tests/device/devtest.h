/* SPDX-License-Identifier: MIT */
/*
 * devtest.h - the small frame every device test shares. Device tests run
 * against the real kernel driver (in the QEMU guest of tests/vm/nvme-vm)
 * and end with exit 0 (pass), 77 (skip, with the reason printed) or 1.
 *
 * The device comes from $NVIO_DEV, else the first of $NVIO_DEVS (set by
 * the VM harness per topology), else /dev/ng0n1.
 */
#ifndef NVIO_DEVTEST_H
#define NVIO_DEVTEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nvio.h>

static int dt_failures;
static const char *dt_name = "device test";

__attribute__((noreturn, format(printf, 1, 2))) static inline void
dt_skip(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP %s: ", dt_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(77);
}

__attribute__((noreturn, format(printf, 1, 2))) static inline void
dt_fatal(const char *fmt, ...)
{
	va_list ap;

	printf("FATAL %s: ", dt_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			dt_failures++;                                         \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
		}                                                              \
	} while (0)

#define CHECK_RC(rc, want)                                                     \
	CHECK((rc) == (want), "got %d (%s), want %d (%s)", (rc),              \
	      nvio_strerror(rc), (want), nvio_strerror(want))

/* nvio_queue_reap, called again after -EINTR: on polled queues a reap
 * that also submitted says -EINTR when the kernel's polling loop yields
 * the CPU, signal or not (nvio_queue_reap(3)). */
static inline int dt_reap(struct nvio_queue *q, struct nvio_cpl *cpl,
			  unsigned max, unsigned min)
{
	int rc;

	do
		rc = nvio_queue_reap(q, cpl, max, min);
	while (rc == -EINTR);
	return rc;
}

static inline int dt_done(void)
{
	if (dt_failures) {
		printf("%s: %d check(s) failed\n", dt_name, dt_failures);
		return 1;
	}
	printf("ok %s\n", dt_name);
	return 0;
}

static inline const char *dt_dev_path(void)
{
	static char first[256];
	const char *p = getenv("NVIO_DEV");

	if (p && *p)
		return p;
	p = getenv("NVIO_DEVS");
	if (p && *p) {
		size_t n = strcspn(p, " ");
		snprintf(first, sizeof(first), "%.*s", (int)n, p);
		return first;
	}
	return "/dev/ng0n1";
}

static inline struct nvio_dev *dt_open_path(const char *path)
{
	struct nvio_dev *dev;
	int rc;

	if (access(path, F_OK))
		dt_skip("%s does not exist (no NVMe namespace here; run in the VM: tests/vm/nvme-vm)",
			path);
	rc = nvio_dev_open(path, NULL, &dev);
	if (rc == -EACCES || rc == -EPERM)
		dt_skip("%s: %s (needs root)", path, nvio_strerror(rc));
	if (rc)
		dt_fatal("nvio_dev_open(%s): %s", path, nvio_strerror(rc));
	return dev;
}

static inline struct nvio_dev *dt_open(void)
{
	return dt_open_path(dt_dev_path());
}

static inline struct nvio_queue *dt_queue(struct nvio_dev *dev, uint32_t depth,
					  uint32_t flags)
{
	struct nvio_queue_opts o = { .sz = sizeof(o), .depth = depth,
				     .flags = flags, .sqpoll_cpu = -1 };
	struct nvio_queue *q;
	int rc = nvio_queue_create(dev, &o, &q);

	if (rc)
		dt_fatal("nvio_queue_create(depth %u, flags %#x): %s", depth,
			 flags, nvio_strerror(rc));
	return q;
}

/* Seconds on the monotonic clock. */
static inline double dt_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t dt_rng_state = 0x9e3779b97f4a7c15ull;

static inline void dt_seed(void)
{
	const char *s = getenv("NVIO_SEED");

	dt_rng_state = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)getpid();
	if (!dt_rng_state)
		dt_rng_state = 1;
	printf("%s: seed %#" PRIx64 " (set NVIO_SEED to repeat)\n", dt_name,
	       dt_rng_state);
}

static inline uint64_t dt_rand(void)
{
	uint64_t x = dt_rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return dt_rng_state = x;
}

static inline void dt_fill(void *buf, size_t len)
{
	uint64_t *p = buf;

	for (size_t i = 0; i < len / 8; i++)
		p[i] = dt_rand();
}

#endif
