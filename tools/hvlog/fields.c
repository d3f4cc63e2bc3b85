/* The fields of every entry type and of the header, by name: one table
 * drives print, assemble and compare, so the three cannot disagree. */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "hvlog.h"

#define MEMBER_SIZE(type, m) sizeof(((type *)0)->m)
#define E(name, fmt, m) { name, fmt, offsetof(struct rrlog_entry, m), \
			  MEMBER_SIZE(struct rrlog_entry, m) }
#define H(name, fmt, m) { name, fmt, offsetof(struct rrlog_header, m), \
			  MEMBER_SIZE(struct rrlog_header, m) }
#define REG(name, n) E(name, FMT_HEX, digest.regs[n])

static const struct field f_rdtsc[] = { E("tsc", FMT_HEX, tsc) };
static const struct field f_rdtscp[] = {
	E("tsc", FMT_HEX, rdtscp.tsc), E("aux", FMT_HEX, rdtscp.aux),
};
static const struct field f_rand[] = {
	E("size", FMT_DEC, rand.size), E("cf", FMT_DEC, rand.cf), E("value", FMT_HEX, rand.value),
};
static const struct field f_clock[] = { E("ns", FMT_DEC, clock_ns) };
static const struct field f_io_in[] = {
	E("port", FMT_HEX, io.port), E("size", FMT_DEC, io.size), E("value", FMT_HEX, io.value),
};
static const struct field f_interrupt[] = { E("vector", FMT_HEX, vector) };
static const struct field f_digest[] = {
	REG("rip", 0), REG("rflags", 1),
	REG("rax", 2), REG("rcx", 3), REG("rdx", 4), REG("rbx", 5),
	REG("rsp", 6), REG("rbp", 7), REG("rsi", 8), REG("rdi", 9),
	REG("r8", 10), REG("r9", 11), REG("r10", 12), REG("r11", 13),
	REG("r12", 14), REG("r13", 15), REG("r14", 16), REG("r15", 17),
	REG("cr0", 18), REG("cr3", 19), REG("cr4", 20), REG("efer", 21),
	E("memory", FMT_HEX, digest.memory_hash), E("pages", FMT_DEC, digest.pages),
};
static const struct field f_end[] = { E("how", FMT_DEC, end.how), E("code", FMT_DEC, end.code) };
static const struct field f_mmio_in[] = {
	E("gpa", FMT_HEX, mmio.gpa), E("size", FMT_DEC, mmio.size), E("value", FMT_HEX, mmio.value),
};
static const struct field f_serial_in[] = { E("byte", FMT_HEX, byte) };
static const struct field f_cpuid[] = {
	E("leaf", FMT_HEX, cpuid.leaf), E("subleaf", FMT_HEX, cpuid.subleaf),
	E("eax", FMT_HEX, cpuid.eax), E("ebx", FMT_HEX, cpuid.ebx),
	E("ecx", FMT_HEX, cpuid.ecx), E("edx", FMT_HEX, cpuid.edx),
};
static const struct field f_t_exit[] = {
	E("reason", FMT_DEC, t_exit.reason), E("code", FMT_HEX, t_exit.raw),
};
static const struct field f_t_io[] = {
	E("in", FMT_DEC, t_io.in), E("port", FMT_HEX, t_io.port),
	E("size", FMT_DEC, t_io.size), E("value", FMT_HEX, t_io.value),
};
static const struct field f_t_pt_write[] = { E("gpa", FMT_HEX, t_pt_gpa) };
static const struct field f_t_insn[] = { E("len", FMT_DEC, t_insn.len) };

_Static_assert(RR_REG_EFER == 21 && RRLOG_DIGEST_REGS == 22, "digest register names");

#define TABLE(t, a) [t] = { a, sizeof(a) / sizeof(a[0]) }

static const struct {
	const struct field *fields;
	size_t count;
} tables[] = {
	TABLE(RR_RDTSC, f_rdtsc), TABLE(RR_RDTSCP, f_rdtscp), TABLE(RR_RDRAND, f_rand),
	TABLE(RR_RDSEED, f_rand), TABLE(RR_CLOCK, f_clock), TABLE(RR_IO_IN, f_io_in),
	TABLE(RR_INTERRUPT, f_interrupt), TABLE(RR_DIGEST, f_digest), TABLE(RR_END, f_end),
	TABLE(RR_MMIO_IN, f_mmio_in), TABLE(RR_SERIAL_IN, f_serial_in), TABLE(RR_CPUID, f_cpuid),
	[RR_DIGEST_PAGES] = { f_digest, 0 },
	TABLE(RR_T_EXIT, f_t_exit), TABLE(RR_T_IO, f_t_io), TABLE(RR_T_PT_WRITE, f_t_pt_write),
	TABLE(RR_T_INSN, f_t_insn),
};

static const struct field header[] = {
	H("magic", FMT_MAGIC, trace),
	H("flags", FMT_HEX, flags),
	H("kernel_hash", FMT_HEX, kernel_hash),
	H("modules_hash", FMT_HEX, modules_hash),
	H("cmdline_hash", FMT_HEX, cmdline_hash),
	H("ram_size", FMT_HEX, ram_size),
	H("start_epoch", FMT_DEC, start_epoch),
	H("tsc_hz", FMT_DEC, tsc_hz),
	H("backend", FMT_STR, backend),
	H("digest_interval", FMT_DEC, digest_interval),
	H("hv_version", FMT_STR, version),
};

const struct field *type_fields(unsigned type, size_t *count)
{
	if (!rrlog_type_name(type) || type >= sizeof(tables) / sizeof(tables[0]))
		return NULL;
	*count = tables[type].count;
	return tables[type].fields;
}

const struct field *header_fields(size_t *count)
{
	*count = sizeof(header) / sizeof(header[0]);
	return header;
}

int type_from_name(const char *s)
{
	unsigned t;

	for (t = 0; t <= RRLOG_KIND_TYPE_MASK; t++)
		if (rrlog_type_name(t) && !strcmp(rrlog_type_name(t), s))
			return (int)t;
	return -1;
}

/* Numeric fields of 1 to 8 bytes (host order: hvlog runs on x86-64). */
u64 field_get(const void *base, const struct field *f)
{
	const u8 *p = (const u8 *)base + f->off;
	u8 v8;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (f->size) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

void field_set(void *base, const struct field *f, u64 v)
{
	u8 *p = (u8 *)base + f->off;
	u8 v8 = (u8)v;
	u16 v16 = (u16)v;
	u32 v32 = (u32)v;

	switch (f->size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

u64 field_max(const struct field *f)
{
	if (f->fmt == FMT_MAGIC)
		return 1;
	return f->size >= 8 ? ~0ULL : (1ULL << (8 * f->size)) - 1;
}

/* Printable ASCII but '\' stays as is; anything else becomes \xNN, so the
 * value is one token without spaces. */
static void format_str(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > ' ' && c < 0x7F && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	out[n] = '\0';
}

void field_format(char *out, size_t size, const void *base, const struct field *f)
{
	switch (f->fmt) {
	case FMT_DEC:
		snprintf(out, size, "%llu", field_get(base, f));
		break;
	case FMT_HEX:
		snprintf(out, size, "0x%llx", field_get(base, f));
		break;
	case FMT_STR:
		format_str(out, size, (const char *)base + f->off);
		break;
	case FMT_MAGIC:
		snprintf(out, size, "%s", field_get(base, f) ? RRLOG_TRACE_MAGIC : RRLOG_MAGIC);
		break;
	}
}

/* --- differences ------------------------------------------------------------- */

struct diff_out {
	char *p;
	size_t size, len;
	unsigned count;
};

static void diff_line(struct diff_out *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff_line(struct diff_out *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	d->count++;
	if (d->len >= d->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(d->p + d->len, d->size - d->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len = d->len + (size_t)n < d->size ? d->len + (size_t)n : d->size - 1;
}

static void diff_fields(struct diff_out *d, const void *a, const void *b,
			const struct field *f, size_t n)
{
	char va[128], vb[128];
	size_t i;

	for (i = 0; i < n; i++) {
		field_format(va, sizeof(va), a, &f[i]);
		field_format(vb, sizeof(vb), b, &f[i]);
		if (strcmp(va, vb))
			diff_line(d, "  %s: %s vs %s\n", f[i].name, va, vb);
	}
}

static void diff_pages(struct diff_out *d, const struct rrlog_entry *a, const struct rrlog_entry *b)
{
	u32 i, n = a->pages.count < b->pages.count ? a->pages.count : b->pages.count;

	if (a->pages.count != b->pages.count)
		diff_line(d, "  n: %u vs %u\n", a->pages.count, b->pages.count);
	for (i = 0; i < n; i++) {
		const struct rrlog_page_hash *pa = &a->pages.pages[i], *pb = &b->pages.pages[i];

		if (pa->page != pb->page || pa->hash != pb->hash) {
			diff_line(d, "  page %u: 0x%llx=0x%x vs 0x%llx=0x%x\n", i,
				  pa->page, pa->hash,
				  pb->page, pb->hash);
			return; /* the first differing page is enough */
		}
	}
}

static void hex_bytes(char *out, const u8 *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static void diff_prefix(struct diff_out *d, const struct rrlog_entry *a, const struct rrlog_entry *b)
{
	if (a->landmark != b->landmark)
		diff_line(d, "  E: %llu vs %llu\n", a->landmark,
			  b->landmark);
	if (a->rip != b->rip)
		diff_line(d, "  rip: 0x%llx vs 0x%llx\n", a->rip,
			  b->rip);
	if (a->async != b->async)
		diff_line(d, "  async: %s vs %s\n", a->async ? "yes" : "no", b->async ? "yes" : "no");
	else if (a->async)
		for (unsigned i = 0; i < RRLOG_ASYNC_REGS; i++)
			if (a->regs[i] != b->regs[i])
				diff_line(d, "  async register %u: 0x%llx vs 0x%llx\n", i,
					  a->regs[i], b->regs[i]);
	if (a->has_branches != b->has_branches)
		diff_line(d, "  branches: %s vs %s\n", a->has_branches ? "present" : "absent",
			  b->has_branches ? "present" : "absent");
	else if (a->has_branches && a->branches != b->branches)
		diff_line(d, "  branches: %llu vs %llu\n", a->branches,
			  b->branches);
}

unsigned entry_diff(const struct rrlog_entry *a, const struct rrlog_entry *b,
		    char *out, size_t size)
{
	struct diff_out d = { out, size, 0, 0 };
	const struct field *f;
	char ha[31], hb[31];
	size_t n = 0;

	out[0] = '\0';
	diff_prefix(&d, a, b);
	if (a->type != b->type) {
		diff_line(&d, "  type: %s vs %s\n", rrlog_type_name(a->type), rrlog_type_name(b->type));
		return d.count;
	}
	f = type_fields(a->type, &n);
	if (f)
		diff_fields(&d, a, b, f, n);
	if (a->type == RR_DIGEST_PAGES)
		diff_pages(&d, a, b);
	if (a->type == RR_T_INSN && a->t_insn.len == b->t_insn.len &&
	    memcmp(a->t_insn.bytes, b->t_insn.bytes, a->t_insn.len)) {
		hex_bytes(ha, a->t_insn.bytes, a->t_insn.len);
		hex_bytes(hb, b->t_insn.bytes, b->t_insn.len);
		diff_line(&d, "  bytes: %s vs %s\n", ha, hb);
	}
	return d.count;
}

unsigned header_diff(const struct rrlog_header *a, const struct rrlog_header *b,
		     char *out, size_t size)
{
	struct diff_out d = { out, size, 0, 0 };
	size_t n;
	const struct field *f = header_fields(&n);

	out[0] = '\0';
	diff_fields(&d, a, b, f, n);
	return d.count;
}
