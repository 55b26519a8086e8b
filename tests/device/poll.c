/* SPDX-License-Identifier: MIT */
/* IOPOLL really polls: with poll queues, polled reads raise (almost) no
 * NVMe I/O interrupts while interrupt-mode reads raise about one each.
 * Without poll queues the queue falls back to interrupts and says so, and
 * a queue that requires polling is refused. */
#include "devtest.h"

/* Sum of interrupts on this controller's I/O queues (nvme0q1, ...). */
static uint64_t nvme_irqs(const char *ctrl)
{
	char line[4096], tag[32];
	uint64_t sum = 0;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return 0;
	snprintf(tag, sizeof(tag), "%sq", ctrl);
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, tag);
		if (!p || p[strlen(tag)] == '0') /* q0 is the admin queue */
			continue;
		char *s = strchr(line, ':');
		if (!s)
			continue;
		s++;
		for (;;) {
			char *e;
			unsigned long long v = strtoull(s, &e, 10);
			if (e == s)
				break;
			sum += v;
			s = e;
		}
	}
	fclose(f);
	return sum;
}

static void reads(struct nvio_queue *q, void *buf, uint32_t lb, int n)
{
	for (int i = 0; i < n; i++)
		CHECK_RC(nvio_read(q, (uint64_t)i, 1, buf, lb, 0), 0);
}

int main(void)
{
	dt_name = "poll";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	const char *ctrl = strrchr(di->ctrl_path, '/') + 1;
	void *buf = nvio_buf_alloc(di->lba_size);
	struct nvio_queue_opts o = { .sz = sizeof(o), .depth = 4,
				     .sqpoll_cpu = -1 };
	struct nvio_queue *q;
	const int N = 200;
	uint64_t before, polled_irqs, irq_irqs;
	int rc;

	if (di->md_size)
		dt_skip("namespace has metadata");
	if (strcmp(di->transport, "pcie"))
		dt_skip("transport %s: interrupt counting needs PCIe", di->transport);
	if (!nvme_irqs(ctrl) && access("/proc/interrupts", R_OK))
		dt_skip("no /proc/interrupts");

	if (!di->poll_queues) {
		/* fallback: visible, and refused when polling is required */
		q = dt_queue(dev, 4, 0);
		CHECK(!(nvio_queue_flags(q) & NVIO_QF_POLLED) &&
			      (nvio_queue_flags(q) & NVIO_QF_IRQ_FALLBACK),
		      "fallback flags %#x", nvio_queue_flags(q));
		reads(q, buf, di->lba_size, 20);
		nvio_queue_destroy(q);
		o.flags = NVIO_QUEUE_POLL;
		CHECK_RC(nvio_queue_create(dev, &o, &q), -EOPNOTSUPP);
		printf("%s: no poll queues: interrupt fallback flagged\n", dt_name);
		nvio_buf_free(buf);
		nvio_dev_close(dev);
		return dt_done();
	}

	/* A default queue polls only where polled completions are safe;
	 * elsewhere it takes interrupts and says why. */
	q = dt_queue(dev, 4, 0);
	if (!nvio_kernel_polls_safely())
		CHECK((nvio_queue_flags(q) &
		       (NVIO_QF_POLLED | NVIO_QF_POLL_UNSAFE | NVIO_QF_IRQ_FALLBACK)) ==
			      NVIO_QF_POLL_UNSAFE,
		      "default queue on a poll-unsafe kernel: flags %#x",
		      nvio_queue_flags(q));
	else
		CHECK((nvio_queue_flags(q) &
		       (NVIO_QF_POLLED | NVIO_QF_POLL_UNSAFE)) == NVIO_QF_POLLED,
		      "default queue: flags %#x", nvio_queue_flags(q));
	reads(q, buf, di->lba_size, 5);
	nvio_queue_destroy(q);
	printf("%s: default queue %s (quirk poll-unsafe or poll-status %s)\n", dt_name,
	       !nvio_kernel_polls_safely() ? "takes interrupts"
							  : "polls",
	       !nvio_kernel_polls_safely() ? "applies"
							  : "does not apply");

	o.flags = NVIO_QUEUE_POLL;
	CHECK_RC(nvio_queue_create(dev, &o, &q), 0);
	CHECK(nvio_queue_flags(q) & NVIO_QF_POLLED, "polled flag");
	CHECK(!!(nvio_queue_flags(q) & NVIO_QF_POLL_UNSAFE) ==
		      !nvio_kernel_polls_safely(),
	      "POLL_UNSAFE on an explicitly polled queue: flags %#x",
	      nvio_queue_flags(q));
	CHECK(!(nvio_queue_flags(q) & NVIO_QF_IRQ_FALLBACK), "no fallback");
	/* quirk iopoll-exit-spin: no DEFER_TASKRUN on polled rings before
	 * 6.16; after, whatever the kernel takes */
	if (nvio_quirk_applies(NVIO_QUIRK_IOPOLL_EXIT_SPIN))
		CHECK(!(nvio_queue_flags(q) & NVIO_QF_DEFER_TASKRUN),
		      "a polled queue uses DEFER_TASKRUN where quirk "
		      "iopoll-exit-spin applies: flags %#x",
		      nvio_queue_flags(q));
	printf("%s: polled queue task work: %s\n", dt_name,
	       (nvio_queue_flags(q) & NVIO_QF_DEFER_TASKRUN) ? "DEFER_TASKRUN"
	       : (nvio_queue_flags(q) & NVIO_QF_COOP_TASKRUN) ? "COOP_TASKRUN"
							       : "neither");
	CHECK_RC(nvio_queue_event_fd(q), -EOPNOTSUPP);
	reads(q, buf, di->lba_size, 5); /* warm up */
	before = nvme_irqs(ctrl);
	reads(q, buf, di->lba_size, N);
	polled_irqs = nvme_irqs(ctrl) - before;
	nvio_queue_destroy(q);

	/* Hybrid polling: from 6.15 (quirk no-hybrid-poll) a polled queue
	 * that reads like any other; before, refused up front, since 6.13
	 * and 6.14 take the flag and can hang passthrough. */
	o.flags = NVIO_QUEUE_HYBRID_POLL;
	rc = nvio_queue_create(dev, &o, &q);
	if (nvio_quirk_applies(NVIO_QUIRK_NO_HYBRID_POLL)) {
		CHECK_RC(rc, -EOPNOTSUPP);
	} else {
		CHECK_RC(rc, 0);
		if (rc == 0) {
			CHECK((nvio_queue_flags(q) &
			       (NVIO_QF_POLLED | NVIO_QF_HYBRID_POLL)) ==
				      (NVIO_QF_POLLED | NVIO_QF_HYBRID_POLL),
			      "hybrid flags %#x", nvio_queue_flags(q));
			reads(q, buf, di->lba_size, 20);
			nvio_queue_destroy(q);
		}
	}
	printf("%s: hybrid polling %s\n", dt_name,
	       rc == 0 ? "works" : nvio_strerror(rc));

	o.flags = NVIO_QUEUE_IRQ;
	CHECK_RC(nvio_queue_create(dev, &o, &q), 0);
	CHECK(!(nvio_queue_flags(q) & (NVIO_QF_POLLED | NVIO_QF_IRQ_FALLBACK)),
	      "irq flags %#x", nvio_queue_flags(q));
	before = nvme_irqs(ctrl);
	reads(q, buf, di->lba_size, N);
	irq_irqs = nvme_irqs(ctrl) - before;
	nvio_queue_destroy(q);
	printf("%s: %d reads: %" PRIu64 " interrupts polled, %" PRIu64 " with interrupts\n",
	       dt_name, N, polled_irqs, irq_irqs);
	CHECK(irq_irqs >= (uint64_t)N / 2, "interrupt mode raised interrupts");
	CHECK(polled_irqs <= (uint64_t)N / 10, "polled mode raised few interrupts");
	nvio_buf_free(buf);
	nvio_dev_close(dev);
	return dt_done();
}
