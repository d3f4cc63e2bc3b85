/*
 * ft=auto (docs/fault-tolerance.md, "ft=auto"): the pair starts in replay
 * mode; the primary measures its guest over windows of ft_auto_ms (the log
 * bytes it produces, the pages it writes per epoch-length slice) and,
 * when the rule (hv/ft_auto_policy.h) finds checkpoints cheaper, ends the
 * log at a snapshot moment and follows by checkpoint epochs from there
 * (hv/ft_auto_primary.c; the backup's side: hv/ft_auto_backup.c on
 * hv/rr/rr_to_checkpoints.c).
 * Each switch is said on the console with its figures and reason.
 */
#ifndef UNDERSTUDY_HV_FT_AUTO_H
#define UNDERSTUDY_HV_FT_AUTO_H

#include "types.h"

struct boot_info;
struct config;
struct vm;

/* role=primary ft=auto: the measurement's memory (role=backup ft=auto:
 * ft_auto_backup_init); 0 at once otherwise, else 0 or -ENOMEM (said). */
int ft_auto_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* role=backup ft=auto: the replay hands over to checkpoint mode where
 * the primary's log ends for it (hv/ft_auto_backup.c). */
void ft_auto_backup_init(const struct config *cfg);

/* The write window took a page (the guest writes it): counted in the
 * slice under way. Cheap; nothing without ft=auto. */
void ft_auto_note_write(u64 page);

/* The run loop, between two exits: the slices and windows measured, the
 * rule applied, a switch made at the first snapshot moment it wants. */
void ft_auto_poll(struct vm *vm);

/* A switch made (this side's: the primary's, or the backup following
 * it): to checkpoint mode, or back to replay mode. */
void ft_auto_switched(bool to_checkpoints);

/* For /status and /metrics: the mode the pair follows now ("replay" or
 * "checkpoint") and the switches made. */
const char *ft_auto_mode(void);
u32 ft_auto_switches(void);

#endif
