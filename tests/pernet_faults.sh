#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sunrpc_ns under slab fault injection: namespace creation and module
# loading with one allocation failing at every point in turn.  Each attempt
# must either succeed or fail with ENOMEM and leave nothing half made; the
# sweep must reach our own pernet init (its ratelimited warning shows it
# did); rmmod then finds every init matched by an exit (it warns if not),
# and the final kmemleak scan of the run finds nothing.
set -eu
ko=$NSMODS_FARM/sunrpc_ns/sunrpc_ns.ko
fs=/sys/kernel/debug/failslab

fail() { echo "FAIL: $*"; exit 1; }
[ -d "$fs" ] || fail "no $fs: the debug kernel must have FAILSLAB"

cleanup() {
	echo 0 >"$fs/probability"
	ip netns del f1 2>/dev/null
	ip netns del f2 2>/dev/null
	grep -q '^sunrpc_ns ' /proc/modules && rmmod sunrpc_ns
	return 0
}
trap cleanup EXIT

echo Y >"$fs/task-filter"
echo N >"$fs/ignore-gfp-wait"
echo 0 >"$fs/verbose"
echo 1 >"$fs/interval"
echo 100 >"$fs/probability"

# Run "$@" with one slab allocation failing after $1 bytes were allowed.
with_fault() {
	local space=$1; shift
	echo "$space" >"$fs/space"
	echo 1 >"$fs/times"
	sh -c 'echo 1 >/proc/self/make-it-fail; exec "$@"' sh "$@"
}

warnings() { dmesg | grep -c 'sunrpc_ns: netns .*cannot create' || true; }

# 1. Creating namespaces while the module is loaded.
insmod "$ko"
w0=$(warnings)
ok=0 failed=0
for space in $(seq 0 256 40960); do
	if with_fault "$space" unshare -n true 2>/dev/null; then
		ok=$((ok + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "unshare -n: $ok succeeded, $failed failed"
[ "$failed" -gt 0 ] || fail "fault injection never made unshare -n fail"
[ "$ok" -gt 0 ] || fail "unshare -n never succeeded"
[ "$(warnings)" -gt "$w0" ] || fail "no failure reached sunrpc_ns's pernet init"
[ -r /proc/net/sunrpc_ns/state ] || fail "init_net lost its state"
unshare -n cat /proc/net/sunrpc_ns/state >/dev/null ||
	fail "a netns made after the sweep has no state"
rmmod sunrpc_ns

# 2. Loading the module while namespaces exist: a failure for one of them
#    must undo the others and fail the load.
ip netns add f1
ip netns add f2
w0=$(warnings)
loaded=0 refused=0
for space in $(seq 0 64 8192); do
	if with_fault "$space" insmod "$ko" 2>/dev/null; then
		loaded=$((loaded + 1))
		rmmod sunrpc_ns
	else
		refused=$((refused + 1))
		for n in "" f1 f2; do
			if [ -z "$n" ]; then
				[ ! -e /proc/net/sunrpc_ns ] || fail "failed load left init_net state"
			else
				ip netns exec "$n" sh -c '[ ! -e /proc/net/sunrpc_ns ]' ||
					fail "failed load left state in $n"
			fi
		done
	fi
done
echo "insmod: $loaded loaded, $refused refused"
[ "$refused" -gt 0 ] || fail "fault injection never made insmod fail"
[ "$loaded" -gt 0 ] || fail "insmod never succeeded"
[ "$(warnings)" -gt "$w0" ] || fail "no load failure reached sunrpc_ns's pernet init"
echo PASS
