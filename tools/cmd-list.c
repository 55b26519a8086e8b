/* SPDX-License-Identifier: MIT */
/*
 * cmd-list.c - every NVMe controller and namespace on the machine, from
 * sysfs (/sys/class/nvme, /sys/class/nvme-generic), each namespace opened
 * through libnvio for its format and capacity. A namespace nvio cannot
 * open (permissions) is still listed, from what sysfs says.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const struct cli_opt opts_list[] = { CLI_OPT_COMMON, { 0 } };

struct names {
	char (*v)[NAME_MAX + 1];
	size_t n;
};

static int cmp_ver(const void *a, const void *b)
{
	return strverscmp(a, b);
}

/* Entries of dir whose name starts with prefix, in version order. */
static void scan(const char *dir_path, const char *prefix, struct names *out)
{
	struct dirent *de;
	DIR *dir = opendir(dir_path);
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		if (out->n == cap) {
			void *p;

			cap = cap ? cap * 2 : 16;
			p = realloc(out->v, cap * sizeof(*out->v));
			if (!p)
				break;
			out->v = p;
		}
		snprintf(out->v[out->n++], NAME_MAX + 1, "%s", de->d_name);
	}
	closedir(dir);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_ver);
}

static void attr(const char *cls, const char *name, const char *a, char *buf,
		 size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/class/%s/%s/%s", cli_sysfs(), cls, name, a);
	if (read_sysfs_str(path, buf, len))
		buf[0] = '\0';
}

static const char *dash(const char *s)
{
	return s && s[0] ? s : "-";
}

struct ns_row {
	char generic[64], block[NAME_MAX + 8], ctrl[32], model[41], serial[21], fw[9];
	char transport[16], error[128];
	uint32_t nsid, lba_size, md_size;
	uint64_t nsze;
	bool polled, has_block, opened;
};

static void ns_from_sysfs(struct ns_row *r, const char *ng)
{
	const char *sysfs = cli_sysfs();
	char path[PATH_MAX], target[PATH_MAX], blk[NAME_MAX + 1];
	uint64_t v;
	ssize_t n;

	snprintf(blk, sizeof(blk), "nvme%s", ng + 2);
	snprintf(path, sizeof(path), "%s/block/%s", sysfs, blk);
	r->has_block = access(path, F_OK) == 0;
	if (r->has_block)
		snprintf(r->block, sizeof(r->block), "/dev/%s", blk);
	snprintf(path, sizeof(path), "%s/block/%s/nsid", sysfs, blk);
	if (!read_sysfs_u64(path, &v))
		r->nsid = (uint32_t)v;
	snprintf(path, sizeof(path), "%s/block/%s/queue/logical_block_size",
		 sysfs, blk);
	if (!read_sysfs_u64(path, &v))
		r->lba_size = (uint32_t)v;
	snprintf(path, sizeof(path), "%s/block/%s/size", sysfs, blk);
	if (!read_sysfs_u64(path, &v) && r->lba_size >= 512)
		r->nsze = v / (r->lba_size / 512); /* 512 B sectors */
	snprintf(path, sizeof(path), "%s/block/%s/queue/io_poll", sysfs, blk);
	r->polled = !read_sysfs_u64(path, &v) && v == 1;
	/* The controller: the generic device's parent, or with native
	 * multipath the subsystem, whose first controller stands in. */
	snprintf(path, sizeof(path), "%s/class/nvme-generic/%s/device", sysfs, ng);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		const char *b;

		target[n] = '\0';
		b = strrchr(target, '/');
		b = b ? b + 1 : target;
		if (!strncmp(b, "nvme-subsys", 11)) {
			struct names cs;

			snprintf(path, sizeof(path), "%s/class/nvme-subsystem/%.*s",
				 sysfs, NAME_MAX, b);
			scan(path, "nvme", &cs);
			for (size_t i = 0; i < cs.n; i++) {
				if (strncmp(cs.v[i], "nvme-", 5)) {
					snprintf(r->ctrl, sizeof(r->ctrl), "%s",
						 cs.v[i]);
					break;
				}
			}
			free(cs.v);
		} else {
			str_copy(r->ctrl, sizeof(r->ctrl), b);
		}
	}
	if (r->ctrl[0]) {
		attr("nvme", r->ctrl, "model", r->model, sizeof(r->model));
		attr("nvme", r->ctrl, "serial", r->serial, sizeof(r->serial));
		attr("nvme", r->ctrl, "firmware_rev", r->fw, sizeof(r->fw));
		attr("nvme", r->ctrl, "transport", r->transport, sizeof(r->transport));
	}
}

static void ns_row(struct ns_row *r, const char *ng)
{
	struct nvio_dev_opts o = { .sz = sizeof(o), .flags = NVIO_DEV_RDONLY };
	struct nvio_dev *dev;
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->generic, sizeof(r->generic), "/dev/%s", ng);
	ns_from_sysfs(r, ng);
	rc = nvio_dev_open(r->generic, &o, &dev);
	if (rc) {
		snprintf(r->error, sizeof(r->error), "%s", errno_text(rc));
		return;
	}
	const struct nvio_dev_info *i = nvio_dev_info(dev);

	r->opened = true;
	r->nsid = i->nsid;
	r->lba_size = i->lba_size;
	r->md_size = i->md_size;
	r->nsze = i->nsze;
	r->polled = i->poll_queues;
	if (i->model[0])
		snprintf(r->model, sizeof(r->model), "%s", i->model);
	if (i->serial[0])
		snprintf(r->serial, sizeof(r->serial), "%s", i->serial);
	if (i->firmware[0])
		snprintf(r->fw, sizeof(r->fw), "%s", i->firmware);
	if (i->transport[0])
		snprintf(r->transport, sizeof(r->transport), "%s", i->transport);
	nvio_dev_close(dev);
}

int cmd_list(struct cli *c, int argc, char **argv)
{
	char path[PATH_MAX];
	struct names ctrls, ngs;
	struct jw *w;
	int rc;

	rc = cli_parse_plain(c, argc, argv, false);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	snprintf(path, sizeof(path), "%s/class/nvme", cli_sysfs());
	scan(path, "nvme", &ctrls);
	snprintf(path, sizeof(path), "%s/class/nvme-generic", cli_sysfs());
	scan(path, "ng", &ngs);
	w = cli_json(c);

	if (w) {
		jw_obj(w, NULL);
		jw_arr(w, "controllers");
	} else if (ctrls.n) {
		printf("%-8s %-9s %-14s %-24s %-20s %-8s %s\n", "Ctrl",
		       "Transport", "Address", "Model", "Serial", "FW", "State");
	} else {
		printf("No NVMe controllers found (is the nvme driver loaded?)\n");
	}
	for (size_t i = 0; i < ctrls.n; i++) {
		char tr[16], addr[128], model[41], serial[21], fw[9], state[32];
		const char *n = ctrls.v[i];

		attr("nvme", n, "transport", tr, sizeof(tr));
		attr("nvme", n, "address", addr, sizeof(addr));
		attr("nvme", n, "model", model, sizeof(model));
		attr("nvme", n, "serial", serial, sizeof(serial));
		attr("nvme", n, "firmware_rev", fw, sizeof(fw));
		attr("nvme", n, "state", state, sizeof(state));
		if (w) {
			char dev[64];

			snprintf(dev, sizeof(dev), "/dev/%s", n);
			jw_obj(w, NULL);
			jw_str(w, "name", n);
			jw_str(w, "device", dev);
			jw_str(w, "transport", tr);
			jw_str(w, "address", addr);
			jw_str(w, "model", model);
			jw_str(w, "serial", serial);
			jw_str(w, "firmware", fw);
			jw_str(w, "state", state);
			jw_obj_end(w);
		} else {
			printf("%-8s %-9s %-14s %-24s %-20s %-8s %s\n", n,
			       dash(tr), dash(addr), dash(model), dash(serial),
			       dash(fw), dash(state));
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_arr(w, "namespaces");
	} else if (ngs.n) {
		printf("\n%-12s %-14s %-6s %-5s %-12s %-14s %-5s %s\n", "Generic",
		       "Block", "Ctrl", "NSID", "Capacity", "Format", "Poll",
		       "Model / Serial");
	} else if (ctrls.n) {
		printf("\nNo NVMe generic char devices (/dev/ngXnY) found: "
		       "Linux 5.13 or later creates them.\n");
	}
	for (size_t i = 0; i < ngs.n; i++) {
		struct ns_row r;
		char cap[32], fmtb[32];

		ns_row(&r, ngs.v[i]);
		fmt_bytes(cap, sizeof(cap), mul_sat(r.nsze, r.lba_size));
		if (r.md_size)
			snprintf(fmtb, sizeof(fmtb), "%u B + %u B md", r.lba_size,
				 r.md_size);
		else
			snprintf(fmtb, sizeof(fmtb), "%u B", r.lba_size);
		if (w) {
			jw_obj(w, NULL);
			jw_str(w, "generic", r.generic);
			if (r.has_block)
				jw_str(w, "block", r.block);
			else
				jw_null(w, "block");
			jw_str(w, "controller", r.ctrl);
			jw_u64(w, "nsid", r.nsid);
			jw_str(w, "transport", r.transport);
			jw_str(w, "model", r.model);
			jw_str(w, "serial", r.serial);
			jw_str(w, "firmware", r.fw);
			jw_u64(w, "nsze", r.nsze);
			jw_u64(w, "capacity_bytes", mul_sat(r.nsze, r.lba_size));
			jw_u64(w, "lba_size", r.lba_size);
			jw_u64(w, "md_size", r.md_size);
			jw_bool(w, "polled", r.polled);
			if (r.opened)
				jw_null(w, "error");
			else
				jw_str(w, "error", r.error);
			jw_obj_end(w);
		} else {
			printf("%-12s %-14s %-6s %-5u %-12s %-14s %-5s %s / %s%s%s%s\n",
			       r.generic, dash(r.block), dash(r.ctrl), r.nsid, cap,
			       fmtb, r.polled ? "yes" : "no", dash(r.model),
			       dash(r.serial), r.opened ? "" : "  (not opened: ",
			       r.opened ? "" : r.error, r.opened ? "" : ")");
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
	free(ctrls.v);
	free(ngs.v);
	return EXIT_OK;
}
