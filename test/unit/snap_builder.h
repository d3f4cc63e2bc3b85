/*
 * A small guest's snapshot for the snapshot tests and the fuzzer's seeds:
 * 64 pages of RAM built like guest memory (zero pages, text, code-like
 * bytes, a page table, random bytes), one vCPU, two devices, RR state.
 */
#ifndef UNDERSTUDY_TEST_UNIT_SNAP_BUILDER_H
#define UNDERSTUDY_TEST_UNIT_SNAP_BUILDER_H

#include <string.h>

#include "proto/snapshot.h"

#define SB_PAGES 64
#define SB_RAM (SB_PAGES * SNAP_PAGE_SIZE)

static u8 sb_ram[SB_RAM];
static struct page_codec_work sb_work;

static const struct snap_header sb_header = {
	.flags = 0, .kernel_hash = 0x1111222233334444ULL, .modules_hash = 0x5555,
	.cmdline_hash = 0x6666777788889999ULL, .ram_size = SB_RAM, .tsc_hz = 2000000000,
	.backend = "vmx", .version = "0.1-test",
};

static const struct snap_identity sb_identity = {
	0x1111222233334444ULL, 0x5555, 0x6666777788889999ULL, SB_RAM,
};

static const u8 sb_uart_state[] = { 0x03, 0x00, 0xC1, 0x0B, 0x60, 0x00 };
static const u8 sb_pit_state[40] = { 1, 2, 3, 4, 0x34, 0x12 };

static void sb_vcpu(struct snap_vcpu *v)
{
	memset(v, 0, sizeof(*v));
	v->id = 0;
	for (unsigned i = 0; i < 16; i++)
		v->gpr[i] = 0x1000 * i + i;
	v->rip = 0xFFFFFFFF81000000ULL;
	v->rflags = 0x246;
	for (unsigned i = 0; i < SNAP_SEGS; i++) {
		v->seg_sel[i] = (u16)(8 * i);
		v->seg_attr[i] = snap_seg_attr_from_vmx(0xA09B);
		v->seg_limit[i] = 0xFFFFFFFF;
		v->seg_base[i] = i == SNAP_GS ? 0xFFFF888000000000ULL : 0;
	}
	v->gdtr_base = 0x10000;
	v->gdtr_limit = 0x7F;
	v->idtr_base = 0x11000;
	v->idtr_limit = 0xFFF;
	v->cr0 = 0x80050033;
	v->cr2 = 0x7FFF0000;
	v->cr3 = 0x2000;
	v->cr4 = 0x3406F0;
	v->cr8 = 2;
	v->xcr0 = 1;
	v->efer = 0xD01;
	v->dr[SNAP_DR6] = 0xFFFF0FF0;
	v->dr[SNAP_DR7] = 0x400;
	v->msr[SNAP_MSR_LSTAR] = 0xFFFFFFFF81800000ULL;
	v->msr[SNAP_MSR_PAT] = 0x0007040600070406ULL;
	v->msr[SNAP_MSR_APIC_BASE] = 0xFEE00900;
	v->tsc = 123456789012ULL;
	v->event_valid = 1;
	v->event_type = SNAP_EVENT_EXT_INT;
	v->event_vector = 0x20;
	v->interruptibility = SNAP_INTR_STI;
	v->activity = SNAP_ACTIVE;
}

/* Guest RAM: page 0 and every 4th page zero, then text, a page table,
 * code-like bytes and random bytes in turn. */
static void sb_fill_ram(void)
{
	static const char text[] = "Linux version 6.1.0 (debian-kernel@lists.debian.org) ";
	u64 x = 0x243F6A8885A308D3ULL;

	memset(sb_ram, 0, sizeof(sb_ram));
	for (unsigned pg = 1; pg < SB_PAGES; pg++) {
		u8 *p = sb_ram + pg * SNAP_PAGE_SIZE;

		if (pg % 4 == 0)
			continue;
		for (unsigned i = 0; i < SNAP_PAGE_SIZE; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			switch (pg % 4) {
			case 1:
				p[i] = (u8)text[i % (sizeof(text) - 1)];
				break;
			case 2:
				p[i] = (i % 8 == 0) ? (u8)(((i / 8) << 4) | 0x3) : (i % 8 == 1 ? 0x10 : 0);
				break;
			default:
				p[i] = pg < 40 ? (u8)(0x48 + (x & 7)) : (u8)x;
				break;
			}
		}
	}
}

static void sb_device(struct snap_device *d, const char *name, u32 version, const u8 *state,
		      u32 len)
{
	memset(d, 0, sizeof(*d));
	strncpy(d->name, name, SNAP_DEVICE_NAME);
	d->version = version;
	d->state = state;
	d->len = len;
}

/* A further DEVICE section sb_write writes after the others, when set. */
static const struct snap_device *sb_extra_device;

/* Writes the whole snapshot into out (cap bytes) with a scratch buffer of
 * scratch_cap bytes; returns its length (0 on failure). */
static inline size_t sb_write(u8 *out, size_t cap, size_t scratch_cap)
{
	static u8 scratch[1 << 20];
	struct snap_buf buf = { out, cap, 0 };
	struct snap_writer w;
	struct snap_vcpu v;
	struct snap_device d;
	struct snap_rr rr = { .landmark = 987654, .device_time_ns = 5000000000ULL };
	int err;

	sb_fill_ram();
	sb_vcpu(&v);
	snap_writer_init(&w, snap_buf_sink, &buf, scratch, scratch_cap, &sb_work);
	err = snap_write_header(&w, &sb_header);
	err = err ? err : snap_write_vcpu(&w, &v);
	sb_device(&d, "uart0", 1, sb_uart_state, sizeof(sb_uart_state));
	err = err ? err : snap_write_device(&w, &d, true);
	sb_device(&d, "pit", 2, sb_pit_state, sizeof(sb_pit_state));
	err = err ? err : snap_write_device(&w, &d, true);
	if (sb_extra_device)
		err = err ? err : snap_write_device(&w, sb_extra_device, true);
	err = err ? err : snap_write_rr(&w, &rr);
	for (unsigned pg = 0; pg < SB_PAGES && !err; pg++)
		err = snap_write_page(&w, pg, sb_ram + pg * SNAP_PAGE_SIZE);
	err = err ? err : snap_write_end(&w);
	return err ? 0 : buf.len;
}

#endif
