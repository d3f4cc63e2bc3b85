/* Trace collection during replay (see trace.h). */
#include "hv/trace.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "cmdline.h"
#include "drivers/serial/uart16550.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/guest_walk.h"
#include "hv/insn_fetch.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_identity.h"
#include "hv/rr/rr_landmark.h"
#include "hv/rr/rr_sink.h"
#include "hv/vcpu_ops.h"
#include "log.h"

#define TRACE_MAX_PAGES 64
#define TRACE_FRAME_SIZE (RRLOG_FRAME_HEADER_SIZE + 16384)

struct trace_state {
	struct trace_spec spec;
	struct rrlog_writer writer;
	u8 *frame;
	u64 entries, bytes;
	bool stepping;
	u64 pages[TRACE_MAX_PAGES]; /* guest-physical pages holding the traced range */
	unsigned npages;
};

static struct trace_state ts;
static bool active;

static void commit(void)
{
	size_t n = rrlog_finish_frame(&ts.writer);

	if (n) {
		rr_serial_write(ts.frame, n);
		ts.bytes += n;
	}
}

/* Appends a trace entry at the current landmark. */
static void emit(struct vm *vm, struct rrlog_entry *e)
{
	rr_stamp_landmark(vm, e, vm->rr && vm->rr->guest_ran);
	if (rrlog_append(&ts.writer, e) == -ENOSPC) {
		commit();
		rrlog_append(&ts.writer, e);
	}
	ts.entries++;
}

static void set_traced_pages_exec(struct vm *vm, bool exec)
{
	for (unsigned i = 0; i < ts.npages; i++) {
		u64 hpa;
		u32 prot;

		if (stage2_lookup(&vm->stage2, ts.pages[i], &hpa, &prot))
			continue;
		prot = exec ? prot | S2_X : prot & ~S2_X;
		stage2_protect(&vm->stage2, ts.pages[i], PAGE_SIZE, prot);
	}
	vm->hw->stage2_flush(&vm->vcpu.arch);
}

/* The guest-physical pages of the RIP range under the guest's paging now
 * (at the start: usually paging off). */
static int find_traced_pages(struct vm *vm)
{
	struct gw_cpu cpu;
	u64 la = ts.spec.insn_start & ~(PAGE_SIZE - 1);

	vcpu_guest_paging(&vm->vcpu, &cpu);
	for (; la < ts.spec.insn_end; la += PAGE_SIZE) {
		struct gw_result res;

		if (ts.npages == TRACE_MAX_PAGES) {
			pr_err("trace: the instruction range spans more than %d pages", TRACE_MAX_PAGES);
			return -E2BIG;
		}
		if (gw_translate(&cpu, la, GW_ACCESS_FETCH, &res))
			continue;
		ts.pages[ts.npages++] = res.gpa & ~(PAGE_SIZE - 1);
	}
	return 0;
}

static int write_header(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	struct rrlog_header h;
	struct rr_guest_identity id;
	u8 header[RRLOG_HEADER_SIZE];
	size_t n;

	rr_log_identity(bi, cfg, &id);
	memset(&h, 0, sizeof(h));
	h.trace = true;
	h.flags = RRLOG_FLAG_TRACE;
	h.kernel_hash = id.kernel_hash;
	h.modules_hash = id.modules_hash;
	h.cmdline_hash = id.cmdline_hash;
	h.ram_size = vm->ram_size;
	memcpy(h.backend, vm->hw->name, MIN(strlen(vm->hw->name), sizeof(h.backend) - 1));
	n = rrlog_write_header(&h, header, sizeof(header));
	rr_serial_write(header, n);
	ts.bytes += n;
	return 0;
}

int trace_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	u64 pa;
	u16 port = cfg->rr_sink == RR_SINK_COM4 ? COM4_PORT : COM3_PORT;

	if (!cfg->trace[0])
		return 0;
	if (cfg->rr != RR_CHOICE_REPLAY) {
		pr_err("trace: collecting a trace needs rr=replay");
		return -EINVAL;
	}
	if (trace_parse(cfg->trace, &ts.spec)) {
		pr_err("trace: cannot parse trace='%s'", cfg->trace);
		return -EINVAL;
	}
	if (!rr_serial_open(port) || page_alloc(TRACE_FRAME_SIZE / PAGE_SIZE + 1, 1, &pa)) {
		pr_err("trace: no UART at %#x or no memory for the trace", port);
		return -ENODEV;
	}
	ts.frame = phys_to_virt(pa);
	rrlog_writer_init(&ts.writer, ts.frame, TRACE_FRAME_SIZE);
	write_header(vm, bi, cfg);
	if ((ts.spec.what & TRACE_INSNS) && find_traced_pages(vm))
		return -E2BIG;
	if (ts.spec.what & TRACE_INSNS)
		set_traced_pages_exec(vm, false);
	active = true;
	pr_info("trace: collecting '%s' to the UART at %#x", cfg->trace, port);
	return 0;
}

void trace_exit(struct vm *vm, const struct vexit *e)
{
	struct rrlog_entry t = { .type = RR_T_EXIT, .t_exit = { e->reason, e->raw_reason } };

	if (active && (ts.spec.what & TRACE_EXITS))
		emit(vm, &t);
}

void trace_io(struct vm *vm, bool in, u16 port, u8 size, u32 value)
{
	struct rrlog_entry t = { .type = RR_T_IO, .t_io = { in, port, size, value } };

	if (active && (ts.spec.what & TRACE_IO))
		emit(vm, &t);
}

void trace_pt_write(struct vm *vm, u64 gpa)
{
	struct rrlog_entry t = { .type = RR_T_PT_WRITE, .t_pt_gpa = gpa };

	if (active && (ts.spec.what & TRACE_PT))
		emit(vm, &t);
}

static bool traced_page(u64 gpa)
{
	for (unsigned i = 0; i < ts.npages; i++)
		if (ts.pages[i] == (gpa & ~(PAGE_SIZE - 1)))
			return true;
	return false;
}

/* Is this guest-linear RIP within the pages of the traced range? */
static bool in_traced_range(u64 rip)
{
	return rip >= (ts.spec.insn_start & ~(PAGE_SIZE - 1)) &&
	       rip < ALIGN_UP(ts.spec.insn_end, PAGE_SIZE);
}

bool trace_exit_is_ours(struct vm *vm, const struct vexit *e)
{
	if (!active || !(ts.spec.what & TRACE_INSNS))
		return false;
	if (e->reason == VEXIT_MTF && ts.stepping)
		return true;
	return e->reason == VEXIT_NPF && e->npf.fetch && traced_page(e->npf.gpa);
}

/* Emits the instruction at RIP when it lies in the range. */
static void record_insn(struct vm *vm)
{
	u64 rip = vm->hw->get_rip(&vm->vcpu.arch);
	struct rrlog_entry t = { .type = RR_T_INSN };

	if (rip < ts.spec.insn_start || rip >= ts.spec.insn_end)
		return;
	t.t_insn.len = (u8)vcpu_fetch_insn_bytes(&vm->vcpu, t.t_insn.bytes);
	emit(vm, &t);
}

/* A fetch from a traced page starts single-stepping with the pages made
 * executable; leaving them stops it and traps the next fetch again. */
void trace_handle_exit(struct vm *vm, const struct vexit *e)
{
	if (e->reason == VEXIT_NPF) {
		ts.stepping = true;
		set_traced_pages_exec(vm, true);
		vm_request_single_step(vm, VM_STEP_TRACE, true);
		record_insn(vm);
		return;
	}
	if (!in_traced_range(vm->hw->get_rip(&vm->vcpu.arch))) {
		ts.stepping = false;
		vm_request_single_step(vm, VM_STEP_TRACE, false);
		set_traced_pages_exec(vm, false);
		return;
	}
	record_insn(vm);
}

void trace_finish(struct vm *vm)
{
	struct rrlog_entry end = { .type = RR_END };

	if (!active)
		return;
	end.end.how = vm->state == VM_EXITED ? 0 : 1;
	end.end.code = vm->state == VM_EXITED ? vm->exit_code : 0;
	if (vm->rr)
		vm->rr->guest_ran = false;
	emit(vm, &end);
	commit();
	pr_info("trace: %llu entries, %llu bytes", ts.entries,
		ts.bytes);
}

void trace_report(const struct vm *vm)
{
	(void)vm;
}
