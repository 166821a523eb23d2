#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns
# nsmods-seconds: 30
#
# In-VM test of sunrpc_ns's pernet state, done as a user would: insmod,
# unshare -n, read /proc/net/sunrpc_ns/state in several namespaces, rmmod.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -eu
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko	# sunrpc_ns needs its symbols

# A namespace that exists before the module loads must get state too.
ip netns add pre
cleanup() {
	del_netns pre
	unload_loaded nsmods_sunrpc_ns nsmods_pipefs
}
trap cleanup EXIT

load_ko "$pko"
load_ko "$ko"
[ -r /proc/net/sunrpc_ns/state ] || die "no /proc/net/sunrpc_ns/state"
a=$(cat /proc/net/sunrpc_ns/state)
echo "init_net: $a"
[ "$(echo "$a" | field netns)" = "$(inum /proc/self/ns/net)" ] ||
	die "init_net's file shows another netns"

# A netns made after the load: its own state, distinct from init_net's.
b=$(unshare -n sh -c 'echo "inum: $(stat -L -c %i /proc/self/ns/net)";
	cat /proc/net/sunrpc_ns/state')
echo "new netns: $b"
[ "$(echo "$b" | field netns)" = "$(echo "$b" | field inum)" ] ||
	die "new netns's file shows another netns"
[ "$(echo "$b" | field netns)" != "$(echo "$a" | field netns)" ] ||
	die "new netns sees init_net's state"
[ "$(echo "$b" | field instance)" != "$(echo "$a" | field instance)" ] ||
	die "new netns shares init_net's state instance"

# The namespace that predates the load.
c=$(ip netns exec pre cat /proc/net/sunrpc_ns/state)
echo "pre netns: $c"
[ "$(echo "$c" | field netns)" = "$(nsinum pre)" ] ||
	die "pre-existing netns has no state of its own"

# /proc/PID/net is the file of PID's netns, whoever reads it.
unshare -n sleep 60 &
pid=$!
sleep 0.5
d=$(cat "/proc/$pid/net/sunrpc_ns/state")
[ "$(echo "$d" | field netns)" = "$(inum "/proc/$pid/ns/net")" ] ||
	die "/proc/$pid/net shows the reader's netns"
kill "$pid"
wait "$pid" 2>/dev/null || true

rmmod nsmods_sunrpc_ns
[ ! -e /proc/net/sunrpc_ns ] || die "/proc/net/sunrpc_ns left after rmmod"
ip netns exec pre sh -c '[ ! -e /proc/net/sunrpc_ns ]' ||
	die "/proc/net/sunrpc_ns left in a netns after rmmod"
rmmod nsmods_pipefs
end_test
