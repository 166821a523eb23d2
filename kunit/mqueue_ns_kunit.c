// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for nsmods_mqueue_ns: the queue (priority order, FIFO within a
 * priority, sizes), attribute and limit checks, per-user accounting, and,
 * built in (where copy_ipcs() can make namespaces), the record lifetime:
 * one record per namespace, death seen when the namespace is freed, the
 * internal mount dropped after it.
 *
 * The record cases are built-in only: from a module, the only namespace a
 * KUnit thread has is init_ipc_ns, whose record would pin the module.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/ipc_namespace.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <nsmods/mqueue_ns.h>

static void mqns_put_msgs(struct kunit *test, struct mqns_queue *q,
			  const unsigned int *prios, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct mqns_msg_buf *msg = mqns_msg_alloc(2, prios[i]);

		KUNIT_ASSERT_NOT_NULL(test, msg);
		/* payload: priority and arrival order */
		msg->data[0] = prios[i];
		msg->data[1] = i;
		KUNIT_ASSERT_EQ(test, mqns_queue_insert(q, msg), 0);
	}
}

static void mqns_test_prio_order(struct kunit *test)
{
	static const unsigned int prios[] = { 1, 5, 1, 3, 5, 0, 32767 };
	/* arrival index expected at each receive */
	static const int order[] = { 6, 1, 4, 3, 0, 2, 5 };
	struct mqns_queue q;
	int i;

	mqns_queue_init(&q, 16, 64);
	mutex_lock(&q.lock);
	mqns_put_msgs(test, &q, prios, ARRAY_SIZE(prios));
	KUNIT_EXPECT_EQ(test, q.curmsgs, (long)ARRAY_SIZE(prios));
	KUNIT_EXPECT_EQ(test, q.qsize, 2 * ARRAY_SIZE(prios));
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		struct mqns_msg_buf *msg = mqns_queue_peek(&q);

		KUNIT_ASSERT_NOT_NULL(test, msg);
		KUNIT_EXPECT_EQ(test, (int)msg->data[1], order[i]);
		KUNIT_EXPECT_EQ(test, msg->prio, prios[order[i]]);
		mqns_queue_remove(&q, msg);
		mqns_msg_free(msg);
	}
	KUNIT_EXPECT_NULL(test, mqns_queue_peek(&q));
	KUNIT_EXPECT_EQ(test, q.curmsgs, 0L);
	KUNIT_EXPECT_EQ(test, q.qsize, 0UL);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&q.prios));
	mutex_unlock(&q.lock);
	mqns_queue_destroy(&q);
}

/* Interleaved sends and receives keep FIFO order within a priority. */
static void mqns_test_fifo_interleaved(struct kunit *test)
{
	struct mqns_queue q;
	int i, next = 0;

	mqns_queue_init(&q, 8, 8);
	mutex_lock(&q.lock);
	for (i = 0; i < 100; i++) {
		struct mqns_msg_buf *msg = mqns_msg_alloc(1, 7);

		KUNIT_ASSERT_NOT_NULL(test, msg);
		msg->data[0] = i;
		KUNIT_ASSERT_EQ(test, mqns_queue_insert(&q, msg), 0);
		if (i % 3 == 2) {
			while ((msg = mqns_queue_peek(&q))) {
				KUNIT_EXPECT_EQ(test, (int)(u8)msg->data[0], next);
				next++;
				mqns_queue_remove(&q, msg);
				mqns_msg_free(msg);
			}
		}
	}
	mutex_unlock(&q.lock);
	/* Whatever is left goes with the queue (kmemleak checks). */
	KUNIT_EXPECT_EQ(test, q.curmsgs, 1L);
	mqns_queue_destroy(&q);
}

static void mqns_test_qsize_line(struct kunit *test)
{
	static const unsigned int prios[] = { 2, 9 };
	static const char want[] =
		"QSIZE:4          NOTIFY:0     SIGNO:0     NOTIFY_PID:0";
	struct mqns_queue q;
	char line[96];
	int len;

	mqns_queue_init(&q, 4, 16);
	mutex_lock(&q.lock);
	mqns_put_msgs(test, &q, prios, ARRAY_SIZE(prios));
	mutex_unlock(&q.lock);
	len = mqns_qsize_line(&q, line, sizeof(line));
	/* Upstream's widths: %-10lu, %-5d, %-5d, %-6d, then a newline. */
	KUNIT_EXPECT_EQ(test, len, 60);
	KUNIT_EXPECT_EQ(test, len, (int)strlen(line));
	KUNIT_EXPECT_EQ(test, strncmp(line, want, strlen(want)), 0);
	KUNIT_EXPECT_EQ(test, strspn(line + 54, " "), (size_t)5);
	KUNIT_EXPECT_EQ(test, line[59], '\n');
	mqns_queue_destroy(&q);
}

struct mqns_attr_case {
	long maxmsg, msgsize;
	bool privileged;
	int err;
};

static void mqns_test_attr_check(struct kunit *test)
{
	static const struct mqns_attr_case cases[] = {
		{ 10, 8192, false, 0 },
		{ 11, 8192, false, -EINVAL },	/* over msg_max */
		{ 10, 8193, false, -EINVAL },	/* over msgsize_max */
		{ 11, 8193, true, 0 },
		{ 0, 10, false, -EINVAL },
		{ 10, 0, true, -EINVAL },
		{ -1, 10, true, -EINVAL },
		{ 10, -5, false, -EINVAL },
		{ MQNS_HARD_MSGMAX, MQNS_HARD_MSGSIZEMAX, true, 0 },
		{ MQNS_HARD_MSGMAX + 1, 1, true, -EINVAL },
		{ 1, MQNS_HARD_MSGSIZEMAX + 1, true, -EINVAL },
	};
	struct mqns_nslimits lim;
	int i;

	mqns_limits_default(&lim);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct mqns_attr a = {
			.mq_maxmsg = cases[i].maxmsg,
			.mq_msgsize = cases[i].msgsize,
		};

		KUNIT_EXPECT_EQ_MSG(test, mqns_attr_check(&lim, &a, cases[i].privileged),
				    cases[i].err, "case %d", i);
	}
}

static void mqns_test_limits_check(struct kunit *test)
{
	struct mqns_limits l = {
		.queues_max = 256, .msg_max = 10, .msgsize_max = 8192,
		.msg_default = 10, .msgsize_default = 8192,
	};
	struct mqns_limits b;

	KUNIT_EXPECT_EQ(test, mqns_limits_check(&l), 0);
	b = l;
	b.msg_max = 0;
	KUNIT_EXPECT_EQ(test, mqns_limits_check(&b), -EINVAL);
	b = l;
	b.msg_max = MQNS_HARD_MSGMAX + 1;
	KUNIT_EXPECT_EQ(test, mqns_limits_check(&b), -EINVAL);
	b = l;
	b.msgsize_max = MQNS_MIN_MSGSIZEMAX - 1;
	KUNIT_EXPECT_EQ(test, mqns_limits_check(&b), -EINVAL);
	b = l;
	b.msgsize_default = MQNS_HARD_MSGSIZEMAX + 1;
	KUNIT_EXPECT_EQ(test, mqns_limits_check(&b), -EINVAL);
	b = l;
	b.queues_max = U32_MAX;	/* unbounded, as upstream's sysctl */
	KUNIT_EXPECT_EQ(test, mqns_limits_check(&b), 0);
	b = l;
	b.queues_max = 0;	/* allowed: only privileged users create */
	KUNIT_EXPECT_EQ(test, mqns_limits_check(&b), 0);
}

/* Without attributes: the defaults, clamped to the maxima (upstream). */
static void mqns_test_attr_default(struct kunit *test)
{
	struct mqns_nslimits lim;
	struct mqns_attr a;

	mqns_limits_default(&lim);
	mqns_attr_default(&lim, &a);
	KUNIT_EXPECT_EQ(test, a.mq_maxmsg, 10);
	KUNIT_EXPECT_EQ(test, a.mq_msgsize, 8192);
	lim.msg_max = 5;
	lim.msgsize_max = 1024;
	mqns_attr_default(&lim, &a);
	KUNIT_EXPECT_EQ(test, a.mq_maxmsg, 5);
	KUNIT_EXPECT_EQ(test, a.mq_msgsize, 1024);
	KUNIT_EXPECT_EQ(test, a.mq_flags, 0);
	KUNIT_EXPECT_EQ(test, a.mq_curmsgs, 0);
}

/* Waiters: the highest task priority first, the longest waiter first. */
static void mqns_test_waiter_order(struct kunit *test)
{
	struct task_struct *t = kunit_kzalloc(test, 3 * sizeof(*t), GFP_KERNEL);
	struct mqns_waiter w[4] = {};
	struct mqns_queue q;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t[0].prio = 130;	/* nice 10 */
	t[1].prio = 120;	/* nice 0 */
	t[2].prio = 100;	/* nice -20 */
	mqns_queue_init(&q, 4, 16);
	KUNIT_EXPECT_NULL(test, mqns_queue_first_waiter(&q, MQNS_RECV));
	w[0].task = &t[0];
	w[1].task = &t[1];
	w[2].task = &t[1];
	w[3].task = &t[2];
	mqns_queue_wait_add(&q, MQNS_RECV, &w[0]);
	mqns_queue_wait_add(&q, MQNS_RECV, &w[1]);
	mqns_queue_wait_add(&q, MQNS_RECV, &w[2]);
	KUNIT_EXPECT_PTR_EQ(test, mqns_queue_first_waiter(&q, MQNS_RECV), &w[1]);
	KUNIT_EXPECT_NULL(test, mqns_queue_first_waiter(&q, MQNS_SEND));
	mqns_queue_wait_add(&q, MQNS_RECV, &w[3]);
	KUNIT_EXPECT_PTR_EQ(test, mqns_queue_first_waiter(&q, MQNS_RECV), &w[3]);
	list_del(&w[3].node);
	KUNIT_EXPECT_PTR_EQ(test, mqns_queue_first_waiter(&q, MQNS_RECV), &w[1]);
	list_del(&w[1].node);
	KUNIT_EXPECT_PTR_EQ(test, mqns_queue_first_waiter(&q, MQNS_RECV), &w[2]);
	list_del(&w[2].node);
	KUNIT_EXPECT_PTR_EQ(test, mqns_queue_first_waiter(&q, MQNS_RECV), &w[0]);
	list_del(&w[0].node);
	KUNIT_EXPECT_NULL(test, mqns_queue_first_waiter(&q, MQNS_RECV));
	mqns_queue_destroy(&q);
}

/* A namespace without a kernel mqueue mount is refused, never used. */
static void mqns_test_no_mq_mnt(struct kunit *test)
{
	struct ipc_namespace *ns = kunit_kzalloc(test, sizeof(*ns), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ns);
	KUNIT_EXPECT_PTR_EQ(test, mqns_ns_get(ns), ERR_PTR(-EOPNOTSUPP));
	KUNIT_EXPECT_NULL(test, mqns_ns_lookup(ns));
}

static void mqns_test_user_accounting(struct kunit *test)
{
	/* uids nobody in a test kernel uses */
	kuid_t a = KUIDT_INIT(4000001), b = KUIDT_INIT(4000002);

	KUNIT_EXPECT_EQ(test, mqns_user_bytes(a), 0UL);
	KUNIT_EXPECT_EQ(test, mqns_user_charge(a, 600, 1000), 0);
	KUNIT_EXPECT_EQ(test, mqns_user_charge(a, 401, 1000), -EMFILE);
	KUNIT_EXPECT_EQ(test, mqns_user_charge(a, 400, 1000), 0);
	KUNIT_EXPECT_EQ(test, mqns_user_bytes(a), 1000UL);
	/* another user is counted apart */
	KUNIT_EXPECT_EQ(test, mqns_user_charge(b, 1000, 1000), 0);
	KUNIT_EXPECT_EQ(test, mqns_user_charge(b, ULONG_MAX, ULONG_MAX), -EMFILE);
	mqns_user_uncharge(a, 600);
	KUNIT_EXPECT_EQ(test, mqns_user_bytes(a), 400UL);
	mqns_user_uncharge(a, 400);
	mqns_user_uncharge(b, 1000);
	KUNIT_EXPECT_EQ(test, mqns_user_bytes(a), 0UL);
	KUNIT_EXPECT_EQ(test, mqns_user_bytes(b), 0UL);
	/* a failed first charge leaves nothing behind */
	KUNIT_EXPECT_EQ(test, mqns_user_charge(a, 2000, 1000), -EMFILE);
	KUNIT_EXPECT_EQ(test, mqns_user_bytes(a), 0UL);
}

static void mqns_test_queue_bytes(struct kunit *test)
{
	unsigned long small = mqns_queue_bytes(10, 8192);

	KUNIT_EXPECT_GT(test, small, 10UL * 8192);
	KUNIT_EXPECT_GT(test, mqns_queue_bytes(11, 8192), small);
	KUNIT_EXPECT_GT(test, mqns_queue_bytes(10, 8193), small);
}

#ifndef MODULE
/* Wait up to 10 s for the record's namespace to be seen dead. */
static bool mqns_wait_dead(struct mqns_ns *rec)
{
	unsigned long end = jiffies + 10 * HZ;

	while (mqns_ns_alive(rec)) {
		if (time_after(jiffies, end))
			return false;
		msleep(20);
	}
	return true;
}

/* Wait up to 10 s for the death work to drop the internal mount. */
static bool mqns_wait_unmounted(struct mqns_ns *rec)
{
	unsigned long end = jiffies + 10 * HZ;

	while (READ_ONCE(rec->mnt)) {
		if (time_after(jiffies, end))
			return false;
		msleep(20);
	}
	return true;
}

static struct ipc_namespace *mqns_new_ipc_ns(struct kunit *test)
{
	struct ipc_namespace *ns;

	ns = copy_ipcs(CLONE_NEWIPC, current_user_ns(), &init_ipc_ns);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ns);
	return ns;
}

/* One record per namespace; the record dies with the namespace. */
static void mqns_test_record_lifetime(struct kunit *test)
{
	struct ipc_namespace *ns1 = mqns_new_ipc_ns(test);
	struct ipc_namespace *ns2 = mqns_new_ipc_ns(test);
	struct mqns_ns *r1, *r1b, *r2;

	KUNIT_EXPECT_NULL(test, mqns_ns_lookup(ns1));
	r1 = mqns_ns_get(ns1);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r1);
	r1b = mqns_ns_get(ns1);
	KUNIT_EXPECT_PTR_EQ(test, r1, r1b);
	mqns_ns_put(r1b);
	r2 = mqns_ns_get(ns2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r2);
	KUNIT_EXPECT_PTR_NE(test, r1, r2);
	KUNIT_EXPECT_TRUE(test, mqns_ns_alive(r1));
	KUNIT_EXPECT_NOT_NULL(test, READ_ONCE(r1->mnt));
	KUNIT_EXPECT_EQ(test, r1->inum, ns1->ns.inum);

	/* The namespace's last reference: freed by a worker, seen by us. */
	put_ipc_ns(ns1);
	KUNIT_EXPECT_TRUE(test, mqns_wait_dead(r1));
	KUNIT_EXPECT_NULL(test, READ_ONCE(r1->ns));
	/* ns2 is untouched. */
	KUNIT_EXPECT_TRUE(test, mqns_ns_alive(r2));
	KUNIT_EXPECT_PTR_EQ(test, mqns_ns_lookup(ns2), r2);
	mqns_ns_put(r2);
	/* The death work drops the internal mount. */
	KUNIT_EXPECT_TRUE(test, mqns_wait_unmounted(r1));
	mqns_ns_put(r1);

	put_ipc_ns(ns2);
	KUNIT_EXPECT_TRUE(test, mqns_wait_dead(r2));
	mqns_ns_put(r2);
}

/* Namespaces made and freed in a loop: records never mix them up. */
static void mqns_test_record_reuse(struct kunit *test)
{
	int i;

	for (i = 0; i < 20; i++) {
		struct ipc_namespace *ns = mqns_new_ipc_ns(test);
		struct mqns_ns *rec;

		/* A fresh namespace, maybe at a freed one's address. */
		KUNIT_EXPECT_NULL(test, mqns_ns_lookup(ns));
		rec = mqns_ns_get(ns);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rec);
		KUNIT_EXPECT_EQ(test, rec->inum, ns->ns.inum);
		put_ipc_ns(ns);
		KUNIT_EXPECT_TRUE(test, mqns_wait_dead(rec));
		mqns_ns_put(rec);
	}
}
#endif /* !MODULE */

static struct kunit_case mqns_cases[] = {
	KUNIT_CASE(mqns_test_prio_order),
	KUNIT_CASE(mqns_test_fifo_interleaved),
	KUNIT_CASE(mqns_test_qsize_line),
	KUNIT_CASE(mqns_test_attr_check),
	KUNIT_CASE(mqns_test_limits_check),
	KUNIT_CASE(mqns_test_user_accounting),
	KUNIT_CASE(mqns_test_queue_bytes),
	KUNIT_CASE(mqns_test_attr_default),
	KUNIT_CASE(mqns_test_waiter_order),
	KUNIT_CASE(mqns_test_no_mq_mnt),
#ifndef MODULE
	KUNIT_CASE_SLOW(mqns_test_record_lifetime),
	KUNIT_CASE_SLOW(mqns_test_record_reuse),
#endif
	{}
};

static struct kunit_suite mqns_suite = {
	.name = "nsmods_mqueue_ns",
	.test_cases = mqns_cases,
};

kunit_test_suite(mqns_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for nsmods_mqueue_ns");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
