/*
 * The migration stream's records as wire-field tables (proto/wire.h) and
 * what each frame type is; the frame checksum and the chain. The encoder
 * and the decoder both work from these, so they cannot disagree.
 */
#include "proto/migrate_proto.h"

#include <stddef.h>
#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"

#define HELLO(m) WIRE_AT(struct mig_hello, m)
#define PAGES(m) WIRE_AT(struct mig_pages, m)
#define ROUND(m) WIRE_AT(struct mig_round, m)
#define DONE(m) WIRE_AT(struct mig_done, m)

#define DEC4(n, at) { .name = n, .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC, at }
#define DEC8(n, at) { .name = n, .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_DEC, at }
#define HEX8(n, at) { .name = n, .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, at }

/* --- HELLO's magic: 8 fixed bytes, refused when they differ ------------------- */

static int magic_encode(struct wire_sink *s, const struct wire_field *f, const void *rec, void *run)
{
	wire_put_bytes(s, MIG_MAGIC, sizeof(MIG_MAGIC) - 1);
	return 0;
}

static int magic_decode(struct wire_src *c, const struct wire_field *f, void *rec, void *run)
{
	u8 magic[sizeof(MIG_MAGIC) - 1];
	int err = wire_get_bytes(c, magic, sizeof(magic));

	if (!err && memcmp(magic, MIG_MAGIC, sizeof(magic)))
		return wire_refuse(c, "bad magic (not " MIG_MAGIC ")");
	return err;
}

static bool magic_same(const struct wire_field *f, const void *a, const void *b)
{
	return true;
}

static const struct wire_custom magic = { magic_encode, magic_decode, magic_same };

/* --- the records ---------------------------------------------------------------- */

static const struct wire_field hello_head[] = {
	{ .name = "magic", .kind = WIRE_CUSTOM, .custom = &magic, .fmt = WIRE_TEXT },
	DEC4("version", HELLO(version)),
};
const struct wire_table mig_hello_head_table = WIRE_TABLE(hello_head);

static const struct wire_field hello[] = {
	HEX8("kernel_hash", HELLO(id.kernel_hash)),
	HEX8("modules_hash", HELLO(id.modules_hash)),
	HEX8("cmdline_hash", HELLO(id.cmdline_hash)),
	DEC8("ram_size", HELLO(id.ram_size)),
	DEC8("tsc_hz", HELLO(tsc_hz)),
	{ .name = "backend", .kind = WIRE_STR, .bytes = MIG_BACKEND_NAME, .fmt = WIRE_TEXT,
	  HELLO(backend) },
};
const struct wire_table mig_hello_table = WIRE_TABLE(hello);

static const struct wire_field pages[] = {
	DEC4("round", PAGES(round)),
	DEC4("count", PAGES(count)),
};
const struct wire_table mig_pages_table = WIRE_TABLE(pages);

static const struct wire_field round_[] = {
	DEC4("round", ROUND(round)),
	DEC8("pages", ROUND(pages)),
	DEC8("dirty_left", ROUND(dirty_left)),
};
const struct wire_table mig_round_table = WIRE_TABLE(round_);

static const struct wire_field done[] = {
	DEC8("frames", DONE(frames)),
	DEC8("pages", DONE(pages)),
	HEX8("chain", DONE(chain)),
};
const struct wire_table mig_done_table = WIRE_TABLE(done);

_Static_assert(sizeof(((struct mig_hello *)0)->backend) == MIG_BACKEND_NAME + 1,
	       "backend: the field and a NUL");
_Static_assert(MIG_HELLO_SIZE == MIG_HELLO_HEAD + 5 * 8 + MIG_BACKEND_NAME, "HELLO's layout");
_Static_assert(MIG_PAGES_PREFIX == 4 + 4, "PAGES prefix: round, count");
_Static_assert(MIG_ROUND_SIZE == 4 + 8 + 8, "ROUND: round, pages, dirty_left");
_Static_assert(MIG_DONE_SIZE == 3 * 8, "DONE: frames, pages, chain");

/* --- the frame types -------------------------------------------------------------- */

static const struct mig_type_info types[] = {
	{ MIG_HELLO, MIG_TO_DESTINATION, "HELLO", MIG_HELLO_HEAD, MIG_PAYLOAD_MAX },
	{ MIG_PAGES, MIG_TO_DESTINATION, "PAGES", MIG_PAGES_PREFIX, MIG_PAYLOAD_MAX },
	{ MIG_ROUND, MIG_TO_DESTINATION, "ROUND", MIG_ROUND_SIZE, MIG_ROUND_SIZE },
	{ MIG_STATE, MIG_TO_DESTINATION, "STATE", 1, MIG_PAYLOAD_MAX },
	{ MIG_DONE, MIG_TO_DESTINATION, "DONE", MIG_DONE_SIZE, MIG_DONE_SIZE },
	{ MIG_GO, MIG_TO_DESTINATION, "GO", 0, 0 },
	{ MIG_ACCEPT, MIG_TO_SOURCE, "ACCEPT", 0, 0 },
	{ MIG_REFUSE, MIG_TO_SOURCE, "REFUSE", 0, MIG_REASON_MAX },
	{ MIG_READY, MIG_TO_SOURCE, "READY", 0, 0 },
	{ MIG_HOLDS, MIG_TO_SOURCE, "HOLDS", MIG_PAGES_PREFIX, MIG_PAYLOAD_MAX },
};

const struct mig_type_info *mig_type(u8 type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

const char *mig_frame_name(u8 type)
{
	const struct mig_type_info *t = mig_type(type);

	return t ? t->name : wire_msg("type ", type, NULL);
}

/* --- checksum and chain ------------------------------------------------------------ */

u64 mig_checksum(const u8 *hdr, const u8 *payload, size_t len, u64 seq)
{
	struct hash64_state s;

	hash64_begin(&s, seq);
	hash64_add(&s, hdr, 8);
	if (len)
		hash64_add(&s, payload, len);
	return hash64_end(&s);
}

u64 mig_chain_next(u64 chain, u64 checksum)
{
	u8 le[8];

	le_put(le, checksum, 8);
	return hash64(le, sizeof(le), chain);
}
