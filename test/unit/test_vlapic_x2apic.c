// sources: hv/vdev/lapic*.c hv/io_bus.c
/*
 * hv/vdev/lapic_x2apic.c: IA32_APIC_BASE modes and transitions (SDM Vol 3,
 * 11.12.5), the x2APIC MSRs (Table 11-6) with their #GP cases, the 64-bit
 * ICR and SELF IPI, x2APIC destinations, and the xAPIC page while in
 * x2APIC mode.
 */
#include "vlapic_fixture.h"

#include "errno.h"

#define BASE_XAPIC (VLAPIC_BASE | VLAPIC_BASE_BSP | VLAPIC_BASE_EN)
#define BASE_X2APIC (BASE_XAPIC | VLAPIC_BASE_EXTD)
#define BASE_DISABLED (VLAPIC_BASE | VLAPIC_BASE_BSP)
#define X2APIC_ID 0x23

#define MSR_ID 0x802
#define MSR_VER 0x803
#define MSR_TPR 0x808
#define MSR_APR 0x809
#define MSR_PPR 0x80A
#define MSR_EOI 0x80B
#define MSR_RRD 0x80C
#define MSR_LDR 0x80D
#define MSR_DFR 0x80E
#define MSR_SVR 0x80F
#define MSR_ISR0 0x810
#define MSR_IRR0 0x820
#define MSR_ESR 0x828
#define MSR_CMCI 0x82F
#define MSR_ICR 0x830
#define MSR_ICR_HIGH 0x831
#define MSR_LVT_TIMER 0x832
#define MSR_LVT_LINT0 0x835
#define MSR_TMICT 0x838
#define MSR_TMCCT 0x839
#define MSR_TDCR 0x83E
#define MSR_SELF_IPI 0x83F

static int setup(void **state)
{
	struct lapic_fix *f = test_calloc(1, sizeof(*f));

	fix_init(f, X2APIC_ID);
	sw_enable(f);
	assert_int_equal(vlapic_write_apic_base(&f->l, BASE_X2APIC), 0);
	*state = f;
	return 0;
}

static u64 rdmsr_ok(struct lapic_fix *f, u32 msr)
{
	u64 v = 0;

	if (vlapic_msr_read(&f->l, msr, &v))
		fail_msg("RDMSR %#x faulted", msr);
	return v;
}

static void wrmsr_ok(struct lapic_fix *f, u32 msr, u64 value)
{
	if (vlapic_msr_write(&f->l, msr, value))
		fail_msg("WRMSR %#x = %#llx faulted", msr, value);
}

static bool rd_gp(struct lapic_fix *f, u32 msr)
{
	u64 v;

	return vlapic_msr_read(&f->l, msr, &v) == -EINVAL;
}

static bool wr_gp(struct lapic_fix *f, u32 msr, u64 value)
{
	return vlapic_msr_write(&f->l, msr, value) == -EINVAL;
}

/* 11.12.5: disabled <-> xAPIC, xAPIC -> x2APIC, x2APIC -> disabled; the
 * invalid state and the other transitions #GP; leaving resets. */
static void test_apic_base_transitions(void **state)
{
	struct lapic_fix f;

	fix_init(&f, 1);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_DISABLED | VLAPIC_BASE_EXTD), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_XAPIC | 0x200), -EINVAL); /* reserved */
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_XAPIC | (1ULL << 63)), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_XAPIC + 0x1000), -EINVAL);
	assert_int_equal(f.unsupported[VLAPIC_UNSUP_BASE_MOVE], 1);
	wr(&f, TPR, 0x40);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_XAPIC & ~VLAPIC_BASE_BSP), 0);
	assert_true(vlapic_apic_base(&f.l) == BASE_XAPIC); /* BSP is read-only */
	assert_int_equal(rd(&f, TPR), 0x40);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_X2APIC), 0);
	assert_true(vlapic_apic_base(&f.l) == BASE_X2APIC);
	assert_true(rdmsr_ok(&f, MSR_TPR) == 0x40); /* state kept */
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_XAPIC), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_X2APIC), 0);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_DISABLED), 0);
	assert_true(vlapic_apic_base(&f.l) == BASE_DISABLED);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_X2APIC), -EINVAL);
	assert_int_equal(vlapic_write_apic_base(&f.l, BASE_XAPIC), 0);
	assert_int_equal(rd(&f, TPR), 0); /* power-up state */
	assert_int_equal(rd(&f, SVR), 0xFF);
	assert_int_equal(rd(&f, ID), 0x01000000);
}

/* The registers as MSRs: the 32-bit x2APIC ID, its logical ID, the rest
 * as in xAPIC mode. */
static void test_registers(void **state)
{
	struct lapic_fix *f = *state;

	assert_true(rdmsr_ok(f, MSR_ID) == X2APIC_ID);
	assert_true(rdmsr_ok(f, MSR_VER) == 0x50014);
	assert_true(rdmsr_ok(f, MSR_LDR) == (0x2u << 16 | 1u << 3)); /* cluster 2, CPU 3 */
	assert_true(rdmsr_ok(f, MSR_SVR) == 0x1FF);
	wrmsr_ok(f, MSR_TPR, 0x30);
	assert_true(rdmsr_ok(f, MSR_TPR) == 0x30);
	assert_true(rdmsr_ok(f, MSR_PPR) == 0x30);
	wrmsr_ok(f, MSR_LVT_LINT0, 0x8700);
	assert_true(rdmsr_ok(f, MSR_LVT_LINT0) == 0x8700);
	wrmsr_ok(f, MSR_TDCR, DIV_1);
	wrmsr_ok(f, MSR_LVT_TIMER, 0x50);
	wrmsr_ok(f, MSR_TMICT, 1000);
	f->clock.now = 300;
	assert_true(rdmsr_ok(f, MSR_TMCCT) == 700);
	assert_true(rdmsr_ok(f, MSR_TMICT) == 1000);
	wrmsr_ok(f, MSR_ESR, 0);
	assert_true(rdmsr_ok(f, MSR_ESR) == 0);
}

/* Table 11-6 and 11.12.1.3: #GP for read-only writes, write-only reads,
 * registers x2APIC mode does not have, and reserved bits. */
static void test_gp_cases(void **state)
{
	struct lapic_fix *f = *state;
	static const u32 read_only[] = { MSR_ID, MSR_VER, MSR_PPR, MSR_LDR, MSR_ISR0, MSR_IRR0,
					 MSR_TMCCT };
	static const u32 absent[] = { 0x800, MSR_APR, MSR_RRD, MSR_DFR, MSR_CMCI, MSR_ICR_HIGH,
				      0x840, 0x8FF };
	static const struct {
		u32 msr;
		u64 value;
	} reserved[] = {
		{ MSR_TPR, 0x100 }, { MSR_TPR, 1ULL << 32 }, { MSR_SVR, 0x1000 },
		{ MSR_EOI, 1 }, { MSR_ESR, 1 }, { MSR_TDCR, 0x4 }, { MSR_LVT_TIMER, 1u << 19 },
		{ MSR_LVT_LINT0, 0x20000 }, { MSR_ICR, 0x1000 }, { MSR_ICR, 0x100000 },
		{ MSR_SELF_IPI, 0x100 }, { MSR_TMICT, 1ULL << 32 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(read_only); i++)
		if (!wr_gp(f, read_only[i], 0))
			fail_msg("WRMSR %#x (read-only) did not fault", read_only[i]);
	for (unsigned i = 0; i < ARRAY_SIZE(absent); i++)
		if (!rd_gp(f, absent[i]) || !wr_gp(f, absent[i], 0))
			fail_msg("MSR %#x (absent) did not fault", absent[i]);
	for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++)
		if (!wr_gp(f, reserved[i].msr, reserved[i].value))
			fail_msg("WRMSR %#x = %#llx (reserved bits) did not fault", reserved[i].msr,
				 reserved[i].value);
	assert_true(rd_gp(f, MSR_EOI));
	assert_true(rd_gp(f, MSR_SELF_IPI));
	assert_true(rdmsr_ok(f, MSR_TPR) == 0); /* nothing a faulting write touched */
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	assert_true(f->l.stats.msr_faults >= ARRAY_SIZE(reserved));
	wrmsr_ok(f, MSR_LVT_LINT0, 0x1F7FF & ~0x10000u); /* read-only bits are not reserved */
	/* xAPIC mode has none of them */
	assert_int_equal(vlapic_write_apic_base(&f->l, BASE_DISABLED), 0);
	assert_int_equal(vlapic_write_apic_base(&f->l, BASE_XAPIC), 0);
	assert_true(rd_gp(f, MSR_ID));
	assert_true(wr_gp(f, MSR_TPR, 0));
	assert_true(wr_gp(f, MSR_SELF_IPI, 0x40));
}

static void test_not_apic_msrs(void **state)
{
	struct lapic_fix *f = *state;
	u64 v;

	assert_int_equal(vlapic_msr_read(&f->l, 0x1B, &v), -ENOENT);
	assert_int_equal(vlapic_msr_write(&f->l, 0x7FF, 0), -ENOENT);
	assert_int_equal(vlapic_msr_read(&f->l, 0x900, &v), -ENOENT);
	assert_true(vlapic_is_msr(0x800) && vlapic_is_msr(0x8FF) && vlapic_is_msr(0x6E0));
	assert_false(vlapic_is_msr(0x6E1));
}

/* SELF IPI, the 64-bit ICR with 32-bit destinations, EOI by MSR. */
static void test_ipis(void **state)
{
	struct lapic_fix *f = *state;

	wrmsr_ok(f, MSR_SELF_IPI, 0x41);
	assert_true(rdmsr_ok(f, MSR_IRR0 + 2) & (1u << 1));
	assert_int_equal(vlapic_ack(&f->l), 0x41);
	assert_true(rdmsr_ok(f, MSR_ISR0 + 2) & (1u << 1));
	wrmsr_ok(f, MSR_EOI, 0);
	assert_true(rdmsr_ok(f, MSR_ISR0 + 2) == 0);
	wrmsr_ok(f, MSR_ICR, (u64)X2APIC_ID << 32 | 0x42);
	assert_int_equal(vlapic_ack(&f->l), 0x42);
	assert_true(rdmsr_ok(f, MSR_ICR) == ((u64)X2APIC_ID << 32 | 0x42));
	wrmsr_ok(f, MSR_EOI, 0);
	wrmsr_ok(f, MSR_ICR, 0x123ULL << 32 | 0x43); /* no such x2APIC ID */
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	assert_int_equal(f->unsupported[VLAPIC_UNSUP_IPI_NO_CPU], 1);
	assert_true(f->last_detail == 0x123);
	wrmsr_ok(f, MSR_ICR, 0xFFFFFFFFULL << 32 | 0x44); /* broadcast */
	assert_int_equal(vlapic_ack(&f->l), 0x44);
	wrmsr_ok(f, MSR_EOI, 0);
	/* logical: cluster 2, CPU bit 3 (and others) */
	wrmsr_ok(f, MSR_ICR, (0x2ULL << 16 | 0x9) << 32 | LOGICAL | 0x45);
	assert_int_equal(vlapic_ack(&f->l), 0x45);
	wrmsr_ok(f, MSR_EOI, 0);
	wrmsr_ok(f, MSR_ICR, (0x3ULL << 16 | 0x8) << 32 | LOGICAL | 0x46); /* cluster 3 */
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
	wrmsr_ok(f, MSR_ICR, (u64)X2APIC_ID << 32 | DM_NMI);
	assert_true(vlapic_nmi_pending(&f->l));
}

/* In x2APIC mode the xAPIC page is not decoded (11.12.2): it floats. */
static void test_page_not_decoded(void **state)
{
	struct lapic_fix *f = *state;

	assert_int_equal(rd(f, VER), 0xFFFFFFFF);
	wr(f, TPR, 0x80);
	assert_true(rdmsr_ok(f, MSR_TPR) == 0);
	assert_int_equal(f->l.stats.disabled_accesses, 2);
}

/* IOAPIC messages carry 8-bit destinations: x2APIC ID below 256, or the
 * broadcast 0xFF (11.12.6). */
static void test_ioapic_messages_in_x2apic_mode(void **state)
{
	struct lapic_fix *f = *state;
	struct vlapic_msg m = { .vector = 0x50, .mode = VLAPIC_DM_FIXED, .dest = X2APIC_ID };

	vlapic_accept_msg(&f->l, &m);
	assert_int_equal(vlapic_ack(&f->l), 0x50);
	wrmsr_ok(f, MSR_EOI, 0);
	m.dest = 0xFF;
	m.vector = 0x51;
	vlapic_accept_msg(&f->l, &m);
	assert_int_equal(vlapic_ack(&f->l), 0x51);
	m.dest = 0;
	m.vector = 0x52;
	vlapic_accept_msg(&f->l, &m);
	assert_int_equal(vlapic_pending_vector(&f->l), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apic_base_transitions),
		cmocka_unit_test_setup_teardown(test_registers, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_gp_cases, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_not_apic_msrs, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_ipis, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_page_not_decoded, setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_ioapic_messages_in_x2apic_mode, setup,
						fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
