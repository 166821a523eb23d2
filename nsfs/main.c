// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_nsfs: namespace files on one internal filesystem.
 *
 * Load registers /dev/nsmods_nsfs (dev.c); the filesystem (stash.c) is
 * mounted by the first namespace file and unmounted with the last.
 * debugfs shows the records and the get path counters in
 * /sys/kernel/debug/nsmods_nsfs/, and times the get path (bench.c).
 * Unload undoes it all, in reverse.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include <nsmods/nsfs.h>

static struct dentry *nsfs_debugfs;

static int nsfs_records_open(struct inode *inode, struct file *file)
{
	return single_open(file, nsfs_show_records, NULL);
}

static int nsfs_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, nsfs_show_stats, NULL);
}

static const struct file_operations nsfs_records_fops = {
	.owner = THIS_MODULE,
	.open = nsfs_records_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct file_operations nsfs_stats_fops = {
	.owner = THIS_MODULE,
	.open = nsfs_stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init nsfs_init(void)
{
	int err;

	err = nsfs_fs_init();
	if (err)
		return err;
	err = nsfs_dev_init();
	if (err)
		goto err_fs;

	/* Optional: debugfs failures leave the module working. */
	nsfs_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("records", 0444, nsfs_debugfs, NULL,
			    &nsfs_records_fops);
	debugfs_create_file("stats", 0444, nsfs_debugfs, NULL,
			    &nsfs_stats_fops);
	debugfs_create_file("bench", 0600, nsfs_debugfs, NULL,
			    &nsfs_bench_fops);
	pr_debug("loaded\n");
	return 0;

err_fs:
	nsfs_fs_exit();
	return err;
}

static void __exit nsfs_exit(void)
{
	debugfs_remove(nsfs_debugfs);
	nsfs_dev_exit();
	nsfs_fs_exit();
}

module_init(nsfs_init);
module_exit(nsfs_exit);

MODULE_DESCRIPTION("Namespace files on one internal filesystem");
MODULE_LICENSE("GPL");
