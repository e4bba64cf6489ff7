/*
 * cluster.c - the `cluster` command: status, groups, resources, nodes and
 * control codes, over libclusapi only.
 *
 *   cluster [--socket PATH] [--timeout SECONDS] COMMAND ... [--help]
 *
 * Options may come anywhere after `cluster`; `--` ends them.  Exit codes are
 * listed in usage_main below (and in cluster(8)).
 *
 * This is cli_main(); main() (main.c) only calls it, so the unit tests can
 * run the whole command on an argument vector.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_NOT_FOUND = 2,
	EXIT_CONNECT = 3,
	EXIT_REFUSED = 4,
	EXIT_TIMEOUT = 5,
	EXIT_MORE_DATA = 6,
	EXIT_EXISTS = 7,
	EXIT_OTHER = 10,
};

/* Options a command may take (besides the global ones). */
enum opt_bit {
	O_JSON = 1u << 0,
	O_RAW = 1u << 1,
	O_TO = 1u << 2,
	O_NODE = 1u << 3,
	O_ON = 1u << 4,
	O_TYPE = 1u << 5,
	O_GROUP = 1u << 6,
	O_IN = 1u << 7,
	O_IN_STRING = 1u << 8,
	O_WAIT = 1u << 9,
	O_OUT_SIZE = 1u << 10,
	O_PRIV = 1u << 11,
	O_CONTROL = O_JSON | O_RAW | O_NODE | O_IN | O_IN_STRING | O_OUT_SIZE | O_PRIV,
};

#define MAX_ARGS 256

struct opts {
	const char *socket;
	int have_timeout;
	uint32_t timeout_ms;
	int help, version;
	unsigned given;            /* enum opt_bit of the options seen */
	const char *first_option;  /* the name of the first option seen */
	int json, raw;
	const char *to, *node, *on, *type, *group, *in, *in_string;
	uint32_t wait_ms;
	size_t out_size;
	const char *priv[MAX_ARGS];
	size_t n_priv;
	const char *pos[MAX_ARGS];
	size_t n_pos;
};

struct cmd;

/* What an error message talks about. */
struct ectx {
	const char *what;    /* "resource", "group", "node", "resource type", "cluster" */
	const char *name;
	const char *node;    /* a node named by an option or argument */
	const char *other;   /* a second resource (depend) */
	const char *group;   /* resource create */
	const char *type;    /* resource create */
};

struct run {
	struct opts *o;
	const struct cmd *cmd;
	const char *const *args;   /* positional arguments after the command words */
	size_t n_args;
	cluster_handle *h;
	/* made by a command's check, before connecting */
	uint32_t object, code;     /* control commands */
	void *in;                  /* control input or private properties (cluster_free) */
	size_t in_size;
};

typedef int (*cmd_fn)(struct run *r);

struct cmd {
	const char *word1, *word2;  /* e.g. "group", "online"; word2 NULL for "status" */
	size_t min_args, max_args;  /* positional arguments after the words */
	unsigned opts;
	int needs_cluster;
	cmd_fn fn;
	const char *usage;
	const char *help;
	cmd_fn check;               /* usage checks before connecting (NULL: none) */
};

static void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * One line on stderr.  The arguments are names and values from the command
 * line or from clusterd, so the whole message is escaped (cli_text_write):
 * it stays one line and nothing in it acts on the terminal.
 */
static void errmsg(const char *fmt, ...)
{
	char small[512], *msg = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(small)) {
		msg = cluster_alloc((size_t)n + 1);
		if (msg) {
			va_start(ap, fmt);
			vsnprintf(msg, (size_t)n + 1, fmt, ap);
			va_end(ap);
		} else {
			msg = small;   /* cut short rather than lost */
		}
	}
	fputs("cluster: ", stderr);
	if (n > 0)
		cli_text_puts(stderr, msg);
	fputc('\n', stderr);
	if (msg != small)
		cluster_free(msg);
}

/* ======================================================================
 * Errors
 * ====================================================================== */

static const char *socket_path_of(const struct opts *o)
{
	const char *p = o->socket;

	if (!p) {
		p = getenv(CLUSTER_SOCKET_ENV);
		if (!p || !*p)
			p = CLUSTER_DEFAULT_SOCKET;
	}
	return p;
}

static int report_connect(uint32_t rc, const struct opts *o)
{
	const char *path = socket_path_of(o);
	const char *why;

	switch (rc) {
	case ERROR_FILE_NOT_FOUND:
		why = "no such socket (is clusterd running?)";
		break;
	case ERROR_CONNECTION_REFUSED:
		why = "connection refused (is clusterd running?)";
		break;
	case ERROR_ACCESS_DENIED:
		why = "permission denied (root or the cluster admin group is needed)";
		break;
	case ERROR_INVALID_PARAMETER:
		why = "not a usable socket path";
		break;
	default:
		why = cluster_strerror(rc);
		break;
	}
	errmsg("cannot connect to clusterd at %s: %s (%" PRIu32 ")", path, why, rc);
	return rc == ERROR_ACCESS_DENIED ? EXIT_REFUSED : EXIT_CONNECT;
}

static int exit_for(uint32_t rc)
{
	switch (rc) {
	case ERROR_SUCCESS:
		return EXIT_OK;
	case ERROR_RESOURCE_NOT_FOUND:
	case ERROR_GROUP_NOT_FOUND:
	case ERROR_CLUSTER_NODE_NOT_FOUND:
	case ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND:
	case ERROR_DEPENDENCY_NOT_FOUND:
		return EXIT_NOT_FOUND;
	case ERROR_BROKEN_PIPE:
	case ERROR_CONNECTION_REFUSED:
		return EXIT_CONNECT;
	case ERROR_ACCESS_DENIED:
	case ERROR_NOT_READY:
		return EXIT_REFUSED;
	case ERROR_TIMEOUT:
	case ERROR_RESOURCE_CALL_TIMED_OUT:
	case ERROR_IO_PENDING:
		return EXIT_TIMEOUT;
	case ERROR_MORE_DATA:
		return EXIT_MORE_DATA;
	case ERROR_OBJECT_ALREADY_EXISTS:
	case ERROR_DEPENDENCY_ALREADY_EXISTS:
		return EXIT_EXISTS;
	default:
		return EXIT_OTHER;
	}
}

/* Print what went wrong, in the terms of the command; return the exit code. */
static int report(uint32_t rc, const struct ectx *e)
{
	const char *what = e->what ? e->what : "object";
	const char *name = e->name ? e->name : "";
	const char *detail = cluster_last_error_detail();

	if (rc == ERROR_SUCCESS)
		return EXIT_OK;
	switch (rc) {
	case ERROR_RESOURCE_NOT_FOUND:
		if (e->other)
			errmsg("resource '%s' or '%s' not found (%" PRIu32 ")", name, e->other, rc);
		else
			errmsg("resource '%s' not found (%" PRIu32 ")",
			       strcmp(what, "resource") == 0 ? name : "?", rc);
		break;
	case ERROR_GROUP_NOT_FOUND:
		errmsg("group '%s' not found (%" PRIu32 ")", e->group ? e->group : name, rc);
		break;
	case ERROR_CLUSTER_NODE_NOT_FOUND:
		if (e->node)
			errmsg("node '%s' not found (%" PRIu32 ")", e->node, rc);
		else
			errmsg("node '%s' not found (%" PRIu32 ")",
			       strcmp(what, "node") == 0 ? name : "?", rc);
		break;
	case ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND:
		errmsg("resource type '%s' not found (%" PRIu32 ")", e->type ? e->type : name, rc);
		break;
	case ERROR_OBJECT_ALREADY_EXISTS:
		errmsg("%s '%s' already exists (%" PRIu32 ")", what, name, rc);
		break;
	case ERROR_DEPENDENCY_ALREADY_EXISTS:
		errmsg("resource '%s' already depends on '%s' (%" PRIu32 ")", name,
		       e->other ? e->other : "?", rc);
		break;
	case ERROR_DEPENDENCY_NOT_FOUND:
		errmsg("resource '%s' does not depend on '%s' (%" PRIu32 ")", name,
		       e->other ? e->other : "?", rc);
		break;
	case ERROR_BROKEN_PIPE:
		errmsg("the connection to clusterd was lost during the request; it may or may "
		       "not have taken effect (%" PRIu32 ")", rc);
		break;
	case ERROR_CONNECTION_REFUSED:
	case ERROR_FILE_NOT_FOUND:
		errmsg("lost the connection to clusterd and could not reconnect: %s (%" PRIu32 ")",
		       cluster_strerror(rc), rc);
		return EXIT_CONNECT;
	case ERROR_TIMEOUT:
		errmsg("%s (%" PRIu32 ")", detail ? detail : "no reply from clusterd in time", rc);
		break;
	case ERROR_ACCESS_DENIED:
		errmsg("permission denied%s%s (%" PRIu32 ")", detail ? ": " : "",
		       detail ? detail : "", rc);
		break;
	case ERROR_NOT_READY:
		errmsg("refused: %s (%" PRIu32 ")",
		       detail ? detail : "the cluster is not ready (no quorum?)", rc);
		break;
	default:
		if (e->name)
			errmsg("%s '%s': %s (%" PRIu32 ")", what, name, detail ? detail :
			       cluster_strerror(rc), rc);
		else
			errmsg("%s (%" PRIu32 ")", detail ? detail : cluster_strerror(rc), rc);
		break;
	}
	return exit_for(rc);
}

/* The result of online/offline/move: "pending" is fine without --wait; with
 * it, a timeout means the state was not reached in time. */
static int report_state_change(uint32_t rc, const struct ectx *e, const struct opts *o)
{
	if (rc == ERROR_SUCCESS)
		return EXIT_OK;
	if (rc == ERROR_IO_PENDING && o->wait_ms == 0) {
		errmsg("%s '%s': accepted, still pending (--wait SECONDS waits for the result)",
		       e->what, e->name);
		return EXIT_OK;
	}
	if ((rc == ERROR_IO_PENDING || rc == ERROR_TIMEOUT) && o->wait_ms > 0) {
		errmsg("%s '%s': not done after %" PRIu32 ".%03" PRIu32 " s; still pending (%" PRIu32 ")",
		       e->what, e->name, o->wait_ms / 1000, o->wait_ms % 1000, rc);
		return EXIT_TIMEOUT;
	}
	return report(rc, e);
}

/* ======================================================================
 * Option parsing
 * ====================================================================== */

/* Durations: whole milliseconds in a uint32_t (libclusapi's unit). */
#define MAX_SECONDS 4294967u
/* --out-size: as large as an input buffer may be. */
#define MAX_OUT_SIZE CLUSPROP_MAX_LIST_SIZE

/* --timeout and --wait; zero says what 0 means for the option. */
static int set_seconds(const char *opt, const char *val, const char *zero, uint32_t *ret_ms)
{
	switch (cli_parse_seconds(val, MAX_SECONDS * 1000u, ret_ms)) {
	case CLI_NUM_OK:
		return 0;
	case CLI_NUM_RANGE:
		errmsg("--%s '%s': more than %u seconds", opt, val, MAX_SECONDS);
		break;
	case CLI_NUM_ROUNDS_TO_ZERO:
		errmsg("--%s '%s': less than a millisecond, which would be 0 (%s)", opt, val,
		       zero);
		break;
	default:
		errmsg("--%s '%s': not a number of seconds (decimal, such as 30 or 2.5)", opt,
		       val);
		break;
	}
	return -1;
}

static int set_size(const char *opt, const char *val, size_t *ret)
{
	uint64_t v;

	switch (cli_parse_uint(val, MAX_OUT_SIZE, &v)) {
	case CLI_NUM_OK:
		*ret = (size_t)v;
		return 0;
	case CLI_NUM_RANGE:
		errmsg("--%s '%s': more than %u bytes", opt, val, (unsigned)MAX_OUT_SIZE);
		break;
	default:
		errmsg("--%s '%s': not a number of bytes (decimal, or hex after 0x)", opt, val);
		break;
	}
	return -1;
}

enum arg_kind {
	NO_ARG = 0,
	ARG,                /* a value, not empty */
	ARG_MAY_BE_EMPTY,   /* a value, maybe empty (a text) */
};

static const struct {
	const char *name;
	unsigned bit;       /* 0: a global option */
	enum arg_kind arg;
} option_table[] = {
	{ "socket", 0, ARG },
	{ "timeout", 0, ARG },
	{ "help", 0, NO_ARG },
	{ "version", 0, NO_ARG },
	{ "json", O_JSON, NO_ARG },
	{ "raw", O_RAW, NO_ARG },
	{ "to", O_TO, ARG },
	{ "node", O_NODE, ARG },
	{ "on", O_ON, ARG },
	{ "type", O_TYPE, ARG },
	{ "group", O_GROUP, ARG },
	{ "in", O_IN, ARG },
	{ "in-string", O_IN_STRING, ARG_MAY_BE_EMPTY },
	{ "wait", O_WAIT, ARG },
	{ "out-size", O_OUT_SIZE, ARG },
	{ "priv", O_PRIV, ARG },
};

static int set_option(struct opts *o, const char *name, const char *val)
{
	if (strcmp(name, "socket") == 0) {
		o->socket = val;
	} else if (strcmp(name, "timeout") == 0) {
		if (set_seconds(name, val, "no limit", &o->timeout_ms) != 0)
			return -1;
		o->have_timeout = 1;
	} else if (strcmp(name, "help") == 0) {
		o->help = 1;
	} else if (strcmp(name, "version") == 0) {
		o->version = 1;
	} else if (strcmp(name, "json") == 0) {
		o->json = 1;
	} else if (strcmp(name, "raw") == 0) {
		o->raw = 1;
	} else if (strcmp(name, "to") == 0) {
		o->to = val;
	} else if (strcmp(name, "node") == 0) {
		o->node = val;
	} else if (strcmp(name, "on") == 0) {
		o->on = val;
	} else if (strcmp(name, "type") == 0) {
		o->type = val;
	} else if (strcmp(name, "group") == 0) {
		o->group = val;
	} else if (strcmp(name, "in") == 0) {
		o->in = val;
	} else if (strcmp(name, "in-string") == 0) {
		o->in_string = val;
	} else if (strcmp(name, "wait") == 0) {
		if (set_seconds(name, val, "no wait", &o->wait_ms) != 0)
			return -1;
	} else if (strcmp(name, "out-size") == 0) {
		if (set_size(name, val, &o->out_size) != 0)
			return -1;
	} else if (strcmp(name, "priv") == 0) {
		if (o->n_priv == MAX_ARGS) {
			errmsg("too many --priv options");
			return -1;
		}
		o->priv[o->n_priv++] = val;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int only_pos = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && (strcmp(a, "-h") == 0)) {
			o->help = 1;
			continue;
		}
		if (!only_pos && a[0] == '-' && a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '='), *val = NULL;
			size_t nl = eq ? (size_t)(eq - name) : strlen(name);
			size_t k;

			for (k = 0; k < sizeof(option_table) / sizeof(option_table[0]); k++)
				if (strlen(option_table[k].name) == nl &&
				    strncmp(option_table[k].name, name, nl) == 0)
					break;
			if (k == sizeof(option_table) / sizeof(option_table[0])) {
				errmsg("unknown option '%s' (see cluster --help)", a);
				return -1;
			}
			if (option_table[k].arg != NO_ARG) {
				if (eq) {
					val = eq + 1;
				} else if (i + 1 < argc) {
					val = argv[++i];
				} else {
					errmsg("option '--%s' needs a value (see cluster --help)",
					       option_table[k].name);
					return -1;
				}
				if (!*val && option_table[k].arg == ARG) {
					errmsg("--%s '': an empty value", option_table[k].name);
					return -1;
				}
			} else if (eq) {
				errmsg("option '--%s' takes no value (see cluster --help)",
				       option_table[k].name);
				return -1;
			}
			o->given |= option_table[k].bit;
			if (!o->first_option)
				o->first_option = option_table[k].name;
			if (set_option(o, option_table[k].name, val) != 0)
				return -1;
			continue;
		}
		if (!only_pos && a[0] == '-' && a[1] != '\0') {
			errmsg("unknown option '%s' (see cluster --help)", a);
			return -1;
		}
		if (o->n_pos == MAX_ARGS) {
			errmsg("too many arguments");
			return -1;
		}
		o->pos[o->n_pos++] = a;
	}
	return 0;
}

/* ======================================================================
 * Commands
 * ====================================================================== */

static uint32_t open_node(struct run *r, const char *name, cluster_node **ret)
{
	return cluster_node_open_ex(r->h, name, CLUSTER_OPEN_NO_CHECK, ret);
}

static int cmd_status(struct run *r)
{
	cluster_status *s = NULL;
	struct ectx e = { .what = "cluster" };
	uint32_t rc;

	rc = cluster_get_status(r->h, &s);
	if (rc != ERROR_SUCCESS)
		return report(rc, &e);
	cli_print_status(stdout, s, r->o->json ? CLI_FMT_JSON : CLI_FMT_TEXT);
	cluster_status_free(s);
	return EXIT_OK;
}

static int cmd_list(struct run *r)
{
	struct ectx e = { .what = "cluster" };
	char **names = NULL;
	size_t n = 0;
	uint32_t rc;

	if (strcmp(r->cmd->word1, "node") == 0)
		rc = cluster_enum_nodes(r->h, &names, &n);
	else if (strcmp(r->cmd->word1, "group") == 0)
		rc = cluster_enum_groups(r->h, &names, &n);
	else
		rc = cluster_enum_resources(r->h, &names, &n);
	if (rc != ERROR_SUCCESS)
		return report(rc, &e);
	cli_print_names(stdout, names, n, r->o->json ? CLI_FMT_JSON : CLI_FMT_TEXT);
	cluster_free(names);
	return EXIT_OK;
}

/* ---- create ---- */

static int cmd_group_create(struct run *r)
{
	struct ectx e = { .what = "group", .name = r->args[0] };

	return report(cluster_group_create(r->h, r->args[0], NULL), &e);
}

static int check_resource_create(struct run *r)
{
	char err[256];

	if (!r->o->type || !r->o->group) {
		errmsg("resource create: --type TYPE and --group GROUP are required");
		return EXIT_USAGE;
	}
	if (r->o->n_priv &&
	    cli_priv_build(r->o->priv, r->o->n_priv, &r->in, &r->in_size, err, sizeof(err)) != 0) {
		errmsg("--priv %s", err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int cmd_resource_create(struct run *r)
{
	struct ectx e = { .what = "resource", .name = r->args[0], .group = r->o->group,
			  .type = r->o->type };

	return report(cluster_resource_create(r->h, r->args[0], r->o->type, r->o->group, r->in,
					      r->in_size, NULL), &e);
}

/* ---- requests on a group, resource or node ---- */

/*
 * The handles a request command works on, opened without a check (the
 * request itself reports a missing object): the object its first argument
 * names, and the second one some commands name.
 */
struct objs {
	cluster_group *group;
	cluster_resource *res;
	cluster_node *node;        /* node pause|resume|evict */
	cluster_node *to;          /* --to NODE, or the NODE of owner-add|owner-remove */
	cluster_resource *on;      /* --on OTHER */
};

static void close_objs(struct objs *x)
{
	cluster_resource_close(x->on);
	cluster_node_close(x->to);
	cluster_node_close(x->node);
	cluster_resource_close(x->res);
	cluster_group_close(x->group);
}

/* Open what the command names into x, and say in e what it talks about. */
static uint32_t open_objs(struct run *r, struct objs *x, struct ectx *e)
{
	const char *word1 = r->cmd->word1, *verb = r->cmd->word2;
	uint32_t rc;

	e->what = word1;
	e->name = r->args[0];
	if (strcmp(word1, "group") == 0)
		rc = cluster_group_open_ex(r->h, r->args[0], CLUSTER_OPEN_NO_CHECK, &x->group);
	else if (strcmp(word1, "resource") == 0)
		rc = cluster_resource_open_ex(r->h, r->args[0], CLUSTER_OPEN_NO_CHECK, &x->res);
	else
		rc = open_node(r, r->args[0], &x->node);
	if (rc != ERROR_SUCCESS)
		return rc;
	if (r->o->to) {
		e->node = r->o->to;
		rc = open_node(r, r->o->to, &x->to);
	} else if (r->o->on) {
		e->other = r->o->on;
		rc = cluster_resource_open_ex(r->h, r->o->on, CLUSTER_OPEN_NO_CHECK, &x->on);
	} else if (strcmp(verb, "owner-add") == 0 || strcmp(verb, "owner-remove") == 0) {
		e->node = r->args[1];
		rc = open_node(r, r->args[1], &x->to);
	}
	return rc;
}

/* The call a request command makes on the handles it opened. */
static uint32_t call_request(const struct run *r, const struct objs *x)
{
	const char *verb = r->cmd->word2;
	uint32_t wait_ms = r->o->wait_ms;

	if (x->node) {
		if (strcmp(verb, "evict") == 0)
			return cluster_node_evict(x->node);
		return strcmp(verb, "pause") == 0 ? cluster_node_pause(x->node)
						  : cluster_node_resume(x->node);
	}
	if (x->group) {
		if (strcmp(verb, "delete") == 0)
			return cluster_group_delete(x->group);
		if (strcmp(verb, "rename") == 0)
			return cluster_group_rename(x->group, r->args[1]);
		if (strcmp(verb, "online") == 0)
			return cluster_group_online(x->group, x->to, wait_ms);
		if (strcmp(verb, "offline") == 0)
			return cluster_group_offline(x->group, wait_ms);
		return cluster_group_move(x->group, x->to, wait_ms);
	}
	if (strcmp(verb, "delete") == 0)
		return cluster_resource_delete(x->res);
	if (strcmp(verb, "rename") == 0)
		return cluster_resource_rename(x->res, r->args[1]);
	if (strcmp(verb, "fail") == 0)
		return cluster_resource_fail(x->res);
	if (strcmp(verb, "online") == 0)
		return cluster_resource_online(x->res, wait_ms);
	if (strcmp(verb, "offline") == 0)
		return cluster_resource_offline(x->res, wait_ms);
	if (strcmp(verb, "depend") == 0)
		return cluster_resource_add_dependency(x->res, x->on);
	if (strcmp(verb, "undepend") == 0)
		return cluster_resource_remove_dependency(x->res, x->on);
	if (strcmp(verb, "owner-add") == 0)
		return cluster_resource_add_possible_owner(x->res, x->to);
	return cluster_resource_remove_possible_owner(x->res, x->to);
}

/*
 * group delete|rename|online|offline|move, resource delete|rename|fail|
 * online|offline|depend|undepend|owner-add|owner-remove, node pause|resume|evict.
 * The commands that take --wait (online, offline, move) change a state.
 */
static int cmd_request(struct run *r)
{
	struct objs x = { 0 };
	struct ectx e = { 0 };
	uint32_t rc;
	int ret;

	rc = open_objs(r, &x, &e);
	if (rc != ERROR_SUCCESS)
		ret = report(rc, &e);
	else if (r->cmd->opts & O_WAIT)
		ret = report_state_change(call_request(r, &x), &e, r->o);
	else
		ret = report(call_request(r, &x), &e);
	close_objs(&x);
	return ret;
}

/*
 * node drain: one line per group on stdout - where it went, or why it did
 * not move - then, if one did not, a summary on stderr and a non-zero exit.
 */
static int cmd_node_drain(struct run *r)
{
	cluster_node *node = NULL;
	cluster_drain_report *rep = NULL;
	struct ectx e = { .what = "node", .name = r->args[0] };
	size_t moved = 0;
	uint32_t rc;
	int ret;

	rc = open_node(r, r->args[0], &node);
	if (rc == ERROR_SUCCESS)
		rc = cluster_node_drain(node, r->o->wait_ms, &rep);
	if (!rep) {
		ret = report(rc, &e);
		goto out;
	}
	for (size_t i = 0; i < rep->n_groups; i++) {
		const cluster_drain_group *g = &rep->groups[i];
		fputs("group ", stdout);
		cli_text_puts(stdout, g->name);
		if (g->status == ERROR_SUCCESS) {
			moved++;
			fputs(": moved to ", stdout);
			cli_text_puts(stdout, g->node ? g->node : "(none)");
			printf(" (%s)\n", cluster_group_state_name(g->state));
			continue;
		}
		fputs(g->status == ERROR_TIMEOUT ? ": still moving" : ": not moved", stdout);
		if (g->node) {
			fputs(" (on ", stdout);
			cli_text_puts(stdout, g->node);
			printf(", %s)", cluster_group_state_name(g->state));
		}
		fputs(": ", stdout);
		cli_text_puts(stdout, g->reason ? g->reason : cluster_strerror(g->status));
		printf(" (%" PRIu32 ")\n", g->status);
	}
	if (rc == ERROR_SUCCESS) {
		printf("node ");
		cli_text_puts(stdout, rep->node);
		printf(" drained: paused, %zu group(s) moved\n", moved);
		ret = EXIT_OK;
	} else {
		errmsg("node '%s': paused; %zu of %zu group(s) not moved (%" PRIu32 ")", rep->node,
		       rep->n_groups - moved, rep->n_groups, rc);
		ret = exit_for(rc);
	}
out:
	cluster_drain_report_free(rep);
	cluster_node_close(node);
	return ret;
}

static int cmd_group_set_owners(struct run *r)
{
	struct objs x = { 0 };
	cluster_node **nodes = NULL;
	size_t n = r->n_args - 1, opened = 0;
	struct ectx e = { 0 };
	uint32_t rc;
	int ret;

	rc = open_objs(r, &x, &e);
	if (rc != ERROR_SUCCESS) {
		ret = report(rc, &e);
		goto out;
	}
	nodes = cluster_alloc((n ? n : 1) * sizeof(*nodes));
	if (!nodes) {
		ret = report(ERROR_NOT_ENOUGH_MEMORY, &e);
		goto out;
	}
	for (opened = 0; opened < n; opened++) {
		rc = open_node(r, r->args[1 + opened], &nodes[opened]);
		if (rc != ERROR_SUCCESS) {
			ret = report(rc, &e);
			goto out;
		}
	}
	rc = cluster_group_set_preferred_owners(x.group, nodes, n);
	if (rc == ERROR_CLUSTER_NODE_NOT_FOUND && n == 1)
		e.node = r->args[1];
	ret = report(rc, &e);
out:
	for (size_t i = 0; i < opened; i++)
		cluster_node_close(nodes[i]);
	cluster_free(nodes);
	close_objs(&x);
	return ret;
}

static int check_depend(struct run *r)
{
	if (!r->o->on) {
		errmsg("resource %s: --on OTHER is required", r->cmd->word2);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* ---- control codes ---- */

/* Read a whole file ("-": standard input) into a cluster_alloc'ed buffer. */
static int read_file(const char *path, uint8_t **ret, size_t *ret_len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int ret_code = -1;

	if (!f) {
		errmsg("--in %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *p;

			if (ncap > CLUSPROP_MAX_LIST_SIZE) {
				errmsg("--in %s: larger than %u bytes", path,
				       (unsigned)CLUSPROP_MAX_LIST_SIZE);
				goto out;
			}
			p = cluster_realloc(buf, ncap);
			if (!p) {
				errmsg("--in %s: out of memory", path);
				goto out;
			}
			buf = p;
			cap = ncap;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				errmsg("--in %s: read error", path);
				goto out;
			}
			break;
		}
	}
	*ret = buf;
	*ret_len = len;
	buf = NULL;
	ret_code = 0;
out:
	cluster_free(buf);
	if (f != stdin)
		fclose(f);
	return ret_code;
}

/* The input buffer of a control: --in, --in-string or --priv (at most one). */
static int control_input(const struct opts *o, void **ret, size_t *ret_len)
{
	int sources = !!o->in + !!o->in_string + (o->n_priv > 0);
	char err[256];

	*ret = NULL;
	*ret_len = 0;
	if (sources > 1) {
		errmsg("give at most one of --in, --in-string and --priv");
		return EXIT_USAGE;
	}
	if (o->in) {
		uint8_t *buf;
		if (read_file(o->in, &buf, ret_len) != 0)
			return EXIT_USAGE;
		*ret = buf;
	} else if (o->in_string) {
		size_t n = strlen(o->in_string), need = 0;
		uint8_t *buf;
		uint32_t rc = clusprop_utf8_to_utf16le(o->in_string, n, NULL, 0, &need);

		if (rc != ERROR_MORE_DATA && !(rc == ERROR_SUCCESS && need == 0)) {
			errmsg("--in-string: not valid UTF-8");
			return EXIT_USAGE;
		}
		buf = cluster_alloc(need + 2);
		if (!buf) {
			errmsg("out of memory");
			return EXIT_OTHER;
		}
		if (need)
			clusprop_utf8_to_utf16le(o->in_string, n, buf, need, &need);
		buf[need] = 0;
		buf[need + 1] = 0;
		*ret = buf;
		*ret_len = need + 2;
	} else if (o->n_priv) {
		if (cli_priv_build(o->priv, o->n_priv, ret, ret_len, err, sizeof(err)) != 0) {
			errmsg("--priv %s", err);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

struct control_target {
	uint32_t object;
	cluster_resource *res;
	cluster_group *group;
	cluster_node *node;
	const char *type;
};

static uint32_t call_control(cluster_handle *h, const struct control_target *t,
			     cluster_node *host, uint32_t code, const void *in, size_t in_size,
			     void *out, size_t out_size, size_t *bytes)
{
	switch (t->object) {
	case CLUS_OBJECT_RESOURCE:
		return cluster_resource_control(t->res, host, code, in, in_size, out, out_size,
						bytes);
	case CLUS_OBJECT_RESOURCE_TYPE:
		return cluster_resource_type_control(h, t->type, host, code, in, in_size, out,
						     out_size, bytes);
	case CLUS_OBJECT_GROUP:
		return cluster_group_control(t->group, host, code, in, in_size, out, out_size,
					     bytes);
	case CLUS_OBJECT_NODE:
		return cluster_node_control(t->node, host, code, in, in_size, out, out_size,
					    bytes);
	default:
		return cluster_cluster_control(h, host, code, in, in_size, out, out_size, bytes);
	}
}

static const char *object_word(uint32_t object)
{
	switch (object) {
	case CLUS_OBJECT_RESOURCE: return "resource";
	case CLUS_OBJECT_RESOURCE_TYPE: return "resource type";
	case CLUS_OBJECT_GROUP: return "group";
	case CLUS_OBJECT_NODE: return "node";
	default: return "cluster";
	}
}

static uint32_t control_object(const struct cmd *c)
{
	if (strcmp(c->word1, "resource") == 0)
		return CLUS_OBJECT_RESOURCE;
	if (strcmp(c->word1, "resource-type") == 0)
		return CLUS_OBJECT_RESOURCE_TYPE;
	if (strcmp(c->word1, "group") == 0)
		return CLUS_OBJECT_GROUP;
	if (strcmp(c->word1, "node") == 0)
		return CLUS_OBJECT_NODE;
	return CLUS_OBJECT_CLUSTER;
}

/*
 * SET_PRIVATE_PROPERTIES and SET_COMMON_PROPERTIES with no property to set
 * (no input, or a property list whose count is 0) would change nothing and
 * report success, which hides a mistake such as a forgotten --priv.
 */
static int check_properties_to_set(const struct run *r)
{
	uint32_t fn = r->code & 0x00FFFFFFu;   /* without the object */
	const uint8_t *in = r->in;
	const char *name;

	if (r->code & CLCTL_USER_MASK)
		return EXIT_OK;
	if (fn == CLCTL_SET_PRIVATE_PROPERTIES)
		name = "SET_PRIVATE_PROPERTIES";
	else if (fn == CLCTL_SET_COMMON_PROPERTIES)
		name = "SET_COMMON_PROPERTIES";
	else
		return EXIT_OK;
	/* 1 to 3 bytes are no property list at all: clusterd says so. */
	if (r->in_size > 0 && (r->in_size < 4 || (in[0] | in[1] | in[2] | in[3]) != 0))
		return EXIT_OK;
	errmsg("%s with an empty property list sets nothing: give --priv KEY=VALUE (or --in "
	       "FILE with a property list)", name);
	return EXIT_USAGE;
}

static int check_control(struct run *r)
{
	const struct opts *o = r->o;
	const char *code_text;
	int ret;

	r->object = control_object(r->cmd);
	code_text = r->object == CLUS_OBJECT_CLUSTER ? r->args[0] : r->args[1];
	if (o->json && o->raw) {
		errmsg("give either --json or --raw");
		return EXIT_USAGE;
	}
	if (cluster_control_code_parse(r->object, code_text, &r->code) != ERROR_SUCCESS) {
		errmsg("'%s' is not a %s control code (a name such as GET_CHARACTERISTICS, "
		       "or a number; `cluster codes %s` lists them)", code_text,
		       object_word(r->object), r->cmd->word1);
		return EXIT_USAGE;
	}
	ret = control_input(o, &r->in, &r->in_size);
	if (ret != EXIT_OK)
		return ret;
	return check_properties_to_set(r);
}

static int cmd_control(struct run *r)
{
	const struct opts *o = r->o;
	struct control_target t = { .object = r->object };
	struct ectx e = { .what = object_word(r->object) };
	cluster_node *host = NULL;
	uint8_t *out = NULL;
	size_t cap, got = 0;
	uint32_t code = r->code, rc = ERROR_SUCCESS;
	int ret;

	if (t.object != CLUS_OBJECT_CLUSTER)
		e.name = r->args[0];
	switch (t.object) {
	case CLUS_OBJECT_RESOURCE:
		rc = cluster_resource_open_ex(r->h, e.name, CLUSTER_OPEN_NO_CHECK, &t.res);
		break;
	case CLUS_OBJECT_GROUP:
		rc = cluster_group_open_ex(r->h, e.name, CLUSTER_OPEN_NO_CHECK, &t.group);
		break;
	case CLUS_OBJECT_NODE:
		rc = open_node(r, e.name, &t.node);
		break;
	case CLUS_OBJECT_RESOURCE_TYPE:
		t.type = e.name;
		e.type = e.name;
		break;
	default:
		break;
	}
	if (rc == ERROR_SUCCESS && o->node) {
		e.node = o->node;
		rc = open_node(r, o->node, &host);
	}
	if (rc != ERROR_SUCCESS) {
		ret = report(rc, &e);
		goto out;
	}

	/* Without --out-size: start with a buffer that fits most answers, and
	 * grow it to the size the reply asks for (it may grow in between). */
	cap = (o->given & O_OUT_SIZE) ? o->out_size : 16384;
	for (int attempt = 0;; attempt++) {
		if (cap) {
			uint8_t *p = cluster_realloc(out, cap);
			if (!p) {
				ret = report(ERROR_NOT_ENOUGH_MEMORY, &e);
				goto out;
			}
			out = p;
		}
		rc = call_control(r->h, &t, host, code, r->in, r->in_size, cap ? out : NULL, cap,
				  &got);
		if (rc == ERROR_MORE_DATA && !(o->given & O_OUT_SIZE) && attempt < 4 && got > cap) {
			cap = got;
			continue;
		}
		break;
	}
	if (rc == ERROR_MORE_DATA) {
		printf("%zu\n", got);
		errmsg("the output needs %zu bytes; the buffer has %zu (%" PRIu32 ")", got, cap, rc);
		ret = EXIT_MORE_DATA;
		goto out;
	}
	if (rc == ERROR_INVALID_FUNCTION) {
		const char *cname = cluster_control_code_name(code);
		if (e.name)
			errmsg("%s '%s' does not support %s (0x%08" PRIx32 ") (%" PRIu32 ")", e.what,
			       e.name, cname ? cname : "this control code", code, rc);
		else
			errmsg("the cluster does not support %s (0x%08" PRIx32 ") (%" PRIu32 ")",
			       cname ? cname : "this control code", code, rc);
		ret = EXIT_OTHER;
		goto out;
	}
	if (rc != ERROR_SUCCESS) {
		ret = report(rc, &e);
		goto out;
	}
	if (o->raw) {
		if (got)
			fwrite(out, 1, got, stdout);
	} else {
		cli_print_control_output(stdout, code, out, got,
					 o->json ? CLI_FMT_JSON : CLI_FMT_TEXT);
	}
	ret = EXIT_OK;
out:
	cluster_free(out);
	cluster_node_close(host);
	cluster_node_close(t.node);
	cluster_group_close(t.group);
	cluster_resource_close(t.res);
	return ret;
}

/* ---- common properties: get and set ---- */

/* Open the object a get/set command names (the cluster: none) into t. */
static uint32_t open_target(struct run *r, struct control_target *t, struct ectx *e)
{
	t->object = control_object(r->cmd);
	e->what = object_word(t->object);
	if (t->object == CLUS_OBJECT_CLUSTER)
		return ERROR_SUCCESS;
	e->name = r->args[0];
	switch (t->object) {
	case CLUS_OBJECT_RESOURCE:
		return cluster_resource_open_ex(r->h, e->name, CLUSTER_OPEN_NO_CHECK, &t->res);
	case CLUS_OBJECT_GROUP:
		return cluster_group_open_ex(r->h, e->name, CLUSTER_OPEN_NO_CHECK, &t->group);
	case CLUS_OBJECT_NODE:
		return open_node(r, e->name, &t->node);
	default:
		t->type = e->name;
		e->type = e->name;
		return ERROR_SUCCESS;
	}
}

static void close_target(struct control_target *t)
{
	cluster_node_close(t->node);
	cluster_group_close(t->group);
	cluster_resource_close(t->res);
}

/* The object's GET_COMMON_PROPERTIES, in a buffer grown to fit. */
static uint32_t get_common(struct run *r, const struct control_target *t, uint8_t **ret,
			   size_t *ret_len)
{
	uint32_t code = (t->object << CLUSCTL_OBJECT_SHIFT) | CLCTL_GET_COMMON_PROPERTIES;
	uint8_t *out = NULL;
	size_t cap = 4096, got = 0;
	uint32_t rc;

	for (int attempt = 0;; attempt++) {
		uint8_t *p = cluster_realloc(out, cap);
		if (!p) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		out = p;
		rc = call_control(r->h, t, NULL, code, NULL, 0, out, cap, &got);
		if (rc == ERROR_MORE_DATA && attempt < 4 && got > cap) {
			cap = got;
			continue;
		}
		break;
	}
	if (rc != ERROR_SUCCESS) {
		cluster_free(out);
		return rc;
	}
	*ret = out;
	*ret_len = got;
	return ERROR_SUCCESS;
}

/* resource|group|node|resource-type get NAME [PROPERTY], cluster get [PROPERTY] */
static int cmd_get(struct run *r)
{
	struct control_target t = { 0 };
	struct ectx e = { 0 };
	enum cli_fmt fmt = r->o->json ? CLI_FMT_JSON : CLI_FMT_TEXT;
	size_t first = control_object(r->cmd) == CLUS_OBJECT_CLUSTER ? 0 : 1;
	const char *prop = r->n_args > first ? r->args[first] : NULL;
	uint8_t *out = NULL;
	size_t got = 0;
	uint32_t rc;
	int ret;

	rc = open_target(r, &t, &e);
	if (rc == ERROR_SUCCESS)
		rc = get_common(r, &t, &out, &got);
	if (rc != ERROR_SUCCESS) {
		ret = report(rc, &e);
		goto out;
	}
	if (!prop) {
		cli_print_control_output(stdout, (t.object << CLUSCTL_OBJECT_SHIFT) |
						 CLCTL_GET_COMMON_PROPERTIES, out, got, fmt);
		ret = EXIT_OK;
	} else if (cli_print_property(stdout, out, got, prop, fmt) == 0) {
		ret = EXIT_OK;
	} else {
		if (e.name)
			errmsg("%s '%s' has no common property '%s' (`cluster %s get %s` lists "
			       "them)", e.what, e.name, prop, r->cmd->word1, e.name);
		else
			errmsg("the cluster has no common property '%s' (`cluster cluster get` "
			       "lists them)", prop);
		ret = EXIT_NOT_FOUND;
	}
out:
	cluster_free(out);
	close_target(&t);
	return ret;
}

static int check_set(struct run *r)
{
	size_t first = control_object(r->cmd) == CLUS_OBJECT_CLUSTER ? 0 : 1;
	char err[256];

	if (cli_props_check(r->args + first, r->n_args - first, err, sizeof(err)) != 0) {
		errmsg("%s set: %s (usage: cluster %s)", r->cmd->word1, err, r->cmd->usage);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* ... set NAME PROPERTY=VALUE...: each value in the format GET shows, then
 * one SET_COMMON_PROPERTIES (all or nothing). */
static int cmd_set(struct run *r)
{
	struct control_target t = { 0 };
	struct ectx e = { 0 };
	size_t first = control_object(r->cmd) == CLUS_OBJECT_CLUSTER ? 0 : 1;
	uint8_t *cur = NULL;
	void *in = NULL;
	size_t cur_len = 0, in_size = 0, got = 0;
	char err[256];
	uint32_t rc;
	int ret;

	rc = open_target(r, &t, &e);
	if (rc == ERROR_SUCCESS)
		rc = get_common(r, &t, &cur, &cur_len);
	if (rc != ERROR_SUCCESS) {
		ret = report(rc, &e);
		goto out;
	}
	if (cli_props_build(r->args + first, r->n_args - first, cur, cur_len, &in, &in_size, err,
			    sizeof(err)) != 0) {
		errmsg("%s", err);
		ret = EXIT_USAGE;
		goto out;
	}
	rc = call_control(r->h, &t, NULL,
			  (t.object << CLUSCTL_OBJECT_SHIFT) | CLCTL_SET_COMMON_PROPERTIES, in,
			  in_size, NULL, 0, &got);
	ret = report(rc, &e);
out:
	clusprop_free(in);
	cluster_free(cur);
	close_target(&t);
	return ret;
}

static int cmd_codes(struct run *r)
{
	static const struct { const char *word; uint32_t object; } objs[] = {
		{ "resource", CLUS_OBJECT_RESOURCE },
		{ "resource-type", CLUS_OBJECT_RESOURCE_TYPE },
		{ "group", CLUS_OBJECT_GROUP },
		{ "node", CLUS_OBJECT_NODE },
		{ "cluster", CLUS_OBJECT_CLUSTER },
	};
	int any = 0;

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		const char *name;
		uint32_t code;

		if (r->n_args && strcmp(r->args[0], objs[i].word) != 0)
			continue;
		any = 1;
		for (size_t k = 0;
		     cluster_control_code_enum(objs[i].object, k, &name, &code) == ERROR_SUCCESS; k++)
			printf("%-14s 0x%08" PRIx32 "  %s%s\n", objs[i].word, code, name,
			       (code & CLCTL_INTERNAL_MASK) ? "  (internal)" : "");
	}
	if (!any) {
		errmsg("codes: '%s' is not one of resource, resource-type, group, node, cluster",
		       r->args[0]);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* ======================================================================
 * The command table and help
 * ====================================================================== */

static const char usage_main[] =
"usage: cluster [--socket PATH] [--timeout SECONDS] COMMAND [ARGS] [OPTIONS]\n"
"\n"
"Manage a Cluster Server failover cluster through the local clusterd.\n"
"\n"
"Commands:\n"
"  status [--json]                         nodes, groups and resources\n"
"  node|group|resource list [--json]       names only\n"
"  group create|delete NAME\n"
"  group online NAME [--to NODE] [--wait SECONDS]\n"
"  group offline NAME [--wait SECONDS]\n"
"  group move NAME [--to NODE] [--wait SECONDS]\n"
"  group rename NAME NEWNAME\n"
"  group set-owners NAME [NODE...]         preferred owners, in order\n"
"  resource create NAME --type TYPE --group GROUP [--priv KEY=VALUE]...\n"
"  resource online|offline NAME [--wait SECONDS]\n"
"  resource fail|delete NAME\n"
"  resource rename NAME NEWNAME\n"
"  resource depend|undepend NAME --on OTHER\n"
"  resource owner-add|owner-remove NAME NODE\n"
"  node pause|resume NAME\n"
"  node drain NAME [--wait SECONDS]        pause it, move its groups elsewhere\n"
"  node evict NAME                         remove a node that is down\n"
"  resource|group|node|resource-type get NAME [PROPERTY] [--json]\n"
"  resource|group|node|resource-type set NAME PROPERTY=VALUE...\n"
"  cluster get [PROPERTY] [--json]         the cluster's common properties\n"
"  cluster set PROPERTY=VALUE...\n"
"  resource control NAME CODE [--node NODE] [INPUT] [--raw|--json] [--out-size N]\n"
"  resource-type control TYPE CODE ...     (the same options)\n"
"  group control NAME CODE ...\n"
"  node control NAME CODE ...\n"
"  cluster control CODE ...\n"
"  codes [resource|resource-type|group|node|cluster]   list control codes\n"
"  help [COMMAND...]                       help for one command\n"
"\n"
"Global options:\n"
"  --socket PATH       clusterd's socket (default: $" CLUSTER_SOCKET_ENV " or\n"
"                      " CLUSTER_DEFAULT_SOCKET ")\n"
"  --timeout SECONDS   how long to wait for a reply (default 60; 0: no limit)\n"
"  --help, -h          help (after a command: help for that command)\n"
"  --version           the version of cluster and of libclusapi\n"
"\n"
"Numbers are decimal (010 is ten) or hex after 0x; SECONDS may have a\n"
"fraction (2.5), at most 4294967, and one that would round to 0 ms is refused.\n"
"Names are printed escaped (\\n, \\x1b, ...); --json prints them exactly.\n"
"\n"
"Exit status:\n"
"  0   success\n"
"  1   usage error (bad command, option, argument or value; nothing was sent)\n"
"  2   a node, group, resource, resource type or dependency was not found\n"
"  3   cannot connect to clusterd, or the connection was lost\n"
"  4   refused: permission denied, or the cluster service is not accepting requests\n"
"  5   timed out: --wait passed with the request still pending, or no reply in time\n"
"  6   control output larger than --out-size (the size needed is printed)\n"
"  7   the object or dependency already exists\n"
"  10  any other error (the message gives clusterd's error code)\n"
"\n"
"See cluster(8).\n";

static const char help_control[] =
"\n"
"CODE is the name of an MSCS control code without its prefix (for a resource\n"
"CLUSCTL_RESOURCE_: GET_CHARACTERISTICS, GET_PRIVATE_PROPERTIES,\n"
"STORAGE_GET_DISK_INFO, ...), the full name, or a number (decimal or 0x hex).\n"
"`cluster codes` lists the names.\n"
"\n"
"Options:\n"
"  --node NODE         the node that carries out the request (default: the\n"
"                      owner of the object's group, or the local node)\n"
"  --in FILE           input buffer: the bytes of FILE (- for standard input)\n"
"  --in-string TEXT    input buffer: TEXT as a UTF-16LE string with its NUL\n"
"  --priv KEY=VALUE    input buffer: a property list (repeatable; as for\n"
"                      `resource create`), e.g. for SET_PRIVATE_PROPERTIES\n"
"                      (which refuses an empty list)\n"
"  --raw               write the output buffer to standard output unchanged\n"
"  --json              decode the output as JSON: a property list becomes an\n"
"                      object, a value list an array, a DWORD a number, a\n"
"                      string a string, anything else {\"hex\": ...}\n"
"  --out-size N        use exactly an N-byte output buffer (0: none); if the\n"
"                      output is larger, print the size needed and exit 6\n"
"Without --raw or --json the output is decoded for reading.\n";

static const struct cmd commands[] = {
	{ "status", NULL, 0, 0, O_JSON, 1, cmd_status, "status [--json]",
	  "Show the cluster: its name, quorum, and every node, group and resource\n"
	  "with its state and owner.  --json prints one object with the keys cluster,\n"
	  "quorate, synced, notice, local_node, nodes[{name,id,state}],\n"
	  "groups[{name,state,owner,preferred_owners}] and\n"
	  "resources[{name,type,group,state,owner,dependencies,possible_owners}];\n"
	  "states are MSCS names (Online, Offline, Failed, OnlinePending,\n"
	  "OfflinePending, Initializing, PartialOnline, Pending, Up, Down, Paused,\n"
	  "Joining); an owner is null when there is none.\n", NULL },
	{ "node", "list", 0, 0, O_JSON, 1, cmd_list, "node list [--json]",
	  "Print the name of every node, one per line (--json: an array).\n", NULL },
	{ "group", "list", 0, 0, O_JSON, 1, cmd_list, "group list [--json]",
	  "Print the name of every group, one per line (--json: an array).\n", NULL },
	{ "resource", "list", 0, 0, O_JSON, 1, cmd_list, "resource list [--json]",
	  "Print the name of every resource, one per line (--json: an array).\n", NULL },

	{ "group", "create", 1, 1, 0, 1, cmd_group_create, "group create NAME",
	  "Create an empty group.  It starts Offline.\n", NULL },
	{ "group", "delete", 1, 1, 0, 1, cmd_request, "group delete NAME",
	  "Delete a group.  It must be offline and hold no resources.\n", NULL },
	{ "group", "rename", 2, 2, 0, 1, cmd_request, "group rename NAME NEWNAME",
	  "Rename a group.\n", NULL },
	{ "group", "online", 1, 1, O_TO | O_WAIT, 1, cmd_request,
	  "group online NAME [--to NODE] [--wait SECONDS]",
	  "Bring a group online: on NODE, or on the node the cluster chooses (its\n"
	  "owner, else its preferred owners in order).  Without --wait the command\n"
	  "returns as soon as clusterd has accepted the request; with --wait it\n"
	  "returns when the group is online or has failed, or exits 5 when SECONDS\n"
	  "pass first.\n", NULL },
	{ "group", "offline", 1, 1, O_WAIT, 1, cmd_request,
	  "group offline NAME [--wait SECONDS]",
	  "Take a group offline; --wait as for `group online`.\n", NULL },
	{ "group", "move", 1, 1, O_TO | O_WAIT, 1, cmd_request,
	  "group move NAME [--to NODE] [--wait SECONDS]",
	  "Move a group to NODE, or to the next node that may own it.  An online\n"
	  "group is taken offline and brought online there; --wait as for\n"
	  "`group online`.\n", NULL },
	{ "group", "set-owners", 1, MAX_ARGS, 0, 1, cmd_group_set_owners,
	  "group set-owners NAME [NODE...]",
	  "Set the preferred owners of a group, most preferred first.  No NODE\n"
	  "clears the list.\n", NULL },
	{ "group", "get", 1, 2, O_JSON, 1, cmd_get, "group get NAME [PROPERTY] [--json]",
	  "Print the common properties of a group (GET_COMMON_PROPERTIES), or the\n"
	  "value of one: a number in decimal, a string as it is.\n", NULL },
	{ "group", "set", 2, MAX_ARGS, 0, 1, cmd_set, "group set NAME PROPERTY=VALUE...",
	  "Set common properties of a group (SET_COMMON_PROPERTIES): Description,\n"
	  "FailoverThreshold, FailoverPeriod (hours, 1-1193), AutoFailbackType (0\n"
	  "prevent, 1 allow: needs preferred owners), FailbackWindowStart and\n"
	  "FailbackWindowEnd (an hour 0-23, both -1 for no window).  Numbers are\n"
	  "decimal or 0x hex, -1 is 0xFFFFFFFF.  One value refused refuses them all.\n",
	  check_set },
	{ "group", "control", 2, 2, O_CONTROL, 1, cmd_control,
	  "group control NAME CODE [--node NODE] [INPUT] [--raw|--json] [--out-size N]",
	  "Send a control code to a group (ClusterGroupControl) and print its output.\n",
	  check_control },

	{ "resource", "create", 1, 1, O_TYPE | O_GROUP | O_PRIV, 1, cmd_resource_create,
	  "resource create NAME --type TYPE --group GROUP [--priv KEY=VALUE]...",
	  "Create a resource of type TYPE in group GROUP, Offline.\n"
	  "\n"
	  "--priv KEY=VALUE sets a private property: a DWORD when VALUE is a decimal\n"
	  "number (at most 4294967295), else a string (SZ).  --priv KEY:TYPE=VALUE\n"
	  "forces the type: sz, expand_sz, dword, long, ularge (numbers in decimal or\n"
	  "0x hex), multi_sz (strings separated by commas), binary (hex digits).\n",
	  check_resource_create },
	{ "resource", "delete", 1, 1, 0, 1, cmd_request, "resource delete NAME",
	  "Delete a resource.  It must be offline and no resource may depend on it.\n", NULL },
	{ "resource", "rename", 2, 2, 0, 1, cmd_request, "resource rename NAME NEWNAME",
	  "Rename a resource.\n", NULL },
	{ "resource", "online", 1, 1, O_WAIT, 1, cmd_request,
	  "resource online NAME [--wait SECONDS]",
	  "Bring a resource online, with the resources it depends on, on the node\n"
	  "that owns its group; --wait as for `group online`.\n", NULL },
	{ "resource", "offline", 1, 1, O_WAIT, 1, cmd_request,
	  "resource offline NAME [--wait SECONDS]",
	  "Take a resource offline, with the resources that depend on it; --wait as\n"
	  "for `group online`.\n", NULL },
	{ "resource", "fail", 1, 1, 0, 1, cmd_request, "resource fail NAME",
	  "Make the cluster treat an online resource as failed: its restart and\n"
	  "failover policy applies, as for a real failure.\n", NULL },
	{ "resource", "depend", 1, 1, O_ON, 1, cmd_request,
	  "resource depend NAME --on OTHER",
	  "Make NAME depend on OTHER (same group): NAME comes online only after\n"
	  "OTHER, and goes offline before it.\n", check_depend },
	{ "resource", "undepend", 1, 1, O_ON, 1, cmd_request,
	  "resource undepend NAME --on OTHER",
	  "Remove the dependency of NAME on OTHER.\n", check_depend },
	{ "resource", "owner-add", 2, 2, 0, 1, cmd_request,
	  "resource owner-add NAME NODE",
	  "Add NODE to the possible owners of a resource.  A resource with no\n"
	  "possible owners listed may run on any node.\n", NULL },
	{ "resource", "owner-remove", 2, 2, 0, 1, cmd_request,
	  "resource owner-remove NAME NODE",
	  "Remove NODE from the possible owners of a resource.\n", NULL },
	{ "resource", "get", 1, 2, O_JSON, 1, cmd_get, "resource get NAME [PROPERTY] [--json]",
	  "Print the common properties of a resource, or the value of one.\n", NULL },
	{ "resource", "set", 2, MAX_ARGS, 0, 1, cmd_set, "resource set NAME PROPERTY=VALUE...",
	  "Set common properties of a resource: RestartAction (0-2), RestartThreshold,\n"
	  "RestartPeriod (ms), LooksAlivePollInterval and IsAlivePollInterval (ms, not\n"
	  "0), PendingTimeout (ms).  Values as for `group set`.\n", check_set },
	{ "resource", "control", 2, 2, O_CONTROL, 1, cmd_control,
	  "resource control NAME CODE [--node NODE] [INPUT] [--raw|--json] [--out-size N]",
	  "Send a control code to a resource (ClusterResourceControl) and print its\n"
	  "output.\n", check_control },

	{ "resource-type", "get", 1, 2, O_JSON, 1, cmd_get,
	  "resource-type get TYPE [PROPERTY] [--json]",
	  "Print the common properties of a resource type, or the value of one.\n", NULL },
	{ "resource-type", "set", 2, MAX_ARGS, 0, 1, cmd_set,
	  "resource-type set TYPE PROPERTY=VALUE...",
	  "Set common properties of an installed resource type: Description,\n"
	  "LooksAlivePollInterval and IsAlivePollInterval (ms, not 0: what a resource\n"
	  "of the type created from now on starts with).  Values as for `group set`.\n",
	  check_set },
	{ "resource-type", "control", 2, 2, O_CONTROL, 1, cmd_control,
	  "resource-type control TYPE CODE [--node NODE] [INPUT] [--raw|--json] [--out-size N]",
	  "Send a control code to a resource type (ClusterResourceTypeControl), on\n"
	  "NODE or the local node, and print its output; CODE names drop the prefix\n"
	  "CLUSCTL_RESOURCE_TYPE_ (e.g. STORAGE_GET_AVAILABLE_DISKS).\n", check_control },

	{ "node", "pause", 1, 1, 0, 1, cmd_request, "node pause NAME",
	  "Pause a node: it keeps what it runs, but no group comes online on it.\n", NULL },
	{ "node", "resume", 1, 1, 0, 1, cmd_request, "node resume NAME",
	  "Resume a paused node.\n", NULL },
	{ "node", "drain", 1, 1, O_WAIT, 1, cmd_node_drain, "node drain NAME [--wait SECONDS]",
	  "Pause a node and move every group it owns to the best other node (its\n"
	  "preferred owners in order, then any node that may own it; never a paused\n"
	  "one), each as `group move` does.  clusterd does the work and answers when\n"
	  "every group is where it went and settled there, or after --wait SECONDS\n"
	  "(default 60); the drain goes on if this command is interrupted.  Prints\n"
	  "one line per group: where it went, or why it did not move (no other node\n"
	  "may own it, it failed there, still moving).  Exit status 0 if every group\n"
	  "moved, else non-zero (5 if one was still moving).  `node resume` takes the\n"
	  "pause back.\n", NULL },
	{ "node", "evict", 1, 1, 0, 1, cmd_request, "node evict NAME",
	  "Remove a node that is down from the cluster's configuration: it leaves the\n"
	  "preferred owners of every group and the possible owners of every resource,\n"
	  "and its settings go.  Refused while the node is up (5009).  Remove the node\n"
	  "from corosync.conf on every node too: while corosync.conf names it, a\n"
	  "cluster service started there joins again, as a new node in no owner list.\n",
	  NULL },
	{ "node", "get", 1, 2, O_JSON, 1, cmd_get, "node get NAME [PROPERTY] [--json]",
	  "Print the common properties of a node, or the value of one.\n", NULL },
	{ "node", "set", 2, MAX_ARGS, 0, 1, cmd_set, "node set NAME PROPERTY=VALUE...",
	  "Set common properties of a node: Description.\n", check_set },
	{ "node", "control", 2, 2, O_CONTROL, 1, cmd_control,
	  "node control NAME CODE [--node NODE] [INPUT] [--raw|--json] [--out-size N]",
	  "Send a control code to a node (ClusterNodeControl) and print its output.\n",
	  check_control },

	{ "cluster", "get", 0, 1, O_JSON, 1, cmd_get, "cluster get [PROPERTY] [--json]",
	  "Print the common properties of the cluster, or the value of one.\n", NULL },
	{ "cluster", "set", 1, MAX_ARGS, 0, 1, cmd_set, "cluster set PROPERTY=VALUE...",
	  "Set common properties of the cluster: Description.\n", check_set },
	{ "cluster", "control", 1, 1, O_CONTROL, 1, cmd_control,
	  "cluster control CODE [--node NODE] [INPUT] [--raw|--json] [--out-size N]",
	  "Send a control code to the cluster (ClusterControl) and print its output.\n",
	  check_control },

	{ "codes", NULL, 0, 1, 0, 0, cmd_codes, "codes [resource|resource-type|group|node|cluster]",
	  "List the control codes this tool knows by name, with their numbers.\n", NULL },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static int is_word1(const char *w)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].word1, w) == 0)
			return 1;
	return 0;
}

/* The command named by words[0..], and how many words it used. */
static const struct cmd *find_cmd(const char *const *words, size_t n, size_t *used)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct cmd *c = &commands[i];

		if (n < 1 || strcmp(c->word1, words[0]) != 0)
			continue;
		if (!c->word2) {
			*used = 1;
			return c;
		}
		if (n >= 2 && strcmp(c->word2, words[1]) == 0) {
			*used = 2;
			return c;
		}
	}
	return NULL;
}

static void print_cmd_help(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: cluster %s\n\n%s", c->usage, c->help);
	if (c->fn == cmd_control)
		fputs(help_control, f);
	fputs("\nGlobal options --socket PATH and --timeout SECONDS apply; exit status as in\n"
	      "`cluster --help`.\n", f);
}

/* Help for a word alone ("group"): the usage lines of its commands. */
static void print_word_help(FILE *f, const char *word)
{
	fprintf(f, "usage:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].word1, word) == 0)
			fprintf(f, "  cluster %s\n", commands[i].usage);
	fprintf(f, "\n`cluster %s COMMAND --help` explains one.\n", word);
}

static int do_help(const char *const *words, size_t n, FILE *f)
{
	const struct cmd *c;
	size_t used;

	if (n == 0) {
		fputs(usage_main, f);
		return EXIT_OK;
	}
	c = find_cmd(words, n, &used);
	if (c) {
		print_cmd_help(f, c);
		return EXIT_OK;
	}
	if (is_word1(words[0])) {
		print_word_help(f, words[0]);
		return EXIT_OK;
	}
	errmsg("unknown command '%s' (see cluster --help)", words[0]);
	return EXIT_USAGE;
}

static const char *option_name(unsigned bit)
{
	for (size_t k = 0; k < sizeof(option_table) / sizeof(option_table[0]); k++)
		if (option_table[k].bit == bit)
			return option_table[k].name;
	return "?";
}

int cli_main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct run r = { 0 };
	const struct cmd *c;
	size_t used = 0;
	char words[64];            /* the command's words, "group online" */
	uint32_t rc;
	int ret;

	if (parse_args(argc, argv, &o) != 0)
		return EXIT_USAGE;
	if (o.version) {
		printf("cluster (Cluster Server) %s, libclusapi %s\n", CLUSAPI_VERSION_STRING,
		       cluster_library_version());
		return EXIT_OK;
	}
	if (o.n_pos > 0 && strcmp(o.pos[0], "help") == 0)
		return do_help(o.pos + 1, o.n_pos - 1, stdout);
	if (o.help)
		return do_help(o.pos, o.n_pos, stdout);
	if (o.n_pos == 0) {
		/* `cluster` alone shows what it can do; options alone are a
		 * mistake (a command word lost), worth one line. */
		if (argc <= 1)
			fputs(usage_main, stderr);
		else if (o.first_option)
			errmsg("--%s: no command given (see cluster --help)", o.first_option);
		else
			errmsg("no command given (see cluster --help)");
		return EXIT_USAGE;
	}
	c = find_cmd(o.pos, o.n_pos, &used);
	if (!c) {
		if (is_word1(o.pos[0])) {
			if (o.n_pos > 1)
				errmsg("unknown command '%s %s' (see cluster %s --help)", o.pos[0],
				       o.pos[1], o.pos[0]);
			else
				errmsg("'%s' needs a command (see cluster %s --help)", o.pos[0],
				       o.pos[0]);
		} else {
			errmsg("unknown command '%s' (see cluster --help)", o.pos[0]);
		}
		return EXIT_USAGE;
	}
	snprintf(words, sizeof(words), "%s%s%s", c->word1, c->word2 ? " " : "",
		 c->word2 ? c->word2 : "");
	if (o.given & ~c->opts) {
		for (unsigned bit = 1; bit; bit <<= 1) {
			if ((o.given & bit) && !(c->opts & bit)) {
				errmsg("option --%s does not apply to '%s' (see cluster %s --help)",
				       option_name(bit), words, words);
				return EXIT_USAGE;
			}
		}
	}
	r.o = &o;
	r.cmd = c;
	r.args = o.pos + used;
	r.n_args = o.n_pos - used;
	if (r.n_args < c->min_args || r.n_args > c->max_args) {
		errmsg("usage: cluster %s (see cluster %s --help)", c->usage, words);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < r.n_args; i++) {
		if (!r.args[i][0]) {
			errmsg("empty name (usage: cluster %s)", c->usage);
			return EXIT_USAGE;
		}
	}
	if (c->check) {
		ret = c->check(&r);
		if (ret != EXIT_OK)
			goto out;
	}
	if (c->needs_cluster) {
		rc = cluster_open(o.socket, &r.h);
		if (rc != ERROR_SUCCESS) {
			ret = report_connect(rc, &o);
			goto out;
		}
		if (o.have_timeout)
			cluster_set_timeout(r.h, o.timeout_ms);
	}
	ret = c->fn(&r);
out:
	cluster_close(r.h);
	cluster_free(r.in);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		errmsg("error writing the output: %s", strerror(errno));
		if (ret == EXIT_OK)
			ret = EXIT_OTHER;
	}
	return ret;
}
