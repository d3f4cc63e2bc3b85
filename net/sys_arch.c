/*
 * What lwIP asks of a NO_SYS platform (lwIP's doc/sys_arch.txt): a
 * millisecond clock for its timeouts, and random numbers.
 */
#include "lwip/opt.h"
#include "lwip/sys.h"

#include "arch/x86/cpu.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/rng.h"
#include "arch/x86/time.h"

/* Milliseconds since time_init (TSC-based); lwIP compares them modulo 2^32. */
u32_t sys_now(void)
{
	return (u32_t)(time_now_ns() / 1000000);
}

/* xorshift64* over a state seeded and stirred by the TSC: not secure, but
 * unpredictable enough off-box for sequence numbers when the CPU has no
 * RDRAND. */
static u32 tsc_rand(void)
{
	static u64 state;

	state ^= rdtsc() * 0x9E3779B97F4A7C15ULL;
	if (!state)
		state = 0x2545F4914F6CDD1DULL;
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (u32)((state * 0x2545F4914F6CDD1DULL) >> 32);
}

u32 net_port_rand(void)
{
	u64 v;

	if (cpu_has_rdrand() && rdrand64(&v))
		return (u32)v;
	return tsc_rand();
}

unsigned int net_port_tcp_isn(void)
{
	return net_port_rand();
}
