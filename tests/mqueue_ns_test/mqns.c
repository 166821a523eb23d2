// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test: the module's interface as the cases use it: the device
 * ioctls in the place of mq_*(3), mounts, a queue's read(2) line, the
 * limits and the debugfs records; checks on them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

unsigned long ipc_inum(void)
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

/* A device ioctl, in the caller's ipc namespace; -errno on failure. */
static int dev_ioctl(unsigned long cmd, void *arg)
{
	int r;

	if (in_init_ipc())
		return -ECANCELED;
	r = ioctl(test_dev(MQNS_DEVICE, O_RDWR), cmd, arg);
	return r < 0 ? -errno : r;
}

struct mqns_attr mk_attr(long maxmsg, long msgsize)
{
	struct mqns_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

	return a;
}

/* mq_open() on the module: a queue fd or -errno.  As glibc, drop one '/'. */
int mqns_open(const char *name, int oflag, mode_t mode,
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

int mqns_unlink(const char *name)
{
	struct mqns_name n = {
		.name = (uintptr_t)(name[0] == '/' ? name + 1 : name),
	};

	return dev_ioctl(MQNS_IOC_UNLINK, &n);
}

int mqns_get_limits(struct mqns_limits *l)
{
	memset(l, 0, sizeof(*l));
	return dev_ioctl(MQNS_IOC_GET_LIMITS, l);
}

int mqns_set_limits(const struct mqns_limits *l)
{
	struct mqns_limits c = *l;

	return dev_ioctl(MQNS_IOC_SET_LIMITS, &c);
}

/* mq_timedsend() on a queue fd; @abs NULL: no deadline. */
int mqns_send(int fd, const void *buf, size_t len, unsigned int prio,
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
long mqns_receive(int fd, void *buf, size_t len, unsigned int *prio,
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
int mqns_getsetattr(int fd, const struct mqns_attr *set,
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

int mount_mqns(const char *dir, const char *opts)
{
	if (in_init_ipc())
		return -ECANCELED;
	return mount("none", dir, MQNS_FSTYPE, 0, opts) ? -errno : 0;
}

/* The read(2) line of a queue fd, from offset 0; -errno on failure. */
int qsize_line(int fd, char *buf, size_t len)
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

void want_qsize(int fd, unsigned long qsize, const char *what)
{
	char got[128], want[128];
	int r;

	snprintf(want, sizeof(want), QSIZE_FMT, qsize, 0, 0, 0);
	r = qsize_line(fd, got, sizeof(got));
	CHECK(!r && !strcmp(got, want), "%s: read gave '%s' (%s), want '%s'",
	      what, got, ename(r), want);
}

/* A whole file (debugfs seq files included), malloc'd; NULL on failure. */
char *slurp(const char *path)
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

/*
 * The debugfs record of ipc namespace @inum: the number of lines for it
 * (the last one in @r), or -1 if the file cannot be read.
 */
int ns_rec(unsigned long inum, struct nsrec *r)
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
double wait_rec(unsigned long inum, const char *state, int ms,
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
long user_bytes(unsigned int uid)
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

/* Send on @from, receive the same message on @to. */
void pass_msg(int from, int to, const char *msg, const char *what)
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

const struct mqns_limits def_limits = { 256, 10, 8192, 10, 8192, 0 };

static int limits_eq(const struct mqns_limits *a, const struct mqns_limits *b)
{
	return a->queues_max == b->queues_max && a->msg_max == b->msg_max &&
	       a->msgsize_max == b->msgsize_max &&
	       a->msg_default == b->msg_default &&
	       a->msgsize_default == b->msgsize_default &&
	       a->queues_count == b->queues_count;
}

void want_limits(const struct mqns_limits *want, const char *what)
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
