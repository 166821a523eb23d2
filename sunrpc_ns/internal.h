/* SPDX-License-Identifier: GPL-2.0 */
/* sunrpc_ns: what its files share (Documentation/sunrpc_ns.rst). */
#ifndef _NSMODS_SUNRPC_NS_INTERNAL_H
#define _NSMODS_SUNRPC_NS_INTERNAL_H

#include <linux/types.h>

struct seq_file;
struct sns_clnt;
struct socket;
struct net;

/* clnt.c */
int sns_clnt_init(void);
void sns_clnt_exit(void);
int sns_clients_show(struct seq_file *m, void *v);
int sns_clnt_call(struct sns_clnt *clnt, u32 proc, const void *args,
		  size_t args_len, u8 **bufp, size_t *lenp, size_t *offp);
int sns_recv(struct socket *sock, void *buf, size_t len,
	     unsigned long deadline, bool all);
int sns_read_record(struct socket *sock, u8 **bufp, size_t *roomp,
		    size_t max, unsigned long deadline);
int sns_rpcb_getport(struct sns_clnt *rb, u32 prog, u32 vers, u32 family,
		     u32 proto, u16 *port);

/* svc.c */
int sns_svc_get(struct net *net, u16 *port);
void sns_svc_put(struct net *net);
void sns_svc_net_exit(struct net *net);
void sns_svc_show(struct seq_file *m, struct net *net);

#endif /* _NSMODS_SUNRPC_NS_INTERNAL_H */
