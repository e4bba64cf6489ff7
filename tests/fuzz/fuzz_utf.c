/*
 * fuzz_utf.c - libFuzzer target for the UTF-8 <-> UTF-16LE conversions.
 *
 * The whole input is fed to both conversions.  For each one:
 *   - the MSCS buffer contract: asking with a NULL buffer gives
 *     ERROR_MORE_DATA and the size needed; a buffer one byte short gives the
 *     same answer and is left untouched; a buffer of exactly that size
 *     converts, and the size written equals the size announced;
 *   - a rejected input is rejected the same way with and without a buffer,
 *     and leaves *ret_bytes untouched;
 *   - a round trip (UTF-8 -> UTF-16LE -> UTF-8, and UTF-16LE -> UTF-8 ->
 *     UTF-16LE) gives back the input byte for byte.
 * Any broken promise aborts, which libFuzzer reports as a crash.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/clusapi.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENTINEL_SIZE ((size_t)0xC0FFEE)

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

typedef uint32_t (*convert_fn)(const void *in, size_t in_size, void *out, size_t out_size,
			       size_t *ret_bytes);

static uint32_t conv_8_to_16(const void *in, size_t in_size, void *out, size_t out_size,
			     size_t *ret_bytes)
{
	return clusprop_utf8_to_utf16le(in, in_size, out, out_size, ret_bytes);
}

static uint32_t conv_16_to_8(const void *in, size_t in_size, void *out, size_t out_size,
			     size_t *ret_bytes)
{
	return clusprop_utf16le_to_utf8(in, in_size, out, out_size, ret_bytes);
}

/*
 * Convert in[0..in_size) with conv under the buffer contract.  On success
 * *ret_out is a heap copy of exactly *ret_size bytes (the caller frees it);
 * otherwise the error, which has been checked to be stable.
 */
static uint32_t convert(convert_fn conv, const void *in, size_t in_size,
			uint8_t **ret_out, size_t *ret_size)
{
	size_t need = SENTINEL_SIZE;
	uint32_t r = conv(in, in_size, NULL, 0, &need);

	if (r != ERROR_MORE_DATA && r != ERROR_SUCCESS) {
		/* Rejected: the answer does not depend on the buffer, and the
		 * size is not touched. */
		CHECK(r == ERROR_NO_UNICODE_TRANSLATION || r == ERROR_INVALID_DATA);
		CHECK(need == SENTINEL_SIZE);
		uint8_t scratch[64];
		size_t again = SENTINEL_SIZE;
		CHECK(conv(in, in_size, scratch, sizeof(scratch), &again) == r);
		CHECK(again == SENTINEL_SIZE);
		CHECK(cluster_strerror(r) != NULL);
		return r;
	}
	CHECK(need != SENTINEL_SIZE);
	/* A NULL buffer may only "succeed" when nothing is needed. */
	CHECK(r == ERROR_MORE_DATA || need == 0);

	/* One byte short: the same answer, nothing written. */
	if (need > 0) {
		uint8_t *shortbuf = malloc(need - 1 ? need - 1 : 1);
		CHECK(shortbuf != NULL);
		memset(shortbuf, 0xA5, need - 1);
		size_t again = SENTINEL_SIZE;
		CHECK(conv(in, in_size, shortbuf, need - 1, &again) == ERROR_MORE_DATA);
		CHECK(again == need);
		for (size_t i = 0; i + 1 < need; i++)
			CHECK(shortbuf[i] == 0xA5);
		free(shortbuf);
	}

	/* Exactly the size announced (an exact-size heap block, so that ASan
	 * sees any write past it). */
	uint8_t *out = malloc(need ? need : 1);
	CHECK(out != NULL);
	size_t got = SENTINEL_SIZE;
	CHECK(conv(in, in_size, out, need, &got) == ERROR_SUCCESS);
	CHECK(got == need);
	*ret_out = out;
	*ret_size = got;
	return ERROR_SUCCESS;
}

/* Convert with first, then back with second: the input must come back. */
static void round_trip(convert_fn first, convert_fn second, const uint8_t *data, size_t size)
{
	uint8_t *mid = NULL, *back = NULL;
	size_t mid_size = 0, back_size = 0;

	if (convert(first, data, size, &mid, &mid_size) != ERROR_SUCCESS)
		return;
	CHECK(convert(second, mid, mid_size, &back, &back_size) == ERROR_SUCCESS);
	CHECK(back_size == size);
	CHECK(size == 0 || memcmp(back, data, size) == 0);
	free(back);
	free(mid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: reads past the end are caught by ASan. */
	uint8_t *in = malloc(size ? size : 1);
	if (!in)
		return 0;
	if (size)
		memcpy(in, data, size);

	round_trip(conv_8_to_16, conv_16_to_8, in, size);
	round_trip(conv_16_to_8, conv_8_to_16, in, size);

	/* An odd number of bytes is never UTF-16. */
	if (size % 2 == 1) {
		size_t need = SENTINEL_SIZE;
		CHECK(clusprop_utf16le_to_utf8(in, size, NULL, 0, &need) == ERROR_INVALID_DATA);
		CHECK(need == SENTINEL_SIZE);
	}

	free(in);
	return 0;
}
