// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test: processes, users, directories and mounts for the cases.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

/* The names in @dir, sorted and comma separated; -errno on failure. */
static int list_dir(const char *dir, char *out, size_t len)
{
	struct dirent **ents;
	size_t off = 0;
	int i, n;

	out[0] = 0;
	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		const char *s = ents[i]->d_name;

		if (strcmp(s, ".") && strcmp(s, "..") && off < len)
			off += snprintf(out + off, len - off, "%s%s",
					off ? "," : "", s);
		free(ents[i]);
	}
	free(ents);
	return 0;
}

void want_dir(const char *dir, const char *want, const char *what)
{
	char got[512];
	int r = list_dir(dir, got, sizeof(got));

	CHECK(!r && !strcmp(got, want), "%s: %s lists '%s' (%s), want '%s'",
	      what, dir, got, ename(r), want);
}

int make_private(void)
{
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ? -errno : 0;
}

/*
 * The start of a child: its own count of failures, then unshare(@flags)
 * (with CLONE_NEWNS, its mounts made private); a failure ends the child.
 */
void child_start(const char *what, int flags)
{
	failures = 0;
	if (flags && unshare(flags)) {
		fail("%s: unshare(%#x): %m", what, flags);
		child_exit();
	}
	if ((flags & CLONE_NEWNS) && make_private()) {
		fail("%s: make / private: %m", what);
		child_exit();
	}
}

/*
 * Run @fn in a child that first unshares @flags (with CLONE_NEWNS, makes
 * its mounts private); a failed child is a failure here.
 */
void in_child(const char *what, int flags, void (*fn)(void))
{
	pid_t c = fork_flushed();
	int r;

	if (c < 0)
		return fail("%s: fork: %m", what);
	if (c == 0) {
		child_start(what, flags);
		fn();
		child_exit();
	}
	r = wait_child(c);
	CHECK(r == 0, "%s: child exited %d", what, r);
}

int become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid)) {
		fail("setresuid(%u): %m", (unsigned int)uid);
		return -1;
	}
	return 0;
}

char *make_tmpdir(const char *prefix, char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/%s.XXXXXX", prefix);
	if (!mkdtemp(buf)) {
		fail("mkdtemp %s: %m", buf);
		return NULL;
	}
	return buf;
}

void sub_dir(char *buf, size_t len, const char *base, const char *sub)
{
	snprintf(buf, len, "%s/%s", base, sub);
	if (mkdir(buf, 0755) && errno != EEXIST)
		fail("mkdir %s: %m", buf);
}

int open_at(const char *dir, const char *name, int flags, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, flags | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}
