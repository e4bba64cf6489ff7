/*
 * test_clusapi_names.c - control-code names both ways
 * (cluster_control_code_parse / _name / _enum) and state names.
 *
 * The anchors are MSCS's published numbers (DESIGN.md section 3), written
 * out here, not taken from the table under test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <clusapi/clusapi.h>

static uint32_t parse(uint32_t object, const char *text)
{
	uint32_t code = 0xDEADBEEFu;

	assert_int_equal(cluster_control_code_parse(object, text, &code), ERROR_SUCCESS);
	return code;
}

static void parse_fails(uint32_t object, const char *text)
{
	uint32_t code = 0xDEADBEEFu;

	assert_int_equal(cluster_control_code_parse(object, text, &code),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(code, 0xDEADBEEFu); /* untouched */
}

static void test_anchors(void **state)
{
	(void)state;
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "GET_CHARACTERISTICS"), 0x01000005u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "GET_COMMON_PROPERTIES"), 0x01000059u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "SET_COMMON_PROPERTIES"), 0x0140005Eu);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "GET_PRIVATE_PROPERTIES"), 0x01000081u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "SET_PRIVATE_PROPERTIES"), 0x01400086u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "STORAGE_GET_DISK_INFO"), 0x01000191u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "STORAGE_IS_PATH_VALID"), 0x01000199u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE_TYPE, "STORAGE_GET_AVAILABLE_DISKS"),
			 0x02000195u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "DELETE"), 0x01500006u);

	assert_string_equal(cluster_control_code_name(0x01000005u),
			    "CLUSCTL_RESOURCE_GET_CHARACTERISTICS");
	assert_string_equal(cluster_control_code_name(0x01000191u),
			    "CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO");
	assert_string_equal(cluster_control_code_name(0x02000195u),
			    "CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS");
	assert_null(cluster_control_code_name(0x01234567u));
	assert_null(cluster_control_code_name(CLUSCTL_USER_CODE(1, CLUS_OBJECT_RESOURCE)));
}

static void test_forms(void **state)
{
	(void)state;
	/* full names, any case */
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "CLUSCTL_RESOURCE_GET_CHARACTERISTICS"),
			 0x01000005u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "get_characteristics"), 0x01000005u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "clusctl_resource_Get_Flags"),
			 CLUSCTL_RESOURCE_GET_FLAGS);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE_TYPE,
			       "CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS"), 0x02000195u);
	/* the same function for other objects */
	assert_int_equal(parse(CLUS_OBJECT_GROUP, "GET_CHARACTERISTICS"), 0x03000005u);
	assert_int_equal(parse(CLUS_OBJECT_NODE, "GET_NAME"), CLUSCTL_NODE_GET_NAME);
	assert_int_equal(parse(CLUS_OBJECT_CLUSTER, "GET_FQDN"), CLUSCTL_CLUSTER_GET_FQDN);
	/* numbers: decimal, hex, any 32-bit value */
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "16777221"), 0x01000005u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "0x01000191"), 0x01000191u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "0X1000191"), 0x01000191u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "0xffffffff"), 0xFFFFFFFFu);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "0"), 0u);
	assert_int_equal(parse(CLUS_OBJECT_RESOURCE, "4294967295"), 0xFFFFFFFFu);
}

static void test_rejects(void **state)
{
	uint32_t code = 7;

	(void)state;
	parse_fails(CLUS_OBJECT_RESOURCE, "");
	parse_fails(CLUS_OBJECT_RESOURCE, "GET_NOTHING");
	parse_fails(CLUS_OBJECT_RESOURCE, "CLUSCTL_RESOURCE_");
	/* another object's code, by short or full name */
	parse_fails(CLUS_OBJECT_RESOURCE, "STORAGE_GET_AVAILABLE_DISKS");
	parse_fails(CLUS_OBJECT_RESOURCE, "CLUSCTL_RESOURCE_TYPE_GET_FLAGS");
	parse_fails(CLUS_OBJECT_RESOURCE_TYPE, "STORAGE_GET_DISK_INFO");
	parse_fails(CLUS_OBJECT_RESOURCE_TYPE, "CLUSCTL_RESOURCE_GET_FLAGS");
	parse_fails(CLUS_OBJECT_GROUP, "CLUSCTL_NODE_GET_NAME");
	/* bad numbers */
	parse_fails(CLUS_OBJECT_RESOURCE, "0x");
	parse_fails(CLUS_OBJECT_RESOURCE, "12abc");
	parse_fails(CLUS_OBJECT_RESOURCE, "0x1FFFFFFFF");
	parse_fails(CLUS_OBJECT_RESOURCE, "4294967296");
	parse_fails(CLUS_OBJECT_RESOURCE, "0x 12");
	parse_fails(CLUS_OBJECT_RESOURCE, "-1");
	parse_fails(CLUS_OBJECT_RESOURCE, " GET_FLAGS");
	/* bad arguments */
	assert_int_equal(cluster_control_code_parse(CLUS_OBJECT_RESOURCE, NULL, &code),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_control_code_parse(CLUS_OBJECT_RESOURCE, "GET_FLAGS", NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_control_code_parse(99, "GET_FLAGS", &code),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(code, 7);
	assert_null(cluster_control_object_prefix(0));
	assert_string_equal(cluster_control_object_prefix(CLUS_OBJECT_RESOURCE_TYPE),
			    "CLUSCTL_RESOURCE_TYPE_");
}

/* Every code of every object: name -> code -> name, with its object byte. */
static void test_round_trip_all(void **state)
{
	static const uint32_t objects[] = {
		CLUS_OBJECT_RESOURCE, CLUS_OBJECT_RESOURCE_TYPE, CLUS_OBJECT_GROUP,
		CLUS_OBJECT_NODE, CLUS_OBJECT_NETWORK, CLUS_OBJECT_NETINTERFACE,
		CLUS_OBJECT_CLUSTER,
	};
	size_t total = 0;

	(void)state;
	for (size_t o = 0; o < sizeof(objects) / sizeof(objects[0]); o++) {
		const char *prefix = cluster_control_object_prefix(objects[o]);
		const char *name = NULL;
		uint32_t code = 0;
		size_t k;

		assert_non_null(prefix);
		for (k = 0; cluster_control_code_enum(objects[o], k, &name, &code) == ERROR_SUCCESS;
		     k++) {
			char full[128];
			const char *back;

			assert_int_equal(CLUSCTL_GET_CONTROL_OBJECT(code), objects[o]);
			assert_int_equal(parse(objects[o], name), code);
			snprintf(full, sizeof(full), "%s%s", prefix, name);
			assert_int_equal(parse(objects[o], full), code);
			back = cluster_control_code_name(code);
			assert_non_null(back);
			assert_string_equal(back, full);
		}
		assert_true(k > 5);
		assert_int_equal(cluster_control_code_enum(objects[o], k, &name, &code),
				 ERROR_NO_MORE_ITEMS);
		total += k;
	}
	assert_true(total > 150);
	assert_int_equal(cluster_control_code_enum(0, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(cluster_resource_state_name(ClusterResourceOnline), "Online");
	assert_string_equal(cluster_resource_state_name(ClusterResourceOffline), "Offline");
	assert_string_equal(cluster_resource_state_name(ClusterResourceFailed), "Failed");
	assert_string_equal(cluster_resource_state_name(ClusterResourceInitializing),
			    "Initializing");
	assert_string_equal(cluster_resource_state_name(ClusterResourceOnlinePending),
			    "OnlinePending");
	assert_string_equal(cluster_resource_state_name(ClusterResourceOfflinePending),
			    "OfflinePending");
	assert_string_equal(cluster_resource_state_name(ClusterResourcePending), "Pending");
	assert_string_equal(cluster_resource_state_name(ClusterResourceStateUnknown), "Unknown");
	assert_string_equal(cluster_resource_state_name((CLUSTER_RESOURCE_STATE)77), "Unknown");
	assert_string_equal(cluster_group_state_name(ClusterGroupOnline), "Online");
	assert_string_equal(cluster_group_state_name(ClusterGroupOffline), "Offline");
	assert_string_equal(cluster_group_state_name(ClusterGroupFailed), "Failed");
	assert_string_equal(cluster_group_state_name(ClusterGroupPartialOnline), "PartialOnline");
	assert_string_equal(cluster_group_state_name(ClusterGroupPending), "Pending");
	assert_string_equal(cluster_group_state_name(ClusterGroupStateUnknown), "Unknown");
	assert_string_equal(cluster_node_state_name(ClusterNodeUp), "Up");
	assert_string_equal(cluster_node_state_name(ClusterNodeDown), "Down");
	assert_string_equal(cluster_node_state_name(ClusterNodePaused), "Paused");
	assert_string_equal(cluster_node_state_name(ClusterNodeJoining), "Joining");
	assert_string_equal(cluster_node_state_name((CLUSTER_NODE_STATE)9), "Unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_round_trip_all),
		cmocka_unit_test(test_state_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
