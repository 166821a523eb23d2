// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test scale (issue 13 section 3): the get path's time with 10, 1000
 * and 10000 live namespaces, each held by a descriptor of ours.
 *
 * The namespaces are uts namespaces this process makes one after another
 * with unshare(2), opening each through the module (by a pidfd of its
 * own) before the next.  At each size two times are taken, each the best
 * of several runs (the least disturbed by the host):
 *
 *   kernel  the module's debugfs "bench": BENCH_OPS gets of our user
 *           namespace's path and their puts, in the kernel; a descriptor
 *           of ours for the user namespace keeps its dentry live, so each
 *           is a fast path get (a lookup of its record and a lockref);
 *   user    NSMODS_NSFS_GET_USERNS and the close of its result from
 *           userspace: the same get, plus a descriptor's install and close.
 *
 * The cost must stay flat: the kernel time at 10000 namespaces may be at
 * most 1.5 times the time at 10.  The user time is printed only: its fixed
 * costs hide the lookup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nsfs_test.h"

#define MAX_NS		10000
#define RUNS		5
#define BENCH_OPS	"20000"
#define PER_BATCH	100
#define BENCH		"/sys/kernel/debug/nsmods_nsfs/bench"

/* The kernel's time per get, best of RUNS runs; 0 after a FAIL line. */
static double time_kernel(void)
{
	double best = 1e12;
	unsigned long ops, per, fast;
	char buf[128];
	int fd, r;

	for (r = 0; r < RUNS; r++) {
		fd = open(BENCH, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, BENCH_OPS, strlen(BENCH_OPS)) < 0) {
			fail("run %s: %m", BENCH);
			closeif(fd);
			return 0;
		}
		close(fd);
		if (!read_file(BENCH, buf, sizeof(buf)) ||
		    sscanf(buf, "ops %lu ns_per_op %lu fast %lu", &ops, &per,
			   &fast) != 3 || ops != fast) {
			fail("%s says '%s' (every get must be a fast one)",
			     BENCH, buf);
			return 0;
		}
		if (per < best)
			best = per;
	}
	return best;
}

/* Userspace's time per GET_USERNS and close, best of RUNS batches. */
static double time_user(int *fds, int n)
{
	double best = 1e9, t0, t;
	int b, i, r;

	for (b = 0; b < RUNS; b++) {
		t0 = now_mono();
		for (i = 0; i < PER_BATCH; i++) {
			r = ns_ioctl(fds[(i * 7919) % n], NSMODS_NSFS_GET_USERNS);
			if (r < 0) {
				fail("GET_USERNS: %s", strerror(-r));
				return 0;
			}
			close(r);
		}
		t = (now_mono() - t0) / PER_BATCH;
		if (t < best)
			best = t;
	}
	return best * 1e9;
}

void test_scale(void)
{
	static const int sizes[] = { 10, 1000, MAX_NS };
	struct rlimit rl = { MAX_NS + 100, MAX_NS + 100 };
	double kns[ARRAY_SIZE(sizes)], uns, t0;
	int *fds, n = 0, user, fd, self;
	unsigned int s;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		return fail("RLIMIT_NOFILE %d: %m", MAX_NS + 100);
	fds = calloc(MAX_NS, sizeof(*fds));
	self = syscall(SYS_pidfd_open, getpid(), 0);
	user = ns_open(getpid(), CLONE_NEWUSER, 0);
	if (!fds || self < 0 || user < 0)
		return fail("setup: pidfd %d user ns %d", self, user);
	t0 = now_mono();
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		while (n < sizes[s]) {
			if (unshare(CLONE_NEWUTS))
				return fail("unshare uts #%d: %m", n);
			fd = ns_open(self, CLONE_NEWUTS, NSMODS_NSFS_OPEN_PIDFD);
			if (fd < 0)
				return fail("open uts #%d: %s", n, strerror(-fd));
			fds[n++] = fd;
		}
		kns[s] = time_kernel();
		uns = time_user(fds, n);
		printf("nsfs scale: %5d namespaces: kernel %.0f ns, user %.0f ns (%.1f s)\n",
		       n, kns[s], uns, now_mono() - t0);
	}
	CHECK(kns[2] <= 1.5 * kns[0],
	      "the get path is not flat: %.0f ns at %d, %.0f ns at %d namespaces",
	      kns[2], sizes[2], kns[0], sizes[0]);
	while (n)
		close(fds[--n]);
	close(user);
	close(self);
	free(fds);
}
