/*
 * store.c - see store.h.
 *
 * Tables: meta(key, value) holds "version" (config ops applied), "schema"
 * (CS_SCHEMA_VERSION of the rows; absent: schema 1), "digest" (model_digest
 * of the rows, written with them: a file edited or damaged behind
 * clusterd's back no longer matches it), "epoch" (the last quorate view
 * this copy was synced in, repl.c) and "cluster" (the name of the cluster
 * it belongs to); objects(kind,
 * name, data) one row per group (kind 1), resource (kind 2), node's,
 * type's or the cluster's settings (kinds 3, 4, 5; schema 3), data the
 * object's record (model_encode_row: its named fields).  A database of
 * schema 1 is upgraded at load, in one transaction, after a copy of the
 * file is kept beside it (cluster.db.schema1); one of a newer schema is
 * refused, naming both versions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "schema1.h"

/* A row's kind: enum cs_record + 1 (schema 3 added nodes', types' and the
 * cluster's settings). */
enum { KIND_GROUP = 1, KIND_RESOURCE = 2, KIND_NODE = 3, KIND_TYPE = 4, KIND_CLUSTER = 5 };
#define KIND_OF(rec) ((int)(rec) + 1)
#define CLUSTER_ROW "Cluster"       /* the name of the cluster's settings row */

struct cs_store {
	sqlite3 *db;
	sqlite3_stmt *put, *del, *ver;
	char path[4096];
	uint32_t schema;            /* of the rows on disk */
};

/* The explanation of store_open's last failure (the database it came from
 * is closed by then). */
static char why_buf[2 * 4096 + 512];

static const char *why_copy(const char *text)
{
	snprintf(why_buf, sizeof(why_buf), "%s", text ? text : "error");
	return why_buf;
}

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS objects(kind INTEGER NOT NULL, name TEXT NOT NULL,"
	" data BLOB NOT NULL, PRIMARY KEY(kind, name));";

/* An integer of the meta table, or dflt if it has none. */
static uint32_t meta_get(struct cs_store *s, const char *key, int64_t dflt, int64_t *ret)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL) != SQLITE_OK)
		return ERROR_GEN_FAILURE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	*ret = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : dflt;
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

/* The rows' schema: a new database gets the current one; a database
 * without one is schema 1; a newer one is refused. */
static uint32_t read_schema(struct cs_store *s, const char **why)
{
	int64_t db_schema, rows = 0, version = 0;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM objects", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		*why = why_copy(sqlite3_errmsg(s->db));
		return ERROR_GEN_FAILURE;
	}
	rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (meta_get(s, "version", 0, &version) || meta_get(s, "schema", 0, &db_schema)) {
		*why = why_copy(sqlite3_errmsg(s->db));
		return ERROR_GEN_FAILURE;
	}
	if (db_schema == 0 && rows == 0 && version == 0) {
		/* a new database */
		char sql[96];
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta(key,value) VALUES('schema',%u)",
			 CS_SCHEMA_VERSION);
		if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			*why = why_copy(sqlite3_errmsg(s->db));
			return ERROR_GEN_FAILURE;
		}
		db_schema = CS_SCHEMA_VERSION;
	}
	if (db_schema == 0)
		db_schema = 1;
	if (db_schema > CS_SCHEMA_VERSION || db_schema < 1) {
		snprintf(why_buf, sizeof(why_buf),
			 "%s has database schema %lld; this clusterd reads schema %u at most: "
			 "run a clusterd as new as the one that wrote it, or move the file aside",
			 s->path, (long long)db_schema, CS_SCHEMA_VERSION);
		*why = why_buf;
		return ERROR_CLUSTER_INCOMPATIBLE_VERSIONS;
	}
	s->schema = (uint32_t)db_schema;
	return ERROR_SUCCESS;
}

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
	memcpy(s->path, path, sizeof(path));
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		*why = why_copy(s->db ? sqlite3_errmsg(s->db) : "cannot open the database");
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
		*why = why_copy(sqlite3_errmsg(s->db));
		goto out;
	}
	if ((rc = read_schema(s, why)) != ERROR_SUCCESS)
		goto out;
	rc = ERROR_GEN_FAILURE;
	*ret = s;
	s = NULL;
	rc = ERROR_SUCCESS;
out:
	store_close(s);
	return rc;
}

uint32_t store_move_aside(const char *dir, char *ret_path, size_t ret_size)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char from[4200], to[4300];
	time_t now = time(NULL);
	struct tm tm;
	uint32_t rc = ERROR_SUCCESS;

	gmtime_r(&now, &tm);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		snprintf(from, sizeof(from), "%s/cluster.db%s", dir, suffixes[i]);
		snprintf(to, sizeof(to), "%s/cluster.db.bad-%04d%02d%02dT%02d%02d%02dZ%s", dir,
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, suffixes[i]);
		if (rename(from, to) < 0 && errno != ENOENT)
			rc = ERROR_GEN_FAILURE;
		if (i == 0 && ret_path)
			snprintf(ret_path, ret_size, "%s", to);
	}
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

static uint32_t commit(struct cs_store *s, struct cs_model *m, int all);

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

/* Keep a copy of the database file as it is (before an upgrade): PATH.suffix. */
static uint32_t keep_copy(struct cs_store *s, const char *suffix)
{
	char copy[sizeof(s->path) + 32];
	char *sql;
	int n;

	n = snprintf(copy, sizeof(copy), "%s.%s", s->path, suffix);
	if (n < 0 || (size_t)n >= sizeof(copy))
		return ERROR_INVALID_PARAMETER;
	if (!(sql = sqlite3_mprintf("VACUUM INTO %Q", copy)))
		return ERROR_NOT_ENOUGH_MEMORY;
	unlink(copy); /* VACUUM INTO wants a new file */
	n = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
	return n == SQLITE_OK ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

/* Schema 1: the rows (each a one-property list) joined under one count
 * after a Version property, then turned into a current snapshot. */
static uint32_t snapshot_schema1(struct cs_store *s, uint64_t version, clusprop_builder *snap)
{
	sqlite3_stmt *st = NULL;
	clusprop_builder vb;
	struct bytes all = { 0 };
	uint32_t count = 1, rc;
	int step;

	clusprop_builder_init_owned(&vb);
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
	rc = schema1_to_snapshot(all.p, all.len, snap);
out:
	sqlite3_finalize(st);
	clusprop_builder_free(&vb);
	cs_free(all.p);
	return rc;
}

/* Schema 2 on: each row is a record, carried as a Group / Resource property. */
static uint32_t snapshot_records(struct cs_store *s, uint64_t version, clusprop_builder *snap)
{
	sqlite3_stmt *st = NULL;
	uint32_t rc = ERROR_GEN_FAILURE;
	int step;

	clusprop_builder_begin_plist(snap);
	clusprop_add_dword(snap, "SchemaVersion", s->schema);
	clusprop_add_ularge(snap, "Version", version);
	if (sqlite3_prepare_v2(s->db, "SELECT kind, data FROM objects ORDER BY kind, rowid", -1, &st,
			       NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int kind = sqlite3_column_int(st, 0);
		const void *d = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);
		/* (settings rows are schema 3's: in an older file they are damage) */
		if (!d || kind < KIND_GROUP || kind > (s->schema >= 3 ? KIND_CLUSTER : KIND_RESOURCE)) {
			rc = ERROR_INVALID_DATA;
			goto out;
		}
		rc = clusprop_add_binary(snap, model_record_name((enum cs_record)(kind - 1)), d,
					 (size_t)n);
		if (rc != ERROR_SUCCESS)
			goto out;
	}
	rc = step == SQLITE_DONE ? clusprop_builder_status(snap) : ERROR_GEN_FAILURE;
out:
	sqlite3_finalize(st);
	return rc;
}

uint32_t store_load(struct cs_store *s, struct cs_model *m, const char **why)
{
	clusprop_builder snap;
	int64_t version = 0;
	uint32_t rc = ERROR_GEN_FAILURE;

	clusprop_builder_init_owned(&snap);
	if (meta_get(s, "version", 0, &version) != ERROR_SUCCESS) {
		*why = why_copy(sqlite3_errmsg(s->db));
		goto out;
	}
	rc = s->schema == 1 ? snapshot_schema1(s, (uint64_t)version, &snap)
			    : snapshot_records(s, (uint64_t)version, &snap);
	if (rc == ERROR_SUCCESS)
		rc = model_load(m, clusprop_builder_data(&snap), clusprop_builder_size(&snap), 0);
	if (rc != ERROR_SUCCESS) {
		snprintf(why_buf, sizeof(why_buf), "%s (schema %u): %s", s->path, s->schema,
			 rc == ERROR_INVALID_DATA ? "a malformed object" : cluster_strerror(rc));
		*why = why_buf;
		goto out;
	}
	if (s->schema < CS_SCHEMA_VERSION) {
		/* upgrade in place, keeping the old file beside it */
		char suffix[32];
		snprintf(suffix, sizeof(suffix), "schema%u", s->schema);
		if ((rc = keep_copy(s, suffix)) != ERROR_SUCCESS ||
		    (rc = commit(s, m, 1)) != ERROR_SUCCESS) {
			snprintf(why_buf, sizeof(why_buf), "%s: cannot upgrade from schema %u to %u: %s",
				 s->path, s->schema, CS_SCHEMA_VERSION, cluster_strerror(rc));
			*why = why_buf;
			goto out;
		}
		snprintf(why_buf, sizeof(why_buf), "%s upgraded from schema %u to %u (the old file is "
			 "kept as %s.%s)", s->path, s->schema, CS_SCHEMA_VERSION, s->path, suffix);
		*why = why_buf;
		s->schema = CS_SCHEMA_VERSION;
	}
out:
	clusprop_builder_free(&snap);
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

/* Store one object's record. */
static uint32_t write_object(struct cs_store *s, enum cs_record kind, const char *name,
			     const void *obj)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	rc = model_encode_row(&b, kind, obj);
	if (rc == ERROR_SUCCESS)
		rc = put_object(s, KIND_OF(kind), name, clusprop_builder_data(&b),
				clusprop_builder_size(&b));
	clusprop_builder_free(&b);
	return rc;
}

/* Set meta row key: to the integer i, or the bytes blob/len (blob not
 * NULL), or the string text (text not NULL). */
static uint32_t meta_put(struct cs_store *s, const char *key, int64_t i, const void *blob,
			 size_t len, const char *text)
{
	sqlite3_stmt *st = NULL;
	int ok;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key,value) VALUES(?,?)", -1, &st,
			       NULL) != SQLITE_OK)
		return ERROR_GEN_FAILURE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (blob)
		sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
	else if (text)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 2, i);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

uint32_t store_check_digest(struct cs_store *s, const struct cs_model *m, int *ret_ok)
{
	uint8_t want[CS_DIGEST_SIZE];
	sqlite3_stmt *st = NULL;
	uint32_t rc;
	int step;

	if ((rc = model_digest(m, want)) != ERROR_SUCCESS)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='digest'", -1, &st,
			       NULL) != SQLITE_OK)
		return ERROR_GEN_FAILURE;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const void *d = sqlite3_column_blob(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		*ret_ok = d && n == (int)CS_DIGEST_SIZE && !memcmp(d, want, CS_DIGEST_SIZE);
	} else {
		*ret_ok = 1; /* written before digests: nothing to hold it against */
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

uint32_t store_get_cluster(struct cs_store *s, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	int step;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key='cluster'", -1, &st,
			       NULL) != SQLITE_OK)
		return ERROR_GEN_FAILURE;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? ERROR_SUCCESS : ERROR_GEN_FAILURE;
}

uint32_t store_set_cluster(struct cs_store *s, const char *name)
{
	return meta_put(s, "cluster", 0, NULL, 0, name);
}

uint32_t store_get_epoch(struct cs_store *s, uint64_t *ret)
{
	int64_t v = 0;
	uint32_t rc = meta_get(s, "epoch", 0, &v);

	if (rc == ERROR_SUCCESS)
		*ret = (uint64_t)v;
	return rc;
}

uint32_t store_set_epoch(struct cs_store *s, uint64_t epoch)
{
	return meta_put(s, "epoch", (int64_t)epoch, NULL, 0, NULL);
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
			rc = write_object(s, CS_REC_GROUP, m->groups[i]->name, m->groups[i]);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_resources; i++)
		if (all || m->resources[i]->dirty)
			rc = write_object(s, CS_REC_RESOURCE, m->resources[i]->name,
					  m->resources[i]);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_node_confs; i++)
		if (all || m->node_confs[i]->dirty)
			rc = write_object(s, CS_REC_NODE, m->node_confs[i]->name, m->node_confs[i]);
	for (size_t i = 0; rc == ERROR_SUCCESS && i < m->n_type_confs; i++)
		if (all || m->type_confs[i]->dirty)
			rc = write_object(s, CS_REC_TYPE, m->type_confs[i]->name, m->type_confs[i]);
	if (rc == ERROR_SUCCESS && m->cluster.set && (all || m->cluster.dirty))
		rc = write_object(s, CS_REC_CLUSTER, CLUSTER_ROW, &m->cluster);
	if (rc == ERROR_SUCCESS)
		rc = write_version(s, m->version);
	if (rc == ERROR_SUCCESS) {
		/* the digest of what is now on disk, with it, in one transaction */
		uint8_t d[CS_DIGEST_SIZE];
		rc = model_digest(m, d);
		if (rc == ERROR_SUCCESS)
			rc = meta_put(s, "digest", 0, d, sizeof(d), NULL);
	}
	if (rc == ERROR_SUCCESS && all) {
		char sql[96];
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO meta(key,value) VALUES('schema',%u)",
			 CS_SCHEMA_VERSION);
		if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			rc = ERROR_GEN_FAILURE;
	}
	if (rc != ERROR_SUCCESS ||
	    sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc != ERROR_SUCCESS ? rc : ERROR_GEN_FAILURE;
	}
	for (size_t i = 0; i < m->n_groups; i++)
		m->groups[i]->dirty = 0;
	for (size_t i = 0; i < m->n_resources; i++)
		m->resources[i]->dirty = 0;
	for (size_t i = 0; i < m->n_node_confs; i++)
		m->node_confs[i]->dirty = 0;
	for (size_t i = 0; i < m->n_type_confs; i++)
		m->type_confs[i]->dirty = 0;
	m->cluster.dirty = 0;
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
