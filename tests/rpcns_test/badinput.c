// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test badinput: EINVAL, EFAULT, EMSGSIZE and ENOTTY for bad
 * requests; SUNRPC_NS_CLOEXEC.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcns_test.h"

static void expect_create(struct sunrpc_ns_create *c, int want, const char *what)
{
	int fd = ioctl(dev_fd(), SUNRPC_NS_IOC_CREATE, c);
	int r = fd < 0 ? -errno : 0;

	if (fd >= 0)
		close(fd);
	CHECK(r == want, "create with %s: %s, want %s", what, ename(r), ename(want));
}

static void expect_ioctl(int fd, unsigned long cmd, void *arg, int want,
			 const char *what)
{
	int r = ioctl(fd, cmd, arg) < 0 ? -errno : 0;

	CHECK(r == want, "%s: %s, want %s", what, ename(r), ename(want));
}

void test_badinput(void)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	struct sunrpc_ns_create c, good;
	struct sunrpc_ns_call cl;
	struct sunrpc_ns_rpcb rb;
	struct sunrpc_ns_info in;
	unsigned char res[64];
	__u32 n, len;
	unsigned char *big;
	int fd, fl;

	fill_create(&good, &o);
	c = good;
	c.family = AF_UNIX;
	expect_create(&c, -EINVAL, "family AF_UNIX");
	c = good;
	c.proto = IPPROTO_SCTP;
	expect_create(&c, -EINVAL, "proto SCTP");
	c = good;
	c.auth = 6;
	expect_create(&c, -EINVAL, "auth 6");
	c = good;
	c.scope_id = 1;
	expect_create(&c, -EINVAL, "scope id on an IPv4 server");
	fill_create(&c, &(struct copts){ .addr = "fe80::1", .port = O_NORMAL });
	expect_create(&c, -EINVAL, "link-local server without a scope id");
	fill_create(&c, &(struct copts){ .addr = addr6, .port = O_NORMAL });
	c.scope_id = 1;
	expect_create(&c, -EINVAL, "scope id on a global IPv6 server");
	c = good;
	c.flags = 0x80;
	expect_create(&c, -EINVAL, "unknown flag 0x80");
	c = good;
	c.port = 65536;
	expect_create(&c, -EINVAL, "port 65536");
	expect_ioctl(dev_fd(), SUNRPC_NS_IOC_CREATE, (void *)BADPTR, -EFAULT,
		     "create from a bad pointer");
	expect_ioctl(dev_fd(), _IO(SUNRPC_NS_IOC_MAGIC, 0x7f), NULL, -ENOTTY,
		     "unknown ioctl on " SUNRPC_NS_DEVICE);

	/* SUNRPC_NS_CLOEXEC, and without it. */
	c = good;
	c.flags = 0;
	fd = ioctl(dev_fd(), SUNRPC_NS_IOC_CREATE, &c);
	if (fd < 0) {
		fail("create without flags: %m");
	} else {
		fl = fcntl(fd, F_GETFD);
		CHECK(fl >= 0 && !(fl & FD_CLOEXEC), "fd without CLOEXEC: flags %d", fl);
		close(fd);
	}
	fd = client("badinput", &o);
	if (fd < 0)
		return;
	fl = fcntl(fd, F_GETFD);
	CHECK(fl >= 0 && (fl & FD_CLOEXEC), "fd with SUNRPC_NS_CLOEXEC: flags %d", fl);

	n = htonl(4);
	memset(&cl, 0, sizeof(cl));
	cl.proc = P_ECHO;
	cl.args = (unsigned long)res;
	cl.res = (unsigned long)res;
	cl.res_len = sizeof(res);
	memset(res, 0, sizeof(res));
	memcpy(res, &n, 4);

	cl.args_len = 6;
	expect_ioctl(fd, SUNRPC_NS_IOC_CALL, &cl, -EINVAL, "args_len 6");
	cl.args_len = 8;
	cl.pad = 1;
	expect_ioctl(fd, SUNRPC_NS_IOC_CALL, &cl, -EINVAL, "call pad 1");
	cl.pad = 0;
	cl.args = BADPTR;
	expect_ioctl(fd, SUNRPC_NS_IOC_CALL, &cl, -EFAULT, "args at a bad pointer");
	cl.args = (unsigned long)res;
	expect_ioctl(fd, SUNRPC_NS_IOC_CALL, (void *)BADPTR, -EFAULT,
		     "call from a bad pointer");
	expect_ioctl(fd, SUNRPC_NS_IOC_INFO, (void *)BADPTR, -EFAULT,
		     "info to a bad pointer");
	expect_ioctl(fd, _IO(SUNRPC_NS_IOC_MAGIC, 0x7f), NULL, -ENOTTY,
		     "unknown ioctl on a client");
	fl = ioctl(fd, SUNRPC_NS_IOC_CREATE, &good);
	CHECK(fl < 0, "CREATE on a client fd made fd %d", fl);
	if (fl >= 0)
		close(fl);

	/* Arguments: up to SUNRPC_NS_MAX_ARGS, not a byte more. */
	big = calloc(1, SUNRPC_NS_MAX_ARGS + 4);
	if (!big)
		return fail("out of memory");
	cl.args = (unsigned long)big;
	cl.args_len = SUNRPC_NS_MAX_ARGS + 4;
	expect_ioctl(fd, SUNRPC_NS_IOC_CALL, &cl, -EINVAL, "args_len MAX_ARGS + 4");
	free(big);

	/* The result must fit: 8 bytes of room for 4 + 100. */
	big = echo_arg(100, &len);
	cl.args = (unsigned long)big;
	cl.args_len = len;
	cl.res_len = 8;
	expect_ioctl(fd, SUNRPC_NS_IOC_CALL, &cl, -EMSGSIZE, "ECHO 100 into 8 bytes");
	cl.res_len = len + 64;	/* room enough: only the pointer is bad */
	cl.res = BADPTR;
	expect_ioctl(fd, SUNRPC_NS_IOC_CALL, &cl, -EFAULT, "result to a bad pointer");
	free(big);

	/* A program's client is no rpcbind client. */
	memset(&rb, 0, sizeof(rb));
	rb.op = SUNRPC_NS_RPCB_GETPORT;
	rb.prog = PROG;
	rb.vers = 1;
	rb.proto = IPPROTO_UDP;
	CHECK(ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb) < 0,
	      "RPCB on a client of program 0x%x worked", PROG);

	/* After all that, it works. */
	expect_echo(fd, 40, "badinput: after the errors");
	if (!get_info(fd, &in))
		CHECK(in.calls >= 1 && in.sockets == 1 && in.prog == PROG &&
		      in.vers == 1 && in.proto == IPPROTO_UDP && in.family == AF_INET &&
		      in.port == base,
		      "INFO: calls %llu sockets %llu prog 0x%x vers %u proto %u family %u port %u",
		      (unsigned long long)in.calls, (unsigned long long)in.sockets,
		      in.prog, in.vers, in.proto, in.family, in.port);
	close(fd);

	/* rpcbind clients: each op needs its version. */
	o.prog = 100000;
	o.port = 111 - base;
	o.vers = 4;
	fd = client("rpcbind v4", &o);
	if (fd >= 0) {
		rb.prog = PROG;
		rb.family = AF_INET;
		CHECK(ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb) < 0,
		      "GETPORT on an rpcbind v4 client worked");
		rb.op = SUNRPC_NS_RPCB_GETADDR;
		rb.pad = 1;
		expect_ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb, -EINVAL, "GETADDR with pad 1");
		rb.pad = 0;
		rb.op = 99;
		expect_ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb, -EINVAL, "RPCB op 99");
		rb.op = SUNRPC_NS_RPCB_GETADDR;
		rb.port = 0;
		expect_ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb, 0, "GETADDR");
		CHECK(rb.port == base, "GETADDR: port %u, want %u", rb.port, base);
		close(fd);
	}
	o.vers = 2;
	fd = client("rpcbind v2", &o);
	if (fd >= 0) {
		rb.op = SUNRPC_NS_RPCB_GETADDR;
		CHECK(ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb) < 0,
		      "GETADDR on an rpcbind v2 client worked");
		rb.op = SUNRPC_NS_RPCB_DUMP;
		rb.count = 4;
		rb.entries = BADPTR;
		expect_ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb, -EFAULT, "DUMP to a bad pointer");
		rb.op = SUNRPC_NS_RPCB_GETPORT;
		rb.count = 0;
		rb.entries = 0;
		rb.port = 0;
		expect_ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb, 0, "GETPORT");
		CHECK(rb.port == base, "GETPORT: port %u, want %u", rb.port, base);
		close(fd);
	}
}
