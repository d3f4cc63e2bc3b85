/*
 * Live migration between two Understudy hosts (docs/migration.md). The
 * source (migrate=) sends guest RAM while the guest runs, round after
 * round of the pages it dirtied meanwhile (hv/dirty_log.h), then stuns
 * it: the last dirty pages, the vCPU and devices (a snapshot without
 * RAM), and the stream's end; once the destination says it holds all of
 * it, the source sends GO, prints "migrated" and stops for good. The
 * destination (incoming=) loads the same guest image, receives instead of
 * booting it, and resumes the guest at GO. Whatever fails before GO
 * leaves the guest running on the source, and the destination discards
 * what it received.
 */
#ifndef UNDERSTUDY_HV_MIGRATE_H
#define UNDERSTUDY_HV_MIGRATE_H

#include "hv/vm.h"

struct boot_info;
struct config;

/* migrate=: remembers the destination and the moment. 0 (nothing to do
 * without migrate=). */
int migrate_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* Between two exits (run loop): starts the migration when its moment has
 * come, and stuns the guest for the switch-over once the rounds converged. */
void migrate_poll(struct vm *vm);

/* With the network's polls (hv/host_work.c): sends pages while the guest
 * runs. */
void migrate_pump(struct vm *vm);

/* Did the guest leave for the destination (the run ended in GO)? */
bool migrate_left(void);

/* At the end of the run: prints the migration's figures (rounds, pages
 * and bytes by encoding, the stun) when the guest left, or ends a
 * migration the guest's end overtook (the destination is told by the
 * connection's end). */
void migrate_report(void);

/* incoming=: receives the guest from a source instead of starting it: 0
 * with vm holding the migrated guest ready to run, or a negative errno
 * (the reason printed; nothing received is used). 0 at once without
 * incoming=. */
int migrate_incoming(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/*
 * join=on (hv/ft_join.c): a migration into a backup that joins a running
 * guest. The source keeps its guest: at GO it calls joined(vm, stun start
 * TSC) with the guest still held, in exactly the state the destination
 * received, and the guest runs on here. A failed attempt leaves the guest
 * running, and the caller may begin another.
 */
typedef void (*migrate_joined_fn)(struct vm *vm, u64 stun_start_tsc);
enum migrate_join_state {
	MIGRATE_JOIN_IDLE,      /* none begun */
	MIGRATE_JOIN_UNDER_WAY, /* connecting (until the backup listens), pre-copy, the stun */
	MIGRATE_JOIN_FAILED,    /* the guest runs on here alone */
	MIGRATE_JOIN_DONE,      /* GO acknowledged, joined() called */
};
/* The page sets a join needs, allocated once; 0 or -ENOMEM. */
int migrate_join_prepare(struct vm *vm, const struct boot_info *bi, const struct config *cfg);
/* An attempt to ip (host order):port, from the next migrate_poll. */
void migrate_join_begin(u32 ip, u16 port, migrate_joined_fn joined);
enum migrate_join_state migrate_join_state(void);

#endif
