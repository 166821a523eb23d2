#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh MODE [OUTDIR]
#
# Boot the x86_64 debug test kernel in qemu (TCG: KVM guests die on these
# machines) with the host's root filesystem shared read-only over virtio-9p,
# the way virtme-ng does: every host tool (unshare, ip, rpcbind, gcc-built
# test programs) is there without building a root image.
#   test OUTDIR  run scripts/guest-run.sh, results in OUTDIR
#   demo         load the modules and show them at work (make run)
#   shell        an interactive shell with the modules loaded (make shell)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=${1:-demo}
out=${2:-}
case "$mode" in
test) [ -n "$out" ] || die "usage: vm.sh test OUTDIR" ;;
demo | shell) ;;
*) die "usage: vm.sh test OUTDIR | demo | shell" ;;
esac

nsmods_need_pkgs
kdir=$("$NSMODS_ROOT/scripts/prepare-kernel.sh" x86_64 | tail -n1)
farm=$("$NSMODS_ROOT/scripts/build-modules.sh" "$kdir" | tail -n1)

if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/nsmods-vm.XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
rm -f "$out"/*

qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1536 -nographic
	-no-reboot -nodefaults -serial mon:stdio
	-kernel "$kdir/arch/x86/boot/bzImage"
	-virtfs "local,path=/,mount_tag=/dev/root,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$out,mount_tag=nsmods_out,security_model=none,multidevs=remap"
	-append "console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144 ro init=$NSMODS_ROOT/scripts/guest-init.sh panic=-1 oops=panic loglevel=7 NSMODS_MODE=$mode NSMODS_ROOT=$NSMODS_ROOT NSMODS_FARM=$farm")

if [ "$mode" = test ]; then
	# No console input; the whole console goes to a file for the log scan.
	timeout 1500 "${qemu[@]}" </dev/null >"$out/console.log" 2>&1 ||
		log "qemu exited with $?"
else
	"${qemu[@]}"
fi
