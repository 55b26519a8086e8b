/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the decoders of bytes from the device (the tool's,
 * and the library's Report Zones and FDP decoders, which must stay inside
 * their buffer whatever the header claims). The
 * first input byte picks the decoder and the output (normal, -H, JSON);
 * the rest is the page, zero-padded to its size. Besides the sanitizers'
 * checks, every JSON document must be valid (tests/fuzz/jsonv.h, with
 * json-c's verdict on one in 16 as a second opinion that must agree): a
 * device that sends anything cannot make the tool print broken JSON.
 */
#include "../../tools/cmd-admin.c"

#include <json-c/json.h>

#include "jsonv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* the quick JSON check must know bad from good */
	static const char *const good[] = { "{}", "[]", "{\"a\":[1,-2.5e+3,true,false,null,\"\\u00e9\\n\"]}",
					    " 0 ", "\"\"" };
	static const char *const bad[] = { "", "{", "{\"a\":1,}", "[1 2]", "01", "1.", "-",
					   "\"\x01\"", "\"\\x\"", "{\"a\" 1}", "[1]x", "{a:1}",
					   "tru", "\"\\u12\"", "[", "\"abc" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!json_valid(good[i]))
			abort();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (json_valid(bad[i]))
			abort();
	/* the normal output goes nowhere: it is the decoding that is tested */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[4096];
	struct cli c;
	unsigned sel, kind;
	size_t n;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	n = size < sizeof(page) ? size : sizeof(page);
	memset(page, 0, sizeof(page));
	memcpy(page, data, n);
	memset(&c, 0, sizeof(c));
	c.fmt = (sel & 1) ? FMT_JSON : FMT_NORMAL;
	c.human = sel & 2;
	kind = (sel >> 2) % 11;
	switch (kind) {
	case 0: print_id_ctrl(&c, page, "/dev/nvme0"); break;
	case 1: print_id_ns(&c, page, 1); break;
	case 2: print_smart(&c, (const struct nvme_smart_log *)page); break;
	case 3:
		print_error_log(&c, (const struct nvme_error_log_page *)page,
				(unsigned)(n / 64));
		break;
	case 4: print_fw_log(&c, (const struct nvme_firmware_slot *)page); break;
	case 5:
		print_effects(&c, (const struct nvme_cmd_effects_log *)page);
		break;
	case 6: {
		/* a Report Zones buffer of any length and any claim: the
		 * library's decoder must stay inside it */
		static struct nvio_zone z[64];
		unsigned nr = 0;
		uint64_t total = 0;
		int rc = nvio_zone_report_decode(page, n, z, 64, &nr, &total);

		if ((rc != 0) != (n < 64) || nr > 64 ||
		    (n >= 64 && (nr > (n - 64) / 64 || nr > total)))
			abort();
		for (unsigned i = 0; i < nr; i++)
			if (z[i].state != page[64 + 64 * i + 1] >> 4)
				abort();
		break;
	}
	case 8: {
		/* FDP configurations: n + 1 descriptors of any claimed size */
		static struct nvio_fdp_config f[16];
		unsigned nr = 0, total = 0;
		int rc = nvio_fdp_configs_decode(page, n, f, 16, &nr, &total);

		if ((n < 16 && rc != -EINVAL) || (rc && rc != -EINVAL &&
						  rc != -EBADMSG) || nr > 16 ||
		    nr > total)
			abort();
		for (unsigned i = 0; i < nr; i++)
			/* the handles it points at are inside the buffer */
			if (f[i].ruh_off + 4ull * f[i].nruh > n)
				abort();
		break;
	}
	case 9: {
		static struct nvio_fdp_ruhs st[128];
		unsigned nr = 0, total = 0;
		int rc = nvio_fdp_ruh_status_decode(page, n, st, 128, &nr, &total);

		if ((rc != 0) != (n < 16) ||
		    (n >= 16 && (nr > (n - 16) / 32 || nr > total)))
			abort();
		for (unsigned i = 0; i < nr; i++)
			if (st[i].ruhid != (page[16 + 32 * i + 2] |
					    page[16 + 32 * i + 3] << 8))
				abort();
		break;
	}
	case 10: {
		static struct nvio_fdp_event e[63];
		unsigned nr = 0, total = 0;
		int rc = nvio_fdp_events_decode(page, n, e, 63, &nr, &total);

		if ((rc != 0) != (n < 64) ||
		    (n >= 64 && (nr > (n - 64) / 64 || nr > total)))
			abort();
		for (unsigned i = 0; i < nr; i++)
			if (e[i].type != page[64 + 64 * i] ||
			    e[i].ruhid != page[64 + 64 * i + 34])
				abort();
		break;
	}
	default: {
		uint32_t v;

		memcpy(&v, page + 1, sizeof(v));
		decode_feature(page[0], v);
		break;
	}
	}
	if (c.jf) {
		json_object *o;

		fclose(c.jf);
		c.jf = NULL;
		/* Every document through the quick check; one in 16 (by
		 * its size) through json-c too, which must agree. */
		bool ok = json_valid(c.jbuf);

		if (!ok && kind < 6) {
			fprintf(stderr, "invalid JSON: %s\n", c.jbuf);
			abort();
		}
		if (c.jlen % 16 == 0) {
			o = json_tokener_parse(c.jbuf);
			if (!o != !ok && kind < 6) {
				fprintf(stderr, "json-c (%s) and the check (%s) disagree: %s\n",
					o ? "valid" : "invalid", ok ? "valid" : "invalid", c.jbuf);
				abort();
			}
			json_object_put(o);
		}
		free(c.jbuf);
	}
	return 0;
}
