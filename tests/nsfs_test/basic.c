// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test basic (item 4): every type, fstat, readlink and the NS_GET_*
 * equivalents; inode numbers, owners, parents, pidfds, bad input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsfs_test.h"

static const struct {
	unsigned int type;
	const char *name;
} types[] = {
	{ CLONE_NEWNET, "net" }, { CLONE_NEWIPC, "ipc" },
	{ CLONE_NEWUTS, "uts" }, { CLONE_NEWNS, "mnt" },
	{ CLONE_NEWPID, "pid" }, { CLONE_NEWUSER, "user" },
	{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
};

void test_basic(void)
{
	struct holder uh;
	char path[64], link[64], want[64];
	struct stat st, st2, dev_st = { 0 };
	unsigned int i;
	int fd, fd2, r;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ino_t ino = proc_ns_ino(getpid(), types[i].name);

		fd = ns_open(getpid(), types[i].type, 0);
		if (fd < 0) {
			fail("open %s: %s", types[i].name, strerror(-fd));
			continue;
		}
		st = fd_stat(fd);
		CHECK(st.st_ino == ino, "%s: st_ino %lu, /proc says %lu",
		      types[i].name, (unsigned long)st.st_ino, (unsigned long)ino);
		CHECK(S_ISREG(st.st_mode), "%s: not a regular file", types[i].name);
		if (i == 0)
			dev_st = st;
		CHECK(st.st_dev == dev_st.st_dev, "%s: on another device",
		      types[i].name);
		r = ns_ioctl(fd, NSMODS_NSFS_GET_NSTYPE);
		CHECK(r == (int)types[i].type, "%s: type %#x, want %#x",
		      types[i].name, r, types[i].type);
		CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "%s: not O_CLOEXEC",
		      types[i].name);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		snprintf(want, sizeof(want), "%s:[%lu]", types[i].name,
			 (unsigned long)ino);
		memset(link, 0, sizeof(link));
		CHECK(readlink(path, link, sizeof(link) - 1) > 0 &&
		      !strcmp(link, want), "%s: readlink '%s', want '%s'",
		      types[i].name, link, want);

		/* A second open is the same file: same device and inode. */
		fd2 = ns_open(getpid(), types[i].type, 0);
		st2 = fd_stat(fd2);
		CHECK(fd2 >= 0 && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev,
		      "%s: second open differs", types[i].name);
		close(fd2);

		/* Owner: our own user namespace, as one of our fds. */
		fd2 = ns_ioctl(fd, NSMODS_NSFS_GET_USERNS);
		if (types[i].type == CLONE_NEWUSER) {
			CHECK(fd2 == -EPERM, "owner of init_user_ns: %d, want -EPERM",
			      fd2);
		} else {
			st2 = fd_stat(fd2);
			CHECK(fd2 >= 0 && st2.st_ino == proc_ns_ino(getpid(), "user") &&
			      st2.st_dev == st.st_dev &&
			      ns_ioctl(fd2, NSMODS_NSFS_GET_NSTYPE) == CLONE_NEWUSER,
			      "%s: GET_USERNS gave %d", types[i].name, fd2);
		}
		if (fd2 >= 0)
			close(fd2);

		/* Parent: only user and pid namespaces, and ours have none we see. */
		r = ns_ioctl(fd, NSMODS_NSFS_GET_PARENT);
		if (types[i].type == CLONE_NEWUSER || types[i].type == CLONE_NEWPID)
			CHECK(r == -EPERM, "%s: parent of the initial one: %d, want -EPERM",
			      types[i].name, r);
		else
			CHECK(r == -EINVAL, "%s: GET_PARENT %d, want -EINVAL",
			      types[i].name, r);
		if (r >= 0)
			close(r);
		close(fd);
	}

	/* Parents: a user namespace and a pid namespace made below ours. */
	uh = spawn_holder(CLONE_NEWUSER);
	fd = ns_open(uh.pid, CLONE_NEWUSER, 0);
	CHECK(fd >= 0 && fd_stat(fd).st_ino == proc_ns_ino(uh.pid, "user"),
	      "child user ns: %d", fd);
	fd2 = fd >= 0 ? ns_ioctl(fd, NSMODS_NSFS_GET_PARENT) : -1;
	CHECK(fd2 >= 0 && fd_stat(fd2).st_ino == proc_ns_ino(getpid(), "user"),
	      "parent of the child user ns: %d", fd2);
	if (fd2 >= 0)
		close(fd2);
	if (fd >= 0)
		close(fd);
	release_holder(&uh);

	/* A pid namespace below ours: its init's parent is ours. */
	{
		int p[2];
		pid_t c, gc = -1;

		if (pipe(p))
			fail("pipe: %m");
		c = fork();
		if (c == 0) {
			if (unshare(CLONE_NEWPID))
				_exit(2);
			gc = fork();
			if (gc == 0) {
				pause();
				_exit(0);
			}
			if (write(p[1], &gc, sizeof(gc)) != sizeof(gc))
				_exit(3);
			waitpid(gc, NULL, 0);
			_exit(0);
		}
		close(p[1]);
		CHECK(read(p[0], &gc, sizeof(gc)) == sizeof(gc), "no pid from child");
		close(p[0]);
		fd = gc > 0 ? ns_open(gc, CLONE_NEWPID, 0) : -1;
		CHECK(fd >= 0 && fd_stat(fd).st_ino == proc_ns_ino(gc, "pid") &&
		      fd_stat(fd).st_ino != proc_ns_ino(getpid(), "pid"),
		      "child pid ns: %d", fd);
		fd2 = fd >= 0 ? ns_ioctl(fd, NSMODS_NSFS_GET_PARENT) : -1;
		CHECK(fd2 >= 0 && fd_stat(fd2).st_ino == proc_ns_ino(getpid(), "pid") &&
		      ns_ioctl(fd2, NSMODS_NSFS_GET_NSTYPE) == CLONE_NEWPID,
		      "parent of the child pid ns: %d", fd2);
		if (fd2 >= 0)
			close(fd2);
		if (fd >= 0)
			close(fd);
		if (gc > 0)
			kill(gc, SIGKILL);
		CHECK(wait_child(c) == 0, "pid ns child failed");
	}

	/* pidfd: the namespace of the process the pidfd names. */
	uh = spawn_holder(CLONE_NEWNET);
	{
		int pidfd = syscall(SYS_pidfd_open, uh.pid, 0);

		CHECK(pidfd >= 0, "pidfd_open: %m");
		fd = ns_open(pidfd, CLONE_NEWNET, NSMODS_NSFS_OPEN_PIDFD);
		CHECK(fd >= 0 && fd_stat(fd).st_ino == proc_ns_ino(uh.pid, "net") &&
		      fd_stat(fd).st_ino != proc_ns_ino(getpid(), "net"),
		      "open by pidfd: %d", fd);
		if (fd >= 0)
			close(fd);
		release_holder(&uh);
		r = ns_open(pidfd, CLONE_NEWNET, NSMODS_NSFS_OPEN_PIDFD);
		CHECK(r == -ESRCH, "pidfd of a reaped process: %d, want -ESRCH", r);
		close(pidfd);
	}

	/* Bad input: a clear errno for each. */
	r = ns_open(getpid(), 0x1234, 0);
	CHECK(r == -EINVAL, "bad type: %d, want -EINVAL", r);
	r = ns_open(getpid(), CLONE_NEWNET | CLONE_NEWUTS, 0);
	CHECK(r == -EINVAL, "two types: %d, want -EINVAL", r);
	r = ns_open(getpid(), CLONE_NEWNET, 0x80);
	CHECK(r == -EINVAL, "bad flags: %d, want -EINVAL", r);
	{
		struct nsmods_nsfs_open req = { .pid = getpid(),
			.type = CLONE_NEWNET, .pad = 1 };

		r = ioctl(dev_fd(), NSMODS_NSFS_IOC_OPEN, &req) < 0 ? -errno : 0;
		CHECK(r == -EINVAL, "non-zero pad: %d, want -EINVAL", r);
		r = ioctl(dev_fd(), NSMODS_NSFS_IOC_OPEN, (void *)8) < 0 ? -errno : 0;
		CHECK(r == -EFAULT, "bad pointer: %d, want -EFAULT", r);
	}
	r = ns_open(0, CLONE_NEWNET, 0);
	CHECK(r == -EINVAL, "pid 0: %d, want -EINVAL", r);
	r = ns_open(0x80000000U, CLONE_NEWNET, 0);
	CHECK(r == -EINVAL, "pid > INT_MAX: %d, want -EINVAL", r);
	r = ns_open(0x7ffffff0, CLONE_NEWNET, 0);
	CHECK(r == -ESRCH, "no such pid: %d, want -ESRCH", r);
	r = ns_open(dev_fd(), CLONE_NEWNET, NSMODS_NSFS_OPEN_PIDFD);
	CHECK(r == -EBADF, "not a pidfd: %d, want -EBADF", r);
	r = ns_open(9999, CLONE_NEWNET, NSMODS_NSFS_OPEN_PIDFD);
	CHECK(r == -EBADF, "closed pidfd: %d, want -EBADF", r);
	r = ns_ioctl(dev_fd(), _IO(NSMODS_NSFS_IOC_MAGIC, 0x7f));
	CHECK(r == -ENOTTY, "unknown device ioctl: %d, want -ENOTTY", r);
	fd = ns_open(getpid(), CLONE_NEWNET, 0);
	r = ns_ioctl(fd, _IO(NSMODS_NSFS_IOC_MAGIC, 0x7f));
	CHECK(r == -ENOTTY, "unknown fd ioctl: %d, want -ENOTTY", r);
	r = ns_ioctl(fd, NS_GET_NSTYPE);
	CHECK(r == CLONE_NEWNET, "the kernel's NS_GET_NSTYPE on ours: %d", r);
	r = ns_ioctl(fd, _IO(NSIO, 0x7f));
	CHECK(r == -ENOTTY, "unknown NSIO ioctl on ours: %d, want -ENOTTY", r);
	{
		char c;

		CHECK(read(fd, &c, 1) < 0 && errno == EINVAL,
		      "read on a namespace fd: %m, want EINVAL");
	}
	close(fd);
}
