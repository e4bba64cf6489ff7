/*
 * schema1.c - reading a database written before records had names
 * (schema 1, main up to commit 48f66c8): each row a one-property list,
 * "Group" (SZ name, MULTI_SZ preferred owners, DWORD persistent, failover
 * threshold, failover period, autofailback) or "Resource" (SZ name, type,
 * group, MULTI_SZ dependencies, possible owners, BINARY private properties,
 * DWORD restart action, threshold, period, looks-alive, is-alive, pending
 * timeout, persistent, ULARGE uid), values in that order.  Used once, by
 * the store, to upgrade such a database to the current schema.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "schema1.h"

#include <string.h>

#include "cs_alloc.h"

/* ---- schema 1: a record is one property, its fields values by position ---- */

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

static uint32_t group_from_rec(struct rec *r, struct cs_group **ret)
{
	struct cs_group *g;

	if (!rec_is(r, 0, CLUSPROP_FORMAT_SZ) || !rec_is(r, 1, CLUSPROP_FORMAT_MULTI_SZ) ||
	    !rec_is(r, 5, CLUSPROP_FORMAT_DWORD))
		return ERROR_INVALID_DATA;
	if (!(g = model_group_new(r->v[0].str)))
		return ERROR_NOT_ENOUGH_MEMORY;
	g->preferred = r->v[1].multi;
	memset(&r->v[1].multi, 0, sizeof(r->v[1].multi));
	g->persistent = (uint32_t)r->v[2].num;
	g->failover_threshold = (uint32_t)r->v[3].num;
	g->failover_period = (uint32_t)r->v[4].num;
	g->autofailback = (uint32_t)r->v[5].num;
	*ret = g;
	return ERROR_SUCCESS;
}

static uint32_t resource_from_rec(struct rec *rec, struct cs_resource **ret)
{
	struct cs_resource *r;

	for (size_t i = 0; i < 3; i++)
		if (!rec_is(rec, i, CLUSPROP_FORMAT_SZ))
			return ERROR_INVALID_DATA;
	if (!rec_is(rec, 3, CLUSPROP_FORMAT_MULTI_SZ) || !rec_is(rec, 4, CLUSPROP_FORMAT_MULTI_SZ) ||
	    !rec_is(rec, 5, CLUSPROP_FORMAT_BINARY) || !rec_is(rec, 12, CLUSPROP_FORMAT_DWORD) ||
	    !rec_is(rec, 13, CLUSPROP_FORMAT_ULARGE_INTEGER))
		return ERROR_INVALID_DATA;
	if (!(r = model_resource_new(rec->v[0].str, rec->v[1].str, rec->v[2].str)))
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
	*ret = r;
	return ERROR_SUCCESS;
}


uint32_t schema1_to_snapshot(const void *buf, size_t len, clusprop_builder *out)
{
	clusprop_iter it;
	clusprop_value pending;
	struct rec rec;
	struct cs_group *g = NULL;
	struct cs_resource *r = NULL;
	int has_pending = 0, open = 0;
	uint32_t rc;

	memset(&rec, 0, sizeof(rec));
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	open = 1;
	clusprop_builder_begin_plist(out);
	clusprop_add_dword(out, "SchemaVersion", CS_SCHEMA_VERSION);
	while ((rc = rec_next(&it, &pending, &has_pending, &rec)) == ERROR_SUCCESS) {
		if (!strcmp(rec.name, "Version") && rec_is(&rec, 0, CLUSPROP_FORMAT_ULARGE_INTEGER)) {
			rc = clusprop_add_ularge(out, "Version", rec.v[0].num);
		} else if (!strcmp(rec.name, "Group")) {
			if ((rc = group_from_rec(&rec, &g)) == ERROR_SUCCESS)
				rc = model_encode_group(out, g, 0);
			model_group_free(g);
			g = NULL;
		} else if (!strcmp(rec.name, "Resource")) {
			if ((rc = resource_from_rec(&rec, &r)) == ERROR_SUCCESS)
				rc = model_encode_resource(out, r, 0);
			model_resource_free(r);
			r = NULL;
		}
		if (rc != ERROR_SUCCESS)
			goto out;
	}
	if (rc == ERROR_NO_MORE_ITEMS)
		rc = clusprop_builder_status(out);
out:
	rec_clear(&rec);
	if (open)
		clusprop_iter_done(&it);
	return rc;
}
