// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_mqueue_ns: POSIX message queues in a filesystem per ipc namespace
 * (Documentation/mqueue_ns.rst).  This file holds the module's init/exit
 * ladder and its debugfs files; ns.c the per-namespace records, fs.c the
 * filesystem, queue.c the queues, dev.c the device.
 */
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *mqns_debugfs;

static int mqns_namespaces_show(struct seq_file *m, void *v)
{
	mqns_records_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mqns_namespaces);

static int mqns_users_dbg_show(struct seq_file *m, void *v)
{
	mqns_users_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mqns_users_dbg);

/* Optional: the module works without debugfs. */
static void mqns_debugfs_init(void)
{
	mqns_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("namespaces", 0444, mqns_debugfs, NULL,
			    &mqns_namespaces_fops);
	debugfs_create_file("users", 0444, mqns_debugfs, NULL,
			    &mqns_users_dbg_fops);
}

/*
 * The records' machinery (ns.c) comes first: a mount of the filesystem,
 * possible as soon as it is registered, makes a record.
 */
static int __init mqns_init(void)
{
	int err;

	err = mqns_ns_init();
	if (err)
		return err;
	err = mqns_fs_init();
	if (err)
		goto err_ns;
	err = mqns_dev_init();
	if (err)
		goto err_fs;
	mqns_debugfs_init();
	return 0;

err_fs:
	mqns_fs_exit();
err_ns:
	mqns_ns_exit();
	return err;
}

/*
 * The mirror of init.  Before the filesystem goes, the records' last
 * works and fsnotify's mark reaper are waited for: they put internal
 * mounts, whose inodes go back to the filesystem's cache.
 */
static void __exit mqns_exit(void)
{
	debugfs_remove(mqns_debugfs);
	mqns_dev_exit();
	mqns_ns_drain();
	mqns_fs_exit();
	mqns_ns_exit();
}

module_init(mqns_init);
module_exit(mqns_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("POSIX message queues in a filesystem per ipc namespace");
