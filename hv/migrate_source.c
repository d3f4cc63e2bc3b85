/*
 * The source of a live migration (see migrate.h). Pre-copy runs beside
 * the guest: between exits, as the network is polled and as the
 * destination acknowledges bytes, pages of the current round's set are
 * encoded into PAGES frames and handed to TCP. A round's set is every page
 * for round 0, then the pages the dirty log caught during the round
 * before. When a round ends, the convergence rule (migrate_plan.c) says
 * whether another round is worth it; if not, the run loop stuns the guest
 * at the next moment it can be saved and the rest is sent with the guest
 * held.
 *
 * With migrate_after=exits:N the moment of the stun is fixed instead: the
 * source connects at once, runs rounds while the guest runs (after
 * convergence, one round per ROUND_GAP_NS, which also keeps the
 * destination hearing from it), and stuns the guest at its Nth
 * guest-caused exit, waiting there for the destination if it has not
 * accepted yet. Any guest, however short its run, is then migrated at a
 * deterministic point.
 */
#include "hv/migrate.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "bitops.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "fmt.h"
#include "hv/config.h"
#include "hv/guest_cpu.h"
#include "hv/dirty_log.h"
#include "hv/ft_witness.h"
#include "hv/migrate_history.h"
#include "hv/migrate_internal.h"
#include "hv/migrate_link.h"
#include "hv/snapshot.h"
#include "hv/snapshot_vcpu.h"
#include "log.h"
#include "net/net.h"
#include "net/stream_link.h"
#include "proto/migrate_proto.h"

#define CONNECT_TIMEOUT_NS (60 * NS_PER_SEC)  /* for the destination to listen */
#define REPLY_TIMEOUT_NS (30 * NS_PER_SEC)    /* for ACCEPT, READY, GO's ACK */
#define SILENCE_NS (5 * NS_PER_SEC)           /* bytes unacknowledged this long: gone */
#define PAGES_FRAME_MAX (64u << 10)           /* bytes of one PAGES frame */
#define PAGES_FRAME_SPAN 2048                 /* pages one PAGES frame looks at, at most */
#define REPLY_FRAME_CAP (MIG_FRAME_HDR + MIG_PAYLOAD_MAX) /* HOLDS may be large */
#define MISMATCHES_SHOWN 4                    /* mismatched pages logged one by one */
#define STATE_MAX (MIG_PAYLOAD_MAX - 64)      /* the snapshot without RAM */
#define COPY_BUDGET_BYTES (8u << 20)          /* copies of hot pages kept for deltas */
#define ROUND_GAP_NS (NS_PER_SEC / 5)          /* exits:N, converged: between rounds */
#define JOIN_CONNECT_NS (UINT64_MAX / 4)      /* join: until the backup listens */

enum phase {
	MS_OFF,        /* no migrate= */
	MS_WAITING,    /* for migrate_after=SECONDS */
	MS_CONNECTING, /* the link, then HELLO and its ACCEPT */
	MS_PRECOPY,    /* rounds while the guest runs */
	MS_STUN,       /* converged: stun at the next quiescent moment */
	MS_LEFT,       /* GO acknowledged: the guest runs at the destination */
	MS_FAILED,     /* the guest stays here */
	MS_JOINED,     /* join: GO acknowledged, the guest runs on here, followed */
};

static struct {
	enum phase phase;
	struct vm *vm;
	u32 ip;
	u16 port;
	u64 at_ns;         /* migrate_after=SECONDS */
	u64 at_exits;      /* migrate_after=exits:N; 0: the plan decides the stun */
	bool rounds_begun; /* ACCEPT came and round 0 began */
	u64 round_end_ns;  /* when the last round ended */
	struct snap_identity id;
	struct ft_psk key;     /* ft_key=: the stream inside TLS with it; len 0: in the clear */
	struct stream_link link;
	bool reached, heard;   /* on this connection: TCP was up; the destination sent something */
	struct mig_encoder enc;
	struct mig_decoder replies;
	bool accepted, ready;
	const char *refusal;
	u64 npages;
	u64 *set;          /* the round's pages still to send */
	u64 *fresh;        /* the pages a harvest found dirty */
	struct mig_history hist;
	bool final_pages;  /* the stun sends the last pages: a page re-added now would be lost */
	u64 cursor;        /* next page to look at in set */
	size_t tx_len, tx_pos;
	struct mig_round_plan plan;
	struct mig_figures fig;
	/* join=on (hv/ft_join.c): the guest stays here, followed by the destination */
	migrate_joined_fn joined;
	void *hist_mem;
	u32 hist_slots;
} ms;

static u8 tx[MIG_FRAME_HDR + MIG_PAYLOAD_MAX];
static u8 reply_frame[REPLY_FRAME_CAP];
static u8 state_buf[STATE_MAX];
static u8 enc_page[PAGE_CODEC_MAX];
static struct page_codec_work work;
static char refusal_text[MIG_REASON_MAX + 1];

static int on_reply(void *ctx, u8 type, const char *reason)
{
	if (type == MIG_ACCEPT)
		ms.accepted = true;
	else if (type == MIG_READY)
		ms.ready = true;
	else if (type == MIG_REFUSE) {
		memcpy(refusal_text, reason, MIN(strlen(reason), sizeof(refusal_text) - 1));
		ms.refusal = refusal_text;
	}
	return 0;
}

/* The destination's feedback on a page a round sent it. A page it holds
 * otherwise is sent again, whole (its copy is not confirmed), or, once the
 * stun has begun sending its last pages, fails the migration; a report of
 * a page that round did not send is a false stream. */
static int on_held(void *ctx, u32 round, u64 pfn, u64 hash)
{
	switch (mig_history_held(&ms.hist, round, pfn, hash)) {
	case MIG_HELD_MISMATCH:
		if (ms.hist.fb_mismatched <= MISMATCHES_SHOWN)
			console_printf("migration: the destination holds another page %llu than round "
				       "%u sent (hash %llx); it is sent again\n", pfn, round, hash);
		if (!ms.final_pages) {
			bitmap_set(ms.set, pfn);
			return 0;
		}
		fmt_snprintf(refusal_text, sizeof(refusal_text), "the destination holds another "
			     "page %llu than round %u sent, too late to send it again", pfn, round);
		break;
	case MIG_HELD_UNSENT:
		fmt_snprintf(refusal_text, sizeof(refusal_text), "the destination reports holding "
			     "page %llu of round %u, which that round did not send", pfn, round);
		break;
	default:
		return 0;
	}
	ms.refusal = refusal_text;
	return -EBADMSG;
}

static const struct mig_ops reply_ops = { .reply = on_reply, .held = on_held };

static int on_rx(void *ctx, const u8 *data, size_t len)
{
	ms.heard = true;
	if (mig_decoder_push(&ms.replies, data, len)) {
		pr_err("migration: the destination's reply is refused: %s", ms.replies.msg);
		return -EBADMSG;
	}
	return ms.refusal ? -EPERM : 0;
}

/* --- sending --------------------------------------------------------------- */

/* Hands what is left of the frame in tx to TCP; true once all of it is. */
static bool tx_flush(void)
{
	return stream_link_push(&ms.link, tx, ms.tx_len, &ms.tx_pos);
}

static void tx_frame(int len)
{
	ms.tx_len = len > 0 ? (size_t)len : 0;
	ms.tx_pos = 0;
}

/* Whether page p of the set waits for the stun: in pre-copy after round
 * 0, a page the history predicts will be written again would only be
 * sent twice. */
static bool held_back(u64 p, bool stunned)
{
	return !stunned && ms.plan.round > 0 && mig_history_hot(&ms.hist, p);
}

/* Encodes the next pages of the round's set into one PAGES frame (a delta
 * against the destination's copy where the history kept one and the
 * destination confirmed holding it, or none); false once the whole set
 * was looked at. A frame looks at no more than
 * PAGES_FRAME_SPAN pages: zero pages take a byte each, and a frame that
 * waited for 64 KiB of them would scan all of RAM first (seconds in an
 * emulator) while the destination hears nothing. */
static bool build_pages_frame(u32 round, bool stunned)
{
	int added = 0;
	u64 end = MIN(ms.npages, ms.cursor + PAGES_FRAME_SPAN);

	mig_pages_begin(&ms.enc, round, tx, MIN(sizeof(tx), PAGES_FRAME_MAX));
	for (; ms.cursor < end; ms.cursor++) {
		const u8 *page;
		size_t n;

		if (!bitmap_test(ms.set, ms.cursor) || held_back(ms.cursor, stunned))
			continue;
		page = ms.vm->ram + ms.cursor * PAGE_SIZE;
		n = page_encode(page, mig_history_base(&ms.hist, ms.cursor), enc_page, &work);
		if (mig_pages_add(&ms.enc, ms.cursor, enc_page, n))
			break; /* full: this page starts the next frame */
		mig_history_sent(&ms.hist, ms.cursor, page, round);
		bitmap_clear(ms.set, ms.cursor);
		mig_figures_page(&ms.fig, enc_page[0], n);
		added++;
	}
	tx_frame(mig_pages_finish(&ms.enc));
	return added > 0 || ms.cursor < ms.npages;
}

/* The round ran out of pages to send: the pages dirtied meanwhile join
 * the set (with those held back), the history learns the epoch, the
 * round is announced and the plan decides. */
static void end_round(void)
{
	u64 left;
	struct mig_round r;

	memset(ms.fresh, 0, bitmap_bytes(ms.npages));
	ms.plan.held = bitmap_count(ms.set, ms.npages); /* all else was sent */
	dirty_log_harvest(ms.vm, ms.fresh);
	mig_history_epoch(&ms.hist, ms.fresh);
	bitmap_or(ms.set, ms.fresh, ms.npages);
	left = bitmap_count(ms.set, ms.npages);
	r = (struct mig_round){ ms.plan.round, ms.plan.round_pages, left };
	tx_frame(mig_encode_round(&ms.enc, &r, tx, sizeof(tx)));
	mig_decoder_expect_holds(&ms.replies, ms.npages, r.round + 1);
	ms.round_end_ns = time_now_ns();
	mig_plan_round_end(&ms.plan, left, stream_link_bytes_acked(&ms.link), ms.round_end_ns);
	ms.cursor = 0;
	if (ms.plan.converged && !ms.at_exits)
		ms.phase = MS_STUN;
}

/* exits:N after convergence: the next round waits ROUND_GAP_NS, so that
 * an idle guest does not make rounds of nothing back to back. */
static bool next_round_waits(void)
{
	return ms.at_exits && ms.plan.converged && time_now_ns() - ms.round_end_ns < ROUND_GAP_NS;
}

/* Keeps TCP's send buffer full with the round's pages (pre-copy). */
static void precopy_fill(void)
{
	while (ms.phase == MS_PRECOPY && tx_flush()) {
		u64 before = ms.fig.pages;

		if (build_pages_frame(ms.plan.round, false)) {
			ms.plan.round_pages += ms.fig.pages - before;
			continue;
		}
		if (next_round_waits())
			return;
		end_round();
	}
}

static void on_sent(void *ctx)
{
	if (ms.phase == MS_PRECOPY)
		precopy_fill();
}

/* --- set-up ---------------------------------------------------------------- */

/* The guest's identity and the page sets a migration of vm needs. */
static int prepare(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	ms.vm = vm;
	ms.key = cfg->ft_key;
	snapshot_identity(bi, cfg, &ms.id);
	ms.id.ram_size = vm->ram_size;
	ms.npages = vm->ram_size / PAGE_SIZE;
	ms.hist_slots = (u32)MIN(ms.npages / 4, COPY_BUDGET_BYTES / PAGE_SIZE);
	ms.set = page_alloc_bytes(bitmap_bytes(ms.npages));
	ms.fresh = page_alloc_bytes(bitmap_bytes(ms.npages));
	ms.hist_mem = page_alloc_bytes(mig_history_bytes(ms.npages, ms.hist_slots));
	if (!ms.set || !ms.fresh || !ms.hist_mem) {
		pr_err("migration: no memory for the page sets and the modification history");
		return -ENOMEM;
	}
	mig_history_init(&ms.hist, ms.npages, ms.hist_slots, ms.hist_mem);
	return 0;
}

int migrate_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	int err;

	if (!cfg->migrate_ip)
		return 0;
	memset(&ms, 0, sizeof(ms));
	ms.ip = cfg->migrate_ip;
	ms.port = cfg->migrate_port;
	if (cfg->migrate_at_exits)
		ms.at_exits = cfg->migrate_at;
	else
		ms.at_ns = cfg->migrate_at;
	err = prepare(vm, bi, cfg);
	if (!err)
		ms.phase = MS_WAITING;
	return err;
}

int migrate_join_prepare(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	memset(&ms, 0, sizeof(ms));
	return prepare(vm, bi, cfg);
}

void migrate_join_begin(u32 ip, u16 port, migrate_joined_fn joined)
{
	/* what an attempt changes, afresh; the page sets and history memory kept */
	ms.ip = ip;
	ms.port = port;
	ms.joined = joined;
	ms.at_ns = ms.at_exits = 0;
	ms.rounds_begun = ms.accepted = ms.ready = ms.final_pages = false;
	ms.refusal = NULL;
	ms.cursor = ms.tx_len = ms.tx_pos = 0;
	memset(&ms.plan, 0, sizeof(ms.plan));
	memset(&ms.fig, 0, sizeof(ms.fig));
	mig_history_init(&ms.hist, ms.npages, ms.hist_slots, ms.hist_mem);
	ms.phase = MS_WAITING;
}

enum migrate_join_state migrate_join_state(void)
{
	switch (ms.phase) {
	case MS_JOINED:
		return MIGRATE_JOIN_DONE;
	case MS_FAILED:
		return MIGRATE_JOIN_FAILED;
	case MS_OFF:
		return MIGRATE_JOIN_IDLE;
	default:
		return MIGRATE_JOIN_UNDER_WAY;
	}
}

static void fail(const char *why)
{
	if (ms.phase == MS_FAILED || ms.phase == MS_LEFT || ms.phase == MS_JOINED)
		return;
	dirty_log_stop(ms.vm);
	stream_link_close(&ms.link);
	ms.phase = MS_FAILED;
	console_printf("migration: failed: %s; the guest runs on here\n", why);
}

static void start(void)
{
	static struct mig_hello h; /* its CPU table is 1 KiB: off the stack */
	u32 ip_be = __builtin_bswap32(ms.ip);

	h = (struct mig_hello){ MIG_VERSION, ms.id, time_clocks()->tsc_hz, "", *guest_cpu() };
	memcpy(h.backend, ms.vm->hw->name, MIN(strlen(ms.vm->hw->name), MIG_BACKEND_NAME));
	mig_encoder_init(&ms.enc);
	mig_decoder_init(&ms.replies, MIG_TO_SOURCE, &reply_ops, NULL, reply_frame,
			 sizeof(reply_frame), &work);
	mig_decoder_expect_holds(&ms.replies, ms.npages, 0);
	ms.reached = ms.heard = false;
	ms.fig.start_ns = time_now_ns();
	ms.phase = MS_CONNECTING;
	/* a join waits for its backup however long it takes to come */
	if (stream_link_connect(&ms.link, ms.key.len ? &ms.key : NULL, ip_be, ms.port,
				ms.joined ? JOIN_CONNECT_NS : CONNECT_TIMEOUT_NS, on_rx, NULL)) {
		fail("TLS could not start (no memory or no entropy for its keys: above)");
		return;
	}
	stream_link_on_room(&ms.link, on_sent);
	tx_frame(mig_encode_hello(&ms.enc, &h, tx, sizeof(tx)));
	if (!ms.joined)
		pr_info("migration: connecting to the destination%s",
			ms.key.len ? " over TLS with the pre-shared key" : "");
}

/* ACCEPT came: every page is round 0's, and the dirty log starts now;
 * false when it could not. */
static bool begin_rounds(void)
{
	if (dirty_log_start(ms.vm)) {
		fail("dirty-page tracking could not start (its reason is above)");
		return false;
	}
	memset(ms.set, 0xFF, bitmap_bytes(ms.npages));
	if (ms.npages % 64)
		ms.set[ms.npages / 64] = (1ULL << (ms.npages % 64)) - 1;
	mig_plan_start(&ms.plan, ms.npages, time_now_ns());
	ms.rounds_begun = true;
	return true;
}

static void begin_precopy(void)
{
	if (!begin_rounds())
		return;
	ms.phase = MS_PRECOPY;
	console_printf("migration: the destination accepted; sending %llu pages while the guest runs\n",
		       ms.npages);
	precopy_fill();
}

/* Why the link went down by itself: the destination refused our TLS
 * handshake (another key, or none), or the connection ended (before a
 * word from it, in the clear: perhaps a destination with a key). */
static const char *link_down_why(void)
{
	static char why[TLS_WHY_MAX + 48], guess[TLS_WHY_MAX + 96];
	const char *down = mig_link_down_why(&ms.link, MIG_REFUSE, "the destination takes the "
					     "migration in the clear (it has no ft_key=) and this "
					     "source has ft_key=: give both the same key, or neither",
					     "the destination refused the TLS handshake", why,
					     sizeof(why));

	if (ms.key.len || !ms.reached || ms.heard)
		return down;
	fmt_snprintf(guess, sizeof(guess), "%s before ACCEPT (a destination with ft_key= closes on "
		     "a source without it)", down);
	return guess;
}

/* What the link and the replies say, whatever the phase. */
static void check_link(void)
{
	u64 now = time_now_ns();
	enum stream_link_state st;

	stream_link_poll(&ms.link, now);
	st = stream_link_state(&ms.link);
	ms.reached |= stream_link_connected(&ms.link);
	if (ms.refusal)
		fail(ms.refusal);
	else if (st == STREAM_LINK_DOWN)
		fail(link_down_why());
	else if (ms.phase == MS_CONNECTING && stream_link_connected(&ms.link) &&
		 now - stream_link_heard_ns(&ms.link) > REPLY_TIMEOUT_NS)
		fail("the destination did not answer HELLO");
	else if (st == STREAM_LINK_UP && !stream_link_drained(&ms.link) &&
		 now - stream_link_heard_ns(&ms.link) > SILENCE_NS)
		fail("the destination stopped acknowledging data");
}

/* A side fenced by the witness (hv/ft_fence.c) may not hand its guest to
 * anyone: a join under way ends there. */
static bool fenced_now(const struct vm *vm)
{
	if (!vm->fenced)
		return false;
	fail("this side was fenced (its witness lease is lost): its guest goes to no backup");
	return true;
}

void migrate_pump(struct vm *vm)
{
	if (ms.phase != MS_CONNECTING && ms.phase != MS_PRECOPY)
		return;
	if (fenced_now(vm))
		return;
	check_link();
	if (ms.phase == MS_CONNECTING) {
		tx_flush();
		if (ms.accepted)
			begin_precopy();
	} else if (ms.phase == MS_PRECOPY) {
		precopy_fill();
	}
}

/* --- the stun -------------------------------------------------------------- */

/* Polls the network and sends tx until done() holds; false when the
 * migration failed or timeout_ns passed first. */
static bool stunned_until(bool (*done)(void), u64 timeout_ns)
{
	u64 end = time_now_ns() + timeout_ns;

	while (!done()) {
		net_poll();
		ft_witness_poll(time_now_ns()); /* a join: the lease renewed while the guest is held */
		if (done()) /* before the link's state: a peer may close right after */
			break;
		check_link();
		tx_flush();
		if (ms.phase == MS_FAILED)
			return false;
		if (time_now_ns() >= end) {
			fail("the destination stopped taking data");
			return false;
		}
	}
	return true;
}

static bool tx_sent(void)
{
	return tx_flush();
}

static bool ready_came(void)
{
	return ms.ready;
}

static bool accept_came(void)
{
	return tx_flush() && ms.accepted;
}

/* exits:N came before the destination accepted: the guest waits for it,
 * held, and round 0 is all sent in the stun. */
static bool begin_rounds_stunned(void)
{
	if (ms.rounds_begun)
		return true;
	console_printf("migration: exit %llu reached before the destination accepted; the guest waits\n",
		       ms.at_exits);
	if (!stunned_until(accept_came, CONNECT_TIMEOUT_NS) || !begin_rounds())
		return false;
	console_printf("migration: the destination accepted; sending %llu pages with the guest held\n",
		       ms.npages);
	return true;
}

static bool all_acked(void)
{
	return tx_flush() && stream_link_drained(&ms.link);
}

/* Sends a frame and waits until TCP has taken it. */
static bool send_stunned(int len)
{
	if (len <= 0) {
		fail("a frame could not be built");
		return false;
	}
	tx_frame(len);
	return stunned_until(tx_sent, REPLY_TIMEOUT_NS);
}

static int state_sink(void *ctx, const void *data, size_t len)
{
	return snap_buf_sink(ctx, data, len);
}

/* The rest of the pages, the vCPU and devices, DONE; READY back. */
static bool send_final(u32 round)
{
	struct snap_buf sb = { state_buf, sizeof(state_buf), 0 };

	if (!stunned_until(tx_sent, REPLY_TIMEOUT_NS))
		return false;
	if (ms.plan.round == 0) /* the set: round 0's pages not sent yet */
		ms.fig.stun_first = bitmap_count(ms.set, ms.npages);
	ms.final_pages = true;
	ms.fig.stun_unconfirmed = ms.hist.unconfirmed;
	ms.fig.stun_dirty = dirty_log_harvest(ms.vm, ms.set);
	ms.cursor = 0;
	for (u64 before = ms.fig.pages; build_pages_frame(round, true); before = ms.fig.pages) {
		ms.fig.stun_pages += ms.fig.pages - before;
		if (!stunned_until(tx_sent, REPLY_TIMEOUT_NS))
			return false;
	}
	ms.fig.stun_unconfirmed = ms.hist.unconfirmed - ms.fig.stun_unconfirmed;
	if (snapshot_write_state(ms.vm, &ms.id, state_sink, &sb)) {
		fail("the vCPU and device state did not fit a frame");
		return false;
	}
	return send_stunned(mig_encode_state(&ms.enc, state_buf, sb.len, tx, sizeof(tx))) &&
	       send_stunned(mig_encode_done(&ms.enc, tx, sizeof(tx))) &&
	       stunned_until(ready_came, REPLY_TIMEOUT_NS);
}

/* With the guest held: everything else, then GO once the destination is
 * ready; the guest stays here if anything fails before GO is through. */
static void stun(struct vm *vm)
{
	u64 start = rdtsc();

	if (!begin_rounds_stunned() || !send_final(ms.plan.round))
		return;
	if (!send_stunned(mig_encode_empty(&ms.enc, MIG_GO, tx, sizeof(tx))) ||
	    !stunned_until(all_acked, REPLY_TIMEOUT_NS))
		return;
	ms.fig.stun_cycles = rdtsc() - start;
	ms.fig.end_ns = time_now_ns();
	ms.fig.rounds = ms.plan.round + 1;
	dirty_log_stop(vm);
	stream_link_close(&ms.link);
	if (ms.joined) { /* the guest stays: it is followed from this state on */
		ms.phase = MS_JOINED;
		mig_figures_print(&ms.fig, &ms.plan, dirty_log_stats(), &ms.hist);
		ms.joined(vm, start);
		return;
	}
	ms.phase = MS_LEFT;
	vm_stop(vm, "migrated: the guest runs on at the destination");
}

/* exits:N: whether the guest reached its Nth guest-caused exit while
 * the migration runs. */
static bool stun_exit_reached(struct vm *vm)
{
	return ms.at_exits && (ms.phase == MS_CONNECTING || ms.phase == MS_PRECOPY) &&
	       vm->stats.guest_caused_exits >= ms.at_exits;
}

void migrate_poll(struct vm *vm)
{
	if (stun_exit_reached(vm))
		ms.phase = MS_STUN;
	if (ms.phase == MS_WAITING && (ms.at_exits || vm_guest_ns(vm) >= ms.at_ns))
		start();
	else if (ms.phase == MS_STUN && !fenced_now(vm) && snap_vcpu_quiescent(vm))
		stun(vm);
}

bool migrate_left(void)
{
	return ms.phase == MS_LEFT;
}

void migrate_report(void)
{
	if (ms.joined && ms.phase != MS_JOINED && ms.phase != MS_FAILED && ms.phase != MS_OFF) {
		dirty_log_stop(ms.vm);
		stream_link_close(&ms.link);
		ms.phase = MS_FAILED;
		console_printf("ft: join: the guest ended before a backup joined\n");
		return;
	}
	if (ms.phase == MS_LEFT)
		mig_figures_print(&ms.fig, &ms.plan, dirty_log_stats(), &ms.hist);
	else if (ms.phase == MS_CONNECTING || ms.phase == MS_PRECOPY || ms.phase == MS_STUN)
		fail("the guest ended before the migration completed");
	else if (ms.phase == MS_WAITING)
		console_printf("migration: the guest ended before migrate_after=%llu s\n",
			       ms.at_ns / NS_PER_SEC);
	if (ms.at_exits && ms.phase == MS_FAILED)
		console_printf("migration: the stun was asked for at exit %llu\n", ms.at_exits);
}
