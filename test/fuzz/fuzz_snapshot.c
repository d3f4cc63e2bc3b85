// sources: proto/snapshot_types.c proto/snapshot_xsave.c proto/snapshot_cpuid.c proto/snapshot_writer.c proto/snapshot_reader.c proto/page_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
// uses: lz4
/*
 * Fuzzes the snapshot reader on whole snapshots. A snapshot is refused
 * with a message or verified; one that verifies is written again with the
 * writer from what the reader handed out (header, VCPU, DEVICE and RR
 * records in their order, then RAM page by page) and must verify again to
 * the same records, the same RAM and its values within their fields'
 * limits (the writer refuses what the reader would). snap_apply must hand
 * out nothing from a snapshot that does not verify. A DEVICE "xsave"'s
 * or "cpuid"'s state that decodes (proto/snapshot_xsave.c,
 * proto/snapshot_cpuid.c) encodes back to its bytes.
 *
 * Each input also runs with its header checksum, section checksums and
 * END (count, pages, chain) repaired, so that mutations reach the records
 * and pages instead of stopping at a checksum.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"
#include "proto/snapshot.h"
#include "proto/snapshot_cpuid.h"
#include "proto/snapshot_xsave.h"

#define RAM_MAX (256 * SNAP_PAGE_SIZE) /* round trips for RAM up to this */
#define PARTS_MAX 64

struct part {
	u16 type;
	struct snap_vcpu vcpu;
	struct snap_rr rr;
	struct snap_device dev;
};

static struct state {
	struct snap_header hdr;
	struct part parts[PARTS_MAX];
	unsigned nparts;
	bool too_many;
	u8 ram[RAM_MAX];
	bool ram_fits;
	unsigned calls;
} a, b;

static struct page_codec_work work;
static struct snap_reader reader;
static u8 scratch[SNAP_SCRATCH_MIN + 3 * SNAP_MEMORY_RECORD_MAX];
static u8 out[RAM_MAX + 64 * 1024 + PARTS_MAX * 1024];

static struct part *add(struct state *s, u16 type)
{
	s->calls++;
	if (s->nparts == PARTS_MAX) {
		s->too_many = true;
		return NULL;
	}
	s->parts[s->nparts].type = type;
	return &s->parts[s->nparts++];
}

static int on_header(void *ctx, const struct snap_header *h)
{
	struct state *s = ctx;

	s->calls++;
	s->hdr = *h;
	s->ram_fits = h->ram_size <= RAM_MAX;
	memset(s->ram, 0, sizeof(s->ram));
	return 0;
}

static int on_vcpu(void *ctx, const struct snap_vcpu *v)
{
	struct part *p = add(ctx, SNAP_VCPU);

	if (p)
		p->vcpu = *v;
	return 0;
}

static int on_rr(void *ctx, const struct snap_rr *rr)
{
	struct part *p = add(ctx, SNAP_RR);

	if (p)
		p->rr = *rr;
	return 0;
}

/* The "xsave" state, decoded, encodes to the same bytes. */
static void xsave_round_trip(const struct snap_device *d)
{
	struct snap_xsave x;
	u8 again[SNAP_XSAVE_MAX];
	const char *why = NULL;

	if (strcmp(d->name, SNAP_XSAVE_NAME))
		return;
	if (snap_xsave_decode(&x, d->state, d->len, &why)) {
		if (!why)
			abort(); /* a refusal says why */
		return;
	}
	if (snap_xsave_encode(&x, again, sizeof(again)) != d->len || memcmp(again, d->state, d->len))
		abort();
}

/* The "cpuid" table, decoded, encodes to the same bytes. */
static void cpuid_round_trip(const struct snap_device *d)
{
	static struct snap_cpuid t;
	static u8 again[SNAP_CPUID_SIZE(SNAP_CPUID_MAX)];
	const char *why = NULL;

	if (strcmp(d->name, SNAP_CPUID_NAME))
		return;
	if (snap_cpuid_decode(&t, d->state, d->len, &why)) {
		if (!why)
			abort(); /* a refusal says why */
		return;
	}
	if (snap_cpuid_encode(&t, again, sizeof(again)) != d->len || memcmp(again, d->state, d->len))
		abort();
}

static int on_device(void *ctx, const struct snap_device *d)
{
	struct part *p = add(ctx, SNAP_DEVICE);

	xsave_round_trip(d);
	cpuid_round_trip(d);
	if (p)
		p->dev = *d; /* its state points into the input */
	return 0;
}

static int on_page(void *ctx, u64 pfn, const u8 *page, unsigned enc, size_t len)
{
	struct state *s = ctx;

	s->calls++;
	if (enc > PAGE_ENC_LZ4 || len < 1)
		abort(); /* a snapshot page has no previous copy to be a delta of */
	if (s->ram_fits)
		memcpy(s->ram + pfn * SNAP_PAGE_SIZE, page, SNAP_PAGE_SIZE);
	return 0;
}

static const struct snap_ops ops = {
	.header = on_header, .vcpu = on_vcpu, .device = on_device, .rr = on_rr, .page = on_page,
};

/* Values within their fields' limits, as the tables give them. */
static void check_limits(const struct wire_table *t, const void *rec)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct wire_field *f = &t->fields[i];

		if (f->kind != WIRE_LE)
			continue;
		for (unsigned e = 0; e < wire_elems(f); e++)
			if (wire_get(rec, f, e) > wire_limit(f))
				abort();
	}
}

/* Writes what a holds as a snapshot into out: its length. */
static size_t rewrite(void)
{
	struct snap_buf buf = { out, sizeof(out), 0 };
	struct snap_writer w;
	int err;

	snap_writer_init(&w, snap_buf_sink, &buf, scratch, sizeof(scratch), &work);
	err = snap_write_header(&w, &a.hdr);
	for (unsigned i = 0; i < a.nparts && !err; i++) {
		const struct part *p = &a.parts[i];

		if (p->type == SNAP_VCPU) {
			check_limits(&snap_vcpu_table, &p->vcpu);
			err = snap_write_vcpu(&w, &p->vcpu);
		} else if (p->type == SNAP_RR) {
			err = snap_write_rr(&w, &p->rr);
		} else {
			err = snap_write_device(&w, &p->dev, true);
		}
	}
	for (u64 pg = 0; pg < a.hdr.ram_size / SNAP_PAGE_SIZE && !err; pg++)
		err = snap_write_page(&w, pg, a.ram + pg * SNAP_PAGE_SIZE);
	if (!err)
		err = snap_write_end(&w);
	if (err)
		abort(); /* the writer refused what the reader took */
	return buf.len;
}

static bool same_part(const struct part *x, const struct part *y)
{
	if (x->type != y->type)
		return false;
	if (x->type == SNAP_VCPU)
		return wire_same(&snap_vcpu_table, &x->vcpu, &y->vcpu);
	if (x->type == SNAP_RR)
		return wire_same(&snap_rr_table, &x->rr, &y->rr);
	return wire_same(&snap_device_table, &x->dev, &y->dev) && x->dev.len == y->dev.len &&
	       !memcmp(x->dev.state, y->dev.state, x->dev.len);
}

static void check(const u8 *data, size_t size)
{
	int err;

	memset(&a, 0, offsetof(struct state, ram));
	err = snap_verify(&reader, data, size, NULL, &ops, &a, &work);
	if (err) {
		if (!reader.msg[0])
			abort();
		a.calls = 0;
		if (snap_apply(&reader, data, size, NULL, &ops, &a, &work) != err || a.calls)
			abort(); /* handed out parts of a snapshot that does not verify */
		return;
	}
	if (!a.ram_fits || a.too_many)
		return;
	size = rewrite();
	memset(&b, 0, offsetof(struct state, ram));
	if (snap_verify(&reader, out, size, NULL, &ops, &b, &work) || b.nparts != a.nparts ||
	    memcmp(a.ram, b.ram, a.hdr.ram_size) ||
	    !wire_same(&snap_header_table, &a.hdr, &b.hdr))
		abort();
	for (unsigned i = 0; i < a.nparts; i++)
		if (!same_part(&a.parts[i], &b.parts[i]))
			abort();
}

/* Checksums, END's count, pages and chain made right again. */
static void repair(u8 *d, size_t size)
{
	u64 hlen, len, chain = 0, pages = 0;
	u32 sections = 0;
	size_t off;

	if (size < SNAP_HEADER_SIZE)
		return;
	hlen = le_get(d + 10, 2);
	if (hlen < SNAP_HEADER_SIZE || hlen > size)
		return;
	le_put(d + hlen - 8, hash64(d, hlen - 8, 0), 8);
	for (off = hlen; size - off >= SNAP_SECTION_HDR_SIZE; off += SNAP_SECTION_HDR_SIZE + len) {
		u8 *s = d + off;

		len = le_get(s + 16, 4);
		if (len > size - off - SNAP_SECTION_HDR_SIZE)
			return;
		if (le_get(s + 8, 2) == SNAP_MEMORY && len >= SNAP_MEMORY_PREFIX)
			pages += le_get(s + SNAP_SECTION_HDR_SIZE + 8, 4);
		if (le_get(s + 8, 2) == SNAP_END && len >= 20) {
			le_put(s + SNAP_SECTION_HDR_SIZE, sections, 4);
			le_put(s + SNAP_SECTION_HDR_SIZE + 4, pages, 8);
			le_put(s + SNAP_SECTION_HDR_SIZE + 12, chain, 8);
		}
		le_put(s, hash64(s + 8, 12 + len, 0), 8);
		chain = hash64(s, 8, chain);
		sections++;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */

	memcpy(copy, data, size);
	check(copy, size);
	repair(copy, size);
	check(copy, size);
	free(copy);
	return 0;
}
