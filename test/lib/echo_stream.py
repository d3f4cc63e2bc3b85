#!/usr/bin/env python3
"""echo_stream: one TCP connection to an echo service, streamed through a failover.

    echo_stream.py HOST:PORT [--seconds S] [--rate BYTES_PER_S] [--cue FILE]
                   [--cue-between A B] [--seed N] [--drain-timeout S]

Connects once, then for S seconds (default 20) sends pseudo-random bytes
(seeded: --seed, default random) at about RATE bytes a second (default
65536) while reading the echo back; at a random moment between A and B
seconds into the stream (default 3 and S-6) it creates FILE (the cue for
the primary's kill: scripts/pair.sh --kill-primary-when). Then it shuts
its sending side and reads until the service closes the connection (at
most --drain-timeout seconds, default 120).

Prints one line: "same: N bytes echoed; cue at T s; longest pause P ms
at T2 s; seed N", or "differ: ..." saying what went wrong (connection
reset or closed early, bytes missing, a byte that differs). Exit status 0
only for "same". The longest pause is the longest wait for echoed bytes
while some were owed.
"""

import os
import random
import selectors
import socket
import sys
import time

CHUNK = 4096


def parse(argv):
    opts = {"seconds": 20.0, "rate": 65536, "cue": None, "between": None, "seed": None,
            "drain": 120.0}
    if len(argv) < 2:
        sys.exit(__doc__)
    host, _, port = argv[1].rpartition(":")
    opts["addr"] = (host, int(port))
    i = 2
    while i < len(argv):
        a = argv[i]
        if a == "--seconds":
            opts["seconds"] = float(argv[i + 1])
        elif a == "--rate":
            opts["rate"] = int(argv[i + 1])
        elif a == "--cue":
            opts["cue"] = argv[i + 1]
        elif a == "--cue-between":
            opts["between"] = (float(argv[i + 1]), float(argv[i + 2]))
            i += 1
        elif a == "--seed":
            opts["seed"] = int(argv[i + 1])
        elif a == "--drain-timeout":
            opts["drain"] = float(argv[i + 1])
        else:
            sys.exit("echo_stream.py: unknown argument %s" % a)
        i += 2
    return opts


def main(argv):
    o = parse(argv)
    seed = o["seed"] if o["seed"] is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    total = int(o["seconds"] * o["rate"])
    data = rng.randbytes(total)
    lo, hi = o["between"] or (3.0, max(3.0, o["seconds"] - 6.0))
    cue_at = rng.uniform(lo, hi)
    try:
        s = socket.create_connection(o["addr"], timeout=30)
    except OSError as e:
        print("differ: no connection (%s); seed %d" % (e, seed))
        return 1
    s.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    back = bytearray()
    sent = 0
    start = time.monotonic()
    last_rx = start
    pause, pause_at = 0.0, 0.0
    cued = None
    shut = False
    why = None
    deadline = start + o["seconds"] + o["drain"]
    while True:
        now = time.monotonic()
        if now > deadline:
            why = "timed out with %d of %d bytes back" % (len(back), total)
            break
        if o["cue"] and cued is None and now - start >= cue_at:
            open(o["cue"], "w").close()
            cued = now - start
        allowed = min(total, int((now - start) * o["rate"]) + CHUNK)
        if sent == total and not shut:
            s.shutdown(socket.SHUT_WR)
            shut = True
            sel.modify(s, selectors.EVENT_READ)
        for key, mask in sel.select(timeout=0.05):
            try:
                if mask & selectors.EVENT_READ:
                    got = s.recv(65536)
                    if not got:
                        why = "closed"
                        break
                    if len(back) < sent:
                        gap = now - last_rx
                        if gap > pause:
                            pause, pause_at = gap, last_rx - start
                    last_rx = time.monotonic()
                    back += got
                if mask & selectors.EVENT_WRITE and sent < allowed:
                    sent += s.send(data[sent:min(allowed, sent + CHUNK)])
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as e:
                why = "connection error: %s" % e
                break
        if why:
            break
        if len(back) == sent:
            last_rx = time.monotonic()  # nothing owed: waiting is no pause
    s.close()
    cue = "%.1f s" % cued if cued is not None else "never"
    if why == "closed" and len(back) == total and bytes(back) == data:
        print("same: %d bytes echoed; cue at %s; longest pause %d ms at %.1f s; seed %d"
              % (total, cue, pause * 1000, pause_at, seed))
        return 0
    if why == "closed":
        why = "closed after %d of %d bytes back" % (len(back), total)
    first = next((i for i in range(min(len(back), total)) if back[i] != data[i]), None)
    if first is not None:
        why += "; byte %d differs" % first
    print("differ: %s (%d sent); cue at %s; longest pause %d ms at %.1f s; seed %d"
          % (why, sent, cue, pause * 1000, pause_at, seed))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
