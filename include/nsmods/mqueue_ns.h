/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmods_mqueue_ns internals shared with its KUnit suite
 * (Documentation/mqueue_ns.rst).
 */
#ifndef _NSMODS_MQUEUE_NS_H
#define _NSMODS_MQUEUE_NS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <uapi/linux/nsmods_mqueue_ns.h>

struct ipc_namespace;
struct user_namespace;
struct vfsmount;
struct super_block;

/* Upstream's hard ceilings (include/linux/ipc_namespace.h), and floors. */
#define MQNS_HARD_MSGMAX	65536
#define MQNS_HARD_MSGSIZEMAX	(16 * 1024 * 1024)
#define MQNS_MIN_MSGSIZEMAX	128

/* One message; payload follows. */
struct mqns_msg_buf {
	struct list_head node;	/* in its mqns_prio's FIFO */
	unsigned int prio;
	size_t len;
	char data[];
};

/* The messages of one priority, oldest first. */
struct mqns_prio {
	struct rb_node rb;	/* in mqns_queue.prios, by prio */
	unsigned int prio;
	struct list_head msgs;
};

/* Which list of struct mqns_queue a waiter is on. */
enum mqns_dir {
	MQNS_SEND,
	MQNS_RECV,
};

/**
 * struct mqns_waiter - a sender or receiver asleep on a queue
 * @node: on mqns_queue.waiters[dir], highest task priority last, and
 *	the longest waiter last among equals (mqns_queue.lock)
 * @task: the sleeping task; the waker takes its own reference
 * @msg: a sender's message, or the message handed to a receiver
 * @ready: set (release) by the waker once @msg is settled; the waiter
 *	may then return without the lock
 */
struct mqns_waiter {
	struct list_head node;
	struct task_struct *task;
	struct mqns_msg_buf *msg;
	int ready;
};

/**
 * struct mqns_queue - one message queue, without its inode
 * @lock: serialises senders and receivers; never held across a copy to
 *	or from user space
 * @prios: mqns_prio nodes by priority (protected by @lock)
 * @spare: one free mqns_prio kept for the next new priority (@lock)
 * @waiters: blocked senders and receivers, by enum mqns_dir (@lock)
 * @rwait: poll(2) waiting for a message
 * @swait: poll(2) waiting for room
 * @maxmsg: queue depth, fixed at creation
 * @msgsize: largest message, fixed at creation
 * @curmsgs: messages queued (@lock; read locklessly by poll)
 * @qsize: payload bytes queued (@lock)
 */
struct mqns_queue {
	struct mutex lock;		/* see @lock above */
	struct rb_root prios;
	struct mqns_prio *spare;
	struct list_head waiters[2];
	wait_queue_head_t rwait;
	wait_queue_head_t swait;
	long maxmsg;
	long msgsize;
	long curmsgs;
	unsigned long qsize;
};

/* Per-ipc-namespace limits (upstream's fs.mqueue sysctls). */
struct mqns_nslimits {
	unsigned int queues_max;
	unsigned int msg_max;
	unsigned int msgsize_max;
	unsigned int msg_default;
	unsigned int msgsize_default;
};

enum mqns_state {
	MQNS_ALIVE,	/* the namespace lives; record on mqns_records */
	MQNS_DEAD,	/* the namespace was freed; ns is NULL */
};

/**
 * struct mqns_ns - the module's record of one ipc namespace
 * @ref: pins the record: held by its superblock, by its death mark and by
 *	transient users
 * @node: on the list of live records (mqns_lock)
 * @ns: the namespace, for identity only and never dereferenced through
 *	the record; NULL once dead (mqns_lock)
 * @mq_mnt: the namespace's own kernel mqueue mount when we met it; its
 *	memory cannot be reused while @mark is attached, which makes
 *	(@ns, @mq_mnt) a safe identity
 * @user_ns: the namespace's owner (counted): mount and limit checks
 * @inum: the namespace's inode number, for debugfs
 * @state: MQNS_ALIVE or MQNS_DEAD (mqns_lock)
 * @mnt: the internal mount that keeps the sb while the namespace lives
 *	(counted); taken away by @death_work
 * @mark: fsnotify mark on @mq_mnt whose freeing says the namespace died
 * @death_work: drops @mnt after death
 * @limits: the namespace's limits (mqns_lock)
 * @queues: queues in the sb (mqns_lock)
 */
struct mqns_ns {
	refcount_t ref;
	struct list_head node;
	struct ipc_namespace *ns;
	struct vfsmount *mq_mnt;
	struct user_namespace *user_ns;
	unsigned int inum;
	enum mqns_state state;
	struct vfsmount *mnt;
	struct mqns_mark *mark;
	struct work_struct death_work;
	struct mqns_nslimits limits;
	unsigned int queues;
};

/* queue.c: the queue, independent of the VFS */
void mqns_queue_init(struct mqns_queue *q, long maxmsg, long msgsize);
void mqns_queue_destroy(struct mqns_queue *q);
int mqns_queue_insert(struct mqns_queue *q, struct mqns_msg_buf *msg);
struct mqns_msg_buf *mqns_queue_peek(struct mqns_queue *q);
void mqns_queue_remove(struct mqns_queue *q, struct mqns_msg_buf *msg);
void mqns_queue_wait_add(struct mqns_queue *q, enum mqns_dir dir,
			 struct mqns_waiter *w);
struct mqns_waiter *mqns_queue_first_waiter(struct mqns_queue *q,
					    enum mqns_dir dir);
struct mqns_msg_buf *mqns_msg_alloc(size_t len, unsigned int prio);
void mqns_msg_free(struct mqns_msg_buf *msg);
int mqns_qsize_line(struct mqns_queue *q, char *buf, size_t size);
int mqns_attr_check(const struct mqns_nslimits *lim, const struct mqns_attr *attr,
		    bool privileged);
unsigned long mqns_queue_bytes(long maxmsg, long msgsize);
int mqns_limits_check(const struct mqns_limits *l);
void mqns_limits_default(struct mqns_nslimits *l);
void mqns_attr_default(const struct mqns_nslimits *lim, struct mqns_attr *attr);

/* queue.c: per-user byte accounting (RLIMIT_MSGQUEUE) */
int mqns_user_charge(kuid_t uid, unsigned long bytes, unsigned long limit);
void mqns_user_uncharge(kuid_t uid, unsigned long bytes);
unsigned long mqns_user_bytes(kuid_t uid);

/* main.c: records */
struct mqns_ns *mqns_ns_get(struct ipc_namespace *ns);
void mqns_ns_put(struct mqns_ns *rec);
struct mqns_ns *mqns_ns_lookup(struct ipc_namespace *ns);
bool mqns_ns_alive(struct mqns_ns *rec);

#endif /* _NSMODS_MQUEUE_NS_H */
