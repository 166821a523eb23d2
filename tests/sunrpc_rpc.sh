#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns pipefs
# nsmods-seconds: 360
#
# In-VM end-to-end test of nsmods_sunrpc_ns.ko's RPC clients (include/uapi/linux/
# sunrpc_ns.h): load it, build two client/server network namespace pairs
# with the same addresses, rpcA <-> rpcAs and rpcB <-> rpcBs (veth,
# 10.0.0.2/24 and fd00::2/64 on the client side, 10.0.0.3/24 and
# fd00::3/64 on the server side), run a real rpcbind and the servers of
# tests/rpcns_server/ in rpcAs and rpcBs, run every case (the CLI
# tools/rpcns here, tests/rpcns_test/ for the rest), check no client is
# left in any namespace, unload, and check it is all gone.
#
# Servers (see tests/rpcns_test/main.c for the port table): BASE=20049, IPv4
# and IPv6, UDP and TCP; rpcAs's answer "A ...", rpcBs's "B ...".  rpcAs's
# rpcbind has the test program at BASE, rpcBs's at BASE+20, so a lookup
# shows which namespace it was made in.
# The cases are called indirectly (case_$name).
# shellcheck disable=SC2317 source-path=SCRIPTDIR
set -u
. "$(dirname "$0")/lib/lib.sh"
ko=$NSMODS_FARM/sunrpc_ns/nsmods_sunrpc_ns.ko
pko=$NSMODS_FARM/pipefs/nsmods_pipefs.ko	# sunrpc_ns needs its symbols
prog=$TESTBIN/rpcns_test
server=$TESTBIN/rpcns_server
rpcns=$NSMODS_FARM/tools/bin/rpcns
BASE=20049
PROG=536871065		# 0x20000099
W=""
pids=()
hold_pids=()
netns_all=(rpcA rpcAs rpcB rpcBs rpcT rpcTs rpcU rpcUs)

kill_all() {
	exec 3>&- 4>&- 5>&-
	stop_pids "${hold_pids[@]}" "${pids[@]}"
	hold_pids=()
	pids=()
}

cleanup() {
	kill_all
	del_netns "${netns_all[@]}"
	unload_loaded nsmods_sunrpc_ns nsmods_pipefs
	[ -n "$W" ] && rm -rf "$W"
	return 0
}
trap cleanup EXIT

# rpcns in namespace $1.
R() { timeout 20 ip netns exec "$1" "$rpcns" "${@:2}"; }

# Client namespace rpc$1 and server namespace rpc$1s, joined by a veth.
mknet() {
	local c=rpc$1 s=rpc$1s
	ip netns add "$c" && ip netns add "$s" &&
	ip link add "${c}0" netns "$c" type veth peer name "${c}1" netns "$s" &&
	ip -n "$c" addr add 10.0.0.2/24 dev "${c}0" &&
	ip -n "$c" addr add fd00::2/64 dev "${c}0" nodad &&
	ip -n "$c" link set lo up && ip -n "$c" link set "${c}0" up &&
	ip -n "$s" addr add 10.0.0.3/24 dev "${c}1" &&
	ip -n "$s" addr add fd00::3/64 dev "${c}1" nodad &&
	ip -n "$s" link set lo up && ip -n "$s" link set "${c}1" up
}

# A real rpcbind in namespace $1, with its own /run; -i: it takes SET
# from the servers over loopback IP (without -i only over its socket).
start_rpcbind() {
	ip netns exec "$1" unshare -m sh -c 'mount -t tmpfs rpcbind /run &&
		mkdir -p /run/rpcbind && chown _rpc /run/rpcbind &&
		exec /usr/sbin/rpcbind -f -w -i' 2>>"$W/rpcbind.err" &
	pids+=($!)
	wait_for 20 eval "ip netns exec $1 rpcinfo -p 127.0.0.1 >/dev/null 2>&1" ||
		fail "rpcbind in $1 did not start: $(cat "$W/rpcbind.err")"
}

# rpcns_server in namespace $1 with the options after it.
nserver=0
start_server() {
	local ns=$1 out
	shift
	nserver=$((nserver + 1))
	out=$W/server$nserver.out
	ip netns exec "$ns" "$server" "$@" >"$out" 2>>"$W/server.err" &
	pids+=($!)
	wait_for 20 grep -q '^port ' "$out" ||
		fail "server in $ns ($*) did not start: $(cat "$W/server.err")"
}

transports() { field transports </proc/net/sunrpc_ns/state; }
clients() { cat /proc/net/sunrpc_ns/clients; }

# Sum of transports over the init namespace and those named.
all_transports() {
	local n sum t
	sum=$(transports)
	for n in "$@"; do
		t=$(ip netns exec "$n" cat /proc/net/sunrpc_ns/state |
			field transports)
		sum=$((sum + ${t:-1000}))
	done
	echo "$sum"
}

me=$(uname -n)

# Cases run by the shell: each a function; cfail marks it failed.

case_null() {
	local a t out
	for a in 10.0.0.3 fd00::3; do
		for t in udp tcp; do
			out=$(R rpcA -s "$a" -p 0 -t "$t" null 2>&1) ||
				cfail "null $a $t through rpcbind: $out"
			if ! out=$(R rpcA -s "$a" -p 0 -t "$t" info 2 2>&1); then
				cfail "info $a $t: $out"
				continue
			fi
			grep -qx "port $BASE" <<<"$out" ||
				cfail "$a $t: rpcbind gave not $BASE: $out"
			grep -qx "calls 2" <<<"$out" || cfail "$a $t: calls not 2: $out"
			grep -qx "proto $t" <<<"$out" || cfail "$a $t: proto: $out"
			grep -qx "prog $PROG" <<<"$out" || cfail "$a $t: prog: $out"
			grep -qx "nodename $me" <<<"$out" || cfail "$a $t: nodename: $out"
		done
	done
	# A program nobody registered: an error, not a call to port 0.
	out=$(R rpcA -s 10.0.0.3 -p 0 -P 0x20000077 -T 300 -r 1 null 2>&1)
	[ $? = 1 ] || cfail "unregistered program: status not 1: $out"
	grep -qE '^error E[A-Z0-9]+$' <<<"$out" ||
		cfail "unregistered program: no error line: $out"
	# The CLI as uid 65534: EPERM; as root with a reserved port: fine.
	out=$(timeout 20 ip netns exec rpcA setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$rpcns" -s 10.0.0.3 -p "$BASE" null 2>&1)
	[ $? = 1 ] && grep -qx 'error EPERM' <<<"$out" ||
		cfail "rpcns as uid 65534: $out"
	out=$(R rpcA -s 10.0.0.3 -p "$BASE" -t tcp -R whoami 2>&1) ||
		cfail "rpcns -R: $out"
}

case_rpcbind() {
	local out want
	expect_port() { # want, then rpcns args
		local w=$1 o
		shift
		o=$(R "$@" 2>&1)
		[ "$o" = "$w" ] || cfail "rpcns $*: \"$o\", want $w"
	}
	expect_port "$BASE" rpcA -s 10.0.0.3 getport 0x20000099 1
	expect_port "$BASE" rpcA -s 10.0.0.3 getport 0x20000099 1 tcp
	expect_port "$BASE" rpcA -s 10.0.0.3 -t tcp getport "$PROG" 1 udp
	# rpcbind answers GETPORT by program and protocol: a version it does
	# not have still gets the program's port (rpcbind's find_service()),
	# and the server itself answers PROG_MISMATCH.
	expect_port "$BASE" rpcA -s 10.0.0.3 getport 0x20000099 2
	expect_port 0 rpcA -s 10.0.0.3 getport 0x20000077 1
	expect_port 111 rpcA -s 10.0.0.3 getport 100000 2 tcp
	expect_port "$BASE" rpcA -s 10.0.0.3 getaddr 0x20000099 1
	expect_port "$BASE" rpcA -s 10.0.0.3 -t tcp getaddr 0x20000099 1 tcp
	expect_port "$BASE" rpcA -s fd00::3 getaddr 0x20000099 1
	expect_port "$BASE" rpcA -s fd00::3 -t tcp getaddr 0x20000099 1 tcp
	expect_port 0 rpcA -s fd00::3 getaddr 0x20000077 1
	# B's rpcbind has it elsewhere.
	expect_port $((BASE + 20)) rpcB -s 10.0.0.3 getport 0x20000099 1
	expect_port $((BASE + 20)) rpcB -s fd00::3 getaddr 0x20000099 1 tcp

	# DUMP: what rpcinfo (libtirpc, in userspace) sees, no more, no less.
	for t in udp tcp; do
		out=$(R rpcA -s 10.0.0.3 -t "$t" dump 2>&1) || cfail "dump $t: $out"
		want=$(ip netns exec rpcA rpcinfo -p 10.0.0.3 |
			awk 'NR > 1 { print $1, $2, $3, $4 }' | sort)
		[ "$(sort <<<"$out")" = "$want" ] ||
			cfail "dump $t: \"$out\", rpcinfo -p: \"$want\""
		for l in "$PROG 1 udp $BASE" "$PROG 1 tcp $BASE" "100000 2 udp 111" \
			 "100000 2 tcp 111"; do
			grep -qx "$l" <<<"$out" || cfail "dump $t: no \"$l\": $out"
		done
	done
	out=$(R rpcB -s 10.0.0.3 dump 2>&1)
	grep -qx "$PROG 1 udp $((BASE + 20))" <<<"$out" ||
		cfail "dump in B: no $PROG at $((BASE + 20)): $out"
	grep -q " $BASE\$" <<<"$out" && cfail "dump in B shows A's port: $out"
}

# A TCP client's rpcbind lookup is made over TCP, as upstream's: it leaves
# a connection to port 111 in TIME-WAIT in rpcA (the kernel socket closes
# first).  A UDP lookup would leave none.
case_rpcbind_tcp() {
	local before after out
	tw() {
		ip netns exec rpcA ss -Htan state time-wait '( dport = :111 )' | sort
	}
	before=$(tw)
	out=$(R rpcA -s 10.0.0.3 -p 0 -t tcp whoami 2>&1)
	[[ "$out" == "A "* ]] || cfail "tcp through rpcbind: $out"
	after=$(tw)
	[ -n "$(comm -13 <(echo "$before") <(echo "$after"))" ] ||
		cfail "no TCP connection to rpcbind: time-wait before \"$before\", after \"$after\""
}

# An IPv6 link-local server, named with its interface (a scope id).
case_linklocal() {
	local ll out t
	lladdr() {
		ip -n rpcAs -6 -o addr show dev rpcA1 scope link |
			awk '!/tentative/ { sub("/.*", "", $4); print $4 }'
	}
	if ! wait_for 20 eval '[ -n "$(lladdr)" ]'; then
		cfail "no link-local address on rpcA1"
		return
	fi
	ll=$(lladdr)
	for t in udp tcp; do
		out=$(R rpcA -s "$ll%rpcA0" -p "$BASE" -t "$t" whoami 2>&1)
		[[ "$out" == "A "* ]] || cfail "link-local $ll%rpcA0 $t: $out"
	done
	out=$(R rpcA -s "$ll%rpcA0" -p 0 -t tcp whoami 2>&1)
	[[ "$out" == "A "* ]] || cfail "link-local through rpcbind: $out"
	out=$(R rpcA -s "$ll" -p "$BASE" whoami 2>&1)
	grep -qx 'error EINVAL' <<<"$out" ||
		cfail "link-local without an interface: $out"
}

case_isolation() {
	local x a t out
	for x in A B; do
		for a in 10.0.0.3 fd00::3; do
			for t in udp tcp; do
				out=$(R "rpc$x" -s "$a" -p "$BASE" -t "$t" whoami 2>&1)
				[ "$out" = "$x flavor=1 machine=$me uid=0 gid=0" ] ||
					cfail "whoami from rpc$x to $a $t: \"$out\""
			done
			out=$(R "rpc$x" -s "$a" -p 0 -a none whoami 2>&1)
			[ "$out" = "$x flavor=0 machine=- uid=- gid=-" ] ||
				cfail "whoami from rpc$x to $a through rpcbind: \"$out\""
		done
		out=$(R "rpc$x" -s 10.0.0.3 -p "$BASE" info 2>&1)
		grep -qx "net_inum $(nsinum "rpc$x")" <<<"$out" ||
			cfail "info in rpc$x: not rpc$x's netns $(nsinum "rpc$x"): $out"
	done
}

case_proc() {
	local l want inum
	mkfifo "$W/h1" "$W/h2"
	nsenter --net=/run/netns/rpcA "$prog" hold -p "$BASE" <"$W/h1" >"$W/h1.out" 2>&1 &
	hold_pids+=($!)
	nsenter --net=/run/netns/rpcA "$prog" hold -p "$BASE" -s 10.0.0.3 \
		-t tcp <"$W/h2" >"$W/h2.out" 2>&1 &
	hold_pids+=($!)
	exec 3>"$W/h1" 4>"$W/h2"
	if ! wait_for 20 grep -q '^ready' "$W/h1.out" ||
	   ! wait_for 20 grep -q '^ready' "$W/h2.out"; then
		cfail "holders not ready: $(cat "$W/h1.out" "$W/h2.out")"
		return
	fi
	inum=$(nsinum rpcA)
	grep -q "^ready $inum A " "$W/h1.out" || cfail "holder 1: $(cat "$W/h1.out")"
	l=$(ip netns exec rpcA cat /proc/net/sunrpc_ns/clients)
	want="^client [0-9]+ prog ($PROG|0x20000099) vers 1 proto udp server 10.0.0.3:$BASE calls 1 retrans 0 reconnects 0 sockets 1\$"
	[ "$(grep -cE "$want" <<<"$l")" = 1 ] || cfail "clients in rpcA, no udp line: $l"
	want="^client [0-9]+ prog ($PROG|0x20000099) vers 1 proto tcp server 10.0.0.3:$BASE calls 1 retrans 0 reconnects 0 sockets 1\$"
	[ "$(grep -cE "$want" <<<"$l")" = 1 ] || cfail "clients in rpcA, no tcp line: $l"
	[ "$(wc -l <<<"$l")" = 2 ] || cfail "clients in rpcA, not 2 lines: $l"
	[ "$(awk '{ print $2 }' <<<"$l" | sort -u | wc -l)" = 2 ] ||
		cfail "clients in rpcA: ids not distinct: $l"
	l=$(ip netns exec rpcA cat /proc/net/sunrpc_ns/state)
	grep -qx "netns: $inum" <<<"$l" || cfail "state in rpcA: $l"
	grep -qx "transports: 2" <<<"$l" || cfail "state in rpcA, not 2 transports: $l"
	for n in rpcB rpcAs rpcBs; do
		l=$(ip netns exec "$n" cat /proc/net/sunrpc_ns/clients)
		[ -z "$l" ] || cfail "clients in $n: $l"
		l=$(ip netns exec "$n" cat /proc/net/sunrpc_ns/state)
		grep -qx "netns: $(nsinum "$n")" <<<"$l" || cfail "state in $n: $l"
		grep -qx "transports: 0" <<<"$l" || cfail "state in $n: $l"
	done
	[ -z "$(clients)" ] || cfail "clients in the initial netns: $(clients)"
	[ "$(transports)" = 0 ] || cfail "initial netns transports $(transports)"

	# A call shows in the counters.
	echo whoami >&3
	wait_for 20 grep -q '^whoami A ' "$W/h1.out" ||
		cfail "holder 1 whoami: $(cat "$W/h1.out")"
	l=$(ip netns exec rpcA cat /proc/net/sunrpc_ns/clients)
	grep -qE "proto udp server 10.0.0.3:$BASE calls 2 " <<<"$l" ||
		cfail "clients in rpcA after a call: $l"

	# IPv6 as %pI6c: a second tcp holder to fd00::3.
	mkfifo "$W/h3"
	nsenter --net=/run/netns/rpcA "$prog" hold -p "$BASE" -s fd00::3 -t tcp \
		<"$W/h3" >"$W/h3.out" 2>&1 &
	hold_pids+=($!)
	exec 5>"$W/h3"
	if wait_for 20 grep -q '^ready' "$W/h3.out"; then
		l=$(ip netns exec rpcA cat /proc/net/sunrpc_ns/clients)
		grep -qE "^client [0-9]+ prog ($PROG|0x20000099) vers 1 proto tcp server fd00::3:$BASE calls 1 " <<<"$l" ||
			cfail "clients in rpcA, no fd00::3 line: $l"
		ip netns exec rpcA cat /proc/net/sunrpc_ns/state | grep -qx "transports: 3" ||
			cfail "state in rpcA, not 3 transports"
	else
		cfail "holder 3 not ready: $(cat "$W/h3.out")"
	fi

	# The holders go: so do their clients.
	exec 3>&- 4>&- 5>&-
	for p in "${hold_pids[@]}"; do
		wait "$p" || cfail "holder exited $?: $(cat "$W"/h?.out)"
	done
	hold_pids=()
	l=$(ip netns exec rpcA cat /proc/net/sunrpc_ns/clients)
	[ -z "$l" ] || cfail "clients in rpcA after the holders exited: $l"
	ip netns exec rpcA cat /proc/net/sunrpc_ns/state | grep -qx "transports: 0" ||
		cfail "state in rpcA after the holders exited: $(ip netns exec rpcA cat /proc/net/sunrpc_ns/state)"
}

case_netns_gone() {
	local inum l
	if ! mknet T; then
		cfail "cannot build rpcT"
		return
	fi
	start_server rpcTs -4 -p "$BASE" -t T
	inum=$(nsinum rpcT)
	mkfifo "$W/ht"
	# The holder makes its client in rpcT, then goes back to our netns.
	nsenter --net=/run/netns/rpcT "$prog" hold -p "$BASE" -x "/proc/$$/ns/net" \
		<"$W/ht" >"$W/ht.out" 2>&1 &
	hold_pids+=($!)
	exec 3>"$W/ht"
	if ! wait_for 20 grep -q '^ready' "$W/ht.out"; then
		cfail "holder not ready: $(cat "$W/ht.out")"
		return
	fi
	grep -q "^ready $inum T " "$W/ht.out" || cfail "holder: $(cat "$W/ht.out")"
	ip netns exec rpcT cat /proc/net/sunrpc_ns/state | grep -qx "transports: 1" ||
		cfail "state in rpcT: $(ip netns exec rpcT cat /proc/net/sunrpc_ns/state)"
	[ "$(inum "/proc/${hold_pids[0]}/ns/net")" = "$(inum /proc/$$/ns/net)" ] ||
		cfail "the holder is not back in our netns"

	ip netns del rpcT || cfail "ip netns del rpcT"
	# Only the client holds rpcT now: it lives on, and so does the veth.
	sleep 1
	ip -n rpcTs link show rpcT1 >/dev/null 2>&1 ||
		cfail "rpcT died under its client (veth peer gone)"
	echo whoami >&3
	echo info >&3
	wait_for 20 grep -q '^info ' "$W/ht.out" || cfail "holder: $(cat "$W/ht.out")"
	grep -q '^whoami T ' "$W/ht.out" ||
		cfail "call after ip netns del: $(cat "$W/ht.out")"
	grep -q "^info net_inum $inum calls 2 " "$W/ht.out" ||
		cfail "info after ip netns del: $(cat "$W/ht.out")"

	# The last fd goes: the client, its reference, then the netns.
	exec 3>&-
	wait "${hold_pids[0]}" || cfail "holder exited $?: $(cat "$W/ht.out")"
	hold_pids=()
	gone() { ! ip -n rpcTs link show rpcT1 >/dev/null 2>&1; }
	wait_for 30 gone || cfail "rpcT still alive 30 s after its client closed"
	l=$(all_transports rpcA rpcAs rpcB rpcBs rpcTs)
	[ "$l" = 0 ] || cfail "transports left in the namespaces: $l"
}

# The last client using rpcA's callback service closes while a
# connection to the service is idle (rpcns_test cbidle): besides the
# case's own checks, the kernel must not have slept in atomic context
# (DEBUG_ATOMIC_SLEEP: the connection was shut down under a spinlock).
case_cbidle() {
	local out l
	mark
	out=$(timeout 60 ip netns exec rpcA "$prog" cbidle -p "$BASE" 2>&1) ||
		cfail "rpcns_test cbidle: $out"
	[ -z "$out" ] || echo "$out"
	l=$(since | grep -A3 'sleeping function called from invalid context')
	[ -z "$l" ] || cfail "the callback service slept in atomic context: $l"
}

# The callback service registers with its netns's rpcbind when asked
# (SUNRPC_NS_CB_RPCBIND): rpcA gets a real rpcbind of its own; a holder
# in rpcA asks, rpcinfo sees the program (portmap view and rpcbind v4,
# tcp and tcp6) and reaches the service through it, rpcB's rpcbind does
# not have it; a second client using the service without asking keeps it
# registered; when the last client closes the registration is gone.
CBPROG=536871064	# 0x20000098, SUNRPC_NS_CB_PROG
case_cbrpcbind() {
	local port out hr=() i end
	# On a failure: the holders go, so that no client is left behind.
	cbr_quit() {
		exec 3>&- 4>&-
		stop_pids "${hold_pids[@]}"
		hold_pids=()
	}
	start_rpcbind rpcA
	start_rpcbind rpcB
	for i in 1 2; do
		mkfifo "$W/hr$i"
		nsenter --net=/run/netns/rpcA "$prog" hold -p "$BASE" -t tcp \
			<"$W/hr$i" >"$W/hr$i.out" 2>&1 &
		hold_pids+=($!)
		hr+=($!)
	done
	exec 3>"$W/hr1" 4>"$W/hr2"
	if ! wait_for 20 grep -q '^ready' "$W/hr1.out" ||
	   ! wait_for 20 grep -q '^ready' "$W/hr2.out"; then
		cfail "holders not ready: $(cat "$W/hr1.out" "$W/hr2.out")"
		cbr_quit
		return
	fi
	echo cbreg >&3
	wait_for 20 grep -q '^callback \|^error' "$W/hr1.out"
	port=$(sed -n 's/^callback //p' "$W/hr1.out")
	if [ -z "$port" ]; then
		cfail "no registered callback port: $(cat "$W/hr1.out")"
		cbr_quit
		return
	fi
	echo callback >&4
	wait_for 20 grep -q '^callback \|^error' "$W/hr2.out"
	grep -qx "callback $port" "$W/hr2.out" ||
		cfail "second client: not port $port: $(cat "$W/hr2.out")"
	out=$(ip netns exec rpcA rpcinfo -p 127.0.0.1 2>&1)
	echo "rpcinfo -p in rpcA:"
	sed 's/^/    /' <<<"$out"
	grep -qE "^ *$CBPROG +1 +tcp +$port( |\$)" <<<"$out" ||
		cfail "rpcinfo -p in rpcA: no $CBPROG 1 tcp $port"
	out=$(ip netns exec rpcA rpcinfo 127.0.0.1 2>&1)
	grep -qE "^ *$CBPROG +1 +tcp6 +::\.$((port >> 8))\.$((port & 255))( |\$)" <<<"$out" ||
		cfail "rpcinfo in rpcA: no $CBPROG 1 tcp6: $out"
	for t in "tcp 127.0.0.1" "tcp6 ::1"; do
		# shellcheck disable=SC2086
		out=$(timeout 20 ip netns exec rpcA rpcinfo -T $t "$CBPROG" 1 2>&1)
		grep -q "ready and waiting" <<<"$out" ||
			cfail "rpcinfo -T $t $CBPROG 1 in rpcA: $out"
	done
	out=$(ip netns exec rpcB rpcinfo -p 127.0.0.1 2>&1)
	grep -qE "^ *$CBPROG " <<<"$out" && cfail "rpcB's rpcbind has rpcA's service: $out"
	# The first client goes: the service and its registration stay.
	exec 3>&-
	wait "${hr[0]}" || cfail "holder 1 exited $?: $(cat "$W/hr1.out")"
	out=$(ip netns exec rpcA rpcinfo -p 127.0.0.1 2>&1)
	grep -qE "^ *$CBPROG +1 +tcp +$port( |\$)" <<<"$out" ||
		cfail "registration gone with the service still in use: $out"
	# The last: UNSET.
	exec 4>&-
	wait "${hr[1]}" || cfail "holder 2 exited $?: $(cat "$W/hr2.out")"
	hold_pids=()
	unset_done() { ! ip netns exec rpcA rpcinfo 127.0.0.1 | grep -qE "^ *$CBPROG "; }
	# By time, not tries: an rpcinfo takes a second or more in the guest.
	end=$((SECONDS + 20))
	while ! unset_done && [ $SECONDS -lt $end ]; do
		nap
	done
	unset_done ||
		cfail "still registered after the service stopped: $(ip netns exec rpcA rpcinfo 127.0.0.1)"
}

# The global count of orphaned TCP sockets (/proc/net/sockstat).
orphans() { awk '$1 == "TCP:" { print $5 }' /proc/net/sockstat; }

# Kernel TCP sockets hold their netns, as upstream's xprtsock and svcsock
# do: a client's connection and an accepted callback connection in rpcU,
# the server side rpcUs stops answering (its veth end goes down), the
# client closes and rpcU is deleted.  Both sockets are orphans in
# FIN_WAIT1 then: they must keep rpcU alive while they retransmit their
# FIN (rpcU's tcp_orphan_retries is 1) and die, and rpcU with them.
# Without a reference the netns is torn down under them at once and,
# their timers stopped by tcp_close() for kernel sockets, they stay for
# ever: the orphan count never comes back.
case_tcp_orphan() {
	local port base0 o end hp gone_first=0
	if ! mknet U; then
		cfail "cannot build rpcU"
		return
	fi
	ip netns exec rpcU sysctl -qw net.ipv4.tcp_orphan_retries=1
	ip netns exec rpcUs sysctl -qw net.ipv4.tcp_orphan_retries=1
	start_server rpcUs -4 -p "$BASE" -t U
	mkfifo "$W/hu" "$W/hc"
	nsenter --net=/run/netns/rpcU "$prog" hold -p "$BASE" -t tcp \
		-x "/proc/$$/ns/net" <"$W/hu" >"$W/hu.out" 2>&1 &
	hp=$!
	hold_pids+=($hp)
	exec 3>"$W/hu"
	if ! wait_for 20 grep -q '^ready' "$W/hu.out"; then
		cfail "holder not ready: $(cat "$W/hu.out")"
		return
	fi
	grep -q '^ready [0-9]* U ' "$W/hu.out" || cfail "holder: $(cat "$W/hu.out")"
	echo callback >&3
	wait_for 20 grep -q '^callback \|^error' "$W/hu.out"
	port=$(sed -n 's/^callback //p' "$W/hu.out")
	if [ -z "$port" ]; then
		cfail "no callback port: $(cat "$W/hu.out")"
		return
	fi
	# rpcUs holds a connection to rpcU's callback service (not fd 3, the
	# holder's stdin: the holder must see its EOF).
	ip netns exec rpcUs "$prog" cbhold -s 10.0.0.2 -p "$port" <"$W/hc" \
		>"$W/hc.out" 2>&1 3>&- &
	hold_pids+=($!)
	exec 4>"$W/hc"
	if ! wait_for 20 grep -q '^ready' "$W/hc.out"; then
		cfail "callback holder not ready: $(cat "$W/hc.out")"
		return
	fi
	base0=$(orphans)
	ip -n rpcUs link set rpcU1 down || cfail "rpcU1 down"
	ip netns del rpcU || cfail "ip netns del rpcU"
	exec 3>&-
	wait "$hp" || cfail "holder exited $?: $(cat "$W/hu.out")"
	gone() { ! ip -n rpcUs link show rpcU1 >/dev/null 2>&1; }
	end=$((SECONDS + 60))
	while [ $SECONDS -lt $end ]; do
		o=$(orphans)
		if gone; then
			[ "$o" -gt "$base0" ] || break
			gone_first=1
		fi
		nap
	done
	echo "tcp_orphan: orphans $base0 before the close, $o after $((SECONDS + 60 - end)) s; rpcU $(gone && echo gone || echo alive)"
	[ "$gone_first" = 0 ] ||
		cfail "rpcU was torn down while orphaned sockets of it lived"
	[ "$o" -le "$base0" ] ||
		cfail "orphaned sockets left 60 s after the close: $o, $base0 before"
	gone || cfail "rpcU still alive 60 s after its sockets closed"
	exec 4>&-
	stop_pids "${hold_pids[@]}"
	hold_pids=()
}

# C cases: rpcns_test CASE in rpcA.
run_c() {
	run_case "$1" timeout 60 ip netns exec rpcA "$prog" "$1" -p "$BASE" \
		-b /run/netns/rpcB
}

need_exec "$prog" "$server" "$rpcns" /usr/sbin/rpcbind /usr/sbin/rpcinfo
loaded nsmods_pipefs || load_ko "$pko"
# One left by an earlier test that failed goes first.
load_ko_fresh "$ko"
[ -c /dev/nsmods_sunrpc_ns ] || fail "no /dev/nsmods_sunrpc_ns"
W=$(mktemp -d /tmp/sunrpc_rpc.XXXXXX)

for x in A B; do
	mknet $x || die "cannot build rpc$x/rpc${x}s"
	start_rpcbind "rpc${x}s"
done
# rpcAs: tag A, registered at BASE; the misbehaving ones unregistered.
start_server rpcAs -4 -p "$BASE" -t A -r
start_server rpcAs -6 -p "$BASE" -t A -r
i=1
for m in dropfirst badxid short badverf hugerec garbage denied closeeach silent frag; do
	start_server rpcAs -4 -p $((BASE + i)) -t A -H $m
	i=$((i + 1))
done
# BASE+11: nothing listens.
start_server rpcAs -4 -p $((BASE + 12)) -t A -H runt
start_server rpcAs -4 -p $((BASE + 13)) -t A -H frag1
start_server rpcAs -4 -p $((BASE + 14)) -t A -H half
# rpcBs: tag B at BASE unregistered, registered at BASE+20.
start_server rpcBs -4 -p "$BASE" -t B
start_server rpcBs -6 -p "$BASE" -t B
start_server rpcBs -4 -p $((BASE + 20)) -t B -r
start_server rpcBs -6 -p $((BASE + 20)) -t B -r
start_server rpcBs -4 -p $((BASE + 8)) -t B -H closeeach
[ "$bad" = 0 ] || die "setup"
echo "rpcinfo in rpcAs:"
ip netns exec rpcAs rpcinfo 127.0.0.1 | sed 's/^/    /'

run_sh null
run_sh rpcbind
run_sh rpcbind_tcp
run_sh linklocal
run_sh isolation
for c in hostile retrans scm setns reconnect uts badinput callback peers \
	signal perm cbmulti; do
	run_c $c
done
run_sh cbidle
run_sh cbrpcbind
run_sh proc
run_sh netns_gone
run_sh tcp_orphan

# No client left anywhere, and no fd of ours open.
l=$(all_transports rpcA rpcAs rpcB rpcBs)
[ "$l" = 0 ] || fail "transports left after the cases: $l"
for n in rpcA rpcAs rpcB rpcBs; do
	c=$(ip netns exec "$n" cat /proc/net/sunrpc_ns/clients)
	[ -z "$c" ] || fail "clients left in $n: $c"
done
[ -z "$(clients)" ] || fail "clients left in the initial netns: $(clients)"

kill_all
del_netns "${netns_all[@]}"
wait_for 10 rmmod nsmods_sunrpc_ns || fail "rmmod nsmods_sunrpc_ns"
[ ! -e /dev/nsmods_sunrpc_ns ] || fail "/dev/nsmods_sunrpc_ns left after rmmod"
[ ! -e /sys/module/nsmods_sunrpc_ns ] || fail "module still there after rmmod"
[ ! -e /proc/net/sunrpc_ns ] || fail "/proc/net/sunrpc_ns left after rmmod"
rmmod nsmods_pipefs || fail "rmmod nsmods_pipefs"

end_test
