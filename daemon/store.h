/*
 * store.h - the node's copy of the cluster database on disk (SQLite, WAL,
 * synchronous=FULL): one row per group or resource (its record by name),
 * plus the version and the schema version.
 * A change is on disk before clusterd acknowledges it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_STORE_H
#define CSD_STORE_H

#include "model.h"

struct cs_store;

/* Open (creating) DIR/cluster.db.  ERROR_* with *why set on failure
 * (ERROR_CLUSTER_INCOMPATIBLE_VERSIONS: written by a newer schema). */
uint32_t store_open(const char *dir, struct cs_store **ret, const char **why);
void store_close(struct cs_store *s);
/* Rename DIR/cluster.db (and its -wal, -shm) to cluster.db.bad-<UTC time>,
 * kept for people to look at; the new name in ret_path.  The store must be
 * closed. */
uint32_t store_move_aside(const char *dir, char *ret_path, size_t ret_size);
/* Load every object into m (configuration only; runtime state starts
 * Offline).  A database of an older schema is upgraded on disk (the old
 * file kept as cluster.db.schemaN); *why then says so (and on failure
 * says why), else stays NULL. */
uint32_t store_load(struct cs_store *s, struct cs_model *m, const char **why);
/* Whether the stored digest matches m (loaded from this store): *ret_ok 0
 * if the file's content was changed behind clusterd's back; 1 also when
 * the file has no digest yet (written before digests). */
uint32_t store_check_digest(struct cs_store *s, const struct cs_model *m, int *ret_ok);
/* The cluster the copy belongs to (corosync's totem.cluster_name; "" if
 * never recorded). */
uint32_t store_get_cluster(struct cs_store *s, char *buf, size_t size);
uint32_t store_set_cluster(struct cs_store *s, const char *name);
/* The epoch of the last quorate view this copy was synced in (0: none). */
uint32_t store_get_epoch(struct cs_store *s, uint64_t *ret);
uint32_t store_set_epoch(struct cs_store *s, uint64_t epoch);
/* Write the objects marked dirty and delete the deleted ones, with the version. */
uint32_t store_flush(struct cs_store *s, struct cs_model *m);
/* Replace everything with m (after a state transfer). */
uint32_t store_replace(struct cs_store *s, struct cs_model *m);

#endif
