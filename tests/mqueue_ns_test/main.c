// SPDX-License-Identifier: GPL-2.0
/*
 * In-VM test of nsmods_mqueue_ns, run as root by tests/mqueue_ns.sh with the
 * module loaded.  The module is used only in fresh child ipc namespaces:
 * a namespace that used it pins the module until the namespace dies, and
 * the initial one never dies.
 *
 *   mqueue_ns_test order    the same sequence on upstream POSIX mq and on
 *                           ours, in one fresh ipc ns: results, errnos,
 *                           order, priorities, QSIZE lines must match
 *   mqueue_ns_test block    blocked receivers and senders are woken, poll,
 *                           a signal interrupts a blocked receive or send
 *   mqueue_ns_test vfs      mount -t mqueue_ns: one sb per ipc ns, queues
 *                           as files, open(2)/unlink(2)/readdir on them
 *   mqueue_ns_test limits   per-namespace limits, CAP_SYS_RESOURCE,
 *                           queues_max, RLIMIT_MSGQUEUE and the per-user
 *                           byte accounting in debugfs
 *   mqueue_ns_test nsdeath  a mount outlives its ipc ns: old queues work,
 *                           no new ones; the record goes with the sb
 *   mqueue_ns_test edge     an upstream mq fd outliving its ipc ns delays
 *                           what the module sees of the death
 *   mqueue_ns_test scm      a queue fd passed to another ipc ns over
 *                           SCM_RIGHTS still acts on its own queue
 *   mqueue_ns_test userns   who may mount and set limits: the owner of
 *                           the ipc ns, not any user ns root
 *   mqueue_ns_test stress   namespaces come and go while two threads poke
 *                           at their mounts; nothing may be left
 *   mqueue_ns_test hold     (for mqueue_ns.sh, in a fresh ipc ns) open a
 *                           queue, print "ready INUM", wait for EOF on
 *                           stdin
 *
 * Issue 12's cases, each run on upstream's mq as well where it can:
 *   owner    the queue directory belongs to the namespace's owner
 *   uffd     a receiver faulting on its buffer blocks nobody else
 *   pin      (in the initial ipc ns) calls that only look make no state
 *   cloexec  queue fds are close-on-exec
 *   restart  SA_RESTART restarts a blocked send or receive
 *   defaults default attributes clamped to the maxima
 *   errno    upstream's errno order and oflag handling
 *   statfs   the f_type of a mount
 *   limfile  /proc/fs/nsmods_mqueue_ns/, as /proc/sys/fs/mqueue/
 *   slack    no timer slack on timed calls
 *   capat    CAP_SYS_RESOURCE asked for only at a limit
 *   wakeone  one waiter woken, the message handed over
 *
 * Each case is in the file of its name.  Each prints "FAIL: ..." lines for
 * what went wrong and exits non-zero if anything did.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

unsigned long init_ipc_inum;

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		{ "order", test_order }, { "block", test_block },
		{ "vfs", test_vfs }, { "limits", test_limits },
		{ "nsdeath", test_nsdeath }, { "edge", test_edge },
		{ "scm", test_scm }, { "userns", test_userns },
		{ "stress", test_stress }, { "hold", test_hold },
		{ "owner", test_owner }, { "uffd", test_uffd },
		{ "pin", test_pin }, { "cloexec", test_cloexec },
		{ "restart", test_restart }, { "defaults", test_defaults },
		{ "errno", test_errno }, { "statfs", test_statfs },
		{ "limfile", test_limfile }, { "slack", test_slack },
		{ "capat", test_capat }, { "wakeone", test_wakeone },
	};
	const struct test_case *c = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2)
		c = find_case(cases, ARRAY_SIZE(cases), argv[1]);
	if (!c) {
		fprintf(stderr,
			"usage: %s CASE (see the case table)\n",
			argv[0]);
		return 2;
	}
	/*
	 * The initial ipc namespace is init's.  If init's cannot be looked
	 * at: the cases are started in it, so ours; "hold" is started by
	 * unshare -i from a shell in it, so our parent's.
	 */
	init_ipc_inum = ns_inum("/proc/1/ns/ipc");
	if (!init_ipc_inum) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)getppid());
		init_ipc_inum = strcmp(c->name, "hold") ? ipc_inum() :
				ns_inum(path);
	}
	if (!init_ipc_inum) {
		printf("FAIL: cannot tell the initial ipc namespace: %m\n");
		return 1;
	}
	c->fn();
	return case_verdict(c->name);
}
