/* SPDX-License-Identifier: MIT */
/* Identify through nvio agrees with nvme-cli's JSON for the same device. */
#include "devtest.h"

/* Value of "key" in nvme-cli's JSON (numbers or strings), trimmed. */
static int json_get(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(json, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	while (*p == ' ' || *p == ':' || *p == '\t')
		p++;
	if (*p == '"') {
		p++;
		while (p[n] && p[n] != '"')
			n++;
	} else {
		while (p[n] && p[n] != ',' && p[n] != '\n' && p[n] != '}')
			n++;
	}
	while (n && p[n - 1] == ' ')
		n--;
	snprintf(out, len, "%.*s", (int)n, p);
	return 0;
}

static char *run(const char *cmd)
{
	static char buf[256 * 1024];
	FILE *f = popen(cmd, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	return pclose(f) == 0 && n ? buf : NULL;
}

int main(void)
{
	dt_name = "identify";
	struct nvio_dev *dev = dt_open();
	const struct nvio_dev_info *di = nvio_dev_info(dev);
	char cmd[256], v[128];
	char *js;

	if (system("command -v nvme >/dev/null 2>&1"))
		dt_skip("nvme-cli not installed");
	snprintf(cmd, sizeof(cmd), "nvme id-ctrl %s -o json 2>/dev/null",
		 di->ctrl_path);
	js = run(cmd);
	if (!js)
		dt_fatal("%s failed", cmd);
	CHECK(!json_get(js, "sn", v, sizeof(v)) && !strcmp(v, di->serial),
	      "sn '%s' vs '%s'", v, di->serial);
	CHECK(!json_get(js, "mn", v, sizeof(v)) && !strcmp(v, di->model),
	      "mn '%s' vs '%s'", v, di->model);
	CHECK(!json_get(js, "fr", v, sizeof(v)) && !strcmp(v, di->firmware),
	      "fr '%s' vs '%s'", v, di->firmware);
	CHECK(!json_get(js, "vid", v, sizeof(v)) && strtoul(v, NULL, 0) == di->vid,
	      "vid %s vs %u", v, di->vid);
	CHECK(!json_get(js, "mdts", v, sizeof(v)) && strtoul(v, NULL, 0) == di->mdts,
	      "mdts %s vs %u", v, di->mdts);
	CHECK(!json_get(js, "oncs", v, sizeof(v)) && strtoul(v, NULL, 0) == di->oncs,
	      "oncs %s vs %u", v, di->oncs);

	snprintf(cmd, sizeof(cmd), "nvme id-ns %s -n %u -o json 2>/dev/null",
		 di->ctrl_path, di->nsid);
	js = run(cmd);
	if (!js)
		dt_fatal("%s failed", cmd);
	CHECK(!json_get(js, "nsze", v, sizeof(v)) &&
		      strtoull(v, NULL, 0) == di->nsze,
	      "nsze %s vs %" PRIu64, v, di->nsze);
	CHECK(!json_get(js, "flbas", v, sizeof(v)) &&
		      (strtoul(v, NULL, 0) & 0xf) == di->flbas,
	      "flbas %s vs %u", v, di->flbas);
	CHECK(!json_get(js, "dps", v, sizeof(v)) &&
		      (strtoul(v, NULL, 0) & 7) == di->pi_type,
	      "dps %s vs %u", v, di->pi_type);

	/* raw identify data equal to the ioctl path nvme-cli used */
	void *buf = nvio_buf_alloc(4096);
	CHECK_RC(nvio_identify_ctrl(dev, buf), 0);
	CHECK(!memcmp((char *)buf + 4, di->serial, strlen(di->serial)),
	      "sn at offset 4");
	uint32_t *list = nvio_buf_alloc(4096);
	CHECK_RC(nvio_identify_active_ns(dev, 0, list), 0);
	bool found = false;
	for (int i = 0; i < 1024 && list[i]; i++)
		found |= list[i] == di->nsid;
	CHECK(found, "nsid %u in the active namespace list", di->nsid);
	nvio_buf_free(list);
	nvio_buf_free(buf);
	nvio_dev_close(dev);
	return dt_done();
}
