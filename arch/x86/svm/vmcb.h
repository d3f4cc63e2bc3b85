/*
 * The VMCB (AMD64 APM Vol 2, Appendix B "Layout of VMCB": Table B-1
 * "VMCB Layout, Control Area", Table B-2 "VMCB Layout, State Save Area"),
 * intercept bits and exit codes (Appendix C "SVM Intercept Exit Codes").
 */
#ifndef UNDERSTUDY_ARCH_X86_SVM_VMCB_H
#define UNDERSTUDY_ARCH_X86_SVM_VMCB_H

#include "compiler.h"
#include "types.h"

/* Intercept vector 3 (offset 00Ch) */
#define SVM_INTERCEPT_INTR (1u << 0)
#define SVM_INTERCEPT_NMI (1u << 1)
#define SVM_INTERCEPT_SMI (1u << 2)
#define SVM_INTERCEPT_INIT (1u << 3)
#define SVM_INTERCEPT_VINTR (1u << 4)
#define SVM_INTERCEPT_RDTSC (1u << 14)
#define SVM_INTERCEPT_RDPMC (1u << 15)
#define SVM_INTERCEPT_CPUID (1u << 18)
#define SVM_INTERCEPT_RSM (1u << 19)
#define SVM_INTERCEPT_IRET (1u << 20)
#define SVM_INTERCEPT_INVD (1u << 22)
#define SVM_INTERCEPT_HLT (1u << 24)
#define SVM_INTERCEPT_INVLPGA (1u << 26)
#define SVM_INTERCEPT_IOIO_PROT (1u << 27)
#define SVM_INTERCEPT_MSR_PROT (1u << 28)
#define SVM_INTERCEPT_TASK_SWITCH (1u << 29)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
/* Intercept vector 4 (offset 010h) */
#define SVM_INTERCEPT_VMRUN (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)
#define SVM_INTERCEPT_VMLOAD (1u << 2)
#define SVM_INTERCEPT_VMSAVE (1u << 3)
#define SVM_INTERCEPT_STGI (1u << 4)
#define SVM_INTERCEPT_CLGI (1u << 5)
#define SVM_INTERCEPT_SKINIT (1u << 6)
#define SVM_INTERCEPT_RDTSCP (1u << 7)
#define SVM_INTERCEPT_WBINVD (1u << 9)
#define SVM_INTERCEPT_MONITOR (1u << 10)
#define SVM_INTERCEPT_MWAIT (1u << 11)
#define SVM_INTERCEPT_MWAIT_COND (1u << 12)
#define SVM_INTERCEPT_XSETBV (1u << 13)

/* Offset 060h: virtual interrupt control */
#define SVM_V_TPR_MASK 0xFFULL
#define SVM_V_IRQ (1ULL << 8)
#define SVM_V_INTR_PRIO_SHIFT 16
#define SVM_V_IGN_TPR (1ULL << 20)
#define SVM_V_INTR_MASKING (1ULL << 24)
#define SVM_V_INTR_VECTOR_SHIFT 32
/* Offset 068h */
#define SVM_INTERRUPT_SHADOW (1ULL << 0)
/* Offset 090h */
#define SVM_NP_ENABLE (1ULL << 0)
/* Offset 05Ch: TLB_CONTROL */
#define SVM_TLB_CONTROL_NONE 0
#define SVM_TLB_CONTROL_FLUSH_ALL 1
#define SVM_TLB_CONTROL_FLUSH_ASID 3

/* 15.20 "Event Injection": EVENTINJ and EXITINTINFO share a format */
#define SVM_EVTINJ_VECTOR_MASK 0xFFULL
#define SVM_EVTINJ_TYPE_SHIFT 8
#define SVM_EVTINJ_TYPE_INTR 0ULL
#define SVM_EVTINJ_TYPE_NMI 2ULL
#define SVM_EVTINJ_TYPE_EXCEPTION 3ULL
#define SVM_EVTINJ_TYPE_SOFT_INT 4ULL
#define SVM_EVTINJ_ERROR_VALID (1ULL << 11)
#define SVM_EVTINJ_VALID (1ULL << 31)
#define SVM_EVTINJ_ERROR_SHIFT 32

/* Appendix C: exit codes */
enum svm_exit_code {
	SVM_EXIT_CR0_READ = 0x000,  /* ..0x00F */
	SVM_EXIT_CR0_WRITE = 0x010, /* ..0x01F */
	SVM_EXIT_EXCEPTION_BASE = 0x040, /* + vector, ..0x05F */
	SVM_EXIT_INTR = 0x060,
	SVM_EXIT_NMI = 0x061,
	SVM_EXIT_SMI = 0x062,
	SVM_EXIT_INIT = 0x063,
	SVM_EXIT_VINTR = 0x064,
	SVM_EXIT_RDTSC = 0x06E,
	SVM_EXIT_RDPMC = 0x06F,
	SVM_EXIT_CPUID = 0x072,
	SVM_EXIT_RSM = 0x073,
	SVM_EXIT_IRET = 0x074,
	SVM_EXIT_INVD = 0x076,
	SVM_EXIT_HLT = 0x078,
	SVM_EXIT_INVLPGA = 0x07A,
	SVM_EXIT_IOIO = 0x07B,
	SVM_EXIT_MSR = 0x07C,
	SVM_EXIT_TASK_SWITCH = 0x07D,
	SVM_EXIT_SHUTDOWN = 0x07F,
	SVM_EXIT_VMRUN = 0x080,
	SVM_EXIT_VMMCALL = 0x081,
	SVM_EXIT_VMLOAD = 0x082,
	SVM_EXIT_VMSAVE = 0x083,
	SVM_EXIT_STGI = 0x084,
	SVM_EXIT_CLGI = 0x085,
	SVM_EXIT_SKINIT = 0x086,
	SVM_EXIT_RDTSCP = 0x087,
	SVM_EXIT_WBINVD = 0x089,
	SVM_EXIT_MONITOR = 0x08A,
	SVM_EXIT_MWAIT = 0x08B,
	SVM_EXIT_MWAIT_COND = 0x08C,
	SVM_EXIT_XSETBV = 0x08D,
	SVM_EXIT_NPF = 0x400,
	SVM_EXIT_INVALID = -1, /* VMRUN refused the VMCB */
};

/* EXITINFO1 of IOIO intercepts (15.10.2 "IN and OUT Behavior") */
#define SVM_IOIO_IN (1ULL << 0)
#define SVM_IOIO_STRING (1ULL << 2)
#define SVM_IOIO_REP (1ULL << 3)
#define SVM_IOIO_SIZE_SHIFT 4 /* one-hot: bit 4 = 8-bit, 5 = 16, 6 = 32 */
#define SVM_IOIO_PORT_SHIFT 16
/* EXITINFO1 of CR intercepts with decode assists (15.33.1) */
#define SVM_CR_GPR_VALID (1ULL << 63)
#define SVM_CR_GPR_MASK 0xFULL
/* EXITINFO1 of nested page faults (15.25.6 "Nested Page Fault Exit") */
#define SVM_NPF_PRESENT (1ULL << 0)
#define SVM_NPF_WRITE (1ULL << 1)
#define SVM_NPF_FETCH (1ULL << 4)
#define SVM_NPF_FINAL_TRANSLATION (1ULL << 32)

struct vmcb_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;
ASSERT_SIZE(struct vmcb_seg, 16);

struct vmcb_control {
	u32 intercept_cr;         /* 000h: reads in 15:0, writes in 31:16 */
	u32 intercept_dr;         /* 004h */
	u32 intercept_exceptions; /* 008h */
	u32 intercept_misc1;      /* 00Ch */
	u32 intercept_misc2;      /* 010h */
	u32 intercept_misc3;      /* 014h */
	u8 reserved1[0x03C - 0x018];
	u16 pause_filter_threshold;
	u16 pause_filter_count;
	u64 iopm_base_pa;         /* 040h */
	u64 msrpm_base_pa;        /* 048h */
	u64 tsc_offset;           /* 050h */
	u32 asid;                 /* 058h */
	u8 tlb_control;           /* 05Ch */
	u8 reserved2[3];
	u64 vintr;                /* 060h */
	u64 interrupt_shadow;     /* 068h */
	u64 exit_code;            /* 070h */
	u64 exit_info1;           /* 078h */
	u64 exit_info2;           /* 080h */
	u64 exit_int_info;        /* 088h */
	u64 np_enable;            /* 090h */
	u64 avic_apic_bar;        /* 098h */
	u64 ghcb_pa;              /* 0A0h */
	u64 event_inj;            /* 0A8h */
	u64 n_cr3;                /* 0B0h */
	u64 lbr_virt;             /* 0B8h */
	u32 clean_bits;           /* 0C0h */
	u32 reserved3;
	u64 next_rip;             /* 0C8h: nRIP (with NRIP save) */
	u8 insn_bytes_fetched;    /* 0D0h: with decode assists */
	u8 insn_bytes[15];
	u8 reserved4[0x400 - 0x0E0];
} __packed;
ASSERT_SIZE(struct vmcb_control, 0x400);
ASSERT_OFFSET(struct vmcb_control, iopm_base_pa, 0x040);
ASSERT_OFFSET(struct vmcb_control, asid, 0x058);
ASSERT_OFFSET(struct vmcb_control, vintr, 0x060);
ASSERT_OFFSET(struct vmcb_control, exit_code, 0x070);
ASSERT_OFFSET(struct vmcb_control, event_inj, 0x0A8);
ASSERT_OFFSET(struct vmcb_control, n_cr3, 0x0B0);
ASSERT_OFFSET(struct vmcb_control, next_rip, 0x0C8);

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 000h-09Fh */
	u8 reserved1[0x0CB - 0x0A0];
	u8 cpl;                   /* 0CBh */
	u32 reserved2;
	u64 efer;                 /* 0D0h */
	u8 reserved3[0x148 - 0x0D8];
	u64 cr4;                  /* 148h */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip;                  /* 178h */
	u8 reserved4[0x1D8 - 0x180];
	u64 rsp;                  /* 1D8h */
	u64 s_cet, ssp, isst_addr;
	u64 rax;                  /* 1F8h */
	u64 star, lstar, cstar, sfmask, kernel_gs_base; /* 200h-227h */
	u64 sysenter_cs, sysenter_esp, sysenter_eip;    /* 228h-23Fh */
	u64 cr2;                  /* 240h */
	u8 reserved5[0x268 - 0x248];
	u64 g_pat;                /* 268h */
	u64 dbgctl;
	u64 br_from, br_to, last_excp_from, last_excp_to;
} __packed;
ASSERT_OFFSET(struct vmcb_save, cpl, 0x0CB);
ASSERT_OFFSET(struct vmcb_save, efer, 0x0D0);
ASSERT_OFFSET(struct vmcb_save, cr4, 0x148);
ASSERT_OFFSET(struct vmcb_save, rip, 0x178);
ASSERT_OFFSET(struct vmcb_save, rsp, 0x1D8);
ASSERT_OFFSET(struct vmcb_save, rax, 0x1F8);
ASSERT_OFFSET(struct vmcb_save, cr2, 0x240);
ASSERT_OFFSET(struct vmcb_save, g_pat, 0x268);

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
	u8 reserved[4096 - 0x400 - sizeof(struct vmcb_save)];
} __packed;
ASSERT_SIZE(struct vmcb, 4096);

#endif
