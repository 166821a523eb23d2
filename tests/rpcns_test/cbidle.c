// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test cbidle and cbhold: connections to the callback service made
 * from userspace, as a server's callback channel, and held open.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "rpcns_test.h"

#define CB_PROG		0x20000098u
#define CB_XID		0x63627331u

static void put32(unsigned char *p, __u32 v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static __u32 get32(const unsigned char *p)
{
	__u32 v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/**
 * cb_null() - one NULL call to the callback service on a connection
 * @fd: the connection (its SO_RCVTIMEO bounds the wait)
 * @what: names it in a FAIL line
 *
 * Return: 0 if answered SUCCESS, -1 (a FAIL) otherwise.
 */
int cb_null(int fd, const char *what)
{
	static const __u32 call[] = { CB_XID, 0, 2, CB_PROG, 1, 0, 0, 0, 0, 0 };
	unsigned char msg[4 + sizeof(call)], rep[64];
	__u32 len;
	size_t i;

	put32(msg, 0x80000000u | sizeof(call));
	for (i = 0; i < ARRAY_SIZE(call); i++)
		put32(msg + 4 + 4 * i, call[i]);
	if (!sock_all(fd, msg, sizeof(msg), true) || !sock_all(fd, rep, 4, false)) {
		fail("%s: NULL call: %m", what);
		return -1;
	}
	len = get32(rep) & 0x7fffffffu;
	/* xid, REPLY, MSG_ACCEPTED, AUTH_NONE verifier, SUCCESS */
	if (len != 24 || !sock_all(fd, rep, len, false) || get32(rep) != CB_XID ||
	    get32(rep + 4) != 1 || get32(rep + 8) || get32(rep + 20)) {
		fail("%s: NULL call: bad reply (record of %u bytes)", what, len);
		return -1;
	}
	return 0;
}

/**
 * cb_connect() - a connection to the callback service, one NULL call made
 * @addr: its address, IPv4 or IPv6
 * @port: its port
 * @what: names it in a FAIL line
 *
 * A TCP connection to the callback service at @addr:@port on which one
 * NULL call was answered: the service is serving it.
 *
 * Return: the fd, or -1 (a FAIL).
 */
int cb_connect(const char *addr, int port, const char *what)
{
	struct timeval tv = { 5, 0 };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&s4;
	socklen_t alen = sizeof(s4);
	int fd;

	s4.sin_port = htons(port);
	s6.sin6_port = htons(port);
	if (inet_pton(AF_INET, addr, &s4.sin_addr) != 1) {
		if (inet_pton(AF_INET6, addr, &s6.sin6_addr) != 1) {
			fail("%s: bad address %s", what, addr);
			return -1;
		}
		sa = (struct sockaddr *)&s6;
		alen = sizeof(s6);
	}
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail("%s: socket: %m", what);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, sa, alen)) {
		fail("%s: connect to %s port %d: %m", what, addr, port);
		goto out;
	}
	if (!cb_null(fd, what))
		return fd;
out:
	close(fd);
	return -1;
}

/*
 * The last client using the service closes while a connection to it is
 * idle (the service's thread waits in recv() on it): the close is prompt,
 * the connection is shut down (EOF), the service is gone.  Before the fix
 * the shutdown slept under a spinlock (sunrpc_rpc.sh checks the log).
 */
void test_cbidle(void)
{
	struct copts tcp = { .proto = IPPROTO_TCP };
	unsigned char b[16];
	int fd, port, conn;
	ssize_t n;
	double t;

	fd = client("cbidle", &tcp);
	if (fd < 0)
		return;
	port = ioctl(fd, SUNRPC_NS_IOC_CALLBACK);
	if (port <= 0) {
		fail("cbidle: CALLBACK: %s", ename(port < 0 ? -errno : 0));
		close(fd);
		return;
	}
	expect_state("callback_users", 1, "cbidle: one client asked");
	conn = cb_connect("127.0.0.1", port, "cbidle");
	if (conn < 0) {
		close(fd);
		return;
	}
	t = now_mono();
	close(fd);
	t = now_mono() - t;
	CHECK(t < 3, "cbidle: closing the last client took %.2f s", t);
	expect_state("callback_users", 0, "cbidle: after the last client");
	expect_state("callback_port", 0, "cbidle: after the last client");
	t = now_mono();
	n = recv(conn, b, sizeof(b), 0);
	t = now_mono() - t;
	CHECK(n == 0 || (n < 0 && errno == ECONNRESET),
	      "cbidle: the held connection after the service stopped: %zd (%s)",
	      n, n < 0 ? ename(-errno) : "data");
	CHECK(t < 3, "cbidle: the held connection saw the end after %.2f s", t);
	close(conn);
}

/* For sunrpc_rpc.sh: a callback connection held until stdin's EOF. */
void test_cbhold(void)
{
	char line[64];
	int conn;

	conn = cb_connect(addr4, base, "cbhold");
	if (conn < 0)
		return;
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	close(conn);
}
