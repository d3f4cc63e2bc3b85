/* Reading the guest's current instruction: its bytes at CS:RIP through the
 * guest's own page tables, and its decodings. */
#ifndef UNDERSTUDY_HV_INSN_FETCH_H
#define UNDERSTUDY_HV_INSN_FETCH_H

#include "hv/insn_decode.h"
#include "hv/vm.h"

/* Copies up to INSN_MAX_LEN bytes at CS:RIP into bytes; returns how many
 * could be read (0: none). */
size_t vcpu_fetch_insn_bytes(struct vcpu *v, u8 *bytes);

/* The len bytes just before CS:RIP, read as the CPU fetches; false when
 * they are not readable. */
bool vcpu_bytes_before_rip(struct vcpu *v, u8 *bytes, size_t len);

/* Decodes the MOV behind an MMIO access; 0 or a negative errno. */
int vcpu_decode_mmio_insn(struct vcpu *v, struct insn *insn);

/* Decodes the system instruction that caused an exit; 0 or a negative errno. */
int vcpu_decode_system_insn(struct vcpu *v, struct sys_insn_info *info);

/*
 * Fills what the backend could not tell about an instruction exit (its
 * length; a control-register access's register and kind) by decoding the
 * instruction, and corrects an RDTSC exit that was really RDTSCP; 0, or a
 * negative errno after stopping the guest with the reason.
 */
int vcpu_complete_exit(struct vcpu *v, struct vexit *e);

#endif
