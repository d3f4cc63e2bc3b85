"""wire_tamper: an altered or a replayed TCP segment on the FT link, for
scripts/lib/netcut.py (`alter link`, `replay link`).

The frames are Ethernet II with IPv4 and TCP (what the pair's e1000 cards
send). Only the TCP payload and the TCP checksum are changed, so the
segment reaches the peer's TCP intact (same sequence numbers, a valid
checksum) and the damage reaches what runs above it: TLS, or the log
stream's own checks in the clear.

  alter   flips one byte (XOR 0xff) of the next segment's payload: its last
          byte, which is inside a record's body or tag, never a record's
          length (a segment ends with a record far more often than with a
          5-byte record header), so the record is whole and fails its check.
  replay  puts the payload of an earlier segment of the same direction and
          exactly the same length, unchanged, in place of a later segment's:
          an old record where a new one should be, which TCP cannot catch.

Each is armed once and taken by the first segment that qualifies: from the
side given (default the primary, whose segments carry the log), with a
payload (from the primary: longer than MIN_PAYLOAD bytes, the log's DATA
rather than a bare record), and for replay one whose length matches a kept
earlier payload of that side that differs from it.
"""

import struct

ETH_HEADER = 14
ETHERTYPE_IPV4 = 0x0800
IPPROTO_TCP = 6
TCP_CHECKSUM_AT = 16  # RFC 793, 3.1: the checksum's offset in the TCP header
MIN_PAYLOAD = 64
KEEP_LENGTHS = 256  # payload lengths kept per direction for replay
KEEP_PER_LENGTH = 4  # the first payloads of each length kept


class Segment:
    """Where a TCP segment's parts are in an Ethernet frame, or None."""

    def __init__(self, frame):
        self.ok = False
        if len(frame) < ETH_HEADER + 20 or struct.unpack(">H", frame[12:14])[0] != ETHERTYPE_IPV4:
            return
        ip = ETH_HEADER
        version, ihl = frame[ip] >> 4, (frame[ip] & 0xF) * 4
        total = struct.unpack(">H", frame[ip + 2:ip + 4])[0]
        frag = struct.unpack(">H", frame[ip + 6:ip + 8])[0] & 0x3FFF  # MF and the offset
        if version != 4 or ihl < 20 or frame[ip + 9] != IPPROTO_TCP or frag:
            return
        if total < ihl + 20 or ip + total > len(frame):  # Ethernet padding may follow
            return
        tcp = ip + ihl
        doff = (frame[tcp + 12] >> 4) * 4
        if doff < 20 or ihl + doff > total:
            return
        self.ip, self.tcp, self.end = ip, tcp, ip + total
        self.payload_at = tcp + doff
        self.src, self.dst = frame[ip + 12:ip + 16], frame[ip + 16:ip + 20]
        self.sport, self.dport, self.seq = struct.unpack(">HHI", frame[tcp:tcp + 8])
        self.ok = True

    def payload(self, frame):
        return bytes(frame[self.payload_at:self.end])


def ones_complement_sum(data):
    if len(data) % 2:
        data = bytes(data) + b"\0"
    total = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def tcp_checksum(frame, seg):
    """RFC 793, 3.1: over the pseudo header (addresses, protocol, TCP
    length) and the segment, its checksum field taken as zero."""
    length = seg.end - seg.tcp
    segment = bytearray(frame[seg.tcp:seg.end])
    segment[TCP_CHECKSUM_AT:TCP_CHECKSUM_AT + 2] = b"\0\0"
    pseudo = seg.src + seg.dst + struct.pack(">BBH", 0, IPPROTO_TCP, length)
    return ~ones_complement_sum(pseudo + bytes(segment)) & 0xFFFF


def with_payload(frame, seg, payload):
    """The frame with the segment's payload replaced by one of the same
    length and the TCP checksum made right; nothing else changes."""
    assert len(payload) == seg.end - seg.payload_at
    out = bytearray(frame)
    out[seg.payload_at:seg.end] = payload
    at = seg.tcp + TCP_CHECKSUM_AT
    out[at:at + 2] = struct.pack(">H", tcp_checksum(out, seg))
    return bytes(out)


def flipped_last_byte(payload):
    return payload[:-1] + bytes([payload[-1] ^ 0xFF])


class Tamper:
    """The armed alterations of one link (TCP port `port`, either end)."""

    def __init__(self, port, log):
        self.port, self.log = port, log
        self.armed = {}  # "alter" | "replay" -> the side whose segments qualify
        self.kept = {}  # side -> {payload length: [payloads, oldest first]}

    def arm(self, what, side):
        self.armed[what] = side

    def frame(self, side, frame):
        """A frame from a side's card to the other's: the frame to forward."""
        seg = Segment(frame)
        if not seg.ok or self.port not in (seg.sport, seg.dport):
            return frame
        payload = seg.payload(frame)
        if not payload or (side == "primary" and len(payload) <= MIN_PAYLOAD):
            return frame
        out = frame
        if self.armed.get("alter") == side:
            del self.armed["alter"]
            out = with_payload(frame, seg, flipped_last_byte(payload))
            self.log("alter link: %s: flipped payload byte %d of %d" % (self.describe(side, seg), len(payload) - 1,
                                                                         len(payload)))
        elif self.armed.get("replay") == side:
            old = self.replayable(side, payload)
            if old is not None:
                del self.armed["replay"]
                out = with_payload(frame, seg, old)
                self.log("replay link: %s: the payload of an earlier segment of %d bytes put in its place"
                         % (self.describe(side, seg), len(payload)))
        self.keep(side, payload)
        return out

    def replayable(self, side, payload):
        for old in self.kept.get(side, {}).get(len(payload), []):
            if old != payload:
                return old
        return None

    def keep(self, side, payload):
        by_len = self.kept.setdefault(side, {})
        same = by_len.setdefault(len(payload), [])
        if len(same) < KEEP_PER_LENGTH:
            same.append(payload)
        if len(by_len) > KEEP_LENGTHS:
            del by_len[next(iter(by_len))]

    @staticmethod
    def describe(side, seg):
        return "%s->%s segment %d->%d seq %d, %d payload bytes" % (
            side, "backup" if side == "primary" else "primary", seg.sport, seg.dport, seg.seq,
            seg.end - seg.payload_at)
