/* features: what the CPU and the loader show a kernel, checked the way a
 * conformance suite checks it. The command line arrives whole however
 * long (its key=value tokens are counted and checksummed: a 4 KiB one
 * must come through). Protection keys where CPUID shows PKU: CR4.PKE can
 * be set, CPUID then shows OSPKE, WRPKRU/RDPKRU keep a value (the keys
 * themselves act only under 4-level paging, which this 32-bit guest does
 * not use). UMIP where shown: CR4.UMIP can be set. Whether
 * the CPU has a feature depends on the machine, so those lines are "~ ". */
#include "crc32.h"
#include "expect.h"
#include "guest.h"

#define CPUID7_ECX_UMIP (1u << 2)
#define CPUID7_ECX_PKU (1u << 3)
#define CPUID7_ECX_OSPKE (1u << 4)
#define CR4_UMIP (1u << 11)
#define CR4_PKE (1u << 22)

static u32 tokens, value_bytes, crc;

static void count_arg(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
	(void)arg;
	tokens++;
	value_bytes += vlen;
	crc ^= crc32(key, klen) + crc32(val, vlen) * 31 + tokens;
}

static void set_cr4_bit(void *arg) { write_cr4(read_cr4() | (u32)arg); }

static u32 rdpkru(void)
{
	u32 eax, edx;
	__asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static void wrpkru(u32 v) { __asm__ volatile(".byte 0x0f, 0x01, 0xef" : : "a"(v), "c"(0), "d"(0)); }

static void check_pku(void)
{
	bool old = expect_vary(true);

	if (!cpu_has(7, 0, 2, CPUID7_ECX_PKU)) {
		vary("no PKU");
		expect_vary(old);
		return;
	}
	int v = fault_try(set_cr4_bit, (void *)CR4_PKE, 0);

	expect_that(v < 0, "no fault", v < 0 ? "no fault" : exception_name(v), "PKU: CR4.PKE set");
	expect_that(cpu_has(7, 0, 2, CPUID7_ECX_OSPKE), "OSPKE", "no OSPKE",
		    "PKU: CPUID shows OSPKE with CR4.PKE");
	wrpkru(0x0000000C); /* key 1: write disable */
	expect_eq(rdpkru(), 0xC, "PKU: RDPKRU reads what WRPKRU wrote");
	wrpkru(0);
	write_cr4(read_cr4() & ~CR4_PKE);
	expect_vary(old);
}

static void check_umip(void)
{
	bool old = expect_vary(true);

	if (!cpu_has(7, 0, 2, CPUID7_ECX_UMIP)) {
		vary("no UMIP");
		expect_vary(old);
		return;
	}
	int v = fault_try(set_cr4_bit, (void *)CR4_UMIP, 0);
	expect_that(v < 0, "no fault", v < 0 ? "no fault" : exception_name(v), "UMIP: CR4.UMIP set");
	write_cr4(read_cr4() & ~CR4_UMIP);
	expect_vary(old);
}

int main(u32 magic, const struct mb_info *info)
{
	guest_start("features", magic, info);
	cmdline_each(count_arg, 0);
	say("command line: %u key=value tokens, %u value bytes, checksum 0x%08x", tokens,
	    value_bytes, crc);
	check_pku();
	check_umip();
	return guest_done();
}
