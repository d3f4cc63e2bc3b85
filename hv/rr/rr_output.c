/*
 * Outputs in the log (see rr_resync.h): the primary's OUTPUT entries and a
 * replay's comparison with them.
 */
#include "hv/config.h"
#include "hv/guest_console.h"
#include "hv/output_tally.h"
#include "hv/rr/rr_internal.h"
#include "log.h"

/* Is this the comparison ft_inject_mismatch= names (a test's mismatch)? */
static bool injected(struct rr_sync *s)
{
	return s->inject_at && s->outputs_checked == s->inject_at;
}

void rr_replay_output(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_entry logged = rr->next;
	struct output_span mine;

	rr_consume(rr);
	if (rr->joined_console && !logged.output.count) {
		/* a joined log (hv/ft_join.c): the guest wrote its console before
		 * this backup received it; the stream goes on at the primary's offset */
		u64 written = guest_console_restart_span(logged.output.offset);

		rr->joined_console = false;
		pr_info("ft: the console stream goes on at offset %llu (this console had written %llu "
			"bytes): joined", logged.output.offset, written);
		return;
	}
	guest_console_take_span(&mine);
	rr->sync.outputs_checked++;
	if (mine.offset == logged.output.offset && mine.count == logged.output.count &&
	    mine.hash == logged.output.hash && !injected(&rr->sync))
		return;
	rr->sync.output_mismatches++;
	rr_diverge(vm, "output: the recording wrote %llu console bytes at offset %llu (hash %016llx), "
		   "the replay %llu at %llu (hash %016llx)%s", logged.output.count,
		   logged.output.offset, logged.output.hash, mine.count, mine.offset, mine.hash,
		   injected(&rr->sync) ? " (injected: ft_inject_mismatch=)" : "");
}
