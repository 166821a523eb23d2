/* SPDX-License-Identifier: GPL-2.0 */
/* sunrpc_ns: what its files share (Documentation/sunrpc_ns.rst). */
#ifndef _NSMODS_SUNRPC_NS_INTERNAL_H
#define _NSMODS_SUNRPC_NS_INTERNAL_H

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/utsname.h>
#include <net/net_trackers.h>

#include <nsmods/rpc_pipefs.h>
#include <nsmods/sunrpc_ns.h>
#include <uapi/linux/nsmods_sunrpc_ns.h>

struct seq_file;
struct socket;
struct net;

struct sns_clnt {
	struct list_head node;		/* on sns_net.xprt_list */
	bool listed;			/* on it (xprt_lock) */
	refcount_t ref;			/* pins this memory: the fd's, and
					 * one per open rpc_pipefs info file
					 */
	u32 id;
	struct net *net;		/* counted: the creator's netns */
	netns_tracker net_tracker;
	const struct cred *cred;	/* counted: the creator's credentials */
	bool resvport;			/* SUNRPC_NS_RESVPORT */
	struct sockaddr_storage addr;
	int addrlen;
	u32 family, proto, prog, vers, auth;
	u16 port;
	unsigned long timeout;		/* first reply timeout, jiffies */
	unsigned int retries;
	char nodename[__NEW_UTS_LEN + 1];
	char host[SUNRPC_NS_HOST_MAX];	/* name it was made from, or "" */
	u32 uid, gid, ngids, gids[SNS_MAX_GIDS];
	struct mutex lock;		/* one call at a time: sock, xid */
	struct socket *sock;		/* NULL until the next (re)connect */
	bool connected_once;		/* (lock) */
	bool cb_held;			/* uses the netns's callback service
					 * (sns_net.svc_mutex)
					 */
	u32 xid;			/* (lock) */
	atomic64_t calls, retrans, reconnects, sockets, bad_replies;
	/* rpc_pipefs: nfs/clnt<id>/{info,gssd} (clnt_pipefs.c, upcall.c) */
	struct nspipefs_dir pdir;
	char pdir_name[16];
	struct nspipefs_file info;
	struct nspipefs_pipe gssd;
	spinlock_t upcall_lock;		/* protects upcalls, upcall_seq */
	struct list_head upcalls;	/* upcalls waiting for their answer */
	u32 upcall_seq;
};

/*
 * main.c (sns_net(), sns_live_nets()) and xdr.c are declared in
 * include/nsmods/sunrpc_ns.h, shared with the KUnit suite.
 */

/* clnt.c */
int sns_clnt_call(struct sns_clnt *clnt, u32 proc, const void *args,
		  size_t args_len, size_t res_max, u8 **bufp, size_t *lenp,
		  size_t *offp);
void sns_clnt_put(struct sns_clnt *clnt);
void sns_clnt_free(struct sns_clnt *clnt);
struct sns_clnt *sns_clnt_alloc(struct net *net,
				const struct sunrpc_ns_create *c);
struct sns_clnt *sns_clnt_create(struct net *net,
				 const struct sunrpc_ns_create *c,
				 const char *host);
int sns_clients_show(struct seq_file *m, void *v);

/* xprt.c (and sns_backoff() in include/nsmods/sunrpc_ns.h) */
void sns_drop_sock(struct sns_clnt *clnt);
void sns_sock_hold_net(struct socket *sock);
int sns_transmit(struct sns_clnt *clnt, const u8 *msg, size_t len,
		 u32 xid, size_t res_max, u8 **bufp, size_t *lenp,
		 size_t *offp);
int sns_recv(struct socket *sock, void *buf, size_t len,
	     unsigned long deadline, bool all);
int sns_read_record(struct socket *sock, u8 **bufp, size_t *roomp,
		    size_t max, unsigned long deadline);

/* rpcb.c */
int sns_rpcb_getport(struct sns_clnt *rb, u32 prog, u32 vers, u32 family,
		     u32 proto, u16 *port);
int sns_rpcbind_lookup(struct sns_clnt *clnt,
		       const struct sunrpc_ns_create *c);
long sns_ioc_rpcb(struct sns_clnt *clnt, struct sunrpc_ns_rpcb __user *uarg);
int sns_rpcb_register(struct net *net, u32 prog, u32 vers, u16 port, bool v6);

/* dev.c */
int sns_dev_init(void);
void sns_dev_exit(void);

/* clnt_pipefs.c */
int sns_clnt_pipefs_add(struct sns_clnt *clnt);
void sns_clnt_pipefs_del(struct sns_clnt *clnt);

/* upcall.c (and sns_gss_parse() in include/nsmods/sunrpc_ns.h) */
void sns_gssd_pipe_init(struct sns_clnt *clnt);
long sns_ioc_upcall(struct sns_clnt *clnt,
		    struct sunrpc_ns_upcall __user *uarg);

/*
 * hcache.c (and sns_hc_name_ok(), sns_hc_parse() in
 * include/nsmods/sunrpc_ns.h)
 */
int sns_hcache_net_init(struct net *net);
void sns_hcache_net_exit(struct net *net);
int sns_hcache_resolve(struct net *net, const char *name,
		       unsigned long timeout, u32 *family, u8 *addr);

/* svc.c */
int sns_svc_get(struct sns_clnt *clnt, u32 flags, u16 *port);
void sns_svc_put(struct sns_clnt *clnt);
void sns_svc_net_exit(struct net *net);
void sns_svc_show(struct seq_file *m, struct net *net);

/*
 * For the downcall parsers of upcall.c and hcache.c: 1 to @room - 1
 * decimal digits, copied to @num with a NUL.
 */
static inline bool sns_digits(const char *s, size_t len, char *num,
			      size_t room)
{
	size_t i;

	if (!len || len >= room)
		return false;
	for (i = 0; i < len; i++)
		if (!isdigit(s[i]))
			return false;
	memcpy(num, s, len);
	num[len] = '\0';
	return true;
}

#endif /* _NSMODS_SUNRPC_NS_INTERNAL_H */
