/*
 * The virtualization backend interface: everything hv/ needs from VMX or
 * SVM. hv/ includes this header and never a vmx/ or svm/ one. A backend
 * turns its own exit codes into struct vexit and its own state formats into
 * struct vcpu_state.
 */
#ifndef UNDERSTUDY_ARCH_X86_VIRT_H
#define UNDERSTUDY_ARCH_X86_VIRT_H

#include "arch/x86/stage2.h"
#include "types.h"

/* The part of a vCPU the backend works on; hv/'s struct vcpu embeds it. */
struct vcpu_arch;

/* Why the guest stopped running. Guest-caused exits (an instruction or an
 * access of the guest) are the landmarks record/replay counts. */
enum vexit_reason {
	VEXIT_NONE,
	VEXIT_EXCEPTION,     /* an intercepted guest exception (exception.*) */
	VEXIT_EXTINT,        /* a host interrupt arrived */
	VEXIT_TRIPLE_FAULT,  /* guest shutdown */
	VEXIT_INTR_WINDOW,   /* the guest may take an interrupt or an NMI now */
	VEXIT_CPUID,
	VEXIT_HLT,
	VEXIT_RDTSC,
	VEXIT_RDTSCP,
	VEXIT_RDRAND,        /* rdrand.reg, rdrand.size */
	VEXIT_RDSEED,
	VEXIT_RDPMC,
	VEXIT_IO,            /* io.* */
	VEXIT_MSR_READ,      /* msr.index in ECX */
	VEXIT_MSR_WRITE,
	VEXIT_CR_ACCESS,     /* cr.* */
	VEXIT_XSETBV,
	VEXIT_NPF,           /* nested page fault: EPT violation / NPT #PF (npf.*) */
	VEXIT_TIMER,         /* the deadline set with set_timer passed */
	VEXIT_VMCALL,        /* hypercall instruction (VMCALL/VMMCALL) */
	VEXIT_INVD,          /* INVD or WBINVD */
	VEXIT_UNDEFINED,     /* an instruction the guest must see #UD for */
	VEXIT_MTF,           /* single-step trap after one instruction */
	VEXIT_INIT,          /* INIT signal */
	VEXIT_ENTRY_FAILED,  /* VM entry refused the guest state */
	VEXIT_UNHANDLED,     /* anything else: raw.* says what */
	VEXIT_PML_FULL,      /* the page-modification log is full (pml_drain it) */
	VEXIT_COUNT,
};

enum cr_access_type { CR_MOV_TO, CR_MOV_FROM, CR_CLTS, CR_LMSW };

struct vexit {
	enum vexit_reason reason;
	u32 raw_reason;     /* the backend's own exit code, for reports */
	u64 raw_qual;       /* exit qualification / EXITINFO1 */
	u64 raw_info;       /* EXITINFO2 / interruption info */
	u8 insn_len;        /* length of the exiting instruction; 0: unknown, hv/ decodes it */
	bool step_intercepted; /* an exception intercepted only because of single-stepping */
	union {
		struct {
			u16 port;
			u8 size;     /* 1, 2 or 4 */
			bool in;
			bool string; /* INS/OUTS */
			bool rep;
		} io;
		struct {
			u8 cr;       /* 0, 3, 4 or 8 */
			enum cr_access_type type;
			bool gpr_valid; /* false: hv/ decodes the instruction */
			u8 gpr;      /* register number for MOV */
			u16 lmsw_value;
		} cr;
		struct {
			u64 gpa;
			bool read, write, fetch;
			bool translated; /* access to the final GPA of a guest walk */
		} npf;
		struct {
			u8 vector;
			bool has_error_code;
			u32 error_code;
			u64 cr2_or_dr6; /* #PF address or #DB status */
		} exception;
		struct {
			u8 reg;      /* destination register */
			u8 size;     /* 2, 4 or 8 */
		} rdrand;
	};
};

/* Entries of a page-modification log: one 4 KiB page of 8-byte GPAs (SDM
 * Vol 3C, 29.3.6 "Page-Modification Logging"). */
#define VIRT_PML_ENTRIES 512

/* General registers in x86 encoding order: RAX, RCX, RDX, RBX, RSP, RBP,
 * RSI, RDI, R8..R15 (SDM Vol 2A, Table 2-2 "Register Encodings"). */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	GPR_COUNT,
};

enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

/* Segment register with its hidden part. ar uses the VMX access-rights
 * layout (SDM Vol 3, 25.4.1 "Guest Register State", Table 25-2): type in
 * bits 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14, G 15, unusable 16. */
struct segment {
	u16 selector;
	u64 base;
	u32 limit;
	u32 ar;
};
#define SEG_AR_UNUSABLE (1u << 16)
#define SEG_AR_L (1u << 13)
#define SEG_AR_DB (1u << 14)

struct dtable {
	u64 base;
	u16 limit;
};

/* The guest's architectural state, for loading, reports, digests and
 * checkpoints. */
struct vcpu_state {
	u64 gpr[GPR_COUNT];
	u64 rip, rflags;
	u64 cr0, cr2, cr3, cr4, efer, xcr0;  /* XCR0 as XSETBV set it */
	u64 dr7, pat;      /* DR7 as the guest set it, without a breakpoint of ours */
	u64 dr[4], dr6;    /* DR0-3 and DR6 as the guest has them (SDM Vol 3, 18.2) */
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 star, lstar, cstar, sfmask, kernel_gs_base; /* SYSCALL and SWAPGS */
	struct segment seg[SEG_COUNT];
	struct dtable gdtr, idtr;
	u32 interruptibility; /* STI/MOV-SS blocking (VMX encoding) */
	u32 activity;
};

/* An event to inject at the next entry. */
enum vevent_type {
	VEVENT_EXTINT,    /* external interrupt */
	VEVENT_NMI,
	VEVENT_EXCEPTION, /* hardware exception, with error code if has_error_code */
	VEVENT_SOFTINT,
};

struct vevent {
	enum vevent_type type;
	u8 vector;
	bool has_error_code;
	u32 error_code;
};

struct vcpu_arch {
	u64 gpr[GPR_COUNT]; /* all general registers, RSP included, valid between exits */
	u64 cr2;            /* the guest's CR2 (not part of the VMCS) */
	struct stage2 *stage2; /* guest-physical memory */
	void *backend;      /* the backend's own per-vCPU data */
};

struct virt_backend {
	const char *name; /* "vmx" or "svm" */

	/* Is the hardware there and usable? 0, or -ENODEV/-EPERM with a reason
	 * already printed. */
	int (*probe)(void);
	/* Enables virtualization on this CPU (VMXON / EFER.SVME). */
	int (*cpu_enable)(void);
	/* Can the backend intercept this kind of instruction on this CPU
	 * (VEXIT_RDRAND, VEXIT_RDSEED)? What it cannot trap, CPUID hides. */
	bool (*can_intercept)(enum vexit_reason r);

	/* Nested paging format, and the flush after its entries changed. */
	const struct stage2_format *stage2_format;
	void (*stage2_flush)(struct vcpu_arch *v);

	/* Sets up the hardware structures for v; @pre v->stage2 is set. */
	int (*vcpu_create)(struct vcpu_arch *v);
	/* Loads the full guest state (used at start and by checkpoints). */
	void (*set_state)(struct vcpu_arch *v, const struct vcpu_state *s);
	void (*get_state)(struct vcpu_arch *v, struct vcpu_state *s);

	/* Runs the guest until its next exit; 0, or <0 if entry failed hard. */
	int (*run)(struct vcpu_arch *v, struct vexit *exit);

	/* Fast accessors used on every exit. */
	u64 (*get_rip)(struct vcpu_arch *v);
	void (*set_rip)(struct vcpu_arch *v, u64 rip);
	/* Completes an emulated instruction of len bytes: moves RIP past it,
	 * ends any STI/MOV-SS interrupt shadow it was in and clears RFLAGS.RF,
	 * as the CPU does when an instruction completes (SDM Vol 3, 18.3.1.1
	 * "Instruction-Breakpoint Exception Condition"). */
	void (*advance_rip)(struct vcpu_arch *v, u8 len);
	/* The single-step trap the CPU raises after an instruction that began
	 * with RFLAGS.TF set (SDM Vol 3, 18.3.1.4 "Single-Step Exception
	 * Condition"), for one hv/ emulated: DR6.BS set in the guest's DR6 and
	 * #DB injected at the next entry. @pre nothing else is being injected. */
	void (*raise_step_trap)(struct vcpu_arch *v);
	u64 (*get_rflags)(struct vcpu_arch *v);
	void (*set_rflags)(struct vcpu_arch *v, u64 rflags);
	/* Control registers as the guest sees them; the backend adds the bits
	 * the hardware requires underneath. */
	u64 (*get_cr)(struct vcpu_arch *v, int cr);
	void (*set_cr)(struct vcpu_arch *v, int cr, u64 value);
	u64 (*get_efer)(struct vcpu_arch *v);
	void (*set_efer)(struct vcpu_arch *v, u64 efer);
	void (*get_segment)(struct vcpu_arch *v, enum seg_reg s, struct segment *out);
	/* MSRs kept in the VMCS/VMCB that the guest's RDMSR/WRMSR reach through
	 * an exit (IA32_PAT on SVM); 0, or -1 when msr is not one of them. */
	int (*state_msr)(struct vcpu_arch *v, u32 msr, u64 *value, bool write);

	/* Events. */
	bool (*interruptible)(struct vcpu_arch *v);
	void (*inject)(struct vcpu_arch *v, const struct vevent *e);
	bool (*event_pending)(struct vcpu_arch *v); /* an injection not yet delivered */
	/* Forgets every event in flight: the injection not yet delivered and
	 * the NMI blocking the backend follows itself (the whole vCPU state is
	 * about to be replaced: a backup's resync from a checkpoint). */
	void (*drop_events)(struct vcpu_arch *v);
	void (*request_intr_window)(struct vcpu_arch *v, bool on);
	/* NMIs (SDM Vol 3, 6.7.1 "Handling Multiple NMIs"): blocked while the
	 * guest runs the handler of an NMI injected earlier, until its IRET
	 * completes, and in an STI/MOV-SS shadow. */
	bool (*nmi_blocked)(struct vcpu_arch *v);
	/* Exit (VEXIT_INTR_WINDOW) as soon as an NMI could be injected.
	 * Returns true when that moment is the end of the guest's next
	 * instruction and the backend cannot see it by itself (SVM: the IRET
	 * it intercepted has not run yet): the caller single-steps it. */
	bool (*request_nmi_window)(struct vcpu_arch *v, bool on);
	/* Exit no later than host TSC tsc_deadline (0: no deadline). */
	void (*set_timer)(struct vcpu_arch *v, u64 tsc_deadline);
	/* Flush the guest's TLB (its linear translations). */
	void (*flush_guest_tlb)(struct vcpu_arch *v);

	/* Record/replay and tracing. */
	/* An execute breakpoint at a guest-linear address; its hits exit as
	 * #DB with DR6.B0 set. The guest's own DR7 is kept and put back. */
	void (*set_breakpoint)(struct vcpu_arch *v, u64 linear, bool on);
	/* Exit (VEXIT_MTF) after the next guest instruction. hv/ asks before
	 * every entry; a backend may end the step at any exit. */
	void (*set_single_step)(struct vcpu_arch *v, bool on);
	/* Exit on every MOV to CR3 while on (page-table tracking). */
	void (*set_cr3_exiting)(struct vcpu_arch *v, bool on);

	/* Dirty-page tracking by the hardware (hv/dirty_*.c). */
	/* Can the CPU set the dirty flag of stage-2 leaves on guest writes
	 * (once stage2_set_ad turns it on)? Can it log the pages it marks? */
	bool (*stage2_has_ad)(void);
	bool (*has_pml)(void);
	/* Turns the CPU's setting of stage-2 accessed/dirty flags on or off
	 * and flushes stage 2. @pre stage2_has_ad(). */
	void (*stage2_set_ad)(struct vcpu_arch *v, bool on);
	/* Turns page-modification logging on, into the empty 4 KiB page at
	 * log_hpa, or off. While on, a full log exits as VEXIT_PML_FULL.
	 * @pre has_pml() and stage-2 A/D on. */
	void (*pml_set)(struct vcpu_arch *v, u64 log_hpa, bool on);
	/* The guest-physical pages logged since the last drain (up to
	 * VIRT_PML_ENTRIES, into gpas); the log is empty afterwards. */
	u32 (*pml_drain)(struct vcpu_arch *v, u64 *gpas);

	/* Prints backend state for a failed entry or an unhandled exit. */
	void (*dump)(struct vcpu_arch *v);
};

/* The backend chosen at boot (virt.c), or NULL. */
const struct virt_backend *virt_backend(void);

/* Chooses VMX or SVM from CPUID, or the one forced by want ("vmx", "svm",
 * NULL for automatic); 0 or a negative errno with the reason printed. */
int virt_select(const char *want);

#endif
