/*
 * csd.h - clusterd's state and the interfaces between its parts:
 *   repl.c     corosync (CPG + votequorum + cmap), replication, state transfer
 *   conn.c     the local API socket (common/clientproto.h): connections,
 *              frames, replies
 *   api.c      what each request means: one table from op to handler
 *   change.c   a change from the request to its answer (replicated, applied,
 *              on disk, and with WaitMs the state reached)
 *   control.c  a control code's life: routing, waiting, remote request and
 *              reply, plugin first, then clusterd's own answer (answers.c)
 *   rm.c       the resource manager: reconciling owned groups, restarts,
 *              failover, the resource host (hostclient.c)
 *   drain.c    draining a node (on request, and at shutdown); an evicted
 *              node coming back
 *
 * Conventions: every module above the loop returns ERROR_* codes
 * (clusapi/errors.h, uint32_t) and checks every result it gets; loop.c,
 * the OS layer, returns 0 or -errno like the system calls it wraps;
 * predicates return int 0/1.  Names: each file's functions carry its
 * prefix (repl_, api_, control_, rm_, model_, store_, answer_, wire_);
 * cluster_ belongs to libclusapi.
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
#include "wire.h"

#define CSD_MAX_NODES 64

/* Flags of a MSG_STATE: whose runtime state is the truth. */
#define SYNC_ESTABLISHED 1u      /* the sender completed a state transfer before */
#define SYNC_QUORATE     2u      /* ... and was quorate when the view changed */
#define SYNC_DISTRUSTED  4u      /* its copy must not lead: it failed its digest, was
                                    moved aside, or diverged (repl.c) */

struct csd_config {
	const char *config_dir, *state_dir, *run_dir, *socket_path;
	const char *plugin_dir, *host_path;
	int foreground, log_level, use_syslog;
};

/* Writes through the API need root or membership in this group. */
#define CS_ADMIN_GROUP "haclient"

/* Bounds on what clients can make clusterd hold (conn.c). */
#define CONN_MAX            128u               /* clients at once */
#define CONN_MAX_PER_USER   32u                /* ... of one uid other than root */
#define CONN_MAX_OVER_CAP   16u                /* more, being told ERROR_CONNECTION_COUNT_LIMIT */
#define CONN_MAX_INFLIGHT   32u                /* unanswered requests of one client */
#define CONN_OUT_HIGH       (1u << 20)         /* replies waiting: its requests wait too */
#define CONN_OUT_MAX        (64u << 20)        /* replies waiting: the client is dropped */
#define CONN_OUT_TOTAL_MAX  (256u << 20)       /* ... for all clients together */
#define CONN_FRAME_MS       10000u             /* a request begun must be finished by then */

/* A client connection, by number: whatever waits to answer it holds this,
 * never a pointer (conn.c); 0 is none. */
typedef uint64_t conn_id;

struct csd {
	struct csd_config cfg;
	struct loop *loop;
	struct cs_model model;
	struct cs_store *store;

	/* membership */
	uint32_t local_id;
	uint32_t members[CSD_MAX_NODES];
	size_t n_members;
	int quorate;                 /* quorum CONFIRMED for the membership this node is
	                                in now (repl.c): nothing is placed or started
	                                without it */
	int quorum_pending;          /* the membership changed and votequorum has not yet
	                                said whether the new one is quorate */
	int synced;                  /* state transfer finished for this view */
	struct {
		uint32_t id;                  /* a member whose STATE arrived */
		struct wire_state st;
	} sync[CSD_MAX_NODES];
	int ever_synced;             /* this process has completed a state transfer */
	size_t n_sync_states;
	uint64_t epoch;              /* the last quorate view this copy was synced in */
	int distrusted;              /* this copy must not lead a state transfer */
	char notice[4608];           /* what went wrong with this node's database, for
	                                the log and `cluster status` ("": nothing) */

	int exit_code;               /* set before loop_stop() on a fatal error */
};

extern struct csd *csd;

_Static_assert(CS_MAX_DATABASE + (CSD_MAX_NODES + 1) * 8192u < WIRE_MAX_PAYLOAD,
	       "a snapshot of the largest database fits a CPG message");

/*
 * Stopping in time (doc/quorum.md has the argument and the numbers).
 *  - A node that learns it has no quorum terminates everything at once
 *    (rm_quorum_lost); a plugin's terminate finishes within CSD_TERM_MS.
 *  - The resource host runs resources only under a lease that clusterd renews
 *    every CSD_TICK_MS for CSD_LEASE_MS while it runs and is not known to be
 *    without quorum; a clusterd that is frozen, stalled or gone stops
 *    renewing and its host terminates everything by itself when the lease
 *    runs out (or at once when clusterd's socket closes).
 *  - The others start a lost node's groups only after it has surely done so:
 *    skew + CSD_TERM_MS + CSD_MARGIN_MS after a node left the ring (both
 *    sides learn of the split from the same token timeout; the token's last
 *    holder may have kept it for corosync's `hold` before passing it on, so
 *    skew = hold + CSD_SKEW_MS), CSD_LEASE_MS + CSD_TERM_MS + CSD_MARGIN_MS
 *    after a clusterd left while its node stays in the ring.
 */
#define CSD_LEASE_MS   800u
#define CSD_TICK_MS    200u
#define CSD_TERM_MS    100u
#define CSD_SKEW_MS    50u
#define CSD_MARGIN_MS  50u

/* repl.c: the bottom layer - it names no module above it, and tells them
 * what happened through the hooks main.c gives it. */
struct repl_hooks {
	/* The model or the membership changed: reconcile, wake waiters. */
	void (*changed)(void);
	/* A model op this node sent was applied (or refused) everywhere. */
	void (*op_applied)(uint32_t req_id, uint32_t status, const char *why);
	/* A MSG_CONTROL_REQ for this node, and a MSG_CONTROL_REPLY to one it sent. */
	void (*remote_control)(uint32_t from, uint16_t op, uint32_t req_id, const void *p,
				size_t len);
	void (*remote_reply)(uint32_t from, uint32_t req_id, uint32_t status, const void *p,
			      size_t len);
	/* Members left (or were found speaking another protocol). */
	void (*members_changed)(void);
	/* This node lost quorum: stop everything it runs, now. */
	void (*quorum_lost)(void);
	/* The resource host may run resources until `until` (CLOCK_MONOTONIC ms). */
	void (*lease)(uint64_t until);
};
uint32_t repl_start(const struct repl_hooks *hooks);
void repl_stop(void);
/* Multicast a message to every node (including this one); held while the
 * view syncs, retried while corosync is busy. */
uint32_t repl_send(uint16_t type, uint16_t op, uint32_t dest, uint32_t req_id,
		   uint32_t status, const void *payload, size_t len);
/* Multicast a model op with args. */
uint32_t repl_send_op(uint32_t op, const struct cs_args *a, uint32_t req_id);
int repl_is_member(uint32_t id);
/* Why a change is refused while !csd->quorate, for its client. */
const char *repl_no_quorum_why(void);
uint32_t repl_coordinator(void);

/* conn.c: the API socket - connections, frames, replies */
/* A whole request frame from client c. */
typedef void (*conn_request_fn)(conn_id c, uint16_t op, uint32_t id, const void *payload,
				size_t len);
uint32_t conn_start(conn_request_fn on_request);
void conn_stop(void);
/* Answer request (op, req) of client c; nothing if c has gone. */
void conn_reply(conn_id c, uint32_t op, uint32_t req, uint32_t status, const void *payload,
		size_t len);
/* The same with a property "Error" = why (NULL: no payload). */
void conn_reply_error(conn_id c, uint32_t op, uint32_t req, uint32_t status, const char *why);
/* Whether client c may change things: root or in CS_ADMIN_GROUP, checked
 * now (not when it connected). */
int conn_may_change(conn_id c);

/* api.c: what each request means - one table from op to handler */
void api_request(conn_id c, uint16_t op, uint32_t id, const void *payload, size_t len);

/* drain.c: taking a node out of service (drain, the shutdown drain) and an
 * evicted node coming back */
uint32_t drain_start(void);
void drain_stop(void);
/* CS_OP_NODE_DRAIN of client c for node `name`: answered with the report
 * (clientproto.h) when done, or after wait_ms (0: the default). */
void drain_request(conn_id c, uint32_t op, uint32_t id, const char *name, uint32_t wait_ms);
/* Move group g to node target as `group move` does (MOP_GROUP_MOVING for a
 * group that runs, else MOP_GROUP_OWNER). */
uint32_t drain_move_group(const struct cs_group *g, uint32_t target);
/* clusterd is told to stop: drain this node first.  ERROR_IO_PENDING: done()
 * is called once, when every group it owned is handed over or timeout_ms
 * passed; ERROR_SUCCESS: nothing to wait for (no quorum, no other node up,
 * nothing owned, timeout_ms 0), done() is never called. */
uint32_t drain_shutdown(uint32_t timeout_ms, void (*done)(void));
/* The model or the membership changed; members left or joined. */
void drain_changed(void);
void drain_members_changed(void);

/* change.c: a change from the request to its answer */
uint32_t change_start(void);
void change_stop(void);
/* Multicast model op `op` with args a for client c (request api_op,
 * client_id); c is answered once this node applied and stored it (and,
 * with wait_ms and an object, once the object reached wait_state). */
void change_submit(conn_id c, uint32_t api_op, uint32_t client_id, uint32_t op,
		   const struct cs_args *a, const char *object, uint32_t wait_ms, uint32_t wait_state);
/* A model op this node sent was applied (or refused) everywhere. */
void change_applied(uint32_t req_id, uint32_t status, const char *why);
/* Something changed: waiters on states may be satisfied. */
void change_check_waiters(void);

/* control.c: a control code's life, from the client's request to its answer */
uint32_t control_start(void);
void control_stop(void);
/* A client's CS_OP_*_CONTROL request. */
void control_request(conn_id c, uint32_t op, uint32_t id, struct cs_args *a);
/* MSG_CONTROL_REQ for this node, and MSG_CONTROL_REPLY to one it sent. */
void control_on_request(uint32_t from, uint16_t op, uint32_t req_id, const void *p, size_t len);
void control_on_reply(uint32_t from, uint32_t req_id, uint32_t status, const void *p, size_t len);
/* The membership changed: controls waiting on a node that left fail. */
void control_members_changed(void);

/* rm.c */
uint32_t rm_start(void);
void rm_stop(void);
/* The model changed in a way that may need local action. */
void rm_reconcile(void);
/* A control's result: status, and for success (or ERROR_MORE_DATA) the
 * output and the bytes written (or needed).  Pointers valid during the call. */
typedef void (*rm_control_done_fn)(void *ctx, uint32_t status, const void *out,
				   size_t bytes_returned, size_t out_len);
/* Run a control through the plugin of resource r (open on this node) or of
 * resource type `type` (r NULL).  ERROR_IO_PENDING: done(ctx, ...) is called
 * exactly once, later.  ERROR_INVALID_FUNCTION: r is not loaded here
 * (clusterd answers by default).  Any other error: done is never called. */
uint32_t rm_control(const struct cs_resource *r, const char *type, uint32_t code,
		    const void *in, size_t in_size, uint32_t out_size, rm_control_done_fn done,
		    void *ctx);
/* Whether resource r is open in this node's resource host. */
int rm_loaded(const struct cs_resource *r);
void rm_sigchld(void);
void rm_quorum_lost(void);
/* The lease the resource host runs under (repl's lease hook). */
void rm_lease(uint64_t until);
/* Whether this node may run resources now: quorum confirmed and the lease held. */
int rm_may_run(void);
/* This node's own resource state reports (MOP_RES_STATE) carry request ids
 * of their own; when one is applied, rm_state_applied() is told. */
int rm_is_state_req(uint32_t req_id);
void rm_state_applied(uint32_t req_id);

#endif
