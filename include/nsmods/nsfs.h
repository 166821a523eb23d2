/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmods_nsfs: namespace files on one internal filesystem; what the
 * module's parts and its KUnit suite share.
 */
#ifndef _NSMODS_NSFS_H
#define _NSMODS_NSFS_H

#include <linux/build_bug.h>
#include <linux/list.h>
#include <linux/nsfs.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/types.h>

/*
 * The kernel's namespace file ioctls (<linux/nsfs.h>) as 6.12 numbers
 * them, also where the target kernel's header is older.
 */
#define NSFS_IOC_MNTNS_ID		_IOR(NSIO, 0x5, __u64)
#define NSFS_IOC_PID_FROM_PIDNS		_IOR(NSIO, 0x6, int)
#define NSFS_IOC_TGID_FROM_PIDNS	_IOR(NSIO, 0x7, int)
#define NSFS_IOC_PID_IN_PIDNS		_IOR(NSIO, 0x8, int)
#define NSFS_IOC_TGID_IN_PIDNS		_IOR(NSIO, 0x9, int)
#define NSFS_IOC_NR_MNT_GET_INFO	10
#define NSFS_IOC_NR_MNT_GET_NEXT	11
#define NSFS_IOC_NR_MNT_GET_PREV	12

/*
 * A pidfd's ioctls for its task's namespaces (<linux/pidfd.h>, 6.11 on),
 * also where the target kernel's header is older: the module asks and
 * falls back to procfs where the pidfd does not answer.
 */
#define NSFS_PIDFD_GET_NS(nr)		_IO(0xFF, nr)
#define NSFS_PIDFD_GET_CGROUP		NSFS_PIDFD_GET_NS(1)
#define NSFS_PIDFD_GET_IPC		NSFS_PIDFD_GET_NS(2)
#define NSFS_PIDFD_GET_MNT		NSFS_PIDFD_GET_NS(3)
#define NSFS_PIDFD_GET_NET		NSFS_PIDFD_GET_NS(4)
#define NSFS_PIDFD_GET_PID		NSFS_PIDFD_GET_NS(5)
#define NSFS_PIDFD_GET_PID_CHILDREN	NSFS_PIDFD_GET_NS(6)
#define NSFS_PIDFD_GET_TIME		NSFS_PIDFD_GET_NS(7)
#define NSFS_PIDFD_GET_TIME_CHILDREN	NSFS_PIDFD_GET_NS(8)
#define NSFS_PIDFD_GET_USER		NSFS_PIDFD_GET_NS(9)
#define NSFS_PIDFD_GET_UTS		NSFS_PIDFD_GET_NS(10)

#ifdef PIDFD_GET_UTS_NAMESPACE
static_assert(PIDFD_GET_CGROUP_NAMESPACE == NSFS_PIDFD_GET_CGROUP);
static_assert(PIDFD_GET_IPC_NAMESPACE == NSFS_PIDFD_GET_IPC);
static_assert(PIDFD_GET_MNT_NAMESPACE == NSFS_PIDFD_GET_MNT);
static_assert(PIDFD_GET_NET_NAMESPACE == NSFS_PIDFD_GET_NET);
static_assert(PIDFD_GET_PID_NAMESPACE == NSFS_PIDFD_GET_PID);
static_assert(PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE ==
	      NSFS_PIDFD_GET_PID_CHILDREN);
static_assert(PIDFD_GET_TIME_NAMESPACE == NSFS_PIDFD_GET_TIME);
static_assert(PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE ==
	      NSFS_PIDFD_GET_TIME_CHILDREN);
static_assert(PIDFD_GET_USER_NAMESPACE == NSFS_PIDFD_GET_USER);
static_assert(PIDFD_GET_UTS_NAMESPACE == NSFS_PIDFD_GET_UTS);
#endif

#ifdef NS_GET_MNTNS_ID
static_assert(NSFS_IOC_MNTNS_ID == NS_GET_MNTNS_ID);
#endif
#ifdef NS_GET_TGID_IN_PIDNS
static_assert(NSFS_IOC_PID_FROM_PIDNS == NS_GET_PID_FROM_PIDNS);
static_assert(NSFS_IOC_TGID_FROM_PIDNS == NS_GET_TGID_FROM_PIDNS);
static_assert(NSFS_IOC_PID_IN_PIDNS == NS_GET_PID_IN_PIDNS);
static_assert(NSFS_IOC_TGID_IN_PIDNS == NS_GET_TGID_IN_PIDNS);
#endif
#ifdef NS_MNT_GET_INFO
static_assert(_IOC_NR(NS_MNT_GET_INFO) == NSFS_IOC_NR_MNT_GET_INFO);
static_assert(_IOC_NR(NS_MNT_GET_NEXT) == NSFS_IOC_NR_MNT_GET_NEXT);
static_assert(_IOC_NR(NS_MNT_GET_PREV) == NSFS_IOC_NR_MNT_GET_PREV);
#endif

struct dentry;
struct file;
struct ns_common;
struct path;
struct proc_ns_operations;
struct seq_file;

/**
 * struct nsfs_rec - what the module keeps for one namespace
 * @node: entry in the record table, keyed by @ns
 * @ns: the namespace; not a counted reference: every inode that points
 *	at this record holds one, and the record lives no longer than they
 * @ops: the namespace's operations (@ns->ops)
 * @inum: the namespace's inode number (@ns->inum)
 * @stashed: the namespace's dentry on our filesystem, or NULL; not a
 *	counted reference: cleared by d_prune when that dentry dies
 * @refs: pins the record: one per inode whose i_private points here, and
 *	one per nsfs_rec_find() not yet put
 * @rcu: frees the record after readers of the table are done
 *
 * A record is created by the first get of a namespace that has none and is
 * freed when its last inode is evicted, which is when the namespace's
 * dentry is killed on its last dput (see Documentation/nsfs.rst).
 */
struct nsfs_rec {
	struct rhash_head node;		/* changed under nsfs_table_lock */
	struct ns_common *ns;		/* not counted; the inodes pin it */
	const struct proc_ns_operations *ops;
	unsigned int inum;
	struct dentry *stashed;		/* not counted; cmpxchg only */
	refcount_t refs;		/* pins the record: its inodes, finders */
	struct rcu_head rcu;
};

/**
 * struct nsfs_stats - counters of the get path, for tests
 * @fast: gets served by a live stashed dentry
 * @slow: gets that made an inode and a dentry of their own
 * @won: made dentries that were published in the stash
 * @lost: made dentries dropped for a live one another caller published
 * @took_over: publishes that replaced a dead, not yet pruned, dentry
 * @pruned: stashes cleared by d_prune
 * @records: records allocated and not yet freed (after RCU)
 * @inodes: namespace inodes not yet evicted
 * @pins: pins on the mount of our filesystem (one per inode; 0: unmounted)
 */
struct nsfs_stats {
	unsigned long fast;
	unsigned long slow;
	unsigned long won;
	unsigned long lost;
	unsigned long took_over;
	unsigned long pruned;
	long records;
	long inodes;
	int pins;
};

/* The stash and the filesystem (nsfs/stash.c). */
int nsfs_fs_init(void);
void nsfs_fs_exit(void);
int nsfs_get_path(struct ns_common *ns, struct path *path);
struct nsfs_rec *nsfs_rec_find(struct ns_common *ns);
void nsfs_rec_put(struct nsfs_rec *rec);
void nsfs_get_stats(struct nsfs_stats *st);
void nsfs_set_publish_hook(void (*hook)(struct ns_common *ns));
int nsfs_open_ns(struct ns_common *ns);
struct ns_common *nsfs_ns_get(struct ns_common *ns);
int nsfs_show_records(struct seq_file *m, void *v);
int nsfs_show_stats(struct seq_file *m, void *v);

/* Namespace descriptors (nsfs/file.c). */
extern const struct file_operations nsfs_ns_fops;
struct file *nsfs_take_kernel_fd(int fd, u32 type);

/* debugfs's get path timer (nsfs/bench.c). */
extern const struct file_operations nsfs_bench_fops;

/* The device (nsfs/dev.c). */
int nsfs_dev_init(void);
void nsfs_dev_exit(void);

#endif /* _NSMODS_NSFS_H */
