/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: libnvio's walk of sysfs (nvio_map_node: which
 * namespace, controller and transport a device node is; and
 * nvio_sysfs_path_live: whether a path to a namespace is live) over a
 * tree the input builds. sysfs is the kernel's, but the walk follows
 * links and reads files whose names and contents come from it, and tests
 * point it at fake trees: any tree must give an answer or an error,
 * within bounds. The input is text, one action per line:
 *
 *   f PATH CONTENT   a file (parents made), CONTENT with \n for newlines
 *   l PATH TARGET    a symlink (relative to its dir, or from the root)
 *   m c|b MAJ MIN NSID   nvio_map_node on the char or block node
 *   s CTRL           nvio_sysfs_path_live
 *
 * The tree lives in memory: lib/sysfs.c is compiled here with open, read,
 * close, readlink, access and the dir calls replaced by versions that
 * resolve paths (symlinks, "..", loops) in that tree, so that a run costs
 * no system call and millions of trees can be tried.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvio-private.h"

#define ROOT "/fz"
#define MAX_NODES 512
#define MAX_FDS 16

enum { N_DIR, N_FILE, N_LINK };

struct node {
	char name[NAME_MAX + 1];
	int type, parent;
	char data[512]; /* file contents or link target */
};

static struct node nodes[MAX_NODES];
static int nnodes;

static int child(int dir, const char *name, size_t len)
{
	for (int i = 1; i < nnodes; i++)
		if (nodes[i].parent == dir && strlen(nodes[i].name) == len &&
		    !memcmp(nodes[i].name, name, len))
			return i;
	return -1;
}

/* Resolves path (under ROOT, or relative to `at`) to a node; follows a
 * final symlink when `follow`. -errno on failure. */
static int resolve_at(int at, const char *path, bool follow, int depth)
{
	int cur = at;

	if (depth > 40)
		return -ELOOP;
	if (path[0] == '/') {
		if (strncmp(path, ROOT, strlen(ROOT)) ||
		    (path[strlen(ROOT)] && path[strlen(ROOT)] != '/'))
			return -ENOENT; /* outside the fake tree */
		path += strlen(ROOT);
		cur = 0;
	}
	while (*path) {
		const char *e;
		size_t len;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		e = strchr(path, '/');
		len = e ? (size_t)(e - path) : strlen(path);
		if (nodes[cur].type != N_DIR)
			return -ENOTDIR;
		if (len == 1 && path[0] == '.') {
			/* stay */
		} else if (len == 2 && path[0] == '.' && path[1] == '.') {
			cur = nodes[cur].parent;
		} else {
			int c = child(cur, path, len);
			bool last = !e || !e[strspn(e, "/")];

			if (c < 0)
				return -ENOENT;
			if (nodes[c].type == N_LINK && (!last || follow)) {
				const char *t = nodes[c].data;
				char abs[PATH_MAX];

				if (t[0] == '/') { /* from the fake root */
					snprintf(abs, sizeof(abs), ROOT "%s", t);
					t = abs;
				}
				c = resolve_at(cur, t, true, depth + 1);
				if (c < 0)
					return c;
			}
			cur = c;
		}
		path += len;
	}
	return cur;
}

static int fz_err(int rc)
{
	errno = -rc;
	return -1;
}

static struct {
	bool used;
	int node;
	size_t pos;
} fds[MAX_FDS];

static int fz_open(const char *path, int flags, ...)
{
	int n = resolve_at(0, path, true, 0);

	(void)flags;
	if (n < 0)
		return fz_err(n);
	for (int i = 0; i < MAX_FDS; i++) {
		if (!fds[i].used) {
			fds[i].used = true;
			fds[i].node = n;
			fds[i].pos = 0;
			return 1000 + i;
		}
	}
	return fz_err(-EMFILE);
}

static ssize_t fz_read(int fd, void *buf, size_t len)
{
	int i = fd - 1000;
	const struct node *n;
	size_t have;

	if (i < 0 || i >= MAX_FDS || !fds[i].used)
		return fz_err(-EBADF);
	n = &nodes[fds[i].node];
	if (n->type == N_DIR)
		return fz_err(-EISDIR);
	have = strlen(n->data) - fds[i].pos;
	if (len > have)
		len = have;
	memcpy(buf, n->data + fds[i].pos, len);
	fds[i].pos += len;
	return (ssize_t)len;
}

static int fz_close(int fd)
{
	int i = fd - 1000;

	if (i < 0 || i >= MAX_FDS || !fds[i].used)
		return fz_err(-EBADF);
	fds[i].used = false;
	return 0;
}

static ssize_t fz_readlink(const char *path, char *buf, size_t len)
{
	int n = resolve_at(0, path, false, 0);
	size_t l;

	if (n < 0)
		return fz_err(n);
	if (nodes[n].type != N_LINK)
		return fz_err(-EINVAL);
	l = strlen(nodes[n].data);
	if (l > len)
		l = len; /* truncated, unterminated: as readlink(2) */
	memcpy(buf, nodes[n].data, l);
	return (ssize_t)l;
}

static int fz_access(const char *path, int mode)
{
	int n = resolve_at(0, path, true, 0);

	(void)mode;
	return n < 0 ? fz_err(n) : 0;
}

struct fz_dir {
	int node, next; /* next: -2 ".", -1 "..", then node indexes */
	struct dirent de;
};

static DIR *fz_opendir(const char *path)
{
	int n = resolve_at(0, path, true, 0);
	struct fz_dir *d;

	if (n < 0) {
		fz_err(n);
		return NULL;
	}
	if (nodes[n].type != N_DIR) {
		fz_err(-ENOTDIR);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->node = n;
	d->next = -2;
	return (DIR *)(void *)d;
}

static struct dirent *fz_readdir(DIR *dp)
{
	struct fz_dir *d = (struct fz_dir *)(void *)dp;

	if (d->next < 0) {
		snprintf(d->de.d_name, sizeof(d->de.d_name), "%s",
			 d->next == -2 ? "." : "..");
		d->next++;
		if (d->next == 0)
			d->next = 1;
		return &d->de;
	}
	for (; d->next < nnodes; d->next++) {
		if (nodes[d->next].parent == d->node && d->next != d->node) {
			snprintf(d->de.d_name, sizeof(d->de.d_name), "%s",
				 nodes[d->next].name);
			d->next++;
			return &d->de;
		}
	}
	return NULL;
}

static int fz_closedir(DIR *dp)
{
	free(dp);
	return 0;
}

#define open fz_open
#define read fz_read
#define close fz_close
#define readlink fz_readlink
#define access fz_access
#define opendir fz_opendir
#define readdir fz_readdir
#define closedir fz_closedir
#include "../../lib/sysfs.c"
#undef open
#undef read
#undef close
#undef readlink
#undef access
#undef opendir
#undef readdir
#undef closedir

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Makes the dirs of rel and the node of its last component (replacing
 * one of the same name). -1 when the tree is full or rel is empty. */
static int make(const char *rel, int type, const char *content)
{
	int cur = 0;
	const char *p = rel;

	while (*p) {
		const char *e;
		size_t len;
		int c;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len > NAME_MAX || (len <= 2 && !strncmp(p, "..", len)))
			return -1; /* ".", ".." or too long: not a name */
		bool last = !e || !e[strspn(e, "/")];
		c = child(cur, p, len);
		if (c < 0 || last) {
			if (c < 0) {
				if (nnodes >= MAX_NODES)
					return -1;
				c = nnodes++;
			}
			memset(&nodes[c], 0, sizeof(nodes[c]));
			memcpy(nodes[c].name, p, len);
			nodes[c].parent = cur;
			nodes[c].type = last ? type : N_DIR;
			if (last)
				snprintf(nodes[c].data, sizeof(nodes[c].data), "%s", content);
		} else if (nodes[c].type != N_DIR) {
			return -1;
		}
		cur = c;
		p += len;
	}
	return cur ? 0 : -1;
}

static void bounded(const char *s, size_t len)
{
	if (!memchr(s, 0, len))
		abort(); /* an unterminated field */
}

static void check_map(const struct nvio_path_map *m, int rc)
{
	bounded(m->ng, sizeof(m->ng));
	bounded(m->block, sizeof(m->block));
	bounded(m->ctrl, sizeof(m->ctrl));
	bounded(m->transport, sizeof(m->transport));
	if (rc)
		return;
	/* what a success promises */
	if (strncmp(m->ng, "ng", 2) || strncmp(m->block, "nvme", 4) ||
	    strcmp(m->ng + 2, m->block + 4))
		abort();
	if (m->ctrl[0] && !is_ctrl_name(m->ctrl))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *line, *save = NULL;
	unsigned lines = 0;

	if (size > 16384)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	memset(nodes, 0, sizeof(nodes[0]));
	nodes[0].type = N_DIR;
	nnodes = 1;
	for (line = strtok_r(text, "\n", &save); line && lines < 128;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		char a[512], b[512], k;
		unsigned maj, min, nsid;

		if (sscanf(line, "f %511s %511[^\n]", a, b) == 2) {
			for (char *s = b; (s = strstr(s, "\\n")); s++)
				memcpy(s, "\n ", 2);
			make(a, N_FILE, b);
		} else if (sscanf(line, "l %511s %511s", a, b) == 2) {
			make(a, N_LINK, b);
		} else if (sscanf(line, "m %c %u %u %u", &k, &maj, &min, &nsid) == 4) {
			struct nvio_path_map m;
			int rc = nvio_map_node(ROOT, k == 'b' ? NVIO_NODE_BLK : NVIO_NODE_CHR,
					       maj, min, nsid, &m);

			if (rc > 0)
				abort();
			check_map(&m, rc);
#ifdef FZ_DEBUG
			printf("map %c %u:%u nsid %u: %d ng=%s block=%s ctrl=%s transport=%s nsid=%u\n",
			       k, maj, min, nsid, rc, m.ng, m.block, m.ctrl, m.transport, m.nsid);
#endif
		} else if (sscanf(line, "s %511s", a) == 1) {
			char st[32];
			int rc = nvio_sysfs_path_live(ROOT, a, st, sizeof(st));

			if (rc > 1)
				abort();
			bounded(st, sizeof(st));
#ifdef FZ_DEBUG
			printf("live %s: %d (%s)\n", a, rc, st);
#endif
		}
	}
	for (int i = 0; i < MAX_FDS; i++)
		if (fds[i].used)
			abort(); /* a file the walk left open */
	free(text);
	return 0;
}
