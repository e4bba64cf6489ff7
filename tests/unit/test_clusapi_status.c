/*
 * test_clusapi_status.c - decoding of the CS_OP_STATUS reply into a
 * cluster_status, from property lists built here with the codec in the
 * layout of common/clientproto.h; malformed replies; every allocation of a
 * decode failing in turn.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "client.h"
#include "status_records.h"
#include "cs_alloc.h"

static const char *const both[] = { "node1", "node2" };
static const char *const just2[] = { "node2" };
static const char *const dep_ip[] = { "ip" };

/* A reply of 2 nodes, 2 groups, 3 resources; extra: forward-compatible extras
 * (a record of an unknown kind, an unknown field in a known record). */
static void build_reply(clusprop_builder *b, int extra)
{
	clusprop_builder_init_owned(b);
	clusprop_builder_begin_plist(b);
	if (extra)
		clusprop_add_dword(b, "Future", 1);
	st_cluster(b, "demo", 1, 2, "node2");
	st_node(b, "node1", 1, ClusterNodeUp);
	st_node(b, "node2", 2, ClusterNodePaused);
	st_group(b, "web", ClusterGroupOnline, "node1", both, 2);
	st_group(b, "idle", ClusterGroupOffline, NULL, NULL, 0);
	if (extra) {
		clusprop_builder f;
		clusprop_builder_init_owned(&f);
		clusprop_builder_begin_plist(&f);
		clusprop_add_sz(&f, "Name", "ip");
		clusprop_add_dword(&f, "SomethingNew", 42);
		clusprop_add_sz(&f, "Type", "IP Address");
		clusprop_add_sz(&f, "Group", "web");
		clusprop_add_dword(&f, "State", ClusterResourceOnline);
		clusprop_add_sz(&f, "Owner", "node1");
		clusprop_add_multi_sz(&f, "PossibleOwners", both, 2);
		clusprop_add_sz(&f, "Later", "later");
		st_record(b, "Resource", &f); /* DependsOn left out: none */
	} else {
		st_resource(b, "ip", "IP Address", "web", ClusterResourceOnline, "node1", NULL, 0,
			    both, 2);
	}
	st_resource(b, "app", "Generic Application", "web", ClusterResourceOnlinePending, "node1",
		    dep_ip, 1, just2, 1);
	st_resource(b, "disk \xc3\xa9\"x", "Physical Disk", "idle", 0xFFFFFFFFu, NULL, NULL, 0,
		    NULL, 0);
	assert_int_equal(clusprop_builder_status(b), ERROR_SUCCESS);
}

/* One record of `name` from the fields given as (name, kind, value) steps. */
enum fk { F_END = 0, F_SZ, F_DW, F_MULTI };
struct fv {
	enum fk kind;
	const char *name;
	const char *sz;
	uint32_t dw;
};
#define FSZ(n, s) { F_SZ, (n), (s), 0 }
#define FDW(n, d) { F_DW, (n), NULL, (d) }
#define FMULTI(n) { F_MULTI, (n), NULL, 0 }
#define FEND { F_END, NULL, NULL, 0 }

static void put_rec(clusprop_builder *b, const char *name, const struct fv *fields)
{
	clusprop_builder f;

	clusprop_builder_init_owned(&f);
	clusprop_builder_begin_plist(&f);
	for (const struct fv *v = fields; v->kind != F_END; v++) {
		if (v->kind == F_SZ)
			clusprop_add_sz(&f, v->name, v->sz);
		else if (v->kind == F_DW)
			clusprop_add_dword(&f, v->name, v->dw);
		else
			clusprop_add_multi_sz(&f, v->name, NULL, 0);
	}
	st_record(b, name, &f);
}

static void check_status(const cluster_status *s)
{
	assert_string_equal(s->cluster_name, "demo");
	assert_int_equal(s->quorate, 1);
	assert_int_equal(s->local_node_id, 2);
	assert_string_equal(s->local_node_name, "node2");

	assert_int_equal(s->n_nodes, 2);
	assert_string_equal(s->nodes[0].name, "node1");
	assert_int_equal(s->nodes[0].id, 1);
	assert_int_equal(s->nodes[0].state, ClusterNodeUp);
	assert_string_equal(s->nodes[1].name, "node2");
	assert_int_equal(s->nodes[1].state, ClusterNodePaused);

	assert_int_equal(s->n_groups, 2);
	assert_string_equal(s->groups[0].name, "web");
	assert_int_equal(s->groups[0].state, ClusterGroupOnline);
	assert_string_equal(s->groups[0].owner, "node1");
	assert_int_equal(s->groups[0].n_preferred_owners, 2);
	assert_string_equal(s->groups[0].preferred_owners[0], "node1");
	assert_string_equal(s->groups[0].preferred_owners[1], "node2");
	assert_null(s->groups[0].preferred_owners[2]);
	assert_string_equal(s->groups[1].name, "idle");
	assert_null(s->groups[1].owner);
	assert_int_equal(s->groups[1].n_preferred_owners, 0);
	assert_non_null(s->groups[1].preferred_owners);
	assert_null(s->groups[1].preferred_owners[0]);

	assert_int_equal(s->n_resources, 3);
	assert_string_equal(s->resources[0].name, "ip");
	assert_string_equal(s->resources[0].type, "IP Address");
	assert_string_equal(s->resources[0].group, "web");
	assert_int_equal(s->resources[0].state, ClusterResourceOnline);
	assert_string_equal(s->resources[0].owner, "node1");
	assert_int_equal(s->resources[0].n_dependencies, 0);
	assert_int_equal(s->resources[0].n_possible_owners, 2);
	assert_string_equal(s->resources[1].name, "app");
	assert_int_equal(s->resources[1].state, ClusterResourceOnlinePending);
	assert_int_equal(s->resources[1].n_dependencies, 1);
	assert_string_equal(s->resources[1].dependencies[0], "ip");
	assert_null(s->resources[1].dependencies[1]);
	assert_string_equal(s->resources[1].possible_owners[0], "node2");
	assert_string_equal(s->resources[2].name, "disk \xc3\xa9\"x");
	assert_int_equal(s->resources[2].state, ClusterResourceStateUnknown);
	assert_string_equal(cluster_resource_state_name(s->resources[2].state), "Unknown");
	assert_null(s->resources[2].owner);
}

static void test_decode(void **state)
{
	clusprop_builder b;
	cluster_status *s = NULL;

	(void)state;
	build_reply(&b, 0);
	assert_int_equal(cs_status_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &s),
			 ERROR_SUCCESS);
	check_status(s);
	cluster_status_free(s);
	clusprop_builder_free(&b);
}

/* Properties of other names and values past the known ones are ignored. */
static void test_forward_compatible(void **state)
{
	clusprop_builder b;
	cluster_status *s = NULL;

	(void)state;
	build_reply(&b, 1);
	assert_int_equal(cs_status_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &s),
			 ERROR_SUCCESS);
	check_status(s);
	cluster_status_free(s);
	clusprop_builder_free(&b);
}

/* A cluster with nothing in it yet. */
static void test_empty_cluster(void **state)
{
	clusprop_builder b;
	cluster_status *s = NULL;

	(void)state;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	st_cluster(&b, "", 0, 0, "");
	assert_int_equal(cs_status_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &s),
			 ERROR_SUCCESS);
	assert_string_equal(s->cluster_name, "");
	assert_int_equal(s->quorate, 0);
	assert_int_equal(s->n_nodes + s->n_groups + s->n_resources, 0);
	assert_null(s->nodes);
	cluster_status_free(s);
	clusprop_builder_free(&b);
	cluster_status_free(NULL);
}

/* A node that has not synced says so, and what went wrong with its database. */
static void test_synced_and_notice(void **state)
{
	clusprop_builder b, f;
	cluster_status *s = NULL;

	(void)state;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_builder_init_owned(&f);
	clusprop_builder_begin_plist(&f);
	clusprop_add_sz(&f, "Name", "c");
	clusprop_add_dword(&f, "Quorate", 0);
	clusprop_add_dword(&f, "LocalNodeId", 3);
	clusprop_add_sz(&f, "LocalNodeName", "n3");
	clusprop_add_dword(&f, "Synced", 0);
	clusprop_add_sz(&f, "Notice", "the database was moved aside");
	st_record(&b, "Cluster", &f);
	assert_int_equal(cs_status_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &s),
			 ERROR_SUCCESS);
	assert_int_equal(s->synced, 0);
	assert_string_equal(s->notice, "the database was moved aside");
	cluster_status_free(s);
	clusprop_builder_free(&b);
	/* the usual reply: synced, no notice */
	build_reply(&b, 0);
	assert_int_equal(cs_status_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &s),
			 ERROR_SUCCESS);
	assert_int_equal(s->synced, 1);
	assert_null(s->notice);
	cluster_status_free(s);
	clusprop_builder_free(&b);
}

static void expect_bad(clusprop_builder *b)
{
	cluster_status *s = (cluster_status *)0x1;

	assert_int_equal(clusprop_builder_status(b), ERROR_SUCCESS);
	assert_int_equal(cs_status_decode(clusprop_builder_data(b), clusprop_builder_size(b), &s),
			 ERROR_INVALID_DATA);
	assert_ptr_equal(s, (cluster_status *)0x1); /* untouched */
	clusprop_builder_free(b);
}

static void test_malformed(void **state)
{
	static const uint8_t garbage[] = { 1, 0, 0, 0, 3, 0, 4, 0, 99, 0, 0, 0 };
	cluster_status *s = (cluster_status *)0x1;
	clusprop_builder b;
	int64_t live = cs_alloc_live();

	(void)state;
	/* no "Cluster" record */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	st_node(&b, "n", 1, 0);
	expect_bad(&b);

	/* two of them */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	st_cluster(&b, "a", 1, 1, "n");
	st_cluster(&b, "b", 1, 1, "n");
	expect_bad(&b);

	/* a node with a required field missing (State) */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	st_cluster(&b, "a", 1, 1, "n");
	put_rec(&b, "Node", (const struct fv[]){ FSZ("Name", "n"), FDW("Id", 1), FEND });
	expect_bad(&b);

	/* a field of the wrong format (State as a string) */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	st_cluster(&b, "a", 1, 1, "n");
	put_rec(&b, "Group", (const struct fv[]){ FSZ("Name", "g"), FSZ("State", "Online"),
						  FMULTI("PreferredOwners"), FEND });
	expect_bad(&b);

	/* a resource whose owners are an SZ, not a MULTI_SZ */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	st_cluster(&b, "a", 1, 1, "n");
	put_rec(&b, "Resource", (const struct fv[]){ FSZ("Name", "r"), FSZ("Type", "t"),
			FSZ("Group", "g"), FDW("State", 2), FSZ("PossibleOwners", "n1"), FEND });
	expect_bad(&b);

	/* a record that is not a BINARY (the positional layout of protocol 1) */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_put_name(&b, "Cluster");
	clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "a");
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	clusprop_put_endmark(&b);
	expect_bad(&b);

	/* a field twice */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	st_cluster(&b, "a", 1, 1, "n");
	put_rec(&b, "Node", (const struct fv[]){ FSZ("Name", "n"), FDW("Id", 1), FDW("State", 0),
						 FDW("Id", 2), FEND });
	expect_bad(&b);

	/* not a property list at all, and an empty payload */
	assert_int_equal(cs_status_decode(garbage, sizeof(garbage), &s), ERROR_INVALID_DATA);
	assert_int_equal(cs_status_decode(NULL, 0, &s), ERROR_INVALID_DATA);
	assert_int_equal(cs_status_decode(garbage, sizeof(garbage), NULL), ERROR_INVALID_PARAMETER);
	assert_ptr_equal(s, (cluster_status *)0x1);
	assert_int_equal(cs_alloc_live(), live);
}

/* Each allocation of a decode fails in turn: an error, nothing leaked, and
 * the output untouched. */
static void test_allocation_failures(void **state)
{
	clusprop_builder b;
	uint64_t n;
	int64_t live;
	int done = 0;

	(void)state;
	build_reply(&b, 1);
	live = cs_alloc_live();
	for (n = 1; n < 10000 && !done; n++) {
		cluster_status *s = (cluster_status *)0x1;
		uint32_t rc;

		cs_alloc_fail_at(n);
		rc = cs_status_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &s);
		if (!cs_alloc_failed()) {
			assert_int_equal(rc, ERROR_SUCCESS);
			check_status(s);
			cluster_status_free(s);
			done = 1;
		} else {
			assert_int_not_equal(rc, ERROR_SUCCESS);
			assert_ptr_equal(s, (cluster_status *)0x1);
		}
		cs_alloc_reset();
		assert_int_equal(cs_alloc_live(), live);
	}
	assert_true(done);
	assert_true(n > 20); /* the decode does allocate, so this did test something */
	clusprop_builder_free(&b);
}

static void test_strv(void **state)
{
	static const char *const three[] = { "a", "", "ccc" };
	char **v;

	(void)state;
	v = cs_strv_from_multi("x\0yz\0", 5, 2);
	assert_non_null(v);
	assert_string_equal(v[0], "x");
	assert_string_equal(v[1], "yz");
	assert_null(v[2]);
	cs_free(v);

	v = cs_strv_from_multi("", 0, 0);
	assert_non_null(v);
	assert_null(v[0]);
	cs_free(v);

	v = cs_strv_from_array(three, 3);
	assert_non_null(v);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "");
	assert_string_equal(v[2], "ccc");
	assert_null(v[3]);
	cs_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_forward_compatible),
		cmocka_unit_test(test_empty_cluster),
		cmocka_unit_test(test_synced_and_notice),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_allocation_failures),
		cmocka_unit_test(test_strv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
