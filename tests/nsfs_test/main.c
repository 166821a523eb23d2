// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM test of nsmods_nsfs, run as root by tests/nsfs.sh with the module
 * (and sunrpc_ns, for "keepalive") loaded:
 *
 *   nsfs_test fs         the filesystem: not mountable, fds pin the module
 *   nsfs_test basic      every type, inode numbers, ioctls, bad input
 *   nsfs_test perm       the permission rule of /proc/PID/ns
 *   nsfs_test keepalive  an fd keeps a netns (and its pernet state) alive
 *   nsfs_test scm        the fd crosses namespaces over SCM_RIGHTS
 *   nsfs_test setns      setns(2) and bind mounts refuse our fds cleanly;
 *                        NSMODS_NSFS_GET_NSFS is the way round
 *   nsfs_test opath      an O_PATH holder makes unload fail, not hang
 *                        (leaves the module unloaded)
 *   nsfs_test race       load, open, close, unload in rounds while
 *                        tests/nsfs_unload.sh syncs and drops caches
 *   nsfs_test iface      the kernel's NS_GET_* ioctls on our fds
 *   nsfs_test children   pid_for_children and time_for_children
 *   nsfs_test noproc     pidfd opens with no procfs mounted
 *   nsfs_test iface_perm the new operations as uid 65534 and as root of
 *                        a user namespace owned by 65534
 *   nsfs_test scale      the get path's time at 10, 1000, 10000 namespaces
 *
 * Each case is in the file of its name.  Each prints "FAIL: ..." lines for
 * what went wrong and exits non-zero if anything did.
 */
#include <stdio.h>

#include "nsfs_test.h"

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		{ "fs", test_fs }, { "basic", test_basic }, { "perm", test_perm },
		{ "keepalive", test_keepalive }, { "scm", test_scm },
		{ "setns", test_setns }, { "opath", test_opath },
		{ "race", test_race }, { "iface", test_iface },
		{ "children", test_children }, { "noproc", test_noproc },
		{ "iface_perm", test_iface_perm }, { "scale", test_scale },
	};
	const struct test_case *c = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2)
		c = find_case(cases, ARRAY_SIZE(cases), argv[1]);
	if (!c) {
		fprintf(stderr,
			"usage: %s fs|basic|perm|keepalive|scm|setns|opath|race|iface|\n"
			"       children|noproc|iface_perm|scale\n",
			argv[0]);
		return 2;
	}
	c->fn();
	return case_verdict(c->name);
}
