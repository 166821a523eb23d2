// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test order: one sequence of calls, run on upstream's POSIX mq
 * and on ours in one fresh ipc namespace; results, errnos, order,
 * priorities and QSIZE lines must match, and match what the test wants.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

/* CLOCK_REALTIME plus @ms: an absolute deadline. */
struct timespec deadline_ms(long ms)
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

const struct backend be_upstream = {
	"upstream", up_open, up_unlink, up_send, up_receive, up_getsetattr,
};

const struct backend be_ours = {
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

/* @b's open as a test result: its -errno, or 0 for an fd (closed). */
static int try_open(const struct backend *b, const char *name, int oflag,
		    mode_t mode, const struct mqns_attr *attr)
{
	int fd = b->open(name, oflag, mode, attr);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
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

		close(p[0]);
		if (!become(NOBODY)) {
			r[0] = try_open(b, "/ord", O_RDONLY, 0, NULL);
			r[1] = try_open(b, "/ord", O_WRONLY, 0, NULL);
			r[2] = try_open(b, "/pub", O_RDONLY, 0, NULL);
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
	rec_r("create /ord again, O_EXCL", "EEXIST",
	      try_open(b, "/ord", O_CREAT | O_EXCL | O_RDWR, 0600, &a));
	bad = mk_attr(0, 64);
	rec_r("O_CREAT of existing /ord, attr 0x64", "ok",
	      try_open(b, "/ord", O_CREAT | O_RDWR, 0600, &bad));
	rec_r("open existing /ord O_RDONLY", "ok",
	      try_open(b, "/ord", O_RDONLY, 0, NULL));
	rec_r("open /ord O_RDWR|O_WRONLY", "EINVAL",
	      try_open(b, "/ord", O_RDWR | O_WRONLY, 0, NULL));
	rec_r("open /missing without O_CREAT", "ENOENT",
	      try_open(b, "/missing", O_RDWR, 0, NULL));
	rec_r("create maxmsg 0", "EINVAL",
	      try_open(b, "/bad0", O_CREAT | O_RDWR, 0600, &bad));
	bad = mk_attr(4, -1);
	rec_r("create msgsize -1", "EINVAL",
	      try_open(b, "/bad1", O_CREAT | O_RDWR, 0600, &bad));
	bad = mk_attr(65537, 64);
	rec_r("create maxmsg 65537 (root)", "EINVAL",
	      try_open(b, "/bad2", O_CREAT | O_RDWR, 0600, &bad));
	bad = mk_attr(20, 64);
	fd = b->open("/big", O_CREAT | O_EXCL | O_RDWR, 0600, &bad);
	rec_r("create 20x64 > msg_max (root)", "ok", fd);
	r = fd < 0 ? fd : b->getsetattr(fd, NULL, &old);
	rec_attr("getattr /big", "flags=0 maxmsg=20 msgsize=64 curmsgs=0", r,
		 &old);
	closeif(fd);
	rec_r("unlink /big", "ok", b->unlink("/big"));
	rec_r("create /a/b", "EACCES",
	      try_open(b, "/a/b", O_CREAT | O_RDWR, 0600, NULL));
	rec_r("create /.", "EACCES",
	      try_open(b, "/.", O_CREAT | O_RDWR, 0600, NULL));
	rec_r("create /..", "EACCES",
	      try_open(b, "/..", O_CREAT | O_RDWR, 0600, NULL));
	longname[0] = '/';
	memset(longname + 1, 'n', 256);
	longname[257] = 0;
	rec_r("create a 256-char name", "ENAMETOOLONG",
	      try_open(b, longname, O_CREAT | O_RDWR, 0600, NULL));

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
	rec_r("open /ord after unlink", "ENOENT",
	      try_open(b, "/ord", O_RDWR, 0, NULL));
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
	order_seq(&be_upstream);
	side = 1;
	order_seq(&be_ours);
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

void test_order(void)
{
	in_child("order", CLONE_NEWIPC, order_body);
}
