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
set -eu
ko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko
tko=$NSMODS_FARM/tests/modules/nsmods_pipefs_test.ko
NETS=/sys/kernel/debug/nsmods_pipefs/nets
T=/sys/kernel/debug/nsmods_pipefs_test
TIMEOUT_MS=8000

fail() { echo "FAIL: $*"; exit 1; }
field() { sed -n "s/^$1: //p"; }
inum() { stat -L -c %i "$1"; }
loaded() { grep -q "^$1 " /proc/modules; }

W=$(mktemp -d /tmp/pipefs.XXXXXX)
mkdir "$W/a" "$W/a2" "$W/b" "$W/c"
pids=()
cleanup() {
	local p
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for p in a a2 b c; do umount "$W/$p" 2>/dev/null; done
	loaded nsmods_pipefs_test && rmmod nsmods_pipefs_test
	loaded nsmods_pipefs && rmmod nsmods_pipefs
	rm -rf "$W"
}
trap cleanup EXIT

# Wait up to $1 seconds for the command after it to succeed.
wait_for() {
	local n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# The name must be free: the test kernel has no SUNRPC.
! grep -qw rpc_pipefs /proc/filesystems ||
	fail "rpc_pipefs is registered before insmod (kernel SUNRPC?)"

# A taken name makes the load fail with a clear message.
before=$(dmesg | wc -l)
insmod "$ko" fsname=tmpfs 2>/dev/null && fail "insmod with a taken fs name worked"
dmesg | tail -n +"$((before + 1))" | grep -q 'named "tmpfs" is already registered' ||
	fail "no clear message for a taken fs name"
loaded nsmods_pipefs && fail "module stayed loaded after failed init"

insmod "$ko"
grep -qw rpc_pipefs /proc/filesystems || fail "rpc_pipefs not registered"
insmod "$tko" timeout_ms=$TIMEOUT_MS

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
[ "$ia" != "$ib" ] || fail "A and B share a netns"
st() { "$1" cat "$T/status" | field "$2"; }

# 6/7. Before any mount: the subscriber's directory is pending (-ENODEV)
# and an upcall fails cleanly.
[ "$(st inA netns)" = "$ia" ] || fail "status is not per netns"
[ "$(st inA dir_add)" = -19 ] || fail "dir add without sb: $(st inA dir_add), want -19"
inA sh -c "echo x >$T/upcall" 2>/dev/null && fail "upcall with no sb accepted"
[ "$(st inA inflight)" = 0 ] || fail "refused upcall left in flight"

# 1. One superblock per netns: shared within A, another for B.
inA mount -t rpc_pipefs rpc_pipefs "$W/a"
inA mount -t rpc_pipefs rpc_pipefs "$W/a2"
inB mount -t rpc_pipefs rpc_pipefs "$W/b"
da=$(stat -c %d "$W/a")
[ "$da" = "$(stat -c %d "$W/a2")" ] || fail "two mounts in A have two superblocks"
[ "$da" != "$(stat -c %d "$W/b")" ] || fail "A and B share a superblock"
[ "$(stat -f -c %t "$W/a")" = 67596969 ] || fail "wrong magic"
grep -q "^$ia 1$" $NETS || fail "A not shown mounted in $NETS"
grep -q "^$ib 1$" $NETS || fail "B not shown mounted in $NETS"

# Bad mount options are refused with a message.
before=$(dmesg | wc -l)
inA mount -t rpc_pipefs -o bogus rpc_pipefs "$W/c" 2>/dev/null &&
	fail "mount with a bogus option worked"
dmesg | tail -n +"$((before + 1))" | grep -q 'mount option "bogus" is not supported' ||
	fail "no message for a bogus mount option"

# 6. The standard directories, and the subscriber's directory and pipe
# made on MOUNT (it was pending); MOUNT seen once per superblock.
for d in lockd mount nfs portmap statd nfsd4_cb cache nfsd gssd; do
	[ -d "$W/a/$d" ] || fail "no $d directory"
done
[ -p "$W/a/nfs/nsmods_test/upcall" ] || fail "subscriber pipe not made on MOUNT"
[ "$(st inA mounts)" = 1 ] || fail "A: $(st inA mounts) MOUNT events, want 1"
[ "$(st inA found_top)" = 1 ] || fail "subscriber could not look up nfs in the sb"

# 3. B looks into A's mount and sees A's objects: an upcall queued in A
# is read by a process in B through A's mount, and the other way round.
out=$W/fromA
inB head -c 5 "$W/a/nfs/nsmods_test/upcall" >"$out" &
pids+=($!)
sleep 0.5
inA sh -c "printf fromA >$T/upcall" || fail "upcall in A refused"
wait_for 10 test -s "$out" || fail "B read nothing from A's pipe"
[ "$(cat "$out")" = fromA ] || fail "B read '$(cat "$out")' from A's mount"
[ "$(st inA read)" = 1 ] || fail "A's owner did not see the read"
[ "$(st inB read)" = 0 ] || fail "B's owner saw A's message"
inA ls "$W/b/nfs" | grep -q nsmods_test || fail "A cannot list B's mount"
inA head -c 5 "$W/b/nfs/nsmods_test/upcall" >"$out" &
pids+=($!)
sleep 0.5
inB sh -c "printf fromB >$T/upcall" || fail "upcall in B refused"
wait_for 10 grep -q fromB "$out" || fail "A did not read B's upcall via B's mount"

# 7. Userspace reader/writer: poll, FIONREAD, O_NONBLOCK, downcalls.
inA "$TESTBIN/pipefs_test" "$W/a/nfs/nsmods_test/upcall" "$T" ||
	fail "pipefs_test failed"

# 7. An upcall nobody reads times out with ETIMEDOUT.
f0=$(st inA failed)
t0=$(date +%s%N)
inA sh -c "printf late >$T/upcall" || fail "upcall refused"
sleep 2
f1=$(st inA failed)
t1=$(( ($(date +%s%N) - t0) / 1000000 ))
# Only meaningful if the check ran before the timeout (TCG is slow).
[ "$f1" = "$f0" ] || [ "$t1" -ge $TIMEOUT_MS ] ||
	fail "upcall failed after ${t1} ms, before its timeout"
failed_is() { [ "$(st inA failed)" = "$1" ]; }
wait_for 20 failed_is $((f0 + 1)) ||
	fail "upcall did not time out: failed $(st inA failed), was $f0"
[ "$(st inA last_err)" = -110 ] || fail "timeout ended with $(st inA last_err)"
[ "$(st inA inflight)" = 0 ] || fail "messages left in flight"

# 2. A namespace whose tasks are gone lives while mounted, is freed after
# the umount: its pernet exit runs (it leaves $NETS).  First the control:
# without a mount it goes.
ic=$(unshare -n stat -L -c %i /proc/self/ns/net)
wait_for 20 sh -c "! grep -q '^$ic ' $NETS" || fail "unmounted netns $ic not freed"
ic=$(unshare -n sh -c "mount -t rpc_pipefs rpc_pipefs $W/c && stat -L -c %i /proc/self/ns/net")
[ -n "$ic" ] || fail "mount in a short-lived netns failed"
sleep 2
grep -q "^$ic 1$" $NETS || fail "netns $ic freed while its rpc_pipefs is mounted"
[ -d "$W/c/nfs/nsmods_test" ] || fail "orphan netns's mount lost its directories"
umount "$W/c"
wait_for 20 sh -c "! grep -q '^$ic ' $NETS" || fail "netns $ic not freed after umount"

# 5. The superblock link goes with the last umount, not before.
inA umount "$W/a2"
grep -q "^$ia 1$" $NETS || fail "A lost its sb with a mount left"
[ "$(st inA umounts)" = 0 ] || fail "UMOUNT sent while still mounted"

# 8. The filesystem module cannot go while mounted; the subscriber can,
# and its directory leaves the live superblock with it.
rmmod nsmods_pipefs 2>/dev/null && fail "rmmod worked with the subscriber loaded"
rmmod nsmods_pipefs_test
[ ! -e "$W/a/nfs/nsmods_test" ] || fail "subscriber dir left after its rmmod"
rmmod nsmods_pipefs 2>/dev/null && fail "rmmod worked while mounted"
loaded nsmods_pipefs || fail "module gone while mounted"

inA umount "$W/a"
inB umount "$W/b"
grep -q "^$ia 1$" $NETS && fail "A still linked to an sb after umount"
kill "$A" "$B"
wait "$A" "$B" 2>/dev/null || true
pids=()
rmmod nsmods_pipefs
grep -qw rpc_pipefs /proc/filesystems && fail "rpc_pipefs left after rmmod"
[ ! -e /sys/kernel/debug/nsmods_pipefs ] || fail "debugfs left after rmmod"

# The name is a module parameter.
insmod "$ko" fsname=rpc_pipefs_alt
grep -qw rpc_pipefs_alt /proc/filesystems || fail "fsname= not honoured"
mount -t rpc_pipefs_alt x "$W/c"
[ -d "$W/c/gssd" ] || fail "rpc_pipefs_alt has no gssd"
umount "$W/c"
rmmod nsmods_pipefs
echo "PASS"
exit 0
