// SPDX-License-Identifier: GPL-2.0
/*
 * mqueue_ns_test hold, for mqueue_ns.sh: a queue in a fresh ipc ns until
 * stdin closes.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "mqueue_ns_test.h"

void test_hold(void)
{
	struct mqns_attr a = mk_attr(1, 128);
	int fd;
	char c;

	if (ipc_inum() == init_ipc_inum)
		return fail("hold: run me in a fresh ipc namespace (unshare -i)");
	fd = mqns_open("hold", O_CREAT | O_RDWR, 0600, &a);
	if (fd < 0)
		return fail("hold: create: %s", ename(fd));
	printf("ready %lu\n", ipc_inum());
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	close(fd);
}
