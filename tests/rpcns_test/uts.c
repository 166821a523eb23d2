// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test uts: the AUTH_SYS machine name comes from the creator's UTS
 * namespace at creation; uid, gid and groups are the creator's; AUTH_NONE
 * sends none.
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rpcns_test.h"

static void expect_machine(int fd, const char *machine, const char *what)
{
	struct sunrpc_ns_info in;
	char s[512], want[512];
	int r;

	snprintf(want, sizeof(want), "A flavor=1 machine=%s uid=0 gid=0", machine);
	r = whoami(fd, s, sizeof(s));
	if (r)
		fail("%s: WHOAMI: %s", what, ename(r));
	else
		CHECK(!strcmp(s, want), "%s: WHOAMI \"%s\", want \"%s\"", what, s, want);
	if (!get_info(fd, &in))
		CHECK(!strncmp(in.nodename, machine, sizeof(in.nodename)) &&
		      in.nodename[sizeof(in.nodename) - 1] == 0,
		      "%s: INFO nodename \"%.64s\", want \"%s\"", what, in.nodename,
		      machine);
}

/* expect_machine() on the next client passed over @sock. */
static void recv_machine(int sock, const char *machine, const char *what)
{
	int fd = recv_fd(sock, NULL);

	if (fd < 0)
		return fail("uts: recv_fd: %m");
	expect_machine(fd, machine, what);
	close(fd);
}

void test_uts(void)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	const gid_t groups[] = { 7, 8 };
	struct utsname u;
	char s[512], want[600];
	int sv[2], fd, r, mine;
	pid_t pid;

	if (uname(&u))
		return fail("uname: %m");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	dev_fd();
	pid = fork();
	if (pid < 0)
		return fail("fork: %m");
	if (pid == 0) {
		close(sv[0]);
		if (unshare(CLONE_NEWUTS) || sethostname("utsclient-A", 11)) {
			fail("uts child: unshare/sethostname: %m");
			exit(1);
		}
		fd = client("uts child", &o);
		if (fd < 0)
			exit(1);
		/* Taken at creation: a later change is not seen. */
		if (sethostname("utsclient-Z", 11))
			fail("uts child: sethostname: %m");
		o.proto = IPPROTO_TCP;
		mine = client("uts child tcp", &o);
		if (send_fd(sv[1], fd, 0) || (mine >= 0 && send_fd(sv[1], mine, 0)))
			fail("uts child: send_fd: %m");
		child_exit();
	}
	close(sv[1]);
	recv_machine(sv[0], "utsclient-A", "uts: client made in a new uts ns");
	recv_machine(sv[0], "utsclient-Z", "uts: tcp client made after a rename");
	close(sv[0]);
	reap(pid, "uts");

	/* Ours: our nodename. */
	fd = client("uts parent", &o);
	if (fd >= 0) {
		expect_machine(fd, u.nodename, "uts: client made in our uts ns");
		close(fd);
	}

	/* AUTH_NONE: no credential at all. */
	o.auth = SUNRPC_NS_AUTH_NONE;
	fd = client("auth none", &o);
	if (fd >= 0) {
		r = whoami(fd, s, sizeof(s));
		CHECK(!r && !strcmp(s, "A flavor=0 machine=- uid=- gid=-"),
		      "uts: AUTH_NONE WHOAMI %s \"%s\"", ename(r), r ? "" : s);
		close(fd);
	}

	/* The creator's ids and groups, whoever uses the client. */
	o.auth = SUNRPC_NS_AUTH_SYS;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	pid = fork();
	if (pid < 0)
		return fail("fork: %m");
	if (pid == 0) {
		close(sv[0]);
		/* Creating needs CAP_NET_ADMIN: the new ids keep it. */
		if (become_user(4321, 1234, 2, groups,
				1ULL << CAP_NET_ADMIN))
			exit(1);
		fd = client("cred child", &o);
		if (fd < 0 || send_fd(sv[1], fd, 0))
			fail("cred child: send_fd: %m");
		child_exit();
	}
	close(sv[1]);
	fd = recv_fd(sv[0], NULL);
	close(sv[0]);
	reap(pid, "cred");
	if (fd < 0)
		return fail("cred: recv_fd: %m");
	r = call_string(fd, P_CRED, s, sizeof(s));
	if (r) {
		fail("cred: CRED: %s", ename(r));
	} else {
		/* stamp=... is arbitrary: compare around it. */
		char *m = strstr(s, " machine=");

		snprintf(want, sizeof(want), " machine=%s uid=4321 gid=1234 gids=7,8",
			 u.nodename);
		CHECK(!strncmp(s, "flavor=1 stamp=", 15) && m && !strcmp(m, want),
		      "cred: CRED \"%s\", want \"flavor=1 stamp=N%s\"", s, want);
	}
	close(fd);
}
