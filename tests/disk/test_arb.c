/*
 * test_arb.c - the Physical Disk arbitration (plugins/physical-disk/arb.h)
 * against two real sanlock daemons sharing one disk image through two loop
 * devices, as two nodes see one SAN LUN.  Run by test_arb.sh, which makes
 * the image, the loop devices and the daemons.
 *
 *   test_arb DEV1 DEV2 RUNDIR1 RUNDIR2 DAEMON1_PID IO_TIMEOUT FOREIGN_DEV
 *
 * This process is the conductor: it forks one "node" process per node,
 * each with its own SANLOCK_RUN_DIR (so its own daemon), and sends each
 * one-line commands over a pipe; a node answers "<code> <value> <why>".
 * Node processes are separate so that sanlock sees two clients, and so that
 * killing one (SIGKILL) shows what sanlock does with a dead holder's lease.
 *
 * Timings are printed, not asserted (beyond a sanity bound of 5 s).
 * ARB_SLOW=1 also measures a plain sanlock takeover after the holder's
 * daemon is killed (8 x io_timeout + 60 s: over a minute).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <clusapi/errors.h>

#include "arb.h"

#define DISK_ID "SIG:5ca1ab1e"
#define SANITY_MS 5000.0
#define JOIN_LIMIT_MS 60000.0

/* ---- the node side ---- */

static void node_reply(FILE *out, uint32_t code, uint32_t value, const char *why)
{
	fprintf(out, "%u %u %s\n", code, value, why[0] ? why : "-");
	fflush(out);
}

/* Serve commands until "quit" or end of input; returns the exit status. */
static int node_serve(FILE *in, FILE *out, const char *run_dir)
{
	struct pd_arb *a = NULL;
	char line[512], why[256], dev[256], id[128];
	unsigned kind, node, io, flags, prev;
	uint32_t code, value;

	if (setenv("SANLOCK_RUN_DIR", run_dir, 1) != 0)
		return 2;
	while (fgets(line, sizeof(line), in)) {
		why[0] = '\0';
		value = 0;
		if (sscanf(line, "open %u %255s %127s %u %u", &kind, dev, id, &node, &io) == 5) {
			struct pd_arb_params p = {
				.kind = (enum pd_arb_kind)kind, .device = dev, .disk_id = id,
				.node_id = node, .io_timeout_s = io,
			};
			pd_arb_close(a);
			a = NULL;
			code = pd_arb_open(&p, &a, why, sizeof(why));
		} else if (sscanf(line, "acquire %u %u", &flags, &prev) == 2) {
			code = pd_arb_acquire(a, flags, prev, why, sizeof(why));
		} else if (strcmp(line, "release\n") == 0) {
			code = pd_arb_release(a, why, sizeof(why));
		} else if (strcmp(line, "check\n") == 0) {
			code = pd_arb_check(a, why, sizeof(why));
		} else if (strcmp(line, "owner\n") == 0) {
			code = pd_arb_owner(a, &value, why, sizeof(why));
		} else if (strcmp(line, "close\n") == 0) {
			pd_arb_close(a);
			a = NULL;
			code = ERROR_SUCCESS;
		} else if (strcmp(line, "quit\n") == 0) {
			break;
		} else {
			code = ERROR_BAD_COMMAND;
			snprintf(why, sizeof(why), "unknown command");
		}
		node_reply(out, code, value, why);
	}
	pd_arb_close(a);
	return 0;
}

/* ---- the conductor side ---- */

struct node {
	const char *name;
	const char *dev;
	const char *run_dir;
	uint32_t id;
	pid_t pid;
	FILE *to;
	FILE *from;
};

struct answer {
	uint32_t code;
	uint32_t value;
	double ms;
	char why[512];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Close the node's pipes (it then closes its pd_arb and exits) and wait
 * for it; returns its wait status, or -1 when there was none. */
static int node_reap(struct node *n, bool kill_it)
{
	int status = -1;

	if (n->to) {
		fclose(n->to);
		n->to = NULL;
	}
	if (n->from) {
		fclose(n->from);
		n->from = NULL;
	}
	if (n->pid > 0) {
		if (kill_it)
			kill(n->pid, SIGKILL);
		while (waitpid(n->pid, &status, 0) < 0 && errno == EINTR)
			;
		n->pid = -1;
	}
	return status;
}

/* Fork node n; other (may be NULL) is the other node, whose pipe ends the
 * child must not keep open (or that node would never see end of input). */
static int node_spawn(struct node *n, const struct node *other)
{
	int down[2] = { -1, -1 }, up[2] = { -1, -1 };
	int rc = -1;

	if (pipe(down) != 0 || pipe(up) != 0)
		goto out;
	fflush(NULL);
	n->pid = fork();
	if (n->pid < 0)
		goto out;
	if (n->pid == 0) {
		FILE *in, *out;
		int st;

		close(down[1]);
		close(up[0]);
		if (other && other->to)
			close(fileno(other->to));
		if (other && other->from)
			close(fileno(other->from));
		in = fdopen(down[0], "r");
		out = fdopen(up[1], "w");
		if (!in || !out)
			_exit(2);
		st = node_serve(in, out, n->run_dir);
		fclose(in);
		fclose(out);
		exit(st);
	}
	close(down[0]);
	close(up[1]);
	down[0] = up[1] = -1;
	n->to = fdopen(down[1], "w");
	if (n->to)
		down[1] = -1;
	n->from = fdopen(up[0], "r");
	if (n->from)
		up[0] = -1;
	if (!n->to || !n->from)
		goto out;
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (down[i] >= 0)
			close(down[i]);
		if (up[i] >= 0)
			close(up[i]);
	}
	if (rc != 0)
		node_reap(n, true);
	return rc;
}

/* Send one command without waiting for the answer. */
__attribute__((format(printf, 2, 0)))
static bool send_cmd(struct node *n, const char *fmt, va_list ap)
{
	vfprintf(n->to, fmt, ap);
	fputc('\n', n->to);
	return fflush(n->to) == 0;
}

__attribute__((format(printf, 2, 3)))
static bool send_only(struct node *n, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = send_cmd(n, fmt, ap);
	va_end(ap);
	return ok;
}

/* Read the answer to the command sent at t0; false if the node is gone. */
static bool recv_answer(struct node *n, struct answer *ans, double t0)
{
	char line[512];
	int pos = 0;

	memset(ans, 0, sizeof(*ans));
	ans->code = ERROR_GEN_FAILURE;
	if (!fgets(line, sizeof(line), n->from)) {
		snprintf(ans->why, sizeof(ans->why), "node %s did not answer", n->name);
		return false;
	}
	ans->ms = now_ms() - t0;
	if (sscanf(line, "%u %u %n", &ans->code, &ans->value, &pos) < 2) {
		snprintf(ans->why, sizeof(ans->why), "bad answer from %s: %.200s", n->name, line);
		return false;
	}
	line[strcspn(line, "\n")] = '\0';
	snprintf(ans->why, sizeof(ans->why), "%.250s", line + pos);
	return true;
}

/* Send one command and read its answer; false if the node is gone. */
__attribute__((format(printf, 3, 4)))
static bool call(struct node *n, struct answer *ans, const char *fmt, ...)
{
	double t0 = now_ms();
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = send_cmd(n, fmt, ap);
	va_end(ap);
	if (!ok) {
		snprintf(ans->why, sizeof(ans->why), "node %s is gone", n->name);
		ans->code = ERROR_GEN_FAILURE;
		return false;
	}
	return recv_answer(n, ans, t0);
}

/* Acquire, retrying while the lockspace is being joined. */
static bool acquire_joined(struct node *n, struct answer *ans, unsigned flags, unsigned prev)
{
	double t0 = now_ms();

	for (;;) {
		if (!call(n, ans, "acquire %u %u", flags, prev))
			return false;
		if (ans->code != ERROR_NOT_READY || now_ms() - t0 > JOIN_LIMIT_MS)
			break;
		sleep_ms(50);
	}
	ans->ms = now_ms() - t0;
	return true;
}

static bool open_node(struct node *n, struct answer *ans, unsigned io_timeout)
{
	return call(n, ans, "open %d %s %s %u %u", PD_ARB_SANLOCK, n->dev, DISK_ID, n->id,
		    io_timeout);
}

static int failures;

#define EXPECT(cond, ...)                                                         \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "FAIL (line %d): ", __LINE__);            \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			failures++;                                               \
			goto out;                                                 \
		}                                                                 \
	} while (0)

#define OK(what, ans) printf("ok   %-58s %8.1f ms  %s\n", what, (ans)->ms, (ans)->why)

/* Open and parameter errors that need no daemon, in this process. */
static int test_local(const char *dev1, const char *foreign_dev, unsigned io)
{
	struct pd_arb_params p = {
		.kind = PD_ARB_SANLOCK, .device = dev1, .disk_id = DISK_ID,
		.node_id = 2001, .io_timeout_s = io,
	};
	struct pd_arb *a = NULL;
	char why[256] = "";
	uint32_t code;

	code = pd_arb_open(&p, &a, why, sizeof(why));
	EXPECT(code == ERROR_INVALID_PARAMETER && !a && strstr(why, "2001"),
	       "node id 2001: %u %s", code, why);
	printf("ok   %-58s %s\n", "node id 2001 refused", why);

	p.node_id = 1;
	p.disk_id = "5ca1ab1e";
	code = pd_arb_open(&p, &a, why, sizeof(why));
	EXPECT(code == ERROR_INVALID_PARAMETER && !a, "bad disk id: %u %s", code, why);
	printf("ok   %-58s %s\n", "malformed disk id refused", why);

	p.disk_id = DISK_ID;
	p.io_timeout_s = 0;
	code = pd_arb_open(&p, &a, why, sizeof(why));
	EXPECT(code == ERROR_INVALID_PARAMETER && !a, "io_timeout 0: %u %s", code, why);
	printf("ok   %-58s %s\n", "io_timeout 0 refused", why);

	/* Persistent reservations: loop devices have none (real behaviour). */
	p.kind = PD_ARB_PR;
	p.io_timeout_s = io;
	code = pd_arb_open(&p, &a, why, sizeof(why));
	EXPECT(code == ERROR_NOT_SUPPORTED && !a && strstr(why, dev1),
	       "PR open on %s: %u %s", dev1, code, why);
	printf("ok   %-58s %s\n", "PR open on a loop device: ERROR_NOT_SUPPORTED", why);

	/* A disk whose sanlock area holds other data is never overwritten. */
	p.kind = PD_ARB_SANLOCK;
	p.device = foreign_dev;
	code = pd_arb_open(&p, &a, why, sizeof(why));
	EXPECT(code == ERROR_DISK_CORRUPT && !a, "foreign area: %u %s", code, why);
	printf("ok   %-58s %s\n", "foreign data in the lease area refused", why);
out:
	pd_arb_close(a);
	return failures;
}

int main(int argc, char **argv)
{
	struct node n1 = { .name = "node1", .id = 1, .pid = -1 };
	struct node n2 = { .name = "node2", .id = 2, .pid = -1 };
	struct answer ans, ans2;
	bool slow = getenv("ARB_SLOW") && strcmp(getenv("ARB_SLOW"), "1") == 0;
	pid_t daemon1;
	unsigned io;
	double t0;
	int st;

	if (argc != 8) {
		fprintf(stderr, "usage: %s DEV1 DEV2 RUNDIR1 RUNDIR2 DAEMON1_PID IO_TIMEOUT "
			"FOREIGN_DEV\n", argv[0]);
		return 2;
	}
	n1.dev = argv[1];
	n2.dev = argv[2];
	n1.run_dir = argv[3];
	n2.run_dir = argv[4];
	daemon1 = (pid_t)atoi(argv[5]);
	io = (unsigned)atoi(argv[6]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (test_local(n1.dev, argv[7], io) != 0)
		goto out;

	EXPECT(node_spawn(&n1, NULL) == 0 && node_spawn(&n2, &n1) == 0, "fork: %s", strerror(errno));

	/* Both open the blank disk at the same moment: both may initialise
	 * it (doc/arbitration.md says why that is safe); both must succeed. */
	t0 = now_ms();
	EXPECT(send_only(&n1, "open %d %s %s %u %u", PD_ARB_SANLOCK, n1.dev, DISK_ID, n1.id, io) &&
	       send_only(&n2, "open %d %s %s %u %u", PD_ARB_SANLOCK, n2.dev, DISK_ID, n2.id, io),
	       "sending open");
	EXPECT(recv_answer(&n1, &ans, t0) && ans.code == ERROR_SUCCESS, "node1 open: %u %s",
	       ans.code, ans.why);
	EXPECT(recv_answer(&n2, &ans2, t0) && ans2.code == ERROR_SUCCESS, "node2 open: %u %s",
	       ans2.code, ans2.why);
	OK("node1 open, at once with node2, of the blank disk", &ans);
	OK("node2 open, at once with node1, of the blank disk", &ans2);

	/* Node 1 acquires once its daemon has joined the lockspace. */
	EXPECT(call(&n1, &ans, "acquire 0 0") && ans.code == ERROR_NOT_READY,
	       "first acquire right after open should be NOT_READY: %u %s", ans.code, ans.why);
	OK("node1 acquire during the join: ERROR_NOT_READY", &ans);
	EXPECT(acquire_joined(&n1, &ans, 0, 0) && ans.code == ERROR_SUCCESS,
	       "node1 acquire: %u %s", ans.code, ans.why);
	OK("node1 joined and acquired (time from first retry)", &ans);
	EXPECT(call(&n1, &ans, "acquire 0 0") && ans.code == ERROR_SUCCESS,
	       "node1 acquire again: %u %s", ans.code, ans.why);
	OK("node1 acquire again (idempotent)", &ans);

	/* Node 2 is refused, naming node 1. */
	EXPECT(acquire_joined(&n2, &ans, 0, 0) && ans.code == ERROR_SHARING_VIOLATION &&
	       strstr(ans.why, "held by node 1"), "node2 acquire: %u %s", ans.code, ans.why);
	OK("node2 acquire: ERROR_SHARING_VIOLATION", &ans);

	/* Both read the owner without taking anything. */
	EXPECT(call(&n1, &ans, "owner") && ans.code == 0 && ans.value == 1, "node1 owner: %u %u %s",
	       ans.code, ans.value, ans.why);
	EXPECT(call(&n2, &ans2, "owner") && ans2.code == 0 && ans2.value == 1,
	       "node2 owner: %u %u %s", ans2.code, ans2.value, ans2.why);
	printf("ok   %-58s %8.3f ms\n", "owner on both nodes: 1", ans2.ms);
	EXPECT(call(&n1, &ans, "check") && ans.code == ERROR_SUCCESS, "node1 check: %u %s",
	       ans.code, ans.why);
	OK("node1 check: the lease is ours", &ans);
	EXPECT(call(&n2, &ans, "check") && ans.code == ERROR_NOT_OWNER, "node2 check: %u %s",
	       ans.code, ans.why);
	OK("node2 check: ERROR_NOT_OWNER", &ans);

	/* Clean release: node 2 gets it at once. */
	EXPECT(call(&n1, &ans, "release") && ans.code == ERROR_SUCCESS, "node1 release: %u %s",
	       ans.code, ans.why);
	OK("node1 release", &ans);
	t0 = now_ms();
	EXPECT(call(&n2, &ans, "acquire 0 0") && ans.code == ERROR_SUCCESS,
	       "node2 acquire after release: %u %s", ans.code, ans.why);
	ans.ms = now_ms() - t0;
	OK("node2 acquire after node1's release", &ans);
	printf("TIMING release->acquire %.1f ms\n", ans.ms);
	EXPECT(ans.ms < SANITY_MS, "took %.1f ms", ans.ms);
	EXPECT(call(&n1, &ans, "owner") && ans.value == 2, "owner after move: %u %s", ans.value,
	       ans.why);
	EXPECT(call(&n1, &ans, "release") && ans.code == ERROR_SUCCESS,
	       "release of a lease not held: %u %s", ans.code, ans.why);
	OK("node1 release again (idempotent)", &ans);

	/* The holding process dies: sanlock releases its lease. */
	kill(n2.pid, SIGKILL);
	t0 = now_ms();
	(void)node_reap(&n2, false);
	for (;;) {
		EXPECT(call(&n1, &ans, "acquire 0 0"), "%s", ans.why);
		if (ans.code != ERROR_SHARING_VIOLATION || now_ms() - t0 > SANITY_MS)
			break;
		sleep_ms(5);
	}
	ans.ms = now_ms() - t0;
	EXPECT(ans.code == ERROR_SUCCESS, "node1 acquire after node2's process died: %u %s",
	       ans.code, ans.why);
	OK("holder killed (SIGKILL): node1 acquires", &ans);
	printf("TIMING holder-process-killed->acquire %.1f ms\n", ans.ms);

	/* Node 2 comes back; TAKEOVER_FENCED naming the wrong node breaks nothing. */
	EXPECT(node_spawn(&n2, &n1) == 0, "fork: %s", strerror(errno));
	EXPECT(open_node(&n2, &ans, io) && ans.code == ERROR_SUCCESS, "node2 reopen: %u %s",
	       ans.code, ans.why);
	EXPECT(acquire_joined(&n2, &ans, PD_ARB_TAKEOVER_FENCED, 3) &&
	       ans.code == ERROR_SHARING_VIOLATION && strstr(ans.why, "held by node 1"),
	       "takeover naming node 3: %u %s", ans.code, ans.why);
	OK("node2 TAKEOVER_FENCED prev_owner=3: refused, lease intact", &ans);
	EXPECT(call(&n1, &ans, "check") && ans.code == ERROR_SUCCESS,
	       "node1 check after a wrong takeover: %u %s", ans.code, ans.why);
	EXPECT(call(&n2, &ans, "owner") && ans.value == 1, "owner: %u %s", ans.value, ans.why);
	OK("node1 still holds it (check, owner)", &ans);

	/* Node 1's daemon dies while it holds the lease (its renewals stop, as
	 * after a power loss; its process lives on, which sanlock -w 0 cannot
	 * stop: see doc/arbitration.md). */
	EXPECT(kill(daemon1, SIGKILL) == 0, "kill daemon1 %d: %s", (int)daemon1, strerror(errno));
	t0 = now_ms();
	EXPECT(call(&n1, &ans, "check") && ans.code != ERROR_SUCCESS,
	       "node1 check after its daemon died: %u %s", ans.code, ans.why);
	OK("node1 check after its daemon died: lost", &ans);
	EXPECT(call(&n2, &ans, "acquire 0 0") && ans.code == ERROR_SHARING_VIOLATION &&
	       strstr(ans.why, "held by node 1"), "node2 plain acquire: %u %s", ans.code, ans.why);
	OK("node2 plain acquire: refused", &ans);
	if (slow) {
		for (;;) {
			EXPECT(call(&n2, &ans, "acquire 0 0"), "%s", ans.why);
			if (ans.code != ERROR_SHARING_VIOLATION || now_ms() - t0 > 300000.0)
				break;
			sleep_ms(500);
		}
		ans.ms = now_ms() - t0;
		EXPECT(ans.code == ERROR_SUCCESS, "plain takeover: %u %s", ans.code, ans.why);
		OK("node2 plain acquire once node1's host lease timed out", &ans);
		printf("TIMING daemon-killed->plain-takeover %.1f ms (io_timeout %u)\n", ans.ms, io);
	} else {
		/* refused while node 1's host lease still looks renewed (alive);
		 * taken once sanlock sees its renewals stopped (FAIL: about
		 * 8 x io_timeout), far sooner than host_dead */
		EXPECT(call(&n2, &ans, "acquire %u 1", PD_ARB_TAKEOVER_FENCED) &&
		       ans.code == ERROR_NOT_READY && strstr(ans.why, "still renews"),
		       "node2 fenced takeover while node 1's host lease looks alive: %u %s",
		       ans.code, ans.why);
		OK("node2 fenced takeover refused while node 1 still looks alive", &ans);
		for (;;) {
			EXPECT(call(&n2, &ans, "acquire %u 1", PD_ARB_TAKEOVER_FENCED), "%s", ans.why);
			if (ans.code != ERROR_NOT_READY || now_ms() - t0 > 60000.0)
				break;
			sleep_ms(250);
		}
		EXPECT(ans.code == ERROR_SUCCESS && strstr(ans.why, "node 1"),
		       "node2 takeover from fenced node 1: %u %s", ans.code, ans.why);
		ans.ms = now_ms() - t0;
		OK("node2 TAKEOVER_FENCED prev_owner=1", &ans);
		printf("TIMING daemon-killed->fenced-takeover %.1f ms (io_timeout %u)\n", ans.ms, io);
		/* sanlock's id_renewal_fail (8 x io_timeout) plus a renewal or two */
		EXPECT(ans.ms < 30000.0 * io, "took %.1f ms", ans.ms);
	}
	EXPECT(call(&n2, &ans, "owner") && ans.code == 0 && ans.value == 2, "owner: %u %u %s",
	       ans.code, ans.value, ans.why);
	EXPECT(call(&n2, &ans, "check") && ans.code == ERROR_SUCCESS, "node2 check: %u %s",
	       ans.code, ans.why);
	OK("node2 holds it (owner, check)", &ans);
	EXPECT(call(&n2, &ans, "release") && ans.code == ERROR_SUCCESS, "node2 release: %u %s",
	       ans.code, ans.why);
	EXPECT(call(&n2, &ans, "owner") && ans.code == 0 && ans.value == 0, "owner: %u %u %s",
	       ans.code, ans.value, ans.why);
	OK("node2 release; owner reads 0 (free)", &ans);
	EXPECT(call(&n2, &ans, "close") && ans.code == 0, "node2 close: %s", ans.why);
	/* Node 1's daemon is dead: closing must not kill it with SIGPIPE. */
	EXPECT(call(&n1, &ans, "close") && ans.code == 0, "node1 close: %s", ans.why);
	OK("both close (node1's daemon dead: no SIGPIPE)", &ans);
	st = node_reap(&n1, false);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "node1 exit status 0x%x", st);
	st = node_reap(&n2, false);
	EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "node2 exit status 0x%x", st);
	printf("ok   %-58s\n", "node processes exited cleanly");
out:
	(void)node_reap(&n1, failures != 0);
	(void)node_reap(&n2, failures != 0);
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
