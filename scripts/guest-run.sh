#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs in an x86_64 guest (from guest-init.sh) for `make test`.  Several
# guests may share one output directory (/tmp/out, the host's OUTDIR) and
# one list of jobs; each job is run by the first guest that claims it
# (mkdir of $OUT/claim/JOB, atomic on the host).  The jobs:
#  - every *_kunit.ko, after the modules it depends on, with the kernel
#    log of its run saved as ktap-NAME.log for kunit.py parse;
#  - every tests/*.sh, each a test: "ok NAME" or "not ok NAME" goes to
#    results-G (G: this guest's number), its output to test-NAME.log.
# With NSMODS_ONLY=MOD only the jobs of that module run: MOD's KUnit module
# and the tests whose "# nsmods-modules:" header line names MOD.  With
# NSMODS_TEST=NAME[,NAME...] only those tests/NAME.sh run, no KUnit module.
# A test whose "# nsmods-kernel:" header names one kind of kernel (debug:
# the project's debug kernel; stock: a distribution's) runs only on that
# kind (NSMODS_KERNEL); elsewhere it is named in the log, not run, not
# counted.
# Then, per guest: nothing of ours left loaded, a kmemleak scan, the whole
# kernel log to dmesg-G, and done-G.
set -u
OUT=/tmp/out
G=${NSMODS_GUEST:-1}
ONLY=${NSMODS_ONLY:-}
TESTS=${NSMODS_TEST:-}
export NSMODS_ROOT NSMODS_FARM
export TESTBIN=$NSMODS_FARM/tests/bin
RESULTS=$OUT/results-$G
: >"$RESULTS"
mkdir -p "$OUT/claim"

say() { echo "guest-run[$G]: $*" >/dev/console; }

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

# The value of header line "# nsmods-KEY: VALUE" of test script $2.
header() { sed -n "s/^# nsmods-$1: //p" "$2" | head -n1; }

# A KUnit module, with two extra namespaces so that registration-time
# pernet cases see more than init_net.
run_kunit() {
	local k=$1 name deps before d
	name=$(basename "$k" .ko)
	deps=$(modinfo -F depends "$k" | tr ',' ' ')
	say "kunit $name (needs: ${deps:-nothing})"
	ip netns add kunit1
	ip netns add kunit2
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
	ip netns del kunit1
	ip netns del kunit2
}

run_test() {
	local t=$1 name t0
	name=$(basename "$t" .sh)
	say "test $name"
	t0=$(date +%s)
	# TCG with KASAN forks slowly: sunrpc_rpc.sh alone takes minutes, and
	# two guests share the host's cores.
	if timeout 900 bash "$t" >"$OUT/test-$name.log" 2>&1; then
		echo "ok $name" >>"$RESULTS"
	else
		echo "not ok $name" >>"$RESULTS"
		say "FAILED $name"
	fi
	echo "$name $(($(date +%s) - t0))" >>"$OUT/times-$G"
}

# The jobs, longest first (the "# nsmods-seconds:" estimate), so that two
# guests end close together; the KUnit modules last (seconds each).
jobs=()
while read -r _ t; do
	jobs+=("$t")
done < <(for t in "$NSMODS_ROOT"/tests/*.sh; do
	if [ -n "$ONLY" ]; then
		case " $(header modules "$t") " in *" $ONLY "*) ;; *) continue ;; esac
	fi
	if [ -n "$TESTS" ]; then
		case ",$TESTS," in *",$(basename "$t" .sh),"*) ;; *) continue ;; esac
	fi
	k=$(header kernel "$t")
	if [ -n "$k" ] && [ "$k" != "${NSMODS_KERNEL:-debug}" ]; then
		say "$(basename "$t" .sh) needs the $k kernel: not run on this one" >&2
		continue
	fi
	echo "$(header seconds "$t") $t"
done | sort -rn)
for k in $(find "$NSMODS_FARM" -name '*_kunit.ko' | sort); do
	[ -z "$ONLY" ] || [ "$(basename "$k")" = "${ONLY}_kunit.ko" ] || continue
	[ -z "$TESTS" ] || continue
	jobs+=("$k")
done

for j in "${jobs[@]}"; do
	mkdir "$OUT/claim/$(basename "$j")" 2>/dev/null || continue
	case "$j" in
	*.ko) run_kunit "$j" ;;
	*) run_test "$j" ;;
	esac
done

# Nothing of ours may stay loaded.
ours=$(find "$NSMODS_FARM" -name '*.ko' -printf '%f\n' | sed 's/\.ko$//' | tr - _)
if grep -wF "$ours" /proc/modules >"$OUT/left-loaded-$G"; then
	echo "not ok modules-unloaded-g$G" >>"$RESULTS"
else
	echo "ok modules-unloaded-g$G" >>"$RESULTS"
fi

# kmemleak reports objects unreferenced in two scans and older than 5 s.
if [ -w /sys/kernel/debug/kmemleak ]; then
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$OUT/kmemleak-$G"
else
	echo "kmemleak not available" >"$OUT/kmemleak-$G"
fi
dmesg >"$OUT/dmesg-$G"
echo done >"$OUT/done-$G"
