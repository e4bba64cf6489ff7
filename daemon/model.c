/*
 * model.c - see model.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "cs_record.h"
#include "cs_status_rec.h"


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

/* ---- objects ---- */

void model_group_free(struct cs_group *g)
{
	if (!g)
		return;
	cs_free(g->name);
	strv_free(&g->preferred);
	cs_free(g);
}

void model_resource_free(struct cs_resource *r)
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
		model_group_free(m->groups[i]);
	cs_freep(&m->groups);
	m->n_groups = 0;
	for (size_t i = 0; i < m->n_resources; i++)
		model_resource_free(m->resources[i]);
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

/* A group or resource with MSCS's defaults; name (and type, group) may be
 * NULL, for a loader to fill in. */
struct cs_group *model_group_new(const char *name)
{
	struct cs_group *g = cs_calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	if (name && !(g->name = cs_strdup(name))) {
		cs_free(g);
		return NULL;
	}
	g->failover_threshold = CS_DEFAULT_FAILOVER_THRESHOLD;
	g->failover_period = CS_DEFAULT_FAILOVER_PERIOD_H;
	g->autofailback = ClusterGroupPreventFailback;
	g->state = ClusterGroupOffline;
	return g;
}

struct cs_resource *model_resource_new(const char *name, const char *type, const char *group)
{
	struct cs_resource *r = cs_calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if ((name && !(r->name = cs_strdup(name))) || (type && !(r->type = cs_strdup(type))) ||
	    (group && !(r->group = cs_strdup(group)))) {
		model_resource_free(r);
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

/* ---- delete and rename, for groups and resources alike ---- */

/* A place that holds an object's name: a resource's group, an entry of a
 * dependency list; dirty: its owner's flag. */
struct name_ref {
	char **slot;
	int *dirty;
};

/*
 * Rename an object: *name becomes new_name, and so does every ref; the old
 * name goes on `deleted` (the store drops its row).  Every allocation is
 * made before anything changes: on failure the model is as it was.
 */
static uint32_t rename_object(struct cs_strv *deleted, char **name, int *dirty,
			      const char *new_name, const struct name_ref *refs, size_t n_refs)
{
	char **copies = NULL, *nn = NULL;
	size_t made = 0;
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	if (!(nn = cs_strdup(new_name)) || (n_refs && !(copies = cs_calloc(n_refs, sizeof(*copies)))))
		goto out;
	for (; made < n_refs; made++)
		if (!(copies[made] = cs_strdup(new_name)))
			goto out;
	if ((rc = strv_add(deleted, *name)) != ERROR_SUCCESS)
		goto out;
	/* nothing fails from here */
	for (size_t i = 0; i < n_refs; i++) {
		cs_free(*refs[i].slot);
		*refs[i].slot = copies[i];
		copies[i] = NULL;
		*refs[i].dirty = 1;
	}
	cs_free(*name);
	*name = nn;
	nn = NULL;
	*dirty = 1;
	strv_remove(deleted, new_name); /* a name used again is no longer deleted */
out:
	for (size_t i = 0; i < made; i++)
		cs_free(copies[i]);
	cs_free(copies);
	cs_free(nn);
	return rc;
}

/* Check a rename's new name: valid and not taken by any object. */
static uint32_t rename_check(const struct cs_model *m, const char *new_name, const char **why)
{
	if (!valid_name(new_name)) {
		*why = "invalid name";
		return ERROR_INVALID_NAME;
	}
	if (model_group(m, new_name) || model_resource(m, new_name)) {
		*why = "an object of that name exists";
		return ERROR_OBJECT_ALREADY_EXISTS;
	}
	return ERROR_SUCCESS;
}

static uint32_t rename_group(struct cs_model *m, struct cs_group *g, const char *new_name)
{
	struct name_ref *refs = NULL;
	size_t n = 0;
	uint32_t rc;

	if (m->n_resources && !(refs = cs_calloc(m->n_resources, sizeof(*refs))))
		return ERROR_NOT_ENOUGH_MEMORY;
	for (size_t i = 0; i < m->n_resources; i++)
		if (!strcmp(m->resources[i]->group, g->name))
			refs[n++] = (struct name_ref){ &m->resources[i]->group, &m->resources[i]->dirty };
	rc = rename_object(&m->deleted_groups, &g->name, &g->dirty, new_name, refs, n);
	cs_free(refs);
	return rc;
}

static uint32_t rename_resource(struct cs_model *m, struct cs_resource *r, const char *new_name)
{
	struct name_ref *refs = NULL;
	size_t n = 0, total = 0;
	uint32_t rc;

	for (size_t i = 0; i < m->n_resources; i++)
		total += m->resources[i]->deps.n;
	if (total && !(refs = cs_calloc(total, sizeof(*refs))))
		return ERROR_NOT_ENOUGH_MEMORY;
	for (size_t i = 0; i < m->n_resources; i++) {
		struct cs_resource *d = m->resources[i];
		for (size_t k = 0; k < d->deps.n; k++)
			if (!strcmp(d->deps.v[k], r->name))
				refs[n++] = (struct name_ref){ &d->deps.v[k], &d->dirty };
	}
	rc = rename_object(&m->deleted_resources, &r->name, &r->dirty, new_name, refs, n);
	cs_free(refs);
	return rc;
}

/* Remove obj (named name) from the array arr of n, note it deleted, free it. */
static uint32_t delete_object(void *arr, size_t *n, void *obj, const char *name,
			      struct cs_strv *deleted)
{
	uint32_t rc = strv_add(deleted, name);

	if (rc == ERROR_SUCCESS)
		pull(arr, n, obj);
	return rc;
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
		if (!(g = model_group_new(a->name)))
			return ERROR_NOT_ENOUGH_MEMORY;
		if (push(&m->groups, &m->n_groups, g) != ERROR_SUCCESS) {
			model_group_free(g);
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
		if ((rc = delete_object(&m->groups, &m->n_groups, g, g->name, &m->deleted_groups)))
			return rc;
		model_group_free(g);
		break;
	case MOP_GROUP_RENAME:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		if ((rc = rename_check(m, a->new_name, why)) != ERROR_SUCCESS)
			return rc;
		if ((rc = rename_group(m, g, a->new_name)) != ERROR_SUCCESS)
			return rc;
		break;
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
		if (a->priv_size > CS_MAX_PRIVATE)
			FAIL(ERROR_NOT_ENOUGH_QUOTA, "private properties larger than a resource may have (1 MiB)");
		if (!(r = model_resource_new(a->name, a->type, a->group)))
			return ERROR_NOT_ENOUGH_MEMORY;
		r->uid = m->version + 1; /* the same on every replica */
		if (a->has_priv && a->priv_size) {
			if (!(r->priv = cs_malloc(a->priv_size))) {
				model_resource_free(r);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
			memcpy(r->priv, a->priv, a->priv_size);
			r->priv_size = a->priv_size;
		}
		if (push(&m->resources, &m->n_resources, r) != ERROR_SUCCESS) {
			model_resource_free(r);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		strv_remove(&m->deleted_resources, r->name);
		r->dirty = 1;
		g->state = model_group_state(m, g); /* one more resource, Offline */
		break;
	case MOP_RES_DELETE:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if (r->state != ClusterResourceOffline && r->state != ClusterResourceFailed)
			FAIL(ERROR_RESOURCE_ONLINE, "take the resource offline first");
		for (size_t i = 0; i < m->n_resources; i++)
			if (strv_contains(&m->resources[i]->deps, r->name))
				FAIL(ERROR_DEPENDENT_RESOURCE_EXISTS, "another resource depends on it");
		if ((rc = delete_object(&m->resources, &m->n_resources, r, r->name,
					&m->deleted_resources)))
			return rc;
		g = model_group(m, r->group);
		model_resource_free(r);
		if (g)
			g->state = model_group_state(m, g);
		break;
	case MOP_RES_RENAME:
		if (!(r = model_resource(m, a->name)))
			FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
		if ((rc = rename_check(m, a->new_name, why)) != ERROR_SUCCESS)
			return rc;
		if ((rc = rename_resource(m, r, a->new_name)) != ERROR_SUCCESS)
			return rc;
		break;
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
		if (size > CS_MAX_PRIVATE) {
			cs_free(p);
			FAIL(ERROR_NOT_ENOUGH_QUOTA, "private properties larger than a resource may have (1 MiB)");
		}
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

/* ---- records by name (common/cs_record.h) ---- */

/* One line per field: the database rows, the CPG snapshot and (runtime) the
 * snapshot's live state all come from these tables. */
static const struct rec_field group_fields[] = {
	REC_FIELD("Name", REC_SZ, struct cs_group, name, REC_REQUIRED),
	REC_FIELD2("PreferredOwners", REC_STRV, struct cs_group, preferred.v, preferred.n, 0),
	REC_FIELD("PersistentState", REC_DWORD, struct cs_group, persistent, 0),
	REC_FIELD("FailoverThreshold", REC_DWORD, struct cs_group, failover_threshold, 0),
	REC_FIELD("FailoverPeriod", REC_DWORD, struct cs_group, failover_period, 0),
	REC_FIELD("AutoFailbackType", REC_DWORD, struct cs_group, autofailback, 0),
	REC_FIELD("OwnerNodeId", REC_DWORD, struct cs_group, owner, REC_RUNTIME),
	REC_FIELD("State", REC_DWORD, struct cs_group, state, REC_RUNTIME),
	REC_FIELD("MovingTo", REC_DWORD, struct cs_group, moving_to, REC_RUNTIME),
};

static const struct rec_field resource_fields[] = {
	REC_FIELD("Name", REC_SZ, struct cs_resource, name, REC_REQUIRED),
	REC_FIELD("Type", REC_SZ, struct cs_resource, type, REC_REQUIRED),
	REC_FIELD("Group", REC_SZ, struct cs_resource, group, REC_REQUIRED),
	REC_FIELD("Uid", REC_ULARGE, struct cs_resource, uid, REC_REQUIRED),
	REC_FIELD2("DependsOn", REC_STRV, struct cs_resource, deps.v, deps.n, 0),
	REC_FIELD2("PossibleOwners", REC_STRV, struct cs_resource, owners.v, owners.n, 0),
	REC_FIELD2("PrivateProperties", REC_BINARY, struct cs_resource, priv, priv_size, 0),
	REC_FIELD("RestartAction", REC_DWORD, struct cs_resource, restart_action, 0),
	REC_FIELD("RestartThreshold", REC_DWORD, struct cs_resource, restart_threshold, 0),
	REC_FIELD("RestartPeriod", REC_DWORD, struct cs_resource, restart_period, 0),
	REC_FIELD("LooksAlivePollInterval", REC_DWORD, struct cs_resource, looks_alive_ms, 0),
	REC_FIELD("IsAlivePollInterval", REC_DWORD, struct cs_resource, is_alive_ms, 0),
	REC_FIELD("PendingTimeout", REC_DWORD, struct cs_resource, pending_timeout_ms, 0),
	REC_FIELD("PersistentState", REC_DWORD, struct cs_resource, persistent, 0),
	REC_FIELD("State", REC_DWORD, struct cs_resource, state, REC_RUNTIME),
};

#define N(a) (sizeof(a) / sizeof(*(a)))

static const char *const record_names[] = { [CS_REC_GROUP] = "Group", [CS_REC_RESOURCE] = "Resource" };

const char *model_record_name(enum cs_record kind)
{
	return kind == CS_REC_GROUP || kind == CS_REC_RESOURCE ? record_names[kind] : NULL;
}

uint32_t model_encode_group(clusprop_builder *b, const struct cs_group *g, int runtime)
{
	return rec_encode(b, "Group", group_fields, N(group_fields), g, runtime ? 0 : REC_RUNTIME);
}

uint32_t model_encode_resource(clusprop_builder *b, const struct cs_resource *r, int runtime)
{
	return rec_encode(b, "Resource", resource_fields, N(resource_fields), r,
			  runtime ? 0 : REC_RUNTIME);
}

uint32_t model_encode_row(clusprop_builder *b, enum cs_record kind, const void *obj)
{
	if (kind == CS_REC_GROUP)
		return rec_encode_fields(b, group_fields, N(group_fields), obj, REC_RUNTIME);
	return rec_encode_fields(b, resource_fields, N(resource_fields), obj, REC_RUNTIME);
}

uint32_t model_encode_snapshot(const struct cs_model *m, clusprop_builder *b)
{
	struct cs_strv paused = { 0 };
	uint32_t rc = ERROR_SUCCESS;

	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "SchemaVersion", CS_SCHEMA_VERSION);
	clusprop_add_ularge(b, "Version", m->version);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_groups; i++)
		rc = model_encode_group(b, m->groups[i], 1);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_resources; i++)
		rc = model_encode_resource(b, m->resources[i], 1);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_nodes; i++)
		if (m->nodes[i].paused)
			rc = strv_add(&paused, m->nodes[i].name);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_add_multi_sz(b, "Paused", (const char *const *)paused.v, paused.n);
	strv_free(&paused);
	return rc == ERROR_SUCCESS ? clusprop_builder_status(b) : rc;
}

uint32_t model_snapshot_schema(const void *buf, size_t len)
{
	clusprop_iter it;
	clusprop_value v;
	uint32_t schema = 1; /* before schema versions, snapshots had none */

	if (clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL) != ERROR_SUCCESS)
		return 0;
	while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
		if (!strcmp(v.name, "SchemaVersion") && v.format == CLUSPROP_FORMAT_DWORD) {
			schema = v.num.dw;
			break;
		}
	}
	clusprop_iter_done(&it);
	return schema;
}

static uint32_t load_group(struct cs_model *t, const clusprop_value *v, unsigned skip)
{
	struct cs_group *g = model_group_new(NULL);
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	if (!g)
		goto out;
	if ((rc = rec_decode(v->data, v->length, group_fields, N(group_fields), g, skip)))
		goto out;
	rc = ERROR_INVALID_DATA;
	if (!valid_name(g->name) || model_group(t, g->name))
		goto out;
	if ((rc = push(&t->groups, &t->n_groups, g)) == ERROR_SUCCESS)
		g = NULL;
out:
	model_group_free(g);
	return rc;
}

static uint32_t load_resource(struct cs_model *t, const clusprop_value *v, unsigned skip)
{
	struct cs_resource *r = model_resource_new(NULL, NULL, NULL);
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	if (!r)
		goto out;
	if ((rc = rec_decode(v->data, v->length, resource_fields, N(resource_fields), r, skip)))
		goto out;
	rc = ERROR_INVALID_DATA;
	if (!valid_name(r->name) || !valid_name(r->type) || !valid_name(r->group) ||
	    model_resource(t, r->name) ||
	    (r->priv_size && clusprop_validate_property_list(r->priv, r->priv_size, NULL)))
		goto out;
	if ((rc = push(&t->resources, &t->n_resources, r)) == ERROR_SUCCESS)
		r = NULL;
out:
	model_resource_free(r);
	return rc;
}

/* What every op keeps true, checked on a model that arrived whole: each
 * resource's group exists; its dependencies exist, in its group, without a
 * cycle. */
static int loaded_model_ok(const struct cs_model *t)
{
	for (size_t i = 0; i < t->n_resources; i++) {
		const struct cs_resource *r = t->resources[i];
		if (!model_group(t, r->group))
			return 0;
		for (size_t k = 0; k < r->deps.n; k++) {
			const struct cs_resource *d = model_resource(t, r->deps.v[k]);
			if (!d || d == r || strcmp(d->group, r->group))
				return 0;
		}
		if (depends_on(t, r, r->name, 0))
			return 0; /* a cycle through r */
	}
	return 1;
}

uint32_t model_load(struct cs_model *m, const void *buf, size_t len, int runtime)
{
	struct cs_model t;
	clusprop_iter it;
	clusprop_value v;
	struct cs_strv paused = { 0 };
	unsigned skip = runtime ? 0 : REC_RUNTIME;
	int open = 0, have_paused = 0, have_schema = 0, have_version = 0;
	uint32_t rc;

	model_init(&t);
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	open = 1;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		if (!strcmp(v.name, "SchemaVersion")) {
			if (v.format != CLUSPROP_FORMAT_DWORD || have_schema) {
				rc = ERROR_INVALID_DATA;
				goto out;
			}
			if (v.num.dw > CS_SCHEMA_VERSION || v.num.dw < 2) {
				rc = ERROR_CLUSTER_INCOMPATIBLE_VERSIONS;
				goto out;
			}
			have_schema = 1;
		} else if (!strcmp(v.name, "Version")) {
			if (v.format != CLUSPROP_FORMAT_ULARGE_INTEGER || have_version) {
				rc = ERROR_INVALID_DATA;
				goto out;
			}
			t.version = v.num.u64;
			have_version = 1;
		} else if (!strcmp(v.name, "Paused")) {
			if (v.format != CLUSPROP_FORMAT_MULTI_SZ) {
				rc = ERROR_INVALID_DATA;
				goto out;
			}
			strv_free(&paused);
			for (uint32_t i = 0; i < v.str_count; i++)
				if ((rc = strv_add(&paused, clusprop_value_multi_sz_at(&v, i))))
					goto out;
			have_paused = 1;
		} else if (!strcmp(v.name, "Group") || !strcmp(v.name, "Resource")) {
			if (v.format != CLUSPROP_FORMAT_BINARY) {
				rc = ERROR_INVALID_DATA;
				goto out;
			}
			rc = v.name[0] == 'G' ? load_group(&t, &v, skip) : load_resource(&t, &v, skip);
			if (rc != ERROR_SUCCESS)
				goto out;
		}
		/* other names: from a newer writer of the same schema, ignored */
	}
	if (rc != ERROR_NO_MORE_ITEMS)
		goto out;
	if (!have_schema) {
		rc = ERROR_CLUSTER_INCOMPATIBLE_VERSIONS; /* schema 1: see schema1.c */
		goto out;
	}
	if (!have_version || !loaded_model_ok(&t)) {
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	rc = ERROR_SUCCESS;
	/* swap the objects in, keep nodes and the cluster name */
	clear_objects(m);
	m->groups = t.groups;
	m->n_groups = t.n_groups;
	m->resources = t.resources;
	m->n_resources = t.n_resources;
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
	if (open)
		clusprop_iter_done(&it);
	model_free(&t);
	return rc;
}

size_t model_size(const struct cs_model *m)
{
	size_t n = (m->n_groups + m->n_resources) * (size_t)CS_OBJECT_OVERHEAD;

	for (size_t i = 0; i < m->n_resources; i++)
		n += m->resources[i]->priv_size;
	return n;
}

/* ---- the digest ---- */

struct named_rec {
	const char *name;
	int kind;                   /* 0 group, 1 resource: groups first */
	const struct cs_group *g;
	const struct cs_resource *r;
};

static int named_rec_cmp(const void *a, const void *b)
{
	const struct named_rec *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind - y->kind;
	return strcmp(x->name, y->name);
}

uint32_t model_digest(const struct cs_model *m, uint8_t out[CS_DIGEST_SIZE])
{
	struct named_rec *recs = NULL;
	struct sha256_ctx ctx;
	clusprop_builder b;
	size_t n = m->n_groups + m->n_resources;
	uint8_t ver[8];
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	clusprop_builder_init_owned(&b);
	if (n && !(recs = cs_calloc(n, sizeof(*recs))))
		goto out;
	for (size_t i = 0; i < m->n_groups; i++)
		recs[i] = (struct named_rec){ m->groups[i]->name, 0, m->groups[i], NULL };
	for (size_t i = 0; i < m->n_resources; i++)
		recs[m->n_groups + i] =
			(struct named_rec){ m->resources[i]->name, 1, NULL, m->resources[i] };
	if (n)
		qsort(recs, n, sizeof(*recs), named_rec_cmp);
	sha256_init(&ctx);
	cs_put_le64(ver, m->version);
	sha256_update(&ctx, sizeof(ver), ver);
	for (size_t i = 0; i < n; i++) {
		clusprop_builder_free(&b);
		clusprop_builder_init_owned(&b);
		rc = recs[i].g ? model_encode_row(&b, CS_REC_GROUP, recs[i].g)
			       : model_encode_row(&b, CS_REC_RESOURCE, recs[i].r);
		if (rc != ERROR_SUCCESS)
			goto out;
		sha256_update(&ctx, clusprop_builder_size(&b), clusprop_builder_data(&b));
	}
	sha256_digest(&ctx, CS_DIGEST_SIZE, out);
	rc = ERROR_SUCCESS;
out:
	clusprop_builder_free(&b);
	cs_free(recs);
	return rc;
}

/* ---- the status reply (clientproto.h, CS_OP_STATUS) ---- */

/* A node name, or NULL (left out of the record) for none. */
static const char *owner_name(const struct cs_model *m, uint32_t id)
{
	const struct cs_node *n = id ? model_node_by_id(m, id) : NULL;

	return n ? n->name : NULL;
}

/* (the records' fields are common/cs_status_rec.h's; encoding only reads
 * the strings, so the model's own are lent, cast to the tables' char *) */
uint32_t model_encode_status(const struct cs_model *m, clusprop_builder *b,
			     const struct cs_status_view *v)
{
	struct cs_st_cluster c = { .name = m->cluster_name ? m->cluster_name : (char *)"",
				   .local_name = (char *)model_node_name(m, v->local_id),
				   .quorate = (uint32_t)v->quorate, .local_id = v->local_id,
				   .synced = (uint32_t)v->synced,
				   .notice = v->notice && *v->notice ? (char *)v->notice : NULL };
	uint32_t rc;

	clusprop_builder_begin_plist(b);
	rc = rec_encode(b, cs_st_cluster.record, cs_st_cluster.fields, cs_st_cluster.n_fields, &c, 0);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_nodes; i++) {
		const struct cs_node *n = &m->nodes[i];
		struct cs_st_node sn = { .name = n->name, .id = n->id, .state = n->state };
		rc = rec_encode(b, cs_st_node.record, cs_st_node.fields, cs_st_node.n_fields, &sn, 0);
	}
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_groups; i++) {
		const struct cs_group *g = m->groups[i];
		struct cs_st_group sg = { .name = g->name, .owner = (char *)owner_name(m, g->owner),
					  .state = g->state, .preferred = g->preferred.v,
					  .n_preferred = g->preferred.n };
		if (!v->runs && g->owner == v->local_id && g->state != ClusterGroupOffline &&
		    g->state != ClusterGroupFailed)
			sg.state = (uint32_t)ClusterGroupStateUnknown;
		rc = rec_encode(b, cs_st_group.record, cs_st_group.fields, cs_st_group.n_fields, &sg, 0);
	}
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_resources; i++) {
		const struct cs_resource *r = m->resources[i];
		const struct cs_group *g = model_group(m, r->group);
		struct cs_st_resource sr = { .name = r->name, .type = r->type, .group = r->group,
					     .owner = g ? (char *)owner_name(m, g->owner) : NULL,
					     .state = r->state, .deps = r->deps.v, .n_deps = r->deps.n,
					     .owners = r->owners.v, .n_owners = r->owners.n };
		if (!v->runs && g && g->owner == v->local_id && r->state != ClusterResourceOffline &&
		    r->state != ClusterResourceFailed)
			sr.state = (uint32_t)ClusterResourceStateUnknown;
		rc = rec_encode(b, cs_st_resource.record, cs_st_resource.fields,
				cs_st_resource.n_fields, &sr, 0);
	}
	return rc == ERROR_SUCCESS ? clusprop_builder_status(b) : rc;
}
