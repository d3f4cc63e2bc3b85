/* Exception and interrupt dispatch, exception fixups, and the register dump
 * printed for any exception the hypervisor did not expect. */
#include "arch/x86/trap.h"

#include "arch/x86/backtrace.h"
#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "errno.h"
#include "log.h"

static trap_handler_fn handlers[256];
static unsigned nested_fatal;

extern const struct extable_entry __extable_start[], __extable_end[];

static const char *const exception_names[EXC_COUNT] = {
	[EXC_DE] = "#DE divide error",
	[EXC_DB] = "#DB debug",
	[EXC_NMI] = "NMI",
	[EXC_BP] = "#BP breakpoint",
	[EXC_OF] = "#OF overflow",
	[EXC_BR] = "#BR bound range exceeded",
	[EXC_UD] = "#UD invalid opcode",
	[EXC_NM] = "#NM device not available",
	[EXC_DF] = "#DF double fault",
	[EXC_TS] = "#TS invalid TSS",
	[EXC_NP] = "#NP segment not present",
	[EXC_SS] = "#SS stack-segment fault",
	[EXC_GP] = "#GP general protection",
	[EXC_PF] = "#PF page fault",
	[EXC_MF] = "#MF x87 floating-point error",
	[EXC_AC] = "#AC alignment check",
	[EXC_MC] = "#MC machine check",
	[EXC_XM] = "#XM SIMD floating-point",
	[EXC_VE] = "#VE virtualization exception",
	[EXC_CP] = "#CP control protection",
};

const char *exception_name(unsigned vector)
{
	if (vector < EXC_COUNT && exception_names[vector])
		return exception_names[vector];
	return vector < EXC_COUNT ? "reserved exception" : "interrupt";
}

void trap_set_handler(u8 vector, trap_handler_fn fn)
{
	handlers[vector] = fn;
}

/* Resumes a faulting instruction listed in the exception table at its
 * fixup, with RAX = -EFAULT. */
static bool apply_fixup(struct trap_frame *f)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->fault_rip == f->rip) {
			f->rip = e->fixup_rip;
			f->rax = (u64)-EFAULT;
			return true;
		}
	}
	return false;
}

void trap_dump(const struct trap_frame *f)
{
	console_printf("  RIP %016llx  CS %04llx  RFLAGS %016llx\n",
		       f->rip, f->cs,
		       f->rflags);
	console_printf("  RSP %016llx  SS %04llx  error code %016llx\n",
		       f->rsp, f->ss,
		       f->error_code);
	console_printf("  RAX %016llx  RBX %016llx  RCX %016llx\n", f->rax,
		       f->rbx, f->rcx);
	console_printf("  RDX %016llx  RSI %016llx  RDI %016llx\n", f->rdx,
		       f->rsi, f->rdi);
	console_printf("  RBP %016llx  R8  %016llx  R9  %016llx\n", f->rbp,
		       f->r8, f->r9);
	console_printf("  R10 %016llx  R11 %016llx  R12 %016llx\n", f->r10,
		       f->r11, f->r12);
	console_printf("  R13 %016llx  R14 %016llx  R15 %016llx\n", f->r13,
		       f->r14, f->r15);
	console_printf("  CR0 %016llx  CR2 %016llx  CR3 %016llx  CR4 %016llx\n",
		       read_cr0(), read_cr2(),
		       read_cr3(), read_cr4());
	console_printf("  backtrace:\n");
	console_printf("    %016llx\n", f->rip);
	backtrace_print(f->rbp);
}

/* An exception nobody handles is a hypervisor bug: report and stop. */
static void __noreturn fatal_exception(struct trap_frame *f)
{
	if (nested_fatal++) {
		console_printf("\nunderstudy: exception %llu while reporting an exception; halting\n",
			       f->vector);
		platform_halt(PLATFORM_EXIT_PANIC);
	}
	console_printf("\nunderstudy: FATAL EXCEPTION %llu (%s) on CPU %u\n",
		       f->vector, exception_name((unsigned)f->vector),
		       cpu_current_id());
	if (f->vector == EXC_PF)
		console_printf("  page fault address (CR2) %016llx, %s %s%s\n",
			       read_cr2(),
			       f->error_code & 1 ? "protection violation" : "not present",
			       f->error_code & 2 ? "write" : "read",
			       f->error_code & 16 ? " (instruction fetch)" : "");
	trap_dump(f);
	console_printf("understudy: halted after a fatal exception\n");
	platform_halt(PLATFORM_EXIT_PANIC);
}

/* A breakpoint armed for the guest can fire in the host when the host runs
 * the same linear address (the SVM backend arms it around VMRUN): step over
 * it with RF instead of treating it as a hypervisor bug. */
static bool host_breakpoint_hit(struct trap_frame *f)
{
	u64 dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	if (!(dr6 & DR6_BREAKPOINTS))
		return false;
	__asm__ volatile("mov %0, %%dr6" : : "r"(DR6_RESET));
	f->rflags |= RFLAGS_RF;
	return true;
}

void trap_dispatch(struct trap_frame *f)
{
	trap_handler_fn fn = handlers[f->vector & 0xFF];

	if (fn) {
		fn(f);
		return;
	}
	if (f->vector < EXC_COUNT && apply_fixup(f))
		return;
	if (f->vector == EXC_DB && host_breakpoint_hit(f))
		return;
	if (f->vector < EXC_COUNT)
		fatal_exception(f);
	pr_warn("trap: unexpected interrupt vector %llu", f->vector);
}
