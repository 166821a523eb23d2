#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: mqueue_ns
# nsmods-seconds: 200
#
# In-VM test of nsmods_mqueue_ns (Documentation/mqueue_ns.rst): load it, run
# every case of tests/mqueue_ns_test/ (each in fresh ipc namespaces only),
# check no namespace record and no charged byte is left, check that an
# ipc namespace using the module keeps rmmod from working until it dies,
# unload, and check it is all gone.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/mqueue_ns/nsmods_mqueue_ns.ko
prog=$TESTBIN/mqueue_ns_test
dbg=/sys/kernel/debug/nsmods_mqueue_ns
W=""
hold_pid=""

cleanup() {
	exec 3>&-
	stop_pids "$hold_pid"
	# Namespaces of a failed run may still be dying.
	unload_loaded nsmods_mqueue_ns
	[ -n "$W" ] && rm -rf "$W"
	return 0
}
trap cleanup EXIT

need_exec "$prog"
! loaded nsmods_mqueue_ns || die "nsmods_mqueue_ns already loaded"
! grep -qw mqueue_ns /proc/filesystems ||
	die "mqueue_ns registered before insmod"
load_ko "$ko"

[ -c /dev/nsmods_mqueue_ns ] || fail "no /dev/nsmods_mqueue_ns"
[ "$(stat -c %a /dev/nsmods_mqueue_ns 2>/dev/null)" = 666 ] ||
	fail "/dev/nsmods_mqueue_ns mode $(stat -c %a /dev/nsmods_mqueue_ns 2>/dev/null), want 666"
grep -qw mqueue_ns /proc/filesystems || fail "mqueue_ns not in /proc/filesystems"
if [ ! -r "$dbg/namespaces" ] || [ ! -r "$dbg/users" ]; then
	fail "no $dbg/namespaces or $dbg/users"
fi
[ -z "$(cat "$dbg/namespaces" "$dbg/users" 2>/dev/null)" ] ||
	fail "records right after insmod: $(cat "$dbg/namespaces" "$dbg/users")"

for c in order block vfs limits nsdeath edge scm userns stress \
	owner uffd cloexec restart defaults errno statfs limfile slack capat \
	wakeone pin; do
	run_case "$c" timeout 60 "$prog" "$c"
done

# Every test process is gone: their namespaces die (asynchronously), and
# with them every record and every charged byte.
empty() { [ -z "$(cat "$dbg/namespaces" "$dbg/users")" ]; }
if ! wait_for 10 empty; then
	fail "left after the cases: $(cat "$dbg/namespaces" "$dbg/users" | tr '\n' ' ')"
fi

# A live ipc namespace that used the module keeps it loaded.
W=$(mktemp -d /tmp/mqueue_ns.XXXXXX)
mkfifo "$W/in"
unshare -i "$prog" hold <"$W/in" >"$W/out" 2>&1 &
hold_pid=$!
exec 3>"$W/in"
ready() { grep -q '^ready ' "$W/out"; }
if wait_for 10 ready; then
	inum=$(sed -n 's/^ready //p' "$W/out")
	echo "holder in ipc ns $inum"
	grep -q "^ns:$inum state:alive queues:1 internal:1\$" "$dbg/namespaces" ||
		fail "holder's record: $(cat "$dbg/namespaces")"
	[ "$inum" != "$(inum /proc/1/ns/ipc)" ] ||
		fail "holder runs in the initial ipc ns"
	if rmmod nsmods_mqueue_ns 2>/dev/null; then
		fail "rmmod worked while an ipc namespace uses the module"
		insmod "$ko" || fail "insmod again"
	fi
	loaded nsmods_mqueue_ns || fail "module gone while an ipc namespace uses it"
	[ -c /dev/nsmods_mqueue_ns ] || fail "no /dev/nsmods_mqueue_ns after failed rmmod"
	# End the holder: EOF on its stdin.
	exec 3>&-
	wait "$hold_pid" || fail "holder exited $?: $(cat "$W/out")"
	hold_pid=""
	gone() { ! grep -q "^ns:$inum " "$dbg/namespaces"; }
	wait_for 10 gone ||
		fail "holder's record 10 s after it exited: $(cat "$dbg/namespaces")"
else
	fail "holder not ready: $(cat "$W/out")"
fi
exec 3>&-
stop_pids "$hold_pid"
hold_pid=""
empty || fail "left before rmmod: $(cat "$dbg/namespaces" "$dbg/users" | tr '\n' ' ')"

rmmod nsmods_mqueue_ns || fail "rmmod nsmods_mqueue_ns"
[ ! -e /dev/nsmods_mqueue_ns ] || fail "/dev/nsmods_mqueue_ns left after rmmod"
[ ! -e "$dbg" ] || fail "$dbg left after rmmod"
[ ! -e /sys/module/nsmods_mqueue_ns ] || fail "module still there after rmmod"
! grep -qw mqueue_ns /proc/filesystems || fail "mqueue_ns still registered after rmmod"

end_test
