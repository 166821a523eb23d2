# SPDX-License-Identifier: GPL-2.0
# Common settings for the nsmods scripts; sourced, never run.

NSMODS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NSMODS_CACHE=${NSMODS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsmods}
NSMODS_SRCPKG=linux-source-6.12
NSMODS_JOBS=${NSMODS_JOBS:-$(nproc)}
export CCACHE_DIR=${CCACHE_DIR:-$NSMODS_CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}

# Packages the scripts need on a Debian 12 machine.
NSMODS_PKGS="linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
	cpio xz-utils kmod ccache sparse coccinelle qemu-system-x86
	iproute2 util-linux python3 ocaml-nox rpcbind
	linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64
	busybox-static dkms"

log() { printf '[nsmods] %s\n' "$*" >&2; }
die() { printf '[nsmods] error: %s\n' "$*" >&2; exit 1; }

nsmods_need_pkgs() {
	local missing=() p
	for p in $NSMODS_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	[ "$(id -u)" -eq 0 ] || die "need root to apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
		die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >/dev/null || die "apt-get install failed"
}

# Version of the Debian kernel source package: the cache key of the tree.
nsmods_srcver() {
	dpkg-query -W -f='${Version}' "$NSMODS_SRCPKG" 2>/dev/null ||
		die "$NSMODS_SRCPKG is not installed"
}

nsmods_srcdir() { echo "$NSMODS_CACHE/src/$(nsmods_srcver)/linux"; }

# Build directory of one kernel flavour, keyed by source version, compiler
# and the config fragments it is made from.
nsmods_builddir() {
	local flavour=$1; shift
	local key
	key=$( { nsmods_srcver; gcc --version | head -n1; cat "$@"; } |
		sha256sum | cut -c1-12)
	echo "$NSMODS_CACHE/build/$flavour-$key"
}

nsmods_x86_frags() {
	echo "$NSMODS_ROOT/scripts/config/x86_64.config" \
		"$NSMODS_ROOT/scripts/config/debug.config"
}

nsmods_x86_builddir() {
	# shellcheck disable=SC2046
	nsmods_builddir x86_64 $(nsmods_x86_frags)
}

# Keyed by the debug fragment only: kunit.py reconfigures in place when
# kunit/.kunitconfig gains a module, and ccache serves what did not change.
nsmods_kunit_builddir() {
	nsmods_builddir um-kunit "$NSMODS_ROOT/scripts/config/um-debug.config"
}

# Debian's stock 6.12 kernel (the stock-kernel stage, vm.sh --stock): the
# release the metapackage linux-image-6.12-amd64 stands for.
nsmods_stock_release() {
	dpkg-query -W -f='${Depends}' linux-image-6.12-amd64 2>/dev/null |
		sed -n 's/^linux-image-\([^ ,]*\).*/\1/p'
}
