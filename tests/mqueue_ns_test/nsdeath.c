// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test nsdeath: a mount outlives its ipc namespace: old queues
 * work, no new ones; the namespace's record goes with the superblock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

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

	child_start("nsdeath: B", CLONE_NEWIPC);
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

	child_start("nsdeath: A", CLONE_NEWNS | CLONE_NEWIPC);
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

void test_nsdeath(void)
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
