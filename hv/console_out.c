/*
 * The console stream's sender (see console_out.h and
 * docs/console-stream.md). One frame at a time is staged (HELLO, then a
 * DATA copied out of the kept bytes) and handed to the TCP link as it has
 * room; what the listener says arrives in on_rx. A connection that fails
 * ends in drop(): close, back off, connect again, HELLO, and resend from
 * the listener's WELCOME. The link's callbacks never close it: they say
 * why in co.lost and the next poll ends the connection.
 */
#include "hv/console_out.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "compiler.h"
#include "fmt.h"
#include "hv/config.h"
#include "hv/console_keep.h"
#include "hv/ft_witness.h"
#include "hv/guest_console.h"
#include "log.h"
#include "net/http/hv_status.h"
#include "net/net.h"
#include "net/tcp_link.h"
#include "proto/console_stream.h"

#define NS_PER_MS 1000000ULL
#define BACKOFF_MIN_NS (100 * NS_PER_MS)
#define BACKOFF_MAX_NS (2000 * NS_PER_MS)
#define KEEPALIVE_IDLE_MS 3000
#define KEEPALIVE_INTVL_MS 1000
#define KEEPALIVE_COUNT 3
#define HELLO_WAIT_NS (5000 * NS_PER_MS) /* a listener that does not answer HELLO */

enum co_state {
	CO_OFF,         /* no console_out= */
	CO_REPLAYING,   /* a backup's replay: keeping, not sending */
	CO_CONNECTING,
	CO_HELLO,       /* HELLO staged or sent, waiting for WELCOME */
	CO_STREAMING,
	CO_BACKOFF,     /* connecting again at retry_at_ns */
	CO_REFUSED,     /* the listener refused this guest: not again */
};

static struct {
	enum co_state state;
	u32 ip;                   /* host order */
	u16 port;
	u64 guest;
	u8 role;                  /* enum cs_role */
	struct console_keep keep;
	struct tcp_link link;
	struct cs_rx rx;
	u64 seq;                  /* of our last frame on this connection */
	u8 stage[CS_FRAME_MAX];
	u8 chunk[CS_DATA_MAX];
	size_t stage_len, stage_pos;
	u64 sent;                 /* offset of the next byte to send */
	u64 now_ns, backoff_ns, retry_at_ns, hello_at_ns;
	const char *lost;         /* said in a callback: the connection ends at the next poll */
	bool lost_for_good;
	char why[CS_TEXT_MAX + 64];
	u64 connections, drops, bytes_sent;
	bool told_unreachable;
} co;

static int on_rx(void *ctx, const u8 *data, size_t len);

/* --- the connection ---------------------------------------------------------------- */

static void schedule_retry(void)
{
	co.state = CO_BACKOFF;
	co.retry_at_ns = co.now_ns + co.backoff_ns;
	co.backoff_ns = MIN(co.backoff_ns * 2, BACKOFF_MAX_NS);
}

/* Ends the connection; connects again later unless for good. Said once
 * while the listener stays unreachable. */
static void drop(const char *why, bool for_good)
{
	bool was_up = co.state == CO_STREAMING;

	tcp_link_close(&co.link, NULL);
	co.drops++;
	if (for_good) {
		co.state = CO_REFUSED;
		pr_err("console_out: %s: the console is not sent any more", why);
		return;
	}
	if (was_up || !co.told_unreachable)
		pr_warn("console_out: %s; connecting again in %llu ms", why,
			co.backoff_ns / NS_PER_MS);
	co.told_unreachable = !was_up;
	schedule_retry();
}

static void connect_now(void)
{
	co.lost = NULL;
	co.lost_for_good = false;
	co.stage_len = co.stage_pos = 0;
	co.seq = 0;
	cs_rx_init(&co.rx, CS_TO_SENDER);
	tcp_link_connect(&co.link, __builtin_bswap32(co.ip), co.port, 0, on_rx, NULL, NULL);
	tcp_link_keepalive(&co.link, KEEPALIVE_IDLE_MS, KEEPALIVE_INTVL_MS, KEEPALIVE_COUNT);
	co.state = CO_CONNECTING;
}

/* Stages one frame (the stage is empty). */
static void stage(struct cs_msg *m)
{
	int n;

	m->seq = ++co.seq;
	n = cs_encode(m, co.stage, sizeof(co.stage));
	if (n < 0) {
		co.lost = "a frame this sender cannot encode";
		return;
	}
	co.stage_len = (size_t)n;
	co.stage_pos = 0;
}

static void stage_hello(void)
{
	struct cs_msg m = { .type = CS_HELLO, .guest = co.guest, .role = co.role,
			    .epoch = ft_witness_epoch(), .oldest = console_keep_oldest(&co.keep),
			    .produced = co.keep.head };

	stage(&m);
	co.hello_at_ns = co.now_ns;
	co.state = CO_HELLO;
}

/* The next DATA, when the stage is free and there are bytes to send. */
static void stage_data(void)
{
	struct cs_msg m = { .type = CS_DATA };

	co.sent = MAX(co.sent, console_keep_oldest(&co.keep));
	m.len = (u16)console_keep_copy(&co.keep, co.sent, co.chunk, CS_DATA_MAX);
	if (!m.len)
		return;
	m.offset = co.sent;
	m.data = co.chunk;
	stage(&m);
	co.sent += m.len;
	co.bytes_sent += m.len;
}

/* --- what the listener says ------------------------------------------------------- */

static void take_welcome(const struct cs_msg *m)
{
	char peer[32];

	if (co.state != CO_HELLO) {
		co.lost = "the listener said WELCOME twice";
		return;
	}
	console_keep_ack(&co.keep, m->offset);
	co.sent = console_keep_resend_from(&co.keep, m->offset);
	co.state = CO_STREAMING;
	co.backoff_ns = BACKOFF_MIN_NS;
	co.told_unreachable = false;
	co.connections++;
	tcp_link_peer_name(&co.link, peer, sizeof(peer));
	pr_info("console_out: the listener at %s has %llu bytes of the console; sending from %llu "
		"(this side has %llu)", peer, m->offset, co.sent, co.keep.head);
	if (m->offset > co.keep.head)
		pr_info("console_out: the listener is ahead of this side's console: its bytes past "
			"%llu are sent as they come, for it to check", co.keep.head);
	else if (m->offset < console_keep_oldest(&co.keep))
		pr_warn("console_out: the listener lacks bytes [%llu, %llu), which this side no "
			"longer keeps: it sees a gap", m->offset, console_keep_oldest(&co.keep));
}

static void take_msg(const struct cs_msg *m)
{
	if (m->type == CS_WELCOME) {
		take_welcome(m);
	} else if (m->type == CS_ACK && co.state == CO_STREAMING) {
		console_keep_ack(&co.keep, m->offset);
	} else if (m->type == CS_ACK) {
		co.lost = "the listener said ACK before WELCOME";
	} else {
		fmt_snprintf(co.why, sizeof(co.why), "the listener refused this sender (%s): %s",
			     cs_reason_name(m->reason), m->text);
		co.lost = co.why;
		co.lost_for_good = m->reason == CS_R_OTHER_GUEST;
	}
}

static int on_rx(void *ctx, const u8 *data, size_t len)
{
	size_t pos = 0, used;
	struct cs_msg m;

	while (pos < len && !co.lost) {
		enum cs_rx_status st = cs_rx_push(&co.rx, data + pos, len - pos, &used, &m);

		pos += used;
		if (st == CS_RX_REFUSED) {
			fmt_snprintf(co.why, sizeof(co.why), "the listener's answer is malformed: %s",
				     co.rx.why);
			co.lost = co.why;
		} else if (st == CS_RX_FRAME) {
			take_msg(&m);
		}
	}
	return 0;
}

/* --- the loop --------------------------------------------------------------------- */

/* Hands the staged frame to TCP, and stages the next. */
static void pump(void)
{
	if (co.state == CO_CONNECTING && co.link.state == TCP_LINK_UP)
		stage_hello();
	if (co.state != CO_HELLO && co.state != CO_STREAMING)
		return;
	for (;;) {
		if (co.stage_pos < co.stage_len &&
		    !tcp_link_push(&co.link, co.stage, co.stage_len, &co.stage_pos))
			return;
		co.stage_len = co.stage_pos = 0;
		if (co.state != CO_STREAMING || co.sent >= co.keep.head)
			return;
		stage_data();
	}
}

void console_out_poll(u64 now_ns)
{
	co.now_ns = now_ns;
	if (co.state == CO_OFF || co.state == CO_REPLAYING || co.state == CO_REFUSED)
		return;
	if (co.state == CO_BACKOFF) {
		if (now_ns >= co.retry_at_ns)
			connect_now();
		return;
	}
	tcp_link_poll(&co.link, now_ns);
	if (co.lost) {
		drop(co.lost, co.lost_for_good);
	} else if (co.link.state == TCP_LINK_DOWN) {
		drop(co.link.failure ? co.link.failure : "the connection ended", false);
	} else if (co.state == CO_HELLO && now_ns - co.hello_at_ns > HELLO_WAIT_NS) {
		drop("the listener did not answer HELLO", false);
	} else {
		pump();
	}
}

/* --- the guest console's tap ---------------------------------------------------- */

static void taken(const u8 *bytes, size_t len)
{
	console_keep_put(&co.keep, bytes, len);
}

static u64 room(void)
{
	return console_keep_room(&co.keep);
}

/* The guest waits for the listener to acknowledge: the network, the stream. */
static void wait_for_room(void)
{
	net_poll();
	console_out_poll(time_now_ns());
	cpu_relax();
}

static void goes_live(void)
{
	co.keep.live = true;
	co.role = CS_ROLE_BACKUP;
	co.backoff_ns = BACKOFF_MIN_NS;
	co.state = CO_BACKOFF;
	co.retry_at_ns = 0;
	pr_info("console_out: this backup is live: it sends the console, %llu bytes so far (it "
		"keeps [%llu, %llu))", co.keep.head, console_keep_oldest(&co.keep), co.keep.head);
}

/* The console stream goes on at offset (a resync, a join): so does what
 * this side keeps and would send. */
static void restart(u64 offset)
{
	console_keep_restart(&co.keep, offset);
	co.sent = offset;
}

static const struct guest_console_tap tap = { taken, room, wait_for_room, goes_live, restart };

/* --- start, end, status --------------------------------------------------------- */

void console_out_start(const struct config *cfg, u64 guest_id)
{
	bool live = cfg->role != FT_ROLE_BACKUP;
	char ip[16];

	if (!cfg->console_out_ip)
		return;
	co.ip = cfg->console_out_ip;
	co.port = cfg->console_out_port;
	co.guest = guest_id;
	co.role = cfg->role == FT_ROLE_PRIMARY ? CS_ROLE_PRIMARY : CS_ROLE_ALONE;
	console_keep_init(&co.keep, live);
	co.backoff_ns = BACKOFF_MIN_NS;
	co.state = CO_REPLAYING;
	co.now_ns = time_now_ns();
	/* Connecting now, the connection is made while a primary waits for its
	 * backup (lwIP moves it on in any net_poll), not after its guest has
	 * started writing. */
	if (live)
		connect_now();
	guest_console_tap(&tap);
	fmt_snprintf(ip, sizeof(ip), "%u.%u.%u.%u", co.ip >> 24, (co.ip >> 16) & 0xFF,
		     (co.ip >> 8) & 0xFF, co.ip & 0xFF);
	pr_info("console_out: the guest's console (guest %016llx) goes to the listener at %s:%u%s",
		guest_id, ip, co.port, live ? "" : " once this backup goes live");
}

void console_out_finish(u32 wait_ms)
{
	u64 end = time_now_ns() + (u64)wait_ms * NS_PER_MS;

	if (co.state == CO_OFF)
		return;
	while (co.keep.live && co.state != CO_REFUSED && console_keep_unacked(&co.keep) &&
	       time_now_ns() < end) {
		net_poll();
		console_out_poll(time_now_ns());
		cpu_relax();
	}
	pr_info("console_out: %llu console bytes, %llu acknowledged by the listener; %llu sent "
		"over %llu connections%s", co.keep.head, MIN(co.keep.acked, co.keep.head),
		co.bytes_sent, co.connections,
		co.keep.live ? "" : " (a backup that never went live sends nothing)");
	if (co.keep.live && console_keep_unacked(&co.keep))
		pr_warn("console_out: the listener lacks the last %llu bytes",
			console_keep_unacked(&co.keep));
	tcp_link_close(&co.link, NULL);
	co.state = CO_OFF;
}

void console_out_status(struct hv_status_console_out *st)
{
	st->on = co.state != CO_OFF;
	st->live = co.keep.live;
	st->connected = co.state == CO_STREAMING;
	st->produced = co.keep.head;
	st->acked = MIN(co.keep.acked, co.keep.head);
	st->connections = co.connections;
}
