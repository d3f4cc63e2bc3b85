/*
 * ACPI PM1 registers and PM timer (see acpi_pm.h). ACPI 6.4: 4.8.3.1
 * "PM1 Event Grouping" (status bits are write-1-to-clear; none is ever set
 * here), 4.8.3.2 "PM1 Control Grouping" (SLP_TYP/SLP_EN, 7.4.2 "\_Sx
 * (System States)" for the S5 value), 4.8.3.3 "Power Management Timer
 * (PM_TMR)" (a free-running 24-bit counter at 3.579545 MHz).
 *
 * Accesses of any width at any offset are served a byte at a time from the
 * registers' little-endian images, so a 16-bit write of PM1 control and
 * two 8-bit writes of its halves end the same way.
 */
#include "hv/vdev/acpi_pm.h"

#include <string.h>

#include "compiler.h"

#define NS_PER_S 1000000000ULL
#define PM1_BLOCK_LEN (VACPI_PM1_EVT_LEN + VACPI_PM1_CNT_LEN)
#define BYTE_BITS 8
#define BYTE_MASK 0xFFu

void vacpi_pm_init(struct vacpi_pm *pm, struct vclock clock, vacpi_soft_off_fn on_soft_off,
		   void *ctx)
{
	memset(pm, 0, sizeof(*pm));
	pm->clock = clock;
	pm->on_soft_off = on_soft_off;
	pm->ctx = ctx;
}

/* ticks = ns * 3579545 / 10^9, split so nothing overflows 64 bits. */
u32 vacpi_pm_timer_at(u64 ns)
{
	u64 ticks = (ns / NS_PER_S) * VACPI_PM_TIMER_HZ +
		    (ns % NS_PER_S) * VACPI_PM_TIMER_HZ / NS_PER_S;

	return (u32)(ticks & VACPI_PM_TIMER_MASK);
}

/* The PM1 block as the guest reads it: status 0, enable, control. */
static u16 pm1_reg(const struct vacpi_pm *pm, u64 reg)
{
	if (reg == VACPI_PM1_EN)
		return pm->pm1_en;
	if (reg == VACPI_PM1_CNT)
		return pm->pm1_cnt | VACPI_CNT_SCI_EN;
	return 0; /* PM1_STS: no event ever happens */
}

static u64 pm1_read(void *dev, u64 offset, u8 size)
{
	const struct vacpi_pm *pm = dev;
	u64 value = 0;

	for (u8 i = 0; i < size && offset + i < PM1_BLOCK_LEN; i++) {
		u64 byte = offset + i, reg = byte & ~1ULL;

		value |= (u64)((pm1_reg(pm, reg) >> ((byte - reg) * BYTE_BITS)) & BYTE_MASK)
			 << (i * BYTE_BITS);
	}
	return value;
}

/* A write of PM1 control: the stored bits, and SLP_EN acting on SLP_TYP. */
static void cnt_write(struct vacpi_pm *pm, u16 value)
{
	u16 typ = (value & VACPI_CNT_SLP_TYP_MASK) >> VACPI_CNT_SLP_TYP_SHIFT;

	pm->pm1_cnt = value & VACPI_CNT_STORED;
	if (!(value & VACPI_CNT_SLP_EN))
		return;
	pm->stats.sleep_requests++;
	if (typ != VACPI_S5_SLP_TYP) {
		pm->stats.unsupported_sleeps++;
		return;
	}
	if (!pm->off && pm->on_soft_off)
		pm->on_soft_off(pm->ctx);
	pm->off = true;
}

/* Applies new bytes of the 16-bit register at reg (mask: which bytes). */
static void pm1_write_reg(struct vacpi_pm *pm, u64 reg, u16 bytes, u16 mask)
{
	u16 value = (u16)((pm1_reg(pm, reg) & ~mask) | (bytes & mask));

	if (reg == VACPI_PM1_EN)
		pm->pm1_en = value & VACPI_EN_WRITABLE;
	else if (reg == VACPI_PM1_CNT && (mask & ~BYTE_MASK))
		cnt_write(pm, value);          /* the byte holding SLP_TYP/SLP_EN */
	else if (reg == VACPI_PM1_CNT)
		pm->pm1_cnt = (pm->pm1_cnt & ~BYTE_MASK) | (value & BYTE_MASK & VACPI_CNT_STORED);
	/* PM1_STS: write-1-to-clear of bits that are never set */
}

static void pm1_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vacpi_pm *pm = dev;

	for (u64 reg = offset & ~1ULL; reg < offset + size && reg < PM1_BLOCK_LEN; reg += 2) {
		u16 bytes = 0, mask = 0;

		for (u64 b = reg; b < reg + 2; b++) {
			if (b < offset || b >= offset + size)
				continue;
			bytes |= (u16)(((value >> ((b - offset) * BYTE_BITS)) & BYTE_MASK)
				       << ((b - reg) * BYTE_BITS));
			mask |= (u16)(BYTE_MASK << ((b - reg) * BYTE_BITS));
		}
		pm1_write_reg(pm, reg, bytes, mask);
	}
}

/* The timer is read-only; narrower reads see its low bytes at their offset. */
static u64 timer_read(void *dev, u64 offset, u8 size)
{
	struct vacpi_pm *pm = dev;
	u64 value = vacpi_pm_timer_at(vclock_now(&pm->clock)) >> (offset * BYTE_BITS);

	pm->stats.timer_reads++;
	return size >= sizeof(u64) ? value : value & ((1ULL << (size * BYTE_BITS)) - 1);
}

int vacpi_pm_attach(struct vacpi_pm *pm, struct io_bus *bus, u16 base)
{
	const struct io_range ranges[] = {
		{ .base = base, .len = PM1_BLOCK_LEN, .dev = pm, .read = pm1_read,
		  .write = pm1_write, .name = "acpi-pm1" },
		{ .base = (u64)base + VACPI_PM_TMR, .len = VACPI_PM_TMR_LEN, .dev = pm,
		  .read = timer_read, .name = "acpi-pm-timer" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(ranges); i++) {
		int err = io_bus_register(bus, &ranges[i]);

		if (err)
			return err;
	}
	return 0;
}
