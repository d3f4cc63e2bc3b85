// sources-list: test/unit/hv_host.sources
/*
 * Snapshots of the VM in hv/ on the fake backend: the vCPU saved into a
 * VCPU record (hv/snapshot_vcpu.c), changed, loaded back and saved again
 * gives the same record and the same backend state; records no backend
 * could enter are refused. The device models' own sections
 * (hv/vdev/<model>_state.c) refuse short, long and impossible state and leave
 * the model alone. A whole VM after a guest programmed its PIC and PIT,
 * snapshotted, scrambled and resumed, snapshots again to the same bytes;
 * an unknown mandatory device, a newer device version and a truncated
 * snapshot are refused with nothing applied. The guest's DR0-3, DR6 and
 * its AVX upper halves (DEVICE "xsave") come back; a snapshot without
 * "xsave" (older) resumes with AVX zeroed, a malformed one is refused.
 */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "fake_vm.h"
#include "fake_scripts.h"
#include "arch/x86/fpu.h"
#include "hv/snapshot.h"
#include "hv/snapshot_devices.h"
#include "hv/snapshot_vcpu.h"
#include "hv/vm_devices_internal.h"
#include "hv/vcpu_ops.h"
#include "proto/snapshot_xsave.h"
#include "endian.h"
#include "hash.h"

static int setup(void **state)
{
	fake_vm_prepare();
	fake_vm_boot(&fake_backend_ept);
	return 0;
}

static int teardown(void **state)
{
	fake_vm_destroy();
	return 0;
}

/* A long-mode vCPU with every field set to something of its own. */
static void rich_state(struct vcpu_state *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < GPR_COUNT; i++)
		s->gpr[i] = 0x1111111111111111ULL * (u64)(i + 1);
	s->rip = 0xFFFFFFFF81000123ULL;
	s->rflags = 0x246;
	for (int i = 0; i < SEG_COUNT; i++)
		s->seg[i] = (struct segment){ (u16)(8 * i), 0x1000ULL * (u64)i, 0xFFFFF,
					      0xA09B }; /* G, L, P, S, code */
	s->seg[SEG_SS].ar = 0xC093;
	s->seg[SEG_LDTR].ar = SEG_AR_UNUSABLE;
	s->seg[SEG_TR].ar = 0x8B;
	s->gdtr = (struct dtable){ 0x5000, 0x7F };
	s->idtr = (struct dtable){ 0x6000, 0xFFF };
	s->cr0 = 0x80050033;
	s->cr2 = 0xDEAD000;
	s->cr3 = 0x200000;
	s->cr4 = 0x6A0;
	s->efer = 0xD01;
	s->xcr0 = 7;
	s->dr7 = 0x401;
	for (int i = 0; i < 4; i++)
		s->dr[i] = 0xFFFFFFFF81000000ULL + 0x10 * (u64)i;
	s->dr6 = 0xFFFF4FF2; /* BS and B1 recorded */
	s->pat = 0x0007040600070406ULL;
	s->sysenter_cs = 0x10;
	s->sysenter_esp = 0x9000;
	s->sysenter_eip = 0xA000;
	s->star = 0x0023001000000000ULL;
	s->lstar = 0xFFFFFFFF81800000ULL;
	s->cstar = 0xFFFFFFFF81800100ULL;
	s->sfmask = 0x47700;
	s->kernel_gs_base = 0xFFFF888000000000ULL;
	s->interruptibility = 1; /* in an STI shadow */
}

static void set_guest(const struct vcpu_state *s)
{
	struct vcpu *v = &fake_vm.vcpu;

	fake_vm.hw->set_state(&v->arch, s);
	v->xcr0 = s->xcr0;
	v->tsc_aux = 0x77;
	v->halted = true;
	v->tsc_adjust = 123456789;
}

static void test_vcpu_save_change_restore(void **state)
{
	struct vcpu_state s, back;
	struct snap_vcpu a, b;
	struct vcpu *v = &fake_vm.vcpu;

	rich_state(&s);
	set_guest(&s);
	assert_true(snap_vcpu_quiescent(&fake_vm));
	snap_vcpu_save(&fake_vm, &a);
	assert_int_equal(a.seg_attr[SNAP_CS], 0xA9B);
	assert_int_equal(a.seg_attr[SNAP_LDTR], SNAP_SEG_UNUSABLE);
	assert_int_equal(a.msr[SNAP_MSR_TSC_AUX], 0x77);
	assert_int_equal(a.activity, SNAP_HALTED);
	assert_int_equal(a.interruptibility, SNAP_INTR_STI);
	assert_int_equal(a.tsc, vcpu_guest_tsc(v));
	assert_int_equal(a.dr[SNAP_DR2], s.dr[2]);
	assert_int_equal(a.dr[SNAP_DR6], s.dr6);
	assert_int_equal(a.dr[SNAP_DR7], s.dr7);

	/* Everything changes: another guest ran on this vCPU. */
	memset(&back, 0, sizeof(back));
	fake_vm.hw->set_state(&v->arch, &back);
	v->xcr0 = 1;
	v->tsc_aux = 0;
	v->halted = false;
	v->tsc_adjust = 0;
	fake_tsc_advance(5000000);

	assert_int_equal(snap_vcpu_load(&fake_vm, &a), 0);
	vm_start_clock(&fake_vm);
	assert_int_equal(vcpu_guest_tsc(v), a.tsc); /* the TSC goes on from the snapshot */
	snap_vcpu_save(&fake_vm, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	fake_vm.hw->get_state(&v->arch, &back);
	back.activity = s.activity;
	assert_memory_equal(&back, &s, sizeof(s));
}

/* A segment SVM reported without its accessed bit, a TSS without busy:
 * loaded as they came (the VMX backend sets the bits VM entry insists on;
 * on SVM, a replay's state hash must find the bits as the recording had
 * them: a backup resynced from a checkpoint once missed its next
 * asynchronous landmark for a CS accessed bit set here). */
static void test_vcpu_loaded_segments(void **state)
{
	struct vcpu_state s, back;
	struct snap_vcpu a;

	rich_state(&s);
	set_guest(&s);
	snap_vcpu_save(&fake_vm, &a);
	a.seg_attr[SNAP_CS] = 0xC9A;  /* 32-bit code, execute/read, not accessed */
	a.seg_attr[SNAP_DS] = 0xC92;
	a.seg_attr[SNAP_TR] = 0x89;   /* 64-bit TSS, available */
	assert_int_equal(snap_vcpu_load(&fake_vm, &a), 0);
	fake_vm.hw->get_state(&fake_vm.vcpu.arch, &back);
	assert_int_equal(back.seg[SEG_CS].ar, 0xC09A);
	assert_int_equal(back.seg[SEG_DS].ar, 0xC092);
	assert_int_equal(back.seg[SEG_TR].ar, 0x89);
	assert_int_equal(back.seg[SEG_LDTR].ar, SEG_AR_UNUSABLE);
}

static void test_vcpu_refused_records(void **state)
{
	struct vcpu_state s;
	struct snap_vcpu a, bad;

	rich_state(&s);
	set_guest(&s);
	snap_vcpu_save(&fake_vm, &a);
	bad = a;
	bad.seg_attr[SNAP_DS] |= 1u << 13;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.interruptibility |= SNAP_INTR_NMI;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.activity = 7;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.event_valid = 1;
	bad.event_type = SNAP_EVENT_SW_EXCEPTION;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.dr[SNAP_DR7] |= 1ULL << 32; /* MOV DR and VM entry refuse bits 63:32 */
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.dr[SNAP_DR6] |= 1ULL << 40;
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.xcr0 = 5; /* AVX without SSE: XSETBV would #GP */
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
	bad = a;
	bad.xcr0 = 0x207; /* PKRU: not offered to the guest */
	assert_int_equal(snap_vcpu_load(&fake_vm, &bad), -EINVAL);
}

/* A pending event in a record is injected at resume. */
static void test_vcpu_event_injected(void **state)
{
	struct vcpu_state s;
	struct snap_vcpu a;

	rich_state(&s);
	set_guest(&s);
	snap_vcpu_save(&fake_vm, &a);
	a.event_valid = 1;
	a.event_type = SNAP_EVENT_EXT_INT;
	a.event_vector = 0x30;
	assert_int_equal(snap_vcpu_load(&fake_vm, &a), 0);
	assert_true(fake_vm.hw->event_pending(&fake_vm.vcpu.arch));
	assert_false(snap_vcpu_quiescent(&fake_vm));
}

/* --- device sections ------------------------------------------------------- */

/* A model's state loads back into another; short, long and impossible
 * state is refused and leaves the model as it was. */
static void test_device_state_round_trip_and_refusals(void **state)
{
	struct vpit a, b;
	u8 buf[512], bad[512];
	size_t n;

	memset(&a, 0, sizeof(a));
	a.ch[0] = (struct vpit_channel){ .ctrl = 0x34, .mode = 2, .access = 3, .gate = true,
					 .state = VPIT_COUNTING, .cr = 1193, .n = 1193,
					 .load_tick = 77 };
	a.port_b = 1;
	a.irq_last_tick = 99;
	n = vpit_state_save(&a, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(vpit_state_save(&a, NULL, 0), n);
	assert_int_equal(vpit_state_save(&a, buf, n - 1), 0);
	memset(&b, 0, sizeof(b));
	assert_int_equal(vpit_state_load(&b, buf, n), 0);
	assert_memory_equal(&a.ch, &b.ch, sizeof(a.ch));
	assert_int_equal(b.irq_last_tick, 99);

	memset(&b, 0, sizeof(b));
	assert_int_equal(vpit_state_load(&b, buf, n - 1), -EBADMSG); /* short */
	memcpy(bad, buf, n);
	bad[n] = 0;
	assert_int_equal(vpit_state_load(&b, bad, n + 1), -EBADMSG); /* long */
	memcpy(bad, buf, n);
	bad[1] = 7; /* channel 0's mode */
	assert_int_equal(vpit_state_load(&b, bad, n), -EBADMSG);
	memcpy(bad, buf, n);
	bad[3] = 2; /* a bool that is neither 0 nor 1 */
	assert_int_equal(vpit_state_load(&b, bad, n), -EBADMSG);
	assert_int_equal(b.irq_last_tick, 0); /* unchanged */
}

/* Each model round-trips through its own pair; the UART refuses a FIFO
 * index past its end. */
static void test_every_model_round_trips(void **state)
{
	struct vm_devices *d = fake_vm.dev;
	u8 buf[1024];
	size_t n;

	d->com1.scr = 0x5A;
	d->com1.rx_head = 3;
	n = vuart_state_save(&d->com1, buf, sizeof(buf));
	d->com1.scr = 0;
	assert_int_equal(vuart_state_load(&d->com1, buf, n), 0);
	assert_int_equal(d->com1.scr, 0x5A);
	buf[n - 4] = VUART_FIFO_SIZE; /* rx_head: after ier..rbr (10) and the FIFO (16) */
	assert_int_equal(vuart_state_load(&d->com1, buf, n), -EBADMSG);
	assert_int_equal(d->com1.rx_head, 3);

	d->lapic.tpr = 0x40;
	n = vlapic_state_save(&d->lapic, buf, sizeof(buf));
	d->lapic.tpr = 0;
	assert_int_equal(vlapic_state_load(&d->lapic, buf, n), 0);
	assert_int_equal(d->lapic.tpr, 0x40);

	d->ioapic.rte[5] = 0x1234;
	n = vioapic_state_save(&d->ioapic, buf, sizeof(buf));
	d->ioapic.rte[5] = 0;
	assert_int_equal(vioapic_state_load(&d->ioapic, buf, n), 0);
	assert_int_equal(d->ioapic.rte[5], 0x1234);

	d->rtc.ram[0x30] = 0x77;
	n = vrtc_state_save(&d->rtc, buf, sizeof(buf));
	d->rtc.ram[0x30] = 0;
	assert_int_equal(vrtc_state_load(&d->rtc, buf, n), 0);
	assert_int_equal(d->rtc.ram[0x30], 0x77);

	d->pic.chip[1].imr = 0xAB;
	n = vpic_state_save(&d->pic, buf, sizeof(buf));
	d->pic.chip[1].imr = 0;
	assert_int_equal(vpic_state_load(&d->pic, buf, n), 0);
	assert_int_equal(d->pic.chip[1].imr, 0xAB);

	d->acpi_pm.pm1_en = 0x21;
	n = vacpi_pm_state_save(&d->acpi_pm, buf, sizeof(buf));
	d->acpi_pm.pm1_en = 0;
	assert_int_equal(vacpi_pm_state_load(&d->acpi_pm, buf, n), 0);
	assert_int_equal(d->acpi_pm.pm1_en, 0x21);

	d->misc.post_code = 0x42;
	n = vmisc_state_save(&d->misc, buf, sizeof(buf));
	d->misc.post_code = 0;
	assert_int_equal(vmisc_state_load(&d->misc, buf, n), 0);
	assert_int_equal(d->misc.post_code, 0x42);
}

/* --- the whole VM --------------------------------------------------------- */

#define SNAP_BUF (4u << 20)
#define PATTERN_GPA 0x150000ULL


/* A guest that programmed the PIC and the PIT and took ticks, with a
 * pattern in RAM, snapshotted into buf. */
static size_t run_and_snapshot(u8 *buf)
{
	static const struct fake_step script[] = {
		PIC_INIT(PIC_MASK_ALL_BUT_IRQ0), PIT_PERIODIC(100), FAKE_STI,
		FAKE_LOOP(300), PIC_EOI,
	};
	struct snap_identity id = fake_vm_identity();
	struct snap_buf sb = { buf, SNAP_BUF, 0 };
	u8 fpu[FPU_LEGACY_SIZE];
	u32 mxcsr = 0x1F80;

	for (unsigned i = 0; i < sizeof(fpu); i++)
		fpu[i] = (u8)(i * 13);
	memcpy(fpu + FPU_MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	assert_int_equal(fpu_restore_legacy(fpu), 0); /* the guest's SSE registers */
	fpu_set_xcr0(7); /* and its AVX registers */
	for (unsigned i = 0; i < FPU_AVX_SIZE; i++)
		fake_platform.avx[i] = (u8)(i * 3 + 1);
	FAKE_SCRIPT(script);
	vm_run(&fake_vm);
	for (u64 i = 0; i < 3 * SNAP_PAGE_SIZE; i++)
		fake_vm.ram[PATTERN_GPA + i] = (u8)(i * 7 + 1);
	assert_true(snap_vcpu_quiescent(&fake_vm));
	assert_int_equal(snapshot_write(&fake_vm, &id, snap_buf_sink, &sb), 0);
	return sb.len;
}

/* Everything a resume must put back, changed. */
static void scramble(void)
{
	struct vm_devices *d = fake_vm.dev;
	struct vcpu_state z;

	memset(&z, 0, sizeof(z));
	fake_vm.hw->set_state(&fake_vm.vcpu.arch, &z);
	d->pic.chip[0].imr = 0x55;
	d->pit.ch[0].mode = 0;
	d->lapic.tpr = 0x30;
	d->rtc.ram[0x30] = 0x99;
	memset(fake_vm.ram + PATTERN_GPA, 0xEE, 2 * SNAP_PAGE_SIZE);
	fake_vm.stats.guest_caused_exits = 12345;
	fake_vm.dev_time_ns = 1;
	fake_platform.fpu_loaded = false; /* back to the reset state */
	memset(fake_platform.avx, 0x5A, FPU_AVX_SIZE);
}

static void test_vm_snapshot_resume_same_bytes(void **state)
{
	u8 *a = malloc(SNAP_BUF), *b = malloc(SNAP_BUF);
	struct snap_identity id = fake_vm_identity();
	struct snap_buf sb = { b, SNAP_BUF, 0 };
	size_t na = run_and_snapshot(a);
	u64 landmark = fake_vm.stats.guest_caused_exits, dev_ns = fake_vm.dev_time_ns;

	assert_true(landmark > 0 && dev_ns > 0);
	scramble();
	fake_vm.state = VM_RUNNING;
	assert_int_equal(snapshot_apply(&fake_vm, a, na, &id), 0);
	assert_int_equal(fake_vm.dev->pic.chip[0].imr, PIC_MASK_ALL_BUT_IRQ0);
	assert_int_equal(fake_vm.dev->pit.ch[0].mode, 2);
	assert_int_equal(fake_vm.stats.guest_caused_exits, landmark);
	assert_int_equal(fake_vm.dev_time_ns, dev_ns);
	assert_int_equal(fake_vm.ram[PATTERN_GPA + 5], (u8)(5 * 7 + 1));
	assert_true(fake_platform.fpu_loaded);
	assert_int_equal(fake_platform.fpu[100], (u8)(100 * 13));
	for (unsigned i = 0; i < FPU_AVX_SIZE; i++)
		assert_int_equal(fake_platform.avx[i], (u8)(i * 3 + 1));
	vm_start_clock(&fake_vm);
	assert_int_equal(vm_guest_ns(&fake_vm), dev_ns);
	assert_int_equal(snapshot_write(&fake_vm, &id, snap_buf_sink, &sb), 0);
	assert_int_equal(sb.len, na);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
}

/* A snapshot like snapshot_write's with one more DEVICE section. */
static size_t snapshot_with_device(u8 *buf, const char *name, u32 version, bool mandatory)
{
	static struct snap_writer w;
	static struct page_codec_work work;
	static u8 scratch[SNAP_SCRATCH_MIN * 8];
	static const u8 junk[4] = { 1, 2, 3, 4 };
	struct snap_identity id = fake_vm_identity();
	struct snap_buf sb = { buf, SNAP_BUF, 0 };
	struct snap_header h = { .kernel_hash = id.kernel_hash, .modules_hash = id.modules_hash,
				 .cmdline_hash = id.cmdline_hash, .ram_size = id.ram_size };
	struct snap_device extra = { .version = version, .state = junk, .len = sizeof(junk) };
	struct snap_rr rr = { 1, 2 };
	struct snap_vcpu v;

	memcpy(extra.name, name, strlen(name) + 1);
	snap_vcpu_save(&fake_vm, &v);
	snap_writer_init(&w, snap_buf_sink, &sb, scratch, sizeof(scratch), &work);
	assert_int_equal(snap_write_header(&w, &h), 0);
	assert_int_equal(snap_write_vcpu(&w, &v), 0);
	assert_int_equal(snap_devices_write(&fake_vm, &w), 0);
	assert_int_equal(snap_write_device(&w, &extra, mandatory), 0);
	assert_int_equal(snap_write_rr(&w, &rr), 0);
	assert_int_equal(snap_write_page(&w, PATTERN_GPA / SNAP_PAGE_SIZE, fake_vm.ram), 0);
	assert_int_equal(snap_write_end(&w), 0);
	return sb.len;
}

/* Nothing of the scrambled VM changed. */
static void assert_untouched(const u8 *ram_before)
{
	assert_int_equal(fake_vm.dev->pic.chip[0].imr, 0x55);
	assert_int_equal(fake_vm.stats.guest_caused_exits, 12345);
	assert_memory_equal(fake_vm.ram, ram_before, fake_vm.ram_size);
}

static void test_vm_snapshot_refusals(void **state)
{
	u8 *buf = malloc(SNAP_BUF), *ram = malloc(fake_vm.ram_size);
	struct snap_identity id = fake_vm_identity();
	size_t n = run_and_snapshot(buf);

	scramble();
	memcpy(ram, fake_vm.ram, fake_vm.ram_size);
	assert_int_equal(snapshot_apply(&fake_vm, buf, n - 100, &id), -EINVAL); /* truncated */
	assert_untouched(ram);
	buf[n / 2] ^= 0x10; /* corrupted */
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), -EBADMSG);
	assert_untouched(ram);
	buf[n / 2] ^= 0x10;
	id.kernel_hash ^= 1; /* another guest's */
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), -EPERM);
	assert_untouched(ram);
	id.kernel_hash ^= 1;

	n = snapshot_with_device(buf, "hpet", 1, true);
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), -ENOTSUP);
	assert_untouched(ram);
	n = snapshot_with_device(buf, "pit8254", 2, true);
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), -ENOTSUP);
	assert_untouched(ram);
	n = snapshot_with_device(buf, "cmos_rtc", 1, true); /* twice */
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), -EBADMSG);
	assert_untouched(ram);
	n = snapshot_with_device(buf, "hpet", 1, false); /* optional: skipped */
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), 0);
	assert_int_equal(fake_vm.stats.guest_caused_exits, 1);
	free(buf);
	free(ram);
}

/* --- the "xsave" DEVICE -------------------------------------------------- */

/* The codec: XCR0, then the AVX halves only when XCR0 has AVX; what no
 * CPU takes is refused, and the writer does not write it. */
static void test_xsave_codec(void **state)
{
	struct snap_xsave x, y;
	u8 buf[SNAP_XSAVE_MAX + 8];
	const char *why = NULL;

	memset(&x, 0, sizeof(x));
	x.xcr0 = 7;
	for (int r = 0; r < SNAP_YMM_REGS; r++)
		memset(x.ymm_hi[r], 0x10 + r, SNAP_YMM_HI_SIZE);
	assert_int_equal(snap_xsave_encode(&x, buf, sizeof(buf)), SNAP_XSAVE_MAX);
	assert_int_equal(le_get(buf, 8), 7);
	assert_int_equal(buf[8 + 16 * 3], 0x13); /* YMM3's upper half */
	assert_int_equal(snap_xsave_decode(&y, buf, SNAP_XSAVE_MAX, &why), 0);
	assert_memory_equal(&x, &y, sizeof(x));
	assert_int_equal(snap_xsave_encode(&x, buf, SNAP_XSAVE_MAX - 1), 0);

	assert_int_equal(snap_xsave_decode(&y, buf, SNAP_XSAVE_MAX - 1, &why), -EINVAL);
	assert_int_equal(snap_xsave_decode(&y, buf, 4, &why), -EINVAL);
	le_put(buf, 3, 8); /* x87 and SSE: XCR0 alone */
	assert_int_equal(snap_xsave_decode(&y, buf, 8, &why), 0);
	assert_int_equal(y.ymm_hi[15][15], 0);
	assert_int_equal(snap_xsave_decode(&y, buf, SNAP_XSAVE_MAX, &why), -EINVAL);
	le_put(buf, 5, 8); /* AVX without SSE */
	assert_int_equal(snap_xsave_decode(&y, buf, SNAP_XSAVE_MAX, &why), -EINVAL);
	le_put(buf, 6, 8); /* no x87 */
	assert_int_equal(snap_xsave_decode(&y, buf, 8, &why), -EINVAL);
	le_put(buf, 0x207, 8); /* PKRU: not carried by version 1 */
	assert_int_equal(snap_xsave_decode(&y, buf, SNAP_XSAVE_MAX, &why), -ENOTSUP);
	x.xcr0 = 0x207;
	assert_int_equal(snap_xsave_encode(&x, buf, sizeof(buf)), 0);
}

/* The offset just past the DEVICE section named name in a snapshot, and
 * its start in *start; 0 when there is none. */
static size_t find_device(const u8 *buf, size_t n, const char *name, size_t *start)
{
	for (size_t off = SNAP_HEADER_SIZE; off + SNAP_SECTION_HDR_SIZE <= n;) {
		size_t len = le_get(buf + off + 16, 4), next = off + SNAP_SECTION_HDR_SIZE + len;

		if (le_get(buf + off + 8, 2) == SNAP_DEVICE &&
		    !strcmp((const char *)buf + off + SNAP_SECTION_HDR_SIZE, name)) {
			*start = off;
			return next;
		}
		off = next;
	}
	return 0;
}

/* Recomputes END (sections, chain) and the section checksums after the
 * bytes of a snapshot were cut or changed (docs/snapshot-format.md). */
static void reseal(u8 *buf, size_t n)
{
	u64 chain = 0;
	u32 sections = 0;

	for (size_t off = SNAP_HEADER_SIZE; off + SNAP_SECTION_HDR_SIZE <= n;) {
		size_t len = le_get(buf + off + 16, 4);

		if (le_get(buf + off + 8, 2) == SNAP_END) {
			le_put(buf + off + SNAP_SECTION_HDR_SIZE, sections, 4);
			le_put(buf + off + SNAP_SECTION_HDR_SIZE + 12, chain, 8);
		}
		le_put(buf + off, hash64(buf + off + 8, SNAP_SECTION_HDR_SIZE - 8 + len, 0), 8);
		chain = hash64(buf + off, 8, chain);
		sections++;
		off += SNAP_SECTION_HDR_SIZE + len;
	}
}

/* A snapshot from before "xsave" resumes with the AVX state zeroed; one
 * whose "xsave" is malformed, or holds AVX state for a CPU without AVX,
 * is refused with nothing applied. */
static void test_vm_snapshot_xsave(void **state)
{
	u8 *buf = malloc(SNAP_BUF), *ram = malloc(fake_vm.ram_size);
	struct snap_identity id = fake_vm_identity();
	size_t n = run_and_snapshot(buf), start, end = find_device(buf, n, "xsave", &start);
	u8 zero[FPU_AVX_SIZE] = { 0 };

	assert_true(end > 0);
	assert_int_equal(end - start, SNAP_SECTION_HDR_SIZE + SNAP_DEVICE_NAME + 4 + SNAP_XSAVE_MAX);

	scramble(); /* AVX state on a CPU without AVX */
	memcpy(ram, fake_vm.ram, fake_vm.ram_size);
	fake_platform.no_avx = true;
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), -EBADMSG);
	assert_untouched(ram);
	fake_platform.no_avx = false;

	/* malformed: XCR0 with AVX but not SSE */
	le_put(buf + start + SNAP_SECTION_HDR_SIZE + SNAP_DEVICE_NAME + 4, 5, 8);
	reseal(buf, n);
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), -EBADMSG);
	assert_untouched(ram);
	assert_int_equal(fake_platform.avx[0], 0x5A);

	memmove(buf + start, buf + end, n - end); /* older: no "xsave" */
	n -= end - start;
	reseal(buf, n);
	assert_int_equal(snapshot_apply(&fake_vm, buf, n, &id), 0);
	assert_memory_equal(fake_platform.avx, zero, FPU_AVX_SIZE);
	assert_int_equal(fake_platform.fpu[100], (u8)(100 * 13));
	free(buf);
	free(ram);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vcpu_save_change_restore),
		T(test_vcpu_refused_records),
		T(test_vcpu_loaded_segments),
		T(test_vcpu_event_injected),
		T(test_device_state_round_trip_and_refusals),
		T(test_every_model_round_trips),
		T(test_vm_snapshot_resume_same_bytes),
		T(test_vm_snapshot_refusals),
		T(test_xsave_codec),
		T(test_vm_snapshot_xsave),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
