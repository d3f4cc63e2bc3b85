/*
 * What a Multiboot kernel finds at entry when GRUB (or QEMU's -kernel
 * option ROM) starts it on a PC whose BIOS is SeaBIOS, beyond the
 * Multiboot Specification's 3.2 "Machine state": a flat GDT the loader
 * left in reserved memory, the 8259 pair as the BIOS initialised it and
 * PIT channel 0 ticking at 18.2 Hz. Pure code (host-tested).
 */
#ifndef UNDERSTUDY_HV_ENTRY_STATE_H
#define UNDERSTUDY_HV_ENTRY_STATE_H

#include "arch/x86/virt.h"
#include "hv/vdev/pic8259.h"
#include "hv/vdev/pit8254.h"
#include "types.h"

/* The GDT lives in the BIOS area the memory map reserves, after the MP
 * tables (hv/firmware_tables.h). */
#define ENTRY_GDT_GPA 0xFFF00ULL
#define ENTRY_GDT_ENTRIES 4        /* null, code, data, 16-bit code */
#define ENTRY_SEL_CODE32 0x08
#define ENTRY_SEL_DATA32 0x10

/* What SeaBIOS leaves in the 8259s (src/hw/pic.c pic_setup, then its
 * enable_hwirq calls): IRQ 0 on vector 0x08, IRQ 8 on 0x70; open inputs
 * IRQ 0 (timer), 1 (keyboard), 2 (cascade), 6 (floppy) on the master and
 * IRQ 8 (RTC), 12 (mouse), 13 (FPU), 14 (ATA) on the slave. */
#define ENTRY_PIC_MASTER_VECTOR 0x08
#define ENTRY_PIC_SLAVE_VECTOR 0x70
#define ENTRY_PIC_MASTER_IMR 0xB8
#define ENTRY_PIC_SLAVE_IMR 0x8E

/*
 * Writes the flat GDT at ENTRY_GDT_GPA of ram[0, ram_size) and sets *gdtr
 * to it. Returns 0, or -ERANGE when guest RAM does not reach it.
 */
int entry_state_gdt(u8 *ram, u64 ram_size, struct dtable *gdtr);

/* Initialises the 8259 pair and PIT channel 0 through their ports, with
 * the writes SeaBIOS makes: the models then hold exactly the state those
 * writes give, at the guest time of the call. */
void entry_state_bios_devices(struct vpic *pic, struct vpit *pit);

#endif
