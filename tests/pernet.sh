#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns
# nsmods-seconds: 30
#
# In-VM test of sunrpc_ns's pernet state, done as a user would: insmod,
# unshare -n, read /proc/net/sunrpc_ns/state in several namespaces, rmmod.
set -eu
ko=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko	# sunrpc_ns needs its symbols

fail() { echo "FAIL: $*"; exit 1; }
field() { sed -n "s/^$1: //p"; }
inum() { stat -L -c %i "$1"; }

# A namespace that exists before the module loads must get state too.
ip netns add pre
cleanup() {
	ip netns del pre 2>/dev/null
	grep -q '^nsmods_sunrpc_ns ' /proc/modules && rmmod nsmods_sunrpc_ns
	grep -q '^nsmods_pipefs ' /proc/modules && rmmod nsmods_pipefs
	return 0
}
trap cleanup EXIT

insmod "$pko"
insmod "$ko"
[ -r /proc/net/sunrpc_ns/state ] || fail "no /proc/net/sunrpc_ns/state"
a=$(cat /proc/net/sunrpc_ns/state)
echo "init_net: $a"
[ "$(echo "$a" | field netns)" = "$(inum /proc/self/ns/net)" ] ||
	fail "init_net's file shows another netns"

# A netns made after the load: its own state, distinct from init_net's.
b=$(unshare -n sh -c 'echo "inum: $(stat -L -c %i /proc/self/ns/net)";
	cat /proc/net/sunrpc_ns/state')
echo "new netns: $b"
[ "$(echo "$b" | field netns)" = "$(echo "$b" | field inum)" ] ||
	fail "new netns's file shows another netns"
[ "$(echo "$b" | field netns)" != "$(echo "$a" | field netns)" ] ||
	fail "new netns sees init_net's state"
[ "$(echo "$b" | field instance)" != "$(echo "$a" | field instance)" ] ||
	fail "new netns shares init_net's state instance"

# The namespace that predates the load.
c=$(ip netns exec pre cat /proc/net/sunrpc_ns/state)
echo "pre netns: $c"
[ "$(echo "$c" | field netns)" = "$(inum /run/netns/pre)" ] ||
	fail "pre-existing netns has no state of its own"

# /proc/PID/net is the file of PID's netns, whoever reads it.
unshare -n sleep 60 &
pid=$!
sleep 0.5
d=$(cat "/proc/$pid/net/sunrpc_ns/state")
[ "$(echo "$d" | field netns)" = "$(inum "/proc/$pid/ns/net")" ] ||
	fail "/proc/$pid/net shows the reader's netns"
kill "$pid"
wait "$pid" 2>/dev/null || true

rmmod nsmods_sunrpc_ns
[ ! -e /proc/net/sunrpc_ns ] || fail "/proc/net/sunrpc_ns left after rmmod"
ip netns exec pre sh -c '[ ! -e /proc/net/sunrpc_ns ]' ||
	fail "/proc/net/sunrpc_ns left in a netns after rmmod"
rmmod nsmods_pipefs
echo "PASS"
