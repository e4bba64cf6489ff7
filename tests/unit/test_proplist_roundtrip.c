/*
 * test_proplist_roundtrip.c - build, validate, iterate and compare, for every
 * syntax the builder has; the MSCS buffer contract of clusprop_build() and
 * clusprop_builder_copy_out(); sticky builder errors, clusprop_builder_take(),
 * MEASURE == OWNED sizes; UTF-8 <-> UTF-16LE round trips over the whole BMP
 * and a sample of the astral planes; allocation failure in the owned builder
 * and in the iterator.
 *
 * Expected sizes and bytes are computed here from the format rules (entry =
 * 8-byte header + data padded to 4; strings UTF-16LE with their NUL), with a
 * small reference UTF-8 / UTF-16 encoder of the test's own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <clusapi/proplist.h>

#include "cs_alloc.h"
#include "proplist_test_util.h"

/* ======================================================================
 * Reference encoders (the test's own)
 * ====================================================================== */

/* UTF-8 of one code point; returns its length. */
static size_t ref_utf8(uint32_t cp, uint8_t *o)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xC0 | (cp >> 6));
		o[1] = (uint8_t)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (uint8_t)(0xE0 | (cp >> 12));
		o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (uint8_t)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (uint8_t)(0xF0 | (cp >> 18));
	o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (uint8_t)(0x80 | (cp & 0x3F));
	return 4;
}

/* UTF-16LE of one code point; returns its length in bytes. */
static size_t ref_utf16(uint32_t cp, uint8_t *o)
{
	if (cp < 0x10000) {
		pt_put16(o, (uint16_t)cp);
		return 2;
	}
	cp -= 0x10000;
	pt_put16(o, (uint16_t)(0xD800 | (cp >> 10)));
	pt_put16(o + 2, (uint16_t)(0xDC00 | (cp & 0x3FF)));
	return 4;
}

/* Decode valid UTF-8 (the test's own strings) into code points. */
static size_t ref_decode(const char *s, size_t len, uint32_t *cps, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		if (p[i] < 0x80) {
			cp = p[i];
			i += 1;
		} else if (p[i] < 0xE0) {
			cp = (uint32_t)(p[i] & 0x1F) << 6 | (p[i + 1] & 0x3F);
			i += 2;
		} else if (p[i] < 0xF0) {
			cp = (uint32_t)(p[i] & 0x0F) << 12 | (uint32_t)(p[i + 1] & 0x3F) << 6 |
			     (p[i + 2] & 0x3F);
			i += 3;
		} else {
			cp = (uint32_t)(p[i] & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3F) << 12 |
			     (uint32_t)(p[i + 2] & 0x3F) << 6 | (p[i + 3] & 0x3F);
			i += 4;
		}
		assert_true(n < max);
		cps[n++] = cp;
	}
	return n;
}

/* UTF-16LE bytes (without NUL) of a UTF-8 string, into o; returns bytes. */
static size_t ref_u8_to_u16(const char *s, uint8_t *o, size_t max)
{
	static uint32_t cps[8192];
	size_t n = ref_decode(s, strlen(s), cps, 8192), len = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(len + 4 <= max);
		len += ref_utf16(cps[i], o + len);
	}
	return len;
}

static size_t u16_bytes(const char *s)
{
	static uint8_t tmp[32768];
	return ref_u8_to_u16(s, tmp, sizeof(tmp));
}

/* ======================================================================
 * The round-trip engine: one produce() run through OWNED, MEASURE, FIXED and
 * clusprop_build(); all must agree on size and bytes; then the validator
 * and the iterator.  Returns the owned bytes (caller frees with clusprop_free).
 * ====================================================================== */
static uint8_t *rt_build(clusprop_produce_fn produce, void *ctx, size_t *ret_size)
{
	clusprop_builder b;
	void *buf = NULL;
	size_t size = 0;

	clusprop_builder_init_owned(&b);
	uint32_t rc = produce(&b, ctx);
	if (rc != ERROR_SUCCESS)
		fail_msg("produce (owned): %u", rc);
	assert_int_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_take(&b, &buf, &size), ERROR_SUCCESS);
	clusprop_builder_free(&b);
	assert_non_null(buf);

	clusprop_builder_init_measure(&b);
	assert_int_equal(produce(&b, ctx), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), size);
	clusprop_builder_free(&b);

	uint8_t *fixed = malloc(size);
	assert_non_null(fixed);
	clusprop_builder_init_fixed(&b, fixed, size);
	assert_int_equal(produce(&b, ctx), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), size);
	pt_expect_bytes("fixed vs owned", fixed, size, buf, size);
	clusprop_builder_free(&b);

	size_t got = 0;
	memset(fixed, 0xA5, size);
	assert_int_equal(clusprop_build(fixed, size, &got, produce, ctx), ERROR_SUCCESS);
	assert_int_equal(got, size);
	pt_expect_bytes("clusprop_build vs owned", fixed, size, buf, size);
	free(fixed);

	*ret_size = size;
	return buf;
}

static void rt_validate(enum clusprop_list_kind kind, const uint8_t *buf, size_t size)
{
	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
	uint8_t *copy = pt_heap_copy(buf, size);
	uint32_t rc = kind == CLUSPROP_VALUE_LIST ? clusprop_validate_value_list(copy, size, &diag)
						  : clusprop_validate_property_list(copy, size, &diag);
	if (rc != ERROR_SUCCESS)
		fail_msg("validator: %u, fault %d (%s) at %zu", rc, (int)diag.fault,
			 clusprop_fault_str(diag.fault), diag.offset);
	free(copy);
}

/* Build, check the size, validate, iterate. */
static void rt_check(enum clusprop_list_kind kind, clusprop_produce_fn produce, void *ctx,
		     size_t want_size, const struct pt_want *wants, size_t n)
{
	size_t size = 0;
	uint8_t *buf = rt_build(produce, ctx, &size);
	if (size != want_size)
		fail_msg("list size %zu, expected %zu", size, want_size);
	rt_validate(kind, buf, size);
	uint8_t *copy = pt_heap_copy(buf, size);
	pt_check_iter(kind, copy, size, wants, n);
	free(copy);
	clusprop_free(buf);
}

/* ======================================================================
 * Scalars: DWORD, LONG, WORD, ULARGE_INTEGER, LARGE_INTEGER
 * ====================================================================== */
enum scalar_kind { SC_DWORD, SC_LONG, SC_WORD, SC_ULARGE, SC_LARGE };

struct scalar {
	enum scalar_kind kind;
	uint32_t syntax;
	uint64_t u;
	int64_t i;
};

static uint32_t produce_scalar(clusprop_builder *b, void *ctx)
{
	const struct scalar *s = ctx;
	switch (s->kind) {
	case SC_DWORD: clusprop_put_dword(b, s->syntax, (uint32_t)s->u); break;
	case SC_LONG: clusprop_put_long(b, s->syntax, (int32_t)s->i); break;
	case SC_WORD: clusprop_put_word(b, s->syntax, (uint16_t)s->u); break;
	case SC_ULARGE: clusprop_put_ularge(b, s->syntax, s->u); break;
	case SC_LARGE: clusprop_put_large(b, s->syntax, s->i); break;
	}
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

static void rt_scalar(struct scalar s)
{
	struct pt_want w = { .syntax = s.syntax, .data_off = 8 };
	uint8_t raw[8];
	size_t len = 0;

	switch (s.kind) {
	case SC_DWORD:
		w.kind = PT_NUM32; w.u = (uint32_t)s.u; len = 4;
		pt_put32(raw, (uint32_t)s.u);
		break;
	case SC_LONG:
		w.kind = PT_LONG; w.i = s.i; len = 4;
		pt_put32(raw, (uint32_t)(int32_t)s.i);
		break;
	case SC_WORD:
		w.kind = PT_NUM32; w.u = (uint16_t)s.u; len = 2;
		pt_put16(raw, (uint16_t)s.u);
		break;
	case SC_ULARGE:
	case SC_LARGE: {
		uint64_t v = s.kind == SC_ULARGE ? s.u : (uint64_t)s.i;
		w.kind = s.kind == SC_ULARGE ? PT_U64 : PT_I64;
		w.u = s.u; w.i = s.i; len = 8;
		pt_put32(raw, (uint32_t)v);
		pt_put32(raw + 4, (uint32_t)(v >> 32));
		break;
	}
	}
	w.length = (uint32_t)len;
	w.raw = raw;
	rt_check(CLUSPROP_VALUE_LIST, produce_scalar, &s, 8 + PT_ALIGN4(len) + 4, &w, 1);

	/* the padding of a WORD is zero */
	if (s.kind == SC_WORD) {
		size_t size;
		uint8_t *buf = rt_build(produce_scalar, &s, &size);
		assert_int_equal(buf[10], 0);
		assert_int_equal(buf[11], 0);
		clusprop_free(buf);
	}
}

static void test_rt_dword(void **state)
{
	(void)state;
	static const uint32_t v[] = { 0, 1, 2, 0x7FFFFFFFu, 0x80000000u, 0xDEADBEEFu, UINT32_MAX };
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		rt_scalar((struct scalar){ SC_DWORD, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, v[k], 0 });
		rt_scalar((struct scalar){ SC_DWORD, CLUSPROP_SYNTAX_RESCLASS, v[k], 0 });
	}
}

static void test_rt_long(void **state)
{
	(void)state;
	static const int32_t v[] = { INT32_MIN, INT32_MIN + 1, -65536, -2, -1, 0, 1, INT32_MAX };
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		rt_scalar((struct scalar){ SC_LONG, CLUSPROP_SYNTAX_LIST_VALUE_LONG, 0, v[k] });
}

static void test_rt_word(void **state)
{
	(void)state;
	static const uint16_t v[] = { 0, 1, 0x7FFF, 0x8000, 0xBEEF, 0xFFFF };
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		rt_scalar((struct scalar){ SC_WORD, CLUSPROP_SYNTAX_LIST_VALUE_WORD, v[k], 0 });
}

static void test_rt_ularge(void **state)
{
	(void)state;
	static const uint64_t v[] = { 0, 1, UINT32_MAX, UINT64_C(0x100000000),
				      UINT64_C(0x0123456789ABCDEF), INT64_MAX, UINT64_MAX };
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		rt_scalar((struct scalar){ SC_ULARGE, CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER,
					   v[k], 0 });
}

static void test_rt_large(void **state)
{
	(void)state;
	static const int64_t v[] = { INT64_MIN, INT64_MIN + 1, -INT64_C(0x100000000), -1, 0, 1,
				     INT32_MAX, INT64_MAX };
	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
		rt_scalar((struct scalar){ SC_LARGE, CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER, 0,
					   v[k] });
}

/* ======================================================================
 * BINARY of every length 0..9 (padding 0..3 bytes)
 * ====================================================================== */
struct bin {
	uint32_t syntax;
	const uint8_t *data;
	size_t len;
};

static uint32_t produce_binary(clusprop_builder *b, void *ctx)
{
	const struct bin *x = ctx;
	clusprop_put_binary(b, x->syntax, x->data, x->len);
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

static void test_rt_binary(void **state)
{
	(void)state;
	static const uint8_t pattern[9] = { 0xFF, 0x01, 0x80, 0x7F, 0x00, 0xAA, 0x55, 0xFE, 0x10 };
	for (size_t n = 0; n <= 9; n++) {
		struct bin x = { CLUSPROP_SYNTAX_LIST_VALUE_BINARY, n ? pattern : NULL, n };
		if (n == 0)
			x.data = pattern; /* a valid pointer, zero bytes */
		struct pt_want w = { .syntax = x.syntax, .length = (uint32_t)n, .kind = PT_RAW,
				     .raw = pattern, .data_off = 8 };
		size_t want = 8 + PT_ALIGN4(n) + 4;
		rt_check(CLUSPROP_VALUE_LIST, produce_binary, &x, want, &w, 1);

		/* header, data, zero padding, endmark: byte by byte */
		size_t size;
		uint8_t *buf = rt_build(produce_binary, &x, &size);
		assert_int_equal(pt_get32(buf), CLUSPROP_SYNTAX_LIST_VALUE_BINARY);
		assert_int_equal(pt_get32(buf + 4), n);
		assert_memory_equal(buf + 8, pattern, n);
		for (size_t k = 8 + n; k < 8 + PT_ALIGN4(n); k++)
			if (buf[k] != 0)
				fail_msg("binary of %zu: padding byte %zu is 0x%02x", n, k, buf[k]);
		assert_int_equal(pt_get32(buf + size - 4), CLUSPROP_SYNTAX_ENDMARK);
		clusprop_free(buf);
	}
	/* other BINARY-format syntaxes carry raw bytes too */
	struct bin fs = { CLUSPROP_SYNTAX_FTSET_INFO, pattern, 6 };
	struct pt_want w = { .syntax = fs.syntax, .length = 6, .kind = PT_RAW, .raw = pattern,
			     .data_off = 8 };
	rt_check(CLUSPROP_VALUE_LIST, produce_binary, &fs, 8 + 8 + 4, &w, 1);
}

/* ======================================================================
 * SZ, EXPAND_SZ, EXPANDED_SZ (incl. the empty string)
 * ====================================================================== */
struct sz {
	uint32_t syntax;
	const char *s;
};

static uint32_t produce_sz(clusprop_builder *b, void *ctx)
{
	const struct sz *x = ctx;
	clusprop_put_sz(b, x->syntax, x->s);
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

static void rt_sz(uint32_t syntax, const char *s)
{
	struct sz x = { syntax, s };
	static uint8_t raw[32768];
	size_t n = ref_u8_to_u16(s, raw, sizeof(raw) - 2);
	raw[n] = raw[n + 1] = 0; /* NUL */
	struct pt_want w = { .syntax = syntax, .length = (uint32_t)(n + 2), .kind = PT_STR,
			     .str = s, .raw = raw, .data_off = 8 };
	rt_check(CLUSPROP_VALUE_LIST, produce_sz, &x, 8 + PT_ALIGN4(n + 2) + 4, &w, 1);
}

static void test_rt_sz(void **state)
{
	(void)state;
	static char long_s[1001];
	memset(long_s, 'z', 1000);
	long_s[1000] = '\0';
	static const char *const strs[] = {
		"", "a", "ab", "abc", "abcd", "abcde",
		"C:\\Cluster\\Data", "%SystemRoot%\\cluster",
		"\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "a\xf0\x9f\x98\x80",
		"\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
	};
	static const uint32_t syntaxes[] = { CLUSPROP_SYNTAX_LIST_VALUE_SZ,
					     CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ,
					     CLUSPROP_SYNTAX_LIST_VALUE_EXPANDED_SZ,
					     CLUSPROP_SYNTAX_DISK_SERIALNUMBER };
	for (size_t y = 0; y < sizeof(syntaxes) / sizeof(syntaxes[0]); y++) {
		for (size_t k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			rt_sz(syntaxes[y], strs[k]);
		rt_sz(syntaxes[y], long_s);
	}
	/* the empty string: 2 bytes (the NUL) + 2 of padding */
	size_t size;
	struct sz e = { CLUSPROP_SYNTAX_LIST_VALUE_SZ, "" };
	uint8_t *buf = rt_build(produce_sz, &e, &size);
	static const uint8_t want[16] = { 0x03, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
					  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	pt_expect_bytes("empty SZ", buf, size, want, sizeof(want));
	clusprop_free(buf);
}

/* ======================================================================
 * MULTI_SZ with 0, 1, 3 strings
 * ====================================================================== */
struct msz {
	const char *const *strs;
	size_t n;
};

static uint32_t produce_msz(clusprop_builder *b, void *ctx)
{
	const struct msz *x = ctx;
	clusprop_put_multi_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, x->strs, x->n);
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

static void rt_msz(const char *const *strs, size_t n)
{
	static uint8_t raw[8192];
	static char joined[8192];
	size_t rl = 0, jl = 0;
	for (size_t k = 0; k < n; k++) {
		rl += ref_u8_to_u16(strs[k], raw + rl, sizeof(raw) - rl - 4);
		raw[rl++] = 0;
		raw[rl++] = 0;
		size_t l = strlen(strs[k]);
		memcpy(joined + jl, strs[k], l + 1);
		jl += l + 1;
	}
	raw[rl++] = 0; /* final NUL */
	raw[rl++] = 0;
	struct msz x = { strs, n };
	struct pt_want w = { .syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
			     .length = (uint32_t)rl, .kind = PT_MULTI, .str = joined,
			     .str_len = jl, .str_count = (uint32_t)n, .raw = raw, .data_off = 8 };
	rt_check(CLUSPROP_VALUE_LIST, produce_msz, &x, 8 + PT_ALIGN4(rl) + 4, &w, 1);
}

static void test_rt_multi_sz(void **state)
{
	(void)state;
	static const char *const one[] = { "only" };
	static const char *const three[] = { "node-a", "b", "n\xc5\x93ud-\xf0\x9f\x98\x80" };
	static const char *const odd[] = { "ab" }; /* 2+1+1 units = 8 bytes, no padding */
	rt_msz(NULL, 0);
	rt_msz(one, 1);
	rt_msz(three, 3);
	rt_msz(odd, 1);

	/* an empty string inside would end the list early: refused */
	static const char *const with_empty[] = { "a", "", "c" };
	clusprop_builder b;
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_multi_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
					       with_empty, 3),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(clusprop_builder_status(&b), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);
}

/* ======================================================================
 * Storage entries
 * ====================================================================== */
struct storage {
	int what;
	uint32_t dw;
	uint64_t u64;
	const char *guid;
	CLUS_SCSI_ADDRESS addr;
};

static uint32_t produce_storage(clusprop_builder *b, void *ctx)
{
	const struct storage *x = ctx;
	switch (x->what) {
	case 0: clusprop_put_disk_signature(b, x->dw); break;
	case 1: clusprop_put_disk_guid(b, x->guid); break;
	case 2: clusprop_put_scsi_address(b, &x->addr); break;
	case 3: clusprop_put_disk_number(b, x->dw); break;
	case 4: clusprop_put_disk_size(b, x->u64); break;
	default: fail();
	}
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

static void test_rt_storage(void **state)
{
	(void)state;
	static const uint32_t dws[] = { 0, 1, 0xDEADBEEFu, UINT32_MAX };
	for (size_t k = 0; k < 4; k++) {
		struct storage x = { .what = 0, .dw = dws[k] };
		struct pt_want w = { .syntax = CLUSPROP_SYNTAX_DISK_SIGNATURE, .length = 4,
				     .kind = PT_NUM32, .u = dws[k], .data_off = 8 };
		rt_check(CLUSPROP_VALUE_LIST, produce_storage, &x, 16, &w, 1);
		x.what = 3;
		w.syntax = CLUSPROP_SYNTAX_DISK_NUMBER;
		rt_check(CLUSPROP_VALUE_LIST, produce_storage, &x, 16, &w, 1);
	}

	static const char *const guids[] = { "{00000000-0000-0000-0000-000000000000}",
					     "{0F5E6C2A-1B3D-4E5F-8A9B-0C1D2E3F4A5B}",
					     "0f5e6c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b" };
	for (size_t k = 0; k < 3; k++) {
		struct storage x = { .what = 1, .guid = guids[k] };
		size_t n = strlen(guids[k]) * 2 + 2;
		struct pt_want w = { .syntax = CLUSPROP_SYNTAX_DISK_GUID, .length = (uint32_t)n,
				     .kind = PT_STR, .str = guids[k], .data_off = 8 };
		rt_check(CLUSPROP_VALUE_LIST, produce_storage, &x, 8 + PT_ALIGN4(n) + 4, &w, 1);
	}

	static const uint8_t addrs[][4] = { { 0, 0, 0, 0 }, { 1, 2, 3, 4 }, { 255, 0, 255, 0 },
					    { 255, 255, 255, 255 } };
	for (size_t k = 0; k < 4; k++) {
		struct storage x = { .what = 2 };
		x.addr.PortNumber = addrs[k][0];
		x.addr.PathId = addrs[k][1];
		x.addr.TargetId = addrs[k][2];
		x.addr.Lun = addrs[k][3];
		struct pt_want w = { .syntax = CLUSPROP_SYNTAX_SCSI_ADDRESS, .length = 4,
				     .kind = PT_NUM32, .raw = addrs[k], .data_off = 8,
				     .u = pt_get32(addrs[k]) };
		rt_check(CLUSPROP_VALUE_LIST, produce_storage, &x, 16, &w, 1);
	}

	static const uint64_t sizes[] = { 0, 512, UINT64_C(10) << 30, UINT64_MAX };
	for (size_t k = 0; k < 4; k++) {
		struct storage x = { .what = 4, .u64 = sizes[k] };
		struct pt_want w = { .syntax = CLUSPROP_SYNTAX_DISK_SIZE, .length = 8,
				     .kind = PT_U64, .u = sizes[k], .data_off = 8 };
		rt_check(CLUSPROP_VALUE_LIST, produce_storage, &x, 20, &w, 1);
	}
}

/* ======================================================================
 * PARTITION_INFO, incl. maximal and one-too-long fields
 * ====================================================================== */
static void ref_partition(uint8_t img[1120], const clusprop_partition *p)
{
	memset(img, 0, 1120);
	pt_put32(img, p->flags);
	ref_u8_to_u16(p->device_name, img + 4, 520);
	if (p->volume_label)
		ref_u8_to_u16(p->volume_label, img + 524, 520);
	pt_put32(img + 1044, p->serial_number);
	pt_put32(img + 1048, p->max_component_length);
	pt_put32(img + 1052, p->file_system_flags);
	if (p->file_system)
		ref_u8_to_u16(p->file_system, img + 1056, 64);
}

static uint32_t produce_partition(clusprop_builder *b, void *ctx)
{
	clusprop_put_partition_info(b, ctx);
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

static void rt_partition(const clusprop_partition *p)
{
	static uint8_t img[1120];
	ref_partition(img, p);
	struct pt_want w = { .syntax = CLUSPROP_SYNTAX_PARTITION_INFO, .length = 1120,
			     .kind = PT_RAW, .raw = img, .data_off = 8 };
	rt_check(CLUSPROP_VALUE_LIST, produce_partition, (void *)p, 8 + 1120 + 4, &w, 1);
}

/* A partition field that is too long: ERROR_INVALID_PARAMETER, sticky, in
 * every mode, and clusprop_build passes it back. */
static void bad_partition(const clusprop_partition *p)
{
	clusprop_builder b;
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_partition_info(&b, p), ERROR_INVALID_PARAMETER);
	assert_int_equal(clusprop_builder_status(&b), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	clusprop_builder_init_measure(&b);
	assert_int_equal(clusprop_put_partition_info(&b, p), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	size_t got = 12345;
	uint8_t out[2048];
	memset(out, 0xA5, sizeof(out));
	assert_int_equal(clusprop_build(out, sizeof(out), &got, produce_partition, (void *)p),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(got, 12345); /* outputs untouched */
	assert_int_equal(clusprop_build(NULL, 0, &got, produce_partition, (void *)p),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(got, 12345);
}

static void test_rt_partition_info(void **state)
{
	(void)state;
	clusprop_partition p = {
		.flags = CLUSPROP_PIFLAG_STICKY | CLUSPROP_PIFLAG_REMOVABLE |
			 CLUSPROP_PIFLAG_USABLE | CLUSPROP_PIFLAG_DEFAULT_QUORUM,
		.device_name = "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4-part1",
		.volume_label = "Cluster Quorum",
		.serial_number = UINT32_MAX, .max_component_length = 255,
		.file_system_flags = 0x0000000F, .file_system = "ext4",
	};
	rt_partition(&p);

	/* NULL label and file system are "" */
	p.volume_label = NULL;
	p.file_system = NULL;
	p.flags = 0;
	p.serial_number = 0;
	rt_partition(&p);

	/* maximal fields: 259 / 259 / 31 code units (+ NUL fills the array) */
	static char dev[520], label[520], fs[64];
	memset(dev, 'd', 259); dev[259] = '\0';
	memset(label, 'L', 259); label[259] = '\0';
	memset(fs, 'f', 31); fs[31] = '\0';
	p.device_name = dev;
	p.volume_label = label;
	p.file_system = fs;
	rt_partition(&p);

	/* astral characters count two code units: 129 x U+1F600 + "x" = 259 */
	static char emoji_dev[1024], emoji_fs[128];
	size_t o = 0;
	for (int k = 0; k < 129; k++) {
		memcpy(emoji_dev + o, "\xf0\x9f\x98\x80", 4);
		o += 4;
	}
	emoji_dev[o++] = 'x';
	emoji_dev[o] = '\0';
	o = 0;
	for (int k = 0; k < 15; k++) { /* 15 x 2 + 1 = 31 */
		memcpy(emoji_fs + o, "\xf0\x9f\x98\x80", 4);
		o += 4;
	}
	emoji_fs[o++] = 'y';
	emoji_fs[o] = '\0';
	p.device_name = emoji_dev;
	p.file_system = emoji_fs;
	rt_partition(&p);

	/* one too long, each field in turn */
	static char dev260[521], label260[521], fs32[64], emoji260[1024], emoji_fs32[128];
	memset(dev260, 'd', 260); dev260[260] = '\0';
	memset(label260, 'L', 260); label260[260] = '\0';
	memset(fs32, 'f', 32); fs32[32] = '\0';
	o = 0;
	for (int k = 0; k < 130; k++) { /* 260 units */
		memcpy(emoji260 + o, "\xf0\x9f\x98\x80", 4);
		o += 4;
	}
	emoji260[o] = '\0';
	o = 0;
	for (int k = 0; k < 16; k++) { /* 32 units */
		memcpy(emoji_fs32 + o, "\xf0\x9f\x98\x80", 4);
		o += 4;
	}
	emoji_fs32[o] = '\0';

	clusprop_partition q = { .device_name = "sdb1", .volume_label = "v", .file_system = "ext4" };
	q.device_name = dev260;
	bad_partition(&q);
	q.device_name = emoji260;
	bad_partition(&q);
	q.device_name = "sdb1";
	q.volume_label = label260;
	bad_partition(&q);
	q.volume_label = emoji260;
	bad_partition(&q);
	q.volume_label = "v";
	q.file_system = fs32;
	bad_partition(&q);
	q.file_system = emoji_fs32;
	bad_partition(&q);
	/* no device name at all is a bad argument (only label and fs may be NULL) */
	q.file_system = "ext4";
	q.device_name = NULL;
	bad_partition(&q);
}

/* ======================================================================
 * Property lists with every add_* kind, and put_name + put_word
 * ====================================================================== */
static const uint8_t plist_bin[5] = { 9, 8, 7, 6, 5 };
static const char *const plist_msz[] = { "one", "tw\xc3\xb6" };

static uint32_t produce_all_props(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	uint32_t rc = clusprop_builder_begin_plist(b);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_dword(b, "Dword", 0xFFFFFFFFu);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_long(b, "Long", -123456);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_ularge(b, "ULarge", UINT64_MAX);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_large(b, "Large", INT64_MIN);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_binary(b, "Bin", plist_bin, 5);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_binary(b, "EmptyBin", plist_bin, 0);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_sz(b, "Sz", "value");
	if (rc == ERROR_SUCCESS) rc = clusprop_add_sz(b, "EmptySz", "");
	if (rc == ERROR_SUCCESS) rc = clusprop_add_expand_sz(b, "Path", "%TEMP%\\x");
	if (rc == ERROR_SUCCESS) rc = clusprop_add_multi_sz(b, "Multi", plist_msz, 2);
	if (rc == ERROR_SUCCESS) rc = clusprop_add_multi_sz(b, "NoStrings", NULL, 0);
	if (rc == ERROR_SUCCESS) rc = clusprop_put_name(b, "W\xc3\xb6rd");
	if (rc == ERROR_SUCCESS) rc = clusprop_put_word(b, CLUSPROP_SYNTAX_LIST_VALUE_WORD, 7);
	if (rc == ERROR_SUCCESS) rc = clusprop_put_endmark(b);
	return rc;
}

static size_t name_entry(const char *name)
{
	return 8 + PT_ALIGN4(u16_bytes(name) + 2);
}

static void test_rt_plist_all_kinds(void **state)
{
	(void)state;
	const struct pt_want w[] = {
		{ .name = "Dword", .prop = 0, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_DWORD, .length = 4,
		  .kind = PT_NUM32, .u = 0xFFFFFFFFu },
		{ .name = "Long", .prop = 1, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_LONG, .length = 4,
		  .kind = PT_LONG, .i = -123456 },
		{ .name = "ULarge", .prop = 2, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER,
		  .length = 8, .kind = PT_U64, .u = UINT64_MAX },
		{ .name = "Large", .prop = 3, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER,
		  .length = 8, .kind = PT_I64, .i = INT64_MIN },
		{ .name = "Bin", .prop = 4, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_BINARY, .length = 5,
		  .kind = PT_RAW, .raw = plist_bin },
		{ .name = "EmptyBin", .prop = 5, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_BINARY,
		  .length = 0, .kind = PT_RAW },
		{ .name = "Sz", .prop = 6, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ, .length = 12,
		  .kind = PT_STR, .str = "value" },
		{ .name = "EmptySz", .prop = 7, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_SZ, .length = 2,
		  .kind = PT_STR, .str = "" },
		{ .name = "Path", .prop = 8, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ,
		  .length = 18, .kind = PT_STR, .str = "%TEMP%\\x" },
		{ .name = "Multi", .prop = 9, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
		  .length = 18, .kind = PT_MULTI, .str = "one\0tw\xc3\xb6", .str_len = 9,
		  .str_count = 2 },
		{ .name = "NoStrings", .prop = 10, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
		  .length = 2, .kind = PT_MULTI, .str = "", .str_len = 0, .str_count = 0 },
		{ .name = "W\xc3\xb6rd", .prop = 11, .syntax = CLUSPROP_SYNTAX_LIST_VALUE_WORD,
		  .length = 2, .kind = PT_NUM32, .u = 7 },
	};
	size_t size = 4;
	for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++)
		size += name_entry(w[k].name) + 8 + PT_ALIGN4(w[k].length) + 4;
	rt_check(CLUSPROP_PROPERTY_LIST, produce_all_props, NULL, size, w, sizeof(w) / sizeof(w[0]));

	/* the count at the front is the number of names */
	size_t got;
	uint8_t *buf = rt_build(produce_all_props, NULL, &got);
	assert_int_equal(pt_get32(buf), 12);
	clusprop_free(buf);
}

/* A property list of many properties: the count and prop indexes keep up. */
static uint32_t produce_many(clusprop_builder *b, void *ctx)
{
	size_t n = *(const size_t *)ctx;
	char name[32];
	clusprop_builder_begin_plist(b);
	for (size_t k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "P%zu", k);
		clusprop_add_dword(b, name, (uint32_t)k * 3u);
	}
	return clusprop_builder_status(b);
}

static void test_rt_plist_many(void **state)
{
	(void)state;
	size_t n = 2000;
	size_t size;
	uint8_t *buf = rt_build(produce_many, &n, &size);
	assert_int_equal(pt_get32(buf), n);
	rt_validate(CLUSPROP_PROPERTY_LIST, buf, size);
	clusprop_iter it;
	clusprop_value v;
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL),
			 ERROR_SUCCESS);
	char name[32];
	for (size_t k = 0; k < n; k++) {
		assert_int_equal(clusprop_iter_next(&it, &v), ERROR_SUCCESS);
		snprintf(name, sizeof(name), "P%zu", k);
		assert_string_equal(v.name, name);
		assert_int_equal(v.property_index, k);
		assert_int_equal(v.num.dw, k * 3);
	}
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_NO_MORE_ITEMS);
	clusprop_iter_done(&it);
	clusprop_free(buf);
}

/* ======================================================================
 * The MSCS buffer contract: clusprop_build and clusprop_builder_copy_out
 * ====================================================================== */
static uint32_t produce_contract(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "RestartAction", 2);
	clusprop_add_sz(b, "Description", "Disk Q:");
	clusprop_add_binary(b, "Blob", "\x01\x02\x03", 3);
	return clusprop_builder_status(b);
}

static void check_untouched(const uint8_t *p, size_t n, const char *what)
{
	for (size_t k = 0; k < n; k++)
		if (p[k] != 0xA5)
			fail_msg("%s: byte %zu written (0x%02x)", what, k, p[k]);
}

static void test_build_contract(void **state)
{
	(void)state;
	size_t exact;
	uint8_t *ref = rt_build(produce_contract, NULL, &exact);
	assert_true(exact > 8);

	/* out NULL: ERROR_MORE_DATA and the exact size */
	size_t got = 0;
	assert_int_equal(clusprop_build(NULL, 0, &got, produce_contract, NULL), ERROR_MORE_DATA);
	assert_int_equal(got, exact);
	got = 0;
	assert_int_equal(clusprop_build(NULL, 4096, &got, produce_contract, NULL),
			 ERROR_MORE_DATA);
	assert_int_equal(got, exact);

	/* every size short of exact: ERROR_MORE_DATA, exact size, buffer untouched */
	for (size_t short_size = 0; short_size < exact; short_size++) {
		uint8_t *out = malloc(short_size ? short_size : 1);
		assert_non_null(out);
		memset(out, 0xA5, short_size ? short_size : 1);
		got = 0;
		assert_int_equal(clusprop_build(out, short_size, &got, produce_contract, NULL),
				 ERROR_MORE_DATA);
		assert_int_equal(got, exact);
		check_untouched(out, short_size, "clusprop_build short buffer");
		free(out);
	}

	/* exact size */
	uint8_t *out = malloc(exact);
	assert_non_null(out);
	memset(out, 0xA5, exact);
	got = 0;
	assert_int_equal(clusprop_build(out, exact, &got, produce_contract, NULL), ERROR_SUCCESS);
	assert_int_equal(got, exact);
	pt_expect_bytes("clusprop_build exact", out, got, ref, exact);
	free(out);

	/* bigger: success, bytes_returned = exact, nothing written past it */
	out = malloc(exact + 64);
	assert_non_null(out);
	memset(out, 0xA5, exact + 64);
	got = 0;
	assert_int_equal(clusprop_build(out, exact + 64, &got, produce_contract, NULL),
			 ERROR_SUCCESS);
	assert_int_equal(got, exact);
	pt_expect_bytes("clusprop_build bigger", out, got, ref, exact);
	check_untouched(out + exact, 64, "clusprop_build past the list");
	free(out);
	clusprop_free(ref);
}

static uint32_t produce_fails(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	return ERROR_RESOURCE_NOT_ONLINE;
}

/* produce() ignores an append's error and says success: the sticky error wins. */
static uint32_t produce_ignores_error(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	(void)clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "bad \xc0\x80 utf-8");
	clusprop_put_endmark(b);
	return ERROR_SUCCESS;
}

static void test_build_errors(void **state)
{
	(void)state;
	uint8_t out[256];
	size_t got = 777;

	memset(out, 0xA5, sizeof(out));
	assert_int_equal(clusprop_build(out, sizeof(out), &got, produce_fails, NULL),
			 ERROR_RESOURCE_NOT_ONLINE);
	assert_int_equal(got, 777);
	assert_int_equal(clusprop_build(NULL, 0, &got, produce_fails, NULL),
			 ERROR_RESOURCE_NOT_ONLINE);
	assert_int_equal(got, 777);

	assert_int_equal(clusprop_build(out, sizeof(out), &got, produce_ignores_error, NULL),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(got, 777);
	assert_int_equal(clusprop_build(NULL, 0, &got, produce_ignores_error, NULL),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(got, 777);
}

/* produce() that breaks its promise to append the same entries both times:
 * clusprop_build must not report success, must leave *ret_bytes alone, and
 * must never write past out_size (ASan checks the exact-size buffers). */
struct flaky {
	int calls;
	int mode; /* 0: error on the 2nd call, 1: more on the 2nd call, 2: less */
};

static uint32_t produce_flaky(clusprop_builder *b, void *ctx)
{
	struct flaky *f = ctx;
	int second = ++f->calls == 2;
	clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	if (second && f->mode == 0)
		return ERROR_RESOURCE_NOT_ONLINE;
	if (second && f->mode == 1)
		clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "one more entry");
	if (!(second && f->mode == 2))
		clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "x");
	clusprop_put_endmark(b);
	return clusprop_builder_status(b);
}

static void test_build_inconsistent_produce(void **state)
{
	(void)state;
	for (int mode = 0; mode < 3; mode++) {
		for (size_t slack = 0; slack <= 64; slack += 64) {
			struct flaky f = { 0, mode };
			size_t need = 0;
			assert_int_equal(clusprop_build(NULL, 0, &need, produce_flaky, &f),
					 ERROR_MORE_DATA);
			assert_int_equal(need, 12 + 12 + 4);
			f.calls = 0;
			uint8_t *out = malloc(need + slack);
			assert_non_null(out);
			size_t got = 4242;
			uint32_t rc = clusprop_build(out, need + slack, &got, produce_flaky, &f);
			if (rc == ERROR_SUCCESS || rc == ERROR_MORE_DATA)
				fail_msg("inconsistent produce (mode %d, slack %zu): %u", mode, slack, rc);
			if (mode == 0)
				assert_int_equal(rc, ERROR_RESOURCE_NOT_ONLINE);
			assert_int_equal(got, 4242);
			assert_int_equal(f.calls, 2);
			free(out);
		}
	}
}

static void test_copy_out_contract(void **state)
{
	(void)state;
	clusprop_builder b;
	clusprop_builder_init_owned(&b);
	assert_int_equal(produce_contract(&b, NULL), ERROR_SUCCESS);
	size_t exact = clusprop_builder_size(&b);
	uint8_t *ref = pt_heap_copy(clusprop_builder_data(&b), exact);

	size_t got = 0;
	assert_int_equal(clusprop_builder_copy_out(&b, NULL, 0, &got), ERROR_MORE_DATA);
	assert_int_equal(got, exact);
	assert_int_equal(clusprop_builder_copy_out(&b, NULL, 0, NULL), ERROR_MORE_DATA);

	uint8_t *out = malloc(exact + 64);
	assert_non_null(out);
	for (size_t s = 0; s < exact; s++) {
		memset(out, 0xA5, exact + 64);
		got = 0;
		assert_int_equal(clusprop_builder_copy_out(&b, out, s, &got), ERROR_MORE_DATA);
		assert_int_equal(got, exact);
		check_untouched(out, exact + 64, "copy_out short buffer");
	}
	memset(out, 0xA5, exact + 64);
	got = 0;
	assert_int_equal(clusprop_builder_copy_out(&b, out, exact, &got), ERROR_SUCCESS);
	assert_int_equal(got, exact);
	pt_expect_bytes("copy_out exact", out, exact, ref, exact);
	check_untouched(out + exact, 64, "copy_out past the list");

	memset(out, 0xA5, exact + 64);
	got = 0;
	assert_int_equal(clusprop_builder_copy_out(&b, out, exact + 64, &got), ERROR_SUCCESS);
	assert_int_equal(got, exact);
	pt_expect_bytes("copy_out bigger", out, exact, ref, exact);
	check_untouched(out + exact, 64, "copy_out past the list");

	memset(out, 0xA5, exact + 64);
	assert_int_equal(clusprop_builder_copy_out(&b, out, exact, NULL), ERROR_SUCCESS);
	pt_expect_bytes("copy_out, ret_bytes NULL", out, exact, ref, exact);

	/* the builder is unchanged */
	assert_int_equal(clusprop_builder_size(&b), exact);
	pt_expect_bytes("builder after copy_out", clusprop_builder_data(&b), exact, ref, exact);
	clusprop_builder_free(&b);

	/* FIXED builders can copy out too */
	uint8_t *fixed = malloc(exact);
	assert_non_null(fixed);
	clusprop_builder_init_fixed(&b, fixed, exact);
	assert_int_equal(produce_contract(&b, NULL), ERROR_SUCCESS);
	memset(out, 0xA5, exact + 64);
	got = 0;
	assert_int_equal(clusprop_builder_copy_out(&b, out, exact + 64, &got), ERROR_SUCCESS);
	assert_int_equal(got, exact);
	pt_expect_bytes("copy_out from fixed", out, exact, ref, exact);
	clusprop_builder_free(&b);
	free(fixed);

	/* a builder in error: the error, nothing written, ret untouched */
	clusprop_builder_init_owned(&b);
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "\xff");
	memset(out, 0xA5, exact + 64);
	got = 4242;
	assert_int_equal(clusprop_builder_copy_out(&b, out, exact + 64, &got),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(got, 4242);
	check_untouched(out, exact + 64, "copy_out from a failed builder");
	assert_int_equal(clusprop_builder_copy_out(&b, NULL, 0, &got),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(got, 4242);
	clusprop_builder_free(&b);

	free(out);
	free(ref);
}

/* ======================================================================
 * Builder state: sticky errors, take, free, modes
 * ====================================================================== */
static void test_builder_sticky(void **state)
{
	(void)state;
	clusprop_builder b;
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), 0);
	assert_int_equal(clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 5), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_size(&b), 12);

	/* the first error */
	assert_int_equal(clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "x\xe2\x82"),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_status(&b), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_size(&b), 12);
	uint8_t first12[12];
	memcpy(first12, clusprop_builder_data(&b), 12);

	/* every later append is a no-op reporting the first error */
	assert_int_equal(clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 6),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "fine"),
			 ERROR_NO_UNICODE_TRANSLATION);
	const clusprop_partition toolong = { .device_name = "0123456789012345678901234567890123"
							    "456789",
					     .file_system = "0123456789012345678901234567890123" };
	assert_int_equal(clusprop_put_partition_info(&b, &toolong), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_put_endmark(&b), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_status(&b), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_size(&b), 12);
	assert_memory_equal(clusprop_builder_data(&b), first12, 12);

	/* take refuses, leaves outputs alone, and the builder still owns its buffer */
	void *taken = (void *)&b;
	size_t taken_size = 99;
	assert_int_equal(clusprop_builder_take(&b, &taken, &taken_size),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_ptr_equal(taken, (void *)&b);
	assert_int_equal(taken_size, 99);
	assert_non_null(clusprop_builder_data(&b));
	clusprop_builder_free(&b);
	clusprop_builder_free(&b); /* any number of times */

	/* a property-list builder: add_* after an error changes nothing either */
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_dword(&b, "A", 1);
	size_t before = clusprop_builder_size(&b);
	assert_int_equal(clusprop_add_sz(&b, "B\x80", "x"), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_add_dword(&b, "C", 3), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_size(&b), before);
	assert_int_equal(pt_get32(clusprop_builder_data(&b)), 1); /* count not bumped */
	clusprop_builder_free(&b);

	/* sticky in MEASURE mode too */
	clusprop_builder_init_measure(&b);
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 5);
	assert_int_equal(clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "\xed\xa0\x80"),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_put_endmark(&b), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_status(&b), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_size(&b), 12);
	clusprop_builder_free(&b);
}

static void test_builder_bad_arguments(void **state)
{
	(void)state;
	clusprop_builder b;

	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(clusprop_builder_status(&b), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_binary(&b, CLUSPROP_SYNTAX_LIST_VALUE_BINARY, NULL, 3),
			 ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	assert_int_equal(clusprop_add_dword(&b, NULL, 1), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_scsi_address(&b, NULL), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_partition_info(&b, NULL), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_disk_guid(&b, NULL), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	static const char *const with_null[] = { "a", NULL };
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_multi_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
					       with_null, 2),
			 ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_put_multi_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, NULL, 2),
			 ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);

	/* begin_plist must be the first append */
	clusprop_builder_init_owned(&b);
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	assert_int_equal(clusprop_builder_begin_plist(&b), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_builder_begin_plist(&b), ERROR_SUCCESS);
	assert_int_equal(clusprop_builder_begin_plist(&b), ERROR_INVALID_PARAMETER);
	clusprop_builder_free(&b);
}

static void test_builder_take_and_modes(void **state)
{
	(void)state;
	clusprop_builder b;
	void *buf = (void *)&b;
	size_t size = 77;

	/* a fresh owned builder: nothing ever allocated -> NULL, 0 */
	clusprop_builder_init_owned(&b);
	assert_int_equal(clusprop_builder_take(&b, &buf, &size), ERROR_SUCCESS);
	assert_null(buf);
	assert_int_equal(size, 0);
	clusprop_builder_free(&b);

	/* take moves the buffer; the builder is left empty */
	clusprop_builder_init_owned(&b);
	clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 0x01020304u);
	clusprop_put_endmark(&b);
	const void *data = clusprop_builder_data(&b);
	assert_int_equal(clusprop_builder_take(&b, &buf, &size), ERROR_SUCCESS);
	assert_ptr_equal(buf, data);
	assert_int_equal(size, 16);
	assert_int_equal(clusprop_builder_size(&b), 0);
	static const uint8_t want[16] = { 0x02, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00,
					  0x04, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00 };
	pt_expect_bytes("taken", buf, size, want, 16);
	clusprop_builder_free(&b); /* must not free what was taken */
	clusprop_free(buf);
	clusprop_free(NULL);

	/* take from a MEASURE or FIXED builder: refused, outputs untouched */
	clusprop_builder_init_measure(&b);
	clusprop_put_endmark(&b);
	buf = (void *)&b;
	size = 77;
	assert_int_not_equal(clusprop_builder_take(&b, &buf, &size), ERROR_SUCCESS);
	assert_ptr_equal(buf, (void *)&b);
	assert_int_equal(size, 77);
	assert_null(clusprop_builder_data(&b));
	assert_int_equal(clusprop_builder_size(&b), 4);
	clusprop_builder_free(&b);

	uint8_t fixed_buf[16];
	clusprop_builder_init_fixed(&b, fixed_buf, sizeof(fixed_buf));
	clusprop_put_endmark(&b);
	assert_int_not_equal(clusprop_builder_take(&b, &buf, &size), ERROR_SUCCESS);
	assert_ptr_equal(buf, (void *)&b);
	assert_int_equal(size, 77);
	clusprop_builder_free(&b);

	/* a FIXED builder over too small a buffer fails and writes nothing past it */
	for (size_t cap = 0; cap < 16; cap++) {
		uint8_t *small = malloc(cap ? cap : 1);
		assert_non_null(small);
		clusprop_builder_init_fixed(&b, small, cap);
		clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 9);
		clusprop_put_endmark(&b);
		assert_int_not_equal(clusprop_builder_status(&b), ERROR_SUCCESS);
		clusprop_builder_free(&b);
		free(small);
	}

	/* MEASURE counts exactly what OWNED writes, over a large mixed list */
	clusprop_builder m, o;
	clusprop_builder_init_measure(&m);
	clusprop_builder_init_owned(&o);
	for (int k = 0; k < 500; k++) {
		clusprop_builder *bs[2] = { &m, &o };
		for (int j = 0; j < 2; j++) {
			clusprop_put_binary(bs[j], CLUSPROP_SYNTAX_LIST_VALUE_BINARY, "abcdefgh",
					    (size_t)(k % 9));
			clusprop_put_sz(bs[j], CLUSPROP_SYNTAX_LIST_VALUE_SZ,
					(k & 1) ? "\xf0\x9f\x98\x80 odd" : "even");
		}
		assert_int_equal(clusprop_builder_size(&m), clusprop_builder_size(&o));
	}
	clusprop_put_endmark(&m);
	clusprop_put_endmark(&o);
	assert_int_equal(clusprop_builder_size(&m), clusprop_builder_size(&o));
	assert_int_equal(clusprop_builder_status(&o), ERROR_SUCCESS);
	rt_validate(CLUSPROP_VALUE_LIST, clusprop_builder_data(&o), clusprop_builder_size(&o));
	clusprop_builder_free(&m);
	clusprop_builder_free(&o);
}

/* ======================================================================
 * UTF-8 <-> UTF-16LE round trips
 * ====================================================================== */

/* Convert the code points [cps, cps+n) both ways and compare with the
 * reference encodings. */
static void utf_roundtrip(const uint32_t *cps, size_t n)
{
	size_t cap8 = n * 4 + 1, cap16 = n * 4 + 2;
	uint8_t *u8 = malloc(cap8), *u16 = malloc(cap16);
	assert_non_null(u8);
	assert_non_null(u16);
	size_t l8 = 0, l16 = 0;
	for (size_t k = 0; k < n; k++) {
		l8 += ref_utf8(cps[k], u8 + l8);
		l16 += ref_utf16(cps[k], u16 + l16);
	}

	/* UTF-8 -> UTF-16LE: size first, then an exact buffer */
	size_t ret = 0;
	assert_int_equal(clusprop_utf8_to_utf16le((const char *)u8, l8, NULL, 0, &ret),
			 ERROR_MORE_DATA);
	assert_int_equal(ret, l16);
	uint8_t *got16 = malloc(l16 ? l16 : 1);
	assert_non_null(got16);
	ret = 0;
	assert_int_equal(clusprop_utf8_to_utf16le((const char *)u8, l8, got16, l16, &ret),
			 ERROR_SUCCESS);
	assert_int_equal(ret, l16);
	pt_expect_bytes("utf8 -> utf16le", got16, l16, u16, l16);

	/* and back */
	ret = 0;
	assert_int_equal(clusprop_utf16le_to_utf8(got16, l16, NULL, 0, &ret), ERROR_MORE_DATA);
	assert_int_equal(ret, l8);
	char *got8 = malloc(l8 ? l8 : 1);
	assert_non_null(got8);
	ret = 0;
	assert_int_equal(clusprop_utf16le_to_utf8(got16, l16, got8, l8, &ret), ERROR_SUCCESS);
	assert_int_equal(ret, l8);
	pt_expect_bytes("utf16le -> utf8", got8, l8, u8, l8);

	free(got8);
	free(got16);
	free(u8);
	free(u16);
}

static void test_utf_bmp(void **state)
{
	(void)state;
	/* every code point U+0000..U+FFFF except the surrogates, 2048 at a time */
	static uint32_t cps[2048];
	size_t n = 0, total = 0;
	for (uint32_t cp = 0; cp <= 0xFFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		cps[n++] = cp;
		if (n == 2048 || cp == 0xFFFF) {
			utf_roundtrip(cps, n);
			total += n;
			n = 0;
		}
	}
	assert_int_equal(total, 0x10000 - 0x800);
	/* each one alone, too (boundaries of the 1/2/3-byte forms) */
	static const uint32_t edges[] = { 0, 1, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD,
					  0xFFFE, 0xFFFF };
	for (size_t k = 0; k < sizeof(edges) / sizeof(edges[0]); k++)
		utf_roundtrip(&edges[k], 1);
}

static void test_utf_astral(void **state)
{
	(void)state;
	static uint32_t cps[4096];
	size_t n = 0;
	for (uint32_t cp = 0x10000; cp <= 0x10FFFF; cp += 257) {
		cps[n++] = cp;
		if (n == 4096) {
			utf_roundtrip(cps, n);
			n = 0;
		}
	}
	if (n)
		utf_roundtrip(cps, n);
	static const uint32_t edges[] = { 0x10000, 0x10001, 0x103FF, 0x10400, 0x1F600, 0x1D11E,
					  0xFFFFF, 0x100000, 0x10FFFE, 0x10FFFF };
	for (size_t k = 0; k < sizeof(edges) / sizeof(edges[0]); k++)
		utf_roundtrip(&edges[k], 1);
	utf_roundtrip(edges, sizeof(edges) / sizeof(edges[0]));
	/* mixed with BMP text */
	static const uint32_t mixed[] = { 'a', 0x1F600, 0xE9, 0x10FFFF, 0x4E2D, 0, 0x10000, 'z' };
	utf_roundtrip(mixed, sizeof(mixed) / sizeof(mixed[0]));
}

/* The same code points through the builder and the iterator (SZ values:
 * U+0000 cannot be inside an SZ, so it is left out). */
static void test_utf_through_lists(void **state)
{
	(void)state;
	static char chunk[4096 * 4 + 1];
	for (uint32_t start = 1; start <= 0x10FFFF; start += (start < 0x10000 ? 1024 : 65521)) {
		size_t l = 0;
		uint32_t cp = start;
		for (int k = 0; k < 1024 && cp <= 0x10FFFF; k++, cp++) {
			if (cp >= 0xD800 && cp <= 0xDFFF)
				continue;
			l += ref_utf8(cp, (uint8_t *)chunk + l);
		}
		chunk[l] = '\0';
		rt_sz(CLUSPROP_SYNTAX_LIST_VALUE_SZ, chunk);
	}
}

static void test_utf_ret_bytes_contract(void **state)
{
	(void)state;
	const char *in = "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"; /* 1 + 1 + 1 + 2 units */
	size_t in_len = strlen(in);
	static const uint8_t want16[10] = { 0x61, 0x00, 0xe9, 0x00, 0x2d, 0x4e,
					    0x3d, 0xd8, 0x00, 0xde };
	uint8_t out[64];
	size_t ret;

	/* every buffer size short of 10: ERROR_MORE_DATA, ret = 10, untouched */
	for (size_t s = 0; s < 10; s++) {
		memset(out, 0xA5, sizeof(out));
		ret = 0;
		assert_int_equal(clusprop_utf8_to_utf16le(in, in_len, out, s, &ret), ERROR_MORE_DATA);
		assert_int_equal(ret, 10);
		check_untouched(out, sizeof(out), "utf8_to_utf16le short");
	}
	memset(out, 0xA5, sizeof(out));
	ret = 0;
	assert_int_equal(clusprop_utf8_to_utf16le(in, in_len, out, 10, &ret), ERROR_SUCCESS);
	assert_int_equal(ret, 10);
	pt_expect_bytes("utf16 exact", out, 10, want16, 10);
	check_untouched(out + 10, sizeof(out) - 10, "utf8_to_utf16le past the end");
	memset(out, 0xA5, sizeof(out));
	ret = 0;
	assert_int_equal(clusprop_utf8_to_utf16le(in, in_len, out, sizeof(out), &ret),
			 ERROR_SUCCESS);
	assert_int_equal(ret, 10);
	check_untouched(out + 10, sizeof(out) - 10, "utf8_to_utf16le past the end");

	/* the other way: 10 bytes of UTF-8 */
	for (size_t s = 0; s < in_len; s++) {
		memset(out, 0xA5, sizeof(out));
		ret = 0;
		assert_int_equal(clusprop_utf16le_to_utf8(want16, 10, (char *)out, s, &ret),
				 ERROR_MORE_DATA);
		assert_int_equal(ret, in_len);
		check_untouched(out, sizeof(out), "utf16le_to_utf8 short");
	}
	memset(out, 0xA5, sizeof(out));
	ret = 0;
	assert_int_equal(clusprop_utf16le_to_utf8(want16, 10, (char *)out, sizeof(out), &ret),
			 ERROR_SUCCESS);
	assert_int_equal(ret, in_len);
	assert_memory_equal(out, in, in_len);
	check_untouched(out + in_len, sizeof(out) - in_len, "utf16le_to_utf8 past the end");

	/* empty input: zero bytes, success with a buffer */
	ret = 99;
	assert_int_equal(clusprop_utf8_to_utf16le("", 0, out, sizeof(out), &ret), ERROR_SUCCESS);
	assert_int_equal(ret, 0);
	ret = 99;
	assert_int_equal(clusprop_utf16le_to_utf8(want16, 0, (char *)out, sizeof(out), &ret),
			 ERROR_SUCCESS);
	assert_int_equal(ret, 0);

	/* errors leave ret_bytes and the buffer alone */
	memset(out, 0xA5, sizeof(out));
	ret = 4242;
	assert_int_equal(clusprop_utf8_to_utf16le("ab\xc0\x80", 4, out, sizeof(out), &ret),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(ret, 4242);
	check_untouched(out, sizeof(out), "utf8_to_utf16le error");
	assert_int_equal(clusprop_utf8_to_utf16le("ab\xc0\x80", 4, NULL, 0, &ret),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(ret, 4242);
	static const uint8_t lone[4] = { 0x61, 0x00, 0x3d, 0xd8 };
	assert_int_equal(clusprop_utf16le_to_utf8(lone, 4, (char *)out, sizeof(out), &ret),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(ret, 4242);
	check_untouched(out, sizeof(out), "utf16le_to_utf8 error");
	assert_int_equal(clusprop_utf16le_to_utf8(lone, 3, (char *)out, sizeof(out), &ret),
			 ERROR_INVALID_DATA);
	assert_int_equal(ret, 4242);
}

/* ======================================================================
 * Allocation failure: the owned builder and the iterator
 * ====================================================================== */
static uint32_t produce_alloc(clusprop_builder *b, void *ctx)
{
	(void)ctx;
	static const char *const owners[] = { "node1", "node2", "\xf0\x9f\x98\x80" };
	static char big[3000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	clusprop_builder_begin_plist(b);
	clusprop_add_dword(b, "RestartAction", 2);
	clusprop_add_sz(b, "Description", big);
	clusprop_add_multi_sz(b, "PossibleOwners", owners, 3);
	clusprop_add_sz(b, "N\xc3\xa4me", "\xe4\xb8\xad\xe6\x96\x87");
	return clusprop_builder_status(b);
}

static void test_alloc_failure_builder(void **state)
{
	(void)state;
	size_t ref_size;
	uint8_t *ref = rt_build(produce_alloc, NULL, &ref_size);
	int64_t live0 = cs_alloc_live();
	int delivered = 0, ended = 0;

	for (uint64_t n = 1; n < 1000; n++) {
		clusprop_builder b;
		clusprop_builder_init_owned(&b);
		cs_alloc_fail_at(n);
		uint32_t rc = produce_alloc(&b, NULL);
		int failed = cs_alloc_failed();
		cs_alloc_reset();
		if (!failed) {
			assert_int_equal(rc, ERROR_SUCCESS);
			pt_expect_bytes("owned builder", clusprop_builder_data(&b),
					clusprop_builder_size(&b), ref, ref_size);
			clusprop_builder_free(&b);
			ended = 1;
			break;
		}
		delivered++;
		assert_int_equal(rc, ERROR_NOT_ENOUGH_MEMORY);
		assert_int_equal(clusprop_builder_status(&b), ERROR_NOT_ENOUGH_MEMORY);
		void *t = NULL;
		size_t ts = 0;
		assert_int_equal(clusprop_builder_take(&b, &t, &ts), ERROR_NOT_ENOUGH_MEMORY);
		assert_null(t);
		clusprop_builder_free(&b);
		assert_int_equal(cs_alloc_live(), live0);
	}
	assert_true(delivered > 0); /* the owned builder does allocate */
	assert_true(ended);         /* and a clean run came before the cap */
	assert_int_equal(cs_alloc_live(), live0);

	/* clusprop_build never allocates */
	uint8_t *out = malloc(ref_size);
	assert_non_null(out);
	size_t got = 0;
	cs_alloc_fail_at(1);
	assert_int_equal(clusprop_build(out, ref_size, &got, produce_alloc, NULL), ERROR_SUCCESS);
	assert_false(cs_alloc_failed());
	cs_alloc_reset();
	assert_int_equal(got, ref_size);
	pt_expect_bytes("clusprop_build", out, got, ref, ref_size);
	free(out);

	/* neither does validation */
	cs_alloc_fail_at(1);
	assert_int_equal(clusprop_validate_property_list(ref, ref_size, NULL), ERROR_SUCCESS);
	assert_false(cs_alloc_failed());
	cs_alloc_reset();
	clusprop_free(ref);
}

static void test_alloc_failure_iterator(void **state)
{
	(void)state;
	size_t size;
	uint8_t *list = rt_build(produce_alloc, NULL, &size);
	int64_t live0 = cs_alloc_live();
	int delivered = 0, ended = 0;

	for (uint64_t n = 1; n < 1000; n++) {
		clusprop_iter it;
		clusprop_value v;
		cs_alloc_fail_at(n);
		uint32_t rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, list, size, NULL);
		if (rc == ERROR_NOT_ENOUGH_MEMORY) {
			/* allowed by the error list; the iterator holds nothing then */
			assert_true(cs_alloc_failed());
			cs_alloc_reset();
			delivered++;
			continue;
		}
		assert_int_equal(rc, ERROR_SUCCESS);
		uint32_t count = 0;
		int retried = 0;
		for (;;) {
			rc = clusprop_iter_next(&it, &v);
			if (rc == ERROR_NOT_ENOUGH_MEMORY) {
				/* the same value can be asked for again */
				assert_true(cs_alloc_failed());
				assert_int_equal(retried, 0);
				retried = 1;
				continue;
			}
			if (rc == ERROR_NO_MORE_ITEMS)
				break;
			assert_int_equal(rc, ERROR_SUCCESS);
			switch (count) {
			case 0:
				assert_string_equal(v.name, "RestartAction");
				assert_int_equal(v.num.dw, 2);
				break;
			case 1:
				assert_string_equal(v.name, "Description");
				assert_int_equal(v.str_len, 2999);
				break;
			case 2:
				assert_string_equal(v.name, "PossibleOwners");
				assert_int_equal(v.str_count, 3);
				assert_string_equal(clusprop_value_multi_sz_at(&v, 2),
						    "\xf0\x9f\x98\x80");
				break;
			case 3:
				assert_string_equal(v.name, "N\xc3\xa4me");
				assert_string_equal(v.str, "\xe4\xb8\xad\xe6\x96\x87");
				break;
			default:
				fail();
			}
			count++;
		}
		assert_int_equal(count, 4);
		int failed = cs_alloc_failed();
		cs_alloc_reset();
		clusprop_iter_done(&it);
		assert_int_equal(cs_alloc_live(), live0);
		if (!failed) {
			ended = 1;
			break;
		}
		delivered++;
	}
	/* the iterator does allocate (UTF-8 conversions), every point was tried */
	assert_true(delivered > 0);
	assert_true(ended);
	cs_alloc_reset();
	clusprop_free(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rt_dword),
		cmocka_unit_test(test_rt_long),
		cmocka_unit_test(test_rt_word),
		cmocka_unit_test(test_rt_ularge),
		cmocka_unit_test(test_rt_large),
		cmocka_unit_test(test_rt_binary),
		cmocka_unit_test(test_rt_sz),
		cmocka_unit_test(test_rt_multi_sz),
		cmocka_unit_test(test_rt_storage),
		cmocka_unit_test(test_rt_partition_info),
		cmocka_unit_test(test_rt_plist_all_kinds),
		cmocka_unit_test(test_rt_plist_many),
		cmocka_unit_test(test_build_contract),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_inconsistent_produce),
		cmocka_unit_test(test_copy_out_contract),
		cmocka_unit_test(test_builder_sticky),
		cmocka_unit_test(test_builder_bad_arguments),
		cmocka_unit_test(test_builder_take_and_modes),
		cmocka_unit_test(test_utf_bmp),
		cmocka_unit_test(test_utf_astral),
		cmocka_unit_test(test_utf_through_lists),
		cmocka_unit_test(test_utf_ret_bytes_contract),
		cmocka_unit_test(test_alloc_failure_builder),
		cmocka_unit_test(test_alloc_failure_iterator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
