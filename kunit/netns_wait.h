/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Namespace counting shared by the nsmods KUnit suites.  A network
 * namespace dropped by a test is unlisted at once but torn down later by a
 * worker, so a module's count of namespaces holding its state settles only
 * after that worker ran.
 */
#ifndef _NSMODS_KUNIT_NETNS_WAIT_H
#define _NSMODS_KUNIT_NETNS_WAIT_H

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

/* Number of namespaces on the namespace list. */
static inline int nsmods_listed_nets(void)
{
	struct net *net;
	int n = 0;

	down_read(&net_rwsem);
	for_each_net(net)
		n++;
	up_read(&net_rwsem);
	return n;
}

/* Wait up to 10 s for live() to reach @want; false if it never did. */
static inline bool nsmods_wait_live(int (*live)(void), int want)
{
	unsigned long end = jiffies + 10 * HZ;

	while (live() != want) {
		if (time_after(jiffies, end))
			return false;
		msleep(20);
	}
	return true;
}

/*
 * live() once every namespace it counts is listed and the count has held
 * still for 0.5 s (10 s at most).  A namespace put just before stays listed
 * until the cleanup worker runs, which a loaded machine runs late: equal
 * counts alone were taken while such a namespace was still to go.
 */
static inline int nsmods_settled_live(int (*live)(void))
{
	unsigned long end = jiffies + 10 * HZ;
	int n, last = -1, still = 0;

	for (;;) {
		n = live();
		if (n == nsmods_listed_nets() && n == last)
			still++;
		else
			still = 0;
		last = n;
		if (still >= 25 || time_after(jiffies, end))
			return n;
		msleep(20);
	}
}

#endif /* _NSMODS_KUNIT_NETNS_WAIT_H */
