#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: nsfs
# nsmods-seconds: 90
#
# In-VM test of nsmods_nsfs (Documentation/nsfs.rst): load it, with
# sunrpc_ns for the pernet check, run every case of tests/nsfs_test/,
# check nothing of ours is left, unload, and check it is all gone.
set -u
ko=$NSMODS_FARM/nsfs/nsmods_nsfs.ko
sunrpc=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pipefs=$NSMODS_FARM/pipefs/nsmods_pipefs.ko	# sunrpc_ns needs its symbols
prog=$TESTBIN/nsfs_test
dbg=/sys/kernel/debug/nsmods_nsfs
bad=0

fail() { echo "FAIL: $*"; bad=1; }
loaded() { grep -q "^$1 " /proc/modules; }

cleanup() {
	ip link del nsfsA 2>/dev/null
	loaded nsmods_nsfs && rmmod nsmods_nsfs
	loaded nsmods_sunrpc_ns && rmmod nsmods_sunrpc_ns
	loaded nsmods_pipefs && rmmod nsmods_pipefs
	return 0
}
trap cleanup EXIT

[ -x "$prog" ] || { echo "FAIL: no $prog"; exit 1; }
insmod "$ko" || { echo "FAIL: insmod $ko"; exit 1; }
insmod "$pipefs" || { echo "FAIL: insmod $pipefs"; exit 1; }
insmod "$sunrpc" || { echo "FAIL: insmod $sunrpc"; exit 1; }

# Item 1, from the shell: a filesystem nobody can name.
[ -c /dev/nsmods_nsfs ] || fail "no /dev/nsmods_nsfs"
! grep -q nsmods /proc/filesystems || fail "listed in /proc/filesystems"
mkdir -p /tmp/nsfs_mnt
if mount -t nsmods_nsfs none /tmp/nsfs_mnt 2>/dev/null; then
	umount /tmp/nsfs_mnt
	fail "mount -t nsmods_nsfs worked"
fi

for c in fs basic perm keepalive scm setns; do
	if "$prog" "$c"; then
		echo "ok $c"
	else
		echo "not ok $c"
		bad=1
	fi
done

# Every fd is closed: no record and no inode may be left.
if [ -r "$dbg/records" ]; then
	left=$(cat "$dbg/records")
	[ -z "$left" ] || fail "records left: $left"
	grep -qx 'inodes 0' "$dbg/stats" || fail "inodes left: $(cat "$dbg/stats")"
	echo "stats: $(tr '\n' ' ' <"$dbg/stats")"
else
	fail "no $dbg/records"
fi

rmmod nsmods_nsfs || fail "rmmod nsmods_nsfs"
rmmod nsmods_sunrpc_ns || fail "rmmod nsmods_sunrpc_ns"
rmmod nsmods_pipefs || fail "rmmod nsmods_pipefs"
[ ! -e /dev/nsmods_nsfs ] || fail "/dev/nsmods_nsfs left after rmmod"
[ ! -e "$dbg" ] || fail "$dbg left after rmmod"
[ ! -e /sys/module/nsmods_nsfs ] || fail "module still there after rmmod"

[ "$bad" = 0 ] && echo PASS
exit "$bad"
