/*
 * The hypervisor's network interface (net/net.h) on lwIP, NO_SYS: one
 * netif on the first registered network device, a static address or DHCP.
 * Received frames are polled, never taken in an interrupt handler, so lwIP
 * only ever runs from net_poll() and the callers of its raw API, on one CPU.
 */
#include "net/net.h"

#include <string.h>

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "log.h"
#include "net/port.h"

#define NET_RX_BUDGET 64              /* frames per net_poll() */
#define NET_POLL_MIN_NS 1000000ULL  /* frames are polled: 1 ms late at most while traffic flows */
#define NET_POLL_MAX_NS 8000000ULL  /* and at most 8 ms when the link has been quiet */
#define NET_LINK_POLL_MS 250
#define NET_HEAP_PAGES (MEM_SIZE / PAGE_SIZE + 1) /* + lwIP's heap bookkeeping */

/* lwIP's heap (LWIP_RAM_HEAP_POINTER): pages from page_alloc, set before
 * lwip_init() runs mem_init(). */
unsigned char *net_ram_heap;

static struct {
	struct netif netif;
	struct netdev *nd;     /* NULL until net_init succeeds */
	bool dhcp;
	u32 reported_ip;       /* the address last reported, network order */
	int last_rx;           /* frames the last poll handed up */
	u64 last_poll_ns;
	u64 poll_period_ns;    /* doubles while polls find nothing, back to the minimum on a frame */
	char addr[16];
	struct net_stats stats;
} net;

/* Leading ones of a (contiguous) netmask. */
static unsigned prefix_len(const ip4_addr_t *mask)
{
	u32 m = lwip_ntohl(ip4_addr_get_u32(mask));
	unsigned n = 0;

	for (; m & 0x80000000u; m <<= 1)
		n++;
	return n;
}

/* "net: e1000 52:54:00:12:34:56 up, 10.0.2.15/24 gw 10.0.2.2", once per
 * new address (static at once, DHCP when leased or renewed elsewhere). */
static void report_address(struct netif *nif)
{
	char mac[NETDEV_MAC_STR_LEN], ip[16], gw[16] = "none";
	u32 addr = ip4_addr_get_u32(netif_ip4_addr(nif));

	if (!netif_is_up(nif) || addr == 0 || addr == net.reported_ip)
		return;
	net.reported_ip = addr;
	netdev_mac_str(nif->hwaddr, mac);
	ip4addr_ntoa_r(netif_ip4_addr(nif), ip, sizeof(ip));
	if (!ip4_addr_isany(netif_ip4_gw(nif)))
		ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof(gw));
	pr_info("net: %s %s up, %s/%u gw %s%s", net.nd->name, mac, ip,
		prefix_len(netif_ip4_netmask(nif)), gw, net.dhcp ? " (DHCP)" : "");
}

static void status_changed(struct netif *nif)
{
	if (!netif_is_up(nif) || ip4_addr_isany(netif_ip4_addr(nif)))
		net.reported_ip = 0;
	report_address(nif);
}

static void link_changed(struct netif *nif)
{
	pr_info("net: %s link %s", net.nd->name, netif_is_link_up(nif) ? "up" : "down");
}

static void link_poll(void *arg)
{
	port_netif_check_link(&net.netif);
	sys_timeout(NET_LINK_POLL_MS, link_poll, NULL);
}

static void config_addresses(const struct net_config *nc, ip4_addr_t *ip, ip4_addr_t *mask,
			     ip4_addr_t *gw)
{
	ip4_addr_set_zero(ip);
	ip4_addr_set_zero(mask);
	ip4_addr_set_zero(gw);
	if (nc->dhcp)
		return; /* DHCP fills them in */
	ip4_addr_set_u32(ip, lwip_htonl(nc->ip));
	ip4_addr_set_u32(mask, lwip_htonl(nc->netmask));
	ip4_addr_set_u32(gw, lwip_htonl(nc->gw));
}

static bool mac_is_set(const u8 *m)
{
	return m[0] | m[1] | m[2] | m[3] | m[4] | m[5];
}

/* mac= makes the device answer to another address (its receive filter and
 * nd->mac, which the netif copies); a driver whose address is fixed keeps
 * its own and says so. */
static void apply_mac(struct netdev *nd, const struct net_config *nc)
{
	char want[NETDEV_MAC_STR_LEN], have[NETDEV_MAC_STR_LEN];

	if (!mac_is_set(nc->mac) || !memcmp(nc->mac, nd->mac, ETH_ALEN))
		return;
	netdev_mac_str(nc->mac, want);
	if (nd->ops->set_mac && nd->ops->set_mac(nd, nc->mac) == 0) {
		pr_info("net: %s now answers to %s", nd->name, want);
		return;
	}
	pr_warn("net: mac=%s ignored: the %s driver cannot change its address; using %s",
		want, nd->name, netdev_mac_str(nd->mac, have));
}

/* Adds the netif for nd, brings it up and starts DHCP when asked. */
static int start_netif(struct netdev *nd, const struct net_config *nc)
{
	ip4_addr_t ip, mask, gw;

	config_addresses(nc, &ip, &mask, &gw);
	apply_mac(nd, nc);
	if (!netif_add(&net.netif, &ip, &mask, &gw, nd, port_netif_init, ethernet_input))
		return -EIO;
	netif_set_status_callback(&net.netif, status_changed);
	netif_set_default(&net.netif);
	port_netif_check_link(&net.netif);
	netif_set_link_callback(&net.netif, link_changed);
	sys_timeout(NET_LINK_POLL_MS, link_poll, NULL);
	net.dhcp = nc->dhcp;
	netif_set_up(&net.netif);
	if (net.dhcp && dhcp_start(&net.netif) != ERR_OK)
		return -ENOMEM;
	return 0;
}

int net_init(const struct net_config *nc)
{
	struct netdev *nd;
	phys_addr_t heap;
	int err;

	if (net.nd)
		return -EBUSY;
	nd = netdev_count() ? netdev_get(0) : NULL;
	if (!nd) {
		pr_err("net: no network device (PCI found no supported NIC); networking is off");
		return -ENODEV;
	}
	err = page_alloc(NET_HEAP_PAGES, 1, &heap);
	if (err) {
		pr_err("net: no memory for lwIP's %u KiB heap", MEM_SIZE / 1024);
		return err;
	}
	net_ram_heap = phys_to_virt(heap);
	lwip_init();
	net.nd = nd;
	net.poll_period_ns = NET_POLL_MIN_NS;
	err = start_netif(nd, nc);
	if (err) {
		pr_err("net: cannot bring %s up (%d)", nd->name, err);
		net.nd = NULL;
		return err;
	}
	if (net.dhcp)
		pr_info("net: %s: asking DHCP for an address", nd->name);
	return 0;
}

bool net_ready(void)
{
	return net.nd && netif_is_up(&net.netif) && !ip4_addr_isany(netif_ip4_addr(&net.netif));
}

/* Receiving is timed: the cycles from the driver's poll to lwIP's last
 * callback (the application's included) are the hypervisor's cost of a
 * received frame; polls that find nothing are counted apart. */
void net_poll(void)
{
	u64 start;

	if (!net.nd)
		return;
	start = rdtsc();
	net.last_rx = port_netif_poll(&net.netif, NET_RX_BUDGET);
	if (net.last_rx > 0) {
		net.stats.rx_frames += (u64)net.last_rx;
		net.stats.rx_cycles += rdtsc() - start;
	} else {
		net.stats.empty_polls++;
		net.stats.empty_poll_cycles += rdtsc() - start;
	}
	net.stats.polls++;
	net.poll_period_ns = net.last_rx > 0 ? NET_POLL_MIN_NS
					     : MIN(net.poll_period_ns * 2, NET_POLL_MAX_NS);
	net.last_poll_ns = time_now_ns();
	sys_check_timeouts();
}

const struct net_stats *net_stats(void)
{
	return &net.stats;
}

u64 net_next_deadline_ns(void)
{
	u64 now, next;
	u32 ms;

	if (!net.nd)
		return UINT64_MAX;
	now = time_now_ns();
	if (net.last_rx >= NET_RX_BUDGET)
		return now; /* the last poll left frames in the ring */
	next = net.last_poll_ns + net.poll_period_ns;
	ms = sys_timeouts_sleeptime();
	if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		next = MIN(next, now + (u64)ms * 1000000);
	return next;
}

const char *net_address(void)
{
	if (!net.nd)
		return "none";
	ip4addr_ntoa_r(netif_ip4_addr(&net.netif), net.addr, sizeof(net.addr));
	return net.addr;
}

struct netdev *net_device(void)
{
	return net.nd;
}
