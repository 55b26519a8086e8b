/* SPDX-License-Identifier: MIT */
/*
 * cmd-soak.c - `nvio soak`: a data integrity soak. Threads, each with its
 * own queue, write random units of a region; every LBA carries a header
 * (LBA, generation, checksum; soak-core.c). Some commands read back a
 * unit the thread wrote and check it. Every --flush-ms the main thread
 * takes the generations acknowledged so far, sends a Flush, and once it
 * succeeds replaces the journal with them: those are the writes the
 * device must keep whatever happens next. At the end everything is
 * flushed and the whole region is read and checked.
 *
 * `nvio soak --check --journal J` reads the region after the machine was
 * killed (or anything else) and judges every unit against J.
 *
 * A thread owns the units u with u % threads == its index, and has at
 * most one command on a unit at a time, so a unit's generation has one
 * writer and read-backs know exactly what to expect.
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "lat/rand.h"
#include "soak.h"

enum {
	OPT_SIZE = 400,
	OPT_BS,
	OPT_QD,
	OPT_TIME,
	OPT_BYTES,
	OPT_FLUSH_MS,
	OPT_JOURNAL,
	OPT_CHECK,
	OPT_VERIFY_PCT,
	OPT_SEED,
	OPT_TOUCH,
	OPT_MODE,
};

const struct cli_opt opts_soak[] = {
	{ "start-block", 's', required_argument, "SLBA", "first LBA of the region (default 0)" },
	{ "size", OPT_SIZE, required_argument, "SIZE", "bytes in the region (default: to the namespace's end, at most 2^28 units)" },
	{ "bs", OPT_BS, required_argument, "SIZE", "bytes per write, a multiple of the LBA size (default 4k)" },
	{ "threads", 'j', required_argument, "N", "threads, one queue each (default 2)" },
	{ "qd", OPT_QD, required_argument, "N", "commands in flight per thread (default 32)" },
	{ "time", OPT_TIME, required_argument, "SECS", "write for this long (default 60, unless --bytes)" },
	{ "bytes", OPT_BYTES, required_argument, "SIZE", "write this many bytes, then stop" },
	{ "flush-ms", OPT_FLUSH_MS, required_argument, "MS", "flush and journal every MS (default 1000)" },
	{ "journal", OPT_JOURNAL, required_argument, "FILE", "where the generations acknowledged before each flush go (read by --check)" },
	{ "check", OPT_CHECK, no_argument, NULL, "write nothing: judge the region against --journal" },
	{ "verify-pct", OPT_VERIFY_PCT, required_argument, "N", "percent of commands that read back and check (default 25)" },
	{ "mode", OPT_MODE, required_argument, "poll|irq", "completions polled or by interrupt (default: polled where safe)" },
	{ "seed", OPT_SEED, required_argument, "N", "run id, written into every block (default: from the clock)" },
	{ "touch-after", OPT_TOUCH, required_argument, "SIZE:FILE", "create FILE once SIZE bytes are acknowledged (for harnesses that kill the machine)" },
	{ "namespace-id", 'n', required_argument, "NSID", "namespace, when DEV is a controller" },
	{ "force", OPT_FORCE, no_argument, NULL, "write even to a namespace that is in use or holds a filesystem" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

struct soak_opts {
	uint64_t nsid, slba, size, bs, threads, qd, time_s, bytes, flush_ms;
	uint64_t verify_pct, seed, touch_bytes;
	const char *journal, *touch_file;
	bool check, has_size, has_time, has_seed;
	uint32_t qflags;
};

#define MAX_WHY 4 /* mismatches described in full */

/* What every thread adds up. */
struct soak_count {
	uint64_t writes, bytes, reads, write_err, read_err, mismatch;
	uint64_t judged[SOAK_UNIT_MISMATCH + 1];
	int first_err; /* the first failed command's result */
};

struct soak_run {
	const struct soak_opts *o;
	struct nvio_dev *dev;
	uint32_t lba_bytes, unit_lbas, unit_bytes;
	uint64_t units;
	uint32_t *gen;        /* per unit: last acknowledged generation */
	const uint32_t *durable; /* --check: the journal's, else NULL */
	struct nvio_queue_opts qo; /* each thread's queue, made in the thread
				      (single-issuer rings belong to the
				      thread that first submits) */
	bool exact;           /* final verify: only INTACT passes */
	enum { PH_WRITE, PH_READALL } phase;
	volatile int stop;
	uint64_t acked_bytes; /* atomically added */
	pthread_mutex_t lock; /* why[] and counts at the end */
	char why[MAX_WHY][200];
	unsigned nwhy;
	struct soak_count total;
};

struct soak_thread {
	struct soak_run *r;
	unsigned idx;
	pthread_t tid;
	struct nvio_queue *q;
	int rc; /* -errno when the thread could not go on */
	struct soak_count n;
};

struct slot {
	unsigned char *buf;
	uint64_t unit;
	uint32_t gen;
	bool write;
};

static volatile sig_atomic_t g_soak_sigint;

static void soak_on_sigint(int sig)
{
	(void)sig;
	g_soak_sigint = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void note_mismatch(struct soak_run *r, const char *why)
{
	pthread_mutex_lock(&r->lock);
	if (r->nwhy < MAX_WHY)
		str_copy(r->why[r->nwhy++], sizeof(r->why[0]), why);
	pthread_mutex_unlock(&r->lock);
}

static uint64_t unit_lba(const struct soak_run *r, uint64_t u)
{
	return r->o->slba + u * r->unit_lbas;
}

static void judge(struct soak_thread *t, const struct slot *s)
{
	struct soak_run *r = t->r;
	uint32_t want = r->durable ? r->durable[s->unit] :
		__atomic_load_n(&r->gen[s->unit], __ATOMIC_ACQUIRE);
	char why[200];
	enum soak_unit v;

	v = soak_judge(s->buf, r->lba_bytes, r->unit_lbas, r->o->seed,
		       unit_lba(r, s->unit), want, r->exact || !r->durable,
		       why, sizeof(why));
	t->n.judged[v]++;
	if (v == SOAK_UNIT_MISMATCH) {
		t->n.mismatch++;
		note_mismatch(r, why);
	}
}

static void complete(struct soak_thread *t, struct slot *s, int res,
		     bool *busy)
{
	struct soak_run *r = t->r;

	busy[s->unit / r->o->threads] = false;
	if (res && !t->n.first_err)
		t->n.first_err = res;
	if (s->write) {
		if (res) {
			/* What landed is unknown: partly, wholly, not at all. */
			t->n.write_err++;
			__atomic_store_n(&r->gen[s->unit], s->gen | SOAK_UNCERTAIN,
					 __ATOMIC_RELEASE);
			return;
		}
		__atomic_store_n(&r->gen[s->unit], s->gen, __ATOMIC_RELEASE);
		t->n.writes++;
		t->n.bytes += r->unit_bytes;
		__atomic_add_fetch(&r->acked_bytes, r->unit_bytes, __ATOMIC_RELAXED);
		return;
	}
	if (res) {
		t->n.read_err++;
		return;
	}
	t->n.reads++;
	judge(t, s);
}

/* The next command of the write phase: a read-back of a unit this thread
 * wrote (--verify-pct of the time, when there is one), else a write of a
 * random unit it owns. false when the picked unit is busy. */
static bool pick_write_phase(struct soak_thread *t, uint64_t *rs,
			     uint64_t owned, struct slot *s, bool *busy)
{
	struct soak_run *r = t->r;
	uint64_t k = lat_rand_below(rs, owned);
	uint64_t u = t->idx + k * r->o->threads;
	uint32_t g;

	if (busy[k])
		return false;
	g = __atomic_load_n(&r->gen[u], __ATOMIC_ACQUIRE);
	s->unit = u;
	s->write = true;
	if (g && !(g & SOAK_UNCERTAIN) &&
	    lat_rand_below(rs, 100) < r->o->verify_pct) {
		s->write = false;
		return true;
	}
	s->gen = (g & SOAK_GEN_MASK) + 1;
	if (s->gen > SOAK_GEN_MASK)
		s->gen = 1; /* 2^31 writes of one unit: not in this lifetime */
	for (uint32_t i = 0; i < r->unit_lbas; i++)
		soak_fill(s->buf + (size_t)i * r->lba_bytes, r->lba_bytes,
			  r->o->seed, unit_lba(r, u) + i, s->gen);
	return true;
}

static void *soak_thread_main(void *arg)
{
	struct soak_thread *t = arg;
	struct soak_run *r = t->r;
	const struct soak_opts *o = r->o;
	uint64_t owned = (r->units - t->idx + o->threads - 1) / o->threads;
	uint64_t next = 0; /* read-all phase: the next owned unit */
	uint64_t rs = o->seed ^ (0x9e3779b97f4a7c15ull * (t->idx + 1));
	unsigned qd = (unsigned)o->qd, inflight = 0;
	struct slot *slots;
	struct nvio_cpl *cpl;
	unsigned *free_slots, nfree = 0;
	bool *busy;
	int rc = 0;

	if (!rs)
		rs = 1;
	rc = nvio_queue_create(r->dev, &r->qo, &t->q);
	if (rc) {
		t->q = NULL;
		r->stop = 1;
		t->rc = rc;
		return NULL;
	}
	slots = calloc(qd, sizeof(*slots));
	cpl = calloc(qd, sizeof(*cpl));
	free_slots = calloc(qd, sizeof(*free_slots));
	busy = calloc(owned ? owned : 1, sizeof(*busy));
	if (!slots || !cpl || !free_slots || !busy) {
		rc = -ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < qd; i++) {
		slots[i].buf = nvio_buf_alloc(r->unit_bytes);
		if (!slots[i].buf) {
			rc = -ENOMEM;
			goto out;
		}
		free_slots[nfree++] = i;
	}
	for (;;) {
		bool more = !r->stop && !g_soak_sigint &&
			    (r->phase == PH_WRITE || next < owned);

		while (more && nfree) {
			struct slot *s = &slots[free_slots[nfree - 1]];
			uint64_t lba;

			if (r->phase == PH_WRITE) {
				if (!pick_write_phase(t, &rs, owned, s, busy))
					break; /* busy: reap first */
			} else {
				s->unit = t->idx + next * o->threads;
				s->write = false;
			}
			lba = unit_lba(r, s->unit);
			rc = s->write ?
				nvio_queue_write(t->q, lba, r->unit_lbas, s->buf,
						 r->unit_bytes, 0, s) :
				nvio_queue_read(t->q, lba, r->unit_lbas, s->buf,
						r->unit_bytes, 0, s);
			if (rc)
				goto out;
			busy[s->unit / o->threads] = true;
			nfree--;
			inflight++;
			if (r->phase == PH_READALL && ++next >= owned)
				break;
		}
		if (!inflight) {
			if (!more || r->phase == PH_READALL)
				break;
			continue;
		}
		/* A deadline, so that a stop is seen even while the device
		 * keeps a command; the command timeout bounds the commands. */
		int n = nvio_queue_reap_timeout(t->q, cpl, qd, 1, 100000000ull);

		if (n == -ETIME || n == -EINTR)
			continue;
		if (n < 0) {
			rc = n;
			goto out;
		}
		for (int i = 0; i < n; i++) {
			struct slot *s = cpl[i].user;

			complete(t, s, cpl[i].res, busy);
			free_slots[nfree++] = (unsigned)(s - slots);
			inflight--;
		}
	}
out:
	t->rc = rc;
	if (rc)
		r->stop = 1;
	/* Whatever is still in flight (after an error) is waited for by
	 * the destroy, bounded; if it cannot, the buffers stay with the
	 * kernel's commands and the queue with them: the process ends. */
	if (nvio_queue_destroy(t->q) == 0)
		t->q = NULL;
	if (!t->q) {
		for (unsigned i = 0; slots && i < qd; i++)
			nvio_buf_free(slots[i].buf);
		free(slots);
	}
	/* else: leave the buffers to the kernel's commands; the process
	 * ends soon. */
	free(cpl);
	free(free_slots);
	free(busy);
	return NULL;
}

/* Runs one phase over all threads, adding the threads' counts into
 * r->total; the main thread flushes and journals meanwhile when `cp`. */
static int run_phase(struct cli *c, struct soak_run *r, struct soak_thread *t,
		     int (*cp)(struct cli *, struct soak_run *, uint64_t))
{
	const struct soak_opts *o = r->o;
	unsigned started = 0;
	int rc = 0;

	r->stop = 0;
	for (unsigned i = 0; i < o->threads; i++) {
		memset(&t[i].n, 0, sizeof(t[i].n));
		t[i].rc = 0;
		if (pthread_create(&t[i].tid, NULL, soak_thread_main, &t[i])) {
			rc = err_errno(c, EAGAIN, "starting soak thread %u", i);
			r->stop = 1;
			break;
		}
		started++;
	}
	/* The write phase runs until the main thread says stop; reading
	 * the region ends by itself (or on a thread's error). */
	if (!rc && cp)
		rc = cp(c, r, now_ms());
	if (cp || rc)
		r->stop = 1;
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i].tid, NULL);
	for (unsigned i = 0; i < started; i++) {
		struct soak_count *a = &r->total, *b = &t[i].n;

		a->writes += b->writes;
		a->bytes += b->bytes;
		a->reads += b->reads;
		a->write_err += b->write_err;
		a->read_err += b->read_err;
		a->mismatch += b->mismatch;
		for (unsigned k = 0; k <= SOAK_UNIT_MISMATCH; k++)
			a->judged[k] += b->judged[k];
		if (!a->first_err)
			a->first_err = b->first_err;
		if (t[i].rc && !rc)
			rc = err_result(c, t[i].rc, "soak I/O");
	}
	return rc;
}

static struct soak_journal g_j;
static uint32_t *g_snap;
static uint64_t g_t0;

static int checkpoint(struct cli *c, struct soak_run *r, struct nvio_queue *q,
		      bool complete_run)
{
	uint64_t writes = 0;
	int rc;

	/* Generations first, then the flush: whatever was acknowledged
	 * before the copy was acknowledged before the flush went out, and
	 * the flush covers every command completed before it (NVMe Base
	 * 2.0, Flush). Writes counted as the threads saw them. */
	for (uint64_t u = 0; u < r->units; u++)
		g_snap[u] = __atomic_load_n(&r->gen[u], __ATOMIC_ACQUIRE);
	uint64_t bytes = __atomic_load_n(&r->acked_bytes, __ATOMIC_RELAXED);

	rc = nvio_flush(q);
	if (rc)
		return err_result(c, rc, "flush");
	writes = bytes / r->unit_bytes;
	g_j.checkpoint++;
	g_j.writes = writes;
	g_j.bytes = bytes;
	g_j.elapsed_ms = now_ms() - g_t0;
	g_j.complete = complete_run;
	if (r->o->journal) {
		rc = soak_journal_save(r->o->journal, &g_j, g_snap);
		if (rc)
			return err_errno(c, rc, "writing the journal %s",
					 r->o->journal);
	}
	return 0;
}

static struct nvio_queue *g_mq; /* the main thread's queue, for flushes */

static int write_phase_loop(struct cli *c, struct soak_run *r, uint64_t t0)
{
	const struct soak_opts *o = r->o;
	uint64_t last = t0;
	bool touched = false;
	int rc;

	for (;;) {
		uint64_t now, bytes;

		usleep(10000);
		now = now_ms();
		bytes = __atomic_load_n(&r->acked_bytes, __ATOMIC_RELAXED);
		if (o->touch_file && !touched && bytes >= o->touch_bytes) {
			int fd = open(o->touch_file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

			if (fd < 0)
				return err_errno(c, errno, "creating %s (--touch-after)",
						 o->touch_file);
			close(fd);
			touched = true;
		}
		if (g_soak_sigint || r->stop)
			break;
		if (o->has_time && now - t0 >= o->time_s * 1000)
			break;
		if (o->bytes && bytes >= o->bytes)
			break;
		if (now - last >= o->flush_ms) {
			rc = checkpoint(c, r, g_mq, false);
			if (rc)
				return rc;
			last = now_ms();
		}
	}
	return 0;
}

static int parse_soak(struct cli *c, int argc, char **argv,
		      struct soak_opts *o)
{
	char *colon;
	int opt, rc;

	memset(o, 0, sizeof(*o));
	o->bs = 4096;
	o->threads = 2;
	o->qd = 32;
	o->time_s = 60;
	o->flush_ms = 1000;
	o->verify_pct = 25;
	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code == EXIT_OK ? CLI_STOP : c->exit_code;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &o->nsid, UINT32_MAX - 1);
			if (!rc && !o->nsid)
				rc = err_usage(c, "--namespace-id: 0 is not a namespace");
			break;
		case 's':
			rc = opt_u64(c, "start-block", optarg, &o->slba, UINT64_MAX);
			break;
		case OPT_SIZE:
			rc = opt_size(c, "size", optarg, &o->size);
			if (!rc && !o->size)
				rc = err_usage(c, "--size: 0 bytes is no region");
			o->has_size = true;
			break;
		case OPT_BS:
			rc = opt_size(c, "bs", optarg, &o->bs);
			if (!rc && (o->bs < 512 || o->bs > (1u << 20)))
				rc = err_usage(c, "--bs: %llu bytes is out of range (512 B to 1 MiB)",
					       (unsigned long long)o->bs);
			break;
		case 'j':
			rc = opt_u64(c, "threads", optarg, &o->threads, 64);
			if (!rc && !o->threads)
				rc = err_usage(c, "--threads: at least 1");
			break;
		case OPT_QD:
			rc = opt_u64(c, "qd", optarg, &o->qd, 1024);
			if (!rc && !o->qd)
				rc = err_usage(c, "--qd: at least 1");
			break;
		case OPT_TIME:
			rc = opt_u64(c, "time", optarg, &o->time_s, 30 * 86400);
			if (!rc && !o->time_s)
				rc = err_usage(c, "--time: at least 1 s");
			o->has_time = true;
			break;
		case OPT_BYTES:
			rc = opt_size(c, "bytes", optarg, &o->bytes);
			if (!rc && !o->bytes)
				rc = err_usage(c, "--bytes: at least 1 unit");
			break;
		case OPT_FLUSH_MS:
			rc = opt_u64(c, "flush-ms", optarg, &o->flush_ms, 3600000);
			if (!rc && o->flush_ms < 10)
				rc = err_usage(c, "--flush-ms: at least 10 ms");
			break;
		case OPT_JOURNAL:
			o->journal = optarg;
			break;
		case OPT_CHECK:
			o->check = true;
			break;
		case OPT_VERIFY_PCT:
			rc = opt_u64(c, "verify-pct", optarg, &o->verify_pct, 100);
			break;
		case OPT_MODE:
			if (!strcmp(optarg, "poll"))
				o->qflags = NVIO_QUEUE_POLL;
			else if (!strcmp(optarg, "irq"))
				o->qflags = NVIO_QUEUE_IRQ;
			else
				rc = err_usage(c, "--mode: '%s' is not poll or irq", optarg);
			break;
		case OPT_SEED:
			rc = opt_u64(c, "seed", optarg, &o->seed, UINT64_MAX);
			o->has_seed = true;
			break;
		case OPT_TOUCH:
			colon = strchr(optarg, ':');
			if (!colon || !colon[1])
				return err_usage(c, "--touch-after: '%s' is not SIZE:FILE", optarg);
			*colon = 0;
			rc = opt_size(c, "touch-after", optarg, &o->touch_bytes);
			*colon = ':';
			o->touch_file = colon + 1;
			break;
		case OPT_FORCE:
			c->force = true;
			break;
		default:
			return err_usage(c, "unexpected option");
		}
		if (rc)
			return rc;
	}
	/* --bytes alone stops on bytes only; otherwise --time (60 s) holds. */
	if (!o->bytes)
		o->has_time = true;
	if (o->check && !o->journal)
		return err_usage(c, "--check needs --journal FILE (written by the soak)");
	if (o->check && (o->bytes || o->touch_file || o->has_seed))
		return err_usage(c, "--check writes nothing: --bytes, --seed and --touch-after do not apply");
	return cli_take_dev(c, argc, argv, true);
}

static void report(struct cli *c, struct soak_run *r, const char *phase,
		   const struct soak_count *n, uint64_t ms)
{
	struct jw *w = cli_json(c);
	static const char *const names[] = { "intact", "newer", "partly_newer",
					     "not_covered", "uncertain",
					     "mismatch" };

	if (w) {
		jw_obj(w, phase);
		jw_u64(w, "elapsed_ms", ms);
		if (!strcmp(phase, "write")) {
			jw_u64(w, "writes", n->writes);
			jw_u64(w, "bytes_written", n->bytes);
			jw_u64(w, "read_backs", n->reads);
			jw_u64(w, "flushes", g_j.checkpoint);
		} else {
			jw_u64(w, "units", n->reads);
			for (unsigned k = 0; k <= SOAK_UNIT_MISMATCH; k++)
				jw_u64(w, names[k], n->judged[k]);
		}
		jw_u64(w, "mismatches", n->mismatch);
		jw_u64(w, "write_errors", n->write_err);
		jw_u64(w, "read_errors", n->read_err);
		jw_obj_end(w);
		return;
	}
	char b[32];

	if (!strcmp(phase, "write")) {
		fmt_bytes(b, sizeof(b), n->bytes);
		printf("write: %llu writes (%s) in %.1f s, %llu read back and checked, "
		       "%llu flushes; mismatches %llu, write errors %llu, read errors %llu\n",
		       (unsigned long long)n->writes, b, ms / 1000.0,
		       (unsigned long long)n->reads,
		       (unsigned long long)g_j.checkpoint,
		       (unsigned long long)n->mismatch,
		       (unsigned long long)n->write_err,
		       (unsigned long long)n->read_err);
		return;
	}
	printf("%s: %llu units read in %.1f s: %llu intact", phase,
	       (unsigned long long)n->reads, ms / 1000.0,
	       (unsigned long long)n->judged[SOAK_UNIT_INTACT]);
	if (r->durable)
		printf(", %llu newer (written after the last flush), %llu partly newer, "
		       "%llu not covered (nothing acknowledged before the last flush), "
		       "%llu uncertain (a write failed)",
		       (unsigned long long)n->judged[SOAK_UNIT_NEWER],
		       (unsigned long long)n->judged[SOAK_UNIT_PARTLY],
		       (unsigned long long)n->judged[SOAK_UNIT_UNCOVERED],
		       (unsigned long long)n->judged[SOAK_UNIT_UNCERTAIN]);
	printf("; mismatches %llu, read errors %llu\n",
	       (unsigned long long)n->mismatch, (unsigned long long)n->read_err);
}

/* The region, from the options and the namespace. */
static int setup_region(struct cli *c, struct soak_run *r,
			const struct cli_dev *d, const struct soak_opts *o)
{
	const struct nvio_dev_info *info = d->info;
	uint64_t lbas;

	r->lba_bytes = info->lba_size;
	if (info->md_size)
		return err_refused(c, "the namespace's format has %u bytes of metadata per LBA: "
				      "nvio soak writes data-only formats",
				   info->md_size);
	if (o->bs % r->lba_bytes)
		return err_usage(c, "--bs: %llu is not a multiple of the LBA size (%u B)",
				 (unsigned long long)o->bs, r->lba_bytes);
	if (o->bs > info->max_xfer)
		return err_usage(c, "--bs: %llu is larger than one command may carry (%u B)",
				 (unsigned long long)o->bs, info->max_xfer);
	r->unit_lbas = (uint32_t)(o->bs / r->lba_bytes);
	r->unit_bytes = (uint32_t)o->bs;
	if (o->slba >= info->nsze)
		return err_usage(c, "--start-block: LBA %llu is past the namespace's end (%llu LBAs)",
				 (unsigned long long)o->slba,
				 (unsigned long long)info->nsze);
	lbas = info->nsze - o->slba;
	if (o->has_size) {
		if (o->size % o->bs)
			return err_usage(c, "--size: %llu is not a multiple of --bs (%llu)",
					 (unsigned long long)o->size,
					 (unsigned long long)o->bs);
		if (o->size / r->lba_bytes > lbas)
			return err_usage(c, "--size: %llu bytes from LBA %llu pass the namespace's end (%llu LBAs)",
					 (unsigned long long)o->size,
					 (unsigned long long)o->slba,
					 (unsigned long long)info->nsze);
		lbas = o->size / r->lba_bytes;
	}
	r->units = lbas / r->unit_lbas;
	if (r->units > (1ull << 28))
		return err_usage(c, "the region has %llu units of %llu B: at most 2^28 (give --size or a larger --bs)",
				 (unsigned long long)r->units,
				 (unsigned long long)o->bs);
	if (r->units < o->threads)
		return err_usage(c, "the region has %llu units: fewer than --threads",
				 (unsigned long long)r->units);
	return 0;
}

/* --check: the journal must be for this namespace and region. */
static int match_journal(struct cli *c, struct soak_run *r,
			 const struct cli_dev *d, struct soak_opts *o)
{
	const struct soak_journal *j = &g_j;

	if (j->nsid != d->info->nsid || j->nsze != d->info->nsze ||
	    strncmp(j->serial, d->info->serial, sizeof(j->serial)) ||
	    j->lba_bytes != r->lba_bytes)
		return err_refused(c, "the journal %s is for namespace %u of serial '%.24s' "
				      "(%llu LBAs of %u B), not this one (%u of '%s', %llu LBAs of %u B)",
				   o->journal, j->nsid, j->serial,
				   (unsigned long long)j->nsze, j->lba_bytes,
				   d->info->nsid, d->info->serial,
				   (unsigned long long)d->info->nsze, r->lba_bytes);
	return 0;
}

int cmd_soak(struct cli *c, int argc, char **argv)
{
	struct soak_opts o;
	struct soak_run r;
	struct soak_thread *t = NULL;
	struct cli_dev d;
	struct sigaction sa, old, oldpipe;
	uint32_t *jgens = NULL;
	uint64_t t0;
	int rc;

	rc = parse_soak(c, argc, argv, &o);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	memset(&r, 0, sizeof(r));
	memset(&g_j, 0, sizeof(g_j));
	if (o.check) {
		rc = soak_journal_load(o.journal, &g_j, &jgens);
		if (rc == -EBADMSG)
			return err_usage(c, "--journal: %s is not a soak journal, or it is damaged "
					    "(sizes or checksum disagree)", o.journal);
		if (rc)
			return err_errno(c, rc, "reading the journal %s", o.journal);
		o.seed = g_j.run;
		o.slba = g_j.slba;
		o.bs = (uint64_t)g_j.unit_lbas * g_j.lba_bytes;
		o.size = g_j.units * o.bs;
		o.has_size = true;
	} else if (!o.has_seed) {
		o.seed = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ now_ms();
	}
	rc = cli_open(c, (uint32_t)o.nsid, o.check ? NVIO_DEV_RDONLY : 0, true, &d);
	if (rc)
		goto out_free;
	r.o = &o;
	r.dev = d.dev;
	g_mq = d.q;
	rc = setup_region(c, &r, &d, &o);
	if (!rc && o.check)
		rc = match_journal(c, &r, &d, &o);
	if (!rc && !o.check)
		rc = safety_check(c, &d, "soak (write) the namespace");
	if (rc)
		goto out;
	r.gen = calloc(r.units, sizeof(*r.gen));
	g_snap = calloc(r.units, sizeof(*g_snap));
	t = calloc(o.threads, sizeof(*t));
	if (!r.gen || !g_snap || !t) {
		rc = err_errno(c, ENOMEM, "soak state for %llu units",
			       (unsigned long long)r.units);
		goto out;
	}
	pthread_mutex_init(&r.lock, NULL);
	r.qo = (struct nvio_queue_opts){
		.sz = sizeof(r.qo), .depth = (uint32_t)o.qd,
		.flags = o.qflags, .sqpoll_cpu = -1,
		.timeout_ms = c->timeout_ms,
	};
	for (unsigned i = 0; i < o.threads; i++) {
		t[i].r = &r;
		t[i].idx = i;
	}
	/* A first queue here, to say what kind the threads get (and fail
	 * before anything is written). */
	struct nvio_queue *probe;
	rc = nvio_queue_create(d.dev, &r.qo, &probe);
	if (rc) {
		rc = err_result(c, rc, "creating a soak queue");
		goto out;
	}
	bool polled = nvio_queue_flags(probe) & NVIO_QF_POLLED;
	nvio_queue_destroy(probe);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = soak_on_sigint;
	sigemptyset(&sa.sa_mask);
	g_soak_sigint = 0;
	sigaction(SIGINT, &sa, &old);
	/* NVMe/TCP may raise SIGPIPE in a submitting thread when the target
	 * drops the connection (the send happens in our task): the command
	 * fails and is counted, the soak must not die of it. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &oldpipe);

	struct jw *w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_str(w, "command", c->cmd->name);
		jw_str(w, "device", d.info->generic_path);
		jw_u64(w, "nsid", d.info->nsid);
		jw_u64(w, "start_block", o.slba);
		jw_u64(w, "units", r.units);
		jw_u64(w, "unit_bytes", r.unit_bytes);
		jw_u64(w, "lba_bytes", r.lba_bytes);
		jw_u64(w, "threads", o.threads);
		jw_u64(w, "qd", o.qd);
		jw_bool(w, "polled", polled);
		jw_u64(w, "run", o.seed);
	} else {
		char b[32];

		fmt_bytes(b, sizeof(b), r.units * r.unit_bytes);
		printf("soak: %s nsid %u, LBA %llu + %llu units of %u B (%s), %llu threads x QD%llu, %s, run 0x%llx\n",
		       c->dev_path, d.info->nsid, (unsigned long long)o.slba,
		       (unsigned long long)r.units, r.unit_bytes, b,
		       (unsigned long long)o.threads, (unsigned long long)o.qd,
		       polled ? "polled" : "interrupts",
		       (unsigned long long)o.seed);
	}

	g_t0 = t0 = now_ms();
	if (o.check) {
		if (!w)
			printf("journal: flush %llu at %.1f s, %llu writes acknowledged before it%s\n",
			       (unsigned long long)g_j.checkpoint, g_j.elapsed_ms / 1000.0,
			       (unsigned long long)g_j.writes,
			       g_j.complete ? " (the run ended normally)" : "");
		else {
			jw_obj(w, "journal");
			jw_u64(w, "checkpoint", g_j.checkpoint);
			jw_u64(w, "writes", g_j.writes);
			jw_u64(w, "elapsed_ms", g_j.elapsed_ms);
			jw_bool(w, "complete", g_j.complete);
			jw_obj_end(w);
		}
		r.durable = jgens;
		r.phase = PH_READALL;
		rc = run_phase(c, &r, t, NULL);
		if (!rc)
			report(c, &r, "check", &r.total, now_ms() - t0);
	} else {
		g_j.run = o.seed;
		g_j.slba = o.slba;
		g_j.units = r.units;
		g_j.unit_lbas = r.unit_lbas;
		g_j.lba_bytes = r.lba_bytes;
		g_j.nsze = d.info->nsze;
		g_j.nsid = d.info->nsid;
		str_copy(g_j.serial, sizeof(g_j.serial), d.info->serial);
		g_j.threads = (uint32_t)o.threads;
		/* An empty journal first: --check then says "nothing covered"
		 * rather than judging against an older run's. */
		rc = checkpoint(c, &r, d.q, false);
		r.phase = PH_WRITE;
		if (!rc)
			rc = run_phase(c, &r, t, write_phase_loop);
		if (!rc) {
			report(c, &r, "write", &r.total, now_ms() - t0);
			rc = checkpoint(c, &r, d.q, true);
		}
		if (!rc && !g_soak_sigint) {
			struct soak_count wr = r.total;

			memset(&r.total, 0, sizeof(r.total));
			r.exact = true;
			r.phase = PH_READALL;
			t0 = now_ms();
			rc = run_phase(c, &r, t, NULL);
			if (!rc)
				report(c, &r, "verify", &r.total, now_ms() - t0);
			r.total.mismatch += wr.mismatch;
			r.total.write_err += wr.write_err;
			r.total.read_err += wr.read_err;
			if (!r.total.first_err)
				r.total.first_err = wr.first_err;
		}
	}
	sigaction(SIGINT, &old, NULL);
	sigaction(SIGPIPE, &oldpipe, NULL);
	if (rc)
		goto out;
	for (unsigned i = 0; i < r.nwhy; i++) {
		if (w) {
			if (!i)
				jw_arr(w, "mismatch_examples");
			jw_str(w, NULL, r.why[i]);
			if (i + 1 == r.nwhy)
				jw_arr_end(w);
		} else {
			printf("mismatch: %s\n", r.why[i]);
		}
	}
	bool pass = !r.total.mismatch && !r.total.write_err && !r.total.read_err;
	if (w) {
		jw_bool(w, "interrupted", g_soak_sigint);
		if (r.total.first_err)
			jw_str(w, "first_error", nvio_strerror(r.total.first_err));
		jw_str(w, "result", pass ? "pass" : "fail");
		jw_obj_end(w);
	} else {
		printf("result: %s (%llu mismatches, %llu write errors, %llu read errors)%s\n",
		       pass ? "PASS" : "FAIL",
		       (unsigned long long)r.total.mismatch,
		       (unsigned long long)r.total.write_err,
		       (unsigned long long)r.total.read_err,
		       g_soak_sigint ? "; interrupted: the final read of the region was skipped" : "");
		if (r.total.first_err)
			printf("first failed command: %s\n", nvio_strerror(r.total.first_err));
	}
	if (!pass) {
		c->keep_doc = true;
		rc = EXIT_NVME;
	}
out:
	free(t);
	free(r.gen);
	free(g_snap);
	g_snap = NULL;
	cli_close(&d);
out_free:
	free(jgens);
	return rc;
}
