// sources: test/bench/pcap_tcp.c
/*
 * test/bench/pcap_tcp.c: the client's bytes of a captured connection come
 * back whole from captures in either byte order, split in any segments,
 * with retransmits, overlaps and reordering, beside other traffic (ARP,
 * other ports, the server's replies) that is left alone; a sequence number
 * wrapping past 2^32 is followed. Every malformed capture is refused with
 * a message: a bad file header, a record cut short, a frame of the
 * connection cut by the snapshot length, a hole, a retransmit that
 * disagrees, bytes past the FIN, the connection opened again, no
 * connection at all.
 */
#include "helpers.h"

#include <stdlib.h>

#include "test/unit/pcap_builder.h"

#define PORT 9720
#define CPORT 50000
#define STREAM 20000

static struct pcap_builder pb;
static u8 data[STREAM];

static void fill_data(void)
{
	for (size_t i = 0; i < STREAM; i++)
		data[i] = (u8)(i * 7 + (i >> 8));
}

/* The capture must give exactly the first len bytes of data. */
static void expect_stream(size_t len)
{
	struct pcap_tcp_stream s;

	assert_int_equal(pcap_tcp_stream(pb.buf, pb.len, PORT, &s), 0);
	assert_int_equal(s.len, len);
	assert_memory_equal(s.data, data, len);
	assert_int_equal(s.client_port, CPORT);
	free(s.data);
}

/* The capture must be refused with a message holding want. */
static void expect_refused(const char *want)
{
	struct pcap_tcp_stream s;

	assert_int_equal(pcap_tcp_stream(pb.buf, pb.len, PORT, &s), -1);
	assert_null(s.data);
	if (!strstr(s.msg, want))
		fail_msg("message '%s' lacks '%s'", s.msg, want);
}

static void test_in_order_both_byte_orders(void **state)
{
	fill_data();
	for (int be = 0; be < 2; be++) {
		pb_init(&pb, be, PCAP_LINKTYPE_ETHERNET);
		pb_stream(&pb, CPORT, PORT, 1000, data, STREAM, 1460);
		expect_stream(STREAM);
	}
}

static void test_other_traffic_ignored(void **state)
{
	u8 arp[60] = { [12] = 0x08, [13] = 0x06 };
	u8 frame[2048];
	size_t n;

	fill_data();
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_record(&pb, arp, sizeof(arp), sizeof(arp));
	pb_segment(&pb, CPORT, PORT, 500, TCP_FLAG_SYN, NULL, 0);
	/* the server's reply and data, another port, another client */
	n = pb_tcp_frame(frame, PB_SERVER_IP, PB_CLIENT_IP, PORT, CPORT, 9, TCP_FLAG_SYN | TCP_FLAG_ACK,
			 NULL, 0);
	pb_record(&pb, frame, (u32)n, (u32)n);
	n = pb_tcp_frame(frame, PB_SERVER_IP, PB_CLIENT_IP, PORT, CPORT, 10, TCP_FLAG_ACK, "zz", 2);
	pb_record(&pb, frame, (u32)n, (u32)n);
	pb_segment(&pb, CPORT, 80, 501, TCP_FLAG_ACK, "nope", 4);
	pb_segment(&pb, CPORT + 1, PORT, 77, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT + 1, PORT, 78, TCP_FLAG_ACK, "nope", 4);
	pb_segment(&pb, CPORT, PORT, 501, TCP_FLAG_ACK, data, 1000);
	expect_stream(1000);
}

/* Retransmits, overlaps and a reordered segment, with the ISN close to
 * 2^32 so the stream wraps. */
static void test_retransmit_reorder_wrap(void **state)
{
	const u32 isn = 0xFFFFF000u;
	struct pcap_tcp_stream s;

	fill_data();
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, isn, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT, PORT, isn, TCP_FLAG_SYN, NULL, 0); /* SYN again */
	pb_segment(&pb, CPORT, PORT, isn + 1, TCP_FLAG_ACK, data, 3000);
	pb_segment(&pb, CPORT, PORT, isn + 1 + 6000, TCP_FLAG_ACK, data + 6000, 4000); /* early */
	pb_segment(&pb, CPORT, PORT, isn + 1 + 3000, TCP_FLAG_ACK, data + 3000, 3000);
	pb_segment(&pb, CPORT, PORT, isn + 1 + 1000, TCP_FLAG_ACK, data + 1000, 1000); /* again */
	pb_segment(&pb, CPORT, PORT, isn + 1 + 5000, TCP_FLAG_ACK, data + 5000, 6000); /* overlaps */
	pb_segment(&pb, CPORT, PORT, isn + 1 + 11000, TCP_FLAG_ACK | TCP_FLAG_FIN, data + 11000, 9000);
	expect_stream(STREAM);
	assert_int_equal(pcap_tcp_stream(pb.buf, pb.len, PORT, &s), 0);
	assert_int_equal(s.segments, 6);
	assert_int_equal(s.repeated, 3); /* the repeat, the overlap, the early segment */
	assert_int_equal(s.reordered, 1);
	free(s.data);
}

static void test_bad_file_headers(void **state)
{
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb.len = PCAP_FILE_HDR - 1;
	expect_refused("not a pcap file");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb.buf[0] ^= 0xFF;
	expect_refused("magic");
	pb_init(&pb, true, 113);
	expect_refused("link type 113");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb.buf[4] = 3;
	expect_refused("major version 3");
}

static void test_cut_records(void **state)
{
	u8 frame[2048];
	size_t n;

	fill_data();
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_stream(&pb, CPORT, PORT, 1, data, 3000, 1000);
	pb.len -= 5;
	expect_refused("past the end of the file");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_stream(&pb, CPORT, PORT, 1, data, 3000, 1000);
	pb.len += 7; /* a piece of a record header */
	expect_refused("header runs past the end");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	n = pb_tcp_frame(frame, PB_CLIENT_IP, PB_SERVER_IP, CPORT, PORT, 2, TCP_FLAG_ACK, data, 1000);
	pb_record(&pb, frame, (u32)n - 100, (u32)n);
	expect_refused("cut by the capture's snapshot length");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_record(&pb, frame, (u32)n, (u32)n - 1);
	expect_refused("captured of a");
}

static void test_bad_headers(void **state)
{
	u8 frame[2048];
	size_t n;

	fill_data();
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	n = pb_tcp_frame(frame, PB_CLIENT_IP, PB_SERVER_IP, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	frame[ETH_HDR] = 0x44; /* IHL 16 bytes */
	pb_record(&pb, frame, (u32)n, (u32)n);
	expect_refused("malformed IPv4 header");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	n = pb_tcp_frame(frame, PB_CLIENT_IP, PB_SERVER_IP, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	frame[ETH_HDR + PB_IP_HDR + 12] = 0x40; /* TCP header 16 bytes */
	pb_record(&pb, frame, (u32)n, (u32)n);
	expect_refused("TCP header length 16");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	n = pb_tcp_frame(frame, PB_CLIENT_IP, PB_SERVER_IP, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	frame[ETH_HDR + 6] = 0x20; /* more fragments */
	pb_record(&pb, frame, (u32)n, (u32)n);
	expect_refused("fragmented");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	n = pb_tcp_frame(frame, PB_CLIENT_IP, PB_SERVER_IP, CPORT, PORT, 1, TCP_FLAG_SYN, data, 10);
	pb_be16(frame + ETH_HDR + 2, 400); /* IPv4 longer than the frame */
	pb_record(&pb, frame, (u32)n, (u32)n);
	expect_refused("IPv4 length 400");
}

static void test_bad_streams(void **state)
{
	fill_data();
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, 1, TCP_FLAG_ACK, data, 100); /* no SYN */
	expect_refused("no connection to port 9720");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT, PORT, 2, TCP_FLAG_ACK, data, 100);
	pb_segment(&pb, CPORT, PORT, 202, TCP_FLAG_ACK, data + 200, 100);
	expect_refused("misses bytes 100..199");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT, PORT, 2, TCP_FLAG_ACK, data, 100);
	pb_segment(&pb, CPORT, PORT, 52, TCP_FLAG_ACK, data + 1, 100);
	expect_refused("disagrees");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT, PORT, 2, TCP_FLAG_ACK | TCP_FLAG_FIN, data, 100);
	pb_segment(&pb, CPORT, PORT, 102, TCP_FLAG_ACK, data + 100, 100);
	expect_refused("past the FIN");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT, PORT, 2, TCP_FLAG_ACK, data, 100);
	pb_segment(&pb, CPORT, PORT, 5000, TCP_FLAG_SYN, NULL, 0);
	expect_refused("opened again");
	pb_init(&pb, false, PCAP_LINKTYPE_ETHERNET);
	pb_segment(&pb, CPORT, PORT, 1, TCP_FLAG_SYN, NULL, 0);
	pb_segment(&pb, CPORT, PORT, 0, TCP_FLAG_ACK, data, 100); /* before the SYN's */
	expect_refused("outside the stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_both_byte_orders),
		cmocka_unit_test(test_other_traffic_ignored),
		cmocka_unit_test(test_retransmit_reorder_wrap),
		cmocka_unit_test(test_bad_file_headers),
		cmocka_unit_test(test_cut_records),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_streams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
