/* ft=auto's rule (see ft_auto_policy.h). */
#include "hv/ft_auto_policy.h"

#include "compiler.h"

#define NS_PER_SEC 1000000000ULL

/* x per second over ns (x below 18 GB: no overflow). */
static u64 per_second(u64 x, u64 ns)
{
	return x * NS_PER_SEC / ns;
}

void ft_auto_judge(const struct ft_auto_window *w, struct ft_auto_verdict *v)
{
	u64 ckpt_bytes, stun_ns;

	*v = (struct ft_auto_verdict){ .why = "nothing measured yet" };
	if (!w->ns || !w->slices)
		return;
	ckpt_bytes = w->slices * FT_AUTO_EPOCH_BYTES + w->slice_pages * FT_AUTO_PAGE_BYTES;
	stun_ns = w->slices * FT_AUTO_EPOCH_STUN_NS + w->slice_pages * FT_AUTO_PAGE_STUN_NS;
	v->log_bps = per_second(w->log_bytes, w->ns);
	v->ckpt_bps = per_second(ckpt_bytes, w->ns);
	v->stun_ppm = stun_ns * 1000000ULL / w->ns; /* stun_ns is within the window */
	if (w->since_tried < FT_AUTO_RETRY_WINDOWS &&
	    (w->tried_bps > v->ckpt_bps || w->tried_stun_ppm > v->stun_ppm)) {
		v->ckpt_bps = MAX(v->ckpt_bps, w->tried_bps);
		v->stun_ppm = MAX(v->stun_ppm, w->tried_stun_ppm);
		v->as_tried = true;
	}
	if (v->stun_ppm > FT_AUTO_STUN_MAX_PPM) {
		v->why = "checkpoints would stun the guest too long";
		return;
	}
	if (v->ckpt_bps * (100 + FT_AUTO_MARGIN_PCT) > v->log_bps * 100) {
		v->why = "the log is not dearer than checkpoints by the margin";
		return;
	}
	v->checkpoint = true;
	v->why = "the log costs more than checkpoints would";
}

void ft_auto_judge_checkpoints(const struct ft_auto_ckpt_window *w, struct ft_auto_verdict *v)
{
	*v = (struct ft_auto_verdict){ .checkpoint = true, .why = "nothing measured yet" };
	if (!w->ns)
		return;
	v->log_bps = w->log_bps;
	v->ckpt_bps = per_second(w->bytes, w->ns);
	v->stun_ppm = MIN(w->stun_ns, w->ns) * 1000000ULL / w->ns;
	if (v->stun_ppm > FT_AUTO_STUN_MAX_PPM) {
		v->checkpoint = false;
		v->why = "checkpoints stun the guest too long";
	} else if (v->log_bps * (100 + FT_AUTO_MARGIN_PCT) <= v->ckpt_bps * 100) {
		v->checkpoint = false;
		v->why = "the log cost less than checkpoints do, by the margin";
	} else {
		v->why = "checkpoints cost less than the log did";
	}
}
