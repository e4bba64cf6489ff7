/*
 * fuzz_proplist.c - libFuzzer target for the value-list and property-list
 * reader (validators, iterator) and, through re-encoding, the builder.
 *
 * Input: one byte choosing the kind (even: value list, odd: property list),
 * then the list.  The list is copied into a heap block of exactly its size
 * so that AddressSanitizer sees any read past its end.  Then:
 *   1. the validator of that kind and clusprop_iter_init() must agree (same
 *      result, same fault, same offset); the other kind's validator runs too;
 *   2. an accepted list is read to the end, every field and every string
 *      byte touched, each value checked for consistency with its syntax;
 *   3. what was read is written again with an OWNED builder (and measured
 *      with a MEASURE builder); if the builder accepts every value, the
 *      re-encoded list must validate, read back as the same sequence of
 *      (property, syntax), come out byte for byte the same from
 *      clusprop_build() (MEASURE then FIXED), and both copy-out paths must
 *      honour the MSCS buffer contract.
 * The aim is crashes and leaks; any broken promise aborts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* Keeps the compiler from dropping reads whose only purpose is to be seen
 * by the sanitizers. */
static volatile uint32_t sink;

static void touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += b[i];
	sink += sum;
}

/* The (property, syntax) sequence of a list, to compare a re-encoding with. */
struct shape {
	uint32_t *syntax;
	uint32_t *prop;
	size_t n, cap;
};

static int shape_add(struct shape *s, uint32_t prop, uint32_t syntax)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		uint32_t *a = realloc(s->syntax, cap * sizeof(*a));
		if (!a)
			return -1;
		s->syntax = a;
		uint32_t *b = realloc(s->prop, cap * sizeof(*b));
		if (!b)
			return -1;
		s->prop = b;
		s->cap = cap;
	}
	s->syntax[s->n] = syntax;
	s->prop[s->n] = prop;
	s->n++;
	return 0;
}

static void shape_free(struct shape *s)
{
	free(s->syntax);
	free(s->prop);
	memset(s, 0, sizeof(*s));
}

/* The format the library reads a value as: a PARTITION_INFO is a fixed
 * binary structure, checked by its type whatever its format says. */
static uint16_t read_format(const clusprop_value *v)
{
	return v->type == CLUSPROP_TYPE_PARTITION_INFO ? CLUSPROP_FORMAT_BINARY : v->format;
}

/* Check one value for consistency and read all of it. */
static void check_value(const clusprop_value *v, enum clusprop_list_kind kind,
			const uint8_t *buf, size_t size)
{
	CHECK(v->type == CLUSPROP_SYNTAX_TYPE(v->syntax));
	CHECK(v->format == CLUSPROP_SYNTAX_FORMAT(v->syntax));
	CHECK(v->syntax != CLUSPROP_SYNTAX_ENDMARK);
	CHECK(v->syntax != CLUSPROP_SYNTAX_NAME);
	if (kind == CLUSPROP_VALUE_LIST) {
		CHECK(v->name == NULL);
		CHECK(v->property_index == 0);
	} else {
		CHECK(v->name != NULL);
		touch(v->name, strlen(v->name) + 1);
	}

	/* The raw bytes lie inside the list. */
	const uint8_t *d = v->data;
	CHECK(v->length == 0 || d != NULL);
	if (v->length) {
		CHECK(d >= buf && d <= buf + size);
		CHECK(v->length <= (size_t)(buf + size - d));
		touch(d, v->length);
	}

	/* Fixed-size formats have their size. */
	switch (read_format(v)) {
	case CLUSPROP_FORMAT_DWORD:
	case CLUSPROP_FORMAT_LONG:
		CHECK(v->length == 4);
		break;
	case CLUSPROP_FORMAT_WORD:
		CHECK(v->length == 2);
		CHECK(v->num.dw <= 0xFFFFu);
		break;
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
	case CLUSPROP_FORMAT_LARGE_INTEGER:
	case CLUSPROP_FORMAT_FILETIME:
		CHECK(v->length == 8);
		break;
	default:
		break;
	}

	switch (read_format(v)) {
	case CLUSPROP_FORMAT_SZ:
	case CLUSPROP_FORMAT_EXPAND_SZ:
	case CLUSPROP_FORMAT_EXPANDED_SZ:
		CHECK(v->str != NULL);
		CHECK(strlen(v->str) == v->str_len);
		touch(v->str, v->str_len + 1);
		break;
	case CLUSPROP_FORMAT_MULTI_SZ: {
		CHECK(v->str != NULL);
		touch(v->str, v->str_len);
		size_t total = 0;
		for (uint32_t i = 0; i < v->str_count; i++) {
			const char *s = clusprop_value_multi_sz_at(v, i);
			CHECK(s != NULL);
			CHECK(s >= v->str && s < v->str + v->str_len);
			size_t n = strlen(s);
			CHECK(n > 0);
			total += n + 1;
		}
		CHECK(total == v->str_len);
		CHECK(clusprop_value_multi_sz_at(v, v->str_count) == NULL);
		break;
	}
	default:
		CHECK(v->str == NULL);
		break;
	}
}

/* Append v again to b, in the form the builder offers for its format. */
static void reencode_value(clusprop_builder *b, const clusprop_value *v)
{
	switch (read_format(v)) {
	case CLUSPROP_FORMAT_DWORD:
		clusprop_put_dword(b, v->syntax, v->num.dw);
		break;
	case CLUSPROP_FORMAT_LONG:
		clusprop_put_long(b, v->syntax, v->num.l);
		break;
	case CLUSPROP_FORMAT_WORD:
		clusprop_put_word(b, v->syntax, (uint16_t)v->num.dw);
		break;
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
	case CLUSPROP_FORMAT_FILETIME:
		clusprop_put_ularge(b, v->syntax, v->num.u64);
		break;
	case CLUSPROP_FORMAT_LARGE_INTEGER:
		clusprop_put_large(b, v->syntax, v->num.i64);
		break;
	case CLUSPROP_FORMAT_SZ:
	case CLUSPROP_FORMAT_EXPAND_SZ:
	case CLUSPROP_FORMAT_EXPANDED_SZ:
		clusprop_put_sz(b, v->syntax, v->str);
		break;
	case CLUSPROP_FORMAT_MULTI_SZ: {
		const char **strs = calloc(v->str_count ? v->str_count : 1, sizeof(*strs));
		CHECK(strs != NULL);
		for (uint32_t i = 0; i < v->str_count; i++)
			strs[i] = clusprop_value_multi_sz_at(v, i);
		clusprop_put_multi_sz(b, v->syntax, strs, v->str_count);
		free(strs);
		break;
	}
	default:
		clusprop_put_binary(b, v->syntax, v->data, v->length);
		break;
	}
}

/*
 * Read the whole list through the iterator, recording its shape and
 * re-encoding it into each builder in bs[0..nb).  Returns the number of
 * values read.
 */
static size_t read_list(enum clusprop_list_kind kind, const uint8_t *buf, size_t size,
			struct shape *shape, clusprop_builder *bs, size_t nb)
{
	clusprop_iter it;
	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
	clusprop_value v;
	size_t count = 0;
	int64_t prev_prop = -1;

	CHECK(clusprop_iter_init(&it, kind, buf, size, &diag) == ERROR_SUCCESS);
	if (kind == CLUSPROP_PROPERTY_LIST)
		for (size_t i = 0; i < nb; i++)
			clusprop_builder_begin_plist(&bs[i]);
	for (;;) {
		memset(&v, 0x5A, sizeof(v));
		uint32_t r = clusprop_iter_next(&it, &v);
		if (r == ERROR_NO_MORE_ITEMS)
			break;
		CHECK(r == ERROR_SUCCESS);
		check_value(&v, kind, buf, size);
		count++;
		if (shape)
			CHECK(shape_add(shape, v.property_index, v.syntax) == 0);

		if (kind == CLUSPROP_PROPERTY_LIST && (int64_t)v.property_index != prev_prop) {
			/* Properties come in order, each with at least one value. */
			CHECK((int64_t)v.property_index == prev_prop + 1);
			for (size_t i = 0; i < nb; i++) {
				if (prev_prop >= 0)
					clusprop_put_endmark(&bs[i]);
				clusprop_put_name(&bs[i], v.name);
			}
			prev_prop = v.property_index;
		}
		for (size_t i = 0; i < nb; i++)
			reencode_value(&bs[i], &v);
	}
	/* At the end it stays at the end. */
	CHECK(clusprop_iter_next(&it, &v) == ERROR_NO_MORE_ITEMS);
	clusprop_iter_done(&it);
	clusprop_iter_done(&it);

	for (size_t i = 0; i < nb; i++)
		if (kind == CLUSPROP_VALUE_LIST || prev_prop >= 0)
			clusprop_put_endmark(&bs[i]);
	return count;
}

static uint32_t validate(enum clusprop_list_kind kind, const void *buf, size_t size,
			 clusprop_diag *diag)
{
	return kind == CLUSPROP_VALUE_LIST ? clusprop_validate_value_list(buf, size, diag)
					   : clusprop_validate_property_list(buf, size, diag);
}

/* The list being fuzzed, for clusprop_build()'s producer. */
struct source {
	enum clusprop_list_kind kind;
	const uint8_t *buf;
	size_t size;
};

/* Re-encode the source list into b; clusprop_build() calls it once to
 * measure and once to write. */
static uint32_t produce_again(clusprop_builder *b, void *ctx)
{
	const struct source *src = ctx;

	read_list(src->kind, src->buf, src->size, NULL, b, 1);
	return clusprop_builder_status(b);
}

/* The same bytes through clusprop_build(), under the MSCS buffer contract. */
static void check_build(const struct source *src, const uint8_t *expect, size_t len)
{
	size_t need = 0;
	CHECK(clusprop_build(NULL, 0, &need, produce_again, (void *)src) == ERROR_MORE_DATA);
	CHECK(need == len);

	uint8_t *out = malloc(len ? len : 1);
	CHECK(out != NULL);
	if (len > 0) {
		/* One byte short: the size needed, nothing written. */
		memset(out, 0xA5, len);
		need = 0;
		CHECK(clusprop_build(out, len - 1, &need, produce_again, (void *)src) ==
		      ERROR_MORE_DATA);
		CHECK(need == len);
		for (size_t i = 0; i < len; i++)
			CHECK(out[i] == 0xA5);
	}
	size_t got = 0;
	CHECK(clusprop_build(out, len, &got, produce_again, (void *)src) == ERROR_SUCCESS);
	CHECK(got == len);
	CHECK(len == 0 || memcmp(out, expect, len) == 0);
	free(out);
}

/* The re-encoded list: valid, same shape, the same bytes from every
 * builder mode, and the copy-out contract. */
static void check_reencoded(const struct source *src, clusprop_builder *owned,
			    clusprop_builder *measure, const struct shape *orig)
{
	enum clusprop_list_kind kind = src->kind;

	size_t len = clusprop_builder_size(owned);
	CHECK(clusprop_builder_size(measure) == len);
	CHECK(clusprop_builder_status(measure) == ERROR_SUCCESS);
	CHECK(clusprop_builder_data(measure) == NULL);

	/* Copy-out under the MSCS contract, into an exact-size block. */
	size_t need = 0;
	CHECK(clusprop_builder_copy_out(owned, NULL, 0, &need) == ERROR_MORE_DATA);
	CHECK(need == len);
	uint8_t *copy = malloc(len ? len : 1);
	CHECK(copy != NULL);
	size_t got = 0;
	CHECK(clusprop_builder_copy_out(owned, copy, len, &got) == ERROR_SUCCESS);
	CHECK(got == len);
	CHECK(len == 0 || memcmp(copy, clusprop_builder_data(owned), len) == 0);

	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
	uint32_t r = validate(kind, copy, len, &diag);
	if (r != ERROR_SUCCESS) {
		fprintf(stderr, "re-encoded list rejected: %s at offset %zu\n",
			clusprop_fault_str(diag.fault), diag.offset);
		abort();
	}

	struct shape again = { 0 };
	CHECK(read_list(kind, copy, len, &again, NULL, 0) == orig->n);
	CHECK(again.n == orig->n);
	for (size_t i = 0; i < orig->n; i++) {
		CHECK(again.syntax[i] == orig->syntax[i]);
		CHECK(again.prop[i] == orig->prop[i]);
	}
	shape_free(&again);

	check_build(src, copy, len);
	free(copy);

	/* Ownership moves out with take(); the builder is then empty. */
	void *taken = NULL;
	size_t taken_size = 0;
	CHECK(clusprop_builder_take(owned, &taken, &taken_size) == ERROR_SUCCESS);
	CHECK(taken_size == len);
	CHECK(clusprop_builder_size(owned) == 0);
	clusprop_free(taken);
}

static void fuzz_list(enum clusprop_list_kind kind, const uint8_t *buf, size_t size)
{
	clusprop_diag dv = { CLUSPROP_FAULT_NONE, 0 };
	clusprop_diag di = { CLUSPROP_FAULT_NONE, 0 };
	clusprop_iter it;

	uint32_t rv = validate(kind, buf, size, &dv);
	uint32_t ri = clusprop_iter_init(&it, kind, buf, size, &di);
	CHECK(rv == ri);
	CHECK(validate(kind, buf, size, NULL) == rv);
	if (rv != ERROR_SUCCESS) {
		CHECK(rv == ERROR_INVALID_DATA || rv == ERROR_NO_UNICODE_TRANSLATION);
		CHECK(dv.fault != CLUSPROP_FAULT_NONE);
		CHECK(dv.fault == di.fault);
		CHECK(dv.offset == di.offset);
		CHECK(dv.offset <= size);
		CHECK(clusprop_fault_str(dv.fault) != NULL);
		CHECK(cluster_strerror(rv) != NULL);
		return;
	}
	clusprop_iter_done(&it);

	/* Read it, re-encoding as we go. */
	struct shape shape = { 0 };
	clusprop_builder bs[2];
	clusprop_builder_init_owned(&bs[0]);
	clusprop_builder_init_measure(&bs[1]);
	size_t n = read_list(kind, buf, size, &shape, bs, 2);
	CHECK(n == shape.n);

	/* A list whose syntaxes the builder cannot express (it may refuse,
	 * say, a binary value under a reserved syntax) is only checked for
	 * agreement between the two builders. */
	uint32_t st = clusprop_builder_status(&bs[0]);
	CHECK(clusprop_builder_status(&bs[1]) == st);
	if (st == ERROR_SUCCESS) {
		struct source src = { kind, buf, size };
		check_reencoded(&src, &bs[0], &bs[1], &shape);
	}
	else
		CHECK(st != ERROR_NOT_ENOUGH_MEMORY);
	clusprop_builder_free(&bs[0]);
	clusprop_builder_free(&bs[0]);
	clusprop_builder_free(&bs[1]);
	shape_free(&shape);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum clusprop_list_kind kind = (data[0] & 1) ? CLUSPROP_PROPERTY_LIST : CLUSPROP_VALUE_LIST;
	size_t n = size - 1;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);

	fuzz_list(kind, buf, n);
	/* The other reader must not crash on it either. */
	enum clusprop_list_kind other = kind == CLUSPROP_VALUE_LIST ? CLUSPROP_PROPERTY_LIST
								    : CLUSPROP_VALUE_LIST;
	(void)validate(other, buf, n, NULL);

	free(buf);
	return 0;
}
