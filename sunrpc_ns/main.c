// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_sunrpc_ns: kernel ONC RPC clients whose sockets live in their
 * creator's network namespace, a callback listener per namespace, and the
 * clients' rpc_pipefs directories and host cache (Documentation/sunrpc_ns.rst).
 *
 * This file holds the module's init/exit ladder and the pernet_operations
 * that give every network namespace a struct sns_net, shown in its own
 * /proc/net/sunrpc_ns/state.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <nsmods/sunrpc_ns.h>
#include "internal.h"

#define SNS_PROC_NAME "sunrpc_ns"

static unsigned int sns_net_id __read_mostly;

/* Source of sns_net::instance; only ever increases. */
static atomic64_t sns_instances = ATOMIC64_INIT(0);

/* Counts namespaces whose state is initialised and not yet torn down. */
static atomic_t sns_live = ATOMIC_INIT(0);

/**
 * sns_net() - the sunrpc_ns state of a network namespace
 * @net: the namespace; the caller keeps it alive
 *
 * Return: the state, valid for as long as @net is.
 */
struct sns_net *sns_net(const struct net *net)
{
	return net_generic(net, sns_net_id);
}
EXPORT_SYMBOL_GPL(sns_net);

/**
 * sns_live_nets() - number of namespaces holding sunrpc_ns state
 *
 * Return: how many namespaces have run our pernet init and not yet our
 * pernet exit.
 */
int sns_live_nets(void)
{
	return atomic_read(&sns_live);
}
EXPORT_SYMBOL_GPL(sns_live_nets);

static int sns_state_show(struct seq_file *m, void *v)
{
	struct net *net = seq_file_single_net(m);
	struct sns_net *sn = sns_net(net);
	unsigned int nr;

	spin_lock(&sn->xprt_lock);
	nr = sn->nr_xprts;
	spin_unlock(&sn->xprt_lock);

	seq_printf(m, "netns: %u\n", net->ns.inum);
	seq_printf(m, "instance: %llu\n", sn->instance);
	seq_printf(m, "transports: %u\n", nr);
	sns_svc_show(m, net);
	return 0;
}

/*
 * The proc files' allocations are the ones tests/pernet_faults.sh fails in
 * turn (three per namespace); the host cache allocates from another cache.
 */
static int __net_init sns_net_init(struct net *net)
{
	struct sns_net *sn = sns_net(net);
	int err;

	sn->net = net;
	spin_lock_init(&sn->xprt_lock);
	INIT_LIST_HEAD(&sn->xprt_list);
	sn->nr_xprts = 0;
	mutex_init(&sn->svc_mutex);
	sn->svc = NULL;
	sn->svc_users = 0;
	sn->hcache = NULL;

	/* proc_net_mkdir() and proc_create*() fail only for want of memory. */
	err = -ENOMEM;
	sn->proc_dir = proc_net_mkdir(net, SNS_PROC_NAME, net->proc_net);
	if (!sn->proc_dir)
		goto err_fields;
	if (!proc_create_net_single("state", 0444, sn->proc_dir,
				    sns_state_show, NULL) ||
	    !proc_create_net_single("clients", 0444, sn->proc_dir,
				    sns_clients_show, NULL))
		goto err_proc;

	err = sns_hcache_net_init(net);
	if (err)
		goto err_proc;

	sn->instance = atomic64_inc_return(&sns_instances);
	atomic_inc(&sns_live);
	return 0;

err_proc:
	proc_remove(sn->proc_dir);	/* and the files made in it */
	sn->proc_dir = NULL;
err_fields:
	mutex_destroy(&sn->svc_mutex);
	pr_warn_ratelimited("netns %u: cannot create /proc/net/%s or the host cache: %d\n",
			    net->ns.inum, SNS_PROC_NAME, err);
	return err;
}

/* sns_net_init() backwards; sns_live drops once all is gone. */
static void __net_exit sns_net_exit(struct net *net)
{
	struct sns_net *sn = sns_net(net);

	sns_hcache_net_exit(net);
	proc_remove(sn->proc_dir);
	sn->proc_dir = NULL;
	/* Clients hold their netns: none is left, nor any callback user. */
	WARN_ON_ONCE(!list_empty(&sn->xprt_list));
	sns_svc_net_exit(net);		/* destroys svc_mutex */
	atomic_dec(&sns_live);
}

static struct pernet_operations sns_net_ops = {
	.init = sns_net_init,
	.exit = sns_net_exit,
	.id = &sns_net_id,
	.size = sizeof(struct sns_net),
};

static int __init sns_init(void)
{
	int err;

	err = register_pernet_subsys(&sns_net_ops);
	if (err) {
		pr_err("cannot register pernet operations: %d\n", err);
		return err;
	}
	err = sns_dev_init();
	if (err)
		goto err_pernet;
	pr_debug("loaded\n");
	return 0;

err_pernet:
	unregister_pernet_subsys(&sns_net_ops);
	return err;
}

/* sns_init() backwards. */
static void __exit sns_exit(void)
{
	/* Client fds pin the module, so none is left. */
	sns_dev_exit();
	unregister_pernet_subsys(&sns_net_ops);
	WARN_ON(atomic_read(&sns_live));
}

module_init(sns_init);
module_exit(sns_exit);

MODULE_DESCRIPTION("ONC RPC clients and callback listeners per network namespace");
MODULE_LICENSE("GPL");
