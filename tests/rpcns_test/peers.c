// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test peers: what a hostile server can send.  UDP runts (empty,
 * 3, 4 and 7 bytes, the last two with the call's xid) and an oversized
 * datagram for another xid are dropped and counted while the call waits
 * for its reply; a result larger than the caller's room gives EMSGSIZE
 * with res_len set to the size it needs, over UDP and TCP; a 64 KiB
 * reply in 1-byte TCP fragments is read in bounded time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rpcns_test.h"

/* 1-byte fragments: 65560 of them; TCG with KASAN, shared cores */
#define FRAG1_MAX_S	10.0

/*
 * ECHO of @n bytes into @room bytes: 0 or -errno; *len is res_len as the
 * ioctl left it, *res the result (free it).
 */
static int echo_into(int fd, __u32 n, __u32 room, __u32 *len,
		     unsigned char **res, unsigned char **arg)
{
	struct sunrpc_ns_call c;
	__u32 alen;
	int r;

	*arg = echo_arg(n, &alen);
	*res = calloc(1, room + 1);
	if (!*res) {
		fail("out of memory");
		exit(1);
	}
	memset(&c, 0, sizeof(c));
	c.proc = P_ECHO;
	c.args = (unsigned long)*arg;
	c.args_len = alen;
	c.res = (unsigned long)*res;
	c.res_len = room;
	r = ioctl(fd, SUNRPC_NS_IOC_CALL, &c) ? -errno : 0;
	*len = c.res_len;
	return r;
}

/* EMSGSIZE names the size needed; with that much room the call works. */
static void size_report(int proto)
{
	static const __u32 sizes[][2] = { { 100, 8 }, { 60000, 64 },
					  { 60000, 60003 } };
	struct copts o = { .proto = proto, .timeout_ms = 2000, .retries = 1 };
	unsigned char *res, *arg;
	char what[64];
	__u32 len, want;
	unsigned int i;
	int fd, r;

	fd = client("size report", &o);
	if (fd < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(what, sizeof(what), "%s: ECHO %u bytes into %u",
			 pname(proto), sizes[i][0], sizes[i][1]);
		want = 4 + ((sizes[i][0] + 3) & ~3u);
		r = echo_into(fd, sizes[i][0], sizes[i][1], &len, &res, &arg);
		CHECK(r == -EMSGSIZE, "%s: %s, want EMSGSIZE", what, ename(r));
		CHECK(len == want, "%s: res_len %u after EMSGSIZE, want %u",
		      what, len, want);
		free(res);
		free(arg);
		/* The room it asked for is enough. */
		r = echo_into(fd, sizes[i][0], want, &len, &res, &arg);
		CHECK(!r && len == want && !memcmp(res, arg, want),
		      "%s: again into %u bytes: %s, res_len %u", what, want,
		      ename(r), len);
		free(res);
		free(arg);
	}
	expect_echo(fd, 40, "size report: a call after them");
	close(fd);
}

void test_peers(void)
{
	struct copts o = { .port = O_RUNT, .timeout_ms = 2000, .retries = 1 };
	struct sunrpc_ns_info in;
	double t;
	int fd;

	/* Five datagrams that are no reply before each reply. */
	fd = client("runt", &o);
	if (fd >= 0) {
		expect_tag(fd, "A", "runt udp");
		expect_echo(fd, 100, "runt udp");
		if (!get_info(fd, &in)) {
			CHECK(in.bad_replies >= 10,
			      "runt udp: bad_replies %llu after 2 calls, want 10",
			      (unsigned long long)in.bad_replies);
			CHECK(in.retrans == 0 && in.sockets == 1 && in.calls == 2,
			      "runt udp: retrans %llu sockets %llu calls %llu, want 0 1 2",
			      (unsigned long long)in.retrans,
			      (unsigned long long)in.sockets,
			      (unsigned long long)in.calls);
		}
		close(fd);
	}

	size_report(IPPROTO_UDP);
	size_report(IPPROTO_TCP);

	/* 64 KiB in 1-byte fragments: linear work, not quadratic. */
	o.proto = IPPROTO_TCP;
	o.port = O_FRAG1;
	o.timeout_ms = 60000;
	fd = client("frag1", &o);
	if (fd >= 0) {
		t = now_mono();
		expect_echo(fd, SUNRPC_NS_MAX_ARGS - 4, "frag1 tcp");
		t = now_mono() - t;
		printf("peers: a 64 KiB reply in 1-byte fragments: %.2f s\n", t);
		CHECK(t < FRAG1_MAX_S,
		      "frag1 tcp: 64 KiB in 1-byte fragments took %.2f s, want < %.0f",
		      t, FRAG1_MAX_S);
		expect_tag(fd, "A", "frag1 tcp: after it");
		close(fd);
	}
}
