// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test iface (issue 13 section 2): the kernel's own NS_GET_* ioctls
 * (<linux/nsfs.h>, 6.12) on our descriptors, each compared with what the
 * same ioctl gives on /proc/self/ns/TYPE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
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

static const unsigned long pid_ioctls[] = {
	NS_GET_PID_FROM_PIDNS, NS_GET_TGID_FROM_PIDNS,
	NS_GET_PID_IN_PIDNS, NS_GET_TGID_IN_PIDNS,
};

/* An fd of ours must be on our filesystem, for the namespace @ino. */
static void check_ours(int fd, ino_t ino, const char *what)
{
	CHECK(fd >= 0, "%s: %s", what, fd < 0 ? strerror(-fd) : "");
	if (fd < 0)
		return;
	CHECK(fs_magic(fd) == NSMODS_NSFS_MAGIC && fd_stat(fd).st_ino == ino,
	      "%s: f_type %#lx ino %lu, want ours and %lu", what, fs_magic(fd),
	      (unsigned long)fd_stat(fd).st_ino, (unsigned long)ino);
}

static void one_type(unsigned int i)
{
	const char *name = types[i].name;
	unsigned int type = types[i].type;
	char path[64];
	int fd, real, r, r2;
	unsigned int j;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	real = open(path, O_RDONLY | O_CLOEXEC);
	fd = ns_open(getpid(), type, 0);
	if (fd < 0 || real < 0) {
		fail("%s: open ours %d, %s: %m", name, fd, path);
		closeif(fd);
		closeif(real);
		return;
	}

	r = ns_ioctl(fd, NS_GET_NSTYPE);
	CHECK(r == (int)type, "%s: NS_GET_NSTYPE %d, want %#x", name, r, type);

	r = ns_ioctl(fd, NS_GET_USERNS);
	if (type == CLONE_NEWUSER)
		CHECK(r == -EPERM, "%s: NS_GET_USERNS %d, want -EPERM", name, r);
	else
		check_ours(r, proc_ns_ino(getpid(), "user"), "NS_GET_USERNS");
	closeif(r);

	r = ns_ioctl(fd, NS_GET_PARENT);
	r2 = ns_ioctl(real, NS_GET_PARENT);
	CHECK(r < 0 && r == r2, "%s: NS_GET_PARENT %d, the kernel's %d", name,
	      r, r2);
	closeif(r);
	closeif(r2);

	{
		unsigned int uid = 12345, kuid = 54321;

		r = ns_ioctl_arg(fd, NS_GET_OWNER_UID, (unsigned long)&uid);
		r2 = ns_ioctl_arg(real, NS_GET_OWNER_UID, (unsigned long)&kuid);
		if (type == CLONE_NEWUSER)
			CHECK(!r && !r2 && uid == 0 && kuid == 0,
			      "%s: NS_GET_OWNER_UID %d uid %u, the kernel's %d %u",
			      name, r, uid, r2, kuid);
		else
			CHECK(r == -EINVAL && r2 == -EINVAL,
			      "%s: NS_GET_OWNER_UID %d, the kernel's %d", name,
			      r, r2);
	}

	{
		__u64 id = 1, kid = 2;

		r = ns_ioctl_arg(fd, NS_GET_MNTNS_ID, (unsigned long)&id);
		r2 = ns_ioctl_arg(real, NS_GET_MNTNS_ID, (unsigned long)&kid);
		if (type == CLONE_NEWNS)
			CHECK(!r && !r2 && id == kid,
			      "%s: NS_GET_MNTNS_ID %d id %llu, the kernel's %d %llu",
			      name, r, (unsigned long long)id, r2,
			      (unsigned long long)kid);
		else
			CHECK(r == -EINVAL && r2 == -EINVAL,
			      "%s: NS_GET_MNTNS_ID %d, the kernel's %d", name,
			      r, r2);
	}

	if (type == CLONE_NEWNS) {
		struct mnt_ns_info in = { 0 }, kin = { 0 };

		r = ns_ioctl_arg(fd, NS_MNT_GET_INFO, (unsigned long)&in);
		r2 = ns_ioctl_arg(real, NS_MNT_GET_INFO, (unsigned long)&kin);
		CHECK(!r && !r2 && in.mnt_ns_id == kin.mnt_ns_id &&
		      in.nr_mounts == kin.nr_mounts && in.size == kin.size,
		      "NS_MNT_GET_INFO %d (%llu, %u), the kernel's %d (%llu, %u)",
		      r, (unsigned long long)in.mnt_ns_id, in.nr_mounts, r2,
		      (unsigned long long)kin.mnt_ns_id, kin.nr_mounts);
	}

	for (j = 0; type != CLONE_NEWPID && j < ARRAY_SIZE(pid_ioctls); j++) {
		r = ns_ioctl_arg(fd, pid_ioctls[j], getpid());
		CHECK(r == -EINVAL, "%s: pid ioctl %#lx: %d, want -EINVAL",
		      name, pid_ioctls[j], r);
	}
	close(real);
	close(fd);
}

struct thread_arg {
	pid_t tid;
	int stop;	/* read end: the thread returns when it is closed */
};

static void *thread_fn(void *arg)
{
	struct thread_arg *ta = arg;
	char c;

	__atomic_store_n(&ta->tid, syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	while (read(ta->stop, &c, 1) > 0)
		;
	return NULL;
}

/* Pid translation, in our pid namespace and in one below it. */
static void pid_translation(void)
{
	struct thread_arg ta = { 0, -1 };
	pthread_t th;
	pid_t tid, c, gc = -1;
	int fd, r, p[2];

	fd = ns_open(getpid(), CLONE_NEWPID, 0);
	if (fd < 0)
		return fail("open pid ns: %s", strerror(-fd));
	if (pipe(p))
		return fail("pipe: %m");
	ta.stop = p[0];
	if (pthread_create(&th, NULL, thread_fn, &ta))
		return fail("pthread_create");
	while (!(tid = __atomic_load_n(&ta.tid, __ATOMIC_SEQ_CST)))
		usleep(1000);
	r = ns_ioctl_arg(fd, NS_GET_PID_FROM_PIDNS, tid);
	CHECK(r == tid, "PID_FROM_PIDNS(thread %d) in ours: %d", tid, r);
	r = ns_ioctl_arg(fd, NS_GET_TGID_FROM_PIDNS, tid);
	CHECK(r == getpid(), "TGID_FROM_PIDNS(thread %d): %d, want %d", tid,
	      r, getpid());
	r = ns_ioctl_arg(fd, NS_GET_PID_IN_PIDNS, tid);
	CHECK(r == tid, "PID_IN_PIDNS(thread %d) in ours: %d", tid, r);
	r = ns_ioctl_arg(fd, NS_GET_TGID_IN_PIDNS, tid);
	CHECK(r == getpid(), "TGID_IN_PIDNS(thread %d): %d", tid, r);
	r = ns_ioctl_arg(fd, NS_GET_PID_FROM_PIDNS, 0x7ffffff0);
	CHECK(r == -ESRCH, "PID_FROM_PIDNS(no such pid): %d, want -ESRCH", r);
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
	close(fd);

	if (pipe(p))
		return fail("pipe: %m");
	c = fork_flushed();
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
	if (fd >= 0) {
		r = ns_ioctl_arg(fd, NS_GET_PID_FROM_PIDNS, 1);
		CHECK(r == gc, "PID_FROM_PIDNS(1) of the child ns: %d, want %d",
		      r, gc);
		r = ns_ioctl_arg(fd, NS_GET_TGID_FROM_PIDNS, 1);
		CHECK(r == gc, "TGID_FROM_PIDNS(1) of the child ns: %d", r);
		r = ns_ioctl_arg(fd, NS_GET_PID_IN_PIDNS, gc);
		CHECK(r == 1, "PID_IN_PIDNS(%d) in the child ns: %d, want 1",
		      gc, r);
		r = ns_ioctl_arg(fd, NS_GET_TGID_IN_PIDNS, gc);
		CHECK(r == 1, "TGID_IN_PIDNS(%d) in the child ns: %d", gc, r);
		r = ns_ioctl_arg(fd, NS_GET_PID_IN_PIDNS, getpid());
		CHECK(r == -ESRCH, "PID_IN_PIDNS(us) in the child ns: %d, want -ESRCH",
		      r);
		r = ns_ioctl_arg(fd, NS_GET_PID_FROM_PIDNS, 2);
		CHECK(r == -ESRCH, "PID_FROM_PIDNS(2) of the child ns: %d", r);
		close(fd);
	} else {
		fail("open child pid ns: %d", fd);
	}
	if (gc > 0)
		kill(gc, SIGKILL);
	CHECK(wait_child(c) == 0, "pid ns child failed");
}

/* NS_MNT_GET_NEXT/PREV: another mount namespace, as a descriptor of ours. */
static void mnt_next(void)
{
	struct mnt_ns_info in = { 0 }, kin = { 0 };
	struct holder h = spawn_holder(CLONE_NEWNS);
	int fd, real, r, r2;

	fd = ns_open(getpid(), CLONE_NEWNS, 0);
	real = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	r = ns_ioctl_arg(fd, NS_MNT_GET_NEXT, (unsigned long)&in);
	r2 = ns_ioctl_arg(real, NS_MNT_GET_NEXT, (unsigned long)&kin);
	CHECK(r2 >= 0, "the kernel's NS_MNT_GET_NEXT: %d", r2);
	if (r2 >= 0) {
		check_ours(r, fd_stat(r2).st_ino, "NS_MNT_GET_NEXT");
		CHECK(in.mnt_ns_id == kin.mnt_ns_id, "NS_MNT_GET_NEXT id %llu, want %llu",
		      (unsigned long long)in.mnt_ns_id,
		      (unsigned long long)kin.mnt_ns_id);
	}
	closeif(r);
	closeif(r2);
	closeif(fd);
	closeif(real);
	release_holder(&h);
}

void test_iface(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		one_type(i);
	pid_translation();
	mnt_next();
}

/*
 * pid_for_children and time_for_children, by pid and by pidfd, against
 * /proc/PID/ns; a process that unshared a pid namespace and has no child
 * yet has no pid_for_children (ENOENT, as in /proc).
 */
void test_children(void)
{
	static const struct {
		unsigned int type;
		const char *own, *children;
	} kinds[] = {
		{ CLONE_NEWPID, "pid", "pid_for_children" },
		{ CLONE_NEWTIME, "time", "time_for_children" },
	};
	unsigned int i, f;
	int ready[2], go[2], pidfd, fd, r;
	pid_t c, gc;
	char ch;

	for (f = 0; f < 2; f++) {
		if (pipe(ready) || pipe(go))
			return fail("pipe: %m");
		c = fork_flushed();
		if (c == 0) {
			close(ready[0]);
			close(go[1]);
			if (unshare(CLONE_NEWPID | CLONE_NEWTIME))
				_exit(2);
			/* f == 1: a child is the pid namespace's init. */
			gc = f ? fork() : -1;
			if (gc == 0) {
				pause();
				_exit(0);
			}
			ch = 'r';
			if (write(ready[1], &ch, 1) != 1)
				_exit(3);
			while (read(go[0], &ch, 1) > 0)
				;
			if (gc > 0) {
				kill(gc, SIGKILL);
				waitpid(gc, NULL, 0);
			}
			_exit(0);
		}
		close(ready[1]);
		close(go[0]);
		CHECK(read(ready[0], &ch, 1) == 1, "child did not start");
		close(ready[0]);
		pidfd = syscall(SYS_pidfd_open, c, 0);
		CHECK(pidfd >= 0, "pidfd_open: %m");
		for (i = 0; i < ARRAY_SIZE(kinds); i++) {
			char path[64];
			ino_t want;

			snprintf(path, sizeof(path), "/proc/%d/ns/%s", c,
				 kinds[i].children);
			want = ns_inum(path);
			if (!f && kinds[i].type == CLONE_NEWPID) {
				CHECK(!want && errno == ENOENT,
				      "%s of a pid ns with no init: %m", path);
				r = ns_open(c, kinds[i].type,
					    NSMODS_NSFS_OPEN_FOR_CHILDREN);
				CHECK(r == -ENOENT, "ours by pid: %d, want -ENOENT", r);
				closeif(r);
				r = ns_open(pidfd, kinds[i].type,
					    NSMODS_NSFS_OPEN_FOR_CHILDREN |
					    NSMODS_NSFS_OPEN_PIDFD);
				CHECK(r == -ENOENT, "ours by pidfd: %d, want -ENOENT", r);
				closeif(r);
				continue;
			}
			CHECK(want && want != proc_ns_ino(c, kinds[i].own),
			      "%s: %lu, the same as %s", path,
			      (unsigned long)want, kinds[i].own);
			fd = ns_open(c, kinds[i].type, NSMODS_NSFS_OPEN_FOR_CHILDREN);
			CHECK(fd >= 0 && fd_stat(fd).st_ino == want &&
			      ns_ioctl(fd, NS_GET_NSTYPE) == (int)kinds[i].type,
			      "%s by pid: %d", kinds[i].children, fd);
			closeif(fd);
			fd = ns_open(pidfd, kinds[i].type, NSMODS_NSFS_OPEN_FOR_CHILDREN |
				     NSMODS_NSFS_OPEN_PIDFD);
			CHECK(fd >= 0 && fd_stat(fd).st_ino == want,
			      "%s by pidfd: %d", kinds[i].children, fd);
			closeif(fd);
			fd = ns_open(pidfd, kinds[i].type, NSMODS_NSFS_OPEN_PIDFD);
			CHECK(fd >= 0 && fd_stat(fd).st_ino == proc_ns_ino(c, kinds[i].own),
			      "%s by pidfd: %d", kinds[i].own, fd);
			closeif(fd);
		}
		close(go[1]);
		CHECK(wait_child(c) == 0, "child %u failed", f);
		closeif(pidfd);
	}
	r = ns_open(getpid(), CLONE_NEWNET, NSMODS_NSFS_OPEN_FOR_CHILDREN);
	CHECK(r == -EINVAL, "net for children: %d, want -EINVAL", r);
	closeif(r);
}

/* How many descriptors this process has open. */
static int open_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/*
 * With no procfs anywhere in the caller's mount namespace, a pidfd still
 * opens every type; a pid number cannot (ENOENT).  The temporary
 * descriptor the kernel makes on the way is gone again.
 */
void test_noproc(void)
{
	struct holder h = spawn_holder(CLONE_NEWNET | CLONE_NEWUTS);
	unsigned int i;
	ino_t want[ARRAY_SIZE(types)];
	int pidfd, st;
	pid_t c;

	pidfd = syscall(SYS_pidfd_open, h.pid, 0);
	if (pidfd < 0) {
		release_holder(&h);
		return fail("pidfd_open: %m");
	}
	for (i = 0; i < ARRAY_SIZE(types); i++)
		want[i] = proc_ns_ino(h.pid, types[i].name);
	c = fork_flushed();
	if (c == 0) {
		int fd, r, before;

		failures = 0;
		dev_fd();	/* opened now: not counted as left behind */
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    umount2("/proc", MNT_DETACH)) {
			fail("no /proc: %m");
			child_exit();
		}
		CHECK(access("/proc/self/ns/net", F_OK), "/proc is still there");
		for (i = 0; i < ARRAY_SIZE(types); i++) {
			before = open_fds();
			fd = ns_open(pidfd, types[i].type, NSMODS_NSFS_OPEN_PIDFD);
			CHECK(fd >= 0 && fd_stat(fd).st_ino == want[i],
			      "%s by pidfd with no /proc: %d (%s)", types[i].name,
			      fd, fd < 0 ? strerror(-fd) : "wrong namespace");
			closeif(fd);
			CHECK(open_fds() == before, "%s: %d descriptors left",
			      types[i].name, open_fds() - before);
		}
		r = ns_open(h.pid, CLONE_NEWNET, 0);
		CHECK(r == -ENOENT, "by pid with no /proc: %d, want -ENOENT", r);
		closeif(r);
		child_exit();
	}
	st = wait_child(c);
	CHECK(st == 0, "child with no /proc: %d", st);
	close(pidfd);
	release_holder(&h);
}
