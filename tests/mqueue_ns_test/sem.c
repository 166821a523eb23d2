// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test cloexec, restart, defaults, errno, statfs, limfile, slack,
 * capat, wakeone: issue 12's semantics, each run on upstream's mq and on
 * ours in one fresh ipc namespace where upstream has the same thing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

#define MQUEUE_MAGIC 0x19800202
#define PF_SUPERPRIV 0x00000100
#define SYSDIR "/proc/sys/fs/mqueue/"

static const struct backend *const both[] = { &be_upstream, &be_ours };
/* A mount of mqueue_ns_limits, with its trailing '/'. */
static char LIMDIR[128];

/* cloexec: every queue fd is close-on-exec, as upstream's. */
static void cloexec_body(void)
{
	struct mqns_attr a = mk_attr(2, 64);
	unsigned int i;
	int fd, fl;

	for (i = 0; i < 2; i++) {
		fd = both[i]->open("/ce", O_CREAT | O_RDWR, 0600, &a);
		if (fd < 0) {
			fail("cloexec: %s: create: %s", both[i]->name, ename(fd));
			continue;
		}
		fl = fcntl(fd, F_GETFD);
		CHECK(fl >= 0 && (fl & FD_CLOEXEC),
		      "cloexec: %s: fd without O_CLOEXEC: FD_CLOEXEC %s",
		      both[i]->name, fl & FD_CLOEXEC ? "set" : "clear");
		close(fd);
		both[i]->unlink("/ce");
	}
}

void test_cloexec(void)
{
	in_child("cloexec", CLONE_NEWIPC, cloexec_body);
}

/* restart: a signal with SA_RESTART, then the call finishes normally. */
static int restart_alarms;

static void on_alarm(int sig)
{
	(void)sig;
	__atomic_add_fetch(&restart_alarms, 1, __ATOMIC_SEQ_CST);
}

struct later {
	const struct backend *b;
	int fd;
	int op;		/* 0 send, 1 receive */
};

static void *do_later(void *arg)
{
	struct later *l = arg;
	char buf[64];
	sigset_t set;

	/* The alarm is for the caller blocked in the queue. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	usleep(700000);
	if (l->op == 0)
		l->b->send(l->fd, "late", 4, 3, NULL);
	else
		l->b->receive(l->fd, buf, sizeof(buf), NULL, NULL);
	return NULL;
}

static void restart_seq(const struct backend *b)
{
	struct mqns_attr a = mk_attr(1, 64);
	struct itimerval it = { .it_value = { 0, 300000 } };
	struct later l = { b, -1, 0 };
	unsigned int prio = 0;
	pthread_t th;
	char buf[64];
	int q, r, n0;
	long n;

	q = b->open("/rs", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	if (q < 0)
		return fail("restart: %s: create: %s", b->name, ename(q));
	l.fd = q;
	/* A receive on the empty queue: the alarm at 0.3 s, a send at 0.7 s. */
	n0 = restart_alarms;
	pthread_create(&th, NULL, do_later, &l);
	setitimer(ITIMER_REAL, &it, NULL);
	n = b->receive(q, buf, sizeof(buf), &prio, NULL);
	pthread_join(th, NULL);
	CHECK(n == 4 && prio == 3 && restart_alarms == n0 + 1,
	      "restart: %s: receive across an SA_RESTART signal: %s, %d alarms, want the message",
	      b->name, ename(n), restart_alarms - n0);
	/* A send on the full queue, the same way. */
	r = b->send(q, "full", 4, 0, NULL);
	CHECK(!r, "restart: %s: send: %s", b->name, ename(r));
	l.op = 1;
	n0 = restart_alarms;
	pthread_create(&th, NULL, do_later, &l);
	setitimer(ITIMER_REAL, &it, NULL);
	r = b->send(q, "next", 4, 0, NULL);
	pthread_join(th, NULL);
	CHECK(!r && restart_alarms == n0 + 1,
	      "restart: %s: send across an SA_RESTART signal: %s, %d alarms, want ok",
	      b->name, ename(r), restart_alarms - n0);
	close(q);
	b->unlink("/rs");
}

static void restart_body(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL))
		return fail("sigaction: %m");
	restart_seq(&be_upstream);
	restart_seq(&be_ours);
}

void test_restart(void)
{
	in_child("restart", CLONE_NEWIPC, restart_body);
}

/* Write @s to a limits file of upstream (SYSDIR) or ours (LIMDIR). */
static int put_limit(const char *dir, const char *name, const char *s)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int get_limit(const char *dir, const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	buf[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	buf[n] = 0;
	close(fd);
	return 0;
}

/* defaults: without attributes, min(maximum, default) of each. */
static void defaults_body(void)
{
	struct mqns_limits l = { 256, 5, 1024, 10, 8192, 0 };
	struct mqns_attr old;
	unsigned int i;
	int r, fd;

	r = mqns_set_limits(&l);
	CHECK(!r, "defaults: SET_LIMITS: %s", ename(r));
	CHECK(!put_limit(SYSDIR, "msg_max", "5") &&
	      !put_limit(SYSDIR, "msgsize_max", "1024"),
	      "defaults: upstream's sysctls");
	for (i = 0; i < 2; i++) {
		fd = both[i]->open("/df", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
		r = fd < 0 ? fd : both[i]->getsetattr(fd, NULL, &old);
		CHECK(!r && old.mq_maxmsg == 5 && old.mq_msgsize == 1024,
		      "defaults: %s: msg_max 5 < msg_default 10, msgsize_max 1024 < msgsize_default 8192: %s %lldx%lld, want 5x1024",
		      both[i]->name, ename(r), (long long)old.mq_maxmsg,
		      (long long)old.mq_msgsize);
		closeif(fd);
		both[i]->unlink("/df");
	}
}

void test_defaults(void)
{
	in_child("defaults", CLONE_NEWIPC, defaults_body);
}

/* errno: one result per row, upstream's and ours side by side. */
static char errno_dir[96];

struct open_as {
	const struct backend *b;
	uid_t uid;
	const char *name;
	int oflag;
	const struct mqns_attr *attr;
};

static int open_as_body(const void *arg)
{
	const struct open_as *o = arg;
	int res;

	if (o->uid && become(o->uid))
		return -ECANCELED;
	res = o->b->open(o->name, o->oflag, 0600, o->attr);
	closeif(res);
	return res > 0 ? 0 : res;
}

static int try_open_as(const struct backend *b, uid_t uid, const char *name,
		       int oflag, const struct mqns_attr *attr)
{
	struct open_as o = { .b = b, .uid = uid, .name = name,
			     .oflag = oflag, .attr = attr };

	return child_result(open_as_body, &o);
}

static void errno_row(const char *what, int up, int ours, int want)
{
	printf("%-60s upstream %-8s ours %-8s want %s\n", what, ename(up),
	       ename(ours), ename(want));
	CHECK(up == want && ours == want, "errno: %s: upstream %s, ours %s, want %s",
	      what, ename(up), ename(ours), ename(want));
}

static void errno_body(void)
{
	struct mqns_limits lim = { 1, 10, 8192, 10, 8192, 0 };
	struct mqns_attr bad = mk_attr(0, 64), a = mk_attr(2, 64);
	int res[2][6], fd, i, r;
	char buf[8];

	r = mqns_set_limits(&lim);
	CHECK(!r, "errno: SET_LIMITS: %s", ename(r));
	CHECK(!put_limit(SYSDIR, "queues_max", "1"), "errno: queues_max sysctl");
	for (i = 0; i < 2; i++) {
		const struct backend *b = both[i];

		fd = b->open("/one", O_CREAT | O_RDWR, 0600, &a);
		CHECK(fd >= 0, "errno: %s: create /one: %s", b->name, ename(fd));
		/* queues_max reached: ENOSPC before the bad attributes. */
		res[i][0] = try_open_as(b, NOBODY, "/two", O_CREAT | O_RDWR, &bad);
		/* O_RDWR|O_WRONLY, O_CREAT|O_EXCL, existing: EEXIST first. */
		res[i][1] = try_open_as(b, 0, "/one",
					O_RDWR | O_WRONLY | O_CREAT | O_EXCL, &a);
		/* Bits mq_open() does not know: ignored. */
		res[i][2] = try_open_as(b, 0, "/one", O_RDWR | O_APPEND | 0x40000000, NULL);
		/* O_RDWR|O_WRONLY creating: made, and the fd can do nothing. */
		r = b->open("/acc3", O_RDWR | O_WRONLY | O_CREAT, 0600, &a);
		res[i][3] = r < 0 ? r : b->send(r, "x", 1, 0, NULL);
		closeif(r);
		b->unlink("/acc3");
		closeif(fd);
		b->unlink("/one");
		/* No write permission on the directory: EACCES before EINVAL. */
		res[i][4] = -ECANCELED;
		if (mount("none", errno_dir, b == &be_ours ? MQNS_FSTYPE : "mqueue",
			  0, NULL)) {
			fail("errno: mount: %m");
			continue;
		}
		if (chmod(errno_dir, 0755))
			fail("errno: chmod: %m");
		res[i][4] = try_open_as(b, NOBODY, "/three", O_CREAT | O_RDWR, &bad);
		if (chmod(errno_dir, 01777))
			fail("errno: chmod: %m");
		umount(errno_dir);
		(void)buf;
	}
	errno_row("queues_max reached, bad attributes (uid 65534)", res[0][0],
		  res[1][0], -ENOSPC);
	errno_row("O_RDWR|O_WRONLY|O_CREAT|O_EXCL of an existing queue",
		  res[0][1], res[1][1], -EEXIST);
	errno_row("O_RDWR|O_APPEND|0x40000000 of an existing queue", res[0][2],
		  res[1][2], 0);
	errno_row("O_RDWR|O_WRONLY|O_CREAT of a new queue, then send",
		  res[0][3], res[1][3], -EBADF);
	errno_row("directory 0755, bad attributes (uid 65534)", res[0][4],
		  res[1][4], -EACCES);
}

void test_errno(void)
{
	char base[64];

	if (!make_tmpdir("mqerrno", base, sizeof(base)))
		return;
	sub_dir(errno_dir, sizeof(errno_dir), base, "m");
	in_child("errno", CLONE_NEWIPC | CLONE_NEWNS, errno_body);
	CHECK(!rmdir(errno_dir) && !rmdir(base), "errno: rmdir: %m");
}

/* statfs: ours says it is not upstream's mqueue, whose fds it cannot take. */
static void statfs_body(void)
{
	struct statfs sf;

	if (mount("none", errno_dir, MQNS_FSTYPE, 0, NULL))
		return fail("statfs: mount: %m");
	CHECK(!statfs(errno_dir, &sf) && sf.f_type == MQNS_SUPER_MAGIC,
	      "statfs: f_type %#lx, want MQNS_SUPER_MAGIC %#x",
	      (unsigned long)sf.f_type, MQNS_SUPER_MAGIC);
	umount(errno_dir);
	if (mount("none", errno_dir, "mqueue", 0, NULL))
		return fail("statfs: mount -t mqueue: %m");
	CHECK(!statfs(errno_dir, &sf) && sf.f_type == MQUEUE_MAGIC,
	      "statfs: upstream's f_type %#lx", (unsigned long)sf.f_type);
	umount(errno_dir);
}

void test_statfs(void)
{
	char base[64];

	if (!make_tmpdir("mqstatfs", base, sizeof(base)))
		return;
	sub_dir(errno_dir, sizeof(errno_dir), base, "m");
	in_child("statfs", CLONE_NEWIPC | CLONE_NEWNS, statfs_body);
	CHECK(!rmdir(errno_dir) && !rmdir(base), "statfs: rmdir: %m");
}

/* limfile: our files against upstream's sysctls in the same namespace. */
static const char *const lim_names[] = {
	"queues_max", "msg_max", "msgsize_max", "msg_default", "msgsize_default",
};

static void limfile_compare(const char *what)
{
	char up[32], ours[32];
	unsigned int i;
	int r1, r2;

	for (i = 0; i < ARRAY_SIZE(lim_names); i++) {
		r1 = get_limit(SYSDIR, lim_names[i], up, sizeof(up));
		r2 = get_limit(LIMDIR, lim_names[i], ours, sizeof(ours));
		CHECK(!r1 && !r2 && !strcmp(up, ours),
		      "limfile: %s: %s: upstream %s '%s', ours %s '%s'", what,
		      lim_names[i], ename(r1), up, ename(r2), ours);
	}
}

/* Write @val to @name in both; the results must match @want. */
static void limfile_write(const char *name, const char *val, int want)
{
	int r1 = put_limit(SYSDIR, name, val), r2 = put_limit(LIMDIR, name, val);

	CHECK(r1 == want && r2 == want,
	      "limfile: write %s to %s: upstream %s, ours %s, want %s", val,
	      name, ename(r1), ename(r2), ename(want));
}

static void limfile_as(void)
{
	char buf[32];
	unsigned int i;
	int r1, r2;

	for (i = 0; i < ARRAY_SIZE(lim_names); i++) {
		r1 = put_limit(SYSDIR, lim_names[i], "7");
		r2 = put_limit(LIMDIR, lim_names[i], "7");
		CHECK(r1 == -EACCES && r2 == -EACCES,
		      "limfile: uid %u: write %s: upstream %s, ours %s, want EACCES",
		      (unsigned int)geteuid(), lim_names[i], ename(r1), ename(r2));
		r2 = get_limit(LIMDIR, lim_names[i], buf, sizeof(buf));
		CHECK(!r2, "limfile: uid %u: read %s: %s",
		      (unsigned int)geteuid(), lim_names[i], ename(r2));
	}
}

static void limfile_nobody(void)
{
	if (!become(NOBODY))
		limfile_as();
}

/* The root of a user ns (uid 1000 outside) not owning the ipc ns. */
static void limfile_userns(void)
{
	char map[32];
	int fd;

	if (become(USER))
		return;
	if (prctl(PR_SET_DUMPABLE, 1))
		fail("PR_SET_DUMPABLE: %m");
	if (unshare(CLONE_NEWUSER))
		return fail("limfile: unshare(CLONE_NEWUSER): %m");
	snprintf(map, sizeof(map), "0 %d 1", USER);
	fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "deny", 4) != 4)
		fail("limfile: setgroups: %m");
	closeif(fd);
	fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
		fail("limfile: uid_map: %m");
	closeif(fd);
	limfile_as();
}

static void limfile_body(void)
{
	struct mqns_limits l;
	char buf[32];

	limfile_compare("fresh namespace");
	limfile_write("msg_max", "20", 0);
	limfile_write("msgsize_max", "4096", 0);
	limfile_write("msg_default", "65536", 0);
	limfile_write("msgsize_default", "128", 0);
	limfile_write("queues_max", "70000", 0);
	limfile_compare("after writes");
	CHECK(!mqns_get_limits(&l) && l.msg_max == 20 && l.msgsize_max == 4096 &&
	      l.msg_default == 65536 && l.msgsize_default == 128 &&
	      l.queues_max == 70000,
	      "limfile: GET_LIMITS after the writes: %u %u %u %u %u", l.queues_max,
	      l.msg_max, l.msgsize_max, l.msg_default, l.msgsize_default);
	limfile_write("msg_max", "0", -EINVAL);
	limfile_write("msg_max", "65537", -EINVAL);
	limfile_write("msgsize_max", "127", -EINVAL);
	limfile_write("msgsize_max", "16777217", -EINVAL);
	limfile_write("msg_default", "0", -EINVAL);
	limfile_write("msgsize_default", "16777217", -EINVAL);
	limfile_write("msg_max", "abc", -EINVAL);
	limfile_write("queues_max", "-1", 0);
	limfile_compare("after the refused writes and queues_max -1");
	CHECK(!get_limit(LIMDIR, "queues_max", buf, sizeof(buf)) &&
	      !strcmp(buf, "-1\n"), "limfile: queues_max reads '%s'", buf);
	in_child("limfile: uid 65534", 0, limfile_nobody);
	in_child("limfile: user ns root", 0, limfile_userns);
	limfile_compare("after the refused users");
}

static void limfile_mount(void)
{
	char dir[96];

	snprintf(dir, sizeof(dir), "%.*s", (int)strlen(LIMDIR) - 1, LIMDIR);
	if (mount("none", dir, MQNS_LIMITS_FSTYPE, 0, NULL))
		return fail("limfile: mount -t %s %s: %m", MQNS_LIMITS_FSTYPE,
			    dir);
	limfile_body();
	CHECK(!umount(dir), "limfile: umount: %m");
}

void test_limfile(void)
{
	char base[64], dir[96];

	if (!make_tmpdir("mqlimfile", base, sizeof(base)))
		return;
	if (chmod(base, 0755))
		fail("chmod: %m");
	sub_dir(dir, sizeof(dir), base, "m");
	snprintf(LIMDIR, sizeof(LIMDIR), "%s/", dir);
	in_child("limfile", CLONE_NEWIPC | CLONE_NEWNS, limfile_mount);
	CHECK(!rmdir(dir) && !rmdir(base), "limfile: rmdir: %m");
}

/* slack: a huge timer slack must not delay a timed call. */
static void slack_body(void)
{
	struct mqns_attr a = mk_attr(1, 64);
	struct timespec ts;
	unsigned int i;
	char buf[64];
	double t0, dt;
	long n;
	int q;

	if (prctl(PR_SET_TIMERSLACK, 600000000UL))
		return fail("slack: PR_SET_TIMERSLACK: %m");
	for (i = 0; i < 2; i++) {
		q = both[i]->open("/sl", O_CREAT | O_RDWR, 0600, &a);
		if (q < 0) {
			fail("slack: %s: create: %s", both[i]->name, ename(q));
			continue;
		}
		t0 = now_mono();
		ts = deadline_ms(100);
		n = both[i]->receive(q, buf, sizeof(buf), NULL, &ts);
		dt = now_mono() - t0;
		CHECK(n == -ETIMEDOUT && dt < 0.45,
		      "slack: %s: 100 ms timed receive with 600 ms slack: %s after %.3f s",
		      both[i]->name, ename(n), dt);
		printf("slack: %s: %.3f s\n", both[i]->name, dt);
		close(q);
		both[i]->unlink("/sl");
	}
}

void test_slack(void)
{
	in_child("slack", CLONE_NEWIPC, slack_body);
}

/* capat: whether this task has used a privilege (PF_SUPERPRIV). */
static int superpriv(void)
{
	char buf[1024], *p;
	unsigned long flags = 0;
	int fd, i;
	ssize_t n;

	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	closeif(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strrchr(buf, ')');
	/* After "comm)": state ppid pgrp session tty tpgid flags */
	for (i = 0; p && i < 7; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu", &flags) != 1)
		return -1;
	return !!(flags & PF_SUPERPRIV);
}

/* In a fresh process: create @name; 1 if it used a privilege. */
static int create_superpriv(const char *name, const struct mqns_attr *a,
			    int *res)
{
	int p[2], r[2] = { -ECHILD, -1 };
	pid_t c;

	if (pipe(p))
		return -1;
	c = fork_flushed();
	if (c == 0) {
		int fd;

		close(p[0]);
		failures = 0;
		r[1] = superpriv();
		if (r[1] != 0) {
			fail("capat: a fresh process has PF_SUPERPRIV %d", r[1]);
		} else {
			fd = mqns_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, a);
			r[0] = fd;
			if (r[0] > 0)
				r[0] = 0;
			r[1] = superpriv();
		}
		if (write(p[1], r, sizeof(r)) != sizeof(r))
			_exit(2);
		child_exit();
	}
	close(p[1]);
	if (read(p[0], r, sizeof(r)) != sizeof(r))
		r[1] = -1;
	close(p[0]);
	wait_child(c);
	*res = r[0];
	return r[1];
}

static void capat_body(void)
{
	struct mqns_limits l = { 2, 10, 8192, 10, 8192, 0 };
	struct mqns_attr a = mk_attr(4, 64), big = mk_attr(20, 64);
	int sp, r;

	r = mqns_set_limits(&l);
	CHECK(!r, "capat: SET_LIMITS: %s", ename(r));
	sp = create_superpriv("c1", &a, &r);
	CHECK(!r && sp == 0,
	      "capat: root, under every limit: %s, PF_SUPERPRIV %d, want ok 0 (no capability asked for)",
	      ename(r), sp);
	sp = create_superpriv("c2", &big, &r);
	CHECK(!r && sp == 1,
	      "capat: root, maxmsg 20 > msg_max: %s, PF_SUPERPRIV %d, want ok 1",
	      ename(r), sp);
	sp = create_superpriv("c3", &a, &r);
	CHECK(!r && sp == 1,
	      "capat: root, queues_max reached: %s, PF_SUPERPRIV %d, want ok 1",
	      ename(r), sp);
	mqns_unlink("c1");
	mqns_unlink("c2");
	mqns_unlink("c3");
}

void test_capat(void)
{
	in_child("capat", CLONE_NEWIPC, capat_body);
}

/* wakeone: waiters in threads, served one at a time, best first. */
struct wjob {
	const struct backend *b;
	int fd;
	int op;			/* 0 receive, 1 send */
	int nice;
	long ret;
	char buf[64];
	pid_t tid;
	int done;
	pthread_t th;
};

static void *wjob_fn(void *arg)
{
	struct wjob *j = arg;
	unsigned int prio;

	if (setpriority(PRIO_PROCESS, 0, j->nice))
		fail("wakeone: setpriority(%d): %m", j->nice);
	__atomic_store_n(&j->tid, gettid(), __ATOMIC_SEQ_CST);
	if (j->op == 0)
		j->ret = j->b->receive(j->fd, j->buf, sizeof(j->buf), &prio, NULL);
	else
		j->ret = j->b->send(j->fd, "waited", 6, 1, NULL);
	__atomic_store_n(&j->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Start @j and wait until it sleeps in the call. */
static void wjob_start(struct wjob *j)
{
	char path[64], buf[512], *p;
	int i, fd;
	ssize_t n;

	pthread_create(&j->th, NULL, wjob_fn, j);
	while (!__atomic_load_n(&j->tid, __ATOMIC_SEQ_CST))
		usleep(1000);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)j->tid);
	for (i = 0; i < 500; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		closeif(fd);
		if (n > 0) {
			buf[n] = 0;
			p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'S')
				break;
		}
		usleep(10000);
	}
	usleep(100000);
}

static int wjob_wait(struct wjob *j, int ms)
{
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (__atomic_load_n(&j->done, __ATOMIC_SEQ_CST))
			return 1;
		usleep(10000);
	}
	return 0;
}

static void wakeone_seq(const struct backend *b)
{
	struct mqns_attr a = mk_attr(1, 64), old;
	struct wjob lo = { 0 }, hi = { 0 }, s = { 0 };
	char buf[64];
	int q, r, got;
	long n;

	q = b->open("/wo", O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &a);
	if (q < 0)
		return fail("wakeone: %s: create: %s", b->name, ename(q));
	/* Two receivers: the low-priority one waits first. */
	lo = (struct wjob){ .b = b, .fd = -1, .op = 0, .nice = 10 };
	hi = (struct wjob){ .b = b, .fd = -1, .op = 0, .nice = 0 };
	lo.fd = b->open("/wo", O_RDONLY, 0, NULL);
	hi.fd = b->open("/wo", O_RDONLY, 0, NULL);
	wjob_start(&lo);
	wjob_start(&hi);
	r = b->send(q, "one", 3, 0, NULL);
	/* Handed over: not in the queue, not for us. */
	got = b->getsetattr(q, NULL, &old);
	n = b->receive(q, buf, sizeof(buf), NULL, NULL);
	CHECK(!r && !got && old.mq_curmsgs == 0 && n == -EAGAIN,
	      "wakeone: %s: send to a waiting receiver: %s, then curmsgs %lld and our receive %s, want ok 0 EAGAIN (handed over)",
	      b->name, ename(r), (long long)old.mq_curmsgs, ename(n));
	CHECK(wjob_wait(&hi, 3000) && hi.ret == 3,
	      "wakeone: %s: the higher-priority receiver did not get it: %s",
	      b->name, ename(hi.ret));
	usleep(200000);
	CHECK(!__atomic_load_n(&lo.done, __ATOMIC_SEQ_CST),
	      "wakeone: %s: the other receiver returned too: %s", b->name,
	      ename(lo.ret));
	b->send(q, "two", 3, 0, NULL);
	CHECK(wjob_wait(&lo, 3000) && lo.ret == 3,
	      "wakeone: %s: the second receiver: %s", b->name, ename(lo.ret));
	pthread_join(hi.th, NULL);
	pthread_join(lo.th, NULL);

	/* A sender waiting on the full queue: a receive makes it send. */
	r = b->send(q, "fill", 4, 0, NULL);
	s = (struct wjob){ .b = b, .fd = b->open("/wo", O_WRONLY, 0, NULL),
			   .op = 1 };
	wjob_start(&s);
	n = b->receive(q, buf, sizeof(buf), NULL, NULL);
	got = b->getsetattr(q, NULL, &old);
	CHECK(!r && n == 4 && !got && old.mq_curmsgs == 1,
	      "wakeone: %s: receive from a full queue with a waiting sender: %s, then curmsgs %lld, want 1 (its message queued)",
	      b->name, ename(n), (long long)old.mq_curmsgs);
	CHECK(wjob_wait(&s, 3000) && s.ret == 0, "wakeone: %s: the sender: %s",
	      b->name, ename(s.ret));
	pthread_join(s.th, NULL);
	closeif(lo.fd);
	closeif(hi.fd);
	closeif(s.fd);
	close(q);
	b->unlink("/wo");
}

static void wakeone_body(void)
{
	wakeone_seq(&be_upstream);
	wakeone_seq(&be_ours);
}

void test_wakeone(void)
{
	in_child("wakeone", CLONE_NEWIPC, wakeone_body);
}
