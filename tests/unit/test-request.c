/* SPDX-License-Identifier: MIT */
/* struct nvio_io: its encoding word by word, and every check of
 * nvio_queue_io against the namespace's format, with nothing queued on
 * a refusal. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>

#include "testutil.h"

static char *buf;
static char *md;

static void setup(void)
{
	buf = nvio_buf_alloc(1 << 20);
	md = nvio_buf_alloc(1 << 16);
}

static void teardown(void)
{
	nvio_buf_free(buf);
	nvio_buf_free(md);
}

static uint32_t dw(const struct nvio_cmd *c, unsigned i)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)c + 4 * i, 4);
	return v;
}

static struct nvio_io req(uint8_t opc, uint64_t slba, uint32_t nlb)
{
	struct nvio_io io = { .sz = sizeof(io), .opcode = opc, .slba = slba,
			      .nlb = nlb };
	return io;
}

/* 512-byte LBAs, 1000 of them, 128 per command; metadata `ms` bytes
 * (separate or extended), PI type `pi` with a `guard`-bit guard. */
static struct nvio_queue *queue_fmt(uint32_t ms, bool ext, uint8_t pi,
				    uint8_t guard, uint8_t sts)
{
	struct nvio_dev_info info = {
		.nsid = 1, .lba_size = 512, .lba_shift = 9, .md_size = ms,
		.md_extended = ext, .nsze = 1000, .max_nlb = 128,
		.pi_type = pi, .pi_guard_bits = guard,
		.pi_size = guard == 16 ? 8 : guard ? 16 : 0, .pi_sts = sts,
	};

	return fake_queue_info(&info, 4);
}

static const struct nvme_uring_cmd *queued_cmd(struct nvio_queue *q,
					       unsigned i)
{
	return (const struct nvme_uring_cmd *)fake_sqe(q, i)->cmd;
}

START_TEST(encode_every_field)
{
	struct nvio_io io = req(NVIO_OP_WRITE, 0x123456789abcull, 8);
	struct nvio_cmd c;

	io.ctl = NVIO_IO_FUA | NVIO_IO_PRINFO(NVIO_PRCHK_GUARD | NVIO_PRCHK_REF);
	io.dtype = 2;
	io.dspec = 5;
	io.reftag = 0xa1b2c3d4e5f6ull;
	io.apptag = 0xbeef;
	io.appmask = 0xff00;
	io.cdw2 = 0x11;
	io.cdw13 = 0x7; /* a dataset management hint */
	memset(&c, 0xa5, sizeof(c));
	ck_assert_int_eq(nvio_io_encode(&io, 3, &c), 0);
	ck_assert_uint_eq(c.opcode, NVIO_OP_WRITE);
	ck_assert_uint_eq(dw(&c, 1), 3);
	ck_assert_uint_eq(dw(&c, 2), 0x11);
	ck_assert_uint_eq(dw(&c, 3), 0xa1b2); /* reference tag bits 47:32 */
	for (unsigned i = 4; i < 10; i++)
		ck_assert_uint_eq(dw(&c, i), 0);
	ck_assert_uint_eq(dw(&c, 10), 0x56789abc);
	ck_assert_uint_eq(dw(&c, 11), 0x1234);
	/* NLB 7, DTYPE 2 in 23:20, PRCHK guard+ref in 28:26, FUA 30 */
	ck_assert_uint_eq(dw(&c, 12), 7u | 2u << 20 | 5u << 26 | 1u << 30);
	ck_assert_uint_eq(dw(&c, 13), 5u << 16 | 7u);
	ck_assert_uint_eq(dw(&c, 14), 0xc3d4e5f6);
	ck_assert_uint_eq(dw(&c, 15), 0xff00beefu);

	/* the plain encoder and the request agree where they overlap */
	struct nvio_cmd plain;

	io = req(NVIO_OP_READ, 77, 65536);
	io.ctl = NVIO_IO_LR;
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), 0);
	nvio_cmd_read(&plain, 1, 77, 65536, NVIO_IO_LR);
	ck_assert_mem_eq(&c, &plain, sizeof(c));
	io = req(NVIO_OP_WRITE_ZEROES, 5, 9);
	io.ctl = NVIO_IO_DEAC;
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), 0);
	nvio_cmd_write_zeroes(&plain, 1, 5, 9, NVIO_IO_DEAC);
	ck_assert_mem_eq(&c, &plain, sizeof(c));
}
END_TEST

START_TEST(encode_refuses)
{
	struct nvio_io io;
	struct nvio_cmd c;

	io = req(NVIO_OP_FLUSH, 0, 1);
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	io = req(NVIO_OP_READ, 0, 0);
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	io = req(NVIO_OP_READ, 0, 65537);
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	io = req(NVIO_OP_READ, 0, 1);
	io.ctl = 0x10000;
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	io = req(NVIO_OP_READ, 0, 1);
	io.dspec = 1; /* directives are write fields */
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	io = req(NVIO_OP_WRITE, 0, 1);
	io.dtype = 16;
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	io = req(NVIO_OP_WRITE, 0, 1);
	io.reftag = 1ull << 48;
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	ck_assert_int_eq(nvio_io_encode(NULL, 1, &c), -EFAULT);
	io = req(NVIO_OP_WRITE, 0, 1);
	ck_assert_int_eq(nvio_io_encode(&io, 1, NULL), -EFAULT);
}
END_TEST

/* sz: an older caller's shorter request is refused below the first
 * release's size; a newer caller's longer one passes only with zeroes
 * past the fields this library knows. */
START_TEST(request_size)
{
	struct {
		struct nvio_io io;
		uint64_t newer;
	} big;
	struct nvio_cmd c;

	memset(&big, 0, sizeof(big));
	big.io = req(NVIO_OP_READ, 0, 1);
	big.io.sz = sizeof(big);
	ck_assert_int_eq(nvio_io_encode(&big.io, 1, &c), 0);
	big.newer = 1;
	ck_assert_int_eq(nvio_io_encode(&big.io, 1, &c), -EINVAL);
	big.io.sz = sizeof(big.io) - 8;
	ck_assert_int_eq(nvio_io_encode(&big.io, 1, &c), -EINVAL);
	big.io.sz = 0;
	ck_assert_int_eq(nvio_io_encode(&big.io, 1, &c), -EINVAL);
}
END_TEST

/* No metadata, no PI: the PI fields, a metadata buffer, another
 * namespace and buffers on data-less commands are refused. */
START_TEST(plain_format)
{
	struct nvio_queue *q = queue_fmt(0, false, 0, 0, 0);
	struct iovec iov[2] = { { buf, 512 }, { buf + 4096, 512 } };
	struct nvio_io io;

	io = req(NVIO_OP_WRITE, 0, 1);
	io.buf = buf; io.len = 512; io.ctl = NVIO_IO_PRACT;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.ctl = NVIO_IO_PRINFO(NVIO_PRCHK_GUARD);
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.ctl = 0; io.apptag = 1;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.apptag = 0; io.reftag = 1;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.reftag = 0; io.md = md; io.md_len = 8;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.md = NULL; io.md_len = 8;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EFAULT);
	io.md_len = 0; io.nsid = 2;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EXDEV);
	io.nsid = 0; io.iov = iov; io.iovcnt = 2;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL); /* buf and iov */
	io.buf = NULL; io.len = 0;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EMSGSIZE); /* 1024 != 512 */
	io = req(NVIO_OP_VERIFY, 0, 8);
	io.buf = buf; io.len = 4096;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io = req(NVIO_OP_READ, 0, 1);
	ck_assert_int_eq(nvio_queue_io(q, &io), -EFAULT);
	io.buf = buf + 2; io.len = 512;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io = req(NVIO_OP_READ, 999, 2);
	io.buf = buf; io.len = 1024;
	ck_assert_int_eq(nvio_queue_io(q, &io), -ERANGE);
	io = req(NVIO_OP_READ, 0, 129);
	io.buf = buf; io.len = 129 * 512;
	ck_assert_int_eq(nvio_queue_io(q, &io), -E2BIG);
	io = req(NVIO_OP_DSM, 0, 1);
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	ck_assert_int_eq(nvio_queue_io(q, NULL), -EFAULT);
	ck_assert_int_eq(nvio_queue_io(NULL, &io), -EINVAL);
	ck_assert_uint_eq(fake_queued(q), 0);
	ck_assert_uint_eq(nvio_queue_inflight(q), 0);

	/* accepted: a vector read, write zeroes past the maximum transfer
	 * (no data), and a write with its own timeout and a placement id */
	io = req(NVIO_OP_READ, 0, 2);
	io.iov = iov; io.iovcnt = 2; io.user = (void *)0x42;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(fake_sqe(q, 0)->cmd_op, NVME_URING_CMD_IO_VEC);
	ck_assert_uint_eq(fake_sqe(q, 0)->user_data, 0x42);
	ck_assert_uint_eq(queued_cmd(q, 0)->data_len, 2); /* segments */
	io = req(NVIO_OP_WRITE_ZEROES, 0, 1000);
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	nvio_queue_set_timeout(q, 500);
	io = req(NVIO_OP_WRITE, 8, 1);
	io.buf = buf; io.len = 512; io.timeout_ms = 1234; io.dtype = 1;
	io.dspec = 3;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 2)->timeout_ms, 1234);
	ck_assert_uint_eq(queued_cmd(q, 2)->cdw13, 3u << 16);
	ck_assert_uint_eq(queued_cmd(q, 2)->cdw12, 1u << 20);
	ck_assert_uint_eq(nvio_queue_timeout(q), 500);
	io.timeout_ms = 0;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 3)->timeout_ms, 500);
	/* the queue is full */
	ck_assert_int_eq(nvio_queue_io(q, &io), -EBUSY);
	ck_assert_uint_eq(fake_queued(q), 4);
	fake_queue_free(q);
}
END_TEST

/* 8 bytes of separate metadata that are all PI (type 1, 16-bit guard). */
START_TEST(separate_pi16)
{
	struct nvio_queue *q = queue_fmt(8, false, 1, 16, 0);
	struct nvio_io io = req(NVIO_OP_WRITE, 10, 2);

	io.buf = buf; io.len = 1024;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP); /* no md */
	io.md = md; io.md_len = 8;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EMSGSIZE);
	io.md = md + 2; io.md_len = 16;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.md = md;
	io.reftag = 1ull << 32; /* 32 bits with the 16-bit guard */
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	/* PRACT on PI-only metadata: the controller moves none */
	io.reftag = 10; io.ctl = NVIO_IO_PRACT;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	ck_assert_uint_eq(fake_queued(q), 0);

	io.ctl = NVIO_IO_PRINFO(NVIO_PRCHK_GUARD | NVIO_PRCHK_REF);
	io.apptag = 0x1234; io.appmask = 0xffff;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 0)->metadata, (uintptr_t)md);
	ck_assert_uint_eq(queued_cmd(q, 0)->metadata_len, 16);
	ck_assert_uint_eq(queued_cmd(q, 0)->data_len, 1024);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw14, 10);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw15, 0xffff1234u);
	io = req(NVIO_OP_READ, 10, 2);
	io.buf = buf; io.len = 1024; io.ctl = NVIO_IO_PRACT;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 1)->metadata, 0);
	/* verify moves nothing: no metadata buffer either way */
	io = req(NVIO_OP_VERIFY, 10, 2);
	io.md = md; io.md_len = 16;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.md = NULL; io.md_len = 0;
	io.ctl = NVIO_IO_PRINFO(NVIO_PRCHK_GUARD);
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	fake_queue_free(q);
}
END_TEST

/* 16 bytes of separate metadata, the 64-bit guard's PI: a 48-bit
 * reference tag, less a storage tag's bits. */
START_TEST(separate_pi64)
{
	struct nvio_queue *q = queue_fmt(16, false, 1, 64, 0);
	struct nvio_io io = req(NVIO_OP_READ, 0, 4);

	io.buf = buf; io.len = 2048; io.md = md; io.md_len = 64;
	io.reftag = 0xabcd00000001ull;
	io.ctl = NVIO_IO_PRINFO(NVIO_PRCHK_REF);
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw3, 0xabcd);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw14, 1);
	io.md_len = 32; /* 8 bytes a LBA is the 16-bit guard's PI */
	ck_assert_int_eq(nvio_queue_io(q, &io), -EMSGSIZE);
	fake_queue_free(q);

	/* an 8-bit storage tag leaves the reference tag 40 bits */
	q = queue_fmt(16, false, 1, 64, 8);
	io.md_len = 64;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.reftag = 0xff00000001ull;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	fake_queue_free(q);

	/* a PI whose guard could not be learned: no PI fields */
	q = queue_fmt(16, false, 1, 0, 0);
	io.reftag = 0;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	/* and PRACT does not drop the metadata buffer: its size is not
	 * known to be the PI's */
	io.ctl = 0;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	fake_queue_free(q);
}
END_TEST

/* Extended LBAs: metadata travels in the data buffer, never beside it. */
START_TEST(extended)
{
	struct nvio_queue *q = queue_fmt(8, true, 1, 16, 0);
	struct nvio_io io = req(NVIO_OP_WRITE, 0, 2);

	io.buf = buf; io.len = 1024;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EMSGSIZE);
	io.len = 1040; io.md = md; io.md_len = 16;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.md = NULL; io.md_len = 0;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	io.ctl = NVIO_IO_PRACT; /* data only in the buffer */
	ck_assert_int_eq(nvio_queue_io(q, &io), -EMSGSIZE);
	io.len = 1024;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	fake_queue_free(q);
}
END_TEST

/* A second namespace on the queue: its own geometry, fd and nsid; the
 * queue's own stays as it was; other namespaces and controllers are
 * refused. The devices are made by hand: no kernel is needed. */
static struct nvio_dev *fake_dev(const char *ctrl, int fd,
				 const struct nvio_dev_info *info)
{
	struct nvio_dev *d = calloc(1, sizeof(*d));

	ck_assert_ptr_nonnull(d);
	if (info)
		d->info = *info;
	snprintf(d->info.ctrl_path, sizeof(d->info.ctrl_path), "%s", ctrl);
	d->fd = fd;
	d->ctrl_fd = -1;
	d->refs = 1;
	return d;
}

START_TEST(second_namespace)
{
	struct nvio_queue *q = queue_fmt(0, false, 0, 0, 0);
	struct nvio_dev_info bi = {
		.nsid = 2, .lba_size = 4096, .lba_shift = 12, .nsze = 50,
		.max_nlb = 16, .md_size = 8, .pi_type = 1, .pi_guard_bits = 16,
		.pi_size = 8,
	};
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct nvio_dev *a = fake_dev("/dev/nvme0", -1, NULL);
	struct nvio_dev *b = fake_dev("/dev/nvme0", fd, &bi);
	struct nvio_dev *other = fake_dev("/dev/nvme1", fd, &bi);
	struct nvio_dev *ctrl = fake_dev("/dev/nvme0", -1, &bi);
	struct nvio_io io;
	struct nvio_cmd c;

	ck_assert_int_ge(fd, 0);
	q->dev = a;
	other->info.nsid = 3;
	ck_assert_int_eq(nvio_queue_add_ns(q, b), 0);
	ck_assert_uint_eq(b->refs, 2);
	ck_assert_int_eq(nvio_queue_add_ns(q, b), -EEXIST);
	ck_assert_int_eq(nvio_queue_add_ns(q, other), -EXDEV);
	ck_assert_int_eq(nvio_queue_add_ns(q, ctrl), -ENODEV);
	ck_assert_int_eq(nvio_queue_add_ns(NULL, b), -EINVAL);

	/* nsid 2 is checked against its own format: 50 LBAs of 4 KiB with
	 * 8 bytes of separate metadata */
	io = req(NVIO_OP_READ, 60, 1);
	io.nsid = 2; io.buf = buf; io.len = 4096;
	ck_assert_int_eq(nvio_queue_io(q, &io), -ERANGE);
	io.slba = 10; io.len = 512;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EMSGSIZE);
	io.len = 4096;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	io.nlb = 17; io.len = 17 * 4096;
	ck_assert_int_eq(nvio_queue_io(q, &io), -E2BIG);
	io.nsid = 3; io.nlb = 1; io.len = 4096;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EXDEV);
	ck_assert_uint_eq(fake_queued(q), 0);
	io.nsid = 2; io.md = md; io.md_len = 8;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_int_eq(fake_sqe(q, 0)->fd, fd);
	ck_assert_uint_eq(fake_sqe(q, 0)->flags, 0);
	ck_assert_uint_eq(queued_cmd(q, 0)->nsid, 2);
	ck_assert_uint_eq(queued_cmd(q, 0)->metadata, (uintptr_t)md);
	/* the queue's own: 1000 LBAs of 512 bytes, its fd */
	io = req(NVIO_OP_READ, 60, 1);
	io.buf = buf; io.len = 512;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_int_eq(fake_sqe(q, 1)->fd, 7);
	ck_assert_uint_eq(queued_cmd(q, 1)->nsid, 1);
	/* passthrough goes by the command's nsid */
	nvio_cmd_verify(&c, 2, 0, 1, 0);
	ck_assert_int_eq(nvio_queue_passthru(q, &c, NULL, 0, NULL, 0, NULL), 0);
	ck_assert_int_eq(fake_sqe(q, 2)->fd, fd);
	nvio_cmd_read(&c, 2, 0, 1, 0);
	ck_assert_int_eq(nvio_queue_passthru(q, &c, buf, 4096, NULL, 0, NULL),
			 -EOPNOTSUPP); /* nsid 2 needs its metadata buffer */
	nvio_cmd_verify(&c, 5, 0, 1, 0);
	ck_assert_int_eq(nvio_queue_passthru(q, &c, NULL, 0, NULL, 0, NULL),
			 -EXDEV);
	ck_assert_uint_eq(fake_queued(q), 3);
	fake_queue_free(q);
	close(fd);
	free(a); free(b); free(other); free(ctrl);
}
END_TEST

/* Copy: the source ranges in format 0, against MSRC, MSSRL and MCL and
 * the namespace's size; Write Uncorrectable and Copy only where ONCS
 * says the controller has them; zone append moves data as a write. */
START_TEST(copy_uncor_append)
{
	struct nvio_dev_info info = {
		.nsid = 1, .lba_size = 512, .lba_shift = 9, .nsze = 1000,
		.max_nlb = 128, .oncs = NVIO_ONCS_COPY, .copy_max_range = 16,
		.copy_max_len = 32, .copy_max_ranges = 4,
	};
	struct nvio_queue *q = fake_queue_info(&info, 4);
	struct nvio_copy_range *r = (struct nvio_copy_range *)(void *)md;
	const uint8_t *b = (const uint8_t *)r;
	struct nvio_io io = req(NVIO_OP_COPY, 500, 2);
	struct nvio_cmd c;

	nvio_copy_range_set(&r[0], 10, 8, 0x11223344, 0xbeef, 0xffff);
	nvio_copy_range_set(&r[1], 100, 16, 0, 0, 0);
	/* the specification's bytes: SLBA at 8, zero-based NLB at 16,
	 * EILBRT at 24, ELBAT at 28, ELBATM at 30 */
	ck_assert_uint_eq(b[8], 10);
	ck_assert_uint_eq(b[16], 7);
	ck_assert_uint_eq(b[24], 0x44);
	ck_assert_uint_eq(b[28], 0xef);
	ck_assert_uint_eq(b[30], 0xff);
	io.buf = r; io.len = 64;
	io.dtype = 1; io.dspec = 7;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 0)->opcode, NVIO_OP_COPY);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw10, 500);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw12, 1u | 1u << 20); /* NR 1 */
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw13, 7u << 16);
	ck_assert_uint_eq(queued_cmd(q, 0)->data_len, 64);
	io.dtype = 0; io.dspec = 0;

	io.len = 32;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EMSGSIZE);
	io.nlb = 5; io.len = 5 * 32; /* MSRC allows 4 */
	ck_assert_int_eq(nvio_queue_io(q, &io), -E2BIG);
	nvio_copy_range_set(&r[1], 100, 17, 0, 0, 0); /* MSSRL 16 */
	io.nlb = 2; io.len = 64;
	ck_assert_int_eq(nvio_queue_io(q, &io), -E2BIG);
	nvio_copy_range_set(&r[1], 100, 16, 0, 0, 0);
	nvio_copy_range_set(&r[2], 200, 16, 0, 0, 0); /* 40 > MCL 32 */
	io.nlb = 3; io.len = 96;
	ck_assert_int_eq(nvio_queue_io(q, &io), -E2BIG);
	nvio_copy_range_set(&r[1], 995, 8, 0, 0, 0); /* source past the end */
	io.nlb = 2; io.len = 64;
	ck_assert_int_eq(nvio_queue_io(q, &io), -ERANGE);
	nvio_copy_range_set(&r[1], 100, 16, 0, 0, 0);
	io.slba = 990; /* 24 LBAs do not fit there */
	ck_assert_int_eq(nvio_queue_io(q, &io), -ERANGE);
	io.slba = 500; io.md = md + 4096; io.md_len = 8;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.md = NULL; io.md_len = 0; io.buf = NULL;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EFAULT);
	io.buf = (char *)r + 2;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.buf = r; io.nlb = 257; io.len = 257 * 32;
	ck_assert_int_eq(nvio_io_encode(&io, 1, &c), -EINVAL);
	/* not in ONCS: refused before the device */
	io.nlb = 2; io.len = 64;
	io.opcode = NVIO_OP_WRITE_UNCOR; io.buf = NULL; io.len = 0;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	ck_assert_uint_eq(fake_queued(q), 1);
	fake_queue_free(q);

	info.oncs = NVIO_ONCS_WRITE_UNCOR;
	q = fake_queue_info(&info, 4);
	io = req(NVIO_OP_COPY, 500, 1);
	io.buf = r; io.len = 32;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	io = req(NVIO_OP_WRITE_UNCOR, 0, 1000);
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	io.buf = buf; io.len = 512;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL); /* moves no data */
	/* zone append to a namespace that is not zoned */
	io = req(NVIO_OP_ZONE_APPEND, 0, 2);
	io.buf = buf; io.len = 1024;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	fake_queue_free(q);

	/* a zoned one: 64-LBA zones, 8 KiB appends at most */
	info.zoned = true; info.zone_size = 64; info.zone_append_max = 8192;
	q = fake_queue_info(&info, 4);
	io = req(NVIO_OP_ZONE_APPEND, 0, 2);
	ck_assert_int_eq(nvio_queue_io(q, &io), -EFAULT);
	io.buf = buf; io.len = 1024; io.dtype = 1; io.dspec = 1;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 0)->opcode, NVIO_OP_ZONE_APPEND);
	io.slba = 3; /* not a zone's first LBA */
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	io.slba = 64; io.nlb = 17; io.len = 17 * 512; /* > ZASL */
	ck_assert_int_eq(nvio_queue_io(q, &io), -E2BIG);
	ck_assert_uint_eq(fake_queued(q), 1);
	fake_queue_free(q);
	info.zoned = false; info.zone_size = 0; info.zone_append_max = 0;

	/* Copy with the 64-bit guard's PI needs descriptor format 1 */
	info.oncs = NVIO_ONCS_COPY;
	info.md_size = 16; info.pi_type = 1; info.pi_guard_bits = 64;
	info.pi_size = 16;
	q = fake_queue_info(&info, 4);
	io = req(NVIO_OP_COPY, 500, 1);
	io.buf = r; io.len = 32;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	fake_queue_free(q);
}
END_TEST

/* nvio_io() refuses like nvio_queue_io() before anything is queued. */
START_TEST(sync_refuses)
{
	struct nvio_queue *q = queue_fmt(8, false, 1, 16, 0);
	struct nvio_io io = req(NVIO_OP_READ, 0, 1);

	io.buf = buf; io.len = 512;
	ck_assert_int_eq(nvio_io(q, &io, NULL), -EOPNOTSUPP);
	ck_assert_int_eq(nvio_io(q, NULL, NULL), -EFAULT);
	ck_assert_int_eq(nvio_io(NULL, &io, NULL), -EINVAL);
	ck_assert_uint_eq(fake_queued(q), 0);
	fake_queue_free(q);
}
END_TEST

/* Directive type 2 (FDP placement): dspec must be one of the namespace's
 * placement ids, learned at open; a namespace without FDP refuses it. */
START_TEST(placement)
{
	struct nvio_dev_info info = {
		.nsid = 1, .lba_size = 512, .lba_shift = 9, .nsze = 1000,
		.max_nlb = 128,
	};
	struct nvio_queue *q = fake_queue_info(&info, 4);
	struct nvio_dev *d = calloc(1, sizeof(*d));
	struct nvio_io io = req(NVIO_OP_WRITE, 0, 1);

	ck_assert_ptr_nonnull(d);
	io.buf = buf; io.len = 512;
	io.dtype = NVIO_DTYPE_PLACEMENT; io.dspec = 1;
	/* no device behind it, then a device without FDP */
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	d->info = info;
	d->fd = -1;
	q->ns[0].dev = d;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	d->info.fdp_unknown = true; /* status refused: still no */
	ck_assert_int_eq(nvio_queue_io(q, &io), -EOPNOTSUPP);
	d->info.fdp = true;
	d->info.fdp_nr_pids = 3;
	d->info.fdp_pids[0] = 0;
	d->info.fdp_pids[1] = 0x4000;
	d->info.fdp_pids[2] = 1;
	io.dspec = 2;
	ck_assert_int_eq(nvio_queue_io(q, &io), -ENXIO);
	io.dspec = 0x4001;
	ck_assert_int_eq(nvio_queue_io(q, &io), -ENXIO);
	ck_assert_uint_eq(fake_queued(q), 0);
	io.dspec = 0x4000;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw12, 2u << 20);
	ck_assert_uint_eq(queued_cmd(q, 0)->cdw13, 0x4000u << 16);
	/* streams (type 1) are not checked; reads take no directive */
	io.dtype = 1; io.dspec = 9;
	ck_assert_int_eq(nvio_queue_io(q, &io), 0);
	io = req(NVIO_OP_READ, 0, 1);
	io.buf = buf; io.len = 512; io.dtype = 2;
	ck_assert_int_eq(nvio_queue_io(q, &io), -EINVAL);
	ck_assert_uint_eq(fake_queued(q), 2);
	q->ns[0].dev = NULL;
	free(d);
	fake_queue_free(q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("request");
	TCase *tc = tcase_create("request");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, encode_every_field);
	tcase_add_test(tc, encode_refuses);
	tcase_add_test(tc, request_size);
	tcase_add_test(tc, plain_format);
	tcase_add_test(tc, separate_pi16);
	tcase_add_test(tc, separate_pi64);
	tcase_add_test(tc, extended);
	tcase_add_test(tc, sync_refuses);
	tcase_add_test(tc, second_namespace);
	tcase_add_test(tc, copy_uncor_append);
	tcase_add_test(tc, placement);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
