// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_mqueue_ns: POSIX message queues in a filesystem per ipc namespace
 * (Documentation/mqueue_ns.rst).  This file holds the module's init/exit
 * ladder and its debugfs files; ns.c the per-namespace records, fs.c the
 * filesystem, queue.c the queues, dev.c the device, limits.c the limits
 * files in /proc/fs/nsmods_mqueue_ns/.
 */
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/ipc_namespace.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/seq_file.h>
#include <linux/sched.h>

#include "internal.h"

/* Kbuild and Kconfig keep us from being built so; say it if forced. */
#if !IS_ENABLED(CONFIG_POSIX_MQUEUE)
#error "nsmods_mqueue_ns needs CONFIG_POSIX_MQUEUE"
#endif

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

	/* A namespace without its kernel mqueue mount: nothing to watch. */
	if (!current->nsproxy->ipc_ns->mq_mnt) {
		pr_err("no POSIX message queues in this kernel (CONFIG_POSIX_MQUEUE)\n");
		return -EOPNOTSUPP;
	}
	err = mqns_ns_init();
	if (err)
		return err;
	err = mqns_fs_init();
	if (err)
		goto err_ns;
	err = mqns_dev_init();
	if (err)
		goto err_fs;
	err = mqns_limits_init();
	if (err)
		goto err_dev;
	mqns_debugfs_init();
	return 0;

err_dev:
	mqns_dev_exit();
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
	mqns_limits_exit();
	mqns_dev_exit();
	mqns_ns_drain();
	mqns_fs_exit();
	mqns_ns_exit();
}

module_init(mqns_init);
module_exit(mqns_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("POSIX message queues in a filesystem per ipc namespace");
