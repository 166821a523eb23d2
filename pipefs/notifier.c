// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_pipefs MOUNT/UMOUNT events: a superblock going live or away links
 * or unlinks it in its namespace, makes or removes the namespace's
 * directories, and tells the subscribers on the notifier chain; late
 * subscribers get MOUNT replayed for the superblocks that exist.
 */
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <net/net_namespace.h>

#include "internal.h"

static BLOCKING_NOTIFIER_HEAD(nspipefs_chain);

/*
 * Serialises MOUNT and UMOUNT events with notifier (un)registration, so
 * that a subscriber sees every superblock exactly once; protects
 * nspipefs_active.  Taken before any namespace's sb_lock.
 */
static DEFINE_MUTEX(nspipefs_event_lock);
static LIST_HEAD(nspipefs_active);

/* Superblock of @pn goes live: link it, make the directories, send MOUNT. */
int nspipefs_sb_up(struct nspipefs_net *pn, struct super_block *sb)
{
	int err;

	mutex_lock(&nspipefs_event_lock);
	mutex_lock(&pn->sb_lock);
	pn->sb = sb;
	list_add_tail(&pn->active, &nspipefs_active);
	nspipefs_dirs_attach(pn);
	err = blocking_notifier_call_chain_robust(&nspipefs_chain,
						  NSPIPEFS_MOUNT,
						  NSPIPEFS_UMOUNT, sb);
	err = notifier_to_errno(err);
	if (err) {
		pr_warn_ratelimited("netns %u: a subscriber refused the mount: %d\n",
				    pn->net->ns.inum, err);
		nspipefs_dirs_detach(pn);
		list_del_init(&pn->active);
		pn->sb = NULL;
	}
	mutex_unlock(&pn->sb_lock);
	mutex_unlock(&nspipefs_event_lock);
	return err;
}

/* Superblock of @pn goes: send UMOUNT, remove the directories, unlink. */
void nspipefs_sb_down(struct nspipefs_net *pn, struct super_block *sb)
{
	mutex_lock(&nspipefs_event_lock);
	mutex_lock(&pn->sb_lock);
	if (pn->sb == sb) {
		blocking_notifier_call_chain(&nspipefs_chain, NSPIPEFS_UMOUNT,
					     sb);
		nspipefs_dirs_detach(pn);
		list_del_init(&pn->active);
		pn->sb = NULL;
	}
	mutex_unlock(&pn->sb_lock);
	mutex_unlock(&nspipefs_event_lock);
}

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
