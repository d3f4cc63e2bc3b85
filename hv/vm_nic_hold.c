/* The output rule for the guest NIC's sent frames (see vm_nic_hold.h). */
#include "hv/vm_nic_hold.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "hv/frame_hold.h"
#include "hv/vm_nic_internal.h"
#include "log.h"

#define NS_PER_US 1000ULL

static struct {
	bool on;
	bool withheld;          /* fenced: nothing more goes out */
	u64 withheld_frames;
	struct frame_hold queue;
	struct vm_nic *nic;     /* whose backend takes released frames */
	u64 frame_bytes;        /* bytes of the frames ever held (no length prefixes) */
	void (*wait)(void *ctx);
	void *ctx;
} hold;

void vm_nic_hold_start(void (*wait)(void *ctx), void *ctx)
{
	frame_hold_init(&hold.queue);
	hold.wait = wait;
	hold.ctx = ctx;
	hold.on = true;
	hold.withheld = false;
	hold.withheld_frames = hold.frame_bytes = 0;
}

/* A released frame leaves through the backend the NIC had before the log. */
static void send_out(void *ctx, const u8 *frame, size_t len)
{
	struct vm_nic *nic = ctx;

	nic->rr.sent.transmit(nic->rr.sent.ctx, frame, len);
}

bool vm_nic_hold_frame(struct vm_nic *nic, const u8 *frame, size_t len)
{
	int err;

	if (!hold.on)
		return false;
	hold.nic = nic;
	if (hold.withheld) {
		hold.withheld_frames++;
		return true;
	}
	while ((err = frame_hold_put(&hold.queue, frame, len, rdtsc())) == -ENOSPC) {
		hold.wait(hold.ctx);
		if (!hold.on || hold.withheld) /* the backup is gone, or this side fenced */
			return hold.withheld;
	}
	if (err)
		return false; /* no frame a NIC sends: let the backend count and refuse it */
	if (!hold.frame_bytes)
		pr_info("ft: output rule: the guest NIC's first sent frame (%zu bytes) is held until "
			"the backup has the log up to it", len);
	hold.frame_bytes += len;
	return true;
}

bool vm_nic_hold_unmarked(void)
{
	return hold.on && frame_hold_unmarked(&hold.queue);
}

void vm_nic_hold_mark(u64 log_offset)
{
	if (hold.on)
		frame_hold_mark(&hold.queue, log_offset);
}

void vm_nic_hold_release(u64 acked)
{
	if (hold.on && !hold.withheld && hold.nic)
		frame_hold_release(&hold.queue, acked, rdtsc(), send_out, hold.nic);
}

void vm_nic_hold_release_all(void)
{
	if (hold.on && !hold.withheld && hold.nic)
		frame_hold_release_all(&hold.queue, rdtsc(), send_out, hold.nic);
	hold.on = false;
}

void vm_nic_hold_withhold(void)
{
	if (!hold.withheld && hold.on)
		hold.withheld_frames = frame_hold_frames_now(&hold.queue);
	hold.withheld = true;
}

void vm_nic_hold_figures(struct vm_nic_hold_figures *f)
{
	const struct output_hold_stats *s = &hold.queue.q.stats;

	f->frames_now = hold.on ? frame_hold_frames_now(&hold.queue) : 0;
	f->bytes_now = hold.on ? frame_hold_bytes_now(&hold.queue) : 0;
	f->frames_total = hold.queue.frames_held;
	f->releases = s->releases;
	f->hold_avg_us = s->releases ? time_tsc_to_ns(s->latency_sum / s->releases) / NS_PER_US : 0;
	f->hold_max_us = time_tsc_to_ns(s->latency_max) / NS_PER_US;
}

void vm_nic_hold_report(void)
{
	struct vm_nic_hold_figures f;

	if (hold.withheld)
		pr_info("ft: fenced: %llu guest NIC frames held or sent after were never released",
			hold.withheld_frames);
	if (!hold.queue.frames_held)
		return;
	vm_nic_hold_figures(&f);
	pr_info("ft: output rule: %llu guest NIC frames (%llu bytes) held in %llu releases, at most "
		"%llu bytes at once; hold %llu us on average, %llu us at most; %llu waits for a full "
		"queue",
		f.frames_total, hold.frame_bytes, f.releases, hold.queue.q.stats.max_held,
		f.hold_avg_us, f.hold_max_us, hold.queue.q.stats.full_waits);
}
