// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM test of nsmods_mqueue_ns, run as root by tests/mqueue_ns.sh with the
 * module loaded.  The module is used only in fresh child ipc namespaces:
 * a namespace that used it pins the module until the namespace dies, and
 * the initial one never dies.
 *
 *   mqueue_ns_test order    the same sequence on upstream POSIX mq and on
 *                           ours, in one fresh ipc ns: results, errnos,
 *                           order, priorities, QSIZE lines must match
 *   mqueue_ns_test block    blocked receivers and senders are woken, poll,
 *                           a signal interrupts a blocked receive or send
 *   mqueue_ns_test vfs      mount -t mqueue_ns: one sb per ipc ns, queues
 *                           as files, open(2)/unlink(2)/readdir on them
 *   mqueue_ns_test limits   per-namespace limits, CAP_SYS_RESOURCE,
 *                           queues_max, RLIMIT_MSGQUEUE and the per-user
 *                           byte accounting in debugfs
 *   mqueue_ns_test nsdeath  a mount outlives its ipc ns: old queues work,
 *                           no new ones; the record goes with the sb
 *   mqueue_ns_test edge     an upstream mq fd outliving its ipc ns delays
 *                           what the module sees of the death
 *   mqueue_ns_test scm      a queue fd passed to another ipc ns over
 *                           SCM_RIGHTS still acts on its own queue
 *   mqueue_ns_test userns   who may mount and set limits: the owner of
 *                           the ipc ns, not any user ns root
 *   mqueue_ns_test stress   namespaces come and go while two threads poke
 *                           at their mounts; nothing may be left
 *   mqueue_ns_test hold     (for mqueue_ns.sh, in a fresh ipc ns) open a
 *                           queue, print "ready INUM", wait for EOF on
 *                           stdin
 *
 * Each prints "FAIL: ..." lines for what went wrong and exits non-zero if
 * anything did.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/nsmods_mqueue_ns.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DBG "/sys/kernel/debug/nsmods_mqueue_ns"
#define DBG_NS DBG "/namespaces"
#define DBG_USERS DBG "/users"
#define NOBODY 65534
#define USER 1000
/* Upstream's read(2) line of a queue; QSIZE is the payload bytes queued. */
#define QSIZE_FMT "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n"

static int failures;
static unsigned long init_ipc_inum;

static void fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FAIL: %s\n", buf);
	fflush(stdout);
	__atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static const char *ename(long r)
{
	const char *s;

	if (r >= 0)
		return "ok";
	s = strerrorname_np(-r);
	return s ? s : "E?";
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CLOCK_REALTIME plus @ms: an absolute deadline. */
static struct timespec deadline_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	} else if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += 1000000000L;
	}
	return ts;
}

static unsigned long ns_inum(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

static unsigned long ipc_inum(void)
{
	return ns_inum("/proc/self/ns/ipc");
}

/*
 * Never use the module in the initial ipc namespace: it would pin the
 * module until reboot.  -ECANCELED stands for "refused by the test".
 */
static int in_init_ipc(void)
{
	if (ipc_inum() != init_ipc_inum)
		return 0;
	fail("refusing to use the module in the initial ipc namespace");
	return 1;
}

static int dev_fd(void)
{
	static int fd = -1;

	if (fd < 0) {
		fd = open(MQNS_DEVICE, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			printf("FAIL: open %s: %m\n", MQNS_DEVICE);
			exit(1);
		}
	}
	return fd;
}

/* A device ioctl, in the caller's ipc namespace; -errno on failure. */
static int dev_ioctl(unsigned long cmd, void *arg)
{
	int r;

	if (in_init_ipc())
		return -ECANCELED;
	r = ioctl(dev_fd(), cmd, arg);
	return r < 0 ? -errno : r;
}

static struct mqns_attr mk_attr(long maxmsg, long msgsize)
{
	struct mqns_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

	return a;
}

/* mq_open() on the module: a queue fd or -errno.  As glibc, drop one '/'. */
static int mqns_open(const char *name, int oflag, mode_t mode,
		     const struct mqns_attr *attr)
{
	struct mqns_open o = {
		.name = (uintptr_t)(name[0] == '/' ? name + 1 : name),
		.attr = (uintptr_t)attr,
		.oflag = oflag,
		.mode = mode,
	};

	return dev_ioctl(MQNS_IOC_OPEN, &o);
}

static int mqns_unlink(const char *name)
{
	struct mqns_name n = {
		.name = (uintptr_t)(name[0] == '/' ? name + 1 : name),
	};

	return dev_ioctl(MQNS_IOC_UNLINK, &n);
}

static int mqns_get_limits(struct mqns_limits *l)
{
	memset(l, 0, sizeof(*l));
	return dev_ioctl(MQNS_IOC_GET_LIMITS, l);
}

static int mqns_set_limits(const struct mqns_limits *l)
{
	struct mqns_limits c = *l;

	return dev_ioctl(MQNS_IOC_SET_LIMITS, &c);
}

/* mq_timedsend() on a queue fd; @abs NULL: no deadline. */
static int mqns_send(int fd, const void *buf, size_t len, unsigned int prio,
		     const struct timespec *abs)
{
	struct mqns_msg m = { .buf = (uintptr_t)buf, .len = len, .prio = prio };

	if (abs) {
		m.flags = MQNS_TIMEOUT;
		m.tv_sec = abs->tv_sec;
		m.tv_nsec = abs->tv_nsec;
	}
	return ioctl(fd, MQNS_IOC_SEND, &m) < 0 ? -errno : 0;
}

/* mq_timedreceive(): the message's length or -errno. */
static long mqns_receive(int fd, void *buf, size_t len, unsigned int *prio,
			 const struct timespec *abs)
{
	struct mqns_msg m = { .buf = (uintptr_t)buf, .len = len, .prio = ~0U };
	int r;

	if (abs) {
		m.flags = MQNS_TIMEOUT;
		m.tv_sec = abs->tv_sec;
		m.tv_nsec = abs->tv_nsec;
	}
	r = ioctl(fd, MQNS_IOC_RECEIVE, &m);
	if (r < 0)
		return -errno;
	if (prio)
		*prio = m.prio;
	return r;
}

/* mq_setattr() (@set non-NULL) or mq_getattr(). */
static int mqns_getsetattr(int fd, const struct mqns_attr *set,
			   struct mqns_attr *old)
{
	struct mqns_getsetattr a;

	memset(&a, 0, sizeof(a));
	if (set) {
		a.new_attr = *set;
		a.set = 1;
	}
	if (ioctl(fd, MQNS_IOC_GETSETATTR, &a) < 0)
		return -errno;
	if (old)
		*old = a.old_attr;
	return 0;
}

static int mount_mqns(const char *dir, const char *opts)
{
	if (in_init_ipc())
		return -ECANCELED;
	return mount("none", dir, MQNS_FSTYPE, 0, opts) ? -errno : 0;
}

/* The read(2) line of a queue fd, from offset 0; -errno on failure. */
static int qsize_line(int fd, char *buf, size_t len)
{
	ssize_t n;

	buf[0] = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

static void want_qsize(int fd, unsigned long qsize, const char *what)
{
	char got[128], want[128];
	int r;

	snprintf(want, sizeof(want), QSIZE_FMT, qsize, 0, 0, 0);
	r = qsize_line(fd, got, sizeof(got));
	CHECK(!r && !strcmp(got, want), "%s: read gave '%s' (%s), want '%s'",
	      what, got, ename(r), want);
}

/* A whole file (debugfs seq files included), malloc'd; NULL on failure. */
static char *slurp(const char *path)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !buf)
		goto err;
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				goto err;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0)
			goto err;
		if (!r)
			break;
		n += r;
	}
	buf[n] = 0;
	close(fd);
	return buf;
err:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

struct nsrec {
	char state[16];
	unsigned int queues;
	int internal;
	char line[128];
};

/*
 * The debugfs record of ipc namespace @inum: the number of lines for it
 * (the last one in @r), or -1 if the file cannot be read.
 */
static int ns_rec(unsigned long inum, struct nsrec *r)
{
	char *buf = slurp(DBG_NS), *line, *save = NULL;
	unsigned long n;
	unsigned int q;
	char st[16];
	int in, found = 0;

	if (!buf)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "ns:%lu state:%15s queues:%u internal:%d",
			   &n, st, &q, &in) != 4) {
			fail("bad line in %s: '%s'", DBG_NS, line);
			continue;
		}
		if (n != inum)
			continue;
		found++;
		if (r) {
			snprintf(r->state, sizeof(r->state), "%s", st);
			r->queues = q;
			r->internal = in;
			snprintf(r->line, sizeof(r->line), "%s", line);
		}
	}
	free(buf);
	return found;
}

/*
 * Wait up to @ms for the record of @inum to be in @state, or (@state NULL)
 * to be gone.  Return the seconds it took, or -1 on timeout.
 */
static double wait_rec(unsigned long inum, const char *state, int ms,
		       struct nsrec *r)
{
	double t0 = now_mono();
	struct nsrec tmp;
	int n;

	if (!r)
		r = &tmp;
	for (;;) {
		memset(r, 0, sizeof(*r));
		n = ns_rec(inum, r);
		if (state ? n == 1 && !strcmp(r->state, state) : n == 0)
			return now_mono() - t0;
		if ((now_mono() - t0) * 1000 > ms)
			return -1;
		usleep(20000);
	}
}

/* Bytes charged to @uid in debugfs: -1 no line, -2 unreadable. */
static long user_bytes(unsigned int uid)
{
	char *buf = slurp(DBG_USERS), *line, *save = NULL;
	unsigned long bytes;
	unsigned int u;
	long ret = -1;

	if (!buf)
		return -2;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "uid:%u bytes:%lu", &u, &bytes) != 2) {
			fail("bad line in %s: '%s'", DBG_USERS, line);
			continue;
		}
		if (u == uid)
			ret = bytes;
	}
	free(buf);
	return ret;
}

/* The names in @dir, sorted and comma separated; -errno on failure. */
static int list_dir(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	size_t off = 0;
	int i, n;

	out[0] = 0;
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		const char *s = ents[i]->d_name;

		if (strcmp(s, ".") && strcmp(s, "..") && off < len)
			off += snprintf(out + off, len - off, "%s%s",
					off ? "," : "", s);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

static void want_dir(const char *dir, const char *want, const char *what)
{
	char got[512];
	int r = list_dir(dir, got, sizeof(got));

	CHECK(!r && !strcmp(got, want), "%s: %s lists '%s' (%s), want '%s'",
	      what, dir, got, ename(r), want);
}

static pid_t fork_flushed(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Exit a child with its verdict; its FAIL lines were already printed. */
static void child_exit(void)
{
	fflush(stdout);
	_exit(failures ? 1 : 0);
}

static int make_private(void)
{
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ? -errno : 0;
}

/*
 * Run @fn in a child that first unshares @flags (with CLONE_NEWNS, makes
 * its mounts private); a failed child is a failure here.
 */
static void in_child(const char *what, int flags, void (*fn)(void))
{
	pid_t c = fork_flushed();
	int r;

	if (c < 0)
		return fail("%s: fork: %m", what);
	if (c == 0) {
		failures = 0;
		if (flags && unshare(flags)) {
			fail("%s: unshare(%#x): %m", what, flags);
			child_exit();
		}
		if ((flags & CLONE_NEWNS) && make_private()) {
			fail("%s: make / private: %m", what);
			child_exit();
		}
		fn();
		child_exit();
	}
	r = wait_child(c);
	CHECK(r == 0, "%s: child exited %d", what, r);
}

static int become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid)) {
		fail("setresuid(%u): %m", (unsigned int)uid);
		return -1;
	}
	return 0;
}

static int send_fd(int sock, int fd, unsigned long data)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
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
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
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

static char *make_tmpdir(const char *prefix, char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/%s.XXXXXX", prefix);
	if (!mkdtemp(buf)) {
		fail("mkdtemp %s: %m", buf);
		return NULL;
	}
	return buf;
}

static void sub_dir(char *buf, size_t len, const char *base, const char *sub)
{
	snprintf(buf, len, "%s/%s", base, sub);
	if (mkdir(buf, 0755) && errno != EEXIST)
		fail("mkdir %s: %m", buf);
}

/*
 * order: one sequence of calls, run on two backends in the same fresh ipc
 * namespace, upstream's POSIX mq through glibc and ours through the ioctls.
 */
struct backend {
	const char *name;
	int (*open)(const char *name, int oflag, mode_t mode,
		    const struct mqns_attr *attr);
	int (*unlink)(const char *name);
	int (*send)(int fd, const void *buf, size_t len, unsigned int prio,
		    const struct timespec *abs);
	long (*receive)(int fd, void *buf, size_t len, unsigned int *prio,
			const struct timespec *abs);
	int (*getsetattr)(int fd, const struct mqns_attr *set,
			  struct mqns_attr *old);
};

static int up_open(const char *name, int oflag, mode_t mode,
		   const struct mqns_attr *attr)
{
	struct mq_attr a = { 0 };
	mqd_t q;

	if (attr) {
		a.mq_maxmsg = attr->mq_maxmsg;
		a.mq_msgsize = attr->mq_msgsize;
	}
	q = mq_open(name, oflag, mode, attr ? &a : NULL);
	return q == (mqd_t)-1 ? -errno : q;
}

/* The system call itself: glibc's mq_unlink() turns EPERM into EACCES. */
static int up_unlink(const char *name)
{
	return syscall(SYS_mq_unlink, name + 1) ? -errno : 0;
}

static int up_send(int fd, const void *buf, size_t len, unsigned int prio,
		   const struct timespec *abs)
{
	int r = abs ? mq_timedsend(fd, buf, len, prio, abs) :
		      mq_send(fd, buf, len, prio);

	return r ? -errno : 0;
}

static long up_receive(int fd, void *buf, size_t len, unsigned int *prio,
		       const struct timespec *abs)
{
	ssize_t r = abs ? mq_timedreceive(fd, buf, len, prio, abs) :
			  mq_receive(fd, buf, len, prio);

	return r < 0 ? -errno : r;
}

static int up_getsetattr(int fd, const struct mqns_attr *set,
			 struct mqns_attr *old)
{
	struct mq_attr n = { 0 }, o = { 0 };
	int r;

	if (set) {
		n.mq_flags = set->mq_flags;
		r = mq_setattr(fd, &n, &o);
	} else {
		r = mq_getattr(fd, &o);
	}
	if (r)
		return -errno;
	old->mq_flags = o.mq_flags;
	old->mq_maxmsg = o.mq_maxmsg;
	old->mq_msgsize = o.mq_msgsize;
	old->mq_curmsgs = o.mq_curmsgs;
	return 0;
}

static const struct backend upstream = {
	"upstream", up_open, up_unlink, up_send, up_receive, up_getsetattr,
};

static const struct backend ours = {
	"ours", mqns_open, mqns_unlink, mqns_send, mqns_receive,
	mqns_getsetattr,
};

#define ORDER_ROWS 80
#define RES_LEN 96

static struct {
	const char *what;
	char want[RES_LEN];
	char res[2][RES_LEN];
} rows[ORDER_ROWS];
static int nrows, row, side;

static void rec(const char *what, const char *want, const char *fmt, ...)
{
	va_list ap;

	if (row >= ORDER_ROWS) {
		fail("order: too many rows");
		return;
	}
	if (!side) {
		rows[row].what = what;
		snprintf(rows[row].want, RES_LEN, "%s", want);
		nrows = row + 1;
	} else if (strcmp(rows[row].what, what)) {
		fail("order: row %d is '%s' here, '%s' upstream", row, what,
		     rows[row].what);
	}
	va_start(ap, fmt);
	vsnprintf(rows[row].res[side], RES_LEN, fmt, ap);
	va_end(ap);
	row++;
}

static void rec_r(const char *what, const char *want, long r)
{
	rec(what, want, "%s", ename(r));
}

/* A received message as "len=N prio=P data", or the errno. */
static void rec_msg(const char *what, const char *want, long r,
		    const char *buf, unsigned int prio)
{
	if (r < 0)
		rec(what, want, "%s", ename(r));
	else
		rec(what, want, "len=%ld prio=%u %.*s", r, prio, (int)r, buf);
}

static void rec_attr(const char *what, const char *want, int r,
		     const struct mqns_attr *a)
{
	if (r < 0)
		rec(what, want, "%s", ename(r));
	else
		rec(what, want, "flags=%s maxmsg=%lld msgsize=%lld curmsgs=%lld",
		    a->mq_flags == O_NONBLOCK ? "O_NONBLOCK" :
		    a->mq_flags ? "other" : "0",
		    (long long)a->mq_maxmsg, (long long)a->mq_msgsize,
		    (long long)a->mq_curmsgs);
}

static void rec_qsize(const char *what, int fd, unsigned long want_qsize)
{
	char got[128], want[128];
	int r = qsize_line(fd, got, sizeof(got));

	snprintf(want, sizeof(want), QSIZE_FMT, want_qsize, 0, 0, 0);
	want[strlen(want) - 1] = 0;
	if (r < 0) {
		rec(what, want, "%s", ename(r));
		return;
	}
	/* The newline must be there; the table shows the line without it. */
	if (strlen(got) && got[strlen(got) - 1] == '\n')
		got[strlen(got) - 1] = 0;
	else
		strcat(got, "<no newline>");
	rec(what, want, "%s", got);
}

/* A timed wait that should time out: the errno and whether it waited. */
static void rec_timed(const char *what, long r, double t0)
{
	double dt = now_mono() - t0;

	rec(what, "ETIMEDOUT waited", "%s %s", ename(r),
	    dt < 0.19 ? "early" : dt > 5 ? "late" : "waited");
}

/* An open's result as a test result: its -errno, or 0 for an fd. */
static int errof(long fd)
{
	if (fd < 0)
		return fd;
	return 0;
}

static void closeif(long fd)
{
	if (fd >= 0)
		close(fd);
}

/* What uid NOBODY gets, in a child: results as errnos, via a pipe. */
static void order_nobody(const struct backend *b, int res[4])
{
	int p[2], i;
	pid_t c;

	for (i = 0; i < 4; i++)
		res[i] = -ECHILD;
	if (pipe(p))
		return fail("pipe: %m");
	c = fork_flushed();
	if (c == 0) {
		int r[4] = { -ECANCELED, -ECANCELED, -ECANCELED, -ECANCELED };
		long fd;

		close(p[0]);
		if (!become(NOBODY)) {
			fd = b->open("/ord", O_RDONLY, 0, NULL);
			r[0] = errof(fd);
			closeif(fd);
			fd = b->open("/ord", O_WRONLY, 0, NULL);
			r[1] = errof(fd);
			closeif(fd);
			fd = b->open("/pub", O_RDONLY, 0, NULL);
			r[2] = errof(fd);
			closeif(fd);
			r[3] = b->unlink("/pub");
		}
		if (write(p[1], r, sizeof(r)) != sizeof(r))
			_exit(2);
		child_exit();
	}
	close(p[1]);
	if (read(p[0], res, 4 * sizeof(int)) != 4 * sizeof(int))
		fail("order: no results from the uid %d child", NOBODY);
	close(p[0]);
	CHECK(wait_child(c) == 0, "order: uid %d child failed", NOBODY);
}

static void order_seq(const struct backend *b)
{
	static const struct {
		unsigned int prio;
		const char *data;
	} msgs[] = {
		{ 1, "first-1" }, { 5, "five-5-5" }, { 1, "second-1-xx" },
		{ 3, "three" },
	};
	struct mqns_attr a = mk_attr(4, 64), bad, old, set;
	char buf[256], big[65], longname[258];
	struct timespec ts;
	unsigned int prio = 0, i;
	int q, fd, fd2, r, nb[4];
	long n;
	double t0;

	row = 0;
	memset(big, 'B', sizeof(big));
	memset(buf, 0, sizeof(buf));

	q = b->open("/ord", O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &a);
	rec_r("create /ord 4x64 O_EXCL|O_NONBLOCK", "ok", q);
	fd = b->open("/ord", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	rec_r("create /ord again, O_EXCL", "EEXIST", fd);
	closeif(fd);
	bad = mk_attr(0, 64);
	fd = b->open("/ord", O_CREAT | O_RDWR, 0600, &bad);
	rec_r("O_CREAT of existing /ord, attr 0x64", "ok", fd);
	closeif(fd);
	fd = b->open("/ord", O_RDONLY, 0, NULL);
	rec_r("open existing /ord O_RDONLY", "ok", fd);
	closeif(fd);
	fd = b->open("/ord", O_RDWR | O_WRONLY, 0, NULL);
	rec_r("open /ord O_RDWR|O_WRONLY", "EINVAL", fd);
	closeif(fd);
	fd = b->open("/missing", O_RDWR, 0, NULL);
	rec_r("open /missing without O_CREAT", "ENOENT", fd);
	closeif(fd);
	fd = b->open("/bad0", O_CREAT | O_RDWR, 0600, &bad);
	rec_r("create maxmsg 0", "EINVAL", fd);
	closeif(fd);
	bad = mk_attr(4, -1);
	fd = b->open("/bad1", O_CREAT | O_RDWR, 0600, &bad);
	rec_r("create msgsize -1", "EINVAL", fd);
	closeif(fd);
	bad = mk_attr(65537, 64);
	fd = b->open("/bad2", O_CREAT | O_RDWR, 0600, &bad);
	rec_r("create maxmsg 65537 (root)", "EINVAL", fd);
	closeif(fd);
	bad = mk_attr(20, 64);
	fd = b->open("/big", O_CREAT | O_EXCL | O_RDWR, 0600, &bad);
	rec_r("create 20x64 > msg_max (root)", "ok", fd);
	r = fd < 0 ? fd : b->getsetattr(fd, NULL, &old);
	rec_attr("getattr /big", "flags=0 maxmsg=20 msgsize=64 curmsgs=0", r,
		 &old);
	closeif(fd);
	rec_r("unlink /big", "ok", b->unlink("/big"));
	fd = b->open("/a/b", O_CREAT | O_RDWR, 0600, NULL);
	rec_r("create /a/b", "EACCES", fd);
	closeif(fd);
	fd = b->open("/.", O_CREAT | O_RDWR, 0600, NULL);
	rec_r("create /.", "EACCES", fd);
	closeif(fd);
	fd = b->open("/..", O_CREAT | O_RDWR, 0600, NULL);
	rec_r("create /..", "EACCES", fd);
	closeif(fd);
	longname[0] = '/';
	memset(longname + 1, 'n', 256);
	longname[257] = 0;
	fd = b->open(longname, O_CREAT | O_RDWR, 0600, NULL);
	rec_r("create a 256-char name", "ENAMETOOLONG", fd);
	closeif(fd);

	for (i = 0; i < ARRAY_SIZE(msgs); i++)
		rec_r("send", "ok", b->send(q, msgs[i].data,
					    strlen(msgs[i].data),
					    msgs[i].prio, NULL));
	rec_r("5th send, full, O_NONBLOCK", "EAGAIN",
	      b->send(q, "x", 1, 2, NULL));
	rec_r("send prio 32767, full", "EAGAIN",
	      b->send(q, "x", 1, 32767, NULL));
	r = b->getsetattr(q, NULL, &old);
	rec_attr("getattr full",
		 "flags=O_NONBLOCK maxmsg=4 msgsize=64 curmsgs=4", r, &old);
	rec_qsize("read: QSIZE line, full", q, 31);
	rec_r("receive, 63-byte buffer", "EMSGSIZE",
	      b->receive(q, buf, 63, &prio, NULL));
	rec_r("send 65 bytes", "EMSGSIZE", b->send(q, big, 65, 0, NULL));
	rec_r("send prio 32768", "EINVAL", b->send(q, "x", 1, 32768, NULL));
	ts = deadline_ms(1000);
	ts.tv_nsec = 2000000000L;
	rec_r("timed send, tv_nsec 2e9", "EINVAL", b->send(q, "x", 1, 0, &ts));

	n = b->receive(q, buf, 64, &prio, NULL);
	rec_msg("receive 1", "len=8 prio=5 five-5-5", n, buf, prio);
	n = b->receive(q, buf, 64, &prio, NULL);
	rec_msg("receive 2", "len=5 prio=3 three", n, buf, prio);
	n = b->receive(q, buf, 64, &prio, NULL);
	rec_msg("receive 3", "len=7 prio=1 first-1", n, buf, prio);
	rec_qsize("read: QSIZE line, one left", q, 11);
	n = b->receive(q, buf, 64, &prio, NULL);
	rec_msg("receive 4", "len=11 prio=1 second-1-xx", n, buf, prio);
	n = b->receive(q, buf, 64, &prio, NULL);
	rec_msg("receive, empty, O_NONBLOCK", "EAGAIN", n, buf, prio);
	rec_qsize("read: QSIZE line, empty", q, 0);

	set = mk_attr(0, 0);
	set.mq_flags = O_NONBLOCK | O_APPEND;
	rec_r("setattr flags O_NONBLOCK|O_APPEND", "EINVAL",
	      b->getsetattr(q, &set, &old));
	set.mq_flags = 0;
	r = b->getsetattr(q, &set, &old);
	rec_attr("setattr flags 0: old attr",
		 "flags=O_NONBLOCK maxmsg=4 msgsize=64 curmsgs=0", r, &old);
	r = b->getsetattr(q, NULL, &old);
	rec_attr("getattr after", "flags=0 maxmsg=4 msgsize=64 curmsgs=0", r,
		 &old);

	t0 = now_mono();
	ts = deadline_ms(200);
	rec_timed("timed receive, empty, now+200ms",
		  b->receive(q, buf, 64, &prio, &ts), t0);
	ts = deadline_ms(200);
	ts.tv_nsec = 2000000000L;
	rec_r("timed receive, tv_nsec 2e9", "EINVAL",
	      b->receive(q, buf, 64, &prio, &ts));
	ts = deadline_ms(200);
	ts.tv_nsec = -1;
	rec_r("timed receive, tv_nsec -1", "EINVAL",
	      b->receive(q, buf, 64, &prio, &ts));
	ts.tv_sec = -1;
	ts.tv_nsec = 0;
	rec_r("timed send, tv_sec -1", "EINVAL", b->send(q, "x", 1, 0, &ts));
	ts = deadline_ms(-1000);
	rec_r("timed send, past deadline, room", "ok",
	      b->send(q, "past", 4, 7, &ts));
	n = b->receive(q, buf, 64, &prio, &ts);
	rec_msg("timed receive, past deadline, queued",
		"len=4 prio=7 past", n, buf, prio);
	t0 = now_mono();
	n = b->receive(q, buf, 64, &prio, &ts);
	rec_msg("timed receive, past deadline, empty", "ETIMEDOUT", n, buf,
		prio);
	CHECK(now_mono() - t0 < 5, "%s: past deadline waited %.1f s", b->name,
	      now_mono() - t0);
	for (i = 0; i < 4; i++)
		b->send(q, msgs[i].data, strlen(msgs[i].data), 2, NULL);
	r = b->getsetattr(q, NULL, &old);
	rec_attr("getattr, refilled", "flags=0 maxmsg=4 msgsize=64 curmsgs=4",
		 r, &old);
	t0 = now_mono();
	ts = deadline_ms(200);
	rec_timed("timed send, full, now+200ms",
		  b->send(q, "x", 1, 0, &ts), t0);
	n = b->receive(q, buf, 64, &prio, NULL);
	rec_msg("receive, FIFO within prio 2", "len=7 prio=2 first-1", n, buf,
		prio);
	for (i = 1; i < 4; i++)
		b->receive(q, buf, 64, &prio, NULL);

	fd = b->open("/ord", O_WRONLY, 0, NULL);
	fd2 = b->open("/ord", O_RDONLY, 0, NULL);
	rec_r("receive on an O_WRONLY fd", "EBADF",
	      b->receive(fd, buf, 64, &prio, NULL));
	rec_r("send on an O_RDONLY fd", "EBADF",
	      b->send(fd2, "x", 1, 0, NULL));
	closeif(fd);
	closeif(fd2);

	fd = b->open("/pub", O_CREAT | O_EXCL | O_RDWR, 0644, NULL);
	rec_r("create /pub 0644, default attr", "ok", fd);
	r = fd < 0 ? fd : b->getsetattr(fd, NULL, &old);
	rec_attr("getattr /pub", "flags=0 maxmsg=10 msgsize=8192 curmsgs=0",
		 r, &old);
	closeif(fd);
	order_nobody(b, nb);
	rec_r("uid 65534: open /ord (0600) O_RDONLY", "EACCES", nb[0]);
	rec_r("uid 65534: open /ord (0600) O_WRONLY", "EACCES", nb[1]);
	rec_r("uid 65534: open /pub (0644) O_RDONLY", "ok", nb[2]);
	rec_r("uid 65534: unlink root's /pub (sticky)", "EPERM", nb[3]);
	rec_r("unlink /pub", "ok", b->unlink("/pub"));

	rec_r("unlink /ord", "ok", b->unlink("/ord"));
	fd = b->open("/ord", O_RDWR, 0, NULL);
	rec_r("open /ord after unlink", "ENOENT", fd);
	closeif(fd);
	rec_r("unlink /ord again", "ENOENT", b->unlink("/ord"));
	rec_r("unlink /missing", "ENOENT", b->unlink("/missing"));
	rec_r("send on the unlinked queue's fd", "ok",
	      b->send(q, "still", 5, 4, NULL));
	n = b->receive(q, buf, 64, &prio, NULL);
	rec_msg("receive from it", "len=5 prio=4 still", n, buf, prio);
	closeif(q);
}

static void order_body(void)
{
	int i, bad;

	umask(0);
	side = 0;
	order_seq(&upstream);
	side = 1;
	order_seq(&ours);
	if (row != nrows)
		fail("order: %d rows upstream, %d ours", nrows, row);

	printf("%-40s %-24s | %-24s | %s\n", "step", "want", "upstream",
	       "ours");
	for (i = 0; i < nrows; i++) {
		bad = strcmp(rows[i].res[0], rows[i].res[1]) ||
		      strcmp(rows[i].res[0], rows[i].want);
		printf("%s %-38s %-24s | %-24s | %s\n", bad ? "!!" : "  ",
		       rows[i].what, rows[i].want, rows[i].res[0],
		       rows[i].res[1]);
	}
	for (i = 0; i < nrows; i++) {
		CHECK(!strcmp(rows[i].res[0], rows[i].res[1]),
		      "order: %s: upstream '%s', ours '%s'", rows[i].what,
		      rows[i].res[0], rows[i].res[1]);
		CHECK(!strcmp(rows[i].res[0], rows[i].want),
		      "order: %s: upstream gave '%s', the test wants '%s'",
		      rows[i].what, rows[i].res[0], rows[i].want);
	}

	/* Ours only: the spec's EACCES for an empty name (upstream: ENOENT). */
	i = mqns_open("", O_CREAT | O_RDWR, 0600, NULL);
	CHECK(i == -EACCES, "create with an empty name: %s, want EACCES",
	      ename(i));
	closeif(i);
	i = mqns_unlink("");
	CHECK(i == -EACCES || i == -ENOENT, "unlink of an empty name: %s",
	      ename(i));
}

static void test_order(void)
{
	in_child("order", CLONE_NEWIPC, order_body);
}

/* block: waiters in threads; the main thread makes them go. */
struct waiter {
	int fd;
	int op;			/* 0 receive, 1 send, 2 poll */
	short events;
	long ret;
	unsigned int prio;
	char buf[64];
	int done;
	pid_t tid;
	pthread_t th;
};

/*
 * Wait up to 5 s for task @tid to be asleep ("S" in /proc/TID/stat): in
 * the call we want it blocked in, since it does nothing else.
 */
static int wait_sleeping(pid_t tid)
{
	char path[64], buf[512], *p;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	for (i = 0; i < 500; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'S')
				return 0;
		}
		usleep(10000);
	}
	fail("block: task %d never went to sleep", (int)tid);
	return -1;
}

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct pollfd p = { .fd = w->fd, .events = w->events };

	__atomic_store_n(&w->tid, gettid(), __ATOMIC_SEQ_CST);
	if (w->op == 0) {
		w->ret = mqns_receive(w->fd, w->buf, sizeof(w->buf), &w->prio,
				      NULL);
	} else if (w->op == 1) {
		w->ret = mqns_send(w->fd, "late", 4, 1, NULL);
	} else {
		w->ret = poll(&p, 1, 20000);
		if (w->ret > 0)
			w->ret = p.revents;
		else if (w->ret < 0)
			w->ret = -errno;
	}
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int start_waiter(struct waiter *w, int fd, int op, short events)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->op = op;
	w->events = events;
	if (pthread_create(&w->th, NULL, waiter_fn, w)) {
		fail("pthread_create");
		return -1;
	}
	/* It must go to sleep, and still wait a while later. */
	while (!__atomic_load_n(&w->tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	wait_sleeping(w->tid);
	usleep(200000);
	if (__atomic_load_n(&w->done, __ATOMIC_SEQ_CST)) {
		fail("block: op %d did not wait: %ld", op, w->ret);
		pthread_join(w->th, NULL);
		return -1;
	}
	return 0;
}

/* Wait up to 5 s for the waiter; a stuck one fails the whole child. */
static int finish_waiter(struct waiter *w, const char *what)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (__atomic_load_n(&w->done, __ATOMIC_SEQ_CST)) {
			pthread_join(w->th, NULL);
			return 0;
		}
		usleep(10000);
	}
	fail("block: %s: still blocked 5 s after it should have woken", what);
	child_exit();
	return -1;
}

static short poll_now(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&p, 1, 0) < 0) {
		fail("poll: %m");
		return -1;
	}
	return p.revents;
}

static const char *pollstr(long m)
{
	static char s[64];

	if (m < 0)
		return ename(m);
	snprintf(s, sizeof(s), "%s%s%s%s", m & POLLIN ? "IN " : "",
		 m & POLLOUT ? "OUT " : "", m & POLLERR ? "ERR " : "",
		 m & POLLHUP ? "HUP " : "");
	return s;
}

static int alarms;

static void on_alarm(int sig)
{
	(void)sig;
	__atomic_add_fetch(&alarms, 1, __ATOMIC_SEQ_CST);
}

static void arm_alarm_ms(long ms)
{
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };

	if (setitimer(ITIMER_REAL, &it, NULL))
		fail("setitimer: %m");
}

static void block_body(void)
{
	struct mqns_attr a = mk_attr(2, 64), old = { 0 };
	struct sigaction sa;
	struct waiter w;
	unsigned int prio = 0;
	char buf[64];
	int q, i, r;
	double t0;
	long n;
	pid_t c;

	q = mqns_open("blk", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	if (q < 0)
		return fail("block: create: %s", ename(q));

	/* Empty: writable only. */
	r = poll_now(q);
	CHECK(r == POLLOUT, "block: poll on empty: %s, want OUT", pollstr(r));

	/* A blocked receiver is woken by a send. */
	if (!start_waiter(&w, q, 0, 0)) {
		r = mqns_send(q, "wake", 4, 4, NULL);
		CHECK(!r, "block: send: %s", ename(r));
		finish_waiter(&w, "receiver");
		CHECK(w.ret == 4 && w.prio == 4 && !memcmp(w.buf, "wake", 4),
		      "block: woken receiver got %s/%ld prio %u", ename(w.ret),
		      w.ret, w.prio);
	}

	/* poll(POLLIN) sleeping on the empty queue is woken by a send. */
	if (!start_waiter(&w, q, 2, POLLIN)) {
		r = mqns_send(q, "one", 3, 1, NULL);
		CHECK(!r, "block: send: %s", ename(r));
		finish_waiter(&w, "poll for POLLIN");
		CHECK(w.ret == POLLIN, "block: woken poll: %s, want IN",
		      pollstr(w.ret));
	}
	r = poll_now(q);
	CHECK(r == (POLLIN | POLLOUT), "block: poll, 1 of 2: %s, want IN OUT",
	      pollstr(r));
	r = mqns_send(q, "two", 3, 1, NULL);
	CHECK(!r, "block: send: %s", ename(r));
	r = poll_now(q);
	CHECK(r == POLLIN, "block: poll, full: %s, want IN", pollstr(r));

	/* A blocked sender is woken by a receive. */
	if (!start_waiter(&w, q, 1, 0)) {
		n = mqns_receive(q, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 3 && !memcmp(buf, "one", 3), "block: receive: %s",
		      ename(n));
		finish_waiter(&w, "sender");
		CHECK(w.ret == 0, "block: woken sender: %s", ename(w.ret));
	}
	r = mqns_getsetattr(q, NULL, &old);
	CHECK(!r && old.mq_curmsgs == 2, "block: curmsgs %lld, want 2",
	      (long long)old.mq_curmsgs);

	/* poll(POLLOUT) sleeping on the full queue is woken by a receive. */
	if (!start_waiter(&w, q, 2, POLLOUT)) {
		n = mqns_receive(q, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 3 && !memcmp(buf, "two", 3), "block: receive: %s",
		      ename(n));
		finish_waiter(&w, "poll for POLLOUT");
		CHECK(w.ret == POLLOUT, "block: woken poll: %s, want OUT",
		      pollstr(w.ret));
	}
	n = mqns_receive(q, buf, sizeof(buf), &prio, NULL);
	CHECK(n == 4 && !memcmp(buf, "late", 4), "block: receive late: %s",
	      ename(n));
	r = poll_now(q);
	CHECK(r == POLLOUT, "block: poll on empty again: %s", pollstr(r));

	/* Another process blocked in a receive, on the queue by name. */
	c = fork_flushed();
	if (c == 0) {
		int fd = mqns_open("blk", O_RDONLY, 0, NULL);

		failures = 0;
		n = fd < 0 ? fd : mqns_receive(fd, buf, sizeof(buf), &prio,
					       NULL);
		CHECK(n == 5 && prio == 9 && !memcmp(buf, "cross", 5),
		      "block: receiver process got %s", ename(n));
		child_exit();
	}
	wait_sleeping(c);
	usleep(200000);
	CHECK(waitpid(c, &r, WNOHANG) == 0,
	      "block: receiver process did not wait");
	r = mqns_send(q, "cross", 5, 9, NULL);
	CHECK(!r, "block: send: %s", ename(r));
	for (i = 0; i < 500 && waitpid(c, &r, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 500) {
		fail("block: receiver process still blocked after 5 s");
		kill(c, SIGKILL);
		waitpid(c, &r, 0);
	} else {
		CHECK(WIFEXITED(r) && !WEXITSTATUS(r),
		      "block: receiver process failed");
	}

	/* A signal without SA_RESTART interrupts a blocked receive or send. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		fail("sigaction: %m");
	t0 = now_mono();
	arm_alarm_ms(300);
	n = mqns_receive(q, buf, sizeof(buf), &prio, NULL);
	i = __atomic_load_n(&alarms, __ATOMIC_SEQ_CST);
	CHECK(n == -EINTR && i == 1 && now_mono() - t0 > 0.25,
	      "block: receive with SIGALRM: %s after %.2f s, %d alarms, want EINTR",
	      ename(n), now_mono() - t0, i);
	mqns_send(q, "f1", 2, 0, NULL);
	mqns_send(q, "f2", 2, 0, NULL);
	t0 = now_mono();
	arm_alarm_ms(300);
	r = mqns_send(q, "f3", 2, 0, NULL);
	i = __atomic_load_n(&alarms, __ATOMIC_SEQ_CST);
	CHECK(r == -EINTR && i == 2 && now_mono() - t0 > 0.25,
	      "block: send with SIGALRM: %s after %.2f s, %d alarms, want EINTR",
	      ename(r), now_mono() - t0, i);
	r = mqns_getsetattr(q, NULL, &old);
	CHECK(!r && old.mq_curmsgs == 2, "block: interrupted send queued: %lld",
	      (long long)old.mq_curmsgs);
	close(q);
	r = mqns_unlink("blk");
	CHECK(!r, "block: unlink: %s", ename(r));
}

static void test_block(void)
{
	in_child("block", CLONE_NEWIPC, block_body);
}

/* vfs: mounts of the filesystem, in a private mount namespace. */
static char vfs_base[64];

static int open_at(const char *dir, const char *name, int flags, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}

/* Send on @from, receive the same message on @to. */
static void pass_msg(int from, int to, const char *msg, const char *what)
{
	char buf[8192];
	unsigned int prio = 0;
	long n;
	int r;

	r = mqns_send(from, msg, strlen(msg), 6, NULL);
	n = r ? r : mqns_receive(to, buf, sizeof(buf), &prio, NULL);
	CHECK(n == (long)strlen(msg) && prio == 6 && !memcmp(buf, msg, n),
	      "%s: '%s' did not pass: %s", what, msg, ename(n));
}

static void vfs_body(void)
{
	char m1[96], m1b[96], m2[96], bad[96], path[128];
	struct mqns_attr old = { 0 };
	struct stat st, st2;
	int a, a2, b, b2, c, u, r;

	umask(0);
	snprintf(m1, sizeof(m1), "%s/m1", vfs_base);
	snprintf(m1b, sizeof(m1b), "%s/m1b", vfs_base);
	snprintf(m2, sizeof(m2), "%s/m2", vfs_base);
	snprintf(bad, sizeof(bad), "%s/bad", vfs_base);

	r = mount_mqns(m1, NULL);
	if (r)
		return fail("vfs: mount %s: %s", m1, ename(r));
	want_dir(m1, "", "vfs: new mount");
	r = mount_mqns(bad, "bogus");
	CHECK(r == -EINVAL, "vfs: mount -o bogus: %s, want EINVAL", ename(r));
	if (!r)
		umount2(bad, MNT_DETACH);

	/* By name through the device: a file in the mount. */
	a = mqns_open("a", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(a >= 0, "vfs: create a: %s", ename(a));
	want_dir(m1, "a", "vfs: after creating a by name");
	snprintf(path, sizeof(path), "%s/a", m1);
	CHECK(!stat(path, &st) && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0600 && st.st_uid == 0,
	      "vfs: stat %s: mode %o uid %u", path, st.st_mode,
	      (unsigned int)st.st_uid);
	a2 = open_at(m1, "a", O_RDWR, 0);
	CHECK(a2 >= 0, "vfs: open(2) %s/a: %s", m1, ename(a2));
	if (a >= 0 && a2 >= 0) {
		CHECK(!fstat(a, &st2) && st2.st_ino == st.st_ino &&
		      st2.st_dev == st.st_dev,
		      "vfs: the ioctl's fd and the file differ");
		pass_msg(a, a2, "via-ioctl", "vfs: ioctl fd to open(2) fd");
		pass_msg(a2, a, "via-open", "vfs: open(2) fd to ioctl fd");
		mqns_send(a, "12345", 5, 0, NULL);
		want_qsize(a2, 5, "vfs: read of the open(2) fd");
	}
	r = open_at(m1, "nonexistent", O_RDWR, 0);
	CHECK(r == -ENOENT, "vfs: open of a missing file: %s", ename(r));
	snprintf(path, sizeof(path), "%s/dir", m1);
	errno = 0;
	CHECK(mkdir(path, 0700) && errno == EPERM,
	      "vfs: mkdir in the mount: %m");

	/* By open(2) with O_CREAT: a queue with the defaults, found by name. */
	b = open_at(m1, "b", O_CREAT | O_RDWR, 0600);
	CHECK(b >= 0, "vfs: open(2) O_CREAT %s/b: %s", m1, ename(b));
	r = b < 0 ? b : mqns_getsetattr(b, NULL, &old);
	CHECK(!r && old.mq_maxmsg == 10 && old.mq_msgsize == 8192 &&
	      old.mq_curmsgs == 0 && old.mq_flags == 0,
	      "vfs: attr of b: %s %lld %lld %lld", ename(r),
	      (long long)old.mq_maxmsg, (long long)old.mq_msgsize,
	      (long long)old.mq_curmsgs);
	b2 = mqns_open("b", O_RDWR, 0, NULL);
	CHECK(b2 >= 0, "vfs: open b by name: %s", ename(b2));
	if (b >= 0 && b2 >= 0)
		pass_msg(b, b2, "made-by-open", "vfs: open(2) b to name b");
	want_dir(m1, "a,b", "vfs: after open(2) O_CREAT of b");
	r = open_at(m1, "b", O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(r == -EEXIST, "vfs: open(2) O_EXCL of b: %s", ename(r));
	closeif(r);
	r = mqns_open("b", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(r == -EEXIST, "vfs: O_EXCL of b by name: %s", ename(r));
	closeif(r);

	/* unlink(2) on the mount removes it from the namespace. */
	u = open_at(m1, "u", O_CREAT | O_RDWR, 0644);
	CHECK(u >= 0, "vfs: create u: %s", ename(u));
	snprintf(path, sizeof(path), "%s/u", m1);
	CHECK(!unlink(path), "vfs: unlink %s: %m", path);
	r = mqns_open("u", O_RDWR, 0, NULL);
	CHECK(r == -ENOENT, "vfs: u by name after unlink(2): %s", ename(r));
	closeif(r);
	r = mqns_unlink("u");
	CHECK(r == -ENOENT, "vfs: MQNS_IOC_UNLINK of u after unlink(2): %s",
	      ename(r));
	if (u >= 0)
		pass_msg(u, u, "unlinked", "vfs: fd of an unlinked queue");
	closeif(u);
	want_dir(m1, "a,b", "vfs: after unlink(2) of u");

	/* A second mount of the same namespace: the same superblock. */
	r = mount_mqns(m1b, NULL);
	CHECK(!r, "vfs: mount %s: %s", m1b, ename(r));
	want_dir(m1b, "a,b", "vfs: second mount, same ns");
	CHECK(!stat(m1, &st) && !stat(m1b, &st2) && st.st_dev == st2.st_dev,
	      "vfs: two mounts of one ns on different superblocks");

	/* A new ipc namespace: its own queues, its own superblock. */
	if (unshare(CLONE_NEWIPC))
		return fail("vfs: unshare(CLONE_NEWIPC): %m");
	c = mqns_open("c", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(c >= 0, "vfs: create c in the new ns: %s", ename(c));
	want_dir(m1, "a,b", "vfs: old ns's mount after creating c in the new");
	r = mqns_open("a", O_RDWR, 0, NULL);
	CHECK(r == -ENOENT, "vfs: a by name in the new ns: %s", ename(r));
	closeif(r);
	r = mount_mqns(m2, NULL);
	CHECK(!r, "vfs: mount %s in the new ns: %s", m2, ename(r));
	want_dir(m2, "c", "vfs: the new ns's mount");
	want_dir(m1, "a,b", "vfs: the old ns's mount");
	CHECK(!stat(m1, &st) && !stat(m2, &st2) && st.st_dev != st2.st_dev,
	      "vfs: two namespaces share a superblock");
	/* Old fds and old mounts still act on the old queues. */
	if (a >= 0 && a2 >= 0)
		pass_msg(a2, a, "old-ns", "vfs: old queue from the new ns");
	snprintf(path, sizeof(path), "%s/b", m1);
	CHECK(!unlink(path), "vfs: unlink %s: %m", path);
	want_dir(m1, "a", "vfs: after unlink(2) of b");
	want_dir(m1b, "a", "vfs: second mount after unlink(2) of b");
	if (b >= 0 && b2 >= 0)
		pass_msg(b2, b, "unlinked-b", "vfs: fds of unlinked b");

	closeif(a);
	closeif(a2);
	closeif(b);
	closeif(b2);
	closeif(c);
	CHECK(!umount(m1), "vfs: umount %s: %m", m1);
	CHECK(!umount(m1b), "vfs: umount %s: %m", m1b);
	CHECK(!umount(m2), "vfs: umount %s: %m", m2);
}

static void test_vfs(void)
{
	char d[128];

	if (!make_tmpdir("mqvfs", vfs_base, sizeof(vfs_base)))
		return;
	sub_dir(d, sizeof(d), vfs_base, "m1");
	sub_dir(d, sizeof(d), vfs_base, "m1b");
	sub_dir(d, sizeof(d), vfs_base, "m2");
	sub_dir(d, sizeof(d), vfs_base, "bad");
	in_child("vfs", CLONE_NEWIPC | CLONE_NEWNS, vfs_body);
	for (const char *s = "m1\0m1b\0m2\0bad\0"; *s; s += strlen(s) + 1) {
		snprintf(d, sizeof(d), "%s/%s", vfs_base, s);
		CHECK(!rmdir(d), "rmdir %s: %m", d);
	}
	CHECK(!rmdir(vfs_base), "rmdir %s: %m", vfs_base);
}

/* limits */
static const struct mqns_limits def_limits = { 256, 10, 8192, 10, 8192, 0 };

static int limits_eq(const struct mqns_limits *a, const struct mqns_limits *b)
{
	return a->queues_max == b->queues_max && a->msg_max == b->msg_max &&
	       a->msgsize_max == b->msgsize_max &&
	       a->msg_default == b->msg_default &&
	       a->msgsize_default == b->msgsize_default &&
	       a->queues_count == b->queues_count;
}

static void want_limits(const struct mqns_limits *want, const char *what)
{
	struct mqns_limits l;
	int r = mqns_get_limits(&l);

	CHECK(!r && limits_eq(&l, want),
	      "%s: GET_LIMITS %s {%u %u %u %u %u count %u}, want {%u %u %u %u %u count %u}",
	      what, ename(r), l.queues_max, l.msg_max, l.msgsize_max,
	      l.msg_default, l.msgsize_default, l.queues_count,
	      want->queues_max, want->msg_max, want->msgsize_max,
	      want->msg_default, want->msgsize_default, want->queues_count);
}

static void want_count(const struct mqns_limits *lim, unsigned int count,
		       const char *what)
{
	struct mqns_limits w = *lim;

	w.queues_count = count;
	want_limits(&w, what);
}

static const struct mqns_limits lim_test = { 2, 5, 8192, 3, 256, 0 };

static void limits_nobody(void)
{
	struct mqns_attr a;
	int r;

	if (become(NOBODY))
		return;
	want_count(&lim_test, 0, "limits: GET as uid 65534");
	r = mqns_set_limits(&lim_test);
	CHECK(r == -EPERM, "limits: SET as uid 65534: %s, want EPERM",
	      ename(r));
	a = mk_attr(6, 64);
	r = mqns_open("u6", O_CREAT | O_RDWR, 0600, &a);
	CHECK(r == -EINVAL, "limits: maxmsg 6 > msg_max 5: %s, want EINVAL",
	      ename(r));
	a = mk_attr(1, 8193);
	r = mqns_open("u8193", O_CREAT | O_RDWR, 0600, &a);
	CHECK(r == -EINVAL, "limits: msgsize 8193 > msgsize_max: %s, want EINVAL",
	      ename(r));
	a = mk_attr(5, 64);
	r = mqns_open("u5", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(r >= 0, "limits: maxmsg 5 = msg_max: %s, want ok", ename(r));
	a = mk_attr(5, 8192);
	r = mqns_open("u5b", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(r >= 0, "limits: 5x8192: %s, want ok", ename(r));
	want_count(&lim_test, 2, "limits: two queues");
	a = mk_attr(1, 64);
	r = mqns_open("u5c", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(r == -ENOSPC, "limits: third queue, queues_max 2: %s, want ENOSPC",
	      ename(r));
	r = mqns_open("u5d", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(r == -ENOSPC, "limits: third queue, defaults: %s, want ENOSPC",
	      ename(r));
	want_count(&lim_test, 2, "limits: after ENOSPC");
}

static void limits_sibling(void)
{
	static const struct mqns_limits other = { 9, 7, 4096, 2, 512, 0 };
	int r;

	want_limits(&def_limits, "limits: a sibling ns");
	r = mqns_set_limits(&other);
	CHECK(!r, "limits: SET in the sibling: %s", ename(r));
	want_limits(&other, "limits: the sibling after SET");
}

static void limits_body(void)
{
	static const struct {
		const char *what;
		struct mqns_limits l;
	} bad[] = {
		{ "msg_max 0", { 256, 0, 8192, 10, 8192, 0 } },
		{ "msg_max 65537", { 256, 65537, 8192, 10, 8192, 0 } },
		{ "msgsize_max 127", { 256, 10, 127, 10, 8192, 0 } },
		{ "msgsize_max 16M+1", { 256, 10, 16777217, 10, 8192, 0 } },
		{ "msg_default 0", { 256, 10, 8192, 0, 8192, 0 } },
		{ "msg_default 65537", { 256, 10, 8192, 65537, 8192, 0 } },
		{ "msgsize_default 127", { 256, 10, 8192, 10, 127, 0 } },
		{ "msgsize_default 16M+1", { 256, 10, 8192, 10, 16777217, 0 } },
		{ "queues_max 65537", { 65537, 10, 8192, 10, 8192, 0 } },
	};
	static const struct mqns_limits edge_hi = {
		65536, 65536, 16777216, 65536, 16777216, 0
	};
	static const struct mqns_limits edge_lo = { 1, 1, 128, 1, 128, 0 };
	struct mqns_attr a, old = { 0 };
	unsigned int i;
	int r, r1, d;

	want_limits(&def_limits, "limits: defaults");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r = mqns_set_limits(&bad[i].l);
		CHECK(r == -EINVAL, "limits: SET %s: %s, want EINVAL",
		      bad[i].what, ename(r));
		want_limits(&def_limits, bad[i].what);
	}
	r = mqns_set_limits(&edge_hi);
	CHECK(!r, "limits: SET the highest values: %s", ename(r));
	want_limits(&edge_hi, "limits: highest values");
	r = mqns_set_limits(&edge_lo);
	CHECK(!r, "limits: SET the lowest values: %s", ename(r));
	want_limits(&edge_lo, "limits: lowest values");
	r = mqns_set_limits(&lim_test);
	CHECK(!r, "limits: SET: %s", ename(r));
	want_count(&lim_test, 0, "limits: after SET");

	/* An unprivileged user is held to them. */
	in_child("limits: uid 65534", 0, limits_nobody);

	/* Root (CAP_SYS_RESOURCE) may exceed msg_max and queues_max. */
	a = mk_attr(6, 64);
	r1 = mqns_open("r1", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(r1 >= 0, "limits: root, maxmsg 6, third queue: %s, want ok",
	      ename(r1));
	d = mqns_open("d", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(d >= 0, "limits: root, defaults, fourth queue: %s", ename(d));
	r = d < 0 ? d : mqns_getsetattr(d, NULL, &old);
	CHECK(!r && old.mq_maxmsg == 3 && old.mq_msgsize == 256,
	      "limits: the namespace's defaults: %s %lldx%lld, want 3x256",
	      ename(r), (long long)old.mq_maxmsg, (long long)old.mq_msgsize);
	want_count(&lim_test, 4, "limits: four queues");

	/* queues_count follows unlink, once the last fd is closed. */
	r = mqns_unlink("u5");
	CHECK(!r, "limits: unlink u5: %s", ename(r));
	want_count(&lim_test, 3, "limits: after unlink of u5 (no fd)");
	r = mqns_unlink("r1");
	CHECK(!r, "limits: unlink r1: %s", ename(r));
	want_count(&lim_test, 3, "limits: after unlink of r1 (fd open)");
	closeif(r1);
	want_count(&lim_test, 2, "limits: after close of r1");
	closeif(d);
	want_count(&lim_test, 2, "limits: after close of d (linked)");
	CHECK(!mqns_unlink("u5b") && !mqns_unlink("d"), "limits: unlink");
	want_count(&lim_test, 0, "limits: all unlinked");

	/* Per namespace: a sibling has its own, and does not touch ours. */
	in_child("limits: sibling", CLONE_NEWIPC, limits_sibling);
	want_count(&lim_test, 0, "limits: ours after the sibling's SET");
}

/*
 * RLIMIT_MSGQUEUE and the debugfs "users" file, with uid NOBODY in a
 * namespace with the default limits.
 */
static void rlimit_body(void)
{
	static const char * const names[] = { "small", "e1", "e2" };
	int ready[2], go[2], st;
	unsigned int i;
	long bytes;
	char c;
	pid_t p;

	if (pipe(ready) || pipe(go))
		return fail("pipe: %m");
	p = fork_flushed();
	if (p == 0) {
		struct rlimit rl = { 1000, 200000 };
		struct mqns_attr a;
		int fds[3], r;

		failures = 0;
		close(ready[0]);
		close(go[1]);
		if (setrlimit(RLIMIT_MSGQUEUE, &rl) || become(NOBODY)) {
			fail("rlimit: setrlimit/become: %m");
			child_exit();
		}
		a = mk_attr(10, 8192);
		r = mqns_open("big", O_CREAT | O_RDWR, 0600, &a);
		CHECK(r == -EMFILE, "rlimit: 10x8192 with RLIMIT_MSGQUEUE 1000: %s, want EMFILE",
		      ename(r));
		a = mk_attr(1, 128);
		fds[0] = mqns_open("small", O_CREAT | O_RDWR, 0600, &a);
		CHECK(fds[0] >= 0, "rlimit: 1x128 with RLIMIT_MSGQUEUE 1000: %s",
		      ename(fds[0]));
		rl.rlim_cur = 200000;
		if (setrlimit(RLIMIT_MSGQUEUE, &rl))
			fail("rlimit: raise the soft limit: %m");
		a = mk_attr(10, 8192);
		fds[1] = mqns_open("e1", O_CREAT | O_RDWR, 0600, &a);
		fds[2] = mqns_open("e2", O_CREAT | O_RDWR, 0600, &a);
		CHECK(fds[1] >= 0 && fds[2] >= 0,
		      "rlimit: two 10x8192 under 200000: %s %s", ename(fds[1]),
		      ename(fds[2]));
		r = mqns_open("e3", O_CREAT | O_RDWR, 0600, &a);
		CHECK(r == -EMFILE, "rlimit: a third 10x8192 under 200000: %s, want EMFILE",
		      ename(r));
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			fail("rlimit: sync");
		for (i = 0; i < 3; i++) {
			closeif(fds[i]);
			r = mqns_unlink(names[i]);
			CHECK(!r, "rlimit: unlink %s: %s", names[i], ename(r));
		}
		if (write(ready[1], "d", 1) != 1)
			fail("rlimit: sync");
		child_exit();
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1) {
		fail("rlimit: child did not get ready");
	} else {
		bytes = user_bytes(NOBODY);
		CHECK(bytes >= 2 * 81920 + 128 && bytes <= 200000,
		      "rlimit: uid %d charged %ld bytes, want 163968..200000",
		      NOBODY, bytes);
		printf("rlimit: uid %d charged %ld bytes for 1x128 + 2x10x8192\n",
		       NOBODY, bytes);
		if (write(go[1], "g", 1) != 1 || read(ready[0], &c, 1) != 1)
			fail("rlimit: sync");
		bytes = user_bytes(NOBODY);
		CHECK(bytes == -1, "rlimit: uid %d still charged: %ld", NOBODY,
		      bytes);
	}
	close(go[1]);
	close(ready[0]);
	st = wait_child(p);
	CHECK(st == 0, "rlimit: child exited %d", st);
}

static void test_limits(void)
{
	in_child("limits", CLONE_NEWIPC, limits_body);
	in_child("rlimit", CLONE_NEWIPC, rlimit_body);
}

/*
 * nsdeath: A makes ns1 with two mounts and a queue, and a child B that
 * leaves ns1; A exits, ns1 dies, and B works on what is left.
 */
static void nsdeath_b(const char *m, const char *u, unsigned long inum1,
		      int a_gone, int ack)
{
	char buf[128];
	unsigned int prio = 0;
	struct nsrec r;
	double t;
	long n;
	int fd;

	failures = 0;
	if (unshare(CLONE_NEWIPC)) {
		fail("nsdeath: B: unshare: %m");
		child_exit();
	}
	CHECK(ipc_inum() != inum1, "nsdeath: B is still in ns1");
	if (write(ack, "u", 1) != 1)
		fail("nsdeath: B: ack");
	close(ack);
	while (read(a_gone, buf, 1) > 0)
		;
	close(a_gone);

	t = wait_rec(inum1, "dead", 10000, &r);
	if (t < 0) {
		fail("nsdeath: ns %lu not dead 10 s after its last task: '%s'",
		     inum1, r.line);
		child_exit();
	}
	printf("nsdeath: ns %lu seen dead %.2f s after A exited\n", inum1, t);
	for (n = 0; n < 250 && (ns_rec(inum1, &r) != 1 || r.internal); n++)
		usleep(20000);
	CHECK(!strcmp(r.state, "dead") && !r.internal && r.queues == 1,
	      "nsdeath: dead ns1's record: '%s', want dead, queues:1 internal:0",
	      r.line);

	/* Upstream's own mount of ns1 agrees that ns1 is gone. */
	fd = open_at(u, "new", O_CREAT | O_RDWR, 0600);
	CHECK(fd == -EACCES, "nsdeath: O_CREAT on upstream's mount of dead ns1: %s, want EACCES",
	      ename(fd));
	closeif(fd);

	want_dir(m, "q", "nsdeath: mount of dead ns1");
	fd = open_at(m, "q", O_RDWR, 0);
	CHECK(fd >= 0, "nsdeath: open %s/q: %s", m, ename(fd));
	if (fd >= 0) {
		want_qsize(fd, 15, "nsdeath: q in dead ns1");
		n = mqns_receive(fd, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 7 && prio == 3 && !memcmp(buf, "msg-one", 7),
		      "nsdeath: first receive: %s", ename(n));
		n = mqns_receive(fd, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 8 && prio == 3 && !memcmp(buf, "msg-two!", 8),
		      "nsdeath: second receive: %s", ename(n));
		pass_msg(fd, fd, "after", "nsdeath: send/receive in dead ns1");
		want_qsize(fd, 0, "nsdeath: q emptied");
		close(fd);
	}
	fd = open_at(m, "new", O_CREAT | O_RDWR, 0600);
	CHECK(fd == -EACCES, "nsdeath: O_CREAT on the mount of dead ns1: %s, want EACCES",
	      ename(fd));
	closeif(fd);
	fd = open_at(m, "new", O_RDWR, 0);
	CHECK(fd == -ENOENT, "nsdeath: open of a missing queue: %s, want ENOENT",
	      ename(fd));
	closeif(fd);
	want_dir(m, "q", "nsdeath: after the failed create");
	snprintf(buf, sizeof(buf), "%s/q", m);
	CHECK(!unlink(buf), "nsdeath: unlink %s: %m", buf);
	want_dir(m, "", "nsdeath: after unlink");
	CHECK(ns_rec(inum1, &r) == 1 && r.queues == 0,
	      "nsdeath: record after unlink: '%s', want queues:0", r.line);

	CHECK(!umount(m), "nsdeath: umount %s: %m", m);
	CHECK(!umount(u), "nsdeath: umount %s: %m", u);
	t = wait_rec(inum1, NULL, 5000, &r);
	CHECK(t >= 0, "nsdeath: record of ns1 still there 5 s after umount: '%s'",
	      r.line);
	if (t >= 0)
		printf("nsdeath: record gone %.2f s after umount\n", t);
	child_exit();
}

static void nsdeath_a(const char *m, const char *u, int info)
{
	unsigned long inum1, msg[2];
	struct mqns_attr a = mk_attr(4, 64);
	int q, fd, bp[2], ack[2], r;
	struct nsrec rec1;
	char c, path[128];
	pid_t b;

	failures = 0;
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC) || make_private()) {
		fail("nsdeath: A: unshare: %m");
		child_exit();
	}
	inum1 = ipc_inum();
	r = mount_mqns(m, NULL);
	CHECK(!r, "nsdeath: mount %s: %s", m, ename(r));
	CHECK(!mount("none", u, "mqueue", 0, NULL),
	      "nsdeath: mount -t mqueue %s: %m", u);
	q = mqns_open("q", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(q >= 0, "nsdeath: create q: %s", ename(q));
	r = mqns_send(q, "msg-one", 7, 3, NULL);
	r = r ? r : mqns_send(q, "msg-two!", 8, 3, NULL);
	CHECK(!r, "nsdeath: send: %s", ename(r));
	want_dir(m, "q", "nsdeath: mount of live ns1");
	/* While ns1 lives, upstream's mount creates queues. */
	fd = open_at(u, "pre", O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0, "nsdeath: O_CREAT on upstream's mount of live ns1: %s",
	      ename(fd));
	closeif(fd);
	snprintf(path, sizeof(path), "%s/pre", u);
	CHECK(!unlink(path), "nsdeath: unlink %s: %m", path);
	CHECK(ns_rec(inum1, &rec1) == 1 && !strcmp(rec1.state, "alive") &&
	      rec1.queues == 1 && rec1.internal == 1,
	      "nsdeath: record of live ns1: '%s', want alive queues:1 internal:1",
	      rec1.line);
	closeif(q);

	if (pipe(bp) || pipe(ack)) {
		fail("pipe: %m");
		child_exit();
	}
	b = fork_flushed();
	if (b == 0) {
		close(bp[1]);
		close(ack[0]);
		close(info);
		nsdeath_b(m, u, inum1, bp[0], ack[1]);
	}
	close(bp[0]);
	close(ack[1]);
	if (read(ack[0], &c, 1) != 1)
		fail("nsdeath: B did not leave ns1");
	msg[0] = inum1;
	msg[1] = b;
	if (write(info, msg, sizeof(msg)) != sizeof(msg))
		fail("nsdeath: A: report");
	/* Exit: ns1 loses its last task; B sees EOF on bp. */
	child_exit();
}

static void test_nsdeath(void)
{
	char base[64], m[96], u[96];
	unsigned long msg[2] = { 0, 0 };
	int info[2], r;
	pid_t a;

	if (!make_tmpdir("mqnsd", base, sizeof(base)))
		return;
	sub_dir(m, sizeof(m), base, "nsd1");
	sub_dir(u, sizeof(u), base, "nsd1u");
	/* B is A's child; it comes to us when A exits. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		fail("PR_SET_CHILD_SUBREAPER: %m");
	if (pipe(info))
		return fail("pipe: %m");
	a = fork_flushed();
	if (a == 0) {
		close(info[0]);
		nsdeath_a(m, u, info[1]);
	}
	close(info[1]);
	if (read(info[0], msg, sizeof(msg)) != sizeof(msg))
		fail("nsdeath: no report from A");
	close(info[0]);
	r = wait_child(a);
	CHECK(r == 0, "nsdeath: A exited %d", r);
	if (msg[1] > 0) {
		r = wait_child(msg[1]);
		CHECK(r == 0, "nsdeath: B exited %d", r);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	if (msg[0])
		CHECK(wait_rec(msg[0], NULL, 5000, NULL) >= 0,
		      "nsdeath: record of ns1 left");
	CHECK(!rmdir(m) && !rmdir(u) && !rmdir(base), "nsdeath: rmdir: %m");
}

/*
 * edge: ns1 dies while we hold an upstream mq fd of it.  That fd pins
 * ns1's kernel mqueue mount, whose end is what the module watches; a
 * directory fd of an upstream mqueue mount of ns1 (which does not pin
 * that mount) shows when ns1 itself is freed.
 */
static void test_edge(void)
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

		failures = 0;
		close(sv[0]);
		if (unshare(CLONE_NEWIPC | CLONE_NEWNS) || make_private()) {
			fail("edge: unshare: %m");
			child_exit();
		}
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

/* scm: C1 in ns1 passes a queue fd to C2 in ns2. */
static void test_scm(void)
{
	int sv[2], st;
	pid_t c1, c2;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	c1 = fork_flushed();
	if (c1 == 0) {
		struct mqns_attr a = mk_attr(4, 64), old = { 0 };
		unsigned long done;
		unsigned int prio = 0;
		char buf[64];
		int q, r;
		long n;

		failures = 0;
		close(sv[1]);
		if (unshare(CLONE_NEWIPC)) {
			fail("scm: C1: unshare: %m");
			child_exit();
		}
		q = mqns_open("s", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
		CHECK(q >= 0, "scm: C1: create s: %s", ename(q));
		r = q < 0 ? q : mqns_send(q, "from-ns1", 8, 2, NULL);
		CHECK(!r, "scm: C1: send: %s", ename(r));
		if (q < 0 || send_fd(sv[0], q, ipc_inum()))
			fail("scm: C1: send the fd: %m");
		closeif(q);
		if (recv(sv[0], &done, sizeof(done), 0) != sizeof(done))
			fail("scm: C1: no word from C2");
		/* What C2 did shows in ns1's queue, by name. */
		q = mqns_open("s", O_RDWR | O_NONBLOCK, 0, NULL);
		CHECK(q >= 0, "scm: C1: open s again: %s", ename(q));
		r = q < 0 ? q : mqns_getsetattr(q, NULL, &old);
		CHECK(!r && old.mq_curmsgs == 1, "scm: C1: curmsgs %lld, want 1",
		      (long long)old.mq_curmsgs);
		n = mqns_receive(q, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 8 && prio == 9 && !memcmp(buf, "from-ns2", 8),
		      "scm: C1: receive: %s", ename(n));
		closeif(q);
		r = mqns_unlink("s");
		CHECK(!r, "scm: C1: unlink: %s", ename(r));
		child_exit();
	}
	c2 = fork_flushed();
	if (c2 == 0) {
		struct mqns_attr old = { 0 };
		unsigned long inum1, done = 1;
		unsigned int prio = 0;
		char buf[64];
		int fd, mine, r;
		long n;

		failures = 0;
		close(sv[0]);
		if (unshare(CLONE_NEWIPC)) {
			fail("scm: C2: unshare: %m");
			child_exit();
		}
		fd = recv_fd(sv[1], &inum1);
		if (fd < 0) {
			fail("scm: C2: no fd");
			child_exit();
		}
		CHECK(inum1 != ipc_inum(), "scm: C1 and C2 share an ipc ns");
		n = mqns_receive(fd, buf, sizeof(buf), &prio, NULL);
		CHECK(n == 8 && prio == 2 && !memcmp(buf, "from-ns1", 8),
		      "scm: C2: receive: %s", ename(n));
		r = mqns_send(fd, "from-ns2", 8, 9, NULL);
		CHECK(!r, "scm: C2: send: %s", ename(r));
		want_qsize(fd, 8, "scm: C2: read of the passed fd");
		/* The name means another queue here. */
		mine = mqns_open("s", O_RDWR, 0, NULL);
		CHECK(mine == -ENOENT, "scm: C2: s by name in ns2: %s, want ENOENT",
		      ename(mine));
		closeif(mine);
		mine = mqns_open("s", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
		CHECK(mine >= 0, "scm: C2: create s in ns2: %s", ename(mine));
		r = mine < 0 ? mine : mqns_getsetattr(mine, NULL, &old);
		CHECK(!r && old.mq_curmsgs == 0 && old.mq_maxmsg == 10,
		      "scm: C2: ns2's s: %s curmsgs %lld maxmsg %lld", ename(r),
		      (long long)old.mq_curmsgs, (long long)old.mq_maxmsg);
		closeif(mine);
		close(fd);
		if (send(sv[1], &done, sizeof(done), 0) != sizeof(done))
			fail("scm: C2: tell C1: %m");
		child_exit();
	}
	close(sv[0]);
	close(sv[1]);
	st = wait_child(c2);
	CHECK(st == 0, "scm: C2 exited %d", st);
	st = wait_child(c1);
	CHECK(st == 0, "scm: C1 exited %d", st);
}

/* userns */
static char userns_dir[96];

static int write_maps(unsigned int outer)
{
	char map[32];
	int r;

	snprintf(map, sizeof(map), "0 %u 1", outer);
	r = write_file("/proc/self/setgroups", "deny");
	if (!r)
		r = write_file("/proc/self/uid_map", map);
	if (!r)
		r = write_file("/proc/self/gid_map", map);
	if (r)
		fail("userns: write the id maps: %s", ename(r));
	return r;
}

/* uid USER makes user, ipc and mount namespaces: it owns the ipc ns. */
static void userns_owner(void)
{
	static const struct mqns_limits l = { 300, 20, 4096, 4, 512, 0 };
	struct mqns_attr a;
	char path[128];
	struct stat st;
	int r, fd;

	if (become(USER))
		return;
	/* setresuid() made us non-dumpable: /proc/self would be root's. */
	if (prctl(PR_SET_DUMPABLE, 1))
		fail("userns: PR_SET_DUMPABLE: %m");
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWNS))
		return fail("userns: uid %d: unshare(USER|IPC|NS): %m (unprivileged_userns_clone?)",
			    USER);
	if (write_maps(USER))
		return;
	CHECK(getuid() == 0, "userns: not root in the new user ns");
	r = make_private();
	CHECK(!r, "userns: make / private: %s", ename(r));
	r = mount_mqns(userns_dir, NULL);
	CHECK(!r, "userns: owner of the ipc ns: mount: %s, want ok", ename(r));
	r = mqns_set_limits(&l);
	CHECK(!r, "userns: owner of the ipc ns: SET_LIMITS: %s, want ok",
	      ename(r));
	want_limits(&l, "userns: owner's limits");
	/* Its CAP_SYS_RESOURCE is not over init_user_ns: held to msg_max. */
	a = mk_attr(20, 64);
	fd = mqns_open("uq", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(fd >= 0, "userns: create 20x64, msg_max 20: %s", ename(fd));
	a = mk_attr(21, 64);
	r = mqns_open("uq2", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(r == -EINVAL, "userns: create 21x64, msg_max 20: %s, want EINVAL",
	      ename(r));
	closeif(r);
	if (!r) {
		want_dir(userns_dir, "uq", "userns: owner's mount");
		snprintf(path, sizeof(path), "%s/uq", userns_dir);
		CHECK(!stat(path, &st) && st.st_uid == 0 && st.st_gid == 0,
		      "userns: uq is not owned by the ns's root");
	}
	if (fd >= 0) {
		pass_msg(fd, fd, "in-userns", "userns: queue in the user's ns");
		close(fd);
	}
	r = mqns_unlink("uq");
	CHECK(!r, "userns: unlink: %s", ename(r));
	r = umount(userns_dir) ? -errno : 0;
	CHECK(!r, "userns: umount: %s", ename(r));
}

/* Root made the ipc ns (owned by init_user_ns); uid USER may not. */
static void userns_dropped(void)
{
	static const struct mqns_limits l = { 300, 20, 4096, 4, 512, 0 };
	int r;

	if (become(USER))
		return;
	r = mount_mqns(userns_dir, NULL);
	CHECK(r == -EPERM, "userns: uid %d in a root-made ipc ns: mount: %s, want EPERM",
	      USER, ename(r));
	if (!r)
		umount2(userns_dir, MNT_DETACH);
	r = mqns_set_limits(&l);
	CHECK(r == -EPERM, "userns: uid %d in a root-made ipc ns: SET_LIMITS: %s, want EPERM",
	      USER, ename(r));
	want_limits(&def_limits, "userns: GET as uid 1000");
}

/* Root of a new user ns that does not own the (fresh) ipc ns. */
static void userns_not_owner(void)
{
	static const struct mqns_limits l = { 300, 20, 4096, 4, 512, 0 };
	int r;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return fail("userns: unshare(USER|NS): %m");
	if (write_maps(0))
		return;
	r = make_private();
	CHECK(!r, "userns: make / private: %s", ename(r));
	r = mount_mqns(userns_dir, NULL);
	CHECK(r == -EPERM, "userns: root of a user ns not owning the ipc ns: mount: %s, want EPERM",
	      ename(r));
	if (!r)
		umount2(userns_dir, MNT_DETACH);
	r = mqns_set_limits(&l);
	CHECK(r == -EPERM,
	      "userns: root of a user ns not owning the ipc ns: SET_LIMITS: %s, want EPERM",
	      ename(r));

	/* The control: the same task, in an ipc ns its user ns owns. */
	if (unshare(CLONE_NEWIPC))
		return fail("userns: unshare(IPC) in the user ns: %m");
	r = mount_mqns(userns_dir, NULL);
	CHECK(!r, "userns: the same root, in an ipc ns it owns: mount: %s, want ok",
	      ename(r));
	if (!r)
		CHECK(!umount(userns_dir), "userns: umount: %m");
	r = mqns_set_limits(&l);
	CHECK(!r, "userns: the same root, in an ipc ns it owns: SET_LIMITS: %s",
	      ename(r));
}

static void test_userns(void)
{
	char base[64];

	if (!make_tmpdir("mquserns", base, sizeof(base)))
		return;
	sub_dir(userns_dir, sizeof(userns_dir), base, "m");
	if (chmod(base, 0777) || chmod(userns_dir, 0777))
		fail("chmod: %m");
	in_child("userns: owner", 0, userns_owner);
	in_child("userns: dropped", CLONE_NEWIPC | CLONE_NEWNS, userns_dropped);
	in_child("userns: not owner", CLONE_NEWIPC, userns_not_owner);
	CHECK(!rmdir(userns_dir) && !rmdir(base), "userns: rmdir: %m");
}

/*
 * stress: children make namespaces and mounts under one base directory,
 * in our own private mount namespace, while two threads use the mounts
 * and take down those whose namespace's task has exited.
 */
#define STRESS_ROUNDS 200
#define STRESS_SECS 8
#define STRESS_INFLIGHT 3

enum { SL_NEW, SL_MOUNTED, SL_EXITED, SL_UMOUNTING, SL_GONE };

struct slot {
	int state;
	pid_t pid;
	unsigned long inum;
};

static struct slot *slots;
static int nslots, stress_stop, thread_umounts;
/* What the threads did, to show the run was not idle. */
static int n_pokes, n_received, n_created, n_create_eacces;
static char stress_base[64];
static dev_t stress_dev;

static void slot_dir(int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%d", stress_base, i);
}

static void stress_child(int i)
{
	struct mqns_attr a = mk_attr(4, 128);
	char dir[96], name[8], msg[32];
	int k, m, fd, r;

	failures = 0;
	if (unshare(CLONE_NEWIPC)) {
		fail("stress: child %d: unshare: %m", i);
		child_exit();
	}
	slots[i].inum = ipc_inum();
	slot_dir(i, dir, sizeof(dir));
	r = mount_mqns(dir, NULL);
	if (r) {
		fail("stress: child %d: mount: %s", i, ename(r));
		child_exit();
	}
	__atomic_store_n(&slots[i].state, SL_MOUNTED, __ATOMIC_SEQ_CST);
	for (k = 0; k < 3; k++) {
		snprintf(name, sizeof(name), "q%d", k);
		fd = mqns_open(name, O_CREAT | O_RDWR | O_NONBLOCK, 0644, &a);
		if (fd < 0) {
			fail("stress: child %d: create %s: %s", i, name,
			     ename(fd));
			continue;
		}
		for (m = 0; m < 3; m++) {
			snprintf(msg, sizeof(msg), "%d-%d-%d", i, k, m);
			r = mqns_send(fd, msg, strlen(msg), m, NULL);
			CHECK(!r, "stress: child %d: send: %s", i, ename(r));
		}
		/* Keep q0 open until we exit. */
		if (k)
			close(fd);
	}
	usleep((getpid() % 20) * 1000);
	child_exit();
}

static void stress_poke(int i, int id, unsigned int *seed, char *buf)
{
	char dir[96], names[8][NAME_MAX + 1], line[128], tname[8];
	int dfd, fd, n = 0, k, r;
	unsigned long qsize;
	int notify, signo, npid;
	struct dirent *de;
	unsigned int prio = 0;
	struct stat st;
	DIR *d;
	long got;

	slot_dir(i, dir, sizeof(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail("stress: open %s: %m", dir);
	/* Taken down just now (by the other thread): not ours any more. */
	if (fstat(dfd, &st) || st.st_dev == stress_dev) {
		close(dfd);
		return;
	}
	fd = dup(dfd);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		fail("stress: fdopendir %s: %m", dir);
		closeif(fd);
		close(dfd);
		return;
	}
	errno = 0;
	while ((de = readdir(d)) && n < 8) {
		if (de->d_name[0] != '.')
			snprintf(names[n++], sizeof(names[0]), "%s",
				 de->d_name);
		errno = 0;
	}
	if (errno)
		fail("stress: readdir %s: %m", dir);
	closedir(d);

	for (k = 0; k < n; k++) {
		fd = openat(dfd, names[k], O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT)
				fail("stress: open %s/%s: %m", dir, names[k]);
			continue;
		}
		got = read(fd, line, sizeof(line) - 1);
		if (got > 0)
			line[got] = 0;
		CHECK(got == 60 && line[59] == '\n' &&
		      sscanf(line, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d",
			     &qsize, &notify, &signo, &npid) == 4 &&
		      !notify && !signo && !npid,
		      "stress: read %s/%s: %ld '%s'", dir, names[k], got,
		      got > 0 ? line : "");
		got = mqns_receive(fd, buf, 65536, &prio, NULL);
		CHECK(got >= 0 || got == -EAGAIN, "stress: receive %s/%s: %s",
		      dir, names[k], ename(got));
		if (got >= 0)
			__atomic_add_fetch(&n_received, 1, __ATOMIC_SEQ_CST);
		close(fd);
		if (rand_r(seed) % 3 == 0 && unlinkat(dfd, names[k], 0) &&
		    errno != ENOENT)
			fail("stress: unlink %s/%s: %m", dir, names[k]);
	}
	snprintf(tname, sizeof(tname), "t%d", id);
	fd = openat(dfd, tname, O_CREAT | O_RDWR | O_NONBLOCK | O_CLOEXEC,
		    0644);
	__atomic_add_fetch(&n_pokes, 1, __ATOMIC_SEQ_CST);
	if (fd >= 0) {
		__atomic_add_fetch(&n_created, 1, __ATOMIC_SEQ_CST);
		r = mqns_send(fd, "t", 1, 1, NULL);
		CHECK(!r || r == -EAGAIN, "stress: send to %s/%s: %s", dir,
		      tname, ename(r));
		close(fd);
		/* Default-sized: do not let them pile up. */
		if (unlinkat(dfd, tname, 0) && errno != ENOENT)
			fail("stress: unlink %s/%s: %m", dir, tname);
	} else if (errno == EACCES) {
		__atomic_add_fetch(&n_create_eacces, 1, __ATOMIC_SEQ_CST);
	} else {
		fail("stress: create %s/%s: %m", dir, tname);
	}
	close(dfd);
}

static void *stress_thread(void *arg)
{
	int id = (int)(uintptr_t)arg, i, n, st;
	unsigned int seed = id * 7919 + getpid();
	char dir[96], *buf = malloc(65536);

	if (!buf) {
		fail("stress: malloc");
		return NULL;
	}
	while (!__atomic_load_n(&stress_stop, __ATOMIC_SEQ_CST)) {
		n = __atomic_load_n(&nslots, __ATOMIC_SEQ_CST);
		if (!n) {
			usleep(1000);
			continue;
		}
		i = rand_r(&seed) % n;
		st = __atomic_load_n(&slots[i].state, __ATOMIC_SEQ_CST);
		if (st == SL_EXITED && rand_r(&seed) % 3 == 0) {
			if (!__atomic_compare_exchange_n(&slots[i].state, &st,
							 SL_UMOUNTING, 0,
							 __ATOMIC_SEQ_CST,
							 __ATOMIC_SEQ_CST))
				continue;
			slot_dir(i, dir, sizeof(dir));
			if (umount2(dir, MNT_DETACH))
				fail("stress: umount %s: %m", dir);
			__atomic_add_fetch(&thread_umounts, 1,
					   __ATOMIC_SEQ_CST);
			__atomic_store_n(&slots[i].state, SL_GONE,
					 __ATOMIC_SEQ_CST);
			continue;
		}
		if (st != SL_MOUNTED && st != SL_EXITED) {
			usleep(500);
			continue;
		}
		stress_poke(i, id, &seed, buf);
	}
	free(buf);
	return NULL;
}

static void stress_reap(int *inflight)
{
	int status, i, st;
	pid_t p = waitpid(-1, &status, 0);

	if (p < 0)
		return fail("stress: waitpid: %m");
	(*inflight)--;
	for (i = 0; i < nslots; i++)
		if (slots[i].pid == p)
			break;
	if (i == nslots)
		return fail("stress: reaped unknown child %d", p);
	CHECK(WIFEXITED(status) && !WEXITSTATUS(status),
	      "stress: child %d: status %#x", i, status);
	st = SL_MOUNTED;
	if (!__atomic_compare_exchange_n(&slots[i].state, &st, SL_EXITED, 0,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		__atomic_store_n(&slots[i].state, SL_GONE, __ATOMIC_SEQ_CST);
}

static void test_stress(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char *users0, *users1 = NULL, dir[96];
	int i, n, inflight = 0, left, r;
	pthread_t th[2];
	struct stat st;
	double t0;
	pid_t p;

	users0 = slurp(DBG_USERS);
	if (!users0)
		return fail("stress: read %s: %m", DBG_USERS);
	/* Root's queues (of the threads) must not hit RLIMIT_MSGQUEUE. */
	if (setrlimit(RLIMIT_MSGQUEUE, &rl))
		fail("stress: setrlimit: %m");
	/* Our own mount ns: we see the children's mounts, nobody else does. */
	if (unshare(CLONE_NEWNS) || make_private())
		return fail("stress: private mount ns: %m");
	if (!make_tmpdir("mqstress", stress_base, sizeof(stress_base)))
		return;
	if (stat(stress_base, &st))
		return fail("stress: stat %s: %m", stress_base);
	stress_dev = st.st_dev;
	slots = mmap(NULL, STRESS_ROUNDS * sizeof(*slots),
		     PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (slots == MAP_FAILED)
		return fail("stress: mmap: %m");
	memset(slots, 0, STRESS_ROUNDS * sizeof(*slots));
	for (i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, stress_thread,
				   (void *)(uintptr_t)i))
			return fail("stress: pthread_create");

	t0 = now_mono();
	for (n = 0; n < STRESS_ROUNDS && now_mono() - t0 < STRESS_SECS; n++) {
		slot_dir(n, dir, sizeof(dir));
		if (mkdir(dir, 0755)) {
			fail("stress: mkdir %s: %m", dir);
			break;
		}
		p = fork_flushed();
		if (p < 0) {
			fail("stress: fork: %m");
			break;
		}
		if (p == 0)
			stress_child(n);
		slots[n].pid = p;
		__atomic_store_n(&nslots, n + 1, __ATOMIC_SEQ_CST);
		inflight++;
		while (inflight >= STRESS_INFLIGHT)
			stress_reap(&inflight);
	}
	while (inflight > 0)
		stress_reap(&inflight);
	__atomic_store_n(&stress_stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	printf("stress: %d namespaces in %.1f s\n", n, now_mono() - t0);
	printf("stress: threads: %d visits, %d receives, %d creates (%d EACCES), %d umounts\n",
	       n_pokes, n_received, n_created + n_create_eacces,
	       n_create_eacces, thread_umounts);
	CHECK(n_pokes > 0, "stress: the threads never got to a mount");

	for (i = 0; i < n; i++) {
		slot_dir(i, dir, sizeof(dir));
		if (slots[i].state == SL_EXITED && umount2(dir, MNT_DETACH))
			fail("stress: umount %s: %m", dir);
		if (rmdir(dir))
			fail("stress: rmdir %s: %m", dir);
	}
	if (rmdir(stress_base))
		fail("stress: rmdir %s: %m", stress_base);

	/* Every namespace's record goes, and every byte charged. */
	t0 = now_mono();
	do {
		left = 0;
		for (i = 0; i < n; i++) {
			r = slots[i].inum ? ns_rec(slots[i].inum, NULL) : 0;
			if (r)
				left++;
		}
		free(users1);
		users1 = slurp(DBG_USERS);
		if (!left && users1 && !strcmp(users0, users1))
			break;
		usleep(50000);
	} while (now_mono() - t0 < 10);
	CHECK(!left, "stress: %d namespaces' records left after 10 s", left);
	if (left) {
		char *ns = slurp(DBG_NS);

		printf("%s", ns ? ns : "(unreadable)\n");
		free(ns);
	}
	CHECK(users1 && !strcmp(users0, users1),
	      "stress: users before:\n%safter:\n%s", users0,
	      users1 ? users1 : "(unreadable)\n");
	if (!left)
		printf("stress: all records gone %.2f s after the last umount\n",
		       now_mono() - t0);
	free(users0);
	free(users1);
}

/* hold, for mqueue_ns.sh: a queue in a fresh ipc ns until stdin closes. */
static void test_hold(void)
{
	struct mqns_attr a = mk_attr(1, 128);
	int fd;
	char c;

	if (ipc_inum() == init_ipc_inum)
		return fail("hold: run me in a fresh ipc namespace (unshare -i)");
	fd = mqns_open("hold", O_CREAT | O_RDWR, 0600, &a);
	if (fd < 0)
		return fail("hold: create: %s", ename(fd));
	printf("ready %lu\n", ipc_inum());
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "order", test_order }, { "block", test_block },
		{ "vfs", test_vfs }, { "limits", test_limits },
		{ "nsdeath", test_nsdeath }, { "edge", test_edge },
		{ "scm", test_scm }, { "userns", test_userns },
		{ "stress", test_stress }, { "hold", test_hold },
	};
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc == 2 && i < ARRAY_SIZE(cases); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		/*
		 * The initial ipc namespace is init's.  If init's cannot be
		 * looked at: the cases are started in it, so ours; "hold" is
		 * started by unshare -i from a shell in it, so our parent's.
		 */
		init_ipc_inum = ns_inum("/proc/1/ns/ipc");
		if (!init_ipc_inum) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/%d/ns/ipc",
				 (int)getppid());
			init_ipc_inum = strcmp(argv[1], "hold") ? ipc_inum() :
					ns_inum(path);
		}
		if (!init_ipc_inum) {
			printf("FAIL: cannot tell the initial ipc namespace: %m\n");
			return 1;
		}
		cases[i].fn();
		printf("%s %s (%d failures)\n", failures ? "FAILED" : "PASSED",
		       cases[i].name, failures);
		return failures ? 1 : 0;
	}
	fprintf(stderr,
		"usage: %s order|block|vfs|limits|nsdeath|edge|scm|userns|stress|hold\n",
		argv[0]);
	return 2;
}
