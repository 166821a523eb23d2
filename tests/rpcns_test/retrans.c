// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test retrans: UDP retransmission (dropfirst), backoff and
 * ETIMEDOUT (silent, slow replies).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "rpcns_test.h"

/* A call that must time out: the seconds it took to give up. */
static double timed_out(int fd, __u32 proc, const void *args, __u32 len,
			const char *what)
{
	double t = now_mono();
	int r = call(fd, proc, args, len, NULL, NULL);

	t = now_mono() - t;
	CHECK(r == -ETIMEDOUT, "%s: %s, want ETIMEDOUT", what, ename(r));
	return t;
}

void test_retrans(void)
{
	struct copts o = { .port = O_DROPFIRST, .timeout_ms = 500, .retries = 3 };
	struct sunrpc_ns_info in;
	__u32 c1, c2, arg;
	double t;
	int fd, r;

	/* Each first datagram is dropped: every call needs a retransmission. */
	fd = client("dropfirst", &o);
	if (fd >= 0) {
		c1 = get_count(fd, "dropfirst udp");
		expect_call(fd, P_NULL, 0, "dropfirst udp");
		c2 = get_count(fd, "dropfirst udp");
		CHECK(c2 - c1 >= 4, "dropfirst udp: server saw %u requests for 2 calls",
		      c2 - c1);
		if (!get_info(fd, &in)) {
			CHECK(in.retrans >= 3, "dropfirst udp: retrans %llu after 3 calls",
			      (unsigned long long)in.retrans);
			CHECK(in.calls == 3, "dropfirst udp: calls %llu, want 3",
			      (unsigned long long)in.calls);
			CHECK(in.sockets == 1, "dropfirst udp: sockets %llu, want 1",
			      (unsigned long long)in.sockets);
		}
		close(fd);
	}
	/* Over TCP nothing is dropped: nothing is retransmitted. */
	o.proto = IPPROTO_TCP;
	fd = client("dropfirst tcp", &o);
	if (fd >= 0) {
		expect_call(fd, P_NULL, 0, "dropfirst tcp");
		expect_call(fd, P_NULL, 0, "dropfirst tcp");
		if (!get_info(fd, &in))
			CHECK(in.retrans == 0 && in.calls == 2,
			      "dropfirst tcp: retrans %llu calls %llu, want 0 2",
			      (unsigned long long)in.retrans, (unsigned long long)in.calls);
		close(fd);
	}

	/* No reply ever: 200 + 400 + 800 ms, then ETIMEDOUT. */
	o.proto = IPPROTO_UDP;
	o.port = O_SILENT;
	o.timeout_ms = 200;
	o.retries = 2;
	fd = client("silent", &o);
	if (fd >= 0) {
		t = timed_out(fd, P_NULL, NULL, 0, "silent udp");
		CHECK(t >= 1.2 && t < 20, "silent udp: gave up after %.2f s, want 1.4 s",
		      t);
		if (!get_info(fd, &in))
			CHECK(in.retrans == 2, "silent udp: retrans %llu, want 2",
			      (unsigned long long)in.retrans);
		close(fd);
	}
	o.proto = IPPROTO_TCP;
	o.retries = 1;
	fd = client("silent tcp", &o);
	if (fd >= 0) {
		t = timed_out(fd, P_NULL, NULL, 0, "silent tcp");
		CHECK(t >= 0.2 && t < 30, "silent tcp: gave up after %.2f s", t);
		close(fd);
	}

	/* A reply slower than all the retries is too late; the next is fine. */
	o.proto = IPPROTO_UDP;
	o.port = O_NORMAL;
	o.timeout_ms = 300;
	o.retries = 1;
	fd = client("slow", &o);
	if (fd >= 0) {
		arg = htonl(3000);
		t = timed_out(fd, P_SLEEP, &arg, 4, "slow udp: SLEEP 3000 ms");
		CHECK(t >= 0.8 && t < 2.9, "slow udp: gave up after %.2f s, want 0.9 s", t);
		arg = htonl(50);
		r = call(fd, P_SLEEP, &arg, 4, NULL, NULL);
		CHECK(!r, "slow udp: SLEEP 50 ms after a timeout: %s", ename(r));
		if (!get_info(fd, &in))
			CHECK(in.retrans >= 1, "slow udp: retrans %llu",
			      (unsigned long long)in.retrans);
		close(fd);
	}
	/* Default timeout (1 s): a 300 ms reply needs no retransmission. */
	o.timeout_ms = 0;
	o.retries = 0;
	fd = client("slow default", &o);
	if (fd >= 0) {
		arg = htonl(300);
		r = call(fd, P_SLEEP, &arg, 4, NULL, NULL);
		CHECK(!r, "udp: SLEEP 300 ms with the default timeout: %s", ename(r));
		if (!get_info(fd, &in))
			CHECK(in.retrans == 0, "udp: SLEEP 300 ms: retrans %llu, want 0",
			      (unsigned long long)in.retrans);
		close(fd);
	}
}
