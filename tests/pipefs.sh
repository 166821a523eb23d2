#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: pipefs
# nsmods-seconds: 90
#
# In-VM test of nsmods_pipefs (Documentation/pipefs.rst), as a user would:
# insmod, mount -t rpc_pipefs in namespaces made with unshare -n, look at
# one namespace's mount from another, a userspace reader/writer on a pipe
# ($TESTBIN/pipefs_test), a namespace kept alive by its mount and freed
# after umount, rmmod refused while mounted, then umount and rmmod.
# Upcalls come from the test-only subscriber nsmods_pipefs_test.ko.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko
tko=$NSMODS_FARM/tests/modules/nsmods_pipefs_test.ko
NETS=/sys/kernel/debug/nsmods_pipefs/nets
T=/sys/kernel/debug/nsmods_pipefs_test
TIMEOUT_MS=8000

W=$(mktemp -d /tmp/pipefs.XXXXXX)
chmod 755 "$W"	# uid 65534 gets as far as our files (who may do what)
mkdir "$W/a" "$W/a2" "$W/b" "$W/c"
pids=()
cleanup() {
	stop_pids "${pids[@]}"
	umount_all "$W/a" "$W/a2" "$W/b" "$W/c" "$W/r" "$W/s"
	unload_loaded nsmods_pipefs_test nsmods_pipefs
	rm -rf "$W"
}
trap cleanup EXIT

# The name must be free: the test kernel has no SUNRPC.
! grep -qw rpc_pipefs /proc/filesystems ||
	die "rpc_pipefs is registered before insmod (kernel SUNRPC?)"

# A taken name makes the load fail with a clear message.
mark
insmod "$ko" fsname=tmpfs 2>/dev/null && die "insmod with a taken fs name worked"
since | grep -q 'named "tmpfs" is already registered' ||
	die "no clear message for a taken fs name"
loaded nsmods_pipefs && die "module stayed loaded after failed init"

# The name: rpc_pipefs on a kernel without sunrpc of its own (the test
# kernel), nsmods_rpc_pipefs on one with it (Debian's), said in one line at
# load (issue 17 section 2).  modinfo knows sunrpc built in or a module.
if modinfo sunrpc >/dev/null 2>&1; then
	want=nsmods_rpc_pipefs why="the kernel's own sunrpc has rpc_pipefs (CONFIG_SUNRPC)"
else
	want=rpc_pipefs why="the kernel has no sunrpc of its own"
fi
mark
load_ko "$ko"
FS=$(cat /sys/module/nsmods_pipefs/parameters/fsname)
[ "$FS" = "$want" ] || fail "fsname is \"$FS\", want \"$want\": $why"
grep -qw "$FS" /proc/filesystems || die "$FS not registered"
since | grep -qF "nsmods_pipefs: filesystem \"$want\": $why" ||
	fail "no load-time line naming the filesystem: $(since)"
load_ko "$tko" timeout_ms=$TIMEOUT_MS
P=/sys/module/nsmods_pipefs_test/parameters

# Two namespaces with a process in each.
unshare -n sleep 1000 &
A=$!
unshare -n sleep 1000 &
B=$!
pids+=("$A" "$B")
sleep 0.5
inA() { nsenter -t "$A" -n "$@"; }
inB() { nsenter -t "$B" -n "$@"; }
ia=$(inum "/proc/$A/ns/net")
ib=$(inum "/proc/$B/ns/net")
[ "$ia" != "$ib" ] || die "A and B share a netns"
st() { "$1" cat "$T/status" | field "$2"; }

# 6/7. Before any mount: the subscriber's directory is pending (-ENODEV)
# and an upcall fails cleanly.
[ "$(st inA netns)" = "$ia" ] || die "status is not per netns"
[ "$(st inA dir_add)" = -19 ] || die "dir add without sb: $(st inA dir_add), want -19"
inA sh -c "echo x >$T/upcall" 2>/dev/null && die "upcall with no sb accepted"
[ "$(st inA inflight)" = 0 ] || die "refused upcall left in flight"

# 1. One superblock per netns: shared within A, another for B.
inA mount -t "$FS" rpc_pipefs "$W/a"
inA mount -t "$FS" rpc_pipefs "$W/a2"
inB mount -t "$FS" rpc_pipefs "$W/b"
da=$(stat -c %d "$W/a")
[ "$da" = "$(stat -c %d "$W/a2")" ] || die "two mounts in A have two superblocks"
[ "$da" != "$(stat -c %d "$W/b")" ] || die "A and B share a superblock"
[ "$(stat -f -c %t "$W/a")" = 67596969 ] || die "wrong magic"
grep -q "^$ia 1$" $NETS || die "A not shown mounted in $NETS"
grep -q "^$ib 1$" $NETS || die "B not shown mounted in $NETS"

# Bad mount options are refused with a message.
mark
inA mount -t "$FS" -o bogus rpc_pipefs "$W/c" 2>/dev/null &&
	die "mount with a bogus option worked"
since | grep -q 'mount option "bogus" is not supported' ||
	die "no message for a bogus mount option"

# 6. The standard directories, and the subscriber's directory and pipe
# made on MOUNT (it was pending); MOUNT seen once per superblock.
for d in lockd mount nfs portmap statd nfsd4_cb cache nfsd gssd; do
	[ -d "$W/a/$d" ] || die "no $d directory"
done
[ -p "$W/a/nfs/nsmods_test/upcall" ] || die "subscriber pipe not made on MOUNT"
[ "$(st inA mounts)" = 1 ] || die "A: $(st inA mounts) MOUNT events, want 1"
[ "$(st inA found_top)" = 1 ] || die "subscriber could not look up nfs in the sb"

# Who may do what (Documentation/pipefs.rst): uid 65534 and root of a
# fresh user namespace can neither mount nor open a pipe.
up=$W/a/nfs/nsmods_test/upcall
setpriv --reuid 65534 --regid 65534 --clear-groups cat "$up" 2>/dev/null &&
	fail "uid 65534 opened a pipe to read"
setpriv --reuid 65534 --regid 65534 --clear-groups sh -c "echo ok >$up" 2>/dev/null &&
	fail "uid 65534 wrote a downcall"
# (Root of a user namespace uid 65534 made: it maps to uid 65534 outside.)
nobody_root() { setpriv --reuid 65534 --regid 65534 --clear-groups unshare -U -r "$@"; }
nobody_root true || fail "uid 65534 cannot make a user namespace"
nobody_root cat "$up" 2>/dev/null && fail "root of a user namespace opened a pipe"
nobody_root -m mount -t "$FS" x "$W/c" 2>/dev/null &&
	fail "root of a user namespace mounted A's rpc_pipefs"
nobody_root -n -m mount -t "$FS" x "$W/c" 2>/dev/null &&
	fail "root of a user namespace mounted its own netns's rpc_pipefs"
mountpoint -q "$W/c" && fail "a refused mount is there"

# 3. B looks into A's mount and sees A's objects: an upcall queued in A
# is read by a process in B through A's mount, and the other way round.
# (A read with nothing queued returns 0 at once, as upstream's: the upcall
# goes first and waits for its reader, timeout_ms.)
out=$W/fromA
inA sh -c "printf fromA >$T/upcall" || die "upcall in A refused"
inB head -c 5 "$W/a/nfs/nsmods_test/upcall" >"$out"
wait_for 10 test -s "$out" || die "B read nothing from A's pipe"
[ "$(cat "$out")" = fromA ] || die "B read '$(cat "$out")' from A's mount"
[ "$(st inA read)" = 1 ] || die "A's owner did not see the read"
[ "$(st inB read)" = 0 ] || die "B's owner saw A's message"
inA ls "$W/b/nfs" | grep -q nsmods_test || die "A cannot list B's mount"
inB sh -c "printf fromB >$T/upcall" || die "upcall in B refused"
inA head -c 5 "$W/b/nfs/nsmods_test/upcall" >"$out"
wait_for 10 grep -q fromB "$out" || die "A did not read B's upcall via B's mount"

# 7. Userspace reader/writer: poll, FIONREAD, O_NONBLOCK, downcalls.
inA "$TESTBIN/pipefs_test" "$W/a/nfs/nsmods_test/upcall" "$T" ||
	die "pipefs_test failed"

# 7. An upcall nobody reads times out with ETIMEDOUT.
f0=$(st inA failed)
t0=$(date +%s%N)
inA sh -c "printf late >$T/upcall" || die "upcall refused"
sleep 2
f1=$(st inA failed)
t1=$(( ($(date +%s%N) - t0) / 1000000 ))
# Only meaningful if the check ran before the timeout (TCG is slow).
[ "$f1" = "$f0" ] || [ "$t1" -ge $TIMEOUT_MS ] ||
	die "upcall failed after ${t1} ms, before its timeout"
failed_is() { [ "$(st inA failed)" = "$1" ]; }
wait_for 20 failed_is $((f0 + 1)) ||
	die "upcall did not time out: failed $(st inA failed), was $f0"
[ "$(st inA last_err)" = -110 ] || die "timeout ended with $(st inA last_err)"
[ "$(st inA inflight)" = 0 ] || die "messages left in flight"

# Issue 17: a MOUNT refused with NOTIFY_STOP (1) or an errno (2) fails the
# mount; the subscriber before the refusing one sees each MOUNT rolled back
# by one UMOUNT (before the fix NOTIFY_STOP counted as success: the mount worked
# and the first subscriber saw a second UMOUNT at umount).
mkdir "$W/r" "$W/s"
unshare -n sleep 1000 &
R=$!
unshare -n sleep 1000 &
S=$!
pids+=("$R" "$S")
sleep 0.5
inR() { nsenter -t "$R" -n "$@"; }
inS() { nsenter -t "$S" -n "$@"; }
for how in 1 2; do
	echo "$how" >"$P/refuse"
	if inR mount -t "$FS" x "$W/r" 2>/dev/null; then
		fail "refuse=$how: the mount worked"
		umount "$W/r"
	fi
	echo 0 >"$P/refuse"
	# mount(8) tries again read-only after EACCES (refuse=2): each try is
	# one MOUNT and its rollback UMOUNT, so the two counts stay equal.
	m=$(st inR mounts)
	u=$(st inR umounts)
	[ "$m" -ge "$how" ] && [ "$m" = "$u" ] ||
		fail "refuse=$how: first subscriber saw $m MOUNTs and $u UMOUNTs, want equal, at least $how"
done
grep -q "^$(inum "/proc/$R/ns/net") 1$" $NETS && fail "refused netns linked to an sb"

# Issue 17: a subscriber stuck in MOUNT of one namespace does not hold up
# mounts in another (the event lock was global).
echo "$(inum "/proc/$S/ns/net")" >"$P/stall_netns"
echo 15000 >"$P/stall_ms"
inS mount -t "$FS" x "$W/s" &
sm=$!
sleep 1
t0=$(date +%s%N)
inR mount -t "$FS" x "$W/r" || fail "mount in R failed"
t1=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "mount in R took $t1 ms while S's MOUNT stalled"
[ "$t1" -lt 7000 ] || fail "a mount waited $t1 ms for another netns's MOUNT"
wait "$sm" || fail "the stalled mount failed"
echo 0 >"$P/stall_ms"
umount "$W/r" "$W/s"

# 2. A namespace whose tasks are gone lives while mounted, is freed after
# the umount: its pernet exit runs (it leaves $NETS).  First the control:
# without a mount it goes.
ic=$(unshare -n stat -L -c %i /proc/self/ns/net)
wait_for 20 sh -c "! grep -q '^$ic ' $NETS" || die "unmounted netns $ic not freed"
ic=$(unshare -n sh -c "mount -t $FS rpc_pipefs $W/c && stat -L -c %i /proc/self/ns/net")
[ -n "$ic" ] || die "mount in a short-lived netns failed"
sleep 2
grep -q "^$ic 1$" $NETS || die "netns $ic freed while its rpc_pipefs is mounted"
[ -d "$W/c/nfs/nsmods_test" ] || die "orphan netns's mount lost its directories"
umount "$W/c"
wait_for 20 sh -c "! grep -q '^$ic ' $NETS" || die "netns $ic not freed after umount"

# 5. The superblock link goes with the last umount, not before.
inA umount "$W/a2"
grep -q "^$ia 1$" $NETS || die "A lost its sb with a mount left"
[ "$(st inA umounts)" = 0 ] || die "UMOUNT sent while still mounted"

# 8. The filesystem module cannot go while mounted; the subscriber can,
# and its directory leaves the live superblock with it.
rmmod nsmods_pipefs 2>/dev/null && die "rmmod worked with the subscriber loaded"
rmmod nsmods_pipefs_test
[ ! -e "$W/a/nfs/nsmods_test" ] || die "subscriber dir left after its rmmod"
rmmod nsmods_pipefs 2>/dev/null && die "rmmod worked while mounted"
loaded nsmods_pipefs || die "module gone while mounted"

inA umount "$W/a"
inB umount "$W/b"
grep -q "^$ia 1$" $NETS && die "A still linked to an sb after umount"
kill "$A" "$B" "$R" "$S"
wait "$A" "$B" "$R" "$S" 2>/dev/null || true
pids=()
rmmod nsmods_pipefs
grep -qw rpc_pipefs /proc/filesystems && die "rpc_pipefs left after rmmod"
[ ! -e /sys/kernel/debug/nsmods_pipefs ] || die "debugfs left after rmmod"

# The name is a module parameter.
load_ko "$ko" fsname=rpc_pipefs_alt
grep -qw rpc_pipefs_alt /proc/filesystems || die "fsname= not honoured"
mount -t rpc_pipefs_alt x "$W/c"
[ -d "$W/c/gssd" ] || die "rpc_pipefs_alt has no gssd"
umount "$W/c"
rmmod nsmods_pipefs
end_test
