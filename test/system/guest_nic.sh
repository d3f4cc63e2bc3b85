#!/usr/bin/env bash
# The guest's NIC (guest_nic=virtio, docs/guest-platform.md) under QEMU
# TCG (SVM): Debian's cloud kernel with its default command line finds the
# PCI root bridge in the DSDT and the virtio-net device at 00:03.0, loads
# the unmodified virtio_net driver from the initramfs (guest_net=MAC in
# test/linux/init), eth0 has guest_mac, comes up with its link up, and the
# ARP requests of a ping are counted by the device (the hypervisor's
# report) with their completion interrupts on IOAPIC pin 11, level-
# triggered; with acpi=off the kernel scans the bus itself and takes the
# interrupt through the 8259. With guest_nic=off (the default) the guest
# sees no PCI device.
# On the host NIC (net/guest_port.h), QEMU's user network behind it: the
# guest gets an address (static on an e1000 host NIC, recorded and then
# replayed without network; DHCP from slirp on a
# virtio-net one, whose device is promiscuous), pings the gateway, serves a
# file over HTTP and an echo connection through host port forwards, both
# compared byte for byte, while the hypervisor's own control endpoint
# answers /status on its address through a third forward. A recording
# with the network up has the NIC plugged; its replay needs no network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
k=$root/third_party/linux
initrd=$root/build/linux/initramfs.cpio
need_linux guest_nic "$k/vmlinuz-cloud" "$initrd"
mac=02:55:53:00:00:07
hv=(--emu qemu --mem 512 --timeout 200)
net_ok=('linux: net: pci 00:03.0: ok' 'linux: net: eth0 address: ok'
	'linux: net: ip link set eth0 up: ok' 'linux: net: carrier: ok' 'linux: net: operstate: ok'
	'linux: net: frames sent: ok' 'linux: done, 0 failures'
	"guest NIC: virtio-net at PCI 00:03.0, MAC $mac, IRQ 11"
	'guest NIC: status 0x07; TX [1-9][0-9]* frames [1-9][0-9]* bytes \(0 dropped\)'
	'[1-9][0-9]* interrupts \([0-9]+ suppressed\); 0 ring errors; backend [1-9]')

boot_case guest_nic_virtio_acpi 0 "${hv[@]}" --cmdline "guest_mem=256M guest_nic=virtio guest_mac=$mac" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
	--guest-args "console=ttyS0 loglevel=1 guest_net=$mac" -- \
	"${net_ok[@]}" '~ linux: net: +11: [1-9][0-9]* IO-APIC 11-fasteoi virtio0'
boot_case guest_nic_virtio_acpi_off 0 "${hv[@]}" --cmdline "guest_mem=256M guest_nic=virtio guest_mac=$mac" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
	--guest-args "console=ttyS0 loglevel=1 acpi=off guest_net=$mac" -- \
	"${net_ok[@]}" '~ linux: net: +11: [1-9][0-9]* XT-PIC virtio0'
boot_case guest_nic_off_no_pci 0 "${hv[@]}" --cmdline "guest_mem=256M" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
	--guest-args "console=ttyS0 loglevel=1 guest_net=none" -- \
	'linux: net: pci devices: ok' 'linux: done, 0 failures'

# One guest serving through the host NIC: waits for it to serve, fetches
# the file and the hypervisor's /status, echoes 64 KiB, then checks the
# console. hv_ip and guest_ip: the two addresses on the user network;
# serve_run: more run.sh arguments (a recording's).
serve_run=()
serve_case() { # name host_nic hv_cmdline guest_ip_option guest_ip
	local name=$1 log=$results/$1.log pid http echo ctl got want why=""
	http=$(free_port) echo=$(free_port) ctl=$(free_port)
	start_instance "$log" "${hv[@]}" "${serve_run[@]}" --nic "$2" --netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$http-$5:80,hostfwd=tcp:127.0.0.1:$echo-$5:7,hostfwd=tcp:127.0.0.1:$ctl-10.0.2.15:8080" \
		--cmdline "$3 guest_mem=256M guest_nic=virtio guest_mac=$mac" \
		--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
		--guest-args "console=ttyS0 loglevel=1 guest_net=$mac guest_ip=$4 guest_serve=60"
	pid=$inst_pid
	if ! wait_for_line "$log" '^linux: net: serving http' "$pid" 180; then
		stop_instance "$pid"
		echo "FAIL: $name: the guest did not serve ($(grep -h -E 'FAILED|^error' "$log" "$log.stderr" | head -n 1))"
		return 0
	fi
	got=$(curl -s -m 20 -o "$results/$name.data" -w '%{time_total}' "http://127.0.0.1:$http/data" || true)
	echo "HTTP fetch of 108894 bytes: $got s" >"$results/$name.figures"
	got=$(sha256sum <"$results/$name.data" | cut -d ' ' -f 1)
	want=$(seq 1 20000 | sha256sum | cut -d ' ' -f 1)
	[ "$got" = "$want" ] || why="HTTP file sha256 $got, want $want; "
	curl -s -m 20 "http://127.0.0.1:$ctl/status" >"$results/$name.status.json" || true
	grep -q '"state": *"running"' "$results/$name.status.json" ||
		why="${why}the hypervisor's /status did not answer 'running'; "
	got=$(echo_through 127.0.0.1 "$echo" 65536) || got="no connection"
	[ "$got" = same ] || why="${why}echo: $got; "
	wait_or_stop "$pid" 60
	if [ -n "$why" ]; then
		echo "FAIL: $name: $why"
		return 0
	fi
	shift 5
	check_console "$name" "$log" "$wait_status" 0 "$@"
}

serve_ok=('linux: net: carrier: ok' 'linux: net: gateway 10.0.2.2' 'linux: net: ping gateway: ok'
	'linux: net: httpd started: ok' 'linux: net: echo served: ok' 'linux: done, 0 failures'
	'guest NIC: host NIC: RX [1-9][0-9]* frames [0-9]+ bytes to the guest \([0-9]+ not taken'
	'TX [1-9][0-9]* frames [0-9]+ bytes \([0-9]+ transmit ring full, 0 refused\)')
serve_case guest_nic_host_dhcp_virtio virtio-net-pci "ip=dhcp" dhcp 10.0.2.16 "${serve_ok[@]}" \
	'linux: net: dhcp lease: ok' 'linux: net: address 10.0.2.16/24' \
	'net: virtio-net [0-9a-f:]+ up, 10.0.2.15/24 gw 10.0.2.2 \(DHCP\)' \
	'guest NIC: on the host NIC virtio-net: guest 02:55:53:00:00:07'

# A recorded session with traffic (docs/record-replay.md, "Network
# frames"): the static address on an e1000, served as above while
# recorded (tbit=off, as Linux recordings are), its received frames
# logged (NET_RX) and its sent ones (NET_TX); then the log replays with no
# network at all (no host NIC, no ip=, the guest's NIC unplugged, tbit=
# auto taking the log's choice) to the
# same final digest and console, every sent frame compared with the log.
rrlog=$results/guest_nic_rr_http.rrlog
serve_run=(--record "$rrlog" --guest-log "$results/guest_nic_rr_http.record.guest")
serve_case guest_nic_rr_http e1000 "ip=10.0.2.15 gw=10.0.2.2 tbit=off" \
	"static:10.0.2.16/24,10.0.2.2" 10.0.2.16 "${serve_ok[@]}" 'linux: net: address 10.0.2.16/24' \
	'guest NIC: on the host NIC e1000: guest 02:55:53:00:00:07, hypervisor 52:54:00:12:34:56' \
	'guest NIC: record/replay: RX [1-9][0-9]* queued \([0-9]+ queue full, [0-9]+ without a buffer\), [1-9][0-9]* delivered'
serve_run=()
set +e
"$root/scripts/run.sh" "${hv[@]}" --timeout 900 --cmdline "guest_mem=256M guest_nic=virtio guest_mac=$mac" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
	--guest-args "console=ttyS0 loglevel=1 guest_net=$mac guest_ip=static:10.0.2.16/24,10.0.2.2 guest_serve=60" \
	--replay "$rrlog" --guest-log "$results/guest_nic_rr_http.replay.guest" \
	>/dev/null 2>"$results/guest_nic_rr_http.replay.log"
set -e
rep=$results/guest_nic_rr_http.replay.log
if ! grep -q 'rr: replay matches the recording' "$rep"; then
	echo "FAIL: guest_nic_rr_http_replay: the replay did not confirm the recording ($(replay_why "$rep"))"
elif ! grep -q 'guest NIC: unplugged with rr=replay' "$rep" ||
	! grep -q -E 'TX [1-9][0-9]* compared with the log' "$rep"; then
	echo "FAIL: guest_nic_rr_http_replay: the replay's NIC was not unplugged, or compared no sent frame"
elif ! cmp -s "$results/guest_nic_rr_http.record.guest" "$results/guest_nic_rr_http.replay.guest"; then
	echo "FAIL: guest_nic_rr_http_replay: the replay's console differs from the recording's"
else
	echo "PASS: guest_nic_rr_http_replay ($(stat -c %s "$rrlog") log bytes, $(sed -n 's/.*replay matches the recording: \([0-9]*\) guest-caused.*/\1/p' "$rep") landmarks; $(grep -o 'RX [0-9]* queued.*delivered' "$results/guest_nic_rr_http.log.stderr" | head -n 1))"
fi

# Snapshots carry the NIC's state (DEVICE sections pci_host and
# virtio_net): the timer guest on a VM with the NIC, snapshotted and
# resumed on one with it; a VM without the NIC refuses that snapshot.
g=$root/build/guests
snap=$results/guest_nic_timer.snap
boot_case guest_nic_snapshot_take 0 --emu qemu --cmdline "guest_nic=virtio" --guest "$g/timer.elf" \
	--snapshot exits:200 --snapshot-out "$snap" -- 'snapshot written; the guest stopped'
boot_case guest_nic_snapshot_resume 0 --emu qemu --cmdline "guest_nic=virtio" --guest "$g/timer.elf" \
	--resume "$snap" -- 'snapshot: resumed a snapshot taken on svm' 'guest NIC: status 0x00'
boot_case guest_nic_snapshot_refused_without_nic 126 --emu qemu --guest "$g/timer.elf" \
	--resume "$snap" -- 'snapshot refused: it has a guest NIC and this VM has none'

# Recording with the network up plugs the guest's NIC into the host NIC
# (received frames are logged inputs); the replay keeps it unplugged and
# takes them from the log: the timer guest with the NIC on an e1000 with an
# address records and replays.
rr_case guest_nic_rr_plugged --emu qemu --nic e1000 \
	--cmdline "ip=10.0.2.15 gw=10.0.2.2 guest_nic=virtio" -- "$g/timer.elf"
grep -q 'guest NIC: on the host NIC' "$results/guest_nic_rr_plugged.record.log" &&
	grep -q 'guest NIC: unplugged with rr=replay' "$results/guest_nic_rr_plugged.replay.log" &&
	echo "PASS: guest_nic_rr_plugged_said" ||
	echo "FAIL: guest_nic_rr_plugged_said: the record run was not on the host NIC, or the replay was"
