/*
 * rm.c - the resource manager: runs the groups this node owns through the
 * resource host, in dependency order, and applies the failure policy.
 *
 * It is a reconciler: after every delivered change it compares what the
 * replicated model wants (PersistentState, owner, moving_to) with what runs
 * here, and starts at most one step per resource.  Results come back from
 * the host asynchronously and are multicast as resource states, so every
 * node sees the same states in the same order.
 *
 * Failure policy (MSCS): a failed resource is restarted in place up to
 * RestartThreshold times per RestartPeriod; past that, with RestartAction
 * "notify", its group fails over to the next node that may own it.  A host
 * that crashes or hangs is killed and restarted; its resources count as
 * failed.
 *
 * Quorum and the lease: no step that starts something (open for online,
 * online) begins unless this node has confirmed quorum for its current
 * membership and holds a lease (rm_lease) that has some time left; a start in
 * flight when quorum goes is terminated, and its success is not reported.
 * The host enforces the lease on its own (csd.h).
 *
 * A host that died leaves its resources' effects behind (an address, a
 * mount): each resource it had open is opened again in the new host and
 * terminated (l->cleanup) before its group may go to another node.
 *
 * What runs here is tracked by one struct lres per resource, made when this
 * node first starts a step for it and freed (lres_prune) once the resource is
 * no longer this node's to run - deleted, or its group owned elsewhere - and
 * the host has closed it with no step request still out.  So the records, and
 * every reconcile's scans over them, are bounded by what this node runs, not
 * by every resource it ever ran.  Host requests name a record by its id,
 * never reused; a completion that finds no record is ignored.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "cs_alloc.h"
#include "hostclient.h"
#include "log.h"

/* A control call into a plugin past this is hung (below the API's 30 s). */
#define CONTROL_TIMEOUT_MS 20000

enum lstep { L_IDLE = 0, L_OPENING, L_ONLINING, L_OFFLINING, L_TERMINATING, L_CLOSING };

struct lres {
	struct lres *next;
	char *name;                 /* for messages; the model may rename it */
	uint64_t uid;               /* the model's resource uid */
	uint64_t id;                /* the host's resource id */
	uint32_t priv_gen;          /* private properties the plugin has */
	int opened;
	int online;                 /* 1: the plugin brought it online, no step since;
	                               2: ... and the model has shown it Online */
	enum lstep step;
	int want_online_after_open;
	int cleanup;                /* the host that had it open died: open it and
	                               terminate it before the group leaves */
	int lost;                   /* a start cut short by the host's death:
	                               on_host_exited() applies the policy */
	int failed;                 /* this node published it Failed (until it
	                               starts again): a terminate then says nothing */
	int restart_pending;
	uint32_t restarts;
	uint64_t restart_window;
	unsigned inflight;          /* step requests sent and not completed: while
	                               any is out, the record stays */
	unsigned states_out;        /* states this node published and has not yet
	                               seen applied: no new step starts meanwhile
	                               (the model would lag behind what runs) */
	uint64_t states_since;      /* when states_out last became non-zero */
};

/* What a host request is for: a step of resource res_id, a control (done
 * is called with its result), or nothing to report (a pushed update). */
struct cookie {
	uint64_t res_id;
	rm_control_done_fn done;
	void *ctx;
};

static hostclient *hc;
static struct lres *lres_list;
static uint64_t next_id = 1;
static struct loop_timer *rm_tick;
static int host_fd = -1;
static int stopping;
static struct loop_timer *restart_timer;
static uint64_t restart_due;           /* when the host is to be restarted, 0: not */
static unsigned quick_restarts;        /* host restarts close together */
static uint64_t last_restart;
static uint64_t lease_until;           /* what the host was last granted */

/* Quorum confirmed for this membership, and a lease with more than `left` ms
 * still to run. */
static int may_run_for(uint64_t left)
{
	return csd->quorate && lease_until > loop_now_ms() + left;
}

/* Whether steps that start something may begin now: with time left on the
 * lease for the host to accept them. */
static int may_start(void)
{
	return may_run_for(CSD_TICK_MS / 2);
}

static void on_host_io(void *data, uint32_t events);

static struct lres *lres_find(const struct cs_resource *r)
{
	for (struct lres *l = lres_list; l; l = l->next)
		if (l->uid == r->uid)
			return l;
	return NULL;
}

/* The model's resource of l (following renames), or NULL if deleted. */
static struct cs_resource *lres_model(struct lres *l)
{
	struct cs_resource *r = model_resource_by_uid(&csd->model, l->uid);

	if (r && strcmp(r->name, l->name)) {
		char *n = cs_strdup(r->name);
		if (n) {
			cs_free(l->name);
			l->name = n;
		}
	}
	return r;
}

static struct lres *lres_by_id(uint64_t id)
{
	for (struct lres *l = lres_list; l; l = l->next)
		if (l->id == id)
			return l;
	return NULL;
}

static void lres_free(struct lres *l)
{
	cs_free(l->name);
	cs_free(l);
}

static struct lres *lres_get(const struct cs_resource *r)
{
	struct lres *l = lres_find(r);

	if (l)
		return l;
	if (!(l = cs_calloc(1, sizeof(*l))))
		return NULL;
	if (!(l->name = cs_strdup(r->name))) {
		cs_free(l);
		return NULL;
	}
	l->uid = r->uid;
	l->priv_gen = r->priv_gen;
	l->id = next_id++;
	l->next = lres_list;
	lres_list = l;
	return l;
}

static int owned_here(const struct cs_resource *r)
{
	const struct cs_group *g = model_group(&csd->model, r->group);

	return g && g->owner == csd->local_id;
}

/* Publish a resource's state: only the owner of its group speaks for it. */
/* Own state reports carry a request id with this bit and the record's id,
 * so that their delivery comes back here (rm_state_applied). */
#define STATE_REQ_BIT 0x80000000u
/* A state report not seen applied by then is taken as lost (a failed
 * multicast): steps may start again. */
#define STATES_LOST_MS 5000u

static void send_state(struct lres *l, const struct cs_resource *r, uint32_t state)
{
	struct cs_args a = { .name = r->name, .state = state, .has_state = 1 };
	const struct cs_group *g = model_group(&csd->model, r->group);
	uint32_t req = STATE_REQ_BIT | (uint32_t)(l->id & 0x7FFFFFFFu);

	if (!g || g->owner != csd->local_id)
		return;
	if (repl_send_op(MOP_RES_STATE, &a, req) != ERROR_SUCCESS)
		return;
	if (!l->states_out++)
		l->states_since = loop_now_ms();
}

int rm_is_state_req(uint32_t req_id)
{
	return (req_id & STATE_REQ_BIT) != 0;
}

void rm_state_applied(uint32_t req_id)
{
	struct lres *l = lres_by_id(req_id & 0x7FFFFFFFu);

	if (l && l->states_out)
		l->states_out--;
	rm_reconcile();
}

/* Whether l may start a step: none running, and the model has caught up
 * with what this node reported of it. */
static int step_free(struct lres *l)
{
	if (l->states_out && loop_now_ms() - l->states_since > STATES_LOST_MS) {
		log_warn("resource %s: a state report was not seen applied in %u ms: going on",
			 l->name, STATES_LOST_MS);
		l->states_out = 0;
	}
	return l->step == L_IDLE && !l->states_out;
}

static void watch_host(void)
{
	int fd = hostclient_fd(hc);
	uint32_t ev = EPOLLIN | (hostclient_wants_write(hc) ? EPOLLOUT : 0);

	if (fd != host_fd) {
		if (host_fd >= 0)
			loop_del_fd(csd->loop, host_fd);
		host_fd = -1;
		if (fd >= 0 && loop_add_fd(csd->loop, fd, ev, on_host_io, NULL) == 0)
			host_fd = fd;
	}
	if (host_fd >= 0 && loop_mod_fd(csd->loop, host_fd, ev) < 0)
		log_err("cannot change the watch on the resource host's socket"); /* next call retries */
}

static struct cookie *cookie_new(uint64_t res_id)
{
	struct cookie *k = cs_calloc(1, sizeof(*k));

	if (k)
		k->res_id = res_id;
	return k;
}

static void cookie_free(struct cookie *k)
{
	cs_free(k);
}

/* Queue one host request for l. */
static uint32_t start_step(struct lres *l, const struct cs_resource *r, enum lstep step)
{
	struct cookie *k = cookie_new(l->id);
	uint32_t rc;

	if (!k) {
		log_err("resource %s: out of memory", l->name);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	switch (step) {
	case L_OPENING:
		rc = hostclient_open(hc, l->id, r->type, r->name, r->priv, r->priv_size,
				     r->looks_alive_ms, r->is_alive_ms, r->pending_timeout_ms, k, NULL);
		break;
	case L_ONLINING:
		rc = hostclient_online(hc, l->id, r->pending_timeout_ms, k, NULL);
		break;
	case L_OFFLINING:
		rc = hostclient_offline(hc, l->id, r->pending_timeout_ms, k, NULL);
		break;
	case L_TERMINATING:
		rc = hostclient_terminate(hc, l->id, 0, k, NULL);
		break;
	case L_CLOSING:
		rc = hostclient_close(hc, l->id, 0, k, NULL);
		break;
	default:
		rc = ERROR_INVALID_PARAMETER;
	}
	if (rc != ERROR_SUCCESS) {
		cookie_free(k);
		log_err("resource %s: cannot reach the resource host: %s", l->name,
			cluster_strerror(rc));
		return rc;
	}
	l->step = step;
	l->inflight++;
	if (step != L_OPENING && step != L_ONLINING)
		l->online = 0;
	watch_host();
	return ERROR_SUCCESS;
}

/* A step that stops something (offline, terminate, close) and could not be
 * sent although the host runs (out of memory here): kill the host, since what
 * it runs must not stay up unseen; on_host_exited() applies the policy. */
static void stop_step(struct lres *l, const struct cs_resource *r, enum lstep step)
{
	if (start_step(l, r, step) != ERROR_SUCCESS && hostclient_running(hc)) {
		log_err("resource %s: cannot stop it through the resource host: killing the host",
			l->name);
		hostclient_kill(hc);
	}
}

static void handle_failure(struct lres *l, const struct cs_resource *r);

static void bring_online(struct lres *l, const struct cs_resource *r)
{
	uint32_t rc;

	l->failed = 0;
	send_state(l, r, ClusterResourceOnlinePending);
	if (!l->opened) {
		l->want_online_after_open = 1;
		rc = start_step(l, r, L_OPENING);
	} else {
		rc = start_step(l, r, L_ONLINING);
	}
	if (rc != ERROR_SUCCESS)
		handle_failure(l, r);
}

/* Failure policy for a resource of a group this node owns. */
static void handle_failure(struct lres *l, const struct cs_resource *r)
{
	const struct cs_group *g = model_group(&csd->model, r->group);
	uint64_t now = loop_now_ms();

	l->failed = 1;
	send_state(l, r, ClusterResourceFailed);
	if (!g || g->owner != csd->local_id || !r->persistent || g->hold || !csd->quorate)
		return; /* held by the policy, or no quorum: nothing more is tried */
	if (now - l->restart_window > r->restart_period) {
		l->restart_window = now;
		l->restarts = 0;
	}
	if (r->restart_action != ClusterResourceDontRestart && l->restarts < r->restart_threshold) {
		l->restarts++;
		l->restart_pending = 1;
		log_notice("resource %s failed: restart %u of %u", r->name, l->restarts,
			   r->restart_threshold);
		return;
	}
	if (r->restart_action == ClusterResourceRestartNotify) {
		uint64_t wall = (uint64_t)time(NULL);
		uint32_t count = 0, limit = 0;
		uint32_t target = model_choose_node(&csd->model, g, csd->members, csd->n_members,
						    csd->local_id);
		if (target && !model_failover_allowed(&csd->model, g, wall, &count, &limit)) {
			struct cs_args a = { .name = g->name, .state = CS_HOLD_FAILOVERS,
					     .has_state = 1 };
			log_warn("resource %s failed past its threshold, but group %s failed over %u "
				 "time(s) within %u h (FailoverThreshold %u): it stays Failed here "
				 "until an administrator brings it online or moves it", r->name,
				 g->name, count, g->failover_period, limit);
			repl_send_op(MOP_GROUP_HOLD, &a, 0);
			return;
		}
		if (target) {
			struct cs_args a = { .name = g->name, .node_id = target, .has_node_id = 1,
					     .failover = (uint32_t)wall, .has_failover = 1 };
			log_notice("resource %s failed past its threshold: group %s fails over to %s",
				   r->name, g->name, model_node_name(&csd->model, target));
			repl_send_op(MOP_GROUP_MOVING, &a, 0);
			l->restarts = 0;
			return;
		}
	}
	log_warn("resource %s failed and stays failed", r->name);
}

static int all_deps_online(const struct cs_resource *r)
{
	for (size_t i = 0; i < r->deps.n; i++) {
		const struct cs_resource *d = model_resource(&csd->model, r->deps.v[i]);
		if (!d || d->state != ClusterResourceOnline)
			return 0;
	}
	return 1;
}

static int dependents_down(const struct cs_resource *r)
{
	for (size_t i = 0; i < csd->model.n_resources; i++) {
		const struct cs_resource *d = csd->model.resources[i];
		if (strv_contains(&d->deps, r->name) && d->state != ClusterResourceOffline &&
		    d->state != ClusterResourceFailed)
			return 0;
	}
	return 1;
}

static void reconcile_group(struct cs_group *g)
{
	struct cs_resource **order = NULL;
	size_t n = 0;
	int moving = g->moving_to != 0 && g->moving_to != csd->local_id;
	int all_down = 1;

	if (model_group_order(&csd->model, g, &order, &n) != ERROR_SUCCESS)
		return;
	/* offline pass, dependents first */
	for (size_t i = n; i-- > 0;) {
		struct cs_resource *r = order[i];
		struct lres *l = lres_find(r);
		int want = r->persistent && !moving;
		if (r->state != ClusterResourceOffline && r->state != ClusterResourceFailed)
			all_down = 0;
		if (want || (l && !step_free(l)))
			continue;
		if (r->state == ClusterResourceOnline && dependents_down(r) && l) {
			send_state(l, r, ClusterResourceOfflinePending);
			stop_step(l, r, L_OFFLINING);
		} else if (r->state == ClusterResourceFailed && l && l->opened && moving) {
			stop_step(l, r, L_TERMINATING);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct lres *l = lres_find(order[i]);
		if (l && l->cleanup)
			all_down = 0; /* not before what a dead host left is stopped */
	}
	if (moving) {
		if (all_down && !g->placing) {
			struct cs_args a = { .name = g->name, .node_id = g->moving_to, .has_node_id = 1 };
			log_notice("group %s is offline here: handing it to %s", g->name,
				   model_node_name(&csd->model, g->moving_to));
			if (repl_send_op(MOP_GROUP_OWNER, &a, 0) == ERROR_SUCCESS)
				g->placing = 1;
		}
		cs_free(order);
		return;
	}
	/* failed from outside (FailClusterResource) after the model showed it
	 * Online, while it runs here: the failure policy, as for a failed
	 * health check */
	for (size_t i = 0; i < n; i++) {
		struct cs_resource *r = order[i];
		struct lres *l = lres_find(r);
		if (l && l->online && r->state == ClusterResourceOnline)
			l->online = 2;
		if (l && l->online == 2 && step_free(l) && r->state == ClusterResourceFailed) {
			log_notice("resource %s was failed on request", r->name);
			stop_step(l, r, L_TERMINATING);
			handle_failure(l, r);
		}
	}
	/* online pass, dependencies first (none while the policy holds it) */
	for (size_t i = 0; i < n && !g->hold; i++) {
		struct cs_resource *r = order[i];
		struct lres *l;
		if (!r->persistent || !all_deps_online(r))
			continue;
		l = lres_find(r);
		if (l && !step_free(l))
			continue;
		if (r->state == ClusterResourceOffline ||
		    (r->state == ClusterResourceFailed && l && l->restart_pending)) {
			if (!(l = lres_get(r)))
				continue;
			l->restart_pending = 0;
			bring_online(l, r);
		}
	}
	cs_free(order);
}

/* Free the records of resources that are not this node's to run any more
 * (deleted, or their group owned elsewhere) and that the host has closed (or
 * never opened), with no step request out: nothing is left to undo for them.
 * A record the host still has goes on through terminate and close (the loop
 * in rm_reconcile() above the call) and is freed after the close completes. */
static void lres_prune(void)
{
	struct lres **lp = &lres_list;

	while (*lp) {
		struct lres *l = *lp;
		const struct cs_resource *r;
		if (l->opened || l->cleanup || l->step != L_IDLE || l->inflight ||
		    ((r = lres_model(l)) && owned_here(r))) {
			lp = &l->next;
			continue;
		}
		*lp = l->next;
		lres_free(l);
	}
}

void rm_reconcile(void)
{
	/* nothing can start while the host is down (restart_host() calls us
	 * again): a step tried now would fail and burn a restart */
	if (stopping || !csd->synced || !hostclient_running(hc))
		return;
	/* what a dead host left behind: open it again, then terminate it */
	for (struct lres *l = lres_list; l; l = l->next) {
		const struct cs_resource *r = lres_model(l);
		if (!l->cleanup || !step_free(l))
			continue;
		if (!l->opened && r) {
			l->want_online_after_open = 0;
			if (start_step(l, r, L_OPENING) != ERROR_SUCCESS)
				l->cleanup = 0; /* cannot: logged; nothing more to do */
		} else if (l->opened) {
			stop_step(l, r, L_TERMINATING);
		} else {
			l->cleanup = 0; /* deleted: nothing to open it with */
		}
	}
	if (may_start()) {
		for (size_t i = 0; i < csd->model.n_groups; i++) {
			struct cs_group *g = csd->model.groups[i];
			if (g->owner == csd->local_id)
				reconcile_group(g);
		}
	}
	/* private properties changed: tell the plugin of an open resource */
	for (struct lres *l = lres_list; l; l = l->next) {
		const struct cs_resource *r = lres_model(l);
		if (!r || !l->opened || l->priv_gen == r->priv_gen || !r->priv_size)
			continue;
		struct cookie *k = cookie_new(0);
		if (k && hostclient_control(hc, l->id, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES,
					    r->priv, r->priv_size, 0, 0, k, NULL) == ERROR_SUCCESS)
			l->priv_gen = r->priv_gen;
		else
			cookie_free(k);
	}
	/* what runs here but belongs elsewhere (or to nobody) is stopped */
	for (struct lres *l = lres_list; l; l = l->next) {
		const struct cs_resource *r = lres_model(l);
		const struct cs_group *g = r ? model_group(&csd->model, r->group) : NULL;
		if (l->opened && l->step == L_IDLE && (!g || g->owner != csd->local_id)) {
			l->online = 0;
			l->want_online_after_open = 0;
			stop_step(l, r, L_TERMINATING);
		}
	}
	/* Not while the host is down (returned above): its death is reported
	 * per record (lost) to on_host_exited(), which runs before the host is
	 * restarted and this is reached again. */
	lres_prune();
	watch_host();
}

void rm_quorum_lost(void)
{
	size_t n = 0;

	for (struct lres *l = lres_list; l; l = l->next) {
		l->want_online_after_open = 0; /* an open in flight goes no further */
		l->restart_pending = 0;
		if (!l->opened)
			continue;
		l->online = 0;
		stop_step(l, NULL, L_TERMINATING);
		n++;
	}
	if (n)
		log_warn("no quorum: every resource on this node was terminated (%zu)", n);
	watch_host();
}

int rm_may_run(void)
{
	return may_run_for(0);
}

void rm_lease(uint64_t until)
{
	int had = may_start();

	if (until <= lease_until)
		return;
	lease_until = until;
	if (hostclient_running(hc) && hostclient_lease(hc, until, NULL) != ERROR_SUCCESS)
		log_warn("cannot renew the resource host's lease");
	watch_host();
	if (!had && may_start())
		rm_reconcile(); /* starts that waited for it */
}

/* ---- host callbacks ---- */

static void on_completed(hostclient *h, const struct hostclient_result *res, void *ud)
{
	struct cookie *k = res->cookie;
	struct lres *l;
	const struct cs_resource *r;

	(void)h;
	(void)ud;
	if (!k)
		return;
	if (k->done) {
		if (res->status == ERROR_RESOURCE_CALL_TIMED_OUT && !stopping) {
			log_err("a control call into the resource host hung: killing the host");
			hostclient_kill(hc);
		}
		k->done(k->ctx, res->status, res->out, res->bytes_returned, res->out_len);
		cookie_free(k);
		return;
	}
	l = lres_by_id(k->res_id);
	cookie_free(k);
	if (l && l->inflight)
		l->inflight--;
	if (!l || stopping)
		return;
	r = lres_model(l);
	if (res->status == ERROR_RESOURCE_CALL_TIMED_OUT && res->request_type != HOSTPROTO_ONLINE &&
	    hostclient_running(hc)) {
		/* the host may still finish it, or never: what it holds of this
		 * resource is unknown, so it goes (its resources are cleaned up in
		 * the next one); an ONLINE that hangs is handled below */
		log_err("resource %s: %s did not finish in time in the resource host: killing the "
			"host", l->name, hostproto_type_name(res->request_type));
		l->lost = 1;
		hostclient_kill(hc);
	}
	switch (res->request_type) {
	case HOSTPROTO_OPEN:
		if (l->step == L_OPENING)
			l->step = L_IDLE;
		if (res->status == ERROR_SUCCESS) {
			l->opened = 1;
			if (l->want_online_after_open && r && may_start()) {
				l->want_online_after_open = 0;
				if (start_step(l, r, L_ONLINING) != ERROR_SUCCESS)
					handle_failure(l, r);
			} else if (r) {
				/* not to be started (quorum or lease went meanwhile,
				 * or opened only to be cleaned up): a start it was
				 * pending for is off; the reconciler starts it again
				 * once it may */
				l->want_online_after_open = 0;
				if (r->state == ClusterResourceOnlinePending && !l->cleanup)
					send_state(l, r, ClusterResourceOffline);
			}
		} else if (r && !hostclient_running(hc)) {
			l->lost = 1; /* counted once, with the host's other resources */
		} else if (r) {
			log_err("resource %s: open failed: %s", l->name, cluster_strerror(res->status));
			handle_failure(l, r);
		}
		break;
	case HOSTPROTO_ONLINE:
		if (l->step != L_ONLINING)
			break; /* a terminate overtook it (quorum lost): that one reports */
		l->step = L_IDLE;
		if (!r)
			break;
		if (res->status == ERROR_SUCCESS && !csd->quorate) {
			/* it came up as quorum went: never report it, stop it */
			log_warn("resource %s came online without quorum: terminating it", r->name);
			stop_step(l, r, L_TERMINATING);
		} else if (res->status == ERROR_SUCCESS) {
			l->online = 1;
			send_state(l, r, ClusterResourceOnline);
		} else if (res->status == ERROR_NOT_READY) {
			/* the host would not start it: its lease ran out meanwhile.
			 * Not a failure of the resource: it is Offline, and nothing
			 * starts here before the next renewal */
			log_warn("resource %s: the resource host may not start it now (no lease): it "
				 "stays offline", r->name);
			lease_until = 0;
			send_state(l, r, ClusterResourceOffline);
		} else {
			log_err("resource %s: online failed: %s", r->name, cluster_strerror(res->status));
			/* a failure is counted once: where the host died or is
			 * killed for it, on_host_exited() counts it (lost) */
			if (res->status == ERROR_RESOURCE_CALL_TIMED_OUT) {
				log_err("resource host hung: killing it");
				l->lost = 1;
				hostclient_kill(hc);
			} else if (!hostclient_running(hc)) {
				l->lost = 1;
			} else {
				handle_failure(l, r);
			}
		}
		break;
	case HOSTPROTO_OFFLINE:
		if (l->step != L_OFFLINING)
			break; /* a terminate overtook it: that one reports */
		l->step = L_IDLE;
		if (!r)
			break;
		if (res->status == ERROR_SUCCESS) {
			send_state(l, r, ClusterResourceOffline);
		} else {
			log_err("resource %s: offline failed: %s", r->name, cluster_strerror(res->status));
			stop_step(l, r, L_TERMINATING);
			l->failed = 1;
			send_state(l, r, ClusterResourceFailed);
		}
		break;
	case HOSTPROTO_TERMINATE:
		l->step = L_IDLE;
		l->cleanup = 0;
		/* not after a failure: the Failed just sent may not be applied
		 * yet, and an Offline after it would restart it past its policy */
		if (r && !l->failed && r->state != ClusterResourceFailed &&
		    r->state != ClusterResourceOffline)
			send_state(l, r, ClusterResourceOffline);
		if (!r || !owned_here(r))
			stop_step(l, r, L_CLOSING); /* not ours any more: unload it */
		break;
	case HOSTPROTO_CLOSE:
		l->step = L_IDLE;
		l->opened = 0;
		break;
	default:
		l->step = L_IDLE;
	}
	rm_reconcile();
}

static void on_failed(hostclient *h, uint64_t id, uint32_t source, uint32_t status, void *ud)
{
	struct lres *l = lres_by_id(id);
	const struct cs_resource *r;

	(void)h;
	(void)ud;
	if (!l || !(r = lres_model(l)))
		return;
	if (source == HOSTPROTO_FAIL_LEASE) {
		/* the host stopped it by itself (no lease, or the node lost
		 * quorum): not a failure of the resource - it is Offline, and
		 * starts again once this node may run it */
		log_warn("resource %s: terminated by the resource host (no lease or no quorum)",
			 l->name);
		l->online = 0;
		if (r->state != ClusterResourceOffline && r->state != ClusterResourceFailed)
			send_state(l, r, ClusterResourceOffline);
		rm_reconcile();
		return;
	}
	log_warn("resource %s: health check %u failed: %s", l->name, source, cluster_strerror(status));
	if (r->state == ClusterResourceOnline) {
		stop_step(l, r, L_TERMINATING);
		handle_failure(l, r);
	}
}

static void on_host_log(hostclient *h, uint64_t id, uint32_t level, const char *text, void *ud)
{
	struct lres *l = lres_by_id(id);

	(void)h;
	(void)ud;
	log_msg(level >= LOG_LVL_ERR && level <= LOG_LVL_DEBUG ? (int)level : LOG_LVL_INFO,
		"host%s%s: %s", l ? " " : "", l ? l->name : "", text);
}

static void restart_host(void *data)
{
	(void)data;
	restart_timer = NULL;
	restart_due = 0;
	if (stopping || hostclient_running(hc))
		return;
	if (hostclient_start(hc) != ERROR_SUCCESS)
		log_err("cannot restart the resource host");
	else if (lease_until > loop_now_ms() && hostclient_lease(hc, lease_until, NULL) != ERROR_SUCCESS)
		log_warn("cannot give the new resource host its lease");
	watch_host();
	rm_reconcile();
}

static void on_host_exited(hostclient *h, const struct hostclient_exit *info, void *ud)
{
	(void)ud;
	if (host_fd >= 0)
		loop_del_fd(csd->loop, host_fd);
	host_fd = -1;
	if (stopping)
		return;
	log_err("resource host %d exited (reason %d, status 0x%x): restarting it", (int)info->pid,
		(int)info->reason, info->wait_status);
	for (struct lres *l = lres_list; l; l = l->next) {
		const struct cs_resource *r = lres_model(l);
		int was_up = r && (l->lost || r->state == ClusterResourceOnline ||
				   r->state == ClusterResourceOnlinePending ||
				   r->state == ClusterResourceOfflinePending);
		l->lost = 0;
		if (l->opened)
			l->cleanup = 1; /* its effects may outlive the host */
		l->opened = 0;
		l->online = 0;
		l->step = L_IDLE;
		l->want_online_after_open = 0;
		if (was_up)
			handle_failure(l, r);
	}
	/* restart at once the first time, then back off (100 ms doubling to 5 s)
	 * so that a host that cannot start does not spin */
	uint64_t now = loop_now_ms(), delay = 0;
	if (now - last_restart < 10000)
		quick_restarts++;
	else
		quick_restarts = 0;
	last_restart = now;
	if (quick_restarts)
		delay = quick_restarts > 6 ? 5000 : 100u << (quick_restarts - 1);
	(void)h;
	restart_due = now + delay;
	/* the timer restarts it on time; if it cannot be had, on_rm_tick() does */
	if (!restart_timer)
		restart_timer = loop_timer_add(csd->loop, delay, restart_host, NULL);
}

static void on_host_io(void *data, uint32_t events)
{
	(void)data;
	(void)events;
	hostclient_dispatch(hc);
	watch_host();
}

static void on_rm_tick(void *data)
{
	(void)data;
	hostclient_reap(hc);
	hostclient_check_timeouts(hc, hostclient_now_ms());
	if (restart_due && !restart_timer && loop_now_ms() >= restart_due)
		restart_host(NULL);
	watch_host();
}

void rm_sigchld(void)
{
	if (hc)
		hostclient_reap(hc);
}

int rm_loaded(const struct cs_resource *r)
{
	struct lres *l = r ? lres_find(r) : NULL;

	return l && l->opened;
}

uint32_t rm_control(const struct cs_resource *r, const char *type, uint32_t code,
		    const void *in, size_t in_size, uint32_t out_size, rm_control_done_fn done,
		    void *ctx)
{
	struct lres *l = r ? lres_find(r) : NULL;
	struct cookie *k;
	uint32_t rc;

	if (r && (!l || !l->opened))
		return ERROR_INVALID_FUNCTION; /* not loaded here: clusterd answers */
	if (!(k = cookie_new(l ? l->id : 0)))
		return ERROR_NOT_ENOUGH_MEMORY;
	k->done = done;
	k->ctx = ctx;
	if (r)
		rc = hostclient_control(hc, l->id, code, in, in_size, out_size, CONTROL_TIMEOUT_MS, k,
					NULL);
	else
		rc = hostclient_type_control(hc, type, code, in, in_size, out_size,
					     CONTROL_TIMEOUT_MS, k, NULL);
	if (rc != ERROR_SUCCESS) {
		cookie_free(k);
		return rc;
	}
	watch_host();
	return ERROR_IO_PENDING;
}

uint32_t rm_start(void)
{
	struct hostclient_config cfg = {
		.host_path = csd->cfg.host_path,
		.plugin_dir = csd->cfg.plugin_dir,
		.verbose = csd->cfg.log_level >= LOG_LVL_DEBUG,
		.lease = true,
		.quorum = true,
	};
	struct hostclient_callbacks cb = {
		.completed = on_completed,
		.resource_failed = on_failed,
		.log = on_host_log,
		.host_exited = on_host_exited,
	};
	uint32_t rc;

	rc = hostclient_new(&cfg, &cb, NULL, &hc);
	if (rc != ERROR_SUCCESS) {
		log_err("cannot set up the resource host client: %s", cluster_strerror(rc));
		return rc;
	}
	rc = hostclient_start(hc);
	if (rc != ERROR_SUCCESS) {
		log_err("cannot start the resource host: %s", cluster_strerror(rc));
		return rc;
	}
	host_fd = hostclient_fd(hc);
	if (loop_add_fd(csd->loop, host_fd, EPOLLIN, on_host_io, NULL) < 0) {
		log_err("cannot watch the resource host");
		return ERROR_GEN_FAILURE;
	}
	rm_tick = loop_timer_every(csd->loop, 50, on_rm_tick, NULL);
	return rm_tick ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

void rm_stop(void)
{
	stopping = 1;
	if (rm_tick)
		loop_timer_cancel(csd->loop, rm_tick);
	rm_tick = NULL;
	if (restart_timer)
		loop_timer_cancel(csd->loop, restart_timer);
	restart_timer = NULL;
	if (host_fd >= 0)
		loop_del_fd(csd->loop, host_fd);
	host_fd = -1;
	if (hc)
		hostclient_stop(hc, 5000);
	hostclient_free(hc);
	hc = NULL;
	while (lres_list) {
		struct lres *l = lres_list;
		lres_list = l->next;
		lres_free(l);
	}
}
