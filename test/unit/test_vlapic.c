// sources: hv/vdev/lapic*.c hv/io_bus.c
/*
 * hv/vdev/lapic*.c, xAPIC mode: reset values and writable bits, software
 * disable, acceptance and priorities (IRR/ISR/TMR, TPR, PPR, APR, EOI),
 * IPIs to itself and to CPUs that do not exist, NMI, INIT/SIPI/SMI
 * reports, the LVT and LINT pins (ExtINT, NMI, fixed edge and level),
 * ESR errors, and the register page's access rules.
 */
#include "vlapic_fixture.h"

static void test_reset_values(void **state)
{
	struct lapic_fix *f = *state;
	static const struct {
		u32 reg, value;
	} want[] = {
		{ ID, 0 }, { VER, 0x00050014 }, { TPR, 0 }, { APR, 0 }, { PPR, 0 }, { EOI, 0 },
		{ LDR, 0 }, { DFR, 0xFFFFFFFF }, { SVR, 0xFF }, { ESR, 0 }, { ICR_LO, 0 },
		{ ICR_HI, 0 }, { LVT_TIMER, MASKED }, { LVT_THERMAL, MASKED }, { LVT_PERF, MASKED },
		{ LVT_LINT0, MASKED }, { LVT_LINT1, MASKED }, { LVT_ERROR, MASKED }, { TMICT, 0 },
		{ TMCCT, 0 }, { TDCR, 0 },
	};
	struct lapic_fix other;

	for (unsigned i = 0; i < ARRAY_SIZE(want); i++)
		if (rd(f, want[i].reg) != want[i].value)
			fail_msg("reg %#x = %#x, want %#x", want[i].reg, rd(f, want[i].reg),
				 want[i].value);
	for (u32 reg = ISR0; reg < IRR0 + 0x80; reg += 0x10)
		assert_int_equal(rd(f, reg), 0);
	assert_int_equal(f->l.stats.reserved_accesses, 0);
	assert_true(vlapic_apic_base(&f->l) == (VLAPIC_BASE | VLAPIC_BASE_EN | VLAPIC_BASE_BSP));
	assert_false(vlapic_nmi_pending(&f->l));
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	fix_init(&other, 3);
	assert_int_equal(rd(&other, ID), 0x03000000);
}

static void test_writable_bits(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, ID, 0xFFFFFFFF);
	assert_int_equal(rd(f, ID), 0xFF000000);
	wr(f, TPR, 0xFFFFFFFF);
	assert_int_equal(rd(f, TPR), 0xFF);
	wr(f, LDR, 0x12345678);
	assert_int_equal(rd(f, LDR), 0x12000000);
	wr(f, DFR, 0); /* cluster model; bits 27:0 stay ones */
	assert_int_equal(rd(f, DFR), 0x0FFFFFFF);
	wr(f, SVR, 0xFFFFFFFF); /* no focus checking, no EOI-broadcast suppression */
	assert_int_equal(rd(f, SVR), 0x1FF);
	wr(f, LVT_LINT0, 0xFFFFFFFF);
	assert_int_equal(rd(f, LVT_LINT0), 0x1A7FF); /* no remote IRR, no delivery status */
	wr(f, LVT_TIMER, 0xFFFFFFFF);
	assert_int_equal(rd(f, LVT_TIMER), 0x700FF); /* vector, mask, mode 18:17 */
	wr(f, LVT_ERROR, 0xFFFFFFFF);
	assert_int_equal(rd(f, LVT_ERROR), 0x100FF);
	wr(f, LVT_PERF, DM_NMI);
	assert_int_equal(rd(f, LVT_PERF), DM_NMI);
	wr(f, TDCR, 0xFFFFFFFF);
	assert_int_equal(rd(f, TDCR), 0xB);
	wr(f, ICR_HI, 0xFFFFFFFF);
	assert_int_equal(rd(f, ICR_HI), 0xFF000000);
	wr(f, VER, 0);
	wr(f, PPR, 0x50);
	assert_int_equal(rd(f, VER), 0x50014);
	assert_int_equal(rd(f, PPR), 0xFF); /* TPR */
	assert_int_equal(f->l.stats.ignored_writes, 2);
}

/* SDM 11.4.7.2: clearing the software enable masks every LVT, and masks
 * cannot be cleared until it is set again; fixed IPIs are refused. */
static void test_software_disable(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, LVT_LINT1, DM_NMI); /* software-disabled from reset: stays masked */
	assert_int_equal(rd(f, LVT_LINT1), DM_NMI | MASKED);
	sw_enable(f);
	wr(f, LVT_LINT1, DM_NMI);
	wr(f, LVT_TIMER, 0x40);
	assert_int_equal(rd(f, LVT_LINT1), DM_NMI);
	wr(f, SVR, 0xFF);
	assert_int_equal(rd(f, LVT_LINT1), DM_NMI | MASKED);
	assert_int_equal(rd(f, LVT_TIMER), 0x40 | MASKED);
	self_ipi(f, 0x40);
	assert_false(irr_has(f, 0x40));
	assert_int_equal(f->l.stats.discarded, 1);
	wr(f, ICR_LO, DM_NMI | SH_SELF); /* NMIs still come */
	assert_true(vlapic_nmi_pending(&f->l));
}

static void test_self_ipi_fixed(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	self_ipi(f, 0x40);
	assert_true(irr_has(f, 0x40));
	assert_false(isr_has(f, 0x40));
	assert_int_equal(vlapic_pending_vector(&f->l), 0x40);
	assert_int_equal(vlapic_ack(&f->l), 0x40);
	assert_false(irr_has(f, 0x40));
	assert_true(isr_has(f, 0x40));
	assert_int_equal(rd(f, PPR), 0x40);
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	wr(f, EOI, 0);
	assert_false(isr_has(f, 0x40));
	assert_int_equal(rd(f, PPR), 0);
	assert_int_equal(f->neoi, 0); /* edge: no EOI broadcast */
	assert_int_equal(f->l.stats.self_ipis, 1);
	assert_int_equal(rd(f, ICR_LO), SH_SELF | 0x40); /* delivery status idle */
}

/* Destinations: physical (own ID, broadcast, another ID), logical flat and
 * cluster, the shorthands. */
static void test_ipi_destinations(void **state)
{
	struct lapic_fix *f = *state;
	struct {
		u32 hi, lo;
		bool mine;
	} cases[] = {
		{ 0x00000000, 0x41, true },               /* physical, ID 0 */
		{ 0x01000000, 0x42, false },              /* physical, ID 1: no such CPU */
		{ 0xFF000000, 0x43, true },               /* physical broadcast */
		{ 0x01000000, LOGICAL | 0x44, true },     /* flat: our logical bit 0 */
		{ 0x06000000, LOGICAL | 0x45, false },    /* flat: bits 1, 2 */
		{ 0x00000000, SH_SELF | 0x46, true },
		{ 0x05000000, SH_ALL | 0x47, true },
		{ 0x00000000, SH_OTHERS | 0x48, false },
	};

	sw_enable(f);
	wr(f, LDR, 0x01000000);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		wr(f, ICR_HI, cases[i].hi);
		wr(f, ICR_LO, cases[i].lo);
		if (irr_has(f, (u8)cases[i].lo) != cases[i].mine)
			fail_msg("case %u (ICR %#x:%#x)", i, cases[i].hi, cases[i].lo);
	}
	assert_int_equal(f->l.stats.ipis_dropped, 3);
	assert_int_equal(f->unsupported[VLAPIC_UNSUP_IPI_NO_CPU], 2);
	assert_int_equal(f->unsupported[VLAPIC_UNSUP_IPI_OTHERS], 1);
	/* cluster model: cluster 1, CPU bit 2 */
	wr(f, DFR, 0x0FFFFFFF);
	wr(f, LDR, 0x14000000);
	wr(f, ICR_HI, 0x16000000);
	wr(f, ICR_LO, LOGICAL | 0x50);
	assert_true(irr_has(f, 0x50));
	wr(f, ICR_HI, 0x24000000); /* cluster 2 */
	wr(f, ICR_LO, LOGICAL | 0x51);
	assert_false(irr_has(f, 0x51));
	/* the ID register decides physical delivery */
	wr(f, ID, 0x07000000);
	wr(f, ICR_HI, 0x07000000);
	wr(f, ICR_LO, 0x52);
	assert_true(irr_has(f, 0x52));
}

static void test_lowest_priority_to_self(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	wr(f, ICR_LO, DM_LOWEST | 0x60);
	assert_true(irr_has(f, 0x60));
}

/* The TPR holds back vectors of its class and below (SDM 11.8.3). */
static void test_tpr_masks(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	wr(f, TPR, 0x50);
	self_ipi(f, 0x45);
	self_ipi(f, 0x5F);
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	assert_int_equal(vlapic_ack(&f->l), -1);
	self_ipi(f, 0x65);
	assert_int_equal(vlapic_pending_vector(&f->l), 0x65);
	assert_int_equal(vlapic_ack(&f->l), 0x65);
	wr(f, EOI, 0);
	wr(f, TPR, 0);
	assert_int_equal(vlapic_pending_vector(&f->l), 0x5F);
	vlapic_set_tpr(&f->l, 0x50); /* CR8 */
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	assert_int_equal(vlapic_tpr(&f->l), 0x50);
}

/* Nesting: a vector of a higher class interrupts one in service; the same
 * class waits for the EOI; EOI ends the highest in service (SDM 11.8.3.1,
 * 11.8.5). */
static void test_ppr_isr_nesting(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	self_ipi(f, 0x50);
	assert_int_equal(vlapic_ack(&f->l), 0x50);
	self_ipi(f, 0x55);
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	self_ipi(f, 0x60);
	assert_int_equal(vlapic_ack(&f->l), 0x60);
	assert_true(isr_has(f, 0x50) && isr_has(f, 0x60));
	assert_int_equal(rd(f, PPR), 0x60);
	wr(f, TPR, 0x71);
	assert_int_equal(rd(f, PPR), 0x71); /* TPR class above ISR class: TPR itself */
	wr(f, TPR, 0);
	wr(f, EOI, 0);
	assert_false(isr_has(f, 0x60));
	assert_true(isr_has(f, 0x50));
	assert_int_equal(rd(f, PPR), 0x50);
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	wr(f, EOI, 0);
	assert_int_equal(vlapic_pending_vector(&f->l), 0x55);
	wr(f, EOI, 0); /* nothing in service: counted, harmless */
	assert_int_equal(f->l.stats.eois, 3);
}

/* APR, Figure 11-15. */
static void test_apr(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	wr(f, TPR, 0x32);
	assert_int_equal(rd(f, APR), 0x32); /* TPR above IRRV and ISRV */
	self_ipi(f, 0x80);
	assert_int_equal(rd(f, APR), 0x80); /* IRRV above TPR */
	vlapic_ack(&f->l);
	assert_int_equal(rd(f, APR), 0x00); /* max(TPR & ISRV class, 0) = (3 & 8) << 4 */
	wr(f, TPR, 0);
	assert_int_equal(rd(f, PPR), 0x80);
}

/* ESR (SDM 11.5.3): errors latch at the next ESR write; illegal vectors
 * are refused on send and on receipt; the error LVT interrupts. */
static void test_esr_and_error_lvt(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	self_ipi(f, 0x05);
	assert_false(irr_has(f, 0x05));
	assert_int_equal(rd(f, ESR), 0); /* not latched yet */
	wr(f, ESR, 0);
	assert_int_equal(rd(f, ESR), 0x20); /* send illegal vector */
	wr(f, ESR, 0);
	assert_int_equal(rd(f, ESR), 0);
	wr(f, LVT_TIMER, 0x03);
	wr(f, TDCR, DIV_1);
	wr(f, TMICT, 10);
	f->clock.now = 10;
	vlapic_update(&f->l);
	wr(f, ESR, 0);
	assert_int_equal(rd(f, ESR), 0x40); /* receive illegal vector */
	wr(f, LVT_ERROR, 0xE0);
	rd(f, 0x2F0); /* no CMCI here: an illegal register */
	assert_true(irr_has(f, 0xE0));
	wr(f, ESR, 0);
	assert_int_equal(rd(f, ESR), 0x80);
	assert_true(f->l.stats.reserved_accesses >= 1);
}

/* NMI through the ICR: the vector is ignored, one NMI is latched. */
static void test_nmi_ipi(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	wr(f, ICR_HI, 0);
	wr(f, ICR_LO, DM_NMI | 0x33);
	assert_true(vlapic_nmi_pending(&f->l));
	assert_false(irr_has(f, 0x33));
	wr(f, ICR_LO, DM_NMI);
	assert_int_equal(f->l.stats.nmis, 2);
	vlapic_ack_nmi(&f->l);
	assert_false(vlapic_nmi_pending(&f->l));
	wr(f, ICR_HI, 0x02000000); /* to another CPU: not ours */
	wr(f, ICR_LO, DM_NMI);
	assert_false(vlapic_nmi_pending(&f->l));
}

/* INIT, SIPI and SMI are reported, never delivered; the INIT level
 * de-assert is a bus message only. */
static void test_init_sipi_smi_reported(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	wr(f, ICR_LO, SH_SELF | DM_INIT | ASSERT);
	wr(f, ICR_LO, SH_ALL | DM_INIT | LEVEL); /* de-assert */
	wr(f, ICR_LO, SH_SELF | DM_SIPI | 0x9F);
	wr(f, ICR_LO, SH_SELF | DM_SMI);
	assert_int_equal(f->unsupported[VLAPIC_UNSUP_INIT], 1);
	assert_int_equal(f->unsupported[VLAPIC_UNSUP_STARTUP], 1);
	assert_int_equal(f->unsupported[VLAPIC_UNSUP_SMI], 1);
	assert_int_equal(f->l.stats.ipis, 4);
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	assert_false(vlapic_nmi_pending(&f->l));
}

/* LINT0 in ExtINT mode passes the 8259 through; so does a disabled APIC. */
static void test_lint0_extint(void **state)
{
	struct lapic_fix *f = *state;

	assert_false(vlapic_extint_open(&f->l)); /* power-up: masked */
	sw_enable(f);
	wr(f, LVT_LINT0, 0x8700); /* as the BIOS leaves it */
	assert_true(vlapic_extint_open(&f->l));
	vlapic_set_lint(&f->l, 0, true);
	assert_int_equal(vlapic_pending_vector(&f->l), -1); /* never latched */
	wr(f, LVT_LINT0, 0x8700 | MASKED);
	assert_false(vlapic_extint_open(&f->l));
	assert_int_equal(vlapic_write_apic_base(&f->l, VLAPIC_BASE | VLAPIC_BASE_BSP), 0);
	assert_true(vlapic_extint_open(&f->l));
}

/* LINT pins in NMI mode, and LINT1 as the NMI pin of a disabled APIC. */
static void test_lint_nmi(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	wr(f, LVT_LINT1, DM_NMI);
	assert_true(vlapic_lint_nmi(&f->l, 1));
	assert_false(vlapic_lint_nmi(&f->l, 0));
	vlapic_set_lint(&f->l, 1, true);
	assert_true(vlapic_nmi_pending(&f->l));
	vlapic_ack_nmi(&f->l);
	vlapic_set_lint(&f->l, 1, true); /* no edge */
	assert_false(vlapic_nmi_pending(&f->l));
	vlapic_set_lint(&f->l, 1, false);
	wr(f, LVT_LINT1, DM_NMI | MASKED);
	vlapic_set_lint(&f->l, 1, true);
	assert_false(vlapic_nmi_pending(&f->l));
	assert_false(vlapic_lint_nmi(&f->l, 1));
	vlapic_set_lint(&f->l, 1, false);
	assert_int_equal(vlapic_write_apic_base(&f->l, VLAPIC_BASE | VLAPIC_BASE_BSP), 0);
	assert_true(vlapic_lint_nmi(&f->l, 1));
	vlapic_set_lint(&f->l, 1, true);
	assert_true(vlapic_nmi_pending(&f->l));
}

/* Fixed LINT: edge-triggered on a rising edge (polarity applied); level-
 * triggered with remote IRR until the EOI, then again while asserted. */
static void test_lint_fixed(void **state)
{
	struct lapic_fix *f = *state;

	sw_enable(f);
	wr(f, LVT_LINT1, 0x2000 | 0x70); /* edge, active low */
	vlapic_set_lint(&f->l, 1, true);
	assert_false(irr_has(f, 0x70));
	vlapic_set_lint(&f->l, 1, false);
	assert_true(irr_has(f, 0x70));
	wr(f, LVT_LINT0, LEVEL | 0x71);
	vlapic_set_lint(&f->l, 0, true);
	assert_true(irr_has(f, 0x71) && tmr_has(f, 0x71));
	assert_true(rd(f, LVT_LINT0) & 0x4000); /* remote IRR */
	assert_int_equal(vlapic_ack(&f->l), 0x71);
	vlapic_set_lint(&f->l, 0, false);
	vlapic_set_lint(&f->l, 0, true);
	assert_false(irr_has(f, 0x71)); /* waits for the EOI */
	wr(f, EOI, 0);
	assert_true(irr_has(f, 0x71)); /* still asserted: requested again */
	assert_true(rd(f, LVT_LINT0) & 0x4000);
	vlapic_set_lint(&f->l, 0, false);
	assert_int_equal(vlapic_ack(&f->l), 0x71);
	wr(f, EOI, 0);
	assert_false(rd(f, LVT_LINT0) & 0x4000);
	assert_false(irr_has(f, 0x71));
	assert_int_equal(f->neoi, 2);
	assert_int_equal(f->eois[0], 0x71);
}

/* Messages from the bus (an IOAPIC): physical and logical destinations,
 * trigger mode into TMR, level EOIs broadcast. */
static void test_bus_messages(void **state)
{
	struct lapic_fix *f = *state;
	struct vlapic_msg level = { .vector = 0x80, .mode = VLAPIC_DM_FIXED, .level = true, .dest = 0 };
	struct vlapic_msg other = { .vector = 0x81, .mode = VLAPIC_DM_FIXED, .dest = 1 };
	struct vlapic_msg nmi = { .vector = 0, .mode = VLAPIC_DM_NMI, .dest = 0xFF };

	sw_enable(f);
	vlapic_accept_msg(&f->l, &level);
	vlapic_accept_msg(&f->l, &other);
	assert_true(irr_has(f, 0x80) && tmr_has(f, 0x80));
	assert_false(irr_has(f, 0x81));
	assert_int_equal(vlapic_ack(&f->l), 0x80);
	wr(f, EOI, 0);
	assert_int_equal(f->neoi, 1);
	assert_int_equal(f->eois[0], 0x80);
	level.level = false;
	vlapic_accept_msg(&f->l, &level);
	assert_false(tmr_has(f, 0x80));
	vlapic_accept_msg(&f->l, &nmi);
	assert_true(vlapic_nmi_pending(&f->l));
	assert_int_equal(vlapic_write_apic_base(&f->l, VLAPIC_BASE | VLAPIC_BASE_BSP), 0);
	vlapic_ack_nmi(&f->l);
	vlapic_accept_msg(&f->l, &nmi); /* a disabled APIC takes no messages */
	assert_false(vlapic_nmi_pending(&f->l));
}

/* Only aligned 32-bit accesses reach a register; a disabled APIC's page
 * floats. */
static void test_access_rules(void **state)
{
	struct lapic_fix *f = *state;

	wr(f, TPR, 0x20);
	assert_int_equal(bus_in(&f->mmio, VLAPIC_BASE + TPR, 1), 0);
	assert_int_equal(bus_in(&f->mmio, VLAPIC_BASE + TPR + 4, 4), 0);
	bus_out(&f->mmio, VLAPIC_BASE + TPR, 2, 0x30);
	assert_int_equal(rd(f, TPR), 0x20);
	assert_int_equal(f->l.stats.bad_accesses, 3);
	assert_int_equal(rd(f, 0x3F0), 0); /* SELF IPI: x2APIC only */
	assert_int_equal(f->l.stats.reserved_accesses, 1);
	assert_int_equal(vlapic_write_apic_base(&f->l, VLAPIC_BASE | VLAPIC_BASE_BSP), 0);
	assert_int_equal(rd(f, VER), 0xFFFFFFFF);
	assert_int_equal(f->l.stats.disabled_accesses, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reset_values, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_writable_bits, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_software_disable, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_self_ipi_fixed, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_ipi_destinations, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_lowest_priority_to_self, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_tpr_masks, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_ppr_isr_nesting, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_apr, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_esr_and_error_lvt, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_nmi_ipi, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_init_sipi_smi_reported, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_lint0_extint, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_lint_nmi, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_lint_fixed, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_bus_messages, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_access_rules, fix_setup, fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
