// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_server: XDR (RFC 4506) encoding into a growing buffer, decoding
 * from a received one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "rpcns_server.h"

/* XDR encoding */

void w_reserve(struct wbuf *w, size_t n)
{
	if (w->len + n <= w->cap)
		return;
	w->cap = (w->len + n) * 2 + 64;
	w->b = realloc(w->b, w->cap);
	if (!w->b)
		errx(1, "out of memory");
}

void w_u32(struct wbuf *w, __u32 v)
{
	__u32 n = htonl(v);

	w_reserve(w, 4);
	memcpy(w->b + w->len, &n, 4);
	w->len += 4;
}

void w_opaque(struct wbuf *w, const void *p, size_t n)
{
	size_t pad = (4 - (n & 3)) & 3;

	w_u32(w, n);
	w_reserve(w, n + pad);
	memcpy(w->b + w->len, p, n);
	memset(w->b + w->len + n, 0, pad);
	w->len += n + pad;
}

void w_string(struct wbuf *w, const char *s)
{
	w_opaque(w, s, strlen(s));
}

/* A call's header, RPC version 2, AUTH_NONE credential and verifier. */
void w_call_head(struct wbuf *w, __u32 xid, __u32 prog, __u32 vers,
		 __u32 proc)
{
	w_u32(w, xid);
	w_u32(w, CALL);
	w_u32(w, 2);
	w_u32(w, prog);
	w_u32(w, vers);
	w_u32(w, proc);
	w_u32(w, 0);
	w_u32(w, 0);
	w_u32(w, 0);
	w_u32(w, 0);
}

/* XDR decoding */

bool r_u32(struct rbuf *r, __u32 *v)
{
	__u32 n;

	if (r->len - r->off < 4)
		return false;
	memcpy(&n, r->p + r->off, 4);
	*v = ntohl(n);
	r->off += 4;
	return true;
}

/* An opaque<max>: *p and *n point into the buffer. */
bool r_opaque(struct rbuf *r, size_t max, const __u8 **p, __u32 *n)
{
	size_t padded;

	if (!r_u32(r, n) || *n > max)
		return false;
	padded = ((size_t)*n + 3) & ~(size_t)3;
	if (r->len - r->off < padded)
		return false;
	*p = r->p + r->off;
	r->off += padded;
	return true;
}
