/*
 * Announcing the guest's MAC where it now lives (docs/fault-tolerance.md,
 * "Takeover"): a backup that goes live sends, from the guest's MAC, a
 * gratuitous ARP for the guest's IPv4 address (RFC 5227 section 3, "ARP
 * Announcement": a request whose sender and target address are both the
 * guest's), so that switches learn the MAC's new port and neighbours
 * refresh their caches; without a known address, a RARP request for the
 * MAC itself (RFC 903), as QEMU's announce after a migration sends. The
 * address is learned from the guest's own sent frames (an ARP's sender
 * address, an IPv4 source address). Pure: no hardware, no network.
 */
#ifndef UNDERSTUDY_NET_GUEST_ANNOUNCE_H
#define UNDERSTUDY_NET_GUEST_ANNOUNCE_H

#include "drivers/net/netdev.h"
#include "types.h"

#define ETH_P_RARP 0x8035          /* EtherType RARP (RFC 903) */
#define RARP_OP_REQUEST_REVERSE 3  /* RFC 903: "request reverse" */
#define ANNOUNCE_FRAME_LEN ETH_ZLEN

/* The guest's IPv4 address as frame (one the guest sent from mac) shows
 * it: an ARP packet's sender address, or an IPv4 header's source address
 * (not 0.0.0.0 nor a broadcast or multicast one); true with *ip set, false
 * when the frame shows none (anything short or malformed included). */
bool announce_learn_ipv4(const u8 *frame, size_t len, const u8 mac[ETH_ALEN], u32 *ip);

/* Writes the announcement into frame (ANNOUNCE_FRAME_LEN bytes): a
 * gratuitous ARP for ip when known (ip_known), else a RARP request for
 * mac; returns ANNOUNCE_FRAME_LEN. */
size_t announce_build(u8 *frame, const u8 mac[ETH_ALEN], bool ip_known, u32 ip);

#endif
