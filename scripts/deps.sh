#!/usr/bin/env bash
# Installs every Debian package Understudy's build, run and tests need,
# unpacks lwIP's source (Debian's source package) into third_party/lwip and
# Debian's Linux kernels and busybox (the Linux test guest) into
# third_party/linux (scripts/lib/linux_deps.sh).
# Idempotent and quiet when everything is already there.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)

PACKAGES=(
	# build
	gcc make binutils git grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
	# the direct UEFI loader (boot/efi/): GNU-EFI headers, crt0, linker script, libefi
	gnu-efi
	# emulators and firmware
	qemu-system-x86 ovmf bochs bochsbios vgabios
	# host-side tests: unit tests, fuzzers (clang's libFuzzer runtime)
	libcmocka-dev clang libclang-rt-14-dev python3
	# xxHash (header-only, built into the hypervisor and the tools)
	libxxhash-dev
	# QEMU NIC option ROMs (e1000, virtio-net)
	ipxe-qemu
	# dpkg-source, to unpack lwIP's Debian source package
	dpkg-dev
	# network tests: namespaces and tap devices, ping, HTTP requests
	iproute2 iputils-ping curl
	# the Linux test guest: decompressing the kernels' payloads (vmlinux)
	lz4 xz-utils
)

SUDO=""
need_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to $1" >&2; exit 1; }
	SUDO="sudo"
}

install_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	need_root "install: ${missing[*]}"
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- lwIP: Debian's source package, unpacked into third_party/lwip ----------
# The machine's apt sources are read, never changed: every "deb" entry is
# copied as "deb-src" into a private apt configuration (its own source list,
# package lists and cache in a temporary folder), which downloads the source
# package. The addresses come from the machine, none is written here.
LWIP_DIR=$root/third_party/lwip
LWIP_STAMP=$LWIP_DIR/.understudy-source

# deb822 paragraphs (*.sources) of Types "deb" become Types "deb-src"; the
# other fields (URIs, Suites, Components, Signed-By) stay as they are.
deb822_to_src() {
	awk 'BEGIN { RS = ""; FS = "\n" }
	{
		out = ""; types = ""; enabled = 1
		for (i = 1; i <= NF; i++) {
			line = $i
			if (tolower(line) ~ /^types:/) {
				types = " " substr(line, 7) " "
				line = "Types: deb-src"
			} else if (tolower(line) ~ /^enabled:[ \t]*no/) {
				enabled = 0
			}
			out = out line "\n"
		}
		if (enabled && types ~ /[ \t]deb[ \t]/)
			printf "%s\n", out
	}' "$@"
}

# One-line entries (*.list): "deb [opts] uri suite comps" -> "deb-src ...".
list_to_src() {
	sed -n -E 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$@"
}

write_src_lists() { # dir
	local f parts=() lists=()
	mkdir -p "$1/sources.list.d"
	for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && parts+=("$f"); done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done
	: > "$1/sources.list"
	[ ${#parts[@]} -gt 0 ] && deb822_to_src "${parts[@]}" > "$1/sources.list.d/understudy-src.sources"
	[ ${#lists[@]} -gt 0 ] && list_to_src "${lists[@]}" > "$1/sources.list"
	cat "$1/sources.list" "$1"/sources.list.d/*.sources 2>/dev/null | grep -q deb-src
}

lwip_fail() { # message log
	echo "deps.sh: cannot get lwIP's source: $1" >&2
	[ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/deps.sh:   /' "$2" | tail -n 15 >&2
	echo "deps.sh: the hypervisor cannot be built without third_party/lwip" >&2
	exit 1
}

# Checks that an unpacked tree is lwIP 2.1 with the files the Makefile
# builds; prints its version (major.minor.revision). lwIP's files have
# CRLF line ends.
lwip_version() { # dir
	local h=$1/src/include/lwip/init.h f v=""
	for f in src/core/tcp.c src/core/ipv4/etharp.c src/netif/ethernet.c src/Filelists.mk; do
		[ -f "$1/$f" ] || return 1
	done
	[ -f "$h" ] || return 1
	v=$(tr -d '\r' < "$h" |
		awk '/#define LWIP_VERSION_(MAJOR|MINOR|REVISION)[ \t]/ { printf "%s%s", sep, $3; sep = "." }')
	case "$v" in 2.1.*) echo "$v" ;; *) return 1 ;; esac
}

fetch_lwip() {
	[ -f "$LWIP_STAMP" ] && lwip_version "$LWIP_DIR" >/dev/null && return 0
	command -v dpkg-source >/dev/null || lwip_fail "dpkg-source is missing (package dpkg-dev)"
	echo "deps.sh: fetching lwIP (Debian source package lwip) into third_party/lwip"
	local tmp log
	tmp=$(mktemp -d)
	lwip_tmp=$tmp
	trap 'rm -rf "$lwip_tmp"' EXIT
	chmod 755 "$tmp" # apt downloads as user _apt when run as root
	log=$tmp/log
	write_src_lists "$tmp/etc" || lwip_fail "no 'deb' entry in the machine's apt sources to derive a 'deb-src' entry from"
	mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/src"
	local apt=(apt-get -q -o Dir::Etc::sourcelist="$tmp/etc/sources.list"
		-o Dir::Etc::sourceparts="$tmp/etc/sources.list.d" -o Dir::State::Lists="$tmp/lists"
		-o Dir::Cache="$tmp/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
	# A suite whose index fails is not fatal by itself: lwip is in main.
	"${apt[@]}" update >"$tmp/update.log" 2>&1 ||
		lwip_fail "apt-get update of the deb-src entries failed" "$tmp/update.log"
	chown _apt "$tmp/src" 2>/dev/null || true
	if ! (cd "$tmp/src" && "${apt[@]}" source --download-only lwip) >"$log" 2>&1; then
		grep -q -E '^(W|E): Failed to fetch' "$tmp/update.log" &&
			lwip_fail "the deb-src indexes could not be downloaded (no network?)" "$tmp/update.log"
		lwip_fail "apt-get source lwip failed" "$log"
	fi
	local dsc
	dsc=$(ls "$tmp"/src/lwip_*.dsc 2>/dev/null | head -n 1)
	[ -n "$dsc" ] || lwip_fail "apt-get source lwip downloaded no .dsc" "$log"
	dpkg-source -x "$dsc" "$tmp/lwip" >"$log" 2>&1 || lwip_fail "dpkg-source -x $(basename "$dsc") failed" "$log"
	local v
	v=$(lwip_version "$tmp/lwip") || lwip_fail "$(basename "$dsc") is not lwIP 2.1.x with src/core/tcp.c and friends"
	echo "lwip $(sed -n 's/^Version: //p' "$dsc") (Debian source package), lwIP $v" > "$tmp/lwip/.understudy-source"
	mkdir -p "$(dirname "$LWIP_DIR")"
	rm -rf "$LWIP_DIR"
	mv "$tmp/lwip" "$LWIP_DIR"
	echo "deps.sh: $(cat "$LWIP_STAMP") in third_party/lwip"
}

. "$root/scripts/lib/linux_deps.sh"

install_packages
fetch_lwip
fetch_linux
