// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: RPC clients whose transports live in their creator's network
 * namespace.
 *
 * A client takes a counted reference on the netns of the task that creates
 * it, and every socket it ever makes, UDP or TCP, on the first call and on
 * each reconnect, is made with sock_create_kern() in that netns: never
 * init_net, never the netns of whoever uses the client later (the fd may
 * be passed anywhere).  The AUTH_SYS machine name is the creator's UTS
 * nodename at creation.  Calls are synchronous, one at a time per client:
 * UDP retransmits with the same xid and a doubling timeout, TCP uses
 * record marking and reconnects.  Upstream's model: net/sunrpc/clnt.c,
 * xprtsock.c, rpcb_clnt.c (Documentation/sunrpc_ns.rst).
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

#define SNS_HDR_MAX	512	/* call header with the largest AUTH_SYS */
#define SNS_UDP_MAX	65536	/* largest datagram we read */
#define SNS_REC_MAX	(SUNRPC_NS_MAX_RES + 1024)	/* largest TCP record */
#define SNS_TIMEO_CAP	(30 * HZ)

static atomic_t sns_clnt_ids = ATOMIC_INIT(0);

static void sns_drop_sock(struct sns_clnt *clnt)
{
	if (clnt->sock) {
		sock_release(clnt->sock);
		clnt->sock = NULL;
	}
}

/* A new socket in the client's netns, connected to the server. */
static int sns_connect(struct sns_clnt *clnt)
{
	int type = clnt->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	struct socket *sock;
	int err;

	err = sock_create_kern(clnt->net, clnt->family, type, clnt->proto, &sock);
	if (err)
		return err;
	atomic64_inc(&clnt->sockets);
	if (clnt->connected_once)
		atomic64_inc(&clnt->reconnects);
	clnt->connected_once = true;
	sock->sk->sk_sndtimeo = clnt->timeout;
	err = kernel_connect(sock, (struct sockaddr *)&clnt->addr,
			     clnt->addrlen, 0);
	if (err) {
		sock_release(sock);
		return err;
	}
	clnt->sock = sock;
	return 0;
}

static int sns_send(struct sns_clnt *clnt, const u8 *msg, size_t len)
{
	struct msghdr mh = { .msg_flags = MSG_NOSIGNAL };
	struct kvec iov[2];
	__be32 marker;
	int n, k = 0;

	if (clnt->proto == IPPROTO_TCP) {
		marker = cpu_to_be32(0x80000000U | len);
		iov[k].iov_base = &marker;
		iov[k++].iov_len = sizeof(marker);
	}
	iov[k].iov_base = (void *)msg;
	iov[k++].iov_len = len;
	n = kernel_sendmsg(clnt->sock, &mh, iov, k,
			   len + (k - 1) * sizeof(marker));
	if (n < 0)
		return n;
	return n == len + (k - 1) * sizeof(marker) ? 0 : -EPIPE;
}

/* Receive into @buf (all @len bytes if @all) before the deadline. */
int sns_recv(struct socket *sock, void *buf, size_t len,
	     unsigned long deadline, bool all)
{
	size_t got = 0;

	do {
		struct msghdr mh = { };
		struct kvec iov = { .iov_base = buf + got, .iov_len = len - got };
		long left = (long)(deadline - jiffies);
		int n;

		if (left <= 0)
			return -EAGAIN;
		sock->sk->sk_rcvtimeo = left;
		n = kernel_recvmsg(sock, &mh, &iov, 1, len - got,
				   all ? MSG_WAITALL : 0);
		if (n == -ERESTARTSYS)
			return -EINTR;
		if (n < 0)
			return n;
		if (n == 0)
			return -ECONNRESET;	/* the server closed */
		got += n;
		if (!all)
			return got;
	} while (got < len);
	return got;
}

/*
 * One record-marked record from @sock, at most @max bytes; *bufp (of
 * *roomp bytes, kvmalloc'ed) is replaced by a bigger buffer if need be.
 * Return: the record's length or an errno.
 */
int sns_read_record(struct socket *sock, u8 **bufp, size_t *roomp,
		    size_t max, unsigned long deadline)
{
	size_t have = 0;
	bool last;
	u32 frag;
	__be32 m;
	int n;

	do {
		n = sns_recv(sock, &m, sizeof(m), deadline, true);
		if (n < 0)
			return n;
		n = sns_record_marker(be32_to_cpu(m), have, max, &frag, &last);
		if (n)
			return n;
		if (have + frag > *roomp) {
			u8 *bigger = kvmalloc(have + frag, GFP_KERNEL);

			if (!bigger)
				return -ENOMEM;
			memcpy(bigger, *bufp, have);
			kvfree(*bufp);
			*bufp = bigger;
			*roomp = have + frag;
		}
		if (frag) {
			n = sns_recv(sock, *bufp + have, frag, deadline, true);
			if (n < 0)
				return n;
		}
		have += frag;
	} while (!last);
	return have;
}

static int sns_tcp_record(struct sns_clnt *clnt, u8 **bufp, size_t *roomp,
			  unsigned long deadline)
{
	int n = sns_read_record(clnt->sock, bufp, roomp, SNS_REC_MAX, deadline);

	if (n == -EMSGSIZE)
		pr_info_ratelimited("client %u: record over %u bytes refused\n",
				    clnt->id, SNS_REC_MAX);
	return n;
}

/*
 * Send @msg and wait for its reply.  Called with clnt->lock held.  On
 * success *bufp holds the reply (kvmalloc'ed), *lenp its length, *offp
 * the offset of the result.
 */
static int sns_transmit(struct sns_clnt *clnt, const u8 *msg, size_t len,
			u32 xid, u8 **bufp, size_t *lenp, size_t *offp)
{
	bool tcp = clnt->proto == IPPROTO_TCP;
	size_t room = tcp ? 4096 : SNS_UDP_MAX;
	unsigned int attempt;
	u8 *buf;
	int err, n;

	buf = kvmalloc(room, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (attempt = 0;; attempt++) {
		unsigned long deadline;

		if (attempt) {
			if (attempt > clnt->retries) {
				err = -ETIMEDOUT;
				break;
			}
			if (!tcp)
				atomic64_inc(&clnt->retrans);
		}
		if (!clnt->sock) {
			err = sns_connect(clnt);
			if (err == -ECONNREFUSED || err == -ENETUNREACH ||
			    err == -EHOSTUNREACH || err == -EINVAL ||
			    err == -EAFNOSUPPORT)
				break;
			if (err)
				continue;
		}
		err = sns_send(clnt, msg, len);
		if (err == -ECONNREFUSED)
			break;
		if (err) {
			sns_drop_sock(clnt);
			continue;
		}
		deadline = jiffies + sns_backoff(clnt->timeout, attempt,
						 SNS_TIMEO_CAP);
		for (;;) {
			u32 rxid;

			n = tcp ? sns_tcp_record(clnt, &buf, &room, deadline) :
				  sns_recv(clnt->sock, buf, room, deadline, false);
			if (n < 0)
				break;
			err = sns_parse_reply(buf, n, xid, offp);
			if (err != -ESRCH && err != -EBADMSG)
				goto done;
			atomic64_inc(&clnt->bad_replies);
			if (err == -EBADMSG) {
				pr_info_ratelimited("client %u: malformed reply (%d bytes)\n",
						    clnt->id, n);
				goto done;
			}
			if (!sns_reply_xid(buf, n, &rxid))
				pr_debug("client %u: dropped reply xid %#x, want %#x\n",
					 clnt->id, rxid, xid);
		}
		err = n;
		if (err == -EINTR || err == -ECONNREFUSED)
			break;
		if (err == -EMSGSIZE) {
			atomic64_inc(&clnt->bad_replies);
			sns_drop_sock(clnt);
			break;
		}
		/* Timeout or a lost connection: a stream starts afresh. */
		if (tcp || err != -EAGAIN)
			sns_drop_sock(clnt);
	}
	kvfree(buf);
	return err;
done:
	if (err) {
		kvfree(buf);
		return err;
	}
	*bufp = buf;
	*lenp = n;
	return 0;
}

/**
 * sns_clnt_call() - make one call
 * @clnt: the client
 * @proc: procedure
 * @args: XDR-encoded arguments
 * @args_len: their length
 * @bufp: set to the reply, kvfree() it
 * @lenp: set to the reply's length
 * @offp: set to the offset of the result in it
 *
 * Return: 0 or an errno (include/uapi/linux/nsmods_sunrpc_ns.h).
 */
int sns_clnt_call(struct sns_clnt *clnt, u32 proc, const void *args,
		  size_t args_len, u8 **bufp, size_t *lenp, size_t *offp)
{
	struct sns_cred cred = {
		.stamp = (u32)ktime_get_real_seconds(),
		.machine = clnt->nodename,
		.uid = clnt->uid,
		.gid = clnt->gid,
		.ngids = clnt->ngids,
		.gids = clnt->gids,
	};
	struct sns_buf b = { };
	int err;
	u32 xid;

	b.len = SNS_HDR_MAX + args_len;
	b.data = kvmalloc(b.len, GFP_KERNEL);
	if (!b.data)
		return -ENOMEM;
	/* Another call on this client may be waiting for its reply. */
	if (mutex_lock_interruptible(&clnt->lock)) {
		kvfree(b.data);
		return -EINTR;
	}
	xid = clnt->xid++;
	err = sns_encode_call(&b, xid, clnt->prog, clnt->vers, proc,
			      clnt->auth == SUNRPC_NS_AUTH_SYS ? &cred : NULL);
	if (!err) {
		if (args_len)
			memcpy(b.data + b.pos, args, args_len);
		atomic64_inc(&clnt->calls);
		err = sns_transmit(clnt, b.data, b.pos + args_len, xid, bufp,
				   lenp, offp);
	}
	mutex_unlock(&clnt->lock);
	kvfree(b.data);
	return err;
}

/**
 * sns_clnt_put() - drop a reference to a client
 * @clnt: the client; freed with the last reference
 */
void sns_clnt_put(struct sns_clnt *clnt)
{
	if (!refcount_dec_and_test(&clnt->ref))
		return;
	mutex_destroy(&clnt->lock);
	put_net_track(clnt->net, &clnt->net_tracker);
	kfree(clnt);
}

/* The fd goes: the client leaves everything, its memory may stay. */
static void sns_clnt_free(struct sns_clnt *clnt)
{
	sns_clnt_pipefs_del(clnt);
	if (clnt->listed) {
		struct sns_net *sn = sns_net(clnt->net);

		spin_lock(&sn->xprt_lock);
		list_del(&clnt->node);
		sn->nr_xprts--;
		spin_unlock(&sn->xprt_lock);
	}
	sns_drop_sock(clnt);
	if (clnt->cb_held)
		sns_svc_put(clnt->net);
	sns_clnt_put(clnt);
}

static int sns_check_create(const struct sunrpc_ns_create *c)
{
	if (c->pad || (c->flags & ~SUNRPC_NS_CLOEXEC))
		return -EINVAL;
	if (c->family != AF_INET && c->family != AF_INET6)
		return -EINVAL;
	if (c->proto != IPPROTO_UDP && c->proto != IPPROTO_TCP)
		return -EINVAL;
	if (c->auth != SUNRPC_NS_AUTH_NONE && c->auth != SUNRPC_NS_AUTH_SYS)
		return -EINVAL;
	if (c->port > 65535 || c->timeout_ms > 60000 || c->retries > 20)
		return -EINVAL;
	return 0;
}

/* A client in @net, not listed, not yet bound to a port if @c has none. */
static struct sns_clnt *sns_clnt_alloc(struct net *net,
				       const struct sunrpc_ns_create *c)
{
	const struct cred *cred = current_cred();
	struct sns_clnt *clnt;
	int i;

	clnt = kzalloc(sizeof(*clnt), GFP_KERNEL);
	if (!clnt)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&clnt->node);
	refcount_set(&clnt->ref, 1);
	mutex_init(&clnt->lock);
	spin_lock_init(&clnt->upcall_lock);
	INIT_LIST_HEAD(&clnt->upcalls);
	clnt->id = atomic_inc_return(&sns_clnt_ids);
	clnt->net = get_net_track(net, &clnt->net_tracker, GFP_KERNEL);
	clnt->family = c->family;
	clnt->proto = c->proto;
	clnt->prog = c->prog;
	clnt->vers = c->vers;
	clnt->auth = c->auth;
	clnt->port = c->port;
	clnt->timeout = msecs_to_jiffies(c->timeout_ms ?: 1000) ?: 1;
	clnt->retries = c->retries ?: 3;
	clnt->xid = get_random_u32();
	if (c->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&clnt->addr;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, c->addr, 4);
		sin->sin_port = htons(c->port);
		clnt->addrlen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&clnt->addr;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, c->addr, 16);
		sin6->sin6_port = htons(c->port);
		clnt->addrlen = sizeof(*sin6);
	}
	/* The creator's UTS namespace names the machine, now. */
	strscpy(clnt->nodename, utsname()->nodename, sizeof(clnt->nodename));
	clnt->uid = from_kuid_munged(&init_user_ns, cred->fsuid);
	clnt->gid = from_kgid_munged(&init_user_ns, cred->fsgid);
	for (i = 0; i < cred->group_info->ngroups && i < SNS_MAX_GIDS; i++)
		clnt->gids[i] = from_kgid_munged(&init_user_ns,
						 cred->group_info->gid[i]);
	clnt->ngids = i;
	return clnt;
}

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
			    argbuf, a.pos, &buf, &len, &off);
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

/* Port 0 at creation: ask the server host's rpcbind, v4 then v2. */
static int sns_rpcbind_lookup(struct sns_clnt *clnt,
			      const struct sunrpc_ns_create *c)
{
	struct sunrpc_ns_create rc = *c;
	static const u32 versions[] = { 4, 2 };
	int i, err = -EACCES;

	rc.prog = SNS_RPCB_PROG;
	rc.port = SNS_RPCB_PORT;
	rc.proto = IPPROTO_UDP;
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

	err = sns_clnt_call(rb, SNS_PMAP_DUMP, NULL, 0, &buf, &len, &off);
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

static long sns_ioc_rpcb(struct sns_clnt *clnt, struct sunrpc_ns_rpcb __user *uarg)
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

static long sns_ioc_call(struct sns_clnt *clnt, struct sunrpc_ns_call __user *uarg)
{
	struct sunrpc_ns_call c;
	size_t len, off, res;
	void *args = NULL;
	u8 *buf;
	int err;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	if (c.pad || c.args_len % 4 || c.args_len > SUNRPC_NS_MAX_ARGS) {
		pr_info_ratelimited("call: bad argument length %u\n", c.args_len);
		return -EINVAL;
	}
	if (c.args_len) {
		args = vmemdup_user(u64_to_user_ptr(c.args), c.args_len);
		if (IS_ERR(args))
			return PTR_ERR(args);
	}
	err = sns_clnt_call(clnt, c.proc, args, c.args_len, &buf, &len, &off);
	kvfree(args);
	if (err)
		return err;
	res = len - off;
	if (res > c.res_len)
		err = -EMSGSIZE;
	else if (copy_to_user(u64_to_user_ptr(c.res), buf + off, res) ||
		 put_user((u32)res, &uarg->res_len))
		err = -EFAULT;
	kvfree(buf);
	return err;
}

static long sns_ioc_info(struct sns_clnt *clnt, struct sunrpc_ns_info __user *uarg)
{
	struct sunrpc_ns_info i;

	memset(&i, 0, sizeof(i));
	i.net_inum = clnt->net->ns.inum;
	i.port = clnt->port;
	i.prog = clnt->prog;
	i.vers = clnt->vers;
	i.proto = clnt->proto;
	i.family = clnt->family;
	i.calls = atomic64_read(&clnt->calls);
	i.retrans = atomic64_read(&clnt->retrans);
	i.reconnects = atomic64_read(&clnt->reconnects);
	i.sockets = atomic64_read(&clnt->sockets);
	i.bad_replies = atomic64_read(&clnt->bad_replies);
	strscpy(i.nodename, clnt->nodename, sizeof(i.nodename));
	i.clnt_id = clnt->id;
	return copy_to_user(uarg, &i, sizeof(i)) ? -EFAULT : 0;
}

static long sns_ioc_callback(struct sns_clnt *clnt)
{
	u16 port = 0;
	int err = 0;

	if (mutex_lock_interruptible(&clnt->lock))
		return -EINTR;
	if (!clnt->cb_held) {
		err = sns_svc_get(clnt->net, &port);
		clnt->cb_held = !err;
	} else {
		err = sns_svc_get(clnt->net, &port);
		if (!err)
			sns_svc_put(clnt->net);	/* one hold per client */
	}
	mutex_unlock(&clnt->lock);
	return err ?: port;
}

static long sns_clnt_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct sns_clnt *clnt = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SUNRPC_NS_IOC_CALL:
		return sns_ioc_call(clnt, uarg);
	case SUNRPC_NS_IOC_INFO:
		return sns_ioc_info(clnt, uarg);
	case SUNRPC_NS_IOC_RPCB:
		return sns_ioc_rpcb(clnt, uarg);
	case SUNRPC_NS_IOC_CALLBACK:
		return sns_ioc_callback(clnt);
	case SUNRPC_NS_IOC_UPCALL:
		return sns_ioc_upcall(clnt, uarg);
	}
	if (_IOC_TYPE(cmd) == SUNRPC_NS_IOC_MAGIC)
		pr_info_ratelimited("unknown client ioctl 0x%x\n", cmd);
	return -ENOTTY;
}

static int sns_clnt_release(struct inode *inode, struct file *file)
{
	sns_clnt_free(file->private_data);
	return 0;
}

static const struct file_operations sns_clnt_fops = {
	.owner = THIS_MODULE,
	.release = sns_clnt_release,
	.unlocked_ioctl = sns_clnt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* Make a client in the caller's netns; @host: the name it came from. */
static long sns_create(struct sunrpc_ns_create *cp, const char *host)
{
	struct net *net = current->nsproxy->net_ns;
	struct sns_net *sn = sns_net(net);
	struct sunrpc_ns_create c = *cp;
	struct sns_clnt *clnt;
	int fd, err;

	err = sns_check_create(&c);
	if (err) {
		pr_info_ratelimited("create: bad parameters\n");
		return err;
	}
	clnt = sns_clnt_alloc(net, &c);
	if (IS_ERR(clnt))
		return PTR_ERR(clnt);
	strscpy(clnt->host, host, sizeof(clnt->host));
	if (!c.port) {
		err = sns_rpcbind_lookup(clnt, &c);
		if (err)
			goto out_free;
	}
	err = sns_clnt_pipefs_add(clnt);
	if (err)
		goto out_free;
	spin_lock(&sn->xprt_lock);
	list_add_tail(&clnt->node, &sn->xprt_list);
	sn->nr_xprts++;
	clnt->listed = true;
	spin_unlock(&sn->xprt_lock);
	fd = anon_inode_getfd("[sunrpc_ns_clnt]", &sns_clnt_fops, clnt,
			      O_RDWR | (c.flags & SUNRPC_NS_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0) {
		err = fd;
		goto out_free;
	}
	return fd;

out_free:
	sns_clnt_free(clnt);
	return err;
}

static long sns_ioc_create(struct sunrpc_ns_create __user *uarg)
{
	struct sunrpc_ns_create c;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	return sns_create(&c, "");
}

/* By name: the netns's host cache gives the address. */
static long sns_ioc_create_host(struct sunrpc_ns_create_host __user *uarg)
{
	struct sunrpc_ns_create_host h;
	size_t len;
	u32 family;
	u8 addr[16];
	int err;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	len = strnlen(h.host, sizeof(h.host));
	if (h.pad || h.resolve_ms > 60000 || len == sizeof(h.host) ||
	    !sns_hc_name_ok(h.host, len) || memchr_inv(h.create.addr, 0, 16) ||
	    (h.create.family && h.create.family != AF_INET &&
	     h.create.family != AF_INET6)) {
		pr_info_ratelimited("create by host: bad parameters\n");
		return -EINVAL;
	}
	err = sns_hcache_resolve(current->nsproxy->net_ns, h.host,
				 msecs_to_jiffies(h.resolve_ms ?: 5000),
				 &family, addr);
	if (err)
		return err;
	if (h.create.family && h.create.family != family)
		return -EAFNOSUPPORT;
	h.create.family = family;
	memcpy(h.create.addr, addr, sizeof(addr));
	return sns_create(&h.create, h.host);
}

static long sns_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	if (cmd == SUNRPC_NS_IOC_CREATE)
		return sns_ioc_create((void __user *)arg);
	if (cmd == SUNRPC_NS_IOC_CREATE_HOST)
		return sns_ioc_create_host((void __user *)arg);
	if (_IOC_TYPE(cmd) == SUNRPC_NS_IOC_MAGIC)
		pr_info_ratelimited("unknown device ioctl 0x%x\n", cmd);
	return -ENOTTY;
}

static const struct file_operations sns_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sns_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice sns_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "nsmods_sunrpc_ns",
	.fops = &sns_dev_fops,
	.mode = 0666,
};

/* /proc/net/sunrpc_ns/clients: the reader's netns's clients only. */
int sns_clients_show(struct seq_file *m, void *v)
{
	struct sns_net *sn = sns_net(seq_file_single_net(m));
	struct sns_clnt *clnt;

	spin_lock(&sn->xprt_lock);
	list_for_each_entry(clnt, &sn->xprt_list, node) {
		seq_printf(m, "client %u prog %u vers %u proto %s server ",
			   clnt->id, clnt->prog, clnt->vers,
			   clnt->proto == IPPROTO_TCP ? "tcp" : "udp");
		if (clnt->family == AF_INET)
			seq_printf(m, "%pI4:%u",
				   &((struct sockaddr_in *)&clnt->addr)->sin_addr,
				   clnt->port);
		else
			seq_printf(m, "%pI6c:%u",
				   &((struct sockaddr_in6 *)&clnt->addr)->sin6_addr,
				   clnt->port);
		seq_printf(m, " calls %lld retrans %lld reconnects %lld sockets %lld\n",
			   atomic64_read(&clnt->calls),
			   atomic64_read(&clnt->retrans),
			   atomic64_read(&clnt->reconnects),
			   atomic64_read(&clnt->sockets));
	}
	spin_unlock(&sn->xprt_lock);
	return 0;
}

int sns_clnt_init(void)
{
	return misc_register(&sns_misc);
}

void sns_clnt_exit(void)
{
	misc_deregister(&sns_misc);
}
