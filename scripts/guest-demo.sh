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
echo "== rpc_pipefs (as \"$pipefs\") and sunrpc_ns: two network namespaces, both alive"
mkdir -p /tmp/demo
# Both namespaces and both mounts exist at once, so that their inode numbers
# and superblock devices cannot be the same numbers reused.
for n in demoA demoB; do
	ip netns add "$n"
	mkdir -p "/tmp/demo/$n"
	ip netns exec "$n" ip link set lo up
done
for n in demoA demoB; do
	# Mounted from the netns (its superblock is that netns's) but in our
	# mount namespace, so that it stays until the end; ip netns exec would
	# give the mount a namespace of its own that ends with the command.
	nsenter --net="/run/netns/$n" mount -t "$pipefs" "$pipefs" "/tmp/demo/$n"
done
for n in demoA demoB; do
	# shellcheck disable=SC2016
	ip netns exec "$n" sh -c '
		echo "-- $1: $(readlink /proc/self/ns/net)"
		echo "   its own superblock: device $(stat -c %D /tmp/demo/$1), top: $(ls /tmp/demo/$1 | tr "\n" " ")"
		echo "   /proc/net/sunrpc_ns/state:"
		sed "s/^/     /" /proc/net/sunrpc_ns/state
		echo "   a client made here (rpcns -p 2049 info: no call made), in this netns:"
		"$3/rpcns" -s 127.0.0.1 -p 2049 info 2>&1 | grep -E "^(net_inum|nodename|proto|error) |^rpcns:" | sed "s/^/     /"' \
		sh "$n" "$pipefs" "$NSMODS_FARM/tools/bin"
done
echo "-- both mounted at once: $(stat -c '%n device %D' /tmp/demo/demoA /tmp/demo/demoB | tr '\n' ' ')"
for n in demoA demoB; do
	umount "/tmp/demo/$n"
	ip netns del "$n"
done
echo "== mqueue_ns: a queue in one ipc namespace, absent from another (both alive)"
mkdir -p /tmp/demo/mqA /tmp/demo/mqB
# shellcheck disable=SC2016
unshare -i -m sh -c '
	mount -t mqueue_ns none /tmp/demo/mqA
	: >/tmp/demo/mqA/demo_q
	echo "-- ipc $(readlink /proc/self/ns/ipc): $(ls /tmp/demo/mqA)"
	echo "   $(cat /tmp/demo/mqA/demo_q)"
	# Hold this namespace while the second one is shown.
	unshare -i -m sh -c "
		mount -t mqueue_ns none /tmp/demo/mqB
		echo \"-- ipc \$(readlink /proc/self/ns/ipc): [\$(ls /tmp/demo/mqB)] (empty)\""'
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
