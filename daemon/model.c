/*
 * model.c - see model.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "cs_record.h"
#include "cs_status_rec.h"

#define N(a) (sizeof(a) / sizeof(*(a)))


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
	cs_free(g->description);
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

static void node_conf_free(struct cs_node_conf *c)
{
	if (!c)
		return;
	cs_free(c->name);
	cs_free(c->description);
	cs_free(c);
}

static void type_conf_free(struct cs_type_conf *c)
{
	if (!c)
		return;
	cs_free(c->name);
	cs_free(c->description);
	cs_free(c);
}

static void cluster_conf_clear(struct cs_cluster_conf *c)
{
	cs_free(c->description);
	memset(c, 0, sizeof(*c));
}

void model_init(struct cs_model *m)
{
	memset(m, 0, sizeof(*m));
}

static void clear_objects(struct cs_model *m)
{
	for (size_t i = 0; i < m->n_node_confs; i++)
		node_conf_free(m->node_confs[i]);
	cs_freep(&m->node_confs);
	m->n_node_confs = 0;
	for (size_t i = 0; i < m->n_type_confs; i++)
		type_conf_free(m->type_confs[i]);
	cs_freep(&m->type_confs);
	m->n_type_confs = 0;
	cluster_conf_clear(&m->cluster);
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

struct cs_node_conf *model_node_conf(const struct cs_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->n_node_confs; i++)
		if (!strcmp(m->node_confs[i]->name, name))
			return m->node_confs[i];
	return NULL;
}

struct cs_type_conf *model_type_conf(const struct cs_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->n_type_confs; i++)
		if (!strcmp(m->type_confs[i]->name, name))
			return m->type_confs[i];
	return NULL;
}

struct cs_resource *model_resource_by_uid(const struct cs_model *m, uint64_t uid)
{
	for (size_t i = 0; i < m->n_resources; i++)
		if (m->resources[i]->uid == uid)
			return m->resources[i];
	return NULL;
}

struct cs_node *model_node_any(const struct cs_model *m, const char *name)
{
	for (size_t i = 0; name && i < m->n_nodes; i++)
		if (!strcmp(m->nodes[i].name, name))
			return &m->nodes[i];
	return NULL;
}

int model_node_evicted(const struct cs_model *m, const struct cs_node *n)
{
	const struct cs_node_conf *c = n ? model_node_conf(m, n->name) : NULL;

	return c && c->evicted;
}

struct cs_node *model_node(const struct cs_model *m, const char *name)
{
	struct cs_node *n = model_node_any(m, name);

	return n && !model_node_evicted(m, n) ? n : NULL;
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
	g->failback_start = g->failback_end = CS_NO_HOUR;
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

static void count_failover(struct cs_group *g, uint64_t now);

/* ---- common properties (model.h) ---- */

/* An explanation naming the property (model_apply's *why is read at once,
 * by the one thread there is). */
static char why_buf[160];

static const char *why_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *why_fmt(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	return why_buf;
}

#define DW(obj_type, member, min_, max_, flags_, dflt_) \
	CLUSPROP_FORMAT_DWORD, (flags_), offsetof(obj_type, member), (min_), (max_), (dflt_)
#define SZ(obj_type, member) \
	CLUSPROP_FORMAT_SZ, 0, offsetof(obj_type, member), 0, CS_MAX_DESCRIPTION, 0

static const struct cs_prop resource_props[] = {
	{ "RestartAction", DW(struct cs_resource, restart_action, 0, ClusterResourceRestartNotify, 0,
			      CS_DEFAULT_RESTART_ACTION) },
	{ "RestartThreshold", DW(struct cs_resource, restart_threshold, 0, UINT32_MAX, 0,
				 CS_DEFAULT_RESTART_THRESHOLD) },
	{ "RestartPeriod", DW(struct cs_resource, restart_period, 0, UINT32_MAX, 0,
			      CS_DEFAULT_RESTART_PERIOD_MS) },
	{ "LooksAlivePollInterval", DW(struct cs_resource, looks_alive_ms, 1, UINT32_MAX, 0,
				       CS_DEFAULT_LOOKS_ALIVE_MS) },
	{ "IsAlivePollInterval", DW(struct cs_resource, is_alive_ms, 1, UINT32_MAX, 0,
				    CS_DEFAULT_IS_ALIVE_MS) },
	{ "PendingTimeout", DW(struct cs_resource, pending_timeout_ms, 0, UINT32_MAX, 0,
			       CS_DEFAULT_PENDING_TIMEOUT_MS) },
};

static const struct cs_prop group_props[] = {
	{ "Description", SZ(struct cs_group, description) },
	{ "FailoverThreshold", DW(struct cs_group, failover_threshold, 0, UINT32_MAX, 0,
				  CS_DEFAULT_FAILOVER_THRESHOLD) },
	{ "FailoverPeriod", DW(struct cs_group, failover_period, 1, CS_MAX_FAILOVER_PERIOD_H, 0,
			       CS_DEFAULT_FAILOVER_PERIOD_H) },
	{ "AutoFailbackType", DW(struct cs_group, autofailback, ClusterGroupPreventFailback,
				 ClusterGroupAllowFailback, 0, ClusterGroupPreventFailback) },
	{ "FailbackWindowStart", DW(struct cs_group, failback_start, 0, 23, CS_PROP_HOUR,
				    CS_NO_HOUR) },
	{ "FailbackWindowEnd", DW(struct cs_group, failback_end, 0, 23, CS_PROP_HOUR, CS_NO_HOUR) },
};

static const struct cs_prop node_props[] = {
	{ "Description", SZ(struct cs_node_conf, description) },
};

static const struct cs_prop type_props[] = {
	{ "Description", SZ(struct cs_type_conf, description) },
	{ "LooksAlivePollInterval", DW(struct cs_type_conf, looks_alive_ms, 1, UINT32_MAX, 0,
				       CS_DEFAULT_LOOKS_ALIVE_MS) },
	{ "IsAlivePollInterval", DW(struct cs_type_conf, is_alive_ms, 1, UINT32_MAX, 0,
				    CS_DEFAULT_IS_ALIVE_MS) },
};

/* Cluster-wide settings: one line each (the record takes it from here). */
static const struct cs_prop cluster_props[] = {
	{ "Description", SZ(struct cs_cluster_conf, description) },
};

#undef DW
#undef SZ

/* Rules between the properties of one object, checked on the object as a
 * SET would leave it. */
static uint32_t group_rules(const struct cs_model *m, const void *obj, const char **why)
{
	const struct cs_group *g = obj;

	(void)m;
	if ((g->failback_start == CS_NO_HOUR) != (g->failback_end == CS_NO_HOUR))
		FAIL(ERROR_INVALID_PARAMETER, "FailbackWindowStart and FailbackWindowEnd are both "
		     "an hour (0-23) or both -1 (no window)");
	if (g->autofailback == ClusterGroupAllowFailback && g->preferred.n == 0)
		FAIL(ERROR_INVALID_PARAMETER, "AutoFailbackType 1 (allow failback) needs at least "
		     "one preferred owner to fail back to: set the preferred owners first");
	return ERROR_SUCCESS;
}

/* Every object's properties together, so that a SET works on a copy. */
union props_obj {
	struct cs_resource r;
	struct cs_group g;
	struct cs_node_conf n;
	struct cs_type_conf t;
	struct cs_cluster_conf c;
};

#define MAX_PROPS 16

static const struct prop_kind {
	const struct cs_prop *props;
	size_t n;
	const char *const *ro;        /* the read-only ones, NULL-terminated (answers.c's) */
	size_t size;
	uint32_t (*rules)(const struct cs_model *m, const void *obj, const char **why);
} prop_kinds[CS_PROPS_KINDS] = {
	[CS_PROPS_RESOURCE] = { resource_props, N(resource_props),
				(const char *const[]){ "Name", "Type", "PersistentState", NULL },
				sizeof(struct cs_resource), NULL },
	[CS_PROPS_GROUP] = { group_props, N(group_props),
			     (const char *const[]){ "Name", "PersistentState", NULL },
			     sizeof(struct cs_group), group_rules },
	[CS_PROPS_NODE] = { node_props, N(node_props),
			    (const char *const[]){ "NodeName", "NodeID", "State", NULL },
			    sizeof(struct cs_node_conf), NULL },
	[CS_PROPS_TYPE] = { type_props, N(type_props), (const char *const[]){ "Name", NULL },
			    sizeof(struct cs_type_conf), NULL },
	[CS_PROPS_CLUSTER] = { cluster_props, N(cluster_props),
			       (const char *const[]){ "Name", "Quorate", NULL },
			       sizeof(struct cs_cluster_conf), NULL },
};

_Static_assert(N(resource_props) <= MAX_PROPS && N(group_props) <= MAX_PROPS &&
	       N(type_props) <= MAX_PROPS && N(cluster_props) <= MAX_PROPS, "MAX_PROPS");

const struct cs_prop *model_props(enum cs_prop_object k, size_t *n)
{
	if ((unsigned)k >= CS_PROPS_KINDS) {
		*n = 0;
		return NULL;
	}
	*n = prop_kinds[k].n;
	return prop_kinds[k].props;
}

int model_prop_read_only(enum cs_prop_object k, const char *name)
{
	if ((unsigned)k >= CS_PROPS_KINDS)
		return 0;
	for (const char *const *r = prop_kinds[k].ro; *r; r++)
		if (!strcmp(*r, name))
			return 1;
	return 0;
}

/* Whether a DWORD value is in p's range. */
static int dword_ok(const struct cs_prop *p, uint32_t v)
{
	if ((p->flags & CS_PROP_HOUR) && v == CS_NO_HOUR)
		return 1;
	return v >= p->min && v <= p->max;
}

static const char *range_text(const struct cs_prop *p, uint32_t v)
{
	if (p->flags & CS_PROP_HOUR)
		return why_fmt("%s %u is out of range: an hour 0 to 23, or -1 (0xFFFFFFFF) for "
			       "no window", p->name, v);
	return why_fmt("%s %u is out of range (%u to %u)", p->name, v, p->min, p->max);
}

/* Whether every property of obj (kind k) is one SET could have left
 * there: for objects that arrive whole (model_load). */
static int props_ok(const struct cs_model *m, enum cs_prop_object k, const void *obj)
{
	const struct prop_kind *pk = &prop_kinds[k];
	const char *why;

	for (size_t i = 0; i < pk->n; i++) {
		const struct cs_prop *p = &pk->props[i];
		if (p->format == CLUSPROP_FORMAT_DWORD ? !dword_ok(p, model_prop_dword(p, obj))
						       : strlen(model_prop_sz(p, obj)) > p->max)
			return 0;
	}
	return !pk->rules || pk->rules(m, obj, &why) == ERROR_SUCCESS;
}

/*
 * Apply the property list in/in_size to obj (kind k): on a copy first, every
 * allocation made before obj changes, and only if commit.  On failure obj
 * is as it was.
 */
static uint32_t props_apply(const struct cs_model *m, enum cs_prop_object k, void *obj,
			    const void *in, size_t in_size, int commit, const char **why)
{
	const struct prop_kind *pk = &prop_kinds[k];
	union props_obj tmp;
	char *sz[MAX_PROPS] = { 0 };
	int given[MAX_PROPS] = { 0 };
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc;
	int open = 0;

	memcpy(&tmp, obj, pk->size);
	if (!in || in_size == 0) {
		*why = "no property list";
		return ERROR_INVALID_PARAMETER;
	}
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, in, in_size, NULL);
	if (rc != ERROR_SUCCESS) {
		*why = "malformed property list";
		return rc;
	}
	open = 1;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		const struct cs_prop *p = NULL;
		size_t i;
		for (i = 0; i < pk->n && !p; i++)
			if (!strcmp(pk->props[i].name, v.name))
				p = &pk->props[i];
		if (!p) {
			rc = ERROR_INVALID_PARAMETER;
			*why = model_prop_read_only(k, v.name)
				       ? why_fmt("%.64s is read-only", v.name)
				       : why_fmt("%.64s is not a common property of this object", v.name);
			goto out;
		}
		i = (size_t)(p - pk->props);
		if (v.format != p->format) {
			rc = ERROR_INVALID_PARAMETER;
			*why = why_fmt("%s takes %s", p->name, p->format == CLUSPROP_FORMAT_DWORD
								 ? "a number (DWORD)" : "a string (SZ)");
			goto out;
		}
		if (p->format == CLUSPROP_FORMAT_DWORD) {
			if (!dword_ok(p, v.num.dw)) {
				rc = ERROR_INVALID_PARAMETER;
				*why = range_text(p, v.num.dw);
				goto out;
			}
			*(uint32_t *)(void *)((char *)&tmp + p->off) = v.num.dw;
			continue;
		}
		if (strlen(v.str) > p->max) {
			rc = ERROR_INVALID_PARAMETER;
			*why = why_fmt("%s is longer than %u bytes", p->name, p->max);
			goto out;
		}
		cs_freep(&sz[i]); /* named twice: the last one counts */
		if (*v.str && !(sz[i] = cs_strdup(v.str))) {
			rc = ERROR_NOT_ENOUGH_MEMORY;
			goto out;
		}
		given[i] = 1;
		*(char **)(void *)((char *)&tmp + p->off) = sz[i];
	}
	if (rc != ERROR_NO_MORE_ITEMS) {
		*why = "malformed property list";
		goto out;
	}
	if (pk->rules && (rc = pk->rules(m, &tmp, why)) != ERROR_SUCCESS)
		goto out;
	rc = ERROR_SUCCESS;
	if (!commit)
		goto out;
	/* nothing fails from here: the strings replaced go, the new ones move in */
	for (size_t i = 0; i < pk->n; i++) {
		if (!given[i])
			continue;
		cs_free(*(char **)(void *)((char *)obj + pk->props[i].off));
		sz[i] = NULL;
	}
	memcpy(obj, &tmp, pk->size);
out:
	if (open)
		clusprop_iter_done(&it);
	for (size_t i = 0; i < MAX_PROPS; i++)
		cs_free(sz[i]);
	return rc;
}

static const struct cs_node_conf node_conf_default = { 0 };
static const struct cs_type_conf type_conf_default = {
	.looks_alive_ms = CS_DEFAULT_LOOKS_ALIVE_MS, .is_alive_ms = CS_DEFAULT_IS_ALIVE_MS,
};

const void *model_props_object(const struct cs_model *m, enum cs_prop_object k,
			       const char *name)
{
	const void *c;

	switch (k) {
	case CS_PROPS_RESOURCE:
		return model_resource(m, name);
	case CS_PROPS_GROUP:
		return model_group(m, name);
	case CS_PROPS_NODE:
		if (!model_node(m, name))
			return NULL;
		c = model_node_conf(m, name);
		return c ? c : &node_conf_default;
	case CS_PROPS_TYPE:
		if (!valid_name(name))
			return NULL;
		c = model_type_conf(m, name);
		return c ? c : &type_conf_default;
	case CS_PROPS_CLUSTER:
		return &m->cluster;
	default:
		return NULL;
	}
}

static uint32_t not_found(enum cs_prop_object k, const char **why)
{
	switch (k) {
	case CS_PROPS_RESOURCE: FAIL(ERROR_RESOURCE_NOT_FOUND, "no such resource");
	case CS_PROPS_GROUP: FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
	case CS_PROPS_NODE: FAIL(ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
	case CS_PROPS_TYPE: FAIL(ERROR_INVALID_NAME, "invalid resource type name");
	default: FAIL(ERROR_INVALID_FUNCTION, "no common properties");
	}
}

uint32_t model_validate_props(const struct cs_model *m, enum cs_prop_object k, const char *name,
			      const void *in, size_t in_size, const char **why)
{
	const void *obj = model_props_object(m, k, name);
	static const char *none;

	if (!why)
		why = &none;
	if (!obj)
		return not_found(k, why);
	/* props_apply only reads obj when it does not commit */
	return props_apply(m, k, (void *)obj, in, in_size, 0, why);
}

/* SET_COMMON_PROPERTIES of a node, type or the cluster: their settings
 * record, made if it is the first setting (and pushed only if the set
 * succeeded: on failure the model is as it was). */
static uint32_t set_conf(struct cs_model *m, enum cs_prop_object k, const struct cs_args *a,
			 const char **why)
{
	struct cs_node_conf *nc = NULL;
	struct cs_type_conf *tc = NULL;
	void *obj;
	int made = 0;
	uint32_t rc;

	if (!model_props_object(m, k, a->name))
		return not_found(k, why);
	if (k == CS_PROPS_CLUSTER) {
		obj = &m->cluster;
	} else if (k == CS_PROPS_NODE) {
		if (!(nc = model_node_conf(m, a->name))) {
			if (!(nc = cs_calloc(1, sizeof(*nc))) || !(nc->name = cs_strdup(a->name))) {
				node_conf_free(nc);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
			made = 1;
		}
		obj = nc;
	} else {
		if (!(tc = model_type_conf(m, a->name))) {
			if (!(tc = cs_calloc(1, sizeof(*tc))) || !(tc->name = cs_strdup(a->name))) {
				type_conf_free(tc);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
			tc->looks_alive_ms = type_conf_default.looks_alive_ms;
			tc->is_alive_ms = type_conf_default.is_alive_ms;
			made = 1;
		}
		obj = tc;
	}
	rc = props_apply(m, k, obj, a->in, a->in_size, 1, why);
	if (rc == ERROR_SUCCESS && made)
		rc = k == CS_PROPS_NODE ? push(&m->node_confs, &m->n_node_confs, nc)
					: push(&m->type_confs, &m->n_type_confs, tc);
	if (rc != ERROR_SUCCESS) {
		if (made) {
			node_conf_free(nc);
			type_conf_free(tc);
		}
		return rc;
	}
	if (k == CS_PROPS_CLUSTER) {
		m->cluster.set = 1;
		m->cluster.dirty = 1;
	} else if (nc) {
		nc->dirty = 1;
	} else {
		tc->dirty = 1;
	}
	return ERROR_SUCCESS;
}

/* Whether list v holds exactly the one name x. */
static int only(const struct cs_strv *v, const char *x)
{
	return v->n == 1 && !strcmp(v->v[0], x);
}

/*
 * MOP_NODE_EVICT (model.h).  Every allocation (a settings record for a node
 * that has none) is made before anything changes; removing names from
 * lists allocates nothing.  A resource whose only possible owner is the
 * node would be left with none - which means every node - and a group that
 * fails back would have nowhere to go: both are refused, by name, so that
 * the administrator decides.  The node's groups keep their owner: the
 * coordinator places them once the node has surely stopped them (repl.c).
 */
static uint32_t evict_node(struct cs_model *m, const struct cs_args *a, const char **why)
{
	struct cs_node *n = model_node_any(m, a->name);
	struct cs_node_conf *nc;

	if (!n || (a->state && model_node_evicted(m, n)))
		FAIL(ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
	if (!a->state) {
		if (!model_node_evicted(m, n))
			FAIL(ERROR_INVALID_STATE, "the node is not evicted");
		nc = model_node_conf(m, n->name);
		nc->evicted = 0;
		nc->dirty = 1;
		return ERROR_SUCCESS;
	}
	if (n->state != ClusterNodeDown)
		FAIL(ERROR_CANT_EVICT_ACTIVE_NODE, "the node is up: only a node that is down can "
		     "be evicted (stop its cluster service first)");
	for (size_t i = 0; i < m->n_resources; i++)
		if (only(&m->resources[i]->owners, n->name))
			FAIL(ERROR_INVALID_STATE,
			     why_fmt("resource %.64s may run only on %.64s: give it another possible "
				     "owner (or none: every node) first", m->resources[i]->name,
				     n->name));
	for (size_t i = 0; i < m->n_groups; i++)
		if (m->groups[i]->autofailback == ClusterGroupAllowFailback &&
		    only(&m->groups[i]->preferred, n->name))
			FAIL(ERROR_INVALID_STATE,
			     why_fmt("group %.64s fails back to %.64s, its only preferred owner: set its "
				     "AutoFailbackType to 0 or give it another preferred owner first",
				     m->groups[i]->name, n->name));
	if (!(nc = model_node_conf(m, n->name))) {
		if (!(nc = cs_calloc(1, sizeof(*nc))) || !(nc->name = cs_strdup(n->name)) ||
		    push(&m->node_confs, &m->n_node_confs, nc) != ERROR_SUCCESS) {
			node_conf_free(nc);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
	}
	/* nothing fails from here */
	for (size_t i = 0; i < m->n_groups; i++) {
		struct cs_group *g = m->groups[i];
		if (strv_contains(&g->preferred, n->name)) {
			strv_remove(&g->preferred, n->name);
			g->dirty = 1;
		}
	}
	for (size_t i = 0; i < m->n_resources; i++) {
		struct cs_resource *r = m->resources[i];
		if (strv_contains(&r->owners, n->name)) {
			strv_remove(&r->owners, n->name);
			r->dirty = 1;
		}
	}
	cs_freep(&nc->description); /* its settings go with it */
	nc->evicted = 1;
	nc->dirty = 1;
	n->paused = 0;
	return ERROR_SUCCESS;
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
		/* AutoFailbackType 1 keeps a preferred owner to fail back to (model.h) */
		if (a->n_nodes == 0 && g->autofailback == ClusterGroupAllowFailback)
			FAIL(ERROR_INVALID_PARAMETER, "the group fails back to its preferred owners "
			     "(AutoFailbackType 1): set AutoFailbackType 0 before removing them all");
		if ((rc = strv_set(&g->preferred, a->nodes, a->n_nodes)) != ERROR_SUCCESS)
			return rc;
		g->dirty = 1;
		break;
	case MOP_GROUP_PERSIST:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		g->persistent = a->state ? 1 : 0;
		g->dirty = 1;
		/* an administrator acted: the policy starts afresh */
		g->hold = CS_HOLD_NONE;
		g->failovers = 0;
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
		{
			/* its type's poll intervals, where someone set them */
			const struct cs_type_conf *tc = model_type_conf(m, a->type);
			if (tc) {
				r->looks_alive_ms = tc->looks_alive_ms;
				r->is_alive_ms = tc->is_alive_ms;
			}
		}
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
		if ((rc = props_apply(m, CS_PROPS_RESOURCE, r, a->in, a->in_size, 1, why)))
			return rc;
		r->dirty = 1;
		break;
	case MOP_GROUP_SET_COMMON:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		if ((rc = props_apply(m, CS_PROPS_GROUP, g, a->in, a->in_size, 1, why)))
			return rc;
		g->dirty = 1;
		break;
	case MOP_NODE_SET_COMMON:
	case MOP_TYPE_SET_COMMON:
	case MOP_CLUSTER_SET_COMMON:
		rc = set_conf(m, op == MOP_NODE_SET_COMMON ? CS_PROPS_NODE :
				 op == MOP_TYPE_SET_COMMON ? CS_PROPS_TYPE : CS_PROPS_CLUSTER, a, why);
		if (rc != ERROR_SUCCESS)
			return rc;
		break;
	case MOP_NODE_EVICT:
		if ((rc = evict_node(m, a, why)) != ERROR_SUCCESS)
			return rc;
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
		if (a->has_failover)
			count_failover(g, a->failover);
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
		if (a->has_failover)
			count_failover(g, a->failover);
		/* a move to the node that owns it already is none: a move sent
		 * twice, the second delivered after the handover, leaves no
		 * move behind that nobody would finish */
		g->moving_to = a->node_id == g->owner ? 0 : a->node_id;
		return ERROR_SUCCESS;
	case MOP_GROUP_HOLD:
		if (!(g = model_group(m, a->name)))
			FAIL(ERROR_GROUP_NOT_FOUND, "no such group");
		if (!a->has_state || a->state > CS_HOLD_FAILOVERS)
			FAIL(ERROR_INVALID_PARAMETER, "bad hold reason");
		g->hold = a->state;
		g->moving_to = 0;
		g->placing = 0;
		if (a->has_node_id) {
			g->owner = a->node_id;
			for (size_t i = 0; i < m->n_resources; i++) {
				r = m->resources[i];
				if (!strcmp(r->group, g->name)) {
					r->state = ClusterResourceOffline;
					r->restarts = 0;
				}
			}
		}
		g->state = model_group_state(m, g);
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

	if (g->hold)
		return ClusterGroupFailed;
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

static uint32_t failover_limit(const struct cs_model *m, const struct cs_group *g)
{
	if (g->failover_threshold != 0xFFFFFFFFu)
		return g->failover_threshold;
	return m->n_nodes > 1 ? (uint32_t)m->n_nodes - 1 : 1;
}

/* The period that began with the window's first failover is over. */
static int window_over(const struct cs_group *g, uint64_t now)
{
	return !g->failovers || now < g->failover_window_start ||
	       now - g->failover_window_start >= (uint64_t)g->failover_period * 3600u;
}

/* One more failover at `now` (the decider's clock, in the op: every replica
 * counts the same). */
static void count_failover(struct cs_group *g, uint64_t now)
{
	if (window_over(g, now)) {
		g->failover_window_start = now;
		g->failovers = 0;
	}
	g->failovers++;
}

int model_failover_allowed(const struct cs_model *m, const struct cs_group *g, uint64_t now,
			   uint32_t *count, uint32_t *limit)
{
	uint32_t n = window_over(g, now) ? 0 : g->failovers, l = failover_limit(m, g);

	if (count)
		*count = n;
	if (limit)
		*limit = l;
	return n < l;
}

static int in_window(const struct cs_group *g, time_t now)
{
	uint32_t s = g->failback_start, e = g->failback_end, hour;
	struct tm tm;

	if (s == CS_NO_HOUR || e == CS_NO_HOUR)
		return 1;
	if (!localtime_r(&now, &tm))
		return 0;
	hour = (uint32_t)tm.tm_hour;
	return s <= e ? hour >= s && hour <= e : hour >= s || hour <= e; /* may wrap midnight */
}

uint32_t model_failback_target(const struct cs_model *m, const struct cs_group *g,
			       const uint32_t *members, size_t n_members, time_t now)
{
	if (g->autofailback != ClusterGroupAllowFailback || g->hold || !g->owner ||
	    g->moving_to || !in_window(g, now))
		return 0;
	for (size_t i = 0; i < g->preferred.n; i++) {
		const struct cs_node *n = model_node(m, g->preferred.v[i]);
		if (n && n->id == g->owner)
			return 0; /* already on the best of those up */
		if (n && n->state == ClusterNodeUp && in_list(members, n_members, n->id) &&
		    model_node_can_own(m, g, n->name))
			return n->id;
	}
	return 0;
}

void model_hold_reason(const struct cs_group *g, uint32_t limit, char *buf, size_t size)
{
	if (g->hold == CS_HOLD_FAILOVERS)
		snprintf(buf, size, "failover threshold reached: %u failover(s) within %u h "
			 "(FailoverThreshold %u); online or move it to try again", g->failovers,
			 g->failover_period, limit);
	else if (size)
		buf[0] = '\0';
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
		if (n->id != exclude && n->state == ClusterNodeUp && !model_node_evicted(m, n) &&
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
	/* newer fields: left out at their defaults (the records of groups that do
	 * not use them stay as they were written before) */
	REC_FIELD("Description", REC_SZ, struct cs_group, description, 0),
	REC_FIELD_DFLT("FailbackWindowStart", REC_DWORD, struct cs_group, failback_start, 0,
		       CS_NO_HOUR),
	REC_FIELD_DFLT("FailbackWindowEnd", REC_DWORD, struct cs_group, failback_end, 0, CS_NO_HOUR),
	REC_FIELD("OwnerNodeId", REC_DWORD, struct cs_group, owner, REC_RUNTIME),
	REC_FIELD("State", REC_DWORD, struct cs_group, state, REC_RUNTIME),
	REC_FIELD("MovingTo", REC_DWORD, struct cs_group, moving_to, REC_RUNTIME),
	REC_FIELD("Failovers", REC_DWORD, struct cs_group, failovers, REC_RUNTIME),
	REC_FIELD("FailoverWindowStart", REC_ULARGE, struct cs_group, failover_window_start,
		  REC_RUNTIME),
	REC_FIELD("Hold", REC_DWORD, struct cs_group, hold, REC_RUNTIME),
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


static const char *const record_names[] = {
	[CS_REC_GROUP] = "Group", [CS_REC_RESOURCE] = "Resource", [CS_REC_NODE] = "Node",
	[CS_REC_TYPE] = "ResourceType", [CS_REC_CLUSTER] = "Cluster",
};

const char *model_record_name(enum cs_record kind)
{
	return (unsigned)kind < N(record_names) ? record_names[kind] : NULL;
}

/* The fields of a settings record (a node's, a type's, the cluster's):
 * its Name (not the cluster's), then each common property of its table -
 * so that a new setting needs no line here.  Returns the count. */
#define MAX_CONF_FIELDS (MAX_PROPS + 2)
static size_t conf_fields(enum cs_record kind, struct rec_field f[MAX_CONF_FIELDS])
{
	enum cs_prop_object k = kind == CS_REC_NODE ? CS_PROPS_NODE
				: kind == CS_REC_TYPE ? CS_PROPS_TYPE : CS_PROPS_CLUSTER;
	const struct prop_kind *pk = &prop_kinds[k];
	size_t n = 0;

	if (kind == CS_REC_NODE)
		f[n++] = (struct rec_field){ "Name", REC_SZ, offsetof(struct cs_node_conf, name), 0,
					     REC_REQUIRED, 0 };
	else if (kind == CS_REC_TYPE)
		f[n++] = (struct rec_field){ "Name", REC_SZ, offsetof(struct cs_type_conf, name), 0,
					     REC_REQUIRED, 0 };
	for (size_t i = 0; i < pk->n; i++)
		f[n++] = (struct rec_field){ pk->props[i].name,
					     pk->props[i].format == CLUSPROP_FORMAT_SZ ? REC_SZ
										       : REC_DWORD,
					     pk->props[i].off, 0, 0, 0 };
	/* not a property anyone sets: MOP_NODE_EVICT's mark, left out while 0 so
	 * that the records of nodes never evicted are what they were */
	if (kind == CS_REC_NODE)
		f[n++] = (struct rec_field)REC_FIELD_DFLT("Evicted", REC_DWORD, struct cs_node_conf,
							   evicted, 0, 0);
	return n;
}

static uint32_t encode_conf(clusprop_builder *b, enum cs_record kind, const void *obj)
{
	struct rec_field f[MAX_CONF_FIELDS];
	size_t n = conf_fields(kind, f);

	return rec_encode(b, record_names[kind], f, n, obj, 0);
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
	struct rec_field f[MAX_CONF_FIELDS];

	switch (kind) {
	case CS_REC_GROUP:
		return rec_encode_fields(b, group_fields, N(group_fields), obj, REC_RUNTIME);
	case CS_REC_RESOURCE:
		return rec_encode_fields(b, resource_fields, N(resource_fields), obj, REC_RUNTIME);
	case CS_REC_NODE:
	case CS_REC_TYPE:
	case CS_REC_CLUSTER:
		return rec_encode_fields(b, f, conf_fields(kind, f), obj, 0);
	}
	return ERROR_INVALID_PARAMETER;
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
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_node_confs; i++)
		rc = encode_conf(b, CS_REC_NODE, m->node_confs[i]);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_type_confs; i++)
		rc = encode_conf(b, CS_REC_TYPE, m->type_confs[i]);
	if (rc == ERROR_SUCCESS && m->cluster.set)
		rc = encode_conf(b, CS_REC_CLUSTER, &m->cluster);
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
	if (!valid_name(g->name) || model_group(t, g->name) || !props_ok(t, CS_PROPS_GROUP, g) ||
	    g->hold > CS_HOLD_FAILOVERS)
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
	    model_resource(t, r->name) || !props_ok(t, CS_PROPS_RESOURCE, r) ||
	    (r->priv_size && clusprop_validate_property_list(r->priv, r->priv_size, NULL)))
		goto out;
	if ((rc = push(&t->resources, &t->n_resources, r)) == ERROR_SUCCESS)
		r = NULL;
out:
	model_resource_free(r);
	return rc;
}

/* A settings record (a node's, a type's, the cluster's) into t. */
static uint32_t load_conf(struct cs_model *t, enum cs_record kind, const clusprop_value *v)
{
	struct rec_field f[MAX_CONF_FIELDS];
	size_t n = conf_fields(kind, f);
	struct cs_node_conf *nc = NULL;
	struct cs_type_conf *tc = NULL;
	struct cs_cluster_conf cc = { 0 };
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	if (kind == CS_REC_NODE) {
		if (!(nc = cs_calloc(1, sizeof(*nc))))
			goto out;
		if ((rc = rec_decode(v->data, v->length, f, n, nc, 0)))
			goto out;
		rc = ERROR_INVALID_DATA;
		if (!valid_name(nc->name) || model_node_conf(t, nc->name) || nc->evicted > 1 ||
		    !props_ok(t, CS_PROPS_NODE, nc))
			goto out;
		if ((rc = push(&t->node_confs, &t->n_node_confs, nc)) == ERROR_SUCCESS)
			nc = NULL;
	} else if (kind == CS_REC_TYPE) {
		if (!(tc = cs_calloc(1, sizeof(*tc))))
			goto out;
		tc->looks_alive_ms = type_conf_default.looks_alive_ms;
		tc->is_alive_ms = type_conf_default.is_alive_ms;
		if ((rc = rec_decode(v->data, v->length, f, n, tc, 0)))
			goto out;
		rc = ERROR_INVALID_DATA;
		if (!valid_name(tc->name) || model_type_conf(t, tc->name) ||
		    !props_ok(t, CS_PROPS_TYPE, tc))
			goto out;
		if ((rc = push(&t->type_confs, &t->n_type_confs, tc)) == ERROR_SUCCESS)
			tc = NULL;
	} else {
		if ((rc = rec_decode(v->data, v->length, f, n, &cc, 0)))
			goto out;
		rc = ERROR_INVALID_DATA;
		if (t->cluster.set || !props_ok(t, CS_PROPS_CLUSTER, &cc))
			goto out;
		t->cluster = cc;
		t->cluster.set = 1;
		memset(&cc, 0, sizeof(cc));
		rc = ERROR_SUCCESS;
	}
out:
	node_conf_free(nc);
	type_conf_free(tc);
	cluster_conf_clear(&cc);
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
		} else if (!strcmp(v.name, "Node") || !strcmp(v.name, "ResourceType") ||
			   !strcmp(v.name, "Cluster")) {
			if (v.format != CLUSPROP_FORMAT_BINARY) {
				rc = ERROR_INVALID_DATA;
				goto out;
			}
			rc = load_conf(&t, v.name[0] == 'N' ? CS_REC_NODE :
					   v.name[0] == 'R' ? CS_REC_TYPE : CS_REC_CLUSTER, &v);
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
	m->node_confs = t.node_confs;
	m->n_node_confs = t.n_node_confs;
	m->type_confs = t.type_confs;
	m->n_type_confs = t.n_type_confs;
	m->cluster = t.cluster;
	m->version = t.version;
	t.groups = NULL;
	t.resources = NULL;
	t.n_groups = t.n_resources = 0;
	t.node_confs = NULL;
	t.type_confs = NULL;
	t.n_node_confs = t.n_type_confs = 0;
	memset(&t.cluster, 0, sizeof(t.cluster));
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
	size_t n = (m->n_groups + m->n_resources + m->n_node_confs + m->n_type_confs + 1) *
		   (size_t)CS_OBJECT_OVERHEAD;

	/* descriptions (at most CS_MAX_DESCRIPTION) may pass an object's overhead */
	for (size_t i = 0; i < m->n_resources; i++)
		n += m->resources[i]->priv_size;
	for (size_t i = 0; i < m->n_groups; i++)
		n += m->groups[i]->description ? strlen(m->groups[i]->description) : 0;
	for (size_t i = 0; i < m->n_node_confs; i++)
		n += m->node_confs[i]->description ? strlen(m->node_confs[i]->description) : 0;
	for (size_t i = 0; i < m->n_type_confs; i++)
		n += m->type_confs[i]->description ? strlen(m->type_confs[i]->description) : 0;
	n += m->cluster.description ? strlen(m->cluster.description) : 0;
	return n;
}

/* ---- the digest ---- */

struct named_rec {
	const char *name;
	enum cs_record kind;        /* groups first, then resources, then settings */
	const void *obj;
};

static int named_rec_cmp(const void *a, const void *b)
{
	const struct named_rec *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return strcmp(x->name, y->name);
}

uint32_t model_digest(const struct cs_model *m, uint8_t out[CS_DIGEST_SIZE])
{
	struct named_rec *recs = NULL;
	struct sha256_ctx ctx;
	clusprop_builder b;
	size_t n = m->n_groups + m->n_resources + m->n_node_confs + m->n_type_confs + 1, k = 0;
	uint8_t ver[8];
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	clusprop_builder_init_owned(&b);
	if (!(recs = cs_calloc(n, sizeof(*recs))))
		goto out;
	for (size_t i = 0; i < m->n_groups; i++)
		recs[k++] = (struct named_rec){ m->groups[i]->name, CS_REC_GROUP, m->groups[i] };
	for (size_t i = 0; i < m->n_resources; i++)
		recs[k++] = (struct named_rec){ m->resources[i]->name, CS_REC_RESOURCE,
						m->resources[i] };
	/* settings only where someone set some: a configuration without any has
	 * the digest it had before settings existed */
	for (size_t i = 0; i < m->n_node_confs; i++)
		recs[k++] = (struct named_rec){ m->node_confs[i]->name, CS_REC_NODE,
						m->node_confs[i] };
	for (size_t i = 0; i < m->n_type_confs; i++)
		recs[k++] = (struct named_rec){ m->type_confs[i]->name, CS_REC_TYPE,
						m->type_confs[i] };
	if (m->cluster.set)
		recs[k++] = (struct named_rec){ "", CS_REC_CLUSTER, &m->cluster };
	if (k)
		qsort(recs, k, sizeof(*recs), named_rec_cmp);
	sha256_init(&ctx);
	cs_put_le64(ver, m->version);
	sha256_update(&ctx, sizeof(ver), ver);
	for (size_t i = 0; i < k; i++) {
		clusprop_builder_free(&b);
		clusprop_builder_init_owned(&b);
		if (recs[i].kind >= CS_REC_NODE) {
			/* the record's name too: a node's and a type's settings may
			 * be alike */
			clusprop_builder_begin_plist(&b);
			clusprop_add_dword(&b, "Record", (uint32_t)recs[i].kind);
			if ((rc = clusprop_builder_status(&b)) != ERROR_SUCCESS)
				goto out;
			sha256_update(&ctx, clusprop_builder_size(&b), clusprop_builder_data(&b));
			clusprop_builder_free(&b);
			clusprop_builder_init_owned(&b);
		}
		rc = model_encode_row(&b, recs[i].kind, recs[i].obj);
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
		if (model_node_evicted(m, n))
			continue; /* not part of the cluster */
		rc = rec_encode(b, cs_st_node.record, cs_st_node.fields, cs_st_node.n_fields, &sn, 0);
	}
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_groups; i++) {
		const struct cs_group *g = m->groups[i];
		struct cs_st_group sg = { .name = g->name, .owner = (char *)owner_name(m, g->owner),
					  .state = g->state, .preferred = g->preferred.v,
					  .n_preferred = g->preferred.n };
		char reason[256];
		if (!v->runs && g->owner == v->local_id && g->state != ClusterGroupOffline &&
		    g->state != ClusterGroupFailed)
			sg.state = (uint32_t)ClusterGroupStateUnknown;
		if (g->hold) {
			model_hold_reason(g, failover_limit(m, g), reason, sizeof(reason));
			sg.reason = reason;
		}
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
