// SPDX-License-Identifier: GPL-2.0
/*
 * nsfs_test keepalive (item 4): a netns whose tasks all exited lives on
 * while our fd is open, with its sunrpc_ns state; it is freed when the fd
 * closes.  A veth peer in the netns shows when it dies: netns cleanup
 * deletes the pair.
 */
#define _GNU_SOURCE
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsfs_test.h"

#define VETH_A "nsfsA"
#define VETH_B "nsfsB"

static int state_field(const char *state, const char *name, unsigned long *v)
{
	const char *p = strstr(state, name);

	return p && sscanf(p + strlen(name), ": %lu", v) == 1 ? 0 : -1;
}

static int has_record(const char *type, unsigned long ino)
{
	char buf[8192], want[64];

	if (!read_file("/sys/kernel/debug/nsmods_nsfs/records", buf, sizeof(buf)))
		return -1;
	snprintf(want, sizeof(want), "%s %lu refs", type, ino);
	return !!strstr(buf, want);
}

void test_keepalive(void)
{
	char state[256], state2[256], cmd[128];
	unsigned long inum = 0, inst = 0, v;
	int rep[2], fd, real, i, gone;
	struct holder h;
	ino_t ino;
	pid_t c;

	/* A netns with one task, which reports the netns's sunrpc_ns state. */
	if (pipe(rep))
		return fail("pipe: %m");
	h = spawn_holder(CLONE_NEWNET);
	ino = proc_ns_ino(h.pid, "net");
	snprintf(cmd, sizeof(cmd), "/proc/%d/net/sunrpc_ns/state", h.pid);
	CHECK(read_file(cmd, state, sizeof(state)), "read %s: %m", cmd);
	CHECK(!state_field(state, "netns", &inum) && inum == ino &&
	      !state_field(state, "instance", &inst),
	      "sunrpc_ns state of the new netns: '%s'", state);

	fd = ns_open(h.pid, CLONE_NEWNET, 0);
	if (fd < 0) {
		release_holder(&h);
		return fail("open the netns: %s", strerror(-fd));
	}
	CHECK(fd_stat(fd).st_ino == ino, "st_ino is not the netns's");
	snprintf(cmd, sizeof(cmd),
		 "ip link add %s type veth peer name %s netns %d", VETH_A,
		 VETH_B, h.pid);
	CHECK(system(cmd) == 0, "%s failed", cmd);
	CHECK(if_nametoindex(VETH_A), "no %s", VETH_A);
	CHECK(has_record("net", ino) == 1, "no record for the netns");

	/* Its last task exits: only our fd holds the netns now. */
	release_holder(&h);
	for (i = 0; i < 30; i++) {
		usleep(100000);
		if (!if_nametoindex(VETH_A))
			break;
	}
	CHECK(if_nametoindex(VETH_A), "netns died with our fd open");

	/* Enter it the way round and read its state: the same instance. */
	real = ns_ioctl(fd, NSMODS_NSFS_GET_NSFS);
	CHECK(real >= 0 && fd_stat(real).st_ino == ino, "GET_NSFS: %d", real);
	c = fork();
	if (c == 0) {
		if (setns(real, CLONE_NEWNET))
			_exit(2);
		if (!read_file("/proc/self/net/sunrpc_ns/state", state2,
			       sizeof(state2)))
			_exit(3);
		if (state_field(state2, "netns", &v) || v != inum)
			_exit(4);
		if (state_field(state2, "instance", &v) || v != inst)
			_exit(5);
		_exit(0);
	}
	i = wait_child(c);
	CHECK(i == 0, "sunrpc_ns state of the kept netns: child said %d", i);
	close(real);

	/* Close it: the netns goes, and its veth pair with it. */
	close(fd);
	gone = 0;
	for (i = 0; i < 600 && !gone; i++) {
		usleep(100000);
		gone = !if_nametoindex(VETH_A);
	}
	CHECK(gone, "netns still alive 60 s after our fd closed");
	if (gone)
		printf("netns %lu kept by the fd, freed %.1f s after close\n",
		       inum, i / 10.0);
	else if (system("ip link del " VETH_A " 2>/dev/null"))
		fail("cannot delete %s", VETH_A);
	CHECK(has_record("net", ino) == 0, "record outlived its fd");
}
