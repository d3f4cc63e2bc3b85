// sources: proto/gdb_rsp.c
/*
 * proto/gdb_rsp.c: the GDB remote protocol's framing (packets, checksums,
 * escapes, acks, the interrupt byte) and its commands with their
 * arguments, as GDB sends them (the packets below are the ones GDB 13
 * sends in a session against a stub).
 */
#include "helpers.h"

#include <stdio.h>

#include "proto/gdb_rsp.h"

/* Feeds a string; returns the last event that was not NONE. */
static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s, size_t len)
{
	enum gdb_rx_event last = GDB_RX_NONE, e;

	for (size_t i = 0; i < len; i++)
		if ((e = gdb_rx_feed(rx, (u8)s[i])) != GDB_RX_NONE)
			last = e;
	return last;
}

static enum gdb_rx_event feed_str(struct gdb_rx *rx, const char *s)
{
	return feed(rx, s, strlen(s));
}

/* A packet framed by gdb_frame, then received: the same payload. */
static void round_trip(const u8 *payload, size_t len)
{
	static u8 wire[2 * GDB_PACKET_MAX + 8];
	static struct gdb_rx rx;
	size_t n = gdb_frame(payload, len, wire, sizeof(wire));

	assert_true(n >= len + 4);
	gdb_rx_init(&rx);
	assert_int_equal(feed(&rx, (const char *)wire, n), GDB_RX_PACKET);
	assert_int_equal(rx.len, len);
	assert_memory_equal(rx.buf, payload, len);
}

static void test_packets_with_good_checksums(void **state)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	assert_int_equal(feed_str(&rx, "$g#67"), GDB_RX_PACKET);
	assert_string_equal((char *)rx.buf, "g");
	assert_int_equal(feed_str(&rx, "+$m401000,40#22"), GDB_RX_PACKET);
	assert_string_equal((char *)rx.buf, "m401000,40");
	assert_int_equal(feed_str(&rx, "$qSupported:multiprocess+;swbreak+;hwbreak+#00"),
			 GDB_RX_BAD_CHECKSUM);
	assert_int_equal(feed_str(&rx, "$?#3F"), GDB_RX_PACKET); /* upper-case digits */
}

static void test_acks_interrupt_and_noise(void **state)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	assert_int_equal(gdb_rx_feed(&rx, '+'), GDB_RX_ACK);
	assert_int_equal(gdb_rx_feed(&rx, '-'), GDB_RX_NACK);
	assert_int_equal(gdb_rx_feed(&rx, GDB_INTERRUPT), GDB_RX_INTERRUPT);
	assert_int_equal(feed_str(&rx, "xyz\r\n"), GDB_RX_NONE);
	assert_int_equal(rx.garbage, 5);
	/* 0x03 inside a packet is data, not an interrupt */
	assert_int_equal(feed(&rx, "$\x03#03", 5), GDB_RX_PACKET);
	assert_int_equal(rx.buf[0], 3);
}

static void test_bad_checksums(void **state)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	assert_int_equal(feed_str(&rx, "$g#68"), GDB_RX_BAD_CHECKSUM);
	assert_int_equal(feed_str(&rx, "$g#x7"), GDB_RX_BAD_CHECKSUM);
	assert_int_equal(feed_str(&rx, "$g#6z"), GDB_RX_BAD_CHECKSUM);
	/* after a bad packet the next good one is taken */
	assert_int_equal(feed_str(&rx, "$g#67"), GDB_RX_PACKET);
}

static void test_escapes_are_undone_and_summed_as_sent(void **state)
{
	struct gdb_rx rx;
	/* X packet carrying the bytes '#', '$', '}' , '*': each escaped. */
	const u8 payload[] = { 'X', '1', ',', '4', ':', '#', '$', '}', '*' };

	round_trip(payload, sizeof(payload));
	gdb_rx_init(&rx);
	/* "}\x03" is 0x23 '#': sum of the bytes as sent: '}' + 0x03 = 0x80 */
	assert_int_equal(feed(&rx, "$}\x03#80", 6), GDB_RX_PACKET);
	assert_int_equal(rx.len, 1);
	assert_int_equal(rx.buf[0], '#');
}

static void test_cut_packet_restarts(void **state)
{
	struct gdb_rx rx;

	gdb_rx_init(&rx);
	assert_int_equal(feed_str(&rx, "$m10,4$g#67"), GDB_RX_PACKET);
	assert_string_equal((char *)rx.buf, "g");
	assert_int_equal(rx.garbage, 6);
}

static void test_too_long_is_dropped(void **state)
{
	static char big[GDB_PACKET_MAX + 16];
	struct gdb_rx rx;
	u8 sum = 0;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		sum += 'a';
	gdb_rx_init(&rx);
	gdb_rx_feed(&rx, '$');
	feed_str(&rx, big);
	gdb_rx_feed(&rx, '#');
	gdb_rx_feed(&rx, "0123456789abcdef"[sum >> 4]);
	assert_int_equal(gdb_rx_feed(&rx, "0123456789abcdef"[sum & 15]), GDB_RX_TOO_LONG);
	assert_int_equal(feed_str(&rx, "$g#67"), GDB_RX_PACKET);
}

static void test_frame_fits_or_refuses(void **state)
{
	u8 out[16];

	assert_int_equal(gdb_frame((const u8 *)"OK", 2, out, sizeof(out)), 6);
	assert_memory_equal(out, "$OK#9a", 6);
	assert_int_equal(gdb_frame((const u8 *)"OK", 2, out, 5), 0);
	assert_int_equal(gdb_frame((const u8 *)"", 0, out, sizeof(out)), 4);
	assert_memory_equal(out, "$#00", 4);
	assert_int_equal(gdb_frame((const u8 *)"****", 4, out, 11), 0); /* 8 escaped + 4 */
}

static void parse(const char *s, struct gdb_cmd *cmd)
{
	gdb_parse_command((const u8 *)s, strlen(s), cmd);
}

static void test_registers_and_memory(void **state)
{
	static struct gdb_cmd c;

	parse("g", &c);
	assert_int_equal(c.kind, GDB_CMD_READ_REGS);
	parse("G00ff10", &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_REGS);
	assert_int_equal(c.data_len, 3);
	assert_int_equal(c.data[1], 0xff);
	parse("p10", &c);
	assert_int_equal(c.kind, GDB_CMD_READ_REG);
	assert_int_equal(c.reg, 16);
	parse("P10=efbeadde00000000", &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_REG);
	assert_int_equal(c.data_len, 8);
	assert_int_equal(c.data[0], 0xef);
	parse("mffffffff81000000,40", &c);
	assert_int_equal(c.kind, GDB_CMD_READ_MEM);
	assert_int_equal(c.addr, 0xffffffff81000000ull);
	assert_int_equal(c.len, 0x40);
	parse("M1000,2:abcd", &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_MEM);
	assert_int_equal(c.data_len, 2);
	assert_int_equal(c.data[0], 0xab);
	gdb_parse_command((const u8 *)"X1000,3:\0#$", 11, &c);
	assert_int_equal(c.kind, GDB_CMD_WRITE_MEM);
	assert_memory_equal(c.data, "\0#$", 3);
}

static void test_malformed_arguments(void **state)
{
	static struct gdb_cmd c;
	const char *bad[] = {
		"m1000",               /* no length */
		"m1000,",              /* empty length */
		"m,10",                /* no address */
		"m1000,801",           /* more than GDB_MEM_MAX */
		"m10000000000000000,1", /* 17 digits */
		"m1000,4x",            /* trailing bytes */
		"M1000,2:abc",         /* odd hex */
		"M1000,2:abcdef",      /* more than LEN */
		"M1000,2:zzzz",        /* not hex */
		"M1000,2abcd",         /* no colon */
		"X1000,3:ab",          /* short binary data */
		"Z5,1000,1",           /* no such type */
		"Z0,1000",             /* no kind */
		"z0,1000,1,",          /* trailing comma */
		"p",                   /* no number */
		"P10",                 /* no value */
		"P10=abc",             /* odd hex */
		"G0",                  /* odd hex */
		"cx",                  /* bad address */
		"C",                   /* no signal */
		"vCont;x",             /* no such action */
		"qRcmd,6",             /* odd hex */
		"qRcmd,6100",          /* a NUL in the text */
		"qXfer:features:read:target.xml:0",
		"qXfer:features:read::0,100",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		parse(bad[i], &c);
		if (c.kind != GDB_CMD_MALFORMED)
			fail_msg("'%s' parsed as %d", bad[i], c.kind);
		assert_non_null(c.why);
	}
}

static void test_resume_and_points(void **state)
{
	static struct gdb_cmd c;

	parse("c", &c);
	assert_int_equal(c.kind, GDB_CMD_CONTINUE);
	assert_false(c.has_addr);
	parse("s401000", &c);
	assert_int_equal(c.kind, GDB_CMD_STEP);
	assert_true(c.has_addr);
	assert_int_equal(c.addr, 0x401000);
	parse("C05;401000", &c);
	assert_int_equal(c.kind, GDB_CMD_CONTINUE);
	assert_int_equal(c.addr, 0x401000);
	parse("vCont;c", &c);
	assert_int_equal(c.kind, GDB_CMD_CONTINUE);
	parse("vCont;s:1;c", &c);
	assert_int_equal(c.kind, GDB_CMD_STEP);
	parse("vCont?", &c);
	assert_int_equal(c.kind, GDB_CMD_VCONT_QUERY);
	parse("bc", &c);
	assert_int_equal(c.kind, GDB_CMD_REVERSE_CONTINUE);
	parse("bs", &c);
	assert_int_equal(c.kind, GDB_CMD_REVERSE_STEP);
	parse("Z0,401000,1", &c);
	assert_int_equal(c.kind, GDB_CMD_INSERT_POINT);
	assert_int_equal(c.point, GDB_POINT_SOFTWARE);
	assert_int_equal(c.addr, 0x401000);
	assert_int_equal(c.len, 1);
	parse("z2,601040,8", &c);
	assert_int_equal(c.kind, GDB_CMD_REMOVE_POINT);
	assert_int_equal(c.point, GDB_POINT_WRITE);
	assert_int_equal(c.len, 8);
}

static void test_queries_and_session(void **state)
{
	static struct gdb_cmd c;

	parse("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+", &c);
	assert_int_equal(c.kind, GDB_CMD_SUPPORTED);
	parse("qSupportedX", &c);
	assert_int_equal(c.kind, GDB_CMD_UNKNOWN);
	parse("qXfer:features:read:target.xml:0,ffb", &c);
	assert_int_equal(c.kind, GDB_CMD_XFER_FEATURES);
	assert_string_equal(c.annex, "target.xml");
	assert_int_equal(c.addr, 0);
	assert_int_equal(c.len, 0xffb);
	parse("qRcmd,6c616e646d61726b", &c); /* "landmark" */
	assert_int_equal(c.kind, GDB_CMD_MONITOR);
	assert_string_equal(c.text, "landmark");
	parse("?", &c);
	assert_int_equal(c.kind, GDB_CMD_HALT_REASON);
	parse("Hg0", &c);
	assert_int_equal(c.kind, GDB_CMD_SET_THREAD);
	parse("Hc-1", &c);
	assert_int_equal(c.kind, GDB_CMD_SET_THREAD);
	parse("T1", &c);
	assert_int_equal(c.kind, GDB_CMD_THREAD_ALIVE);
	parse("qC", &c);
	assert_int_equal(c.kind, GDB_CMD_CURRENT_THREAD);
	parse("qfThreadInfo", &c);
	assert_int_equal(c.kind, GDB_CMD_THREAD_LIST_FIRST);
	parse("qsThreadInfo", &c);
	assert_int_equal(c.kind, GDB_CMD_THREAD_LIST_NEXT);
	parse("qAttached:1", &c);
	assert_int_equal(c.kind, GDB_CMD_ATTACHED);
	parse("QStartNoAckMode", &c);
	assert_int_equal(c.kind, GDB_CMD_NO_ACK_MODE);
	parse("k", &c);
	assert_int_equal(c.kind, GDB_CMD_KILL);
	parse("vKill;1", &c);
	assert_int_equal(c.kind, GDB_CMD_KILL);
	parse("D;1", &c);
	assert_int_equal(c.kind, GDB_CMD_DETACH);
	parse("qTStatus", &c);
	assert_int_equal(c.kind, GDB_CMD_UNKNOWN);
	parse("", &c);
	assert_int_equal(c.kind, GDB_CMD_UNKNOWN);
	parse("gg", &c);
	assert_int_equal(c.kind, GDB_CMD_UNKNOWN);
}

static void test_hex_helpers(void **state)
{
	const u8 bytes[] = { 0x00, 0x7f, 0xa5, 0xff };
	char hex[8];
	u8 back[4];

	assert_int_equal(gdb_hex_encode(bytes, 4, hex), 8);
	assert_memory_equal(hex, "007fa5ff", 8);
	assert_int_equal(gdb_hex_decode(hex, 4, back), 0);
	assert_memory_equal(back, bytes, 4);
	assert_int_equal(gdb_hex_decode("0g", 1, back), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packets_with_good_checksums),
		cmocka_unit_test(test_acks_interrupt_and_noise),
		cmocka_unit_test(test_bad_checksums),
		cmocka_unit_test(test_escapes_are_undone_and_summed_as_sent),
		cmocka_unit_test(test_cut_packet_restarts),
		cmocka_unit_test(test_too_long_is_dropped),
		cmocka_unit_test(test_frame_fits_or_refuses),
		cmocka_unit_test(test_registers_and_memory),
		cmocka_unit_test(test_malformed_arguments),
		cmocka_unit_test(test_resume_and_points),
		cmocka_unit_test(test_queries_and_session),
		cmocka_unit_test(test_hex_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
