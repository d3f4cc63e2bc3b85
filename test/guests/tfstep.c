/* tfstep: the single-step trap (SDM Vol 3, 18.3.1.4 "Single-Step Exception
 * Condition") after instructions a hypervisor may emulate, checked the way
 * a conformance suite checks it. For each of NOP (never exits), CPUID,
 * IN, OUT, RDMSR, RDTSC and a load from the local APIC page: POPF sets TF,
 * the instruction runs, and exactly one #DB must follow with its EIP just
 * past the instruction and DR6.BS set; the handler clears TF. */
#include "expect.h"
#include "guest.h"

#define VEC_DB 1
#define DR6_BS (1u << 14)
#define DR6_RESET 0xFFFF0FF0u
#define RFLAGS_TF 0x100u

static volatile u32 db_count, db_eip, db_dr6;

static void on_db(struct trap_frame *f)
{
	u32 dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%dr6" : : "r"(DR6_RESET));
	db_count++;
	db_eip = f->eip;
	db_dr6 = dr6;
	f->eflags &= ~RFLAGS_TF;
}

/* Each stepper sets TF with POPF (the trap comes after the instruction
 * that follows POPF), runs one instruction and returns the address just
 * past it. */
#define SET_TF "pushfl\n orl $0x100, (%%esp)\n popfl\n"

static u32 step_nop(void)
{
	u32 after;
	__asm__ volatile(SET_TF "nop\n 1: movl $1b, %0\n" : "=r"(after) : : "memory", "cc");
	return after;
}

static u32 step_cpuid(void)
{
	u32 after, a = 0, b, c = 0, d;
	__asm__ volatile(SET_TF "cpuid\n 1: movl $1b, %4\n"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "=m"(after)
			 :
			 : "memory", "cc");
	return after;
}

static u32 step_in(void)
{
	u32 after;
	__asm__ volatile(SET_TF "inb $0x61, %%al\n 1: movl $1b, %0\n" : "=m"(after) : : "eax", "memory", "cc");
	return after;
}

static u32 step_out(void)
{
	u32 after;
	__asm__ volatile("movb $0x42, %%al\n" SET_TF "outb %%al, $0x80\n 1: movl $1b, %0\n"
			 : "=m"(after) : : "eax", "memory", "cc");
	return after;
}

static u32 step_rdmsr(void)
{
	u32 after;
	__asm__ volatile("movl $0x1B, %%ecx\n" SET_TF "rdmsr\n 1: movl $1b, %0\n"
			 : "=m"(after) : : "eax", "ecx", "edx", "memory", "cc");
	return after;
}

static u32 step_rdtsc(void)
{
	u32 after;
	__asm__ volatile(SET_TF "rdtsc\n 1: movl $1b, %0\n" : "=m"(after) : : "eax", "edx", "memory", "cc");
	return after;
}

static u32 step_mmio(void)
{
	u32 after;
	__asm__ volatile(SET_TF "movl 0xFEE00030, %%eax\n 1: movl $1b, %0\n"
			 : "=m"(after) : : "eax", "memory", "cc");
	return after;
}

static void check_step(const char *name, u32 (*step)(void))
{
	db_count = 0;
	db_eip = 0;
	db_dr6 = 0;
	u32 after = step();

	expect_eq(db_count, 1, "%s: one #DB", name);
	expect_eq(db_eip - after, 0, "%s: #DB after the instruction (EIP - end)", name);
	expect_eq(db_dr6 & DR6_BS, DR6_BS, "%s: DR6.BS", name);
}

int main(u32 magic, const struct mb_info *info)
{
	guest_start("tfstep", magic, info);
	idt_set_handler(VEC_DB, on_db);
	__asm__ volatile("mov %0, %%dr6" : : "r"(DR6_RESET));
	check_step("NOP", step_nop);
	check_step("CPUID", step_cpuid);
	check_step("IN", step_in);
	check_step("OUT", step_out);
	check_step("RDMSR", step_rdmsr);
	check_step("RDTSC", step_rdtsc);
	check_step("MOV from the local APIC page", step_mmio);
	return guest_done();
}
