// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_server: a call, parsed, and its reply: the procedures of the test
 * program and the errors of RFC 5531.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "rpcns_server.h"

#define NXID		256

static __u32 ncalls;
static __u32 seen_xid[NXID];
static unsigned int nseen;

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

/* The source port of @pe's call, -1 if unknown. */
static int peer_port(const struct peer *pe)
{
	struct sockaddr_storage ss = pe->addr;
	socklen_t alen = sizeof(ss);

	if (pe->tcp && getpeername(conns[pe->conn].fd, (struct sockaddr *)&ss,
				   &alen))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -1;
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

void handle(const struct peer *pe, const __u8 *msg, size_t len)
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
			if (mode == M_HALF && pe->tcp)
				defer_half(pe, &w, v);
			else
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
		case 8:
			snprintf(s, sizeof(s), "port %d", peer_port(pe));
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
