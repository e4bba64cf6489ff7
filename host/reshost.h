/*
 * reshost.h - internals of cluster-reshost shared by its files.
 *
 * Threads:
 *   main      serves the socket (the only reader and writer), loads plugins,
 *             accepts requests, schedules the health polls, reaps resources.
 *   resource  one per open resource: runs that resource's plugin calls one
 *             at a time, from its queue (so a slow or hung resource stalls
 *             only itself).
 *   type      one per loaded type, started on the first TYPE_CONTROL: runs
 *             resource_type_control() calls.
 * Workers hand replies and events to the main thread through the outbox
 * (mutex + eventfd).  Lock order: a queue's mutex, then the outbox mutex.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_RESHOST_H
#define CS_RESHOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <clusapi/resapi.h>

#include "hostproto.h"

/* Internal job kinds beyond the protocol's request types. */
enum {
	JOB_POLL_LOOKS = 100,
	JOB_POLL_IS = 101,
	JOB_SHUTDOWN = 102,  /* terminate if needed, close, no reply */
	JOB_FENCE = 103,     /* the lease ran out: terminate, report it failed if it was up */
};

struct job {
	struct job *next;
	uint16_t type;              /* HOSTPROTO_* or JOB_* */
	uint64_t request_id;
	uint8_t *payload;           /* owned (OPEN, CONTROL, TYPE_CONTROL) */
	union {
		struct hostproto_open_view open;
		struct hostproto_control_view ctl;
	} v;
};

/* A serial work queue with its own thread. */
struct workq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head;
	struct job *tail;
	bool stop;                  /* exit when drained (type queues) */
	bool thread_started;
	pthread_t thread;
};

struct plugin {
	struct plugin *next;
	char *type_name;            /* as the table gives it */
	void *dl;
	cluster_resource_plugin tab;   /* copy, members past the plugin's size NULL */
	struct workq typeq;         /* type controls; thread started on demand */
	bool typeq_init;
};

enum res_state {
	RS_OPENING = 0,
	RS_OFFLINE,
	RS_ONLINE_PENDING,
	RS_ONLINE,
	RS_OFFLINE_PENDING,
	RS_FAILED,
	RS_CLOSED,
};

struct resource {
	struct resource *hnext;     /* hash chain (main thread) */
	struct resource *anext;     /* list of all (main thread) */
	struct resource *aprev;
	uint64_t id;
	struct plugin *plugin;
	char *name;
	cluster_resid pid;          /* plugin's id (resource thread only) */
	bool closing;               /* main thread: CLOSE accepted */

	struct workq q;             /* q.mu guards everything below */
	enum res_state state;
	uint64_t pending_req;       /* request waiting for set_resource_status, 0: none */
	uint16_t pending_type;      /* HOSTPROTO_ONLINE / OFFLINE */
	bool closed;                /* the thread is finishing: accept no job */
	bool poll_queued;
	uint32_t looks_ms;
	uint32_t is_ms;
	int64_t next_looks;
	int64_t next_is;
	int64_t poll_started;       /* when the running LooksAlive/IsAlive began, 0: none */
};

#endif /* CS_RESHOST_H */
