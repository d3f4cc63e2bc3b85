// sources: test/bench/pcap_tcp.c test/bench/page_cost.c test/bench/xbzrle.c proto/migrate_types.c proto/migrate_decoder.c proto/migrate_payloads.c proto/snapshot_cpuid.c proto/snapshot_types.c proto/page_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
/*
 * Our page encodings against QEMU's XBZRLE on the page pairs a real
 * migration sent (test/bench/migrate.sh, docs/page-encoding.md).
 *
 *   mig_pairs [--port N] CAPTURE
 *
 * CAPTURE is a pcap of the source's network card during a migration
 * (scripts/migrate.sh --capture). The source's bytes to the destination's
 * port (9720 unless --port) are reassembled from it (test/bench/pcap_tcp.c)
 * and decoded with the project's own stream decoder (proto/migrate_proto.h),
 * which keeps the destination's RAM. For every page sent again (the
 * destination held an earlier copy), the (old, new) pair is costed: the
 * encoding the source chose and its size, each of our encodings on the
 * pair, and what QEMU would send with XBZRLE (test/bench/xbzrle.h: a zero
 * page 1 byte, an unchanged page 0, an overflow 4096 raw bytes), twice:
 *   - "xbzrle": with QEMU's cache policy (save_xbzrle_page in
 *     migration/ram.c) on this stream's schedule: XBZRLE starts after the
 *     first pass over RAM (our round 0); a page enters the cache when it is
 *     sent after that (a miss: it goes raw, 4096 bytes), and is encoded
 *     against the cache from its next send on (the cache then holds what
 *     the destination holds). The cache is taken large enough for the
 *     guest, as QEMU's default 64 MiB is for a 64 MiB guest.
 *   - "xbzrle-all": on every pair, as if every earlier copy were cached;
 *     the like of "best", our smallest encoding against every earlier copy.
 * No side counts the per-page address.
 *
 * The capture and the stream are outside input: a malformed one is refused
 * with a message and exit status 1; 2 for bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/migrate_proto.h"
#include "test/bench/page_cost.h"
#include "test/bench/pcap_tcp.h"
#include "test/bench/xbzrle.h"

#define PG PAGE_CODEC_PAGE
#define DEFAULT_PORT 9720 /* hv/config.h CONFIG_MIGRATE_PORT_DEFAULT */
#define FRAME_CAP (MIG_FRAME_HDR + MIG_PAYLOAD_MAX)

_Static_assert(XBZRLE_PAGE == PAGE_CODEC_PAGE, "both encoders work on 4 KiB pages");

/* The columns: our encodings on each pair, the source's choice, the best
 * page_encode finds now, and XBZRLE. */
enum { COL_RAW, COL_LZ4, COL_ZRUN, COL_XLZ4, COL_CHOSEN, COL_BEST, COL_XBZRLE, COL_XBZRLE_ALL,
       COLS };

static const unsigned col_kind[] = { PAGE_ENC_RAW, PAGE_ENC_LZ4, PAGE_ENC_XOR_ZRUN,
				     PAGE_ENC_XOR_LZ4 };

struct pairs {
	u8 *ram;                /* the destination's copy */
	u8 *sent;               /* per page: sent before */
	u8 *cached;             /* per page: in QEMU's XBZRLE cache */
	const struct mig_decoder *dec; /* its round: the PAGES frame's */
	u64 ram_pages;
	u8 old[PG];             /* the page being decoded, before */
	bool had_old;
	u64 pages, resent;
	double sum[COLS];
	u64 chosen[PAGE_ENC_COUNT], chosen_bytes[PAGE_ENC_COUNT];
	u64 x_unchanged, x_zero, x_overflow, x_miss, x_encoded;
	struct page_codec_work work;
};

static int on_hello(void *ctx, const struct mig_hello *h)
{
	struct pairs *p = ctx;

	p->ram_pages = h->id.ram_size / PG;
	p->ram = calloc(p->ram_pages ? p->ram_pages : 1, PG);
	p->sent = calloc(p->ram_pages ? p->ram_pages : 1, 1);
	p->cached = calloc(p->ram_pages ? p->ram_pages : 1, 1);
	if (!p->ram || !p->sent || !p->cached) {
		fprintf(stderr, "mig_pairs: out of memory for %llu pages of RAM\n",
			(unsigned long long)p->ram_pages);
		return -1;
	}
	return 0;
}

/* The destination's copy of the page, its contents before kept. */
static u8 *on_page_buffer(void *ctx, u64 pfn)
{
	struct pairs *p = ctx;

	p->had_old = p->sent[pfn];
	memcpy(p->old, p->ram + pfn * PG, PG);
	return p->ram + pfn * PG;
}

/* XBZRLE's cost for the pair, on every pair and under QEMU's cache
 * policy (a miss: the page goes raw), the outcomes of the latter counted. */
static void cost_xbzrle(struct pairs *p, u64 pfn, const u8 *new)
{
	long x = xbzrle_qemu_bytes(p->old, new);
	bool zero = page_is_zero(new), hit = p->cached[pfn];

	if (x < 0) {
		fprintf(stderr, "mig_pairs: XBZRLE round trip failed\n");
		exit(1);
	}
	p->sum[COL_XBZRLE_ALL] += (double)x;
	if (!hit && !zero)
		x = PG;
	p->sum[COL_XBZRLE] += (double)x;
	p->x_zero += zero;
	p->x_miss += !hit && !zero;
	p->x_unchanged += hit && x == 0;
	p->x_overflow += hit && !zero && x == PG;
	p->x_encoded += hit && !zero && x > 0 && x < PG;
}

/* A page decoded: a pair when the destination had it before. */
static int on_page(void *ctx, u64 pfn, unsigned enc, size_t enc_len)
{
	struct pairs *p = ctx;
	const u8 *new = p->ram + pfn * PG;

	p->pages++;
	p->sent[pfn] = 1;
	if (!p->had_old) {
		p->cached[pfn] = p->dec->round > 0;
		return 0;
	}
	p->resent++;
	p->chosen[enc]++;
	p->chosen_bytes[enc] += enc_len;
	p->sum[COL_CHOSEN] += (double)enc_len;
	for (unsigned c = 0; c < sizeof(col_kind) / sizeof(col_kind[0]); c++)
		p->sum[c] += (double)page_cost(col_kind[c], p->old, new, &p->work);
	p->sum[COL_BEST] += (double)page_cost(PAGE_ENC_COUNT, p->old, new, &p->work);
	cost_xbzrle(p, pfn, new);
	p->cached[pfn] = p->dec->round > 0;
	return 0;
}

static u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;
	u8 *buf;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static double ratio(double a, double b)
{
	return b ? a / b : 0.0;
}

static void print_table(const struct pairs *p)
{
	double n = p->resent ? (double)p->resent : 1;

	printf("mean bytes per page sent again (each encoding's header included; XBZRLE as QEMU sends it)\n");
	printf("%8s %8s %8s %8s %9s %8s %8s %8s %9s %10s %7s\n", "resent", "chosen", "raw", "lz4",
	       "xor-zrun", "xor-lz4", "best", "xbzrle", "x/chosen", "xbzrle-all", "xa/best");
	printf("%8llu %8.0f %8.0f %8.0f %9.0f %8.0f %8.0f %8.0f %9.2f %10.0f %7.2f\n",
	       (unsigned long long)p->resent, p->sum[COL_CHOSEN] / n, p->sum[COL_RAW] / n,
	       p->sum[COL_LZ4] / n, p->sum[COL_ZRUN] / n, p->sum[COL_XLZ4] / n, p->sum[COL_BEST] / n,
	       p->sum[COL_XBZRLE] / n, ratio(p->sum[COL_XBZRLE], p->sum[COL_CHOSEN]),
	       p->sum[COL_XBZRLE_ALL] / n, ratio(p->sum[COL_XBZRLE_ALL], p->sum[COL_BEST]));
	printf("chosen by the source:");
	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++)
		if (p->chosen[k])
			printf(" %s %llu (%.0f B/page)", page_enc_name(k), (unsigned long long)p->chosen[k],
			       (double)p->chosen_bytes[k] / (double)p->chosen[k]);
	printf("\nxbzrle: %llu encoded, %llu cache misses (4096 raw bytes), %llu unchanged (not sent), %llu zero (1 byte), %llu overflowed (4096 raw bytes)\n",
	       (unsigned long long)p->x_encoded, (unsigned long long)p->x_miss,
	       (unsigned long long)p->x_unchanged, (unsigned long long)p->x_zero,
	       (unsigned long long)p->x_overflow);
}

/* Decodes the reassembled stream into p: 0, or 1 with a message. */
static int decode(struct pairs *p, const struct pcap_tcp_stream *s)
{
	static const struct mig_ops ops = { .hello = on_hello, .page_buffer = on_page_buffer,
					    .page = on_page };
	struct mig_decoder d;
	u8 *frame = malloc(FRAME_CAP);

	if (!frame) {
		fprintf(stderr, "mig_pairs: out of memory\n");
		return 1;
	}
	mig_decoder_init(&d, MIG_TO_DESTINATION, &ops, p, frame, FRAME_CAP, &p->work);
	p->dec = &d;
	if (mig_decoder_push(&d, s->data, s->len) < 0) {
		fprintf(stderr, "mig_pairs: the stream is refused: %s\n", d.msg);
		free(frame);
		return 1;
	}
	free(frame);
	if (!mig_decoder_done(&d)) {
		fprintf(stderr, "mig_pairs: the stream ends after %llu frames, before DONE\n",
			(unsigned long long)d.seq);
		return 1;
	}
	printf("stream: %zu bytes, %llu frames, %llu pages in rounds 0-%u, RAM %llu pages; %llu pages sent again\n",
	       s->len, (unsigned long long)d.seq, (unsigned long long)p->pages, d.round,
	       (unsigned long long)p->ram_pages,
	       (unsigned long long)p->resent);
	return 0;
}

int main(int argc, char **argv)
{
	static struct pairs p;
	struct pcap_tcp_stream s;
	unsigned long port = DEFAULT_PORT;
	size_t len;
	u8 *pcap;
	int first = 1, err;

	if (argc > 2 && !strcmp(argv[1], "--port")) {
		port = strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (argc != first + 1 || !port || port > 65535) {
		fprintf(stderr, "usage: mig_pairs [--port N] CAPTURE\n");
		return 2;
	}
	pcap = read_file(argv[first], &len);
	if (!pcap) {
		fprintf(stderr, "mig_pairs: cannot read %s\n", argv[first]);
		return 1;
	}
	if (pcap_tcp_stream(pcap, len, (u16)port, &s)) {
		fprintf(stderr, "mig_pairs: %s: %s\n", argv[first], s.msg);
		return 1;
	}
	printf("capture: %llu records; the stream to port %lu from port %u: %llu segments, %llu repeated, %llu out of order\n",
	       (unsigned long long)s.packets, port, s.client_port, (unsigned long long)s.segments,
	       (unsigned long long)s.repeated, (unsigned long long)s.reordered);
	err = decode(&p, &s);
	if (!err)
		print_table(&p);
	free(s.data);
	free(pcap);
	free(p.ram);
	free(p.sent);
	free(p.cached);
	return err;
}
