// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns: make ONC RPC calls through nsmods_sunrpc_ns.ko (/dev/nsmods_sunrpc_ns).  The
 * client is made in the network namespace rpcns runs in; see --help.
 *
 * Exit status: 0 success, 1 an RPC or system error (printed as
 * "rpcns: OP: strerror" then "error ENAME" on stderr), 2 a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/nsmods_sunrpc_ns.h>

#define TEST_PROG	0x20000099u
#define RPCB_PROG	100000u
#define MAX_DUMP	1024
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char usage_text[] =
"usage: rpcns [options] COMMAND [ARGS]\n"
"\n"
"Makes a sunrpc_ns client (SUNRPC_NS_IOC_CREATE on " SUNRPC_NS_DEVICE ") in the\n"
"current network namespace and uses it once.  Needs CAP_NET_ADMIN over that\n"
"namespace (EPERM otherwise).\n"
"\n"
"Commands:\n"
"  null                    call procedure 0 (NULL)\n"
"  call PROC [HEXARGS]     call procedure PROC with the XDR arguments given\n"
"                          in hex (a multiple of 4 bytes, may be empty); print\n"
"                          the XDR result in hex\n"
"  whoami                  call procedure 1 of the test program (rpcns_server)\n"
"                          and print the string it returns\n"
"  getport PROG VERS [udp|tcp]\n"
"                          portmap v2 GETPORT on the server's rpcbind: print\n"
"                          the port (0: not registered); the protocol asked\n"
"                          for is -t's unless given\n"
"  getaddr PROG VERS [udp|tcp]\n"
"                          rpcbind v4 GETADDR (netid of the server address's\n"
"                          family): print the port (0: not registered)\n"
"  dump                    portmap v2 DUMP: print \"PROG VERS PROTO PORT\" lines\n"
"  info [NCALLS]           make NCALLS NULL calls (default 0), then print the\n"
"                          client's SUNRPC_NS_IOC_INFO as \"KEY VALUE\" lines:\n"
"                          net_inum port prog vers proto family calls retrans\n"
"                          reconnects sockets bad_replies nodename\n"
"\n"
"Options:\n"
"  -s ADDR        server, an IPv4 or IPv6 literal (default 127.0.0.1); an\n"
"                 IPv6 link-local one with its interface: fe80::1%eth0\n"
"  -p PORT        server port; 0 asks the server's rpcbind (default 0; 111\n"
"                 for getport, getaddr and dump)\n"
"  -P PROG        program (default 0x20000099; 100000 for getport, getaddr\n"
"                 and dump)\n"
"  -V VERS        version (default 1; 2 for getport and dump, 4 for getaddr)\n"
"  -t udp|tcp     transport (default udp)\n"
"  -a none|sys    credential: AUTH_NONE or AUTH_SYS (default sys)\n"
"  -T MS          first reply timeout in ms (default 0: the kernel's, 1000)\n"
"  -r N           UDP retransmissions / TCP reconnects (default 0: the\n"
"                 kernel's, 3)\n"
"  -R             reserved source port (665-1023), for servers' \"secure\"\n"
"                 exports; needs CAP_NET_BIND_SERVICE\n"
"  -h, --help     this text\n"
"\n"
"Numbers may be decimal or 0x hex.  Exit status: 0 success; 1 an error,\n"
"printed as \"rpcns: OP: MESSAGE\" and \"error ENAME\" (e.g. error ETIMEDOUT)\n"
"on stderr; 2 a usage error.\n";

enum cmd { C_NULL, C_CALL, C_WHOAMI, C_GETPORT, C_GETADDR, C_DUMP, C_INFO };

static const char * const cmd_names[] = {
	"null", "call", "whoami", "getport", "getaddr", "dump", "info",
};

static void bad_use(const char *msg, const char *arg)
{
	fprintf(stderr, "rpcns: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fprintf(stderr, "Try 'rpcns --help'.\n");
	exit(2);
}

static int report(const char *op, int err)
{
	const char *name = strerrorname_np(err);

	fprintf(stderr, "rpcns: %s: %s\n", op, strerror(err));
	fprintf(stderr, "error %s\n", name ? name : "E?");
	return 1;
}

static unsigned long number(const char *s, unsigned long max, const char *what)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || v > max)
		bad_use(what, s);
	return v;
}

static int proto_of(const char *s)
{
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	bad_use("not udp or tcp", s);
	return 0;
}

static const char *proto_name(unsigned int p, char *buf, size_t n)
{
	if (p == IPPROTO_UDP)
		return "udp";
	if (p == IPPROTO_TCP)
		return "tcp";
	snprintf(buf, n, "%u", p);
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits (spaces, ':' and a 0x prefix allowed) to bytes. */
static unsigned char *unhex(const char *s, size_t *len)
{
	unsigned char *b = malloc(strlen(s) / 2 + 1);
	size_t n = 0;
	int hi, lo;

	if (!b)
		return NULL;
	if (!strncmp(s, "0x", 2))
		s += 2;
	while (*s) {
		if (*s == ' ' || *s == ':') {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			bad_use("bad hex arguments", s);
		b[n++] = hi << 4 | lo;
		s += 2;
	}
	*len = n;
	return b;
}

static int do_call(int fd, unsigned int proc, const void *args, size_t args_len,
		   unsigned char **res, size_t *res_len)
{
	struct sunrpc_ns_call c;
	size_t room = SUNRPC_NS_MAX_RES;

	*res = malloc(room);
	if (!*res)
		return -ENOMEM;
	memset(&c, 0, sizeof(c));
	c.proc = proc;
	c.args_len = args_len;
	c.args = (unsigned long)args;
	c.res = (unsigned long)*res;
	c.res_len = room;
	if (ioctl(fd, SUNRPC_NS_IOC_CALL, &c) < 0)
		return -errno;
	*res_len = c.res_len;
	return 0;
}

static void print_info(const struct sunrpc_ns_info *i)
{
	char pb[16];

	printf("net_inum %u\n", i->net_inum);
	printf("port %u\n", i->port);
	printf("prog %u\n", i->prog);
	printf("vers %u\n", i->vers);
	printf("proto %s\n", proto_name(i->proto, pb, sizeof(pb)));
	printf("family %s\n", i->family == AF_INET ? "inet" :
	       i->family == AF_INET6 ? "inet6" : "?");
	printf("calls %llu\n", (unsigned long long)i->calls);
	printf("retrans %llu\n", (unsigned long long)i->retrans);
	printf("reconnects %llu\n", (unsigned long long)i->reconnects);
	printf("sockets %llu\n", (unsigned long long)i->sockets);
	printf("bad_replies %llu\n", (unsigned long long)i->bad_replies);
	printf("nodename %.*s\n", (int)sizeof(i->nodename), i->nodename);
}

/* @s up to a '%' (an interface follows), in @buf. */
static const char *host_part(const char *s, char *buf, size_t n)
{
	size_t len = strcspn(s, "%");

	if (len >= n)
		return s;
	memcpy(buf, s, len);
	buf[len] = 0;
	return buf;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sunrpc_ns_create cr;
	struct sunrpc_ns_rpcb rb;
	struct sunrpc_ns_info info;
	const char *server = "127.0.0.1";
	long port = -1, prog = -1, vers = -1;
	int proto = IPPROTO_UDP, auth = SUNRPC_NS_AUTH_SYS;
	unsigned long timeout = 0, retries = 0, i, n;
	__u32 flags = SUNRPC_NS_CLOEXEC;
	char hb[INET6_ADDRSTRLEN];
	unsigned char *args = NULL, *res = NULL;
	size_t args_len = 0, res_len = 0;
	int opt, dev, fd, err;
	enum cmd cmd;
	char pb[16];

	while ((opt = getopt_long(argc, argv, "s:p:P:V:t:a:T:r:Rh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 's':
			server = optarg;
			break;
		case 'p':
			port = number(optarg, 65535, "bad port");
			break;
		case 'P':
			prog = number(optarg, 0xffffffffUL, "bad program");
			break;
		case 'V':
			vers = number(optarg, 0xffffffffUL, "bad version");
			break;
		case 't':
			proto = proto_of(optarg);
			break;
		case 'a':
			if (!strcmp(optarg, "none"))
				auth = SUNRPC_NS_AUTH_NONE;
			else if (!strcmp(optarg, "sys"))
				auth = SUNRPC_NS_AUTH_SYS;
			else
				bad_use("not none or sys", optarg);
			break;
		case 'T':
			timeout = number(optarg, 0xffffffffUL, "bad timeout");
			break;
		case 'r':
			retries = number(optarg, 0xffffffffUL, "bad retries");
			break;
		case 'R':
			flags |= SUNRPC_NS_RESVPORT;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind >= argc)
		bad_use("no command", NULL);
	for (cmd = 0; cmd < ARRAY_SIZE(cmd_names); cmd++)
		if (!strcmp(argv[optind], cmd_names[cmd]))
			break;
	if (cmd == ARRAY_SIZE(cmd_names))
		bad_use("unknown command", argv[optind]);
	argv += optind + 1;
	argc -= optind + 1;

	memset(&cr, 0, sizeof(cr));
	memset(&rb, 0, sizeof(rb));
	if (inet_pton(AF_INET, server, cr.addr) == 1)
		cr.family = AF_INET;
	else if (inet_pton(AF_INET6, host_part(server, hb, sizeof(hb)), cr.addr) == 1)
		cr.family = AF_INET6;
	else
		bad_use("not an IPv4 or IPv6 address", server);
	if (strchr(server, '%')) {
		cr.scope_id = if_nametoindex(strchr(server, '%') + 1);
		if (!cr.scope_id)
			bad_use("no such interface", strchr(server, '%') + 1);
	}
	cr.proto = proto;
	cr.auth = auth;
	cr.timeout_ms = timeout;
	cr.retries = retries;
	cr.flags = flags;

	switch (cmd) {
	case C_NULL:
	case C_WHOAMI:
		if (argc)
			bad_use("too many arguments", argv[0]);
		break;
	case C_CALL:
		if (argc < 1 || argc > 2)
			bad_use("call wants PROC [HEXARGS]", NULL);
		if (argc == 2) {
			args = unhex(argv[1], &args_len);
			if (!args)
				return report("malloc", ENOMEM);
		}
		break;
	case C_INFO:
		if (argc > 1)
			bad_use("info wants [NCALLS]", NULL);
		break;
	case C_GETPORT:
	case C_GETADDR:
		if (argc < 2 || argc > 3)
			bad_use("wants PROG VERS [udp|tcp]", NULL);
		rb.op = cmd == C_GETPORT ? SUNRPC_NS_RPCB_GETPORT :
			SUNRPC_NS_RPCB_GETADDR;
		rb.prog = number(argv[0], 0xffffffffUL, "bad program");
		rb.vers = number(argv[1], 0xffffffffUL, "bad version");
		rb.proto = argc == 3 ? proto_of(argv[2]) : proto;
		rb.family = cr.family;
		break;
	case C_DUMP:
		if (argc)
			bad_use("too many arguments", argv[0]);
		rb.op = SUNRPC_NS_RPCB_DUMP;
		break;
	}
	if (cmd == C_GETPORT || cmd == C_GETADDR || cmd == C_DUMP) {
		cr.port = port < 0 ? 111 : port;
		cr.prog = prog < 0 ? RPCB_PROG : prog;
		cr.vers = vers < 0 ? (cmd == C_GETADDR ? 4 : 2) : vers;
	} else {
		cr.port = port < 0 ? 0 : port;
		cr.prog = prog < 0 ? TEST_PROG : prog;
		cr.vers = vers < 0 ? 1 : vers;
	}

	dev = open(SUNRPC_NS_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return report("open " SUNRPC_NS_DEVICE, errno);
	fd = ioctl(dev, SUNRPC_NS_IOC_CREATE, &cr);
	if (fd < 0)
		return report("create", errno);
	close(dev);

	switch (cmd) {
	case C_NULL:
		err = do_call(fd, 0, NULL, 0, &res, &res_len);
		if (err)
			return report("call", -err);
		if (res_len)
			fprintf(stderr, "rpcns: note: NULL returned %zu bytes\n", res_len);
		break;
	case C_CALL:
		err = do_call(fd, number(argv[0], 0xffffffffUL, "bad procedure"),
			      args, args_len, &res, &res_len);
		if (err)
			return report("call", -err);
		for (i = 0; i < res_len; i++)
			printf("%02x", res[i]);
		printf("\n");
		break;
	case C_WHOAMI:
		err = do_call(fd, 1, NULL, 0, &res, &res_len);
		if (err)
			return report("call", -err);
		if (res_len < 4)
			return report("whoami: short result", EBADMSG);
		n = (unsigned long)res[0] << 24 | res[1] << 16 | res[2] << 8 | res[3];
		if (n > res_len - 4)
			return report("whoami: bad string", EBADMSG);
		printf("%.*s\n", (int)n, (char *)res + 4);
		break;
	case C_INFO:
		n = argc ? number(argv[0], 1000000, "bad NCALLS") : 0;
		for (i = 0; i < n; i++) {
			err = do_call(fd, 0, NULL, 0, &res, &res_len);
			free(res);
			res = NULL;
			if (err)
				return report("call", -err);
		}
		memset(&info, 0, sizeof(info));
		if (ioctl(fd, SUNRPC_NS_IOC_INFO, &info) < 0)
			return report("info", errno);
		print_info(&info);
		break;
	case C_GETPORT:
	case C_GETADDR:
		if (ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb) < 0)
			return report(cmd == C_GETPORT ? "getport" : "getaddr", errno);
		printf("%u\n", rb.port);
		break;
	case C_DUMP: {
		struct sunrpc_ns_pmap *e = calloc(MAX_DUMP, sizeof(*e));

		if (!e)
			return report("malloc", ENOMEM);
		rb.count = MAX_DUMP;
		rb.entries = (unsigned long)e;
		if (ioctl(fd, SUNRPC_NS_IOC_RPCB, &rb) < 0)
			return report("dump", errno);
		n = rb.count;
		if (n > MAX_DUMP) {
			fprintf(stderr, "rpcns: dump: %lu mappings, showing %d\n", n,
				MAX_DUMP);
			n = MAX_DUMP;
		}
		for (i = 0; i < n; i++)
			printf("%u %u %s %u\n", e[i].prog, e[i].vers,
			       proto_name(e[i].proto, pb, sizeof(pb)), e[i].port);
		free(e);
		break;
	}
	}
	free(res);
	free(args);
	close(fd);
	return 0;
}
