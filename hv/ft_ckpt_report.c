/* Checkpoint mode's figures and its summary at the end of a run (see ft_checkpoint.h). */
#include "hv/ft_ckpt_internal.h"

#include "hv/guest_console.h"
#include "log.h"

struct ft_ckpt_stats ft_ckpt_st;

const struct ft_ckpt_stats *ft_ckpt_stats(void)
{
	return &ft_ckpt_st;
}

void ft_ckpt_report(void)
{
	const struct ft_ckpt_stats *s = &ft_ckpt_st;

	if (!s->on)
		return;
	if (!s->primary) {
		pr_info("ft: checkpoint mode: %llu epochs applied, %llu bytes%s", s->epochs, s->bytes,
			s->took_over ? "; went live from the last" : "");
		return;
	}
	pr_info("ft: checkpoint mode: %llu epochs of %u ms, %llu acknowledged; %llu pages, %llu "
		"bytes up to guest time %llu ms; stun %llu us for the first (all of RAM looked at), "
		"then %llu us on average, %llu us at most%s", s->epochs, s->epoch_ms, s->epochs_acked,
		s->pages, s->bytes, s->guest_ms, s->first_stun_us,
		s->epochs > 1 ? s->stun_us / (s->epochs - 1) : 0, s->stun_max_us,
		s->backup_lost ? "; the backup was lost" : "");
	guest_console_report(); /* what holding each epoch's outputs cost */
}
