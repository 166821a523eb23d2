// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: a client's rpc_pipefs directory, nfs/clnt<id in hex>, with
 * its "info" file and its "gssd" pipe (upcall.c), in the client's netns's
 * rpc_pipefs (nsmods_pipefs, Documentation/sunrpc_ns.rst).
 *
 * nsmods_pipefs makes them in the netns's superblock whenever it exists
 * (on MOUNT) and removes them on UMOUNT.  An open info file holds a
 * reference to the client, so it still reads after the directory is gone.
 * Upstream's model: the clntXX directories of net/sunrpc/clnt.c and
 * rpc_info_open() of net/sunrpc/rpc_pipe.c.
 */
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "internal.h"

static int sns_info_show(struct seq_file *m, void *v)
{
	struct sns_clnt *clnt = m->private;

	if (clnt->family == AF_INET)
		seq_printf(m, "server: %pI4\n",
			   &((struct sockaddr_in *)&clnt->addr)->sin_addr);
	else
		seq_printf(m, "server: %pI6c\n",
			   &((struct sockaddr_in6 *)&clnt->addr)->sin6_addr);
	seq_printf(m, "host: %s\n", clnt->host[0] ? clnt->host : "-");
	seq_printf(m, "program: %u\nversion: %u\n", clnt->prog, clnt->vers);
	seq_printf(m, "protocol: %s\n",
		   clnt->proto == IPPROTO_TCP ? "tcp" : "udp");
	seq_printf(m, "port: %u\nnetns: %u\n", clnt->port, clnt->net->ns.inum);
	return 0;
}

/* Under the info inode's lock: the client is alive while the file is in. */
static bool sns_info_get(void *p)
{
	struct sns_clnt *clnt = p;

	return refcount_inc_not_zero(&clnt->ref);
}

static int sns_info_open(struct inode *inode, struct file *file)
{
	struct sns_clnt *clnt = nspipefs_file_private(inode, sns_info_get);
	int err;

	if (!clnt)
		return -ENXIO;
	err = single_open(file, sns_info_show, clnt);
	if (err)
		sns_clnt_put(clnt);
	return err;
}

static int sns_info_release(struct inode *inode, struct file *file)
{
	struct sns_clnt *clnt = ((struct seq_file *)file->private_data)->private;

	single_release(inode, file);
	sns_clnt_put(clnt);
	return 0;
}

static const struct file_operations sns_info_fops = {
	.owner		= THIS_MODULE,
	.open		= sns_info_open,
	.read_iter	= seq_read_iter,
	.llseek		= seq_lseek,
	.release	= sns_info_release,
};

/**
 * sns_clnt_pipefs_add() - give a client its rpc_pipefs directory
 * @clnt: the client, not yet visible to anyone
 *
 * Return: 0 (also when rpc_pipefs is not mounted in the client's netns:
 * the directory appears at the next mount), or an errno.
 */
int sns_clnt_pipefs_add(struct sns_clnt *clnt)
{
	int err;

	snprintf(clnt->pdir_name, sizeof(clnt->pdir_name), "clnt%x", clnt->id);
	nspipefs_dir_init(&clnt->pdir, "nfs", clnt->pdir_name);
	nspipefs_file_init(&clnt->info, "info", 0400, &sns_info_fops, clnt);
	sns_gssd_pipe_init(clnt);

	err = nspipefs_dir_add(clnt->net, &clnt->pdir);
	if (err && err != -ENODEV)
		return err;
	err = nspipefs_file_add(&clnt->pdir, &clnt->info);
	if (err && err != -ENODEV)
		goto err_dir;
	err = nspipefs_pipe_add(&clnt->pdir, &clnt->gssd);
	if (err && err != -ENODEV)
		goto err_dir;
	return 0;

err_dir:
	/* Takes out whatever was added to it, too. */
	nspipefs_dir_del(&clnt->pdir);
	return err;
}

/**
 * sns_clnt_pipefs_del() - take a client's directory out of rpc_pipefs
 * @clnt: the client; nothing happens if it has none
 *
 * Queued upcalls end with EPIPE; open info files keep their reference.
 */
void sns_clnt_pipefs_del(struct sns_clnt *clnt)
{
	nspipefs_pipe_del(&clnt->gssd);
	nspipefs_file_del(&clnt->info);
	nspipefs_dir_del(&clnt->pdir);
}
