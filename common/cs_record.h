/*
 * cs_record.h - records by name: a C struct <-> a property list whose
 * properties are the struct's fields, described once by a field table.
 *
 * Every record that crosses a boundary - a row of the cluster database, an
 * object in the CPG snapshot, an object in the status reply - is one of
 * these, carried as a BINARY property named after its kind ("Group",
 * "Resource", ...) inside the outer list.  Adding a field is one line in a
 * table; readers ignore names they do not know (a newer writer) and give
 * fields they do not find the object's default (an older writer), so only
 * a change of meaning needs a schema or protocol version.
 *
 * Ownership: decoded strings, string vectors and binaries are allocated with
 * cs_malloc and stored in the struct, replacing (and freeing) what the field
 * held; the caller frees the struct with its own free function, also after
 * a decoding error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_RECORD_H
#define CS_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <clusapi/proplist.h>

enum rec_kind {
	REC_SZ = 1,       /* char *, NULL: the property is left out */
	REC_DWORD,        /* uint32_t */
	REC_ULARGE,       /* uint64_t */
	REC_BINARY,       /* void * at off, size_t at size_off */
	REC_STRV,         /* char ** at off (NULL-terminated, each string its own
	                     block), size_t count at size_off */
	REC_STRV_BLOCK,   /* the same, but pointers and strings in one block
	                     (one cs_free frees it; libclusapi's layout) */
};

/* Field flags. */
#define REC_REQUIRED 1u   /* a record without it is malformed */
#define REC_RUNTIME  2u   /* runtime state: left out where the caller skips it */
#define REC_OMIT_DEFAULT 4u /* REC_DWORD: left out of the record while it holds
                               dflt, so that adding such a field leaves the records
                               (and digests) of objects that do not use it as they
                               were; the reader's default must be the same dflt */

struct rec_field {
	const char *name;
	enum rec_kind kind;
	size_t off;
	size_t size_off;
	unsigned flags;
	uint32_t dflt;       /* REC_OMIT_DEFAULT */
};

#define REC_FIELD(name, kind, type, member, flags) \
	{ (name), (kind), offsetof(type, member), 0, (flags), 0 }
#define REC_FIELD_DFLT(name, kind, type, member, flags, dflt) \
	{ (name), (kind), offsetof(type, member), 0, (flags) | REC_OMIT_DEFAULT, (dflt) }
#define REC_FIELD2(name, kind, type, member, count, flags) \
	{ (name), (kind), offsetof(type, member), offsetof(type, count), (flags), 0 }

/*
 * rec_encode - append to b a property `record` whose one BINARY value is
 * the property list of obj's fields (those whose flags share no bit with
 * skip).  Errors are the builder's (sticky).
 */
uint32_t rec_encode(clusprop_builder *b, const char *record, const struct rec_field *fields,
		    size_t n_fields, const void *obj, unsigned skip);

/* rec_encode's inner list alone (a database row). */
uint32_t rec_encode_fields(clusprop_builder *b, const struct rec_field *fields, size_t n_fields,
			   const void *obj, unsigned skip);

/*
 * rec_decode - read a record's property list (len bytes) into obj: each
 * known name of the right format sets its field; unknown names are
 * skipped.  ERROR_SUCCESS; ERROR_INVALID_DATA (malformed list, a known name
 * with another format, a REC_REQUIRED field missing, a name twice);
 * ERROR_NO_UNICODE_TRANSLATION; ERROR_NOT_ENOUGH_MEMORY.  Fields with flags
 * sharing a bit with skip are neither read nor required.
 */
uint32_t rec_decode(const void *data, size_t len, const struct rec_field *fields,
		    size_t n_fields, void *obj, unsigned skip);

/* Free a REC_STRV vector (each string, then the array). */
void rec_strv_free(char **v, size_t n);

#endif
