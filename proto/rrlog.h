/*
 * The record/replay log and trace format, version 2 (docs/log-format.md):
 * header, frames, entries. Each entry type is described once, as a table
 * of wire fields (proto/rrlog_types.c), from which the writer, the reader
 * and the tools work. Pure code shared by the hypervisor and the host tools
 * (hvlog, hvcollect); logs are outside input, so every decode is
 * bounds-checked and fuzzed on the host.
 */
#ifndef UNDERSTUDY_PROTO_RRLOG_H
#define UNDERSTUDY_PROTO_RRLOG_H

#include "proto/wire.h"
#include "types.h"

#define RRLOG_MAGIC "USTDYLOG"
#define RRLOG_TRACE_MAGIC "USTDYTRC"
#define RRLOG_MAGIC_SIZE 8
#define RRLOG_VERSION 6 /* RRLOG_VERSION_TEXT says it too */
#define RRLOG_VERSION_TEXT "6" /* RRLOG_VERSION, for messages */
#define RRLOG_VERSION_OLDEST 3         /* the oldest version a reader takes */
#define RRLOG_VERSION_OLDEST_TEXT "3"
#define RRLOG_HEADER_SIZE 112          /* what versions 1 and 2 write */
#define RRLOG_FRAME_MAGIC "FRM1"
#define RRLOG_FRAME_HEADER_SIZE 24
#define RRLOG_FRAME_MAGIC_SIZE 4
#define RRLOG_FRAME_LENGTH 4           /* frame header: u32 payload length */
#define RRLOG_FRAME_SEQ 8              /* u64 sequence number */
#define RRLOG_FRAME_COUNT 16           /* u32 entries */
#define RRLOG_FRAME_CHECKSUM 20        /* u32 XXH32 of the payload */
#define RRLOG_FRAME_MAX_PAYLOAD 65536
#define RRLOG_DIGEST_REGS 22
#define RRLOG_DIGEST_PAGES_MAX 4096    /* pages in one DIGEST_PAGES entry */
#define RRLOG_PAGE_SIZE 4096           /* a guest page, as WINDOW_PAGE carries it */
#define RRLOG_ENTRY_MAX (RRLOG_PAGE_SIZE + 256) /* longest entry but DIGEST_PAGES */
#define RRLOG_CHECKPOINT_CHUNK 4096    /* checkpoint bytes in one CHECKPOINT_DATA entry, at most */
#define RRLOG_ASYNC_REGS 17            /* RAX..R15 and RFLAGS of an async landmark */
#define RRLOG_FPU_MAX 4096             /* bytes of an FPU_STATE, at most */
#define RRLOG_PAGE_CODED_MAX (RRLOG_PAGE_SIZE + 1) /* a page codec encoding, at most */
#define RRLOG_NET_FRAME_MIN 14         /* a received Ethernet frame: its header at least */
#define RRLOG_NET_FRAME_MAX 1514       /* and at most a full frame without FCS */
#define RRLOG_NET_TX_MAX 65535         /* a sent frame's logged length, at most */

#define RRLOG_FLAG_TBIT (1u << 0)
#define RRLOG_FLAG_BRANCHES (1u << 1)
#define RRLOG_FLAG_TRACE (1u << 2)
#define RRLOG_FLAG_JOINED (1u << 3)     /* starts from a migrated state (a backup's join) */

#define RRLOG_KIND_TYPE_MASK 0x3F
#define RRLOG_KIND_ASYNC 0x40
#define RRLOG_KIND_BRANCH 0x80

enum rrlog_type {
	RR_RDTSC = 1,
	RR_RDTSCP = 2,
	RR_RDRAND = 3,
	RR_RDSEED = 4,
	RR_CLOCK = 5,
	RR_IO_IN = 6,
	RR_INTERRUPT = 7,
	RR_DIGEST = 8,
	RR_END = 9,
	RR_MMIO_IN = 10,
	RR_SERIAL_IN = 11,
	RR_DIGEST_PAGES = 12,
	RR_CPUID = 13,
	RR_WINDOW_PAGE = 14,
	RR_SNAPSHOT = 15,
	RR_OUTPUT = 16,          /* version 4: the console bytes written since the last one */
	RR_CHECKPOINT_DATA = 17, /* version 4: a piece of a resync checkpoint */
	RR_FPU_STATE = 18,       /* version 5: the x87/SSE/AVX registers at an async entry */
	RR_WINDOW_PAGE_CODED = 19, /* version 6: WINDOW_PAGE in the page codec's form */
	RR_FPU_STATE_LZ4 = 20,   /* version 6: FPU_STATE compressed with LZ4 */
	RR_NET_RX = 21,          /* version 6: a frame the guest's NIC received (async) */
	RR_NET_TX = 22,          /* version 6: a frame the guest's NIC sent: length and hash */
	RR_T_EXIT = 32,
	RR_T_IO = 33,
	RR_T_PT_WRITE = 34,
	RR_T_INSN = 35,
};

/* Digest register order (docs/log-format.md, "State digest"). */
enum rrlog_digest_reg {
	RR_REG_RIP, RR_REG_RFLAGS,
	RR_REG_GPR0, /* RAX; RR_REG_GPR0 + n is register n in encoding order */
	RR_REG_CR0 = RR_REG_GPR0 + 16, RR_REG_CR3, RR_REG_CR4, RR_REG_EFER,
};

struct rrlog_header {
	bool trace;        /* USTDYTRC rather than USTDYLOG */
	u32 flags;
	u64 kernel_hash;
	u64 modules_hash;
	u64 cmdline_hash;
	u64 ram_size;
	u64 start_epoch;
	u64 tsc_hz;
	char backend[9];   /* NUL-terminated */
	u32 digest_interval;
	u32 window_pages;  /* version 5: the write window's size; 0 before (16 pages) */
	char version[25];  /* NUL-terminated */
};

struct rrlog_page_hash {
	u64 page;          /* page number (guest-physical address / 4096) */
	u32 hash;          /* low 32 bits of its XXH3-64 */
};

/* How a recorded run ended (END's how). */
#define RRLOG_END_EXITED 0     /* the guest exited (code: its exit code) */
#define RRLOG_END_STOPPED 1    /* the hypervisor stopped it */
#define RRLOG_END_SWITCHOVER 2 /* role=primary: the guest was handed to the backup here
				* (hvctl switchover); the backup goes live at this landmark */
#define RRLOG_END_CHECKPOINTS 3 /* role=primary ft=auto: the pair follows by checkpoint
				 * epochs from here; the backup replayed to this landmark */

struct rrlog_entry {
	enum rrlog_type type;
	bool async;
	bool has_branches;
	u64 landmark;      /* guest-caused exits so far (absolute) */
	u64 rip;           /* absolute */
	u64 regs[RRLOG_ASYNC_REGS]; /* async only: RAX..R15, RFLAGS (RF clear) */
	u64 state_hash;    /* async only: its registers and the rest of the vCPU (docs/log-format.md) */
	u64 memory_hash;   /* async only: the write window's pages */
	u64 branches;      /* absolute, has_branches only */
	union {
		u64 tsc;                                   /* RDTSC */
		struct { u64 tsc; u32 aux; } rdtscp;       /* RDTSCP */
		struct { u8 size; u8 cf; u64 value; } rand; /* RDRAND, RDSEED */
		u64 clock_ns;                              /* CLOCK, absolute */
		struct { u16 port; u8 size; u32 value; } io; /* IO_IN */
		u8 vector;                                 /* INTERRUPT */
		struct {
			u8 count;
			u64 regs[RRLOG_DIGEST_REGS];
			u64 memory_hash;
			u64 pages;                         /* changed pages that follow */
		} digest;                                  /* DIGEST */
		struct {
			u32 count;
			/* encoding: a pointer into the frame; decode with
			 * rrlog_pages_next (writer: set pages/count instead) */
			const u8 *enc;
			size_t enc_len;
			const struct rrlog_page_hash *pages;
		} pages;                                   /* DIGEST_PAGES */
		struct { u8 how; u32 code; } end;          /* END: how is RRLOG_END_* */
		struct { u64 gpa; u8 size; u64 value; } mmio; /* MMIO_IN */
		u8 byte;                                   /* SERIAL_IN */
		struct { u32 leaf, subleaf, eax, ebx, ecx, edx; } cpuid; /* CPUID */
		struct {
			u64 page;                          /* guest page number */
			/* its RRLOG_PAGE_SIZE bytes: the writer's, or the
			 * reader's in the frame */
			const u8 *data;
		} window_page;                             /* WINDOW_PAGE */
		struct {
			u64 hash;                          /* XXH3-64 (seed 0) of the whole snapshot */
			u64 device_time_ns;                /* its RR section's device time */
		} snapshot;                                /* SNAPSHOT */
		struct {
			u64 offset;                        /* of the first byte in the console stream */
			u64 count;                         /* bytes written since the last OUTPUT */
			u64 hash;                          /* XXH3-64 (seed 0) of those bytes */
		} output;                                  /* OUTPUT */
		struct {
			u64 offset;                        /* of the piece in the checkpoint */
			u32 len;                           /* 1 to RRLOG_CHECKPOINT_CHUNK */
			/* its bytes: the writer's, or the reader's in the frame */
			const u8 *data;
		} checkpoint;                              /* CHECKPOINT_DATA */
		struct {
			u32 len;                           /* 1 to RRLOG_FPU_MAX */
			/* the canonical register area (arch/x86/fpu.h): the
			 * writer's, or the reader's in the frame */
			const u8 *data;
		} fpu;                                     /* FPU_STATE */
		struct {
			u64 page;                          /* guest page number */
			u32 len;                           /* 1 to RRLOG_PAGE_CODED_MAX */
			/* the page in proto/page_codec.h's form (zero, raw or
			 * LZ4: no delta kind): the writer's, or the reader's
			 * in the frame */
			const u8 *data;
		} window_coded;                            /* WINDOW_PAGE_CODED */
		struct {
			u32 len;                           /* of the register area, 1 to RRLOG_FPU_MAX */
			u32 lz4_len;                       /* of its LZ4 block, 1 to RRLOG_FPU_MAX */
			/* the LZ4 block: the writer's, or the reader's in the frame */
			const u8 *data;
		} fpu_lz4;                                 /* FPU_STATE_LZ4 */
		struct {
			u32 len;                           /* RRLOG_NET_FRAME_MIN to _MAX */
			/* the frame's bytes (no virtio-net header): the
			 * writer's, or the reader's in the frame */
			const u8 *data;
		} net_rx;                                  /* NET_RX */
		struct {
			u32 len;                           /* of the frame, without the header */
			u64 hash;                          /* XXH3-64 (seed 0) of its bytes */
		} net_tx;                                  /* NET_TX */
		struct { u32 reason; u32 raw; } t_exit;    /* T_EXIT */
		struct { u8 in; u16 port; u8 size; u32 value; } t_io; /* T_IO */
		u64 t_pt_gpa;                              /* T_PT_WRITE */
		struct { u8 len; u8 bytes[15]; } t_insn;   /* T_INSN */
	};
};

/* Running values that deltas are taken against, shared by the writer and
 * the reader so both continue across frames. */
struct rrlog_delta_state {
	u64 landmark;
	u64 rip;
	u64 tsc;
	u64 clock_ns;
	u64 branches;
	u64 digest_page; /* previous page number within the current digest */
};

/* --- the tables (proto/rrlog_types.c, rrlog_header.c) -------------------- */

/* One entry type: its name and its body's fields in wire order. */
struct rrlog_type_desc {
	const char *name;
	struct wire_table body;
	bool trace;          /* only in traces (USTDYTRC) */
};

/* The description of type, or NULL for an unknown type. */
const struct rrlog_type_desc *rrlog_type(unsigned type);

/* Whether a log (trace false) or a trace may hold type. */
bool rrlog_type_known(unsigned type, bool trace);

/* Name of an entry type ("RDTSC", ...), or NULL for an unknown type. */
const char *rrlog_type_name(unsigned type);

/* Whether type carries state for the async entries after it at its
 * landmark (a window page, the FPU registers, in any of their forms):
 * such an entry is stamped without registers, and replay keeps it until
 * they come. */
bool rrlog_type_is_async_state(unsigned type);

/* What follows every entry's kind byte: landmark, RIP, the async registers
 * and the branch count (struct rrlog_entry, deltas against
 * struct rrlog_delta_state). */
extern const struct wire_table rrlog_prefix;

/* The header's fields after magic, version and length (struct rrlog_header). */
extern const struct wire_table rrlog_header_table;

/* The hand-written field kinds: DIGEST's counted registers, the
 * DIGEST_PAGES page list (whose pages compare through pages.pages), a
 * WINDOW_PAGE's page, and sized bytes: a const u8 * member (off) holding
 * as many bytes as the u32 member at len_at says, 1 to max (the bytes of
 * CHECKPOINT_DATA and FPU_STATE). */
extern const struct wire_custom rrlog_digest_regs, rrlog_page_list, rrlog_page_contents,
	rrlog_sized_bytes;

/* A sized-bytes field's length and bytes in e. */
u32 rrlog_sized_len(const struct rrlog_entry *e, const struct wire_field *f);
const u8 *rrlog_sized_data(const struct rrlog_entry *e, const struct wire_field *f);

/* Whether a and b are the same entry, field by field. */
bool rrlog_entry_same(const struct rrlog_entry *a, const struct rrlog_entry *b);

/* --- header (proto/rrlog_header.c) ------------------------------------------ */

/* Writes the header (RRLOG_HEADER_SIZE bytes); returns its size,
 * or 0 when cap is too small. */
size_t rrlog_write_header(const struct rrlog_header *h, u8 *out, size_t cap);

/* Decodes a header at data; returns its length (H), or -EINVAL/-EBADMSG/
 * -ENOTSUP with *why naming what is wrong. */
int rrlog_read_header(const u8 *data, size_t len, struct rrlog_header *h, const char **why);

/* --- writing (proto/rrlog_writer.c) ----------------------------------------- */

struct rrlog_writer {
	u8 *buf;           /* frame header space, then the payload */
	size_t cap;        /* bytes available at buf (header + payload) */
	size_t len;        /* payload bytes so far */
	u32 entries;
	u64 seq;           /* sequence number of the frame being built */
	struct rrlog_delta_state d;
};

/* @pre cap > RRLOG_FRAME_HEADER_SIZE + RRLOG_ENTRY_MAX and
 * cap <= RRLOG_FRAME_HEADER_SIZE + RRLOG_FRAME_MAX_PAYLOAD. */
void rrlog_writer_init(struct rrlog_writer *w, u8 *buf, size_t cap);

/* Appends e (its landmark, rip, branches and values are absolute; the
 * writer encodes deltas). Returns 0, -ENOSPC when e does not fit in the
 * current frame (nothing written: finish the frame, then retry), -E2BIG
 * when it cannot fit even an empty frame, or -EINVAL for a malformed entry
 * (e.g. a landmark going backwards). */
int rrlog_append(struct rrlog_writer *w, const struct rrlog_entry *e);

/* Completes the frame being built (writes its header at buf); returns the
 * frame's total size, or 0 when it holds no entry. The writer then starts
 * the next frame in the same buffer. */
size_t rrlog_finish_frame(struct rrlog_writer *w);

/* --- reading (proto/rrlog_reader.c, rrlog_pages.c) -------------------------- */

struct rrlog_reader {
	const u8 *payload;
	size_t payload_len, pos;
	u32 entries_left;
	u64 next_seq;
	bool trace;
	struct rrlog_delta_state d;
	const char *error; /* why the last call failed */
};

void rrlog_reader_init(struct rrlog_reader *r, bool trace);

/* Validates the frame at data (len bytes available) and positions the
 * reader on its entries. Returns the frame's total size, or -ENODATA when
 * len holds less than a whole frame (truncated), -EBADMSG for a bad magic,
 * length, sequence number or checksum (r->error says which). */
long rrlog_open_frame(struct rrlog_reader *r, const u8 *data, size_t len);

/* Decodes the next entry of the open frame: 1 with *e, 0 when the frame is
 * used up (its stated entry count reached exactly at its end), or -EBADMSG
 * with r->error naming the problem. */
int rrlog_next(struct rrlog_reader *r, struct rrlog_entry *e);

/* Iterates a DIGEST_PAGES entry: 1 with *out, 0 at its end, -EBADMSG. */
struct rrlog_pages_iter {
	const u8 *p, *end;
	u32 left;
	u64 *prev_page; /* the reader's digest_page, advanced as pages are read */
};
void rrlog_pages_begin(struct rrlog_pages_iter *it, struct rrlog_reader *r,
		       const struct rrlog_entry *e);
int rrlog_pages_next(struct rrlog_pages_iter *it, struct rrlog_page_hash *out);

#endif
