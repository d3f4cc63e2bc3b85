/* The TLS link over lwIP TCP (see tls_link.h). */
#include "net/tls/tls_link.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "errno.h"
#include "log.h"
#include "net/tls/tls_conf.h"
#include "net/tls/tls_rng.h"

/* mbedTLS's heap for every link: a session takes about 40 KiB (two 16 KiB
 * record buffers and the cipher state), so this holds several. */
#define TLS_HEAP_BYTES (512 * 1024)

/* The heap, taken from the page allocator on first use, and the DRBG. */
static int tls_ready(void)
{
	static void *heap;

	if (!heap)
		heap = page_alloc_bytes(TLS_HEAP_BYTES);
	if (!heap) {
		pr_err("tls: no memory for mbedTLS's heap");
		return -ENOMEM;
	}
	return tls_rng_init(heap, TLS_HEAP_BYTES) ? -EIO : 0;
}

int tls_random(u8 *buf, size_t len)
{
	if (tls_ready())
		return -EIO;
	return mbedtls_ctr_drbg_random(tls_rng(), buf, len) ? -EIO : 0;
}

/* The TCP link's send, as TLS's transport: what lwIP takes now. */
static int tcp_send(void *ctx, const u8 *data, size_t len)
{
	struct tls_link *l = ctx;

	return tcp_link_take(&l->tcp, data, len);
}

/* The TCP connection is up: the TLS session starts on it. */
static void start_tls(struct tls_link *l)
{
	char peer[TLS_PEER_MAX];

	l->started = true;
	tcp_link_peer_name(&l->tcp, peer, sizeof(peer));
	if (tls_session_start(&l->tls, &l->conf, peer, (struct tls_transport){ tcp_send, l },
			      l->rx, l->ctx))
		l->failure = "no memory for the TLS session";
	else
		l->state = TLS_LINK_HANDSHAKE;
}

/* Ciphertext from TCP; a nonzero return closes TCP (the session said why). */
static int on_tcp_rx(void *ctx, const u8 *data, size_t len)
{
	struct tls_link *l = ctx;
	size_t keep = MIN(len, sizeof(l->peer_first) - l->peer_first_len);

	memcpy(l->peer_first + l->peer_first_len, data, keep);
	l->peer_first_len += (u8)keep;
	if (!l->started)
		start_tls(l);
	return tls_session_input(&l->tls, data, len) ? -EIO : 0;
}

/* TCP has room again. */
static void on_tcp_sent(void *ctx)
{
	struct tls_link *l = ctx;

	if (l->started)
		tls_session_poll(&l->tls);
	if (l->room && l->state == TLS_LINK_UP)
		l->room(l->ctx);
}

static int prepare(struct tls_link *l, bool server, const struct ft_psk *key, tls_rx_fn rx,
		   void *ctx)
{
	int err = tls_ready();

	memset(l, 0, sizeof(*l));
	l->server = server;
	l->rx = rx;
	l->ctx = ctx;
	l->state = TLS_LINK_WAITING;
	if (err)
		return err;
	return tls_conf_init(&l->conf, server, key, mbedtls_ctr_drbg_random, tls_rng()) ? -ENOMEM : 0;
}

int tls_link_connect(struct tls_link *l, u32 ip, u16 port, u64 timeout_ns,
		     const struct ft_psk *key, tls_rx_fn rx, void *ctx)
{
	int err = prepare(l, false, key, rx, ctx);

	if (!err)
		err = tcp_link_connect(&l->tcp, ip, port, timeout_ns, on_tcp_rx, on_tcp_sent, l);
	return err;
}

int tls_link_listen(struct tls_link *l, u16 port, const struct ft_psk *key, tls_rx_fn rx,
		    void *ctx)
{
	int err = prepare(l, true, key, rx, ctx);

	if (!err)
		err = tcp_link_listen(&l->tcp, port, on_tcp_rx, on_tcp_sent, l);
	return err;
}

/* The link's state from its two layers; the TCP link closes with the
 * session's reason when TLS failed. */
static void update_state(struct tls_link *l)
{
	if (l->started && l->tls.state == TLS_UP)
		l->state = TLS_LINK_UP;
	if (l->started && (l->tls.state == TLS_FAILED || l->tls.state == TLS_CLOSED)) {
		if (!l->failure)
			l->failure = l->tls.why;
		if (l->tcp.state != TCP_LINK_DOWN)
			tcp_link_close(&l->tcp, l->failure);
	}
	if (l->tcp.state == TCP_LINK_DOWN && l->state != TLS_LINK_DOWN) {
		if (!l->failure)
			l->failure = l->tcp.failure ? l->tcp.failure : "the connection ended";
		if (l->started && l->tls.state != TLS_FAILED && l->tls.state != TLS_CLOSED)
			pr_err("tls: link with %s ended: %s", l->tls.peer, l->failure);
		l->state = TLS_LINK_DOWN;
	}
}

void tls_link_poll(struct tls_link *l, u64 now_ns)
{
	tcp_link_poll(&l->tcp, now_ns);
	if (!l->started && l->tcp.state == TCP_LINK_UP)
		start_tls(l);
	if (l->started && l->tcp.state != TCP_LINK_DOWN) /* else it has nowhere to send */
		tls_session_poll(&l->tls);
	update_state(l);
}

int tls_link_send(struct tls_link *l, const u8 *data, size_t len)
{
	if (l->state == TLS_LINK_DOWN)
		return -EIO;
	if (l->state != TLS_LINK_UP)
		return 0;
	return tls_session_write(&l->tls, data, len);
}

bool tls_link_drained(const struct tls_link *l)
{
	return tls_session_drained(&l->tls) && tcp_link_drained(&l->tcp);
}

bool tls_link_refused(const struct tls_link *l)
{
	return l->started && l->tls.state == TLS_FAILED && l->tls.refused;
}

bool tls_link_peer_began_with(const struct tls_link *l, const void *prefix, size_t n)
{
	return n <= l->peer_first_len && !memcmp(l->peer_first, prefix, n);
}

void tls_link_close(struct tls_link *l)
{
	if (l->started) {
		if (l->tcp.state != TCP_LINK_DOWN) /* close_notify needs the connection */
			tls_session_close(&l->tls);
		tls_session_free(&l->tls);
	}
	tcp_link_close(&l->tcp, NULL);
	mbedtls_ssl_config_free(&l->conf);
	l->state = TLS_LINK_DOWN;
}
