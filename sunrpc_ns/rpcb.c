// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: rpcbind queries (RFC 1833).
 *
 * A client created with port 0 asks the server host's rpcbind, v4 GETADDR
 * then v2 GETPORT, through a short-lived client of its own netns, before
 * its fd exists.  On a client of program 100000, SUNRPC_NS_IOC_RPCB makes
 * portmap v2 GETPORT and DUMP and rpcbind v4 GETADDR queries.  The
 * callback service registers with its netns's own rpcbind (SET and
 * UNSET, v4 or v2) when asked.  Upstream's model: net/sunrpc/rpcb_clnt.c
 * (Documentation/sunrpc_ns.rst).
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

static void sns_set_port(struct sns_clnt *clnt, u16 port)
{
	clnt->port = port;
	if (clnt->family == AF_INET)
		((struct sockaddr_in *)&clnt->addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&clnt->addr)->sin6_port = htons(port);
}

static const char *sns_netid(u32 family, u32 proto)
{
	if (family == AF_INET6)
		return proto == IPPROTO_TCP ? "tcp6" : "udp6";
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

/**
 * sns_rpcb_getport() - ask an rpcbind client where a program is
 * @rb: a client of program 100000, version 2 (GETPORT) or 4 (GETADDR)
 * @prog: the program
 * @vers: its version
 * @family: address family (GETADDR's netid)
 * @proto: IPPROTO_UDP or IPPROTO_TCP
 * @port: set to the port, 0 when not registered
 *
 * Return: 0 or an errno.
 */
int sns_rpcb_getport(struct sns_clnt *rb, u32 prog, u32 vers, u32 family,
		     u32 proto, u16 *port)
{
	const char *netid = sns_netid(family, proto);
	u8 argbuf[64];
	struct sns_buf a = { .data = argbuf, .len = sizeof(argbuf) };
	struct sns_buf r = { };
	size_t len, off;
	const u8 *s;
	u32 v, n;
	u8 *buf;
	int err;

	if (rb->vers == 2) {
		err = sns_put_u32(&a, prog) ?: sns_put_u32(&a, vers) ?:
		      sns_put_u32(&a, proto) ?: sns_put_u32(&a, 0);
	} else {
		err = sns_put_u32(&a, prog) ?: sns_put_u32(&a, vers) ?:
		      sns_put_opaque(&a, netid, strlen(netid)) ?:
		      sns_put_opaque(&a, "", 0) ?: sns_put_opaque(&a, "", 0);
	}
	if (err)
		return err;
	err = sns_clnt_call(rb, rb->vers == 2 ? SNS_PMAP_GETPORT : SNS_RPCB_GETADDR,
			    argbuf, a.pos, SUNRPC_NS_MAX_RES, &buf, &len, &off);
	if (err)
		return err;
	r.data = buf + off;
	r.len = len - off;
	if (rb->vers == 2) {
		err = sns_get_u32(&r, &v);
		if (!err && v > 65535)
			err = -EBADMSG;
		if (!err)
			*port = v;
	} else {
		err = sns_get_opaque(&r, &s, &n, 128) ?: sns_parse_uaddr(s, n, port);
	}
	if (err)
		pr_info_ratelimited("client %u: bad rpcbind reply\n", rb->id);
	kvfree(buf);
	return err;
}

/*
 * Port 0 at creation: ask the server host's rpcbind, v4 then v2, over
 * the client's own transport (as upstream's rpcb_getport_async()): a TCP
 * client's lookup is TCP too, and works where UDP does not pass.
 */
int sns_rpcbind_lookup(struct sns_clnt *clnt, const struct sunrpc_ns_create *c)
{
	struct sunrpc_ns_create rc = *c;
	static const u32 versions[] = { 4, 2 };
	int i, err = -EACCES;

	rc.prog = SNS_RPCB_PROG;
	rc.port = SNS_RPCB_PORT;
	rc.auth = SUNRPC_NS_AUTH_NONE;
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		struct sns_clnt *rb;
		u16 port = 0;

		rc.vers = versions[i];
		rb = sns_clnt_alloc(clnt->net, &rc);
		if (IS_ERR(rb))
			return PTR_ERR(rb);
		err = sns_rpcb_getport(rb, c->prog, c->vers, c->family,
				       c->proto, &port);
		sns_clnt_free(rb);
		if (!err && port) {
			sns_set_port(clnt, port);
			return 0;
		}
		if (!err)
			err = -EACCES;	/* not registered, as upstream says */
		if (err != -EPROTONOSUPPORT && err != -EPFNOSUPPORT &&
		    err != -EACCES)
			break;
	}
	return err;
}

static int sns_rpcb_dump(struct sns_clnt *rb, struct sunrpc_ns_rpcb *q)
{
	struct sunrpc_ns_pmap __user *out = u64_to_user_ptr(q->entries);
	struct sns_buf r = { };
	size_t len, off;
	u32 n = 0, more;
	u8 *buf;
	int err;

	err = sns_clnt_call(rb, SNS_PMAP_DUMP, NULL, 0, SUNRPC_NS_MAX_RES,
			    &buf, &len, &off);
	if (err)
		return err;
	r.data = buf + off;
	r.len = len - off;
	for (;;) {
		struct sunrpc_ns_pmap m;

		err = sns_get_u32(&r, &more);
		if (err || more > 1)
			goto bad;
		if (!more)
			break;
		if (sns_get_u32(&r, &m.prog) || sns_get_u32(&r, &m.vers) ||
		    sns_get_u32(&r, &m.proto) || sns_get_u32(&r, &m.port))
			goto bad;
		if (n < q->count && copy_to_user(&out[n], &m, sizeof(m))) {
			err = -EFAULT;
			goto out;
		}
		n++;
	}
	q->count = n;
	err = 0;
	goto out;
bad:
	pr_info_ratelimited("client %u: bad rpcbind DUMP reply\n", rb->id);
	err = -EBADMSG;
out:
	kvfree(buf);
	return err;
}

/**
 * sns_ioc_rpcb() - SUNRPC_NS_IOC_RPCB: a portmap or rpcbind query
 * @clnt: a client of program 100000, version 2 or 4
 * @uarg: the &struct sunrpc_ns_rpcb
 *
 * Return: 0 with the answer copied out, or an errno.
 */
long sns_ioc_rpcb(struct sns_clnt *clnt, struct sunrpc_ns_rpcb __user *uarg)
{
	struct sunrpc_ns_rpcb q;
	u16 port = 0;
	int err;

	if (copy_from_user(&q, uarg, sizeof(q)))
		return -EFAULT;
	if (q.pad || clnt->prog != SNS_RPCB_PROG)
		return -EINVAL;
	switch (q.op) {
	case SUNRPC_NS_RPCB_GETPORT:
	case SUNRPC_NS_RPCB_DUMP:
		if (clnt->vers != 2)
			return -EINVAL;
		break;
	case SUNRPC_NS_RPCB_GETADDR:
		if (clnt->vers != 4 ||
		    (q.family != AF_INET && q.family != AF_INET6))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (q.op != SUNRPC_NS_RPCB_DUMP &&
	    q.proto != IPPROTO_UDP && q.proto != IPPROTO_TCP)
		return -EINVAL;
	if (q.op == SUNRPC_NS_RPCB_DUMP) {
		err = sns_rpcb_dump(clnt, &q);
	} else {
		err = sns_rpcb_getport(clnt, q.prog, q.vers, q.family, q.proto,
				       &port);
		q.port = port;
	}
	if (err)
		return err;
	return copy_to_user(uarg, &q, sizeof(q)) ? -EFAULT : 0;
}

/* SET and UNSET: the same numbers in portmap v2 and rpcbind v4. */
#define SNS_RPCB_SET	1
#define SNS_RPCB_UNSET	2

/* One SET or UNSET through @rb; its boolean answer in @ok. */
static int sns_rpcb_bool(struct sns_clnt *rb, u32 proc, struct sns_buf *a,
			 bool *ok)
{
	struct sns_buf r = { };
	size_t len, off;
	u8 *buf;
	u32 v = 0;
	int err;

	err = sns_clnt_call(rb, proc, a->data, a->pos, 64, &buf, &len, &off);
	if (err)
		return err;
	r.data = buf + off;
	r.len = len - off;
	err = sns_get_u32(&r, &v);
	if (err)
		pr_info_ratelimited("client %u: bad rpcbind reply\n", rb->id);
	*ok = v;
	kvfree(buf);
	return err;
}

/*
 * rpcbind v4: UNSET every netid of @prog/@vers, then, for @port, SET
 * netid tcp (and tcp6 if @v6) with the wildcard address and @port, as
 * upstream's rpcb_v4_register() does for a listener bound to any address
 * (rpcbind answers GETADDR with the address the asker reached it at).
 */
static int sns_rpcb_v4(struct sns_clnt *rb, u32 prog, u32 vers, u16 port,
		       bool v6)
{
	static const char * const netids[] = { "tcp", "tcp6" };
	static const char * const any[] = { "0.0.0.0", "::" };
	u8 argbuf[128];
	char uaddr[32];
	bool ok;
	int i, n, err;

	for (i = -1; i < (v6 ? 2 : 1); i++) {
		struct sns_buf a = { .data = argbuf, .len = sizeof(argbuf) };

		if (i < 0) {
			err = sns_put_u32(&a, prog) ?: sns_put_u32(&a, vers) ?:
			      sns_put_opaque(&a, "", 0) ?:
			      sns_put_opaque(&a, "", 0) ?:
			      sns_put_opaque(&a, "0", 1);
		} else {
			n = scnprintf(uaddr, sizeof(uaddr), "%s.%u.%u", any[i],
				      port >> 8, port & 0xff);
			err = sns_put_u32(&a, prog) ?: sns_put_u32(&a, vers) ?:
			      sns_put_opaque(&a, netids[i], strlen(netids[i])) ?:
			      sns_put_opaque(&a, uaddr, n) ?:
			      sns_put_opaque(&a, "0", 1);
		}
		err = err ?: sns_rpcb_bool(rb, i < 0 ? SNS_RPCB_UNSET :
					   SNS_RPCB_SET, &a, &ok);
		if (err)
			return err;
		if (i < 0 && !port)
			return 0;
		if (i >= 0 && !ok)
			return -EACCES;	/* refused, as upstream says */
	}
	return 0;
}

/* Portmap v2, IPv4 only: UNSET, then SET @port over TCP if not 0. */
static int sns_rpcb_v2(struct sns_clnt *rb, u32 prog, u32 vers, u16 port)
{
	u8 argbuf[16];
	bool ok;
	int i, err;

	for (i = 0; i < (port ? 2 : 1); i++) {
		struct sns_buf a = { .data = argbuf, .len = sizeof(argbuf) };

		err = sns_put_u32(&a, prog) ?: sns_put_u32(&a, vers) ?:
		      sns_put_u32(&a, IPPROTO_TCP) ?: sns_put_u32(&a, i ? port : 0) ?:
		      sns_rpcb_bool(rb, i ? SNS_RPCB_SET : SNS_RPCB_UNSET, &a, &ok);
		if (err)
			return err;
		if (i && !ok)
			return -EACCES;
	}
	return 0;
}

/**
 * sns_rpcb_register() - register a TCP service with a netns's rpcbind
 * @net: the netns, held by the caller; its rpcbind is asked at
 *	127.0.0.1 port 111 over TCP
 * @prog: the program
 * @vers: its version
 * @port: the service's port; 0 to unregister
 * @v6: the service takes IPv6 too (netid tcp6 besides tcp)
 *
 * Unregisters @prog/@vers first (a stale registration), then registers
 * @port: rpcbind v4, or portmap v2 (IPv4 only) where v4 is not served,
 * as upstream's rpcb_register() and rpcb_v4_register().  Called by the
 * service's starter (CAP_NET_ADMIN over @net) and its thread.
 *
 * Return: 0; EACCES if rpcbind refused; or the call's errno
 * (ECONNREFUSED: no rpcbind).
 */
int sns_rpcb_register(struct net *net, u32 prog, u32 vers, u16 port, bool v6)
{
	struct sunrpc_ns_create rc = {
		.family = AF_INET, .proto = IPPROTO_TCP,
		.addr = { 127, 0, 0, 1 }, .port = SNS_RPCB_PORT,
		.prog = SNS_RPCB_PROG, .vers = 4, .auth = SUNRPC_NS_AUTH_SYS,
		.timeout_ms = 2000, .retries = 1,
	};
	struct sns_clnt *rb;
	int err;

	rb = sns_clnt_alloc(net, &rc);
	if (IS_ERR(rb))
		return PTR_ERR(rb);
	err = sns_rpcb_v4(rb, prog, vers, port, v6);
	sns_clnt_free(rb);
	if (err == -EPROTONOSUPPORT || err == -EPFNOSUPPORT) {
		rc.vers = 2;
		rb = sns_clnt_alloc(net, &rc);
		if (IS_ERR(rb))
			return PTR_ERR(rb);
		err = sns_rpcb_v2(rb, prog, vers, port);
		sns_clnt_free(rb);
	}
	if (err)
		pr_info_ratelimited("netns %u: rpcbind %s of program %#x: error %d\n",
				    net->ns.inum, port ? "SET" : "UNSET", prog, err);
	/* tcp may have been taken and tcp6 refused: leave nothing behind */
	if (port && err == -EACCES)
		sns_rpcb_register(net, prog, vers, 0, v6);
	return err;
}
