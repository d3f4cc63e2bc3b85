#!/usr/bin/env bash
# Installs every Debian package Understudy's build, run and tests need,
# unpacks lwIP's, LZ4's and mbedTLS's sources (Debian's source packages)
# into third_party/lwip, third_party/lz4 and third_party/mbedtls
# (scripts/lib/debian_source.sh) and
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
	# mbedTLS for the host tools: hvwitness's TLS with the pair's pre-shared key
	libmbedtls-dev
	# QEMU NIC option ROMs (e1000, virtio-net)
	ipxe-qemu
	# dpkg-source, to unpack lwIP's, LZ4's and mbedTLS's Debian source packages
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

# --- source packages: lwIP, LZ4 and mbedTLS, unpacked into third_party/ -----
. "$root/scripts/lib/debian_source.sh"

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

# Checks that an unpacked tree is LZ4 1.9 or later (LZ4_FREESTANDING came
# with 1.9.4) with lib/lz4.{c,h}; prints its version.
lz4_version() { # dir
	local h=$1/lib/lz4.h v
	[ -f "$1/lib/lz4.c" ] && [ -f "$h" ] || return 1
	grep -q LZ4_FREESTANDING "$1/lib/lz4.c" || return 1
	v=$(awk '/#define LZ4_VERSION_(MAJOR|MINOR|RELEASE)[ \t]/ { printf "%s%s", sep, $3; sep = "." }' "$h")
	case "$v" in 1.9.*|1.1[0-9].*) echo "$v" ;; *) return 1 ;; esac
}

fetch_lwip() {
	fetch_debian_source lwip "$root/third_party/lwip" lwip_version "lwIP"
}

fetch_lz4() {
	fetch_debian_source lz4 "$root/third_party/lz4" lz4_version "LZ4"
}

# Checks that an unpacked tree is mbedTLS 2.28 (the long-term branch
# Debian 12 ships) with the library files the Makefile builds; prints its
# version.
mbedtls_version() { # dir
	local h=$1/include/mbedtls/version.h f v
	for f in library/ssl_tls.c library/ssl_cli.c library/ssl_srv.c library/gcm.c \
		library/ctr_drbg.c library/memory_buffer_alloc.c; do
		[ -f "$1/$f" ] || return 1
	done
	[ -f "$h" ] || return 1
	v=$(awk '/#define MBEDTLS_VERSION_STRING[ \t]/ { gsub(/"/, "", $3); print $3 }' "$h")
	case "$v" in 2.28.*) echo "$v" ;; *) return 1 ;; esac
}

fetch_mbedtls() {
	fetch_debian_source mbedtls "$root/third_party/mbedtls" mbedtls_version "mbedTLS"
}

. "$root/scripts/lib/linux_deps.sh"

install_packages
fetch_lwip
fetch_lz4
fetch_mbedtls
fetch_linux
