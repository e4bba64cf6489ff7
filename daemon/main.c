/*
 * main.c - clusterd: the cluster service of Cluster Server.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clientproto.h"
#include "cs_alloc.h"
#include "cs_paths.h"
#include "log.h"


struct csd *csd;
static int sig_fd = -1;
/* At SIGTERM or SIGINT this node's groups move elsewhere first, for this
 * long at most (--drain-timeout; 0: no drain). */
#define DRAIN_TIMEOUT_DEFAULT_S 30u
#define DRAIN_TIMEOUT_MAX_S     3600u
static uint32_t drain_timeout_ms = DRAIN_TIMEOUT_DEFAULT_S * 1000u;
static int stop_asked;       /* a stop signal came: draining, or stopping */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: clusterd [OPTION]...\n"
"The Cluster Server cluster service: joins the corosync cluster, keeps the\n"
"replicated cluster database and runs this node's resources.\n"
"\n"
"  --config-dir DIR   configuration (default /etc/cluster-server)\n"
"  --state-dir DIR    database and state (default /var/lib/cluster-server)\n"
"  --run-dir DIR      runtime files and the API socket (default /run/cluster-server)\n"
"  --socket PATH      the API socket (default RUN-DIR/clusterd.sock)\n"
"  --plugin-dir DIR   resource-type plugins (default $CS_PLUGIN_DIR or %s)\n"
"  --host PATH        the resource host (default $CS_RESHOST_PATH or %s)\n"
"  --foreground       stay in the foreground (the only mode; systemd runs it so)\n"
"  --deadlock-timeout MS  a resource health poll running longer is a hung\n"
"                     plugin: the resource host is restarted (default 60000)\n"
"  --drain-timeout SECONDS  at SIGTERM or SIGINT, move this node's groups to\n"
"                     other nodes first, for at most this long, then stop what\n"
"                     could not move (default %u; 0: no drain, stop at once);\n"
"                     a second signal stops at once\n"
"  --log-level LEVEL  error, warning, notice, info (default) or debug\n"
"  --syslog           log to syslog/journal instead of stderr\n"
"  --help             this text\n"
"\n"
"Exit status: 0 after SIGTERM/SIGINT, 1 on a start-up error, 2 on bad usage.\n",
		cs_path_plugin_dir_default(), cs_path_reshost_default(), DRAIN_TIMEOUT_DEFAULT_S);
}

/* What the replication layer reports, to the modules above it. */
static void on_changed(void)
{
	rm_reconcile();
	change_check_waiters();
	drain_changed();
}

static void on_members_changed(void)
{
	control_members_changed();
	drain_members_changed();
}

/* An op this node sent was applied (or refused) everywhere. */
static void on_op_applied(uint32_t req_id, uint32_t status, const char *why)
{
	if (rm_is_state_req(req_id))
		rm_state_applied(req_id);
	else
		change_applied(req_id, status, why);
}

static const struct repl_hooks hooks = {
	.changed = on_changed,
	.op_applied = on_op_applied,
	.remote_control = control_on_request,
	.remote_reply = control_on_reply,
	.members_changed = on_members_changed,
	.quorum_lost = rm_quorum_lost,
	.lease = rm_lease,
};

/* Open and load this node's database.  One that cannot be read (damaged,
 * not a database, a malformed object) is moved aside, kept, and the node
 * starts empty, takes the cluster's copy and says so; one whose content does
 * not match its digest is loaded but may not lead a state transfer; one of a
 * newer schema stops clusterd: moving it aside would lose what a newer
 * release wrote. */
static uint32_t open_database(void)
{
	const char *dir = csd->cfg.state_dir, *why = NULL;
	char aside[4300];
	uint32_t rc;
	int ok = 1;

	rc = store_open(dir, &csd->store, &why);
	if (rc == ERROR_SUCCESS) {
		why = NULL;
		rc = store_load(csd->store, &csd->model, &why);
		if (rc != ERROR_SUCCESS) {
			store_close(csd->store);
			csd->store = NULL;
		}
	}
	if (rc == ERROR_CLUSTER_INCOMPATIBLE_VERSIONS || rc == ERROR_NOT_ENOUGH_MEMORY) {
		log_err("cannot load the cluster database: %s", why ? why : cluster_strerror(rc));
		return rc;
	}
	if (rc != ERROR_SUCCESS) {
		log_err("cannot load the cluster database in %s: %s", dir,
			why ? why : cluster_strerror(rc));
		if (store_move_aside(dir, aside, sizeof(aside)) != ERROR_SUCCESS) {
			log_err("cannot move the damaged database aside: %s", strerror(errno));
			return ERROR_GEN_FAILURE;
		}
		snprintf(csd->notice, sizeof(csd->notice),
			 "the database could not be read at start and was moved aside to %s; "
			 "this node took the cluster's copy", aside);
		log_err("%s", csd->notice);
		csd->distrusted = 1;
		model_free(&csd->model);
		model_init(&csd->model);
		if ((rc = store_open(dir, &csd->store, &why)) != ERROR_SUCCESS ||
		    (rc = store_load(csd->store, &csd->model, &why)) != ERROR_SUCCESS) {
			log_err("cannot start a new database in %s: %s", dir,
				why ? why : cluster_strerror(rc));
			return rc;
		}
		why = NULL;
	}
	if (why)
		log_notice("%s", why);
	if ((rc = store_check_digest(csd->store, &csd->model, &ok)) != ERROR_SUCCESS ||
	    (rc = store_get_epoch(csd->store, &csd->epoch)) != ERROR_SUCCESS) {
		log_err("cannot read the database's digest and epoch: %s", cluster_strerror(rc));
		return rc;
	}
	if (!ok) {
		snprintf(csd->notice, sizeof(csd->notice),
			 "the database's content does not match its digest (changed or damaged "
			 "outside clusterd): this node takes the cluster's copy");
		log_err("%s", csd->notice);
		csd->distrusted = 1;
	}
	return ERROR_SUCCESS;
}

/* A copy of another cluster's database (a disk or a file carried over)
 * must not lead: it is taken as distrusted, and replaced by this cluster's.
 * A copy that never recorded its cluster records this one's. */
static void check_cluster_name(void)
{
	const char *name = csd->model.cluster_name;
	char stored[256];

	if (!name || store_get_cluster(csd->store, stored, sizeof(stored)) != ERROR_SUCCESS)
		return;
	if (!stored[0]) {
		if (store_set_cluster(csd->store, name) != ERROR_SUCCESS)
			log_err("cannot record the cluster's name in the database");
		return;
	}
	if (strcmp(stored, name)) {
		snprintf(csd->notice, sizeof(csd->notice),
			 "the database belongs to cluster '%s', this node is in cluster '%s': "
			 "this node takes the cluster's copy", stored, name);
		log_err("%s", csd->notice);
		csd->distrusted = 1;
	}
}

/* The shutdown drain is over: stop (rm_stop stops what is left here). */
static void on_drained(void)
{
	log_notice("shutdown: the drain is over: stopping");
	loop_stop(csd->loop);
}

/*
 * SIGTERM (systemd at shutdown) or SIGINT: this node's groups move to other
 * nodes first (drain.c), so that a planned stop costs each group a move,
 * not a failover; what could not move is stopped when clusterd stops.  No
 * quorum or no other node up: stop at once.  A second signal: stop at once.
 */
static void on_stop_signal(uint32_t signo)
{
	if (stop_asked) {
		log_notice("signal %u again: stopping at once", signo);
		loop_stop(csd->loop);
		return;
	}
	stop_asked = 1;
	log_notice("signal %u: shutting down", signo);
	if (drain_shutdown(drain_timeout_ms, on_drained) != ERROR_IO_PENDING)
		loop_stop(csd->loop);
}

static void on_signal(void *data, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)data;
	(void)events;
	while (read(sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			rm_sigchld();
		else
			on_stop_signal(si.ssi_signo);
	}
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		log_err("cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config-dir", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 'S' },
		{ "plugin-dir", required_argument, NULL, 'p' },
		{ "host", required_argument, NULL, 'H' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "deadlock-timeout", required_argument, NULL, 'D' },
		{ "drain-timeout", required_argument, NULL, 'T' },
		{ "syslog", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct csd state;
	char sock[4096];
	sigset_t mask;
	int c, rc = 1;

	csd = &state;
	csd->cfg.config_dir = "/etc/cluster-server";
	csd->cfg.state_dir = "/var/lib/cluster-server";
	csd->cfg.run_dir = "/run/cluster-server";
	csd->cfg.plugin_dir = cs_path_plugin_dir();
	csd->cfg.host_path = cs_path_reshost();
	csd->cfg.log_level = LOG_LVL_INFO;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': csd->cfg.config_dir = optarg; break;
		case 's': csd->cfg.state_dir = optarg; break;
		case 'r': csd->cfg.run_dir = optarg; break;
		case 'S': csd->cfg.socket_path = optarg; break;
		case 'p': csd->cfg.plugin_dir = optarg; break;
		case 'H': csd->cfg.host_path = optarg; break;
		case 'f': csd->cfg.foreground = 1; break;
		case 'y': csd->cfg.use_syslog = 1; break;
		case 'l':
			csd->cfg.log_level = log_level_parse(optarg);
			if (csd->cfg.log_level < 0) {
				fprintf(stderr, "clusterd: unknown log level '%s'\n", optarg);
				return 2;
			}
			break;
		case 'D': {
			char *end = NULL;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!end || *end || v == 0 || v > 3600000) {
				fprintf(stderr, "clusterd: bad --deadlock-timeout '%s'\n", optarg);
				return 2;
			}
			setenv("CS_RESHOST_DEADLOCK_MS", optarg, 1); /* the host reads it */
			break;
		}
		case 'T': {
			char *end = NULL;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!end || end == optarg || *end || optarg[0] == '-' ||
			    v > DRAIN_TIMEOUT_MAX_S) {
				fprintf(stderr, "clusterd: bad --drain-timeout '%s': whole seconds, 0 "
					"to %u\n", optarg, DRAIN_TIMEOUT_MAX_S);
				return 2;
			}
			drain_timeout_ms = (uint32_t)v * 1000u;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "clusterd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	log_setup(csd->cfg.log_level, csd->cfg.use_syslog, "clusterd");
	if (!csd->cfg.socket_path) {
		snprintf(sock, sizeof(sock), "%s/clusterd.sock", csd->cfg.run_dir);
		csd->cfg.socket_path = sock;
	}
	if (make_dir(csd->cfg.state_dir) < 0 || make_dir(csd->cfg.run_dir) < 0)
		return 1;

	model_init(&csd->model);
	if (loop_new(&csd->loop) < 0) {
		log_err("cannot create the event loop");
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0 || loop_add_fd(csd->loop, sig_fd, EPOLLIN, on_signal, NULL) < 0) {
		log_err("cannot watch signals");
		goto out;
	}
	if (open_database() != ERROR_SUCCESS)
		goto out;
	log_info("database loaded: version %llu, %zu group(s), %zu resource(s)",
		 (unsigned long long)csd->model.version, csd->model.n_groups, csd->model.n_resources);
	if (rm_start() != ERROR_SUCCESS || repl_start(&hooks) != ERROR_SUCCESS ||
	    change_start() != ERROR_SUCCESS || drain_start() != ERROR_SUCCESS ||
	    control_start() != ERROR_SUCCESS ||
	    conn_start(api_request) != ERROR_SUCCESS)
		goto out;
	check_cluster_name();
	log_notice("clusterd running");
	rc = loop_run(csd->loop) < 0 || csd->exit_code ? 1 : 0;
out:
	drain_stop();
	conn_stop();
	control_stop();
	change_stop();
	repl_stop();
	rm_stop();
	store_close(csd->store);
	model_free(&csd->model);
	if (sig_fd >= 0)
		close(sig_fd);
	loop_free(csd->loop);
	return rc;
}
