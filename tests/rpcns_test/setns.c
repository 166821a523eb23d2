// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test setns: a client made in A still talks from A after
 * setns(B), its rpcbind lookup was A's; new clients are B's.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "rpcns_test.h"

void test_setns(void)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	struct sunrpc_ns_info in;
	unsigned long ina = net_inum(), inb;
	const char * const names[] = { "udp", "tcp", "udp6", "tcp6",
				       "udp rpcbind", "tcp rpcbind" };
	int fd[6], i, mine;
	char what[80];

	for (i = 0; i < 6; i++) {
		o.proto = i & 1 ? IPPROTO_TCP : IPPROTO_UDP;
		o.addr = i == 2 || i == 3 ? addr6 : NULL;
		o.port = i >= 4 ? ~0u : O_NORMAL;
		fd[i] = client(names[i], &o);
	}
	/* The UDP one is used once before; the others never. */
	if (fd[0] >= 0)
		expect_tag(fd[0], "A", "setns: udp client before setns");
	if (enter_net(nsb))
		return;
	inb = net_inum();
	CHECK(inb != ina, "setns: still in netns %lu", ina);
	for (i = 0; i < 6; i++) {
		if (fd[i] < 0)
			continue;
		snprintf(what, sizeof(what), "setns: %s client made in A, used in B",
			 names[i]);
		expect_tag(fd[i], "A", what);
		if (!get_info(fd[i], &in)) {
			CHECK(in.net_inum == ina, "%s: net_inum %u, want A's %lu", what,
			      in.net_inum, ina);
			/* rpcbind lookups were made in A: B's says BASE+20. */
			CHECK(in.port == base, "%s: port %u, want %u", what, in.port, base);
		}
		close(fd[i]);
	}
	/* New clients are B's; B's rpcbind has the program at BASE+20. */
	for (i = 0; i < 6; i++) {
		o.proto = i & 1 ? IPPROTO_TCP : IPPROTO_UDP;
		o.addr = i == 2 || i == 3 ? addr6 : NULL;
		o.port = i >= 4 ? ~0u : O_NORMAL;
		mine = client(names[i], &o);
		if (mine < 0)
			continue;
		snprintf(what, sizeof(what), "setns: %s client made in B", names[i]);
		expect_tag(mine, "B", what);
		if (!get_info(mine, &in)) {
			CHECK(in.net_inum == inb, "%s: net_inum %u, want B's %lu", what,
			      in.net_inum, inb);
			CHECK(in.port == base + (i >= 4 ? O_REG_B : 0),
			      "%s: port %u, want %u", what, in.port,
			      base + (i >= 4 ? O_REG_B : 0));
		}
		close(mine);
	}
}
