/*
 * proplist_build.c - value-list and property-list builder (clusapi/proplist.h).
 *
 * One builder serves three destinations: MEASURE counts bytes, FIXED writes
 * into a caller buffer already known to be large enough (the second pass of
 * clusprop_build), OWNED grows a heap buffer.  Every append first reserves
 * its whole entry, so an entry is either written completely or not at all.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <clusapi/proplist.h>

#include <string.h>

#include "cs_alloc.h"
#include "cs_bytes.h"
#include "cs_utf.h"

#define PARTITION_INFO_SIZE ((uint32_t)sizeof(CLUS_PARTITION_INFO))

static void init(clusprop_builder *b, uint32_t mode, void *buf, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->mode = mode;
	b->buf = buf;
	b->cap = cap;
	b->count_off = SIZE_MAX;
}

void clusprop_builder_init_measure(clusprop_builder *b)
{
	init(b, CLUSPROP_BUILD_MEASURE, NULL, 0);
}

void clusprop_builder_init_owned(clusprop_builder *b)
{
	init(b, CLUSPROP_BUILD_OWNED, NULL, 0);
}

void clusprop_builder_init_fixed(clusprop_builder *b, void *buf, size_t size)
{
	init(b, CLUSPROP_BUILD_FIXED, buf, buf ? size : 0);
}

void clusprop_builder_free(clusprop_builder *b)
{
	if (!b)
		return;
	if (b->mode == CLUSPROP_BUILD_OWNED)
		cs_free(b->buf);
	b->buf = NULL;
	b->cap = 0;
	b->len = 0;
	b->count = 0;
	b->count_off = SIZE_MAX;
}

void clusprop_free(void *p)
{
	cs_free(p);
}

uint32_t clusprop_builder_status(const clusprop_builder *b)
{
	return b ? b->status : ERROR_INVALID_PARAMETER;
}

size_t clusprop_builder_size(const clusprop_builder *b)
{
	return b ? b->len : 0;
}

const void *clusprop_builder_data(const clusprop_builder *b)
{
	return b && b->mode != CLUSPROP_BUILD_MEASURE ? b->buf : NULL;
}

static uint32_t set_error(clusprop_builder *b, uint32_t err)
{
	if (b->status == ERROR_SUCCESS)
		b->status = err;
	return b->status;
}

/*
 * Reserve n bytes at the end; *ret_p points at them (NULL when measuring).
 * Nothing is produced on failure.
 */
static uint32_t reserve(clusprop_builder *b, size_t n, uint8_t **ret_p)
{
	if (b->status != ERROR_SUCCESS)
		return b->status;
	if (n > CLUSPROP_MAX_LIST_SIZE || b->len > CLUSPROP_MAX_LIST_SIZE - n)
		return set_error(b, ERROR_INVALID_PARAMETER);

	switch (b->mode) {
	case CLUSPROP_BUILD_MEASURE:
		*ret_p = NULL;
		break;
	case CLUSPROP_BUILD_FIXED:
		if (b->len + n > b->cap)
			return set_error(b, ERROR_INSUFFICIENT_BUFFER);
		*ret_p = b->buf + b->len;
		break;
	case CLUSPROP_BUILD_OWNED:
		if (b->len + n > b->cap) {
			size_t cap = b->cap ? b->cap : 256;
			while (cap < b->len + n)
				cap *= 2;
			uint8_t *nb = cs_realloc(b->buf, cap);
			if (!nb)
				return set_error(b, ERROR_NOT_ENOUGH_MEMORY);
			b->buf = nb;
			b->cap = cap;
		}
		*ret_p = b->buf + b->len;
		break;
	default:
		return set_error(b, ERROR_INVALID_PARAMETER);
	}
	b->len += n;
	return ERROR_SUCCESS;
}

/*
 * Append an entry header for `len` bytes of data and its padding; *ret_data
 * points at the data area (NULL when measuring), padding already zeroed.
 */
static uint32_t begin_entry(clusprop_builder *b, uint32_t syntax, size_t len, uint8_t **ret_data)
{
	uint8_t *p;
	uint32_t rc;

	if (b->status != ERROR_SUCCESS)
		return b->status;
	if (len > CLUSPROP_MAX_LIST_SIZE)
		return set_error(b, ERROR_INVALID_PARAMETER);
	rc = reserve(b, 8 + cs_pad4(len), &p);
	if (rc != ERROR_SUCCESS)
		return rc;
	if (p) {
		cs_put_le32(p, syntax);
		cs_put_le32(p + 4, (uint32_t)len);
		memset(p + 8 + len, 0, cs_pad4(len) - len);
		p += 8;
	}
	*ret_data = p;
	return ERROR_SUCCESS;
}

static uint32_t check_args(clusprop_builder *b, int ok)
{
	if (!b)
		return ERROR_INVALID_PARAMETER;
	if (b->status != ERROR_SUCCESS)
		return b->status;
	return ok ? ERROR_SUCCESS : set_error(b, ERROR_INVALID_PARAMETER);
}

/* The entry syntax must not be ENDMARK or NAME: those have their own calls. */
static int value_syntax_ok(uint32_t syntax)
{
	return syntax != CLUSPROP_SYNTAX_ENDMARK && syntax != CLUSPROP_SYNTAX_NAME;
}

static uint32_t put_fixed(clusprop_builder *b, uint32_t syntax, const uint8_t *le, size_t n)
{
	uint8_t *p;
	uint32_t rc = check_args(b, value_syntax_ok(syntax));

	if (rc == ERROR_SUCCESS)
		rc = begin_entry(b, syntax, n, &p);
	if (rc == ERROR_SUCCESS && p)
		memcpy(p, le, n);
	return rc;
}

uint32_t clusprop_put_dword(clusprop_builder *b, uint32_t syntax, uint32_t value)
{
	uint8_t le[4];

	cs_put_le32(le, value);
	return put_fixed(b, syntax, le, sizeof(le));
}

uint32_t clusprop_put_long(clusprop_builder *b, uint32_t syntax, int32_t value)
{
	return clusprop_put_dword(b, syntax, (uint32_t)value);
}

uint32_t clusprop_put_word(clusprop_builder *b, uint32_t syntax, uint16_t value)
{
	uint8_t le[2];

	cs_put_le16(le, value);
	return put_fixed(b, syntax, le, sizeof(le));
}

uint32_t clusprop_put_ularge(clusprop_builder *b, uint32_t syntax, uint64_t value)
{
	uint8_t le[8];

	cs_put_le64(le, value);
	return put_fixed(b, syntax, le, sizeof(le));
}

uint32_t clusprop_put_large(clusprop_builder *b, uint32_t syntax, int64_t value)
{
	return clusprop_put_ularge(b, syntax, (uint64_t)value);
}

uint32_t clusprop_put_binary(clusprop_builder *b, uint32_t syntax, const void *data, size_t len)
{
	uint8_t *p;
	uint32_t rc = check_args(b, value_syntax_ok(syntax) && (data || len == 0));

	if (rc == ERROR_SUCCESS)
		rc = begin_entry(b, syntax, len, &p);
	if (rc == ERROR_SUCCESS && p && len)
		memcpy(p, data, len);
	return rc;
}

/* An entry's header and padding around len bytes of data, or (syntax
 * BARE) the data alone; *ret_data as for begin_entry. */
#define BARE UINT32_MAX
static uint32_t begin_value(clusprop_builder *b, uint32_t syntax, size_t len, uint8_t **ret_data)
{
	return syntax == BARE ? reserve(b, len, ret_data) : begin_entry(b, syntax, len, ret_data);
}

/* An SZ-format entry (value or NAME), or a bare string, from UTF-8. */
static uint32_t put_string(clusprop_builder *b, uint32_t syntax, const char *str)
{
	size_t len, u16;
	uint8_t *p;
	uint32_t rc;

	len = strlen(str);
	rc = cs_utf8_check(str, len, &u16);
	if (rc != ERROR_SUCCESS)
		return set_error(b, rc);
	rc = begin_value(b, syntax, u16 + 2, &p);
	if (rc == ERROR_SUCCESS && p) {
		cs_utf8_write_utf16le(str, len, p);
		cs_put_le16(p + u16, 0);
	}
	return rc;
}

uint32_t clusprop_put_sz(clusprop_builder *b, uint32_t syntax, const char *str)
{
	uint32_t rc = check_args(b, value_syntax_ok(syntax) && str);

	return rc == ERROR_SUCCESS ? put_string(b, syntax, str) : rc;
}

static uint32_t put_multi(clusprop_builder *b, uint32_t syntax, const char *const *strs, size_t n)
{
	size_t total = 2, u16;
	uint8_t *p;
	uint32_t rc;

	for (size_t i = 0; i < n; i++) {
		if (!strs[i] || !strs[i][0])
			return set_error(b, ERROR_INVALID_PARAMETER);
		rc = cs_utf8_check(strs[i], strlen(strs[i]), &u16);
		if (rc != ERROR_SUCCESS)
			return set_error(b, rc);
		if (u16 > CLUSPROP_MAX_LIST_SIZE - total)
			return set_error(b, ERROR_INVALID_PARAMETER);
		total += u16 + 2;
	}
	rc = begin_value(b, syntax, total, &p);
	if (rc != ERROR_SUCCESS || !p)
		return rc;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(strs[i]);
		cs_utf8_check(strs[i], len, &u16);
		cs_utf8_write_utf16le(strs[i], len, p);
		cs_put_le16(p + u16, 0);
		p += u16 + 2;
	}
	cs_put_le16(p, 0);
	return ERROR_SUCCESS;
}

uint32_t clusprop_put_multi_sz(clusprop_builder *b, uint32_t syntax,
			       const char *const *strs, size_t n)
{
	uint32_t rc = check_args(b, value_syntax_ok(syntax) && (strs || n == 0));

	return rc == ERROR_SUCCESS ? put_multi(b, syntax, strs, n) : rc;
}

/* ---- bare values ---- */

uint32_t clusprop_put_bare_sz(clusprop_builder *b, const char *str)
{
	uint32_t rc = check_args(b, str != NULL);

	return rc == ERROR_SUCCESS ? put_string(b, BARE, str) : rc;
}

uint32_t clusprop_put_bare_multi_sz(clusprop_builder *b, const char *const *strs, size_t n)
{
	uint32_t rc = check_args(b, strs || n == 0);

	return rc == ERROR_SUCCESS ? put_multi(b, BARE, strs, n) : rc;
}

uint32_t clusprop_put_bare_bytes(clusprop_builder *b, const void *data, size_t len)
{
	uint8_t *p;
	uint32_t rc = check_args(b, data || len == 0);

	if (rc == ERROR_SUCCESS)
		rc = reserve(b, len, &p);
	if (rc == ERROR_SUCCESS && p && len)
		memcpy(p, data, len);
	return rc;
}

uint32_t clusprop_put_bare_dword(clusprop_builder *b, uint32_t value)
{
	uint8_t le[4];

	cs_put_le32(le, value);
	return clusprop_put_bare_bytes(b, le, sizeof(le));
}

uint32_t clusprop_put_bare_ularge(clusprop_builder *b, uint64_t value)
{
	uint8_t le[8];

	cs_put_le64(le, value);
	return clusprop_put_bare_bytes(b, le, sizeof(le));
}

uint32_t clusprop_put_endmark(clusprop_builder *b)
{
	uint8_t *p;
	uint32_t rc = check_args(b, 1);

	if (rc == ERROR_SUCCESS)
		rc = reserve(b, 4, &p);
	if (rc == ERROR_SUCCESS && p)
		cs_put_le32(p, CLUSPROP_SYNTAX_ENDMARK);
	return rc;
}

/* ---- storage entries ---- */

uint32_t clusprop_put_disk_signature(clusprop_builder *b, uint32_t signature)
{
	return clusprop_put_dword(b, CLUSPROP_SYNTAX_DISK_SIGNATURE, signature);
}

uint32_t clusprop_put_disk_guid(clusprop_builder *b, const char *guid)
{
	return clusprop_put_sz(b, CLUSPROP_SYNTAX_DISK_GUID, guid);
}

uint32_t clusprop_put_scsi_address(clusprop_builder *b, const CLUS_SCSI_ADDRESS *addr)
{
	uint8_t le[4];
	uint32_t rc = check_args(b, addr != NULL);

	if (rc != ERROR_SUCCESS)
		return rc;
	/* Byte order of the union: PortNumber, PathId, TargetId, Lun. */
	le[0] = addr->PortNumber;
	le[1] = addr->PathId;
	le[2] = addr->TargetId;
	le[3] = addr->Lun;
	return put_fixed(b, CLUSPROP_SYNTAX_SCSI_ADDRESS, le, sizeof(le));
}

uint32_t clusprop_put_disk_number(clusprop_builder *b, uint32_t number)
{
	return clusprop_put_dword(b, CLUSPROP_SYNTAX_DISK_NUMBER, number);
}

uint32_t clusprop_put_disk_size(clusprop_builder *b, uint64_t bytes)
{
	return clusprop_put_ularge(b, CLUSPROP_SYNTAX_DISK_SIZE, bytes);
}

/* Check that s fits a UTF-16 field of `chars` code units with its NUL. */
static uint32_t field_check(const char *s, size_t chars, size_t *ret_u16)
{
	uint32_t rc;

	if (!s)
		s = "";
	rc = cs_utf8_check(s, strlen(s), ret_u16);
	if (rc != ERROR_SUCCESS)
		return rc;
	return *ret_u16 / 2 < chars ? ERROR_SUCCESS : ERROR_INVALID_PARAMETER;
}

static void field_write(uint8_t *dst, const char *s)
{
	if (s)
		cs_utf8_write_utf16le(s, strlen(s), dst); /* the rest is already zero */
}

uint32_t clusprop_put_partition_info(clusprop_builder *b, const clusprop_partition *pi)
{
	size_t dev, label, fs;
	uint8_t *p;
	uint32_t rc = check_args(b, pi && pi->device_name);

	if (rc != ERROR_SUCCESS)
		return rc;
	if ((rc = field_check(pi->device_name, CLUSPROP_MAX_PATH, &dev)) != ERROR_SUCCESS ||
	    (rc = field_check(pi->volume_label, CLUSPROP_MAX_PATH, &label)) != ERROR_SUCCESS ||
	    (rc = field_check(pi->file_system, CLUSPROP_FILESYSTEM_CHARS, &fs)) != ERROR_SUCCESS)
		return set_error(b, rc);
	rc = begin_entry(b, CLUSPROP_SYNTAX_PARTITION_INFO, PARTITION_INFO_SIZE, &p);
	if (rc != ERROR_SUCCESS || !p)
		return rc;
	memset(p, 0, PARTITION_INFO_SIZE);
	cs_put_le32(p + offsetof(CLUS_PARTITION_INFO, dwFlags), pi->flags);
	field_write(p + offsetof(CLUS_PARTITION_INFO, szDeviceName), pi->device_name);
	field_write(p + offsetof(CLUS_PARTITION_INFO, szVolumeLabel), pi->volume_label);
	cs_put_le32(p + offsetof(CLUS_PARTITION_INFO, dwSerialNumber), pi->serial_number);
	cs_put_le32(p + offsetof(CLUS_PARTITION_INFO, rgdwMaximumComponentLength),
		    pi->max_component_length);
	cs_put_le32(p + offsetof(CLUS_PARTITION_INFO, dwFileSystemFlags), pi->file_system_flags);
	field_write(p + offsetof(CLUS_PARTITION_INFO, szFileSystem), pi->file_system);
	return ERROR_SUCCESS;
}

/* ---- property lists ---- */

uint32_t clusprop_builder_begin_plist(clusprop_builder *b)
{
	uint8_t *p;
	uint32_t rc = check_args(b, b && b->len == 0 && b->count_off == SIZE_MAX);

	if (rc == ERROR_SUCCESS)
		rc = reserve(b, 4, &p);
	if (rc != ERROR_SUCCESS)
		return rc;
	if (p)
		cs_put_le32(p, 0);
	b->count_off = 0;
	b->count = 0;
	return ERROR_SUCCESS;
}

uint32_t clusprop_put_name(clusprop_builder *b, const char *name)
{
	uint32_t rc = check_args(b, b && b->count_off != SIZE_MAX && name && name[0] &&
				    b->count < UINT32_MAX);

	if (rc == ERROR_SUCCESS)
		rc = put_string(b, CLUSPROP_SYNTAX_NAME, name);
	if (rc != ERROR_SUCCESS)
		return rc;
	b->count++;
	if (b->mode != CLUSPROP_BUILD_MEASURE)
		cs_put_le32(b->buf + b->count_off, b->count);
	return ERROR_SUCCESS;
}

/* NAME, value(s) appended by the caller's step, ENDMARK. */
#define ADD_PROPERTY(b, name, put_value)                        \
	do {                                                    \
		uint32_t rc_ = clusprop_put_name((b), (name));  \
		if (rc_ == ERROR_SUCCESS)                       \
			rc_ = (put_value);                      \
		if (rc_ == ERROR_SUCCESS)                       \
			rc_ = clusprop_put_endmark(b);          \
		return rc_;                                     \
	} while (0)

uint32_t clusprop_add_dword(clusprop_builder *b, const char *name, uint32_t value)
{
	ADD_PROPERTY(b, name, clusprop_put_dword(b, CLUSPROP_SYNTAX_LIST_VALUE_DWORD, value));
}

uint32_t clusprop_add_long(clusprop_builder *b, const char *name, int32_t value)
{
	ADD_PROPERTY(b, name, clusprop_put_long(b, CLUSPROP_SYNTAX_LIST_VALUE_LONG, value));
}

uint32_t clusprop_add_ularge(clusprop_builder *b, const char *name, uint64_t value)
{
	ADD_PROPERTY(b, name,
		     clusprop_put_ularge(b, CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER, value));
}

uint32_t clusprop_add_large(clusprop_builder *b, const char *name, int64_t value)
{
	ADD_PROPERTY(b, name,
		     clusprop_put_large(b, CLUSPROP_SYNTAX_LIST_VALUE_LARGE_INTEGER, value));
}

uint32_t clusprop_add_binary(clusprop_builder *b, const char *name, const void *data, size_t len)
{
	ADD_PROPERTY(b, name,
		     clusprop_put_binary(b, CLUSPROP_SYNTAX_LIST_VALUE_BINARY, data, len));
}

uint32_t clusprop_add_sz(clusprop_builder *b, const char *name, const char *value)
{
	ADD_PROPERTY(b, name, clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_SZ, value));
}

uint32_t clusprop_add_expand_sz(clusprop_builder *b, const char *name, const char *value)
{
	ADD_PROPERTY(b, name, clusprop_put_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_EXPAND_SZ, value));
}

uint32_t clusprop_add_multi_sz(clusprop_builder *b, const char *name,
			       const char *const *strs, size_t n)
{
	ADD_PROPERTY(b, name,
		     clusprop_put_multi_sz(b, CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ, strs, n));
}

/* ---- finishing ---- */

uint32_t clusprop_builder_take(clusprop_builder *b, void **ret_buf, size_t *ret_size)
{
	if (!b || !ret_buf || !ret_size || b->mode != CLUSPROP_BUILD_OWNED)
		return ERROR_INVALID_PARAMETER;
	if (b->status != ERROR_SUCCESS)
		return b->status;
	*ret_buf = b->buf;
	*ret_size = b->len;
	init(b, CLUSPROP_BUILD_OWNED, NULL, 0);
	return ERROR_SUCCESS;
}

uint32_t clusprop_builder_copy_out(const clusprop_builder *b, void *out, size_t out_size,
				   size_t *ret_bytes)
{
	if (!b || b->mode == CLUSPROP_BUILD_MEASURE)
		return ERROR_INVALID_PARAMETER;
	if (b->status != ERROR_SUCCESS)
		return b->status;
	if (ret_bytes)
		*ret_bytes = b->len;
	if (!out || out_size < b->len)
		return ERROR_MORE_DATA;
	if (b->len)
		memcpy(out, b->buf, b->len);
	return ERROR_SUCCESS;
}

uint32_t clusprop_build(void *out, size_t out_size, size_t *ret_bytes,
			clusprop_produce_fn produce, void *ctx)
{
	clusprop_builder b;
	size_t need;
	uint32_t rc;

	if (!ret_bytes || !produce)
		return ERROR_INVALID_PARAMETER;

	clusprop_builder_init_measure(&b);
	rc = produce(&b, ctx);
	if (rc == ERROR_SUCCESS)
		rc = b.status;
	if (rc != ERROR_SUCCESS)
		return rc;
	need = b.len;
	if (!out || out_size < need) {
		*ret_bytes = need;
		return ERROR_MORE_DATA;
	}

	clusprop_builder_init_fixed(&b, out, out_size);
	rc = produce(&b, ctx);
	if (rc == ERROR_SUCCESS)
		rc = b.status;
	if (rc == ERROR_SUCCESS && b.len != need)
		rc = ERROR_INVALID_DATA; /* produce() did not repeat itself */
	if (rc != ERROR_SUCCESS)
		return rc;
	*ret_bytes = need;
	return ERROR_SUCCESS;
}
