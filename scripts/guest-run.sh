#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the x86_64 guest (from guest-init.sh) for `make test`:
#  1. every *_kunit.ko, after the modules it depends on, with the kernel
#     log of its run saved as /tmp/out/ktap-NAME.log for kunit.py parse;
#  2. every tests/*.sh, each a test: "ok NAME" or "not ok NAME" is
#     appended to /tmp/out/results, its output to /tmp/out/test-NAME.log;
#  3. a kmemleak scan, then the whole kernel log to /tmp/out/dmesg.
set -u
OUT=/tmp/out
export NSMODS_ROOT NSMODS_FARM
export TESTBIN=$NSMODS_FARM/tests/bin
: >"$OUT/results"

say() { echo "guest-run: $*" >/dev/console; }

modpath() { find "$NSMODS_FARM" -name "$1.ko" | head -n1; }

# Load module $1 of the farm after what it depends on (depth first), once;
# each one loaded goes to the front of "loaded" (the unload order).
load_with_deps() {
	local m=$1 d
	case " ${loaded[*]} " in *" $m "*) return 0 ;; esac
	for d in $(modinfo -F depends "$(modpath "$m")" | tr ',' ' '); do
		case "$d" in kunit) continue ;; esac
		load_with_deps "$d"
	done
	insmod "$(modpath "$m")" && loaded=("$m" "${loaded[@]}")
}

# KUnit modules, with two extra namespaces so that registration-time
# pernet cases see more than init_net.
ip netns add kunit1
ip netns add kunit2
for k in $(find "$NSMODS_FARM" -name '*_kunit.ko' | sort); do
	name=$(basename "$k" .ko)
	deps=$(modinfo -F depends "$k" | tr ',' ' ')
	say "kunit $name (needs: ${deps:-nothing})"
	before=$(dmesg | wc -l)
	loaded=()
	for d in $deps; do
		case "$d" in kunit) continue ;; esac
		load_with_deps "$d"
	done
	insmod "$k" || say "insmod $name failed"
	dmesg | tail -n +"$((before + 1))" >"$OUT/ktap-$name.log"
	rmmod "$name"
	for d in "${loaded[@]}"; do
		rmmod "$d"
	done
done
ip netns del kunit1
ip netns del kunit2

for t in "$NSMODS_ROOT"/tests/*.sh; do
	name=$(basename "$t" .sh)
	say "test $name"
	# TCG with KASAN forks slowly: sunrpc_rpc.sh alone takes minutes.
	if timeout 600 bash "$t" >"$OUT/test-$name.log" 2>&1; then
		echo "ok $name" >>"$OUT/results"
	else
		echo "not ok $name" >>"$OUT/results"
		say "FAILED $name"
	fi
done

# Nothing of ours may stay loaded.
ours=$(find "$NSMODS_FARM" -name '*.ko' -printf '%f\n' | sed 's/\.ko$//' | tr - _)
if grep -wF "$ours" /proc/modules >"$OUT/left-loaded"; then
	echo "not ok modules-unloaded" >>"$OUT/results"
else
	echo "ok modules-unloaded" >>"$OUT/results"
fi

# kmemleak reports objects unreferenced in two scans and older than 5 s.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$OUT/kmemleak"
else
	echo "kmemleak not available" >"$OUT/kmemleak"
fi
dmesg >"$OUT/dmesg"
echo done >"$OUT/done"
