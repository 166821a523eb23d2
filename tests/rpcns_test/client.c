// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test: clients of the test servers and calls on them, as the
 * cases use them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rpcns_test.h"

unsigned long net_inum(void)
{
	return ns_inum("/proc/self/ns/net");
}

void fill_create(struct sunrpc_ns_create *c, const struct copts *o)
{
	const char *a = o->addr ? o->addr : addr4;

	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, a, c->addr) == 1) {
		c->family = AF_INET;
	} else if (inet_pton(AF_INET6, a, c->addr) == 1) {
		c->family = AF_INET6;
	} else {
		fail("bad address %s", a);
		exit(1);
	}
	c->proto = o->proto ? o->proto : IPPROTO_UDP;
	c->port = o->port == ~0u ? 0 : base + o->port;
	c->prog = o->prog ? o->prog : PROG;
	c->vers = o->vers ? o->vers : 1;
	c->auth = o->auth;
	c->timeout_ms = o->timeout_ms;
	c->retries = o->retries;
	c->flags = o->flags | SUNRPC_NS_CLOEXEC;
}

/* A client fd, or -errno. */
int create(const struct copts *o)
{
	struct sunrpc_ns_create c;
	int fd;

	fill_create(&c, o);
	fd = ioctl(dev_fd(), SUNRPC_NS_IOC_CREATE, &c);
	return fd < 0 ? -errno : fd;
}

const char *pname(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

/* Like create(), a failure is a test failure. */
int client(const char *what, const struct copts *o)
{
	int fd = create(o);

	if (fd < 0)
		fail("%s: create %s %s port %u: %s", what, o->addr ? o->addr : addr4,
		     pname(o->proto), o->port == ~0u ? 0 : base + o->port, ename(fd));
	return fd;
}

/* 0 or -errno; *res_len in: room, out: length. */
int call(int fd, __u32 proc, const void *args, __u32 args_len, void *res,
	 __u32 *res_len)
{
	struct sunrpc_ns_call c;
	unsigned char scratch[64];

	memset(&c, 0, sizeof(c));
	c.proc = proc;
	c.args_len = args_len;
	c.args = (unsigned long)args;
	c.res = (unsigned long)(res ? res : scratch);
	c.res_len = res_len ? *res_len : sizeof(scratch);
	if (ioctl(fd, SUNRPC_NS_IOC_CALL, &c))
		return -errno;
	if (res_len)
		*res_len = c.res_len;
	/* No room asked for: no result expected. */
	return !res_len && c.res_len ? -EPROTO : 0;
}

/* A call returning an XDR string, into s (NUL-terminated). 0 or -errno. */
int call_string_args(int fd, __u32 proc, const void *args, __u32 alen,
		     char *s, size_t n)
{
	unsigned char res[1024];
	__u32 len = sizeof(res), sl;
	int r;

	r = call(fd, proc, args, alen, res, &len);
	if (r)
		return r;
	if (len < 4)
		return -EPROTO;
	sl = (__u32)res[0] << 24 | res[1] << 16 | res[2] << 8 | res[3];
	if (sl > len - 4 || sl >= n || ((sl + 3) & ~3u) != len - 4)
		return -EPROTO;
	memcpy(s, res + 4, sl);
	s[sl] = 0;
	return 0;
}

int call_string(int fd, __u32 proc, char *s, size_t n)
{
	return call_string_args(fd, proc, NULL, 0, s, n);
}

int whoami(int fd, char *s, size_t n)
{
	return call_string(fd, P_WHOAMI, s, n);
}

/* WHOAMI must work and answer from the server tagged tag. */
void expect_tag(int fd, const char *tag, const char *what)
{
	char s[512];
	size_t tl = strlen(tag);
	int r;

	r = whoami(fd, s, sizeof(s));
	if (r)
		return fail("%s: WHOAMI: %s", what, ename(r));
	if (strncmp(s, tag, tl) || s[tl] != ' ')
		fail("%s: WHOAMI answered \"%s\", want server %s", what, s, tag);
}

int get_info(int fd, struct sunrpc_ns_info *i)
{
	memset(i, 0xa5, sizeof(*i));
	if (ioctl(fd, SUNRPC_NS_IOC_INFO, i)) {
		fail("INFO: %m");
		memset(i, 0, sizeof(*i));
		return -1;
	}
	return 0;
}

__u32 get_count(int fd, const char *what)
{
	unsigned char res[4];
	__u32 len = sizeof(res);
	int r;

	r = call(fd, P_COUNT, NULL, 0, res, &len);
	if (r || len != 4) {
		fail("%s: COUNT: %s len %u", what, ename(r), len);
		return 0;
	}
	return (__u32)res[0] << 24 | res[1] << 16 | res[2] << 8 | res[3];
}

void expect_call(int fd, __u32 proc, int want, const char *what)
{
	int r = call(fd, proc, NULL, 0, NULL, NULL);

	if (r != want)
		fail("%s: proc %u: %s, want %s", what, proc, ename(r), ename(want));
}

/* Waits for a child; its failures (printed by itself) count as one. */
void reap(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return fail("%s: waitpid: %m", what);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail("%s: child failed (status 0x%x)", what, st);
}

/* An XDR opaque<> of n bytes of a pattern: the ECHO argument. */
unsigned char *echo_arg(__u32 n, __u32 *len)
{
	unsigned char *b;
	__u32 i;

	*len = 4 + ((n + 3) & ~3u);
	b = calloc(1, *len);
	if (!b) {
		fail("out of memory");
		exit(1);
	}
	b[0] = n >> 24;
	b[1] = n >> 16;
	b[2] = n >> 8;
	b[3] = n;
	for (i = 0; i < n; i++)
		b[4 + i] = (i * 7 + 3) & 0xff;
	return b;
}

/* ECHO of n bytes must come back as sent. */
void expect_echo(int fd, __u32 n, const char *what)
{
	__u32 len, rlen;
	unsigned char *a = echo_arg(n, &len), *res;
	int r;

	rlen = len + 64;
	res = malloc(rlen);
	if (!res) {
		fail("out of memory");
		exit(1);
	}
	r = call(fd, P_ECHO, a, len, res, &rlen);
	if (r)
		fail("%s: ECHO %u bytes: %s", what, n, ename(r));
	else if (rlen != len || memcmp(a, res, len))
		fail("%s: ECHO %u bytes: result of %u bytes differs", what, n, rlen);
	free(a);
	free(res);
}
