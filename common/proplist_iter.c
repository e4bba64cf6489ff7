/*
 * proplist_iter.c - reading a validated list (clusapi/proplist.h).
 *
 * clusprop_iter_init() validates the whole list, so the reading code below
 * trusts every length it meets.  Strings are converted to UTF-8 into buffers
 * the iterator owns; the read position moves only after a conversion has
 * succeeded, so a failed allocation can simply be retried.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/proplist.h>

#include <string.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "cs_utf.h"

uint32_t clusprop_iter_init(clusprop_iter *it, enum clusprop_list_kind kind,
			    const void *buf, size_t size, clusprop_diag *diag)
{
	uint32_t rc;

	if (!it)
		return ERROR_INVALID_PARAMETER;
	/* an iterator that failed to start holds nothing: ending it is safe */
	memset(it, 0, sizeof(*it));
	if (kind != CLUSPROP_VALUE_LIST && kind != CLUSPROP_PROPERTY_LIST)
		return ERROR_INVALID_PARAMETER;
	if (kind == CLUSPROP_VALUE_LIST)
		rc = clusprop_validate_value_list(buf, size, diag);
	else
		rc = clusprop_validate_property_list(buf, size, diag);
	if (rc != ERROR_SUCCESS)
		return rc;

	it->buf = buf;
	it->size = size;
	it->kind = kind;
	if (kind == CLUSPROP_PROPERTY_LIST) {
		it->props_left = cs_le32(it->buf);
		it->off = 4;
	}
	return ERROR_SUCCESS;
}

void clusprop_iter_done(clusprop_iter *it)
{
	if (!it)
		return;
	cs_freep(&it->name);
	cs_freep(&it->str);
	it->str_cap = 0;
	it->props_left = 0;
	it->off = it->size;
	it->in_property = 0;
}

/* UTF-16LE (validated) to a fresh NUL-terminated UTF-8 string. */
static char *to_utf8(const uint8_t *d, size_t len, size_t *ret_len)
{
	size_t n;
	char *s;

	if (cs_utf16le_check(d, len, &n) != ERROR_SUCCESS)
		return NULL;
	s = cs_malloc(n + 1);
	if (!s)
		return NULL;
	cs_utf16le_write_utf8(d, len, s);
	s[n] = '\0';
	if (ret_len)
		*ret_len = n;
	return s;
}

/* Convert a string value into it->str; fills v's string fields. */
static uint32_t convert_string(clusprop_iter *it, clusprop_value *v)
{
	const uint8_t *d = v->data;
	size_t len = v->length, n, count = 0, u8len;

	/* Drop the final NUL (SZ) or the final empty string (MULTI_SZ). */
	len -= 2;
	if (v->format == CLUSPROP_FORMAT_MULTI_SZ) {
		int all_nul = 1;
		for (size_t i = 0; i < v->length; i += 2)
			if (cs_le16(d + i) != 0)
				all_nul = 0;
		if (all_nul)
			len = 0;
	}
	cs_utf16le_check(d, len, &n);
	if (n + 1 > it->str_cap) {
		char *s = cs_realloc(it->str, n + 1);
		if (!s)
			return ERROR_NOT_ENOUGH_MEMORY;
		it->str = s;
		it->str_cap = n + 1;
	}
	cs_utf16le_write_utf8(d, len, it->str);
	it->str[n] = '\0';
	u8len = n;
	if (v->format == CLUSPROP_FORMAT_MULTI_SZ) {
		for (size_t i = 0; i < n; i++)
			if (it->str[i] == '\0')
				count++;
	} else {
		count = 1;
	}
	v->str = it->str;
	v->str_len = u8len;
	v->str_count = (uint32_t)count;
	return ERROR_SUCCESS;
}

static int is_string_format(uint16_t format)
{
	return format == CLUSPROP_FORMAT_SZ || format == CLUSPROP_FORMAT_EXPAND_SZ ||
	       format == CLUSPROP_FORMAT_EXPANDED_SZ || format == CLUSPROP_FORMAT_MULTI_SZ;
}

uint32_t clusprop_iter_next(clusprop_iter *it, clusprop_value *v)
{
	clusprop_value val;
	uint32_t syntax, len;
	uint32_t rc;

	if (!it || !v || !it->buf)
		return ERROR_INVALID_PARAMETER;

	for (;;) {
		if (it->off + 4 > it->size)
			return ERROR_NO_MORE_ITEMS;
		syntax = cs_le32(it->buf + it->off);

		if (it->kind == CLUSPROP_VALUE_LIST) {
			if (syntax == CLUSPROP_SYNTAX_ENDMARK)
				return ERROR_NO_MORE_ITEMS;
			break;
		}
		if (!it->in_property) {
			char *name;
			if (it->props_left == 0)
				return ERROR_NO_MORE_ITEMS;
			len = cs_le32(it->buf + it->off + 4);
			name = to_utf8(it->buf + it->off + 8, len - 2, NULL);
			if (!name)
				return ERROR_NOT_ENOUGH_MEMORY;
			cs_free(it->name);
			it->name = name;
			it->off += 8 + cs_pad4(len);
			it->in_property = 1;
			it->props_left--;
			it->prop_index++;
			continue;
		}
		if (syntax == CLUSPROP_SYNTAX_ENDMARK) {
			it->off += 4;
			it->in_property = 0;
			continue;
		}
		break;
	}

	len = cs_le32(it->buf + it->off + 4);
	memset(&val, 0, sizeof(val));
	val.name = it->kind == CLUSPROP_PROPERTY_LIST ? it->name : NULL;
	val.property_index = it->prop_index ? it->prop_index - 1 : 0;
	val.syntax = syntax;
	val.type = CLUSPROP_SYNTAX_TYPE(syntax);
	val.format = CLUSPROP_SYNTAX_FORMAT(syntax);
	val.data = it->buf + it->off + 8;
	val.length = len;
	switch (val.format) {
	case CLUSPROP_FORMAT_DWORD:
	case CLUSPROP_FORMAT_LONG:
		val.num.dw = cs_le32(val.data);
		break;
	case CLUSPROP_FORMAT_WORD:
		val.num.dw = cs_le16(val.data);
		break;
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
	case CLUSPROP_FORMAT_LARGE_INTEGER:
	case CLUSPROP_FORMAT_FILETIME:
		val.num.u64 = cs_le64(val.data);
		break;
	default:
		break;
	}
	if (is_string_format(val.format) && val.type != CLUSPROP_TYPE_PARTITION_INFO) {
		rc = convert_string(it, &val);
		if (rc != ERROR_SUCCESS)
			return rc;
	}
	it->off += 8 + cs_pad4(len);
	*v = val;
	return ERROR_SUCCESS;
}

const char *clusprop_value_multi_sz_at(const clusprop_value *v, uint32_t i)
{
	const char *s, *end;

	if (!v || !v->str || i >= v->str_count)
		return NULL;
	s = v->str;
	end = v->str + v->str_len;
	if (v->format != CLUSPROP_FORMAT_MULTI_SZ)
		return i == 0 ? s : NULL;
	while (i-- > 0 && s < end)
		s += strlen(s) + 1;
	return s < end ? s : NULL;
}
