# Debian's Linux kernels and busybox for the Linux test guest (sourced by
# scripts/deps.sh). The packages are fetched with `apt-get download` and
# unpacked with `dpkg-deb -x` into third_party/linux/ (git-ignored), never
# installed: the host's /boot and package database are not touched.
#
# third_party/linux/
#   cloud/  amd64/  busybox-static/   the unpacked packages (cloud: the whole tree,
#                               modules included; amd64: its /boot only)
#   vmlinuz-cloud, vmlinuz-amd64, busybox   links with stable names
#   vmlinux-cloud              the cloud kernel uncompressed (PVH entry)
#   .understudy-linux          what was fetched (the stamp)
LINUX_DIR=$root/third_party/linux
LINUX_STAMP=$LINUX_DIR/.understudy-linux

linux_fail() { # message [log]
	echo "deps.sh: cannot get the Linux guest's packages: $1" >&2
	[ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/deps.sh:   /' "$2" | tail -n 15 >&2
	exit 1
}

# Everything the Linux guest build needs is there.
linux_present() {
	local f
	[ -f "$LINUX_STAMP" ] || return 1
	for f in vmlinuz-cloud vmlinuz-amd64 vmlinux-cloud busybox; do
		[ -f "$LINUX_DIR/$f" ] && [ -s "$LINUX_DIR/$f" ] || return 1
	done
}

# Downloads PACKAGE... into the current folder (apt fetches as user _apt).
linux_download() { # log package...
	local log=$1
	shift
	apt-get download -q "$@" >>"$log" 2>&1 ||
		linux_fail "apt-get download $* failed (no network, or no such package in the machine's apt sources?)" "$log"
}

# The versioned image package a metapackage depends on, as name=version.
linux_image_of() { # metapackage.deb
	local dep
	dep=$(dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -n -E 's/^ *(linux-image-[0-9][^ ]*) \(= ([^)]*)\).*/\1=\2/p' | head -n 1)
	[ -n "$dep" ] || linux_fail "$(basename "$1") depends on no versioned linux-image package"
	echo "$dep"
}

fetch_linux() {
	linux_present && return 0
	echo "deps.sh: fetching Debian's Linux kernels and busybox-static into third_party/linux"
	local tmp log cloud amd64 deb
	tmp=$(mktemp -d)
	linux_tmp=$tmp
	trap 'rm -rf "${linux_tmp:-}" "${lwip_tmp:-}"' EXIT
	chmod 755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	log=$tmp/log
	: > "$log"
	(cd "$tmp" && linux_download "$log" linux-image-cloud-amd64 linux-image-amd64 busybox-static)
	cloud=$(linux_image_of "$tmp"/linux-image-cloud-amd64_*.deb)
	amd64=$(linux_image_of "$tmp"/linux-image-amd64_*.deb)
	(cd "$tmp" && linux_download "$log" "$cloud" "$amd64")
	mkdir -p "$tmp/out/cloud" "$tmp/out/amd64" "$tmp/out/busybox-static"
	deb=$(ls "$tmp/${cloud%%=*}"_*.deb) || linux_fail "no package file for $cloud"
	dpkg-deb -x "$deb" "$tmp/out/cloud" 2>>"$log" || linux_fail "dpkg-deb -x $(basename "$deb") failed" "$log"
	deb=$(ls "$tmp/${amd64%%=*}"_*.deb) || linux_fail "no package file for $amd64"
	dpkg-deb --fsys-tarfile "$deb" 2>>"$log" | tar -x -C "$tmp/out/amd64" ./boot 2>>"$log" ||
		linux_fail "unpacking /boot of $(basename "$deb") failed" "$log"
	deb=$(ls "$tmp"/busybox-static_*.deb) || linux_fail "no package file for busybox-static"
	dpkg-deb -x "$deb" "$tmp/out/busybox-static" 2>>"$log" || linux_fail "dpkg-deb -x $(basename "$deb") failed" "$log"
	linux_link "$tmp/out" vmlinuz-cloud "cloud/boot/vmlinuz-*"
	linux_link "$tmp/out" vmlinuz-amd64 "amd64/boot/vmlinuz-*"
	linux_link "$tmp/out" busybox "busybox-static/bin/busybox"
	"$root/scripts/extract_vmlinux.sh" "$tmp/out/vmlinuz-cloud" "$tmp/out/vmlinux-cloud" ||
		linux_fail "cannot extract vmlinux from the cloud kernel"
	printf '%s\n%s\nbusybox-static=%s\n' "$cloud" "$amd64" \
		"$(dpkg-deb -f "$tmp"/busybox-static_*.deb Version)" > "$tmp/out/.understudy-linux"
	rm -rf "$LINUX_DIR"
	mkdir -p "$(dirname "$LINUX_DIR")"
	mv "$tmp/out" "$LINUX_DIR"
	echo "deps.sh: $(tr '\n' ' ' < "$LINUX_STAMP")in third_party/linux"
}

# Links DIR/NAME to the one file matching the glob PATTERN under DIR.
linux_link() { # dir name pattern
	local matches
	matches=$(cd "$1" && ls -d $3 2>/dev/null) || true
	[ "$(echo "$matches" | grep -c .)" = 1 ] || linux_fail "expected one file $3 in the unpacked packages, found: ${matches:-none}"
	ln -s "$matches" "$1/$2"
}
