/*
 * Builds Multiboot2 boot information (boot/mb2_spec.h) in memory, for the
 * unit tests and the fuzzers' seed generator. Header-only; no cmocka, so a
 * plain program can use it too. Running out of room aborts.
 */
#ifndef UNDERSTUDY_TEST_UNIT_MB2_BUILDER_H
#define UNDERSTUDY_TEST_UNIT_MB2_BUILDER_H

#include <stdlib.h>
#include <string.h>

#include "boot/mb2_spec.h"
#include "compiler.h"
#include "types.h"

struct mb2_builder {
	u8 *buf; /* 8-byte aligned */
	size_t cap;
	size_t len;
};

/* Starts an information block in buf: the header (total_size set later by
 * mb2b_finish) and no tags yet. */
static inline void mb2b_init(struct mb2_builder *b, void *buf, size_t cap)
{
	if (cap < sizeof(struct mb2_info_header))
		abort();
	b->buf = buf;
	b->cap = cap;
	b->len = sizeof(struct mb2_info_header);
	memset(buf, 0, cap);
}

/* Appends a zero-filled tag with the given header size and returns it; the
 * next tag starts at the following 8-byte boundary. */
static inline u8 *mb2b_tag(struct mb2_builder *b, u32 type, u32 size)
{
	size_t room = ALIGN_UP((size_t)size, (size_t)MB2_TAG_ALIGN);
	struct mb2_tag t = { type, size };
	u8 *tag = b->buf + b->len;

	if (room < sizeof(t) || room > b->cap - b->len)
		abort();
	memcpy(tag, &t, sizeof(t));
	b->len += room;
	return tag;
}

/* Command line or boot loader name: a NUL-terminated string tag. */
static inline u8 *mb2b_string(struct mb2_builder *b, u32 type, const char *s)
{
	u32 n = (u32)strlen(s) + 1;
	u8 *tag = mb2b_tag(b, type, 8 + n);

	memcpy(tag + 8, s, n);
	return tag;
}

static inline u8 *mb2b_module(struct mb2_builder *b, u32 start, u32 end, const char *s)
{
	u32 n = (u32)strlen(s) + 1;
	u8 *tag = mb2b_tag(b, MB2_TAG_MODULE, (u32)sizeof(struct mb2_tag_module) + n);
	struct mb2_tag_module m = { MB2_TAG_MODULE, (u32)sizeof(m) + n, start, end };

	memcpy(tag, &m, sizeof(m));
	memcpy(tag + sizeof(m), s, n);
	return tag;
}

/* A memory-map tag of n entries, each entry_size bytes (>= 24 normally). */
static inline u8 *mb2b_mmap(struct mb2_builder *b, const struct mb2_mmap_entry *e,
			    unsigned n, u32 entry_size)
{
	u32 size = (u32)sizeof(struct mb2_tag_mmap) + n * entry_size;
	u8 *tag = mb2b_tag(b, MB2_TAG_MMAP, size);
	struct mb2_tag_mmap h = { MB2_TAG_MMAP, size, entry_size, 0 };

	memcpy(tag, &h, sizeof(h));
	for (unsigned i = 0; i < n; i++)
		memcpy(tag + sizeof(h) + i * entry_size, &e[i],
		       entry_size < sizeof(e[i]) ? entry_size : sizeof(e[i]));
	return tag;
}

/* Any tag whose content is a plain structure: copies it whole, type and
 * size fields included. */
static inline u8 *mb2b_struct(struct mb2_builder *b, const void *s, u32 size)
{
	struct mb2_tag t;
	u8 *tag;

	memcpy(&t, s, sizeof(t));
	tag = mb2b_tag(b, t.type, t.size);
	memcpy(tag, s, size);
	return tag;
}

/* ACPI old (14) or new (15) RSDP tag holding a copy of rsdp. */
static inline u8 *mb2b_acpi(struct mb2_builder *b, u32 type, const void *rsdp, u32 len)
{
	u8 *tag = mb2b_tag(b, type, 8 + len);

	memcpy(tag + 8, rsdp, len);
	return tag;
}

/* Appends the end tag and fills in total_size; returns it. */
static inline u32 mb2b_finish(struct mb2_builder *b)
{
	struct mb2_info_header h;

	mb2b_tag(b, MB2_TAG_END, 8);
	h.total_size = (u32)b->len;
	h.reserved = 0;
	memcpy(b->buf, &h, sizeof(h));
	return h.total_size;
}

#endif
