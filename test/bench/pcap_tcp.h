/*
 * The bytes one side of a TCP connection sent, from a packet capture: a
 * classic pcap file (what QEMU's filter-dump writes: Ethernet frames) in
 * memory. The connection is the first one opened to a given port (its
 * first SYN); its client-to-server segments are put back in order by
 * sequence number, retransmitted and overlapping bytes taken once (they
 * must agree), up to the FIN or the end of the capture.
 *
 * The capture is outside input: anything malformed (a bad header, a record
 * running past the end, a cut frame of the connection, a hole in the
 * stream, a retransmit that disagrees) is refused with a message. Host
 * code (test/bench/mig_pairs.c): it allocates.
 */
#ifndef UNDERSTUDY_TEST_BENCH_PCAP_TCP_H
#define UNDERSTUDY_TEST_BENCH_PCAP_TCP_H

#include <stddef.h>

#include "types.h"

/* pcap's file and record headers ("libpcap file format": magic, version
 * 2.4, zone, sigfigs, snaplen, link type; seconds, fraction, captured and
 * original length). */
#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
#define PCAP_MAGIC_US 0xA1B2C3D4u /* timestamps in microseconds */
#define PCAP_MAGIC_NS 0xA1B23C4Du /* in nanoseconds */
#define PCAP_LINKTYPE_ETHERNET 1
#define ETH_HDR 14
#define ETH_TYPE_IPV4 0x0800
#define IPV4_PROTO_TCP 6
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_ACK 0x10
#define PCAP_TCP_MAX_STREAM (1u << 30) /* bytes of stream taken: well inside the 32-bit sequence space */

struct pcap_tcp_stream {
	u8 *data;       /* malloc'd: the client's bytes, in order */
	size_t len;
	u64 packets;    /* capture records */
	u64 segments;   /* the client's segments with data */
	u64 repeated;   /* of them, bytes already had (retransmits, overlaps) */
	u64 reordered;  /* of them, that arrived before an earlier byte */
	u16 client_port;
	char msg[160];  /* why the capture was refused */
};

/* Reassembles what the client sent to port in the capture (len bytes):
 * 0 with *s filled (free s->data), or -1 with s->msg set and nothing to
 * free. */
int pcap_tcp_stream(const u8 *pcap, size_t len, u16 port, struct pcap_tcp_stream *s);

#endif
