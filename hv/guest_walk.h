/*
 * The guest's page-table walker: translates a guest-linear address to a
 * guest-physical one as the CPU would, from the guest's CR0/CR3/CR4/EFER and
 * its page tables in guest memory, read through a callback. The walker only
 * reads: it never sets accessed or dirty bits, since the hypervisor walks on
 * the guest's behalf (instruction fetch for MMIO decode), not as the guest.
 * It also reports every paging-structure page it read, so the hypervisor can
 * write-protect those pages (record/replay's "T bit").
 *
 * Intel SDM Vol 3A: 4.1 "Paging Modes and Control Bits", 4.3 "32-Bit
 * Paging", 4.4 "PAE Paging", 4.5 "4-Level Paging and 5-Level Paging", 4.6
 * "Access Rights", 4.7 "Page-Fault Exceptions". Pure code: the tables are
 * guest-controlled, so the host fuzzes it.
 */
#ifndef UNDERSTUDY_HV_GUEST_WALK_H
#define UNDERSTUDY_HV_GUEST_WALK_H

#include "types.h"

/*
 * Reads len bytes of guest-physical memory at gpa into dst; returns 0, or a
 * negative errno when [gpa, gpa+len) is not guest RAM. The walker reads
 * 4- or 8-byte naturally aligned entries; gw_read_linear reads chunks that
 * never cross a 4 KiB boundary.
 */
typedef int (*gw_read_fn)(void *ctx, u64 gpa, void *dst, size_t len);

/* The guest state a walk depends on. */
struct gw_cpu {
	u64 cr0, cr3, cr4, efer;
	u8 phys_bits; /* MAXPHYADDR (CPUID 80000008h EAX[7:0]), 32..52 */
	gw_read_fn read;
	void *ctx;
};

/* The access being checked (4.6 "Access Rights"); combine with |. */
#define GW_ACCESS_READ 0           /* data read */
#define GW_ACCESS_WRITE (1u << 0)  /* data write */
#define GW_ACCESS_USER (1u << 1)   /* at CPL 3 (else supervisor) */
#define GW_ACCESS_FETCH (1u << 2)  /* instruction fetch */
#define GW_ACCESS_AC (1u << 3)     /* RFLAGS.AC=1: SMAP lets explicit accesses through */

/* 4.1.1 "Four Paging Modes" (plus paging disabled) */
enum gw_mode {
	GW_MODE_NONE,   /* CR0.PG=0: linear = physical */
	GW_MODE_32BIT,  /* 4.3 */
	GW_MODE_PAE,    /* 4.4 */
	GW_MODE_4LEVEL, /* 4.5, CR4.LA57=0 */
	GW_MODE_5LEVEL, /* 4.5, CR4.LA57=1 */
};

enum gw_fault {
	GW_OK,
	GW_NOT_PRESENT,   /* #PF, P=0 in some entry */
	GW_RESERVED,      /* #PF with RSVD: a reserved bit is set */
	GW_PROTECTION,    /* #PF: the rights do not allow the access */
	GW_NONCANONICAL,  /* #GP: not a canonical address (4-/5-level) */
	GW_UNREADABLE,    /* a paging structure (or gw_read_linear data) is not guest RAM */
};

/* #PF error code bits (4.7 "Page-Fault Exceptions") */
#define GW_PF_PRESENT (1u << 0)
#define GW_PF_WRITE (1u << 1)
#define GW_PF_USER (1u << 2)
#define GW_PF_RSVD (1u << 3)
#define GW_PF_FETCH (1u << 4)

/* Two full 5-level walks: enough for gw_read_linear's usual 2-page reads. */
#define GW_MAX_TABLES 10

struct gw_result {
	enum gw_mode mode;
	u64 gpa;          /* the translation (valid on success and GW_PROTECTION) */
	u64 page_size;    /* 4 KiB, 2 MiB, 4 MiB or 1 GiB; 4 KiB with paging off */
	bool writable;    /* effective rights, all levels combined (4.6) */
	bool user;
	bool executable;
	enum gw_fault fault;
	u8 fault_level;   /* faulting entry: 1 = PTE .. 5 = PML5E; 0 for rights */
	u32 error_code;   /* #PF error code for GW_NOT_PRESENT/RESERVED/PROTECTION */
	/* 4 KiB-aligned GPAs of the paging-structure pages read, in walk order,
	 * without repeats; tables_overflow when more did not fit. */
	u64 tables[GW_MAX_TABLES];
	unsigned table_count;
	bool tables_overflow;
};

/*
 * Translates la for the access (GW_ACCESS_*). Outside 4-/5-level paging the
 * linear address is 32 bits wide, so la is truncated (as the CPU wraps at
 * 4 GiB). PAE PDPTEs are read from memory at CR3 (the CPU caches them at
 * CR3 load; the hypervisor may pass the VMCS's copies instead by walking
 * from a CR3 that points at them). 1-GiB pages are assumed supported.
 * Returns 0 with res filled; -EFAULT for a fault the guest would see
 * (res->fault: not present, reserved, protection, non-canonical); the read
 * callback's error with res->fault = GW_UNREADABLE; -EINVAL for a bad
 * phys_bits or a missing callback.
 */
int gw_translate(const struct gw_cpu *cpu, u64 la, u32 access, struct gw_result *res);

/*
 * Reads len bytes at guest-linear la into buf, translating page by page (as
 * for fetching an instruction that may straddle a page). Stops at the first
 * failing translation or read: *done is how many bytes were read, the
 * return value and res->fault as for gw_translate. res->tables collects the
 * paging-structure pages of every page's walk; the other fields of res are
 * those of the last walk.
 */
int gw_read_linear(const struct gw_cpu *cpu, u64 la, void *buf, size_t len, u32 access,
		   size_t *done, struct gw_result *res);

/* What cpu's control registers select. */
enum gw_mode gw_paging_mode(const struct gw_cpu *cpu);

#endif
