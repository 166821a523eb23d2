// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_mqueue_ns: /dev/nsmods_mqueue_ns, the mq_open()/mq_unlink()
 * analogue, acting in the caller's ipc namespace.
 *
 * A module cannot add system calls, so opening by name is an ioctl that
 * returns a queue fd.  It looks the name up in the caller's namespace's
 * superblock through that namespace's internal mount, creates with
 * vfs_create() (so permission checks, LSMs and fsnotify see it) and opens
 * with dentry_open(), as upstream's do_mq_open() does with its mount.
 */
#include <linux/capability.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

/*
 * The caller's namespace's record and internal mount, both counted.  With
 * @make false (calls that only look), a namespace the module never met
 * gets none: -ENOENT, and no record, superblock or mount is made for it.
 */
static struct mqns_ns *mqns_current(struct vfsmount **mntp, bool make)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct mqns_ns *rec;

	rec = make ? mqns_ns_get(ns) : mqns_ns_lookup(ns);
	if (!rec)
		return ERR_PTR(-ENOENT);
	if (IS_ERR(rec))
		return rec;
	*mntp = mqns_ns_mnt(rec);
	if (!*mntp) {
		/* Cannot happen while the caller is in the namespace. */
		mqns_ns_put(rec);
		return ERR_PTR(-EACCES);
	}
	return rec;
}

static char *mqns_get_name(u64 uptr)
{
	char *name = strndup_user(u64_to_user_ptr(uptr), NAME_MAX + 1);

	if (IS_ERR(name) && PTR_ERR(name) == -EINVAL)
		return ERR_PTR(-ENAMETOOLONG);
	return name;
}

/* What lookup_one_len() refuses, for a namespace without a record. */
static int mqns_name_ok(const char *name)
{
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EACCES;
	return 0;
}

static int mqns_may_open(struct dentry *dentry, u32 oflag)
{
	static const int acc[] = { MAY_READ, MAY_WRITE, MAY_READ | MAY_WRITE };

	/* As upstream, only an existing queue refuses O_RDWR|O_WRONLY. */
	if ((oflag & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	return inode_permission(&nop_mnt_idmap, d_inode(dentry),
				acc[oflag & O_ACCMODE]);
}

/*
 * Create @dentry in @dir with the caller's attributes @attr (NULL: the
 * defaults); ->create checks them, after the dir's permission and the
 * queue count, in upstream's order.
 */
static int mqns_do_create(struct inode *dir, struct dentry *dentry,
			  umode_t mode, struct mqns_attr *attr)
{
	int err;

	/* ->create reads it; we hold the dir's lock, as every creator does. */
	dir->i_private = attr;
	err = vfs_create(&nop_mnt_idmap, dir, dentry,
			 mode & ~current_umask() & 0777, true);
	dir->i_private = NULL;
	return err;
}

/*
 * mq_open().  As upstream: the fd is always close-on-exec, oflag bits
 * other than the access mode, O_CREAT, O_EXCL and O_NONBLOCK are passed
 * to the open file (invalid ones dropped), and the errors come in
 * mq_open()'s order.
 */
static long mqns_ioc_open(struct mqns_open __user *uarg)
{
	struct mqns_attr attr, *attrp = NULL;
	struct dentry *root, *dentry;
	bool created = false, wrote = false;
	struct vfsmount *mnt;
	struct mqns_open o;
	struct file *file = NULL;
	struct mqns_ns *rec;
	char *name;
	int fd, err;

	if (copy_from_user(&o, uarg, sizeof(o)))
		return -EFAULT;
	if (o.attr) {
		if (copy_from_user(&attr, u64_to_user_ptr(o.attr), sizeof(attr)))
			return -EFAULT;
		attrp = &attr;
	}
	name = mqns_get_name(o.name);
	if (IS_ERR(name))
		return PTR_ERR(name);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto out_name;
	}
	rec = mqns_current(&mnt, o.oflag & O_CREAT);
	if (IS_ERR(rec)) {
		err = PTR_ERR(rec);
		/* No record: nothing exists, but a bad name says so first. */
		if (err == -ENOENT)
			err = mqns_name_ok(name) ?: -ENOENT;
		goto out_fd;
	}
	if (o.oflag & O_CREAT) {
		err = mnt_want_write(mnt);
		if (err)
			goto out_rec;
		wrote = true;
	}
	root = mnt->mnt_root;
	inode_lock(d_inode(root));
	dentry = lookup_one_len(name, root, strlen(name));
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		inode_unlock(d_inode(root));
		goto out_write;
	}
	if (d_really_is_negative(dentry)) {
		err = -ENOENT;
		if (o.oflag & O_CREAT) {
			err = mqns_do_create(d_inode(root), dentry, o.mode,
					     attrp);
			created = !err;
		}
	} else {
		err = (o.oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) ?
			-EEXIST : 0;
	}
	inode_unlock(d_inode(root));
	if (!err && !created)
		err = mqns_may_open(dentry, o.oflag);
	if (!err) {
		struct path path = { .mnt = mnt, .dentry = dentry };

		file = dentry_open(&path, o.oflag & VALID_OPEN_FLAGS &
				   ~(O_CREAT | O_EXCL | O_PATH),
				   current_cred());
		if (IS_ERR(file))
			err = PTR_ERR(file);
	}
	dput(dentry);
out_write:
	if (wrote)
		mnt_drop_write(mnt);
	if (err)
		goto out_rec;
	fd_install(fd, file);
	mntput(mnt);
	mqns_ns_put(rec);
	kfree(name);
	return fd;

out_rec:
	mntput(mnt);
	mqns_ns_put(rec);
out_fd:
	put_unused_fd(fd);
out_name:
	kfree(name);
	return err;
}

static long mqns_ioc_unlink(struct mqns_name __user *uarg)
{
	struct dentry *root, *dentry;
	struct inode *victim = NULL;
	struct vfsmount *mnt;
	struct mqns_name n;
	struct mqns_ns *rec;
	char *name;
	int err;

	if (copy_from_user(&n, uarg, sizeof(n)))
		return -EFAULT;
	name = mqns_get_name(n.name);
	if (IS_ERR(name))
		return PTR_ERR(name);
	rec = mqns_current(&mnt, false);
	if (IS_ERR(rec)) {
		err = PTR_ERR(rec);
		if (err == -ENOENT)
			err = mqns_name_ok(name) ?: -ENOENT;
		goto out_name;
	}
	err = mnt_want_write(mnt);
	if (err)
		goto out_rec;
	root = mnt->mnt_root;
	inode_lock_nested(d_inode(root), I_MUTEX_PARENT);
	dentry = lookup_one_len(name, root, strlen(name));
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto out_unlock;
	}
	if (d_really_is_negative(dentry)) {
		err = -ENOENT;
	} else {
		/* Evict after we drop the dir's lock, not under it. */
		victim = d_inode(dentry);
		ihold(victim);
		err = vfs_unlink(&nop_mnt_idmap, d_inode(root), dentry, NULL);
	}
	dput(dentry);
out_unlock:
	inode_unlock(d_inode(root));
	iput(victim);
	mnt_drop_write(mnt);
out_rec:
	mntput(mnt);
	mqns_ns_put(rec);
out_name:
	kfree(name);
	return err;
}

static long mqns_ioc_limits(struct mqns_limits __user *uarg, bool set)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct mqns_nslimits lim;
	struct mqns_limits l;
	struct mqns_ns *rec;
	int err;

	if (!set) {
		memset(&l, 0, sizeof(l));
		/* Only a look: no record is made for it. */
		rec = mqns_ns_lookup(ns);
		mqns_limits_default(&lim);
		if (rec) {
			spin_lock(&mqns_lock);
			lim = rec->limits;
			l.queues_count = rec->queues;
			spin_unlock(&mqns_lock);
			mqns_ns_put(rec);
		}
		l.queues_max = lim.queues_max;
		l.msg_max = lim.msg_max;
		l.msgsize_max = lim.msgsize_max;
		l.msg_default = lim.msg_default;
		l.msgsize_default = lim.msgsize_default;
		return copy_to_user(uarg, &l, sizeof(l)) ? -EFAULT : 0;
	}
	if (!ns_capable(ns->user_ns, CAP_SYS_RESOURCE))
		return -EPERM;
	if (copy_from_user(&l, uarg, sizeof(l)))
		return -EFAULT;
	err = mqns_limits_check(&l);
	if (err) {
		pr_info_ratelimited("limits out of range\n");
		return err;
	}
	rec = mqns_ns_get(ns);
	if (IS_ERR(rec))
		return PTR_ERR(rec);
	spin_lock(&mqns_lock);
	rec->limits.queues_max = l.queues_max;
	rec->limits.msg_max = l.msg_max;
	rec->limits.msgsize_max = l.msgsize_max;
	rec->limits.msg_default = l.msg_default;
	rec->limits.msgsize_default = l.msgsize_default;
	spin_unlock(&mqns_lock);
	mqns_ns_put(rec);
	return 0;
}

static long mqns_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MQNS_IOC_OPEN:
		return mqns_ioc_open(uarg);
	case MQNS_IOC_UNLINK:
		return mqns_ioc_unlink(uarg);
	case MQNS_IOC_GET_LIMITS:
		return mqns_ioc_limits(uarg, false);
	case MQNS_IOC_SET_LIMITS:
		return mqns_ioc_limits(uarg, true);
	}
	/* Others' ioctls (isatty()'s TCGETS...) are no news. */
	if (_IOC_TYPE(cmd) == MQNS_IOC_MAGIC)
		pr_info_ratelimited("unknown device ioctl 0x%x\n", cmd);
	return -ENOTTY;
}

static const struct file_operations mqns_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mqns_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice mqns_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "nsmods_mqueue_ns",
	.fops = &mqns_dev_fops,
	.mode = 0666,
};

int mqns_dev_init(void)
{
	return misc_register(&mqns_misc);
}

void mqns_dev_exit(void)
{
	misc_deregister(&mqns_misc);
}
