/*
 * drain.c - taking a node out of service, and a node coming back.
 *
 * A drain (CS_OP_NODE_DRAIN, WSFC's "pause and drain roles") pauses the node
 * (MOP_NODE_PAUSE: no group is placed there any more), then moves every
 * group it owns to the best other node - model_choose_node: preferred owners
 * in order, then the other nodes, never a paused one - with the move of
 * `cluster group move` (drain_move_group: MOP_GROUP_MOVING; the owner takes
 * the group offline in reverse dependency order and hands it over, rm.c).
 * Groups are independent of each other: they move all at once.  The client
 * is answered with a report (clientproto.h) when every group is where it
 * went and settled there, or at its deadline; a client that goes away does
 * not stop the drain.
 *
 * The same drain runs on this node's own behalf when clusterd is told to
 * stop (SIGTERM at shutdown, drain_shutdown): done once each group has
 * been handed over (the new owner brings it online by itself), so that a
 * planned reboot costs the groups one move, not a failover and its wait.
 * Its pause is taken back just before clusterd leaves, unless the node was
 * paused already, so that the node comes back into service after the
 * reboot.
 *
 * Moves are decisions, sent only while this view is synced and quorate.  A
 * move sent before a membership change has been delivered (applied or
 * refused) by the time the next view has synced, so a group still waiting
 * then is moved again (drain_members_changed); a move seen nowhere after
 * RESEND_MS is sent again too.  A move sent twice is harmless: a MOVING to
 * the node that owns the group already is no move (model.c).
 *
 * An evicted node whose clusterd joins again (corosync.conf still names
 * it) is made a node of the cluster again by the coordinator (MOP_NODE_EVICT
 * with State 0): it came back with no settings and in no owner list, and
 * took the cluster's copy of the database at its state transfer (its epoch
 * is older than the others', repl.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <string.h>

#include "clientproto.h"
#include "cs_alloc.h"
#include "log.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

/* A move that shows nowhere this long after it was sent is sent again. */
#define RESEND_MS 10000u
/* The shutdown drain waits this long at most to see its pause taken back. */
#define RESUME_WAIT_MS 1000u

/* One group of a drain. */
struct dgroup {
	char *name;
	uint32_t status;         /* ERROR_IO_PENDING while it goes */
	const char *why;         /* static text; NULL on success */
	int sent;                /* a move is out, not yet seen applied */
	uint64_t sent_at;
	uint64_t done_at;        /* when it was handed over (log) */
};

struct drain {
	struct drain *next;
	uint32_t node_id;
	char *node;
	conn_id conn;            /* 0: this node's shutdown drain */
	uint32_t op, client_id;
	uint64_t started, deadline;
	struct dgroup *g;
	size_t n;
	int was_paused;          /* shutdown: the node was paused before */
	int resuming;            /* shutdown: its pause is being taken back */
	uint64_t resume_deadline;
};

static struct drain *drains;
static struct loop_timer *tick;
static void (*shutdown_done)(void);
static uint32_t readd_id;    /* an evicted member the coordinator re-added, and when */
static uint64_t readd_at;

/* ---- moving one group ---- */

uint32_t drain_move_group(const struct cs_group *g, uint32_t target)
{
	struct cs_args m = { .name = g->name, .node_id = target, .has_node_id = 1 };
	int live = g->owner && repl_is_member(g->owner) && g->state != ClusterGroupOffline;

	/* a group that runs is handed over by its owner; one that does not
	 * simply changes owner */
	return repl_send_op(live ? MOP_GROUP_MOVING : MOP_GROUP_OWNER, &m, 0);
}

/* Why no node can take g from `from`. */
static const char *no_target_why(const struct cs_group *g, uint32_t from)
{
	const struct cs_model *m = &csd->model;
	size_t up = 0;

	(void)g;
	for (size_t i = 0; i < csd->n_members; i++) {
		const struct cs_node *n = model_node_by_id(m, csd->members[i]);
		if (n && n->id != from && n->state == ClusterNodeUp && !model_node_evicted(m, n))
			up++;
	}
	if (!up)
		return "no other node is up and not paused";
	return "none of the other nodes that are up may own it (the possible owners of its "
	       "resources)";
}

/* ---- drains ---- */

static void drain_free(struct drain *d)
{
	for (struct drain **pp = &drains; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	for (size_t i = 0; i < d->n; i++)
		cs_free(d->g[i].name);
	cs_free(d->g);
	cs_free(d->node);
	cs_free(d);
}

static struct dgroup *dgroup_find(struct drain *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->g[i].name, name))
			return &d->g[i];
	return NULL;
}

static uint32_t dgroup_add(struct drain *d, const char *name)
{
	struct dgroup *v;
	char *copy = cs_strdup(name);

	if (!copy)
		return ERROR_NOT_ENOUGH_MEMORY;
	v = cs_realloc(d->g, (d->n + 1) * sizeof(*v));
	if (!v) {
		cs_free(copy);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	d->g = v;
	d->g[d->n++] = (struct dgroup){ .name = copy, .status = ERROR_IO_PENDING };
	return ERROR_SUCCESS;
}

/* The groups the node owns, or that are being handed to it, join the drain. */
static uint32_t collect(struct drain *d)
{
	const struct cs_model *m = &csd->model;
	uint32_t rc = ERROR_SUCCESS;

	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_groups; i++) {
		const struct cs_group *g = m->groups[i];
		if ((g->owner == d->node_id || g->moving_to == d->node_id) &&
		    !dgroup_find(d, g->name))
			rc = dgroup_add(d, g->name);
	}
	return rc;
}

/* The report and the answer to the client (clientproto.h). */
static void answer(struct drain *d)
{
	const struct cs_model *m = &csd->model;
	clusprop_builder b;
	uint32_t status = ERROR_SUCCESS, rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Node", d->node);
	for (size_t i = 0; i < d->n; i++) {
		const struct dgroup *x = &d->g[i];
		const struct cs_group *g = model_group(m, x->name);
		const struct cs_node *on = g && g->owner ? model_node_by_id(m, g->owner) : NULL;
		struct cs_drain_rec rec = {
			.name = x->name, .node = on ? on->name : NULL, .error = (char *)x->why,
			.state = g ? g->state : (uint32_t)ClusterGroupStateUnknown,
			.status = x->status,
		};
		rec_encode(&b, "Group", cs_drain_fields, N(cs_drain_fields), &rec, 0);
		if (x->status == ERROR_TIMEOUT)
			status = ERROR_TIMEOUT;
		else if (x->status != ERROR_SUCCESS && status == ERROR_SUCCESS)
			status = x->status;
	}
	rc = clusprop_builder_status(&b);
	if (rc == ERROR_SUCCESS)
		conn_reply(d->conn, d->op, d->client_id, status, clusprop_builder_data(&b),
			   clusprop_builder_size(&b));
	else
		conn_reply(d->conn, d->op, d->client_id, rc, NULL, 0);
	clusprop_builder_free(&b);
}

static void finish(struct drain *d)
{
	size_t moved = 0;

	for (size_t i = 0; i < d->n; i++)
		moved += d->g[i].status == ERROR_SUCCESS;
	log_notice("drain of %s: %zu of %zu group(s) moved in %llu ms", d->node, moved, d->n,
		   (unsigned long long)(loop_now_ms() - d->started));
	for (size_t i = 0; i < d->n; i++)
		if (d->g[i].status != ERROR_SUCCESS)
			log_warn("drain of %s: group %s not moved: %s", d->node, d->g[i].name,
				 d->g[i].why ? d->g[i].why : cluster_strerror(d->g[i].status));
	if (d->conn) {
		answer(d);
		drain_free(d);
		return;
	}
	/* this node's shutdown: take back the pause it made, then go */
	if (!d->was_paused && csd->quorate && csd->synced) {
		struct cs_args p = { .name = d->node, .state = 0, .has_state = 1 };
		if (repl_send_op(MOP_NODE_PAUSE, &p, 0) == ERROR_SUCCESS) {
			d->resuming = 1;
			d->resume_deadline = loop_now_ms() + RESUME_WAIT_MS;
			return;
		}
	}
	drain_free(d);
	if (shutdown_done)
		shutdown_done();
}

/* One group: send its move, or see where it is. */
static void step_group(struct drain *d, struct dgroup *x, uint64_t now)
{
	const struct cs_model *m = &csd->model;
	const struct cs_group *g = model_group(m, x->name);
	uint32_t target, rc;

	if (!g) {
		x->status = ERROR_GROUP_NOT_FOUND;
		x->why = "the group was deleted while the node was drained";
		return;
	}
	if (g->owner == d->node_id && !g->moving_to) {
		/* still here, not moving (yet) */
		if (x->sent && now - x->sent_at < RESEND_MS)
			return;
		if (!csd->quorate)
			return; /* decided once quorum is confirmed again */
		target = model_choose_node(m, g, csd->members, csd->n_members, d->node_id);
		if (!target) {
			x->status = ERROR_HOST_NODE_NOT_AVAILABLE;
			x->why = no_target_why(g, d->node_id);
			return;
		}
		if ((rc = drain_move_group(g, target)) != ERROR_SUCCESS) {
			log_warn("drain of %s: cannot send the move of group %s: %s", d->node, g->name,
				 cluster_strerror(rc));
			return; /* tried again at the next tick */
		}
		log_notice("drain of %s: moving group %s to %s", d->node, g->name,
			   model_node_name(m, target));
		x->sent = 1;
		x->sent_at = now;
		return;
	}
	x->sent = 0;
	if (g->owner == d->node_id || g->moving_to)
		return; /* being handed over (or handed to the node: then moved on) */
	if (!x->done_at) {
		x->done_at = now;
		log_notice("drain of %s: group %s handed over to %s after %llu ms", d->node,
			   g->name, g->owner ? model_node_name(m, g->owner) : "(none)",
			   (unsigned long long)(now - d->started));
	}
	if (!g->owner) {
		x->status = ERROR_HOST_NODE_NOT_AVAILABLE;
		x->why = "no node owns the group now";
		return;
	}
	if (!d->conn) {
		x->status = ERROR_SUCCESS; /* shutdown: handed over is enough */
		return;
	}
	if (g->state == ClusterGroupFailed) {
		x->status = ERROR_RESOURCE_FAILED;
		x->why = "a resource of the group failed where it went";
	} else if (g->persistent ? g->state == ClusterGroupOnline
				 : g->state == ClusterGroupOffline) {
		x->status = ERROR_SUCCESS;
	}
}

static void step(struct drain *d)
{
	uint64_t now = loop_now_ms();
	int pending = 0;

	if (d->resuming) {
		const struct cs_node *n = model_node_any(&csd->model, d->node);
		if ((n && !n->paused) || now >= d->resume_deadline) {
			drain_free(d);
			if (shutdown_done)
				shutdown_done();
		}
		return;
	}
	if (!d->conn && !csd->quorate && !csd->quorum_pending) {
		log_warn("drain of %s: quorum lost: stopping now", d->node);
		for (size_t i = 0; i < d->n; i++)
			if (d->g[i].status == ERROR_IO_PENDING)
				d->g[i].status = ERROR_NOT_READY;
		finish(d);
		return;
	}
	if (csd->synced) {
		if (collect(d) != ERROR_SUCCESS)
			log_err("drain of %s: out of memory listing its groups", d->node);
		for (size_t i = 0; i < d->n; i++)
			if (d->g[i].status == ERROR_IO_PENDING)
				step_group(d, &d->g[i], now);
	}
	for (size_t i = 0; i < d->n; i++)
		pending += d->g[i].status == ERROR_IO_PENDING;
	if (pending && now < d->deadline)
		return;
	for (size_t i = 0; i < d->n; i++) {
		if (d->g[i].status == ERROR_IO_PENDING) {
			d->g[i].status = ERROR_TIMEOUT;
			d->g[i].why = "still moving when the wait ended";
		}
	}
	finish(d);
}

static void step_all(void)
{
	struct drain *d = drains, *next;

	/* step() may free d (and only d) */
	for (; d; d = next) {
		next = d->next;
		step(d);
	}
}

/* Make a drain of node n and pause n; on failure nothing is left. */
static uint32_t drain_new(const struct cs_node *n, conn_id c, uint32_t op, uint32_t id,
			  uint32_t wait_ms, struct drain **ret)
{
	struct drain *d = cs_calloc(1, sizeof(*d));
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	if (!d || !(d->node = cs_strdup(n->name)))
		goto out;
	d->node_id = n->id;
	d->conn = c;
	d->op = op;
	d->client_id = id;
	d->was_paused = n->paused;
	d->started = loop_now_ms();
	d->deadline = d->started + wait_ms;
	if ((rc = collect(d)) != ERROR_SUCCESS)
		goto out;
	if (!n->paused) {
		struct cs_args p = { .name = n->name, .state = 1, .has_state = 1 };
		if ((rc = repl_send_op(MOP_NODE_PAUSE, &p, 0)) != ERROR_SUCCESS)
			goto out;
	}
	d->next = drains;
	drains = d;
	*ret = d;
	d = NULL;
	rc = ERROR_SUCCESS;
out:
	if (d) {
		for (size_t i = 0; i < d->n; i++)
			cs_free(d->g[i].name);
		cs_free(d->g);
		cs_free(d->node);
		cs_free(d);
	}
	return rc;
}

void drain_request(conn_id c, uint32_t op, uint32_t id, const char *name, uint32_t wait_ms)
{
	const struct cs_node *n = model_node(&csd->model, name);
	struct drain *d;
	uint32_t rc;

	if (!n) {
		conn_reply_error(c, op, id, ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
		return;
	}
	if (!repl_is_member(n->id) || n->state == ClusterNodeDown) {
		conn_reply_error(c, op, id, ERROR_CLUSTER_NODE_DOWN,
				 "the node is down: what it owned is placed elsewhere without a drain");
		return;
	}
	rc = drain_new(n, c, op, id, wait_ms ? wait_ms : CS_DRAIN_WAIT_DEFAULT_MS, &d);
	if (rc != ERROR_SUCCESS) {
		conn_reply_error(c, op, id, rc, "cannot start the drain");
		return;
	}
	log_notice("drain of %s: %zu group(s) to move, for at most %u ms", d->node, d->n,
		   wait_ms ? wait_ms : CS_DRAIN_WAIT_DEFAULT_MS);
	step(d);
}

uint32_t drain_shutdown(uint32_t timeout_ms, void (*done)(void))
{
	const struct cs_model *m = &csd->model;
	const struct cs_node *self = model_node_by_id(m, csd->local_id);
	struct drain *d;
	size_t others = 0, owned = 0;
	uint32_t rc;

	if (!timeout_ms) {
		log_notice("shutdown: no drain (--drain-timeout 0): stopping every resource here");
		return ERROR_SUCCESS;
	}
	if (!self || !csd->synced || !csd->quorate) {
		log_notice("shutdown: no quorum: stopping every resource here without a drain");
		return ERROR_SUCCESS;
	}
	for (size_t i = 0; i < csd->n_members; i++) {
		const struct cs_node *n = model_node_by_id(m, csd->members[i]);
		if (n && n->id != csd->local_id && n->state == ClusterNodeUp &&
		    !model_node_evicted(m, n))
			others++;
	}
	for (size_t i = 0; i < m->n_groups; i++)
		owned += m->groups[i]->owner == csd->local_id ||
			 m->groups[i]->moving_to == csd->local_id;
	if (!owned) {
		log_notice("shutdown: this node owns no group");
		return ERROR_SUCCESS;
	}
	if (!others) {
		log_notice("shutdown: no other node is up to take this node's groups: stopping "
			   "every resource here");
		return ERROR_SUCCESS;
	}
	rc = drain_new(self, 0, 0, 0, timeout_ms, &d);
	if (rc != ERROR_SUCCESS) {
		log_err("shutdown: cannot drain this node (%s): stopping every resource here",
			cluster_strerror(rc));
		return ERROR_SUCCESS;
	}
	shutdown_done = done;
	log_notice("shutdown: draining this node first: %zu group(s) to move, for at most %u ms "
		   "(a second signal stops at once)", d->n, timeout_ms);
	step(d);
	return ERROR_IO_PENDING;
}

/* ---- an evicted node that came back ---- */

static void readd_evicted(void)
{
	const struct cs_model *m = &csd->model;
	uint64_t now = loop_now_ms();

	if (!csd->synced || !csd->quorate || repl_coordinator() != csd->local_id)
		return;
	for (size_t i = 0; i < csd->n_members; i++) {
		const struct cs_node *n = model_node_by_id(m, csd->members[i]);
		if (!n || !model_node_evicted(m, n) ||
		    (readd_id == n->id && now - readd_at < RESEND_MS))
			continue;
		struct cs_args a = { .name = n->name, .state = 0, .has_state = 1 };
		log_notice("node %s was evicted and has joined again (corosync.conf still names it): "
			   "it is a node of the cluster again, with no settings and in no owner list",
			   n->name);
		if (repl_send_op(MOP_NODE_EVICT, &a, 0) == ERROR_SUCCESS) {
			readd_id = n->id;
			readd_at = now;
		}
	}
}

/* ---- hooks ---- */

void drain_changed(void)
{
	step_all();
	readd_evicted();
}

void drain_members_changed(void)
{
	/* what was sent in the last view has been applied or refused by the time
	 * the next one has synced: what still waits then is sent again */
	for (struct drain *d = drains; d; d = d->next)
		for (size_t i = 0; i < d->n; i++)
			d->g[i].sent = 0;
	readd_id = 0;
}

static void on_tick(void *data)
{
	(void)data;
	step_all();
}

uint32_t drain_start(void)
{
	tick = loop_timer_every(csd->loop, 100, on_tick, NULL);
	return tick ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

void drain_stop(void)
{
	while (drains) {
		if (drains->conn)
			conn_reply_error(drains->conn, drains->op, drains->client_id,
					 ERROR_CLUSTER_NODE_SHUTTING_DOWN,
					 "clusterd is stopping: the drain ends here");
		drain_free(drains);
	}
	shutdown_done = NULL;
	if (tick)
		loop_timer_cancel(csd->loop, tick);
	tick = NULL;
}
