/*
 * Every entry type of the record/replay log, described once
 * (docs/log-format.md, "Entry types"): one table of wire fields per type,
 * in wire order, from which the writer encodes and validates, the reader
 * decodes, and the tools print, parse and compare. Adding a field to a
 * type is one line here.
 */
#include "proto/rrlog.h"

#include "compiler.h"
#include "errno.h"

#define AT(m) WIRE_AT(struct rrlog_entry, m)
#define RUN(m) WIRE_RUN(struct rrlog_delta_state, m)

/* The longest x86 instruction: "remains 15 bytes" (SDM Vol 2A, 2.3.11 AVX
 * Instruction Length). */
#define INSN_MAX 15

_Static_assert(sizeof(((struct rrlog_entry *)0)->t_insn.bytes) == INSN_MAX,
	       "T_INSN holds up to 15 instruction bytes");
_Static_assert(sizeof(struct rrlog_entry) < 0x10000, "member offsets fit a wire field");

/* --- what every entry starts with ------------------------------------------ */

static const struct wire_field prefix[] = {
	{ .name = "E", .label = "landmark", .kind = WIRE_UDELTA, .fmt = WIRE_DEC, AT(landmark),
	  RUN(landmark) },
	{ .name = "rip", .kind = WIRE_SDELTA, .fmt = WIRE_HEX, AT(rip), RUN(rip) },
	{ .name = "regs", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_HEX, AT(regs),
	  .n = RRLOG_ASYNC_REGS, WIRE_WHEN(struct rrlog_entry, async) },
	{ .name = "state", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(state_hash),
	  WIRE_WHEN(struct rrlog_entry, async) },
	{ .name = "memory", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(memory_hash),
	  WIRE_WHEN(struct rrlog_entry, async) },
	{ .name = "branches", .label = "branch count", .kind = WIRE_UDELTA, .fmt = WIRE_DEC,
	  AT(branches), RUN(branches), WIRE_WHEN(struct rrlog_entry, has_branches) },
};

const struct wire_table rrlog_prefix = WIRE_TABLE(prefix);

/* --- entry bodies ------------------------------------------------------------ */

static const struct wire_field rdtsc[] = {
	{ .name = "tsc", .kind = WIRE_SDELTA, .fmt = WIRE_HEX, AT(tsc), RUN(tsc) },
};

static const struct wire_field rdtscp[] = {
	{ .name = "tsc", .kind = WIRE_SDELTA, .fmt = WIRE_HEX, AT(rdtscp.tsc), RUN(tsc) },
	{ .name = "aux", .label = "TSC_AUX", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX,
	  AT(rdtscp.aux) },
};

/* RDRAND and RDSEED */
static const struct wire_field rdrand[] = {
	{ .name = "size", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, AT(rand.size) },
	{ .name = "cf", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, AT(rand.cf) },
	{ .name = "value", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(rand.value) },
};

static const struct wire_field guest_clock[] = {
	{ .name = "ns", .label = "value", .kind = WIRE_UDELTA, .fmt = WIRE_DEC, AT(clock_ns),
	  RUN(clock_ns) },
};

static const struct wire_field io_in[] = {
	{ .name = "port", .kind = WIRE_VARINT, .bits = 16, .fmt = WIRE_HEX, AT(io.port) },
	{ .name = "size", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, AT(io.size) },
	{ .name = "value", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX, AT(io.value) },
};

static const struct wire_field interrupt[] = {
	{ .name = "vector", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_HEX, AT(vector) },
};

/* Digest register order (docs/log-format.md, "State digest"). */
static const char *const digest_reg_names[RRLOG_DIGEST_REGS] = {
	[RR_REG_RIP] = "rip", [RR_REG_RFLAGS] = "rflags",
	[RR_REG_GPR0] = "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	[RR_REG_CR0] = "cr0", [RR_REG_CR3] = "cr3", [RR_REG_CR4] = "cr4", [RR_REG_EFER] = "efer",
};

_Static_assert(RR_REG_EFER == RRLOG_DIGEST_REGS - 1, "a name for every digest register");

static const struct wire_field digest[] = {
	{ .name = "registers", .kind = WIRE_CUSTOM, .custom = &rrlog_digest_regs, .fmt = WIRE_HEX,
	  AT(digest.regs), .n = RRLOG_DIGEST_REGS, .names = digest_reg_names },
	{ .name = "memory", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(digest.memory_hash) },
	{ .name = "pages", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_DEC, AT(digest.pages) },
	{ .kind = WIRE_RESTART, RUN(digest_page) }, /* each digest's page list starts again */
};

static const struct wire_field end[] = {
	{ .name = "how", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, AT(end.how) },
	{ .name = "code", .label = "exit code", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_DEC,
	  AT(end.code) },
};

static const struct wire_field mmio_in[] = {
	{ .name = "gpa", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_HEX, AT(mmio.gpa) },
	{ .name = "size", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, AT(mmio.size) },
	{ .name = "value", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_HEX, AT(mmio.value) },
};

static const struct wire_field serial_in[] = {
	{ .name = "byte", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_HEX, AT(byte) },
};

static const struct wire_field digest_pages[] = {
	{ .name = "n", .label = "pages", .kind = WIRE_CUSTOM, .custom = &rrlog_page_list,
	  .fmt = WIRE_DEC, AT(pages.count), .max = RRLOG_DIGEST_PAGES_MAX, RUN(digest_page) },
};

static const struct wire_field cpuid[] = {
	{ .name = "leaf", .label = "CPUID value", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX,
	  AT(cpuid.leaf) },
	{ .name = "subleaf", .label = "CPUID value", .kind = WIRE_VARINT, .bits = 32,
	  .fmt = WIRE_HEX, AT(cpuid.subleaf) },
	{ .name = "eax", .label = "CPUID value", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX,
	  AT(cpuid.eax) },
	{ .name = "ebx", .label = "CPUID value", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX,
	  AT(cpuid.ebx) },
	{ .name = "ecx", .label = "CPUID value", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX,
	  AT(cpuid.ecx) },
	{ .name = "edx", .label = "CPUID value", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX,
	  AT(cpuid.edx) },
};

static const struct wire_field t_exit[] = {
	{ .name = "reason", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_DEC, AT(t_exit.reason) },
	{ .name = "code", .label = "exit code", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX,
	  AT(t_exit.raw) },
};

static const struct wire_field t_io[] = {
	{ .name = "in", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, AT(t_io.in) },
	{ .name = "port", .kind = WIRE_VARINT, .bits = 16, .fmt = WIRE_HEX, AT(t_io.port) },
	{ .name = "size", .kind = WIRE_LE, .bytes = 1, .fmt = WIRE_DEC, AT(t_io.size) },
	{ .name = "value", .kind = WIRE_VARINT, .bits = 32, .fmt = WIRE_HEX, AT(t_io.value) },
};

static const struct wire_field t_pt_write[] = {
	{ .name = "gpa", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_HEX, AT(t_pt_gpa) },
};

static const struct wire_field t_insn[] = {
	{ .name = "len", .label = "length", .kind = WIRE_LE, .bytes = 1, .max = INSN_MAX,
	  .fmt = WIRE_DEC, AT(t_insn.len) },
	{ .name = "bytes", .kind = WIRE_BYTES, .fmt = WIRE_HEXBYTES, AT(t_insn.bytes),
	  .len_at = offsetof(struct rrlog_entry, t_insn.len) },
};

/* A write-window page's contents at an async entry (docs/log-format.md). */
static const struct wire_field window_page[] = {
	{ .name = "page", .kind = WIRE_VARINT, .bits = 52, .fmt = WIRE_HEX, AT(window_page.page) },
	{ .name = "contents", .kind = WIRE_CUSTOM, .custom = &rrlog_page_contents,
	  .fmt = WIRE_HEXBYTES, AT(window_page.data) },
};

/* A snapshot taken at this landmark while recording (docs/log-format.md):
 * which one, so that a replay resumed from it starts after this entry. */
static const struct wire_field snapshot[] = {
	{ .name = "hash", .label = "snapshot hash", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX,
	  AT(snapshot.hash) },
	{ .name = "devtime", .label = "device time", .kind = WIRE_VARINT, .bits = 64,
	  .fmt = WIRE_DEC, AT(snapshot.device_time_ns) },
};

/* The console bytes the guest wrote since the last OUTPUT (or the run's
 * start), logged where the output rule cuts the log: a replay compares
 * its own (docs/log-format.md; docs/fault-tolerance.md, "Resync"). */
static const struct wire_field output[] = {
	{ .name = "offset", .label = "console offset", .kind = WIRE_VARINT, .bits = 64,
	  .fmt = WIRE_DEC, AT(output.offset) },
	{ .name = "count", .label = "byte count", .kind = WIRE_VARINT, .bits = 64, .fmt = WIRE_DEC,
	  AT(output.count) },
	{ .name = "hash", .label = "output hash", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX,
	  AT(output.hash) },
};

/* A piece of the checkpoint a primary sends its backup to resync it: the
 * pieces, in order, then the SNAPSHOT entry naming the whole. */
static const struct wire_field checkpoint_data[] = {
	{ .name = "offset", .label = "checkpoint offset", .kind = WIRE_VARINT, .bits = 40,
	  .fmt = WIRE_DEC, AT(checkpoint.offset) },
	{ .name = "len", .label = "piece length", .kind = WIRE_VARINT, .bits = 32,
	  .max = RRLOG_CHECKPOINT_CHUNK, .fmt = WIRE_DEC, AT(checkpoint.len) },
	{ .name = "bytes", .kind = WIRE_CUSTOM, .custom = &rrlog_sized_bytes, .fmt = WIRE_HEXBYTES,
	  .max = RRLOG_CHECKPOINT_CHUNK, .len_at = offsetof(struct rrlog_entry, checkpoint.len),
	  AT(checkpoint.data) },
};

/* The x87/SSE/AVX registers at the async entries after it, in the
 * canonical form of arch/x86/fpu.h: a replay gives them to the guest with
 * its general registers (docs/record-replay.md, "Reaching the moment"). */
static const struct wire_field fpu_state[] = {
	{ .name = "len", .label = "FPU state length", .kind = WIRE_VARINT, .bits = 32,
	  .max = RRLOG_FPU_MAX, .fmt = WIRE_DEC, AT(fpu.len) },
	{ .name = "bytes", .kind = WIRE_CUSTOM, .custom = &rrlog_sized_bytes, .fmt = WIRE_HEXBYTES,
	  .max = RRLOG_FPU_MAX, .len_at = offsetof(struct rrlog_entry, fpu.len), AT(fpu.data) },
};

/* A write-window page in the page codec's form (proto/page_codec.h: zero,
 * raw or LZ4; no delta kind, so a replay needs no earlier copy): what
 * version 6 writes for WINDOW_PAGE. */
static const struct wire_field window_page_coded[] = {
	{ .name = "page", .kind = WIRE_VARINT, .bits = 52, .fmt = WIRE_HEX,
	  AT(window_coded.page) },
	{ .name = "len", .label = "coded page length", .kind = WIRE_VARINT, .bits = 32,
	  .max = RRLOG_PAGE_CODED_MAX, .fmt = WIRE_DEC, AT(window_coded.len) },
	{ .name = "bytes", .kind = WIRE_CUSTOM, .custom = &rrlog_sized_bytes, .fmt = WIRE_HEXBYTES,
	  .max = RRLOG_PAGE_CODED_MAX, .len_at = offsetof(struct rrlog_entry, window_coded.len),
	  AT(window_coded.data) },
};

/* FPU_STATE's register area as an LZ4 block: what version 6 writes when
 * the block is the smaller. */
static const struct wire_field fpu_state_lz4[] = {
	{ .name = "len", .label = "FPU state length", .kind = WIRE_VARINT, .bits = 32,
	  .max = RRLOG_FPU_MAX, .fmt = WIRE_DEC, AT(fpu_lz4.len) },
	{ .name = "lz4len", .label = "LZ4 block length", .kind = WIRE_VARINT, .bits = 32,
	  .max = RRLOG_FPU_MAX, .fmt = WIRE_DEC, AT(fpu_lz4.lz4_len) },
	{ .name = "bytes", .kind = WIRE_CUSTOM, .custom = &rrlog_sized_bytes, .fmt = WIRE_HEXBYTES,
	  .max = RRLOG_FPU_MAX, .len_at = offsetof(struct rrlog_entry, fpu_lz4.lz4_len),
	  AT(fpu_lz4.data) },
};

/* A frame the guest's NIC received, logged where it entered guest memory
 * (async, like SERIAL_IN): a replay writes the same bytes there. */
static const struct wire_field net_rx[] = {
	{ .name = "len", .label = "frame length", .kind = WIRE_VARINT, .bits = 32,
	  .max = RRLOG_NET_FRAME_MAX, .fmt = WIRE_DEC, AT(net_rx.len) },
	{ .name = "bytes", .kind = WIRE_CUSTOM, .custom = &rrlog_sized_bytes, .fmt = WIRE_HEXBYTES,
	  .max = RRLOG_NET_FRAME_MAX, .len_at = offsetof(struct rrlog_entry, net_rx.len),
	  AT(net_rx.data) },
};

/* A frame the guest's NIC sent, at the exit that sent it: a replay
 * compares its own frame with it (docs/record-replay.md). */
static const struct wire_field net_tx[] = {
	{ .name = "len", .label = "frame length", .kind = WIRE_VARINT, .bits = 32,
	  .max = RRLOG_NET_TX_MAX, .fmt = WIRE_DEC, AT(net_tx.len) },
	{ .name = "hash", .label = "frame hash", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX,
	  AT(net_tx.hash) },
};

/* --- the types -------------------------------------------------------------- */

static const struct rrlog_type_desc types[] = {
	[RR_RDTSC] = { .name = "RDTSC", .body = WIRE_TABLE(rdtsc) },
	[RR_RDTSCP] = { .name = "RDTSCP", .body = WIRE_TABLE(rdtscp) },
	[RR_RDRAND] = { .name = "RDRAND", .body = WIRE_TABLE(rdrand) },
	[RR_RDSEED] = { .name = "RDSEED", .body = WIRE_TABLE(rdrand) },
	[RR_CLOCK] = { .name = "CLOCK", .body = WIRE_TABLE(guest_clock) },
	[RR_IO_IN] = { .name = "IO_IN", .body = WIRE_TABLE(io_in) },
	[RR_INTERRUPT] = { .name = "INTERRUPT", .body = WIRE_TABLE(interrupt) },
	[RR_DIGEST] = { .name = "DIGEST", .body = WIRE_TABLE(digest) },
	[RR_END] = { .name = "END", .body = WIRE_TABLE(end) },
	[RR_MMIO_IN] = { .name = "MMIO_IN", .body = WIRE_TABLE(mmio_in) },
	[RR_SERIAL_IN] = { .name = "SERIAL_IN", .body = WIRE_TABLE(serial_in) },
	[RR_DIGEST_PAGES] = { .name = "DIGEST_PAGES", .body = WIRE_TABLE(digest_pages) },
	[RR_CPUID] = { .name = "CPUID", .body = WIRE_TABLE(cpuid) },
	[RR_WINDOW_PAGE] = { .name = "WINDOW_PAGE", .body = WIRE_TABLE(window_page) },
	[RR_SNAPSHOT] = { .name = "SNAPSHOT", .body = WIRE_TABLE(snapshot) },
	[RR_OUTPUT] = { .name = "OUTPUT", .body = WIRE_TABLE(output) },
	[RR_CHECKPOINT_DATA] = { .name = "CHECKPOINT_DATA", .body = WIRE_TABLE(checkpoint_data) },
	[RR_FPU_STATE] = { .name = "FPU_STATE", .body = WIRE_TABLE(fpu_state) },
	[RR_WINDOW_PAGE_CODED] = { .name = "WINDOW_PAGE_CODED", .body = WIRE_TABLE(window_page_coded) },
	[RR_FPU_STATE_LZ4] = { .name = "FPU_STATE_LZ4", .body = WIRE_TABLE(fpu_state_lz4) },
	[RR_NET_RX] = { .name = "NET_RX", .body = WIRE_TABLE(net_rx) },
	[RR_NET_TX] = { .name = "NET_TX", .body = WIRE_TABLE(net_tx) },
	[RR_T_EXIT] = { .name = "T_EXIT", .body = WIRE_TABLE(t_exit), .trace = true },
	[RR_T_IO] = { .name = "T_IO", .body = WIRE_TABLE(t_io), .trace = true },
	[RR_T_PT_WRITE] = { .name = "T_PT_WRITE", .body = WIRE_TABLE(t_pt_write), .trace = true },
	[RR_T_INSN] = { .name = "T_INSN", .body = WIRE_TABLE(t_insn), .trace = true },
};

_Static_assert(sizeof(types) / sizeof(types[0]) <= RRLOG_KIND_TYPE_MASK + 1,
	       "every type fits the kind byte");

const struct rrlog_type_desc *rrlog_type(unsigned type)
{
	if (type >= sizeof(types) / sizeof(types[0]) || !types[type].name)
		return NULL;
	return &types[type];
}

const char *rrlog_type_name(unsigned type)
{
	const struct rrlog_type_desc *t = rrlog_type(type);

	return t ? t->name : NULL;
}

bool rrlog_type_known(unsigned type, bool trace)
{
	const struct rrlog_type_desc *t = rrlog_type(type);

	return t && (trace || !t->trace);
}

bool rrlog_type_is_async_state(unsigned type)
{
	return type == RR_WINDOW_PAGE || type == RR_WINDOW_PAGE_CODED || type == RR_FPU_STATE ||
	       type == RR_FPU_STATE_LZ4;
}

bool rrlog_entry_same(const struct rrlog_entry *a, const struct rrlog_entry *b)
{
	const struct rrlog_type_desc *t = rrlog_type(a->type);

	return a->type == b->type && a->async == b->async && a->has_branches == b->has_branches &&
	       t && wire_same(&rrlog_prefix, a, b) && wire_same(&t->body, a, b);
}

/* --- DIGEST's registers ----------------------------------------------------- */

/*
 * A count byte, then that many varints. Version 1 writes 22; a reader needs
 * at least 22 and skips the ones a later version appends. The writer takes
 * a count of 0 as "not set".
 */
static int digest_regs_encode(struct wire_sink *s, const struct wire_field *f, const void *rec,
			      void *run __unused)
{
	const struct rrlog_entry *e = rec;

	if (e->digest.count && e->digest.count != f->n)
		return -EINVAL;
	wire_put_le(s, f->n, 1);
	for (unsigned i = 0; i < f->n; i++)
		wire_put_varint(s, wire_get(rec, f, i));
	return 0;
}

static int digest_regs_decode(struct wire_src *c, const struct wire_field *f, void *rec,
			      void *run __unused)
{
	struct rrlog_entry *e = rec;
	u64 count, v;
	int err = wire_get_le(c, 1, &count);

	if (err)
		return err;
	if (count < f->n) {
		wire_msg("DIGEST holds ", count, " registers (needs ");
		wire_msg_num(f->n);
		return wire_refuse(c, wire_msg_str(")"));
	}
	for (unsigned i = 0; i < count; i++) {
		err = wire_get_varint(c, &v);
		if (err)
			return err;
		if (i < f->n)
			wire_set(rec, f, i, v);
	}
	e->digest.count = (u8)f->n;
	return 0;
}

static bool digest_regs_same(const struct wire_field *f, const void *a, const void *b)
{
	const struct rrlog_entry *ea = a, *eb = b;

	for (unsigned i = 0; i < f->n; i++)
		if (wire_get(a, f, i) != wire_get(b, f, i))
			return false;
	return ea->digest.count == eb->digest.count;
}

const struct wire_custom rrlog_digest_regs = {
	digest_regs_encode, digest_regs_decode, digest_regs_same,
};
