/* SPDX-License-Identifier: MIT */
/*
 * run.c - the measuring engine: one queue per thread, a closed loop that
 * keeps qd commands in flight (reaped in batches, each completion
 * re-issuing its slot in the same pass) or an open loop that issues on a
 * fixed schedule, and the merge of the threads' histograms and error
 * counts into one result.
 *
 * Per command the loop reads the clock once per reaped batch (the same
 * reading closes the completed commands and opens the re-issued ones),
 * draws an LBA, queues the command through the public API and records one
 * histogram value: nothing else, so that the cost measured is the
 * library's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lat-int.h"
#include "rand.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* slot kinds */
#define K_WRITE 1u
#define K_MEASURED 2u
#define K_INJECT 4u

static volatile sig_atomic_t g_stop;      /* errno in a thread, or SIGINT */
static volatile sig_atomic_t g_sigint;
static struct sigaction g_old_sigint, g_old_sigpipe;
static bool g_sigint_installed;

static void on_sigint(int sig)
{
	(void)sig;
	g_sigint = 1;
	g_stop = 1;
	/* A second Ctrl-C ends the process as usual. */
	sigaction(SIGINT, &g_old_sigint, NULL);
}

void lat_sigint_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	g_sigint = 0;
	if (sigaction(SIGINT, &sa, &g_old_sigint) == 0)
		g_sigint_installed = true;
	/* NVMe/TCP may raise SIGPIPE in a submitting thread when the target
	 * drops the connection: the command fails and is counted; the run
	 * must not die of it. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &g_old_sigpipe);
}

void lat_sigint_restore(void)
{
	if (g_sigint_installed) {
		sigaction(SIGINT, &g_old_sigint, NULL);
		sigaction(SIGPIPE, &g_old_sigpipe, NULL);
	}
	g_sigint_installed = false;
}

bool lat_interrupted(void) { return g_sigint != 0; }

void lat_errs_add(struct lat_errs *e, int res, uint64_t n)
{
	e->total += n;
	for (unsigned i = 0; i < e->kinds; i++) {
		if (e->res[i] == res) {
			e->count[i] += n;
			return;
		}
	}
	if (e->kinds < LAT_MAX_ERR_KINDS) {
		e->res[e->kinds] = res;
		e->count[e->kinds++] = n;
	} else {
		e->other += n;
	}
}

void lat_errs_merge(struct lat_errs *dst, const struct lat_errs *src)
{
	for (unsigned i = 0; i < src->kinds; i++)
		lat_errs_add(dst, src->res[i], src->count[i]);
	dst->other += src->other;
	dst->total += src->other;
}

void lat_stats_from(struct lat_stats *s, const struct lat_hist *h)
{
	memset(s, 0, sizeof(*s));
	s->n = h->n;
	if (!h->n)
		return;
	s->under = h->under;
	s->over = h->over;
	s->min = h->min;
	s->max = h->max;
	s->mean = lat_hist_mean(h);
	s->stddev = lat_hist_stddev(h);
	s->p50 = lat_hist_percentile(h, 50);
	s->p90 = lat_hist_percentile(h, 90);
	s->p99 = lat_hist_percentile(h, 99);
	s->p999 = lat_hist_percentile(h, 99.9);
	s->p9999 = lat_hist_percentile(h, 99.99);
}

/* Threads start together once every queue is ready and every thread is
 * running: the schedule's start is set only then, so that with more threads
 * than CPUs the last thread to be scheduled does not begin behind it. */
struct gate {
	pthread_mutex_t m;
	pthread_cond_t c;       /* the threads wait for open */
	pthread_cond_t arrival; /* the main thread waits for arrived */
	bool open;
	unsigned arrived;
};

/* Waits until n threads wait at the gate. */
static void gate_gather(struct gate *g, unsigned n)
{
	pthread_mutex_lock(&g->m);
	while (g->arrived < n)
		pthread_cond_wait(&g->arrival, &g->m);
	pthread_mutex_unlock(&g->m);
}

static void gate_open(struct gate *g)
{
	pthread_mutex_lock(&g->m);
	g->open = true;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

static void gate_wait(struct gate *g)
{
	pthread_mutex_lock(&g->m);
	g->arrived++;
	pthread_cond_signal(&g->arrival);
	while (!g->open)
		pthread_cond_wait(&g->c, &g->m);
	pthread_mutex_unlock(&g->m);
}

struct lat_thread {
	/* hot: read on every command */
	struct nvio_queue *q;
	const struct lat_clock *clk;
	uint64_t *slot_t;       /* when each slot's command was issued (due) */
	uint8_t *slot_kind;
	void **buf;
	uint64_t rng;
	uint64_t slba, npos, seq_pos;
	uint32_t nlb;
	uint32_t bs;
	enum lat_pattern pattern;
	enum lat_rw rw;
	unsigned mix_read;
	uint64_t issued, measured, budget;
	uint64_t warm_n, t_measure, t_end;
	unsigned inflight;
	uint64_t inject_every;
	enum lat_zoned zoned;
	unsigned npids, pidx;   /* --placement: how many, the next */
	struct lat_hist *rd, *wr;
	struct lat_hist *lag;   /* open loop: how late each command went out */
	uint64_t ios, w_start, w_end;
	struct lat_errs errs;
	/* cold */
	const struct lat_opts *o;
	unsigned idx, qd;
	uint32_t nsid;
	uint64_t nsze;
	bool own_bufs;
	struct nvio_cpl *cpl;
	unsigned *free_slots, nfree;
	uint64_t t0, dur;
	int cpu_end;            /* sched_getcpu() when the thread finished */
	/* the thread's CPU time (getrusage) at its first measured command
	 * and at its end, ns: what submitting and reaping cost it */
	uint64_t cpu_user0, cpu_sys0, cpu_user, cpu_sys;
	uint64_t unsent;        /* open loop: due before the end, never issued */
	uint64_t unreaped;      /* in flight when the stop's grace ended */
	uint64_t timed_out;     /* ended by the kernel after --timeout */
	/* --zoned: this thread's zones (the range's i, i + nt, ...), and
	 * where each writer is (append: one; write: one per slot, each
	 * zone with one command at a time, in order). Writer k writes
	 * zones k, k + nzc, ...; one with none left waits, and when all
	 * wait (zwrap) and their commands are back, the thread resets its
	 * zones, all full then, and starts over. */
	struct lat_zone { uint64_t slba, cap; } *zones;
	unsigned nzones;
	/* zi past the last zone: the writer has none left */
	struct lat_zcur { unsigned zi; uint64_t off; } *zc;
	unsigned nzc, zdone;
	bool zwrap;
	uint64_t zone_resets;
	struct gate *gate;
	pthread_t tid;
	int sys_err;
	char what[128];
};

static void fail(struct lat_thread *t, int err, const char *what)
{
	if (!t->sys_err) {
		t->sys_err = err;
		snprintf(t->what, sizeof(t->what), "%s", what);
	}
	g_stop = 1;
}

static inline __attribute__((always_inline)) uint64_t
next_lba(struct lat_thread *t, bool random_only)
{
	uint64_t p;

	if (!random_only && t->pattern == LAT_SEQ) {
		p = t->seq_pos;
		if (++t->seq_pos == t->npos)
			t->seq_pos = 0;
	} else {
		p = lat_rand_below(&t->rng, t->npos);
	}
	return t->slba + p * t->nlb;
}

static inline bool can_issue(const struct lat_thread *t, uint64_t when)
{
	return likely(!g_stop) && t->measured < t->budget && when < t->t_end;
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u;
}

__attribute__((noinline, cold)) void lat_thread_cpu(uint64_t *user,
						    uint64_t *sys)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru)) {
		*user = *sys = 0;
		return;
	}
	*user = tv_ns(&ru.ru_utime);
	*sys = tv_ns(&ru.ru_stime);
}

__attribute__((noinline)) static int issue_inject(struct lat_thread *t, unsigned slot, uint8_t kind)
{
	struct nvio_cmd c;

	/* A read just past the end: the controller answers LBA Out of
	 * Range. nvio_queue_read would refuse it; passthru does not check. */
	nvio_cmd_read(&c, t->nsid, t->nsze, t->nlb, 0);
	t->slot_kind[slot] = kind | K_INJECT;
	return nvio_queue_passthru(t->q, &c, t->buf[slot], t->bs, NULL, 0,
				   (void *)(uintptr_t)slot);
}

/* issue_as() returned it: a zoned writer has no room until its thread's
 * zones are reset; the slot stays idle. */
#define LAT_ISSUE_WAIT 1

/* Has slot's writer room for a command? Moves it on to its next zone when
 * the one it is in is full; false past its last (zwrap once every writer
 * is there). */
__attribute__((noinline)) static bool zone_ready(struct lat_thread *t,
						 unsigned slot)
{
	struct lat_zcur *c = &t->zc[t->zoned == LAT_ZONED_WRITE ? slot : 0];

	if (c->zi >= t->nzones)
		return false;
	while (c->off + t->nlb > t->zones[c->zi].cap) {
		if (c->zi + t->nzc >= t->nzones) {
			c->zi = t->nzones;
			t->zwrap = ++t->zdone == t->nzc;
			return false;
		}
		c->zi += t->nzc;
		c->off = 0;
	}
	return true;
}

/* A write where zone_ready() said there is room: at the writer's place
 * (in order), or appended to its zone. */
__attribute__((noinline)) static int issue_zoned(struct lat_thread *t,
						 unsigned slot)
{
	struct lat_zcur *c = &t->zc[t->zoned == LAT_ZONED_WRITE ? slot : 0];
	const struct lat_zone *z = &t->zones[c->zi];
	uint64_t off = c->off;
	struct nvio_io io = {
		.sz = sizeof(io),
		.opcode = NVIO_OP_ZONE_APPEND,
		.slba = z->slba,
		.nlb = t->nlb,
		.buf = t->buf[slot],
		.len = t->bs,
		.user = (void *)(uintptr_t)slot,
	};

	c->off += t->nlb;
	if (t->zoned == LAT_ZONED_WRITE)
		return nvio_queue_write(t->q, z->slba + off, t->nlb,
					t->buf[slot], t->bs, 0, io.user);
	return nvio_queue_io(t->q, &io);
}

/* A write with a placement id (--placement), the next in turn. */
__attribute__((noinline)) static int issue_placed(struct lat_thread *t,
						  unsigned slot, uint64_t lba)
{
	struct nvio_io io = {
		.sz = sizeof(io),
		.opcode = NVIO_OP_WRITE,
		.slba = lba,
		.nlb = t->nlb,
		.buf = t->buf[slot],
		.len = t->bs,
		.dtype = NVIO_DTYPE_PLACEMENT,
		.dspec = t->o->pids[t->pidx],
		.user = (void *)(uintptr_t)slot,
	};

	if (++t->pidx == t->npids)
		t->pidx = 0;
	return nvio_queue_io(t->q, &io);
}

/* With no command in flight: resets the zones this thread wrote and puts
 * every writer back at its first zone. Zone Management Send on the idle
 * queue; not measured, but inside the measured time. */
__attribute__((noinline)) static int zones_reset(struct lat_thread *t,
						 bool count)
{
	for (unsigned i = 0; i < t->nzones; i++) {
		int rc = nvio_zone_mgmt(t->q, t->zones[i].slba, NVIO_ZSA_RESET,
					false);

		if (rc) {
			char what[96];

			snprintf(what, sizeof(what), "resetting the zone at "
				 "LBA %llu", (unsigned long long)t->zones[i].slba);
			/* an NVMe status is not an errno: name it apart */
			fail(t, rc > 0 ? -EIO : rc, what);
			if (rc > 0)
				lat_errs_add(&t->errs, rc, 1);
			return rc;
		}
		if (count)
			t->zone_resets++;
	}
	for (unsigned k = 0; k < t->nzc; k++) {
		t->zc[k].zi = k;
		t->zc[k].off = 0;
	}
	t->zdone = 0;
	t->zwrap = false;
	return 0;
}

/* Inlined: a call per command costs more than the body. `plain` is a
 * constant where inlined: true (random reads, no injected errors, no
 * warm-up by count: run_closed's common case) drops those checks. */
static inline __attribute__((always_inline)) int
issue_as(struct lat_thread *t, unsigned slot, uint64_t due, bool plain)
{
	const bool reads_only = plain;
	void *user = (void *)(uintptr_t)slot;
	uint64_t lba = next_lba(t, plain);
	bool write = !reads_only && t->rw != LAT_READ &&
		     (t->rw == LAT_WRITE ||
		      (unsigned)((lat_rand(&t->rng) >> 32) % 100) >= t->mix_read);
	uint64_t k;
	uint8_t kind = 0;

	/* Before anything is counted: a zoned writer may have to wait. */
	if (!reads_only && unlikely(t->zoned) && write && !zone_ready(t, slot))
		return LAT_ISSUE_WAIT;
	k = plain ? 0 : t->issued++;
	if (likely((plain || k >= t->warm_n) && due >= t->t_measure)) {
		kind = K_MEASURED;
		if (unlikely(!t->measured++)) {
			/* The measured time starts with the first measured
			 * command, whichever way the warm-up ended. */
			t->w_start = due;
			if (t->dur)
				t->t_end = due + t->dur;
			lat_thread_cpu(&t->cpu_user0, &t->cpu_sys0);
		}
	}
	t->slot_t[slot] = due;
	if (!reads_only && unlikely(t->inject_every) &&
	    (k + 1) % t->inject_every == 0)
		return issue_inject(t, slot, kind);
	if (!write) {
		t->slot_kind[slot] = kind;
		return nvio_queue_read(t->q, lba, t->nlb, t->buf[slot], t->bs, 0,
				       user);
	}
	t->slot_kind[slot] = kind | K_WRITE;
	if (unlikely(t->zoned))
		return issue_zoned(t, slot);
	if (unlikely(t->npids))
		return issue_placed(t, slot, lba);
	return nvio_queue_write(t->q, lba, t->nlb, t->buf[slot], t->bs, 0, user);
}

static inline __attribute__((always_inline)) int
issue(struct lat_thread *t, unsigned slot, uint64_t due)
{
	return issue_as(t, slot, due, false);
}

/* What the kernel ends a command with once it is past its timeout: -EINTR
 * after it resets the controller, or Command Abort Requested when the
 * controller honours its abort. Either, --timeout after the command went
 * out, is a timeout. */
__attribute__((noinline)) static bool timed_out(const struct lat_thread *t,
						int res, uint64_t now,
						unsigned slot)
{
	uint32_t ms = t->o->timeout_ms;

	if (!ms || (res != -EINTR && (res <= 0 || (res & 0x7ff) !=
							  NVIO_SC_ABORT_REQ)))
		return false;
	return now > t->slot_t[slot] &&
	       lat_clock_ns(t->clk, now - t->slot_t[slot]) >=
		       (uint64_t)ms * 1000000u;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline __attribute__((always_inline)) void
complete(struct lat_thread *t, const struct nvio_cpl *c, uint64_t now,
	 bool reads_only);

/* After a stop (SIGINT, or an error), what is in flight gets a second to
 * come back: a device that stopped answering must not hold the run, and
 * its report, until the kernel's timeout ends its commands. What is left
 * is counted, and its queue and buffers are left to the kernel. */
#define STOP_GRACE_NS 1000000000ull

__attribute__((noinline)) static void stop_drain(struct lat_thread *t,
						 bool reads_only)
{
	uint64_t until = mono_ns() + STOP_GRACE_NS;

	while (t->inflight) {
		uint64_t m = mono_ns(), now;
		int n;

		if (m >= until)
			break;
		n = nvio_queue_reap_timeout(t->q, t->cpl, t->qd, 1, until - m);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			if (n != -ETIME)
				fail(t, n, "reaping completions");
			break;
		}
		now = lat_clock_now(t->clk);
		for (int i = 0; i < n; i++) {
			complete(t, &t->cpl[i], now, reads_only);
			t->inflight--;
		}
	}
	t->unreaped = t->inflight;
}

static inline __attribute__((always_inline)) void
complete(struct lat_thread *t, const struct nvio_cpl *c, uint64_t now,
	 bool reads_only)
{
	unsigned slot = (unsigned)(uintptr_t)c->user;
	uint8_t kind = t->slot_kind[slot];

	if (likely(c->res == 0)) {
		if (likely(kind & K_MEASURED)) {
			int64_t d = (int64_t)(now - t->slot_t[slot]);

			/* a clock read on another CPU may be behind */
			d = d < 0 ? 0 : d;
			lat_hist_record(!reads_only && (kind & K_WRITE) ? t->wr
								       : t->rd,
					lat_clock_ns(t->clk, (uint64_t)d));
			t->ios++;
			t->w_end = now;
		}
	} else if (unlikely(timed_out(t, c->res, now, slot))) {
		t->timed_out++;
	} else if (c->res > 0) {
		/* Counted whether measured or not: an error in the warm-up
		 * is still an error. Never a latency. */
		lat_errs_add(&t->errs, c->res, 1);
	} else {
		fail(t, c->res, "a command completed with an error");
	}
}

/* The closed loop: qd commands in flight, each completion issues the
 * next. Inlined twice, with `plain` (see issue_as) a constant. */
static inline __attribute__((always_inline)) void
closed_loop(struct lat_thread *t, bool plain)
{
	const bool reads_only = plain;
	const struct lat_clock *clk = t->clk;
	struct nvio_cpl *const cpl = t->cpl;
	const unsigned qd = t->qd;
	uint64_t now = lat_clock_now(clk);
	int rc;

	if (!cpl || !qd)
		return; /* never: thread_setup allocated both */

again:
	for (unsigned s = 0; s < t->qd && can_issue(t, now); s++) {
		rc = issue_as(t, s, now, plain);
		if (!plain && rc == LAT_ISSUE_WAIT)
			continue;
		if (unlikely(rc)) {
			fail(t, rc, "queueing a command");
			break;
		}
		t->inflight++;
	}
	while (t->inflight) {
		/* cpl and qd in locals, known to be set: the compiler drops
		 * reap's checks of them from the loop */
		int n = nvio_queue_reap(t->q, cpl, qd, 1);

		if (unlikely(n < 0)) {
			/* a signal not ours (SIGCONT after a stop, say) */
			if (n == -EINTR && !g_stop)
				continue;
			if (n != -EINTR)
				fail(t, n, "reaping completions");
			stop_drain(t, reads_only);
			return;
		}
		now = lat_clock_now(clk);
		for (int i = 0; i < n; i++) {
			const struct nvio_cpl *c = &cpl[i];

			complete(t, c, now, reads_only);
			t->inflight--;
			if (can_issue(t, now)) {
				rc = issue_as(t, (unsigned)(uintptr_t)c->user,
					      now, plain);
				if (!plain && rc == LAT_ISSUE_WAIT)
					continue;
				if (unlikely(rc))
					fail(t, rc, "queueing a command");
				else
					t->inflight++;
			}
		}
		if (unlikely(g_stop)) {
			stop_drain(t, reads_only);
			return;
		}
	}
	/* Zoned writers that filled their zones: reset them, go on. */
	if (!plain && unlikely(t->zwrap) && can_issue(t, now) &&
	    !zones_reset(t, true)) {
		now = lat_clock_now(clk);
		goto again;
	}
}

/* Not inlined, so that callgrind can count this loop alone
 * (--toggle-collect=run_closed). */
__attribute__((noinline)) static void run_closed(struct lat_thread *t)
{
	if (t->rw == LAT_READ && t->pattern == LAT_RAND && !t->inject_every &&
	    !t->warm_n)
		closed_loop(t, true);
	else
		closed_loop(t, false);
}

static void wait_until(const struct lat_clock *clk, uint64_t due)
{
	uint64_t now = lat_clock_now(clk);
	uint64_t margin = clk->hz / 10000; /* 100 us */

	/* Sleep through long gaps (low rates), spin through the last
	 * stretch: a wake-up is late by tens of microseconds. */
	if (due > now + 2 * margin) {
		uint64_t ns = lat_clock_ns(clk, due - now - margin);
		struct timespec ts = { (time_t)(ns / 1000000000ull),
				       (long)(ns % 1000000000ull) };

		nanosleep(&ts, NULL);
	}
	while (!g_stop && lat_clock_now(clk) < due) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
}

static void run_open(struct lat_thread *t)
{
	const struct lat_clock *clk = t->clk;
	struct lat_sched s;
	uint64_t k = 0, km, due, due_km;
	bool more;

	lat_sched_init(&s, t->t0, clk->hz, t->o->rate, t->o->threads, t->idx);
	/* The first measured command is known in advance: the first due at
	 * or after the warm-up's end and past its count. So is the end. */
	km = lat_sched_count_before(&s, t->t_measure);
	if (km < t->warm_n)
		km = t->warm_n;
	due_km = lat_sched_due(&s, km);
	if (t->dur)
		t->t_end = due_km + t->dur;
	due = lat_sched_due(&s, 0);
	more = can_issue(t, due);
	for (;;) {
		uint64_t now = lat_clock_now(clk);

		/* A warm-up that fell behind the rate is cut short where the
		 * measured part is due: its backlog would otherwise be
		 * issued first, and counted against the measured commands
		 * or pushed past the end. */
		if (unlikely(k < km && now >= due_km && more)) {
			k = km;
			t->issued = km;
			due = due_km;
			more = can_issue(t, due);
		}
		/* The run ends on time even when the device cannot keep up
		 * with the rate: what fell due before the end and was never
		 * issued is counted, not issued ever later (which would
		 * stretch the run without bound). */
		if (unlikely(more && now >= t->t_end)) {
			t->unsent = lat_sched_count_before(&s, t->t_end) - k;
			more = false;
		}
		if (unlikely(t->zwrap) && !t->inflight && more &&
		    zones_reset(t, true))
			more = false;
		for (unsigned waits = 0; more && t->nfree && due <= now;) {
			unsigned slot = t->free_slots[--t->nfree];
			int rc = issue(t, slot, due);

			if (rc == LAT_ISSUE_WAIT) {
				/* A zoned writer with no room: to the bottom of
				 * the free slots, so that the others (whose
				 * writers may have room) come first; once all
				 * have waited, the run waits for completions. */
				memmove(t->free_slots + 1, t->free_slots,
					t->nfree * sizeof(*t->free_slots));
				t->free_slots[0] = slot;
				if (++waits >= ++t->nfree)
					break;
				continue;
			}
			waits = 0;
			if (unlikely(rc)) {
				t->nfree++;
				fail(t, rc, "queueing a command");
				more = false;
				break;
			}
			/* Part of the command's latency, shown apart: a
			 * wait for a free slot, or the tool waking late. */
			if (t->slot_kind[slot] & K_MEASURED)
				lat_hist_record(t->lag, lat_clock_ns(clk,
								     now - due));
			t->inflight++;
			due = lat_sched_due(&s, ++k);
			more = can_issue(t, due);
		}
		if (t->inflight) {
			int n = nvio_queue_reap(t->q, t->cpl, t->qd, 0);

			if (unlikely(n < 0)) {
				if (n == -EINTR && !g_stop)
					continue;
				if (n != -EINTR)
					fail(t, n, "reaping completions");
				stop_drain(t, false);
				return;
			}
			if (n) {
				now = lat_clock_now(clk);
				for (int i = 0; i < n; i++) {
					complete(t, &t->cpl[i], now, false);
					t->free_slots[t->nfree++] =
						(unsigned)(uintptr_t)t->cpl[i].user;
					t->inflight--;
				}
			}
			if (g_stop) {
				stop_drain(t, false);
				return;
			}
			continue;
		}
		if (!more || g_stop)
			break;
		wait_until(clk, due);
	}
}

/* --cpus: thread i on cpus[i % ncpus] before the schedule starts: the
 * others before they wait at the gate, thread 0 (the caller's thread)
 * before the others are created, so every thread starts where it runs. */
static void pin(struct lat_thread *t)
{
	const struct lat_opts *o = t->o;
	cpu_set_t set;
	int rc;

	if (!o->ncpus)
		return;
	CPU_ZERO(&set);
	CPU_SET(o->cpus[t->idx % o->ncpus], &set);
	rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (rc && !t->sys_err) {
		t->sys_err = -rc;
		snprintf(t->what, sizeof(t->what), "pinning thread %u to CPU %u",
			 t->idx, o->cpus[t->idx % o->ncpus]);
		g_stop = 1;
	}
}

static void *thread_main(void *arg)
{
	struct lat_thread *t = arg;

	if (t->idx)
		pin(t);
	/* Before the gate: nothing measured yet. A failure stops all.
	 * Thread 0's were reset before the others started (lat_run). */
	if (t->zoned && t->idx)
		zones_reset(t, false);
	if (t->gate)
		gate_wait(t->gate);
	if (t->o->rate)
		run_open(t);
	else
		run_closed(t);
	if (t->measured) {
		uint64_t u, s;

		lat_thread_cpu(&u, &s);
		t->cpu_user = u > t->cpu_user0 ? u - t->cpu_user0 : 0;
		t->cpu_sys = s > t->cpu_sys0 ? s - t->cpu_sys0 : 0;
	}
	t->cpu_end = sched_getcpu();
	return NULL;
}

/* A thread whose commands never came back leaves them, their buffers
 * and their queue to the kernel, which may still write the buffers. */
static void thread_free(struct lat_thread *t)
{
	bool leave = t->q && nvio_queue_inflight(t->q);

	if (!leave) {
		if (t->own_bufs && t->buf)
			for (unsigned i = 0; i < t->qd; i++)
				nvio_buf_free(t->buf[i]);
		free(t->buf);
	}
	free(t->slot_t);
	free(t->slot_kind);
	free(t->cpl);
	free(t->free_slots);
	free(t->rd);
	free(t->wr);
	free(t->lag);
	free(t->zones);
	free(t->zc);
	if (!leave)
		nvio_queue_destroy(t->q);
}

static int thread_setup(struct lat_thread *t, struct nvio_dev *dev,
			const struct lat_opts *o, struct lat_result *r)
{
	const struct nvio_dev_info *info = nvio_dev_info(dev);
	struct nvio_queue_opts qo = {
		.sz = sizeof(qo),
		.depth = o->qd,
		.sqpoll_cpu = o->sqpoll_cpu,
		.reg_bufs = o->regbuf ? o->qd : 0,
		.reg_buf_size = (uint32_t)o->bs,
		.timeout_ms = o->timeout_ms,
	};
	int rc;

	switch (o->mode) {
	case LAT_MODE_POLL: qo.flags = NVIO_QUEUE_POLL; break;
	case LAT_MODE_IRQ: qo.flags = NVIO_QUEUE_IRQ; break;
	case LAT_MODE_SQPOLL: qo.flags = NVIO_QUEUE_SQPOLL; break;
	case LAT_MODE_HYBRID: qo.flags = NVIO_QUEUE_HYBRID_POLL; break;
	default: break;
	}
	if (o->wait == LAT_WAIT_HYBRID)
		qo.flags |= NVIO_QUEUE_HYBRID_POLL;
	rc = nvio_queue_create(dev, &qo, &t->q);
	if (rc) {
		snprintf(r->sys_what, sizeof(r->sys_what), "creating a queue "
			 "(depth %u, mode %s, wait %s)", o->qd,
			 lat_mode_name(o->mode), lat_wait_name(o->wait));
		return rc;
	}
	if (o->wait == LAT_WAIT_KERNEL || o->wait == LAT_WAIT_SPIN) {
		rc = nvio_queue_set_wait(t->q, o->wait == LAT_WAIT_SPIN
							? NVIO_WAIT_SPIN
							: NVIO_WAIT_KERNEL, 0);
		if (rc) {
			snprintf(r->sys_what, sizeof(r->sys_what),
				 "nvio_queue_set_wait (%s)",
				 lat_wait_name(o->wait));
			return rc;
		}
	}
	t->qd = o->qd;
	t->buf = calloc(o->qd, sizeof(*t->buf));
	t->slot_t = calloc(o->qd, sizeof(*t->slot_t));
	t->slot_kind = calloc(o->qd, sizeof(*t->slot_kind));
	t->cpl = calloc(o->qd, sizeof(*t->cpl));
	t->free_slots = calloc(o->qd, sizeof(*t->free_slots));
	t->rd = malloc(sizeof(*t->rd));
	t->wr = malloc(sizeof(*t->wr));
	/* Issue lag has a meaning only where there is a schedule. */
	t->lag = o->rate ? malloc(sizeof(*t->lag)) : NULL;
	if (!t->buf || !t->slot_t || !t->slot_kind || !t->cpl ||
	    !t->free_slots || !t->rd || !t->wr || (o->rate && !t->lag)) {
		snprintf(r->sys_what, sizeof(r->sys_what), "allocating memory");
		return -ENOMEM;
	}
	lat_hist_init(t->rd);
	lat_hist_init(t->wr);
	if (t->lag)
		lat_hist_init(t->lag);
	t->own_bufs = !o->regbuf;
	for (unsigned i = 0; i < o->qd; i++) {
		t->buf[i] = o->regbuf ? nvio_queue_buf(t->q, i)
				      : nvio_buf_alloc(o->bs);
		if (!t->buf[i]) {
			snprintf(r->sys_what, sizeof(r->sys_what),
				 "allocating %u buffers of %llu bytes", o->qd,
				 (unsigned long long)o->bs);
			return -ENOMEM;
		}
		/* Written data that compresses to nothing would flatter
		 * some devices. */
		if (o->rw != LAT_READ) {
			uint64_t seed = 0x9e3779b97f4a7c15ull * (i + 1);

			for (uint64_t b = 0; b + 8 <= o->bs; b += 8) {
				uint64_t v = lat_rand(&seed);

				memcpy((char *)t->buf[i] + b, &v, 8);
			}
		}
		t->free_slots[i] = o->qd - 1 - i;
	}
	t->nfree = o->qd;
	t->nsid = info->nsid;
	t->nsze = info->nsze;
	return 0;
}

/* --zoned: reports the range's zones (their capacities) through thread
 * 0's queue, which is this thread's, and deals them to the threads (zone
 * j to thread j % nt). Each thread resets its own (thread_main): a queue
 * has one submitter. */
static int zones_setup(struct lat_thread *th, unsigned nt,
		       const struct nvio_dev_info *info,
		       const struct lat_opts *o, struct lat_result *r)
{
	uint64_t zs = info->zone_size, first = o->range_slba / zs;
	uint64_t nz = (o->range_nlb + zs - 1) / zs;
	struct nvio_zone *zl = calloc(nz, sizeof(*zl));
	uint64_t got = 0;
	int rc = 0;

	if (!zl) {
		snprintf(r->sys_what, sizeof(r->sys_what), "allocating memory");
		return -ENOMEM;
	}
	while (got < nz) {
		unsigned n = 0;

		rc = nvio_zone_report(th[0].q, (first + got) * zs,
				      NVIO_ZONE_REPORT_ALL, true, zl + got,
				      nz - got > 4096 ? 4096 : (unsigned)(nz - got),
				      &n, NULL);
		if (!rc && !n)
			rc = -EIO;
		if (rc) {
			snprintf(r->sys_what, sizeof(r->sys_what), "reporting "
				 "the zones of --range%s", rc > 0 ?
				 " (an NVMe error)" : "");
			rc = rc > 0 ? -EIO : rc;
			goto out;
		}
		got += n;
	}
	for (uint64_t j = 0; j < nz; j++) {
		const char *bad = zl[j].state == NVIO_ZS_OFFLINE ? "offline"
				  : zl[j].state == NVIO_ZS_READ_ONLY ? "read-only"
				  : zl[j].cap < th[0].nlb ? "too small for --bs"
				  : NULL;

		if (bad) {
			snprintf(r->sys_what, sizeof(r->sys_what), "the zone at "
				 "LBA %llu is %s", (unsigned long long)zl[j].slba,
				 bad);
			rc = -EROFS;
			goto out;
		}
	}
	for (unsigned i = 0; i < nt; i++) {
		struct lat_thread *t = &th[i];

		t->nzones = (unsigned)((nz - i + nt - 1) / nt);
		t->nzc = o->zoned == LAT_ZONED_WRITE ? o->qd : 1;
		t->zones = calloc(t->nzones, sizeof(*t->zones));
		t->zc = calloc(t->nzc, sizeof(*t->zc));
		if (!t->zones || !t->zc) {
			snprintf(r->sys_what, sizeof(r->sys_what),
				 "allocating memory");
			rc = -ENOMEM;
			goto out;
		}
		for (unsigned k = 0; k < t->nzones; k++) {
			t->zones[k].slba = zl[i + (uint64_t)k * nt].slba;
			t->zones[k].cap = zl[i + (uint64_t)k * nt].cap;
		}
	}
out:
	free(zl);
	return rc;
}

int lat_result_exit(const struct lat_result *r)
{
	if (r->sys_err)
		return LAT_EXIT_SYSTEM;
	/* commands the device did not finish in time failed as surely */
	if (r->errs.total || r->timed_out)
		return LAT_EXIT_NVME;
	return LAT_EXIT_OK;
}

void lat_result_free_hist(struct lat_result *r)
{
	free(r->hist);
	r->hist = NULL;
}

int lat_run(struct nvio_dev *dev, const struct lat_opts *o,
	    const struct lat_clock *clk, struct lat_result *r)
{
	const struct nvio_dev_info *info = nvio_dev_info(dev);
	unsigned nt = o->threads;
	struct lat_thread *th;
	struct lat_hist *rd = NULL, *wr = NULL;
	struct gate gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			     PTHREAD_COND_INITIALIZER, false, 0 };
	unsigned started = 1;
	uint64_t unit, npos, t0, w_start = UINT64_MAX, w_end = 0;
	unsigned flags;
	cpu_set_t home;
	bool pinned_home = false;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->o = *o;
	r->clk = *clk;
	r->lba_size = info->lba_size;
	th = calloc(nt, sizeof(*th));
	rd = malloc(sizeof(*rd));
	wr = malloc(sizeof(*wr));
	r->hist = malloc(sizeof(*r->hist));
	if (!th || !rd || !wr || !r->hist) {
		snprintf(r->sys_what, sizeof(r->sys_what), "allocating memory");
		rc = -ENOMEM;
		goto out;
	}
	unit = info->lba_size + (info->md_extended ? info->md_size : 0);
	npos = o->range_nlb / (o->bs / unit);
	for (unsigned i = 0; i < nt; i++) {
		struct lat_thread *t = &th[i];

		rc = thread_setup(t, dev, o, r);
		if (rc)
			goto out;
		t->o = o;
		t->idx = i;
		t->clk = clk;
		t->pattern = o->pattern;
		t->rw = o->rw;
		t->mix_read = o->mix_read;
		t->bs = (uint32_t)o->bs;
		t->nlb = (uint32_t)(o->bs / unit);
		t->slba = o->range_slba;
		t->npos = npos;
		t->seq_pos = npos * i / nt;
		t->rng = 0x853c49e6748fea9bull ^ ((uint64_t)(i + 1) << 32) ^
			 (uint64_t)time(NULL);
		if (!t->rng)
			t->rng = 1;
		t->inject_every = o->inject_every;
		t->zoned = o->rw != LAT_READ ? o->zoned : LAT_ZONED_NONE;
		t->npids = o->rw != LAT_READ && o->placement ? o->npids : 0;
		t->pidx = t->npids ? i % t->npids : 0;
		/* Counts are shared: the first threads take the remainder. */
		t->budget = o->count ? o->count / nt + (i < o->count % nt)
				     : UINT64_MAX;
		t->warm_n = o->warmup_n / nt + (i < o->warmup_n % nt);
	}
	if (th[0].zoned) {
		rc = zones_setup(th, nt, info, o, r);
		if (!rc && zones_reset(&th[0], false)) {
			snprintf(r->sys_what, sizeof(r->sys_what), "%s",
				 th[0].what);
			rc = th[0].sys_err;
		}
		if (rc)
			goto out;
	}
	flags = nvio_queue_flags(th[0].q);
	r->polled = flags & NVIO_QF_POLLED;
	r->sqpoll = flags & NVIO_QF_SQPOLL;
	r->irq_fallback = flags & NVIO_QF_IRQ_FALLBACK;
	r->poll_unsafe = flags & NVIO_QF_POLL_UNSAFE;
	r->hybrid = flags & NVIO_QF_HYBRID_POLL;
	r->spin = nvio_queue_wait(th[0].q) == NVIO_WAIT_SPIN;
	r->reg_bufs = flags & NVIO_QF_REG_BUFS;
	r->reg_file = flags & NVIO_QF_REG_FILE;

	g_stop = g_sigint;
	for (unsigned i = 0; i < nt; i++) {
		th[i].gate = nt > 1 ? &gate : NULL;
		th[i].cpu_end = -1;
	}
	/* Thread 0 is this thread: --cpus moves it, and it goes back after.
	 * A mask that cannot be saved (over 1024 CPUs) could not be put
	 * back, so the run does not start. */
	if (o->ncpus) {
		rc = -pthread_getaffinity_np(pthread_self(), sizeof(home), &home);
		if (rc) {
			snprintf(r->sys_what, sizeof(r->sys_what),
				 "saving this thread's CPU mask");
			goto out;
		}
		pinned_home = true;
		pin(&th[0]);
	}
	for (unsigned i = 1; i < nt; i++) {
		rc = -pthread_create(&th[i].tid, NULL, thread_main, &th[i]);
		if (rc) {
			snprintf(r->sys_what, sizeof(r->sys_what),
				 "starting thread %u of %u", i + 1, nt);
			/* The started ones see g_stop and end at once. */
			g_stop = 1;
			started = i;
			break;
		}
		started = i + 1;
	}
	if (nt > 1)
		gate_gather(&gate, started - 1);
	/* Open-loop schedules start a little ahead, so that no thread
	 * begins behind its own schedule while the others wake up. */
	t0 = lat_clock_now(clk) + (o->rate ? clk->hz / 500 : 0);
	for (unsigned i = 0; i < nt; i++) {
		struct lat_thread *t = &th[i];

		t->t0 = t0;
		t->t_measure = t0 + lat_clock_ticks(clk, o->warmup_s);
		/* Set at the first measured command: see issue(). */
		t->dur = o->count ? 0 : lat_clock_ticks(clk, o->time_s);
		if (!o->count && !t->dur)
			t->dur = 1;
		t->t_end = UINT64_MAX;
	}
	/* The gate's mutex publishes the fields above to the threads. */
	if (nt > 1)
		gate_open(&gate);
	if (!rc)
		thread_main(&th[0]);
	for (unsigned i = 1; i < started; i++)
		pthread_join(th[i].tid, NULL);
	if (pinned_home)
		pthread_setaffinity_np(pthread_self(), sizeof(home), &home);
	for (unsigned i = 0; i < nt && i < LAT_MAX_THREADS; i++)
		r->thread_cpu[i] = (int16_t)th[i].cpu_end;
	if (rc)
		goto out;

	lat_hist_init(rd);
	lat_hist_init(wr);
	for (unsigned i = 0; i < nt; i++) {
		struct lat_thread *t = &th[i];

		lat_hist_merge(rd, t->rd);
		lat_hist_merge(wr, t->wr);
		/* the lag into thread 0's, which is done with */
		if (i && t->lag)
			lat_hist_merge(th[0].lag, t->lag);
		lat_errs_merge(&r->errs, &t->errs);
		r->ios += t->ios;
		r->unsent += t->unsent;
		r->unreaped += t->unreaped;
		r->timed_out += t->timed_out;
		r->zone_resets += t->zone_resets;
		r->cpu_user_s += (double)t->cpu_user / 1e9;
		r->cpu_sys_s += (double)t->cpu_sys / 1e9;
		if (t->measured && t->w_start < w_start)
			w_start = t->w_start;
		if (t->ios && t->w_end > w_end)
			w_end = t->w_end;
		if (t->sys_err && !r->sys_err) {
			char st[32];

			r->sys_err = t->sys_err;
			snprintf(r->sys_what, sizeof(r->sys_what), "%s", t->what);
			/* The kernel fails commands with EINVAL while no path
			 * to the namespace is live: name that instead. */
			if (r->sys_err == -EINVAL &&
			    !nvio_dev_ctrl_state(dev, st, sizeof(st)) &&
			    strcmp(st, "live")) {
				r->sys_err = -ENOLINK;
				snprintf(r->sys_what, sizeof(r->sys_what),
					 "%s (the controller is %s: no live path; "
					 "the kernel said EINVAL)", t->what, st);
			}
		}
	}
	lat_hist_init(r->hist);
	lat_hist_merge(r->hist, rd);
	lat_hist_merge(r->hist, wr);
	lat_stats_from(&r->all, r->hist);
	lat_stats_from(&r->rd, rd);
	lat_stats_from(&r->wr, wr);
	if (th[0].lag)
		lat_stats_from(&r->lag, th[0].lag);
	r->bytes = r->ios * o->bs;
	if (r->ios && w_end > w_start) {
		r->elapsed_s = (double)lat_clock_ns(clk, w_end - w_start) / 1e9;
		r->iops = (double)r->ios / r->elapsed_s;
		r->bw = (double)r->bytes / r->elapsed_s;
	}
	r->interrupted = g_sigint;
	rc = 0;
out:
	if (th) {
		for (unsigned i = 0; i < o->threads; i++)
			thread_free(&th[i]);
		free(th);
	}
	free(rd);
	free(wr);
	if (rc) {
		lat_result_free_hist(r);
		r->sys_err = rc;
	}
	return rc;
}
