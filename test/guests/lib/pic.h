/* The 8259A pair: remapped to vectors 0x20-0x2F, masks, end of interrupt. */
#ifndef GUEST_PIC_H
#define GUEST_PIC_H

#include "types.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_VECTOR_BASE 0x20 /* IRQ n -> vector 0x20 + n */

void pic_remap(u8 master_base, u8 slave_base);
void pic_set_mask(u16 mask); /* bit n set: IRQ n masked */
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
void pic_eoi(unsigned irq);
u16 pic_in_service(void);

#endif
