/*
 * reshost.c - cluster-reshost, the resource host process (MSCS's resource
 * monitor): loads resource-type plugins, keeps resources open, runs their
 * entry points on per-resource threads and their health polls on timers, and
 * talks to clusterd over one SOCK_SEQPACKET socket (hostproto.h).
 *
 *   cluster-reshost --fd N --plugin-dir DIR [--verbose] [--lease] [--quorum]
 *
 * With --lease (clusterd always gives it) the host is clusterd's watchdog
 * (sbd's idea, without a watchdog device): it runs resources only under a
 * lease clusterd renews while it has quorum (HOSTPROTO_LEASE); when the lease
 * runs out - clusterd frozen, stalled, cut off or without quorum - it
 * terminates every resource at once by itself.  It starts with no lease.
 * With --quorum it also follows its node's quorum through votequorum itself:
 * when corosync says this node lost quorum, it terminates everything at once
 * - whether clusterd, frozen or busy, has noticed or not.
 *
 * Exits when the socket closes: every open resource is terminated (if not
 * offline) and closed, every plugin cleaned up and unloaded.  Exit status 0
 * after a clean shutdown, 1 on bad arguments, 2 after a protocol error from
 * the peer (the connection is dropped), 3 if the shutdown did not finish in
 * time (a plugin call hung), 4 if memory was left allocated.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "reshost.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <clusapi/proplist.h>
#include <corosync/cpg.h>
#include <corosync/votequorum.h>
#include <sys/uio.h>

#include "cs_hostnotice.h"

#include "cs_alloc.h"
#include "cs_bytes.h"

#define HASH_BUCKETS 1024u
#define MAX_QUEUED_LOGS 1024u
#define SHUTDOWN_TIMEOUT_MS 10000
/* A LooksAlive/IsAlive call that runs longer than this is a deadlock (MSCS's
 * resource monitor has the same check); $CS_RESHOST_DEADLOCK_MS overrides. */
#define DEFAULT_DEADLOCK_MS 60000

/* An item handed from a worker to the main thread. */
struct outitem {
	struct outitem *next;
	uint8_t *msg;               /* encoded message, or NULL */
	size_t len;
	bool is_log;
	struct resource *reap;      /* a resource whose thread has finished, or NULL */
};

struct host {
	int sock;                   /* -1 once closed */
	int wake_fd;
	const char *plugin_dir;
	bool verbose;
	bool shutting_down;
	int64_t deadlock_ms;
	int64_t shutdown_deadline;
	int exit_code;
	bool lease_on;              /* --lease: resources run only under a lease */
	bool fenced;                /* the lease ran out; nothing runs until a new one */
	int64_t lease_until;        /* CLOCK_MONOTONIC ms */
	bool watch_quorum;          /* --quorum */
	uint32_t clusterd_pid;      /* the parent, with --quorum (cs_hostnotice.h) */
	bool clusterd_gone;         /* its socket closed: the shutdown terminates all */
	votequorum_handle_t vq;
	int vq_fd;                  /* -1: not following votequorum */

	struct hostproto_rx rx;
	struct hostproto_txq txq;
	uint8_t *recbuf;

	pthread_mutex_t out_mu;
	struct outitem *out_head;
	struct outitem *out_tail;
	unsigned queued_logs;

	struct resource *hash[HASH_BUCKETS];
	struct resource *all;
	size_t nresources;
	struct plugin *plugins;
};

static struct host *g_host;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ======================================================================
 * Outbox: workers -> main thread
 * ====================================================================== */

static void wake_main(struct host *h)
{
	uint64_t one = 1;
	ssize_t w;
	do
		w = write(h->wake_fd, &one, sizeof(one));
	while (w < 0 && errno == EINTR);
	/* EAGAIN: the counter is saturated, the main thread wakes anyway */
}

/* Memory for something that must get through (a reply, a reap): when short,
 * wait for it rather than leave clusterd without an answer. */
static void *calloc_retry(size_t size)
{
	void *p;
	while (!(p = cs_calloc(1, size)))
		usleep(1000);
	return p;
}

/*
 * Queue msg (taken, may be NULL) and/or a resource to reap.  must: the item
 * is a reply or a reap and is never dropped; other messages (events, logs)
 * are dropped when memory is short or too many logs wait.
 */
static void post(struct host *h, uint8_t *msg, size_t len, bool is_log, bool must,
		 struct resource *reap)
{
	struct outitem *it = (must || reap) ? calloc_retry(sizeof(*it)) : cs_calloc(1, sizeof(*it));
	if (!it) {
		cs_free(msg);
		return;
	}
	it->msg = msg;
	it->len = len;
	it->is_log = is_log;
	it->reap = reap;
	pthread_mutex_lock(&h->out_mu);
	if (is_log && h->queued_logs >= MAX_QUEUED_LOGS) {
		pthread_mutex_unlock(&h->out_mu);
		cs_free(msg);
		cs_free(it);
		return;
	}
	if (is_log)
		h->queued_logs++;
	if (h->out_tail)
		h->out_tail->next = it;
	else
		h->out_head = it;
	h->out_tail = it;
	pthread_mutex_unlock(&h->out_mu);
	wake_main(h);
}

static uint8_t *complete_msg(uint16_t req_type, uint64_t req_id, uint64_t res_id, uint32_t status,
			     uint32_t bytes_returned, const void *out, uint32_t out_len, size_t *ret_len)
{
	uint8_t fixed[16];
	cs_put_le32(fixed, req_type);
	cs_put_le32(fixed + 4, bytes_returned);
	cs_put_le32(fixed + 8, out_len);
	cs_put_le32(fixed + 12, 0);
	struct hostproto_part parts[2] = { { fixed, sizeof(fixed) }, { out, out_len } };
	return hostproto_msg_new(HOSTPROTO_COMPLETE, req_id, res_id, status, parts, 2, ret_len);
}

/* Reply to a request (without output), and/or hand over a resource to reap.
 * Internal jobs (shutdown) have no reply. */
static void post_complete(struct host *h, uint16_t req_type, uint64_t req_id, uint64_t res_id,
			  uint32_t status, struct resource *reap)
{
	size_t len = 0;
	uint8_t *m = NULL;
	if (req_type != JOB_SHUTDOWN) {
		/* 48 bytes: wait for them rather than leave the request unanswered */
		while (!(m = complete_msg(req_type, req_id, res_id, status, 0, NULL, 0, &len)))
			usleep(1000);
	}
	if (m || reap)
		post(h, m, len, false, true, reap);
}

static void post_failed(struct host *h, uint64_t res_id, uint32_t source, uint32_t status)
{
	uint8_t p[8];
	cs_put_le32(p, source);
	cs_put_le32(p + 4, 0);
	struct hostproto_part part = { p, sizeof(p) };
	size_t len = 0;
	uint8_t *m = hostproto_msg_new(HOSTPROTO_RESOURCE_FAILED, 0, res_id, status, &part, 1, &len);
	if (m)
		post(h, m, len, false, false, NULL);
}

static void post_log(struct host *h, uint64_t res_id, uint32_t level, const char *text)
{
	size_t tl = strlen(text);
	if (tl > HOSTPROTO_MAX_LOG)
		tl = HOSTPROTO_MAX_LOG;
	if (level > 7)
		level = 7;
	if (h->verbose)
		fprintf(stderr, "cluster-reshost[%ld]: <%u> res %llu: %.*s\n", (long)getpid(), level,
			(unsigned long long)res_id, (int)tl, text);
	uint8_t p[8];
	cs_put_le32(p, level);
	cs_put_le32(p + 4, (uint32_t)tl);
	struct hostproto_part parts[2] = { { p, sizeof(p) }, { text, tl } };
	size_t len = 0;
	uint8_t *m = hostproto_msg_new(HOSTPROTO_LOG, 0, res_id, 0, parts, 2, &len);
	if (m)
		post(h, m, len, true, false, NULL);
}

static void hlog(struct host *h, uint64_t res_id, uint32_t level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void hlog(struct host *h, uint64_t res_id, uint32_t level, const char *fmt, ...)
{
	char buf[HOSTPROTO_MAX_LOG + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	post_log(h, res_id, level, buf);
}

/* ======================================================================
 * Host callbacks offered to plugins
 * ====================================================================== */

static void complete_pending_locked(struct host *h, struct resource *r, uint32_t status)
{
	uint16_t type = r->pending_type;
	uint64_t req = r->pending_req;
	r->pending_req = 0;
	r->pending_type = 0;
	if (status == ERROR_SUCCESS) {
		r->state = type == HOSTPROTO_ONLINE ? RS_ONLINE : RS_OFFLINE;
		if (r->state == RS_ONLINE) {
			int64_t now = now_ms();
			r->next_looks = now + r->looks_ms;
			r->next_is = now + r->is_ms;
		}
	} else {
		r->state = RS_FAILED;
	}
	post_complete(h, type, req, r->id, status, NULL);
}

static void cb_set_resource_status(cluster_resource_handle *handle, uint32_t state, uint32_t status)
{
	struct resource *r = (struct resource *)handle;
	struct host *h = g_host;
	if (!r)
		return;
	pthread_mutex_lock(&r->q.mu);
	if (r->pending_req != 0) {
		bool on = r->pending_type == HOSTPROTO_ONLINE;
		if ((on && state == CLUSTER_PLUGIN_STATE_ONLINE) ||
		    (!on && state == CLUSTER_PLUGIN_STATE_OFFLINE))
			complete_pending_locked(h, r, ERROR_SUCCESS);
		else if (state == CLUSTER_PLUGIN_STATE_FAILED)
			complete_pending_locked(h, r, status ? status : ERROR_RESOURCE_FAILED);
		/* *_PENDING: progress, nothing to do */
	} else if (state == CLUSTER_PLUGIN_STATE_FAILED && r->state == RS_ONLINE) {
		r->state = RS_FAILED;
		post_failed(h, r->id, HOSTPROTO_FAIL_PLUGIN, status ? status : ERROR_RESOURCE_FAILED);
	}
	pthread_mutex_unlock(&r->q.mu);
}

static void cb_log(cluster_resource_handle *handle, uint32_t level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void cb_log(cluster_resource_handle *handle, uint32_t level, const char *fmt, ...)
{
	struct resource *r = (struct resource *)handle;
	char buf[HOSTPROTO_MAX_LOG + 1];
	if (!fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	post_log(g_host, r ? r->id : 0, level, buf);
}

static void cb_arbitration_lost(cluster_resource_handle *handle)
{
	struct resource *r = (struct resource *)handle;
	if (!r)
		return;
	pthread_mutex_lock(&r->q.mu);
	if (r->state == RS_ONLINE)
		r->state = RS_FAILED;
	post_failed(g_host, r->id, HOSTPROTO_FAIL_ARBITRATION, ERROR_RESOURCE_FAILED);
	pthread_mutex_unlock(&r->q.mu);
}

static const cluster_plugin_host host_api = {
	.abi_version = CLUSTER_RESAPI_VERSION,
	.size = sizeof(cluster_plugin_host),
	.set_resource_status = cb_set_resource_status,
	.log = cb_log,
	.arbitration_lost = cb_arbitration_lost,
};

/* ======================================================================
 * Work queues
 * ====================================================================== */

static void job_free(struct job *j)
{
	if (!j)
		return;
	cs_free(j->payload);
	cs_free(j);
}

static int workq_init(struct workq *q)
{
	memset(q, 0, sizeof(*q));
	if (pthread_mutex_init(&q->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&q->cv, NULL) != 0) {
		pthread_mutex_destroy(&q->mu);
		return -1;
	}
	return 0;
}

static void workq_destroy(struct workq *q)
{
	struct job *j = q->head;
	while (j) {
		struct job *next = j->next;
		job_free(j);
		j = next;
	}
	q->head = q->tail = NULL;
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
}

/* Caller holds q->mu. */
static void workq_push_locked(struct workq *q, struct job *j, bool front)
{
	if (front) {
		j->next = q->head;
		q->head = j;
		if (!q->tail)
			q->tail = j;
	} else {
		j->next = NULL;
		if (q->tail)
			q->tail->next = j;
		else
			q->head = j;
		q->tail = j;
	}
	pthread_cond_signal(&q->cv);
}

/* Wait for and pop the next job; NULL when the queue is stopped and empty. */
static struct job *workq_pop(struct workq *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->head && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	struct job *j = q->head;
	if (j) {
		q->head = j->next;
		if (!q->head)
			q->tail = NULL;
		j->next = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	return j;
}

/* ======================================================================
 * Plugins
 * ====================================================================== */

/* Stop a plugin's type-control thread; false if it did not finish by
 * deadline (a hung resource_type_control call). */
static bool plugin_stop_typeq(struct plugin *p, int64_t deadline)
{
	if (!p->typeq_init || !p->typeq.thread_started)
		return true;
	pthread_mutex_lock(&p->typeq.mu);
	p->typeq.stop = true;
	pthread_cond_signal(&p->typeq.cv);
	pthread_mutex_unlock(&p->typeq.mu);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t left = deadline - now_ms();
	if (left < 0)
		left = 0;
	ts.tv_sec += left / 1000;
	ts.tv_nsec += (left % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	if (pthread_timedjoin_np(p->typeq.thread, NULL, &ts) != 0)
		return false;
	p->typeq.thread_started = false;
	return true;
}

/* Unload a plugin whose threads are all gone. */
static void plugin_unload(struct plugin *p)
{
	if (!p)
		return;
	if (p->typeq_init)
		workq_destroy(&p->typeq);
	if (p->tab.cleanup)
		p->tab.cleanup();
	if (p->dl)
		dlclose(p->dl);
	cs_free(p->type_name);
	cs_free(p);
}

/*
 * Find the plugin for a type, loading DIR/<file>.so on first use.  Errors:
 * ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND (no such file), ERROR_MOD_NOT_FOUND
 * (dlopen failed), ERROR_PROC_NOT_FOUND (no entry symbol),
 * ERROR_REVISION_MISMATCH (no common ABI version, or a bad table),
 * ERROR_NOT_ENOUGH_MEMORY.
 */
static uint32_t plugin_get(struct host *h, const char *type, size_t type_len,
			   struct plugin **ret)
{
	char file[HOSTPROTO_MAX_TYPE_NAME + 4];
	char path[PATH_MAX];
	char tname[HOSTPROTO_MAX_TYPE_NAME + 1];
	void *dl = NULL;
	struct plugin *p = NULL;
	const cluster_resource_plugin *tab = NULL;
	uint32_t err;

	if (!hostproto_type_file_name(type, type_len, file, sizeof(file)))
		return ERROR_INVALID_PARAMETER;
	memcpy(tname, type, type_len);
	tname[type_len] = '\0';
	for (struct plugin *q = h->plugins; q; q = q->next) {
		if (strcasecmp(q->type_name, tname) == 0) {
			*ret = q;
			return ERROR_SUCCESS;
		}
	}
	int n = snprintf(path, sizeof(path), "%s/%s", h->plugin_dir, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND;
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR, "resource type \"%s\": no plugin %s", tname, path);
		return ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND;
	}

	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		const char *e = dlerror();
		hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR, "dlopen %s: %s", path, e ? e : "?");
		err = ERROR_MOD_NOT_FOUND;
		goto out;
	}
	cluster_plugin_startup_fn startup;
	void *sym = dlsym(dl, CLUSTER_PLUGIN_STARTUP_SYMBOL);
	if (!sym) {
		hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR, "%s: no symbol %s", path,
		     CLUSTER_PLUGIN_STARTUP_SYMBOL);
		err = ERROR_PROC_NOT_FOUND;
		goto out;
	}
	/* POSIX guarantees object and function pointers convert for dlsym. */
	memcpy(&startup, &sym, sizeof(startup));
	tab = startup(&host_api, 1, CLUSTER_RESAPI_VERSION);
	if (!tab) {
		hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR, "%s: startup refused ABI %u..%u", path, 1u,
		     CLUSTER_RESAPI_VERSION);
		err = ERROR_REVISION_MISMATCH;
		goto out;
	}

	p = cs_calloc(1, sizeof(*p));
	if (!p) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	size_t sz = tab->size < sizeof(p->tab) ? tab->size : sizeof(p->tab);
	if (tab->size >= offsetof(cluster_resource_plugin, type_name) + sizeof(tab->type_name))
		memcpy(&p->tab, tab, sz);
	if (tab->abi_version < 1 || tab->abi_version > CLUSTER_RESAPI_VERSION ||
	    tab->size < CLUSTER_RESOURCE_PLUGIN_MIN_SIZE || !p->tab.type_name ||
	    strcasecmp(p->tab.type_name, tname) != 0 || !p->tab.open || !p->tab.close ||
	    !p->tab.online || !p->tab.offline || !p->tab.terminate || !p->tab.looks_alive ||
	    !p->tab.is_alive) {
		hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR,
		     "%s: bad function table (abi %u, size %u, type \"%s\")", path,
		     tab->abi_version, tab->size,
		     tab->size >= CLUSTER_RESOURCE_PLUGIN_MIN_SIZE && tab->type_name ?
			     tab->type_name : "?");
		err = ERROR_REVISION_MISMATCH;
		goto out;
	}
	p->type_name = cs_strdup(tname);
	if (!p->type_name) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	p->dl = dl;
	dl = NULL;
	p->next = h->plugins;
	h->plugins = p;
	*ret = p;
	p = NULL;
	err = ERROR_SUCCESS;
	hlog(h, 0, CLUSTER_PLUGIN_LOG_INFO, "loaded %s (type \"%s\", abi %u)", path, tname,
	     (*ret)->tab.abi_version);
out:
	if (p) {
		/* startup() succeeded: undo it before unloading */
		if (p->tab.cleanup)
			p->tab.cleanup();
		cs_free(p->type_name);
		cs_free(p);
	} else if (tab && err != ERROR_SUCCESS &&
		   tab->size >= offsetof(cluster_resource_plugin, cleanup) + sizeof(tab->cleanup) &&
		   tab->cleanup) {
		tab->cleanup();
	}
	if (dl)
		dlclose(dl);
	return err;
}

/* ======================================================================
 * Resource jobs (resource threads)
 * ====================================================================== */

static void run_control(struct host *h, struct resource *r, struct plugin *p, struct job *j)
{
	const struct hostproto_control_view *c = &j->v.ctl;
	uint8_t *out = NULL;
	size_t got = 0;
	uint32_t st;
	uint32_t br = 0, out_len = 0;

	if (c->out_size) {
		out = cs_malloc(c->out_size);
		if (!out) {
			st = ERROR_NOT_ENOUGH_MEMORY;
			goto reply;
		}
	}
	if (j->type == HOSTPROTO_CONTROL) {
		st = p->tab.resource_control ?
			     p->tab.resource_control(r->pid, c->code, c->in, c->in_len, out,
						     c->out_size, &got) :
			     ERROR_INVALID_FUNCTION;
	} else {
		st = p->tab.resource_type_control ?
			     p->tab.resource_type_control(p->type_name, c->code, c->in, c->in_len,
							  out, c->out_size, &got) :
			     ERROR_INVALID_FUNCTION;
	}
	if (st == ERROR_SUCCESS) {
		if (got > c->out_size) {
			hlog(h, r ? r->id : 0, CLUSTER_PLUGIN_LOG_ERROR,
			     "control 0x%08x: plugin returned %zu bytes for a %u-byte buffer",
			     c->code, got, c->out_size);
			st = ERROR_INVALID_DATA;
		} else {
			br = out_len = (uint32_t)got;
		}
	} else if (st == ERROR_MORE_DATA) {
		br = got > UINT32_MAX ? UINT32_MAX : (uint32_t)got;
	}
reply:;
	size_t len = 0;
	uint8_t *m = complete_msg(j->type, j->request_id, r ? r->id : 0, st, br, out, out_len, &len);
	if (m)
		post(h, m, len, false, true, NULL);
	else
		post_complete(h, j->type, j->request_id, r ? r->id : 0, ERROR_NOT_ENOUGH_MEMORY, NULL);
	cs_free(out);
}

static void run_online_offline(struct host *h, struct resource *r, struct job *j)
{
	bool on = j->type == HOSTPROTO_ONLINE;
	pthread_mutex_lock(&r->q.mu);
	if (r->state == RS_ONLINE_PENDING || r->state == RS_OFFLINE_PENDING) {
		pthread_mutex_unlock(&r->q.mu);
		post_complete(h, j->type, j->request_id, r->id, ERROR_INVALID_STATE, NULL);
		return;
	}
	if ((on && r->state == RS_ONLINE) || (!on && r->state == RS_OFFLINE)) {
		pthread_mutex_unlock(&r->q.mu);
		post_complete(h, j->type, j->request_id, r->id, ERROR_SUCCESS, NULL);
		return;
	}
	r->state = on ? RS_ONLINE_PENDING : RS_OFFLINE_PENDING;
	r->pending_req = j->request_id;
	r->pending_type = j->type;
	pthread_mutex_unlock(&r->q.mu);

	uint32_t st = on ? r->plugin->tab.online(r->pid) : r->plugin->tab.offline(r->pid);

	pthread_mutex_lock(&r->q.mu);
	if (st != ERROR_IO_PENDING && r->pending_req == j->request_id)
		complete_pending_locked(h, r, st);
	/* IO_PENDING: set_resource_status() completes it (maybe it already has) */
	pthread_mutex_unlock(&r->q.mu);
}

static void run_terminate(struct host *h, struct resource *r)
{
	r->plugin->tab.terminate(r->pid);
	pthread_mutex_lock(&r->q.mu);
	if (r->pending_req)
		complete_pending_locked(h, r, ERROR_OPERATION_ABORTED);
	r->state = RS_OFFLINE;
	r->poll_queued = false;
	pthread_mutex_unlock(&r->q.mu);
}

static void run_poll(struct host *h, struct resource *r, struct job *j)
{
	pthread_mutex_lock(&r->q.mu);
	bool go = r->state == RS_ONLINE;
	if (go)
		r->poll_started = now_ms();
	pthread_mutex_unlock(&r->q.mu);
	uint32_t source = 0;
	if (go) {
		if (j->type == JOB_POLL_LOOKS) {
			if (!r->plugin->tab.looks_alive(r->pid) && !r->plugin->tab.is_alive(r->pid))
				source = HOSTPROTO_FAIL_LOOKS_ALIVE;
		} else if (!r->plugin->tab.is_alive(r->pid)) {
			source = HOSTPROTO_FAIL_IS_ALIVE;
		}
	}
	pthread_mutex_lock(&r->q.mu);
	r->poll_queued = false;
	r->poll_started = 0;
	if (source && r->state == RS_ONLINE) {
		r->state = RS_FAILED;
		post_failed(h, r->id, source, ERROR_RESOURCE_FAILED);
	}
	pthread_mutex_unlock(&r->q.mu);
	wake_main(h); /* the main thread schedules the next poll */
	if (source)
		hlog(h, r->id, CLUSTER_PLUGIN_LOG_WARNING, "resource \"%s\" failed its %s poll",
		     r->name, source == HOSTPROTO_FAIL_IS_ALIVE ? "IsAlive" : "LooksAlive");
}

/*
 * The end of a resource: after CLOSE, a failed OPEN or a shutdown.  Marks it
 * closed (the main thread then enqueues nothing more), fails whatever is
 * still queued, and hands the resource to the main thread for reaping
 * together with the final reply.  The caller must not touch r afterwards.
 */
static void finish_resource(struct host *h, struct resource *r, uint16_t type, uint64_t req,
			    uint32_t status)
{
	pthread_mutex_lock(&r->q.mu);
	r->closed = true;
	r->state = RS_CLOSED;
	struct job *rest = r->q.head;
	r->q.head = r->q.tail = NULL;
	pthread_mutex_unlock(&r->q.mu);
	while (rest) {
		struct job *next = rest->next;
		if (rest->type != JOB_POLL_LOOKS && rest->type != JOB_POLL_IS &&
		    rest->type != JOB_SHUTDOWN)
			post_complete(h, rest->type, rest->request_id, r->id,
				      ERROR_RESOURCE_NOT_FOUND, NULL);
		job_free(rest);
		rest = next;
	}
	post_complete(h, type, req, r->id, status, r);
}

static void *resource_thread(void *arg)
{
	struct resource *r = arg;
	struct host *h = g_host;
	struct plugin *p = r->plugin;

	for (;;) {
		struct job *j = workq_pop(&r->q);
		if (!j)
			continue; /* resource queues are never stopped */
		switch (j->type) {
		case HOSTPROTO_OPEN: {
			uint32_t err = ERROR_SUCCESS;
			r->pid = p->tab.open(r->name, j->v.open.props, j->v.open.props_len,
					     (cluster_resource_handle *)r, &err);
			if (!r->pid) {
				if (err == ERROR_SUCCESS || err == ERROR_IO_PENDING)
					err = ERROR_GEN_FAILURE;
				hlog(h, r->id, CLUSTER_PLUGIN_LOG_ERROR,
				     "open of \"%s\" (type %s) failed: %u", r->name, p->type_name, err);
				uint64_t req = j->request_id;
				job_free(j);
				finish_resource(h, r, HOSTPROTO_OPEN, req, err);
				return NULL;
			}
			pthread_mutex_lock(&r->q.mu);
			r->state = RS_OFFLINE;
			pthread_mutex_unlock(&r->q.mu);
			post_complete(h, HOSTPROTO_OPEN, j->request_id, r->id, ERROR_SUCCESS, NULL);
			break;
		}
		case HOSTPROTO_ONLINE:
		case HOSTPROTO_OFFLINE:
			run_online_offline(h, r, j);
			break;
		case HOSTPROTO_TERMINATE:
			/* it jumps the queue, maybe ahead of the OPEN: not open yet,
			 * so already offline */
			if (r->pid)
				run_terminate(h, r);
			post_complete(h, j->type, j->request_id, r->id, ERROR_SUCCESS, NULL);
			break;
		case JOB_FENCE: {
			pthread_mutex_lock(&r->q.mu);
			bool was_up = r->state != RS_OFFLINE && r->state != RS_CLOSED;
			pthread_mutex_unlock(&r->q.mu);
			if (r->pid && was_up) {
				run_terminate(h, r);
				post_failed(h, r->id, HOSTPROTO_FAIL_LEASE, ERROR_OPERATION_ABORTED);
				hlog(h, r->id, CLUSTER_PLUGIN_LOG_WARNING,
				     "resource \"%s\" terminated: no lease", r->name);
			}
			break;
		}
		case HOSTPROTO_ARBITRATE:
		case HOSTPROTO_RELEASE: {
			uint32_t (*fn)(cluster_resid) = j->type == HOSTPROTO_ARBITRATE ?
								p->tab.arbitrate : p->tab.release;
			uint32_t st = fn ? fn(r->pid) : ERROR_INVALID_FUNCTION;
			post_complete(h, j->type, j->request_id, r->id, st, NULL);
			break;
		}
		case HOSTPROTO_CONTROL:
			run_control(h, r, p, j);
			break;
		case JOB_POLL_LOOKS:
		case JOB_POLL_IS:
			run_poll(h, r, j);
			break;
		case HOSTPROTO_CLOSE:
		case JOB_SHUTDOWN: {
			uint16_t type = j->type;
			uint64_t req = j->request_id;
			job_free(j);
			if (r->pid) {
				pthread_mutex_lock(&r->q.mu);
				bool offline = r->state == RS_OFFLINE && r->pending_req == 0;
				pthread_mutex_unlock(&r->q.mu);
				if (!offline)
					run_terminate(h, r);
				p->tab.close(r->pid);
				r->pid = NULL;
			}
			finish_resource(h, r, type, req, ERROR_SUCCESS);
			return NULL;
		}
		default:
			post_complete(h, j->type, j->request_id, r->id, ERROR_INVALID_FUNCTION, NULL);
			break;
		}
		job_free(j);
	}
}

static void *type_thread(void *arg)
{
	struct plugin *p = arg;
	struct job *j;
	while ((j = workq_pop(&p->typeq)) != NULL) {
		run_control(g_host, NULL, p, j);
		job_free(j);
	}
	return NULL;
}

/* ======================================================================
 * Resource table (main thread)
 * ====================================================================== */

static struct resource **hash_slot(struct host *h, uint64_t id)
{
	uint64_t x = id * 0x9E3779B97F4A7C15ull;
	return &h->hash[(x >> 40) % HASH_BUCKETS];
}

static struct resource *res_find(struct host *h, uint64_t id)
{
	for (struct resource *r = *hash_slot(h, id); r; r = r->hnext)
		if (r->id == id)
			return r;
	return NULL;
}

static void res_unlink(struct host *h, struct resource *r)
{
	struct resource **pp = hash_slot(h, r->id);
	while (*pp && *pp != r)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = r->hnext;
	if (r->aprev)
		r->aprev->anext = r->anext;
	else
		h->all = r->anext;
	if (r->anext)
		r->anext->aprev = r->aprev;
	h->nresources--;
}

/* Join a finished resource's thread and free it. */
static void res_reap(struct host *h, struct resource *r)
{
	res_unlink(h, r);
	pthread_join(r->q.thread, NULL);
	workq_destroy(&r->q);
	cs_free(r->name);
	cs_free(r);
}

/* Create a resource and its thread, with the OPEN job queued first. */
static uint32_t res_create(struct host *h, uint64_t id, struct plugin *p, struct job *open_job,
			   struct resource **ret)
{
	const struct hostproto_open_view *o = &open_job->v.open;
	struct resource *r = cs_calloc(1, sizeof(*r));
	if (!r)
		return ERROR_NOT_ENOUGH_MEMORY;
	r->name = cs_strndup(o->name, o->name_len);
	if (!r->name || workq_init(&r->q) != 0) {
		cs_free(r->name);
		cs_free(r);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	r->id = id;
	r->plugin = p;
	r->state = RS_OPENING;
	r->looks_ms = o->looks_alive_ms;
	r->is_ms = o->is_alive_ms;
	workq_push_locked(&r->q, open_job, false);
	if (pthread_create(&r->q.thread, NULL, resource_thread, r) != 0) {
		r->q.head = r->q.tail = NULL; /* the caller keeps the job */
		workq_destroy(&r->q);
		cs_free(r->name);
		cs_free(r);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	r->q.thread_started = true;
	struct resource **slot = hash_slot(h, id);
	r->hnext = *slot;
	*slot = r;
	r->anext = h->all;
	if (h->all)
		h->all->aprev = r;
	h->all = r;
	h->nresources++;
	*ret = r;
	return ERROR_SUCCESS;
}

/* ======================================================================
 * Requests (main thread)
 * ====================================================================== */

static void reply_now(struct host *h, const struct hostproto_hdr *hdr, uint32_t status)
{
	post_complete(h, hdr->type, hdr->request_id, hdr->resource_id, status, NULL);
}

static uint32_t handle_open(struct host *h, const struct hostproto_hdr *hdr, struct job *j)
{
	struct hostproto_open_view *o = &j->v.open;
	struct plugin *p = NULL;
	struct resource *r = NULL;
	clusprop_diag diag;
	uint32_t err;

	err = hostproto_decode_open(j->payload, hdr->payload_len, o);
	if (err != ERROR_SUCCESS)
		return ERROR_INVALID_DATA;
	if (hdr->resource_id == 0)
		return ERROR_INVALID_PARAMETER;
	if (res_find(h, hdr->resource_id))
		return ERROR_OBJECT_ALREADY_EXISTS;
	if (o->props_len &&
	    clusprop_validate_property_list(o->props, o->props_len, &diag) != ERROR_SUCCESS) {
		hlog(h, hdr->resource_id, CLUSTER_PLUGIN_LOG_ERROR,
		     "OPEN: private properties rejected: %s at offset %zu",
		     clusprop_fault_str(diag.fault), diag.offset);
		return ERROR_INVALID_DATA;
	}
	err = plugin_get(h, o->type, o->type_len, &p);
	if (err != ERROR_SUCCESS)
		return err;
	return res_create(h, hdr->resource_id, p, j, &r);
}

static uint32_t handle_type_control(struct host *h, const struct hostproto_hdr *hdr,
				    struct job *j)
{
	struct plugin *p = NULL;
	if (hostproto_decode_control(hdr->type, j->payload, hdr->payload_len, &j->v.ctl) !=
	    ERROR_SUCCESS)
		return ERROR_INVALID_DATA;
	uint32_t err = plugin_get(h, j->v.ctl.type, j->v.ctl.type_len, &p);
	if (err != ERROR_SUCCESS)
		return err;
	if (!p->typeq_init) {
		if (workq_init(&p->typeq) != 0)
			return ERROR_NOT_ENOUGH_MEMORY;
		p->typeq_init = true;
	}
	if (!p->typeq.thread_started) {
		if (pthread_create(&p->typeq.thread, NULL, type_thread, p) != 0)
			return ERROR_NOT_ENOUGH_MEMORY;
		p->typeq.thread_started = true;
	}
	pthread_mutex_lock(&p->typeq.mu);
	workq_push_locked(&p->typeq, j, false);
	pthread_mutex_unlock(&p->typeq.mu);
	return ERROR_SUCCESS;
}

/* Queue a request for a resource.  TERMINATE goes first and cancels the
 * online/offline requests and polls that have not started. */
/* Put terminate job j (TERMINATE or JOB_FENCE) first in r's queue, taking
 * out the online/offline requests and polls queued behind it: they are
 * returned in *cancelled for the caller to answer (ABORTED) and free, after
 * it drops the lock. */
static void push_terminate_locked(struct resource *r, struct job *j, struct job **cancelled)
{
	struct job **pp = &r->q.head;

	r->q.tail = NULL;
	while (*pp) {
		struct job *x = *pp;
		if (x->type == HOSTPROTO_ONLINE || x->type == HOSTPROTO_OFFLINE ||
		    x->type == JOB_POLL_LOOKS || x->type == JOB_POLL_IS) {
			*pp = x->next;
			x->next = *cancelled;
			*cancelled = x;
			if (x->type == JOB_POLL_LOOKS || x->type == JOB_POLL_IS)
				r->poll_queued = false;
		} else {
			r->q.tail = x;
			pp = &x->next;
		}
	}
	workq_push_locked(&r->q, j, true);
}

static void answer_cancelled(struct host *h, struct resource *r, struct job *cancelled)
{
	while (cancelled) {
		struct job *next = cancelled->next;
		if (cancelled->type == HOSTPROTO_ONLINE || cancelled->type == HOSTPROTO_OFFLINE)
			post_complete(h, cancelled->type, cancelled->request_id, r->id,
				      ERROR_OPERATION_ABORTED, NULL);
		job_free(cancelled);
		cancelled = next;
	}
}

static bool lease_valid(const struct host *h)
{
	return !h->lease_on || (!h->fenced && now_ms() < h->lease_until);
}

static uint32_t handle_resource_request(struct host *h, const struct hostproto_hdr *hdr,
					struct job *j)
{
	struct resource *r = res_find(h, hdr->resource_id);
	if (!r || r->closing)
		return ERROR_RESOURCE_NOT_FOUND;
	if (hdr->type == HOSTPROTO_CONTROL) {
		if (hostproto_decode_control(hdr->type, j->payload, hdr->payload_len, &j->v.ctl) !=
		    ERROR_SUCCESS)
			return ERROR_INVALID_DATA;
	} else if (hdr->payload_len != 0) {
		return ERROR_INVALID_DATA;
	}
	if (hdr->type == HOSTPROTO_ONLINE && !lease_valid(h)) {
		hlog(h, r->id, CLUSTER_PLUGIN_LOG_WARNING,
		     "online of \"%s\" refused: this host has no lease (clusterd has not "
		     "confirmed quorum)", r->name);
		return ERROR_NOT_READY;
	}
	struct job *cancelled = NULL;
	pthread_mutex_lock(&r->q.mu);
	if (r->closed) {
		pthread_mutex_unlock(&r->q.mu);
		return ERROR_RESOURCE_NOT_FOUND;
	}
	if (hdr->type == HOSTPROTO_TERMINATE) {
		push_terminate_locked(r, j, &cancelled);
	} else {
		workq_push_locked(&r->q, j, false);
	}
	if (hdr->type == HOSTPROTO_CLOSE)
		r->closing = true;
	pthread_mutex_unlock(&r->q.mu);
	answer_cancelled(h, r, cancelled);
	return ERROR_SUCCESS;
}

/* LEASE: run resources until the time given. */
static uint32_t handle_lease(struct host *h, const struct hostproto_hdr *hdr,
			     const uint8_t *payload)
{
	if (hdr->payload_len != 8 || !payload)
		return ERROR_INVALID_DATA;
	int64_t until = (int64_t)cs_le64(payload);
	if (until <= now_ms())
		return ERROR_SUCCESS; /* already past: changes nothing */
	if (until > h->lease_until)
		h->lease_until = until;
	if (h->fenced)
		hlog(h, 0, CLUSTER_PLUGIN_LOG_NOTICE, "lease renewed: resources may run again");
	h->fenced = false;
	return ERROR_SUCCESS;
}

/*
 * The lease ran out: terminate every resource now, each on its own thread,
 * ahead of whatever it has queued (as TERMINATE does); those that were up are
 * reported failed (source LEASE) so that clusterd, if it is alive, applies its
 * policy.  A terminate must finish within CSD_TERM_MS (the plugin contract,
 * resapi.h); this host cannot take back a thread stuck in a plugin.
 */
static void fence_all(struct host *h, int64_t now, const char *why)
{
	size_t n = 0;

	h->fenced = true;
	for (struct resource *r = h->all; r; r = r->anext) {
		struct job *j, *cancelled = NULL;
		if (r->closing)
			continue;
		j = calloc_retry(sizeof(*j));
		pthread_mutex_lock(&r->q.mu);
		if (j && !r->closed) {
			j->type = JOB_FENCE;
			push_terminate_locked(r, j, &cancelled);
			j = NULL;
			n++;
		}
		pthread_mutex_unlock(&r->q.mu);
		cs_free(j);
		answer_cancelled(h, r, cancelled);
	}
	if (why)
		hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR, "%s: terminating every resource (%zu)", why, n);
	else
		hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR,
		     "the lease ran out %lld ms ago (clusterd silent, or without quorum): "
		     "terminating every resource (%zu)", (long long)(now - h->lease_until), n);
}

/* votequorum's verdict, for this node: losing quorum stops everything now. */
static void on_quorum(votequorum_handle_t vq, uint64_t ctx, uint32_t quorate, uint32_t n,
		      votequorum_node_t *nodes)
{
	struct host *h = g_host;

	(void)vq;
	(void)ctx;
	(void)n;
	(void)nodes;
	if (quorate || !h->lease_on)
		return;
	h->lease_until = 0; /* a renewal made before this news counts for nothing */
	if (!h->fenced)
		fence_all(h, now_ms(), "corosync says this node lost quorum");
}

/* Follow votequorum (--quorum); without it the lease alone protects. */
static void quorum_watch_start(struct host *h)
{
	votequorum_callbacks_t cb = { .votequorum_quorum_notify_fn = on_quorum };
	cs_error_t err;

	h->vq_fd = -1;
	if ((err = votequorum_initialize(&h->vq, &cb)) != CS_OK)
		goto out;
	if ((err = votequorum_trackstart(h->vq, 0, CS_TRACK_CHANGES)) != CS_OK ||
	    (err = votequorum_fd_get(h->vq, &h->vq_fd)) != CS_OK) {
		votequorum_finalize(h->vq);
		h->vq_fd = -1;
	}
out:
	if (err != CS_OK)
		hlog(h, 0, CLUSTER_PLUGIN_LOG_WARNING, "cannot follow this node's quorum (votequorum "
		     "error %d): the lease alone stops resources", err);
}

static void quorum_watch_stop(struct host *h)
{
	if (h->vq_fd >= 0)
		votequorum_finalize(h->vq);
	h->vq_fd = -1;
}

static uint32_t handle_set_poll(struct host *h, const struct hostproto_hdr *hdr,
				const uint8_t *payload)
{
	uint32_t looks, is;
	if (hostproto_decode_set_poll(payload, hdr->payload_len, &looks, &is) != ERROR_SUCCESS)
		return ERROR_INVALID_DATA;
	struct resource *r = res_find(h, hdr->resource_id);
	if (!r || r->closing)
		return ERROR_RESOURCE_NOT_FOUND;
	int64_t now = now_ms();
	pthread_mutex_lock(&r->q.mu);
	r->looks_ms = looks;
	r->is_ms = is;
	r->next_looks = now + looks;
	r->next_is = now + is;
	pthread_mutex_unlock(&r->q.mu);
	return ERROR_SUCCESS;
}

/* One whole message from clusterd; takes the payload. */
static void handle_message(struct host *h, const struct hostproto_hdr *hdr, uint8_t *payload)
{
	struct job *j = NULL;
	uint32_t st;

	if (!hostproto_is_request(hdr->type)) {
		/* a reply or event type: there is no request to answer */
		hlog(h, 0, CLUSTER_PLUGIN_LOG_WARNING, "unexpected %s message from clusterd",
		     hostproto_type_name(hdr->type));
		cs_free(payload);
		return;
	}
	switch (hdr->type) {
	case HOSTPROTO_PING:
		st = hdr->payload_len ? ERROR_INVALID_DATA : ERROR_SUCCESS;
		goto reply;
	case HOSTPROTO_SET_POLL:
		st = handle_set_poll(h, hdr, payload);
		goto reply;
	case HOSTPROTO_LEASE:
		st = handle_lease(h, hdr, payload);
		goto reply;
	default:
		break;
	}
	j = cs_calloc(1, sizeof(*j));
	if (!j) {
		st = ERROR_NOT_ENOUGH_MEMORY;
		goto reply;
	}
	j->type = hdr->type;
	j->request_id = hdr->request_id;
	j->payload = payload;
	payload = NULL;
	if (hdr->type == HOSTPROTO_OPEN)
		st = handle_open(h, hdr, j);
	else if (hdr->type == HOSTPROTO_TYPE_CONTROL)
		st = handle_type_control(h, hdr, j);
	else
		st = handle_resource_request(h, hdr, j);
	if (st == ERROR_SUCCESS)
		j = NULL; /* queued: its thread replies */
reply:
	/* queued requests are answered by their thread; the rest here */
	if (st != ERROR_SUCCESS || hdr->type == HOSTPROTO_PING || hdr->type == HOSTPROTO_SET_POLL ||
	    hdr->type == HOSTPROTO_LEASE)
		reply_now(h, hdr, st);
	job_free(j);
	cs_free(payload);
}

/* ======================================================================
 * Polls and the main loop
 * ====================================================================== */

/* Queue the polls that are due; return the next time one is due (or -1). */
static int64_t run_due_polls(struct host *h, int64_t now)
{
	int64_t next = -1;
	for (struct resource *r = h->all; r; r = r->anext) {
		if (r->closing)
			continue;
		pthread_mutex_lock(&r->q.mu);
		if (r->state == RS_ONLINE && !r->poll_queued && !r->closed) {
			int kind = 0;
			if (r->is_ms && now >= r->next_is)
				kind = JOB_POLL_IS;
			else if (r->looks_ms && now >= r->next_looks)
				kind = JOB_POLL_LOOKS;
			if (kind) {
				struct job *j = cs_calloc(1, sizeof(*j));
				if (j) {
					j->type = (uint16_t)kind;
					workq_push_locked(&r->q, j, false);
					r->poll_queued = true;
					if (kind == JOB_POLL_IS)
						r->next_is = now + r->is_ms;
					if (r->looks_ms)
						r->next_looks = now + r->looks_ms;
				}
			}
			if (!r->poll_queued) {
				if (r->is_ms && (next < 0 || r->next_is < next))
					next = r->next_is;
				if (r->looks_ms && (next < 0 || r->next_looks < next))
					next = r->next_looks;
			}
		}
		pthread_mutex_unlock(&r->q.mu);
	}
	return next;
}

static void begin_shutdown(struct host *h)
{
	if (h->shutting_down)
		return;
	h->shutting_down = true;
	h->shutdown_deadline = now_ms() + SHUTDOWN_TIMEOUT_MS;
	if (h->sock >= 0) {
		close(h->sock);
		h->sock = -1;
	}
	hostproto_txq_clear(&h->txq);
	hostproto_rx_reset(&h->rx);
	for (struct resource *r = h->all; r; r = r->anext) {
		struct job *j = calloc_retry(sizeof(*j));
		struct job *dropped;
		pthread_mutex_lock(&r->q.mu);
		/* Requests not started are dropped: nobody is left to answer. */
		dropped = r->q.head;
		r->q.head = r->q.tail = NULL;
		r->poll_queued = false;
		if (j && !r->closed) {
			j->type = JOB_SHUTDOWN;
			workq_push_locked(&r->q, j, false);
			j = NULL;
		}
		pthread_mutex_unlock(&r->q.mu);
		cs_free(j);
		while (dropped) {
			struct job *next = dropped->next;
			job_free(dropped);
			dropped = next;
		}
		r->closing = true;
	}
	for (struct plugin *p = h->plugins; p; p = p->next) {
		if (!p->typeq_init)
			continue;
		pthread_mutex_lock(&p->typeq.mu);
		struct job *dropped = p->typeq.head;
		p->typeq.head = p->typeq.tail = NULL;
		p->typeq.stop = true;
		pthread_cond_signal(&p->typeq.cv);
		pthread_mutex_unlock(&p->typeq.mu);
		while (dropped) {
			struct job *next = dropped->next;
			job_free(dropped);
			dropped = next;
		}
	}
}

/* Move the outbox to the send queue; reap finished resources first, so that
 * no reply reaches clusterd before the resource it ends is gone. */
static void drain_outbox(struct host *h)
{
	pthread_mutex_lock(&h->out_mu);
	struct outitem *it = h->out_head;
	h->out_head = h->out_tail = NULL;
	h->queued_logs = 0;
	pthread_mutex_unlock(&h->out_mu);
	while (it) {
		struct outitem *next = it->next;
		if (it->reap)
			res_reap(h, it->reap);
		if (it->msg && h->sock >= 0) {
			/* a reply must get through; a log line may be dropped */
			while (hostproto_txq_push(&h->txq, it->msg, it->len) != ERROR_SUCCESS) {
				if (it->is_log) {
					cs_free(it->msg);
					break;
				}
				usleep(1000);
			}
		} else {
			cs_free(it->msg);
		}
		cs_free(it);
		it = next;
	}
}

static enum hostproto_recv_result on_message(void *ctx, const struct hostproto_hdr *hdr,
					     uint8_t *payload, bool dropped)
{
	struct host *h = ctx;

	if (dropped) {
		/* no memory for its payload: fail just this request */
		if (hostproto_is_request(hdr->type))
			reply_now(h, hdr, ERROR_NOT_ENOUGH_MEMORY);
		cs_free(payload);
	} else {
		handle_message(h, hdr, payload); /* takes the payload */
	}
	return HOSTPROTO_RECV_AGAIN;
}

/* Read every record available; false when the connection is finished. */
static bool read_socket(struct host *h)
{
	switch (hostproto_recv(h->sock, h->recbuf, &h->rx, 256, on_message, h)) {
	case HOSTPROTO_RECV_AGAIN:
	case HOSTPROTO_RECV_STOP:
		return true;
	case HOSTPROTO_RECV_BAD:
		fprintf(stderr, "cluster-reshost[%ld]: protocol error (bad framing) from "
				"clusterd, closing the connection\n",
			(long)getpid());
		h->exit_code = 2;
		return false;
	case HOSTPROTO_RECV_CLOSED:
	default:
		return false; /* EOF */
	}
}

/*
 * A health poll stuck past the deadlock timeout: the plugin is hung and its
 * thread cannot be taken back.  Report the resource as failed, push out what
 * is queued, and exit (status 3) so that clusterd restarts the host and
 * recovers its resources by policy.  Returns only if nothing is stuck.
 */
static void check_deadlock(struct host *h, int64_t now)
{
	for (struct resource *r = h->all; r; r = r->anext) {
		pthread_mutex_lock(&r->q.mu);
		int64_t started = r->poll_started;
		pthread_mutex_unlock(&r->q.mu);
		if (!started || now - started < h->deadlock_ms)
			continue;
		fprintf(stderr, "cluster-reshost[%ld]: resource \"%s\": a health poll has run "
				"for %lld ms: deadlock, exiting\n", (long)getpid(), r->name,
			(long long)(now - started));
		post_failed(h, r->id, HOSTPROTO_FAIL_IS_ALIVE, ERROR_RESOURCE_CALL_TIMED_OUT);
		drain_outbox(h);
		if (h->sock >= 0) {
			for (int i = 0; i < 100 && !hostproto_txq_empty(&h->txq); i++)
				if (hostproto_txq_flush(&h->txq, h->sock) < 0)
					break;
		}
		_exit(3);
	}
}

static int run(struct host *h)
{
	while (!h->shutting_down || h->nresources > 0) {
		int64_t now = now_ms();
		int64_t next = h->shutting_down ? -1 : run_due_polls(h, now);
		int timeout = -1;
		if (next >= 0)
			timeout = next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
		if (!h->shutting_down) {
			check_deadlock(h, now);
			if (h->nresources && (timeout < 0 || timeout > 500))
				timeout = 500; /* look for stuck polls twice a second */
			if (h->lease_on && !h->fenced) {
				if (now >= h->lease_until) {
					fence_all(h, now, NULL);
				} else if (timeout < 0 || h->lease_until - now < timeout) {
					timeout = (int)(h->lease_until - now);
				}
			}
		}
		if (h->shutting_down) {
			if (now >= h->shutdown_deadline) {
				fprintf(stderr, "cluster-reshost[%ld]: %zu resource(s) did not close "
						"in time, exiting\n",
					(long)getpid(), h->nresources);
				return 3;
			}
			timeout = (int)(h->shutdown_deadline - now);
		}

		struct pollfd pfd[3] = {
			{ .fd = h->wake_fd, .events = POLLIN },
			{ .fd = h->sock, .events = POLLIN },
			{ .fd = h->shutting_down ? -1 : h->vq_fd, .events = POLLIN },
		};
		nfds_t nfds = 3;
		if (h->sock >= 0 && !hostproto_txq_empty(&h->txq))
			pfd[1].events |= POLLOUT;
		int pr = poll(pfd, nfds, timeout);
		if (pr > 0 && pfd[2].fd >= 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    votequorum_dispatch(h->vq, CS_DISPATCH_ALL) != CS_OK) {
			hlog(h, 0, CLUSTER_PLUGIN_LOG_ERROR, "lost votequorum (corosync gone?): "
			     "terminating every resource");
			quorum_watch_stop(h);
			h->lease_until = 0;
			if (h->lease_on && !h->fenced)
				fence_all(h, now_ms(), "this node's corosync went away");
		}
		if (pr < 0 && errno != EINTR) {
			perror("cluster-reshost: poll");
			begin_shutdown(h);
			continue;
		}
		if (pr > 0 && (pfd[0].revents & POLLIN)) {
			uint64_t v;
			while (read(h->wake_fd, &v, sizeof(v)) < 0 && errno == EINTR)
				;
		}
		if (h->sock >= 0 && pr > 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (!read_socket(h)) {
				h->clusterd_gone = h->exit_code == 0;
				begin_shutdown(h);
			}
		}
		drain_outbox(h);
		if (h->sock >= 0 && hostproto_txq_flush(&h->txq, h->sock) < 0) {
			h->clusterd_gone = true;
			begin_shutdown(h);
		}
	}
	return h->exit_code;
}

/*
 * clusterd is gone and every resource was terminated and closed: tell the
 * other nodes (cs_hostnotice.h), so that they need not wait for the lease
 * this host could still have run under.  Best effort: without the notice
 * they wait the whole bound.  The notice is queued in corosync before the
 * leave that finalize sends, so it is delivered first.
 */
static void announce_stopped(struct host *h)
{
	cpg_callbacks_t cb = { 0 };
	cpg_handle_t cpg;
	struct cpg_name name = { 0 };
	uint8_t msg[CS_HOSTNOTICE_SIZE];
	struct iovec iov = { .iov_base = msg, .iov_len = sizeof(msg) };
	cs_error_t err;

	if ((err = cpg_initialize(&cpg, &cb)) != CS_OK)
		goto out;
	name.length = sizeof(CS_HOSTS_GROUP) - 1;
	memcpy(name.value, CS_HOSTS_GROUP, name.length);
	cs_hostnotice_encode(msg, h->clusterd_pid);
	for (int i = 0; i < 50; i++) {
		if ((err = cpg_join(cpg, &name)) != CS_ERR_TRY_AGAIN)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 2000000L }, NULL);
	}
	for (int i = 0; err == CS_OK && i < 50; i++) {
		if ((err = cpg_mcast_joined(cpg, CPG_TYPE_AGREED, &iov, 1)) != CS_ERR_TRY_AGAIN)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 2000000L }, NULL);
	}
	cpg_finalize(cpg);
out:
	if (err != CS_OK)
		fprintf(stderr, "cluster-reshost[%ld]: cannot tell the other nodes that every "
				"resource is terminated (CPG error %d): they wait for the lease\n",
			(long)getpid(), err);
}

static void usage(void)
{
	fprintf(stderr, "usage: cluster-reshost --fd N --plugin-dir DIR [--verbose] [--lease] "
			"[--quorum]\n"
			"  The resource host of Cluster Server; started by clusterd.\n");
}

static struct host host;

int main(int argc, char **argv)
{
	int rc = 1;
	int fd = -1;
	const char *dir = NULL;
	bool verbose = false;

	/* one thread per resource: glibc would give them up to 8 malloc arenas
	 * per CPU, each keeping its own high-water mark and fragments (a host
	 * with 64 disks grew by megabytes so); two are plenty for the calls
	 * plugins make.  A control's answer buffer is as large as the caller's
	 * (256 KiB and more): always mapped and given back, never left in an
	 * arena (glibc otherwise raises its mmap threshold past such a block
	 * once one is freed, and the arenas keep them) */
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--fd") == 0 && i + 1 < argc) {
			char *end = NULL;
			long v = strtol(argv[++i], &end, 10);
			if (!end || *end || v < 0 || v > INT_MAX) {
				usage();
				return 1;
			}
			fd = (int)v;
		} else if (strcmp(argv[i], "--plugin-dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--verbose") == 0) {
			verbose = true;
		} else if (strcmp(argv[i], "--lease") == 0) {
			host.lease_on = true;
		} else if (strcmp(argv[i], "--quorum") == 0) {
			host.watch_quorum = true;
		} else {
			usage();
			return 1;
		}
	}
	if (fd < 0 || !dir) {
		usage();
		return 1;
	}
	int type = 0;
	socklen_t tl = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 || type != SOCK_SEQPACKET) {
		fprintf(stderr, "cluster-reshost: fd %d is not a SOCK_SEQPACKET socket\n", fd);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);

	bool lease_on = host.lease_on, watch_quorum = host.watch_quorum;
	memset(&host, 0, sizeof(host));
	host.lease_on = lease_on;
	host.watch_quorum = watch_quorum;
	host.vq_fd = -1;
	host.fenced = lease_on; /* nothing runs before the first lease */
	host.sock = fd;
	host.plugin_dir = dir;
	host.verbose = verbose;
	host.wake_fd = -1;
	host.deadlock_ms = DEFAULT_DEADLOCK_MS;
	if (getenv("CS_RESHOST_DEADLOCK_MS")) {
		long long v = strtoll(getenv("CS_RESHOST_DEADLOCK_MS"), NULL, 10);
		if (v > 0)
			host.deadlock_ms = v;
	}
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		perror("cluster-reshost: fcntl");
		close(fd);
		return 1;
	}
	if (pthread_mutex_init(&host.out_mu, NULL) != 0) {
		close(fd);
		return 1;
	}
	host.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	host.recbuf = cs_malloc(HOSTPROTO_MAX_RECORD);
	if (host.wake_fd < 0 || !host.recbuf) {
		fprintf(stderr, "cluster-reshost: out of resources\n");
		goto out;
	}
	g_host = &host;
	if (host.watch_quorum) {
		host.clusterd_pid = (uint32_t)getppid();
		quorum_watch_start(&host);
	}

	rc = run(&host);
	if (host.watch_quorum && host.clusterd_gone && rc == 0 && host.nresources == 0)
		announce_stopped(&host);
	quorum_watch_stop(&host);

out:
	if (host.sock >= 0)
		close(host.sock);
	host.sock = -1;
	if (rc != 3) {
		int64_t deadline = now_ms() + SHUTDOWN_TIMEOUT_MS;
		for (struct plugin *p = host.plugins; p; p = p->next) {
			if (!plugin_stop_typeq(p, deadline)) {
				fprintf(stderr, "cluster-reshost: a type control of \"%s\" did not "
						"finish in time, exiting\n", p->type_name);
				rc = 3;
			}
		}
	}
	if (rc != 3) {
		/* every thread is gone; unload (most recently loaded first) */
		drain_outbox(&host);
		while (host.plugins) {
			struct plugin *p = host.plugins;
			host.plugins = p->next;
			plugin_unload(p);
		}
		hostproto_txq_clear(&host.txq);
		hostproto_rx_reset(&host.rx);
		cs_free(host.recbuf);
		if (host.wake_fd >= 0)
			close(host.wake_fd);
		pthread_mutex_destroy(&host.out_mu);
		int64_t live = cs_alloc_live();
		if (rc == 0 && live != 0) {
			fprintf(stderr, "cluster-reshost: %lld allocation(s) not freed\n",
				(long long)live);
			rc = 4;
		}
	}
	/* rc 3: threads are still running plugin code; leave without cleanup */
	if (rc == 3)
		_exit(rc);
	return rc;
}
