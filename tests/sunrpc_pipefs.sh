#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns pipefs
# nsmods-seconds: 150
#
# In-VM test of sunrpc_ns clients in rpc_pipefs (Documentation/
# sunrpc_ns.rst, "rpc_pipefs"): nfs/clnt<id> directories with info and a
# gssd pipe, in their own namespace's superblock only, made on MOUNT and
# removed on umount and on close; gssd-like upcalls answered by a helper,
# timeouts, hostile downcalls.  Setup: tests/lib/sunrpc_pipefs.bash.
# The cases are called indirectly (case_$name).
# shellcheck disable=SC2317 source-path=SCRIPTDIR
. "$(dirname "$0")/lib/sunrpc_pipefs.bash"

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
	ns_exec pfA "$prog" gssd "$W/mA/nfs/clnt$a/gssd" 2 "ok:" >"$W/gssd.out" 2>&1 &
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
	ns_exec pfA "$prog" baddown "$W/mA/nfs/clnt$a/gssd" >"$W/baddown.out" 2>&1 &
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

# Issue 17: an upcall read but not answered fails at once when gssd
# closes the pipe (EPIPE, as upstream's gss layer); a reader's EFAULT stays
# the reader's (the upcall is read again); an upcall whose waiter gave up
# leaves the queue.
case_gssd_drop() {
	local a out g t0 n
	a=$(hid A1)
	ns_exec pfA "$prog" readclose "$W/mA/nfs/clnt$a/gssd" >"$W/readclose.out" 2>&1 &
	g=$!
	t0=$SECONDS
	out=$(ask A1 "upcall 30000 dropped")
	[ "$out" = "error EPIPE" ] || cfail "read, unanswered, pipe closed: $out"
	[ $((SECONDS - t0)) -lt 15 ] || cfail "EPIPE took $((SECONDS - t0)) s"
	wait "$g" || cfail "readclose: $(cat "$W/readclose.out")"

	ns_exec pfA "$prog" efault "$W/mA/nfs/clnt$a/gssd" "ok:" >"$W/efault.out" 2>&1 &
	g=$!
	out=$(ask A1 "upcall 20000 fault")
	[ "$out" = "answer ok:fault" ] || cfail "upcall read into a bad buffer first: $out"
	wait "$g" || cfail "efault: $(cat "$W/efault.out")"

	exec {n}<"$W/mA/nfs/clnt$a/gssd"
	out=$(ask A1 "upcall 300 giveup")
	[ "$out" = "error ETIMEDOUT" ] || cfail "upcall nobody reads: $out"
	out=$(in_ns pfA "$prog" fionread "$W/mA/nfs/clnt$a/gssd")
	[ "$out" = "fionread 0" ] || cfail "an upcall whose waiter gave up stays queued: $out"
	exec {n}<&-
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

sns_pipefs_setup
run_sh dirs
run_sh info
run_sh gssd
run_sh gssd_drop
run_sh mount_events
sns_pipefs_finish
for m in mA mB2 mC; do umount "$W/$m" || fail "umount $m"; done
del_netns "${nets[@]}"
wait_for 10 rmmod nsmods_sunrpc_ns || fail "rmmod nsmods_sunrpc_ns"
rmmod nsmods_pipefs || fail "rmmod nsmods_pipefs"

end_test
