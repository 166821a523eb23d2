// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test iface_perm (issue 13 section 2): who may do what of the new
 * interface (Documentation/nsfs.rst), as uid 65534 in the initial user
 * namespace and as root of a user namespace owned by 65534.  Root opens
 * the descriptors; the children inherit them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nsfs_test.h"

struct given {
	int user, mnt, pid, net;	/* ours, of root's namespaces */
	int holder_pidfd;		/* a root process in a new netns */
	__u64 mnt_id;
	pid_t root_pid;
};

static void as_other(const struct given *g, bool userns_root)
{
	const char *who = userns_root ? "userns root" : "uid 65534";
	unsigned int uid = 1;
	__u64 id = 0;
	int fd, real, pidfd, r;

	r = ns_ioctl(g->net, NS_GET_NSTYPE);
	CHECK(r == CLONE_NEWNET, "%s: NS_GET_NSTYPE %d", who, r);

	/* The owner as seen from the caller's user namespace. */
	r = ns_ioctl_arg(g->user, NS_GET_OWNER_UID, (unsigned long)&uid);
	CHECK(!r && uid == (userns_root ? 65534 : 0),
	      "%s: owner of the initial user ns: %d uid %u", who, r, uid);
	fd = ns_open(getpid(), CLONE_NEWUSER, 0);
	uid = 1;
	r = fd < 0 ? fd : ns_ioctl_arg(fd, NS_GET_OWNER_UID, (unsigned long)&uid);
	CHECK(!r && uid == 0, "%s: owner of its own user ns: %d uid %u", who,
	      r, uid);
	closeif(fd);

	r = ns_ioctl_arg(g->mnt, NS_GET_MNTNS_ID, (unsigned long)&id);
	CHECK(!r && id == g->mnt_id, "%s: NS_GET_MNTNS_ID %d id %llu", who, r,
	      (unsigned long long)id);
	r = ns_ioctl_arg(g->pid, NS_GET_PID_FROM_PIDNS, g->root_pid);
	CHECK(r == g->root_pid, "%s: PID_FROM_PIDNS %d", who, r);
	r = ns_ioctl_arg(g->pid, NS_GET_PID_IN_PIDNS, getpid());
	CHECK(r == getpid(), "%s: PID_IN_PIDNS %d", who, r);

	/* The owner only if it is in the caller's subtree. */
	r = ns_ioctl(g->net, NS_GET_USERNS);
	if (userns_root)
		CHECK(r == -EPERM, "%s: NS_GET_USERNS %d, want -EPERM", who, r);
	else
		CHECK(r >= 0 && fs_magic(r) == NSMODS_NSFS_MAGIC,
		      "%s: NS_GET_USERNS %d", who, r);
	closeif(r);
	/* Walking all mount namespaces needs CAP_SYS_ADMIN in the first. */
	r = ns_ioctl_arg(g->mnt, NS_MNT_GET_NEXT, 0);
	CHECK(r == -EPERM, "%s: NS_MNT_GET_NEXT %d, want -EPERM", who, r);
	closeif(r);

	/* The bridge works for any holder; setns() then asks for privilege. */
	real = ns_ioctl(g->net, NSMODS_NSFS_GET_NSFS);
	CHECK(real >= 0 && fs_magic(real) == NSFS_MAGIC_UPSTREAM,
	      "%s: GET_NSFS %d", who, real);
	if (real >= 0) {
		errno = 0;
		CHECK(setns(real, CLONE_NEWNET) < 0 && errno == EPERM,
		      "%s: setns to root's netns: %m, want EPERM", who);
	}
	closeif(real);

	/* pidfd opens: ptrace read access, as /proc/PID/ns. */
	r = ns_open(g->holder_pidfd, CLONE_NEWNET, NSMODS_NSFS_OPEN_PIDFD);
	CHECK(r == -EACCES, "%s: root's netns by pidfd: %d, want -EACCES", who, r);
	closeif(r);
	r = ns_open(g->holder_pidfd, CLONE_NEWPID, NSMODS_NSFS_OPEN_PIDFD |
		    NSMODS_NSFS_OPEN_FOR_CHILDREN);
	CHECK(r == -EACCES, "%s: root's pid_for_children: %d, want -EACCES", who, r);
	closeif(r);
	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	r = ns_open(pidfd, CLONE_NEWNET, NSMODS_NSFS_OPEN_PIDFD);
	CHECK(r >= 0 && fd_stat(r).st_ino == proc_ns_ino(getpid(), "net"),
	      "%s: own netns by pidfd: %d", who, r);
	closeif(r);
	r = ns_open(pidfd, CLONE_NEWPID, NSMODS_NSFS_OPEN_PIDFD |
		    NSMODS_NSFS_OPEN_FOR_CHILDREN);
	CHECK(r >= 0 && fd_stat(r).st_ino ==
	      ns_inum("/proc/self/ns/pid_for_children"),
	      "%s: own pid_for_children by pidfd: %d", who, r);
	closeif(r);
	r = ns_open(getpid(), CLONE_NEWTIME, NSMODS_NSFS_OPEN_FOR_CHILDREN);
	CHECK(r >= 0 && fd_stat(r).st_ino ==
	      ns_inum("/proc/self/ns/time_for_children"),
	      "%s: own time_for_children by pid: %d", who, r);
	closeif(r);
	closeif(pidfd);
}

void test_iface_perm(void)
{
	struct holder h = spawn_holder(CLONE_NEWNET);
	struct given g;
	int k, st, real;
	pid_t c;

	dev_fd();
	g.root_pid = getpid();
	g.user = ns_open(getpid(), CLONE_NEWUSER, 0);
	g.mnt = ns_open(getpid(), CLONE_NEWNS, 0);
	g.pid = ns_open(getpid(), CLONE_NEWPID, 0);
	g.net = ns_open(getpid(), CLONE_NEWNET, 0);
	g.holder_pidfd = syscall(SYS_pidfd_open, h.pid, 0);
	real = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	g.mnt_id = 0;
	CHECK(!ns_ioctl_arg(real, NS_GET_MNTNS_ID, (unsigned long)&g.mnt_id),
	      "the kernel's NS_GET_MNTNS_ID: %m");
	closeif(real);
	if (g.user < 0 || g.mnt < 0 || g.pid < 0 || g.net < 0 ||
	    g.holder_pidfd < 0) {
		fail("root's descriptors: %d %d %d %d %d", g.user, g.mnt, g.pid,
		     g.net, g.holder_pidfd);
	} else {
		for (k = 0; k < 2; k++) {
			c = fork_flushed();
			if (c == 0) {
				failures = 0;
				if (k ? become_userns_root() :
				    become_user(65534, 65534, 0, NULL, 0))
					child_exit();
				as_other(&g, k);
				child_exit();
			}
			st = wait_child(c);
			CHECK(st == 0, "%s child: %d", k ? "userns root" : "uid 65534",
			      st);
		}
	}
	closeif(g.user);
	closeif(g.mnt);
	closeif(g.pid);
	closeif(g.net);
	closeif(g.holder_pidfd);
	release_holder(&h);
}
