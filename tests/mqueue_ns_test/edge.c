// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test edge: ns1 dies while we hold an upstream mq fd of it.
 * That fd pins ns1's kernel mqueue mount, whose end is what the module
 * watches; a directory fd of an upstream mqueue mount of ns1 (which does
 * not pin that mount) shows when ns1 itself is freed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

void test_edge(void)
{
	unsigned long inum = 0, inum2 = 0;
	char base[64], u[96], buf[8192];
	int sv[2], ufd, dfd, fd, st, i, alive;
	struct mq_attr ma;
	struct nsrec r;
	double t, t0;
	ssize_t n;
	pid_t a;

	if (!make_tmpdir("mqedge", base, sizeof(base)))
		return;
	sub_dir(u, sizeof(u), base, "u");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	a = fork_flushed();
	if (a == 0) {
		struct mqns_attr at = mk_attr(2, 64);
		int q, uq, d;

		close(sv[0]);
		child_start("edge", CLONE_NEWIPC | CLONE_NEWNS);
		q = mqns_open("e", O_CREAT | O_RDWR, 0600, &at);
		CHECK(q >= 0, "edge: create e: %s", ename(q));
		CHECK(q < 0 || !mqns_send(q, "kept", 4, 0, NULL), "edge: send");
		closeif(q);
		uq = mq_open("/edge", O_CREAT | O_RDWR, 0600, NULL);
		CHECK(uq >= 0, "edge: upstream mq_open: %m");
		CHECK(uq < 0 || !mq_send(uq, "up", 2, 1), "edge: mq_send: %m");
		CHECK(!mount("none", u, "mqueue", 0, NULL),
		      "edge: mount -t mqueue %s: %m", u);
		d = open(u, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (uq < 0 || send_fd(sv[1], uq, ipc_inum()) ||
		    d < 0 || send_fd(sv[1], d, ipc_inum()))
			fail("edge: send the upstream fds: %m");
		child_exit();
	}
	close(sv[1]);
	ufd = recv_fd(sv[0], &inum);
	dfd = recv_fd(sv[0], &inum2);
	close(sv[0]);
	st = wait_child(a);
	CHECK(st == 0, "edge: A exited %d", st);
	if (ufd < 0 || dfd < 0 || inum != inum2) {
		fail("edge: no upstream fds from A");
		goto out;
	}

	/* ns1 has no task left: it is freed, upstream's mount says so. */
	for (i = 0; i < 100; i++) {
		fd = openat(dfd, "probe", O_CREAT | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0)
			break;
		close(fd);
		unlinkat(dfd, "probe", 0);
		usleep(100000);
	}
	CHECK(fd < 0 && errno == EACCES,
	      "edge: upstream O_CREAT in ns1 10 s after its last task: %s, want EACCES",
	      fd < 0 ? strerror(errno) : "ok");
	close(dfd);
	dfd = -1;

	/* But its kernel mqueue mount lives on, and we see no death. */
	alive = 1;
	for (i = 0; i < 10 && alive; i++) {
		alive = ns_rec(inum, &r) == 1 && !strcmp(r.state, "alive") &&
			r.internal == 1 && r.queues == 1;
		usleep(200000);
	}
	CHECK(alive,
	      "edge: freed ns1, upstream fd open: '%s', want alive queues:1 internal:1",
	      r.line);
	CHECK(!mq_getattr(ufd, &ma) && ma.mq_curmsgs == 1,
	      "edge: upstream fd: mq_getattr: %m");
	n = mq_receive(ufd, buf, sizeof(buf), NULL);
	CHECK(n == 2 && !memcmp(buf, "up", 2), "edge: upstream mq_receive: %m");

	close(ufd);
	ufd = -1;
	/*
	 * Dead, or already gone: with no mount of it left, the record may
	 * die and be freed between two looks (seen on a loaded machine).
	 */
	t0 = now_mono();
	for (;;) {
		memset(&r, 0, sizeof(r));
		n = ns_rec(inum, &r);
		if (n == 0 || (n == 1 && !strcmp(r.state, "dead")))
			break;
		if (now_mono() - t0 > 10) {
			n = -1;
			break;
		}
		usleep(20000);
	}
	CHECK(n >= 0, "edge: ns1 not dead 10 s after the upstream fd closed: '%s'",
	      r.line);
	if (n >= 0)
		printf("edge: ns %lu seen %s %.2f s after close\n", inum,
		       n ? "dead" : "gone", now_mono() - t0);
	t = wait_rec(inum, NULL, 10000, &r);
	CHECK(t >= 0, "edge: record of dead ns1 with no mount left: '%s'",
	      r.line);
out:
	closeif(ufd);
	closeif(dfd);
	CHECK(!rmdir(u) && !rmdir(base), "edge: rmdir: %m");
}
