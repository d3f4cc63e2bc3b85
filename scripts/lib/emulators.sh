# Emulator helpers shared by run.sh and the system tests (sourced, not run).

# Does KVM really offer nested VMX or SVM? /dev/kvm alone proves nothing (a
# paravirtual KVM has it too): the host CPU must show vmx/svm, and a probe
# boot of Understudy under KVM must see VMX or SVM itself. Cached per boot.
kvm_nested_available() {
	local cache=${TMPDIR:-/tmp}/understudy-kvm-probe.$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo x)
	[ -f "$cache" ] && { [ "$(cat "$cache")" = yes ]; return; }
	local verdict=no
	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw -E 'vmx|svm' /proc/cpuinfo &&
	   [ -f "$root/build/understudy.elf" ]; then
		local probe_log
		probe_log=$(mktemp)
		"$root/scripts/mkiso.sh" --elf "$root/build/understudy.elf" --out "$probe_log.iso" \
			--cmdline "selftest=off"
		timeout 30 qemu-system-x86_64 -accel kvm -cpu host -machine q35 -m 256 \
			-display none -serial "file:$probe_log" -monitor none -no-reboot -net none \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 -cdrom "$probe_log.iso" \
			>/dev/null 2>&1 || true
		grep -q -E 'cpu: .*(VMX|SVM) available' "$probe_log" && verdict=yes
		rm -f "$probe_log" "$probe_log.iso"
	fi
	echo "$verdict" > "$cache"
	[ "$verdict" = yes ]
}

# QEMU/KVM where nested virtualization really works; else QEMU TCG, which
# emulates SVM with nested paging (several times faster than Bochs).
best_emulator() {
	if kvm_nested_available; then echo kvm; else echo qemu; fi
}

default_timeout() { # emu uefi
	case "$1" in
	bochs) echo 300 ;;
	*) if [ "$2" = 1 ]; then echo 120; else echo 60; fi ;;
	esac
}

emulator_description() { # emu uefi cpu
	case "$1" in
	bochs) echo "Bochs (${3:-corei7_skylake_x})" ;;
	kvm) echo "QEMU/KVM (-cpu ${3:-host})" ;;
	*) echo "QEMU TCG (-cpu ${3:-max}, $([ "$2" = 1 ] && echo OVMF || echo SeaBIOS))" ;;
	esac
}

# Network cards: the caller may set the arrays emu_nics (models: e1000,
# virtio-net-pci) and emu_netdevs (one per card; default "user,id=nN" for
# card N under QEMU, Bochs' slirp under Bochs). Without cards the machine
# has none, as before (QEMU -net none). A netdev is a QEMU -netdev value,
# or, for either emulator, "bxhub:PORT": the card is session PORT of a
# bxhub (Bochs' Ethernet hub, `bxhub -base=B` serves sessions B, B+2, ...):
# Bochs' socket ethmod, or QEMU's dgram netdev, receiving on UDP PORT and
# sending to PORT+1 on the loopback. That is how a Bochs instance reaches
# another instance. Under QEMU, "hub:SPEC;SPEC;..." puts the card on a QEMU
# hub (-netdev hubport) joining those backends (each a -netdev value with
# its id=): what one of them or the card sends reaches all the others.
# For either emulator, "tap:IFNAME" puts the card on the host's tap device
# IFNAME, which must exist (ip tuntap add dev IFNAME mode tap): QEMU's tap
# netdev without its scripts, or Bochs' tuntap ethmod; the host side's
# address is whatever IFNAME has (how a test makes a host network in a
# namespace of its own, test/system/guest_nic_tap.sh).
# The caller may also set emu_hubs: hubs without a card, each
# "SPEC;SPEC;..." (QEMU only; QEMU warns "hub N with no nics"), e.g. a
# user network (slirp) joined to a socket netdev (scripts/pair.sh's test
# network, scripts/lib/netcut.py).
BOCHS_MAX_E1000=4 # bochsrc "e1000: card=0..3"
EMU_FREE_HUB_BASE=100 # hub ids of emu_hubs: 100, 101, ... (card N's hub is N)

# The -netdev value for card i: the given one, or user networking.
nic_netdev() { # i
	local specs=(${emu_netdevs[@]+"${emu_netdevs[@]}"})
	if [ "$1" -lt "${#specs[@]}" ]; then echo "${specs[$1]}"; else echo "user,id=n$1"; fi
}

# A bxhub session's MAC address, from its port: the sessions of a hub must
# differ (an e1000 does not take frames from its own address).
bxhub_mac() { # port
	printf '52:54:01:00:%02x:%02x' $(($1 >> 8)) $(($1 & 255))
}

# The tap device of card i's netdev ("tap:IFNAME"), or nothing.
nic_tap_ifname() { # i
	local specs=(${emu_netdevs[@]+"${emu_netdevs[@]}"})
	[ "$1" -lt "${#specs[@]}" ] || return 0
	echo "${specs[$1]}" | sed -n -E 's/^tap:([^,:;/ ]+)$/\1/p'
}

# The bxhub session port of card i's netdev, or nothing.
nic_bxhub_port() { # i
	local specs=(${emu_netdevs[@]+"${emu_netdevs[@]}"})
	[ "$1" -lt "${#specs[@]}" ] || return 0
	echo "${specs[$1]}" | sed -n -E 's/^bxhub:([0-9]+)$/\1/p'
}

# Prints why a hub's backends (SPEC;SPEC;...) cannot be, or nothing.
check_hub_backends() { # what backends
	local b backends
	IFS=';' read -r -a backends <<<"$2"
	[ "${#backends[@]}" -gt 0 ] || { echo "$1: a hub needs at least one backend"; return 1; }
	for b in "${backends[@]}"; do
		case "$b" in
		'') echo "$1: an empty backend"; return 1 ;;
		bxhub:* | hub:*) echo "$1: '$b' cannot be a hub's backend"; return 1 ;;
		esac
		echo "$b" | grep -q -E '(^|,)id=[^,]+' || { echo "$1: backend '$b' has no id="; return 1; }
	done
}

# Prints why the cards cannot be given to emulator emu and fails, or
# prints nothing.
check_nics() { # emu
	local nics=(${emu_nics[@]+"${emu_nics[@]}"}) specs=(${emu_netdevs[@]+"${emu_netdevs[@]}"})
	local hubs=(${emu_hubs[@]+"${emu_hubs[@]}"})
	local i model
	if [ "${#hubs[@]}" -gt 0 ]; then
		[ "$1" != bochs ] || { echo "--hub is for QEMU (Bochs has no hubs)"; return 1; }
		for i in "${!hubs[@]}"; do
			check_hub_backends "--hub '${hubs[$i]}'" "${hubs[$i]}" || return 1
		done
	fi
	[ "${#nics[@]}" -ge "${#specs[@]}" ] ||
		{ echo "more --netdev than --nic"; return 1; }
	for i in "${!nics[@]}"; do
		model=${nics[$i]}
		case "$1:$model" in
		bochs:e1000) ;;
		bochs:*) echo "Bochs emulates no '$model' (only e1000)"; return 1 ;;
		*:e1000|*:virtio-net-pci) ;;
		*) echo "--nic must be e1000, virtio-net-pci or none, not '$model'"; return 1 ;;
		esac
		if [ -n "$(nic_bxhub_port "$i")" ] || [ -n "$(nic_tap_ifname "$i")" ]; then
			continue
		elif [ "$i" -lt "${#specs[@]}" ] && [ "${specs[$i]:0:4}" = tap: ]; then
			echo "--netdev '${specs[$i]}': tap:IFNAME takes a network interface's name"; return 1
		elif [ "$i" -lt "${#specs[@]}" ] && [ "${specs[$i]:0:4}" = hub: ]; then
			[ "$1" != bochs ] ||
				{ echo "--netdev '${specs[$i]}': hub: is for QEMU (Bochs has no hubs; use bxhub:PORT)"; return 1; }
			check_hub_backends "--netdev '${specs[$i]}'" "${specs[$i]#hub:}" || return 1
		elif [ "$i" -lt "${#specs[@]}" ] && [ "${specs[$i]:0:6}" = bxhub: ]; then
			echo "--netdev '${specs[$i]}': bxhub:PORT takes a UDP port number"; return 1
		elif [ "$1" = bochs ] && [ "$i" -lt "${#specs[@]}" ]; then
			echo "--netdev '${specs[$i]}' is for QEMU; Bochs takes bxhub:PORT, tap:IFNAME or its slirp (no --netdev)"; return 1
		elif [ "$1" != bochs ] && ! nic_netdev "$i" | grep -q -E '(^|,)id=[^,]+'; then
			echo "--netdev '$(nic_netdev "$i")' has no id="; return 1
		fi
	done
	if [ "$1" = bochs ] && [ "${#nics[@]}" -gt "$BOCHS_MAX_E1000" ]; then
		echo "Bochs has at most $BOCHS_MAX_E1000 e1000 cards"; return 1
	fi
}

# The -netdev id= of a spec.
netdev_id() { # spec
	echo "$1" | sed -n -E 's/^(.*,)?id=([^,]+).*/\2/p'
}

# QEMU arguments for hub hubid joining the backends (SPEC;SPEC;...): each a
# -netdev and a hubport on it, named after its id.
qemu_hub_args() { # hubid backends
	local b backends
	IFS=';' read -r -a backends <<<"$2"
	for b in "${backends[@]}"; do
		printf '%s\n' -netdev "$b" -netdev "hubport,id=$(netdev_id "$b")-hub,hubid=$1,netdev=$(netdev_id "$b")"
	done
}

# QEMU arguments for the cards: each a -netdev and a -device on it, with
# romfile= empty so no iPXE option ROM is needed (or loaded); a card on a
# hub: its backends, and the card on a hubport of its own (hub N for
# card N, the hubport's id hubN); then the hubs without a card (emu_hubs).
# When the caller sets emu_capture to a file, the first card's traffic
# (both ways) is written to it as a pcap (QEMU's filter-dump).
qemu_nic_args() {
	local i spec id port mac
	for i in ${emu_nics[@]+"${!emu_nics[@]}"}; do
		spec=$(nic_netdev "$i")
		port=$(nic_bxhub_port "$i")
		mac=""
		if [ -n "$(nic_tap_ifname "$i")" ]; then
			spec="tap,id=n$i,ifname=$(nic_tap_ifname "$i"),script=no,downscript=no"
		elif [ -n "$port" ]; then
			spec="dgram,id=n$i,local.type=inet,local.host=127.0.0.1,local.port=$port,remote.type=inet,remote.host=127.0.0.1,remote.port=$((port + 1))"
			mac=",mac=$(bxhub_mac "$port")"
		elif [ "${spec:0:4}" = hub: ]; then
			qemu_hub_args "$i" "${spec#hub:}"
			spec="hubport,id=hub$i,hubid=$i"
		fi
		id=$(netdev_id "$spec")
		printf '%s\n' -netdev "$spec" -device "${emu_nics[$i]},netdev=$id,romfile=$mac"
		[ "$i" != 0 ] || [ -z "${emu_capture:-}" ] ||
			printf '%s\n' -object "filter-dump,id=capture0,netdev=$id,file=$emu_capture"
	done
	for i in ${emu_hubs[@]+"${!emu_hubs[@]}"}; do
		qemu_hub_args "$((EMU_FREE_HUB_BASE + i))" "${emu_hubs[$i]}"
	done
}

# bochsrc lines for the cards: e1000 on Bochs' slirp (10.0.2.0/24, gateway
# 10.0.2.2, like QEMU's user networking), a bxhub session, or a tap
# device (the tuntap ethmod: "/dev/net/tun:IFNAME" attaches to the
# existing IFNAME, iodev/network/eth_tuntap.cc tun_alloc), MAC
# 52:54:00:12:34:56 and up.
bochs_nic_lines() {
	local i port tap
	for i in ${emu_nics[@]+"${!emu_nics[@]}"}; do
		port=$(nic_bxhub_port "$i")
		tap=$(nic_tap_ifname "$i")
		if [ -n "$port" ]; then
			echo "e1000: card=$i, enabled=1, mac=$(bxhub_mac "$port"), ethmod=socket, ethdev=$port"
		elif [ -n "$tap" ]; then
			echo "e1000: card=$i, enabled=1, mac=52:54:00:12:34:5$((6 + i)), ethmod=tuntap, ethdev=/dev/net/tun:$tap"
		else
			echo "e1000: card=$i, enabled=1, mac=52:54:00:12:34:5$((6 + i)), ethmod=slirp"
		fi
	done
}

# Starts the emulator in the background with COM1 (hypervisor log) in log,
# COM2 (guest console) in guest_out and COM3 (record/replay log or trace)
# in workdir/com3.out; sets emu_pid. iso is an ISO image, or (QEMU) a
# folder given to the firmware as a FAT disk: an ESP. When the caller sets
# emu_console_in (QEMU only), COM2 is QEMU's stdio instead: what is read
# from that file (or FIFO, or the terminal) arrives on COM2's receiver, as
# typed, and COM2's output goes to guest_out (to the terminal with
# emu_console_tty=1, QEMU then in the terminal's foreground).
start_emulator() { # emu uefi cpu iso log mem timeout workdir guest_out
	local emu=$1 uefi=$2 cpu=$3 iso=$4 log=$5 mem=$6 timeout_s=$7 work=$8 guest_out=$9
	case "$emu" in
	bochs)
		write_bochsrc "$work/bochsrc" "${cpu:-corei7_skylake_x}" "$iso" "$log" "$mem" "$guest_out"
		printf 'continue\nquit\n' > "$work/bochs.rc"
		(cd "$work" && exec timeout "$timeout_s" bochs -q -f bochsrc -rc bochs.rc \
			>"$work/bochs.out" 2>&1) &
		;;
	*)
		local accel=() firmware=() nic_args=() media=(-cdrom "$iso")
		mapfile -t nic_args < <(qemu_nic_args)
		[ -d "$iso" ] && media=(-drive "format=raw,file=fat:rw:$iso")
		if [ "$emu" = kvm ]; then
			accel=(-accel kvm -cpu "${cpu:-host}")
		else
			accel=(-accel tcg -cpu "${cpu:-max}")
		fi
		if [ "$uefi" = 1 ]; then
			cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/vars.fd"
			firmware=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
				  -drive "if=pflash,format=raw,unit=1,file=$work/vars.fd")
		fi
		local com2="file:$guest_out" fg=()
		[ -n "${emu_console_in:-}" ] && com2=stdio
		[ "${emu_console_tty:-0}" = 1 ] && fg=(--foreground)
		qemu_console_io "$guest_out" "$work/qemu.out" \
			timeout ${fg[@]+"${fg[@]}"} "$timeout_s" qemu-system-x86_64 -machine q35 \
			"${accel[@]}" -m "$mem" "${firmware[@]}" -display none -serial "file:$log" \
			-serial "$com2" -serial "file:$work/com3.out" -monitor none \
			-no-reboot -net none ${nic_args[@]+"${nic_args[@]}"} \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			"${media[@]}" &
		;;
	esac
	emu_pid=$!
}

# Runs a QEMU command line in place of the (background) shell that calls
# it, so that its PID is the caller's $!, with its standard streams: QEMU's messages in
# messages; with emu_console_in set, stdin from it and stdout (the stdio
# serial port) in console, or on the terminal with emu_console_tty=1.
qemu_console_io() { # console messages command...
	local console=$1 messages=$2
	shift 2
	if [ -z "${emu_console_in:-}" ]; then
		exec "$@" >"$messages" 2>&1
	elif [ "${emu_console_tty:-0}" = 1 ]; then
		exec "$@" <"$emu_console_in" 2>"$messages"
	else
		exec "$@" <"$emu_console_in" >"$console" 2>"$messages"
	fi
}

write_bochsrc() { # file cpu iso log mem guest_out
	cat > "$1" <<BOCHSRC
megs: $5
cpu: model=$2, count=1, ips=100000000, reset_on_triple_fault=0
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path=$3, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$4
com2: enabled=1, mode=file, dev=$6
com3: enabled=1, mode=file, dev=$(dirname "$6")/com3.out
display_library: rfb, options="timeout=0"
clock: sync=none, time0=local
log: bochs.log
panic: action=fatal
error: action=report
info: action=report
port_e9_hack: enabled=1
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
$(bochs_nic_lines)
BOCHSRC
}

# Copies the console file to stdout as it grows, without CRs and terminal
# escape sequences, until the emulator exits; sets stream_pid.
stream_console() { # log pid
	tail -n +1 -f --pid="$2" "$1" 2>/dev/null |
		sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' &
	stream_pid=$!
}

# EDK2's boot manager says so when a boot option's image returned an error
# ("BdsDxe: failed to start Boot0002 ...: Not Found").
FIRMWARE_IMAGE_FAILED='BdsDxe: failed to start Boot'
LOADER_RETURNED=4 # run.sh's status when understudy.efi returned to the firmware
# understudy.efi's last line before ExitBootServices (boot/efi/handover.c)
EFI_HANDOVER_LINE='understudy.efi: starting .* leaving the boot services'

# Stops the emulator once the firmware reports that understudy.efi returned
# (it printed why); the firmware would go on to its shell and wait there.
stop_when_loader_returns() { # log emu_pid
	(
		while kill -0 "$2" 2>/dev/null; do
			if grep -q "$FIRMWARE_IMAGE_FAILED" "$1"; then
				sleep 0.2 # the rest of the firmware's line
				kill "$2" 2>/dev/null
				exit 0
			fi
			sleep 0.2
		done
	) &
}

# Prints the exit status run.sh should give, with a reason on stderr.
# What the emulator itself said last (its panics and errors, the end of
# its messages), prefixed "run.sh: the emulator said: ": why it stopped,
# when the hypervisor did not say.
emulator_last_words() { # emu workdir
	local files=("$2/qemu.out")
	[ "$1" = bochs ] && files=("$2/bochs.out" "$2/bochs.log")
	for f in "${files[@]}"; do
		[ -s "$f" ] || continue
		{ grep -a -E 'PANIC|FATAL|ERROR' "$f" | tail -n 3; tail -n 2 "$f"; } |
			sed -e 's/\r//g' -e "s|^|run.sh: the emulator said ($(basename "$f")): |"
	done
}

judge_run() { # log emu emu_status timeout [workdir]
	local code
	code=$(sed -n 's/.*understudy: halting (exit code \([0-9]*\)).*/\1/p' "$1" | tail -n 1)
	if [ -z "$code" ] && grep -q "$FIRMWARE_IMAGE_FAILED" "$1"; then
		echo "run.sh: understudy.efi returned to the firmware: $(sed -e 's/\r//g' \
			-e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$1" | grep -a '^understudy.efi: ' | tail -n 1)" >&2
		echo "$LOADER_RETURNED"
		return
	fi
	if [ "$3" = 124 ] && [ -z "$code" ]; then
		echo "run.sh: timed out after $4 s" >&2
		echo 124
		return
	fi
	if [ -z "$code" ]; then
		echo "run.sh: the emulator stopped (status $3) without the hypervisor reporting an exit code" >&2
		[ -z "${5:-}" ] || emulator_last_words "$2" "$5" >&2
		echo 3
		return
	fi
	case "$code" in
	120) echo "run.sh: the hypervisor stopped the guest: $(sed -n 's/.*guest stopped: //p' "$1" | tail -n 1)" >&2 ;;
	125) echo "run.sh: the hypervisor panicked or hit a fatal exception" >&2 ;;
	126) echo "run.sh: the hypervisor refused its configuration" >&2 ;;
	esac
	echo "$code"
}
