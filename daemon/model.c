/*
 * model.c - see model.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "model.h"

#include <string.h>

#include "cs_alloc.h"
#include "cs_bytes.h"


/* ---- string vectors ---- */

int strv_contains(const struct cs_strv *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return 1;
	return 0;
}

uint32_t strv_add(struct cs_strv *s, const char *x)
{
	char *d = cs_strdup(x);
	char **nv;

	if (!d)
		return ERROR_NOT_ENOUGH_MEMORY;
	nv = cs_realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv) {
		cs_free(d);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	nv[s->n++] = d;
	s->v = nv;
	return ERROR_SUCCESS;
}

void strv_remove(struct cs_strv *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], x))
			continue;
		cs_free(s->v[i]);
		memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
		s->n--;
		return;
	}
}

void strv_free(struct cs_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		cs_free(s->v[i]);
	cs_freep(&s->v);
	s->n = 0;
}

static uint32_t strv_set(struct cs_strv *s, char *const *v, size_t n)
{
	struct cs_strv t = { 0 };

	for (size_t i = 0; i < n; i++) {
		if (strv_add(&t, v[i]) != ERROR_SUCCESS) {
			strv_free(&t);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
	}
	strv_free(s);
	*s = t;
	return ERROR_SUCCESS;
}

static uint32_t strv_rename(struct cs_strv *s, const char *from, const char *to)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->v[i], from))
			continue;
		char *d = cs_strdup(to);
		if (!d)
			return ERROR_NOT_ENOUGH_MEMORY;
		cs_free(s->v[i]);
		s->v[i] = d;
	}
	return ERROR_SUCCESS;
}

/* ---- objects ---- */

static void group_free(struct cs_group *g)
{
	if (!g)
		return;
	cs_free(g->name);
	strv_free(&g->preferred);
	cs_free(g);
}

static void resource_free(struct cs_resource *r)
{
	if (!r)
		return;
	cs_free(r->name);
	cs_free(r->type);
	cs_free(r->group);
	strv_free(&r->deps);
	strv_free(&r->owners);
	cs_free(r->priv);
	cs_free(r);
}

void model_init(struct cs_model *m)
{
	memset(m, 0, sizeof(*m));
}

static void clear_objects(struct cs_model *m)
{
	for (size_t i = 0; i < m->n_groups; i++)
		group_free(m->groups[i]);
	cs_freep(&m->groups);
	m->n_groups = 0;
	for (size_t i = 0; i < m->n_resources; i++)
		resource_free(m->resources[i]);
	cs_freep(&m->resources);
	m->n_resources = 0;
}

void model_free(struct cs_model *m)
{
	clear_objects(m);
	for (size_t i = 0; i < m->n_nodes; i++)
		cs_free(m->nodes[i].name);
	cs_free(m->nodes);
	cs_free(m->cluster_name);
	strv_free(&m->deleted_groups);
	strv_free(&m->deleted_resources);
	memset(m, 0, sizeof(*m));
}

struct cs_group *model_group(const struct cs_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->n_groups; i++)
		if (!strcmp(m->groups[i]->name, name))
			return m->groups[i];
	return NULL;
}

struct cs_resource *model_resource(const struct cs_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->n_resources; i++)
		if (!strcmp(m->resources[i]->name, name))
			return m->resources[i];
	return NULL;
}

struct cs_resource *model_resource_by_uid(const struct cs_model *m, uint64_t uid)
{
	for (size_t i = 0; i < m->n_resources; i++)
		if (m->resources[i]->uid == uid)
			return m->resources[i];
	return NULL;
}

struct cs_node *model_node(const struct cs_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->n_nodes; i++)
		if (!strcmp(m->nodes[i].name, name))
			return &m->nodes[i];
	return NULL;
}

struct cs_node *model_node_by_id(const struct cs_model *m, uint32_t id)
{
	for (size_t i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].id == id)
			return &m->nodes[i];
	return NULL;
}

const char *model_node_name(const struct cs_model *m, uint32_t id)
{
	const struct cs_node *n = model_node_by_id(m, id);

	return n ? n->name : "";
}

uint32_t model_set_node(struct cs_model *m, uint32_t id, const char *name, uint32_t state)
{
	struct cs_node *n = model_node_by_id(m, id), *nv;
	char *d;

	if (n) {
		n->state = state;
		if (name && strcmp(n->name, name)) {
			if (!(d = cs_strdup(name)))
				return ERROR_NOT_ENOUGH_MEMORY;
			cs_free(n->name);
			n->name = d;
		}
		return ERROR_SUCCESS;
	}
	if (!(d = cs_strdup(name)))
		return ERROR_NOT_ENOUGH_MEMORY;
	nv = cs_realloc(m->nodes, (m->n_nodes + 1) * sizeof(*nv));
	if (!nv) {
		cs_free(d);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	m->nodes = nv;
	/* keep nodes sorted by id: placement walks them in this order */
	size_t at = m->n_nodes;
	while (at > 0 && m->nodes[at - 1].id > id)
		at--;
	memmove(&m->nodes[at + 1], &m->nodes[at], (m->n_nodes - at) * sizeof(*nv));
	m->nodes[at] = (struct cs_node){ .name = d, .id = id, .state = state };
	m->n_nodes++;
	return ERROR_SUCCESS;
}

static uint32_t push(void *arrp, size_t *n, void *obj)
{
	void ***arr = arrp;
	void **nv = cs_realloc(*arr, (*n + 1) * sizeof(void *));

	if (!nv)
		return ERROR_NOT_ENOUGH_MEMORY;
	nv[(*n)++] = obj;
	*arr = nv;
	return ERROR_SUCCESS;
}

static void pull(void *arrp, size_t *n, const void *obj)
{
	void **arr = *(void ***)arrp;

	for (size_t i = 0; i < *n; i++) {
		if (arr[i] != obj)
			continue;
		memmove(&arr[i], &arr[i + 1], (*n - i - 1) * sizeof(void *));
		(*n)--;
		return;
	}
}

static struct cs_group *group_new(const char *name)
{
	struct cs_group *g = cs_calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	if (!(g->name = cs_strdup(name))) {
		cs_free(g);
		return NULL;
	}
	g->failover_threshold = CS_DEFAULT_FAILOVER_THRESHOLD;
	g->failover_period = CS_DEFAULT_FAILOVER_PERIOD_H;
	g->autofailback = ClusterGroupPreventFailback;
	g->state = ClusterGroupOffline;
	return g;
}

static struct cs_resource *resource_new(const char *name, const char *type, const char *group)
{
	struct cs_resource *r = cs_calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = cs_strdup(name);
	r->type = cs_strdup(type);
	r->group = cs_strdup(group);
	if (!r->name || !r->type || !r->group) {
		resource_free(r);
		return NULL;
	}
	r->restart_action = CS_DEFAULT_RESTART_ACTION;
	r->restart_threshold = CS_DEFAULT_RESTART_THRESHOLD;
	r->restart_period = CS_DEFAULT_RESTART_PERIOD_MS;
	r->looks_alive_ms = CS_DEFAULT_LOOKS_ALIVE_MS;
	r->is_alive_ms = CS_DEFAULT_IS_ALIVE_MS;
	r->pending_timeout_ms = CS_DEFAULT_PENDING_TIMEOUT_MS;
	r->state = ClusterResourceOffline;
	return r;
}

/* Does `from` depend, directly or not, on `to`? */
static int depends_on(const struct cs_model *m, const struct cs_resource *from,
		      const char *to, unsigned depth)
{
	if (depth > m->n_resources)
		return 1; /* cannot happen in an acyclic graph */
	for (size_t i = 0; i < from->deps.n; i++) {
		if (!strcmp(from->deps.v[i], to))
			return 1;
		const struct cs_resource *d = model_resource(m, from->deps.v[i]);
		if (d && depends_on(m, d, to, depth + 1))
			return 1;
	}
	return 0;
}

static int valid_name(const char *s)
{
	if (!s || !*s || strlen(s) > 255)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == '/')
			return 0;
	return 1;
}

#define FAIL(code, text) do { *why = (text); return (code); } while (0)

static uint32_t set_common(struct cs_resource *r, const struct cs_args *a, const char **why)
{
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc, vals[6];
	static const char *const names[6] = {
		"RestartAction", "RestartThreshold", "RestartPeriod",
		"LooksAlivePollInterval", "IsAlivePollInterval", "PendingTimeout",
	};

	vals[0] = r->restart_action;
	vals[1] = r->restart_threshold;
	vals[2] = r->restart_period;
	vals[3] = r->looks_alive_ms;
	vals[4] = r->is_alive_ms;
	vals[5] = r->pending_timeout_ms;
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, a->in, a->in_size, NULL);
	if (rc != ERROR_SUCCESS)
		FAIL(rc, "malformed property list");
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		size_t i;
		for (i = 0; i < 6 && strcmp(v.name, names[i]); i++)
			;
		if (i == 6 || v.format != CLUSPROP_FORMAT_DWORD) {
			rc = ERROR_INVALID_PARAMETER;
			*why = "unknown or read-only common property, or not a DWORD";
			break;
		}
		vals[i] = v.num.dw;
	}
	clusprop_iter_done(&it);
	if (rc != ERROR_NO_MORE_ITEMS)
		return rc;
	if (vals[0] > ClusterResourceRestartNotify || vals[3] == 0 || vals[4] == 0)
		FAIL(ERROR_INVALID_PARAMETER, "property value out of range");
	r->restart_action = vals[0];
	r->restart_threshold = vals[1];
	r->restart_period = vals[2];
	r->looks_alive_ms = vals[3];
	r->is_alive_ms = vals[4];
	r->pending_timeout_ms = vals[5];
	return ERROR_SUCCESS;
}

uint32_t model_validate_common(const struct cs_resource *r, const void *in, size_t in_size,
			       const char **why)
{
	struct cs_resource copy = *r; /* set_common changes only its numbers */
	struct cs_args a = { .in = (void *)in, .in_size = in_size };
	static const char *none;

	return set_common(&copy, &a, why ? why : &none);
}

uint32_t model_apply(struct cs_model *m, uint32_t op, const struct cs_args *a, const char **why)
{
	struct cs_group *g = NULL;
	struct cs_resource *r = NULL, *d;
	static const char *none;
	uint32_t rc = ERROR_SUCCESS;

	if (!why)
		why = &none;
	*why = NULL;
	switch (op) {
	case MOP_GROUP_CREATE:
		if (!valid_name(a->name))
			FAIL(ERROR_INVALID_NAME, "invalid group name");
		if (model_group(m, a->name) || model_resource(m, a->name))
			FAIL(ERROR_OBJECT_ALREADY_EXISTS, "an object of that name exists");
		if (!(g = group_new(a->name)))
			return ERROR_NOT_ENOUGH_MEMORY;
		if (push(&m->groups, &m->n_groups, g) != ERROR_SUCCESS) {
			group_free(g);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		strv_remove(&m->deleted_groups, g->name);
		g->dirty = 1;
		break;
	case MOP_GROUP_DELETE:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		for (size_t i = 0; i < m->n_resources; i++)
			if (!strcmp(m->resources[i]->group, g->name))
				FAIL(ERROR_DIR_NOT_EMPTY, "the group still has resources");
		if ((rc = strv_add(&m->deleted_groups, g->name)) != ERROR_SUCCESS)
			return rc;
		pull(&m->groups, &m->n_groups, g);
		group_free(g);
		break;
	case MOP_GROUP_RENAME: {
		char *nn;
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		if (!valid_name(a->new_name))
			FAIL(ERROR_INVALID_NAME, "invalid group name");
		if (model_group(m, a->new_name) || model_resource(m, a->new_name))
			FAIL(ERROR_OBJECT_ALREADY_EXISTS, "an object of that name exists");
		if (!(nn = cs_strdup(a->new_name)))
			return ERROR_NOT_ENOUGH_MEMORY;
		if ((rc = strv_add(&m->deleted_groups, g->name)) != ERROR_SUCCESS) {
			cs_free(nn);
			return rc;
		}
		for (size_t i = 0; i < m->n_resources; i++) {
			r = m->resources[i];
			if (strcmp(r->group, g->name))
				continue;
			char *gn = cs_strdup(nn);
			if (!gn) {
				cs_free(nn);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
			cs_free(r->group);
			r->group = gn;
			r->dirty = 1;
		}
		cs_free(g->name);
		g->name = nn;
		strv_remove(&m->deleted_groups, nn);
		g->dirty = 1;
		break;
	}
	case MOP_GROUP_SET_OWNERS:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		for (size_t i = 0; i < a->n_nodes; i++)
			if (!model_node(m, a->nodes[i]))
				FAIL(ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
		if ((rc = strv_set(&g->preferred, a->nodes, a->n_nodes)) != ERROR_SUCCESS)
			return rc;
		g->dirty = 1;
		break;
	case MOP_GROUP_PERSIST:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		g->persistent = a->state ? 1 : 0;
		g->dirty = 1;
		for (size_t i = 0; i < m->n_resources; i++) {
			r = m->resources[i];
			if (strcmp(r->group, g->name))
				continue;
			if (r->persistent != g->persistent) {
				r->persistent = g->persistent;
				r->dirty = 1;
			}
			/* online on request: a Failed resource is tried again */
			if (a->state && r->state == ClusterResourceFailed)
				r->state = ClusterResourceOffline;
		}
		g->state = model_group_state(m, g);
		break;
	case MOP_RES_PERSIST:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		for (size_t i = 0; i < m->n_resources; i++) {
			d = m->resources[i];
			/* online: r and what it needs; offline: r and what needs it */
			int hit = d == r || (a->state ? depends_on(m, r, d->name, 0)
						      : depends_on(m, d, r->name, 0));
			if (hit && d->persistent != (a->state ? 1u : 0u)) {
				d->persistent = a->state ? 1 : 0;
				d->dirty = 1;
			}
			/* online on request: a Failed resource is tried again */
			if (hit && a->state && d->state == ClusterResourceFailed)
				d->state = ClusterResourceOffline;
		}
		if ((g = model_group(m, r->group))) {
			g->state = model_group_state(m, g);
			uint32_t any = 0;
			for (size_t i = 0; i < m->n_resources; i++)
				if (!strcmp(m->resources[i]->group, g->name) && m->resources[i]->persistent)
					any = 1;
			if (g->persistent != any) {
				g->persistent = any;
				g->dirty = 1;
			}
		}
		break;
	case MOP_RES_CREATE:
		if (!valid_name(a->name))
			FAIL(ERROR_INVALID_NAME, "invalid resource name");
		if (!valid_name(a->type))
			FAIL(ERROR_INVALID_PARAMETER, "a resource needs a type");
		if (model_group(m, a->name) || model_resource(m, a->name))
			FAIL(ERROR_OBJECT_ALREADY_EXISTS, "an object of that name exists");
		if (!(g = model_group(m, a->group)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		if (a->has_priv && a->priv_size &&
		    clusprop_validate_property_list(a->priv, a->priv_size, NULL) != ERROR_SUCCESS)
			FAIL(ERROR_INVALID_DATA, "malformed private property list");
		if (!(r = resource_new(a->name, a->type, a->group)))
			return ERROR_NOT_ENOUGH_MEMORY;
		r->uid = m->version + 1; /* the same on every replica */
		if (a->has_priv && a->priv_size) {
			if (!(r->priv = cs_malloc(a->priv_size))) {
				resource_free(r);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
			memcpy(r->priv, a->priv, a->priv_size);
			r->priv_size = a->priv_size;
		}
		if (push(&m->resources, &m->n_resources, r) != ERROR_SUCCESS) {
			resource_free(r);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		strv_remove(&m->deleted_resources, r->name);
		r->dirty = 1;
		break;
	case MOP_RES_DELETE:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if (r->state != ClusterResourceOffline && r->state != ClusterResourceFailed)
			FAIL(ERROR_RESOURCE_ONLINE, "take the resource offline first");
		for (size_t i = 0; i < m->n_resources; i++)
			if (strv_contains(&m->resources[i]->deps, r->name))
				FAIL(ERROR_DEPENDENT_RESOURCE_EXISTS, "another resource depends on it");
		if ((rc = strv_add(&m->deleted_resources, r->name)) != ERROR_SUCCESS)
			return rc;
		pull(&m->resources, &m->n_resources, r);
		resource_free(r);
		break;
	case MOP_RES_RENAME: {
		char *nn;
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if (!valid_name(a->new_name))
			FAIL(ERROR_INVALID_NAME, "invalid resource name");
		if (model_group(m, a->new_name) || model_resource(m, a->new_name))
			FAIL(ERROR_OBJECT_ALREADY_EXISTS, "an object of that name exists");
		if (!(nn = cs_strdup(a->new_name)))
			return ERROR_NOT_ENOUGH_MEMORY;
		if ((rc = strv_add(&m->deleted_resources, r->name)) != ERROR_SUCCESS) {
			cs_free(nn);
			return rc;
		}
		for (size_t i = 0; i < m->n_resources; i++) {
			d = m->resources[i];
			if (!strv_contains(&d->deps, r->name))
				continue;
			if ((rc = strv_rename(&d->deps, r->name, nn)) != ERROR_SUCCESS) {
				cs_free(nn);
				return rc;
			}
			d->dirty = 1;
		}
		cs_free(r->name);
		r->name = nn;
		strv_remove(&m->deleted_resources, nn);
		r->dirty = 1;
		break;
	}
	case MOP_RES_ADD_DEP:
		if (!(r = model_resource(m, a->name)) || !(d = model_resource(m, a->depends_on)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if (strcmp(r->group, d->group))
			FAIL(ERROR_INVALID_PARAMETER, "dependencies must stay inside one group");
		if (strv_contains(&r->deps, d->name))
			FAIL(ERROR_DEPENDENCY_ALREADY_EXISTS, "that dependency exists");
		if (r == d || depends_on(m, d, r->name, 0))
			FAIL(ERROR_CIRCULAR_DEPENDENCY, "the dependency would make a cycle");
		if ((rc = strv_add(&r->deps, d->name)) != ERROR_SUCCESS)
			return rc;
		r->dirty = 1;
		break;
	case MOP_RES_DEL_DEP:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if (!strv_contains(&r->deps, a->depends_on ? a->depends_on : ""))
			FAIL(ERROR_DEPENDENCY_NOT_FOUND, "no such dependency");
		strv_remove(&r->deps, a->depends_on);
		r->dirty = 1;
		break;
	case MOP_RES_ADD_OWNER:
	case MOP_RES_DEL_OWNER:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if (!model_node(m, a->node))
			FAIL(ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
		if (op == MOP_RES_ADD_OWNER) {
			if (strv_contains(&r->owners, a->node))
				FAIL(ERROR_OBJECT_ALREADY_EXISTS, "already a possible owner");
			if ((rc = strv_add(&r->owners, a->node)) != ERROR_SUCCESS)
				return rc;
		} else {
			if (!strv_contains(&r->owners, a->node))
				FAIL(ERROR_CLUSTER_NODE_NOT_FOUND, "not a possible owner");
			strv_remove(&r->owners, a->node);
		}
		r->dirty = 1;
		break;
	case MOP_RES_SET_PRIVATE: {
		void *p = NULL;
		size_t size = 0;
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if (!a->priv_size ||
		    clusprop_validate_property_list(a->priv, a->priv_size, NULL) != ERROR_SUCCESS)
			FAIL(ERROR_INVALID_DATA, "malformed private property list");
		/* MSCS semantics: the properties given replace those of the same
		 * name; the others stay */
		if ((rc = model_plist_merge(r->priv, r->priv_size, a->priv, a->priv_size, &p,
					    &size)) != ERROR_SUCCESS)
			return rc;
		cs_free(r->priv);
		r->priv = p;
		r->priv_size = size;
		r->priv_gen++;
		r->dirty = 1;
		break;
	}
	case MOP_RES_SET_COMMON:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if ((rc = set_common(r, a, why)) != ERROR_SUCCESS)
			return rc;
		r->dirty = 1;
		break;
	case MOP_RES_STATE:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		r->state = a->state;
		if ((g = model_group(m, r->group)))
			g->state = model_group_state(m, g);
		return ERROR_SUCCESS;
	case MOP_GROUP_OWNER:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		g->owner = a->node_id;
		g->moving_to = 0;
		g->placing = 0;
		for (size_t i = 0; i < m->n_resources; i++) {
			r = m->resources[i];
			if (!strcmp(r->group, g->name)) {
				r->state = ClusterResourceOffline;
				r->restarts = 0;
			}
		}
		g->state = model_group_state(m, g);
		return ERROR_SUCCESS;
	case MOP_NODE_PAUSE: {
		struct cs_node *n = model_node(m, a->name);
		if (!n)
			FAIL(ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
		n->paused = a->state ? 1 : 0;
		if (n->state == ClusterNodeUp || n->state == ClusterNodePaused)
			n->state = n->paused ? ClusterNodePaused : ClusterNodeUp;
		return ERROR_SUCCESS;
	}
	case MOP_GROUP_MOVING:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		g->moving_to = a->node_id;
		return ERROR_SUCCESS;
	default:
		FAIL(ERROR_INVALID_FUNCTION, "unknown operation");
	}
	m->version++;
	return ERROR_SUCCESS;
}

uint32_t model_group_state(const struct cs_model *m, const struct cs_group *g)
{
	size_t n = 0, online = 0, offline = 0, failed = 0, pending = 0;

	for (size_t i = 0; i < m->n_resources; i++) {
		const struct cs_resource *r = m->resources[i];
		if (strcmp(r->group, g->name))
			continue;
		n++;
		switch (r->state) {
		case ClusterResourceOnline: online++; break;
		case ClusterResourceFailed: failed++; break;
		case ClusterResourceOnlinePending:
		case ClusterResourceOfflinePending:
		case ClusterResourcePending: pending++; break;
		default: offline++; break;
		}
	}
	if (n == 0)
		return g->persistent && g->owner ? ClusterGroupOnline : ClusterGroupOffline;
	if (pending)
		return ClusterGroupPending;
	if (online == n)
		return ClusterGroupOnline;
	if (failed)
		return ClusterGroupFailed;
	if (online)
		return ClusterGroupPartialOnline;
	return ClusterGroupOffline;
}

uint32_t model_group_order(const struct cs_model *m, const struct cs_group *g,
			   struct cs_resource ***ret, size_t *ret_n)
{
	struct cs_resource **out;
	size_t n = 0, total = 0;

	for (size_t i = 0; i < m->n_resources; i++)
		if (!strcmp(m->resources[i]->group, g->name))
			total++;
	out = cs_calloc(total + 1, sizeof(*out));
	if (!out)
		return ERROR_NOT_ENOUGH_MEMORY;
	/* Kahn's algorithm, stable in creation order. */
	while (n < total) {
		size_t before = n;
		for (size_t i = 0; i < m->n_resources; i++) {
			struct cs_resource *r = m->resources[i];
			int placed = 0, ready = 1;
			if (strcmp(r->group, g->name))
				continue;
			for (size_t k = 0; k < n; k++)
				if (out[k] == r)
					placed = 1;
			if (placed)
				continue;
			for (size_t dI = 0; dI < r->deps.n && ready; dI++) {
				int found = 0;
				for (size_t k = 0; k < n; k++)
					if (!strcmp(out[k]->name, r->deps.v[dI]))
						found = 1;
				ready = found;
			}
			if (ready)
				out[n++] = r;
		}
		if (n == before)
			break; /* cannot happen: cycles are refused */
	}
	*ret = out;
	*ret_n = n;
	return ERROR_SUCCESS;
}

int model_group_wanted(const struct cs_model *m, const struct cs_group *g)
{
	(void)m;
	return g->persistent != 0;
}

static int in_list(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

uint32_t model_choose_node(const struct cs_model *m, const struct cs_group *g,
			   const uint32_t *members, size_t n_members, uint32_t exclude)
{
	for (size_t i = 0; i < g->preferred.n; i++) {
		const struct cs_node *n = model_node(m, g->preferred.v[i]);
		if (n && n->id != exclude && n->state == ClusterNodeUp &&
		    in_list(members, n_members, n->id) && model_node_can_own(m, g, n->name))
			return n->id;
	}
	for (size_t i = 0; i < m->n_nodes; i++) {
		const struct cs_node *n = &m->nodes[i];
		if (n->id != exclude && n->state == ClusterNodeUp &&
		    in_list(members, n_members, n->id) && model_node_can_own(m, g, n->name))
			return n->id;
	}
	return 0;
}

int model_node_can_own(const struct cs_model *m, const struct cs_group *g, const char *node)
{
	for (size_t i = 0; i < m->n_resources; i++) {
		const struct cs_resource *r = m->resources[i];
		if (!strcmp(r->group, g->name) && r->owners.n && !strv_contains(&r->owners, node))
			return 0;
	}
	return 1;
}

/* ---- private property lists ---- */

/* The byte range of each property of a validated property list. */
struct prop_span {
	const uint8_t *start;
	size_t len;
	const uint8_t *name;     /* UTF-16LE name with its NUL */
	uint32_t name_len;
};

static size_t plist_spans(const uint8_t *p, size_t size, struct prop_span *out, size_t max)
{
	size_t off = 4, n = 0;
	uint32_t count = size >= 4 ? cs_le32(p) : 0;

	for (uint32_t i = 0; i < count && n < max; i++) {
		struct prop_span sp = { .start = p + off };
		sp.name_len = cs_le32(p + off + 4);
		sp.name = p + off + 8;
		off += 8 + cs_pad4(sp.name_len);
		while (cs_le32(p + off) != CLUSPROP_SYNTAX_ENDMARK)
			off += 8 + cs_pad4(cs_le32(p + off + 4));
		off += 4;
		sp.len = (size_t)(p + off - sp.start);
		out[n++] = sp;
	}
	return n;
}

uint32_t model_plist_merge(const void *old, size_t old_size, const void *upd, size_t upd_size,
			   void **ret, size_t *ret_size)
{
	struct prop_span *a = NULL, *b = NULL;
	size_t na = 0, nb = 0, total = 4, count = 0;
	uint8_t *out = NULL, *w;
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	/* both are validated: every property takes at least 24 bytes */
	if (old_size && !(a = cs_calloc(old_size / 24 + 1, sizeof(*a))))
		goto out;
	if (!(b = cs_calloc(upd_size / 24 + 1, sizeof(*b))))
		goto out;
	if (old_size)
		na = plist_spans(old, old_size, a, old_size / 24 + 1);
	nb = plist_spans(upd, upd_size, b, upd_size / 24 + 1);
	for (size_t i = 0; i < na; i++) {
		int replaced = 0;
		for (size_t k = 0; k < nb && !replaced; k++)
			replaced = a[i].name_len == b[k].name_len &&
				   !memcmp(a[i].name, b[k].name, a[i].name_len);
		if (replaced) {
			a[i].len = 0;
			continue;
		}
		total += a[i].len;
		count++;
	}
	for (size_t k = 0; k < nb; k++)
		total += b[k].len;
	count += nb;
	if (!(out = cs_malloc(total)))
		goto out;
	cs_put_le32(out, (uint32_t)count);
	w = out + 4;
	for (size_t i = 0; i < na; i++) {
		memcpy(w, a[i].start, a[i].len);
		w += a[i].len;
	}
	for (size_t k = 0; k < nb; k++) {
		memcpy(w, b[k].start, b[k].len);
		w += b[k].len;
	}
	*ret = out;
	*ret_size = total;
	out = NULL;
	rc = ERROR_SUCCESS;
out:
	cs_free(out);
	cs_free(a);
	cs_free(b);
	return rc;
}

/* ---- encoding ---- */

static uint32_t put_strv(clusprop_builder *b, const struct cs_strv *s)
{
	return clusprop_put_multi_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
				     (const char *const *)s->v, s->n);
}

#define DW(b, v) clusprop_put_dword((b), CLUSPROP_SYNTAX_LIST_VALUE_DWORD, (v))
#define SZ(b, v) clusprop_put_sz((b), CLUSPROP_SYNTAX_LIST_VALUE_SZ, (v))

uint32_t model_encode_group(clusprop_builder *b, const struct cs_group *g, int runtime)
{
	clusprop_put_name(b, "Group");
	SZ(b, g->name);
	put_strv(b, &g->preferred);
	DW(b, g->persistent);
	DW(b, g->failover_threshold);
	DW(b, g->failover_period);
	DW(b, g->autofailback);
	if (runtime) {
		DW(b, g->owner);
		DW(b, g->state);
		DW(b, g->moving_to);
	}
	return clusprop_put_endmark(b);
}

uint32_t model_encode_resource(clusprop_builder *b, const struct cs_resource *r, int runtime)
{
	clusprop_put_name(b, "Resource");
	SZ(b, r->name);
	SZ(b, r->type);
	SZ(b, r->group);
	put_strv(b, &r->deps);
	put_strv(b, &r->owners);
	clusprop_put_binary(b, CLUSPROP_SYNTAX_LIST_VALUE_BINARY, r->priv, r->priv_size);
	DW(b, r->restart_action);
	DW(b, r->restart_threshold);
	DW(b, r->restart_period);
	DW(b, r->looks_alive_ms);
	DW(b, r->is_alive_ms);
	DW(b, r->pending_timeout_ms);
	DW(b, r->persistent);
	clusprop_put_ularge(b, CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER, r->uid);
	if (runtime)
		DW(b, r->state);
	return clusprop_put_endmark(b);
}

uint32_t model_encode_snapshot(const struct cs_model *m, clusprop_builder *b)
{
	clusprop_builder_begin_plist(b);
	clusprop_add_ularge(b, "Version", m->version);
	for (size_t i = 0; i < m->n_groups; i++)
		model_encode_group(b, m->groups[i], 1);
	for (size_t i = 0; i < m->n_resources; i++)
		model_encode_resource(b, m->resources[i], 1);
	struct cs_strv paused = { 0 };
	for (size_t i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].paused && strv_add(&paused, m->nodes[i].name) != ERROR_SUCCESS) {
			strv_free(&paused);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
	clusprop_put_name(b, "Paused");
	put_strv(b, &paused);
	clusprop_put_endmark(b);
	strv_free(&paused);
	return clusprop_builder_status(b);
}

/* ---- decoding: one property's values at a time ---- */

#define REC_MAX 16
struct rec {
	char *name;
	size_t n;
	struct {
		uint16_t format;
		uint64_t num;
		char *str;          /* SZ */
		struct cs_strv multi;
		void *bin;
		size_t bin_len;
	} v[REC_MAX];
};

static void rec_clear(struct rec *r)
{
	cs_freep(&r->name);
	for (size_t i = 0; i < r->n; i++) {
		cs_free(r->v[i].str);
		strv_free(&r->v[i].multi);
		cs_free(r->v[i].bin);
	}
	memset(r, 0, sizeof(*r));
}

/* Read all values of the next property; ERROR_NO_MORE_ITEMS at the end. */
static uint32_t rec_next(clusprop_iter *it, clusprop_value *pending, int *has_pending,
			 struct rec *r)
{
	clusprop_value v;
	uint32_t rc, index;

	rec_clear(r);
	if (!*has_pending) {
		rc = clusprop_iter_next(it, pending);
		if (rc != ERROR_SUCCESS)
			return rc;
		*has_pending = 1;
	}
	v = *pending;
	index = v.property_index;
	if (!(r->name = cs_strdup(v.name)))
		return ERROR_NOT_ENOUGH_MEMORY;
	for (;;) {
		if (r->n == REC_MAX)
			return ERROR_INVALID_DATA;
		__typeof__(r->v[0]) *e = &r->v[r->n++];
		e->format = v.format;
		e->num = v.format == CLUSPROP_FORMAT_ULARGE_INTEGER ? v.num.u64 : v.num.dw;
		if (v.format == CLUSPROP_FORMAT_SZ && !(e->str = cs_strdup(v.str)))
			return ERROR_NOT_ENOUGH_MEMORY;
		if (v.format == CLUSPROP_FORMAT_MULTI_SZ)
			for (uint32_t i = 0; i < v.str_count; i++)
				if (strv_add(&e->multi, clusprop_value_multi_sz_at(&v, i)))
					return ERROR_NOT_ENOUGH_MEMORY;
		if (v.format == CLUSPROP_FORMAT_BINARY && v.length) {
			if (!(e->bin = cs_malloc(v.length)))
				return ERROR_NOT_ENOUGH_MEMORY;
			memcpy(e->bin, v.data, v.length);
			e->bin_len = v.length;
		}
		rc = clusprop_iter_next(it, pending);
		if (rc == ERROR_NO_MORE_ITEMS) {
			*has_pending = 0;
			return ERROR_SUCCESS;
		}
		if (rc != ERROR_SUCCESS)
			return rc;
		if (pending->property_index != index)
			return ERROR_SUCCESS; /* *pending starts the next property */
		v = *pending;
	}
}

static int rec_is(const struct rec *r, size_t i, uint16_t format)
{
	return i < r->n && r->v[i].format == format;
}

static uint32_t group_from_rec(struct rec *r, int runtime, struct cs_group **ret)
{
	struct cs_group *g;

	if (!rec_is(r, 0, CLUSPROP_FORMAT_SZ) || !rec_is(r, 1, CLUSPROP_FORMAT_MULTI_SZ) ||
	    !rec_is(r, 5, CLUSPROP_FORMAT_DWORD) || (runtime && !rec_is(r, 8, CLUSPROP_FORMAT_DWORD)))
		return ERROR_INVALID_DATA;
	if (!(g = group_new(r->v[0].str)))
		return ERROR_NOT_ENOUGH_MEMORY;
	g->preferred = r->v[1].multi;
	memset(&r->v[1].multi, 0, sizeof(r->v[1].multi));
	g->persistent = (uint32_t)r->v[2].num;
	g->failover_threshold = (uint32_t)r->v[3].num;
	g->failover_period = (uint32_t)r->v[4].num;
	g->autofailback = (uint32_t)r->v[5].num;
	if (runtime) {
		g->owner = (uint32_t)r->v[6].num;
		g->state = (uint32_t)r->v[7].num;
		g->moving_to = (uint32_t)r->v[8].num;
	}
	*ret = g;
	return ERROR_SUCCESS;
}

static uint32_t resource_from_rec(struct rec *rec, int runtime, struct cs_resource **ret)
{
	struct cs_resource *r;

	for (size_t i = 0; i < 3; i++)
		if (!rec_is(rec, i, CLUSPROP_FORMAT_SZ))
			return ERROR_INVALID_DATA;
	if (!rec_is(rec, 3, CLUSPROP_FORMAT_MULTI_SZ) || !rec_is(rec, 4, CLUSPROP_FORMAT_MULTI_SZ) ||
	    !rec_is(rec, 5, CLUSPROP_FORMAT_BINARY) || !rec_is(rec, 12, CLUSPROP_FORMAT_DWORD) ||
	    !rec_is(rec, 13, CLUSPROP_FORMAT_ULARGE_INTEGER) ||
	    (runtime && !rec_is(rec, 14, CLUSPROP_FORMAT_DWORD)))
		return ERROR_INVALID_DATA;
	if (!(r = resource_new(rec->v[0].str, rec->v[1].str, rec->v[2].str)))
		return ERROR_NOT_ENOUGH_MEMORY;
	r->deps = rec->v[3].multi;
	r->owners = rec->v[4].multi;
	memset(&rec->v[3].multi, 0, sizeof(rec->v[3].multi));
	memset(&rec->v[4].multi, 0, sizeof(rec->v[4].multi));
	r->priv = rec->v[5].bin;
	r->priv_size = rec->v[5].bin_len;
	rec->v[5].bin = NULL;
	r->restart_action = (uint32_t)rec->v[6].num;
	r->restart_threshold = (uint32_t)rec->v[7].num;
	r->restart_period = (uint32_t)rec->v[8].num;
	r->looks_alive_ms = (uint32_t)rec->v[9].num;
	r->is_alive_ms = (uint32_t)rec->v[10].num;
	r->pending_timeout_ms = (uint32_t)rec->v[11].num;
	r->persistent = (uint32_t)rec->v[12].num;
	r->uid = rec->v[13].num;
	if (runtime)
		r->state = (uint32_t)rec->v[14].num;
	*ret = r;
	return ERROR_SUCCESS;
}

uint32_t model_load(struct cs_model *m, const void *buf, size_t len, int runtime)
{
	struct cs_model t;
	clusprop_iter it;
	clusprop_value pending;
	struct rec rec;
	struct cs_strv paused = { 0 };
	int has_pending = 0, open = 0, have_paused = 0;
	uint32_t rc;

	memset(&rec, 0, sizeof(rec));
	model_init(&t);
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	open = 1;
	while ((rc = rec_next(&it, &pending, &has_pending, &rec)) == ERROR_SUCCESS) {
		if (!strcmp(rec.name, "Version") && rec_is(&rec, 0, CLUSPROP_FORMAT_ULARGE_INTEGER)) {
			t.version = rec.v[0].num;
		} else if (!strcmp(rec.name, "Paused") && rec_is(&rec, 0, CLUSPROP_FORMAT_MULTI_SZ)) {
			strv_free(&paused);
			paused = rec.v[0].multi;
			memset(&rec.v[0].multi, 0, sizeof(rec.v[0].multi));
			have_paused = 1;
		} else if (!strcmp(rec.name, "Group")) {
			struct cs_group *g = NULL;
			if ((rc = group_from_rec(&rec, runtime, &g)) != ERROR_SUCCESS)
				goto out;
			if ((rc = push(&t.groups, &t.n_groups, g)) != ERROR_SUCCESS) {
				group_free(g);
				goto out;
			}
		} else if (!strcmp(rec.name, "Resource")) {
			struct cs_resource *r = NULL;
			if ((rc = resource_from_rec(&rec, runtime, &r)) != ERROR_SUCCESS)
				goto out;
			if ((rc = push(&t.resources, &t.n_resources, r)) != ERROR_SUCCESS) {
				resource_free(r);
				goto out;
			}
		}
	}
	if (rc != ERROR_NO_MORE_ITEMS)
		goto out;
	rc = ERROR_SUCCESS;
	/* swap the objects in, keep nodes and the cluster name */
	clear_objects(m);
	m->groups = t.groups;
	m->n_groups = t.n_groups;
	m->resources = t.resources;
	m->n_resources = t.n_resources;
	if (len)
		m->version = t.version;
	t.groups = NULL;
	t.resources = NULL;
	t.n_groups = t.n_resources = 0;
	for (size_t i = 0; i < m->n_groups; i++)
		m->groups[i]->state = model_group_state(m, m->groups[i]);
	for (size_t i = 0; have_paused && runtime && i < m->n_nodes; i++) {
		struct cs_node *n = &m->nodes[i];
		n->paused = strv_contains(&paused, n->name);
		if (n->state == ClusterNodeUp || n->state == ClusterNodePaused)
			n->state = n->paused ? ClusterNodePaused : ClusterNodeUp;
	}
out:
	strv_free(&paused);
	rec_clear(&rec);
	if (open)
		clusprop_iter_done(&it);
	model_free(&t);
	return rc;
}

uint32_t model_encode_status(const struct cs_model *m, clusprop_builder *b, int quorate,
			     uint32_t local_id)
{
	clusprop_builder_begin_plist(b);
	clusprop_put_name(b, "Cluster");
	SZ(b, m->cluster_name ? m->cluster_name : "");
	DW(b, (uint32_t)quorate);
	DW(b, local_id);
	SZ(b, model_node_name(m, local_id));
	clusprop_put_endmark(b);
	for (size_t i = 0; i < m->n_nodes; i++) {
		clusprop_put_name(b, "Node");
		SZ(b, m->nodes[i].name);
		DW(b, m->nodes[i].id);
		DW(b, m->nodes[i].state);
		clusprop_put_endmark(b);
	}
	for (size_t i = 0; i < m->n_groups; i++) {
		const struct cs_group *g = m->groups[i];
		clusprop_put_name(b, "Group");
		SZ(b, g->name);
		DW(b, g->state);
		SZ(b, model_node_name(m, g->owner));
		put_strv(b, &g->preferred);
		clusprop_put_endmark(b);
	}
	for (size_t i = 0; i < m->n_resources; i++) {
		const struct cs_resource *r = m->resources[i];
		const struct cs_group *g = model_group(m, r->group);
		clusprop_put_name(b, "Resource");
		SZ(b, r->name);
		SZ(b, r->type);
		SZ(b, r->group);
		DW(b, r->state);
		SZ(b, g ? model_node_name(m, g->owner) : "");
		put_strv(b, &r->deps);
		put_strv(b, &r->owners);
		clusprop_put_endmark(b);
	}
	return clusprop_builder_status(b);
}
