#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: nsfs
# nsmods-seconds: 60
#
# The get path of nsmods_nsfs at scale (issue 13 section 3): nsfs_test
# scale holds 10, 1000 and 10000 uts namespaces open through the module
# and times a fast path get at each size; the time must stay flat.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/nsfs/nsmods_nsfs.ko
prog=$TESTBIN/nsfs_test
dbg=/sys/kernel/debug/nsmods_nsfs

cleanup() { unload_loaded nsmods_nsfs; }
trap cleanup EXIT

need_exec "$prog"
load_ko_fresh "$ko"
# Room for the namespaces whatever the guest's memory made the default.
f=/proc/sys/user/max_uts_namespaces
[ "$(cat "$f")" -ge 10100 ] || echo 10100 >"$f" || die "cannot raise $f"

run_case scale "$prog" scale
grep -qx 'records 0' "$dbg/stats" || wait_for 10 grep -qx 'records 0' "$dbg/stats" ||
	fail "records left: $(tr '\n' ' ' <"$dbg/stats")"
wait_for 10 rmmod nsmods_nsfs 2>/dev/null || fail "rmmod nsmods_nsfs"
end_test
