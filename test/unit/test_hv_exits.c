// sources-list: test/unit/hv_host.sources
/*
 * The exit handlers (hv/exit_*.c) on the fake backend: each test hands
 * exit_dispatch() the exit a CPU would report and checks what the guest
 * sees afterwards: registers, RIP, the event injected, the devices reached,
 * or the end of the run. The guest starts as the Multiboot loader leaves
 * it: 32-bit protected mode, paging and interrupts off.
 */
#include "helpers.h"

#include <cpuid.h>

#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/trap.h"
#include "drivers/serial/uart16550.h"
#include "fake_scripts.h"
#include "fake_vm.h"
#include "hv/exits.h"
#include "hv/guest_cpuid.h"
#include "hv/insn_fetch.h"
#include "hv/guest_mem.h"
#include "hv/rr/write_window.h"
#include "bitops.h"
#include "hv/vdev/cmos_rtc.h"
#include "hv/vdev/lapic.h"
#include "hv/vm_devices_internal.h"
#include "hv/vdev/uart16550.h"
#include "hv/vm_devices.h"

#define LEN_MOV_CR 3     /* 0F 22 /r */
#define LEN_MSR 2        /* 0F 30, 0F 32 */
#define LEN_CPUID 2      /* 0F A2 */
#define LEN_IO 1         /* IN/OUT with DX */
#define LEN_HLT 1
#define LEN_RDTSC 2
#define LEN_RDTSCP 3
#define LEN_RDRAND 3     /* 0F C7 /6 */
#define LEN_INVD 2
#define LEN_XSETBV 3
#define UNCLAIMED_PORT 0x1234
#define RAX_JUNK 0x1122334455667788ULL
#define LAPIC_LVT_LINT0_REG 0x350 /* SDM Vol 3, Table 11-1 "Local APIC Register Address Map" */
#define LVT_DM_NMI 0x400 /* delivery mode NMI, unmasked (Figure 11-8) */
#define MSR_IA32_MCG_CAP 0x179 /* machine check: no banks */
#define MSR_IA32_MCG_CTL 0x17B /* absent without MCG_CTL_P */
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_BIOS_SIGN_ID 0x8B
#define PAT_VALID 0x0007040600070406ULL /* the power-on PAT (SDM Vol 3, 13.12.4) */
#define PAT_UC_MINUS_RESERVED 0x0007040600070402ULL /* entry 0 = 2, a reserved type */

/* SDM Vol 2A, CPUID, Table 3-10: leaf 01H ECX */
#define CPUID1_ECX_VMX BIT(5)
#define CPUID1_ECX_OSXSAVE BIT(27)
#define CPUID1_ECX_RDRAND BIT(30)
#define CPUID1_ECX_HYPERVISOR BIT(31)

#define CMOS_SECONDS 0x00 /* MC146818A register indexes */
#define CMOS_HOURS 0x04
#define CMOS_YEAR 0x09

#define LAPIC_VERSION_REG 0x30 /* SDM Vol 3, Table 11-1 "Local APIC Register Address Map" */
#define PIC_MASK 0xA5
#define UART_LSR 5                      /* PC16550D register offsets and bits */
#define UART_LSR_THRE_TEMT 0x60         /* transmitter holding register and shift register empty */
#define PIT_COUNT 1000
#define PIT_TICKS_LATER 251

static struct vcpu *vcpu;
static u64 *gpr;
static u64 entry_rip;

/* Boots the guest (after fake_vm_prepare) and starts its clock. */
static void boot(void)
{
	fake_vm_boot(&fake_backend_ept);
	fake_vm.start_tsc = fake_platform.tsc; /* as vm_run does */
	vcpu = &fake_vm.vcpu;
	gpr = vcpu->arch.gpr;
	entry_rip = fake.s.rip;
}

static int setup(void **state)
{
	fake_vm_prepare();
	boot();
	return 0;
}

static int teardown(void **state)
{
	capture_stop();
	fake_vm_destroy();
	return 0;
}

/* --- helpers ------------------------------------------------------------------- */

static void dispatch(struct vexit e)
{
	exit_dispatch(vcpu, &e);
}

static void mov_to_cr(u8 cr, u64 value)
{
	gpr[GPR_RBX] = value;
	dispatch((struct vexit){ .reason = VEXIT_CR_ACCESS, .insn_len = LEN_MOV_CR,
				 .cr = { cr, CR_MOV_TO, true, GPR_RBX, 0 } });
}

static u64 mov_from_cr(u8 cr)
{
	gpr[GPR_RSI] = 0;
	dispatch((struct vexit){ .reason = VEXIT_CR_ACCESS, .insn_len = LEN_MOV_CR,
				 .cr = { cr, CR_MOV_FROM, true, GPR_RSI, 0 } });
	return gpr[GPR_RSI];
}

static void guest_wrmsr(u32 index, u64 value)
{
	gpr[GPR_RCX] = index;
	gpr[GPR_RAX] = (u32)value;
	gpr[GPR_RDX] = value >> 32;
	dispatch((struct vexit){ .reason = VEXIT_MSR_WRITE, .insn_len = LEN_MSR });
}

static u64 guest_rdmsr(u32 index)
{
	gpr[GPR_RCX] = index;
	gpr[GPR_RAX] = RAX_JUNK;
	gpr[GPR_RDX] = RAX_JUNK;
	dispatch((struct vexit){ .reason = VEXIT_MSR_READ, .insn_len = LEN_MSR });
	return (gpr[GPR_RDX] << 32) | (u32)gpr[GPR_RAX];
}

static void out(u16 port, u8 size, u64 rax)
{
	gpr[GPR_RAX] = rax;
	dispatch((struct vexit){ .reason = VEXIT_IO, .insn_len = LEN_IO,
				 .io = { .port = port, .size = size } });
}

static u64 in(u16 port, u8 size)
{
	dispatch((struct vexit){ .reason = VEXIT_IO, .insn_len = LEN_IO,
				 .io = { .port = port, .size = size, .in = true } });
	return gpr[GPR_RAX];
}

static struct cpuid_result cpuid_exit(u32 leaf, u32 subleaf)
{
	gpr[GPR_RAX] = leaf;
	gpr[GPR_RCX] = subleaf;
	dispatch((struct vexit){ .reason = VEXIT_CPUID, .insn_len = LEN_CPUID });
	return (struct cpuid_result){ (u32)gpr[GPR_RAX], (u32)gpr[GPR_RBX], (u32)gpr[GPR_RCX],
				      (u32)gpr[GPR_RDX] };
}

/* The instruction completed: RIP moved past it, nothing injected. */
static void assert_done(u64 len)
{
	if (fake.ninjected)
		fail_msg("vector %u injected", fake.injected[0].ev.vector);
	assert_true(fake.s.rip == entry_rip + len);
	entry_rip = fake.s.rip;
}

/* The instruction raised a fault: injected, RIP still at it. */
static void assert_fault(u8 vector, bool has_error)
{
	if (fake.ninjected != 1)
		fail_msg("%u events injected, expected #%u", fake.ninjected, vector);
	assert_int_equal(fake.injected[0].ev.type, VEVENT_EXCEPTION);
	assert_int_equal(fake.injected[0].ev.vector, vector);
	assert_int_equal(fake.injected[0].ev.has_error_code, has_error);
	assert_int_equal(fake.injected[0].ev.error_code, 0);
	assert_true(fake.s.rip == entry_rip);
	fake.ninjected = 0;
	fake.pending = false; /* as if the guest took it */
}

#define assert_gp() assert_fault(EXC_GP, true)

/* Long mode as a 64-bit guest has it: through the handlers (EFER.LME,
 * CR4.PAE, CR0.PG; the backend sets LMA), then a 64-bit code segment. */
static void enter_long_mode(void)
{
	guest_wrmsr(MSR_EFER, EFER_LME);
	assert_done(LEN_MSR);
	mov_to_cr(4, CR4_PAE);
	assert_done(LEN_MOV_CR);
	mov_to_cr(0, fake.s.cr0 | CR0_PG);
	assert_done(LEN_MOV_CR);
	assert_true(fake.s.efer & EFER_LMA);
	fake.s.seg[SEG_CS].ar |= SEG_AR_L;
	fake.s.seg[SEG_CS].ar &= ~SEG_AR_DB;
}

/* --- control registers --------------------------------------------------------- */

static void test_cr0_legal_writes(void **state)
{
	u64 cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_MP;

	mov_to_cr(0, cr0);
	assert_done(LEN_MOV_CR);
	assert_true(fake.s.cr0 == cr0);
	mov_to_cr(0, cr0 | CR0_CD | CR0_NW); /* NW with CD is fine */
	assert_done(LEN_MOV_CR);
	assert_true(fake.s.cr0 == (cr0 | CR0_CD | CR0_NW));
	mov_to_cr(0, cr0 | CR0_PG); /* paging without LME: legacy paging */
	assert_done(LEN_MOV_CR);
	assert_false(fake.s.efer & EFER_LMA);
}

/* MOV to CR0 #GP conditions (SDM Vol 2B, MOV "Move to/from Control
 * Registers", Protected Mode Exceptions): the guest's CR0 is unchanged. */
static void test_cr0_illegal_writes(void **state)
{
	u64 before = fake.s.cr0;

	mov_to_cr(0, CR0_PG | CR0_ET); /* paging without protection */
	assert_gp();
	mov_to_cr(0, CR0_PE | CR0_NW); /* not-write-through without cache disable */
	assert_gp();
	assert_true(fake.s.cr0 == before);

	guest_wrmsr(MSR_EFER, EFER_LME);
	assert_done(LEN_MSR);
	mov_to_cr(0, before | CR0_PG); /* IA-32e mode needs CR4.PAE first */
	assert_gp();
	assert_true(fake.s.cr0 == before);
	assert_false(fake.s.efer & EFER_LMA);
}

/* In 64-bit code: clearing PG, bits 63:32 set, and clearing CR4.PAE. */
static void test_cr_long_mode_rules(void **state)
{
	u64 cr0;

	enter_long_mode();
	cr0 = fake.s.cr0;
	mov_to_cr(0, cr0 & ~CR0_PG);
	assert_gp();
	mov_to_cr(0, cr0 | BIT(32));
	assert_gp();
	mov_to_cr(4, 0);
	assert_gp();
	assert_true(fake.s.cr0 == cr0);
	assert_true(fake.s.cr4 == CR4_PAE);
	guest_wrmsr(MSR_EFER, 0); /* LME cannot change while paging is on */
	assert_gp();
	assert_true(fake.s.efer == (EFER_LME | EFER_LMA));
}

/* In 32-bit code MOV to CR0 takes the register's low 32 bits. */
static void test_cr0_32bit_operand(void **state)
{
	mov_to_cr(0, BIT(40) | CR0_PE | CR0_ET);
	assert_done(LEN_MOV_CR);
	assert_true(fake.s.cr0 == (CR0_PE | CR0_ET));
}

static void test_cr4_writes(void **state)
{
	mov_to_cr(4, CR4_PAE | CR4_PSE | CR4_PGE);
	assert_done(LEN_MOV_CR);
	assert_true(fake.s.cr4 == (CR4_PAE | CR4_PSE | CR4_PGE));
	mov_to_cr(4, CR4_PAE | CR4_VMXE); /* VMX is hidden from the guest */
	assert_gp();
	mov_to_cr(4, BIT(15)); /* reserved */
	assert_gp();
	assert_true(fake.s.cr4 == (CR4_PAE | CR4_PSE | CR4_PGE));
}

static void test_cr3_read_write(void **state)
{
	mov_to_cr(3, 0x123000);
	assert_done(LEN_MOV_CR);
	assert_true(fake.s.cr3 == 0x123000);
	assert_true(mov_from_cr(3) == 0x123000);
	assert_done(LEN_MOV_CR);
	mov_from_cr(0); /* CR0 reads never exit; if one did, it would get #GP */
	assert_gp();
}

/* CR8 is the task priority, TPR[7:4] (SDM Vol 3, 11.8.6 "Task Priority in
 * IA-32e Mode"); values above 15 raise #GP. */
static void test_cr8_is_tpr(void **state)
{
	mov_to_cr(8, 5);
	assert_done(LEN_MOV_CR);
	assert_int_equal(vm_devices_tpr(&fake_vm), 0x50);
	assert_true(mov_from_cr(8) == 5);
	assert_done(LEN_MOV_CR);
	mov_to_cr(8, 16);
	assert_gp();
	assert_int_equal(vm_devices_tpr(&fake_vm), 0x50);
}

/* CLTS clears TS; LMSW loads CR0[3:0] but can never clear PE. */
static void test_clts_lmsw(void **state)
{
	fake.s.cr0 |= CR0_TS | CR0_MP;
	dispatch((struct vexit){ .reason = VEXIT_CR_ACCESS, .insn_len = 2, .cr = { .type = CR_CLTS } });
	assert_done(2);
	assert_true(fake.s.cr0 == (CR0_PE | CR0_ET | CR0_MP));
	dispatch((struct vexit){ .reason = VEXIT_CR_ACCESS, .insn_len = 3,
				 .cr = { .type = CR_LMSW, .lmsw_value = CR0_EM | CR0_TS } });
	assert_done(3);
	assert_true(fake.s.cr0 == (CR0_PE | CR0_ET | CR0_EM | CR0_TS));
}

/* --- MSRs ------------------------------------------------------------------------- */

/* EFER (SDM Vol 3, 2.2.1 "Extended Feature Enable Register"): what the
 * guest CPUID shows; LMA is the CPU's; SVME never. */
static void test_efer(void **state)
{
	guest_wrmsr(MSR_EFER, EFER_LME | EFER_LMA);
	assert_done(LEN_MSR);
	assert_true(fake.s.efer == EFER_LME); /* LMA written is ignored */
	assert_true(guest_rdmsr(MSR_EFER) == EFER_LME);
	assert_done(LEN_MSR);
	guest_wrmsr(MSR_EFER, EFER_LME | EFER_SVME);
	assert_gp();
	guest_wrmsr(MSR_EFER, EFER_LME | BIT(1)); /* reserved */
	assert_gp();
	assert_true(fake.s.efer == EFER_LME);
}

static void test_emulated_msrs(void **state)
{
	assert_true(guest_rdmsr(MSR_IA32_MISC_ENABLE) == 1); /* fast strings */
	assert_done(LEN_MSR);
	assert_true(guest_rdmsr(MSR_IA32_FEATURE_CONTROL) == 1); /* locked, VMX off */
	assert_done(LEN_MSR);
	assert_true(guest_rdmsr(MSR_IA32_PLATFORM_ID) == 0);
	assert_done(LEN_MSR);
	guest_wrmsr(MSR_IA32_BIOS_SIGN_ID, 0); /* microcode update trigger: ignored */
	assert_done(LEN_MSR);
	guest_wrmsr(MSR_IA32_PLATFORM_ID, 0); /* read-only */
	assert_gp();
	assert_true(guest_rdmsr(MSR_IA32_APIC_BASE) ==
		    (GUEST_LAPIC_BASE | APIC_BASE_BSP | APIC_BASE_EN));
	assert_done(LEN_MSR);
}

static void test_tsc_aux_and_pat(void **state)
{
	guest_wrmsr(MSR_TSC_AUX, 0x1234);
	assert_done(LEN_MSR);
	assert_true(guest_rdmsr(MSR_TSC_AUX) == 0x1234);
	assert_done(LEN_MSR);
	guest_wrmsr(MSR_TSC_AUX, BIT(32)); /* bits 63:32 are reserved */
	assert_gp();

	guest_wrmsr(MSR_IA32_PAT, PAT_VALID);
	assert_done(LEN_MSR);
	assert_true(fake.s.pat == PAT_VALID);
	guest_wrmsr(MSR_IA32_PAT, PAT_UC_MINUS_RESERVED); /* SDM Vol 3, 13.12.2: types 2, 3 reserved */
	assert_gp();
	assert_true(fake.s.pat == PAT_VALID);
	assert_true(guest_rdmsr(MSR_IA32_PAT) == PAT_VALID);
	assert_done(LEN_MSR);
}

/* An MSR the hypervisor does not have raises #GP, read or written; a
 * read-only one raises it when written. */
static void test_unknown_msr(void **state)
{
	guest_rdmsr(MSR_IA32_MCG_CTL);
	assert_gp();
	assert_true(gpr[GPR_RAX] == RAX_JUNK); /* nothing returned */
	guest_wrmsr(MSR_IA32_MCG_CTL, 0);
	assert_gp();
	assert_true(guest_rdmsr(MSR_IA32_MCG_CAP) == 0); /* no banks */
	assert_done(LEN_MSR);
	guest_wrmsr(MSR_IA32_MCG_CAP, 0);
	assert_gp();
}

/* IA32_MISC_ENABLE keeps what the guest writes (SDM Vol 4, 2.1). */
static void test_misc_enable_kept(void **state)
{
	guest_wrmsr(MSR_IA32_MISC_ENABLE, 0x400C50809ULL);
	assert_done(LEN_MSR);
	assert_true(guest_rdmsr(MSR_IA32_MISC_ENABLE) == 0x400C50809ULL);
	assert_done(LEN_MSR);
}

/* IA32_TSC is the guest's TSC: reads give host TSC minus the VM's start;
 * a write moves the guest's clock only. */
static void test_tsc_msr(void **state)
{
	fake_tsc_advance(5000);
	assert_true(guest_rdmsr(MSR_IA32_TSC) == 5000);
	assert_done(LEN_MSR);
	guest_wrmsr(MSR_IA32_TSC, 1000000);
	assert_done(LEN_MSR);
	fake_tsc_advance(7);
	dispatch((struct vexit){ .reason = VEXIT_RDTSC, .insn_len = LEN_RDTSC });
	assert_done(LEN_RDTSC);
	assert_true(gpr[GPR_RAX] == 1000007 && gpr[GPR_RDX] == 0);
	assert_true(fake_platform.tsc == FAKE_TSC_START + 5007); /* the host's is untouched */
}

/* --- time and randomness ------------------------------------------------------------ */

static void test_rdtsc_rdtscp(void **state)
{
	fake_tsc_advance(0x123456789ULL);
	gpr[GPR_RAX] = gpr[GPR_RDX] = RAX_JUNK;
	dispatch((struct vexit){ .reason = VEXIT_RDTSC, .insn_len = LEN_RDTSC });
	assert_done(LEN_RDTSC);
	assert_true(gpr[GPR_RAX] == 0x23456789 && gpr[GPR_RDX] == 1);

	guest_wrmsr(MSR_TSC_AUX, 7);
	assert_done(LEN_MSR);
	gpr[GPR_RCX] = RAX_JUNK;
	dispatch((struct vexit){ .reason = VEXIT_RDTSCP, .insn_len = LEN_RDTSCP });
	assert_done(LEN_RDTSCP);
	assert_true(gpr[GPR_RCX] == 7);
	assert_true(gpr[GPR_RAX] == 0x23456789 && gpr[GPR_RDX] == 1);
}

static bool host_has_rdrand(void)
{
	unsigned a, b, c, d;

	return __get_cpuid(1, &a, &b, &c, &d) && (c & CPUID1_ECX_RDRAND);
}

/* RDRAND runs on the host: the destination gets its value, CF=1, and the
 * other arithmetic flags clear (SDM Vol 2B, RDRAND "Flags Affected"). */
static void test_rdrand(void **state)
{
	if (!host_has_rdrand())
		skip();
	fake.s.rflags |= RFLAGS_ZF | RFLAGS_OF | RFLAGS_SF;
	gpr[GPR_RDX] = RAX_JUNK;
	dispatch((struct vexit){ .reason = VEXIT_RDRAND, .insn_len = LEN_RDRAND,
				 .rdrand = { GPR_RDX, 2 } });
	assert_done(LEN_RDRAND);
	assert_true((fake.s.rflags & RFLAGS_ARITH) == RFLAGS_CF);
	assert_true((gpr[GPR_RDX] & ~0xFFFFULL) == (RAX_JUNK & ~0xFFFFULL)); /* 16-bit destination */
}

/* --- CPUID ------------------------------------------------------------------------ */

/* The guest sees the policy applied to the host: the host's vendor, the
 * hypervisor bit and leaves, no VMX, RDRAND only where the backend traps it. */
static void test_cpuid_policy(void **state)
{
	struct cpuid_result r;
	unsigned a, b, c, d;
	char sig[13] = { 0 };

	__cpuid(0, a, b, c, d);
	r = cpuid_exit(0, 0);
	assert_done(LEN_CPUID);
	assert_true(r.ebx == b && r.ecx == c && r.edx == d);
	assert_true(r.eax <= GUEST_CPUID_MAX_BASIC);

	gpr[GPR_RBX] = RAX_JUNK;
	r = cpuid_exit(GUEST_CPUID_HV_LEAF, 0);
	assert_done(LEN_CPUID);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	assert_string_equal(sig, GUEST_CPUID_HV_SIGNATURE);
	assert_true(gpr[GPR_RBX] >> 32 == 0); /* 32-bit results clear bits 63:32 */

	__cpuid(1, a, b, c, d);
	r = cpuid_exit(1, 0);
	assert_done(LEN_CPUID);
	assert_true(r.ecx & CPUID1_ECX_HYPERVISOR);
	assert_false(r.ecx & CPUID1_ECX_VMX);
	assert_int_equal(!!(r.ecx & CPUID1_ECX_RDRAND), !!(c & CPUID1_ECX_RDRAND));
	assert_false(r.ecx & CPUID1_ECX_OSXSAVE);

	fake.trap_rdrand = false; /* as on SVM */
	r = cpuid_exit(1, 0);
	assert_done(LEN_CPUID);
	assert_false(r.ecx & CPUID1_ECX_RDRAND);
}

/* --- port I/O ----------------------------------------------------------------------- */

/* Nobody answers: reads give all ones in the access size (AL and AX keep
 * the rest of RAX, EAX clears bits 63:32), writes vanish. */
static void test_io_unclaimed(void **state)
{
	static const struct {
		u8 size;
		u64 rax;
	} cases[] = {
		{ 1, (RAX_JUNK & ~0xFFULL) | 0xFF },
		{ 2, (RAX_JUNK & ~0xFFFFULL) | 0xFFFF },
		{ 4, 0xFFFFFFFFULL },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		gpr[GPR_RAX] = RAX_JUNK;
		if (in(UNCLAIMED_PORT, cases[i].size) != cases[i].rax)
			fail_msg("IN size %u: RAX %#llx", cases[i].size, gpr[GPR_RAX]);
		assert_done(LEN_IO);
	}
	out(UNCLAIMED_PORT, 4, 0);
	assert_done(LEN_IO);
	assert_int_equal(fake_vm.pio.unclaimed_reads, 3);
	assert_int_equal(fake_vm.pio.unclaimed_writes, 1);
}

/* The exit port ends the run with the guest's code. */
static void test_io_exit_port(void **state)
{
	out(FAKE_EXIT_PORT, 4, 42);
	assert_int_equal(fake_vm.state, VM_EXITED);
	assert_int_equal(fake_vm.exit_code, 42);
}

/* The PIC: its mask register reads back what the guest initialized. */
static void test_io_pic(void **state)
{
	out(VPIC_MASTER_BASE, 1, PIC_ICW1);
	out(VPIC_MASTER_BASE + 1, 1, GUEST_IRQ0_VECTOR);
	out(VPIC_MASTER_BASE + 1, 1, PIC_ICW3_MASTER);
	out(VPIC_MASTER_BASE + 1, 1, PIC_ICW4_8086);
	out(VPIC_MASTER_BASE + 1, 1, PIC_MASK);
	assert_done(5 * LEN_IO);
	assert_int_equal(in(VPIC_MASTER_BASE + 1, 1) & 0xFF, PIC_MASK);
	assert_done(LEN_IO);
}

/* The PIT counts down with guest time: the fake TSC, through the guest's
 * clock, brought up to date at each access. */
static void test_io_pit_follows_guest_time(void **state)
{
	u64 lo, hi;

	out(PIT_CONTROL_PORT, 1, PIT_CW_CH0_MODE2);
	out(VPIT_BASE, 1, PIT_COUNT & 0xFF);
	out(VPIT_BASE, 1, PIT_COUNT >> 8); /* at tick 0: loaded at tick 1 */
	fake_tsc_advance(pit_tick_ns(1 + PIT_TICKS_LATER));
	out(PIT_CONTROL_PORT, 1, PIT_CW_LATCH_CH0);
	lo = in(VPIT_BASE, 1) & 0xFF;
	hi = in(VPIT_BASE, 1) & 0xFF;
	assert_done(6 * LEN_IO);
	assert_int_equal(hi << 8 | lo, PIT_COUNT - PIT_TICKS_LATER);
	assert_true(vm_devices_next_event_ns(&fake_vm) == pit_tick_ns(1 + PIT_COUNT));
}

static u8 bcd(unsigned v)
{
	return (u8)((v / 10) << 4 | v % 10);
}

static u8 cmos_read(u8 index)
{
	out(VRTC_INDEX_PORT, 1, index);
	return (u8)in(VRTC_DATA_PORT, 1);
}

/* The RTC starts from the host's CMOS clock (BCD, 24-hour by default). */
static void test_io_cmos(void **state)
{
	assert_int_equal(cmos_read(CMOS_SECONDS), bcd(FAKE_CMOS_SECOND));
	assert_int_equal(cmos_read(CMOS_HOURS), bcd(FAKE_CMOS_HOUR));
	assert_int_equal(cmos_read(CMOS_YEAR), bcd(FAKE_CMOS_YEAR % 100));
	assert_done(6 * LEN_IO);
}

/* Without a readable host clock the RTC starts at 2026-01-01, with a
 * warning. */
static void test_io_cmos_without_host_clock(void **state)
{
	fake_vm_destroy();
	fake_vm_prepare();
	fake_platform.cmos_broken = true;
	capture_start();
	boot();
	assert_captured("warn: devices: host RTC unreadable; the guest's clock starts at 2026-01-01");
	assert_int_equal(cmos_read(CMOS_YEAR), bcd(26));
	assert_int_equal(cmos_read(CMOS_HOURS), bcd(0));
	assert_done(4 * LEN_IO);
}

/* COM1's output reaches the guest console (COM2 here); its line status
 * says the transmitter is empty (PC16550D, LSR bits 5 and 6). */
static void test_io_uart(void **state)
{
	size_t len;
	const u8 *text;

	out(VUART_COM1_BASE, 1, 'h');
	out(VUART_COM1_BASE, 1, 'i');
	text = fake_uart_bytes(COM2_PORT, &len);
	assert_int_equal(len, 2);
	assert_memory_equal(text, "hi", 2);
	assert_int_equal(in(VUART_COM1_BASE + UART_LSR, 1) & UART_LSR_THRE_TEMT, UART_LSR_THRE_TEMT);
	assert_done(3 * LEN_IO);
}

#define PIC_IMR_PORT 0x21
#define STRING_BUF_GPA 0x8000

static void string_io(const u8 *insn, u8 len, bool in, bool rep)
{
	assert_int_equal(vm_write_gpa(&fake_vm, fake.s.rip, insn, len), 0);
	dispatch((struct vexit){ .reason = VEXIT_IO, .insn_len = len,
				 .io = { .port = PIC_IMR_PORT, .size = 1, .in = in, .string = true,
					 .rep = rep } });
}

/* REP INSB and REP OUTSB through the port bus (SDM Vol 2B, INS, OUTS):
 * every element, rDI/rSI moving (down with DF), rCX counted to 0, RIP past
 * the instruction; a REP with rCX = 0 does nothing. */
static void test_io_string(void **state)
{
	static const u8 rep_insb[] = { 0xF3, 0x6C };
	static const u8 rep_outsb[] = { 0xF3, 0x6E };
	static const u8 data[] = { 0x11, 0x22, 0x33 };
	u8 got[4];

	out(PIC_IMR_PORT, 1, 0x5A);
	assert_done(LEN_IO);
	gpr[GPR_RDI] = STRING_BUF_GPA;
	gpr[GPR_RCX] = 4;
	string_io(rep_insb, sizeof(rep_insb), true, true);
	assert_done(sizeof(rep_insb));
	assert_int_equal(vm_read_gpa(&fake_vm, STRING_BUF_GPA, got, sizeof(got)), 0);
	assert_memory_equal(got, ((u8[]){ 0x5A, 0x5A, 0x5A, 0x5A }), 4);
	assert_int_equal(gpr[GPR_RDI], STRING_BUF_GPA + 4);
	assert_int_equal(gpr[GPR_RCX], 0);

	assert_int_equal(vm_write_gpa(&fake_vm, STRING_BUF_GPA, data, sizeof(data)), 0);
	gpr[GPR_RSI] = STRING_BUF_GPA + 2;
	gpr[GPR_RCX] = 3;
	fake.s.rflags |= RFLAGS_DF; /* backwards: 0x33, 0x22, 0x11 */
	string_io(rep_outsb, sizeof(rep_outsb), false, true);
	assert_done(sizeof(rep_outsb));
	assert_int_equal(gpr[GPR_RSI], STRING_BUF_GPA - 1);
	assert_int_equal(in(PIC_IMR_PORT, 1) & 0xFF, 0x11);
	assert_done(LEN_IO);
	fake.s.rflags &= ~RFLAGS_DF;

	gpr[GPR_RCX] = 0;
	gpr[GPR_RSI] = STRING_BUF_GPA;
	string_io(rep_outsb, sizeof(rep_outsb), false, true);
	assert_done(sizeof(rep_outsb));
	assert_int_equal(gpr[GPR_RSI], STRING_BUF_GPA);
	assert_int_equal(in(PIC_IMR_PORT, 1) & 0xFF, 0x11);
}

/* Guest RAM an INS writes (the hypervisor's own write, past stage 2) is
 * dirty for the next digest: the window is told its page number. */
static void test_io_string_marks_dirty(void **state)
{
	static const u8 rep_insb[] = { 0xF3, 0x6C };

	assert_int_equal(ww_init(&fake_vm, 0), 0);
	assert_false(bitmap_test(ww_dirty_bits(&fake_vm), STRING_BUF_GPA / PAGE_SIZE));
	gpr[GPR_RDI] = STRING_BUF_GPA;
	gpr[GPR_RCX] = 2;
	string_io(rep_insb, sizeof(rep_insb), true, true);
	assert_true(bitmap_test(ww_dirty_bits(&fake_vm), STRING_BUF_GPA / PAGE_SIZE));
	ww_stop(&fake_vm);
}

/* More elements than one exit does: RIP stays until rCX reaches 0. */
static void test_io_string_chunks(void **state)
{
	static const u8 rep_insb[] = { 0xF3, 0x6C };
	unsigned exits = 0;

	gpr[GPR_RDI] = 0x10000;
	gpr[GPR_RCX] = 10000;
	do {
		string_io(rep_insb, sizeof(rep_insb), true, true);
		exits++;
	} while (fake.s.rip == entry_rip && exits < 10);
	assert_done(sizeof(rep_insb));
	assert_int_equal(exits, 3);
	assert_int_equal(gpr[GPR_RCX], 0);
	assert_int_equal(gpr[GPR_RDI], 0x10000 + 10000);
}

/* --- HLT and the rest ---------------------------------------------------------------- */

static void test_hlt_with_interrupts_on(void **state)
{
	fake.s.rflags |= RFLAGS_IF;
	dispatch((struct vexit){ .reason = VEXIT_HLT, .insn_len = LEN_HLT });
	assert_done(LEN_HLT);
	assert_true(vcpu->halted);
	assert_int_equal(fake_vm.state, VM_RUNNING);
}

/* With IF=0 and no NMI source armed nothing can wake the guest: the run
 * ends, saying why. */
static void test_hlt_with_interrupts_off(void **state)
{
	dispatch((struct vexit){ .reason = VEXIT_HLT, .insn_len = LEN_HLT });
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_string_equal(fake_vm.stop_reason,
			    "the guest executed HLT with interrupts disabled and no NMI source is armed "
			    "(LINT0 and every IOAPIC pin are out of NMI mode): it can never wake up");
}

/* With LINT0 in NMI mode (the 8259's output arrives as an NMI) HLT with
 * IF=0 waits, as the CPU does (SDM Vol 3, 9.7 "Halt"). */
static void test_hlt_waits_for_nmi(void **state)
{
	vlapic_write(&fake_vm.dev->lapic, LAPIC_LVT_LINT0_REG, LVT_DM_NMI);
	dispatch((struct vexit){ .reason = VEXIT_HLT, .insn_len = LEN_HLT });
	assert_done(LEN_HLT);
	assert_true(vcpu->halted);
	assert_int_equal(fake_vm.state, VM_RUNNING);
}

/* With RFLAGS.TF set an instruction Understudy emulates completes with
 * the single-step trap the CPU would raise (SDM Vol 3, 18.3.1.4): #DB
 * after the instruction, DR6.BS set; a faulting one gets its fault only. */
static void test_tf_step_trap_after_emulation(void **state)
{
	fake.s.rflags |= RFLAGS_TF;
	cpuid_exit(0, 0);
	assert_true(fake.s.rip == entry_rip + LEN_CPUID);
	assert_int_equal(fake.ninjected, 1);
	assert_int_equal(fake.injected[0].ev.type, VEVENT_EXCEPTION);
	assert_int_equal(fake.injected[0].ev.vector, EXC_DB);
	assert_true(fake.dr6 & DR6_BS);
	fake.ninjected = 0;
	fake.pending = false;
	entry_rip = fake.s.rip;
	in(0x80, 1);
	assert_int_equal(fake.ninjected, 1);
	assert_int_equal(fake.injected[0].ev.vector, EXC_DB);
	fake.ninjected = 0;
	fake.pending = false;
	entry_rip = fake.s.rip;
	guest_rdmsr(0x17B); /* absent: #GP, no trap */
	assert_gp();
	fake.s.rflags &= ~RFLAGS_TF;
	cpuid_exit(0, 0);
	assert_done(LEN_CPUID);
}

static void test_instructions_that_fault(void **state)
{
	dispatch((struct vexit){ .reason = VEXIT_RDPMC, .insn_len = 2 });
	assert_gp();
	dispatch((struct vexit){ .reason = VEXIT_VMCALL, .insn_len = 3 });
	assert_fault(EXC_UD, false);
	dispatch((struct vexit){ .reason = VEXIT_XSETBV, .insn_len = LEN_XSETBV });
	assert_fault(EXC_UD, false); /* CR4.OSXSAVE is clear */
	dispatch((struct vexit){ .reason = VEXIT_INVD, .insn_len = LEN_INVD });
	assert_done(LEN_INVD);
}

/* An intercepted exception goes back to the guest as it was, CR2 included. */
static void test_exception_reinjected(void **state)
{
	dispatch((struct vexit){ .reason = VEXIT_EXCEPTION,
				 .exception = { EXC_PF, true, 6, 0xDEAD000 } });
	assert_int_equal(fake.ninjected, 1);
	assert_int_equal(fake.injected[0].ev.vector, EXC_PF);
	assert_int_equal(fake.injected[0].ev.error_code, 6);
	assert_true(vcpu->arch.cr2 == 0xDEAD000);
	assert_true(fake.s.rip == entry_rip);
}

static void test_unhandled_exit_stops(void **state)
{
	dispatch((struct vexit){ .reason = VEXIT_UNHANDLED, .raw_reason = 0x99, .raw_qual = 5 });
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_string_equal(fake_vm.stop_reason, "unhandled exit: unhandled (backend reason 0x99, "
						 "qualification 0x5, info 0)");
	assert_int_equal(fake.dumps, 1);
	dispatch((struct vexit){ .reason = VEXIT_COUNT });
	assert_int_equal(fake_vm.state, VM_STOPPED);
}

/* --- nested page faults ------------------------------------------------------------------ */

/* With strict_mmio=on an access to memory that is neither RAM nor a
 * device stops the guest; an instruction fetch there always does. */
static void test_npf_outside_ram_stops(void **state)
{
	fake_vm.strict_mmio = true;
	dispatch((struct vexit){ .reason = VEXIT_NPF, .npf = { .gpa = GiB(1), .write = true } });
	assert_int_equal(fake_vm.state, VM_STOPPED);
	assert_string_equal(fake_vm.stop_reason,
			    "the guest wrote to guest-physical address 0x40000000, which is neither its "
			    "RAM (0-0x200000) nor a device (strict_mmio=on)");
}

static void test_npf_fetch_outside_ram_stops(void **state)
{
	dispatch((struct vexit){ .reason = VEXIT_NPF, .npf = { .gpa = 0xFF000000, .fetch = true } });
	assert_int_equal(fake_vm.state, VM_STOPPED);
}

/* By default such memory answers as a PC bus with nothing behind it: a
 * read gives all ones (mov eax, [0xFED00000]: 8B 05 disp32), a byte write
 * (mov [0xFF000000], al: A2 moffs32) vanishes; both are counted. */
static void test_npf_unclaimed_pc_bus(void **state)
{
	static const u8 mov_eax_hpet[] = { 0x8B, 0x05, 0x00, 0x00, 0xD0, 0xFE };
	static const u8 mov_flash_al[] = { 0xA2, 0x00, 0x00, 0x00, 0xFF };

	assert_int_equal(vm_write_gpa(&fake_vm, fake.s.rip, mov_eax_hpet, sizeof(mov_eax_hpet)), 0);
	gpr[GPR_RAX] = 0;
	dispatch((struct vexit){ .reason = VEXIT_NPF, .npf = { .gpa = 0xFED00000, .read = true } });
	assert_done(sizeof(mov_eax_hpet));
	assert_int_equal((u32)gpr[GPR_RAX], 0xFFFFFFFF);
	assert_int_equal(fake_vm.mmio.unclaimed_reads, 1);

	assert_int_equal(vm_write_gpa(&fake_vm, fake.s.rip, mov_flash_al, sizeof(mov_flash_al)), 0);
	dispatch((struct vexit){ .reason = VEXIT_NPF, .npf = { .gpa = 0xFF000000, .write = true } });
	assert_done(sizeof(mov_flash_al));
	assert_int_equal(fake_vm.mmio.unclaimed_writes, 1);
	assert_int_equal(fake_vm.state, VM_RUNNING);
}

/* A read of the local APIC page is emulated from the instruction in guest
 * memory: mov eax, [0xFEE00030] (8B 05 disp32 in 32-bit code). */
static void test_npf_lapic_mmio(void **state)
{
	static const u8 mov_eax_version[] = { 0x8B, 0x05, 0x30, 0x00, 0xE0, 0xFE };

	assert_int_equal(vm_write_gpa(&fake_vm, fake.s.rip, mov_eax_version, sizeof(mov_eax_version)), 0);
	gpr[GPR_RAX] = RAX_JUNK;
	dispatch((struct vexit){ .reason = VEXIT_NPF,
				 .npf = { .gpa = GUEST_LAPIC_BASE + LAPIC_VERSION_REG, .read = true } });
	assert_done(sizeof(mov_eax_version));
	/* bits 63:32 are undefined outside 64-bit mode (SDM Vol 1, 3.4.1.1
	 * "General-Purpose Registers in 64-Bit Mode") */
	assert_int_equal((u32)gpr[GPR_RAX], VLAPIC_VERSION);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_cr0_legal_writes),
		T(test_cr0_illegal_writes),
		T(test_cr_long_mode_rules),
		T(test_cr0_32bit_operand),
		T(test_cr4_writes),
		T(test_cr3_read_write),
		T(test_cr8_is_tpr),
		T(test_clts_lmsw),
		T(test_efer),
		T(test_emulated_msrs),
		T(test_tsc_aux_and_pat),
		T(test_unknown_msr),
		T(test_misc_enable_kept),
		T(test_tsc_msr),
		T(test_rdtsc_rdtscp),
		T(test_rdrand),
		T(test_cpuid_policy),
		T(test_io_unclaimed),
		T(test_io_exit_port),
		T(test_io_pic),
		T(test_io_pit_follows_guest_time),
		T(test_io_cmos),
		T(test_io_cmos_without_host_clock),
		T(test_io_uart),
		T(test_io_string),
		T(test_io_string_marks_dirty),
		T(test_io_string_chunks),
		T(test_hlt_with_interrupts_on),
		T(test_hlt_with_interrupts_off),
		T(test_hlt_waits_for_nmi),
		T(test_tf_step_trap_after_emulation),
		T(test_instructions_that_fault),
		T(test_exception_reinjected),
		T(test_unhandled_exit_stops),
		T(test_npf_outside_ram_stops),
		T(test_npf_fetch_outside_ram_stops),
		T(test_npf_unclaimed_pc_bus),
		T(test_npf_lapic_mmio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
