#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns pipefs mqueue_ns nsfs
# nsmods-seconds: 60
# nsmods-kernel: stock
#
# On Debian's own kernel (Documentation/install.rst): the modules that
# `dkms install` put under /lib/modules/$(uname -r)/updates/dkms load with
# modprobe, are the ones this checkout builds, and live beside the kernel's
# own sunrpc and nfs (CONFIG_SUNRPC=m), whichever loads first.  The host
# side (dkms add/build/install before the boot, dkms remove after) is in
# scripts/test.sh.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
ours="nsmods_mqueue_ns nsmods_nsfs nsmods_sunrpc_ns nsmods_pipefs"
kernels="nfs lockd grace sunrpc"
W=/tmp/stock_dkms

cleanup() {
	umount "$W"/* 2>/dev/null
	# shellcheck disable=SC2086
	unload_loaded $ours $kernels
}
trap cleanup EXIT
mkdir -p "$W/ours" "$W/kernel"

# The name our pipefs registered: the one it added to /proc/filesystems.
pipefs_name=
load_ours() {
	local before m
	before=$(awk '{print $NF}' /proc/filesystems | sort)
	for m in nsmods_sunrpc_ns nsmods_nsfs nsmods_mqueue_ns; do
		modprobe "$m" || { cfail "modprobe $m"; return; }
	done
	loaded nsmods_pipefs || cfail "nsmods_pipefs not loaded as sunrpc_ns's dependency"
	pipefs_name=$(comm -13 <(echo "$before") \
		<(awk '{print $NF}' /proc/filesystems | sort) | grep pipefs)
	[ -n "$pipefs_name" ] || cfail "nsmods_pipefs registered no filesystem"
}

load_kernels() {
	modprobe sunrpc || { cfail "modprobe sunrpc"; return; }
	modprobe nfs || cfail "modprobe nfs"
}

# Both rpc_pipefs at work in one new netns and mount namespace: the
# kernel's and ours, each mounted, each with its own top directories.
use_both() {
	local out

	out=$(unshare -n -m sh -c "
		mount -t rpc_pipefs rpc_pipefs $W/kernel &&
		mount -t $pipefs_name $pipefs_name $W/ours &&
		[ \$(stat -c %d $W/kernel) != \$(stat -c %d $W/ours) ] &&
		ls $W/kernel | tr '\n' ' ' && echo '|' &&
		ls $W/ours | tr '\n' ' '" 2>&1) ||
		{ cfail "mounting both: $out"; return; }
	echo "kernel's and ours: $out"
	case "$out" in
	*nfs*"|"*) ;;
	*) cfail "the kernel's rpc_pipefs has no nfs/: $out" ;;
	esac
	[ -c /dev/nsmods_nsfs ] || cfail "no /dev/nsmods_nsfs"
	[ -c /dev/nsmods_mqueue_ns ] || cfail "no /dev/nsmods_mqueue_ns"
}

case_installed() {
	local m f farm_ko
	for m in $ours; do
		f=$(modinfo -n "$m") || { cfail "modinfo $m"; continue; }
		echo "$m: $f"
		case "$f" in
		*/updates/dkms/*) ;;
		*) cfail "$m is $f, not DKMS's" ;;
		esac
		farm_ko=$(find "$NSMODS_FARM" -name "$m.ko" | head -n1)
		[ "$(modinfo -F srcversion "$f")" = "$(modinfo -F srcversion "$farm_ko")" ] ||
			cfail "$m: DKMS built other sources than this checkout's"
		echo "$m signer: $(modinfo -F signer "$f")"
	done
}

# Ours first, then the kernel's: the order that broke NFS.
case_ours_first() {
	load_ours
	load_kernels
	use_both
	# shellcheck disable=SC2086
	unload_loaded $kernels $ours
}

case_kernel_first() {
	load_kernels
	load_ours
	use_both
	# shellcheck disable=SC2086
	unload_loaded $ours $kernels
}

for c in installed ours_first kernel_first; do
	run_sh "$c"
done
echo "--- kernel log (ours)"
dmesg | grep -E 'nsmods_' | grep -v -e 'open:' | tail -n 20
end_test
