/*
 * status_rec.c - see cs_status_rec.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cs_status_rec.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct rec_field cluster_fields[] = {
	REC_FIELD("Name", REC_SZ, struct cs_st_cluster, name, REC_REQUIRED),
	REC_FIELD("Quorate", REC_DWORD, struct cs_st_cluster, quorate, REC_REQUIRED),
	REC_FIELD("LocalNodeId", REC_DWORD, struct cs_st_cluster, local_id, REC_REQUIRED),
	REC_FIELD("LocalNodeName", REC_SZ, struct cs_st_cluster, local_name, REC_REQUIRED),
	REC_FIELD("Synced", REC_DWORD, struct cs_st_cluster, synced, REC_REQUIRED),
	REC_FIELD("Notice", REC_SZ, struct cs_st_cluster, notice, 0),
};
static const struct rec_field node_fields[] = {
	REC_FIELD("Name", REC_SZ, struct cs_st_node, name, REC_REQUIRED),
	REC_FIELD("Id", REC_DWORD, struct cs_st_node, id, REC_REQUIRED),
	REC_FIELD("State", REC_DWORD, struct cs_st_node, state, REC_REQUIRED),
};
static const struct rec_field group_fields[] = {
	REC_FIELD("Name", REC_SZ, struct cs_st_group, name, REC_REQUIRED),
	REC_FIELD("State", REC_DWORD, struct cs_st_group, state, REC_REQUIRED),
	REC_FIELD("Owner", REC_SZ, struct cs_st_group, owner, 0),
	REC_FIELD2("PreferredOwners", REC_STRV_BLOCK, struct cs_st_group, preferred, n_preferred, 0),
	REC_FIELD("Reason", REC_SZ, struct cs_st_group, reason, 0),
};
static const struct rec_field resource_fields[] = {
	REC_FIELD("Name", REC_SZ, struct cs_st_resource, name, REC_REQUIRED),
	REC_FIELD("Type", REC_SZ, struct cs_st_resource, type, REC_REQUIRED),
	REC_FIELD("Group", REC_SZ, struct cs_st_resource, group, REC_REQUIRED),
	REC_FIELD("State", REC_DWORD, struct cs_st_resource, state, REC_REQUIRED),
	REC_FIELD("Owner", REC_SZ, struct cs_st_resource, owner, 0),
	REC_FIELD2("DependsOn", REC_STRV_BLOCK, struct cs_st_resource, deps, n_deps, 0),
	REC_FIELD2("PossibleOwners", REC_STRV_BLOCK, struct cs_st_resource, owners, n_owners, 0),
};

const struct cs_st_table cs_st_cluster = { "Cluster", cluster_fields, N(cluster_fields) };
const struct cs_st_table cs_st_node = { "Node", node_fields, N(node_fields) };
const struct cs_st_table cs_st_group = { "Group", group_fields, N(group_fields) };
const struct cs_st_table cs_st_resource = { "Resource", resource_fields, N(resource_fields) };
