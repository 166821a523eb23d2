// SPDX-License-Identifier: GPL-2.0
/*
 * The library of the in-VM test programs: see testlib.h.  Each program
 * prints "FAIL: ..." lines for what went wrong and exits non-zero if
 * anything did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

int failures;

/* A "FAIL: ..." line, printf-style; safe from several threads. */
void fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FAIL: %s\n", buf);
	fflush(stdout);
	__atomic_add_fetch(&failures, 1, __ATOMIC_SEQ_CST);
}

/* A result as the tests print it: "ok" for @r >= 0, else -@r's errno name. */
const char *ename(long r)
{
	const char *s;

	if (r >= 0)
		return "ok";
	s = strerrorname_np(-r);
	return s ? s : "E?";
}

/* CLOCK_MONOTONIC in seconds. */
double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Close @fd if it is one: a result that may be an fd or -errno. */
void closeif(long fd)
{
	if (fd >= 0)
		close(fd);
}

/*
 * The device of the module under test: @path opened (@flags and
 * O_CLOEXEC) by the first call, that fd by every later one.  A program
 * that cannot open its device can test nothing: it exits.
 */
int test_dev(const char *path, int flags)
{
	static int fd = -1;

	if (fd < 0) {
		fd = open(path, flags | O_CLOEXEC);
		if (fd < 0) {
			fail("open %s: %m", path);
			exit(1);
		}
	}
	return fd;
}

/* The inode number of the namespace file @path; 0 if it cannot be seen. */
unsigned long ns_inum(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

/* setns(2) into the network namespace file @path; a failure is a FAIL. */
int enter_net(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fail("open %s: %m", path);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fail("setns %s: %m", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* fork(2), with nothing of ours left in stdio's buffers to print twice. */
/*
 * Keep of this process's capabilities only those in the mask @keep
 * (1ULL << CAP_...), effective and permitted; 0, or -1 after a FAIL line.
 */
int keep_caps(unsigned long long keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = (__u32)keep;
	d[0].permitted = d[0].effective;
	d[1].effective = (__u32)(keep >> 32);
	d[1].permitted = d[1].effective;
	if (syscall(SYS_capset, &h, d)) {
		fail("capset 0x%llx: %m", keep);
		return -1;
	}
	return 0;
}

/*
 * Become @uid and @gid with the supplementary @groups, keeping of root's
 * capabilities only those in @keep (keep_caps()); 0, or -1 after a FAIL
 * line.
 */
int become_user(uid_t uid, gid_t gid, int ngroups, const gid_t *groups,
		unsigned long long keep)
{
	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)) {
		fail("PR_SET_KEEPCAPS: %m");
		return -1;
	}
	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		fail("become uid %u gid %u: %m", (unsigned int)uid,
		     (unsigned int)gid);
		return -1;
	}
	return keep ? keep_caps(keep) : 0;
}

pid_t fork_flushed(void)
{
	fflush(stdout);
	fflush(stderr);
	return fork();
}

/* Reap @pid: its exit status, 128 + the signal that killed it, or -1. */
int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Exit a child with its verdict; its FAIL lines were already printed. */
void child_exit(void)
{
	fflush(stdout);
	_exit(failures ? 1 : 0);
}

/*
 * Run @fn(@arg) in a child (as another user, say) and return the int it
 * returned, passed back through a pipe; -ECHILD if the child died first.
 */
int child_result(int (*fn)(const void *arg), const void *arg)
{
	int p[2], r = -ECHILD;
	pid_t c;

	if (pipe(p))
		return -errno;
	c = fork_flushed();
	if (c == 0) {
		int res;

		close(p[0]);
		failures = 0;
		res = fn(arg);
		if (write(p[1], &res, sizeof(res)) != sizeof(res))
			_exit(2);
		child_exit();
	}
	close(p[1]);
	if (read(p[0], &r, sizeof(r)) != sizeof(r))
		r = -ECHILD;
	close(p[0]);
	wait_child(c);
	return r;
}

/* All @n bytes at @buf sent (@out) on or received from @fd, or false. */
bool sock_all(int fd, void *buf, size_t n, bool out)
{
	char *b = buf;
	ssize_t k;

	while (n) {
		k = out ? send(fd, b, n, MSG_NOSIGNAL) : recv(fd, b, n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		b += k;
		n -= k;
	}
	return true;
}

/* Pass @fd over the unix socket @sock with the word @data; 0 or -1. */
int send_fd(int sock, int fd, unsigned long data)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == sizeof(data) ? 0 : -1;
}

/*
 * The fd send_fd() passed (close-on-exec here), its word in *@data (if
 * @data is not NULL); -1 if none came.
 */
int recv_fd(int sock, unsigned long *data)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	unsigned long word;
	struct iovec iov = { &word, sizeof(word) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(word))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (data)
		*data = word;
	return fd;
}

/* The case called @name in @cases (@n of them), or NULL. */
const struct test_case *find_case(const struct test_case *cases, size_t n,
				  const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

/* Print the verdict line of case @name; the program's exit status. */
int case_verdict(const char *name)
{
	printf("%s %s (%d failures)\n", failures ? "FAILED" : "PASSED", name,
	       failures);
	return failures ? 1 : 0;
}
