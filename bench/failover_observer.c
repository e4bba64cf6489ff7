/*
 * failover_observer.c - the notified observer of bench/failover.  One runs
 * in each node of the sandbox (in the node's network namespace, so that it
 * talks to that node's corosync through its abstract IPC sockets) and prints
 * a time-stamped line for each of these events, as it is told of them:
 *
 *   T members N            a configuration change of the observer's own CPG
 *                          group (it has a member on every node): N members
 *   T left NODEID REASON   ... in which the member on NODEID left; REASON is
 *                          corosync's (nodedown, procdown, leave, ...)
 *   T totem N              a new totem ring: N nodes (the lowest layer's view)
 *   T online NAME          the state file NAME in --dir appeared (created or
 *                          renamed into place) and does not say "offline"
 *   T gone NAME            it was removed, or now says "offline"
 *   T initial NAME online|gone   its state when the observer started
 *   T ready NODEID         printed once the observer has joined its group
 *
 * T is CLOCK_REALTIME in seconds with nine decimals, taken as soon as ppoll()
 * returns with the event readable: the time the observer was told, not the
 * time some polling loop happened to look.  The driver's own time stamps
 * (the kill, the move command) come from the same clock ($EPOCHREALTIME).
 *
 * Both Dummy agents signal Online through their state file: Cluster Server's
 * Dummy plugin renames a file saying "online\n" into place (StateFile),
 * ocf:pacemaker:Dummy touches an empty one (its "state" parameter) and
 * removes it at stop.  "Exists and does not say offline" covers both.
 *
 * usage: failover_observer --dir DIR [--group NAME] [--state NAME]...
 *   --dir    the directory of the state files, as the host sees it
 *   --group  the CPG group to join (default cs-bench-failover)
 *   --state  a state file name to report (default: every *.state)
 * Runs until SIGTERM or SIGINT (exit 0); exit 1 when corosync goes away or
 * something fails, 2 on bad usage.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <corosync/cpg.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define MAX_NAMES 64

struct watched {
	char name[NAME_MAX + 1];
	bool online;
};

static struct watched names[MAX_NAMES];
static size_t n_names;
static bool any_state_name = true;  /* no --state given: every *.state */
static int dir_fd = -1;
static struct timespec woke;        /* when ppoll returned */
static volatile sig_atomic_t stop_signal;
static bool joined;
static bool write_failed;           /* stdout is lost: the driver would miss events */

static void stamp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void stamp(const char *fmt, ...)
{
	va_list ap;

	printf("%lld.%09ld ", (long long)woke.tv_sec, woke.tv_nsec);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (fflush(stdout) != 0 || ferror(stdout))
		write_failed = true;
}

static const char *reason_name(uint32_t r)
{
	switch (r) {
	case CPG_REASON_JOIN: return "join";
	case CPG_REASON_LEAVE: return "leave";
	case CPG_REASON_NODEDOWN: return "nodedown";
	case CPG_REASON_NODEUP: return "nodeup";
	case CPG_REASON_PROCDOWN: return "procdown";
	default: return "unknown";
	}
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t n_members,
		       const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined_list, size_t n_joined)
{
	unsigned int self = 0;

	(void)group;
	(void)members;
	(void)joined_list;
	(void)n_joined;
	stamp("members %zu", n_members);
	for (size_t i = 0; i < n_left; i++)
		stamp("left %u %s", left[i].nodeid, reason_name(left[i].reason));
	if (!joined && cpg_local_get(h, &self) == CS_OK) {
		for (size_t i = 0; i < n_members; i++) {
			if (members[i].nodeid == self && members[i].pid == (uint32_t)getpid()) {
				joined = true;
				stamp("ready %u", self);
				break;
			}
		}
	}
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *list)
{
	(void)h;
	(void)ring;
	(void)list;
	stamp("totem %u", n);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
		       uint32_t pid, void *msg, size_t len)
{
	(void)h;
	(void)group;
	(void)nodeid;
	(void)pid;
	(void)msg;
	(void)len;
}

/* The entry for NAME, added on first sight when every *.state is watched. */
static struct watched *lookup(const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n_names; i++)
		if (strcmp(names[i].name, name) == 0)
			return &names[i];
	if (!any_state_name || len < 7 || strcmp(name + len - 6, ".state") != 0 ||
	    n_names == MAX_NAMES || len > NAME_MAX)
		return NULL;
	memcpy(names[n_names].name, name, len + 1);
	names[n_names].online = false;
	return &names[n_names++];
}

/* Does the state file say the resource is online (exists, not "offline")? */
static bool file_online(const char *name)
{
	char buf[16];
	ssize_t got;
	int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return false;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got < 0)
		return false;
	buf[got] = '\0';
	return strncmp(buf, "offline", 7) != 0;
}

static void check_name(const char *name)
{
	struct watched *w = lookup(name);
	bool on;

	if (!w)
		return;
	on = file_online(name);
	if (on != w->online) {
		w->online = on;
		stamp("%s %s", on ? "online" : "gone", name);
	}
}

static int drain_inotify(int ifd)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t got = read(ifd, buf, sizeof(buf));

		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			perror("failover_observer: read inotify");
			return -1;
		}
		for (char *p = buf; p < buf + got;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
				fprintf(stderr, "failover_observer: the watched directory went away\n");
				return -1;
			}
			if (ev->len > 0)
				check_name(ev->name);
			p += sizeof(*ev) + ev->len;
		}
	}
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f)
{
	fputs("usage: failover_observer --dir DIR [--group NAME] [--state NAME]...\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "group", required_argument, NULL, 'g' },
		{ "state", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *group_name = "cs-bench-failover";
	cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
		.cpg_totem_confchg_fn = on_totem,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	struct cpg_name group;
	cpg_handle_t cpg = 0;
	bool have_cpg = false;
	int ifd = -1, cfd = -1, rc = 1, opt;
	struct sigaction sa;
	sigset_t block, orig;
	cs_error_t err;

	while ((opt = getopt_long(argc, argv, "d:g:s:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': dir = optarg; break;
		case 'g': group_name = optarg; break;
		case 's':
			if (n_names == MAX_NAMES || strlen(optarg) > NAME_MAX || strchr(optarg, '/')) {
				fprintf(stderr, "failover_observer: bad or too many --state names\n");
				return 2;
			}
			strcpy(names[n_names++].name, optarg);
			any_state_name = false;
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dir || optind != argc || strlen(group_name) >= CPG_MAX_NAME_LENGTH) {
		usage(stderr);
		return 2;
	}

	/* SIGTERM and SIGINT are delivered only inside ppoll(). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, &orig) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0) {
		perror("failover_observer: signals");
		return 1;
	}
	sigdelset(&orig, SIGTERM);
	sigdelset(&orig, SIGINT);

	if (clock_gettime(CLOCK_REALTIME, &woke) != 0) {
		perror("failover_observer: clock_gettime");
		return 1;
	}
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0) {
		fprintf(stderr, "failover_observer: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ifd < 0 || inotify_add_watch(ifd, dir, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE |
					 IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF |
					 IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		fprintf(stderr, "failover_observer: inotify on %s: %s\n", dir, strerror(errno));
		goto out;
	}
	/* The state now, after the watch is in place: no change falls between. */
	for (size_t i = 0; i < n_names; i++) {
		names[i].online = file_online(names[i].name);
		stamp("initial %s %s", names[i].name, names[i].online ? "online" : "gone");
	}

	err = cpg_model_initialize(&cpg, CPG_MODEL_V1, (cpg_model_data_t *)&model, NULL);
	if (err != CS_OK) {
		fprintf(stderr, "failover_observer: cpg_model_initialize: error %d (run it in the node's network and mount namespaces: corosync's IPC needs both the abstract socket and the node's /dev/shm)\n", err);
		goto out;
	}
	have_cpg = true;
	memset(&group, 0, sizeof(group));
	group.length = (uint32_t)strlen(group_name);
	memcpy(group.value, group_name, group.length);
	for (int tries = 0; (err = cpg_join(cpg, &group)) == CS_ERR_TRY_AGAIN && tries < 100; tries++)
		usleep(20000);
	if (err != CS_OK) {
		fprintf(stderr, "failover_observer: cpg_join: error %d\n", err);
		goto out;
	}
	if (cpg_fd_get(cpg, &cfd) != CS_OK) {
		fprintf(stderr, "failover_observer: cpg_fd_get failed\n");
		goto out;
	}

	while (!stop_signal && !write_failed) {
		struct pollfd p[2] = {
			{ .fd = ifd, .events = POLLIN },
			{ .fd = cfd, .events = POLLIN },
		};
		int n = ppoll(p, 2, NULL, &orig);

		if (clock_gettime(CLOCK_REALTIME, &woke) != 0) {
			perror("failover_observer: clock_gettime");
			goto out;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("failover_observer: ppoll");
			goto out;
		}
		if ((p[0].revents & POLLIN) && drain_inotify(ifd) != 0)
			goto out;
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			err = cpg_dispatch(cpg, CS_DISPATCH_ALL);
			if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
				stamp("cpg-lost %d", err);
				goto out;
			}
		}
	}
	if (write_failed) {
		fprintf(stderr, "failover_observer: cannot write the events: %s\n", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (have_cpg)
		cpg_finalize(cpg);
	if (ifd >= 0)
		close(ifd);
	if (dir_fd >= 0)
		close(dir_fd);
	return rc;
}
