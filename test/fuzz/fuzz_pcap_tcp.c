// sources: test/bench/pcap_tcp.c
/*
 * Fuzzes the pcap reader and TCP reassembly of test/bench/mig_pairs.c
 * (test/bench/pcap_tcp.c). Input: one byte of mode, then bytes.
 *   - Mode below 0x80: the bytes are a capture. It is refused with a
 *     message, or gives a stream no longer than the capture.
 *   - Mode 0x80 and up: the bytes are a stream, sent in segments of a
 *     size the mode sets, adjacent segments swapped (mode bit 0), every
 *     third one sent twice (bit 1), the whole file big-endian (bit 2),
 *     beside other traffic; the reassembly must give the stream back
 *     exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "test/unit/pcap_builder.h"

#define PORT 9720
#define CPORT 40000
#define ISN 0xFFFFFF00u /* the stream wraps past 2^32 */

static struct pcap_builder pb;

static void fuzz_capture(const u8 *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	struct pcap_tcp_stream s;

	memcpy(copy, data, size);
	if (pcap_tcp_stream(copy, size, PORT, &s)) {
		if (!s.msg[0] || s.data)
			abort();
	} else if (s.len > size || !s.data) {
		abort();
	}
	free(s.data);
	free(copy);
}

/* The segments of a stream of size bytes, in mss-byte pieces, in the
 * order and with the repeats the mode says. */
static void build_segments(const u8 *data, size_t size, u8 mode)
{
	size_t mss = 1 + (size_t)(mode & 0x78) * 4, n = (size + mss - 1) / mss;

	pb_segment(&pb, CPORT, PORT, ISN, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT, 80, 7, TCP_FLAG_ACK, "other", 5);
	for (size_t i = 0; i < n; i++) {
		size_t k = (mode & 1) ? (i ^ 1) : i, off;

		if (k >= n)
			k = i;
		off = k * mss;
		pb_segment(&pb, CPORT, PORT, ISN + 1 + (u32)off, TCP_FLAG_ACK, data + off,
			   size - off < mss ? size - off : mss);
		if ((mode & 2) && i % 3 == 0)
			pb_segment(&pb, CPORT, PORT, ISN + 1 + (u32)off, TCP_FLAG_ACK, data + off,
				   size - off < mss ? size - off : mss);
	}
	pb_segment(&pb, CPORT, PORT, ISN + 1 + (u32)size, TCP_FLAG_ACK | TCP_FLAG_FIN, NULL, 0);
}

static void fuzz_roundtrip(const u8 *data, size_t size, u8 mode)
{
	struct pcap_tcp_stream s;

	pb_init(&pb, (mode & 4) != 0, PCAP_LINKTYPE_ETHERNET);
	build_segments(data, size, mode);
	if (pb.len > PB_MAX)
		return; /* too large to build */
	if (pcap_tcp_stream(pb.buf, pb.len, PORT, &s) || s.len != size ||
	    memcmp(s.data, data, size))
		abort();
	free(s.data);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] < 0x80)
		fuzz_capture(data + 1, size - 1);
	else
		fuzz_roundtrip(data + 1, size - 1, data[0]);
	return 0;
}
