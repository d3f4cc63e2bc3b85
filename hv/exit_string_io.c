/*
 * String port I/O: INS and OUTS, with or without REP (SDM Vol 2B, INS/INSB/
 * INSW/INSD and OUTS/OUTSB/OUTSW/OUTSD; REP/REPE/REPZ/REPNE/REPNZ). Each
 * element goes through the port bus as an IN or OUT of its size would,
 * from or to guest memory at ES:rDI (INS) or DS:rSI, or the segment a
 * prefix names (OUTS), translated by the guest's paging; rDI/rSI move by
 * the element size, down when RFLAGS.DF is set, and REP counts rCX down.
 * The address size (16, 32 or 64 bits) comes from the code segment and an
 * 0x67 prefix. At most STRING_IO_CHUNK elements are done per exit: a REP
 * that has more left re-executes, so interrupts are taken between chunks
 * as between iterations on the CPU. A page fault on an element is injected
 * with the registers showing the elements done before it.
 *
 * Not emulated: segment limit checks, accessed/dirty bits in the guest's
 * page tables, string I/O to device memory (the guest is stopped, saying
 * so), and the single-step trap between REP iterations (TF traps once, at
 * the end).
 */
#include "arch/x86/mm.h"
#include "errno.h"
#include "hv/exits.h"
#include "hv/guest_mem.h"
#include "hv/guest_walk.h"
#include "hv/insn_fetch.h"
#include "hv/rr/rr.h"
#include "hv/rr/write_window.h"
#include "hv/trace.h"
#include "hv/vcpu_ops.h"

#define STRING_IO_CHUNK 4096 /* elements per exit */
#define PREFIX_OPSIZE 0x66
#define PREFIX_ADDRSIZE 0x67
#define PREFIX_REP 0xF3
#define PREFIX_REPNE 0xF2
#define PREFIX_LOCK 0xF0
#define REX_FIRST 0x40
#define REX_LAST 0x4F
#define OPCODE_INSB 0x6C      /* 6D: INSW/INSD */
#define OPCODE_OUTSD 0x6F     /* 6E: OUTSB */
#define AR_DPL_SHIFT 5        /* SDM Vol 3, Table 25-2: DPL, bits 6:5 */
#define AR_DPL_MASK 0x3
#define CPL_USER 3

/* Segment-override prefixes (SDM Vol 2A, 2.1.1 "Instruction Prefixes"). */
static const struct {
	u8 prefix;
	enum seg_reg seg;
} seg_prefixes[] = {
	{ 0x26, SEG_ES }, { 0x2E, SEG_CS }, { 0x36, SEG_SS },
	{ 0x3E, SEG_DS }, { 0x64, SEG_FS }, { 0x65, SEG_GS },
};

struct string_io {
	unsigned addr_bits;   /* 16, 32 or 64 */
	enum seg_reg seg;     /* the memory operand's segment */
	u8 length;            /* of the whole instruction */
	bool long_mode;       /* 64-bit code: only FS and GS have a base */
};

static bool seg_prefix(u8 b, enum seg_reg *seg)
{
	for (unsigned i = 0; i < ARRAY_SIZE(seg_prefixes); i++)
		if (seg_prefixes[i].prefix == b) {
			*seg = seg_prefixes[i].seg;
			return true;
		}
	return false;
}

/* The prefixes in front of the INS/OUTS opcode: address size and segment.
 * 0 or -EINVAL when the bytes are not a string I/O instruction. */
static int decode(struct vcpu *v, bool in, struct string_io *s)
{
	const struct virt_backend *hw = v->vm->hw;
	u8 bytes[INSN_MAX_LEN];
	size_t n = vcpu_fetch_insn_bytes(v, bytes);
	struct segment cs;
	bool addr_override = false;
	size_t i;

	hw->get_segment(&v->arch, SEG_CS, &cs);
	s->long_mode = vcpu_in_long_mode(v);
	s->seg = SEG_DS;
	for (i = 0; i < n; i++) {
		u8 b = bytes[i];

		if (b == PREFIX_ADDRSIZE)
			addr_override = true;
		else if (b == PREFIX_OPSIZE || b == PREFIX_REP || b == PREFIX_REPNE ||
			 b == PREFIX_LOCK || seg_prefix(b, &s->seg))
			continue;
		else if (s->long_mode && b >= REX_FIRST && b <= REX_LAST)
			continue;
		else
			break;
	}
	if (i >= n || bytes[i] < OPCODE_INSB || bytes[i] > OPCODE_OUTSD ||
	    (bytes[i] < OPCODE_INSB + 2) != in)
		return -EINVAL;
	if (in)
		s->seg = SEG_ES; /* INS writes ES:rDI, no override */
	s->length = (u8)(i + 1);
	if (s->long_mode)
		s->addr_bits = addr_override ? 32 : 64;
	else if (cs.ar & SEG_AR_DB)
		s->addr_bits = addr_override ? 16 : 32;
	else
		s->addr_bits = addr_override ? 32 : 16;
	return 0;
}

static u64 addr_mask(unsigned bits)
{
	return bits == 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* Writes an address-sized register as the CPU does: the low 16 bits, or
 * the low 32 bits zero-extended, or all 64. */
static void set_addr_reg(struct vcpu *v, u8 reg, unsigned bits, u64 value)
{
	vcpu_write_gpr_sized(v, reg, (u8)(bits / 8), value);
}

/* Copies one element between guest-linear la and buf, byte by byte
 * through the guest's paging (an element may straddle two pages). 0,
 * -EFAULT with res filled for a page fault, or -EIO when the memory is
 * not guest RAM. */
static int copy_element(struct vcpu *v, u64 la, u8 *buf, u8 size, bool to_guest, u32 access,
			struct gw_result *res)
{
	struct gw_cpu cpu;

	vcpu_guest_paging(v, &cpu);
	for (u8 i = 0; i < size; i++) {
		int err = gw_translate(&cpu, la + i, access, res);

		if (err)
			return -EFAULT;
		err = to_guest ? vm_write_gpa(v->vm, res->gpa, &buf[i], 1)
			       : vm_read_gpa(v->vm, res->gpa, &buf[i], 1);
		if (err)
			return -EIO;
		if (to_guest && v->vm->window)
			ww_note(v->vm, res->gpa / PAGE_SIZE); /* a page number */
	}
	return 0;
}

/* One element: port to memory (INS) or memory to port (OUTS). */
static int one_element(struct vcpu *v, const struct vexit *e, u64 la, u32 access,
		       struct gw_result *res)
{
	struct vm *vm = v->vm;
	u8 flags = io_bus_flags(&vm->pio, e->io.port);
	u8 buf[4] = { 0 };
	u64 value = 0;
	int err;

	if (flags & IO_TIMED)
		rr_advance_devices(vm);
	if (e->io.in) {
		io_bus_read(&vm->pio, e->io.port, e->io.size, &value);
		if (flags & IO_NONDET)
			value = rr_io_in(v, e->io.port, e->io.size, (u32)value);
		for (u8 i = 0; i < e->io.size; i++)
			buf[i] = (u8)(value >> (8 * i));
		err = copy_element(v, la, buf, e->io.size, true, access, res);
	} else {
		err = copy_element(v, la, buf, e->io.size, false, access, res);
		for (u8 i = 0; i < e->io.size; i++)
			value |= (u64)buf[i] << (8 * i);
		if (!err)
			io_bus_write(&vm->pio, e->io.port, e->io.size, value);
	}
	if (!err)
		trace_io(vm, e->io.in, e->io.port, e->io.size, (u32)value);
	return err;
}

void exit_string_io(struct vcpu *v, const struct vexit *e)
{
	const struct virt_backend *hw = v->vm->hw;
	u8 idx_reg = e->io.in ? GPR_RDI : GPR_RSI;
	struct string_io s;
	struct segment seg, cs;
	struct gw_result res;
	u64 mask, count, done;
	s64 step;
	u32 access;

	if (decode(v, e->io.in, &s)) {
		vm_stop(v->vm, "string I/O on port %#x: the instruction at the guest's RIP is not %s",
			e->io.port, e->io.in ? "INS" : "OUTS");
		return;
	}
	mask = addr_mask(s.addr_bits);
	count = e->io.rep ? v->arch.gpr[GPR_RCX] & mask : 1;
	step = (hw->get_rflags(&v->arch) & RFLAGS_DF) ? -(s64)e->io.size : e->io.size;
	hw->get_segment(&v->arch, s.seg, &seg);
	hw->get_segment(&v->arch, SEG_CS, &cs);
	if (s.long_mode && s.seg != SEG_FS && s.seg != SEG_GS)
		seg.base = 0;
	access = (e->io.in ? GW_ACCESS_WRITE : GW_ACCESS_READ) |
		 (((cs.ar >> AR_DPL_SHIFT) & AR_DPL_MASK) == CPL_USER ? GW_ACCESS_USER : 0);
	for (done = 0; done < count && done < STRING_IO_CHUNK; done++) {
		u64 off = v->arch.gpr[idx_reg] & mask;
		u64 la = seg.base + off;
		int err = one_element(v, e, s.long_mode ? la : (u32)la, access, &res);

		if (err == -EFAULT) {
			v->arch.cr2 = s.long_mode ? la : (u32)la;
			vcpu_inject_exception(v, EXC_PF, true, res.error_code);
			return;
		}
		if (err) {
			vm_stop(v->vm, "string I/O on port %#x to or from %#llx, which is not guest RAM",
				e->io.port, res.gpa);
			return;
		}
		set_addr_reg(v, idx_reg, s.addr_bits, off + (u64)step);
		if (e->io.rep)
			set_addr_reg(v, GPR_RCX, s.addr_bits, (v->arch.gpr[GPR_RCX] & mask) - 1);
	}
	if (done < count)
		return; /* the rest at the next exit: RIP stays at the instruction */
	vcpu_complete_insn(v, e->insn_len ? e->insn_len : s.length);
}
