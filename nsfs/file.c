// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_nsfs: what a namespace descriptor does.
 *
 * fstat() shows the namespace's inode number (the inode's i_ino).  The
 * ioctls give the namespace's type, its owning user namespace and its
 * parent as descriptors of ours, with the visibility rules of upstream's
 * NS_GET_USERNS and NS_GET_PARENT, and a descriptor of the kernel's own
 * nsfs for the same namespace, which setns(2) accepts.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
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

static long nsfs_ns_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	/* The inode, pinned by @file, holds a reference on the record. */
	struct nsfs_rec *rec = file_inode(file)->i_private;

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
