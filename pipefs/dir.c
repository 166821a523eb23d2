// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs directories: the directories modules keep in every
 * superblock of a namespace, and the pipes and regular files they put in
 * them.  Each is an object the owner adds once; its file is made in the
 * namespace's superblock now if there is one and at every later MOUNT, and
 * taken out at UMOUNT and on removal.  The pipes' I/O is in pipe.c.
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "internal.h"

bool nspipefs_name_ok(const char *name)
{
	size_t len = name ? strnlen(name, NAME_MAX + 1) : 0;

	return len && len <= NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
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

		/* Ours: the owner's are reached through an open (see there). */
		inode->i_fop = &nspipefs_file_fops;
		NSPIPEFS_I(inode)->fops = file->fops;
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

/*
 * Open of a regular file.  Its inode outlives the owner's module (an
 * O_PATH descriptor or a mount keeps it), so the inode points at these
 * operations of ours, never at the owner's; the owner's are kept beside,
 * under the inode lock, until the file is taken out, which the owner does
 * before its module goes.  An open takes a reference to the owner's module
 * (fops_get(), which fails once the module is going) and the file then
 * runs on the owner's operations, as debugfs does; after the file was
 * taken out, it fails with ENXIO.
 */
static int nspipefs_file_open(struct inode *inode, struct file *file)
{
	const struct file_operations *fops;

	inode_lock_shared(inode);
	fops = fops_get(NSPIPEFS_I(inode)->fops);
	inode_unlock_shared(inode);
	if (!fops)
		return -ENXIO;
	/* The file now pins the owner's module instead of ours. */
	replace_fops(file, fops);
	return fops->open ? fops->open(inode, file) : 0;
}

const struct file_operations nspipefs_file_fops = {
	.owner	= THIS_MODULE,
	.open	= nspipefs_file_open,
};

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
	NSPIPEFS_I(inode)->fops = NULL;
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

/* Make every directory of @pn in its new superblock. sb_lock held. */
void nspipefs_dirs_attach(struct nspipefs_net *pn)
{
	struct nspipefs_dir *dir;
	int err;

	list_for_each_entry(dir, &pn->dirs, node) {
		err = nspipefs_dir_attach(dir);
		if (err)
			pr_warn_ratelimited("netns %u: cannot create %s/%s: %d\n",
					    pn->net->ns.inum, dir->top,
					    dir->name, err);
	}
}

/* Take every directory of @pn out of its superblock. sb_lock held. */
void nspipefs_dirs_detach(struct nspipefs_net *pn)
{
	struct nspipefs_dir *dir;

	list_for_each_entry(dir, &pn->dirs, node)
		nspipefs_dir_detach(dir);
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

/*
 * A pipe or a regular file as nspipefs_entry_add() and nspipefs_entry_del()
 * see it: the fields that link it into its directory, and how its file is
 * made and removed (sb_lock held for both).
 */
struct nspipefs_entry {
	void *obj;			/* the nspipefs_pipe or nspipefs_file */
	struct nspipefs_dir **dir;	/* its directory, NULL if not added */
	struct list_head *node;		/* on the directory's list */
	struct dentry **dentry;		/* its file while in a superblock */
	int (*attach)(void *obj);
	void (*unlink)(void *obj);	/* detach and remove the file */
};

/*
 * Add @e to @dir: link it on @list (&dir->pipes or &dir->files), and make
 * its file now if the directory is in a superblock.  The caller checked
 * @e and that @dir was added.
 */
static int nspipefs_entry_add(struct nspipefs_dir *dir, struct list_head *list,
			      const struct nspipefs_entry *e)
{
	struct nspipefs_net *pn = dir->pn;
	int err = -ENODEV;

	mutex_lock(&pn->sb_lock);
	if (*e->dir) {
		err = -EBUSY;
		goto out;
	}
	*e->dir = dir;
	list_add_tail(e->node, list);
	if (dir->dentry) {
		err = e->attach(e->obj);
		if (err) {
			list_del_init(e->node);
			*e->dir = NULL;
		}
	}
out:
	mutex_unlock(&pn->sb_lock);
	return err;
}

/* Remove @e from its directory, and its file if it has one. */
static void nspipefs_entry_del(const struct nspipefs_entry *e)
{
	struct nspipefs_net *pn;

	if (!*e->dir)
		return;
	pn = (*e->dir)->pn;
	mutex_lock(&pn->sb_lock);
	if (*e->dentry)
		e->unlink(e->obj);
	list_del_init(e->node);
	*e->dir = NULL;
	mutex_unlock(&pn->sb_lock);
}

static int nspipefs_pipe_entry_attach(void *obj)
{
	return nspipefs_pipe_attach(obj);
}

static void nspipefs_pipe_entry_unlink(void *obj)
{
	nspipefs_pipe_detach(obj, true);
}

static struct nspipefs_entry nspipefs_pipe_entry(struct nspipefs_pipe *pipe)
{
	return (struct nspipefs_entry) {
		.obj	= pipe,
		.dir	= &pipe->dir,
		.node	= &pipe->node,
		.dentry	= &pipe->dentry,
		.attach	= nspipefs_pipe_entry_attach,
		.unlink	= nspipefs_pipe_entry_unlink,
	};
}

static int nspipefs_file_entry_attach(void *obj)
{
	return nspipefs_file_attach(obj);
}

static void nspipefs_file_entry_unlink(void *obj)
{
	nspipefs_file_detach(obj, true);
}

static struct nspipefs_entry nspipefs_file_entry(struct nspipefs_file *file)
{
	return (struct nspipefs_entry) {
		.obj	= file,
		.dir	= &file->dir,
		.node	= &file->node,
		.dentry	= &file->dentry,
		.attach	= nspipefs_file_entry_attach,
		.unlink	= nspipefs_file_entry_unlink,
	};
}

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
	const struct nspipefs_entry e = nspipefs_pipe_entry(pipe);

	if (!dir->pn || !nspipefs_name_ok(pipe->name) || !pipe->ops ||
	    !pipe->ops->destroy_msg) {
		pr_warn_ratelimited("bad pipe or directory not added\n");
		return -EINVAL;
	}
	return nspipefs_entry_add(dir, &dir->pipes, &e);
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
	const struct nspipefs_entry e = nspipefs_pipe_entry(pipe);

	nspipefs_entry_del(&e);
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
	const struct nspipefs_entry e = nspipefs_file_entry(file);

	if (!dir->pn || !nspipefs_name_ok(file->name) || !file->fops ||
	    (file->mode & ~0777)) {
		pr_warn_ratelimited("bad file or directory not added\n");
		return -EINVAL;
	}
	return nspipefs_entry_add(dir, &dir->files, &e);
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
	const struct nspipefs_entry e = nspipefs_file_entry(file);

	nspipefs_entry_del(&e);
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
