/*
 * Architectural control-register, EFER and RFLAGS bits, usable from assembly
 * and C. SDM = Intel 64 and IA-32 Architectures Software Developer's Manual.
 */
#ifndef UNDERSTUDY_ARCH_X86_REGS_H
#define UNDERSTUDY_ARCH_X86_REGS_H

/* SDM Vol 3, 2.5 "Control Registers" */
#define CR0_PE (1 << 0)  /* protection enable */
#define CR0_MP (1 << 1)  /* monitor coprocessor */
#define CR0_EM (1 << 2)  /* x87 emulation */
#define CR0_TS (1 << 3)  /* task switched */
#define CR0_ET (1 << 4)  /* extension type */
#define CR0_NE (1 << 5)  /* numeric error */
#define CR0_WP (1 << 16) /* write protect */
#define CR0_AM (1 << 18) /* alignment mask */
#define CR0_NW (1 << 29) /* not write-through */
#define CR0_CD (1 << 30) /* cache disable */
#define CR0_PG (1 << 31) /* paging */

#define CR4_VME (1 << 0)         /* virtual-8086 mode extensions */
#define CR4_PVI (1 << 1)         /* protected-mode virtual interrupts */
#define CR4_TSD (1 << 2)         /* time stamp disable */
#define CR4_DE (1 << 3)          /* debugging extensions */
#define CR4_PSE (1 << 4)         /* page size extensions */
#define CR4_PAE (1 << 5)         /* physical address extension */
#define CR4_MCE (1 << 6)         /* machine-check enable */
#define CR4_PGE (1 << 7)         /* page global enable */
#define CR4_PCE (1 << 8)         /* performance-monitoring counter enable */
#define CR4_OSFXSR (1 << 9)      /* FXSAVE/FXRSTOR support */
#define CR4_OSXMMEXCPT (1 << 10) /* unmasked SIMD FP exceptions */
#define CR4_UMIP (1 << 11)       /* user-mode instruction prevention */
#define CR4_VMXE (1 << 13)       /* VMX enable */
#define CR4_SMXE (1 << 14)       /* SMX enable */
#define CR4_FSGSBASE (1 << 16)   /* RDFSBASE etc. */
#define CR4_PCIDE (1 << 17)      /* PCID enable */
#define CR4_OSXSAVE (1 << 18)    /* XSAVE and processor extended states */
#define CR4_SMEP (1 << 20)       /* supervisor-mode execution prevention */
#define CR4_SMAP (1 << 21)       /* supervisor-mode access prevention */

/* SDM Vol 3, 2.2.1 "Extended Feature Enable Register" */
#define MSR_EFER 0xC0000080
#define EFER_SCE (1 << 0)    /* SYSCALL enable */
#define EFER_LME (1 << 8)    /* long mode enable */
#define EFER_LMA (1 << 10)   /* long mode active */
#define EFER_NXE (1 << 11)   /* execute-disable enable */
#define EFER_SVME (1 << 12)  /* AMD APM Vol 2, 15.4 "Enabling SVM" */

/* SDM Vol 1, 3.4.3 "EFLAGS Register" */
#define RFLAGS_CF (1 << 0)
#define RFLAGS_FIXED (1 << 1) /* always 1 */
#define RFLAGS_PF (1 << 2)
#define RFLAGS_ZF (1 << 6)
#define RFLAGS_TF (1 << 8)
#define RFLAGS_IF (1 << 9)
#define RFLAGS_DF (1 << 10)
#define RFLAGS_IOPL (3 << 12)
#define RFLAGS_VM (1 << 17)
#define RFLAGS_AC (1 << 18)
#define RFLAGS_ID (1 << 21)

/* SDM Vol 3, 4.5 "4-Level Paging": page-table entry bits */
#define PTE_P (1 << 0)    /* present */
#define PTE_W (1 << 1)    /* writable */
#define PTE_U (1 << 2)    /* user */
#define PTE_PWT (1 << 3)  /* page-level write-through */
#define PTE_PCD (1 << 4)  /* page-level cache disable */
#define PTE_A (1 << 5)    /* accessed */
#define PTE_D (1 << 6)    /* dirty */
#define PTE_PS (1 << 7)   /* page size (2M in PD, 1G in PDPT) */
#define PTE_G (1 << 8)    /* global */
#define PTE_NX (1ULL << 63) /* execute disable (EFER.NXE) */

#endif
