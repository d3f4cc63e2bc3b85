// sources: hv/vdev/lapic*.c hv/vdev/ioapic.c hv/io_bus.c
/*
 * Fuzzes the guest's local APIC and IOAPIC (hv/vdev/lapic*.c, ioapic.c),
 * wired as hv/vm_interrupts.c wires them, with what a guest controls:
 * register accesses of any offset, size and value through the xAPIC page
 * and the IOAPIC window, x2APIC MSRs and IA32_TSC_DEADLINE, IA32_APIC_BASE,
 * CR8, pin levels, the CPU taking interrupts and NMIs, and time passing.
 * Input: 12-byte operations (kind, then operands). After every operation
 * the model's promises are checked; the whole input runs on two instances
 * that must end in the same state (replay depends on it).
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "hv/vdev/ioapic.h"
#include "hv/vdev/lapic.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define OP_SIZE 12
#define TSC_PER_NS 2
#define MAX_JUMP_NS (366ULL * 24 * 3600 * 1000000000ULL)

struct machine {
	struct vlapic l;
	struct vioapic io;
	struct io_bus mmio;
	u64 now;
};

static u64 clock_now(void *ctx)
{
	return ((struct machine *)ctx)->now;
}

static u64 tsc_at(void *ctx, u64 ns)
{
	(void)ctx;
	return ns * TSC_PER_NS;
}

static u64 cycles_to_ns(void *ctx, u64 cycles)
{
	(void)ctx;
	return cycles / TSC_PER_NS + 1;
}

static void to_ioapic(void *ctx, u8 vector)
{
	vioapic_eoi(&((struct machine *)ctx)->io, vector);
}

static void to_lapic(void *ctx, const struct vlapic_msg *m)
{
	vlapic_accept_msg(&((struct machine *)ctx)->l, m);
}

static void machine_init(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	io_bus_init(&m->mmio);
	vlapic_init(&m->l, 0, (struct vclock){ clock_now, m },
		    (struct vlapic_tsc){ tsc_at, cycles_to_ns, m },
		    (struct vlapic_ops){ to_ioapic, NULL, m });
	vioapic_init(&m->io, (struct vioapic_ops){ to_lapic, m });
	CHECK(vlapic_attach(&m->l, &m->mmio) == 0);
	CHECK(vioapic_attach(&m->io, &m->mmio) == 0);
}

static u32 rd32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 rd64(const u8 *p)
{
	return rd32(p) | (u64)rd32(p + 4) << 32;
}

static const u8 sizes[] = { 1, 2, 4, 8 };

/* One operation: op[0] picks it, op[1..11] are its operands. */
static void step(struct machine *m, const u8 *op)
{
	u32 a = rd32(op + 1) , b = rd32(op + 5);
	u64 v = rd64(op + 4), out;

	switch (op[0] % 12) {
	case 0: /* xAPIC register access (mostly aligned) */
		io_bus_write(&m->mmio, VLAPIC_BASE + (a & 0xFF0) + (op[3] & 1 ? a % 16 : 0),
			     sizes[op[2] % 4], b);
		break;
	case 1:
		io_bus_read(&m->mmio, VLAPIC_BASE + (a & 0xFFF), sizes[op[2] % 4], &out);
		break;
	case 2: /* x2APIC MSR and TSC deadline */
		vlapic_msr_write(&m->l, op[2] == 0xE0 ? VLAPIC_MSR_TSC_DEADLINE : 0x800 + op[1], v);
		break;
	case 3:
		vlapic_msr_read(&m->l, op[2] == 0xE0 ? VLAPIC_MSR_TSC_DEADLINE : 0x800 + op[1], &out);
		break;
	case 4:
		vlapic_write_apic_base(&m->l, v);
		break;
	case 5: /* IOAPIC access */
		io_bus_write(&m->mmio, VIOAPIC_BASE + (a & 0x7F), sizes[op[2] % 4], b);
		break;
	case 6:
		io_bus_read(&m->mmio, VIOAPIC_BASE + (a & 0x7F), sizes[op[2] % 4], &out);
		break;
	case 7: /* a pin or LINT line */
		if (op[1] & 0x80)
			vlapic_set_lint(&m->l, op[1] & 1, op[2] & 1);
		else
			vioapic_set_irq(&m->io, op[1] % (VIOAPIC_PINS + 2), op[2] & 1);
		break;
	case 8: /* time passes, at most about a second */
		m->now += a >> 2;
		vlapic_update(&m->l);
		break;
	case 9: /* the CPU takes what is pending */
		if (op[1] & 1)
			vlapic_ack_nmi(&m->l);
		else
			vlapic_ack(&m->l);
		break;
	case 10:
		vlapic_set_tpr(&m->l, op[1]);
		break;
	default: /* the timer's next deadline arrives, if within a year */
		if (vlapic_next_event_ns(&m->l) > m->now &&
		    vlapic_next_event_ns(&m->l) - m->now < MAX_JUMP_NS)
			m->now = vlapic_next_event_ns(&m->l);
		vlapic_update(&m->l);
		break;
	}
}

static int vec_class(int v)
{
	return v >> 4;
}

/* What the model promises after any operation. */
static void check(struct machine *m)
{
	const struct vlapic *l = &m->l;
	int pending = vlapic_pending_vector(l);
	u64 next;

	CHECK((l->irr[0] & 0xFFFF) == 0 && (l->isr[0] & 0xFFFF) == 0); /* no illegal vectors */
	CHECK(!l->x2apic || l->enabled);
	if (pending >= 0) {
		int isrv = -1;

		for (int v = 255; v >= 0 && isrv < 0; v--)
			if (l->isr[v / 32] & (1u << (v % 32)))
				isrv = v;
		CHECK(l->enabled && (l->irr[pending / 32] & (1u << (pending % 32))));
		CHECK(vec_class(pending) > vec_class(l->tpr) && vec_class(pending) > vec_class(isrv));
	}
	vlapic_update(&m->l);
	next = vlapic_next_event_ns(l);
	CHECK(next == VLAPIC_NEVER || next > m->now); /* nothing due is left behind */
	if (!l->timer.base_count)
		CHECK(l->timer.expire_ns == VLAPIC_NEVER);
}

/* The state replay relies on: the same inputs give the same registers. */
static void check_same(const struct machine *a, const struct machine *b)
{
	CHECK(!memcmp(a->l.irr, b->l.irr, sizeof(a->l.irr)));
	CHECK(!memcmp(a->l.isr, b->l.isr, sizeof(a->l.isr)));
	CHECK(!memcmp(a->l.tmr, b->l.tmr, sizeof(a->l.tmr)));
	CHECK(!memcmp(a->l.lvt, b->l.lvt, sizeof(a->l.lvt)));
	CHECK(!memcmp(&a->l.timer, &b->l.timer, sizeof(a->l.timer)));
	CHECK(!memcmp(a->io.rte, b->io.rte, sizeof(a->io.rte)));
	CHECK(a->l.nmi_pending == b->l.nmi_pending && a->l.tpr == b->l.tpr);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct machine m1, m2;

	machine_init(&m1);
	machine_init(&m2);
	for (size_t off = 0; off + OP_SIZE <= size; off += OP_SIZE) {
		step(&m1, data + off);
		check(&m1);
		step(&m2, data + off);
	}
	vlapic_update(&m2.l);
	check_same(&m1, &m2);
	return 0;
}
