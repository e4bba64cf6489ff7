/*
 * test_proplist_bare.c - bare values (clusprop_put_bare_*): the outputs of
 * control codes that are not value lists, byte for byte from Microsoft's
 * published descriptions: GET_NAME is the name as a NUL-terminated UTF-16
 * string; ENUM_COMMON_PROPERTIES the names, each NUL-terminated, then one
 * more NUL; GET_FLAGS a DWORD; GET_CLASS_INFO a CLUS_RESOURCE_CLASS_INFO
 * (two DWORDs).  No header, no padding.  Each in every builder mode and
 * through clusprop_build() under the buffer contract.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <clusapi/proplist.h>

struct vec {
	uint32_t (*put)(clusprop_builder *b, const void *arg);
	const void *arg;
	const uint8_t *want;
	size_t want_len;
};

static uint32_t put_name(clusprop_builder *b, const void *arg)
{
	return clusprop_put_bare_sz(b, arg);
}

static uint32_t put_names(clusprop_builder *b, const void *arg)
{
	(void)arg;
	static const char *const names[] = { "ab", "\xc3\xa9" }; /* "ab", U+00E9 */
	return clusprop_put_bare_multi_sz(b, names, 2);
}

static uint32_t put_no_names(clusprop_builder *b, const void *arg)
{
	(void)arg;
	return clusprop_put_bare_multi_sz(b, NULL, 0);
}

static uint32_t put_flags(clusprop_builder *b, const void *arg)
{
	(void)arg;
	return clusprop_put_bare_dword(b, 0x01020304u);
}

static uint32_t put_class(clusprop_builder *b, const void *arg)
{
	(void)arg;
	/* CLUS_RESCLASS_STORAGE (1), CLUS_RESSUBCLASS_SHARED (0x80000000) */
	return clusprop_put_bare_ularge(b, 0x8000000000000001ull);
}

static const uint8_t name_abc[] = { 'a', 0, 'b', 0, 'c', 0, 0, 0 };
static const uint8_t names_2[] = { 'a', 0, 'b', 0, 0, 0, 0xe9, 0, 0, 0, 0, 0 };
static const uint8_t names_0[] = { 0, 0 };
static const uint8_t flags[] = { 4, 3, 2, 1 };
static const uint8_t class_info[] = { 1, 0, 0, 0, 0, 0, 0, 0x80 };

static uint32_t produce(clusprop_builder *b, void *ctx)
{
	const struct vec *v = ctx;
	return v->put(b, v->arg);
}

static void check(const struct vec *v)
{
	clusprop_builder b;
	uint8_t buf[64];
	size_t got = 0;

	/* owned */
	clusprop_builder_init_owned(&b);
	assert_int_equal(v->put(&b, v->arg), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), v->want_len);
	assert_memory_equal(clusprop_builder_data(&b), v->want, v->want_len);
	clusprop_builder_free(&b);
	/* measure */
	clusprop_builder_init_measure(&b);
	assert_int_equal(v->put(&b, v->arg), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), v->want_len);
	/* the buffer contract: one byte short gives the size and writes nothing */
	memset(buf, 0xAA, sizeof(buf));
	assert_int_equal(clusprop_build(buf, v->want_len - 1, &got, produce, (void *)v),
			 ERROR_MORE_DATA);
	assert_int_equal(got, v->want_len);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xAA);
	assert_int_equal(clusprop_build(buf, sizeof(buf), &got, produce, (void *)v),
			 ERROR_SUCCESS);
	assert_int_equal(got, v->want_len);
	assert_memory_equal(buf, v->want, v->want_len);
}

static void test_bare_values(void **state)
{
	(void)state;
	const struct vec vecs[] = {
		{ put_name, "abc", name_abc, sizeof(name_abc) },
		{ put_names, NULL, names_2, sizeof(names_2) },
		{ put_no_names, NULL, names_0, sizeof(names_0) },
		{ put_flags, NULL, flags, sizeof(flags) },
		{ put_class, NULL, class_info, sizeof(class_info) },
	};
	for (size_t i = 0; i < sizeof(vecs) / sizeof(*vecs); i++)
		check(&vecs[i]);
}

static void test_bare_after_entries(void **state)
{
	(void)state;
	clusprop_builder b;
	static const uint8_t want[] = { 2, 0, 1, 0, 4, 0, 0, 0, 7, 0, 0, 0, 'x', 0, 0, 0 };

	/* a bare value appended after a value entry: no padding added */
	clusprop_builder_init_owned(&b);
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 7);
	clusprop_put_bare_sz(&b, "x");
	assert_int_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), sizeof(want));
	assert_memory_equal(clusprop_builder_data(&b), want, sizeof(want));
	clusprop_builder_free(&b);
}

static void test_bare_bad_input(void **state)
{
	(void)state;
	clusprop_builder b;
	static const char *const empty[] = { "" };

	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_bare_sz(&b, NULL), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_bare_sz(&b, "\xff"), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_size(&b), 0);
	/* sticky */
	assert_int_equal(clusprop_put_bare_dword(&b, 1), ERROR_NO_UNICODE_TRANSLATION);
	clusprop_builder_free(&b);
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_bare_multi_sz(&b, empty, 1), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_bare_bytes(&b, NULL, 3), ERROR_INVALID_PARAMETER);
	assert_int_equal(clusprop_put_bare_bytes(NULL, "x", 1), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_values),
		cmocka_unit_test(test_bare_after_entries),
		cmocka_unit_test(test_bare_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
