#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: nsfs
# nsmods-seconds: 90
#
# Unloading nsmods_nsfs safely (issue 13 section 1, Documentation/nsfs.rst
# "Unload"), with tests/nsfs_test/unload.c:
#   opath  an O_PATH reopen of a namespace fd: delete_module fails at once
#          with EWOULDBLOCK (before the fix it hung, waiting for our
#          mount); after the close the module unloads;
#   race   rounds of load, open, close, unload while loops run sync(2) and
#          drop_caches, which hold temporary references on every
#          superblock; a superblock that outlives the module's memory is
#          a KASAN report or an oops, which the log scan catches.
# Every rmmod here is bounded: one that does not return is a failure.
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/nsfs/nsmods_nsfs.ko
prog=$TESTBIN/nsfs_test
pids=()

cleanup() {
	stop_pids "${pids[@]}"
	mountpoint -q /tmp/nsfs_race && umount -l /tmp/nsfs_race
	unload_loaded nsmods_nsfs
}
trap cleanup EXIT

need_exec "$prog"
load_ko_fresh "$ko"

run_case opath "$prog" opath
loaded nsmods_nsfs && fail "module loaded after the opath case"

# The race: sync and drop_caches in loops while the rounds run.
(while :; do sync; done) &
pids+=($!)
(while :; do echo 3 >/proc/sys/vm/drop_caches; done) &
pids+=($!)
NSFS_KO=$ko NSFS_RACE_SECONDS=${NSFS_RACE_SECONDS:-45} \
	run_case race timeout -k 5 120 "$prog" race
stop_pids "${pids[@]}"
pids=()
loaded nsmods_nsfs && fail "module loaded after the race case"

end_test
