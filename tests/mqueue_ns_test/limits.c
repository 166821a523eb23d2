// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test limits: the per-namespace limits, CAP_SYS_RESOURCE,
 * queues_max, RLIMIT_MSGQUEUE and the per-user byte accounting in
 * debugfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

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
	};
	static const struct mqns_limits edge_hi = {
		4294967295U, 65536, 16777216, 65536, 16777216, 0
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

void test_limits(void)
{
	in_child("limits", CLONE_NEWIPC, limits_body);
	in_child("rlimit", CLONE_NEWIPC, rlimit_body);
}
