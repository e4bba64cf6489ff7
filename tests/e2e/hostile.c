/*
 * hostile.c - a hostile client of clusterd's API socket, run inside a
 * sandbox node by tests/e2e/test_hostile.sh.  Frames are built by hand
 * from common/clientproto.h: no libclusapi, so that nothing on the client
 * side smooths over what the attack does.
 *
 *   hostile [OPTIONS] status-flood
 *       one connection sends CS_OP_STATUS frames as fast as it can and
 *       never reads a reply
 *   hostile [OPTIONS] control-flood RESOURCE
 *       the same with CS_OP_RESOURCE_CONTROL GET_PRIVATE_PROPERTIES, OutSize
 *       16 MiB: answered by the plugin, later, one large reply each
 *   hostile [OPTIONS] big-headers N
 *       N connections, each a frame header claiming a CS_PROTO_MAX_PAYLOAD
 *       payload, then one byte of it every 100 ms
 *   hostile [OPTIONS] hold N
 *       N connections that send nothing, to use up clusterd's descriptors
 *       (the test lowers its RLIMIT_NOFILE first)
 *   hostile set-private RESOURCE NAME LENGTH
 *       setup: SET_PRIVATE_PROPERTIES NAME = a string of LENGTH characters
 *   hostile probe
 *       one CS_OP_STATUS on a new connection; 0 if answered within the
 *       deadline
 *   hostile conns N
 *       N connections kept open, one CS_OP_STATUS on each; prints
 *       "answered A refused R (codes) closed C late L"; 0 if every one got
 *       an answer, a refusal or a close within the deadline
 *
 * While an attack runs (--seconds), the attack lives in a child process and
 * this one watches clusterd (--pid): its VmRSS and VmData (/proc/PID/status)
 * every 20 ms, its utime+stime (/proc/PID/stat) over the window, and every
 * --interval-ms it probes clusterd as a normal client would: a STATUS on a
 * connection opened before the attack and one on a new connection, each to
 * be answered within --deadline-ms.  A broken memory bound stops the attack
 * at once (so that a clusterd without bounds is not driven into the
 * ground); other broken bounds are reported and the attack goes on, so
 * that each is measured.  Any broken bound fails the run.
 *
 * Options:
 *   --pid PID              clusterd (required for attacks)
 *   --seconds S            length of the attack (5)
 *   --interval-ms MS       probe and sample period (200)
 *   --deadline-ms MS       a probe's answer deadline (1000)
 *   --rss-max KIB          VmRSS must stay at or below this
 *   --data-grow-max KIB    VmData may grow by at most this over the attack
 *   --cpu-max-ms MS        utime+stime may grow by at most this over the
 *                          measured window (hold: from when the connections
 *                          past the limit have been dealt with)
 *   --stall-max KIB        the attacker may get at most this much accepted
 *                          by the socket in all (clusterd stops reading it)
 *   --expect-dropped       clusterd must close the attacking connection
 *   --nofile N             hold: clusterd's descriptor limit; its
 *                          descriptors below N must all be in use during
 *                          the window (the exhaustion really happened), and
 *                          new clients must get an answer or a closed
 *                          connection within the deadline
 *
 * Exit status: 0 every bound held, 1 one did not, 2 usage or setup error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusctl.h>
#include <clusapi/clusprop.h>
#include <clusapi/errors.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clientproto.h"

#define MAX_CONNS 1024

static struct {
	int pid;
	double seconds;
	int interval_ms, deadline_ms;
	long rss_max, data_grow_max, cpu_max_ms, stall_max, nofile;
	int expect_dropped;
} opt = { .seconds = 5, .interval_ms = 200, .deadline_ms = 1000, .rss_max = -1,
	  .data_grow_max = -1, .cpu_max_ms = -1, .stall_max = -1 };

/* What the attacking child tells this process, in shared memory. */
struct shared {
	_Atomic uint64_t sent;         /* bytes the socket accepted */
	_Atomic int64_t dropped_ms;    /* -1, or when clusterd closed the attacker */
	_Atomic int opened;            /* hold: connections made */
	_Atomic int closed;            /* hold: of those, closed by clusterd */
	_Atomic int ready;             /* the child has set up its connections */
};

static struct shared *sh;
static const char *sock_path;
static int failed;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hostile: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
	va_list ap;

	failed = 1;
	fprintf(stderr, "hostile: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- frames ---- */

/* A growing byte buffer for a frame. */
struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if (!(b->p = realloc(b->p, cap)))
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put32(struct buf *b, uint32_t v)
{
	uint8_t x[4];

	cs_put_le32(x, v);
	put(b, x, 4);
}

/* A value entry: syntax, length, data, zero padding to 4. */
static void put_value(struct buf *b, uint32_t syntax, const void *data, size_t n)
{
	static const uint8_t zero[4];

	put32(b, syntax);
	put32(b, (uint32_t)n);
	put(b, data, n);
	put(b, zero, (4 - n % 4) % 4);
}

/* An ASCII string as UTF-16LE with its NUL (the property-list format). */
static void put_sz(struct buf *b, uint32_t syntax, const char *s, size_t n)
{
	uint8_t *w = calloc(n + 1, 2);

	if (!w)
		die("out of memory");
	for (size_t i = 0; i < n; i++)
		w[2 * i] = (uint8_t)s[i];
	put_value(b, syntax, w, 2 * (n + 1));
	free(w);
}

static void prop_sz(struct buf *b, const char *name, const char *value, size_t n)
{
	put_sz(b, CLUSPROP_SYNTAX_NAME, name, strlen(name));
	put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, value, n);
	put32(b, CLUSPROP_SYNTAX_ENDMARK);
}

static void prop_dword(struct buf *b, const char *name, uint32_t v)
{
	uint8_t x[4];

	cs_put_le32(x, v);
	put_sz(b, CLUSPROP_SYNTAX_NAME, name, strlen(name));
	put_value(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, x, 4);
	put32(b, CLUSPROP_SYNTAX_ENDMARK);
}

static void prop_binary(struct buf *b, const char *name, const void *data, size_t n)
{
	put_sz(b, CLUSPROP_SYNTAX_NAME, name, strlen(name));
	put_value(b, CLUSPROP_SYNTAX_LIST_VALUE_BINARY, data, n);
	put32(b, CLUSPROP_SYNTAX_ENDMARK);
}

/* Append a whole frame: header, then the payload. */
static void put_frame(struct buf *f, uint16_t op, uint32_t id, const struct buf *payload)
{
	uint8_t h[CS_PROTO_HEADER_SIZE];
	size_t n = payload ? payload->len : 0;

	cs_frame_header_encode(h, op, id, 0, (uint32_t)n);
	put(f, h, sizeof(h));
	if (n)
		put(f, payload->p, n);
}

/* The payload of a resource control: Name, Code, [In], OutSize. */
static void control_payload(struct buf *p, const char *res, uint32_t code, const struct buf *in,
			    uint32_t out_size)
{
	put32(p, in ? 4 : 3);
	prop_sz(p, "Name", res, strlen(res));
	prop_dword(p, "Code", code);
	if (in)
		prop_binary(p, "In", in->p, in->len);
	prop_dword(p, "OutSize", out_size);
}

/* ---- connections ---- */

static int connect_api(int nonblock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (strlen(sock_path) >= sizeof(sa.sun_path))
		die("socket path too long");
	strcpy(sa.sun_path, sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Read exactly n bytes before deadline (ms, monotonic).  1 done, 0 the
 * connection was closed (EOF, reset), -1 the deadline passed. */
static int read_until(int fd, uint8_t *p, size_t n, int64_t deadline)
{
	size_t got = 0;

	while (got < n) {
		int64_t left = deadline - now_ms();
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (left <= 0)
			return -1;
		int r = poll(&pf, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		ssize_t k = recv(fd, p + got, n - got, MSG_DONTWAIT);
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
			return 0;
		if (k > 0)
			got += (size_t)k;
	}
	return 1;
}

enum probe_result { ANSWERED, CLOSED, LATE, REFUSED };
static const char *const result_name[] = { "answered", "closed", "no answer in time",
					   "answered with an error" };

/* One STATUS on fd: the reply with our id and ERROR_SUCCESS before deadline. */
static enum probe_result status_on(int fd, uint32_t id, int64_t deadline, uint32_t *status)
{
	uint8_t h[CS_PROTO_HEADER_SIZE], *payload;
	struct cs_frame_header fh;
	int r;

	cs_frame_header_encode(h, CS_OP_STATUS, id, 0, 0);
	if (send(fd, h, sizeof(h), MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)sizeof(h))
		return errno == EAGAIN ? LATE : CLOSED;
	for (;;) {
		r = read_until(fd, h, sizeof(h), deadline);
		if (r <= 0)
			return r == 0 ? CLOSED : LATE;
		if (cs_frame_header_decode(h, &fh) != 0)
			die("probe: a bad reply header from clusterd");
		if (!(payload = malloc(fh.length ? fh.length : 1)))
			die("out of memory");
		r = read_until(fd, payload, fh.length, deadline);
		free(payload);
		if (r <= 0)
			return r == 0 ? CLOSED : LATE;
		if (fh.id != id)
			continue; /* not ours (cannot happen: one at a time) */
		*status = fh.status;
		return fh.status == ERROR_SUCCESS ? ANSWERED : REFUSED;
	}
}

/* STATUS on a new connection: connect (a full backlog counts against the
 * deadline too), ask, wait. */
static enum probe_result fresh_probe(int64_t deadline, uint32_t *status)
{
	int fd;
	enum probe_result r;

	while ((fd = connect_api(1)) < 0) {
		if (errno != EAGAIN)
			return CLOSED; /* refused: not a hang */
		if (now_ms() >= deadline)
			return LATE;
		sleep_ms(5);
	}
	r = status_on(fd, 1, deadline, status);
	close(fd);
	return r;
}

/* ---- clusterd, seen from /proc ---- */

struct sample {
	long rss_kib, data_kib;
	long cpu_ms;
};

static int read_sample(struct sample *s)
{
	char path[64], line[256], stat[1024], *p;
	FILE *f;
	unsigned long ut, st;
	long hz = sysconf(_SC_CLK_TCK);

	s->rss_kib = s->data_kib = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", opt.pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			s->rss_kib = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmData:", 7) == 0)
			s->data_kib = strtol(line + 7, NULL, 10);
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/stat", opt.pid);
	if (!(f = fopen(path, "r")))
		return -1;
	p = fgets(stat, sizeof(stat), f);
	fclose(f);
	/* after "(comm) ": state is field 3; utime and stime are 14 and 15 */
	if (!p || !(p = strrchr(stat, ')')) ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	s->cpu_ms = (long)((ut + st) * 1000 / (unsigned long)hz);
	return s->rss_kib < 0 || s->data_kib < 0 ? -1 : 0;
}

/* How many of clusterd's descriptors below n are open. */
static long fds_below(long n)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	long count = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", opt.pid);
	if (!(d = opendir(path)))
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strtol(e->d_name, NULL, 10) < n)
			count++;
	closedir(d);
	return count;
}

/* ---- attackers (each runs in a child process) ---- */

/* Write frames (the same block again and again) and never read. */
static void flood(const struct buf *block)
{
	int fd = connect_api(0);
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	int64_t t0 = now_ms();

	if (fd < 0)
		die("flood: connect: %s", strerror(errno));
	/* a write blocked on a socket clusterd stopped reading returns now and
	 * then, so that the child sees its time run out */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	sh->ready = 1;
	while (now_ms() - t0 < (int64_t)(opt.seconds * 1000)) {
		ssize_t n = send(fd, block->p, block->len, MSG_NOSIGNAL);
		if (n > 0) {
			sh->sent += (uint64_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		sh->dropped_ms = now_ms() - t0; /* EPIPE or ECONNRESET: clusterd closed it */
		break;
	}
	/* keep the socket open, unread, until told to go (SIGKILL) */
	pause();
	_exit(0);
}

static void big_headers(int n)
{
	int fds[MAX_CONNS];
	uint8_t h[CS_PROTO_HEADER_SIZE];
	int64_t t0 = now_ms();

	cs_frame_header_encode(h, CS_OP_STATUS, 1, 0, CS_PROTO_MAX_PAYLOAD);
	for (int i = 0; i < n; i++) {
		if ((fds[i] = connect_api(0)) < 0)
			die("big-headers: connect %d: %s", i, strerror(errno));
		if (send(fds[i], h, sizeof(h), MSG_NOSIGNAL) != (ssize_t)sizeof(h))
			die("big-headers: send: %s", strerror(errno));
		sh->sent += sizeof(h);
	}
	sh->ready = 1;
	/* then a trickle of the payload, as a slow client would send it */
	while (now_ms() - t0 < (int64_t)(opt.seconds * 1000)) {
		sleep_ms(100);
		for (int i = 0; i < n; i++)
			if (fds[i] >= 0 && send(fds[i], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
				sh->sent += 1;
	}
	pause();
	_exit(0);
}

/* Connect n times, send nothing; count the connections clusterd closes. */
static void hold(int n)
{
	struct pollfd pf[MAX_CONNS];
	int made = 0;

	for (int i = 0; i < n; i++) {
		int64_t until = now_ms() + 2000;
		int fd;
		/* past the backlog, a connect waits for room: a bounded wait */
		while ((fd = connect_api(1)) < 0 && errno == EAGAIN && now_ms() < until)
			sleep_ms(5);
		if (fd < 0)
			break;
		pf[made].fd = fd;
		pf[made].events = POLLIN;
		made++;
		sh->opened = made;
	}
	sh->ready = 1;
	for (;;) {
		if (poll(pf, (nfds_t)made, -1) < 0 && errno != EINTR)
			_exit(2);
		for (int i = 0; i < made; i++) {
			char c;
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			if (recv(pf[i].fd, &c, 1, MSG_DONTWAIT) > 0)
				continue; /* an answer to nothing: cannot happen */
			close(pf[i].fd);
			pf[i].fd = -1;
			sh->closed++;
		}
	}
}

/* N connections held open at once, one STATUS on each (in order): what did
 * they get?  Refusals are counted by code. */
static int conns(int n)
{
	int fds[MAX_CONNS], counts[4] = { 0 }, made = 0;
	uint32_t codes[MAX_CONNS];
	size_t n_codes = 0;

	if (n < 1 || n > MAX_CONNS)
		die("conns: N from 1 to %d", MAX_CONNS);
	for (int i = 0; i < n; i++) {
		int64_t until = now_ms() + 2000;
		while ((fds[made] = connect_api(1)) < 0 && errno == EAGAIN && now_ms() < until)
			sleep_ms(5);
		if (fds[made] < 0)
			die("conns: connect %d: %s", i, strerror(errno));
		made++;
	}
	for (int i = 0; i < made; i++) {
		uint32_t status = 0;
		enum probe_result r = status_on(fds[i], (uint32_t)i + 1,
						now_ms() + opt.deadline_ms, &status);
		counts[r]++;
		if (r == REFUSED && n_codes < MAX_CONNS)
			codes[n_codes++] = status;
	}
	printf("answered %d refused %d (", counts[ANSWERED], counts[REFUSED]);
	for (size_t k = 0; k < n_codes; k++)
		printf("%s%u", k ? " " : "", codes[k]);
	printf(") closed %d late %d\n", counts[CLOSED], counts[LATE]);
	for (int i = 0; i < made; i++)
		close(fds[i]);
	return counts[LATE] ? 1 : 0;
}

/* ---- the watcher ---- */

struct stats {
	int probes;
	int64_t persist_max_ms, fresh_max_ms;
	int fresh_answered, fresh_closed;
	long rss_max, data_max;
};

/* Sample clusterd's memory: -1 if a bound broke (the attack must stop). */
static int sample_memory(struct stats *st, const struct sample *base)
{
	struct sample s;

	if (read_sample(&s) < 0)
		die("cannot read /proc/%d: is clusterd gone?", opt.pid);
	if (s.rss_kib > st->rss_max)
		st->rss_max = s.rss_kib;
	if (s.data_kib > st->data_max)
		st->data_max = s.data_kib;
	if (opt.rss_max >= 0 && s.rss_kib > opt.rss_max) {
		bad("clusterd's VmRSS is %ld KiB, over the bound of %ld KiB", s.rss_kib, opt.rss_max);
		return -1;
	}
	if (opt.data_grow_max >= 0 && s.data_kib - base->data_kib > opt.data_grow_max) {
		bad("clusterd's VmData grew by %ld KiB, over the bound of %ld KiB",
		    s.data_kib - base->data_kib, opt.data_grow_max);
		return -1;
	}
	return 0;
}

/* One round of probes: a normal client on its open connection and a new
 * one.  A probe that fails is reported and the attack goes on. */
static void probe_round(int persist_fd, int fresh_may_close, struct stats *st)
{
	uint32_t status = 0;
	int64_t t;
	enum probe_result r;

	st->probes++;
	t = now_ms();
	r = status_on(persist_fd, (uint32_t)st->probes, t + opt.deadline_ms, &status);
	t = now_ms() - t;
	if (t > st->persist_max_ms)
		st->persist_max_ms = t;
	if (r != ANSWERED)
		bad("a normal client's STATUS on its open connection: %s after %" PRId64 " ms "
		    "(status %" PRIu32 ")", result_name[r], t, status);

	t = now_ms();
	r = fresh_probe(t + opt.deadline_ms, &status);
	t = now_ms() - t;
	if (t > st->fresh_max_ms)
		st->fresh_max_ms = t;
	if (r == ANSWERED)
		st->fresh_answered++;
	else if (r == CLOSED && fresh_may_close)
		st->fresh_closed++;
	else
		bad("a new client's STATUS: %s after %" PRId64 " ms (status %" PRIu32 ")",
		    result_name[r], t, status);
}

static void sleep_until(int64_t t)
{
	int64_t left = t - now_ms();

	if (left > 0)
		sleep_ms((int)left);
}

static pid_t start_child(void (*fn)(const void *), const void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

static void stop_child(pid_t pid)
{
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void run_flood(const void *arg)
{
	flood(arg);
}

static void run_big_headers(const void *arg)
{
	big_headers(*(const int *)arg);
}

static void run_hold(const void *arg)
{
	hold(*(const int *)arg);
}

static const char *attack_name;

/* Run an attack for opt.seconds while watching clusterd. */
static int watch(void (*fn)(const void *), const void *arg, int is_hold)
{
	struct stats st = { 0 };
	struct sample base, s0, s1;
	int persist_fd, stopped_early = 0;
	int64_t t0, window_start, next;
	pid_t child;
	long fds = -1;

	if (read_sample(&base) < 0)
		die("cannot read /proc/%d", opt.pid);
	st.rss_max = base.rss_kib;
	st.data_max = base.data_kib;
	/* the normal client connects before the attack, as a running service would */
	if ((persist_fd = connect_api(0)) < 0)
		die("connect %s: %s", sock_path, strerror(errno));
	uint32_t status;
	if (status_on(persist_fd, 1000000, now_ms() + opt.deadline_ms, &status) != ANSWERED)
		die("clusterd does not answer before the attack");

	t0 = now_ms();
	child = start_child(fn, arg);
	while (!sh->ready && now_ms() - t0 < 10000)
		sleep_ms(5);
	if (!sh->ready)
		die("%s: the attacker did not start", attack_name);

	window_start = now_ms();
	if (is_hold) {
		/* connections past the limit wait in the backlog until clusterd
		 * closes them (one at a time, or never): the window starts once
		 * none has been closed for 500 ms, at most 6 s after the start */
		int last = -1;
		int64_t quiet_since = now_ms();
		while (now_ms() - window_start < 6000) {
			if (sh->closed != last) {
				last = sh->closed;
				quiet_since = now_ms();
			} else if (now_ms() - quiet_since >= 500) {
				break;
			}
			sleep_ms(50);
		}
		window_start = now_ms();
		fds = fds_below(opt.nofile);
		if (fds != opt.nofile) {
			bad("clusterd has %ld of its %ld descriptors in use: not exhausted, the test "
			    "tests nothing", fds, opt.nofile);
			stopped_early = 1;
		}
	}
	if (read_sample(&s0) < 0)
		die("cannot read /proc/%d", opt.pid);
	/* memory every 20 ms, to catch a peak between probes; probes every
	 * interval */
	next = now_ms();
	while (!stopped_early && now_ms() - window_start < (int64_t)(opt.seconds * 1000)) {
		if (sample_memory(&st, &base) < 0) {
			stopped_early = 1;
			break;
		}
		if (now_ms() >= next) {
			probe_round(persist_fd, is_hold, &st);
			next += opt.interval_ms;
		}
		sleep_until(now_ms() + 20 < next ? now_ms() + 20 : next);
	}
	if (read_sample(&s1) < 0)
		die("cannot read /proc/%d", opt.pid);

	if (opt.cpu_max_ms >= 0 && !stopped_early && s1.cpu_ms - s0.cpu_ms > opt.cpu_max_ms)
		bad("clusterd used %ld ms of CPU in %.1f s, over the bound of %ld ms",
		    s1.cpu_ms - s0.cpu_ms, (now_ms() - window_start) / 1000.0, opt.cpu_max_ms);
	if (opt.stall_max >= 0 && (long)(sh->sent / 1024) > opt.stall_max)
		bad("clusterd took %" PRIu64 " KiB from a client that reads nothing, over the "
		    "bound of %ld KiB: it did not stop reading it", sh->sent / 1024, opt.stall_max);
	if (opt.expect_dropped && sh->dropped_ms < 0)
		bad("clusterd did not drop the client that reads none of its replies");
	if (is_hold && opt.nofile > 0 && !stopped_early && st.fresh_closed == 0)
		bad("no new client was turned away while out of descriptors");

	printf("%s: %d probe rounds over %.1f s; open connection: slowest answer %" PRId64
	       " ms; new connections: slowest %" PRId64 " ms, %d answered, %d closed; "
	       "VmRSS %ld -> max %ld KiB; VmData %ld -> max %ld KiB; CPU %ld ms in the window; "
	       "attacker: %" PRIu64 " KiB accepted by the socket",
	       attack_name, st.probes, (now_ms() - window_start) / 1000.0, st.persist_max_ms,
	       st.fresh_max_ms, st.fresh_answered, st.fresh_closed, base.rss_kib, st.rss_max,
	       base.data_kib, st.data_max, s1.cpu_ms - s0.cpu_ms, sh->sent / 1024);
	if (sh->dropped_ms >= 0)
		printf(", dropped by clusterd after %.2f s", sh->dropped_ms / 1000.0);
	if (is_hold)
		printf(", %d connections made, %d closed by clusterd, %ld of %ld descriptors in use",
		       sh->opened, sh->closed, fds, opt.nofile);
	printf("\n");
	fflush(stdout);

	stop_child(child);
	if (is_hold) {
		/* the hostile connections are gone: new clients are served again */
		int64_t until = now_ms() + 3000;
		enum probe_result r;
		while ((r = fresh_probe(now_ms() + opt.deadline_ms, &status)) != ANSWERED &&
		       now_ms() < until)
			sleep_ms(100);
		if (r != ANSWERED)
			bad("3 s after the hostile connections closed, a new client is still not "
			    "served (%s)", result_name[r]);
		else
			printf("%s: after the hostile connections closed, a new client was "
			       "answered\n", attack_name);
	}
	close(persist_fd);
	return failed ? 1 : 0;
}

/* ---- setup commands ---- */

/* Send one frame on a new connection and wait for its reply's status. */
static uint32_t call(const struct buf *frame, int timeout_ms)
{
	uint8_t h[CS_PROTO_HEADER_SIZE];
	struct cs_frame_header fh;
	int fd = connect_api(0);
	int64_t deadline = now_ms() + timeout_ms;

	if (fd < 0)
		die("connect %s: %s", sock_path, strerror(errno));
	for (size_t off = 0; off < frame->len;) {
		ssize_t n = send(fd, frame->p + off, frame->len - off, MSG_NOSIGNAL);
		if (n < 0)
			die("send: %s", strerror(errno));
		off += (size_t)n;
	}
	if (read_until(fd, h, sizeof(h), deadline) != 1 || cs_frame_header_decode(h, &fh) != 0)
		die("no reply from clusterd");
	close(fd);
	return fh.status;
}

static int set_private(const char *res, const char *name, size_t len)
{
	struct buf list = { 0 }, payload = { 0 }, frame = { 0 };
	char *s = malloc(len + 1);
	uint32_t rc;

	if (!s)
		die("out of memory");
	memset(s, 'x', len);
	s[0] = '/';
	s[len] = 0;
	put32(&list, 1);
	prop_sz(&list, name, s, len);
	control_payload(&payload, res, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, &list, 0);
	put_frame(&frame, CS_OP_RESOURCE_CONTROL, 1, &payload);
	rc = call(&frame, 30000);
	free(s);
	free(list.p);
	free(payload.p);
	free(frame.p);
	if (rc != ERROR_SUCCESS) {
		fprintf(stderr, "hostile: set-private %s: error %" PRIu32 "\n", name, rc);
		return 1;
	}
	return 0;
}

static long num(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0)
		die("%s: not a number: %s", what, s);
	return v;
}

int main(int argc, char **argv)
{
	struct buf block = { 0 }, payload = { 0 };
	int i = 1, n;

	signal(SIGPIPE, SIG_IGN);
	sock_path = getenv(CS_SOCKET_ENV) ? getenv(CS_SOCKET_ENV) : CS_DEFAULT_SOCKET;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "--expect-dropped")) {
			opt.expect_dropped = 1;
			continue;
		}
		if (i + 1 >= argc)
			die("%s needs a value", o);
		const char *v = argv[++i];
		if (!strcmp(o, "--pid"))
			opt.pid = (int)num(v, o);
		else if (!strcmp(o, "--seconds"))
			opt.seconds = (double)num(v, o);
		else if (!strcmp(o, "--interval-ms"))
			opt.interval_ms = (int)num(v, o);
		else if (!strcmp(o, "--deadline-ms"))
			opt.deadline_ms = (int)num(v, o);
		else if (!strcmp(o, "--rss-max"))
			opt.rss_max = num(v, o);
		else if (!strcmp(o, "--data-grow-max"))
			opt.data_grow_max = num(v, o);
		else if (!strcmp(o, "--cpu-max-ms"))
			opt.cpu_max_ms = num(v, o);
		else if (!strcmp(o, "--stall-max"))
			opt.stall_max = num(v, o);
		else if (!strcmp(o, "--nofile"))
			opt.nofile = num(v, o);
		else
			die("unknown option %s", o);
	}
	if (i >= argc)
		die("usage: hostile [OPTIONS] status-flood|control-flood RES|big-headers N|hold N|"
		    "set-private RES NAME LEN|probe");
	attack_name = argv[i];
	if (!strcmp(argv[i], "probe")) {
		uint32_t status;
		enum probe_result r = fresh_probe(now_ms() + opt.deadline_ms, &status);
		if (r != ANSWERED)
			fprintf(stderr, "hostile: probe: %s\n", result_name[r]);
		return r == ANSWERED ? 0 : 1;
	}
	if (!strcmp(argv[i], "conns")) {
		if (argc - i != 2)
			die("usage: hostile conns N");
		return conns((int)num(argv[i + 1], "N"));
	}
	if (!strcmp(argv[i], "set-private")) {
		if (argc - i != 4)
			die("usage: hostile set-private RES NAME LEN");
		return set_private(argv[i + 1], argv[i + 2], (size_t)num(argv[i + 3], "LEN"));
	}

	if (opt.pid <= 0)
		die("%s needs --pid", argv[i]);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	sh->dropped_ms = -1;

	if (!strcmp(argv[i], "status-flood") && argc - i == 1) {
		/* 64 KiB of STATUS frames per write */
		for (uint32_t id = 1; block.len + CS_PROTO_HEADER_SIZE <= 65536; id++)
			put_frame(&block, CS_OP_STATUS, id, NULL);
		return watch(run_flood, &block, 0);
	}
	if (!strcmp(argv[i], "control-flood") && argc - i == 2) {
		control_payload(&payload, argv[i + 1], CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, NULL,
				CS_PROTO_MAX_PAYLOAD);
		for (uint32_t id = 1; block.len < 65536; id++)
			put_frame(&block, CS_OP_RESOURCE_CONTROL, id, &payload);
		return watch(run_flood, &block, 0);
	}
	if (!strcmp(argv[i], "big-headers") && argc - i == 2) {
		n = (int)num(argv[i + 1], "N");
		if (n < 1 || n > MAX_CONNS)
			die("big-headers: N from 1 to %d", MAX_CONNS);
		return watch(run_big_headers, &n, 0);
	}
	if (!strcmp(argv[i], "hold") && argc - i == 2) {
		n = (int)num(argv[i + 1], "N");
		if (n < 1 || n > MAX_CONNS)
			die("hold: N from 1 to %d", MAX_CONNS);
		if (opt.nofile <= 0)
			die("hold needs --nofile");
		return watch(run_hold, &n, 1);
	}
	die("unknown attack or wrong arguments: %s", argv[i]);
}
