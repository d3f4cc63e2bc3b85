// sources: proto/gdb_rsp.c
/*
 * Fuzzes the gdb stub's receiver and command parser (proto/gdb_rsp.c),
 * which read whatever a TCP peer or a serial line sends. Every byte goes
 * through gdb_rx_feed; every packet it yields is parsed, and what the
 * parser accepted is checked against its limits; the packet framed again
 * by gdb_frame and received again must be the same payload.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/gdb_rsp.h"

static void check_command(const struct gdb_cmd *c)
{
	switch (c->kind) {
	case GDB_CMD_MALFORMED:
		if (!c->why)
			abort();
		break;
	case GDB_CMD_READ_MEM:
		if (c->len > GDB_MEM_MAX)
			abort();
		break;
	case GDB_CMD_WRITE_MEM:
		if (c->len > GDB_MEM_MAX || c->data_len != c->len)
			abort();
		break;
	case GDB_CMD_WRITE_REGS:
	case GDB_CMD_WRITE_REG:
		if (c->data_len > sizeof(c->data))
			abort();
		break;
	case GDB_CMD_MONITOR:
		if (strlen(c->text) > GDB_MONITOR_MAX)
			abort();
		break;
	case GDB_CMD_XFER_FEATURES:
		if (!c->annex[0] || strlen(c->annex) > GDB_ANNEX_MAX)
			abort();
		break;
	case GDB_CMD_INSERT_POINT:
	case GDB_CMD_REMOVE_POINT:
		if (c->point > GDB_POINT_ACCESS)
			abort();
		break;
	default:
		break;
	}
}

/* The payload framed and received again is itself. */
static void check_round_trip(const u8 *payload, size_t len)
{
	static u8 wire[2 * GDB_PACKET_MAX + 8];
	static struct gdb_rx again;
	enum gdb_rx_event last = GDB_RX_NONE;
	size_t n = gdb_frame(payload, len, wire, sizeof(wire));

	if (!n)
		abort();
	gdb_rx_init(&again);
	for (size_t i = 0; i < n; i++)
		last = gdb_rx_feed(&again, wire[i]);
	if (last != GDB_RX_PACKET || again.len != len || memcmp(again.buf, payload, len))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct gdb_rx rx;
	static struct gdb_cmd cmd;

	gdb_rx_init(&rx);
	for (size_t i = 0; i < size; i++) {
		enum gdb_rx_event e = gdb_rx_feed(&rx, data[i]);

		if (e != GDB_RX_PACKET)
			continue;
		if (rx.len > GDB_PACKET_MAX)
			abort();
		gdb_parse_command(rx.buf, rx.len, &cmd);
		check_command(&cmd);
		check_round_trip(rx.buf, rx.len);
	}
	return 0;
}
