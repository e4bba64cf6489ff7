/*
 * objects.c - node, group and resource handles, and the requests that
 * create, change and delete those objects.
 *
 * A handle is a name and a reference on its cluster handle.  Each request
 * is a property list naming the object (and its arguments) sent with one
 * CS_OP_*; the reply's status is the call's result.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "client.h"

#include <string.h>

#include "clientproto.h"
#include "cs_alloc.h"

uint32_t cs_obj_add_name(clusprop_builder *b, const struct cs_obj *o, const char *prop)
{
	uint32_t rc;

	pthread_mutex_lock(&o->h->name_lock);
	rc = clusprop_add_sz(b, prop, o->name);
	pthread_mutex_unlock(&o->h->name_lock);
	return rc;
}

static int name_ok(const char *name)
{
	return name && *name;
}

/* ---- open / close ---- */

static uint32_t obj_new(cluster_handle *h, const char *name, enum cs_obj_kind kind,
			size_t size, struct cs_obj **ret)
{
	struct cs_obj *o = cs_calloc(1, size);
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	if (!o)
		goto out;
	o->name = cs_strdup(name);
	if (!o->name)
		goto out;
	o->kind = kind;
	o->h = h;
	cs_handle_ref(h);   /* the last step: nothing can fail after it */
	*ret = o;
	o = NULL;
	rc = ERROR_SUCCESS;
out:
	if (o) {
		cs_free(o->name);
		cs_free(o);
	}
	return rc;
}

static void obj_free(struct cs_obj *o)
{
	if (!o)
		return;
	cs_handle_unref(o->h);
	cs_free(o->name);
	cs_free(o);
}

/* Send the built request and return the daemon's status. */
static uint32_t send_simple(cluster_handle *h, uint16_t op, clusprop_builder *b,
			    unsigned flags, uint32_t extra_ms)
{
	struct cs_reply reply = { 0 };
	uint32_t rc;

	rc = cs_call_plist(h, op, b, flags, extra_ms, &reply);
	if (rc == ERROR_SUCCESS)
		rc = reply.status;
	cs_reply_free(&reply);
	return rc;
}

/* Whether the object exists: one CS_OP_LOOKUP round trip. */
static uint32_t obj_check(cluster_handle *h, const char *name, enum cs_obj_kind kind)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Name", name);
	clusprop_add_dword(&b, "State", (uint32_t)kind); /* cs_obj_kind == cs_kind */
	rc = send_simple(h, CS_OP_LOOKUP, &b, CS_CALL_IDEMPOTENT, 0);
	clusprop_builder_free(&b);
	return rc;
}

static uint32_t obj_open(cluster_handle *h, const char *name, uint32_t flags,
			 enum cs_obj_kind kind, size_t size, struct cs_obj **ret)
{
	uint32_t rc;

	if (!h || !name_ok(name) || !ret || (flags & ~CLUSTER_OPEN_NO_CHECK))
		return ERROR_INVALID_PARAMETER;
	if (!(flags & CLUSTER_OPEN_NO_CHECK)) {
		rc = obj_check(h, name, kind);
		if (rc != ERROR_SUCCESS)
			return rc;
	}
	return obj_new(h, name, kind, size, ret);
}

uint32_t cluster_node_open_ex(cluster_handle *h, const char *name, uint32_t flags,
			      cluster_node **ret)
{
	struct cs_obj *o;
	uint32_t rc = obj_open(h, name, flags, CS_OBJ_NODE, sizeof(cluster_node), &o);

	if (rc == ERROR_SUCCESS)
		*ret = (cluster_node *)o;
	return rc;
}

uint32_t cluster_group_open_ex(cluster_handle *h, const char *name, uint32_t flags,
			       cluster_group **ret)
{
	struct cs_obj *o;
	uint32_t rc = obj_open(h, name, flags, CS_OBJ_GROUP, sizeof(cluster_group), &o);

	if (rc == ERROR_SUCCESS)
		*ret = (cluster_group *)o;
	return rc;
}

uint32_t cluster_resource_open_ex(cluster_handle *h, const char *name, uint32_t flags,
				  cluster_resource **ret)
{
	struct cs_obj *o;
	uint32_t rc = obj_open(h, name, flags, CS_OBJ_RESOURCE, sizeof(cluster_resource), &o);

	if (rc == ERROR_SUCCESS)
		*ret = (cluster_resource *)o;
	return rc;
}

uint32_t cluster_node_open(cluster_handle *h, const char *name, cluster_node **ret)
{
	return cluster_node_open_ex(h, name, 0, ret);
}

uint32_t cluster_group_open(cluster_handle *h, const char *name, cluster_group **ret)
{
	return cluster_group_open_ex(h, name, 0, ret);
}

uint32_t cluster_resource_open(cluster_handle *h, const char *name, cluster_resource **ret)
{
	return cluster_resource_open_ex(h, name, 0, ret);
}

void cluster_node_close(cluster_node *n)
{
	obj_free(n ? &n->o : NULL);
}

void cluster_group_close(cluster_group *g)
{
	obj_free(g ? &g->o : NULL);
}

void cluster_resource_close(cluster_resource *r)
{
	obj_free(r ? &r->o : NULL);
}

const char *cluster_node_name(const cluster_node *n)
{
	return n ? n->o.name : NULL;
}

const char *cluster_group_name(const cluster_group *g)
{
	return g ? g->o.name : NULL;
}

const char *cluster_resource_name(const cluster_resource *r)
{
	return r ? r->o.name : NULL;
}

/* ---- requests ---- */

/*
 * What a request sends after the object's "Name": at most one more name
 * under prop - a string (val) or another object's current name (obj) - and,
 * for the calls that wait, WaitMs (the reply may then take wait_ms longer).
 */
struct req_args {
	const char *prop;
	const char *val;
	const struct cs_obj *obj;
	int wait;
	uint32_t wait_ms;
};

/* A request naming one object (with a NULL: the name alone). */
static uint32_t obj_request(const struct cs_obj *o, uint16_t op, const struct req_args *a)
{
	static const struct req_args name_only = { 0 };
	clusprop_builder b;
	uint32_t rc;

	if (!a)
		a = &name_only;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	cs_obj_add_name(&b, o, "Name");
	if (a->prop && a->val)
		clusprop_add_sz(&b, a->prop, a->val);
	if (a->obj)
		cs_obj_add_name(&b, a->obj, a->prop);
	if (a->wait)
		clusprop_add_dword(&b, "WaitMs", a->wait_ms);
	rc = send_simple(o->h, op, &b, 0, a->wait ? a->wait_ms : 0);
	clusprop_builder_free(&b);
	return rc;
}

/* Rename through o; on success the handle takes the new name. */
static uint32_t obj_rename(struct cs_obj *o, uint16_t op, const char *new_name)
{
	char *copy;
	uint32_t rc;

	if (!name_ok(new_name))
		return ERROR_INVALID_PARAMETER;
	copy = cs_strdup(new_name);
	if (!copy)
		return ERROR_NOT_ENOUGH_MEMORY;
	rc = obj_request(o, op, &(struct req_args){ .prop = "NewName", .val = new_name });
	if (rc == ERROR_SUCCESS) {
		pthread_mutex_lock(&o->h->name_lock);
		cs_free(o->name);
		o->name = copy;
		copy = NULL;
		pthread_mutex_unlock(&o->h->name_lock);
	}
	cs_free(copy);
	return rc;
}

/*
 * What a create sends - "Name", then "Type" and "Group" when set, then
 * "Private" when priv_size - and the handle it makes for its caller.
 */
struct create_req {
	uint16_t op;
	enum cs_obj_kind kind;
	size_t size;               /* of the handle */
	const char *name, *type, *group;
	const void *priv;
	size_t priv_size;
};

/*
 * The tail every create shares.  With ret, the handle is made before the
 * request is sent, so that success cannot be followed by a failure; *ret is
 * set only on success.
 */
static uint32_t obj_create(cluster_handle *h, const struct create_req *req,
			   struct cs_obj **ret)
{
	struct cs_obj *o = NULL;
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	if (ret) {
		rc = obj_new(h, req->name, req->kind, req->size, &o);
		if (rc != ERROR_SUCCESS)
			goto out;
	}
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Name", req->name);
	if (req->type)
		clusprop_add_sz(&b, "Type", req->type);
	if (req->group)
		clusprop_add_sz(&b, "Group", req->group);
	if (req->priv_size)
		clusprop_add_binary(&b, "Private", req->priv, req->priv_size);
	rc = send_simple(h, req->op, &b, 0, 0);
	if (rc != ERROR_SUCCESS)
		goto out;
	if (ret) {
		*ret = o;
		o = NULL;
	}
out:
	obj_free(o);
	clusprop_builder_free(&b);
	return rc;
}

/* ---- nodes ---- */

uint32_t cluster_node_pause(cluster_node *n)
{
	if (!n)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&n->o, CS_OP_NODE_PAUSE, NULL);
}

uint32_t cluster_node_resume(cluster_node *n)
{
	if (!n)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&n->o, CS_OP_NODE_RESUME, NULL);
}

uint32_t cluster_node_evict(cluster_node *n)
{
	if (!n)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&n->o, CS_OP_NODE_EVICT, NULL);
}

void cluster_drain_report_free(cluster_drain_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_groups; i++) {
		cs_free(r->groups[i].name);
		cs_free(r->groups[i].node);
		cs_free(r->groups[i].reason);
	}
	cs_free(r->groups);
	cs_free(r->node);
	cs_free(r);
}

/* One "Group" record of a drain report, appended to r (groups has room). */
static uint32_t drain_add_group(cluster_drain_report *r, const clusprop_value *v)
{
	struct cs_drain_rec rec = { 0 };
	uint32_t rc;

	rc = rec_decode(v->data, v->length, cs_drain_fields,
			sizeof(cs_drain_fields) / sizeof(cs_drain_fields[0]), &rec, 0);
	if (rc == ERROR_SUCCESS) {
		cluster_drain_group *g = &r->groups[r->n_groups++];
		g->name = rec.name;
		g->node = rec.node;
		g->reason = rec.error;
		g->state = (CLUSTER_GROUP_STATE)(int32_t)rec.state;
		g->status = rec.status;
		memset(&rec, 0, sizeof(rec));
	}
	cs_free(rec.name);
	cs_free(rec.node);
	cs_free(rec.error);
	return rc;
}

uint32_t cs_drain_decode(const void *buf, size_t size, cluster_drain_report **ret)
{
	cluster_drain_report *r = NULL;
	clusprop_iter it;
	clusprop_value v;
	size_t n = 0;
	int iter_live = 0;
	uint32_t rc;

	if (!ret || (!buf && size))
		return ERROR_INVALID_PARAMETER;
	/* count the groups first: one array, no growing */
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS)
		n += !strcmp(v.name, "Group");
	clusprop_iter_done(&it);
	if (rc != ERROR_NO_MORE_ITEMS)
		goto out;
	rc = ERROR_NOT_ENOUGH_MEMORY;
	if (!(r = cs_calloc(1, sizeof(*r))) || (n && !(r->groups = cs_calloc(n, sizeof(*r->groups)))))
		goto out;
	if ((rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL)))
		goto out;
	iter_live = 1;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		if (!strcmp(v.name, "Node")) {
			if (v.format != CLUSPROP_FORMAT_SZ || r->node) {
				rc = ERROR_INVALID_DATA;
				goto out;
			}
			if (!(r->node = cs_strdup(v.str))) {
				rc = ERROR_NOT_ENOUGH_MEMORY;
				goto out;
			}
		} else if (!strcmp(v.name, "Group")) {
			if (v.format != CLUSPROP_FORMAT_BINARY) {
				rc = ERROR_INVALID_DATA;
				goto out;
			}
			if ((rc = drain_add_group(r, &v)) != ERROR_SUCCESS)
				goto out;
		} /* other names: from a newer clusterd */
	}
	if (rc != ERROR_NO_MORE_ITEMS)
		goto out;
	if (!r->node) {
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	*ret = r;
	r = NULL;
	rc = ERROR_SUCCESS;
out:
	if (iter_live)
		clusprop_iter_done(&it);
	cluster_drain_report_free(r);
	return rc;
}

/* Whether a reply is a drain report (it names the node) rather than an
 * error's "Error" alone. */
static int drain_has_report(const void *buf, size_t size)
{
	clusprop_iter it;
	clusprop_value v;
	int found = 0;

	if (clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL) != ERROR_SUCCESS)
		return 0;
	while (!found && clusprop_iter_next(&it, &v) == ERROR_SUCCESS)
		found = !strcmp(v.name, "Node");
	clusprop_iter_done(&it);
	return found;
}

uint32_t cluster_node_drain(cluster_node *n, uint32_t wait_ms, cluster_drain_report **ret)
{
	struct cs_reply reply = { 0 };
	clusprop_builder b;
	cluster_drain_report *r = NULL;
	uint32_t rc, drc;

	if (!n)
		return ERROR_INVALID_PARAMETER;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	cs_obj_add_name(&b, &n->o, "Name");
	clusprop_add_dword(&b, "WaitMs", wait_ms);
	rc = cs_call_plist(n->o.h, CS_OP_NODE_DRAIN, &b, 0,
			   wait_ms ? wait_ms : CS_DRAIN_WAIT_DEFAULT_MS, &reply);
	clusprop_builder_free(&b);
	if (rc != ERROR_SUCCESS)
		return rc;
	rc = reply.status;
	/* a report comes with success and with the drain's own errors; other
	 * errors carry "Error" alone */
	if (reply.length && (rc == ERROR_SUCCESS || drain_has_report(reply.payload, reply.length))) {
		drc = cs_drain_decode(reply.payload, reply.length, &r);
		if (drc != ERROR_SUCCESS)
			rc = drc;
	}
	if (r && ret) {
		*ret = r;
		r = NULL;
	}
	cluster_drain_report_free(r);
	cs_reply_free(&reply);
	return rc;
}

/* ---- groups ---- */

uint32_t cluster_group_create(cluster_handle *h, const char *name, cluster_group **ret)
{
	const struct create_req req = {
		.op = CS_OP_GROUP_CREATE, .kind = CS_OBJ_GROUP, .size = sizeof(cluster_group),
		.name = name,
	};
	struct cs_obj *o;
	uint32_t rc;

	if (!h || !name_ok(name))
		return ERROR_INVALID_PARAMETER;
	rc = obj_create(h, &req, ret ? &o : NULL);
	if (rc == ERROR_SUCCESS && ret)
		*ret = (cluster_group *)o;
	return rc;
}

uint32_t cluster_group_delete(cluster_group *g)
{
	if (!g)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&g->o, CS_OP_GROUP_DELETE, NULL);
}

uint32_t cluster_group_rename(cluster_group *g, const char *new_name)
{
	if (!g)
		return ERROR_INVALID_PARAMETER;
	return obj_rename(&g->o, CS_OP_GROUP_RENAME, new_name);
}

/* Online and move: to node, or (NULL) to the node the cluster chooses. */
static uint32_t group_to_node(cluster_group *g, uint16_t op, cluster_node *node,
			      uint32_t wait_ms)
{
	if (!g)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&g->o, op,
			   &(struct req_args){ .prop = "Node", .obj = node ? &node->o : NULL,
					       .wait = 1, .wait_ms = wait_ms });
}

uint32_t cluster_group_online(cluster_group *g, cluster_node *node, uint32_t wait_ms)
{
	return group_to_node(g, CS_OP_GROUP_ONLINE, node, wait_ms);
}

uint32_t cluster_group_offline(cluster_group *g, uint32_t wait_ms)
{
	if (!g)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&g->o, CS_OP_GROUP_OFFLINE,
			   &(struct req_args){ .wait = 1, .wait_ms = wait_ms });
}

uint32_t cluster_group_move(cluster_group *g, cluster_node *node, uint32_t wait_ms)
{
	return group_to_node(g, CS_OP_GROUP_MOVE, node, wait_ms);
}

uint32_t cluster_group_set_preferred_owners(cluster_group *g, cluster_node *const nodes[],
					    size_t n)
{
	const char **names = NULL;
	clusprop_builder b;
	uint32_t rc;

	if (!g || (n && !nodes))
		return ERROR_INVALID_PARAMETER;
	for (size_t i = 0; i < n; i++)
		if (!nodes[i])
			return ERROR_INVALID_PARAMETER;
	clusprop_builder_init_owned(&b);
	names = cs_calloc(n + 1, sizeof(*names));
	if (!names) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	clusprop_builder_begin_plist(&b);
	cs_obj_add_name(&b, &g->o, "Name");
	/* Node names never change (nodes cannot be renamed through this API). */
	for (size_t i = 0; i < n; i++)
		names[i] = nodes[i]->o.name;
	clusprop_add_multi_sz(&b, "Nodes", names, n);
	rc = send_simple(g->o.h, CS_OP_GROUP_SET_OWNERS, &b, 0, 0);
out:
	cs_free(names);
	clusprop_builder_free(&b);
	return rc;
}

/* ---- resources ---- */

uint32_t cluster_resource_create(cluster_handle *h, const char *name, const char *type,
				 const char *group, const void *priv_plist, size_t priv_size,
				 cluster_resource **ret)
{
	const struct create_req req = {
		.op = CS_OP_RESOURCE_CREATE, .kind = CS_OBJ_RESOURCE,
		.size = sizeof(cluster_resource), .name = name, .type = type, .group = group,
		.priv = priv_plist, .priv_size = priv_size,
	};
	struct cs_obj *o;
	uint32_t rc;

	if (!h || !name_ok(name) || !name_ok(type) || !name_ok(group) ||
	    (priv_size && !priv_plist))
		return ERROR_INVALID_PARAMETER;
	if (priv_size) {
		rc = clusprop_validate_property_list(priv_plist, priv_size, NULL);
		if (rc != ERROR_SUCCESS)
			return rc;
	}
	rc = obj_create(h, &req, ret ? &o : NULL);
	if (rc == ERROR_SUCCESS && ret)
		*ret = (cluster_resource *)o;
	return rc;
}

uint32_t cluster_resource_delete(cluster_resource *r)
{
	if (!r)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_DELETE, NULL);
}

uint32_t cluster_resource_rename(cluster_resource *r, const char *new_name)
{
	if (!r)
		return ERROR_INVALID_PARAMETER;
	return obj_rename(&r->o, CS_OP_RESOURCE_RENAME, new_name);
}

uint32_t cluster_resource_online(cluster_resource *r, uint32_t wait_ms)
{
	if (!r)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_ONLINE,
			   &(struct req_args){ .wait = 1, .wait_ms = wait_ms });
}

uint32_t cluster_resource_offline(cluster_resource *r, uint32_t wait_ms)
{
	if (!r)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_OFFLINE,
			   &(struct req_args){ .wait = 1, .wait_ms = wait_ms });
}

uint32_t cluster_resource_fail(cluster_resource *r)
{
	if (!r)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_FAIL, NULL);
}

uint32_t cluster_resource_add_dependency(cluster_resource *r, cluster_resource *dep)
{
	if (!r || !dep)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_ADD_DEP,
			   &(struct req_args){ .prop = "DependsOn", .obj = &dep->o });
}

uint32_t cluster_resource_remove_dependency(cluster_resource *r, cluster_resource *dep)
{
	if (!r || !dep)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_DEL_DEP,
			   &(struct req_args){ .prop = "DependsOn", .obj = &dep->o });
}

uint32_t cluster_resource_add_possible_owner(cluster_resource *r, cluster_node *node)
{
	if (!r || !node)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_ADD_OWNER,
			   &(struct req_args){ .prop = "Node", .obj = &node->o });
}

uint32_t cluster_resource_remove_possible_owner(cluster_resource *r, cluster_node *node)
{
	if (!r || !node)
		return ERROR_INVALID_PARAMETER;
	return obj_request(&r->o, CS_OP_RESOURCE_DEL_OWNER,
			   &(struct req_args){ .prop = "Node", .obj = &node->o });
}
