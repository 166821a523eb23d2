// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test reconnect: TCP reconnects (closeeach) make their sockets in
 * A, also after setns(B).
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "rpcns_test.h"

/*
 * Five WHOAMIs, each answered by A's server (@when: "call N @when"); then
 * the counts of the @calls calls so far: a new socket, in A, for each.
 */
static void five_calls(int fd, unsigned long ina, unsigned int calls,
		       const char *when, const char *after)
{
	struct sunrpc_ns_info in;
	char what[64];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(what, sizeof(what), "reconnect: call %d %s", i, when);
		expect_tag(fd, "A", what);
	}
	if (get_info(fd, &in))
		return;
	CHECK(in.calls == calls, "reconnect: calls %llu, want %u",
	      (unsigned long long)in.calls, calls);
	CHECK(in.reconnects >= calls - 1, "reconnect: reconnects %llu after %u calls",
	      (unsigned long long)in.reconnects, calls);
	CHECK(in.sockets >= calls, "reconnect: sockets %llu after %u calls",
	      (unsigned long long)in.sockets, calls);
	CHECK(in.net_inum == ina, "reconnect: net_inum %u%s, want %lu",
	      in.net_inum, after, ina);
}

void test_reconnect(void)
{
	struct copts o = { .proto = IPPROTO_TCP, .port = O_CLOSEEACH,
			   .auth = SUNRPC_NS_AUTH_SYS, .retries = 3 };
	unsigned long ina = net_inum();
	int fd;

	fd = client("closeeach", &o);
	if (fd < 0)
		return;
	five_calls(fd, ina, 5, "in A", "");
	/* B's closeeach server has tag B: new sockets must still be A's. */
	if (!enter_net(nsb))
		five_calls(fd, ina, 10, "after setns(B)", " after setns");
	close(fd);
}
