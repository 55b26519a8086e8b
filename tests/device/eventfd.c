/* SPDX-License-Identifier: MIT */
/* An interrupt queue's eventfd drives an epoll loop: it becomes readable
 * when completions wait, and the reactor never spins. */
#include <sys/epoll.h>

#include "devtest.h"

int main(void)
{
	dt_name = "eventfd";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	struct nvio_queue *q = dt_queue(dev, 16, NVIO_QUEUE_EVENTFD);
	char *buf = nvio_buf_alloc(16 * (size_t)di->lba_size);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct nvio_cpl cpl[16];
	int efd = nvio_queue_event_fd(q), ep = epoll_create1(0), got = 0,
	    wakeups = 0;

	if (di->md_size)
		dt_skip("namespace has metadata");
	CHECK(efd >= 0, "event fd %d", efd);
	CHECK(nvio_queue_flags(q) & NVIO_QF_EVENTFD, "flag");
	CHECK(!(nvio_queue_flags(q) & NVIO_QF_POLLED), "not polled");
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0, "epoll_ctl");
	/* nothing submitted: not readable */
	CHECK(epoll_wait(ep, &out, 1, 50) == 0, "idle fd not readable");
	for (int i = 0; i < 16; i++)
		CHECK_RC(nvio_queue_read(q, (uint64_t)i, 1,
					 buf + (size_t)i * di->lba_size,
					 di->lba_size, 0, NULL), 0);
	CHECK_RC(nvio_queue_submit(q), 16);
	while (got < 16 && wakeups < 100) {
		int n = epoll_wait(ep, &out, 1, 5000);
		if (n < 0 && errno == EINTR) /* task work ran: CQEs posted */
			continue;
		CHECK(n == 1, "epoll_wait %d", n);
		if (n != 1)
			break;
		uint64_t cnt;
		CHECK(read(efd, &cnt, 8) == 8, "read eventfd");
		wakeups++;
		int r = dt_reap(q, cpl, 16, 0);
		CHECK(r >= 0, "reap %d", r);
		got += r > 0 ? r : 0;
	}
	CHECK(got == 16, "completions via eventfd: %d", got);
	printf("%s: 16 reads, %d wakeups\n", dt_name, wakeups);
	close(ep);
	nvio_buf_free(buf);
	nvio_queue_destroy(q);
	nvio_dev_close(dev);
	return dt_done();
}
