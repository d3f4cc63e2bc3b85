/* The GDB remote protocol's framing and commands (see gdb_rsp.h). */
#include "proto/gdb_rsp.h"

#include <string.h>

#include "compiler.h"
#include "hexdigit.h"

STATIC_ASSERT(GDB_MEM_MAX * 2 <= GDB_PACKET_MAX, "an m reply's hex fits a packet");
STATIC_ASSERT(sizeof(((struct gdb_cmd *)0)->data) >= GDB_MEM_MAX, "an M or X request fits");

void gdb_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

/* A byte of the payload as sent: counted in the sum, kept if there is room. */
static void take_payload_byte(struct gdb_rx *rx, u8 byte)
{
	if (rx->len == GDB_PACKET_MAX) {
		rx->overflow = true;
		return;
	}
	rx->buf[rx->len++] = byte;
}

/* A byte outside any packet: an ack, a nack, an interrupt, a packet's
 * start, or noise. */
static enum gdb_rx_event feed_idle(struct gdb_rx *rx, u8 byte)
{
	switch (byte) {
	case '$':
		rx->state = GDB_RX_DATA;
		rx->len = 0;
		rx->sum = 0;
		rx->overflow = false;
		return GDB_RX_NONE;
	case '+':
		return GDB_RX_ACK;
	case '-':
		return GDB_RX_NACK;
	case GDB_INTERRUPT:
		return GDB_RX_INTERRUPT;
	default:
		rx->garbage++;
		return GDB_RX_NONE;
	}
}

/* The second checksum digit ends the packet: good, bad or too long. */
static enum gdb_rx_event end_packet(struct gdb_rx *rx, int digit)
{
	rx->state = GDB_RX_IDLE;
	rx->buf[rx->len] = 0;
	if (rx->sum_bad || digit < 0 || (u8)(rx->sent_sum | digit) != rx->sum)
		return rx->overflow ? GDB_RX_TOO_LONG : GDB_RX_BAD_CHECKSUM;
	return rx->overflow ? GDB_RX_TOO_LONG : GDB_RX_PACKET;
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, u8 byte)
{
	int digit;

	switch (rx->state) {
	case GDB_RX_IDLE:
		return feed_idle(rx, byte);
	case GDB_RX_DATA:
		if (byte == '#') {
			rx->state = GDB_RX_SUM1;
			return GDB_RX_NONE;
		}
		if (byte == '$') { /* a packet cut short: the new one counts */
			rx->garbage += rx->len + 1;
			rx->state = GDB_RX_IDLE;
			return feed_idle(rx, byte);
		}
		rx->sum += byte;
		if (byte == GDB_ESCAPE)
			rx->state = GDB_RX_ESCAPED;
		else
			take_payload_byte(rx, byte);
		return GDB_RX_NONE;
	case GDB_RX_ESCAPED:
		rx->sum += byte;
		take_payload_byte(rx, byte ^ GDB_ESCAPE_XOR);
		rx->state = GDB_RX_DATA;
		return GDB_RX_NONE;
	case GDB_RX_SUM1:
		digit = hex_digit((char)byte);
		rx->sum_bad = digit < 0;
		rx->sent_sum = digit < 0 ? 0 : (u8)(digit << 4);
		rx->state = GDB_RX_SUM2;
		return GDB_RX_NONE;
	case GDB_RX_SUM2:
	default:
		return end_packet(rx, hex_digit((char)byte));
	}
}

size_t gdb_frame(const u8 *payload, size_t len, u8 *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;
	u8 sum = 0;

	if (cap < 4)
		return 0;
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		u8 c = payload[i];
		bool escape = c == '$' || c == '#' || c == GDB_ESCAPE || c == '*';

		if (n + (escape ? 2 : 1) + 3 > cap)
			return 0;
		if (escape) {
			out[n++] = GDB_ESCAPE;
			sum += GDB_ESCAPE;
			c ^= GDB_ESCAPE_XOR;
		}
		out[n++] = c;
		sum += c;
	}
	out[n++] = '#';
	out[n++] = (u8)digits[sum >> 4];
	out[n++] = (u8)digits[sum & 15];
	return n;
}

size_t gdb_hex_encode(const u8 *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	return 2 * len;
}

int gdb_hex_decode(const char *hex, size_t len, u8 *out)
{
	for (size_t i = 0; i < len; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (u8)(hi << 4 | lo);
	}
	return 0;
}

/* A cursor over a packet's arguments. */
struct args {
	const u8 *p;
	size_t len, at;
};

static bool at_end(const struct args *a)
{
	return a->at == a->len;
}

static bool take_char(struct args *a, u8 c)
{
	if (at_end(a) || a->p[a->at] != c)
		return false;
	a->at++;
	return true;
}

/* One to sixteen hex digits. */
static bool take_hex(struct args *a, u64 *value)
{
	size_t digits = 0;
	u64 v = 0;
	int d;

	while (!at_end(a) && (d = hex_digit((char)a->p[a->at])) >= 0) {
		if (++digits > 16)
			return false;
		v = v << 4 | (u64)d;
		a->at++;
	}
	*value = v;
	return digits > 0;
}

static void malformed(struct gdb_cmd *cmd, const char *why)
{
	cmd->kind = GDB_CMD_MALFORMED;
	cmd->why = why;
}

/* The rest of the packet as hex bytes into cmd->data (at most max). */
static bool take_hex_data(struct args *a, struct gdb_cmd *cmd, size_t max)
{
	size_t digits = a->len - a->at;

	if (digits % 2 || digits / 2 > max || digits / 2 > sizeof(cmd->data))
		return false;
	if (gdb_hex_decode((const char *)a->p + a->at, digits / 2, cmd->data))
		return false;
	cmd->data_len = digits / 2;
	a->at = a->len;
	return true;
}

/* addr,len with len at most GDB_MEM_MAX (m, M, X). */
static bool take_range(struct args *a, struct gdb_cmd *cmd)
{
	return take_hex(a, &cmd->addr) && take_char(a, ',') && take_hex(a, &cmd->len) &&
	       cmd->len <= GDB_MEM_MAX;
}

static void parse_memory(struct args *a, struct gdb_cmd *cmd, u8 op)
{
	if (!take_range(a, cmd)) {
		malformed(cmd, "a memory request wants ADDR,LEN (hex, LEN at most 2048)");
		return;
	}
	if (op == 'm') {
		cmd->kind = at_end(a) ? GDB_CMD_READ_MEM : GDB_CMD_MALFORMED;
		cmd->why = "bytes after m's length";
		return;
	}
	cmd->kind = GDB_CMD_WRITE_MEM;
	if (!take_char(a, ':'))
		malformed(cmd, "a memory write wants ':' before its data");
	else if (op == 'M' && (!take_hex_data(a, cmd, cmd->len) || cmd->data_len != cmd->len))
		malformed(cmd, "M's data is not LEN bytes of hex");
	else if (op == 'X') {
		cmd->data_len = a->len - a->at;
		if (cmd->data_len != cmd->len)
			malformed(cmd, "X's data is not LEN bytes");
		else
			memcpy(cmd->data, a->p + a->at, cmd->data_len);
	}
}

/* Z/z type,addr,kind. */
static void parse_point(struct args *a, struct gdb_cmd *cmd, bool insert)
{
	u64 type;

	if (!take_hex(a, &type) || type > GDB_POINT_ACCESS || !take_char(a, ',') ||
	    !take_hex(a, &cmd->addr) || !take_char(a, ',') || !take_hex(a, &cmd->len) ||
	    !at_end(a)) {
		malformed(cmd, "a breakpoint or watchpoint wants TYPE,ADDR,KIND (TYPE 0-4)");
		return;
	}
	cmd->kind = insert ? GDB_CMD_INSERT_POINT : GDB_CMD_REMOVE_POINT;
	cmd->point = (enum gdb_point_type)type;
}

/* c/s [addr], C/S sig[;addr] (the signal means nothing to a replay). */
static void parse_resume(struct args *a, struct gdb_cmd *cmd, u8 op)
{
	u64 signal;

	cmd->kind = op == 'c' || op == 'C' ? GDB_CMD_CONTINUE : GDB_CMD_STEP;
	if ((op == 'C' || op == 'S') && (!take_hex(a, &signal) || (!at_end(a) && !take_char(a, ';')))) {
		malformed(cmd, "C and S want a signal number");
		return;
	}
	if (at_end(a))
		return;
	cmd->has_addr = take_hex(a, &cmd->addr);
	if (!cmd->has_addr || !at_end(a))
		malformed(cmd, "a resume address is hex");
}

/* p n and P n=hex: a register number and, for P, its value. */
static void parse_register(struct args *a, struct gdb_cmd *cmd, bool write)
{
	u64 reg;

	if (!take_hex(a, &reg) || reg > 0xFFFF) {
		malformed(cmd, "a register number is hex");
		return;
	}
	cmd->reg = (u32)reg;
	cmd->kind = write ? GDB_CMD_WRITE_REG : GDB_CMD_READ_REG;
	if (!write ? !at_end(a) : !take_char(a, '=') || !take_hex_data(a, cmd, 64))
		malformed(cmd, write ? "P wants N=VALUE in hex" : "bytes after p's number");
}

/* Does the packet start with word, and then what? */
static bool starts(const struct args *a, const char *word)
{
	size_t n = strlen(word);

	return a->len >= n && !memcmp(a->p, word, n);
}

/* vCont?, vCont;ACTION[:thread][;...]: the first action decides (one
 * thread); vKill. */
static void parse_v(struct args *a, struct gdb_cmd *cmd)
{
	if (a->len == 6 && starts(a, "vCont?")) {
		cmd->kind = GDB_CMD_VCONT_QUERY;
	} else if (starts(a, "vCont;") && a->len > 6) {
		u8 action = a->p[6];

		if (action == 'c' || action == 'C')
			cmd->kind = GDB_CMD_CONTINUE;
		else if (action == 's' || action == 'S')
			cmd->kind = GDB_CMD_STEP;
		else
			malformed(cmd, "vCont wants c, C, s or S");
	} else if (starts(a, "vKill")) {
		cmd->kind = GDB_CMD_KILL;
	}
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH. */
static void parse_xfer(struct args *a, struct gdb_cmd *cmd)
{
	static const char prefix[] = "qXfer:features:read:";
	size_t n = 0;

	a->at = sizeof(prefix) - 1;
	while (!at_end(a) && a->p[a->at] != ':' && n < GDB_ANNEX_MAX)
		cmd->annex[n++] = (char)a->p[a->at++];
	cmd->annex[n] = 0;
	if (!n || !take_char(a, ':') || !take_hex(a, &cmd->addr) || !take_char(a, ',') ||
	    !take_hex(a, &cmd->len) || !at_end(a))
		malformed(cmd, "qXfer:features:read wants ANNEX:OFFSET,LENGTH");
	else
		cmd->kind = GDB_CMD_XFER_FEATURES;
}

/* qRcmd,HEX: a monitor command, decoded to text without NULs. */
static void parse_monitor(struct args *a, struct gdb_cmd *cmd)
{
	size_t digits = a->len - 6;

	a->at = 6;
	if (digits % 2 || digits / 2 > GDB_MONITOR_MAX ||
	    gdb_hex_decode((const char *)a->p + 6, digits / 2, (u8 *)cmd->text) ||
	    memchr(cmd->text, 0, digits / 2)) {
		malformed(cmd, "qRcmd wants the command in hex");
		cmd->text[0] = 0;
		return;
	}
	cmd->text[digits / 2] = 0;
	cmd->kind = GDB_CMD_MONITOR;
}

static void parse_query(struct args *a, struct gdb_cmd *cmd)
{
	if (starts(a, "qSupported") && (a->len == 10 || a->p[10] == ':'))
		cmd->kind = GDB_CMD_SUPPORTED;
	else if (starts(a, "qXfer:features:read:"))
		parse_xfer(a, cmd);
	else if (starts(a, "qRcmd,"))
		parse_monitor(a, cmd);
	else if (a->len == 2 && starts(a, "qC"))
		cmd->kind = GDB_CMD_CURRENT_THREAD;
	else if (a->len == 12 && starts(a, "qfThreadInfo"))
		cmd->kind = GDB_CMD_THREAD_LIST_FIRST;
	else if (a->len == 12 && starts(a, "qsThreadInfo"))
		cmd->kind = GDB_CMD_THREAD_LIST_NEXT;
	else if (starts(a, "qAttached"))
		cmd->kind = GDB_CMD_ATTACHED;
}

/* Commands of one letter and their arguments. */
static void parse_letter(struct args *a, struct gdb_cmd *cmd)
{
	u8 op = a->p[0];

	a->at = 1;
	switch (op) {
	case '?':
	case 'g':
	case 'k':
	case 'D':
		if (a->len == 1 || op == 'D') /* D;pid from a multiprocess gdb */
			cmd->kind = op == '?' ? GDB_CMD_HALT_REASON : op == 'g' ? GDB_CMD_READ_REGS :
				    op == 'k' ? GDB_CMD_KILL : GDB_CMD_DETACH;
		break;
	case 'G':
		cmd->kind = GDB_CMD_WRITE_REGS;
		if (!take_hex_data(a, cmd, sizeof(cmd->data)))
			malformed(cmd, "G wants the registers in hex");
		break;
	case 'p':
	case 'P':
		parse_register(a, cmd, op == 'P');
		break;
	case 'm':
	case 'M':
	case 'X':
		parse_memory(a, cmd, op);
		break;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		parse_resume(a, cmd, op);
		break;
	case 'Z':
	case 'z':
		parse_point(a, cmd, op == 'Z');
		break;
	case 'H':
		cmd->kind = a->len >= 3 && (a->p[1] == 'g' || a->p[1] == 'c') ? GDB_CMD_SET_THREAD
									: GDB_CMD_UNKNOWN;
		break;
	case 'T':
		cmd->kind = a->len >= 2 ? GDB_CMD_THREAD_ALIVE : GDB_CMD_UNKNOWN;
		break;
	default:
		break;
	}
}

void gdb_parse_command(const u8 *p, size_t len, struct gdb_cmd *cmd)
{
	struct args a = { p, len, 0 };

	memset(cmd, 0, sizeof(*cmd));
	cmd->kind = GDB_CMD_UNKNOWN;
	if (!len)
		return;
	if (len == 2 && p[0] == 'b' && (p[1] == 'c' || p[1] == 's'))
		cmd->kind = p[1] == 'c' ? GDB_CMD_REVERSE_CONTINUE : GDB_CMD_REVERSE_STEP;
	else if (p[0] == 'v')
		parse_v(&a, cmd);
	else if (p[0] == 'q')
		parse_query(&a, cmd);
	else if (len == 15 && starts(&a, "QStartNoAckMode"))
		cmd->kind = GDB_CMD_NO_ACK_MODE;
	else
		parse_letter(&a, cmd);
}
