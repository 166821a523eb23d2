/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sunrpc_ns: kernel ONC RPC clients whose transports live in the network
 * namespace of the task that created them (Documentation/sunrpc_ns.rst).
 *
 * SUNRPC_NS_IOC_CREATE on /dev/nsmods_sunrpc_ns makes a client in the caller's
 * network namespace and returns its fd.  On that fd, whoever holds it and
 * in whatever namespace: SUNRPC_NS_IOC_CALL makes one call (the kernel
 * does the RPC header, credentials, xid, retransmission or record marking
 * and reply checks; the caller gives and gets the procedure's XDR body),
 * SUNRPC_NS_IOC_INFO reports the client, SUNRPC_NS_IOC_RPCB asks an
 * rpcbind server (a client of program 100000), SUNRPC_NS_IOC_UPCALL
 * makes a gssd-like upcall on the client's rpc_pipefs pipe.
 *
 * Who may: CREATE and CREATE_HOST need CAP_NET_ADMIN over the caller's
 * netns (its owning user namespace), checked on the calling task at each
 * create; CALLBACK and CALLBACK_FLAGS the same over the client's netns.
 * The other ioctls on a client fd are for whoever holds the fd, as with a
 * socket fd.  EPERM otherwise; EMFILE when the creator's effective uid already has the
 * module's max_clients_per_user clients in that netns.
 */
#ifndef _UAPI_LINUX_NSMODS_SUNRPC_NS_H
#define _UAPI_LINUX_NSMODS_SUNRPC_NS_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SUNRPC_NS_DEVICE	"/dev/nsmods_sunrpc_ns"

#define SUNRPC_NS_AUTH_NONE	0	/* AUTH_NONE */
#define SUNRPC_NS_AUTH_SYS	1	/* AUTH_SYS (AUTH_UNIX) */

#define SUNRPC_NS_CLOEXEC	0x1	/* create: the client fd is O_CLOEXEC */
#define SUNRPC_NS_RESVPORT	0x2	/* create: every socket of the client
					 * binds a reserved source port
					 * (665-1023), as servers' "secure"
					 * exports want; the creator needs
					 * CAP_NET_BIND_SERVICE over the netns
					 */

#define SUNRPC_NS_MAX_ARGS	65536	/* largest argument body */
#define SUNRPC_NS_MAX_TIMEOUT_MS 60000	/* largest timeout_ms, and the longest
					 * UDP reply timeout after doubling
					 */
#define SUNRPC_NS_MAX_RES	(1 << 20) /* largest result body */

/* SUNRPC_NS_IOC_CREATE: returns the new client's fd. */
struct sunrpc_ns_create {
	__u32 family;		/* AF_INET or AF_INET6 */
	__u32 proto;		/* IPPROTO_UDP or IPPROTO_TCP */
	__u8 addr[16];		/* server address, network order; IPv4 in
				 * the first 4 bytes
				 */
	__u32 port;		/* server port; 0: ask the server's rpcbind
				 * (v4 GETADDR, then v2 GETPORT)
				 */
	__u32 prog;		/* RPC program */
	__u32 vers;		/* its version */
	__u32 auth;		/* SUNRPC_NS_AUTH_* */
	__u32 timeout_ms;	/* first reply timeout; 0: 1000; at most
				 * SUNRPC_NS_MAX_TIMEOUT_MS; UDP doubles it on
				 * each retransmission up to that too
				 */
	__u32 retries;		/* UDP retransmissions, TCP reconnects, before
				 * ETIMEDOUT; 0: 3
				 */
	__u32 flags;		/* SUNRPC_NS_CLOEXEC, SUNRPC_NS_RESVPORT */
	__u32 scope_id;		/* an IPv6 link-local server (fe80::/10):
				 * the interface index (in the creator's
				 * netns) it is reached on; otherwise 0
				 */
};

/* SUNRPC_NS_IOC_CALL: one call; 0 on success, res_len set. */
struct sunrpc_ns_call {
	__u32 proc;		/* procedure number */
	__u32 args_len;		/* bytes at args: a multiple of 4, at most
				 * SUNRPC_NS_MAX_ARGS
				 */
	__u64 args;		/* user pointer: the XDR-encoded arguments */
	__u64 res;		/* user pointer: room for the XDR result */
	__u32 res_len;		/* in: room at res; out: the result's length,
				 * also on EMSGSIZE (the room it needs)
				 */
	__u32 pad;		/* must be 0 */
};

/*
 * Errors of a call: ETIMEDOUT (no reply after the retries), ECONNREFUSED,
 * EACCES (MSG_DENIED: AUTH_ERROR), EPROTONOSUPPORT (RPC_MISMATCH or
 * PROG_MISMATCH), EPFNOSUPPORT (PROG_UNAVAIL), EOPNOTSUPP (PROC_UNAVAIL),
 * EINVAL (GARBAGE_ARGS), EREMOTEIO (SYSTEM_ERR), EBADMSG (a malformed
 * reply: short, bad verifier, bad lengths), EMSGSIZE (the result does not
 * fit res_len: res_len is set to the result's length, call again with that
 * much room; or a TCP record is larger than SUNRPC_NS_MAX_RES: res_len is
 * set to 0).  Replies with a wrong xid, and UDP datagrams shorter than
 * 8 bytes (no xid and message type), are dropped and counted in
 * bad_replies, never returned: the call goes on waiting for its reply.
 */

/* SUNRPC_NS_IOC_INFO */
struct sunrpc_ns_info {
	__u32 net_inum;		/* inode number of the client's netns */
	__u32 port;		/* server port in use (after rpcbind) */
	__u32 prog;
	__u32 vers;
	__u32 proto;
	__u32 family;
	__u64 calls;		/* calls made */
	__u64 retrans;		/* UDP retransmissions */
	__u64 reconnects;	/* TCP reconnections after the first */
	__u64 sockets;		/* sockets created, first included */
	__u64 bad_replies;	/* replies dropped: wrong xid, malformed */
	char nodename[65];	/* AUTH_SYS machine name (creator's UTS) */
	__u8 pad[3];
	__u32 clnt_id;		/* the client's number: its rpc_pipefs
				 * directory is nfs/clnt<clnt_id in hex>
				 */
};

/* SUNRPC_NS_IOC_RPCB, on a client of rpcbind (program 100000) */
#define SUNRPC_NS_RPCB_GETPORT	1	/* portmap v2 GETPORT: client vers 2 */
#define SUNRPC_NS_RPCB_DUMP	2	/* portmap v2 DUMP: client vers 2 */
#define SUNRPC_NS_RPCB_GETADDR	3	/* rpcbind v4 GETADDR: client vers 4 */

struct sunrpc_ns_pmap {
	__u32 prog;
	__u32 vers;
	__u32 proto;
	__u32 port;
};

struct sunrpc_ns_rpcb {
	__u32 op;		/* SUNRPC_NS_RPCB_* */
	__u32 prog;		/* GETPORT/GETADDR: the program asked for */
	__u32 vers;
	__u32 proto;		/* IPPROTO_UDP or IPPROTO_TCP */
	__u32 family;		/* GETADDR: AF_INET or AF_INET6 (netid) */
	__u32 port;		/* out: the port, 0 if not registered */
	__u32 count;		/* DUMP: in: room at entries; out: mappings
				 * in the reply (may exceed the room)
				 */
	__u32 pad;		/* must be 0 */
	__u64 entries;		/* DUMP: user pointer to
				 * struct sunrpc_ns_pmap[count]
				 */
};

/*
 * SUNRPC_NS_IOC_CALLBACK on a client fd: the client uses (and starts, if
 * it is the first) its netns's callback service, a TCP listener in that
 * netns serving program SUNRPC_NS_CB_PROG; the ioctl returns its port.
 * The service stops when the last client using it is closed.  The
 * caller needs CAP_NET_ADMIN over the client's netns (EPERM otherwise).
 */
#define SUNRPC_NS_CB_PROG	0x20000098
#define SUNRPC_NS_CB_VERS	1
#define SUNRPC_NS_CB_NULL	0
#define SUNRPC_NS_CB_WHOAMI	1	/* result: string "netns <inum>" */

/*
 * The service serves up to the module's callback_max_conns connections
 * at once (default 16; one more is accepted and closed at once); each
 * must bring a whole record within 5 s of the last one (or of its
 * accept), and lives at most callback_conn_lifetime seconds (default 60)
 * whatever it sends.
 *
 * SUNRPC_NS_IOC_CALLBACK_FLAGS: as SUNRPC_NS_IOC_CALLBACK, with flags,
 * the port returned in the struct.  SUNRPC_NS_CB_RPCBIND registers the
 * service (SUNRPC_NS_CB_PROG version 1, netids tcp and, with IPv6,
 * tcp6) with the rpcbind of the client's netns at 127.0.0.1 port 111
 * (rpcbind v4 SET, portmap v2 SET where v4 is not served), so that
 * servers find it (rpcinfo); the registration is removed (UNSET) when
 * the service stops.  If the service is not registered yet and the
 * registration fails, the ioctl fails with its errno (ECONNREFUSED: no
 * rpcbind; EACCES: rpcbind refused the SET, e.g. one that takes SET
 * over IP only from a reserved port, without -i), and a client that
 * was not a user of the service does not become one.  The same rule as
 * CALLBACK: CAP_NET_ADMIN over the client's netns.  Unknown flags or a
 * non-zero pad: EINVAL.
 */
#define SUNRPC_NS_CB_RPCBIND	0x1	/* register with the netns's rpcbind */

struct sunrpc_ns_callback {
	__u32 flags;		/* SUNRPC_NS_CB_RPCBIND */
	__u32 port;		/* out: the service's TCP port */
	__u32 pad[2];		/* must be 0 */
};

/*
 * SUNRPC_NS_IOC_UPCALL on a client fd: a gssd-like upcall.  The kernel
 * queues "seq=<n> <data>\n" on the client's rpc_pipefs pipe
 * nfs/clnt<id>/gssd and waits for the downcall "seq=<n> <answer>\n" on the
 * same pipe; the answer comes back in data.  Errors: ETIMEDOUT (no answer
 * in time, or nobody opened the pipe in time), ENODEV (rpc_pipefs is not
 * mounted in the client's netns), EINTR, EINVAL (bad request).
 */
#define SUNRPC_NS_UPCALL_MAX	256	/* data, NUL included */

struct sunrpc_ns_upcall {
	__u32 timeout_ms;	/* 0: 5000; at most 60000 */
	__u32 pad;		/* must be 0 */
	char data[SUNRPC_NS_UPCALL_MAX]; /* in: the request, NUL-terminated,
					  * printable ASCII; out: the answer
					  */
};

/*
 * SUNRPC_NS_IOC_CREATE_HOST on /dev/nsmods_sunrpc_ns: as SUNRPC_NS_IOC_CREATE, but
 * the server is named: the name is looked up in the caller's netns's host
 * cache (rpc_pipefs cache/sunrpc_ns_hosts), which asks its userspace
 * helper through the cache's channel file when it does not know the name.
 * Errors besides CREATE's: ETIMEDOUT (no answer in time), EAFNOSUPPORT
 * (family set and the name has an address of the other family).
 */
#define SUNRPC_NS_HOST_MAX	64	/* host, NUL included */

struct sunrpc_ns_create_host {
	struct sunrpc_ns_create create; /* family: 0 or the one wanted;
					 * addr: all zero
					 */
	char host[SUNRPC_NS_HOST_MAX];	/* NUL-terminated: letters, digits,
					 * '.', '-', '_'
					 */
	__u32 resolve_ms;	/* wait for the helper: 0: 5000; at most 60000 */
	__u32 pad;		/* must be 0 */
};

/*
 * ioctl numbers: type 0xE7, numbers 0x01-0x08, all listed below.  0xE7 is
 * free in the kernel's Documentation/userspace-api/ioctl/ioctl-number.rst
 * (6.12); 'R', used before, is linux/random.h's.
 */
#define SUNRPC_NS_IOC_MAGIC	0xE7
#define SUNRPC_NS_IOC_CREATE	_IOW(SUNRPC_NS_IOC_MAGIC, 0x01, struct sunrpc_ns_create)
#define SUNRPC_NS_IOC_CALL	_IOWR(SUNRPC_NS_IOC_MAGIC, 0x02, struct sunrpc_ns_call)
#define SUNRPC_NS_IOC_INFO	_IOR(SUNRPC_NS_IOC_MAGIC, 0x03, struct sunrpc_ns_info)
#define SUNRPC_NS_IOC_RPCB	_IOWR(SUNRPC_NS_IOC_MAGIC, 0x04, struct sunrpc_ns_rpcb)
#define SUNRPC_NS_IOC_CALLBACK	_IO(SUNRPC_NS_IOC_MAGIC, 0x05)
#define SUNRPC_NS_IOC_UPCALL	_IOWR(SUNRPC_NS_IOC_MAGIC, 0x06, struct sunrpc_ns_upcall)
#define SUNRPC_NS_IOC_CREATE_HOST _IOW(SUNRPC_NS_IOC_MAGIC, 0x07, struct sunrpc_ns_create_host)
#define SUNRPC_NS_IOC_CALLBACK_FLAGS _IOWR(SUNRPC_NS_IOC_MAGIC, 0x08, struct sunrpc_ns_callback)

#endif /* _UAPI_LINUX_NSMODS_SUNRPC_NS_H */
