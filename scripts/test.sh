#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh: every check and test of the module set, from a fresh Debian 12
# machine.  Installs what it needs (apt), prepares the kernels (cached),
# builds the modules, then runs
#   - the static checks (scripts/checks.sh),
#   - the KUnit suites built into UML with kunit.py,
#   - in the x86_64 debug guest: the *_kunit.ko modules and tests/*.sh,
#   - a scan of both kernels' logs for any Oops/BUG/WARNING/KASAN/UBSAN/
#     lockdep/kmemleak report,
# and ends with one line "N passed, N failed".  Exits non-zero on failure.
# Logs of the last run are kept in $NSMODS_CACHE/last-run/.
#
# test.sh --only MOD (make test ONLY=MOD; MOD one of sunrpc_ns, pipefs,
# mqueue_ns, nsfs) is the one-module loop: the build, the static checks on
# MOD's files, MOD's KUnit suites on UML and in the guest, and the in-VM
# tests whose "# nsmods-modules:" line names MOD (in two guests when
# there are several).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

only=
case "${1:-}" in
--only)
	only=${2:-}
	case "$only" in
	sunrpc_ns | pipefs | mqueue_ns | nsfs) ;;
	*) die "usage: test.sh [--only sunrpc_ns|pipefs|mqueue_ns|nsfs]" ;;
	esac
	;;
"") ;;
*) die "usage: test.sh [--only sunrpc_ns|pipefs|mqueue_ns|nsfs]" ;;
esac
export NSMODS_ONLY=$only

mkdir -p "$NSMODS_CACHE"
# One run at a time: runs share last-run/ and the guest's output share.
exec 8>"$NSMODS_CACHE/test.lock"
flock 8
run=$NSMODS_CACHE/last-run
rm -rf "$run"
mkdir -p "$run"
results=$run/results
: >"$results"
t0=$(date +%s)

record() { tee -a "$results"; }
step() { log "$* ($(($(date +%s) - t0)) s)"; }

# Kernel reports that fail a run wherever they appear in a kernel log.
scan_log() {
	local name=$1; shift
	if grep -a -E -h -B2 -A20 \
		-e 'BUG:|Oops|WARNING:|KASAN|UBSAN|general protection|Kernel panic' \
		-e 'possible (recursive|circular) locking|inconsistent lock state' \
		-e 'suspicious RCU usage|unreferenced object|ODEBUG|leaked [0-9]+ ref' \
		-e 'INFO: task .* blocked|rcu_sched self-detected|list_(add|del) corruption' \
		-e 'kmemleak: (Cannot|Kernel memory leak detector disabled)' \
		"$@" >"$run/$name.reports" 2>/dev/null; then
		echo "not ok $name" | record
		head -n 80 "$run/$name.reports" | sed 's/^/    /'
	else
		echo "ok $name" | record
	fi
}

step "installing packages"
nsmods_need_pkgs
step "preparing kernels"
kdir=$("$NSMODS_ROOT/scripts/prepare-kernel.sh" all | tail -n1) ||
	die "kernel preparation failed"
step "building modules"
if farm=$("$NSMODS_ROOT/scripts/build-modules.sh" "$kdir" | tail -n1); then
	echo "ok build-modules" | record
else
	echo "not ok build-modules" | record
fi

step "static checks"
"$NSMODS_ROOT/scripts/checks.sh" "$kdir" "$farm" $only | record

step "KUnit on UML (kunit.py)"
"$NSMODS_ROOT/scripts/kunit.sh" "$run/kunit-uml.json" ${only:+"nsmods_$only*"} \
	>"$run/kunit-uml.log" 2>&1 ||
	tail -n 40 "$run/kunit-uml.log"
python3 "$NSMODS_ROOT/scripts/kunit_results.py" uml "$run/kunit-uml.json" | record
scan_log uml-kernel-log "$(nsmods_kunit_builddir)/test.log"

step "x86_64 debug guest (qemu TCG)"
# Rebuild the modules: checks.sh left W=1/C=2 builds behind.
"$NSMODS_ROOT/scripts/build-modules.sh" "$kdir" >/dev/null
vmout=$run/vm
# Two guests share the jobs (both cores); one module's loop with a single
# in-VM test needs only one.
guests=2
if [ -n "$only" ] && [ "$(grep -l -E "^# nsmods-modules:.* $only( |\$)" \
	"$NSMODS_ROOT"/tests/*.sh | wc -l)" -le 1 ]; then
	guests=1
fi
NSMODS_GUESTS=$guests "$NSMODS_ROOT/scripts/vm.sh" test "$vmout"
vm_ok=1
for g in $(seq 1 "$guests"); do
	[ -f "$vmout/done-$g" ] && continue
	vm_ok=0
	# Why: the guest's own output (guest-run.sh), then its console.
	echo "--- guest $g did not finish; its guest-run output:"
	tail -n 30 "$vmout/guest-$g.log" 2>/dev/null | sed 's/^/    /'
	echo "--- guest $g console:"
	tail -n 60 "$vmout/console-$g.log" | sed 's/^/    /'
done
if [ "$vm_ok" = 1 ]; then
	echo "ok vm-completed" | record
else
	echo "not ok vm-completed" | record
fi
for k in "$vmout"/ktap-*.log; do
	[ -e "$k" ] || continue
	name=$(basename "$k" .log)
	name=${name#ktap-}
	(cd "$(nsmods_srcdir)" && python3 tools/testing/kunit/kunit.py parse \
		--json="$run/$name.json" "$k") >"$run/$name.parse" 2>&1
	python3 "$NSMODS_ROOT/scripts/kunit_results.py" "x86_64:$name" "$run/$name.json" | record
done
cat "$vmout"/results-* 2>/dev/null | sed 's/^\(\(not \)\?ok\) /\1 vm:/' | record
for f in "$vmout"/test-*.log; do
	[ -e "$f" ] || continue
	grep -qx "not ok $(basename "$f" .log | sed 's/^test-//')" "$vmout"/results-* &&
		{ echo "--- $(basename "$f")"; tail -n 30 "$f"; }
done
for f in "$vmout"/left-loaded-*; do
	[ -s "$f" ] && { echo "--- left loaded ($f)"; sed 's/^/    /' "$f"; }
done
grep -q 'kmemleak not available' "$vmout"/kmemleak-* 2>/dev/null &&
	echo "not ok x86_64-kmemleak-available" | record
[ -e "$vmout/times-1" ] && log "guest test times (s): $(sort -k2 -rn "$vmout"/times-* | tr '\n' ' ')"
scan_log x86_64-kernel-log "$vmout"/console-*.log "$vmout"/dmesg-* "$vmout"/kmemleak-*

passed=$(grep -c '^ok ' "$results")
failed=$(grep -c '^not ok ' "$results")
skipped=$(grep -c '^skip ' "$results")
step "done; logs in $run"
# A skipped test is not a passed one: it fails the run too.
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$passed" -gt 0 ]
