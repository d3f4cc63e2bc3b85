#!/usr/bin/env python3
"""echo_measure: round trips, then a bulk stream, over ONE TCP connection to an echo service.

    echo_measure.py HOST:PORT [--round-trips K] [--size BYTES] [--bytes N] [--seed S]
                    [--timeout S]

Connects once (test/linux/init's guest_serve= echoes one connection).
First K round trips (default 200): a SIZE-byte message (default 64), the
next one sent only when all of it has come back; each round trip's host
time is one sample. Then N pseudo-random bytes (default 2 MiB) are sent as
fast as the connection takes them while the echo is read back at the
same time; the time from the first byte sent to the last byte back gives
the throughput. Then it shuts its sending side and reads until the
service closes. Every byte that comes back is compared with what was sent.

Prints one line, "rtt_median_ms=M rtt_p90_ms=P rtt_max_ms=X bulk_bytes=N
bulk_s=T bulk_MBps=R" (MB: 10^6 bytes), exit status 0; or "error: ..."
(no connection, a byte that differs, the connection closed early, a
timeout: --timeout seconds for the whole, default 120) and exit status 1.
"""

import random
import selectors
import socket
import sys
import time

CHUNK = 65536


class Failed(Exception):
    pass


def parse(argv):
    opts = {"round_trips": 200, "size": 64, "bytes": 2 << 20, "seed": 1, "timeout": 120.0}
    names = {"--round-trips": ("round_trips", int), "--size": ("size", int),
             "--bytes": ("bytes", int), "--seed": ("seed", int), "--timeout": ("timeout", float)}
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(__doc__)
    host, _, port = argv[1].rpartition(":")
    opts["addr"] = (host, int(port))
    for i in range(2, len(argv), 2):
        if argv[i] not in names:
            sys.exit("echo_measure.py: unknown argument %s" % argv[i])
        key, kind = names[argv[i]]
        opts[key] = kind(argv[i + 1])
    return opts


def recv_exact(s, want, deadline):
    """Reads exactly len(want) bytes and checks them against want."""
    got = bytearray()
    while len(got) < len(want):
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            part = s.recv(len(want) - len(got))
        except socket.timeout:
            raise Failed("timed out in a round trip")
        if not part:
            raise Failed("closed during the round trips")
        got += part
    if got != want:
        raise Failed("a round trip's echo differs")


def round_trips(s, count, size, rng, deadline):
    """Returns the host times (seconds) of count request/response round trips."""
    times = []
    for _ in range(count):
        msg = rng.randbytes(size)
        start = time.perf_counter()
        s.sendall(msg)
        recv_exact(s, msg, deadline)
        times.append(time.perf_counter() - start)
    return times


def bulk(s, data, deadline):
    """Streams data and reads its echo at the same time; returns the seconds taken."""
    s.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    sent, back = 0, bytearray()
    start = time.perf_counter()
    while len(back) < len(data):
        if time.monotonic() > deadline:
            raise Failed("timed out with %d of %d bulk bytes back" % (len(back), len(data)))
        for _, mask in sel.select(timeout=0.05):
            if mask & selectors.EVENT_READ:
                part = s.recv(CHUNK)
                if not part:
                    raise Failed("closed after %d of %d bulk bytes back" % (len(back), len(data)))
                back += part
            if mask & selectors.EVENT_WRITE and sent < len(data):
                sent += s.send(data[sent:sent + CHUNK])
                if sent == len(data):
                    sel.modify(s, selectors.EVENT_READ)
    took = time.perf_counter() - start
    if back != data:
        first = next(i for i in range(len(data)) if back[i] != data[i])
        raise Failed("bulk byte %d differs" % first)
    return took


def drain(s, deadline):
    """Shuts the sending side; the service must close with nothing more."""
    s.shutdown(socket.SHUT_WR)
    s.setblocking(True)
    while True:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            part = s.recv(CHUNK)
        except socket.timeout:
            raise Failed("the service did not close the connection")
        if not part:
            return
        raise Failed("%d bytes more than were sent" % len(part))


def percentile(sorted_values, p):
    """The nearest-rank percentile p (0..100) of sorted values."""
    rank = max(1, -(-p * len(sorted_values) // 100))
    return sorted_values[int(rank) - 1]


def main(argv):
    o = parse(argv)
    rng = random.Random(o["seed"])
    deadline = time.monotonic() + o["timeout"]
    try:
        s = socket.create_connection(o["addr"], timeout=30)
    except OSError as e:
        print("error: no connection to %s:%d (%s)" % (o["addr"][0], o["addr"][1], e))
        return 1
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        times = sorted(round_trips(s, o["round_trips"], o["size"], rng, deadline))
        took = bulk(s, rng.randbytes(o["bytes"]), deadline)
        drain(s, deadline)
    except (Failed, OSError) as e:
        print("error: %s" % e)
        return 1
    finally:
        s.close()
    print("rtt_median_ms=%.2f rtt_p90_ms=%.2f rtt_max_ms=%.2f bulk_bytes=%d bulk_s=%.3f bulk_MBps=%.3f"
          % (1000 * percentile(times, 50), 1000 * percentile(times, 90), 1000 * times[-1],
             o["bytes"], took, o["bytes"] / took / 1e6))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
