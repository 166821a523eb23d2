/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sunrpc_ns: per network namespace state for RPC transports.
 */
#ifndef _NSMODS_SUNRPC_NS_H
#define _NSMODS_SUNRPC_NS_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct net;
struct proc_dir_entry;

/**
 * struct sunrpc_ns_net - state sunrpc_ns keeps in every network namespace
 * @net: the namespace this state belongs to; not a counted reference, the
 *	state lives inside @net (net_generic) and dies with it
 * @instance: number of this state, unique for the life of the module load
 * @proc_dir: /proc/net/sunrpc_ns of this namespace
 * @xprt_lock: protects @xprt_list and @nr_xprts
 * @xprt_list: the transports created in this namespace
 * @nr_xprts: number of entries on @xprt_list
 */
struct sunrpc_ns_net {
	struct net *net;
	u64 instance;
	struct proc_dir_entry *proc_dir;
	spinlock_t xprt_lock;		/* protects xprt_list, nr_xprts */
	struct list_head xprt_list;
	unsigned int nr_xprts;
};

struct sunrpc_ns_net *sunrpc_ns_net(const struct net *net);
int sunrpc_ns_live_nets(void);

#endif /* _NSMODS_SUNRPC_NS_H */
