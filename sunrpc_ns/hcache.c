// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: the host name cache of a network namespace, in its rpc_pipefs
 * as cache/sunrpc_ns_hosts (nsmods_pipefs, Documentation/sunrpc_ns.rst).
 *
 * The files "channel" (requests out, answers in), "content" and "flush"
 * serve a userspace helper; SUNRPC_NS_IOC_CREATE_HOST resolves names
 * through the cache.  nsmods_pipefs makes the files in the netns's
 * superblock whenever it exists (on MOUNT) and removes them on UMOUNT; the
 * cache itself lives from our pernet init to our pernet exit.  Upstream's
 * model: the cache channel files of net/sunrpc/cache.c; the formats here
 * are our own.
 */
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <kunit/visibility.h>
#include <net/net_namespace.h>

#include "internal.h"

#define SNS_HC_ENTRIES_MAX	256	/* entries in one netns's cache */
#define SNS_HC_REQS_MAX		32	/* unread requests; more are refused */
#define SNS_HC_REQS_USER	8	/* unread requests of one user */
#define SNS_HC_LINE_MAX		128	/* one channel write */

struct sns_hentry {
	struct list_head node;		/* on hcache->entries */
	time64_t expiry;		/* boot time, seconds */
	u32 family;
	u8 addr[16];
	char name[SNS_HC_NAME_MAX + 1];
};

struct sns_hreq {
	struct list_head node;		/* on hcache->reqs */
	kuid_t uid;			/* who asked first: counts against it */
	char name[SNS_HC_NAME_MAX + 1];
};

struct sns_hcache {
	struct net *net;		/* not counted: this lives in it */
	struct nspipefs_dir dir;
	struct nspipefs_file channel, content, flush;
	spinlock_t lock;	/* protects entries, reqs, their counts, nreaders */
	struct list_head entries;
	unsigned int nentries;
	struct list_head reqs;		/* requests not yet read */
	unsigned int nreqs;
	unsigned int nreaders;		/* channel files open for reading */
	u64 upcalls, downcalls;
	wait_queue_head_t resolvers;	/* woken when an entry is added */
	wait_queue_head_t readers;	/* woken when a request is queued */
};

/**
 * sns_hc_name_ok() - is this a host name the cache takes?
 * @name: the name, not necessarily NUL-terminated
 * @len: its length
 *
 * Return: true for 1 to %SNS_HC_NAME_MAX ASCII letters, digits, '.', '-'
 * and '_', not starting with '.' or '-'.  Checked byte by byte, without
 * the kernel's ctype (which takes Latin-1 letters for letters) and without
 * strchr() (which finds the NUL byte in any string).
 */
bool sns_hc_name_ok(const char *name, size_t len)
{
	size_t i;

	if (!len || len > SNS_HC_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')
			continue;
		return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(sns_hc_name_ok);

/**
 * sns_hc_parse() - parse one answer written to the cache's channel
 * @buf: what userspace wrote, not NUL-terminated
 * @len: its length
 * @r: the parsed answer
 *
 * The format is "<name> <address> <expiry-seconds>\n": a name as
 * sns_hc_name_ok() takes, an IPv4 or IPv6 address in its usual text form,
 * a decimal number of seconds from now, 1 to %SNS_HC_TTL_MAX; single
 * spaces, one newline at the very end.
 *
 * Return: 0, or -EINVAL for anything else.
 */
int sns_hc_parse(const char *buf, size_t len, struct sns_hc_reply *r)
{
	const char *tok[3], *end;
	char num[12];
	size_t tlen[3];
	int i;

	if (!len || len > SNS_HC_LINE_MAX || buf[len - 1] != '\n')
		return -EINVAL;
	len--;
	for (i = 0; i < 3; i++) {
		const char *sp = memchr(buf, ' ', len);

		if (i < 2 && !sp)
			return -EINVAL;
		if (i == 2 && sp)
			return -EINVAL;
		tok[i] = buf;
		tlen[i] = sp ? sp - buf : len;
		if (!tlen[i])
			return -EINVAL;
		if (sp) {
			len -= tlen[i] + 1;
			buf = sp + 1;
		}
	}
	if (!sns_hc_name_ok(tok[0], tlen[0]))
		return -EINVAL;
	memcpy(r->name, tok[0], tlen[0]);
	r->name[tlen[0]] = '\0';

	memset(r->addr, 0, sizeof(r->addr));
	if (in4_pton(tok[1], tlen[1], r->addr, -1, &end) &&
	    end == tok[1] + tlen[1]) {
		r->family = AF_INET;
	} else if (in6_pton(tok[1], tlen[1], r->addr, -1, &end) &&
		   end == tok[1] + tlen[1]) {
		r->family = AF_INET6;
	} else {
		return -EINVAL;
	}

	if (!sns_digits(tok[2], tlen[2], num, sizeof(num)) ||
	    kstrtou32(num, 10, &r->ttl) || !r->ttl || r->ttl > SNS_HC_TTL_MAX)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_hc_parse);

static struct sns_hcache *sns_hcache(const struct net *net)
{
	return sns_net(net)->hcache;
}

/* Drop expired entries.  hc->lock held. */
static void sns_hc_prune(struct sns_hcache *hc, time64_t now)
{
	struct sns_hentry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &hc->entries, node) {
		if (e->expiry > now)
			continue;
		list_del(&e->node);
		hc->nentries--;
		kfree(e);
	}
}

/* A valid entry for @name, copied out; false if none. */
static bool sns_hc_find(struct sns_hcache *hc, const char *name, u32 *family,
			u8 *addr)
{
	time64_t now = ktime_get_boottime_seconds();
	struct sns_hentry *e;
	bool found = false;

	spin_lock(&hc->lock);
	list_for_each_entry(e, &hc->entries, node) {
		if (strcmp(e->name, name) || e->expiry <= now)
			continue;
		*family = e->family;
		memcpy(addr, e->addr, sizeof(e->addr));
		found = true;
		break;
	}
	spin_unlock(&hc->lock);
	return found;
}

/* The unread request for @name, or NULL.  hc->lock held. */
static struct sns_hreq *sns_hc_find_req(struct sns_hcache *hc,
					const char *name)
{
	struct sns_hreq *req;

	list_for_each_entry(req, &hc->reqs, node)
		if (!strcmp(req->name, name))
			return req;
	return NULL;
}

/* Unread requests of @uid.  hc->lock held. */
static unsigned int sns_hc_user_reqs(struct sns_hcache *hc, kuid_t uid)
{
	struct sns_hreq *req;
	unsigned int n = 0;

	list_for_each_entry(req, &hc->reqs, node)
		if (uid_eq(req->uid, uid))
			n++;
	return n;
}

/*
 * Ask the helper about @name, unless a request for it is unread.  No
 * request goes for another's: when the queue, or the caller's share of it,
 * is full the caller is refused (-ENOBUFS); with no helper reading the
 * channel it is refused at once (-EPIPE).  A request stays until read,
 * also when its resolvers gave up (the helper's answer fills the cache).
 */
static int sns_hc_request(struct sns_hcache *hc, const char *name)
{
	kuid_t uid = current_euid();
	struct sns_hreq *req, *old;
	int err = 0;

	req = kzalloc(sizeof(*req), GFP_KERNEL_ACCOUNT);
	if (!req)
		return -ENOMEM;
	strscpy(req->name, name, sizeof(req->name));
	req->uid = uid;
	spin_lock(&hc->lock);
	old = sns_hc_find_req(hc, name);
	if (!hc->nreaders) {
		err = -EPIPE;
	} else if (old) {
		/* Asked already: wait on that request. */
	} else if (hc->nreqs >= SNS_HC_REQS_MAX ||
		   sns_hc_user_reqs(hc, uid) >= SNS_HC_REQS_USER) {
		err = -ENOBUFS;
	} else {
		list_add_tail(&req->node, &hc->reqs);
		hc->nreqs++;
		hc->upcalls++;
		req = NULL;
	}
	spin_unlock(&hc->lock);
	kfree(req);
	if (err == -ENOBUFS)
		pr_warn_ratelimited("netns %u: host cache: too many unread requests (uid %u), %s refused\n",
				    hc->net->ns.inum,
				    from_kuid(&init_user_ns, uid), name);
	if (!err)
		wake_up_interruptible(&hc->readers);
	return err;
}

/* Is a helper reading the channel? */
static bool sns_hc_has_reader(struct sns_hcache *hc)
{
	return READ_ONCE(hc->nreaders);
}

/**
 * sns_hcache_resolve() - the address of a host name in a netns
 * @net: the namespace whose cache is asked
 * @name: the name, as sns_hc_name_ok() takes
 * @timeout: how long to wait for the helper, in jiffies
 * @family: set to AF_INET or AF_INET6
 * @addr: set to the address (16 bytes, IPv4 in the first 4)
 *
 * A valid entry answers at once; otherwise "<name>\n" is queued on the
 * cache's channel and the caller waits for the helper's answer.  Without a
 * helper it fails at once: -ENODEV when rpc_pipefs is not mounted in
 * @net, -EPIPE when nobody reads the channel (also when the helper's last
 * reader closes during the wait).
 *
 * Return: 0, -ENODEV, -EPIPE, -ENOBUFS (too many requests unread),
 * -ETIMEDOUT, -EINTR, or -ENOMEM.
 */
int sns_hcache_resolve(struct net *net, const char *name,
		       unsigned long timeout, u32 *family, u8 *addr)
{
	struct sns_hcache *hc = sns_hcache(net);
	struct super_block *sb;
	long left;
	int err;

	if (sns_hc_find(hc, name, family, addr))
		return 0;
	err = sns_hc_request(hc, name);
	if (err == -EPIPE) {
		sb = nspipefs_get_sb_net(net);
		if (sb)
			nspipefs_put_sb_net(sb);
		else
			err = -ENODEV;
		pr_info_ratelimited("netns %u: host %s: %s\n", net->ns.inum,
				    name, err == -ENODEV ?
				    "rpc_pipefs is not mounted" :
				    "no helper reads the cache channel");
	}
	if (err)
		return err;
	left = wait_event_interruptible_timeout(hc->resolvers,
						sns_hc_find(hc, name, family,
							    addr) ||
						!sns_hc_has_reader(hc),
						timeout);
	if (left > 0 && sns_hc_find(hc, name, family, addr))
		return 0;
	if (left < 0)
		return -EINTR;
	if (left) {
		pr_info_ratelimited("netns %u: host %s: the helper went away\n",
				    net->ns.inum, name);
		return -EPIPE;
	}
	pr_info_ratelimited("netns %u: no answer for host %s\n",
			    net->ns.inum, name);
	return -ETIMEDOUT;
}
EXPORT_SYMBOL_IF_KUNIT(sns_hcache_resolve);

/* Open methods: the cache outlives every open file of it (Documentation). */
static int sns_hc_open(struct inode *inode, struct file *file)
{
	file->private_data = nspipefs_file_private(inode, NULL);
	return file->private_data ? 0 : -ENXIO;
}

/* Whole lines from a user or kernel (kernel_write()) buffer. */
static char *sns_hc_copy_in(struct iov_iter *from, size_t len)
{
	char *buf = kmalloc(len, GFP_KERNEL);

	if (!buf)
		return ERR_PTR(-ENOMEM);
	if (!copy_from_iter_full(buf, len, from)) {
		kfree(buf);
		return ERR_PTR(-EFAULT);
	}
	return buf;
}

/* The channel: its readers are counted, a resolver needs one. */
static int sns_hc_channel_open(struct inode *inode, struct file *file)
{
	struct sns_hcache *hc = nspipefs_file_private(inode, NULL);

	if (!hc)
		return -ENXIO;
	file->private_data = hc;
	if (file->f_mode & FMODE_READ) {
		spin_lock(&hc->lock);
		hc->nreaders++;
		spin_unlock(&hc->lock);
	}
	return 0;
}

static int sns_hc_channel_release(struct inode *inode, struct file *file)
{
	struct sns_hcache *hc = file->private_data;
	bool last = false;

	if (file->f_mode & FMODE_READ) {
		spin_lock(&hc->lock);
		last = !--hc->nreaders;
		spin_unlock(&hc->lock);
	}
	/* Resolvers waiting on the helper that went fail at once. */
	if (last)
		wake_up_interruptible_all(&hc->resolvers);
	return 0;
}

/*
 * One request per read, a whole line.  The request leaves the queue only
 * once the line was copied: a reader whose buffer cannot be written gets
 * EFAULT and the request stays.
 */
static ssize_t sns_hc_channel_read(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct sns_hcache *hc = file->private_data;
	size_t len = iov_iter_count(to);
	char line[SNS_HC_NAME_MAX + 2];
	struct sns_hreq *req;
	size_t n = 0;

	for (;;) {
		spin_lock(&hc->lock);
		req = list_first_entry_or_null(&hc->reqs, struct sns_hreq,
					       node);
		if (req) {
			n = scnprintf(line, sizeof(line), "%s\n", req->name);
			if (n > len) {
				/* Whole lines only; the request stays. */
				spin_unlock(&hc->lock);
				return -EMSGSIZE;
			}
		}
		spin_unlock(&hc->lock);
		if (req)
			break;
		if ((file->f_flags & O_NONBLOCK) ||
		    (iocb->ki_flags & IOCB_NOWAIT))
			return -EAGAIN;
		if (wait_event_interruptible(hc->readers,
					     !list_empty(&hc->reqs)))
			return -ERESTARTSYS;
	}
	if (copy_to_iter(line, n, to) != n)
		return -EFAULT;
	/* Read: the request for that name goes (unless another took it). */
	line[n - 1] = '\0';
	spin_lock(&hc->lock);
	req = sns_hc_find_req(hc, line);
	if (req) {
		list_del(&req->node);
		hc->nreqs--;
	}
	spin_unlock(&hc->lock);
	kfree(req);
	return n;
}

static ssize_t sns_hc_channel_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct sns_hcache *hc = iocb->ki_filp->private_data;
	size_t len = iov_iter_count(from);
	struct sns_hentry *e, *old, *tmp;
	struct sns_hc_reply r;
	time64_t now;
	char *buf;
	int err;

	if (!len || len > SNS_HC_LINE_MAX) {
		pr_warn_ratelimited("netns %u: host cache: write of %zu bytes refused\n",
				    hc->net->ns.inum, len);
		return -EINVAL;
	}
	buf = sns_hc_copy_in(from, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	err = sns_hc_parse(buf, len, &r);
	kfree(buf);
	if (err) {
		pr_warn_ratelimited("netns %u: host cache: malformed answer refused\n",
				    hc->net->ns.inum);
		return err;
	}
	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	strscpy(e->name, r.name, sizeof(e->name));
	e->family = r.family;
	memcpy(e->addr, r.addr, sizeof(e->addr));
	now = ktime_get_boottime_seconds();
	e->expiry = now + r.ttl;

	old = NULL;
	spin_lock(&hc->lock);
	sns_hc_prune(hc, now);
	list_for_each_entry(tmp, &hc->entries, node) {
		if (!strcmp(tmp->name, e->name)) {
			old = tmp;
			break;
		}
	}
	if (old) {
		list_replace(&old->node, &e->node);
	} else if (hc->nentries < SNS_HC_ENTRIES_MAX) {
		list_add_tail(&e->node, &hc->entries);
		hc->nentries++;
	} else {
		spin_unlock(&hc->lock);
		kfree(e);
		pr_warn_ratelimited("netns %u: host cache full\n",
				    hc->net->ns.inum);
		return -ENOSPC;
	}
	hc->downcalls++;
	spin_unlock(&hc->lock);
	kfree(old);
	wake_up_interruptible_all(&hc->resolvers);
	return len;
}

static __poll_t sns_hc_channel_poll(struct file *file, poll_table *wait)
{
	struct sns_hcache *hc = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &hc->readers, wait);
	if (!list_empty_careful(&hc->reqs))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static const struct file_operations sns_hc_channel_fops = {
	.owner		= THIS_MODULE,
	.open		= sns_hc_channel_open,
	.release	= sns_hc_channel_release,
	.read_iter	= sns_hc_channel_read,
	.write_iter	= sns_hc_channel_write,
	.poll		= sns_hc_channel_poll,
	.llseek		= noop_llseek,
};

/* content: "<name> <address> <seconds left>", valid entries only. */
static int sns_hc_content_show(struct seq_file *m, void *v)
{
	struct sns_hcache *hc = m->private;
	time64_t now = ktime_get_boottime_seconds();
	struct sns_hentry *e;

	spin_lock(&hc->lock);
	list_for_each_entry(e, &hc->entries, node) {
		if (e->expiry <= now)
			continue;
		if (e->family == AF_INET)
			seq_printf(m, "%s %pI4 %lld\n", e->name, e->addr,
				   e->expiry - now);
		else
			seq_printf(m, "%s %pI6c %lld\n", e->name, e->addr,
				   e->expiry - now);
	}
	spin_unlock(&hc->lock);
	return 0;
}

static int sns_hc_content_open(struct inode *inode, struct file *file)
{
	struct sns_hcache *hc = nspipefs_file_private(inode, NULL);

	if (!hc)
		return -ENXIO;
	return single_open(file, sns_hc_content_show, hc);
}

static const struct file_operations sns_hc_content_fops = {
	.owner		= THIS_MODULE,
	.open		= sns_hc_content_open,
	.read_iter	= seq_read_iter,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* Drop every entry.  hc->lock held. */
static void sns_hc_drop_all(struct sns_hcache *hc)
{
	struct sns_hentry *e, *tmp;

	list_for_each_entry_safe(e, tmp, &hc->entries, node) {
		list_del(&e->node);
		kfree(e);
	}
	hc->nentries = 0;
}

/* flush: writing a decimal number (a time, as upstream's) drops all. */
static ssize_t sns_hc_flush_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct sns_hcache *hc = iocb->ki_filp->private_data;
	size_t len = iov_iter_count(from);
	char buf[24];
	u64 v;

	if (!len || len >= sizeof(buf))
		goto bad;
	if (!copy_from_iter_full(buf, len, from))
		return -EFAULT;
	buf[len] = '\0';
	if (!isdigit(buf[0]) || kstrtou64(buf, 10, &v))
		goto bad;
	spin_lock(&hc->lock);
	sns_hc_drop_all(hc);
	spin_unlock(&hc->lock);
	return len;

bad:
	pr_warn_ratelimited("netns %u: host cache: bad flush refused\n",
			    hc->net->ns.inum);
	return -EINVAL;
}

static const struct file_operations sns_hc_flush_fops = {
	.owner		= THIS_MODULE,
	.open		= sns_hc_open,
	.write_iter	= sns_hc_flush_write,
	.llseek		= noop_llseek,
};

/**
 * sns_hcache_net_init() - a netns's host cache and its rpc_pipefs files
 * @net: the namespace
 *
 * Return: 0 or -ENOMEM (or another error of nsmods_pipefs).
 */
int sns_hcache_net_init(struct net *net)
{
	struct sns_net *sn = sns_net(net);
	struct sns_hcache *hc;
	int err;

	hc = kzalloc(sizeof(*hc), GFP_KERNEL);
	if (!hc)
		return -ENOMEM;
	hc->net = net;
	spin_lock_init(&hc->lock);
	INIT_LIST_HEAD(&hc->entries);
	INIT_LIST_HEAD(&hc->reqs);
	init_waitqueue_head(&hc->resolvers);
	init_waitqueue_head(&hc->readers);
	nspipefs_dir_init(&hc->dir, "cache", "sunrpc_ns_hosts");
	nspipefs_file_init(&hc->channel, "channel", 0600, &sns_hc_channel_fops,
			   hc);
	nspipefs_file_init(&hc->content, "content", 0400, &sns_hc_content_fops,
			   hc);
	nspipefs_file_init(&hc->flush, "flush", 0200, &sns_hc_flush_fops, hc);

	/* -ENODEV: nothing mounted now, made at the next mount. */
	err = nspipefs_dir_add(net, &hc->dir);
	if (err && err != -ENODEV)
		goto err_free;
	err = nspipefs_file_add(&hc->dir, &hc->channel);
	if (err && err != -ENODEV)
		goto err_dir;
	err = nspipefs_file_add(&hc->dir, &hc->content);
	if (err && err != -ENODEV)
		goto err_dir;
	err = nspipefs_file_add(&hc->dir, &hc->flush);
	if (err && err != -ENODEV)
		goto err_dir;
	sn->hcache = hc;
	return 0;

err_dir:
	nspipefs_dir_del(&hc->dir);
err_free:
	kfree(hc);
	return err;
}

/**
 * sns_hcache_net_exit() - remove a netns's host cache
 * @net: the namespace; its rpc_pipefs is not mounted (a mount pins it)
 */
void sns_hcache_net_exit(struct net *net)
{
	struct sns_net *sn = sns_net(net);
	struct sns_hcache *hc = sn->hcache;
	struct sns_hreq *req, *tmp;

	if (!hc)
		return;
	nspipefs_dir_del(&hc->dir);
	spin_lock(&hc->lock);
	sns_hc_drop_all(hc);
	list_for_each_entry_safe(req, tmp, &hc->reqs, node) {
		list_del(&req->node);
		kfree(req);
	}
	hc->nreqs = 0;
	spin_unlock(&hc->lock);
	sn->hcache = NULL;
	kfree(hc);
}
