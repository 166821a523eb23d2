// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test scm: C1 in ns1 passes a queue fd to C2 in ns2 over
 * SCM_RIGHTS; it still acts on its own queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

void test_scm(void)
{
	int sv[2], st;
	pid_t c1, c2;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	c1 = fork_flushed();
	if (c1 == 0) {
		struct mqns_attr a = mk_attr(4, 64), old = { 0 };
		unsigned long done;
		unsigned int prio = 0;
		char buf[64];
		int q, r;
		long n;

		close(sv[1]);
		child_start("scm: C1", CLONE_NEWIPC);
		q = mqns_open("s", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
		CHECK(q >= 0, "scm: C1: create s: %s", ename(q));
		r = q < 0 ? q : mqns_send(q, "from-ns1", 8, 2, NULL);
		CHECK(!r, "scm: C1: send: %s", ename(r));
		if (q < 0 || send_fd(sv[0], q, ipc_inum()))
			fail("scm: C1: send the fd: %m");
		closeif(q);
		if (recv(sv[0], &done, sizeof(done), 0) != sizeof(done))
			fail("scm: C1: no word from C2");
		/* What C2 did shows in ns1's queue, by name. */
		q = mqns_open("s", O_RDWR | O_NONBLOCK, 0, NULL);
		CHECK(q >= 0, "scm: C1: open s again: %s", ename(q));
		r = q < 0 ? q : mqns_getsetattr(q, NULL, &old);
		CHECK(!r && old.mq_curmsgs == 1, "scm: C1: curmsgs %lld, want 1",
		      (long long)old.mq_curmsgs);
		n = mqns_receive(q, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 8 && prio == 9 && !memcmp(buf, "from-ns2", 8),
		      "scm: C1: receive: %s", ename(n));
		closeif(q);
		r = mqns_unlink("s");
		CHECK(!r, "scm: C1: unlink: %s", ename(r));
		child_exit();
	}
	c2 = fork_flushed();
	if (c2 == 0) {
		struct mqns_attr old = { 0 };
		unsigned long inum1, done = 1;
		unsigned int prio = 0;
		char buf[64];
		int fd, mine, r;
		long n;

		close(sv[0]);
		child_start("scm: C2", CLONE_NEWIPC);
		fd = recv_fd(sv[1], &inum1);
		if (fd < 0) {
			fail("scm: C2: no fd");
			child_exit();
		}
		CHECK(inum1 != ipc_inum(), "scm: C1 and C2 share an ipc ns");
		n = mqns_receive(fd, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 8 && prio == 2 && !memcmp(buf, "from-ns1", 8),
		      "scm: C2: receive: %s", ename(n));
		r = mqns_send(fd, "from-ns2", 8, 9, NULL);
		CHECK(!r, "scm: C2: send: %s", ename(r));
		want_qsize(fd, 8, "scm: C2: read of the passed fd");
		/* The name means another queue here. */
		mine = mqns_open("s", O_RDWR, 0, NULL);
		CHECK(mine == -ENOENT, "scm: C2: s by name in ns2: %s, want ENOENT",
		      ename(mine));
		closeif(mine);
		mine = mqns_open("s", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
		CHECK(mine >= 0, "scm: C2: create s in ns2: %s", ename(mine));
		r = mine < 0 ? mine : mqns_getsetattr(mine, NULL, &old);
		CHECK(!r && old.mq_curmsgs == 0 && old.mq_maxmsg == 10,
		      "scm: C2: ns2's s: %s curmsgs %lld maxmsg %lld", ename(r),
		      (long long)old.mq_curmsgs, (long long)old.mq_maxmsg);
		closeif(mine);
		close(fd);
		if (send(sv[1], &done, sizeof(done), 0) != sizeof(done))
			fail("scm: C2: tell C1: %m");
		child_exit();
	}
	close(sv[0]);
	close(sv[1]);
	st = wait_child(c2);
	CHECK(st == 0, "scm: C2 exited %d", st);
	st = wait_child(c1);
	CHECK(st == 0, "scm: C1 exited %d", st);
}
