// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test stress: children make namespaces and mounts under one
 * base directory, in our own private mount namespace, while two threads
 * use the mounts and take down those whose namespace's task has exited.
 * Nothing may be left.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

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
	char dir[96], name[8], msg[32], what[32];
	int k, m, fd, r;

	snprintf(what, sizeof(what), "stress: child %d", i);
	child_start(what, CLONE_NEWIPC);
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

void test_stress(void)
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
