/*
 * The wire-field walker (proto/wire.h): encodes, validates, decodes and
 * compares a record from its table, field by field. Each kind is coded
 * once here; a format only writes tables (and, rarely, a custom kind).
 */
#include "proto/wire.h"

#include <string.h>

#include "errno.h"

/* --- members ---------------------------------------------------------------- */

bool wire_present(const struct wire_field *f, const void *rec)
{
	return !f->when || *((const bool *)((const u8 *)rec + f->when - 1));
}

unsigned wire_elems(const struct wire_field *f)
{
	return f->n ? f->n : 1;
}

static unsigned elem_size(const struct wire_field *f)
{
	return f->size / wire_elems(f);
}

/* Integers of 1, 2, 4 or 8 bytes in host order, copied so that no
 * alignment is assumed. */
u64 wire_get(const void *rec, const struct wire_field *f, unsigned i)
{
	const u8 *p = (const u8 *)rec + f->off + i * elem_size(f);
	u8 v8;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (elem_size(f)) {
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

void wire_set(void *rec, const struct wire_field *f, unsigned i, u64 v)
{
	u8 *p = (u8 *)rec + f->off + i * elem_size(f);
	u8 v8 = (u8)v;
	u16 v16 = (u16)v;
	u32 v32 = (u32)v;

	switch (elem_size(f)) {
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

static u64 *running(void *run, const struct wire_field *f)
{
	return (u64 *)((u8 *)run + f->run);
}

static const char *label(const struct wire_field *f)
{
	return f->label ? f->label : f->name;
}

u64 wire_limit(const struct wire_field *f)
{
	unsigned bits = f->kind == WIRE_LE ? 8u * f->bytes : f->bits;
	u64 limit = bits && bits < 64 ? (1ULL << bits) - 1 : ~0ULL;

	return f->max && f->max < limit ? f->max : limit;
}

/* --- encoding ---------------------------------------------------------------- */

/* An LE or VARINT value within its limits. */
static int put_value(struct wire_sink *s, const struct wire_field *f, u64 v)
{
	if (v > wire_limit(f))
		return -EINVAL;
	if (f->kind == WIRE_LE)
		wire_put_le(s, v, f->bytes);
	else
		wire_put_varint(s, v);
	return 0;
}

/* A value as its delta against the running value, which moves to it. */
static int put_delta(struct wire_sink *s, const struct wire_field *f, const void *rec, void *run)
{
	u64 v = wire_get(rec, f, 0), *prev = running(run, f);

	if (f->kind == WIRE_UDELTA && v < *prev)
		return -EINVAL;
	wire_put_varint(s, f->kind == WIRE_UDELTA ? v - *prev : wire_zigzag(v - *prev));
	*prev = v;
	return 0;
}

/* A C string into a NUL-padded field of f->bytes bytes. */
static void put_str(struct wire_sink *s, const struct wire_field *f, const void *rec)
{
	const char *str = (const char *)rec + f->off;
	size_t n = strnlen(str, f->bytes);

	wire_put_bytes(s, str, n);
	for (; n < f->bytes; n++)
		wire_put_le(s, 0, 1);
}

/* One field, validated as it is written. */
static int encode_field(struct wire_sink *s, const struct wire_field *f, const void *rec, void *run)
{
	unsigned i, len;
	int err = 0;

	switch (f->kind) {
	case WIRE_LE:
	case WIRE_VARINT:
		for (i = 0; i < wire_elems(f) && !err; i++)
			err = put_value(s, f, wire_get(rec, f, i));
		return err;
	case WIRE_SDELTA:
	case WIRE_UDELTA:
		return put_delta(s, f, rec, run);
	case WIRE_BYTES:
		len = *((const u8 *)rec + f->len_at);
		if (len > f->size)
			return -EINVAL;
		wire_put_bytes(s, (const u8 *)rec + f->off, len);
		return 0;
	case WIRE_STR:
		put_str(s, f, rec);
		return 0;
	case WIRE_PAD:
		for (i = 0; i < f->bytes; i++)
			wire_put_le(s, 0, 1);
		return 0;
	case WIRE_RESTART:
		*running(run, f) = 0;
		return 0;
	case WIRE_CUSTOM:
		return f->custom->encode(s, f, rec, run);
	}
	return -EINVAL;
}

int wire_encode(struct wire_sink *s, const struct wire_table *t, const void *rec, void *run)
{
	int err;

	for (size_t i = 0; i < t->count; i++) {
		if (!wire_present(&t->fields[i], rec))
			continue;
		err = encode_field(s, &t->fields[i], rec, run);
		if (err)
			return err;
	}
	return 0;
}

/* --- decoding ---------------------------------------------------------------- */

/* Starts a refusal about f: "[<ctx> ]<label>". */
static void msg_field(const struct wire_src *c, const struct wire_field *f)
{
	wire_msg_start(c->ctx ? c->ctx : "");
	if (c->ctx)
		wire_msg_str(" ");
	wire_msg_str(label(f));
}

/* "[<ctx> ]<label> <v> exceeds <max>", or "... exceeds <bits> bits". */
static int refuse_limit(struct wire_src *c, const struct wire_field *f, u64 v)
{
	bool by_max = f->max && v > f->max;

	msg_field(c, f);
	wire_msg_str(" ");
	wire_msg_num(v);
	wire_msg_str(" exceeds ");
	wire_msg_num(by_max ? f->max : f->bits);
	return wire_refuse(c, wire_msg_str(by_max ? "" : " bits"));
}

/* An LE or VARINT value, refused past its limits. */
static int get_value(struct wire_src *c, const struct wire_field *f, u64 *v)
{
	int err = f->kind == WIRE_LE ? wire_get_le(c, f->bytes, v) : wire_get_varint(c, v);

	if (!err && *v > wire_limit(f))
		return refuse_limit(c, f, *v);
	return err;
}

/* A value from its delta against the running value, which moves to it; a
 * UDELTA one may not wrap around. */
static int get_delta(struct wire_src *c, const struct wire_field *f, void *rec, void *run)
{
	u64 d, *prev = running(run, f), v;
	int err = wire_get_varint(c, &d);

	if (err)
		return err;
	v = *prev + (f->kind == WIRE_UDELTA ? d : wire_unzigzag(d));
	if (f->kind == WIRE_UDELTA && v < *prev) {
		msg_field(c, f);
		return wire_refuse(c, wire_msg_str(" overflows 64 bits"));
	}
	wire_set(rec, f, 0, v);
	*prev = v;
	return 0;
}

/* NUL-padded text into a C string one byte longer than the field. */
static int get_str(struct wire_src *c, const struct wire_field *f, void *rec)
{
	char *out = (char *)rec + f->off;
	const u8 *p = c->p;
	size_t n = 0;

	if ((size_t)(c->end - c->p) < f->bytes)
		return wire_refuse_short(c);
	while (n < f->bytes && p[n]) {
		out[n] = (char)p[n];
		n++;
	}
	out[n] = '\0';
	c->p += f->bytes;
	return 0;
}

/* One field into rec. */
static int decode_field(struct wire_src *c, const struct wire_field *f, void *rec, void *run)
{
	unsigned i, len;
	int err = 0;
	u64 v = 0;

	switch (f->kind) {
	case WIRE_LE:
	case WIRE_VARINT:
		for (i = 0; i < wire_elems(f) && !err; i++) {
			err = get_value(c, f, &v);
			wire_set(rec, f, i, v);
		}
		return err;
	case WIRE_SDELTA:
	case WIRE_UDELTA:
		return get_delta(c, f, rec, run);
	case WIRE_BYTES:
		len = *((const u8 *)rec + f->len_at);
		if (len > f->size)
			return wire_refuse(c, "byte string longer than its field");
		return wire_get_bytes(c, (u8 *)rec + f->off, len);
	case WIRE_STR:
		return get_str(c, f, rec);
	case WIRE_PAD:
		return wire_get_bytes(c, NULL, f->bytes);
	case WIRE_RESTART:
		*running(run, f) = 0;
		return 0;
	case WIRE_CUSTOM:
		return f->custom->decode(c, f, rec, run);
	}
	return wire_refuse(c, "unknown wire field kind");
}

int wire_decode(struct wire_src *c, const struct wire_table *t, void *rec, void *run)
{
	int err;

	for (size_t i = 0; i < t->count; i++) {
		if (!wire_present(&t->fields[i], rec))
			continue;
		err = decode_field(c, &t->fields[i], rec, run);
		if (err)
			return err;
	}
	return 0;
}

/* --- comparing ----------------------------------------------------------------- */

/* Whether a and b hold the same value(s) of one field. */
static bool same_field(const struct wire_field *f, const void *a, const void *b)
{
	unsigned i, len;

	switch (f->kind) {
	case WIRE_BYTES:
		len = *((const u8 *)a + f->len_at);
		return len == *((const u8 *)b + f->len_at) &&
		       (len > f->size || !memcmp((const u8 *)a + f->off, (const u8 *)b + f->off, len));
	case WIRE_STR:
		return !strncmp((const char *)a + f->off, (const char *)b + f->off, f->bytes);
	case WIRE_PAD:
	case WIRE_RESTART:
		return true;
	case WIRE_CUSTOM:
		return f->custom->same(f, a, b);
	default:
		for (i = 0; i < wire_elems(f); i++)
			if (wire_get(a, f, i) != wire_get(b, f, i))
				return false;
		return true;
	}
}

bool wire_same(const struct wire_table *t, const void *a, const void *b)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct wire_field *f = &t->fields[i];

		if (wire_present(f, a) != wire_present(f, b))
			return false;
		if (wire_present(f, a) && !same_field(f, a, b))
			return false;
	}
	return true;
}
