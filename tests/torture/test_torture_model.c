/*
 * test_torture_model.c - clusterd's database core under allocation-failure
 * injection: every op, snapshot encoding and loading, and the args codec
 * return an error when any of their allocations fails, and leak nothing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cs_alloc.h"
#include "model.h"
#include "torture.h"

static uint32_t op(struct cs_model *m, uint32_t code, struct cs_args *a)
{
	return model_apply(m, code, a, NULL);
}

static uint32_t scenario_ops_and_snapshot(void *ctx)
{
	struct cs_model m, m2;
	clusprop_builder b;
	char *owners[] = { (char *)"n2", (char *)"n1" };
	uint32_t rc;

	(void)ctx;
	model_init(&m);
	model_init(&m2);
	clusprop_builder_init_owned(&b);
	if ((rc = model_set_node(&m, 1, "n1", ClusterNodeUp)) ||
	    (rc = model_set_node(&m, 2, "n2", ClusterNodeUp)))
		goto out;
	struct cs_args g = { .name = (char *)"g1" };
	struct cs_args r1 = { .name = (char *)"r1", .type = (char *)"Dummy", .group = (char *)"g1" };
	struct cs_args r2 = { .name = (char *)"r2", .type = (char *)"Dummy", .group = (char *)"g1" };
	struct cs_args dep = { .name = (char *)"r2", .depends_on = (char *)"r1" };
	struct cs_args own = { .name = (char *)"r1", .node = (char *)"n2" };
	struct cs_args pref = { .name = (char *)"g1", .nodes = owners, .n_nodes = 2 };
	struct cs_args ren = { .name = (char *)"r1", .new_name = (char *)"disk" };
	struct cs_args gren = { .name = (char *)"g1", .new_name = (char *)"grp" };
	struct cs_args on = { .name = (char *)"r2", .state = 1, .has_state = 1 };
	if ((rc = op(&m, MOP_GROUP_CREATE, &g)) || (rc = op(&m, MOP_RES_CREATE, &r1)) ||
	    (rc = op(&m, MOP_RES_CREATE, &r2)) || (rc = op(&m, MOP_RES_ADD_DEP, &dep)) ||
	    (rc = op(&m, MOP_RES_ADD_OWNER, &own)) || (rc = op(&m, MOP_GROUP_SET_OWNERS, &pref)) ||
	    (rc = op(&m, MOP_RES_PERSIST, &on)) || (rc = op(&m, MOP_RES_RENAME, &ren)) ||
	    (rc = op(&m, MOP_GROUP_RENAME, &gren)))
		goto out;
	if ((rc = model_encode_snapshot(&m, &b)))
		goto out;
	rc = model_load(&m2, clusprop_builder_data(&b), clusprop_builder_size(&b), 1);
	if (rc == ERROR_SUCCESS && (m2.n_resources != 2 || !model_resource(&m2, "disk")))
		rc = ERROR_INVALID_DATA;
out:
	clusprop_builder_free(&b);
	model_free(&m2);
	model_free(&m);
	return rc;
}

static uint32_t scenario_args(void *ctx)
{
	struct cs_args a = { .name = (char *)"r1", .node = (char *)"n1", .code = 0x01000191,
			     .has_code = 1, .in = (void *)"abc", .in_size = 3, .has_in = 1 };
	char *nodes[] = { (char *)"n1", (char *)"n2" };
	struct cs_args back;
	clusprop_builder b;
	uint32_t rc;

	(void)ctx;
	a.nodes = nodes;
	a.n_nodes = 2;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	rc = cs_args_encode(&b, &a);
	if (rc == ERROR_SUCCESS)
		rc = cs_args_parse(clusprop_builder_data(&b), clusprop_builder_size(&b), &back);
	if (rc == ERROR_SUCCESS) {
		if (strcmp(back.name, "r1") || back.n_nodes != 2 || back.in_size != 3 ||
		    back.code != 0x01000191)
			rc = ERROR_INVALID_DATA;
		cs_args_free(&back);
	}
	clusprop_builder_free(&b);
	return rc;
}

static void test_ops_and_snapshot(void **state)
{
	struct torture_result res;

	(void)state;
	if (torture_run("model_ops_snapshot", scenario_ops_and_snapshot, NULL, &res) != 0)
		fail_msg("%s", res.error);
	assert_true(res.allocations > 20);
}

static void test_args(void **state)
{
	struct torture_result res;

	(void)state;
	if (torture_run("args_codec", scenario_args, NULL, &res) != 0)
		fail_msg("%s", res.error);
	assert_true(res.allocations > 0); /* else no failure was ever injected */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops_and_snapshot),
		cmocka_unit_test(test_args),
	};
	return cmocka_run_group_tests_name("torture_model", tests, NULL, NULL);
}
