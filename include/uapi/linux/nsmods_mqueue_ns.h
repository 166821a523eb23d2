/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nsmods_mqueue_ns: POSIX message queues in a filesystem per ipc namespace
 * (Documentation/mqueue_ns.rst).
 *
 * /dev/nsmods_mqueue_ns is the mq_open()/mq_unlink() analogue: its ioctls act in
 * the caller's ipc namespace.  A queue fd (from MQNS_IOC_OPEN or from
 * open(2) on a mount of the "mqueue_ns" filesystem) takes MQNS_IOC_SEND,
 * MQNS_IOC_RECEIVE and MQNS_IOC_GETSETATTR, polls like upstream's, and
 * read(2) gives upstream's "QSIZE:... NOTIFY:..." line.
 */
#ifndef _UAPI_LINUX_NSMODS_MQUEUE_NS_H
#define _UAPI_LINUX_NSMODS_MQUEUE_NS_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MQNS_DEVICE		"/dev/nsmods_mqueue_ns"
#define MQNS_FSTYPE		"mqueue_ns"
#define MQNS_PRIO_MAX		32768	/* as upstream's MQ_PRIO_MAX */
/*
 * statfs(2) f_type of a mqueue_ns mount: not upstream's MQUEUE_MAGIC, as
 * its queue fds are not upstream's (mq_send(2) refuses them).
 */
#define MQNS_SUPER_MAGIC	0x4d514e53	/* "MQNS" */
/*
 * The limits of the mounter's ipc namespace as files named as upstream's
 * fs.mqueue sysctls: mount -t mqueue_ns_limits none DIR; cat DIR/msg_max.
 */
#define MQNS_LIMITS_FSTYPE	"mqueue_ns_limits"
#define MQNS_LIMITS_MAGIC	0x4d514e4c	/* "MQNL" */

/* Queue attributes, laid out like struct mq_attr without its padding. */
struct mqns_attr {
	__s64 mq_flags;		/* O_NONBLOCK or 0 */
	__s64 mq_maxmsg;	/* queue depth */
	__s64 mq_msgsize;	/* largest message */
	__s64 mq_curmsgs;	/* messages queued now (read only) */
};

/* MQNS_IOC_OPEN: open or create a queue; the ioctl returns its fd. */
struct mqns_open {
	__u64 name;		/* user pointer: NUL-terminated, no '/' */
	__u64 attr;		/* user pointer to struct mqns_attr, or 0; read
				 * whenever non-zero, used with O_CREAT
				 */
	__u32 oflag;		/* O_RDONLY/O_WRONLY/O_RDWR, O_CREAT, O_EXCL,
				 * O_NONBLOCK; the fd is always O_CLOEXEC
				 */
	__u32 mode;		/* permission bits, with O_CREAT */
};

/* MQNS_IOC_UNLINK: remove a queue by name. */
struct mqns_name {
	__u64 name;		/* user pointer: NUL-terminated, no '/' */
};

/*
 * The caller's ipc namespace's limits, as upstream's fs.mqueue sysctls.
 * Setting them needs CAP_SYS_RESOURCE over the namespace's user namespace.
 */
struct mqns_limits {
	__u32 queues_max;	/* queues in the namespace */
	__u32 msg_max;		/* mq_maxmsg ceiling for unprivileged users */
	__u32 msgsize_max;	/* mq_msgsize ceiling for unprivileged users */
	__u32 msg_default;	/* mq_maxmsg when no attributes are given */
	__u32 msgsize_default;	/* mq_msgsize when no attributes are given */
	__u32 queues_count;	/* queues that exist now (read only) */
};

#define MQNS_TIMEOUT		0x1	/* tv_sec/tv_nsec hold a deadline */

/* MQNS_IOC_SEND / MQNS_IOC_RECEIVE on a queue fd. */
struct mqns_msg {
	__u64 buf;		/* user pointer to the message */
	__u64 len;		/* its length (send) or the buffer's (receive) */
	__u32 prio;		/* priority (send); set on receive */
	__u32 flags;		/* MQNS_TIMEOUT */
	__s64 tv_sec;		/* absolute CLOCK_REALTIME deadline */
	__s64 tv_nsec;
};

/* MQNS_IOC_GETSETATTR: old attributes back; mq_flags set if @set. */
struct mqns_getsetattr {
	struct mqns_attr new_attr;
	struct mqns_attr old_attr;
	__u32 set;
	__u32 pad;		/* must be 0 */
};

/*
 * ioctl numbers: type 0xE8, numbers 0x01-0x04 on the device and 0x10-0x12
 * on a queue fd, all listed below.  0xE8 is free in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst (6.12); 'Q', used
 * before, is linux/soundcard.h's.
 */
#define MQNS_IOC_MAGIC		0xE8
#define MQNS_IOC_OPEN		_IOW(MQNS_IOC_MAGIC, 0x01, struct mqns_open)
#define MQNS_IOC_UNLINK		_IOW(MQNS_IOC_MAGIC, 0x02, struct mqns_name)
#define MQNS_IOC_GET_LIMITS	_IOR(MQNS_IOC_MAGIC, 0x03, struct mqns_limits)
#define MQNS_IOC_SET_LIMITS	_IOW(MQNS_IOC_MAGIC, 0x04, struct mqns_limits)
/* The receive returns the message's length. */
#define MQNS_IOC_SEND		_IOW(MQNS_IOC_MAGIC, 0x10, struct mqns_msg)
#define MQNS_IOC_RECEIVE	_IOWR(MQNS_IOC_MAGIC, 0x11, struct mqns_msg)
#define MQNS_IOC_GETSETATTR	_IOWR(MQNS_IOC_MAGIC, 0x12, struct mqns_getsetattr)

#endif /* _UAPI_LINUX_NSMODS_MQUEUE_NS_H */
