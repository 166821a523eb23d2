// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs: the rpc_pipefs filesystem with one superblock per network
 * namespace, keyed by the mounter's namespace.  The superblock pins its
 * namespace; the namespace's state points back at the superblock while it
 * is active.  Subscribers hear of superblocks on a notifier chain, and the
 * directories and pipes modules add are made in every superblock of their
 * namespace and taken out when it goes.
 *
 * This file: module load and unload.  super.c: the filesystem and the
 * per-net state; dir.c: the directory, pipe and file API; pipe.c: pipe
 * I/O; notifier.c: MOUNT/UMOUNT events; debugfs.c: the debugfs file.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "internal.h"

static char *fsname = "rpc_pipefs";
module_param(fsname, charp, 0444);
MODULE_PARM_DESC(fsname, "name the filesystem registers as (default rpc_pipefs)");

static int __init nspipefs_init(void)
{
	int err;

	if (!nspipefs_name_ok(fsname)) {
		pr_err("fsname=\"%s\" is not a valid filesystem name\n",
		       fsname ?: "");
		return -EINVAL;
	}
	err = nspipefs_inode_cache_init();
	if (err)
		return err;
	err = nspipefs_pernet_init();
	if (err)
		goto err_cache;
	err = nspipefs_fs_init(fsname);
	if (err)
		goto err_pernet;
	nspipefs_debugfs_init();
	pr_debug("registered filesystem %s\n", fsname);
	return 0;

err_pernet:
	nspipefs_pernet_exit();
err_cache:
	nspipefs_inode_cache_exit();
	return err;
}

static void __exit nspipefs_exit(void)
{
	nspipefs_debugfs_exit();
	nspipefs_fs_exit();
	nspipefs_pernet_exit();
	nspipefs_inode_cache_exit();
}

module_init(nspipefs_init);
module_exit(nspipefs_exit);

MODULE_DESCRIPTION("rpc_pipefs with one superblock per network namespace");
MODULE_LICENSE("GPL");
