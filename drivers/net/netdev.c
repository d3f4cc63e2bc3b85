/* The registry of host network devices (filled by the NIC drivers' PCI
 * probes, read by the network stack and the driver self-test). No hardware
 * access: the unit tests link it. */
#include "drivers/net/netdev.h"

#include "errno.h"
#include "fmt.h"
#include "log.h"

static struct netdev *devices[NETDEV_MAX];
static unsigned count;

int netdev_register(struct netdev *nd)
{
	char mac[NETDEV_MAC_STR_LEN];

	if (!nd || !nd->name || !nd->ops || !nd->ops->send || !nd->ops->poll ||
	    !nd->ops->link_up)
		return -EINVAL;
	if (count == NETDEV_MAX) {
		pr_warn("netdev: %s %s not registered: already %u devices", nd->name,
			netdev_mac_str(nd->mac, mac), NETDEV_MAX);
		return -ENOSPC;
	}
	devices[count++] = nd;
	pr_debug("netdev: %u is %s %s at %02x:%02x.%x", count - 1, nd->name,
		 netdev_mac_str(nd->mac, mac), nd->pci_bus, nd->pci_dev, nd->pci_fn);
	return 0;
}

unsigned netdev_count(void)
{
	return count;
}

struct netdev *netdev_get(unsigned i)
{
	return i < count ? devices[i] : NULL;
}

const char *netdev_mac_str(const u8 mac[ETH_ALEN], char out[NETDEV_MAC_STR_LEN])
{
	fmt_snprintf(out, NETDEV_MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		     mac[2], mac[3], mac[4], mac[5]);
	return out;
}
