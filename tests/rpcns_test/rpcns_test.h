/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rpcns_test: what its cases share (client.c; the options in main.c) and
 * the cases themselves, one file each (main.c has the table).
 */
#ifndef RPCNS_TEST_H
#define RPCNS_TEST_H

#include <fcntl.h>
#include <sys/types.h>

#include <linux/nsmods_sunrpc_ns.h>

#include "testlib.h"

#define PROG		0x20000099u
#define P_NULL		0
#define P_WHOAMI	1
#define P_ECHO		2
#define P_COUNT		3
#define P_SLEEP		4
#define P_SYSERR	5
#define P_CRED		6
#define P_CALLBACK	7
#define BADPTR		16UL	/* an address nobody maps */

/* The servers' ports, as offsets from base: see main.c. */
enum { O_NORMAL, O_DROPFIRST, O_BADXID, O_SHORT, O_BADVERF, O_HUGEREC,
	O_GARBAGE, O_DENIED, O_CLOSEEACH, O_SILENT, O_FRAG, O_REFUSED,
	O_RUNT, O_FRAG1, O_HALF, O_REG_B = 20 };

/* On the servers' subnet, and nobody there: connects wait for ARP. */
#define ADDR_NOBODY	"10.0.0.99"

/* The command line's options (main.c). */
extern const char *addr4;
extern const char *addr6;
extern const char *nsb;
extern const char *xns;
extern unsigned int base;
extern int hold_proto;

static inline int dev_fd(void)
{
	return test_dev(SUNRPC_NS_DEVICE, O_RDWR);
}

/* What a client is made of; zeroes are the defaults. */
struct copts {
	const char *addr;	/* NULL: addr4 */
	int proto;		/* 0: UDP */
	unsigned int port;	/* offset from base, or ~0u for port 0 */
	__u32 prog;		/* 0: PROG */
	__u32 vers;		/* 0: 1 */
	__u32 auth;
	__u32 timeout_ms;
	__u32 retries;
	__u32 flags;
};

/* client.c */
unsigned long net_inum(void);
void fill_create(struct sunrpc_ns_create *c, const struct copts *o);
int create(const struct copts *o);
const char *pname(int proto);
int client(const char *what, const struct copts *o);
int call(int fd, __u32 proc, const void *args, __u32 args_len, void *res,
	 __u32 *res_len);
int call_string_args(int fd, __u32 proc, const void *args, __u32 alen,
		     char *s, size_t n);
int call_string(int fd, __u32 proc, char *s, size_t n);
int whoami(int fd, char *s, size_t n);
void expect_tag(int fd, const char *tag, const char *what);
int get_info(int fd, struct sunrpc_ns_info *i);
__u32 get_count(int fd, const char *what);
void expect_call(int fd, __u32 proc, int want, const char *what);
void reap(pid_t pid, const char *what);
unsigned char *echo_arg(__u32 n, __u32 *len);
void expect_echo(int fd, __u32 n, const char *what);

/* callback.c: /proc/net/sunrpc_ns/state of the caller's netns */
long state_field(const char *key);
void expect_state(const char *key, long want, const char *what);
int cb_flags(int fd, __u32 flags, __u32 *port);

/* cbidle.c: a connection to the callback service, one NULL call made */
int cb_connect(const char *addr, int port, const char *what);
int cb_null(int fd, const char *what);

/* The cases, each in the file of its name (cbhold: in cbidle.c). */
void test_hostile(void);
void test_retrans(void);
void test_scm(void);
void test_setns(void);
void test_reconnect(void);
void test_uts(void);
void test_badinput(void);
void test_callback(void);
void test_hold(void);
void test_perm(void);
void test_peers(void);
void test_cbidle(void);
void test_cbhold(void);
void test_signal(void);
void test_cbmulti(void);

#endif /* RPCNS_TEST_H */
