/*
 * Wire fields: how the project's binary formats are described and coded
 * (docs/wire-fields.md). A format describes each record as a table of
 * fields, one line per field: its encoding on the wire, where its value
 * lives in a C struct, its limits, its name in refusals and in tools, and
 * how a tool prints it. One walker encodes, validates, decodes and compares
 * records from such a table, so the writer, the reader and the tools cannot
 * disagree. The record/replay log (proto/rrlog_types.c) is the first user;
 * new formats (snapshots, migration and fault-tolerance frames) describe
 * themselves the same way. Pure code, shared by the hypervisor and the host
 * tools; whatever it decodes is outside input and bounds-checked.
 */
#ifndef UNDERSTUDY_PROTO_WIRE_H
#define UNDERSTUDY_PROTO_WIRE_H

#include "types.h"

/* How a field is laid out on the wire. */
enum wire_kind {
	WIRE_LE,      /* little-endian integer of .bytes bytes */
	WIRE_VARINT,  /* unsigned LEB128 (at most 10 bytes) */
	WIRE_SDELTA,  /* svarint: zigzag(value - running value); any value */
	WIRE_UDELTA,  /* varint: value - running value, which may not go backwards */
	WIRE_BYTES,   /* as many bytes as the u8 member at .len_at says */
	WIRE_STR,     /* .bytes bytes of NUL-padded text; the member is one longer */
	WIRE_PAD,     /* .bytes zero bytes, skipped when read (reserved space) */
	WIRE_RESTART, /* no bytes: the running value starts again at 0 */
	WIRE_CUSTOM,  /* hand-written (.custom): what no other kind can say */
};

/* How a tool shows a field's value. */
enum wire_fmt {
	WIRE_DEC,      /* a decimal number */
	WIRE_HEX,      /* a 0x-prefixed hexadecimal number */
	WIRE_TEXT,     /* a string */
	WIRE_HEXBYTES, /* bytes as hex digits */
};

struct wire_field;

/* Where encoded bytes go: p NULL only counts them, so the size a record
 * will take comes from the same code that writes it. */
struct wire_sink {
	u8 *p;
	size_t n;
};

/* Bytes being decoded. A value running past end is refused as
 * "<ctx> body too short", or with past_end when there is no ctx. */
struct wire_src {
	const u8 *p, *end;
	const char *ctx;      /* the record's name in refusals, or NULL */
	const char *past_end; /* the refusal without a ctx */
	const char *error;    /* why the last call failed */
};

/* A field kind written by hand. encode validates as it goes (like the
 * built-in kinds) and returns 0 or -EINVAL; decode returns 0 or -EBADMSG
 * with c->error set; both move the running values in run. */
struct wire_custom {
	int (*encode)(struct wire_sink *s, const struct wire_field *f, const void *rec, void *run);
	int (*decode)(struct wire_src *c, const struct wire_field *f, void *rec, void *run);
	bool (*same)(const struct wire_field *f, const void *a, const void *b);
};

/*
 * One field. Values live in a record struct at .off (.size bytes: an
 * integer of 1, 2, 4 or 8 bytes, or an array of .n of them); running
 * values (the deltas' other side) are u64 members of a state struct at
 * .run. A value may not exceed 2^.bits - 1 (VARINT; 0: 64 bits) nor .max
 * (when nonzero): the encoder refuses what the decoder would.
 */
struct wire_field {
	const char *name;   /* as tools show it; NULL: not shown */
	const char *label;  /* as refusals name it; NULL: the name */
	u8 kind;            /* enum wire_kind */
	u8 fmt;             /* enum wire_fmt */
	u8 bytes;           /* LE, STR, PAD: bytes on the wire */
	u8 bits;            /* VARINT: value limit in bits (0: 64) */
	u64 max;            /* largest value, when nonzero */
	u16 off, size;      /* the member in the record */
	u16 n;              /* array elements, 0 for a single value */
	u16 run;            /* SDELTA, UDELTA, RESTART (and customs): running value */
	u16 len_at;         /* BYTES: the u8 member holding the length (customs: theirs) */
	u16 when;           /* nonzero: present only when the bool at when - 1 is set */
	const char *const *names;        /* array: each element's name for tools */
	const struct wire_custom *custom; /* CUSTOM */
};

/* A record's fields in wire order. */
struct wire_table {
	const struct wire_field *fields;
	size_t count;
};

/* The helper macros of table lines: a table of fields, a member of the
 * record (offset and size), a running value, a presence condition. */
#define WIRE_TABLE(a) { (a), sizeof(a) / sizeof((a)[0]) }
#define WIRE_AT(type, m) .off = offsetof(type, m), .size = sizeof(((type *)0)->m)
#define WIRE_RUN(type, m) .run = offsetof(type, m)
#define WIRE_WHEN(type, m) .when = offsetof(type, m) + 1

/* --- walking a table (proto/wire.c) ------------------------------------------ */

/* Encodes rec's present fields into s, deltas against run, which moves on.
 * Returns 0, or -EINVAL for a value the decoder would refuse (a limit, a
 * running value going backwards), possibly after writing part of it: run it
 * counting (s->p NULL) on a copy of run before writing. */
int wire_encode(struct wire_sink *s, const struct wire_table *t, const void *rec, void *run);

/* Decodes rec's fields from c (rec's presence conditions already set),
 * values taken against run, which moves on. 0, or -EBADMSG with c->error. */
int wire_decode(struct wire_src *c, const struct wire_table *t, void *rec, void *run);

/* Whether a and b hold the same present fields. */
bool wire_same(const struct wire_table *t, const void *a, const void *b);

bool wire_present(const struct wire_field *f, const void *rec);
unsigned wire_elems(const struct wire_field *f);
/* Element i of an integer field (host order), and its setter. */
u64 wire_get(const void *rec, const struct wire_field *f, unsigned i);
void wire_set(void *rec, const struct wire_field *f, unsigned i, u64 v);
/* The largest value an LE or VARINT field may hold. */
u64 wire_limit(const struct wire_field *f);

/* --- wire primitives, for the walker and custom kinds (proto/wire_prim.c) ---- */

void wire_put_le(struct wire_sink *s, u64 v, unsigned bytes);
void wire_put_varint(struct wire_sink *s, u64 v);
void wire_put_bytes(struct wire_sink *s, const void *data, size_t len);
int wire_get_le(struct wire_src *c, unsigned bytes, u64 *out);
int wire_get_varint(struct wire_src *c, u64 *out);
int wire_get_bytes(struct wire_src *c, void *out, size_t len); /* out NULL: skips */
/* Sets c->error and returns -EBADMSG; refuse_short says the value runs
 * past the end. */
int wire_refuse(struct wire_src *c, const char *why);
int wire_refuse_short(struct wire_src *c);

/* Zigzag: small magnitudes of either sign become small unsigned values.
 * Deltas are taken modulo 2^64, so any two u64 have one. */
static inline u64 wire_zigzag(u64 delta)
{
	return (delta << 1) ^ (0 - (delta >> 63));
}

static inline u64 wire_unzigzag(u64 z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

/*
 * Refusals that carry numbers ("frame sequence number 7, expected 5") are
 * built in one static buffer, valid until the next such refusal: the
 * hypervisor decodes on the boot CPU only and the host tools on one thread.
 * wire_msg starts "<a><n><b>" (b NULL: ends after the number) and
 * wire_msg_start "<s>"; the others append. All return the buffer.
 */
const char *wire_msg(const char *a, u64 n, const char *b);
const char *wire_msg_start(const char *s);
const char *wire_msg_str(const char *s);
const char *wire_msg_num(u64 n);

#endif
