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
#include <linux/kconfig.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "internal.h"

/*
 * The filesystem's name, decided when the module is built, from the
 * kernel's config: rpc_pipefs where the kernel has no sunrpc of its own,
 * and NSPIPEFS_OWN_FSNAME where it has one (built in or a module, as
 * Debian's CONFIG_SUNRPC=m): there rpc_pipefs is the kernel's, and taking
 * it would make its sunrpc fail to load (EBUSY), and NFS with it.
 */
static char *fsname = NSPIPEFS_DEFAULT_FSNAME;
module_param(fsname, charp, 0444);
MODULE_PARM_DESC(fsname, "name the filesystem registers as (default " NSPIPEFS_DEFAULT_FSNAME ")");

/* Check fsname= and say in one line which name the filesystem takes. */
static int __init nspipefs_check_fsname(void)
{
	if (!nspipefs_name_ok(fsname)) {
		pr_err("fsname=\"%s\" is not a valid filesystem name\n",
		       fsname ?: "");
		return -EINVAL;
	}
	if (IS_ENABLED(CONFIG_SUNRPC) && !strcmp(fsname, "rpc_pipefs")) {
		pr_err("fsname=rpc_pipefs refused: that name belongs to the kernel's sunrpc (CONFIG_SUNRPC), which could not load after us\n");
		return -EINVAL;
	}
	if (strcmp(fsname, NSPIPEFS_DEFAULT_FSNAME))
		pr_info("filesystem \"%s\": chosen with fsname=\n", fsname);
	else if (IS_ENABLED(CONFIG_SUNRPC))
		pr_info("filesystem \"%s\": the kernel's own sunrpc has rpc_pipefs (CONFIG_SUNRPC)\n",
			fsname);
	else
		pr_info("filesystem \"%s\": the kernel has no sunrpc of its own\n",
			fsname);
	return 0;
}

static int __init nspipefs_init(void)
{
	int err;

	err = nspipefs_check_fsname();
	if (err)
		return err;
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
