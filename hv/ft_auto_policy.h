/*
 * ft=auto's rule (docs/fault-tolerance.md, "ft=auto"), as pure arithmetic
 * over what the primary measured of its guest while recording it for a
 * window: the log bytes it produced, and the pages it wrote in each
 * epoch-length slice of the window (the write window's first write to a
 * page, hv/rr/write_window.h). A checkpoint epoch sends at most those
 * pages, plus the vCPU and the devices; its stun grows with them. So the
 * window predicts checkpoint mode's bytes per second and stun from this
 * guest, this run, and the rule picks checkpoint mode when it sends
 * FT_AUTO_MARGIN_PCT less than the log and stuns the guest at most
 * FT_AUTO_STUN_MAX_PPM of its time.
 */
#ifndef UNDERSTUDY_HV_FT_AUTO_POLICY_H
#define UNDERSTUDY_HV_FT_AUTO_POLICY_H

#include "types.h"

#define FT_AUTO_MARGIN_PCT 25            /* hysteresis: a switch must save this much */
#define FT_AUTO_STUN_MAX_PPM 50000       /* 5 %: more stun than that is not cheaper */
#define FT_AUTO_EPOCH_BYTES 4096         /* an epoch's record without pages: header, vCPU, devices */
#define FT_AUTO_PAGE_BYTES 4160          /* a page sent whole, with its descriptor */
#define FT_AUTO_EPOCH_STUN_NS 1500000ULL /* an epoch's stun without pages (measured: QEMU) */
#define FT_AUTO_PAGE_STUN_NS 10000ULL    /* ... and per page it sends */

/* One measurement window of replay mode. */
struct ft_auto_window {
	u64 ns;          /* its length */
	u64 log_bytes;   /* log bytes produced for the backup in it */
	u64 slices;      /* epoch-length slices in it */
	u64 slice_pages; /* distinct pages written per slice, summed over the slices */
};

struct ft_auto_verdict {
	bool checkpoint;   /* the pair should follow by checkpoints from here */
	u64 log_bps;       /* replay: log bytes per second */
	u64 ckpt_bps;      /* checkpoint mode, predicted: bytes per second */
	u64 stun_ppm;      /* ... and stun, in millionths of the guest's time */
	const char *why;   /* the reason, in words */
};

/* The verdict on a window (an empty one keeps replay mode). */
void ft_auto_judge(const struct ft_auto_window *w, struct ft_auto_verdict *v);

#endif
