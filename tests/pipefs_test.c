// SPDX-License-Identifier: GPL-2.0
/*
 * pipefs_test PIPE CTLDIR
 *
 * Userspace reader/writer of an nsmods_pipefs pipe, run by tests/pipefs.sh
 * in the network namespace that owns PIPE.  CTLDIR is the debugfs
 * directory of the test subscriber (nsmods_pipefs_test): writing to
 * CTLDIR/upcall queues an upcall on PIPE, CTLDIR/status counts how the
 * messages ended.  Checks reads with nothing queued (0 at once, as
 * upstream's), poll, FIONREAD, partial reads, downcalls and their limit,
 * the queue's limits (128 messages, 16 KiB) and that closing the last
 * reader fails what is still queued with EAGAIN (as upstream's).  Exits 0
 * when all is well.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "testlib.h"

static const char *ctldir;

static int queue_upcall(const char *text)
{
	char path[512];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/upcall", ctldir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* A number from CTLDIR/status, or LONG_MIN. */
static long get_status(const char *name)
{
	char path[512], line[256];
	size_t n = strlen(name);
	long val = -999999;
	FILE *f;

	snprintf(path, sizeof(path), "%s/status", ctldir);
	f = fopen(path, "r");
	if (!f)
		return val;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			val = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return val;
}

static int fionread(int fd)
{
	int n = -1;

	if (ioctl(fd, FIONREAD, &n) < 0)
		return -errno;
	return n;
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* Read messages until none is left; how many there were. */
static int drain(int fd)
{
	char buf[512];
	int n = 0;

	while (read(fd, buf, sizeof(buf)) > 0)
		n++;
	return n;
}

/* The queue's limits: 128 messages, 16 KiB; the one over fails ENOBUFS. */
static void check_limits(int fd)
{
	char big[257];
	int i, err;

	for (i = 0; i < 128; i++) {
		err = queue_upcall("x");
		if (err) {
			fail("upcall %d of 128 refused: %s", i, ename(err));
			break;
		}
	}
	err = queue_upcall("x");
	CHECK(err == -ENOBUFS, "upcall 129 gave %s, want ENOBUFS", ename(err));
	i = drain(fd);
	CHECK(i == 128, "read %d messages, want 128", i);

	memset(big, 'b', 256);
	big[256] = '\0';
	for (i = 0; i < 64; i++) {
		err = queue_upcall(big);
		if (err) {
			fail("256-byte upcall %d of 64 refused: %s", i,
			     ename(err));
			break;
		}
	}
	err = queue_upcall(big);
	CHECK(err == -ENOBUFS, "16 KiB + 256 gave %s, want ENOBUFS",
	      ename(err));
	i = drain(fd);
	CHECK(i == 64, "read %d messages, want 64", i);
}

int main(int argc, char **argv)
{
	long read0, failed0, down0;
	struct pollfd pfd;
	char buf[256];
	ssize_t n;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s PIPE CTLDIR\n", argv[0]);
		return 2;
	}
	ctldir = argv[2];
	read0 = get_status("read");
	failed0 = get_status("failed");
	down0 = get_status("downcalls");
	CHECK(read0 >= 0, "no status in %s", ctldir);

	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		fail("open %s: %s", argv[1], strerror(errno));
		return 1;
	}

	/* Nothing queued: a read returns 0, poll says not readable. */
	n = read(fd, buf, sizeof(buf));
	CHECK(n == 0, "empty O_NONBLOCK read gave %zd (%s)", n,
	      n < 0 ? strerror(errno) : "");
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 0, "poll readable with nothing queued");
	CHECK(fionread(fd) == 0, "FIONREAD %d on empty pipe", fionread(fd));

	/* One upcall, read in two pieces. */
	CHECK(queue_upcall("hello") == 0, "upcall 'hello' refused");
	CHECK(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN),
	      "poll not readable after upcall");
	CHECK(fionread(fd) == 5, "FIONREAD %d, want 5", fionread(fd));
	n = read(fd, buf, 2);
	CHECK(n == 2 && !memcmp(buf, "he", 2), "first piece: %zd", n);
	CHECK(fionread(fd) == 3, "FIONREAD %d, want 3", fionread(fd));
	n = read(fd, buf, sizeof(buf));
	CHECK(n == 3 && !memcmp(buf, "llo", 3), "second piece: %zd", n);
	CHECK(fionread(fd) == 0, "FIONREAD %d after read", fionread(fd));
	CHECK(get_status("read") == read0 + 1, "owner did not see the read");

	/* Without O_NONBLOCK too, as upstream's: 0 at once, no waiting. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	sigaction(SIGALRM, &(struct sigaction){ .sa_handler = on_alarm }, NULL);
	alarm(20);
	n = read(fd, buf, sizeof(buf));
	alarm(0);
	CHECK(n == 0, "empty blocking read gave %zd (%s)", n,
	      n < 0 ? strerror(errno) : "");
	CHECK(queue_upcall("late") == 0, "upcall 'late' refused");
	n = read(fd, buf, sizeof(buf));
	CHECK(n == 4 && !memcmp(buf, "late", 4), "read gave %zd", n);
	CHECK(get_status("read") == read0 + 2, "owner did not see the 2nd read");

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	check_limits(fd);
	read0 = get_status("read");

	/* Downcalls: handed to the owner; too long or bad ones refused. */
	n = write(fd, "ok fine", 7);
	CHECK(n == 7, "downcall gave %zd (%s)", n, strerror(errno));
	CHECK(get_status("downcalls") == down0 + 1, "owner did not get downcall");
	memset(buf, 'x', 100);
	memcpy(buf, "ok ", 3);
	n = write(fd, buf, 100);
	CHECK(n < 0 && errno == EMSGSIZE, "oversized downcall gave %zd (%s)",
	      n, strerror(errno));
	n = write(fd, "bad", 3);
	CHECK(n < 0 && errno == EINVAL, "bad downcall gave %zd (%s)", n,
	      strerror(errno));
	CHECK(get_status("downcalls") == down0 + 1, "refused downcall counted");

	/* Closing the last reader fails what is queued: EAGAIN, as upstream. */
	failed0 = get_status("failed");
	CHECK(queue_upcall("never read") == 0, "upcall 'never read' refused");
	CHECK(queue_upcall("nor this") == 0, "upcall 'nor this' refused");
	close(fd);
	CHECK(get_status("failed") == failed0 + 2, "failed %ld, want %ld",
	      get_status("failed"), failed0 + 2);
	CHECK(get_status("last_err") == -EAGAIN, "last_err %ld, want %d",
	      get_status("last_err"), -EAGAIN);
	CHECK(get_status("inflight") == 0, "%ld messages still in flight",
	      get_status("inflight"));

	if (failures) {
		printf("%d checks failed\n", failures);
		return 1;
	}
	printf("pipefs_test: all checks passed\n");
	return 0;
}
