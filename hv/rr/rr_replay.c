/*
 * Replay mode: the log (a boot module) refills the ring frame by frame;
 * entries come out of the ring in the order they were recorded. Inputs of a
 * guest-caused exit are taken by its handler; the rest (device time,
 * interrupts, digests) are applied between exits at their landmark. An
 * asynchronous landmark is found by stopping the guest at every arrival at
 * its RIP (an execute breakpoint) until the registers match.
 */
#include <stdarg.h>
#include <string.h>

#include "arch/x86/mm.h"
#include "arch/x86/trap.h"
#include "boot/bootinfo.h"
#include "errno.h"
#include "fmt.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/guest_boot.h"
#include "hv/guest_mem.h"
#include "hv/rr/rr_digest.h"
#include "hv/ft_fence.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_live.h"
#include "hv/rr/tbit.h"
#include "hv/vm_devices.h"
#include "hv/vm_nic.h"
#include "log.h"
#include "net/logstream/logstream_in.h"

#define MAX_REPORTED_PAGES 8

bool rr_take(struct vm *vm, enum rrlog_type type, struct rrlog_entry *e)
{
	struct rr_state *rr = vm->rr;
	u64 landmark = vm->stats.guest_caused_exits, rip = vm->hw->get_rip(&vm->vcpu.arch);

	if (!rr_peek(vm)) {
		if (!rr->divergence.diverged)
			rr_diverge(vm, "the guest asks for %s but the log has ended",
				   rrlog_type_name(type));
		return false;
	}
	if (rr->next.type != type || rr->next.landmark != landmark || rr->next.async ||
	    rr->next.rip != rip) {
		rr_diverge(vm, "the guest asks for %s at rip %#llx; the log has %s%s at landmark %llu "
			   "rip %#llx", rrlog_type_name(type), rip,
			   rr->next.async ? "async " : "", rrlog_type_name(rr->next.type),
			   rr->next.landmark, rr->next.rip);
		return false;
	}
	*e = rr->next;
	rr_consume(rr);
	return true;
}

/* Compares a logged digest (rr->next, with its DIGEST_PAGES following) with
 * the guest's state now; reports registers and pages that differ. */
static void check_digest(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_entry logged = rr->next;
	struct rr_digest mine;
	char pages[96] = "", what[sizeof(rr->divergence.what)] = "";
	u64 listed = 0, bad_pages = 0;
	int bad_reg = -1;

	rr_consume(rr);
	rr_digest_take(vm, &mine);
	for (unsigned i = 0; i < logged.digest.count && i < RRLOG_DIGEST_REGS; i++)
		if (logged.digest.regs[i] != mine.regs[i] && bad_reg < 0)
			bad_reg = (int)i;
	/* The logged page list: compare each with this run's hash of the page. */
	while (listed < logged.digest.pages && rr_peek(vm) && rr->next.type == RR_DIGEST_PAGES) {
		struct rrlog_pages_iter it;
		struct rrlog_page_hash ph;

		rrlog_pages_begin(&it, &rr->reader, &rr->next);
		while (rrlog_pages_next(&it, &ph) > 0) {
			listed++;
			if (ph.page < rr->npages && (u32)rr->page_hash[ph.page] != ph.hash &&
			    bad_pages++ < MAX_REPORTED_PAGES) {
				size_t len = strnlen(pages, sizeof(pages));

				fmt_snprintf(pages + len, sizeof(pages) - len, " %#llx",
					     (ph.page * PAGE_SIZE));
			}
		}
		rr_consume(rr);
	}
	rr->stats.digests++;
	if (bad_reg >= 0)
		fmt_snprintf(what, sizeof(what), "state digest: %s is %#llx, the log has %#llx%s",
			     rr_digest_reg_name((unsigned)bad_reg), mine.regs[bad_reg],
			     logged.digest.regs[bad_reg],
			     mine.memory_hash != logged.digest.memory_hash ? "; memory differs too" : "");
	else if (mine.memory_hash != logged.digest.memory_hash)
		fmt_snprintf(what, sizeof(what), "state digest: guest memory differs (pages at%s%s)",
			     bad_pages ? pages : " addresses the log does not list",
			     bad_pages > MAX_REPORTED_PAGES ? " ..." : "");
	if (what[0] && !rr_sync_digest_tolerated(vm, what))
		rr_diverge(vm, "%s", what);
}

/* Are the guest's RIP and registers the entry's? (Cheap: asked first.) */
static bool registers_match(struct vm *vm, const struct rrlog_entry *e)
{
	u64 regs[RRLOG_ASYNC_REGS];

	if (vm->hw->get_rip(&vm->vcpu.arch) != e->rip)
		return false;
	rr_current_regs(vm, regs);
	return !memcmp(regs, e->regs, sizeof(regs));
}

/*
 * Since the last landmark the recorded guest changed only its registers
 * and the write window's pages. Wherever the rest of the replayed guest's
 * state and the window equal the recorded ones (the state hash, taken over
 * the logged registers, and the memory hash), giving it the logged GPRs,
 * RIP and RFLAGS is the recorded state, exactly. So an async entry is
 * reached as soon as its hashes match: at once when nothing but registers
 * changed since the landmark before it, else at the first arrival at its
 * RIP after the last write that mattered. The cheap state hash goes first.
 */
static bool reach_if_state_matches(struct vm *vm, const struct rrlog_entry *e)
{
	bool wrote = vm->rr->pending.count != 0;
	const u8 *fpu = rr_pending_fpu(vm, e);

	if (rr_state_hash_fpu(vm, e->regs, e->rip, fpu, vm->rr->pending.fpu_len) != e->state_hash)
		return false;
	rr_write_pending_pages(vm);
	if (rr_memory_hash(vm) != e->memory_hash) {
		if (wrote)
			rr_diverge(vm, "the write window differs from the asynchronous %s's even with "
				   "its logged pages", rrlog_type_name(e->type));
		return false;
	}
	if (!rr_load_pending_fpu(vm, e))
		return false;
	if (registers_match(vm, e))
		return true;
	for (int i = 0; i < GPR_COUNT; i++)
		vm->vcpu.arch.gpr[i] = e->regs[i];
	vm->hw->set_rflags(&vm->vcpu.arch, e->regs[GPR_COUNT]); /* RF clear, as recorded */
	vm->hw->set_rip(&vm->vcpu.arch, e->rip);
	vm->rr->stats.teleports++;
	return true;
}

/* An INTERRUPT entry with vector 2 is an NMI when the devices have one
 * pending that the guest can take: the recording injects an NMI before
 * any interrupt whenever it can, and the replay's state is the
 * recording's, so the same rule picks the same event (an 8259 programmed
 * to deliver vector 2 is told apart by it). */
static bool inject_logged_nmi(struct vm *vm, const struct rrlog_entry *e)
{
	const struct virt_backend *hw = vm->hw;
	struct vevent ev = { VEVENT_NMI, EXC_NMI, false, 0 };

	if (e->vector != EXC_NMI || !vm_devices_nmi_pending(vm) || hw->nmi_blocked(&vm->vcpu.arch) ||
	    hw->event_pending(&vm->vcpu.arch))
		return false;
	vm_devices_ack_nmi(vm);
	hw->inject(&vm->vcpu.arch, &ev);
	vm->stats.nmis_injected++;
	vm->vcpu.halted = false;
	return true;
}

static void inject_logged(struct vm *vm, const struct rrlog_entry *e)
{
	const struct virt_backend *hw = vm->hw;
	struct vevent ev = { VEVENT_EXTINT, e->vector, false, 0 };
	int pending;

	if (inject_logged_nmi(vm, e))
		return;
	pending = vm_devices_pending_vector(vm);

	if (pending != e->vector) {
		rr_diverge(vm, "the log injects vector %#x; the interrupt controller has %d", e->vector,
			   pending);
		return;
	}
	if (!hw->interruptible(&vm->vcpu.arch)) {
		rr_diverge(vm, "the log injects vector %#x where the guest cannot take it", e->vector);
		return;
	}
	vm_devices_ack_vector(vm);
	hw->inject(&vm->vcpu.arch, &ev);
	vm->stats.interrupts_injected++;
	vm->vcpu.halted = false;
}

/* A logged received frame enters the guest here, as it did when recorded
 * (its bytes point into the log's frame: written before the entry is
 * consumed). */
static void replay_frame(struct vm *vm, const struct rrlog_entry *e)
{
	const char *why = NULL;

	if (e->net_rx.len < RRLOG_NET_FRAME_MIN)
		why = "is shorter than an Ethernet header";
	else if (!vm_nic_present(vm))
		why = "finds no NIC (guest_nic=off)";
	else if (!vm_nic_replay_frame(vm, e->net_rx.data, e->net_rx.len))
		why = "finds no receive buffer posted (the guest cannot take it)";
	rr_consume(vm->rr);
	if (why)
		rr_diverge(vm, "the log's received %u-byte frame %s", e->net_rx.len, why);
}

/* Applies an entry that belongs between exits; returns false when the
 * replay cannot go on. */
static bool apply(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_entry e = rr->next;

	switch (e.type) {
	case RR_DIGEST:
		check_digest(vm);
		return vm->state == VM_RUNNING;
	case RR_CLOCK:
		rr_consume(rr);
		vm_devices_advance(vm, e.clock_ns);
		return true;
	case RR_INTERRUPT:
		rr_consume(rr);
		inject_logged(vm, &e);
		return vm->state == VM_RUNNING;
	case RR_SERIAL_IN:
		rr_consume(rr);
		if (!vm_devices_serial_in(vm, e.byte))
			rr_diverge(vm, "the log's typed byte %#x finds the guest's COM1 receiver full",
				   e.byte);
		return vm->state == VM_RUNNING && !rr->divergence.diverged;
	case RR_NET_RX:
		replay_frame(vm, &e);
		return vm->state == VM_RUNNING && !rr->divergence.diverged;
	case RR_SNAPSHOT:
		rr_replay_snapshot(vm);
		return vm->state == VM_RUNNING;
	case RR_OUTPUT:
		rr_replay_output(vm);
		return vm->state == VM_RUNNING && !rr->divergence.diverged;
	case RR_CHECKPOINT_DATA: /* a checkpoint for a backup that resyncs: not this replay's */
		rr_consume(rr);
		return true;
	case RR_END:
		if (e.end.how == RRLOG_END_SWITCHOVER) {
			rr_replay_switchover(vm);
			return false;
		}
		if (e.end.how == RRLOG_END_CHECKPOINTS) {
			rr_replay_to_checkpoints(vm);
			return false;
		}
		rr_diverge(vm, "the recorded run ended here (%s, code %u); the replayed guest goes on",
			   e.end.how ? "stopped" : "exited", e.end.code);
		return false;
	default:
		rr_diverge(vm, "the log has %s, an input of a guest-caused exit, between exits",
			   rrlog_type_name(e.type));
		return false;
	}
}

/*
 * Reaches an async landmark: at its start (the landmark before it), and
 * else at every arrival at its RIP (a breakpoint), the state hash is
 * compared (reach_if_state_matches). A search that does not reach it
 * within RR_SEARCH_BUDGET stops is a divergence: nothing is ever assumed.
 * Returns true when the landmark is reached now; otherwise the guest runs
 * on to the next stop.
 */
static bool search(struct vm *vm, const struct rrlog_entry *e)
{
	struct rr_state *rr = vm->rr;
	const struct virt_backend *hw = vm->hw;
	struct segment cs;

	if (rr->at_async_point && !rr_pending_fpu(vm, e) && registers_match(vm, e))
		return true; /* the entry before this one was reached here */
	if (!rr->searching) {
		rr->stats.async_landmarks++;
		if (reach_if_state_matches(vm, e))
			return rr->at_async_point = true;
		hw->get_segment(&vm->vcpu.arch, SEG_CS, &cs);
		rr->searching = true;
		rr->search_stops = 0;
		rr->stats.searches++;
		hw->set_breakpoint(&vm->vcpu.arch, cs.base + e->rip, true);
		return false;
	}
	if (hw->get_rip(&vm->vcpu.arch) != e->rip)
		return false;
	if (reach_if_state_matches(vm, e))
		return rr->at_async_point = true;
	if (rr->search_stops >= RR_SEARCH_BUDGET) {
		rr_diverge(vm, "the asynchronous %s at rip %#llx was not reached exactly in %u "
			   "breakpoint stops", rrlog_type_name(e->type), e->rip, RR_SEARCH_BUDGET);
		return false;
	}
	hw->set_rflags(&vm->vcpu.arch, hw->get_rflags(&vm->vcpu.arch) | RFLAGS_RF);
	return false;
}

static void stop_search(struct vm *vm)
{
	if (vm->rr->searching) {
		vm->rr->searching = false;
		vm->hw->set_breakpoint(&vm->vcpu.arch, 0, false);
	}
}

/* The log's entries up to this landmark, applied. */
static void replay_between_exits(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 landmark = vm->stats.guest_caused_exits;

	while (vm->state == VM_RUNNING && rr_peek(vm)) {
		struct rrlog_entry *e = &rr->next;

		if (e->landmark > landmark)
			break;
		if (e->landmark < landmark) {
			rr_diverge(vm, "the log has %s%s at landmark %llu rip %#llx, which the guest "
				   "passed without reaching", e->async ? "async " : "",
				   rrlog_type_name(e->type), e->landmark,
				   e->rip);
			return;
		}
		if (rrlog_type_is_async_state(e->type)) {
			if (!rr_keep_async_state(vm, e))
				return;
			continue;
		}
		if (e->async && !search(vm, e))
			return;
		if (!e->async && rr->guest_ran) {
			rr_diverge(vm, "the log has %s right after exit %llu, but the guest ran on",
				   rrlog_type_name(e->type), landmark);
			return;
		}
		stop_search(vm);
		if (!apply(vm) || rr->divergence.diverged)
			return;
	}
	if (vm->state != VM_RUNNING || rr->have_next || rr->divergence.diverged)
		return;
	if (rr_can_take_over(vm)) {
		if (ft_fence_may_go_live(vm)) /* witness=: the lease after the primary's */
			rr_take_over(vm);
	} else
		rr_diverge(vm, "the log ends before the guest does (truncated?)");
}

/* A backup whose replay diverged resyncs before the guest runs again
 * (hv/rr/rr_resync.c), then replays on from the checkpoint. */
void rr_replay_before_entry(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	if (!rr->sync.wanted)
		replay_between_exits(vm);
	while (rr->restarted && vm->state == VM_RUNNING) { /* ft=auto: a log again */
		rr->restarted = false;
		replay_between_exits(vm);
	}
	while (rr->sync.wanted && vm->state == VM_RUNNING) {
		stop_search(vm);
		if (!rr_resync(vm))
			return;
		replay_between_exits(vm);
	}
}

bool rr_replay_exit_is_ours(struct vm *vm, const struct vexit *e)
{
	struct rr_state *rr = vm->rr;

	if (!rr->searching || e->reason != VEXIT_EXCEPTION || e->exception.vector != EXC_DB ||
	    !(e->exception.cr2_or_dr6 & DR6_B0))
		return false;
	rr->stats.search_stops++;
	rr->search_stops++;
	return true;
}

/* After the run: the final digest and END must agree with how the replay
 * ended. */
void rr_replay_finish(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u32 how = vm->state == VM_EXITED ? 0 : 1;

	stop_search(vm);
	if (rr->divergence.diverged || vm->fenced)
		return; /* fenced: a backup that stood down has no verdict on the log */
	if (rr->switched_over) {
		pr_info("rr: replay matches the recording up to its switchover at landmark %llu",
			rr->switched_over_at);
		return;
	}
	if (rr_peek(vm) && rr->next.type == RR_DIGEST && rr->next.landmark == vm->stats.guest_caused_exits)
		check_digest(vm);
	if (!rr->divergence.diverged && rr_peek(vm) && rr->next.type == RR_OUTPUT &&
	    rr->next.landmark == vm->stats.guest_caused_exits)
		rr_replay_output(vm);
	if (rr->divergence.diverged)
		return;
	if (!rr_peek(vm) || rr->next.type != RR_END) {
		if (!rr->divergence.diverged)
			rr_diverge(vm, "the replay ended here but the log goes on");
		return;
	}
	if (rr->next.end.how != how || (how == 0 && rr->next.end.code != vm->exit_code)) {
		rr_diverge(vm, "the recording ended %s with code %u, the replay %s with code %u",
			   rr->next.end.how ? "stopped" : "exited", rr->next.end.code,
			   how ? "stopped" : "exited", vm->exit_code);
		return;
	}
	rr_consume(rr);
	rr->ended = true;
	if (rr->sync.digest_mismatches) {
		rr_diverge(vm, "every output matched, but %llu state digests differed (ft_resync=outputs)",
			   rr->sync.digest_mismatches);
		return;
	}
	pr_info("rr: replay matches the recording: %llu guest-caused exits, final digest identical%s",
		vm->stats.guest_caused_exits,
		rr->sync.resyncs ? " (after resyncs: from the last checkpoint)" : "");
}

/* The log's modules hash, for a replay resumed from a snapshot: a log
 * recorded from that snapshot folds it in (rr_log_identity); a log that
 * took it while recording has the guest's own, and *from_snapshot is set:
 * the replay starts at the log's SNAPSHOT entry. */
static bool same_modules(const struct rrlog_header *h, const struct boot_info *bi,
			 const struct config *cfg, u64 folded, bool *from_snapshot)
{
	struct rr_guest_identity plain;

	if (h->modules_hash == folded)
		return true;
	if (!cfg->resume)
		return false;
	rr_guest_identity(bi, cfg, &plain);
	*from_snapshot = h->modules_hash == plain.modules_hash;
	return *from_snapshot;
}

/* The write window the log was recorded with: its header's size (16
 * pages before format version 5), which replay must use too (its faults
 * are landmarks). */
static int use_window_size(struct vm *vm, const struct rrlog_header *h)
{
	u32 pages = h->window_pages ? h->window_pages : WW_PAGES_LEGACY;

	if (ww_set_size(vm, pages)) {
		pr_err("rr: the log's write window has %u pages, this hypervisor takes 1 to %u: "
		       "refusing to replay it", pages, WW_PAGES);
		return -EINVAL;
	}
	return 0;
}

/* Checks the log's header against the guest this replay runs. */
static int check_header(struct vm *vm, const struct rrlog_header *h, const struct boot_info *bi,
			const struct config *cfg, bool *from_snapshot)
{
	struct rr_guest_identity id;
	const char *field = NULL;

	rr_log_identity(bi, cfg, &id);
	if (h->trace)
		field = "file type (a trace, not a log)";
	else if (h->kernel_hash != id.kernel_hash)
		field = "guest kernel";
	else if (!same_modules(h, bi, cfg, id.modules_hash, from_snapshot))
		field = "guest modules";
	else if (h->cmdline_hash != id.cmdline_hash)
		field = "guest command line";
	else if (h->ram_size != vm->ram_size)
		field = "guest RAM size";
	if (!field && !(h->flags & RRLOG_FLAG_JOINED) != !cfg->ft_join) {
		pr_err("rr: the log starts %s and this replay %s: refusing to replay it",
		       h->flags & RRLOG_FLAG_JOINED ? "from a migrated guest (join=on)" : "from boot",
		       cfg->ft_join ? "received its guest by migration (join=on)" : "booted its guest");
		return -EINVAL;
	}
	if (field) {
		pr_err("rr: the log was recorded with another %s; refusing to replay it", field);
		return -EINVAL;
	}
	vm->rr->tbit = (h->flags & RRLOG_FLAG_TBIT) != 0;
	if (cfg->tbit != TBIT_AUTO && vm->rr->tbit != (cfg->tbit == TBIT_ON)) {
		pr_err("rr: the log was recorded with tbit=%s and this replay has tbit=%s (its landmarks "
		       "count other exits): refusing to replay it; give tbit=%s or tbit=auto",
		       vm->rr->tbit ? "on" : "off", vm->rr->tbit ? "off" : "on",
		       vm->rr->tbit ? "on" : "off");
		return -EINVAL;
	}
	return use_window_size(vm, h);
}

/* The snapshot module's hash, as its SNAPSHOT entry names it. */
static u64 snapshot_module_hash(const struct boot_info *bi)
{
	int m = guest_find_module(bi, SNAPSHOT_MODULE_ROLE);

	return hash64(phys_to_virt(bi->modules[m].start), bi->modules[m].end - bi->modules[m].start,
		      0);
}

/* The log's header and the source the rest comes from: the log module, or
 * the live log (rr_live=). Returns the header's bytes, or NULL (reported). */
static const u8 *open_source(struct vm *vm, const struct boot_info *bi, const struct config *cfg,
			     u64 *header_len)
{
	static u8 live_header[LOGSTREAM_IN_HEADER_MAX];
	struct rr_state *rr = vm->rr;
	int m;

	if (cfg->rr_live_port) {
		u16 len;

		rr->live = true;
		if (rr_live_open(vm, cfg, live_header, &len))
			return NULL;
		*header_len = len;
		return live_header;
	}
	m = guest_find_module(bi, RR_LOG_MODULE_ROLE);
	if (m < 0) {
		pr_err("rr: replay needs the log as a boot module named '%s' (or rr_live=PORT)",
		       RR_LOG_MODULE_ROLE);
		return NULL;
	}
	rr->source = phys_to_virt(bi->modules[m].start);
	rr->source_len = bi->modules[m].end - bi->modules[m].start;
	*header_len = rr->source_len;
	return rr->source;
}

int rr_replay_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_header h;
	const char *why = NULL;
	bool from_snapshot = false;
	u64 header_len = 0;
	const u8 *header = open_source(vm, bi, cfg, &header_len);
	int hlen;

	if (!header)
		return -ENOENT;
	hlen = rrlog_read_header(header, header_len, &h, &why);
	if (hlen < 0) {
		pr_err("rr: the log's header is unusable: %s", why);
		return hlen;
	}
	if (check_header(vm, &h, bi, cfg, &from_snapshot))
		return -EINVAL;
	rr->source_pos = (u64)hlen;
	rrlog_reader_init(&rr->reader, false);
	vm_devices_set_start_epoch(vm, h.start_epoch);
	vm_devices_set_tsc_hz(vm, h.tsc_hz);
	rr->may_take_over = rr->live && cfg->role == FT_ROLE_BACKUP;
	rr->joined_console = (h.flags & RRLOG_FLAG_JOINED) != 0;
	if (rr->live)
		pr_info("rr: replaying the live log of a recording on %s by understudy %s as it comes",
			h.backend, h.version);
	else
		pr_info("rr: replaying a %llu-byte log recorded on %s by understudy %s",
			rr->source_len, h.backend, h.version);
	return from_snapshot ? rr_replay_skip_to_snapshot(vm, snapshot_module_hash(bi)) : 0;
}
