/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsfs_test: what its cases share (common.c) and the cases themselves,
 * one file each (main.c has the table).
 */
#ifndef NSFS_TEST_H
#define NSFS_TEST_H

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <linux/nsfs.h>
#include <linux/nsmods_nsfs.h>

#include "testlib.h"

#define DEV "/dev/nsmods_nsfs"

/* The kernel's ioctls newer than the host's <linux/nsfs.h> (6.12's). */
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID		_IOR(NSIO, 0x5, __u64)
#endif
#ifndef NS_GET_PID_FROM_PIDNS
#define NS_GET_PID_FROM_PIDNS	_IOR(NSIO, 0x6, int)
#define NS_GET_TGID_FROM_PIDNS	_IOR(NSIO, 0x7, int)
#define NS_GET_PID_IN_PIDNS	_IOR(NSIO, 0x8, int)
#define NS_GET_TGID_IN_PIDNS	_IOR(NSIO, 0x9, int)
#endif
#ifndef NS_MNT_GET_INFO
struct mnt_ns_info {
	__u32 size;
	__u32 nr_mounts;
	__u64 mnt_ns_id;
};

#define NS_MNT_GET_INFO		_IOR(NSIO, 10, struct mnt_ns_info)
#define NS_MNT_GET_NEXT		_IOR(NSIO, 11, struct mnt_ns_info)
#define NS_MNT_GET_PREV		_IOR(NSIO, 12, struct mnt_ns_info)
#endif

/* The kernel's nsfs, and ours. */
#define NSFS_MAGIC_UPSTREAM 0x6e736673

static inline int dev_fd(void)
{
	return test_dev(DEV, O_RDONLY);
}

int ns_open(unsigned int pid, unsigned int type, unsigned int flags);
int ns_ioctl(int fd, unsigned long cmd);
int ns_ioctl_arg(int fd, unsigned long cmd, unsigned long arg);
long fs_magic(int fd);
int become_userns_root(void);
ino_t ino_of(const char *path);
ino_t proc_ns_ino(pid_t pid, const char *name);
struct stat fd_stat(int fd);
char *read_file(const char *path, char *buf, size_t len);

/* A child in new namespaces, waiting until we close @go. */
struct holder {
	pid_t pid;
	int go;		/* write end: child exits when it closes */
};

struct holder spawn_holder(int flags);
void release_holder(struct holder *h);

/* The cases, each in the file of its name. */
void test_fs(void);
void test_basic(void);
void test_perm(void);
void test_keepalive(void);
void test_scm(void);
void test_setns(void);
void test_opath(void);
void test_race(void);
void test_iface(void);
void test_children(void);
void test_noproc(void);
void test_iface_perm(void);
void test_scale(void);

#endif /* NSFS_TEST_H */
