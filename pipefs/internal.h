/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmods_pipefs internals shared by its files, grouped by the file that
 * defines them.
 */
#ifndef _NSMODS_PIPEFS_INTERNAL_H
#define _NSMODS_PIPEFS_INTERNAL_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/wait.h>

#include <nsmods/rpc_pipefs.h>

struct net;
struct vfsmount;

/*
 * main.c: the filesystem's default name (Documentation/pipefs.rst, "The
 * name"): NSPIPEFS_OWN_FSNAME where the kernel has its own sunrpc, which
 * owns rpc_pipefs.
 */
#define NSPIPEFS_OWN_FSNAME	"nsmods_rpc_pipefs"
#if IS_ENABLED(CONFIG_SUNRPC)
#define NSPIPEFS_DEFAULT_FSNAME	NSPIPEFS_OWN_FSNAME
#else
#define NSPIPEFS_DEFAULT_FSNAME	"rpc_pipefs"
#endif

/* super.c: filesystem type, superblocks, inodes, per-net state */

/**
 * struct nspipefs_net - nspipefs state of one network namespace
 * @net: the namespace; not a counted reference, this lives inside it
 * @sb_lock: protects @sb, @dirs, and the dentries of the directories and
 *	pipes on @dirs; held while the notifier chain runs for @sb
 * @sb: the active superblock of the namespace, NULL while none is mounted
 * @dirs: directories modules added (&struct nspipefs_dir)
 * @active: on the list of namespaces with a superblock (notifier.c says
 *	under which locks)
 * @all: on the list of all namespaces (under the nets lock)
 */
struct nspipefs_net {
	struct net *net;
	struct mutex sb_lock;	/* protects sb, dirs and their dentries */
	struct super_block *sb;
	struct list_head dirs;
	struct list_head active;
	struct list_head all;
};

/**
 * struct nspipefs_inode - an rpc_pipefs inode
 * @vfs_inode: the VFS inode
 * @pipe: the pipe of a pipe file, NULL for other files and once the pipe
 *	was taken out; protected by the inode lock (set and cleared also
 *	under the pipe's lock)
 * @fops: the owner's file operations of a regular file, NULL for other
 *	files and once the file was taken out (its owner may be gone);
 *	protected by the inode lock
 * @waitq: pollers wait here
 */
struct nspipefs_inode {
	struct inode vfs_inode;
	struct nspipefs_pipe *pipe;
	const struct file_operations *fops;
	wait_queue_head_t waitq;
};

static inline struct nspipefs_inode *NSPIPEFS_I(struct inode *inode)
{
	return container_of(inode, struct nspipefs_inode, vfs_inode);
}

/* Protects nspipefs_nets, the list of every namespace's state. */
extern struct mutex nspipefs_nets_lock;
extern struct list_head nspipefs_nets;

struct nspipefs_net *nspipefs_net(const struct net *net);
struct inode *nspipefs_new_inode(struct super_block *sb, umode_t mode);
int nspipefs_inode_cache_init(void);
void nspipefs_inode_cache_exit(void);
int nspipefs_pernet_init(void);
void nspipefs_pernet_exit(void);
int nspipefs_fs_init(const char *name);
void nspipefs_fs_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
struct vfsmount *nspipefs_test_mount(struct net *net);
int nspipefs_test_live_nets(void);
struct super_block *nspipefs_test_net_sb(const struct net *net);
#endif

/* dir.c: directories, and adding and removing their pipes and files */

extern const struct file_operations nspipefs_file_fops;

bool nspipefs_name_ok(const char *name);
struct dentry *nspipefs_create(struct dentry *parent, const char *name,
			       umode_t mode, void *obj);
void nspipefs_dirs_attach(struct nspipefs_net *pn);
void nspipefs_dirs_detach(struct nspipefs_net *pn);

/* pipe.c: pipe files */

extern const struct file_operations nspipefs_pipe_fops;

int nspipefs_pipe_attach(struct nspipefs_pipe *pipe);
void nspipefs_pipe_detach(struct nspipefs_pipe *pipe, bool unlink);

/* notifier.c: MOUNT/UMOUNT events */

int nspipefs_sb_up(struct nspipefs_net *pn, struct super_block *sb);
void nspipefs_sb_down(struct nspipefs_net *pn, struct super_block *sb);

/* debugfs.c: /sys/kernel/debug/nsmods_pipefs/ */

void nspipefs_debugfs_init(void);
void nspipefs_debugfs_exit(void);

#endif /* _NSMODS_PIPEFS_INTERNAL_H */
