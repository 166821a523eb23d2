// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test userns: who may mount and set limits: the owner of the
 * ipc namespace, not any user namespace's root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static char userns_dir[96];

static int write_maps(unsigned int outer)
{
	char map[32];
	int r;

	snprintf(map, sizeof(map), "0 %u 1", outer);
	r = write_file("/proc/self/setgroups", "deny");
	if (!r)
		r = write_file("/proc/self/uid_map", map);
	if (!r)
		r = write_file("/proc/self/gid_map", map);
	if (r)
		fail("userns: write the id maps: %s", ename(r));
	return r;
}

/* uid USER makes user, ipc and mount namespaces: it owns the ipc ns. */
static void userns_owner(void)
{
	static const struct mqns_limits l = { 300, 20, 4096, 4, 512, 0 };
	struct mqns_attr a;
	char path[128];
	struct stat st;
	int r, fd;

	if (become(USER))
		return;
	/* setresuid() made us non-dumpable: /proc/self would be root's. */
	if (prctl(PR_SET_DUMPABLE, 1))
		fail("userns: PR_SET_DUMPABLE: %m");
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWNS))
		return fail("userns: uid %d: unshare(USER|IPC|NS): %m (unprivileged_userns_clone?)",
			    USER);
	if (write_maps(USER))
		return;
	CHECK(getuid() == 0, "userns: not root in the new user ns");
	r = make_private();
	CHECK(!r, "userns: make / private: %s", ename(r));
	r = mount_mqns(userns_dir, NULL);
	CHECK(!r, "userns: owner of the ipc ns: mount: %s, want ok", ename(r));
	r = mqns_set_limits(&l);
	CHECK(!r, "userns: owner of the ipc ns: SET_LIMITS: %s, want ok",
	      ename(r));
	want_limits(&l, "userns: owner's limits");
	/* Its CAP_SYS_RESOURCE is not over init_user_ns: held to msg_max. */
	a = mk_attr(20, 64);
	fd = mqns_open("uq", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(fd >= 0, "userns: create 20x64, msg_max 20: %s", ename(fd));
	a = mk_attr(21, 64);
	r = mqns_open("uq2", O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	CHECK(r == -EINVAL, "userns: create 21x64, msg_max 20: %s, want EINVAL",
	      ename(r));
	closeif(r);
	if (!r) {
		want_dir(userns_dir, "uq", "userns: owner's mount");
		snprintf(path, sizeof(path), "%s/uq", userns_dir);
		CHECK(!stat(path, &st) && st.st_uid == 0 && st.st_gid == 0,
		      "userns: uq is not owned by the ns's root");
	}
	if (fd >= 0) {
		pass_msg(fd, fd, "in-userns", "userns: queue in the user's ns");
		close(fd);
	}
	r = mqns_unlink("uq");
	CHECK(!r, "userns: unlink: %s", ename(r));
	r = umount(userns_dir) ? -errno : 0;
	CHECK(!r, "userns: umount: %s", ename(r));
}

/* Root made the ipc ns (owned by init_user_ns); uid USER may not. */
static void userns_dropped(void)
{
	static const struct mqns_limits l = { 300, 20, 4096, 4, 512, 0 };
	int r;

	if (become(USER))
		return;
	r = mount_mqns(userns_dir, NULL);
	CHECK(r == -EPERM, "userns: uid %d in a root-made ipc ns: mount: %s, want EPERM",
	      USER, ename(r));
	if (!r)
		umount2(userns_dir, MNT_DETACH);
	r = mqns_set_limits(&l);
	CHECK(r == -EPERM, "userns: uid %d in a root-made ipc ns: SET_LIMITS: %s, want EPERM",
	      USER, ename(r));
	want_limits(&def_limits, "userns: GET as uid 1000");
}

/* Root of a new user ns that does not own the (fresh) ipc ns. */
static void userns_not_owner(void)
{
	static const struct mqns_limits l = { 300, 20, 4096, 4, 512, 0 };
	int r;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return fail("userns: unshare(USER|NS): %m");
	if (write_maps(0))
		return;
	r = make_private();
	CHECK(!r, "userns: make / private: %s", ename(r));
	r = mount_mqns(userns_dir, NULL);
	CHECK(r == -EPERM, "userns: root of a user ns not owning the ipc ns: mount: %s, want EPERM",
	      ename(r));
	if (!r)
		umount2(userns_dir, MNT_DETACH);
	r = mqns_set_limits(&l);
	CHECK(r == -EPERM,
	      "userns: root of a user ns not owning the ipc ns: SET_LIMITS: %s, want EPERM",
	      ename(r));

	/* The control: the same task, in an ipc ns its user ns owns. */
	if (unshare(CLONE_NEWIPC))
		return fail("userns: unshare(IPC) in the user ns: %m");
	r = mount_mqns(userns_dir, NULL);
	CHECK(!r, "userns: the same root, in an ipc ns it owns: mount: %s, want ok",
	      ename(r));
	if (!r)
		CHECK(!umount(userns_dir), "userns: umount: %m");
	r = mqns_set_limits(&l);
	CHECK(!r, "userns: the same root, in an ipc ns it owns: SET_LIMITS: %s",
	      ename(r));
}

void test_userns(void)
{
	char base[64];

	if (!make_tmpdir("mquserns", base, sizeof(base)))
		return;
	sub_dir(userns_dir, sizeof(userns_dir), base, "m");
	if (chmod(base, 0777) || chmod(userns_dir, 0777))
		fail("chmod: %m");
	in_child("userns: owner", 0, userns_owner);
	in_child("userns: dropped", CLONE_NEWIPC | CLONE_NEWNS, userns_dropped);
	in_child("userns: not owner", CLONE_NEWIPC, userns_not_owner);
	CHECK(!rmdir(userns_dir) && !rmdir(base), "userns: rmdir: %m");
}
