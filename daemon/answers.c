/*
 * answers.c - see answers.h.
 *
 * Every kind of object is first described as a `struct view` (its name, id,
 * common properties, stored private properties, which answers it has); one
 * switch on the control function (the code without its object byte) then
 * answers for every kind alike.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "answers.h"

#include <stdio.h>
#include <string.h>

#include <clusapi/clusctl.h>

#include "clientproto.h"

#define MAX_COMMON 24

/* One common property: a DWORD or (sz != NULL) a string. */
struct prop {
	const char *name;
	const char *sz;
	uint32_t dw;
	int ro;                 /* read-only: GET_RO_COMMON_PROPERTIES */
};

struct view {
	const char *name;               /* GET_NAME */
	const char *id;                 /* GET_ID */
	const char *type;               /* GET_RESOURCE_TYPE */
	const char *fqdn;               /* GET_FQDN */
	int flags;                      /* GET_FLAGS / GET_CHARACTERISTICS (0) */
	int storage_class;              /* GET_CLASS_INFO / GET_REQUIRED_DEPENDENCIES */
	struct prop common[MAX_COMMON];
	size_t n_common;
	const void *priv;               /* stored private properties */
	size_t priv_size;
	const struct cs_resource *res;  /* VALIDATE_PRIVATE */
	enum cs_prop_object props;      /* VALIDATE_COMMON: model.h's tables */
	char id_buf[16];
};

static void add_sz(struct view *v, const char *name, const char *value, int ro)
{
	v->common[v->n_common++] = (struct prop){ .name = name, .sz = value ? value : "", .ro = ro };
}

static void add_dw(struct view *v, const char *name, uint32_t value, int ro)
{
	v->common[v->n_common++] = (struct prop){ .name = name, .dw = value, .ro = ro };
}

/* The settable common properties of obj, from model.h's table for kind k. */
static void add_settable(struct view *v, enum cs_prop_object k, const void *obj)
{
	size_t n;
	const struct cs_prop *p = model_props(k, &n);

	v->props = k;
	for (size_t i = 0; i < n && v->n_common < MAX_COMMON; i++) {
		if (p[i].format == CLUSPROP_FORMAT_SZ)
			add_sz(v, p[i].name, model_prop_sz(&p[i], obj), 0);
		else
			add_dw(v, p[i].name, model_prop_dword(&p[i], obj), 0);
	}
}

uint32_t answer_object_of_op(uint32_t op)
{
	switch (op) {
	case CS_OP_RESOURCE_CONTROL: return CLUS_OBJECT_RESOURCE;
	case CS_OP_TYPE_CONTROL: return CLUS_OBJECT_RESOURCE_TYPE;
	case CS_OP_GROUP_CONTROL: return CLUS_OBJECT_GROUP;
	case CS_OP_NODE_CONTROL: return CLUS_OBJECT_NODE;
	case CS_OP_CLUSTER_CONTROL: return CLUS_OBJECT_CLUSTER;
	}
	return 0;
}

/* Describe the object q names; its not-found error if it does not exist.
 * The read-only common properties are here (model_prop_read_only() knows
 * their names), the settable ones come from model.h's tables. */
static uint32_t describe(const struct cs_model *m, const struct ctl_query *q, struct view *v)
{
	const void *obj;

	switch (answer_object_of_op(q->op)) {
	case CLUS_OBJECT_RESOURCE: {
		const struct cs_resource *r = model_resource(m, q->name);
		if (!r)
			return ERROR_RESOURCE_NOT_FOUND;
		v->name = v->id = r->name;
		v->type = r->type;
		v->flags = v->storage_class = 1;
		v->res = r;
		v->priv = r->priv;
		v->priv_size = r->priv_size;
		add_sz(v, "Name", r->name, 1);
		add_sz(v, "Type", r->type, 1);
		add_settable(v, CS_PROPS_RESOURCE, r);
		/* set by online/offline, not by SET_COMMON_PROPERTIES */
		add_dw(v, "PersistentState", r->persistent, 1);
		return ERROR_SUCCESS;
	}
	case CLUS_OBJECT_GROUP: {
		const struct cs_group *g = model_group(m, q->name);
		if (!g)
			return ERROR_GROUP_NOT_FOUND;
		v->name = v->id = g->name;
		v->flags = 1;
		/* renamed by the rename request, persistent by online/offline */
		add_sz(v, "Name", g->name, 1);
		add_settable(v, CS_PROPS_GROUP, g);
		add_dw(v, "PersistentState", g->persistent, 1);
		return ERROR_SUCCESS;
	}
	case CLUS_OBJECT_NODE: {
		const struct cs_node *n = model_node(m, q->name);
		if (!n || !(obj = model_props_object(m, CS_PROPS_NODE, n->name)))
			return ERROR_CLUSTER_NODE_NOT_FOUND;
		snprintf(v->id_buf, sizeof(v->id_buf), "%u", n->id);
		v->name = n->name;
		v->id = v->id_buf;
		v->flags = 1;
		add_sz(v, "NodeName", n->name, 1);
		add_dw(v, "NodeID", n->id, 1);
		add_dw(v, "State", n->state, 1);
		add_settable(v, CS_PROPS_NODE, obj);
		return ERROR_SUCCESS;
	}
	case CLUS_OBJECT_RESOURCE_TYPE:
		/* types are the plugins installed; any name is asked of the host first */
		if (!(obj = model_props_object(m, CS_PROPS_TYPE, q->name)))
			return ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND;
		v->name = q->name;
		v->flags = v->storage_class = 1;
		add_sz(v, "Name", q->name, 1);
		add_settable(v, CS_PROPS_TYPE, obj);
		return ERROR_SUCCESS;
	case CLUS_OBJECT_CLUSTER:
		v->fqdn = m->cluster_name ? m->cluster_name : "";
		add_sz(v, "Name", v->fqdn, 1);
		add_dw(v, "Quorate", (uint32_t)q->quorate, 1);
		add_settable(v, CS_PROPS_CLUSTER, model_props_object(m, CS_PROPS_CLUSTER, NULL));
		return ERROR_SUCCESS;
	}
	return ERROR_INVALID_FUNCTION;
}

static uint32_t put_common(clusprop_builder *b, const struct view *v, int ro_only)
{
	clusprop_builder_begin_plist(b);
	for (size_t i = 0; i < v->n_common; i++) {
		const struct prop *p = &v->common[i];
		if (ro_only && !p->ro)
			continue;
		if (p->sz)
			clusprop_add_sz(b, p->name, p->sz);
		else
			clusprop_add_dword(b, p->name, p->dw);
	}
	return clusprop_builder_status(b);
}

static uint32_t put_common_names(clusprop_builder *b, const struct view *v)
{
	const char *names[MAX_COMMON];

	for (size_t i = 0; i < v->n_common; i++)
		names[i] = v->common[i].name;
	return clusprop_put_bare_multi_sz(b, names, v->n_common);
}

/* The property names of a stored (validated) property list, each once. */
static uint32_t put_priv_names(clusprop_builder *b, const void *priv, size_t size)
{
	struct cs_strv names = { 0 };
	clusprop_iter it;
	clusprop_value val;
	uint32_t rc = ERROR_SUCCESS;

	if (size) {
		rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, priv, size, NULL);
		if (rc != ERROR_SUCCESS)
			return rc;
		while ((rc = clusprop_iter_next(&it, &val)) == ERROR_SUCCESS)
			if (!strv_contains(&names, val.name) &&
			    (rc = strv_add(&names, val.name)) != ERROR_SUCCESS)
				break;
		clusprop_iter_done(&it);
		if (rc == ERROR_NO_MORE_ITEMS)
			rc = ERROR_SUCCESS;
	}
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_bare_multi_sz(b, (const char *const *)names.v, names.n);
	strv_free(&names);
	return rc;
}

uint32_t answer_control(const struct cs_model *m, const struct ctl_query *q, clusprop_builder *b)
{
	struct view v;
	uint32_t rc;

	memset(&v, 0, sizeof(v));
	if (CLUSCTL_GET_CONTROL_OBJECT(q->code) != answer_object_of_op(q->op))
		return ERROR_INVALID_FUNCTION;
	rc = describe(m, q, &v);
	if (rc != ERROR_SUCCESS)
		return rc;
	switch (q->code & 0x00FFFFFFu) {
	case CLCTL_GET_NAME:
		return v.name ? clusprop_put_bare_sz(b, v.name) : ERROR_INVALID_FUNCTION;
	case CLCTL_GET_ID:
		return v.id ? clusprop_put_bare_sz(b, v.id) : ERROR_INVALID_FUNCTION;
	case CLCTL_GET_RESOURCE_TYPE:
		return v.type ? clusprop_put_bare_sz(b, v.type) : ERROR_INVALID_FUNCTION;
	case CLCTL_GET_FQDN:
		return v.fqdn ? clusprop_put_bare_sz(b, v.fqdn) : ERROR_INVALID_FUNCTION;
	case CLCTL_GET_FLAGS:
	case CLCTL_GET_CHARACTERISTICS:
		return v.flags ? clusprop_put_bare_dword(b, 0) : ERROR_INVALID_FUNCTION;
	case CLCTL_GET_CLASS_INFO:
		/* CLUS_RESOURCE_CLASS_INFO {CLUS_RESCLASS_UNKNOWN, 0}: a plugin says more */
		return v.storage_class ? clusprop_put_bare_ularge(b, 0) : ERROR_INVALID_FUNCTION;
	case CLCTL_GET_REQUIRED_DEPENDENCIES:
		return v.storage_class ? clusprop_put_endmark(b) : ERROR_INVALID_FUNCTION;
	case CLCTL_ENUM_COMMON_PROPERTIES:
		return put_common_names(b, &v);
	case CLCTL_GET_COMMON_PROPERTIES:
		return put_common(b, &v, 0);
	case CLCTL_GET_RO_COMMON_PROPERTIES:
		return put_common(b, &v, 1);
	case CLCTL_VALIDATE_COMMON_PROPERTIES:
		/* what SET_COMMON_PROPERTIES would accept, not only the syntax */
		return q->in_size ? model_validate_props(m, v.props, q->name, q->in, q->in_size,
							 NULL)
				  : ERROR_INVALID_PARAMETER;
	case CLCTL_VALIDATE_PRIVATE_PROPERTIES:
		if (!v.res)
			return ERROR_INVALID_FUNCTION;
		return q->in_size ? clusprop_validate_property_list(q->in, q->in_size, NULL)
				  : ERROR_INVALID_PARAMETER;
	case CLCTL_GET_PRIVATE_PROPERTIES:
		if (v.priv_size)
			return clusprop_put_bare_bytes(b, v.priv, v.priv_size);
		return clusprop_builder_begin_plist(b);
	case CLCTL_GET_RO_PRIVATE_PROPERTIES:
		return clusprop_builder_begin_plist(b);
	case CLCTL_ENUM_PRIVATE_PROPERTIES:
		return put_priv_names(b, v.priv, v.priv_size);
	}
	return ERROR_INVALID_FUNCTION;
}

int answer_is_clusterd_only(uint32_t code)
{
	switch (code) {
	case CLUSCTL_RESOURCE_GET_NAME:
	case CLUSCTL_RESOURCE_GET_ID:
	case CLUSCTL_RESOURCE_GET_RESOURCE_TYPE:
	case CLUSCTL_RESOURCE_GET_FLAGS:
	case CLUSCTL_RESOURCE_ENUM_COMMON_PROPERTIES:
	case CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES:
	case CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES:
	case CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES:
		return 1;
	}
	return 0;
}
