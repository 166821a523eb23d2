#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for `make run`: load nsmods_pipefs and sunrpc_ns
# (unless the kernel has them built in, as the UML KUnit kernel does) and
# show that every network namespace sees its own state in
# /proc/net/sunrpc_ns/state.
set -u
if [ ! -e /proc/net/sunrpc_ns ]; then
	insmod "$NSMODS_FARM/pipefs/nsmods_pipefs.ko" &&
		insmod "$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko" || exit 1
fi
echo "== init_net: $(readlink /proc/self/ns/net)"
cat /proc/net/sunrpc_ns/state
echo "== a new network namespace (unshare -n):"
unshare -n sh -c 'readlink /proc/self/ns/net; cat /proc/net/sunrpc_ns/state'
echo "== a named one (ip netns add demo):"
ip netns add demo
ip netns exec demo sh -c 'readlink /proc/self/ns/net; cat /proc/net/sunrpc_ns/state'
ip netns del demo
if grep -q '^nsmods_sunrpc_ns ' /proc/modules; then
	rmmod nsmods_sunrpc_ns
	rmmod nsmods_pipefs
	echo "== after rmmod: $(ls /proc/net/sunrpc_ns 2>&1)"
fi
