/*
 * change.c - a client's change, from the request to its answer: the change
 * is multicast as a model op (repl_send_op); the client is answered once
 * this node has applied it and written it to disk (change_applied(), from
 * the replication layer), and, with WaitMs, once the object reached the
 * state asked for (change_check_waiters(), after every change); or with
 * ERROR_TIMEOUT.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include "clientproto.h"
#include "cs_alloc.h"

/* How long a change may take to come back from the cluster. */
#define APPLY_WAIT_MS 30000u

enum wait_kind {
	WAIT_APPLY = 1,          /* for the op to be applied here */
	WAIT_GROUP_STATE,        /* then for a group's state */
	WAIT_RES_STATE,          /* then for a resource's state */
};

/* A client waiting for its change. */
struct change {
	struct change *next;
	conn_id conn;
	uint32_t api_op, client_id;
	uint32_t req_id;             /* this node's id for the op on CPG */
	enum wait_kind kind;
	char *object;                /* group or resource name (state waits) */
	uint32_t want_state;         /* UINT32_MAX: answer once applied */
	uint64_t deadline;
};

static struct change *changes;
static struct loop_timer *tick;
static uint32_t next_req_id;

static void change_free(struct change *ch)
{
	for (struct change **pp = &changes; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	cs_free(ch->object);
	cs_free(ch);
}

void change_submit(conn_id c, uint32_t api_op, uint32_t client_id, uint32_t op,
		   const struct cs_args *a, const char *object, uint32_t wait_ms, uint32_t wait_state)
{
	struct change *ch;
	size_t grows = CS_OBJECT_OVERHEAD + a->priv_size + a->in_size;
	uint32_t rc;

	if (op < MOP_CONFIG_MAX && model_size(&csd->model) + grows > CS_MAX_DATABASE) {
		conn_reply_error(c, api_op, client_id, ERROR_NOT_ENOUGH_QUOTA,
				 "the cluster database would pass its size limit (24 MiB)");
		return;
	}
	ch = cs_calloc(1, sizeof(*ch));
	if (!ch || (object && !(ch->object = cs_strdup(object)))) {
		cs_free(ch);
		conn_reply(c, api_op, client_id, ERROR_NOT_ENOUGH_MEMORY, NULL, 0);
		return;
	}
	if (++next_req_id >= 0x80000000u) /* the upper half is rm's (rm_is_state_req) */
		next_req_id = 1;
	ch->conn = c;
	ch->api_op = api_op;
	ch->client_id = client_id;
	ch->req_id = next_req_id;
	ch->kind = WAIT_APPLY;
	ch->want_state = wait_ms && object ? wait_state : UINT32_MAX;
	ch->deadline = loop_now_ms() + (wait_ms ? wait_ms : APPLY_WAIT_MS);
	ch->next = changes;
	changes = ch;
	/* matched on our multicast id, answered with the client's */
	rc = repl_send_op(op, a, ch->req_id);
	if (rc != ERROR_SUCCESS) {
		conn_reply_error(c, api_op, client_id, rc, "cannot send the change to the cluster");
		change_free(ch);
	}
}

static int group_settled(const struct cs_group *g, uint32_t want, uint32_t *rc)
{
	*rc = ERROR_SUCCESS;
	if (g->moving_to)
		return 0;
	if (want == ClusterGroupOnline) {
		if (g->state == ClusterGroupOnline)
			return 1;
		if (g->state == ClusterGroupFailed) {
			*rc = ERROR_RESOURCE_FAILED;
			return 1;
		}
		return 0;
	}
	return g->state == ClusterGroupOffline || g->state == ClusterGroupFailed;
}

static int resource_settled(const struct cs_resource *r, uint32_t want, uint32_t *rc)
{
	*rc = ERROR_SUCCESS;
	if (r->state == want)
		return 1;
	if (r->state == ClusterResourceFailed) {
		*rc = ERROR_RESOURCE_FAILED;
		return 1;
	}
	return 0;
}

void change_check_waiters(void)
{
	uint64_t now = loop_now_ms();

	for (struct change *ch = changes, *next; ch; ch = next) {
		uint32_t rc = ERROR_SUCCESS;
		int done = 0;
		next = ch->next;
		if (ch->kind == WAIT_GROUP_STATE) {
			const struct cs_group *g = model_group(&csd->model, ch->object);
			done = g ? group_settled(g, ch->want_state, &rc) : 1;
			if (!g)
				rc = ERROR_GROUP_NOT_FOUND;
		} else if (ch->kind == WAIT_RES_STATE) {
			const struct cs_resource *r = model_resource(&csd->model, ch->object);
			done = r ? resource_settled(r, ch->want_state, &rc) : 1;
			if (!r)
				rc = ERROR_RESOURCE_NOT_FOUND;
		}
		if (!done && now >= ch->deadline) {
			rc = ERROR_TIMEOUT;
			done = 1;
		}
		if (!done)
			continue;
		conn_reply_error(ch->conn, ch->api_op, ch->client_id, rc,
				 rc == ERROR_TIMEOUT ? (ch->kind == WAIT_APPLY ?
							"no answer from the cluster in time" :
							"timed out waiting for the state") :
				 rc == ERROR_RESOURCE_FAILED ? "a resource failed" : NULL);
		change_free(ch);
	}
}

void change_applied(uint32_t req_id, uint32_t status, const char *why)
{
	for (struct change *ch = changes; ch; ch = ch->next) {
		if (ch->kind != WAIT_APPLY || ch->req_id != req_id)
			continue;
		if (status == ERROR_SUCCESS && ch->want_state != UINT32_MAX) {
			/* now wait for the state */
			ch->kind = ch->api_op == CS_OP_RESOURCE_ONLINE ||
						   ch->api_op == CS_OP_RESOURCE_OFFLINE
					   ? WAIT_RES_STATE : WAIT_GROUP_STATE;
			change_check_waiters();
			return;
		}
		conn_reply_error(ch->conn, ch->api_op, ch->client_id, status, status ? why : NULL);
		change_free(ch);
		return;
	}
}

static void on_tick(void *data)
{
	(void)data;
	change_check_waiters();
}

uint32_t change_start(void)
{
	tick = loop_timer_every(csd->loop, 100, on_tick, NULL);
	return tick ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY;
}

void change_stop(void)
{
	while (changes)
		change_free(changes);
	if (tick)
		loop_timer_cancel(csd->loop, tick);
	tick = NULL;
}
