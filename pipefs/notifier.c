// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs MOUNT/UMOUNT events: a superblock going live or away links
 * or unlinks it in its namespace, makes or removes the namespace's
 * directories, and tells the subscribers on the notifier chain; late
 * subscribers get MOUNT replayed for the superblocks that exist.
 *
 * Each namespace's events are serialised by its own sb_lock, as upstream's
 * per-net pipefs_sb_lock: one namespace's slow MOUNT or UMOUNT (a
 * subscriber, or a reader holding a pipe's inode lock) holds up no other
 * namespace.
 */
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>

#include "internal.h"

static BLOCKING_NOTIFIER_HEAD(nspipefs_chain);

/*
 * Held shared while an event is delivered (any number of namespaces at
 * once), exclusively by notifier (un)registration and its replay: so a
 * subscriber sees every superblock exactly once, and no event comes
 * between its registration and its replay.  Taken before any sb_lock.
 */
static DECLARE_RWSEM(nspipefs_events_rwsem);
/*
 * Protects nspipefs_active (namespaces with a superblock) against the
 * events of other namespaces; an exclusive holder of the rwsem walks it
 * without, since only events change it.
 */
static DEFINE_SPINLOCK(nspipefs_active_lock);
static LIST_HEAD(nspipefs_active);

/*
 * A subscriber's answer to MOUNT: 0 if accepted, else the errno the mount
 * fails with.  A stop (NOTIFY_STOP or NOTIFY_BAD) refuses: the robust
 * chain has then sent UMOUNT to those before it, and notifier_to_errno()
 * gives 0 for a stop that carries no errno.
 */
static int nspipefs_mount_refused(int ret)
{
	if (!(ret & NOTIFY_STOP_MASK))
		return 0;
	return notifier_to_errno(ret) ?: -EPERM;
}

static void nspipefs_set_active(struct nspipefs_net *pn, bool active)
{
	spin_lock(&nspipefs_active_lock);
	if (active)
		list_add_tail(&pn->active, &nspipefs_active);
	else
		list_del_init(&pn->active);
	spin_unlock(&nspipefs_active_lock);
}

/* Superblock of @pn goes live: link it, make the directories, send MOUNT. */
int nspipefs_sb_up(struct nspipefs_net *pn, struct super_block *sb)
{
	int ret, err;

	down_read(&nspipefs_events_rwsem);
	mutex_lock(&pn->sb_lock);
	pn->sb = sb;
	nspipefs_set_active(pn, true);
	nspipefs_dirs_attach(pn);
	ret = blocking_notifier_call_chain_robust(&nspipefs_chain,
						  NSPIPEFS_MOUNT,
						  NSPIPEFS_UMOUNT, sb);
	err = nspipefs_mount_refused(ret);
	if (err) {
		pr_warn_ratelimited("netns %u: a subscriber refused the mount: %d\n",
				    pn->net->ns.inum, err);
		nspipefs_dirs_detach(pn);
		nspipefs_set_active(pn, false);
		pn->sb = NULL;
	}
	mutex_unlock(&pn->sb_lock);
	up_read(&nspipefs_events_rwsem);
	return err;
}

/* Superblock of @pn goes: send UMOUNT, remove the directories, unlink. */
void nspipefs_sb_down(struct nspipefs_net *pn, struct super_block *sb)
{
	down_read(&nspipefs_events_rwsem);
	mutex_lock(&pn->sb_lock);
	if (pn->sb == sb) {
		blocking_notifier_call_chain(&nspipefs_chain, NSPIPEFS_UMOUNT,
					     sb);
		nspipefs_dirs_detach(pn);
		nspipefs_set_active(pn, false);
		pn->sb = NULL;
	}
	mutex_unlock(&pn->sb_lock);
	up_read(&nspipefs_events_rwsem);
}

/**
 * nspipefs_notifier_register() - subscribe to MOUNT and UMOUNT events
 * @nb: the notifier block; its callback gets an &enum nspipefs_event and
 *	the superblock, with the namespace's pipefs lock held
 *
 * Superblocks that already exist are announced to @nb at once with MOUNT
 * (in this call), so a late subscriber sees every superblock.  If @nb
 * refuses one of those (an errno, or a stop: NOTIFY_STOP is refusal,
 * -EPERM, as in the chain), the ones it accepted get UMOUNT and @nb is not
 * registered.
 *
 * Return: 0, or the error from the chain or from @nb.
 */
int nspipefs_notifier_register(struct notifier_block *nb)
{
	struct nspipefs_net *pn;
	int err;

	down_write(&nspipefs_events_rwsem);
	err = blocking_notifier_chain_register(&nspipefs_chain, nb);
	if (err)
		goto out;
	list_for_each_entry(pn, &nspipefs_active, active) {
		mutex_lock(&pn->sb_lock);
		err = nspipefs_mount_refused(nb->notifier_call(nb, NSPIPEFS_MOUNT,
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
	up_write(&nspipefs_events_rwsem);
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

	down_write(&nspipefs_events_rwsem);
	list_for_each_entry(pn, &nspipefs_active, active) {
		mutex_lock(&pn->sb_lock);
		nb->notifier_call(nb, NSPIPEFS_UMOUNT, pn->sb);
		mutex_unlock(&pn->sb_lock);
	}
	blocking_notifier_chain_unregister(&nspipefs_chain, nb);
	up_write(&nspipefs_events_rwsem);
}
EXPORT_SYMBOL_GPL(nspipefs_notifier_unregister);
