#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In-VM test of sunrpc_ns in rpc_pipefs (Documentation/sunrpc_ns.rst,
# "rpc_pipefs"): clients' nfs/clnt<id> directories (info, gssd pipe) and
# the per-netns host cache cache/sunrpc_ns_hosts (channel, content,
# flush), in two network namespaces, with rpc_pipefs mounted in a private
# mount namespace; $TESTBIN/rpcpipe_test plays the clients, gssd and the
# cache helper.  No packet is sent: clients are only made, never called.
# The cases are called indirectly (case_$name).
# shellcheck disable=SC2317
set -u
# Every mount of this test lives in a mount namespace of its own.
if [ -z "${SNS_PIPEFS_MNTNS:-}" ]; then
	SNS_PIPEFS_MNTNS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
ko=$NSMODS_FARM/sunrpc_ns/sunrpc_ns.ko
pko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko
prog=$TESTBIN/rpcpipe_test
bad=0
cbad=0
W=$(mktemp -d /tmp/sunrpc_pipefs.XXXXXX)
pids=()
nets="pfA pfB pfC"

fail() { echo "FAIL: $*"; bad=1; }
cfail() { echo "FAIL: $*"; cbad=1; }
loaded() { grep -q "^$1 " /proc/modules; }
nsinum() { stat -L -c %i "/run/netns/$1"; }
in_ns() { nsenter --net="/run/netns/$1" "${@:2}"; }

# Wait up to $1 seconds for the command after it to succeed.
wait_for() {
	local n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# Client holders: hold NAME NETNS [rpcpipe_test hold options]; its stdin
# is fd of $W/NAME.in (kept open in holder_fd[NAME]), output $W/NAME.out.
declare -A holder_fd holder_pid
hold() {
	local name=$1 ns=$2 fd
	shift 2
	mkfifo "$W/$name.in"
	in_ns "$ns" "$prog" hold "$@" <"$W/$name.in" >"$W/$name.out" 2>&1 &
	holder_pid[$name]=$!
	exec {fd}>"$W/$name.in"
	holder_fd[$name]=$fd
	wait_for 20 grep -q '^ready \|^error ' "$W/$name.out" || return 1
	grep -q '^ready ' "$W/$name.out"
}
hid() { sed -n 's/^ready \([0-9a-f]*\) .*/\1/p' "$W/$1.out"; }
lines_gt() { [ "$(wc -l <"$1")" -gt "$2" ]; }
# Say $2 to holder $1 and wait for its next line of output.
ask() {
	local n
	n=$(wc -l <"$W/$1.out")
	echo "$2" >&"${holder_fd[$1]}"
	wait_for 30 lines_gt "$W/$1.out" "$n" || return 1
	tail -n 1 "$W/$1.out"
}
unhold() {
	local fd=${holder_fd[$1]}
	exec {fd}>&-
	wait "${holder_pid[$1]}" 2>/dev/null
	unset "holder_fd[$1]" "holder_pid[$1]"
}

cleanup() {
	local h p
	set +e
	for h in "${!holder_fd[@]}"; do unhold "$h"; done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for p in "$W"/m*; do mountpoint -q "$p" && umount "$p"; done
	for p in $nets; do [ -e "/run/netns/$p" ] && ip netns del "$p"; done
	loaded sunrpc_ns && { wait_for 10 rmmod sunrpc_ns ||
		echo "cleanup: cannot rmmod sunrpc_ns"; }
	loaded nsmods_pipefs && rmmod nsmods_pipefs
	rm -rf "$W"
	return 0
}
trap cleanup EXIT

# Mount rpc_pipefs of netns $1 on $W/$2.
pmount() {
	mkdir -p "$W/$2" && in_ns "$1" mount -t rpc_pipefs rpc_pipefs "$W/$2"
}

# What dmesg said since mark was called.
mark() { dmesg_mark=$(dmesg | wc -l); }
since() { dmesg | tail -n +"$((dmesg_mark + 1))"; }

case_dirs() {
	local a b l
	a=$(hid A1) b=$(hid B1)
	# Made before the mounts: appear on MOUNT, each in its own sb only.
	for f in info gssd; do
		[ -e "$W/mA/nfs/clnt$a/$f" ] || cfail "no nfs/clnt$a/$f in A's sb"
		[ -e "$W/mB/nfs/clnt$b/$f" ] || cfail "no nfs/clnt$b/$f in B's sb"
	done
	[ -p "$W/mA/nfs/clnt$a/gssd" ] || cfail "gssd is not a pipe"
	[ -f "$W/mA/nfs/clnt$a/info" ] || cfail "info is not a regular file"
	l=$(ls "$W/mA/nfs")
	[ "$l" = "clnt$a" ] || cfail "A's sb shows \"$l\", want clnt$a only"
	l=$(ls "$W/mB/nfs")
	[ "$l" = "clnt$b" ] || cfail "B's sb shows \"$l\", want clnt$b only"
	# A client made while mounted appears at once, in its netns only.
	hold A2 pfA -s fd00::3 || { cfail "holder A2: $(cat "$W/A2.out")"; return; }
	[ -d "$W/mA/nfs/clnt$(hid A2)" ] || cfail "clnt$(hid A2) not made in A's live sb"
	[ ! -e "$W/mB/nfs/clnt$(hid A2)" ] || cfail "A's client shows in B's sb"
	[ "$(ls "$W/mC/nfs")" = "" ] || cfail "C's sb not empty: $(ls "$W/mC/nfs")"
}

case_info() {
	local a out
	a=$(hid A1)
	out=$(cat "$W/mA/nfs/clnt$a/info") || { cfail "cannot read info"; return; }
	echo "$out" | sed 's/^/    /'
	for l in "server: 10.0.0.3" "host: -" "program: 100003" "version: 3" \
		 "protocol: udp" "port: 2049" "netns: $(nsinum pfA)"; do
		grep -qx "$l" <<<"$out" || cfail "info of clnt$a: no \"$l\""
	done
	out=$(cat "$W/mA/nfs/clnt$(hid A2)/info")
	grep -qx "server: fd00::3" <<<"$out" || cfail "info of A2: $out"
	out=$(cat "$W/mB/nfs/clnt$(hid B1)/info")
	grep -qx "netns: $(nsinum pfB)" <<<"$out" || cfail "info of B1: $out"
}

case_gssd() {
	local a out g
	a=$(hid A1)
	in_ns pfA "$prog" gssd "$W/mA/nfs/clnt$a/gssd" 2 "ok:" >"$W/gssd.out" 2>&1 &
	g=$!
	out=$(ask A1 "upcall 20000 mech=krb5 uid=0 service=*")
	[ "$out" = "answer ok:mech=krb5 uid=0 service=*" ] || cfail "upcall 1: $out"
	out=$(ask A1 "upcall 20000 second")
	[ "$out" = "answer ok:second" ] || cfail "upcall 2: $out"
	wait "$g" || cfail "gssd helper: $(cat "$W/gssd.out")"
	grep -qx "served second" "$W/gssd.out" || cfail "gssd: $(cat "$W/gssd.out")"
	# B's client, nobody reading B's pipe: times out, A's gssd is no help.
	out=$(ask B1 "upcall 1000 lonely")
	[ "$out" = "error ETIMEDOUT" ] || cfail "upcall with no gssd: $out"
	# Bad downcalls: refused and logged; the waiter still gets its answer.
	mark
	in_ns pfA "$prog" baddown "$W/mA/nfs/clnt$a/gssd" >"$W/baddown.out" 2>&1 &
	g=$!
	out=$(ask A1 "upcall 20000 check")
	[ "$out" = "answer fixed" ] || cfail "upcall with bad downcalls: $out"
	wait "$g" || cfail "baddown: $(cat "$W/baddown.out")"
	since | grep -q "client $((16#$a)): malformed gssd downcall" ||
		cfail "no log line for malformed downcalls"
	# Hostile requests.
	out=$(ask A1 "upcall 70000 x")
	[ "$out" = "error EINVAL" ] || cfail "timeout 70000 accepted: $out"
}

case_mount_events() {
	local b out
	b=$(hid B1)
	umount "$W/mB"
	[ ! -e "$W/mB/nfs" ] || cfail "B's tree still there after umount"
	# A client made with nothing mounted: upcalls fail clearly.
	hold B2 pfB || { cfail "holder B2: $(cat "$W/B2.out")"; return; }
	out=$(ask B2 "upcall 1000 nobody")
	[ "$out" = "error ENODEV" ] || cfail "upcall with no sb: $out"
	# MOUNT: both of B's clients appear in the new sb, none of A's.
	pmount pfB mB2 || { cfail "mount B again"; return; }
	[ -d "$W/mB2/nfs/clnt$b" ] || cfail "clnt$b not made on MOUNT"
	[ -d "$W/mB2/nfs/clnt$(hid B2)" ] || cfail "clnt$(hid B2) not made on MOUNT"
	[ "$(ls "$W/mB2/nfs" | wc -l)" = 2 ] || cfail "B's new sb: $(ls "$W/mB2/nfs")"
	[ -d "$W/mB2/cache/sunrpc_ns_hosts" ] || cfail "no host cache dir on MOUNT"
	# Close: the directory goes; an info file open meanwhile still reads.
	exec 8<"$W/mB2/nfs/clnt$(hid B2)/info"
	unhold B2
	[ ! -e "$W/mB2/nfs/clnt$(hid B2)" ] || cfail "clnt dir left after close"
	out=$(cat <&8)
	grep -qx "netns: $(nsinum pfB)" <<<"$out" || cfail "info read after close: $out"
	exec 8<&-
	[ "$(ls "$W/mB2/nfs")" = "clnt$b" ] || cfail "B's sb after close: $(ls "$W/mB2/nfs")"
}

case_cache() {
	local h="$W/mA/cache/sunrpc_ns_hosts" out c
	for f in channel content flush; do
		[ -f "$h/$f" ] || cfail "no $f in A's cache dir"
	done
	[ -z "$(cat "$h/content")" ] || cfail "A's cache not empty: $(cat "$h/content")"
	in_ns pfA "$prog" cached "$h/channel" srvA=10.0.0.3 srv6=fd00::3 \
		>"$W/cached.out" 2>&1 &
	c=$!
	pids+=("$c")
	wait_for 10 grep -q '^cached ready' "$W/cached.out" || cfail "cached not ready"
	# A client by name: resolved through A's channel.
	hold A3 pfA -H srvA -R 20000 || { cfail "by name: $(cat "$W/A3.out")"; return; }
	out=$(cat "$W/mA/nfs/clnt$(hid A3)/info")
	grep -qx "server: 10.0.0.3" <<<"$out" || cfail "srvA client info: $out"
	grep -qx "host: srvA" <<<"$out" || cfail "srvA client info: $out"
	hold A4 pfA -H srv6 -R 20000 || cfail "by name (v6): $(cat "$W/A4.out")"
	grep -qx "server: fd00::3" "$W/mA/nfs/clnt$(hid A4)/info" ||
		cfail "srv6 client info: $(cat "$W/mA/nfs/clnt$(hid A4)/info")"
	grep -q '^served srvA' "$W/cached.out" || cfail "cached: $(cat "$W/cached.out")"
	out=$(cat "$h/content")
	echo "content: $out"
	grep -qE '^srvA 10\.0\.0\.3 [0-9]+$' <<<"$out" || cfail "content: $out"
	grep -qE '^srv6 fd00::3 [0-9]+$' <<<"$out" || cfail "content: $out"
	# A second client of srvA: from the cache, no new request.
	hold A5 pfA -H srvA -R 20000 || cfail "second by name: $(cat "$W/A5.out")"
	[ "$(grep -c '^served srvA' "$W/cached.out")" = 1 ] ||
		cfail "srvA asked again while cached: $(cat "$W/cached.out")"
	# Per netns: B's cache knows nothing, and has no helper.
	[ -z "$(cat "$W/mB2/cache/sunrpc_ns_hosts/content")" ] ||
		cfail "B's cache has A's entries"
	hold B3 pfB -H srvA -R 1000 && cfail "B resolved srvA with no helper"
	grep -qx "error ETIMEDOUT" "$W/B3.out" || cfail "B by name: $(cat "$W/B3.out")"
	# A name the helper does not know.
	hold A6 pfA -H nosuch -R 1000 && cfail "nosuch resolved"
	grep -qx "error ETIMEDOUT" "$W/A6.out" || cfail "nosuch: $(cat "$W/A6.out")"
	# Hostile input.
	hold A7 pfA -H "bad/name" -R 1000 && cfail "bad/name accepted"
	grep -qx "error EINVAL" "$W/A7.out" || cfail "bad/name: $(cat "$W/A7.out")"
	mark
	in_ns pfA "$prog" badcache "$h/channel" "$h/flush" >"$W/badcache.out" 2>&1 ||
		cfail "badcache: $(cat "$W/badcache.out")"
	since | grep -q "host cache: malformed answer refused" ||
		cfail "no log line for malformed answers"
	since | grep -q "host cache: bad flush refused" ||
		cfail "no log line for a bad flush"
	[ "$(wc -l <"$h/content")" = 2 ] || cfail "hostile writes changed content: $(cat "$h/content")"
	# flush: all gone, asked again.
	echo 1 >"$h/flush" || cfail "flush refused"
	[ -z "$(cat "$h/content")" ] || cfail "content after flush: $(cat "$h/content")"
	hold A8 pfA -H srvA -R 20000 || cfail "after flush: $(cat "$W/A8.out")"
	[ "$(grep -c '^served srvA' "$W/cached.out")" = 2 ] ||
		cfail "srvA not asked again after flush: $(cat "$W/cached.out")"
	for x in A3 A4 A5 A8; do unhold "$x"; done
	unhold B3
	unhold A6
	unhold A7
}

run_sh() {
	cbad=0
	"case_$1"
	if [ "$cbad" = 0 ]; then
		echo "ok $1"
	else
		echo "not ok $1"
		bad=1
	fi
}

[ -x "$prog" ] || { echo "FAIL: no $prog"; exit 1; }
loaded nsmods_pipefs || insmod "$pko" || { echo "FAIL: insmod $pko"; exit 1; }
insmod "$ko" || { echo "FAIL: insmod $ko"; exit 1; }
for n in $nets; do
	ip netns add "$n" && ip -n "$n" link set lo up || { echo "FAIL: netns $n"; exit 1; }
done

# Clients before any mount: their directories wait for MOUNT.
hold A1 pfA || fail "holder A1: $(cat "$W/A1.out")"
hold B1 pfB || fail "holder B1: $(cat "$W/B1.out")"
grep -q "^ready [0-9a-f]* $(nsinum pfA)\$" "$W/A1.out" || fail "A1 not in pfA: $(cat "$W/A1.out")"
pmount pfA mA || fail "mount in pfA"
pmount pfB mB || fail "mount in pfB"
pmount pfC mC || fail "mount in pfC"
[ "$(stat -c %d "$W/mA")" != "$(stat -c %d "$W/mB")" ] || fail "A and B share an sb"
[ "$bad" = 0 ] || { echo "FAIL: setup"; exit 1; }

run_sh dirs
run_sh info
run_sh gssd
run_sh mount_events
run_sh cache

# Everything closed: only the host cache directories are left.
for h in "${!holder_fd[@]}"; do unhold "$h"; done
[ -z "$(ls "$W/mA/nfs")" ] || fail "A's clients left: $(ls "$W/mA/nfs")"
[ -z "$(ls "$W/mB2/nfs")" ] || fail "B's clients left: $(ls "$W/mB2/nfs")"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
pids=()
# Mounted, sunrpc_ns can go: its pernet exit takes the cache dirs out.
wait_for 10 rmmod sunrpc_ns || fail "rmmod sunrpc_ns"
[ ! -e "$W/mA/cache/sunrpc_ns_hosts" ] || fail "cache dir left after rmmod"
for m in mA mB2 mC; do umount "$W/$m" || fail "umount $m"; done
for n in $nets; do ip netns del "$n"; done
rmmod nsmods_pipefs || fail "rmmod nsmods_pipefs"

[ "$bad" = 0 ] && echo PASS
exit "$bad"
