/* Inside the lwIP port: the glue between an lwIP netif and a struct netdev
 * (net/netif.c), used by net/net.c. */
#ifndef UNDERSTUDY_NET_PORT_H
#define UNDERSTUDY_NET_PORT_H

#include "lwip/err.h"
#include "lwip/netif.h"

#include "drivers/net/netdev.h"

#define NET_MTU 1500

/* netif_add()'s init callback; netif->state is the struct netdev. */
err_t port_netif_init(struct netif *nif);

/* Hands up to budget received frames to lwIP; returns how many. */
int port_netif_poll(struct netif *nif, int budget);

/* Follows the NIC's link state (netif_set_link_up/down on a change). */
void port_netif_check_link(struct netif *nif);

static inline struct netdev *port_netdev(struct netif *nif)
{
	return nif->state;
}

#endif
