// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_nsfs: the internal filesystem, the per-namespace records and the
 * stashed dentry protocol.
 *
 * One filesystem for the whole system, kern_mount()ed at load and never
 * registered.  Every namespace we serve has a record in a table keyed by
 * its struct ns_common; the record holds the namespace's dentry, not
 * counted, and the inode of that dentry points at the record.  A get reads
 * the stash under RCU and takes the dentry if it is not dead; otherwise it
 * makes an inode and a dentry of its own and publishes them with cmpxchg,
 * dropping them for another caller's if that one won.  d_prune clears the
 * stash when the dentry dies; the record goes when its last inode does.
 *
 * The filesystem is mounted only while inodes of ours exist: each one pins
 * the mount (simple_pin_fs(), as DRM's anonymous inodes do), and the type's
 * .owner makes the superblock pin the module until the core is done with
 * it.  So the module is busy exactly while a namespace file of ours, in
 * any form (an O_PATH fd too), or a temporary reference on our superblock
 * (sync, drop_caches) exists, and unloads when none does.
 */
#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/lockref.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/proc_ns.h>
#include <linux/pseudo_fs.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <uapi/linux/nsmods_nsfs.h>
#include <nsmods/nsfs.h>

static struct file_system_type nsfs_fs_type;

/*
 * The mount of our filesystem, made by the first pin and dropped with the
 * last one; while a caller holds a pin it does not change.
 */
static struct vfsmount *nsfs_mnt;

/*
 * Pins on nsfs_mnt (under libfs's pin_fs_lock): one per inode of ours
 * whose i_private is set, one per nsfs_make_dentry() still making one.
 */
static int nsfs_mnt_pins;

/*
 * Records by namespace: a resizable hash table keyed by the struct
 * ns_common pointer, which is unique among live records (a record never
 * outlives its namespace).  Lookups are lockless under RCU and cost the
 * same whatever the number of records; the table grows and shrinks in
 * the background.
 */
static struct rhashtable nsfs_table;

static const struct rhashtable_params nsfs_table_params = {
	.key_len = sizeof(struct ns_common *),
	.key_offset = offsetof(struct nsfs_rec, ns),
	.head_offset = offsetof(struct nsfs_rec, node),
	.automatic_shrinking = true,
};

/*
 * Serializes insertion into and removal from nsfs_table with the last
 * drop of a record's refs, so that a record found under it has refs > 0.
 */
static DEFINE_SPINLOCK(nsfs_table_lock);

static atomic_long_t nsfs_nr_fast, nsfs_nr_slow, nsfs_nr_won, nsfs_nr_lost;
static atomic_long_t nsfs_nr_took_over, nsfs_nr_pruned;
static atomic_long_t nsfs_nr_records, nsfs_nr_inodes;

#if IS_ENABLED(CONFIG_KUNIT)
/* Called between making a dentry and publishing it; KUnit only. */
static void (*nsfs_publish_hook)(struct ns_common *ns);

static void nsfs_run_publish_hook(struct ns_common *ns)
{
	void (*hook)(struct ns_common *ns) = READ_ONCE(nsfs_publish_hook);

	if (hook)
		hook(ns);
}

/**
 * nsfs_set_publish_hook() - run a function before each publish
 * @hook: called with the namespace after a get made its dentry and before
 *	it tries to publish it; NULL to stop
 *
 * For KUnit: a hook that waits lets a test line many callers up on the
 * cmpxchg.  The caller keeps @hook's code loaded until it sets NULL again.
 */
void nsfs_set_publish_hook(void (*hook)(struct ns_common *ns))
{
	WRITE_ONCE(nsfs_publish_hook, hook);
}
EXPORT_SYMBOL_IF_KUNIT(nsfs_set_publish_hook);
#else
static void nsfs_run_publish_hook(struct ns_common *ns)
{
}
#endif

/**
 * nsfs_ns_get() - take one more reference on a namespace
 * @ns: the namespace; the caller holds a reference on it
 *
 * Every namespace type's proc_ns_operations::put drops ns_common::count in
 * this kernel, so a reference taken here is one ->put drops.
 *
 * Return: @ns.
 */
struct ns_common *nsfs_ns_get(struct ns_common *ns)
{
	refcount_inc(&ns->count);
	return ns;
}
EXPORT_SYMBOL_IF_KUNIT(nsfs_ns_get);

/* Under RCU; the record's memory stays until the read section ends. */
static struct nsfs_rec *nsfs_table_find(struct ns_common *ns)
{
	return rhashtable_lookup(&nsfs_table, &ns, nsfs_table_params);
}

/*
 * A reference on @ns's record if it has one: lockless, since a record
 * whose refs reached zero is only waiting under nsfs_table_lock to leave
 * the table and is passed over.
 */
static struct nsfs_rec *nsfs_rec_tryget(struct ns_common *ns)
{
	struct nsfs_rec *rec;

	rcu_read_lock();
	rec = nsfs_table_find(ns);
	if (rec && !refcount_inc_not_zero(&rec->refs))
		rec = NULL;
	rcu_read_unlock();
	return rec;
}

/* Find @ns's record or make one, with a reference for the caller. */
static struct nsfs_rec *nsfs_rec_get_or_create(struct ns_common *ns)
{
	struct nsfs_rec *rec, *new;
	int err;

	rec = nsfs_rec_tryget(ns);
	if (rec)
		return rec;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->ns = ns;
	new->ops = ns->ops;
	new->inum = ns->inum;
	refcount_set(&new->refs, 1);

	spin_lock(&nsfs_table_lock);
	/* Under the lock no record in the table has refs == 0. */
	rcu_read_lock();
	rec = nsfs_table_find(ns);
	rcu_read_unlock();
	if (rec) {
		refcount_inc(&rec->refs);
	} else {
		err = rhashtable_insert_fast(&nsfs_table, &new->node,
					     nsfs_table_params);
		if (err) {
			rec = ERR_PTR(err);
		} else {
			atomic_long_inc(&nsfs_nr_records);
			rec = new;
			new = NULL;
		}
	}
	spin_unlock(&nsfs_table_lock);
	kfree(new);
	return rec;
}

static void nsfs_rec_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct nsfs_rec, rcu));
	atomic_long_dec(&nsfs_nr_records);
}

/**
 * nsfs_rec_put() - drop a reference on a record
 * @rec: the record
 *
 * The last reference takes the record out of the table at once and frees
 * it after an RCU grace period, for get paths that may still be reading it.
 */
void nsfs_rec_put(struct nsfs_rec *rec)
{
	if (refcount_dec_not_one(&rec->refs))
		return;
	/* Maybe the last: drop it where no insertion for @rec->ns can run. */
	spin_lock(&nsfs_table_lock);
	if (!refcount_dec_and_test(&rec->refs)) {
		spin_unlock(&nsfs_table_lock);
		return;
	}
	WARN_ON(rhashtable_remove_fast(&nsfs_table, &rec->node,
				       nsfs_table_params));
	spin_unlock(&nsfs_table_lock);
	/* Every dentry that was stashed here pruned itself before its iput. */
	WARN_ON_ONCE(READ_ONCE(rec->stashed));
	call_rcu(&rec->rcu, nsfs_rec_free_rcu);
}
EXPORT_SYMBOL_IF_KUNIT(nsfs_rec_put);

/**
 * nsfs_rec_find() - look a namespace's record up
 * @ns: the namespace
 *
 * For tests and the debugfs view: a reference on the record keeps it, not
 * its dentry or namespace, alive.
 *
 * Return: the record with a reference the caller drops with
 * nsfs_rec_put(), or NULL if @ns has none.
 */
struct nsfs_rec *nsfs_rec_find(struct ns_common *ns)
{
	return nsfs_rec_tryget(ns);
}
EXPORT_SYMBOL_IF_KUNIT(nsfs_rec_find);

/* Fast path: the stashed dentry with a reference, if there is a live one. */
static struct dentry *nsfs_stash_lookup(struct ns_common *ns)
{
	struct nsfs_rec *rec;
	struct dentry *dentry = NULL;

	rcu_read_lock();
	rec = nsfs_table_find(ns);
	if (rec) {
		/* Pairs with the publishing cmpxchg: nsfs_mnt is read after. */
		dentry = smp_load_acquire(&rec->stashed);
		if (dentry && !lockref_get_not_dead(&dentry->d_lockref))
			dentry = NULL;
	}
	rcu_read_unlock();
	return dentry;
}

/*
 * Slow path, first half: an inode and a dentry of our own for @ns.  The
 * caller's reference on @ns goes to the inode, or is dropped on failure;
 * so does the pin on our mount taken here.
 */
static struct dentry *nsfs_make_dentry(struct ns_common *ns)
{
	struct super_block *sb;
	struct vfsmount *mnt;
	struct nsfs_rec *rec;
	struct dentry *dentry;
	struct inode *inode;
	int err;

	/* Mounts the filesystem if no inode of ours holds it mounted. */
	err = simple_pin_fs(&nsfs_fs_type, &nsfs_mnt, &nsfs_mnt_pins);
	if (err)
		goto err_put_ns;
	err = -ENOMEM;
	sb = READ_ONCE(nsfs_mnt)->mnt_sb;	/* our pin keeps the mount */
	inode = new_inode(sb);
	if (!inode)
		goto err_release;
	inode->i_ino = ns->inum;
	inode->i_mode = S_IFREG | 0444;
	inode->i_flags |= S_IMMUTABLE;
	inode->i_fop = &nsfs_ns_fops;
	simple_inode_init_ts(inode);

	rec = nsfs_rec_get_or_create(ns);
	if (IS_ERR(rec)) {
		err = PTR_ERR(rec);
		goto err_iput;
	}
	/* From here the inode owns our reference on @ns, one on @rec, our pin. */
	inode->i_private = rec;
	atomic_long_inc(&nsfs_nr_inodes);

	dentry = d_alloc_anon(sb);
	if (!dentry) {
		/* Eviction drops the pin: it must not drop the mount's last ref. */
		mnt = mntget(READ_ONCE(nsfs_mnt));
		iput(inode);
		mntput(mnt);
		return ERR_PTR(-ENOMEM);
	}
	d_instantiate(dentry, inode);
	return dentry;

err_iput:
	iput(inode);		/* no i_private: eviction leaves the pin */
err_release:
	simple_release_fs(&nsfs_mnt, &nsfs_mnt_pins);
err_put_ns:
	ns->ops->put(ns);
	return ERR_PTR(err);
}

/*
 * Slow path, second half: publish @ours in @rec's stash.  Returns @ours if
 * it went in, or the live dentry another caller put there first, with a
 * reference for us.  A dead dentry still in the stash (killed, d_prune not
 * run yet) is replaced; its d_prune then finds the stash no longer its own.
 */
static struct dentry *nsfs_publish(struct nsfs_rec *rec,
				   struct dentry *ours)
{
	struct dentry *cur = NULL;

	/* @cur may be a dentry being killed: RCU keeps its memory. */
	rcu_read_lock();
	for (;;) {
		if (try_cmpxchg(&rec->stashed, &cur, ours)) {
			atomic_long_inc(&nsfs_nr_won);
			if (cur)
				atomic_long_inc(&nsfs_nr_took_over);
			break;
		}
		if (cur && lockref_get_not_dead(&cur->d_lockref)) {
			atomic_long_inc(&nsfs_nr_lost);
			ours = cur;
			break;
		}
	}
	rcu_read_unlock();
	return ours;
}

/**
 * nsfs_get_path() - the path of a namespace on our filesystem
 * @ns: the namespace; the caller's reference on it is consumed, whatever
 *	the result
 * @path: filled in with a reference on our mount and on the dentry
 *
 * There is at most one live dentry per namespace: every caller gets it.
 * Its inode holds one reference on @ns for as long as the dentry lives,
 * and pins our mount, which pins the module.
 *
 * Return: 0, or -ENOMEM or another error of mounting our filesystem.
 */
int nsfs_get_path(struct ns_common *ns, struct path *path)
{
	struct nsfs_rec *rec;
	struct dentry *dentry, *ours;

	dentry = nsfs_stash_lookup(ns);
	if (dentry) {
		atomic_long_inc(&nsfs_nr_fast);
		/* The dentry's inode holds a reference of its own. */
		ns->ops->put(ns);
		/* ... and a pin: the mount is the one it was made on. */
		path->mnt = mntget(READ_ONCE(nsfs_mnt));
		path->dentry = dentry;
		return 0;
	}

	atomic_long_inc(&nsfs_nr_slow);
	ours = nsfs_make_dentry(ns);
	if (IS_ERR(ours))
		return PTR_ERR(ours);
	rec = d_inode(ours)->i_private;
	nsfs_run_publish_hook(ns);
	dentry = nsfs_publish(rec, ours);
	/* Before any dput(ours): the mount reference covers its eviction. */
	path->mnt = mntget(READ_ONCE(nsfs_mnt));
	path->dentry = dentry;
	if (dentry != ours)
		dput(ours);	/* evicts our inode: its @ns, @rec refs, pin go */
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(nsfs_get_path);

/**
 * nsfs_open_ns() - a namespace descriptor in the caller's fd table
 * @ns: the namespace; the caller's reference on it is consumed
 *
 * Return: a new O_CLOEXEC read-only descriptor, or a negative errno.
 */
int nsfs_open_ns(struct ns_common *ns)
{
	struct path path;
	struct file *file;
	int fd, err;

	err = nsfs_get_path(ns, &path);
	if (err)
		return err;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	file = dentry_open(&path, O_RDONLY, current_cred());
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		err = PTR_ERR(file);
		goto out;
	}
	fd_install(fd, file);
	err = fd;
out:
	path_put(&path);
	return err;
}

/**
 * nsfs_get_stats() - read the get path counters
 * @st: filled in
 */
void nsfs_get_stats(struct nsfs_stats *st)
{
	st->fast = atomic_long_read(&nsfs_nr_fast);
	st->slow = atomic_long_read(&nsfs_nr_slow);
	st->won = atomic_long_read(&nsfs_nr_won);
	st->lost = atomic_long_read(&nsfs_nr_lost);
	st->took_over = atomic_long_read(&nsfs_nr_took_over);
	st->pruned = atomic_long_read(&nsfs_nr_pruned);
	st->records = atomic_long_read(&nsfs_nr_records);
	st->inodes = atomic_long_read(&nsfs_nr_inodes);
	st->pins = READ_ONCE(nsfs_mnt_pins);
}
EXPORT_SYMBOL_IF_KUNIT(nsfs_get_stats);

/* debugfs "records": one line per record. */
int nsfs_show_records(struct seq_file *m, void *v)
{
	struct rhashtable_iter iter;
	struct nsfs_rec *rec;

	rhashtable_walk_enter(&nsfs_table, &iter);
	/* Records seen are valid until rhashtable_walk_stop() (RCU). */
	rhashtable_walk_start(&iter);
	while ((rec = rhashtable_walk_next(&iter))) {
		if (IS_ERR(rec))
			continue;	/* -EAGAIN: a resize; records may repeat */
		seq_printf(m, "%s %u refs %u stashed %d\n", rec->ops->name,
			   rec->inum, refcount_read(&rec->refs),
			   READ_ONCE(rec->stashed) ? 1 : 0);
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return 0;
}

/* debugfs "stats": the counters, one "name value" a line. */
int nsfs_show_stats(struct seq_file *m, void *v)
{
	struct nsfs_stats st;

	nsfs_get_stats(&st);
	seq_printf(m, "fast %lu\nslow %lu\nwon %lu\nlost %lu\n",
		   st.fast, st.slow, st.won, st.lost);
	seq_printf(m, "took_over %lu\npruned %lu\nrecords %ld\ninodes %ld\n",
		   st.took_over, st.pruned, st.records, st.inodes);
	seq_printf(m, "pins %d\n", st.pins);
	return 0;
}

static void nsfs_d_prune(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct nsfs_rec *rec = inode ? inode->i_private : NULL;

	/* Only our own dentry: a caller may have replaced it already. */
	if (rec && cmpxchg(&rec->stashed, dentry, NULL) == dentry)
		atomic_long_inc(&nsfs_nr_pruned);
}

static char *nsfs_d_dname(struct dentry *dentry, char *buf, int buflen)
{
	struct inode *inode = d_inode(dentry);
	struct nsfs_rec *rec = inode->i_private;
	char name[64];
	int len;

	len = snprintf(name, sizeof(name), "%s:[%lu]", rec->ops->name,
		       inode->i_ino) + 1;
	if (len > sizeof(name) || len > buflen)
		return ERR_PTR(-ENAMETOOLONG);
	return memcpy(buf + buflen - len, name, len);
}

static const struct dentry_operations nsfs_dops = {
	.d_delete = always_delete_dentry,
	.d_prune = nsfs_d_prune,
	.d_dname = nsfs_d_dname,
};

/*
 * Every caller of the last dput() of one of our dentries holds a reference
 * on our mount across it (a file's f_path, a struct path, the get path's
 * own): the pin dropped here is never the mount's last reference, so the
 * superblock never starts dying under an eviction.  The root inode has no
 * record and no pin.
 */
static void nsfs_evict_inode(struct inode *inode)
{
	struct nsfs_rec *rec = inode->i_private;
	const struct proc_ns_operations *ops;
	struct ns_common *ns;

	clear_inode(inode);
	if (!rec)
		return;
	ns = rec->ns;
	ops = rec->ops;
	/* The record first: once @ns is put, its address may be reused. */
	nsfs_rec_put(rec);
	atomic_long_dec(&nsfs_nr_inodes);
	ops->put(ns);
	simple_release_fs(&nsfs_mnt, &nsfs_mnt_pins);
}

static const struct super_operations nsfs_sops = {
	.statfs = simple_statfs,
	.drop_inode = generic_delete_inode,
	.evict_inode = nsfs_evict_inode,
};

static int nsfs_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, NSMODS_NSFS_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->ops = &nsfs_sops;
	ctx->dops = &nsfs_dops;
	return 0;
}

/*
 * Never registered, so it is in no list of filesystems and nobody can
 * mount it by name.  Its .owner makes every superblock of it pin the
 * module from sget_fc() to the last __put_super() (fs/super.c), past any
 * temporary s_count holder; the superblock lives only while our inodes
 * pin the mount (nsfs_make_dentry(), nsfs_evict_inode()).
 */
static struct file_system_type nsfs_fs_type = {
	.owner = THIS_MODULE,
	.name = "nsmods_nsfs",
	.init_fs_context = nsfs_init_fs_context,
	.kill_sb = kill_anon_super,
};

/**
 * nsfs_fs_init() - set up the record table
 *
 * Return: 0 or a negative errno.
 */
int nsfs_fs_init(void)
{
	return rhashtable_init(&nsfs_table, &nsfs_table_params);
}

/**
 * nsfs_fs_exit() - check that nothing of the filesystem is left
 *
 * Unload runs only once the module's reference count is zero, so the last
 * superblock of ours has been put: no inode, no pin, no mount.  What is
 * left are the RCU frees of the records, queued by evictions.
 */
void nsfs_fs_exit(void)
{
	rcu_barrier();
	WARN_ON(READ_ONCE(nsfs_mnt_pins) || READ_ONCE(nsfs_mnt));
	WARN_ON(atomic_long_read(&nsfs_nr_records));
	WARN_ON(atomic_long_read(&nsfs_nr_inodes));
	rhashtable_destroy(&nsfs_table);
}
