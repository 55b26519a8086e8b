/* SPDX-License-Identifier: MIT */
/*
 * cmd-admin.c - identify, log pages and features.
 *
 * Identify data is printed from field tables that follow nvme-cli's key
 * names and order, so `-o json` output can be compared with
 * `nvme id-ctrl -o json` key by key; the same tables drive the normal
 * output, and -H adds bit-field decoding for the fields people ask about.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nvme/types.h>

#include "cli.h"

const struct cli_opt opts_id_ctrl[] = {
	{ "human-readable", 'H', no_argument, NULL, "decode bit fields" },
	{ "raw-binary", 'b', no_argument, NULL, "write the raw 4096 bytes to stdout" },
	{ "namespace-id", 'n', required_argument, "NSID", "namespace to open when DEV is a controller" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_id_ns[] = {
	{ "namespace-id", 'n', required_argument, "NSID", "namespace to identify (default: DEV's)" },
	{ "human-readable", 'H', no_argument, NULL, "decode bit fields" },
	{ "raw-binary", 'b', no_argument, NULL, "write the raw 4096 bytes to stdout" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_get_log[] = {
	{ "log-id", 'i', required_argument, "ID", "log page: a number, or smart, error, fw, effects" },
	{ "log-len", 'l', required_argument, "N", "bytes to read (default: the page's size)" },
	{ "log-offset", OPT_LOG_OFFSET, required_argument, "N", "byte offset into the page" },
	{ "namespace-id", 'n', required_argument, "NSID", "namespace id for the command (default 0xffffffff)" },
	{ "raw-binary", 'b', no_argument, NULL, "write the raw page to stdout" },
	{ "human-readable", 'H', no_argument, NULL, "decode bit fields" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_get_feature[] = {
	{ "feature-id", 'f', required_argument, "FID", "feature identifier" },
	{ "sel", 's', required_argument, "SEL", "current, default, saved, supported (0-3)" },
	{ "cdw11", OPT_CDW11, required_argument, "V", "command dword 11" },
	{ "data-len", 'l', required_argument, "N", "bytes of data the feature returns" },
	{ "namespace-id", 'n', required_argument, "NSID", "namespace id (default 0)" },
	{ "raw-binary", 'b', no_argument, NULL, "write returned data raw to stdout" },
	{ "human-readable", 'H', no_argument, NULL, "decode the value" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

const struct cli_opt opts_set_feature[] = {
	{ "feature-id", 'f', required_argument, "FID", "feature identifier" },
	{ "value", 'v', required_argument, "V", "the value (command dword 11)" },
	{ "save", 's', no_argument, NULL, "keep the value across resets" },
	{ "data", 'd', required_argument, "FILE", "data buffer for the feature" },
	{ "data-len", 'l', required_argument, "N", "bytes of data from FILE" },
	{ "namespace-id", 'n', required_argument, "NSID", "namespace id (default 0)" },
	{ "force", OPT_FORCE, no_argument, NULL, "skip the in-use and signature safety checks" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

/* ------------------------------------------------------------------ */
/* Field tables. */

enum fkind { K_NUM, K_HEX, K_STR, K_U128, K_IEEE, K_UUID, K_HEXSTR, K_NSFEAT_OPT };

struct field {
	const char *name;
	unsigned off, size;
	enum fkind kind;
	void (*decode)(FILE *f, uint64_t v);
};

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = size; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void bit(FILE *f, uint64_t v, unsigned b, const char *yes, const char *no)
{
	unsigned x = (unsigned)(v >> b) & 1u;

	fprintf(f, "  [%u:%u] : %#x\t%s\n", b, b, x, x ? yes : no);
}

static void bits(FILE *f, uint64_t v, unsigned hi, unsigned lo, const char *what)
{
	uint64_t x = (v >> lo) & ((1ull << (hi - lo + 1)) - 1);

	fprintf(f, "  [%u:%u] : %#llx\t%s\n", hi, lo, (unsigned long long)x, what);
}

static void d_cmic(FILE *f, uint64_t v)
{
	bit(f, v, 3, "ANA supported", "ANA not supported");
	bit(f, v, 2, "SR-IOV", "PCI");
	bit(f, v, 1, "Multi Controller", "Single Controller");
	bit(f, v, 0, "Multi Port", "Single Port");
}

static void d_oacs(FILE *f, uint64_t v)
{
	static const char *const n[] = {
		"Security Send and Receive", "Format NVM", "FW Commit and Download",
		"NS Management and Attachment", "Device Self-test", "Directives",
		"NVMe-MI Send and Receive", "Virtualization Management",
		"Doorbell Buffer Config", "Get LBA Status", "Command and Feature Lockdown",
	};
	for (int b = 10; b >= 0; b--) {
		char y[80], no[80];

		snprintf(y, sizeof(y), "%s Supported", n[b]);
		snprintf(no, sizeof(no), "%s Not Supported", n[b]);
		bit(f, v, (unsigned)b, y, no);
	}
}

static void d_frmw(FILE *f, uint64_t v)
{
	bit(f, v, 4, "Firmware Activate Without Reset Supported",
	    "Firmware Activate Without Reset Not Supported");
	bits(f, v, 3, 1, "Number of Firmware Slots");
	bit(f, v, 0, "Firmware Slot 1 Read-Only", "Firmware Slot 1 Read/Write");
}

static void d_lpa(FILE *f, uint64_t v)
{
	bit(f, v, 3, "Telemetry host/controller initiated log page Supported",
	    "Telemetry host/controller initiated log page Not Supported");
	bit(f, v, 2, "Extended data for Get Log Page Supported",
	    "Extended data for Get Log Page Not Supported");
	bit(f, v, 1, "Command Effects Log Page Supported",
	    "Command Effects Log Page Not Supported");
	bit(f, v, 0, "SMART/Health Log Page per NS Supported",
	    "SMART/Health Log Page per NS Not Supported");
}

static void d_qes(FILE *f, uint64_t v)
{
	fprintf(f, "  [7:4] : %#llx\tMax Entry Size (%u)\n",
		(unsigned long long)(v >> 4 & 0xf), 1u << (v >> 4 & 0xf));
	fprintf(f, "  [3:0] : %#llx\tMin Entry Size (%u)\n",
		(unsigned long long)(v & 0xf), 1u << (v & 0xf));
}

static void d_oncs(FILE *f, uint64_t v)
{
	static const char *const n[] = {
		"Compare", "Write Uncorrectable", "Data Set Management",
		"Write Zeroes", "Save and Select", "Reservations", "Timestamp",
		"Verify", "Copy",
	};
	for (int b = 8; b >= 0; b--) {
		char y[64], no[64];

		snprintf(y, sizeof(y), "%s Supported", n[b]);
		snprintf(no, sizeof(no), "%s Not Supported", n[b]);
		bit(f, v, (unsigned)b, y, no);
	}
}

static void d_vwc(FILE *f, uint64_t v)
{
	bits(f, v, 2, 1, "Flush command NSID FFFFFFFFh support (3: supported)");
	bit(f, v, 0, "Volatile Write Cache Present",
	    "Volatile Write Cache Not Present");
}

static void d_sgls(FILE *f, uint64_t v)
{
	bits(f, v, 1, 0, "SGL support (0 none, 1 no alignment, 2 dword aligned)");
}

static void d_temp(FILE *f, uint64_t v)
{
	fprintf(f, "  [15:0] : %lld C (%llu Kelvin)\n", (long long)v - 273,
		(unsigned long long)v);
}

#define CF(n, k, d) { #n, offsetof(struct nvme_id_ctrl, n), \
		      sizeof(((struct nvme_id_ctrl *)0)->n), k, d }

static const struct field ctrl_fields[] = {
	CF(vid, K_HEX, NULL), CF(ssvid, K_HEX, NULL), CF(sn, K_STR, NULL),
	CF(mn, K_STR, NULL), CF(fr, K_STR, NULL), CF(rab, K_NUM, NULL),
	CF(ieee, K_IEEE, NULL), CF(cmic, K_HEX, d_cmic), CF(mdts, K_NUM, NULL),
	CF(cntlid, K_HEX, NULL), CF(ver, K_HEX, NULL), CF(rtd3r, K_NUM, NULL),
	CF(rtd3e, K_NUM, NULL), CF(oaes, K_HEX, NULL), CF(ctratt, K_HEX, NULL),
	CF(rrls, K_NUM, NULL), CF(cntrltype, K_NUM, NULL),
	CF(fguid, K_UUID, NULL), CF(crdt1, K_NUM, NULL), CF(crdt2, K_NUM, NULL),
	CF(crdt3, K_NUM, NULL), CF(nvmsr, K_NUM, NULL), CF(vwci, K_NUM, NULL),
	CF(mec, K_NUM, NULL), CF(oacs, K_HEX, d_oacs), CF(acl, K_NUM, NULL),
	CF(aerl, K_NUM, NULL), CF(frmw, K_HEX, d_frmw), CF(lpa, K_HEX, d_lpa),
	CF(elpe, K_NUM, NULL), CF(npss, K_NUM, NULL), CF(avscc, K_NUM, NULL),
	CF(apsta, K_NUM, NULL), CF(wctemp, K_NUM, d_temp),
	CF(cctemp, K_NUM, d_temp), CF(mtfa, K_NUM, NULL),
	CF(hmpre, K_NUM, NULL), CF(hmmin, K_NUM, NULL),
	CF(tnvmcap, K_U128, NULL), CF(unvmcap, K_U128, NULL),
	CF(rpmbs, K_NUM, NULL), CF(edstt, K_NUM, NULL), CF(dsto, K_NUM, NULL),
	CF(fwug, K_NUM, NULL), CF(kas, K_NUM, NULL), CF(hctma, K_NUM, NULL),
	CF(mntmt, K_NUM, NULL), CF(mxtmt, K_NUM, NULL),
	CF(sanicap, K_HEX, NULL), CF(hmminds, K_NUM, NULL),
	CF(hmmaxd, K_NUM, NULL), CF(nsetidmax, K_NUM, NULL),
	CF(endgidmax, K_NUM, NULL), CF(anatt, K_NUM, NULL),
	CF(anacap, K_NUM, NULL), CF(anagrpmax, K_NUM, NULL),
	CF(nanagrpid, K_NUM, NULL), CF(pels, K_NUM, NULL),
	CF(domainid, K_NUM, NULL), CF(megcap, K_U128, NULL),
	CF(sqes, K_HEX, d_qes), CF(cqes, K_HEX, d_qes), CF(maxcmd, K_NUM, NULL),
	CF(nn, K_NUM, NULL), CF(oncs, K_HEX, d_oncs), CF(fuses, K_HEX, NULL),
	CF(fna, K_HEX, NULL), CF(vwc, K_HEX, d_vwc), CF(awun, K_NUM, NULL),
	CF(awupf, K_NUM, NULL), CF(icsvscc, K_NUM, NULL), CF(nwpc, K_NUM, NULL),
	CF(acwu, K_NUM, NULL), CF(ocfs, K_HEX, NULL), CF(sgls, K_HEX, d_sgls),
	CF(mnan, K_NUM, NULL), CF(maxdna, K_U128, NULL),
	CF(maxcna, K_NUM, NULL), CF(subnqn, K_STR, NULL),
	CF(ioccsz, K_NUM, NULL), CF(iorcsz, K_NUM, NULL),
	CF(icdoff, K_NUM, NULL), CF(fcatt, K_NUM, NULL),
	CF(msdbd, K_NUM, NULL), CF(ofcs, K_NUM, NULL),
	{ NULL, 0, 0, K_NUM, NULL },
};

static void d_nsfeat(FILE *f, uint64_t v)
{
	bit(f, v, 4, "NPWG, NPWA, NPDG, NPDA, and NOWS are Supported",
	    "NPWG, NPWA, NPDG, NPDA, and NOWS are Not Supported");
	bit(f, v, 3, "NGUID and EUI64 fields if non-zero, Never Reused",
	    "NGUID and EUI64 fields if non-zero, Reused");
	bit(f, v, 2, "Deallocated or Unwritten Logical Block error Supported",
	    "Deallocated or Unwritten Logical Block error Not Supported");
	bit(f, v, 1, "Namespace uses NAWUN, NAWUPF, and NACWU",
	    "Namespace uses AWUN, AWUPF, and ACWU");
	bit(f, v, 0, "Thin Provisioning Supported",
	    "Thin Provisioning Not Supported");
}

static void d_flbas(FILE *f, uint64_t v)
{
	bits(f, v, 6, 5, "Most significant 2 bits of Current LBA Format Selected");
	bit(f, v, 4, "Metadata Transferred at End of Data LBA",
	    "Metadata Transferred in Separate Contiguous Buffer");
	bits(f, v, 3, 0, "Least significant 4 bits of Current LBA Format Selected");
}

static void d_mc(FILE *f, uint64_t v)
{
	bit(f, v, 1, "Metadata Pointer Supported", "Metadata Pointer Not Supported");
	bit(f, v, 0, "Metadata as Part of Extended Data LBA Supported",
	    "Metadata as Part of Extended Data LBA Not Supported");
}

static void d_dpc(FILE *f, uint64_t v)
{
	bit(f, v, 4, "Protection Information Transferred as Last 8 Bytes of Metadata Supported",
	    "Protection Information Transferred as Last 8 Bytes of Metadata Not Supported");
	bit(f, v, 3, "Protection Information Transferred as First 8 Bytes of Metadata Supported",
	    "Protection Information Transferred as First 8 Bytes of Metadata Not Supported");
	bit(f, v, 2, "Protection Information Type 3 Supported",
	    "Protection Information Type 3 Not Supported");
	bit(f, v, 1, "Protection Information Type 2 Supported",
	    "Protection Information Type 2 Not Supported");
	bit(f, v, 0, "Protection Information Type 1 Supported",
	    "Protection Information Type 1 Not Supported");
}

static void d_dps(FILE *f, uint64_t v)
{
	static const char *const t[] = { "Protection Information Disabled",
		"Protection Information Type 1", "Protection Information Type 2",
		"Protection Information Type 3" };

	bit(f, v, 3, "Protection Information is Transferred as First 8 Bytes of Metadata",
	    "Protection Information is Transferred as Last 8 Bytes of Metadata");
	bits(f, v, 2, 0, (v & 7) < 4 ? t[v & 7] : "Reserved");
}

static void d_nmic(FILE *f, uint64_t v)
{
	bit(f, v, 0, "Namespace Multipath Capable", "Namespace Multipath Not Capable");
}

static void d_dlfeat(FILE *f, uint64_t v)
{
	bit(f, v, 3, "Deallocate Bit in the Write Zeroes Command is Supported",
	    "Deallocate Bit in the Write Zeroes Command is Not Supported");
	bits(f, v, 2, 0, (v & 7) == 1 ? "Bytes Read From a Deallocated Logical Block are 0x00" :
			 (v & 7) == 2 ? "Bytes Read From a Deallocated Logical Block are 0xFF" :
					"Bytes Read From a Deallocated Logical Block are Not Reported");
}

#define NF(n, k, d) { #n, offsetof(struct nvme_id_ns, n), \
		      sizeof(((struct nvme_id_ns *)0)->n), k, d }

static const struct field ns_fields[] = {
	NF(nsze, K_HEX, NULL), NF(ncap, K_HEX, NULL), NF(nuse, K_HEX, NULL),
	NF(nsfeat, K_HEX, d_nsfeat), NF(nlbaf, K_NUM, NULL),
	NF(flbas, K_HEX, d_flbas), NF(mc, K_HEX, d_mc), NF(dpc, K_HEX, d_dpc),
	NF(dps, K_HEX, d_dps), NF(nmic, K_HEX, d_nmic), NF(rescap, K_HEX, NULL),
	NF(fpi, K_HEX, NULL), NF(dlfeat, K_HEX, d_dlfeat),
	NF(nawun, K_NUM, NULL), NF(nawupf, K_NUM, NULL), NF(nacwu, K_NUM, NULL),
	NF(nabsn, K_NUM, NULL), NF(nabo, K_NUM, NULL), NF(nabspf, K_NUM, NULL),
	NF(noiob, K_NUM, NULL), NF(nvmcap, K_U128, NULL),
	NF(nsattr, K_NUM, NULL), NF(nvmsetid, K_NUM, NULL),
	NF(npwg, K_NSFEAT_OPT, NULL), NF(npwa, K_NSFEAT_OPT, NULL),
	NF(npdg, K_NSFEAT_OPT, NULL), NF(npda, K_NSFEAT_OPT, NULL),
	NF(nows, K_NSFEAT_OPT, NULL), NF(mssrl, K_NUM, NULL),
	NF(mcl, K_NUM, NULL), NF(msrc, K_NUM, NULL), NF(nulbaf, K_NUM, NULL),
	NF(anagrpid, K_NUM, NULL), NF(endgid, K_NUM, NULL),
	NF(eui64, K_HEXSTR, NULL), NF(nguid, K_HEXSTR, NULL),
	{ NULL, 0, 0, K_NUM, NULL },
};

static void uuid_str(const uint8_t *u, char *s, size_t len)
{
	snprintf(s, len,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

static void hex_str(const uint8_t *p, unsigned n, char *s, size_t len)
{
	size_t o = 0;

	for (unsigned i = 0; i < n && o + 3 <= len; i++)
		o += (size_t)snprintf(s + o, len - o, "%02x", p[i]);
}

/* Prints one table; `skip_opt` leaves out K_NSFEAT_OPT rows. */
static void print_fields(struct cli *c, const struct field *t,
			 const uint8_t *base, bool skip_opt, int width)
{
	struct jw *w = cli_json(c);

	for (; t->name; t++) {
		const uint8_t *p = base + t->off;
		char s[260];
		uint64_t v = 0;

		if (t->kind == K_NSFEAT_OPT && skip_opt)
			continue;
		if (t->kind == K_NUM || t->kind == K_HEX || t->kind == K_NSFEAT_OPT)
			v = get_le(p, t->size);
		switch (t->kind) {
		case K_STR:
			/* Space padded, as nvme-cli prints it; the subsystem
			 * NQN only when present. */
			snprintf(s, sizeof(s), "%-.*s", (int)t->size, (const char *)p);
			if (!strcmp(t->name, "subnqn") && !s[0])
				continue;
			if (w)
				jw_str(w, t->name, s);
			else
				printf("%-*s: %s\n", width, t->name, s);
			continue;
		case K_U128:
			u128_to_str(p, s, sizeof(s));
			if (w)
				jw_str(w, t->name, s);
			else
				printf("%-*s: %s\n", width, t->name, s);
			continue;
		case K_IEEE:
			v = (uint64_t)p[2] << 16 | (uint64_t)p[1] << 8 | p[0];
			if (w)
				jw_u64(w, t->name, v);
			else
				printf("%-*s: %06llx\n", width, t->name,
				       (unsigned long long)v);
			continue;
		case K_UUID:
			uuid_str(p, s, sizeof(s));
			if (w)
				jw_str(w, t->name, s);
			else
				printf("%-*s: %s\n", width, t->name, s);
			continue;
		case K_HEXSTR:
			hex_str(p, t->size, s, sizeof(s));
			if (w)
				jw_str(w, t->name, s);
			else
				printf("%-*s: %s\n", width, t->name, s);
			continue;
		case K_HEX:
			if (w)
				jw_u64(w, t->name, v);
			else
				printf("%-*s: %#llx\n", width, t->name,
				       (unsigned long long)v);
			break;
		case K_NUM:
		case K_NSFEAT_OPT:
			if (w)
				jw_u64(w, t->name, v);
			else
				printf("%-*s: %llu\n", width, t->name,
				       (unsigned long long)v);
			break;
		}
		if (!w && c->human && t->decode) {
			t->decode(stdout, v);
			putchar('\n');
		}
	}
}

static int parse_id_opts(struct cli *c, int argc, char **argv, uint64_t *nsid)
{
	int opt, rc;

	*nsid = 0;
	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		switch (opt) {
		case CLI_STOP:
			return c->exit_code == EXIT_OK ? CLI_STOP : c->exit_code;
		case 'H': c->human = true; break;
		case 'b': c->raw = true; break;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, nsid, UINT32_MAX - 1);
			if (rc)
				return rc;
			if (!*nsid)
				return err_usage(c, "--namespace-id: 0 is not a namespace");
			break;
		default: return err_usage(c, "option not handled");
		}
	}
	return cli_take_dev(c, argc, argv, true);
}

/* Identify Controller data as the tool prints it: bytes from the device,
 * decoded whatever they say (tests/fuzz feeds it random pages). */
static void print_id_ctrl(struct cli *c, const uint8_t *buf,
			  const char *ctrl_path)
{
	const struct nvme_id_ctrl *id;
	struct jw *w;

	id = (const struct nvme_id_ctrl *)buf;
	w = cli_json(c);
	if (w)
		jw_obj(w, NULL);
	else
		printf("NVMe Identify Controller (%s):\n", ctrl_path);
	print_fields(c, ctrl_fields, buf, false, 10);
	if (w)
		jw_arr(w, "psds");
	for (unsigned i = 0; i <= id->npss && i < 32; i++) {
		const struct nvme_id_psd *ps = &id->psd[i];

		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "max_power", le16toh(ps->mp));
			jw_u64(w, "flags", ps->flags);
			jw_u64(w, "entry_lat", le32toh(ps->enlat));
			jw_u64(w, "exit_lat", le32toh(ps->exlat));
			jw_u64(w, "read_tput", ps->rrt);
			jw_u64(w, "read_lat", ps->rrl);
			jw_u64(w, "write_tput", ps->rwt);
			jw_u64(w, "write_lat", ps->rwl);
			jw_u64(w, "idle_power", le16toh(ps->idlp));
			jw_u64(w, "idle_scale", ps->ips >> 6 & 3);
			jw_u64(w, "active_power", le16toh(ps->actp));
			jw_u64(w, "active_power_work", ps->apws & 7);
			jw_u64(w, "active_scale", ps->apws >> 6 & 3);
			jw_obj_end(w);
		} else {
			unsigned mp = le16toh(ps->mp);
			/* MXPS (flags bit 0): units of 0.0001 W, else 0.01 W. */
			double watts = (ps->flags & 1) ? mp / 10000.0 : mp / 100.0;

			printf("ps %4u : mp:%.2fW %s enlat:%u exlat:%u rrt:%u "
			       "rrl:%u rwt:%u rwl:%u\n",
			       i, watts, (ps->flags & 2) ? "non-operational" :
							  "operational",
			       le32toh(ps->enlat), le32toh(ps->exlat), ps->rrt,
			       ps->rrl, ps->rwt, ps->rwl);
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
}

/* Identify Namespace data as the tool prints it (fuzzed like id-ctrl). */
static void print_id_ns(struct cli *c, const uint8_t *buf, uint64_t nsid)
{
	const struct nvme_id_ns *id;
	unsigned cur, nf;
	struct jw *w;

	id = (const struct nvme_id_ns *)buf;
	w = cli_json(c);
	if (w)
		jw_obj(w, NULL);
	else
		printf("NVMe Identify Namespace %llu:\n", (unsigned long long)nsid);
	print_fields(c, ns_fields, buf, !(id->nsfeat & 0x10), 8);
	cur = (id->flbas & 0xf) | ((id->flbas >> 5 & 3u) << 4);
	nf = id->nlbaf + 1u;
	if (nf > 64)
		nf = 64;
	if (w)
		jw_arr(w, "lbafs");
	for (unsigned i = 0; i < nf; i++) {
		const struct nvme_lbaf *l = &id->lbaf[i];
		static const char *const rp[] = { "Best", "Better", "Good",
						  "Degraded" };

		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "ms", le16toh(l->ms));
			jw_u64(w, "ds", l->ds);
			jw_u64(w, "rp", l->rp);
			jw_obj_end(w);
		} else {
			printf("LBA Format %2u : Metadata Size: %-3u bytes - Data "
			       "Size: %llu bytes - Relative Performance: %#x %s%s\n",
			       i, le16toh(l->ms),
			       l->ds < 64 ? 1ull << l->ds : 0ull, l->rp & 3,
			       rp[l->rp & 3], i == cur ? " (in use)" : "");
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
}

#define ZF(n, k) { #n, offsetof(struct nvme_zns_id_ns, n), \
		   sizeof(((struct nvme_zns_id_ns *)0)->n), k, NULL }

static const struct field zns_ns_fields[] = {
	ZF(zoc, K_HEX), ZF(ozcs, K_HEX), ZF(mar, K_NUM), ZF(mor, K_NUM),
	ZF(rrl, K_NUM), ZF(frl, K_NUM), ZF(rrl1, K_NUM), ZF(rrl2, K_NUM),
	ZF(rrl3, K_NUM), ZF(frl1, K_NUM), ZF(frl2, K_NUM), ZF(frl3, K_NUM),
	ZF(numzrwa, K_NUM), ZF(zrwafg, K_NUM), ZF(zrwasz, K_NUM),
	ZF(zrwacap, K_HEX), { NULL, 0, 0, 0, NULL },
};

/* The zoned command set's Identify Namespace (CNS 05h, CSI 2) as
 * nvme-cli's `zns id-ns` prints it: the fields, then a zone size and
 * descriptor extension size per LBA format (nlbaf + 1 of them, from the
 * NVM Identify Namespace in nvm). */
static void print_zns_id_ns(struct cli *c, const uint8_t *buf,
			    const uint8_t *nvm, uint64_t nsid)
{
	const struct nvme_zns_id_ns *id = (const struct nvme_zns_id_ns *)buf;
	const struct nvme_id_ns *n = (const struct nvme_id_ns *)nvm;
	unsigned nf = n->nlbaf + 1u, cur;
	struct jw *w = cli_json(c);

	if (nf > 64)
		nf = 64;
	cur = (n->flbas & 0xf) | ((n->flbas >> 5 & 3u) << 4);
	if (w)
		jw_obj(w, NULL);
	else
		printf("ZNS Command Set Identify Namespace %llu:\n",
		       (unsigned long long)nsid);
	print_fields(c, zns_ns_fields, buf, false, 8);
	if (w)
		jw_arr(w, "lbafe");
	for (unsigned i = 0; i < nf; i++) {
		uint64_t zsze = le64toh(id->lbafe[i].zsze);

		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "zsze", zsze);
			jw_u64(w, "zdes", id->lbafe[i].zdes);
			jw_obj_end(w);
		} else {
			printf("LBA Format Extension %2u : Zone Size: %#llx LBAs - "
			       "Zone Descriptor Extension Size: %u bytes%s\n",
			       i, (unsigned long long)zsze,
			       id->lbafe[i].zdes * 64u, i == cur ? " (in use)" : "");
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
}

/* The zoned command set's Identify Controller (CNS 06h, CSI 2): ZASL,
 * the largest zone append as a power of two of the minimum memory page
 * (0: MDTS). */
static void print_zns_id_ctrl(struct cli *c, const uint8_t *buf)
{
	const struct nvme_zns_id_ctrl *id = (const struct nvme_zns_id_ctrl *)buf;
	struct jw *w = cli_json(c);

	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "zasl", id->zasl);
		jw_obj_end(w);
	} else {
		printf("ZNS Command Set Identify Controller:\nzasl    : %u\n",
		       id->zasl);
	}
}

enum id_kind { ID_CTRL, ID_NS, ID_ZNS_CTRL, ID_ZNS_NS };

/* The Identify each kind sends: CNS 01h, 00h, 06h and 05h (CSI 2). */
static int identify_kind(struct nvio_dev *dev, enum id_kind k, uint32_t nsid,
			 void *buf)
{
	switch (k) {
	case ID_CTRL: return nvio_identify_ctrl(dev, buf);
	case ID_NS: return nvio_identify_ns(dev, nsid, buf);
	case ID_ZNS_CTRL:
		return nvio_identify(dev, NVIO_CNS_CS_CTRL, NVIO_CSI_ZNS, 0, 0,
				     buf);
	default:
		return nvio_identify(dev, NVIO_CNS_CS_NS, NVIO_CSI_ZNS, nsid, 0,
				     buf);
	}
}

/* id-ctrl, id-ns and zone id-ctrl, id-ns: the same steps, around a
 * different Identify. */
static int cmd_identify(struct cli *c, int argc, char **argv, enum id_kind k)
{
	static const char *const what[] = {
		"identify controller", "identify namespace",
		"identify controller (zoned command set)",
		"identify namespace (zoned command set)",
	};
	bool ns = k == ID_NS || k == ID_ZNS_NS;
	struct cli_dev d;
	uint64_t nsid;
	uint8_t *buf = NULL;
	int rc;

	rc = parse_id_opts(c, argc, argv, &nsid);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (c->raw && c->fmt == FMT_JSON)
		return err_usage(c, "--raw-binary and -o json exclude each other");
	rc = cli_open_any(c, (uint32_t)nsid, NVIO_DEV_RDONLY, false, &d);
	if (rc)
		return rc;
	rc = cli_need_admin(c, &d);
	if (rc)
		goto out;
	if (ns && !nsid && d.info->ctrl_only) {
		rc = err_usage(c, "%s has no namespace: Identify Namespace "
				  "needs one (give --namespace-id; nvio list-ns "
				  "lists them)", d.info->ctrl_path);
		goto out;
	}
	if (ns && !nsid)
		nsid = d.info->nsid;
	/* DEV's own namespace is known to be zoned or not: say so rather
	 * than send what the device would refuse. */
	if (k == ID_ZNS_NS && nsid == d.info->nsid && !d.info->zoned) {
		rc = err_refused(c, "namespace %llu of %s is not zoned; nothing "
				 "was sent", (unsigned long long)nsid,
				 d.info->ctrl_path);
		goto out;
	}
	buf = nvio_buf_alloc(2 * 4096);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	rc = identify_kind(d.dev, k, (uint32_t)nsid, buf);
	/* the LBA formats zns id-ns lists are the NVM Identify's */
	if (!rc && k == ID_ZNS_NS && !c->raw)
		rc = nvio_identify_ns(d.dev, (uint32_t)nsid, buf + 4096);
	if (rc) {
		rc = err_result(c, rc, what[k]);
		goto out;
	}
	if (c->raw) {
		rc = cli_raw_out(c, buf, 4096);
		goto out;
	}
	switch (k) {
	case ID_NS: print_id_ns(c, buf, nsid); break;
	case ID_CTRL: print_id_ctrl(c, buf, d.info->ctrl_path); break;
	case ID_ZNS_NS: print_zns_id_ns(c, buf, buf + 4096, nsid); break;
	case ID_ZNS_CTRL: print_zns_id_ctrl(c, buf); break;
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

int cmd_id_ctrl(struct cli *c, int argc, char **argv)
{
	return cmd_identify(c, argc, argv, ID_CTRL);
}

int cmd_id_ns(struct cli *c, int argc, char **argv)
{
	return cmd_identify(c, argc, argv, ID_NS);
}

int cmd_zone_id_ctrl(struct cli *c, int argc, char **argv)
{
	return cmd_identify(c, argc, argv, ID_ZNS_CTRL);
}

int cmd_zone_id_ns(struct cli *c, int argc, char **argv)
{
	return cmd_identify(c, argc, argv, ID_ZNS_NS);
}

/* ------------------------------------------------------------------ */
/* list-ns: the controller's namespace ids, as nvme-cli's list-ns. */

const struct cli_opt opts_list_ns[] = {
	{ "namespace-id", 'n', required_argument, "NSID",
	  "list the ids greater than NSID (default 0: all)" },
	{ "all", 'a', no_argument, NULL,
	  "allocated namespaces too, attached or not (CNS 10h)" },
	CLI_OPT_TIMEOUT, CLI_OPT_COMMON, { 0 },
};

int cmd_list_ns(struct cli *c, int argc, char **argv)
{
	uint64_t start = 0;
	bool all = false;
	struct cli_dev d;
	uint32_t *list = NULL, n = 0;
	struct jw *w;
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		switch (opt) {
		case CLI_STOP:
			return c->exit_code == EXIT_OK ? EXIT_OK : c->exit_code;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &start,
				     0xfffffffdu);
			if (rc)
				return rc;
			break;
		case 'a':
			all = true;
			break;
		default:
			return err_usage(c, "option not handled");
		}
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	rc = cli_open_any(c, 0, NVIO_DEV_RDONLY, false, &d);
	if (rc)
		return rc;
	rc = cli_need_admin(c, &d);
	if (rc)
		goto out;
	list = nvio_buf_alloc(4096);
	if (!list) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	/* One page of up to 1024 ids above `start`, as nvme-cli shows. */
	if (all) {
		struct nvio_cmd cmd;

		nvio_cmd_identify(&cmd, 0x10, (uint32_t)start, 0);
		rc = nvio_admin_passthru(d.dev, &cmd, list, 4096, NULL);
	} else {
		rc = nvio_identify_active_ns(d.dev, (uint32_t)start, list);
	}
	if (rc) {
		rc = err_result(c, rc, all ? "identify allocated namespace list"
					   : "identify active namespace list");
		goto out;
	}
	while (n < 1024 && list[n])
		n++;
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_arr(w, "nsid_list");
		for (uint32_t i = 0; i < n; i++) {
			jw_obj(w, NULL);
			jw_u64(w, "nsid", le32toh(list[i]));
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	} else {
		for (uint32_t i = 0; i < n; i++)
			printf("[%4u]:%#x\n", i, le32toh(list[i]));
		if (!n)
			printf("%s: no %s namespaces%s\n", d.info->ctrl_path,
			       all ? "allocated" : "active",
			       start ? " above that id" : "");
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(list);
	cli_close(&d);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Log pages. */

static const struct name_val log_names[] = {
	{ "error", NVME_LOG_LID_ERROR },
	{ "smart", NVME_LOG_LID_SMART },
	{ "fw", NVME_LOG_LID_FW_SLOT },
	{ "effects", NVME_LOG_LID_CMD_EFFECTS },
	{ NULL, 0 },
};

static void print_smart(struct cli *c, const struct nvme_smart_log *s)
{
	struct jw *w = cli_json(c);
	unsigned temp = (unsigned)s->temperature[1] << 8 | s->temperature[0];
	static const struct {
		const char *key;
		size_t off;
	} ctr[] = {
		{ "data_units_read", offsetof(struct nvme_smart_log, data_units_read) },
		{ "data_units_written", offsetof(struct nvme_smart_log, data_units_written) },
		{ "host_read_commands", offsetof(struct nvme_smart_log, host_reads) },
		{ "host_write_commands", offsetof(struct nvme_smart_log, host_writes) },
		{ "controller_busy_time", offsetof(struct nvme_smart_log, ctrl_busy_time) },
		{ "power_cycles", offsetof(struct nvme_smart_log, power_cycles) },
		{ "power_on_hours", offsetof(struct nvme_smart_log, power_on_hours) },
		{ "unsafe_shutdowns", offsetof(struct nvme_smart_log, unsafe_shutdowns) },
		{ "media_errors", offsetof(struct nvme_smart_log, media_errors) },
		{ "num_err_log_entries", offsetof(struct nvme_smart_log, num_err_log_entries) },
	};
	char v[48];

	if (w) {
		jw_obj(w, NULL);
		if (c->human) {
			jw_obj(w, "critical_warning");
			jw_u64(w, "value", s->critical_warning);
			jw_u64(w, "available_spare", s->critical_warning & 1);
			jw_u64(w, "temp_threshold", s->critical_warning >> 1 & 1);
			jw_u64(w, "reliability_degraded", s->critical_warning >> 2 & 1);
			jw_u64(w, "ro", s->critical_warning >> 3 & 1);
			jw_u64(w, "vmbu_failed", s->critical_warning >> 4 & 1);
			jw_u64(w, "pmr_ro", s->critical_warning >> 5 & 1);
			jw_obj_end(w);
		} else {
			jw_u64(w, "critical_warning", s->critical_warning);
		}
		jw_u64(w, "temperature", temp);
		jw_u64(w, "avail_spare", s->avail_spare);
		jw_u64(w, "spare_thresh", s->spare_thresh);
		jw_u64(w, "percent_used", s->percent_used);
		jw_u64(w, "endurance_grp_critical_warning_summary",
		       s->endu_grp_crit_warn_sumry);
		for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++)
			jw_u128(w, ctr[i].key, (const uint8_t *)s + ctr[i].off);
		jw_u64(w, "warning_temp_time", le32toh(s->warning_temp_time));
		jw_u64(w, "critical_comp_time", le32toh(s->critical_comp_time));
		for (int i = 0; i < 8; i++) {
			char key[32];
			unsigned t = le16toh(s->temp_sensor[i]);

			if (!t)
				continue;
			snprintf(key, sizeof(key), "temperature_sensor_%d", i + 1);
			jw_u64(w, key, t);
		}
		jw_u64(w, "thm_temp1_trans_count", le32toh(s->thm_temp1_trans_count));
		jw_u64(w, "thm_temp2_trans_count", le32toh(s->thm_temp2_trans_count));
		jw_u64(w, "thm_temp1_total_time", le32toh(s->thm_temp1_total_time));
		jw_u64(w, "thm_temp2_total_time", le32toh(s->thm_temp2_total_time));
		jw_obj_end(w);
		return;
	}
	printf("SMART / Health Information Log:\n");
	printf("%-40s: %#x\n", "critical_warning", s->critical_warning);
	if (c->human) {
		bit(stdout, s->critical_warning, 0, "Available spare below threshold", "Available spare OK");
		bit(stdout, s->critical_warning, 1, "Temperature threshold exceeded", "Temperature OK");
		bit(stdout, s->critical_warning, 2, "Reliability degraded", "Reliability OK");
		bit(stdout, s->critical_warning, 3, "Media read-only", "Media writable");
		bit(stdout, s->critical_warning, 4, "Volatile memory backup failed", "Volatile memory backup OK");
		bit(stdout, s->critical_warning, 5, "Persistent memory region read-only", "Persistent memory region OK");
	}
	printf("%-40s: %u C (%u Kelvin)\n", "temperature", temp ? temp - 273 : 0, temp);
	printf("%-40s: %u%%\n", "available_spare", s->avail_spare);
	printf("%-40s: %u%%\n", "available_spare_threshold", s->spare_thresh);
	printf("%-40s: %u%%\n", "percentage_used", s->percent_used);
	printf("%-40s: %#x\n", "endurance_group_critical_warning_summary",
	       s->endu_grp_crit_warn_sumry);
	for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++) {
		u128_to_str((const uint8_t *)s + ctr[i].off, v, sizeof(v));
		if (i < 2) {
			/* Data units are thousands of 512-byte units. */
			uint64_t du = get_le((const uint8_t *)s + ctr[i].off, 8);
			char b[32];

			fmt_bytes(b, sizeof(b), du * 512000);
			printf("%-40s: %s (%s)\n", ctr[i].key, v, b);
		} else {
			printf("%-40s: %s\n", ctr[i].key, v);
		}
	}
	printf("%-40s: %u\n", "warning_temperature_time", le32toh(s->warning_temp_time));
	printf("%-40s: %u\n", "critical_composite_temperature_time",
	       le32toh(s->critical_comp_time));
	for (int i = 0; i < 8; i++) {
		unsigned t = le16toh(s->temp_sensor[i]);

		if (t)
			printf("temperature_sensor_%d%-20s: %u C (%u Kelvin)\n",
			       i + 1, "", t - 273, t);
	}
	printf("%-40s: %u\n", "thermal_management_t1_trans_count", le32toh(s->thm_temp1_trans_count));
	printf("%-40s: %u\n", "thermal_management_t2_trans_count", le32toh(s->thm_temp2_trans_count));
	printf("%-40s: %u\n", "thermal_management_t1_total_time", le32toh(s->thm_temp1_total_time));
	printf("%-40s: %u\n", "thermal_management_t2_total_time", le32toh(s->thm_temp2_total_time));
}

static void print_error_log(struct cli *c, const struct nvme_error_log_page *e,
			    unsigned n)
{
	struct jw *w = cli_json(c);

	if (w) {
		jw_obj(w, NULL);
		jw_arr(w, "errors");
	} else {
		printf("Error Information Log: %u entries\n", n);
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned sf = le16toh(e[i].status_field);

		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "error_count", le64toh(e[i].error_count));
			jw_u64(w, "sqid", le16toh(e[i].sqid));
			jw_u64(w, "cmdid", le16toh(e[i].cmdid));
			jw_u64(w, "status_field", sf >> 1);
			jw_u64(w, "phase_tag", sf & 1);
			jw_u64(w, "parm_error_location", le16toh(e[i].parm_error_location));
			jw_u64(w, "lba", le64toh(e[i].lba));
			jw_u64(w, "nsid", le32toh(e[i].nsid));
			jw_u64(w, "vs", e[i].vs);
			jw_u64(w, "trtype", e[i].trtype);
			jw_u64(w, "cs", le64toh(e[i].cs));
			jw_u64(w, "trtype_spec_info", le16toh(e[i].trtype_spec_info));
			jw_obj_end(w);
			continue;
		}
		printf("Entry %u\n", i);
		printf("  error_count         : %llu\n", (unsigned long long)le64toh(e[i].error_count));
		printf("  sqid                : %u\n", le16toh(e[i].sqid));
		printf("  cmdid               : %#x\n", le16toh(e[i].cmdid));
		printf("  status_field        : %#x (%s)\n", sf >> 1,
		       (sf >> 1) ? nvio_strerror((int)(sf >> 1)) : "Success");
		printf("  phase_tag           : %u\n", sf & 1);
		printf("  parm_error_location : %#x\n", le16toh(e[i].parm_error_location));
		printf("  lba                 : %llu\n", (unsigned long long)le64toh(e[i].lba));
		printf("  nsid                : %u\n", le32toh(e[i].nsid));
		printf("  vs                  : %u\n", e[i].vs);
		printf("  trtype              : %u\n", e[i].trtype);
		printf("  cs                  : %#llx\n", (unsigned long long)le64toh(e[i].cs));
		printf("  trtype_spec_info    : %#x\n", le16toh(e[i].trtype_spec_info));
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
}

static void print_fw_log(struct cli *c, const struct nvme_firmware_slot *fw)
{
	struct jw *w = cli_json(c);

	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "afi", fw->afi);
		jw_u64(w, "active_slot", fw->afi & 7);
		jw_u64(w, "next_slot", fw->afi >> 4 & 7);
		jw_arr(w, "slots");
	} else {
		printf("Firmware Slot Information Log:\n");
		printf("afi  : %#x (active slot %u, next reset slot %u)\n",
		       fw->afi, fw->afi & 7, fw->afi >> 4 & 7);
	}
	for (int i = 0; i < 7; i++) {
		char rev[9];

		if (!fw->frs[i][0])
			continue;
		snprintf(rev, sizeof(rev), "%-.8s", fw->frs[i]);
		for (size_t n = strlen(rev); n > 0 && rev[n - 1] == ' ';)
			rev[--n] = '\0';
		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "slot", (uint64_t)i + 1);
			jw_str(w, "revision", rev);
			jw_u64(w, "value", get_le((const uint8_t *)fw->frs[i], 8));
			jw_obj_end(w);
		} else {
			printf("frs%d : 0x%016llx (%s)\n", i + 1,
			       (unsigned long long)get_le((const uint8_t *)fw->frs[i], 8),
			       rev);
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
	}
}

static void effects_one(struct cli *c, struct jw *w, const char *key,
			const uint32_t *tab)
{
	if (w)
		jw_arr(w, key);
	else
		printf("%s:\n", key);
	for (unsigned op = 0; op < 256; op++) {
		uint32_t e = le32toh(tab[op]);

		if (!(e & 1))
			continue;
		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "opcode", op);
			jw_u64(w, "effects", e);
			jw_bool(w, "csupp", e & 1);
			jw_bool(w, "lbcc", e >> 1 & 1);
			jw_bool(w, "ncc", e >> 2 & 1);
			jw_bool(w, "nic", e >> 3 & 1);
			jw_bool(w, "ccc", e >> 4 & 1);
			jw_u64(w, "cse", e >> 16 & 7);
			jw_obj_end(w);
		} else {
			printf("  opcode 0x%02x: 0x%08x%s%s%s%s%s\n", op, e,
			       " CSUPP", (e & 2) ? " LBCC" : "",
			       (e & 4) ? " NCC" : "", (e & 8) ? " NIC" : "",
			       (e & 16) ? " CCC" : "");
		}
	}
	if (w)
		jw_arr_end(w);
	(void)c;
}

static void print_effects(struct cli *c, const struct nvme_cmd_effects_log *e)
{
	struct jw *w = cli_json(c);

	if (w)
		jw_obj(w, NULL);
	else
		printf("Commands Supported and Effects Log:\n");
	effects_one(c, w, "admin_commands", e->acs);
	effects_one(c, w, "io_commands", e->iocs);
	if (w)
		jw_obj_end(w);
}

int cmd_get_log(struct cli *c, int argc, char **argv)
{
	uint64_t lid = 0, len = 0, off = 0, nsid = 0xffffffffu;
	bool has_lid = false, has_len = false;
	struct cli_dev d = { 0 };
	uint8_t *buf = NULL;
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code;
		case 'i':
			has_lid = true;
			if (parse_named(optarg, log_names, &lid) || lid > 255)
				rc = err_usage(c, "--log-id: '%s' is not a log page "
						  "(0-255, smart, error, fw, effects)",
					       optarg);
			break;
		case 'l':
			has_len = true;
			rc = opt_size(c, "log-len", optarg, &len);
			if (!rc && (!len || len % 4 || len > (1u << 24)))
				rc = err_usage(c, "--log-len: %s is not a multiple of "
						  "4 between 4 and 16M", optarg);
			break;
		case OPT_LOG_OFFSET:
			rc = opt_u64(c, "log-offset", optarg, &off, UINT64_MAX);
			if (!rc && off % 4)
				rc = err_usage(c, "--log-offset: must be a multiple of 4");
			break;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &nsid, UINT32_MAX);
			break;
		case 'b': c->raw = true; break;
		case 'H': c->human = true; break;
		default: rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	if (!has_lid)
		return err_usage(c, "give the page with --log-id/-i (a number, "
				    "or smart, error, fw, effects)");
	if (c->raw && c->fmt == FMT_JSON)
		return err_usage(c, "--raw-binary and -o json exclude each other");
	if (!has_len) {
		switch (lid) {
		case NVME_LOG_LID_SMART:
		case NVME_LOG_LID_FW_SLOT: len = 512; break;
		case NVME_LOG_LID_CMD_EFFECTS: len = 4096; break;
		case NVME_LOG_LID_ERROR: len = 0; break; /* from ELPE below */
		default:
			return err_usage(c, "--log-len is needed for log page 0x%02llx",
					 (unsigned long long)lid);
		}
	}
	rc = cli_open_any(c, nsid && nsid != 0xffffffffu ? (uint32_t)nsid : 0,
			  NVIO_DEV_RDONLY, false, &d);
	if (rc)
		return rc;
	rc = cli_need_admin(c, &d);
	if (rc)
		goto out;
	if (!len) {
		/* The error log holds ELPE + 1 entries of 64 bytes. */
		uint8_t *id = nvio_buf_alloc(4096);

		if (!id) {
			rc = err_errno(c, ENOMEM, "buffer");
			goto out;
		}
		rc = nvio_identify_ctrl(d.dev, id);
		len = rc ? 64 : 64u * (((const struct nvme_id_ctrl *)id)->elpe + 1u);
		nvio_buf_free(id);
		rc = EXIT_OK;
	}
	buf = nvio_buf_alloc((size_t)len);
	if (!buf) {
		rc = err_errno(c, ENOMEM, "buffer");
		goto out;
	}
	rc = nvio_get_log(d.dev, (uint8_t)lid, (uint32_t)nsid, off, buf,
			  (uint32_t)len);
	if (rc) {
		char what[64];

		snprintf(what, sizeof(what), "get log page 0x%02llx",
			 (unsigned long long)lid);
		rc = err_result(c, rc, what);
		goto out;
	}
	if (c->raw) {
		rc = cli_raw_out(c, buf, (size_t)len);
		goto out;
	}
	if (lid == NVME_LOG_LID_SMART && len >= sizeof(struct nvme_smart_log) && !off) {
		print_smart(c, (const struct nvme_smart_log *)buf);
	} else if (lid == NVME_LOG_LID_ERROR && !off) {
		print_error_log(c, (const struct nvme_error_log_page *)buf,
				(unsigned)(len / 64));
	} else if (lid == NVME_LOG_LID_FW_SLOT && len >= 512 && !off) {
		print_fw_log(c, (const struct nvme_firmware_slot *)buf);
	} else if (lid == NVME_LOG_LID_CMD_EFFECTS && len >= 2048 && !off) {
		print_effects(c, (const struct nvme_cmd_effects_log *)buf);
	} else {
		struct jw *w = cli_json(c);

		if (w) {
			jw_obj(w, NULL);
			jw_u64(w, "log_id", lid);
			jw_u64(w, "offset", off);
			jw_u64(w, "length", len);
			jw_hex(w, "data", buf, (size_t)len);
			jw_obj_end(w);
		} else {
			printf("Log page 0x%02llx, %llu bytes from offset %llu:\n",
			       (unsigned long long)lid, (unsigned long long)len,
			       (unsigned long long)off);
			hexdump(stdout, buf, (size_t)len);
		}
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Features. */

static const char *feature_name(unsigned fid)
{
	switch (fid) {
	case 0x01: return "Arbitration";
	case 0x02: return "Power Management";
	case 0x03: return "LBA Range Type";
	case 0x04: return "Temperature Threshold";
	case 0x05: return "Error Recovery";
	case 0x06: return "Volatile Write Cache";
	case 0x07: return "Number of Queues";
	case 0x08: return "Interrupt Coalescing";
	case 0x09: return "Interrupt Vector Configuration";
	case 0x0a: return "Write Atomicity Normal";
	case 0x0b: return "Asynchronous Event Configuration";
	case 0x0c: return "Autonomous Power State Transition";
	case 0x0d: return "Host Memory Buffer";
	case 0x0e: return "Timestamp";
	case 0x0f: return "Keep Alive Timer";
	case 0x10: return "Host Controlled Thermal Management";
	case 0x11: return "Non-Operational Power State Config";
	case 0x16: return "Host Behavior Support";
	case 0x17: return "Sanitize Config";
	case 0x18: return "Endurance Group Event Configuration";
	case 0x80: return "Software Progress Marker";
	case 0x81: return "Host Identifier";
	case 0x82: return "Reservation Notification Mask";
	case 0x83: return "Reservation Persistence";
	case 0x84: return "Namespace Write Protection Config";
	default: return fid >= 0xc0 ? "Vendor Specific" : "Unknown";
	}
}

static uint32_t feature_data_len(unsigned fid)
{
	switch (fid) {
	case 0x03: return 4096;
	case 0x0c: return 256;
	case 0x0d: return 4096;
	case 0x0e: return 8;
	case 0x16: return 512;
	case 0x81: return 16;
	default: return 0;
	}
}

static void decode_feature(unsigned fid, uint32_t v)
{
	switch (fid) {
	case 0x02:
		printf("  Power State (PS): %u, Workload Hint (WH): %u\n", v & 0x1f,
		       v >> 5 & 7);
		break;
	case 0x04:
		printf("  Temperature Threshold (TMPTH): %u Kelvin (%d C), sensor "
		       "%u, %s threshold\n",
		       v & 0xffff, (int)(v & 0xffff) - 273, v >> 16 & 0xf,
		       (v >> 20 & 3) ? "under" : "over");
		break;
	case 0x06:
		printf("  Volatile Write Cache Enable (WCE): %s\n",
		       (v & 1) ? "Enabled" : "Disabled");
		break;
	case 0x07:
		printf("  Number of IO Completion Queues Allocated (NCQA): %u\n",
		       (v >> 16) + 1);
		printf("  Number of IO Submission Queues Allocated (NSQA): %u\n",
		       (v & 0xffff) + 1);
		break;
	case 0x0b:
		printf("  Async event configuration: %#x\n", v);
		break;
	default:
		break;
	}
}

static const struct name_val sel_names[] = {
	{ "current", 0 }, { "default", 1 }, { "saved", 2 }, { "supported", 3 },
	{ NULL, 0 },
};

/* What get-feature and set-feature take. getopt returns only the options
 * in the running command's table, so one parser serves both. */
struct feat_args {
	uint64_t fid, sel, cdw11, value, len, nsid;
	const char *file;
	bool has_fid, has_len, has_val, save;
};

/* Options and DEV of a feature command. -s is --save for set-feature and
 * --sel for get-feature. Returns CLI_STOP after --help. */
static int parse_feature(struct cli *c, int argc, char **argv, bool set,
			 struct feat_args *a)
{
	int opt, rc;

	memset(a, 0, sizeof(*a));
	while ((opt = cli_getopt(c, argc, argv)) != -1) {
		rc = EXIT_OK;
		switch (opt) {
		case CLI_STOP:
			return c->exit_code == EXIT_OK ? CLI_STOP : c->exit_code;
		case 'f':
			a->has_fid = true;
			rc = opt_u64(c, "feature-id", optarg, &a->fid, 255);
			break;
		case 's':
			if (set)
				a->save = true;
			else if (parse_named(optarg, sel_names, &a->sel) ||
				 a->sel > 3)
				rc = err_usage(c, "--sel: '%s' is not current, "
						  "default, saved or supported (0-3)",
					       optarg);
			break;
		case OPT_CDW11:
			rc = opt_u64(c, "cdw11", optarg, &a->cdw11, UINT32_MAX);
			break;
		case 'v':
			a->has_val = true;
			rc = opt_u64(c, "value", optarg, &a->value, UINT32_MAX);
			break;
		case 'd': a->file = optarg; break;
		case 'l':
			a->has_len = true;
			rc = opt_size(c, "data-len", optarg, &a->len);
			if (!rc && a->len > (1u << 20))
				rc = err_usage(c, "--data-len: at most 1M");
			break;
		case 'n':
			rc = opt_u64(c, "namespace-id", optarg, &a->nsid, UINT32_MAX);
			break;
		case 'b': c->raw = true; break;
		case 'H': c->human = true; break;
		case OPT_FORCE: c->force = true; break;
		default: rc = err_usage(c, "option not handled");
		}
		if (rc)
			return rc;
	}
	rc = cli_take_dev(c, argc, argv, true);
	if (rc)
		return rc;
	if (!a->has_fid)
		return err_usage(c, "give the feature with --feature-id/-f");
	return EXIT_OK;
}

/* The namespace to open: 0 and 0xffffffff (all namespaces) open DEV's. */
static uint32_t feature_open_nsid(const struct feat_args *a)
{
	return a->nsid && a->nsid != 0xffffffffu ? (uint32_t)a->nsid : 0;
}

/* A failed Get or Set Features; `op` is "get" or "set". */
static int feature_failed(struct cli *c, int rc, const char *op,
			  const struct feat_args *a)
{
	char what[96];

	snprintf(what, sizeof(what), "%s feature 0x%02llx (%s)", op,
		 (unsigned long long)a->fid, feature_name((unsigned)a->fid));
	return err_result(c, rc, what);
}

int cmd_get_feature(struct cli *c, int argc, char **argv)
{
	struct feat_args a;
	struct cli_dev d = { 0 };
	uint8_t *buf = NULL;
	uint32_t result = 0;
	struct jw *w;
	int rc;

	rc = parse_feature(c, argc, argv, false, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (!a.has_len)
		a.len = a.sel == 3 ? 0 : feature_data_len((unsigned)a.fid);
	rc = cli_open_any(c, feature_open_nsid(&a), NVIO_DEV_RDONLY, false, &d);
	if (rc)
		return rc;
	rc = cli_need_admin(c, &d);
	if (rc)
		goto out;
	if (a.len) {
		buf = nvio_buf_alloc((size_t)a.len);
		if (!buf) {
			rc = err_errno(c, ENOMEM, "buffer");
			goto out;
		}
	}
	rc = nvio_get_feature(d.dev, (uint8_t)a.fid, (uint32_t)a.nsid,
			      (uint8_t)a.sel, (uint32_t)a.cdw11, buf,
			      (uint32_t)a.len, &result);
	if (rc) {
		rc = feature_failed(c, rc, "get", &a);
		goto out;
	}
	if (c->raw) {
		rc = buf ? cli_raw_out(c, buf, (size_t)a.len) : EXIT_OK;
		goto out;
	}
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "feature_id", a.fid);
		jw_str(w, "name", feature_name((unsigned)a.fid));
		jw_u64(w, "sel", a.sel);
		jw_u64(w, "value", result);
		if (buf)
			jw_hex(w, "data", buf, (size_t)a.len);
		jw_obj_end(w);
	} else {
		static const char *const seln[] = { "Current", "Default",
						    "Saved", "Supported capabilities" };

		printf("get-feature:0x%02llx (%s), %s value:0x%08x\n",
		       (unsigned long long)a.fid, feature_name((unsigned)a.fid),
		       seln[a.sel], result);
		if (c->human && a.sel != 3)
			decode_feature((unsigned)a.fid, result);
		if (a.sel == 3)
			printf("  saveable: %s, namespace specific: %s, "
			       "changeable: %s\n",
			       (result & 1) ? "yes" : "no",
			       (result & 2) ? "yes" : "no",
			       (result & 4) ? "yes" : "no");
		if (buf)
			hexdump(stdout, buf, (size_t)a.len);
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}

/* Reads exactly len bytes of FILE into buf; usage error if shorter. */
static int load_file(struct cli *c, const char *file, void *buf, size_t len)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return err_errno(c, errno, "cannot open data file %s", file);
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			close(fd);
			if (n < 0)
				return err_errno(c, e, "reading %s", file);
			return err_usage(c, "%s has %zu bytes, %zu needed; "
					    "nothing was sent", file, got, len);
		}
		got += (size_t)n;
	}
	close(fd);
	return EXIT_OK;
}

int cmd_set_feature(struct cli *c, int argc, char **argv)
{
	struct feat_args a;
	struct cli_dev d = { 0 };
	uint8_t *buf = NULL;
	uint32_t result = 0;
	struct jw *w;
	int rc;

	rc = parse_feature(c, argc, argv, true, &a);
	if (rc)
		return rc == CLI_STOP ? EXIT_OK : rc;
	if (!a.has_val && !a.file)
		return err_usage(c, "give the value with --value/-v");
	if (a.file && !a.len)
		a.len = feature_data_len((unsigned)a.fid);
	if (a.file && !a.len)
		return err_usage(c, "give the data size with --data-len");
	if (!a.file && a.len)
		return err_usage(c, "--data-len needs --data FILE");
	if (a.len) {
		buf = nvio_buf_alloc((size_t)a.len);
		if (!buf)
			return err_errno(c, ENOMEM, "buffer");
		rc = load_file(c, a.file, buf, (size_t)a.len);
		if (rc)
			goto out;
	}
	rc = cli_open_any(c, feature_open_nsid(&a), 0, true, &d);
	if (rc)
		goto out;
	rc = cli_need_admin(c, &d);
	if (rc)
		goto out;
	rc = safety_check(c, &d, "set-feature");
	if (rc)
		goto out;
	rc = nvio_set_feature(d.dev, (uint8_t)a.fid, (uint32_t)a.nsid,
			      (uint32_t)a.value, a.save, buf, (uint32_t)a.len,
			      &result);
	if (rc) {
		rc = feature_failed(c, rc, "set", &a);
		goto out;
	}
	w = cli_json(c);
	if (w) {
		jw_obj(w, NULL);
		jw_u64(w, "feature_id", a.fid);
		jw_str(w, "name", feature_name((unsigned)a.fid));
		jw_u64(w, "value", a.value);
		jw_bool(w, "save", a.save);
		jw_u64(w, "result", result);
		jw_obj_end(w);
	} else {
		printf("set-feature:0x%02llx (%s), value:0x%08llx, save:%s, "
		       "result:0x%08x\n",
		       (unsigned long long)a.fid, feature_name((unsigned)a.fid),
		       (unsigned long long)a.value, a.save ? "yes" : "no", result);
	}
	rc = EXIT_OK;
out:
	nvio_buf_free(buf);
	cli_close(&d);
	return rc;
}
