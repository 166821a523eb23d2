// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test: opening namespaces through the module, looking at files,
 * holder processes in new namespaces.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "nsfs_test.h"

/* ioctl(NSMODS_NSFS_IOC_OPEN); -errno on failure. */
int ns_open(unsigned int pid, unsigned int type, unsigned int flags)
{
	struct nsmods_nsfs_open req = { .pid = pid, .type = type, .flags = flags };
	int fd = ioctl(dev_fd(), NSMODS_NSFS_IOC_OPEN, &req);

	return fd < 0 ? -errno : fd;
}

int ns_ioctl(int fd, unsigned long cmd)
{
	int r = ioctl(fd, cmd);

	return r < 0 ? -errno : r;
}

/* ioctl(@fd, @cmd, @arg); -errno on failure. */
int ns_ioctl_arg(int fd, unsigned long cmd, unsigned long arg)
{
	int r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

/* statfs f_type of @fd's filesystem, or -1. */
long fs_magic(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) ? -1 : (long)sfs.f_type;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/*
 * Become root of a user namespace of our own owned by uid 65534: first
 * uid and gid 65534 with no capability, then a new user namespace whose 0
 * maps to 65534.  0, or -1 after a FAIL line.
 */
int become_userns_root(void)
{
	if (become_user(65534, 65534, 0, NULL, 0))
		return -1;
	/* Our /proc/self files are ours again, for the maps. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) || unshare(CLONE_NEWUSER)) {
		fail("unshare user ns as 65534: %m");
		return -1;
	}
	if (write_str("/proc/self/setgroups", "deny") ||
	    write_str("/proc/self/uid_map", "0 65534 1") ||
	    write_str("/proc/self/gid_map", "0 65534 1")) {
		fail("id maps: %m");
		return -1;
	}
	return 0;
}

ino_t ino_of(const char *path)
{
	ino_t ino = ns_inum(path);

	if (!ino)
		fail("stat %s: %m", path);
	return ino;
}

ino_t proc_ns_ino(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	return ino_of(path);
}

struct stat fd_stat(int fd)
{
	struct stat st = { 0 };

	if (fstat(fd, &st))
		fail("fstat %d: %m", fd);
	return st;
}

struct holder spawn_holder(int flags)
{
	struct holder h = { -1, -1 };
	int ready[2], go[2];
	char c;

	if (pipe(ready) || pipe(go)) {
		fail("pipe: %m");
		return h;
	}
	h.pid = fork();
	if (h.pid == 0) {
		close(ready[0]);
		close(go[1]);
		if (flags && unshare(flags))
			_exit(2);
		c = 'r';
		if (write(ready[1], &c, 1) != 1)
			_exit(3);
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	h.go = go[1];
	if (read(ready[0], &c, 1) != 1)
		fail("holder %d did not start (flags %#x)", h.pid, flags);
	close(ready[0]);
	return h;
}

void release_holder(struct holder *h)
{
	if (h->pid <= 0)
		return;
	close(h->go);
	if (wait_child(h->pid))
		fail("holder %d failed", h->pid);
	h->pid = -1;
}

char *read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return NULL;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = 0;
	return buf;
}
