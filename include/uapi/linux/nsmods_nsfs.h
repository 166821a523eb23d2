/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nsmods_nsfs: namespace files on one internal filesystem.
 *
 * /dev/nsmods_nsfs hands out file descriptors for namespaces.  Open the
 * device, fill in struct nsmods_nsfs_open and call NSMODS_NSFS_IOC_OPEN:
 * the return value is a new O_CLOEXEC file descriptor referring to the
 * namespace.  The caller needs the access /proc/PID/ns/TYPE needs (ptrace
 * read access to the task).
 *
 * On a namespace descriptor, fstat() shows the namespace's inode number
 * (st_ino, the number /proc/PID/ns/TYPE shows) and the ioctls below give
 * its type, its owning user namespace and its parent, and a descriptor of
 * the kernel's own nsfs for setns(2).  The kernel's own NS_GET_* ioctls of
 * <linux/nsfs.h> are answered too, with their numbers and meaning (see
 * Documentation/nsfs.rst for the list and for those that are not).
 */
#ifndef _UAPI_LINUX_NSMODS_NSFS_H
#define _UAPI_LINUX_NSMODS_NSFS_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* statfs(2) f_type of the filesystem the namespace descriptors live on. */
#define NSMODS_NSFS_MAGIC	0x6e736d66	/* "nsmf" */

/*
 * ioctl numbers: type 0xE6, number 0x01 on the device and 0x10-0x13 on a
 * namespace descriptor, all listed below.  0xE6 is free in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst (6.12).
 */
#define NSMODS_NSFS_IOC_MAGIC	0xE6

/* nsmods_nsfs_open.flags: @pid is a pidfd, not a pid. */
#define NSMODS_NSFS_OPEN_PIDFD	(1U << 0)
/*
 * nsmods_nsfs_open.flags: the namespace the task's children get, not its
 * own (/proc/PID/ns/pid_for_children, time_for_children); only for
 * CLONE_NEWPID and CLONE_NEWTIME.
 */
#define NSMODS_NSFS_OPEN_FOR_CHILDREN	(1U << 1)

/**
 * struct nsmods_nsfs_open - argument of NSMODS_NSFS_IOC_OPEN
 * @pid: a process or thread id in the caller's pid namespace, or with
 *	NSMODS_NSFS_OPEN_PIDFD a pidfd
 * @type: the namespace type: one CLONE_NEW* value (CLONE_NEWNET,
 *	CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNS, CLONE_NEWPID,
 *	CLONE_NEWUSER, CLONE_NEWCGROUP or CLONE_NEWTIME)
 * @flags: zero, or NSMODS_NSFS_OPEN_PIDFD, NSMODS_NSFS_OPEN_FOR_CHILDREN or
 *	both
 * @pad: must be zero
 */
struct nsmods_nsfs_open {
	__u32 pid;
	__u32 type;
	__u32 flags;
	__u32 pad;
};

/* On /dev/nsmods_nsfs: returns a namespace descriptor. */
#define NSMODS_NSFS_IOC_OPEN	_IOW(NSMODS_NSFS_IOC_MAGIC, 0x01, struct nsmods_nsfs_open)

/* On a namespace descriptor: the namespace's CLONE_NEW* type. */
#define NSMODS_NSFS_GET_NSTYPE	_IO(NSMODS_NSFS_IOC_MAGIC, 0x10)
/* On a namespace descriptor: a descriptor of its owning user namespace. */
#define NSMODS_NSFS_GET_USERNS	_IO(NSMODS_NSFS_IOC_MAGIC, 0x11)
/* On a user or pid namespace descriptor: a descriptor of its parent. */
#define NSMODS_NSFS_GET_PARENT	_IO(NSMODS_NSFS_IOC_MAGIC, 0x12)
/*
 * On a namespace descriptor: a descriptor of the same namespace on the
 * kernel's own nsfs, which setns(2) and bind mounts accept.
 */
#define NSMODS_NSFS_GET_NSFS	_IO(NSMODS_NSFS_IOC_MAGIC, 0x13)

#endif /* _UAPI_LINUX_NSMODS_NSFS_H */
