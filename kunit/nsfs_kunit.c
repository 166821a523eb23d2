// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for nsmods_nsfs's stashed dentry protocol: the fast path,
 * the slow path, the cmpxchg race between callers, d_prune and the
 * lifetime of the per-namespace record.
 *
 * Most cases serve a namespace the test makes itself: a struct ns_common
 * with operations whose ->put counts, so every reference the module takes
 * and drops can be checked.  One case serves init_net and init_user_ns.
 * Nothing here needs userspace: the suite runs built into a UML kernel at
 * boot, and loaded as a module.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/path.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/wait.h>
#include <net/net_namespace.h>

#include <uapi/linux/nsmods_nsfs.h>
#include <nsmods/nsfs.h>

#define RACERS 8
#define RACE_ROUNDS 4
#define STRESS_THREADS 4
#define STRESS_LOOPS 300
#define MANY 2000

/* A namespace of the test's own. */
struct kns {
	struct ns_common ns;
	atomic_t puts;		/* calls of ->put */
	bool freed;		/* ->put dropped the last reference */
};

static void kns_put(struct ns_common *ns)
{
	struct kns *k = container_of(ns, struct kns, ns);

	atomic_inc(&k->puts);
	if (refcount_dec_and_test(&ns->count))
		WRITE_ONCE(k->freed, true);
}

static const struct proc_ns_operations kns_ops = {
	.name = "kunit",
	.type = CLONE_NEWUTS,
	.put = kns_put,
};

static unsigned int kns_next_inum = 0xe0000000U;

/* Test-managed; holds the one base reference the test drops at the end. */
static struct kns *kns_new(struct kunit *test)
{
	struct kns *k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	k->ns.ops = &kns_ops;
	k->ns.inum = kns_next_inum++;
	refcount_set(&k->ns.count, 1);
	return k;
}

/* One reference for a get, which consumes it. */
static struct ns_common *kns_ref(struct kns *k)
{
	refcount_inc(&k->ns.count);
	return &k->ns;
}

/* The stash, read once, outside the KUnit macros. */
static struct dentry *stash_of(struct nsfs_rec *rec)
{
	return READ_ONCE(rec->stashed);
}

static unsigned int kns_count(struct kns *k)
{
	return refcount_read(&k->ns.count);
}

static struct nsfs_stats stats(void)
{
	struct nsfs_stats st;

	nsfs_get_stats(&st);
	return st;
}

/* The first get makes the record, the inode and the dentry, and stashes it. */
static void nsfs_slow_path(struct kunit *test)
{
	struct nsfs_stats before = stats(), after;
	struct kns *k = kns_new(test);
	struct nsfs_rec *rec;
	struct inode *inode;
	struct path path;
	char buf[64], *name;

	KUNIT_EXPECT_NULL(test, nsfs_rec_find(&k->ns));
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k), &path), 0);
	after = stats();
	KUNIT_EXPECT_EQ(test, after.slow - before.slow, 1UL);
	KUNIT_EXPECT_EQ(test, after.won - before.won, 1UL);
	KUNIT_EXPECT_EQ(test, after.fast - before.fast, 0UL);
	KUNIT_EXPECT_EQ(test, after.records - before.records, 1L);
	KUNIT_EXPECT_EQ(test, after.inodes - before.inodes, 1L);

	inode = d_inode(path.dentry);
	KUNIT_ASSERT_NOT_NULL(test, inode);
	KUNIT_EXPECT_EQ(test, inode->i_ino, (unsigned long)k->ns.inum);
	KUNIT_EXPECT_TRUE(test, S_ISREG(inode->i_mode));
	KUNIT_EXPECT_EQ(test, path.dentry->d_sb->s_magic,
			(unsigned long)NSMODS_NSFS_MAGIC);
	KUNIT_EXPECT_PTR_EQ(test, path.mnt->mnt_sb, path.dentry->d_sb);

	rec = nsfs_rec_find(&k->ns);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_PTR_EQ(test, inode->i_private, (void *)rec);
	KUNIT_EXPECT_PTR_EQ(test, stash_of(rec), path.dentry);
	KUNIT_EXPECT_PTR_EQ(test, rec->ns, &k->ns);
	KUNIT_EXPECT_PTR_EQ(test, rec->ops, &kns_ops);
	KUNIT_EXPECT_EQ(test, rec->inum, k->ns.inum);
	/* The inode's reference and ours. */
	KUNIT_EXPECT_EQ(test, refcount_read(&rec->refs), 2U);
	nsfs_rec_put(rec);

	/* The base reference and the inode's; the caller's went to the inode. */
	KUNIT_EXPECT_EQ(test, kns_count(k), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->puts), 0);

	/* d_dname: the name /proc/PID/fd shows, as upstream's nsfs has it. */
	name = d_path(&path, buf, sizeof(buf));
	KUNIT_ASSERT_FALSE(test, IS_ERR(name));
	snprintf(buf, sizeof(buf), "kunit:[%u]", k->ns.inum);
	KUNIT_EXPECT_STREQ(test, name, buf);

	path_put(&path);
	KUNIT_EXPECT_EQ(test, kns_count(k), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->puts), 1);
	KUNIT_EXPECT_NULL(test, nsfs_rec_find(&k->ns));
}

/* A second get takes the stashed dentry and drops the caller's reference. */
static void nsfs_fast_path(struct kunit *test)
{
	struct nsfs_stats before = stats(), after;
	struct kns *k = kns_new(test);
	struct path a, b;

	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k), &a), 0);
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k), &b), 0);
	after = stats();
	KUNIT_EXPECT_PTR_EQ(test, a.dentry, b.dentry);
	KUNIT_EXPECT_PTR_EQ(test, a.mnt, b.mnt);
	KUNIT_EXPECT_EQ(test, after.slow - before.slow, 1UL);
	KUNIT_EXPECT_EQ(test, after.fast - before.fast, 1UL);
	KUNIT_EXPECT_EQ(test, after.inodes - before.inodes, 1L);
	KUNIT_EXPECT_EQ(test, kns_count(k), 2U);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->puts), 1);

	path_put(&a);
	/* Still held by @b: the dentry lives, so does the namespace's ref. */
	KUNIT_EXPECT_EQ(test, kns_count(k), 2U);
	path_put(&b);
	KUNIT_EXPECT_EQ(test, kns_count(k), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->puts), 2);
	KUNIT_EXPECT_FALSE(test, k->freed);
}

/*
 * The last dput kills the dentry: d_prune clears the stash, eviction puts
 * the namespace.  A record kept by another reference stays, and the next
 * get makes a new dentry for the same record.
 */
static void nsfs_d_prune_clears_stash(struct kunit *test)
{
	struct nsfs_stats before = stats(), after;
	struct kns *k = kns_new(test);
	struct nsfs_rec *rec;
	struct path path;

	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k), &path), 0);
	rec = nsfs_rec_find(&k->ns);
	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_PTR_EQ(test, stash_of(rec), path.dentry);

	path_put(&path);
	after = stats();
	KUNIT_EXPECT_NULL(test, stash_of(rec));
	KUNIT_EXPECT_EQ(test, after.pruned - before.pruned, 1UL);
	KUNIT_EXPECT_EQ(test, after.inodes - before.inodes, 0L);
	KUNIT_EXPECT_EQ(test, refcount_read(&rec->refs), 1U);
	KUNIT_EXPECT_EQ(test, kns_count(k), 1U);

	/* The stash is empty: slow path again, into the same record. */
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k), &path), 0);
	KUNIT_EXPECT_EQ(test, stats().slow - after.slow, 1UL);
	KUNIT_EXPECT_PTR_EQ(test, d_inode(path.dentry)->i_private, (void *)rec);
	KUNIT_EXPECT_PTR_EQ(test, stash_of(rec), path.dentry);
	KUNIT_EXPECT_EQ(test, refcount_read(&rec->refs), 2U);
	path_put(&path);

	nsfs_rec_put(rec);
	KUNIT_EXPECT_NULL(test, nsfs_rec_find(&k->ns));
}

/*
 * A record is freed when its last inode goes: it leaves the table at the
 * last dput of the dentry, and memory after an RCU grace period.  Each
 * namespace has its own.
 */
static void nsfs_record_lifetime(struct kunit *test)
{
	struct nsfs_stats before, mid;
	struct kns *k1 = kns_new(test), *k2 = kns_new(test);
	struct nsfs_rec *r1, *r2;
	struct path p1, p2;

	rcu_barrier();
	before = stats();
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k1), &p1), 0);
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k2), &p2), 0);
	KUNIT_EXPECT_PTR_NE(test, p1.dentry, p2.dentry);
	mid = stats();
	KUNIT_EXPECT_EQ(test, mid.records - before.records, 2L);

	r1 = nsfs_rec_find(&k1->ns);
	r2 = nsfs_rec_find(&k2->ns);
	KUNIT_ASSERT_NOT_NULL(test, r1);
	KUNIT_ASSERT_NOT_NULL(test, r2);
	KUNIT_EXPECT_PTR_NE(test, r1, r2);
	KUNIT_EXPECT_EQ(test, d_inode(p2.dentry)->i_ino,
			(unsigned long)k2->ns.inum);
	nsfs_rec_put(r1);
	nsfs_rec_put(r2);

	path_put(&p1);
	/* Gone from the table at once; k2's is untouched. */
	KUNIT_EXPECT_NULL(test, nsfs_rec_find(&k1->ns));
	r2 = nsfs_rec_find(&k2->ns);
	KUNIT_EXPECT_NOT_NULL(test, r2);
	if (r2)
		nsfs_rec_put(r2);
	path_put(&p2);
	KUNIT_EXPECT_NULL(test, nsfs_rec_find(&k2->ns));

	/* Freed once readers are done. */
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, stats().records, before.records);
	KUNIT_EXPECT_EQ(test, stats().inodes, before.inodes);
	KUNIT_EXPECT_EQ(test, kns_count(k1), 1U);
	KUNIT_EXPECT_EQ(test, kns_count(k2), 1U);
}

/* Lines RACERS callers up before the cmpxchg. */
static struct {
	struct ns_common *ns;
	atomic_t arrived;
	wait_queue_head_t wq;
	bool timed_out;
} race;

static void race_hook(struct ns_common *ns)
{
	if (ns != READ_ONCE(race.ns))
		return;
	atomic_inc(&race.arrived);
	wake_up_all(&race.wq);
	if (!wait_event_timeout(race.wq, atomic_read(&race.arrived) >= RACERS,
				10 * HZ))
		WRITE_ONCE(race.timed_out, true);
}

struct racer {
	struct kns *k;
	struct path path;
	int err;
	atomic_t *left;			/* racers still running */
	struct completion *done;	/* completed by the last racer */
};

static int racer_fn(void *data)
{
	struct racer *r = data;

	r->err = nsfs_get_path(kns_ref(r->k), &r->path);
	if (atomic_dec_and_test(r->left))
		complete(r->done);
	return 0;
}

/*
 * RACERS callers, all on the slow path for one namespace, all past the
 * allocation before any publishes: one wins the cmpxchg, every other one
 * drops its dentry and takes the winner's.  Exactly one dentry is live
 * and every caller got it.
 */
static void nsfs_cmpxchg_race(struct kunit *test)
{
	struct kns *k = kns_new(test);
	struct racer *r;
	int round, i;

	r = kunit_kcalloc(test, RACERS, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	init_waitqueue_head(&race.wq);

	for (round = 0; round < RACE_ROUNDS; round++) {
		struct nsfs_stats before = stats(), after;
		DECLARE_COMPLETION_ONSTACK(done);
		struct nsfs_rec *rec;
		atomic_t left;
		int started = 0;

		atomic_set(&left, RACERS);
		atomic_set(&race.arrived, 0);
		race.timed_out = false;
		WRITE_ONCE(race.ns, &k->ns);
		nsfs_set_publish_hook(race_hook);

		for (i = 0; i < RACERS; i++) {
			struct task_struct *t;

			r[i] = (struct racer){ .k = k, .left = &left,
					       .done = &done, .err = -EINTR };
			t = kthread_run(racer_fn, &r[i], "nsfs_racer%d", i);
			if (IS_ERR(t)) {
				/* Account for it, so the others still finish. */
				atomic_inc(&race.arrived);
				wake_up_all(&race.wq);
				if (atomic_dec_and_test(&left))
					complete(&done);
				continue;
			}
			started++;
		}
		wait_for_completion(&done);
		nsfs_set_publish_hook(NULL);
		WRITE_ONCE(race.ns, NULL);

		KUNIT_ASSERT_EQ(test, started, RACERS);
		KUNIT_EXPECT_FALSE(test, race.timed_out);
		after = stats();
		for (i = 0; i < RACERS; i++) {
			KUNIT_EXPECT_EQ(test, r[i].err, 0);
			KUNIT_EXPECT_PTR_EQ(test, r[i].path.dentry,
					    r[0].path.dentry);
		}
		KUNIT_EXPECT_EQ(test, after.slow - before.slow,
				(unsigned long)RACERS);
		KUNIT_EXPECT_EQ(test, after.won - before.won, 1UL);
		KUNIT_EXPECT_EQ(test, after.lost - before.lost,
				(unsigned long)RACERS - 1);
		/* The losers' inodes are gone: one inode, one ns reference. */
		KUNIT_EXPECT_EQ(test, after.inodes - before.inodes, 1L);
		KUNIT_EXPECT_EQ(test, kns_count(k), 2U);
		rec = nsfs_rec_find(&k->ns);
		KUNIT_EXPECT_NOT_NULL(test, rec);
		if (rec) {
			KUNIT_EXPECT_PTR_EQ(test, stash_of(rec),
					    r[0].path.dentry);
			KUNIT_EXPECT_EQ(test, refcount_read(&rec->refs), 2U);
			nsfs_rec_put(rec);
		}

		for (i = 0; i < RACERS; i++)
			if (!r[i].err)
				path_put(&r[i].path);
		KUNIT_EXPECT_EQ(test, kns_count(k), 1U);
		KUNIT_EXPECT_NULL(test, nsfs_rec_find(&k->ns));
	}
}

struct stresser {
	struct kns *k;
	int wrong;			/* gets whose dentry was not the stashed one */
	int errors;
	atomic_t *left;
	struct completion *done;
};

static int stress_fn(void *data)
{
	struct stresser *s = data;
	int i;

	for (i = 0; i < STRESS_LOOPS; i++) {
		struct nsfs_rec *rec;
		struct path path;

		if (nsfs_get_path(kns_ref(s->k), &path)) {
			s->errors++;
			continue;
		}
		/* While we hold it, ours is the one live dentry: the stashed one. */
		rec = d_inode(path.dentry)->i_private;
		if (stash_of(rec) != path.dentry || rec->ns != &s->k->ns ||
		    d_inode(path.dentry)->i_ino != s->k->ns.inum)
			s->wrong++;
		if (i & 1)
			cond_resched();
		path_put(&path);
	}
	if (atomic_dec_and_test(s->left))
		complete(s->done);
	return 0;
}

/* Gets and puts from several threads on one namespace, no help given. */
static void nsfs_stress(struct kunit *test)
{
	struct nsfs_stats before = stats(), after;
	DECLARE_COMPLETION_ONSTACK(done);
	struct kns *k = kns_new(test);
	struct stresser *s;
	atomic_t left;
	int i;

	s = kunit_kcalloc(test, STRESS_THREADS, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	atomic_set(&left, STRESS_THREADS);
	for (i = 0; i < STRESS_THREADS; i++) {
		struct task_struct *t;

		s[i] = (struct stresser){ .k = k, .left = &left, .done = &done };
		t = kthread_run(stress_fn, &s[i], "nsfs_stresser%d", i);
		if (IS_ERR(t)) {
			s[i].errors = 1;
			if (atomic_dec_and_test(&left))
				complete(&done);
		}
	}
	wait_for_completion(&done);
	after = stats();

	for (i = 0; i < STRESS_THREADS; i++) {
		KUNIT_EXPECT_EQ(test, s[i].errors, 0);
		KUNIT_EXPECT_EQ(test, s[i].wrong, 0);
	}
	KUNIT_EXPECT_EQ(test, (after.fast - before.fast) +
			(after.slow - before.slow),
			(unsigned long)STRESS_THREADS * STRESS_LOOPS);
	KUNIT_EXPECT_EQ(test, after.won - before.won +
			(after.lost - before.lost), after.slow - before.slow);
	KUNIT_EXPECT_EQ(test, kns_count(k), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&k->puts),
			STRESS_THREADS * STRESS_LOOPS);
	KUNIT_EXPECT_NULL(test, nsfs_rec_find(&k->ns));
	kunit_info(test, "fast %lu slow %lu won %lu lost %lu took over %lu\n",
		   after.fast - before.fast, after.slow - before.slow,
		   after.won - before.won, after.lost - before.lost,
		   after.took_over - before.took_over);
}

/* The kernel's own namespaces: init_net and init_user_ns. */
static void nsfs_real_namespaces(struct kunit *test)
{
	struct ns_common *net = &init_net.ns, *user = &init_user_ns.ns;
	struct dentry *kernels;
	struct path pn, pu;

	if (!net->ops || !user->ops)
		kunit_skip(test, "no proc_ns_operations (NET_NS or USER_NS off)");

	get_net(&init_net);
	KUNIT_ASSERT_EQ(test, nsfs_get_path(net, &pn), 0);
	get_user_ns(&init_user_ns);
	KUNIT_ASSERT_EQ(test, nsfs_get_path(user, &pu), 0);

	KUNIT_EXPECT_EQ(test, d_inode(pn.dentry)->i_ino, (unsigned long)net->inum);
	KUNIT_EXPECT_EQ(test, d_inode(pu.dentry)->i_ino, (unsigned long)user->inum);
	KUNIT_EXPECT_EQ(test, net->ops->type, CLONE_NEWNET);
	KUNIT_EXPECT_EQ(test, user->ops->type, CLONE_NEWUSER);
	KUNIT_EXPECT_PTR_EQ(test, net->ops->owner(net), &init_user_ns);
	/* Ours, not the kernel's nsfs dentry. */
	kernels = READ_ONCE(init_net.ns.stashed);
	KUNIT_EXPECT_PTR_NE(test, kernels, pn.dentry);

	path_put(&pn);
	path_put(&pu);
	KUNIT_EXPECT_NULL(test, nsfs_rec_find(net));
	KUNIT_EXPECT_NULL(test, nsfs_rec_find(user));
}

/*
 * The mount exists while inodes of ours do: one pin per inode, none left
 * when the last dentry dies.  Its superblock's type has the module as its
 * owner (NULL built in), and holds a reference on it.
 */
static void nsfs_mount_pins(struct kunit *test)
{
	struct kns *k1 = kns_new(test), *k2 = kns_new(test);
	struct file_system_type *type;
	struct path a, b, c;

	KUNIT_EXPECT_EQ(test, stats().pins, 0);
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k1), &a), 0);
	KUNIT_EXPECT_EQ(test, stats().pins, 1);
	type = a.mnt->mnt_sb->s_type;
	if (type->owner) {
		KUNIT_EXPECT_STREQ(test, type->owner->name, "nsmods_nsfs");
#ifdef CONFIG_MODULE_UNLOAD
		KUNIT_EXPECT_GT(test, module_refcount(type->owner), 0);
#endif
	}

	/* The fast path: same inode, no new pin. */
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k1), &b), 0);
	KUNIT_EXPECT_EQ(test, stats().pins, 1);
	/* Another namespace: its own inode, its own pin, the same mount. */
	KUNIT_ASSERT_EQ(test, nsfs_get_path(kns_ref(k2), &c), 0);
	KUNIT_EXPECT_EQ(test, stats().pins, 2);
	KUNIT_EXPECT_PTR_EQ(test, a.mnt, c.mnt);

	path_put(&a);
	KUNIT_EXPECT_EQ(test, stats().pins, 2);
	path_put(&b);
	KUNIT_EXPECT_EQ(test, stats().pins, 1);
	path_put(&c);
	KUNIT_EXPECT_EQ(test, stats().pins, 0);
	KUNIT_EXPECT_EQ(test, stats().inodes, 0L);
}

/*
 * Many records at once: the table grows under them (and shrinks after),
 * every namespace finds its own record, and the fast path serves each.
 */
static void nsfs_many_records(struct kunit *test)
{
	struct nsfs_stats before, after;
	struct kns **ks;
	struct path *paths, p;
	struct nsfs_rec *rec;
	int i, n;

	ks = kunit_kcalloc(test, MANY, sizeof(*ks), GFP_KERNEL);
	paths = kunit_kcalloc(test, MANY, sizeof(*paths), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ks);
	KUNIT_ASSERT_NOT_NULL(test, paths);
	/* Earlier cases' records may still wait for RCU to be freed. */
	rcu_barrier();
	before = stats();
	for (n = 0; n < MANY; n++) {
		ks[n] = kns_new(test);
		if (nsfs_get_path(kns_ref(ks[n]), &paths[n]))
			break;
	}
	KUNIT_EXPECT_EQ(test, n, MANY);
	after = stats();
	KUNIT_EXPECT_EQ(test, after.records - before.records, (long)n);

	for (i = 0; i < n; i++) {
		rec = nsfs_rec_find(&ks[i]->ns);
		KUNIT_EXPECT_TRUE(test, rec && rec->ns == &ks[i]->ns &&
				  rec->inum == ks[i]->ns.inum &&
				  stash_of(rec) == paths[i].dentry);
		if (rec)
			nsfs_rec_put(rec);
		/* A second get is a fast one, of the same dentry. */
		if (nsfs_get_path(kns_ref(ks[i]), &p)) {
			KUNIT_FAIL(test, "get %d failed", i);
			continue;
		}
		KUNIT_EXPECT_PTR_EQ(test, p.dentry, paths[i].dentry);
		path_put(&p);
	}
	KUNIT_EXPECT_EQ(test, stats().fast - after.fast, (unsigned long)n);

	for (i = 0; i < n; i++)
		path_put(&paths[i]);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, kns_count(ks[i]), 1U);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, stats().records, before.records);
	KUNIT_EXPECT_EQ(test, stats().inodes, before.inodes);
}

static struct kunit_case nsfs_cases[] = {
	KUNIT_CASE(nsfs_slow_path),
	KUNIT_CASE(nsfs_fast_path),
	KUNIT_CASE(nsfs_d_prune_clears_stash),
	KUNIT_CASE(nsfs_record_lifetime),
	KUNIT_CASE(nsfs_cmpxchg_race),
	KUNIT_CASE(nsfs_stress),
	KUNIT_CASE(nsfs_real_namespaces),
	KUNIT_CASE(nsfs_mount_pins),
	KUNIT_CASE(nsfs_many_records),
	{}
};

static struct kunit_suite nsfs_suite = {
	.name = "nsmods_nsfs",
	.test_cases = nsfs_cases,
};

kunit_test_suite(nsfs_suite);

MODULE_DESCRIPTION("KUnit tests for nsmods_nsfs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
