/* Interrupt and exception entry (arch/x86/isr.S, idt.c, trap.c). */
#ifndef UNDERSTUDY_ARCH_X86_TRAP_H
#define UNDERSTUDY_ARCH_X86_TRAP_H

#include "compiler.h"
#include "types.h"

/* SDM Vol 3, 6.15 "Exception and Interrupt Reference" */
enum exception_vector {
	EXC_DE = 0,  /* divide error */
	EXC_DB = 1,  /* debug */
	EXC_NMI = 2, /* non-maskable interrupt */
	EXC_BP = 3,  /* breakpoint */
	EXC_OF = 4,  /* overflow */
	EXC_BR = 5,  /* BOUND range exceeded */
	EXC_UD = 6,  /* invalid opcode */
	EXC_NM = 7,  /* device not available */
	EXC_DF = 8,  /* double fault */
	EXC_TS = 10, /* invalid TSS */
	EXC_NP = 11, /* segment not present */
	EXC_SS = 12, /* stack-segment fault */
	EXC_GP = 13, /* general protection */
	EXC_PF = 14, /* page fault */
	EXC_MF = 16, /* x87 floating-point error */
	EXC_AC = 17, /* alignment check */
	EXC_MC = 18, /* machine check */
	EXC_XM = 19, /* SIMD floating-point */
	EXC_VE = 20, /* virtualization exception */
	EXC_CP = 21, /* control protection */
	EXC_COUNT = 32,
};

/* Vectors the hypervisor uses for its own interrupts. */
#define VECTOR_LAPIC_TIMER 0xEC
#define VECTOR_NIC 0xED
#define VECTOR_SPURIOUS 0xFF

/* Register state saved by isr.S; layout must match its push order. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code;
	/* pushed by the CPU (SDM Vol 3, 6.14.2 "64-Bit Mode Stack Frame") */
	u64 rip, cs, rflags, rsp, ss;
};
ASSERT_SIZE(struct trap_frame, 22 * 8);

typedef void (*trap_handler_fn)(struct trap_frame *frame);

void idt_init(void);
void trap_set_handler(u8 vector, trap_handler_fn fn);
void trap_dispatch(struct trap_frame *frame);

/* Prints the frame, control registers and a backtrace (panic and
 * unexpected exceptions). */
void trap_dump(const struct trap_frame *frame);

const char *exception_name(unsigned vector);

/*
 * Exception fixups: an instruction at fault_rip that faults resumes at
 * fixup_rip with RAX = -EFAULT (used by rdmsr_safe and friends).
 */
struct extable_entry {
	u64 fault_rip;
	u64 fixup_rip;
};

#endif
