#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for `make run`: load the four modules by their names
# (unless the kernel has them built in, as the UML KUnit kernel does), show
# them and their devices, show that every network namespace sees its own
# state in /proc/net/sunrpc_ns/state, and unload them.
set -u
mods="nsmods_pipefs nsmods_sunrpc_ns nsmods_mqueue_ns nsmods_nsfs"
if [ ! -e /proc/net/sunrpc_ns ]; then
	# nsmods_pipefs first: nsmods_sunrpc_ns needs its symbols.
	for m in $mods; do
		insmod "$(find "$NSMODS_FARM" -name "$m.ko" | head -n1)" || exit 1
	done
	echo "== loaded:"
	grep '^nsmods_' /proc/modules | cut -d' ' -f1-3
fi
echo "== devices:"
ls -l /dev/nsmods_* 2>&1
echo "== init_net: $(readlink /proc/self/ns/net)"
cat /proc/net/sunrpc_ns/state
echo "== a new network namespace (unshare -n):"
unshare -n sh -c 'readlink /proc/self/ns/net; cat /proc/net/sunrpc_ns/state'
echo "== a named one (ip netns add demo):"
ip netns add demo
ip netns exec demo sh -c 'readlink /proc/self/ns/net; cat /proc/net/sunrpc_ns/state'
ip netns del demo
if grep -q '^nsmods_sunrpc_ns ' /proc/modules; then
	for m in nsmods_nsfs nsmods_mqueue_ns nsmods_sunrpc_ns nsmods_pipefs; do
		rmmod "$m"
	done
	echo "== after rmmod: $(grep -c '^nsmods_' /proc/modules) modules of ours;" \
		"/proc/net/sunrpc_ns: $(ls /proc/net/sunrpc_ns 2>&1)"
fi
