// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_mqueue_ns: one record per ipc namespace, and how we learn that the
 * namespace died.
 *
 * A module gets no callback when an ipc namespace is freed.  What it can
 * see is the namespace's own kernel mqueue mount (ns->mq_mnt): upstream
 * makes it with the namespace and drops it in free_ipc_ns(), and being a
 * kern_mount() it is torn down right there, before the namespace's memory
 * goes.  A zero-mask fsnotify mark on that mount is destroyed with it, and
 * the group's ->freeing_mark() is our "namespace died" callback.  See
 * Documentation/mqueue_ns.rst for the reference graph and the one edge
 * (an upstream mq_open() fd outliving the namespace) where it comes late.
 */
#include <linux/fsnotify_backend.h>
#include <linux/ipc_namespace.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <kunit/visibility.h>

#include "internal.h"

DEFINE_SPINLOCK(mqns_lock);
/* Records of live namespaces (mqns_lock). */
static LIST_HEAD(mqns_records);
/* Every record, live or dead, for debugfs (mqns_lock). */
static LIST_HEAD(mqns_all);
/* Serialises creating records, so each namespace gets exactly one. */
static DEFINE_MUTEX(mqns_create_mutex);
static struct fsnotify_group *mqns_group;
/* Runs the death works; destroyed (drained) at module exit. */
static struct workqueue_struct *mqns_wq;

struct mqns_mark {
	struct fsnotify_mark fsn;
	struct mqns_ns *rec;		/* counted: the record it reports on */
};

struct mqns_ns_all {
	struct mqns_ns rec;
	struct list_head all;		/* on mqns_all (mqns_lock) */
};

static void mqns_ns_free(struct mqns_ns *rec)
{
	struct mqns_ns_all *a = container_of(rec, struct mqns_ns_all, rec);

	spin_lock(&mqns_lock);
	list_del(&a->all);
	spin_unlock(&mqns_lock);
	put_user_ns(rec->user_ns);
	kfree(a);
}

/**
 * mqns_ns_put() - drop a reference to a record
 * @rec: the record
 */
void mqns_ns_put(struct mqns_ns *rec)
{
	if (refcount_dec_and_test(&rec->ref))
		mqns_ns_free(rec);
}
EXPORT_SYMBOL_IF_KUNIT(mqns_ns_put);

/* Take one more reference on a record the caller already holds. */
void mqns_ns_hold(struct mqns_ns *rec)
{
	refcount_inc(&rec->ref);
}

/**
 * mqns_ns_alive() - whether a record's namespace still lives
 * @rec: the record
 *
 * Return: true until the namespace's death has been seen.
 */
bool mqns_ns_alive(struct mqns_ns *rec)
{
	bool alive;

	spin_lock(&mqns_lock);
	alive = rec->state == MQNS_ALIVE;
	spin_unlock(&mqns_lock);
	return alive;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_ns_alive);

/*
 * The internal mount of a live record, counted; NULL once the namespace
 * died.
 */
struct vfsmount *mqns_ns_mnt(struct mqns_ns *rec)
{
	struct vfsmount *mnt = NULL;

	spin_lock(&mqns_lock);
	if (rec->mnt)
		mnt = mntget(rec->mnt);
	spin_unlock(&mqns_lock);
	return mnt;
}

/*
 * @ns is live (the caller pins it).  A record matches only if it also
 * saw the same kernel mqueue mount: a record whose namespace died and
 * whose address was reused still has its mark attached to the old mount,
 * which therefore still exists and cannot be the new namespace's.
 */
static struct mqns_ns *mqns_find_locked(struct ipc_namespace *ns)
{
	struct mqns_ns *rec;

	list_for_each_entry(rec, &mqns_records, node)
		if (rec->ns == ns && rec->mq_mnt == ns->mq_mnt)
			return rec;
	return NULL;
}

/**
 * mqns_ns_lookup() - the record of a live namespace, if it has one
 * @ns: the namespace, pinned by the caller
 *
 * Return: the record with a reference, or NULL.
 */
struct mqns_ns *mqns_ns_lookup(struct ipc_namespace *ns)
{
	struct mqns_ns *rec;

	spin_lock(&mqns_lock);
	rec = mqns_find_locked(ns);
	if (rec)
		refcount_inc(&rec->ref);
	spin_unlock(&mqns_lock);
	return rec;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_ns_lookup);

static void mqns_death_work(struct work_struct *work)
{
	struct mqns_ns *rec = container_of(work, struct mqns_ns, death_work);
	struct vfsmount *mnt;

	spin_lock(&mqns_lock);
	mnt = rec->mnt;
	rec->mnt = NULL;
	spin_unlock(&mqns_lock);
	/* The sb lives on while user mounts or open queues hold it. */
	kern_unmount(mnt);
	mqns_ns_put(rec);
}

/* The namespace's kernel mqueue mount is going: the namespace died. */
static void mqns_freeing_mark(struct fsnotify_mark *fsn,
			      struct fsnotify_group *group)
{
	struct mqns_mark *mark = container_of(fsn, struct mqns_mark, fsn);
	struct mqns_ns *rec = mark->rec;

	spin_lock(&mqns_lock);
	if (rec->state == MQNS_ALIVE) {
		rec->state = MQNS_DEAD;
		rec->ns = NULL;
		list_del_init(&rec->node);
		refcount_inc(&rec->ref);	/* for the death work */
		queue_work(mqns_wq, &rec->death_work);
	}
	spin_unlock(&mqns_lock);
}

static void mqns_free_mark(struct fsnotify_mark *fsn)
{
	struct mqns_mark *mark = container_of(fsn, struct mqns_mark, fsn);

	mqns_ns_put(mark->rec);
	kfree(mark);
	/* Exit waits for the reaper that calls us: see mqns_ns_exit(). */
	module_put(THIS_MODULE);
}

static int mqns_handle_inode_event(struct fsnotify_mark *mark, u32 mask,
				   struct inode *inode, struct inode *dir,
				   const struct qstr *name, u32 cookie)
{
	return 0;	/* the mark asks for no event */
}

static const struct fsnotify_ops mqns_fsnotify_ops = {
	.handle_inode_event = mqns_handle_inode_event,
	.freeing_mark = mqns_freeing_mark,
	.free_mark = mqns_free_mark,
};

static struct mqns_ns *mqns_ns_create(struct ipc_namespace *ns)
{
	struct mqns_ns_all *a;
	struct mqns_ns *rec;
	struct mqns_mark *mark;
	struct vfsmount *mnt;
	int err;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return ERR_PTR(-ENOMEM);
	rec = &a->rec;
	refcount_set(&rec->ref, 1);		/* the caller's */
	INIT_LIST_HEAD(&rec->node);
	rec->ns = ns;
	rec->mq_mnt = ns->mq_mnt;
	rec->user_ns = get_user_ns(ns->user_ns);
	rec->inum = ns->ns.inum;
	rec->state = MQNS_ALIVE;
	INIT_WORK(&rec->death_work, mqns_death_work);
	mqns_limits_default(&rec->limits);
	spin_lock(&mqns_lock);
	list_add_tail(&a->all, &mqns_all);
	spin_unlock(&mqns_lock);

	err = -ENOMEM;
	mark = kzalloc(sizeof(*mark), GFP_KERNEL);
	if (!mark)
		goto out_put;

	mnt = mqns_internal_mount(rec);
	if (IS_ERR(mnt)) {
		err = PTR_ERR(mnt);
		kfree(mark);
		goto out_put;
	}
	rec->mnt = mnt;

	fsnotify_init_mark(&mark->fsn, mqns_group);
	mqns_ns_hold(rec);
	mark->rec = rec;
	__module_get(THIS_MODULE);	/* dropped by mqns_free_mark() */
	err = fsnotify_add_mark(&mark->fsn, ns->mq_mnt,
				FSNOTIFY_OBJ_TYPE_VFSMOUNT, 0);
	if (err) {
		fsnotify_put_mark(&mark->fsn);
		goto out_unmount;
	}
	rec->mark = mark;
	/* The attached mark keeps its own reference. */
	fsnotify_put_mark(&mark->fsn);

	spin_lock(&mqns_lock);
	list_add(&rec->node, &mqns_records);
	spin_unlock(&mqns_lock);
	return rec;

out_unmount:
	spin_lock(&mqns_lock);
	rec->mnt = NULL;
	spin_unlock(&mqns_lock);
	kern_unmount(mnt);
out_put:
	mqns_ns_put(rec);
	return ERR_PTR(err);
}

/**
 * mqns_ns_get() - the record of a live namespace, made on first use
 * @ns: the namespace, pinned by the caller
 *
 * The first use makes the namespace's superblock and its internal mount,
 * which lives until the namespace dies.
 *
 * Return: the record with a reference, or an ERR_PTR (-EOPNOTSUPP for a
 * namespace without a kernel mqueue mount).
 */
struct mqns_ns *mqns_ns_get(struct ipc_namespace *ns)
{
	struct mqns_ns *rec;

	/* No POSIX mq in this kernel (Kbuild refuses to build us there). */
	if (!ns->mq_mnt)
		return ERR_PTR(-EOPNOTSUPP);
	rec = mqns_ns_lookup(ns);
	if (rec)
		return rec;
	mutex_lock(&mqns_create_mutex);
	rec = mqns_ns_lookup(ns);
	if (!rec)
		rec = mqns_ns_create(ns);
	mutex_unlock(&mqns_create_mutex);
	return rec;
}
EXPORT_SYMBOL_IF_KUNIT(mqns_ns_get);

/* debugfs "namespaces": one line per record. */
void mqns_records_show(struct seq_file *m)
{
	struct mqns_ns_all *a;

	spin_lock(&mqns_lock);
	list_for_each_entry(a, &mqns_all, all)
		seq_printf(m, "ns:%u state:%s queues:%u internal:%d\n",
			   a->rec.inum,
			   a->rec.state == MQNS_ALIVE ? "alive" : "dead",
			   a->rec.queues, !!a->rec.mnt);
	spin_unlock(&mqns_lock);
}

int mqns_ns_init(void)
{
	mqns_wq = alloc_workqueue("nsmods_mqueue_ns", 0, 0);
	if (!mqns_wq)
		return -ENOMEM;
	mqns_group = fsnotify_alloc_group(&mqns_fsnotify_ops, 0);
	if (IS_ERR(mqns_group)) {
		destroy_workqueue(mqns_wq);
		return PTR_ERR(mqns_group);
	}
	return 0;
}

/*
 * Live records pin the module (their internal mounts hold the fs type),
 * so at exit every record is dead: wait for the death works and for the
 * fsnotify reaper that calls mqns_free_mark().  Called before
 * mqns_fs_exit(), as what they run puts internal mounts.
 */
void mqns_ns_drain(void)
{
	flush_workqueue(mqns_wq);
	fsnotify_wait_marks_destroyed();
}

/* After mqns_ns_drain() and mqns_fs_exit(): nothing of ours runs. */
void mqns_ns_exit(void)
{
	destroy_workqueue(mqns_wq);
	WARN_ON(!list_empty(&mqns_records));
	fsnotify_put_group(mqns_group);
}
