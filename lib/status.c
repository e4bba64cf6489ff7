/*
 * status.c - CS_OP_STATUS: the snapshot of the whole cluster, its decoding
 * from the reply's property list, and the enumerators built on it.
 *
 * The reply is a property list in which a property may carry several values
 * (clientproto.h):
 *   "Cluster"  SZ name, DWORD quorate, DWORD local node id, SZ local node name
 *   "Node"     SZ name, DWORD id, DWORD state                  (one per node)
 *   "Group"    SZ name, DWORD state, SZ owner, MULTI_SZ preferred owners
 *   "Resource" SZ name, SZ type, SZ group, DWORD state, SZ owner,
 *              MULTI_SZ depends-on, MULTI_SZ possible owners
 * Values past the ones listed, and properties of other names, are ignored
 * (room for later versions of clusterd); fewer values, or a value of the
 * wrong format, make the reply ERROR_INVALID_DATA.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "client.h"

#include <string.h>

#include "cs_alloc.h"

/* Most values a known property has. */
#define MAX_VALUES 8

/* One value of the property being collected (strings copied). */
struct pval {
	uint16_t format;
	uint32_t dw;
	char *str;          /* SZ: the string; MULTI_SZ: "a\0b\0" */
	size_t str_len;
	uint32_t str_count;
};

struct pcollect {
	char *name;
	uint32_t index;
	size_t n;
	struct pval v[MAX_VALUES];
};

/* Growing arrays of the snapshot under construction. */
struct grow {
	size_t nodes_cap, groups_cap, resources_cap;
};

static void pcollect_clear(struct pcollect *pc)
{
	cs_freep(&pc->name);
	for (size_t i = 0; i < pc->n; i++)
		cs_freep(&pc->v[i].str);
	pc->n = 0;
}

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

/* Check that value i exists with the given format. */
static int has(const struct pcollect *pc, size_t i, uint16_t format)
{
	return i < pc->n && pc->v[i].format == format;
}

/* Take the SZ of value i (ownership moves). */
static char *take_sz(struct pcollect *pc, size_t i)
{
	char *s = pc->v[i].str;

	pc->v[i].str = NULL;
	return s;
}

/* An owner: "" means none (NULL). */
static char *take_owner(struct pcollect *pc, size_t i)
{
	if (pc->v[i].str && pc->v[i].str[0] == '\0')
		return NULL;
	return take_sz(pc, i);
}

static uint32_t multi_to_strv(const struct pval *v, char ***ret, size_t *ret_n)
{
	char **strv = cs_strv_from_multi(v->str, v->str_len, v->str_count);

	if (!strv)
		return ERROR_NOT_ENOUGH_MEMORY;
	*ret = strv;
	*ret_n = v->str_count;
	return ERROR_SUCCESS;
}

static uint32_t apply_cluster(cluster_status *s, struct pcollect *pc)
{
	if (!has(pc, 0, CLUSPROP_FORMAT_SZ) || !has(pc, 1, CLUSPROP_FORMAT_DWORD) ||
	    !has(pc, 2, CLUSPROP_FORMAT_DWORD) || !has(pc, 3, CLUSPROP_FORMAT_SZ))
		return ERROR_INVALID_DATA;
	if (s->cluster_name)
		return ERROR_INVALID_DATA; /* two "Cluster" properties */
	s->cluster_name = take_sz(pc, 0);
	s->quorate = pc->v[1].dw != 0;
	s->local_node_id = pc->v[2].dw;
	s->local_node_name = take_sz(pc, 3);
	return ERROR_SUCCESS;
}

static uint32_t apply_node(cluster_status *s, struct grow *g, struct pcollect *pc)
{
	cluster_node_info *n;
	uint32_t rc;

	if (!has(pc, 0, CLUSPROP_FORMAT_SZ) || !has(pc, 1, CLUSPROP_FORMAT_DWORD) ||
	    !has(pc, 2, CLUSPROP_FORMAT_DWORD))
		return ERROR_INVALID_DATA;
	rc = grow_array((void **)&s->nodes, s->n_nodes, &g->nodes_cap, sizeof(*s->nodes));
	if (rc != ERROR_SUCCESS)
		return rc;
	n = &s->nodes[s->n_nodes++];
	n->name = take_sz(pc, 0);
	n->id = pc->v[1].dw;
	n->state = (CLUSTER_NODE_STATE)(int32_t)pc->v[2].dw;
	return ERROR_SUCCESS;
}

static uint32_t apply_group(cluster_status *s, struct grow *g, struct pcollect *pc)
{
	cluster_group_info gi = { 0 };
	uint32_t rc;

	if (!has(pc, 0, CLUSPROP_FORMAT_SZ) || !has(pc, 1, CLUSPROP_FORMAT_DWORD) ||
	    !has(pc, 2, CLUSPROP_FORMAT_SZ) || !has(pc, 3, CLUSPROP_FORMAT_MULTI_SZ))
		return ERROR_INVALID_DATA;
	rc = grow_array((void **)&s->groups, s->n_groups, &g->groups_cap, sizeof(*s->groups));
	if (rc != ERROR_SUCCESS)
		return rc;
	rc = multi_to_strv(&pc->v[3], &gi.preferred_owners, &gi.n_preferred_owners);
	if (rc != ERROR_SUCCESS)
		return rc;
	gi.name = take_sz(pc, 0);
	gi.state = (CLUSTER_GROUP_STATE)(int32_t)pc->v[1].dw;
	gi.owner = take_owner(pc, 2);
	s->groups[s->n_groups++] = gi;
	return ERROR_SUCCESS;
}

static uint32_t apply_resource(cluster_status *s, struct grow *g, struct pcollect *pc)
{
	cluster_resource_info ri = { 0 };
	uint32_t rc;

	if (!has(pc, 0, CLUSPROP_FORMAT_SZ) || !has(pc, 1, CLUSPROP_FORMAT_SZ) ||
	    !has(pc, 2, CLUSPROP_FORMAT_SZ) || !has(pc, 3, CLUSPROP_FORMAT_DWORD) ||
	    !has(pc, 4, CLUSPROP_FORMAT_SZ) || !has(pc, 5, CLUSPROP_FORMAT_MULTI_SZ) ||
	    !has(pc, 6, CLUSPROP_FORMAT_MULTI_SZ))
		return ERROR_INVALID_DATA;
	rc = grow_array((void **)&s->resources, s->n_resources, &g->resources_cap,
			sizeof(*s->resources));
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = multi_to_strv(&pc->v[5], &ri.dependencies, &ri.n_dependencies);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = multi_to_strv(&pc->v[6], &ri.possible_owners, &ri.n_possible_owners);
	if (rc != ERROR_SUCCESS)
		goto out;
	ri.name = take_sz(pc, 0);
	ri.type = take_sz(pc, 1);
	ri.group = take_sz(pc, 2);
	ri.state = (CLUSTER_RESOURCE_STATE)(int32_t)pc->v[3].dw;
	ri.owner = take_owner(pc, 4);
	s->resources[s->n_resources++] = ri;
	memset(&ri, 0, sizeof(ri));
out:
	resource_info_clear(&ri);
	return rc;
}

static uint32_t apply(cluster_status *s, struct grow *g, struct pcollect *pc)
{
	if (!pc->name)
		return ERROR_SUCCESS;
	if (strcmp(pc->name, "Cluster") == 0)
		return apply_cluster(s, pc);
	if (strcmp(pc->name, "Node") == 0)
		return apply_node(s, g, pc);
	if (strcmp(pc->name, "Group") == 0)
		return apply_group(s, g, pc);
	if (strcmp(pc->name, "Resource") == 0)
		return apply_resource(s, g, pc);
	return ERROR_SUCCESS;
}

/* Copy value v into pc (as value pc->n). */
static uint32_t collect(struct pcollect *pc, const clusprop_value *v)
{
	struct pval *pv;

	if (pc->n == MAX_VALUES)
		return ERROR_SUCCESS; /* values past those known: ignored */
	pv = &pc->v[pc->n];
	memset(pv, 0, sizeof(*pv));
	pv->format = v->format;
	if (v->format == CLUSPROP_FORMAT_DWORD)
		pv->dw = v->num.dw;
	if ((v->format == CLUSPROP_FORMAT_SZ || v->format == CLUSPROP_FORMAT_MULTI_SZ) &&
	    v->str) {
		pv->str = cs_malloc(v->str_len + 1);
		if (!pv->str)
			return ERROR_NOT_ENOUGH_MEMORY;
		memcpy(pv->str, v->str, v->str_len);
		pv->str[v->str_len] = '\0';
		pv->str_len = v->str_len;
		pv->str_count = v->str_count;
	}
	pc->n++;
	return ERROR_SUCCESS;
}

uint32_t cs_status_decode(const void *buf, size_t size, cluster_status **ret)
{
	struct pcollect pc = { 0 };
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
	for (;;) {
		rc = clusprop_iter_next(&it, &v);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		if (rc != ERROR_SUCCESS)
			goto out;
		if (!pc.name || v.property_index != pc.index) {
			rc = apply(s, &g, &pc);
			pcollect_clear(&pc);
			if (rc != ERROR_SUCCESS)
				goto out;
			pc.name = cs_strdup(v.name);
			if (!pc.name) {
				rc = ERROR_NOT_ENOUGH_MEMORY;
				goto out;
			}
			pc.index = v.property_index;
		}
		rc = collect(&pc, &v);
		if (rc != ERROR_SUCCESS)
			goto out;
	}
	rc = apply(s, &g, &pc);
	if (rc != ERROR_SUCCESS)
		goto out;
	if (!s->cluster_name) {
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	*ret = s;
	s = NULL;
out:
	pcollect_clear(&pc);
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
