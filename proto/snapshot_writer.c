/*
 * The snapshot writer (proto/snapshot.h): records are encoded from their
 * tables, each section goes to the sink as its header (checksum first)
 * and payload, and pages gather in the caller's scratch buffer into
 * MEMORY sections. Nothing is buffered but the one MEMORY section being
 * built, so a snapshot can stream to a log sink or a socket.
 */
#include "proto/snapshot.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

#define SEC_BODY (SNAP_SECTION_HDR_SIZE - 8) /* the section header after its checksum */
#define RECORD_MAX 640                        /* longest fixed record (VCPU) and more */

void snap_writer_init(struct snap_writer *w, snap_sink_fn sink, void *ctx, u8 *scratch,
		      size_t scratch_cap, struct page_codec_work *work)
{
	memset(w, 0, sizeof(*w));
	w->sink = sink;
	w->ctx = ctx;
	w->scratch = scratch;
	w->scratch_cap = scratch_cap < SNAP_SECTION_MAX ? scratch_cap : SNAP_SECTION_MAX;
	w->work = work;
	if (scratch_cap < SNAP_SCRATCH_MIN)
		w->error = -EINVAL;
}

static int put(struct snap_writer *w, const void *data, size_t len)
{
	int err = w->sink(w->ctx, data, len);

	if (err)
		return err;
	w->bytes += len;
	return 0;
}

/* Encodes rec from its table into out (cap bytes): the length, or -EINVAL
 * for a value the reader would refuse (nothing written then). */
static int encode_record(const struct wire_table *t, const void *rec, u8 *out, size_t cap)
{
	struct wire_sink count = { NULL, 0 }, s = { out, 0 };

	if (wire_encode(&count, t, rec, NULL) || count.n > cap)
		return -EINVAL;
	wire_encode(&s, t, rec, NULL);
	return (int)s.n;
}

/* One section: its header with the checksum over the rest of the header
 * and the payload (given in two pieces, b may be empty), then the payload;
 * the checksum joins the chain END closes. */
static int write_section(struct snap_writer *w, u16 type, bool mandatory, const void *a,
			 size_t alen, const void *b, size_t blen)
{
	struct snap_section sec = {
		.type = type,
		.flags = mandatory ? SNAP_SECTION_MANDATORY : 0,
		.version = snap_type(type)->version,
		.length = (u32)(alen + blen),
	};
	u8 hdr[SNAP_SECTION_HDR_SIZE];
	int err;

	if (alen + blen > SNAP_SECTION_MAX || encode_record(&snap_section_table, &sec, hdr + 8,
							    SEC_BODY) != SEC_BODY)
		return -EINVAL;
	hash64_begin(&w->hash, 0);
	hash64_add(&w->hash, hdr + 8, SEC_BODY);
	hash64_add(&w->hash, a, alen);
	if (blen)
		hash64_add(&w->hash, b, blen);
	le_put(hdr, hash64_end(&w->hash), 8);
	err = put(w, hdr, sizeof(hdr));
	if (!err)
		err = put(w, a, alen);
	if (!err && blen)
		err = put(w, b, blen);
	if (err)
		return err;
	if (type != SNAP_END) {
		w->end.chain = hash64(hdr, 8, w->end.chain);
		w->end.sections++;
	}
	return 0;
}

/* The MEMORY section being built, written out. */
static int flush_memory(struct snap_writer *w)
{
	int err;

	if (!w->mem_len)
		return 0;
	encode_record(&snap_memory_table, &w->mem, w->scratch, SNAP_MEMORY_PREFIX);
	err = write_section(w, SNAP_MEMORY, true, w->scratch, w->mem_len, NULL, 0);
	w->end.pages += w->mem.count;
	w->mem_len = 0;
	return err;
}

/* Every call goes through here: a writer stops at its first failure to
 * write (not at a record it refused), and nothing but the header comes
 * first or anything after END. */
static int ready(struct snap_writer *w, bool header)
{
	if (w->error)
		return w->error;
	if (w->ended || header == w->header_done)
		return -EBUSY;
	return 0;
}

static int done(struct snap_writer *w, int err)
{
	if (err)
		w->error = err;
	return err;
}

int snap_write_header(struct snap_writer *w, const struct snap_header *h)
{
	u8 out[SNAP_HEADER_SIZE];
	int err = ready(w, true);

	if (err)
		return err;
	memcpy(out, SNAP_MAGIC, SNAP_MAGIC_SIZE);
	le_put(out + 8, SNAP_VERSION, 2);
	le_put(out + 10, SNAP_HEADER_SIZE, 2);
	if (h->ram_size % SNAP_PAGE_SIZE ||
	    encode_record(&snap_header_table, h, out + 12, SNAP_HEADER_SIZE - 20) !=
		    SNAP_HEADER_SIZE - 20)
		return done(w, -EINVAL);
	le_put(out + SNAP_HEADER_SIZE - 8, hash64(out, SNAP_HEADER_SIZE - 8, 0), 8);
	w->ram_pages = h->ram_size / SNAP_PAGE_SIZE;
	w->header_done = true;
	return done(w, put(w, out, sizeof(out)));
}

/* A section holding one fixed record. */
static int write_record(struct snap_writer *w, u16 type, const void *rec)
{
	u8 out[RECORD_MAX];
	int n, err = ready(w, false);

	if (err)
		return err;
	err = flush_memory(w);
	if (err)
		return done(w, err);
	n = encode_record(snap_type(type)->table, rec, out, sizeof(out));
	if (n < 0)
		return n; /* a bad record: refused, the writer goes on */
	return done(w, write_section(w, type, true, out, (size_t)n, NULL, 0));
}

int snap_write_vcpu(struct snap_writer *w, const struct snap_vcpu *v)
{
	return write_record(w, SNAP_VCPU, v);
}

int snap_write_rr(struct snap_writer *w, const struct snap_rr *rr)
{
	return write_record(w, SNAP_RR, rr);
}

int snap_write_device(struct snap_writer *w, const struct snap_device *d, bool mandatory)
{
	u8 out[SNAP_DEVICE_NAME + 4];
	int n, err = ready(w, false);

	if (err)
		return err;
	err = flush_memory(w);
	if (err)
		return done(w, err);
	n = encode_record(&snap_device_table, d, out, sizeof(out));
	if (n < 0 || !d->name[0] || d->len > SNAP_SECTION_MAX - sizeof(out))
		return -EINVAL;
	return done(w, write_section(w, SNAP_DEVICE, mandatory, out, (size_t)n, d->state, d->len));
}

int snap_write_page(struct snap_writer *w, u64 pfn, const u8 *page)
{
	return snap_write_page_against(w, pfn, page, NULL);
}

int snap_write_page_against(struct snap_writer *w, u64 pfn, const u8 *page, const u8 *prev)
{
	struct wire_sink s;
	int err = ready(w, false);

	if (err)
		return err;
	if (pfn < w->next_page || pfn >= w->ram_pages)
		return -EINVAL;
	w->next_page = pfn + 1;
	if (!w->write_zero && page_is_zero(page)) {
		w->zero_pages++;
		return 0;
	}
	if (w->mem_len && w->scratch_cap - w->mem_len < SNAP_MEMORY_RECORD_MAX) {
		err = flush_memory(w);
		if (err)
			return done(w, err);
	}
	if (!w->mem_len) {
		w->mem = (struct snap_memory){ .base_page = pfn, .count = 0 };
		w->mem_next = pfn;
		w->mem_len = SNAP_MEMORY_PREFIX;
	}
	s = (struct wire_sink){ w->scratch + w->mem_len, 0 };
	wire_put_varint(&s, pfn - w->mem_next);
	s.n += page_encode(page, prev, s.p + s.n, w->work);
	w->mem_len += s.n;
	w->mem_next = pfn + 1;
	w->mem.count++;
	return 0;
}

int snap_write_end(struct snap_writer *w)
{
	u8 out[32];
	int n, err = ready(w, false);

	if (err)
		return err;
	err = flush_memory(w);
	if (err)
		return done(w, err);
	n = encode_record(&snap_end_table, &w->end, out, sizeof(out));
	err = write_section(w, SNAP_END, true, out, (size_t)n, NULL, 0);
	w->ended = true;
	return done(w, err);
}

int snap_buf_sink(void *ctx, const void *data, size_t len)
{
	struct snap_buf *b = ctx;

	if (len > b->cap - b->len)
		return -ENOSPC;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}
