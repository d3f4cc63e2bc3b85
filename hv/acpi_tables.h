/*
 * The ACPI tables Understudy generates for its guest (ACPI Specification
 * 6.4): RSDP, RSDT and XSDT, FADT with the PM timer and PM1 blocks, FACS,
 * a DSDT whose only object is the \_S5 sleep package, and a MADT with one
 * local APIC, one IOAPIC and the PC's interrupt source overrides. Pure code:
 * the tables are built into a buffer standing for guest memory at a given
 * guest-physical address, every checksum set. The devices they describe are
 * hv/vdev/acpi_pm.c (PM timer, PM1 registers) and the interrupt
 * controllers of hv/vm_devices.c.
 */
#ifndef UNDERSTUDY_HV_ACPI_TABLES_H
#define UNDERSTUDY_HV_ACPI_TABLES_H

#include "arch/x86/acpi.h"
#include "compiler.h"
#include "types.h"

/* 5.2.3.2 "Generic Address Structure (GAS)" */
struct acpi_gas {
	u8 space_id;      /* 1: system I/O */
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;   /* 1 byte, 2 word, 3 dword */
	u64 address;
} __packed;
ASSERT_SIZE(struct acpi_gas, 12);
#define ACPI_GAS_SYSTEM_IO 1
#define ACPI_GAS_ACCESS_WORD 2
#define ACPI_GAS_ACCESS_DWORD 3

/* 5.2.9 "Fixed ACPI Description Table (FADT)", Table 5.9 */
struct acpi_fadt {
	struct acpi_sdt_header hdr;   /* "FACP" */
	u32 firmware_ctrl;
	u32 dsdt;
	u8 reserved0;
	u8 preferred_pm_profile;
	u16 sci_int;
	u32 smi_cmd;
	u8 acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	u32 pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk, pm2_cnt_blk, pm_tmr_blk;
	u32 gpe0_blk, gpe1_blk;
	u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len, gpe0_blk_len, gpe1_blk_len;
	u8 gpe1_base, cst_cnt;
	u16 p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
	u16 iapc_boot_arch;
	u8 reserved1;
	u32 flags;
	struct acpi_gas reset_reg;
	u8 reset_value;
	u16 arm_boot_arch;
	u8 minor_version;
	u64 x_firmware_ctrl;
	u64 x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	u64 hypervisor_vendor_id;
} __packed;
ASSERT_SIZE(struct acpi_fadt, 276);
ASSERT_OFFSET(struct acpi_fadt, sci_int, 46);
ASSERT_OFFSET(struct acpi_fadt, pm_tmr_blk, 76);
ASSERT_OFFSET(struct acpi_fadt, pm1_evt_len, 88);
ASSERT_OFFSET(struct acpi_fadt, iapc_boot_arch, 109);
ASSERT_OFFSET(struct acpi_fadt, flags, 112);
ASSERT_OFFSET(struct acpi_fadt, minor_version, 131);
ASSERT_OFFSET(struct acpi_fadt, x_dsdt, 140);
ASSERT_OFFSET(struct acpi_fadt, x_pm1a_evt_blk, 148);
ASSERT_OFFSET(struct acpi_fadt, x_pm_tmr_blk, 208);
ASSERT_OFFSET(struct acpi_fadt, hypervisor_vendor_id, 268);

/* Table 5.10 "Fixed ACPI Description Table Fixed Feature Flags" */
#define ACPI_FADT_WBINVD BIT(0)
#define ACPI_FADT_PROC_C1 BIT(2)
#define ACPI_FADT_PWR_BUTTON BIT(4) /* no fixed-feature power button */
#define ACPI_FADT_SLP_BUTTON BIT(5) /* no fixed-feature sleep button */
/* Table 5.11 "Fixed ACPI Description Table Boot IA-PC Boot Architecture Flags" */
#define ACPI_IAPC_LEGACY_DEVICES BIT(0)
#define ACPI_IAPC_VGA_NOT_PRESENT BIT(2)
#define ACPI_IAPC_MSI_NOT_SUPPORTED BIT(3)
#define ACPI_FADT_P_LVL2_NONE 101   /* > 100: C2 not supported */
#define ACPI_FADT_P_LVL3_NONE 1001  /* > 1000: C3 not supported */

/* 5.2.10 "Firmware ACPI Control Structure (FACS)", Table 5.14 */
struct acpi_facs {
	char signature[4];            /* "FACS" */
	u32 length;                   /* 64 */
	u32 hardware_signature;
	u32 firmware_waking_vector;
	u32 global_lock;
	u32 flags;
	u64 x_firmware_waking_vector;
	u8 version;                   /* 2 */
	u8 reserved0[3];
	u32 ospm_flags;
	u8 reserved1[24];
} __packed;
ASSERT_SIZE(struct acpi_facs, 64);
#define ACPI_FACS_ALIGN 64

/* 5.2.12 "Multiple APIC Description Table (MADT)" */
struct acpi_madt {
	struct acpi_sdt_header hdr;   /* "APIC" */
	u32 lapic_address;
	u32 flags;                    /* PCAT_COMPAT: 8259s present */
} __packed;
ASSERT_SIZE(struct acpi_madt, 44);
#define ACPI_MADT_PCAT_COMPAT BIT(0)

/* 5.2.12.2 "Processor Local APIC Structure" */
struct acpi_madt_lapic {
	u8 type, length;              /* 0, 8 */
	u8 processor_uid, apic_id;
	u32 flags;                    /* bit 0: enabled */
} __packed;
ASSERT_SIZE(struct acpi_madt_lapic, 8);

/* 5.2.12.3 "I/O APIC Structure" */
struct acpi_madt_ioapic {
	u8 type, length;              /* 1, 12 */
	u8 ioapic_id, reserved;
	u32 address;
	u32 gsi_base;
} __packed;
ASSERT_SIZE(struct acpi_madt_ioapic, 12);

/* 5.2.12.5 "Interrupt Source Override Structure" */
struct acpi_madt_iso {
	u8 type, length;              /* 2, 10 */
	u8 bus, source;               /* bus 0: ISA */
	u32 gsi;
	u16 flags;                    /* MPS INTI flags, Table 5.26 */
} __packed;
ASSERT_SIZE(struct acpi_madt_iso, 10);

/* 5.2.12.7 "Local APIC NMI Structure" */
struct acpi_madt_lapic_nmi {
	u8 type, length;              /* 4, 6 */
	u8 processor_uid;             /* 0xFF: all processors */
	u16 flags;
	u8 lint;
} __packed;
ASSERT_SIZE(struct acpi_madt_lapic_nmi, 6);

#define ACPI_MADT_TYPE_LAPIC 0
#define ACPI_MADT_TYPE_IOAPIC 1
#define ACPI_MADT_TYPE_ISO 2
#define ACPI_MADT_TYPE_LAPIC_NMI 4
#define ACPI_MADT_LAPIC_ENABLED BIT(0)
#define ACPI_MADT_ALL_PROCESSORS 0xFF
/* Table 5.26 "MPS INTI Flags": polarity bits 1:0, trigger mode bits 3:2 */
#define ACPI_INTI_CONFORMS 0x0
#define ACPI_INTI_ACTIVE_HIGH 0x1
#define ACPI_INTI_LEVEL (0x3 << 2)

/* What the tables describe. */
struct acpi_platform {
	u32 lapic_address;    /* 0xFEE00000 */
	u8 lapic_id;
	u32 ioapic_address;   /* 0xFEC00000 */
	u8 ioapic_id;
	u16 pm_base;          /* PM1a event block; control at +4, timer at +8 */
	u8 sci_irq;           /* ISA IRQ of the SCI */
	u8 s5_slp_typ;        /* SLP_TYP the \_S5 package gives */
	/* A PCI root bridge in the DSDT (hv/acpi_pci.h) routing one device's
	 * INTA# (0: none, the tables as before): its slot and GSI. */
	u8 pci_intx_slot, pci_intx_irq;
};

/* The tables' extent: they fit in this many bytes. */
#define ACPI_TABLES_SIZE 0x400

/*
 * Builds every table into buf, which stands for guest-physical
 * [gpa, gpa + size); gpa must be 16-byte aligned (the RSDP goes first, where
 * the BIOS-area scan finds it). Returns 0 with *rsdp_gpa, or -ENOSPC.
 */
int acpi_tables_build(u8 *buf, u64 gpa, u64 size, const struct acpi_platform *pf,
		      u64 *rsdp_gpa);

#endif
