/*
 * hvlog snapshot: prints a snapshot's header and sections (their records
 * field by field from the format's own tables, proto/snapshot_types.c)
 * and verifies the whole of it with the hypervisor's reader; the exit
 * status says whether it verified (docs/snapshot-format.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "hvlog.h"
#include "proto/snapshot.h"

/* What the pass over a MEMORY section counts for its line. */
struct snap_print {
	bool in_memory;
	u64 pages, enc_pages[PAGE_ENC_COUNT], enc_bytes[PAGE_ENC_COUNT];
	u64 total_pages, total_bytes;
};

/* One field as name=value (an array: name.element=value each). */
static void print_field(const struct wire_field *f, const void *rec)
{
	for (unsigned i = 0; i < wire_elems(f); i++) {
		u64 v = wire_get(rec, f, i);

		if (f->n && f->names)
			printf(" %s.%s=", f->name, f->names[i]);
		else if (f->n)
			printf(" %s.%u=", f->name, i);
		else
			printf(" %s=", f->name);
		if (f->fmt == WIRE_HEX)
			printf("0x%" PRIx64, (uint64_t)v);
		else
			printf("%" PRIu64, (uint64_t)v);
	}
}

/* A record's named fields from its table, on the current line. */
static void print_record(const struct wire_table *t, const void *rec)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct wire_field *f = &t->fields[i];

		if (!f->name || f->kind == WIRE_PAD)
			continue;
		if (f->kind == WIRE_STR)
			printf(" %s=%s", f->name, (const char *)rec + f->off);
		else
			print_field(f, rec);
	}
	printf("\n");
}

static void end_memory(struct snap_print *p)
{
	if (!p->in_memory)
		return;
	printf("  pages=%" PRIu64, (uint64_t)p->pages);
	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++)
		if (p->enc_pages[k])
			printf(" %s=%" PRIu64 "/%" PRIu64 "B", page_enc_name(k),
			       (uint64_t)p->enc_pages[k], (uint64_t)p->enc_bytes[k]);
	printf("\n");
	p->in_memory = false;
}

static int on_header(void *ctx __unused, const struct snap_header *h)
{
	printf("header magic=%s version=%d", SNAP_MAGIC, SNAP_VERSION);
	print_record(&snap_header_table, h);
	return 0;
}

static int on_section(void *ctx, size_t off, const struct snap_section *s, const char *name,
		      bool known)
{
	struct snap_print *p = ctx;

	end_memory(p);
	printf("section %s offset=%zu version=%u flags=0x%x%s length=%u checksum=0x%016" PRIx64
	       "%s\n", name, off, s->version, s->flags,
	       (s->flags & SNAP_SECTION_MANDATORY) ? " (mandatory)" : "", s->length,
	       (uint64_t)s->checksum, known ? "" : " (not known to this reader)");
	p->in_memory = known && s->type == SNAP_MEMORY;
	p->pages = 0;
	memset(p->enc_pages, 0, sizeof(p->enc_pages));
	memset(p->enc_bytes, 0, sizeof(p->enc_bytes));
	return 0;
}

static int on_vcpu(void *ctx __unused, const struct snap_vcpu *v)
{
	printf(" ");
	print_record(&snap_vcpu_table, v);
	return 0;
}

static int on_device(void *ctx __unused, const struct snap_device *d)
{
	printf(" ");
	print_record(&snap_device_table, d);
	printf("  state=%u bytes\n", d->len);
	return 0;
}

static int on_rr(void *ctx __unused, const struct snap_rr *rr)
{
	printf(" ");
	print_record(&snap_rr_table, rr);
	return 0;
}

static int on_page(void *ctx, u64 pfn __unused, const u8 *page __unused, unsigned enc, size_t len)
{
	struct snap_print *p = ctx;

	p->pages++;
	p->total_pages++;
	p->total_bytes += len;
	if (enc < PAGE_ENC_COUNT) {
		p->enc_pages[enc]++;
		p->enc_bytes[enc] += len;
	}
	return 0;
}

static int on_end(void *ctx __unused, const struct snap_end *e)
{
	printf(" ");
	print_record(&snap_end_table, e);
	return 0;
}

static const struct snap_ops print_ops = {
	.header = on_header, .section = on_section, .vcpu = on_vcpu, .device = on_device,
	.rr = on_rr, .page = on_page, .end = on_end,
};

/* The whole file in memory; NULL with a message on stderr. */
static u8 *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *data = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(data = malloc((size_t)n + 1)) || fread(data, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "hvlog: %s: cannot read\n", path);
		free(data);
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return data;
}

int cmd_snapshot(const char *path)
{
	static struct page_codec_work work;
	static struct snap_reader r;
	struct snap_print p = { 0 };
	size_t size;
	u8 *data = read_file(path, &size);
	int err;

	if (!data)
		return EXIT_REFUSED;
	err = snap_verify(&r, data, size, NULL, &print_ops, &p, &work);
	end_memory(&p);
	free(data);
	fflush(stdout);
	if (err) {
		fprintf(stderr, "hvlog: %s: snapshot refused: %s\n", path, r.msg);
		return EXIT_REFUSED;
	}
	printf("verified: %" PRIu64 " sections, %" PRIu64 " pages in %" PRIu64
	       " bytes (RAM %" PRIu64 " bytes), %zu bytes in all\n",
	       (uint64_t)r.totals.sections, (uint64_t)p.total_pages, (uint64_t)p.total_bytes,
	       (uint64_t)r.hdr.ram_size, size);
	return EXIT_OK;
}
