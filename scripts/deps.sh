#!/usr/bin/env bash
# Installs every Debian package Understudy's build, run and tests need.
# Idempotent and quiet when everything is already there.
set -euo pipefail

PACKAGES=(
	# build
	gcc make binutils git grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
	# emulators and firmware
	qemu-system-x86 ovmf bochs bochsbios vgabios
	# host-side tests: unit tests, fuzzers (clang's libFuzzer runtime)
	libcmocka-dev clang libclang-rt-14-dev python3
	# xxHash (header-only, built into the hypervisor and the tools)
	libxxhash-dev
	# QEMU NIC option ROMs (e1000, virtio-net)
	ipxe-qemu
)

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	SUDO="sudo"
fi
echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
