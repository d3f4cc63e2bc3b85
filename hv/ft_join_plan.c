/* When a join is tried (see ft_join_plan.h). */
#include "hv/ft_join_plan.h"

#include <string.h>

void ft_join_plan_init(struct ft_join_plan *p)
{
	memset(p, 0, sizeof(*p));
}

u64 ft_join_plan_retry_ns(u32 n)
{
	u32 doublings = n > 1 ? n - 1 : 0;

	if (doublings >= 6) /* 64 s */
		return FT_JOIN_RETRY_MAX_NS;
	return FT_JOIN_RETRY_NS << doublings;
}

void ft_join_plan_alone(struct ft_join_plan *p, u64 now_ns)
{
	bool followed = p->phase == FT_JOIN_FOLLOWED;
	bool lost_soon = followed && now_ns - p->joined_ns < FT_JOIN_STEADY_NS;

	if (followed)
		p->in_a_row = lost_soon ? p->in_a_row + 1 : 0;
	p->phase = FT_JOIN_ALONE;
	p->next_try_ns = lost_soon ? now_ns + ft_join_plan_retry_ns(p->in_a_row) : now_ns;
	p->alone_since_ns = now_ns;
}

bool ft_join_plan_due(const struct ft_join_plan *p, u64 now_ns)
{
	return p->phase == FT_JOIN_ALONE && now_ns >= p->next_try_ns;
}

void ft_join_plan_attempt(struct ft_join_plan *p)
{
	p->phase = FT_JOIN_MIGRATING;
	p->attempts++;
}

void ft_join_plan_failed(struct ft_join_plan *p, u64 now_ns)
{
	p->phase = FT_JOIN_ALONE;
	p->failures++;
	p->in_a_row++;
	p->next_try_ns = now_ns + ft_join_plan_retry_ns(p->in_a_row);
}

u64 ft_join_plan_joined(struct ft_join_plan *p, u64 now_ns)
{
	p->phase = FT_JOIN_FOLLOWED;
	p->joins++;
	p->joined_ns = now_ns;
	return now_ns >= p->alone_since_ns ? now_ns - p->alone_since_ns : 0;
}

const char *ft_join_phase_name(enum ft_join_phase phase)
{
	static const char *const names[] = {
		[FT_JOIN_OFF] = "off",
		[FT_JOIN_ALONE] = "without a backup",
		[FT_JOIN_MIGRATING] = "a backup joining",
		[FT_JOIN_FOLLOWED] = "followed",
	};

	return (unsigned)phase < sizeof(names) / sizeof(names[0]) ? names[phase] : "?";
}

void ft_join_record_config(const struct config *cfg, struct config *rec)
{
	*rec = *cfg;
	rec->role = FT_ROLE_PRIMARY;
	rec->rr = RR_CHOICE_RECORD;
	rec->rr_sink = RR_SINK_TCP;
	rec->rr_collector_ip = cfg->ft_peer_ip;
	rec->rr_collector_port = cfg->ft_peer_port;
	rec->rr_live_port = 0;
	rec->rr_live_copy = false;
	rec->incoming_port = 0;
	rec->resume = false;
	rec->ft_join = true;
}
