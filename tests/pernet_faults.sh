#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns
# nsmods-seconds: 120
# nsmods-kernel: debug
#
# sunrpc_ns's error unwinding under slab fault injection.  failslab is
# narrowed twice: to the proc_dir_entry cache (all our pernet init
# allocates from it, and nothing of kmemleak's or the debug code's, whose
# own allocation failures would switch those checkers off), and by its stack
# filter to module code.  /proc/self/fail-nth then makes the Nth such
# allocation fail, for N = 1, 2, ... until the operation succeeds, for
#   1. creating a network namespace (unshare -n) with the module loaded:
#      three failure points (the directory, the state and clients files);
#   2. loading the module while two more namespaces exist: three for each
#      of the three namespaces.
# Each failed attempt must fail with nothing half made, our pernet init
# must log its ratelimited warning, and the module's exit (which warns if
# an init was not matched by an exit) and the run's kmemleak scan must stay
# quiet.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko	# sunrpc_ns needs its symbols
fs=/sys/kernel/debug/failslab
cache=/sys/kernel/slab/proc_dir_entry/failslab

[ -e "$fs/require-start" ] || die "the debug kernel lacks failslab's stack filter"
[ -w "$cache" ] || die "no $cache"

cleanup() {
	set +e
	echo 0 >"$cache"
	echo N >"$fs/cache-filter"
	echo 0 >"$fs/require-start"
	echo 0 >"$fs/require-end"
	del_netns f1 f2
	unload_loaded nsmods_sunrpc_ns nsmods_pipefs
}
trap cleanup EXIT

echo N >"$fs/ignore-gfp-wait"
echo 0 >"$fs/verbose"
echo 32 >"$fs/stacktrace-depth"
echo 1 >"$cache"
echo Y >"$fs/cache-filter"

# Aim failslab at module code: x86_64's module area (no KASLR in the test
# kernel), where sunrpc_ns is the only module loaded while this runs.  An
# allocation fails only if module code is on the stack, wherever a
# reload places the module.  nsmods_pipefs (loaded too: sunrpc_ns needs
# it) allocates nothing from the proc_dir_entry cache.
mod_lo=0xffffffffa0000000
mod_hi=0xffffffffff000000
aim() {
	local a
	a=$(awk '$3 == "sns_net_init" { print $1; exit }' /proc/kallsyms)
	[ -n "$a" ] || die "sns_net_init not in /proc/kallsyms"
	[ $((0x$a)) -ge $((mod_lo)) ] && [ $((0x$a)) -lt $((mod_hi)) ] ||
		die "sunrpc_ns at 0x$a, outside the module area"
	echo "$mod_lo" >"$fs/require-start"
	echo "$mod_hi" >"$fs/require-end"
}

# Run "$@" with the $1-th allocation under sunrpc_ns's code failing.
nth() {
	local n=$1; shift
	sh -c 'echo "$0" >/proc/self/fail-nth && exec "$@"' "$n" "$@"
}

# Print the first N for which "$@" succeeds with its Nth allocation failing,
# at most LIMIT; after each failure, run CHECK N (if CHECK is not empty).
first_ok() {
	local limit=$1 check=$2 n=1
	shift 2
	while ! nth "$n" "$@" 2>/dev/null; do
		[ -z "$check" ] || "$check" "$n"
		[ "$n" -lt "$limit" ] || die "$* still fails at fail-nth $n"
		n=$((n + 1))
	done
	echo "$n"
}

warnings() { dmesg | grep -c 'sunrpc_ns: netns .*cannot create' || true; }

# 1. Namespace creation.
load_ko "$pko"
load_ko "$ko"
aim
w0=$(warnings)
n=$(first_ok 20 "" unshare -n true)
echo "unshare -n: failed for fail-nth 1..$((n - 1)), succeeded at $n"
[ "$n" -eq 4 ] || die "expected failures at the directory and the two files only"
[ "$(warnings)" -eq $((w0 + 3)) ] || die "pernet init failures not all logged"
[ -r /proc/net/sunrpc_ns/state ] || die "init_net lost its state"
unshare -n cat /proc/net/sunrpc_ns/state >/dev/null ||
	die "a netns made after the faults has no state"
rmmod nsmods_sunrpc_ns

# 2. Module load with three namespaces to initialise.
no_state_left() {
	local ns
	[ ! -e /proc/net/sunrpc_ns ] || die "failed load (fail-nth $1) left init_net state"
	for ns in f1 f2; do
		ip netns exec "$ns" sh -c '[ ! -e /proc/net/sunrpc_ns ]' ||
			die "failed load (fail-nth $1) left state in $ns"
	done
}
ip netns add f1
ip netns add f2
w0=$(warnings)
n=$(first_ok 30 no_state_left insmod "$ko")
echo "insmod: refused for fail-nth 1..$((n - 1)), loaded at $n"
[ "$n" -eq 10 ] || die "expected three failure points in each of three namespaces"
[ "$(warnings)" -eq $((w0 + 9)) ] || die "load failures not all logged by pernet init"
for ns in f1 f2; do
	ip netns exec "$ns" cat /proc/net/sunrpc_ns/state >/dev/null ||
		die "$ns has no state after the successful load"
done
rmmod nsmods_sunrpc_ns
rmmod nsmods_pipefs
end_test
