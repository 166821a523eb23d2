// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs debugfs: /sys/kernel/debug/nsmods_pipefs/nets, one line per
 * namespace with nspipefs state (its inode number, 1 if it has a
 * superblock).  Optional: failures leave the module working.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "internal.h"

static struct dentry *nspipefs_debugfs;

static int nspipefs_nets_show(struct seq_file *m, void *v)
{
	struct nspipefs_net *pn;

	mutex_lock(&nspipefs_nets_lock);
	list_for_each_entry(pn, &nspipefs_nets, all)
		seq_printf(m, "%u %d\n", pn->net->ns.inum, !!READ_ONCE(pn->sb));
	mutex_unlock(&nspipefs_nets_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nspipefs_nets);

void __init nspipefs_debugfs_init(void)
{
	nspipefs_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("nets", 0444, nspipefs_debugfs, NULL,
			    &nspipefs_nets_fops);
}

void nspipefs_debugfs_exit(void)
{
	debugfs_remove(nspipefs_debugfs);
}
