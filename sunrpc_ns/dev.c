// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: the /dev/nsmods_sunrpc_ns misc device and the client fds it
 * makes.
 *
 * SUNRPC_NS_IOC_CREATE and SUNRPC_NS_IOC_CREATE_HOST on the device make a
 * client in the caller's netns and return it as an anon inode fd; the
 * client dies with the fd's last reference, and the fd pins the module
 * through f_op->owner.  Creating needs CAP_NET_ADMIN over the netns the
 * client's sockets will be made in (the device is 0666 so that the root
 * of a user namespace owning its netns may).  On a client fd, whoever
 * holds it: SUNRPC_NS_IOC_CALL, _INFO, _RPCB (rpcb.c), _UPCALL
 * (upcall.c); _CALLBACK and _CALLBACK_FLAGS (svc.c) make a listener (and
 * may register it with rpcbind) and need CAP_NET_ADMIN over the client's
 * netns again.  The uapi: include/uapi/linux/nsmods_sunrpc_ns.h
 * (Documentation/sunrpc_ns.rst).
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include <uapi/linux/nsmods_sunrpc_ns.h>
#include <nsmods/sunrpc_ns.h>
#include "internal.h"

static long sns_ioc_call(struct sns_clnt *clnt, struct sunrpc_ns_call __user *uarg)
{
	struct sunrpc_ns_call c;
	size_t len, off, res;
	void *args = NULL;
	u8 *buf;
	int err;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	if (c.pad || c.args_len % 4 || c.args_len > SUNRPC_NS_MAX_ARGS) {
		pr_info_ratelimited("call: bad argument length %u\n", c.args_len);
		return -EINVAL;
	}
	if (c.args_len) {
		/* vmemdup_user() would not charge the caller's memcg */
		args = kvmalloc(c.args_len, GFP_KERNEL_ACCOUNT);
		if (!args)
			return -ENOMEM;
		if (copy_from_user(args, u64_to_user_ptr(c.args), c.args_len)) {
			kvfree(args);
			return -EFAULT;
		}
	}
	err = sns_clnt_call(clnt, c.proc, args, c.args_len, c.res_len, &buf,
			    &len, &off);
	kvfree(args);
	if (err == -EMSGSIZE)	/* len: the room the result needs, or 0 */
		return put_user((u32)len, &uarg->res_len) ? -EFAULT : err;
	if (err)
		return err;
	res = len - off;
	if (copy_to_user(u64_to_user_ptr(c.res), buf + off, res) ||
	    put_user((u32)res, &uarg->res_len))
		err = -EFAULT;
	kvfree(buf);
	return err;
}

static long sns_ioc_info(struct sns_clnt *clnt, struct sunrpc_ns_info __user *uarg)
{
	struct sunrpc_ns_info i;

	memset(&i, 0, sizeof(i));
	i.net_inum = clnt->net->ns.inum;
	i.port = clnt->port;
	i.prog = clnt->prog;
	i.vers = clnt->vers;
	i.proto = clnt->proto;
	i.family = clnt->family;
	i.calls = atomic64_read(&clnt->calls);
	i.retrans = atomic64_read(&clnt->retrans);
	i.reconnects = atomic64_read(&clnt->reconnects);
	i.sockets = atomic64_read(&clnt->sockets);
	i.bad_replies = atomic64_read(&clnt->bad_replies);
	strscpy(i.nodename, clnt->nodename, sizeof(i.nodename));
	i.clnt_id = clnt->id;
	return copy_to_user(uarg, &i, sizeof(i)) ? -EFAULT : 0;
}

/*
 * Kernel sockets pass no LSM, seccomp or cgroup socket hook: making one in
 * @net needs what configuring @net needs.  @what names it in the log.
 */
static int sns_may_make_sockets(struct net *net, const char *what)
{
	if (ns_capable(net->user_ns, CAP_NET_ADMIN))
		return 0;
	pr_info_ratelimited("%s: uid %u lacks CAP_NET_ADMIN over netns %u\n",
			    what, from_kuid(&init_user_ns, current_euid()),
			    net->ns.inum);
	return -EPERM;
}

/* SUNRPC_NS_IOC_CALLBACK(_FLAGS): the service's port, or an errno. */
static long sns_ioc_callback(struct sns_clnt *clnt, u32 flags)
{
	u16 port = 0;
	int err;

	err = sns_may_make_sockets(clnt->net, "callback");
	if (err)
		return err;
	err = sns_svc_get(clnt, flags, &port);
	return err ?: port;
}

static long sns_ioc_callback_flags(struct sns_clnt *clnt,
				   struct sunrpc_ns_callback __user *uarg)
{
	struct sunrpc_ns_callback cb;
	long port;

	if (copy_from_user(&cb, uarg, sizeof(cb)))
		return -EFAULT;
	if ((cb.flags & ~SUNRPC_NS_CB_RPCBIND) || cb.pad[0] || cb.pad[1]) {
		pr_info_ratelimited("callback: bad flags %#x\n", cb.flags);
		return -EINVAL;
	}
	port = sns_ioc_callback(clnt, cb.flags);
	if (port < 0)
		return port;
	return put_user((u32)port, &uarg->port) ? -EFAULT : 0;
}

static long sns_clnt_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct sns_clnt *clnt = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SUNRPC_NS_IOC_CALL:
		return sns_ioc_call(clnt, uarg);
	case SUNRPC_NS_IOC_INFO:
		return sns_ioc_info(clnt, uarg);
	case SUNRPC_NS_IOC_RPCB:
		return sns_ioc_rpcb(clnt, uarg);
	case SUNRPC_NS_IOC_CALLBACK:
		return sns_ioc_callback(clnt, 0);
	case SUNRPC_NS_IOC_CALLBACK_FLAGS:
		return sns_ioc_callback_flags(clnt, uarg);
	case SUNRPC_NS_IOC_UPCALL:
		return sns_ioc_upcall(clnt, uarg);
	}
	if (_IOC_TYPE(cmd) == SUNRPC_NS_IOC_MAGIC)
		pr_info_ratelimited("unknown client ioctl 0x%x\n", cmd);
	return -ENOTTY;
}

static int sns_clnt_release(struct inode *inode, struct file *file)
{
	sns_clnt_free(file->private_data);
	return 0;
}

static const struct file_operations sns_clnt_fops = {
	.owner = THIS_MODULE,
	.release = sns_clnt_release,
	.unlocked_ioctl = sns_clnt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * May the caller make clients in its netns, with a reserved port if
 * @flags asks?  Checked before anything else a create does.
 */
static int sns_may_create(u32 flags)
{
	struct net *net = current->nsproxy->net_ns;
	int err;

	err = sns_may_make_sockets(net, "create");
	if (err)
		return err;
	if ((flags & SUNRPC_NS_RESVPORT) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE)) {
		pr_info_ratelimited("create: uid %u lacks CAP_NET_BIND_SERVICE for a reserved port\n",
				    from_kuid(&init_user_ns, current_euid()));
		return -EPERM;
	}
	return 0;
}

/* Make a client in the caller's netns, as an fd; @host: its name. */
static long sns_create(const struct sunrpc_ns_create *c, const char *host)
{
	struct sns_clnt *clnt;
	int fd;

	clnt = sns_clnt_create(current->nsproxy->net_ns, c, host);
	if (IS_ERR(clnt))
		return PTR_ERR(clnt);
	fd = anon_inode_getfd("[sunrpc_ns_clnt]", &sns_clnt_fops, clnt,
			      O_RDWR | (c->flags & SUNRPC_NS_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0)
		sns_clnt_free(clnt);
	return fd;
}

static long sns_ioc_create(struct sunrpc_ns_create __user *uarg)
{
	struct sunrpc_ns_create c;
	int err;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	err = sns_may_create(c.flags);
	if (err)
		return err;
	return sns_create(&c, "");
}

/* By name: the netns's host cache gives the address. */
static long sns_ioc_create_host(struct sunrpc_ns_create_host __user *uarg)
{
	struct sunrpc_ns_create_host h;
	size_t len;
	u32 family;
	u8 addr[16];
	int err;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	/* Before the lookup: no upcall for those who may not create. */
	err = sns_may_create(h.create.flags);
	if (err)
		return err;
	len = strnlen(h.host, sizeof(h.host));
	if (h.pad || h.resolve_ms > 60000 || len == sizeof(h.host) ||
	    !sns_hc_name_ok(h.host, len) || memchr_inv(h.create.addr, 0, 16) ||
	    (h.create.family && h.create.family != AF_INET &&
	     h.create.family != AF_INET6)) {
		pr_info_ratelimited("create by host: bad parameters\n");
		return -EINVAL;
	}
	err = sns_hcache_resolve(current->nsproxy->net_ns, h.host,
				 msecs_to_jiffies(h.resolve_ms ?: 5000),
				 &family, addr);
	if (err)
		return err;
	if (h.create.family && h.create.family != family)
		return -EAFNOSUPPORT;
	h.create.family = family;
	memcpy(h.create.addr, addr, sizeof(addr));
	return sns_create(&h.create, h.host);
}

static long sns_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	if (cmd == SUNRPC_NS_IOC_CREATE)
		return sns_ioc_create((void __user *)arg);
	if (cmd == SUNRPC_NS_IOC_CREATE_HOST)
		return sns_ioc_create_host((void __user *)arg);
	if (_IOC_TYPE(cmd) == SUNRPC_NS_IOC_MAGIC)
		pr_info_ratelimited("unknown device ioctl 0x%x\n", cmd);
	return -ENOTTY;
}

static const struct file_operations sns_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = sns_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice sns_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "nsmods_sunrpc_ns",
	.fops = &sns_dev_fops,
	.mode = 0666,
};

/* Module init: /dev/nsmods_sunrpc_ns appears. */
int sns_dev_init(void)
{
	return misc_register(&sns_misc);
}

/* Module exit: no client fd is left, they pin the module. */
void sns_dev_exit(void)
{
	misc_deregister(&sns_misc);
}
