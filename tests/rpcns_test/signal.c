// SPDX-License-Identifier: GPL-2.0
/*
 * rpcns_test signal: signals during TCP calls.  A signal while the reply
 * is half received gives EINTR and leaves no half record behind: the
 * next call works at once.  A signal during a connect gives EINTR at
 * once instead of a retry.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "rpcns_test.h"

static void on_alarm(int sig)
{
	(void)sig;
}

/* SIGALRM in @ms milliseconds, once. */
static void alarm_ms(int ms)
{
	struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

void test_signal(void)
{
	struct copts o = { .proto = IPPROTO_TCP, .port = O_HALF,
			   .timeout_ms = 10000, .retries = 1 };
	struct sigaction sa;
	__u32 arg = htonl(5000);
	double t;
	int fd, r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);

	/*
	 * SLEEP 5 s: half the reply now, the rest (and anything after it) in
	 * 5 s; a signal at 0.5 s.  Left mid-record, the next call would wait
	 * for the rest and read it as record markers.
	 */
	fd = client("half", &o);
	if (fd >= 0) {
		expect_tag(fd, "A", "half tcp: before");
		alarm_ms(500);
		t = now_mono();
		r = call(fd, P_SLEEP, &arg, 4, NULL, NULL);
		t = now_mono() - t;
		CHECK(r == -EINTR, "half tcp: SLEEP interrupted: %s, want EINTR",
		      ename(r));
		CHECK(t < 2.5, "half tcp: SLEEP interrupted after %.2f s", t);
		t = now_mono();
		expect_tag(fd, "A", "half tcp: the call after the interrupted one");
		t = now_mono() - t;
		CHECK(t < 2, "half tcp: the call after the interrupted one took %.2f s",
		      t);
		expect_tag(fd, "A", "half tcp: and the one after");
		close(fd);
	}

	/* Nobody answers the connect: a signal ends it, no retry. */
	o.addr = ADDR_NOBODY;
	o.port = O_NORMAL;
	o.timeout_ms = 5000;
	o.retries = 3;
	fd = client("nobody", &o);
	if (fd >= 0) {
		alarm_ms(500);
		t = now_mono();
		r = call(fd, P_NULL, NULL, 0, NULL, NULL);
		t = now_mono() - t;
		CHECK(r == -EINTR, "connect to nobody interrupted: %s, want EINTR",
		      ename(r));
		CHECK(t < 2.5, "connect to nobody interrupted after %.2f s", t);
		close(fd);
	}
	alarm_ms(0);
}
