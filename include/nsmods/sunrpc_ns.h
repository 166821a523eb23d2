/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmods_sunrpc_ns: its per network namespace state and the ONC RPC wire
 * format it shares with its KUnit suite.
 */
#ifndef _NSMODS_SUNRPC_NS_H
#define _NSMODS_SUNRPC_NS_H

#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/nsmods_sunrpc_ns.h>

struct net;
struct proc_dir_entry;
struct sns_svc;
struct sns_hcache;

/**
 * struct sns_net - state sunrpc_ns keeps in every network namespace
 * @net: the namespace this state belongs to; not a counted reference, the
 *	state lives inside @net (net_generic) and dies with it
 * @instance: number of this state, unique for the life of the module load
 * @proc_dir: /proc/net/sunrpc_ns of this namespace
 * @xprt_lock: protects @xprt_list and @nr_xprts
 * @xprt_list: the transports created in this namespace
 * @nr_xprts: number of entries on @xprt_list
 * @svc_mutex: protects @svc, @svc_users, the clients' cb_held and the
 *	service's registration; held while the service starts, registers
 *	and stops
 * @svc: the callback service, while it has users
 * @svc_users: clients using @svc
 * @hcache: the namespace's host name cache (rpc_pipefs
 *	cache/sunrpc_ns_hosts)
 */
struct sns_net {
	struct net *net;
	u64 instance;
	struct proc_dir_entry *proc_dir;
	spinlock_t xprt_lock;		/* protects xprt_list, nr_xprts */
	struct list_head xprt_list;
	unsigned int nr_xprts;
	struct mutex svc_mutex;		/* protects svc, svc_users, cb_held */
	struct sns_svc *svc;
	unsigned int svc_users;
	struct sns_hcache *hcache;
};

/* sunrpc_ns/main.c */
struct sns_net *sns_net(const struct net *net);
int sns_live_nets(void);

/* ONC RPC (RFC 5531) and rpcbind (RFC 1833) constants. */
#define SNS_RPC_VERSION		2
#define SNS_MSG_CALL		0
#define SNS_MSG_REPLY		1
#define SNS_MSG_ACCEPTED	0
#define SNS_MSG_DENIED		1
#define SNS_SUCCESS		0
#define SNS_PROG_UNAVAIL	1
#define SNS_PROG_MISMATCH	2
#define SNS_PROC_UNAVAIL	3
#define SNS_GARBAGE_ARGS	4
#define SNS_SYSTEM_ERR		5
#define SNS_RPC_MISMATCH	0
#define SNS_AUTH_ERROR		1
#define SNS_AUTH_NONE		0
#define SNS_AUTH_SYS		1
#define SNS_MAX_AUTH		400	/* opaque_auth body */
#define SNS_MAX_MACHINE		255
#define SNS_MAX_GIDS		16
#define SNS_RPCB_PROG		100000
#define SNS_RPCB_PORT		111
#define SNS_PMAP_GETPORT	3	/* version 2 */
#define SNS_PMAP_DUMP		4	/* version 2 */
#define SNS_RPCB_GETADDR	3	/* version 4 */

/* A cursor over a byte buffer: [0, pos) used, [pos, len) free or unread. */
struct sns_buf {
	u8 *data;
	size_t len;
	size_t pos;
};

/* An AUTH_SYS credential. */
struct sns_cred {
	u32 stamp;
	const char *machine;
	u32 uid;
	u32 gid;
	u32 ngids;
	const u32 *gids;
};

/* The header of a call a service received. */
struct sns_call_hdr {
	u32 xid;
	u32 prog;
	u32 vers;
	u32 proc;
	u32 flavor;
	size_t args_off;
};

/* XDR and the RPC messages (sunrpc_ns/xdr.c). */
int sns_put_u32(struct sns_buf *b, u32 v);
int sns_put_opaque(struct sns_buf *b, const void *p, u32 n);
int sns_get_u32(struct sns_buf *b, u32 *v);
int sns_get_opaque(struct sns_buf *b, const u8 **p, u32 *n, u32 max);
int sns_encode_call(struct sns_buf *b, u32 xid, u32 prog, u32 vers, u32 proc,
		    const struct sns_cred *cred);
int sns_reply_xid(const u8 *data, size_t len, u32 *xid);
int sns_parse_reply(const u8 *data, size_t len, u32 xid, size_t *res_off);
int sns_parse_uaddr(const u8 *s, u32 len, u16 *port);
int sns_record_marker(u32 marker, size_t have, size_t max, u32 *frag,
		      bool *last);
int sns_parse_call(const u8 *data, size_t len, struct sns_call_hdr *h);
int sns_encode_reply(struct sns_buf *b, u32 xid, u32 stat, bool denied);

/* Host cache downcalls (sunrpc_ns/hcache.c), gssd-like downcalls (upcall.c). */
#define SNS_HC_NAME_MAX		63	/* longest host name */
#define SNS_HC_TTL_MAX		(7 * 24 * 3600)	/* longest expiry, seconds */

struct sns_hc_reply {
	char name[SNS_HC_NAME_MAX + 1];
	u32 family;
	u8 addr[16];
	u32 ttl;
};

bool sns_hc_name_ok(const char *name, size_t len);
int sns_hc_parse(const char *buf, size_t len, struct sns_hc_reply *r);
int sns_gss_parse(const char *buf, size_t len, u32 *seq, char *answer,
		  size_t room);

/*
 * The retransmit timeout (sunrpc_ns/xprt.c), doubled up to SNS_TIMEO_MAX:
 * the largest first timeout a create accepts, so that no accepted timeout
 * is cut short.
 */
#define SNS_TIMEO_MAX	msecs_to_jiffies(SUNRPC_NS_MAX_TIMEOUT_MS)

unsigned long sns_backoff(unsigned long timeout, unsigned int attempt,
			  unsigned long cap);

#endif /* _NSMODS_SUNRPC_NS_H */
