/*
 * A virtualization backend for host tests (test/unit/fake_backend.c): the
 * struct virt_backend operations of arch/x86/virt.h over a vCPU kept in
 * memory, with stage 2 in EPT or NPT format (the real arch/x86/vmx/ept.c or
 * svm/npt.c entries) over the fake platform's pages.
 *
 * Its run() plays a script: each step is one guest instruction (or a loop)
 * and does what the guest would have done: sets registers, changes
 * RFLAGS.IF, stores into guest memory through stage 2, or exits with a
 * struct vexit as the hardware would report it. Between instructions it
 * behaves as the CPU does: an injected event is delivered at entry, an
 * interrupt window exits as soon as the guest is interruptible, the timer
 * exits at its deadline, an execute breakpoint exits with #DB unless
 * RFLAGS.RF is set, a store the stage-2 entry forbids exits as a nested
 * page fault (and is retried after it), a store sets the stage-2 dirty
 * flag when A/D is on and logs its page when that flag was clear and PML
 * is on (a full log exits first, as VEXIT_PML_FULL, and the store is
 * retried), and a single step exits after one
 * instruction. Every instruction moves the fake TSC on by
 * fake.insn_cycles (a test may make the machine faster or slower). When
 * the script is done, the guest writes fake.exit_code to the exit port,
 * so vm_run ends.
 *
 * Every operation hv/ calls is recorded for the tests to assert on.
 */
#ifndef UNDERSTUDY_TEST_FAKE_BACKEND_H
#define UNDERSTUDY_TEST_FAKE_BACKEND_H

#include "arch/x86/regs.h"
#include "arch/x86/virt.h"

#define FAKE_INSN_CYCLES 1000      /* fake TSC cycles per guest instruction by default (1 us) */
#define FAKE_MAX_EVENTS 64         /* events remembered (inject calls, deliveries) */
#define FAKE_RUN_LIMIT 200000      /* entries before a test is declared stuck */
#define FAKE_RUNS_AFTER_SCRIPT 8   /* entries after the exit-port write before that */
#define FAKE_EXIT_PORT 0xF4        /* isa-debug-exit (hv/vdev/misc_ports.h) */
#define FAKE_MAX_STEPS 64          /* steps whose starting registers are kept */

/* Guest interruptibility state, VMX encoding as struct vcpu_state keeps it
 * (SDM Vol 3, 25.4.2 "Guest Non-Register State", Table 25-3 "Format of
 * Interruptibility State"). */
#define FAKE_BLOCKING_STI (1u << 0)
#define FAKE_BLOCKING_MOV_SS (1u << 1)

enum fake_op {
	FAKE_EXIT,  /* an instruction that exits: step.exit is what the CPU reports */
	FAKE_INSN,  /* an instruction that does not exit: its register and IF effects only */
	FAKE_WRITE, /* a store of size bytes of data at guest-physical gpa */
	FAKE_SPIN,  /* a loop at RIP adding one to RCX per iteration until an
		     * interrupt is delivered or spin_max iterations have run */
};

enum fake_if { FAKE_IF_KEEP, FAKE_IF_STI, FAKE_IF_CLI };

struct fake_step {
	enum fake_op op;
	u8 len;               /* instruction length (the loop's, for FAKE_SPIN) */
	bool decode;          /* FAKE_EXIT: report insn_len 0, as SVM without NRIP save */
	struct vexit exit;    /* FAKE_EXIT */
	u16 set;              /* bit n: register n takes value[n] as the step begins */
	u64 value[GPR_COUNT];
	enum fake_if irq_flag; /* STI (with its interrupt shadow) or CLI */
	u64 gpa, data;        /* FAKE_WRITE */
	u8 size;
	u64 spin_max;         /* FAKE_SPIN */
};

/* Steps for scripts (lengths are those of the usual encodings). */
#define FAKE_REGS1(r, v) .set = 1u << (r), .value = { [r] = (v) }
#define FAKE_STEP_EXIT(l, ...) { .op = FAKE_EXIT, .len = (l), .exit = { __VA_ARGS__ } }
#define FAKE_OUT(port_, size_, val_) \
	{ .op = FAKE_EXIT, .len = 1, FAKE_REGS1(GPR_RAX, (val_)), \
	  .exit = { .reason = VEXIT_IO, .io = { .port = (port_), .size = (size_) } } }
#define FAKE_IN(port_, size_) \
	{ .op = FAKE_EXIT, .len = 1, \
	  .exit = { .reason = VEXIT_IO, .io = { .port = (port_), .size = (size_), .in = true } } }
#define FAKE_RDTSC FAKE_STEP_EXIT(2, .reason = VEXIT_RDTSC)
#define FAKE_RDRAND FAKE_STEP_EXIT(3, .reason = VEXIT_RDRAND, .rdrand = { GPR_RAX, 4 })
#define FAKE_CPUID(leaf, subleaf) \
	{ .op = FAKE_EXIT, .len = 2, .set = 1u << GPR_RAX | 1u << GPR_RCX, \
	  .value = { [GPR_RAX] = (leaf), [GPR_RCX] = (subleaf) }, .exit = { .reason = VEXIT_CPUID } }
#define FAKE_HLT FAKE_STEP_EXIT(1, .reason = VEXIT_HLT)
#define FAKE_STI { .op = FAKE_INSN, .len = 1, .irq_flag = FAKE_IF_STI }
#define FAKE_CLI { .op = FAKE_INSN, .len = 1, .irq_flag = FAKE_IF_CLI }
#define FAKE_NOP { .op = FAKE_INSN, .len = 1 }
#define FAKE_MOV_TO_CR(cr_, val_) \
	{ .op = FAKE_EXIT, .len = 3, FAKE_REGS1(GPR_RBX, (val_)), \
	  .exit = { .reason = VEXIT_CR_ACCESS, \
		    .cr = { .cr = (cr_), .type = CR_MOV_TO, .gpr_valid = true, .gpr = GPR_RBX } } }
#define FAKE_STORE(gpa_, data_, size_) \
	{ .op = FAKE_WRITE, .len = 3, .gpa = (gpa_), .data = (data_), .size = (size_) }
#define FAKE_LOOP(max) { .op = FAKE_SPIN, .len = 2, .spin_max = (max) }

/* An event as hv/ injected it, or as the guest took it at entry. */
struct fake_event {
	struct vevent ev;
	unsigned step;        /* the script step the guest was at */
	u64 rip;
	u64 tsc;
};

struct fake_cpu {
	struct vcpu_arch *arch;    /* the vCPU hv/ created (vcpu_create) */
	struct vcpu_state s;       /* everything but the general registers (arch->gpr) */
	bool create_fails;         /* vcpu_create returns -ENOMEM */
	bool trap_rdrand, trap_rdseed; /* can_intercept */

	/* the script */
	u64 insn_cycles;           /* fake TSC cycles per instruction (FAKE_INSN_CYCLES) */
	const struct fake_step *script;
	unsigned steps, pc;        /* steps, and the one the guest is at */
	bool step_begun;           /* the current step's register effects are done */
	u64 spun;                  /* iterations of the current FAKE_SPIN step */
	u32 exit_code;             /* written to the exit port after the last step */
	unsigned runs, runs_after_script;
	bool entry_fails;          /* run() returns -1, as a refused VM entry */
	/* the general registers as each step began (what the steps and exits
	 * before it left there), for the first FAKE_MAX_STEPS steps */
	u64 regs_at[FAKE_MAX_STEPS][GPR_COUNT];

	/* events */
	bool pending;              /* an injected event not yet delivered */
	struct vevent pending_ev;
	struct fake_event injected[FAKE_MAX_EVENTS];
	unsigned ninjected;
	struct fake_event delivered[FAKE_MAX_EVENTS];
	unsigned ndelivered;
	u64 dr6;                   /* the guest's DR6 (the step traps' BS) */

	/* what hv/ asked for (the state now, and how often) */
	bool intr_window;
	bool nmi_window;
	unsigned intr_window_requests; /* calls that turned it on */
	u64 timer_deadline;        /* 0: none */
	unsigned timer_exits;
	bool single_step;
	unsigned single_step_ons;  /* entries with single-stepping on */
	unsigned mtf_exits;
	bool breakpoint;
	u64 breakpoint_linear;
	unsigned breakpoint_sets, breakpoint_exits;
	bool cr3_exiting;
	unsigned guest_tlb_flushes, stage2_flushes, dumps;
	unsigned npf_exits;

	/* hardware dirty tracking (stage2_set_ad, pml_set) */
	bool has_ad, has_pml;      /* what the fake CPU offers (both by default) */
	bool ad_broken;            /* it claims A/D but never sets a flag (as an emulator might) */
	bool ad_on;                /* stores set the stage-2 A and D flags */
	u64 pml_hpa;               /* stores that set D log here; 0: off */
	u16 pml_index;             /* the next entry, 511 down; past 0: full */
	unsigned ad_sets, pml_full_exits;
};

extern struct fake_cpu fake;

/* The backend with stage 2 in EPT format ("fake-ept") or in NPT format
 * ("fake-npt"); everything else is the same. */
extern const struct virt_backend fake_backend_ept;
extern const struct virt_backend fake_backend_npt;

/* Forgets everything: no vCPU, no script, no recorded operation. */
void fake_reset(void);

/* The guest will run these steps (the array must outlive the run). */
void fake_load_script(const struct fake_step *steps, unsigned n);

#define FAKE_SCRIPT(a) fake_load_script((a), ARRAY_SIZE(a))

/* Has the guest run every step? */
bool fake_script_done(void);

#endif
