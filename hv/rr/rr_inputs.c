/*
 * The non-deterministic inputs, as exit handlers and the run loop see them:
 * off, the live value passes through; record, it is logged at the current
 * landmark; replay, the logged value replaces it.
 */
#include "hash.h"
#include "hv/guest_cpuid.h"
#include "hv/rr/rr_internal.h"
#include "hv/vm_devices.h"

u64 rr_tsc(struct vcpu *v, u64 live)
{
	struct vm *vm = v->vm;
	struct rrlog_entry e = { .type = RR_RDTSC, .tsc = live };

	if (rr_recording(vm))
		rr_log(vm, &e);
	else if (rr_replaying(vm) && rr_take(vm, RR_RDTSC, &e))
		return vm->rr->replayed_tsc = e.tsc;
	return live;
}

u64 rr_tscp(struct vcpu *v, u64 live, u32 *aux)
{
	struct vm *vm = v->vm;
	struct rrlog_entry e = { .type = RR_RDTSCP, .rdtscp = { live, *aux } };

	if (rr_recording(vm)) {
		rr_log(vm, &e);
	} else if (rr_replaying(vm) && rr_take(vm, RR_RDTSCP, &e)) {
		*aux = e.rdtscp.aux;
		return vm->rr->replayed_tsc = e.rdtscp.tsc;
	}
	return live;
}

bool rr_random(struct vcpu *v, bool seed, u8 size, u64 *value, bool live_cf)
{
	struct vm *vm = v->vm;
	enum rrlog_type type = seed ? RR_RDSEED : RR_RDRAND;
	struct rrlog_entry e = { .type = type, .rand = { size, live_cf, *value } };

	if (rr_recording(vm)) {
		rr_log(vm, &e);
	} else if (rr_replaying(vm) && rr_take(vm, type, &e)) {
		*value = e.rand.value;
		return e.rand.cf;
	}
	return live_cf;
}

/* In replay the device model still performs the read (its state must move
 * on as it did), and the logged value must agree with it: with the same
 * model, any difference means the log or the replay went wrong. */
u32 rr_io_in(struct vcpu *v, u16 port, u8 size, u32 live)
{
	struct vm *vm = v->vm;
	struct rrlog_entry e = { .type = RR_IO_IN, .io = { port, size, live } };

	if (rr_recording(vm)) {
		rr_log(vm, &e);
	} else if (rr_replaying(vm) && rr_take(vm, RR_IO_IN, &e)) {
		if (e.io.port != port || e.io.size != size || e.io.value != live)
			rr_diverge(vm, "IN from port %#x (%u bytes) gives %#x, the log has port %#x "
				   "(%u bytes) value %#x", port, size, live, e.io.port, e.io.size,
				   e.io.value);
		return e.io.value;
	}
	return live;
}

/* CPUID depends on the host: the log carries what the guest saw. */
void rr_cpuid(struct vcpu *v, u32 leaf, u32 subleaf, struct cpuid_result *r)
{
	struct vm *vm = v->vm;
	struct rrlog_entry e = { .type = RR_CPUID,
				 .cpuid = { leaf, subleaf, r->eax, r->ebx, r->ecx, r->edx } };

	if (rr_recording(vm)) {
		rr_log(vm, &e);
	} else if (rr_replaying(vm) && rr_take(vm, RR_CPUID, &e)) {
		if (e.cpuid.leaf != leaf || e.cpuid.subleaf != subleaf)
			rr_diverge(vm, "CPUID leaf %#x.%u, the log has leaf %#x.%u", leaf, subleaf,
				   e.cpuid.leaf, e.cpuid.subleaf);
		*r = (struct cpuid_result){ e.cpuid.eax, e.cpuid.ebx, e.cpuid.ecx, e.cpuid.edx };
	}
}

void rr_advance_devices(struct vm *vm)
{
	struct rrlog_entry e = { .type = RR_CLOCK };
	u64 now = vm_guest_ns(vm);

	if (rr_replaying(vm)) {
		if (rr_take(vm, RR_CLOCK, &e))
			vm_devices_advance(vm, e.clock_ns);
		return;
	}
	e.clock_ns = now > vm->dev_time_ns ? now : vm->dev_time_ns;
	if (rr_recording(vm))
		rr_log(vm, &e);
	vm_devices_advance(vm, e.clock_ns);
}

void rr_serial_in(struct vm *vm, u8 byte)
{
	struct rrlog_entry e = { .type = RR_SERIAL_IN, .byte = byte };

	if (rr_recording(vm))
		rr_log(vm, &e);
}

void rr_interrupt(struct vm *vm, u8 vector)
{
	struct rrlog_entry e = { .type = RR_INTERRUPT, .vector = vector };

	if (rr_recording(vm))
		rr_log(vm, &e);
}

void rr_net_rx(struct vm *vm, const u8 *frame, size_t len)
{
	struct rrlog_entry e = { .type = RR_NET_RX, .net_rx = { (u32)len, frame } };

	if (rr_recording(vm))
		rr_log(vm, &e);
}

/* The replayed guest sends what the recorded one did, at the same exit:
 * the same length and bytes (by their hash). */
bool rr_net_tx(struct vm *vm, const u8 *frame, size_t len)
{
	u64 hash = hash64(frame, len, 0);
	struct rrlog_entry e = { .type = RR_NET_TX, .net_tx = { (u32)len, hash } };

	if (rr_recording(vm)) {
		rr_log(vm, &e);
	} else if (rr_replaying(vm)) {
		if (rr_take(vm, RR_NET_TX, &e) && (e.net_tx.len != len || e.net_tx.hash != hash))
			rr_diverge(vm, "the guest's NIC sends a %zu-byte frame (hash %#llx) at landmark "
				   "%llu; the log has %u bytes (hash %#llx)", len, hash,
				   vm->stats.guest_caused_exits, e.net_tx.len, e.net_tx.hash);
		return false;
	}
	return true;
}
