// sources: proto/page_codec.c test/bench/page_cost.c test/bench/xbzrle.c proto/wire_prim.c
/*
 * Bytes per page for each of Understudy's page encodings (proto/page_codec.c)
 * side by side with QEMU's XBZRLE encoding of the same page pairs
 * (test/bench/page_sizes.sh, docs/page-encoding.md).
 *
 *   page_sizes [--pairs N] IMAGE...
 *
 * The IMAGEs (a kernel, a program: real code, data, text and zero
 * padding) are read as guest memory, page by page. For each way a guest
 * changes a page between two epochs (a few words, a counter, a line of
 * text, a zeroed run, a stack, the page reused for other contents, half of
 * it random), N pages are taken (nonzero ones, spread evenly over the
 * images) and changed as that way says, deterministically; each (old, new)
 * pair is encoded every way and the mean bytes per page are printed.
 *
 * XBZRLE is computed as QEMU defines it (test/bench/xbzrle.c): runs of
 * equal and of differing bytes between the cached old page and the new
 * one; it gives up ("overflow": the page goes whole, 4096 bytes) when the
 * encoding would pass 4096 bytes, an unchanged page costs 0 and a zero page
 * QEMU's 1-byte zero-page record. A sent page costs its encoding plus the
 * ENCODING_FLAG_XBZRLE byte and the be16 length (QEMU's
 * xbzrle_counters.bytes); neither side here counts the per-page address
 * (QEMU's 8-byte page header, our page-number varint).
 * Every XBZRLE encoding is decoded again and checked against the new page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/page_codec.h"
#include "test/bench/page_cost.h"
#include "test/bench/xbzrle.h"

#define PG PAGE_CODEC_PAGE

/* Bytes QEMU sends for the pair (test/bench/xbzrle.h). */
static size_t xbzrle_bytes(const u8 *old, const u8 *new)
{
	long n = xbzrle_qemu_bytes(old, new);

	if (n < 0) {
		fprintf(stderr, "page_sizes: XBZRLE round trip failed\n");
		exit(1);
	}
	return (size_t)n;
}

/* --- the guest memory and the ways pages change ------------------------------------ */

static u8 *image;
static size_t image_pages;
static u64 rng = 0x2545F4914F6CDD1DULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void load(int n, char **paths)
{
	size_t size = 0;

	for (int i = 0; i < n; i++) {
		FILE *f = fopen(paths[i], "rb");
		long len;

		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
			fprintf(stderr, "page_sizes: cannot read %s\n", paths[i]);
			exit(1);
		}
		image = realloc(image, size + (size_t)len + PG);
		if (!image || fread(image + size, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "page_sizes: cannot read %s\n", paths[i]);
			exit(1);
		}
		fclose(f);
		size += (size_t)len;
		memset(image + size, 0, (PG - size % PG) % PG);
		size += (PG - size % PG) % PG;
	}
	image_pages = size / PG;
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static u64 get64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

/* A few aligned words changed: pointers and fields of kernel objects. */
static void change_words(u8 *p)
{
	for (int n = 1 + (int)(rnd() % 6); n--;)
		put64(p + (rnd() % (PG / 8)) * 8, 0xFFFF888000000000ULL | (rnd() & 0xFFFFFFF8));
}

/* One counter incremented (statistics, jiffies, reference counts). */
static void change_counter(u8 *p)
{
	u8 *c = p + (rnd() % (PG / 8)) * 8;

	put64(c, get64(c) + 1 + rnd() % 1000);
}

/* A line of text written (a console or log buffer). */
static void change_text(u8 *p)
{
	static const char *const lines[] = {
		"[   12.345678] EXT4-fs (vda1): mounted filesystem with ordered data mode.\n",
		"[   13.000001] random: crng init done\n",
		"Jan  1 00:00:01 guest kernel: eth0: link up, 1000Mbps, full-duplex\n",
	};
	const char *l = lines[rnd() % 3];
	size_t len = strlen(l), off = rnd() % (PG - len);

	memcpy(p + off, l, len);
}

/* A run zeroed (memory freed and cleared). */
static void change_zero_run(u8 *p)
{
	size_t len = 512 + rnd() % 1536, off = rnd() % (PG - len);

	memset(p + off, 0, len);
}

/* The lower half written with return addresses, frame pointers and
 * small values, as a stack is. */
static void change_stack(u8 *p)
{
	for (size_t i = 0; i < PG / 2; i += 8) {
		u64 r = rnd();

		put64(p + i, (r & 3) == 0 ? 0xFFFFFFFF81000000ULL + (r >> 40) :
			     (r & 3) == 1 ? 0xFFFFC90000000000ULL + ((r >> 20) & 0xFFF8) :
					    (r >> 56));
	}
}

/* The page reused for other contents: another page of the image. */
static void change_reuse(u8 *p)
{
	memcpy(p, image + (rnd() % image_pages) * PG, PG);
}

/* Half the page random bytes (compressed or encrypted data). */
static void change_random(u8 *p)
{
	for (size_t i = PG / 4; i < PG / 4 + PG / 2; i += 8)
		put64(p + i, rnd());
}

static const struct scenario {
	const char *name;
	void (*change)(u8 *p);
} scenarios[] = {
	{ "words", change_words },       { "counter", change_counter },
	{ "text", change_text },         { "zero-run", change_zero_run },
	{ "stack", change_stack },       { "reuse", change_reuse },
	{ "random", change_random },
};

/* --- measuring ----------------------------------------------------------------------- */

enum { COL_RAW, COL_LZ4, COL_ZRUN, COL_XLZ4, COL_BEST, COL_XBZRLE, COLS };

static struct page_codec_work work;

static size_t ours(unsigned kind, const u8 *old, const u8 *new)
{
	return page_cost(kind, old, new, &work);
}

static void measure(const struct scenario *s, size_t pairs)
{
	static u8 old[PG], new[PG];
	double sum[COLS] = { 0 };
	size_t done = 0, step = image_pages / pairs ? image_pages / pairs : 1;
	unsigned best_kind[PAGE_ENC_COUNT] = { 0 };

	for (size_t pg = 0; done < pairs; pg = (pg + step) % image_pages) {
		memcpy(old, image + pg * PG, PG);
		if (page_is_zero(old)) {
			pg++;
			continue;
		}
		memcpy(new, old, PG);
		s->change(new);
		sum[COL_RAW] += ours(PAGE_ENC_RAW, old, new);
		sum[COL_LZ4] += ours(PAGE_ENC_LZ4, old, new);
		sum[COL_ZRUN] += ours(PAGE_ENC_XOR_ZRUN, old, new);
		sum[COL_XLZ4] += ours(PAGE_ENC_XOR_LZ4, old, new);
		sum[COL_BEST] += ours(PAGE_ENC_COUNT, old, new);
		sum[COL_XBZRLE] += (double)xbzrle_bytes(old, new);
		{
			static u8 out[PAGE_CODEC_MAX];

			best_kind[page_encode(new, old, out, &work) ? out[0] : 0]++;
		}
		done++;
	}
	printf("%-9s %6zu %8.0f %8.0f %9.0f %8.0f %8.0f %8.0f %7.2f   ", s->name, pairs,
	       sum[COL_RAW] / pairs, sum[COL_LZ4] / pairs, sum[COL_ZRUN] / pairs,
	       sum[COL_XLZ4] / pairs, sum[COL_BEST] / pairs, sum[COL_XBZRLE] / pairs,
	       sum[COL_BEST] ? sum[COL_XBZRLE] / sum[COL_BEST] : 0.0);
	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++)
		if (best_kind[k])
			printf(" %s=%u", page_enc_name(k), best_kind[k]);
	printf("\n");
}

int main(int argc, char **argv)
{
	size_t pairs = 2000;
	int first = 1;

	if (argc > 2 && !strcmp(argv[1], "--pairs")) {
		pairs = strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (first >= argc || !pairs) {
		fprintf(stderr, "usage: page_sizes [--pairs N] IMAGE...\n");
		return 2;
	}
	load(argc - first, argv + first);
	if (!image_pages) {
		fprintf(stderr, "page_sizes: the images are empty\n");
		return 1;
	}
	printf("guest memory: %zu pages from %d image(s); %zu page pairs per way of change\n",
	       image_pages, argc - first, pairs);
	printf("mean bytes per page (each encoding's header included; XBZRLE as QEMU counts it)\n");
	printf("%-9s %6s %8s %8s %9s %8s %8s %8s %7s   %s\n", "change", "pairs", "raw", "lz4",
	       "xor-zrun", "xor-lz4", "best", "xbzrle", "x/best", "chosen");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		measure(&scenarios[i], pairs);
	return 0;
}
