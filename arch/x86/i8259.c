/*
 * The host's legacy 8259A PIC pair: remapped away from the exception vectors
 * and fully masked, since the hypervisor takes interrupts through the local
 * APIC (Intel 8259A datasheet, "Initialization Command Words").
 */
#include "arch/x86/i8259.h"

#include "arch/x86/cpu.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define ICW1_INIT_ICW4 0x11  /* edge triggered, cascade, ICW4 needed */
#define ICW3_MASTER_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01
#define PIC_VECTOR_BASE 0x20 /* IRQ 0-15 -> vectors 0x20-0x2F, never delivered */
#define PIC_MASK_ALL 0xFF

void i8259_disable(void)
{
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	outb(PIC1_DATA, PIC_VECTOR_BASE);
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	outb(PIC1_DATA, ICW3_MASTER_SLAVE_ON_IRQ2);
	outb(PIC2_DATA, ICW3_SLAVE_ID);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, PIC_MASK_ALL);
	outb(PIC2_DATA, PIC_MASK_ALL);
}
