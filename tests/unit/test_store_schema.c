/*
 * test_store_schema.c - records by name and schema versions: a database
 * written by main before the change (tests/fixtures/cluster-schema1.db,
 * schema 1, positional rows) loads, is upgraded on disk with the old file
 * kept, and loads again; a database or snapshot of a newer schema is
 * refused and changes nothing; readers skip fields they do not know and
 * give missing ones their defaults.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "store.h"

static char dir[256];

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cs-test-schema.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static int64_t meta(const char *path, const char *key)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static const char *priv_sz(const struct cs_resource *r, const char *name)
{
	static char val[256];
	clusprop_iter it;
	clusprop_value v;
	const char *found = NULL;

	if (!r->priv_size)
		return NULL;
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, r->priv, r->priv_size, NULL),
			 ERROR_SUCCESS);
	while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS)
		if (!strcmp(v.name, name) && v.format == CLUSPROP_FORMAT_SZ) {
			snprintf(val, sizeof(val), "%s", v.str);
			found = val;
		}
	clusprop_iter_done(&it);
	return found;
}

/* What make_schema1_db.c wrote, checked field by field. */
static void check_fixture_model(const struct cs_model *m)
{
	const struct cs_group *web = model_group(m, "web"), *db = model_group(m, "db");
	const struct cs_resource *disk = model_resource(m, "www-disk"), *www = model_resource(m, "www");
	const struct cs_resource *pg = model_resource(m, "pg"), *bk = model_resource(m, "pg-backup");

	assert_int_equal(m->version, 17);
	assert_int_equal(m->n_groups, 3);
	assert_int_equal(m->n_resources, 5);
	assert_non_null(web);
	assert_non_null(db);
	assert_non_null(model_group(m, "empty"));
	assert_int_equal(web->preferred.n, 2);
	assert_string_equal(web->preferred.v[0], "n2");
	assert_string_equal(web->preferred.v[1], "n1");
	assert_int_equal(web->persistent, 1);
	assert_int_equal(db->persistent, 1);
	assert_int_equal(db->failover_threshold, 10); /* as the schema-1 row holds it */
	assert_non_null(disk);
	assert_non_null(www);
	assert_non_null(pg);
	assert_non_null(bk);
	assert_null(model_resource(m, "old-name"));
	assert_string_equal(disk->type, "Dummy");
	assert_string_equal(disk->group, "web");
	assert_int_equal(disk->uid, 5);
	assert_int_equal(www->uid, 7);
	assert_int_equal(pg->uid, 8);
	assert_int_equal(bk->uid, 9);
	assert_string_equal(bk->group, "db");
	assert_string_equal(priv_sz(disk, "StateFile"), "/tmp/www.state");
	assert_int_equal(www->deps.n, 2);
	assert_true(strv_contains(&www->deps, "www-disk"));
	assert_true(strv_contains(&www->deps, "www-ip"));
	assert_int_equal(pg->owners.n, 2);
	assert_string_equal(pg->owners.v[0], "n1");
	assert_string_equal(pg->owners.v[1], "n3");
	assert_int_equal(pg->restart_threshold, 7);
	assert_int_equal(pg->pending_timeout_ms, 30000);
	assert_int_equal(pg->restart_period, CS_DEFAULT_RESTART_PERIOD_MS);
	assert_int_equal(pg->persistent, 1);
	assert_int_equal(bk->persistent, 0);
	assert_int_equal(www->persistent, 1);
	assert_int_equal(pg->state, ClusterResourceOffline);
}

static void test_schema1_fixture_upgrades(void **state)
{
	char path[300], kept[320];
	struct cs_model m;
	struct cs_store *s = NULL;
	const char *why = NULL;
	struct stat st;

	(void)state;
	snprintf(path, sizeof(path), "%s/cluster.db", dir);
	snprintf(kept, sizeof(kept), "%s.schema1", path);
	copy_file(CS_FIXTURE_DIR "/cluster-schema1.db", path);
	assert_int_equal(meta(path, "schema"), -1); /* as main wrote it: no schema */

	model_init(&m);
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	why = NULL;
	assert_int_equal(store_load(s, &m, &why), ERROR_SUCCESS);
	assert_non_null(why);
	snprintf(kept, sizeof(kept), "upgraded from schema 1 to %u", CS_SCHEMA_VERSION);
	assert_non_null(strstr(why, kept));
	snprintf(kept, sizeof(kept), "%s.schema1", path);
	check_fixture_model(&m);
	store_close(s);
	model_free(&m);
	assert_int_equal(meta(path, "schema"), CS_SCHEMA_VERSION);
	assert_int_equal(stat(kept, &st), 0);
	assert_int_equal(meta(kept, "schema"), -1); /* the old file, untouched */

	/* loaded again, now as named records: the same model, no upgrade */
	model_init(&m);
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	why = NULL;
	assert_int_equal(store_load(s, &m, &why), ERROR_SUCCESS);
	assert_null(why);
	check_fixture_model(&m);
	store_close(s);
	model_free(&m);
}

static void test_newer_database_refused(void **state)
{
	char path[300];
	struct cs_store *s = NULL;
	const char *why = NULL;
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof(path), "%s/cluster.db", dir);
	copy_file(CS_FIXTURE_DIR "/cluster-schema1.db", path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT OR REPLACE INTO meta VALUES('schema', 99)", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(dir, &s, &why), ERROR_CLUSTER_INCOMPATIBLE_VERSIONS);
	assert_null(s);
	assert_non_null(why);
	assert_non_null(strstr(why, "schema 99"));
	{
		char at_most[64];
		snprintf(at_most, sizeof(at_most), "schema %u at most", CS_SCHEMA_VERSION);
		assert_non_null(strstr(why, at_most));
	}
	assert_int_equal(meta(path, "schema"), 99); /* nothing written */
}

static void test_new_database_gets_schema(void **state)
{
	char path[300];
	struct cs_model m;
	struct cs_store *s = NULL;
	const char *why = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/cluster.db", dir);
	model_init(&m);
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	assert_int_equal(store_load(s, &m, &why), ERROR_SUCCESS);
	assert_null(why);
	assert_int_equal(m.n_groups, 0);
	store_close(s);
	model_free(&m);
	assert_int_equal(meta(path, "schema"), CS_SCHEMA_VERSION);
}

/* A snapshot by hand: SchemaVersion, Version, one group record with
 * `extra` (an unknown field) and without the optional fields. */
static void build_snapshot(clusprop_builder *b, uint32_t schema, int with_extra)
{
	clusprop_builder g;

	clusprop_builder_init_owned(&g);
	clusprop_builder_begin_plist(&g);
	clusprop_add_sz(&g, "Name", "g9");
	if (with_extra)
		clusprop_add_sz(&g, "SomeFutureField", "x");
	clusprop_add_dword(&g, "PersistentState", 1);
	assert_int_equal(clusprop_builder_status(&g), ERROR_SUCCESS);
	clusprop_builder_init_owned(b);
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "SchemaVersion", schema);
	clusprop_add_ularge(b, "Version", 41);
	clusprop_add_binary(b, "Group", clusprop_builder_data(&g), clusprop_builder_size(&g));
	clusprop_add_sz(b, "AFutureTopLevelThing", "y");
	assert_int_equal(clusprop_builder_status(b), ERROR_SUCCESS);
	clusprop_builder_free(&g);
}

static void test_snapshot_versions(void **state)
{
	clusprop_builder b;
	struct cs_model m;
	const char *why;

	(void)state;
	model_init(&m);
	assert_int_equal(model_apply(&m, MOP_GROUP_CREATE, &(struct cs_args){ .name = "keep" }, &why),
			 ERROR_SUCCESS);
	/* newer schema: refused, the model as it was */
	build_snapshot(&b, CS_SCHEMA_VERSION + 1, 0);
	assert_int_equal(model_snapshot_schema(clusprop_builder_data(&b), clusprop_builder_size(&b)),
			 CS_SCHEMA_VERSION + 1);
	assert_int_equal(model_load(&m, clusprop_builder_data(&b), clusprop_builder_size(&b), 1),
			 ERROR_CLUSTER_INCOMPATIBLE_VERSIONS);
	assert_int_equal(m.version, 1);
	assert_non_null(model_group(&m, "keep"));
	clusprop_builder_free(&b);
	/* same schema, an unknown field and missing ones: loaded, defaults */
	build_snapshot(&b, CS_SCHEMA_VERSION, 1);
	assert_int_equal(model_load(&m, clusprop_builder_data(&b), clusprop_builder_size(&b), 1),
			 ERROR_SUCCESS);
	assert_int_equal(m.version, 41);
	assert_null(model_group(&m, "keep"));
	assert_non_null(model_group(&m, "g9"));
	assert_int_equal(model_group(&m, "g9")->persistent, 1);
	assert_int_equal(model_group(&m, "g9")->failover_period, CS_DEFAULT_FAILOVER_PERIOD_H);
	assert_int_equal(model_group(&m, "g9")->preferred.n, 0);
	clusprop_builder_free(&b);
	model_free(&m);
}

/* A record missing a required field, or a known field in the wrong format,
 * or a name twice, is malformed: refused whole. */
static void test_bad_records(void **state)
{
	static const struct {
		const char *name;
		int twice, dword_name, no_name;
	} cases[] = {
		{ "no Name", 0, 0, 1 },
		{ "Name as a DWORD", 0, 1, 0 },
		{ "Name twice", 1, 0, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		clusprop_builder g, b;
		struct cs_model m;
		clusprop_builder_init_owned(&g);
		clusprop_builder_begin_plist(&g);
		if (cases[i].dword_name)
			clusprop_add_dword(&g, "Name", 3);
		else if (!cases[i].no_name)
			clusprop_add_sz(&g, "Name", "g");
		if (cases[i].twice)
			clusprop_add_sz(&g, "Name", "h");
		clusprop_add_dword(&g, "PersistentState", 0);
		clusprop_builder_init_owned(&b);
		clusprop_builder_begin_plist(&b);
		clusprop_add_dword(&b, "SchemaVersion", CS_SCHEMA_VERSION);
		clusprop_add_binary(&b, "Group", clusprop_builder_data(&g), clusprop_builder_size(&g));
		model_init(&m);
		print_message("%s\n", cases[i].name);
		assert_int_equal(model_load(&m, clusprop_builder_data(&b), clusprop_builder_size(&b), 0),
				 ERROR_INVALID_DATA);
		assert_int_equal(m.n_groups, 0);
		model_free(&m);
		clusprop_builder_free(&g);
		clusprop_builder_free(&b);
	}
}

/* The snapshot's own fields: Version must be there, once, as a ULARGE;
 * SchemaVersion a DWORD. */
static void test_snapshot_header(void **state)
{
	static const struct {
		const char *what;
		int version_kind;        /* 0 none, 1 ULARGE, 2 DWORD, 3 twice */
		int schema_as_sz;
	} cases[] = {
		{ "no Version", 0, 0 },
		{ "Version as a DWORD", 2, 0 },
		{ "Version twice", 3, 0 },
		{ "SchemaVersion as a string", 1, 1 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		clusprop_builder b;
		struct cs_model m;
		const char *why;
		print_message("%s\n", cases[i].what);
		clusprop_builder_init_owned(&b);
		clusprop_builder_begin_plist(&b);
		if (cases[i].schema_as_sz)
			clusprop_add_sz(&b, "SchemaVersion", "2");
		else
			clusprop_add_dword(&b, "SchemaVersion", CS_SCHEMA_VERSION);
		if (cases[i].version_kind == 1 || cases[i].version_kind == 3)
			clusprop_add_ularge(&b, "Version", 5);
		if (cases[i].version_kind == 2)
			clusprop_add_dword(&b, "Version", 5);
		if (cases[i].version_kind == 3)
			clusprop_add_ularge(&b, "Version", 6);
		model_init(&m);
		assert_int_equal(model_apply(&m, MOP_GROUP_CREATE, &(struct cs_args){ .name = "keep" },
					     &why), ERROR_SUCCESS);
		assert_int_equal(model_load(&m, clusprop_builder_data(&b), clusprop_builder_size(&b), 1),
				 ERROR_INVALID_DATA);
		assert_int_equal(m.version, 1);
		assert_non_null(model_group(&m, "keep"));
		model_free(&m);
		clusprop_builder_free(&b);
	}
}

/* The digest: order does not matter, content does; a file changed behind
 * clusterd's back fails it; the epoch is kept. */
static void test_digest_and_epoch(void **state)
{
	struct cs_model a, b, c;
	struct cs_store *s = NULL;
	uint8_t da[CS_DIGEST_SIZE], db[CS_DIGEST_SIZE];
	const char *why;
	char path[300];
	uint64_t epoch = 99;
	int ok = -1;
	sqlite3 *sq;

	(void)state;
	model_init(&a);
	model_init(&b);
	model_init(&c);
	assert_int_equal(model_apply(&a, MOP_GROUP_CREATE, &(struct cs_args){ .name = "x" }, &why), 0);
	assert_int_equal(model_apply(&a, MOP_GROUP_CREATE, &(struct cs_args){ .name = "y" }, &why), 0);
	assert_int_equal(model_apply(&b, MOP_GROUP_CREATE, &(struct cs_args){ .name = "y" }, &why), 0);
	assert_int_equal(model_apply(&b, MOP_GROUP_CREATE, &(struct cs_args){ .name = "x" }, &why), 0);
	assert_int_equal(model_digest(&a, da), ERROR_SUCCESS);
	assert_int_equal(model_digest(&b, db), ERROR_SUCCESS);
	assert_memory_equal(da, db, CS_DIGEST_SIZE); /* same objects, other order */
	model_group(&b, "x")->failover_period = 1;
	assert_int_equal(model_digest(&b, db), ERROR_SUCCESS);
	assert_memory_not_equal(da, db, CS_DIGEST_SIZE); /* a field differs */
	model_group(&b, "x")->failover_period = model_group(&a, "x")->failover_period;
	model_group(&b, "x")->state = ClusterGroupFailed; /* runtime: not in the digest */
	assert_int_equal(model_digest(&b, db), ERROR_SUCCESS);
	assert_memory_equal(da, db, CS_DIGEST_SIZE);

	/* stored with the rows; a row deleted behind clusterd's back fails it */
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	assert_int_equal(store_replace(s, &a), ERROR_SUCCESS);
	assert_int_equal(store_get_epoch(s, &epoch), ERROR_SUCCESS);
	assert_int_equal(epoch, 0);
	assert_int_equal(store_set_epoch(s, 7), ERROR_SUCCESS);
	store_close(s);
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	assert_int_equal(store_load(s, &c, NULL), ERROR_SUCCESS);
	assert_int_equal(store_check_digest(s, &c, &ok), ERROR_SUCCESS);
	assert_int_equal(ok, 1);
	assert_int_equal(store_get_epoch(s, &epoch), ERROR_SUCCESS);
	assert_int_equal(epoch, 7);
	store_close(s);
	model_free(&c);
	model_init(&c);
	snprintf(path, sizeof(path), "%s/cluster.db", dir);
	assert_int_equal(sqlite3_open(path, &sq), SQLITE_OK);
	assert_int_equal(sqlite3_exec(sq, "DELETE FROM objects WHERE name='y'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(sq);
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	assert_int_equal(store_load(s, &c, NULL), ERROR_SUCCESS);
	assert_int_equal(store_check_digest(s, &c, &ok), ERROR_SUCCESS);
	assert_int_equal(ok, 0);
	store_close(s);
	model_free(&a);
	model_free(&b);
	model_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema1_fixture_upgrades, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_database_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_database_gets_schema, setup, teardown),
		cmocka_unit_test(test_snapshot_versions),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_snapshot_header),
		cmocka_unit_test_setup_teardown(test_digest_and_epoch, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
