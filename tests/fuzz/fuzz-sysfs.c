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
 *   l PATH TARGET    a symlink
 *   m c|b MAJ MIN NSID   nvio_map_node on the char or block node
 *   s CTRL           nvio_sysfs_path_live
 *
 * PATHs are relative, without "..": the tree stays under a scratch dir in
 * /dev/shm, rebuilt for every input. Link targets are not limited (the
 * walk only reads).
 */
#define _GNU_SOURCE
#include "../../lib/sysfs.c"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64];
static unsigned long seq;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(base, sizeof(base), "/dev/shm/nvio-fuzz-sysfs.%d", (int)getpid());
	if (mkdir(base, 0700) && errno != EEXIST)
		abort();
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(p);
	return 0;
}

static bool safe_rel(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *s = p; *s; s++)
		if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/') &&
		    (s[2] == '/' || !s[2]))
			return false;
	return true;
}

static void mkparents(const char *root, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0700);
			*s = '/';
		}
	}
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
	char root[128], *text, *line, *save = NULL;
	unsigned lines = 0;

	if (size > 8192)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	snprintf(root, sizeof(root), "%s/%lu", base, seq++);
	mkdir(root, 0700);
	for (line = strtok_r(text, "\n", &save); line && lines < 64;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		char a[512], b[512], k;
		unsigned maj, min, nsid;

		if (sscanf(line, "f %511s %511[^\n]", a, b) == 2 && safe_rel(a)) {
			char p[PATH_MAX];
			FILE *f;

			mkparents(root, a);
			snprintf(p, sizeof(p), "%s/%s", root, a);
			for (char *s = b; (s = strstr(s, "\\n")); s++)
				memcpy(s, "\n ", 2);
			if ((f = fopen(p, "w"))) {
				fputs(b, f);
				fclose(f);
			}
		} else if (sscanf(line, "l %511s %511s", a, b) == 2 && safe_rel(a)) {
			char p[PATH_MAX];

			mkparents(root, a);
			snprintf(p, sizeof(p), "%s/%s", root, a);
			(void)symlink(b, p);
		} else if (sscanf(line, "m %c %u %u %u", &k, &maj, &min, &nsid) == 4) {
			struct nvio_path_map m;
			int rc = nvio_map_node(root, k == 'b' ? NVIO_NODE_BLK : NVIO_NODE_CHR,
					       maj, min, nsid, &m);

			if (rc > 0)
				abort();
			check_map(&m, rc);
		} else if (sscanf(line, "s %511s", a) == 1) {
			char st[32];
			int rc = nvio_sysfs_path_live(root, a, st, sizeof(st));

			if (rc > 1)
				abort();
			bounded(st, sizeof(st));
		}
	}
	free(text);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
