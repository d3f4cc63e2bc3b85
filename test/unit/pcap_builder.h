/*
 * Packet captures built in memory, for the tests of test/bench/pcap_tcp.c
 * and its fuzzer's seeds: a classic pcap file (either byte order) of
 * Ethernet frames carrying IPv4 TCP segments, as QEMU's filter-dump writes
 * them.
 */
#ifndef UNDERSTUDY_TEST_UNIT_PCAP_BUILDER_H
#define UNDERSTUDY_TEST_UNIT_PCAP_BUILDER_H

#include <string.h>

#include "test/bench/pcap_tcp.h"

#define PB_MAX (1u << 20)
#define PB_CLIENT_IP 0x0A090001u /* 10.9.0.1: scripts/migrate.sh's source */
#define PB_SERVER_IP 0x0A090002u /* 10.9.0.2: its destination */
#define PB_TCP_HDR 20
#define PB_IP_HDR 20

struct pcap_builder {
	u8 buf[PB_MAX];
	size_t len;
	bool big_endian;   /* the file's byte order */
};

static inline void pb_put(struct pcap_builder *b, const void *p, size_t n)
{
	if (b->len + n <= PB_MAX)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
}

/* A u16 or u32 in the file's byte order. */
static inline void pb_file16(struct pcap_builder *b, u16 v)
{
	u8 p[2] = { (u8)v, (u8)(v >> 8) };

	if (b->big_endian) {
		p[0] = (u8)(v >> 8);
		p[1] = (u8)v;
	}
	pb_put(b, p, 2);
}

static inline void pb_file32(struct pcap_builder *b, u32 v)
{
	if (b->big_endian) {
		pb_file16(b, (u16)(v >> 16));
		pb_file16(b, (u16)v);
	} else {
		pb_file16(b, (u16)v);
		pb_file16(b, (u16)(v >> 16));
	}
}

static inline void pb_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void pb_be32(u8 *p, u32 v)
{
	pb_be16(p, (u16)(v >> 16));
	pb_be16(p + 2, (u16)v);
}

/* The file header: version 2.4, Ethernet, microsecond timestamps. */
static inline void pb_init(struct pcap_builder *b, bool big_endian, u32 linktype)
{
	b->len = 0;
	b->big_endian = big_endian;
	pb_file32(b, PCAP_MAGIC_US);
	pb_file16(b, 2);
	pb_file16(b, 4);
	pb_file32(b, 0);
	pb_file32(b, 0);
	pb_file32(b, 65535);
	pb_file32(b, linktype);
}

/* One record: the first incl bytes of a frame of orig bytes. */
static inline void pb_record(struct pcap_builder *b, const u8 *frame, u32 incl, u32 orig)
{
	pb_file32(b, 0);
	pb_file32(b, 0);
	pb_file32(b, incl);
	pb_file32(b, orig);
	pb_put(b, frame, incl);
}

/* An Ethernet frame carrying an IPv4 TCP segment into f; its length. */
static inline size_t pb_tcp_frame(u8 *f, u32 src, u32 dst, u16 sport, u16 dport, u32 seq,
				  u8 flags, const void *data, size_t len)
{
	u8 *ip = f + ETH_HDR, *tcp = ip + PB_IP_HDR;

	memset(f, 0, ETH_HDR + PB_IP_HDR + PB_TCP_HDR);
	pb_be16(f + 12, ETH_TYPE_IPV4);
	ip[0] = 0x45;
	pb_be16(ip + 2, (u16)(PB_IP_HDR + PB_TCP_HDR + len));
	ip[8] = 64;
	ip[9] = IPV4_PROTO_TCP;
	pb_be32(ip + 12, src);
	pb_be32(ip + 16, dst);
	pb_be16(tcp, sport);
	pb_be16(tcp + 2, dport);
	pb_be32(tcp + 4, seq);
	tcp[12] = (PB_TCP_HDR / 4) << 4;
	tcp[13] = flags;
	if (len)
		memcpy(tcp + PB_TCP_HDR, data, len);
	return ETH_HDR + PB_IP_HDR + PB_TCP_HDR + len;
}

/* A whole segment from the client (sport) to the server (dport). */
static inline void pb_segment(struct pcap_builder *b, u16 sport, u16 dport, u32 seq, u8 flags,
			      const void *data, size_t len)
{
	static u8 frame[ETH_HDR + PB_IP_HDR + PB_TCP_HDR + 65536];
	size_t n = pb_tcp_frame(frame, PB_CLIENT_IP, PB_SERVER_IP, sport, dport, seq, flags, data,
				len);

	pb_record(b, frame, (u32)n, (u32)n);
}

/* data (len bytes) sent from sport to dport after a SYN with isn, in
 * segments of mss bytes, in order, then a FIN. */
static inline void pb_stream(struct pcap_builder *b, u16 sport, u16 dport, u32 isn,
			     const u8 *data, size_t len, size_t mss)
{
	pb_segment(b, sport, dport, isn, TCP_FLAG_SYN, NULL, 0);
	for (size_t off = 0; off < len; off += mss)
		pb_segment(b, sport, dport, isn + 1 + (u32)off, TCP_FLAG_ACK, data + off,
			   len - off < mss ? len - off : mss);
	pb_segment(b, sport, dport, isn + 1 + (u32)len, TCP_FLAG_ACK | TCP_FLAG_FIN, NULL, 0);
}

#endif
