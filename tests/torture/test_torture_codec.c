/*
 * test_torture_codec.c - every property-list codec entry point under
 * allocation-failure injection: each allocation fails in turn, each call
 * must return an error, and nothing may leak.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <clusapi/proplist.h>
#include <string.h>

#include "cs_alloc.h"
#include "torture.h"

/* A scenario that allocates nothing would pass with no failure injected:
 * each of these allocates, so at least one failing run must have been made. */
#define RUN(fn, ctx)                                                    \
	do {                                                            \
		struct torture_result res_;                             \
		int r_ = torture_run(#fn, (fn), (ctx), &res_);          \
		if (r_ != 0)                                            \
			fail_msg("%s", res_.error);                     \
		assert_true(res_.allocations > 0);                      \
		assert_int_equal(res_.failing_runs, res_.allocations);  \
	} while (0)

/* Appends a GET_DISK_INFO value list: every storage entry kind. */
static uint32_t produce_disk_info(clusprop_builder *b, void *ctx)
{
	CLUS_SCSI_ADDRESS addr = { .PortNumber = 2, .PathId = 0, .TargetId = 1, .Lun = 3 };
	clusprop_partition p1 = {
		.flags = CLUSPROP_PIFLAG_USABLE, .device_name = "/dev/sdb1",
		.volume_label = "data", .serial_number = 0x1234, .max_component_length = 255,
		.file_system = "ext4",
	};
	clusprop_partition p2 = p1;

	(void)ctx;
	p2.device_name = "/dev/sdb2";
	p2.volume_label = "logs \xC3\xA9\xF0\x9F\x98\x80";
	clusprop_put_disk_signature(b, 0xDEADBEEF);
	clusprop_put_disk_guid(b, "{6f1e3b2a-0c4d-4e5f-8a9b-0c1d2e3f4a5b}");
	clusprop_put_scsi_address(b, &addr);
	clusprop_put_disk_number(b, 4);
	clusprop_put_disk_size(b, 10ull << 30);
	clusprop_put_partition_info(b, &p1);
	clusprop_put_partition_info(b, &p2);
	return clusprop_put_endmark(b);
}

/* Appends a property list with one property of every add_* kind. */
static uint32_t produce_plist(clusprop_builder *b, void *ctx)
{
	static const char *const owners[] = { "n1", "n2", "n\xE4\xB8\xAD" };
	static const uint8_t blob[5] = { 1, 2, 3, 4, 5 };

	(void)ctx;
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "RestartAction", 2);
	clusprop_add_long(b, "Offset", -7);
	clusprop_add_ularge(b, "Size", UINT64_MAX);
	clusprop_add_large(b, "Delta", INT64_MIN);
	clusprop_add_binary(b, "Blob", blob, sizeof(blob));
	clusprop_add_sz(b, "Description", "Disk Q: \xF0\x9F\x98\x80");
	clusprop_add_expand_sz(b, "Path", "%TEMP%/x");
	clusprop_add_multi_sz(b, "PossibleOwners", owners, 3);
	clusprop_put_name(b, "Raw");
	clusprop_put_word(b, CLUSPROP_SYNTAX_LIST_VALUE_WORD, 7);
	clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 8);
	return clusprop_put_endmark(b);
}

/* Owned builder, then take / copy_out: the builder's own allocations. */
static uint32_t owned_then_take(clusprop_produce_fn produce)
{
	clusprop_builder b;
	void *buf = NULL;
	size_t size = 0, need = 0;
	uint8_t small[8];
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	rc = produce(&b, NULL);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_builder_status(&b);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = clusprop_builder_copy_out(&b, small, sizeof(small), &need);
	if (rc != ERROR_MORE_DATA || need != clusprop_builder_size(&b)) {
		rc = ERROR_INVALID_DATA;
		goto out;
	}
	rc = clusprop_builder_take(&b, &buf, &size);
out:
	clusprop_free(buf);
	clusprop_builder_free(&b);
	return rc;
}

static uint32_t scenario_build_disk_info(void *ctx)
{
	(void)ctx;
	return owned_then_take(produce_disk_info);
}

static uint32_t scenario_build_plist(void *ctx)
{
	(void)ctx;
	return owned_then_take(produce_plist);
}

/* Build into an owned buffer, then read every value back. */
static uint32_t read_all(enum clusprop_list_kind kind, clusprop_produce_fn produce)
{
	clusprop_builder b;
	clusprop_iter it;
	clusprop_value v;
	int iter_open = 0;
	uint32_t rc;

	clusprop_builder_init_owned(&b);
	rc = produce(&b, NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = clusprop_iter_init(&it, kind, clusprop_builder_data(&b), clusprop_builder_size(&b),
				NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	iter_open = 1;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS)
		if (v.format == CLUSPROP_FORMAT_MULTI_SZ && v.str_count > 0 &&
		    !clusprop_value_multi_sz_at(&v, v.str_count - 1))
			rc = ERROR_INVALID_DATA;
	if (rc == ERROR_NO_MORE_ITEMS)
		rc = ERROR_SUCCESS;
out:
	if (iter_open)
		clusprop_iter_done(&it);
	clusprop_builder_free(&b);
	return rc;
}

static uint32_t scenario_iterate_disk_info(void *ctx)
{
	(void)ctx;
	return read_all(CLUSPROP_VALUE_LIST, produce_disk_info);
}

static uint32_t scenario_iterate_plist(void *ctx)
{
	(void)ctx;
	return read_all(CLUSPROP_PROPERTY_LIST, produce_plist);
}

/* The allocation-free entry points: caller buffers, validators, UTF. */
static uint32_t scenario_no_alloc(void *ctx)
{
	static uint8_t out[4096];
	char u8[64];
	uint16_t u16[32];
	size_t n = 0, m = 0;
	uint32_t rc;

	(void)ctx;
	rc = clusprop_build(NULL, 0, &n, produce_disk_info, NULL);
	if (rc != ERROR_MORE_DATA)
		return ERROR_INVALID_DATA;
	rc = clusprop_build(out, sizeof(out), &n, produce_disk_info, NULL);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_validate_value_list(out, n, NULL);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_build(out, sizeof(out), &n, produce_plist, NULL);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_validate_property_list(out, n, NULL);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_utf8_to_utf16le("z\xF0\x9F\x98\x80", 5, u16, sizeof(u16), &n);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_utf16le_to_utf8(u16, n, u8, sizeof(u8), &m);
	if (rc == ERROR_SUCCESS && (m != 5 || memcmp(u8, "z\xF0\x9F\x98\x80", 5) != 0))
		rc = ERROR_INVALID_DATA;
	return rc;
}

static void test_build_disk_info(void **state) { (void)state; RUN(scenario_build_disk_info, NULL); }
static void test_build_plist(void **state) { (void)state; RUN(scenario_build_plist, NULL); }
static void test_iterate_disk_info(void **state) { (void)state; RUN(scenario_iterate_disk_info, NULL); }
static void test_iterate_plist(void **state) { (void)state; RUN(scenario_iterate_plist, NULL); }

static void test_no_alloc_entry_points(void **state)
{
	struct torture_result res;

	(void)state;
	if (torture_run("no_alloc", scenario_no_alloc, NULL, &res) != 0)
		fail_msg("%s", res.error);
	assert_int_equal(res.allocations, 0);
}

/* A failed string conversion in the iterator can be retried: the iterator
 * does not move past the value it could not hand back. */
static void test_iterator_retry_after_enomem(void **state)
{
	clusprop_builder b;
	clusprop_iter it;
	clusprop_value v;

	(void)state;
	clusprop_builder_init_owned(&b);
	assert_int_equal(produce_plist(&b, NULL), ERROR_SUCCESS);
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, clusprop_builder_data(&b),
					    clusprop_builder_size(&b), NULL), ERROR_SUCCESS);
	for (int i = 0; i < 5; i++)     /* up to the Description SZ */
		assert_int_equal(clusprop_iter_next(&it, &v), ERROR_SUCCESS);
	cs_alloc_fail_at(1);
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_NOT_ENOUGH_MEMORY);
	cs_alloc_reset();
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_SUCCESS);
	assert_string_equal(v.name, "Description");
	assert_string_equal(v.str, "Disk Q: \xF0\x9F\x98\x80");
	clusprop_iter_done(&it);
	clusprop_builder_free(&b);
}

/* The harness itself must catch the bug class it exists for.  The "lost"
 * block is parked here so that the test can free it and LSan stays quiet. */
static char *parked;

static uint32_t scenario_leaks_on_error(void *ctx)
{
	char *a = cs_malloc(16), *b;

	(void)ctx;
	if (!a)
		return ERROR_NOT_ENOUGH_MEMORY;
	b = cs_malloc(16);
	if (!b) {
		parked = a; /* the Q268835 bug: a is not freed on this error path */
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	cs_free(b);
	cs_free(a);
	return ERROR_SUCCESS;
}

static uint32_t scenario_ignores_failure(void *ctx)
{
	char *a = cs_malloc(16);

	(void)ctx;
	cs_free(a);
	return ERROR_SUCCESS; /* swallows the failed allocation */
}

static void test_harness_catches_leak(void **state)
{
	struct torture_result res;
	int64_t live = cs_alloc_live();

	(void)state;
	assert_int_equal(torture_run("leaky", scenario_leaks_on_error, NULL, &res), -1);
	assert_non_null(strstr(res.error, "allocation 2 failed: 1 block(s) leaked"));
	assert_int_equal(cs_alloc_live(), live + 1);
	cs_freep(&parked);
	assert_int_equal(cs_alloc_live(), live);
}

static void test_harness_catches_swallowed_failure(void **state)
{
	struct torture_result res;

	(void)state;
	assert_int_equal(torture_run("swallow", scenario_ignores_failure, NULL, &res), -1);
	assert_non_null(strstr(res.error, "returned success"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_disk_info),
		cmocka_unit_test(test_build_plist),
		cmocka_unit_test(test_iterate_disk_info),
		cmocka_unit_test(test_iterate_plist),
		cmocka_unit_test(test_no_alloc_entry_points),
		cmocka_unit_test(test_iterator_retry_after_enomem),
		cmocka_unit_test(test_harness_catches_leak),
		cmocka_unit_test(test_harness_catches_swallowed_failure),
	};
	return cmocka_run_group_tests_name("torture_codec", tests, NULL, NULL);
}
