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
 * FT_AUTO_STUN_MAX_PPM of its time. Once checkpoint mode was tried, what
 * it was measured to cost is the floor of the predictions of the next
 * FT_AUTO_RETRY_WINDOWS windows (then it is tried again if predicted
 * cheaper: the guest may have changed its ways). In
 * checkpoint mode its measured figures are judged against the log's last
 * measured rate: back to replay when the log is cheaper by the margin, or
 * the stun over the limit.
 */
#ifndef UNDERSTUDY_HV_FT_AUTO_POLICY_H
#define UNDERSTUDY_HV_FT_AUTO_POLICY_H

#include "types.h"

#define FT_AUTO_MARGIN_PCT 25            /* hysteresis: a switch must save this much */
#define FT_AUTO_STUN_MAX_PPM 50000       /* 5 %: more stun than that is not cheaper */
#define FT_AUTO_RETRY_WINDOWS 10         /* windows a measured checkpoint cost floors predictions */
/* What an epoch costs, from test/bench/ft.sh's checkpoint mode on QEMU
 * (docs/fault-tolerance.md, "Measured"): quiet guests (timer, nondet,
 * ticker: 1.4 to 2.9 pages) send about 3 KB an epoch with a stun of 1.5
 * to 2 ms; memloop's 345 pages, 365 KB (pages as deltas against the
 * backup's copies) and 52 ms. */
#define FT_AUTO_EPOCH_BYTES 2600         /* an epoch's record without pages: header, vCPU, devices */
#define FT_AUTO_PAGE_BYTES 1100          /* a page written, as its delta */
#define FT_AUTO_EPOCH_STUN_NS 1500000ULL /* an epoch's stun without pages */
#define FT_AUTO_PAGE_STUN_NS 150000ULL   /* ... and per page it sends */

/* One measurement window of replay mode. */
struct ft_auto_window {
	u64 ns;          /* its length */
	u64 log_bytes;   /* log bytes produced for the backup in it */
	u64 slices;      /* epoch-length slices in it */
	u64 slice_pages; /* distinct pages written per slice, summed over the slices */
	u64 tried_bps;   /* checkpoint mode's bytes per second when last tried (0: never) */
	u64 tried_stun_ppm; /* ... and its stun */
	u32 since_tried; /* windows of replay mode since then */
};

/* One measurement window of checkpoint mode. */
struct ft_auto_ckpt_window {
	u64 ns;          /* its length */
	u64 bytes;       /* the epochs' stream bytes in it */
	u64 stun_ns;     /* the guest held for them (a stream's first epoch aside) */
	u64 log_bps;     /* replay mode's log bytes per second when last measured */
};

struct ft_auto_verdict {
	bool checkpoint;   /* the pair should follow by checkpoints from here */
	u64 log_bps;       /* replay: log bytes per second */
	u64 ckpt_bps;      /* checkpoint mode, predicted: bytes per second */
	u64 stun_ppm;      /* ... and stun, in millionths of the guest's time */
	bool as_tried;     /* ... raised to what checkpoint mode was measured to cost */
	const char *why;   /* the reason, in words */
};

/* The verdict on a window of replay mode (an empty one keeps it). */
void ft_auto_judge(const struct ft_auto_window *w, struct ft_auto_verdict *v);
/* The verdict on a window of checkpoint mode: v->checkpoint false means
 * back to replay mode (an empty window keeps checkpoint mode). */
void ft_auto_judge_checkpoints(const struct ft_auto_ckpt_window *w, struct ft_auto_verdict *v);

#endif
