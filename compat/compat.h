/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmods compatibility layer: force-included into every file (top Kbuild).
 *
 * The tree is written against 6.12.  What an older kernel in the supported
 * range (6.1 to 6.12) lacks is supplied here, keyed by probes of the
 * target kernel's own headers (compat/probes.mk sets NSMODS_HAVE_*), not
 * by version numbers; only the supported range itself is a version check.
 * Where an older kernel cannot give a module what it needs, the module
 * says so at load time (NSMODS_HAVE_* tested in its init).
 */
#ifndef _NSMODS_COMPAT_H
#define _NSMODS_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_MAJOR != 6 || LINUX_VERSION_PATCHLEVEL < 1 || \
	LINUX_VERSION_PATCHLEVEL > 12
#error "nsmods supports Linux 6.1 to 6.12 (Documentation/install.rst)"
#endif

#ifdef __KERNEL__
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/string.h>

#ifndef NSMODS_HAVE_QSTR
static inline struct qstr QSTR(const char *name)
{
	return (struct qstr)QSTR_INIT(name, strlen(name));
}
#endif

#ifndef NSMODS_HAVE_INODE_TS_HELPERS
/* Before 6.7 the three times are plain inode fields. */
static inline struct timespec64 inode_set_atime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_atime = ts;
	return ts;
}

static inline struct timespec64 inode_set_mtime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_mtime = ts;
	return ts;
}
#endif

#ifndef NSMODS_HAVE_SIMPLE_INODE_INIT_TS
static inline struct timespec64 simple_inode_init_ts(struct inode *inode)
{
	struct timespec64 ts = inode_set_ctime_current(inode);

	inode_set_atime_to_ts(inode, ts);
	inode_set_mtime_to_ts(inode, ts);
	return ts;
}
#endif

#ifndef NSMODS_HAVE_FILE_CLOSE_FD
#include <linux/fdtable.h>
/* Before 6.8 the same function had another name. */
static inline struct file *file_close_fd(unsigned int fd)
{
	return close_fd_get_file(fd);
}
#endif

#ifndef NSMODS_HAVE_MNT_IDMAP
/*
 * Before 6.3 the VFS took the mount's user namespace where it now takes an
 * idmapping, and init_user_ns played nop_mnt_idmap's part.
 */
#define mnt_idmap user_namespace
#define nop_mnt_idmap init_user_ns
#endif

#ifndef NSMODS_HAVE_SK_NET_REFCNT_UPGRADE
#include <net/sock.h>
/*
 * A kernel socket made counted after the fact: what the helper does on
 * kernels that have it (net/core/sock.c), from header inlines only.
 */
static inline void sk_net_refcnt_upgrade(struct sock *sk)
{
	struct net *net = sock_net(sk);

	WARN_ON_ONCE(sk->sk_net_refcnt);
	sk->sk_net_refcnt = 1;
	/* the socket's own count on its netns, dropped by sk_destruct */
	get_net_track(net, &sk->ns_tracker, GFP_KERNEL);
	sock_inuse_add(net, 1);
}
#endif
#endif /* __KERNEL__ */

#endif /* _NSMODS_COMPAT_H */
