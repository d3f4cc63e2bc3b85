/* CPU instructions the guests use: CPUID, time stamps, random numbers,
 * control registers, MSRs, interrupts on/off. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include "types.h"

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/* CPUID feature bits the guests look at (SDM Vol 2A, CPUID). */
#define CPUID1_EDX_PSE (1u << 3)
#define CPUID1_EDX_TSC (1u << 4)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_ECX_RDRAND (1u << 30)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_EDX_APIC (1u << 9)
#define CPUID7_EBX_RDSEED (1u << 18)
#define CPUID81_EDX_RDTSCP (1u << 27)

#define CR0_PE (1u << 0)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)

static inline struct cpuid_regs cpuid(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* Is a feature bit set? Checks the leaf exists first (basic or extended
 * range), so a missing leaf reads as "absent". reg: 0=eax 1=ebx 2=ecx 3=edx. */
bool cpu_has(u32 leaf, u32 subleaf, int reg, u32 bit);

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline u64 rdtscp(u32 *aux)
{
	u32 lo, hi, c;
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(c));
	*aux = c;
	return ((u64)hi << 32) | lo;
}

/* RDRAND / RDSEED with the carry check, retried up to 10 times as Intel's
 * DRNG guide advises. Return false when every try came back empty. */
bool rdrand32(u32 *out);
bool rdseed32(u32 *out);

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
static inline void pause(void) { __asm__ volatile("pause"); }
static inline u32 read_cr0(void) { u32 v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u32 read_cr2(void) { u32 v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline u32 read_cr3(void) { u32 v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u32 read_cr4(void) { u32 v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(u32 v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(u32 v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(const volatile void *va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

#endif
