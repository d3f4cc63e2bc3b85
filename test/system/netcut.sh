#!/usr/bin/env bash
# The pair's test network (scripts/lib/netcut.py), on the host alone (a few
# seconds, no emulator): fake QEMU socket netdevs on its four frame ports
# and a fake witness. A card's frames reach the other card, never a slirp,
# except ARP for its side's witness address and frames to slirp's MACs,
# which reach its own slirp only; a slirp's reach its own card only. `cut
# link` drops the card-to-card frames both ways with the sockets kept, the
# witness path still flowing, and `heal` lets them through again; the
# counters say so. A witness relay copies a pipe's bytes (netcut.py pipe,
# as slirp's guestfwd runs it) both ways; `cut witness primary` silences
# it (nothing reaches the witness, a new connection is held) without
# closing anything, and `heal` delivers what waited. SIGUSR1 cuts the
# link, SIGUSR2 heals. The packet surgery of `alter link` and `replay
# link` (scripts/lib/wire_tamper.py) on crafted TCP frames: the altered
# one differs from the original in one payload byte and the TCP checksum,
# the replayed one carries an earlier segment's payload under its own
# sequence number, both checksums right (checked here independently),
# each taken once, by a segment of the FT port with a payload over 64
# bytes from the primary; other frames untouched; and through the live
# switch, a frame altered between the cards.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

work=$results/netcut
rm -rf "$work"
mkdir -p "$work"

python3 - "$root/scripts/lib/netcut.py" "$work" <<'PY'
import os, signal, socket, struct, subprocess, sys, time

netcut, work = sys.argv[1], sys.argv[2]
wl = socket.socket()
wl.bind(("127.0.0.1", 0))
wl.listen()
wl.settimeout(2)
log_path = os.path.join(work, "netcut.log")
proc = subprocess.Popen([sys.executable, netcut, "serve", "--dir", work,
                         "--witness", "127.0.0.1:%d" % wl.getsockname()[1],
                         "--witness-addr", "primary=10.9.0.253", "--witness-addr", "backup=10.9.0.252"],
                        stderr=open(log_path, "w"))
procs = [proc]


def done(code):
    for p in procs:
        if p.poll() is None:
            p.terminate()
            p.wait()
    sys.exit(code)


ports_file = os.path.join(work, "netcut.ports")
for _ in range(100):
    if os.path.exists(ports_file) or proc.poll() is not None:
        break
    time.sleep(0.05)
if not os.path.exists(ports_file):
    print("FAIL: netcut: it did not start (%s)" % open(log_path).read().strip().splitlines()[-1:])
    done(0)
ports = dict(line.split("=") for line in open(ports_file).read().split())
peers = {}
for name in ("NIC_PRIMARY", "NIC_BACKUP", "SLIRP_PRIMARY", "SLIRP_BACKUP"):
    peers[name] = socket.create_connection(("127.0.0.1", int(ports[name])))
    peers[name].settimeout(0.3)
time.sleep(0.2)


def send(port, frame):
    peers[port].sendall(struct.pack(">I", len(frame)) + frame)


def received():
    """Which ports got which frames, for a moment."""
    got = {}
    for name, s in peers.items():
        while True:
            try:
                head = s.recv(4, socket.MSG_WAITALL)
            except socket.timeout:
                break
            if len(head) < 4:
                got.setdefault(name, []).append("closed")
                break
            got.setdefault(name, []).append(s.recv(struct.unpack(">I", head)[0], socket.MSG_WAITALL))
    return got


def ctl(line):
    with open(os.path.join(work, "netcut.ctl"), "w") as f:
        f.write(line + "\n")
    time.sleep(0.3)


failures = []


def check(case, what, got, want):
    if got != want:
        failures.append(case)
        print("FAIL: %s: %s: got %s, wanted %s" % (case, what, got, want))


bcast, card_p, card_b = b"\xff" * 6, b"\x52\x54\x00\x00\x00\x01", b"\x52\x54\x00\x00\x00\x02"


def arp(src_mac, src_ip, target_ip):
    return (bcast + src_mac + b"\x08\x06" + b"\x00\x01\x08\x00\x06\x04\x00\x01" + src_mac +
            socket.inet_aton(src_ip) + b"\x00" * 6 + socket.inet_aton(target_ip))


ft_p = card_b + card_p + b"\x08\x00" + b"p" * 60  # the primary's FT traffic
ft_b = card_p + card_b + b"\x08\x00" + b"b" * 60
to_slirp_p = b"\x52\x55\x0a\x09\x00\xfd" + card_p + b"\x08\x00" + b"w" * 60
from_slirp_p = card_p + b"\x52\x55\x0a\x09\x00\xfe" + b"\x08\x00" + b"s" * 60
arp_wp, arp_wb = arp(card_p, "10.9.0.1", "10.9.0.253"), arp(card_b, "10.9.0.2", "10.9.0.252")
arp_peer = arp(card_p, "10.9.0.1", "10.9.0.2")

# --- the switch ---------------------------------------------------------------------
for f in (ft_p, arp_peer, arp_wp, to_slirp_p):
    send("NIC_PRIMARY", f)
send("NIC_BACKUP", ft_b)
send("NIC_BACKUP", arp_wb)
send("SLIRP_PRIMARY", from_slirp_p)
got = received()
check("netcut_switch", "frames", got, {
    "NIC_BACKUP": [ft_p, arp_peer],
    "SLIRP_PRIMARY": [arp_wp, to_slirp_p],
    "NIC_PRIMARY": [ft_b, from_slirp_p],
    "SLIRP_BACKUP": [arp_wb],
})
if "netcut_switch" not in failures:
    print("PASS: netcut_switch (the FT link card to card, each slirp only what is for it)")

# --- cut link, heal -----------------------------------------------------------------
ctl("cut link")
send("NIC_PRIMARY", ft_p)
send("NIC_BACKUP", ft_b)
send("NIC_PRIMARY", to_slirp_p)
send("SLIRP_BACKUP", ft_p)
check("netcut_cut_link", "frames while cut", received(), {"SLIRP_PRIMARY": [to_slirp_p], "NIC_BACKUP": [ft_p]})
ctl("heal")
send("NIC_PRIMARY", ft_p)
check("netcut_cut_link", "frames after heal", received(), {"NIC_BACKUP": [ft_p]})
os.kill(proc.pid, signal.SIGUSR1)
time.sleep(0.3)
send("NIC_BACKUP", ft_b)
check("netcut_cut_link", "frames after SIGUSR1", received(), {})
os.kill(proc.pid, signal.SIGUSR2)
time.sleep(0.3)
send("NIC_BACKUP", ft_b)
check("netcut_cut_link", "frames after SIGUSR2", received(), {"NIC_PRIMARY": [ft_b]})
log = open(log_path).read()
for pattern in ("cut link: cut: link", "heal: nothing cut", "dropped: link cut 2 frames", "closed"):
    present = pattern in log
    check("netcut_cut_link", "a log line with '%s'" % pattern, present, pattern != "closed")
if "netcut_cut_link" not in failures:
    print("PASS: netcut_cut_link (dropped both ways, the sockets kept, the witness path on; healed)")

# --- the witness relay, cut witness, heal -------------------------------------------
case = "netcut_cut_witness"


def pipe():
    a, b = socket.socketpair()
    procs.append(subprocess.Popen([sys.executable, netcut, "pipe", ports["RELAY_PRIMARY"]],
                                  stdin=b, stdout=b, stderr=b))
    b.close()
    a.settimeout(1)
    return a


def recv(s):
    try:
        return s.recv(100)
    except socket.timeout:
        return "nothing"


guest = pipe()
try:
    wit, _ = wl.accept()
except socket.timeout:
    wit = None
if wit is None:
    print("FAIL: %s: the relay did not reach the witness" % case)
    done(0)
wit.settimeout(1)
guest.sendall(b"renew")
check(case, "to the witness", recv(wit), b"renew")
wit.sendall(b"granted")
check(case, "from the witness", recv(guest), b"granted")
ctl("cut witness primary")
guest.sendall(b"renew2")
check(case, "to the witness while cut", recv(wit), "nothing")
guest2 = pipe()
try:
    wl.accept()
    check(case, "a new connection while cut", "reached the witness", "held")
except socket.timeout:
    pass
ctl("heal")
check(case, "held bytes after heal", recv(wit), b"renew2")
try:
    wit2, _ = wl.accept()
    wit2.settimeout(1)
    guest2.sendall(b"acquire")
    check(case, "the held connection after heal", recv(wit2), b"acquire")
except socket.timeout:
    check(case, "the held connection after heal", "not at the witness", "connected")
if case not in failures:
    print("PASS: %s (bytes both ways through the pipe; silent while cut, nothing closed; delivered after heal)" % case)

# --- alter link, replay link: the packet surgery -------------------------------------
sys.path.insert(0, os.path.dirname(netcut))
import wire_tamper


def words_sum(data):
    if len(data) % 2:
        data += b"\0"
    total = 0
    for i in range(0, len(data), 2):
        total += (data[i] << 8) | data[i + 1]
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def tcp_frame(sport, dport, seq, payload, pad=0, proto=6, frag=0):
    """An Ethernet frame with IPv4 and TCP, its TCP checksum right."""
    src, dst = socket.inet_aton("10.9.0.1"), socket.inet_aton("10.9.0.2")
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, 77, 5 << 4, 0x18, 8192, 0, 0) + payload
    pseudo = src + dst + struct.pack(">BBH", 0, proto, len(tcp))
    tcp = tcp[:16] + struct.pack(">H", 0xFFFF - words_sum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, frag, 64, proto, 0, src, dst)
    return card_b + card_p + b"\x08\x00" + ip + tcp + b"\0" * pad


def checksum_right(frame):
    tcp = frame[34:34 + struct.unpack(">H", frame[16:18])[0] - 20]
    pseudo = frame[26:34] + struct.pack(">BBH", 0, 6, len(tcp))
    return words_sum(pseudo + tcp) == 0xFFFF


def differing(a, b):
    return [i for i in range(len(a)) if a[i] != b[i]] if len(a) == len(b) else "lengths differ"


def altered_where(a, b):
    """'payload byte N' when a and b differ there and at most in the TCP
    checksum (frame bytes 50 and 51) besides."""
    at = [i for i in differing(a, b) if i not in (50, 51)] if len(a) == len(b) else "lengths differ"
    return at if at == "lengths differ" or len(at) != 1 else "payload byte %d" % (at[0] - 54)


case = "netcut_alter_replay"
events = []
tamper = wire_tamper.Tamper(9730, events.append)
pay_a, pay_b = bytes(range(100)), bytes(range(1, 101))
seg_a = tcp_frame(50000, 9730, 1000, pay_a, pad=4)
seg_b = tcp_frame(50000, 9730, 1100, pay_b)
check(case, "the crafted frames' checksums", [checksum_right(seg_a), checksum_right(seg_b)], [True, True])
tamper.arm("alter", "primary")
untouched = [tcp_frame(50000, 9731, 1, pay_a), tcp_frame(50000, 9730, 1, b"x" * 64),
             tcp_frame(50000, 9730, 1, pay_a, proto=17), tcp_frame(50000, 9730, 1, pay_a, frag=0x2000), ft_p]
check(case, "other frames, armed", [tamper.frame("primary", f) == f for f in untouched], [True] * 5)
check(case, "a backup's segment, the primary's armed", tamper.frame("backup", seg_b), seg_b)
altered = tamper.frame("primary", seg_a)
check(case, "the altered frame's changed bytes", altered_where(seg_a, altered), "payload byte 99")
check(case, "the altered byte", altered[14 + 40 + 99], seg_a[14 + 40 + 99] ^ 0xFF)
check(case, "the altered frame's checksum", checksum_right(altered), True)
check(case, "alter taken once", tamper.frame("primary", seg_a), seg_a)
tamper.arm("replay", "primary")
check(case, "replay with no earlier segment of its length", tamper.frame("primary", tcp_frame(50000, 9730, 1, bytes(90))),
      tcp_frame(50000, 9730, 1, bytes(90)))
replayed = tamper.frame("primary", seg_b)
check(case, "the replayed frame", replayed, tcp_frame(50000, 9730, 1100, pay_a))
check(case, "the replayed frame's checksum", checksum_right(replayed), True)
check(case, "replay taken once", tamper.frame("primary", seg_b), seg_b)
resend = wire_tamper.Tamper(9730, events.append)
resend.frame("primary", seg_a)
resend.arm("replay", "primary")
check(case, "replay: a segment sent again (the same payload) is no replay", resend.frame("primary", seg_a), seg_a)
check(case, "replay: armed still", resend.frame("primary", seg_b), tcp_frame(50000, 9730, 1100, pay_a))
check(case, "the log", [e.split(":")[0] + ": " + e.split(": ", 1)[1].split(",")[0] for e in events],
      ["alter link: primary->backup segment 50000->9730 seq 1000", "replay link: primary->backup segment 50000->9730 seq 1100"] +
      ["replay link: primary->backup segment 50000->9730 seq 1100"])
tamper.arm("alter", "backup")
ack = tcp_frame(9730, 50000, 7, b"ack")
check(case, "a backup's short segment altered", differing(ack, tamper.frame("backup", ack))[-1], len(ack) - 1)

# through the switch: `alter link` on the control FIFO, a frame between the cards
ctl("alter link")
send("NIC_PRIMARY", seg_a)
got = received()
check(case, "through netcut", list(got), ["NIC_BACKUP"])
if list(got) == ["NIC_BACKUP"]:
    check(case, "through netcut: the frame", altered_where(seg_a, got["NIC_BACKUP"][0]), "payload byte 99")
    check(case, "through netcut: the checksum", checksum_right(got["NIC_BACKUP"][0]), True)
send("NIC_PRIMARY", seg_a)
check(case, "through netcut, once", received(), {"NIC_BACKUP": [seg_a]})
check(case, "netcut's log", "alter link: primary->backup segment 50000->9730 seq 1000, 100 payload bytes: flipped payload byte 99 of 100"
      in open(log_path).read(), True)
if case not in failures:
    print("PASS: %s (one byte flipped, an earlier payload in place, checksums right, once each; other frames untouched)" % case)
done(0)
PY
