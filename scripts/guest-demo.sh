#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest for `make run`: load the four modules by their names
# (unless the kernel has them built in, as the UML KUnit kernel does), show
# them and their devices, then each at work: two network namespaces with
# their own rpc_pipefs superblock and sunrpc_ns state, a queue seen in one
# ipc namespace only, namespace descriptors from the nsfs device; unload.
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
# Our rpc_pipefs's name: rpc_pipefs where the kernel has none of its own.
pipefs=$(cat /sys/module/nsmods_pipefs/parameters/fsname)
echo "== rpc_pipefs (as \"$pipefs\") and sunrpc_ns: two network namespaces"
mkdir -p /tmp/demo
for n in demoA demoB; do
	ip netns add "$n"
	# shellcheck disable=SC2016
	ip netns exec "$n" sh -c '
		echo "-- $1: $(readlink /proc/self/ns/net)"
		mkdir -p /tmp/demo/$1
		mount -t "$2" "$2" /tmp/demo/$1
		echo "   its own superblock: device $(stat -c %D /tmp/demo/$1), top: $(ls /tmp/demo/$1 | tr "\n" " ")"
		echo "   /proc/net/sunrpc_ns/state:"
		sed "s/^/     /" /proc/net/sunrpc_ns/state
		ip link set lo up
		echo "   a client made here (rpcns info), in this netns:"
		"$3/rpcns" -s 127.0.0.1 info 2>&1 | grep -E "^(net_inum|nodename|proto) " | sed "s/^/     /"
		umount /tmp/demo/$1' sh "$n" "$pipefs" "$NSMODS_FARM/tools/bin"
	ip netns del "$n"
done
echo "== mqueue_ns: a queue in one ipc namespace, absent from another"
# shellcheck disable=SC2016
unshare -i -m sh -c '
	mkdir -p /tmp/demo/mqA && mount -t mqueue_ns none /tmp/demo/mqA
	: >/tmp/demo/mqA/demo_q
	echo "-- ipc $(readlink /proc/self/ns/ipc): $(ls /tmp/demo/mqA)"
	echo "   $(cat /tmp/demo/mqA/demo_q)"'
# shellcheck disable=SC2016
unshare -i -m sh -c '
	mkdir -p /tmp/demo/mqB && mount -t mqueue_ns none /tmp/demo/mqB
	echo "-- ipc $(readlink /proc/self/ns/ipc): [$(ls /tmp/demo/mqB)] (empty)"'
if [ -x "$NSMODS_FARM/tools/bin/nsmods-nsfs" ]; then
	echo "== nsfs: a namespace descriptor from /dev/nsmods_nsfs"
	"$NSMODS_FARM/tools/bin/nsmods-nsfs" list 2>&1 | head -n 12
fi
if grep -q '^nsmods_sunrpc_ns ' /proc/modules; then
	for m in nsmods_nsfs nsmods_mqueue_ns nsmods_sunrpc_ns nsmods_pipefs; do
		rmmod "$m"
	done
	echo "== after rmmod: $(grep -c '^nsmods_' /proc/modules) modules of ours;" \
		"/proc/net/sunrpc_ns: $(ls /proc/net/sunrpc_ns 2>&1)"
fi
