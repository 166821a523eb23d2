#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh [--um | --stock] MODE [OUTDIR]
#
# Boot a test kernel with the host's root filesystem shared read-only, the
# way virtme-ng does: every host tool (unshare, ip, rpcbind, the test
# programs built with the host's gcc) is there without building a root image.
#   test OUTDIR  run scripts/guest-run.sh, results in OUTDIR (x86_64 only):
#                NSMODS_GUESTS guests (default 2) share the jobs, each with
#                its console in OUTDIR/console-G.log; NSMODS_ONLY=MOD runs
#                one module's jobs, NSMODS_TEST=NAME[,NAME] only those
#                tests/NAME.sh
#   demo         load the modules and show them at work (make run)
#   shell        an interactive shell with the modules loaded (make shell)
# By default the x86_64 debug kernel runs in qemu under TCG (KVM guests die
# on these machines) with the root over virtio-9p.  --um boots the UML
# kernel that scripts/kunit.sh built, with the root over hostfs and our code
# built in (KUnit disabled at boot).  --stock boots Debian's own 6.12 kernel
# (package linux-image-6.12-amd64) with the modules built against its
# headers, through a busybox initramfs that loads its 9p modules
# (scripts/stock-init.sh); only tests that need no debug option run there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=x86_64
case "${1:-}" in
--um | --stock)
	arch=${1#--}
	shift
	;;
esac
mode=${1:-demo}
out=${2:-}
case "$arch-$mode" in
x86_64-test | stock-test) [ -n "$out" ] || die "usage: vm.sh test OUTDIR" ;;
*-demo | *-shell) ;;
*) die "usage: vm.sh [--stock] test OUTDIR | [--um|--stock] demo | [--um|--stock] shell" ;;
esac

nsmods_need_pkgs
init=$NSMODS_ROOT/scripts/guest-init.sh
env="NSMODS_ARCH=$arch NSMODS_MODE=$mode NSMODS_ROOT=$NSMODS_ROOT"

if [ "$arch" = um ]; then
	kernel=$(nsmods_kunit_builddir)/vmlinux
	[ -x "$kernel" ] || die "no UML kernel at $kernel: run scripts/kunit.sh first"
	# UML's console is this terminal (stdin, stdout), as kunit.py runs it.
	exec "$kernel" mem=1G console=tty rootfstype=hostfs rootflags=/ ro \
		init="$init" kunit.enable=0 $env NSMODS_FARM=/nonexistent
fi

# The initramfs of a stock kernel: busybox, the kernel's 9p modules
# (uncompressed: busybox's insmod reads plain ELF) and stock-init.sh.
stock_initrd() {
	local rel=$1 img tmp m f
	img=$NSMODS_CACHE/stock/initrd-$rel.cpio.gz
	if [ -s "$img" ] && [ "$img" -nt "$NSMODS_ROOT/scripts/stock-init.sh" ]; then
		echo "$img"
		return
	fi
	mkdir -p "$NSMODS_CACHE/stock"
	tmp=$(mktemp -d)
	mkdir -p "$tmp"/{bin,dev,proc,newroot,lib/modules}
	cp /bin/busybox "$tmp/bin/busybox" || die "no /bin/busybox (busybox-static)"
	for m in netfs 9pnet 9pnet_virtio 9p; do
		f=$(modinfo -k "$rel" -n "$m") || die "no module $m for $rel"
		case "$f" in
		*.xz) xz -dc "$f" ;;
		*.zst) zstd -dc "$f" ;;
		*) cat "$f" ;;
		esac >"$tmp/lib/modules/$m.ko"
	done
	cp "$NSMODS_ROOT/scripts/stock-init.sh" "$tmp/init"
	(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$img.new"
	rm -rf "$tmp"
	mv "$img.new" "$img"
	echo "$img"
}

boot=()
if [ "$arch" = stock ]; then
	rel=$(nsmods_stock_release)
	[ -n "$rel" ] || die "Debian's 6.12 kernel is not installed (linux-image-6.12-amd64)"
	kdir=/usr/src/linux-headers-$rel
	[ -d "$kdir" ] || die "no headers for $rel (linux-headers-6.12-amd64)"
	boot=(-kernel "/boot/vmlinuz-$rel" -initrd "$(stock_initrd "$rel")")
	rootargs="NSMODS_KERNEL=stock"
else
	kdir=$("$NSMODS_ROOT/scripts/prepare-kernel.sh" x86_64 | tail -n1)
	boot=(-kernel "$kdir/arch/x86/boot/bzImage")
	rootargs="root=nsmods_root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=262144 ro init=$init kunit.enable=1 NSMODS_KERNEL=debug"
fi
farm=$("$NSMODS_ROOT/scripts/build-modules.sh" "$kdir" | tail -n1)

if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/nsmods-vm.XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
rm -rf "${out:?}"/*

qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1536 -nographic
	-no-reboot -nodefaults -serial mon:stdio
	"${boot[@]}"
	-fsdev "local,id=root,path=/,security_model=none,readonly=on,multidevs=remap"
	-device virtio-9p-pci,fsdev=root,mount_tag=nsmods_root
	-fsdev "local,id=out,path=$out,security_model=none,multidevs=remap"
	-device virtio-9p-pci,fsdev=out,mount_tag=nsmods_out)
cmdline="console=ttyS0 $rootargs panic=-1 oops=panic loglevel=7 $env NSMODS_FARM=$farm"

if [ "$mode" = test ]; then
	# No console input; each console goes to a file for the log scan.
	# Several guests take jobs from one list (guest-run.sh): the tests are
	# mostly one process at a time, so two guests keep both cores busy.
	n=${NSMODS_GUESTS:-2}
	pids=()
	for g in $(seq 1 "$n"); do
		timeout 2700 "${qemu[@]}" -append "$cmdline NSMODS_GUEST=$g NSMODS_ONLY=${NSMODS_ONLY:-} NSMODS_TEST=${NSMODS_TEST:-}" \
			</dev/null >"$out/console-$g.log" 2>&1 &
		pids+=($!)
	done
	for g in $(seq 1 "$n"); do
		wait "${pids[$((g - 1))]}" || log "qemu of guest $g exited with $?"
	done
else
	"${qemu[@]}" -append "$cmdline"
fi
