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
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <kunit/visibility.h>
#include <net/sock.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

#define SNS_UDP_MAX	65536	/* largest datagram we read */
#define SNS_REC_MAX	(SUNRPC_NS_MAX_RES + 1024)	/* largest TCP record */
#define SNS_TIMEO_CAP	(30 * HZ)

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
int sns_transmit(struct sns_clnt *clnt, const u8 *msg, size_t len,
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
