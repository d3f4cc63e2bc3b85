/* One TCP connection over lwIP's raw API (see tcp_link.h). */
#include "net/tcp_link.h"

#include <string.h>

#include "lwip/ip4_addr.h"
#include "lwip/tcp.h"

#include "arch/x86/time.h"
#include "compiler.h"
#include "errno.h"
#include "fmt.h"
#include "log.h"

#define CONNECT_RETRY_NS 500000000ULL /* between connection attempts */

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err);

/* Detaches our callbacks and closes pcb (aborting when lwIP cannot close
 * it); true when it was aborted. */
static bool release_pcb(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	if (tcp_close(pcb) == ERR_OK)
		return false;
	tcp_abort(pcb);
	return true;
}

static void fail_from_callback(struct tcp_link *l, const char *why)
{
	if (!l->failure)
		l->failure = why;
	l->close_wanted = true;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct tcp_link *l = arg;

	if (!l || l->pcb != pcb) {
		if (p)
			pbuf_free(p);
		return ERR_OK;
	}
	if (!p) {
		fail_from_callback(l, "the peer closed the connection");
		return ERR_OK;
	}
	l->heard_ns = time_now_ns();
	for (struct pbuf *q = p; q && !l->close_wanted; q = q->next) {
		l->bytes_received += q->len;
		if (l->rx(l->ctx, q->payload, q->len))
			fail_from_callback(l, NULL);
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct tcp_link *l = arg;

	if (!l)
		return ERR_OK;
	l->bytes_acked += len;
	l->heard_ns = time_now_ns();
	if (l->sent)
		l->sent(l->ctx);
	return ERR_OK;
}

/* lwIP has freed the pcb. */
static void on_err(void *arg, err_t err)
{
	struct tcp_link *l = arg;

	if (!l)
		return;
	l->pcb = NULL;
	if (l->state == TCP_LINK_CONNECTING && time_now_ns() >= l->connect_deadline_ns) {
		fail_from_callback(l, err == ERR_RST ? "the peer refused the connection"
						     : "the connection attempt failed");
		return;
	}
	if (l->state == TCP_LINK_CONNECTING) { /* refused or unanswered: again */
		l->retry_at_ns = time_now_ns() + CONNECT_RETRY_NS;
		return;
	}
	fail_from_callback(l, err == ERR_RST ? "the peer reset the connection"
					     : "the connection was aborted");
}

/* Keepalive on pcb as tcp_link_keepalive asked. */
static void apply_keepalive(const struct tcp_link *l, struct tcp_pcb *pcb)
{
	if (!l->keep_idle_ms)
		return;
	ip_set_option(pcb, SOF_KEEPALIVE);
	pcb->keep_idle = l->keep_idle_ms;
	pcb->keep_intvl = l->keep_intvl_ms;
	pcb->keep_cnt = l->keep_count;
}

static void attach(struct tcp_link *l, struct tcp_pcb *pcb)
{
	l->pcb = pcb;
	tcp_arg(pcb, l);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_nagle_disable(pcb);
	apply_keepalive(l, pcb);
}

static void connect_now(struct tcp_link *l)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	ip_addr_t peer;

	l->retry_at_ns = time_now_ns() + CONNECT_RETRY_NS;
	if (!pcb)
		return;
	ip_addr_set_ip4_u32(&peer, l->peer_ip);
	tcp_arg(pcb, l);
	tcp_err(pcb, on_err);
	l->pcb = pcb;
	if (tcp_connect(pcb, &peer, l->port, on_connected) != ERR_OK) {
		l->pcb = NULL;
		release_pcb(pcb);
	}
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct tcp_link *l = arg;

	if (!l || err != ERR_OK)
		return ERR_OK;
	attach(l, pcb);
	l->state = TCP_LINK_UP;
	l->heard_ns = time_now_ns();
	pr_info("tcp: connected to %s:%u", ip4addr_ntoa(ip_2_ip4(&pcb->remote_ip)), l->port);
	return ERR_OK;
}

int tcp_link_connect(struct tcp_link *l, u32 ip, u16 port, u64 timeout_ns, tcp_link_rx_fn rx,
		     void (*sent)(void *ctx), void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->peer_ip = ip;
	l->port = port;
	l->rx = rx;
	l->sent = sent;
	l->ctx = ctx;
	l->state = TCP_LINK_CONNECTING;
	l->connect_deadline_ns = time_now_ns() + timeout_ns;
	connect_now(l);
	return 0;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct tcp_link *l = arg;

	if (err != ERR_OK || !pcb || !l)
		return ERR_VAL;
	if (l->state != TCP_LINK_LISTENING) { /* one peer, once */
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	attach(l, pcb);
	l->state = TCP_LINK_UP;
	l->heard_ns = time_now_ns();
	return ERR_OK;
}

int tcp_link_listen(struct tcp_link *l, u16 port, tcp_link_rx_fn rx, void (*sent)(void *ctx),
		    void *ctx)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);

	memset(l, 0, sizeof(*l));
	if (!pcb)
		return -ENOMEM;
	ip_set_option(pcb, SOF_REUSEADDR); /* beside our own TIME_WAIT (lwipopts.h) */
	if (tcp_bind(pcb, IP4_ADDR_ANY, port) != ERR_OK) {
		tcp_abort(pcb);
		return -EBUSY;
	}
	l->listener = tcp_listen_with_backlog(pcb, 1);
	if (!l->listener) {
		tcp_abort(pcb);
		return -ENOMEM;
	}
	l->port = port;
	l->rx = rx;
	l->sent = sent;
	l->ctx = ctx;
	l->state = TCP_LINK_LISTENING;
	tcp_arg(l->listener, l);
	tcp_accept(l->listener, on_accept);
	return 0;
}

void tcp_link_poll(struct tcp_link *l, u64 now_ns)
{
	if (l->close_wanted) {
		tcp_link_close(l, l->failure);
		return;
	}
	if (l->state != TCP_LINK_CONNECTING || l->pcb || now_ns < l->retry_at_ns)
		return;
	if (now_ns >= l->connect_deadline_ns) {
		tcp_link_close(l, "the peer did not answer");
		return;
	}
	connect_now(l);
}

size_t tcp_link_room(const struct tcp_link *l)
{
	if (l->state != TCP_LINK_UP || !l->pcb || l->close_wanted)
		return 0;
	return tcp_sndbuf(l->pcb);
}

int tcp_link_send(struct tcp_link *l, const u8 *data, size_t len)
{
	err_t err;

	if (len > tcp_link_room(l))
		return -EAGAIN;
	err = tcp_write(l->pcb, data, (u16_t)len, TCP_WRITE_FLAG_COPY);
	if (err == ERR_OK)
		err = tcp_output(l->pcb);
	if (err == ERR_MEM)
		return -EAGAIN;
	if (err != ERR_OK) { /* closed from the loop: this may be an lwIP callback */
		fail_from_callback(l, "the connection refused data");
		return -EIO;
	}
	l->bytes_queued += len;
	return 0;
}

void tcp_link_keepalive(struct tcp_link *l, u32 idle_ms, u32 intvl_ms, u32 count)
{
	l->keep_idle_ms = idle_ms;
	l->keep_intvl_ms = intvl_ms;
	l->keep_count = count;
	if (l->pcb)
		apply_keepalive(l, l->pcb);
}

void tcp_link_peer_name(const struct tcp_link *l, char *buf, size_t size)
{
	const struct tcp_pcb *pcb = l->pcb;

	if (!pcb) {
		fmt_snprintf(buf, size, "a peer that has gone");
		return;
	}
	fmt_snprintf(buf, size, "%s:%u", ip4addr_ntoa(ip_2_ip4(&pcb->remote_ip)), pcb->remote_port);
}

int tcp_link_take(struct tcp_link *l, const u8 *data, size_t len)
{
	size_t n = MIN(len, tcp_link_room(l));
	int err;

	if (l->state != TCP_LINK_UP)
		return -EIO;
	if (!n)
		return 0;
	err = tcp_link_send(l, data, n);
	if (err == -EAGAIN)
		return 0;
	return err ? err : (int)n;
}

bool tcp_link_push(struct tcp_link *l, const u8 *buf, size_t len, size_t *pos)
{
	while (*pos < len) {
		size_t n = MIN(tcp_link_room(l), len - *pos);

		if (!n || tcp_link_send(l, buf + *pos, n))
			return false;
		*pos += n;
	}
	return true;
}

void tcp_link_close(struct tcp_link *l, const char *why)
{
	if (l->pcb)
		release_pcb(l->pcb);
	if (l->listener) {
		tcp_arg(l->listener, NULL);
		tcp_close(l->listener);
	}
	l->pcb = l->listener = NULL;
	if (why && !l->failure)
		l->failure = why;
	l->close_wanted = false;
	l->state = TCP_LINK_DOWN;
}
