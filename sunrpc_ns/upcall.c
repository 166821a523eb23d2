// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: gssd-like upcalls on a client's rpc_pipefs pipe,
 * nfs/clnt<id>/gssd (made with the client's directory, clnt_pipefs.c).
 *
 * SUNRPC_NS_IOC_UPCALL queues "seq=<n> <request>\n" on the pipe and waits
 * for the downcall "seq=<n> <answer>\n" written to the same pipe.  Each
 * upcall has two references, the waiter's and the pipe's until it hands
 * the message back, so it is freed exactly once whichever ends first.
 * As upstream's gss layer: an upcall gssd read but did not answer fails
 * with EPIPE when gssd's last file of the pipe closes (or the pipe goes);
 * one still queued when gssd's last reader closes fails with EAGAIN; one
 * whose waiter gave up is withdrawn from the queue.
 * Upstream's model: net/sunrpc/auth_gss/auth_gss.c (gss_pipe_downcall(),
 * upcalls matched to their waiters); the format is our own
 * (Documentation/sunrpc_ns.rst).
 */
#include <linux/completion.h>
#include <linux/kernel.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "internal.h"

/* How long a gssd upcall waits for gssd to open the pipe. */
#define SNS_GSSD_OPEN_TIMEOUT	(5 * HZ)
#define SNS_GSS_LINE_MAX	(SUNRPC_NS_UPCALL_MAX + 16)

struct sns_upcall {
	struct nspipefs_msg msg;
	struct list_head node;		/* on clnt->upcalls while unanswered */
	refcount_t ref;			/* the waiter's, and the pipe's until
					 * it hands the message back
					 */
	struct completion done;
	u32 seq;
	bool read;			/* (upcall_lock) gssd read it in full */
	int err;			/* (upcall_lock) the result, once done */
	char answer[SUNRPC_NS_UPCALL_MAX];
	char text[SNS_GSS_LINE_MAX];
};

static void sns_upcall_put(struct sns_upcall *up)
{
	if (refcount_dec_and_test(&up->ref))
		kfree(up);
}

static bool sns_printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/**
 * sns_gss_parse() - parse a gssd-like downcall
 * @buf: what userspace wrote, not NUL-terminated
 * @len: its length
 * @seq: set to the upcall's number
 * @answer: set to the answer, NUL-terminated
 * @room: room at @answer, NUL included
 *
 * The format is "seq=<decimal> <answer>\n": the number without sign or
 * leading zeros, one space, an answer of printable ASCII that fits @room,
 * one newline at the very end.
 *
 * Return: 0, or -EINVAL for anything else.
 */
int sns_gss_parse(const char *buf, size_t len, u32 *seq, char *answer,
		  size_t room)
{
	char num[11];
	const char *sp;
	size_t n;

	if (len < 7 || memcmp(buf, "seq=", 4) || buf[len - 1] != '\n')
		return -EINVAL;
	buf += 4;
	len -= 5;		/* "seq=" and the newline */
	sp = memchr(buf, ' ', len);
	if (!sp)
		return -EINVAL;
	n = sp - buf;
	if (!sns_digits(buf, n, num, sizeof(num)) || (buf[0] == '0' && n > 1) ||
	    kstrtou32(num, 10, seq))
		return -EINVAL;
	buf += n + 1;
	len -= n + 1;
	if (!len || len >= room || !sns_printable(buf, len))
		return -EINVAL;
	memcpy(answer, buf, len);
	answer[len] = '\0';
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_gss_parse);

static ssize_t sns_gssd_downcall(struct nspipefs_pipe *pipe, const void *buf,
				 size_t len)
{
	struct sns_clnt *clnt = pipe->private;
	char answer[SUNRPC_NS_UPCALL_MAX];
	struct sns_upcall *up;
	u32 seq;

	if (sns_gss_parse(buf, len, &seq, answer, sizeof(answer))) {
		pr_warn_ratelimited("client %u: malformed gssd downcall (%zu bytes)\n",
				    clnt->id, len);
		return -EINVAL;
	}
	spin_lock(&clnt->upcall_lock);
	list_for_each_entry(up, &clnt->upcalls, node) {
		if (up->seq != seq)
			continue;
		strscpy(up->answer, answer, sizeof(up->answer));
		up->err = 0;
		list_del_init(&up->node);
		complete(&up->done);
		spin_unlock(&clnt->upcall_lock);
		return len;
	}
	spin_unlock(&clnt->upcall_lock);
	pr_info_ratelimited("client %u: gssd downcall for seq=%u, which nobody waits for\n",
			    clnt->id, seq);
	return -ENOENT;
}

/* The pipe is done with a message: read (err 0), or dropped. */
static void sns_gssd_destroy_msg(struct nspipefs_pipe *pipe,
				 struct nspipefs_msg *msg)
{
	struct sns_upcall *up = container_of(msg, struct sns_upcall, msg);
	struct sns_clnt *clnt = pipe->private;

	spin_lock(&clnt->upcall_lock);
	if (!msg->err) {
		/* gssd has it; its answer, or its going, ends the wait. */
		up->read = true;
	} else if (!list_empty(&up->node)) {
		/* It never reached gssd: the waiter learns why at once. */
		up->err = msg->err;
		list_del_init(&up->node);
		complete(&up->done);
	}
	spin_unlock(&clnt->upcall_lock);
	sns_upcall_put(up);
}

/*
 * gssd's last file of the pipe closed, or the pipe was taken out while
 * open: nobody will answer what it read, which fails with EPIPE at once
 * (upstream's gss_pipe_release()).
 */
static void sns_gssd_release(struct nspipefs_pipe *pipe)
{
	struct sns_clnt *clnt = pipe->private;
	struct sns_upcall *up, *tmp;

	spin_lock(&clnt->upcall_lock);
	list_for_each_entry_safe(up, tmp, &clnt->upcalls, node) {
		if (!up->read)
			continue;
		up->err = -EPIPE;
		list_del_init(&up->node);
		complete(&up->done);
	}
	spin_unlock(&clnt->upcall_lock);
}

static const struct nspipefs_pipe_ops sns_gssd_ops = {
	.downcall	= sns_gssd_downcall,
	.destroy_msg	= sns_gssd_destroy_msg,
	.release	= sns_gssd_release,
};

/* The client's gssd pipe, ready for nspipefs_pipe_add(). */
void sns_gssd_pipe_init(struct sns_clnt *clnt)
{
	nspipefs_pipe_init(&clnt->gssd, "gssd", &sns_gssd_ops);
	clnt->gssd.private = clnt;
	clnt->gssd.max_downcall = SNS_GSS_LINE_MAX;
	clnt->gssd.upcall_timeout = SNS_GSSD_OPEN_TIMEOUT;
}

/**
 * sns_ioc_upcall() - SUNRPC_NS_IOC_UPCALL: ask gssd, wait for its answer
 * @clnt: the client
 * @uarg: the &struct sunrpc_ns_upcall
 *
 * Return: 0 with the answer copied out, or an errno.
 */
long sns_ioc_upcall(struct sns_clnt *clnt,
		    struct sunrpc_ns_upcall __user *uarg)
{
	struct sunrpc_ns_upcall *u;
	struct sns_upcall *up;
	size_t len;
	long left;
	int err;

	u = memdup_user(uarg, sizeof(*u));
	if (IS_ERR(u))
		return PTR_ERR(u);
	len = strnlen(u->data, sizeof(u->data));
	if (u->pad || u->timeout_ms > 60000 || !len ||
	    len == sizeof(u->data) || !sns_printable(u->data, len)) {
		pr_info_ratelimited("client %u: bad upcall request\n", clnt->id);
		err = -EINVAL;
		goto out_free_u;
	}
	up = kzalloc(sizeof(*up), GFP_KERNEL_ACCOUNT);
	if (!up) {
		err = -ENOMEM;
		goto out_free_u;
	}
	init_completion(&up->done);
	INIT_LIST_HEAD(&up->node);
	/* The waiter's reference, and the pipe's once it takes the message. */
	refcount_set(&up->ref, 2);
	spin_lock(&clnt->upcall_lock);
	up->seq = ++clnt->upcall_seq;
	list_add_tail(&up->node, &clnt->upcalls);
	spin_unlock(&clnt->upcall_lock);
	up->msg.data = up->text;
	up->msg.len = scnprintf(up->text, sizeof(up->text), "seq=%u %s\n",
				up->seq, u->data);

	err = nspipefs_queue_upcall(&clnt->gssd, &up->msg);
	if (err) {
		spin_lock(&clnt->upcall_lock);
		list_del_init(&up->node);
		spin_unlock(&clnt->upcall_lock);
		kfree(up);
		goto out_free_u;
	}

	left = msecs_to_jiffies(u->timeout_ms ?: 5000);
	left = wait_for_completion_interruptible_timeout(&up->done, left);
	spin_lock(&clnt->upcall_lock);
	if (!list_empty(&up->node)) {
		/* Not answered: no downcall can reach it any more. */
		list_del_init(&up->node);
		err = left < 0 ? -EINTR : -ETIMEDOUT;
	} else {
		err = up->err;
	}
	spin_unlock(&clnt->upcall_lock);
	/* Gave up: an upcall gssd has not begun leaves the queue. */
	if (err == -EINTR || err == -ETIMEDOUT)
		nspipefs_withdraw_upcall(&clnt->gssd, &up->msg);
	if (!err) {
		memset(u->data, 0, sizeof(u->data));
		strscpy(u->data, up->answer, sizeof(u->data));
		if (copy_to_user(uarg, u, sizeof(*u)))
			err = -EFAULT;
	}
	sns_upcall_put(up);
out_free_u:
	kfree(u);
	return err;
}
