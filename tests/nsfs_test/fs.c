// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test fs (item 1): one internal filesystem, never registered, not
 * mountable, pinned by its fds.
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
#include <sys/syscall.h>
#include <unistd.h>

#include "nsfs_test.h"

void test_fs(void)
{
	char buf[8192];
	struct statfs sfs;
	struct stat ours, real;
	int fd;

	CHECK(read_file("/proc/filesystems", buf, sizeof(buf)),
	      "read /proc/filesystems");
	CHECK(!strstr(buf, "\tnsmods_nsfs\n"),
	      "our filesystem is in /proc/filesystems");

	mkdir("/tmp/nsfs_mnt", 0700);
	errno = 0;
	CHECK(mount("none", "/tmp/nsfs_mnt", "nsmods_nsfs", 0, NULL) &&
	      errno == ENODEV, "mount -t nsmods_nsfs: %m, want ENODEV");
	errno = 0;
	CHECK(fsopen("nsmods_nsfs", FSOPEN_CLOEXEC) < 0 && errno == ENODEV,
	      "fsopen(nsmods_nsfs): %m, want ENODEV");

	fd = ns_open(getpid(), CLONE_NEWNET, 0);
	CHECK(fd >= 0, "open our netns: %s", strerror(-fd));
	if (fd < 0)
		return;
	CHECK(!fstatfs(fd, &sfs) && sfs.f_type == NSMODS_NSFS_MAGIC,
	      "f_type %#lx, want %#x", (long)sfs.f_type, NSMODS_NSFS_MAGIC);
	ours = fd_stat(fd);
	if (stat("/proc/self/ns/net", &real))
		fail("stat /proc/self/ns/net: %m");
	CHECK(ours.st_dev != real.st_dev, "our fd is on the kernel's nsfs");

	/* An open fd pins the module: unload must be refused. */
	errno = 0;
	CHECK(syscall(SYS_delete_module, "nsmods_nsfs", O_NONBLOCK) < 0 &&
	      (errno == EWOULDBLOCK || errno == EBUSY),
	      "delete_module with an fd open: %m, want EWOULDBLOCK");
	CHECK(!access("/sys/module/nsmods_nsfs", F_OK),
	      "module gone while an fd is open");
	close(fd);
}
