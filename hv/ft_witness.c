/*
 * The pair's witness from the hypervisor (see ft_witness.h): the
 * connection (stream_link, TLS with the pair's key), the frames
 * (wit_encode, wit_rx) and the messages; the lease's logic is
 * proto/witness_client.c's. Like the log stream's client
 * (net/logstream/logstream_client.c), the link's callback never closes
 * the link: it says why in fw.lost and the next poll drops the connection,
 * which is made again after a backoff; the outstanding request then goes
 * again on the new one (sequence numbers start again at 1 per connection).
 */
#include "hv/ft_witness.h"

#include <string.h>

#include "arch/x86/time.h"
#include "compiler.h"
#include "errno.h"
#include "fmt.h"
#include "hv/config.h"
#include "log.h"
#include "net/stream_link.h"
#include "proto/witness_client.h"

#define NS_PER_MS 1000000ULL
#define BACKOFF_MIN_NS (100 * NS_PER_MS)
#define BACKOFF_MAX_NS (1000 * NS_PER_MS) /* well within a lease's third */
#define CONNECT_NS (5000 * NS_PER_MS)     /* the witness's own handshake limit */
#define IP_TEXT 16

_Static_assert((int)FT_WITNESS_NO_ANSWER == (int)WC_NO_ANSWER &&
		       (int)FT_WITNESS_WAIT == (int)WC_WAIT && (int)FT_WITNESS_GO == (int)WC_GO &&
		       (int)FT_WITNESS_STALE == (int)WC_STALE,
	       "ft_witness_verdict mirrors wc_verdict");

enum fw_conn { FW_BACKOFF, FW_CONNECTING, FW_UP, FW_FAILED };

static struct {
	bool on;
	struct wit_client wc;
	struct ft_psk key;
	u32 ip;                     /* host order */
	u16 port;
	char primary[IP_TEXT];      /* the backup's peer=; "" unknown */
	char addr[IP_TEXT + 6];     /* the witness's a.b.c.d:port, for messages */

	enum fw_conn conn;
	struct stream_link link;
	struct wit_rx rx;
	u64 seq;                    /* the last one sent on this connection */
	u8 out[WIT_FRAME_MAX];
	size_t out_len, out_pos;    /* the frame being handed to the link */
	const char *lost;           /* said in the callback: drop at the next poll */
	u64 connects;
	u64 now_ns, since_ns;       /* now; when the connection began */
	u64 retry_at_ns, backoff_ns;

	bool learning, learned;
	bool named;                 /* known_epoch is what the primary's stream named */
	u64 known_epoch;            /* the primary's, as learned or named */
	u64 learn_at_ms;
	/* what was last said, so that each change is said once */
	enum wc_state told_state;
	u64 told_epoch;
	enum wc_verdict told_verdict;
} fw;

static u64 now_ms(void)
{
	return fw.now_ns / NS_PER_MS;
}

static void ip_text(char *buf, u32 ip)
{
	fmt_snprintf(buf, IP_TEXT, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xFF, (ip >> 8) & 0xFF,
		     ip & 0xFF);
}

/* --- the connection ------------------------------------------------------------ */

static int on_rx(void *ctx, const u8 *data, size_t len);

static void connect_now(void)
{
	fw.lost = NULL;
	fw.seq = 0;
	fw.out_len = fw.out_pos = 0;
	fw.since_ns = fw.now_ns;
	wit_rx_init(&fw.rx, WIT_TO_NODE);
	if (stream_link_connect(&fw.link, &fw.key, __builtin_bswap32(fw.ip), fw.port, 0, on_rx,
				NULL)) {
		pr_err("witness: cannot start TLS (no memory or no entropy for its keys)");
		fw.conn = FW_FAILED;
		return;
	}
	fw.conn = FW_CONNECTING;
}

/* Ends the connection; the next one after the backoff. */
static void drop(const char *why)
{
	stream_link_close(&fw.link);
	pr_warn("witness: %s; connecting again in %llu ms", why, fw.backoff_ns / NS_PER_MS);
	fw.conn = FW_BACKOFF;
	fw.retry_at_ns = fw.now_ns + fw.backoff_ns;
	fw.backoff_ns = MIN(fw.backoff_ns * 2, BACKOFF_MAX_NS);
}

/* The link went down by itself; a handshake refused on TLS's terms (a
 * different key) will not change by connecting again. */
static void link_down(void)
{
	const char *why = stream_link_failure(&fw.link);

	if (stream_link_refused(&fw.link)) {
		pr_err("witness: the witness refused the TLS handshake: %s (the same ft_key= on "
		       "both hypervisors and hvwitness --key-file?)", why ? why : "refused");
		stream_link_close(&fw.link);
		fw.conn = FW_FAILED;
		return;
	}
	drop(why && *why ? why : "the connection ended");
}

/* The link is up: a new connection for the client. */
static void on_up(void)
{
	fw.conn = FW_UP;
	fw.backoff_ns = BACKOFF_MIN_NS;
	if (fw.connects++)
		wc_on_reconnect(&fw.wc);
	pr_info("witness: connected to %s (TLS)", fw.addr);
}

/* Replies as they come; a frame the codec refuses ends the connection. */
static int on_rx(void *ctx, const u8 *data, size_t len)
{
	while (len && !fw.lost) {
		struct wit_msg m;
		size_t used = 0;
		enum wit_rx_status st = wit_rx_push(&fw.rx, data, len, &used, &m);

		data += used;
		len -= used;
		if (st == WIT_RX_REFUSED)
			fw.lost = fw.rx.why;
		else if (st == WIT_RX_FRAME)
			wc_on_reply(&fw.wc, &m, now_ms());
	}
	return fw.lost ? -1 : 0;
}

/* Hands the frame being sent, then the client's next request, to the link. */
static void push(void)
{
	struct wit_msg m;
	int n;

	if (fw.out_pos == fw.out_len) {
		switch (wc_next_request(&fw.wc, now_ms(), &m)) {
		case WC_SEND:
			m.seq = ++fw.seq;
			n = wit_encode(&m, fw.out, sizeof(fw.out));
			if (n < 0) {
				fw.lost = "a request the encoder refuses";
				return;
			}
			fw.out_len = (size_t)n;
			fw.out_pos = 0;
			break;
		case WC_TIMEOUT:
			fw.lost = wc_why(&fw.wc);
			return;
		default:
			return;
		}
	}
	n = stream_link_send(&fw.link, fw.out + fw.out_pos, fw.out_len - fw.out_pos);
	if (n > 0)
		fw.out_pos += (size_t)n;
}

static void poll_connection(void)
{
	stream_link_poll(&fw.link, fw.now_ns);
	if (fw.lost) {
		drop(fw.lost);
		return;
	}
	switch (stream_link_state(&fw.link)) {
	case STREAM_LINK_DOWN:
		link_down();
		return;
	case STREAM_LINK_UP:
		if (fw.conn == FW_CONNECTING)
			on_up();
		push();
		break;
	case STREAM_LINK_WAITING:
		if (fw.now_ns - fw.since_ns > CONNECT_NS)
			drop("no connection (TCP and TLS) within 5 s");
		break;
	}
}

/* --- what is said ---------------------------------------------------------------- */

/* Each change of the lease's state (or epoch) said once. */
static void tell_state(void)
{
	enum wc_state s = wc_state(&fw.wc);

	if (s == fw.told_state && (s != WC_HELD || wc_epoch(&fw.wc) == fw.told_epoch))
		return;
	fw.told_state = s;
	fw.told_epoch = wc_epoch(&fw.wc);
	if (s == WC_LOST || s == WC_ERROR)
		pr_err("witness: %s: %s", s == WC_LOST ? "the lease is lost" : "protocol error",
		       wc_why(&fw.wc));
	else if (s == WC_REFUSED)
		pr_warn("witness: %s", wc_why(&fw.wc));
	else if (s == WC_HELD)
		pr_info("witness: %s", wc_why(&fw.wc));
}

/* The backup's learning: the primary's epoch once it holds the lease. */
static void learn_step(void)
{
	const struct wc_seen *s = &fw.wc.seen;

	if (!fw.learning || fw.wc.query_wanted)
		return;
	if (s->valid && s->holder[0] && (!fw.primary[0] || !strcmp(s->holder, fw.primary)) &&
	    strcmp(s->holder, fw.wc.node)) {
		fw.learning = false;
		fw.learned = true;
		fw.known_epoch = s->epoch;
		if (!fw.primary[0]) /* no peer= on the backup: the holder is the primary */
			memcpy(fw.primary, s->holder, MIN(sizeof(fw.primary) - 1, strlen(s->holder)));
		pr_info("witness: the primary \"%s\" holds the lease at epoch %llu", s->holder,
			s->epoch);
	} else if (now_ms() >= fw.learn_at_ms) {
		fw.learn_at_ms = now_ms() + fw.wc.duration_ms / 3;
		wc_query(&fw.wc);
	}
}

/* --- the API ---------------------------------------------------------------------- */

int ft_witness_start(const struct config *cfg)
{
	char node[IP_TEXT];
	u32 duration = cfg->ft_timeout_ms;

	if (!cfg->witness_ip)
		return 0;
	ip_text(node, cfg->ip);
	if (wc_init(&fw.wc, node, duration, MAX(duration / 3, 1u))) {
		pr_err("witness: %s is not a node id the witness takes", node);
		return -EINVAL;
	}
	fw.key = cfg->ft_key;
	fw.ip = cfg->witness_ip;
	fw.port = cfg->witness_port;
	if (cfg->role == FT_ROLE_BACKUP && cfg->ft_peer_ip)
		ip_text(fw.primary, cfg->ft_peer_ip);
	fw.backoff_ns = BACKOFF_MIN_NS;
	fw.now_ns = time_now_ns();
	fw.on = true;
	ip_text(fw.addr, fw.ip);
	fmt_snprintf(fw.addr + strlen(fw.addr), sizeof(fw.addr) - strlen(fw.addr), ":%u", fw.port);
	pr_info("witness: node \"%s\", leases of %u ms, witness %s", node, duration, fw.addr);
	connect_now();
	return fw.conn == FW_FAILED ? -ENOMEM : 0;
}

bool ft_witness_configured(void)
{
	return fw.on;
}

void ft_witness_stop(void)
{
	if (fw.on)
		stream_link_close(&fw.link);
	memset(&fw, 0, sizeof(fw));
}

void ft_witness_poll(u64 now_ns)
{
	if (!fw.on)
		return;
	fw.now_ns = now_ns;
	wc_expire(&fw.wc, now_ms());
	learn_step();
	if (fw.conn == FW_BACKOFF && now_ns >= fw.retry_at_ns)
		connect_now();
	else if (fw.conn == FW_CONNECTING || fw.conn == FW_UP)
		poll_connection();
	tell_state();
}

void ft_witness_acquire(void)
{
	if (fw.on)
		wc_acquire(&fw.wc);
}

bool ft_witness_held(u64 now_ns)
{
	return fw.on && wc_held(&fw.wc, now_ns / NS_PER_MS);
}

bool ft_witness_lost(void)
{
	return fw.on && (wc_state(&fw.wc) == WC_LOST ||
			 (wc_state(&fw.wc) == WC_HELD && !wc_held(&fw.wc, now_ms())));
}

bool ft_witness_refused(void)
{
	return fw.on && (wc_state(&fw.wc) == WC_REFUSED || wc_state(&fw.wc) == WC_ERROR);
}

void ft_witness_release(void)
{
	if (fw.on)
		wc_release(&fw.wc);
}

bool ft_witness_releasing(void)
{
	return fw.on && wc_releasing(&fw.wc);
}

void ft_witness_bump(void)
{
	if (fw.on)
		wc_bump(&fw.wc);
}

u64 ft_witness_epoch(void)
{
	return fw.on && fw.wc.state == WC_HELD ? wc_epoch(&fw.wc) : 0;
}

void ft_witness_learn_primary(void)
{
	if (!fw.on || fw.named)
		return;
	fw.learning = true;
	fw.learn_at_ms = 0;
	fw.wc.seen.valid = false; /* a fresh answer only */
	learn_step();
}

void ft_witness_primary_named(u64 epoch)
{
	if (!fw.on || !epoch || (fw.named && epoch == fw.known_epoch))
		return;
	fw.named = fw.learned = true;
	fw.learning = false;
	fw.known_epoch = epoch;
	pr_info("witness: the primary's stream names its lease epoch %llu", epoch);
}

enum ft_witness_verdict ft_witness_takeover(u64 now_ns)
{
	enum wc_verdict v;

	if (!fw.on)
		return FT_WITNESS_NO_ANSWER;
	v = wc_takeover_verdict(&fw.wc, fw.known_epoch, fw.primary, now_ns / NS_PER_MS);
	if (v != fw.told_verdict) {
		fw.told_verdict = v;
		pr_info("witness: takeover: %s: %s", wc_verdict_name(v), wc_why(&fw.wc));
	}
	return (enum ft_witness_verdict)v;
}

const char *ft_witness_why(void)
{
	if (!fw.on)
		return "no witness= given";
	if (fw.conn == FW_FAILED)
		return "the witness cannot be reached over TLS with this key";
	return wc_why(&fw.wc);
}

void ft_witness_status(struct ft_witness_status *st, u64 now_ns)
{
	const struct wc_stats *s = &fw.wc.stats;

	memset(st, 0, sizeof(*st));
	if (!fw.on)
		return;
	*st = (struct ft_witness_status){
		.configured = true,
		.connected = fw.conn == FW_UP,
		.held = ft_witness_held(now_ns),
		.lease = wc_state_name(wc_state(&fw.wc)),
		.epoch = wc_epoch(&fw.wc),
		.grants = s->grants,
		.renewals = s->renewals,
		.refusals = s->refusals,
		.timeouts = s->timeouts,
		.reconnects = s->reconnects,
		.why = ft_witness_why(),
	};
}

void ft_witness_report(void)
{
	const struct wc_stats *s = &fw.wc.stats;

	if (!fw.on)
		return;
	pr_info("witness: lease %s, epoch %llu; %llu grants, %llu renewals, %llu refusals, "
		"%llu timeouts, %llu connections", wc_state_name(wc_state(&fw.wc)),
		wc_epoch(&fw.wc), s->grants, s->renewals, s->refusals, s->timeouts, fw.connects);
}
