/*
 * TCP self-test between two instances (lwIP raw API). The client connects
 * to nettest_peer:5001, sends nettest_bytes of a known pattern (byte i is
 * i mod 251, so segment boundaries never line up with it) and closes its
 * sending side; the server counts and checks every byte and, at the
 * client's FIN, replies with 16 bytes: the count and the offset of the
 * first wrong byte (all ones if none), both big-endian. Each side prints
 * its figures and the run ends with exit code 0 when the count matches.
 * Between polls the CPU sleeps (hlt) until the network's next deadline.
 */
#include "net/nettest_tcp.h"

#include <string.h>

#include "lwip/ip4_addr.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"

#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "arch/x86/time.h"
#include "endian.h"
#include "log.h"
#include "net/net.h"
#include "net/nettest_common.h"

#define PATTERN_PERIOD 251
#define REPLY_LEN 16
#define NO_BAD_OFFSET UINT64_MAX
#define CHUNK (4 * TCP_MSS)                   /* bytes per tcp_write */
#define SEC_NS 1000000000ULL
#define ACCEPT_TIMEOUT_NS (300 * SEC_NS)     /* server: for the client to connect */
#define CONNECT_TIMEOUT_NS (60 * SEC_NS)     /* client: retries until then */
#define IDLE_TIMEOUT_NS (30 * SEC_NS)        /* no byte moved */
#define LINGER_NS (2 * SEC_NS)              /* client: for the server's FIN */
#define CONNECT_RETRY_MS 500

struct nettest {
	const struct nettest_config *cfg;
	bool server;
	struct tcp_pcb *pcb;      /* the connection */
	bool connected;
	u64 total;                /* client: bytes to send */
	u64 written;              /* client: bytes queued with tcp_write */
	bool fin_sent;
	u64 received;             /* server: bytes counted */
	unsigned pattern_pos;     /* server: received mod PATTERN_PERIOD */
	u64 bad_offset;           /* server: first byte off the pattern */
	u8 reply[REPLY_LEN];
	unsigned reply_len;       /* client: reply bytes so far; server: acked */
	u64 start_ns, end_ns, last_progress_ns, deadline_ns;
	bool done, failed;
	bool peer_closed;         /* client: the server's FIN arrived */
};

static struct nettest t;
static u8 chunk[CHUNK];

static void finish(bool ok)
{
	t.done = true;
	t.failed = !ok;
}

static void fail(const char *why, int err)
{
	if (t.done)
		return;
	if (err)
		pr_err("nettest: FAILED: %s (lwIP error %d)", why, err);
	else
		pr_err("nettest: FAILED: %s", why);
	finish(false);
}

static void progress(void)
{
	t.last_progress_ns = time_now_ns();
}

/* Stops using the connection: close politely, abort if lwIP cannot. Only
 * from the main loop, never inside lwIP's callbacks (which just finish()). */
static void drop_connection(void)
{
	struct tcp_pcb *pcb = t.pcb;

	if (!pcb)
		return;
	t.pcb = NULL;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	if (tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

static void client_retry(void *arg);

static void conn_err(void *arg, err_t err)
{
	t.pcb = NULL; /* lwIP has freed it */
	if (!t.server && !t.connected) {
		/* Refused, or no answer to the SYNs: again until the deadline. */
		sys_timeout(CONNECT_RETRY_MS, client_retry, NULL);
		return;
	}
	fail("the connection was reset or aborted", err);
}

/* --- server ----------------------------------------------------------------- */

static void check_pattern(const struct pbuf *p)
{
	for (const struct pbuf *q = p; q; q = q->next) {
		const u8 *b = q->payload;

		for (u16_t i = 0; i < q->len; i++) {
			if (b[i] != t.pattern_pos && t.bad_offset == NO_BAD_OFFSET)
				t.bad_offset = t.received + i;
			t.pattern_pos = t.pattern_pos + 1 == PATTERN_PERIOD ? 0 : t.pattern_pos + 1;
		}
		t.received += q->len;
	}
}

static void server_report(void)
{
	u64 ms, mbit;

	nettest_rate(t.received, t.end_ns - t.start_ns, &ms, &mbit);
	if (t.bad_offset == NO_BAD_OFFSET)
		console_printf("nettest: server received %llu bytes in %llu ms (%llu.%02llu Mbit/s), pattern ok\n",
			       t.received, ms,
			       (mbit / 100), (mbit % 100));
	else
		console_printf("nettest: FAILED: server received %llu bytes, the byte at offset %llu breaks the pattern\n",
			       t.received, t.bad_offset);
}

static err_t server_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	t.reply_len += len;
	progress();
	if (t.reply_len >= REPLY_LEN && !t.done) {
		server_report();
		finish(t.bad_offset == NO_BAD_OFFSET);
	}
	return ERR_OK;
}

/* The client closed its side: the count goes back. */
static err_t server_reply(struct tcp_pcb *pcb)
{
	u8 reply[REPLY_LEN];
	err_t err;

	t.end_ns = time_now_ns();
	be_put(reply, t.received, 8);
	be_put(reply + 8, t.bad_offset, 8);
	tcp_sent(pcb, server_sent);
	err = tcp_write(pcb, reply, REPLY_LEN, TCP_WRITE_FLAG_COPY);
	if (err == ERR_OK)
		err = tcp_output(pcb);
	if (err != ERR_OK)
		fail("cannot send the count back", err);
	return ERR_OK;
}

static err_t server_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	if (!p)
		return server_reply(pcb);
	check_pattern(p);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	progress();
	return ERR_OK;
}

static err_t server_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (t.pcb) { /* one client at a time */
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	t.pcb = pcb;
	t.connected = true;
	t.start_ns = time_now_ns();
	progress();
	tcp_arg(pcb, &t);
	tcp_recv(pcb, server_recv);
	tcp_err(pcb, conn_err);
	return ERR_OK;
}

static int server_start(void)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4), *listener;
	err_t err;

	if (!pcb)
		return -1;
	err = tcp_bind(pcb, IP4_ADDR_ANY, NETTEST_PORT);
	if (err != ERR_OK) {
		tcp_abort(pcb);
		return -1;
	}
	listener = tcp_listen_with_backlog(pcb, 1);
	if (!listener) {
		tcp_abort(pcb);
		return -1;
	}
	tcp_accept(listener, server_accept);
	t.deadline_ns = time_now_ns() + ACCEPT_TIMEOUT_NS;
	console_printf("nettest: server listening on %s:%u\n", net_address(), NETTEST_PORT);
	return 0;
}

/* --- client ----------------------------------------------------------------- */

static void fill_pattern(u8 *buf, u64 offset, u32 n)
{
	unsigned pos = (unsigned)(offset % PATTERN_PERIOD);

	for (u32 i = 0; i < n; i++) {
		buf[i] = (u8)pos;
		pos = pos + 1 == PATTERN_PERIOD ? 0 : pos + 1;
	}
}

/* Queues as much of the pattern as lwIP's send buffer takes, then the FIN. */
static void client_send(struct tcp_pcb *pcb)
{
	while (t.written < t.total) {
		u32 n = (u32)MIN((u64)MIN(tcp_sndbuf(pcb), CHUNK), t.total - t.written);
		err_t err;

		if (n == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 4)
			break;
		fill_pattern(chunk, t.written, n);
		err = tcp_write(pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY |
				(t.written + n < t.total ? TCP_WRITE_FLAG_MORE : 0));
		if (err == ERR_MEM)
			break; /* again when data is acknowledged */
		if (err != ERR_OK) {
			fail("tcp_write", err);
			return;
		}
		t.written += n;
	}
	if (t.written == t.total && !t.fin_sent) {
		t.fin_sent = tcp_shutdown(pcb, 0, 1) == ERR_OK; /* FIN; we still receive */
	}
	tcp_output(pcb);
}

static void client_report(u64 count, u64 bad)
{
	u64 ms, mbit;

	nettest_rate(t.total, t.end_ns - t.start_ns, &ms, &mbit);
	if (count == t.total && bad == NO_BAD_OFFSET) {
		console_printf("nettest: sent %llu bytes in %llu ms (%llu.%02llu Mbit/s), server counted %llu\n",
			       t.total, ms,
			       (mbit / 100), (mbit % 100),
			       count);
		finish(true);
		return;
	}
	console_printf("nettest: FAILED: sent %llu bytes, server counted %llu", t.total,
		       count);
	if (bad != NO_BAD_OFFSET)
		console_printf(", pattern broken at offset %llu", bad);
	console_printf("\n");
	finish(false);
}

static err_t client_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	if (!p) {
		if (t.done)
			t.peer_closed = true; /* the server has its ACK: all done */
		else
			fail("the server closed without sending its count", 0);
		return ERR_OK;
	}
	t.reply_len += pbuf_copy_partial(p, t.reply + t.reply_len,
					 (u16_t)MIN(p->tot_len, REPLY_LEN - t.reply_len), 0);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	progress();
	if (t.reply_len == REPLY_LEN && !t.done) {
		t.end_ns = time_now_ns();
		tcp_set_flags(pcb, TF_ACK_NOW); /* the server ends when the count is acknowledged */
		client_report(be_get(t.reply, 8), be_get(t.reply + 8, 8));
	}
	return ERR_OK;
}

static err_t client_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	progress();
	client_send(pcb);
	return ERR_OK;
}

/* Every second: a write refused for lack of memory is tried again. */
static err_t client_poll(void *arg, struct tcp_pcb *pcb)
{
	client_send(pcb);
	return ERR_OK;
}

static err_t client_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	if (err != ERR_OK)
		return err;
	t.connected = true;
	t.start_ns = time_now_ns();
	progress();
	console_printf("nettest: connected to %s:%u, sending %llu bytes\n",
		       ip4addr_ntoa(ip_2_ip4(&pcb->remote_ip)), NETTEST_PORT,
		       t.total);
	tcp_recv(pcb, client_recv);
	tcp_sent(pcb, client_sent);
	tcp_poll(pcb, client_poll, 2);
	client_send(pcb);
	return ERR_OK;
}

static void client_connect(void)
{
	ip4_addr_t peer;
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	err_t err;

	if (!pcb) {
		fail("no memory for a TCP connection", ERR_MEM);
		return;
	}
	ip4_addr_set_u32(&peer, lwip_htonl(t.cfg->peer));
	tcp_arg(pcb, &t);
	tcp_err(pcb, conn_err);
	t.pcb = pcb;
	err = tcp_connect(pcb, &peer, NETTEST_PORT, client_connected);
	if (err != ERR_OK) {
		t.pcb = NULL;
		tcp_abort(pcb);
		fail("tcp_connect", err);
	}
}

static void client_retry(void *arg)
{
	if (!t.done && !t.connected && !t.pcb)
		client_connect();
}

static int client_start(void)
{
	t.total = t.cfg->bytes;
	t.deadline_ns = time_now_ns() + CONNECT_TIMEOUT_NS;
	client_connect();
	return 0;
}

/* --- the loop ------------------------------------------------------------------ */

static void check_timeouts(u64 now)
{
	if (!t.connected && now > t.deadline_ns)
		fail(t.server ? "no client connected" : "could not connect to the server", 0);
	else if (t.connected && now - t.last_progress_ns > IDLE_TIMEOUT_NS)
		fail("no data moved for 30 s", 0);
}

/* The client's last ACK must reach the server, which ends when its count
 * is acknowledged and then closes: keep answering until its FIN arrives. */
static void linger(void)
{
	u64 end = time_now_ns() + LINGER_NS;

	while (t.pcb && !t.peer_closed && time_now_ns() < end) {
		net_poll();
		nettest_sleep_until(MIN(net_next_deadline_ns(), end));
	}
}

int nettest_run(const struct nettest_config *cfg)
{
	if (nettest_check_config(cfg))
		return PLATFORM_EXIT_CONFIG;
	memset(&t, 0, sizeof(t));
	t.cfg = cfg;
	t.server = cfg->server;
	t.bad_offset = NO_BAD_OFFSET;
	if (!nettest_wait_for_address()) {
		fail("no address within 30 s", 0);
	} else if ((t.server ? server_start() : client_start()) != 0) {
		fail("cannot listen on the nettest port", 0);
	}
	while (!t.done) {
		net_poll();
		check_timeouts(time_now_ns());
		if (!t.done)
			nettest_sleep_until(net_next_deadline_ns());
	}
	if (!t.server && !t.failed)
		linger();
	drop_connection(); /* sends our FIN at once */
	net_poll();
	nettest_report_costs();
	return t.failed ? NETTEST_EXIT_FAILED : 0;
}
