/*
 * The state GRUB under SeaBIOS leaves for a Multiboot kernel (see
 * entry_state.h). The device state is reached by replaying SeaBIOS's own
 * port writes on the models, so it is exactly what a guest would get by
 * making them itself.
 */
#include "hv/entry_state.h"

#include <string.h>

#include "errno.h"
#include "hv/firmware_tables.h"
#include "hv/mptable.h"

/* Segment descriptors, SDM Vol 3, 3.4.5 "Segment Descriptors": limit
 * 0xFFFFF with G (4 KiB units), base 0. */
#define DESC_CODE32 0x00CF9A000000FFFFULL /* P, DPL 0, S, execute/read; D, G */
#define DESC_DATA32 0x00CF92000000FFFFULL /* P, DPL 0, S, read/write; B, G */
#define DESC_CODE16 0x00009A000000FFFFULL /* P, DPL 0, execute/read, 64 KiB */

STATIC_ASSERT(ENTRY_GDT_GPA >= FW_MP_GPA + MP_TABLES_SIZE, "the GDT overlaps the MP tables");
STATIC_ASSERT(ENTRY_GDT_GPA + ENTRY_GDT_ENTRIES * 8 <= FW_BIOS_END, "the GDT leaves the BIOS area");
STATIC_ASSERT(ENTRY_SEL_DATA32 / 8 < ENTRY_GDT_ENTRIES, "a selector outside the GDT");

/* 8259A data sheet, "Initialization Command Words"; SeaBIOS pic_reset. */
#define ICW1_INIT_ICW4 0x11  /* ICW1: edge triggered, cascade, ICW4 follows */
#define ICW3_MASTER_SLAVE_ON_IR2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01       /* 8086 mode, normal EOI, not buffered */

/* 8254 data sheet, "Control Word Format"; SeaBIOS pit_setup: counter 0,
 * LSB then MSB, mode 2 (rate generator), binary, count 0 (65536: 18.2 Hz). */
#define PIT_CW_CH0_LOHI_MODE2 0x34
#define PIT_COUNT_65536 0x00

int entry_state_gdt(u8 *ram, u64 ram_size, struct dtable *gdtr)
{
	static const u64 gdt[ENTRY_GDT_ENTRIES] = { 0, DESC_CODE32, DESC_DATA32, DESC_CODE16 };

	if (ram_size < ENTRY_GDT_GPA + sizeof(gdt))
		return -ERANGE;
	memcpy(ram + ENTRY_GDT_GPA, gdt, sizeof(gdt));
	*gdtr = (struct dtable){ .base = ENTRY_GDT_GPA, .limit = sizeof(gdt) - 1 };
	return 0;
}

static void pic_init_chip(struct vpic *pic, u16 base, u8 vector, u8 icw3, u8 imr)
{
	vpic_write(pic, base, ICW1_INIT_ICW4);
	vpic_write(pic, base + 1, vector);
	vpic_write(pic, base + 1, icw3);
	vpic_write(pic, base + 1, ICW4_8086);
	vpic_write(pic, base + 1, imr);
}

void entry_state_bios_devices(struct vpic *pic, struct vpit *pit)
{
	pic_init_chip(pic, VPIC_MASTER_BASE, ENTRY_PIC_MASTER_VECTOR, ICW3_MASTER_SLAVE_ON_IR2,
		      ENTRY_PIC_MASTER_IMR);
	pic_init_chip(pic, VPIC_SLAVE_BASE, ENTRY_PIC_SLAVE_VECTOR, ICW3_SLAVE_ID,
		      ENTRY_PIC_SLAVE_IMR);
	vpit_write(pit, VPIT_BASE + 3, PIT_CW_CH0_LOHI_MODE2);
	vpit_write(pit, VPIT_BASE, PIT_COUNT_65536);
	vpit_write(pit, VPIT_BASE, PIT_COUNT_65536);
}
