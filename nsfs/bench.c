// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_nsfs: /sys/kernel/debug/nsmods_nsfs/bench, the get path timed in
 * the kernel, without the costs of a descriptor around it.
 *
 * Writing N (1 to NSFS_BENCH_MAX) runs N gets of the writer's user
 * namespace's path and their puts, and keeps the time; reading shows
 * "ops N ns_per_op T fast F" of the last run (F: how many of the gets
 * took the fast path).  The writer should hold a descriptor of ours for
 * its user namespace, so that each get is a fast one, as tests/nsfs_scale.sh
 * does.  Root only (mode 0600), like the rest of debugfs.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include <nsmods/nsfs.h>

#define NSFS_BENCH_MAX 1000000

/* Serializes runs and protects the last run's results below. */
static DEFINE_MUTEX(nsfs_bench_lock);
static unsigned long nsfs_bench_ops, nsfs_bench_fast;
static u64 nsfs_bench_ns;

static int nsfs_bench_run(unsigned long n)
{
	struct user_namespace *user = current_user_ns();
	struct nsfs_stats before, after;
	unsigned long i;
	struct path path;
	u64 t0, t;
	int err = 0;

	nsfs_get_stats(&before);
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		/* One reference per get, which consumes it. */
		get_user_ns(user);
		err = nsfs_get_path(&user->ns, &path);
		if (err)
			break;
		path_put(&path);
		if (!(i % 1024))
			cond_resched();
	}
	t = ktime_get_ns() - t0;
	nsfs_get_stats(&after);
	if (err)
		return err;
	nsfs_bench_ops = n;
	nsfs_bench_ns = t;
	nsfs_bench_fast = after.fast - before.fast;
	return 0;
}

static ssize_t nsfs_bench_write(struct file *file, const char __user *buf,
				size_t len, loff_t *ppos)
{
	unsigned long n;
	int err;

	err = kstrtoul_from_user(buf, len, 0, &n);
	if (err)
		return err;
	if (!n || n > NSFS_BENCH_MAX)
		return -EINVAL;
	mutex_lock(&nsfs_bench_lock);
	err = nsfs_bench_run(n);
	mutex_unlock(&nsfs_bench_lock);
	return err ? err : len;
}

static int nsfs_bench_show(struct seq_file *m, void *v)
{
	mutex_lock(&nsfs_bench_lock);
	seq_printf(m, "ops %lu ns_per_op %llu fast %lu\n", nsfs_bench_ops,
		   nsfs_bench_ops ? div_u64(nsfs_bench_ns, nsfs_bench_ops) : 0,
		   nsfs_bench_fast);
	mutex_unlock(&nsfs_bench_lock);
	return 0;
}

static int nsfs_bench_open(struct inode *inode, struct file *file)
{
	return single_open(file, nsfs_bench_show, NULL);
}

const struct file_operations nsfs_bench_fops = {
	.owner = THIS_MODULE,
	.open = nsfs_bench_open,
	.read = seq_read,
	.write = nsfs_bench_write,
	.llseek = seq_lseek,
	.release = single_release,
};
