/*
 * utf.c - strict UTF-8 <-> UTF-16LE conversion (see clusapi/proplist.h).
 *
 * Both directions decode to code points and reject what is not Unicode:
 * overlong UTF-8, UTF-8-encoded surrogates, code points past U+10FFFF,
 * truncated sequences, and unpaired UTF-16 surrogates.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/proplist.h>

#include "cs_bytes.h"
#include "cs_utf.h"

/* Decode one code point of UTF-8 at s[*i], len bytes in all. */
static int utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *ret_cp)
{
	size_t k = *i;
	unsigned char b0 = s[k];
	uint32_t cp;
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */

	if (b0 < 0x80) {
		*ret_cp = b0;
		*i = k + 1;
		return 0;
	} else if (b0 >= 0xC2 && b0 <= 0xDF) {
		need = 1;
		cp = b0 & 0x1Fu;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		need = 2;
		cp = b0 & 0x0Fu;
		if (b0 == 0xE0)
			lo = 0xA0;      /* no overlong forms */
		else if (b0 == 0xED)
			hi = 0x9F;      /* no surrogates */
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		need = 3;
		cp = b0 & 0x07u;
		if (b0 == 0xF0)
			lo = 0x90;      /* no overlong forms */
		else if (b0 == 0xF4)
			hi = 0x8F;      /* nothing past U+10FFFF */
	} else {
		return -1;              /* continuation byte, C0, C1, F5..FF */
	}
	if (len - k - 1 < need)
		return -1;              /* truncated */
	for (size_t j = 1; j <= need; j++) {
		unsigned char c = s[k + j];
		unsigned char clo = j == 1 ? lo : 0x80, chi = j == 1 ? hi : 0xBF;
		if (c < clo || c > chi)
			return -1;
		cp = (cp << 6) | (c & 0x3Fu);
	}
	*ret_cp = cp;
	*i = k + need + 1;
	return 0;
}

uint32_t cs_utf8_check(const char *in, size_t len, size_t *ret_utf16_bytes)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, units = 0;
	uint32_t cp;

	while (i < len) {
		if (utf8_next(s, len, &i, &cp) < 0)
			return ERROR_NO_UNICODE_TRANSLATION;
		units += cp >= 0x10000 ? 2 : 1;
	}
	*ret_utf16_bytes = units * 2;
	return ERROR_SUCCESS;
}

void cs_utf8_write_utf16le(const char *in, size_t len, uint8_t *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		if (utf8_next(s, len, &i, &cp) < 0)
			return; /* cannot happen after cs_utf8_check() */
		if (cp >= 0x10000) {
			cp -= 0x10000;
			cs_put_le16(out, (uint16_t)(0xD800 | (cp >> 10)));
			cs_put_le16(out + 2, (uint16_t)(0xDC00 | (cp & 0x3FF)));
			out += 4;
		} else {
			cs_put_le16(out, (uint16_t)cp);
			out += 2;
		}
	}
}

uint32_t clusprop_utf8_to_utf16le(const char *in, size_t len,
				  void *out, size_t out_size, size_t *ret_bytes)
{
	size_t need;
	uint32_t rc;

	if ((!in && len) || !ret_bytes)
		return ERROR_INVALID_PARAMETER;
	rc = cs_utf8_check(in, len, &need);
	if (rc != ERROR_SUCCESS)
		return rc;
	*ret_bytes = need;
	if (!out || out_size < need)
		return ERROR_MORE_DATA;
	cs_utf8_write_utf16le(in, len, out);
	return ERROR_SUCCESS;
}

/* Decode one code point of UTF-16LE at p[*i] (unit index), n units in all. */
static int utf16_next(const uint8_t *p, size_t n, size_t *i, uint32_t *ret_cp)
{
	uint32_t u = cs_le16(p + 2 * *i);

	if (u >= 0xDC00 && u <= 0xDFFF)
		return -1;                      /* lone low surrogate */
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (*i + 1 >= n)
			return -1;              /* high surrogate at the end */
		uint32_t u2 = cs_le16(p + 2 * (*i + 1));
		if (u2 < 0xDC00 || u2 > 0xDFFF)
			return -1;              /* high surrogate not followed by a low one */
		*ret_cp = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
		*i += 2;
		return 0;
	}
	*ret_cp = u;
	*i += 1;
	return 0;
}

uint32_t cs_utf16le_check(const void *in, size_t in_bytes, size_t *ret_utf8_bytes)
{
	const uint8_t *p = in;
	size_t n = in_bytes / 2, i = 0, bytes = 0;
	uint32_t cp;

	if (in_bytes % 2)
		return ERROR_INVALID_DATA;
	while (i < n) {
		if (utf16_next(p, n, &i, &cp) < 0)
			return ERROR_NO_UNICODE_TRANSLATION;
		bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	}
	if (ret_utf8_bytes)
		*ret_utf8_bytes = bytes;
	return ERROR_SUCCESS;
}

void cs_utf16le_write_utf8(const void *in, size_t in_bytes, char *out)
{
	const uint8_t *p = in;
	unsigned char *o = (unsigned char *)out;
	size_t n = in_bytes / 2, i = 0;
	uint32_t cp;

	while (i < n) {
		if (utf16_next(p, n, &i, &cp) < 0)
			return; /* cannot happen after cs_utf16le_check() */
		if (cp < 0x80) {
			*o++ = (unsigned char)cp;
		} else if (cp < 0x800) {
			*o++ = (unsigned char)(0xC0 | (cp >> 6));
			*o++ = (unsigned char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			*o++ = (unsigned char)(0xE0 | (cp >> 12));
			*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (cp & 0x3F));
		} else {
			*o++ = (unsigned char)(0xF0 | (cp >> 18));
			*o++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
			*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			*o++ = (unsigned char)(0x80 | (cp & 0x3F));
		}
	}
}

uint32_t clusprop_utf16le_to_utf8(const void *in, size_t in_bytes,
				  char *out, size_t out_size, size_t *ret_bytes)
{
	size_t need;
	uint32_t rc;

	if ((!in && in_bytes) || !ret_bytes)
		return ERROR_INVALID_PARAMETER;
	rc = cs_utf16le_check(in, in_bytes, &need);
	if (rc != ERROR_SUCCESS)
		return rc;
	*ret_bytes = need;
	if (!out || out_size < need)
		return ERROR_MORE_DATA;
	cs_utf16le_write_utf8(in, in_bytes, out);
	return ERROR_SUCCESS;
}
