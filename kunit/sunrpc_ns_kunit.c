// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for sunrpc_ns and for the pernet_operations rules it relies
 * on: init for every existing namespace at registration, exit for every
 * namespace at unregistration, init in registration order (subsys before
 * device) on creation, exit in reverse on destruction, errors unwound.
 *
 * Creating a network namespace from kernel code needs copy_net_ns(), which
 * is not exported: the cases that create namespaces exist only when this
 * suite is built into the kernel (kunit.py on UML).  The module build runs
 * the cases that work on the namespaces that already exist.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include <nsmods/sunrpc_ns.h>
#include "netns_wait.h"

#define LOG_MAX 64

/* One call of a test pernet op. */
struct call {
	char op;		/* which test op: 'A', 'B', 'D', 'F' */
	bool init;		/* init (true) or exit (false) */
	const struct net *net;
};

/*
 * Record of test op calls.  pernet callbacks are serialised by the pernet
 * core; the test reads the log only after the call that made the entries
 * returned, or after waiting on @done.
 */
static struct {
	struct call calls[LOG_MAX];
	int n;
	char done_op;		/* exit of this op completes @done */
	struct completion done;
	const struct net *fail_net;	/* 'F' init fails for this net... */
	bool fail_new;		/* ...or for every net made after registration */
} tlog;

static void log_call(char op, bool init, const struct net *net)
{
	if (tlog.n < LOG_MAX)
		tlog.calls[tlog.n++] = (struct call){ op, init, net };
	if (!init && op == tlog.done_op)
		complete(&tlog.done);
}

static void log_reset(void)
{
	tlog.n = 0;
	tlog.done_op = 0;
	tlog.fail_net = NULL;
	tlog.fail_new = false;
	init_completion(&tlog.done);
}

#define DEFINE_TEST_OP(name, letter)					\
static const char name##_letter = (letter);				\
static int __net_init name##_init(struct net *net)			\
{									\
	log_call(name##_letter, true, net);				\
	return 0;							\
}									\
static void __net_exit name##_exit(struct net *net)			\
{									\
	log_call(name##_letter, false, net);				\
}									\
static struct pernet_operations name##_ops = {				\
	.init = name##_init,						\
	.exit = name##_exit,						\
}

DEFINE_TEST_OP(op_a, 'A');
#ifndef MODULE
DEFINE_TEST_OP(op_b, 'B');
DEFINE_TEST_OP(op_d, 'D');
#endif

static bool op_f_registered;

static int __net_init op_f_init(struct net *net)
{
	log_call('F', true, net);
	if (net == tlog.fail_net || (tlog.fail_new && op_f_registered))
		return -EADDRINUSE;
	return 0;
}

static void __net_exit op_f_exit(struct net *net)
{
	log_call('F', false, net);
}

static struct pernet_operations op_f_ops = {
	.init = op_f_init,
	.exit = op_f_exit,
};

/* Count the namespaces and remember the last one in the list. */
static int count_nets(struct net **last)
{
	struct net *net;
	int n = 0;

	down_read(&net_rwsem);
	for_each_net(net) {
		n++;
		if (last)
			*last = net;
	}
	up_read(&net_rwsem);
	return n;
}

static int count_calls(char op, bool init, const struct net *net)
{
	int i, n = 0;

	for (i = 0; i < tlog.n; i++)
		if (tlog.calls[i].op == op && tlog.calls[i].init == init &&
		    (!net || tlog.calls[i].net == net))
			n++;
	return n;
}

static void sunrpc_ns_every_net_has_state(struct kunit *test)
{
	u64 seen[16];
	int n = 0, i, j;
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net) {
		struct sunrpc_ns_net *sn = sunrpc_ns_net(net);

		KUNIT_EXPECT_PTR_EQ(test, sn->net, net);
		KUNIT_EXPECT_NOT_NULL(test, sn->proc_dir);
		KUNIT_EXPECT_GT(test, sn->instance, 0ULL);
		KUNIT_EXPECT_EQ(test, sn->nr_xprts, 0U);
		if (n < ARRAY_SIZE(seen))
			seen[n] = sn->instance;
		n++;
	}
	up_read(&net_rwsem);

	KUNIT_EXPECT_EQ(test, nsmods_settled_live(sunrpc_ns_live_nets),
			count_nets(NULL));
	for (i = 0; i < min_t(int, n, ARRAY_SIZE(seen)); i++)
		for (j = i + 1; j < min_t(int, n, ARRAY_SIZE(seen)); j++)
			KUNIT_EXPECT_NE(test, seen[i], seen[j]);
}

static void pernet_register_inits_every_net(struct kunit *test)
{
	int nets = count_nets(NULL);

	log_reset();
	KUNIT_ASSERT_EQ(test, register_pernet_subsys(&op_a_ops), 0);
	KUNIT_EXPECT_EQ(test, count_calls('A', true, NULL), nets);
	KUNIT_EXPECT_EQ(test, count_calls('A', false, NULL), 0);
	KUNIT_EXPECT_EQ(test, count_calls('A', true, &init_net), 1);

	unregister_pernet_subsys(&op_a_ops);
	KUNIT_EXPECT_EQ(test, count_calls('A', false, NULL), nets);
	KUNIT_EXPECT_EQ(test, count_calls('A', false, &init_net), 1);
	KUNIT_EXPECT_EQ(test, tlog.n, 2 * nets);
}

static void pernet_register_unwinds_on_error(struct kunit *test)
{
	struct net *last = NULL;
	int nets = count_nets(&last);
	int err;

	log_reset();
	/* Fail for the last namespace: every earlier one must be undone. */
	tlog.fail_net = last;
	err = register_pernet_subsys(&op_f_ops);
	KUNIT_EXPECT_EQ(test, err, -EADDRINUSE);
	if (!err) {
		unregister_pernet_subsys(&op_f_ops);
		return;
	}
	KUNIT_EXPECT_EQ(test, count_calls('F', true, NULL), nets);
	KUNIT_EXPECT_EQ(test, count_calls('F', false, NULL), nets - 1);
	KUNIT_EXPECT_EQ(test, count_calls('F', false, last), 0);

	/* A failed registration leaves nothing registered behind it. */
	log_reset();
	KUNIT_ASSERT_EQ(test, register_pernet_subsys(&op_f_ops), 0);
	unregister_pernet_subsys(&op_f_ops);
	KUNIT_EXPECT_EQ(test, count_calls('F', true, NULL), nets);
	KUNIT_EXPECT_EQ(test, count_calls('F', false, NULL), nets);
}

#ifndef MODULE
/*
 * Built-in only: make and drop a network namespace owned by init_user_ns,
 * as unshare(CLONE_NEWNET) would.
 */
static struct net *make_net(void)
{
	return copy_net_ns(CLONE_NEWNET, &init_user_ns, &init_net);
}

static void pernet_new_net_order(struct kunit *test)
{
	int live = nsmods_settled_live(sunrpc_ns_live_nets);
	struct sunrpc_ns_net *sn;
	char order[8] = {};
	struct net *net;
	int i, k = 0;

	log_reset();
	KUNIT_ASSERT_EQ(test, register_pernet_subsys(&op_a_ops), 0);
	KUNIT_ASSERT_EQ(test, register_pernet_device(&op_d_ops), 0);
	KUNIT_ASSERT_EQ(test, register_pernet_subsys(&op_b_ops), 0);

	log_reset();
	tlog.done_op = 'A';
	net = make_net();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, net);

	/* Subsys in registration order, then devices. */
	for (i = 0; i < tlog.n && k < 3; i++)
		if (tlog.calls[i].init && tlog.calls[i].net == net)
			order[k++] = tlog.calls[i].op;
	KUNIT_EXPECT_STREQ(test, order, "ABD");

	/* Our own state exists in the new namespace. */
	sn = sunrpc_ns_net(net);
	KUNIT_EXPECT_PTR_EQ(test, sn->net, net);
	KUNIT_EXPECT_NOT_NULL(test, sn->proc_dir);
	KUNIT_EXPECT_EQ(test, sunrpc_ns_live_nets(), live + 1);

	put_net(net);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&tlog.done, 10 * HZ), 0UL);

	/* Devices first, then subsys in reverse registration order. */
	memset(order, 0, sizeof(order));
	for (i = 0, k = 0; i < tlog.n && k < 3; i++)
		if (!tlog.calls[i].init && tlog.calls[i].net == net)
			order[k++] = tlog.calls[i].op;
	KUNIT_EXPECT_STREQ(test, order, "DBA");
	KUNIT_EXPECT_TRUE(test, nsmods_wait_live(sunrpc_ns_live_nets, live));

	unregister_pernet_subsys(&op_b_ops);
	unregister_pernet_device(&op_d_ops);
	unregister_pernet_subsys(&op_a_ops);
}

static void pernet_new_net_unwinds(struct kunit *test)
{
	int live = nsmods_settled_live(sunrpc_ns_live_nets);
	struct net *net;

	log_reset();
	tlog.fail_new = true;
	KUNIT_ASSERT_EQ(test, register_pernet_subsys(&op_a_ops), 0);
	op_f_registered = false;
	KUNIT_ASSERT_EQ(test, register_pernet_subsys(&op_f_ops), 0);
	op_f_registered = true;

	log_reset();
	tlog.fail_new = true;
	net = make_net();
	KUNIT_EXPECT_TRUE(test, IS_ERR(net));
	if (!IS_ERR(net)) {
		put_net(net);
	} else {
		KUNIT_EXPECT_EQ(test, PTR_ERR(net), -EADDRINUSE);
		/* A and sunrpc_ns ran and were undone; F failed, no exit. */
		KUNIT_EXPECT_EQ(test, count_calls('A', true, NULL), 1);
		KUNIT_EXPECT_EQ(test, count_calls('A', false, NULL), 1);
		KUNIT_EXPECT_EQ(test, count_calls('F', true, NULL), 1);
		KUNIT_EXPECT_EQ(test, count_calls('F', false, NULL), 0);
		KUNIT_EXPECT_EQ(test, sunrpc_ns_live_nets(), live);
	}

	op_f_registered = false;
	unregister_pernet_subsys(&op_f_ops);
	unregister_pernet_subsys(&op_a_ops);
	KUNIT_EXPECT_TRUE(test, nsmods_wait_live(sunrpc_ns_live_nets, live));
}
#endif /* !MODULE */

static struct kunit_case sunrpc_ns_cases[] = {
	KUNIT_CASE(sunrpc_ns_every_net_has_state),
	KUNIT_CASE(pernet_register_inits_every_net),
	KUNIT_CASE(pernet_register_unwinds_on_error),
#ifndef MODULE
	KUNIT_CASE(pernet_new_net_order),
	KUNIT_CASE(pernet_new_net_unwinds),
#endif
	{}
};

static struct kunit_suite sunrpc_ns_suite = {
	.name = "sunrpc_ns",
	.test_cases = sunrpc_ns_cases,
};

kunit_test_suite(sunrpc_ns_suite);

MODULE_DESCRIPTION("KUnit tests for sunrpc_ns");
MODULE_LICENSE("GPL");
