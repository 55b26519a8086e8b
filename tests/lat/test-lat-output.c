/* SPDX-License-Identifier: MIT */
/*
 * test-lat-output.c - the writers: JSON (lat and sweep) parses and holds
 * what was measured, CSV has the documented columns and one value per
 * column, the SVG parses as XML and has both charts; plus the error
 * tally and the write-safety signatures.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "latcheck.h"
#include "lat-int.h"

static char tmpdir[] = "/tmp/nvio-lat-test.XXXXXX";

static void fake_result(struct lat_result *r, const char *dev, uint64_t bs,
			unsigned qd, enum lat_mode mode, enum lat_rw rw)
{
	memset(r, 0, sizeof(*r));
	lat_opts_default(&r->o);
	r->o.dev = dev;
	r->o.bs = bs;
	r->o.qd = qd;
	r->o.mode = mode;
	r->o.rw = rw;
	r->o.range_nlb = 2097152;
	r->lba_size = 512;
	r->polled = mode != LAT_MODE_IRQ;
	r->reg_bufs = r->reg_file = true;
	lat_clock_init(&r->clk, LAT_CLOCK_MONOTONIC);
	r->hist = malloc(sizeof(*r->hist));
	ck_assert_ptr_nonnull(r->hist);
	lat_hist_init(r->hist);
	/* A latency that grows with the queue depth, with a tail. */
	for (unsigned i = 0; i < 10000; i++)
		lat_hist_record(r->hist, 10000ull * qd + (i % 100) * 50 * qd +
						 (i % 1000 == 0 ? 500000 : 0));
	lat_stats_from(&r->all, r->hist);
	lat_stats_from(&r->rd, r->hist);
	r->ios = 10000;
	r->bytes = r->ios * bs;
	r->elapsed_s = 0.01 * (1 + qd / 8.0);
	r->iops = (double)r->ios / r->elapsed_s;
	r->bw = (double)r->bytes / r->elapsed_s;
}

static char *path(const char *name)
{
	char *p;

	ck_assert_int_gt(asprintf(&p, "%s/%s", tmpdir, name), 0);
	return p;
}

START_TEST(json_lat)
{
	struct lat_result r;
	char *p = path("lat.json");
	FILE *f = fopen(p, "w");
	int rc;

	fake_result(&r, "/dev/ng\"0n1\\", 4096, 1, LAT_MODE_POLL, LAT_MIX);
	lat_errs_add(&r.errs, 0x4080, 3);
	lat_errs_add(&r.errs, 0x4001, 1);
	r.sys_err = -5;
	r.cpu_user_s = 0.01;
	r.cpu_sys_s = 0.03;
	r.o.wait = LAT_WAIT_SPIN;
	r.spin = true;
	snprintf(r.sys_what, sizeof(r.sys_what), "reaping \"completions\"");
	ck_assert_ptr_nonnull(f);
	lat_print_json(f, &r, true);
	fclose(f);
	rc = py_check("import json,sys; d=json.load(open(sys.argv[1])); "
		      "assert d[\"device\"] == \"/dev/ng\\\"0n1\\\\\", d[\"device\"]; "
		      "assert d[\"config\"][\"rw\"] == \"mix\"; "
		      "assert d[\"config\"][\"bs\"] == 4096; "
		      "assert d[\"config\"][\"wait\"] == \"spin\"; "
		      "assert d[\"queue\"][\"wait\"] == \"spin\"; "
		      "assert d[\"ios\"] == 10000; "
		      "l = d[\"lat_ns\"]; "
		      "assert l[\"min\"] <= l[\"p50\"] <= l[\"p90\"] <= l[\"p99\"] "
		      "<= l[\"p99_9\"] <= l[\"p99_99\"] <= l[\"max\"]; "
		      "assert \"read_lat_ns\" in d and \"write_lat_ns\" in d; "
		      "e = d[\"nvme_errors\"]; assert e[\"total\"] == 4; "
		      "assert e[\"by_status\"][0][\"status\"] == 0x4080; "
		      "assert e[\"by_status\"][0][\"sc\"] == 0x80; "
		      "assert e[\"by_status\"][0][\"dnr\"] is True; "
		      "assert e[\"by_status\"][0][\"count\"] == 3; "
		      "assert d[\"error\"][\"errno\"] == 5; "
		      "assert d[\"unsent\"] == 0; "
		      "c = d[\"cpu\"]; assert c[\"user_s\"] == 0.01 and c[\"sys_s\"] == 0.03; "
		      "assert c[\"user_ns_per_io\"] == 1000 and c[\"sys_ns_per_io\"] == 3000; "
		      "h = d[\"histogram\"]; "
		      "assert sum(b[\"count\"] for b in h) == 10000; "
		      "assert all(b[\"lo_ns\"] <= b[\"hi_ns\"] for b in h)", p);
	ck_assert_int_eq(rc, 0);
	lat_result_free_hist(&r);
	free(p);
}
END_TEST

START_TEST(json_empty_result)
{
	struct lat_result r;
	char *p = path("empty.json");
	FILE *f = fopen(p, "w");

	/* No command completed: no percentiles, still valid JSON. */
	memset(&r, 0, sizeof(r));
	lat_opts_default(&r.o);
	r.o.dev = "/dev/ng0n1";
	r.clk.name = "monotonic";
	r.clk.why = "asked for";
	r.iops = 0.0 / 0.0; /* a NaN must not reach the document */
	ck_assert_ptr_nonnull(f);
	lat_print_json(f, &r, true);
	fclose(f);
	ck_assert_int_eq(py_check("import json,sys; d=json.load(open(sys.argv[1])); "
				  "assert d[\"lat_ns\"] == {\"ios\": 0}; "
				  "assert d[\"iops\"] is None", p), 0);
	free(p);
}
END_TEST

static const char csv_header[] =
	"device,pattern,rw,mix_read,bs,qd,threads,mode,polled,sqpoll,reg_bufs,"
	"rate,ios,nvme_errors,elapsed_s,iops,bw_mib_s,lat_min_ns,lat_mean_ns,"
	"lat_stddev_ns,lat_p50_ns,lat_p90_ns,lat_p99_ns,lat_p99_9_ns,"
	"lat_p99_99_ns,lat_max_ns,clock,clock_read_ns,unsent,interrupted,"
	"issue_lag_p50_ns,issue_lag_p99_ns,issue_lag_max_ns,zoned,zone_resets,placement,"
	"cpu_user_ns_per_io,cpu_sys_ns_per_io,wait\n";

START_TEST(csv)
{
	struct lat_result r[2];
	char *buf = NULL, *p = path("out.csv");
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *line2, *line3;
	unsigned c1 = 0, c2 = 0;

	lat_csv_header(f);
	fclose(f);
	/* The columns are an interface: this list only ever grows. */
	ck_assert_str_eq(buf, csv_header);
	free(buf);

	fake_result(&r[0], "/dev/ng0n1", 4096, 1, LAT_MODE_POLL, LAT_READ);
	fake_result(&r[1], "/dev/odd,name", 8192, 32, LAT_MODE_IRQ, LAT_WRITE);
	r[1].unsent = 7;
	r[1].cpu_user_s = 0.025; /* 10000 commands: 2500 ns each */
	r[1].cpu_sys_s = 0.05;
	r[1].spin = true;
	r[1].lag.p50 = 1500;
	r[1].lag.max = 900000;
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	lat_csv_header(f);
	lat_csv_row(f, &r[0]);
	lat_csv_row(f, &r[1]);
	fclose(f);
	f = fopen(p, "r");
	buf = calloc(1, 8192);
	ck_assert_uint_gt(fread(buf, 1, 8191, f), 0);
	fclose(f);
	line2 = strchr(buf, '\n') + 1;
	line3 = strchr(line2, '\n') + 1;
	for (char *q = buf; q < line2; q++)
		c1 += *q == ',';
	for (char *q = line2; q < line3; q++)
		c2 += *q == ',';
	ck_assert_uint_eq(c1, c2);
	ck_assert(!strncmp(line2, "/dev/ng0n1,rand,read,100,4096,1,1,poll,1,0,1,0,"
			   "10000,0,", 47));
	ck_assert_int_eq(py_check("import csv,sys; rows=list(csv.DictReader("
				  "open(sys.argv[1]))); assert len(rows) == 2; "
				  "assert rows[1][\"device\"] == \"/dev/odd,name\"; "
				  "assert rows[1][\"mode\"] == \"irq\"; "
				  "assert int(rows[1][\"qd\"]) == 32; "
				  "assert float(rows[0][\"iops\"]) > 0; "
				  "assert all(None not in r for r in rows); "
				  "assert rows[0][\"unsent\"] == \"0\"; "
				  "assert rows[1][\"unsent\"] == \"7\"; "
				  "assert rows[1][\"interrupted\"] == \"0\"; "
				  "assert rows[1][\"issue_lag_p50_ns\"] == \"1500\"; "
				  "assert rows[1][\"issue_lag_max_ns\"] == \"900000\"; "
				  "assert rows[0][\"issue_lag_max_ns\"] == \"0\"; "
				  "assert float(rows[1][\"cpu_user_ns_per_io\"]) == 2500; "
				  "assert float(rows[1][\"cpu_sys_ns_per_io\"]) == 5000; "
				  "assert float(rows[0][\"cpu_sys_ns_per_io\"]) == 0; "
				  "assert rows[0][\"wait\"] == \"kernel\"; "
				  "assert rows[1][\"wait\"] == \"spin\"", p),
			 0);
	lat_result_free_hist(&r[0]);
	lat_result_free_hist(&r[1]);
	free(buf);
	free(p);
}
END_TEST

static unsigned make_sweep(struct lat_result *r)
{
	static const unsigned qds[] = { 1, 2, 4, 8, 16, 32 };
	unsigned n = 0;

	for (unsigned m = 0; m < 2; m++)
		for (unsigned b = 0; b < 2; b++)
			for (unsigned q = 0; q < 6; q++) {
				fake_result(&r[n], "/dev/ng0n1 <&>", 4096u << (b * 4),
					    qds[q], m ? LAT_MODE_IRQ : LAT_MODE_POLL,
					    LAT_READ);
				lat_result_free_hist(&r[n]);
				n++;
			}
	return n;
}

/* The histogram as CSV: every recorded value in exactly one row, rows in
 * order of their bounds, two points in one file told apart by their
 * identity columns. */
START_TEST(hist_csv)
{
	struct lat_result r[2];
	char *p = path("hist.csv");
	FILE *f;

	fake_result(&r[0], "/dev/ng0n1", 4096, 1, LAT_MODE_POLL, LAT_READ);
	fake_result(&r[1], "/dev/ng0n1", 8192, 32, LAT_MODE_IRQ, LAT_WRITE);
	r[1].spin = true; /* a wait the CSV must name */
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	lat_hist_csv_header(f);
	lat_hist_csv_rows(f, &r[0]);
	lat_hist_csv_rows(f, &r[1]);
	fclose(f);
	ck_assert_int_eq(py_check("import csv,sys; rows=list(csv.DictReader("
				  "open(sys.argv[1]))); "
				  "assert list(rows[0]) == [\"bs\", \"qd\", "
				  "\"mode\", \"rw\", \"lo_ns\", \"hi_ns\", "
				  "\"count\", \"wait\"]; "
				  "a = [x for x in rows if x[\"qd\"] == \"1\"]; "
				  "b = [x for x in rows if x[\"qd\"] == \"32\"]; "
				  "assert len(a) + len(b) == len(rows); "
				  "assert sum(int(x[\"count\"]) for x in a) == 10000; "
				  "assert sum(int(x[\"count\"]) for x in b) == 10000; "
				  "assert all(x[\"bs\"] == \"8192\" and "
				  "x[\"mode\"] == \"irq\" and x[\"rw\"] == "
				  "\"write\" and x[\"wait\"] == \"spin\" for x in b); "
				  "assert all(x[\"wait\"] == \"kernel\" for x in a); "
				  "lo = [int(x[\"lo_ns\"]) for x in a]; "
				  "hi = [int(x[\"hi_ns\"]) for x in a]; "
				  "assert all(l <= h for l, h in zip(lo, hi)); "
				  "assert all(hi[i] < lo[i + 1] for i in "
				  "range(len(a) - 1)); "
				  "assert lo[0] <= 10000 <= hi[0]", p), 0);
	lat_result_free_hist(&r[0]);
	lat_result_free_hist(&r[1]);
	free(p);
}
END_TEST

START_TEST(json_sweep)
{
	struct lat_result r[24];
	unsigned n = make_sweep(r);
	char *p = path("sweep.json");
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	lat_sweep_json(f, r, n);
	fclose(f);
	ck_assert_int_eq(py_check("import json,sys; d=json.load(open(sys.argv[1])); "
				  "p = d[\"points\"]; assert len(p) == 24; "
				  "assert p[5][\"config\"][\"qd\"] == 32; "
				  "assert \"histogram\" not in p[0]", p), 0);
	free(p);
}
END_TEST

START_TEST(svg)
{
	struct lat_result r[24];
	unsigned n = make_sweep(r);
	char *p = path("sweep.svg"), *buf;
	FILE *f = fopen(p, "w");
	long len;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(lat_svg_write(f, r, n, "nvio sweep /dev/ng0n1 <&> \"x\""),
			 0);
	fclose(f);
	ck_assert_int_eq(py_check("import sys, xml.dom.minidom as m; "
				  "d = m.parse(sys.argv[1]); "
				  "s = d.documentElement; assert s.tagName == \"svg\"; "
				  "t = [x.firstChild.data for x in "
				  "d.getElementsByTagName(\"text\") if x.firstChild]; "
				  "assert any(\"queue depth\" in x for x in t); "
				  "assert any(\"IOPS\" == x for x in t); "
				  "assert any(\"p99.9\" == x for x in t); "
				  "assert any(\"64 KiB irq read\" == x for x in t), t; "
				  "assert len(d.getElementsByTagName(\"polyline\")) "
				  "== 4 * 3 + 4", p), 0);
	/* The escaping of the title, byte for byte, and the frame. */
	f = fopen(p, "r");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "&lt;&amp;&gt; &quot;x&quot;"));
	ck_assert_ptr_null(strstr(buf, "<&>"));
	ck_assert_ptr_nonnull(strstr(buf, "</svg>\n"));
	free(buf);
	free(p);
}
END_TEST

/* More series than the picture draws (64): the rest are named as left
 * out, in the image and by the return value; the picture grows to hold its
 * legend, and the first 20 series have 20 colours. */
START_TEST(svg_many)
{
	enum { NS = 70 };
	struct lat_result *r = calloc(2 * NS, sizeof(*r));
	char *p = path("many.svg");
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(f);
	for (unsigned k = 0; k < NS; k++)
		for (unsigned q = 0; q < 2; q++) {
			fake_result(&r[2 * k + q], "/dev/ng0n1", 512u * (k + 1),
				    1u << q, LAT_MODE_POLL, LAT_READ);
			lat_result_free_hist(&r[2 * k + q]);
		}
	ck_assert_int_eq(lat_svg_write(f, r, 2 * NS, "many"), NS - 64);
	fclose(f);
	ck_assert_int_eq(py_check("import sys, xml.dom.minidom as m; "
				  "d = m.parse(sys.argv[1]); s = d.documentElement; "
				  "h = float(s.getAttribute(\"height\")); "
				  "t = [x.firstChild.data for x in "
				  "d.getElementsByTagName(\"text\") if x.firstChild]; "
				  "assert \"only the first 64 of 70 series are drawn\" in t, t[:3]; "
				  "assert len(d.getElementsByTagName(\"polyline\")) == 64 * 4; "
				  "g = d.getElementsByTagName(\"g\"); "
				  "oy = [float(x.getAttribute(\"transform\")[10:-1].split(\",\")[1]) for x in g]; "
				  "ys = [oy[i] + float(l.getAttribute(\"y1\")) "
				  "for i, x in enumerate(g) for l in x.getElementsByTagName(\"line\") "
				  "if l.getAttribute(\"stroke-width\") == \"2.5\"]; "
				  "assert len(ys) == 2 * 64 and max(ys) < h and "
				  "max(ys[:64]) < oy[1], (max(ys), h, oy); "
				  "c = [l.getAttribute(\"stroke\") for l in "
				  "g[0].getElementsByTagName(\"line\") "
				  "if l.getAttribute(\"stroke-width\") == \"2.5\"]; "
				  "assert len(set(c[:20])) == 20, c[:20]", p), 0);
	for (unsigned i = 0; i < 2 * NS; i++)
		lat_result_free_hist(&r[i]);
	free(r);
	free(p);
}
END_TEST

START_TEST(svg_degenerate)
{
	struct lat_result r[1];
	char *p = path("one.svg");
	FILE *f = fopen(p, "w");

	/* One point, and none at all: still a valid picture. */
	fake_result(&r[0], "/dev/ng0n1", 4096, 1, LAT_MODE_POLL, LAT_READ);
	lat_result_free_hist(&r[0]);
	ck_assert_int_eq(lat_svg_write(f, r, 1, "one"), 0);
	fclose(f);
	ck_assert_int_eq(py_check("import sys, xml.dom.minidom as m; "
				  "m.parse(sys.argv[1])", p), 0);
	f = fopen(p, "w");
	ck_assert_int_eq(lat_svg_write(f, r, 0, "none"), 0);
	fclose(f);
	ck_assert_int_eq(py_check("import sys, xml.dom.minidom as m; "
				  "m.parse(sys.argv[1])", p), 0);
	free(p);
}
END_TEST

START_TEST(normal_text)
{
	struct lat_result r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fake_result(&r, "/dev/ng0n1", 4096, 1, LAT_MODE_POLL, LAT_READ);
	lat_errs_add(&r.errs, 0x4080, 2);
	lat_print_normal(f, &r);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "10000 commands"));
	ck_assert_ptr_nonnull(strstr(buf, "p99.99"));
	ck_assert_ptr_nonnull(strstr(buf, "NVMe errors: 2"));
	ck_assert_ptr_nonnull(strstr(buf, "0x4080"));
	ck_assert_ptr_nonnull(strstr(buf, "####"));
	free(buf);
	lat_result_free_hist(&r);
}
END_TEST

START_TEST(errs_tally)
{
	struct lat_errs a = { 0 }, b = { 0 };

	for (int i = 0; i < LAT_MAX_ERR_KINDS + 4; i++)
		lat_errs_add(&a, 0x100 + i, 2);
	ck_assert_uint_eq(a.total, 2 * (LAT_MAX_ERR_KINDS + 4));
	ck_assert_uint_eq(a.kinds, LAT_MAX_ERR_KINDS);
	ck_assert_uint_eq(a.other, 8);
	lat_errs_add(&b, 0x100, 1);
	lat_errs_add(&b, 0x4080, 1);
	lat_errs_merge(&b, &a);
	ck_assert_uint_eq(b.total, a.total + 2);
	ck_assert_int_eq(b.res[0], 0x100);
	ck_assert_uint_eq(b.count[0], 3);
	ck_assert_uint_eq(b.other, a.other + 2); /* 0x10e, 0x10f: no room */
}
END_TEST

START_TEST(signatures)
{
	unsigned char *buf = calloc(1, LAT_SAFETY_PROBE_BYTES);

	ck_assert_ptr_null(lat_safety_signature(buf, LAT_SAFETY_PROBE_BYTES, 512));
	buf[1080] = 0x53;
	buf[1081] = 0xef;
	ck_assert_str_eq(lat_safety_signature(buf, LAT_SAFETY_PROBE_BYTES, 512),
			 "an ext2/ext3/ext4 filesystem");
	memset(buf, 0, LAT_SAFETY_PROBE_BYTES);
	memcpy(buf + 512, "EFI PART", 8);
	ck_assert_str_eq(lat_safety_signature(buf, LAT_SAFETY_PROBE_BYTES, 512),
			 "a GPT partition table");
	memset(buf, 0, LAT_SAFETY_PROBE_BYTES);
	buf[510] = 0x55;
	buf[511] = 0xaa;
	ck_assert_ptr_nonnull(lat_safety_signature(buf, LAT_SAFETY_PROBE_BYTES,
						   512));
	/* A short buffer never reads past its end. */
	ck_assert_ptr_null(lat_safety_signature(buf, 100, 512));
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lat-output");
	TCase *tc = tcase_create("writers");
	int rc;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, json_lat);
	tcase_add_test(tc, json_empty_result);
	tcase_add_test(tc, csv);
	tcase_add_test(tc, hist_csv);
	tcase_add_test(tc, json_sweep);
	tcase_add_test(tc, svg);
	tcase_add_test(tc, svg_degenerate);
	tcase_add_test(tc, svg_many);
	tcase_add_test(tc, normal_text);
	tcase_add_test(tc, errs_tally);
	tcase_add_test(tc, signatures);
	suite_add_tcase(s, tc);
	rc = run_suite(s);
	if (rc == EXIT_SUCCESS) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			rc = EXIT_FAILURE;
	}
	return rc;
}
