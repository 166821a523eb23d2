/* SPDX-License-Identifier: GPL-2.0 */
/* nsmods_mqueue_ns: what its files share (Documentation/mqueue_ns.rst). */
#ifndef _NSMODS_MQUEUE_INTERNAL_H
#define _NSMODS_MQUEUE_INTERNAL_H

#include <linux/fs.h>
#include <linux/spinlock.h>

#include <nsmods/mqueue_ns.h>

struct seq_file;

/* A queue's inode; directories use only @vfs_inode. */
struct mqns_inode_info {
	struct mqns_queue q;
	kuid_t uid;			/* who was charged for the queue */
	unsigned long charged;		/* bytes charged to @uid */
	struct inode vfs_inode;
};

static inline struct mqns_inode_info *MQNS_I(struct inode *inode)
{
	return container_of(inode, struct mqns_inode_info, vfs_inode);
}

/* Protects the record lists and every record's state, ns, mnt, limits
 * and queue count.
 */
extern spinlock_t mqns_lock;
extern struct file_system_type mqns_fs_type;
extern const struct file_operations mqns_queue_fops;

/* ns.c */
int mqns_ns_init(void);
void mqns_ns_drain(void);
void mqns_ns_exit(void);
struct vfsmount *mqns_ns_mnt(struct mqns_ns *rec);
void mqns_ns_hold(struct mqns_ns *rec);
void mqns_records_show(struct seq_file *m);

/* fs.c */
int mqns_fs_init(void);
void mqns_fs_exit(void);
struct vfsmount *mqns_internal_mount(struct mqns_ns *rec);

/* dev.c */
int mqns_dev_init(void);
void mqns_dev_exit(void);

/* limits.c */
int mqns_limits_init(void);
void mqns_limits_exit(void);

/* queue.c */
void mqns_users_show(struct seq_file *m);

#endif /* _NSMODS_MQUEUE_INTERNAL_H */
