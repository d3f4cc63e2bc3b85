/*
 * The page codec (docs/page-encoding.md): one 4 KiB guest page encoded as
 * the smallest of a zero-page marker, the raw bytes, the page compressed
 * with LZ4, or a delta against a previous copy the receiver holds (XOR,
 * then zero-run coding or LZ4). Snapshots (proto/snapshot.h) and the
 * migration and checkpoint streams carry pages in this form.
 *
 * An encoding is self-delimiting: a kind byte, then (for all but ZERO and
 * RAW) a u16 little-endian payload length, then the payload. Pure code for
 * the hypervisor and the host tools: no heap (the caller lends the work
 * memory), and the decoder takes hostile bytes: it never reads or writes
 * out of bounds and refuses with a message.
 */
#ifndef UNDERSTUDY_PROTO_PAGE_CODEC_H
#define UNDERSTUDY_PROTO_PAGE_CODEC_H

#include "types.h"

#define PAGE_CODEC_PAGE 4096
#define PAGE_CODEC_HDR 3                                /* kind, u16 length */
#define PAGE_CODEC_MAX (1 + PAGE_CODEC_PAGE)            /* RAW: the largest encoding */
#define PAGE_CODEC_LZ4_STATE 16416                      /* LZ4_stream_t of LZ4 1.9 */

/* The encodings, as the kind byte says them. */
enum page_enc {
	PAGE_ENC_ZERO = 0,     /* all bytes zero; nothing follows */
	PAGE_ENC_RAW = 1,      /* the 4096 bytes */
	PAGE_ENC_LZ4 = 2,      /* length, an LZ4 block of the page */
	PAGE_ENC_XOR_ZRUN = 3, /* length, zero-run coding of page XOR previous */
	PAGE_ENC_XOR_LZ4 = 4,  /* length, an LZ4 block of page XOR previous */
	PAGE_ENC_COUNT
};

/* Work memory the caller lends the encoder: about 28 KiB, reused from page
 * to page (one per encoding thread). */
struct page_codec_work {
	u8 lz4[PAGE_CODEC_LZ4_STATE] __attribute__((aligned(8)));
	u8 xor[PAGE_CODEC_PAGE];
	u8 out[PAGE_CODEC_MAX];   /* a candidate encoding */
};

/* Encodes page (PAGE_CODEC_PAGE bytes) into out (at least PAGE_CODEC_MAX
 * bytes) as the smallest encoding that applies: the delta kinds only when
 * prev (the copy the receiver holds) is not NULL. Returns the encoding's
 * length (1 .. PAGE_CODEC_MAX); never fails. */
size_t page_encode(const u8 *page, const u8 *prev, u8 *out, struct page_codec_work *w);

/* Encodes page as kind, for measuring each encoding on its own. Returns the
 * length, or -EINVAL when kind does not apply (ZERO of a page that is not
 * zero, a delta kind without prev) and -ENOSPC when its encoding would be
 * larger than PAGE_CODEC_MAX. */
int page_encode_as(enum page_enc kind, const u8 *page, const u8 *prev, u8 *out,
		   struct page_codec_work *w);

/* Decodes the encoding at in (at most len bytes of it) into page
 * (PAGE_CODEC_PAGE bytes), against prev for the delta kinds, with w as
 * scratch. Returns the bytes it took (the encoding's length), or -EBADMSG
 * with *why set (an unknown kind, a truncated or overlong encoding, a
 * payload that does not make exactly one page) or -ENODATA for a delta
 * without prev; page may then hold anything. page and prev may be the same
 * buffer (a delta applied in place). */
int page_decode(const u8 *in, size_t len, const u8 *prev, u8 *page, struct page_codec_work *w,
		const char **why);

/* The kind's name ("zero", "raw", "lz4", "xor-zrun", "xor-lz4"), or "?". */
const char *page_enc_name(unsigned kind);

/* Compresses len bytes at src (at most PAGE_CODEC_PAGE: an FPU register
 * area, say) into an LZ4 block at out, at most cap bytes: its length, or
 * -ENOSPC when it does not fit (incompressible bytes). */
int bytes_lz4_encode(const u8 *src, size_t len, u8 *out, size_t cap, struct page_codec_work *w);

/* Decompresses the LZ4 block at in (len bytes) into out, which it must
 * fill exactly (out_len bytes): 0, or -EBADMSG with *why set. */
int bytes_lz4_decode(const u8 *in, size_t len, u8 *out, size_t out_len, const char **why);

/* Whether the page is all zero bytes. */
bool page_is_zero(const u8 *page);

#endif
