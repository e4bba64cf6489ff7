/*
 * test_clusapi_drain.c - decoding of the CS_OP_NODE_DRAIN report
 * (common/clientproto.h) into a cluster_drain_report, from property lists
 * built here with the codec, not with clusterd's encoder: a report with
 * groups moved, not moved and still moving; forward-compatible extras;
 * malformed reports (the output left untouched); every allocation of a
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
#include "cs_alloc.h"

enum fk { F_END = 0, F_SZ, F_DW };
struct fv {
	enum fk kind;
	const char *name;
	const char *sz;
	uint32_t dw;
};
#define FSZ(n, s) { F_SZ, (n), (s), 0 }
#define FDW(n, d) { F_DW, (n), NULL, (d) }
#define FEND { F_END, NULL, NULL, 0 }

/* A "Group" record (a BINARY holding a property list) of the fields given. */
static void put_group(clusprop_builder *b, const struct fv *fields)
{
	clusprop_builder f;

	clusprop_builder_init_owned(&f);
	clusprop_builder_begin_plist(&f);
	for (const struct fv *v = fields; v->kind != F_END; v++) {
		if (v->kind == F_SZ)
			clusprop_add_sz(&f, v->name, v->sz);
		else
			clusprop_add_dword(&f, v->name, v->dw);
	}
	assert_int_equal(clusprop_builder_status(&f), ERROR_SUCCESS);
	clusprop_add_binary(b, "Group", clusprop_builder_data(&f), clusprop_builder_size(&f));
	clusprop_builder_free(&f);
}

/* n1 drained: web moved to n2, db not moved (no node may own it), batch
 * still moving; extra: what a newer clusterd might add. */
static void build_report(clusprop_builder *b, int extra)
{
	clusprop_builder_init_owned(b);
	clusprop_builder_begin_plist(b);
	if (extra)
		clusprop_add_dword(b, "Future", 7);
	clusprop_add_sz(b, "Node", "n1");
	put_group(b, (const struct fv[]){ FSZ("Name", "web"), FSZ("Node", "n2"),
					  FDW("State", ClusterGroupOnline), FDW("Status", 0),
					  FEND });
	put_group(b, (const struct fv[]){ FSZ("Name", "db"), FSZ("Node", "n1"),
					  FDW("State", ClusterGroupOnline),
					  FDW("Status", ERROR_HOST_NODE_NOT_AVAILABLE),
					  FSZ("Error", "no other node is up and not paused"),
					  extra ? (struct fv)FDW("Later", 1) : (struct fv)FEND, FEND });
	put_group(b, (const struct fv[]){ FSZ("Name", "batch"), FDW("State", ClusterGroupPending),
					  FDW("Status", ERROR_TIMEOUT),
					  FSZ("Error", "still moving"), FEND });
	assert_int_equal(clusprop_builder_status(b), ERROR_SUCCESS);
}

static void check_report(const cluster_drain_report *r)
{
	assert_string_equal(r->node, "n1");
	assert_int_equal(r->n_groups, 3);
	assert_string_equal(r->groups[0].name, "web");
	assert_string_equal(r->groups[0].node, "n2");
	assert_int_equal(r->groups[0].state, ClusterGroupOnline);
	assert_int_equal(r->groups[0].status, ERROR_SUCCESS);
	assert_null(r->groups[0].reason);
	assert_string_equal(r->groups[1].name, "db");
	assert_int_equal(r->groups[1].status, ERROR_HOST_NODE_NOT_AVAILABLE);
	assert_string_equal(r->groups[1].reason, "no other node is up and not paused");
	assert_string_equal(r->groups[2].name, "batch");
	assert_null(r->groups[2].node);
	assert_int_equal(r->groups[2].state, ClusterGroupPending);
	assert_int_equal(r->groups[2].status, ERROR_TIMEOUT);
}

static void test_decode(void **state)
{
	clusprop_builder b;
	cluster_drain_report *r = NULL;
	int64_t live = cs_alloc_live();

	(void)state;
	for (int extra = 0; extra < 2; extra++) {
		build_report(&b, extra);
		assert_int_equal(cs_drain_decode(clusprop_builder_data(&b), clusprop_builder_size(&b),
						 &r), ERROR_SUCCESS);
		check_report(r);
		cluster_drain_report_free(r);
		clusprop_builder_free(&b);
	}
	/* a node that owned nothing: the node alone */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Node", "n3");
	assert_int_equal(cs_drain_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &r),
			 ERROR_SUCCESS);
	assert_string_equal(r->node, "n3");
	assert_int_equal(r->n_groups, 0);
	cluster_drain_report_free(r);
	clusprop_builder_free(&b);
	cluster_drain_report_free(NULL);
	assert_int_equal(cs_alloc_live(), live);
}

static void expect_bad(clusprop_builder *b)
{
	cluster_drain_report *r = (cluster_drain_report *)0x1;

	assert_int_equal(clusprop_builder_status(b), ERROR_SUCCESS);
	assert_int_equal(cs_drain_decode(clusprop_builder_data(b), clusprop_builder_size(b), &r),
			 ERROR_INVALID_DATA);
	assert_ptr_equal(r, (cluster_drain_report *)0x1); /* untouched */
	clusprop_builder_free(b);
}

static void test_malformed(void **state)
{
	static const uint8_t garbage[] = { 1, 0, 0, 0, 3, 0, 4, 0, 99, 0, 0, 0 };
	cluster_drain_report *r = (cluster_drain_report *)0x1;
	clusprop_builder b;
	int64_t live = cs_alloc_live();

	(void)state;
	/* no "Node" */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	put_group(&b, (const struct fv[]){ FSZ("Name", "g"), FDW("State", 0), FDW("Status", 0),
					   FEND });
	expect_bad(&b);

	/* "Node" twice, and "Node" not a string */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Node", "n1");
	clusprop_add_sz(&b, "Node", "n2");
	expect_bad(&b);
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_dword(&b, "Node", 1);
	expect_bad(&b);

	/* a group without its Status; with State as a string; not a BINARY */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Node", "n1");
	put_group(&b, (const struct fv[]){ FSZ("Name", "g"), FDW("State", 0), FEND });
	expect_bad(&b);
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Node", "n1");
	put_group(&b, (const struct fv[]){ FSZ("Name", "g"), FSZ("State", "Online"),
					   FDW("Status", 0), FEND });
	expect_bad(&b);
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Node", "n1");
	clusprop_add_sz(&b, "Group", "g");
	expect_bad(&b);

	/* a field twice */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Node", "n1");
	put_group(&b, (const struct fv[]){ FSZ("Name", "g"), FDW("State", 0), FDW("Status", 0),
					   FSZ("Name", "h"), FEND });
	expect_bad(&b);

	assert_int_equal(cs_drain_decode(garbage, sizeof(garbage), &r), ERROR_INVALID_DATA);
	assert_int_equal(cs_drain_decode(NULL, 0, &r), ERROR_INVALID_DATA);
	assert_int_equal(cs_drain_decode(garbage, sizeof(garbage), NULL), ERROR_INVALID_PARAMETER);
	assert_ptr_equal(r, (cluster_drain_report *)0x1);
	assert_int_equal(cs_alloc_live(), live);
}

/* Each allocation of a decode fails in turn: an error, nothing leaked, the
 * output untouched. */
static void test_allocation_failures(void **state)
{
	clusprop_builder b;
	uint64_t n;
	int64_t live;
	int done = 0;

	(void)state;
	build_report(&b, 1);
	live = cs_alloc_live();
	for (n = 1; n < 10000 && !done; n++) {
		cluster_drain_report *r = (cluster_drain_report *)0x1;
		uint32_t rc;

		cs_alloc_fail_at(n);
		rc = cs_drain_decode(clusprop_builder_data(&b), clusprop_builder_size(&b), &r);
		if (!cs_alloc_failed()) {
			assert_int_equal(rc, ERROR_SUCCESS);
			check_report(r);
			cluster_drain_report_free(r);
			done = 1;
		} else {
			assert_int_not_equal(rc, ERROR_SUCCESS);
			assert_ptr_equal(r, (cluster_drain_report *)0x1);
		}
		cs_alloc_reset();
		assert_int_equal(cs_alloc_live(), live);
	}
	assert_true(done);
	assert_true(n > 10); /* the decode does allocate: this tested something */
	clusprop_builder_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_allocation_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
