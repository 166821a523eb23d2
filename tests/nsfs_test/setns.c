// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test setns (item 6): setns(2) and bind mounts take only the
 * kernel's own nsfs files.  Ours get a clean EINVAL; NSMODS_NSFS_GET_NSFS
 * gives one they take.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "nsfs_test.h"

void test_setns(void)
{
	const char *target = "/tmp/nsfs_bind";
	char path[64];
	struct holder h;
	ino_t ino, mine;
	int fd, real, r, tfd;
	pid_t c;

	h = spawn_holder(CLONE_NEWNET);
	ino = proc_ns_ino(h.pid, "net");
	mine = proc_ns_ino(getpid(), "net");
	fd = ns_open(h.pid, CLONE_NEWNET, 0);
	if (fd < 0) {
		release_holder(&h);
		return fail("open: %s", strerror(-fd));
	}

	errno = 0;
	CHECK(setns(fd, 0) < 0 && errno == EINVAL, "setns(ours, 0): %m, want EINVAL");
	errno = 0;
	CHECK(setns(fd, CLONE_NEWNET) < 0 && errno == EINVAL,
	      "setns(ours, CLONE_NEWNET): %m, want EINVAL");
	CHECK(proc_ns_ino(getpid(), "net") == mine, "setns moved us");

	tfd = open(target, O_CREAT | O_RDONLY | O_CLOEXEC, 0600);
	if (tfd >= 0)
		close(tfd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	errno = 0;
	CHECK(mount(path, target, NULL, MS_BIND, NULL) < 0 && errno == EINVAL,
	      "bind mount of ours: %m, want EINVAL");
	if (!errno)
		umount2(target, MNT_DETACH);
	errno = 0;
	r = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	CHECK(r < 0 && errno == EINVAL, "open_tree clone of ours: %m, want EINVAL");
	if (r >= 0)
		close(r);

	/* The way round: a descriptor of the kernel's nsfs. */
	real = ns_ioctl(fd, NSMODS_NSFS_GET_NSFS);
	CHECK(real >= 0, "GET_NSFS: %s", strerror(-real));
	if (real >= 0) {
		struct statfs sfs;

		struct stat st;

		CHECK(!stat("/proc/self/ns/net", &st) &&
		      fd_stat(real).st_ino == ino &&
		      fd_stat(real).st_dev == st.st_dev,
		      "GET_NSFS fd is not the kernel's nsfs file of the netns");
		CHECK(!fstatfs(real, &sfs) && sfs.f_type == NSFS_MAGIC_UPSTREAM,
		      "GET_NSFS fd f_type %#lx", (long)sfs.f_type);
		c = fork();
		if (c == 0)
			_exit(setns(real, CLONE_NEWNET) ? 2 :
			      proc_ns_ino(getpid(), "net") == ino ? 0 : 3);
		r = wait_child(c);
		CHECK(r == 0, "setns with the nsfs fd: child said %d", r);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", real);
		r = mount(path, target, NULL, MS_BIND, NULL);
		CHECK(r == 0, "bind mount of the nsfs fd: %m");
		if (!r) {
			CHECK(ino_of(target) == ino, "bind mount shows another netns");
			umount2(target, MNT_DETACH);
		}
		close(real);
	}
	unlink(target);
	close(fd);
	release_holder(&h);
}
