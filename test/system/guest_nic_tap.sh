#!/usr/bin/env bash
# The Linux guest on a host network: in a network namespace of this
# script's own (unshare -n; nothing outside it is touched, and it goes
# away with the script), a tap device 10.0.3.1/24 is the host's side of
# the hypervisor's NIC (run.sh --netdev tap:IFNAME). The hypervisor has
# its own static address on it (ip=10.0.3.2) and the guest, on the same
# NIC through guest_nic=virtio, its own (10.0.3.3, guest_ip=static):
# docs/networking.md, "The guest's frames on the same NIC".
#   qemu:  QEMU TCG (SVM), the host NIC an e1000 on the tap: the host
#          pings the guest (every echo answered) and the hypervisor, finds
#          each address at its own MAC in its ARP table, fetches the
#          guest's HTTP file and the hypervisor's /status, and echoes
#          64 KiB through the guest's echo service, compared byte for byte.
#   bochs: Bochs (VMX, corei7_skylake_x), its e1000 on the tap through
#          Bochs' tuntap ethmod, the kernel with acpi=off (it scans the PCI
#          bus itself and takes INTx through the 8259): the same.
# Arguments: the cases to run (default: qemu bochs).
# Needs root and /dev/net/tun; without them, or when the namespace or the
# tap cannot be made, this FAILs (a test must never pass by not running).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

NAME=guest_nic_tap
TAP=ustap0
HOST_IP=10.0.3.1
HV_IP=10.0.3.2
GUEST_IP=10.0.3.3
HV_MAC=52:54:00:12:34:56 # the first e1000's, under QEMU and Bochs (scripts/lib/emulators.sh)
MAC=02:55:53:00:00:07
PINGS=5
k=$root/third_party/linux
initrd=$root/build/linux/initramfs.cpio
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(qemu bochs)

# Outside the namespace: check, then run this script again inside a new
# one (GUEST_NIC_TAP_OUTER names the namespace it was started in: only in
# another one does it go on).
if [ "${GUEST_NIC_TAP_OUTER:-}" = "" ] || [ "$GUEST_NIC_TAP_OUTER" = "$(readlink /proc/self/ns/net)" ]; then
	if why=$(tap_prerequisites_missing); then
		echo "FAIL: $NAME: needs root and /dev/net/tun for a network namespace with a tap device ($why)"
		exit 0
	fi
	if ! unshare -n true 2>"$results/$NAME.setup"; then
		echo "FAIL: $NAME: cannot make a network namespace ($(tail -n 1 "$results/$NAME.setup"))"
		exit 0
	fi
	GUEST_NIC_TAP_OUTER=$(readlink /proc/self/ns/net) exec unshare -n -- bash "$0" "${cases[@]}"
fi

need_linux "$NAME" "$k/vmlinuz-cloud" "$k/vmlinux-cloud" "$initrd"
if ! make_tap "$TAP" "$HOST_IP/24" 2>"$results/$NAME.setup"; then
	echo "FAIL: $NAME: cannot make the tap device in the namespace ($(tail -n 1 "$results/$NAME.setup"))"
	exit 0
fi

# The MAC the host's ARP table has for address, or nothing.
neighbour_mac() { # address
	ip neigh show "$1" dev "$TAP" | sed -n -E 's/.* lladdr ([0-9a-f:]+).*/\1/p'
}

# Pings address PINGS times from the host; prints why not every echo was
# answered, or nothing. The answers are in $results/NAME.ping.WHO.
ping_all() { # name who address
	local out=$results/$1.ping.$2 received
	ping -n -c "$PINGS" -i 0.2 -W 3 "$3" >"$out" 2>&1 || true
	received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$out")
	[ "${received:-0}" = "$PINGS" ] || echo "${received:-0} of $PINGS pings of the $2 ($3) answered; "
}

# One guest on the tap: boots run.sh (args) in the background, waits until
# the guest serves (up to wait_s), pings it and the hypervisor, checks the
# two addresses' MACs, fetches the HTTP file and the hypervisor's /status,
# echoes 64 KiB through port 7 (which ends the guest), then checks the
# console against the patterns.
tap_case() { # name wait_s run.sh-args... -- patterns...
	local name=$1 wait_s=$2 log=$results/$1.log args=() pid got why="" t0 t_serving
	shift 2
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	t0=$(date +%s)
	start_instance "$log" "${args[@]}" --nic e1000 --netdev "tap:$TAP" \
		--cmdline "ip=$HV_IP gw=$HOST_IP guest_mem=256M guest_nic=virtio guest_mac=$MAC" \
		--guest-args "console=ttyS0 loglevel=1 $guest_extra guest_net=$MAC guest_ip=static:$GUEST_IP/24,$HOST_IP guest_serve=120"
	pid=$inst_pid
	if ! wait_for_line "$log" '^linux: net: serving http' "$pid" "$wait_s"; then
		stop_instance "$pid"
		echo "FAIL: $name: the guest did not serve ($(grep -h -E 'FAILED|^error|run.sh: ' "$log" "$log.stderr" | head -n 1))"
		return 0
	fi
	t_serving=$(date +%s)
	why=$(ping_all "$name" guest "$GUEST_IP")$(ping_all "$name" hypervisor "$HV_IP")
	got="guest $GUEST_IP at $(neighbour_mac "$GUEST_IP"), hypervisor $HV_IP at $(neighbour_mac "$HV_IP")"
	echo "$got" >"$results/$name.neighbours"
	[ "$got" = "guest $GUEST_IP at $MAC, hypervisor $HV_IP at $HV_MAC" ] ||
		why="${why}the host's ARP table has $got; "
	got=$(curl -s -m 30 -o "$results/$name.data" -w '%{time_total}' "http://$GUEST_IP/data" || true)
	cmp -s "$results/$name.data" <(seq 1 20000) ||
		why="${why}the HTTP file differs from the guest's (seq 1 20000); "
	echo "HTTP fetch of 108894 bytes: $got s" >"$results/$name.figures"
	curl -s -m 20 "http://$HV_IP:8080/status" >"$results/$name.status.json" || true
	grep -q '"state": *"running"' "$results/$name.status.json" ||
		why="${why}the hypervisor's /status did not answer 'running'; "
	got=$(echo_through "$GUEST_IP" 7 65536) || got="no connection"
	[ "$got" = same ] || why="${why}echo of 64 KiB: $got; "
	wait_or_stop "$pid" 60
	echo "boot to serving $((t_serving - t0)) s, whole case $(($(date +%s) - t0)) s" >>"$results/$name.figures"
	if [ -n "$why" ]; then
		echo "FAIL: $name: $why"
		return 0
	fi
	got=$(check_console "$name" "$log" "$wait_status" 0 "$@")
	[ "${got#PASS}" = "$got" ] || got="$got ($(pass_details "$name"))"
	echo "$got"
}

# What a passing case measured: the neighbours, the pings' round trip, the
# figures.
pass_details() { # name
	local rtt
	rtt=$(sed -n 's/^rtt [^=]*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p' "$results/$1.ping.guest")
	echo "$(cat "$results/$1.neighbours"); $PINGS/$PINGS pings each, rtt avg $rtt ms to the guest;" \
		"$(paste -s -d ';' "$results/$1.figures" | sed 's/;/; /g')"
}

tap_ok=("linux: net: address $GUEST_IP/24" "linux: net: gateway $HOST_IP" 'linux: net: ping gateway: ok'
	'linux: net: httpd started: ok' 'linux: net: echo served: ok' 'linux: done, 0 failures'
	"net: e1000 $HV_MAC up, $HV_IP/24 gw $HOST_IP"
	"guest NIC: on the host NIC e1000: guest $MAC, hypervisor $HV_MAC"
	'guest NIC: host NIC: RX [1-9][0-9]* frames [0-9]+ bytes to the guest'
	'TX [1-9][0-9]* frames [0-9]+ bytes \([0-9]+ transmit ring full, 0 refused\)')
for c in "${cases[@]}"; do
	case "$c" in
	qemu)
		guest_extra=""
		tap_case guest_nic_tap_svm 180 --emu qemu --mem 512 --timeout 300 \
			--guest "$k/vmlinuz-cloud" --initrd "$initrd" -- "${tap_ok[@]}" \
			'~ linux: net: +11: [1-9][0-9]* IO-APIC 11-fasteoi virtio0'
		;;
	bochs)
		guest_extra="acpi=off"
		tap_case guest_nic_tap_vmx 600 --emu bochs --mem 512 --timeout 900 \
			--guest "$k/vmlinux-cloud" --initrd "$initrd" -- "${tap_ok[@]}" \
			'~ linux: net: +11: [1-9][0-9]* XT-PIC virtio0'
		;;
	*) echo "FAIL: $NAME: unknown case '$c' (qemu or bochs)" ;;
	esac
done
