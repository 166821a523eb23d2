#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: nsfs
# nsmods-seconds: 90
#
# In-VM test of nsmods_nsfs (Documentation/nsfs.rst): load it, with
# sunrpc_ns for the pernet check, run every case of tests/nsfs_test/,
# check nothing of ours is left, unload, and check it is all gone.
# shellcheck disable=SC2317,SC2016 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/nsfs/nsmods_nsfs.ko
sunrpc=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pipefs=$NSMODS_FARM/pipefs/nsmods_pipefs.ko	# sunrpc_ns needs its symbols
prog=$TESTBIN/nsfs_test
farm_cli=$NSMODS_FARM/tools/bin/nsmods-nsfs
dbg=/sys/kernel/debug/nsmods_nsfs
holder=

cleanup() {
	ip link del nsfsA 2>/dev/null
	stop_pids "$holder"
	unload_loaded nsmods_nsfs nsmods_sunrpc_ns nsmods_pipefs
}

# The CLI (tools/nsmods-nsfs.c): list, open, compare, exec; as root, as
# uid 65534 and as root of a user namespace owned by 65534 (with a copy
# of the program they can reach: the farm is under root's home).
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
other_uts() { [ "$(inum /proc/"$1"/ns/uts)" != "$(inum /proc/$$/ns/uts)" ]; }

case_cli() {
	local out t got h cli
	if ! mkdir -p /tmp/nsfs_cli || ! cp "$farm_cli" /tmp/nsfs_cli/ ||
		! chmod 755 /tmp/nsfs_cli /tmp/nsfs_cli/nsmods-nsfs; then
		cfail "copy the CLI"
	fi
	cli=/tmp/nsfs_cli/nsmods-nsfs
	"$cli" --help | grep -q '^usage: nsmods-nsfs' || cfail "--help"
	"$cli" bogus 2>/dev/null
	[ $? = 2 ] || cfail "a bad command does not exit 2"
	out=$("$cli" list $$) || cfail "list"
	for t in net uts ipc mnt pid user cgroup time; do
		echo "$out" | grep -qx "$t $(inum /proc/$$/ns/"$t")" ||
			cfail "list: $t is not $(inum /proc/$$/ns/"$t"): $out"
	done
	out=$("$cli" -P list $$) || cfail "list -P"
	echo "$out" | grep -qx "net $(inum /proc/$$/ns/net)" || cfail "list -P: $out"

	unshare -n -u sleep 1000 &
	holder=$!
	h=$holder
	# Read again on each try: the child may not have run unshare yet.
	wait_for 5 other_uts "$h" || cfail "holder did not unshare"
	"$cli" compare $$ "$h" net >/dev/null && cfail "compare: the same netns"
	"$cli" compare $$ "$h" ipc user >/dev/null || cfail "compare: another ipc ns"
	"$cli" compare $$ "$h" | grep -qx "uts differs $(inum /proc/$$/ns/uts) $(inum /proc/"$h"/ns/uts)" ||
		cfail "compare output"
	got=$("$cli" exec -t net,uts "$h" readlink /proc/self/ns/net)
	[ "$got" = "net:[$(inum /proc/"$h"/ns/net)]" ] || cfail "exec -t net,uts: $got"
	# By an inherited descriptor: open hands it to a command, exec uses it.
	got=$("$cli" open uts "$h" sh -c '"$0" exec -f "$NSMODS_NSFS_FD" hostname -s >/dev/null &&
		"$0" exec -f "$NSMODS_NSFS_FD" readlink /proc/self/ns/uts' "$cli" | tail -n1)
	[ "$got" = "uts:[$(inum /proc/"$h"/ns/uts)]" ] || cfail "exec -f: $got"
	"$cli" open user $$ | grep -qx 'owner 0' || cfail "open user: no owner 0"
	got=$("$cli" exec -t pid_for_children $$ sh -c 'echo $$')
	[ -n "$got" ] || cfail "exec into a pid ns runs no child"

	# uid 65534: its own namespaces, not root's; setns needs privilege.
	out=$(nobody "$cli" list $$)
	echo "$out" | grep -q '^net - (Permission denied)' || cfail "nobody list root: $out"
	out=$(nobody sh -c '"$0" list $$' "$cli")
	echo "$out" | grep -qx "net $(inum /proc/$$/ns/net)" || cfail "nobody list own: $out"
	nobody "$cli" exec -t net "$h" true 2>/dev/null && cfail "nobody exec into root's netns"
	nobody sh -c '"$0" exec -t uts $$ true' "$cli" 2>/dev/null &&
		cfail "nobody setns into its own uts ns (not its to change)"
	# Root of a user namespace owned by 65534: its own netns, not root's.
	got=$(nobody unshare -Urn sh -c '"$0" exec -t net $$ readlink /proc/self/ns/net; readlink /proc/self/ns/net' "$cli")
	if [ -z "$got" ] || [ "$(echo "$got" | sort -u | wc -l)" != 1 ]; then
		cfail "userns root exec into its own netns: $got"
	fi
	nobody unshare -Ur "$cli" exec -t net "$h" true 2>/dev/null &&
		cfail "userns root exec into root's netns"
	out=$(nobody unshare -Ur "$cli" open user $$ 2>&1)
	echo "$out" | grep -q 'Permission denied' || cfail "userns root open root's user ns: $out"
	stop_pids "$holder"
	holder=
}
trap cleanup EXIT

need_exec "$prog"
load_ko "$ko"
load_ko "$pipefs"
load_ko "$sunrpc"

# Item 1, from the shell: a filesystem nobody can name.
[ -c /dev/nsmods_nsfs ] || fail "no /dev/nsmods_nsfs"
! grep -qw nsmods_nsfs /proc/filesystems || fail "listed in /proc/filesystems"
mkdir -p /tmp/nsfs_mnt
if mount -t nsmods_nsfs none /tmp/nsfs_mnt 2>/dev/null; then
	umount /tmp/nsfs_mnt
	fail "mount -t nsmods_nsfs worked"
fi

for c in fs basic perm keepalive scm setns iface children noproc iface_perm; do
	run_case "$c" "$prog" "$c"
done
need_exec "$farm_cli"
run_sh cli

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
