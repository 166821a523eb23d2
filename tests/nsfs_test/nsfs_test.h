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

#include <linux/nsmods_nsfs.h>

#include "testlib.h"

#define DEV "/dev/nsmods_nsfs"

static inline int dev_fd(void)
{
	return test_dev(DEV, O_RDONLY);
}

int ns_open(unsigned int pid, unsigned int type, unsigned int flags);
int ns_ioctl(int fd, unsigned long cmd);
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

#endif /* NSFS_TEST_H */
