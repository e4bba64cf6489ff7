/*
 * disks.c - clusterd's part of CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS:
 * the Physical Disk plugin lists the disks its node sees that no node holds;
 * clusterd removes those that are already cluster resources (only it knows
 * the resources).  See disks.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "disks.h"

#include <string.h>
#include <strings.h>

#include <clusapi/clusprop.h>
#include <clusapi/errors.h>
#include <clusapi/proplist.h>

#include "cs_alloc.h"
#include "cs_bytes.h"

/* GUID texts equal, ignoring case and braces ("{a-b}" and "A-B"). */
static int guid_eq(const char *a, const char *b)
{
	size_t la, lb;

	if (*a == '{')
		a++;
	if (*b == '{')
		b++;
	la = strcspn(a, "}");
	lb = strcspn(b, "}");
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Whether a Physical Disk resource already names this disk: *found 1 or 0.
 * ERROR_SUCCESS, or the iterator's error (an allocation failure must not
 * pass for "not a resource": the disk would be offered twice). */
static uint32_t is_resource(const struct cs_model *m, int by_sig, uint32_t sig, const char *guid,
			    int *found)
{
	*found = 0;
	for (size_t i = 0; i < m->n_resources && !*found; i++) {
		const struct cs_resource *r = m->resources[i];
		clusprop_iter it;
		clusprop_value v;
		uint32_t rc;

		if (strcasecmp(r->type, DISKS_TYPE) != 0 || !r->priv_size)
			continue;
		rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, r->priv, r->priv_size, NULL);
		if (rc == ERROR_NOT_ENOUGH_MEMORY)
			return rc;
		if (rc != ERROR_SUCCESS)
			continue; /* a stored list that does not parse names no disk */
		while (!*found && (rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
			if (by_sig && v.format == CLUSPROP_FORMAT_DWORD &&
			    strcmp(v.name, "DiskSignature") == 0)
				*found = v.num.dw == sig;
			else if (!by_sig && v.str && strcmp(v.name, "DiskIdGuid") == 0)
				*found = guid_eq(v.str, guid);
		}
		clusprop_iter_done(&it);
		if (!*found && rc != ERROR_NO_MORE_ITEMS)
			return rc;
	}
	return ERROR_SUCCESS;
}

uint32_t disks_filter_available(const struct cs_model *m, const void *in, size_t in_len,
				uint8_t **out, size_t *out_len)
{
	clusprop_iter it;
	clusprop_value v;
	uint8_t *buf = NULL;
	size_t n = 0;
	int keep = 1, began = 0;
	uint32_t rc;

	*out = NULL;
	*out_len = 0;
	rc = clusprop_iter_init(&it, CLUSPROP_VALUE_LIST, in, in_len, NULL);
	if (rc != ERROR_SUCCESS)
		return rc; /* the plugin's list is malformed: say so, pass nothing on */
	began = 1;
	if (!(buf = cs_malloc(in_len < 4 ? 4 : in_len))) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		const uint8_t *entry = (const uint8_t *)v.data - 8;
		size_t size = 8 + (((size_t)v.length + 3) & ~(size_t)3);
		int found = 0;
		if (v.syntax == CLUSPROP_SYNTAX_DISK_SIGNATURE ||
		    (v.syntax == CLUSPROP_SYNTAX_DISK_GUID && v.str)) {
			int by_sig = v.syntax == CLUSPROP_SYNTAX_DISK_SIGNATURE;
			uint32_t e = is_resource(m, by_sig, by_sig ? v.num.dw : 0,
						 by_sig ? NULL : v.str, &found);
			if (e != ERROR_SUCCESS) {
				rc = e;
				goto out;
			}
			keep = !found;
		}
		if (keep) {
			memcpy(buf + n, entry, size);
			n += size;
		}
	}
	if (rc != ERROR_NO_MORE_ITEMS)
		goto out;
	cs_put_le32(buf + n, CLUSPROP_SYNTAX_ENDMARK);
	n += 4;
	*out = buf;
	*out_len = n;
	buf = NULL;
	rc = ERROR_SUCCESS;
out:
	if (began)
		clusprop_iter_done(&it);
	cs_free(buf);
	return rc;
}
