/*
 * The guest's PC: COM1 (16550), the 8259A pair, the 8254 PIT with port
 * 0x61, CMOS/RTC, port 0x80, the isa-debug-exit port at 0xF4, the ACPI PM
 * registers at 0x600 (PM timer; S5 ends the run), the local APIC and the
 * IOAPIC. Devices read time from the VM's guest clock; how
 * their interrupts reach the CPU is in hv/vm_interrupts.c.
 */
#include "hv/vm_devices.h"

#include <string.h>

#include "arch/x86/exit_profile.h"
#include "drivers/rtc/cmos.h"
#include "errno.h"
#include "hv/entry_state.h"
#include "hv/guest_console.h"
#include "hv/vm_devices_internal.h"
#include "hv/vm_nic.h"
#include "log.h"

#define PIT_PORTS 4 /* three counters and the control word */
#define IRQ_PIT 0
#define IRQ_COM1 4
#define IRQ_RTC 8
#define FALLBACK_EPOCH 1767225600 /* 2026-01-01 00:00:00 UTC, if the host RTC is unreadable */

static struct vm_devices devices; /* one VM */

/* Devices see the time they were last brought up to, never the live clock:
 * record/replay decides when time advances (hv/rr/rr_inputs.c). */
static u64 guest_clock_ns(void *ctx)
{
	return ((struct vm *)ctx)->dev_time_ns;
}

static void on_soft_off(void *ctx)
{
	pr_info("devices: the guest entered ACPI S5 (soft off)");
	vm_guest_exit(ctx, 0);
}

static void on_exit_port(void *ctx, u32 value)
{
	vm_guest_exit(ctx, value);
}

/* Wall-clock seconds since 1970 from the host's RTC. */
static u64 host_epoch_seconds(void)
{
	struct host_wall_time t;
	struct vrtc_tm tm;

	if (cmos_read_time(&t)) {
		pr_warn("devices: host RTC unreadable; the guest's clock starts at 2026-01-01");
		return FALLBACK_EPOCH;
	}
	tm = (struct vrtc_tm){ .year = t.year, .month = t.month, .day = t.day, .hour = t.hour,
			       .min = t.minute, .sec = t.second };
	return (u64)vrtc_tm_to_epoch(&tm);
}

static int attach_all(struct vm *vm, struct vm_devices *d)
{
	int err = vpic_attach(&d->pic, &vm->pio);

	err = err ? err : vpit_attach(&d->pit, &vm->pio);
	err = err ? err : vrtc_attach(&d->rtc, &vm->pio);
	err = err ? err : vuart_attach(&d->com1, &vm->pio, VUART_COM1_BASE);
	err = err ? err : vmisc_attach(&d->misc, &vm->pio);
	err = err ? err : vm_interrupts_attach(vm, d);
	err = err ? err : vacpi_pm_attach(&d->acpi_pm, &vm->pio, VACPI_PM_BASE);
	if (err)
		return err;
	/* The timers' state changes with time: bring them up to date before
	 * any access. The PIC is included so a guest polling IRR sees timer
	 * interrupts. Reads of the timers are logged. The UART's reads depend
	 * only on what the guest wrote (its input would be logged as it
	 * arrives, SERIAL_IN). */
	io_bus_set_flags(&vm->pio, VPIT_BASE, PIT_PORTS, IO_TIMED | IO_NONDET);
	io_bus_set_flags(&vm->pio, VPIT_PORT_B, 1, IO_TIMED | IO_NONDET);
	io_bus_set_flags(&vm->pio, VRTC_INDEX_PORT, 2, IO_TIMED | IO_NONDET);
	io_bus_set_flags(&vm->pio, VACPI_PM_BASE + VACPI_PM_TMR, VACPI_PM_TMR_LEN,
			 IO_TIMED | IO_NONDET);
	io_bus_set_flags(&vm->pio, VPIC_MASTER_BASE, 2, IO_TIMED);
	io_bus_set_flags(&vm->pio, VPIC_SLAVE_BASE, 2, IO_TIMED);
	io_bus_set_flags(&vm->pio, VPIC_ELCR_BASE, 2, IO_TIMED);
	return 0;
}

int vm_devices_create(struct vm *vm)
{
	struct vm_devices *d = &devices;
	struct vclock clock = { guest_clock_ns, vm };

	memset(d, 0, sizeof(*d));
	vm->dev = d;
	vm_interrupts_init(vm, d, clock);
	vpic_init(&d->pic, vm_pic_intr_line(d));
	vpit_init(&d->pit, clock, vm_isa_irq_line(d, IRQ_PIT));
	d->start_epoch = host_epoch_seconds();
	vrtc_init(&d->rtc, clock, vm_isa_irq_line(d, IRQ_RTC), d->start_epoch, vm->ram_size);
	vuart_init(&d->com1, vm_isa_irq_line(d, IRQ_COM1), guest_console_put, NULL);
	vmisc_init(&d->misc, on_exit_port, vm);
	vacpi_pm_init(&d->acpi_pm, clock, on_soft_off, vm);
	return attach_all(vm, d);
}

void vm_devices_bios_state(struct vm *vm)
{
	entry_state_bios_devices(&vm->dev->pic, &vm->dev->pit);
}

void vm_devices_advance(struct vm *vm, u64 now_ns)
{
	EXIT_PROFILE_BEGIN(EXIT_STAGE_DEVICE);

	if (now_ns > vm->dev_time_ns)
		vm->dev_time_ns = now_ns;
	vpit_update(&vm->dev->pit);
	vrtc_update(&vm->dev->rtc);
	vlapic_update(&vm->dev->lapic);
	EXIT_PROFILE_END();
}

u64 vm_devices_start_epoch(struct vm *vm)
{
	return vm->dev->start_epoch;
}

/* Re-initializes the RTC (before the guest has touched it) from epoch. */
void vm_devices_set_start_epoch(struct vm *vm, u64 epoch)
{
	struct vm_devices *d = vm->dev;
	struct vclock clock = { guest_clock_ns, vm };

	d->start_epoch = epoch;
	vrtc_init(&d->rtc, clock, vm_isa_irq_line(d, IRQ_RTC), epoch, vm->ram_size);
}

u64 vm_devices_next_event_ns(struct vm *vm)
{
	struct vm_devices *d = vm->dev;

	return MIN(MIN(vpit_next_irq_ns(&d->pit), vrtc_next_irq_ns(&d->rtc)),
		   vlapic_next_event_ns(&d->lapic));
}

bool vm_devices_serial_in(struct vm *vm, u8 byte)
{
	return vuart_receive(&vm->dev->com1, byte);
}

unsigned vm_devices_serial_room(const struct vm *vm)
{
	return vuart_rx_room(&vm->dev->com1);
}

void vm_devices_report(struct vm *vm)
{
	struct vm_devices *d = vm->dev;

	pr_info("devices: COM1 %llu bytes out, %llu in (%llu lost); PIT %llu interrupts (%llu coalesced); "
		"RTC %llu interrupts; ACPI PM timer %llu reads; unclaimed port reads %llu, writes %llu; "
		"unclaimed memory reads %llu, writes %llu",
		d->com1.stats.tx_bytes, d->com1.stats.rx_bytes, d->com1.stats.rx_dropped,
		d->pit.stats.irq_edges,
		d->pit.stats.irq_coalesced, d->rtc.stats.irqs, d->acpi_pm.stats.timer_reads,
		vm->pio.unclaimed_reads, vm->pio.unclaimed_writes, vm->mmio.unclaimed_reads,
		vm->mmio.unclaimed_writes);
	vm_interrupts_report(d);
	vm_nic_report(vm);
}
