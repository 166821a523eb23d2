// SPDX-License-Identifier: GPL-2.0
/*
 * nsmods-nsfs: namespace descriptors from nsmods_nsfs.ko (/dev/nsmods_nsfs):
 * list a process's namespaces, open one, compare two processes, run a
 * command in namespaces given by descriptors of ours; see --help.
 *
 * Exit status: 0 success (compare: all the same), 1 an error (compare: a
 * difference), 2 a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/nsfs.h>
#include <linux/nsmods_nsfs.h>

#define DEVICE		"/dev/nsmods_nsfs"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_FDS		16

static const char usage_text[] =
"usage: nsmods-nsfs [-P] COMMAND [ARGS]\n"
"\n"
"Namespace descriptors from " DEVICE " (nsmods_nsfs.ko).  A process is\n"
"named by its pid; the descriptor is asked for through a pidfd, which needs\n"
"no procfs (-P: through /proc/PID/ns instead).  Opening needs what\n"
"/proc/PID/ns needs: ptrace read access to the process.\n"
"\n"
"Commands:\n"
"  list [PID]              print \"TYPE INUM\" for each namespace of PID\n"
"                          (default: this process), *_for_children too\n"
"  open TYPE PID [CMD [ARG...]]\n"
"                          open PID's TYPE namespace; print \"TYPE:[INUM]\"\n"
"                          and, for a user namespace, its owner's uid; with\n"
"                          CMD, run it with the descriptor open, its number\n"
"                          in $NSMODS_NSFS_FD\n"
"  compare PID1 PID2 [TYPE...]\n"
"                          print \"TYPE same|differs INUM1 INUM2\" for each\n"
"                          type (default: all); exit 1 if any differs\n"
"  exec -f FD [-f FD...] CMD [ARG...]\n"
"  exec -t TYPE[,TYPE...] PID CMD [ARG...]\n"
"                          run CMD in the namespaces given by descriptors of\n"
"                          ours (inherited, e.g. from open) or opened from\n"
"                          PID: each is turned into a kernel nsfs descriptor\n"
"                          (NSMODS_NSFS_GET_NSFS) for setns(2), which needs\n"
"                          its privileges (CAP_SYS_ADMIN over the namespace's\n"
"                          owner, for most types); a user namespace is\n"
"                          entered first; with a pid or time namespace CMD\n"
"                          runs in a child, whose exit status is ours\n"
"\n"
"TYPE: net ipc uts mnt pid user cgroup time pid_for_children\n"
"      time_for_children\n"
"\n"
"Options:\n"
"  -P             through /proc/PID/ns, not a pidfd\n"
"  -h, --help     this text\n";

static const struct ns_type {
	const char *name;
	unsigned int type;
	unsigned int flags;
} types[] = {
	{ "net", CLONE_NEWNET, 0 }, { "ipc", CLONE_NEWIPC, 0 },
	{ "uts", CLONE_NEWUTS, 0 }, { "mnt", CLONE_NEWNS, 0 },
	{ "pid", CLONE_NEWPID, 0 }, { "user", CLONE_NEWUSER, 0 },
	{ "cgroup", CLONE_NEWCGROUP, 0 }, { "time", CLONE_NEWTIME, 0 },
	{ "pid_for_children", CLONE_NEWPID, NSMODS_NSFS_OPEN_FOR_CHILDREN },
	{ "time_for_children", CLONE_NEWTIME, NSMODS_NSFS_OPEN_FOR_CHILDREN },
};

static int use_proc;

static void usage_error(const char *what)
{
	fprintf(stderr, "nsmods-nsfs: %s\n%s", what, usage_text);
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "nsmods-nsfs: %s: %s\n", what, strerror(errno));
	exit(1);
}

static const struct ns_type *find_type(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].name, name))
			return &types[i];
	return NULL;
}

static pid_t parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > 0x7fffffff)
		usage_error("a pid must be a positive number");
	return v;
}

/* A descriptor of ours for @t of @pid, or -1 with errno set. */
static int ns_open(pid_t pid, const struct ns_type *t)
{
	static int dev = -1;
	struct nsmods_nsfs_open req = { .type = t->type, .flags = t->flags };
	int pidfd = -1, fd, err;

	if (dev < 0) {
		dev = open(DEVICE, O_RDONLY | O_CLOEXEC);
		if (dev < 0)
			die("open " DEVICE);
	}
	req.pid = pid;
	if (!use_proc) {
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (pidfd < 0)
			return -1;
		req.pid = pidfd;
		req.flags |= NSMODS_NSFS_OPEN_PIDFD;
	}
	fd = ioctl(dev, NSMODS_NSFS_IOC_OPEN, &req);
	err = errno;
	if (pidfd >= 0)
		close(pidfd);
	errno = err;
	return fd;
}

/* The namespace's inode number, 0 if it cannot be opened. */
static unsigned long ns_inum(pid_t pid, const struct ns_type *t)
{
	struct stat st;
	int fd = ns_open(pid, t);

	if (fd < 0)
		return 0;
	if (fstat(fd, &st))
		die("fstat");
	close(fd);
	return st.st_ino;
}

static int cmd_list(int argc, char **argv)
{
	pid_t pid = argc > 1 ? parse_pid(argv[1]) : getpid();
	unsigned long ino;
	size_t i;

	if (argc > 2)
		usage_error("list takes at most one pid");
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		ino = ns_inum(pid, &types[i]);
		if (ino)
			printf("%s %lu\n", types[i].name, ino);
		else
			printf("%s - (%s)\n", types[i].name, strerror(errno));
	}
	return 0;
}

static int cmd_open(int argc, char **argv)
{
	const struct ns_type *t;
	unsigned int uid;
	struct stat st;
	char num[16];
	int fd;

	if (argc < 3)
		usage_error("open needs TYPE and PID");
	t = find_type(argv[1]);
	if (!t)
		usage_error("unknown namespace type");
	fd = ns_open(parse_pid(argv[2]), t);
	if (fd < 0)
		die("open the namespace");
	if (fstat(fd, &st))
		die("fstat");
	printf("%s:[%lu]\n", t->name, (unsigned long)st.st_ino);
	if (t->type == CLONE_NEWUSER) {
		if (ioctl(fd, NS_GET_OWNER_UID, &uid))
			die("NS_GET_OWNER_UID");
		printf("owner %u\n", uid);
	}
	if (argc == 3)
		return 0;
	fflush(stdout);
	/* The child gets the descriptor: not close-on-exec. */
	if (fcntl(fd, F_SETFD, 0))
		die("fcntl");
	snprintf(num, sizeof(num), "%d", fd);
	setenv("NSMODS_NSFS_FD", num, 1);
	execvp(argv[3], argv + 3);
	die(argv[3]);
	return 1;
}

static int cmd_compare(int argc, char **argv)
{
	const struct ns_type *t;
	unsigned long a, b;
	pid_t p1, p2;
	int i, n, differ = 0;

	if (argc < 3)
		usage_error("compare needs two pids");
	p1 = parse_pid(argv[1]);
	p2 = parse_pid(argv[2]);
	n = argc > 3 ? argc - 3 : (int)ARRAY_SIZE(types);
	for (i = 0; i < n; i++) {
		t = argc > 3 ? find_type(argv[3 + i]) : &types[i];
		if (!t)
			usage_error("unknown namespace type");
		a = ns_inum(p1, t);
		if (!a)
			die(t->name);
		b = ns_inum(p2, t);
		if (!b)
			die(t->name);
		/* One filesystem for all: the inode number names the namespace. */
		printf("%s %s %lu %lu\n", t->name, a == b ? "same" : "differs",
		       a, b);
		differ |= a != b;
	}
	return differ;
}

/* Enter the namespaces of our descriptors @fds; user namespaces first. */
static int enter(int *fds, int n)
{
	int i, pass, type, real, fork_needed = 0;
	bool is_user;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			type = ioctl(fds[i], NS_GET_NSTYPE);
			if (type < 0)
				die("NS_GET_NSTYPE (not a descriptor of ours?)");
			is_user = type == CLONE_NEWUSER;
			/* Pass 0 enters the user namespaces, pass 1 the rest. */
			if (is_user == !!pass)
				continue;
			real = ioctl(fds[i], NSMODS_NSFS_GET_NSFS);
			if (real < 0)
				die("NSMODS_NSFS_GET_NSFS");
			if (setns(real, type))
				die("setns");
			close(real);
			fork_needed |= type == CLONE_NEWPID || type == CLONE_NEWTIME;
		}
	}
	return fork_needed;
}

static int cmd_exec(int argc, char **argv)
{
	const struct ns_type *t;
	char *types_arg = NULL, *tok, *save;
	int fds[MAX_FDS], n = 0, opt, status;
	pid_t pid;

	optind = 1;
	while ((opt = getopt(argc, argv, "+f:t:")) != -1) {
		if (opt == 'f' && n < MAX_FDS)
			fds[n++] = parse_pid(optarg);
		else if (opt == 't')
			types_arg = optarg;
		else
			usage_error("exec: -f FD... or -t TYPES PID");
	}
	if (types_arg) {
		if (n || optind >= argc)
			usage_error("exec -t needs a PID and no -f");
		pid = parse_pid(argv[optind++]);
		for (tok = strtok_r(types_arg, ",", &save); tok && n < MAX_FDS;
		     tok = strtok_r(NULL, ",", &save)) {
			t = find_type(tok);
			if (!t)
				usage_error("unknown namespace type");
			fds[n] = ns_open(pid, t);
			if (fds[n++] < 0)
				die(tok);
		}
	}
	if (!n || optind >= argc)
		usage_error("exec needs namespaces and a command");
	if (enter(fds, n)) {
		/* Pid and time namespaces are those of our children. */
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid > 0) {
			if (waitpid(pid, &status, 0) != pid)
				die("waitpid");
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		}
	}
	execvp(argv[optind], argv + optind);
	die(argv[optind]);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "+hP", longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return 0;
		}
		if (opt != 'P')
			usage_error("unknown option");
		use_proc = 1;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage_error("no command");
	if (!strcmp(argv[0], "list"))
		return cmd_list(argc, argv);
	if (!strcmp(argv[0], "open"))
		return cmd_open(argc, argv);
	if (!strcmp(argv[0], "compare"))
		return cmd_compare(argc, argv);
	if (!strcmp(argv[0], "exec"))
		return cmd_exec(argc, argv);
	usage_error("unknown command");
	return 2;
}
