# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/sunrpc_pipefs.sh and tests/sunrpc_pipefs_cache.sh (two
# tests, so that each has the runner's time limit under TCG): the modules,
# three network namespaces pfA, pfB, pfC with rpc_pipefs of each mounted
# on $W/mA, $W/mB, $W/mC in a private mount namespace, client holders
# A1 (in pfA) and B1 (in pfB) made before the mounts, and helpers.
# $TESTBIN/rpcpipe_test plays the clients, gssd and the cache helper.  No
# packet is sent: clients are only made, never called.  Lives in tests/lib/
# (not a test of its own) and sources lib.sh next to it.
# shellcheck shell=bash disable=SC2317 source-path=SCRIPTDIR
set -u
. "${BASH_SOURCE[0]%/*}/lib.sh"
# Every mount of these tests lives in a mount namespace of its own.
if [ -z "${SNS_PIPEFS_MNTNS:-}" ]; then
	SNS_PIPEFS_MNTNS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
ko=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko
prog=$TESTBIN/rpcpipe_test
W=$(mktemp -d /tmp/sunrpc_pipefs.XXXXXX)
pids=()
nets=(pfA pfB pfC)
declare -A holder_fd holder_pid

# Become "${@:2}" run in netns $1, without the holders' stdin (so that
# each holder gets EOF when we close it, whatever else runs): for
# background jobs ("ns_exec ... &" forks once, no shell stays around).
ns_exec() {
	local f
	for f in "${holder_fd[@]}"; do exec {f}>&-; done
	exec nsenter --net="/run/netns/$1" "${@:2}"
}
# The same in the foreground.
in_ns() { (ns_exec "$@"); }

# Forks are slow in the TCG guest: the waits (wait_for) and line checks
# below use shell builtins only.
fast_nap "$W"

# Does file $2 have a line starting with $1?
has_line() {
	local l
	[ -e "$2" ] || return 1
	while IFS= read -r l; do
		[[ $l == "$1"* ]] && return 0
	done <"$2"
	return 1
}
# Number of lines of file $1.
nlines() {
	local a
	mapfile -t a <"$1"
	echo "${#a[@]}"
}

# Client holders: hold NAME NETNS [rpcpipe_test hold options]; its stdin
# is fd of $W/NAME.in (kept open in holder_fd[NAME]), output $W/NAME.out.
hold() {
	local name=$1 ns=$2 fd
	shift 2
	mkfifo "$W/$name.in"
	ns_exec "$ns" "$prog" hold "$@" <"$W/$name.in" >"$W/$name.out" 2>&1 &
	holder_pid[$name]=$!
	exec {fd}>"$W/$name.in"
	holder_fd[$name]=$fd
	wait_for 20 ready_or_error "$W/$name.out" || return 1
	has_line "ready " "$W/$name.out"
}
ready_or_error() { has_line "ready " "$1" || has_line "error " "$1"; }
# The id (hex) of holder $1.
hid() {
	local l
	read -r l <"$W/$1.out"
	l=${l#ready }
	echo "${l%% *}"
}
lines_gt() { [ "$(nlines "$1")" -gt "$2" ]; }
# Say $2 to holder $1 and wait for its next line of output.
ask() {
	local n a
	n=$(nlines "$W/$1.out")
	echo "$2" >&"${holder_fd[$1]}"
	wait_for 30 lines_gt "$W/$1.out" "$n" || return 1
	mapfile -t a <"$W/$1.out"
	echo "${a[-1]}"
}
# Close holder $1's stdin: it exits, closing its client (killed if it has
# not after 5 s).
holder_gone() {
	local state
	read -r _ _ state _ 2>/dev/null <"/proc/$1/stat" || return 0
	[ "$state" = Z ]
}
unhold() {
	local fd=${holder_fd[$1]} pid=${holder_pid[$1]}
	exec {fd}>&-
	wait_for 5 holder_gone "$pid" || kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "holder_fd[$1]" "holder_pid[$1]"
}

cleanup() {
	local h
	set +e
	for h in "${!holder_fd[@]}"; do unhold "$h"; done
	stop_pids "${pids[@]}"
	umount_all "$W"/m*
	del_netns "${nets[@]}"
	unload_loaded nsmods_sunrpc_ns nsmods_pipefs
	rm -rf "$W"
	return 0
}
trap cleanup EXIT

# Mount rpc_pipefs of netns $1 on $W/$2, by the name nsmods_pipefs
# registered (Documentation/pipefs.rst, "The name").
pmount() {
	local fs
	fs=$(cat /sys/module/nsmods_pipefs/parameters/fsname) &&
		mkdir -p "$W/$2" && in_ns "$1" mount -t "$fs" rpc_pipefs "$W/$2"
}

# Load, make the namespaces, the first holders and the mounts.
sns_pipefs_setup() {
	need_exec "$prog"
	loaded nsmods_pipefs || load_ko "$pko"
	# One left by an earlier test that failed goes first.
	load_ko_fresh "$ko"
	for n in "${nets[@]}"; do
		ip netns add "$n" && ip -n "$n" link set lo up || die "netns $n"
	done

	# Clients before any mount: their directories wait for MOUNT.
	hold A1 pfA || fail "holder A1: $(cat "$W/A1.out")"
	hold B1 pfB || fail "holder B1: $(cat "$W/B1.out")"
	grep -q "^ready [0-9a-f]* $(nsinum pfA)\$" "$W/A1.out" || fail "A1 not in pfA: $(cat "$W/A1.out")"
	pmount pfA mA || fail "mount in pfA"
	pmount pfB mB || fail "mount in pfB"
	pmount pfC mC || fail "mount in pfC"
	[ "$(stat -c %d "$W/mA")" != "$(stat -c %d "$W/mB")" ] || fail "A and B share an sb"
	[ "$bad" = 0 ] || die "setup"
}

# Everything closed: no client directory is left in any superblock.
sns_pipefs_finish() {
	local h p
	stop_pids "${pids[@]}"
	pids=()
	for h in "${!holder_fd[@]}"; do unhold "$h"; done
	for p in "$W"/m*; do
		mountpoint -q "$p" || continue
		[ -z "$(ls "$p/nfs")" ] || fail "clients left in $p: $(ls "$p/nfs")"
	done
	wait 2>/dev/null
}
