// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test owner, uffd, pin: issue 12's hardening.
 *
 *   owner  whoever touches a namespace first (uid 65534, the root of a
 *          user namespace that does not own the ipc namespace) does not
 *          own its queue directory: the namespace's owner does
 *   uffd   a receiver stuck in a userfaultfd fault on its buffer holds
 *          no lock: an O_NONBLOCK send and a getattr go through; a
 *          fault loses the message, as upstream's
 *   pin    (in the initial ipc namespace) calls that only look make no
 *          record, so they cannot pin the module; nor does a mount of
 *          mqueue_ns_limits and a read of it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

static int put_file(const char *path, const char *s)
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

/* Make a user namespace whose root is uid @outer outside. */
static int userns_root_of(unsigned int outer)
{
	char map[32];
	int r;

	if (become(outer))
		return -1;
	if (prctl(PR_SET_DUMPABLE, 1))
		fail("PR_SET_DUMPABLE: %m");
	if (unshare(CLONE_NEWUSER)) {
		fail("unshare(CLONE_NEWUSER) as uid %u: %m", outer);
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1", outer);
	r = put_file("/proc/self/setgroups", "deny");
	if (!r)
		r = put_file("/proc/self/uid_map", map);
	if (!r)
		r = put_file("/proc/self/gid_map", map);
	if (r)
		fail("write the id maps: %s", ename(r));
	return r;
}

/* One step as someone else: who (-1 the user ns root of USER), what. */
struct step {
	int who;
	int op;			/* 0 create 0644, 1 create 0666, 2 unlink */
	const char *name;
};

struct step_arg {
	const struct backend *b;
	const struct step *s;
};

static int step_body(const void *arg)
{
	const struct step_arg *a = arg;
	const struct step *s = a->s;
	int res;

	if (s->who < 0 ? userns_root_of(USER) : become(s->who))
		return -ECANCELED;
	if (s->op == 2)
		return a->b->unlink(s->name);
	res = a->b->open(s->name, O_CREAT | O_RDWR, s->op ? 0666 : 0644, NULL);
	closeif(res);
	return res > 0 ? 0 : res;
}

static int run_step(const struct backend *b, const struct step *s)
{
	struct step_arg a = { .b = b, .s = s };

	return child_result(step_body, &a);
}

static char owner_dir[96];

/* The mount's root: its owner and mode, "uid:gid mode". */
static void want_root(const struct backend *b, const char *what)
{
	const char *fs = b == &be_ours ? MQNS_FSTYPE : "mqueue";
	struct stat st;

	if (mount("none", owner_dir, fs, 0, NULL))
		return fail("%s: %s: mount -t %s: %m", what, b->name, fs);
	CHECK(!stat(owner_dir, &st) && st.st_uid == 0 && st.st_gid == 0 &&
	      (st.st_mode & 07777) == 01777,
	      "%s: %s: the queue directory is %u:%u %o, want 0:0 1777", what,
	      b->name, (unsigned int)st.st_uid, (unsigned int)st.st_gid,
	      st.st_mode & 07777);
	CHECK(!umount(owner_dir), "%s: umount: %m", what);
}

static void owner_seq(const struct backend *b, const struct step *steps,
		      const int *want, int n, const char *what)
{
	int i, r;

	for (i = 0; i < n; i++) {
		r = run_step(b, &steps[i]);
		CHECK(r == want[i], "%s: %s: step %d (uid %d, op %d, %s): %s, want %s",
		      what, b->name, i, steps[i].who, steps[i].op,
		      steps[i].name, ename(r), ename(want[i]));
	}
	want_root(b, what);
	for (i = 0; i < n; i++)
		if (steps[i].op < 2)
			b->unlink(steps[i].name);
}

/* uid 65534 first, then uid 1000's queue: 65534 may not delete it. */
static void owner_nobody(void)
{
	static const struct step steps[] = {
		{ NOBODY, 0, "/nq" }, { USER, 1, "/q" }, { NOBODY, 2, "/q" },
	};
	static const int want[] = { 0, 0, -EPERM };
	struct mqns_limits l;
	pid_t c;

	/* Its very first contact is a look at the limits. */
	c = fork_flushed();
	if (c == 0) {
		failures = 0;
		if (!become(NOBODY))
			CHECK(!mqns_get_limits(&l), "owner: GET_LIMITS as 65534");
		child_exit();
	}
	wait_child(c);
	owner_seq(&be_ours, steps, want, 3, "owner: 65534 first");
	owner_seq(&be_upstream, steps, want, 3, "owner: 65534 first");
}

/* A user ns root (uid 1000 outside) first: uid 1000 owns nothing here. */
static void owner_userns(void)
{
	static const struct step steps[] = {
		{ -1, 0, "/first" }, { NOBODY, 0, "/nq" }, { USER, 2, "/nq" },
	};
	static const int want[] = { 0, 0, -EPERM };

	owner_seq(&be_ours, steps, want, 3, "owner: user ns root first");
	owner_seq(&be_upstream, steps, want, 3, "owner: user ns root first");
}

void test_owner(void)
{
	char base[64];

	if (!make_tmpdir("mqowner", base, sizeof(base)))
		return;
	sub_dir(owner_dir, sizeof(owner_dir), base, "m");
	in_child("owner: 65534", CLONE_NEWIPC | CLONE_NEWNS, owner_nobody);
	in_child("owner: userns", CLONE_NEWIPC | CLONE_NEWNS, owner_userns);
	CHECK(!rmdir(owner_dir) && !rmdir(base), "owner: rmdir: %m");
}

/* uffd: threads for the stuck receiver and for its neighbour. */
struct uffd_job {
	const struct backend *b;
	int fd;
	void *buf;
	long ret;
	unsigned int prio;
	struct mqns_attr attr;
	int done;
	pthread_t th;
};

static void *uffd_receiver(void *arg)
{
	struct uffd_job *j = arg;

	j->ret = j->b->receive(j->fd, j->buf, 4096, &j->prio, NULL);
	__atomic_store_n(&j->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *uffd_neighbour(void *arg)
{
	struct uffd_job *j = arg;

	j->ret = j->b->send(j->fd, "second", 6, 2, NULL);
	if (!j->ret)
		j->ret = j->b->getsetattr(j->fd, NULL, &j->attr);
	__atomic_store_n(&j->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int wait_done(struct uffd_job *j, int ms)
{
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (__atomic_load_n(&j->done, __ATOMIC_SEQ_CST))
			return 1;
		usleep(10000);
	}
	return 0;
}

static void uffd_seq(const struct backend *b)
{
	struct mqns_attr a = mk_attr(4, 4096), old;
	struct uffdio_register reg = { 0 };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_copy cp = { 0 };
	struct uffd_job rj = { 0 }, nj = { 0 };
	struct pollfd pfd;
	struct uffd_msg um;
	long page = sysconf(_SC_PAGESIZE);
	char *area = MAP_FAILED, *src = MAP_FAILED, *bad = MAP_FAILED;
	int q, qnb = -1, uffd = -1, ok, r;
	long n;

	q = b->open("/uf", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	if (q < 0)
		return fail("uffd: %s: create: %s", b->name, ename(q));
	qnb = b->open("/uf", O_RDWR | O_NONBLOCK, 0, NULL);
	CHECK(qnb >= 0, "uffd: %s: open O_NONBLOCK: %s", b->name, ename(qnb));
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0) {
		fail("uffd: userfaultfd: %m (CONFIG_USERFAULTFD?)");
		goto out;
	}
	if (ioctl(uffd, UFFDIO_API, &api)) {
		fail("uffd: UFFDIO_API: %m");
		goto out;
	}
	area = mmap(NULL, page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || src == MAP_FAILED) {
		fail("uffd: mmap: %m");
		goto out;
	}
	memset(src, 'z', page);
	reg.range.start = (uintptr_t)area;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		fail("uffd: UFFDIO_REGISTER: %m");
		goto out;
	}

	r = b->send(q, "first", 5, 1, NULL);
	CHECK(!r, "uffd: %s: send: %s", b->name, ename(r));
	rj.b = b;
	rj.fd = q;
	rj.buf = area;
	if (pthread_create(&rj.th, NULL, uffd_receiver, &rj)) {
		fail("uffd: pthread_create");
		goto out;
	}
	/* The receiver is in the fault once uffd reports it. */
	pfd.fd = uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1 || read(uffd, &um, sizeof(um)) != sizeof(um) ||
	    um.event != UFFD_EVENT_PAGEFAULT)
		fail("uffd: %s: no page fault from the receiver", b->name);

	nj.b = b;
	nj.fd = qnb;
	if (pthread_create(&nj.th, NULL, uffd_neighbour, &nj)) {
		fail("uffd: pthread_create");
	} else {
		ok = wait_done(&nj, 3000);
		CHECK(ok, "uffd: %s: O_NONBLOCK send and getattr stuck %s",
		      b->name, "behind a receiver stuck in a fault");
	}
	/* Let the fault go. */
	cp.dst = (uintptr_t)area;
	cp.src = (uintptr_t)src;
	cp.len = page;
	if (ioctl(uffd, UFFDIO_COPY, &cp))
		fail("uffd: UFFDIO_COPY: %m");
	pthread_join(rj.th, NULL);
	if (nj.th)
		pthread_join(nj.th, NULL);
	CHECK(rj.ret == 5 && rj.prio == 1 && !memcmp(area, "first", 5),
	      "uffd: %s: the stuck receiver got %s (%ld) prio %u", b->name,
	      ename(rj.ret), rj.ret, rj.prio);
	CHECK(nj.ret == 0 && nj.attr.mq_curmsgs == 1,
	      "uffd: %s: neighbour: %s, curmsgs %lld, want ok 1", b->name,
	      ename(nj.ret), (long long)nj.attr.mq_curmsgs);

	/* A buffer that cannot be written: EFAULT, and the message is gone. */
	bad = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bad == MAP_FAILED) {
		fail("uffd: mmap: %m");
		goto out;
	}
	n = b->receive(q, bad, 4096, NULL, NULL);
	r = b->getsetattr(q, NULL, &old);
	CHECK(n == -EFAULT && !r && old.mq_curmsgs == 0,
	      "uffd: %s: receive into PROT_NONE: %s, then curmsgs %lld, want EFAULT 0 (lost, as upstream)",
	      b->name, ename(n), (long long)old.mq_curmsgs);
out:
	if (area != MAP_FAILED)
		munmap(area, page);
	if (src != MAP_FAILED)
		munmap(src, page);
	if (bad != MAP_FAILED)
		munmap(bad, page);
	closeif(uffd);
	closeif(qnb);
	close(q);
	b->unlink("/uf");
}

static void uffd_body(void)
{
	uffd_seq(&be_upstream);
	uffd_seq(&be_ours);
}

void test_uffd(void)
{
	in_child("uffd", CLONE_NEWIPC, uffd_body);
}

/*
 * pin: in the initial namespace, where nothing may be left.  uid 65534
 * looks (GET_LIMITS, open and unlink of a missing queue, a limits file);
 * the module must keep no record of the namespace.
 */
void test_pin(void)
{
	char base[64];
	struct nsrec r;
	pid_t c;

	if (ipc_inum() != init_ipc_inum)
		return fail("pin: run me in the initial ipc namespace");
	if (ns_rec(init_ipc_inum, &r) != 0)
		return fail("pin: a record of the initial namespace already: '%s'",
			    r.line);
	if (!make_tmpdir("mqpin", base, sizeof(base)))
		return;
	if (chmod(base, 0755))
		fail("pin: chmod: %m");
	c = fork_flushed();
	if (c == 0) {
		struct mqns_limits l = { 0 };
		struct mqns_open o = { 0 };
		struct mqns_name n = { 0 };
		char buf[32], path[96];
		int dev, fd;

		child_start("pin", CLONE_NEWNS);
		if (mount("none", base, MQNS_LIMITS_FSTYPE, 0, NULL))
			fail("pin: mount -t %s: %m", MQNS_LIMITS_FSTYPE);
		snprintf(path, sizeof(path), "%s/msg_max", base);
		if (become(NOBODY))
			child_exit();
		dev = open(MQNS_DEVICE, O_RDWR | O_CLOEXEC);
		if (dev < 0) {
			fail("pin: open %s: %m", MQNS_DEVICE);
			child_exit();
		}
		CHECK(!ioctl(dev, MQNS_IOC_GET_LIMITS, &l) && l.msg_max == 10 &&
		      l.queues_count == 0,
		      "pin: GET_LIMITS: %m, msg_max %u", l.msg_max);
		o.name = (uintptr_t)"pin-missing";
		o.oflag = O_RDWR;
		errno = 0;
		CHECK(ioctl(dev, MQNS_IOC_OPEN, &o) < 0 && errno == ENOENT,
		      "pin: open of a missing queue: %m, want ENOENT");
		o.name = (uintptr_t)"a/b";
		errno = 0;
		CHECK(ioctl(dev, MQNS_IOC_OPEN, &o) < 0 && errno == EACCES,
		      "pin: open of a/b: %m, want EACCES");
		n.name = (uintptr_t)"pin-missing";
		errno = 0;
		CHECK(ioctl(dev, MQNS_IOC_UNLINK, &n) < 0 && errno == ENOENT,
		      "pin: unlink of a missing queue: %m, want ENOENT");
		fd = open(path, O_RDONLY | O_CLOEXEC);
		CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 3 &&
		      !memcmp(buf, "10\n", 3), "pin: read the msg_max file: %m");
		closeif(fd);
		close(dev);
		child_exit();
	}
	CHECK(wait_child(c) == 0, "pin: the uid 65534 child failed");
	CHECK(!rmdir(base), "pin: rmdir %s: %m", base);
	CHECK(ns_rec(init_ipc_inum, &r) == 0,
	      "pin: uid 65534's looks made a record of the initial namespace, which pins the module: '%s'",
	      r.line);
}
