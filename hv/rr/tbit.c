/* The T bit (see tbit.h). */
#include "hv/rr/tbit.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/guest_boot.h"
#include "hv/pt_scan.h"
#include "hv/vcpu_ops.h"
#include "hv/rr/rr.h"
#include "hv/rr/write_window.h"
#include "hv/trace.h"
#include "log.h"

#define MARK_SEEN 0x80 /* set during a rescan for pages it reached */
#define MARK_LEVELS 0x1F
#define PROT_MARKED (S2_R | S2_X | S2_TBIT)

static struct tbit_state the_tbit; /* one VM */

static void protect(struct vm *vm, u64 page, u32 prot)
{
	stage2_protect(&vm->stage2, page * PAGE_SIZE, PAGE_SIZE, prot);
}

/* pt_scan callback for a full rescan: notes a table page's level. */
static int note_table(void *ctx, u64 gpa, int level)
{
	struct tbit_state *t = ((struct vm *)ctx)->tbit;
	u64 page = gpa / PAGE_SIZE;

	if (page < t->npages && level >= 1 && level <= 5)
		t->next[page] |= (u8)(1u << (level - 1));
	return 0;
}

/* pt_scan callback after a write into a table: marks (and protects) a
 * child table at once. */
static int mark_child(void *ctx, u64 gpa, int level)
{
	struct vm *vm = ctx;
	struct tbit_state *t = vm->tbit;
	u64 page = gpa / PAGE_SIZE;

	if (page >= t->npages || level < 1 || level > 5)
		return 0;
	if (!t->mark[page]) {
		protect(vm, page, PROT_MARKED);
		t->stats.marked++;
	}
	t->mark[page] |= (u8)(1u << (level - 1));
	return 0;
}

/* Recomputes the marked set from CR3. Pages reachable from CR3 are the only
 * ones the CPU can walk: without PCID (hidden from the guest) every CR3 load
 * drops non-global translations, so pages no longer reachable are released. */
static void rescan(struct vm *vm)
{
	struct tbit_state *t = vm->tbit;
	struct pt_scan_stats st;
	struct gw_cpu cpu;
	bool changed = false;

	vcpu_guest_paging(&vm->vcpu, &cpu);
	t->stats.rescans++;
	if (pt_scan(&cpu, t->scratch, PT_SCAN_MAX_TABLES, note_table, vm, &st) == -E2BIG)
		t->stats.scan_overflows++;
	t->stats.marked = 0;
	for (u64 p = 0; p < t->npages; p++) {
		if (t->next[p] && !t->mark[p]) {
			protect(vm, p, PROT_MARKED);
			changed = true;
		} else if (!t->next[p] && t->mark[p]) {
			protect(vm, p, ww_plain_prot(vm, p)); /* the write window's again */
			changed = true;
		}
		t->mark[p] = t->next[p];
		t->next[p] = 0;
		t->stats.marked += t->mark[p] != 0;
	}
	if (changed)
		vm->hw->stage2_flush(&vm->vcpu.arch);
}

static void *alloc_bytes(u64 bytes)
{
	u64 pa;

	if (page_alloc(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE, 1, &pa))
		return NULL;
	return phys_to_virt(pa);
}

/* The T bit goes on with the log's choice, or tbit=on without a log. */
static bool tbit_wanted(const struct vm *vm, const struct config *cfg)
{
	if (vm->rr && vm->rr->mode != RR_OFF)
		return vm->rr->tbit;
	return cfg->tbit == TBIT_ON;
}

bool tbit_for_recording(const struct boot_info *bi, const struct config *cfg)
{
	if (cfg->tbit != TBIT_AUTO)
		return cfg->tbit == TBIT_ON;
	return guest_kernel_is_multiboot(bi, cfg);
}

int tbit_init(struct vm *vm, const struct config *cfg)
{
	struct tbit_state *t = &the_tbit;
	struct tbit_state kept = { 0 };

	if (!tbit_wanted(vm, cfg))
		return 0;
	if (t->stopped_for == vm) /* turned on again (hv/ft_join.c): the same maps */
		kept = *t;
	memset(t, 0, sizeof(*t));
	t->npages = vm->ram_size / PAGE_SIZE;
	t->mark = kept.mark ? kept.mark : alloc_bytes(t->npages);
	t->next = kept.next ? kept.next : alloc_bytes(t->npages);
	t->scratch = kept.scratch ? kept.scratch : alloc_bytes(sizeof(*t->scratch));
	if (kept.mark) {
		memset(t->mark, 0, t->npages);
		memset(t->next, 0, t->npages);
	}
	if (!t->mark || !t->next || !t->scratch) {
		pr_err("tbit: not enough memory for the page marks");
		return -ENOMEM;
	}
	vm->tbit = t;
	vm->hw->set_cr3_exiting(&vm->vcpu.arch, true);
	rescan(vm);
	pr_info("tbit: guest page tables are write-protected (%llu marked now)",
		t->stats.marked);
	return 0;
}

bool tbit_stop(struct vm *vm)
{
	struct tbit_state *t = vm->tbit;

	if (!t)
		return true;
	if (t->stepping)
		return false;
	vm->hw->set_cr3_exiting(&vm->vcpu.arch, false);
	t->stopped_for = vm;
	vm->tbit = NULL;
	return true;
}

bool tbit_exit_is_ours(struct vm *vm, const struct vexit *e)
{
	struct tbit_state *t = vm->tbit;
	u64 page;

	if (!t)
		return false;
	if (t->stepping && e->reason == VEXIT_MTF)
		return true;
	if (e->reason != VEXIT_NPF || !e->npf.write)
		return false;
	page = e->npf.gpa / PAGE_SIZE;
	return page < t->npages && t->mark[page];
}

/* Lets one instruction write the page, single-stepped. With an event about
 * to be delivered the write would not run now anyway: the page stays
 * protected and the guest faults again when it retries. */
static void start_step(struct vm *vm, u64 page)
{
	struct tbit_state *t = vm->tbit;

	t->stats.write_exits++;
	if (vm->hw->event_pending(&vm->vcpu.arch))
		return;
	t->stepping = true;
	t->step_page = page;
	ww_note(vm, page);
	protect(vm, page, S2_RWX | S2_TBIT);
	vm->hw->stage2_flush(&vm->vcpu.arch);
	vm_request_single_step(vm, VM_STEP_TBIT, true);
}

/* The write is done (or another exit came first): protect the page again,
 * follow new child tables, and drop the guest's cached translations. */
static void end_step(struct vm *vm)
{
	struct tbit_state *t = vm->tbit;
	u64 page = t->step_page;
	u8 levels = t->mark[page];
	struct gw_cpu cpu;

	t->stepping = false;
	vm_request_single_step(vm, VM_STEP_TBIT, false);
	vcpu_guest_paging(&vm->vcpu, &cpu);
	for (int level = 2; level <= 5; level++)
		if (levels & (1u << (level - 1)))
			pt_scan_children(&cpu, page * PAGE_SIZE, level, mark_child, vm);
	protect(vm, page, PROT_MARKED);
	vm->hw->stage2_flush(&vm->vcpu.arch);
	vm->hw->flush_guest_tlb(&vm->vcpu.arch);
	t->stats.guest_flushes++;
	trace_pt_write(vm, page * PAGE_SIZE);
}

void tbit_handle_exit(struct vm *vm, const struct vexit *e)
{
	struct tbit_state *t = vm->tbit;

	if (!t)
		return;
	if (e->reason == VEXIT_MTF) {
		t->stats.step_exits++;
		end_step(vm);
	} else if (e->reason == VEXIT_NPF) {
		start_step(vm, e->npf.gpa / PAGE_SIZE);
	}
}

void tbit_exit_intervened(struct vm *vm)
{
	if (vm->tbit && vm->tbit->stepping) {
		vm->tbit->stats.aborted_steps++;
		end_step(vm);
	}
}

void tbit_cr_written(struct vm *vm)
{
	if (vm->tbit)
		rescan(vm);
}

void tbit_report(const struct vm *vm)
{
	const struct tbit_stats *s;

	if (!vm->tbit)
		return;
	s = &vm->tbit->stats;
	console_printf("T bit: %llu page-table pages marked, %llu rescans, %llu write exits, "
		       "%llu single steps (%llu interrupted), %llu guest TLB flushes%s\n",
		       s->marked, s->rescans,
		       s->write_exits, s->step_exits,
		       s->aborted_steps, s->guest_flushes,
		       s->scan_overflows ? " (some walks found too many tables)" : "");
}
