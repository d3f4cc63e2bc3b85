/* Local APIC access in x2APIC (MSR) or xAPIC (MMIO) mode. Register offsets:
 * SDM Vol 3, 11.4.1 Table 11-1 "Local APIC Register Address Map"; their MSR
 * numbers: 11.12.1.2 "x2APIC Register Address Space" (0x800 + offset/16). */
#include "arch/x86/lapic.h"

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "errno.h"
#include "log.h"

enum lapic_reg {
	LAPIC_ID = 0x020,
	LAPIC_VERSION = 0x030,
	LAPIC_TPR = 0x080,
	LAPIC_EOI = 0x0B0,
	LAPIC_SVR = 0x0F0,
	LAPIC_ESR = 0x280,
	LAPIC_LVT_TIMER = 0x320,
	LAPIC_LVT_THERMAL = 0x330,
	LAPIC_LVT_PERF = 0x340,
	LAPIC_LVT_LINT0 = 0x350,
	LAPIC_LVT_LINT1 = 0x360,
	LAPIC_LVT_ERROR = 0x370,
	LAPIC_TIMER_INITIAL = 0x380,
	LAPIC_TIMER_CURRENT = 0x390,
	LAPIC_TIMER_DIVIDE = 0x3E0,
};

#define CPUID_1_EDX_APIC (1u << 9)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define SVR_APIC_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define TIMER_DIVIDE_BY_16 0x3 /* SDM Vol 3, Figure 11-10 "Divide Configuration Register" */
#define LAPIC_MMIO_SIZE 0x1000

#include "arch/x86/trap.h"

static bool x2apic;
static volatile u32 *mmio;

static u32 lapic_read(enum lapic_reg reg)
{
	if (x2apic)
		return (u32)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return mmio[reg / 4];
}

static void lapic_write(enum lapic_reg reg, u32 v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

static int enable_mode(void)
{
	struct cpuid_regs r = cpuid(1);
	u64 base = rdmsr(MSR_IA32_APIC_BASE);

	if (!(r.edx & CPUID_1_EDX_APIC))
		return -ENODEV;
	x2apic = r.ecx & CPUID_1_ECX_X2APIC;
	/* xAPIC must be enabled before x2APIC (SDM Vol 3, 11.12.5 "x2APIC State
	 * Transitions"). */
	base |= APIC_BASE_EN;
	wrmsr(MSR_IA32_APIC_BASE, base);
	if (x2apic) {
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
		return 0;
	}
	if (mm_map_mmio(base & APIC_BASE_ADDR_MASK, LAPIC_MMIO_SIZE))
		return -ENOMEM;
	mmio = phys_to_virt(base & APIC_BASE_ADDR_MASK);
	return 0;
}

static void spurious_handler(struct trap_frame *f)
{
	(void)f; /* SDM Vol 3, 11.9 "Spurious Interrupt": no EOI */
}

int lapic_init(void)
{
	int err = enable_mode();

	if (err)
		return err;
	trap_set_handler(VECTOR_SPURIOUS, spurious_handler);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_APIC_ENABLE | VECTOR_SPURIOUS);
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
	pr_info("lapic: %s mode, id %u, version %#x", x2apic ? "x2APIC" : "xAPIC", lapic_id(),
		lapic_version() & 0xFF);
	return 0;
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

u32 lapic_id(void)
{
	u32 id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

u32 lapic_version(void)
{
	return lapic_read(LAPIC_VERSION);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

void lapic_timer_start_oneshot(u32 count, u8 vector)
{
	lapic_write(LAPIC_LVT_TIMER, vector ? vector : LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, count);
}

void lapic_timer_start_periodic(u32 count, u8 vector)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INITIAL, count);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
}

u32 lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CURRENT);
}
