/* The fake virtualization backend and its scripted guest (see
 * fake_backend.h). */
#include "fake_backend.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/svm/npt.h"
#include "arch/x86/trap.h"
#include "arch/x86/vmx/ept.h"
#include "errno.h"
#include "fake_platform.h"

#define EXIT_PORT_INSN_LEN 1 /* OUT DX, EAX */
#define EXIT_PORT_SIZE 4

struct fake_cpu fake;

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.trap_rdrand = true; /* as VMX; SVM cannot trap RDRAND */
	fake.insn_cycles = FAKE_INSN_CYCLES;
	fake.has_ad = fake.has_pml = true;
}

void fake_load_script(const struct fake_step *steps, unsigned n)
{
	fake.script = steps;
	fake.steps = n;
	fake.pc = 0;
	fake.step_begun = false;
	fake.spun = 0;
	fake.runs_after_script = 0;
}

bool fake_script_done(void)
{
	return fake.pc >= fake.steps;
}

static const struct fake_step *current_step(void)
{
	return fake.pc < fake.steps ? &fake.script[fake.pc] : NULL;
}

static void remember(struct fake_event *list, unsigned *n, const struct vevent *ev)
{
	if (*n >= FAKE_MAX_EVENTS)
		fail_msg("fake backend: more than %d events", FAKE_MAX_EVENTS);
	list[(*n)++] = (struct fake_event){ *ev, fake.pc, fake.s.rip, fake_platform.tsc };
}

/* --- state ------------------------------------------------------------------ */

static bool fake_can_intercept(enum vexit_reason r)
{
	return (r == VEXIT_RDRAND && fake.trap_rdrand) || (r == VEXIT_RDSEED && fake.trap_rdseed);
}

static int fake_probe(void)
{
	return 0;
}

static int fake_vcpu_create(struct vcpu_arch *v)
{
	if (fake.create_fails)
		return -ENOMEM;
	fake.arch = v;
	v->backend = &fake;
	return 0;
}

/* The general registers live in v->gpr (as with VMX and SVM); the rest
 * in fake.s. */
static void fake_set_state(struct vcpu_arch *v, const struct vcpu_state *s)
{
	memcpy(v->gpr, s->gpr, sizeof(v->gpr));
	v->cr2 = s->cr2;
	fake.s = *s;
}

static void fake_get_state(struct vcpu_arch *v, struct vcpu_state *s)
{
	*s = fake.s;
	memcpy(s->gpr, v->gpr, sizeof(s->gpr));
	s->cr2 = v->cr2;
}

static u64 fake_get_rip(struct vcpu_arch *v)
{
	return fake.s.rip;
}

static void fake_set_rip(struct vcpu_arch *v, u64 rip)
{
	fake.s.rip = rip;
}

static void fake_advance_rip(struct vcpu_arch *v, u8 len)
{
	fake.s.rip += len;
	fake.s.interruptibility &= ~(FAKE_BLOCKING_STI | FAKE_BLOCKING_MOV_SS);
}

static u64 fake_get_rflags(struct vcpu_arch *v)
{
	return fake.s.rflags;
}

static void fake_set_rflags(struct vcpu_arch *v, u64 rflags)
{
	fake.s.rflags = rflags;
}

static u64 fake_get_cr(struct vcpu_arch *v, int cr)
{
	switch (cr) {
	case 0: return fake.s.cr0;
	case 2: return v->cr2;
	case 3: return fake.s.cr3;
	case 4: return fake.s.cr4;
	default: return 0;
	}
}

/* CR0.PG with EFER.LME activates IA-32e mode (SDM Vol 3, 10.8.5
 * "Initializing IA-32e Mode"), as the VMX and SVM backends keep it. */
static void fake_set_cr(struct vcpu_arch *v, int cr, u64 value)
{
	switch (cr) {
	case 0:
		fake.s.cr0 = value;
		if ((value & CR0_PG) && (fake.s.efer & EFER_LME))
			fake.s.efer |= EFER_LMA;
		else
			fake.s.efer &= ~EFER_LMA;
		break;
	case 3:
		fake.s.cr3 = value;
		break;
	case 4:
		fake.s.cr4 = value;
		break;
	}
}

static u64 fake_get_efer(struct vcpu_arch *v)
{
	return fake.s.efer;
}

static void fake_set_efer(struct vcpu_arch *v, u64 efer)
{
	fake.s.efer = efer;
}

static void fake_get_segment(struct vcpu_arch *v, enum seg_reg s, struct segment *out)
{
	*out = fake.s.seg[s];
}

/* IA32_PAT is kept in the guest state, as in the VMCB. */
static int fake_state_msr(struct vcpu_arch *v, u32 msr, u64 *value, bool write)
{
	if (msr != MSR_IA32_PAT)
		return -1;
	if (write)
		fake.s.pat = *value;
	else
		*value = fake.s.pat;
	return 0;
}

/* --- events and controls ------------------------------------------------------ */

static bool fake_event_pending(struct vcpu_arch *v)
{
	return fake.pending;
}

static void fake_drop_events(struct vcpu_arch *v)
{
	fake.pending = false;
}

/* The fake guest takes no NMIs (none of its scripts send one): nothing
 * ever blocks them, and an NMI window is only noted. */
static bool fake_nmi_blocked(struct vcpu_arch *v)
{
	return false;
}

static bool fake_request_nmi_window(struct vcpu_arch *v, bool on)
{
	fake.nmi_window = on;
	return false;
}

static bool fake_interruptible(struct vcpu_arch *v)
{
	return (fake.s.rflags & RFLAGS_IF) &&
	       !(fake.s.interruptibility & (FAKE_BLOCKING_STI | FAKE_BLOCKING_MOV_SS)) &&
	       !fake.pending;
}

/* One event at a time, as the hardware's injection field holds one: a
 * second injection before the first was delivered would lose it. */
static void fake_inject(struct vcpu_arch *v, const struct vevent *e)
{
	if (fake.pending)
		fail_msg("fake backend: vector %u injected while vector %u was still pending",
			 e->vector, fake.pending_ev.vector);
	remember(fake.injected, &fake.ninjected, e);
	fake.pending = true;
	fake.pending_ev = *e;
}

/* The step trap after an emulated instruction: DR6.BS, then #DB. */
static void fake_raise_step_trap(struct vcpu_arch *v)
{
	struct vevent ev = { VEVENT_EXCEPTION, EXC_DB, false, 0 };

	fake.dr6 |= DR6_BS;
	fake_inject(v, &ev);
}

static void fake_request_intr_window(struct vcpu_arch *v, bool on)
{
	if (on && !fake.intr_window)
		fake.intr_window_requests++;
	fake.intr_window = on;
}

static void fake_set_timer(struct vcpu_arch *v, u64 tsc_deadline)
{
	fake.timer_deadline = tsc_deadline;
}

static void fake_flush_guest_tlb(struct vcpu_arch *v)
{
	fake.guest_tlb_flushes++;
}

static void fake_stage2_flush(struct vcpu_arch *v)
{
	fake.stage2_flushes++;
}

static void fake_set_breakpoint(struct vcpu_arch *v, u64 linear, bool on)
{
	fake.breakpoint = on;
	fake.breakpoint_linear = linear;
	fake.breakpoint_sets += on;
}

static void fake_set_single_step(struct vcpu_arch *v, bool on)
{
	fake.single_step = on;
	fake.single_step_ons += on;
}

static void fake_set_cr3_exiting(struct vcpu_arch *v, bool on)
{
	fake.cr3_exiting = on;
}

static void fake_dump(struct vcpu_arch *v)
{
	fake.dumps++;
}

/* --- hardware dirty tracking (SDM Vol 3C, 29.3.5 and 29.3.6) ------------------ */

#define FAKE_PML_FIRST (VIRT_PML_ENTRIES - 1)

static bool fake_stage2_has_ad(void)
{
	return fake.has_ad;
}

static bool fake_has_pml(void)
{
	return fake.has_pml;
}

static void fake_stage2_set_ad(struct vcpu_arch *v, bool on)
{
	fake.ad_on = on;
	fake.ad_sets++;
	fake.stage2_flushes++;
}

static void fake_pml_set(struct vcpu_arch *v, u64 log_hpa, bool on)
{
	fake.pml_hpa = on ? log_hpa : 0;
	fake.pml_index = FAKE_PML_FIRST;
}

static u32 fake_pml_drain(struct vcpu_arch *v, u64 *gpas)
{
	const u64 *log = phys_to_virt(fake.pml_hpa);
	u32 n = 0;

	if (!fake.pml_hpa)
		return 0;
	for (u32 i = fake.pml_index > FAKE_PML_FIRST ? 0 : fake.pml_index + 1u; i < VIRT_PML_ENTRIES; i++)
		gpas[n++] = log[i];
	fake.pml_index = FAKE_PML_FIRST;
	return n;
}

/* The flags a permitted store sets: false when the log is full first
 * (the store does not happen). */
static bool store_flags(struct vcpu_arch *v, u64 gpa, struct vexit *e)
{
	u32 prot;
	u64 hpa;

	if (!fake.ad_on || fake.ad_broken)
		return true;
	stage2_lookup(v->stage2, gpa, &hpa, &prot);
	if (fake.pml_hpa && !(prot & S2_DIRTY)) {
		if (fake.pml_index > FAKE_PML_FIRST) {
			e->reason = VEXIT_PML_FULL;
			fake.pml_full_exits++;
			return false;
		}
		((u64 *)phys_to_virt(fake.pml_hpa))[fake.pml_index--] = gpa & ~(u64)(PAGE_SIZE - 1);
	}
	stage2_set_flags(v->stage2, gpa, S2_ACCESSED | S2_DIRTY);
	return true;
}

/* --- the guest ------------------------------------------------------------------- */

static void next_step(void)
{
	fake.pc++;
	fake.step_begun = false;
	fake.spun = 0;
}

/* What the instructions before this step computed: its registers. */
static void begin_step(struct vcpu_arch *v, const struct fake_step *st)
{
	if (fake.step_begun)
		return;
	fake.step_begun = true;
	if (fake.pc < FAKE_MAX_STEPS)
		memcpy(fake.regs_at[fake.pc], v->gpr, sizeof(v->gpr));
	for (int r = 0; r < GPR_COUNT; r++)
		if (st->set & (1u << r))
			v->gpr[r] = st->value[r];
}

/* An instruction ran (up to its exit, if it exits): time passes and RF
 * clears (SDM Vol 3, 18.3.1.1 "Instruction-Breakpoint Exception
 * Condition"). */
static void ran(void)
{
	fake_tsc_advance(fake.insn_cycles);
	fake.s.rflags &= ~RFLAGS_RF;
}

/* An instruction completed without an exit: an interrupt shadow ends; STI
 * starts one when it sets IF (SDM Vol 2B, STI "Set Interrupt Flag"). An
 * exiting instruction leaves the shadow to hv/ (advance_rip ends it). */
static void retire(const struct fake_step *st)
{
	bool if_was = fake.s.rflags & RFLAGS_IF;

	ran();
	fake.s.interruptibility &= ~(FAKE_BLOCKING_STI | FAKE_BLOCKING_MOV_SS);
	if (st->irq_flag == FAKE_IF_STI) {
		fake.s.rflags |= RFLAGS_IF;
		if (!if_was)
			fake.s.interruptibility |= FAKE_BLOCKING_STI;
	} else if (st->irq_flag == FAKE_IF_CLI) {
		fake.s.rflags &= ~RFLAGS_IF;
	}
}

/* A retired instruction that did not exit: a single step ends here. */
static bool after_insn(struct vexit *e)
{
	if (!fake.single_step)
		return false;
	e->reason = VEXIT_MTF;
	fake.mtf_exits++;
	return true;
}

/* The event injected at the last exit reaches the guest as it enters. A
 * loop waiting for an interrupt ends when one arrives. */
static void deliver_pending(void)
{
	const struct fake_step *st = current_step();

	if (!fake.pending)
		return;
	fake.pending = false;
	remember(fake.delivered, &fake.ndelivered, &fake.pending_ev);
	if (fake.pending_ev.type == VEVENT_EXTINT && st && st->op == FAKE_SPIN && fake.step_begun) {
		fake.s.rip += st->len;
		next_step();
	}
}

/* Exits at an instruction boundary, before the next instruction runs:
 * an open interrupt window, the timer, an execute breakpoint. */
static bool boundary_exit(struct vexit *e)
{
	u64 linear = fake.s.seg[SEG_CS].base + fake.s.rip;

	if (fake.intr_window && fake_interruptible(fake.arch)) {
		e->reason = VEXIT_INTR_WINDOW;
		return true;
	}
	if (fake.timer_deadline && fake_platform.tsc >= fake.timer_deadline) {
		e->reason = VEXIT_TIMER;
		fake.timer_exits++;
		return true;
	}
	if (fake.breakpoint && linear == fake.breakpoint_linear && !(fake.s.rflags & RFLAGS_RF)) {
		e->reason = VEXIT_EXCEPTION;
		e->exception.vector = EXC_DB;
		e->exception.cr2_or_dr6 = DR6_B0;
		fake.breakpoint_exits++;
		return true;
	}
	return false;
}

/* A store goes through stage 2: without write access it exits as a
 * nested page fault and is retried after it. */
static bool store(struct vcpu_arch *v, const struct fake_step *st, struct vexit *e)
{
	u64 hpa;
	u32 prot;

	if (stage2_access(v->stage2, st->gpa, &hpa, &prot) || !(prot & S2_W)) {
		e->reason = VEXIT_NPF;
		e->npf.gpa = st->gpa;
		e->npf.write = true;
		e->npf.translated = true;
		fake.npf_exits++;
		return false;
	}
	if (st->size > sizeof(st->data) || (st->gpa % PAGE_SIZE) + st->size > PAGE_SIZE)
		fail_msg("fake backend: a %u-byte store at %#llx crosses a page", st->size, st->gpa);
	if (!store_flags(v, st->gpa, e))
		return false;
	memcpy(phys_to_virt(hpa), &st->data, st->size);
	return true;
}

/* Runs the current step; true when it ended in an exit (filled in e). */
static bool execute(struct vcpu_arch *v, const struct fake_step *st, struct vexit *e)
{
	begin_step(v, st);
	switch (st->op) {
	case FAKE_EXIT:
		*e = st->exit;
		e->insn_len = st->decode ? 0 : st->len;
		ran();
		next_step();
		return true;
	case FAKE_WRITE:
		if (!store(v, st, e))
			return true;
		/* fall through */
	case FAKE_INSN:
		retire(st);
		fake.s.rip += st->len;
		next_step();
		return after_insn(e);
	case FAKE_SPIN:
		v->gpr[GPR_RCX]++;
		retire(st);
		if (++fake.spun >= st->spin_max) {
			fake.s.rip += st->len;
			next_step();
		}
		return after_insn(e);
	}
	fail_msg("fake backend: step %u has no operation", fake.pc);
	return true;
}

/* After the last step the guest writes its exit code to the exit port. */
static int end_of_script(struct vcpu_arch *v, struct vexit *e)
{
	if (++fake.runs_after_script > FAKE_RUNS_AFTER_SCRIPT)
		fail_msg("fake backend: the run did not end after the guest wrote to the exit port");
	v->gpr[GPR_RAX] = fake.exit_code;
	e->reason = VEXIT_IO;
	e->insn_len = EXIT_PORT_INSN_LEN;
	e->io.port = FAKE_EXIT_PORT;
	e->io.size = EXIT_PORT_SIZE;
	return 0;
}

static int fake_run(struct vcpu_arch *v, struct vexit *e)
{
	memset(e, 0, sizeof(*e));
	if (++fake.runs > FAKE_RUN_LIMIT)
		fail_msg("fake backend: %d entries; the run loop never ends", FAKE_RUN_LIMIT);
	if (fake.entry_fails)
		return -1;
	deliver_pending();
	for (;;) {
		const struct fake_step *st = current_step();

		if (!st)
			return end_of_script(v, e);
		if (boundary_exit(e) || execute(v, st, e))
			return 0;
	}
}

#define FAKE_BACKEND_OPS                                     \
	.probe = fake_probe,                                 \
	.cpu_enable = fake_probe,                            \
	.can_intercept = fake_can_intercept,                 \
	.stage2_flush = fake_stage2_flush,                   \
	.vcpu_create = fake_vcpu_create,                     \
	.set_state = fake_set_state,                         \
	.get_state = fake_get_state,                         \
	.run = fake_run,                                     \
	.get_rip = fake_get_rip,                             \
	.set_rip = fake_set_rip,                             \
	.advance_rip = fake_advance_rip,                     \
	.raise_step_trap = fake_raise_step_trap,             \
	.get_rflags = fake_get_rflags,                       \
	.set_rflags = fake_set_rflags,                       \
	.get_cr = fake_get_cr,                               \
	.set_cr = fake_set_cr,                               \
	.get_efer = fake_get_efer,                           \
	.set_efer = fake_set_efer,                           \
	.get_segment = fake_get_segment,                     \
	.state_msr = fake_state_msr,                         \
	.interruptible = fake_interruptible,                 \
	.inject = fake_inject,                               \
	.event_pending = fake_event_pending,                 \
	.drop_events = fake_drop_events,                     \
	.request_intr_window = fake_request_intr_window,     \
	.nmi_blocked = fake_nmi_blocked,                     \
	.request_nmi_window = fake_request_nmi_window,       \
	.set_timer = fake_set_timer,                         \
	.flush_guest_tlb = fake_flush_guest_tlb,             \
	.set_breakpoint = fake_set_breakpoint,               \
	.set_single_step = fake_set_single_step,             \
	.set_cr3_exiting = fake_set_cr3_exiting,             \
	.stage2_has_ad = fake_stage2_has_ad,                 \
	.has_pml = fake_has_pml,                             \
	.stage2_set_ad = fake_stage2_set_ad,                 \
	.pml_set = fake_pml_set,                             \
	.pml_drain = fake_pml_drain,                         \
	.dump = fake_dump

const struct virt_backend fake_backend_ept = {
	.name = "fake-ept",
	.stage2_format = &ept_format,
	FAKE_BACKEND_OPS,
};

const struct virt_backend fake_backend_npt = {
	.name = "fake-npt",
	.stage2_format = &npt_format,
	FAKE_BACKEND_OPS,
};
