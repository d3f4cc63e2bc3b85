/* The pure part of state digests: page hashes and register names (see
 * rr_digest.h). Host-tested. */
#include "hv/rr/rr_digest.h"

#include "hash.h"

#define PAGE 4096

static const char *const reg_names[RRLOG_DIGEST_REGS] = {
	"RIP", "RFLAGS", "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "CR0", "CR3", "CR4", "EFER",
};

const char *rr_digest_reg_name(unsigned i)
{
	return i < RRLOG_DIGEST_REGS ? reg_names[i] : "?";
}

u64 rr_digest_memory(const u8 *ram, u64 npages, const u64 *dirty, u64 *prev,
		     struct rrlog_page_hash *changed, u64 *changed_count)
{
	u64 n = 0;

	for (u64 p = 0; p < npages; p++) {
		u64 h;

		if (dirty && !(dirty[p / 64] >> (p % 64) & 1))
			continue;
		h = hash64(ram + p * PAGE, PAGE, 0);
		if (h != prev[p]) {
			changed[n++] = (struct rrlog_page_hash){ p, (u32)h };
			prev[p] = h;
		}
	}
	*changed_count = n;
	/* The page hashes as little-endian u64, as the format says. */
	return hash64(prev, npages * sizeof(*prev), 0);
}

