// SPDX-License-Identifier: GPL-2.0
/*
 * sunrpc_ns: XDR (RFC 4506) and the ONC RPC message (RFC 5531) as far as a
 * client needs them: encode a call header with AUTH_NONE or AUTH_SYS,
 * check a reply, and the rpcbind argument and result bodies (RFC 1833).
 * Pure functions over buffers, so KUnit can feed them anything.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include <nsmods/sunrpc_ns.h>

static inline size_t sns_pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/**
 * sns_put_u32() - append an XDR unsigned int
 * @b: the buffer
 * @v: the value
 *
 * Return: 0, or -EMSGSIZE when @b is full.
 */
int sns_put_u32(struct sns_buf *b, u32 v)
{
	if (b->len - b->pos < 4)
		return -EMSGSIZE;
	put_unaligned_be32(v, b->data + b->pos);
	b->pos += 4;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_put_u32);

/**
 * sns_put_opaque() - append a variable-length opaque (or string)
 * @b: the buffer
 * @p: the bytes
 * @n: how many
 *
 * Return: 0, or -EMSGSIZE when @b is full.
 */
int sns_put_opaque(struct sns_buf *b, const void *p, u32 n)
{
	size_t padded = sns_pad4(n);

	if (b->len - b->pos < 4 || b->len - b->pos - 4 < padded)
		return -EMSGSIZE;
	put_unaligned_be32(n, b->data + b->pos);
	memcpy(b->data + b->pos + 4, p, n);
	memset(b->data + b->pos + 4 + n, 0, padded - n);
	b->pos += 4 + padded;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_put_opaque);

/**
 * sns_get_u32() - take an XDR unsigned int
 * @b: the buffer
 * @v: where the value goes
 *
 * Return: 0, or -EBADMSG when @b ends first.
 */
int sns_get_u32(struct sns_buf *b, u32 *v)
{
	if (b->len - b->pos < 4)
		return -EBADMSG;
	*v = get_unaligned_be32(b->data + b->pos);
	b->pos += 4;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_get_u32);

/**
 * sns_get_opaque() - take a variable-length opaque
 * @b: the buffer
 * @p: set to the bytes, inside @b
 * @n: set to their count
 * @max: the largest count accepted
 *
 * Return: 0, or -EBADMSG for a count over @max or past the end.
 */
int sns_get_opaque(struct sns_buf *b, const u8 **p, u32 *n, u32 max)
{
	u32 len;

	if (sns_get_u32(b, &len))
		return -EBADMSG;
	if (len > max || sns_pad4(len) > b->len - b->pos)
		return -EBADMSG;
	*p = b->data + b->pos;
	*n = len;
	b->pos += sns_pad4(len);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_get_opaque);

/* AUTH_SYS body: stamp, machinename<255>, uid, gid, gids<16>. */
static int sns_put_authsys(struct sns_buf *b, const struct sns_cred *cred)
{
	struct sns_buf body = { .data = b->data + b->pos + 8 };
	int i, err;

	if (b->len - b->pos < 8)
		return -EMSGSIZE;
	body.len = b->len - b->pos - 8;
	err = sns_put_u32(&body, cred->stamp) ?:
	      sns_put_opaque(&body, cred->machine,
			     strnlen(cred->machine, SNS_MAX_MACHINE)) ?:
	      sns_put_u32(&body, cred->uid) ?:
	      sns_put_u32(&body, cred->gid) ?:
	      sns_put_u32(&body, cred->ngids);
	for (i = 0; !err && i < cred->ngids; i++)
		err = sns_put_u32(&body, cred->gids[i]);
	if (err)
		return err;
	put_unaligned_be32(SNS_AUTH_SYS, b->data + b->pos);
	put_unaligned_be32(body.pos, b->data + b->pos + 4);
	b->pos += 8 + body.pos;
	return 0;
}

/**
 * sns_encode_call() - the header of a call message, up to the arguments
 * @b: the buffer
 * @xid: transaction id
 * @prog: program
 * @vers: version
 * @proc: procedure
 * @cred: AUTH_SYS credential, or NULL for AUTH_NONE
 *
 * The verifier is always AUTH_NONE.
 *
 * Return: 0, -EMSGSIZE, or -EINVAL for more than 16 groups.
 */
int sns_encode_call(struct sns_buf *b, u32 xid, u32 prog, u32 vers, u32 proc,
		    const struct sns_cred *cred)
{
	int err;

	if (cred && cred->ngids > SNS_MAX_GIDS)
		return -EINVAL;
	err = sns_put_u32(b, xid) ?:
	      sns_put_u32(b, SNS_MSG_CALL) ?:
	      sns_put_u32(b, SNS_RPC_VERSION) ?:
	      sns_put_u32(b, prog) ?:
	      sns_put_u32(b, vers) ?:
	      sns_put_u32(b, proc);
	if (err)
		return err;
	if (cred)
		err = sns_put_authsys(b, cred);
	else
		err = sns_put_u32(b, SNS_AUTH_NONE) ?: sns_put_u32(b, 0);
	return err ?: sns_put_u32(b, SNS_AUTH_NONE) ?: sns_put_u32(b, 0);
}
EXPORT_SYMBOL_IF_KUNIT(sns_encode_call);

/**
 * sns_reply_xid() - the xid of a received message
 * @data: the message
 * @len: its length
 * @xid: where the xid goes
 *
 * Return: 0, or -EBADMSG for a message too short to have one.
 */
int sns_reply_xid(const u8 *data, size_t len, u32 *xid)
{
	if (len < 4)
		return -EBADMSG;
	*xid = get_unaligned_be32(data);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_reply_xid);

static int sns_accept_errno(u32 stat)
{
	switch (stat) {
	case SNS_SUCCESS:
		return 0;
	case SNS_PROG_UNAVAIL:
		return -EPFNOSUPPORT;
	case SNS_PROG_MISMATCH:
		return -EPROTONOSUPPORT;
	case SNS_PROC_UNAVAIL:
		return -EOPNOTSUPP;
	case SNS_GARBAGE_ARGS:
		return -EINVAL;
	case SNS_SYSTEM_ERR:
		return -EREMOTEIO;
	}
	return -EBADMSG;
}

/**
 * sns_parse_reply() - check a reply to the call @xid
 * @data: the message
 * @len: its length
 * @xid: the call's xid
 * @res_off: set to the offset of the result body on success
 *
 * Nothing in the reply is trusted: every length is checked against what
 * was received, the verifier against RFC 5531's 400 bytes, and every
 * status against the values the RFC defines.
 *
 * Return: 0 for a successful call; -ESRCH for another xid (drop it);
 * -EBADMSG for a malformed reply; or the errno of an RPC-level error
 * (see include/uapi/linux/nsmods_sunrpc_ns.h).
 */
int sns_parse_reply(const u8 *data, size_t len, u32 xid, size_t *res_off)
{
	struct sns_buf b = { .data = (u8 *)data, .len = len };
	u32 v, stat, flavor, n;
	const u8 *verf;

	if (sns_get_u32(&b, &v))
		return -EBADMSG;
	if (v != xid)
		return -ESRCH;
	if (sns_get_u32(&b, &v) || v != SNS_MSG_REPLY || sns_get_u32(&b, &stat))
		return -EBADMSG;
	if (stat == SNS_MSG_DENIED) {
		if (sns_get_u32(&b, &v))
			return -EBADMSG;
		if (v == SNS_RPC_MISMATCH)
			return sns_get_u32(&b, &n) || sns_get_u32(&b, &n) ?
				-EBADMSG : -EPROTONOSUPPORT;
		if (v == SNS_AUTH_ERROR)
			return sns_get_u32(&b, &n) ? -EBADMSG : -EACCES;
		return -EBADMSG;
	}
	if (stat != SNS_MSG_ACCEPTED)
		return -EBADMSG;
	if (sns_get_u32(&b, &flavor) ||
	    sns_get_opaque(&b, &verf, &n, SNS_MAX_AUTH) ||
	    sns_get_u32(&b, &stat))
		return -EBADMSG;
	if (stat == SNS_PROG_MISMATCH &&
	    (sns_get_u32(&b, &n) || sns_get_u32(&b, &n)))
		return -EBADMSG;
	if (stat != SNS_SUCCESS)
		return sns_accept_errno(stat);
	*res_off = b.pos;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_parse_reply);

/**
 * sns_parse_uaddr() - the port of an rpcbind universal address
 * @s: "h1.h2.h3.h4.p1.p2" or "ipv6-address.p1.p2"
 * @len: its length (not NUL-terminated)
 * @port: where the port goes; 0 for an empty string (not registered)
 *
 * Return: 0, or -EBADMSG when the last two fields are not octets.
 */
int sns_parse_uaddr(const u8 *s, u32 len, u16 *port)
{
	unsigned int p[2] = { 0, 0 };
	int field = 1, digits = 0;
	u32 i;

	if (!len) {
		*port = 0;
		return 0;
	}
	for (i = len; i > 0; i--) {
		u8 c = s[i - 1];

		if (c == '.') {
			if (!digits)
				return -EBADMSG;
			if (--field < 0)
				break;
			digits = 0;
			continue;
		}
		if (c < '0' || c > '9' || digits == 3)
			return -EBADMSG;
		p[field] += (c - '0') * (digits == 0 ? 1 : digits == 1 ? 10 : 100);
		digits++;
	}
	/* the dot before the port is s[i - 1]: an address must precede it */
	if (field >= 0 || i <= 1 || p[0] > 255 || p[1] > 255)
		return -EBADMSG;
	*port = p[0] << 8 | p[1];
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_parse_uaddr);

/**
 * sns_record_marker() - check a TCP record marking fragment header
 * @marker: the 4-byte header, host order
 * @have: bytes of this record already received
 * @max: the largest record accepted
 * @frag: set to the fragment's length
 * @last: set for the record's last fragment
 *
 * Return: 0, or -EMSGSIZE when the record would exceed @max.
 */
int sns_record_marker(u32 marker, size_t have, size_t max, u32 *frag,
		      bool *last)
{
	*last = marker & 0x80000000U;
	*frag = marker & 0x7fffffffU;
	if (*frag > max || have > max - *frag)
		return -EMSGSIZE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_record_marker);

/**
 * sns_parse_call() - check a call message received by a service
 * @data: the message
 * @len: its length
 * @h: the header's fields, and where the arguments start
 *
 * Return: 0; -EPROTONOSUPPORT for an RPC version other than 2 (answer
 * RPC_MISMATCH, @h->xid is set); -EBADMSG for anything malformed (drop
 * the message).
 */
int sns_parse_call(const u8 *data, size_t len, struct sns_call_hdr *h)
{
	struct sns_buf b = { .data = (u8 *)data, .len = len };
	const u8 *opaque;
	u32 v, n;

	if (sns_get_u32(&b, &h->xid) || sns_get_u32(&b, &v) ||
	    v != SNS_MSG_CALL || sns_get_u32(&b, &v))
		return -EBADMSG;
	if (v != SNS_RPC_VERSION)
		return -EPROTONOSUPPORT;
	if (sns_get_u32(&b, &h->prog) || sns_get_u32(&b, &h->vers) ||
	    sns_get_u32(&b, &h->proc) || sns_get_u32(&b, &h->flavor) ||
	    sns_get_opaque(&b, &opaque, &n, SNS_MAX_AUTH) ||
	    sns_get_u32(&b, &v) ||
	    sns_get_opaque(&b, &opaque, &n, SNS_MAX_AUTH))
		return -EBADMSG;
	h->args_off = b.pos;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sns_parse_call);

/**
 * sns_encode_reply() - the header of a reply, up to the result
 * @b: the buffer
 * @xid: the call's xid
 * @stat: SNS_SUCCESS or another accept_stat; or, with @denied, the
 *	reject_stat
 * @denied: a MSG_DENIED reply (RPC_MISMATCH carries version 2..2)
 *
 * A PROG_MISMATCH reply says version 1..1, the one version our services
 * have.  The verifier is AUTH_NONE.
 *
 * Return: 0 or -EMSGSIZE.
 */
int sns_encode_reply(struct sns_buf *b, u32 xid, u32 stat, bool denied)
{
	int err;

	err = sns_put_u32(b, xid) ?: sns_put_u32(b, SNS_MSG_REPLY);
	if (err)
		return err;
	if (denied)
		return sns_put_u32(b, SNS_MSG_DENIED) ?: sns_put_u32(b, stat) ?:
		       sns_put_u32(b, SNS_RPC_VERSION) ?:
		       sns_put_u32(b, SNS_RPC_VERSION);
	err = sns_put_u32(b, SNS_MSG_ACCEPTED) ?: sns_put_u32(b, SNS_AUTH_NONE) ?:
	      sns_put_u32(b, 0) ?: sns_put_u32(b, stat);
	if (!err && stat == SNS_PROG_MISMATCH)
		err = sns_put_u32(b, 1) ?: sns_put_u32(b, 1);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sns_encode_reply);
