#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test guests.  The root filesystem is the host's, read only
# (virtio-9p on x86_64, hostfs on UML); the kernel hands us NSMODS_* from
# its command line:
#   NSMODS_ARCH    x86_64 | um | stock (Debian's kernel, via stock-init.sh)
#   NSMODS_KERNEL  debug | stock: which tests may run (guest-run.sh)
#   NSMODS_MODE    test | demo | shell
#   NSMODS_ROOT    this checkout (scripts, tests)
#   NSMODS_FARM    where the modules and test programs were built
#   NSMODS_GUEST   this guest's number, when several share the jobs (test)
#   NSMODS_ONLY    run one module's jobs only (test)
#   NSMODS_TEST    run only these tests/NAME.sh, comma-separated (test)
# Results go to the writable 9p share "nsmods_out", mounted on /tmp/out.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# No udev here to make /dev/fd, which bash's <(...) needs (guest-run.sh).
ln -s /proc/self/fd /dev/fd
# /tmp is the guest's own tmpfs; a checkout or cache under the host's /tmp
# is bound back in at its own path, so that the guest sees it there.
mount -t tmpfs tmpfs /run
mkdir -p /run/host-tmp
mount --bind /tmp /run/host-tmp
mount -t tmpfs tmpfs /tmp
for d in "$NSMODS_ROOT" "$NSMODS_FARM"; do
	case "$d" in
	/tmp/*)
		mkdir -p "$d"
		mount --bind "/run/host-tmp/${d#/tmp/}" "$d"
		;;
	esac
done
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /tmp/out /run/netns
[ "$NSMODS_ARCH" = um ] ||
	mount -t 9p -o trans=virtio,version=9p2000.L nsmods_out /tmp/out ||
	echo "guest-init: no output share" >/dev/console
# What goes wrong here is told on the console and in the guest's log, which
# the harness shows when a guest does not finish.
fatal() {
	echo "guest-init: $*" | tee -a "/tmp/out/guest-${NSMODS_GUEST:-1}.log" >/dev/console
}
for f in "$NSMODS_ROOT/scripts/guest-run.sh" "$NSMODS_FARM"; do
	[ -e "$f" ] || fatal "$f: not visible in the guest"
done
hostname nsmods-vm
ip link set lo up

case "$NSMODS_MODE" in
test)
	"$NSMODS_ROOT/scripts/guest-run.sh" >>"/tmp/out/guest-${NSMODS_GUEST:-1}.log" 2>&1 ||
		fatal "guest-run.sh exited with $?"
	;;
demo)
	"$NSMODS_ROOT/scripts/guest-demo.sh" </dev/console >/dev/console 2>&1
	;;
shell)
	# nsmods_pipefs first: sunrpc_ns needs its symbols.
	for m in "$NSMODS_FARM"/pipefs/nsmods_pipefs.ko "$NSMODS_FARM"/*/*.ko; do
		[ -e "$m" ] || continue
		grep -q "^$(basename "$m" .ko | tr - _) " /proc/modules && continue
		case "$m" in *_kunit.ko) ;; *) insmod "$m" ;; esac
	done
	echo "nsmods modules loaded; exit the shell to power off."
	setsid -c bash -i </dev/console >/dev/console 2>&1
	;;
esac

sync
# qemu runs with -no-reboot, so a reboot ends it; UML ends on power off.
if [ "$NSMODS_ARCH" = um ]; then
	echo o >/proc/sysrq-trigger
else
	echo b >/proc/sysrq-trigger
fi
