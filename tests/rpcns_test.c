// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM test of nsmods_sunrpc_ns.ko's RPC clients, run as root by
 * tests/sunrpc_rpc.sh inside the client network namespace rpcA (that is
 * "A" below; "B" is rpcB), with the module loaded and the servers of
 * tests/rpcns_server.c running.  Both rpcAs (reached from rpcA) and rpcBs
 * (from rpcB) answer at the same addresses, ADDR (10.0.0.3) and ADDR6
 * (fd00::3); each server's WHOAMI starts with its tag, A or B.  Ports,
 * from BASE (20049):
 *
 *   BASE+0   normal, tag A in rpcAs and B in rpcBs, UDP+TCP, IPv4+IPv6;
 *            rpcAs's is registered with rpcAs's rpcbind
 *   BASE+1   -H dropfirst   BASE+2  -H badxid    BASE+3  -H short
 *   BASE+4   -H badverf     BASE+5  -H hugerec   BASE+6  -H garbage
 *   BASE+7   -H denied      BASE+8  -H closeeach (A in rpcAs, B in rpcBs)
 *   BASE+9   -H silent      BASE+10 -H frag      BASE+11 nothing listens
 *   BASE+20  in rpcBs only: tag B, registered with rpcBs's rpcbind (so a
 *            rpcbind lookup made in B finds BASE+20, one made in A BASE)
 *
 * usage: rpcns_test CASE [-s ADDR] [-S ADDR6] [-p BASE] [-b NETNS_B]
 *                        [-t udp|tcp] [-x NETNS]
 *   (defaults: 10.0.0.3, fd00::3, 20049, /run/netns/rpcB)
 *
 *   hostile    each misbehaving server gives the errno the header says:
 *              wrong xid dropped and counted, malformed replies EBADMSG,
 *              denied EACCES, PROC/PROG errors, GARBAGE_ARGS, SYSTEM_ERR,
 *              huge TCP record EMSGSIZE, multi-fragment replies, refused
 *   retrans    UDP retransmission (dropfirst), backoff and ETIMEDOUT
 *              (silent, slow replies)
 *   scm        a client made in A, passed over SCM_RIGHTS to a child in
 *              B, still talks from A; the child's own client from B
 *   setns      a client made in A still talks from A after setns(B), its
 *              rpcbind lookup was A's; new clients are B's
 *   reconnect  TCP reconnects (closeeach) make their sockets in A, also
 *              after setns(B)
 *   uts        AUTH_SYS machine name from the creator's UTS namespace at
 *              creation; uid, gid, groups of the creator; AUTH_NONE
 *   badinput   EINVAL, EFAULT, EMSGSIZE, ENOTTY for bad requests; CLOEXEC
 *   hold       (for sunrpc_rpc.sh) make a client of ADDR:BASE over -t
 *              (default udp), WHOAMI once, setns into -x NETNS if given,
 *              print "ready NET_INUM WHOAMI", then per stdin line
 *              "whoami" print "whoami STRING" or "error ENAME", "info"
 *              print "info net_inum N calls N sockets N"; exit at EOF
 *
 * Each prints "FAIL: ..." lines for what went wrong and exits non-zero if
 * anything did.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/nsmods_sunrpc_ns.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PROG		0x20000099u
#define P_NULL		0
#define P_WHOAMI	1
#define P_ECHO		2
#define P_COUNT		3
#define P_SLEEP		4
#define P_SYSERR	5
#define P_CRED		6
#define P_CALLBACK	7
#define BADPTR		16UL	/* an address nobody maps */

enum { O_NORMAL, O_DROPFIRST, O_BADXID, O_SHORT, O_BADVERF, O_HUGEREC,
	O_GARBAGE, O_DENIED, O_CLOSEEACH, O_SILENT, O_FRAG, O_REFUSED,
	O_REG_B = 20 };

static int failures;
static const char *addr4 = "10.0.0.3";
static const char *addr6 = "fd00::3";
static const char *nsb = "/run/netns/rpcB";
static const char *xns;
static unsigned int base = 20049;
static int hold_proto = IPPROTO_UDP;
static int dev = -1;

static void fail(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FAIL: %s\n", buf);
	fflush(stdout);
	failures++;
}

#define CHECK(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static const char *ename(long r)
{
	const char *s;

	if (r >= 0)
		return "ok";
	s = strerrorname_np(-r);
	return s ? s : "E?";
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned long ns_inum(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	return st.st_ino;
}

static unsigned long net_inum(void)
{
	return ns_inum("/proc/self/ns/net");
}

static int enter_net(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fail("open %s: %m", path);
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fail("setns %s: %m", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int dev_fd(void)
{
	if (dev < 0) {
		dev = open(SUNRPC_NS_DEVICE, O_RDWR | O_CLOEXEC);
		if (dev < 0) {
			fail("open %s: %m", SUNRPC_NS_DEVICE);
			exit(1);
		}
	}
	return dev;
}

struct copts {
	const char *addr;	/* NULL: addr4 */
	int proto;		/* 0: UDP */
	unsigned int port;	/* offset from base, or ~0u for port 0 */
	__u32 prog;		/* 0: PROG */
	__u32 vers;		/* 0: 1 */
	__u32 auth;
	__u32 timeout_ms;
	__u32 retries;
	__u32 flags;
};

static void fill_create(struct sunrpc_ns_create *c, const struct copts *o)
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
static int create(const struct copts *o)
{
	struct sunrpc_ns_create c;
	int fd;

	fill_create(&c, o);
	fd = ioctl(dev_fd(), SUNRPC_NS_IOC_CREATE, &c);
	return fd < 0 ? -errno : fd;
}

static const char *pname(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

/* Like create(), a failure is a test failure. */
static int client(const char *what, const struct copts *o)
{
	int fd = create(o);

	if (fd < 0)
		fail("%s: create %s %s port %u: %s", what, o->addr ? o->addr : addr4,
		     pname(o->proto), o->port == ~0u ? 0 : base + o->port, ename(fd));
	return fd;
}

/* 0 or -errno; *res_len in: room, out: length. */
static int call(int fd, __u32 proc, const void *args, __u32 args_len, void *res,
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
static int call_string_args(int fd, __u32 proc, const void *args, __u32 alen,
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

static int call_string(int fd, __u32 proc, char *s, size_t n)
{
	return call_string_args(fd, proc, NULL, 0, s, n);
}

static int whoami(int fd, char *s, size_t n)
{
	return call_string(fd, P_WHOAMI, s, n);
}

/* WHOAMI must work and answer from the server tagged tag. */
static void expect_tag(int fd, const char *tag, const char *what)
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

static int get_info(int fd, struct sunrpc_ns_info *i)
{
	memset(i, 0xa5, sizeof(*i));
	if (ioctl(fd, SUNRPC_NS_IOC_INFO, i)) {
		fail("INFO: %m");
		memset(i, 0, sizeof(*i));
		return -1;
	}
	return 0;
}

static __u32 get_count(int fd, const char *what)
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

static void expect_call(int fd, __u32 proc, int want, const char *what)
{
	int r = call(fd, proc, NULL, 0, NULL, NULL);

	if (r != want)
		fail("%s: proc %u: %s, want %s", what, proc, ename(r), ename(want));
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char c = 'x';
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Waits for a child; its failures (printed by itself) count as one. */
static void reap(pid_t pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return fail("%s: waitpid: %m", what);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail("%s: child failed (status 0x%x)", what, st);
}

/* An XDR opaque<> of n bytes of a pattern: the ECHO argument. */
static unsigned char *echo_arg(__u32 n, __u32 *len)
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
static void expect_echo(int fd, __u32 n, const char *what)
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

/* hostile */

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

static void test_hostile(void)
{
	hostile_proto(IPPROTO_UDP);
	hostile_proto(IPPROTO_TCP);
}

/* retrans */

static void test_retrans(void)
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
		t = now_mono();
		r = call(fd, P_NULL, NULL, 0, NULL, NULL);
		t = now_mono() - t;
		CHECK(r == -ETIMEDOUT, "silent udp: %s, want ETIMEDOUT", ename(r));
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
		t = now_mono();
		r = call(fd, P_NULL, NULL, 0, NULL, NULL);
		t = now_mono() - t;
		CHECK(r == -ETIMEDOUT, "silent tcp: %s, want ETIMEDOUT", ename(r));
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
		t = now_mono();
		r = call(fd, P_SLEEP, &arg, 4, NULL, NULL);
		t = now_mono() - t;
		CHECK(r == -ETIMEDOUT, "slow udp: SLEEP 3000 ms: %s, want ETIMEDOUT",
		      ename(r));
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

/* scm */

static void scm_child(int sock, unsigned long ina)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	struct sunrpc_ns_info in;
	unsigned long inb;
	int fd, i, mine;
	char what[64];

	if (enter_net(nsb))
		exit(1);
	inb = net_inum();
	CHECK(inb && inb != ina, "scm child: netns B %lu, A %lu", inb, ina);
	for (i = 0; i < 3; i++) {
		fd = recv_fd(sock);
		if (fd < 0) {
			fail("scm child: recv_fd: %m");
			exit(1);
		}
		snprintf(what, sizeof(what), "scm: fd %d from A used in B", i);
		expect_tag(fd, "A", what);
		expect_tag(fd, "A", what);
		if (!get_info(fd, &in))
			CHECK(in.net_inum == ina, "%s: net_inum %u, want A's %lu",
			      what, in.net_inum, ina);
		close(fd);
	}
	/* Clients made here are B's. */
	for (i = 0; i < 2; i++) {
		o.proto = i ? IPPROTO_TCP : IPPROTO_UDP;
		mine = client("scm child", &o);
		if (mine < 0)
			continue;
		snprintf(what, sizeof(what), "scm: child's own %s client in B",
			 pname(o.proto));
		expect_tag(mine, "B", what);
		if (!get_info(mine, &in))
			CHECK(in.net_inum == inb, "%s: net_inum %u, want B's %lu",
			      what, in.net_inum, inb);
		close(mine);
	}
	exit(failures ? 1 : 0);
}

static void test_scm(void)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	unsigned long ina = net_inum();
	int sv[2], fd[3], i;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	/* UDP; TCP never used here (its socket is made in B's hands); IPv6. */
	fd[0] = client("scm udp", &o);
	o.proto = IPPROTO_TCP;
	fd[1] = client("scm tcp", &o);
	o.addr = addr6;
	o.proto = IPPROTO_UDP;
	fd[2] = client("scm udp6", &o);
	expect_tag(fd[0], "A", "scm: udp client in A");
	pid = fork();
	if (pid < 0)
		return fail("fork: %m");
	if (pid == 0) {
		close(sv[0]);
		scm_child(sv[1], ina);
	}
	close(sv[1]);
	for (i = 0; i < 3; i++) {
		if (fd[i] < 0 || send_fd(sv[0], fd[i]))
			fail("scm: send_fd %d: %m", i);
		/* The one in flight, then the child's, keep it alive. */
		close(fd[i]);
	}
	close(sv[0]);
	reap(pid, "scm");
}

/* setns */

static void test_setns(void)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	struct sunrpc_ns_info in;
	unsigned long ina = net_inum(), inb;
	const char * const names[] = { "udp", "tcp", "udp6", "tcp6",
				       "udp rpcbind", "tcp rpcbind" };
	int fd[6], i, mine;
	char what[80];

	for (i = 0; i < 6; i++) {
		o.proto = i & 1 ? IPPROTO_TCP : IPPROTO_UDP;
		o.addr = i == 2 || i == 3 ? addr6 : NULL;
		o.port = i >= 4 ? ~0u : O_NORMAL;
		fd[i] = client(names[i], &o);
	}
	/* The UDP one is used once before; the others never. */
	if (fd[0] >= 0)
		expect_tag(fd[0], "A", "setns: udp client before setns");
	if (enter_net(nsb))
		return;
	inb = net_inum();
	CHECK(inb != ina, "setns: still in netns %lu", ina);
	for (i = 0; i < 6; i++) {
		if (fd[i] < 0)
			continue;
		snprintf(what, sizeof(what), "setns: %s client made in A, used in B",
			 names[i]);
		expect_tag(fd[i], "A", what);
		if (!get_info(fd[i], &in)) {
			CHECK(in.net_inum == ina, "%s: net_inum %u, want A's %lu", what,
			      in.net_inum, ina);
			/* rpcbind lookups were made in A: B's says BASE+20. */
			CHECK(in.port == base, "%s: port %u, want %u", what, in.port, base);
		}
		close(fd[i]);
	}
	/* New clients are B's; B's rpcbind has the program at BASE+20. */
	for (i = 0; i < 6; i++) {
		o.proto = i & 1 ? IPPROTO_TCP : IPPROTO_UDP;
		o.addr = i == 2 || i == 3 ? addr6 : NULL;
		o.port = i >= 4 ? ~0u : O_NORMAL;
		mine = client(names[i], &o);
		if (mine < 0)
			continue;
		snprintf(what, sizeof(what), "setns: %s client made in B", names[i]);
		expect_tag(mine, "B", what);
		if (!get_info(mine, &in)) {
			CHECK(in.net_inum == inb, "%s: net_inum %u, want B's %lu", what,
			      in.net_inum, inb);
			CHECK(in.port == base + (i >= 4 ? O_REG_B : 0),
			      "%s: port %u, want %u", what, in.port,
			      base + (i >= 4 ? O_REG_B : 0));
		}
		close(mine);
	}
}

/* reconnect */

static void test_reconnect(void)
{
	struct copts o = { .proto = IPPROTO_TCP, .port = O_CLOSEEACH,
			   .auth = SUNRPC_NS_AUTH_SYS, .retries = 3 };
	struct sunrpc_ns_info in;
	unsigned long ina = net_inum();
	int fd, i;
	char what[64];

	fd = client("closeeach", &o);
	if (fd < 0)
		return;
	for (i = 0; i < 5; i++) {
		snprintf(what, sizeof(what), "reconnect: call %d in A", i);
		expect_tag(fd, "A", what);
	}
	if (!get_info(fd, &in)) {
		CHECK(in.calls == 5, "reconnect: calls %llu, want 5",
		      (unsigned long long)in.calls);
		CHECK(in.reconnects >= 4, "reconnect: reconnects %llu after 5 calls",
		      (unsigned long long)in.reconnects);
		CHECK(in.sockets >= 5, "reconnect: sockets %llu after 5 calls",
		      (unsigned long long)in.sockets);
		CHECK(in.net_inum == ina, "reconnect: net_inum %u, want %lu",
		      in.net_inum, ina);
	}
	/* B's closeeach server has tag B: new sockets must still be A's. */
	if (enter_net(nsb))
		goto out;
	for (i = 0; i < 5; i++) {
		snprintf(what, sizeof(what), "reconnect: call %d after setns(B)", i);
		expect_tag(fd, "A", what);
	}
	if (!get_info(fd, &in)) {
		CHECK(in.calls == 10, "reconnect: calls %llu, want 10",
		      (unsigned long long)in.calls);
		CHECK(in.reconnects >= 9, "reconnect: reconnects %llu after 10 calls",
		      (unsigned long long)in.reconnects);
		CHECK(in.sockets >= 10, "reconnect: sockets %llu after 10 calls",
		      (unsigned long long)in.sockets);
		CHECK(in.net_inum == ina, "reconnect: net_inum %u after setns, want %lu",
		      in.net_inum, ina);
	}
out:
	close(fd);
}

/* uts */

static void expect_machine(int fd, const char *machine, const char *what)
{
	struct sunrpc_ns_info in;
	char s[512], want[512];
	int r;

	snprintf(want, sizeof(want), "A flavor=1 machine=%s uid=0 gid=0", machine);
	r = whoami(fd, s, sizeof(s));
	if (r)
		fail("%s: WHOAMI: %s", what, ename(r));
	else
		CHECK(!strcmp(s, want), "%s: WHOAMI \"%s\", want \"%s\"", what, s, want);
	if (!get_info(fd, &in))
		CHECK(!strncmp(in.nodename, machine, sizeof(in.nodename)) &&
		      in.nodename[sizeof(in.nodename) - 1] == 0,
		      "%s: INFO nodename \"%.64s\", want \"%s\"", what, in.nodename,
		      machine);
}

static void test_uts(void)
{
	struct copts o = { .auth = SUNRPC_NS_AUTH_SYS };
	const gid_t groups[] = { 7, 8 };
	struct utsname u;
	char s[512], want[600];
	int sv[2], fd, r, mine;
	pid_t pid;

	if (uname(&u))
		return fail("uname: %m");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	dev_fd();
	pid = fork();
	if (pid < 0)
		return fail("fork: %m");
	if (pid == 0) {
		close(sv[0]);
		if (unshare(CLONE_NEWUTS) || sethostname("utsclient-A", 11)) {
			fail("uts child: unshare/sethostname: %m");
			exit(1);
		}
		fd = client("uts child", &o);
		if (fd < 0)
			exit(1);
		/* Taken at creation: a later change is not seen. */
		if (sethostname("utsclient-Z", 11))
			fail("uts child: sethostname: %m");
		o.proto = IPPROTO_TCP;
		mine = client("uts child tcp", &o);
		if (send_fd(sv[1], fd) || (mine >= 0 && send_fd(sv[1], mine)))
			fail("uts child: send_fd: %m");
		exit(failures ? 1 : 0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	if (fd < 0) {
		fail("uts: recv_fd: %m");
	} else {
		expect_machine(fd, "utsclient-A", "uts: client made in a new uts ns");
		close(fd);
	}
	fd = recv_fd(sv[0]);
	if (fd < 0) {
		fail("uts: recv_fd: %m");
	} else {
		expect_machine(fd, "utsclient-Z", "uts: tcp client made after a rename");
		close(fd);
	}
	close(sv[0]);
	reap(pid, "uts");

	/* Ours: our nodename. */
	fd = client("uts parent", &o);
	if (fd >= 0) {
		expect_machine(fd, u.nodename, "uts: client made in our uts ns");
		close(fd);
	}

	/* AUTH_NONE: no credential at all. */
	o.auth = SUNRPC_NS_AUTH_NONE;
	fd = client("auth none", &o);
	if (fd >= 0) {
		r = whoami(fd, s, sizeof(s));
		CHECK(!r && !strcmp(s, "A flavor=0 machine=- uid=- gid=-"),
		      "uts: AUTH_NONE WHOAMI %s \"%s\"", ename(r), r ? "" : s);
		close(fd);
	}

	/* The creator's ids and groups, whoever uses the client. */
	o.auth = SUNRPC_NS_AUTH_SYS;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return fail("socketpair: %m");
	pid = fork();
	if (pid < 0)
		return fail("fork: %m");
	if (pid == 0) {
		close(sv[0]);
		if (setgroups(2, groups) || setresgid(1234, 1234, 1234) ||
		    setresuid(4321, 4321, 4321)) {
			fail("cred child: set ids: %m");
			exit(1);
		}
		fd = client("cred child", &o);
		if (fd < 0 || send_fd(sv[1], fd))
			fail("cred child: send_fd: %m");
		exit(failures ? 1 : 0);
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	close(sv[0]);
	reap(pid, "cred");
	if (fd < 0)
		return fail("cred: recv_fd: %m");
	r = call_string(fd, P_CRED, s, sizeof(s));
	if (r) {
		fail("cred: CRED: %s", ename(r));
	} else {
		/* stamp=... is arbitrary: compare around it. */
		char *m = strstr(s, " machine=");

		snprintf(want, sizeof(want), " machine=%s uid=4321 gid=1234 gids=7,8",
			 u.nodename);
		CHECK(!strncmp(s, "flavor=1 stamp=", 15) && m && !strcmp(m, want),
		      "cred: CRED \"%s\", want \"flavor=1 stamp=N%s\"", s, want);
	}
	close(fd);
}

/* badinput */

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

static void test_badinput(void)
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
	c.pad = 1;
	expect_create(&c, -EINVAL, "pad 1");
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

/* hold */

/* callback */

/* A number from /proc/net/sunrpc_ns/state (the caller's netns), or -1. */
static long state_field(const char *key)
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

static void expect_state(const char *key, long want, const char *what)
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
static void test_callback(void)
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

static void test_hold(void)
{
	struct copts o = { .proto = hold_proto, .auth = SUNRPC_NS_AUTH_SYS };
	struct sunrpc_ns_info in;
	char s[512], line[64];
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
		} else {
			printf("what? %s", line);
		}
		fflush(stdout);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "hostile", test_hostile }, { "retrans", test_retrans },
		{ "scm", test_scm }, { "setns", test_setns },
		{ "reconnect", test_reconnect }, { "uts", test_uts },
		{ "badinput", test_badinput }, { "callback", test_callback },
		{ "hold", test_hold },
	};
	unsigned int i;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; argc >= 2 && i < ARRAY_SIZE(cases); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		optind = 2;
		while ((opt = getopt(argc, argv, "s:S:p:b:t:x:")) != -1) {
			switch (opt) {
			case 's':
				addr4 = optarg;
				break;
			case 'S':
				addr6 = optarg;
				break;
			case 'p':
				base = strtoul(optarg, NULL, 0);
				break;
			case 'b':
				nsb = optarg;
				break;
			case 't':
				hold_proto = strcmp(optarg, "tcp") ? IPPROTO_UDP :
					     IPPROTO_TCP;
				break;
			case 'x':
				xns = optarg;
				break;
			default:
				goto usage;
			}
		}
		if (optind != argc)
			goto usage;
		cases[i].fn();
		if (strcmp(argv[1], "hold"))
			printf("%s %s (%d failures)\n", failures ? "FAILED" : "PASSED",
			       cases[i].name, failures);
		return failures ? 1 : 0;
	}
usage:
	fprintf(stderr,
		"usage: %s hostile|retrans|scm|setns|reconnect|uts|badinput|callback|hold\n"
		"       [-s ADDR] [-S ADDR6] [-p BASE] [-b NETNS_B] [-t udp|tcp] [-x NETNS]\n",
		argv[0]);
	return 2;
}
