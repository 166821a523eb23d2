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
 *
 * The thread serves up to callback_max_conns connections at once without
 * ever blocking on one: every socket's wait queue has an entry that wakes
 * it (as poll's do: it kicks the thread's own wait queue), and the
 * thread reads what each has sent (MSG_DONTWAIT),
 * record by record, a bounded batch per connection per pass.  A
 * connection must bring a whole record within SNS_SVC_IDLE of its
 * previous one (or its accept), partial bytes do not count, and lives at
 * most callback_conn_lifetime seconds whatever it sends.  Asked to
 * (SUNRPC_NS_CB_RPCBIND), the service registers with the netns's rpcbind
 * and a kworker unregisters it when it stops (rpcb.c).
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kthread.h>
#include <linux/memcontrol.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

#define SNS_SVC_IDLE	(5 * HZ)	/* a record must be whole by then */
#define SNS_SVC_MAXREC	65536
#define SNS_SVC_BUDGET	64	/* reads per connection per pass */
#define SNS_SVC_BUF_MIN	512

static unsigned int callback_max_conns = 16;
module_param(callback_max_conns, uint, 0644);
MODULE_PARM_DESC(callback_max_conns,
		 "connections a netns's callback service serves at once; one more is closed at once (default 16, 1 to 1024)");

static unsigned int callback_conn_lifetime = 60;
module_param(callback_conn_lifetime, uint, 0644);
MODULE_PARM_DESC(callback_conn_lifetime,
		 "seconds a callback connection lives at most, however busy (default 60, 1 to 86400)");

struct sns_svc_conn {
	struct list_head node;		/* on sns_svc.conns */
	struct socket *sock;
	struct wait_queue_entry wait;	/* on sock's wait queue: wakes the thread */
	unsigned long deadline;		/* the next record must be whole by then */
	unsigned long end;		/* closed then, whatever it sends */
	u8 mark[4];			/* the fragment header being read */
	unsigned int mark_got;
	u32 frag_left;			/* bytes of the fragment still to come */
	bool last;			/* it is the record's last fragment */
	u8 *buf;			/* the record so far, kvmalloc'ed */
	size_t room, have;
};

struct sns_svc {
	struct net *net;		/* not counted: its users hold it */
	struct work_struct unset;	/* the UNSET at stop, in a kworker */
	struct socket *listen;
	struct wait_queue_entry lwait;	/* on listen's wait queue */
	struct task_struct *task;	/* the one thread; owns conns */
	wait_queue_head_t wq;		/* the thread waits here for a kick */
	struct mem_cgroup *memcg;	/* counted: the starter's, charged for
					 * what peers make the thread allocate
					 */
	u16 port;
	bool v6;			/* the listener takes IPv6 too */
	bool registered;		/* with rpcbind (sns_net.svc_mutex) */
	bool kicked;			/* a socket woke the thread */
	struct list_head conns;		/* the thread's only: no lock */
	unsigned int nconns;		/* written by the thread only */
	atomic64_t calls;
};

/*
 * A socket of the service has news: run the thread's loop again.  Only
 * its wait in the loop is woken, never a sleep inside a socket call.
 */
static int sns_svc_wake(struct wait_queue_entry *wait, unsigned int mode,
			int sync, void *key)
{
	struct sns_svc *svc = wait->private;

	WRITE_ONCE(svc->kicked, true);
	wake_up_interruptible(&svc->wq);
	return 0;
}

static int sns_svc_reply(struct sns_svc *svc, struct socket *conn,
			 const u8 *req, size_t len)
{
	/* never blocks: a peer that does not read its replies is dropped */
	struct msghdr mh = { .msg_flags = MSG_NOSIGNAL | MSG_DONTWAIT };
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
	if (n < 0)
		return n;
	return n == iov.iov_len ? 0 : -EAGAIN;
}

/* Up to @len bytes, never waiting: how many, 0 at EOF, -EAGAIN or an errno. */
static int sns_svc_recv(struct socket *sock, void *buf, size_t len)
{
	struct msghdr mh = { };
	struct kvec iov = { .iov_base = buf, .iov_len = len };

	return kernel_recvmsg(sock, &mh, &iov, 1, len, MSG_DONTWAIT);
}

/*
 * Room for @need bytes of record: the buffer at least doubles when it
 * grows (linear copying whatever the fragments), never beyond the record
 * limit, which the fragment headers were checked against.
 */
static int sns_svc_room(struct sns_svc_conn *c, size_t need)
{
	size_t room;
	u8 *bigger;

	if (c->buf && need <= c->room)
		return 0;
	room = max3(need, min_t(size_t, 2 * c->room, SNS_SVC_MAXREC),
		    (size_t)SNS_SVC_BUF_MIN);
	bigger = kvmalloc(room, GFP_KERNEL_ACCOUNT);
	if (!bigger)
		return -ENOMEM;
	if (c->have)
		memcpy(bigger, c->buf, c->have);
	kvfree(c->buf);
	c->buf = bigger;
	c->room = room;
	return 0;
}

/*
 * Serve what @c has sent, without waiting for more.
 * Return: 0 to keep it, or why to close it.
 */
static int sns_svc_conn_run(struct sns_svc *svc, struct sns_svc_conn *c)
{
	int i, n;

	for (i = 0; i < SNS_SVC_BUDGET; i++) {
		if (time_after_eq(jiffies, c->end))
			return -ETIMEDOUT;
		if (c->mark_got < sizeof(c->mark)) {
			n = sns_svc_recv(c->sock, c->mark + c->mark_got,
					 sizeof(c->mark) - c->mark_got);
			if (n <= 0)
				goto nothing;
			c->mark_got += n;
			if (c->mark_got < sizeof(c->mark))
				continue;
			n = sns_record_marker(get_unaligned_be32(c->mark), c->have,
					      SNS_SVC_MAXREC, &c->frag_left,
					      &c->last);
			if (n) {
				pr_info_ratelimited("callback service of netns %u: record too big\n",
						    svc->net->ns.inum);
				return n;
			}
			n = sns_svc_room(c, c->have + c->frag_left);
			if (n)
				return n;
		}
		if (c->frag_left) {
			n = sns_svc_recv(c->sock, c->buf + c->have, c->frag_left);
			if (n <= 0)
				goto nothing;
			c->have += n;
			c->frag_left -= n;
			if (c->frag_left)
				continue;
		}
		c->mark_got = 0;
		if (!c->last)
			continue;
		n = sns_svc_reply(svc, c->sock, c->buf, c->have);
		if (n)
			return n;
		c->have = 0;
		c->deadline = jiffies + SNS_SVC_IDLE;
	}
	/* Budget spent: the others' turn, then this one's again. */
	WRITE_ONCE(svc->kicked, true);
	return 0;
nothing:
	if (n == 0)
		return -ECONNRESET;	/* the peer closed */
	if (n != -EAGAIN)
		return n;
	return time_after_eq(jiffies, c->deadline) ? -ETIMEDOUT : 0;
}

static void sns_svc_conn_close(struct sns_svc *svc, struct sns_svc_conn *c)
{
	remove_wait_queue(sk_sleep(c->sock->sk), &c->wait);
	list_del(&c->node);
	WRITE_ONCE(svc->nconns, svc->nconns - 1);
	sock_release(c->sock);
	kvfree(c->buf);
	kfree(c);
}

/* Take the connections waiting on the listener, within the limit. */
static void sns_svc_accept(struct sns_svc *svc)
{
	unsigned int max = clamp(READ_ONCE(callback_max_conns), 1U, 1024U);
	unsigned long life = clamp(READ_ONCE(callback_conn_lifetime), 1U,
				   86400U) * HZ;
	struct sns_svc_conn *c;
	struct socket *sock;
	int i;

	for (i = 0; i < SNS_SVC_BUDGET; i++) {
		if (kernel_accept(svc->listen, &sock, O_NONBLOCK))
			return;
		if (svc->nconns >= max) {
			pr_info_ratelimited("callback service of netns %u: %u connections, one more closed\n",
					    svc->net->ns.inum, svc->nconns);
			sock_release(sock);
			continue;
		}
		c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
		if (!c) {
			sock_release(sock);
			continue;
		}
		c->sock = sock;
		c->deadline = jiffies + SNS_SVC_IDLE;
		c->end = jiffies + life;
		init_waitqueue_func_entry(&c->wait, sns_svc_wake);
		c->wait.private = svc;
		/* what came before this is read in this pass */
		add_wait_queue(sk_sleep(sock->sk), &c->wait);
		list_add_tail(&c->node, &svc->conns);
		WRITE_ONCE(svc->nconns, svc->nconns + 1);
	}
	WRITE_ONCE(svc->kicked, true);	/* more may be waiting */
}

static int sns_svc_thread(void *data)
{
	struct sns_svc *svc = data;
	struct mem_cgroup *old = set_active_memcg(svc->memcg);
	struct sns_svc_conn *c, *tmp;
	unsigned long next;

	add_wait_queue(sk_sleep(svc->listen->sk), &svc->lwait);
	while (!kthread_should_stop()) {
		/* a wake from here on makes the loop run again */
		smp_store_mb(svc->kicked, false);
		next = jiffies + SNS_SVC_IDLE;
		sns_svc_accept(svc);
		list_for_each_entry_safe(c, tmp, &svc->conns, node) {
			if (sns_svc_conn_run(svc, c)) {
				sns_svc_conn_close(svc, c);
				continue;
			}
			if (time_before(c->deadline, next))
				next = c->deadline;
			if (time_before(c->end, next))
				next = c->end;
			cond_resched();
		}
		if (time_before(jiffies, next))
			wait_event_interruptible_timeout(svc->wq,
							 READ_ONCE(svc->kicked) ||
							 kthread_should_stop(),
							 next - jiffies);
	}
	list_for_each_entry_safe(c, tmp, &svc->conns, node)
		sns_svc_conn_close(svc, c);
	remove_wait_queue(sk_sleep(svc->listen->sk), &svc->lwait);
	set_active_memcg(old);
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
	svc->v6 = ss.ss_family == AF_INET6;
	err = kernel_bind(svc->listen, (struct sockaddr *)&ss, len);
	if (!err)
		err = kernel_listen(svc->listen, 64);
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

/*
 * The UNSET at stop runs in a kworker: no signal can cut it short there,
 * while the task stopping the service may have a fatal one pending (a
 * killed last client), and the service's thread, once kthread_stop() is
 * called, has TIF_NOTIFY_SIGNAL set (its waits end with ERESTARTSYS).
 */
static void sns_svc_unset(struct work_struct *work)
{
	struct sns_svc *svc = container_of(work, struct sns_svc, unset);

	sns_rpcb_register(svc->net, SUNRPC_NS_CB_PROG, SUNRPC_NS_CB_VERS, 0,
			  svc->v6);
}

static struct sns_svc *sns_svc_start(struct net *net)
{
	struct task_struct *task;
	struct sns_svc *svc;
	int err;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return ERR_PTR(-ENOMEM);
	svc->net = net;
	INIT_LIST_HEAD(&svc->conns);
	init_waitqueue_head(&svc->wq);
	INIT_WORK(&svc->unset, sns_svc_unset);
	init_waitqueue_func_entry(&svc->lwait, sns_svc_wake);
	svc->lwait.private = svc;
	svc->memcg = get_mem_cgroup_from_mm(current->mm);
	err = sns_svc_listen(svc);
	if (err)
		goto out_free;
	task = kthread_run(sns_svc_thread, svc, "sunrpc_ns_cb/%u",
			   net->ns.inum);
	if (IS_ERR(task)) {
		err = PTR_ERR(task);
		goto out_sock;
	}
	svc->task = task;
	return svc;

out_sock:
	sock_release(svc->listen);
out_free:
	mem_cgroup_put(svc->memcg);
	kfree(svc);
	return ERR_PTR(err);
}

/*
 * Called with sns_net.svc_mutex held, so that a new service's SET cannot
 * come before this one's UNSET.  The thread closes every connection and
 * leaves the sockets' wait queues; then nothing but us uses the
 * listener.
 */
static void sns_svc_stop(struct sns_svc *svc)
{
	kthread_stop(svc->task);
	if (svc->registered) {
		queue_work(system_long_wq, &svc->unset);
		flush_work(&svc->unset);
	}
	sock_release(svc->listen);
	mem_cgroup_put(svc->memcg);
	kfree(svc);
}

/**
 * sns_svc_get() - make a client a user of its netns's callback service
 * @clnt: the client, in its netns; one hold per client
 * @flags: SUNRPC_NS_CB_RPCBIND to have the service registered
 * @port: set to the service's TCP port
 *
 * Starts the service if it is the first user; registers it with the
 * netns's rpcbind if asked and not done yet.  If that fails, the client
 * does not become a user (and a service started for it stops).
 *
 * Return: 0, EINTR, or an errno of the start or the registration.
 */
int sns_svc_get(struct sns_clnt *clnt, u32 flags, u16 *port)
{
	struct sns_net *sn = sns_net(clnt->net);
	struct sns_svc *svc;
	int err = 0;

	/* held across another's SET or stop, which may wait on rpcbind */
	if (mutex_lock_interruptible(&sn->svc_mutex))
		return -EINTR;
	svc = sn->svc;
	if (!svc) {
		svc = sns_svc_start(clnt->net);
		if (IS_ERR(svc)) {
			err = PTR_ERR(svc);
			goto out;
		}
		sn->svc = svc;
	}
	if ((flags & SUNRPC_NS_CB_RPCBIND) && !svc->registered) {
		err = sns_rpcb_register(clnt->net, SUNRPC_NS_CB_PROG,
					SUNRPC_NS_CB_VERS, svc->port, svc->v6);
		if (err) {
			if (!sn->svc_users) {
				sn->svc = NULL;
				sns_svc_stop(svc);
			}
			goto out;
		}
		svc->registered = true;
	}
	if (!clnt->cb_held) {
		clnt->cb_held = true;
		sn->svc_users++;
	}
	*port = svc->port;
out:
	mutex_unlock(&sn->svc_mutex);
	return err;
}

/**
 * sns_svc_put() - a client stops using the service; the last stops it
 * @clnt: the client, which may not be a user
 */
void sns_svc_put(struct sns_clnt *clnt)
{
	struct sns_net *sn = sns_net(clnt->net);

	mutex_lock(&sn->svc_mutex);
	if (clnt->cb_held) {
		clnt->cb_held = false;
		if (!WARN_ON(!sn->svc_users || !sn->svc) && !--sn->svc_users) {
			sns_svc_stop(sn->svc);
			sn->svc = NULL;
		}
	}
	mutex_unlock(&sn->svc_mutex);
}

/* Pernet exit: users hold the netns, so nothing should be running. */
void sns_svc_net_exit(struct net *net)
{
	struct sns_net *sn = sns_net(net);

	if (WARN_ON(sn->svc)) {
		/* no socket can be made in a dying netns: no UNSET */
		sn->svc->registered = false;
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
	seq_printf(m, "callback_conns: %u\n",
		   sn->svc ? READ_ONCE(sn->svc->nconns) : 0);
	seq_printf(m, "callback_rpcbind: %u\n",
		   sn->svc ? sn->svc->registered : 0);
	mutex_unlock(&sn->svc_mutex);
}
