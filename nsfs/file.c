// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_nsfs: what a namespace descriptor does.
 *
 * fstat() shows the namespace's inode number (the inode's i_ino).  The
 * ioctls give the namespace's type, its owning user namespace and its
 * parent as descriptors of ours, with the visibility rules of upstream's
 * NS_GET_USERNS and NS_GET_PARENT, and a descriptor of the kernel's own
 * nsfs for the same namespace, which setns(2) accepts.
 *
 * The kernel's own ioctls (<linux/nsfs.h>) are answered with their numbers:
 * those a module can compute are answered here; those that need the
 * kernel's private struct mnt_namespace are passed to a file of the
 * kernel's nsfs for the same namespace (see Documentation/nsfs.rst).
 */
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/nsfs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include <uapi/linux/nsmods_nsfs.h>
#include <nsmods/nsfs.h>

/* open_related_ns() callback: the same namespace, one more reference. */
static struct ns_common *nsfs_same_ns(struct ns_common *ns)
{
	return nsfs_ns_get(ns);
}

/*
 * The owning user namespace, if the caller can see it: it must be the
 * caller's user namespace or one of its descendants.
 */
static int nsfs_open_owner(struct nsfs_rec *rec)
{
	struct user_namespace *owner = rec->ops->owner(rec->ns);
	struct user_namespace *mine = current_user_ns();
	struct user_namespace *p;

	for (p = owner; p; p = p->parent)
		if (p == mine)
			break;
	if (!p)
		return -EPERM;
	/* @owner lives as long as @rec->ns, which our inode pins. */
	get_user_ns(owner);
	return nsfs_open_ns(&owner->ns);
}

static int nsfs_open_parent(struct nsfs_rec *rec)
{
	struct ns_common *parent;

	if (!rec->ops->get_parent) {
		pr_debug_ratelimited("%s namespaces have no parent\n",
				     rec->ops->name);
		return -EINVAL;
	}
	/* A counted reference, or -EPERM if the caller may not see it. */
	parent = rec->ops->get_parent(rec->ns);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	return nsfs_open_ns(parent);
}

/**
 * nsfs_take_kernel_fd() - take back a descriptor the kernel just installed
 * @fd: a descriptor of the kernel's nsfs that a call made on the caller's
 *	behalf (open_related_ns(), a pidfd's ioctl) put in its table
 * @type: the CLONE_NEW* type it must be of
 *
 * The descriptor leaves the table.  Another thread of the caller that
 * closed @fd and opened something else there in between loses that file,
 * which is then refused here: only the caller's own threads can do that.
 *
 * Return: the file, with the reference the table had, or an error pointer.
 */
struct file *nsfs_take_kernel_fd(int fd, u32 type)
{
	struct file *f = file_close_fd(fd);

	if (!f)
		return ERR_PTR(-EBADF);
	if (file_inode(f)->i_sb->s_magic != NSFS_MAGIC ||
	    get_proc_ns(file_inode(f))->ops->type != type) {
		pr_info_ratelimited("fd %d was replaced under us\n", fd);
		fput(f);
		return ERR_PTR(-EBADF);
	}
	return f;
}

/*
 * The kernel's own nsfs file for @rec's namespace: a descriptor from
 * open_related_ns() taken out of the caller's table at once.
 */
static struct file *nsfs_kernel_file(struct nsfs_rec *rec)
{
	int fd = open_related_ns(rec->ns, nsfs_same_ns);

	if (fd < 0)
		return ERR_PTR(fd);
	return nsfs_take_kernel_fd(fd, rec->ops->type);
}

/* The namespace of a file of the kernel's nsfs, with a reference of ours. */
static struct ns_common *nsfs_kernel_file_ns(struct file *f)
{
	/* @f pins the namespace until our reference is taken. */
	return nsfs_ns_get(get_proc_ns(file_inode(f)));
}

/*
 * The mount namespace ioctls need the kernel's private struct
 * mnt_namespace: the kernel's nsfs answers them on its own file for the
 * same namespace, with its own rules.  A descriptor it returns
 * (NS_MNT_GET_NEXT, NS_MNT_GET_PREV) is turned into one of ours.
 */
static long nsfs_mnt_ioctl(struct nsfs_rec *rec, unsigned int cmd,
			   unsigned long arg, bool returns_fd)
{
	struct ns_common *ns;
	struct file *f;
	long ret;

	if (rec->ops->type != CLONE_NEWNS)
		return -EINVAL;
	f = nsfs_kernel_file(rec);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = f->f_op->unlocked_ioctl(f, cmd, arg);
	fput(f);
	if (ret < 0 || !returns_fd)
		return ret;

	f = nsfs_take_kernel_fd(ret, CLONE_NEWNS);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ns = nsfs_kernel_file_ns(f);
	fput(f);
	return nsfs_open_ns(ns);
}

static long nsfs_owner_uid(struct nsfs_rec *rec, uid_t __user *argp)
{
	struct user_namespace *user_ns;

	if (rec->ops->type != CLONE_NEWUSER)
		return -EINVAL;
	user_ns = container_of(rec->ns, struct user_namespace, ns);
	return put_user(from_kuid_munged(current_user_ns(), user_ns->owner),
			argp);
}

/*
 * The pid translations: @nr is a pid in the descriptor's pid namespace
 * (FROM) or in the caller's (IN); the answer is the task's pid or tgid in
 * the other one.  Anyone holding the descriptor may ask, as upstream.
 */
static long nsfs_pid_ioctl(struct nsfs_rec *rec, unsigned int cmd,
			   unsigned long nr)
{
	struct pid_namespace *pid_ns, *caller = task_active_pid_ns(current);
	bool in = cmd == NSFS_IOC_PID_IN_PIDNS || cmd == NSFS_IOC_TGID_IN_PIDNS;
	struct task_struct *task;
	pid_t ret = 0;

	if (rec->ops->type != CLONE_NEWPID)
		return -EINVAL;
	if (nr > INT_MAX)
		return -ESRCH;
	pid_ns = container_of(rec->ns, struct pid_namespace, ns);

	/* The task is looked at only inside this RCU read section. */
	rcu_read_lock();
	task = pid_task(find_pid_ns(nr, in ? caller : pid_ns), PIDTYPE_PID);
	if (task) {
		switch (cmd) {
		case NSFS_IOC_PID_FROM_PIDNS:
			ret = task_pid_nr_ns(task, caller);
			break;
		case NSFS_IOC_TGID_FROM_PIDNS:
			ret = task_tgid_nr_ns(task, caller);
			break;
		case NSFS_IOC_PID_IN_PIDNS:
			ret = task_pid_nr_ns(task, pid_ns);
			break;
		case NSFS_IOC_TGID_IN_PIDNS:
			ret = task_tgid_nr_ns(task, pid_ns);
			break;
		}
	}
	rcu_read_unlock();
	return ret ? ret : -ESRCH;
}

/* The kernel's own ioctls of <linux/nsfs.h>, or -ENOIOCTLCMD. */
static long nsfs_upstream_ioctl(struct nsfs_rec *rec, unsigned int cmd,
				unsigned long arg)
{
	switch (cmd) {
	case NS_GET_USERNS:
		return nsfs_open_owner(rec);
	case NS_GET_PARENT:
		return nsfs_open_parent(rec);
	case NS_GET_NSTYPE:
		return rec->ops->type;
	case NS_GET_OWNER_UID:
		return nsfs_owner_uid(rec, (uid_t __user *)arg);
	case NSFS_IOC_MNTNS_ID:
		return nsfs_mnt_ioctl(rec, cmd, arg, false);
	case NSFS_IOC_PID_FROM_PIDNS:
	case NSFS_IOC_TGID_FROM_PIDNS:
	case NSFS_IOC_PID_IN_PIDNS:
	case NSFS_IOC_TGID_IN_PIDNS:
		return nsfs_pid_ioctl(rec, cmd, arg);
	}
	/* Extensible by size: every size is the kernel's to judge. */
	if (_IOC_TYPE(cmd) == NSIO && _IOC_DIR(cmd) == _IOC_READ) {
		switch (_IOC_NR(cmd)) {
		case NSFS_IOC_NR_MNT_GET_INFO:
			return nsfs_mnt_ioctl(rec, cmd, arg, false);
		case NSFS_IOC_NR_MNT_GET_NEXT:
		case NSFS_IOC_NR_MNT_GET_PREV:
			return nsfs_mnt_ioctl(rec, cmd, arg, true);
		}
	}
	return -ENOIOCTLCMD;
}

static long nsfs_ns_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	/* The inode, pinned by @file, holds a reference on the record. */
	struct nsfs_rec *rec = file_inode(file)->i_private;
	long ret;

	switch (cmd) {
	case NSMODS_NSFS_GET_NSTYPE:
		return rec->ops->type;
	case NSMODS_NSFS_GET_USERNS:
		return nsfs_open_owner(rec);
	case NSMODS_NSFS_GET_PARENT:
		return nsfs_open_parent(rec);
	case NSMODS_NSFS_GET_NSFS:
		return open_related_ns(rec->ns, nsfs_same_ns);
	}
	ret = nsfs_upstream_ioctl(rec, cmd, arg);
	if (ret != -ENOIOCTLCMD)
		return ret;
	pr_debug_ratelimited("unknown ioctl %#x on a namespace descriptor\n",
			     cmd);
	return -ENOTTY;
}

const struct file_operations nsfs_ns_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nsfs_ns_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};
