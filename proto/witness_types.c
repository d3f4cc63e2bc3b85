/*
 * The witness protocol's payloads as wire-field tables (proto/wire.h),
 * one per frame type, and what each type is; the checksum. The encoder,
 * the receiver and the tools' printing all work from these tables.
 */
#include "proto/witness.h"

#include <stddef.h>
#include <string.h>

#include "errno.h"
#include "hash.h"

#define MSG(m) WIRE_AT(struct wit_msg, m)

/* --- names and text: NUL-padded, each with its own characters ------------------ */

/* A text field kind: its wire_custom first, so a field's .custom leads to it. */
struct text_kind {
	struct wire_custom ops;
	bool empty_ok;   /* may hold no character */
	bool prose;      /* any printable character but '"' and '\' (else a name's) */
};

static bool text_char_ok(const struct text_kind *k, char c)
{
	if (k->prose)
		return c >= ' ' && c <= '~' && c != '"' && c != '\\';
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == ':';
}

/* Why n characters at s are not a value of the kind, or NULL. */
static const char *text_refusal(const struct text_kind *k, const char *s, size_t n)
{
	if (!n && !k->empty_ok)
		return " is empty";
	for (size_t i = 0; i < n; i++)
		if (!text_char_ok(k, s[i]))
			return " holds a character it may not";
	return NULL;
}

static int text_encode(struct wire_sink *s, const struct wire_field *f, const void *rec, void *run)
{
	const struct text_kind *k = (const struct text_kind *)f->custom;
	const char *str = (const char *)rec + f->off;
	size_t n = strnlen(str, f->bytes + 1u);

	if (n > f->bytes || text_refusal(k, str, n))
		return -EINVAL;
	wire_put_bytes(s, str, n);
	for (; n < f->bytes; n++)
		wire_put_le(s, 0, 1);
	return 0;
}

/* f->bytes bytes: the characters, then zeros only. */
static int text_decode(struct wire_src *c, const struct wire_field *f, void *rec, void *run)
{
	const struct text_kind *k = (const struct text_kind *)f->custom;
	char *out = (char *)rec + f->off;
	const char *why;
	size_t n;
	int err = wire_get_bytes(c, out, f->bytes);

	if (err)
		return err;
	out[f->bytes] = '\0';
	n = strnlen(out, f->bytes);
	why = text_refusal(k, out, n);
	for (size_t i = n; i < f->bytes && !why; i++)
		if (out[i])
			why = " has bytes after its end";
	if (!why)
		return 0;
	wire_msg_start(c->ctx ? c->ctx : "");
	wire_msg_str(c->ctx ? " " : "");
	wire_msg_str(f->name);
	return wire_refuse(c, wire_msg_str(why));
}

static bool text_same(const struct wire_field *f, const void *a, const void *b)
{
	return !strncmp((const char *)a + f->off, (const char *)b + f->off, f->bytes);
}

#define TEXT_OPS { text_encode, text_decode, text_same }
static const struct text_kind node_kind = { TEXT_OPS, .empty_ok = false, .prose = false };
static const struct text_kind holder_kind = { TEXT_OPS, .empty_ok = true, .prose = false };
static const struct text_kind prose_kind = { TEXT_OPS, .empty_ok = false, .prose = true };

/* --- the payloads ------------------------------------------------------------------- */

#define NODE { .name = "node", .kind = WIRE_CUSTOM, .custom = &node_kind.ops, .fmt = WIRE_TEXT, \
	       .bytes = WIT_NODE_MAX, MSG(node) }
#define HOLDER { .name = "holder", .kind = WIRE_CUSTOM, .custom = &holder_kind.ops, \
		 .fmt = WIRE_TEXT, .bytes = WIT_NODE_MAX, MSG(holder) }
#define EPOCH { .name = "epoch", .kind = WIRE_LE, .bytes = 8, .max = WIT_EPOCH_MAX, \
		.fmt = WIRE_DEC, MSG(epoch) }
#define DURATION { .name = "duration_ms", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC, \
		   MSG(duration_ms) }
#define LEFT { .name = "left_ms", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC, MSG(left_ms) }

static const struct wire_field acquire[] = { NODE, EPOCH, DURATION };
static const struct wire_field renew[] = { NODE, EPOCH };      /* RENEW, RELEASE */
static const struct wire_field granted[] = { EPOCH, DURATION, HOLDER };
static const struct wire_field refused[] = {
	HOLDER, EPOCH, LEFT,
	{ .name = "reason", .kind = WIRE_LE, .bytes = 1, .max = WIT_R_MAX, .fmt = WIRE_DEC,
	  MSG(reason) },
	{ .name = "text", .kind = WIRE_CUSTOM, .custom = &prose_kind.ops, .fmt = WIRE_TEXT,
	  .bytes = WIT_TEXT_MAX, MSG(text) },
};
static const struct wire_field state[] = { HOLDER, EPOCH, LEFT, DURATION };

static const struct wire_table acquire_table = WIRE_TABLE(acquire);
static const struct wire_table renew_table = WIRE_TABLE(renew);
static const struct wire_table query_table = { NULL, 0 };
static const struct wire_table granted_table = WIRE_TABLE(granted);
static const struct wire_table refused_table = WIRE_TABLE(refused);
static const struct wire_table state_table = WIRE_TABLE(state);

#define ACQUIRE_SIZE (WIT_NODE_MAX + 8 + 4)
#define RENEW_SIZE (WIT_NODE_MAX + 8)
#define GRANTED_SIZE (8 + 4 + WIT_NODE_MAX)
#define STATE_SIZE (WIT_NODE_MAX + 8 + 4 + 4)
_Static_assert(WIT_PAYLOAD_MAX == WIT_NODE_MAX + 8 + 4 + 1 + WIT_TEXT_MAX, "REFUSED's layout");
_Static_assert(sizeof(((struct wit_msg *)0)->text) == WIT_TEXT_MAX + 1,
	       "text: the field and a NUL");
_Static_assert(WIT_CHECKED_HDR == WIT_OFF_CHECKSUM && WIT_HDR == WIT_OFF_CHECKSUM + 4,
	       "the header: the checksum last");

/* --- the frame types ----------------------------------------------------------------- */

static const struct wit_type_info types[] = {
	{ WIT_ACQUIRE, WIT_TO_WITNESS, "ACQUIRE", &acquire_table, ACQUIRE_SIZE },
	{ WIT_RENEW, WIT_TO_WITNESS, "RENEW", &renew_table, RENEW_SIZE },
	{ WIT_RELEASE, WIT_TO_WITNESS, "RELEASE", &renew_table, RENEW_SIZE },
	{ WIT_QUERY, WIT_TO_WITNESS, "QUERY", &query_table, 0 },
	{ WIT_GRANTED, WIT_TO_NODE, "GRANTED", &granted_table, GRANTED_SIZE },
	{ WIT_REFUSED, WIT_TO_NODE, "REFUSED", &refused_table, WIT_PAYLOAD_MAX },
	{ WIT_STATE, WIT_TO_NODE, "STATE", &state_table, STATE_SIZE },
};

const struct wit_type_info *wit_type(u8 type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

const char *wit_type_name(u8 type)
{
	const struct wit_type_info *t = wit_type(type);

	return t ? t->name : wire_msg("type ", type, NULL);
}

const char *wit_reason_name(u8 reason)
{
	static const char *const names[] = {
		[WIT_R_NONE] = "none",
		[WIT_R_HELD] = "held",
		[WIT_R_STALE_EPOCH] = "stale_epoch",
		[WIT_R_NOT_HOLDER] = "not_holder",
		[WIT_R_NOT_HELD] = "not_held",
		[WIT_R_STORAGE] = "storage",
		[WIT_R_FORMAT] = "format",
		[WIT_R_LENGTH] = "length",
		[WIT_R_CHECKSUM] = "checksum",
		[WIT_R_REPLAY] = "replay",
		[WIT_R_TRUNCATED] = "truncated",
	};

	return reason <= WIT_R_MAX ? names[reason] : "unknown";
}

u32 wit_checksum(const u8 *hdr, const u8 *payload, size_t len)
{
	struct hash32_state s;

	hash32_begin(&s, 0);
	hash32_add(&s, hdr, WIT_CHECKED_HDR);
	if (len)
		hash32_add(&s, payload, len);
	return hash32_end(&s);
}
