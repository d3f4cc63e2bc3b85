#include "cpu.h"

bool cpu_has(u32 leaf, u32 subleaf, int reg, u32 bit)
{
	u32 max = cpuid(leaf & 0x80000000u, 0).eax;
	if (max < leaf)
		return false;
	struct cpuid_regs r = cpuid(leaf, subleaf);
	u32 v = reg == 0 ? r.eax : reg == 1 ? r.ebx : reg == 2 ? r.ecx : r.edx;
	return (v & bit) != 0;
}

/* One RDRAND/RDSEED attempt sets CF=1 when it delivered a value; CF=0 means
 * the generator had nothing ready and the destination is zero. */
bool rdrand32(u32 *out)
{
	for (int i = 0; i < 10; i++) {
		u32 v;
		u8 ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
		if (ok) {
			*out = v;
			return true;
		}
	}
	return false;
}

bool rdseed32(u32 *out)
{
	for (int i = 0; i < 10; i++) {
		u32 v;
		u8 ok;
		__asm__ volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
		if (ok) {
			*out = v;
			return true;
		}
		__asm__ volatile("pause");
	}
	return false;
}
