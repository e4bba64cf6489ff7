/*
 * store.c - see store.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "cs_alloc.h"
#include "cs_bytes.h"

enum { KIND_GROUP = 1, KIND_RESOURCE = 2 };

struct cs_store {
	sqlite3 *db;
	sqlite3_stmt *put, *del, *ver;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS objects(kind INTEGER NOT NULL, name TEXT NOT NULL,"
	" data BLOB NOT NULL, PRIMARY KEY(kind, name));";

uint32_t store_open(const char *dir, struct cs_store **ret, const char **why)
{
	struct cs_store *s = NULL;
	char path[4096];
	uint32_t rc = ERROR_GEN_FAILURE;

	if ((size_t)snprintf(path, sizeof(path), "%s/cluster.db", dir) >= sizeof(path)) {
		*why = "state directory path too long";
		return ERROR_INVALID_PARAMETER;
	}
	if (!(s = cs_calloc(1, sizeof(*s))))
		return ERROR_NOT_ENOUGH_MEMORY;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*why = s->db ? sqlite3_errmsg(s->db) : "cannot open the database";
		goto out;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO objects(kind,name,data) VALUES(?,?,?)",
			       -1, &s->put, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "DELETE FROM objects WHERE kind=? AND name=?", -1, &s->del,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key,value) VALUES('version',?)",
			       -1, &s->ver, NULL) != SQLITE_OK) {
		*why = sqlite3_errmsg(s->db);
		goto out;
	}
	*ret = s;
	s = NULL;
	rc = ERROR_SUCCESS;
out:
	store_close(s);
	return rc;
}

void store_close(struct cs_store *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->put);
	sqlite3_finalize(s->del);
	sqlite3_finalize(s->ver);
	sqlite3_close(s->db);
	cs_free(s);
}

/* A growing byte buffer. */
struct bytes {
	uint8_t *p;
	size_t len, cap;
};

static uint32_t bytes_append(struct bytes *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *np = cs_realloc(b->p, cap);
		if (!np)
			return ERROR_NOT_ENOUGH_MEMORY;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	return ERROR_SUCCESS;
}

uint32_t store_load(struct cs_store *s, struct cs_model *m)
{
	sqlite3_stmt *st = NULL;
	clusprop_builder vb;
	struct bytes all = { 0 };
	uint64_t version = 0;
	uint32_t count = 1, rc = ERROR_GEN_FAILURE;
	int step;

	clusprop_builder_init_owned(&vb);
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='version'", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;

	/* Join the rows (each a one-property list) into one property list:
	 * count, the Version property, then each row's property. */
	clusprop_builder_begin_plist(&vb);
	clusprop_add_ularge(&vb, "Version", version);
	if ((rc = clusprop_builder_status(&vb)) != ERROR_SUCCESS ||
	    (rc = bytes_append(&all, clusprop_builder_data(&vb), clusprop_builder_size(&vb))))
		goto out;
	rc = ERROR_GEN_FAILURE;
	if (sqlite3_prepare_v2(s->db, "SELECT data FROM objects ORDER BY kind, rowid", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const uint8_t *d = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		if (!d || n < 4 || cs_le32(d) != 1) {
			rc = ERROR_INVALID_DATA;
			goto out;
		}
		if ((rc = bytes_append(&all, d + 4, (size_t)n - 4)) != ERROR_SUCCESS)
			goto out;
		count++;
	}
	if (step != SQLITE_DONE) {
		rc = ERROR_GEN_FAILURE;
		goto out;
	}
	cs_put_le32(all.p, count);
	rc = model_load(m, all.p, all.len, 0);
out:
	sqlite3_finalize(st);
	clusprop_builder_free(&vb);
	cs_free(all.p);
	return rc;
}

static uint32_t put_object(struct cs_store *s, int kind, const char *name,
			   const void *data, size_t len)
{
	int ok;

	sqlite3_reset(s->put);
	sqlite3_bind_int(s->put, 1, kind);
	sqlite3_bind_text(s->put, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s->put, 3, data, (int)len, SQLITE_STATIC);
	ok = sqlite3_step(s->put) == SQLITE_DONE;
	sqlite3_reset(s->put);
	sqlite3_clear_bindings(s->put);
	return ok ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

static uint32_t del_object(struct cs_store *s, int kind, const char *name)
{
	int ok;

	sqlite3_reset(s->del);
	sqlite3_bind_int(s->del, 1, kind);
	sqlite3_bind_text(s->del, 2, name, -1, SQLITE_STATIC);
	ok = sqlite3_step(s->del) == SQLITE_DONE;
	sqlite3_reset(s->del);
	sqlite3_clear_bindings(s->del);
	return ok ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

/* Encode one object as a one-property list and store it. */
static uint32_t write_group(struct cs_store *s, const struct cs_group *g)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	rc = model_encode_group(&b, g, 0);
	if (rc == ERROR_SUCCESS)
		rc = put_object(s, KIND_GROUP, g->name, clusprop_builder_data(&b),
				clusprop_builder_size(&b));
	clusprop_builder_free(&b);
	return rc;
}

static uint32_t write_resource(struct cs_store *s, const struct cs_resource *r)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	rc = model_encode_resource(&b, r, 0);
	if (rc == ERROR_SUCCESS)
		rc = put_object(s, KIND_RESOURCE, r->name, clusprop_builder_data(&b),
				clusprop_builder_size(&b));
	clusprop_builder_free(&b);
	return rc;
}

static uint32_t write_version(struct cs_store *s, uint64_t version)
{
	int ok;

	sqlite3_reset(s->ver);
	sqlite3_bind_int64(s->ver, 1, (sqlite3_int64)version);
	ok = sqlite3_step(s->ver) == SQLITE_DONE;
	sqlite3_reset(s->ver);
	return ok ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

/* Run the changes inside one transaction; all = rewrite everything. */
static uint32_t commit(struct cs_store *s, struct cs_model *m, int all)
{
	uint32_t rc = ERROR_SUCCESS;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return ERROR_GEN_FAILURE;
	if (all && sqlite3_exec(s->db, "DELETE FROM objects", NULL, NULL, NULL) != SQLITE_OK)
		rc = ERROR_GEN_FAILURE;
	for (size_t i = 0; rc == ERROR_SUCCESS && !all && i < m->deleted_groups.n; i++)
		rc = del_object(s, KIND_GROUP, m->deleted_groups.v[i]);
	for (size_t i = 0; rc == ERROR_SUCCESS && !all && i < m->deleted_resources.n; i++)
		rc = del_object(s, KIND_RESOURCE, m->deleted_resources.v[i]);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_groups; i++)
		if (all || m->groups[i]->dirty)
			rc = write_group(s, m->groups[i]);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_resources; i++)
		if (all || m->resources[i]->dirty)
			rc = write_resource(s, m->resources[i]);
	if (rc == ERROR_SUCCESS)
		rc = write_version(s, m->version);
	if (rc != ERROR_SUCCESS ||
	    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc != ERROR_SUCCESS ? rc : ERROR_GEN_FAILURE;
	}
	for (size_t i = 0; i < m->n_groups; i++)
		m->groups[i]->dirty = 0;
	for (size_t i = 0; i < m->n_resources; i++)
		m->resources[i]->dirty = 0;
	strv_free(&m->deleted_groups);
	strv_free(&m->deleted_resources);
	return ERROR_SUCCESS;
}

uint32_t store_flush(struct cs_store *s, struct cs_model *m)
{
	return commit(s, m, 0);
}

uint32_t store_replace(struct cs_store *s, struct cs_model *m)
{
	return commit(s, m, 1);
}
