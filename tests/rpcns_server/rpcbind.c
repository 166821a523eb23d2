// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_server -r: the program's registration with the rpcbind of this
 * network namespace.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "rpcns_server.h"

#define PMAP_PROG	100000u

/* Registration with the local rpcbind: one call over UDP to 127.0.0.1:111. */
static bool rpcb_call(__u32 vers, __u32 proc, struct wbuf *args)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(111) };
	struct timeval tv = { 1, 0 };
	struct wbuf w = { 0 };
	__u8 buf[512];
	__u32 xid = (__u32)getpid() * 7919u + proc + (__u32)time(NULL);
	__u32 v[6];
	struct rbuf r;
	int fd, try;
	ssize_t n;
	bool ok = false;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	w_call_head(&w, xid, PMAP_PROG, vers, proc);
	w_reserve(&w, args->len);
	memcpy(w.b + w.len, args->b, args->len);
	w.len += args->len;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		errx(1, "socket: %m");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		errx(1, "connect to rpcbind: %m");
	for (try = 0; try < 5 && !ok; try++) {
		if (send(fd, w.b, w.len, 0) < 0) {
			warnx("send to rpcbind: %m");
			usleep(200000);
			continue;
		}
		for (;;) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n < 0)
				break;
			r.p = buf;
			r.len = n;
			r.off = 0;
			/* xid, REPLY, MSG_ACCEPTED, verifier, SUCCESS, bool */
			if (!r_u32(&r, &v[0]) || v[0] != xid)
				continue;
			if (!r_u32(&r, &v[1]) || !r_u32(&r, &v[2]) ||
			    !r_u32(&r, &v[3]) || !r_u32(&r, &v[4]) ||
			    v[1] != REPLY || v[2] != MSG_ACCEPTED || v[4] != 0)
				errx(1, "rpcbind: bad reply to SET");
			r.off += (v[4] + 3) & ~3u;
			if (!r_u32(&r, &v[4]) || !r_u32(&r, &v[5]))
				errx(1, "rpcbind: bad reply to SET");
			if (v[4] != SUCCESS)
				errx(1, "rpcbind: SET: accept_stat %u", v[4]);
			if (!v[5])
				errx(1, "rpcbind refused SET (v%u)", vers);
			ok = true;
			break;
		}
	}
	close(fd);
	free(w.b);
	return ok;
}

void do_register(const char *addr, int port)
{
	static const char * const netid6[] = { "udp6", "tcp6" };
	static const __u32 protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	char uaddr[INET6_ADDRSTRLEN + 16];
	struct wbuf a;
	int i;

	for (i = 0; i < 2; i++) {
		a.b = NULL;
		a.len = 0;
		a.cap = 0;
		w_u32(&a, TEST_PROG);
		w_u32(&a, TEST_VERS);
		if (family == AF_INET) {
			/* portmap v2 SET: prog, vers, prot, port */
			w_u32(&a, protos[i]);
			w_u32(&a, port);
			if (!rpcb_call(2, 1, &a))
				errx(1, "no answer from rpcbind at 127.0.0.1:111");
		} else {
			/* rpcbind v3 SET: prog, vers, netid, uaddr, owner */
			snprintf(uaddr, sizeof(uaddr), "%s.%d.%d", addr ? addr : "::",
				 port >> 8, port & 0xff);
			w_string(&a, netid6[i]);
			w_string(&a, uaddr);
			w_string(&a, "rpcns_server");
			if (!rpcb_call(3, 1, &a))
				errx(1, "no answer from rpcbind at 127.0.0.1:111");
		}
		free(a.b);
	}
}
