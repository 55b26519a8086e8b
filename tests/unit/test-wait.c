/* SPDX-License-Identifier: MIT */
/*
 * Bounded waits and lifetimes without a device: a command that completes
 * only when the test says so is a read of a pipe, queued on the queue's
 * ring beside NVMe commands (which, with no device behind the fd,
 * complete at once with -EBADF). Checks that a reap ends at its deadline
 * and at a signal, that destroy waits for commands in flight and a drain
 * refuses past its bound, that commands not yet sent can be taken back,
 * that a synchronous helper leaves the queue idle after a ring error, and
 * that the timeout reaches every command's entry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static struct nvio_queue *q;
static int pfd[2];
static char pbuf[8];
static char *buf;

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A read of the pipe, queued as nvio queues its own commands. */
static void queue_pipe_read(void *user)
{
	struct io_uring_sqe *sqe =
		&q->ring.sq.sqes[(q->f.sq_tail & q->f.sq_mask) << 1];

	memset(sqe, 0, 2 * sizeof(*sqe));
	io_uring_prep_read(sqe, pfd[0], pbuf, 1, 0);
	sqe->user_data = (uintptr_t)user;
	q->f.sq_tail++;
	q->f.pending++;
	q->f.inflight++;
}

static void setup(void)
{
	q = fake_queue(512, 0, false, 1000, 256, 16);
	q->f.fd = 1000; /* not open: NVMe commands complete with -EBADF */
	nvio_queue_init_words(q);
	ck_assert_int_eq(pipe(pfd), 0);
	buf = nvio_buf_alloc(4096);
}

static void teardown(void)
{
	close(pfd[0]);
	close(pfd[1]);
	nvio_buf_free(buf);
	if (q)
		fake_queue_free(q);
}

START_TEST(deadline_with_none)
{
	struct nvio_cpl c[4];
	uint64_t t0;
	int n;

	queue_pipe_read((void *)1);
	t0 = ms_now();
	n = nvio_queue_reap_timeout(q, c, 4, 1, 50 * 1000000ull);
	ck_assert_int_eq(n, -ETIME);
	ck_assert_uint_ge(ms_now() - t0, 50);
	ck_assert_uint_lt(ms_now() - t0, 1000);
	/* submitted, still in flight, reaped once it completes */
	ck_assert_uint_eq(nvio_queue_inflight(q), 1);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	n = nvio_queue_reap_timeout(q, c, 4, 1, 1000 * 1000000ull);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(c[0].res, 1);
	ck_assert_ptr_eq(c[0].user, (void *)1);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
}
END_TEST

START_TEST(deadline_with_some)
{
	struct nvio_cpl c[4];
	int n;

	queue_pipe_read((void *)1);
	ck_assert_int_eq(nvio_queue_read(q, 0, 1, buf, 512, 0, (void *)2), 0);
	n = nvio_queue_reap_timeout(q, c, 4, 2, 30 * 1000000ull);
	/* fewer than min: the read, not the pipe */
	ck_assert_int_eq(n, 1);
	ck_assert_ptr_eq(c[0].user, (void *)2);
	ck_assert_int_eq(c[0].res, -EBADF);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), 1);
}
END_TEST

/* timeout 0 looks once and waits for nothing */
START_TEST(deadline_zero)
{
	struct nvio_cpl c[4];

	queue_pipe_read((void *)1);
	ck_assert_int_eq(nvio_queue_reap_timeout(q, c, 4, 1, 0), 0);
	ck_assert_uint_eq(nvio_queue_inflight(q), 1);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), 1);
}
END_TEST

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void arm(int flags)
{
	struct sigaction sa;
	struct itimerval it = { .it_value = { .tv_usec = 50000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	alarms = 0;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

/* A signal ends a wait with no deadline: -EINTR, with or without
 * SA_RESTART, whether the reap also submitted (the kernel then returns
 * the count, not -EINTR) or only waited. */
static void interrupted(int flags, bool submit_first)
{
	struct nvio_cpl c[4];
	uint64_t t0;
	int n;

	queue_pipe_read((void *)1);
	if (submit_first)
		ck_assert_int_eq(nvio_queue_submit(q), 1);
	arm(flags);
	t0 = ms_now();
	n = nvio_queue_reap(q, c, 4, 1);
	ck_assert_int_eq(n, -EINTR);
	ck_assert_int_eq(alarms, 1);
	ck_assert_uint_lt(ms_now() - t0, 5000);
	ck_assert_uint_eq(nvio_queue_inflight(q), 1);
	/* nothing lost: the command comes back once */
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), 1);
	ck_assert_ptr_eq(c[0].user, (void *)1);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
}

START_TEST(signal_ends_wait)
{
	interrupted(0, true);
}
END_TEST

START_TEST(signal_ends_submit_and_wait)
{
	interrupted(0, false);
}
END_TEST

START_TEST(signal_restart_ends_wait)
{
	interrupted(SA_RESTART, true);
}
END_TEST

START_TEST(signal_restart_ends_submit_and_wait)
{
	interrupted(SA_RESTART, false);
}
END_TEST

/* The same with a deadline: the signal, not the deadline, ends it. */
START_TEST(signal_ends_timed_wait)
{
	struct nvio_cpl c[4];
	uint64_t t0;

	queue_pipe_read((void *)1);
	arm(0);
	t0 = ms_now();
	ck_assert_int_eq(nvio_queue_reap_timeout(q, c, 4, 1,
						 10ull * 1000000000u),
			 -EINTR);
	ck_assert_uint_lt(ms_now() - t0, 5000);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), 1);
}
END_TEST

static void *write_later(void *arg)
{
	(void)arg;
	usleep(100000);
	if (write(pfd[1], "x", 1) != 1)
		abort();
	return NULL;
}

/* Destroy waits for the command in flight instead of freeing the ring
 * under it. */
START_TEST(destroy_waits)
{
	pthread_t t;
	uint64_t t0;

	queue_pipe_read((void *)1);
	ck_assert_int_eq(nvio_queue_submit(q), 1);
	ck_assert_int_eq(pthread_create(&t, NULL, write_later, NULL), 0);
	t0 = ms_now();
	ck_assert_int_eq(nvio_queue_destroy(q), 0);
	q = NULL;
	ck_assert_uint_ge(ms_now() - t0, 90);
	pthread_join(t, NULL);
}
END_TEST

/* Past its bound a drain refuses and leaves the queue as it was; queued
 * commands nobody sent are dropped unsent. */
START_TEST(drain_bound)
{
	struct nvio_cpl c[4];

	queue_pipe_read((void *)1);
	ck_assert_int_eq(nvio_queue_submit(q), 1);
	ck_assert_int_eq(nvio_queue_read(q, 0, 1, buf, 512, 0, (void *)2), 0);
	ck_assert_int_eq(nvio_queue_drain(q, 30 * 1000000ull), -EBUSY);
	ck_assert_uint_eq(nvio_queue_inflight(q), 1);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), 1);
	ck_assert_ptr_eq(c[0].user, (void *)1);
	ck_assert_int_eq(nvio_queue_drain(q, 30 * 1000000ull), 0);
}
END_TEST

/* The bound follows the queue's timeout: twice it, plus 30 s. */
START_TEST(drain_bound_follows_timeout)
{
	ck_assert_int_eq(nvio_queue_set_timeout(q, 1500), 0);
	ck_assert_uint_eq(nvio_queue_timeout(q), 1500);
	ck_assert_uint_eq(nvio_queue_drain_bound_ns(q), 33000ull * 1000000u);
	ck_assert_int_eq(nvio_queue_set_timeout(q, 0), 0);
	ck_assert_uint_ge(nvio_queue_drain_bound_ns(q), 30000ull * 1000000u);
	ck_assert_int_eq(nvio_queue_set_timeout(NULL, 1), -EINVAL);
}
END_TEST

START_TEST(unqueue)
{
	struct nvio_cpl c[4];

	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(nvio_queue_read(q, i, 1, buf, 512, 0,
						 (void *)(uintptr_t)(i + 1)),
				 0);
	ck_assert_uint_eq(nvio_queue_unqueue(q), 3);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
	/* none of them went: a read queued now is the only completion */
	ck_assert_int_eq(nvio_queue_read(q, 7, 1, buf, 512, 0, (void *)9), 0);
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), 1);
	ck_assert_ptr_eq(c[0].user, (void *)9);
	ck_assert_int_eq(nvio_queue_reap_timeout(q, c, 4, 0, 0), 0);
}
END_TEST

static void *sync_read(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)nvio_read(q, 0, 1, buf, 512, 0);
}

/* A single-issuer ring refuses other threads (-EEXIST): the helper's
 * command never reached the kernel, is taken back, and the queue stays
 * usable for its owner. */
START_TEST(sync_error_leaves_queue_idle)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32 |
			 IORING_SETUP_SINGLE_ISSUER,
	};
	pthread_t t;
	void *rv;

	io_uring_queue_exit(&q->ring);
	if (io_uring_queue_init_params(16, &q->ring, &p)) {
		q->ring.ring_fd = -1;
		fake_queue_free(q);
		q = NULL;
		printf("SKIP: no IORING_SETUP_SINGLE_ISSUER (before 6.0)\n");
		return;
	}
	nvio_queue_init_rings(q);
	ck_assert_int_eq(pthread_create(&t, NULL, sync_read, NULL), 0);
	pthread_join(t, &rv);
	ck_assert_int_eq((int)(intptr_t)rv, -EEXIST);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
	ck_assert_int_eq(nvio_read(q, 0, 1, buf, 512, 0), -EBADF);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
}
END_TEST

/* The timeout goes into every command's entry, on the inline path and
 * the library's. */
START_TEST(timeout_in_entries)
{
	struct nvme_uring_cmd *uc;

	ck_assert_int_eq(nvio_queue_read(q, 0, 1, buf, 512, 0, NULL), 0);
	ck_assert_int_eq(nvio_queue_set_timeout(q, 250), 0);
	ck_assert_int_eq(nvio_queue_read(q, 0, 1, buf, 512, 0, NULL), 0);
	ck_assert_int_eq(nvio_queue_flush(q, NULL), 0);
	ck_assert_int_eq(nvio_queue_set_timeout(q, 0), 0);
	ck_assert_int_eq(nvio_queue_verify(q, 0, 1, 0, NULL), 0);
	uc = (struct nvme_uring_cmd *)fake_sqe(q, 0)->cmd;
	ck_assert_uint_eq(uc->timeout_ms, 0);
	uc = (struct nvme_uring_cmd *)fake_sqe(q, 1)->cmd;
	ck_assert_uint_eq(uc->timeout_ms, 250);
	uc = (struct nvme_uring_cmd *)fake_sqe(q, 2)->cmd;
	ck_assert_uint_eq(uc->timeout_ms, 250);
	uc = (struct nvme_uring_cmd *)fake_sqe(q, 3)->cmd;
	ck_assert_uint_eq(uc->timeout_ms, 0);
	ck_assert_uint_eq(nvio_queue_unqueue(q), 4);
}
END_TEST

/* NVIO_WAIT_SPIN: strategies set and refused, and the spin itself. */
START_TEST(wait_set)
{
	ck_assert_int_eq(nvio_queue_wait(q), NVIO_WAIT_KERNEL);
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN, 0), 0);
	ck_assert_int_eq(nvio_queue_wait(q), NVIO_WAIT_SPIN);
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_DEFAULT, 0), 0);
	ck_assert(nvio_queue_wait(q) == NVIO_WAIT_KERNEL ||
		  nvio_queue_wait(q) == NVIO_WAIT_SPIN);
	ck_assert_int_eq(nvio_queue_set_wait(q, 3, 0), -EINVAL);
	ck_assert_int_eq(nvio_queue_set_wait(q, -1, 0), -EINVAL);
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN,
					     2000000000ull), -EINVAL);
	ck_assert_int_eq(nvio_queue_set_wait(NULL, NVIO_WAIT_SPIN, 0), -EINVAL);
	ck_assert_int_eq(nvio_queue_wait(NULL), -EINVAL);
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_KERNEL, 0), 0);
	ck_assert_int_eq(nvio_queue_wait(q), NVIO_WAIT_KERNEL);
}
END_TEST

/* NVIO_WAIT_DEFAULT by kernel (quirk iopoll-wait-slow) and by queue: a
 * polled queue spins where the kernel's polling wait was measured
 * slower, an interrupt, SQPOLL or hybrid queue waits in the kernel, and
 * a hybrid queue refuses to spin. Each test is a process of its own, so
 * each reads its own NVIO_KERNEL_RELEASE. */
static void check_default(const char *release, int polled_wait)
{
	setenv("NVIO_KERNEL_RELEASE", release, 1);
	q->flags = NVIO_QF_POLLED;
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_DEFAULT, 0), 0);
	ck_assert_int_eq(nvio_queue_wait(q), polled_wait);
	q->flags = 0;
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_DEFAULT, 0), 0);
	ck_assert_int_eq(nvio_queue_wait(q), NVIO_WAIT_KERNEL);
	q->flags = NVIO_QF_POLLED | NVIO_QF_SQPOLL;
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_DEFAULT, 0), 0);
	ck_assert_int_eq(nvio_queue_wait(q), NVIO_WAIT_KERNEL);
	q->flags = NVIO_QF_POLLED | NVIO_QF_HYBRID_POLL;
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_DEFAULT, 0), 0);
	ck_assert_int_eq(nvio_queue_wait(q), NVIO_WAIT_KERNEL);
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN, 0), -EINVAL);
	ck_assert_int_eq(nvio_queue_wait(q), NVIO_WAIT_KERNEL);
	q->flags = 0;
}

START_TEST(default_new_kernel)
{
	check_default("7.2.13+deb14-amd64", NVIO_WAIT_SPIN);
}
END_TEST

START_TEST(default_old_kernel)
{
	check_default("6.12.117+deb13-amd64", NVIO_WAIT_KERNEL);
}
END_TEST

static double thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A spinning reap with nothing to reap spins for its bound, then waits
 * in the kernel (it sleeps there, on an interrupt ring) until the
 * completion comes: one call, the CPU busy only for the spin. */
START_TEST(spin_then_kernel_wait)
{
	struct nvio_cpl c[4];
	pthread_t t;
	uint64_t t0, dt;
	double cpu0, cpu;
	int n;

	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN, 30000000), 0);
	queue_pipe_read((void *)1);
	ck_assert_int_eq(pthread_create(&t, NULL, write_later, NULL), 0);
	t0 = ms_now();
	cpu0 = thread_cpu_ms();
	n = nvio_queue_reap(q, c, 4, 1);
	dt = ms_now() - t0;
	cpu = thread_cpu_ms() - cpu0;
	pthread_join(t, NULL);
	ck_assert_int_eq(n, 1);
	ck_assert_ptr_eq(c[0].user, (void *)1);
	ck_assert_uint_ge(dt, 90); /* the write comes after 100 ms */
	ck_assert_uint_lt(dt, 2000);
	/* spun: at least 1 ms of CPU in the 30 ms (a wait that slept at
	 * once uses a few microseconds; a host running other work gives
	 * the spinner less than all of it); then slept: not all of the
	 * 100 ms on the CPU */
	ck_assert_double_ge(cpu, 1.0);
	ck_assert_double_le(cpu, (double)dt - 30);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
}
END_TEST

/* A signal that comes after the spin ends the kernel's wait: -EINTR,
 * the command still in flight and reaped once later. */
START_TEST(spin_then_signal)
{
	struct nvio_cpl c[4];
	uint64_t t0;

	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN, 10000000), 0);
	queue_pipe_read((void *)1);
	arm(0); /* 50 ms */
	t0 = ms_now();
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), -EINTR);
	ck_assert_int_eq(alarms, 1);
	ck_assert_uint_lt(ms_now() - t0, 5000);
	ck_assert_uint_eq(nvio_queue_inflight(q), 1);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(nvio_queue_reap(q, c, 4, 1), 1);
	ck_assert_ptr_eq(c[0].user, (void *)1);
}
END_TEST

/* A completion that comes while the reap spins ends it, long before the
 * bound; the inline path's submission with it (a read that completes at
 * once) is reaped in the same call. */
START_TEST(spin_reaps_what_comes)
{
	struct nvio_cpl c[4];
	pthread_t t;
	uint64_t t0;
	int n;

	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN, 900000000), 0);
	queue_pipe_read((void *)1);
	ck_assert_int_eq(nvio_queue_read(q, 0, 1, buf, 512, 0, (void *)2), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, write_later, NULL), 0);
	t0 = ms_now();
	n = 0;
	while (n < 2) {
		int r = nvio_queue_reap(q, c + n, 4 - (unsigned)n, 2 - (unsigned)n);

		ck_assert_int_gt(r, 0);
		n += r;
	}
	ck_assert_uint_lt(ms_now() - t0, 800);
	pthread_join(t, NULL);
	ck_assert_ptr_eq(c[0].user, (void *)2);
	ck_assert_int_eq(c[0].res, -EBADF);
	ck_assert_ptr_eq(c[1].user, (void *)1);
	ck_assert_int_eq(c[1].res, 1);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);
}
END_TEST

/* With a deadline before the spin bound, the spin lasts until the
 * deadline; with one after it, the kernel's wait ends at the deadline:
 * -ETIME either way. */
START_TEST(spin_deadline)
{
	struct nvio_cpl c[4];
	uint64_t t0;

	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN, 1000000), 0);
	queue_pipe_read((void *)1);
	t0 = ms_now();
	ck_assert_int_eq(nvio_queue_reap_timeout(q, c, 4, 1, 60000000ull),
			 -ETIME);
	ck_assert_uint_ge(ms_now() - t0, 60);
	ck_assert_uint_lt(ms_now() - t0, 2000);
	ck_assert_int_eq(nvio_queue_set_wait(q, NVIO_WAIT_SPIN, 500000000), 0);
	t0 = ms_now();
	ck_assert_int_eq(nvio_queue_reap_timeout(q, c, 4, 1, 40000000ull),
			 -ETIME);
	ck_assert_uint_ge(ms_now() - t0, 40);
	ck_assert_uint_lt(ms_now() - t0, 400);
	ck_assert_int_eq(write(pfd[1], "x", 1), 1);
	ck_assert_int_eq(nvio_queue_reap_timeout(q, c, 4, 1, 1000000000ull), 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("wait");
	TCase *tc = tcase_create("wait");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, deadline_with_none);
	tcase_add_test(tc, deadline_with_some);
	tcase_add_test(tc, deadline_zero);
	tcase_add_test(tc, signal_ends_wait);
	tcase_add_test(tc, signal_ends_submit_and_wait);
	tcase_add_test(tc, signal_restart_ends_wait);
	tcase_add_test(tc, signal_restart_ends_submit_and_wait);
	tcase_add_test(tc, signal_ends_timed_wait);
	tcase_add_test(tc, destroy_waits);
	tcase_add_test(tc, drain_bound);
	tcase_add_test(tc, drain_bound_follows_timeout);
	tcase_add_test(tc, unqueue);
	tcase_add_test(tc, sync_error_leaves_queue_idle);
	tcase_add_test(tc, timeout_in_entries);
	tcase_add_test(tc, wait_set);
	tcase_add_test(tc, default_new_kernel);
	tcase_add_test(tc, default_old_kernel);
	tcase_add_test(tc, spin_then_kernel_wait);
	tcase_add_test(tc, spin_then_signal);
	tcase_add_test(tc, spin_reaps_what_comes);
	tcase_add_test(tc, spin_deadline);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
