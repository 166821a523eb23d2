#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for `make run`: load sunrpc_ns and show that every
# network namespace sees its own state in /proc/net/sunrpc_ns/state.
set -u
insmod "$NSMODS_FARM/sunrpc_ns/sunrpc_ns.ko" || exit 1
echo "== init_net: $(readlink /proc/self/ns/net)"
cat /proc/net/sunrpc_ns/state
echo "== a new network namespace (unshare -n):"
unshare -n sh -c 'readlink /proc/self/ns/net; cat /proc/net/sunrpc_ns/state'
echo "== a named one (ip netns add demo):"
ip netns add demo
ip netns exec demo sh -c 'readlink /proc/self/ns/net; cat /proc/net/sunrpc_ns/state'
ip netns del demo
rmmod sunrpc_ns
echo "== after rmmod: $(ls /proc/net/sunrpc_ns 2>&1)"
