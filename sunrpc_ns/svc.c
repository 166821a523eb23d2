// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: the callback service of a network namespace.
 *
 * NLM_GRANTED and NFSv4 callbacks are calls from the server to the client
 * host, so the client needs a listener in its own namespace.  Here each
 * netns gets at most one: a TCP listener (IPv4 and IPv6) made with
 * sock_create_kern() in that netns and served by one kthread, started by
 * the first client that asks (SUNRPC_NS_IOC_CALLBACK) and stopped with the
 * last such client.  It answers program SUNRPC_NS_CB_PROG: NULL, and
 * WHOAMI, which names the netns that answered.  Upstream's model:
 * fs/nfs/callback.c,
 * fs/lockd/svc.c (lockd_up_net(), svc_create_xprt() per net).
 */
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

#define SNS_SVC_IDLE	(5 * HZ)	/* a silent connection is dropped */
#define SNS_SVC_MAXREC	65536

struct sns_svc {
	struct net *net;		/* not counted: its users hold it */
	struct socket *listen;
	struct task_struct *task;
	u16 port;
	/* protects conn and stopping, across conn's (sleeping) shutdown */
	struct mutex conn_lock;
	struct socket *conn;		/* the connection being served */
	bool stopping;			/* no new connection is served */
	atomic64_t calls;
};

static int sns_svc_reply(struct sns_svc *svc, struct socket *conn,
			 const u8 *req, size_t len)
{
	struct msghdr mh = { .msg_flags = MSG_NOSIGNAL };
	u8 out[4 + 128];
	struct sns_buf b = { .data = out + 4, .len = sizeof(out) - 4 };
	struct sns_call_hdr h;
	struct kvec iov;
	char who[64];
	int err, n;

	err = sns_parse_call(req, len, &h);
	if (err == -EPROTONOSUPPORT) {
		err = sns_encode_reply(&b, h.xid, SNS_RPC_MISMATCH, true);
	} else if (err) {
		pr_info_ratelimited("callback service of netns %u: malformed call\n",
				    svc->net->ns.inum);
		return err;
	} else if (h.prog != SUNRPC_NS_CB_PROG) {
		err = sns_encode_reply(&b, h.xid, SNS_PROG_UNAVAIL, false);
	} else if (h.vers != SUNRPC_NS_CB_VERS) {
		err = sns_encode_reply(&b, h.xid, SNS_PROG_MISMATCH, false);
	} else if (h.proc == SUNRPC_NS_CB_NULL) {
		err = sns_encode_reply(&b, h.xid, SNS_SUCCESS, false);
	} else if (h.proc == SUNRPC_NS_CB_WHOAMI) {
		n = scnprintf(who, sizeof(who), "netns %u", svc->net->ns.inum);
		err = sns_encode_reply(&b, h.xid, SNS_SUCCESS, false) ?:
		      sns_put_opaque(&b, who, n);
	} else {
		err = sns_encode_reply(&b, h.xid, SNS_PROC_UNAVAIL, false);
	}
	if (err)
		return err;
	atomic64_inc(&svc->calls);
	put_unaligned_be32(0x80000000U | b.pos, out);
	iov.iov_base = out;
	iov.iov_len = 4 + b.pos;
	n = kernel_sendmsg(conn, &mh, &iov, 1, iov.iov_len);
	return n < 0 ? n : 0;
}

static void sns_svc_serve(struct sns_svc *svc, struct socket *conn)
{
	size_t room = 512;
	u8 *buf;
	int n;

	buf = kvmalloc(room, GFP_KERNEL);
	if (!buf)
		return;
	while (!kthread_should_stop()) {
		n = sns_read_record(conn, &buf, &room, SNS_SVC_MAXREC,
				    jiffies + SNS_SVC_IDLE);
		if (n < 0) {
			if (n == -EMSGSIZE)
				pr_info_ratelimited("callback service of netns %u: record too big\n",
						    svc->net->ns.inum);
			break;
		}
		if (sns_svc_reply(svc, conn, buf, n))
			break;
	}
	kvfree(buf);
}

static int sns_svc_thread(void *data)
{
	struct sns_svc *svc = data;
	struct socket *conn;
	int err;

	while (!kthread_should_stop()) {
		/* The listener's 1 s timeout brings us back here. */
		err = kernel_accept(svc->listen, &conn, 0);
		if (err) {
			if (err != -EAGAIN)
				msleep(20);
			continue;
		}
		mutex_lock(&svc->conn_lock);
		if (svc->stopping) {
			/* accepted after the stop shut conn down */
			mutex_unlock(&svc->conn_lock);
			sock_release(conn);
			continue;
		}
		svc->conn = conn;
		mutex_unlock(&svc->conn_lock);
		sns_svc_serve(svc, conn);
		mutex_lock(&svc->conn_lock);
		svc->conn = NULL;
		mutex_unlock(&svc->conn_lock);
		sock_release(conn);
	}
	return 0;
}

/*
 * The listener: IPv6 with IPV6_V6ONLY off, so that servers reach it over
 * IPv4 and IPv6 alike; plain IPv4 where the netns has no IPv6.
 */
static int sns_svc_listen(struct sns_svc *svc)
{
	struct sockaddr_storage ss = { .ss_family = AF_INET6 };
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	int len = sizeof(*sin6);
	int err;

	err = sock_create_kern(svc->net, AF_INET6, SOCK_STREAM, IPPROTO_TCP,
			       &svc->listen);
	if (err == -EAFNOSUPPORT) {
		ss.ss_family = AF_INET;
		len = sizeof(*sin);
		err = sock_create_kern(svc->net, AF_INET, SOCK_STREAM,
				       IPPROTO_TCP, &svc->listen);
	}
	if (err)
		return err;
	/* The connections it accepts hold the netns too. */
	sns_sock_hold_net(svc->listen);
	if (ss.ss_family == AF_INET6) {
		lock_sock(svc->listen->sk);
		svc->listen->sk->sk_ipv6only = false;
		release_sock(svc->listen->sk);
	}
	sock_set_reuseaddr(svc->listen->sk);
	svc->listen->sk->sk_rcvtimeo = HZ;
	err = kernel_bind(svc->listen, (struct sockaddr *)&ss, len);
	if (!err)
		err = kernel_listen(svc->listen, 16);
	if (!err)
		err = kernel_getsockname(svc->listen, (struct sockaddr *)&ss);
	if (err < 0) {
		sock_release(svc->listen);
		return err;
	}
	svc->port = ntohs(ss.ss_family == AF_INET6 ? sin6->sin6_port :
			  sin->sin_port);
	return 0;
}

static struct sns_svc *sns_svc_start(struct net *net)
{
	struct sns_svc *svc;
	int err;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	svc->net = net;
	mutex_init(&svc->conn_lock);
	err = sns_svc_listen(svc);
	if (err)
		goto out_free;
	svc->task = kthread_run(sns_svc_thread, svc, "sunrpc_ns_cb/%u",
				net->ns.inum);
	if (IS_ERR(svc->task)) {
		err = PTR_ERR(svc->task);
		goto out_sock;
	}
	return svc;

out_sock:
	sock_release(svc->listen);
out_free:
	mutex_destroy(&svc->conn_lock);
	kfree(svc);
	return ERR_PTR(err);
}

static void sns_svc_stop(struct sns_svc *svc)
{
	/*
	 * Wake the thread from accept() and from a connection's recv().  The
	 * thread releases conn only after taking conn_lock, so conn stays
	 * valid across its shutdown, which sleeps: a mutex, not a spinlock.
	 */
	kernel_sock_shutdown(svc->listen, SHUT_RDWR);
	mutex_lock(&svc->conn_lock);
	svc->stopping = true;
	if (svc->conn)
		kernel_sock_shutdown(svc->conn, SHUT_RDWR);
	mutex_unlock(&svc->conn_lock);
	kthread_stop(svc->task);
	sock_release(svc->listen);
	mutex_destroy(&svc->conn_lock);
	kfree(svc);
}

/**
 * sns_svc_get() - use the callback service of a netns, starting it
 * @net: the netns, held by the caller
 * @port: set to the service's TCP port
 *
 * Return: 0 or an errno.
 */
int sns_svc_get(struct net *net, u16 *port)
{
	struct sns_net *sn = sns_net(net);
	struct sns_svc *svc;
	int err = 0;

	mutex_lock(&sn->svc_mutex);
	if (!sn->svc) {
		svc = sns_svc_start(net);
		if (IS_ERR(svc)) {
			err = PTR_ERR(svc);
			goto out;
		}
		sn->svc = svc;
	}
	sn->svc_users++;
	*port = sn->svc->port;
out:
	mutex_unlock(&sn->svc_mutex);
	return err;
}

/**
 * sns_svc_put() - stop using it; the last user stops it
 * @net: the netns
 */
void sns_svc_put(struct net *net)
{
	struct sns_net *sn = sns_net(net);
	struct sns_svc *svc = NULL;

	mutex_lock(&sn->svc_mutex);
	if (!WARN_ON(!sn->svc_users) && !--sn->svc_users) {
		svc = sn->svc;
		sn->svc = NULL;
	}
	mutex_unlock(&sn->svc_mutex);
	if (svc)
		sns_svc_stop(svc);
}

/* Pernet exit: users hold the netns, so nothing should be running. */
void sns_svc_net_exit(struct net *net)
{
	struct sns_net *sn = sns_net(net);

	if (WARN_ON(sn->svc)) {
		sns_svc_stop(sn->svc);
		sn->svc = NULL;
	}
	mutex_destroy(&sn->svc_mutex);
}

/* The state file's lines about the service. */
void sns_svc_show(struct seq_file *m, struct net *net)
{
	struct sns_net *sn = sns_net(net);

	mutex_lock(&sn->svc_mutex);
	seq_printf(m, "callback_port: %u\n", sn->svc ? sn->svc->port : 0);
	seq_printf(m, "callback_users: %u\n", sn->svc_users);
	seq_printf(m, "callback_calls: %lld\n",
		   sn->svc ? atomic64_read(&sn->svc->calls) : 0);
	mutex_unlock(&sn->svc_mutex);
}
