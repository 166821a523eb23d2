// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test vfs: mount -t mqueue_ns, one superblock per ipc
 * namespace, queues as files: open(2), unlink(2) and readdir on them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

/* vfs: mounts of the filesystem, in a private mount namespace. */
static char vfs_base[64];

static void vfs_body(void)
{
	char m1[96], m1b[96], m2[96], bad[96], path[128];
	struct mqns_attr old = { 0 };
	struct stat st, st2;
	int a, a2, b, b2, c, u, r;

	umask(0);
	snprintf(m1, sizeof(m1), "%s/m1", vfs_base);
	snprintf(m1b, sizeof(m1b), "%s/m1b", vfs_base);
	snprintf(m2, sizeof(m2), "%s/m2", vfs_base);
	snprintf(bad, sizeof(bad), "%s/bad", vfs_base);

	r = mount_mqns(m1, NULL);
	if (r)
		return fail("vfs: mount %s: %s", m1, ename(r));
	want_dir(m1, "", "vfs: new mount");
	r = mount_mqns(bad, "bogus");
	CHECK(r == -EINVAL, "vfs: mount -o bogus: %s, want EINVAL", ename(r));
	if (!r)
		umount2(bad, MNT_DETACH);

	/* By name through the device: a file in the mount. */
	a = mqns_open("a", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(a >= 0, "vfs: create a: %s", ename(a));
	want_dir(m1, "a", "vfs: after creating a by name");
	snprintf(path, sizeof(path), "%s/a", m1);
	CHECK(!stat(path, &st) && S_ISREG(st.st_mode) &&
	      (st.st_mode & 07777) == 0600 && st.st_uid == 0,
	      "vfs: stat %s: mode %o uid %u", path, st.st_mode,
	      (unsigned int)st.st_uid);
	a2 = open_at(m1, "a", O_RDWR, 0);
	CHECK(a2 >= 0, "vfs: open(2) %s/a: %s", m1, ename(a2));
	if (a >= 0 && a2 >= 0) {
		CHECK(!fstat(a, &st2) && st2.st_ino == st.st_ino &&
		      st2.st_dev == st.st_dev,
		      "vfs: the ioctl's fd and the file differ");
		pass_msg(a, a2, "via-ioctl", "vfs: ioctl fd to open(2) fd");
		pass_msg(a2, a, "via-open", "vfs: open(2) fd to ioctl fd");
		mqns_send(a, "12345", 5, 0, NULL);
		want_qsize(a2, 5, "vfs: read of the open(2) fd");
	}
	r = open_at(m1, "nonexistent", O_RDWR, 0);
	CHECK(r == -ENOENT, "vfs: open of a missing file: %s", ename(r));
	snprintf(path, sizeof(path), "%s/dir", m1);
	errno = 0;
	CHECK(mkdir(path, 0700) && errno == EPERM,
	      "vfs: mkdir in the mount: %m");

	/* By open(2) with O_CREAT: a queue with the defaults, found by name. */
	b = open_at(m1, "b", O_CREAT | O_RDWR, 0600);
	CHECK(b >= 0, "vfs: open(2) O_CREAT %s/b: %s", m1, ename(b));
	r = b < 0 ? b : mqns_getsetattr(b, NULL, &old);
	CHECK(!r && old.mq_maxmsg == 10 && old.mq_msgsize == 8192 &&
	      old.mq_curmsgs == 0 && old.mq_flags == 0,
	      "vfs: attr of b: %s %lld %lld %lld", ename(r),
	      (long long)old.mq_maxmsg, (long long)old.mq_msgsize,
	      (long long)old.mq_curmsgs);
	b2 = mqns_open("b", O_RDWR, 0, NULL);
	CHECK(b2 >= 0, "vfs: open b by name: %s", ename(b2));
	if (b >= 0 && b2 >= 0)
		pass_msg(b, b2, "made-by-open", "vfs: open(2) b to name b");
	want_dir(m1, "a,b", "vfs: after open(2) O_CREAT of b");
	r = open_at(m1, "b", O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(r == -EEXIST, "vfs: open(2) O_EXCL of b: %s", ename(r));
	closeif(r);
	r = mqns_open("b", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(r == -EEXIST, "vfs: O_EXCL of b by name: %s", ename(r));
	closeif(r);

	/* unlink(2) on the mount removes it from the namespace. */
	u = open_at(m1, "u", O_CREAT | O_RDWR, 0644);
	CHECK(u >= 0, "vfs: create u: %s", ename(u));
	snprintf(path, sizeof(path), "%s/u", m1);
	CHECK(!unlink(path), "vfs: unlink %s: %m", path);
	r = mqns_open("u", O_RDWR, 0, NULL);
	CHECK(r == -ENOENT, "vfs: u by name after unlink(2): %s", ename(r));
	closeif(r);
	r = mqns_unlink("u");
	CHECK(r == -ENOENT, "vfs: MQNS_IOC_UNLINK of u after unlink(2): %s",
	      ename(r));
	if (u >= 0)
		pass_msg(u, u, "unlinked", "vfs: fd of an unlinked queue");
	closeif(u);
	want_dir(m1, "a,b", "vfs: after unlink(2) of u");

	/* A second mount of the same namespace: the same superblock. */
	r = mount_mqns(m1b, NULL);
	CHECK(!r, "vfs: mount %s: %s", m1b, ename(r));
	want_dir(m1b, "a,b", "vfs: second mount, same ns");
	CHECK(!stat(m1, &st) && !stat(m1b, &st2) && st.st_dev == st2.st_dev,
	      "vfs: two mounts of one ns on different superblocks");

	/* A new ipc namespace: its own queues, its own superblock. */
	if (unshare(CLONE_NEWIPC))
		return fail("vfs: unshare(CLONE_NEWIPC): %m");
	c = mqns_open("c", O_CREAT | O_EXCL | O_RDWR, 0600, NULL);
	CHECK(c >= 0, "vfs: create c in the new ns: %s", ename(c));
	want_dir(m1, "a,b", "vfs: old ns's mount after creating c in the new");
	r = mqns_open("a", O_RDWR, 0, NULL);
	CHECK(r == -ENOENT, "vfs: a by name in the new ns: %s", ename(r));
	closeif(r);
	r = mount_mqns(m2, NULL);
	CHECK(!r, "vfs: mount %s in the new ns: %s", m2, ename(r));
	want_dir(m2, "c", "vfs: the new ns's mount");
	want_dir(m1, "a,b", "vfs: the old ns's mount");
	CHECK(!stat(m1, &st) && !stat(m2, &st2) && st.st_dev != st2.st_dev,
	      "vfs: two namespaces share a superblock");
	/* Old fds and old mounts still act on the old queues. */
	if (a >= 0 && a2 >= 0)
		pass_msg(a2, a, "old-ns", "vfs: old queue from the new ns");
	snprintf(path, sizeof(path), "%s/b", m1);
	CHECK(!unlink(path), "vfs: unlink %s: %m", path);
	want_dir(m1, "a", "vfs: after unlink(2) of b");
	want_dir(m1b, "a", "vfs: second mount after unlink(2) of b");
	if (b >= 0 && b2 >= 0)
		pass_msg(b2, b, "unlinked-b", "vfs: fds of unlinked b");

	closeif(a);
	closeif(a2);
	closeif(b);
	closeif(b2);
	closeif(c);
	CHECK(!umount(m1), "vfs: umount %s: %m", m1);
	CHECK(!umount(m1b), "vfs: umount %s: %m", m1b);
	CHECK(!umount(m2), "vfs: umount %s: %m", m2);
}

void test_vfs(void)
{
	char d[128];

	if (!make_tmpdir("mqvfs", vfs_base, sizeof(vfs_base)))
		return;
	sub_dir(d, sizeof(d), vfs_base, "m1");
	sub_dir(d, sizeof(d), vfs_base, "m1b");
	sub_dir(d, sizeof(d), vfs_base, "m2");
	sub_dir(d, sizeof(d), vfs_base, "bad");
	in_child("vfs", CLONE_NEWIPC | CLONE_NEWNS, vfs_body);
	for (const char *s = "m1\0m1b\0m2\0bad\0"; *s; s += strlen(s) + 1) {
		snprintf(d, sizeof(d), "%s/%s", vfs_base, s);
		CHECK(!rmdir(d), "rmdir %s: %m", d);
	}
	CHECK(!rmdir(vfs_base), "rmdir %s: %m", vfs_base);
}
