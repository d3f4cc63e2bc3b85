/*
 * Trace collection during replay (seed 001: "collecting trace information
 * in response to expansion parameters"). trace= on the command line says
 * what to collect: exits, io, pt (page-table writes the T bit sees), and
 * insns=START-END (every guest instruction whose RIP lies in the range, by
 * single-stepping while the guest executes the pages of that range). The
 * trace goes to the record sink in the format of docs/log-format.md.
 */
#ifndef UNDERSTUDY_HV_TRACE_H
#define UNDERSTUDY_HV_TRACE_H

#include "hv/vm.h"

#define TRACE_EXITS (1u << 0)
#define TRACE_IO (1u << 1)
#define TRACE_PT (1u << 2)
#define TRACE_INSNS (1u << 3)

struct trace_spec {
	u32 what;
	u64 insn_start, insn_end; /* guest RIP range, end exclusive */
};

/* Parses "exits,io,pt,insns=0x100000-0x101000"; 0 or -EINVAL. Pure. */
int trace_parse(const char *s, struct trace_spec *out);

struct config;
struct boot_info;
/* Starts tracing when cfg asks for it (replay only); 0 or a negative errno. */
int trace_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* Hooks. */
void trace_exit(struct vm *vm, const struct vexit *e);
void trace_io(struct vm *vm, bool in, u16 port, u8 size, u32 value);
void trace_pt_write(struct vm *vm, u64 gpa);
/* Instruction tracing owns fetch faults on traced pages and the steps. */
bool trace_exit_is_ours(struct vm *vm, const struct vexit *e);
void trace_handle_exit(struct vm *vm, const struct vexit *e);
void trace_finish(struct vm *vm);
void trace_report(const struct vm *vm);

#endif
