/* A 32-bit IDT with one stub per vector, all funnelled into trap_dispatch():
 * a registered handler runs (and may change the saved registers, e.g. move
 * eip past the faulting instruction to resume there); an armed catch (see
 * catch.h) takes exceptions; anything else is reported as a failure and
 * ends the guest. */
#ifndef GUEST_IDT_H
#define GUEST_IDT_H

#include "types.h"

#define GDT_CODE32 0x08
#define GDT_DATA32 0x10

#define VEC_DE 0
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_GP 13
#define VEC_PF 14

/* What isr.S pushed: PUSHA registers, vector, error code (0 when the CPU
 * pushes none), then the CPU's EIP/CS/EFLAGS (no stack switch: ring 0). */
struct trap_frame {
	u32 edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	u32 vector, error;
	u32 eip, cs, eflags;
};

typedef void (*trap_handler_t)(struct trap_frame *f);

void idt_init(void);
void idt_set_handler(u8 vector, trap_handler_t h);
/* Points the gate of vector at an assembly stub of the caller's, which
 * must end in IRET (for a vector whose shared stub would expect an error
 * code the event does not push, e.g. an IRQ on vector 8). */
void idt_set_stub(u8 vector, void (*stub)(void));
const char *exception_name(u32 vector);
/* Reports a vector nobody expected as a failure and ends the guest. */
void trap_unexpected(struct trap_frame *f) __noreturn;

#endif
