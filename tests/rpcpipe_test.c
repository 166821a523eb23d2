// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of tests/sunrpc_pipefs.sh: sunrpc_ns clients in rpc_pipefs
 * (Documentation/sunrpc_ns.rst), seen from userspace.
 *
 * usage: rpcpipe_test MODE ARGS...
 *
 *   hold [-s ADDR] [-H HOST] [-R MS]
 *        make a client of ADDR (default 10.0.0.3) port 2049, program
 *        100003 version 3 udp (no packet is ever sent), or of HOST through
 *        the netns's host cache (waiting up to MS for the helper); print
 *        "ready ID NET_INUM" (ID in hex, as in nfs/clnt<ID>) or "error
 *        ENAME"; then per stdin line "upcall MS TEXT" print "answer TEXT"
 *        or "error ENAME"; exit at EOF
 *   gssd PIPE N PREFIX
 *        a gssd-like daemon: answer N upcalls read from PIPE with
 *        "seq=<n> PREFIX<request>", print "served <request>" for each
 *   baddown PIPE
 *        read one upcall, write malformed downcalls (each must fail with
 *        EINVAL), an answer nobody waits for (ENOENT), an oversized one
 *        (EMSGSIZE), then answer "fixed"
 *   cached CHANNEL NAME=ADDR...
 *        a host cache helper: answer requests read from CHANNEL for the
 *        names given ("NAME ADDR 3600"), print "served NAME" for each;
 *        unknown names get no answer; runs until killed
 *   badcache CHANNEL FLUSH
 *        hostile writes to CHANNEL and FLUSH: each must fail with EINVAL
 *   readclose PIPE
 *        read one upcall and close the pipe without answering it
 *   efault PIPE PREFIX
 *        read one upcall into a bad buffer (EFAULT), then again into a good
 *        one (the same upcall must still be there) and answer it with
 *        "seq=<n> PREFIX<request>"
 *   fionread PIPE
 *        print "fionread N": the bytes queued on PIPE (opened read-only)
 *   badread CHANNEL NAME ADDR
 *        print "badread ready" once CHANNEL is open, wait for a request,
 *        read it into a bad buffer (EFAULT), read it again (it must still
 *        be NAME) and answer "NAME ADDR 60"
 *   reopen PATH
 *        open PATH with O_PATH, print "held", wait for a line on stdin,
 *        then open it again for reading through /proc/self/fd and print
 *        "reopen ok" or "reopen ENAME"
 *   flood UID N PREFIX MS
 *        as UID (with CAP_NET_ADMIN kept), ask the host cache for N names
 *        PREFIX<i> at once, each waiting MS; print one line per errno
 *        seen, "ENAME COUNT", sorted by name
 *
 * Exits 0 when everything went as expected, else prints "FAIL: ..." lines.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include <linux/nsmods_sunrpc_ns.h>

#include "testlib.h"

static int usage(void)
{
	fprintf(stderr, "rpcpipe_test MODE ARGS... (modes: see the source)\n");
	return 2;
}

static int mode_hold(int argc, char **argv)
{
	struct sunrpc_ns_create_host h;
	struct sunrpc_ns_info info;
	const char *addr = "10.0.0.3", *host = NULL;
	unsigned int resolve_ms = 0;
	char line[512];
	int dev, fd, opt;

	while ((opt = getopt(argc, argv, "s:H:R:")) != -1) {
		switch (opt) {
		case 's':
			addr = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'R':
			resolve_ms = strtoul(optarg, NULL, 0);
			break;
		default:
			return usage();
		}
	}
	memset(&h, 0, sizeof(h));
	h.create.proto = IPPROTO_UDP;
	h.create.port = 2049;
	h.create.prog = 100003;
	h.create.vers = 3;
	h.create.auth = SUNRPC_NS_AUTH_NONE;
	h.create.flags = SUNRPC_NS_CLOEXEC;
	dev = open(SUNRPC_NS_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("error %s\n", ename(-errno));
		return 1;
	}
	if (host) {
		snprintf(h.host, sizeof(h.host), "%s", host);
		h.resolve_ms = resolve_ms;
		fd = ioctl(dev, SUNRPC_NS_IOC_CREATE_HOST, &h);
	} else {
		if (inet_pton(AF_INET, addr, h.create.addr) == 1) {
			h.create.family = AF_INET;
		} else if (inet_pton(AF_INET6, addr, h.create.addr) == 1) {
			h.create.family = AF_INET6;
		} else {
			fprintf(stderr, "bad address %s\n", addr);
			return 2;
		}
		fd = ioctl(dev, SUNRPC_NS_IOC_CREATE, &h.create);
	}
	close(dev);
	if (fd < 0) {
		printf("error %s\n", ename(-errno));
		return 1;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, SUNRPC_NS_IOC_INFO, &info)) {
		printf("error %s\n", ename(-errno));
		return 1;
	}
	printf("ready %x %u\n", info.clnt_id, info.net_inum);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		struct sunrpc_ns_upcall u;
		char *text;
		unsigned int ms;

		line[strcspn(line, "\n")] = '\0';
		text = strlen(line) > 7 ? strchr(line + 7, ' ') : NULL;
		if (sscanf(line, "upcall %u", &ms) != 1 || !text) {
			printf("error bad command: %s\n", line);
			fflush(stdout);
			continue;
		}
		memset(&u, 0, sizeof(u));
		u.timeout_ms = ms;
		snprintf(u.data, sizeof(u.data), "%s", text + 1);
		if (ioctl(fd, SUNRPC_NS_IOC_UPCALL, &u))
			printf("error %s\n", ename(-errno));
		else
			printf("answer %.*s\n", (int)sizeof(u.data), u.data);
		fflush(stdout);
	}
	close(fd);
	return 0;
}

/* @path, a pipe or a cache channel, opened to read and write; -1 fails. */
static int open_rw(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fail("open %s: %s", path, ename(-errno));
	return fd;
}

/* Read one upcall "seq=N TEXT\n" from @fd: N and TEXT. */
static int read_upcall(int fd, unsigned int *seq, char *text, size_t room)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[512];
	ssize_t n;
	int off;

	/* A read with nothing queued returns 0 at once (as upstream's). */
	if (poll(&p, 1, 30000) != 1) {
		fail("no upcall within 30 s");
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0) {
		fail("read upcall: %s", n ? ename(-errno) : "EOF");
		return -1;
	}
	buf[n] = '\0';
	if (sscanf(buf, "seq=%u %n", seq, &off) != 1 || buf[n - 1] != '\n') {
		fail("upcall not \"seq=N TEXT\\n\": %s", buf);
		return -1;
	}
	buf[n - 1] = '\0';
	snprintf(text, room, "%s", buf + off);
	return 0;
}

static void expect_write(int fd, const void *buf, size_t len, int want,
			 const char *what)
{
	ssize_t n = write(fd, buf, len);

	if (want) {
		if (n >= 0 || errno != want)
			fail("%s: write gave %zd %s, want %s", what, n,
			     n < 0 ? ename(-errno) : "", ename(-want));
	} else if (n != (ssize_t)len) {
		fail("%s: write gave %zd %s, want %zu", what, n,
		     n < 0 ? ename(-errno) : "", len);
	}
}

static int mode_gssd(int argc, char **argv)
{
	char text[300], out[600];
	unsigned int seq;
	int fd, i, n;

	if (argc != 4)
		return usage();
	fd = open_rw(argv[1]);
	if (fd < 0)
		return 1;
	n = atoi(argv[2]);
	for (i = 0; i < n; i++) {
		if (read_upcall(fd, &seq, text, sizeof(text)))
			break;
		snprintf(out, sizeof(out), "seq=%u %s%s\n", seq, argv[3], text);
		expect_write(fd, out, strlen(out), 0, "answer");
		printf("served %s\n", text);
		fflush(stdout);
	}
	close(fd);
	return failures ? 1 : 0;
}

static int mode_baddown(int argc, char **argv)
{
	static const char *const bad[] = {
		"seq=%u fixed", "seq=%u\n", "seq=%u\x20\n", "seq=x%u fixed\n",
		"seq=0%u fixed\n", "seq=-%u fixed\n", "SEQ=%u fixed\n",
		"seq=%u fi\txed\n", "seq=%u fixed\n\n", "%u fixed\n",
		"seq=%u  \x01\n", "\n",
	};
	char text[300], out[600];
	unsigned int seq;
	size_t i;
	int fd;

	if (argc != 2)
		return usage();
	fd = open_rw(argv[1]);
	if (fd < 0)
		return 1;
	if (read_upcall(fd, &seq, text, sizeof(text)))
		return 1;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(out, sizeof(out), bad[i], seq);
		expect_write(fd, out, strlen(out), EINVAL, bad[i]);
	}
	/* A NUL inside. */
	snprintf(out, sizeof(out), "seq=%u fi", seq);
	memcpy(out + strlen(out), "\0xed\n", 5);
	expect_write(fd, out, strlen(out) + 5, EINVAL, "embedded NUL");
	/* An upcall nobody waits for. */
	snprintf(out, sizeof(out), "seq=%u fixed\n", seq + 1000);
	expect_write(fd, out, strlen(out), ENOENT, "unknown seq");
	/* Longer than the pipe takes. */
	memset(out, 'a', sizeof(out));
	expect_write(fd, out, sizeof(out), EMSGSIZE, "oversized");
	/* The waiter is still there: the real answer. */
	snprintf(out, sizeof(out), "seq=%u fixed\n", seq);
	expect_write(fd, out, strlen(out), 0, "good answer");
	close(fd);
	printf("baddown done\n");
	return failures ? 1 : 0;
}

static int mode_cached(int argc, char **argv)
{
	char line[128], out[256];
	struct pollfd p;
	int fd, i;
	ssize_t n;

	if (argc < 2)
		return usage();
	fd = open_rw(argv[1]);
	if (fd < 0)
		return 1;
	printf("cached ready\n");
	fflush(stdout);
	for (;;) {
		p.fd = fd;
		p.events = POLLIN;
		if (poll(&p, 1, -1) < 0) {
			fail("poll: %s", ename(-errno));
			return 1;
		}
		n = read(fd, line, sizeof(line) - 1);
		if (n <= 0) {
			fail("read channel: %s", n ? ename(-errno) : "EOF");
			return 1;
		}
		line[n] = '\0';
		if (line[n - 1] != '\n') {
			fail("request not a line: %s", line);
			continue;
		}
		line[n - 1] = '\0';
		for (i = 2; i < argc; i++) {
			size_t l = strcspn(argv[i], "=");

			if (l != strlen(line) || strncmp(argv[i], line, l))
				continue;
			snprintf(out, sizeof(out), "%s %s 3600\n", line,
				 argv[i] + l + 1);
			expect_write(fd, out, strlen(out), 0, "answer");
			break;
		}
		printf("%s %s\n", i < argc ? "served" : "unknown", line);
		fflush(stdout);
	}
}

static int mode_badcache(int argc, char **argv)
{
	static const char *const bad[] = {
		"\n", "h 10.0.0.1 60", "h 10.0.0.1 60\n\n",
		"h  10.0.0.1 60\n", "h 10.0.0.1 60\x20\n", "h 10.0.0.1\n",
		"h 10.0.0.1 0\n", "h 10.0.0.1 604801\n", "h 10.0.0.1 -5\n",
		"h 10.0.0.256 60\n", "h 10.0.0 60\n", "h fd00:::1 60\n",
		"h/x 10.0.0.1 60\n", ".h 10.0.0.1 60\n", "h\t10.0.0.1 60\n",
		"h 10.0.0.1 60 extra\n", "h 10.0.0.1 1e3\n",
		"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh 10.0.0.1 60\n",
	};
	static const char *const badflush[] = { "\n", "x\n", "-1\n", "1 2\n" };
	char big[300];
	size_t i;
	int fd, ff;

	if (argc != 3)
		return usage();
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	ff = open(argv[2], O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ff < 0) {
		fail("open %s, %s: %s", argv[1], argv[2], ename(-errno));
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_write(fd, bad[i], strlen(bad[i]), EINVAL, bad[i]);
	expect_write(fd, "h 10.0.0.1\0 60\n", 15, EINVAL, "embedded NUL");
	expect_write(fd, "h\0x 10.0.0.1 60\n", 16, EINVAL, "NUL in the name");
	expect_write(fd, "h\xc0x 10.0.0.1 60\n", 16, EINVAL,
		     "Latin-1 in the name");
	expect_write(fd, "h\xe9 10.0.0.1 60\n", 15, EINVAL,
		     "Latin-1 at the end of the name");
	memset(big, 'a', sizeof(big));
	expect_write(fd, big, sizeof(big), EINVAL, "oversized");
	for (i = 0; i < ARRAY_SIZE(badflush); i++)
		expect_write(ff, badflush[i], strlen(badflush[i]), EINVAL,
			     badflush[i]);
	expect_write(ff, big, sizeof(big), EINVAL, "oversized flush");
	close(fd);
	close(ff);
	printf("badcache done\n");
	return failures ? 1 : 0;
}

static int mode_readclose(int argc, char **argv)
{
	char text[300];
	unsigned int seq;
	int fd;

	if (argc != 2)
		return usage();
	fd = open_rw(argv[1]);
	if (fd < 0)
		return 1;
	if (read_upcall(fd, &seq, text, sizeof(text)))
		return 1;
	close(fd);
	printf("dropped %s\n", text);
	return failures ? 1 : 0;
}

/* read() into a page mapped without access: the copy fails (EFAULT). */
static ssize_t read_bad(int fd, size_t len)
{
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	ssize_t n;

	if (bad == MAP_FAILED) {
		fail("mmap: %s", ename(-errno));
		return 0;
	}
	n = read(fd, bad, len);
	if (n < 0)
		n = -errno;
	munmap(bad, 4096);
	return n;
}

static int mode_efault(int argc, char **argv)
{
	struct pollfd p;
	char text[300], out[600];
	unsigned int seq;
	ssize_t n;
	int fd;

	if (argc != 3)
		return usage();
	fd = open_rw(argv[1]);
	if (fd < 0)
		return 1;
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 30000) != 1) {
		fail("no upcall within 30 s");
		return 1;
	}
	n = read_bad(fd, 100);
	CHECK(n == -EFAULT, "read into a bad buffer gave %zd", n);
	if (read_upcall(fd, &seq, text, sizeof(text)))
		return 1;
	snprintf(out, sizeof(out), "seq=%u %s%s\n", seq, argv[2], text);
	expect_write(fd, out, strlen(out), 0, "answer");
	close(fd);
	printf("served %s\n", text);
	return failures ? 1 : 0;
}

static int mode_fionread(int argc, char **argv)
{
	int fd, n = -1;

	if (argc != 2)
		return usage();
	fd = open(argv[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, FIONREAD, &n)) {
		printf("error %s\n", ename(-errno));
		return 1;
	}
	close(fd);
	printf("fionread %d\n", n);
	return 0;
}

static int mode_badread(int argc, char **argv)
{
	char line[128], out[256];
	struct pollfd p;
	ssize_t n;
	int fd;

	if (argc != 4)
		return usage();
	fd = open_rw(argv[1]);
	if (fd < 0)
		return 1;
	printf("badread ready\n");
	fflush(stdout);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 30000) != 1) {
		fail("no request within 30 s");
		return 1;
	}
	n = read_bad(fd, sizeof(line));
	CHECK(n == -EFAULT, "read into a bad buffer gave %zd", n);
	p.revents = 0;
	if (poll(&p, 1, 0) != 1) {
		fail("the request is gone after a read into a bad buffer");
		return 1;
	}
	n = read(fd, line, sizeof(line) - 1);
	if (n <= 0) {
		fail("read channel again: %s", n ? ename(-errno) : "EOF");
		return 1;
	}
	line[n] = '\0';
	snprintf(out, sizeof(out), "%s\n", argv[2]);
	CHECK(!strcmp(line, out), "read again \"%s\", want %s", line, argv[2]);
	snprintf(out, sizeof(out), "%s %s 60\n", argv[2], argv[3]);
	expect_write(fd, out, strlen(out), 0, "answer");
	close(fd);
	printf("badread done\n");
	return failures ? 1 : 0;
}

static int mode_reopen(int argc, char **argv)
{
	char path[64], line[16];
	int fd, fd2;

	if (argc != 2)
		return usage();
	fd = open(argv[1], O_PATH | O_CLOEXEC);
	if (fd < 0) {
		printf("error %s\n", ename(-errno));
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd2 = open(path, O_RDONLY | O_CLOEXEC);
	if (fd2 < 0) {
		printf("reopen %s\n", ename(-errno));
	} else {
		printf("reopen ok\n");
		close(fd2);
	}
	close(fd);
	return 0;
}

/* One name through SUNRPC_NS_IOC_CREATE_HOST: 0 or an errno. */
static int ask_host(const char *name, unsigned int ms)
{
	struct sunrpc_ns_create_host h;
	int dev, fd, err = 0;

	memset(&h, 0, sizeof(h));
	h.create.proto = IPPROTO_UDP;
	h.create.port = 2049;
	h.create.prog = 100003;
	h.create.vers = 3;
	h.create.auth = SUNRPC_NS_AUTH_NONE;
	h.create.flags = SUNRPC_NS_CLOEXEC;
	snprintf(h.host, sizeof(h.host), "%s", name);
	h.resolve_ms = ms;
	dev = open(SUNRPC_NS_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return errno;
	fd = ioctl(dev, SUNRPC_NS_IOC_CREATE_HOST, &h);
	if (fd < 0)
		err = errno;
	else
		close(fd);
	close(dev);
	return err;
}

static int mode_flood(int argc, char **argv)
{
	int counts[256] = { 0 };
	unsigned int ms;
	char name[64];
	int i, n, st, e;
	uid_t uid;
	pid_t pid;

	if (argc != 5)
		return usage();
	uid = strtoul(argv[1], NULL, 0);
	n = atoi(argv[2]);
	ms = strtoul(argv[4], NULL, 0);
	if (uid && become_user(uid, uid, 0, NULL,
			       1ULL << CAP_NET_ADMIN))
		return 1;
	for (i = 0; i < n; i++) {
		pid = fork_flushed();
		if (pid < 0) {
			fail("fork: %s", ename(-errno));
			break;
		}
		if (!pid) {
			snprintf(name, sizeof(name), "%s%d", argv[3], i);
			_exit(ask_host(name, ms));
		}
	}
	while ((pid = wait(&st)) > 0) {
		e = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
		counts[e]++;
	}
	for (e = 0; e < 256; e++)
		if (counts[e])
			printf("%s %d\n", e ? ename(-e) : "OK", counts[e]);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "hold"))
		return mode_hold(argc - 1, argv + 1);
	if (!strcmp(argv[1], "gssd"))
		return mode_gssd(argc - 1, argv + 1);
	if (!strcmp(argv[1], "baddown"))
		return mode_baddown(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cached"))
		return mode_cached(argc - 1, argv + 1);
	if (!strcmp(argv[1], "badcache"))
		return mode_badcache(argc - 1, argv + 1);
	if (!strcmp(argv[1], "readclose"))
		return mode_readclose(argc - 1, argv + 1);
	if (!strcmp(argv[1], "efault"))
		return mode_efault(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fionread"))
		return mode_fionread(argc - 1, argv + 1);
	if (!strcmp(argv[1], "badread"))
		return mode_badread(argc - 1, argv + 1);
	if (!strcmp(argv[1], "reopen"))
		return mode_reopen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "flood"))
		return mode_flood(argc - 1, argv + 1);
	return usage();
}
