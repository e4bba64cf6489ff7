/*
 * status.c - CS_OP_STATUS: the snapshot of the whole cluster, its decoding
 * from the reply's property list, and the enumerators built on it.
 *
 * The reply (clientproto.h) is a property list of records by name, each a
 * BINARY property holding a property list of named fields: "Cluster" (one),
 * "Node", "Group", "Resource" (one per object).  Fields and records of
 * other names are ignored (a newer clusterd); a required field missing, or
 * a known field of the wrong format, make the reply ERROR_INVALID_DATA.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "client.h"

#include <string.h>

#include "cs_alloc.h"
#include "cs_status_rec.h"

/* Growing arrays of the snapshot under construction. */
struct grow {
	size_t nodes_cap, groups_cap, resources_cap;
};

char **cs_strv_from_multi(const char *s, size_t len, uint32_t n)
{
	size_t ptrs = ((size_t)n + 1) * sizeof(char *);
	char **v;
	char *p;

	v = cs_malloc(ptrs + len + 1);
	if (!v)
		return NULL;
	p = (char *)v + ptrs;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		v[i] = p;
		p += strlen(p) + 1;
	}
	v[n] = NULL;
	return v;
}

char **cs_strv_from_array(const char *const *strs, size_t n)
{
	size_t len = 0;
	char **v;
	char *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(strs[i]) + 1;
	v = cs_malloc((n + 1) * sizeof(char *) + len + 1);
	if (!v)
		return NULL;
	p = (char *)(v + n + 1);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(strs[i]) + 1;
		memcpy(p, strs[i], l);
		v[i] = p;
		p += l;
	}
	v[n] = NULL;
	return v;
}

static void node_info_clear(cluster_node_info *n)
{
	cs_freep(&n->name);
}

static void group_info_clear(cluster_group_info *g)
{
	cs_freep(&g->name);
	cs_freep(&g->owner);
	cs_freep(&g->preferred_owners);
	cs_freep(&g->reason);
}

static void resource_info_clear(cluster_resource_info *r)
{
	cs_freep(&r->name);
	cs_freep(&r->type);
	cs_freep(&r->group);
	cs_freep(&r->owner);
	cs_freep(&r->dependencies);
	cs_freep(&r->possible_owners);
}

void cluster_status_free(cluster_status *s)
{
	if (!s)
		return;
	cs_free(s->cluster_name);
	cs_free(s->local_node_name);
	cs_free(s->notice);
	for (size_t i = 0; i < s->n_nodes; i++)
		node_info_clear(&s->nodes[i]);
	for (size_t i = 0; i < s->n_groups; i++)
		group_info_clear(&s->groups[i]);
	for (size_t i = 0; i < s->n_resources; i++)
		resource_info_clear(&s->resources[i]);
	cs_free(s->nodes);
	cs_free(s->groups);
	cs_free(s->resources);
	cs_free(s);
}

/* Make room for one more element in *arr (n used, *cap allocated). */
static uint32_t grow_array(void **arr, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return ERROR_SUCCESS;
	ncap = *cap ? *cap * 2 : 8;
	p = cs_realloc(*arr, ncap * elem);
	if (!p)
		return ERROR_NOT_ENOUGH_MEMORY;
	memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return ERROR_SUCCESS;
}

/* The reply's records (common/cs_status_rec.h) are decoded into their
 * structs, then moved into the public ones (states become the public enums). */
static uint32_t decode(const clusprop_value *v, const struct cs_st_table *t, void *rec)
{
	return rec_decode(v->data, v->length, t->fields, t->n_fields, rec, 0);
}

/* An empty NULL-terminated vector for a list the record left out. */
static uint32_t strv_or_empty(char ***v)
{
	if (!*v && !(*v = cs_calloc(1, sizeof(char *))))
		return ERROR_NOT_ENOUGH_MEMORY;
	return ERROR_SUCCESS;
}

static uint32_t add_cluster(cluster_status *s, const clusprop_value *v)
{
	struct cs_st_cluster c = { 0 };
	uint32_t rc;

	rc = decode(v, &cs_st_cluster, &c);
	if (rc == ERROR_SUCCESS && s->cluster_name)
		rc = ERROR_INVALID_DATA; /* two "Cluster" records */
	if (rc == ERROR_SUCCESS) {
		s->cluster_name = c.name;
		s->local_node_name = c.local_name;
		s->quorate = c.quorate != 0;
		s->local_node_id = c.local_id;
		s->synced = c.synced != 0;
		s->notice = c.notice;
		c.name = c.local_name = c.notice = NULL;
	}
	cs_free(c.name);
	cs_free(c.local_name);
	cs_free(c.notice);
	return rc;
}

static uint32_t add_node(cluster_status *s, struct grow *g, const clusprop_value *v)
{
	struct cs_st_node n = { 0 };
	uint32_t rc;

	rc = decode(v, &cs_st_node, &n);
	if (rc == ERROR_SUCCESS)
		rc = grow_array((void **)&s->nodes, s->n_nodes, &g->nodes_cap, sizeof(*s->nodes));
	if (rc == ERROR_SUCCESS) {
		cluster_node_info *ni = &s->nodes[s->n_nodes++];
		ni->name = n.name;
		ni->id = n.id;
		ni->state = (CLUSTER_NODE_STATE)(int32_t)n.state;
		n.name = NULL;
	}
	cs_free(n.name);
	return rc;
}

static uint32_t add_group(cluster_status *s, struct grow *g, const clusprop_value *v)
{
	struct cs_st_group sg = { 0 };
	uint32_t rc;

	rc = decode(v, &cs_st_group, &sg);
	if (rc == ERROR_SUCCESS)
		rc = strv_or_empty(&sg.preferred);
	if (rc == ERROR_SUCCESS)
		rc = grow_array((void **)&s->groups, s->n_groups, &g->groups_cap, sizeof(*s->groups));
	if (rc == ERROR_SUCCESS) {
		cluster_group_info *gi = &s->groups[s->n_groups++];
		gi->name = sg.name;
		gi->state = (CLUSTER_GROUP_STATE)(int32_t)sg.state;
		gi->owner = sg.owner;
		gi->preferred_owners = sg.preferred;
		gi->n_preferred_owners = sg.n_preferred;
		gi->reason = sg.reason;
		memset(&sg, 0, sizeof(sg));
	}
	cs_free(sg.name);
	cs_free(sg.owner);
	cs_free(sg.preferred);
	cs_free(sg.reason);
	return rc;
}

static uint32_t add_resource(cluster_status *s, struct grow *g, const clusprop_value *v)
{
	struct cs_st_resource sr = { 0 };
	uint32_t rc;

	rc = decode(v, &cs_st_resource, &sr);
	if (rc == ERROR_SUCCESS)
		rc = strv_or_empty(&sr.deps);
	if (rc == ERROR_SUCCESS)
		rc = strv_or_empty(&sr.owners);
	if (rc == ERROR_SUCCESS)
		rc = grow_array((void **)&s->resources, s->n_resources, &g->resources_cap,
				sizeof(*s->resources));
	if (rc == ERROR_SUCCESS) {
		cluster_resource_info *ri = &s->resources[s->n_resources++];
		ri->name = sr.name;
		ri->type = sr.type;
		ri->group = sr.group;
		ri->state = (CLUSTER_RESOURCE_STATE)(int32_t)sr.state;
		ri->owner = sr.owner;
		ri->dependencies = sr.deps;
		ri->n_dependencies = sr.n_deps;
		ri->possible_owners = sr.owners;
		ri->n_possible_owners = sr.n_owners;
		memset(&sr, 0, sizeof(sr));
	}
	cs_free(sr.name);
	cs_free(sr.type);
	cs_free(sr.group);
	cs_free(sr.owner);
	cs_free(sr.deps);
	cs_free(sr.owners);
	return rc;
}

uint32_t cs_status_decode(const void *buf, size_t size, cluster_status **ret)
{
	struct grow g = { 0 };
	clusprop_iter it;
	clusprop_value v;
	cluster_status *s = NULL;
	int iter_live = 0;
	uint32_t rc;

	if (!ret || (!buf && size))
		return ERROR_INVALID_PARAMETER;
	s = cs_calloc(1, sizeof(*s));
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	iter_live = 1;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		if (strcmp(v.name, "Cluster") && strcmp(v.name, "Node") && strcmp(v.name, "Group") &&
		    strcmp(v.name, "Resource"))
			continue; /* records of a newer clusterd */
		if (v.format != CLUSPROP_FORMAT_BINARY) {
			rc = ERROR_INVALID_DATA;
			goto out;
		}
		switch (v.name[0]) {
		case 'C': rc = add_cluster(s, &v); break;
		case 'N': rc = add_node(s, &g, &v); break;
		case 'G': rc = add_group(s, &g, &v); break;
		default: rc = add_resource(s, &g, &v); break;
		}
		if (rc != ERROR_SUCCESS)
			goto out;
	}
	if (rc != ERROR_NO_MORE_ITEMS)
		goto out;
	if (!s->cluster_name) {
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	*ret = s;
	s = NULL;
	rc = ERROR_SUCCESS;
out:
	if (iter_live)
		clusprop_iter_done(&it);
	cluster_status_free(s);
	return rc;
}

uint32_t cluster_get_status(cluster_handle *h, cluster_status **ret)
{
	struct cs_reply reply = { 0 };
	uint32_t rc;

	if (!h || !ret)
		return ERROR_INVALID_PARAMETER;
	rc = cs_call(h, CS_OP_STATUS, NULL, 0, CS_CALL_IDEMPOTENT, 0, &reply);
	if (rc != ERROR_SUCCESS)
		return rc;
	rc = reply.status;
	if (rc == ERROR_SUCCESS)
		rc = cs_status_decode(reply.payload, reply.length, ret);
	cs_reply_free(&reply);
	return rc;
}

/* ---- enumerators ---- */

enum enum_what { ENUM_NODES, ENUM_GROUPS, ENUM_RESOURCES };

static uint32_t enum_names(cluster_handle *h, enum enum_what what, const char *group,
			   char ***ret_names, size_t *ret_count)
{
	cluster_status *s = NULL;
	const char **names = NULL;
	char **strv = NULL;
	size_t n = 0, total;
	uint32_t rc;

	if (!h || !ret_names)
		return ERROR_INVALID_PARAMETER;
	rc = cluster_get_status(h, &s);
	if (rc != ERROR_SUCCESS)
		goto out;
	total = what == ENUM_NODES ? s->n_nodes : what == ENUM_GROUPS ? s->n_groups
								       : s->n_resources;
	names = cs_calloc(total + 1, sizeof(*names));
	if (!names) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	for (size_t i = 0; i < total; i++) {
		if (what == ENUM_NODES) {
			names[n++] = s->nodes[i].name;
		} else if (what == ENUM_GROUPS) {
			names[n++] = s->groups[i].name;
		} else if (!group || strcmp(s->resources[i].group, group) == 0) {
			names[n++] = s->resources[i].name;
		}
	}
	strv = cs_strv_from_array(names, n);
	if (!strv) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	*ret_names = strv;
	if (ret_count)
		*ret_count = n;
out:
	cs_free(names);
	cluster_status_free(s);
	return rc;
}

uint32_t cluster_enum_nodes(cluster_handle *h, char ***ret_names, size_t *ret_count)
{
	return enum_names(h, ENUM_NODES, NULL, ret_names, ret_count);
}

uint32_t cluster_enum_groups(cluster_handle *h, char ***ret_names, size_t *ret_count)
{
	return enum_names(h, ENUM_GROUPS, NULL, ret_names, ret_count);
}

uint32_t cluster_enum_resources(cluster_handle *h, char ***ret_names, size_t *ret_count)
{
	return enum_names(h, ENUM_RESOURCES, NULL, ret_names, ret_count);
}

uint32_t cluster_group_enum_resources(cluster_group *g, char ***ret_names, size_t *ret_count)
{
	char *name = NULL;
	uint32_t rc;

	if (!g || !ret_names)
		return ERROR_INVALID_PARAMETER;
	pthread_mutex_lock(&g->o.h->name_lock);
	name = cs_strdup(g->o.name);
	pthread_mutex_unlock(&g->o.h->name_lock);
	if (!name)
		return ERROR_NOT_ENOUGH_MEMORY;
	rc = enum_names(g->o.h, ENUM_RESOURCES, name, ret_names, ret_count);
	cs_free(name);
	return rc;
}

/* ---- state names ---- */

const char *cluster_resource_state_name(CLUSTER_RESOURCE_STATE state)
{
	switch (state) {
	case ClusterResourceInherited: return "Inherited";
	case ClusterResourceInitializing: return "Initializing";
	case ClusterResourceOnline: return "Online";
	case ClusterResourceOffline: return "Offline";
	case ClusterResourceFailed: return "Failed";
	case ClusterResourcePending: return "Pending";
	case ClusterResourceOnlinePending: return "OnlinePending";
	case ClusterResourceOfflinePending: return "OfflinePending";
	default: return "Unknown";
	}
}

const char *cluster_group_state_name(CLUSTER_GROUP_STATE state)
{
	switch (state) {
	case ClusterGroupOnline: return "Online";
	case ClusterGroupOffline: return "Offline";
	case ClusterGroupFailed: return "Failed";
	case ClusterGroupPartialOnline: return "PartialOnline";
	case ClusterGroupPending: return "Pending";
	default: return "Unknown";
	}
}

const char *cluster_node_state_name(CLUSTER_NODE_STATE state)
{
	switch (state) {
	case ClusterNodeUp: return "Up";
	case ClusterNodeDown: return "Down";
	case ClusterNodePaused: return "Paused";
	case ClusterNodeJoining: return "Joining";
	default: return "Unknown";
	}
}
