// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test perm (item 4): who may open: the /proc/PID/ns rule, ptrace
 * read access.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "nsfs_test.h"

void test_perm(void)
{
	pid_t parent = getpid(), c;
	int st;

	c = fork();
	if (c == 0) {
		int fd, ours, proc, bad = 0;

		dev_fd();
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		/* Not ours to read: a root process. */
		ours = ns_open(parent, CLONE_NEWNET, 0);
		fd = open("/proc/1/ns/net", O_RDONLY);
		proc = fd < 0 ? -errno : 0;
		fd = open("/proc/self/ns/net", O_RDONLY);
		if (ours != -EACCES || ours != proc) {
			printf("FAIL: nobody opened root's netns: %d, /proc: %d\n",
			       ours, proc);
			bad = 1;
		}
		proc = ns_open(1, CLONE_NEWUSER, 0);
		if (proc != -EACCES) {
			printf("FAIL: nobody opened init's user ns: %d\n", proc);
			bad = 1;
		}
		/* Our own: allowed, as /proc/self/ns is. */
		ours = ns_open(getpid(), CLONE_NEWNET, 0);
		if (ours < 0 || fd < 0 || fd_stat(ours).st_ino != fd_stat(fd).st_ino) {
			printf("FAIL: nobody cannot open its own netns: %d\n", ours);
			bad = 1;
		}
		fflush(stdout);
		_exit(bad);
	}
	st = wait_child(c);
	CHECK(st == 0, "unprivileged child: %d", st);
}
