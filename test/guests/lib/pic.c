#include "pic.h"
#include "idt.h"
#include "io.h"

static u16 mask_cache = 0xFFFF;
static u8 vbase1 = PIC_VECTOR_BASE;

/* IRQ7/IRQ15 with no bit in the in-service register are spurious (8259A
 * data sheet): ignore, but a spurious slave IRQ still took the master's
 * cascade line, which needs its EOI. */
static void spurious(struct trap_frame *f)
{
	unsigned irq = f->vector == (u32)vbase1 + 7 ? 7 : 15;
	if (pic_in_service() & (1u << irq))
		trap_unexpected(f); /* a real IRQ 7/15 nobody registered */
	if (irq == 15)
		outb(PIC1_CMD, 0x20);
}

/* Full ICW1-ICW4 initialization: edge triggered, cascade on IRQ2, 8086 mode,
 * normal EOI; every line masked afterwards. */
void pic_remap(u8 master_base, u8 slave_base)
{
	outb(PIC1_CMD, 0x11);
	io_wait();
	outb(PIC2_CMD, 0x11);
	io_wait();
	outb(PIC1_DATA, master_base);
	io_wait();
	outb(PIC2_DATA, slave_base);
	io_wait();
	outb(PIC1_DATA, 0x04); /* slave on IRQ2 */
	io_wait();
	outb(PIC2_DATA, 0x02); /* slave identity 2 */
	io_wait();
	outb(PIC1_DATA, 0x01);
	io_wait();
	outb(PIC2_DATA, 0x01);
	io_wait();
	vbase1 = master_base;
	idt_set_handler((u8)(master_base + 7), spurious);
	idt_set_handler((u8)(slave_base + 7), spurious);
	pic_set_mask(0xFFFF);
}

void pic_set_mask(u16 mask)
{
	mask_cache = mask;
	outb(PIC1_DATA, (u8)mask);
	outb(PIC2_DATA, (u8)(mask >> 8));
}

/* Unmasking a slave line also unmasks the cascade (IRQ2). */
void pic_unmask(unsigned irq)
{
	u16 m = mask_cache & (u16)~(1u << irq);
	if (irq >= 8)
		m &= (u16)~(1u << 2);
	pic_set_mask(m);
}

void pic_mask(unsigned irq) { pic_set_mask(mask_cache | (u16)(1u << irq)); }

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, 0x20);
	outb(PIC1_CMD, 0x20);
}

/* OCW3 "read ISR" on both chips, then back to reading IRR (the default). */
u16 pic_in_service(void)
{
	outb(PIC1_CMD, 0x0B);
	outb(PIC2_CMD, 0x0B);
	u16 isr = (u16)(inb(PIC1_CMD) | (inb(PIC2_CMD) << 8));
	outb(PIC1_CMD, 0x0A);
	outb(PIC2_CMD, 0x0A);
	return isr;
}
