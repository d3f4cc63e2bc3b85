/*
 * The virtual machine: one guest with one vCPU, its RAM, its buses and
 * devices, its state (running, exited, stopped) and its exit statistics.
 */
#ifndef UNDERSTUDY_HV_VM_H
#define UNDERSTUDY_HV_VM_H

#include "arch/x86/stage2.h"
#include "arch/x86/virt.h"
#include "hv/io_bus.h"
#include "types.h"

#define VM_STOP_REASON_MAX 160

enum vm_state {
	VM_RUNNING,
	VM_EXITED,  /* the guest asked to end, with exit_code */
	VM_STOPPED, /* the hypervisor stopped the guest: stop_reason says why */
};

struct vm_stats {
	u64 exits[VEXIT_COUNT];
	u64 hv_cycles[VEXIT_COUNT]; /* TSC cycles in the hypervisor after each kind */
	u64 guest_cycles;           /* TSC cycles between entries and exits */
	u64 halted_cycles;          /* TSC cycles asleep for a halted guest */
	u64 interrupts_injected;
	u64 nmis_injected;
	u64 guest_caused_exits;     /* landmarks: exits an instruction or access caused */
};

/* Who wants the guest single-stepped (vm_request_single_step). */
#define VM_STEP_TBIT (1u << 0)
#define VM_STEP_TRACE (1u << 1)
#define VM_STEP_NMI (1u << 2)   /* the IRET ending NMI blocking (virt.h request_nmi_window) */
#define VM_STEP_ASYNC (1u << 3) /* the recorder: out of an STI's shadow before a delivery */

struct vcpu {
	struct vcpu_arch arch;
	struct vm *vm;
	bool halted;        /* in HLT, waiting for an interrupt */
	u8 step_requests;   /* VM_STEP_* */
	u64 tsc_aux;        /* IA32_TSC_AUX, returned by RDTSCP */
	u64 tsc_adjust;     /* guest TSC = host TSC - vm->start_tsc + tsc_adjust */
	u64 xcr0;
	u64 misc_enable;    /* IA32_MISC_ENABLE as the guest wrote it */
};

/* IA32_MISC_ENABLE at reset: fast strings (SDM Vol 4, 2.1 "Architectural
 * MSRs", bit 0), as QEMU's CPUs start. */
#define VCPU_MISC_ENABLE_RESET 1ULL

struct vm_devices; /* hv/vm_devices.c */
struct rr_state;   /* hv/rr/rr.h */
struct tbit_state; /* hv/rr/tbit.h */
struct write_window; /* hv/rr/write_window.h */
struct dirty_log;  /* hv/dirty_log.h */

struct vm {
	const struct virt_backend *hw;
	struct stage2 stage2;
	u64 ram_hpa;        /* guest RAM: guest-physical 0 .. ram_size */
	u64 ram_size;
	u8 *ram;            /* its host mapping */
	struct vcpu vcpu;
	struct io_bus pio;  /* port I/O */
	struct io_bus mmio; /* device memory (not mapped in stage 2) */
	struct vm_devices *dev;
	struct rr_state *rr;     /* NULL when neither recording nor replaying */
	struct tbit_state *tbit; /* NULL when page tables are not write-protected */
	struct write_window *window; /* NULL unless recording or replaying */
	struct dirty_log *dirty; /* NULL unless migrating (dirty-page tracking) */
	u64 boot_written_end;    /* the loader wrote guest RAM below this only */
	bool strict_mmio;        /* stop at unclaimed memory instead of a PC bus's answer */
	u64 start_tsc;      /* host TSC when the guest first ran */
	u64 exit_tsc;       /* host TSC when the last exit came back (exit costs) */
	u64 dev_time_ns;    /* the guest time devices were last brought up to */
	u64 resume_tsc;     /* resume=: the guest TSC the snapshot had */
	bool resumed;       /* resume=: guest time and TSC continue from the snapshot */
	bool fenced;        /* witness=: this side lost the lease or must not go live:
			     * the guest stopped, and nothing it held goes out */
	struct {
		bool guarded;       /* witness=: this side runs the guest only under the lease */
		bool lost_said;     /* ... and said it goes on without it while a backup follows */
		bool backup_follows; /* ft=checkpoint: a backup takes this primary's epochs */
	} fence;                    /* hv/ft_fence.c */
	enum vm_state state;
	u32 exit_code;
	char stop_reason[VM_STOP_REASON_MAX];
	struct vm_stats stats;
};

/* Allocates RAM, builds stage-2 tables, attaches devices and creates the
 * vCPU; 0 or a negative errno (reported). */
int vm_create(struct vm *vm, const struct virt_backend *hw, u64 ram_size);

/* Runs the guest until it exits or is stopped. */
void vm_run(struct vm *vm);

/* Ends the run: the guest asked for it (exit port). */
void vm_guest_exit(struct vm *vm, u32 code);

/* Ends the run: the guest did something the hypervisor cannot let it go on
 * after (reason is printed with the guest's registers). */
void vm_stop(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Undoes a vm_stop made on purpose, before the run's end (a switchover
 * that failed: the guest stays here): the run loop goes on. */
void vm_resume(struct vm *vm);

/* Starts guest time as the guest first runs: at 0, or where a resumed
 * snapshot left it (device time, guest TSC). */
void vm_start_clock(struct vm *vm);

/* Guest time in nanoseconds since the guest started. */
u64 vm_guest_ns(struct vm *vm);

/* Prints the guest registers (reports). */
void vm_dump_guest(struct vm *vm);

/* Single-steps the guest while any of VM_STEP_* asks for it (applied at
 * every entry, since a backend may end a step at any exit). */
void vm_request_single_step(struct vm *vm, u8 who, bool on);

/* Host pointer to guest-physical [gpa, gpa+len) if it is all RAM, else NULL. */
void *vm_gpa_to_hva(struct vm *vm, u64 gpa, u64 len);

#endif
