/*
 * join=on (docs/fault-tolerance.md, "A backup joins"): fault tolerance
 * for a guest that is already running. A side that runs the guest without
 * a backup (role=primary join=on from its start; a backup with join=on
 * once it took over; either once its backup is lost) keeps trying to
 * live-migrate the guest into its peer's join port (CONFIG_FT_JOIN_PORT),
 * where a backup started with role=backup join=on waits for it instead of
 * booting the guest. At the migration's stun the guest is not stopped: it
 * starts recording right there and streams its log to the new backup,
 * which replays it from the migrated state (hv/rr/: a log whose header
 * says RRLOG_FLAG_JOINED); the output rule holds its console again.
 */
#ifndef UNDERSTUDY_HV_FT_JOIN_H
#define UNDERSTUDY_HV_FT_JOIN_H

#include "hv/vm.h"

struct boot_info;
struct config;

/* join=on: remembers the configuration and prepares the migration's page
 * sets; a primary starts alone. 0 at once without join=on; else 0 or a
 * negative errno (the reason printed). */
int ft_join_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* Does this side start its guest without recording (role=primary
 * join=on: the recording starts when a backup joins)? */
bool ft_join_defers_recording(const struct config *cfg);

/* With the network's polls (hv/host_work.c): notices a side alone, begins
 * attempts when due, notices the ones that failed. */
void ft_join_poll(struct vm *vm);

/* For the control endpoint: backups that joined, and the join's phase in
 * words (ft_join_phase_name). */
u32 ft_join_count(void);
const char *ft_join_state(void);
/* Does this side run its guest without a backup now (alone, or a join
 * under way)? */
bool ft_join_alone(void);

#endif
