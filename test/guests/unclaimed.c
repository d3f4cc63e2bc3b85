/* unclaimed: guest-physical addresses a kernel probes that may be neither
 * RAM nor a device: the HPET (0xFED00000), VT-d (0xFED90000), the flash
 * below 4 GiB (0xFF000000), and 0xE0000000. Each read must come back (not
 * stop the machine), a write must vanish (the address reads as before),
 * and reads of every width must agree with each other. What a read gives
 * depends on the machine (a PC bus with nothing behind an address answers
 * all ones; QEMU 7.2's TCG answers 0, and its q35 has an HPET), so values
 * are "~ " lines. */
#include "expect.h"
#include "guest.h"

struct probe {
	u32 addr;
	const char *what;
	bool sizes; /* byte/word/dword agree (not for a device's registers) */
};

static const struct probe probes[] = {
	{ 0xFED00000, "HPET", false },
	{ 0xFED90000, "VT-d", true },
	{ 0xFF000000, "flash below 4 GiB", true },
	{ 0xE0000000, "above RAM", true },
};

static u32 read32(u32 a) { return *(volatile u32 *)a; }
static u16 read16(u32 a) { return *(volatile u16 *)a; }
static u8 read8(u32 a) { return *(volatile u8 *)a; }

static void check_probe(const struct probe *p)
{
	u32 before = read32(p->addr);

	vary("%s at 0x%08x reads 0x%08x", p->what, p->addr, before);
	say("%s at 0x%08x: the read returned", p->what, p->addr);
	*(volatile u32 *)p->addr = ~before; /* offset 0 of the HPET is read-only */
	expect_eq(read32(p->addr), before, "%s at 0x%08x: a write vanishes", p->what, p->addr);
	if (p->sizes) {
		u32 v = read32(p->addr + 8);
		expect_eq(read16(p->addr + 8), v & 0xFFFF, "%s: a 16-bit read agrees with a 32-bit one",
			  p->what);
		expect_eq(read8(p->addr + 9), (v >> 8) & 0xFF, "%s: an 8-bit read agrees", p->what);
	}
}

int main(u32 magic, const struct mb_info *info)
{
	guest_start("unclaimed", magic, info);
	for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		check_probe(&probes[i]);
	return guest_done();
}
