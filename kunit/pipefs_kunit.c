// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for nsmods_pipefs: superblocks keyed by network namespace,
 * the namespace reference a superblock holds, the notifier chain (events,
 * replay for late subscribers, a refusing subscriber), the get/put helpers
 * racing an umount, directories made on mount, and pipes: queueing,
 * reading, downcalls, timeouts, release and removal; regular files.
 *
 * Superblocks come from internal mounts (nspipefs_test_mount(), exported
 * for KUnit only): their last mntput() tears the superblock down at once.
 * Pipe files are opened with dentry_open() and closed with __fput_sync().
 *
 * A second namespace: built in (kunit.py on UML) the suite makes its own
 * with copy_net_ns(), which is not exported; as a module it uses one that
 * exists (the guest runner makes two).  The case that needs a namespace
 * nobody else holds exists only built in.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include <nsmods/rpc_pipefs.h>
#include "../pipefs/internal.h"
#include "netns_wait.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define EV_MAX 16

/* Events a test subscriber saw; the chain serialises its callbacks. */
struct recorder {
	struct notifier_block nb;
	int n;
	unsigned long event[EV_MAX];
	struct super_block *sb[EV_MAX];
	int refuse;		/* refuse MOUNT with this errno */
	bool stop;		/* refuse MOUNT with NOTIFY_STOP */
};

static int record_event(struct notifier_block *nb, unsigned long event,
			void *data)
{
	struct recorder *r = container_of(nb, struct recorder, nb);

	if (event == NSPIPEFS_MOUNT && r->refuse)
		return notifier_from_errno(r->refuse);
	if (event == NSPIPEFS_MOUNT && r->stop)
		return NOTIFY_STOP;
	if (r->n < EV_MAX) {
		r->event[r->n] = event;
		r->sb[r->n] = data;
	}
	r->n++;
	return NOTIFY_OK;
}

static void unregister_recorder(void *nb)
{
	nspipefs_notifier_unregister(nb);
}

static struct recorder *new_recorder(struct kunit *test, int priority)
{
	struct recorder *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->nb.notifier_call = record_event;
	r->nb.priority = priority;
	return r;
}

static void register_recorder(struct kunit *test, struct recorder *r)
{
	KUNIT_ASSERT_EQ(test, nspipefs_notifier_register(&r->nb), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							unregister_recorder,
							&r->nb), 0);
}

static void put_net_action(void *net)
{
	put_net(net);
}

/* A network namespace other than init_net, held until the test ends. */
static struct net *other_net(struct kunit *test)
{
	struct net *net = NULL;

#ifndef MODULE
	net = copy_net_ns(CLONE_NEWNET, &init_user_ns, &init_net);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, net);
#else
	struct net *tmp;

	down_read(&net_rwsem);
	for_each_net(tmp) {
		if (tmp != &init_net) {
			net = maybe_get_net(tmp);
			if (net)
				break;
		}
	}
	up_read(&net_rwsem);
	if (!net)
		kunit_skip(test, "needs a network namespace besides init_net");
#endif
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_net_action,
							net), 0);
	return net;
}

static void mntput_action(void *mnt)
{
	mntput(mnt);
}

static struct vfsmount *mount_net(struct kunit *test, struct net *net)
{
	struct vfsmount *mnt = nspipefs_test_mount(net);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mntput_action,
							mnt), 0);
	return mnt;
}

/* Unmount now rather than at the end of the test. */
static void umount_now(struct kunit *test, struct vfsmount *mnt)
{
	kunit_release_action(test, mntput_action, mnt);
}

static void pipefs_sb_keyed_per_net(struct kunit *test)
{
	struct vfsmount *a1, *a2, *b;
	struct net *net = other_net(test);

	KUNIT_ASSERT_NULL(test, nspipefs_test_net_sb(&init_net));
	KUNIT_ASSERT_NULL(test, nspipefs_test_net_sb(net));

	a1 = mount_net(test, &init_net);
	a2 = mount_net(test, &init_net);
	b = mount_net(test, net);

	/* Same namespace, same superblock; another one, another. */
	KUNIT_EXPECT_PTR_EQ(test, a1->mnt_sb, a2->mnt_sb);
	KUNIT_EXPECT_PTR_NE(test, a1->mnt_sb, b->mnt_sb);
	KUNIT_EXPECT_PTR_EQ(test, nspipefs_sb_net(a1->mnt_sb), &init_net);
	KUNIT_EXPECT_PTR_EQ(test, nspipefs_sb_net(b->mnt_sb), net);
	KUNIT_EXPECT_EQ(test, a1->mnt_sb->s_magic, NSPIPEFS_MAGIC);

	/* The namespaces point at their superblocks while they exist. */
	KUNIT_EXPECT_PTR_EQ(test, nspipefs_test_net_sb(&init_net), a1->mnt_sb);
	KUNIT_EXPECT_PTR_EQ(test, nspipefs_test_net_sb(net), b->mnt_sb);

	umount_now(test, b);
	KUNIT_EXPECT_NULL(test, nspipefs_test_net_sb(net));
	umount_now(test, a1);
	KUNIT_EXPECT_PTR_EQ(test, nspipefs_test_net_sb(&init_net), a2->mnt_sb);
	umount_now(test, a2);
	KUNIT_EXPECT_NULL(test, nspipefs_test_net_sb(&init_net));
}

static void pipefs_sb_holds_net(struct kunit *test)
{
	struct net *net = other_net(test);
	struct vfsmount *m1, *m2;
	unsigned int before;

	before = refcount_read(&net->ns.count);
	m1 = mount_net(test, net);
	KUNIT_EXPECT_EQ(test, refcount_read(&net->ns.count), before + 1);
	/* A second mount shares the superblock and its one reference. */
	m2 = mount_net(test, net);
	KUNIT_EXPECT_EQ(test, refcount_read(&net->ns.count), before + 1);
	umount_now(test, m1);
	KUNIT_EXPECT_EQ(test, refcount_read(&net->ns.count), before + 1);
	/* The superblock's end drops it. */
	umount_now(test, m2);
	KUNIT_EXPECT_EQ(test, refcount_read(&net->ns.count), before);
}

#ifndef MODULE
/*
 * Built in only: a namespace whose last other user went away stays alive
 * while mounted, and is destroyed (our pernet exit runs) after umount.
 */
static void pipefs_sb_keeps_orphan_net(struct kunit *test)
{
	int live = nsmods_settled_live(nspipefs_test_live_nets);
	struct vfsmount *mnt;
	struct net *net;

	net = copy_net_ns(CLONE_NEWNET, &init_user_ns, &init_net);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, net);
	KUNIT_EXPECT_EQ(test, nspipefs_test_live_nets(), live + 1);
	mnt = nspipefs_test_mount(net);
	put_net(net);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);

	msleep(200);
	KUNIT_EXPECT_EQ(test, nspipefs_test_live_nets(), live + 1);
	KUNIT_EXPECT_TRUE(test, maybe_get_net(net) == net);
	put_net(net);

	mntput(mnt);
	KUNIT_EXPECT_TRUE(test, nsmods_wait_live(nspipefs_test_live_nets, live));
}
#endif

static void pipefs_notifier_events(struct kunit *test)
{
	struct recorder *r = new_recorder(test, 0);
	struct vfsmount *m1, *m2;
	struct super_block *sb;

	register_recorder(test, r);
	KUNIT_EXPECT_EQ(test, r->n, 0);

	m1 = mount_net(test, &init_net);
	sb = m1->mnt_sb;
	KUNIT_ASSERT_EQ(test, r->n, 1);
	KUNIT_EXPECT_EQ(test, r->event[0], NSPIPEFS_MOUNT);
	KUNIT_EXPECT_PTR_EQ(test, r->sb[0], sb);

	/* A second mount of the same superblock is no new event. */
	m2 = mount_net(test, &init_net);
	KUNIT_EXPECT_EQ(test, r->n, 1);
	umount_now(test, m1);
	KUNIT_EXPECT_EQ(test, r->n, 1);

	umount_now(test, m2);
	KUNIT_ASSERT_EQ(test, r->n, 2);
	KUNIT_EXPECT_EQ(test, r->event[1], NSPIPEFS_UMOUNT);
	KUNIT_EXPECT_PTR_EQ(test, r->sb[1], sb);
}

static void pipefs_notifier_replay(struct kunit *test)
{
	struct net *net = other_net(test);
	struct recorder *r = new_recorder(test, 0);
	struct vfsmount *a, *b;

	a = mount_net(test, &init_net);
	b = mount_net(test, net);

	/* A late subscriber hears of every existing superblock at once. */
	KUNIT_ASSERT_EQ(test, nspipefs_notifier_register(&r->nb), 0);
	KUNIT_ASSERT_EQ(test, r->n, 2);
	KUNIT_EXPECT_EQ(test, r->event[0], NSPIPEFS_MOUNT);
	KUNIT_EXPECT_EQ(test, r->event[1], NSPIPEFS_MOUNT);
	KUNIT_EXPECT_TRUE(test, (r->sb[0] == a->mnt_sb && r->sb[1] == b->mnt_sb) ||
			  (r->sb[0] == b->mnt_sb && r->sb[1] == a->mnt_sb));

	/* And of their end when it leaves. */
	nspipefs_notifier_unregister(&r->nb);
	KUNIT_ASSERT_EQ(test, r->n, 4);
	KUNIT_EXPECT_EQ(test, r->event[2], NSPIPEFS_UMOUNT);
	KUNIT_EXPECT_EQ(test, r->event[3], NSPIPEFS_UMOUNT);

	umount_now(test, a);
	umount_now(test, b);
	KUNIT_EXPECT_EQ(test, r->n, 4);
}

static void pipefs_notifier_refused(struct kunit *test)
{
	struct recorder *first = new_recorder(test, 10);
	struct recorder *bad = new_recorder(test, 0);
	struct vfsmount *mnt;

	register_recorder(test, first);
	register_recorder(test, bad);
	bad->refuse = -EACCES;

	/* The mount fails with the subscriber's error and leaves nothing. */
	mnt = nspipefs_test_mount(&init_net);
	KUNIT_EXPECT_TRUE(test, IS_ERR(mnt));
	if (!IS_ERR(mnt)) {
		mntput(mnt);
		return;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(mnt), -EACCES);
	KUNIT_EXPECT_NULL(test, nspipefs_test_net_sb(&init_net));
	/* The subscriber that accepted is told to undo it. */
	KUNIT_ASSERT_EQ(test, first->n, 2);
	KUNIT_EXPECT_EQ(test, first->event[0], NSPIPEFS_MOUNT);
	KUNIT_EXPECT_EQ(test, first->event[1], NSPIPEFS_UMOUNT);

	/* A refusing late subscriber is not registered. */
	bad->refuse = 0;
	mnt = mount_net(test, &init_net);
	bad->refuse = -EPERM;
	kunit_release_action(test, unregister_recorder, &bad->nb);
	KUNIT_EXPECT_EQ(test, nspipefs_notifier_register(&bad->nb), -EPERM);
	umount_now(test, mnt);
	KUNIT_EXPECT_EQ(test, bad->n, 2);	/* MOUNT, UMOUNT of the last */
}

/* Issue 17: NOTIFY_STOP refuses too (notifier_to_errno() gives it 0). */
static void pipefs_notifier_stop_refuses(struct kunit *test)
{
	struct recorder *first = new_recorder(test, 10);
	struct recorder *bad = new_recorder(test, 0);
	struct vfsmount *mnt;

	register_recorder(test, first);
	register_recorder(test, bad);
	bad->stop = true;
	mnt = nspipefs_test_mount(&init_net);
	KUNIT_EXPECT_TRUE(test, IS_ERR(mnt));
	if (!IS_ERR(mnt)) {
		mntput(mnt);
		KUNIT_FAIL(test, "mount refused with NOTIFY_STOP worked: %d events",
			   first->n);
		return;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(mnt), -EPERM);
	KUNIT_EXPECT_NULL(test, nspipefs_test_net_sb(&init_net));
	/* MOUNT and its undoing, once each. */
	KUNIT_ASSERT_EQ(test, first->n, 2);
	KUNIT_EXPECT_EQ(test, first->event[0], NSPIPEFS_MOUNT);
	KUNIT_EXPECT_EQ(test, first->event[1], NSPIPEFS_UMOUNT);

	/* A late subscriber stopping a replayed MOUNT is not registered. */
	bad->stop = false;
	mnt = mount_net(test, &init_net);
	bad->stop = true;
	kunit_release_action(test, unregister_recorder, &bad->nb);
	KUNIT_EXPECT_EQ(test, nspipefs_notifier_register(&bad->nb), -EPERM);
	umount_now(test, mnt);
}

/* Issue 17 section 2: the name follows the kernel's own sunrpc. */
static void pipefs_fsname_default(struct kunit *test)
{
	struct file_system_type *fs;

	if (IS_ENABLED(CONFIG_SUNRPC))
		KUNIT_EXPECT_STRNEQ(test, NSPIPEFS_DEFAULT_FSNAME, "rpc_pipefs");
	else
		KUNIT_EXPECT_STREQ(test, NSPIPEFS_DEFAULT_FSNAME, "rpc_pipefs");
	KUNIT_EXPECT_STRNEQ(test, NSPIPEFS_OWN_FSNAME, "rpc_pipefs");
	/* Loaded with the default name (as the harness loads it). */
	fs = get_fs_type(NSPIPEFS_DEFAULT_FSNAME);
	KUNIT_ASSERT_NOT_NULL(test, fs);
	KUNIT_EXPECT_STREQ(test, fs->name, NSPIPEFS_DEFAULT_FSNAME);
	module_put(fs->owner);
}

static void pipefs_get_put_sb(struct kunit *test)
{
	struct recorder *r = new_recorder(test, 0);
	struct vfsmount *mnt;
	struct super_block *sb;
	struct dentry *d;

	KUNIT_EXPECT_NULL(test, nspipefs_get_sb_net(&init_net));
	register_recorder(test, r);
	mnt = mount_net(test, &init_net);

	sb = nspipefs_get_sb_net(&init_net);
	KUNIT_ASSERT_PTR_EQ(test, sb, mnt->mnt_sb);

	/* Umount races the holder: the superblock stays until the put. */
	umount_now(test, mnt);
	KUNIT_EXPECT_PTR_EQ(test, nspipefs_test_net_sb(&init_net), sb);
	KUNIT_EXPECT_EQ(test, r->n, 1);
	d = nspipefs_lookup_dir(sb, "nfs");
	KUNIT_EXPECT_NOT_NULL(test, d);
	dput(d);

	nspipefs_put_sb_net(sb);
	KUNIT_EXPECT_NULL(test, nspipefs_test_net_sb(&init_net));
	KUNIT_ASSERT_EQ(test, r->n, 2);
	KUNIT_EXPECT_EQ(test, r->event[1], NSPIPEFS_UMOUNT);
	KUNIT_EXPECT_NULL(test, nspipefs_get_sb_net(&init_net));
}

static void pipefs_top_dirs(struct kunit *test)
{
	static const char *const names[] = {
		"lockd", "mount", "nfs", "portmap", "statd", "nfsd4_cb",
		"cache", "nfsd", "gssd",
	};
	struct vfsmount *mnt = mount_net(test, &init_net);
	struct dentry *d;
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		d = nspipefs_lookup_dir(mnt->mnt_sb, names[i]);
		KUNIT_EXPECT_NOT_NULL_MSG(test, d, "no %s", names[i]);
		dput(d);
	}
	KUNIT_EXPECT_NULL(test, nspipefs_lookup_dir(mnt->mnt_sb, "nosuch"));
}

static void dir_del_action(void *dir)
{
	nspipefs_dir_del(dir);
}

static struct dentry *child(struct dentry *parent, const char *name)
{
	struct qstr q = QSTR(name);

	return d_hash_and_lookup(parent, &q);
}

static void pipefs_dir_pending_retry(struct kunit *test)
{
	struct nspipefs_dir *dir = kunit_kzalloc(test, sizeof(*dir), GFP_KERNEL);
	struct nspipefs_dir *bad = kunit_kzalloc(test, sizeof(*bad), GFP_KERNEL);
	struct vfsmount *mnt;
	struct dentry *nfs, *d;

	KUNIT_ASSERT_NOT_NULL(test, dir);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	nspipefs_dir_init(dir, "nfs", "clnt_kunit");

	/* No superblock: fails clearly, but is kept for the next mount. */
	KUNIT_EXPECT_EQ(test, nspipefs_dir_add(&init_net, dir), -ENODEV);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dir_del_action,
							dir), 0);
	KUNIT_EXPECT_EQ(test, nspipefs_dir_add(&init_net, dir), -EBUSY);

	mnt = mount_net(test, &init_net);
	KUNIT_ASSERT_NOT_NULL(test, dir->dentry);
	nfs = nspipefs_lookup_dir(mnt->mnt_sb, "nfs");
	KUNIT_ASSERT_NOT_NULL(test, nfs);
	d = child(nfs, "clnt_kunit");
	KUNIT_EXPECT_PTR_EQ(test, d, dir->dentry);
	dput(d);

	/* Bad input is refused and not kept. */
	nspipefs_dir_init(bad, "nosuch", "x");
	KUNIT_EXPECT_EQ(test, nspipefs_dir_add(&init_net, bad), -ENOENT);
	KUNIT_EXPECT_NULL(test, bad->pn);
	nspipefs_dir_init(bad, "nfs", "a/b");
	KUNIT_EXPECT_EQ(test, nspipefs_dir_add(&init_net, bad), -EINVAL);
	nspipefs_dir_init(bad, "nfs", "clnt_kunit");
	KUNIT_EXPECT_EQ(test, nspipefs_dir_add(&init_net, bad), -EEXIST);
	KUNIT_EXPECT_NULL(test, bad->pn);

	/* Gone with the superblock, back with the next one. */
	dput(nfs);
	umount_now(test, mnt);
	KUNIT_EXPECT_NULL(test, dir->dentry);
	mnt = mount_net(test, &init_net);
	KUNIT_EXPECT_NOT_NULL(test, dir->dentry);

	/* Removed while mounted: the directory goes at once. */
	nfs = nspipefs_lookup_dir(mnt->mnt_sb, "nfs");
	KUNIT_ASSERT_NOT_NULL(test, nfs);
	kunit_release_action(test, dir_del_action, dir);
	KUNIT_EXPECT_NULL(test, dir->pn);
	d = child(nfs, "clnt_kunit");
	KUNIT_EXPECT_TRUE(test, !d || d_really_is_negative(d));
	dput(d);
	dput(nfs);
}

/* A pipe owner for the tests. */
struct owner {
	struct nspipefs_dir dir;
	struct nspipefs_pipe pipe;
	int ended, last_err, releases, downcalls;
	char down[32];
};

struct tmsg {
	struct nspipefs_msg msg;
	int ended;
	int err;
};

static ssize_t owner_downcall(struct nspipefs_pipe *pipe, const void *buf,
			      size_t len)
{
	struct owner *o = pipe->private;

	o->downcalls++;
	memcpy(o->down, buf, min(len, sizeof(o->down) - 1));
	return len;
}

static void owner_destroy_msg(struct nspipefs_pipe *pipe,
			      struct nspipefs_msg *msg)
{
	struct owner *o = pipe->private;
	struct tmsg *m = container_of(msg, struct tmsg, msg);

	m->ended++;
	m->err = msg->err;
	o->ended++;
	o->last_err = msg->err;
}

static void owner_release(struct nspipefs_pipe *pipe)
{
	struct owner *o = pipe->private;

	o->releases++;
}

static const struct nspipefs_pipe_ops owner_ops = {
	.downcall	= owner_downcall,
	.destroy_msg	= owner_destroy_msg,
	.release	= owner_release,
};

static void owner_del_action(void *p)
{
	struct owner *o = p;

	nspipefs_pipe_del(&o->pipe);
	nspipefs_dir_del(&o->dir);
}

static struct owner *new_owner(struct kunit *test, unsigned long timeout)
{
	struct owner *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, o);
	nspipefs_dir_init(&o->dir, "gssd", "clnt_kunit");
	nspipefs_pipe_init(&o->pipe, "krb5", &owner_ops);
	o->pipe.private = o;
	o->pipe.max_downcall = 16;
	o->pipe.upcall_timeout = timeout;
	err = nspipefs_dir_add(&init_net, &o->dir);
	KUNIT_ASSERT_TRUE(test, !err || err == -ENODEV);
	err = nspipefs_pipe_add(&o->dir, &o->pipe);
	KUNIT_EXPECT_TRUE(test, !err || err == -ENODEV);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, owner_del_action,
							o), 0);
	return o;
}

static void fput_action(void *file)
{
	__fput_sync(file);
}

static struct file *open_pipe(struct kunit *test, struct vfsmount *mnt,
			      struct owner *o, int flags)
{
	struct path path = { .mnt = mnt, .dentry = o->pipe.dentry };
	struct file *file;

	KUNIT_ASSERT_NOT_NULL(test, path.dentry);
	file = dentry_open(&path, flags, current_cred());
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fput_action,
							file), 0);
	return file;
}

static void close_pipe(struct kunit *test, struct file *file)
{
	kunit_release_action(test, fput_action, file);
}

static void init_msg(struct tmsg *m, const char *text)
{
	memset(m, 0, sizeof(*m));
	m->msg.data = text;
	m->msg.len = strlen(text);
}

static void pipefs_pipe_queue_read(struct kunit *test)
{
	struct vfsmount *mnt = mount_net(test, &init_net);
	struct owner *o = new_owner(test, 0);
	struct tmsg m1, m2;
	struct file *file;
	char buf[32] = {};
	loff_t pos = 0;

	file = open_pipe(test, mnt, o, O_RDWR | O_NONBLOCK);
	/* Nothing queued: 0 at once, as upstream's. */
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), &pos), 0);

	init_msg(&m1, "first");
	init_msg(&m2, "second");
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m1.msg), 0);
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m2.msg), 0);
	KUNIT_EXPECT_EQ(test, o->pipe.queued, 11UL);

	/* In order, a message may be read in pieces. */
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, 3, &pos), 3);
	KUNIT_EXPECT_MEMEQ(test, buf, "fir", 3);
	KUNIT_EXPECT_EQ(test, m1.ended, 0);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), &pos), 2);
	KUNIT_EXPECT_MEMEQ(test, buf, "st", 2);
	KUNIT_EXPECT_EQ(test, m1.ended, 1);
	KUNIT_EXPECT_EQ(test, m1.err, 0);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), &pos), 6);
	KUNIT_EXPECT_MEMEQ(test, buf, "second", 6);
	KUNIT_EXPECT_EQ(test, m2.ended, 1);
	KUNIT_EXPECT_EQ(test, m2.err, 0);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), &pos), 0);

	/* Downcalls reach the owner, up to the pipe's limit. */
	KUNIT_EXPECT_EQ(test, kernel_write(file, "hello", 5, &pos), 5);
	KUNIT_EXPECT_EQ(test, o->downcalls, 1);
	KUNIT_EXPECT_STREQ(test, o->down, "hello");
	KUNIT_EXPECT_EQ(test, kernel_write(file, "0123456789abcdefX", 17, &pos),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, o->downcalls, 1);

	/* An empty message is refused, the caller keeps it. */
	init_msg(&m1, "");
	KUNIT_EXPECT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m1.msg), -EINVAL);

	close_pipe(test, file);
	KUNIT_EXPECT_EQ(test, o->releases, 1);
	KUNIT_EXPECT_EQ(test, o->ended, 2);
}

static void pipefs_pipe_no_reader_no_sb(struct kunit *test)
{
	struct owner *o = new_owner(test, 0);
	struct vfsmount *mnt;
	struct tmsg m;

	init_msg(&m, "x");
	/* No superblock: no pipe file, a clean error. */
	KUNIT_EXPECT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m.msg), -ENODEV);

	/* A pipe that does not wait wants a reader. */
	mnt = mount_net(test, &init_net);
	KUNIT_EXPECT_NOT_NULL(test, o->pipe.dentry);
	KUNIT_EXPECT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m.msg), -EPIPE);

	umount_now(test, mnt);
	KUNIT_EXPECT_NULL(test, o->pipe.dentry);
	KUNIT_EXPECT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m.msg), -ENODEV);
	KUNIT_EXPECT_EQ(test, m.ended, 0);
}

static void pipefs_pipe_timeout(struct kunit *test)
{
	struct vfsmount *mnt = mount_net(test, &init_net);
	struct owner *o = new_owner(test, HZ / 10);
	unsigned long end;
	struct tmsg m1, m2;

	init_msg(&m1, "one");
	init_msg(&m2, "two");
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m1.msg), 0);
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m2.msg), 0);

	end = jiffies + 5 * HZ;
	while (o->ended < 2 && time_before(jiffies, end))
		msleep(20);
	KUNIT_EXPECT_EQ(test, m1.ended, 1);
	KUNIT_EXPECT_EQ(test, m1.err, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, m2.ended, 1);
	KUNIT_EXPECT_EQ(test, m2.err, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, o->pipe.queued, 0UL);
	umount_now(test, mnt);
	KUNIT_EXPECT_EQ(test, o->ended, 2);
}

static void pipefs_pipe_reader_in_time(struct kunit *test)
{
	struct vfsmount *mnt = mount_net(test, &init_net);
	struct owner *o = new_owner(test, HZ / 10);
	struct file *file;
	char buf[8];
	loff_t pos = 0;
	struct tmsg m;

	init_msg(&m, "wait");
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m.msg), 0);
	file = open_pipe(test, mnt, o, O_RDONLY);
	msleep(300);	/* past the timeout: a reader came, nothing expires */
	KUNIT_EXPECT_EQ(test, m.ended, 0);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), &pos), 4);
	KUNIT_EXPECT_EQ(test, m.ended, 1);
	KUNIT_EXPECT_EQ(test, m.err, 0);
	close_pipe(test, file);
}

static void pipefs_pipe_release_fails_pending(struct kunit *test)
{
	struct vfsmount *mnt = mount_net(test, &init_net);
	struct owner *o = new_owner(test, 0);
	struct file *r1, *r2;
	struct tmsg m1, m2;
	loff_t pos = 0;
	char c;

	r1 = open_pipe(test, mnt, o, O_RDONLY);
	r2 = open_pipe(test, mnt, o, O_RDONLY);
	init_msg(&m1, "abc");
	init_msg(&m2, "def");
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m1.msg), 0);
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m2.msg), 0);
	KUNIT_EXPECT_EQ(test, kernel_read(r1, &c, 1, &pos), 1);

	/* r1 had begun m1: m1 fails with r1 (EAGAIN, as upstream's). */
	close_pipe(test, r1);
	KUNIT_EXPECT_EQ(test, m1.ended, 1);
	KUNIT_EXPECT_EQ(test, m1.err, -EAGAIN);
	KUNIT_EXPECT_EQ(test, m2.ended, 0);
	KUNIT_EXPECT_EQ(test, o->releases, 0);

	/* The last reader goes: everything pending fails, EAGAIN. */
	close_pipe(test, r2);
	KUNIT_EXPECT_EQ(test, m2.ended, 1);
	KUNIT_EXPECT_EQ(test, m2.err, -EAGAIN);
	KUNIT_EXPECT_EQ(test, o->releases, 1);
}

/* Issue 17: the queue is bounded; a message may be withdrawn. */
static void pipefs_pipe_limits_withdraw(struct kunit *test)
{
	struct vfsmount *mnt = mount_net(test, &init_net);
	struct owner *o = new_owner(test, 0);
	struct tmsg *m = kunit_kcalloc(test, 4, sizeof(*m), GFP_KERNEL);
	struct file *file;
	char buf[8];
	loff_t pos = 0;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_EQ(test, o->pipe.max_msgs, NSPIPEFS_QUEUE_MSGS);
	KUNIT_EXPECT_EQ(test, o->pipe.max_bytes, (size_t)NSPIPEFS_QUEUE_BYTES);
	o->pipe.max_msgs = 2;
	o->pipe.max_bytes = 5;
	file = open_pipe(test, mnt, o, O_RDONLY);
	init_msg(&m[0], "ab");
	init_msg(&m[1], "cd");
	init_msg(&m[2], "e");
	init_msg(&m[3], "fgh");
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m[0].msg), 0);
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m[1].msg), 0);
	KUNIT_EXPECT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m[2].msg),
			-ENOBUFS);
	/* Withdrawn: it ends at once, the queue has room again. */
	KUNIT_EXPECT_TRUE(test, nspipefs_withdraw_upcall(&o->pipe, &m[1].msg));
	KUNIT_EXPECT_EQ(test, m[1].ended, 1);
	KUNIT_EXPECT_EQ(test, m[1].err, -ECANCELED);
	KUNIT_EXPECT_FALSE(test, nspipefs_withdraw_upcall(&o->pipe, &m[1].msg));
	KUNIT_EXPECT_EQ(test, m[1].ended, 1);
	/* Bytes: 2 queued, 3 more would pass 5. */
	o->pipe.max_msgs = 4;
	o->pipe.max_bytes = 4;
	KUNIT_EXPECT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m[3].msg),
			-ENOBUFS);
	KUNIT_EXPECT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m[2].msg), 0);
	/* One a reader has begun is not withdrawn. */
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, 1, &pos), 1);
	KUNIT_EXPECT_FALSE(test, nspipefs_withdraw_upcall(&o->pipe, &m[0].msg));
	KUNIT_EXPECT_EQ(test, m[0].ended, 0);
	KUNIT_EXPECT_EQ(test, o->pipe.nqueued, 1U);
	close_pipe(test, file);
	KUNIT_EXPECT_EQ(test, m[0].err, -EAGAIN);
	KUNIT_EXPECT_EQ(test, m[2].err, -EAGAIN);
}

static void pipefs_pipe_del_while_open(struct kunit *test)
{
	struct vfsmount *mnt = mount_net(test, &init_net);
	struct owner *o = new_owner(test, 0);
	struct file *file;
	char buf[8];
	loff_t pos = 0;
	struct tmsg m;

	file = open_pipe(test, mnt, o, O_RDWR);
	init_msg(&m, "gone");
	KUNIT_ASSERT_EQ(test, nspipefs_queue_upcall(&o->pipe, &m.msg), 0);

	nspipefs_pipe_del(&o->pipe);
	KUNIT_EXPECT_EQ(test, m.ended, 1);
	KUNIT_EXPECT_EQ(test, m.err, -EPIPE);
	KUNIT_EXPECT_EQ(test, o->releases, 1);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf), &pos), -EPIPE);
	KUNIT_EXPECT_EQ(test, kernel_write(file, "x", 1, &pos), -EPIPE);
	close_pipe(test, file);
	KUNIT_EXPECT_EQ(test, o->releases, 1);
}

/* A regular file owner: counts opens, refuses while @going. */
struct fowner {
	struct nspipefs_dir dir;
	struct nspipefs_file file;
	int gets;
	bool going;
	char text[8];
};

static bool fowner_get(void *p)
{
	struct fowner *fo = p;

	if (fo->going)
		return false;
	fo->gets++;
	return true;
}

static int fowner_open(struct inode *inode, struct file *file)
{
	file->private_data = nspipefs_file_private(inode, fowner_get);
	return file->private_data ? 0 : -ENXIO;
}

static ssize_t fowner_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct fowner *fo = iocb->ki_filp->private_data;
	size_t len = strlen(fo->text);
	size_t n;

	if (iocb->ki_pos >= len)
		return 0;
	n = copy_to_iter(fo->text + iocb->ki_pos, len - iocb->ki_pos, to);
	iocb->ki_pos += n;
	return n;
}

/* read_iter, so that kernel_read() works on it. */
static const struct file_operations fowner_fops = {
	.owner		= THIS_MODULE,
	.open		= fowner_open,
	.read_iter	= fowner_read,
};

static void fowner_del_action(void *p)
{
	struct fowner *fo = p;

	nspipefs_file_del(&fo->file);
	nspipefs_dir_del(&fo->dir);
}

static struct file *open_file(struct kunit *test, struct vfsmount *mnt,
			      struct dentry *dentry)
{
	struct path path = { .mnt = mnt, .dentry = dentry };
	struct file *file;

	KUNIT_ASSERT_NOT_NULL(test, dentry);
	file = dentry_open(&path, O_RDONLY, current_cred());
	if (!IS_ERR(file))
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
								fput_action,
								file), 0);
	return file;
}

static void pipefs_file_add_del(struct kunit *test)
{
	struct fowner *fo = kunit_kzalloc(test, sizeof(*fo), GFP_KERNEL);
	struct nspipefs_file *bad;
	struct vfsmount *mnt;
	struct dentry *dentry;
	struct file *file;
	char buf[8] = "";
	loff_t pos = 0;

	KUNIT_ASSERT_NOT_NULL(test, fo);
	bad = kunit_kzalloc(test, sizeof(*bad), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bad);
	strscpy(fo->text, "hello", sizeof(fo->text));
	nspipefs_dir_init(&fo->dir, "cache", "kunit_cache");
	nspipefs_file_init(&fo->file, "content", 0400, &fowner_fops, fo);
	/* Not added to a directory yet: refused. */
	KUNIT_EXPECT_EQ(test, nspipefs_file_add(&fo->dir, &fo->file), -EINVAL);
	KUNIT_EXPECT_EQ(test, nspipefs_dir_add(&init_net, &fo->dir), -ENODEV);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fowner_del_action,
							fo), 0);
	/* Kept for the next mount, like pipes. */
	KUNIT_EXPECT_EQ(test, nspipefs_file_add(&fo->dir, &fo->file), -ENODEV);
	KUNIT_EXPECT_EQ(test, nspipefs_file_add(&fo->dir, &fo->file), -EBUSY);
	nspipefs_file_init(bad, "a/b", 0400, &fowner_fops, fo);
	KUNIT_EXPECT_EQ(test, nspipefs_file_add(&fo->dir, bad), -EINVAL);
	nspipefs_file_init(bad, "x", 04000, &fowner_fops, fo);
	KUNIT_EXPECT_EQ(test, nspipefs_file_add(&fo->dir, bad), -EINVAL);
	KUNIT_EXPECT_NULL(test, bad->dir);

	mnt = mount_net(test, &init_net);
	KUNIT_ASSERT_NOT_NULL(test, fo->file.dentry);
	dentry = child(fo->dir.dentry, "content");
	KUNIT_EXPECT_PTR_EQ(test, dentry, fo->file.dentry);
	dput(dentry);
	KUNIT_EXPECT_EQ(test, d_inode(fo->file.dentry)->i_mode,
			(umode_t)(S_IFREG | 0400));
	/* A second file of the same name: -EEXIST, not kept. */
	nspipefs_file_init(bad, "content", 0400, &fowner_fops, fo);
	KUNIT_EXPECT_EQ(test, nspipefs_file_add(&fo->dir, bad), -EEXIST);
	KUNIT_EXPECT_NULL(test, bad->dir);

	file = open_file(test, mnt, fo->file.dentry);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_EXPECT_EQ(test, fo->gets, 1);
	KUNIT_EXPECT_EQ(test, kernel_read(file, buf, sizeof(buf) - 1, &pos), 5);
	KUNIT_EXPECT_STREQ(test, buf, "hello");

	/* The owner refusing a reference fails the open. */
	fo->going = true;
	KUNIT_EXPECT_EQ(test, PTR_ERR(open_file(test, mnt, fo->file.dentry)),
			-ENXIO);
	fo->going = false;

	/* Taken out: gone from the tree, the open file's inode is cut off. */
	nspipefs_file_del(&fo->file);
	KUNIT_EXPECT_NULL(test, fo->file.dir);
	KUNIT_EXPECT_NULL(test, fo->file.dentry);
	KUNIT_EXPECT_NULL(test, file_inode(file)->i_private);
	KUNIT_EXPECT_NULL(test, nspipefs_file_private(file_inode(file), NULL));
	dentry = child(fo->dir.dentry, "content");
	KUNIT_EXPECT_TRUE(test, !dentry || d_really_is_negative(dentry));
	dput(dentry);

	/* Added again while mounted: made at once; goes with the sb. */
	KUNIT_EXPECT_EQ(test, nspipefs_file_add(&fo->dir, &fo->file), 0);
	KUNIT_EXPECT_NOT_NULL(test, fo->file.dentry);
	kunit_release_action(test, fput_action, file);
	umount_now(test, mnt);
	KUNIT_EXPECT_NULL(test, fo->file.dentry);
	KUNIT_EXPECT_NOT_NULL(test, fo->file.dir);
	mnt = mount_net(test, &init_net);
	KUNIT_EXPECT_NOT_NULL(test, fo->file.dentry);
	/* Removing the directory removes the file from the lists too. */
	kunit_release_action(test, fowner_del_action, fo);
	KUNIT_EXPECT_NULL(test, fo->file.dir);
	KUNIT_EXPECT_NULL(test, fo->file.dentry);
}

static struct kunit_case pipefs_cases[] = {
	KUNIT_CASE(pipefs_sb_keyed_per_net),
	KUNIT_CASE(pipefs_sb_holds_net),
#ifndef MODULE
	KUNIT_CASE(pipefs_sb_keeps_orphan_net),
#endif
	KUNIT_CASE(pipefs_notifier_events),
	KUNIT_CASE(pipefs_notifier_replay),
	KUNIT_CASE(pipefs_notifier_refused),
	KUNIT_CASE(pipefs_notifier_stop_refuses),
	KUNIT_CASE(pipefs_fsname_default),
	KUNIT_CASE(pipefs_get_put_sb),
	KUNIT_CASE(pipefs_top_dirs),
	KUNIT_CASE(pipefs_dir_pending_retry),
	KUNIT_CASE(pipefs_pipe_queue_read),
	KUNIT_CASE(pipefs_pipe_no_reader_no_sb),
	KUNIT_CASE(pipefs_pipe_timeout),
	KUNIT_CASE(pipefs_pipe_reader_in_time),
	KUNIT_CASE(pipefs_pipe_release_fails_pending),
	KUNIT_CASE(pipefs_pipe_limits_withdraw),
	KUNIT_CASE(pipefs_pipe_del_while_open),
	KUNIT_CASE(pipefs_file_add_del),
	{}
};

static struct kunit_suite pipefs_suite = {
	.name = "nsmods_pipefs",
	.test_cases = pipefs_cases,
};

kunit_test_suite(pipefs_suite);

MODULE_DESCRIPTION("KUnit tests for nsmods_pipefs");
MODULE_LICENSE("GPL");
