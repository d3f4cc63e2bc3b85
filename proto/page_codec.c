/*
 * The page codec (proto/page_codec.h, docs/page-encoding.md): each
 * candidate encoding is tried in turn, bounded by the best so far, and the
 * smallest is kept. LZ4 is Debian's (third_party/lz4, the Makefile's
 * "LZ4"); its block decoder never reads or writes outside the buffers it
 * is given, whatever the input.
 */
#include "proto/page_codec.h"

#include <string.h>

#include "errno.h"
#include "endian.h"

#include <lz4.h>

_Static_assert(sizeof(LZ4_stream_t) <= PAGE_CODEC_LZ4_STATE,
	       "struct page_codec_work holds an LZ4 compression state");
_Static_assert(PAGE_CODEC_PAGE <= 0xFFFF, "payload lengths fit the u16 length field");

#define LZ4_ACCELERATION 1 /* LZ4's default: its best ratio for the fast mode */
#define ZRUN_VARINT_MAX 2  /* run lengths are at most 4096: two LEB128 bytes */

static const char *const enc_names[PAGE_ENC_COUNT] = {
	[PAGE_ENC_ZERO] = "zero",
	[PAGE_ENC_RAW] = "raw",
	[PAGE_ENC_LZ4] = "lz4",
	[PAGE_ENC_XOR_ZRUN] = "xor-zrun",
	[PAGE_ENC_XOR_LZ4] = "xor-lz4",
};

const char *page_enc_name(unsigned kind)
{
	return kind < PAGE_ENC_COUNT ? enc_names[kind] : "?";
}

int bytes_lz4_encode(const u8 *src, size_t len, u8 *out, size_t cap, struct page_codec_work *w)
{
	int n;

	if (len > PAGE_CODEC_PAGE || !cap)
		return -ENOSPC;
	n = LZ4_compress_fast_extState(w->lz4, (const char *)src, (char *)out, (int)len,
				       (int)(cap > PAGE_CODEC_MAX ? PAGE_CODEC_MAX : cap),
				       LZ4_ACCELERATION);
	return n > 0 ? n : -ENOSPC;
}

int bytes_lz4_decode(const u8 *in, size_t len, u8 *out, size_t out_len, const char **why)
{
	int n;

	if (len > PAGE_CODEC_MAX || out_len > PAGE_CODEC_PAGE) {
		*why = "lz4 block: longer than a page";
		return -EBADMSG;
	}
	n = LZ4_decompress_safe((const char *)in, (char *)out, (int)len, (int)out_len);
	if (n != (int)out_len) {
		*why = n < 0 ? "lz4 block: malformed" : "lz4 block: shorter than its stated length";
		return -EBADMSG;
	}
	return 0;
}

bool page_is_zero(const u8 *page)
{
	u64 acc = 0, v;

	for (size_t i = 0; i < PAGE_CODEC_PAGE; i += sizeof(v)) {
		memcpy(&v, page + i, sizeof(v));
		acc |= v;
	}
	return acc == 0;
}

static void xor_pages(u8 *out, const u8 *a, const u8 *b)
{
	u64 x, y;

	for (size_t i = 0; i < PAGE_CODEC_PAGE; i += sizeof(x)) {
		memcpy(&x, a + i, sizeof(x));
		memcpy(&y, b + i, sizeof(y));
		x ^= y;
		memcpy(out + i, &x, sizeof(x));
	}
}

/* --- zero-run coding ------------------------------------------------------------
 * A page of XOR bytes as pairs (zero run, literal run, the literal bytes),
 * both lengths unsigned LEB128; the zero bytes after the last literal run
 * are implied. Only the first zero run may be empty, no literal run is. */

static size_t put_leb(u8 *p, u32 v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (u8)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (u8)v;
	return n;
}

/* Zero-run codes x into out, at most cap bytes: the length, or -1 when it
 * does not fit. */
static int zrun_encode(const u8 *x, u8 *out, size_t cap)
{
	size_t i = 0, d = 0, z, lit;

	while (i < PAGE_CODEC_PAGE) {
		for (z = i; z < PAGE_CODEC_PAGE && !x[z]; z++)
			;
		if (z == PAGE_CODEC_PAGE)
			break; /* the trailing zero run is implied */
		for (lit = z; lit < PAGE_CODEC_PAGE && x[lit]; lit++)
			;
		if (d + 2 * ZRUN_VARINT_MAX + (lit - z) > cap)
			return -1;
		d += put_leb(out + d, (u32)(z - i));
		d += put_leb(out + d, (u32)(lit - z));
		memcpy(out + d, x + z, lit - z);
		d += lit - z;
		i = lit;
	}
	return (int)d;
}

/* A canonical LEB128 run length of at most PAGE_CODEC_PAGE. */
static int get_leb(const u8 **p, const u8 *end, u32 *v)
{
	u32 b0, b1;

	if (*p >= end)
		return -1;
	b0 = *(*p)++;
	if (!(b0 & 0x80)) {
		*v = b0;
		return 0;
	}
	if (*p >= end)
		return -1;
	b1 = *(*p)++;
	if ((b1 & 0x80) || !b1)
		return -1; /* longer than two bytes, or not the shortest form */
	*v = (b0 & 0x7F) | (b1 << 7);
	return *v <= PAGE_CODEC_PAGE ? 0 : -1;
}

/* Applies zero-run coded XOR bytes to page (which holds the previous copy). */
static int zrun_apply(const u8 *p, const u8 *end, u8 *page, const char **why)
{
	size_t pos = 0;
	u32 z, lit;

	while (p < end) {
		if (get_leb(&p, end, &z) || get_leb(&p, end, &lit)) {
			*why = "page xor-zrun: bad run length";
			return -EBADMSG;
		}
		if ((pos && !z) || !lit) {
			*why = "page xor-zrun: empty run";
			return -EBADMSG;
		}
		if (z + lit > PAGE_CODEC_PAGE - pos || lit > (size_t)(end - p)) {
			*why = "page xor-zrun: runs past the page or the payload";
			return -EBADMSG;
		}
		pos += z;
		for (u32 i = 0; i < lit; i++)
			page[pos + i] ^= p[i];
		pos += lit;
		p += lit;
	}
	return 0;
}

/* --- encoding --------------------------------------------------------------------- */

/* The payload of kind for page (a delta kind: w->xor already holds
 * page XOR prev) into out, at most cap bytes: its length, or -1. */
static int payload(enum page_enc kind, const u8 *page, u8 *out, size_t cap,
		   struct page_codec_work *w)
{
	const u8 *src = kind == PAGE_ENC_LZ4 ? page : w->xor;
	int n;

	if (kind == PAGE_ENC_XOR_ZRUN)
		return zrun_encode(w->xor, out, cap);
	if (cap == 0)
		return -1;
	n = LZ4_compress_fast_extState(w->lz4, (const char *)src, (char *)out, PAGE_CODEC_PAGE,
				       (int)cap, LZ4_ACCELERATION);
	return n > 0 ? n : -1;
}

/* Encodes page as kind into out when its encoding is at most limit bytes:
 * the length, or -ENOSPC. */
static int encode_kind(enum page_enc kind, const u8 *page, u8 *out, size_t limit,
		       struct page_codec_work *w)
{
	int n;

	if (kind == PAGE_ENC_ZERO) {
		out[0] = PAGE_ENC_ZERO;
		return 1;
	}
	if (kind == PAGE_ENC_RAW) {
		if (limit < PAGE_CODEC_MAX)
			return -ENOSPC;
		out[0] = PAGE_ENC_RAW;
		memcpy(out + 1, page, PAGE_CODEC_PAGE);
		return PAGE_CODEC_MAX;
	}
	if (limit <= PAGE_CODEC_HDR)
		return -ENOSPC;
	n = payload(kind, page, out + PAGE_CODEC_HDR, limit - PAGE_CODEC_HDR, w);
	if (n < 0)
		return -ENOSPC;
	out[0] = (u8)kind;
	le_put(out + 1, (u64)n, 2);
	return PAGE_CODEC_HDR + n;
}

int page_encode_as(enum page_enc kind, const u8 *page, const u8 *prev, u8 *out,
		   struct page_codec_work *w)
{
	bool delta = kind == PAGE_ENC_XOR_ZRUN || kind == PAGE_ENC_XOR_LZ4;

	if (kind >= PAGE_ENC_COUNT || (delta && !prev) ||
	    (kind == PAGE_ENC_ZERO && !page_is_zero(page)))
		return -EINVAL;
	if (delta)
		xor_pages(w->xor, page, prev);
	return encode_kind(kind, page, out, PAGE_CODEC_MAX, w);
}

/* Tries the compressed kinds, each bounded by the best so far (RAW, in
 * out to begin with); a smaller one is built in w->out and copied over. */
size_t page_encode(const u8 *page, const u8 *prev, u8 *out, struct page_codec_work *w)
{
	static const enum page_enc tries[] = { PAGE_ENC_XOR_ZRUN, PAGE_ENC_XOR_LZ4, PAGE_ENC_LZ4 };
	size_t best;
	int n;

	if (page_is_zero(page))
		return (size_t)encode_kind(PAGE_ENC_ZERO, page, out, 1, w);
	best = (size_t)encode_kind(PAGE_ENC_RAW, page, out, PAGE_CODEC_MAX, w);
	if (prev)
		xor_pages(w->xor, page, prev);
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		if (tries[i] != PAGE_ENC_LZ4 && !prev)
			continue;
		n = encode_kind(tries[i], page, w->out, best - 1, w);
		if (n > 0) {
			memcpy(out, w->out, (size_t)n);
			best = (size_t)n;
		}
	}
	return best;
}

/* --- decoding --------------------------------------------------------------------- */

/* An LZ4 block that must make exactly one page. */
static int lz4_page(const u8 *src, size_t n, u8 *dst, const char **why)
{
	if (LZ4_decompress_safe((const char *)src, (char *)dst, (int)n, PAGE_CODEC_PAGE) !=
	    PAGE_CODEC_PAGE) {
		*why = "page lz4: bad block (not exactly one page)";
		return -EBADMSG;
	}
	return 0;
}

/* The payload of a compressed kind into page. */
static int decode_payload(unsigned kind, const u8 *p, size_t n, const u8 *prev, u8 *page,
			  struct page_codec_work *w, const char **why)
{
	int err;

	if (kind == PAGE_ENC_LZ4)
		return lz4_page(p, n, page, why);
	if (!prev) {
		*why = "page delta without a previous copy";
		return -ENODATA;
	}
	if (kind == PAGE_ENC_XOR_ZRUN) {
		if (page != prev)
			memcpy(page, prev, PAGE_CODEC_PAGE);
		return zrun_apply(p, p + n, page, why);
	}
	err = lz4_page(p, n, w->xor, why);
	if (!err)
		xor_pages(page, w->xor, prev);
	return err;
}

int page_decode(const u8 *in, size_t len, const u8 *prev, u8 *page, struct page_codec_work *w,
		const char **why)
{
	size_t n;
	int err;

	*why = NULL;
	if (len < 1) {
		*why = "page encoding truncated";
		return -EBADMSG;
	}
	switch (in[0]) {
	case PAGE_ENC_ZERO:
		memset(page, 0, PAGE_CODEC_PAGE);
		return 1;
	case PAGE_ENC_RAW:
		if (len < PAGE_CODEC_MAX) {
			*why = "page raw: truncated";
			return -EBADMSG;
		}
		memcpy(page, in + 1, PAGE_CODEC_PAGE);
		return PAGE_CODEC_MAX;
	case PAGE_ENC_LZ4:
	case PAGE_ENC_XOR_ZRUN:
	case PAGE_ENC_XOR_LZ4:
		break;
	default:
		*why = "page encoding of unknown kind";
		return -EBADMSG;
	}
	if (len < PAGE_CODEC_HDR) {
		*why = "page encoding truncated";
		return -EBADMSG;
	}
	n = (size_t)le_get(in + 1, 2);
	if (n > PAGE_CODEC_PAGE) {
		*why = "page payload longer than a page";
		return -EBADMSG;
	}
	if (n > len - PAGE_CODEC_HDR) {
		*why = "page payload truncated";
		return -EBADMSG;
	}
	err = decode_payload(in[0], in + PAGE_CODEC_HDR, n, prev, page, w, why);
	return err ? err : (int)(PAGE_CODEC_HDR + n);
}
