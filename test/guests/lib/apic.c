#include "apic.h"
#include "cpu.h"

/* One MOV each, as the page wants 32-bit accesses (SDM Vol 3, 11.4.1). */
static u32 mmio_read(u32 addr)
{
	u32 v;
	__asm__ volatile("movl %1, %0" : "=r"(v) : "m"(*(volatile u32 *)addr));
	return v;
}

static void mmio_write(u32 addr, u32 v)
{
	__asm__ volatile("movl %1, %0" : "=m"(*(volatile u32 *)addr) : "r"(v) : "memory");
}

static u32 xapic_rd(u32 reg) { return mmio_read(LAPIC_BASE + reg); }
static void xapic_wr(u32 reg, u32 value) { mmio_write(LAPIC_BASE + reg, value); }

static void xapic_icr(u32 command, u32 dest)
{
	xapic_wr(APIC_ICR_HI, dest << 24);
	xapic_wr(APIC_ICR_LO, command);
}

static u32 x2apic_rd(u32 reg) { return (u32)rdmsr(MSR_X2APIC(reg)); }
static void x2apic_wr(u32 reg, u32 value) { wrmsr(MSR_X2APIC(reg), value); }
static void x2apic_icr(u32 command, u32 dest) { wrmsr(MSR_X2APIC_ICR, (u64)dest << 32 | command); }

const struct apic_if apic_xapic = { "xapic", xapic_rd, xapic_wr, xapic_icr };
const struct apic_if apic_x2apic = { "x2apic", x2apic_rd, x2apic_wr, x2apic_icr };

bool apic_vector_bit(const struct apic_if *a, u32 bank, u8 v)
{
	return (a->rd(bank + (v / 32u) * 0x10) >> (v % 32u)) & 1;
}

/* IOREGSEL at +0x00, IOWIN at +0x10. */
u32 ioapic_read(u8 reg)
{
	mmio_write(IOAPIC_BASE, reg);
	return mmio_read(IOAPIC_BASE + 0x10);
}

void ioapic_write(u8 reg, u32 value)
{
	mmio_write(IOAPIC_BASE, reg);
	mmio_write(IOAPIC_BASE + 0x10, value);
}
