/* nondet: the inputs a recording hypervisor must capture. RDTSC (monotonic
 * over 10000 reads), RDTSCP and RDRAND/RDSEED when CPUID lists them (values
 * must not all be identical), and the CMOS real-time clock (every field in
 * range). Values, and the presence of CPU features, go on "~ " lines. */
#include "guest.h"

#define TSC_READS 10000
#define RAND_READS 8

static void tsc_test(void)
{
	u64 first = rdtsc(), prev = first, t = first;
	u32 backwards = 0, equal = 0;
	u64 max_step = 0;
	for (int i = 1; i < TSC_READS; i++) {
		t = rdtsc();
		if (t < prev)
			backwards++;
		else if (t == prev)
			equal++;
		else if (t - prev > max_step)
			max_step = t - prev;
		prev = t;
	}
	check(backwards == 0 && t > first, "rdtsc: %u reads never went backwards and advanced",
	      TSC_READS);
	vary("rdtsc: first %llu, last %llu, %u equal neighbours, largest step %llu", first, t, equal,
	     max_step);
}

/* RDTSCP between two RDTSCs must land between them. */
static void rdtscp_test(void)
{
	if (!cpu_has(0x80000001, 0, 3, CPUID81_EDX_RDTSCP)) {
		vary("rdtscp: absent");
		return;
	}
	u32 aux = 0, bad = 0;
	for (int i = 0; i < 10; i++) {
		u64 a = rdtsc();
		u64 b = rdtscp(&aux);
		u64 c = rdtsc();
		if (b < a || c < b)
			bad++;
	}
	if (bad)
		fail("rdtscp: %u of 10 reads out of order with rdtsc", bad);
	vary("rdtscp: present, 10 reads in order with rdtsc, TSC_AUX 0x%x", aux);
}

/* Reads 8 values with retries; failing to get one, or getting 8 identical
 * ones, is a failure. */
static void rand_test(const char *name, bool present, bool (*read)(u32 *))
{
	if (!present) {
		vary("%s: absent", name);
		return;
	}
	u32 v[RAND_READS];
	for (int i = 0; i < RAND_READS; i++) {
		if (!read(&v[i])) {
			fail("%s: no value after 10 tries (read %d)", name, i);
			return;
		}
	}
	bool all_same = true;
	for (int i = 1; i < RAND_READS; i++)
		if (v[i] != v[0])
			all_same = false;
	vary("%s: present: %08x %08x %08x %08x %08x %08x %08x %08x", name, v[0], v[1], v[2], v[3],
	     v[4], v[5], v[6], v[7]);
	if (all_same)
		fail("%s: 8 identical values", name);
}

/* --- CMOS real-time clock (MC146818: registers 0-9, status A/B) --- */

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

struct rtc {
	u8 sec, min, hour, day, mon, year, century;
};

static void rtc_raw(struct rtc *r)
{
	r->sec = cmos_read(0x00);
	r->min = cmos_read(0x02);
	r->hour = cmos_read(0x04);
	r->day = cmos_read(0x07);
	r->mon = cmos_read(0x08);
	r->year = cmos_read(0x09);
	r->century = cmos_read(0x32);
}

static u8 bcd(u8 v) { return (u8)((v >> 4) * 10 + (v & 0xF)); }
static bool bcd_ok(u8 v) { return (v & 0xF) <= 9 && (v >> 4) <= 9; }

/* Waits for "update in progress" (status A bit 7) to clear, then reads the
 * clock twice until both reads agree, so no update tore it. */
static void rtc_test(void)
{
	struct rtc a, b;
	u32 spins = 0, rounds = 0;
	do {
		while ((cmos_read(0x0A) & 0x80) && spins < 10000000)
			spins++;
		rtc_raw(&a);
		while ((cmos_read(0x0A) & 0x80) && spins < 10000000)
			spins++;
		rtc_raw(&b);
		rounds++;
	} while (memcmp(&a, &b, sizeof(a)) != 0 && rounds < 10);
	check(spins < 10000000 && rounds < 10, "rtc: update-in-progress cleared, two reads agreed");

	u8 sb = cmos_read(0x0B);
	bool binary = sb & 0x04, h24 = sb & 0x02;
	bool pm = !h24 && (b.hour & 0x80);
	u8 hour_raw = h24 ? b.hour : (u8)(b.hour & 0x7F);
	bool digits_ok = binary || (bcd_ok(b.sec) && bcd_ok(b.min) && bcd_ok(hour_raw) &&
				    bcd_ok(b.day) && bcd_ok(b.mon) && bcd_ok(b.year));
	u8 sec = binary ? b.sec : bcd(b.sec), min = binary ? b.min : bcd(b.min);
	u8 hour = binary ? hour_raw : bcd(hour_raw);
	u8 day = binary ? b.day : bcd(b.day), mon = binary ? b.mon : bcd(b.mon);
	u8 year = binary ? b.year : bcd(b.year);
	u8 century = binary ? b.century : bcd(b.century);
	bool hour_ok = h24 ? hour <= 23 : hour >= 1 && hour <= 12;
	if (!h24)
		hour = (u8)(hour % 12 + (pm ? 12 : 0));

	vary("rtc: status B 0x%02x (%s, %s), century register 0x%02x", sb,
	     binary ? "binary" : "BCD", h24 ? "24h" : "12h", b.century);
	vary("rtc: %02u%02u-%02u-%02u %02u:%02u:%02u", century, year, mon, day, hour, min, sec);
	check(digits_ok && sec <= 59 && min <= 59 && hour_ok && day >= 1 && day <= 31 &&
		      mon >= 1 && mon <= 12 && year <= 99,
	      "rtc: every field in range");
}

int main(u32 magic, const struct mb_info *mbi)
{
	guest_start("nondet", magic, mbi);
	struct cpuid_regs v = cpuid(0, 0);
	char vendor[13];
	memcpy(vendor, &v.ebx, 4);
	memcpy(vendor + 4, &v.edx, 4);
	memcpy(vendor + 8, &v.ecx, 4);
	vendor[12] = '\0';
	vary("cpuid 0: max leaf 0x%x, vendor '%s'", v.eax, vendor);
	struct cpuid_regs r = cpuid(1, 0);
	vary("cpuid 1: eax 0x%08x ecx 0x%08x edx 0x%08x, hypervisor bit %u", r.eax, r.ecx, r.edx,
	     (r.ecx & CPUID1_ECX_HYPERVISOR) ? 1 : 0);
	tsc_test();
	rdtscp_test();
	rand_test("rdrand", cpu_has(1, 0, 2, CPUID1_ECX_RDRAND), rdrand32);
	rand_test("rdseed", cpu_has(7, 0, 1, CPUID7_EBX_RDSEED), rdseed32);
	rtc_test();
	return (int)guest_done();
}
