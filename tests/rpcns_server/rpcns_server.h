/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rpcns_server: what its files share.  main.c: options, sockets, the poll
 * loop; conn.c: connections and replies; proc.c: the procedures;
 * callback.c: procedure 7's call back; rpcbind.c: -r; xdr.c: XDR.
 */
#ifndef RPCNS_SERVER_H
#define RPCNS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <linux/types.h>

#include "testlib.h"

#define TEST_PROG	0x20000099u
#define TEST_VERS	1u

#define CALL		0
#define REPLY		1
#define MSG_ACCEPTED	0
#define MSG_DENIED	1
#define SUCCESS		0
#define PROG_UNAVAIL	1
#define PROG_MISMATCH	2
#define PROC_UNAVAIL	3
#define GARBAGE_ARGS	4
#define SYSTEM_ERR	5
#define RPC_MISMATCH	0
#define AUTH_ERROR	1
#define AUTH_BADCRED	1
#define AUTH_SYS	1
#define MAX_AUTH	400

#define MAXCONN		64

enum mode { M_NONE, M_DROPFIRST, M_BADXID, M_SHORT, M_BADVERF, M_HUGEREC,
	    M_GARBAGE, M_DENIED, M_CLOSEEACH, M_SILENT, M_FRAG, M_RUNT,
	    M_FRAG1, M_HALF };

struct conn {
	int fd;			/* -1: free */
	unsigned int gen;	/* bumped on each reuse of the slot */
	__u8 hdr[4];
	unsigned int hdr_got;
	__u32 frag_left;
	bool last;
	__u8 *rec;
	size_t rec_len, rec_cap;
};

/* Where a reply goes: a UDP peer or a TCP connection slot. */
struct peer {
	bool tcp;
	int conn;
	unsigned int gen;
	struct sockaddr_storage addr;
	socklen_t alen;
};

struct wbuf {
	__u8 *b;
	size_t len, cap;
};

struct rbuf {
	const __u8 *p;
	size_t len, off;
};

struct req {
	__u32 xid, rpcvers, prog, vers, proc;
	__u32 flavor;
	bool sys;		/* an AUTH_SYS credential, parsed */
	__u32 stamp, uid, gid, ngids, gids[16];
	char machine[256];
	const __u8 *args;
	size_t args_len;
};

/* main.c: the options and the sockets */
extern enum mode mode;
extern const char *tag;
extern int family;
extern int udp_fd, lsn_fd;
extern struct conn conns[MAXCONN];

/* xdr.c */
void w_reserve(struct wbuf *w, size_t n);
void w_u32(struct wbuf *w, __u32 v);
void w_opaque(struct wbuf *w, const void *p, size_t n);
void w_string(struct wbuf *w, const char *s);
void w_call_head(struct wbuf *w, __u32 xid, __u32 prog, __u32 vers,
		 __u32 proc);
bool r_u32(struct rbuf *r, __u32 *v);
bool r_opaque(struct rbuf *r, size_t max, const __u8 **p, __u32 *n);

/* conn.c */
void close_conn(int i);
bool write_all(int fd, const void *p, size_t n);
bool read_full(int fd, void *p, size_t n);
void send_reply(const struct peer *pe, const __u8 *p, size_t n);
void deliver(const struct peer *pe, const struct req *q, struct wbuf *w);
void defer(const struct peer *pe, struct wbuf *w, __u32 ms);
void defer_half(const struct peer *pe, struct wbuf *w, __u32 ms);
int run_pending(void);
void feed(int i, const __u8 *p, size_t n);
void accept_conn(void);

/* proc.c */
void handle(const struct peer *pe, const __u8 *msg, size_t len);

/* callback.c */
void callback_whoami(const struct peer *pe, __u32 port, char *s, size_t n);

/* rpcbind.c */
void do_register(const char *addr, int port);

#endif /* RPCNS_SERVER_H */
