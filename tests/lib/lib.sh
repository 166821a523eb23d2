# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the in-VM tests tests/*.sh, sourced by each of them with
#   . "$(dirname "$0")/lib/lib.sh"
# and never run.  It lives below tests/ so that scripts/guest-run.sh, which
# runs every tests/*.sh as a test, does not take it for one.
#
# Failing: a script either goes on after a failed check, with fail (or
# cfail inside a case run by run_sh), and ends with end_test, which exits 1
# if anything failed; or stops at the first, with die.  Setup that cannot
# work (a missing program, a module that will not load) always dies.
# shellcheck shell=bash

bad=0	# set by fail: a check of the test failed
cbad=0	# set by cfail: a check of the case run_sh is running failed

fail() { echo "FAIL: $*"; bad=1; }
cfail() { echo "FAIL: $*"; cbad=1; }
# To stderr, so that the message reaches the log even from inside $(...),
# whose subshell alone the exit ends (under set -e the script then ends
# too: the failed substitution fails its assignment).
die() { echo "FAIL: $*" >&2; exit 1; }

# Say PASS if no check failed; exit 0 if none did, else 1.
end_test() {
	[ "$bad" = 0 ] && echo PASS
	exit "$bad"
}

# Run "${@:2}" as case $1 of the test: "ok $1", or "not ok $1" and bad=1.
run_case() {
	local name=$1
	shift
	if "$@"; then
		echo "ok $name"
	else
		echo "not ok $name"
		bad=1
	fi
}

# Shell case $1: the function case_$1, whose checks fail with cfail.
sh_case() {
	cbad=0
	"case_$1"
	[ "$cbad" = 0 ]
}
run_sh() { run_case "$1" sh_case "$1"; }

# Die unless every file named is there and executable.
need_exec() {
	local f
	for f in "$@"; do
		[ -x "$f" ] || die "no $f"
	done
}

# Sleep 0.1 s: with sleep(1), or, once fast_nap DIR has made a FIFO nobody
# writes in DIR, with a read of it that times out (forks are slow in the
# TCG guest).
nap() {
	if [ -n "${nap_fd:-}" ]; then
		read -r -t 0.1 -u "$nap_fd" _ || true
	else
		sleep 0.1
	fi
}
fast_nap() {
	mkfifo "$1/nap" || die "mkfifo $1/nap"
	exec {nap_fd}<>"$1/nap"
}

# Wait up to $1 seconds for the command after it to succeed.
wait_for() {
	local n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		nap
	done
}

# The value of line "$1: value" of stdin.
field() { sed -n "s/^$1: //p"; }
# The inode number of file $1 (of a namespace, for /proc/PID/ns/*).
inum() { stat -L -c %i "$1"; }
# The inode number of the network namespace named $1 (ip netns).
nsinum() { inum "/run/netns/$1"; }

# What dmesg said since mark was called.
mark() { dmesg_mark=$(dmesg | wc -l); }
since() { dmesg | tail -n +"$((dmesg_mark + 1))"; }

# Modules.  Is module $1 loaded?
loaded() { grep -q "^$1 " /proc/modules; }
# insmod FILE [PARAM...], or die.
load_ko() { insmod "$@" || die "insmod $1"; }
# The same, after unloading the module if it is loaded (left by an earlier
# test that failed).
load_ko_fresh() {
	local m=${1##*/}

	m=${m%.ko}
	if loaded "$m"; then
		rmmod "$m" || die "rmmod old $m"
	fi
	load_ko "$@"
}

# Cleanup helpers: each does what it can, says what it cannot, and returns
# 0 (also under set -e).
#
# Unload those of the modules named that are loaded, in that order, each
# tried for up to 10 s (a namespace still dying may hold it for a while).
unload_loaded() {
	local m
	for m in "$@"; do
		loaded "$m" || continue
		wait_for 10 rmmod "$m" 2>/dev/null ||
			echo "cleanup: cannot rmmod $m"
	done
	return 0
}
# Kill the processes named (empty names are passed over) and reap them.
stop_pids() {
	local p
	for p in "$@"; do
		[ -z "$p" ] || kill "$p" 2>/dev/null || true
	done
	for p in "$@"; do
		[ -z "$p" ] || wait "$p" 2>/dev/null || true
	done
	return 0
}
# Delete those of the network namespaces named (ip netns) that exist.
del_netns() {
	local n
	for n in "$@"; do
		[ ! -e "/run/netns/$n" ] || ip netns del "$n" || true
	done
	return 0
}
# Unmount those of the directories named that are mount points.
umount_all() {
	local d
	for d in "$@"; do
		! mountpoint -q "$d" || umount "$d" || true
	done
	return 0
}
