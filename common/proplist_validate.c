/*
 * proplist_validate.c - whole-list validation (clusapi/proplist.h).
 *
 * Every length is checked against what is left of the buffer before it is
 * used, in size_t arithmetic that cannot wrap; nothing outside
 * [buf, buf + size) is read; nothing is allocated.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/proplist.h>

#include "cs_bytes.h"
#include "cs_utf.h"

/* The smallest property: NAME header + 1 padded unit, an empty value, ENDMARK. */
#define MIN_PROPERTY_SIZE (8u + 4u + 8u + 4u)

const char *clusprop_fault_str(enum clusprop_fault fault)
{
	switch (fault) {
	case CLUSPROP_FAULT_NONE:            return "no fault";
	case CLUSPROP_FAULT_TRUNCATED:       return "list truncated";
	case CLUSPROP_FAULT_MISALIGNED:      return "not aligned on 4 bytes";
	case CLUSPROP_FAULT_LENGTH_PAST_END: return "value length runs past the end of the buffer";
	case CLUSPROP_FAULT_BAD_LENGTH:      return "value length wrong for its syntax";
	case CLUSPROP_FAULT_MISSING_ENDMARK: return "missing ENDMARK";
	case CLUSPROP_FAULT_UNTERMINATED:    return "string not NUL-terminated";
	case CLUSPROP_FAULT_ODD_LENGTH:      return "UTF-16 string of an odd number of bytes";
	case CLUSPROP_FAULT_BAD_UNICODE:     return "invalid UTF-16 (lone surrogate or embedded NUL)";
	case CLUSPROP_FAULT_COUNT_TOO_LARGE: return "property count larger than the buffer can hold";
	case CLUSPROP_FAULT_EXPECTED_NAME:   return "property does not start with a NAME entry";
	case CLUSPROP_FAULT_NO_VALUE:        return "property has no value";
	case CLUSPROP_FAULT_UNEXPECTED_NAME: return "NAME entry where a value was expected";
	case CLUSPROP_FAULT_TRAILING_DATA:   return "data after the end of the list";
	case CLUSPROP_FAULT_TOO_LARGE:       return "list larger than the 64 MiB limit";
	}
	return "unknown fault";
}

static uint32_t fault(clusprop_diag *diag, enum clusprop_fault f, size_t off)
{
	if (diag) {
		diag->fault = f;
		diag->offset = off;
	}
	return f == CLUSPROP_FAULT_BAD_UNICODE ? ERROR_NO_UNICODE_TRANSLATION : ERROR_INVALID_DATA;
}

/* An SZ: even, NUL-terminated, no NUL before the end, valid UTF-16. */
static uint32_t check_sz(const uint8_t *d, size_t len, size_t off, clusprop_diag *diag)
{
	if (len % 2)
		return fault(diag, CLUSPROP_FAULT_ODD_LENGTH, off);
	if (len == 0 || cs_le16(d + len - 2) != 0)
		return fault(diag, CLUSPROP_FAULT_UNTERMINATED, off);
	for (size_t i = 0; i + 2 < len; i += 2)
		if (cs_le16(d + i) == 0)
			return fault(diag, CLUSPROP_FAULT_BAD_UNICODE, off);
	if (cs_utf16le_check(d, len - 2, NULL) != ERROR_SUCCESS)
		return fault(diag, CLUSPROP_FAULT_BAD_UNICODE, off);
	return ERROR_SUCCESS;
}

/* A MULTI_SZ: non-empty strings, each NUL-terminated, then one more NUL;
 * all NULs (length 2 or more) is the empty list. */
static uint32_t check_multi_sz(const uint8_t *d, size_t len, size_t off, clusprop_diag *diag)
{
	size_t start = 0;
	int all_nul = 1;

	if (len % 2)
		return fault(diag, CLUSPROP_FAULT_ODD_LENGTH, off);
	if (len == 0 || cs_le16(d + len - 2) != 0)
		return fault(diag, CLUSPROP_FAULT_UNTERMINATED, off);
	for (size_t i = 0; i < len; i += 2)
		if (cs_le16(d + i) != 0)
			all_nul = 0;
	if (all_nul)
		return ERROR_SUCCESS;
	if (len < 4 || cs_le16(d + len - 4) != 0)
		return fault(diag, CLUSPROP_FAULT_UNTERMINATED, off);
	for (size_t i = 0; i + 2 < len; i += 2) {
		if (cs_le16(d + i) != 0)
			continue;
		if (i == start)     /* an empty string before the end */
			return fault(diag, CLUSPROP_FAULT_BAD_UNICODE, off);
		if (cs_utf16le_check(d + start, i - start, NULL) != ERROR_SUCCESS)
			return fault(diag, CLUSPROP_FAULT_BAD_UNICODE, off);
		start = i + 2;
	}
	return ERROR_SUCCESS;
}

/* A UTF-16 field of a fixed structure: NUL inside its `units`, valid up to it. */
static uint32_t check_field(const uint8_t *d, size_t units, size_t off, clusprop_diag *diag)
{
	for (size_t i = 0; i < units; i++) {
		if (cs_le16(d + 2 * i) != 0)
			continue;
		if (cs_utf16le_check(d, 2 * i, NULL) != ERROR_SUCCESS)
			return fault(diag, CLUSPROP_FAULT_BAD_UNICODE, off);
		return ERROR_SUCCESS;
	}
	return fault(diag, CLUSPROP_FAULT_UNTERMINATED, off);
}

static uint32_t check_partition_info(const uint8_t *d, size_t off, clusprop_diag *diag)
{
	uint32_t rc;

	rc = check_field(d + offsetof(CLUS_PARTITION_INFO, szDeviceName), CLUSPROP_MAX_PATH,
			 off, diag);
	if (rc == ERROR_SUCCESS)
		rc = check_field(d + offsetof(CLUS_PARTITION_INFO, szVolumeLabel),
				 CLUSPROP_MAX_PATH, off, diag);
	if (rc == ERROR_SUCCESS)
		rc = check_field(d + offsetof(CLUS_PARTITION_INFO, szFileSystem),
				 CLUSPROP_FILESYSTEM_CHARS, off, diag);
	return rc;
}

/* The data of one entry, given its syntax. */
static uint32_t check_data(uint32_t syntax, const uint8_t *d, size_t len, size_t off,
			   clusprop_diag *diag)
{
	uint16_t type = CLUSPROP_SYNTAX_TYPE(syntax);

	if (type == CLUSPROP_TYPE_PARTITION_INFO) {
		if (CLUSPROP_SYNTAX_FORMAT(syntax) != CLUSPROP_FORMAT_BINARY ||
		    len != sizeof(CLUS_PARTITION_INFO))
			return fault(diag, CLUSPROP_FAULT_BAD_LENGTH, off);
		return check_partition_info(d, off, diag);
	}
	switch (CLUSPROP_SYNTAX_FORMAT(syntax)) {
	case CLUSPROP_FORMAT_DWORD:
	case CLUSPROP_FORMAT_LONG:
		return len == 4 ? ERROR_SUCCESS : fault(diag, CLUSPROP_FAULT_BAD_LENGTH, off);
	case CLUSPROP_FORMAT_WORD:
		return len == 2 ? ERROR_SUCCESS : fault(diag, CLUSPROP_FAULT_BAD_LENGTH, off);
	case CLUSPROP_FORMAT_ULARGE_INTEGER:
	case CLUSPROP_FORMAT_LARGE_INTEGER:
	case CLUSPROP_FORMAT_FILETIME:
		return len == 8 ? ERROR_SUCCESS : fault(diag, CLUSPROP_FAULT_BAD_LENGTH, off);
	case CLUSPROP_FORMAT_SZ:
	case CLUSPROP_FORMAT_EXPAND_SZ:
	case CLUSPROP_FORMAT_EXPANDED_SZ:
		return check_sz(d, len, off, diag);
	case CLUSPROP_FORMAT_MULTI_SZ:
		return check_multi_sz(d, len, off, diag);
	default:
		return ERROR_SUCCESS; /* BINARY, SECURITY_DESCRIPTOR, user formats: opaque */
	}
}

/*
 * One value entry at off (not an ENDMARK): header, length, padding, data.
 * *ret_next is the offset after it.
 */
static uint32_t check_entry(const uint8_t *p, size_t size, size_t off, size_t *ret_next,
			    clusprop_diag *diag)
{
	size_t left = size - off;
	uint32_t syntax, len;
	uint32_t rc;

	if (left < 8)
		return fault(diag, CLUSPROP_FAULT_TRUNCATED, off);
	syntax = cs_le32(p + off);
	len = cs_le32(p + off + 4);
	if (len > left - 8)
		return fault(diag, CLUSPROP_FAULT_LENGTH_PAST_END, off);
	if (cs_pad4(len) > left - 8)
		return fault(diag, CLUSPROP_FAULT_MISALIGNED, off);
	rc = check_data(syntax, p + off + 8, len, off, diag);
	if (rc != ERROR_SUCCESS)
		return rc;
	*ret_next = off + 8 + cs_pad4(len);
	return ERROR_SUCCESS;
}

/* Whole-buffer checks common to both kinds. */
static uint32_t check_size(const void *buf, size_t size, clusprop_diag *diag)
{
	if (!buf && size)
		return ERROR_INVALID_PARAMETER;
	if (size > CLUSPROP_MAX_LIST_SIZE)
		return fault(diag, CLUSPROP_FAULT_TOO_LARGE, 0);
	if (size % 4)
		return fault(diag, CLUSPROP_FAULT_MISALIGNED, size - size % 4);
	return ERROR_SUCCESS;
}

/* Values from off up to and including an ENDMARK; *ret_count of values. */
static uint32_t check_values(const uint8_t *p, size_t size, size_t off, size_t *ret_next,
			     uint32_t *ret_count, clusprop_diag *diag)
{
	uint32_t count = 0, rc;

	for (;;) {
		if (off == size)
			return fault(diag, CLUSPROP_FAULT_MISSING_ENDMARK, off);
		if (size - off < 4)
			return fault(diag, CLUSPROP_FAULT_TRUNCATED, off);
		uint32_t syntax = cs_le32(p + off);
		if (syntax == CLUSPROP_SYNTAX_ENDMARK)
			break;
		if (CLUSPROP_SYNTAX_TYPE(syntax) == CLUSPROP_TYPE_NAME)
			return fault(diag, CLUSPROP_FAULT_UNEXPECTED_NAME, off);
		rc = check_entry(p, size, off, &off, diag);
		if (rc != ERROR_SUCCESS)
			return rc;
		count++;
	}
	*ret_next = off + 4;
	*ret_count = count;
	return ERROR_SUCCESS;
}

uint32_t clusprop_validate_value_list(const void *buf, size_t size, clusprop_diag *diag)
{
	size_t end;
	uint32_t count;
	uint32_t rc = check_size(buf, size, diag);

	if (rc == ERROR_SUCCESS)
		rc = check_values(buf, size, 0, &end, &count, diag);
	if (rc == ERROR_SUCCESS && end != size)
		rc = fault(diag, CLUSPROP_FAULT_TRAILING_DATA, end);
	if (rc == ERROR_SUCCESS && diag) {
		diag->fault = CLUSPROP_FAULT_NONE;
		diag->offset = 0;
	}
	return rc;
}

uint32_t clusprop_validate_property_list(const void *buf, size_t size, clusprop_diag *diag)
{
	const uint8_t *p = buf;
	size_t off = 4;
	uint32_t count, values;
	uint32_t rc = check_size(buf, size, diag);

	if (rc != ERROR_SUCCESS)
		return rc;
	if (size < 4)
		return fault(diag, CLUSPROP_FAULT_TRUNCATED, 0);
	count = cs_le32(p);
	if (count > (size - 4) / MIN_PROPERTY_SIZE)
		return fault(diag, CLUSPROP_FAULT_COUNT_TOO_LARGE, 0);

	for (uint32_t i = 0; i < count; i++) {
		if (size - off < 4)
			return fault(diag, CLUSPROP_FAULT_TRUNCATED, off);
		if (cs_le32(p + off) != CLUSPROP_SYNTAX_NAME)
			return fault(diag, CLUSPROP_FAULT_EXPECTED_NAME, off);
		if (size - off >= 8 && cs_le32(p + off + 4) == 2 &&
		    size - off >= 12 && cs_le16(p + off + 8) == 0)
			return fault(diag, CLUSPROP_FAULT_BAD_LENGTH, off); /* empty name */
		rc = check_entry(p, size, off, &off, diag);
		if (rc != ERROR_SUCCESS)
			return rc;
		size_t at = off;
		rc = check_values(p, size, off, &off, &values, diag);
		if (rc != ERROR_SUCCESS)
			return rc;
		if (values == 0)
			return fault(diag, CLUSPROP_FAULT_NO_VALUE, at);
	}
	if (off != size)
		return fault(diag, CLUSPROP_FAULT_TRAILING_DATA, off);
	if (diag) {
		diag->fault = CLUSPROP_FAULT_NONE;
		diag->offset = 0;
	}
	return ERROR_SUCCESS;
}
