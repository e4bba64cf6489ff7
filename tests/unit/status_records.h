/*
 * status_records.h - CS_OP_STATUS replies built by hand, record by record,
 * in the layout of common/clientproto.h (each record a BINARY property
 * holding a property list of named fields), for the tests of libclusapi
 * and the CLI.  Header-only; include once per test program.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef STATUS_RECORDS_H
#define STATUS_RECORDS_H

#include <clusapi/proplist.h>

/* Append the record `name` holding the property list in `fields`. */
static inline void st_record(clusprop_builder *b, const char *name, clusprop_builder *fields)
{
	clusprop_add_binary(b, name, clusprop_builder_data(fields), clusprop_builder_size(fields));
	clusprop_builder_free(fields);
}

static inline void st_cluster(clusprop_builder *b, const char *name, uint32_t quorate,
			      uint32_t local_id, const char *local_name)
{
	clusprop_builder f;

	clusprop_builder_init_owned(&f);
	clusprop_builder_begin_plist(&f);
	clusprop_add_sz(&f, "Name", name);
	clusprop_add_dword(&f, "Quorate", quorate);
	clusprop_add_dword(&f, "LocalNodeId", local_id);
	clusprop_add_sz(&f, "LocalNodeName", local_name);
	clusprop_add_dword(&f, "Synced", 1);
	st_record(b, "Cluster", &f);
}

static inline void st_node(clusprop_builder *b, const char *name, uint32_t id, uint32_t state)
{
	clusprop_builder f;

	clusprop_builder_init_owned(&f);
	clusprop_builder_begin_plist(&f);
	clusprop_add_sz(&f, "Name", name);
	clusprop_add_dword(&f, "Id", id);
	clusprop_add_dword(&f, "State", state);
	st_record(b, "Node", &f);
}

/* owner NULL: none (the field is left out, as clusterd does). */
static inline void st_group(clusprop_builder *b, const char *name, uint32_t state,
			    const char *owner, const char *const *preferred, size_t n)
{
	clusprop_builder f;

	clusprop_builder_init_owned(&f);
	clusprop_builder_begin_plist(&f);
	clusprop_add_sz(&f, "Name", name);
	clusprop_add_dword(&f, "State", state);
	if (owner)
		clusprop_add_sz(&f, "Owner", owner);
	clusprop_add_multi_sz(&f, "PreferredOwners", preferred, n);
	st_record(b, "Group", &f);
}

static inline void st_resource(clusprop_builder *b, const char *name, const char *type,
			       const char *group, uint32_t state, const char *owner,
			       const char *const *deps, size_t n_deps,
			       const char *const *owners, size_t n_owners)
{
	clusprop_builder f;

	clusprop_builder_init_owned(&f);
	clusprop_builder_begin_plist(&f);
	clusprop_add_sz(&f, "Name", name);
	clusprop_add_sz(&f, "Type", type);
	clusprop_add_sz(&f, "Group", group);
	clusprop_add_dword(&f, "State", state);
	if (owner)
		clusprop_add_sz(&f, "Owner", owner);
	clusprop_add_multi_sz(&f, "DependsOn", deps, n_deps);
	clusprop_add_multi_sz(&f, "PossibleOwners", owners, n_owners);
	st_record(b, "Resource", &f);
}

#endif
