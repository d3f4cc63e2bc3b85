/*
 * The record/replay log and trace format, version 1 (docs/log-format.md):
 * the header, frames, and entries, written and read. Logs are outside
 * input, so every read is bounds-checked and a refusal names what is wrong;
 * the writer refuses exactly what the reader would, so whatever one writes
 * the other reads back.
 */
#include "hv/rr/rrlog.h"

#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"

/* --- layout (docs/log-format.md) ----------------------------------------- */

#define HDR_MAGIC 0
#define HDR_VERSION 8
#define HDR_LENGTH 10
#define HDR_FLAGS 12
#define HDR_KERNEL_HASH 16
#define HDR_MODULES_HASH 24
#define HDR_CMDLINE_HASH 32
#define HDR_RAM_SIZE 40
#define HDR_START_EPOCH 48
#define HDR_TSC_HZ 56
#define HDR_BACKEND 64
#define HDR_BACKEND_SIZE 8
#define HDR_DIGEST_INTERVAL 72
#define HDR_HV_VERSION 80
#define HDR_HV_VERSION_SIZE 24
#define HDR_CHECKSUM_SIZE 8
#define HDR_FIXED_SIZE 12 /* magic, version, length: what is read first */

#define FRM_MAGIC 0
#define FRM_MAGIC_SIZE 4
#define FRM_LENGTH 4
#define FRM_SEQ 8
#define FRM_COUNT 16
#define FRM_CHECKSUM 20

#define VARINT_MAX_BYTES 10
#define VARINT_MORE 0x80
#define VARINT_BITS 0x7F
#define VARINT_LAST_MAX 1 /* the 10th byte may only hold bit 63 */

#define RAND_VALUE_SIZE 8
#define DIGEST_MEMORY_SIZE 8
#define PAGE_HASH_SIZE 4
#define INSN_MAX 15

_Static_assert(HDR_HV_VERSION + HDR_HV_VERSION_SIZE + HDR_CHECKSUM_SIZE == RRLOG_HEADER_SIZE,
	       "the version-1 header ends with its checksum");
_Static_assert(sizeof(((struct rrlog_header *)0)->backend) == HDR_BACKEND_SIZE + 1,
	       "backend holds the field and a NUL");
_Static_assert(sizeof(((struct rrlog_header *)0)->version) == HDR_HV_VERSION_SIZE + 1,
	       "version holds the field and a NUL");
_Static_assert(sizeof(((struct rrlog_entry *)0)->t_insn.bytes) == INSN_MAX,
	       "T_INSN holds up to 15 instruction bytes");

/* --- little-endian fields -------------------------------------------------- */

/* --- error messages -------------------------------------------------------- */

/*
 * Refusals that carry numbers ("frame sequence number 7, expected 5") are
 * built in one static buffer, valid until the next such refusal: the
 * hypervisor decodes on the boot CPU only and the host tools on one thread.
 */
#define MSG_SIZE 96

static char msg_buf[MSG_SIZE];
static size_t msg_len;

static void msg_str(const char *s)
{
	while (*s && msg_len + 1 < MSG_SIZE)
		msg_buf[msg_len++] = *s++;
	msg_buf[msg_len] = '\0';
}

static void msg_num(u64 v)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && msg_len + 1 < MSG_SIZE)
		msg_buf[msg_len++] = digits[--n];
	msg_buf[msg_len] = '\0';
}

/* Starts a message: "<a><n><b>"; a NULL b ends it after the number. */
static const char *msg(const char *a, u64 n, const char *b)
{
	msg_len = 0;
	msg_str(a);
	msg_num(n);
	if (b)
		msg_str(b);
	return msg_buf;
}

/* --- entry types ----------------------------------------------------------- */

static const char *const type_names[] = {
	[RR_RDTSC] = "RDTSC",
	[RR_RDTSCP] = "RDTSCP",
	[RR_RDRAND] = "RDRAND",
	[RR_RDSEED] = "RDSEED",
	[RR_CLOCK] = "CLOCK",
	[RR_IO_IN] = "IO_IN",
	[RR_INTERRUPT] = "INTERRUPT",
	[RR_DIGEST] = "DIGEST",
	[RR_END] = "END",
	[RR_MMIO_IN] = "MMIO_IN",
	[RR_SERIAL_IN] = "SERIAL_IN",
	[RR_DIGEST_PAGES] = "DIGEST_PAGES",
	[RR_CPUID] = "CPUID",
	[RR_T_EXIT] = "T_EXIT",
	[RR_T_IO] = "T_IO",
	[RR_T_PT_WRITE] = "T_PT_WRITE",
	[RR_T_INSN] = "T_INSN",
};

#define RR_FIRST_TRACE_TYPE RR_T_EXIT

const char *rrlog_type_name(unsigned type)
{
	if (type >= sizeof(type_names) / sizeof(type_names[0]))
		return NULL;
	return type_names[type];
}

/* A log holds the log types; a trace also the trace types. */
static bool type_known(unsigned type, bool trace)
{
	return rrlog_type_name(type) && (trace || type < RR_FIRST_TRACE_TYPE);
}

/* --- varints ------------------------------------------------------------- */

/* Zigzag: small magnitudes of either sign become small unsigned values.
 * Deltas are taken modulo 2^64, so any two u64 have one. */
static u64 zigzag(u64 delta)
{
	return (delta << 1) ^ (0 - (delta >> 63));
}

static u64 unzigzag(u64 z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

/* --- encoding ------------------------------------------------------------ */

/* Where encoded bytes go: p NULL only counts them, so the size an entry
 * will take comes from the same code that writes it. */
struct sink {
	u8 *p;
	size_t n;
};

static void sink_byte(struct sink *s, u8 b)
{
	if (s->p)
		s->p[s->n] = b;
	s->n++;
}

static void sink_le(struct sink *s, u64 v, unsigned size)
{
	if (s->p)
		le_put(s->p + s->n, v, size);
	s->n += size;
}

static void sink_varint(struct sink *s, u64 v)
{
	while (v > VARINT_BITS) {
		sink_byte(s, (u8)(v | VARINT_MORE));
		v >>= 7;
	}
	sink_byte(s, (u8)v);
}

static void sink_bytes(struct sink *s, const u8 *data, size_t len)
{
	if (s->p)
		memcpy(s->p + s->n, data, len);
	s->n += len;
}

static void encode_pages(struct sink *s, const struct rrlog_entry *e, u64 prev)
{
	u32 i;

	sink_varint(s, e->pages.count);
	for (i = 0; i < e->pages.count; i++) {
		sink_varint(s, e->pages.pages[i].page - prev);
		sink_le(s, e->pages.pages[i].hash, PAGE_HASH_SIZE);
		prev = e->pages.pages[i].page;
	}
}

static void encode_digest(struct sink *s, const struct rrlog_entry *e)
{
	unsigned i;

	sink_byte(s, RRLOG_DIGEST_REGS);
	for (i = 0; i < RRLOG_DIGEST_REGS; i++)
		sink_varint(s, e->digest.regs[i]);
	sink_le(s, e->digest.memory_hash, DIGEST_MEMORY_SIZE);
	sink_varint(s, e->digest.pages);
}

/* The type-specific body of e, its deltas against d. */
static void encode_body(struct sink *s, const struct rrlog_entry *e,
			const struct rrlog_delta_state *d)
{
	switch (e->type) {
	case RR_RDTSC:
		sink_varint(s, zigzag(e->tsc - d->tsc));
		break;
	case RR_RDTSCP:
		sink_varint(s, zigzag(e->rdtscp.tsc - d->tsc));
		sink_varint(s, e->rdtscp.aux);
		break;
	case RR_RDRAND:
	case RR_RDSEED:
		sink_byte(s, e->rand.size);
		sink_byte(s, e->rand.cf);
		sink_le(s, e->rand.value, RAND_VALUE_SIZE);
		break;
	case RR_CLOCK:
		sink_varint(s, e->clock_ns - d->clock_ns);
		break;
	case RR_IO_IN:
		sink_varint(s, e->io.port);
		sink_byte(s, e->io.size);
		sink_varint(s, e->io.value);
		break;
	case RR_INTERRUPT:
		sink_byte(s, e->vector);
		break;
	case RR_DIGEST:
		encode_digest(s, e);
		break;
	case RR_END:
		sink_byte(s, e->end.how);
		sink_varint(s, e->end.code);
		break;
	case RR_MMIO_IN:
		sink_varint(s, e->mmio.gpa);
		sink_byte(s, e->mmio.size);
		sink_varint(s, e->mmio.value);
		break;
	case RR_SERIAL_IN:
		sink_byte(s, e->byte);
		break;
	case RR_CPUID:
		sink_varint(s, e->cpuid.leaf);
		sink_varint(s, e->cpuid.subleaf);
		sink_varint(s, e->cpuid.eax);
		sink_varint(s, e->cpuid.ebx);
		sink_varint(s, e->cpuid.ecx);
		sink_varint(s, e->cpuid.edx);
		break;
	case RR_DIGEST_PAGES:
		encode_pages(s, e, d->digest_page);
		break;
	case RR_T_EXIT:
		sink_varint(s, e->t_exit.reason);
		sink_varint(s, e->t_exit.raw);
		break;
	case RR_T_IO:
		sink_byte(s, e->t_io.in);
		sink_varint(s, e->t_io.port);
		sink_byte(s, e->t_io.size);
		sink_varint(s, e->t_io.value);
		break;
	case RR_T_PT_WRITE:
		sink_varint(s, e->t_pt_gpa);
		break;
	case RR_T_INSN:
		sink_byte(s, e->t_insn.len);
		sink_bytes(s, e->t_insn.bytes, e->t_insn.len);
		break;
	}
}

/* Kind, exits, rip[, regs][, branches] and the body length. */
static void encode_prefix(struct sink *s, const struct rrlog_entry *e,
			  const struct rrlog_delta_state *d, size_t body_len)
{
	u8 kind = (u8)e->type;

	if (e->async)
		kind |= RRLOG_KIND_ASYNC;
	if (e->has_branches)
		kind |= RRLOG_KIND_BRANCH;
	sink_byte(s, kind);
	sink_varint(s, e->landmark - d->landmark);
	sink_varint(s, zigzag(e->rip - d->rip));
	if (e->async)
		for (unsigned i = 0; i < RRLOG_ASYNC_REGS; i++)
			sink_varint(s, e->regs[i]);
	if (e->has_branches)
		sink_varint(s, e->branches - d->branches);
	sink_varint(s, body_len);
}

/* Moves the running values past e; last_page ends a DIGEST_PAGES entry. */
static void advance(struct rrlog_delta_state *d, const struct rrlog_entry *e, u64 last_page)
{
	d->landmark = e->landmark;
	d->rip = e->rip;
	if (e->has_branches)
		d->branches = e->branches;
	switch (e->type) {
	case RR_RDTSC:
		d->tsc = e->tsc;
		break;
	case RR_RDTSCP:
		d->tsc = e->rdtscp.tsc;
		break;
	case RR_CLOCK:
		d->clock_ns = e->clock_ns;
		break;
	case RR_DIGEST:
		d->digest_page = 0; /* each digest's page list starts again */
		break;
	case RR_DIGEST_PAGES:
		d->digest_page = last_page;
		break;
	default:
		break;
	}
}

/*
 * Page numbers increase within a digest. Its first page is taken against
 * 0, so page 0 may come first (a delta of 0); the state keeps only the
 * previous page, so a delta of 0 is let through only at the start of an
 * entry whose previous page is 0. The reader applies the same rule.
 */
static bool page_in_order(u64 page, u64 prev, bool first_in_entry)
{
	return page > prev || (page == prev && prev == 0 && first_in_entry);
}

/* What the reader would refuse, or what moves a running value backwards. */
static int check_entry(const struct rrlog_writer *w, const struct rrlog_entry *e)
{
	u64 prev = w->d.digest_page;
	u32 i;

	if (!type_known(e->type, true))
		return -EINVAL;
	if (e->landmark < w->d.landmark)
		return -EINVAL;
	if (e->has_branches && e->branches < w->d.branches)
		return -EINVAL;
	switch (e->type) {
	case RR_CLOCK:
		return e->clock_ns < w->d.clock_ns ? -EINVAL : 0;
	case RR_DIGEST:
		/* 0: the caller left count unset; version 1 writes 22 */
		return e->digest.count && e->digest.count != RRLOG_DIGEST_REGS ? -EINVAL : 0;
	case RR_T_INSN:
		return e->t_insn.len > INSN_MAX ? -EINVAL : 0;
	case RR_DIGEST_PAGES:
		if (e->pages.count > RRLOG_DIGEST_PAGES_MAX || (e->pages.count && !e->pages.pages))
			return -EINVAL;
		for (i = 0; i < e->pages.count; i++) {
			if (!page_in_order(e->pages.pages[i].page, prev, i == 0))
				return -EINVAL;
			prev = e->pages.pages[i].page;
		}
		return 0;
	default:
		return 0;
	}
}

/* --- header ------------------------------------------------------------- */

/* Copies a string into a NUL-padded field of size bytes. */
static void put_str(u8 *p, const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	memcpy(p, s, n);
	memset(p + n, 0, size - n);
}

size_t rrlog_write_header(const struct rrlog_header *h, u8 *out, size_t cap)
{
	const size_t body = RRLOG_HEADER_SIZE - HDR_CHECKSUM_SIZE;

	if (cap < RRLOG_HEADER_SIZE)
		return 0;
	memset(out, 0, RRLOG_HEADER_SIZE);
	memcpy(out + HDR_MAGIC, h->trace ? RRLOG_TRACE_MAGIC : RRLOG_MAGIC, RRLOG_MAGIC_SIZE);
	le_put(out + HDR_VERSION, RRLOG_VERSION, 2);
	le_put(out + HDR_LENGTH, RRLOG_HEADER_SIZE, 2);
	le_put(out + HDR_FLAGS, h->flags, 4);
	le_put(out + HDR_KERNEL_HASH, h->kernel_hash, 8);
	le_put(out + HDR_MODULES_HASH, h->modules_hash, 8);
	le_put(out + HDR_CMDLINE_HASH, h->cmdline_hash, 8);
	le_put(out + HDR_RAM_SIZE, h->ram_size, 8);
	le_put(out + HDR_START_EPOCH, h->start_epoch, 8);
	le_put(out + HDR_TSC_HZ, h->tsc_hz, 8);
	put_str(out + HDR_BACKEND, h->backend, HDR_BACKEND_SIZE);
	le_put(out + HDR_DIGEST_INTERVAL, h->digest_interval, 4);
	put_str(out + HDR_HV_VERSION, h->version, HDR_HV_VERSION_SIZE);
	le_put(out + body, hash64(out, body, 0), HDR_CHECKSUM_SIZE);
	return RRLOG_HEADER_SIZE;
}

/* Copies a NUL-padded field into a C string of size + 1 bytes. */
static void get_str(char *s, const u8 *p, size_t size)
{
	size_t n = 0;

	while (n < size && p[n]) {
		s[n] = (char)p[n];
		n++;
	}
	s[n] = '\0';
}

static void decode_header(const u8 *p, struct rrlog_header *h)
{
	h->trace = !memcmp(p + HDR_MAGIC, RRLOG_TRACE_MAGIC, RRLOG_MAGIC_SIZE);
	h->flags = (u32)le_get(p + HDR_FLAGS, 4);
	h->kernel_hash = le_get(p + HDR_KERNEL_HASH, 8);
	h->modules_hash = le_get(p + HDR_MODULES_HASH, 8);
	h->cmdline_hash = le_get(p + HDR_CMDLINE_HASH, 8);
	h->ram_size = le_get(p + HDR_RAM_SIZE, 8);
	h->start_epoch = le_get(p + HDR_START_EPOCH, 8);
	h->tsc_hz = le_get(p + HDR_TSC_HZ, 8);
	get_str(h->backend, p + HDR_BACKEND, HDR_BACKEND_SIZE);
	h->digest_interval = (u32)le_get(p + HDR_DIGEST_INTERVAL, 4);
	get_str(h->version, p + HDR_HV_VERSION, HDR_HV_VERSION_SIZE);
}

/*
 * Checks, in order: magic, version, length, that the whole header is there,
 * checksum. A truncated header is -EINVAL, a wrong field -EBADMSG, another
 * format version -ENOTSUP. Fields past the version-1 ones are skipped.
 */
int rrlog_read_header(const u8 *data, size_t len, struct rrlog_header *h, const char **why)
{
	u64 version, hlen;

	memset(h, 0, sizeof(*h));
	*why = NULL;
	if (len < RRLOG_MAGIC_SIZE) {
		*why = msg("header truncated: ", len, " bytes");
		return -EINVAL;
	}
	if (memcmp(data, RRLOG_MAGIC, RRLOG_MAGIC_SIZE) &&
	    memcmp(data, RRLOG_TRACE_MAGIC, RRLOG_MAGIC_SIZE)) {
		*why = "bad header magic (not a USTDYLOG or USTDYTRC file)";
		return -EBADMSG;
	}
	if (len < HDR_FIXED_SIZE) {
		*why = msg("header truncated: ", len, " bytes");
		return -EINVAL;
	}
	version = le_get(data + HDR_VERSION, 2);
	if (version != RRLOG_VERSION) {
		*why = msg("format version ", version, " not supported (this reader knows 1)");
		return -ENOTSUP;
	}
	hlen = le_get(data + HDR_LENGTH, 2);
	if (hlen < RRLOG_HEADER_SIZE) {
		*why = msg("header length ", hlen, " is less than 112");
		return -EBADMSG;
	}
	if (len < hlen) {
		*why = msg("header truncated: ", len, " bytes");
		return -EINVAL;
	}
	if (le_get(data + hlen - HDR_CHECKSUM_SIZE, HDR_CHECKSUM_SIZE) !=
	    hash64(data, hlen - HDR_CHECKSUM_SIZE, 0)) {
		*why = "header checksum mismatch";
		return -EBADMSG;
	}
	decode_header(data, h);
	return (int)hlen;
}

/* --- writing --------------------------------------------------------------- */

void rrlog_writer_init(struct rrlog_writer *w, u8 *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
}

/* Payload bytes a frame in this writer's buffer can hold. */
static size_t payload_cap(const struct rrlog_writer *w)
{
	size_t room;

	if (w->cap <= RRLOG_FRAME_HEADER_SIZE)
		return 0;
	room = w->cap - RRLOG_FRAME_HEADER_SIZE;
	return room < RRLOG_FRAME_MAX_PAYLOAD ? room : RRLOG_FRAME_MAX_PAYLOAD;
}

/*
 * Sizes e exactly (the same encoder, counting), then writes it if it fits.
 * Returns -E2BIG for an entry that would not fit even an empty frame of
 * this buffer, so that finishing the frame and retrying cannot loop.
 */
int rrlog_append(struct rrlog_writer *w, const struct rrlog_entry *e)
{
	struct sink body = { NULL, 0 }, prefix = { NULL, 0 }, out;
	u64 last_page = w->d.digest_page;
	size_t size, cap = payload_cap(w);
	int err;

	err = check_entry(w, e);
	if (err)
		return err;
	encode_body(&body, e, &w->d);
	encode_prefix(&prefix, e, &w->d, body.n);
	size = prefix.n + body.n;
	if (size > cap)
		return -E2BIG;
	if (size > cap - w->len)
		return -ENOSPC;

	out.p = w->buf + RRLOG_FRAME_HEADER_SIZE + w->len;
	out.n = 0;
	encode_prefix(&out, e, &w->d, body.n);
	encode_body(&out, e, &w->d);
	w->len += out.n;
	w->entries++;
	if (e->type == RR_DIGEST_PAGES && e->pages.count)
		last_page = e->pages.pages[e->pages.count - 1].page;
	advance(&w->d, e, last_page);
	return 0;
}

size_t rrlog_finish_frame(struct rrlog_writer *w)
{
	u8 *h = w->buf;
	size_t total = RRLOG_FRAME_HEADER_SIZE + w->len;

	if (!w->entries)
		return 0;
	memcpy(h + FRM_MAGIC, RRLOG_FRAME_MAGIC, FRM_MAGIC_SIZE);
	le_put(h + FRM_LENGTH, w->len, 4);
	le_put(h + FRM_SEQ, w->seq, 8);
	le_put(h + FRM_COUNT, w->entries, 4);
	le_put(h + FRM_CHECKSUM, hash32(h + RRLOG_FRAME_HEADER_SIZE, w->len, 0), 4);
	w->seq++;
	w->len = 0;
	w->entries = 0;
	return total;
}

/* --- reading ------------------------------------------------------------- */

void rrlog_reader_init(struct rrlog_reader *r, bool trace)
{
	memset(r, 0, sizeof(*r));
	r->trace = trace;
}

/*
 * Validates the frame header before the payload is needed, so a frame cut
 * short reports -ENODATA only when its header is sound.
 */
long rrlog_open_frame(struct rrlog_reader *r, const u8 *data, size_t len)
{
	u64 length, seq, count;

	if (len >= FRM_MAGIC_SIZE && memcmp(data + FRM_MAGIC, RRLOG_FRAME_MAGIC, FRM_MAGIC_SIZE)) {
		r->error = "bad frame magic";
		return -EBADMSG;
	}
	if (len < RRLOG_FRAME_HEADER_SIZE) {
		r->error = msg("frame truncated: header needs 24 bytes, ", len, " left");
		return -ENODATA;
	}
	length = le_get(data + FRM_LENGTH, 4);
	if (length == 0 || length > RRLOG_FRAME_MAX_PAYLOAD) {
		r->error = msg("frame payload length ", length, " (must be 1 to 65536)");
		return -EBADMSG;
	}
	seq = le_get(data + FRM_SEQ, 8);
	if (seq != r->next_seq) {
		msg("frame sequence number ", seq, ", expected ");
		msg_num(r->next_seq);
		r->error = msg_buf;
		return -EBADMSG;
	}
	count = le_get(data + FRM_COUNT, 4);
	if (count == 0) {
		r->error = "frame holds 0 entries";
		return -EBADMSG;
	}
	if (len - RRLOG_FRAME_HEADER_SIZE < length) {
		msg("frame truncated: payload of ", length, " bytes, ");
		msg_num(len - RRLOG_FRAME_HEADER_SIZE);
		msg_str(" left");
		r->error = msg_buf;
		return -ENODATA;
	}
	if (le_get(data + FRM_CHECKSUM, 4) != hash32(data + RRLOG_FRAME_HEADER_SIZE, length, 0)) {
		r->error = "frame checksum mismatch";
		return -EBADMSG;
	}
	r->payload = data + RRLOG_FRAME_HEADER_SIZE;
	r->payload_len = length;
	r->pos = 0;
	r->entries_left = (u32)count;
	r->next_seq++;
	return (long)(RRLOG_FRAME_HEADER_SIZE + length);
}

/* Bytes being decoded: the rest of the frame, or one entry's body (then
 * type names the entry in a "body too short" refusal). */
struct cursor {
	const u8 *p, *end;
	const char *type;
	const char *error;
};

static int cursor_short(struct cursor *c, const char *what)
{
	if (c->type) {
		msg_len = 0;
		msg_str(c->type);
		msg_str(" body too short");
		c->error = msg_buf;
	} else {
		c->error = what;
	}
	return -EBADMSG;
}

/* Unsigned LEB128: at most 10 bytes, the 10th holding only bit 63. */
static int get_varint(struct cursor *c, u64 *out)
{
	u64 v = 0;
	unsigned i;
	u8 b;

	for (i = 0; i < VARINT_MAX_BYTES; i++) {
		if (c->p >= c->end)
			return cursor_short(c, "varint runs past the frame");
		b = *c->p++;
		if (i == VARINT_MAX_BYTES - 1 && (b & VARINT_MORE)) {
			c->error = "varint longer than 10 bytes";
			return -EBADMSG;
		}
		if (i == VARINT_MAX_BYTES - 1 && b > VARINT_LAST_MAX) {
			c->error = "varint exceeds 64 bits";
			return -EBADMSG;
		}
		v |= (u64)(b & VARINT_BITS) << (7 * i);
		if (!(b & VARINT_MORE))
			break;
	}
	*out = v;
	return 0;
}

/* A varint that must fit bits bits (a port, an exit code, ...). */
static int get_varint_max(struct cursor *c, const char *field, unsigned bits, u64 *out)
{
	int err = get_varint(c, out);

	if (err)
		return err;
	if (*out >> bits) {
		msg_len = 0;
		msg_str(c->type);
		msg_str(" ");
		msg_str(field);
		msg_str(" ");
		msg_num(*out);
		msg_str(" exceeds ");
		msg_num(bits);
		msg_str(" bits");
		c->error = msg_buf;
		return -EBADMSG;
	}
	return 0;
}

static int get_fixed(struct cursor *c, unsigned size, u64 *out, const char *what)
{
	if ((size_t)(c->end - c->p) < size)
		return cursor_short(c, what);
	*out = le_get(c->p, size);
	c->p += size;
	return 0;
}

static int get_u8(struct cursor *c, u8 *out)
{
	u64 v = 0;
	int err = get_fixed(c, 1, &v, "entry runs past the frame");

	*out = (u8)v;
	return err;
}

/* Adds an unsigned delta to a running value that may not wrap. */
static int add_delta(struct cursor *c, u64 *value, u64 delta, const char *what)
{
	if (*value + delta < *value) {
		c->error = what;
		return -EBADMSG;
	}
	*value += delta;
	return 0;
}

/* One change of a DIGEST_PAGES list, its page taken against *prev. */
static int get_page(struct cursor *c, u64 *prev, bool first_in_entry, struct rrlog_page_hash *out)
{
	u64 delta, hash, page;
	int err;

	err = get_varint(c, &delta);
	if (!err)
		err = get_fixed(c, PAGE_HASH_SIZE, &hash, NULL);
	if (err)
		return err;
	page = *prev + delta;
	if (page < *prev) {
		c->error = "DIGEST_PAGES page number overflows 64 bits";
		return -EBADMSG;
	}
	if (!page_in_order(page, *prev, first_in_entry)) {
		c->error = "DIGEST_PAGES page numbers do not increase";
		return -EBADMSG;
	}
	out->page = page;
	out->hash = (u32)hash;
	*prev = page;
	return 0;
}

/* Checks a whole page list (the iterator can then not fail) and leaves the
 * page it ends on in d, so a reader that skips the pages keeps its place. */
static int decode_pages(struct cursor *c, struct rrlog_entry *e, struct rrlog_delta_state *d)
{
	struct rrlog_page_hash ph;
	u64 n, prev = d->digest_page;
	int err;
	u32 i;

	err = get_varint(c, &n);
	if (err)
		return err;
	if (n > RRLOG_DIGEST_PAGES_MAX) {
		c->error = msg("DIGEST_PAGES holds ", n, " pages (at most 4096)");
		return -EBADMSG;
	}
	e->pages.count = (u32)n;
	e->pages.enc = c->p;
	for (i = 0; i < n; i++) {
		err = get_page(c, &prev, i == 0, &ph);
		if (err)
			return err;
	}
	e->pages.enc_len = (size_t)(c->p - e->pages.enc);
	d->digest_page = prev;
	return 0;
}

/* 22 registers (more from a later version are skipped), memory, pages. */
static int decode_digest(struct cursor *c, struct rrlog_entry *e)
{
	u64 skipped;
	int err;
	u8 count;
	unsigned i;

	err = get_u8(c, &count);
	if (err)
		return err;
	if (count < RRLOG_DIGEST_REGS) {
		c->error = msg("DIGEST holds ", count, " registers (needs 22)");
		return -EBADMSG;
	}
	for (i = 0; i < count && !err; i++)
		err = get_varint(c, i < RRLOG_DIGEST_REGS ? &e->digest.regs[i] : &skipped);
	if (!err)
		err = get_fixed(c, DIGEST_MEMORY_SIZE, &e->digest.memory_hash, NULL);
	if (!err)
		err = get_varint(c, &e->digest.pages);
	e->digest.count = RRLOG_DIGEST_REGS;
	return err;
}

static int decode_rand(struct cursor *c, struct rrlog_entry *e)
{
	int err = get_u8(c, &e->rand.size);

	if (!err)
		err = get_u8(c, &e->rand.cf);
	if (!err)
		err = get_fixed(c, RAND_VALUE_SIZE, &e->rand.value, NULL);
	return err;
}

static int decode_io(struct cursor *c, struct rrlog_entry *e)
{
	u64 port = 0, value = 0;
	int err = get_varint_max(c, "port", 16, &port);

	if (!err)
		err = get_u8(c, &e->io.size);
	if (!err)
		err = get_varint_max(c, "value", 32, &value);
	e->io.port = (u16)port;
	e->io.value = (u32)value;
	return err;
}

static int decode_end(struct cursor *c, struct rrlog_entry *e)
{
	u64 code = 0;
	int err = get_u8(c, &e->end.how);

	if (!err)
		err = get_varint_max(c, "exit code", 32, &code);
	e->end.code = (u32)code;
	return err;
}

static int decode_mmio(struct cursor *c, struct rrlog_entry *e)
{
	int err = get_varint(c, &e->mmio.gpa);

	if (!err)
		err = get_u8(c, &e->mmio.size);
	if (!err)
		err = get_varint(c, &e->mmio.value);
	return err;
}

static int decode_t_exit(struct cursor *c, struct rrlog_entry *e)
{
	u64 reason = 0, raw = 0;
	int err = get_varint_max(c, "reason", 32, &reason);

	if (!err)
		err = get_varint_max(c, "exit code", 32, &raw);
	e->t_exit.reason = (u32)reason;
	e->t_exit.raw = (u32)raw;
	return err;
}

static int decode_t_io(struct cursor *c, struct rrlog_entry *e)
{
	u64 port = 0, value = 0;
	int err = get_u8(c, &e->t_io.in);

	if (!err)
		err = get_varint_max(c, "port", 16, &port);
	if (!err)
		err = get_u8(c, &e->t_io.size);
	if (!err)
		err = get_varint_max(c, "value", 32, &value);
	e->t_io.port = (u16)port;
	e->t_io.value = (u32)value;
	return err;
}

static int decode_t_insn(struct cursor *c, struct rrlog_entry *e)
{
	int err = get_u8(c, &e->t_insn.len);

	if (err)
		return err;
	if (e->t_insn.len > INSN_MAX) {
		c->error = msg("T_INSN length ", e->t_insn.len, " exceeds 15");
		return -EBADMSG;
	}
	if ((size_t)(c->end - c->p) < e->t_insn.len)
		return cursor_short(c, NULL);
	memcpy(e->t_insn.bytes, c->p, e->t_insn.len);
	c->p += e->t_insn.len;
	return 0;
}

/* CPUID: leaf, subleaf and the four result registers, each a 32-bit varint. */
static int decode_cpuid(struct cursor *c, struct rrlog_entry *e)
{
	u32 *out[] = { &e->cpuid.leaf, &e->cpuid.subleaf, &e->cpuid.eax, &e->cpuid.ebx,
		       &e->cpuid.ecx, &e->cpuid.edx };

	for (unsigned i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		u64 v;
		int err = get_varint_max(c, "CPUID value", 32, &v);

		if (err)
			return err;
		*out[i] = (u32)v;
	}
	return 0;
}

/* The body of e (its type set) from c, absolute values taken against d,
 * which moves on with the values that are running totals. */
static int decode_body(struct cursor *c, struct rrlog_entry *e, struct rrlog_delta_state *d)
{
	u64 v = 0, aux = 0;
	int err;

	switch (e->type) {
	case RR_RDTSC:
		err = get_varint(c, &v);
		e->tsc = d->tsc + unzigzag(v);
		return err;
	case RR_RDTSCP:
		err = get_varint(c, &v);
		if (!err)
			err = get_varint_max(c, "TSC_AUX", 32, &aux);
		e->rdtscp.tsc = d->tsc + unzigzag(v);
		e->rdtscp.aux = (u32)aux;
		return err;
	case RR_RDRAND:
	case RR_RDSEED:
		return decode_rand(c, e);
	case RR_CLOCK:
		e->clock_ns = d->clock_ns;
		err = get_varint(c, &v);
		return err ? err : add_delta(c, &e->clock_ns, v, "CLOCK value overflows 64 bits");
	case RR_IO_IN:
		return decode_io(c, e);
	case RR_INTERRUPT:
		return get_u8(c, &e->vector);
	case RR_DIGEST:
		return decode_digest(c, e);
	case RR_END:
		return decode_end(c, e);
	case RR_MMIO_IN:
		return decode_mmio(c, e);
	case RR_SERIAL_IN:
		return get_u8(c, &e->byte);
	case RR_CPUID:
		return decode_cpuid(c, e);
	case RR_DIGEST_PAGES:
		return decode_pages(c, e, d);
	case RR_T_EXIT:
		return decode_t_exit(c, e);
	case RR_T_IO:
		return decode_t_io(c, e);
	case RR_T_PT_WRITE:
		return get_varint(c, &e->t_pt_gpa);
	case RR_T_INSN:
		return decode_t_insn(c, e);
	}
	return -EBADMSG; /* not reached: the type was checked */
}

/* Kind, exits, rip[, regs][, branches] and the body length, from c. */
static int decode_prefix(struct cursor *c, struct rrlog_entry *e,
			 const struct rrlog_delta_state *d, bool trace, u64 *body_len)
{
	u64 exits, rip = 0, branches;
	int err;
	u8 kind;

	err = get_u8(c, &kind);
	if (err)
		return err;
	if (!type_known(kind & RRLOG_KIND_TYPE_MASK, trace)) {
		c->error = msg("unknown entry type ", kind & RRLOG_KIND_TYPE_MASK, NULL);
		return -EBADMSG;
	}
	e->type = kind & RRLOG_KIND_TYPE_MASK;
	e->async = kind & RRLOG_KIND_ASYNC;
	e->has_branches = kind & RRLOG_KIND_BRANCH;
	e->landmark = d->landmark;
	err = get_varint(c, &exits);
	if (!err)
		err = add_delta(c, &e->landmark, exits, "landmark overflows 64 bits");
	if (!err)
		err = get_varint(c, &rip);
	e->rip = d->rip + unzigzag(rip);
	for (unsigned i = 0; !err && e->async && i < RRLOG_ASYNC_REGS; i++)
		err = get_varint(c, &e->regs[i]);
	if (!err && e->has_branches) {
		e->branches = d->branches;
		err = get_varint(c, &branches);
		if (!err)
			err = add_delta(c, &e->branches, branches, "branch count overflows 64 bits");
	}
	if (!err)
		err = get_varint(c, body_len);
	return err;
}

/* Reader state moves only when an entry decodes whole. */
int rrlog_next(struct rrlog_reader *r, struct rrlog_entry *e)
{
	struct cursor c = { r->payload + r->pos, r->payload + r->payload_len, NULL, NULL };
	struct cursor body;
	struct rrlog_delta_state d = r->d;
	u64 body_len;
	int err;

	if (!r->entries_left) {
		if (r->pos == r->payload_len)
			return 0;
		r->error = msg("frame payload has ", r->payload_len - r->pos,
			       " bytes after its stated entries");
		return -EBADMSG;
	}
	if (r->pos >= r->payload_len) {
		r->error = msg("frame payload ends before its stated entry count (", r->entries_left,
			       " missing)");
		return -EBADMSG;
	}
	memset(e, 0, sizeof(*e));
	err = decode_prefix(&c, e, &d, r->trace, &body_len);
	if (!err && body_len > (u64)(c.end - c.p)) {
		c.error = msg("entry body of ", body_len, " bytes runs past the frame");
		err = -EBADMSG;
	}
	if (err) {
		r->error = c.error;
		return err;
	}
	body.p = c.p;
	body.end = c.p + body_len;
	body.type = rrlog_type_name(e->type);
	body.error = NULL;
	err = decode_body(&body, e, &d);
	if (err) {
		r->error = body.error;
		return err;
	}
	advance(&d, e, d.digest_page);
	r->d = d;
	r->pos = (size_t)(body.end - r->payload); /* body bytes past its fields are ignored */
	r->entries_left--;
	return 1;
}

/*
 * rrlog_next left the reader's digest_page at the entry's last page; the
 * iteration starts back where the entry's deltas start and, run to its end,
 * leaves it there again. Iterate an entry right after rrlog_next returns it.
 */
void rrlog_pages_begin(struct rrlog_pages_iter *it, struct rrlog_reader *r,
		       const struct rrlog_entry *e)
{
	struct cursor c = { NULL, NULL, "DIGEST_PAGES", NULL };
	u64 sum = 0, delta, hash;
	u32 i;

	it->p = it->end = NULL;
	it->left = 0;
	it->prev_page = &r->d.digest_page;
	if (e->type != RR_DIGEST_PAGES || !e->pages.enc)
		return;
	c.p = e->pages.enc;
	c.end = e->pages.enc + e->pages.enc_len;
	for (i = 0; i < e->pages.count; i++) {
		if (get_varint(&c, &delta) || get_fixed(&c, PAGE_HASH_SIZE, &hash, NULL))
			return; /* not an entry rrlog_next decoded: nothing to iterate */
		sum += delta;
	}
	it->p = e->pages.enc;
	it->end = c.p;
	it->left = e->pages.count;
	r->d.digest_page -= sum;
}

/* The entry was checked whole by rrlog_next; this stays bounds-checked for
 * an entry that was not, but cannot tell its first page from the others. */
int rrlog_pages_next(struct rrlog_pages_iter *it, struct rrlog_page_hash *out)
{
	struct cursor c = { it->p, it->end, "DIGEST_PAGES", NULL };
	int err;

	if (!it->left)
		return 0;
	err = get_page(&c, it->prev_page, true, out);
	if (err)
		return err;
	it->p = c.p;
	it->left--;
	return 1;
}

