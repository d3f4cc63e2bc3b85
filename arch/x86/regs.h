/*
 * Architectural constants of x86-64: control registers, EFER, RFLAGS, the
 * debug registers and the paging structures, usable from assembly and C
 * (in C every bit is 64 bits wide, so ~BIT clears only that bit of a u64).
 * SDM = Intel 64 and IA-32 Architectures Software Developer's Manual;
 * APM = AMD64 Architecture Programmer's Manual.
 */
#ifndef UNDERSTUDY_ARCH_X86_REGS_H
#define UNDERSTUDY_ARCH_X86_REGS_H

#ifdef __ASSEMBLER__
#define X86_BIT(n) (1 << (n))
#define X86_C(x) x
#else
#define X86_BIT(n) (1ULL << (n))
#define X86_C(x) x##ULL
#endif

/* SDM Vol 3, 2.5 "Control Registers" */
#define CR0_PE X86_BIT(0)  /* protection enable */
#define CR0_MP X86_BIT(1)  /* monitor coprocessor */
#define CR0_EM X86_BIT(2)  /* x87 emulation */
#define CR0_TS X86_BIT(3)  /* task switched */
#define CR0_ET X86_BIT(4)  /* extension type */
#define CR0_NE X86_BIT(5)  /* numeric error */
#define CR0_WP X86_BIT(16) /* write protect: supervisor writes honour R/W */
#define CR0_AM X86_BIT(18) /* alignment mask */
#define CR0_NW X86_BIT(29) /* not write-through */
#define CR0_CD X86_BIT(30) /* cache disable */
#define CR0_PG X86_BIT(31) /* paging */

#define CR4_VME X86_BIT(0)         /* virtual-8086 mode extensions */
#define CR4_PVI X86_BIT(1)         /* protected-mode virtual interrupts */
#define CR4_TSD X86_BIT(2)         /* time stamp disable */
#define CR4_DE X86_BIT(3)          /* debugging extensions */
#define CR4_PSE X86_BIT(4)         /* page size extensions: 4-MiB pages in 32-bit paging */
#define CR4_PAE X86_BIT(5)         /* physical address extension */
#define CR4_MCE X86_BIT(6)         /* machine-check enable */
#define CR4_PGE X86_BIT(7)         /* page global enable */
#define CR4_PCE X86_BIT(8)         /* performance-monitoring counter enable */
#define CR4_OSFXSR X86_BIT(9)      /* FXSAVE/FXRSTOR support */
#define CR4_OSXMMEXCPT X86_BIT(10) /* unmasked SIMD FP exceptions */
#define CR4_UMIP X86_BIT(11)       /* user-mode instruction prevention */
#define CR4_LA57 X86_BIT(12)       /* 5-level paging */
#define CR4_VMXE X86_BIT(13)       /* VMX enable */
#define CR4_SMXE X86_BIT(14)       /* SMX enable */
#define CR4_FSGSBASE X86_BIT(16)   /* RDFSBASE etc. */
#define CR4_PCIDE X86_BIT(17)      /* PCID enable */
#define CR4_OSXSAVE X86_BIT(18)    /* XSAVE and processor extended states */
#define CR4_SMEP X86_BIT(20)       /* supervisor-mode execution prevention */
#define CR4_SMAP X86_BIT(21)       /* supervisor-mode access prevention */
#define CR4_PKE X86_BIT(22)        /* protection keys for user-mode pages */

/* SDM Vol 3, 2.2.1 "Extended Feature Enable Register" */
#define MSR_EFER 0xC0000080
#define EFER_SCE X86_BIT(0)   /* SYSCALL enable */
#define EFER_LME X86_BIT(8)   /* long mode enable */
#define EFER_LMA X86_BIT(10)  /* long mode active */
#define EFER_NXE X86_BIT(11)  /* execute-disable bit in PAE/4-level entries */
#define EFER_SVME X86_BIT(12) /* APM Vol 2, 15.4 "Enabling SVM" */

/* SDM Vol 1, 3.4.3 "EFLAGS Register" */
#define RFLAGS_CF X86_BIT(0)
#define RFLAGS_FIXED X86_BIT(1) /* always 1 */
#define RFLAGS_PF X86_BIT(2)
#define RFLAGS_AF X86_BIT(4)
#define RFLAGS_ZF X86_BIT(6)
#define RFLAGS_SF X86_BIT(7)
#define RFLAGS_TF X86_BIT(8)    /* trap flag: single-step */
#define RFLAGS_IF X86_BIT(9)
#define RFLAGS_DF X86_BIT(10)
#define RFLAGS_OF X86_BIT(11)
#define RFLAGS_IOPL (X86_C(3) << 12)
#define RFLAGS_RF X86_BIT(16)   /* resume flag: no instruction breakpoint on the next one */
#define RFLAGS_VM X86_BIT(17)
#define RFLAGS_AC X86_BIT(18)
#define RFLAGS_ID X86_BIT(21)
/* The status flags arithmetic instructions set or clear */
#define RFLAGS_ARITH (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF)

/* SDM Vol 3, 18.2.3 "Debug Status Register (DR6)" */
#define DR6_B0 X86_BIT(0)            /* breakpoint 0 condition met */
#define DR6_BREAKPOINTS X86_C(0xF)          /* B0-B3 */
#define DR6_BD X86_BIT(13)           /* debug register access detected */
#define DR6_BS X86_BIT(14)           /* single-step trap */
#define DR6_BT X86_BIT(15)           /* task switch */
#define DR6_RESET X86_C(0xFFFF0FF0)         /* the value DR6 holds with no condition recorded */

/* SDM Vol 3, 18.2.4 "Debug Control Register (DR7)" */
#define DR7_L0 X86_BIT(0)            /* local enable of breakpoint 0 */
#define DR7_RESERVED_ONE X86_BIT(10) /* reads as 1 */
#define DR7_RW0_LEN0_MASK (X86_C(0xF) << 16) /* R/W0 and LEN0; 0: execute, 1 byte */
#define DR7_RESET DR7_RESERVED_ONE   /* no breakpoint enabled */

/* SDM Vol 3, 4.3 "32-Bit Paging" (Tables 4-5, 4-6), 4.4 "PAE Paging"
 * (Table 4-8 ff.), 4.5 "4-Level Paging and 5-Level Paging" (Table 4-14
 * ff.): paging-structure entry bits */
#define PTE_P X86_BIT(0)    /* present */
#define PTE_W X86_BIT(1)    /* writable */
#define PTE_U X86_BIT(2)    /* user */
#define PTE_PWT X86_BIT(3)  /* page-level write-through */
#define PTE_PCD X86_BIT(4)  /* page-level cache disable */
#define PTE_A X86_BIT(5)    /* accessed */
#define PTE_D X86_BIT(6)    /* dirty */
#define PTE_PS X86_BIT(7)   /* page size: maps a page (4M/2M/1G), not a table */
#define PTE_G X86_BIT(8)    /* global */
#define PTE_NX X86_BIT(63)  /* execute disable (EFER.NXE) */

/* Their formats */
#define PAGE_SHIFT_4K 12
#define PAGE_SIZE_4K X86_BIT(12)
#define PAGE_SIZE_4M X86_BIT(22)
#define PAGE_SIZE_2M X86_BIT(21)
#define PAGE_SIZE_1G X86_BIT(30)
#define PTE_ADDR_MASK X86_C(0x000FFFFFFFFFF000) /* address bits 51:12 of a 4-level entry */
#define PT_ADDR_BITS_MAX 52       /* entries hold address bits 51:12 at most */
#define PT_L32_ENTRY_SIZE 4       /* 32-bit paging: 1024 4-byte entries a table */
#define PT_L32_ENTRIES 1024
#define PT_L32_INDEX_MASK X86_C(0x3FF)
#define PT_L32_PDE_SHIFT 22
#define PT_L32_ADDR_MASK X86_C(0xFFFFF000)      /* bits 31:12 of CR3, a PDE, a PTE */
#define PT_L32_4M_ADDR_MASK X86_C(0xFFC00000)   /* bits 31:22 of a 4-MiB PDE */
#define PT_L32_PSE36_SHIFT 13     /* PDE bits (M-20):13 = address bits (M-1):32 */
#define PT_L32_PSE36_MAX_BITS 40  /* M is capped at 40 for PSE-36 */
#define PT_L32_4M_RSVD_TOP 21     /* 4-MiB PDE bits 21:(M-19) are reserved */
#define PT_L64_ENTRY_SIZE 8       /* PAE and 4/5-level: 512 8-byte entries a table */
#define PT_L64_ENTRIES 512
#define PT_L64_INDEX_BITS 9
#define PT_L64_INDEX_MASK X86_C(0x1FF)
#define PT_PAE_CR3_MASK X86_C(0xFFFFFFE0) /* the PDPT is 32-byte aligned */
#define PT_PAE_PDPT_SHIFT 30
#define PT_PAE_PDPTES 4
#define PT_PAE_PDPTE_RSVD (X86_BIT(1) | X86_BIT(2) | X86_BIT(5) | X86_BIT(6) | X86_BIT(7) | \
			   X86_BIT(8)) /* Table 4-8 */
#define PT_PAE_RSVD_TOP 62        /* PAE PDE/PTE: bits 62:M are reserved */
#define PT_LONG_RSVD_TOP 51       /* 4-level entries: bits 51:M are reserved */
#define PT_LARGE_RSVD_LOW 13      /* 2M/1G pages: bits from 13 up to the page size */
#define PT_CANONICAL_BITS_4LEVEL 48
#define PT_CANONICAL_BITS_5LEVEL 57

#endif
