// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_mqueue_ns: the "mqueue_ns" filesystem, one superblock per ipc
 * namespace, and the queue files in it.
 *
 * Mounting acts in the caller's ipc namespace; everything done through a
 * mount acts in the superblock of that mount, whatever the caller's
 * namespace (Documentation/mqueue_ns.rst).  Upstream's ipc/mqueue.c is
 * the model for the semantics.
 */
#include <linux/capability.h>
#include <linux/fs_context.h>
#include <linux/hrtimer.h>
#include <linux/ipc_namespace.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/time.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "internal.h"

/* Upstream gives queue files and the directory these sizes. */
#define MQNS_FILENT_SIZE	80
#define MQNS_DIRENT_SIZE	20

static struct kmem_cache *mqns_inode_cachep;

struct mqns_fs_context {
	struct ipc_namespace *ipc_ns;	/* counted: the mounter's namespace */
	struct mqns_ns *rec;		/* set for our internal mount only */
};

static const struct inode_operations mqns_dir_iops;
static const struct super_operations mqns_sops;

static struct inode *mqns_get_inode(struct super_block *sb, umode_t mode,
				    const struct mqns_attr *attr)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode->i_mode = mode;
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	simple_inode_init_ts(inode);
	if (S_ISREG(mode)) {
		mqns_queue_init(&MQNS_I(inode)->q, attr->mq_maxmsg,
				attr->mq_msgsize);
		inode->i_fop = &mqns_queue_fops;
		inode->i_size = MQNS_FILENT_SIZE;
	} else {
		inc_nlink(inode);
		inode->i_op = &mqns_dir_iops;
		inode->i_fop = &simple_dir_operations;
	}
	return inode;
}

/*
 * Make a queue in @dir's superblock with @attr, unchecked, or (NULL) the
 * namespace's defaults.  Upstream's order: the namespace's death (EACCES),
 * the queue count (ENOSPC), the attributes (EINVAL, EOVERFLOW), the
 * creator's RLIMIT_MSGQUEUE (EMFILE).  CAP_SYS_RESOURCE is asked for only
 * when a limit would refuse the queue.
 */
static int mqns_create_attr(struct inode *dir, struct dentry *dentry,
			    umode_t mode, const struct mqns_attr *uattr)
{
	struct mqns_ns *rec = dir->i_sb->s_fs_info;
	struct mqns_inode_info *info;
	struct mqns_nslimits lim;
	struct mqns_attr attr;
	unsigned long bytes;
	struct inode *inode;
	kuid_t uid = current_uid();
	bool over;
	int err;

	spin_lock(&mqns_lock);
	if (rec->state != MQNS_ALIVE) {
		spin_unlock(&mqns_lock);
		pr_info_ratelimited("ipc namespace %u is gone: no new queue in its mqueue_ns\n",
				    rec->inum);
		return -EACCES;
	}
	/* capable() cannot sleep; upstream asks it under its lock too. */
	if (rec->queues >= rec->limits.queues_max &&
	    !capable(CAP_SYS_RESOURCE)) {
		spin_unlock(&mqns_lock);
		return -ENOSPC;
	}
	rec->queues++;
	lim = rec->limits;
	spin_unlock(&mqns_lock);

	if (uattr)
		attr = *uattr;
	else
		mqns_attr_default(&lim, &attr);
	/* Within the namespace's maxima the capability cannot matter. */
	over = attr.mq_maxmsg > lim.msg_max || attr.mq_msgsize > lim.msgsize_max;
	err = mqns_attr_check(&lim, &attr, over && capable(CAP_SYS_RESOURCE));
	if (err)
		goto out_count;
	bytes = mqns_queue_bytes(attr.mq_maxmsg, attr.mq_msgsize);
	err = mqns_user_charge(uid, bytes, rlimit(RLIMIT_MSGQUEUE));
	if (err)
		goto out_count;
	err = -ENOMEM;
	inode = mqns_get_inode(dir->i_sb, S_IFREG | mode, &attr);
	if (!inode)
		goto out_charge;
	info = MQNS_I(inode);
	info->uid = uid;
	info->charged = bytes;
	inode_set_mtime_to_ts(dir, inode_set_ctime_current(dir));
	d_instantiate(dentry, inode);
	dget(dentry);	/* the sb keeps it until unlink (kill_litter_super) */
	return 0;

out_charge:
	mqns_user_uncharge(uid, bytes);
out_count:
	spin_lock(&mqns_lock);
	rec->queues--;
	spin_unlock(&mqns_lock);
	return err;
}

/*
 * ->create: open(2) with O_CREAT on a mount gets the defaults; the device
 * passes the caller's attributes in dir->i_private, under the dir's lock.
 */
static int mqns_create(struct mnt_idmap *idmap, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl)
{
	return mqns_create_attr(dir, dentry, mode, dir->i_private);
}

static const struct inode_operations mqns_dir_iops = {
	.lookup = simple_lookup,
	.create = mqns_create,
	.unlink = simple_unlink,
};

static struct inode *mqns_alloc_inode(struct super_block *sb)
{
	struct mqns_inode_info *info;

	info = alloc_inode_sb(sb, mqns_inode_cachep, GFP_KERNEL);
	if (!info)
		return NULL;
	return &info->vfs_inode;
}

static void mqns_free_inode(struct inode *inode)
{
	kmem_cache_free(mqns_inode_cachep, MQNS_I(inode));
}

/* The last reference to a queue: its messages and charges go. */
static void mqns_evict_inode(struct inode *inode)
{
	struct mqns_ns *rec = inode->i_sb->s_fs_info;
	struct mqns_inode_info *info = MQNS_I(inode);

	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	if (!S_ISREG(inode->i_mode))
		return;
	mqns_queue_destroy(&info->q);
	mqns_user_uncharge(info->uid, info->charged);
	spin_lock(&mqns_lock);
	rec->queues--;
	spin_unlock(&mqns_lock);
}

static const struct super_operations mqns_sops = {
	.alloc_inode = mqns_alloc_inode,
	.free_inode = mqns_free_inode,
	.evict_inode = mqns_evict_inode,
	.statfs = simple_statfs,
	.drop_inode = generic_delete_inode,
};

/*
 * The queue directory belongs to the namespace's owner, root of its user
 * namespace (global root where that has no root mapped, as upstream's
 * fs.mqueue sysctl files), never to whoever happened to use it first.
 */
static void mqns_root_owner(struct mqns_ns *rec, kuid_t *uid, kgid_t *gid)
{
	kuid_t u = make_kuid(rec->user_ns, 0);
	kgid_t g = make_kgid(rec->user_ns, 0);

	*uid = uid_valid(u) ? u : GLOBAL_ROOT_UID;
	*gid = gid_valid(g) ? g : GLOBAL_ROOT_GID;
}

static int mqns_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct inode *inode;

	/* The sb's reference on its record, dropped by mqns_kill_sb(). */
	mqns_ns_hold(sb->s_fs_info);
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = MQNS_SUPER_MAGIC;
	sb->s_op = &mqns_sops;
	inode = mqns_get_inode(sb, S_IFDIR | S_ISVTX | 0777, NULL);
	if (inode) {
		mqns_root_owner(sb->s_fs_info, &inode->i_uid, &inode->i_gid);
		inode->i_size = 2 * MQNS_DIRENT_SIZE;
	}
	sb->s_root = d_make_root(inode);
	if (!sb->s_root)
		return -ENOMEM;
	return 0;
}

static int mqns_get_tree(struct fs_context *fc)
{
	struct mqns_fs_context *ctx = fc->fs_private;
	struct mqns_ns *rec = ctx->rec;
	int err;

	if (rec) {
		/* Our internal mount, made by mqns_ns_get() itself. */
		mqns_ns_hold(rec);
	} else {
		rec = mqns_ns_get(ctx->ipc_ns);
		if (IS_ERR(rec))
			return PTR_ERR(rec);
	}
	put_user_ns(fc->user_ns);
	fc->user_ns = get_user_ns(rec->user_ns);
	/* The internal mount keeps the sb, so a user mount finds it. */
	err = get_tree_keyed(fc, mqns_fill_super, rec);
	mqns_ns_put(rec);
	return err;
}

static int mqns_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	if (!strcmp(param->key, "source"))
		return vfs_parse_fs_param_source(fc, param);
	pr_info_ratelimited("unknown mount option \"%s\"\n", param->key);
	return invalfc(fc, "Unknown parameter '%s'", param->key);
}

static void mqns_fs_context_free(struct fs_context *fc)
{
	struct mqns_fs_context *ctx = fc->fs_private;

	put_ipc_ns(ctx->ipc_ns);
	kfree(ctx);
}

static const struct fs_context_operations mqns_context_ops = {
	.free = mqns_fs_context_free,
	.parse_param = mqns_parse_param,
	.get_tree = mqns_get_tree,
};

static int mqns_init_fs_context(struct fs_context *fc)
{
	struct mqns_fs_context *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	/* Our own namespace: no race with its last put. */
	ctx->ipc_ns = get_ipc_ns(current->nsproxy->ipc_ns);
	/* mount_capable() asks for CAP_SYS_ADMIN over the namespace's owner. */
	put_user_ns(fc->user_ns);
	fc->user_ns = get_user_ns(ctx->ipc_ns->user_ns);
	fc->fs_private = ctx;
	fc->ops = &mqns_context_ops;
	return 0;
}

static void mqns_kill_sb(struct super_block *sb)
{
	struct mqns_ns *rec = sb->s_fs_info;

	kill_litter_super(sb);
	mqns_ns_put(rec);
}

struct file_system_type mqns_fs_type = {
	.owner = THIS_MODULE,
	.name = MQNS_FSTYPE,
	.init_fs_context = mqns_init_fs_context,
	.kill_sb = mqns_kill_sb,
	.fs_flags = FS_USERNS_MOUNT,
};

/*
 * The internal mount of a new record: it pins the sb (and so the queues)
 * until the namespace dies.
 */
struct vfsmount *mqns_internal_mount(struct mqns_ns *rec)
{
	struct mqns_fs_context *ctx;
	struct fs_context *fc;
	struct vfsmount *mnt;

	fc = fs_context_for_mount(&mqns_fs_type, SB_KERNMOUNT);
	if (IS_ERR(fc))
		return ERR_CAST(fc);
	ctx = fc->fs_private;
	ctx->rec = rec;
	mnt = fc_mount(fc);
	put_fs_context(fc);
	return mnt;
}

/* Queue files */

static ssize_t mqns_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	struct inode *inode = file_inode(file);
	char line[96];
	int len;

	len = mqns_qsize_line(&MQNS_I(inode)->q, line, sizeof(line));
	inode_set_atime_to_ts(inode, current_time(inode));
	return simple_read_from_buffer(buf, count, ppos, line, len);
}

static __poll_t mqns_poll(struct file *file, struct poll_table_struct *pt)
{
	struct mqns_queue *q = &MQNS_I(file_inode(file))->q;
	__poll_t mask = 0;
	long cur;

	poll_wait(file, &q->rwait, pt);
	poll_wait(file, &q->swait, pt);
	cur = READ_ONCE(q->curmsgs);
	if (cur)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (cur < q->maxmsg)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/* A deadline from user space, as upstream's mq_timedsend() checks it. */
static int mqns_deadline(const struct mqns_msg *m, ktime_t *expires)
{
	if (m->flags & ~MQNS_TIMEOUT)
		return -EINVAL;
	if (!(m->flags & MQNS_TIMEOUT))
		return 0;
	if (m->tv_sec < 0 || m->tv_nsec < 0 || m->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	*expires = ktime_set(m->tv_sec, m->tv_nsec);
	return 1;
}

/*
 * Sleep as @w on @q's @dir list until a peer settles @w (upstream's
 * pipelined send and receive), the deadline passes or a signal comes.
 * Called and returns with q->lock held.  No timer slack, as upstream's
 * timed calls.
 * Return: 0 when settled, -ETIMEDOUT or -ERESTARTSYS.
 */
static int mqns_sleep(struct mqns_queue *q, enum mqns_dir dir,
		      struct mqns_waiter *w, ktime_t *expires)
{
	int ret;

	w->task = current;
	w->ready = 0;
	mqns_queue_wait_add(q, dir, w);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		mutex_unlock(&q->lock);
		ret = schedule_hrtimeout_range_clock(expires, 0,
						     HRTIMER_MODE_ABS,
						     CLOCK_REALTIME);
		mutex_lock(&q->lock);
		/* Pairs with mqns_settle()'s release: @w->msg is settled. */
		if (smp_load_acquire(&w->ready))
			return 0;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (!ret) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	list_del(&w->node);
	return ret;
}

/*
 * Settle waiter @w, under q->lock: take it off its list and mark it
 * ready.  It may return (and its @w go) as soon as ready is set, so the
 * task is returned counted, to be woken after the lock is dropped.
 */
static struct task_struct *mqns_settle(struct mqns_waiter *w)
{
	struct task_struct *task = get_task_struct(w->task);

	list_del(&w->node);
	/* Pairs with mqns_sleep()'s acquire: the waiter's msg is settled. */
	smp_store_release(&w->ready, 1);
	return task;
}

static void mqns_wake(struct task_struct *task)
{
	if (!task)
		return;
	wake_up_process(task);
	put_task_struct(task);
}

static void mqns_touch(struct inode *inode)
{
	inode_set_atime_to_ts(inode,
			      inode_set_mtime_to_ts(inode,
						    inode_set_ctime_current(inode)));
}

static long mqns_send(struct file *file, struct mqns_msg __user *uarg)
{
	struct inode *inode = file_inode(file);
	struct mqns_queue *q = &MQNS_I(inode)->q;
	struct task_struct *wake = NULL;
	struct mqns_waiter w, *receiver;
	struct mqns_msg_buf *msg;
	bool queued = false;
	ktime_t expires;
	struct mqns_msg m;
	int timed, err = 0;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	if (m.prio >= MQNS_PRIO_MAX)
		return -EINVAL;
	timed = mqns_deadline(&m, &expires);
	if (timed < 0)
		return timed;
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (m.len > q->msgsize)
		return -EMSGSIZE;

	msg = mqns_msg_alloc(m.len, m.prio);
	if (!msg)
		return -ENOMEM;
	if (copy_from_user(msg->data, u64_to_user_ptr(m.buf), m.len)) {
		mqns_msg_free(msg);
		return -EFAULT;
	}

	mutex_lock(&q->lock);
	receiver = NULL;
	if (q->curmsgs >= q->maxmsg) {
		if (file->f_flags & O_NONBLOCK) {
			err = -EAGAIN;
		} else {
			/* A receiver queues @msg for us when it makes room. */
			w.msg = msg;
			err = mqns_sleep(q, MQNS_SEND, &w,
					 timed ? &expires : NULL);
			if (!err)
				msg = NULL;
		}
	} else {
		receiver = mqns_queue_first_waiter(q, MQNS_RECV);
		if (receiver) {
			/* The queue is empty: hand @msg straight over. */
			receiver->msg = msg;
			wake = mqns_settle(receiver);
			msg = NULL;
		} else {
			err = mqns_queue_insert(q, msg);
			if (!err) {
				msg = NULL;
				queued = true;
			}
		}
	}
	mutex_unlock(&q->lock);
	mqns_wake(wake);
	if (queued)
		wake_up_interruptible(&q->rwait);
	if (msg) {
		mqns_msg_free(msg);
		return err;
	}
	mqns_touch(inode);
	return 0;
}

static long mqns_receive(struct file *file, struct mqns_msg __user *uarg)
{
	struct inode *inode = file_inode(file);
	struct mqns_queue *q = &MQNS_I(inode)->q;
	struct task_struct *wake = NULL;
	struct mqns_waiter w, *sender;
	struct mqns_msg_buf *msg;
	bool made_room = false;
	ktime_t expires;
	struct mqns_msg m;
	int timed, err;
	long ret;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	timed = mqns_deadline(&m, &expires);
	if (timed < 0)
		return timed;
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (m.len < q->msgsize)
		return -EMSGSIZE;

	mutex_lock(&q->lock);
	sender = NULL;
	w.msg = NULL;
	if (!q->curmsgs) {
		if (file->f_flags & O_NONBLOCK) {
			err = -EAGAIN;
		} else {
			/* A sender hands us its message. */
			err = mqns_sleep(q, MQNS_RECV, &w,
					 timed ? &expires : NULL);
		}
		msg = w.msg;
	} else {
		msg = mqns_queue_peek(q);
		mqns_queue_remove(q, msg);
		/* The room goes to the longest waiting sender, if any. */
		sender = mqns_queue_first_waiter(q, MQNS_SEND);
		if (sender && !mqns_queue_insert(q, sender->msg))
			wake = mqns_settle(sender);
		made_room = !sender;
		err = 0;
	}
	mutex_unlock(&q->lock);
	if (err)
		return err;
	mqns_wake(wake);
	if (made_room)
		wake_up_interruptible(&q->swait);
	mqns_touch(inode);

	/*
	 * The message is ours alone: copy it without the lock.  As upstream,
	 * a fault loses it (EFAULT).
	 */
	ret = msg->len;
	if (put_user(msg->prio, &uarg->prio) ||
	    copy_to_user(u64_to_user_ptr(m.buf), msg->data, msg->len))
		ret = -EFAULT;
	mqns_msg_free(msg);
	return ret;
}

static long mqns_getsetattr(struct file *file,
			    struct mqns_getsetattr __user *uarg)
{
	struct mqns_queue *q = &MQNS_I(file_inode(file))->q;
	struct mqns_getsetattr a;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (a.pad || (a.set && (a.new_attr.mq_flags & ~(__s64)O_NONBLOCK)))
		return -EINVAL;
	memset(&a.old_attr, 0, sizeof(a.old_attr));
	a.old_attr.mq_maxmsg = q->maxmsg;
	a.old_attr.mq_msgsize = q->msgsize;
	mutex_lock(&q->lock);
	a.old_attr.mq_curmsgs = q->curmsgs;
	mutex_unlock(&q->lock);
	spin_lock(&file->f_lock);	/* f_flags */
	a.old_attr.mq_flags = file->f_flags & O_NONBLOCK;
	if (a.set) {
		if (a.new_attr.mq_flags & O_NONBLOCK)
			file->f_flags |= O_NONBLOCK;
		else
			file->f_flags &= ~O_NONBLOCK;
	}
	spin_unlock(&file->f_lock);
	if (copy_to_user(&uarg->old_attr, &a.old_attr, sizeof(a.old_attr)))
		return -EFAULT;
	return 0;
}

static long mqns_queue_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MQNS_IOC_SEND:
		return mqns_send(file, uarg);
	case MQNS_IOC_RECEIVE:
		return mqns_receive(file, uarg);
	case MQNS_IOC_GETSETATTR:
		return mqns_getsetattr(file, uarg);
	}
	/* Others' ioctls (isatty()'s TCGETS...) are no news. */
	if (_IOC_TYPE(cmd) == MQNS_IOC_MAGIC)
		pr_info_ratelimited("unknown queue ioctl 0x%x\n", cmd);
	return -ENOTTY;
}

const struct file_operations mqns_queue_fops = {
	.owner = THIS_MODULE,
	.read = mqns_read,
	.poll = mqns_poll,
	.unlocked_ioctl = mqns_queue_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = default_llseek,
};

static void mqns_inode_once(void *p)
{
	struct mqns_inode_info *info = p;

	inode_init_once(&info->vfs_inode);
}

int mqns_fs_init(void)
{
	int err;

	mqns_inode_cachep = kmem_cache_create("nsmods_mqueue_ns_inode",
					      sizeof(struct mqns_inode_info), 0,
					      SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT,
					      mqns_inode_once);
	if (!mqns_inode_cachep)
		return -ENOMEM;
	err = register_filesystem(&mqns_fs_type);
	if (err)
		kmem_cache_destroy(mqns_inode_cachep);
	return err;
}

void mqns_fs_exit(void)
{
	unregister_filesystem(&mqns_fs_type);
	/* Inodes are freed after an RCU grace period. */
	rcu_barrier();
	kmem_cache_destroy(mqns_inode_cachep);
}
