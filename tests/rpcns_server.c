// SPDX-License-Identifier: GPL-2.0
/*
 * A small ONC RPC server (RFC 5531) for the sunrpc_ns tests: raw sockets
 * and hand-written XDR, no libtirpc.  It serves program 0x20000099
 * version 1 on UDP and on TCP (record marking, records of any number of
 * fragments, up to 64 connections) on one port number:
 *
 *   proc 0 NULL     empty result
 *   proc 1 WHOAMI   string "<tag> flavor=<n> machine=<name|-> uid=<u|-> gid=<g|->"
 *                   from the call's credential (AUTH_SYS parsed in full)
 *   proc 2 ECHO     arg opaque<>: returns it as it came
 *   proc 3 COUNT    uint32: calls received so far, this one, drops and
 *                   retransmissions included
 *   proc 4 SLEEP    arg uint32 ms: replies that much later (the server
 *                   goes on serving meanwhile)
 *   proc 5 SYSERR   replies SYSTEM_ERR
 *   proc 6 CRED     string "flavor=<n> stamp=<s> machine=<m> uid=<u>
 *                   gid=<g> gids=<g1,g2,..|->" (AUTH_SYS in full)
 *   proc 7 CALLBACK arg uint32 port: calls back the caller's address (the
 *                   call's source) at that TCP port, as an NFS server
 *                   calls a client's callback service: program
 *                   0x20000098 version 1 procedure 1 (WHOAMI), AUTH_NONE;
 *                   returns the string the callback answered, or
 *                   "error <errno name>" when it could not be made
 *
 * Anything else: PROC_UNAVAIL, another version: PROG_MISMATCH(1, 1),
 * another program: PROG_UNAVAIL, undecodable arguments: GARBAGE_ARGS, a
 * malformed credential: MSG_DENIED AUTH_ERROR AUTH_BADCRED, an RPC
 * version other than 2: MSG_DENIED RPC_MISMATCH(2, 2).
 *
 * usage: rpcns_server [-4|-6] [-a ADDR] [-p PORT] [-t TAG] [-r] [-H MODE]
 *   -4, -6    address family (default -4); -6 sockets are IPV6_V6ONLY
 *   -a ADDR   address to bind (default: any)
 *   -p PORT   port for both UDP and TCP (default 0: any free one)
 *   -t TAG    what WHOAMI starts with (default "?")
 *   -r        register the program (version 1, udp and tcp) with the
 *             rpcbind of this network namespace, over UDP to
 *             127.0.0.1:111: portmap v2 SET for -4, rpcbind v3 SET with
 *             netid udp6/tcp6 for -6 (rpcbind must run with -i: it takes
 *             SET from loopback IP only with -i)
 *   -H MODE   misbehave, for every call:
 *     dropfirst  UDP: drop the first datagram of each xid (answer the
 *                retransmission)
 *     badxid     send a reply with xid + 1 first, then the right one
 *     short      reply with 8 bytes (xid, REPLY)
 *     badverf    reply with a verifier of length 1000 (and no body)
 *     hugerec    TCP: a record marker for 0x7fffffff bytes (last
 *                fragment), the xid, then close; UDP: normal replies
 *     garbage    MSG_ACCEPTED with accept_stat 42
 *     denied     MSG_DENIED AUTH_ERROR AUTH_BADCRED
 *     closeeach  TCP: close the connection after each reply
 *     silent     never reply
 *     frag       TCP: replies in fragments of at most 100 bytes, each
 *                written separately
 *
 * Once both sockets are bound it prints "port N" on stdout; nothing else
 * goes to stdout, errors go to stderr.  It runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define TEST_PROG	0x20000099u
#define CB_PROG		0x20000098u
#define CB_WHOAMI	1u
#define CB_TIMEOUT_MS	3000
#define TEST_VERS	1u
#define PMAP_PROG	100000u

#define CALL		0
#define REPLY		1
#define MSG_ACCEPTED	0
#define MSG_DENIED	1
#define SUCCESS		0
#define PROG_UNAVAIL	1
#define PROG_MISMATCH	2
#define PROC_UNAVAIL	3
#define GARBAGE_ARGS	4
#define SYSTEM_ERR	5
#define RPC_MISMATCH	0
#define AUTH_ERROR	1
#define AUTH_BADCRED	1
#define AUTH_SYS	1
#define MAX_AUTH	400

#define MAXCONN		64
#define MAXPEND		64
#define MAXREC		((1u << 20) + 8192)
#define NXID		256
#define FRAGSZ		100

enum mode { M_NONE, M_DROPFIRST, M_BADXID, M_SHORT, M_BADVERF, M_HUGEREC,
	    M_GARBAGE, M_DENIED, M_CLOSEEACH, M_SILENT, M_FRAG };

static const char * const mode_names[] = {
	"none", "dropfirst", "badxid", "short", "badverf", "hugerec",
	"garbage", "denied", "closeeach", "silent", "frag",
};

struct conn {
	int fd;			/* -1: free */
	unsigned int gen;	/* bumped on each reuse of the slot */
	__u8 hdr[4];
	unsigned int hdr_got;
	__u32 frag_left;
	bool last;
	__u8 *rec;
	size_t rec_len, rec_cap;
};

/* Where a reply goes: a UDP peer or a TCP connection slot. */
struct peer {
	bool tcp;
	int conn;
	unsigned int gen;
	struct sockaddr_storage addr;
	socklen_t alen;
};

struct pending {
	bool used;
	double due;
	struct peer peer;
	__u8 *buf;
	size_t len;
};

struct wbuf {
	__u8 *b;
	size_t len, cap;
};

struct rbuf {
	const __u8 *p;
	size_t len, off;
};

static enum mode mode;
static const char *tag = "?";
static int family = AF_INET;
static int udp_fd = -1, lsn_fd = -1;
static struct conn conns[MAXCONN];
static struct pending pend[MAXPEND];
static __u32 ncalls;
static __u32 seen_xid[NXID];
static unsigned int nseen;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "rpcns_server: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "rpcns_server: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* XDR encoding */

static void w_reserve(struct wbuf *w, size_t n)
{
	if (w->len + n <= w->cap)
		return;
	w->cap = (w->len + n) * 2 + 64;
	w->b = realloc(w->b, w->cap);
	if (!w->b)
		die("out of memory");
}

static void w_u32(struct wbuf *w, __u32 v)
{
	__u32 n = htonl(v);

	w_reserve(w, 4);
	memcpy(w->b + w->len, &n, 4);
	w->len += 4;
}

static void w_opaque(struct wbuf *w, const void *p, size_t n)
{
	size_t pad = (4 - (n & 3)) & 3;

	w_u32(w, n);
	w_reserve(w, n + pad);
	memcpy(w->b + w->len, p, n);
	memset(w->b + w->len + n, 0, pad);
	w->len += n + pad;
}

static void w_string(struct wbuf *w, const char *s)
{
	w_opaque(w, s, strlen(s));
}

/* A call's header, RPC version 2, AUTH_NONE credential and verifier. */
static void w_call_head(struct wbuf *w, __u32 xid, __u32 prog, __u32 vers,
			__u32 proc)
{
	w_u32(w, xid);
	w_u32(w, CALL);
	w_u32(w, 2);
	w_u32(w, prog);
	w_u32(w, vers);
	w_u32(w, proc);
	w_u32(w, 0);
	w_u32(w, 0);
	w_u32(w, 0);
	w_u32(w, 0);
}

/* XDR decoding */

static bool r_u32(struct rbuf *r, __u32 *v)
{
	__u32 n;

	if (r->len - r->off < 4)
		return false;
	memcpy(&n, r->p + r->off, 4);
	*v = ntohl(n);
	r->off += 4;
	return true;
}

/* An opaque<max>: *p and *n point into the buffer. */
static bool r_opaque(struct rbuf *r, size_t max, const __u8 **p, __u32 *n)
{
	size_t padded;

	if (!r_u32(r, n) || *n > max)
		return false;
	padded = ((size_t)*n + 3) & ~(size_t)3;
	if (r->len - r->off < padded)
		return false;
	*p = r->p + r->off;
	r->off += padded;
	return true;
}

struct req {
	__u32 xid, rpcvers, prog, vers, proc;
	__u32 flavor;
	bool sys;		/* an AUTH_SYS credential, parsed */
	__u32 stamp, uid, gid, ngids, gids[16];
	char machine[256];
	const __u8 *args;
	size_t args_len;
};

/* An AUTH_SYS body: stamp, machinename<255>, uid, gid, gids<16>. */
static bool parse_sys(struct req *q, const __u8 *p, __u32 n)
{
	struct rbuf r = { p, n, 0 };
	const __u8 *name;
	__u32 len, i;

	if (!r_u32(&r, &q->stamp) || !r_opaque(&r, 255, &name, &len))
		return false;
	memcpy(q->machine, name, len);
	q->machine[len] = 0;
	if (!r_u32(&r, &q->uid) || !r_u32(&r, &q->gid) ||
	    !r_u32(&r, &q->ngids) || q->ngids > 16)
		return false;
	for (i = 0; i < q->ngids; i++)
		if (!r_u32(&r, &q->gids[i]))
			return false;
	return r.off == r.len;
}

/* 0: a call; 1: a call with a bad credential; -1: not a call at all. */
static int parse_call(struct req *q, const __u8 *p, size_t n)
{
	struct rbuf r = { p, n, 0 };
	const __u8 *body;
	__u32 mtype, len, vflavor;

	memset(q, 0, sizeof(*q));
	if (!r_u32(&r, &q->xid) || !r_u32(&r, &mtype) || mtype != CALL)
		return -1;
	if (!r_u32(&r, &q->rpcvers) || !r_u32(&r, &q->prog) ||
	    !r_u32(&r, &q->vers) || !r_u32(&r, &q->proc))
		return -1;
	if (!r_u32(&r, &q->flavor) || !r_opaque(&r, MAX_AUTH, &body, &len))
		return 1;
	if (q->flavor == AUTH_SYS) {
		if (!parse_sys(q, body, len))
			return 1;
		q->sys = true;
	}
	if (!r_u32(&r, &vflavor) || !r_opaque(&r, MAX_AUTH, &body, &len))
		return 1;
	q->args = p + r.off;
	q->args_len = n - r.off;
	return 0;
}

static void reply_head(struct wbuf *w, __u32 xid)
{
	w_u32(w, xid);
	w_u32(w, REPLY);
}

static void accepted(struct wbuf *w, __u32 xid, __u32 stat)
{
	reply_head(w, xid);
	w_u32(w, MSG_ACCEPTED);
	w_u32(w, 0);		/* verifier: AUTH_NONE, empty */
	w_u32(w, 0);
	w_u32(w, stat);
}

static void denied_auth(struct wbuf *w, __u32 xid, __u32 why)
{
	reply_head(w, xid);
	w_u32(w, MSG_DENIED);
	w_u32(w, AUTH_ERROR);
	w_u32(w, why);
}

/* Sending */

static void close_conn(int i)
{
	struct conn *c = &conns[i];

	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	c->gen++;
	free(c->rec);
	c->rec = NULL;
	c->rec_len = 0;
	c->rec_cap = 0;
}

static bool conn_ok(const struct peer *pe)
{
	return conns[pe->conn].fd >= 0 && conns[pe->conn].gen == pe->gen;
}

static bool write_all(int fd, const void *p, size_t n)
{
	const __u8 *b = p;
	ssize_t k;

	while (n) {
		k = send(fd, b, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		b += k;
		n -= k;
	}
	return true;
}

/* One TCP record, in one fragment or (frag mode) in many. */
static void send_record(const struct peer *pe, const __u8 *p, size_t n)
{
	int fd = conns[pe->conn].fd;
	size_t chunk = n;
	__u32 mark;
	__u8 *b;

	if (mode == M_FRAG && chunk > FRAGSZ)
		chunk = FRAGSZ;
	b = malloc(chunk + 4);
	if (!b)
		die("out of memory");
	do {
		size_t k = n;

		if (k > chunk)
			k = chunk;
		mark = htonl((k == n ? 0x80000000u : 0) | (__u32)k);
		memcpy(b, &mark, 4);
		memcpy(b + 4, p, k);
		if (!write_all(fd, b, k + 4)) {
			warnx("tcp send: %m");
			close_conn(pe->conn);
			break;
		}
		p += k;
		n -= k;
	} while (n);
	free(b);
}

static void send_reply(const struct peer *pe, const __u8 *p, size_t n)
{
	if (!pe->tcp) {
		if (sendto(udp_fd, p, n, 0, (const struct sockaddr *)&pe->addr,
			   pe->alen) < 0)
			warnx("udp send: %m");
		return;
	}
	if (!conn_ok(pe))
		return;
	send_record(pe, p, n);
}

/* A reply, bent by the mode. */
static void deliver(const struct peer *pe, const struct req *q, struct wbuf *w)
{
	struct wbuf o = { 0 };
	__u32 mark;

	switch (mode) {
	case M_BADXID:
		/* The same reply, for the next xid, first. */
		w_reserve(&o, w->len);
		memcpy(o.b, w->b, w->len);
		o.len = w->len;
		mark = htonl(q->xid + 1);
		memcpy(o.b, &mark, 4);
		send_reply(pe, o.b, o.len);
		free(o.b);
		break;
	case M_HUGEREC:
		if (!pe->tcp || !conn_ok(pe))
			break;
		mark = htonl(0xffffffffu);
		write_all(conns[pe->conn].fd, &mark, 4);
		mark = htonl(q->xid);
		write_all(conns[pe->conn].fd, &mark, 4);
		close_conn(pe->conn);
		return;
	default:
		break;
	}
	send_reply(pe, w->b, w->len);
	if (mode == M_CLOSEEACH && pe->tcp && conn_ok(pe))
		close_conn(pe->conn);
}

static void defer(const struct peer *pe, struct wbuf *w, __u32 ms)
{
	int i;

	for (i = 0; i < MAXPEND; i++) {
		if (pend[i].used)
			continue;
		pend[i].used = true;
		pend[i].due = now() + ms / 1000.0;
		pend[i].peer = *pe;
		pend[i].buf = w->b;
		pend[i].len = w->len;
		w->b = NULL;
		return;
	}
	warnx("too many sleeping calls, dropping one");
}

static bool seen_before(__u32 xid)
{
	unsigned int i, n = nseen;

	if (n > NXID)
		n = NXID;
	for (i = 0; i < n; i++)
		if (seen_xid[i] == xid)
			return true;
	seen_xid[nseen++ % NXID] = xid;
	return false;
}

static void fmt_id(char *b, size_t n, bool sys, __u32 v)
{
	if (sys)
		snprintf(b, n, "%u", v);
	else
		snprintf(b, n, "-");
}

static bool read_full(int fd, void *p, size_t n)
{
	__u8 *b = p;
	ssize_t k;

	while (n) {
		k = recv(fd, b, n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		b += k;
		n -= k;
	}
	return true;
}

/*
 * One callback: a TCP connection to @peer's address at @port, a WHOAMI
 * call of the client's callback program, its answer into @s.  Blocks for
 * at most CB_TIMEOUT_MS per step; the tests make one callback at a time.
 */
static void callback_whoami(const struct peer *pe, __u32 port, char *s, size_t n)
{
	struct timeval tv = { CB_TIMEOUT_MS / 1000, 0 };
	struct sockaddr_storage to;
	socklen_t alen = sizeof(to);
	struct wbuf w = { 0 };
	__u8 hdr[4], *rec = NULL;
	__u32 mark, len, v, stat;
	const __u8 *str;
	struct rbuf r;
	int fd, err;

	errno = 0;
	if (pe->tcp) {
		if (getpeername(conns[pe->conn].fd, (struct sockaddr *)&to, &alen)) {
			snprintf(s, n, "error %s", strerrorname_np(errno));
			return;
		}
	} else {
		memcpy(&to, &pe->addr, pe->alen);
		alen = pe->alen;
	}
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons(port);
	fd = socket(to.ss_family, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(s, n, "error %s", strerrorname_np(errno));
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&to, alen))
		goto out_errno;
	w_u32(&w, 0);			/* the record marker, below */
	w_call_head(&w, 0x6362u, CB_PROG, 1, CB_WHOAMI);
	mark = htonl(0x80000000u | (__u32)(w.len - 4));
	memcpy(w.b, &mark, 4);
	if (!write_all(fd, w.b, w.len))
		goto out_errno;
	if (!read_full(fd, hdr, 4))
		goto out_errno;
	memcpy(&mark, hdr, 4);
	len = ntohl(mark) & 0x7fffffffu;
	if (!(ntohl(mark) & 0x80000000u) || len > 4096) {
		snprintf(s, n, "error bad record");
		goto out;
	}
	rec = malloc(len ? len : 1);
	if (!rec)
		die("out of memory");
	if (!read_full(fd, rec, len))
		goto out_errno;
	r.p = rec;
	r.len = len;
	r.off = 0;
	/* xid, REPLY, MSG_ACCEPTED, verifier (flavor, empty body), SUCCESS */
	if (!r_u32(&r, &v) || v != 0x6362u || !r_u32(&r, &v) || v != REPLY ||
	    !r_u32(&r, &v) || v != MSG_ACCEPTED || !r_u32(&r, &v) ||
	    !r_u32(&r, &v) || v != 0 || !r_u32(&r, &stat)) {
		snprintf(s, n, "error bad reply");
		goto out;
	}
	if (stat != SUCCESS) {
		snprintf(s, n, "error accept_stat %u", stat);
		goto out;
	}
	if (!r_opaque(&r, n - 1, &str, &len) || r.off != r.len) {
		snprintf(s, n, "error bad result");
		goto out;
	}
	memcpy(s, str, len);
	s[len] = 0;
	goto out;

out_errno:
	err = errno ? errno : EPIPE;
	snprintf(s, n, "error %s", strerrorname_np(err));
out:
	free(rec);
	free(w.b);
	close(fd);
}

static void handle(const struct peer *pe, const __u8 *msg, size_t len)
{
	struct wbuf w = { 0 };
	struct req q;
	struct rbuf r;
	const __u8 *data;
	char s[1024], u[16], g[16];
	__u32 v, n;
	int rc, k;

	rc = parse_call(&q, msg, len);
	if (rc < 0)
		return;
	ncalls++;

	if (mode == M_SILENT)
		return;
	if (mode == M_DROPFIRST && !pe->tcp && !seen_before(q.xid))
		return;
	if (mode == M_SHORT) {
		reply_head(&w, q.xid);
		send_reply(pe, w.b, w.len);
		goto out;
	}
	if (mode == M_BADVERF) {
		reply_head(&w, q.xid);
		w_u32(&w, MSG_ACCEPTED);
		w_u32(&w, 0);
		w_u32(&w, 1000);
		w_u32(&w, SUCCESS);
		send_reply(pe, w.b, w.len);
		goto out;
	}
	if (mode == M_GARBAGE) {
		accepted(&w, q.xid, 42);
		deliver(pe, &q, &w);
		goto out;
	}
	if (mode == M_DENIED || rc > 0) {
		denied_auth(&w, q.xid, AUTH_BADCRED);
		deliver(pe, &q, &w);
		goto out;
	}

	if (q.rpcvers != 2) {
		reply_head(&w, q.xid);
		w_u32(&w, MSG_DENIED);
		w_u32(&w, RPC_MISMATCH);
		w_u32(&w, 2);
		w_u32(&w, 2);
	} else if (q.prog != TEST_PROG) {
		accepted(&w, q.xid, PROG_UNAVAIL);
	} else if (q.vers != TEST_VERS) {
		accepted(&w, q.xid, PROG_MISMATCH);
		w_u32(&w, TEST_VERS);
		w_u32(&w, TEST_VERS);
	} else {
		r.p = q.args;
		r.len = q.args_len;
		r.off = 0;
		switch (q.proc) {
		case 0:
			accepted(&w, q.xid, SUCCESS);
			break;
		case 1:
			fmt_id(u, sizeof(u), q.sys, q.uid);
			fmt_id(g, sizeof(g), q.sys, q.gid);
			snprintf(s, sizeof(s), "%s flavor=%u machine=%s uid=%s gid=%s",
				 tag, q.flavor, q.sys ? q.machine : "-", u, g);
			accepted(&w, q.xid, SUCCESS);
			w_string(&w, s);
			break;
		case 2:
			if (!r_opaque(&r, ~0u, &data, &n) || r.off != r.len) {
				accepted(&w, q.xid, GARBAGE_ARGS);
				break;
			}
			accepted(&w, q.xid, SUCCESS);
			w_opaque(&w, data, n);
			break;
		case 3:
			accepted(&w, q.xid, SUCCESS);
			w_u32(&w, ncalls);
			break;
		case 4:
			if (!r_u32(&r, &v) || r.off != r.len) {
				accepted(&w, q.xid, GARBAGE_ARGS);
				break;
			}
			if (v > 60000)
				v = 60000;
			accepted(&w, q.xid, SUCCESS);
			defer(pe, &w, v);
			goto out;
		case 5:
			accepted(&w, q.xid, SYSTEM_ERR);
			break;
		case 6:
			if (!q.sys) {
				snprintf(s, sizeof(s), "flavor=%u", q.flavor);
			} else {
				k = snprintf(s, sizeof(s),
					     "flavor=%u stamp=%u machine=%s uid=%u gid=%u gids=",
					     q.flavor, q.stamp, q.machine, q.uid, q.gid);
				for (v = 0; v < q.ngids; v++)
					k += snprintf(s + k, sizeof(s) - k, "%s%u",
						      v ? "," : "", q.gids[v]);
				if (!q.ngids)
					snprintf(s + k, sizeof(s) - k, "-");
			}
			accepted(&w, q.xid, SUCCESS);
			w_string(&w, s);
			break;
		case 7:
			if (!r_u32(&r, &v) || r.off != r.len || !v || v > 65535) {
				accepted(&w, q.xid, GARBAGE_ARGS);
				break;
			}
			callback_whoami(pe, v, s, sizeof(s));
			accepted(&w, q.xid, SUCCESS);
			w_string(&w, s);
			break;
		default:
			accepted(&w, q.xid, PROC_UNAVAIL);
			break;
		}
	}
	deliver(pe, &q, &w);
out:
	free(w.b);
}

/* Sleeping replies that are due. Returns the poll timeout to the next. */
static int run_pending(void)
{
	double t = now(), next = -1;
	int i, ms;

	for (i = 0; i < MAXPEND; i++) {
		struct pending *pd = &pend[i];

		if (!pd->used)
			continue;
		if (pd->due <= t) {
			struct wbuf w = { pd->buf, pd->len, pd->len };
			struct req q = { 0 };
			__u32 x;

			memcpy(&x, pd->buf, 4);
			q.xid = ntohl(x);
			deliver(&pd->peer, &q, &w);
			free(pd->buf);
			pd->used = false;
			continue;
		}
		if (next < 0 || pd->due < next)
			next = pd->due;
	}
	if (next < 0)
		return -1;
	ms = (int)((next - t) * 1000) + 1;
	return ms;
}

/* TCP: feed received bytes into a connection's record assembly. */
static void feed(int i, const __u8 *p, size_t n)
{
	struct conn *c = &conns[i];
	unsigned int gen = c->gen;
	struct peer pe = { .tcp = true, .conn = i, .gen = gen };
	size_t k;
	__u32 m;

	while (n && c->fd >= 0 && c->gen == gen) {
		if (c->hdr_got < 4) {
			c->hdr[c->hdr_got++] = *p++;
			n--;
			if (c->hdr_got < 4)
				continue;
			memcpy(&m, c->hdr, 4);
			m = ntohl(m);
			c->last = m >> 31;
			c->frag_left = m & 0x7fffffff;
			if (c->rec_len + c->frag_left > MAXREC) {
				warnx("record too large, closing");
				close_conn(i);
				return;
			}
			if (c->rec_len + c->frag_left > c->rec_cap) {
				c->rec_cap = c->rec_len + c->frag_left;
				c->rec = realloc(c->rec, c->rec_cap);
				if (!c->rec)
					die("out of memory");
			}
		} else {
			k = n;
			if (k > c->frag_left)
				k = c->frag_left;
			memcpy(c->rec + c->rec_len, p, k);
			c->rec_len += k;
			c->frag_left -= k;
			p += k;
			n -= k;
		}
		if (c->hdr_got == 4 && !c->frag_left) {
			c->hdr_got = 0;
			if (c->last) {
				size_t len = c->rec_len;

				c->rec_len = 0;
				handle(&pe, c->rec, len);
			}
		}
	}
}

static void sock_addr(struct sockaddr_storage *ss, socklen_t *len, const char *addr,
		      int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (addr && inet_pton(AF_INET, addr, &s->sin_addr) != 1)
			die("bad IPv4 address %s", addr);
		*len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		if (addr && inet_pton(AF_INET6, addr, &s->sin6_addr) != 1)
			die("bad IPv6 address %s", addr);
		*len = sizeof(*s);
	}
}

static int bound_socket(int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	fd = socket(family, type, 0);
	if (fd < 0)
		die("socket: %m");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		die("IPV6_V6ONLY: %m");
	sock_addr(&ss, &len, addr, port);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		die("getsockname: %m");
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* Registration with the local rpcbind: one call over UDP to 127.0.0.1:111. */
static bool rpcb_call(__u32 vers, __u32 proc, struct wbuf *args)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(111) };
	struct timeval tv = { 1, 0 };
	struct wbuf w = { 0 };
	__u8 buf[512];
	__u32 xid = (__u32)getpid() * 7919u + proc + (__u32)time(NULL);
	__u32 v[6];
	struct rbuf r;
	int fd, try;
	ssize_t n;
	bool ok = false;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	w_call_head(&w, xid, PMAP_PROG, vers, proc);
	w_reserve(&w, args->len);
	memcpy(w.b + w.len, args->b, args->len);
	w.len += args->len;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket: %m");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("connect to rpcbind: %m");
	for (try = 0; try < 5 && !ok; try++) {
		if (send(fd, w.b, w.len, 0) < 0) {
			warnx("send to rpcbind: %m");
			usleep(200000);
			continue;
		}
		for (;;) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n < 0)
				break;
			r.p = buf;
			r.len = n;
			r.off = 0;
			/* xid, REPLY, MSG_ACCEPTED, verifier, SUCCESS, bool */
			if (!r_u32(&r, &v[0]) || v[0] != xid)
				continue;
			if (!r_u32(&r, &v[1]) || !r_u32(&r, &v[2]) ||
			    !r_u32(&r, &v[3]) || !r_u32(&r, &v[4]) ||
			    v[1] != REPLY || v[2] != MSG_ACCEPTED || v[4] != 0)
				die("rpcbind: bad reply to SET");
			r.off += (v[4] + 3) & ~3u;
			if (!r_u32(&r, &v[4]) || !r_u32(&r, &v[5]))
				die("rpcbind: bad reply to SET");
			if (v[4] != SUCCESS)
				die("rpcbind: SET: accept_stat %u", v[4]);
			if (!v[5])
				die("rpcbind refused SET (v%u)", vers);
			ok = true;
			break;
		}
	}
	close(fd);
	free(w.b);
	return ok;
}

static void do_register(const char *addr, int port)
{
	static const char * const netid6[] = { "udp6", "tcp6" };
	static const __u32 protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	char uaddr[INET6_ADDRSTRLEN + 16];
	struct wbuf a;
	int i;

	for (i = 0; i < 2; i++) {
		a.b = NULL;
		a.len = 0;
		a.cap = 0;
		w_u32(&a, TEST_PROG);
		w_u32(&a, TEST_VERS);
		if (family == AF_INET) {
			/* portmap v2 SET: prog, vers, prot, port */
			w_u32(&a, protos[i]);
			w_u32(&a, port);
			if (!rpcb_call(2, 1, &a))
				die("no answer from rpcbind at 127.0.0.1:111");
		} else {
			/* rpcbind v3 SET: prog, vers, netid, uaddr, owner */
			snprintf(uaddr, sizeof(uaddr), "%s.%d.%d", addr ? addr : "::",
				 port >> 8, port & 0xff);
			w_string(&a, netid6[i]);
			w_string(&a, uaddr);
			w_string(&a, "rpcns_server");
			if (!rpcb_call(3, 1, &a))
				die("no answer from rpcbind at 127.0.0.1:111");
		}
		free(a.b);
	}
}

static void bad_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-4|-6] [-a ADDR] [-p PORT] [-t TAG] [-r] [-H MODE]\n"
		"MODE: dropfirst badxid short badverf hugerec garbage denied closeeach\n"
		"      silent frag\n", prog);
	exit(2);
}

static void accept_conn(void)
{
	struct timeval tv = { 2, 0 };
	int fd, i;

	fd = accept(lsn_fd, NULL, NULL);
	if (fd < 0)
		return;
	for (i = 0; i < MAXCONN; i++)
		if (conns[i].fd < 0)
			break;
	if (i == MAXCONN) {
		warnx("too many connections");
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	conns[i].fd = fd;
	conns[i].hdr_got = 0;
	conns[i].rec_len = 0;
}

int main(int argc, char **argv)
{
	static __u8 buf[70000];
	struct pollfd pfd[MAXCONN + 2];
	int idx[MAXCONN + 2];
	const char *addr = NULL;
	int port = 0, opt, i, n, tries;
	bool reg = false;
	ssize_t k;

	while ((opt = getopt(argc, argv, "46a:p:t:rH:")) != -1) {
		switch (opt) {
		case '4':
			family = AF_INET;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 't':
			tag = optarg;
			break;
		case 'r':
			reg = true;
			break;
		case 'H':
			for (i = 0; i < (int)ARRAY_SIZE(mode_names); i++)
				if (!strcmp(optarg, mode_names[i]))
					break;
			if (i == (int)ARRAY_SIZE(mode_names))
				bad_usage(argv[0]);
			mode = i;
			break;
		default:
			bad_usage(argv[0]);
		}
	}
	if (optind != argc || port < 0 || port > 65535)
		bad_usage(argv[0]);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;

	/* The same port number for UDP and TCP. */
	for (tries = 0; tries < 100; tries++) {
		udp_fd = bound_socket(SOCK_DGRAM, addr, port);
		if (udp_fd < 0)
			die("bind udp port %d: %m", port);
		lsn_fd = bound_socket(SOCK_STREAM, addr, local_port(udp_fd));
		if (lsn_fd >= 0 || port)
			break;
		close(udp_fd);
	}
	if (lsn_fd < 0)
		die("bind tcp port %d: %m", port ? port : local_port(udp_fd));
	if (listen(lsn_fd, 64) < 0)
		die("listen: %m");
	port = local_port(udp_fd);
	if (reg)
		do_register(addr, port);
	printf("port %d\n", port);
	fflush(stdout);

	for (;;) {
		int timeout = run_pending();

		n = 0;
		pfd[n].fd = udp_fd;
		pfd[n].events = POLLIN;
		idx[n++] = -1;
		pfd[n].fd = lsn_fd;
		pfd[n].events = POLLIN;
		idx[n++] = -2;
		for (i = 0; i < MAXCONN; i++) {
			if (conns[i].fd < 0)
				continue;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		if (poll(pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %m");
		}
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (idx[i] == -1) {
				struct peer pe = { .tcp = false };

				pe.alen = sizeof(pe.addr);
				k = recvfrom(udp_fd, buf, sizeof(buf), MSG_DONTWAIT,
					     (struct sockaddr *)&pe.addr, &pe.alen);
				if (k > 0)
					handle(&pe, buf, k);
			} else if (idx[i] == -2) {
				accept_conn();
			} else if (conns[idx[i]].fd == pfd[i].fd) {
				k = recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
				if (k > 0)
					feed(idx[i], buf, k);
				else if (k == 0 || (errno != EAGAIN && errno != EINTR))
					close_conn(idx[i]);
			}
		}
	}
}
