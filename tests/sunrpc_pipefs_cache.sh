#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nsmods-modules: sunrpc_ns pipefs
# nsmods-seconds: 150
#
# In-VM test of sunrpc_ns's host cache in rpc_pipefs (Documentation/
# sunrpc_ns.rst, "rpc_pipefs"): cache/sunrpc_ns_hosts with channel,
# content and flush in each namespace, a helper filling it through the
# channel, clients made by name through it (IPv4, IPv6), served from the
# cache the second time, per-namespace caches, timeouts, hostile answers
# and flushes, and rmmod of sunrpc_ns while mounted taking the cache
# directories out.  Setup: tests/lib/sunrpc_pipefs.bash.
# The cases are called indirectly (case_$name).
# shellcheck disable=SC2317 source-path=SCRIPTDIR
. "$(dirname "$0")/lib/sunrpc_pipefs.bash"

case_cache() {
	local h="$W/mA/cache/sunrpc_ns_hosts" out c t0
	for f in channel content flush; do
		[ -f "$h/$f" ] || cfail "no $f in A's cache dir"
	done
	[ -z "$(cat "$h/content")" ] || cfail "A's cache not empty: $(cat "$h/content")"
	ns_exec pfA "$prog" cached "$h/channel" srvA=10.0.0.3 srv6=fd00::3 \
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
	[ -z "$(cat "$W/mB/cache/sunrpc_ns_hosts/content")" ] ||
		cfail "B's cache has A's entries"
	# No helper: fails at once (issue 17), not after the whole wait.
	t0=$SECONDS
	hold B3 pfB -H srvA -R 30000 && cfail "B resolved srvA with no helper"
	grep -qx "error EPIPE" "$W/B3.out" || cfail "B by name: $(cat "$W/B3.out")"
	[ $((SECONDS - t0)) -lt 15 ] || cfail "no helper: failed after $((SECONDS - t0)) s"
	# A name the helper does not know.
	hold A6 pfA -H nosuch -R 1000 && cfail "nosuch resolved"
	grep -qx "error ETIMEDOUT" "$W/A6.out" || cfail "nosuch: $(cat "$W/A6.out")"
	# Hostile input.
	hold A7 pfA -H "bad/name" -R 1000 && cfail "bad/name accepted"
	grep -qx "error EINVAL" "$W/A7.out" || cfail "bad/name: $(cat "$W/A7.out")"
	hold A9 pfA -H "$(printf 'h\xe9')" -R 1000 && cfail "Latin-1 name accepted"
	grep -qx "error EINVAL" "$W/A9.out" || cfail "Latin-1 name: $(cat "$W/A9.out")"
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
	unhold A9
}

# Issue 17: nothing mounted fails at once; a read into a bad buffer keeps
# the request; one user cannot crowd out the others' requests.
case_cache_hard() {
	local ch="$W/mB/cache/sunrpc_ns_hosts/channel" out t0 g r
	umount "$W/mC"
	t0=$SECONDS
	hold C1 pfC -H srvA -R 30000 && cfail "resolved with nothing mounted"
	grep -qx "error ENODEV" "$W/C1.out" || cfail "nothing mounted: $(cat "$W/C1.out")"
	[ $((SECONDS - t0)) -lt 15 ] || cfail "nothing mounted: failed after $((SECONDS - t0)) s"
	unhold C1
	pmount pfC mC || cfail "mount C again"

	ns_exec pfB "$prog" badread "$ch" srvB 10.0.0.9 >"$W/badread.out" 2>&1 &
	g=$!
	wait_for 10 grep -q '^badread ready' "$W/badread.out" || cfail "badread not ready"
	hold B4 pfB -H srvB -R 30000 || cfail "after a bad read: $(cat "$W/B4.out")"
	wait "$g" || cfail "badread: $(cat "$W/badread.out")"
	unhold B4

	exec {r}<"$ch"
	out=$(in_ns pfB "$prog" flood 65534 10 fl 6000)
	echo "flood as uid 65534: $out"
	grep -qx "ENOBUFS 2" <<<"$out" || cfail "uid 65534 queued more than its share: $out"
	grep -qx "ETIMEDOUT 8" <<<"$out" || cfail "uid 65534's requests: $out"
	exec {r}<&-
}

sns_pipefs_setup
run_sh cache
run_sh cache_hard
sns_pipefs_finish
# Mounted, sunrpc_ns can go: its pernet exit takes the cache dirs out.
wait_for 10 rmmod nsmods_sunrpc_ns || fail "rmmod nsmods_sunrpc_ns"
for m in mA mB mC; do
	[ ! -e "$W/$m/cache/sunrpc_ns_hosts" ] || fail "cache dir left in $m after rmmod"
	umount "$W/$m" || fail "umount $m"
done
del_netns "${nets[@]}"
rmmod nsmods_pipefs || fail "rmmod nsmods_pipefs"

end_test
