/*
 * How interrupts travel through the guest's PC to its CPU, as on a PC with
 * a PIIX-style chipset: ISA IRQ n drives 8259 input n and IOAPIC pin n,
 * except IRQ 0 (the PIT), which drives IOAPIC pin 2 (the MADT's interrupt
 * source override says so); the 8259's INT output drives the local APIC's
 * LINT0 and IOAPIC pin 0. The CPU takes the local APIC's highest vector
 * above its processor priority first, then the 8259's vector when the
 * 8259 reaches the CPU (LINT0 in ExtINT mode, or IOAPIC pin 0 in ExtINT
 * mode, or the local APIC disabled), as QEMU's CPU does. NMIs come from
 * the local APIC (its ICR, LINT pins in NMI mode, IOAPIC messages).
 */
#include "arch/x86/time.h"
#include "errno.h"
#include "hv/vm_devices_internal.h"
#include "log.h"

#define IRQ_PIT 0
#define IOAPIC_PIN_PIT 2 /* ISA IRQ 0 */
#define IOAPIC_PIN_PIC 0 /* the 8259's INT output (virtual wire through the IOAPIC) */

/* The state SeaBIOS leaves the local APIC in for the OS (src/fw/smp.c,
 * smp_scan): software-enabled, LINT0 ExtINT and LINT1 NMI, both
 * level-triggered; what QEMU's native runs of a Multiboot kernel see. */
#define BIOS_SVR 0x1FF
#define BIOS_LINT0 0x8700
#define BIOS_LINT1 0x8400
#define LAPIC_REG_SVR 0x0F0
#define LAPIC_REG_LINT0 0x350
#define LAPIC_REG_LINT1 0x360

static unsigned isa_pin(unsigned irq)
{
	return irq == IRQ_PIT ? IOAPIC_PIN_PIT : irq;
}

static void isa_irq_set(void *ctx, unsigned irq, bool level)
{
	struct vm_devices *d = ctx;

	vpic_set_irq(&d->pic, irq, level);
	vioapic_set_irq(&d->ioapic, isa_pin(irq), level);
}

struct irq_line vm_isa_irq_line(struct vm_devices *d, unsigned irq)
{
	return (struct irq_line){ isa_irq_set, d, irq };
}

static void pic_intr_set(void *ctx, unsigned irq, bool level)
{
	struct vm_devices *d = ctx;

	(void)irq;
	vlapic_set_lint(&d->lapic, 0, level);
	vioapic_set_irq(&d->ioapic, IOAPIC_PIN_PIC, level);
}

struct irq_line vm_pic_intr_line(struct vm_devices *d)
{
	return (struct irq_line){ pic_intr_set, d, 0 };
}

static void ioapic_deliver(void *ctx, const struct vlapic_msg *m)
{
	struct vm_devices *d = ctx;

	vlapic_accept_msg(&d->lapic, m);
}

static void on_lapic_eoi(void *ctx, u8 vector)
{
	struct vm_devices *d = ctx;

	vioapic_eoi(&d->ioapic, vector);
}

static const char *const unsupported_what[VLAPIC_UNSUP_COUNT] = {
	[VLAPIC_UNSUP_IPI_NO_CPU] = "an IPI to a CPU that does not exist (one CPU is emulated); dropped",
	[VLAPIC_UNSUP_IPI_OTHERS] = "an IPI to all other CPUs (there are none); dropped",
	[VLAPIC_UNSUP_INIT] = "INIT to itself: not emulated (the CPU is not reset)",
	[VLAPIC_UNSUP_STARTUP] = "a start-up IPI to itself: not emulated",
	[VLAPIC_UNSUP_SMI] = "an SMI: not emulated (no SMM)",
	[VLAPIC_UNSUP_BASE_MOVE] = "IA32_APIC_BASE with another base: not emulated (#GP)",
};

/* What the guest asked the APIC for and did not get: one warning per kind
 * (later ones are counted and reported at the end). */
static void on_lapic_unsupported(void *ctx, enum vlapic_unsupported what, u64 detail,
			      const struct vlapic_msg *m)
{
	struct vm_devices *d = ctx;

	if (d->unsupported[what]++)
		return;
	if (m)
		pr_warn("lapic: the guest sent %s (delivery mode %u, vector %#x, %s destination %#llx); "
			"further ones are counted", unsupported_what[what], m->mode, m->vector,
			m->logical ? "logical" : "physical", detail);
	else
		pr_warn("lapic: the guest wrote %s (value %#llx)", unsupported_what[what], detail);
}

/* The guest's TSC at guest time ns, as vcpu_guest_tsc() reads it at the
 * host TSC of that moment (split to avoid overflow, as arch/x86/time.c). */
static u64 guest_tsc_at(void *ctx, u64 ns)
{
	struct vm *vm = ctx;
	u64 hz = vm->dev->tsc_hz;

	return ns / NS_PER_SEC * hz + ns % NS_PER_SEC * hz / NS_PER_SEC + vm->vcpu.tsc_adjust;
}

static u64 tsc_cycles_to_ns(void *ctx, u64 cycles)
{
	u64 hz = ((struct vm *)ctx)->dev->tsc_hz;

	/* rounded up: the deadline has passed then */
	return cycles / hz * NS_PER_SEC + cycles % hz * NS_PER_SEC / hz + 1;
}

void vm_devices_set_tsc_hz(struct vm *vm, u64 hz)
{
	if (hz)
		vm->dev->tsc_hz = hz;
}

void vm_interrupts_init(struct vm *vm, struct vm_devices *d, struct vclock clock)
{
	struct vlapic_tsc tsc = { guest_tsc_at, tsc_cycles_to_ns, vm };
	struct vlapic_ops ops = { on_lapic_eoi, on_lapic_unsupported, d };

	d->tsc_hz = time_clocks()->tsc_hz;
	vlapic_init(&d->lapic, GUEST_APIC_ID, clock, tsc, ops);
	vlapic_write(&d->lapic, LAPIC_REG_SVR, BIOS_SVR);
	vlapic_write(&d->lapic, LAPIC_REG_LINT0, BIOS_LINT0);
	vlapic_write(&d->lapic, LAPIC_REG_LINT1, BIOS_LINT1);
	vioapic_init(&d->ioapic, (struct vioapic_ops){ ioapic_deliver, d });
}

int vm_interrupts_attach(struct vm *vm, struct vm_devices *d)
{
	int err = vlapic_attach(&d->lapic, &vm->mmio);

	err = err ? err : vioapic_attach(&d->ioapic, &vm->mmio);
	if (err)
		return err;
	/* The timer's count is a function of device time: bring devices up to
	 * date before every access (its reads are then replayable). */
	io_bus_set_flags(&vm->mmio, VLAPIC_BASE, VLAPIC_PAGE_SIZE, IO_TIMED);
	return 0;
}

/* Does the 8259's output reach the CPU now? */
static bool extint_open(struct vm_devices *d)
{
	return vlapic_extint_open(&d->lapic) || vioapic_pin_extint(&d->ioapic, IOAPIC_PIN_PIC);
}

int vm_devices_pending_vector(struct vm *vm)
{
	struct vm_devices *d = vm->dev;
	int v = vlapic_pending_vector(&d->lapic);

	if (v >= 0)
		return v;
	return extint_open(d) ? vpic_pending_vector(&d->pic) : -1;
}

int vm_devices_ack_vector(struct vm *vm)
{
	struct vm_devices *d = vm->dev;

	if (vlapic_pending_vector(&d->lapic) >= 0)
		return vlapic_ack(&d->lapic);
	return vpic_ack(&d->pic);
}

bool vm_devices_nmi_pending(struct vm *vm)
{
	return vlapic_nmi_pending(&vm->dev->lapic);
}

void vm_devices_ack_nmi(struct vm *vm)
{
	vlapic_ack_nmi(&vm->dev->lapic);
}

/* An NMI can still come without the guest executing anything: the 8259's
 * output (driven by the PIT, RTC, UART) reaches an NMI through LINT0, or
 * an IOAPIC pin is routed as NMI. */
bool vm_devices_nmi_possible(struct vm *vm)
{
	struct vm_devices *d = vm->dev;

	return vlapic_nmi_pending(&d->lapic) || vlapic_lint_nmi(&d->lapic, 0) ||
	       vioapic_nmi_armed(&d->ioapic);
}

bool vm_devices_is_lapic_msr(u32 index)
{
	return vlapic_is_msr(index);
}

int vm_devices_lapic_msr(struct vm *vm, u32 index, bool write, u64 *value)
{
	struct vlapic *l = &vm->dev->lapic;

	if (!vlapic_is_msr(index))
		return -ENOENT;
	return write ? vlapic_msr_write(l, index, *value) : vlapic_msr_read(l, index, value);
}

u64 vm_devices_apic_base(struct vm *vm)
{
	return vlapic_apic_base(&vm->dev->lapic);
}

int vm_devices_set_apic_base(struct vm *vm, u64 value)
{
	return vlapic_write_apic_base(&vm->dev->lapic, value);
}

u8 vm_devices_tpr(struct vm *vm)
{
	return vlapic_tpr(&vm->dev->lapic);
}

void vm_devices_set_tpr(struct vm *vm, u8 tpr)
{
	vlapic_set_tpr(&vm->dev->lapic, tpr);
}

void vm_interrupts_report(struct vm_devices *d)
{
	const struct vlapic_stats *s = &d->lapic.stats;

	pr_info("devices: local APIC %llu interrupts taken, %llu EOIs, timer %llu (%llu masked, "
		"%llu coalesced), %llu IPIs (%llu to itself, %llu to no CPU), %llu NMIs; IOAPIC "
		"%llu messages", s->delivered, s->eois, s->timer_fires, s->timer_masked,
		s->timer_coalesced, s->ipis, s->self_ipis, s->ipis_dropped, s->nmis,
		d->ioapic.stats.messages);
	for (unsigned i = 0; i < VLAPIC_UNSUP_COUNT; i++)
		if (d->unsupported[i])
			pr_warn("lapic: %llu times %s", d->unsupported[i], unsupported_what[i]);
}
