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

#include <uapi/linux/nsmods_nsfs.h>
#include <nsmods/nsfs.h>

static const struct {
	u32 type;
	const char *name;	/* the entry in /proc/PID/ns */
} nsfs_types[] = {
	{ CLONE_NEWNET, "net" },
	{ CLONE_NEWIPC, "ipc" },
	{ CLONE_NEWUTS, "uts" },
	{ CLONE_NEWNS, "mnt" },
	{ CLONE_NEWPID, "pid" },
	{ CLONE_NEWUSER, "user" },
	{ CLONE_NEWCGROUP, "cgroup" },
	{ CLONE_NEWTIME, "time" },
};

static const char *nsfs_type_name(u32 type)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(nsfs_types); i++)
		if (nsfs_types[i].type == type)
			return nsfs_types[i].name;
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

static struct pid *nsfs_pidfd_pid(unsigned int fd)
{
	struct pid *pid = ERR_PTR(-EBADF);
	struct file *f;

	f = fget(fd);
	if (!f)
		return pid;
	if (nsfs_file_is_pidfd(f))
		pid = get_pid(nsfs_pidfd_file_pid(f));
	else
		pr_info_ratelimited("fd %u is not a pidfd\n", fd);
	fput(f);
	return pid;
}

static struct ns_common *nsfs_ns_of(const struct nsmods_nsfs_open *req,
				    const char *name)
{
	struct ns_common *ns;
	struct pid *pid;
	bool alive;
	pid_t nr;

	if (!(req->flags & NSMODS_NSFS_OPEN_PIDFD)) {
		rcu_read_lock();
		pid = find_vpid(req->pid);
		alive = pid && pid_task(pid, PIDTYPE_PID);
		rcu_read_unlock();
		if (!alive)
			return ERR_PTR(-ESRCH);
		return nsfs_ns_from_proc(req->pid, req->type, name);
	}

	pid = nsfs_pidfd_pid(req->pid);
	if (IS_ERR(pid))
		return ERR_CAST(pid);
	/* A reaped task's struct pid keeps its numbers: check for a task. */
	rcu_read_lock();
	alive = pid_task(pid, PIDTYPE_PID);
	rcu_read_unlock();
	nr = pid_vnr(pid);
	if (!alive || !nr) {
		ns = ERR_PTR(-ESRCH);
		goto out;
	}
	ns = nsfs_ns_from_proc(nr, req->type, name);
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

static long nsfs_dev_open_ns(void __user *arg)
{
	struct nsmods_nsfs_open req;
	struct ns_common *ns;
	const char *name;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~NSMODS_NSFS_OPEN_PIDFD || req.pad) {
		pr_info_ratelimited("open: unknown flags %#x or pad %#x\n",
				    req.flags, req.pad);
		return -EINVAL;
	}
	name = nsfs_type_name(req.type);
	if (!name) {
		pr_info_ratelimited("open: %#x is not a namespace type\n",
				    req.type);
		return -EINVAL;
	}
	if (req.pid > INT_MAX ||
	    (!req.pid && !(req.flags & NSMODS_NSFS_OPEN_PIDFD))) {
		pr_info_ratelimited("open: bad pid %u\n", req.pid);
		return -EINVAL;
	}

	ns = nsfs_ns_of(&req, name);
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
