/*
 * The backup's side of checkpoint mode (see ft_checkpoint.h). The guest
 * booted here never runs while the primary lives: the primary's epochs
 * come on the log stream's transport (net/logstream/logstream_in.h), each
 * is staged until whole and checked (proto/ft_epoch.h), then applied over
 * guest RAM at once (hv/snapshot_resume.c: checked, then applied), its
 * console bytes written as if this guest wrote them (they go nowhere
 * outside while this side follows: console_out= keeps them, for the
 * outside listener once this side is live). The stream delivers each byte
 * once, in order, across the primary's reconnects, and acknowledges it
 * after it was taken: an acknowledged epoch is applied here.
 *
 * When the primary is gone (silent for ft_timeout_ms, heartbeats
 * included), an epoch not whole is dropped and the guest runs on live from
 * the last one applied, under a witness only once it gave this side the
 * lease (hv/ft_fence.c), exactly as a replaying backup does.
 */
#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/ft_ckpt_internal.h"
#include "hv/ft_fence.h"
#include "hv/ft_witness.h"
#include "hv/guest_console.h"
#include "hv/rr/rr_identity.h"
#include "hv/snapshot.h"
#include "log.h"
#include "net/logstream/logstream_in.h"
#include "net/net.h"
#include "proto/ft_epoch.h"

#define NS_PER_MS 1000000ULL

static struct {
	struct vm *vm;
	struct snap_identity id;
	struct ft_stream_header mine;  /* what the primary's stream header must say */
	struct ft_epoch_rx rx;
	bool refused;                  /* the stream broke the format: never go live from it */
	bool ended;                    /* the primary's guest ended (END) */
	u32 exit_code;
	u64 primary_digest;
	u64 guest_ns;                  /* guest time at the last epoch applied */
	bool from_replay;              /* ft=auto: the state replayed to the log's end is a base */
	bool log_follows;              /* ft=auto: the stream ended without END: a log comes */
	u64 applied;                   /* epochs applied from this stream */
	const struct boot_info *bi;    /* role=backup: for ft_ckpt_follow_from */
	const struct config *cfg;
} cb;

/* A whole epoch: its state over guest RAM, its console bytes as the
 * guest's; END: the primary's guest ended. Nonzero refuses it. */
static int apply_epoch(void *ctx, const struct ft_epoch_header *h, const u8 *state,
		       const u8 *console)
{
	struct vm *vm = ctx;

	if (h->kind == FT_EPOCH_STATE && snapshot_apply_state(vm, state, h->state_len, &cb.id)) {
		pr_err("ft: the primary's epoch %llu was refused (above)", h->epoch);
		return -EBADMSG;
	}
	for (u32 i = 0; i < h->console_len; i++)
		guest_console_put(NULL, console[i]);
	if (h->kind == FT_EPOCH_END) {
		cb.ended = true;
		cb.exit_code = h->exit_code;
		cb.primary_digest = h->memory_digest;
		return 0;
	}
	ft_ckpt_st.epochs++; /* h->epoch within its stream (ft=auto: one of several) */
	cb.applied++;
	ft_ckpt_st.bytes += FT_EPOCH_HEADER_SIZE + h->state_len + h->console_len;
	ft_ckpt_st.last_epoch_ns = time_now_ns();
	if (ft_ckpt_st.epochs == 1) {
		ft_ckpt_st.started_ns = ft_ckpt_st.last_epoch_ns;
		pr_info("ft: the first epoch is applied: this backup holds the primary's state");
	}
	cb.guest_ns = vm->dev_time_ns;
	return 0;
}

/* The stream's next bytes, staged; a refusal fails the stream. */
static int deliver(void *ctx, u64 offset, const u8 *data, size_t len)
{
	if (!ft_epoch_rx_feed(&cb.rx, data, len, apply_epoch, ctx))
		return 0;
	pr_err("ft: the primary's checkpoint stream is refused at byte %llu: %s", cb.rx.offset,
	       cb.rx.why);
	cb.refused = true;
	return -EBADMSG;
}

/* One turn of the waits: the network, the stream, the witness. */
static void poll_once(void)
{
	net_poll();
	logstream_in_note_replayed(cb.rx.offset, ft_ckpt_st.epochs);
	logstream_in_poll();
	ft_witness_primary_named(logstream_in_lease_epoch()); /* witness=: its epoch now */
	ft_witness_poll(time_now_ns());
	cpu_relax();
}

/* The primary's HELLO within wait_ns (rr_live_wait= at the start; after
 * a switch, ft_timeout_ms), naming this guest. */
static int wait_for_primary(const struct config *cfg, u64 wait_ns)
{
	u64 deadline = time_now_ns() + wait_ns;
	struct ft_stream_header theirs;
	const u8 *h = NULL;
	u16 len = 0;

	while (!(h = logstream_in_header(&len)) && time_now_ns() < deadline &&
	       logstream_in_state() != LOGSTREAM_IN_FAILED)
		poll_once();
	if (!h) {
		pr_err("ft: no primary streamed its checkpoints to port %u within %llu ms",
		       cfg->rr_live_port, wait_ns / NS_PER_MS);
		return -ETIMEDOUT;
	}
	if (ft_stream_header_decode(h, len, &theirs) || theirs.identity != cb.mine.identity ||
	    theirs.ram_size != cb.mine.ram_size) {
		pr_err("ft: the primary's stream is not a checkpoint stream of this guest (another "
		       "guest, RAM size or ft= mode)");
		logstream_in_stop("another guest");
		return -EINVAL;
	}
	ft_witness_learn_primary(); /* witness=: the epoch of the primary's lease now */
	pr_info("ft: following the primary in checkpoint mode (epochs of %u ms)", theirs.epoch_ms);
	return 0;
}

/* The hashes of the pages this backup holds (its booted image), to the
 * primary (HOLDS): its first epoch leaves out the pages held alike.
 * Asked again on a new connection until one took them. */
static void send_holds(struct vm *vm, u64 *hashes, u32 *sent_on)
{
	u32 stream = logstream_in_streams();

	if (!hashes || *sent_on == stream || ft_ckpt_st.epochs)
		return;
	if (logstream_in_request_resync(0, "the first epoch: in checkpoint mode a backup sends the hashes of the pages it holds", hashes,
					vm->ram_size / PAGE_SIZE))
		*sent_on = stream;
}

/* Every page's hash (the primary's own for the same contents); NULL
 * without the memory (the first epoch then comes whole). */
static u64 *hash_pages(const struct vm *vm)
{
	static u64 *hashes; /* taken once, as the stage */
	u64 pages = vm->ram_size / PAGE_SIZE;

	hashes = hashes ? hashes : page_alloc_bytes(pages * sizeof(u64));
	for (u64 p = 0; hashes && p < pages; p++)
		hashes[p] = hash64(vm->ram + p * PAGE_SIZE, PAGE_SIZE, 0);
	return hashes;
}

/* Follows until the stream ends or the primary is gone: a stream back
 * to listening (no heartbeats) counts as gone after ft_timeout_ms. */
static void follow(struct vm *vm, const struct config *cfg)
{
	u64 lost_at = 0, wait_ns = (u64)cfg->ft_timeout_ms * NS_PER_MS;
	u64 *hashes = hash_pages(vm);
	u32 holds_sent_on = 0; /* streams count from 1 */

	for (;;) {
		enum logstream_in_state st;

		send_holds(vm, hashes, &holds_sent_on);
		poll_once();
		st = logstream_in_state();
		if (st == LOGSTREAM_IN_ENDED || st == LOGSTREAM_IN_FAILED)
			return;
		if (st != LOGSTREAM_IN_LISTENING) {
			lost_at = 0;
			continue;
		}
		lost_at = lost_at ? lost_at : time_now_ns();
		if (time_now_ns() - lost_at > wait_ns) {
			logstream_in_stop("the primary is gone");
			return;
		}
	}
}

/* The primary's guest ended: nothing runs here; this side holds its
 * final state, and says whether it is the primary's. */
static void primary_ended(struct vm *vm)
{
	u64 mine = ft_ckpt_memory_digest(vm);

	vm->state = VM_EXITED;
	vm->exit_code = cb.exit_code;
	if (mine == cb.primary_digest)
		pr_info("ft: checkpoint: the primary's guest ended with exit code %u; this backup holds "
			"its final state (epoch %llu): memory digest %016llx", cb.exit_code,
			ft_ckpt_st.epochs, mine);
	else
		pr_err("ft: checkpoint: the primary's guest ended with exit code %u; this backup's "
		       "memory digest %016llx is not the primary's %016llx", cb.exit_code, mine,
		       cb.primary_digest);
}

/* The primary is gone: the guest goes live from the last epoch applied. */
static void take_over(struct vm *vm)
{
	u64 dropped = ft_epoch_rx_partial(&cb.rx);

	if (cb.refused) {
		vm_stop(vm, "ft: the primary's stream was refused: this backup does not go live from it");
		return;
	}
	if (!cb.applied && !cb.from_replay) {
		vm_stop(vm, "ft: the primary is gone before its first epoch came: this backup has no "
			"state to go live from");
		return;
	}
	if (!ft_fence_may_go_live(vm) || !cb.applied)
		return; /* ft=auto without an epoch: the replay's state goes live (the caller) */
	ft_ckpt_st.took_over = true;
	ft_ckpt_st.took_over_epoch = ft_ckpt_st.epochs;
	guest_console_goes_live();
	pr_info("ft: the primary is gone: the guest goes live here, from epoch %llu, guest time %llu "
		"ms (%llu bytes of an unfinished epoch dropped)", ft_ckpt_st.epochs,
		cb.guest_ns / NS_PER_MS, dropped);
}

/* The stream, and the staging buffer (a whole VM and an epoch's console). */
static int listen_for_primary(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	static u8 *stage; /* taken once: ft=auto may follow epochs more than once */
	struct rr_guest_identity gid;
	u64 cap = vm->ram_size + vm->ram_size / 8 + (1ULL << 20) + FT_EPOCH_CONSOLE_MAX;

	stage = stage ? stage : page_alloc_bytes(cap);
	if (!stage) {
		pr_err("ft: no memory for a %llu MiB checkpoint buffer", cap >> 20);
		return -ENOMEM;
	}
	ft_epoch_rx_init(&cb.rx, stage, cap);
	rr_log_identity(bi, cfg, &gid);
	cb.mine.identity = hash64(&gid, sizeof(gid), 0);
	cb.mine.ram_size = vm->ram_size;
	if (logstream_in_listen(cfg->rr_live_port, cfg->ft_key.len ? &cfg->ft_key : NULL, deliver,
				vm))
		return -EBUSY;
	logstream_in_set_timeout(cfg->ft_timeout_ms);
	logstream_in_set_heartbeat(cfg->ft_heartbeat_ms);
	return 0;
}

/* Follows to the end: the primary's guest ended, or it is gone. */
static void follow_to_end(struct vm *vm, const struct config *cfg)
{
	follow(vm, cfg);
	if (cb.ended)
		primary_ended(vm);
	else if (cb.from_replay && cb.applied && logstream_in_state() == LOGSTREAM_IN_ENDED)
		cb.log_follows = true; /* ft=auto: back to replay mode from the last epoch */
	else
		take_over(vm);
}

/* This side's state for a stream of epochs. */
static void prepare(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	memset(&cb, 0, sizeof(cb));
	cb.vm = vm;
	cb.bi = bi;
	cb.cfg = cfg;
	ft_ckpt_st.on = true;
	ft_ckpt_st.epoch_ms = cfg->ft_epoch_ms;
	snapshot_identity(bi, cfg, &cb.id);
	cb.id.ram_size = vm->ram_size;
}

int ft_ckpt_follow(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	int err;

	cb.bi = bi;
	cb.cfg = cfg;
	if (cfg->role != FT_ROLE_BACKUP || cfg->ft_mode != FT_MODE_CHECKPOINT)
		return 0;
	prepare(vm, bi, cfg);
	if ((err = listen_for_primary(vm, bi, cfg)) ||
	    (err = wait_for_primary(cfg, (u64)cfg->rr_live_wait * NS_PER_SEC)))
		return err;
	follow_to_end(vm, cfg);
	return 0;
}

enum ft_ckpt_outcome ft_ckpt_follow_from(struct vm *vm)
{
	const struct boot_info *bi = cb.bi;
	const struct config *cfg = cb.cfg;
	u64 offset = guest_console_written();

	prepare(vm, bi, cfg);
	cb.from_replay = true;
	if (listen_for_primary(vm, bi, cfg))
		return FT_CKPT_STOPPED;
	cb.rx.console_next = offset;
	if (wait_for_primary(cfg, (u64)cfg->ft_timeout_ms * NS_PER_MS)) {
		logstream_in_stop("the primary is gone");
		take_over(vm);
	} else {
		follow_to_end(vm, cfg);
	}
	if (vm->state != VM_RUNNING)
		return cb.ended ? FT_CKPT_ENDED : FT_CKPT_STOPPED;
	if (cb.log_follows)
		return FT_CKPT_LOG_FOLLOWS;
	return cb.applied ? FT_CKPT_LIVE_FROM_EPOCH : FT_CKPT_LIVE_HERE;
}
