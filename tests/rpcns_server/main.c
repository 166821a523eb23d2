// SPDX-License-Identifier: GPL-2.0
/*
 * A small ONC RPC server (RFC 5531) for the sunrpc_ns tests: raw sockets
 * and hand-written XDR, no libtirpc.  It serves program 0x20000099
 * version 1 on UDP and on TCP (record marking, records of any number of
 * fragments, up to 64 connections) on one port number:
 *
 *   proc 0 NULL     empty result
 *   proc 1 WHOAMI   string "<tag> flavor=<n> machine=<name|-> uid=<u|-> gid=<g|->"
 *                   from the call's credential (AUTH_SYS parsed in full)
 *   proc 2 ECHO     arg opaque<>: returns it as it came
 *   proc 3 COUNT    uint32: calls received so far, this one, drops and
 *                   retransmissions included
 *   proc 4 SLEEP    arg uint32 ms: replies that much later (the server
 *                   goes on serving meanwhile)
 *   proc 5 SYSERR   replies SYSTEM_ERR
 *   proc 6 CRED     string "flavor=<n> stamp=<s> machine=<m> uid=<u>
 *                   gid=<g> gids=<g1,g2,..|->" (AUTH_SYS in full)
 *   proc 7 CALLBACK arg uint32 port: calls back the caller's address (the
 *                   call's source) at that TCP port, as an NFS server
 *                   calls a client's callback service: program
 *                   0x20000098 version 1 procedure 1 (WHOAMI), AUTH_NONE;
 *                   returns the string the callback answered, or
 *                   "error <errno name>" when it could not be made
 *   proc 8 PEER     string "port <n>": the call's source port (a
 *                   reserved one is < 1024)
 *
 * Anything else: PROC_UNAVAIL, another version: PROG_MISMATCH(1, 1),
 * another program: PROG_UNAVAIL, undecodable arguments: GARBAGE_ARGS, a
 * malformed credential: MSG_DENIED AUTH_ERROR AUTH_BADCRED, an RPC
 * version other than 2: MSG_DENIED RPC_MISMATCH(2, 2).
 *
 * usage: rpcns_server [-4|-6] [-a ADDR] [-p PORT] [-t TAG] [-r] [-H MODE]
 *   -4, -6    address family (default -4); -6 sockets are IPV6_V6ONLY
 *   -a ADDR   address to bind (default: any)
 *   -p PORT   port for both UDP and TCP (default 0: any free one)
 *   -t TAG    what WHOAMI starts with (default "?")
 *   -r        register the program (version 1, udp and tcp) with the
 *             rpcbind of this network namespace, over UDP to
 *             127.0.0.1:111: portmap v2 SET for -4, rpcbind v3 SET with
 *             netid udp6/tcp6 for -6 (rpcbind must run with -i: it takes
 *             SET from loopback IP only with -i)
 *   -H MODE   misbehave, for every call:
 *     dropfirst  UDP: drop the first datagram of each xid (answer the
 *                retransmission)
 *     badxid     send a reply with xid + 1 first, then the right one
 *     short      reply with 8 bytes (xid, REPLY)
 *     badverf    reply with a verifier of length 1000 (and no body)
 *     hugerec    TCP: a record marker for 0x7fffffff bytes (last
 *                fragment), the xid, then close; UDP: normal replies
 *     garbage    MSG_ACCEPTED with accept_stat 42
 *     denied     MSG_DENIED AUTH_ERROR AUTH_BADCRED
 *     closeeach  TCP: close the connection after each reply
 *     silent     never reply
 *     frag       TCP: replies in fragments of at most 100 bytes, each
 *                written separately
 *     runt       UDP: before each reply, datagrams no reply can be: an
 *                empty one, 3 bytes, the xid alone (4 bytes), the xid and
 *                3 bytes (7), then 60000 bytes for the next xid; TCP:
 *                normal replies
 *     frag1      TCP: replies in fragments of 1 byte, all written at once
 *     half       TCP: SLEEP sends its record's marker and the first half
 *                of the reply at once, the rest when it is due; UDP and
 *                other procedures: normal replies
 *
 * Once both sockets are bound it prints "port N" on stdout; nothing else
 * goes to stdout, errors go to stderr.  It runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcns_server.h"

static const char * const mode_names[] = {
	"none", "dropfirst", "badxid", "short", "badverf", "hugerec",
	"garbage", "denied", "closeeach", "silent", "frag", "runt", "frag1",
	"half",
};

enum mode mode;
const char *tag = "?";
int family = AF_INET;
int udp_fd = -1, lsn_fd = -1;
struct conn conns[MAXCONN];

static void sock_addr(struct sockaddr_storage *ss, socklen_t *len, const char *addr,
		      int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		if (addr && inet_pton(AF_INET, addr, &s->sin_addr) != 1)
			errx(1, "bad IPv4 address %s", addr);
		*len = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		if (addr && inet_pton(AF_INET6, addr, &s->sin6_addr) != 1)
			errx(1, "bad IPv6 address %s", addr);
		*len = sizeof(*s);
	}
}

static int bound_socket(int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	fd = socket(family, type, 0);
	if (fd < 0)
		errx(1, "socket: %m");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		errx(1, "IPV6_V6ONLY: %m");
	sock_addr(&ss, &len, addr, port);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		errx(1, "getsockname: %m");
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void bad_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-4|-6] [-a ADDR] [-p PORT] [-t TAG] [-r] [-H MODE]\n"
		"MODE: dropfirst badxid short badverf hugerec garbage denied closeeach\n"
		"      silent frag runt frag1 half\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static __u8 buf[70000];
	struct pollfd pfd[MAXCONN + 2];
	int idx[MAXCONN + 2];
	const char *addr = NULL;
	int port = 0, opt, i, n, tries;
	bool reg = false;
	ssize_t k;

	while ((opt = getopt(argc, argv, "46a:p:t:rH:")) != -1) {
		switch (opt) {
		case '4':
			family = AF_INET;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 't':
			tag = optarg;
			break;
		case 'r':
			reg = true;
			break;
		case 'H':
			for (i = 0; i < (int)ARRAY_SIZE(mode_names); i++)
				if (!strcmp(optarg, mode_names[i]))
					break;
			if (i == (int)ARRAY_SIZE(mode_names))
				bad_usage(argv[0]);
			mode = i;
			break;
		default:
			bad_usage(argv[0]);
		}
	}
	if (optind != argc || port < 0 || port > 65535)
		bad_usage(argv[0]);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAXCONN; i++)
		conns[i].fd = -1;

	/* The same port number for UDP and TCP. */
	for (tries = 0; tries < 100; tries++) {
		udp_fd = bound_socket(SOCK_DGRAM, addr, port);
		if (udp_fd < 0)
			errx(1, "bind udp port %d: %m", port);
		lsn_fd = bound_socket(SOCK_STREAM, addr, local_port(udp_fd));
		if (lsn_fd >= 0 || port)
			break;
		close(udp_fd);
	}
	if (lsn_fd < 0)
		errx(1, "bind tcp port %d: %m", port ? port : local_port(udp_fd));
	if (listen(lsn_fd, 64) < 0)
		errx(1, "listen: %m");
	port = local_port(udp_fd);
	if (reg)
		do_register(addr, port);
	printf("port %d\n", port);
	fflush(stdout);

	for (;;) {
		int timeout = run_pending();

		n = 0;
		pfd[n].fd = udp_fd;
		pfd[n].events = POLLIN;
		idx[n++] = -1;
		pfd[n].fd = lsn_fd;
		pfd[n].events = POLLIN;
		idx[n++] = -2;
		for (i = 0; i < MAXCONN; i++) {
			if (conns[i].fd < 0)
				continue;
			pfd[n].fd = conns[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		if (poll(pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			errx(1, "poll: %m");
		}
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (idx[i] == -1) {
				struct peer pe = { .tcp = false };

				pe.alen = sizeof(pe.addr);
				k = recvfrom(udp_fd, buf, sizeof(buf), MSG_DONTWAIT,
					     (struct sockaddr *)&pe.addr, &pe.alen);
				if (k > 0)
					handle(&pe, buf, k);
			} else if (idx[i] == -2) {
				accept_conn();
			} else if (conns[idx[i]].fd == pfd[i].fd) {
				k = recv(pfd[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
				if (k > 0)
					feed(idx[i], buf, k);
				else if (k == 0 || (errno != EAGAIN && errno != EINTR))
					close_conn(idx[i]);
			}
		}
	}
}
