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

# The results of a guest stage: PREFIX (x86_64 or stock), OUTDIR, the
# number of guests; its lines are "ok PREFIX-vm-completed", the KUnit
# suites and "ok vm:TEST" (the debug kernel; "ok stock:TEST" on the stock
# kernel).
guest_results() {
	local pfx=$1 vmout=$2 guests=$3 vm_ok=1 g k name f tag
	tag=${pfx:-vm}
	for g in $(seq 1 "$guests"); do
		[ -f "$vmout/done-$g" ] && continue
		vm_ok=0
		echo "--- ${pfx:-x86_64} guest $g did not finish; its guest-run output:"
		tail -n 30 "$vmout/guest-$g.log" 2>/dev/null | sed 's/^/    /'
		echo "--- guest $g console:"
		tail -n 60 "$vmout/console-$g.log" | sed 's/^/    /'
	done
	if [ "$vm_ok" = 1 ]; then
		echo "ok ${pfx:+$pfx-}vm-completed" | record
	else
		echo "not ok ${pfx:+$pfx-}vm-completed" | record
	fi
	for k in "$vmout"/ktap-*.log; do
		[ -e "$k" ] || continue
		name=$(basename "$k" .log)
		name=${name#ktap-}
		(cd "$(nsmods_srcdir)" && python3 tools/testing/kunit/kunit.py parse \
			--json="$run/$name.json" "$k") >"$run/$name.parse" 2>&1
		python3 "$NSMODS_ROOT/scripts/kunit_results.py" "x86_64:$name" "$run/$name.json" | record
	done
	cat "$vmout"/results-* 2>/dev/null | sed "s/^\(\(not \)\?ok\) /\1 $tag:/" | record
	for f in "$vmout"/test-*.log; do
		[ -e "$f" ] || continue
		grep -qx "not ok $(basename "$f" .log | sed 's/^test-//')" "$vmout"/results-* &&
			{ echo "--- ${pfx:+$pfx }$(basename "$f")"; tail -n 30 "$f"; }
	done
	for f in "$vmout"/left-loaded-*; do
		[ -s "$f" ] && { echo "--- left loaded ($f)"; sed 's/^/    /' "$f"; }
	done
	[ -e "$vmout/times-1" ] &&
		log "${pfx:-x86_64} guest test times (s): $(sort -k2 -rn "$vmout"/times-* | tr '\n' ' ')"
	return 0
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

# Debian's own 6.12 kernel (issue 14): the modules built against its headers
# for the in-VM tests that need no debug option, and through DKMS, installed
# on this machine for that kernel for the guest's modprobe (tests/
# stock_dkms.sh) and removed after.  Not in one module's loop
# (Documentation/harness.rst).  The builds (stock_prepare) run while the
# debug guests do, whose tests mostly wait; the stock guests after them.
stock_copy=/tmp/nsmods-stock-checkout
stock_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$NSMODS_ROOT/dkms.conf")
stock_prepare() {
	local rel src=/usr/src/nsmods-$stock_ver
	rel=$(nsmods_stock_release)
	# This stage runs from a copy of the checkout under /tmp, which the
	# guest's own tmpfs covers: proof that a checkout there works.
	rm -rf "$stock_copy"
	mkdir -p "$stock_copy"
	if git -C "$NSMODS_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$NSMODS_ROOT" && git ls-files -z | xargs -0 cp --parents -t "$stock_copy")
	else
		(cd "$NSMODS_ROOT" && tar cf - --exclude=.git . | tar xf - -C "$stock_copy")
	fi
	dkms remove "nsmods/$stock_ver" --all >/dev/null 2>&1
	rm -rf "$src"
	cp -a "$stock_copy" "$src"
	# DKMS's make finds gcc on PATH: ccache's, so that a second run is quick.
	if { dkms add "nsmods/$stock_ver" &&
		PATH=/usr/lib/ccache:$PATH dkms build -k "$rel" "nsmods/$stock_ver" &&
		dkms install -k "$rel" "nsmods/$stock_ver"; } >"$run/dkms.log" 2>&1; then
		echo "ok stock-dkms-install"
	else
		echo "not ok stock-dkms-install"
		tail -n 30 "$run/dkms.log" | sed 's/^/    /'
		find /var/lib/dkms/nsmods -name make.log -exec tail -n 30 {} \; 2>/dev/null
	fi
	"$stock_copy/scripts/build-modules.sh" "/usr/src/linux-headers-$rel" >/dev/null 2>&1
}
stock_run() {
	local out=$run/stock
	NSMODS_GUESTS=2 "$stock_copy/scripts/vm.sh" --stock test "$out"
	guest_results stock "$out" 2
	scan_log stock-kernel-log "$out"/console-*.log "$out"/dmesg-*
	dkms remove "nsmods/$stock_ver" --all >>"$run/dkms.log" 2>&1
	rm -rf "/usr/src/nsmods-$stock_ver" "$stock_copy"
}
[ -z "$only" ] && stock_prepare >"$run/stock-prepare.out" 2>&1 &
stock_pid=$!

step "x86_64 debug guest (qemu TCG)"
# Rebuild the modules: checks.sh left W=1/C=2 builds behind.
"$NSMODS_ROOT/scripts/build-modules.sh" "$kdir" >/dev/null
vmout=$run/vm
# Two guests share the jobs (both cores); one module's loop with a single
# in-VM test needs only one.
guests=2
if [ -n "$only" ] && [ "$(grep -L '^# nsmods-kernel: stock' "$NSMODS_ROOT"/tests/*.sh |
	xargs grep -l -E "^# nsmods-modules:.* $only( |\$)" | wc -l)" -le 1 ]; then
	guests=1
fi
NSMODS_GUESTS=$guests "$NSMODS_ROOT/scripts/vm.sh" test "$vmout"
guest_results "" "$vmout" "$guests"
grep -q 'kmemleak not available' "$vmout"/kmemleak-* 2>/dev/null &&
	echo "not ok x86_64-kmemleak-available" | record
scan_log x86_64-kernel-log "$vmout"/console-*.log "$vmout"/dmesg-* "$vmout"/kmemleak-*

if [ -z "$only" ]; then
	step "Debian's stock kernel $(nsmods_stock_release) (qemu TCG)"
	wait "$stock_pid"
	grep '^\(not \)\?ok ' "$run/stock-prepare.out" | record
	grep -v '^\(not \)\?ok ' "$run/stock-prepare.out"
	stock_run
fi


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
