/*
 * test_proplist_bad.c - malformed value lists and property lists, and bad
 * text given to the builder and the UTF converters.
 *
 * Each case asserts the error code and the clusprop_diag fault, and the
 * offset where it means something.  clusprop_diag.offset is "the byte offset
 * of the offending entry or field" (proplist.h): for a fault inside one
 * entry, the offset of that entry's syntax, length or data field is
 * accepted; for list-level faults the offset is exact (0 for the count,
 * the end of the list for trailing data, the end of the buffer for a
 * missing ENDMARK).
 *
 * Every bad input is copied into a heap buffer of exactly its size before it
 * is validated, so that ASan (the sanitizer build) reports any read past it.
 * clusprop_iter_init() must reject the same inputs the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <clusapi/proplist.h>

#include "proplist_test_util.h"

/* ======================================================================
 * A tiny writer for hand-made lists (test-side; not the project's encoder)
 * ====================================================================== */
struct w {
	uint8_t b[8192];
	size_t n;
};

static void w32(struct w *w, uint32_t v)
{
	assert_true(w->n + 4 <= sizeof(w->b));
	pt_put32(w->b + w->n, v);
	w->n += 4;
}

static void w16(struct w *w, uint16_t v)
{
	assert_true(w->n + 2 <= sizeof(w->b));
	pt_put16(w->b + w->n, v);
	w->n += 2;
}

static void wbytes(struct w *w, const void *p, size_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void wpad(struct w *w)
{
	while (w->n % 4)
		w->b[w->n++] = 0;
}

/* An entry: syntax, length, data, zero padding.  Returns its offset. */
static size_t wentry(struct w *w, uint32_t syntax, const void *data, uint32_t len)
{
	size_t at = w->n;
	w32(w, syntax);
	w32(w, len);
	wbytes(w, data, len);
	wpad(w);
	return at;
}

/* An entry whose data is the given UTF-16 code units, as given (no NUL added). */
static size_t wunits(struct w *w, uint32_t syntax, const uint16_t *u, size_t n)
{
	size_t at = w->n;
	w32(w, syntax);
	w32(w, (uint32_t)(2 * n));
	for (size_t i = 0; i < n; i++)
		w16(w, u[i]);
	wpad(w);
	return at;
}

/* An SZ-format entry for an ASCII string, with its NUL. */
static size_t wascii(struct w *w, uint32_t syntax, const char *s)
{
	size_t at = w->n, n = strlen(s);
	w32(w, syntax);
	w32(w, (uint32_t)(2 * (n + 1)));
	for (size_t i = 0; i <= n; i++)
		w16(w, (uint16_t)(unsigned char)s[i]);
	wpad(w);
	return at;
}

static size_t wdword(struct w *w, uint32_t syntax, uint32_t v)
{
	uint8_t d[4];
	pt_put32(d, v);
	return wentry(w, syntax, d, 4);
}

static size_t wendmark(struct w *w)
{
	size_t at = w->n;
	w32(w, CLUSPROP_SYNTAX_ENDMARK);
	return at;
}

/* ======================================================================
 * Checking one bad input
 * ====================================================================== */
#define OFF_ANY SIZE_MAX

enum off_mode {
	OFF_EXACT,  /* diag.offset == off */
	OFF_ENTRY,  /* the entry at off: its syntax, length or data field */
	OFF_IGNORE,
};

static uint32_t validate(enum clusprop_list_kind kind, const void *p, size_t n, clusprop_diag *d)
{
	return kind == CLUSPROP_VALUE_LIST ? clusprop_validate_value_list(p, n, d)
					   : clusprop_validate_property_list(p, n, d);
}

static void check_off(const char *what, size_t got, enum off_mode mode, size_t off)
{
	switch (mode) {
	case OFF_EXACT:
		if (got != off)
			fail_msg("%s: diag offset %zu, expected %zu", what, got, off);
		break;
	case OFF_ENTRY:
		if (got != off && got != off + 4 && got != off + 8)
			fail_msg("%s: diag offset %zu, expected the entry at %zu", what, got, off);
		break;
	case OFF_IGNORE:
		break;
	}
}

static void expect_bad_mode(const char *what, enum clusprop_list_kind kind, const uint8_t *bytes,
			    size_t n, uint32_t err, enum clusprop_fault fault,
			    enum off_mode mode, size_t off)
{
	uint8_t *copy = pt_heap_copy(bytes, n);
	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0x5a5a };
	uint32_t rc = validate(kind, copy, n, &diag);

	if (rc != err || diag.fault != fault)
		fail_msg("%s: got error %u fault %d (%s) at %zu; expected error %u fault %d (%s)",
			 what, rc, (int)diag.fault, clusprop_fault_str(diag.fault), diag.offset,
			 err, (int)fault, clusprop_fault_str(fault));
	check_off(what, diag.offset, mode, off);
	assert_true(diag.offset <= n);
	assert_int_equal(validate(kind, copy, n, NULL), err);

	/* the iterator refuses it the same way, and holds nothing */
	clusprop_iter it;
	memset(&it, 0, sizeof(it));
	clusprop_diag d2 = { CLUSPROP_FAULT_NONE, 0 };
	assert_int_equal(clusprop_iter_init(&it, kind, copy, n, &d2), err);
	assert_int_equal(d2.fault, fault);
	assert_int_equal(d2.offset, diag.offset);
	free(copy);
}

static void expect_bad(const char *what, enum clusprop_list_kind kind, const struct w *w,
		       uint32_t err, enum clusprop_fault fault, enum off_mode mode, size_t off)
{
	expect_bad_mode(what, kind, w->b, w->n, err, fault, mode, off);
}

static void expect_ok(const char *what, enum clusprop_list_kind kind, const struct w *w)
{
	uint8_t *copy = pt_heap_copy(w->b, w->n);
	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
	uint32_t rc = validate(kind, copy, w->n, &diag);
	if (rc != ERROR_SUCCESS)
		fail_msg("%s: expected valid, got error %u fault %d (%s) at %zu", what, rc,
			 (int)diag.fault, clusprop_fault_str(diag.fault), diag.offset);
	free(copy);
}

/* Some valid lists to cut and spoil. */
static void make_value_list(struct w *w)
{
	static const uint8_t bin[5] = { 1, 2, 3, 4, 5 };
	static const uint16_t grin[] = { 'h', 0xD83D, 0xDE00, 0 };
	static const uint16_t msz[] = { 'a', 0, 'b', 'c', 0, 0 };
	uint8_t part[1120];
	memset(part, 0, sizeof(part));
	pt_put16(part + 4, 's');   /* szDeviceName "s" */
	pt_put16(part + 1056, 'x'); /* szFileSystem "x" */

	w->n = 0;
	wdword(w, CLUSPROP_SYNTAX_DISK_SIGNATURE, 0xDEADBEEF);
	wascii(w, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "value");
	wentry(w, CLUSPROP_SYNTAX_LIST_VALUE_BINARY, bin, 5);
	wunits(w, CLUSPROP_SYNTAX_LIST_VALUE_SZ, grin, 4);
	wunits(w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, msz, 6);
	wentry(w, CLUSPROP_SYNTAX_DISK_SIZE, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	wentry(w, CLUSPROP_SYNTAX_PARTITION_INFO, part, 1120);
	wendmark(w);
}

static void make_property_list(struct w *w)
{
	static const uint16_t msz[] = { 'o', 'n', 'e', 0, 't', 'w', 'o', 0, 0 };
	w->n = 0;
	w32(w, 3);
	wascii(w, CLUSPROP_SYNTAX_NAME, "RestartAction");
	wdword(w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	wendmark(w);
	wascii(w, CLUSPROP_SYNTAX_NAME, "Name");
	wascii(w, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "Disk Q:");
	wentry(w, CLUSPROP_SYNTAX_LIST_VALUE_BINARY, "\x07", 1);
	wendmark(w);
	wascii(w, CLUSPROP_SYNTAX_NAME, "Owners");
	wunits(w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, msz, 9);
	wendmark(w);
}

/* ======================================================================
 * Truncation at every length
 * ====================================================================== */
static void check_prefixes(enum clusprop_list_kind kind, const struct w *w)
{
	for (size_t n = 0; n < w->n; n++) {
		uint8_t *copy = pt_heap_copy(w->b, n);
		clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
		uint32_t rc = validate(kind, copy, n, &diag);
		if (rc != ERROR_INVALID_DATA)
			fail_msg("prefix of %zu/%zu bytes: error %u (fault %d)", n, w->n, rc,
				 (int)diag.fault);
		switch (diag.fault) {
		case CLUSPROP_FAULT_TRUNCATED:
		case CLUSPROP_FAULT_MISALIGNED:
		case CLUSPROP_FAULT_LENGTH_PAST_END:
		case CLUSPROP_FAULT_MISSING_ENDMARK:
			break;
		case CLUSPROP_FAULT_COUNT_TOO_LARGE:
			if (kind == CLUSPROP_PROPERTY_LIST)
				break;
			__attribute__((fallthrough));
		default:
			fail_msg("prefix of %zu/%zu bytes: fault %d (%s)", n, w->n, (int)diag.fault,
				 clusprop_fault_str(diag.fault));
		}
		assert_true(diag.offset <= n);

		clusprop_iter it;
		assert_int_equal(clusprop_iter_init(&it, kind, copy, n, NULL), ERROR_INVALID_DATA);
		free(copy);
	}
}

static void test_truncated_value_list(void **state)
{
	(void)state;
	struct w w;
	make_value_list(&w);
	expect_ok("full value list", CLUSPROP_VALUE_LIST, &w);
	check_prefixes(CLUSPROP_VALUE_LIST, &w);

	/* some cut points, with exact faults */
	expect_bad_mode("empty buffer", CLUSPROP_VALUE_LIST, w.b, 0, ERROR_INVALID_DATA,
			CLUSPROP_FAULT_MISSING_ENDMARK, OFF_EXACT, 0);
	expect_bad_mode("cut inside the first header", CLUSPROP_VALUE_LIST, w.b, 4,
			ERROR_INVALID_DATA, CLUSPROP_FAULT_TRUNCATED, OFF_ENTRY, 0);
	expect_bad_mode("cut inside the first value", CLUSPROP_VALUE_LIST, w.b, 8,
			ERROR_INVALID_DATA, CLUSPROP_FAULT_LENGTH_PAST_END, OFF_ENTRY, 0);
	expect_bad_mode("cut after the first entry", CLUSPROP_VALUE_LIST, w.b, 12,
			ERROR_INVALID_DATA, CLUSPROP_FAULT_MISSING_ENDMARK, OFF_EXACT, 12);
	expect_bad_mode("cut before the ENDMARK", CLUSPROP_VALUE_LIST, w.b, w.n - 4,
			ERROR_INVALID_DATA, CLUSPROP_FAULT_MISSING_ENDMARK, OFF_EXACT, w.n - 4);
}

static void test_truncated_property_list(void **state)
{
	(void)state;
	struct w w;
	make_property_list(&w);
	expect_ok("full property list", CLUSPROP_PROPERTY_LIST, &w);
	check_prefixes(CLUSPROP_PROPERTY_LIST, &w);
	expect_bad_mode("empty buffer", CLUSPROP_PROPERTY_LIST, w.b, 0, ERROR_INVALID_DATA,
			CLUSPROP_FAULT_TRUNCATED, OFF_EXACT, 0);
}

/* ======================================================================
 * Alignment
 * ====================================================================== */
static void test_misaligned(void **state)
{
	(void)state;
	struct w w;

	/* a valid list and 1..3 more bytes: the size is not a multiple of 4 */
	for (size_t extra = 1; extra <= 3; extra++) {
		make_value_list(&w);
		for (size_t k = 0; k < extra; k++)
			w.b[w.n++] = 0;
		expect_bad("value list + 1..3 bytes", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_MISALIGNED, OFF_IGNORE, 0);
		make_property_list(&w);
		for (size_t k = 0; k < extra; k++)
			w.b[w.n++] = 0;
		expect_bad("property list + 1..3 bytes", CLUSPROP_PROPERTY_LIST, &w,
			   ERROR_INVALID_DATA, CLUSPROP_FAULT_MISALIGNED, OFF_IGNORE, 0);
	}

	/* an entry whose padding is missing: BINARY of 6 bytes, then straight the ENDMARK */
	w.n = 0;
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	w32(&w, CLUSPROP_SYNTAX_LIST_VALUE_BINARY);
	w32(&w, 6);
	wbytes(&w, "\x01\x02\x03\x04\x05\x06", 6);
	w32(&w, CLUSPROP_SYNTAX_ENDMARK);
	assert_int_equal(w.n, 30);
	expect_bad("BINARY without padding", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_MISALIGNED, OFF_IGNORE, 0);

	/* a NAME of 5 code units (10 bytes) without its 2 bytes of padding */
	w.n = 0;
	w32(&w, 1);
	w32(&w, CLUSPROP_SYNTAX_NAME);
	w32(&w, 10);
	wbytes(&w, "N\0a\0m\0e\0\0\0", 10);
	w32(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD); /* straight after the name: no padding */
	w32(&w, 4);
	w32(&w, 1);
	w32(&w, CLUSPROP_SYNTAX_ENDMARK);
	assert_int_equal(w.n, 38);
	expect_bad("NAME without padding", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_MISALIGNED, OFF_IGNORE, 0);

	/* an SZ of 3 code units without padding, then a DWORD: misaligned again */
	w.n = 0;
	w32(&w, CLUSPROP_SYNTAX_LIST_VALUE_SZ);
	w32(&w, 6);
	wbytes(&w, "a\0b\0\0\0", 6);
	w32(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD); /* straight after the string */
	w32(&w, 4);
	w32(&w, 1);
	w32(&w, CLUSPROP_SYNTAX_ENDMARK);
	assert_int_equal(w.n, 30);
	expect_bad("SZ without padding", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_MISALIGNED, OFF_IGNORE, 0);

	/* sizes 1, 2, 3 */
	static const uint8_t zeros[3] = { 0, 0, 0 };
	for (size_t n = 1; n <= 3; n++) {
		expect_bad_mode("tiny value list", CLUSPROP_VALUE_LIST, zeros, n, ERROR_INVALID_DATA,
				CLUSPROP_FAULT_MISALIGNED, OFF_IGNORE, 0);
		expect_bad_mode("tiny property list", CLUSPROP_PROPERTY_LIST, zeros, n,
				ERROR_INVALID_DATA, CLUSPROP_FAULT_MISALIGNED, OFF_IGNORE, 0);
	}
}

/* ======================================================================
 * Lengths
 * ====================================================================== */
static void test_length_past_end(void **state)
{
	(void)state;
	struct w w;
	static const uint32_t lens[] = { 100, 0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFFDu, 0xFFFFFFFCu,
					 0x80000000u, 0x7FFFFFFCu, 13 };
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		/* BINARY: no length is wrong for the syntax, only too long */
		w.n = 0;
		wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
		size_t at = w.n;
		w32(&w, CLUSPROP_SYNTAX_LIST_VALUE_BINARY);
		w32(&w, lens[k]);
		w32(&w, 0x11111111);
		wendmark(&w);
		expect_bad("BINARY length past the end", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_LENGTH_PAST_END, OFF_ENTRY, at);

		/* an SZ (even lengths only, so that the length is the only fault) */
		if (lens[k] % 2 == 0) {
			w.n = 0;
			w32(&w, CLUSPROP_SYNTAX_LIST_VALUE_SZ);
			w32(&w, lens[k]);
			w32(&w, 0x00410041);
			wendmark(&w);
			expect_bad("SZ length past the end", CLUSPROP_VALUE_LIST, &w,
				   ERROR_INVALID_DATA, CLUSPROP_FAULT_LENGTH_PAST_END, OFF_ENTRY, 0);
		}

		/* a NAME in a property list */
		if (lens[k] % 2 == 0) {
			w.n = 0;
			w32(&w, 1);
			w32(&w, CLUSPROP_SYNTAX_NAME);
			w32(&w, lens[k]);
			wbytes(&w, "A\0\0\0", 4);
			wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
			wendmark(&w);
			expect_bad("NAME length past the end", CLUSPROP_PROPERTY_LIST, &w,
				   ERROR_INVALID_DATA, CLUSPROP_FAULT_LENGTH_PAST_END, OFF_ENTRY, 4);
		}
	}

	/* exactly one byte too many: the data would end 1 past the buffer */
	w.n = 0;
	w32(&w, CLUSPROP_SYNTAX_LIST_VALUE_BINARY);
	w32(&w, 9);
	w32(&w, 0);
	w32(&w, 0); /* 8 bytes of data+ENDMARK space: length 9 runs 1 past */
	expect_bad("length one past the end", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_LENGTH_PAST_END, OFF_ENTRY, 0);
}

static void test_bad_lengths_for_syntax(void **state)
{
	(void)state;
	static const struct {
		uint32_t syntax;
		uint32_t len;
	} cases[] = {
		{ CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 0 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 3 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 8 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_LONG, 2 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_LONG, 5 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_WORD, 4 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_WORD, 1 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER, 4 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER, 12 },
		{ CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER, 7 },
		{ CLUSPROP_SYNTAX_DISK_SIGNATURE, 8 },
		{ CLUSPROP_SYNTAX_SCSI_ADDRESS, 3 },
		{ CLUSPROP_SYNTAX_DISK_NUMBER, 2 },
		{ CLUSPROP_SYNTAX_DISK_SIZE, 4 },
		{ CLUSPROP_SYNTAX_PARTITION_INFO, 0 },
		{ CLUSPROP_SYNTAX_PARTITION_INFO, 1116 },
		{ CLUSPROP_SYNTAX_PARTITION_INFO, 1119 },
		{ CLUSPROP_SYNTAX_PARTITION_INFO, 1121 },
		{ CLUSPROP_SYNTAX_PARTITION_INFO, 1124 },
		{ CLUSPROP_SYNTAX_PARTITION_INFO, 2240 },
	};
	static uint8_t zeros[4096];
	char what[96];
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct w w;
		w.n = 0;
		wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
		size_t at = wentry(&w, cases[k].syntax, zeros, cases[k].len);
		wendmark(&w);
		snprintf(what, sizeof(what), "syntax 0x%08x with length %u", cases[k].syntax,
			 cases[k].len);
		expect_bad(what, CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_BAD_LENGTH, OFF_ENTRY, at);

		/* the same as a property's value */
		w.n = 0;
		w32(&w, 1);
		wascii(&w, CLUSPROP_SYNTAX_NAME, "P");
		at = wentry(&w, cases[k].syntax, zeros, cases[k].len);
		wendmark(&w);
		expect_bad(what, CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_BAD_LENGTH, OFF_ENTRY, at);
	}
}

/* ======================================================================
 * ENDMARK, counts, names, trailing data
 * ====================================================================== */
static void test_missing_endmark(void **state)
{
	(void)state;
	struct w w;

	w.n = 0;
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	wascii(&w, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "no end");
	expect_bad("value list without ENDMARK", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_MISSING_ENDMARK, OFF_EXACT, w.n);

	/* a property whose values run to the end of the buffer */
	w.n = 0;
	w32(&w, 1);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "RestartAction");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	expect_bad("property without ENDMARK", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_MISSING_ENDMARK, OFF_EXACT, w.n);

	/* ... or into the next property's NAME */
	w.n = 0;
	w32(&w, 2);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "A");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	size_t at = wascii(&w, CLUSPROP_SYNTAX_NAME, "B");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 3);
	wendmark(&w);
	expect_bad("NAME among a property's values", CLUSPROP_PROPERTY_LIST, &w,
		   ERROR_INVALID_DATA, CLUSPROP_FAULT_UNEXPECTED_NAME, OFF_ENTRY, at);

	/* a NAME inside a value list */
	w.n = 0;
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	at = wascii(&w, CLUSPROP_SYNTAX_NAME, "B");
	wendmark(&w);
	expect_bad("NAME in a value list", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_UNEXPECTED_NAME, OFF_ENTRY, at);
}

static void test_property_counts(void **state)
{
	(void)state;
	struct w w;
	static const uint32_t huge[] = { 0xFFFFFFFFu, 0x80000000u, 0x10000000u, 1000000u, 100u };

	for (size_t k = 0; k < sizeof(huge) / sizeof(huge[0]); k++) {
		w.n = 0;
		w32(&w, huge[k]);
		wascii(&w, CLUSPROP_SYNTAX_NAME, "A");
		wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
		wendmark(&w);
		expect_bad("huge property count", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_COUNT_TOO_LARGE, OFF_EXACT, 0);
	}

	/* a count of 2 for a buffer that holds one 28-byte property: no room for two */
	w.n = 0;
	w32(&w, 2);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "A");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	wendmark(&w);
	assert_int_equal(w.n, 32);
	expect_bad("count 2, room for 1", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_COUNT_TOO_LARGE, OFF_EXACT, 0);

	/* a count of 1 and nothing after it */
	w.n = 0;
	w32(&w, 1);
	expect_bad("count 1, no property", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_COUNT_TOO_LARGE, OFF_EXACT, 0);

	/* a count of 2 where the buffer could hold two, but holds one: truncated */
	w.n = 0;
	w32(&w, 2);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "A long enough property name");
	wascii(&w, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "and a long enough value, too");
	wendmark(&w);
	expect_bad("count 2, one property", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_TRUNCATED, OFF_EXACT, w.n);

	/* a count of 1 with two properties: the second is trailing data */
	w.n = 0;
	w32(&w, 1);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "A");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	size_t end = wendmark(&w) + 4;
	wascii(&w, CLUSPROP_SYNTAX_NAME, "B");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	wendmark(&w);
	expect_bad("count 1, two properties", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_TRAILING_DATA, OFF_EXACT, end);
}

static void test_property_structure(void **state)
{
	(void)state;
	struct w w;

	/* a property that does not start with a NAME */
	w.n = 0;
	w32(&w, 1);
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	wascii(&w, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "padding to be big enough");
	wendmark(&w);
	expect_bad("property without NAME", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_EXPECTED_NAME, OFF_ENTRY, 4);

	/* the second property does not start with a NAME */
	w.n = 0;
	w32(&w, 2);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "A");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	wendmark(&w);
	size_t at = wascii(&w, CLUSPROP_SYNTAX_LIST_VALUE_SZ, "not a name");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	wendmark(&w);
	expect_bad("second property without NAME", CLUSPROP_PROPERTY_LIST, &w,
		   ERROR_INVALID_DATA, CLUSPROP_FAULT_EXPECTED_NAME, OFF_ENTRY, at);

	/* a property with no value: NAME then ENDMARK (the offset may be the
	 * property's NAME or the early ENDMARK) */
	w.n = 0;
	w32(&w, 1);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "Name");
	size_t endmark = wendmark(&w);
	assert_int_equal(w.n, 28);
	{
		uint8_t *copy = pt_heap_copy(w.b, w.n);
		clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
		assert_int_equal(clusprop_validate_property_list(copy, w.n, &diag),
				 ERROR_INVALID_DATA);
		assert_int_equal(diag.fault, CLUSPROP_FAULT_NO_VALUE);
		if (diag.offset != 4 && diag.offset != endmark)
			fail_msg("NO_VALUE at %zu, expected 4 or %zu", diag.offset, endmark);
		free(copy);
	}
	/* ... as the second of two properties */
	w.n = 0;
	w32(&w, 2);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "A");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 2);
	wendmark(&w);
	size_t name2 = wascii(&w, CLUSPROP_SYNTAX_NAME, "Second property");
	endmark = wendmark(&w);
	{
		uint8_t *copy = pt_heap_copy(w.b, w.n);
		clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
		assert_int_equal(clusprop_validate_property_list(copy, w.n, &diag),
				 ERROR_INVALID_DATA);
		assert_int_equal(diag.fault, CLUSPROP_FAULT_NO_VALUE);
		if (diag.offset != name2 && diag.offset != endmark)
			fail_msg("NO_VALUE at %zu, expected %zu or %zu", diag.offset, name2, endmark);
		clusprop_iter it;
		assert_int_equal(clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, copy, w.n, NULL),
				 ERROR_INVALID_DATA);
		free(copy);
	}

	/* a value list given to the property-list validator, and the reverse */
	make_value_list(&w);
	{
		uint8_t *copy = pt_heap_copy(w.b, w.n);
		assert_int_equal(clusprop_validate_property_list(copy, w.n, NULL),
				 ERROR_INVALID_DATA);
		free(copy);
	}
	make_property_list(&w);
	{
		uint8_t *copy = pt_heap_copy(w.b, w.n);
		assert_int_not_equal(clusprop_validate_value_list(copy, w.n, NULL), ERROR_SUCCESS);
		free(copy);
	}
}

static void test_trailing_data(void **state)
{
	(void)state;
	struct w w;

	for (size_t extra = 4; extra <= 12; extra += 4) {
		make_value_list(&w);
		size_t end = w.n;
		for (size_t k = 0; k < extra; k++)
			w.b[w.n++] = 0;
		expect_bad("value list + zeros", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_TRAILING_DATA, OFF_EXACT, end);

		make_property_list(&w);
		end = w.n;
		for (size_t k = 0; k < extra; k++)
			w.b[w.n++] = 0xEE;
		expect_bad("property list + bytes", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_TRAILING_DATA, OFF_EXACT, end);
	}

	/* a second ENDMARK */
	w.n = 0;
	wendmark(&w);
	wendmark(&w);
	expect_bad("two ENDMARKs", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_TRAILING_DATA, OFF_EXACT, 4);

	/* count 0, then a property */
	w.n = 0;
	w32(&w, 0);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "A");
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	wendmark(&w);
	expect_bad("count 0 + a property", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_TRAILING_DATA, OFF_EXACT, 4);
}

static void test_too_large(void **state)
{
	(void)state;
	size_t n = (size_t)CLUSPROP_MAX_LIST_SIZE + 4;
	uint8_t *big = calloc(1, n);
	assert_non_null(big);
	clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
	assert_int_equal(clusprop_validate_value_list(big, n, &diag), ERROR_INVALID_DATA);
	assert_int_equal(diag.fault, CLUSPROP_FAULT_TOO_LARGE);
	diag.fault = CLUSPROP_FAULT_NONE;
	assert_int_equal(clusprop_validate_property_list(big, n, &diag), ERROR_INVALID_DATA);
	assert_int_equal(diag.fault, CLUSPROP_FAULT_TOO_LARGE);
	clusprop_iter it;
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, big, n, NULL),
			 ERROR_INVALID_DATA);
	free(big);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	clusprop_diag diag;
	assert_int_equal(clusprop_validate_value_list(NULL, 8, &diag), ERROR_INVALID_PARAMETER);
	assert_int_equal(clusprop_validate_property_list(NULL, 8, &diag), ERROR_INVALID_PARAMETER);
	static const uint8_t endmark[4] = { 0, 0, 0, 0 };
	clusprop_iter it;
	assert_int_equal(clusprop_iter_init(&it, (enum clusprop_list_kind)7, endmark, 4, NULL),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(clusprop_iter_init(NULL, CLUSPROP_VALUE_LIST, endmark, 4, NULL),
			 ERROR_INVALID_PARAMETER);

	/* after a failed init the iterator holds nothing: ending it anyway is
	 * harmless (here an iterator that was used and ended before, and a
	 * zero-initialised one; proplist.h does not say whether an iterator
	 * left uninitialised may be ended after a failed init) */
	static const uint8_t one_sz[16] = { 0x03, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
					    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	clusprop_value v;
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, one_sz, 16, NULL),
			 ERROR_SUCCESS);
	assert_int_equal(clusprop_iter_next(&it, &v), ERROR_SUCCESS);
	assert_string_equal(v.str, "");
	clusprop_iter_done(&it);
	assert_int_equal(clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, endmark, 3, NULL),
			 ERROR_INVALID_DATA);
	clusprop_iter_done(&it);
	clusprop_iter zeroed = { 0 };
	assert_int_equal(clusprop_iter_init(&zeroed, CLUSPROP_PROPERTY_LIST, endmark, 3, NULL),
			 ERROR_INVALID_DATA);
	clusprop_iter_done(&zeroed);
}

/* ======================================================================
 * Strings inside lists
 * ====================================================================== */
static void test_bad_strings(void **state)
{
	(void)state;
	struct w w;
	static const uint32_t sz_syntaxes[] = { CLUSPROP_SYNTAX_LIST_VALUE_SZ,
						CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ,
						CLUSPROP_SYNTAX_LIST_VALUE_EXPANDED_SZ,
						CLUSPROP_SYNTAX_DISK_GUID };

	for (size_t y = 0; y < sizeof(sz_syntaxes) / sizeof(sz_syntaxes[0]); y++) {
		uint32_t sx = sz_syntaxes[y];
		size_t at;

		/* unterminated: "ab" with no NUL */
		w.n = 0;
		wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
		at = wunits(&w, sx, (const uint16_t[]){ 'a', 'b' }, 2);
		wendmark(&w);
		expect_bad("unterminated SZ", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
			   CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);

		/* odd lengths: 1, 3 ("a" NUL with the high byte cut), 5 */
		for (uint32_t len = 1; len <= 5; len += 2) {
			w.n = 0;
			at = wentry(&w, sx, "a\0\0\0\0\0\0\0", len);
			wendmark(&w);
			expect_bad("odd-length SZ", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
				   CLUSPROP_FAULT_ODD_LENGTH, OFF_ENTRY, at);
		}

		/* length 0: no room even for the NUL (the header allows reading this
		 * as "without its NUL" or as "a length wrong for its syntax") */
		w.n = 0;
		wentry(&w, sx, "", 0);
		wendmark(&w);
		{
			uint8_t *copy = pt_heap_copy(w.b, w.n);
			clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
			assert_int_equal(clusprop_validate_value_list(copy, w.n, &diag),
					 ERROR_INVALID_DATA);
			if (diag.fault != CLUSPROP_FAULT_UNTERMINATED &&
			    diag.fault != CLUSPROP_FAULT_BAD_LENGTH)
				fail_msg("SZ of length 0: fault %d (%s)", (int)diag.fault,
					 clusprop_fault_str(diag.fault));
			assert_int_equal(diag.offset % 4, 0);
			assert_true(diag.offset <= 8);
			free(copy);
		}

		/* lone surrogates */
		static const uint16_t lone_high[] = { 0xD83D, 0 };
		static const uint16_t lone_low[] = { 0xDE00, 0 };
		static const uint16_t high_then_a[] = { 'x', 0xD83D, 'a', 0 };
		static const uint16_t reversed[] = { 0xDE00, 0xD83D, 0 };
		static const uint16_t high_high[] = { 0xD800, 0xDBFF, 0xDC00, 0 };
		static const uint16_t low_at_end[] = { 'a', 'b', 0xDFFF, 0 };
		const struct {
			const uint16_t *u;
			size_t n;
			const char *what;
		} lones[] = {
			{ lone_high, 2, "lone high surrogate" },
			{ lone_low, 2, "lone low surrogate" },
			{ high_then_a, 4, "high surrogate then 'a'" },
			{ reversed, 3, "low then high surrogate" },
			{ high_high, 4, "two high surrogates" },
			{ low_at_end, 4, "low surrogate at the end" },
		};
		for (size_t k = 0; k < sizeof(lones) / sizeof(lones[0]); k++) {
			w.n = 0;
			wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
			at = wunits(&w, sx, lones[k].u, lones[k].n);
			wendmark(&w);
			expect_bad(lones[k].what, CLUSPROP_VALUE_LIST, &w,
				   ERROR_NO_UNICODE_TRANSLATION, CLUSPROP_FAULT_BAD_UNICODE,
				   OFF_ENTRY, at);
		}

		/* an embedded NUL ("a\0b\0"): BAD_UNICODE; proplist.h does not say
		 * which of the two errors goes with it */
		w.n = 0;
		at = wunits(&w, sx, (const uint16_t[]){ 'a', 0, 'b', 0 }, 4);
		wendmark(&w);
		{
			uint8_t *copy = pt_heap_copy(w.b, w.n);
			clusprop_diag diag = { CLUSPROP_FAULT_NONE, 0 };
			uint32_t rc = clusprop_validate_value_list(copy, w.n, &diag);
			assert_true(rc == ERROR_INVALID_DATA || rc == ERROR_NO_UNICODE_TRANSLATION);
			assert_int_equal(diag.fault, CLUSPROP_FAULT_BAD_UNICODE);
			check_off("embedded NUL", diag.offset, OFF_ENTRY, at);
			free(copy);
		}
	}

	/* a lone surrogate in a property NAME */
	w.n = 0;
	w32(&w, 1);
	size_t at = wunits(&w, CLUSPROP_SYNTAX_NAME, (const uint16_t[]){ 'N', 0xDC00, 0 }, 3);
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	wendmark(&w);
	expect_bad("lone surrogate in a NAME", CLUSPROP_PROPERTY_LIST, &w,
		   ERROR_NO_UNICODE_TRANSLATION, CLUSPROP_FAULT_BAD_UNICODE, OFF_ENTRY, at);

	/* an unterminated NAME, an odd NAME */
	w.n = 0;
	w32(&w, 1);
	at = wunits(&w, CLUSPROP_SYNTAX_NAME, (const uint16_t[]){ 'N', 'a' }, 2);
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	wendmark(&w);
	expect_bad("unterminated NAME", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);
	w.n = 0;
	w32(&w, 1);
	at = wentry(&w, CLUSPROP_SYNTAX_NAME, "N\0a\0\0\0\0", 7);
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	wendmark(&w);
	expect_bad("odd-length NAME", CLUSPROP_PROPERTY_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_ODD_LENGTH, OFF_ENTRY, at);
}

static void test_bad_multi_sz(void **state)
{
	(void)state;
	struct w w;
	size_t at;

	/* "a\0b\0" with no final NUL */
	w.n = 0;
	at = wunits(&w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, (const uint16_t[]){ 'a', 0, 'b', 0 }, 4);
	wendmark(&w);
	expect_bad("MULTI_SZ without its final NUL", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);

	/* "a\0" */
	w.n = 0;
	wdword(&w, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1);
	at = wunits(&w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, (const uint16_t[]){ 'a', 0 }, 2);
	wendmark(&w);
	expect_bad("MULTI_SZ \"a\\0\"", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);

	/* "ab": no NUL at all */
	w.n = 0;
	at = wunits(&w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, (const uint16_t[]){ 'a', 'b' }, 2);
	wendmark(&w);
	expect_bad("MULTI_SZ without any NUL", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);

	/* odd length */
	w.n = 0;
	at = wentry(&w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, "a\0\0\0\0", 5);
	wendmark(&w);
	expect_bad("odd-length MULTI_SZ", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_ODD_LENGTH, OFF_ENTRY, at);

	/* a lone surrogate in the second string */
	w.n = 0;
	at = wunits(&w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
		    (const uint16_t[]){ 'a', 0, 0xD83D, 0, 0 }, 5);
	wendmark(&w);
	expect_bad("MULTI_SZ with a lone surrogate", CLUSPROP_VALUE_LIST, &w,
		   ERROR_NO_UNICODE_TRANSLATION, CLUSPROP_FAULT_BAD_UNICODE, OFF_ENTRY, at);

	/* as a property value */
	w.n = 0;
	w32(&w, 1);
	wascii(&w, CLUSPROP_SYNTAX_NAME, "Owners");
	at = wunits(&w, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
		    (const uint16_t[]){ 'n', '1', 0, 'n', '2', 0 }, 6);
	wendmark(&w);
	expect_bad("MULTI_SZ property without final NUL", CLUSPROP_PROPERTY_LIST, &w,
		   ERROR_INVALID_DATA, CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);
}

static void test_bad_partition_strings(void **state)
{
	(void)state;
	static uint8_t part[1120];
	struct w w;
	size_t at;

	/* szDeviceName filling all 260 units with no NUL */
	memset(part, 0, sizeof(part));
	for (size_t i = 0; i < 260; i++)
		pt_put16(part + 4 + 2 * i, 'd');
	w.n = 0;
	at = wentry(&w, CLUSPROP_SYNTAX_PARTITION_INFO, part, 1120);
	wendmark(&w);
	expect_bad("unterminated szDeviceName", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);

	/* szFileSystem filling all 32 units */
	memset(part, 0, sizeof(part));
	for (size_t i = 0; i < 32; i++)
		pt_put16(part + 1056 + 2 * i, 'f');
	w.n = 0;
	wdword(&w, CLUSPROP_SYNTAX_DISK_SIGNATURE, 1);
	at = wentry(&w, CLUSPROP_SYNTAX_PARTITION_INFO, part, 1120);
	wendmark(&w);
	expect_bad("unterminated szFileSystem", CLUSPROP_VALUE_LIST, &w, ERROR_INVALID_DATA,
		   CLUSPROP_FAULT_UNTERMINATED, OFF_ENTRY, at);

	/* a lone surrogate in szVolumeLabel */
	memset(part, 0, sizeof(part));
	pt_put16(part + 524, 'L');
	pt_put16(part + 526, 0xD800);
	w.n = 0;
	at = wentry(&w, CLUSPROP_SYNTAX_PARTITION_INFO, part, 1120);
	wendmark(&w);
	expect_bad("lone surrogate in szVolumeLabel", CLUSPROP_VALUE_LIST, &w,
		   ERROR_NO_UNICODE_TRANSLATION, CLUSPROP_FAULT_BAD_UNICODE, OFF_ENTRY, at);
}

/* ======================================================================
 * Invalid UTF-8 given to the builder and the converter
 * ====================================================================== */
static const struct {
	const char *s;
	const char *what;
} bad_utf8[] = {
	{ "\xc0\x80", "overlong NUL C0 80" },
	{ "\xc1\xbf", "overlong C1 BF" },
	{ "\xe0\x80\x80", "overlong E0 80 80" },
	{ "\xe0\x9f\xbf", "overlong E0 9F BF" },
	{ "\xf0\x80\x80\x80", "overlong F0 80 80 80" },
	{ "\xf0\x8f\xbf\xbf", "overlong F0 8F BF BF" },
	{ "\xed\xa0\x80", "encoded surrogate ED A0 80" },
	{ "\xed\xbf\xbf", "encoded surrogate ED BF BF" },
	{ "\xed\xa0\xbd\xed\xb8\x80", "CESU-8 surrogate pair" },
	{ "\xf4\x90\x80\x80", "above U+10FFFF F4 90 80 80" },
	{ "\xf5\x80\x80\x80", "F5 lead" },
	{ "\xf8\x88\x80\x80\x80", "5-byte form" },
	{ "\xe2\x82", "truncated E2 82" },
	{ "\xf0\x9f\x98", "truncated F0 9F 98" },
	{ "\xc3", "truncated C3" },
	{ "\x80", "stray continuation 80" },
	{ "\xbf", "stray continuation BF" },
	{ "\xc3\x28", "bad continuation C3 28" },
	{ "\xe2\x28\xa1", "bad continuation E2 28 A1" },
	{ "\xfe", "FE" },
	{ "\xff", "FF" },
};

#define N_BAD_UTF8 (sizeof(bad_utf8) / sizeof(bad_utf8[0]))

/* Each bad sequence alone, and between valid text. */
static const char *bad_variant(size_t k, int variant, char *buf, size_t cap)
{
	if (variant == 0)
		return bad_utf8[k].s;
	snprintf(buf, cap, "ok-%s-\xc3\xa9t\xc3\xa9", bad_utf8[k].s);
	return buf;
}

static void expect_sticky(clusprop_builder *b, size_t size_before, const char *what)
{
	if (clusprop_builder_status(b) != ERROR_NO_UNICODE_TRANSLATION)
		fail_msg("%s: builder status %u", what, clusprop_builder_status(b));
	assert_int_equal(clusprop_builder_size(b), size_before);
	assert_int_equal(clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 1),
			 ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_put_endmark(b), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_status(b), ERROR_NO_UNICODE_TRANSLATION);
	assert_int_equal(clusprop_builder_size(b), size_before);
}

struct bad_ctx {
	const char *s;
};

static uint32_t produce_bad_sz(clusprop_builder *b, void *ctx)
{
	const struct bad_ctx *c = ctx;
	uint32_t rc = clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, c->s);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_put_endmark(b);
	return rc;
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	char buf[64];

	for (size_t k = 0; k < N_BAD_UTF8; k++) {
		for (int variant = 0; variant < 2; variant++) {
			const char *s = bad_variant(k, variant, buf, sizeof(buf));
			const char *what = bad_utf8[k].what;
			clusprop_builder b;
			size_t ret = 4242;
			uint8_t out[128];

			/* the converter */
			memset(out, 0xA5, sizeof(out));
			if (clusprop_utf8_to_utf16le(s, strlen(s), out, sizeof(out), &ret) !=
			    ERROR_NO_UNICODE_TRANSLATION)
				fail_msg("utf8_to_utf16le accepted %s", what);
			assert_int_equal(ret, 4242);
			for (size_t i = 0; i < sizeof(out); i++)
				assert_int_equal(out[i], 0xA5);
			assert_int_equal(clusprop_utf8_to_utf16le(s, strlen(s), NULL, 0, &ret),
					 ERROR_NO_UNICODE_TRANSLATION);
			assert_int_equal(ret, 4242);

			/* put_sz, owned and measure */
			clusprop_builder_init_owned(&b);
			clusprop_put_dword(&b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, 7);
			if (clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, s) !=
			    ERROR_NO_UNICODE_TRANSLATION)
				fail_msg("put_sz accepted %s", what);
			expect_sticky(&b, 12, what);
			clusprop_builder_free(&b);

			clusprop_builder_init_measure(&b);
			assert_int_equal(clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ, s),
					 ERROR_NO_UNICODE_TRANSLATION);
			expect_sticky(&b, 0, what);
			clusprop_builder_free(&b);

			/* a FIXED builder writes nothing of it */
			memset(out, 0xA5, sizeof(out));
			clusprop_builder_init_fixed(&b, out, sizeof(out));
			assert_int_equal(clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, s),
					 ERROR_NO_UNICODE_TRANSLATION);
			expect_sticky(&b, 0, what);
			clusprop_builder_free(&b);

			/* names and whole properties */
			clusprop_builder_init_owned(&b);
			clusprop_builder_begin_plist(&b);
			assert_int_equal(clusprop_put_name(&b, s), ERROR_NO_UNICODE_TRANSLATION);
			expect_sticky(&b, 4, what);
			clusprop_builder_free(&b);

			clusprop_builder_init_owned(&b);
			clusprop_builder_begin_plist(&b);
			assert_int_equal(clusprop_add_sz(&b, s, "fine"), ERROR_NO_UNICODE_TRANSLATION);
			expect_sticky(&b, 4, what);
			clusprop_builder_free(&b);

			clusprop_builder_init_owned(&b);
			clusprop_builder_begin_plist(&b);
			assert_int_equal(clusprop_add_dword(&b, s, 1), ERROR_NO_UNICODE_TRANSLATION);
			expect_sticky(&b, 4, what);
			clusprop_builder_free(&b);

			clusprop_builder_init_owned(&b);
			clusprop_builder_begin_plist(&b);
			assert_int_equal(clusprop_add_expand_sz(&b, "Name", s),
					 ERROR_NO_UNICODE_TRANSLATION);
			assert_int_equal(clusprop_builder_status(&b), ERROR_NO_UNICODE_TRANSLATION);
			clusprop_builder_free(&b);

			const char *strs[3] = { "good", s, "also good" };
			clusprop_builder_init_owned(&b);
			assert_int_equal(clusprop_put_multi_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ,
							       strs, 3),
					 ERROR_NO_UNICODE_TRANSLATION);
			expect_sticky(&b, 0, what);
			clusprop_builder_free(&b);

			clusprop_builder_init_owned(&b);
			clusprop_builder_begin_plist(&b);
			assert_int_equal(clusprop_add_multi_sz(&b, "Owners", strs, 3),
					 ERROR_NO_UNICODE_TRANSLATION);
			assert_int_equal(clusprop_builder_status(&b), ERROR_NO_UNICODE_TRANSLATION);
			clusprop_builder_free(&b);

			clusprop_builder_init_owned(&b);
			assert_int_equal(clusprop_put_disk_guid(&b, s), ERROR_NO_UNICODE_TRANSLATION);
			expect_sticky(&b, 0, what);
			clusprop_builder_free(&b);

			/* partition strings */
			clusprop_partition p = { .device_name = "sdb1", .volume_label = "L",
						 .file_system = "ext4" };
			for (int field = 0; field < 3; field++) {
				clusprop_partition q = p;
				if (field == 0) q.device_name = s;
				if (field == 1) q.volume_label = s;
				if (field == 2) q.file_system = s;
				clusprop_builder_init_owned(&b);
				assert_int_equal(clusprop_put_partition_info(&b, &q),
						 ERROR_NO_UNICODE_TRANSLATION);
				expect_sticky(&b, 0, what);
				clusprop_builder_free(&b);
			}

			/* clusprop_build passes the error back, outputs untouched */
			struct bad_ctx c = { s };
			ret = 4242;
			memset(out, 0xA5, sizeof(out));
			assert_int_equal(clusprop_build(out, sizeof(out), &ret, produce_bad_sz, &c),
					 ERROR_NO_UNICODE_TRANSLATION);
			assert_int_equal(ret, 4242);
			for (size_t i = 0; i < sizeof(out); i++)
				assert_int_equal(out[i], 0xA5);
			assert_int_equal(clusprop_build(NULL, 0, &ret, produce_bad_sz, &c),
					 ERROR_NO_UNICODE_TRANSLATION);
			assert_int_equal(ret, 4242);
		}
	}
}

/* Valid but unusual UTF-8 that must NOT be refused. */
static void test_valid_utf8_edges(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80",
		"\xef\xbf\xbd", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
	};
	for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++) {
		size_t ret = 0;
		uint8_t out[8];
		assert_int_equal(clusprop_utf8_to_utf16le(ok[k], strlen(ok[k]), out, sizeof(out),
							  &ret),
				 ERROR_SUCCESS);
		clusprop_builder b;
		clusprop_builder_init_owned(&b);
		assert_int_equal(clusprop_put_sz(&b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, ok[k]),
				 ERROR_SUCCESS);
		clusprop_builder_free(&b);
	}
}

/* UTF-16LE that the converter must refuse. */
static void test_invalid_utf16(void **state)
{
	(void)state;
	static const struct {
		uint16_t u[4];
		size_t n;
	} bad[] = {
		{ { 0xD83D }, 1 },
		{ { 0xDE00 }, 1 },
		{ { 'a', 0xD83D }, 2 },
		{ { 0xD83D, 'a' }, 2 },
		{ { 0xDE00, 0xD83D }, 2 },
		{ { 0xD800, 0xD800, 0xDC00 }, 3 },
		{ { 'x', 0xDFFF, 'y' }, 3 },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		uint8_t in[8];
		for (size_t i = 0; i < bad[k].n; i++)
			pt_put16(in + 2 * i, bad[k].u[i]);
		uint8_t *heap = pt_heap_copy(in, 2 * bad[k].n);
		char out[32];
		size_t ret = 4242;
		memset(out, 0x5A, sizeof(out));
		assert_int_equal(clusprop_utf16le_to_utf8(heap, 2 * bad[k].n, out, sizeof(out), &ret),
				 ERROR_NO_UNICODE_TRANSLATION);
		assert_int_equal(ret, 4242);
		for (size_t i = 0; i < sizeof(out); i++)
			assert_int_equal(out[i], 0x5A);
		assert_int_equal(clusprop_utf16le_to_utf8(heap, 2 * bad[k].n, NULL, 0, &ret),
				 ERROR_NO_UNICODE_TRANSLATION);
		assert_int_equal(ret, 4242);
		free(heap);
	}
	/* odd sizes */
	static const uint8_t abc[6] = { 'a', 0, 'b', 0, 'c', 0 };
	for (size_t n = 1; n < 6; n += 2) {
		uint8_t *heap = pt_heap_copy(abc, n);
		size_t ret = 4242;
		char out[16];
		assert_int_equal(clusprop_utf16le_to_utf8(heap, n, out, sizeof(out), &ret),
				 ERROR_INVALID_DATA);
		assert_int_equal(ret, 4242);
		free(heap);
	}
}

/* A partition entry must be BINARY; no entry of type NAME may stand among values. */
static void test_type_format_mismatch(void **state)
{
	static uint8_t pi[8 + 1120 + 4];
	static uint8_t name_bin[8 + 4 + 4] = { 0x01, 0x00, 0x04, 0x00, 4, 0, 0, 0, 'a', 'b', 'c', 'd' };
	clusprop_diag d;

	(void)state;
	memset(pi, 0, sizeof(pi));
	pi[0] = 0x02; pi[2] = 0x08;                /* syntax 0x00080002: PARTITION_INFO, DWORD */
	pi[4] = 0x60; pi[5] = 0x04;                /* length 1120 */
	assert_int_equal(clusprop_validate_value_list(pi, sizeof(pi), &d), ERROR_INVALID_DATA);
	assert_int_equal(d.fault, CLUSPROP_FAULT_BAD_LENGTH);
	pi[0] = 0x01;                              /* 0x00080001: accepted (empty strings) */
	assert_int_equal(clusprop_validate_value_list(pi, sizeof(pi), &d), ERROR_SUCCESS);
	assert_int_equal(clusprop_validate_value_list(name_bin, sizeof(name_bin), &d),
			 ERROR_INVALID_DATA);
	assert_int_equal(d.fault, CLUSPROP_FAULT_UNEXPECTED_NAME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated_value_list),
		cmocka_unit_test(test_truncated_property_list),
		cmocka_unit_test(test_misaligned),
		cmocka_unit_test(test_length_past_end),
		cmocka_unit_test(test_bad_lengths_for_syntax),
		cmocka_unit_test(test_missing_endmark),
		cmocka_unit_test(test_property_counts),
		cmocka_unit_test(test_property_structure),
		cmocka_unit_test(test_trailing_data),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_bad_strings),
		cmocka_unit_test(test_bad_multi_sz),
		cmocka_unit_test(test_bad_partition_strings),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_utf8_edges),
		cmocka_unit_test(test_invalid_utf16),
		cmocka_unit_test(test_type_format_mismatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
