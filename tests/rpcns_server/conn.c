// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_server: the connections and the replies: TCP record marking
 * both ways, replies bent by the mode, sleeping replies.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "rpcns_server.h"

#define MAXPEND		64
#define MAXREC		((1u << 20) + 8192)
#define FRAGSZ		100

struct pending {
	bool used;
	bool raw;		/* the rest of a record: bytes as they are */
	double due;
	struct peer peer;
	__u8 *buf;
	size_t len;
};

static struct pending pend[MAXPEND];

/* Sending */

void close_conn(int i)
{
	struct conn *c = &conns[i];

	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	c->gen++;
	free(c->rec);
	c->rec = NULL;
	c->rec_len = 0;
	c->rec_cap = 0;
}

static bool conn_ok(const struct peer *pe)
{
	return conns[pe->conn].fd >= 0 && conns[pe->conn].gen == pe->gen;
}

bool write_all(int fd, const void *p, size_t n)
{
	/* Only read from: send(2) takes it as const. */
	return sock_all(fd, (void *)p, n, true);
}

bool read_full(int fd, void *p, size_t n)
{
	return sock_all(fd, p, n, false);
}

/* frag1: one fragment per byte, the whole record in one write. */
static void send_record_frag1(const struct peer *pe, const __u8 *p, size_t n)
{
	__u32 mark = htonl(1);
	__u8 *b, *q;
	size_t i;

	b = malloc(5 * n + 4);
	if (!b)
		errx(1, "out of memory");
	for (i = 0, q = b; i < n; i++, q += 5) {
		if (i == n - 1)
			mark = htonl(0x80000001u);
		memcpy(q, &mark, 4);
		q[4] = p[i];
	}
	if (!n) {
		mark = htonl(0x80000000u);
		memcpy(q, &mark, 4);
		q += 4;
	}
	if (!write_all(conns[pe->conn].fd, b, q - b)) {
		warnx("tcp send: %m");
		close_conn(pe->conn);
	}
	free(b);
}

/* One TCP record, in one fragment or (frag mode) in many. */
static void send_record(const struct peer *pe, const __u8 *p, size_t n)
{
	int fd = conns[pe->conn].fd;
	size_t chunk = n;
	__u32 mark;
	__u8 *b;

	if (mode == M_FRAG1)
		return send_record_frag1(pe, p, n);
	if (mode == M_FRAG && chunk > FRAGSZ)
		chunk = FRAGSZ;
	b = malloc(chunk + 4);
	if (!b)
		errx(1, "out of memory");
	do {
		size_t k = n;

		if (k > chunk)
			k = chunk;
		mark = htonl((k == n ? 0x80000000u : 0) | (__u32)k);
		memcpy(b, &mark, 4);
		memcpy(b + 4, p, k);
		if (!write_all(fd, b, k + 4)) {
			warnx("tcp send: %m");
			close_conn(pe->conn);
			break;
		}
		p += k;
		n -= k;
	} while (n);
	free(b);
}

/* runt: what comes before each UDP reply; none of it is a reply. */
static void send_runts(const struct peer *pe, const __u8 *reply)
{
	static __u8 junk[60000];
	size_t sizes[] = { 0, 3, 4, 7, sizeof(junk) };
	__u32 x;
	size_t i;

	memcpy(&x, reply, 4);
	x = htonl(ntohl(x) + 1);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* 4 and 7 bytes: the call's xid; 60000: the next xid's */
		memcpy(junk, reply, 4);
		if (sizes[i] == sizeof(junk))
			memcpy(junk, &x, 4);
		if (sendto(udp_fd, junk, sizes[i], 0,
			   (const struct sockaddr *)&pe->addr, pe->alen) < 0)
			warnx("udp send: %m");
	}
}

void send_reply(const struct peer *pe, const __u8 *p, size_t n)
{
	if (!pe->tcp) {
		if (mode == M_RUNT && n >= 4)
			send_runts(pe, p);
		if (sendto(udp_fd, p, n, 0, (const struct sockaddr *)&pe->addr,
			   pe->alen) < 0)
			warnx("udp send: %m");
		return;
	}
	if (!conn_ok(pe))
		return;
	send_record(pe, p, n);
}

static void defer_at(const struct peer *pe, struct wbuf *w, double due,
		     bool raw);
static int half_pending(const struct peer *pe);

/* A reply, bent by the mode. */
void deliver(const struct peer *pe, const struct req *q, struct wbuf *w)
{
	struct wbuf o = { 0 };
	__u32 mark;
	int k;

	switch (mode) {
	case M_HALF:
		/* Records are never interleaved: after a half one's rest. */
		k = pe->tcp ? half_pending(pe) : -1;
		if (k < 0)
			break;
		w_reserve(&o, w->len);
		memcpy(o.b, w->b, w->len);
		o.len = w->len;
		defer_at(pe, &o, pend[k].due + 0.001, false);
		free(o.b);
		return;
	case M_BADXID:
		/* The same reply, for the next xid, first. */
		w_reserve(&o, w->len);
		memcpy(o.b, w->b, w->len);
		o.len = w->len;
		mark = htonl(q->xid + 1);
		memcpy(o.b, &mark, 4);
		send_reply(pe, o.b, o.len);
		free(o.b);
		break;
	case M_HUGEREC:
		if (!pe->tcp || !conn_ok(pe))
			break;
		mark = htonl(0xffffffffu);
		write_all(conns[pe->conn].fd, &mark, 4);
		mark = htonl(q->xid);
		write_all(conns[pe->conn].fd, &mark, 4);
		close_conn(pe->conn);
		return;
	default:
		break;
	}
	send_reply(pe, w->b, w->len);
	if (mode == M_CLOSEEACH && pe->tcp && conn_ok(pe))
		close_conn(pe->conn);
}

/* Send @w (taken over) at time @due; @raw: bytes as they are. */
static void defer_at(const struct peer *pe, struct wbuf *w, double due,
		     bool raw)
{
	int i;

	for (i = 0; i < MAXPEND; i++) {
		if (pend[i].used)
			continue;
		pend[i].used = true;
		pend[i].raw = raw;
		pend[i].due = due;
		pend[i].peer = *pe;
		pend[i].buf = w->b;
		pend[i].len = w->len;
		w->b = NULL;
		return;
	}
	warnx("too many sleeping calls, dropping one");
}

void defer(const struct peer *pe, struct wbuf *w, __u32 ms)
{
	defer_at(pe, w, now_mono() + ms / 1000.0, false);
}

/* half: a TCP record's marker and first half now, the rest @ms later. */
void defer_half(const struct peer *pe, struct wbuf *w, __u32 ms)
{
	__u32 mark = htonl(0x80000000u | (__u32)w->len);
	size_t h = w->len / 2;
	int fd = conns[pe->conn].fd;

	if (!conn_ok(pe))
		return;
	if (!write_all(fd, &mark, 4) || !write_all(fd, w->b, h)) {
		warnx("tcp send: %m");
		close_conn(pe->conn);
		return;
	}
	memmove(w->b, w->b + h, w->len - h);
	w->len -= h;
	defer_at(pe, w, now_mono() + ms / 1000.0, true);
}

/* half: the slot of the rest of a record still to come on @pe's, or -1. */
static int half_pending(const struct peer *pe)
{
	int i;

	for (i = 0; i < MAXPEND; i++)
		if (pend[i].used && pend[i].raw && pend[i].peer.conn == pe->conn &&
		    pend[i].peer.gen == pe->gen)
			return i;
	return -1;
}

/* Sleeping replies that are due. Returns the poll timeout to the next. */
int run_pending(void)
{
	double t = now_mono(), next = -1;
	int i, ms;

	for (i = 0; i < MAXPEND; i++) {
		struct pending *pd = &pend[i];

		if (!pd->used)
			continue;
		if (pd->due <= t && pd->raw) {
			if (conn_ok(&pd->peer) &&
			    !write_all(conns[pd->peer.conn].fd, pd->buf, pd->len))
				close_conn(pd->peer.conn);
			free(pd->buf);
			pd->used = false;
			continue;
		}
		if (pd->due <= t) {
			struct wbuf w = { pd->buf, pd->len, pd->len };
			struct req q = { 0 };
			__u32 x;

			memcpy(&x, pd->buf, 4);
			q.xid = ntohl(x);
			deliver(&pd->peer, &q, &w);
			free(pd->buf);
			pd->used = false;
			continue;
		}
		if (next < 0 || pd->due < next)
			next = pd->due;
	}
	if (next < 0)
		return -1;
	ms = (int)((next - t) * 1000) + 1;
	return ms;
}

/* TCP: feed received bytes into a connection's record assembly. */
void feed(int i, const __u8 *p, size_t n)
{
	struct conn *c = &conns[i];
	unsigned int gen = c->gen;
	struct peer pe = { .tcp = true, .conn = i, .gen = gen };
	size_t k;
	__u32 m;

	while (n && c->fd >= 0 && c->gen == gen) {
		if (c->hdr_got < 4) {
			c->hdr[c->hdr_got++] = *p++;
			n--;
			if (c->hdr_got < 4)
				continue;
			memcpy(&m, c->hdr, 4);
			m = ntohl(m);
			c->last = m >> 31;
			c->frag_left = m & 0x7fffffff;
			if (c->rec_len + c->frag_left > MAXREC) {
				warnx("record too large, closing");
				close_conn(i);
				return;
			}
			if (c->rec_len + c->frag_left > c->rec_cap) {
				c->rec_cap = c->rec_len + c->frag_left;
				c->rec = realloc(c->rec, c->rec_cap);
				if (!c->rec)
					errx(1, "out of memory");
			}
		} else {
			k = n;
			if (k > c->frag_left)
				k = c->frag_left;
			memcpy(c->rec + c->rec_len, p, k);
			c->rec_len += k;
			c->frag_left -= k;
			p += k;
			n -= k;
		}
		if (c->hdr_got == 4 && !c->frag_left) {
			c->hdr_got = 0;
			if (c->last) {
				size_t len = c->rec_len;

				c->rec_len = 0;
				handle(&pe, c->rec, len);
			}
		}
	}
}

void accept_conn(void)
{
	struct timeval tv = { 2, 0 };
	int fd, i;

	fd = accept(lsn_fd, NULL, NULL);
	if (fd < 0)
		return;
	for (i = 0; i < MAXCONN; i++)
		if (conns[i].fd < 0)
			break;
	if (i == MAXCONN) {
		warnx("too many connections");
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	conns[i].fd = fd;
	conns[i].hdr_got = 0;
	conns[i].rec_len = 0;
}
