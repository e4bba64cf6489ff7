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
#include <time.h>

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
/* MSCS's default: 0xFFFFFFFF, "the number of nodes - 1" (groups made before
 * the policy existed keep the 10 their records hold) */
#define CS_DEFAULT_FAILOVER_THRESHOLD  0xFFFFFFFFu
#define CS_DEFAULT_FAILOVER_PERIOD_H   6u           /* hours, 1 to CS_MAX_FAILOVER_PERIOD_H */
#define CS_MAX_FAILOVER_PERIOD_H       1193u        /* MSCS: the hours that fit a DWORD of ms */
#define CS_NO_HOUR                     0xFFFFFFFFu  /* FailbackWindowStart/End: -1, no window */
/* After a cold start, how long an ownerless group waits for its first
 * preferred owner's clusterd before it is placed on another node. */
#define CS_COLD_START_WAIT_MS          15000u
#define CS_MAX_DESCRIPTION             4096u        /* bytes of UTF-8 in a Description */

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
	uint32_t failover_threshold;
	uint32_t failover_period;   /* hours (MSCS's unit) */
	uint32_t autofailback;      /* ClusterGroupPreventFailback / ClusterGroupAllowFailback */
	uint32_t failback_start, failback_end;  /* hour 0-23, or CS_NO_HOUR (both or neither) */
	char *description;          /* NULL: "" */
	/* runtime */
	uint32_t owner;             /* node id, 0: none */
	uint32_t state;             /* CLUSTER_GROUP_STATE, derived from resources */
	uint32_t moving_to;         /* node id the owner is handing the group to, 0: none */
	int placing;                /* (coordinator, local) an owner change is in flight */
	uint64_t failback_sent;     /* (coordinator, local) when it last asked for a failback */
	uint32_t failovers;         /* (replicated) failovers inside the current period */
	uint64_t failover_window_start; /* (replicated) its start, seconds since 1970 */
	uint32_t hold;              /* (replicated) CS_HOLD_*: the policy stopped here; only
	                               an administrator's online, offline or move goes on */
	int dirty;
};

/* Why a group is held Failed (cs_group.hold). */
#define CS_HOLD_NONE       0u
#define CS_HOLD_FAILOVERS  1u    /* FailoverThreshold reached within FailoverPeriod */

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

/*
 * Settings of nodes, resource types and the cluster (their common
 * properties that are not derived from something else).  A node's or a
 * type's exists only once someone set one of its properties; until then
 * it has the defaults (model_props_object).  They are never deleted: a
 * node that leaves the corosync configuration, or a type whose plugin is
 * removed, keeps its settings for when it comes back.
 */
struct cs_node_conf {
	char *name;                 /* the node's name */
	char *description;          /* NULL: "" */
	uint32_t evicted;           /* 1: evicted (MOP_NODE_EVICT): not part of the cluster
	                               although corosync's nodelist may still name it */
	int dirty;
};

struct cs_type_conf {
	char *name;                 /* the resource type's name */
	char *description;
	uint32_t looks_alive_ms, is_alive_ms;  /* what a new resource of the type gets */
	int dirty;
};

struct cs_cluster_conf {
	char *description;
	int set;                    /* someone set something: it is a record */
	int dirty;
};

/* Replicated ops: config (persisted) and runtime (not persisted). */
enum cs_model_op {
	MOP_GROUP_CREATE = 1, MOP_GROUP_DELETE, MOP_GROUP_RENAME, MOP_GROUP_SET_OWNERS,
	MOP_GROUP_PERSIST,
	MOP_RES_CREATE, MOP_RES_DELETE, MOP_RES_RENAME, MOP_RES_ADD_DEP, MOP_RES_DEL_DEP,
	MOP_RES_ADD_OWNER, MOP_RES_DEL_OWNER, MOP_RES_SET_PRIVATE, MOP_RES_SET_COMMON,
	MOP_RES_PERSIST,            /* Name, State: 1 = with its dependencies, 0 = with its dependents */
	/* SET_COMMON_PROPERTIES of the other objects: Name (none for the
	 * cluster), In = the property list */
	MOP_GROUP_SET_COMMON, MOP_NODE_SET_COMMON, MOP_TYPE_SET_COMMON, MOP_CLUSTER_SET_COMMON,
	/* Name, State 1: evict a node that is down - it leaves every group's
	 * preferred owners and every resource's possible owners, loses its
	 * settings and is no longer listed (its settings record says Evicted);
	 * refused while it is a member (ERROR_CANT_EVICT_ACTIVE_NODE), or if a
	 * resource could run only there, or a group that fails back has it as
	 * its only preferred owner (ERROR_INVALID_STATE).  State 0: an evicted
	 * node that came back is a node again (sent by the coordinator). */
	MOP_NODE_EVICT,
	MOP_CONFIG_MAX = 63,
	/* runtime */
	MOP_RES_STATE = 64,         /* Name, State */
	MOP_GROUP_OWNER,            /* Name, NodeId (0: none): resets its resources to Offline */
	MOP_GROUP_MOVING,           /* Name, NodeId: the owner hands the group over */
	MOP_NODE_PAUSE,             /* Name, State: 1 pause, 0 resume */
	MOP_GROUP_HOLD,             /* Name, State = CS_HOLD_*, [NodeId: the owner from now on
	                               (0: none), its resources Offline] */
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
	struct cs_node_conf **node_confs;
	size_t n_node_confs;
	struct cs_type_conf **type_confs;
	size_t n_type_confs;
	struct cs_cluster_conf cluster;
	/* deleted object names since the last store flush */
	struct cs_strv deleted_groups, deleted_resources;
};

void model_init(struct cs_model *m);
void model_free(struct cs_model *m);

struct cs_group *model_group(const struct cs_model *m, const char *name);
struct cs_resource *model_resource(const struct cs_model *m, const char *name);
struct cs_resource *model_resource_by_uid(const struct cs_model *m, uint64_t uid);
/* A node by name; an evicted node is not found (model_node_any finds it). */
struct cs_node *model_node(const struct cs_model *m, const char *name);
struct cs_node *model_node_any(const struct cs_model *m, const char *name);
/* A node by id, evicted or not. */
struct cs_node *model_node_by_id(const struct cs_model *m, uint32_t id);
/* Whether a node was evicted (and has not come back). */
int model_node_evicted(const struct cs_model *m, const struct cs_node *n);
const char *model_node_name(const struct cs_model *m, uint32_t id);

/* Add or update a node (from corosync's nodelist). */
uint32_t model_set_node(struct cs_model *m, uint32_t id, const char *name, uint32_t state);

/* Apply one op.  Deterministic: the same model and op give the same result
 * on every node.  *why gets a static explanation on error. */
uint32_t model_apply(struct cs_model *m, uint32_t op, const struct cs_args *a, const char **why);

/*
 * Common properties.  Each kind of object has one table of the common
 * properties SET_COMMON_PROPERTIES may change (a DWORD or a string each,
 * with its range), read by GET/ENUM (answers.c), VALIDATE and SET (here),
 * and, for nodes, types and the cluster, the fields of their records: a
 * new setting is one line of its table.  The read-only ones (names, ids,
 * states) are answers.c's; their names are here so that SET can say so.
 *
 * SET takes a property list naming some of them; any unknown or read-only
 * name, value of another format, or value out of range refuses the whole
 * list (ERROR_INVALID_PARAMETER, *why naming the property), as does a list
 * that would break a rule between properties (a group's failback window is
 * two hours or none; AutoFailbackType 1 needs a preferred owner).  A
 * string set to "" is the default (no description).
 */
enum cs_prop_object {
	CS_PROPS_RESOURCE = 0, CS_PROPS_GROUP, CS_PROPS_NODE, CS_PROPS_TYPE, CS_PROPS_CLUSTER,
	CS_PROPS_KINDS,
};

#define CS_PROP_HOUR 1u   /* a DWORD that is an hour 0-23, or CS_NO_HOUR */

struct cs_prop {
	const char *name;
	uint16_t format;        /* CLUSPROP_FORMAT_DWORD, or _SZ (a char *, NULL for "") */
	unsigned flags;         /* CS_PROP_HOUR */
	size_t off;             /* the field in the object */
	uint32_t min, max;      /* DWORD: the range; SZ: max is the bytes allowed */
	uint32_t dflt;          /* DWORD: the value of an object nobody set (nodes, types,
	                           the cluster: their records; groups: the new fields) */
};

/* The table of kind k; *n its length. */
const struct cs_prop *model_props(enum cs_prop_object k, size_t *n);
/* Whether name is one of kind k's read-only common properties. */
int model_prop_read_only(enum cs_prop_object k, const char *name);

static inline uint32_t model_prop_dword(const struct cs_prop *p, const void *obj)
{
	return *(const uint32_t *)(const void *)((const char *)obj + p->off);
}

static inline const char *model_prop_sz(const struct cs_prop *p, const void *obj)
{
	const char *s = *(char *const *)(const void *)((const char *)obj + p->off);
	return s ? s : "";
}

/* The object whose settable properties kind k's table describes: the
 * resource, the group, the node's or type's settings (or, if nobody set
 * any, the defaults), the cluster's.  NULL if a resource, group or node of
 * that name does not exist (a type is any valid name). */
const void *model_props_object(const struct cs_model *m, enum cs_prop_object k,
			       const char *name);

/* Check a common-property list as SET_COMMON_PROPERTIES would, changing
 * nothing (VALIDATE_COMMON_PROPERTIES); the object's not-found error if it
 * does not exist.  *why (may be NULL) as for model_apply. */
uint32_t model_validate_props(const struct cs_model *m, enum cs_prop_object k, const char *name,
			      const void *in, size_t in_size, const char **why);

/* Group state derived from its resources' states (Failed while held). */
uint32_t model_group_state(const struct cs_model *m, const struct cs_group *g);

/* Resources of a group in dependency order (dependencies first); caller frees the array. */
uint32_t model_group_order(const struct cs_model *m, const struct cs_group *g,
			   struct cs_resource ***ret, size_t *ret_n);

/* Does the group want to be online (any resource, or the empty group, persistent)? */
int model_group_wanted(const struct cs_model *m, const struct cs_group *g);
/* Deterministic placement: the first preferred owner, then the lowest node id,
 * that is in `members`, Up (not paused), not evicted, may own g and is not
 * `exclude`; 0 if none. */
uint32_t model_choose_node(const struct cs_model *m, const struct cs_group *g,
			   const uint32_t *members, size_t n_members, uint32_t exclude);

/* Whether node may own group g: a possible owner of each of its resources. */
int model_node_can_own(const struct cs_model *m, const struct cs_group *g, const char *node);

/*
 * The failover policy (MSCS): whether group g may fail over once more at
 * `now` (seconds since 1970): fewer than FailoverThreshold failovers
 * (0xFFFFFFFF: the number of nodes - 1) inside the FailoverPeriod (hours)
 * that began with the first of them.  *count and *limit (may be NULL) say
 * how many there were and the threshold.
 */
int model_failover_allowed(const struct cs_model *m, const struct cs_group *g, uint64_t now,
			   uint32_t *count, uint32_t *limit);

/*
 * Failback (MSCS AutoFailbackType 1): the node group g should go back to
 * now - its most preferred owner in `members` that is Up and may own it - if
 * that is not where it runs, and the local hour at `now` is inside its
 * failback window (none: any hour); 0 if it stays.
 */
uint32_t model_failback_target(const struct cs_model *m, const struct cs_group *g,
			       const uint32_t *members, size_t n_members, time_t now);

/* The reason a held group is Failed, for people ("" when not held). */
void model_hold_reason(const struct cs_group *g, uint32_t limit, char *buf, size_t size);

/*
 * Records by name (common/cs_record.h).  The schema version says what the
 * records mean; it is written into every snapshot and database:
 *   1  (main before 2026-11-29) positional records, no version: read only
 *      by the database upgrade (schema1.c)
 *   2  named records
 * A reader refuses a snapshot or database of a newer schema
 * (ERROR_CLUSTER_INCOMPATIBLE_VERSIONS), naming both versions in its log.
 */
#define CS_SCHEMA_VERSION 3u

enum cs_record {
	CS_REC_GROUP = 0, CS_REC_RESOURCE = 1,
	CS_REC_NODE = 2, CS_REC_TYPE = 3, CS_REC_CLUSTER = 4,   /* schema 3: settings */
};
const char *model_record_name(enum cs_record kind);

/* One object as a record property ("Group" / "Resource" = BINARY of its
 * named fields); runtime: with its live state (snapshots). */
uint32_t model_encode_group(clusprop_builder *b, const struct cs_group *g, int runtime);
uint32_t model_encode_resource(clusprop_builder *b, const struct cs_resource *r, int runtime);
/* One object's named fields alone, without runtime state (a database row);
 * obj: a cs_group, cs_resource, cs_node_conf, cs_type_conf or cs_cluster_conf. */
uint32_t model_encode_row(clusprop_builder *b, enum cs_record kind, const void *obj);
/* The whole database: SchemaVersion, Version, every record (settings
 * only where someone set some), Paused nodes. */
uint32_t model_encode_snapshot(const struct cs_model *m, clusprop_builder *b);
/* The schema version a snapshot says it has (1 if it says none; 0 if it
 * is not a property list at all). */
uint32_t model_snapshot_schema(const void *buf, size_t len);
/* Replace m's groups, resources and settings (and, runtime, their live state) with a
 * snapshot's, or change nothing and fail: ERROR_INVALID_DATA (malformed: a
 * bad record, a name twice), ERROR_CLUSTER_INCOMPATIBLE_VERSIONS (another
 * schema), ERROR_NOT_ENOUGH_MEMORY. */
uint32_t model_load(struct cs_model *m, const void *buf, size_t len, int runtime);
/* The settings records of m, for the store: each kind's objects. */
struct cs_node_conf *model_node_conf(const struct cs_model *m, const char *name);
struct cs_type_conf *model_type_conf(const struct cs_model *m, const char *name);
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
 * group's and resource's record without runtime state, then every
 * settings record (there are none until someone sets one), in name order (so
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
