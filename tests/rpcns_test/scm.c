// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test scm: a client made in A, passed over SCM_RIGHTS to a child
 * in B, still talks from A; the child's own clients are B's.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcns_test.h"

static void scm_child(int sock, unsigned long ina)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	struct sunrpc_ns_info in;
	unsigned long inb;
	int fd, i, mine;
	char what[64];

	if (enter_net(nsb))
		exit(1);
	inb = net_inum();
	CHECK(inb && inb != ina, "scm child: netns B %lu, A %lu", inb, ina);
	for (i = 0; i < 3; i++) {
		fd = recv_fd(sock, NULL);
		if (fd < 0) {
			fail("scm child: recv_fd: %m");
			exit(1);
		}
		snprintf(what, sizeof(what), "scm: fd %d from A used in B", i);
		expect_tag(fd, "A", what);
		expect_tag(fd, "A", what);
		if (!get_info(fd, &in))
			CHECK(in.net_inum == ina, "%s: net_inum %u, want A's %lu",
			      what, in.net_inum, ina);
		close(fd);
	}
	/* Clients made here are B's. */
	for (i = 0; i < 2; i++) {
		o.proto = i ? IPPROTO_TCP : IPPROTO_UDP;
		mine = client("scm child", &o);
		if (mine < 0)
			continue;
		snprintf(what, sizeof(what), "scm: child's own %s client in B",
			 pname(o.proto));
		expect_tag(mine, "B", what);
		if (!get_info(mine, &in))
			CHECK(in.net_inum == inb, "%s: net_inum %u, want B's %lu",
			      what, in.net_inum, inb);
		close(mine);
	}
	child_exit();
}

void test_scm(void)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	unsigned long ina = net_inum();
	int sv[2], fd[3], i;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	/* UDP; TCP never used here (its socket is made in B's hands); IPv6. */
	fd[0] = client("scm udp", &o);
	o.proto = IPPROTO_TCP;
	fd[1] = client("scm tcp", &o);
	o.addr = addr6;
	o.proto = IPPROTO_UDP;
	fd[2] = client("scm udp6", &o);
	expect_tag(fd[0], "A", "scm: udp client in A");
	pid = fork();
	if (pid < 0)
		return fail("fork: %m");
	if (pid == 0) {
		close(sv[0]);
		scm_child(sv[1], ina);
	}
	close(sv[1]);
	for (i = 0; i < 3; i++) {
		if (fd[i] < 0 || send_fd(sv[0], fd[i], 0))
			fail("scm: send_fd %d: %m", i);
		/* The one in flight, then the child's, keep it alive. */
		close(fd[i]);
	}
	close(sv[0]);
	reap(pid, "scm");
}
