/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmods_pipefs: rpc_pipefs with one superblock per network namespace.
 *
 * Kernel API for modules that put directories and pipes into rpc_pipefs.
 * Documentation/pipefs.rst describes the design, lifetime rules and locking.
 */
#ifndef _NSMODS_RPC_PIPEFS_H
#define _NSMODS_RPC_PIPEFS_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct dentry;
struct inode;
struct net;
struct notifier_block;
struct super_block;
struct nspipefs_net;

/* Magic number of the superblock (statfs f_type), as upstream's. */
#define NSPIPEFS_MAGIC		0x67596969

/* Default limit on the size of one downcall. */
#define NSPIPEFS_DOWNCALL_MAX	4096

/* Default limits of a pipe's queue of unread messages. */
#define NSPIPEFS_QUEUE_MSGS	128
#define NSPIPEFS_QUEUE_BYTES	16384

/**
 * enum nspipefs_event - events sent on the nspipefs notifier chain
 * @NSPIPEFS_MOUNT: a superblock was created for a namespace; the data
 *	pointer is the &struct super_block
 * @NSPIPEFS_UMOUNT: a superblock is being destroyed; the data pointer is
 *	the &struct super_block, still complete
 */
enum nspipefs_event {
	NSPIPEFS_MOUNT,
	NSPIPEFS_UMOUNT,
};

/**
 * struct nspipefs_msg - one upcall message
 * @list: private, links the message on its pipe
 * @data: the bytes userspace reads
 * @len: number of bytes at @data, not zero
 * @copied: bytes read so far
 * @err: how the message ended: 0 when read in full, else a negative errno
 *	when it was dropped: -ETIMEDOUT (no reader came in time), -EAGAIN
 *	(the last reader closed), -EPIPE (the pipe was taken out),
 *	-ECANCELED (withdrawn by nspipefs_withdraw_upcall())
 *
 * Once nspipefs_queue_upcall() accepted a message, the pipe owns it until
 * it hands it back, exactly once, to &nspipefs_pipe_ops.destroy_msg.
 */
struct nspipefs_msg {
	struct list_head list;
	const void *data;
	size_t len;
	size_t copied;
	int err;
};

struct nspipefs_pipe;

/**
 * struct nspipefs_pipe_ops - what the owner of a pipe provides
 * @downcall: userspace wrote @len bytes (a kernel copy at @buf, at most
 *	&nspipefs_pipe.max_downcall long); return @len or a negative errno.
 *	NULL makes the pipe read-only.
 * @destroy_msg: a queued message ended (read, or dropped with
 *	&nspipefs_msg.err set); the owner gets it back.  Required.
 * @release: the last open file of the pipe went away, or the pipe was
 *	taken out while open (optional); as upstream's release_pipe, the
 *	place to fail what was read but not answered.
 *
 * The callbacks run in process context (@destroy_msg also from a
 * workqueue and from nspipefs_withdraw_upcall()), often with the pipe's
 * inode lock or the namespace's pipefs lock held: they must not call back
 * into nspipefs.
 */
struct nspipefs_pipe_ops {
	ssize_t (*downcall)(struct nspipefs_pipe *pipe, const void *buf,
			    size_t len);
	void (*destroy_msg)(struct nspipefs_pipe *pipe,
			    struct nspipefs_msg *msg);
	void (*release)(struct nspipefs_pipe *pipe);
};

/**
 * struct nspipefs_pipe - a pipe file, owned by a kernel module
 * @name: file name in its directory
 * @ops: the owner's callbacks
 * @max_downcall: longest downcall accepted; longer ones fail with
 *	-EMSGSIZE
 * @upcall_timeout: in jiffies; 0: an upcall needs an open reader, else
 *	it waits this long for one and then ends with -ETIMEDOUT
 * @max_msgs: most messages waiting for a reader; more fail with -ENOBUFS
 * @max_bytes: most bytes waiting for a reader; more fail with -ENOBUFS
 * @private: for the owner
 * Set up with nspipefs_pipe_init(); the fields after @private are private
 * to nspipefs.
 */
struct nspipefs_pipe {
	const char *name;
	const struct nspipefs_pipe_ops *ops;
	size_t max_downcall;
	unsigned long upcall_timeout;
	unsigned int max_msgs;
	size_t max_bytes;
	void *private;
	/* private: */
	/* protects queue, in_upcall, queued, nqueued, nreaders, nwriters, inode */
	spinlock_t lock;
	struct list_head queue;		/* messages waiting for a reader */
	struct list_head in_upcall;	/* messages a reader has begun */
	size_t queued;			/* bytes on queue */
	unsigned int nqueued;		/* messages on queue */
	int nreaders;			/* open files that can read */
	int nwriters;			/* open files that can write */
	struct delayed_work timeout_work; /* drops queue if no reader came */
	struct inode *inode;		/* the file's inode while in an sb */
	struct dentry *dentry;		/* the file; under the netns's lock */
	struct nspipefs_dir *dir;	/* where it was added, or NULL */
	struct list_head node;		/* on dir->pipes */
};

/**
 * struct nspipefs_file - a regular file, owned by a kernel module
 * @name: file name in its directory
 * @mode: permission bits (S_IFREG is added)
 * @fops: the owner's file operations; their owner must be the module
 *	(THIS_MODULE): an open takes a reference to it, and fails with
 *	ENXIO once the file was taken out
 * @private: the owner's object, found in &inode->i_private by the open
 *	method (see nspipefs_file_init())
 *
 * Set up with nspipefs_file_init(); the fields after @private are private
 * to nspipefs.
 */
struct nspipefs_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
	void *private;
	/* private: */
	struct dentry *dentry;		/* the file; under the netns's lock */
	struct nspipefs_dir *dir;	/* where it was added, or NULL */
	struct list_head node;		/* on dir->files */
};

/**
 * struct nspipefs_dir - a directory a module keeps in every superblock of
 *	one namespace
 * @top: name of the top-level directory it goes in ("nfs", "cache", ...)
 * @name: its own name
 *
 * Set up with nspipefs_dir_init().
 */
struct nspipefs_dir {
	const char *top;
	const char *name;
	/* private: */
	struct nspipefs_net *pn;	/* the netns state it was added to */
	struct list_head node;		/* on the netns's list of dirs */
	struct list_head pipes;		/* the pipes added to it */
	struct list_head files;		/* the regular files added to it */
	struct dentry *dentry;		/* the directory while an sb exists */
};

int nspipefs_notifier_register(struct notifier_block *nb);
void nspipefs_notifier_unregister(struct notifier_block *nb);

struct net *nspipefs_sb_net(const struct super_block *sb);
struct super_block *nspipefs_get_sb_net(const struct net *net);
void nspipefs_put_sb_net(struct super_block *sb);
struct dentry *nspipefs_lookup_dir(struct super_block *sb, const char *name);

void nspipefs_dir_init(struct nspipefs_dir *dir, const char *top,
		       const char *name);
int nspipefs_dir_add(struct net *net, struct nspipefs_dir *dir);
void nspipefs_dir_del(struct nspipefs_dir *dir);

void nspipefs_pipe_init(struct nspipefs_pipe *pipe, const char *name,
			const struct nspipefs_pipe_ops *ops);
int nspipefs_pipe_add(struct nspipefs_dir *dir, struct nspipefs_pipe *pipe);
void nspipefs_pipe_del(struct nspipefs_pipe *pipe);
void nspipefs_file_init(struct nspipefs_file *file, const char *name,
			umode_t mode, const struct file_operations *fops,
			void *private);
int nspipefs_file_add(struct nspipefs_dir *dir, struct nspipefs_file *file);
void nspipefs_file_del(struct nspipefs_file *file);
void *nspipefs_file_private(struct inode *inode, bool (*get)(void *));
int nspipefs_queue_upcall(struct nspipefs_pipe *pipe,
			  struct nspipefs_msg *msg);
bool nspipefs_withdraw_upcall(struct nspipefs_pipe *pipe,
			      struct nspipefs_msg *msg);

#endif /* _NSMODS_RPC_PIPEFS_H */
