/*
 * Record: when an asynchronous event (device time moving on, an interrupt,
 * an NMI) may be delivered (docs/record-replay.md, "Exact asynchronous
 * landmarks").
 *
 * At a landmark, always: replay meets landmarks for free. At an
 * asynchronous exit (a host interrupt, the deadline timer, an interrupt
 * window) the guest may be anywhere in a stretch without exits, and replay
 * reaches that moment by the state and memory hashes of its entries: at
 * once when only registers changed since the landmark before it, else at
 * the first arrival at its RIP after the last write that mattered. A guest
 * that keeps writing memory while it waits would make that a long search,
 * so the recorder probes first: it takes the write window's memory hash,
 * lets the guest run RR_PROBE_NS more (with no interrupt window, which
 * would exit at every instruction), and takes it again. RR_PROBE_NS is
 * time the guest ran, not host time: the hypervisor's own work between
 * two entries (a log stream's flush, the network) may take longer than a
 * probe, and a probe the guest did not run through would find memory
 * unchanged however fast the guest writes; nor can the cycles tell an
 * emulator's vCPU thread that the host did not schedule from a guest that
 * ran, so a probe that changed neither memory nor the vCPU's state runs
 * again, and after RR_PROBE_IDLE_RUNS such runs logs the pages. Unchanged: the
 * event is delivered with nothing more. Changed (a loop that writes while
 * it waits): the window's pages go into the log (WINDOW_PAGE) before the
 * event's entries, and replay writes them and takes the registers where
 * the rest of the guest's state matches, at once. After a probe, until the
 * next landmark, every async exit may deliver at once (an interrupt window
 * the delivery asked for, say): with nothing more when memory is as it was
 * at the delivery before (replay finds the moment by a short search from
 * the one before), else with the window's pages again (a loop that writes
 * as it waits may run a long time between two such exits: a search from
 * the one before would stop at every turn of it, past its budget). A
 * landmark during the probe ends it: the event goes there.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/fpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "hv/insn_fetch.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/write_window.h"
#include "proto/page_codec.h"

#define RR_PROBE_NS 100000ULL /* 100 us of guest time */
#define RR_PROBE_IDLE_RUNS 3   /* idle probes run again before pages are logged */
#define RR_HELD_BACK_MAX 16    /* async exits in a row where a due delivery waits */
#define RR_PROBE_BUSY_RUNS 10  /* probes that saw writes run again, for a landmark
				* (with the dirty flags: without, each run hashes
				* the window twice) */

#define OPCODE_STI 0xFB       /* SDM Vol 2B, "STI-Set Interrupt Flag" */
#define OPCODE_MOV_SREG 0x8E  /* SDM Vol 2B, "MOV-Move": 8E /r, MOV Sreg, r/m16 */
#define MODRM_REG_SS 0xD0     /* ModRM mod=11 reg=010 (SS): 0xD0-0xD7 */

/* Do the bytes before RIP end an instruction that opens an interrupt
 * shadow (SDM Vol 3A, 6.8.3 "Masking Exceptions and Interrupts When
 * Switching Stacks"; STI's entry in Vol 2B): STI, or MOV SS from a
 * register? A false match only delays the event by an instruction. */
static bool after_shadow_opener(struct vm *vm)
{
	u8 b[2];

	return vcpu_bytes_before_rip(&vm->vcpu, b, sizeof(b)) &&
	       (b[1] == OPCODE_STI || (b[0] == OPCODE_MOV_SREG && (b[1] & 0xF8) == MODRM_REG_SS));
}

/* The encoder's scratch: one vCPU records at a time. */
static struct page_codec_work codec_work;

/* Logs the write window's pages as they are now: the ones the guest may
 * have written since the pages were last logged (ww_take_written), which
 * includes every page written since the landmark or delivery before, all
 * replay needs to give the guest the recorded memory (rr_replay.c). Each
 * goes in the page codec's smallest form without a delta (zero, raw or
 * LZ4: WINDOW_PAGE_CODED), which a replay decodes alone. */
static void log_window_pages(struct vm *vm)
{
	static u8 coded[PAGE_CODEC_MAX];
	u64 pages[WW_PAGES];
	unsigned n = ww_take_written(vm, pages);

	for (unsigned i = 0; i < n; i++) {
		struct rrlog_entry e = { .type = RR_WINDOW_PAGE_CODED };

		e.window_coded.page = pages[i];
		e.window_coded.len =
			(u32)page_encode(vm->ram + pages[i] * PAGE_SIZE, NULL, coded, &codec_work);
		e.window_coded.data = coded;
		vm->rr->stats.window_bytes_raw += PAGE_SIZE;
		vm->rr->stats.window_bytes_coded += e.window_coded.len;
		rr_log(vm, &e);
	}
	if (n)
		vm->rr->stats.window_page_sets++;
}

/* Logs the x87/SSE/AVX registers as they are now, before the delivery's
 * async entries: replay gives them to the guest with its general
 * registers, so that a stretch in which the guest changed them without an
 * exit (a loop over SSE registers) is reached at once, not by a
 * breakpoint search for the one turn whose registers match. Mostly zeros
 * and the same from one delivery to the next: an LZ4 block
 * (FPU_STATE_LZ4) where that is smaller, as they are (FPU_STATE) else. */
static void log_fpu_state(struct vm *vm)
{
	static u8 area[FPU_AREA_MAX] __aligned(FPU_AREA_ALIGN);
	static u8 packed[PAGE_CODEC_MAX];
	struct rrlog_entry e = { .type = RR_FPU_STATE };
	u32 len = (u32)fpu_save_canonical(area);
	int n = bytes_lz4_encode(area, len, packed, len - 1, &codec_work);

	if (n > 0) {
		e.type = RR_FPU_STATE_LZ4;
		e.fpu_lz4.len = len;
		e.fpu_lz4.lz4_len = (u32)n;
		e.fpu_lz4.data = packed;
	} else {
		e.fpu.len = len;
		e.fpu.data = area;
	}
	rr_log(vm, &e);
}

/* Starts measuring the guest's writes from now: by the dirty flags where
 * they tell (ww_mark), else by the write window's memory hash. */
static void measure_writes(struct vm *vm, struct rr_probe *p)
{
	p->by_flags = ww_mark(vm);
	if (!p->by_flags)
		p->hash = rr_memory_hash(vm);
}

/* Has the guest written memory since measure_writes? */
static bool memory_written(struct vm *vm, const struct rr_probe *p)
{
	return p->by_flags ? ww_written_since_mark(vm) : rr_memory_hash(vm) != p->hash;
}

/* Logs the window's pages when memory changed since the last delivery,
 * and measures again: what the next armed delivery compares with. */
static void log_window_if_written(struct vm *vm, struct rr_probe *p)
{
	if (memory_written(vm, p))
		log_window_pages(vm);
	measure_writes(vm, p);
}

/* The vCPU's state hash now (registers, RIP and the rest). */
static u64 current_state_hash(struct vm *vm)
{
	u64 regs[RRLOG_ASYNC_REGS];

	rr_current_regs(vm, regs);
	return rr_state_hash(vm, regs, vm->hw->get_rip(&vm->vcpu.arch));
}

/* (Re)starts the probe's measure from now: the guest's writes, the state
 * hash, and the guest's cycles. */
static void probe_begin(struct vm *vm, struct rr_probe *p)
{
	measure_writes(vm, p);
	p->state_hash = current_state_hash(vm);
	p->start_guest_cycles = vm->stats.guest_cycles;
	p->deadline_tsc = rdtsc() + time_ns_to_tsc(RR_PROBE_NS);
}

/*
 * The probe is over: deliver, with the window's pages if memory changed
 * while it ran. Unless the guest did not visibly run: its cycles say it
 * ran RR_PROBE_NS, but they are host time between entry and exit, and an
 * emulator whose vCPU thread a loaded host did not schedule counts them
 * with no guest instruction run. Such a probe ends where it began, finding
 * memory unchanged in a loop that writes at every turn; delivered there
 * without pages, replay would search every turn since the landmark, past
 * its budget (how ft_pair_memloop_svm diverged about once in three runs).
 * A probe with neither the memory nor the state hash changed runs again;
 * after RR_PROBE_IDLE_RUNS of them (a guest spinning in one exact state,
 * or a host that never lets it run) the delivery logs the pages, which
 * replay reaches at once whatever the guest did.
 */
static bool deliver_after_probe(struct vm *vm, struct rr_probe *p)
{
	u64 delay = vm_guest_ns(vm) - p->start_ns;
	bool changed = memory_written(vm, p);
	bool idle = !changed && current_state_hash(vm) == p->state_hash;

	if (idle) {
		vm->rr->stats.idle_probes++;
		if (p->idle_runs++ < RR_PROBE_IDLE_RUNS) {
			probe_begin(vm, p);
			return false;
		}
	}
	if (changed && p->by_flags && p->busy_runs++ < RR_PROBE_BUSY_RUNS) {
		vm->rr->stats.busy_probes++;
		probe_begin(vm, p); /* a landmark may yet come, where delivery costs nothing */
		return false;
	}
	p->active = false;
	p->armed = true;
	if (changed || idle)
		log_window_pages(vm);
	log_fpu_state(vm);
	measure_writes(vm, p); /* what the next armed delivery compares with */
	vm->rr->stats.async_deliveries++;
	vm->rr->stats.probes_run++;
	vm->rr->stats.async_delay_ns += delay;
	vm->rr->stats.async_delay_max_ns = MAX(vm->rr->stats.async_delay_max_ns, delay);
	return true;
}

/* Has the guest run RR_PROBE_NS since the probe began? If not, the
 * probe's end moves to when it will have, were it to run from now on. */
static bool probe_ran(struct vm *vm, struct rr_probe *p)
{
	u64 need = time_ns_to_tsc(RR_PROBE_NS);
	u64 ran = vm->stats.guest_cycles - p->start_guest_cycles;

	if (ran >= need)
		return true;
	p->deadline_tsc = rdtsc() + (need - ran);
	return false;
}

/*
 * Moments replay cannot stop at, where a due delivery waits for the next
 * exit (after RR_HELD_BACK_MAX such exits in a row it goes in anyway: a
 * guest is never starved of its events):
 * - inside an event's delivery (EXITINTINFO or IDT-vectoring information,
 *   requeued to be injected at the next entry): no instruction boundary;
 *   the delivery completes at the next entry and the deadline, already
 *   passed, exits again right after it;
 * - right after an instruction that opens an interrupt shadow, where
 *   replay's breakpoint never stops and QEMU TCG reports no shadow: the
 *   guest is stepped one instruction out of it.
 * An entry stamped at either was never reached ("passed without
 * reaching"). Returns true when the delivery waits.
 */
static bool delivery_waits(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	bool mid_event = vm->hw->event_pending(&vm->vcpu.arch);
	bool shadow = !mid_event && after_shadow_opener(vm);

	if ((!mid_event && !shadow) || rr->held_back_streak >= RR_HELD_BACK_MAX) {
		rr->held_back_streak = 0;
		return false;
	}
	rr->held_back_streak++;
	if (shadow) {
		rr->stats.sti_waits++;
		vm_request_single_step(vm, VM_STEP_ASYNC, true);
	} else {
		rr->stats.mid_event_waits++;
	}
	return true;
}

bool rr_async_may_deliver(struct vm *vm, bool due)
{
	struct rr_probe *p;

	if (!rr_recording(vm))
		return true;
	vm_request_single_step(vm, VM_STEP_ASYNC, false); /* a step out of a shadow: one instruction */
	if (!vm->rr->guest_ran)
		return true;
	if (!due)
		return false;
	if (delivery_waits(vm))
		return false;
	p = &vm->rr->probe;
	if (p->armed) {
		log_window_if_written(vm, p);
		log_fpu_state(vm);
		vm->rr->stats.async_deliveries++;
		return true;
	}
	if (!p->active) {
		p->active = true;
		p->idle_runs = p->busy_runs = 0;
		p->start_ns = vm_guest_ns(vm);
		probe_begin(vm, p);
		vm->rr->stats.probes++;
		return false;
	}
	return probe_ran(vm, p) && deliver_after_probe(vm, p);
}

u64 rr_async_deadline_tsc(const struct vm *vm)
{
	return rr_recording(vm) && vm->rr->probe.active ? vm->rr->probe.deadline_tsc : UINT64_MAX;
}
