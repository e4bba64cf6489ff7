/*
 * clusapi/proplist.h - build, validate and read MSCS value lists and
 * property lists; convert between UTF-8 and UTF-16LE.
 *
 * Formats (Microsoft's published Cluster API documentation):
 *   value entry    = syntax u32, length u32, data[length], zero padding to 4
 *   value list     = value entry*, ENDMARK (a lone u32 0)
 *   property list  = count u32, property[count]
 *   property       = NAME entry (UTF-16LE name), value entry+, ENDMARK
 * All integers little-endian; strings UTF-16LE with a terminating NUL, their
 * length counting that NUL; MULTI_SZ strings end with an extra NUL.
 *
 * The C side speaks UTF-8: builders take UTF-8 strings, the iterator gives
 * UTF-8 back.  Every reader validates the whole list before it reads any of it.
 *
 * Errors (uint32_t, see clusapi/errors.h):
 *   ERROR_MORE_DATA               output buffer too small or NULL: the size
 *                                 needed is returned, nothing is written
 *   ERROR_NOT_ENOUGH_MEMORY       an allocation failed; nothing is leaked
 *   ERROR_INVALID_DATA            a list is malformed (clusprop_diag says how)
 *   ERROR_NO_UNICODE_TRANSLATION  a string is not valid UTF-8 / UTF-16
 *   ERROR_INVALID_PARAMETER       a bad argument (NULL where one is needed, ...)
 *
 * Output parameters are written only on success (and, for ERROR_MORE_DATA,
 * the size needed); on any other error they are left untouched.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CLUSAPI_PROPLIST_H
#define CLUSAPI_PROPLIST_H

#include <stddef.h>
#include <stdint.h>

#include <clusapi/clusprop.h>
#include <clusapi/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Upper bound on any one list this library builds or reads: 64 MiB. */
#define CLUSPROP_MAX_LIST_SIZE (64u * 1024u * 1024u)

/* ======================================================================
 * UTF-8 <-> UTF-16LE
 * ====================================================================== */

/*
 * clusprop_utf8_to_utf16le - convert len bytes of UTF-8 (no NUL is added or
 * required) to UTF-16LE code units in out.  Rejects overlong forms, encoded
 * surrogates, code points above U+10FFFF and truncated sequences
 * (ERROR_NO_UNICODE_TRANSLATION).  *ret_bytes receives the output size in
 * bytes, both on success and with ERROR_MORE_DATA (out NULL or too small).
 */
uint32_t clusprop_utf8_to_utf16le(const char *in, size_t len,
				  void *out, size_t out_size, size_t *ret_bytes);

/*
 * clusprop_utf16le_to_utf8 - convert in_bytes of UTF-16LE to UTF-8 (no NUL is
 * added).  Odd in_bytes gives ERROR_INVALID_DATA; a lone surrogate gives
 * ERROR_NO_UNICODE_TRANSLATION.  *ret_bytes as above.
 */
uint32_t clusprop_utf16le_to_utf8(const void *in, size_t in_bytes,
				  char *out, size_t out_size, size_t *ret_bytes);

/* ======================================================================
 * Builder
 * ====================================================================== */

enum clusprop_builder_mode {
	CLUSPROP_BUILD_MEASURE = 1, /* count bytes only, write nothing */
	CLUSPROP_BUILD_FIXED = 2,   /* write into a caller buffer known to be big enough */
	CLUSPROP_BUILD_OWNED = 3,   /* write into a growing heap buffer the builder owns */
};

/*
 * A builder lives wherever the caller likes (stack, struct); its fields are
 * private.  Errors are sticky: after the first failure every append is a
 * no-op, and clusprop_builder_status() / the finishing call report it.
 * A property list is started with clusprop_builder_begin_plist(), which
 * reserves the count; every clusprop_put_name() then counts one property.
 */
typedef struct clusprop_builder {
	uint8_t *buf;       /* private */
	size_t cap;         /* private */
	size_t len;         /* private: bytes produced (== bytes needed) */
	uint32_t status;    /* private: first error */
	uint32_t mode;      /* private: enum clusprop_builder_mode */
	size_t count_off;   /* private: offset of the property count, or SIZE_MAX */
	uint32_t count;     /* private: properties named so far */
	uint32_t reserved;
} clusprop_builder;

/* Start a builder.  None of these can fail; none allocates. */
void clusprop_builder_init_measure(clusprop_builder *b);
void clusprop_builder_init_owned(clusprop_builder *b);
void clusprop_builder_init_fixed(clusprop_builder *b, void *buf, size_t size);

/* Free what an OWNED builder holds (safe on any builder, any number of times). */
void clusprop_builder_free(clusprop_builder *b);

/* ERROR_SUCCESS or the first error an append met. */
uint32_t clusprop_builder_status(const clusprop_builder *b);

/* Bytes produced so far (also in MEASURE mode, and after an error: the
 * size that the appends made so far need). */
size_t clusprop_builder_size(const clusprop_builder *b);

/* Read-only view of an OWNED or FIXED builder's bytes (NULL in MEASURE mode). */
const void *clusprop_builder_data(const clusprop_builder *b);

/*
 * clusprop_builder_take - move an OWNED builder's buffer to the caller, who
 * frees it with clusprop_free().  On success *ret_buf / *ret_size are set and
 * the builder is empty; on failure (sticky error, wrong mode) the error is
 * returned, outputs untouched, and the builder still owns its buffer.
 * An empty builder gives a non-NULL buffer of size 0 only if something was
 * ever allocated; otherwise *ret_buf is NULL and *ret_size 0.
 */
uint32_t clusprop_builder_take(clusprop_builder *b, void **ret_buf, size_t *ret_size);

/*
 * clusprop_builder_copy_out - the MSCS buffer contract from a finished builder:
 * the size needed goes to *ret_bytes (if not NULL); if out is NULL or
 * out_size is smaller, ERROR_MORE_DATA and nothing written; otherwise the
 * bytes are copied.  Needs an OWNED (or FIXED) builder without error; the
 * builder is unchanged.
 */
uint32_t clusprop_builder_copy_out(const clusprop_builder *b, void *out, size_t out_size,
				   size_t *ret_bytes);

/* Free memory handed out by this library (clusprop_builder_take, ...). */
void clusprop_free(void *p);

/* ---- Appending raw value entries (value lists and property values) ---- */
uint32_t clusprop_put_dword(clusprop_builder *b, uint32_t syntax, uint32_t value);
uint32_t clusprop_put_long(clusprop_builder *b, uint32_t syntax, int32_t value);
uint32_t clusprop_put_word(clusprop_builder *b, uint32_t syntax, uint16_t value);
uint32_t clusprop_put_ularge(clusprop_builder *b, uint32_t syntax, uint64_t value);
uint32_t clusprop_put_large(clusprop_builder *b, uint32_t syntax, int64_t value);
uint32_t clusprop_put_binary(clusprop_builder *b, uint32_t syntax, const void *data, size_t len);
/* str is NUL-terminated UTF-8; stored UTF-16LE with its NUL. */
uint32_t clusprop_put_sz(clusprop_builder *b, uint32_t syntax, const char *str);
/* n NUL-terminated UTF-8 strings, none empty (an empty one would end the
 * list early); stored as UTF-16LE "a\0b\0\0".  n == 0 stores "\0". */
uint32_t clusprop_put_multi_sz(clusprop_builder *b, uint32_t syntax,
			       const char *const *strs, size_t n);
/* The lone ENDMARK u32 that closes a value list or one property's values. */
uint32_t clusprop_put_endmark(clusprop_builder *b);

/* ---- Bare values ----
 * Some control codes answer with a bare value, not a value list: GET_NAME
 * and GET_ID a UTF-16LE string with its NUL, GET_FLAGS and
 * GET_CHARACTERISTICS a DWORD, GET_CLASS_INFO a CLUS_RESOURCE_CLASS_INFO
 * (two DWORDs), ENUM_*_PROPERTIES the names as a MULTI_SZ body
 * ("a\0b\0\0"), GET_PRIVATE_PROPERTIES a stored property list.  These append
 * the bytes alone: no syntax, no length, no padding.  Same sticky errors and
 * modes as every append (so they work with clusprop_build). */
uint32_t clusprop_put_bare_sz(clusprop_builder *b, const char *str);
uint32_t clusprop_put_bare_multi_sz(clusprop_builder *b, const char *const *strs, size_t n);
uint32_t clusprop_put_bare_dword(clusprop_builder *b, uint32_t value);
uint32_t clusprop_put_bare_ularge(clusprop_builder *b, uint64_t value);
uint32_t clusprop_put_bare_bytes(clusprop_builder *b, const void *data, size_t len);

/* ---- Storage entries (STORAGE_GET_DISK_INFO, GET_AVAILABLE_DISKS) ---- */
uint32_t clusprop_put_disk_signature(clusprop_builder *b, uint32_t signature);
/* guid: UTF-8 text, e.g. "{0f5e6c2a-...}" as MSCS shows a GPT disk GUID. */
uint32_t clusprop_put_disk_guid(clusprop_builder *b, const char *guid);
uint32_t clusprop_put_scsi_address(clusprop_builder *b, const CLUS_SCSI_ADDRESS *addr);
uint32_t clusprop_put_disk_number(clusprop_builder *b, uint32_t number);
uint32_t clusprop_put_disk_size(clusprop_builder *b, uint64_t bytes);

/* A partition, in UTF-8, for clusprop_put_partition_info(). */
typedef struct clusprop_partition {
	uint32_t flags;                 /* CLUSPROP_PIFLAG_* */
	const char *device_name;        /* at most 259 UTF-16 code units */
	const char *volume_label;       /* at most 259; NULL = "" */
	uint32_t serial_number;
	uint32_t max_component_length;
	uint32_t file_system_flags;
	const char *file_system;        /* at most 31; NULL = "" */
} clusprop_partition;

/* Encode p as a CLUS_PARTITION_INFO entry.  A string too long for its field
 * gives ERROR_INVALID_PARAMETER. */
uint32_t clusprop_put_partition_info(clusprop_builder *b, const clusprop_partition *p);

/* ---- Property lists ---- */
/* Reserve the property count; must be the first append. */
uint32_t clusprop_builder_begin_plist(clusprop_builder *b);
/* A NAME entry (counts one property); follow with values and an endmark. */
uint32_t clusprop_put_name(clusprop_builder *b, const char *name);
/* Whole properties: NAME, one LIST_VALUE_* value, ENDMARK. */
uint32_t clusprop_add_dword(clusprop_builder *b, const char *name, uint32_t value);
uint32_t clusprop_add_long(clusprop_builder *b, const char *name, int32_t value);
uint32_t clusprop_add_ularge(clusprop_builder *b, const char *name, uint64_t value);
uint32_t clusprop_add_large(clusprop_builder *b, const char *name, int64_t value);
uint32_t clusprop_add_binary(clusprop_builder *b, const char *name, const void *data, size_t len);
uint32_t clusprop_add_sz(clusprop_builder *b, const char *name, const char *value);
uint32_t clusprop_add_expand_sz(clusprop_builder *b, const char *name, const char *value);
uint32_t clusprop_add_multi_sz(clusprop_builder *b, const char *name,
			       const char *const *strs, size_t n);

/*
 * clusprop_build - fill a caller buffer under the MSCS contract with no
 * allocation: produce() runs once with a MEASURE builder; if out is NULL or
 * smaller than the size needed, ERROR_MORE_DATA and *ret_bytes = that size,
 * nothing written; otherwise produce() runs again with a FIXED builder over
 * out, and *ret_bytes = the bytes written.  produce() must append the same
 * entries both times, and return ERROR_SUCCESS or an error, which is passed
 * back (outputs untouched).
 */
typedef uint32_t (*clusprop_produce_fn)(clusprop_builder *b, void *ctx);
uint32_t clusprop_build(void *out, size_t out_size, size_t *ret_bytes,
			clusprop_produce_fn produce, void *ctx);

/* ======================================================================
 * Validation
 * ====================================================================== */

/* Why a list was rejected (with ERROR_INVALID_DATA or
 * ERROR_NO_UNICODE_TRANSLATION). */
enum clusprop_fault {
	CLUSPROP_FAULT_NONE = 0,
	CLUSPROP_FAULT_TRUNCATED,        /* ended inside a header, a value or before its end */
	CLUSPROP_FAULT_MISALIGNED,       /* size or an entry not on a 4-byte boundary */
	CLUSPROP_FAULT_LENGTH_PAST_END,  /* an entry's length runs past the buffer */
	CLUSPROP_FAULT_BAD_LENGTH,       /* a length wrong for its syntax (a DWORD of 3 bytes) */
	CLUSPROP_FAULT_MISSING_ENDMARK,  /* no ENDMARK before the end */
	CLUSPROP_FAULT_UNTERMINATED,     /* a string without its NUL (or MULTI_SZ's final NUL) */
	CLUSPROP_FAULT_ODD_LENGTH,       /* a UTF-16 string of an odd number of bytes */
	CLUSPROP_FAULT_BAD_UNICODE,      /* a lone surrogate, or an embedded NUL in an SZ */
	CLUSPROP_FAULT_COUNT_TOO_LARGE,  /* a property count the buffer cannot hold */
	CLUSPROP_FAULT_EXPECTED_NAME,    /* a property not starting with a NAME entry */
	CLUSPROP_FAULT_NO_VALUE,         /* a property with no value before its ENDMARK */
	CLUSPROP_FAULT_UNEXPECTED_NAME,  /* a NAME entry inside a value list or among values */
	CLUSPROP_FAULT_TRAILING_DATA,    /* bytes after the list's end */
	CLUSPROP_FAULT_TOO_LARGE,        /* larger than CLUSPROP_MAX_LIST_SIZE */
};

/* Where and why validation stopped. */
typedef struct clusprop_diag {
	enum clusprop_fault fault;
	size_t offset;            /* byte offset of the offending entry or field */
} clusprop_diag;

/* A short English description of a fault ("length past the end", ...). */
const char *clusprop_fault_str(enum clusprop_fault fault);

/*
 * Validate a whole value list / property list of exactly size bytes.
 * ERROR_SUCCESS, or ERROR_INVALID_DATA / ERROR_NO_UNICODE_TRANSLATION with
 * *diag (if not NULL) saying why and where.  Reads nothing outside
 * [buf, buf + size); buf need not be aligned.  Never allocates.
 */
uint32_t clusprop_validate_value_list(const void *buf, size_t size, clusprop_diag *diag);
uint32_t clusprop_validate_property_list(const void *buf, size_t size, clusprop_diag *diag);

/* ======================================================================
 * Iteration
 * ====================================================================== */

enum clusprop_list_kind {
	CLUSPROP_VALUE_LIST = 1,
	CLUSPROP_PROPERTY_LIST = 2,
};

/* One value, as the iterator hands it back. */
typedef struct clusprop_value {
	const char *name;          /* property name (UTF-8), NULL in a value list */
	uint32_t property_index;   /* 0-based property number (0 in a value list) */
	uint32_t syntax;
	uint16_t type;             /* CLUSPROP_TYPE_* */
	uint16_t format;           /* CLUSPROP_FORMAT_* */
	const void *data;          /* raw bytes inside the list */
	uint32_t length;           /* raw length (unpadded) */
	union {
		uint32_t dw;       /* DWORD and WORD formats */
		int32_t l;         /* LONG */
		uint64_t u64;      /* ULARGE_INTEGER, FILETIME */
		int64_t i64;       /* LARGE_INTEGER */
	} num;
	/* SZ / EXPAND_SZ / EXPANDED_SZ / MULTI_SZ: UTF-8, NUL-terminated; a
	 * MULTI_SZ as "a\0b\0" (each string NUL-terminated, str_len counts
	 * them all) with str_count strings.  NULL for other formats.  Valid
	 * until the next clusprop_iter_next() or clusprop_iter_done(). */
	const char *str;
	size_t str_len;
	uint32_t str_count;
} clusprop_value;

/* Iterator state; fields private. */
typedef struct clusprop_iter {
	const uint8_t *buf;
	size_t size;
	size_t off;
	uint32_t kind;
	uint32_t props_left;
	uint32_t prop_index;
	int in_property;
	char *name;            /* current property name, owned */
	char *str;             /* current string value, owned */
	size_t str_cap;
} clusprop_iter;

/*
 * clusprop_iter_init - validate the whole list (kind CLUSPROP_VALUE_LIST or
 * CLUSPROP_PROPERTY_LIST) and get ready to read it.  On error (as for the
 * validators, with *diag) the iterator holds nothing: ending it is allowed
 * but not needed;
 * on success it must be ended with clusprop_iter_done().  The list must stay
 * unchanged and alive while it is read.
 */
uint32_t clusprop_iter_init(clusprop_iter *it, enum clusprop_list_kind kind,
			    const void *buf, size_t size, clusprop_diag *diag);

/*
 * clusprop_iter_next - the next value (ENDMARKs and NAME entries are consumed
 * on the way; a property's values all carry its name).  ERROR_SUCCESS with *v
 * filled, ERROR_NO_MORE_ITEMS at the end, ERROR_NOT_ENOUGH_MEMORY if a string
 * could not be converted for lack of memory (the iterator stays usable and
 * the same value can be asked for again).
 */
uint32_t clusprop_iter_next(clusprop_iter *it, clusprop_value *v);

/* Free what the iterator holds.  Safe to call twice. */
void clusprop_iter_done(clusprop_iter *it);

/* Convenience: the i-th string of a MULTI_SZ value's UTF-8 form, or NULL. */
const char *clusprop_value_multi_sz_at(const clusprop_value *v, uint32_t i);

#ifdef __cplusplus
}
#endif
#endif /* CLUSAPI_PROPLIST_H */
