// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test hold, for sunrpc_rpc.sh: a client held open, used on
 * request from stdin.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rpcns_test.h"

void test_hold(void)
{
	struct copts o = { .proto = hold_proto, .auth = SUNRPC_NS_AUTH_SYS };
	struct sunrpc_ns_info in;
	char s[512], line[64];
	__u32 port;
	int fd, r;

	fd = client("hold", &o);
	if (fd < 0)
		return;
	r = whoami(fd, s, sizeof(s));
	if (r)
		return fail("hold: WHOAMI: %s", ename(r));
	if (get_info(fd, &in))
		return;
	if (xns && enter_net(xns))
		return;
	printf("ready %u %s\n", in.net_inum, s);
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		if (!strcmp(line, "whoami\n")) {
			r = whoami(fd, s, sizeof(s));
			if (r)
				printf("error %s\n", ename(r));
			else
				printf("whoami %s\n", s);
		} else if (!strcmp(line, "info\n")) {
			if (!get_info(fd, &in))
				printf("info net_inum %u calls %llu sockets %llu\n",
				       in.net_inum, (unsigned long long)in.calls,
				       (unsigned long long)in.sockets);
		} else if (!strcmp(line, "callback\n")) {
			r = ioctl(fd, SUNRPC_NS_IOC_CALLBACK);
			if (r < 0)
				printf("error %s\n", ename(-errno));
			else
				printf("callback %d\n", r);
		} else if (!strcmp(line, "cbreg\n")) {
			r = cb_flags(fd, SUNRPC_NS_CB_RPCBIND, &port);
			if (r < 0)
				printf("error %s\n", ename(r));
			else
				printf("callback %u\n", port);
		} else {
			printf("what? %s", line);
		}
		fflush(stdout);
	}
	close(fd);
}
