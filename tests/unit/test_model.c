/*
 * test_model.c - the cluster database core: ops applied in order, their
 * refusals, dependency order, placement, snapshots and the SQLite store
 * (a real database file in a temporary directory).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "model.h"
#include "store.h"

static uint32_t apply(struct cs_model *m, uint32_t op, const char *name, const char *other)
{
	struct cs_args a = { 0 };
	const char *why;

	a.name = (char *)name;
	switch (op) {
	case MOP_RES_CREATE:
		a.type = (char *)"Dummy";
		a.group = (char *)other;
		break;
	case MOP_RES_ADD_DEP:
	case MOP_RES_DEL_DEP:
		a.depends_on = (char *)other;
		break;
	case MOP_GROUP_RENAME:
	case MOP_RES_RENAME:
		a.new_name = (char *)other;
		break;
	case MOP_RES_ADD_OWNER:
	case MOP_RES_DEL_OWNER:
		a.node = (char *)other;
		break;
	case MOP_GROUP_PERSIST:
	case MOP_RES_PERSIST:
		a.state = other && !strcmp(other, "1");
		a.has_state = 1;
		break;
	}
	return model_apply(m, op, &a, &why);
}

/* g1: r1 <- r2 <- r3 (r3 depends on r2, r2 on r1), r4 alone */
static void build(struct cs_model *m)
{
	model_init(m);
	assert_int_equal(model_set_node(m, 2, "n2", ClusterNodeUp), ERROR_SUCCESS);
	assert_int_equal(model_set_node(m, 1, "n1", ClusterNodeUp), ERROR_SUCCESS);
	assert_int_equal(model_set_node(m, 3, "n3", ClusterNodeDown), ERROR_SUCCESS);
	assert_int_equal(apply(m, MOP_GROUP_CREATE, "g1", NULL), ERROR_SUCCESS);
	assert_int_equal(apply(m, MOP_RES_CREATE, "r3", "g1"), ERROR_SUCCESS);
	assert_int_equal(apply(m, MOP_RES_CREATE, "r2", "g1"), ERROR_SUCCESS);
	assert_int_equal(apply(m, MOP_RES_CREATE, "r1", "g1"), ERROR_SUCCESS);
	assert_int_equal(apply(m, MOP_RES_CREATE, "r4", "g1"), ERROR_SUCCESS);
	assert_int_equal(apply(m, MOP_RES_ADD_DEP, "r3", "r2"), ERROR_SUCCESS);
	assert_int_equal(apply(m, MOP_RES_ADD_DEP, "r2", "r1"), ERROR_SUCCESS);
}

static void test_refusals(void **state)
{
	struct cs_model m;

	(void)state;
	build(&m);
	assert_int_equal(apply(&m, MOP_GROUP_CREATE, "g1", NULL), ERROR_OBJECT_ALREADY_EXISTS);
	assert_int_equal(apply(&m, MOP_GROUP_CREATE, "r1", NULL), ERROR_OBJECT_ALREADY_EXISTS);
	assert_int_equal(apply(&m, MOP_GROUP_CREATE, "", NULL), ERROR_INVALID_NAME);
	assert_int_equal(apply(&m, MOP_GROUP_CREATE, "a/b", NULL), ERROR_INVALID_NAME);
	assert_int_equal(apply(&m, MOP_RES_CREATE, "r9", "nogroup"), ERROR_GROUP_NOT_FOUND);
	assert_int_equal(apply(&m, MOP_RES_ADD_DEP, "r1", "r3"), ERROR_CIRCULAR_DEPENDENCY);
	assert_int_equal(apply(&m, MOP_RES_ADD_DEP, "r1", "r1"), ERROR_CIRCULAR_DEPENDENCY);
	assert_int_equal(apply(&m, MOP_RES_ADD_DEP, "r3", "r2"), ERROR_DEPENDENCY_ALREADY_EXISTS);
	assert_int_equal(apply(&m, MOP_RES_DEL_DEP, "r1", "r4"), ERROR_DEPENDENCY_NOT_FOUND);
	assert_int_equal(apply(&m, MOP_RES_DELETE, "r1", NULL), ERROR_DEPENDENT_RESOURCE_EXISTS);
	assert_int_equal(apply(&m, MOP_GROUP_DELETE, "g1", NULL), ERROR_DIR_NOT_EMPTY);
	assert_int_equal(apply(&m, MOP_RES_ADD_OWNER, "r1", "n9"), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_int_equal(apply(&m, 999, "r1", NULL), ERROR_INVALID_FUNCTION);
	/* refusals change nothing */
	assert_int_equal(m.version, 7);
	model_free(&m);
}

static void test_dependency_order_and_persist(void **state)
{
	struct cs_model m;
	struct cs_resource **order;
	size_t n;

	(void)state;
	build(&m);
	assert_int_equal(model_group_order(&m, model_group(&m, "g1"), &order, &n), ERROR_SUCCESS);
	assert_int_equal(n, 4);
	/* r1 before r2 before r3 */
	int p1 = -1, p2 = -1, p3 = -1;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(order[i]->name, "r1")) p1 = (int)i;
		if (!strcmp(order[i]->name, "r2")) p2 = (int)i;
		if (!strcmp(order[i]->name, "r3")) p3 = (int)i;
	}
	assert_true(p1 < p2 && p2 < p3);
	cs_free(order);

	/* online r3 wants its dependencies too; offline r1 takes its dependents */
	assert_int_equal(apply(&m, MOP_RES_PERSIST, "r3", "1"), ERROR_SUCCESS);
	assert_int_equal(model_resource(&m, "r1")->persistent, 1);
	assert_int_equal(model_resource(&m, "r2")->persistent, 1);
	assert_int_equal(model_resource(&m, "r4")->persistent, 0);
	assert_true(model_group_wanted(&m, model_group(&m, "g1")));
	assert_int_equal(apply(&m, MOP_RES_PERSIST, "r1", "0"), ERROR_SUCCESS);
	assert_int_equal(model_resource(&m, "r3")->persistent, 0);
	assert_int_equal(model_resource(&m, "r2")->persistent, 0);
	assert_false(model_group_wanted(&m, model_group(&m, "g1")));
	model_free(&m);
}

static void test_placement(void **state)
{
	struct cs_model m;
	struct cs_group *g;
	const uint32_t members[] = { 1, 2 };
	struct cs_args a = { 0 };
	char *owners[] = { (char *)"n3", (char *)"n2", (char *)"n1" };

	(void)state;
	build(&m);
	g = model_group(&m, "g1");
	assert_int_equal(model_choose_node(&m, g, members, 2, 0), 1); /* lowest id */
	a.name = (char *)"g1";
	a.nodes = owners;
	a.n_nodes = 3;
	assert_int_equal(model_apply(&m, MOP_GROUP_SET_OWNERS, &a, NULL), ERROR_SUCCESS);
	/* n3 is down: the next preferred owner */
	assert_int_equal(model_choose_node(&m, g, members, 2, 0), 2);
	assert_int_equal(model_choose_node(&m, g, members, 2, 2), 1);
	/* a possible-owner list restricts it */
	assert_int_equal(apply(&m, MOP_RES_ADD_OWNER, "r4", "n1"), ERROR_SUCCESS);
	assert_int_equal(model_choose_node(&m, g, members, 2, 0), 1);
	assert_int_equal(model_choose_node(&m, g, members, 2, 1), 0);
	a.nodes = NULL;
	a.n_nodes = 0;
	model_free(&m);
}

static void test_rename_keeps_references(void **state)
{
	struct cs_model m;

	(void)state;
	build(&m);
	assert_int_equal(apply(&m, MOP_RES_RENAME, "r2", "disk"), ERROR_SUCCESS);
	assert_true(strv_contains(&model_resource(&m, "r3")->deps, "disk"));
	assert_int_equal(apply(&m, MOP_GROUP_RENAME, "g1", "grp"), ERROR_SUCCESS);
	assert_string_equal(model_resource(&m, "r1")->group, "grp");
	model_free(&m);
}

static void test_snapshot_round_trip(void **state)
{
	struct cs_model m, m2;
	clusprop_builder b;

	(void)state;
	build(&m);
	apply(&m, MOP_RES_PERSIST, "r3", "1");
	model_group(&m, "g1")->owner = 2;
	model_resource(&m, "r1")->state = ClusterResourceOnline;
	clusprop_builder_init_owned(&b);
	assert_int_equal(model_encode_snapshot(&m, &b), ERROR_SUCCESS);
	model_init(&m2);
	assert_int_equal(model_load(&m2, clusprop_builder_data(&b), clusprop_builder_size(&b), 1),
			 ERROR_SUCCESS);
	assert_int_equal(m2.version, m.version);
	assert_int_equal(m2.n_groups, 1);
	assert_int_equal(m2.n_resources, 4);
	assert_int_equal(model_group(&m2, "g1")->owner, 2);
	assert_int_equal(model_resource(&m2, "r1")->state, ClusterResourceOnline);
	assert_int_equal(model_resource(&m2, "r2")->persistent, 1);
	assert_true(strv_contains(&model_resource(&m2, "r3")->deps, "r2"));
	/* a corrupt snapshot is refused and leaves the model as it was: its
	 * property count one too high, so the list ends before the count does
	 * (a flipped byte inside a string could still decode) */
	uint8_t *raw = (uint8_t *)clusprop_builder_data(&b);
	cs_put_le32(raw, cs_le32(raw) + 1);
	assert_int_not_equal(model_load(&m2, raw, clusprop_builder_size(&b), 1), ERROR_SUCCESS);
	assert_int_equal(m2.version, m.version);
	assert_int_equal(m2.n_groups, 1);
	assert_int_equal(m2.n_resources, 4);
	assert_non_null(model_resource(&m2, "r1"));
	clusprop_builder_free(&b);
	/* a well-formed list whose second object is not a resource record: refused
	 * after the Version and the group were read, and still nothing changes */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_ularge(&b, "Version", m.version + 100);
	model_encode_group(&b, model_group(&m, "g1"), 1);
	clusprop_add_sz(&b, "Resource", "r9");
	assert_int_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
	assert_int_equal(model_load(&m2, clusprop_builder_data(&b), clusprop_builder_size(&b), 1),
			 ERROR_INVALID_DATA);
	assert_int_equal(m2.version, m.version);
	assert_int_equal(m2.n_groups, 1);
	assert_int_equal(m2.n_resources, 4);
	clusprop_builder_free(&b);
	model_free(&m2);
	model_free(&m);
}

static void test_store_persists(void **state)
{
	char dir[] = "/tmp/csd-store-XXXXXX", path[64];
	struct cs_store *s;
	struct cs_model m, m2;
	const char *why = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	build(&m);
	assert_int_equal(store_flush(s, &m), ERROR_SUCCESS);
	assert_int_equal(apply(&m, MOP_RES_DEL_DEP, "r3", "r2"), ERROR_SUCCESS);
	assert_int_equal(apply(&m, MOP_RES_DELETE, "r3", NULL), ERROR_SUCCESS);
	assert_int_equal(apply(&m, MOP_RES_RENAME, "r4", "r5"), ERROR_SUCCESS);
	assert_int_equal(store_flush(s, &m), ERROR_SUCCESS);
	store_close(s);

	/* a new process would see exactly this */
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	model_init(&m2);
	assert_int_equal(store_load(s, &m2, NULL), ERROR_SUCCESS);
	assert_int_equal(m2.version, m.version);
	assert_int_equal(m2.n_resources, 3);
	assert_null(model_resource(&m2, "r3"));
	assert_null(model_resource(&m2, "r4"));
	assert_non_null(model_resource(&m2, "r5"));
	assert_true(strv_contains(&model_resource(&m2, "r2")->deps, "r1"));
	/* runtime state is not persisted */
	assert_int_equal(model_resource(&m2, "r1")->state, ClusterResourceOffline);
	assert_int_equal(store_replace(s, &m2), ERROR_SUCCESS);
	store_close(s);
	model_free(&m2);
	model_free(&m);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* A SET_COMMON_PROPERTIES op: DWORD dw_name = dw (if dw_name), SZ sz_name = sz (if sz_name). */
static uint32_t set_common(struct cs_model *m, uint32_t op, const char *name, const char *dw_name,
			   uint32_t dw, const char *sz_name, const char *sz, const char **why)
{
	clusprop_builder b;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	if (dw_name)
		clusprop_add_dword(&b, dw_name, dw);
	if (sz_name)
		clusprop_add_sz(&b, sz_name, sz);
	assert_int_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
	struct cs_args a = { .name = (char *)name, .in = (void *)clusprop_builder_data(&b),
			     .in_size = clusprop_builder_size(&b), .has_in = 1 };
	rc = model_apply(m, op, &a, why);
	clusprop_builder_free(&b);
	return rc;
}

/* Groups: ranges, the failback window and failback's preferred owners;
 * the refusal names the property; nothing changes on a refusal. */
static void test_group_properties(void **state)
{
	struct cs_model m;
	const char *why = NULL;
	struct cs_group *g;
	char *n1[] = { (char *)"n1" };

	(void)state;
	build(&m);
	g = model_group(&m, "g1");
	assert_int_equal(g->failover_period, CS_DEFAULT_FAILOVER_PERIOD_H);
	assert_int_equal(g->failback_start, CS_NO_HOUR);
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "FailoverPeriod", 0, NULL, NULL,
				    &why), ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "FailoverPeriod 0 is out of range (1 to 1193)"));
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "FailoverPeriod", 1193,
				    "Description", "web", &why), ERROR_SUCCESS);
	assert_int_equal(g->failover_period, 1193);
	assert_string_equal(g->description, "web");
	/* half a window; an hour that is not one */
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "FailbackWindowStart", 3, NULL,
				    NULL, &why), ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "FailbackWindowEnd"));
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "FailbackWindowEnd", 24, NULL,
				    NULL, &why), ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "FailbackWindowEnd 24 is out of range"));
	assert_int_equal(g->failback_start, CS_NO_HOUR);
	/* read-only, unknown, wrong format: by name, and the whole list refused */
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "PersistentState", 1,
				    "Description", "changed", &why), ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "PersistentState is read-only"));
	assert_string_equal(g->description, "web");
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "Bogus", 1, NULL, NULL, &why),
			 ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "Bogus is not a common property"));
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "Description", 1, NULL, NULL,
				    &why), ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "Description takes a string"));
	/* failback needs a preferred owner, and keeps it */
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "AutoFailbackType", 1, NULL,
				    NULL, &why), ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "preferred owner"));
	struct cs_args own = { .name = (char *)"g1", .nodes = n1, .n_nodes = 1 };
	assert_int_equal(model_apply(&m, MOP_GROUP_SET_OWNERS, &own, &why), ERROR_SUCCESS);
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", "AutoFailbackType", 1, NULL,
				    NULL, &why), ERROR_SUCCESS);
	own.n_nodes = 0;
	assert_int_equal(model_apply(&m, MOP_GROUP_SET_OWNERS, &own, &why), ERROR_INVALID_PARAMETER);
	assert_int_equal(g->preferred.n, 1);
	/* "" is the default: no description */
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g1", NULL, 0, "Description", "",
				    &why), ERROR_SUCCESS);
	assert_null(g->description);
	assert_int_equal(set_common(&m, MOP_GROUP_SET_COMMON, "g9", "FailoverPeriod", 2, NULL, NULL,
				    &why), ERROR_GROUP_NOT_FOUND);
	model_free(&m);
}

/* A group that uses none of the newer fields has the record it had before
 * they existed (so its database row and the digest do not change): the
 * record written by hand with the fields of before. */
static void test_group_record_unchanged(void **state)
{
	struct cs_group *g = model_group_new("g");
	clusprop_builder mine, old;

	(void)state;
	assert_non_null(g);
	clusprop_builder_init_owned(&mine);
	clusprop_builder_init_owned(&old);
	assert_int_equal(model_encode_row(&mine, CS_REC_GROUP, g), ERROR_SUCCESS);
	clusprop_builder_begin_plist(&old);
	clusprop_add_sz(&old, "Name", "g");
	clusprop_add_multi_sz(&old, "PreferredOwners", NULL, 0);
	clusprop_add_dword(&old, "PersistentState", 0);
	clusprop_add_dword(&old, "FailoverThreshold", 0xFFFFFFFFu); /* 10 before issue 8 */
	clusprop_add_dword(&old, "FailoverPeriod", 6);
	clusprop_add_dword(&old, "AutoFailbackType", 0);
	assert_int_equal(clusprop_builder_status(&old), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&mine), clusprop_builder_size(&old));
	assert_memory_equal(clusprop_builder_data(&mine), clusprop_builder_data(&old),
			    clusprop_builder_size(&old));
	/* with a window, both hours are in it */
	g->failback_start = 22;
	g->failback_end = 4;
	clusprop_builder_free(&mine);
	clusprop_builder_init_owned(&mine);
	assert_int_equal(model_encode_row(&mine, CS_REC_GROUP, g), ERROR_SUCCESS);
	assert_true(clusprop_builder_size(&mine) > clusprop_builder_size(&old));
	clusprop_builder_free(&mine);
	clusprop_builder_free(&old);
	model_group_free(g);
}

/* Nodes, types and the cluster: settings only once set; a new resource
 * takes its type's poll intervals; all of it survives the store and a
 * snapshot, and is in the digest. */
static void test_settings_records(void **state)
{
	char dir[] = "/tmp/csd-props-XXXXXX", cmd[64];
	struct cs_model m, m2, m3;
	struct cs_store *s;
	clusprop_builder snap;
	uint8_t d0[CS_DIGEST_SIZE], d1[CS_DIGEST_SIZE], d2[CS_DIGEST_SIZE];
	const char *why = NULL;
	uint64_t v0;

	(void)state;
	build(&m);
	assert_int_equal(model_digest(&m, d0), ERROR_SUCCESS);
	assert_int_equal(m.n_node_confs + m.n_type_confs, 0);
	assert_false(m.cluster.set);
	v0 = m.version;
	/* refused: nothing made */
	assert_int_equal(set_common(&m, MOP_NODE_SET_COMMON, "n9", NULL, 0, "Description", "x",
				    &why), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_int_equal(set_common(&m, MOP_TYPE_SET_COMMON, "Dummy", "IsAlivePollInterval", 0,
				    NULL, NULL, &why), ERROR_INVALID_PARAMETER);
	assert_int_equal(set_common(&m, MOP_CLUSTER_SET_COMMON, NULL, "Quorate", 1, NULL, NULL,
				    &why), ERROR_INVALID_PARAMETER);
	assert_non_null(strstr(why, "Quorate is read-only"));
	assert_int_equal(m.n_node_confs + m.n_type_confs, 0);
	assert_false(m.cluster.set);
	assert_int_equal(m.version, v0);
	/* set */
	assert_int_equal(set_common(&m, MOP_NODE_SET_COMMON, "n2", NULL, 0, "Description",
				    "rack 2", &why), ERROR_SUCCESS);
	assert_int_equal(set_common(&m, MOP_TYPE_SET_COMMON, "Dummy", "LooksAlivePollInterval",
				    1500, "Description", "test type", &why), ERROR_SUCCESS);
	assert_int_equal(set_common(&m, MOP_CLUSTER_SET_COMMON, NULL, NULL, 0, "Description",
				    "lab", &why), ERROR_SUCCESS);
	assert_int_equal(m.version, v0 + 3);
	assert_int_equal(model_digest(&m, d1), ERROR_SUCCESS);
	assert_memory_not_equal(d0, d1, CS_DIGEST_SIZE);
	assert_int_equal(apply(&m, MOP_RES_CREATE, "r9", "g1"), ERROR_SUCCESS);
	assert_int_equal(model_resource(&m, "r9")->looks_alive_ms, 1500);
	assert_int_equal(model_resource(&m, "r9")->is_alive_ms, CS_DEFAULT_IS_ALIVE_MS);
	assert_int_equal(model_resource(&m, "r1")->looks_alive_ms, CS_DEFAULT_LOOKS_ALIVE_MS);

	/* the store: written, read back, the same digest */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	assert_int_equal(store_flush(s, &m), ERROR_SUCCESS);
	store_close(s);
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	model_init(&m2);
	assert_int_equal(store_load(s, &m2, NULL), ERROR_SUCCESS);
	int ok = 0;
	assert_int_equal(store_check_digest(s, &m2, &ok), ERROR_SUCCESS);
	assert_true(ok);
	store_close(s);
	assert_int_equal(model_digest(&m, d1), ERROR_SUCCESS);
	assert_int_equal(model_digest(&m2, d2), ERROR_SUCCESS);
	assert_memory_equal(d1, d2, CS_DIGEST_SIZE);
	assert_string_equal(model_node_conf(&m2, "n2")->description, "rack 2");
	assert_int_equal(model_type_conf(&m2, "Dummy")->looks_alive_ms, 1500);
	assert_string_equal(m2.cluster.description, "lab");

	/* a snapshot: the same */
	model_init(&m3);
	clusprop_builder_init_owned(&snap);
	assert_int_equal(model_encode_snapshot(&m, &snap), ERROR_SUCCESS);
	assert_int_equal(model_load(&m3, clusprop_builder_data(&snap), clusprop_builder_size(&snap),
				    1), ERROR_SUCCESS);
	assert_int_equal(model_digest(&m3, d2), ERROR_SUCCESS);
	assert_memory_equal(d1, d2, CS_DIGEST_SIZE);
	clusprop_builder_free(&snap);

	/* a settings record out of range arriving whole is refused */
	struct cs_type_conf bad = { .name = (char *)"Bad", .looks_alive_ms = 0, .is_alive_ms = 1 };
	clusprop_builder_init_owned(&snap);
	clusprop_builder_begin_plist(&snap);
	clusprop_add_dword(&snap, "SchemaVersion", CS_SCHEMA_VERSION);
	clusprop_add_ularge(&snap, "Version", 1);
	{
		clusprop_builder row;
		clusprop_builder_init_owned(&row);
		assert_int_equal(model_encode_row(&row, CS_REC_TYPE, &bad), ERROR_SUCCESS);
		clusprop_add_binary(&snap, "ResourceType", clusprop_builder_data(&row),
				    clusprop_builder_size(&row));
		clusprop_builder_free(&row);
	}
	assert_int_equal(model_load(&m3, clusprop_builder_data(&snap), clusprop_builder_size(&snap),
				    1), ERROR_INVALID_DATA);
	assert_non_null(model_type_conf(&m3, "Dummy")); /* unchanged */
	clusprop_builder_free(&snap);

	model_free(&m3);
	model_free(&m2);
	model_free(&m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static uint32_t evict(struct cs_model *m, const char *node, uint32_t state, const char **why)
{
	struct cs_args a = { .name = (char *)node, .state = state, .has_state = 1 };

	return model_apply(m, MOP_NODE_EVICT, &a, why);
}

/* MOP_NODE_EVICT: only a down node; it leaves every owner list at once,
 * is no longer found, listed or placed on, keeps being evicted through the
 * store, and can come back (state 0) as a node in no list. */
static void test_evict(void **state)
{
	char dir[] = "/tmp/csd-evict-XXXXXX", path[64];
	struct cs_model m, m2;
	struct cs_store *s;
	struct cs_group *g;
	clusprop_builder b;
	const char *why = NULL;
	char *owners[] = { (char *)"n3", (char *)"n2" };
	struct cs_args so = { .name = (char *)"g1", .nodes = owners, .n_nodes = 2 };
	struct cs_args mv = { .name = (char *)"g1", .has_node_id = 1 };
	const uint32_t members[] = { 1, 2, 3 };
	uint64_t v;

	(void)state;
	build(&m);
	g = model_group(&m, "g1");
	assert_int_equal(model_apply(&m, MOP_GROUP_SET_OWNERS, &so, NULL), ERROR_SUCCESS);
	assert_int_equal(apply(&m, MOP_RES_ADD_OWNER, "r1", "n3"), ERROR_SUCCESS);
	assert_int_equal(apply(&m, MOP_RES_ADD_OWNER, "r1", "n1"), ERROR_SUCCESS);
	/* refused: up; a resource that could run only there; then accepted */
	assert_int_equal(evict(&m, "n2", 1, &why), ERROR_CANT_EVICT_ACTIVE_NODE);
	assert_int_equal(apply(&m, MOP_RES_ADD_OWNER, "r4", "n3"), ERROR_SUCCESS);
	assert_int_equal(evict(&m, "n3", 1, &why), ERROR_INVALID_STATE);
	assert_non_null(strstr(why, "r4"));
	assert_int_equal(apply(&m, MOP_RES_DEL_OWNER, "r4", "n3"), ERROR_SUCCESS);
	v = m.version;
	assert_int_equal(evict(&m, "n3", 1, &why), ERROR_SUCCESS);
	assert_int_equal(m.version, v + 1);
	assert_int_equal(g->preferred.n, 1);
	assert_string_equal(g->preferred.v[0], "n2");
	assert_int_equal(model_resource(&m, "r1")->owners.n, 1);
	assert_true(g->dirty && model_resource(&m, "r1")->dirty);
	assert_null(model_node(&m, "n3"));
	assert_non_null(model_node_any(&m, "n3"));
	assert_true(model_node_evicted(&m, model_node_by_id(&m, 3)));
	assert_int_equal(evict(&m, "n3", 1, &why), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_int_equal(apply(&m, MOP_RES_ADD_OWNER, "r2", "n3"), ERROR_CLUSTER_NODE_NOT_FOUND);
	/* an evicted node that came back (a member, Up) is not placed on */
	assert_int_equal(apply(&m, MOP_RES_DEL_OWNER, "r1", "n1"), ERROR_SUCCESS); /* any node */
	model_set_node(&m, 3, "n3", ClusterNodeUp);
	assert_int_equal(model_choose_node(&m, g, members, 3, 1), 2);
	assert_int_equal(model_choose_node(&m, g, members, 3, 2), 1);
	assert_int_equal(model_choose_node(&m, g, members + 2, 1, 0), 0);
	model_set_node(&m, 3, "n3", ClusterNodeDown);
	/* not listed in the status reply */
	clusprop_builder_init_owned(&b);
	assert_int_equal(model_encode_status(&m, &b, &(struct cs_status_view){ .local_id = 1 }),
			 ERROR_SUCCESS);
	assert_null(memmem(clusprop_builder_data(&b), clusprop_builder_size(&b), "n\0003\0", 4));
	clusprop_builder_free(&b);

	/* through the store: still evicted */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	assert_int_equal(store_flush(s, &m), ERROR_SUCCESS);
	store_close(s);
	assert_int_equal(store_open(dir, &s, &why), ERROR_SUCCESS);
	model_init(&m2);
	assert_int_equal(model_set_node(&m2, 3, "n3", ClusterNodeDown), ERROR_SUCCESS);
	assert_int_equal(store_load(s, &m2, NULL), ERROR_SUCCESS);
	store_close(s);
	assert_null(model_node(&m2, "n3"));
	assert_int_equal(model_group(&m2, "g1")->preferred.n, 1);
	model_free(&m2);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);

	/* back: a node again, in no list */
	assert_int_equal(evict(&m, "n3", 0, &why), ERROR_SUCCESS);
	assert_non_null(model_node(&m, "n3"));
	assert_int_equal(evict(&m, "n3", 0, &why), ERROR_INVALID_STATE);
	assert_int_equal(g->preferred.n, 1);

	/* a move to the node that owns the group already is no move */
	g->owner = 2;
	mv.node_id = 2;
	assert_int_equal(model_apply(&m, MOP_GROUP_MOVING, &mv, NULL), ERROR_SUCCESS);
	assert_int_equal(g->moving_to, 0);
	mv.node_id = 1;
	assert_int_equal(model_apply(&m, MOP_GROUP_MOVING, &mv, NULL), ERROR_SUCCESS);
	assert_int_equal(g->moving_to, 1);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_dependency_order_and_persist),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_rename_keeps_references),
		cmocka_unit_test(test_snapshot_round_trip),
		cmocka_unit_test(test_store_persists),
		cmocka_unit_test(test_group_properties),
		cmocka_unit_test(test_group_record_unchanged),
		cmocka_unit_test(test_settings_records),
		cmocka_unit_test(test_evict),
	};
	int rc = cmocka_run_group_tests_name("model", tests, NULL, NULL);
	assert_int_equal(cs_alloc_live(), 0);
	return rc;
}
