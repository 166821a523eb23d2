#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the initramfs that boots a distribution's own kernel in the test
# guest (scripts/vm.sh --stock).  Such a kernel builds 9p as modules, so
# the host root cannot be its root= as with the test kernels: this loads the
# 9p modules copied into the initramfs (in dependency order), mounts the
# host root read-only and hands over to scripts/guest-init.sh there.  The
# NSMODS_* variables come from the kernel command line, as for guest-init.
bb=/bin/busybox
fail() {
	echo "stock-init: $*" >/dev/console
	$bb poweroff -f
}
$bb mount -t proc proc /proc
$bb mount -t devtmpfs devtmpfs /dev
for m in netfs 9pnet 9pnet_virtio 9p; do
	$bb insmod "/lib/modules/$m.ko" || fail "insmod $m failed"
done
$bb mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro \
	nsmods_root /newroot || fail "cannot mount the host root (9p)"
$bb umount /dev
$bb umount /proc
exec $bb switch_root /newroot "$NSMODS_ROOT/scripts/guest-init.sh"
