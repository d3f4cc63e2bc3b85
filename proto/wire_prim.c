/*
 * Wire primitives (proto/wire.h): little-endian integers, LEB128 varints
 * and byte strings, written to a counting sink and read bounds-checked, and
 * the text of refusals.
 */
#include "proto/wire.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

#define VARINT_MAX_BYTES 10
#define VARINT_MORE 0x80    /* another byte follows */
#define VARINT_BITS 0x7F    /* the 7 value bits of a byte */
#define VARINT_LAST_MAX 1   /* the 10th byte may only hold bit 63 */
#define MSG_SIZE 96

/* --- refusal text -------------------------------------------------------- */

static char msg_buf[MSG_SIZE];
static size_t msg_len;

const char *wire_msg_str(const char *s)
{
	while (*s && msg_len + 1 < MSG_SIZE)
		msg_buf[msg_len++] = *s++;
	msg_buf[msg_len] = '\0';
	return msg_buf;
}

const char *wire_msg_num(u64 v)
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
	return msg_buf;
}

const char *wire_msg_start(const char *s)
{
	msg_len = 0;
	return wire_msg_str(s);
}

const char *wire_msg(const char *a, u64 n, const char *b)
{
	wire_msg_start(a);
	wire_msg_num(n);
	if (b)
		wire_msg_str(b);
	return msg_buf;
}

/* --- writing ------------------------------------------------------------- */

void wire_put_le(struct wire_sink *s, u64 v, unsigned bytes)
{
	if (s->p)
		le_put(s->p + s->n, v, bytes);
	s->n += bytes;
}

void wire_put_varint(struct wire_sink *s, u64 v)
{
	while (v > VARINT_BITS) {
		wire_put_le(s, (v & VARINT_BITS) | VARINT_MORE, 1);
		v >>= 7;
	}
	wire_put_le(s, v, 1);
}

void wire_put_bytes(struct wire_sink *s, const void *data, size_t len)
{
	if (s->p && len)
		memcpy(s->p + s->n, data, len);
	s->n += len;
}

/* --- reading ------------------------------------------------------------- */

int wire_refuse(struct wire_src *c, const char *why)
{
	c->error = why;
	return -EBADMSG;
}

int wire_refuse_short(struct wire_src *c)
{
	if (!c->ctx)
		return wire_refuse(c, c->past_end);
	wire_msg_start(c->ctx);
	return wire_refuse(c, wire_msg_str(" body too short"));
}

int wire_get_le(struct wire_src *c, unsigned bytes, u64 *out)
{
	if ((size_t)(c->end - c->p) < bytes)
		return wire_refuse_short(c);
	*out = le_get(c->p, bytes);
	c->p += bytes;
	return 0;
}

/* Unsigned LEB128: at most 10 bytes, the 10th holding only bit 63. Longer
 * encodings than needed are the same number. */
int wire_get_varint(struct wire_src *c, u64 *out)
{
	u64 v = 0;
	unsigned i;
	u8 b;

	for (i = 0; i < VARINT_MAX_BYTES; i++) {
		if (c->p >= c->end)
			return wire_refuse_short(c);
		b = *c->p++;
		if (i == VARINT_MAX_BYTES - 1 && (b & VARINT_MORE))
			return wire_refuse(c, "varint longer than 10 bytes");
		if (i == VARINT_MAX_BYTES - 1 && b > VARINT_LAST_MAX)
			return wire_refuse(c, "varint exceeds 64 bits");
		v |= (u64)(b & VARINT_BITS) << (7 * i);
		if (!(b & VARINT_MORE))
			break;
	}
	*out = v;
	return 0;
}

int wire_get_bytes(struct wire_src *c, void *out, size_t len)
{
	if ((size_t)(c->end - c->p) < len)
		return wire_refuse_short(c);
	if (out && len)
		memcpy(out, c->p, len);
	c->p += len;
	return 0;
}
