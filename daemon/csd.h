/*
 * csd.h - clusterd's state and the interfaces between its parts:
 *   repl.c     corosync (CPG + votequorum + cmap), replication, state transfer
 *   api.c      the local API socket (common/clientproto.h)
 *   rm.c       the resource manager: reconciling owned groups, restarts,
 *              failover, the resource host
 *   control.c  control codes: the common ones clusterd answers itself
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_H
#define CSD_H

#include <stdint.h>

#include "args.h"
#include "loop.h"
#include "model.h"
#include "store.h"

#define CSD_MAX_NODES 64

/* Flags of a MSG_STATE: whose runtime state is the truth. */
#define SYNC_ESTABLISHED 1u      /* the sender completed a state transfer before */
#define SYNC_QUORATE     2u      /* ... and was quorate when the view changed */

/* Message types on CPG. */
enum csd_msg {
	MSG_STATE = 1,      /* state transfer: my version (u64) and SYNC_* flags (u32) */
	MSG_SNAPSHOT,       /* state transfer: the leader's database */
	MSG_OP,             /* a model op (hdr.op), payload: args */
	MSG_MOVE,           /* group move request, payload: Name, NodeId (target) */
	MSG_CONTROL_REQ,    /* a control for hdr.dest, payload: args (Name, Code, In, OutSize) */
	MSG_CONTROL_REPLY,  /* hdr.status, payload: BytesReturned, Out */
};

struct csd_config {
	const char *config_dir, *state_dir, *run_dir, *socket_path;
	const char *plugin_dir, *host_path;
	int foreground, log_level, use_syslog;
};

struct api_conn;

/* A request from a local client that waits for something. */
struct pending {
	struct pending *next;
	struct api_conn *conn;       /* NULL once the client has gone */
	uint32_t req_id, op;
	uint32_t client_id;           /* the client's request id */
	uint32_t target;              /* PEND_CONTROL: the node answering it */
	void *then_priv;             /* PEND_CONTROL validating a SET_PRIVATE_PROPERTIES:
	                                the list to replicate once the owner accepted it */
	size_t then_priv_size;
	uint32_t kind;               /* PEND_* */
	char *object;                /* group or resource name */
	uint32_t want_state;
	uint64_t deadline;           /* 0: none */
	uint32_t out_size;
};

enum { PEND_APPLY = 1, PEND_GROUP_STATE, PEND_RES_STATE, PEND_CONTROL };

struct csd {
	struct csd_config cfg;
	struct loop *loop;
	struct cs_model model;
	struct cs_store *store;

	/* membership */
	uint32_t local_id;
	uint32_t members[CSD_MAX_NODES];
	size_t n_members;
	int quorate;
	int synced;                  /* state transfer finished for this view */
	uint32_t sync_states[CSD_MAX_NODES];  /* node ids whose STATE arrived */
	uint64_t sync_versions[CSD_MAX_NODES];
	uint32_t sync_flags[CSD_MAX_NODES];   /* SYNC_* */
	int ever_synced;             /* this process has completed a state transfer */
	size_t n_sync_states;

	int exit_code;               /* set before loop_stop() on a fatal error */
	uint32_t next_req;           /* request ids for MSG_* sent by this node */
	struct pending *pending;
	struct api_conn *conns;
};

extern struct csd *csd;

/* repl.c */
int repl_start(void);
void repl_stop(void);
/* Multicast a message to every node (including this one). */
uint32_t repl_send(uint16_t type, uint16_t op, uint32_t dest, uint32_t req_id,
		      uint32_t status, const void *payload, size_t len);
/* Multicast a model op with args. */
uint32_t repl_send_op(uint32_t op, const struct cs_args *a, uint32_t req_id);
int repl_is_member(uint32_t id);
uint32_t repl_coordinator(void);

/* api.c */
int api_start(void);
void api_stop(void);
void api_reply(struct api_conn *c, uint32_t op, uint32_t id, uint32_t status,
	       const void *payload, size_t len);
void api_reply_error(struct api_conn *c, uint32_t op, uint32_t id, uint32_t status,
		     const char *why);
struct pending *pending_add(struct api_conn *c, uint32_t op, uint32_t req_id, uint32_t kind,
			    const char *object, uint64_t wait_ms);
void pending_done(struct pending *p);
/* A model op this node sent was applied (or refused) everywhere. */
void api_op_applied(uint32_t req_id, uint32_t status, const char *why);
/* Something changed: waiters on states may be satisfied. */
void api_check_waiters(void);
/* The membership changed: controls waiting on a node that left fail. */
void api_members_changed(void);

/* rm.c */
int rm_start(void);
void rm_stop(void);
/* The model changed in a way that may need local action. */
void rm_reconcile(void);
/* A resource on this node: run a control through the resource host. */
/* Returns ERROR_IO_PENDING (the answer comes through control_finish or
 * control_default), ERROR_INVALID_FUNCTION (not loaded here: answer by
 * default), or an error. */
uint32_t rm_control(const char *resource, const char *type, uint32_t op, uint32_t code,
		    const void *in, size_t in_size, uint32_t out_size, uint32_t origin,
		    uint32_t req_id);
void rm_sigchld(void);
void rm_quorum_lost(void);

/* control.c */
/* Answer a control on this node; replies go to the origin node (or local
 * client) via control_reply(). */
void control_local(uint32_t op, const struct cs_args *a, uint32_t origin, uint32_t req_id);
/* A reply for a control that this node forwarded. */
void control_reply(uint32_t origin, uint32_t req_id, uint32_t status, const void *out,
		   size_t bytes_returned, size_t out_len);
/* Deliver a control's result to its origin (this node or another). */
void control_finish(uint32_t origin, uint32_t req_id, uint32_t status, const void *out,
		    size_t bytes_returned, size_t out_len);
/* The plugin declined (ERROR_INVALID_FUNCTION): clusterd answers the common code. */
void control_default(uint32_t op, const char *name, uint32_t code, const void *in, size_t in_size,
		     uint32_t out_size, uint32_t origin, uint32_t req_id);

#endif
