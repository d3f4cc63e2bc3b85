/*
 * The GDB remote serial protocol's framing and commands (issue 16; GDB's
 * manual, "Remote Protocol": "Overview", "Packets", "Stop Reply Packets",
 * "General Query Packets"), for the replay's gdb stub. A packet is
 * `$payload#cc`, cc the payload's byte sum modulo 256 in two hex digits;
 * '}' escapes the next byte (XOR 0x20); the receiver answers '+' or '-'
 * until QStartNoAckMode; a lone 0x03 asks the target to stop.
 *
 * struct gdb_rx takes the bytes as they come (from TCP or a UART) and
 * yields whole packets, unescaped; gdb_parse_command turns a packet into a
 * command with its arguments checked (numbers in range, hex data of the
 * stated length); gdb_frame builds a reply. Pure: no hardware, no network.
 */
#ifndef UNDERSTUDY_PROTO_GDB_RSP_H
#define UNDERSTUDY_PROTO_GDB_RSP_H

#include "types.h"

#define GDB_PACKET_MAX 4096 /* payload bytes the stub takes (its qSupported PacketSize) */
#define GDB_MEM_MAX 2048    /* bytes of one m/M/X request: the reply's hex fits a packet */
#define GDB_ESCAPE '}'
#define GDB_ESCAPE_XOR 0x20
#define GDB_INTERRUPT 0x03

/* What one received byte completed. */
enum gdb_rx_event {
	GDB_RX_NONE,         /* nothing yet */
	GDB_RX_PACKET,       /* a whole packet with a good checksum: rx->buf, rx->len */
	GDB_RX_BAD_CHECKSUM, /* a whole packet whose checksum is wrong (answer '-') */
	GDB_RX_TOO_LONG,     /* a packet longer than GDB_PACKET_MAX, dropped (answer '-') */
	GDB_RX_ACK,          /* '+' outside a packet */
	GDB_RX_NACK,         /* '-' outside a packet: send the last reply again */
	GDB_RX_INTERRUPT,    /* 0x03 outside a packet: stop the target */
};

enum gdb_rx_state { GDB_RX_IDLE, GDB_RX_DATA, GDB_RX_ESCAPED, GDB_RX_SUM1, GDB_RX_SUM2 };

struct gdb_rx {
	enum gdb_rx_state state;
	u8 buf[GDB_PACKET_MAX + 1]; /* the payload, unescaped, NUL-terminated */
	size_t len;
	u8 sum;                     /* of the bytes as sent (escapes included) */
	u8 sent_sum;        /* its first digit's value */
	bool sum_bad;       /* its first digit is not hex */
	bool overflow;
	u64 garbage;        /* bytes outside packets that mean nothing, and cut packets */
};

void gdb_rx_init(struct gdb_rx *rx);

/* Takes one byte; says what it completed. A packet stays in rx->buf until
 * the next byte is fed. */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, u8 byte);

/* Frames payload as `$...#cc` with '$', '#', '}' and '*' escaped; returns
 * the bytes written, or 0 when they do not fit in cap. */
size_t gdb_frame(const u8 *payload, size_t len, u8 *out, size_t cap);

enum gdb_cmd_kind {
	GDB_CMD_UNKNOWN,        /* answered with an empty packet */
	GDB_CMD_MALFORMED,      /* a known command with bad arguments: "E01" */
	GDB_CMD_HALT_REASON,    /* ? */
	GDB_CMD_READ_REGS,      /* g */
	GDB_CMD_WRITE_REGS,     /* G hex: data, data_len bytes */
	GDB_CMD_READ_REG,       /* p n: reg */
	GDB_CMD_WRITE_REG,      /* P n=hex: reg, data */
	GDB_CMD_READ_MEM,       /* m addr,len */
	GDB_CMD_WRITE_MEM,      /* M addr,len:hex and X addr,len:binary: data */
	GDB_CMD_CONTINUE,       /* c [addr], vCont;c */
	GDB_CMD_STEP,           /* s [addr], vCont;s */
	GDB_CMD_REVERSE_CONTINUE, /* bc */
	GDB_CMD_REVERSE_STEP,   /* bs */
	GDB_CMD_INSERT_POINT,   /* Z type,addr,kind */
	GDB_CMD_REMOVE_POINT,   /* z type,addr,kind */
	GDB_CMD_KILL,           /* k, vKill */
	GDB_CMD_DETACH,         /* D */
	GDB_CMD_SUPPORTED,      /* qSupported[:features] */
	GDB_CMD_XFER_FEATURES,  /* qXfer:features:read:ANNEX:off,len: annex, addr=off, len */
	GDB_CMD_MONITOR,        /* qRcmd,hex: text, the command decoded */
	GDB_CMD_VCONT_QUERY,    /* vCont? */
	GDB_CMD_SET_THREAD,     /* H[gc]thread: one thread, any id accepted */
	GDB_CMD_THREAD_ALIVE,   /* T thread */
	GDB_CMD_CURRENT_THREAD, /* qC */
	GDB_CMD_THREAD_LIST_FIRST, /* qfThreadInfo */
	GDB_CMD_THREAD_LIST_NEXT,  /* qsThreadInfo */
	GDB_CMD_ATTACHED,       /* qAttached */
	GDB_CMD_NO_ACK_MODE,    /* QStartNoAckMode */
};

/* Z and z types (GDB's manual, "Packets": Z0 software breakpoint, Z1
 * hardware breakpoint, Z2 write, Z3 read, Z4 access watchpoint). */
enum gdb_point_type {
	GDB_POINT_SOFTWARE = 0,
	GDB_POINT_HARDWARE = 1,
	GDB_POINT_WRITE = 2,
	GDB_POINT_READ = 3,
	GDB_POINT_ACCESS = 4,
};

#define GDB_MONITOR_MAX 256 /* bytes of a monitor command's text */
#define GDB_ANNEX_MAX 64

struct gdb_cmd {
	enum gdb_cmd_kind kind;
	const char *why;    /* GDB_CMD_MALFORMED: what is wrong */
	u64 addr;           /* memory address, resume address, Xfer offset */
	u64 len;            /* memory or Xfer length, point kind */
	bool has_addr;      /* c/s with an address */
	u32 reg;            /* p/P register number */
	enum gdb_point_type point;
	u8 data[GDB_PACKET_MAX / 2]; /* G, P, M, X: the bytes to write */
	size_t data_len;
	char text[GDB_MONITOR_MAX + 1]; /* qRcmd: the command, NUL-terminated */
	char annex[GDB_ANNEX_MAX + 1];  /* qXfer: the annex (target.xml ...) */
};

/* Parses one received packet (rx->buf, rx->len). Never reads past len. */
void gdb_parse_command(const u8 *p, size_t len, struct gdb_cmd *cmd);

/* Hex helpers for replies: writes 2*len hex digits (no NUL) and returns
 * them; reads 2*len digits into len bytes, 0 or -1 when one is not hex. */
size_t gdb_hex_encode(const u8 *bytes, size_t len, char *out);
int gdb_hex_decode(const char *hex, size_t len, u8 *out);

#endif
