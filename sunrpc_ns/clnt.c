// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: RPC clients whose transports live in their creator's network
 * namespace, their lifetime and their calls.
 *
 * A client takes a counted reference on the netns of the task that creates
 * it, and its transport (xprt.c) makes every socket in that netns, whoever
 * uses the client later (the fd may be passed anywhere).  The AUTH_SYS
 * machine name is the creator's UTS nodename at creation.  Calls are
 * synchronous, one at a time per client.  Each netns lists its clients in
 * /proc/net/sunrpc_ns/clients.  Upstream's model: net/sunrpc/clnt.c
 * (Documentation/sunrpc_ns.rst).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <net/net_namespace.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

#define SNS_HDR_MAX	512	/* call header with the largest AUTH_SYS */

static atomic_t sns_clnt_ids = ATOMIC_INIT(0);

/* Clients one effective uid may have in one netns (EMFILE beyond). */
static unsigned int max_clients_per_user = 128;
module_param(max_clients_per_user, uint, 0644);
MODULE_PARM_DESC(max_clients_per_user,
		 "clients per creator's effective uid per netns (default 128)");

/**
 * sns_clnt_call() - make one call
 * @clnt: the client
 * @proc: procedure
 * @args: XDR-encoded arguments
 * @args_len: their length
 * @res_max: the longest result the caller takes
 * @bufp: set to the reply, kvfree() it
 * @lenp: set to the reply's length; on -EMSGSIZE, to the length of the
 *	result, or 0 if the reply is longer than the module takes
 * @offp: set to the offset of the result in it
 *
 * Return: 0 or an errno (include/uapi/linux/nsmods_sunrpc_ns.h).
 */
int sns_clnt_call(struct sns_clnt *clnt, u32 proc, const void *args,
		  size_t args_len, size_t res_max, u8 **bufp, size_t *lenp,
		  size_t *offp)
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
	b.data = kvmalloc(b.len, GFP_KERNEL_ACCOUNT);
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
		err = sns_transmit(clnt, b.data, b.pos + args_len, xid,
				   res_max, bufp, lenp, offp);
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
	put_cred(clnt->cred);
	put_net_track(clnt->net, &clnt->net_tracker);
	kfree(clnt);
}

/*
 * The fd goes (or creation fails): the client leaves everything, its
 * memory may stay while an info file holds it.
 */
void sns_clnt_free(struct sns_clnt *clnt)
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
	/* no ioctl runs now; an rpcbind client is freed under svc_mutex */
	if (clnt->cb_held)
		sns_svc_put(clnt);
	sns_clnt_put(clnt);
}

/* fe80::/10: reached through one interface, named by a scope id. */
static bool sns_linklocal(const struct sunrpc_ns_create *c)
{
	return c->family == AF_INET6 && c->addr[0] == 0xfe &&
	       (c->addr[1] & 0xc0) == 0x80;
}

static int sns_check_create(const struct sunrpc_ns_create *c)
{
	if (c->flags & ~(SUNRPC_NS_CLOEXEC | SUNRPC_NS_RESVPORT))
		return -EINVAL;
	if (c->family != AF_INET && c->family != AF_INET6)
		return -EINVAL;
	if (sns_linklocal(c) != !!c->scope_id)
		return -EINVAL;
	if (c->proto != IPPROTO_UDP && c->proto != IPPROTO_TCP)
		return -EINVAL;
	if (c->auth != SUNRPC_NS_AUTH_NONE && c->auth != SUNRPC_NS_AUTH_SYS)
		return -EINVAL;
	if (c->port > 65535 || c->timeout_ms > SUNRPC_NS_MAX_TIMEOUT_MS ||
	    c->retries > 20)
		return -EINVAL;
	return 0;
}

/* A client in @net, not listed, not yet bound to a port if @c has none. */
struct sns_clnt *sns_clnt_alloc(struct net *net,
				const struct sunrpc_ns_create *c)
{
	const struct cred *cred = current_cred();
	struct sns_clnt *clnt;
	int i;

	clnt = kzalloc(sizeof(*clnt), GFP_KERNEL_ACCOUNT);
	if (!clnt)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&clnt->node);
	refcount_set(&clnt->ref, 1);
	mutex_init(&clnt->lock);
	spin_lock_init(&clnt->upcall_lock);
	INIT_LIST_HEAD(&clnt->upcalls);
	clnt->id = atomic_inc_return(&sns_clnt_ids);
	clnt->net = get_net_track(net, &clnt->net_tracker, GFP_KERNEL);
	clnt->cred = get_current_cred();
	clnt->resvport = c->flags & SUNRPC_NS_RESVPORT;
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
		sin6->sin6_scope_id = c->scope_id;
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

/* Called with sn->xprt_lock: may @clnt's creator list one more? */
static bool sns_user_may_list(struct sns_net *sn, const struct sns_clnt *clnt)
{
	const struct sns_clnt *c;
	unsigned int n = 0;

	list_for_each_entry(c, &sn->xprt_list, node)
		if (uid_eq(c->cred->euid, clnt->cred->euid))
			n++;
	return n < READ_ONCE(max_clients_per_user);
}

/*
 * A client in @net as @c asks, bound to its port (rpcbind's answer if @c
 * has none), in rpc_pipefs and on the netns's list; @host: the name it
 * came from, or "".  sns_clnt_free() undoes it.
 */
struct sns_clnt *sns_clnt_create(struct net *net,
				 const struct sunrpc_ns_create *c,
				 const char *host)
{
	struct sns_net *sn = sns_net(net);
	struct sns_clnt *clnt;
	int err;

	err = sns_check_create(c);
	if (err) {
		pr_info_ratelimited("create: bad parameters\n");
		return ERR_PTR(err);
	}
	clnt = sns_clnt_alloc(net, c);
	if (IS_ERR(clnt))
		return clnt;
	strscpy(clnt->host, host, sizeof(clnt->host));
	if (!c->port) {
		err = sns_rpcbind_lookup(clnt, c);
		if (err)
			goto out_free;
	}
	err = sns_clnt_pipefs_add(clnt);
	if (err)
		goto out_free;
	spin_lock(&sn->xprt_lock);
	if (!sns_user_may_list(sn, clnt)) {
		spin_unlock(&sn->xprt_lock);
		pr_info_ratelimited("create: uid %u has max_clients_per_user clients in netns %u\n",
				    from_kuid(&init_user_ns, clnt->cred->euid),
				    net->ns.inum);
		err = -EMFILE;
		goto out_free;
	}
	list_add_tail(&clnt->node, &sn->xprt_list);
	sn->nr_xprts++;
	clnt->listed = true;
	spin_unlock(&sn->xprt_lock);
	return clnt;

out_free:
	sns_clnt_free(clnt);
	return ERR_PTR(err);
}

/*
 * /proc/net/sunrpc_ns/clients: the reader's netns's clients only; all of
 * them if whoever opened the file had CAP_NET_ADMIN over the netns, else
 * those its effective uid created (servers are nobody else's business).
 */
int sns_clients_show(struct seq_file *m, void *v)
{
	struct net *net = seq_file_single_net(m);
	const struct cred *reader = m->file->f_cred;
	struct sns_net *sn = sns_net(net);
	struct sns_clnt *clnt;
	bool all;

	all = file_ns_capable(m->file, net->user_ns, CAP_NET_ADMIN);
	spin_lock(&sn->xprt_lock);
	list_for_each_entry(clnt, &sn->xprt_list, node) {
		if (!all && !uid_eq(clnt->cred->euid, reader->euid))
			continue;
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
