#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the kernels the tests run on:
#   source  unpack Debian's linux-source-6.12 into the cache
#   x86_64  configure and build the minimal x86_64 debug kernel for qemu
# With no argument, does both.  Prints the x86_64 build directory last.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

prepare_source() {
	local ver src tmp
	nsmods_need_pkgs
	ver=$(nsmods_srcver)
	src=$(nsmods_srcdir)
	if [ ! -f "$src/Makefile" ]; then
		log "unpacking $NSMODS_SRCPKG $ver into $src"
		tmp=$(mktemp -d "$NSMODS_CACHE/src.XXXXXX" 2>/dev/null ||
			{ mkdir -p "$NSMODS_CACHE" && mktemp -d "$NSMODS_CACHE/src.XXXXXX"; })
		tar -C "$tmp" -xf "/usr/src/$NSMODS_SRCPKG.tar.xz"
		mkdir -p "$(dirname "$src")"
		mv "$tmp/$NSMODS_SRCPKG" "$src"
		rmdir "$tmp"
	fi
}

# Fail if a fragment asked for something Kconfig dropped.
check_config() {
	local cfg=$1; shift
	local bad=0 line sym
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$cfg" || { log "config lost: $line"; bad=1; } ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			grep -q "^$sym=" "$cfg" && { log "config set: $sym"; bad=1; } ;;
		esac
	done < <(cat "$@")
	return $bad
}

build_x86() {
	local src o frags
	src=$(nsmods_srcdir)
	o=$(nsmods_x86_builddir)
	# shellcheck disable=SC2207
	frags=($(nsmods_x86_frags))
	mkdir -p "$(dirname "$o")"
	# One build per directory at a time: others wait, then find it built.
	exec 9>"$o.lock"
	flock 9
	if [ -f "$o/.nsmods-built" ] && [ -f "$o/arch/x86/boot/bzImage" ]; then
		log "x86_64 kernel cached in $o"
		echo "$o"
		return
	fi
	mkdir -p "$o"
	cat "${frags[@]}" > "$o/nsmods.allconfig"
	log "configuring x86_64 kernel in $o"
	make -s -C "$src" O="$o" ARCH=x86_64 KCONFIG_ALLCONFIG="$o/nsmods.allconfig" \
		allnoconfig >/dev/null
	check_config "$o/.config" "${frags[@]}" || die "x86_64 config incomplete"
	log "building x86_64 kernel (-j$NSMODS_JOBS, ccache)"
	make -s -C "$src" O="$o" ARCH=x86_64 CC="ccache gcc" -j"$NSMODS_JOBS" \
		bzImage modules >"$o/build.log" 2>&1 ||
		{ tail -n 40 "$o/build.log" >&2; die "x86_64 kernel build failed"; }
	touch "$o/.nsmods-built"
	echo "$o"
}

case "${1:-all}" in
source) prepare_source ;;
x86_64) prepare_source; build_x86 ;;
all) prepare_source; build_x86 ;;
*) die "usage: $0 [source|x86_64|all]" ;;
esac
