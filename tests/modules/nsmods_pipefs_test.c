// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs_test: a test-only subscriber of nsmods_pipefs, for
 * tests/pipefs.sh.  In every network namespace it adds the directory
 * nfs/nsmods_test with a pipe "upcall" in it, and counts MOUNT and UMOUNT
 * events.  debugfs nsmods_pipefs_test/ has, for the namespace of the
 * process using them:
 *   upcall  write: queue what was written as an upcall on the pipe; the
 *           write fails with the error nspipefs_queue_upcall() returned
 *   status  read: counters and the last downcall
 * Downcalls must start with "ok "; others fail with EINVAL.
 *
 * A second subscriber, registered after the first, answers MOUNT as the
 * parameter "refuse" says (0 accept, 1 NOTIFY_STOP, 2 -EACCES), so that the
 * first sees what a refused mount looks like.  "stall_netns" and
 * "stall_ms" make the first subscriber sleep in MOUNT of that namespace
 * (by inode number), as a subscriber stuck there would.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include <nsmods/rpc_pipefs.h>

#define TSUB_MSG_MAX	256
#define TSUB_DOWN_MAX	64

static unsigned int timeout_ms = 1000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "how long an upcall waits for a reader (ms)");

static int refuse;
module_param(refuse, int, 0644);
MODULE_PARM_DESC(refuse, "second subscriber on MOUNT: 0 accept, 1 NOTIFY_STOP, 2 -EACCES");

static unsigned int stall_netns;
module_param(stall_netns, uint, 0644);
MODULE_PARM_DESC(stall_netns, "netns inode number whose MOUNT stalls");

static unsigned int stall_ms;
module_param(stall_ms, uint, 0644);
MODULE_PARM_DESC(stall_ms, "how long MOUNT of stall_netns stalls (ms)");

static unsigned int tsub_net_id __read_mostly;
static struct dentry *tsub_debugfs;

struct tsub_net {
	struct nspipefs_dir dir;
	struct nspipefs_pipe pipe;
	int dir_err;
	int pipe_err;
	spinlock_t lock;	/* protects the counters and last_down below */
	unsigned int mounts, umounts, found_top;
	unsigned int queued, read, failed, inflight, downcalls, releases;
	int last_err;
	char last_down[TSUB_DOWN_MAX + 1];
};

struct tsub_msg {
	struct nspipefs_msg msg;
	struct tsub_net *tn;
	char data[];
};

static struct tsub_net *tsub_net(const struct net *net)
{
	return net_generic(net, tsub_net_id);
}

static ssize_t tsub_downcall(struct nspipefs_pipe *pipe, const void *buf,
			     size_t len)
{
	struct tsub_net *tn = pipe->private;

	if (len < 3 || memcmp(buf, "ok ", 3)) {
		pr_warn_ratelimited("downcall does not start with \"ok \"\n");
		return -EINVAL;
	}
	spin_lock(&tn->lock);
	tn->downcalls++;
	memcpy(tn->last_down, buf, len);
	tn->last_down[len] = '\0';
	spin_unlock(&tn->lock);
	return len;
}

static void tsub_destroy_msg(struct nspipefs_pipe *pipe,
			     struct nspipefs_msg *msg)
{
	struct tsub_msg *tm = container_of(msg, struct tsub_msg, msg);
	struct tsub_net *tn = tm->tn;

	spin_lock(&tn->lock);
	if (msg->err) {
		tn->failed++;
		tn->last_err = msg->err;
	} else {
		tn->read++;
	}
	tn->inflight--;
	spin_unlock(&tn->lock);
	kfree(tm);
}

static void tsub_release(struct nspipefs_pipe *pipe)
{
	struct tsub_net *tn = pipe->private;

	spin_lock(&tn->lock);
	tn->releases++;
	spin_unlock(&tn->lock);
}

static const struct nspipefs_pipe_ops tsub_pipe_ops = {
	.downcall	= tsub_downcall,
	.destroy_msg	= tsub_destroy_msg,
	.release	= tsub_release,
};

static int tsub_event(struct notifier_block *nb, unsigned long event,
		      void *data)
{
	struct super_block *sb = data;
	struct tsub_net *tn = tsub_net(nspipefs_sb_net(sb));
	struct dentry *top;

	if (event == NSPIPEFS_MOUNT && stall_ms &&
	    nspipefs_sb_net(sb)->ns.inum == READ_ONCE(stall_netns))
		msleep(READ_ONCE(stall_ms));
	top = nspipefs_lookup_dir(sb, "nfs");
	spin_lock(&tn->lock);
	if (event == NSPIPEFS_MOUNT)
		tn->mounts++;
	else
		tn->umounts++;
	if (top)
		tn->found_top++;
	spin_unlock(&tn->lock);
	dput(top);
	return NOTIFY_OK;
}

static struct notifier_block tsub_nb = {
	.notifier_call = tsub_event,
};

static int tsub_refuse_event(struct notifier_block *nb, unsigned long event,
			     void *data)
{
	if (event != NSPIPEFS_MOUNT)
		return NOTIFY_DONE;
	switch (READ_ONCE(refuse)) {
	case 1:
		return NOTIFY_STOP;
	case 2:
		return notifier_from_errno(-EACCES);
	default:
		return NOTIFY_OK;
	}
}

static struct notifier_block tsub_refuse_nb = {
	.notifier_call = tsub_refuse_event,
};

static ssize_t tsub_upcall_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	struct tsub_net *tn = tsub_net(current->nsproxy->net_ns);
	struct tsub_msg *tm;
	int err;

	if (!len || len > TSUB_MSG_MAX) {
		pr_warn_ratelimited("upcall of %zu bytes, must be 1..%d\n",
				    len, TSUB_MSG_MAX);
		return -EINVAL;
	}
	tm = kmalloc(struct_size(tm, data, len), GFP_KERNEL);
	if (!tm)
		return -ENOMEM;
	if (copy_from_user(tm->data, ubuf, len)) {
		kfree(tm);
		return -EFAULT;
	}
	tm->tn = tn;
	tm->msg.data = tm->data;
	tm->msg.len = len;
	spin_lock(&tn->lock);
	tn->inflight++;
	spin_unlock(&tn->lock);
	err = nspipefs_queue_upcall(&tn->pipe, &tm->msg);
	spin_lock(&tn->lock);
	if (err)
		tn->inflight--;
	else
		tn->queued++;
	spin_unlock(&tn->lock);
	if (err) {
		kfree(tm);
		return err;
	}
	return len;
}

static const struct file_operations tsub_upcall_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= tsub_upcall_write,
};

static int tsub_status_show(struct seq_file *m, void *v)
{
	struct net *net = current->nsproxy->net_ns;
	struct tsub_net *tn = tsub_net(net);

	spin_lock(&tn->lock);
	seq_printf(m, "netns: %u\n", net->ns.inum);
	seq_printf(m, "dir_add: %d\npipe_add: %d\n", tn->dir_err, tn->pipe_err);
	seq_printf(m, "mounts: %u\numounts: %u\nfound_top: %u\n", tn->mounts,
		   tn->umounts, tn->found_top);
	seq_printf(m, "queued: %u\nread: %u\nfailed: %u\ninflight: %u\n",
		   tn->queued, tn->read, tn->failed, tn->inflight);
	seq_printf(m, "last_err: %d\nreleases: %u\ndowncalls: %u\n",
		   tn->last_err, tn->releases, tn->downcalls);
	seq_printf(m, "last_down: %s\n", tn->last_down);
	spin_unlock(&tn->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tsub_status);

static int __net_init tsub_net_init(struct net *net)
{
	struct tsub_net *tn = tsub_net(net);

	spin_lock_init(&tn->lock);
	nspipefs_dir_init(&tn->dir, "nfs", "nsmods_test");
	nspipefs_pipe_init(&tn->pipe, "upcall", &tsub_pipe_ops);
	tn->pipe.private = tn;
	tn->pipe.max_downcall = TSUB_DOWN_MAX;
	tn->pipe.upcall_timeout = msecs_to_jiffies(timeout_ms);

	/* -ENODEV: nothing mounted yet, made at the next mount. */
	tn->dir_err = nspipefs_dir_add(net, &tn->dir);
	if (tn->dir_err && tn->dir_err != -ENODEV)
		return tn->dir_err;
	tn->pipe_err = nspipefs_pipe_add(&tn->dir, &tn->pipe);
	if (tn->pipe_err && tn->pipe_err != -ENODEV) {
		nspipefs_dir_del(&tn->dir);
		return tn->pipe_err;
	}
	return 0;
}

static void __net_exit tsub_net_exit(struct net *net)
{
	struct tsub_net *tn = tsub_net(net);

	nspipefs_pipe_del(&tn->pipe);
	nspipefs_dir_del(&tn->dir);
	WARN_ON_ONCE(tn->inflight);
}

static struct pernet_operations tsub_net_ops = {
	.init = tsub_net_init,
	.exit = tsub_net_exit,
	.id = &tsub_net_id,
	.size = sizeof(struct tsub_net),
};

static int __init tsub_init(void)
{
	int err;

	err = register_pernet_subsys(&tsub_net_ops);
	if (err)
		return err;
	err = nspipefs_notifier_register(&tsub_nb);
	if (err)
		goto err_pernet;
	err = nspipefs_notifier_register(&tsub_refuse_nb);
	if (err)
		goto err_nb;
	tsub_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("upcall", 0200, tsub_debugfs, NULL,
			    &tsub_upcall_fops);
	debugfs_create_file("status", 0444, tsub_debugfs, NULL,
			    &tsub_status_fops);
	return 0;

err_nb:
	nspipefs_notifier_unregister(&tsub_nb);
err_pernet:
	unregister_pernet_subsys(&tsub_net_ops);
	return err;
}

static void __exit tsub_exit(void)
{
	debugfs_remove(tsub_debugfs);
	nspipefs_notifier_unregister(&tsub_refuse_nb);
	nspipefs_notifier_unregister(&tsub_nb);
	unregister_pernet_subsys(&tsub_net_ops);
}

module_init(tsub_init);
module_exit(tsub_exit);

MODULE_DESCRIPTION("Test-only subscriber of nsmods_pipefs");
MODULE_LICENSE("GPL");
