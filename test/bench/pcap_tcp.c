/*
 * One direction of a TCP connection from a pcap capture
 * (test/bench/pcap_tcp.h): the records are read, each Ethernet frame
 * parsed down to TCP, the client's segments kept, then sorted by sequence
 * number and laid end to end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/bench/pcap_tcp.h"

struct segment {
	u32 rel;        /* first byte's offset in the stream */
	u32 len;
	u64 arrival;    /* its place in the capture */
	const u8 *data;
};

/* The connection being followed and what it has sent so far. */
struct flow {
	u16 port;
	bool open;                 /* its SYN seen */
	u32 src_ip, dst_ip, isn;
	u16 src_port;
	bool fin;
	u32 fin_rel;               /* where its FIN ends the stream */
	u32 max_end;               /* end of the furthest segment so far */
	struct segment *segs;
	size_t nsegs, cap;
};

static int refuse(struct pcap_tcp_stream *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static u16 be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* A u32 of the capture's own byte order. */
static u32 file32(const u8 *p, bool swapped)
{
	u32 v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

static u16 file16(const u8 *p, bool swapped)
{
	u16 v;

	memcpy(&v, p, 2);
	return swapped ? __builtin_bswap16(v) : v;
}

static int add_segment(struct flow *f, u32 rel, const u8 *data, u32 len, u64 arrival,
		       struct pcap_tcp_stream *s)
{
	if (f->nsegs == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		struct segment *n = realloc(f->segs, cap * sizeof(*n));

		if (!n)
			return refuse(s, "out of memory for %zu segments", cap);
		f->segs = n;
		f->cap = cap;
	}
	f->segs[f->nsegs++] = (struct segment){ rel, len, arrival, data };
	s->segments++;
	if (rel > f->max_end)
		s->reordered++;
	if (rel + len > f->max_end)
		f->max_end = rel + len;
	return 0;
}

/* A TCP segment (seg, len bytes) between src and dst: the SYN that opens
 * the followed connection, or one of its client's segments; anything else
 * is not ours. cut: the capture lost the frame's tail. */
static int take_tcp(struct flow *f, u32 src, u32 dst, const u8 *seg, size_t len, bool cut,
		    u64 arrival, struct pcap_tcp_stream *s)
{
	u16 sport, dport;
	u32 seq, hdr, rel;
	u8 flags;

	if (len < 20)
		return refuse(s, "record %llu: a TCP header cut short (%zu bytes)",
			      (unsigned long long)arrival, len);
	sport = be16(seg);
	dport = be16(seg + 2);
	seq = be32(seg + 4);
	hdr = (u32)(seg[12] >> 4) * 4;
	flags = seg[13];
	if (hdr < 20 || hdr > len)
		return refuse(s, "record %llu: TCP header length %u in a %zu-byte segment",
			      (unsigned long long)arrival, hdr, len);
	if (dport != f->port)
		return 0;
	if ((flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) == TCP_FLAG_SYN) {
		if (!f->open) {
			f->open = true;
			f->src_ip = src;
			f->dst_ip = dst;
			f->src_port = sport;
			f->isn = seq;
			s->client_port = sport;
		} else if (src == f->src_ip && sport == f->src_port && seq != f->isn) {
			return refuse(s, "record %llu: the connection to port %u was opened again",
				      (unsigned long long)arrival, f->port);
		}
	}
	if (!f->open || src != f->src_ip || dst != f->dst_ip || sport != f->src_port)
		return 0;
	if (cut)
		return refuse(s, "record %llu: a frame of the connection was cut by the capture's snapshot length",
			      (unsigned long long)arrival);
	rel = seq + ((flags & TCP_FLAG_SYN) ? 1 : 0) - (f->isn + 1);
	if (rel >= PCAP_TCP_MAX_STREAM || rel + (u32)(len - hdr) > PCAP_TCP_MAX_STREAM)
		return refuse(s, "record %llu: sequence number %u lies outside the stream (ISN %u)",
			      (unsigned long long)arrival, seq, f->isn);
	if ((flags & TCP_FLAG_FIN) && (!f->fin || rel + (u32)(len - hdr) < f->fin_rel)) {
		f->fin = true;
		f->fin_rel = rel + (u32)(len - hdr);
	}
	if (len == hdr)
		return 0;
	return add_segment(f, rel, seg + hdr, (u32)(len - hdr), arrival, s);
}

/* One captured Ethernet frame (orig: its length on the wire). */
static int take_frame(struct flow *f, const u8 *p, size_t len, size_t orig, u64 arrival,
		      struct pcap_tcp_stream *s)
{
	size_t ihl, total;

	if (len < ETH_HDR + 20 || be16(p + 12) != ETH_TYPE_IPV4)
		return 0; /* not IPv4: ARP and the like */
	p += ETH_HDR;
	len -= ETH_HDR;
	ihl = (size_t)(p[0] & 0x0F) * 4;
	total = be16(p + 2);
	if (p[0] >> 4 != 4 || ihl < 20 || total < ihl)
		return refuse(s, "record %llu: a malformed IPv4 header", (unsigned long long)arrival);
	if (p[9] != IPV4_PROTO_TCP)
		return 0;
	if (be16(p + 6) & 0x3FFF) /* MF or a fragment offset */
		return refuse(s, "record %llu: a fragmented TCP packet (fragments are not reassembled)",
			      (unsigned long long)arrival);
	if (total > len && orig - ETH_HDR < total)
		return refuse(s, "record %llu: IPv4 length %zu past the frame's %zu bytes",
			      (unsigned long long)arrival, total, orig - ETH_HDR);
	return take_tcp(f, be32(p + 12), be32(p + 16), p + ihl,
			(total > len ? len : total) - ihl, total > len, arrival, s);
}

/* Walks the records after the file header. */
static int read_records(struct flow *f, const u8 *pcap, size_t len, bool swapped,
			struct pcap_tcp_stream *s)
{
	size_t off = PCAP_FILE_HDR;

	while (off < len) {
		u32 incl, orig;

		if (len - off < PCAP_REC_HDR)
			return refuse(s, "record %llu: its header runs past the end of the file",
				      (unsigned long long)s->packets);
		incl = file32(pcap + off + 8, swapped);
		orig = file32(pcap + off + 12, swapped);
		off += PCAP_REC_HDR;
		if (incl > len - off)
			return refuse(s, "record %llu: %u bytes run past the end of the file",
				      (unsigned long long)s->packets, incl);
		if (incl > orig)
			return refuse(s, "record %llu: %u bytes captured of a %u-byte frame",
				      (unsigned long long)s->packets, incl, orig);
		if (take_frame(f, pcap + off, incl, orig, s->packets, s))
			return -1;
		off += incl;
		s->packets++;
	}
	return 0;
}

static int by_rel(const void *a, const void *b)
{
	const struct segment *x = a, *y = b;

	if (x->rel != y->rel)
		return x->rel < y->rel ? -1 : 1;
	return x->arrival < y->arrival ? -1 : x->arrival > y->arrival;
}

/* Lays the sorted segments end to end into s->data, stopping at the FIN:
 * a hole or a disagreeing overlap refuses the capture. */
static int assemble(struct flow *f, struct pcap_tcp_stream *s)
{
	u32 end = 0, pos = 0;

	for (size_t i = 0; i < f->nsegs; i++) {
		u32 e = f->segs[i].rel + f->segs[i].len;

		if (f->segs[i].rel > end)
			return refuse(s, "the capture misses bytes %u..%u of the stream", end,
				      f->segs[i].rel - 1);
		if (e > end)
			end = e;
	}
	if (f->fin && end > f->fin_rel)
		return refuse(s, "bytes past the FIN (stream ends at %u, data to %u)", f->fin_rel, end);
	s->data = malloc(end ? end : 1);
	if (!s->data)
		return refuse(s, "out of memory for a %u-byte stream", end);
	for (size_t i = 0; i < f->nsegs; i++) {
		const struct segment *g = &f->segs[i];
		u32 old = pos > g->rel ? (pos - g->rel < g->len ? pos - g->rel : g->len) : 0;

		if (old)
			s->repeated++;
		if (memcmp(s->data + g->rel, g->data, old)) {
			free(s->data);
			s->data = NULL;
			return refuse(s, "record %llu: a retransmitted segment disagrees with the bytes already had at %u",
				      (unsigned long long)g->arrival, g->rel);
		}
		memcpy(s->data + g->rel + old, g->data + old, g->len - old);
		if (g->rel + g->len > pos)
			pos = g->rel + g->len;
	}
	s->len = end;
	return 0;
}

int pcap_tcp_stream(const u8 *pcap, size_t len, u16 port, struct pcap_tcp_stream *s)
{
	struct flow f = { .port = port };
	bool swapped;
	u32 magic;
	int err;

	memset(s, 0, sizeof(*s));
	if (len < PCAP_FILE_HDR)
		return refuse(s, "not a pcap file: %zu bytes", len);
	memcpy(&magic, pcap, 4);
	swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) || magic == __builtin_bswap32(PCAP_MAGIC_NS);
	if (!swapped && magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS)
		return refuse(s, "not a pcap file (magic %08x; pcapng is not read)", magic);
	if (file16(pcap + 4, swapped) != 2)
		return refuse(s, "pcap major version %u (2 is read)", file16(pcap + 4, swapped));
	if (file32(pcap + 20, swapped) != PCAP_LINKTYPE_ETHERNET)
		return refuse(s, "pcap link type %u (Ethernet, 1, is read)", file32(pcap + 20, swapped));
	err = read_records(&f, pcap, len, swapped, s);
	if (!err && !f.open)
		err = refuse(s, "no connection to port %u in the capture", port);
	if (!err) {
		if (f.nsegs)
			qsort(f.segs, f.nsegs, sizeof(*f.segs), by_rel);
		err = assemble(&f, s);
	}
	free(f.segs);
	return err;
}
