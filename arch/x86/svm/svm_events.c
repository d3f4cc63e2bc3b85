/*
 * Event injection (AMD64 APM Vol 2, 15.20 "Event Injection"), interrupt
 * windows through a virtual interrupt and the VINTR intercept (15.21.4
 * "Injecting Virtual (INTR) Interrupts"), NMI blocking followed through the
 * IRET intercept, TLB flushes by ASID (15.16 "TLB Control"), the exit
 * deadline, and the VMCB report.
 */
#include "arch/x86/svm/svm.h"

#include "arch/x86/regs.h"
#include "arch/x86/svm/svm_caps.h"
#include "log.h"

bool svm_event_pending(struct vcpu_arch *v)
{
	return svm(v)->vmcb->control.event_inj & SVM_EVTINJ_VALID;
}

void svm_drop_events(struct vcpu_arch *v)
{
	struct svm_vcpu *sv = svm(v);

	sv->vmcb->control.event_inj = 0;
	sv->nmi_masked = sv->iret_seen = false;
	sv->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_IRET;
}

bool svm_interruptible(struct vcpu_arch *v)
{
	const struct vmcb *vmcb = svm(v)->vmcb;

	return (vmcb->save.rflags & RFLAGS_IF) &&
	       !(vmcb->control.interrupt_shadow & SVM_INTERRUPT_SHADOW) && !svm_event_pending(v);
}

void svm_inject(struct vcpu_arch *v, const struct vevent *e)
{
	static const u64 types[] = {
		[VEVENT_EXTINT] = SVM_EVTINJ_TYPE_INTR,
		[VEVENT_NMI] = SVM_EVTINJ_TYPE_NMI,
		[VEVENT_EXCEPTION] = SVM_EVTINJ_TYPE_EXCEPTION,
		[VEVENT_SOFTINT] = SVM_EVTINJ_TYPE_SOFT_INT,
	};
	u64 inj = SVM_EVTINJ_VALID | types[e->type] << SVM_EVTINJ_TYPE_SHIFT | e->vector;

	if (e->has_error_code)
		inj |= SVM_EVTINJ_ERROR_VALID | (u64)e->error_code << SVM_EVTINJ_ERROR_SHIFT;
	svm(v)->vmcb->control.event_inj = inj;
	if (e->type == VEVENT_NMI)
		svm_nmi_injected(v);
}

/*
 * NMI blocking. SVM keeps no NMI mask for its guest (before vNMI): a
 * delivered NMI blocks further NMIs until the handler's IRET completes
 * (SDM Vol 3, 6.7.1 "Handling Multiple NMIs"; APM Vol 2, 8.2.3
 * "Non-Maskable-Interrupt Exception (NMI)"), so the backend follows it: injecting an NMI masks NMIs
 * and intercepts IRET (APM Vol 2, 15.9 "Instruction Intercepts"); the IRET
 * exits before it runs; the first exit at another RIP shows it completed.
 * hv/ single-steps the IRET when an NMI is waiting (request_nmi_window).
 */
void svm_nmi_injected(struct vcpu_arch *v)
{
	struct svm_vcpu *sv = svm(v);

	sv->nmi_masked = true;
	sv->iret_seen = false;
	sv->vmcb->control.intercept_misc1 |= SVM_INTERCEPT_IRET;
}

void svm_track_nmi_blocking(struct vcpu_arch *v, struct vexit *e, u64 rip)
{
	struct svm_vcpu *sv = svm(v);
	struct vmcb_control *c = &sv->vmcb->control;

	if (e->raw_reason == SVM_EXIT_IRET) {
		c->intercept_misc1 &= ~SVM_INTERCEPT_IRET;
		sv->iret_seen = true;
		sv->iret_rip = rip;
		return;
	}
	if (!sv->iret_seen)
		return;
	sv->iret_seen = false;
	if (rip != sv->iret_rip)
		sv->nmi_masked = false;
	else /* the IRET has not run (an interrupt came first, or it faulted) */
		c->intercept_misc1 |= SVM_INTERCEPT_IRET;
}

bool svm_nmi_blocked(struct vcpu_arch *v)
{
	const struct svm_vcpu *sv = svm(v);

	return sv->nmi_masked || (sv->vmcb->control.interrupt_shadow & SVM_INTERRUPT_SHADOW);
}

/* SVM has no NMI-window intercept: the end of the blocking is one guest
 * instruction away when the IRET has exited, or when only an interrupt
 * shadow blocks; hv/ steps that instruction. Otherwise the IRET intercept
 * gives the next exit. */
bool svm_request_nmi_window(struct vcpu_arch *v, bool on)
{
	const struct svm_vcpu *sv = svm(v);
	bool shadow = sv->vmcb->control.interrupt_shadow & SVM_INTERRUPT_SHADOW;

	return on && (sv->nmi_masked ? sv->iret_seen : shadow);
}

/* A pending virtual interrupt that ignores the TPR exits (VINTR) as soon
 * as the guest could take it; it is never actually delivered. */
void svm_request_intr_window(struct vcpu_arch *v, bool on)
{
	struct svm_vcpu *sv = svm(v);
	struct vmcb_control *c = &sv->vmcb->control;

	if (on == sv->window_requested)
		return;
	sv->window_requested = on;
	if (on) {
		c->vintr |= SVM_V_IRQ | SVM_V_IGN_TPR;
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
	} else {
		c->vintr &= ~(SVM_V_IRQ | SVM_V_IGN_TPR);
		c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	}
}

void svm_set_timer(struct vcpu_arch *v, u64 tsc_deadline)
{
	svm(v)->timer_deadline = tsc_deadline;
}

/* Flushes at the next VMRUN: only this guest's ASID where the CPU can,
 * else everything. */
void svm_flush_guest_tlb(struct vcpu_arch *v)
{
	svm(v)->vmcb->control.tlb_control = svm_has_flush_by_asid() ? SVM_TLB_CONTROL_FLUSH_ASID
								       : SVM_TLB_CONTROL_FLUSH_ALL;
}

void svm_dump(struct vcpu_arch *v)
{
	const struct vmcb *vmcb = svm(v)->vmcb;
	const struct vmcb_control *c = &vmcb->control;
	const struct vmcb_save *s = &vmcb->save;

	console_printf("  VMCB at %#llx: exit code %#llx, info1 %#llx, info2 %#llx, intinfo %#llx\n",
		       svm(v)->vmcb_pa, c->exit_code,
		       c->exit_info1, c->exit_info2,
		       c->exit_int_info);
	console_printf("  intercepts cr %#x exc %#x misc %#x/%#x, asid %u, vintr %#llx, eventinj %#llx, n_cr3 %#llx\n",
		       c->intercept_cr, c->intercept_exceptions, c->intercept_misc1, c->intercept_misc2,
		       c->asid, c->vintr, c->event_inj,
		       c->n_cr3);
	console_printf("  save: efer %#llx cr0 %#llx cr3 %#llx cr4 %#llx rflags %#llx rip %#llx cpl %u\n",
		       s->efer, s->cr0,
		       s->cr3, s->cr4,
		       s->rflags, s->rip, s->cpl);
	console_printf("  cs %04x/%03x/%x/%llx ss %04x/%03x ds %04x/%03x tr %04x/%03x/%x\n",
		       s->cs.selector, s->cs.attrib, s->cs.limit, s->cs.base,
		       s->ss.selector, s->ss.attrib, s->ds.selector, s->ds.attrib, s->tr.selector,
		       s->tr.attrib, s->tr.limit);
}
