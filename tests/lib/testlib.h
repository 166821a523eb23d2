/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library of the in-VM test programs (tests/NAME.c, tests/NAME/):
 * FAIL lines and their count, errno names, the clock, namespaces, child
 * processes, fd passing and the case table of a program's command line.
 * scripts/build-modules.sh links it into every program under tests/.
 */
#ifndef NSMODS_TESTLIB_H
#define NSMODS_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The FAIL lines this process printed.  A child that reports by its exit
 * status (child_exit()) sets it to 0 first.
 */
extern int failures;

void fail(const char *fmt, ...);
#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

const char *ename(long r);
double now_mono(void);
void closeif(long fd);
int test_dev(const char *path, int flags);

unsigned long ns_inum(const char *path);
int enter_net(const char *path);

int keep_caps(unsigned long long keep);
int become_user(uid_t uid, gid_t gid, int ngroups, const gid_t *groups,
		unsigned long long keep);

pid_t fork_flushed(void);
int wait_child(pid_t pid);
void child_exit(void);
int child_result(int (*fn)(const void *arg), const void *arg);

bool sock_all(int fd, void *buf, size_t n, bool out);
int send_fd(int sock, int fd, unsigned long data);
int recv_fd(int sock, unsigned long *data);

/* One case of a program: its name on the command line and its code. */
struct test_case {
	const char *name;
	void (*fn)(void);
};

const struct test_case *find_case(const struct test_case *cases, size_t n,
				  const char *name);
int case_verdict(const char *name);

#endif /* NSMODS_TESTLIB_H */
