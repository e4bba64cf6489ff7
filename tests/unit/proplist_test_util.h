/*
 * proplist_test_util.h - small helpers shared by the property-list codec
 * tests (test_proplist_golden.c, test_proplist_roundtrip.c,
 * test_proplist_bad.c).  Include after <cmocka.h>.
 *
 * Nothing here encodes or decodes lists: expected bytes are always written
 * out by the tests themselves, and these helpers only compare, copy and
 * walk the library's iterator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef PROPLIST_TEST_UTIL_H
#define PROPLIST_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi/proplist.h>

#define PT_ALIGN4(n) (((n) + 3u) & ~(size_t)3u)

/* Compare got with want; on mismatch print the first differing offset and
 * a few bytes around it, then fail the test. */
static inline void pt_expect_bytes(const char *what, const void *got, size_t got_len,
				   const void *want, size_t want_len)
{
	const uint8_t *g = got, *w = want;
	size_t n = got_len < want_len ? got_len : want_len;
	size_t i;

	for (i = 0; i < n; i++)
		if (g[i] != w[i])
			break;
	if (i == n && got_len == want_len)
		return;
	print_error("%s: %zu bytes produced, %zu expected; first difference at offset %zu (0x%zx)\n",
		    what, got_len, want_len, i, i);
	size_t from = i >= 8 ? i - 8 : 0;
	for (size_t j = from; j < i + 8 && j < (got_len > want_len ? got_len : want_len); j++)
		print_error("  [%5zu] got %s%02x  want %s%02x%s\n", j,
			    j < got_len ? "" : "--", j < got_len ? g[j] : 0,
			    j < want_len ? "" : "--", j < want_len ? w[j] : 0,
			    j == i ? "   <==" : "");
	fail_msg("%s: bytes differ", what);
}

/* A heap copy of exactly n bytes (at least 1 allocated so that n == 0 still
 * gives a valid pointer), so that ASan sees any read past the end. */
static inline uint8_t *pt_heap_copy(const void *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	assert_non_null(c);
	if (n)
		memcpy(c, p, n);
	return c;
}

/* Write a little-endian u32 / u16 at p. */
static inline void pt_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void pt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline uint32_t pt_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- What the iterator must return, value by value ---------------------- */

enum pt_want_kind {
	PT_NUM32 = 1, /* num.dw (DWORD, WORD formats) */
	PT_LONG,      /* num.l */
	PT_U64,       /* num.u64 */
	PT_I64,       /* num.i64 */
	PT_STR,       /* SZ / EXPAND_SZ: str, str_len = strlen, str_count not checked */
	PT_MULTI,     /* MULTI_SZ: str/str_len as "a\0b\0", str_count */
	PT_RAW,       /* BINARY formats: only data/length */
};

struct pt_want {
	const char *name;      /* NULL in a value list */
	uint32_t prop;         /* property_index */
	uint32_t syntax;
	uint32_t length;       /* raw, unpadded */
	enum pt_want_kind kind;
	uint64_t u;            /* PT_NUM32 / PT_U64 */
	int64_t i;             /* PT_LONG / PT_I64 */
	const char *str;       /* PT_STR / PT_MULTI (PT_MULTI: with embedded NULs) */
	size_t str_len;        /* PT_MULTI: bytes in str counting every NUL */
	uint32_t str_count;    /* PT_MULTI */
	const void *raw;       /* if not NULL: the expected data bytes (length of them) */
	size_t data_off;       /* if not 0: offset of v->data inside the list */
};

/* Check one value against want (index i for messages). */
static inline void pt_check_value(const clusprop_value *v, const struct pt_want *w, size_t i,
				  const uint8_t *list, size_t list_size)
{
	if (w->name == NULL) {
		if (v->name != NULL)
			fail_msg("value %zu: name \"%s\" in a value list", i, v->name);
	} else {
		if (v->name == NULL)
			fail_msg("value %zu: no name, expected \"%s\"", i, w->name);
		if (strcmp(v->name, w->name) != 0)
			fail_msg("value %zu: name \"%s\", expected \"%s\"", i, v->name, w->name);
	}
	if (v->property_index != w->prop)
		fail_msg("value %zu: property_index %u, expected %u", i, v->property_index, w->prop);
	if (v->syntax != w->syntax)
		fail_msg("value %zu: syntax 0x%08x, expected 0x%08x", i, v->syntax, w->syntax);
	assert_int_equal(v->type, CLUSPROP_SYNTAX_TYPE(w->syntax));
	assert_int_equal(v->format, CLUSPROP_SYNTAX_FORMAT(w->syntax));
	if (v->length != w->length)
		fail_msg("value %zu: length %u, expected %u", i, v->length, w->length);
	assert_non_null(v->data);
	/* data points at the raw bytes inside the list */
	assert_true((const uint8_t *)v->data >= list);
	assert_true((const uint8_t *)v->data + v->length <= list + list_size);
	if (w->data_off != 0)
		assert_int_equal((size_t)((const uint8_t *)v->data - list), w->data_off);
	if (w->raw)
		pt_expect_bytes("value data", v->data, v->length, w->raw, w->length);

	switch (w->kind) {
	case PT_NUM32:
		if (v->num.dw != (uint32_t)w->u)
			fail_msg("value %zu: num.dw 0x%x, expected 0x%x", i, v->num.dw, (uint32_t)w->u);
		assert_null(v->str);
		break;
	case PT_LONG:
		assert_int_equal(v->num.l, (int32_t)w->i);
		assert_null(v->str);
		break;
	case PT_U64:
		assert_true(v->num.u64 == w->u);
		assert_null(v->str);
		break;
	case PT_I64:
		assert_true(v->num.i64 == w->i);
		assert_null(v->str);
		break;
	case PT_STR:
		assert_non_null(v->str);
		if (strcmp(v->str, w->str) != 0)
			fail_msg("value %zu: str \"%s\", expected \"%s\"", i, v->str, w->str);
		assert_int_equal(v->str_len, strlen(w->str));
		break;
	case PT_MULTI:
		assert_non_null(v->str);
		assert_int_equal(v->str_count, w->str_count);
		assert_int_equal(v->str_len, w->str_len);
		pt_expect_bytes("multi_sz utf-8", v->str, v->str_len, w->str, w->str_len);
		/* clusprop_value_multi_sz_at walks the same strings */
		{
			const char *s = w->str;
			for (uint32_t k = 0; k < w->str_count; k++) {
				const char *got = clusprop_value_multi_sz_at(v, k);
				assert_non_null(got);
				assert_string_equal(got, s);
				s += strlen(s) + 1;
			}
			assert_null(clusprop_value_multi_sz_at(v, w->str_count));
			assert_null(clusprop_value_multi_sz_at(v, w->str_count + 7));
		}
		break;
	case PT_RAW:
		assert_null(v->str);
		break;
	}
}

/* Iterate a list and compare every value with wants[0..n-1], then expect
 * ERROR_NO_MORE_ITEMS (twice: it must stay at the end). */
static inline void pt_check_iter(enum clusprop_list_kind kind, const void *list, size_t size,
				 const struct pt_want *wants, size_t n)
{
	clusprop_iter it;
	clusprop_value v;
	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
	uint32_t rc = clusprop_iter_init(&it, kind, list, size, &diag);

	if (rc != ERROR_SUCCESS)
		fail_msg("clusprop_iter_init: %u (fault %d \"%s\" at %zu)", rc, (int)diag.fault,
			 clusprop_fault_str(diag.fault), diag.offset);
	for (size_t i = 0; i < n; i++) {
		memset(&v, 0x5a, sizeof(v));
		rc = clusprop_iter_next(&it, &v);
		if (rc != ERROR_SUCCESS)
			fail_msg("clusprop_iter_next #%zu: %u", i, rc);
		pt_check_value(&v, &wants[i], i, list, size);
	}
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_NO_MORE_ITEMS);
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_NO_MORE_ITEMS);
	clusprop_iter_done(&it);
	clusprop_iter_done(&it); /* safe twice */
}

#endif /* PROPLIST_TEST_UTIL_H */
