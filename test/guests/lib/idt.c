#include "idt.h"
#include "catch.h"
#include "cpu.h"
#include "guest.h"

struct idt_gate {
	u16 offset_lo, selector;
	u8 zero, type_attr;
	u16 offset_hi;
} __attribute__((packed));

struct idt_ptr {
	u16 limit;
	u32 base;
} __attribute__((packed));

extern const char isr_stubs[];
static struct idt_gate idt[256] __aligned(8);
static trap_handler_t handlers[256];

static const char *const names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP",
	"#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *exception_name(u32 vector) { return vector < 32 ? names[vector] : "IRQ"; }

/* 32-bit interrupt gates (type 0xE, present, DPL 0) to every stub, so every
 * vector lands in trap_dispatch() with IF cleared. */
void idt_init(void)
{
	for (int v = 0; v < 256; v++) {
		u32 addr = (u32)(isr_stubs + 16 * v);
		idt[v].offset_lo = (u16)addr;
		idt[v].selector = GDT_CODE32;
		idt[v].zero = 0;
		idt[v].type_attr = 0x8E;
		idt[v].offset_hi = (u16)(addr >> 16);
	}
	struct idt_ptr p = { sizeof(idt) - 1, (u32)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

void idt_set_handler(u8 vector, trap_handler_t h) { handlers[vector] = h; }

void idt_set_stub(u8 vector, void (*stub)(void))
{
	u32 addr = (u32)stub;
	idt[vector].offset_lo = (u16)addr;
	idt[vector].offset_hi = (u16)(addr >> 16);
}

void trap_dispatch(struct trap_frame *f);

/* Armed catch first (exceptions only), then a registered handler, else the
 * guest fails with a report of where it was. */
void trap_dispatch(struct trap_frame *f)
{
	u32 v = f->vector;
	if (v < 32 && catch_armed) {
		fault_last.vector = v;
		fault_last.error = f->error;
		fault_last.eip = f->eip;
		fault_last.cr2 = v == VEC_PF ? read_cr2() : 0;
		catch_return((int)v + 1);
	}
	if (handlers[v]) {
		handlers[v](f);
		return;
	}
	trap_unexpected(f);
}

void trap_unexpected(struct trap_frame *f)
{
	u32 v = f->vector;
	if (v == VEC_PF)
		fail("unexpected #PF (vector 14) at eip 0x%08x, error 0x%x, cr2 0x%08x", f->eip,
		     f->error, read_cr2());
	else
		fail("unexpected %s (vector %u) at eip 0x%08x, error 0x%x", exception_name(v), v,
		     f->eip, f->error);
	guest_exit(guest_done());
}
