// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: the socket transport of a client.
 *
 * Every socket a client ever makes, UDP or TCP, on the first call and on
 * each reconnect, is made with sock_create_kern() in the client's netns:
 * never init_net, never the netns of whoever uses the client later.  One
 * call is on the wire at a time per client (the caller holds clnt->lock):
 * UDP retransmits with the same xid and a doubling timeout, TCP uses
 * record marking (RFC 5531 section 11) and reconnects.  Upstream's model:
 * net/sunrpc/xprtsock.c and net/sunrpc/xprt.c (Documentation/sunrpc_ns.rst).
 */
#include <linux/cred.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <net/sock.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

#define SNS_UDP_MAX	65536	/* largest datagram we read */
#define SNS_REC_MAX	(SUNRPC_NS_MAX_RES + 1024)	/* largest TCP record */
#define SNS_RESVPORT_MIN 665	/* upstream's xprt_min_resvport default */
#define SNS_RESVPORT_MAX 1023	/* and xprt_max_resvport */
/* An accepted reply up to its result: six words and the verifier body. */
#define SNS_REPLY_HDR_MAX	(6 * 4 + SNS_MAX_AUTH)
/* Less than an xid and a message type is no reply (a runt). */
#define SNS_REPLY_MIN	8

/**
 * sns_backoff() - the reply timeout of a (re)transmission
 * @timeout: the first one
 * @attempt: 0 for the first transmission
 * @cap: the longest
 *
 * Return: @timeout doubled @attempt times, at most @cap.
 */
unsigned long sns_backoff(unsigned long timeout, unsigned int attempt,
			  unsigned long cap)
{
	while (attempt-- && timeout < cap)
		timeout <<= 1;
	if (timeout > cap)
		return cap;
	return timeout;
}
EXPORT_SYMBOL_IF_KUNIT(sns_backoff);

/* Called with clnt->lock held, or when nobody else can reach @clnt. */
void sns_drop_sock(struct sns_clnt *clnt)
{
	if (clnt->sock) {
		sock_release(clnt->sock);
		clnt->sock = NULL;
	}
}

/*
 * SUNRPC_NS_RESVPORT: bind @sock to a free reserved port, trying them all
 * downwards from a random one.  Whoever calls, the bind is done with the
 * creator's credentials (checked for CAP_NET_BIND_SERVICE at creation):
 * an unprivileged holder of the fd makes reconnects work, never a port
 * of its own choosing.
 */
static int sns_bind_resvport(struct sns_clnt *clnt, struct socket *sock)
{
	const unsigned int n = SNS_RESVPORT_MAX - SNS_RESVPORT_MIN + 1;
	unsigned int port = SNS_RESVPORT_MIN + get_random_u32_below(n);
	struct sockaddr_storage ss = { .ss_family = clnt->family };
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	const struct cred *old;
	int err = -EADDRINUSE;
	unsigned int i;

	old = override_creds(clnt->cred);
	for (i = 0; i < n && err == -EADDRINUSE; i++) {
		if (clnt->family == AF_INET)
			sin->sin_port = htons(port);
		else
			sin6->sin6_port = htons(port);
		err = kernel_bind(sock, (struct sockaddr *)&ss, clnt->addrlen);
		port = port == SNS_RESVPORT_MIN ? SNS_RESVPORT_MAX : port - 1;
	}
	revert_creds(old);
	if (err)
		pr_info_ratelimited("client %u: no reserved port: %d\n",
				    clnt->id, err);
	return err;
}

/**
 * sns_sock_hold_net() - make a new kernel TCP socket hold its netns
 * @sock: made by sock_create_kern(), not yet locked or connected
 *
 * A kernel socket pins only the memory of its netns, not the netns, and
 * tcp_close() stops its timers: closed in FIN_WAIT1 or LAST_ACK towards a
 * peer that no longer answers, it would stay for ever in a netns torn down
 * under it.  Holding the netns, it retransmits and dies like a user's
 * socket, and the netns goes after it; sockets accepted on a listener
 * inherit the reference.  Upstream's xprtsock and svcsock do the same
 * for their TCP sockets.  Before lock_sock(): the upgrade allocates.
 */
void sns_sock_hold_net(struct socket *sock)
{
	sk_net_refcnt_upgrade(sock->sk);
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
	if (type == SOCK_STREAM)
		sns_sock_hold_net(sock);
	atomic64_inc(&clnt->sockets);
	if (clnt->connected_once)
		atomic64_inc(&clnt->reconnects);
	clnt->connected_once = true;
	sock->sk->sk_sndtimeo = clnt->timeout;
	err = clnt->resvport ? sns_bind_resvport(clnt, sock) : 0;
	if (!err)
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
 * The buffer at least doubles each time it grows, so a peer sending
 * 1-byte fragments costs linear copying, not quadratic; the memory is
 * charged to the caller's memcg.
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
			size_t room = min(2 * *roomp, max);
			u8 *bigger;

			if (room < have + frag)
				room = have + frag;
			bigger = kvmalloc(room, GFP_KERNEL_ACCOUNT);
			if (!bigger)
				return -ENOMEM;
			memcpy(bigger, *bufp, have);
			kvfree(*bufp);
			*bufp = bigger;
			*roomp = room;
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
 * One datagram from @sock into @buf (@room bytes) before the deadline.
 * Return: its whole length, which exceeds @room when it was truncated
 * (MSG_TRUNC: only @room bytes are in @buf); 0 for an empty one; or an
 * errno.
 */
static int sns_udp_recv(struct socket *sock, u8 *buf, size_t room,
			unsigned long deadline)
{
	struct msghdr mh = { };
	struct kvec iov = { .iov_base = buf, .iov_len = room };
	long left = (long)(deadline - jiffies);
	int n;

	if (left <= 0)
		return -EAGAIN;
	sock->sk->sk_rcvtimeo = left;
	n = kernel_recvmsg(sock, &mh, &iov, 1, room, MSG_TRUNC);
	return n == -ERESTARTSYS ? -EINTR : n;
}

/*
 * Wait until the reply to @xid arrives before @deadline, dropping and
 * counting what is not it: replies to other xids and, over UDP, runts.
 * Return: the reply's length, with *errp set to sns_parse_reply()'s
 * verdict on it (over UDP the length may exceed *roomp: truncated); or an
 * errno of the transport.
 */
static int sns_wait_reply(struct sns_clnt *clnt, u32 xid, u8 **bufp,
			  size_t *roomp, unsigned long deadline, size_t *offp,
			  int *errp)
{
	bool tcp = clnt->proto == IPPROTO_TCP;
	size_t got;
	u32 rxid;
	int n;

	for (;;) {
		n = tcp ? sns_tcp_record(clnt, bufp, roomp, deadline) :
			  sns_udp_recv(clnt->sock, *bufp, *roomp, deadline);
		if (n < 0)
			return n;
		if (!tcp && n < SNS_REPLY_MIN) {
			/* Not even an xid and a type: upstream drops it too. */
			atomic64_inc(&clnt->bad_replies);
			pr_debug("client %u: dropped a %d-byte datagram\n",
				 clnt->id, n);
			continue;
		}
		got = min_t(size_t, n, *roomp);
		*errp = sns_parse_reply(*bufp, got, xid, offp);
		if (*errp != -ESRCH && *errp != -EBADMSG)
			return n;
		atomic64_inc(&clnt->bad_replies);
		if (*errp == -EBADMSG) {
			pr_info_ratelimited("client %u: malformed reply (%d bytes)\n",
					    clnt->id, n);
			return n;
		}
		if (!sns_reply_xid(*bufp, got, &rxid))
			pr_debug("client %u: dropped reply xid %#x, want %#x\n",
				 clnt->id, rxid, xid);
	}
}

/*
 * Send @msg and wait for its reply.  Called with clnt->lock held.  On
 * success *bufp holds the reply (kvmalloc'ed), *lenp its length, *offp
 * the offset of the result, which is at most @res_max bytes long.  A
 * longer result gives -EMSGSIZE with *lenp set to its length; a TCP
 * record longer than the module takes gives -EMSGSIZE with *lenp 0.
 * Over UDP the buffer has room for the header and @res_max bytes only: a
 * longer datagram is truncated (MSG_TRUNC) and its length still known.
 */
int sns_transmit(struct sns_clnt *clnt, const u8 *msg, size_t len,
		 u32 xid, size_t res_max, u8 **bufp, size_t *lenp,
		 size_t *offp)
{
	bool tcp = clnt->proto == IPPROTO_TCP;
	size_t room = tcp ? 4096 : min_t(size_t, SNS_UDP_MAX,
					 SNS_REPLY_HDR_MAX + res_max);
	unsigned int attempt;
	u8 *buf;
	int err, n;

	*lenp = 0;
	buf = kvmalloc(room, GFP_KERNEL_ACCOUNT);
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
			/* Nothing is sent yet: the call may start again. */
			if (err == -EINTR || err == -ERESTARTSYS) {
				err = -ERESTARTSYS;
				break;
			}
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
			/* A stream cut mid-record cannot go on. */
			sns_drop_sock(clnt);
			/* Interrupted: nothing complete sent, it may restart. */
			if (signal_pending(current)) {
				err = -ERESTARTSYS;
				break;
			}
			continue;
		}
		deadline = jiffies + sns_backoff(clnt->timeout, attempt,
						 SNS_TIMEO_MAX);
		n = sns_wait_reply(clnt, xid, &buf, &room, deadline, offp, &err);
		if (n >= 0)
			goto done;
		err = n;
		if (err == -EINTR) {
			/*
			 * The call was sent: EINTR, no restart.  Its reply may
			 * be half read: a stream starts afresh.
			 */
			if (tcp)
				sns_drop_sock(clnt);
			break;
		}
		if (err == -ECONNREFUSED)
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
	if (!err && n - *offp > res_max) {
		*lenp = n - *offp;
		err = -EMSGSIZE;
	}
	if (err) {
		kvfree(buf);
		return err;
	}
	*bufp = buf;
	*lenp = n;
	return 0;
}
