/*
 * The ACPI fixed-hardware registers behind Understudy's FADT (ACPI 6.4,
 * 4.8 "ACPI Hardware Model" fixed hardware): the PM1a event block (PM1
 * status and enable), the PM1a control block, where writing SLP_TYP = S5
 * with SLP_EN ends the run (soft off), and the 24-bit power-management
 * timer at 3.579545 MHz, which counts guest time (read through the guest
 * clock, so it replays). Nothing here raises an SCI: no status bit is ever
 * set. Pure code (host-tested); all state lives in struct vacpi_pm.
 */
#ifndef UNDERSTUDY_HV_VDEV_ACPI_PM_H
#define UNDERSTUDY_HV_VDEV_ACPI_PM_H

#include "compiler.h"
#include "hv/io_bus.h"
#include "hv/vdev/vdev.h"
#include "types.h"

/* Port layout from the base (the FADT's PM1a_EVT_BLK), as on QEMU's q35
 * (ICH9 LPC ACPI block at 0x600). */
#define VACPI_PM_BASE 0x600
#define VACPI_PM1_STS 0x0        /* 4.8.3.1.1 "PM1 Status Registers" (16 bits) */
#define VACPI_PM1_EN 0x2         /* 4.8.3.1.2 "PM1Enable Registers" (16 bits) */
#define VACPI_PM1_EVT_LEN 4
#define VACPI_PM1_CNT 0x4        /* 4.8.3.2.1 "PM1 Control Registers" (16 bits) */
#define VACPI_PM1_CNT_LEN 2
#define VACPI_PM_TMR 0x8         /* 4.8.3.3 "Power Management Timer (PM_TMR)" (32 bits) */
#define VACPI_PM_TMR_LEN 4

/* Table 4.16 "PM1 Control Registers Fixed Hardware Feature Control Bits" */
#define VACPI_CNT_SCI_EN BIT(0)  /* always 1: no SMI_CMD, the machine is always in ACPI mode */
#define VACPI_CNT_SLP_TYP_SHIFT 10
#define VACPI_CNT_SLP_TYP_MASK (0x7u << VACPI_CNT_SLP_TYP_SHIFT)
#define VACPI_CNT_SLP_EN BIT(13) /* write-only: enter the sleep state SLP_TYP */
#define VACPI_CNT_STORED 0x1C02 /* BM_RLD and SLP_TYP read back as written; GBL_RLS, SLP_EN read 0 */
/* Table 4.14 "PM1 Enable Registers Fixed Hardware Feature Enable Bits" */
#define VACPI_EN_WRITABLE 0x4721 /* TMR_EN, GBL_EN, PWRBTN_EN, SLPBTN_EN, RTC_EN, PCIEXP_WAKE_DIS */

#define VACPI_S5_SLP_TYP 5       /* the SLP_TYP the DSDT's \_S5 package names */
#define VACPI_PM_TIMER_HZ 3579545ULL /* 4.8.3.3: 3.579545 MHz */
#define VACPI_PM_TIMER_MASK 0xFFFFFFu /* 24 bits (FADT TMR_VAL_EXT clear) */

typedef void (*vacpi_soft_off_fn)(void *ctx);

struct vacpi_pm_stats {
	u64 timer_reads;
	u64 sleep_requests;     /* SLP_EN writes, S5 or not */
	u64 unsupported_sleeps; /* SLP_EN with a SLP_TYP other than S5: ignored */
};

struct vacpi_pm {
	struct vclock clock;
	u16 pm1_en;
	u16 pm1_cnt;            /* the stored bits (SCI_EN is added on reads) */
	bool off;               /* S5 entered */
	vacpi_soft_off_fn on_soft_off;
	void *ctx;
	struct vacpi_pm_stats stats;
};

/* on_soft_off(ctx) is called once when the guest enters S5; may be NULL. */
void vacpi_pm_init(struct vacpi_pm *pm, struct vclock clock, vacpi_soft_off_fn on_soft_off,
		   void *ctx);

/* Claims the PM1 event and control blocks at base and the timer at base +
 * VACPI_PM_TMR (two ranges: the timer's reads are timed and logged). */
int vacpi_pm_attach(struct vacpi_pm *pm, struct io_bus *bus, u16 base);

/* The PM timer's value at guest time ns. */
u32 vacpi_pm_timer_at(u64 ns);

/* The model's state in a snapshot (hv/vdev/acpi_pm_state.c, hv/vdev/vdev_state.h):
 * bytes written (buf NULL: the size; 0: cap too small), and loaded back (0,
 * or -EBADMSG with the model unchanged). */
size_t vacpi_pm_state_save(const struct vacpi_pm *d, u8 *buf, size_t cap);
int vacpi_pm_state_load(struct vacpi_pm *d, const u8 *in, size_t len);

#endif
