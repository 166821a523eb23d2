// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test scm (item 5): a child in new user, net, uts and ipc
 * namespaces sends us its netns fd; we send it ours.  Each side sees the
 * sender's namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nsfs_test.h"

void test_scm(void)
{
	unsigned long data;
	int sv[2], fd, fd2, st;
	pid_t c;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	dev_fd();
	c = fork();
	if (c == 0) {
		unsigned long ino, mine;
		int bad = 0;

		close(sv[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWUTS |
			    CLONE_NEWIPC))
			_exit(2);
		mine = proc_ns_ino(getpid(), "net");
		fd = ns_open(getpid(), CLONE_NEWNET, 0);
		if (fd < 0 || send_fd(sv[1], fd, mine))
			_exit(3);
		close(fd);
		/* The parent's netns, received in ours. */
		fd = recv_fd(sv[1], &ino);
		if (fd < 0)
			_exit(4);
		if (fd_stat(fd).st_ino != ino || ino == mine) {
			printf("FAIL: child got %lu for %lu\n",
			       (unsigned long)fd_stat(fd).st_ino, ino);
			bad = 1;
		}
		if (ns_ioctl(fd, NSMODS_NSFS_GET_NSTYPE) != CLONE_NEWNET)
			bad = 1;
		/* Its owner, init_user_ns, is not below ours: hidden. */
		fd2 = ns_ioctl(fd, NSMODS_NSFS_GET_USERNS);
		if (fd2 != -EPERM) {
			printf("FAIL: child saw the owner of init_net: %d\n", fd2);
			bad = 1;
		}
		fflush(stdout);
		_exit(bad);
	}
	close(sv[1]);

	fd = recv_fd(sv[0], &data);
	CHECK(fd >= 0, "no fd from the child");
	if (fd >= 0) {
		CHECK(fd_stat(fd).st_ino == data &&
		      data == proc_ns_ino(c, "net") &&
		      data != proc_ns_ino(getpid(), "net"),
		      "received fd: st_ino %lu, child's netns %lu",
		      (unsigned long)fd_stat(fd).st_ino, data);
		CHECK(ns_ioctl(fd, NSMODS_NSFS_GET_NSTYPE) == CLONE_NEWNET,
		      "received fd: wrong type");
		fd2 = ns_ioctl(fd, NSMODS_NSFS_GET_USERNS);
		CHECK(fd2 >= 0 && fd_stat(fd2).st_ino == proc_ns_ino(c, "user"),
		      "owner of the child's netns: %d", fd2);
		if (fd2 >= 0)
			close(fd2);
		fd2 = ns_ioctl(fd, NSMODS_NSFS_GET_NSFS);
		CHECK(fd2 >= 0 && fd_stat(fd2).st_ino == data,
		      "received fd: GET_NSFS %d", fd2);
		if (fd2 >= 0)
			close(fd2);
		close(fd);
	}
	fd = ns_open(getpid(), CLONE_NEWNET, 0);
	CHECK(fd >= 0 && !send_fd(sv[0], fd, proc_ns_ino(getpid(), "net")),
	      "send our netns fd: %m");
	close(fd);
	st = wait_child(c);
	CHECK(st == 0, "child: %d", st);
	close(sv[0]);
}
