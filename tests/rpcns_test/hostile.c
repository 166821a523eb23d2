// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test hostile: each misbehaving server gives the errno the port
 * table says: a wrong xid dropped and counted, malformed replies EBADMSG,
 * denied EACCES, PROC/PROG errors, GARBAGE_ARGS, SYSTEM_ERR, a huge TCP
 * record EMSGSIZE, multi-fragment replies, refused connections.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <unistd.h>

#include "rpcns_test.h"

static void hostile_proto(int proto)
{
	static const struct {
		unsigned int port;
		int err;
		const char *name;
	} bad[] = {
		{ O_SHORT, -EBADMSG, "short" },
		{ O_BADVERF, -EBADMSG, "badverf" },
		{ O_GARBAGE, -EBADMSG, "garbage" },
		{ O_DENIED, -EACCES, "denied" },
	};
	struct copts o = { .proto = proto, .auth = SUNRPC_NS_AUTH_SYS,
			   .timeout_ms = 500, .retries = 2 };
	struct sunrpc_ns_info in;
	const char *p = pname(proto);
	char what[64];
	__u32 garb[1] = { htonl(100) };
	unsigned int i;
	int fd, r;

	/* A wrong xid is dropped, counted, and the right reply taken. */
	o.port = O_BADXID;
	fd = client("badxid", &o);
	if (fd >= 0) {
		snprintf(what, sizeof(what), "badxid %s", p);
		expect_tag(fd, "A", what);
		expect_call(fd, P_NULL, 0, what);
		if (!get_info(fd, &in)) {
			CHECK(in.bad_replies >= 1, "%s: bad_replies %llu after 2 calls",
			      what, (unsigned long long)in.bad_replies);
			CHECK(in.calls == 2, "%s: calls %llu, want 2", what,
			      (unsigned long long)in.calls);
		}
		close(fd);
	}

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		o.port = bad[i].port;
		fd = client(bad[i].name, &o);
		if (fd < 0)
			continue;
		snprintf(what, sizeof(what), "%s %s", bad[i].name, p);
		expect_call(fd, P_NULL, bad[i].err, what);
		/* And again: the client stays usable, gives the same answer. */
		expect_call(fd, P_WHOAMI, bad[i].err, what);
		close(fd);
	}

	/* RPC-level errors from a well-behaved server. */
	o.port = O_NORMAL;
	fd = client("normal", &o);
	if (fd >= 0) {
		snprintf(what, sizeof(what), "normal %s", p);
		expect_call(fd, 99, -EOPNOTSUPP, what);
		expect_call(fd, P_SYSERR, -EREMOTEIO, what);
		r = call(fd, P_ECHO, garb, sizeof(garb), NULL, NULL);
		CHECK(r == -EINVAL, "%s: ECHO with undecodable args: %s, want EINVAL",
		      what, ename(r));
		expect_echo(fd, 0, what);
		expect_echo(fd, 1, what);
		expect_echo(fd, 8000, what);
		expect_tag(fd, "A", what);
		close(fd);
	}
	o.vers = 2;
	fd = client("vers 2", &o);
	if (fd >= 0) {
		snprintf(what, sizeof(what), "vers 2 %s", p);
		expect_call(fd, P_NULL, -EPROTONOSUPPORT, what);
		close(fd);
	}
	o.vers = 0;
	o.prog = PROG - 1;
	fd = client("other prog", &o);
	if (fd >= 0) {
		snprintf(what, sizeof(what), "prog 0x%x %s", PROG - 1, p);
		expect_call(fd, P_NULL, -EPFNOSUPPORT, what);
		close(fd);
	}
	o.prog = 0;
	if (proto != IPPROTO_TCP)
		return;

	/* A record marker for 2 GiB: more than SUNRPC_NS_MAX_RES. */
	o.port = O_HUGEREC;
	fd = client("hugerec", &o);
	if (fd >= 0) {
		expect_call(fd, P_NULL, -EMSGSIZE, "hugerec tcp");
		close(fd);
	}

	/* Replies in fragments of 100 bytes. */
	o.port = O_FRAG;
	fd = client("frag", &o);
	if (fd >= 0) {
		expect_tag(fd, "A", "frag tcp");
		expect_echo(fd, 5000, "frag tcp");
		expect_echo(fd, 60000, "frag tcp");
		expect_echo(fd, SUNRPC_NS_MAX_ARGS - 4, "frag tcp");
		close(fd);
	}

	/* Nobody listens. */
	o.port = O_REFUSED;
	o.timeout_ms = 200;
	o.retries = 1;
	fd = client("refused", &o);
	if (fd >= 0) {
		expect_call(fd, P_NULL, -ECONNREFUSED, "nobody listening tcp");
		close(fd);
	}
}

void test_hostile(void)
{
	hostile_proto(IPPROTO_UDP);
	hostile_proto(IPPROTO_TCP);
}
