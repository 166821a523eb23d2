#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: nsfs
# nsmods-seconds: 90
#
# In-VM test of nsmods_nsfs (Documentation/nsfs.rst): load it, with
# sunrpc_ns for the pernet check, run every case of tests/nsfs_test/,
# check nothing of ours is left, unload, and check it is all gone.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/nsfs/nsmods_nsfs.ko
sunrpc=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pipefs=$NSMODS_FARM/pipefs/nsmods_pipefs.ko	# sunrpc_ns needs its symbols
prog=$TESTBIN/nsfs_test
dbg=/sys/kernel/debug/nsmods_nsfs

cleanup() {
	ip link del nsfsA 2>/dev/null
	unload_loaded nsmods_nsfs nsmods_sunrpc_ns nsmods_pipefs
}
trap cleanup EXIT

need_exec "$prog"
load_ko "$ko"
load_ko "$pipefs"
load_ko "$sunrpc"

# Item 1, from the shell: a filesystem nobody can name.
[ -c /dev/nsmods_nsfs ] || fail "no /dev/nsmods_nsfs"
! grep -q nsmods /proc/filesystems || fail "listed in /proc/filesystems"
mkdir -p /tmp/nsfs_mnt
if mount -t nsmods_nsfs none /tmp/nsfs_mnt 2>/dev/null; then
	umount /tmp/nsfs_mnt
	fail "mount -t nsmods_nsfs worked"
fi

for c in fs basic perm keepalive scm setns; do
	run_case "$c" "$prog" "$c"
done

# Every fd is closed: no record and no inode may be left.
if [ -r "$dbg/records" ]; then
	left=$(cat "$dbg/records")
	[ -z "$left" ] || fail "records left: $left"
	grep -qx 'inodes 0' "$dbg/stats" || fail "inodes left: $(cat "$dbg/stats")"
	grep -qx 'pins 0' "$dbg/stats" || fail "mount pinned: $(cat "$dbg/stats")"
	echo "stats: $(tr '\n' ' ' <"$dbg/stats")"
else
	fail "no $dbg/records"
fi

# A sync or drop_caches walk holding our superblock a moment keeps the
# module busy that moment (Documentation/nsfs.rst, Unload): retry.
wait_for 5 rmmod nsmods_nsfs 2>/dev/null || fail "rmmod nsmods_nsfs"
rmmod nsmods_sunrpc_ns || fail "rmmod nsmods_sunrpc_ns"
rmmod nsmods_pipefs || fail "rmmod nsmods_pipefs"
[ ! -e /dev/nsmods_nsfs ] || fail "/dev/nsmods_nsfs left after rmmod"
[ ! -e "$dbg" ] || fail "$dbg left after rmmod"
[ ! -e /sys/module/nsmods_nsfs ] || fail "module still there after rmmod"

end_test
