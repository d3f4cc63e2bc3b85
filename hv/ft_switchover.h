/*
 * A planned switchover (docs/fault-tolerance.md, "Planned switchover"):
 * on an authenticated request to the primary's control endpoint (POST
 * /ft/switchover, net/http/http_control.h), the primary stops its guest
 * at the next moment between two exits where a snapshot could be taken
 * (rr_snapshot_moment), ends its log there with END how=SWITCHOVER, waits
 * until the backup has acknowledged the whole log, releases every output
 * it held and leaves (PLATFORM_EXIT_SWITCHED_OVER). The backup replays to
 * that END and goes live at its landmark (hv/rr/rr_takeover.c). Nothing
 * is lost: the backup has produced every released output itself.
 */
#ifndef UNDERSTUDY_HV_FT_SWITCHOVER_H
#define UNDERSTUDY_HV_FT_SWITCHOVER_H

#include "types.h"

struct config;
struct vm;

/* The control endpoint asks for a switchover (inside net_poll, between
 * exits: it only sets a flag). 0 when it will happen, or -EBUSY/-EPERM
 * with *why: not a primary, no guest running, no backup following, fenced,
 * one already under way. */
int ft_switchover_request(const struct vm *vm, const struct config *cfg, const char **why);

/* The run loop, between two exits: a requested switchover stops the guest
 * at the first snapshot moment (the log's end is written by rr_finish). */
void ft_switchover_poll(struct vm *vm);

/* The whole log is acknowledged: under a witness, waits (at most 2 s)
 * for the witness to answer the lease's release, sent when the guest
 * stopped, so that it leaves before the hypervisor halts. */
void ft_switchover_handed(struct vm *vm);

/* Is a switchover asked for, or the guest stopped for one (for /status)? */
bool ft_switchover_under_way(const struct vm *vm);

/* Did this primary hand its guest to the backup (its whole log
 * acknowledged)? */
bool ft_switchover_done(const struct vm *vm);

#endif
