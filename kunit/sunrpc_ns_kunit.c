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
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include <nsmods/sunrpc_ns.h>
#include "../pipefs/internal.h"
#include "../sunrpc_ns/internal.h"
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
		struct sns_net *sn = sns_net(net);

		KUNIT_EXPECT_PTR_EQ(test, sn->net, net);
		KUNIT_EXPECT_NOT_NULL(test, sn->proc_dir);
		KUNIT_EXPECT_GT(test, sn->instance, 0ULL);
		KUNIT_EXPECT_EQ(test, sn->nr_xprts, 0U);
		if (n < ARRAY_SIZE(seen))
			seen[n] = sn->instance;
		n++;
	}
	up_read(&net_rwsem);

	KUNIT_EXPECT_EQ(test, nsmods_settled_live(sns_live_nets),
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
	int live = nsmods_settled_live(sns_live_nets);
	struct sns_net *sn;
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
	sn = sns_net(net);
	KUNIT_EXPECT_PTR_EQ(test, sn->net, net);
	KUNIT_EXPECT_NOT_NULL(test, sn->proc_dir);
	KUNIT_EXPECT_EQ(test, sns_live_nets(), live + 1);

	put_net(net);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&tlog.done, 10 * HZ), 0UL);

	/* Devices first, then subsys in reverse registration order. */
	memset(order, 0, sizeof(order));
	for (i = 0, k = 0; i < tlog.n && k < 3; i++)
		if (!tlog.calls[i].init && tlog.calls[i].net == net)
			order[k++] = tlog.calls[i].op;
	KUNIT_EXPECT_STREQ(test, order, "DBA");
	KUNIT_EXPECT_TRUE(test, nsmods_wait_live(sns_live_nets, live));

	unregister_pernet_subsys(&op_b_ops);
	unregister_pernet_device(&op_d_ops);
	unregister_pernet_subsys(&op_a_ops);
}

static void pernet_new_net_unwinds(struct kunit *test)
{
	int live = nsmods_settled_live(sns_live_nets);
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
		KUNIT_EXPECT_EQ(test, sns_live_nets(), live);
	}

	op_f_registered = false;
	unregister_pernet_subsys(&op_f_ops);
	unregister_pernet_subsys(&op_a_ops);
	KUNIT_EXPECT_TRUE(test, nsmods_wait_live(sns_live_nets, live));
}
#endif /* !MODULE */

/* XDR, the call header and the reply parser (sunrpc_ns/xdr.c). */

static void sns_test_xdr_roundtrip(struct kunit *test)
{
	u8 data[16];
	struct sns_buf b = { .data = data, .len = sizeof(data) };
	const u8 *p;
	u32 v, n;

	memset(data, 0xaa, sizeof(data));
	KUNIT_EXPECT_EQ(test, sns_put_u32(&b, 0x01020304), 0);
	KUNIT_EXPECT_EQ(test, sns_put_opaque(&b, "abcde", 5), 0);
	KUNIT_EXPECT_EQ(test, b.pos, (size_t)16);
	/* big endian, and padding zeroed */
	KUNIT_EXPECT_EQ(test, data[0], 1);
	KUNIT_EXPECT_EQ(test, data[3], 4);
	KUNIT_EXPECT_EQ(test, data[7], 5);
	KUNIT_EXPECT_EQ(test, data[13], 0);
	KUNIT_EXPECT_EQ(test, data[15], 0);
	KUNIT_EXPECT_EQ(test, sns_put_u32(&b, 1), -EMSGSIZE);
	b.pos = 12;
	KUNIT_EXPECT_EQ(test, sns_put_opaque(&b, "x", 1), -EMSGSIZE);

	b.pos = 0;
	KUNIT_EXPECT_EQ(test, sns_get_u32(&b, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x01020304U);
	KUNIT_EXPECT_EQ(test, sns_get_opaque(&b, &p, &n, 5), 0);
	KUNIT_EXPECT_EQ(test, n, 5U);
	KUNIT_EXPECT_EQ(test, memcmp(p, "abcde", 5), 0);
	KUNIT_EXPECT_EQ(test, sns_get_u32(&b, &v), -EBADMSG);
	/* a length over the maximum, or past the end */
	b.pos = 4;
	KUNIT_EXPECT_EQ(test, sns_get_opaque(&b, &p, &n, 4), -EBADMSG);
	data[7] = 13;
	b.pos = 4;
	KUNIT_EXPECT_EQ(test, sns_get_opaque(&b, &p, &n, 100), -EBADMSG);
	data[4] = 0xff;
	b.pos = 4;
	KUNIT_EXPECT_EQ(test, sns_get_opaque(&b, &p, &n, U32_MAX), -EBADMSG);
}

static u32 sns_word(const u8 *data, int i)
{
	return get_unaligned_be32(data + 4 * i);
}

static void sns_test_encode_call(struct kunit *test)
{
	static const u32 gids[] = { 10, 20 };
	struct sns_cred cred = {
		.stamp = 7, .machine = "host-a", .uid = 1000, .gid = 100,
		.ngids = 2, .gids = gids,
	};
	u8 data[256];
	struct sns_buf b = { .data = data, .len = sizeof(data) };

	KUNIT_ASSERT_EQ(test, sns_encode_call(&b, 0x11, 100000, 4, 3, NULL), 0);
	KUNIT_EXPECT_EQ(test, b.pos, (size_t)40);
	KUNIT_EXPECT_EQ(test, sns_word(data, 0), 0x11U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 1), (u32)SNS_MSG_CALL);
	KUNIT_EXPECT_EQ(test, sns_word(data, 2), 2U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 3), 100000U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 4), 4U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 5), 3U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 6), (u32)SNS_AUTH_NONE);
	KUNIT_EXPECT_EQ(test, sns_word(data, 7), 0U);

	b.pos = 0;
	KUNIT_ASSERT_EQ(test, sns_encode_call(&b, 0x12, 99, 1, 1, &cred), 0);
	KUNIT_EXPECT_EQ(test, sns_word(data, 6), (u32)SNS_AUTH_SYS);
	/* stamp, "host-a" (4 + 8), uid, gid, 2 gids: 9 words */
	KUNIT_EXPECT_EQ(test, sns_word(data, 7), 36U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 8), 7U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 9), 6U);
	KUNIT_EXPECT_EQ(test, memcmp(data + 40, "host-a\0\0", 8), 0);
	KUNIT_EXPECT_EQ(test, sns_word(data, 12), 1000U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 13), 100U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 14), 2U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 16), 20U);
	KUNIT_EXPECT_EQ(test, sns_word(data, 17), (u32)SNS_AUTH_NONE);
	KUNIT_EXPECT_EQ(test, b.pos, (size_t)76);

	cred.ngids = SNS_MAX_GIDS + 1;
	b.pos = 0;
	KUNIT_EXPECT_EQ(test, sns_encode_call(&b, 1, 1, 1, 1, &cred), -EINVAL);
	/* no room */
	b.len = 20;
	b.pos = 0;
	KUNIT_EXPECT_EQ(test, sns_encode_call(&b, 1, 1, 1, 1, NULL), -EMSGSIZE);
}

/* A reply as words; @n of them. */
static int sns_reply(struct kunit *test, const u32 *w, int n, size_t *off)
{
	u8 *data = kunit_kzalloc(test, 4 * n + 4, GFP_KERNEL);
	int i;

	for (i = 0; i < n; i++)
		put_unaligned_be32(w[i], data + 4 * i);
	return sns_parse_reply(data, 4 * n, 0x55, off);
}

static void sns_test_parse_reply(struct kunit *test)
{
	/* xid, REPLY, ACCEPTED, verf AUTH_NONE 0, SUCCESS, result */
	u32 ok[] = { 0x55, 1, 0, 0, 0, 0, 42 };
	u32 w[16];
	size_t off = 0;
	int i;
	static const struct { u32 stat; int err; } acc[] = {
		{ 1, -EPFNOSUPPORT }, { 3, -EOPNOTSUPP }, { 4, -EINVAL },
		{ 5, -EREMOTEIO }, { 42, -EBADMSG },
	};

	KUNIT_EXPECT_EQ(test, sns_reply(test, ok, 7, &off), 0);
	KUNIT_EXPECT_EQ(test, off, (size_t)24);
	/* another call's reply */
	memcpy(w, ok, sizeof(ok));
	w[0] = 0x56;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 7, &off), -ESRCH);
	/* short: every truncation is refused */
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_EQ_MSG(test, sns_reply(test, ok, i, &off),
				    -EBADMSG, "%d words", i);
	/* a CALL, not a REPLY */
	memcpy(w, ok, sizeof(ok));
	w[1] = 0;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 7, &off), -EBADMSG);
	/* reply_stat out of range */
	w[1] = 1;
	w[2] = 2;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 7, &off), -EBADMSG);
	/* verifier: 1000 bytes claimed, 401 claimed, 8 claimed but short */
	memcpy(w, ok, sizeof(ok));
	w[4] = 1000;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 7, &off), -EBADMSG);
	w[4] = 401;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 7, &off), -EBADMSG);
	w[4] = 8;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 6, &off), -EBADMSG);
	/* a real 8-byte verifier */
	{
		u32 v8[] = { 0x55, 1, 0, 2, 8, 0xa, 0xb, 0, 9 };

		KUNIT_EXPECT_EQ(test, sns_reply(test, v8, 9, &off), 0);
		KUNIT_EXPECT_EQ(test, off, (size_t)32);
	}
	/* accept_stat values */
	for (i = 0; i < ARRAY_SIZE(acc); i++) {
		memcpy(w, ok, sizeof(ok));
		w[5] = acc[i].stat;
		KUNIT_EXPECT_EQ_MSG(test, sns_reply(test, w, 6, &off), acc[i].err,
				    "accept_stat %u", acc[i].stat);
	}
	/* PROG_MISMATCH carries low and high */
	memcpy(w, ok, sizeof(ok));
	w[5] = 2;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 6, &off), -EBADMSG);
	w[6] = 1;
	w[7] = 1;
	KUNIT_EXPECT_EQ(test, sns_reply(test, w, 8, &off), -EPROTONOSUPPORT);
	/* denied */
	{
		u32 d[] = { 0x55, 1, 1, 0, 2, 2 };

		KUNIT_EXPECT_EQ(test, sns_reply(test, d, 6, &off), -EPROTONOSUPPORT);
		KUNIT_EXPECT_EQ(test, sns_reply(test, d, 5, &off), -EBADMSG);
		d[3] = 1;
		KUNIT_EXPECT_EQ(test, sns_reply(test, d, 5, &off), -EACCES);
		KUNIT_EXPECT_EQ(test, sns_reply(test, d, 4, &off), -EBADMSG);
		d[3] = 7;
		KUNIT_EXPECT_EQ(test, sns_reply(test, d, 6, &off), -EBADMSG);
	}
}

static void sns_test_uaddr(struct kunit *test)
{
	static const struct { const char *s; int err; u16 port; } c[] = {
		{ "10.0.0.3.78.81", 0, 20049 },
		{ "fd00::3.0.111", 0, 111 },
		{ "::.255.255", 0, 65535 },
		{ "", 0, 0 },
		{ "10.0.0.3.256.1", -EBADMSG, 0 },
		{ "10.0.0.3.1.1000", -EBADMSG, 0 },
		{ "1.2", -EBADMSG, 0 },
		{ ".1.2", -EBADMSG, 0 },
		{ "10.0.0.3..5", -EBADMSG, 0 },
		{ "10.0.0.3.a.5", -EBADMSG, 0 },
		{ "10.0.0.3.1.", -EBADMSG, 0 },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		u16 port = 1;
		int err = sns_parse_uaddr(c[i].s, strlen(c[i].s), &port);

		KUNIT_EXPECT_EQ_MSG(test, err, c[i].err, "\"%s\"", c[i].s);
		if (!c[i].err)
			KUNIT_EXPECT_EQ_MSG(test, port, c[i].port, "\"%s\"", c[i].s);
	}
}

static void sns_test_record_and_backoff(struct kunit *test)
{
	bool last;
	u32 frag;

	KUNIT_EXPECT_EQ(test, sns_record_marker(0x80000010, 0, 100, &frag, &last), 0);
	KUNIT_EXPECT_TRUE(test, last);
	KUNIT_EXPECT_EQ(test, frag, 16U);
	KUNIT_EXPECT_EQ(test, sns_record_marker(0x10, 50, 100, &frag, &last), 0);
	KUNIT_EXPECT_FALSE(test, last);
	KUNIT_EXPECT_EQ(test, sns_record_marker(0x10, 90, 100, &frag, &last), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, sns_record_marker(0xffffffff, 0, 100, &frag, &last),
			-EMSGSIZE);

	KUNIT_EXPECT_EQ(test, sns_backoff(100, 0, 1000), 100UL);
	KUNIT_EXPECT_EQ(test, sns_backoff(100, 1, 1000), 200UL);
	KUNIT_EXPECT_EQ(test, sns_backoff(100, 3, 1000), 800UL);
	KUNIT_EXPECT_EQ(test, sns_backoff(100, 4, 1000), 1000UL);
	KUNIT_EXPECT_EQ(test, sns_backoff(100, 60, 1000), 1000UL);
	/* The longest first timeout a create accepts is never cut short. */
	KUNIT_EXPECT_EQ(test, sns_backoff(msecs_to_jiffies(SUNRPC_NS_MAX_TIMEOUT_MS),
					  0, SNS_TIMEO_MAX),
			msecs_to_jiffies(SUNRPC_NS_MAX_TIMEOUT_MS));
	KUNIT_EXPECT_EQ(test, sns_backoff(msecs_to_jiffies(1000), 10, SNS_TIMEO_MAX),
			msecs_to_jiffies(SUNRPC_NS_MAX_TIMEOUT_MS));
}

/* The service side parses what the client side encodes, and back. */
static void sns_test_service_roundtrip(struct kunit *test)
{
	static const u32 gids[] = { 5 };
	struct sns_cred cred = {
		.stamp = 1, .machine = "m", .uid = 2, .gid = 3,
		.ngids = 1, .gids = gids,
	};
	static const struct { u32 stat; bool denied; int err; } r[] = {
		{ SNS_SUCCESS, false, 0 },
		{ SNS_PROG_UNAVAIL, false, -EPFNOSUPPORT },
		{ SNS_PROG_MISMATCH, false, -EPROTONOSUPPORT },
		{ SNS_PROC_UNAVAIL, false, -EOPNOTSUPP },
		{ SNS_RPC_MISMATCH, true, -EPROTONOSUPPORT },
	};
	u8 data[256];
	struct sns_buf b = { .data = data, .len = sizeof(data) };
	struct sns_call_hdr h;
	size_t off;
	int i;

	KUNIT_ASSERT_EQ(test, sns_encode_call(&b, 77, 0x20000098, 1, 1, &cred), 0);
	KUNIT_ASSERT_EQ(test, sns_put_u32(&b, 0xabcd), 0);
	KUNIT_ASSERT_EQ(test, sns_parse_call(data, b.pos, &h), 0);
	KUNIT_EXPECT_EQ(test, h.xid, 77U);
	KUNIT_EXPECT_EQ(test, h.prog, 0x20000098U);
	KUNIT_EXPECT_EQ(test, h.vers, 1U);
	KUNIT_EXPECT_EQ(test, h.proc, 1U);
	KUNIT_EXPECT_EQ(test, h.flavor, (u32)SNS_AUTH_SYS);
	KUNIT_EXPECT_EQ(test, h.args_off, b.pos - 4);
	/* every truncation is malformed */
	for (i = 0; i < h.args_off; i += 4)
		KUNIT_EXPECT_EQ_MSG(test, sns_parse_call(data, i, &h), -EBADMSG,
				    "%d bytes", i);
	/* RPC version 3: answer RPC_MISMATCH */
	put_unaligned_be32(3, data + 8);
	KUNIT_EXPECT_EQ(test, sns_parse_call(data, b.pos, &h), -EPROTONOSUPPORT);
	/* a REPLY is not a call */
	put_unaligned_be32(1, data + 4);
	KUNIT_EXPECT_EQ(test, sns_parse_call(data, b.pos, &h), -EBADMSG);

	for (i = 0; i < ARRAY_SIZE(r); i++) {
		b.pos = 0;
		KUNIT_ASSERT_EQ(test, sns_encode_reply(&b, 9, r[i].stat, r[i].denied), 0);
		KUNIT_EXPECT_EQ_MSG(test, sns_parse_reply(data, b.pos, 9, &off),
				    r[i].err, "stat %u", r[i].stat);
		if (!r[i].err)
			KUNIT_EXPECT_EQ(test, off, b.pos);
	}
}

static struct kunit_case sns_xdr_cases[] = {
	KUNIT_CASE(sns_test_xdr_roundtrip),
	KUNIT_CASE(sns_test_encode_call),
	KUNIT_CASE(sns_test_parse_reply),
	KUNIT_CASE(sns_test_uaddr),
	KUNIT_CASE(sns_test_record_and_backoff),
	KUNIT_CASE(sns_test_service_roundtrip),
	{}
};

static struct kunit_suite sns_xdr_suite = {
	.name = "nsmods_sunrpc_ns_xdr",
	.test_cases = sns_xdr_cases,
};

/* rpc_pipefs: the downcall parsers and the host cache (pipefs.c). */

static void sns_test_gss_parse(struct kunit *test)
{
	static const char *const bad[] = {
		"", "\n", "seq=1 ok", "seq=1\x20\n", "seq= ok\n", "seq=x ok\n",
		"seq=01 ok\n", "seq=-1 ok\n", "seq=+1 ok\n", "SEQ=1 ok\n",
		"seq=1\n", "seq=4294967296 ok\n", "seq=1 o\tk\n",
		"seq=1 ok\n\n", "seq=1 ok\nx\n", "seq=1 \x7f\n",
		"seq=99999999999 ok\n", "seq=1\n x\n",
	};
	char answer[8];
	u32 seq;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, sns_gss_parse(bad[i], strlen(bad[i]),
							&seq, answer,
							sizeof(answer)),
				    -EINVAL, "input %d", i);
	/* An embedded NUL is not printable. */
	KUNIT_EXPECT_EQ(test, sns_gss_parse("seq=1 a\0b\n", 10, &seq, answer,
					    sizeof(answer)), -EINVAL);
	/* Exactly the room (NUL included) is too long; one less fits. */
	KUNIT_EXPECT_EQ(test, sns_gss_parse("seq=1 1234567\n", 14, &seq,
					    answer, sizeof(answer)), 0);
	KUNIT_EXPECT_STREQ(test, answer, "1234567");
	KUNIT_EXPECT_EQ(test, sns_gss_parse("seq=1 12345678\n", 15, &seq,
					    answer, sizeof(answer)), -EINVAL);
	KUNIT_EXPECT_EQ(test, sns_gss_parse("seq=4294967295 a b\n", 19, &seq,
					    answer, sizeof(answer)), 0);
	KUNIT_EXPECT_EQ(test, seq, 4294967295U);
	KUNIT_EXPECT_STREQ(test, answer, "a b");
	KUNIT_EXPECT_EQ(test, sns_gss_parse("seq=0 x\n", 8, &seq, answer,
					    sizeof(answer)), 0);
	KUNIT_EXPECT_EQ(test, seq, 0U);
}

static void sns_test_hc_parse(struct kunit *test)
{
	static const char *const bad[] = {
		"", "\n", "a 10.0.0.1 60", "a 10.0.0.1 60\n\n",
		"a  10.0.0.1 60\n", "a 10.0.0.1  60\n", " a 10.0.0.1 60\n",
		"a 10.0.0.1 60\x20\n", "a 10.0.0.1\n", "a\n", "a 10.0.0.1 0\n",
		"a 10.0.0.1 604801\n", "a 10.0.0.1 -1\n", "a 10.0.0.1 +5\n",
		"a 10.0.0.1 6x\n", "a 10.0.0.256 60\n", "a 10.0.0 60\n",
		"a 10.0.0.1x 60\n", "a fd00::1::2 60\n", "a fd00::g 60\n",
		"a/b 10.0.0.1 60\n", ".a 10.0.0.1 60\n", "-a 10.0.0.1 60\n",
		"a\tb 10.0.0.1 60\n", "a 10.0.0.1 99999999999\n",
		"a 10.0.0.1 60 extra\n",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 10.0.0.1 60\n",
	};
	struct sns_hc_reply r;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, sns_hc_parse(bad[i], strlen(bad[i]), &r),
				    -EINVAL, "input %d: %s", i, bad[i]);
	KUNIT_EXPECT_EQ(test, sns_hc_parse("a 10.0.0.1\0 60\n", 15, &r),
			-EINVAL);
	/* Issue 17: a NUL or a Latin-1 letter in the name. */
	KUNIT_EXPECT_EQ(test, sns_hc_parse("a\0b 10.0.0.1 60\n", 16, &r),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sns_hc_parse("a\xc0 10.0.0.1 60\n", 15, &r),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, sns_hc_name_ok("a\0b", 3));
	KUNIT_EXPECT_FALSE(test, sns_hc_name_ok("\xe9t\xe9", 3));
	KUNIT_EXPECT_FALSE(test, sns_hc_name_ok("a\xff", 2));
	KUNIT_EXPECT_TRUE(test, sns_hc_name_ok("Az09._-", 7));
	KUNIT_ASSERT_EQ(test, sns_hc_parse("srv-A.example_1 10.1.2.3 60\n", 28,
					   &r), 0);
	KUNIT_EXPECT_STREQ(test, r.name, "srv-A.example_1");
	KUNIT_EXPECT_EQ(test, r.family, (u32)AF_INET);
	KUNIT_EXPECT_EQ(test, r.ttl, 60U);
	KUNIT_EXPECT_EQ(test, r.addr[0], 10);
	KUNIT_EXPECT_EQ(test, r.addr[3], 3);
	KUNIT_ASSERT_EQ(test, sns_hc_parse("b fd00::3 604800\n", 17, &r), 0);
	KUNIT_EXPECT_EQ(test, r.family, (u32)AF_INET6);
	KUNIT_EXPECT_EQ(test, r.addr[0], 0xfd);
	KUNIT_EXPECT_EQ(test, r.addr[15], 3);
	KUNIT_EXPECT_EQ(test, r.ttl, 604800U);
}

static void hc_mntput(void *mnt)
{
	mntput(mnt);
}

static void hc_fput(void *file)
{
	__fput_sync(file);
}

static struct file *hc_open(struct kunit *test, struct vfsmount *mnt,
			    const char *path, int flags)
{
	struct file *file = file_open_root_mnt(mnt, path, flags, 0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, hc_fput, file),
			0);
	return file;
}

#define HC_DIR "cache/sunrpc_ns_hosts/"

/* The cache of init_net through its rpc_pipefs files. */
static void sns_test_hcache_channel(struct kunit *test)
{
	struct vfsmount *mnt = nspipefs_test_mount(&init_net);
	struct file *chan, *flush, *content;
	char buf[64] = "";
	loff_t pos = 0;
	u32 family;
	u8 addr[16];

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, hc_mntput, mnt),
			0);
	/* Issue 17: no helper reads the channel: fails at once. */
	KUNIT_EXPECT_EQ(test, sns_hcache_resolve(&init_net, "kunit-nobody",
						 60 * HZ, &family, addr),
			-EPIPE);
	chan = hc_open(test, mnt, HC_DIR "channel", O_RDWR | O_NONBLOCK);
	flush = hc_open(test, mnt, HC_DIR "flush", O_WRONLY);

	/* Unknown: a request goes out, the resolver times out. */
	KUNIT_EXPECT_EQ(test, sns_hcache_resolve(&init_net, "kunit-host", 1,
						 &family, addr), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, kernel_read(chan, buf, 4, &pos), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, kernel_read(chan, buf, sizeof(buf) - 1, &pos), 11);
	KUNIT_EXPECT_STREQ(test, buf, "kunit-host\n");
	KUNIT_EXPECT_EQ(test, kernel_read(chan, buf, sizeof(buf), &pos),
			-EAGAIN);

	/* Hostile answers change nothing. */
	KUNIT_EXPECT_EQ(test, kernel_write(chan, "kunit-host 1.2.3 60\n", 20,
					   &pos), -EINVAL);
	KUNIT_EXPECT_EQ(test, sns_hcache_resolve(&init_net, "kunit-host", 1,
						 &family, addr), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, kernel_write(chan, "kunit-host 10.9.8.7 60\n",
					   23, &pos), 23);
	KUNIT_EXPECT_EQ(test, sns_hcache_resolve(&init_net, "kunit-host", 1,
						 &family, addr), 0);
	KUNIT_EXPECT_EQ(test, family, (u32)AF_INET);
	KUNIT_EXPECT_EQ(test, addr[0], 10);
	KUNIT_EXPECT_EQ(test, addr[3], 7);

	content = hc_open(test, mnt, HC_DIR "content", O_RDONLY);
	memset(buf, 0, sizeof(buf));
	pos = 0;
	KUNIT_EXPECT_GT(test, kernel_read(content, buf, sizeof(buf) - 1, &pos),
			0);
	KUNIT_EXPECT_TRUE_MSG(test, !strncmp(buf, "kunit-host 10.9.8.7 ", 20),
			      "content: %s", buf);

	/* Flushed: asked again. */
	KUNIT_EXPECT_EQ(test, kernel_write(flush, "x\n", 2, &pos), -EINVAL);
	KUNIT_EXPECT_EQ(test, kernel_write(flush, "1\n", 2, &pos), 2);
	KUNIT_EXPECT_EQ(test, sns_hcache_resolve(&init_net, "kunit-host", 1,
						 &family, addr), -ETIMEDOUT);
	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, kernel_read(chan, buf, sizeof(buf) - 1, &pos), 11);
}

/* Every namespace has a cache; a new one gets its own, made on mount. */
static void sns_test_hcache_per_net(struct kunit *test)
{
	struct net *net;
	int n = 0;

	down_read(&net_rwsem);
	for_each_net(net) {
		KUNIT_EXPECT_NOT_NULL(test, sns_net(net)->hcache);
		n++;
	}
	up_read(&net_rwsem);
	KUNIT_EXPECT_GT(test, n, 0);
#ifndef MODULE
	{
		int live = nsmods_settled_live(sns_live_nets);
		struct vfsmount *mnt;
		struct file *file;

		net = copy_net_ns(CLONE_NEWNET, &init_user_ns, &init_net);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, net);
		KUNIT_EXPECT_NOT_NULL(test, sns_net(net)->hcache);
		KUNIT_EXPECT_PTR_NE(test, sns_net(net)->hcache,
				    sns_net(&init_net)->hcache);
		mnt = nspipefs_test_mount(net);
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, mnt);
		if (!IS_ERR(mnt)) {
			file = file_open_root_mnt(mnt, HC_DIR "content",
						  O_RDONLY, 0);
			KUNIT_EXPECT_NOT_ERR_OR_NULL(test, file);
			if (!IS_ERR(file))
				__fput_sync(file);
			mntput(mnt);
		}
		put_net(net);
		/* Its pernet exit ran: the cache went with it. */
		KUNIT_EXPECT_TRUE(test, nsmods_wait_live(sns_live_nets,
							 live));
	}
#endif
}

static struct kunit_case sns_pipefs_cases[] = {
	KUNIT_CASE(sns_test_gss_parse),
	KUNIT_CASE(sns_test_hc_parse),
	KUNIT_CASE(sns_test_hcache_channel),
	KUNIT_CASE(sns_test_hcache_per_net),
	{}
};

static struct kunit_suite sns_pipefs_suite = {
	.name = "nsmods_sunrpc_ns_pipefs",
	.test_cases = sns_pipefs_cases,
};

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
	.name = "nsmods_sunrpc_ns",
	.test_cases = sunrpc_ns_cases,
};

kunit_test_suites(&sunrpc_ns_suite, &sns_xdr_suite, &sns_pipefs_suite);

MODULE_DESCRIPTION("KUnit tests for sunrpc_ns");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
