/*
 * record.c - see cs_record.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cs_record.h"

#include <string.h>

#include "cs_alloc.h"

#define FIELD(obj, f, type) ((type *)((char *)(obj) + (f)->off))
#define CFIELD(obj, f, type) ((const type *)((const char *)(obj) + (f)->off))
#define COUNT(obj, f) ((size_t *)((char *)(obj) + (f)->size_off))
#define CCOUNT(obj, f) ((const size_t *)((const char *)(obj) + (f)->size_off))

void rec_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		cs_free(v[i]);
	cs_free(v);
}

uint32_t rec_encode_fields(clusprop_builder *b, const struct rec_field *fields, size_t n_fields,
			   const void *obj, unsigned skip)
{
	clusprop_builder_begin_plist(b);
	for (size_t i = 0; i < n_fields; i++) {
		const struct rec_field *f = &fields[i];
		if (f->flags & skip)
			continue;
		switch (f->kind) {
		case REC_SZ: {
			const char *s = *CFIELD(obj, f, char *);
			if (s)
				clusprop_add_sz(b, f->name, s);
			break;
		}
		case REC_DWORD:
			if ((f->flags & REC_OMIT_DEFAULT) && *CFIELD(obj, f, uint32_t) == f->dflt)
				break;
			clusprop_add_dword(b, f->name, *CFIELD(obj, f, uint32_t));
			break;
		case REC_ULARGE:
			clusprop_add_ularge(b, f->name, *CFIELD(obj, f, uint64_t));
			break;
		case REC_BINARY:
			clusprop_add_binary(b, f->name, *CFIELD(obj, f, void *), *CCOUNT(obj, f));
			break;
		case REC_STRV:
		case REC_STRV_BLOCK:
			clusprop_add_multi_sz(b, f->name, (const char *const *)*CFIELD(obj, f, char **),
					      *CCOUNT(obj, f));
			break;
		}
	}
	return clusprop_builder_status(b);
}

uint32_t rec_encode(clusprop_builder *b, const char *record, const struct rec_field *fields,
		    size_t n_fields, const void *obj, unsigned skip)
{
	clusprop_builder inner;
	uint32_t rc;

	clusprop_builder_init_owned(&inner);
	rc = rec_encode_fields(&inner, fields, n_fields, obj, skip);
	if (rc == ERROR_SUCCESS)
		rc = clusprop_add_binary(b, record, clusprop_builder_data(&inner),
					 clusprop_builder_size(&inner));
	else
		clusprop_put_name(b, NULL); /* make b's error sticky too */
	clusprop_builder_free(&inner);
	return rc == ERROR_SUCCESS ? clusprop_builder_status(b) : rc;
}

static uint32_t take_strv(void *obj, const struct rec_field *f, const clusprop_value *v)
{
	char **nv;

	if (f->kind == REC_STRV_BLOCK) {
		size_t ptrs = ((size_t)v->str_count + 1) * sizeof(char *);
		char *p;
		if (!(nv = cs_malloc(ptrs + v->str_len + 1)))
			return ERROR_NOT_ENOUGH_MEMORY;
		p = (char *)nv + ptrs;
		memcpy(p, v->str, v->str_len);
		p[v->str_len] = '\0';
		for (uint32_t i = 0; i < v->str_count; i++) {
			nv[i] = p;
			p += strlen(p) + 1;
		}
		nv[v->str_count] = NULL;
		cs_free(*FIELD(obj, f, char **));
	} else {
		if (!(nv = cs_calloc((size_t)v->str_count + 1, sizeof(*nv))))
			return ERROR_NOT_ENOUGH_MEMORY;
		for (uint32_t i = 0; i < v->str_count; i++) {
			if (!(nv[i] = cs_strdup(clusprop_value_multi_sz_at(v, i)))) {
				rec_strv_free(nv, i);
				return ERROR_NOT_ENOUGH_MEMORY;
			}
		}
		rec_strv_free(*FIELD(obj, f, char **), *COUNT(obj, f));
	}
	*FIELD(obj, f, char **) = nv;
	*COUNT(obj, f) = v->str_count;
	return ERROR_SUCCESS;
}

/* Store value v in field f of obj. */
static uint32_t take(void *obj, const struct rec_field *f, const clusprop_value *v)
{
	switch (f->kind) {
	case REC_SZ: {
		char *s;
		if (v->format != CLUSPROP_FORMAT_SZ)
			return ERROR_INVALID_DATA;
		if (!(s = cs_strdup(v->str)))
			return ERROR_NOT_ENOUGH_MEMORY;
		cs_free(*FIELD(obj, f, char *));
		*FIELD(obj, f, char *) = s;
		return ERROR_SUCCESS;
	}
	case REC_DWORD:
		if (v->format != CLUSPROP_FORMAT_DWORD)
			return ERROR_INVALID_DATA;
		*FIELD(obj, f, uint32_t) = v->num.dw;
		return ERROR_SUCCESS;
	case REC_ULARGE:
		if (v->format != CLUSPROP_FORMAT_ULARGE_INTEGER)
			return ERROR_INVALID_DATA;
		*FIELD(obj, f, uint64_t) = v->num.u64;
		return ERROR_SUCCESS;
	case REC_BINARY: {
		void *p = NULL;
		if (v->format != CLUSPROP_FORMAT_BINARY)
			return ERROR_INVALID_DATA;
		if (v->length && !(p = cs_malloc(v->length)))
			return ERROR_NOT_ENOUGH_MEMORY;
		if (v->length)
			memcpy(p, v->data, v->length);
		cs_free(*FIELD(obj, f, void *));
		*FIELD(obj, f, void *) = p;
		*COUNT(obj, f) = v->length;
		return ERROR_SUCCESS;
	}
	case REC_STRV:
	case REC_STRV_BLOCK:
		if (v->format != CLUSPROP_FORMAT_MULTI_SZ)
			return ERROR_INVALID_DATA;
		return take_strv(obj, f, v);
	}
	return ERROR_INVALID_DATA;
}

uint32_t rec_decode(const void *data, size_t len, const struct rec_field *fields,
		    size_t n_fields, void *obj, unsigned skip)
{
	clusprop_iter it;
	clusprop_value v;
	uint64_t seen = 0;
	uint32_t rc;

	if (n_fields > 64)
		return ERROR_INVALID_PARAMETER;
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, data, len, NULL);
	if (rc != ERROR_SUCCESS)
		return rc;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		size_t i;
		for (i = 0; i < n_fields && strcmp(fields[i].name, v.name); i++)
			;
		if (i == n_fields || (fields[i].flags & skip))
			continue; /* a field this reader does not know (or wants) */
		if (seen & (1ull << i)) {
			rc = ERROR_INVALID_DATA; /* twice, or two values */
			break;
		}
		seen |= 1ull << i;
		if ((rc = take(obj, &fields[i], &v)) != ERROR_SUCCESS)
			break;
	}
	clusprop_iter_done(&it);
	if (rc != ERROR_NO_MORE_ITEMS)
		return rc;
	for (size_t i = 0; i < n_fields; i++)
		if ((fields[i].flags & REC_REQUIRED) && !(fields[i].flags & skip) &&
		    !(seen & (1ull << i)))
			return ERROR_INVALID_DATA;
	return ERROR_SUCCESS;
}
