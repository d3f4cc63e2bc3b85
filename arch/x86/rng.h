/*
 * The CPU's random number generator: RDRAND (a DRBG reseeded from the
 * on-chip entropy source) and RDSEED (the conditioned entropy source
 * itself). SDM Vol 2B, "RDRAND—Read Random Number" and "RDSEED—Read Random
 * SEED"; present when CPUID.01H:ECX.RDRAND[bit 30] and
 * CPUID.(EAX=07H,ECX=0H):EBX.RDSEED[bit 18] are set (SDM Vol 2A, CPUID,
 * Table 3-8 "Information Returned by CPUID Instruction"; cpu_has_rdrand(),
 * cpu_has_rdseed()). CF=1 says the value is valid.
 */
#ifndef UNDERSTUDY_ARCH_X86_RNG_H
#define UNDERSTUDY_ARCH_X86_RNG_H

#include "types.h"

/* SDM Vol 1, 7.3.17.1 "RDRAND": retry a few times (10), then give up. */
#define RDRAND_RETRIES 10
/* RDSEED runs dry more easily under load (SDM Vol 1, 7.3.17.2 "RDSEED"):
 * more tries, a PAUSE between them. */
#define RDSEED_RETRIES 100

/* One 64-bit RDRAND value; false when the CPU gave none (CF=0) every time.
 * @pre cpu_has_rdrand() */
static inline bool rdrand64(u64 *out)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		u8 ok;

		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

/* One 64-bit RDSEED value, or false. @pre cpu_has_rdseed() */
static inline bool rdseed64(u64 *out)
{
	for (int i = 0; i < RDSEED_RETRIES; i++) {
		u8 ok;

		__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
		if (ok)
			return true;
		__asm__ volatile("pause");
	}
	return false;
}

#endif
