/*
 * The snapshot's records as wire-field tables (proto/wire.h): the header,
 * the section header and each section type's record. The writer, the
 * reader and hvlog all work from these, so they cannot disagree; a field
 * more is a line more (and a section version more).
 */
#include "proto/snapshot.h"

#include <stddef.h>

#define HDR(m) WIRE_AT(struct snap_header, m)
#define SEC(m) WIRE_AT(struct snap_section, m)
#define VCPU(m) WIRE_AT(struct snap_vcpu, m)
#define RR(m) WIRE_AT(struct snap_rr, m)
#define DEV(m) WIRE_AT(struct snap_device, m)
#define MEM(m) WIRE_AT(struct snap_memory, m)
#define END(m) WIRE_AT(struct snap_end, m)

/* Integers of 2, 4 and 8 bytes, little-endian, shown in hex or decimal. */
#define LE2(n, at) { .name = n, .kind = WIRE_LE, .bytes = 2, .fmt = WIRE_HEX, at }
#define LE4(n, at) { .name = n, .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_HEX, at }
#define LE8(n, at) { .name = n, .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, at }
#define DEC4(n, at) { .name = n, .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC, at }
#define DEC8(n, at) { .name = n, .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_DEC, at }
#define LE1(n, at, mx) { .name = n, .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, .max = mx, at }

/* --- the header, after magic (8), version (u16) and length (u16) ------------- */

static const struct wire_field header[] = {
	LE4("flags", HDR(flags)),
	LE8("kernel_hash", HDR(kernel_hash)),
	LE8("modules_hash", HDR(modules_hash)),
	LE8("cmdline_hash", HDR(cmdline_hash)),
	LE8("ram_size", HDR(ram_size)),
	DEC8("tsc_hz", HDR(tsc_hz)),
	{ .name = "backend", .kind = WIRE_STR, .bytes = 8, .fmt = WIRE_TEXT, HDR(backend) },
	{ .name = "hv_version", .kind = WIRE_STR, .bytes = 24, .fmt = WIRE_TEXT, HDR(version) },
	{ .kind = WIRE_PAD, .bytes = 8 },
};
const struct wire_table snap_header_table = WIRE_TABLE(header);

/* --- a section's header, after its checksum ----------------------------------- */

static const struct wire_field section[] = {
	{ .name = "type", .kind = WIRE_LE, .bytes = 2, .fmt = WIRE_DEC, SEC(type) },
	LE2("flags", SEC(flags)),
	{ .name = "version", .kind = WIRE_LE, .bytes = 2, .fmt = WIRE_DEC, SEC(version) },
	{ .kind = WIRE_PAD, .bytes = 2 },
	{ .name = "length", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC, .max = SNAP_SECTION_MAX,
	  SEC(length) },
};
const struct wire_table snap_section_table = WIRE_TABLE(section);

/* --- VCPU: an architecture-neutral register record ------------------------------ */

static const char *const gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const seg_names[SNAP_SEGS] = {
	"es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr",
};
static const char *const dr_names[SNAP_DRS] = { "dr0", "dr1", "dr2", "dr3", "dr6", "dr7" };
static const char *const msr_names[SNAP_MSRS] = {
	[SNAP_MSR_STAR] = "star",
	[SNAP_MSR_LSTAR] = "lstar",
	[SNAP_MSR_CSTAR] = "cstar",
	[SNAP_MSR_SFMASK] = "sfmask",
	[SNAP_MSR_KERNEL_GS_BASE] = "kernel_gs_base",
	[SNAP_MSR_SYSENTER_CS] = "sysenter_cs",
	[SNAP_MSR_SYSENTER_ESP] = "sysenter_esp",
	[SNAP_MSR_SYSENTER_EIP] = "sysenter_eip",
	[SNAP_MSR_PAT] = "pat",
	[SNAP_MSR_TSC_AUX] = "tsc_aux",
	[SNAP_MSR_APIC_BASE] = "apic_base",
	[SNAP_MSR_MISC_ENABLE] = "misc_enable",
};

#define ARRAY(nam, b, at, nm, cnt) \
	{ .name = nam, .kind = WIRE_LE, .bytes = b, .fmt = WIRE_HEX, at, .n = cnt, .names = nm }

static const struct wire_field vcpu[] = {
	{ .name = "id", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC, VCPU(id) },
	ARRAY("gpr", 8, VCPU(gpr), gpr_names, 16),
	LE8("rip", VCPU(rip)),
	LE8("rflags", VCPU(rflags)),
	ARRAY("sel", 2, VCPU(seg_sel), seg_names, SNAP_SEGS),
	/* bits 13-15 reserved: the reader refuses them */
	{ .name = "attr", .kind = WIRE_LE, .bytes = 2, .fmt = WIRE_HEX, .max = 0x1FFF,
	  VCPU(seg_attr), .n = SNAP_SEGS, .names = seg_names },
	ARRAY("limit", 4, VCPU(seg_limit), seg_names, SNAP_SEGS),
	ARRAY("base", 8, VCPU(seg_base), seg_names, SNAP_SEGS),
	LE8("gdtr_base", VCPU(gdtr_base)),
	LE2("gdtr_limit", VCPU(gdtr_limit)),
	LE8("idtr_base", VCPU(idtr_base)),
	LE2("idtr_limit", VCPU(idtr_limit)),
	LE8("cr0", VCPU(cr0)),
	LE8("cr2", VCPU(cr2)),
	LE8("cr3", VCPU(cr3)),
	LE8("cr4", VCPU(cr4)),
	{ .name = "cr8", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_HEX, .max = 15, VCPU(cr8) },
	LE8("xcr0", VCPU(xcr0)),
	LE8("efer", VCPU(efer)),
	ARRAY("dr", 8, VCPU(dr), dr_names, SNAP_DRS),
	ARRAY("msr", 8, VCPU(msr), msr_names, SNAP_MSRS),
	DEC8("tsc", VCPU(tsc)),
	LE1("event_valid", VCPU(event_valid), 1),
	LE1("event_type", VCPU(event_type), SNAP_EVENT_SW_EXCEPTION),
	LE1("event_vector", VCPU(event_vector), 255),
	LE1("event_has_error", VCPU(event_has_error), 1),
	LE4("event_error", VCPU(event_error)),
	{ .name = "interruptibility", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_HEX,
	  .max = SNAP_INTR_STI | SNAP_INTR_MOV_SS | SNAP_INTR_NMI, VCPU(interruptibility) },
	LE1("activity", VCPU(activity), SNAP_HALTED),
	{ .kind = WIRE_PAD, .bytes = 4 },
};
const struct wire_table snap_vcpu_table = WIRE_TABLE(vcpu);

/* --- RR, DEVICE, MEMORY, END --------------------------------------------------------- */

static const struct wire_field rr[] = {
	DEC8("landmark", RR(landmark)),
	DEC8("device_time_ns", RR(device_time_ns)),
};
const struct wire_table snap_rr_table = WIRE_TABLE(rr);

static const struct wire_field device[] = {
	{ .name = "name", .kind = WIRE_STR, .bytes = SNAP_DEVICE_NAME, .fmt = WIRE_TEXT, DEV(name) },
	DEC4("device_version", DEV(version)),
};
const struct wire_table snap_device_table = WIRE_TABLE(device);

static const struct wire_field memory[] = {
	LE8("base_page", MEM(base_page)),
	DEC4("count", MEM(count)),
};
const struct wire_table snap_memory_table = WIRE_TABLE(memory);

static const struct wire_field end[] = {
	DEC4("sections", END(sections)),
	DEC8("pages", END(pages)),
	LE8("chain", END(chain)),
};
const struct wire_table snap_end_table = WIRE_TABLE(end);

_Static_assert(sizeof(((struct snap_header *)0)->backend) == 9, "backend: 8 bytes and a NUL");
_Static_assert(sizeof(((struct snap_header *)0)->version) == 25, "version: 24 bytes and a NUL");
_Static_assert(sizeof(((struct snap_device *)0)->name) == SNAP_DEVICE_NAME + 1,
	       "name: the field and a NUL");

/* --- the section types this reader knows ------------------------------------------ */

static const struct snap_type_info types[] = {
	{ SNAP_VCPU, 1, "VCPU", &snap_vcpu_table, sizeof(struct snap_vcpu) },
	{ SNAP_DEVICE, 1, "DEVICE", &snap_device_table, sizeof(struct snap_device) },
	{ SNAP_RR, 1, "RR", &snap_rr_table, sizeof(struct snap_rr) },
	{ SNAP_MEMORY, 1, "MEMORY", &snap_memory_table, sizeof(struct snap_memory) },
	{ SNAP_END, 1, "END", &snap_end_table, sizeof(struct snap_end) },
};

const struct snap_type_info *snap_type(u16 type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

const char *snap_type_name(u16 type)
{
	const struct snap_type_info *t = snap_type(type);

	return t ? t->name : wire_msg("type ", type, NULL);
}
