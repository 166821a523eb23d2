/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mqueue_ns_test: what its cases share (mqns.c, util.c) and the cases
 * themselves, one file each (main.c has the table).
 */
#ifndef MQUEUE_NS_TEST_H
#define MQUEUE_NS_TEST_H

#include <sys/types.h>
#include <time.h>

#include <linux/nsmods_mqueue_ns.h>

#include "testlib.h"

#define DBG "/sys/kernel/debug/nsmods_mqueue_ns"
#define DBG_NS DBG "/namespaces"
#define DBG_USERS DBG "/users"
#define NOBODY 65534
#define USER 1000
/* Upstream's read(2) line of a queue; QSIZE is the payload bytes queued. */
#define QSIZE_FMT "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n"

/* The initial ipc namespace, where the module must never be used. */
extern unsigned long init_ipc_inum;

/* mqns.c: the module as mq_*(3) (-errno on failure), mounts, debugfs */
unsigned long ipc_inum(void);
struct mqns_attr mk_attr(long maxmsg, long msgsize);
int mqns_open(const char *name, int oflag, mode_t mode,
	      const struct mqns_attr *attr);
int mqns_unlink(const char *name);
int mqns_get_limits(struct mqns_limits *l);
int mqns_set_limits(const struct mqns_limits *l);
int mqns_send(int fd, const void *buf, size_t len, unsigned int prio,
	      const struct timespec *abs);
long mqns_receive(int fd, void *buf, size_t len, unsigned int *prio,
		  const struct timespec *abs);
int mqns_getsetattr(int fd, const struct mqns_attr *set,
		    struct mqns_attr *old);
int mount_mqns(const char *dir, const char *opts);
int qsize_line(int fd, char *buf, size_t len);
void want_qsize(int fd, unsigned long qsize, const char *what);
void pass_msg(int from, int to, const char *msg, const char *what);
extern const struct mqns_limits def_limits;
void want_limits(const struct mqns_limits *want, const char *what);
char *slurp(const char *path);

/* A namespace's line in DBG_NS. */
struct nsrec {
	char state[16];
	unsigned int queues;
	int internal;
	char line[128];
};

int ns_rec(unsigned long inum, struct nsrec *r);
double wait_rec(unsigned long inum, const char *state, int ms,
		struct nsrec *r);
long user_bytes(unsigned int uid);

/* order.c: the calls of one side, upstream's mq_*(3) or ours */
struct backend {
	const char *name;
	int (*open)(const char *name, int oflag, mode_t mode,
		    const struct mqns_attr *attr);
	int (*unlink)(const char *name);
	int (*send)(int fd, const void *buf, size_t len, unsigned int prio,
		    const struct timespec *abs);
	long (*receive)(int fd, void *buf, size_t len, unsigned int *prio,
			const struct timespec *abs);
	int (*getsetattr)(int fd, const struct mqns_attr *set,
			  struct mqns_attr *old);
};

extern const struct backend be_upstream, be_ours;
struct timespec deadline_ms(long ms);

/* util.c: processes, users, directories */
void want_dir(const char *dir, const char *want, const char *what);
int make_private(void);
void child_start(const char *what, int flags);
void in_child(const char *what, int flags, void (*fn)(void));
int become(uid_t uid);
char *make_tmpdir(const char *prefix, char *buf, size_t len);
void sub_dir(char *buf, size_t len, const char *base, const char *sub);
int open_at(const char *dir, const char *name, int flags, mode_t mode);

/* The cases, each in the file of its name. */
void test_order(void);
void test_block(void);
void test_vfs(void);
void test_limits(void);
void test_nsdeath(void);
void test_edge(void);
void test_scm(void);
void test_userns(void);
void test_stress(void);
void test_hold(void);
/* hard.c: issue 12, hardening */
void test_owner(void);
void test_uffd(void);
void test_pin(void);
/* sem.c: issue 12, semantics as upstream's */
void test_cloexec(void);
void test_restart(void);
void test_defaults(void);
void test_errno(void);
void test_statfs(void);
void test_limfile(void);
void test_slack(void);
void test_capat(void);
void test_wakeone(void);

#endif /* MQUEUE_NS_TEST_H */
