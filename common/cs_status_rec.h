/*
 * cs_status_rec.h - the records of the CS_OP_STATUS reply
 * (common/clientproto.h), defined once for both sides: clusterd encodes
 * them (daemon/model.c), libclusapi decodes them (lib/status.c), with the
 * same field tables (common/cs_record.h).  A new field is one line here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_STATUS_REC_H
#define CS_STATUS_REC_H

#include <stddef.h>
#include <stdint.h>

#include "cs_record.h"

/* "Cluster": one. */
struct cs_st_cluster {
	char *name, *local_name;
	uint32_t quorate, local_id;
	uint32_t synced;             /* 0: this node has not yet synced with the cluster:
	                                what it says of groups and resources may be stale */
	char *notice;                /* what went wrong with this node's database, or left out */
};

/* "Node": one per node. */
struct cs_st_node {
	char *name;
	uint32_t id, state;
};

/* "Group": one per group; no owner: the field is left out. */
struct cs_st_group {
	char *name, *owner;
	char *reason;                /* the policy left it Failed: why; NULL: it did not */
	uint32_t state;
	char **preferred;            /* preferred owners, in order */
	size_t n_preferred;
};

/* "Resource": one per resource. */
struct cs_st_resource {
	char *name, *type, *group, *owner;
	uint32_t state;
	char **deps, **owners;       /* depends on; possible owners */
	size_t n_deps, n_owners;
};

/* The field tables (string vectors as REC_STRV_BLOCK: one block each). */
struct cs_st_table {
	const char *record;
	const struct rec_field *fields;
	size_t n_fields;
};
extern const struct cs_st_table cs_st_cluster, cs_st_node, cs_st_group, cs_st_resource;

#endif
