// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test opath, race (issue 13, section 1): unloading the module.
 *
 * opath: an O_PATH reopen of a namespace fd holds our mount and dentry
 * with the kernel's empty_fops, which pin no module.  delete_module must
 * then fail at once (the superblock pins the module), not start the
 * unload and wait for the mount forever; the O_PATH fd keeps working, and
 * once it is closed the module unloads.  Run with the module loaded and no
 * other fd of ours open; the case leaves it unloaded.
 *
 * race: round after round, load the module, open namespace fds, mount a
 * tmpfs with a file (its superblock comes after ours in the kernel's list,
 * so that a sync or drop_caches walk, which tests/nsfs_unload.sh runs in
 * loops meanwhile, holds a temporary reference on ours while it works on
 * the tmpfs), close, unload (retrying while the module is busy) and
 * unmount.  A superblock outliving the module's memory is a KASAN report
 * or an oops, which the harness's log scan catches.  NSFS_KO names the
 * module file; NSFS_RACE_SECONDS (default 45) bounds the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsfs_test.h"

#define MOD "nsmods_nsfs"
#define RACE_DIR "/tmp/nsfs_race"
#define RACE_FILE_MB 16
#define RACE_MAX_ROUNDS 200

/*
 * A namespace fd of ours, through a device fd closed again at once: the
 * cached dev_fd() would pin the module through its f_op.
 */
static int ns_open_once(unsigned int type)
{
	struct nsmods_nsfs_open req = { .pid = getpid(), .type = type };
	int dev, fd;

	dev = open(DEV, O_RDONLY | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, NSMODS_NSFS_IOC_OPEN, &req);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

static bool module_present(void)
{
	return !access("/sys/module/" MOD, F_OK);
}

static void module_state(char *buf, size_t len)
{
	if (!read_file("/sys/module/" MOD "/initstate", buf, len))
		snprintf(buf, len, "gone");
	buf[strcspn(buf, "\n")] = '\0';
}

/* delete_module(O_NONBLOCK): 0 or an errno. */
static int unload_once(void)
{
	return syscall(SYS_delete_module, MOD, O_NONBLOCK) ? errno : 0;
}

/*
 * delete_module in a child, waited for up to @secs: its result (0 or an
 * errno), or -1 if it has not returned by then (the child is left).
 */
static int unload_bounded(double secs, pid_t *child)
{
	double end = now_mono() + secs;
	int status;
	pid_t pid;

	pid = fork_flushed();
	if (pid < 0)
		fail("fork: %m");
	if (!pid) {
		/* Hold nothing of ours: the parent's fds came with the fork. */
		close_range(3, ~0U, 0);
		_exit(unload_once());
	}
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
		if (now_mono() > end) {
			*child = pid;
			return -1;
		}
		usleep(20000);
	}
}

void test_opath(void)
{
	char path[64], link[64], want[64], state[32];
	struct stat st;
	pid_t stuck = 0;
	int fd, op, r;
	ino_t ino;

	fd = ns_open_once(CLONE_NEWNET);
	CHECK(fd >= 0, "open our netns: %s", strerror(-fd));
	if (fd < 0)
		return;
	ino = proc_ns_ino(getpid(), "net");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	op = open(path, O_PATH | O_CLOEXEC);
	CHECK(op >= 0, "O_PATH open of %s: %m", path);
	close(fd);
	if (op < 0)
		return;

	/* Only the O_PATH fd is left: unload must say busy, and at once. */
	r = unload_bounded(10, &stuck);
	module_state(state, sizeof(state));
	if (r < 0) {
		fail("delete_module with an O_PATH fd open has not returned after 10 s (module %s)",
		     state);
		/* Closing lets the old unload go on: bounded either way. */
		close(op);
		op = -1;
		if (waitpid(stuck, NULL, 0) != stuck)
			fail("waitpid: %m");
		return;
	}
	CHECK(r == EWOULDBLOCK || r == EBUSY,
	      "delete_module with an O_PATH fd open: %s, want EWOULDBLOCK (module %s)",
	      r ? strerror(r) : "unloaded", state);
	CHECK(!strcmp(state, "live"), "module %s, want live", state);

	/* The holder still has a working path. */
	CHECK(!fstat(op, &st) && st.st_ino == ino,
	      "fstat of the O_PATH fd: %m, ino %lu want %lu",
	      (unsigned long)st.st_ino, (unsigned long)ino);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", op);
	memset(link, 0, sizeof(link));
	snprintf(want, sizeof(want), "net:[%lu]", (unsigned long)ino);
	CHECK(readlink(path, link, sizeof(link) - 1) > 0 && !strcmp(link, want),
	      "readlink of the O_PATH fd: '%s', want '%s'", link, want);

	/* Closed: nothing of ours is held, the module goes. */
	close(op);
	r = unload_bounded(10, &stuck);
	CHECK(r == 0, "delete_module after the O_PATH fd was closed: %s",
	      r < 0 ? "no return after 10 s" : strerror(r));
	if (r < 0)
		kill(stuck, SIGKILL);
	CHECK(!module_present(), "module still there after unload");
}

/* A tmpfs at RACE_DIR with a file of RACE_FILE_MB MiB in its page cache. */
static bool race_mount(void)
{
	static char buf[1 << 20];
	int fd, i;

	if (mount("nsfs_race", RACE_DIR, "tmpfs", 0, "size=64m")) {
		fail("mount tmpfs on %s: %m", RACE_DIR);
		return false;
	}
	fd = open(RACE_DIR "/fill", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail("create %s/fill: %m", RACE_DIR);
		return true;
	}
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < RACE_FILE_MB; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
			fail("write %s/fill: %m", RACE_DIR);
			break;
		}
	close(fd);
	return true;
}

/* Unload, retrying while busy, for up to 10 s: true if it went. */
static bool race_unload(unsigned long *busy)
{
	double end = now_mono() + 10;
	int r;

	while ((r = unload_once()) == EWOULDBLOCK || r == EBUSY) {
		++*busy;
		if (now_mono() > end)
			break;
		usleep(1000);
	}
	if (r)
		fail("delete_module: %s", strerror(r));
	return !r;
}

void test_race(void)
{
	const char *ko = getenv("NSFS_KO");
	const char *s = getenv("NSFS_RACE_SECONDS");
	double start = now_mono(), end;
	unsigned long busy = 0;
	int round, kofd = -1;

	end = start + (s ? atof(s) : 45);
	CHECK(ko, "NSFS_KO is not set");
	if (!ko)
		return;
	CHECK(!module_present(), MOD " is loaded already");
	mkdir(RACE_DIR, 0700);
	for (round = 0; round < RACE_MAX_ROUNDS && now_mono() < end; round++) {
		int net, uts;
		bool mounted;

		kofd = open(ko, O_RDONLY | O_CLOEXEC);
		if (kofd < 0 || syscall(SYS_finit_module, kofd, "", 0)) {
			fail("round %d: load %s: %m", round, ko);
			break;
		}
		close(kofd);
		net = ns_open_once(CLONE_NEWNET);
		uts = ns_open_once(CLONE_NEWUTS);
		CHECK(net >= 0 && uts >= 0, "round %d: open: %s %s", round,
		      strerror(-net), strerror(-uts));
		mounted = race_mount();
		closeif(net);
		closeif(uts);
		if (!race_unload(&busy)) {
			fail("round %d: cannot unload", round);
			if (mounted)
				umount2(RACE_DIR, MNT_DETACH);
			break;
		}
		if (mounted && umount(RACE_DIR))
			fail("round %d: umount %s: %m", round, RACE_DIR);
		if (failures)
			break;
	}
	printf("race: %d rounds in %.1f s, %lu unload attempts found the module busy\n",
	       round, now_mono() - start, busy);
	CHECK(round >= 5, "only %d rounds", round);
}
