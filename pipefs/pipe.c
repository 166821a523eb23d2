// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs pipe files: upcalls queued by the kernel and read by
 * userspace, downcalls written by userspace and handed to the owner.
 *
 * Every message a pipe accepted ends exactly once in the owner's
 * destroy_msg: read in full (err 0), or dropped with an error: -ETIMEDOUT
 * when no reader came in time, -EAGAIN when the last reader closed (as
 * upstream), -EPIPE when the pipe was taken out, -ECANCELED when its owner
 * withdrew it.  A reader whose buffer cannot be written gets EFAULT and
 * the message stays for its next read.
 */
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <asm/ioctls.h>

#include "internal.h"

/* Hand every message on @list back to the owner with @err. */
static void nspipefs_end_msgs(struct nspipefs_pipe *pipe,
			      struct list_head *list, int err)
{
	struct nspipefs_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, list, list) {
		list_del_init(&msg->list);
		msg->err = err;
		pipe->ops->destroy_msg(pipe, msg);
	}
}

/* Wake readers and pollers of the pipe's file.  pipe->lock held. */
static void nspipefs_wake(struct nspipefs_pipe *pipe)
{
	struct nspipefs_inode *pi;

	if (!pipe->inode)
		return;
	pi = NSPIPEFS_I(pipe->inode);
	wake_up_interruptible_all(&pi->waitq);
}

static void nspipefs_timeout_work(struct work_struct *work)
{
	struct nspipefs_pipe *pipe = container_of(to_delayed_work(work),
						  struct nspipefs_pipe,
						  timeout_work);
	LIST_HEAD(expired);

	spin_lock(&pipe->lock);
	if (!pipe->nreaders) {
		list_splice_init(&pipe->queue, &expired);
		pipe->queued = 0;
		pipe->nqueued = 0;
		nspipefs_wake(pipe);
	}
	spin_unlock(&pipe->lock);
	nspipefs_end_msgs(pipe, &expired, -ETIMEDOUT);
}

/**
 * nspipefs_pipe_init() - set up a pipe before nspipefs_pipe_add()
 * @pipe: the pipe
 * @name: its file name; must outlive @pipe
 * @ops: the owner's callbacks
 *
 * Sets &nspipefs_pipe.max_downcall to %NSPIPEFS_DOWNCALL_MAX,
 * &nspipefs_pipe.upcall_timeout to 0, &nspipefs_pipe.max_msgs to
 * %NSPIPEFS_QUEUE_MSGS and &nspipefs_pipe.max_bytes to
 * %NSPIPEFS_QUEUE_BYTES; the owner may change them (and
 * &nspipefs_pipe.private) before adding the pipe.
 */
void nspipefs_pipe_init(struct nspipefs_pipe *pipe, const char *name,
			const struct nspipefs_pipe_ops *ops)
{
	pipe->name = name;
	pipe->ops = ops;
	pipe->max_downcall = NSPIPEFS_DOWNCALL_MAX;
	pipe->upcall_timeout = 0;
	pipe->max_msgs = NSPIPEFS_QUEUE_MSGS;
	pipe->max_bytes = NSPIPEFS_QUEUE_BYTES;
	pipe->private = NULL;
	spin_lock_init(&pipe->lock);
	INIT_LIST_HEAD(&pipe->queue);
	INIT_LIST_HEAD(&pipe->in_upcall);
	pipe->queued = 0;
	pipe->nqueued = 0;
	pipe->nreaders = 0;
	pipe->nwriters = 0;
	INIT_DELAYED_WORK(&pipe->timeout_work, nspipefs_timeout_work);
	pipe->inode = NULL;
	pipe->dentry = NULL;
	pipe->dir = NULL;
	INIT_LIST_HEAD(&pipe->node);
}
EXPORT_SYMBOL_GPL(nspipefs_pipe_init);

/**
 * nspipefs_queue_upcall() - queue a message for the pipe's reader
 * @pipe: the pipe
 * @msg: the message; @msg->data and @msg->len set by the caller
 *
 * Return: 0 when the pipe took @msg (it comes back through destroy_msg);
 * -ENODEV when the pipe is in no superblock (nothing mounted), -EPIPE when
 * nobody has the pipe open for reading and the pipe does not wait,
 * -ENOBUFS when the queue holds &nspipefs_pipe.max_msgs messages or @msg
 * would take it past &nspipefs_pipe.max_bytes, -EINVAL for an empty
 * message.  On error the caller keeps @msg.
 */
int nspipefs_queue_upcall(struct nspipefs_pipe *pipe, struct nspipefs_msg *msg)
{
	int err = 0;

	if (!msg->len)
		return -EINVAL;
	msg->copied = 0;
	msg->err = 0;
	spin_lock(&pipe->lock);
	if (!pipe->inode) {
		err = -ENODEV;
	} else if (!pipe->nreaders && !pipe->upcall_timeout) {
		err = -EPIPE;
	} else if (pipe->nqueued >= pipe->max_msgs ||
		   msg->len > pipe->max_bytes - pipe->queued) {
		err = -ENOBUFS;
	} else {
		/*
		 * With no reader, the oldest message starts the clock (anew:
		 * a timer left from earlier messages must not cut it short).
		 */
		if (!pipe->nreaders && list_empty(&pipe->queue))
			mod_delayed_work(system_wq, &pipe->timeout_work,
					 pipe->upcall_timeout);
		list_add_tail(&msg->list, &pipe->queue);
		pipe->queued += msg->len;
		pipe->nqueued++;
		nspipefs_wake(pipe);
	}
	spin_unlock(&pipe->lock);
	if (err == -ENOBUFS)
		pr_warn_ratelimited("pipe %s: queue full (%u messages, %zu bytes), upcall of %zu bytes refused\n",
				    pipe->name, pipe->max_msgs, pipe->max_bytes,
				    msg->len);
	return err;
}
EXPORT_SYMBOL_GPL(nspipefs_queue_upcall);

/**
 * nspipefs_withdraw_upcall() - take back a message no reader has begun
 * @pipe: the pipe @msg was queued on
 * @msg: a message nspipefs_queue_upcall() accepted; the caller keeps it
 *	alive (say, with a reference destroy_msg drops) for this call
 *
 * For an owner whose caller stopped waiting: if @msg still waits for a
 * reader it leaves the queue and ends at once, in destroy_msg (called
 * here, with no nspipefs lock held) with -ECANCELED.  A message a reader
 * has begun, or one that already ended, is left to end as usual.
 *
 * Return: true if @msg was withdrawn.
 */
bool nspipefs_withdraw_upcall(struct nspipefs_pipe *pipe,
			      struct nspipefs_msg *msg)
{
	struct nspipefs_msg *m;
	bool found = false;

	spin_lock(&pipe->lock);
	list_for_each_entry(m, &pipe->queue, list) {
		if (m != msg)
			continue;
		list_del_init(&msg->list);
		pipe->queued -= msg->len;
		pipe->nqueued--;
		found = true;
		break;
	}
	spin_unlock(&pipe->lock);
	if (found) {
		msg->err = -ECANCELED;
		pipe->ops->destroy_msg(pipe, msg);
	}
	return found;
}
EXPORT_SYMBOL_GPL(nspipefs_withdraw_upcall);

/* Make the pipe's file in its directory. sb_lock held. */
int nspipefs_pipe_attach(struct nspipefs_pipe *pipe)
{
	umode_t mode = S_IFIFO | 0400;
	struct dentry *dentry;

	if (pipe->ops->downcall)
		mode |= 0200;
	dentry = nspipefs_create(pipe->dir->dentry, pipe->name, mode, pipe);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	spin_lock(&pipe->lock);
	pipe->inode = d_inode(dentry);
	spin_unlock(&pipe->lock);
	pipe->dentry = dentry;
	return 0;
}

/*
 * Take the pipe out of its file: open files see EPIPE from now on, every
 * message ends with -EPIPE.  With @unlink, also remove the file (else the
 * caller removes the directory around it).  sb_lock held.
 */
void nspipefs_pipe_detach(struct nspipefs_pipe *pipe, bool unlink)
{
	struct dentry *dentry = pipe->dentry;
	struct inode *inode = d_inode(dentry);
	LIST_HEAD(dropped);
	bool was_open;

	inode_lock(inode);
	spin_lock(&pipe->lock);
	list_splice_init(&pipe->in_upcall, &dropped);
	list_splice_tail_init(&pipe->queue, &dropped);
	pipe->queued = 0;
	pipe->nqueued = 0;
	was_open = pipe->nreaders || pipe->nwriters;
	pipe->nreaders = 0;
	pipe->nwriters = 0;
	nspipefs_wake(pipe);
	pipe->inode = NULL;
	NSPIPEFS_I(inode)->pipe = NULL;
	spin_unlock(&pipe->lock);
	inode_unlock(inode);

	cancel_delayed_work_sync(&pipe->timeout_work);
	nspipefs_end_msgs(pipe, &dropped, -EPIPE);
	if (was_open && pipe->ops->release)
		pipe->ops->release(pipe);
	pipe->dentry = NULL;
	if (unlink)
		simple_recursive_removal(dentry, NULL);
}

static int nspipefs_pipe_open(struct inode *inode, struct file *file)
{
	struct nspipefs_pipe *pipe;
	int err = -ENXIO;

	stream_open(inode, file);
	inode_lock(inode);
	pipe = NSPIPEFS_I(inode)->pipe;
	if (!pipe)
		goto out;
	spin_lock(&pipe->lock);
	if (file->f_mode & FMODE_READ) {
		/* A reader came: nothing waits for one any more. */
		if (!pipe->nreaders++)
			cancel_delayed_work(&pipe->timeout_work);
	}
	if (file->f_mode & FMODE_WRITE)
		pipe->nwriters++;
	spin_unlock(&pipe->lock);
	file->private_data = NULL;
	err = 0;
out:
	inode_unlock(inode);
	return err;
}

/*
 * As upstream's: the message this file had begun, and with the last
 * reader every message still queued, end with -EAGAIN (the owner may ask
 * again); with the last open file the owner's release runs.
 */
static int nspipefs_pipe_release(struct inode *inode, struct file *file)
{
	struct nspipefs_msg *msg = file->private_data;
	struct nspipefs_pipe *pipe;
	LIST_HEAD(dropped);
	bool last;

	inode_lock(inode);
	/* Once the pipe was taken out, @msg was ended by the detach. */
	pipe = NSPIPEFS_I(inode)->pipe;
	if (!pipe)
		goto out;
	spin_lock(&pipe->lock);
	if (msg)
		list_move_tail(&msg->list, &dropped);
	if (file->f_mode & FMODE_READ) {
		if (!--pipe->nreaders) {
			list_splice_tail_init(&pipe->queue, &dropped);
			pipe->queued = 0;
			pipe->nqueued = 0;
		}
	}
	if (file->f_mode & FMODE_WRITE)
		pipe->nwriters--;
	last = !pipe->nreaders && !pipe->nwriters;
	spin_unlock(&pipe->lock);
	nspipefs_end_msgs(pipe, &dropped, -EAGAIN);
	if (last && pipe->ops->release)
		pipe->ops->release(pipe);
out:
	inode_unlock(inode);
	return 0;
}

/*
 * One message per message, in pieces if the buffer is short.  As
 * upstream's, a read with nothing queued returns 0 at once (readers poll),
 * and the message stays with this file until read in full; a copy that
 * fails (EFAULT) leaves it there for the next read.
 */
static ssize_t nspipefs_pipe_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	struct nspipefs_pipe *pipe;
	struct nspipefs_msg *msg;
	size_t want, done;
	ssize_t ret = 0;

	inode_lock(inode);
	pipe = NSPIPEFS_I(inode)->pipe;
	if (!pipe) {
		ret = -EPIPE;
		goto out_unlock;
	}
	msg = file->private_data;
	if (!msg) {
		spin_lock(&pipe->lock);
		msg = list_first_entry_or_null(&pipe->queue,
					       struct nspipefs_msg, list);
		if (msg) {
			list_move_tail(&msg->list, &pipe->in_upcall);
			pipe->queued -= msg->len;
			pipe->nqueued--;
			file->private_data = msg;
		}
		spin_unlock(&pipe->lock);
		if (!msg)
			goto out_unlock;
	}

	want = min(msg->len - msg->copied, iov_iter_count(to));
	done = copy_to_iter(msg->data + msg->copied, want, to);
	if (want && !done) {
		ret = -EFAULT;
		goto out_unlock;
	}
	msg->copied += done;
	ret = done;
	if (msg->copied == msg->len) {
		file->private_data = NULL;
		spin_lock(&pipe->lock);
		list_del_init(&msg->list);
		spin_unlock(&pipe->lock);
		msg->err = 0;
		pipe->ops->destroy_msg(pipe, msg);
	}
out_unlock:
	inode_unlock(inode);
	return ret;
}

static ssize_t nspipefs_pipe_write_iter(struct kiocb *iocb,
					struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	size_t len = iov_iter_count(from);
	struct nspipefs_pipe *pipe;
	void *buf = NULL;
	ssize_t ret;

	inode_lock(inode);
	pipe = NSPIPEFS_I(inode)->pipe;
	if (!pipe) {
		ret = -EPIPE;
		goto out;
	}
	if (!pipe->ops->downcall || !len) {
		ret = -EINVAL;
		goto out;
	}
	if (len > pipe->max_downcall) {
		pr_warn_ratelimited("%pd: downcall of %zu bytes, limit %zu\n",
				    file->f_path.dentry, len,
				    pipe->max_downcall);
		ret = -EMSGSIZE;
		goto out;
	}
	buf = kmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (!copy_from_iter_full(buf, len, from)) {
		ret = -EFAULT;
		goto out;
	}
	ret = pipe->ops->downcall(pipe, buf, len);
out:
	inode_unlock(inode);
	kfree(buf);
	return ret;
}

static __poll_t nspipefs_pipe_poll(struct file *file, poll_table *wait)
{
	struct inode *inode = file_inode(file);
	struct nspipefs_inode *pi = NSPIPEFS_I(inode);
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;
	struct nspipefs_pipe *pipe;

	poll_wait(file, &pi->waitq, wait);
	inode_lock(inode);
	pipe = pi->pipe;
	if (!pipe) {
		mask |= EPOLLERR | EPOLLHUP;
	} else {
		spin_lock(&pipe->lock);
		if (file->private_data || !list_empty(&pipe->queue))
			mask |= EPOLLIN | EPOLLRDNORM;
		spin_unlock(&pipe->lock);
	}
	inode_unlock(inode);
	return mask;
}

static long nspipefs_pipe_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct inode *inode = file_inode(file);
	struct nspipefs_msg *msg;
	struct nspipefs_pipe *pipe;
	size_t len;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	inode_lock(inode);
	pipe = NSPIPEFS_I(inode)->pipe;
	if (!pipe) {
		inode_unlock(inode);
		return -EPIPE;
	}
	spin_lock(&pipe->lock);
	len = pipe->queued;
	msg = file->private_data;
	if (msg)
		len += msg->len - msg->copied;
	spin_unlock(&pipe->lock);
	inode_unlock(inode);
	n = min_t(size_t, len, INT_MAX);
	return put_user(n, (int __user *)arg);
}

const struct file_operations nspipefs_pipe_fops = {
	.owner		= THIS_MODULE,
	.open		= nspipefs_pipe_open,
	.release	= nspipefs_pipe_release,
	.read_iter	= nspipefs_pipe_read_iter,
	.write_iter	= nspipefs_pipe_write_iter,
	.poll		= nspipefs_pipe_poll,
	.unlocked_ioctl	= nspipefs_pipe_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
