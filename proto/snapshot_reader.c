/*
 * The snapshot reader (proto/snapshot.h): one pass walks the header and
 * every section, checking bounds, checksums, types, versions, records and
 * pages against their tables; snap_verify is that pass, snap_apply runs it
 * once to verify and once more to hand the parts out, so a snapshot that
 * fails anywhere is never half applied. Refusals name the section, its
 * type and its byte offset.
 */
#include "proto/snapshot.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

#define SEC_BODY (SNAP_SECTION_HDR_SIZE - 8)

/* --- refusal text: "section <i> (<TYPE>) at offset <off>: <why>" ------------------ */

static void msg_str(struct snap_reader *r, const char *s)
{
	size_t n = strnlen(r->msg, sizeof(r->msg));

	while (*s && n + 1 < sizeof(r->msg))
		r->msg[n++] = *s++;
	r->msg[n] = '\0';
}

static void msg_num(struct snap_reader *r, u64 v, bool hex)
{
	char digits[24];
	unsigned n = 0, base = hex ? 16 : 10;
	char out[26];
	size_t k = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (hex) {
		out[k++] = '0';
		out[k++] = 'x';
	}
	while (n)
		out[k++] = digits[--n];
	out[k] = '\0';
	msg_str(r, out);
}

/* A refusal about the header or the snapshot as a whole. */
static int refuse(struct snap_reader *r, int err, const char *why)
{
	r->msg[0] = '\0';
	msg_str(r, why);
	return err;
}

/* Where a section is: the start of a refusal about it. */
struct where {
	u32 index;
	size_t off;
	u16 type;
};

static int refuse_at(struct snap_reader *r, const struct where *at, int err, const char *why)
{
	r->msg[0] = '\0';
	msg_str(r, "section ");
	msg_num(r, at->index, false);
	msg_str(r, " (");
	msg_str(r, snap_type_name(at->type));
	msg_str(r, ") at offset ");
	msg_num(r, at->off, false);
	msg_str(r, ": ");
	msg_str(r, why);
	return err;
}

/* --- the header -------------------------------------------------------------------- */

static int identity_field(struct snap_reader *r, const char *name, u64 got, u64 want)
{
	if (got == want)
		return 0;
	refuse(r, -EPERM, "snapshot of another guest: ");
	msg_str(r, name);
	msg_str(r, " ");
	msg_num(r, got, true);
	msg_str(r, ", this guest's ");
	msg_num(r, want, true);
	return -EPERM;
}

static int check_identity(struct snap_reader *r, const struct snap_identity *e)
{
	int err = identity_field(r, "kernel_hash", r->hdr.kernel_hash, e->kernel_hash);

	if (!err)
		err = identity_field(r, "modules_hash", r->hdr.modules_hash, e->modules_hash);
	if (!err)
		err = identity_field(r, "cmdline_hash", r->hdr.cmdline_hash, e->cmdline_hash);
	if (!err)
		err = identity_field(r, "ram_size", r->hdr.ram_size, e->ram_size);
	return err;
}

/* Magic, version, length, checksum, then the fields: the header's length. */
static int read_header(struct snap_reader *r)
{
	struct wire_src c = { r->data + 12, NULL, NULL, "header truncated", NULL };
	u64 hlen;

	if (r->size < 12)
		return refuse(r, -EINVAL, "header truncated");
	if (memcmp(r->data, SNAP_MAGIC, SNAP_MAGIC_SIZE))
		return refuse(r, -EBADMSG, "not a snapshot (bad magic)");
	if (le_get(r->data + 8, 2) != SNAP_VERSION) {
		refuse(r, -ENOTSUP, "snapshot format version ");
		msg_num(r, le_get(r->data + 8, 2), false);
		msg_str(r, " not supported (this reader knows 1)");
		return -ENOTSUP;
	}
	hlen = le_get(r->data + 10, 2);
	if (hlen < SNAP_HEADER_SIZE)
		return refuse(r, -EBADMSG, "header length less than 104");
	if (r->size < hlen)
		return refuse(r, -EINVAL, "header truncated");
	if (le_get(r->data + hlen - 8, 8) != hash64(r->data, hlen - 8, 0))
		return refuse(r, -EBADMSG, "header checksum mismatch");
	c.end = r->data + hlen - 8;
	if (wire_decode(&c, &snap_header_table, &r->hdr, NULL))
		return refuse(r, -EBADMSG, c.error);
	if (r->hdr.ram_size % SNAP_PAGE_SIZE)
		return refuse(r, -EBADMSG, "ram_size is not a whole number of pages");
	return (int)hlen;
}

/* --- sections ---------------------------------------------------------------------- */

/* A fixed record that must fill the payload exactly. */
static int read_record(struct snap_reader *r, const struct where *at, const struct wire_table *t,
		       const u8 *p, size_t len, void *rec, bool whole)
{
	struct wire_src c = { p, p + len, NULL, "record truncated", NULL };

	if (wire_decode(&c, t, rec, NULL))
		return refuse_at(r, at, -EBADMSG, c.error);
	if (whole && c.p != c.end)
		return refuse_at(r, at, -EBADMSG, "bytes after the record");
	return (int)(c.p - p);
}

/* The pages of a MEMORY section, decoded one by one. */
static int read_memory(struct snap_reader *r, const struct where *at, const u8 *p, size_t len,
		       const struct snap_ops *ops, void *ctx)
{
	struct snap_memory m;
	struct wire_src c = { p, p + len, NULL, "page record truncated", NULL };
	u64 next, delta, pfn;
	const char *why;
	int n, err;

	n = read_record(r, at, &snap_memory_table, p, len, &m, false);
	if (n < 0)
		return n;
	c.p += n;
	if (m.base_page < r->next_page)
		return refuse_at(r, at, -EBADMSG, "pages out of order (base_page before the last page)");
	for (next = m.base_page; m.count--; next = pfn + 1) {
		if (wire_get_varint(&c, &delta))
			return refuse_at(r, at, -EBADMSG, c.error);
		pfn = next + delta;
		if (pfn < next || pfn >= r->hdr.ram_size / SNAP_PAGE_SIZE)
			return refuse_at(r, at, -EBADMSG, "page number past the end of RAM");
		n = page_decode(c.p, (size_t)(c.end - c.p), ops && ops->prev ? ops->prev(ctx, pfn) : NULL,
				r->page, r->work, &why);
		if (n == -ENODATA)
			return refuse_at(r, at, -EBADMSG, "a page encoded as a delta against a copy "
					 "this reader does not hold");
		if (n < 0)
			return refuse_at(r, at, -EBADMSG, why);
		if (ops && ops->page && (err = ops->page(ctx, pfn, r->page, c.p[0], (size_t)n)))
			return err;
		c.p += n;
		r->totals.pages++;
	}
	if (c.p != c.end)
		return refuse_at(r, at, -EBADMSG, "bytes after the last page");
	r->next_page = next;
	return 0;
}

/* The payload of a section of a type this reader knows. */
static int read_payload(struct snap_reader *r, const struct where *at, const u8 *p, size_t len,
			const struct snap_ops *ops, void *ctx)
{
	union {
		struct snap_vcpu vcpu;
		struct snap_rr rr;
		struct snap_device dev;
		struct snap_end end;
	} u;
	int n;

	memset(&u, 0, sizeof(u));
	switch (at->type) {
	case SNAP_VCPU:
		n = read_record(r, at, &snap_vcpu_table, p, len, &u.vcpu, true);
		r->vcpus++;
		return n < 0 ? n : ops && ops->vcpu ? ops->vcpu(ctx, &u.vcpu) : 0;
	case SNAP_RR:
		n = read_record(r, at, &snap_rr_table, p, len, &u.rr, true);
		if (n >= 0 && r->rrs++)
			return refuse_at(r, at, -EBADMSG, "a second RR section");
		return n < 0 ? n : ops && ops->rr ? ops->rr(ctx, &u.rr) : 0;
	case SNAP_DEVICE:
		n = read_record(r, at, &snap_device_table, p, len, &u.dev, false);
		if (n < 0)
			return n;
		if (!u.dev.name[0])
			return refuse_at(r, at, -EBADMSG, "device without a name");
		u.dev.state = p + n;
		u.dev.len = (u32)(len - (size_t)n);
		return ops && ops->device ? ops->device(ctx, &u.dev) : 0;
	case SNAP_MEMORY:
		return read_memory(r, at, p, len, ops, ctx);
	}
	return 0;
}

/* END: what came before must be what it says, and nothing after it. */
static int read_end(struct snap_reader *r, const struct where *at, const u8 *p, size_t len,
		    bool last, const struct snap_ops *ops, void *ctx)
{
	struct snap_end e;
	int n = read_record(r, at, &snap_end_table, p, len, &e, true);

	if (n < 0)
		return n;
	if (e.sections != r->totals.sections || e.pages != r->totals.pages ||
	    e.chain != r->totals.chain)
		return refuse_at(r, at, -EBADMSG,
				 "sections missing or out of order (END's count, pages or chain differ)");
	if (!last)
		return refuse_at(r, at, -EBADMSG, "bytes after END");
	if (!r->vcpus)
		return refuse_at(r, at, -EBADMSG, "no VCPU section");
	if (r->rrs != 1)
		return refuse_at(r, at, -EBADMSG, "no RR section");
	return ops && ops->end ? ops->end(ctx, &e) : 0;
}

/* One section at off: its header, bounds, checksum, type and version. Sets
 * *next to the offset after it and *is_end. */
static int read_section(struct snap_reader *r, size_t off, size_t *next, bool *is_end,
			const struct snap_ops *ops, void *ctx)
{
	struct where at = { r->totals.sections, off, 0 };
	struct snap_section s;
	const struct snap_type_info *t;
	const u8 *p = r->data + off;
	int err;

	if (r->size - off < SNAP_SECTION_HDR_SIZE)
		return refuse_at(r, &at, -EINVAL, "truncated (section header cut short)");
	at.type = (u16)le_get(p + 8, 2); /* named in a refusal of the header's fields */
	if (read_record(r, &at, &snap_section_table, p + 8, SEC_BODY, &s, true) < 0)
		return -EBADMSG; /* the length's limit, named in r->msg */
	if (r->size - off - SNAP_SECTION_HDR_SIZE < s.length)
		return refuse_at(r, &at, -EINVAL, "truncated (payload cut short)");
	s.checksum = le_get(p, 8);
	if (s.checksum != hash64(p + 8, SEC_BODY + s.length, 0))
		return refuse_at(r, &at, -EBADMSG, "checksum mismatch");
	t = snap_type(s.type);
	*next = off + SNAP_SECTION_HDR_SIZE + s.length;
	*is_end = t && s.type == SNAP_END;
	if (ops && ops->section && (err = ops->section(ctx, off, &s, snap_type_name(s.type),
						       t && t->version == s.version)))
		return err;
	if (!t || t->version != s.version) {
		/* END is never optional: one this reader cannot check would end
		 * the snapshot without its counts, chain and trailing-bytes checks */
		if ((s.flags & SNAP_SECTION_MANDATORY) || *is_end)
			return refuse_at(r, &at, -ENOTSUP, t ? "mandatory section of a version this reader does not know"
							     : "unknown mandatory section");
		err = 0; /* an optional section this reader does not know: skipped */
	} else if (*is_end) {
		return read_end(r, &at, p + SNAP_SECTION_HDR_SIZE, s.length, *next == r->size, ops,
				ctx);
	} else {
		err = read_payload(r, &at, p + SNAP_SECTION_HDR_SIZE, s.length, ops, ctx);
	}
	r->totals.chain = hash64(p, 8, r->totals.chain);
	r->totals.sections++;
	return err;
}

int snap_read_header(struct snap_reader *r, const u8 *data, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->size = size;
	return read_header(r);
}

int snap_verify(struct snap_reader *r, const u8 *data, size_t size,
		const struct snap_identity *expect, const struct snap_ops *ops, void *ctx,
		struct page_codec_work *work)
{
	size_t off, next = 0;
	bool is_end = false;
	int n, err;

	memset(r, 0, sizeof(*r));
	r->data = data;
	r->size = size;
	r->work = work;
	n = read_header(r);
	if (n < 0)
		return n;
	if (expect && (err = check_identity(r, expect)))
		return err;
	if (ops && ops->header && (err = ops->header(ctx, &r->hdr)))
		return err;
	for (off = (size_t)n; !is_end; off = next) {
		if (off == size) {
			refuse(r, -EINVAL, "truncated: no END section after section ");
			msg_num(r, r->totals.sections, false);
			return -EINVAL;
		}
		err = read_section(r, off, &next, &is_end, ops, ctx);
		if (err)
			return err;
	}
	return 0;
}

int snap_apply(struct snap_reader *r, const u8 *data, size_t size,
	       const struct snap_identity *expect, const struct snap_ops *ops, void *ctx,
	       struct page_codec_work *work)
{
	const struct snap_ops check = { .prev = ops->prev }; /* delta pages are checked too */
	int err = snap_verify(r, data, size, expect, &check, ctx, work);

	if (err)
		return err;
	if (ops->ram_clear && (err = ops->ram_clear(ctx)))
		return err;
	return snap_verify(r, data, size, expect, ops, ctx, work);
}
