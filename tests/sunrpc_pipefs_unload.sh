#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns pipefs
# nsmods-seconds: 40
#
# Issue 17: a file nsmods_sunrpc_ns put into rpc_pipefs (the host cache's
# content) held by an O_PATH descriptor across rmmod nsmods_sunrpc_ns, then
# opened again through /proc/self/fd.  Before the fix the inode still
# pointed at the unloaded module's file_operations (use after free); now
# nsmods_pipefs's own open fails with ENXIO once the owner is gone, and
# takes the owner's module reference while it is there.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
if [ -z "${SNS_UNLOAD_MNTNS:-}" ]; then
	SNS_UNLOAD_MNTNS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
ko=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko
prog=$TESTBIN/rpcpipe_test
W=$(mktemp -d /tmp/sunrpc_pipefs_unload.XXXXXX)
pids=()
cleanup() {
	set +e
	stop_pids "${pids[@]}"
	umount_all "$W/m"
	del_netns pfU
	unload_loaded nsmods_sunrpc_ns nsmods_pipefs
	rm -rf "$W"
}
trap cleanup EXIT
need_exec "$prog"
fast_nap "$W"

loaded nsmods_pipefs || load_ko "$pko"
load_ko_fresh "$ko"
fsname=$(cat /sys/module/nsmods_pipefs/parameters/fsname)
ip netns add pfU || die "netns pfU"
mkdir "$W/m"
nsenter --net=/run/netns/pfU mount -t "$fsname" "$fsname" "$W/m" || die "mount"
f=$W/m/cache/sunrpc_ns_hosts/content
[ -f "$f" ] || die "no $f"

# Two holders: one reopens while the owner is loaded, one after rmmod.
for h in 1 2; do
	mkfifo "$W/h$h.in"
	"$prog" reopen "$f" <"$W/h$h.in" >"$W/h$h.out" 2>&1 &
	pids+=($!)
	exec {fd}>"$W/h$h.in"
	eval "hfd$h=$fd"
	wait_for 10 grep -q '^held' "$W/h$h.out" || die "holder $h: $(cat "$W/h$h.out")"
done

echo go >&"$hfd1"
wait_for 10 grep -q '^reopen' "$W/h1.out" || fail "holder 1 did not answer"
grep -qx "reopen ok" "$W/h1.out" || fail "reopen with the owner loaded: $(cat "$W/h1.out")"

wait_for 10 rmmod nsmods_sunrpc_ns || die "rmmod nsmods_sunrpc_ns"
echo go >&"$hfd2"
wait_for 10 grep -q '^reopen' "$W/h2.out" || fail "holder 2 did not answer"
grep -qx "reopen ENXIO" "$W/h2.out" || fail "reopen after rmmod: $(cat "$W/h2.out")"
exec {hfd1}>&- {hfd2}>&-
stop_pids "${pids[@]}"
pids=()

umount "$W/m" || fail "umount"
del_netns pfU
wait_for 10 rmmod nsmods_pipefs || fail "rmmod nsmods_pipefs"
end_test
