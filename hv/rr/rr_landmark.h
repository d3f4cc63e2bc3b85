/*
 * What places a log or trace entry in the guest's execution: its landmark
 * (guest-caused exits so far), RIP, and for an entry that lands where
 * guest instructions ran since the last guest-caused exit (asynchronous),
 * the registers that tell that moment from other arrivals at the same RIP.
 * Shared by the recorder, the replayer and trace collection.
 */
#ifndef UNDERSTUDY_HV_RR_RR_LANDMARK_H
#define UNDERSTUDY_HV_RR_RR_LANDMARK_H

#include "proto/rrlog.h"
#include "hv/vm.h"

/* The registers of an async landmark: RAX..R15 and RFLAGS without RF
 * (docs/log-format.md). */
void rr_current_regs(struct vm *vm, u64 regs[RRLOG_ASYNC_REGS]);

/*
 * What an async entry proves its moment with. Between two landmarks the
 * guest can change only its registers and the write window's pages, so
 * its state there is the landmark's plus what these two hashes cover:
 * the state hash, of the given GPRs, RFLAGS and RIP and every other vCPU
 * register (control, segment, descriptor-table, debug and MSR state, the
 * interrupt shadow, an event queued for injection, the x87/SSE/AVX
 * registers); and the memory hash, of the write window's pages. Equal
 * hashes are equal states.
 */
u64 rr_state_hash(struct vm *vm, const u64 regs[RRLOG_ASYNC_REGS], u64 rip);
u64 rr_memory_hash(struct vm *vm);

/* The state hash with the given x87/SSE/AVX registers (fpu_len bytes in
 * the canonical form of arch/x86/fpu.h, an FPU_STATE's) in place of the
 * vCPU's own; NULL: its own, as rr_state_hash. */
u64 rr_state_hash_fpu(struct vm *vm, const u64 regs[RRLOG_ASYNC_REGS], u64 rip, const u8 *fpu,
		      size_t fpu_len);

/* Stamps e with the current landmark and RIP; async says whether guest
 * instructions ran since the last guest-caused exit (then the registers
 * and both hashes are taken too). */
void rr_stamp_landmark(struct vm *vm, struct rrlog_entry *e, bool async);

#endif
