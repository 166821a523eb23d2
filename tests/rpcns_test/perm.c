// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test perm: who may make sockets through the module
 * (Documentation/sunrpc_ns.rst, "Who may do what").  Creating a client
 * and starting the callback service need CAP_NET_ADMIN over the netns the
 * sockets go in: uid 65534 and the root of a user namespace that does not
 * own rpcA get EPERM, the root of a user namespace that owns its netns
 * may.  A client fd is delegated authority: its holder calls, whoever it
 * is.  Reserved source ports for privileged creators only, reconnects
 * included.  The per-user cap on clients, and the clients file shows an
 * unprivileged reader only its own.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcns_test.h"

#define P_PEER		8
#define MAXPARAM	"/sys/module/nsmods_sunrpc_ns/parameters/max_clients_per_user"

static const unsigned long long caps_net =
	1ULL << CAP_NET_ADMIN | 1ULL << CAP_NET_BIND_SERVICE;

/* An fd or port (a number) or -errno, for a FAIL line. */
static const char *rname(int r)
{
	static char s[4][16];
	static int k;

	if (r < 0)
		return ename(r);
	k = (k + 1) % 4;
	snprintf(s[k], sizeof(s[k]), "%d", r);
	return s[k];
}

/* The source port the server saw for a call on @fd, or -1. */
static int peer_port(int fd, const char *what)
{
	char s[64];
	int r, port;

	r = call_string(fd, P_PEER, s, sizeof(s));
	if (r || sscanf(s, "port %d", &port) != 1) {
		fail("%s: PEER: %s \"%s\"", what, ename(r), r ? "" : s);
		return -1;
	}
	return port;
}

static void expect_resv(int fd, bool resv, const char *what)
{
	int port = peer_port(fd, what);

	if (port < 0)
		return;
	CHECK(resv ? port >= 665 && port <= 1023 : port >= 1024,
	      "%s: source port %d, want %s", what, port,
	      resv ? "665-1023" : "unreserved");
}

/* CREATE, CREATE with RESVPORT, CREATE_HOST and CALLBACK on @held. */
static void expect_denied(int held, const char *who)
{
	struct copts o = { .port = O_NORMAL };
	struct sunrpc_ns_create_host h;
	int r;

	r = create(&o);
	CHECK(r == -EPERM, "%s: create: %s, want EPERM", who, ename(r));
	closeif(r);
	o.flags = SUNRPC_NS_RESVPORT;
	r = create(&o);
	CHECK(r == -EPERM, "%s: create resvport: %s, want EPERM", who, ename(r));
	closeif(r);
	memset(&h, 0, sizeof(h));
	fill_create(&h.create, &(struct copts){ .port = O_NORMAL });
	memset(h.create.addr, 0, sizeof(h.create.addr));
	h.create.family = 0;
	snprintf(h.host, sizeof(h.host), "nosuchhost");
	h.resolve_ms = 100;
	r = ioctl(dev_fd(), SUNRPC_NS_IOC_CREATE_HOST, &h);
	r = r < 0 ? -errno : r;
	CHECK(r == -EPERM, "%s: create by host: %s, want EPERM", who, ename(r));
	closeif(r);
	r = ioctl(held, SUNRPC_NS_IOC_CALLBACK);
	r = r < 0 ? -errno : r;
	CHECK(r == -EPERM, "%s: callback on a passed fd: %s, want EPERM",
	      who, rname(r));
	r = cb_flags(held, 0, NULL);
	CHECK(r == -EPERM, "%s: callback with flags 0: %s, want EPERM",
	      who, rname(r));
	r = cb_flags(held, SUNRPC_NS_CB_RPCBIND, NULL);
	CHECK(r == -EPERM, "%s: callback with rpcbind: %s, want EPERM",
	      who, rname(r));
	/* What the fd's creator could do, its holder may. */
	expect_tag(held, "A", who);
}

/* Lines of /proc/net/sunrpc_ns/clients this process may read. */
static int client_lines(void)
{
	FILE *f = fopen("/proc/net/sunrpc_ns/clients", "r");
	char line[256];
	int n = 0;

	if (!f) {
		fail("open clients: %m");
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		return fail("lo: %m");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		fail("lo up: %m");
	close(s);
}

/*
 * Root of a user namespace that owns a new netns: it may create, start
 * the callback service, reach it, and have a reserved port there.
 */
static void owner_may(void)
{
	struct copts o = { .addr = "127.0.0.1", .proto = IPPROTO_TCP,
			   .prog = SUNRPC_NS_CB_PROG, .vers = SUNRPC_NS_CB_VERS };
	char s[128], want[64];
	int fd, cb, r, i;

	if (unshare(CLONE_NEWUSER) || unshare(CLONE_NEWNET))
		return fail("owner: unshare user+net: %m");
	lo_up();
	fd = client("owner", &(struct copts){ .addr = "127.0.0.1" });
	if (fd < 0)
		return;
	cb = ioctl(fd, SUNRPC_NS_IOC_CALLBACK);
	if (cb <= 0)
		return fail("owner: CALLBACK: %s", ename(cb < 0 ? -errno : 0));
	/* It may ask for rpcbind, and gets as far as finding none. */
	r = cb_flags(fd, SUNRPC_NS_CB_RPCBIND, NULL);
	CHECK(r == -ECONNREFUSED,
	      "owner: callback with rpcbind, no rpcbind there: %s, want ECONNREFUSED",
	      rname(r));
	snprintf(want, sizeof(want), "netns %lu", net_inum());
	for (i = 0; i < 2; i++) {
		int c;

		o.port = cb - base;
		o.flags = i ? SUNRPC_NS_RESVPORT : 0;
		c = client(i ? "owner resvport" : "owner cb", &o);
		if (c < 0)
			continue;
		r = call_string(c, SUNRPC_NS_CB_WHOAMI, s, sizeof(s));
		CHECK(!r && !strcmp(s, want), "owner%s: callback WHOAMI %s \"%s\", want \"%s\"",
		      i ? " resvport" : "", ename(r), r ? "" : s, want);
		close(c);
	}
	close(fd);
}

static int set_max(const char *v)
{
	int fd = open(MAXPARAM, O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, v, strlen(v)) == (ssize_t)strlen(v);

	if (!ok)
		fail("write %s to %s: %m", v, MAXPARAM);
	closeif(fd);
	return ok ? 0 : -1;
}

/* max_clients_per_user 2: a third client of one euid is EMFILE. */
static void per_user_cap(void)
{
	struct copts o = { .port = O_NORMAL };
	int fd[3], i, r;
	pid_t pid;

	if (set_max("2\n"))
		return;
	for (i = 0; i < 3; i++)
		fd[i] = create(&o);
	CHECK(fd[0] >= 0 && fd[1] >= 0 && fd[2] == -EMFILE,
	      "cap: creates %s %s %s, want two fds then EMFILE", rname(fd[0]),
	      rname(fd[1]), rname(fd[2]));
	/* Another uid, with CAP_NET_ADMIN, has its own count. */
	pid = fork_flushed();
	if (pid == 0) {
		failures = 0;
		if (become_user(4321, 4321, 0, NULL, caps_net))
			child_exit();
		r = create(&o);
		CHECK(r >= 0, "cap: uid 4321's first client: %s", ename(r));
		child_exit();
	}
	reap(pid, "cap child");
	for (i = 0; i < 3; i++)
		closeif(fd[i]);
	set_max("128\n");
}

void test_perm(void)
{
	struct copts tcp = { .proto = IPPROTO_TCP };
	struct copts resv = { .flags = SUNRPC_NS_RESVPORT };
	struct copts resv_each = { .proto = IPPROTO_TCP, .port = O_CLOSEEACH,
				   .flags = SUNRPC_NS_RESVPORT };
	struct sunrpc_ns_info in;
	int held, fd, each, mine;
	pid_t pid;

	/* Root in rpcA: reserved ports on request, over UDP and TCP. */
	fd = client("resv udp", &resv);
	if (fd >= 0)
		expect_resv(fd, true, "resv udp");
	closeif(fd);
	resv.proto = IPPROTO_TCP;
	fd = client("resv tcp", &resv);
	if (fd >= 0)
		expect_resv(fd, true, "resv tcp");
	closeif(fd);
	fd = client("plain tcp", &tcp);
	if (fd >= 0)
		expect_resv(fd, false, "plain tcp");
	closeif(fd);

	held = client("held", &tcp);
	each = client("resv closeeach", &resv_each);
	if (held < 0 || each < 0)
		return;

	/* uid 65534, holding root's fds. */
	pid = fork_flushed();
	if (pid == 0) {
		failures = 0;
		if (become_user(65534, 65534, 0, NULL, 0))
			child_exit();
		expect_denied(held, "uid 65534");
		/* Reconnects of a root-made RESVPORT client keep a reserved port. */
		expect_resv(each, true, "uid 65534 resv 1");
		expect_resv(each, true, "uid 65534 resv 2");
		if (!get_info(each, &in))
			CHECK(in.sockets >= 2, "uid 65534: closeeach made %llu sockets",
			      (unsigned long long)in.sockets);
		CHECK(client_lines() == 0, "uid 65534 sees root's clients");
		child_exit();
	}
	reap(pid, "uid 65534");

	/* Root of a user namespace that does not own rpcA. */
	pid = fork_flushed();
	if (pid == 0) {
		failures = 0;
		if (unshare(CLONE_NEWUSER)) {
			fail("unshare user: %m");
			child_exit();
		}
		expect_denied(held, "userns root");
		child_exit();
	}
	reap(pid, "userns root");

	/* Root of a user namespace that owns the netns. */
	pid = fork_flushed();
	if (pid == 0) {
		failures = 0;
		owner_may();
		child_exit();
	}
	reap(pid, "owner");

	/* An unprivileged reader sees its own clients, not root's. */
	pid = fork_flushed();
	if (pid == 0) {
		failures = 0;
		if (become_user(4321, 4321, 0, NULL, caps_net))
			child_exit();
		mine = client("uid 4321", &tcp);
		if (keep_caps(0))
			child_exit();
		CHECK(client_lines() == 1, "uid 4321 sees %d clients, want its 1",
		      client_lines());
		closeif(mine);
		child_exit();
	}
	reap(pid, "reader");
	CHECK(client_lines() >= 2, "root sees %d clients, want all", client_lines());
	close(each);
	close(held);

	per_user_cap();
}
