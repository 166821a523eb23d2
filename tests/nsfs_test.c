// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM test of nsmods_nsfs, run as root by tests/nsfs.sh with the module
 * (and sunrpc_ns, for "keepalive") loaded:
 *
 *   nsfs_test fs         the filesystem: not mountable, fds pin the module
 *   nsfs_test basic      every type, inode numbers, ioctls, bad input
 *   nsfs_test perm       the permission rule of /proc/PID/ns
 *   nsfs_test keepalive  an fd keeps a netns (and its pernet state) alive
 *   nsfs_test scm        the fd crosses namespaces over SCM_RIGHTS
 *   nsfs_test setns      setns(2) and bind mounts refuse our fds cleanly;
 *                        NSMODS_NSFS_GET_NSFS is the way round
 *
 * Each prints "FAIL: ..." lines for what went wrong and exits non-zero if
 * anything did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/nsmods_nsfs.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DEV "/dev/nsmods_nsfs"
#define NSFS_MAGIC_UPSTREAM 0x6e736673
#define NS_GET_NSTYPE_UPSTREAM _IO(0xb7, 0x3)
#define VETH_A "nsfsA"
#define VETH_B "nsfsB"

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
	failures++;
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static const struct {
	unsigned int type;
	const char *name;
} types[] = {
	{ CLONE_NEWNET, "net" }, { CLONE_NEWIPC, "ipc" },
	{ CLONE_NEWUTS, "uts" }, { CLONE_NEWNS, "mnt" },
	{ CLONE_NEWPID, "pid" }, { CLONE_NEWUSER, "user" },
	{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWTIME, "time" },
};

static int dev_fd(void)
{
	static int fd = -1;

	if (fd < 0) {
		fd = open(DEV, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			printf("FAIL: open %s: %m\n", DEV);
			exit(1);
		}
	}
	return fd;
}

/* ioctl(NSMODS_NSFS_IOC_OPEN); -errno on failure. */
static int ns_open(unsigned int pid, unsigned int type, unsigned int flags)
{
	struct nsmods_nsfs_open req = { .pid = pid, .type = type, .flags = flags };
	int fd = ioctl(dev_fd(), NSMODS_NSFS_IOC_OPEN, &req);

	return fd < 0 ? -errno : fd;
}

static int ns_ioctl(int fd, unsigned long cmd)
{
	int r = ioctl(fd, cmd);

	return r < 0 ? -errno : r;
}

static ino_t ino_of(const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		fail("stat %s: %m", path);
		return 0;
	}
	return st.st_ino;
}

static ino_t proc_ns_ino(pid_t pid, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	return ino_of(path);
}

static struct stat fd_stat(int fd)
{
	struct stat st = { 0 };

	if (fstat(fd, &st))
		fail("fstat %d: %m", fd);
	return st;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A child that runs @fn in its new namespaces and then waits on @hold. */
struct holder {
	pid_t pid;
	int go;		/* write end: child exits when it closes */
};

static struct holder spawn_holder(int flags)
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

static void release_holder(struct holder *h)
{
	if (h->pid <= 0)
		return;
	close(h->go);
	if (wait_child(h->pid))
		fail("holder %d failed", h->pid);
	h->pid = -1;
}

static char *read_file(const char *path, char *buf, size_t len)
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

/* Item 1: one internal filesystem, never registered, pinned by its fds. */
static void test_fs(void)
{
	char buf[8192];
	struct statfs sfs;
	struct stat ours, real;
	int fd;

	CHECK(read_file("/proc/filesystems", buf, sizeof(buf)),
	      "read /proc/filesystems");
	CHECK(!strstr(buf, "nsmods"), "our filesystem is in /proc/filesystems");

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

/* Item 4: every type, fstat, readlink and the NS_GET_* equivalents. */
static void test_basic(void)
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
	r = ns_ioctl(fd, NS_GET_NSTYPE_UPSTREAM);
	CHECK(r == -ENOTTY, "upstream NS_GET_NSTYPE on ours: %d, want -ENOTTY", r);
	{
		char c;

		CHECK(read(fd, &c, 1) < 0 && errno == EINVAL,
		      "read on a namespace fd: %m, want EINVAL");
	}
	close(fd);
}

/* Item 4: who may open: the /proc/PID/ns rule, ptrace read access. */
static void test_perm(void)
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

static int state_field(const char *state, const char *name, unsigned long *v)
{
	const char *p = strstr(state, name);

	return p && sscanf(p + strlen(name), ": %lu", v) == 1 ? 0 : -1;
}

static int has_record(const char *type, unsigned long ino)
{
	char buf[8192], want[64];

	if (!read_file("/sys/kernel/debug/nsmods_nsfs/records", buf, sizeof(buf)))
		return -1;
	snprintf(want, sizeof(want), "%s %lu refs", type, ino);
	return !!strstr(buf, want);
}

/*
 * Item 4: a netns whose tasks all exited lives on while our fd is open,
 * with its sunrpc_ns state; it is freed when the fd closes.  A veth peer
 * in the netns shows when it dies: netns cleanup deletes the pair.
 */
static void test_keepalive(void)
{
	char state[256], state2[256], cmd[128];
	unsigned long inum = 0, inst = 0, v;
	int rep[2], fd, real, i, gone;
	struct holder h;
	ino_t ino;
	pid_t c;

	/* A netns with one task, which reports the netns's sunrpc_ns state. */
	if (pipe(rep))
		return fail("pipe: %m");
	h = spawn_holder(CLONE_NEWNET);
	ino = proc_ns_ino(h.pid, "net");
	snprintf(cmd, sizeof(cmd), "/proc/%d/net/sunrpc_ns/state", h.pid);
	CHECK(read_file(cmd, state, sizeof(state)), "read %s: %m", cmd);
	CHECK(!state_field(state, "netns", &inum) && inum == ino &&
	      !state_field(state, "instance", &inst),
	      "sunrpc_ns state of the new netns: '%s'", state);

	fd = ns_open(h.pid, CLONE_NEWNET, 0);
	if (fd < 0) {
		release_holder(&h);
		return fail("open the netns: %s", strerror(-fd));
	}
	CHECK(fd_stat(fd).st_ino == ino, "st_ino is not the netns's");
	snprintf(cmd, sizeof(cmd),
		 "ip link add %s type veth peer name %s netns %d", VETH_A,
		 VETH_B, h.pid);
	CHECK(system(cmd) == 0, "%s failed", cmd);
	CHECK(if_nametoindex(VETH_A), "no %s", VETH_A);
	CHECK(has_record("net", ino) == 1, "no record for the netns");

	/* Its last task exits: only our fd holds the netns now. */
	release_holder(&h);
	for (i = 0; i < 30; i++) {
		usleep(100000);
		if (!if_nametoindex(VETH_A))
			break;
	}
	CHECK(if_nametoindex(VETH_A), "netns died with our fd open");

	/* Enter it the way round and read its state: the same instance. */
	real = ns_ioctl(fd, NSMODS_NSFS_GET_NSFS);
	CHECK(real >= 0 && fd_stat(real).st_ino == ino, "GET_NSFS: %d", real);
	c = fork();
	if (c == 0) {
		if (setns(real, CLONE_NEWNET))
			_exit(2);
		if (!read_file("/proc/self/net/sunrpc_ns/state", state2,
			       sizeof(state2)))
			_exit(3);
		if (state_field(state2, "netns", &v) || v != inum)
			_exit(4);
		if (state_field(state2, "instance", &v) || v != inst)
			_exit(5);
		_exit(0);
	}
	i = wait_child(c);
	CHECK(i == 0, "sunrpc_ns state of the kept netns: child said %d", i);
	close(real);

	/* Close it: the netns goes, and its veth pair with it. */
	close(fd);
	gone = 0;
	for (i = 0; i < 600 && !gone; i++) {
		usleep(100000);
		gone = !if_nametoindex(VETH_A);
	}
	CHECK(gone, "netns still alive 60 s after our fd closed");
	if (gone)
		printf("netns %lu kept by the fd, freed %.1f s after close\n",
		       inum, i / 10.0);
	else if (system("ip link del " VETH_A " 2>/dev/null"))
		fail("cannot delete %s", VETH_A);
	CHECK(has_record("net", ino) == 0, "record outlived its fd");
}

static int send_fd(int sock, int fd, unsigned long data)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(data) ? 0 : -1;
}

static int recv_fd(int sock, unsigned long *data)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { data, sizeof(*data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(*data))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * Item 5: a child in new user, net, uts and ipc namespaces sends us its
 * netns fd; we send it ours.  Each side sees the sender's namespace.
 */
static void test_scm(void)
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

/*
 * Item 6: setns(2) and bind mounts take only the kernel's own nsfs files.
 * Ours get a clean EINVAL; NSMODS_NSFS_GET_NSFS gives one they take.
 */
static void test_setns(void)
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

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "fs", test_fs }, { "basic", test_basic }, { "perm", test_perm },
		{ "keepalive", test_keepalive }, { "scm", test_scm },
		{ "setns", test_setns },
	};
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc == 2 && i < ARRAY_SIZE(cases); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		cases[i].fn();
		printf("%s %s (%d failures)\n", failures ? "FAILED" : "PASSED",
		       cases[i].name, failures);
		return failures ? 1 : 0;
	}
	fprintf(stderr, "usage: %s fs|basic|perm|keepalive|scm|setns\n", argv[0]);
	return 2;
}
