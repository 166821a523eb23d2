// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test block: blocked receivers and senders are woken, so is
 * poll(2); a signal interrupts a blocked receive or send.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

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

void test_block(void)
{
	in_child("block", CLONE_NEWIPC, block_body);
}
