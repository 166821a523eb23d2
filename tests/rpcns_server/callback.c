// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_server: procedure 7, CALLBACK: a call back to the caller, as an
 * NFS server calls a client's callback service.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "rpcns_server.h"

#define CB_PROG		0x20000098u
#define CB_WHOAMI	1u
#define CB_TIMEOUT_MS	3000

/*
 * One callback: a TCP connection to @peer's address at @port, a WHOAMI
 * call of the client's callback program, its answer into @s.  Blocks for
 * at most CB_TIMEOUT_MS per step; the tests make one callback at a time.
 */
void callback_whoami(const struct peer *pe, __u32 port, char *s, size_t n)
{
	struct timeval tv = { CB_TIMEOUT_MS / 1000, 0 };
	struct sockaddr_storage to;
	socklen_t alen = sizeof(to);
	struct wbuf w = { 0 };
	__u8 hdr[4], *rec = NULL;
	__u32 mark, len, v, stat;
	const __u8 *str;
	struct rbuf r;
	int fd, err;

	errno = 0;
	if (pe->tcp) {
		if (getpeername(conns[pe->conn].fd, (struct sockaddr *)&to, &alen)) {
			snprintf(s, n, "error %s", ename(-errno));
			return;
		}
	} else {
		memcpy(&to, &pe->addr, pe->alen);
		alen = pe->alen;
	}
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons(port);
	fd = socket(to.ss_family, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(s, n, "error %s", ename(-errno));
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&to, alen))
		goto out_errno;
	w_u32(&w, 0);			/* the record marker, below */
	w_call_head(&w, 0x6362u, CB_PROG, 1, CB_WHOAMI);
	mark = htonl(0x80000000u | (__u32)(w.len - 4));
	memcpy(w.b, &mark, 4);
	if (!write_all(fd, w.b, w.len))
		goto out_errno;
	if (!read_full(fd, hdr, 4))
		goto out_errno;
	memcpy(&mark, hdr, 4);
	len = ntohl(mark) & 0x7fffffffu;
	if (!(ntohl(mark) & 0x80000000u) || len > 4096) {
		snprintf(s, n, "error bad record");
		goto out;
	}
	rec = malloc(len ? len : 1);
	if (!rec)
		errx(1, "out of memory");
	if (!read_full(fd, rec, len))
		goto out_errno;
	r.p = rec;
	r.len = len;
	r.off = 0;
	/* xid, REPLY, MSG_ACCEPTED, verifier (flavor, empty body), SUCCESS */
	if (!r_u32(&r, &v) || v != 0x6362u || !r_u32(&r, &v) || v != REPLY ||
	    !r_u32(&r, &v) || v != MSG_ACCEPTED || !r_u32(&r, &v) ||
	    !r_u32(&r, &v) || v != 0 || !r_u32(&r, &stat)) {
		snprintf(s, n, "error bad reply");
		goto out;
	}
	if (stat != SUCCESS) {
		snprintf(s, n, "error accept_stat %u", stat);
		goto out;
	}
	if (!r_opaque(&r, n - 1, &str, &len) || r.off != r.len) {
		snprintf(s, n, "error bad result");
		goto out;
	}
	memcpy(s, str, len);
	s[len] = 0;
	goto out;

out_errno:
	err = errno ? errno : EPIPE;
	snprintf(s, n, "error %s", ename(-err));
out:
	free(rec);
	free(w.b);
	close(fd);
}
