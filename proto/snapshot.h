/*
 * The snapshot format, version 1 (docs/snapshot-format.md): a whole VM —
 * vCPU state, each device model's own versioned state, record/replay
 * state and guest memory — in a form independent of the hypervisor build
 * and of the virtualization backend (a snapshot taken on VMX resumes on
 * SVM). A header names the guest image it belongs to; sections follow,
 * each with a type, flags (MANDATORY), a version, a length and an XXH3
 * checksum; END closes the snapshot and chains every section's checksum.
 *
 * Each record is described once, as a table of wire fields
 * (proto/snapshot_types.c, proto/wire.h), from which the writer, the
 * reader and hvlog work. Pure code for the hypervisor and the host tools:
 * no heap (the caller lends buffers), and a snapshot is outside input: the
 * reader verifies the whole of it before anything is applied.
 */
#ifndef UNDERSTUDY_PROTO_SNAPSHOT_H
#define UNDERSTUDY_PROTO_SNAPSHOT_H

#include "proto/page_codec.h"
#include "hash.h"
#include "proto/wire.h"
#include "types.h"

#define SNAP_MAGIC "USTDYSNP"
#define SNAP_MAGIC_SIZE 8
#define SNAP_VERSION 1
#define SNAP_HEADER_SIZE 104        /* what version 1 writes */
#define SNAP_SECTION_HDR_SIZE 20    /* checksum, type, flags, version, reserved, length */
#define SNAP_SECTION_MAX (16u << 20) /* largest section payload */
#define SNAP_PAGE_SIZE PAGE_CODEC_PAGE
#define SNAP_DEVICE_NAME 16         /* bytes of a device's name on the wire */
#define SNAP_MEMORY_PREFIX 12       /* MEMORY: base page, page count */
#define SNAP_MEMORY_RECORD_MAX (10 + PAGE_CODEC_MAX) /* page delta varint, encoding */
#define SNAP_SCRATCH_MIN (SNAP_MEMORY_PREFIX + 4 * SNAP_MEMORY_RECORD_MAX)

#define SNAP_SECTION_MANDATORY (1u << 0) /* a reader that does not know it must refuse */

enum snap_section_type {
	SNAP_VCPU = 1,
	SNAP_DEVICE = 2,
	SNAP_RR = 3,
	SNAP_MEMORY = 4,
	SNAP_END = 5,
};

/* Segment registers, in the order of the VCPU record. */
enum snap_seg { SNAP_ES, SNAP_CS, SNAP_SS, SNAP_DS, SNAP_FS, SNAP_GS, SNAP_LDTR, SNAP_TR,
		SNAP_SEGS };

/* Debug registers, in the order of the VCPU record. */
enum snap_dr { SNAP_DR0, SNAP_DR1, SNAP_DR2, SNAP_DR3, SNAP_DR6, SNAP_DR7, SNAP_DRS };

/* The guest-visible MSRs a VCPU record carries (SDM Vol 4, Chapter 2
 * "Model-Specific Registers (MSRs)"; APM Vol 2, Appendix A "MSR Cross-
 * Reference"), by their architectural names. */
enum snap_msr {
	SNAP_MSR_STAR,           /* C000_0081h */
	SNAP_MSR_LSTAR,          /* C000_0082h */
	SNAP_MSR_CSTAR,          /* C000_0083h */
	SNAP_MSR_SFMASK,         /* C000_0084h */
	SNAP_MSR_KERNEL_GS_BASE, /* C000_0102h */
	SNAP_MSR_SYSENTER_CS,    /* 174h */
	SNAP_MSR_SYSENTER_ESP,   /* 175h */
	SNAP_MSR_SYSENTER_EIP,   /* 176h */
	SNAP_MSR_PAT,            /* 277h */
	SNAP_MSR_TSC_AUX,        /* C000_0103h */
	SNAP_MSR_APIC_BASE,      /* 1Bh */
	SNAP_MSR_MISC_ENABLE,    /* 1A0h */
	SNAP_MSRS
};

/*
 * Segment attributes, architecture-neutral: the 12-bit packing of the
 * VMCB's segment ATTRIB field (APM Vol 2, Appendix B "Layout of VMCB",
 * the state save area's segment registers), bit 0-3 type, 4 S, 5-6 DPL, 7 P,
 * 8 AVL, 9 L, 10 D/B, 11 G, plus bit 12 "unusable" (SDM Vol 3, 24.4.1
 * "Guest Register State", access-rights bit 16, which SVM expresses as
 * P clear). The VMX access-rights format has the same bits with the upper
 * four at 12-15 and unusable at 16.
 */
#define SNAP_SEG_UNUSABLE (1u << 12)

static inline u16 snap_seg_attr_from_vmx(u32 ar)
{
	return (u16)((ar & 0xFF) | ((ar >> 4) & 0xF00) | ((ar >> 4) & SNAP_SEG_UNUSABLE));
}

static inline u32 snap_seg_attr_to_vmx(u16 attr)
{
	return (u32)(attr & 0xFF) | ((u32)(attr & 0xF00) << 4) | ((u32)(attr & SNAP_SEG_UNUSABLE) << 4);
}

/* Interruptibility bits (SDM Vol 3, 24.4.2 "Guest Non-Register State",
 * interruptibility state; APM Vol 2, 15.21.5 "Interrupt Shadows" and
 * 15.21.4 "Injecting Virtual Interrupts"; SVM keeps NMI blocking itself). */
#define SNAP_INTR_STI (1u << 0)    /* blocking by STI */
#define SNAP_INTR_MOV_SS (1u << 1) /* blocking by MOV SS / POP SS */
#define SNAP_INTR_NMI (1u << 2)    /* NMIs blocked (one in service) */

/* A pending event's type: the SDM's interruption-type encoding (SDM Vol 3,
 * 24.8.3 "VM-Entry Controls for Event Injection"); SVM's EVENTINJ types
 * (APM Vol 2, 15.20 "Event Injection") map onto 0, 2, 3 and 4. */
enum snap_event_type {
	SNAP_EVENT_EXT_INT = 0,
	SNAP_EVENT_NMI = 2,
	SNAP_EVENT_HW_EXCEPTION = 3,
	SNAP_EVENT_SW_INT = 4,
	SNAP_EVENT_PRIV_SW_EXCEPTION = 5,
	SNAP_EVENT_SW_EXCEPTION = 6,
};

enum snap_activity { SNAP_ACTIVE = 0, SNAP_HALTED = 1 };

/* The file header. */
struct snap_header {
	u32 flags;
	u64 kernel_hash;   /* as the rr log header has them (docs/log-format.md) */
	u64 modules_hash;
	u64 cmdline_hash;
	u64 ram_size;      /* bytes of guest RAM */
	u64 tsc_hz;        /* the guest's TSC frequency */
	char backend[9];   /* where it was taken ("vmx", "svm"); informational */
	char version[25];  /* the hypervisor that wrote it; informational */
};

/* What the reader checks a snapshot against: the guest image and RAM. */
struct snap_identity {
	u64 kernel_hash;
	u64 modules_hash;
	u64 cmdline_hash;
	u64 ram_size;
};

/* One vCPU (the VCPU section). */
struct snap_vcpu {
	u32 id;
	u64 gpr[16];               /* RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15 */
	u64 rip, rflags;
	u16 seg_sel[SNAP_SEGS];
	u16 seg_attr[SNAP_SEGS];   /* the neutral packing above */
	u32 seg_limit[SNAP_SEGS];  /* byte granular (the limit as the CPU applies it) */
	u64 seg_base[SNAP_SEGS];
	u64 gdtr_base, idtr_base;
	u16 gdtr_limit, idtr_limit;
	u64 cr0, cr2, cr3, cr4, cr8, xcr0;
	u64 efer;
	u64 dr[SNAP_DRS];
	u64 msr[SNAP_MSRS];
	u64 tsc;                   /* the TSC value the guest reads at the snapshot */
	u8 event_valid;            /* an event to deliver on resume */
	u8 event_type;             /* enum snap_event_type */
	u8 event_vector;
	u8 event_has_error;
	u32 event_error;
	u8 interruptibility;       /* SNAP_INTR_* */
	u8 activity;               /* enum snap_activity */
};

/* Record/replay state (the RR section). */
struct snap_rr {
	u64 landmark;              /* guest-caused exits so far */
	u64 device_time_ns;        /* the virtual devices' clock */
};

/* One device model's state (a DEVICE section). */
struct snap_device {
	char name[SNAP_DEVICE_NAME + 1]; /* NUL-terminated */
	u32 version;               /* the device's own state version */
	const u8 *state;           /* its bytes (reader: in the snapshot) */
	u32 len;
};

/* The prefix of a MEMORY section. */
struct snap_memory {
	u64 base_page;             /* page numbers in it start here */
	u32 count;                 /* pages that follow */
};

/* END: what came before it. */
struct snap_end {
	u32 sections;              /* sections before END */
	u64 pages;                 /* pages in all MEMORY sections */
	u64 chain;                 /* XXH3 chained over each section's checksum */
};

/* A section's header. */
struct snap_section {
	u64 checksum;              /* XXH3-64 of the header after it and the payload */
	u16 type;
	u16 flags;
	u16 version;
	u32 length;
};

/* --- the tables (proto/snapshot_types.c) ------------------------------------- */

extern const struct wire_table snap_header_table;   /* header fields after magic, version, length */
extern const struct wire_table snap_section_table;  /* section header after its checksum */
extern const struct wire_table snap_vcpu_table;
extern const struct wire_table snap_rr_table;
extern const struct wire_table snap_device_table;   /* its name and version; the state follows */
extern const struct wire_table snap_memory_table;   /* the prefix; the pages follow */
extern const struct wire_table snap_end_table;

/* What a reader knows of each section type. */
struct snap_type_info {
	u16 type;
	u16 version;                     /* the version this reader knows */
	const char *name;                /* "VCPU", ... */
	const struct wire_table *table;  /* the record (a prefix for DEVICE, MEMORY) */
	size_t record_size;              /* sizeof its struct */
};

/* The type's description, or NULL for a type this reader does not know. */
const struct snap_type_info *snap_type(u16 type);
/* The type's name, or "type <n>" (in a static buffer) for another. */
const char *snap_type_name(u16 type);

/* --- writing (proto/snapshot_writer.c) ------------------------------------------ */

/* Where a snapshot's bytes go (a buffer, the serial log sink, a TCP
 * stream): 0, or a negative errno that stops the writer. */
typedef int (*snap_sink_fn)(void *ctx, const void *data, size_t len);

/*
 * A streaming writer: the header, then sections in any order (VCPU, DEVICE
 * and RR records are written whole at once; pages gather in the scratch
 * buffer into MEMORY sections), then END. Each call returns 0 or a
 * negative errno (the sink's, -EINVAL for a record the reader would
 * refuse, -EBUSY after END or an earlier failure).
 */
struct snap_writer {
	snap_sink_fn sink;
	void *ctx;
	u8 *scratch;               /* a MEMORY section being built */
	size_t scratch_cap;
	size_t mem_len;            /* bytes of it so far (prefix included) */
	struct snap_memory mem;    /* its prefix */
	u64 mem_next;              /* the section's running page number */
	u64 next_page;             /* the page after the last one written */
	u64 ram_pages;
	struct hash64_state hash;  /* a section's checksum being computed */
	struct page_codec_work *work;
	struct snap_end end;       /* sections and pages so far, the chain */
	u64 zero_pages;            /* pages elided as zero */
	bool write_zero;           /* zero pages written (a delta over RAM kept) */
	u64 bytes;                 /* written to the sink so far */
	int error;                 /* the first failure: the writer stops */
	bool header_done, ended;
};

/* @pre scratch holds at least SNAP_SCRATCH_MIN bytes (a larger buffer
 * makes fewer MEMORY sections; at most SNAP_SECTION_MAX is used). */
void snap_writer_init(struct snap_writer *w, snap_sink_fn sink, void *ctx, u8 *scratch,
		      size_t scratch_cap, struct page_codec_work *work);
int snap_write_header(struct snap_writer *w, const struct snap_header *h);
int snap_write_vcpu(struct snap_writer *w, const struct snap_vcpu *v);
int snap_write_rr(struct snap_writer *w, const struct snap_rr *rr);
/* A device's state as a DEVICE section; mandatory unless the device says a
 * resume can go on without it. */
int snap_write_device(struct snap_writer *w, const struct snap_device *d, bool mandatory);
/* Guest page number pfn (pages in increasing order, below the header's
 * ram_size): elided when zero, else encoded (page codec) into the MEMORY
 * section being built. */
int snap_write_page(struct snap_writer *w, u64 pfn, const u8 *page);
/* The same, possibly as a delta against prev (the copy the reader holds
 * of this page; NULL: none): for a snapshot applied over RAM the reader
 * keeps (a checkpoint epoch, docs/snapshot-format.md "Deltas"). */
int snap_write_page_against(struct snap_writer *w, u64 pfn, const u8 *page, const u8 *prev);
/* Closes the last MEMORY section and writes END. */
int snap_write_end(struct snap_writer *w);

/* A sink into a caller's buffer. */
struct snap_buf {
	u8 *p;
	size_t cap, len;
};
int snap_buf_sink(void *ctx, const void *data, size_t len); /* -ENOSPC when full */

/* --- reading (proto/snapshot_reader.c) ------------------------------------------- */

/* What a pass over a snapshot hands out, section by section; each may be
 * NULL. Pages absent from the snapshot are zero: apply calls ram_clear
 * once before the first page. A callback's nonzero return stops the pass
 * and is returned. */
struct snap_ops {
	int (*header)(void *ctx, const struct snap_header *h);
	int (*vcpu)(void *ctx, const struct snap_vcpu *v);
	int (*device)(void *ctx, const struct snap_device *d);
	int (*rr)(void *ctx, const struct snap_rr *rr);
	int (*ram_clear)(void *ctx);
	int (*page)(void *ctx, u64 pfn, const u8 *page, unsigned enc, size_t enc_len);
	/* The copy of page pfn a delta-encoded page is against (RAM the
	 * reader keeps), or NULL: such a page is then refused. */
	const u8 *(*prev)(void *ctx, u64 pfn);
	int (*section)(void *ctx, size_t off, const struct snap_section *s, const char *name,
		       bool known);
	int (*end)(void *ctx, const struct snap_end *e);
};

/* A pass over a snapshot in memory. */
struct snap_reader {
	const u8 *data;
	size_t size;
	struct snap_header hdr;
	struct snap_end totals;    /* counted while reading; END must agree */
	u64 next_page;
	u32 vcpus, rrs;
	struct page_codec_work *work;
	u8 page[SNAP_PAGE_SIZE];   /* the page being decoded */
	char msg[192];             /* why it was refused */
};

/* The header alone, for a receiver that has only a snapshot's first bytes
 * (hvcollect's HELLO): decodes it into r->hdr and returns its length, or
 * -EINVAL (truncated), -EBADMSG, -ENOTSUP with r->msg saying why. */
int snap_read_header(struct snap_reader *r, const u8 *data, size_t size);

/*
 * Verifies the whole snapshot: header (magic, version, length, checksum),
 * the guest identity when expect is not NULL, every section's bounds,
 * checksum, type and version (an unknown mandatory section is refused, an
 * unknown optional one skipped), every record and page, one RR and at least
 * one VCPU, END last with the chain and totals of what came before, nothing
 * after it. Returns 0, or -EINVAL (truncated), -EBADMSG (corrupt),
 * -ENOTSUP (a version or mandatory section this reader does not know),
 * -EPERM (another guest's snapshot) with r->msg naming the section and its
 * offset. ops (may be NULL) sees each part as it is read.
 */
int snap_verify(struct snap_reader *r, const u8 *data, size_t size,
		const struct snap_identity *expect, const struct snap_ops *ops, void *ctx,
		struct page_codec_work *work);

/*
 * Applies a snapshot: verifies all of it first (nothing is handed out from
 * a snapshot that fails), then passes over it again calling ops, ram_clear
 * before the first page. Returns what snap_verify returns, or a
 * callback's failure.
 */
int snap_apply(struct snap_reader *r, const u8 *data, size_t size,
	       const struct snap_identity *expect, const struct snap_ops *ops, void *ctx,
	       struct page_codec_work *work);

#endif
