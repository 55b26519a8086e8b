/* SPDX-License-Identifier: MIT */
/*
 * svg.c - the picture of a sweep, written by hand as SVG 1.1 (no plotting
 * dependency): latency percentiles (p50 solid, p99 dashed, p99.9 dotted)
 * against queue depth, and IOPS against p50 latency, one colour per
 * series (block size x mode x direction), with axes, ticks, labels and a
 * legend. Latency axes are logarithmic (1-2-5 ticks), queue depth is on a
 * log2 axis, IOPS linear from zero.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lat-int.h"

#define W 980.0
#define CH 440.0        /* height of one chart, title included */
#define PL 80.0         /* plot area: left, top offsets in a chart */
#define PT 50.0
#define PW 600.0
#define PH 320.0
#define LX (PL + PW + 30.0) /* legend */

/* Ten strong colours, then their light partners: up to 20 series stay
 * apart by colour; beyond that colours repeat (the legend's order and the
 * points' tooltips still tell them apart). */
static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
	"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
	"#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
	"#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
};
#define NPAL (sizeof(palette) / sizeof(palette[0]))

struct axis {
	bool log;
	double lo, hi;   /* data units (log axes: the values, not logs) */
	double px0, px1; /* pixel positions of lo and hi */
};

static double axis_pos(const struct axis *a, double v)
{
	double t;

	if (a->log)
		t = (log(v) - log(a->lo)) / (log(a->hi) - log(a->lo));
	else
		t = (v - a->lo) / (a->hi - a->lo);
	return a->px0 + t * (a->px1 - a->px0);
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

/* 1-2-5 steps: the largest step value <= v, and the smallest >= v. */
static double step_floor(double v)
{
	double d = pow(10, floor(log10(v)));

	if (v >= 5 * d)
		return 5 * d;
	if (v >= 2 * d)
		return 2 * d;
	return d;
}

static double step_ceil(double v)
{
	double d = pow(10, floor(log10(v)));

	if (v <= d * (1 + 1e-9))
		return d;
	if (v <= 2 * d)
		return 2 * d;
	if (v <= 5 * d)
		return 5 * d;
	return 10 * d;
}

static double step_next(double v)
{
	double d = pow(10, floor(log10(v) + 1e-9));
	double m = v / d;

	if (m < 1.5)
		return 2 * d;
	if (m < 3.5)
		return 5 * d;
	return 10 * d;
}

static void fmt_num(char *buf, size_t len, double v)
{
	if (v >= 1e6 && fmod(v, 1e6) == 0)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (v >= 1e3 && fmod(v, 1e3) == 0)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

static void grid_x(FILE *f, double x, double y0, double y1, const char *label)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"class=\"grid\"/>\n", x, y0, x, y1);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"class=\"axis\"/>\n", x, y1, x, y1 + 5);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x,
		y1 + 18);
	xml_text(f, label);
	fputs("</text>\n", f);
}

static void grid_y(FILE *f, double y, double x0, double x1, const char *label)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"class=\"grid\"/>\n", x0, y, x1, y);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"class=\"axis\"/>\n", x0 - 5, y, x0, y);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", x0 - 8,
		y + 4);
	xml_text(f, label);
	fputs("</text>\n", f);
}

/* Ticks of a log axis at 1-2-5 values, or of a linear one at a 1-2-5
 * step; `vertical` for a y axis. */
static void ticks(FILE *f, const struct axis *a, bool vertical, double o0,
		  double o1)
{
	char buf[32];

	if (a->log) {
		unsigned n = 0;

		for (double v = a->lo; v <= a->hi * (1 + 1e-9) && n < 64;
		     v = step_next(v), n++) {
			fmt_num(buf, sizeof(buf), v);
			if (vertical)
				grid_y(f, axis_pos(a, v), o0, o1, buf);
			else
				grid_x(f, axis_pos(a, v), o0, o1, buf);
		}
	} else {
		double step = step_ceil((a->hi - a->lo) / 6);

		for (double v = a->lo; v <= a->hi * (1 + 1e-9); v += step) {
			fmt_num(buf, sizeof(buf), v);
			if (vertical)
				grid_y(f, axis_pos(a, v), o0, o1, buf);
			else
				grid_x(f, axis_pos(a, v), o0, o1, buf);
		}
	}
}

static void log_axis(struct axis *a, double lo, double hi, double px0,
		     double px1)
{
	if (!(lo > 0))
		lo = 1;
	if (!(hi > lo))
		hi = lo * 1.01;
	a->log = true;
	a->lo = step_floor(lo);
	a->hi = step_ceil(hi);
	if (a->hi <= a->lo)
		a->hi = step_next(a->lo);
	a->px0 = px0;
	a->px1 = px1;
}

struct series {
	uint64_t bs;
	enum lat_mode mode;
	enum lat_rw rw;
	unsigned idx[LAT_MAX_LIST * 4]; /* points, in queue depth order */
	unsigned n;
	char name[64];
};

static int qd_cmp(const void *a, const void *b, void *arg)
{
	const struct lat_result *r = arg;
	unsigned x = r[*(const unsigned *)a].o.qd, y = r[*(const unsigned *)b].o.qd;

	return x < y ? -1 : x > y;
}

/* Groups the points into series, at most max of them; *all counts every
 * series there is, drawn or not. */
static unsigned make_series(const struct lat_result *r, unsigned n,
			    struct series *s, unsigned max, unsigned *all)
{
	unsigned ns = 0;

	*all = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned j;

		if (!r[i].all.n)
			continue;
		for (j = 0; j < i; j++)
			if (r[j].all.n && r[j].o.bs == r[i].o.bs &&
			    r[j].o.mode == r[i].o.mode && r[j].o.rw == r[i].o.rw)
				break;
		*all += j == i;
	}

	for (unsigned i = 0; i < n; i++) {
		unsigned k;

		if (!r[i].all.n)
			continue;
		for (k = 0; k < ns; k++)
			if (s[k].bs == r[i].o.bs && s[k].mode == r[i].o.mode &&
			    s[k].rw == r[i].o.rw)
				break;
		if (k == ns) {
			char bs[32];

			if (ns == max)
				continue;
			memset(&s[k], 0, sizeof(s[k]));
			s[k].bs = r[i].o.bs;
			s[k].mode = r[i].o.mode;
			s[k].rw = r[i].o.rw;
			if (r[i].o.bs % 1024)
				snprintf(bs, sizeof(bs), "%" PRIu64 " B", r[i].o.bs);
			else
				snprintf(bs, sizeof(bs), "%" PRIu64 " KiB",
					 r[i].o.bs / 1024);
			snprintf(s[k].name, sizeof(s[k].name), "%s %s %s", bs,
				 r[i].sqpoll ? (r[i].polled ? "sqpoll+poll"
							    : "sqpoll")
				 : r[i].polled ? "poll" : "irq",
				 lat_rw_name(r[i].o.rw));
			ns++;
		}
		if (s[k].n < sizeof(s[k].idx) / sizeof(s[k].idx[0]))
			s[k].idx[s[k].n++] = i;
	}
	for (unsigned k = 0; k < ns; k++)
		qsort_r(s[k].idx, s[k].n, sizeof(s[k].idx[0]), qd_cmp,
			(void *)r);
	return ns;
}

static void chart_frame(FILE *f, double oy, const char *title,
			const char *xlabel, const char *ylabel)
{
	fprintf(f, "<g transform=\"translate(0,%.1f)\">\n", oy);
	fprintf(f, "<text x=\"%.1f\" y=\"28\" class=\"title\" "
		"text-anchor=\"middle\">", PL + PW / 2);
	xml_text(f, title);
	fputs("</text>\n", f);
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"class=\"plot\"/>\n", PL, PT, PW, PH);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		PL + PW / 2, PT + PH + 42);
	xml_text(f, xlabel);
	fputs("</text>\n", f);
	fprintf(f, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
		"text-anchor=\"middle\">", PL - 58, PT + PH / 2);
	xml_text(f, ylabel);
	fputs("</text>\n", f);
}

static void legend_series(FILE *f, const struct series *s, unsigned ns,
			  double y)
{
	for (unsigned k = 0; k < ns; k++, y += 20) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"%s\" stroke-width=\"2.5\"/>\n", LX, y,
			LX + 28, y, palette[k % NPAL]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", LX + 36, y + 4);
		xml_text(f, s[k].name);
		fputs("</text>\n", f);
	}
}

static void polyline(FILE *f, const char *color, const char *dash,
		     const double *x, const double *y, unsigned n)
{
	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s "
		"points=\"", color, dash ? " stroke-dasharray=\"" : "",
		dash ? dash : "", dash ? "\"" : "");
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", x[i], y[i]);
	fputs("\"/>\n", f);
}

static void chart_latency(FILE *f, const struct lat_result *r,
			  const struct series *s, unsigned ns, double oy)
{
	static const char *const dash[3] = { NULL, "7,4", "2,3" };
	static const char *const pname[3] = { "p50", "p99", "p99.9" };
	struct axis ax, ay;
	unsigned qmin = UINT32_MAX, qmax = 0;
	double lmin = INFINITY, lmax = 0;

	chart_frame(f, oy, "Latency percentiles against queue depth",
		    "queue depth (commands in flight)", "latency (us)");
	for (unsigned k = 0; k < ns; k++) {
		for (unsigned i = 0; i < s[k].n; i++) {
			const struct lat_result *p = &r[s[k].idx[i]];

			if (p->o.qd < qmin)
				qmin = p->o.qd;
			if (p->o.qd > qmax)
				qmax = p->o.qd;
			if (p->all.p50 / 1000.0 < lmin)
				lmin = (double)p->all.p50 / 1000.0;
			if (p->all.p999 / 1000.0 > lmax)
				lmax = (double)p->all.p999 / 1000.0;
		}
	}
	if (!ns) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no "
			"data</text>\n</g>\n", PL + PW / 2, PT + PH / 2);
		return;
	}
	ax.log = true;
	ax.px0 = PL + 30;
	ax.px1 = PL + PW - 30;
	ax.lo = qmin;
	ax.hi = qmax > qmin ? qmax : qmin * 2.0;
	if (qmax == qmin) {
		ax.px1 = PL + PW / 2 + (PW / 2 - 30);
		ax.px0 = PL + PW / 2 - (PW / 2 - 30);
		ax.lo = qmin / 2.0;
		ax.hi = qmin * 2.0;
	}
	log_axis(&ay, lmin, lmax, PT + PH, PT);
	ticks(f, &ay, true, PL, PL + PW);
	/* Queue depth ticks: every depth that was run. */
	for (unsigned k = 0, seen = 0; k < ns; k++) {
		for (unsigned i = 0; i < s[k].n; i++) {
			unsigned qd = r[s[k].idx[i]].o.qd;
			char buf[16];
			bool dup = false;

			for (unsigned k2 = 0; k2 <= k && !dup; k2++)
				for (unsigned i2 = 0;
				     i2 < (k2 == k ? i : s[k2].n) && !dup; i2++)
					dup = r[s[k2].idx[i2]].o.qd == qd;
			if (dup || seen++ > 40)
				continue;
			snprintf(buf, sizeof(buf), "%u", qd);
			grid_x(f, axis_pos(&ax, qd), PT, PT + PH, buf);
		}
	}
	for (unsigned k = 0; k < ns; k++) {
		double x[LAT_MAX_LIST * 4], y[3][LAT_MAX_LIST * 4];

		for (unsigned i = 0; i < s[k].n; i++) {
			const struct lat_result *p = &r[s[k].idx[i]];

			x[i] = axis_pos(&ax, p->o.qd);
			y[0][i] = axis_pos(&ay, (double)p->all.p50 / 1000.0);
			y[1][i] = axis_pos(&ay, (double)p->all.p99 / 1000.0);
			y[2][i] = axis_pos(&ay, (double)p->all.p999 / 1000.0);
		}
		for (unsigned j = 0; j < 3; j++)
			polyline(f, palette[k % NPAL], dash[j], x, y[j], s[k].n);
		for (unsigned i = 0; i < s[k].n; i++) {
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
				"fill=\"%s\"><title>", x[i], y[0][i],
				palette[k % NPAL]);
			xml_text(f, s[k].name);
			fprintf(f, " qd %u: p50 %.2f us</title></circle>\n",
				r[s[k].idx[i]].o.qd,
				(double)r[s[k].idx[i]].all.p50 / 1000.0);
		}
	}
	legend_series(f, s, ns, PT + 10);
	for (unsigned j = 0; j < 3; j++) {
		double y = PT + 10 + 20.0 * ns + 14 + 20.0 * j;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#333\" stroke-width=\"2\"%s%s%s/>\n", LX, y,
			LX + 28, y, dash[j] ? " stroke-dasharray=\"" : "",
			dash[j] ? dash[j] : "", dash[j] ? "\"" : "");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", LX + 36,
			y + 4, pname[j]);
	}
	fputs("</g>\n", f);
}

static void chart_iops(FILE *f, const struct lat_result *r,
		       const struct series *s, unsigned ns, double oy)
{
	struct axis ax, ay;
	double lmin = INFINITY, lmax = 0, imax = 0;

	chart_frame(f, oy, "IOPS against median latency", "p50 latency (us)",
		    "IOPS");
	for (unsigned k = 0; k < ns; k++) {
		for (unsigned i = 0; i < s[k].n; i++) {
			const struct lat_result *p = &r[s[k].idx[i]];
			double l = (double)p->all.p50 / 1000.0;

			if (l < lmin)
				lmin = l;
			if (l > lmax)
				lmax = l;
			if (p->iops > imax)
				imax = p->iops;
		}
	}
	if (!ns) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no "
			"data</text>\n</g>\n", PL + PW / 2, PT + PH / 2);
		return;
	}
	log_axis(&ax, lmin, lmax, PL, PL + PW);
	ay.log = false;
	ay.lo = 0;
	ay.hi = imax > 0 ? step_ceil((imax * 1.05) / 6) * 6 : 1;
	ay.px0 = PT + PH;
	ay.px1 = PT;
	ticks(f, &ax, false, PT, PT + PH);
	ticks(f, &ay, true, PL, PL + PW);
	for (unsigned k = 0; k < ns; k++) {
		double x[LAT_MAX_LIST * 4], y[LAT_MAX_LIST * 4];

		for (unsigned i = 0; i < s[k].n; i++) {
			const struct lat_result *p = &r[s[k].idx[i]];

			x[i] = axis_pos(&ax, (double)p->all.p50 / 1000.0);
			y[i] = axis_pos(&ay, p->iops);
		}
		polyline(f, palette[k % NPAL], NULL, x, y, s[k].n);
		for (unsigned i = 0; i < s[k].n; i++) {
			const struct lat_result *p = &r[s[k].idx[i]];

			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
				"fill=\"%s\"><title>", x[i], y[i],
				palette[k % NPAL]);
			xml_text(f, s[k].name);
			fprintf(f, " qd %u: %.0f IOPS at p50 %.2f us</title>"
				"</circle>\n", p->o.qd, p->iops,
				(double)p->all.p50 / 1000.0);
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"small\" "
				"fill=\"%s\">qd %u</text>\n", x[i] + 5, y[i] - 6,
				palette[k % NPAL], p->o.qd);
		}
	}
	legend_series(f, s, ns, PT + 10);
	fputs("</g>\n", f);
}

int lat_svg_write(FILE *f, const struct lat_result *r, unsigned n,
		  const char *title)
{
	struct series *s = calloc(LAT_SVG_MAX_SERIES, sizeof(*s));
	unsigned ns, all;
	double ch, h;

	if (!s)
		return -1;
	ns = make_series(r, n, s, LAT_SVG_MAX_SERIES, &all);
	/* A chart grows to hold its legend: the series, a gap, and the
	 * three percentile styles under them (see chart_latency). */
	ch = PT + 10 + 20.0 * ns + 14 + 20.0 * 3 + 20;
	if (ch < CH)
		ch = CH;
	h = 2 * ch + 60;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		   "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
		W, h, W, h);
	fputs("<style>\n"
	      "text { font-family: sans-serif; font-size: 12px; fill: #222; }\n"
	      ".title { font-size: 16px; font-weight: bold; }\n"
	      ".small { font-size: 10px; }\n"
	      ".plot { fill: #fcfcfc; stroke: #444; stroke-width: 1; }\n"
	      ".grid { stroke: #ddd; stroke-width: 1; }\n"
	      ".axis { stroke: #444; stroke-width: 1; }\n"
	      "</style>\n", f);
	fprintf(f, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"white\"/>\n", W,
		h);
	fprintf(f, "<text x=\"%.1f\" y=\"24\" class=\"title\" "
		"text-anchor=\"middle\">", W / 2);
	xml_text(f, title);
	fputs("</text>\n", f);
	if (all > ns)
		fprintf(f, "<text x=\"%.1f\" y=\"42\" text-anchor=\"middle\" "
			"fill=\"#b00\">only the first %u of %u series are drawn"
			"</text>\n", W / 2, ns, all);
	chart_latency(f, r, s, ns, 40);
	chart_iops(f, r, s, ns, 40 + ch);
	fputs("</svg>\n", f);
	free(s);
	return ferror(f) ? -1 : (int)(all - ns);
}
