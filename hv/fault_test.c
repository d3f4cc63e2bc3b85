/* Deliberate hypervisor exceptions for testing the fatal-exception report. */
#include "hv/fault_test.h"

#include "arch/x86/regs.h"
#include "hv/vm.h"
#include "log.h"

#define UNMAPPED_ADDRESS 0x10 /* page 0 is never mapped */
#define NON_CANONICAL_ADDRESS 0x8000000000000000ULL

/* Reads through a pointer the compiler cannot see the value of. */
static u64 read_through(volatile uptr address)
{
	return *(volatile u64 *)address;
}

void fault_test_raise(enum fault_test which)
{
	volatile u64 zero = 0;

	if (which == FAULT_TEST_ENTRY)
		return; /* applied to the guest once it exists */
	pr_info("fault_test: raising %s on purpose",
		which == FAULT_TEST_UD ? "#UD" : which == FAULT_TEST_PF ? "#PF" :
		which == FAULT_TEST_GP ? "#GP" : "#DE");
	switch (which) {
	case FAULT_TEST_UD:
		__asm__ volatile("ud2");
		break;
	case FAULT_TEST_PF:
		(void)read_through(UNMAPPED_ADDRESS);
		break;
	case FAULT_TEST_GP:
		(void)read_through(NON_CANONICAL_ADDRESS);
		break;
	case FAULT_TEST_DE:
		__asm__ volatile("divq %1" : : "a"(1ULL), "r"((u64)zero), "d"(0ULL));
		break;
	case FAULT_TEST_NONE:
	case FAULT_TEST_ENTRY:
		break;
	}
}

/* Long mode without PAE: both VM entry (SDM Vol 3, 27.3.1.1 "Checks on
 * Guest Control Registers, Debug Registers, and MSRs") and VMRUN (APM Vol
 * 2, 15.5.1 "Basic Operation") refuse it. */
void fault_test_corrupt_guest(struct vm *vm)
{
	struct vcpu_state s;

	pr_info("fault_test: giving the guest IA-32e mode without PAE on purpose");
	vm->hw->get_state(&vm->vcpu.arch, &s);
	s.efer |= EFER_LME | EFER_LMA;
	s.cr0 |= CR0_PG | CR0_PE;
	s.cr4 &= ~(u64)CR4_PAE;
	vm->hw->set_state(&vm->vcpu.arch, &s);
}
