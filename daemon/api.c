/*
 * api.c - what each request of the local API means (common/clientproto.h):
 * one table from op to handler.  Frames arrive from conn.c; queries are
 * answered from memory at once; changes go to change.c (replicated, then
 * answered); controls go to control.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clientproto.h"
#include "cs_alloc.h"
#include "hostproto.h"

_Static_assert(CS_MAX_PRIVATE < HOSTPROTO_MAX_PROPS && CS_MAX_PRIVATE < CS_PROTO_MAX_PAYLOAD,
	       "a private property list fits a client frame and the host's OPEN");

/* A request as a handler sees it; a->name is there unless the op is NAMELESS. */
struct req {
	conn_id c;
	uint32_t op, id;
	struct cs_args *a;
};

static void reply_error(const struct req *q, uint32_t status, const char *why)
{
	conn_reply_error(q->c, q->op, q->id, status, why);
}

static void submit(const struct req *q, uint32_t mop, const struct cs_args *a, const char *object,
		   uint32_t wait_state)
{
	change_submit(q->c, q->op, q->id, mop, a, object, object ? q->a->wait_ms : 0, wait_state);
}

/* Whether a plugin for the type is installed, by the host's own rule
 * (hostproto_type_file_name: "Physical Disk" -> physical-disk.so). */
static int plugin_exists(const char *type)
{
	char path[4096], file[HOSTPROTO_MAX_TYPE_NAME + 4];
	int n;

	if (!hostproto_type_file_name(type, strlen(type), file, sizeof(file)))
		return 0;
	n = snprintf(path, sizeof(path), "%s/%s", csd->cfg.plugin_dir, file);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/* ---- handlers ---- */

static void h_status(const struct req *q)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	rc = model_encode_status(&csd->model, &b, &(struct cs_status_view){
		.quorate = csd->quorate, .synced = csd->synced, .local_id = csd->local_id,
		.runs = rm_may_run(), .notice = csd->notice });
	if (rc == ERROR_SUCCESS)
		conn_reply(q->c, q->op, q->id, rc, clusprop_builder_data(&b), clusprop_builder_size(&b));
	else
		conn_reply(q->c, q->op, q->id, rc, NULL, 0);
	clusprop_builder_free(&b);
}

static void h_lookup(const struct req *q)
{
	const struct cs_model *m = &csd->model;
	uint32_t rc;

	switch (q->a->state) {
	case CS_KIND_NODE:
		rc = model_node(m, q->a->name) ? ERROR_SUCCESS : ERROR_CLUSTER_NODE_NOT_FOUND;
		break;
	case CS_KIND_GROUP:
		rc = model_group(m, q->a->name) ? ERROR_SUCCESS : ERROR_GROUP_NOT_FOUND;
		break;
	case CS_KIND_RESOURCE:
		rc = model_resource(m, q->a->name) ? ERROR_SUCCESS : ERROR_RESOURCE_NOT_FOUND;
		break;
	default:
		rc = ERROR_INVALID_PARAMETER;
	}
	conn_reply(q->c, q->op, q->id, rc, NULL, 0);
}

/* Online (to a node, or where it is) and move (to a node, or the next one). */
static void h_group_place(const struct req *q)
{
	const struct cs_group *g = model_group(&csd->model, q->a->name);
	uint32_t target = 0, rc;

	if (!g) {
		reply_error(q, ERROR_GROUP_NOT_FOUND, "no such group");
		return;
	}
	if (q->a->node) {
		const struct cs_node *n = model_node(&csd->model, q->a->node);
		if (!n) {
			reply_error(q, ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
			return;
		}
		if (!repl_is_member(n->id) || n->state != ClusterNodeUp ||
		    !model_node_can_own(&csd->model, g, n->name)) {
			reply_error(q, ERROR_HOST_NODE_NOT_AVAILABLE,
				    "that node is not up or cannot own this group");
			return;
		}
		target = n->id;
	} else if (q->op == CS_OP_GROUP_MOVE) {
		target = model_choose_node(&csd->model, g, csd->members, csd->n_members, g->owner);
		if (!target) {
			reply_error(q, ERROR_HOST_NODE_NOT_AVAILABLE, "no other node can own this group");
			return;
		}
	}
	if (target && target != g->owner) {
		rc = drain_move_group(g, target);
		if (rc != ERROR_SUCCESS) {
			reply_error(q, rc, "cannot send the move");
			return;
		}
	}
	/* online: it should run from now on; move: it keeps what it wanted */
	uint32_t want = q->op == CS_OP_GROUP_ONLINE ? 1 : g->persistent;
	struct cs_args p = { .name = q->a->name, .state = want, .has_state = 1 };
	submit(q, MOP_GROUP_PERSIST, &p, q->a->name,
	       want ? ClusterGroupOnline : ClusterGroupOffline);
}

static void h_group_offline(const struct req *q)
{
	struct cs_args p = { .name = q->a->name, .state = 0, .has_state = 1 };

	submit(q, MOP_GROUP_PERSIST, &p, q->a->name, ClusterGroupOffline);
}

static void h_resource_create(const struct req *q)
{
	if (q->a->priv_size > CS_MAX_PRIVATE) {
		reply_error(q, ERROR_NOT_ENOUGH_QUOTA,
			    "private properties larger than a resource may have (1 MiB)");
		return;
	}
	if (q->a->type && !plugin_exists(q->a->type)) {
		reply_error(q, ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "no plugin for that resource type");
		return;
	}
	submit(q, MOP_RES_CREATE, q->a, NULL, 0);
}

static void h_resource_state(const struct req *q)
{
	int on = q->op == CS_OP_RESOURCE_ONLINE;
	struct cs_args p = { .name = q->a->name, .state = (uint32_t)on, .has_state = 1 };

	submit(q, MOP_RES_PERSIST, &p, q->a->name,
	       on ? ClusterResourceOnline : ClusterResourceOffline);
}

static void h_resource_fail(const struct req *q)
{
	const struct cs_resource *r = model_resource(&csd->model, q->a->name);
	struct cs_args p = { .name = q->a->name, .state = ClusterResourceFailed, .has_state = 1 };

	if (!r) {
		reply_error(q, ERROR_RESOURCE_NOT_FOUND, "no such resource");
		return;
	}
	if (r->state != ClusterResourceOnline) {
		reply_error(q, ERROR_RESOURCE_NOT_ONLINE, "the resource is not online");
		return;
	}
	submit(q, MOP_RES_STATE, &p, NULL, 0);
}

static void h_node_pause(const struct req *q)
{
	struct cs_args p = { .name = q->a->name, .state = q->op == CS_OP_NODE_PAUSE,
			     .has_state = 1 };

	if (!model_node(&csd->model, q->a->name)) {
		reply_error(q, ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
		return;
	}
	submit(q, MOP_NODE_PAUSE, &p, NULL, 0);
}

static void h_node_drain(const struct req *q)
{
	drain_request(q->c, q->op, q->id, q->a->name, q->a->wait_ms);
}

/* Evict: refused at once, with the exact error, while the node is a
 * member; the op checks it again where it is applied (every node alike). */
static void h_node_evict(const struct req *q)
{
	const struct cs_node *n = model_node(&csd->model, q->a->name);
	struct cs_args p = { .name = q->a->name, .state = 1, .has_state = 1 };

	if (!n) {
		reply_error(q, ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
		return;
	}
	if (repl_is_member(n->id) || n->state != ClusterNodeDown) {
		reply_error(q, ERROR_CANT_EVICT_ACTIVE_NODE,
			    "the node is up: only a node that is down can be evicted (stop its "
			    "cluster service first)");
		return;
	}
	submit(q, MOP_NODE_EVICT, &p, NULL, 0);
}

static void h_control(const struct req *q)
{
	control_request(q->c, q->op, q->id, q->a);
}

/* ---- the table ---- */

#define CHANGE   1u  /* needs admin rights and quorum */
#define NAMELESS 2u  /* no Name needed */

static const struct handler {
	uint32_t op;
	unsigned flags;
	void (*fn)(const struct req *q);
	uint32_t mop;    /* fn NULL: the model op the request is, arguments as they stand */
} handlers[] = {
	{ CS_OP_STATUS, NAMELESS, h_status, 0 },
	{ CS_OP_LOOKUP, 0, h_lookup, 0 },
	{ CS_OP_GROUP_CREATE, CHANGE, NULL, MOP_GROUP_CREATE },
	{ CS_OP_GROUP_DELETE, CHANGE, NULL, MOP_GROUP_DELETE },
	{ CS_OP_GROUP_RENAME, CHANGE, NULL, MOP_GROUP_RENAME },
	{ CS_OP_GROUP_SET_OWNERS, CHANGE, NULL, MOP_GROUP_SET_OWNERS },
	{ CS_OP_GROUP_ONLINE, CHANGE, h_group_place, 0 },
	{ CS_OP_GROUP_MOVE, CHANGE, h_group_place, 0 },
	{ CS_OP_GROUP_OFFLINE, CHANGE, h_group_offline, 0 },
	{ CS_OP_RESOURCE_CREATE, CHANGE, h_resource_create, 0 },
	{ CS_OP_RESOURCE_DELETE, CHANGE, NULL, MOP_RES_DELETE },
	{ CS_OP_RESOURCE_RENAME, CHANGE, NULL, MOP_RES_RENAME },
	{ CS_OP_RESOURCE_ONLINE, CHANGE, h_resource_state, 0 },
	{ CS_OP_RESOURCE_OFFLINE, CHANGE, h_resource_state, 0 },
	{ CS_OP_RESOURCE_FAIL, CHANGE, h_resource_fail, 0 },
	{ CS_OP_RESOURCE_ADD_DEP, CHANGE, NULL, MOP_RES_ADD_DEP },
	{ CS_OP_RESOURCE_DEL_DEP, CHANGE, NULL, MOP_RES_DEL_DEP },
	{ CS_OP_RESOURCE_ADD_OWNER, CHANGE, NULL, MOP_RES_ADD_OWNER },
	{ CS_OP_RESOURCE_DEL_OWNER, CHANGE, NULL, MOP_RES_DEL_OWNER },
	{ CS_OP_NODE_PAUSE, CHANGE, h_node_pause, 0 },
	{ CS_OP_NODE_RESUME, CHANGE, h_node_pause, 0 },
	{ CS_OP_NODE_DRAIN, CHANGE, h_node_drain, 0 },
	{ CS_OP_NODE_EVICT, CHANGE, h_node_evict, 0 },
	/* controls check rights themselves, by their code's access bits */
	{ CS_OP_RESOURCE_CONTROL, 0, h_control, 0 },
	{ CS_OP_TYPE_CONTROL, 0, h_control, 0 },
	{ CS_OP_GROUP_CONTROL, 0, h_control, 0 },
	{ CS_OP_NODE_CONTROL, 0, h_control, 0 },
	{ CS_OP_CLUSTER_CONTROL, NAMELESS, h_control, 0 },
};

void api_request(conn_id c, uint16_t op, uint32_t id, const void *payload, size_t len)
{
	const struct handler *h = NULL;
	struct cs_args a;
	struct req q = { .c = c, .op = op, .id = id, .a = &a };
	uint32_t rc;

	for (size_t i = 0; i < sizeof(handlers) / sizeof(*handlers) && !h; i++)
		if (handlers[i].op == op)
			h = &handlers[i];
	if (!h) {
		conn_reply_error(c, op, id, ERROR_INVALID_FUNCTION, "unknown request");
		return;
	}
	rc = cs_args_parse(payload, len, &a);
	if (rc != ERROR_SUCCESS) {
		conn_reply_error(c, op, id, rc, "malformed request payload");
		return;
	}
	if ((h->flags & CHANGE) && !conn_may_change(c))
		reply_error(&q, ERROR_ACCESS_DENIED, "changes need root or group " CS_ADMIN_GROUP);
	else if ((h->flags & CHANGE) && !csd->quorate) /* while a view syncs, it is held */
		reply_error(&q, ERROR_NOT_READY, repl_no_quorum_why());
	else if (!(h->flags & NAMELESS) && !a.name)
		reply_error(&q, ERROR_INVALID_PARAMETER, "Name is required");
	else if (h->fn)
		h->fn(&q);
	else
		submit(&q, h->mop, &a, NULL, 0);
	cs_args_free(&a);
}
