// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test callback: the callback service, one listener per netns,
 * started by the first client that asks and stopped with the last.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rpcns_test.h"

/* A number from /proc/net/sunrpc_ns/state (the caller's netns), or -1. */
long state_field(const char *key)
{
	FILE *f = fopen("/proc/net/sunrpc_ns/state", "r");
	size_t kl = strlen(key);
	char line[128];
	long v = -1;

	if (!f) {
		fail("open /proc/net/sunrpc_ns/state: %m");
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtol(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

void expect_state(const char *key, long want, const char *what)
{
	long v = state_field(key);

	CHECK(v == want, "%s: %s %ld, want %ld", what, key, v, want);
}

/* SUNRPC_NS_IOC_CALLBACK: the port of the client's netns's listener. */
static int cb_port(int fd, const char *what)
{
	int r = ioctl(fd, SUNRPC_NS_IOC_CALLBACK);

	if (r <= 0 || r > 65535) {
		fail("%s: CALLBACK: %s (%d)", what, ename(r < 0 ? -errno : 0), r);
		return -1;
	}
	return r;
}

/**
 * cb_flags() - SUNRPC_NS_IOC_CALLBACK_FLAGS on a client
 * @fd: the client
 * @flags: SUNRPC_NS_CB_*
 * @port: set to the service's port, if not NULL
 *
 * Return: 0 or -errno.
 */
int cb_flags(int fd, __u32 flags, __u32 *port)
{
	struct sunrpc_ns_callback cb = { .flags = flags };

	if (ioctl(fd, SUNRPC_NS_IOC_CALLBACK_FLAGS, &cb) < 0)
		return -errno;
	if (port)
		*port = cb.port;
	return 0;
}

/* The server calls back the client's host at @port: what answered, in s. */
static void ask_callback(int fd, int port, char *s, size_t n, const char *what)
{
	unsigned char arg[4] = { 0, 0, port >> 8, port & 0xff };
	int r;

	r = call_string_args(fd, P_CALLBACK, arg, sizeof(arg), s, n);
	if (r) {
		fail("%s: CALLBACK call: %s", what, ename(r));
		snprintf(s, n, "call failed");
	}
}

/*
 * The callback service: one listener per netns, started by the first
 * client that asks and stopped with the last; a server in A that calls
 * back reaches A's listener (over IPv4 and IPv6), never B's, and B's
 * listener answers with B's netns.
 */
void test_callback(void)
{
	struct copts tcp = { .proto = IPPROTO_TCP };
	struct copts udp = { .proto = IPPROTO_UDP };
	struct copts tcp6 = { .proto = IPPROTO_TCP, .addr = addr6 };
	unsigned long ina = net_inum(), inb;
	char s[256], want_a[64], want_b[64];
	int a1, a2, a3, a4, b1, pa, pb, pa2, home;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return fail("open /proc/self/ns/net: %m");
	snprintf(want_a, sizeof(want_a), "netns %lu", ina);
	expect_state("callback_port", 0, "callback: before any client asks");
	a1 = client("callback: A tcp", &tcp);
	a2 = client("callback: A udp", &udp);
	a3 = client("callback: A tcp6", &tcp6);
	if (a1 < 0 || a2 < 0 || a3 < 0)
		goto out;
	expect_state("callback_port", 0, "callback: clients that did not ask");
	pa = cb_port(a1, "callback: A tcp");
	if (pa < 0)
		goto out;
	expect_state("callback_port", pa, "callback: A started");
	expect_state("callback_users", 1, "callback: A started");
	CHECK(cb_port(a2, "callback: A udp") == pa, "callback: a second listener in A");
	CHECK(cb_port(a1, "callback: A tcp again") == pa, "callback: A's port moved");
	expect_state("callback_users", 2, "callback: two clients, one asked twice");
	CHECK(cb_port(a3, "callback: A tcp6") == pa, "callback: a third listener in A");
	expect_state("callback_users", 3, "callback: three clients asked");

	/* rpcAs calls back over IPv4 (TCP and UDP calls) and IPv6. */
	ask_callback(a1, pa, s, sizeof(s), "callback: A tcp");
	CHECK(!strcmp(s, want_a), "callback: A tcp reached \"%s\", want \"%s\"", s, want_a);
	ask_callback(a2, pa, s, sizeof(s), "callback: A udp");
	CHECK(!strcmp(s, want_a), "callback: A udp reached \"%s\", want \"%s\"", s, want_a);
	ask_callback(a3, pa, s, sizeof(s), "callback: A tcp6");
	CHECK(!strcmp(s, want_a), "callback: A over IPv6 reached \"%s\", want \"%s\"",
	      s, want_a);
	CHECK(state_field("callback_calls") >= 3, "callback: A's listener counted %ld calls",
	      state_field("callback_calls"));
	close(a2);
	a2 = -1;
	expect_state("callback_users", 2, "callback: A after one client closed");
	expect_state("callback_port", pa, "callback: A after one client closed");

	/* B: its own listener, reached by B's server only. */
	if (enter_net(nsb))
		goto out;
	inb = net_inum();
	snprintf(want_b, sizeof(want_b), "netns %lu", inb);
	expect_state("callback_port", 0, "callback: B before any client asks");
	b1 = client("callback: B tcp", &tcp);
	if (b1 < 0)
		goto out;
	pb = cb_port(b1, "callback: B tcp");
	if (pb > 0) {
		expect_state("callback_port", pb, "callback: B started");
		ask_callback(b1, pb, s, sizeof(s), "callback: B");
		CHECK(!strcmp(s, want_b), "callback: B reached \"%s\", want \"%s\"", s, want_b);
		/* A's server asked for B's port calls A's host: never B. */
		ask_callback(a1, pb, s, sizeof(s), "callback: A asked for B's port");
		CHECK(pb == pa ? !strcmp(s, want_a) : !strcmp(s, "error ECONNREFUSED"),
		      "callback: A's server at B's port %d (A's %d) got \"%s\"", pb, pa, s);
		ask_callback(b1, pa, s, sizeof(s), "callback: B asked for A's port");
		CHECK(pb == pa ? !strcmp(s, want_b) : !strcmp(s, "error ECONNREFUSED"),
		      "callback: B's server at A's port %d (B's %d) got \"%s\"", pa, pb, s);
	}
	close(b1);
	expect_state("callback_port", 0, "callback: B after its client closed");
	expect_state("callback_users", 0, "callback: B after its client closed");
	/* B's stopping leaves A's alone. */
	ask_callback(a3, pa, s, sizeof(s), "callback: A after B stopped");
	CHECK(!strcmp(s, want_a), "callback: A after B stopped: \"%s\"", s);

	if (setns(home, CLONE_NEWNET)) {
		fail("setns back to A: %m");
		goto out;
	}
	close(a1);
	a1 = -1;
	expect_state("callback_port", pa, "callback: A with one client left");
	expect_state("callback_users", 1, "callback: A with one client left");
	close(a3);
	a3 = -1;
	expect_state("callback_port", 0, "callback: A after its last client");
	expect_state("callback_users", 0, "callback: A after its last client");
	/* Nothing listens in A now; a new client that asks starts it again. */
	a4 = client("callback: A again", &tcp);
	if (a4 >= 0) {
		ask_callback(a4, pa, s, sizeof(s), "callback: A stopped");
		CHECK(!strcmp(s, "error ECONNREFUSED"),
		      "callback: A's stopped listener answered \"%s\"", s);
		pa2 = cb_port(a4, "callback: A again");
		if (pa2 > 0) {
			ask_callback(a4, pa2, s, sizeof(s), "callback: A restarted");
			CHECK(!strcmp(s, want_a), "callback: A restarted: \"%s\"", s);
		}
		close(a4);
		expect_state("callback_port", 0, "callback: A at the end");
	}
out:
	if (a1 >= 0)
		close(a1);
	if (a2 >= 0)
		close(a2);
	if (a3 >= 0)
		close(a3);
	close(home);
}
