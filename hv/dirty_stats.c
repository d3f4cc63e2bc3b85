/*
 * The dirty log's figures (struct dirty_log_stats, dirty_log.h), kept in a
 * file of their own: the interface (dirty_log.c) and the mechanisms it
 * calls (dirty_wp.c, dirty_epoch.c) all count into them, and none of
 * those calls back up to the interface for it.
 */
#include "hv/dirty_internal.h"

static struct dirty_log_stats stats; /* one VM */

struct dirty_log_stats *dirty_stats_mut(void)
{
	return &stats;
}

const struct dirty_log_stats *dirty_log_stats(void)
{
	return &stats;
}
