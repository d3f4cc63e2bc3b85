/*
 * What the witness keeps of its lease across restarts (proto/witness_lease.h):
 * one STATE frame of the protocol, so a state file is checked like a
 * frame (magic, length, checksum, fields).
 */
#include "proto/witness_lease.h"

#include <string.h>

#include "errno.h"

int wit_lease_save(const struct wit_lease *l, u8 *out, size_t cap)
{
	struct wit_msg m = {
		.type = WIT_STATE,
		.seq = 1,
		.epoch = l->epoch,
		.duration_ms = l->holder[0] ? l->duration_ms : 0,
		.left_ms = l->holder[0] ? l->duration_ms : 0,
	};

	memcpy(m.holder, l->holder, sizeof(m.holder));
	return wit_encode(&m, out, cap);
}

int wit_lease_load(struct wit_lease *l, const u8 *data, size_t len, u64 now_ms, const char **why)
{
	struct wit_rx rx;
	struct wit_msg m;
	size_t used;
	enum wit_rx_status st;

	wit_rx_init(&rx, WIT_TO_NODE);
	st = wit_rx_push(&rx, data, len, &used, &m);
	if (st == WIT_RX_REFUSED) {
		*why = wire_msg_start(rx.why);
		return -EBADMSG;
	}
	if (st != WIT_RX_FRAME || used != len || m.type != WIT_STATE) {
		*why = "not one whole STATE frame";
		return -EBADMSG;
	}
	l->epoch = m.epoch;
	memcpy(l->holder, m.holder, sizeof(l->holder));
	l->duration_ms = m.holder[0] ? m.duration_ms : 0;
	l->expires_ms = m.holder[0] ? now_ms + m.duration_ms : 0;
	return 0;
}
