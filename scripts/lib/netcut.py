#!/usr/bin/env python3
"""netcut: the test network of a fault-tolerant pair, with cuts.

One process per pair run (scripts/pair.sh starts it; python3, stdlib only).

    netcut.py serve --dir DIR [--witness HOST:PORT] [--witness-addr SIDE=A.B.C.D]...
                    [--slirp] [--slirp-addr A.B.C.D]... [--client]
    netcut.py pipe PORT

serve listens on free loopback ports and writes them to DIR/netcut.ports
(shell assignments) once it listens:

  NIC_PRIMARY, NIC_BACKUP      the two QEMUs' cards: -netdev socket,connect=
  SLIRP_PRIMARY, SLIRP_BACKUP  each QEMU's user network (slirp), on a hub of
                               its own with a socket netdev (with --witness
                               or --slirp: a user network for hostfwd or
                               guestfwd without the witness)
  RELAY_PRIMARY, RELAY_BACKUP  each side's witness relay (with --witness)
  CLIENT                       an outside client's network (with --client):
                               a third QEMU's user network, on the segment
                               both cards are on (the guest NIC's clients)

The socket ports carry QEMU's socket-netdev stream framing (net/socket.c:
a 4-byte big-endian length, then the Ethernet frame). netcut is a small
switch between them. A frame from a card goes to its own side's slirp
when it is for it (Ethernet destination 52:55:xx:xx:xx:xx, slirp's
addresses, or an ARP request for the side's witness address or a
--slirp-addr address: slirp's own, or one both slirps forward), else to
the other card (the FT link). A frame from a slirp goes to its own card
only. So the FT traffic never reaches a slirp: with restrict=on slirp
answers a TCP segment that is not for its guestfwd with a RST, which
would kill the FT connection.

With --client the two cards and the client's port are one segment as
far as the guest's traffic goes: a frame from the client goes to both
cards (each host NIC's receive filter takes the guest's MAC only on the
side whose guest is live, docs/networking.md); a broadcast or multicast
frame from a card goes to the other card and the client; a unicast one
to a slirp MAC (52:55:...), with no slirp of the card's own, to the
client. A cut link cuts the card-to-card frames only.

Each slirp forwards its witness address (guestfwd ...-cmd:netcut.py pipe
RELAY_SIDE): slirp runs the pipe per guest connection with the
connection on its standard input and output, and the pipe connects to
the side's relay, which connects to the real witness (--witness) and
copies bytes both ways: one witness connection per guest connection.

Control: lines written to the FIFO DIR/netcut.ctl, several commands on
one line separated by ';' (taken at once):

  cut link                 the card-to-card frames are dropped both ways
                           (sockets kept: a silent partition, no RST)
  cut witness primary|backup
                           that side's relay stops copying (its connections
                           stay open, their bytes wait in the sockets; new
                           connections are accepted, and reach the witness
                           only after heal)
  heal                     everything flows again
  alter link [primary|backup]
                           the next FT segment from that side (default the
                           primary; from it, one with more than 64 payload
                           bytes) has one payload byte flipped, its TCP
                           checksum fixed: the damage reaches TLS or the
                           log stream, not TCP (scripts/lib/wire_tamper.py)
  replay link [primary|backup]
                           the next such segment whose length matches an
                           earlier one's carries that earlier payload
                           instead, same sequence numbers, checksum fixed:
                           a replay TCP cannot catch
  stats                    log the counters

SIGUSR1 is `cut link`, SIGUSR2 `heal`; SIGTERM or SIGINT log the counters
and exit 0. Every event goes to standard error (DIR/netcut.log under
pair.sh) with the wall-clock time and the seconds since start.
"""

import errno
import os
import selectors
import signal
import socket
import struct
import sys
import time

from wire_tamper import Tamper

SIDES = ("primary", "backup")
OTHER = {"primary": "backup", "backup": "primary"}
MAX_FRAME = 65536
MAX_QUEUE = 4 << 20  # bytes waiting for a slow reader before frames are dropped
FT_PORT = 9730  # the log stream, the backup's side (docs/fault-tolerance.md)

T0 = time.monotonic()


def log(msg):
    now = time.time()
    stamp = time.strftime("%H:%M:%S", time.localtime(now)) + ".%03d" % int(now * 1000 % 1000)
    sys.stderr.write("netcut: %s +%.3f s: %s\n" % (stamp, time.monotonic() - T0, msg))
    sys.stderr.flush()


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    s.setblocking(False)
    return s


class Counter:
    def __init__(self):
        self.frames = self.bytes = 0

    def add(self, n):
        self.frames += 1
        self.bytes += n

    def __str__(self):
        return "%d frames %d bytes" % (self.frames, self.bytes)


class L2Port:
    """One QEMU socket netdev connected to us: a card's or a slirp's."""

    def __init__(self, name, side, kind):
        self.name, self.side, self.kind = name, side, kind
        self.sock = None
        self.rbuf = bytearray()
        self.wbuf = bytearray()


class Relay:
    """A side's witness relay: pairs of (pipe connection, witness connection)."""

    def __init__(self, side):
        self.side = side
        self.conns = []  # [down, up or None, name]
        self.forwarded = [0, 0]  # bytes to the witness, from it
        self.accepted = 0


class NetCut:
    def __init__(self, args):
        self.dir = args["dir"]
        self.witness = args.get("witness")
        self.waddr = args.get("witness_addr", {})
        self.slirp_addrs = args.get("slirp_addrs", [])
        self.sel = selectors.DefaultSelector()
        self.link_cut = False
        self.witness_cut = {s: False for s in SIDES}
        self.tamper = Tamper(FT_PORT, log)
        self.fwd = {}  # (from, to) -> Counter
        self.dropped = {}  # reason -> Counter
        self.ports = {}
        self.listeners = {}
        for side in SIDES:
            self.ports["nic_" + side] = L2Port("nic_" + side, side, "nic")
            if self.witness or args.get("slirp"):
                self.ports["slirp_" + side] = L2Port("slirp_" + side, side, "slirp")
        if args.get("client"):
            self.ports["client"] = L2Port("client", None, "client")
        for name in self.ports:
            self.listeners[name] = listener()
        self.relays = {}
        if self.witness:
            host, port = self.witness.rsplit(":", 1)
            self.witness_target = (host, int(port))
            for side in SIDES:
                self.relays[side] = Relay(side)
                self.listeners["relay_" + side] = listener()
        for name, s in self.listeners.items():
            self.sel.register(s, selectors.EVENT_READ, ("listen", name))
        self.ctl_path = os.path.join(self.dir, "netcut.ctl")
        if os.path.exists(self.ctl_path):
            os.unlink(self.ctl_path)
        os.mkfifo(self.ctl_path, 0o600)
        self.ctl = os.open(self.ctl_path, os.O_RDONLY | os.O_NONBLOCK)
        self.ctl_keep = os.open(self.ctl_path, os.O_WRONLY)  # no EOF when writers go
        self.ctl_buf = b""
        self.sel.register(self.ctl, selectors.EVENT_READ, ("ctl", None))
        self.pending_signals = []
        self.stop = False

    # --- bookkeeping -------------------------------------------------------

    def count(self, table, key, n):
        table.setdefault(key, Counter()).add(n)

    def stats(self, why):
        parts = ["%s->%s %s" % (a, b, c) for (a, b), c in sorted(self.fwd.items())]
        drops = ["%s %s" % (k, c) for k, c in sorted(self.dropped.items())]
        log("%s: forwarded: %s; dropped: %s" % (why, ", ".join(parts) or "nothing",
                                                 ", ".join(drops) or "nothing"))
        for side, r in sorted(self.relays.items()):
            log("%s: witness relay %s: %d connections, %d bytes to the witness, %d from it, %d open"
                % (why, side, r.accepted, r.forwarded[0], r.forwarded[1], len(r.conns)))

    def state(self):
        cuts = []
        if self.link_cut:
            cuts.append("link")
        cuts += ["witness " + s for s in SIDES if self.witness_cut[s]]
        return "cut: " + ", ".join(cuts) if cuts else "nothing cut"

    # --- the switch --------------------------------------------------------

    def destination(self, src, frame):
        """The port names a frame from src goes to (maybe none), and why not."""
        if src.kind == "client":
            return ["nic_" + side for side in SIDES], None
        if src.kind == "slirp":
            return ["nic_" + src.side], None
        mine = "slirp_" + src.side
        if mine in self.ports and self.for_slirp(src.side, frame):
            return [mine], None
        client = []
        if "client" in self.ports and len(frame) >= 14:
            if frame[0] & 1:  # group-addressed: the client too
                client = ["client"]
            elif frame[0] == 0x52 and frame[1] == 0x55:  # the client's slirp
                return ["client"], None
        if self.link_cut:
            return client, "link cut"
        return ["nic_" + OTHER[src.side]] + client, None

    def for_slirp(self, side, frame):
        if len(frame) < 14:
            return False
        if frame[0] == 0x52 and frame[1] == 0x55:  # slirp's own MAC addresses
            return True
        if frame[12:14] == b"\x08\x06" and len(frame) >= 42:  # ARP: its target address
            tip = socket.inet_ntoa(frame[38:42])
            return tip == self.waddr.get(side) or tip in self.slirp_addrs
        return False

    def frame_in(self, src, frame):
        dsts, why = self.destination(src, frame)
        if why is not None:
            self.count(self.dropped, why, len(frame))
        for dst in dsts:
            self.frame_to(src, dst, frame)

    def frame_to(self, src, dst, frame):
        port = self.ports[dst]
        if port.sock is None:
            self.count(self.dropped, dst + " not connected", len(frame))
            return
        if len(port.wbuf) > MAX_QUEUE:
            self.count(self.dropped, dst + " too slow", len(frame))
            return
        if src.kind == "nic" and dst.startswith("nic_"):
            frame = self.tamper.frame(src.side, frame)
        self.count(self.fwd, (src.name, dst), len(frame))
        port.wbuf += struct.pack(">I", len(frame)) + frame
        self.flush(port)

    def flush(self, port):
        if port.sock is None:
            return
        try:
            while port.wbuf:
                n = port.sock.send(port.wbuf)
                del port.wbuf[:n]
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as e:
            self.l2_close(port, "send: %s" % e)
            return
        self.sel.modify(port.sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if port.wbuf else 0),
                        ("l2", port.name))

    def l2_accept(self, name):
        s, peer = self.listeners[name].accept()
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        port = self.ports[name]
        if port.sock is not None:
            self.l2_close(port, "replaced by a new connection")
        port.sock = s
        port.rbuf.clear()
        port.wbuf.clear()
        self.sel.register(s, selectors.EVENT_READ, ("l2", name))
        log("%s: connected from %s:%d" % (name, peer[0], peer[1]))

    def l2_close(self, port, why):
        log("%s: closed (%s)" % (port.name, why))
        self.sel.unregister(port.sock)
        port.sock.close()
        port.sock = None
        port.rbuf.clear()
        port.wbuf.clear()

    def l2_read(self, port, events):
        if events & selectors.EVENT_WRITE:
            self.flush(port)
            if port.sock is None:
                return
        if not events & selectors.EVENT_READ:
            return
        try:
            data = port.sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self.l2_close(port, "recv: %s" % e)
            return
        if not data:
            self.l2_close(port, "end of stream")
            return
        port.rbuf += data
        while len(port.rbuf) >= 4:
            (n,) = struct.unpack(">I", port.rbuf[:4])
            if n > MAX_FRAME:
                self.l2_close(port, "a frame of %d bytes: not QEMU's socket framing" % n)
                return
            if len(port.rbuf) < 4 + n:
                break
            frame = bytes(port.rbuf[4:4 + n])
            del port.rbuf[:4 + n]
            self.frame_in(port, frame)
            if port.sock is None:
                return

    # --- the witness relays ------------------------------------------------

    def relay_accept(self, side):
        s, peer = self.listeners["relay_" + side].accept()
        s.setblocking(False)
        r = self.relays[side]
        r.accepted += 1
        conn = [s, None, "%s#%d" % (side, r.accepted)]
        r.conns.append(conn)
        log("witness relay %s: connection %s from %s:%d%s" % (side, conn[2], peer[0], peer[1],
            " (witness path cut: held)" if self.witness_cut[side] else ""))
        if not self.witness_cut[side]:
            self.relay_connect(r, conn)
        self.relay_arm(r)

    def relay_connect(self, r, conn):
        try:
            up = socket.create_connection(self.witness_target, timeout=2)
        except OSError as e:
            log("witness relay %s: %s: cannot reach the witness %s:%d: %s" % (
                r.side, conn[2], self.witness_target[0], self.witness_target[1], e))
            self.relay_close(r, conn, None)
            return
        up.setblocking(False)
        conn[1] = up

    def relay_arm(self, r):
        """Reads from a side's connections only while its path is not cut."""
        for conn in r.conns:
            for i, s in enumerate(conn[:2]):
                if s is None:
                    continue
                want = not self.witness_cut[r.side]
                key = self.sel.get_map().get(s.fileno())
                if want and key is None:
                    self.sel.register(s, selectors.EVENT_READ, ("relay", (r.side, conn, i)))
                elif not want and key is not None:
                    self.sel.unregister(s)

    def relay_close(self, r, conn, why):
        for s in conn[:2]:
            if s is None:
                continue
            if self.sel.get_map().get(s.fileno()) is not None:
                self.sel.unregister(s)
            s.close()
        if conn in r.conns:
            r.conns.remove(conn)
        if why:
            log("witness relay %s: connection %s closed (%s)" % (r.side, conn[2], why))

    def relay_read(self, side, conn, i):
        r = self.relays[side]
        src, dst = conn[i], conn[1 - i]
        try:
            data = src.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self.relay_close(r, conn, "%s: %s" % ("the hypervisor's side" if i == 0 else "the witness's side", e))
            return
        if not data:
            self.relay_close(r, conn, "end of stream from %s" % ("the hypervisor" if i == 0 else "the witness"))
            return
        try:
            dst.setblocking(True)
            dst.sendall(data)
            dst.setblocking(False)
        except OSError as e:
            self.relay_close(r, conn, "send: %s" % e)
            return
        r.forwarded[i] += len(data)

    # --- control -----------------------------------------------------------

    def command(self, line):
        """Applies one command; True when it changed what is cut."""
        words = line.split()
        if not words:
            return False
        if words == ["cut", "link"]:
            self.link_cut = True
        elif len(words) == 3 and words[:2] == ["cut", "witness"] and words[2] in SIDES:
            if not self.relays:
                log("'%s' ignored: no witness relay (serve --witness)" % line)
                return False
            self.witness_cut[words[2]] = True
            self.relay_arm(self.relays[words[2]])
        elif words == ["heal"]:
            self.link_cut = False
            for side in SIDES:
                self.witness_cut[side] = False
            for r in self.relays.values():
                for conn in list(r.conns):
                    if conn[1] is None:
                        self.relay_connect(r, conn)
                self.relay_arm(r)
        elif len(words) in (2, 3) and words[0] in ("alter", "replay") and words[1] == "link" and \
                (len(words) == 2 or words[2] in SIDES):
            side = words[2] if len(words) == 3 else "primary"
            self.tamper.arm(words[0], side)
            log("%s: armed: the next qualifying FT segment from the %s" % (line.strip(), side))
            return False
        elif words == ["stats"]:
            self.stats("stats")
            return False
        else:
            log("unknown command '%s' (cut link | cut witness primary|backup | heal | alter link [primary|backup] | replay link [primary|backup] | stats)" % line)
            return False
        return True

    def commands(self, line):
        """A control line: its commands applied at once, then logged."""
        done = [c.strip() for c in line.split(";") if self.command(c)]
        if done:
            log("%s: %s" % ("; ".join(done), self.state()))
            self.stats("at '%s'" % "; ".join(done))

    def ctl_read(self):
        try:
            data = os.read(self.ctl, 4096)
        except BlockingIOError:
            return
        self.ctl_buf += data
        while b"\n" in self.ctl_buf:
            line, self.ctl_buf = self.ctl_buf.split(b"\n", 1)
            self.commands(line.decode("utf-8", "replace"))

    def on_signal(self, signum, _frame):
        self.pending_signals.append(signum)

    def run(self):
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1, signal.SIGUSR2):
            signal.signal(sig, self.on_signal)
        names = {"nic_primary": "NIC_PRIMARY", "nic_backup": "NIC_BACKUP",
                 "slirp_primary": "SLIRP_PRIMARY", "slirp_backup": "SLIRP_BACKUP",
                 "relay_primary": "RELAY_PRIMARY", "relay_backup": "RELAY_BACKUP",
                 "client": "CLIENT"}
        lines = ["%s=%d" % (names[n], s.getsockname()[1]) for n, s in self.listeners.items()]
        tmp = os.path.join(self.dir, "netcut.ports.tmp")
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.rename(tmp, os.path.join(self.dir, "netcut.ports"))
        log("listening: %s; witness %s; witness addresses %s; control %s" % (
            " ".join(lines), self.witness or "none",
            " ".join("%s=%s" % kv for kv in sorted(self.waddr.items())) or "none", self.ctl_path))
        while not self.stop:
            try:
                events = self.sel.select(timeout=0.2)
            except InterruptedError:
                events = []
            for key, mask in events:
                kind, what = key.data
                if kind == "listen":
                    if what.startswith("relay_"):
                        self.relay_accept(what[len("relay_"):])
                    else:
                        self.l2_accept(what)
                elif kind == "l2":
                    port = self.ports[what]
                    if port.sock is not None and port.sock.fileno() == key.fd:
                        self.l2_read(port, mask)
                elif kind == "relay":
                    side, conn, i = what
                    if conn in self.relays[side].conns and conn[i] is not None and conn[i].fileno() == key.fd:
                        self.relay_read(side, conn, i)
                elif kind == "ctl":
                    self.ctl_read()
            while self.pending_signals:
                sig = self.pending_signals.pop(0)
                if sig == signal.SIGUSR1:
                    self.commands("cut link")
                elif sig == signal.SIGUSR2:
                    self.commands("heal")
                else:
                    self.stats("stopping (signal %d)" % sig)
                    self.stop = True
        os.unlink(self.ctl_path)


def pipe(port):
    """slirp's guestfwd command: standard input and output are the guest's
    connection (a socket); copy it to and from 127.0.0.1:PORT until either
    side ends. Standard error is the connection too: keep it quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    guest = socket.socket(fileno=os.dup(0))
    try:
        up = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return 1
    up.settimeout(None)
    sel = selectors.DefaultSelector()
    sel.register(guest, selectors.EVENT_READ, up)
    sel.register(up, selectors.EVENT_READ, guest)
    while True:
        for key, _ in sel.select():
            src, dst = key.fileobj, key.data
            try:
                data = src.recv(65536)
                if not data:
                    return 0
                dst.sendall(data)
            except OSError as e:
                if e.errno in (errno.EINTR, errno.EAGAIN):
                    continue
                return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "pipe":
        return pipe(int(argv[2]))
    if len(argv) < 2 or argv[1] != "serve":
        sys.stderr.write(__doc__)
        return 2
    args = {"witness_addr": {}, "slirp_addrs": []}
    i = 2
    while i < len(argv):
        opt = argv[i]
        if opt in ("--slirp", "--client"):
            args[opt[2:]] = True
            i += 1
            continue
        val = argv[i + 1] if i + 1 < len(argv) else None
        if val is None:
            sys.stderr.write("netcut.py: %s needs a value\n" % opt)
            return 2
        if opt == "--dir":
            args["dir"] = val
        elif opt == "--witness":
            args["witness"] = val
        elif opt == "--slirp-addr":
            args["slirp_addrs"].append(val)
        elif opt == "--witness-addr":
            side, _, addr = val.partition("=")
            if side not in SIDES:
                sys.stderr.write("netcut.py: --witness-addr takes primary=A.B.C.D or backup=A.B.C.D\n")
                return 2
            args["witness_addr"][side] = addr
        else:
            sys.stderr.write("netcut.py: unknown option %s\n" % opt)
            return 2
        i += 2
    if "dir" not in args:
        sys.stderr.write("netcut.py: serve needs --dir\n")
        return 2
    NetCut(args).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
