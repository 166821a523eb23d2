// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs filesystem: the filesystem type, one superblock per network
 * namespace (keyed by the mounter's namespace, pinning it), the inodes, and
 * the per-net state that links a namespace to its active superblock.
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <kunit/visibility.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "internal.h"

static unsigned int nspipefs_net_id __read_mostly;
static struct kmem_cache *nspipefs_inode_cachep __read_mostly;

/* Protects nspipefs_nets, the list of every namespace's state. */
DEFINE_MUTEX(nspipefs_nets_lock);
LIST_HEAD(nspipefs_nets);

/* The top-level directories of every superblock. */
static const char *const nspipefs_top_dirs[] = {
	"lockd", "mount", "nfs", "portmap", "statd", "nfsd4_cb", "cache",
	"nfsd", "gssd",
};

struct nspipefs_net *nspipefs_net(const struct net *net)
{
	return net_generic(net, nspipefs_net_id);
}

static struct inode *nspipefs_alloc_inode(struct super_block *sb)
{
	struct nspipefs_inode *pi;

	pi = alloc_inode_sb(sb, nspipefs_inode_cachep, GFP_KERNEL);
	return pi ? &pi->vfs_inode : NULL;
}

static void nspipefs_free_inode(struct inode *inode)
{
	kmem_cache_free(nspipefs_inode_cachep, NSPIPEFS_I(inode));
}

static void nspipefs_inode_init_once(void *obj)
{
	struct nspipefs_inode *pi = obj;

	inode_init_once(&pi->vfs_inode);
	init_waitqueue_head(&pi->waitq);
}

static const struct super_operations nspipefs_sops = {
	.alloc_inode	= nspipefs_alloc_inode,
	.free_inode	= nspipefs_free_inode,
	.drop_inode	= generic_delete_inode,
	.statfs		= simple_statfs,
};

/* A new inode of @sb: a directory, a pipe or a regular file by @mode. */
struct inode *nspipefs_new_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode->i_mode = mode;
	simple_inode_init_ts(inode);
	NSPIPEFS_I(inode)->pipe = NULL;
	NSPIPEFS_I(inode)->fops = NULL;
	if (S_ISDIR(mode)) {
		inode->i_op = &simple_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode);
	}
	return inode;
}

/**
 * nspipefs_sb_net() - the network namespace of an rpc_pipefs superblock
 * @sb: the superblock
 *
 * Return: the namespace; the superblock holds a reference to it.
 */
struct net *nspipefs_sb_net(const struct super_block *sb)
{
	return sb->s_fs_info;
}
EXPORT_SYMBOL_GPL(nspipefs_sb_net);

/**
 * nspipefs_get_sb_net() - the active superblock of a namespace, kept active
 * @net: the namespace; the caller keeps it alive
 *
 * For per-net work that may race with the last umount: the superblock
 * returned stays active (no UMOUNT event, no teardown) until
 * nspipefs_put_sb_net().  Not for notifier callbacks, which get the
 * superblock and already hold the namespace's lock.
 *
 * Return: the superblock, or NULL when the namespace has none.
 */
struct super_block *nspipefs_get_sb_net(const struct net *net)
{
	struct nspipefs_net *pn = nspipefs_net(net);
	struct super_block *sb;

	mutex_lock(&pn->sb_lock);
	sb = pn->sb;
	/* An s_active reference pins the superblock as an active one. */
	if (sb && !atomic_inc_not_zero(&sb->s_active))
		sb = NULL;
	mutex_unlock(&pn->sb_lock);
	return sb;
}
EXPORT_SYMBOL_GPL(nspipefs_get_sb_net);

/**
 * nspipefs_put_sb_net() - release a superblock from nspipefs_get_sb_net()
 * @sb: the superblock
 *
 * If the superblock was unmounted meanwhile, this destroys it (sending
 * UMOUNT); the caller must not hold locks the teardown takes.
 */
void nspipefs_put_sb_net(struct super_block *sb)
{
	deactivate_super(sb);
}
EXPORT_SYMBOL_GPL(nspipefs_put_sb_net);

static int nspipefs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct net *net = sb->s_fs_info;
	struct dentry *dentry;
	struct inode *inode;
	int i;

	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_magic = NSPIPEFS_MAGIC;
	sb->s_op = &nspipefs_sops;
	sb->s_d_op = &simple_dentry_operations;
	sb->s_time_gran = 1;

	inode = nspipefs_new_inode(sb, S_IFDIR | 0555);
	sb->s_root = d_make_root(inode);
	if (!sb->s_root)
		return -ENOMEM;
	/* On failure kill_sb cleans up whatever was made (litter). */
	for (i = 0; i < ARRAY_SIZE(nspipefs_top_dirs); i++) {
		dentry = nspipefs_create(sb->s_root, nspipefs_top_dirs[i],
					 S_IFDIR | 0555, NULL);
		if (IS_ERR(dentry))
			return PTR_ERR(dentry);
	}
	return nspipefs_sb_up(nspipefs_net(net), sb);
}

static int nspipefs_get_tree(struct fs_context *fc)
{
	/*
	 * The key is the mounter's namespace; the reference taken here
	 * becomes the superblock's (s_fs_info) when a new one is made, and
	 * is dropped with the context otherwise.
	 */
	return get_tree_keyed(fc, nspipefs_fill_super, get_net(fc->net_ns));
}

static int nspipefs_parse_param(struct fs_context *fc,
				struct fs_parameter *param)
{
	int err = vfs_parse_fs_param_source(fc, param);

	if (err != -ENOPARAM)
		return err;
	pr_warn_ratelimited("mount option \"%s\" is not supported\n",
			    param->key);
	return invalfc(fc, "Unsupported parameter '%s'", param->key);
}

static void nspipefs_free_fc(struct fs_context *fc)
{
	if (fc->s_fs_info)
		put_net(fc->s_fs_info);
}

static const struct fs_context_operations nspipefs_context_ops = {
	.parse_param	= nspipefs_parse_param,
	.get_tree	= nspipefs_get_tree,
	.free		= nspipefs_free_fc,
};

static int nspipefs_init_fs_context(struct fs_context *fc)
{
	/* The namespace's owner decides about mounts of its superblock. */
	put_user_ns(fc->user_ns);
	fc->user_ns = get_user_ns(fc->net_ns->user_ns);
	fc->ops = &nspipefs_context_ops;
	return 0;
}

static void nspipefs_kill_sb(struct super_block *sb)
{
	struct net *net = sb->s_fs_info;

	nspipefs_sb_down(nspipefs_net(net), sb);
	kill_litter_super(sb);
	/* The superblock's reference to its namespace, from get_tree. */
	put_net(net);
}

static struct file_system_type nspipefs_fs_type = {
	.owner		= THIS_MODULE,
	.init_fs_context = nspipefs_init_fs_context,
	.kill_sb	= nspipefs_kill_sb,
};

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * nspipefs_test_mount() - mount rpc_pipefs of a namespace, for KUnit only
 * @net: the namespace
 *
 * An internal mount (SB_KERNMOUNT), so that its last mntput() tears the
 * superblock down synchronously, even in a kernel thread.
 *
 * Return: the mount (drop it with mntput()) or an ERR_PTR.
 */
struct vfsmount *nspipefs_test_mount(struct net *net)
{
	struct fs_context *fc;
	struct vfsmount *mnt;

	fc = fs_context_for_mount(&nspipefs_fs_type, SB_KERNMOUNT);
	if (IS_ERR(fc))
		return ERR_CAST(fc);
	put_user_ns(fc->user_ns);
	fc->user_ns = get_user_ns(net->user_ns);
	put_net(fc->net_ns);
	fc->net_ns = get_net(net);
	mnt = fc_mount(fc);
	put_fs_context(fc);
	return mnt;
}
EXPORT_SYMBOL_IF_KUNIT(nspipefs_test_mount);

/**
 * nspipefs_test_live_nets() - namespaces with nspipefs state, for KUnit
 *
 * Return: how many namespaces ran our pernet init and not yet our exit.
 */
int nspipefs_test_live_nets(void)
{
	struct nspipefs_net *pn;
	int n = 0;

	mutex_lock(&nspipefs_nets_lock);
	list_for_each_entry(pn, &nspipefs_nets, all)
		n++;
	mutex_unlock(&nspipefs_nets_lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(nspipefs_test_live_nets);

/**
 * nspipefs_test_net_sb() - peek at a namespace's superblock link, for KUnit
 * @net: the namespace
 *
 * Return: the superblock the namespace points to, or NULL; not pinned.
 */
struct super_block *nspipefs_test_net_sb(const struct net *net)
{
	struct nspipefs_net *pn = nspipefs_net(net);
	struct super_block *sb;

	mutex_lock(&pn->sb_lock);
	sb = pn->sb;
	mutex_unlock(&pn->sb_lock);
	return sb;
}
EXPORT_SYMBOL_IF_KUNIT(nspipefs_test_net_sb);
#endif

static int __net_init nspipefs_net_init(struct net *net)
{
	struct nspipefs_net *pn = nspipefs_net(net);

	pn->net = net;
	mutex_init(&pn->sb_lock);
	pn->sb = NULL;
	INIT_LIST_HEAD(&pn->dirs);
	INIT_LIST_HEAD(&pn->active);
	mutex_lock(&nspipefs_nets_lock);
	list_add_tail(&pn->all, &nspipefs_nets);
	mutex_unlock(&nspipefs_nets_lock);
	return 0;
}

static void __net_exit nspipefs_net_exit(struct net *net)
{
	struct nspipefs_net *pn = nspipefs_net(net);

	/* A superblock pins its namespace; subscribers left before us. */
	WARN_ON_ONCE(pn->sb);
	WARN_ON_ONCE(!list_empty(&pn->dirs));
	mutex_lock(&nspipefs_nets_lock);
	list_del(&pn->all);
	mutex_unlock(&nspipefs_nets_lock);
	mutex_destroy(&pn->sb_lock);
}

static struct pernet_operations nspipefs_net_ops = {
	.init = nspipefs_net_init,
	.exit = nspipefs_net_exit,
	.id = &nspipefs_net_id,
	.size = sizeof(struct nspipefs_net),
};

int __init nspipefs_inode_cache_init(void)
{
	nspipefs_inode_cachep = kmem_cache_create("nspipefs_inode_cache",
						  sizeof(struct nspipefs_inode),
						  0, SLAB_RECLAIM_ACCOUNT |
						  SLAB_ACCOUNT,
						  nspipefs_inode_init_once);
	return nspipefs_inode_cachep ? 0 : -ENOMEM;
}

void nspipefs_inode_cache_exit(void)
{
	/* Inodes are freed after an RCU grace period. */
	rcu_barrier();
	kmem_cache_destroy(nspipefs_inode_cachep);
}

int __init nspipefs_pernet_init(void)
{
	return register_pernet_subsys(&nspipefs_net_ops);
}

void nspipefs_pernet_exit(void)
{
	unregister_pernet_subsys(&nspipefs_net_ops);
}

/* Register the filesystem type as @name (a valid name that stays). */
int __init nspipefs_fs_init(const char *name)
{
	int err;

	nspipefs_fs_type.name = name;
	err = register_filesystem(&nspipefs_fs_type);
	if (err == -EBUSY)
		pr_err("a filesystem named \"%s\" is already registered (the kernel's sunrpc?); load with fsname=<another name>\n",
		       name);
	return err;
}

void nspipefs_fs_exit(void)
{
	unregister_filesystem(&nspipefs_fs_type);
}
