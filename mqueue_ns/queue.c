// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_mqueue_ns: the queue itself (priority order, limits) and per-user
 * byte accounting, independent of the filesystem so KUnit can drive it.
 */
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/user_namespace.h>
#include <kunit/visibility.h>

#include <nsmods/mqueue_ns.h>
#include "internal.h"

/**
 * mqns_queue_init() - set up an empty queue
 * @q: the queue
 * @maxmsg: its depth
 * @msgsize: its largest message
 */
void mqns_queue_init(struct mqns_queue *q, long maxmsg, long msgsize)
{
	mutex_init(&q->lock);
	q->prios = RB_ROOT;
	q->spare = NULL;
	INIT_LIST_HEAD(&q->waiters[MQNS_SEND]);
	INIT_LIST_HEAD(&q->waiters[MQNS_RECV]);
	init_waitqueue_head(&q->rwait);
	init_waitqueue_head(&q->swait);
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	q->curmsgs = 0;
	q->qsize = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_init);

/**
 * mqns_queue_destroy() - free every message of a queue nobody uses
 * @q: the queue
 */
void mqns_queue_destroy(struct mqns_queue *q)
{
	struct mqns_msg_buf *msg;

	while ((msg = mqns_queue_peek(q))) {
		mqns_queue_remove(q, msg);
		mqns_msg_free(msg);
	}
	kfree(q->spare);
	q->spare = NULL;
	mutex_destroy(&q->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_destroy);

/**
 * mqns_msg_alloc() - allocate a message
 * @len: payload length
 * @prio: its priority
 *
 * Return: the message, or NULL without memory.
 */
struct mqns_msg_buf *mqns_msg_alloc(size_t len, unsigned int prio)
{
	struct mqns_msg_buf *msg;

	msg = kvmalloc(struct_size(msg, data, len), GFP_KERNEL_ACCOUNT);
	if (!msg)
		return NULL;
	INIT_LIST_HEAD(&msg->node);
	msg->prio = prio;
	msg->len = len;
	return msg;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_msg_alloc);

/**
 * mqns_msg_free() - free a message not on any queue
 * @msg: the message
 */
void mqns_msg_free(struct mqns_msg_buf *msg)
{
	kvfree(msg);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_msg_free);

/**
 * mqns_queue_insert() - queue a message behind others of its priority
 * @q: the queue, locked, not full
 * @msg: the message
 *
 * Return: 0, or -ENOMEM when a new priority needs a node and none can be
 * had; the message is then not queued.
 */
int mqns_queue_insert(struct mqns_queue *q, struct mqns_msg_buf *msg)
{
	struct rb_node **link = &q->prios.rb_node, *parent = NULL;
	struct mqns_prio *p;

	while (*link) {
		parent = *link;
		p = rb_entry(parent, struct mqns_prio, rb);
		if (p->prio == msg->prio)
			goto found;
		link = msg->prio < p->prio ? &parent->rb_left : &parent->rb_right;
	}
	p = q->spare;
	if (p) {
		q->spare = NULL;
	} else {
		p = kmalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
		if (!p)
			return -ENOMEM;
	}
	p->prio = msg->prio;
	INIT_LIST_HEAD(&p->msgs);
	rb_link_node(&p->rb, parent, link);
	rb_insert_color(&p->rb, &q->prios);
found:
	list_add_tail(&msg->node, &p->msgs);
	q->curmsgs++;
	q->qsize += msg->len;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_insert);

/**
 * mqns_queue_peek() - the message a receive would get
 * @q: the queue, locked
 *
 * Return: the oldest message of the highest priority, or NULL if empty.
 */
struct mqns_msg_buf *mqns_queue_peek(struct mqns_queue *q)
{
	struct rb_node *last = rb_last(&q->prios);
	struct mqns_prio *p;

	if (!last)
		return NULL;
	p = rb_entry(last, struct mqns_prio, rb);
	return list_first_entry(&p->msgs, struct mqns_msg_buf, node);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_peek);

/**
 * mqns_queue_remove() - take a message returned by mqns_queue_peek() off
 * @q: the queue, locked
 * @msg: the message
 */
void mqns_queue_remove(struct mqns_queue *q, struct mqns_msg_buf *msg)
{
	struct rb_node *last = rb_last(&q->prios);
	struct mqns_prio *p = rb_entry(last, struct mqns_prio, rb);

	list_del_init(&msg->node);
	q->curmsgs--;
	q->qsize -= msg->len;
	if (!list_empty(&p->msgs))
		return;
	rb_erase(&p->rb, &q->prios);
	if (q->spare)
		kfree(p);
	else
		q->spare = p;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_remove);

/**
 * mqns_queue_wait_add() - put the current task on a queue's waiters
 * @q: the queue, locked
 * @dir: MQNS_SEND or MQNS_RECV
 * @w: the waiter, with @w->task set
 *
 * The list is kept in task priority order, the highest last, and a new
 * waiter goes in front of those of its own priority, so the last entry
 * is the highest-priority, longest waiter (upstream's order).
 */
void mqns_queue_wait_add(struct mqns_queue *q, enum mqns_dir dir,
			 struct mqns_waiter *w)
{
	struct mqns_waiter *walk;

	list_for_each_entry(walk, &q->waiters[dir], node) {
		if (walk->task->prio <= w->task->prio) {
			list_add_tail(&w->node, &walk->node);
			return;
		}
	}
	list_add_tail(&w->node, &q->waiters[dir]);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_wait_add);

/**
 * mqns_queue_first_waiter() - the waiter an operation serves first
 * @q: the queue, locked
 * @dir: MQNS_SEND or MQNS_RECV
 *
 * Return: the highest-priority, longest waiter, or NULL.
 */
struct mqns_waiter *mqns_queue_first_waiter(struct mqns_queue *q,
					    enum mqns_dir dir)
{
	if (list_empty(&q->waiters[dir]))
		return NULL;
	return list_last_entry(&q->waiters[dir], struct mqns_waiter, node);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_first_waiter);

/**
 * mqns_qsize_line() - the line read(2) gives, in upstream's format
 * @q: the queue
 * @buf: where to write it
 * @size: room in @buf
 *
 * Notification is not implemented, so its fields are always 0.
 *
 * Return: the line's length.
 */
int mqns_qsize_line(struct mqns_queue *q, char *buf, size_t size)
{
	unsigned long qsize;

	mutex_lock(&q->lock);
	qsize = q->qsize;
	mutex_unlock(&q->lock);
	return scnprintf(buf, size, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
			 qsize, 0, 0, 0);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_qsize_line);

/**
 * mqns_queue_bytes() - what a queue charges against RLIMIT_MSGQUEUE
 * @maxmsg: its depth
 * @msgsize: its largest message
 *
 * Payload room plus our per-message and per-priority overhead; the
 * caller has ruled out overflow with mqns_attr_check().
 *
 * Return: the byte count.
 */
unsigned long mqns_queue_bytes(long maxmsg, long msgsize)
{
	unsigned long tree = maxmsg * sizeof(struct mqns_msg_buf) +
		min_t(long, maxmsg, MQNS_PRIO_MAX) * sizeof(struct mqns_prio);

	return maxmsg * msgsize + tree;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_queue_bytes);

/**
 * mqns_attr_check() - validate attributes given at creation
 * @lim: the namespace's limits
 * @attr: the attributes
 * @privileged: the creator has CAP_SYS_RESOURCE and may go up to the hard
 *	ceilings instead of the namespace's limits
 *
 * The checks and their order are upstream's mq_open().
 *
 * Return: 0, -EINVAL or -EOVERFLOW.
 */
int mqns_attr_check(const struct mqns_nslimits *lim, const struct mqns_attr *attr,
		    bool privileged)
{
	unsigned long total, tree;

	if (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0)
		return -EINVAL;
	if (privileged) {
		if (attr->mq_maxmsg > MQNS_HARD_MSGMAX ||
		    attr->mq_msgsize > MQNS_HARD_MSGSIZEMAX)
			return -EINVAL;
	} else if (attr->mq_maxmsg > lim->msg_max ||
		   attr->mq_msgsize > lim->msgsize_max) {
		return -EINVAL;
	}
	if (attr->mq_msgsize > ULONG_MAX / attr->mq_maxmsg)
		return -EOVERFLOW;
	total = attr->mq_maxmsg * attr->mq_msgsize;
	tree = mqns_queue_bytes(attr->mq_maxmsg, 0);
	if (total + tree < total)
		return -EOVERFLOW;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_attr_check);

/**
 * mqns_limits_default() - upstream's default fs.mqueue values
 * @l: limits to fill
 */
void mqns_limits_default(struct mqns_nslimits *l)
{
	l->queues_max = 256;
	l->msg_max = 10;
	l->msgsize_max = 8192;
	l->msg_default = 10;
	l->msgsize_default = 8192;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_limits_default);

/**
 * mqns_attr_default() - the attributes of a queue created without any
 * @lim: the namespace's limits
 * @attr: filled in
 *
 * As upstream: the defaults, clamped to the namespace's maxima.
 */
void mqns_attr_default(const struct mqns_nslimits *lim, struct mqns_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->mq_maxmsg = min(lim->msg_max, lim->msg_default);
	attr->mq_msgsize = min(lim->msgsize_max, lim->msgsize_default);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_attr_default);

/**
 * mqns_limits_check() - validate limits a user wants to set
 * @l: the limits
 *
 * The ranges are upstream's sysctl ranges; queues_max, unbounded there,
 * takes any value.
 *
 * Return: 0 or -EINVAL.
 */
int mqns_limits_check(const struct mqns_limits *l)
{
	if (l->msg_max < 1 || l->msg_max > MQNS_HARD_MSGMAX ||
	    l->msg_default < 1 || l->msg_default > MQNS_HARD_MSGMAX)
		return -EINVAL;
	if (l->msgsize_max < MQNS_MIN_MSGSIZEMAX ||
	    l->msgsize_max > MQNS_HARD_MSGSIZEMAX ||
	    l->msgsize_default < MQNS_MIN_MSGSIZEMAX ||
	    l->msgsize_default > MQNS_HARD_MSGSIZEMAX)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_limits_check);

/*
 * Per-user accounting.  Upstream charges the creator's ucounts
 * (inc_rlimit_ucounts(), not exported), so we keep our own table by kuid:
 * one global total per user across namespaces, as before ucounts.
 */
struct mqns_user {
	struct hlist_node node;		/* in mqns_users */
	kuid_t uid;
	unsigned long bytes;		/* charged by the user's live queues */
};

static DEFINE_HASHTABLE(mqns_users, 6);
/* Protects mqns_users and every mqns_user's bytes. */
static DEFINE_SPINLOCK(mqns_users_lock);

static struct mqns_user *mqns_user_find(kuid_t uid)
{
	struct mqns_user *u;

	hash_for_each_possible(mqns_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/**
 * mqns_user_charge() - charge a new queue's bytes to its creator
 * @uid: the creator
 * @bytes: the queue's mqns_queue_bytes()
 * @limit: the creator's RLIMIT_MSGQUEUE
 *
 * Return: 0, -EMFILE over the limit (as upstream), -ENOMEM.
 */
int mqns_user_charge(kuid_t uid, unsigned long bytes, unsigned long limit)
{
	struct mqns_user *u, *fresh;
	int err = 0;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;
	spin_lock(&mqns_users_lock);
	u = mqns_user_find(uid);
	if (!u) {
		u = fresh;
		fresh = NULL;
		u->uid = uid;
		hash_add(mqns_users, &u->node, __kuid_val(uid));
	}
	if (u->bytes + bytes < u->bytes || u->bytes + bytes > limit) {
		err = -EMFILE;
		if (!u->bytes) {
			hash_del(&u->node);
			kfree(u);
		}
	} else {
		u->bytes += bytes;
	}
	spin_unlock(&mqns_users_lock);
	kfree(fresh);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_user_charge);

/**
 * mqns_user_uncharge() - give back what mqns_user_charge() took
 * @uid: the creator
 * @bytes: the same byte count
 */
void mqns_user_uncharge(kuid_t uid, unsigned long bytes)
{
	struct mqns_user *u;

	spin_lock(&mqns_users_lock);
	u = mqns_user_find(uid);
	if (WARN_ON_ONCE(!u || u->bytes < bytes)) {
		spin_unlock(&mqns_users_lock);
		return;
	}
	u->bytes -= bytes;
	if (!u->bytes) {
		hash_del(&u->node);
		kfree(u);
	}
	spin_unlock(&mqns_users_lock);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_user_uncharge);

/**
 * mqns_user_bytes() - what a user has charged now
 * @uid: the user
 *
 * Return: the byte count, 0 for a user with no queue.
 */
unsigned long mqns_user_bytes(kuid_t uid)
{
	struct mqns_user *u;
	unsigned long bytes;

	spin_lock(&mqns_users_lock);
	u = mqns_user_find(uid);
	bytes = u ? u->bytes : 0;
	spin_unlock(&mqns_users_lock);
	return bytes;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_user_bytes);

/* For debugfs: one "uid:N bytes:N" line per charged user. */
void mqns_users_show(struct seq_file *m)
{
	struct mqns_user *u;
	int bkt;

	spin_lock(&mqns_users_lock);
	hash_for_each(mqns_users, bkt, u, node)
		seq_printf(m, "uid:%u bytes:%lu\n",
			   from_kuid(&init_user_ns, u->uid), u->bytes);
	spin_unlock(&mqns_users_lock);
}
