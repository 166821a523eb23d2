// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods_nsfs: /dev/nsmods_nsfs, where users get namespace descriptors.
 *
 * A module cannot reach the kernel's proc_ns_operations by symbol, nor
 * ptrace_may_access(), so the namespace is taken from the caller's own
 * /proc/PID/ns/TYPE, opened with the caller's credentials: proc makes its
 * ptrace read check and hands us a file of the kernel's nsfs, whose inode
 * gives the struct ns_common.  We take a reference of our own and serve
 * the namespace from our filesystem.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <uapi/linux/pidfd.h>

#include <uapi/linux/nsmods_nsfs.h>
#include <nsmods/nsfs.h>

static const struct nsfs_type {
	u32 type;
	const char *name;	/* the entry in /proc/PID/ns */
	const char *children;	/* its *_for_children entry, if any */
	unsigned int pidfd_ioc;	/* a pidfd's ioctl for it, and for children */
	unsigned int pidfd_children_ioc;
} nsfs_types[] = {
	{ CLONE_NEWNET, "net", NULL, NSFS_PIDFD_GET_NET, 0 },
	{ CLONE_NEWIPC, "ipc", NULL, NSFS_PIDFD_GET_IPC, 0 },
	{ CLONE_NEWUTS, "uts", NULL, NSFS_PIDFD_GET_UTS, 0 },
	{ CLONE_NEWNS, "mnt", NULL, NSFS_PIDFD_GET_MNT, 0 },
	{ CLONE_NEWPID, "pid", "pid_for_children", NSFS_PIDFD_GET_PID,
	  NSFS_PIDFD_GET_PID_CHILDREN },
	{ CLONE_NEWUSER, "user", NULL, NSFS_PIDFD_GET_USER, 0 },
	{ CLONE_NEWCGROUP, "cgroup", NULL, NSFS_PIDFD_GET_CGROUP, 0 },
	{ CLONE_NEWTIME, "time", "time_for_children", NSFS_PIDFD_GET_TIME,
	  NSFS_PIDFD_GET_TIME_CHILDREN },
};

static const struct nsfs_type *nsfs_find_type(u32 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(nsfs_types); i++)
		if (nsfs_types[i].type == type)
			return &nsfs_types[i];
	return NULL;
}

/*
 * The namespace of type @type of the task @nr in the caller's pid
 * namespace, through the caller's procfs, with a reference of ours.
 */
static struct ns_common *nsfs_ns_from_proc(pid_t nr, u32 type,
					   const char *name)
{
	struct super_block *sb;
	struct ns_common *ns;
	struct path dir;
	struct file *f;
	char buf[32];
	int err;

	snprintf(buf, sizeof(buf), "/proc/%d/ns", nr);
	err = kern_path(buf, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
	if (err)
		return ERR_PTR(err);

	/* Only a procfs of the caller's pid namespace says what @nr is. */
	sb = dir.dentry->d_sb;
	if (sb->s_magic != PROC_SUPER_MAGIC ||
	    proc_sb_info(sb)->pid_ns != task_active_pid_ns(current)) {
		pr_info_ratelimited("%s is not on a procfs of the caller's pid namespace\n",
				    buf);
		path_put(&dir);
		return ERR_PTR(-ENOENT);
	}

	/* proc's ns link makes the ptrace read check with our credentials. */
	f = file_open_root(&dir, name, O_RDONLY, 0);
	path_put(&dir);
	if (IS_ERR(f))
		return ERR_CAST(f);

	ns = ERR_PTR(-EINVAL);
	if (file_inode(f)->i_sb->s_magic != NSFS_MAGIC) {
		pr_warn_ratelimited("/proc/%d/ns/%s is not an nsfs file\n",
				    nr, name);
		goto out;
	}
	ns = get_proc_ns(file_inode(f));
	if (ns->ops->type != type) {
		pr_warn_ratelimited("/proc/%d/ns/%s is a %s namespace\n",
				    nr, name, ns->ops->name);
		ns = ERR_PTR(-EINVAL);
		goto out;
	}
	/* @f pins @ns until our reference is taken. */
	nsfs_ns_get(ns);
out:
	fput(f);
	return ns;
}

/*
 * The struct pid of a pidfd.  pidfd_pid() is not exported; since 6.9 a
 * pidfd is a file of pidfs, whose inode's i_private is the struct pid
 * (fs/pidfs.c) and which the file pins.
 */
#ifdef NSMODS_HAVE_PIDFS
static bool nsfs_file_is_pidfd(struct file *f)
{
	return file_inode(f)->i_sb->s_magic == PID_FS_MAGIC;
}

static struct pid *nsfs_pidfd_file_pid(struct file *f)
{
	return file_inode(f)->i_private;
}
#else
/*
 * Before pidfs, a pidfd is an anonymous-inode file named "[pidfd]" whose
 * private_data is the struct pid (kernel/fork.c, pidfd_prepare()); only
 * the kernel names anonymous files.
 */
static bool nsfs_file_is_pidfd(struct file *f)
{
	return file_inode(f)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       !strcmp(f->f_path.dentry->d_name.name, "[pidfd]");
}

static struct pid *nsfs_pidfd_file_pid(struct file *f)
{
	return f->private_data;
}
#endif

/*
 * A process that unshared its pid namespace has no pid_for_children until
 * its first child is that namespace's init: /proc/PID/ns says ENOENT.
 */
static struct ns_common *nsfs_check_children(struct ns_common *ns)
{
	struct pid_namespace *pid_ns;

	if (ns->ops->type != CLONE_NEWPID)
		return ns;
	pid_ns = container_of(ns, struct pid_namespace, ns);
	if (READ_ONCE(pid_ns->child_reaper))
		return ns;
	ns->ops->put(ns);
	return ERR_PTR(-ENOENT);
}

/*
 * Through the pidfd's own ioctl (pidfs, 6.11 on), which makes the ptrace
 * read check /proc/PID/ns makes and needs no procfs.  It installs a
 * descriptor of the kernel's nsfs in the caller's table, which we take
 * back out at once.  -ENOIOCTLCMD where the pidfd has no such ioctl.
 */
static struct ns_common *nsfs_ns_from_pidfd_ioctl(struct file *f,
						  const struct nsfs_type *t,
						  bool children)
{
	unsigned int cmd = children ? t->pidfd_children_ioc : t->pidfd_ioc;
	struct ns_common *ns;
	struct file *kf;
	long fd;

	if (!f->f_op->unlocked_ioctl)
		return ERR_PTR(-ENOIOCTLCMD);
	fd = f->f_op->unlocked_ioctl(f, cmd, 0);
	if (fd == -ENOTTY)
		fd = -ENOIOCTLCMD;
	if (fd < 0)
		return ERR_PTR(fd);
	kf = nsfs_take_kernel_fd(fd, t->type);
	if (IS_ERR(kf))
		return ERR_CAST(kf);
	/* @kf pins the namespace until our reference is taken. */
	ns = nsfs_ns_get(get_proc_ns(file_inode(kf)));
	fput(kf);
	return children ? nsfs_check_children(ns) : ns;
}

/*
 * Before pidfs's ioctls: the pidfd's struct pid, its number in the
 * caller's pid namespace, and /proc/PID/ns of that number, which must
 * still name the same struct pid afterwards.
 */
static struct ns_common *nsfs_ns_from_pidfd_proc(struct file *f,
						 const struct nsfs_type *t,
						 const char *name)
{
	struct pid *pid = get_pid(nsfs_pidfd_file_pid(f));
	struct ns_common *ns;
	bool alive;
	pid_t nr;

	/* A reaped task's struct pid keeps its numbers: check for a task. */
	rcu_read_lock();
	alive = pid_task(pid, PIDTYPE_PID);
	rcu_read_unlock();
	nr = pid_vnr(pid);
	if (!alive || !nr) {
		ns = ERR_PTR(-ESRCH);
		goto out;
	}
	ns = nsfs_ns_from_proc(nr, t->type, name);
	if (IS_ERR(ns))
		goto out;
	/*
	 * @nr named @pid before and after the open: a pid number, once freed,
	 * never names the same struct pid again, so the open found @pid's task.
	 */
	rcu_read_lock();
	if (find_vpid(nr) != pid) {
		ns->ops->put(ns);
		ns = ERR_PTR(-ESRCH);
	}
	rcu_read_unlock();
out:
	put_pid(pid);
	return ns;
}

static struct ns_common *nsfs_ns_of(const struct nsmods_nsfs_open *req,
				    const struct nsfs_type *t)
{
	bool children = req->flags & NSMODS_NSFS_OPEN_FOR_CHILDREN;
	const char *name = children ? t->children : t->name;
	struct ns_common *ns;
	struct pid *pid;
	struct file *f;
	bool alive;

	if (!(req->flags & NSMODS_NSFS_OPEN_PIDFD)) {
		rcu_read_lock();
		pid = find_vpid(req->pid);
		alive = pid && pid_task(pid, PIDTYPE_PID);
		rcu_read_unlock();
		if (!alive)
			return ERR_PTR(-ESRCH);
		return nsfs_ns_from_proc(req->pid, t->type, name);
	}

	f = fget(req->pid);
	if (!f)
		return ERR_PTR(-EBADF);
	if (!nsfs_file_is_pidfd(f)) {
		pr_info_ratelimited("fd %u is not a pidfd\n", req->pid);
		ns = ERR_PTR(-EBADF);
	} else {
		ns = nsfs_ns_from_pidfd_ioctl(f, t, children);
		/* Before 6.11: through procfs. */
		if (ns == ERR_PTR(-ENOIOCTLCMD))
			ns = nsfs_ns_from_pidfd_proc(f, t, name);
	}
	fput(f);
	return ns;
}

static long nsfs_dev_open_ns(void __user *arg)
{
	struct nsmods_nsfs_open req;
	const struct nsfs_type *t;
	struct ns_common *ns;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~(NSMODS_NSFS_OPEN_PIDFD | NSMODS_NSFS_OPEN_FOR_CHILDREN) ||
	    req.pad) {
		pr_info_ratelimited("open: unknown flags %#x or pad %#x\n",
				    req.flags, req.pad);
		return -EINVAL;
	}
	t = nsfs_find_type(req.type);
	if (!t) {
		pr_info_ratelimited("open: %#x is not a namespace type\n",
				    req.type);
		return -EINVAL;
	}
	if (req.flags & NSMODS_NSFS_OPEN_FOR_CHILDREN && !t->children) {
		pr_info_ratelimited("open: %s namespaces have none for children\n",
				    t->name);
		return -EINVAL;
	}
	if (req.pid > INT_MAX ||
	    (!req.pid && !(req.flags & NSMODS_NSFS_OPEN_PIDFD))) {
		pr_info_ratelimited("open: bad pid %u\n", req.pid);
		return -EINVAL;
	}

	ns = nsfs_ns_of(&req, t);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	return nsfs_open_ns(ns);
}

static long nsfs_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	if (cmd == NSMODS_NSFS_IOC_OPEN)
		return nsfs_dev_open_ns((void __user *)arg);
	pr_debug_ratelimited("unknown ioctl %#x on the device\n", cmd);
	return -ENOTTY;
}

static const struct file_operations nsfs_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = nsfs_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice nsfs_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "nsmods_nsfs",
	.fops = &nsfs_dev_fops,
	.mode = 0666,
};

/**
 * nsfs_dev_init() - register /dev/nsmods_nsfs
 *
 * Return: 0 or a negative errno.
 */
int nsfs_dev_init(void)
{
	int err = misc_register(&nsfs_miscdev);

	if (err)
		pr_err("cannot register the device: %d\n", err);
	return err;
}

/**
 * nsfs_dev_exit() - remove /dev/nsmods_nsfs
 */
void nsfs_dev_exit(void)
{
	misc_deregister(&nsfs_miscdev);
}
