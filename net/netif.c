/*
 * The glue between lwIP and a network device (drivers/net/netdev.h): lwIP's
 * linkoutput sends through nd->ops->send, frames from nd->ops->poll become
 * pbufs for netif->input, and the link state is polled from
 * nd->ops->link_up. Ethernet framing and ARP are lwIP's (etharp_output,
 * ethernet_input).
 */
#include "net/port.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#include "errno.h"
#include "net/guest_port.h"

/* A pbuf chain is flattened here: drivers take one contiguous frame. */
static u8 tx_frame[ETH_FRAME_MAX];

static err_t send_frame(struct netdev *nd, const void *frame, size_t len)
{
	int err = nd->ops->send(nd, frame, len);

	if (err) {
		LINK_STATS_INC(link.drop);
		return err == -EAGAIN ? ERR_MEM : ERR_IF; /* ERR_MEM: TCP retries */
	}
	LINK_STATS_INC(link.xmit);
	return ERR_OK;
}

static err_t port_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct netdev *nd = port_netdev(nif);
	size_t len = p->tot_len;

	if (len > ETH_FRAME_MAX) {
		LINK_STATS_INC(link.lenerr);
		return ERR_BUF;
	}
	if (!p->next && len >= ETH_ZLEN)
		return send_frame(nd, p->payload, len); /* already contiguous */
	if (pbuf_copy_partial(p, tx_frame, (u16_t)len, 0) != len)
		return ERR_BUF;
	if (len < ETH_ZLEN) {
		memset(tx_frame + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	return send_frame(nd, tx_frame, len);
}

/* One received frame, unless it is the guest's alone: copied into a pool pbuf (one pbuf holds a whole
 * frame) and handed to ethernet_input. */
static void port_rx(void *ctx, const void *frame, size_t len)
{
	struct netif *nif = ctx;
	struct pbuf *p;

	if (!guest_port_demux(nif->hwaddr, frame, len))
		return; /* the guest's alone (net/guest_port.h) */
	if (len < SIZEOF_ETH_HDR || len > ETH_FRAME_MAX) {
		LINK_STATS_INC(link.lenerr);
		LINK_STATS_INC(link.drop);
		return;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (!p) {
		LINK_STATS_INC(link.memerr);
		LINK_STATS_INC(link.drop);
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	LINK_STATS_INC(link.recv);
	if (nif->input(p, nif) != ERR_OK)
		pbuf_free(p);
}

int port_netif_poll(struct netif *nif, int budget)
{
	struct netdev *nd = port_netdev(nif);

	return nd->ops->poll(nd, port_rx, nif, budget);
}

void port_netif_check_link(struct netif *nif)
{
	struct netdev *nd = port_netdev(nif);
	bool up = nd->ops->link_up ? nd->ops->link_up(nd) : true;

	if (up && !netif_is_link_up(nif))
		netif_set_link_up(nif);
	else if (!up && netif_is_link_up(nif))
		netif_set_link_down(nif);
}

err_t port_netif_init(struct netif *nif)
{
	struct netdev *nd = port_netdev(nif);

	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->mtu = NET_MTU;
	nif->hwaddr_len = ETH_ALEN;
	memcpy(nif->hwaddr, nd->mac, ETH_ALEN);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	nif->output = etharp_output;
	nif->linkoutput = port_linkoutput;
	return ERR_OK;
}
