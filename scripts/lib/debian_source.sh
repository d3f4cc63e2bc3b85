# Debian source packages unpacked into third_party/ (sourced by
# scripts/deps.sh): lwIP (third_party/lwip), LZ4 (third_party/lz4) and
# mbedTLS (third_party/mbedtls).
#
# The machine's apt sources are read, never changed: every "deb" entry is
# copied as "deb-src" into a private apt configuration (its own source list,
# package lists and cache in a temporary folder), which downloads the source
# package. The addresses come from the machine, none is written here.

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

src_fail() { # package message [log]
	echo "deps.sh: cannot get $1's source: $2" >&2
	[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/deps.sh:   /' "$3" | tail -n 15 >&2
	echo "deps.sh: the hypervisor cannot be built without third_party/$1" >&2
	exit 1
}

# Downloads Debian's source package PACKAGE, unpacks it with dpkg-source,
# checks the tree with VERSION_FN (which prints the upstream version, or
# fails) and moves it to DIR with a stamp file .understudy-source. Does
# nothing when DIR has its stamp and passes VERSION_FN.
fetch_debian_source() { # package dir version_fn what
	local pkg=$1 dir=$2 version_fn=$3 what=$4
	[ -f "$dir/.understudy-source" ] && "$version_fn" "$dir" >/dev/null && return 0
	command -v dpkg-source >/dev/null || src_fail "$pkg" "dpkg-source is missing (package dpkg-dev)"
	echo "deps.sh: fetching $what (Debian source package $pkg) into third_party/$(basename "$dir")"
	local tmp log
	tmp=$(mktemp -d)
	src_tmp=$tmp
	trap 'rm -rf "$src_tmp"' EXIT
	chmod 755 "$tmp" # apt downloads as user _apt when run as root
	log=$tmp/log
	write_src_lists "$tmp/etc" || src_fail "$pkg" "no 'deb' entry in the machine's apt sources to derive a 'deb-src' entry from"
	mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/src"
	local apt=(apt-get -q -o Dir::Etc::sourcelist="$tmp/etc/sources.list"
		-o Dir::Etc::sourceparts="$tmp/etc/sources.list.d" -o Dir::State::Lists="$tmp/lists"
		-o Dir::Cache="$tmp/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
	# A suite whose index fails is not fatal by itself: the package is in main.
	"${apt[@]}" update >"$tmp/update.log" 2>&1 ||
		src_fail "$pkg" "apt-get update of the deb-src entries failed" "$tmp/update.log"
	chown _apt "$tmp/src" 2>/dev/null || true
	if ! (cd "$tmp/src" && "${apt[@]}" source --download-only "$pkg") >"$log" 2>&1; then
		grep -q -E '^(W|E): Failed to fetch' "$tmp/update.log" &&
			src_fail "$pkg" "the deb-src indexes could not be downloaded (no network?)" "$tmp/update.log"
		src_fail "$pkg" "apt-get source $pkg failed" "$log"
	fi
	local dsc v
	dsc=$(ls "$tmp/src/${pkg}_"*.dsc 2>/dev/null | head -n 1)
	[ -n "$dsc" ] || src_fail "$pkg" "apt-get source $pkg downloaded no .dsc" "$log"
	dpkg-source -x "$dsc" "$tmp/$pkg" >"$log" 2>&1 || src_fail "$pkg" "dpkg-source -x $(basename "$dsc") failed" "$log"
	v=$("$version_fn" "$tmp/$pkg") || src_fail "$pkg" "$(basename "$dsc") is not the $what the Makefile builds"
	echo "$pkg $(sed -n 's/^Version: //p' "$dsc") (Debian source package), $what $v" > "$tmp/$pkg/.understudy-source"
	mkdir -p "$(dirname "$dir")"
	rm -rf "$dir"
	mv "$tmp/$pkg" "$dir"
	rm -rf "$tmp"
	trap - EXIT
	echo "deps.sh: $(cat "$dir/.understudy-source") in third_party/$(basename "$dir")"
}
