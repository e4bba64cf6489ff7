/*
 * repl.c - clusterd on corosync: membership (CPG), quorum (votequorum),
 * the node list (cmap), and the replicated database.
 *
 * Replication: every change is a MSG_OP multicast in CPG's agreed order and
 * applied by every member when delivered (the sender included), then written
 * to SQLite before the sender's client is answered.
 *
 * State transfer, after every configuration change (the idea of Proxmox's
 * dfsm): each member multicasts MSG_STATE with its database version; once
 * every member's state has been delivered, all of them know the leader (the
 * highest version, then the lowest node id), which multicasts MSG_SNAPSHOT;
 * every member loads it and the view is synced.  Messages that this node
 * wants to send meanwhile are queued and sent after.
 *
 * Versions: a cluster runs one protocol (WIRE_VERSION).  A STATE from
 * a member speaking another one takes that member out of this view for
 * this node (its messages are dropped, it is not waited for, placed on or
 * routed to), logged naming both versions; and a node that has not yet
 * synced refuses to join a cluster whose established members speak another
 * protocol (or, among nodes all starting, a newer one): it logs why and
 * exits, rather than take or give a database it cannot read.
 *
 * Placement: the coordinator (lowest node id of the view) decides group
 * owners (MOP_GROUP_OWNER) when the view is synced and quorate: groups that
 * want to be online and have no owner, or whose owner left - the latter
 * only once the owner has surely stopped them (gone_wait()).
 *
 * Quorum is confirmed for the membership this node is in NOW, never taken
 * from the previous one: corosync delivers CPG's configuration change before
 * votequorum's verdict on it.  A CPG change that says a node went down or
 * came up, and every totem ring change, make the verdict unknown
 * (csd->quorum_pending); it is known again when votequorum's node list
 * names the ring CPG last reported and its quorum notification follows.
 * Until then nothing is placed, started or changed.
 *
 * A change (a config op, or a decision: owner, move, pause) carries its
 * sender's quorum stamp (wire.h) and is applied only where it is delivered in
 * the ring it was stamped in, by a quorate sender: every member decides the
 * same, and a minority's change is refused on every node that sees it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <corosync/cmap.h>
#include <corosync/cpg.h>
#include <corosync/votequorum.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "cs_hostnotice.h"
#include "log.h"
#include "wire.h"

#define CPG_GROUP "cluster-server"

static struct repl_hooks hooks;
static cpg_handle_t cpg;
static votequorum_handle_t vq;
static int cpg_open, vq_open, cpg_joined;    /* what repl_stop() must undo */
static int cpg_fd = -1, vq_fd = -1;
/* The resource hosts' group (cs_hostnotice.h), joined to listen: optional;
 * without it a lost clusterd's groups wait the whole lease. */
static cpg_handle_t hosts_cpg;
static int hosts_open, hosts_joined, hosts_fd = -1;

struct queued {
	struct queued *next;
	size_t len;
	uint8_t data[];
};
static struct queued *queue_head, **queue_tail = &queue_head;
static size_t queue_bytes;          /* held while a view syncs: at most held_max() */
#define HELD_MAX (64u << 20)
/* A state transfer not done this long after it began is begun again. */
#define SYNC_RETRY_MS 5000u
static uint64_t sync_began;

/* ---- quorum for the current membership ---- */
static struct cpg_ring_id ring_cpg;     /* the totem ring CPG last reported */
static int ring_cpg_known;
static int ring_pending;                /* CPG said a node went down or came up; its
                                           ring has not been reported yet */
static votequorum_ring_id_t ring_vq;    /* the ring of votequorum's last node list */
static int ring_vq_known;
static int vq_verdict = -1;             /* quorate for ring_vq: 0/1, -1: not yet said */
static int lost_reported;
static struct loop_timer *tick_timer;   /* periodic: the lease renewal */
static uint32_t hold_ms = 300;          /* corosync's token hold (runtime.config.totem.hold) */
static uint32_t token_ms = 3000, consensus_ms = 3600; /* (runtime.config.totem.*) */
static uint64_t last_tick;              /* when the lease timer last ran */
static uint64_t stall_until;            /* after a stall: quorum unconfirmed until then,
                                           or until a new ring is confirmed; 0: none */

/* Nodes that left, and until when their groups may not be placed elsewhere. */
static struct {
	uint32_t id;
	uint32_t pid;           /* the clusterd that left while its node stayed, else 0 */
	uint64_t until;
} gone[CSD_MAX_NODES];
static struct loop_timer *gone_timer;   /* one-shot: placement once a wait is over */
static int place_due;                   /* ... or the housekeeping tick, if none could be had */
static uint64_t quorate_since;          /* when this clusterd first had quorum confirmed */

const char *repl_no_quorum_why(void)
{
	return csd->quorum_pending
		? "the cluster membership is changing (quorum not confirmed yet): try again"
		: "the cluster has no quorum";
}

int repl_is_member(uint32_t id)
{
	for (size_t i = 0; i < csd->n_members; i++)
		if (csd->members[i] == id)
			return 1;
	return 0;
}

uint32_t repl_coordinator(void)
{
	uint32_t low = 0;

	for (size_t i = 0; i < csd->n_members; i++)
		if (!low || csd->members[i] < low)
			low = csd->members[i];
	return low;
}

/* One attempt: CS_OK, CS_ERR_TRY_AGAIN (corosync busy: flow control or a
 * membership change in progress), or another error. */
static cs_error_t mcast_once(const struct queued *q)
{
	struct iovec iov = { .iov_base = (void *)q->data, .iov_len = q->len };

	return cpg_mcast_joined(cpg, CPG_TYPE_AGREED, &iov, 1);
}

/* Messages corosync asked us to send again later, in order. */
static struct queued *retry_head, **retry_tail = &retry_head;
static struct loop_timer *retry_timer;  /* one-shot, 10 ms: the next retry */
static struct loop_timer *housekeeping; /* periodic: retries if no timer could be had */

static void retry_sends(void *data);
static void place_groups(void);
static void quorum_update(void);
struct pending_ack;
static struct pending_ack *acks;        /* changes of ours a majority has not confirmed */
static void acks_settle(const char *fail);

static void retry_arm(void)
{
	if (!retry_timer)
		retry_timer = loop_timer_add(csd->loop, 10, retry_sends, NULL);
}

static void on_housekeeping(void *data)
{
	(void)data;
	if (retry_head && !retry_timer)
		retry_sends(NULL);
	if (place_due) {
		place_due = 0;
		place_groups();
	}
	if (acks)
		acks_settle(NULL); /* the ones past ACK_MS */
	if (cpg_joined && !csd->synced && loop_now_ms() - sync_began > SYNC_RETRY_MS) {
		/* a lost or unreadable snapshot, a leader that could not make one:
		 * never stay unsynced silently */
		log_warn("the state transfer of this view (%zu of %zu states in) has not completed "
			 "in %u ms: starting it again", csd->n_sync_states, csd->n_members,
			 SYNC_RETRY_MS);
		sync_began = loop_now_ms();
		if (repl_send(MSG_RESYNC, 0, 0, 0, 0, NULL, 0) != ERROR_SUCCESS)
			log_err("cannot ask for a state transfer");
	}
}

/* Send q now, or keep it for a retry if corosync is busy; q is consumed. */
static uint32_t send_or_keep(struct queued *q)
{
	cs_error_t err = CS_ERR_TRY_AGAIN;

	if (!retry_head)
		err = mcast_once(q);
	if (err == CS_OK) {
		cs_free(q);
		return ERROR_SUCCESS;
	}
	if (err == CS_ERR_TRY_AGAIN) {
		q->next = NULL;
		*retry_tail = q;
		retry_tail = &q->next;
		retry_arm();
		return ERROR_SUCCESS;
	}
	log_err("cpg_mcast_joined failed: %d", err);
	cs_free(q);
	return ERROR_HOST_NODE_NOT_AVAILABLE;
}

static void retry_sends(void *data)
{
	(void)data;
	retry_timer = NULL;
	while (retry_head) {
		cs_error_t err = mcast_once(retry_head);
		if (err == CS_ERR_TRY_AGAIN) {
			retry_arm();
			return;
		}
		struct queued *q = retry_head;
		retry_head = q->next;
		if (!retry_head)
			retry_tail = &retry_head;
		if (err != CS_OK)
			log_err("cpg_mcast_joined failed: %d: message dropped", err);
		cs_free(q);
	}
}

/* The cap on messages held while a view syncs: HELD_MAX, or for tests
 * (fault injection CS_FAULT_HELD_MAX=BYTES, read once) another, so that a
 * test can reach it within one stalled state transfer. */
static size_t held_max(void)
{
	static size_t max;
	const char *e;
	char *end = NULL;
	unsigned long long v;

	if (max)
		return max;
	max = HELD_MAX;
	e = getenv("CS_FAULT_HELD_MAX");
	if (!e)
		return max;
	errno = 0;
	v = strtoull(e, &end, 10);
	if (errno || end == e || *end || v == 0 || v > SIZE_MAX) {
		log_warn("fault injection (CS_FAULT_HELD_MAX): ignoring '%s', not a size in bytes", e);
		return max;
	}
	max = (size_t)v;
	log_warn("fault injection (CS_FAULT_HELD_MAX): at most %zu bytes of messages held while "
		 "a view syncs", max);
	return max;
}

uint32_t repl_send(uint16_t type, uint16_t op, uint32_t dest, uint32_t req_id,
		      uint32_t status, const void *payload, size_t len)
{
	struct queued *q;
	uint8_t *msg;

	if (len > WIRE_MAX_PAYLOAD)
		return ERROR_INVALID_PARAMETER;
	q = cs_malloc(sizeof(*q) + WIRE_HEADER + len);
	if (!q)
		return ERROR_NOT_ENOUGH_MEMORY;
	msg = q->data;
	if (type == MSG_OP) /* applied only in this ring, and only if quorate now */
		status = (csd->quorate ? WIRE_STAMP_QUORATE : 0u) |
			 ((uint32_t)ring_cpg.seq & WIRE_STAMP_RING);
	wire_encode_hdr(msg, &(struct wire_hdr){ .type = type, .op = op, .from = csd->local_id,
						 .dest = dest, .req_id = req_id, .status = status,
						 .len = (uint32_t)len, .version = WIRE_VERSION });
	if (len)
		memcpy(msg + WIRE_HEADER, payload, len);
	q->len = WIRE_HEADER + len;
	q->next = NULL;

	if (!csd->synced && type != MSG_STATE && type != MSG_SNAPSHOT && type != MSG_RESYNC) {
		/* held until the state transfer of this view is over - within a bound */
		if (queue_bytes + q->len > held_max()) {
			cs_free(q);
			log_warn("the cluster view has not synced and %zu bytes of messages wait: "
				 "refusing more", queue_bytes);
			return ERROR_NOT_READY;
		}
		queue_bytes += q->len;
		*queue_tail = q;
		queue_tail = &q->next;
		return ERROR_SUCCESS;
	}
	return send_or_keep(q);
}

static void flush_queue(void)
{
	while (queue_head && csd->synced) {
		struct queued *q = queue_head;
		queue_head = q->next;
		if (!queue_head)
			queue_tail = &queue_head;
		queue_bytes -= q->len;
		send_or_keep(q);
	}
}

uint32_t repl_send_op(uint32_t op, const struct cs_args *a, uint32_t req_id)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	rc = cs_args_encode(&b, a);
	if (rc == ERROR_SUCCESS)
		rc = repl_send(MSG_OP, (uint16_t)op, 0, req_id, 0, clusprop_builder_data(&b),
				  clusprop_builder_size(&b));
	clusprop_builder_free(&b);
	return rc;
}

/* ---- placement (coordinator only) ---- */

/*
 * How long after seeing node `id` leave its groups may start elsewhere: until
 * it has surely terminated them (csd.h, doc/quorum.md).  A node lost from
 * the ring (CPG_REASON_NODEDOWN) learns it lost quorum from its own corosync
 * at about the time we learn it left (CSD_SKEW_MS) and terminates at once; a
 * clusterd that exited or left while its node's corosync runs on gives no
 * such news to its node: its host stops everything when clusterd's socket
 * closes, or at the latest when the lease clusterd last renewed runs out.
 */
static uint64_t gone_wait_ms(int nodedown)
{
	if (nodedown)
		return hold_ms + CSD_SKEW_MS + CSD_TERM_MS + CSD_MARGIN_MS;
	return CSD_LEASE_MS + CSD_TERM_MS + CSD_MARGIN_MS;
}

static void gone_set(uint32_t id, uint64_t until)
{
	size_t free_slot = CSD_MAX_NODES;

	for (size_t i = 0; i < CSD_MAX_NODES; i++) {
		if (gone[i].id == id) {
			gone[i].until = until;
			gone[i].pid = 0;
			return;
		}
		if (!gone[i].id && free_slot == CSD_MAX_NODES)
			free_slot = i;
	}
	if (free_slot == CSD_MAX_NODES) { /* full: forget the oldest wait */
		free_slot = 0;
		for (size_t i = 1; i < CSD_MAX_NODES; i++)
			if (gone[i].until < gone[free_slot].until)
				free_slot = i;
	}
	gone[free_slot].id = id;
	gone[free_slot].pid = 0;
	gone[free_slot].until = until;
}

/* When node id's groups may be placed elsewhere.  A node this one never saw
 * leave (it left before this one joined) counts as gone now, with the full
 * wait: nothing says when it last ran them. */
static uint64_t gone_until(uint32_t id)
{
	for (size_t i = 0; i < CSD_MAX_NODES; i++)
		if (gone[i].id == id)
			return gone[i].until;
	uint64_t until = loop_now_ms() + gone_wait_ms(0);
	gone_set(id, until);
	return until;
}

static void on_gone_timer(void *data)
{
	(void)data;
	gone_timer = NULL;
	place_groups();
}

/* Planned moves the coordinator sent for failback, not yet applied: none is
 * sent twice within this long. */
#define FAILBACK_RESEND_MS 5000u

/*
 * A lost owner's group (its wait is over): placed on the best node that can
 * take it - counted as a failover - unless its failover threshold is reached:
 * then it is held Failed, owned by no node, until an administrator acts.
 */
static void fail_over(struct cs_model *m, struct cs_group *g)
{
	uint64_t wall = (uint64_t)time(NULL);
	uint32_t count = 0, limit = 0, target;
	int wanted = model_group_wanted(m, g);

	if (wanted && !model_failover_allowed(m, g, wall, &count, &limit)) {
		struct cs_args a = { .name = g->name, .state = CS_HOLD_FAILOVERS, .has_state = 1,
				     .node_id = 0, .has_node_id = 1 };
		log_warn("group %s: its owner %s is gone, but it failed over %u time(s) within %u h "
			 "(FailoverThreshold %u): it stays Failed until an administrator brings "
			 "it online or moves it", g->name, model_node_name(m, g->owner), count,
			 g->failover_period, limit);
		if (repl_send_op(MOP_GROUP_HOLD, &a, 0) == ERROR_SUCCESS)
			g->placing = 1;
		return;
	}
	target = model_choose_node(m, g, csd->members, csd->n_members, 0);
	if (!target)
		log_warn("group %s: owner %s is gone and no node can take it", g->name,
			 model_node_name(m, g->owner));
	struct cs_args a = { .name = g->name, .node_id = target, .has_node_id = 1,
			     .failover = (uint32_t)wall, .has_failover = wanted && target };
	log_notice("group %s: its owner %s is gone: placing it on %s%s", g->name,
		   model_node_name(m, g->owner), target ? model_node_name(m, target) : "(none)",
		   wanted && target ? " (a failover)" : "");
	if (repl_send_op(MOP_GROUP_OWNER, &a, 0) == ERROR_SUCCESS)
		g->placing = 1;
}

/* Whether an ownerless group should wait for its first preferred owner: only
 * while this node has had quorum less than CS_COLD_START_WAIT_MS (a cold
 * start of the cluster, when that node's clusterd may simply be slower). */
static uint64_t cold_wait_until(const struct cs_model *m, const struct cs_group *g)
{
	const struct cs_node *n;

	if (!g->preferred.n || !quorate_since ||
	    !(n = model_node(m, g->preferred.v[0])) || repl_is_member(n->id))
		return 0;
	return quorate_since + CS_COLD_START_WAIT_MS;
}

static void place_groups(void)
{
	struct cs_model *m = &csd->model;
	uint64_t now = loop_now_ms(), next = 0;
	time_t wall = time(NULL);

	if (!csd->synced || !csd->quorate || repl_coordinator() != csd->local_id)
		return;
	for (size_t i = 0; i < m->n_groups; i++) {
		struct cs_group *g = m->groups[i];
		uint32_t target;
		if (g->placing || g->hold)
			continue;
		if (g->owner && repl_is_member(g->owner)) {
			/* failback: home again, when allowed */
			if (g->state != ClusterGroupOnline ||
			    (g->failback_sent && now - g->failback_sent < FAILBACK_RESEND_MS) ||
			    !(target = model_failback_target(m, g, csd->members, csd->n_members, wall)))
				continue;
			struct cs_args a = { .name = g->name, .node_id = target, .has_node_id = 1 };
			log_notice("group %s: failing back from %s to its preferred owner %s", g->name,
				   model_node_name(m, g->owner), model_node_name(m, target));
			if (repl_send_op(MOP_GROUP_MOVING, &a, 0) == ERROR_SUCCESS)
				g->failback_sent = now;
			continue;
		}
		if (g->owner) {
			uint64_t until = gone_until(g->owner);
			if (now < until) {
				/* its old owner may still be stopping it */
				if (!next || until < next)
					next = until;
				continue;
			}
			fail_over(m, g);
			continue;
		}
		if (!model_group_wanted(m, g))
			continue;
		uint64_t cold = cold_wait_until(m, g);
		if (now < cold) {
			if (!next || cold < next)
				next = cold;
			continue;
		}
		target = model_choose_node(m, g, csd->members, csd->n_members, 0);
		if (!target)
			continue;
		struct cs_args a = { .name = g->name, .node_id = target, .has_node_id = 1 };
		log_notice("placing group %s on %s", g->name, model_node_name(m, target));
		if (repl_send_op(MOP_GROUP_OWNER, &a, 0) == ERROR_SUCCESS)
			g->placing = 1;
	}
	if (next && !gone_timer) {
		log_info("group placement waits %" PRIu64 " ms (a lost node's resources to stop, or "
			 "a preferred owner at a cold start)", next - now);
		gone_timer = loop_timer_add(csd->loop, next - now, on_gone_timer, NULL);
		place_due = !gone_timer; /* no timer: the housekeeping tick places them */
	}
}

static void after_change(void)
{
	place_groups();
	hooks.changed();
}

/* ---- delivery ---- */

/*
 * The leader of a state transfer.  Copies that must not lead
 * (SYNC_DISTRUSTED: failed their digest, were moved aside, diverged) are
 * passed over while another exists.  Then: the copy synced in the latest
 * quorate view (epoch) - a node that was away cannot outrank those that
 * stayed by a version number alone -; then the newest (version); then one
 * whose runtime state is live (established and quorate, then established);
 * then the lowest node id.  Every member computes the same from the same
 * STATEs.
 */
static size_t sync_leader_index(void)
{
	size_t best = SIZE_MAX;
	int any_trusted = 0;

	for (size_t i = 0; i < csd->n_sync_states; i++)
		if (!(csd->sync[i].st.flags & SYNC_DISTRUSTED))
			any_trusted = 1;
	for (size_t i = 0; i < csd->n_sync_states; i++) {
		const struct wire_state *a = &csd->sync[i].st;
		if (any_trusted && (a->flags & SYNC_DISTRUSTED))
			continue;
		if (best == SIZE_MAX) {
			best = i;
			continue;
		}
		const struct wire_state *b = &csd->sync[best].st;
		uint32_t ra = (a->flags & SYNC_ESTABLISHED) ? ((a->flags & SYNC_QUORATE) ? 2u : 1u) : 0u;
		uint32_t rb = (b->flags & SYNC_ESTABLISHED) ? ((b->flags & SYNC_QUORATE) ? 2u : 1u) : 0u;
		int better = a->epoch != b->epoch ? a->epoch > b->epoch :
			     a->version != b->version ? a->version > b->version :
			     ra != rb ? ra > rb : csd->sync[i].id < csd->sync[best].id;
		if (better)
			best = i;
	}
	return best;
}

static uint32_t sync_leader(void)
{
	size_t i = sync_leader_index();

	return i == SIZE_MAX ? 0 : csd->sync[i].id;
}

/* The view is synced: this copy is now the leader's, of its epoch - one
 * more if this view is a majority of the configured nodes (it could make
 * changes the others have not seen). */
static void sync_done(void)
{
	size_t i = sync_leader_index();
	uint64_t epoch = i == SIZE_MAX ? csd->epoch : csd->sync[i].st.epoch;
	uint32_t rc;

	if (csd->n_members * 2 > csd->model.n_nodes)
		epoch++;
	if (epoch != csd->epoch) {
		csd->epoch = epoch;
		if ((rc = store_set_epoch(csd->store, epoch)) != ERROR_SUCCESS)
			log_err("cannot record the view's epoch: %s", cluster_strerror(rc));
	}
	if (csd->distrusted && csd->model.cluster_name &&
	    (rc = store_set_cluster(csd->store, csd->model.cluster_name)) != ERROR_SUCCESS)
		log_err("cannot record the cluster's name: %s", cluster_strerror(rc));
	if (csd->distrusted)
		log_notice("this node's database is now the cluster's copy again");
	csd->distrusted = 0;
}

static void sync_check(void)
{
	if (csd->synced || csd->n_sync_states < csd->n_members)
		return;
	if (sync_leader() == csd->local_id) {
		clusprop_builder b;
		uint32_t rc;
		static int skipped;
		const char *fault = getenv("CS_FAULT_SKIP_SNAPSHOT");
		if (fault && (size_t)atoi(fault) == csd->n_members && !skipped) {
			/* fault injection for tests: the snapshot of one state
			 * transfer in a view of that many members is lost, as if
			 * its multicast had failed */
			skipped = 1;
			log_warn("fault injection (CS_FAULT_SKIP_SNAPSHOT): this snapshot is not sent");
			return;
		}
		clusprop_builder_init_owned(&b);
		rc = model_encode_snapshot(&csd->model, &b);
		if (rc != ERROR_SUCCESS)
			log_err("cannot encode the database snapshot: %s", cluster_strerror(rc));
		else if ((rc = repl_send(MSG_SNAPSHOT, 0, 0, 0, 0, clusprop_builder_data(&b),
					 clusprop_builder_size(&b))) != ERROR_SUCCESS)
			log_err("cannot send the database snapshot (%zu bytes): %s",
				clusprop_builder_size(&b), cluster_strerror(rc));
		clusprop_builder_free(&b);
	}
}

static void on_state(uint32_t from, const uint8_t *p, size_t len)
{
	struct wire_state st;

	if (wire_decode_state(p, len, &st) != ERROR_SUCCESS) {
		log_warn("dropped a malformed STATE from node %u", from);
		return;
	}
	if (csd->synced || !repl_is_member(from))
		return;
	for (size_t i = 0; i < csd->n_sync_states; i++)
		if (csd->sync[i].id == from)
			return;
	csd->sync[csd->n_sync_states].id = from;
	csd->sync[csd->n_sync_states].st = st;
	csd->n_sync_states++;
	sync_check();
}

/* A STATE from a member speaking protocol `wire`, not ours. */
static void on_foreign_state(uint32_t from, uint32_t wire, const uint8_t *p, size_t len)
{
	uint32_t flags = len >= 12 ? cs_le32(p + 8) : 0; /* stable in every version */
	size_t i;

	for (i = 0; i < csd->n_members && csd->members[i] != from; i++)
		;
	if (i == csd->n_members)
		return; /* already out of this view */
	log_err("node %u (%s) runs cluster protocol %u, this clusterd %u: mixed versions do not "
		"run together; run the same release on every node", from,
		model_node_name(&csd->model, from), wire, WIRE_VERSION);
	if (!csd->ever_synced && ((flags & SYNC_ESTABLISHED) || wire > WIRE_VERSION)) {
		log_err("refusing to join: the cluster runs protocol %u", wire);
		csd->exit_code = 1;
		loop_stop(csd->loop);
		return;
	}
	/* out of this view for us: not waited for, placed on, or routed to */
	csd->members[i] = csd->members[--csd->n_members];
	hooks.members_changed();
	sync_check();
}

static void begin_sync(void);
static void ask_digests(void);
static void maybe_diverge(void);

static void on_snapshot(uint32_t from, const uint8_t *p, size_t len)
{
	uint32_t rc;

	if (csd->synced || csd->n_sync_states < csd->n_members || from != sync_leader())
		return;
	if (from != csd->local_id) {
		uint64_t old = csd->model.version;
		rc = model_load(&csd->model, p, len, 1);
		if (rc != ERROR_SUCCESS) {
			log_err("state transfer from node %u failed: %s", from, cluster_strerror(rc));
			return;
		}
		rc = store_replace(csd->store, &csd->model);
		if (rc != ERROR_SUCCESS)
			log_err("cannot persist the transferred database: %s", cluster_strerror(rc));
		if (old != csd->model.version)
			log_notice("database caught up from node %u: version %" PRIu64 " -> %" PRIu64,
				   from, old, csd->model.version);
	}
	sync_done();
	csd->synced = 1;
	csd->ever_synced = 1;
	maybe_diverge();
	log_info("view synced: %zu member(s), leader %u, version %" PRIu64 ", epoch %" PRIu64,
		 csd->n_members, from, csd->model.version, csd->epoch);
	flush_queue();
	after_change();
	ask_digests();
}

/* ---- digest checks: replicas compared, a diverged one resynced ---- */

#define DIGEST_CHECK_MS 60000u

static struct loop_timer *check_timer;   /* periodic: the coordinator asks */
static uint32_t next_check;
static uint64_t check_key;               /* the check collected: sender << 32 | its id */
static uint64_t check_version;
static uint8_t check_mine[CS_DIGEST_SIZE];
static struct {
	uint32_t id;
	uint8_t d[CS_DIGEST_SIZE];
} check_got[CSD_MAX_NODES];
static size_t n_check_got;

/* The coordinator asks every member for its digest (after a state
 * transfer, and every DIGEST_CHECK_MS). */
static void ask_digests(void)
{
	uint32_t rc;

	if (!csd->synced || repl_coordinator() != csd->local_id)
		return;
	if (++next_check == 0)
		next_check = 1;
	if ((rc = repl_send(MSG_DIGEST_CHECK, 0, 0, next_check, 0, NULL, 0)) != ERROR_SUCCESS)
		log_warn("cannot ask for digests: %s", cluster_strerror(rc));
}

static void on_check_timer(void *data)
{
	(void)data;
	ask_digests();
	place_groups(); /* a failback window may have opened */
}

/* Delivered at the same point of the order on every member, so every
 * member digests the same version. */
static void on_digest_check(uint32_t from, uint32_t id)
{
	uint8_t msg[WIRE_DIGEST_SIZE];
	uint32_t rc;

	if (!csd->synced)
		return;
	if ((rc = model_digest(&csd->model, check_mine)) != ERROR_SUCCESS) {
		log_warn("cannot digest the database: %s", cluster_strerror(rc));
		return;
	}
	check_key = (uint64_t)from << 32 | id;
	check_version = csd->model.version;
	n_check_got = 0;
	cs_put_le64(msg, check_version);
	memcpy(msg + 8, check_mine, CS_DIGEST_SIZE);
	if ((rc = repl_send(MSG_DIGEST, 0, from, id, 0, msg, sizeof(msg))) != ERROR_SUCCESS)
		log_warn("cannot send this node's digest: %s", cluster_strerror(rc));
}

/* Every member's digest is in: a copy that differs from a majority's is
 * this node's to fix (it resyncs), or another's (it will). */
static void judge_digests(void)
{
	size_t agree_mine = 0, best = 0, best_n = 0;

	for (size_t i = 0; i < n_check_got; i++) {
		size_t n = 0;
		for (size_t k = 0; k < n_check_got; k++)
			n += !memcmp(check_got[i].d, check_got[k].d, CS_DIGEST_SIZE);
		if (n > best_n) {
			best_n = n;
			best = i;
		}
		if (!memcmp(check_got[i].d, check_mine, CS_DIGEST_SIZE))
			agree_mine++;
	}
	if (agree_mine == n_check_got)
		return; /* all the same */
	if (best_n * 2 <= n_check_got) {
		log_err("the members' copies of the database differ at version %" PRIu64
			" and no majority agrees: cannot tell which is right", check_version);
		return;
	}
	if (memcmp(check_got[best].d, check_mine, CS_DIGEST_SIZE)) {
		log_err("this node's copy of the database DIVERGED from the cluster's at version %"
			PRIu64 " (%zu of %zu members agree on another): taking the cluster's copy",
			check_version, best_n, n_check_got);
		csd->distrusted = 1;
		if (repl_send(MSG_RESYNC, 0, 0, 0, 0, NULL, 0) != ERROR_SUCCESS)
			log_err("cannot ask for a state transfer");
		return;
	}
	for (size_t i = 0; i < n_check_got; i++)
		if (memcmp(check_got[i].d, check_mine, CS_DIGEST_SIZE))
			log_err("node %u's copy of the database diverged at version %" PRIu64
				": it takes the cluster's copy", check_got[i].id, check_version);
}

static void on_digest(uint32_t from, uint32_t dest, uint32_t id, const uint8_t *p, size_t len)
{
	if (len != WIRE_DIGEST_SIZE) {
		log_warn("dropped a malformed digest from node %u", from);
		return;
	}
	if (!csd->synced || ((uint64_t)dest << 32 | id) != check_key || cs_le64(p) != check_version)
		return;
	for (size_t i = 0; i < n_check_got; i++)
		if (check_got[i].id == from)
			return;
	if (n_check_got == CSD_MAX_NODES || !repl_is_member(from))
		return;
	check_got[n_check_got].id = from;
	memcpy(check_got[n_check_got].d, p + 8, CS_DIGEST_SIZE);
	if (++n_check_got == csd->n_members)
		judge_digests();
}

static void on_resync(uint32_t from)
{
	/* also while unsynced: every member restarts at this same point */
	log_notice("node %u asked for a state transfer: syncing the view again", from);
	begin_sync();
}

/* Fault injection for tests (CS_FAULT_DIVERGE=1): after its first state
 * transfer, this node changes one setting of its copy in memory, without
 * an op - the divergence a bug or a flipped bit would cause. */
static void maybe_diverge(void)
{
	static int done;
	const char *e = getenv("CS_FAULT_DIVERGE");

	if (done || !e || strcmp(e, "1") || !csd->model.n_groups)
		return;
	done = 1;
	csd->model.groups[0]->failover_period += 1000;
	log_warn("fault injection (CS_FAULT_DIVERGE): group %s's FailoverPeriod changed in "
		 "memory only", csd->model.groups[0]->name);
}

/*
 * A configuration change is acknowledged to its client only once a majority
 * of the configured nodes have applied and written it (their MSG_APPLIED),
 * not when this node has: corosync delivers a sender's own message to it
 * before the others have it, and a sender cut off in that instant would have
 * told its client "done" about a change the majority never saw (and the
 * majority's copy wins when they meet again).  A change not confirmed within
 * ACK_MS, or by the time this node knows it lost quorum, is answered with
 * ERROR_RETRY: it may or may not have been applied.
 */
#define ACK_MS 10000u

struct pending_ack {
	struct pending_ack *next;
	uint32_t req_id;
	uint64_t version;
	uint64_t since;
	uint32_t by[CSD_MAX_NODES];
	size_t n_by;
};

static size_t acks_needed(void)
{
	size_t n = csd->model.n_nodes;

	return n <= 2 ? 1 : n / 2 + 1; /* two nodes: two_node, one is a quorum */
}

/* Answer every pending change that now has enough confirmations, or (fail
 * set) every one left: ERROR_RETRY with why. */
static void acks_settle(const char *fail)
{
	struct pending_ack **pp = &acks;
	uint64_t now = loop_now_ms();

	while (*pp) {
		struct pending_ack *k = *pp;
		int done = k->n_by >= acks_needed();
		int give_up = fail || now - k->since > ACK_MS;
		if (!done && !give_up) {
			pp = &k->next;
			continue;
		}
		*pp = k->next;
		if (done)
			hooks.op_applied(k->req_id, ERROR_SUCCESS, NULL);
		else
			hooks.op_applied(k->req_id, ERROR_RETRY,
					 fail ? fail : "a majority of the nodes did not confirm the "
					 "change in time: it may or may not have been applied; check "
					 "before you retry");
		cs_free(k);
	}
}

static void on_applied(uint32_t from, const uint8_t *p, size_t len)
{
	uint64_t v;

	if (len != WIRE_APPLIED_SIZE) {
		log_warn("dropped a malformed APPLIED from node %u", from);
		return;
	}
	v = cs_le64(p);
	for (struct pending_ack *k = acks; k; k = k->next) {
		size_t i;
		if (k->version > v)
			continue;
		for (i = 0; i < k->n_by && k->by[i] != from; i++)
			;
		if (i == k->n_by && k->n_by < CSD_MAX_NODES)
			k->by[k->n_by++] = from;
	}
	acks_settle(NULL);
}

/* Our change req_id was applied here as version v: its client waits for the
 * majority (answered at once if no memory is left to wait). */
static void ack_wait(uint32_t req_id, uint64_t v)
{
	struct pending_ack *k = cs_calloc(1, sizeof(*k));

	if (!k) {
		log_warn("out of memory: change %u acknowledged before a majority confirmed it",
			 req_id);
		hooks.op_applied(req_id, ERROR_SUCCESS, NULL);
		return;
	}
	k->req_id = req_id;
	k->version = v;
	k->since = loop_now_ms();
	k->next = acks;
	acks = k;
}

/* Fault injection for tests (CS_FAULT_NO_APPLIED=1, read once). */
static int no_applied_fault(void)
{
	static int v = -1;

	if (v < 0) {
		const char *e = getenv("CS_FAULT_NO_APPLIED");
		v = e && !strcmp(e, "1");
	}
	return v;
}

static void on_op(uint32_t from, uint16_t op, uint32_t req_id, const uint8_t *p, size_t len)
{
	struct cs_args a;
	const char *why = NULL;
	uint32_t rc;

	rc = cs_args_parse(p, len, &a);
	if (rc != ERROR_SUCCESS) {
		log_warn("malformed op %u from node %u dropped: %s", op, from, cluster_strerror(rc));
		if (from == csd->local_id)
			hooks.op_applied(req_id, rc, "malformed request");
		return;
	}
	rc = model_apply(&csd->model, op, &a, &why);
	if (rc == ERROR_NOT_ENOUGH_MEMORY) {
		/* Out of memory half-way through a replicated change: this replica
		 * may now differ from the others.  Fail-stop: exit, and let the
		 * restart catch up by state transfer, rather than run diverged. */
		log_err("out of memory applying op %u: leaving the cluster to resync", op);
		csd->exit_code = 1;
		loop_stop(csd->loop);
	}
	if (rc == ERROR_SUCCESS && op < MOP_CONFIG_MAX) {
		uint32_t src = store_flush(csd->store, &csd->model);
		if (src != ERROR_SUCCESS) {
			log_err("cannot persist the database: %s", cluster_strerror(src));
			rc = src;
			why = "the change is applied in memory but could not be written to disk";
		}
	}
	log_debug("op %u from node %u: %s", op, from, cluster_strerror(rc));
	if (rc == ERROR_SUCCESS && op < MOP_CONFIG_MAX) {
		uint8_t v[WIRE_APPLIED_SIZE];
		cs_put_le64(v, csd->model.version);
		if (no_applied_fault() && from != csd->local_id)
			/* fault injection for tests: this node applies others'
			 * changes without confirming them, as if its confirmations
			 * were lost */
			log_warn("fault injection (CS_FAULT_NO_APPLIED): version %" PRIu64
				 " not confirmed", csd->model.version);
		else if (repl_send(MSG_APPLIED, 0, 0, 0, 0, v, sizeof(v)) != ERROR_SUCCESS)
			log_warn("cannot confirm version %" PRIu64 " to the others", csd->model.version);
		if (from == csd->local_id && req_id)
			ack_wait(req_id, csd->model.version);
	} else if (from == csd->local_id && req_id) {
		hooks.op_applied(req_id, rc, why);
	}
	cs_args_free(&a);
	after_change();
}

/* Ops that change what the cluster is or decides (every config op, an
 * owner, a move, a pause) need a quorate sender; a resource's state is a
 * report of what happened and is always taken. */
static int op_is_decision(uint16_t op)
{
	return op < MOP_CONFIG_MAX || op == MOP_GROUP_OWNER || op == MOP_GROUP_MOVING ||
	       op == MOP_NODE_PAUSE || op == MOP_GROUP_HOLD;
}

/* Whether an op stamped `stamp` by its sender is applied here: every member
 * delivers it in the same ring, so every member answers the same. */
static int stamp_ok(uint32_t stamp)
{
	return (stamp & WIRE_STAMP_QUORATE) && ring_cpg_known &&
	       (stamp & WIRE_STAMP_RING) == ((uint32_t)ring_cpg.seq & WIRE_STAMP_RING);
}

static void refuse_op(uint32_t from, uint16_t op, uint32_t req_id, uint32_t stamp,
		      const uint8_t *p, size_t len)
{
	struct cs_args a;

	log_warn("op %u from node %u refused: %s", op, from,
		 (stamp & WIRE_STAMP_QUORATE) ? "sent before the membership changed"
					      : "its sender had no quorum");
	if (from != csd->local_id)
		return;
	if ((op == MOP_GROUP_OWNER || op == MOP_GROUP_MOVING || op == MOP_GROUP_HOLD) &&
	    cs_args_parse(p, len, &a) == ERROR_SUCCESS) {
		struct cs_group *g = a.name ? model_group(&csd->model, a.name) : NULL;
		if (g)
			g->placing = 0; /* decided again, in this ring */
		cs_args_free(&a);
	}
	if (req_id)
		hooks.op_applied(req_id, ERROR_NOT_READY,
				 (stamp & WIRE_STAMP_QUORATE)
					 ? "the cluster membership changed while the change was "
					   "sent: try again"
					 : "the cluster has no quorum");
	after_change();
}

/*
 * The resource host's lease (csd.h): renewed every CSD_TICK_MS while this
 * clusterd runs and is not known to be without quorum - also while a
 * membership change is being judged, so that a node that keeps quorum keeps
 * its resources through it.  A clusterd that stops, stalls or exits stops
 * renewing, and its host stops everything by itself.  Each renewal first
 * asks this node's corosync whether it is quorate (a local call, no
 * network): a corosync that froze never answers, so clusterd stops renewing
 * too, long before the others declare the node lost (a token timeout).
 */
/*
 * corosync's connections are libqb rings in shared memory (1 MiB of data
 * each, mapped twice): their pages enter this process's page tables one by
 * one as messages first reach each part of a ring, so clusterd's RSS crept
 * up by megabytes over a million routed calls without a byte leaked.  Map
 * them all now (MADV_POPULATE_READ: read-only, the contents untouched):
 * clusterd's RSS is then what it stays, and any growth is real.
 */
static void prefault_rings(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char path[384] = "";
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %383s", &lo, &hi, path) != 3 ||
		    strncmp(path, "/dev/shm/qb-", 12) != 0 || hi <= lo)
			continue;
		if (madvise((void *)lo, hi - lo, MADV_POPULATE_READ) != 0)
			log_debug("prefaulting %s: %s", path, strerror(errno));
	}
	fclose(f);
}

/* corosync's stats map, kept open (srp statistics only: a read of them
 * touches no knet lock); the token counter (stats.srp.orf_token_rx) at the
 * last tick, and when it was first seen at that value (0: not read yet) */
static cmap_handle_t tok_stats;
static int tok_stats_open;
static uint64_t tokens_seen, tokens_since;

/* Read a stats key through tok_stats, opened on first use and again after
 * an error (then the counter's history is lost). */
static cs_error_t stats_get(const char *key, uint64_t *v)
{
	cs_error_t err;

	if (!tok_stats_open &&
	    (err = cmap_initialize_map(&tok_stats, CMAP_MAP_STATS)) != CS_OK)
		return err;
	tok_stats_open = 1;
	if ((err = cmap_get_uint64(tok_stats, key, v)) != CS_OK) {
		cmap_finalize(tok_stats);
		tok_stats_open = 0;
		tokens_since = 0;
	}
	return err;
}

/* Each tick: note the token counter, so that a stall can tell how long at
 * least corosync has been without the token (stalled). */
static void tokens_note(uint64_t now)
{
	uint64_t v;

	if (stats_get("stats.srp.orf_token_rx", &v) != CS_OK)
		return;
	if (!tokens_since || v != tokens_seen) {
		tokens_seen = v;
		tokens_since = now;
	}
}

/*
 * A stall: this clusterd (or the corosync it asked) did not run for `ms`.
 * Whatever corosync said before it may be stale - the others may have formed
 * a ring without this node meanwhile, and this node's corosync notices only
 * when its own timers run again, then needs a consensus round to say so.  So
 * quorum counts as unconfirmed until a new ring is confirmed, or until that
 * long has passed with none (token + consensus + margin): then the old one
 * still stands.
 */
static void stalled(uint64_t ms)
{
	uint64_t now = loop_now_ms(), age = 0, v;

	/* a corosync that has not had the token for `token` forms a new ring
	 * (the others did already): wait for it, however long it takes (a
	 * timed window ran out once before a resumed corosync rejoined, and
	 * the node started a group the majority had moved) */
	if (stats_get("stats.srp.time_since_token_last_received", &age) != CS_OK)
		age = 0;
	/* corosync recomputes that only every 1.5 s, and not while it is
	 * frozen: the counter, unchanged since the tick that first saw it,
	 * says for sure that no token came since then */
	if (tokens_since && stats_get("stats.srp.orf_token_rx", &v) == CS_OK && v == tokens_seen &&
	    now - tokens_since > age)
		age = now - tokens_since;
	if (age >= token_ms) {
		if (stall_until != UINT64_MAX)
			log_warn("clusterd or its corosync stalled for %" PRIu64 " ms, and corosync "
				 "has not had the token for %" PRIu64 " ms: quorum counts as "
				 "unconfirmed until the new ring is", ms, age);
		stall_until = UINT64_MAX;
	} else if (stall_until != UINT64_MAX) {
		log_warn("clusterd or its corosync stalled for %" PRIu64 " ms: quorum counts as "
			 "unconfirmed until a ring is confirmed, or for %u ms", ms,
			 token_ms + consensus_ms + 500u);
		stall_until = now + token_ms + consensus_ms + 500u;
	}
	quorum_update();
}

static void renew_lease(void)
{
	struct votequorum_info info;
	uint64_t t0 = loop_now_ms(), took;
	cs_error_t err;

	if (!cpg_joined || (!csd->quorate && !csd->quorum_pending))
		return;
	err = votequorum_getinfo(vq, csd->local_id, &info);
	if ((took = loop_now_ms() - t0) > CSD_LEASE_MS - CSD_TICK_MS) {
		stalled(took); /* corosync did not answer for that long */
		return;
	}
	if (err != CS_OK || !(info.flags & VOTEQUORUM_INFO_QUORATE))
		return; /* not (or no longer) quorate: the notification follows */
	hooks.lease(loop_now_ms() + CSD_LEASE_MS);
}

static void on_tick_timer(void *data)
{
	uint64_t now = loop_now_ms();

	(void)data;
	if (last_tick && now - last_tick > CSD_LEASE_MS - CSD_TICK_MS)
		stalled(now - last_tick);
	last_tick = now;
	if (stall_until && stall_until != UINT64_MAX && now >= stall_until) {
		log_notice("no membership change followed the stall: quorum stands");
		stall_until = 0;
		quorum_update();
	}
	renew_lease();
	tokens_note(loop_now_ms());
}

static void deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid, uint32_t pid,
		    void *msg, size_t msg_len)
{
	struct wire_hdr hd;
	const uint8_t *p;
	uint32_t len, dest, req_id, status;
	uint16_t type, op;

	(void)h;
	(void)group;
	(void)pid;
	if (wire_decode(msg, msg_len, &hd, &p) != ERROR_SUCCESS) {
		log_warn("dropped a malformed message (%zu bytes) from node %u", msg_len, nodeid);
		return;
	}
	if (hd.version != WIRE_VERSION) {
		if (hd.type == MSG_STATE)
			on_foreign_state(nodeid, hd.version, p, hd.len);
		else
			log_debug("dropped a protocol %u message from node %u", hd.version, nodeid);
		return;
	}
	type = hd.type;
	op = hd.op;
	dest = hd.dest;
	req_id = hd.req_id;
	status = hd.status;
	len = hd.len;
	switch (type) {
	case MSG_STATE:
		on_state(nodeid, p, len);
		break;
	case MSG_SNAPSHOT:
		on_snapshot(nodeid, p, len);
		break;
	case MSG_OP:
		/* Sent in the last view, delivered in this one before its state
		 * transfer.  A runtime op (a resource's state, an owner) is applied
		 * as everywhere else: it precedes its sender's STATE, so the
		 * leader's snapshot includes it, and dropping it would lose the
		 * only report of that state.  A configuration change is refused
		 * (its client is told), never applied to a replica that the
		 * snapshot may replace. */
		if (!csd->synced && op < MOP_CONFIG_MAX) {
			log_warn("op %u from node %u before the view was synced: refused", op, nodeid);
			if (nodeid == csd->local_id)
				hooks.op_applied(req_id, ERROR_NOT_READY,
						 "the cluster view is still being synchronised after "
						 "a membership change: try again");
			break;
		}
		if (op_is_decision(op) && !stamp_ok(status)) {
			refuse_op(nodeid, op, req_id, status, p, len);
			break;
		}
		on_op(nodeid, op, req_id, p, len);
		break;

	case MSG_CONTROL_REQ:
		if (dest == csd->local_id)
			hooks.remote_control(nodeid, op, req_id, p, len);
		break;
	case MSG_CONTROL_REPLY:
		if (dest == csd->local_id)
			hooks.remote_reply(nodeid, req_id, status, p, len);
		break;
	case MSG_DIGEST_CHECK:
		on_digest_check(nodeid, req_id);
		break;
	case MSG_DIGEST:
		on_digest(nodeid, dest, req_id, p, len);
		break;
	case MSG_RESYNC:
		on_resync(nodeid);
		break;
	case MSG_APPLIED:
		on_applied(nodeid, p, len);
		break;
	default:
		log_warn("dropped a message of unknown type %u from node %u", type, nodeid);
	}
}

/* Start a state transfer in this view: every member multicasts its STATE
 * (after a configuration change, or when a member asked for a resync). */
static void begin_sync(void)
{
	uint8_t v[WIRE_STATE_SIZE];
	uint32_t rc;

	csd->synced = 0;
	csd->n_sync_states = 0;
	sync_began = loop_now_ms();
	wire_encode_state(v, &(struct wire_state){
		.version = csd->model.version,
		.epoch = csd->epoch,
		.flags = (csd->ever_synced ? SYNC_ESTABLISHED : 0u) |
			 (csd->ever_synced && csd->quorate ? SYNC_QUORATE : 0u) |
			 (csd->distrusted ? SYNC_DISTRUSTED : 0u) });
	rc = repl_send(MSG_STATE, 0, 0, 0, 0, v, sizeof(v));
	if (rc != ERROR_SUCCESS)
		log_err("cannot send this node's state for the new view: %s", cluster_strerror(rc));
}

/* Host notices (node, clusterd pid) that came before that clusterd's
 * departure: CPG orders the two groups' messages, but not for us. */
static struct {
	uint32_t id, pid;
	uint64_t at;
} early_notice[CSD_MAX_NODES];

/* The wait for gone[i]'s groups ends now: its resource host terminated
 * everything after the clusterd `pid` left (cs_hostnotice.h).  Placement
 * follows at once, or (in a configuration change) when the change is in. */
static void host_stopped(size_t i, uint64_t now, int place)
{
	log_notice("node %u's resource host terminated every resource after its clusterd (pid %u) "
		   "left: its groups may be placed now", gone[i].id, gone[i].pid);
	gone[i].until = now;
	gone[i].pid = 0;
	if (!place)
		return;
	if (gone_timer) {
		loop_timer_cancel(csd->loop, gone_timer); /* the wait is over */
		gone_timer = NULL;
	}
	place_groups();
}

/* clusterd `pid` of node id left while its node stays in the ring: its groups
 * wait for the lease (gone_wait_ms(0)), or until its host's notice. */
static void clusterd_left(uint32_t id, uint32_t pid, uint64_t now)
{
	for (size_t i = 0; i < CSD_MAX_NODES; i++) {
		if (gone[i].id != id)
			continue;
		gone[i].pid = pid;
		for (size_t k = 0; k < CSD_MAX_NODES; k++) {
			if (early_notice[k].id != id || early_notice[k].pid != pid)
				continue;
			early_notice[k].id = 0;
			/* the departure follows its notice within milliseconds: one
			 * older than the wait it would end is some other clusterd's
			 * that happened to have this pid */
			if (now - early_notice[k].at < gone_wait_ms(0))
				host_stopped(i, now, 0);
			break;
		}
	}
}

static void on_host_notice(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid,
			   uint32_t pid, void *msg, size_t msg_len)
{
	uint32_t clusterd_pid;
	uint64_t now = loop_now_ms();
	size_t slot = 0;

	(void)h;
	(void)group;
	(void)pid;
	if (cs_hostnotice_decode(msg, msg_len, &clusterd_pid) != 0) {
		log_warn("dropped a malformed notice from node %u's resource host (%zu bytes)",
			 nodeid, msg_len);
		return;
	}
	for (size_t i = 0; i < CSD_MAX_NODES; i++) {
		if (gone[i].id == nodeid && gone[i].pid && gone[i].pid == clusterd_pid) {
			host_stopped(i, now, 1);
			return;
		}
	}
	/* not seen leaving yet: kept (the oldest notice makes room) */
	for (size_t k = 0; k < CSD_MAX_NODES; k++) {
		if (!early_notice[k].id) {
			slot = k;
			break;
		}
		if (early_notice[k].at < early_notice[slot].at)
			slot = k;
	}
	early_notice[slot].id = nodeid;
	early_notice[slot].pid = clusterd_pid;
	early_notice[slot].at = now;
}

static void on_hosts_cpg(void *data, uint32_t events)
{
	(void)data;
	(void)events;
	if (cpg_dispatch(hosts_cpg, CS_DISPATCH_ALL) != CS_OK) {
		log_warn("lost the resource hosts' CPG group: a lost clusterd's groups wait %" PRIu64
			 " ms", gone_wait_ms(0));
		loop_del_fd(csd->loop, hosts_fd);
		hosts_fd = -1;
	}
}

/* A CPG group's name. */
static struct cpg_name group_name(const char *group)
{
	struct cpg_name name = { 0 };

	name.length = (uint32_t)strlen(group);
	memcpy(name.value, group, name.length);
	return name;
}

/* Undo a CPG connection as far as it went: the descriptor's watch, the
 * group joined, the handle. */
static void cpg_close(cpg_handle_t h, int *fd, int *joined, int *open, const char *group)
{
	if (*fd >= 0)
		loop_del_fd(csd->loop, *fd);
	*fd = -1;
	if (*joined) {
		struct cpg_name name = group_name(group);
		cpg_leave(h, &name);
	}
	*joined = 0;
	if (*open)
		cpg_finalize(h);
	*open = 0;
}

/* Listen in the resource hosts' group; optional (logged when it fails). */
static void hosts_listen(void)
{
	cpg_callbacks_t cb = { .cpg_deliver_fn = on_host_notice };
	struct cpg_name name = group_name(CS_HOSTS_GROUP);
	cs_error_t err;

	if ((err = cpg_initialize(&hosts_cpg, &cb)) != CS_OK)
		goto out;
	hosts_open = 1;
	if ((err = cpg_fd_get(hosts_cpg, &hosts_fd)) != CS_OK)
		goto out;
	if (loop_add_fd(csd->loop, hosts_fd, EPOLLIN, on_hosts_cpg, NULL) < 0) {
		hosts_fd = -1;
		err = CS_ERR_NO_RESOURCES;
		goto out;
	}
	for (int tries = 0; tries < 50; tries++)
		if ((err = cpg_join(hosts_cpg, &name)) != CS_ERR_TRY_AGAIN)
			break;
	hosts_joined = err == CS_OK;
out:
	if (err != CS_OK)
		log_warn("cannot listen to the resource hosts (CPG error %d): a lost clusterd's "
			 "groups wait %" PRIu64 " ms", err, gone_wait_ms(0));
}

static void hosts_unlisten(void)
{
	cpg_close(hosts_cpg, &hosts_fd, &hosts_joined, &hosts_open, CS_HOSTS_GROUP);
}

static void confchg(cpg_handle_t h, const struct cpg_name *group,
		    const struct cpg_address *members, size_t n_members,
		    const struct cpg_address *left, size_t n_left,
		    const struct cpg_address *joined, size_t n_joined)
{
	int ring_changed = 0;
	uint64_t now = loop_now_ms();

	(void)h;
	(void)group;
	for (size_t i = 0; i < n_left; i++) {
		int nodedown = left[i].reason == CPG_REASON_NODEDOWN;
		ring_changed |= nodedown;
		if (!repl_is_member(left[i].nodeid))
			continue;
		gone_set(left[i].nodeid, now + gone_wait_ms(nodedown));
		if (!nodedown)
			clusterd_left(left[i].nodeid, left[i].pid, now);
	}
	for (size_t i = 0; i < n_joined; i++)
		ring_changed |= joined[i].reason == CPG_REASON_NODEUP;
	if (ring_changed) {
		/* votequorum has not judged the new ring yet: what it said is stale */
		ring_pending = 1;
		quorum_update();
	}
	/* placements in flight were decided in the last view; one still to be
	 * delivered is refused (its stamp) and decided again */
	for (size_t i = 0; i < csd->model.n_groups; i++)
		csd->model.groups[i]->placing = 0;
	csd->n_members = 0;
	for (size_t i = 0; i < n_members && i < CSD_MAX_NODES; i++) {
		int dup = 0;
		for (size_t k = 0; k < csd->n_members; k++)
			if (csd->members[k] == members[i].nodeid)
				dup = 1;
		if (!dup)
			csd->members[csd->n_members++] = members[i].nodeid;
	}
	for (size_t i = 0; i < n_left; i++)
		log_notice("node %u (%s) left (%s)", left[i].nodeid,
			   model_node_name(&csd->model, left[i].nodeid),
			   left[i].reason == CPG_REASON_NODEDOWN ? "node down" :
			   left[i].reason == CPG_REASON_PROCDOWN ? "clusterd gone" :
			   left[i].reason == CPG_REASON_LEAVE ? "clusterd left" : "other");
	for (size_t i = 0; i < n_joined; i++)
		log_notice("node %u joined", joined[i].nodeid);
	for (size_t i = 0; i < csd->model.n_nodes; i++) {
		struct cs_node *n = &csd->model.nodes[i];
		n->state = !repl_is_member(n->id) ? ClusterNodeDown :
			   n->paused ? ClusterNodePaused : ClusterNodeUp;
	}
	for (size_t i = 0; i < csd->n_members; i++) {
		if (!model_node_by_id(&csd->model, csd->members[i])) {
			char name[32];
			snprintf(name, sizeof(name), "node%u", csd->members[i]);
			model_set_node(&csd->model, csd->members[i], name, ClusterNodeUp);
		}
	}
	begin_sync();
	hooks.members_changed(); /* controls routed to nodes that left fail now */
}

/*
 * Whether quorum is confirmed for the ring this node is in now: CPG reported
 * the ring, no down/up change came after it, votequorum's node list names the
 * same ring and its verdict on that list came.  Called at every piece of
 * news; acts on a change: a confirmed loss terminates everything here (the
 * hook), a pending verdict only stops new steps and placements.
 */
static void quorum_update(void)
{
	int known = ring_cpg_known && !ring_pending && ring_vq_known &&
		    ring_vq.nodeid == ring_cpg.nodeid && ring_vq.seq == ring_cpg.seq &&
		    vq_verdict >= 0 && !stall_until;
	int quorate = known && vq_verdict == 1;

	if (quorate == csd->quorate && (!known) == csd->quorum_pending)
		return;
	csd->quorum_pending = !known;
	if (quorate != csd->quorate) {
		csd->quorate = quorate;
		if (quorate)
			log_notice("quorum confirmed for ring %u/%" PRIu64, ring_cpg.nodeid, ring_cpg.seq);
		else if (!known)
			log_notice("membership changing: quorum not confirmed for the new one yet");
	}
	if (known && !quorate && !lost_reported) {
		lost_reported = 1;
		acks_settle("this node lost quorum before a majority confirmed the change: it may "
			    "or may not have been applied; check before you retry");
		log_notice("quorum lost (ring %u/%" PRIu64 ")", ring_cpg.nodeid, ring_cpg.seq);
		hooks.quorum_lost();
	}
	if (quorate) {
		lost_reported = 0;
		if (!quorate_since)
			quorate_since = loop_now_ms();
		renew_lease(); /* at once, not a tick later */
	}
	after_change();
}

static void totem_confchg(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n,
			  const uint32_t *list)
{
	(void)h;
	(void)list;
	log_info("totem ring %u/%" PRIu64 ": %u node(s)", ring.nodeid, ring.seq, n);
	ring_cpg = ring;
	ring_cpg_known = 1;
	ring_pending = 0;
	stall_until = 0; /* a new ring: votequorum's verdict on it is news */
	quorum_update();
}

static void nodelist_notify(votequorum_handle_t h, uint64_t ctx, votequorum_ring_id_t ring,
			    uint32_t n, uint32_t *nodes)
{
	(void)h;
	(void)ctx;
	(void)n;
	(void)nodes;
	ring_vq = ring;
	ring_vq_known = 1;
	vq_verdict = -1; /* its quorum notification follows */
	quorum_update();
}

static void quorum_notify(votequorum_handle_t h, uint64_t ctx, uint32_t quorate,
			  uint32_t n, votequorum_node_t *nodes)
{
	(void)h;
	(void)ctx;
	(void)n;
	(void)nodes;
	vq_verdict = !!quorate;
	quorum_update();
}

static void on_cpg(void *data, uint32_t events)
{
	(void)data;
	(void)events;
	if (cpg_dispatch(cpg, CS_DISPATCH_ALL) != CS_OK) {
		log_err("lost the connection to corosync (CPG): exiting");
		csd->exit_code = 1;
		loop_stop(csd->loop);
	}
}

static void on_vq(void *data, uint32_t events)
{
	(void)data;
	(void)events;
	if (votequorum_dispatch(vq, CS_DISPATCH_ALL) != CS_OK) {
		log_err("lost the connection to corosync (votequorum): exiting");
		csd->exit_code = 1;
		loop_stop(csd->loop);
	}
}

/* Node names from corosync's nodelist (name, else ring0_addr). */
static void read_nodelist(void)
{
	cmap_handle_t cmap;
	char key[128], *name = NULL;

	if (cmap_initialize(&cmap) != CS_OK) {
		log_warn("cmap unavailable: node names default to node<ID>");
		return;
	}
	/* how long the token may sit with one node when the ring is idle: the two
	 * sides of a split may learn of it that far apart (gone_wait_ms) */
	if (cmap_get_uint32(cmap, "runtime.config.totem.hold", &hold_ms) != CS_OK)
		hold_ms = 300;
	/* how long after a stall corosync may still report the ring it lost */
	if (cmap_get_uint32(cmap, "runtime.config.totem.token", &token_ms) != CS_OK)
		token_ms = 3000;
	if (cmap_get_uint32(cmap, "runtime.config.totem.consensus", &consensus_ms) != CS_OK)
		consensus_ms = 3600;
	if (cmap_get_string(cmap, "totem.cluster_name", &name) == CS_OK) {
		cs_free(csd->model.cluster_name);
		csd->model.cluster_name = cs_strdup(name);
		free(name); /* allocated by libcmap */
		name = NULL;
	}
	for (int i = 0; i < CSD_MAX_NODES; i++) {
		uint32_t id;
		snprintf(key, sizeof(key), "nodelist.node.%d.nodeid", i);
		if (cmap_get_uint32(cmap, key, &id) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%d.name", i);
		if (cmap_get_string(cmap, key, &name) != CS_OK) {
			snprintf(key, sizeof(key), "nodelist.node.%d.ring0_addr", i);
			if (cmap_get_string(cmap, key, &name) != CS_OK)
				name = NULL;
		}
		if (name) {
			model_set_node(&csd->model, id, name, ClusterNodeDown);
			free(name);
			name = NULL;
		}
	}
	cmap_finalize(cmap);
}

/*
 * Fault injection for tests (CS_FAULT_REPL_START=K): step K of repl_start()
 * fails as if its call had returned an error, and that call is not made:
 * 1 cpg_model_initialize, 2 cpg_local_get, 3 votequorum_initialize,
 * 4 votequorum_trackstart, 5 votequorum_fd_get, 6 cpg_fd_get, 7 the
 * housekeeping timer, 8 the digest-check timer, 9 watching the CPG
 * descriptor, 10 watching the votequorum descriptor, 11 cpg_join.
 * repl_stop() must then undo exactly steps 1 .. K-1.
 */
static int start_fault(int step)
{
	const char *e = getenv("CS_FAULT_REPL_START");

	if (!e || atoi(e) != step)
		return 0;
	log_warn("fault injection (CS_FAULT_REPL_START): step %d fails", step);
	return 1;
}

/* CALL, unless step K is to fail (then CS_ERR_LIBRARY) */
#define START_STEP(k, call) (start_fault(k) ? CS_ERR_LIBRARY : (call))

uint32_t repl_start(const struct repl_hooks *h)
{
	cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = deliver,
		.cpg_confchg_fn = confchg,
		.cpg_totem_confchg_fn = totem_confchg,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	votequorum_callbacks_t vcb = { .votequorum_quorum_notify_fn = quorum_notify,
				       .votequorum_nodelist_notify_fn = nodelist_notify };
	struct cpg_name name;
	cs_error_t err;

	hooks = *h;
	sync_began = loop_now_ms();

	/* corosync may still be starting (boot, or a node restarted at once):
	 * keep trying for 30 s before giving up */
	for (int tries = 0;; tries++) {
		int fault = start_fault(1);
		err = fault ? CS_ERR_LIBRARY :
			      cpg_model_initialize(&cpg, CPG_MODEL_V1, (cpg_model_data_t *)&model, NULL);
		if (err == CS_OK) {
			cpg_open = 1;
			break;
		}
		if (tries >= 150 || fault) {
			log_err("cannot connect to corosync (CPG): error %d; is corosync running?",
				err);
			return ERROR_GEN_FAILURE;
		}
		if (tries == 0)
			log_notice("waiting for corosync (CPG error %d)", err);
		nanosleep(&(struct timespec){ .tv_nsec = 200000000 }, NULL);
	}
	read_nodelist();
	if (START_STEP(2, cpg_local_get(cpg, &csd->local_id)) != CS_OK) {
		log_err("cannot read the local node id from corosync");
		return ERROR_GEN_FAILURE;
	}
	err = START_STEP(3, votequorum_initialize(&vq, &vcb));
	if (err != CS_OK) {
		log_err("cannot connect to corosync (votequorum): error %d", err);
		return ERROR_GEN_FAILURE;
	}
	vq_open = 1;
	prefault_rings();
	/* quorum is taken from the notifications, for the ring CPG reports:
	 * trackstart sends the current ones */
	if ((err = START_STEP(4, votequorum_trackstart(vq, 0, CS_TRACK_CHANGES))) != CS_OK) {
		log_err("cannot follow corosync's quorum (votequorum_trackstart): error %d", err);
		return ERROR_GEN_FAILURE;
	}
	if ((err = START_STEP(5, votequorum_fd_get(vq, &vq_fd))) != CS_OK ||
	    (err = START_STEP(6, cpg_fd_get(cpg, &cpg_fd))) != CS_OK) {
		log_err("cannot get the descriptor of corosync's %s: error %d",
			vq_fd < 0 ? "votequorum (votequorum_fd_get)" : "CPG (cpg_fd_get)", err);
		return ERROR_GEN_FAILURE;
	}
	if (start_fault(7) ||
	    !(housekeeping = loop_timer_every(csd->loop, 100, on_housekeeping, NULL))) {
		log_err("cannot start the replication's housekeeping timer");
		return ERROR_GEN_FAILURE;
	}
	if (start_fault(8) ||
	    !(check_timer = loop_timer_every(csd->loop, DIGEST_CHECK_MS, on_check_timer, NULL)) ||
	    !(tick_timer = loop_timer_every(csd->loop, CSD_TICK_MS, on_tick_timer, NULL))) {
		log_err("cannot start the digest-check and lease timers");
		return ERROR_GEN_FAILURE;
	}
	if (start_fault(9) || loop_add_fd(csd->loop, cpg_fd, EPOLLIN, on_cpg, NULL) < 0) {
		log_err("cannot watch the CPG descriptor");
		return ERROR_GEN_FAILURE;
	}
	if (start_fault(10) || loop_add_fd(csd->loop, vq_fd, EPOLLIN, on_vq, NULL) < 0) {
		log_err("cannot watch the votequorum descriptor");
		return ERROR_GEN_FAILURE;
	}
	name = group_name(CPG_GROUP);
	for (int tries = 0; tries < 50; tries++) {
		err = START_STEP(11, cpg_join(cpg, &name));
		if (err != CS_ERR_TRY_AGAIN)
			break;
	}
	if (err != CS_OK) {
		log_err("cannot join the CPG group: error %d", err);
		return ERROR_GEN_FAILURE;
	}
	cpg_joined = 1;
	hosts_listen();
	log_notice("node %u (%s) joined corosync; a lost node's groups wait %" PRIu64 " ms, a "
		   "lost clusterd's %" PRIu64 " ms (or until its resource host says it stopped "
		   "everything)", csd->local_id, model_node_name(&csd->model, csd->local_id),
		   gone_wait_ms(1), gone_wait_ms(0));
	return ERROR_SUCCESS;
}

void repl_stop(void)
{
	while (acks) {
		struct pending_ack *k = acks;
		acks = k->next;
		cs_free(k);
	}
	queue_bytes = 0;
	while (queue_head) {
		struct queued *q = queue_head;
		queue_head = q->next;
		cs_free(q);
	}
	queue_tail = &queue_head;
	while (retry_head) {
		struct queued *q = retry_head;
		retry_head = q->next;
		cs_free(q);
	}
	retry_tail = &retry_head;
	if (retry_timer)
		loop_timer_cancel(csd->loop, retry_timer);
	retry_timer = NULL;
	if (housekeeping)
		loop_timer_cancel(csd->loop, housekeeping);
	housekeeping = NULL;
	if (check_timer)
		loop_timer_cancel(csd->loop, check_timer);
	check_timer = NULL;
	if (tick_timer)
		loop_timer_cancel(csd->loop, tick_timer);
	tick_timer = NULL;
	if (tok_stats_open)
		cmap_finalize(tok_stats);
	tok_stats_open = 0;
	tokens_since = 0;
	if (gone_timer)
		loop_timer_cancel(csd->loop, gone_timer);
	gone_timer = NULL;
	/* undo what repl_start() did, also when it stopped half-way */
	hosts_unlisten();
	memset(early_notice, 0, sizeof(early_notice));
	cpg_close(cpg, &cpg_fd, &cpg_joined, &cpg_open, CPG_GROUP);
	if (vq_fd >= 0)
		loop_del_fd(csd->loop, vq_fd);
	vq_fd = -1;
	if (vq_open)
		votequorum_finalize(vq);
	vq_open = 0;
}
