/*
 * Thin wrappers over x86 instructions: CPUID, MSRs, control registers, the
 * TSC, port I/O, interrupts. SDM Vol 2 describes each instruction.
 */
#ifndef UNDERSTUDY_ARCH_X86_CPU_H
#define UNDERSTUDY_ARCH_X86_CPU_H

#include "arch/x86/regs.h"
#include "compiler.h"
#include "types.h"

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(u32 leaf)
{
	return cpuid_count(leaf, 0);
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 value)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)value), "d"((u32)(value >> 32)) : "memory");
}

#define DEFINE_CR_ACCESSORS(n)                                                  \
	static inline u64 read_cr##n(void)                                      \
	{                                                                       \
		u64 v;                                                          \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));               \
		return v;                                                       \
	}                                                                       \
	static inline void write_cr##n(u64 v)                                   \
	{                                                                       \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");      \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline u64 read_rflags(void)
{
	u64 f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

#ifdef UNDERSTUDY_HOST_TEST
/* Host tests run hv/ over a deterministic fake clock
 * (test/unit/fake_platform.c) instead of the host CPU's counter. */
u64 host_test_rdtsc(void);

static inline u64 rdtsc(void)
{
	return host_test_rdtsc();
}
#else
static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}
#endif

static inline void outb(u16 port, u8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Initial APIC ID of the running CPU (SDM Vol 2A, CPUID leaf 01H, EBX[31:24]). */
static inline unsigned cpu_current_id(void)
{
	return cpuid(1).ebx >> 24;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void invlpg(const void *va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cpu_halt_forever(void) __noreturn;
static inline void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
