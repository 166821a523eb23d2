// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs: the rpc_pipefs filesystem with one superblock per network
 * namespace, keyed by the mounter's namespace.  The superblock pins its
 * namespace; the namespace's state points back at the superblock while it
 * is active.  Subscribers hear of superblocks on a notifier chain, and the
 * directories and pipes modules add are made in every superblock of their
 * namespace and taken out when it goes.
 *
 * This file: the filesystem, the per-net state, the notifier chain and the
 * directories.  pipe.c: the pipe files.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <kunit/visibility.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "internal.h"

static char *fsname = "rpc_pipefs";
module_param(fsname, charp, 0444);
MODULE_PARM_DESC(fsname, "name the filesystem registers as (default rpc_pipefs)");

static unsigned int nspipefs_net_id __read_mostly;
static struct kmem_cache *nspipefs_inode_cachep __read_mostly;
static struct dentry *nspipefs_debugfs;

static BLOCKING_NOTIFIER_HEAD(nspipefs_chain);

/*
 * Serialises MOUNT and UMOUNT events with notifier (un)registration, so
 * that a subscriber sees every superblock exactly once; protects
 * nspipefs_active.  Taken before any namespace's sb_lock.
 */
static DEFINE_MUTEX(nspipefs_event_lock);
static LIST_HEAD(nspipefs_active);

/* Protects nspipefs_nets, the list of every namespace's state. */
static DEFINE_MUTEX(nspipefs_nets_lock);
static LIST_HEAD(nspipefs_nets);

/* The top-level directories of every superblock. */
static const char *const nspipefs_top_dirs[] = {
	"lockd", "mount", "nfs", "portmap", "statd", "nfsd4_cb", "cache",
	"nfsd", "gssd",
};

static struct nspipefs_net *nspipefs_net(const struct net *net)
{
	return net_generic(net, nspipefs_net_id);
}

bool nspipefs_name_ok(const char *name)
{
	size_t len = name ? strnlen(name, NAME_MAX + 1) : 0;

	return len && len <= NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
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

static struct inode *nspipefs_new_inode(struct super_block *sb, umode_t mode)
{
	struct inode *inode = new_inode(sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode->i_mode = mode;
	simple_inode_init_ts(inode);
	NSPIPEFS_I(inode)->pipe = NULL;
	atomic_set(&NSPIPEFS_I(inode)->events, 0);
	if (S_ISDIR(mode)) {
		inode->i_op = &simple_dir_inode_operations;
		inode->i_fop = &simple_dir_operations;
		inc_nlink(inode);
	}
	return inode;
}

/*
 * Make a directory, a pipe file (@obj: its &struct nspipefs_pipe) or a
 * regular file (@obj: its &struct nspipefs_file) in @parent.  Returns the
 * new dentry; its reference is the one that pins it in the tree until it
 * is removed.
 */
struct dentry *nspipefs_create(struct dentry *parent, const char *name,
			       umode_t mode, void *obj)
{
	struct inode *dir = d_inode(parent);
	struct qstr q = QSTR(name);
	struct dentry *dentry;
	struct inode *inode;
	int err;

	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = d_hash_and_lookup(parent, &q);
	if (IS_ERR(dentry)) {
		err = PTR_ERR(dentry);
		goto err_unlock;
	}
	if (dentry && d_really_is_positive(dentry)) {
		err = -EEXIST;
		goto err_dput;
	}
	if (!dentry) {
		dentry = d_alloc_name(parent, name);
		if (!dentry) {
			err = -ENOMEM;
			goto err_unlock;
		}
	}
	inode = nspipefs_new_inode(dir->i_sb, mode);
	if (!inode) {
		err = -ENOMEM;
		goto err_dput;
	}
	if (S_ISDIR(mode)) {
		inc_nlink(dir);
	} else if (S_ISREG(mode)) {
		struct nspipefs_file *file = obj;

		inode->i_fop = file->fops;
		inode->i_private = file->private;
	} else {
		inode->i_fop = &nspipefs_pipe_fops;
		NSPIPEFS_I(inode)->pipe = obj;
	}
	if (d_unhashed(dentry))
		d_add(dentry, inode);
	else
		d_instantiate(dentry, inode);
	inode_unlock(dir);
	return dentry;

err_dput:
	dput(dentry);
err_unlock:
	inode_unlock(dir);
	return ERR_PTR(err);
}

/**
 * nspipefs_lookup_dir() - find a directory of a superblock by name
 * @sb: an rpc_pipefs superblock the caller keeps active (from a notifier
 *	callback or nspipefs_get_sb_net())
 * @name: name of a directory in the root, such as "nfs"
 *
 * Return: the dentry with a reference the caller drops with dput(), or
 * NULL when there is no such directory.
 */
struct dentry *nspipefs_lookup_dir(struct super_block *sb, const char *name)
{
	struct qstr q = QSTR(name);
	struct dentry *dentry;

	dentry = d_hash_and_lookup(sb->s_root, &q);
	if (IS_ERR_OR_NULL(dentry))
		return NULL;
	if (!d_is_dir(dentry)) {
		dput(dentry);
		return NULL;
	}
	return dentry;
}
EXPORT_SYMBOL_GPL(nspipefs_lookup_dir);

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

/* Make @file in its directory. sb_lock held. */
static int nspipefs_file_attach(struct nspipefs_file *file)
{
	struct dentry *dentry;

	dentry = nspipefs_create(file->dir->dentry, file->name,
				 S_IFREG | (file->mode & 0777), file);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	file->dentry = dentry;
	return 0;
}

/*
 * Cut @file off its owner's object: an open() from now on finds no
 * private, so no file reaches an object the owner may free.  With
 * @unlink, also remove it (else the caller removes the directory around
 * it).  sb_lock held.
 */
static void nspipefs_file_detach(struct nspipefs_file *file, bool unlink)
{
	struct dentry *dentry = file->dentry;
	struct inode *inode = d_inode(dentry);

	inode_lock(inode);
	inode->i_private = NULL;
	inode_unlock(inode);
	file->dentry = NULL;
	if (unlink)
		simple_recursive_removal(dentry, NULL);
}

/* Make @dir, its pipes and files in the namespace's sb. sb_lock held. */
static int nspipefs_dir_attach(struct nspipefs_dir *dir)
{
	struct super_block *sb = dir->pn->sb;
	struct nspipefs_file *file;
	struct nspipefs_pipe *pipe;
	struct dentry *top, *dentry;

	top = nspipefs_lookup_dir(sb, dir->top);
	if (!top)
		return -ENOENT;
	dentry = nspipefs_create(top, dir->name, S_IFDIR | 0555, NULL);
	dput(top);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry);
	dir->dentry = dentry;
	list_for_each_entry(pipe, &dir->pipes, node) {
		int err = nspipefs_pipe_attach(pipe);

		if (err)
			pr_warn_ratelimited("cannot create pipe %s/%s/%s: %d\n",
					    dir->top, dir->name, pipe->name, err);
	}
	list_for_each_entry(file, &dir->files, node) {
		int err = nspipefs_file_attach(file);

		if (err)
			pr_warn_ratelimited("cannot create file %s/%s/%s: %d\n",
					    dir->top, dir->name, file->name, err);
	}
	return 0;
}

/* Take @dir, its pipes and files out of the superblock. sb_lock held. */
static void nspipefs_dir_detach(struct nspipefs_dir *dir)
{
	struct nspipefs_file *file;
	struct nspipefs_pipe *pipe;

	if (!dir->dentry)
		return;
	list_for_each_entry(pipe, &dir->pipes, node)
		if (pipe->dentry)
			nspipefs_pipe_detach(pipe, false);
	list_for_each_entry(file, &dir->files, node)
		if (file->dentry)
			nspipefs_file_detach(file, false);
	simple_recursive_removal(dir->dentry, NULL);
	dir->dentry = NULL;
}

/**
 * nspipefs_dir_init() - set up a directory before nspipefs_dir_add()
 * @dir: the directory
 * @top: the top-level directory it goes in; must outlive @dir
 * @name: its name; must outlive @dir
 */
void nspipefs_dir_init(struct nspipefs_dir *dir, const char *top,
		       const char *name)
{
	dir->top = top;
	dir->name = name;
	dir->pn = NULL;
	INIT_LIST_HEAD(&dir->node);
	INIT_LIST_HEAD(&dir->pipes);
	INIT_LIST_HEAD(&dir->files);
	dir->dentry = NULL;
}
EXPORT_SYMBOL_GPL(nspipefs_dir_init);

/**
 * nspipefs_dir_add() - keep a directory in every superblock of a namespace
 * @net: the namespace; the caller removes @dir before @net goes away
 * @dir: the directory, set up with nspipefs_dir_init()
 *
 * The directory is made now if the namespace has a superblock, and in
 * every superblock created later (on MOUNT), until nspipefs_dir_del().
 *
 * Return: 0 when the directory was made; -ENODEV when the namespace has
 * no superblock now: @dir is still added and appears at the next mount.
 * Any other error (-EINVAL for a bad name, -EBUSY when already added,
 * -ENOENT for an unknown top-level directory, -ENOMEM, -EEXIST) means @dir
 * was not added.
 */
int nspipefs_dir_add(struct net *net, struct nspipefs_dir *dir)
{
	struct nspipefs_net *pn = nspipefs_net(net);
	int err = -ENODEV;

	if (!nspipefs_name_ok(dir->name) || !dir->top) {
		pr_warn_ratelimited("bad directory name\n");
		return -EINVAL;
	}
	mutex_lock(&pn->sb_lock);
	if (dir->pn) {
		err = -EBUSY;
		goto out;
	}
	dir->pn = pn;
	list_add_tail(&dir->node, &pn->dirs);
	if (pn->sb) {
		err = nspipefs_dir_attach(dir);
		if (err) {
			list_del_init(&dir->node);
			dir->pn = NULL;
		}
	}
out:
	mutex_unlock(&pn->sb_lock);
	return err;
}
EXPORT_SYMBOL_GPL(nspipefs_dir_add);

/**
 * nspipefs_dir_del() - remove a directory added with nspipefs_dir_add()
 * @dir: the directory; nothing happens if it was not added
 *
 * Pipes and files still in @dir are removed first, as nspipefs_pipe_del()
 * and nspipefs_file_del() would.
 */
void nspipefs_dir_del(struct nspipefs_dir *dir)
{
	struct nspipefs_net *pn = dir->pn;
	struct nspipefs_file *file, *ftmp;
	struct nspipefs_pipe *pipe, *tmp;

	if (!pn)
		return;
	mutex_lock(&pn->sb_lock);
	nspipefs_dir_detach(dir);
	list_for_each_entry_safe(pipe, tmp, &dir->pipes, node) {
		list_del_init(&pipe->node);
		pipe->dir = NULL;
	}
	list_for_each_entry_safe(file, ftmp, &dir->files, node) {
		list_del_init(&file->node);
		file->dir = NULL;
	}
	list_del_init(&dir->node);
	dir->pn = NULL;
	mutex_unlock(&pn->sb_lock);
}
EXPORT_SYMBOL_GPL(nspipefs_dir_del);

/**
 * nspipefs_pipe_add() - put a pipe into a directory
 * @dir: a directory added with nspipefs_dir_add()
 * @pipe: the pipe, set up with nspipefs_pipe_init()
 *
 * The pipe file exists whenever @dir does: now if it exists, and at every
 * later mount, until nspipefs_pipe_del().
 *
 * Return: 0 when the file was made; -ENODEV when @dir has no superblock
 * now: @pipe is still added and appears at the next mount.  Other errors
 * (-EINVAL, -EBUSY, -EEXIST, -ENOMEM) mean @pipe was not added.
 */
int nspipefs_pipe_add(struct nspipefs_dir *dir, struct nspipefs_pipe *pipe)
{
	struct nspipefs_net *pn = dir->pn;
	int err = -ENODEV;

	if (!pn || !nspipefs_name_ok(pipe->name) || !pipe->ops ||
	    !pipe->ops->destroy_msg) {
		pr_warn_ratelimited("bad pipe or directory not added\n");
		return -EINVAL;
	}
	mutex_lock(&pn->sb_lock);
	if (pipe->dir) {
		err = -EBUSY;
		goto out;
	}
	pipe->dir = dir;
	list_add_tail(&pipe->node, &dir->pipes);
	if (dir->dentry) {
		err = nspipefs_pipe_attach(pipe);
		if (err) {
			list_del_init(&pipe->node);
			pipe->dir = NULL;
		}
	}
out:
	mutex_unlock(&pn->sb_lock);
	return err;
}
EXPORT_SYMBOL_GPL(nspipefs_pipe_add);

/**
 * nspipefs_pipe_del() - remove a pipe added with nspipefs_pipe_add()
 * @pipe: the pipe; nothing happens if it is not added
 *
 * Queued messages end with -EPIPE, open files see EPIPE/POLLHUP.  After
 * this returns no callback of @pipe runs any more.
 */
void nspipefs_pipe_del(struct nspipefs_pipe *pipe)
{
	struct nspipefs_net *pn;

	if (!pipe->dir)
		return;
	pn = pipe->dir->pn;
	mutex_lock(&pn->sb_lock);
	if (pipe->dentry)
		nspipefs_pipe_detach(pipe, true);
	list_del_init(&pipe->node);
	pipe->dir = NULL;
	mutex_unlock(&pn->sb_lock);
}
EXPORT_SYMBOL_GPL(nspipefs_pipe_del);

/**
 * nspipefs_file_init() - set up a regular file before nspipefs_file_add()
 * @file: the file
 * @name: its name; must outlive @file
 * @mode: its permission bits, such as 0400
 * @fops: the owner's file operations
 * @private: the owner's object, for the open method
 *
 * The open method gets @private with nspipefs_file_private(), never
 * straight from &inode->i_private: the file may outlive the owner's
 * object (an open file descriptor keeps the inode), and nspipefs cuts the
 * link when the file is taken out.
 */
void nspipefs_file_init(struct nspipefs_file *file, const char *name,
			umode_t mode, const struct file_operations *fops,
			void *private)
{
	file->name = name;
	file->mode = mode;
	file->fops = fops;
	file->private = private;
	file->dentry = NULL;
	file->dir = NULL;
	INIT_LIST_HEAD(&file->node);
}
EXPORT_SYMBOL_GPL(nspipefs_file_init);

/**
 * nspipefs_file_add() - put a regular file into a directory
 * @dir: a directory added with nspipefs_dir_add()
 * @file: the file, set up with nspipefs_file_init()
 *
 * The file exists whenever @dir does: now if it exists, and at every
 * later mount, until nspipefs_file_del().
 *
 * Return: 0 when the file was made; -ENODEV when @dir has no superblock
 * now: @file is still added and appears at the next mount.  Other errors
 * (-EINVAL, -EBUSY, -EEXIST, -ENOMEM) mean @file was not added.
 */
int nspipefs_file_add(struct nspipefs_dir *dir, struct nspipefs_file *file)
{
	struct nspipefs_net *pn = dir->pn;
	int err = -ENODEV;

	if (!pn || !nspipefs_name_ok(file->name) || !file->fops ||
	    (file->mode & ~0777)) {
		pr_warn_ratelimited("bad file or directory not added\n");
		return -EINVAL;
	}
	mutex_lock(&pn->sb_lock);
	if (file->dir) {
		err = -EBUSY;
		goto out;
	}
	file->dir = dir;
	list_add_tail(&file->node, &dir->files);
	if (dir->dentry) {
		err = nspipefs_file_attach(file);
		if (err) {
			list_del_init(&file->node);
			file->dir = NULL;
		}
	}
out:
	mutex_unlock(&pn->sb_lock);
	return err;
}
EXPORT_SYMBOL_GPL(nspipefs_file_add);

/**
 * nspipefs_file_del() - remove a file added with nspipefs_file_add()
 * @file: the file; nothing happens if it is not added
 *
 * After this returns no open() of the file finds the owner's object;
 * files opened before keep what their open method took (and must hold a
 * reference to it if the owner may free it meanwhile).
 */
void nspipefs_file_del(struct nspipefs_file *file)
{
	struct nspipefs_net *pn;

	if (!file->dir)
		return;
	pn = file->dir->pn;
	mutex_lock(&pn->sb_lock);
	if (file->dentry)
		nspipefs_file_detach(file, true);
	list_del_init(&file->node);
	file->dir = NULL;
	mutex_unlock(&pn->sb_lock);
}
EXPORT_SYMBOL_GPL(nspipefs_file_del);

/**
 * nspipefs_file_private() - the owner's object of a file being opened
 * @inode: the inode of an nspipefs regular file, from the open method
 * @get: called with the object (under the inode lock) to take a reference
 *	the open file keeps; returns false if the object is going.  NULL
 *	when the object outlives every open file anyway.
 *
 * Return: the &nspipefs_file.private of the file, or NULL once the file
 * was taken out (UMOUNT, removal) or @get refused.
 */
void *nspipefs_file_private(struct inode *inode, bool (*get)(void *))
{
	void *private;

	inode_lock_shared(inode);
	private = inode->i_private;
	if (private && get && !get(private))
		private = NULL;
	inode_unlock_shared(inode);
	return private;
}
EXPORT_SYMBOL_GPL(nspipefs_file_private);

/* Superblock of @pn goes live: link it, make the directories, send MOUNT. */
static int nspipefs_sb_up(struct nspipefs_net *pn, struct super_block *sb)
{
	struct nspipefs_dir *dir;
	int err;

	mutex_lock(&nspipefs_event_lock);
	mutex_lock(&pn->sb_lock);
	pn->sb = sb;
	list_add_tail(&pn->active, &nspipefs_active);
	list_for_each_entry(dir, &pn->dirs, node) {
		err = nspipefs_dir_attach(dir);
		if (err)
			pr_warn_ratelimited("netns %u: cannot create %s/%s: %d\n",
					    pn->net->ns.inum, dir->top,
					    dir->name, err);
	}
	err = blocking_notifier_call_chain_robust(&nspipefs_chain,
						  NSPIPEFS_MOUNT,
						  NSPIPEFS_UMOUNT, sb);
	err = notifier_to_errno(err);
	if (err) {
		pr_warn_ratelimited("netns %u: a subscriber refused the mount: %d\n",
				    pn->net->ns.inum, err);
		list_for_each_entry(dir, &pn->dirs, node)
			nspipefs_dir_detach(dir);
		list_del_init(&pn->active);
		pn->sb = NULL;
	}
	mutex_unlock(&pn->sb_lock);
	mutex_unlock(&nspipefs_event_lock);
	return err;
}

/* Superblock of @pn goes: send UMOUNT, remove the directories, unlink. */
static void nspipefs_sb_down(struct nspipefs_net *pn, struct super_block *sb)
{
	struct nspipefs_dir *dir;

	mutex_lock(&nspipefs_event_lock);
	mutex_lock(&pn->sb_lock);
	if (pn->sb == sb) {
		blocking_notifier_call_chain(&nspipefs_chain, NSPIPEFS_UMOUNT,
					     sb);
		list_for_each_entry(dir, &pn->dirs, node)
			nspipefs_dir_detach(dir);
		list_del_init(&pn->active);
		pn->sb = NULL;
	}
	mutex_unlock(&pn->sb_lock);
	mutex_unlock(&nspipefs_event_lock);
}

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

/**
 * nspipefs_notifier_register() - subscribe to MOUNT and UMOUNT events
 * @nb: the notifier block; its callback gets an &enum nspipefs_event and
 *	the superblock, with the namespace's pipefs lock held
 *
 * Superblocks that already exist are announced to @nb at once with MOUNT
 * (in this call), so a late subscriber sees every superblock.  If @nb
 * refuses one of those, the ones it accepted get UMOUNT and @nb is not
 * registered.
 *
 * Return: 0, or the error from the chain or from @nb.
 */
int nspipefs_notifier_register(struct notifier_block *nb)
{
	struct nspipefs_net *pn;
	int err;

	mutex_lock(&nspipefs_event_lock);
	err = blocking_notifier_chain_register(&nspipefs_chain, nb);
	if (err)
		goto out;
	list_for_each_entry(pn, &nspipefs_active, active) {
		mutex_lock(&pn->sb_lock);
		err = notifier_to_errno(nb->notifier_call(nb, NSPIPEFS_MOUNT,
							  pn->sb));
		mutex_unlock(&pn->sb_lock);
		if (err)
			goto err_replay;
	}
	goto out;

err_replay:
	list_for_each_entry_continue_reverse(pn, &nspipefs_active, active) {
		mutex_lock(&pn->sb_lock);
		nb->notifier_call(nb, NSPIPEFS_UMOUNT, pn->sb);
		mutex_unlock(&pn->sb_lock);
	}
	blocking_notifier_chain_unregister(&nspipefs_chain, nb);
out:
	mutex_unlock(&nspipefs_event_lock);
	return err;
}
EXPORT_SYMBOL_GPL(nspipefs_notifier_register);

/**
 * nspipefs_notifier_unregister() - unsubscribe from nspipefs events
 * @nb: a notifier block registered with nspipefs_notifier_register()
 *
 * Superblocks that still exist are announced to @nb with UMOUNT first, so
 * the subscriber can undo what it did on MOUNT.
 */
void nspipefs_notifier_unregister(struct notifier_block *nb)
{
	struct nspipefs_net *pn;

	mutex_lock(&nspipefs_event_lock);
	list_for_each_entry(pn, &nspipefs_active, active) {
		mutex_lock(&pn->sb_lock);
		nb->notifier_call(nb, NSPIPEFS_UMOUNT, pn->sb);
		mutex_unlock(&pn->sb_lock);
	}
	blocking_notifier_chain_unregister(&nspipefs_chain, nb);
	mutex_unlock(&nspipefs_event_lock);
}
EXPORT_SYMBOL_GPL(nspipefs_notifier_unregister);

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

/* debugfs "nets": one line per namespace with state: inode number, mounted. */
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

static int __init nspipefs_init(void)
{
	int err;

	if (!nspipefs_name_ok(fsname)) {
		pr_err("fsname=\"%s\" is not a valid filesystem name\n",
		       fsname ?: "");
		return -EINVAL;
	}
	nspipefs_fs_type.name = fsname;
	nspipefs_inode_cachep = kmem_cache_create("nspipefs_inode_cache",
						  sizeof(struct nspipefs_inode),
						  0, SLAB_RECLAIM_ACCOUNT |
						  SLAB_ACCOUNT,
						  nspipefs_inode_init_once);
	if (!nspipefs_inode_cachep)
		return -ENOMEM;
	err = register_pernet_subsys(&nspipefs_net_ops);
	if (err)
		goto err_cache;
	err = register_filesystem(&nspipefs_fs_type);
	if (err == -EBUSY) {
		pr_err("a filesystem named \"%s\" is already registered (the kernel's sunrpc?); load with fsname=<another name>\n",
		       fsname);
		goto err_pernet;
	}
	if (err)
		goto err_pernet;
	nspipefs_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("nets", 0444, nspipefs_debugfs, NULL,
			    &nspipefs_nets_fops);
	pr_debug("registered filesystem %s\n", fsname);
	return 0;

err_pernet:
	unregister_pernet_subsys(&nspipefs_net_ops);
err_cache:
	kmem_cache_destroy(nspipefs_inode_cachep);
	return err;
}

static void __exit nspipefs_exit(void)
{
	debugfs_remove(nspipefs_debugfs);
	unregister_filesystem(&nspipefs_fs_type);
	unregister_pernet_subsys(&nspipefs_net_ops);
	/* Inodes are freed after an RCU grace period. */
	rcu_barrier();
	kmem_cache_destroy(nspipefs_inode_cachep);
}

module_init(nspipefs_init);
module_exit(nspipefs_exit);

MODULE_DESCRIPTION("rpc_pipefs with one superblock per network namespace");
MODULE_LICENSE("GPL");
