// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test cbmulti: the callback service serves several peers at once,
 * each within bounds: a peer that trickles calls does not starve
 * another, callback_max_conns connections are served at once and one
 * more is closed at once, a connection lives at most
 * callback_conn_lifetime seconds however busy, a record trickled byte
 * by byte does not push its deadline on, and the last client's close
 * ends every connection promptly.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rpcns_test.h"

#define PARAMS	"/sys/module/nsmods_sunrpc_ns/parameters/"
#define MAXCONN	64	/* the most this test opens */

/* A module parameter's value, or -1 if it has none such. */
static long get_param(const char *name)
{
	char path[128], v[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(v, sizeof(v), f))
		v[0] = '\0';
	fclose(f);
	return v[0] ? strtol(v, NULL, 10) : -1;
}

static int set_param(const char *name, long v)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "w");
	if (!f) {
		fail("cbmulti: open %s: %m", path);
		return -1;
	}
	fprintf(f, "%ld\n", v);
	if (fclose(f)) {
		fail("cbmulti: write %ld to %s: %m", v, path);
		return -1;
	}
	return 0;
}

/* A TCP connection to 127.0.0.1:@port, no call made; -1 (a FAIL). */
static int cb_open(int port, const char *what)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	struct timeval tv = { 5, 0 };
	int fd;

	s4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail("%s: socket: %m", what);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&s4, sizeof(s4))) {
		fail("%s: connect to port %d: %m", what, port);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Seconds until the peer ends @fd (EOF or reset), reading and dropping
 * what comes before; -1 if it has not after @limit seconds.
 */
static double wait_end(int fd, double limit)
{
	struct timeval tv = { 0, 200000 };
	double t0 = now_mono();
	char b[256];
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (now_mono() - t0 < limit) {
		n = recv(fd, b, sizeof(b), 0);
		if (n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE)))
			return now_mono() - t0;
	}
	return -1;
}

/* The NULL call's record, marker included: 44 bytes. */
static void null_record(unsigned char *m)
{
	static const __u32 call[] = { 0x63627332u, 0, 2, SUNRPC_NS_CB_PROG, 1,
				      0, 0, 0, 0, 0 };
	__u32 v;
	size_t i;

	v = htonl(0x80000000u | sizeof(call));
	memcpy(m, &v, 4);
	for (i = 0; i < ARRAY_SIZE(call); i++) {
		v = htonl(call[i]);
		memcpy(m + 4 + 4 * i, &v, 4);
	}
}

/* Wait up to 3 s for the state's callback_conns to be @want. */
static void expect_conns(long want, const char *what)
{
	double t0 = now_mono();

	while (state_field("callback_conns") != want && now_mono() - t0 < 3)
		usleep(50000);
	expect_state("callback_conns", want, what);
}

/* A peer sends a NULL call every 0.5 s; another is answered at once. */
static void trickler_vs_other(int port)
{
	double t;
	pid_t pid;
	int c1, c2, i;

	c1 = cb_connect("127.0.0.1", port, "cbmulti trickler");
	if (c1 < 0)
		return;
	pid = fork_flushed();
	if (pid == 0) {
		failures = 0;
		for (i = 0; i < 16; i++) {
			usleep(500000);
			if (cb_null(c1, "cbmulti trickler"))
				break;
		}
		child_exit();
	}
	usleep(300000);
	t = now_mono();
	c2 = cb_connect("127.0.0.1", port, "cbmulti second peer");
	t = now_mono() - t;
	CHECK(c2 >= 0 && t < 2,
	      "cbmulti: a second peer was %s after %.2f s while another trickled calls",
	      c2 >= 0 ? "answered" : "not answered", t);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(c1);
	if (c2 >= 0)
		close(c2);
	expect_conns(0, "cbmulti: both peers gone");
}

/* callback_max_conns at once; one more is closed at once; a slot frees. */
static void up_to_max(int port, long max)
{
	unsigned char m[44];
	int c[MAXCONN + 1];
	char what[64];
	int i, n = 0, extra;
	double t;

	for (i = 0; i < max; i++) {
		snprintf(what, sizeof(what), "cbmulti peer %d of %ld", i + 1, max);
		c[i] = cb_connect("127.0.0.1", port, what);
		if (c[i] < 0)
			break;
		n++;
	}
	if (n == max) {
		expect_conns(max, "cbmulti: at the limit");
		extra = cb_open(port, "cbmulti one over the limit");
		if (extra >= 0) {
			null_record(m);
			send(extra, m, sizeof(m), MSG_NOSIGNAL);
			t = wait_end(extra, 3);
			CHECK(t >= 0 && t < 2,
			      "cbmulti: connection %ld over a limit of %ld not closed at once (%.2f s)",
			      max + 1, max, t);
			close(extra);
		}
		close(c[0]);
		expect_conns(max - 1, "cbmulti: one of the peers left");
		c[0] = cb_connect("127.0.0.1", port, "cbmulti peer in the freed slot");
		if (c[0] < 0)
			c[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	for (i = 0; i < n; i++)
		close(c[i]);
	expect_conns(0, "cbmulti: all peers gone");
}

/* A peer that never stops calling is dropped after the lifetime. */
static void busy_peer(int port)
{
	long old = get_param("callback_conn_lifetime");
	double t0, t = -1;
	int c, i;

	if (old < 0) {
		fail("cbmulti: no callback_conn_lifetime parameter");
		return;
	}
	if (set_param("callback_conn_lifetime", 3))
		return;
	c = cb_connect("127.0.0.1", port, "cbmulti busy peer");
	t0 = now_mono();
	for (i = 0; c >= 0 && i < 20; i++) {
		unsigned char m[44], r[64];

		usleep(400000);
		null_record(m);
		if (!sock_all(c, m, sizeof(m), true) || !sock_all(c, r, 28, false)) {
			t = now_mono() - t0;
			break;
		}
	}
	CHECK(t >= 2 && t < 6,
	      "cbmulti: a peer calling every 0.4 s with a 3 s lifetime ended after %.2f s",
	      t);
	if (c >= 0)
		close(c);
	set_param("callback_conn_lifetime", old);
}

/* One byte of a record every 0.4 s: dropped 5 s after the connect. */
static void byte_by_byte(int port)
{
	unsigned char m[44];
	double t0, t = -1;
	char b[64];
	size_t i;
	int c;

	c = cb_open(port, "cbmulti byte by byte");
	if (c < 0)
		return;
	null_record(m);
	t0 = now_mono();
	for (i = 0; i < sizeof(m) - 1; i++) {
		ssize_t n;

		if (send(c, m + i, 1, MSG_NOSIGNAL) != 1)
			break;
		usleep(400000);
		n = recv(c, b, sizeof(b), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN))
			break;
	}
	t = now_mono() - t0;
	CHECK(i < sizeof(m) - 1 && t >= 4 && t < 8,
	      "cbmulti: a record sent a byte every 0.4 s: %zu bytes in, dropped after %.2f s, want about 5",
	      i, t);
	close(c);
}

/* The last client closes with peers connected, two of them mid-record. */
static void stop_with_peers(int fd, int port)
{
	unsigned char m[44];
	int c[4], i, n = 0;
	double t;

	for (i = 0; i < 4; i++) {
		c[i] = cb_connect("127.0.0.1", port, "cbmulti peer at the stop");
		if (c[i] < 0)
			break;
		n++;
	}
	null_record(m);
	for (i = 0; i < n && i < 2; i++)
		send(c[i], m, 20, MSG_NOSIGNAL);
	t = now_mono();
	close(fd);
	t = now_mono() - t;
	CHECK(t < 3, "cbmulti: closing the last client took %.2f s", t);
	expect_state("callback_port", 0, "cbmulti: after the last client");
	for (i = 0; i < n; i++) {
		t = wait_end(c[i], 3);
		CHECK(t >= 0, "cbmulti: peer %d not ended 3 s after the stop", i);
		close(c[i]);
	}
}

void test_cbmulti(void)
{
	struct copts tcp = { .proto = IPPROTO_TCP };
	long max;
	int fd, port;

	fd = client("cbmulti", &tcp);
	if (fd < 0)
		return;
	port = ioctl(fd, SUNRPC_NS_IOC_CALLBACK);
	if (port <= 0) {
		fail("cbmulti: CALLBACK: %s", ename(port < 0 ? -errno : 0));
		close(fd);
		return;
	}
	max = get_param("callback_max_conns");
	CHECK(max == 16, "cbmulti: callback_max_conns %ld, want the default 16",
	      max);
	if (max < 2 || max > MAXCONN)
		max = 16;
	trickler_vs_other(port);
	up_to_max(port, max);
	busy_peer(port);
	byte_by_byte(port);
	stop_with_peers(fd, port);
}
