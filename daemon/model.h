/*
 * model.h - the cluster database in memory: nodes, groups, resources and
 * their configuration (replicated and persisted) plus their runtime state
 * (replicated only).  Every change is an op applied in CPG's agreed order on
 * every node, so every replica goes through the same states.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_MODEL_H
#define CSD_MODEL_H

#include <clusapi/clusapi.h>
#include <stddef.h>
#include <stdint.h>

#include "args.h"

/*
 * Size limits of the cluster database, enforced where a change enters
 * (the API), consistent with every message that carries it:
 *   one resource's private property list   CS_MAX_PRIVATE   (1 MiB)
 *   the whole configuration                CS_MAX_DATABASE  (24 MiB)
 * A snapshot (configuration + live state, < 1 KiB an object) stays under
 * the CPG message cap (WIRE_MAX_PAYLOAD, 32 MiB); a private list fits a
 * client frame (CS_PROTO_MAX_PAYLOAD, 16 MiB) and the host's OPEN
 * (HOSTPROTO_MAX_PROPS, 16 MiB).  Past them: ERROR_NOT_ENOUGH_QUOTA.
 */
#define CS_MAX_PRIVATE   (1u << 20)
#define CS_MAX_DATABASE  (24u << 20)
#define CS_OBJECT_OVERHEAD 1024u   /* what an object costs besides its private list */

/* MSCS's documented defaults for new objects. */
#define CS_DEFAULT_RESTART_ACTION      ClusterResourceRestartNotify
#define CS_DEFAULT_RESTART_THRESHOLD   3u
#define CS_DEFAULT_RESTART_PERIOD_MS   900000u
#define CS_DEFAULT_LOOKS_ALIVE_MS      5000u
#define CS_DEFAULT_IS_ALIVE_MS         60000u
#define CS_DEFAULT_PENDING_TIMEOUT_MS  180000u
#define CS_DEFAULT_FAILOVER_THRESHOLD  10u
#define CS_DEFAULT_FAILOVER_PERIOD_H   6u

struct cs_strv {
	char **v;
	size_t n;
};

struct cs_node {
	char *name;
	uint32_t id;
	uint32_t state;          /* CLUSTER_NODE_STATE (runtime) */
	int paused;              /* (runtime, replicated) no new groups come here */
};

struct cs_group {
	char *name;
	struct cs_strv preferred;   /* preferred owners, in order */
	uint32_t persistent;        /* 1: should be online (survives a full restart) */
	uint32_t failover_threshold, failover_period, autofailback;
	/* runtime */
	uint32_t owner;             /* node id, 0: none */
	uint32_t state;             /* CLUSTER_GROUP_STATE, derived from resources */
	uint32_t moving_to;         /* node id the owner is handing the group to, 0: none */
	int placing;                /* (coordinator, local) an owner change is in flight */
	uint32_t failovers;         /* failovers inside the current period */
	uint64_t failover_window_start;
	int dirty;
};

struct cs_resource {
	uint64_t uid;               /* unique for the cluster's life, kept across renames */
	char *name, *type, *group;
	struct cs_strv deps;        /* names of resources this one depends on */
	struct cs_strv owners;      /* possible owners; empty: every node */
	void *priv;                 /* private properties (a property list) */
	size_t priv_size;
	uint32_t restart_action, restart_threshold, restart_period;
	uint32_t looks_alive_ms, is_alive_ms, pending_timeout_ms;
	uint32_t persistent;        /* 1: should be online (MSCS PersistentState) */
	uint32_t priv_gen;          /* (local) bumped when the private properties change */
	/* runtime */
	uint32_t state;             /* CLUSTER_RESOURCE_STATE */
	uint32_t restarts;
	uint64_t restart_window_start;
	int dirty;
};

/* Replicated ops: config (persisted) and runtime (not persisted). */
enum cs_model_op {
	MOP_GROUP_CREATE = 1, MOP_GROUP_DELETE, MOP_GROUP_RENAME, MOP_GROUP_SET_OWNERS,
	MOP_GROUP_PERSIST,
	MOP_RES_CREATE, MOP_RES_DELETE, MOP_RES_RENAME, MOP_RES_ADD_DEP, MOP_RES_DEL_DEP,
	MOP_RES_ADD_OWNER, MOP_RES_DEL_OWNER, MOP_RES_SET_PRIVATE, MOP_RES_SET_COMMON,
	MOP_RES_PERSIST,            /* Name, State: 1 = with its dependencies, 0 = with its dependents */
	MOP_CONFIG_MAX = 63,
	/* runtime */
	MOP_RES_STATE = 64,         /* Name, State */
	MOP_GROUP_OWNER,            /* Name, NodeId (0: none): resets its resources to Offline */
	MOP_GROUP_MOVING,           /* Name, NodeId: the owner hands the group over */
	MOP_NODE_PAUSE,             /* Name, State: 1 pause, 0 resume */
};

struct cs_model {
	char *cluster_name;
	uint64_t version;           /* config ops applied */
	struct cs_node *nodes;
	size_t n_nodes;
	struct cs_group **groups;
	size_t n_groups;
	struct cs_resource **resources;
	size_t n_resources;
	/* deleted object names since the last store flush */
	struct cs_strv deleted_groups, deleted_resources;
};

void model_init(struct cs_model *m);
void model_free(struct cs_model *m);

struct cs_group *model_group(const struct cs_model *m, const char *name);
struct cs_resource *model_resource(const struct cs_model *m, const char *name);
struct cs_resource *model_resource_by_uid(const struct cs_model *m, uint64_t uid);
struct cs_node *model_node(const struct cs_model *m, const char *name);
struct cs_node *model_node_by_id(const struct cs_model *m, uint32_t id);
const char *model_node_name(const struct cs_model *m, uint32_t id);

/* Add or update a node (from corosync's nodelist). */
uint32_t model_set_node(struct cs_model *m, uint32_t id, const char *name, uint32_t state);

/* Apply one op.  Deterministic: the same model and op give the same result
 * on every node.  *why gets a static explanation on error. */
uint32_t model_apply(struct cs_model *m, uint32_t op, const struct cs_args *a, const char **why);

/* Check a common-property list for r as SET_COMMON_PROPERTIES would
 * (names, syntax, ranges, read-only), changing nothing
 * (VALIDATE_COMMON_PROPERTIES).  *why as for model_apply. */
uint32_t model_validate_common(const struct cs_resource *r, const void *in, size_t in_size,
			       const char **why);

/* Group state derived from its resources' states. */
uint32_t model_group_state(const struct cs_model *m, const struct cs_group *g);

/* Resources of a group in dependency order (dependencies first); caller frees the array. */
uint32_t model_group_order(const struct cs_model *m, const struct cs_group *g,
			   struct cs_resource ***ret, size_t *ret_n);

/* Does the group want to be online (any resource, or the empty group, persistent)? */
int model_group_wanted(const struct cs_model *m, const struct cs_group *g);
/* Deterministic placement: the first preferred owner, then the lowest node id,
 * that is in `members`, Up, may own g and is not `exclude`; 0 if none. */
uint32_t model_choose_node(const struct cs_model *m, const struct cs_group *g,
			   const uint32_t *members, size_t n_members, uint32_t exclude);

/* Whether node may own group g: a possible owner of each of its resources. */
int model_node_can_own(const struct cs_model *m, const struct cs_group *g, const char *node);

/*
 * Records by name (common/cs_record.h).  The schema version says what the
 * records mean; it is written into every snapshot and database:
 *   1  (main before 2026-11-29) positional records, no version: read only
 *      by the database upgrade (schema1.c)
 *   2  named records
 * A reader refuses a snapshot or database of a newer schema
 * (ERROR_CLUSTER_INCOMPATIBLE_VERSIONS), naming both versions in its log.
 */
#define CS_SCHEMA_VERSION 2u

enum cs_record { CS_REC_GROUP = 0, CS_REC_RESOURCE = 1 };
const char *model_record_name(enum cs_record kind);

/* One object as a record property ("Group" / "Resource" = BINARY of its
 * named fields); runtime: with its live state (snapshots). */
uint32_t model_encode_group(clusprop_builder *b, const struct cs_group *g, int runtime);
uint32_t model_encode_resource(clusprop_builder *b, const struct cs_resource *r, int runtime);
/* One object's named fields alone, without runtime state (a database row). */
uint32_t model_encode_row(clusprop_builder *b, enum cs_record kind, const void *obj);
/* The whole database: SchemaVersion, Version, every record, Paused nodes. */
uint32_t model_encode_snapshot(const struct cs_model *m, clusprop_builder *b);
/* The schema version a snapshot says it has (1 if it says none; 0 if it
 * is not a property list at all). */
uint32_t model_snapshot_schema(const void *buf, size_t len);
/* Replace m's groups and resources (and, runtime, their live state) with a
 * snapshot's, or change nothing and fail: ERROR_INVALID_DATA (malformed: a
 * bad record, a name twice), ERROR_CLUSTER_INCOMPATIBLE_VERSIONS (another
 * schema), ERROR_NOT_ENOUGH_MEMORY. */
uint32_t model_load(struct cs_model *m, const void *buf, size_t len, int runtime);
/* The status reply of CS_OP_STATUS (clientproto.h), as this node sees it. */
struct cs_status_view {
	int quorate, synced;
	int runs;                    /* this node may run resources now (quorum confirmed,
	                                lease held): if not, what it owns and the model
	                                shows up or pending is reported Unknown - it was
	                                terminated, or is being */
	uint32_t local_id;
	const char *notice;          /* NULL or "": none */
};
uint32_t model_encode_status(const struct cs_model *m, clusprop_builder *b,
			     const struct cs_status_view *v);

/*
 * The digest of the configuration: SHA-256 over the version and every
 * group's and resource's record without runtime state, in name order (so
 * that the order objects sit in memory or on disk does not matter).  Two
 * replicas at the same version with different digests have diverged.
 */
#define CS_DIGEST_SIZE 32u
uint32_t model_digest(const struct cs_model *m, uint8_t out[CS_DIGEST_SIZE]);

/* The configuration's size as CS_MAX_DATABASE counts it. */
size_t model_size(const struct cs_model *m);

/* Objects with MSCS's defaults (names may be NULL, for loaders), and their free. */
struct cs_group *model_group_new(const char *name);
struct cs_resource *model_resource_new(const char *name, const char *type, const char *group);
void model_group_free(struct cs_group *g);
void model_resource_free(struct cs_resource *r);

/* Merge two validated property lists: upd's properties replace old's of
 * the same name, the rest of old stays.  *ret is the caller's (cs_free). */
uint32_t model_plist_merge(const void *old, size_t old_size, const void *upd, size_t upd_size,
			   void **ret, size_t *ret_size);

/* string vectors */
int strv_contains(const struct cs_strv *s, const char *x);
uint32_t strv_add(struct cs_strv *s, const char *x);
void strv_remove(struct cs_strv *s, const char *x);
void strv_free(struct cs_strv *s);

#endif
