/*
 * client.h - libclusapi internals: the connection, object handles and the
 * request helpers the API calls are built from.  Not installed; the symbol
 * map keeps these names out of the shared library (tests link the objects
 * directly, through the clusapi_core static library).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_CLIENT_H
#define CS_CLIENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <clusapi/clusapi.h>

#include "clientproto.h"

struct cluster_handle {
	atomic_uint refs;          /* the user's reference + one per object handle */
	pthread_mutex_t io_lock;   /* one request at a time on fd */
	pthread_mutex_t name_lock; /* object names (renames) */
	int fd;                    /* -1: not connected (reconnect on next request) */
	int can_reconnect;         /* 0 for a handle made on a bare fd (tests) */
	uint32_t next_id;
	uint32_t timeout_ms;       /* 0: none */
	char *path;                /* NULL for a handle made on a bare fd */
};

enum cs_obj_kind {
	CS_OBJ_NODE = 1,
	CS_OBJ_GROUP = 2,
	CS_OBJ_RESOURCE = 3,
};

struct cs_obj {
	cluster_handle *h;
	char *name;                /* under h->name_lock */
	enum cs_obj_kind kind;
};

struct cluster_node { struct cs_obj o; };
struct cluster_group { struct cs_obj o; };
struct cluster_resource { struct cs_obj o; };

/* ---- connection (client.c) ---- */

/* Whether a request may be sent again after its reply was lost. */
enum cs_call_flags {
	CS_CALL_IDEMPOTENT = 1,
};

/* A decoded reply: status and payload (cs_malloc'ed, NULL when empty). */
struct cs_reply {
	uint32_t status;
	uint8_t *payload;
	uint32_t length;
};

void cs_reply_free(struct cs_reply *r);

/*
 * cs_call - send one request (op, payload of len bytes) and read its reply.
 * extra_ms is added to the handle's timeout (a request's own WaitMs).
 * ERROR_SUCCESS with *ret filled (the daemon's status is in ret->status,
 * and ret->payload must be freed with cs_reply_free()), or a transport
 * error (*ret untouched).
 */
uint32_t cs_call(cluster_handle *h, uint16_t op, const void *payload, size_t len,
		 unsigned flags, uint32_t extra_ms, struct cs_reply *ret);

/*
 * cs_call_plist - cs_call() with a property-list payload built by an OWNED
 * builder (the builder's sticky error, if any, is returned instead).  The
 * builder is not freed.
 */
uint32_t cs_call_plist(cluster_handle *h, uint16_t op, const clusprop_builder *b,
		       unsigned flags, uint32_t extra_ms, struct cs_reply *ret);

/* A handle over an already connected socket (tests: socketpair); it never
 * reconnects.  The fd belongs to the handle from then on, even on failure. */
uint32_t cs_client_open_fd(int fd, cluster_handle **ret);

void cs_handle_ref(cluster_handle *h);
void cs_handle_unref(cluster_handle *h);

/* ---- objects (objects.c) ---- */

/* Append "Name" = the object's current name (under its handle's name lock). */
uint32_t cs_obj_add_name(clusprop_builder *b, const struct cs_obj *o, const char *prop);

/* Decode a CS_OP_NODE_DRAIN report (clientproto.h) into *ret; *ret untouched on error. */
uint32_t cs_drain_decode(const void *buf, size_t size, cluster_drain_report **ret);

/* ---- status (status.c) ---- */

/* Decode a CS_OP_STATUS reply payload (a property list) into a snapshot. */
uint32_t cs_status_decode(const void *buf, size_t size, cluster_status **ret);

/* A NULL-terminated string vector in one cs_malloc block: n strings,
 * taken from a MULTI_SZ's UTF-8 form ("a\0b\0", len bytes). */
char **cs_strv_from_multi(const char *s, size_t len, uint32_t n);
/* The same from an array of n strings. */
char **cs_strv_from_array(const char *const *strs, size_t n);

#endif /* CS_CLIENT_H */
