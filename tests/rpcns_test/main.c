// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM test of nsmods_sunrpc_ns.ko's RPC clients, run as root by
 * tests/sunrpc_rpc.sh inside the client network namespace rpcA (that is
 * "A" below; "B" is rpcB), with the module loaded and the servers of
 * tests/rpcns_server/ running.  Both rpcAs (reached from rpcA) and rpcBs
 * (from rpcB) answer at the same addresses, ADDR (10.0.0.3) and ADDR6
 * (fd00::3); each server's WHOAMI starts with its tag, A or B.  Ports,
 * from BASE (20049):
 *
 *   BASE+0   normal, tag A in rpcAs and B in rpcBs, UDP+TCP, IPv4+IPv6;
 *            rpcAs's is registered with rpcAs's rpcbind
 *   BASE+1   -H dropfirst   BASE+2  -H badxid    BASE+3  -H short
 *   BASE+4   -H badverf     BASE+5  -H hugerec   BASE+6  -H garbage
 *   BASE+7   -H denied      BASE+8  -H closeeach (A in rpcAs, B in rpcBs)
 *   BASE+9   -H silent      BASE+10 -H frag      BASE+11 nothing listens
 *   BASE+12  -H runt        BASE+13 -H frag1     BASE+14 -H half
 *   10.0.0.99 (ADDR_NOBODY): no host, connects to it wait for ARP
 *   BASE+20  in rpcBs only: tag B, registered with rpcBs's rpcbind (so a
 *            rpcbind lookup made in B finds BASE+20, one made in A BASE)
 *
 * usage: rpcns_test CASE [-s ADDR] [-S ADDR6] [-p BASE] [-b NETNS_B]
 *                        [-t udp|tcp] [-x NETNS]
 *   (defaults: 10.0.0.3, fd00::3, 20049, /run/netns/rpcB)
 *
 *   hostile    each misbehaving server gives the errno the header says:
 *              wrong xid dropped and counted, malformed replies EBADMSG,
 *              denied EACCES, PROC/PROG errors, GARBAGE_ARGS, SYSTEM_ERR,
 *              huge TCP record EMSGSIZE, multi-fragment replies, refused
 *   retrans    UDP retransmission (dropfirst), backoff and ETIMEDOUT
 *              (silent, slow replies)
 *   scm        a client made in A, passed over SCM_RIGHTS to a child in
 *              B, still talks from A; the child's own client from B
 *   setns      a client made in A still talks from A after setns(B), its
 *              rpcbind lookup was A's; new clients are B's
 *   reconnect  TCP reconnects (closeeach) make their sockets in A, also
 *              after setns(B)
 *   uts        AUTH_SYS machine name from the creator's UTS namespace at
 *              creation; uid, gid, groups of the creator; AUTH_NONE
 *   badinput   EINVAL, EFAULT, EMSGSIZE, ENOTTY for bad requests; CLOEXEC
 *   perm       who may create and start the callback service (uid 65534,
 *              an unowned and an owning user namespace's root), reserved
 *              source ports, the per-user cap, the clients file's view
 *   peers      hostile peers: UDP runts (empty, 3, 4, 7 bytes) and an
 *              oversized datagram for another xid are dropped while the
 *              call waits; EMSGSIZE gives the size the result needs (UDP
 *              and TCP); a 64 KiB reply in 1-byte TCP fragments is read
 *              in bounded time
 *   cbidle     an idle connection to the callback service, held while the
 *              last client using the service closes: the close is prompt
 *              and the connection is shut down
 *   cbmulti    the callback service serves peers at once: one trickling
 *              calls does not starve another, callback_max_conns at once
 *              and one more closed at once, callback_conn_lifetime ends
 *              a busy peer, a record sent a byte at a time is dropped
 *              5 s after the connect, the last client's close ends every
 *              connection
 *   signal     a signal (no SA_RESTART) during a TCP call whose reply is
 *              half sent gives EINTR and the next call works at once (the
 *              stream is not left mid-record); one during a connect gives
 *              EINTR, not a retry
 *   hold       (for sunrpc_rpc.sh) make a client of ADDR:BASE over -t
 *              (default udp), WHOAMI once, setns into -x NETNS if given,
 *              print "ready NET_INUM WHOAMI", then per stdin line
 *              "whoami" print "whoami STRING" or "error ENAME", "info"
 *              print "info net_inum N calls N sockets N", "callback"
 *              print "callback PORT" (SUNRPC_NS_IOC_CALLBACK) or "error
 *              ENAME", "cbreg" the same with SUNRPC_NS_IOC_CALLBACK_FLAGS
 *              and SUNRPC_NS_CB_RPCBIND; exit at EOF
 *   cbhold     (for sunrpc_rpc.sh) connect to the callback service at
 *              ADDR:BASE (-s, -p), make one NULL call on the connection,
 *              print "ready", hold the connection until stdin's EOF
 *
 * Each case is in the file of its name.  Each prints "FAIL: ..." lines for
 * what went wrong and exits non-zero if anything did.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpcns_test.h"

const char *addr4 = "10.0.0.3";
const char *addr6 = "fd00::3";
const char *nsb = "/run/netns/rpcB";
const char *xns;
unsigned int base = 20049;
int hold_proto = IPPROTO_UDP;

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		{ "hostile", test_hostile }, { "retrans", test_retrans },
		{ "scm", test_scm }, { "setns", test_setns },
		{ "reconnect", test_reconnect }, { "uts", test_uts },
		{ "badinput", test_badinput }, { "callback", test_callback },
		{ "hold", test_hold }, { "perm", test_perm },
		{ "hold", test_hold }, { "peers", test_peers },
		{ "cbidle", test_cbidle }, { "cbhold", test_cbhold },
		{ "signal", test_signal }, { "cbmulti", test_cbmulti },
	};
	const struct test_case *c = NULL;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2)
		c = find_case(cases, ARRAY_SIZE(cases), argv[1]);
	if (!c)
		goto usage;
	optind = 2;
	while ((opt = getopt(argc, argv, "s:S:p:b:t:x:")) != -1) {
		switch (opt) {
		case 's':
			addr4 = optarg;
			break;
		case 'S':
			addr6 = optarg;
			break;
		case 'p':
			base = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			nsb = optarg;
			break;
		case 't':
			hold_proto = strcmp(optarg, "tcp") ? IPPROTO_UDP :
				     IPPROTO_TCP;
			break;
		case 'x':
			xns = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	c->fn();
	if (!strcmp(c->name, "hold") || !strcmp(c->name, "cbhold"))
		return failures ? 1 : 0;
	return case_verdict(c->name);
usage:
	fprintf(stderr,
		"usage: %s hostile|retrans|scm|setns|reconnect|uts|badinput|callback|\n"
		"       peers|cbidle|cbmulti|signal|perm|hold|cbhold\n"
		"       [-s ADDR] [-S ADDR6] [-p BASE] [-b NETNS_B] [-t udp|tcp] [-x NETNS]\n",
		argv[0]);
	return 2;
}
