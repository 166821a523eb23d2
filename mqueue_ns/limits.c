// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_mqueue_ns: the "mqueue_ns_limits" filesystem, the limits of the
 * mounter's ipc namespace as files under upstream's fs.mqueue sysctl names
 * (queues_max, msg_max, msgsize_max, msg_default, msgsize_default), with
 * their ranges and their rule for writers.
 *
 * A module cannot add files to an ipc namespace's own sysctl set, so each
 * mount is a small filesystem of its own, tied to the namespace it was
 * mounted in.  Its files are 0644 and belong to the namespace's root (root
 * of its user namespace, global root when that has none), as upstream's
 * /proc/sys/fs/mqueue/ files: the VFS lets that user write them.
 */
#include <linux/cred.h>
#include <linux/fs_context.h>
#include <linux/ipc_namespace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "internal.h"

struct mqns_limit_file {
	const char *name;
	size_t off;		/* in struct mqns_nslimits */
	long min, max;
};

/* Upstream's ranges: queues_max is any int (proc_dointvec), stored as is. */
static const struct mqns_limit_file mqns_limit_files[] = {
	{ "queues_max", offsetof(struct mqns_nslimits, queues_max),
	  INT_MIN, INT_MAX },
	{ "msg_max", offsetof(struct mqns_nslimits, msg_max),
	  1, MQNS_HARD_MSGMAX },
	{ "msgsize_max", offsetof(struct mqns_nslimits, msgsize_max),
	  MQNS_MIN_MSGSIZEMAX, MQNS_HARD_MSGSIZEMAX },
	{ "msg_default", offsetof(struct mqns_nslimits, msg_default),
	  1, MQNS_HARD_MSGMAX },
	{ "msgsize_default", offsetof(struct mqns_nslimits, msgsize_default),
	  MQNS_MIN_MSGSIZEMAX, MQNS_HARD_MSGSIZEMAX },
};

/* The namespace's root, who owns the files (upstream's mq_set_ownership()). */
static void mqns_limits_owner(struct user_namespace *user_ns, kuid_t *uid,
			      kgid_t *gid)
{
	kuid_t u = make_kuid(user_ns, 0);
	kgid_t g = make_kgid(user_ns, 0);

	*uid = uid_valid(u) ? u : GLOBAL_ROOT_UID;
	*gid = gid_valid(g) ? g : GLOBAL_ROOT_GID;
}

/* The namespace of a limits file: the sb's s_fs_info, counted by the sb. */
static struct ipc_namespace *mqns_limit_ns(struct file *file)
{
	return file_inode(file)->i_sb->s_fs_info;
}

static unsigned int *mqns_limit_field(struct mqns_nslimits *lim,
				      const struct mqns_limit_file *lf)
{
	return (unsigned int *)((char *)lim + lf->off);
}

static ssize_t mqns_limit_read(struct file *file, char __user *buf,
			       size_t count, loff_t *ppos)
{
	const struct mqns_limit_file *lf = file_inode(file)->i_private;
	struct mqns_nslimits lim;
	struct mqns_ns *rec;
	unsigned int v;
	char line[24];
	int len;

	/* Only a look: no record is made for it. */
	rec = mqns_ns_lookup(mqns_limit_ns(file));
	mqns_limits_default(&lim);
	if (rec) {
		spin_lock(&mqns_lock);
		lim = rec->limits;
		spin_unlock(&mqns_lock);
		mqns_ns_put(rec);
	}
	v = *mqns_limit_field(&lim, lf);
	/* As proc_dointvec: the value as an int. */
	len = scnprintf(line, sizeof(line), "%d\n", (int)v);
	return simple_read_from_buffer(buf, count, ppos, line, len);
}

static ssize_t mqns_limit_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	const struct mqns_limit_file *lf = file_inode(file)->i_private;
	struct mqns_ns *rec;
	char line[24];
	long v;
	int err;

	if (*ppos)
		return -EINVAL;
	if (!count || count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, buf, count))
		return -EFAULT;
	line[count] = 0;
	err = kstrtol(strim(line), 10, &v);
	if (err)
		return err;
	if (v < lf->min || v > lf->max)
		return -EINVAL;
	rec = mqns_ns_get(mqns_limit_ns(file));
	if (IS_ERR(rec))
		return PTR_ERR(rec);
	spin_lock(&mqns_lock);
	*mqns_limit_field(&rec->limits, lf) = (unsigned int)v;
	spin_unlock(&mqns_lock);
	mqns_ns_put(rec);
	*ppos += count;
	return count;
}

static const struct file_operations mqns_limit_fops = {
	.owner = THIS_MODULE,
	.read = mqns_limit_read,
	.write = mqns_limit_write,
	.llseek = default_llseek,
};

static const struct super_operations mqns_limits_sops = {
	.statfs = simple_statfs,
	.drop_inode = generic_delete_inode,
};

static int mqns_limits_fill_super(struct super_block *sb,
				  struct fs_context *fc)
{
	struct ipc_namespace *ns = sb->s_fs_info;
	struct inode *dir, *inode;
	struct dentry *dentry;
	kuid_t uid;
	kgid_t gid;
	int i;

	mqns_limits_owner(ns->user_ns, &uid, &gid);
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = MQNS_LIMITS_MAGIC;
	sb->s_op = &mqns_limits_sops;
	sb->s_iflags |= SB_I_NOEXEC | SB_I_NODEV;
	dir = new_inode(sb);
	if (!dir)
		return -ENOMEM;
	dir->i_ino = 1;
	dir->i_mode = S_IFDIR | 0755;
	dir->i_uid = uid;
	dir->i_gid = gid;
	simple_inode_init_ts(dir);
	dir->i_op = &simple_dir_inode_operations;
	dir->i_fop = &simple_dir_operations;
	set_nlink(dir, 2);
	sb->s_root = d_make_root(dir);
	if (!sb->s_root)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(mqns_limit_files); i++) {
		dentry = d_alloc_name(sb->s_root, mqns_limit_files[i].name);
		if (!dentry)
			return -ENOMEM;
		inode = new_inode(sb);
		if (!inode) {
			dput(dentry);
			return -ENOMEM;
		}
		inode->i_ino = i + 2;
		inode->i_mode = S_IFREG | 0644;
		inode->i_uid = uid;
		inode->i_gid = gid;
		simple_inode_init_ts(inode);
		inode->i_fop = &mqns_limit_fops;
		inode->i_private = (void *)&mqns_limit_files[i];
		/* The dentry's reference stays until kill_litter_super(). */
		d_add(dentry, inode);
	}
	return 0;
}

static int mqns_limits_get_tree(struct fs_context *fc)
{
	return get_tree_nodev(fc, mqns_limits_fill_super);
}

static void mqns_limits_fc_free(struct fs_context *fc)
{
	/* Still set if no sb took it over. */
	if (fc->s_fs_info)
		put_ipc_ns(fc->s_fs_info);
}

static const struct fs_context_operations mqns_limits_context_ops = {
	.free = mqns_limits_fc_free,
	.get_tree = mqns_limits_get_tree,
};

static int mqns_limits_init_fs_context(struct fs_context *fc)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;

	/* The sb's reference (s_fs_info): the namespace it shows. */
	fc->s_fs_info = get_ipc_ns(ns);
	/* mount_capable(): CAP_SYS_ADMIN over the namespace's owner. */
	put_user_ns(fc->user_ns);
	fc->user_ns = get_user_ns(ns->user_ns);
	fc->ops = &mqns_limits_context_ops;
	return 0;
}

static void mqns_limits_kill_sb(struct super_block *sb)
{
	struct ipc_namespace *ns = sb->s_fs_info;

	kill_litter_super(sb);
	put_ipc_ns(ns);
}

static struct file_system_type mqns_limits_fs_type = {
	.owner = THIS_MODULE,
	.name = MQNS_LIMITS_FSTYPE,
	.init_fs_context = mqns_limits_init_fs_context,
	.kill_sb = mqns_limits_kill_sb,
	.fs_flags = FS_USERNS_MOUNT,
};

int mqns_limits_init(void)
{
	return register_filesystem(&mqns_limits_fs_type);
}

void mqns_limits_exit(void)
{
	unregister_filesystem(&mqns_limits_fs_type);
}
