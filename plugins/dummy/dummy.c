/*
 * dummy.c - the "Dummy" resource type: a resource that does nothing, on
 * purpose slowly, wrongly, never or fatally when told to.  Tests use it to
 * drive the resource host and clusterd through every path a real plugin can
 * take (MSCS shipped a similar "Dummy" resource DLL for the same reason).
 *
 * Private properties (DWORD unless said otherwise; 0 = off), given at open
 * and changeable with CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES:
 *   OnlineDelayMs     online completes after this long, via ERROR_IO_PENDING
 *                     and a completion thread
 *   OfflineDelayMs    the same for offline
 *   FailOnline        online fails with ERROR_GEN_FAILURE (after the delay, if any)
 *   FailOffline       offline fails with ERROR_GEN_FAILURE (after the delay, if any)
 *   FailAfterSeconds  LooksAlive and IsAlive fail from N s after online on
 *   HangOnline        online never returns
 *   HangIsAlive       IsAlive never returns
 *   HangControl       every resource control never returns
 *   CrashOnline       online calls abort()
 *   CrashIsAlive      IsAlive raises SIGSEGV
 *   StateFile (SZ)    a path; online writes "online\n" there, offline and
 *                     terminate "offline\n" (atomically, by rename); "" = none
 * Unknown properties are ignored at open and rejected (ERROR_INVALID_PARAMETER)
 * by SET/VALIDATE_PRIVATE_PROPERTIES; a property with the wrong syntax is
 * rejected in both.  GET_PRIVATE_PROPERTIES returns all of them.  Every other
 * control code returns ERROR_INVALID_FUNCTION, for clusterd to answer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <clusapi/clusctl.h>
#include <clusapi/errors.h>
#include <clusapi/proplist.h>
#include <clusapi/resapi.h>

#include "cs_alloc.h"

enum dword_prop {
	P_ONLINE_DELAY,
	P_OFFLINE_DELAY,
	P_FAIL_ONLINE,
	P_FAIL_OFFLINE,
	P_FAIL_AFTER,
	P_HANG_ONLINE,
	P_HANG_ISALIVE,
	P_HANG_CONTROL,
	P_CRASH_ONLINE,
	P_CRASH_ISALIVE,
	N_DWORD_PROPS,
};

static const char *const dword_names[N_DWORD_PROPS] = {
	"OnlineDelayMs",  "OfflineDelayMs", "FailOnline",   "FailOffline",  "FailAfterSeconds",
	"HangOnline",     "HangIsAlive",    "HangControl",  "CrashOnline",  "CrashIsAlive",
};
#define STATE_FILE_NAME "StateFile"

struct props {
	uint32_t dw[N_DWORD_PROPS];
	char *state_file;           /* NULL: none */
};

enum op { OP_NONE, OP_ONLINE, OP_OFFLINE };

struct dummy {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *name;
	cluster_resource_handle *handle;
	struct props p;
	bool online;
	struct timespec online_at;  /* CLOCK_MONOTONIC */
	/* the completion thread of a pending online/offline */
	pthread_t worker;
	bool worker_joinable;
	bool cancel;
	enum op op;
	uint32_t delay_ms;
};

static const cluster_plugin_host *host;

static void props_free(struct props *p)
{
	cs_freep(&p->state_file);
}

/* Deep copy; false if memory is short. */
static bool props_copy(struct props *dst, const struct props *src)
{
	memcpy(dst->dw, src->dw, sizeof(dst->dw));
	dst->state_file = NULL;
	if (src->state_file) {
		dst->state_file = cs_strdup(src->state_file);
		if (!dst->state_file)
			return false;
	}
	return true;
}

/*
 * Read a property list into *p (which holds the values to start from).
 * strict: unknown names are an error.  On error *p is unchanged.
 */
static uint32_t props_parse(const void *buf, size_t size, struct props *p, bool strict)
{
	clusprop_iter it;
	clusprop_value v;
	struct props n;
	uint32_t err;

	if (!props_copy(&n, p)) {
		props_free(&n);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	err = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, size, NULL);
	if (err != ERROR_SUCCESS)
		goto out_props;
	while ((err = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		int idx = -1;
		for (int i = 0; i < N_DWORD_PROPS; i++)
			if (strcasecmp(v.name, dword_names[i]) == 0)
				idx = i;
		if (idx >= 0) {
			if (v.format != CLUSPROP_FORMAT_DWORD) {
				err = ERROR_INVALID_PARAMETER;
				break;
			}
			n.dw[idx] = v.num.dw;
		} else if (strcasecmp(v.name, STATE_FILE_NAME) == 0) {
			if (v.format != CLUSPROP_FORMAT_SZ && v.format != CLUSPROP_FORMAT_EXPAND_SZ) {
				err = ERROR_INVALID_PARAMETER;
				break;
			}
			char *s = NULL;
			if (v.str[0]) {
				s = cs_strdup(v.str);
				if (!s) {
					err = ERROR_NOT_ENOUGH_MEMORY;
					break;
				}
			}
			cs_free(n.state_file);
			n.state_file = s;
		} else if (strict) {
			err = ERROR_INVALID_PARAMETER;
			break;
		}
	}
	clusprop_iter_done(&it);
	if (err == ERROR_NO_MORE_ITEMS) {
		props_free(p);
		*p = n;
		n.state_file = NULL;
		err = ERROR_SUCCESS;
	}
out_props:
	props_free(&n);
	return err;
}

static uint32_t props_produce(clusprop_builder *b, void *ctx)
{
	const struct props *p = ctx;
	clusprop_builder_begin_plist(b);
	for (int i = 0; i < N_DWORD_PROPS; i++)
		clusprop_add_dword(b, dword_names[i], p->dw[i]);
	clusprop_add_sz(b, STATE_FILE_NAME, p->state_file ? p->state_file : "");
	return clusprop_builder_status(b);
}

/* Write "online\n" / "offline\n" to the state file, atomically. */
static void write_state(struct dummy *d, const char *path, const char *state)
{
	char *tmp = NULL;
	int fd = -1;

	if (!path)
		return;
	size_t len = strlen(path) + 16;
	tmp = cs_malloc(len);
	if (!tmp)
		goto out;
	snprintf(tmp, len, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto out;
	size_t sl = strlen(state);
	if (write(fd, state, sl) != (ssize_t)sl || close(fd) != 0) {
		fd = -1;
		unlink(tmp);
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		unlink(tmp);
	else
		host->log(d->handle, CLUSTER_PLUGIN_LOG_DEBUG, "wrote %s", path);
out:
	if (fd >= 0)
		close(fd);
	cs_free(tmp);
}

static void state_to(struct dummy *d, bool online)
{
	char *path = NULL;
	pthread_mutex_lock(&d->mu);
	d->online = online;
	if (online)
		clock_gettime(CLOCK_MONOTONIC, &d->online_at);
	if (d->p.state_file)
		path = cs_strdup(d->p.state_file);
	pthread_mutex_unlock(&d->mu);
	if (path)
		write_state(d, path, online ? "online\n" : "offline\n");
	cs_free(path);
}

static void hang_forever(void)
{
	for (;;)
		sleep(3600);
}

/* ---- the completion thread of a pending operation ---- */

static void *worker_main(void *arg)
{
	struct dummy *d = arg;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);

	pthread_mutex_lock(&d->mu);
	enum op op = d->op;
	until.tv_sec += d->delay_ms / 1000;
	until.tv_nsec += (long)(d->delay_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!d->cancel) {
		if (pthread_cond_timedwait(&d->cv, &d->mu, &until) == ETIMEDOUT)
			break;
	}
	bool cancelled = d->cancel;
	bool fail = op == OP_ONLINE ? d->p.dw[P_FAIL_ONLINE] : d->p.dw[P_FAIL_OFFLINE];
	pthread_mutex_unlock(&d->mu);
	if (cancelled)
		return NULL;

	if (fail) {
		host->set_resource_status(d->handle, CLUSTER_PLUGIN_STATE_FAILED, ERROR_GEN_FAILURE);
	} else {
		state_to(d, op == OP_ONLINE);
		host->set_resource_status(d->handle,
					  op == OP_ONLINE ? CLUSTER_PLUGIN_STATE_ONLINE :
							    CLUSTER_PLUGIN_STATE_OFFLINE,
					  ERROR_SUCCESS);
	}
	return NULL;
}

/* Stop and join the completion thread, if any. */
static void worker_stop(struct dummy *d)
{
	pthread_mutex_lock(&d->mu);
	bool joinable = d->worker_joinable;
	d->cancel = true;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	if (joinable)
		pthread_join(d->worker, NULL);
	pthread_mutex_lock(&d->mu);
	d->worker_joinable = false;
	d->cancel = false;
	d->op = OP_NONE;
	pthread_mutex_unlock(&d->mu);
}

/* Start the completion thread for op after delay_ms: ERROR_IO_PENDING. */
static uint32_t worker_start(struct dummy *d, enum op op, uint32_t delay_ms)
{
	worker_stop(d); /* join the previous one, long finished */
	pthread_mutex_lock(&d->mu);
	d->op = op;
	d->delay_ms = delay_ms;
	d->cancel = false;
	int rc = pthread_create(&d->worker, NULL, worker_main, d);
	d->worker_joinable = rc == 0;
	pthread_mutex_unlock(&d->mu);
	return rc == 0 ? ERROR_IO_PENDING : ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- entry points ---- */

static void dummy_close(cluster_resid id);

static cluster_resid dummy_open(const char *resource_name, const void *private_props,
				size_t props_size, cluster_resource_handle *handle,
				uint32_t *ret_error)
{
	struct dummy *d = cs_calloc(1, sizeof(*d));
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;
	bool mu = false, cv = false;

	if (!d)
		goto fail;
	if (pthread_mutex_init(&d->mu, NULL) != 0)
		goto fail;
	mu = true;
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) == 0) {
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		cv = pthread_cond_init(&d->cv, &ca) == 0;
		pthread_condattr_destroy(&ca);
	}
	if (!cv)
		goto fail;
	d->handle = handle;
	d->name = cs_strdup(resource_name);
	if (!d->name)
		goto fail;
	if (private_props && props_size) {
		err = props_parse(private_props, props_size, &d->p, false);
		if (err != ERROR_SUCCESS)
			goto fail;
	}
	host->log(handle, CLUSTER_PLUGIN_LOG_INFO, "opened dummy resource \"%s\"", resource_name);
	return d;
fail:
	if (d) {
		props_free(&d->p);
		cs_free(d->name);
		if (cv)
			pthread_cond_destroy(&d->cv);
		if (mu)
			pthread_mutex_destroy(&d->mu);
		cs_free(d);
	}
	*ret_error = err;
	return NULL;
}

static void dummy_close(cluster_resid id)
{
	struct dummy *d = id;
	if (!d)
		return;
	worker_stop(d);
	props_free(&d->p);
	cs_free(d->name);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	cs_free(d);
}

static uint32_t dummy_online(cluster_resid id)
{
	struct dummy *d = id;
	pthread_mutex_lock(&d->mu);
	struct props p;
	memcpy(p.dw, d->p.dw, sizeof(p.dw));
	pthread_mutex_unlock(&d->mu);

	if (p.dw[P_CRASH_ONLINE]) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_WARNING, "CrashOnline: aborting the host");
		abort();
	}
	if (p.dw[P_HANG_ONLINE]) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_WARNING, "HangOnline: hanging");
		hang_forever();
	}
	if (p.dw[P_ONLINE_DELAY])
		return worker_start(d, OP_ONLINE, p.dw[P_ONLINE_DELAY]);
	if (p.dw[P_FAIL_ONLINE])
		return ERROR_GEN_FAILURE;
	state_to(d, true);
	return ERROR_SUCCESS;
}

static uint32_t dummy_offline(cluster_resid id)
{
	struct dummy *d = id;
	pthread_mutex_lock(&d->mu);
	uint32_t delay = d->p.dw[P_OFFLINE_DELAY];
	uint32_t fail = d->p.dw[P_FAIL_OFFLINE];
	pthread_mutex_unlock(&d->mu);
	if (delay)
		return worker_start(d, OP_OFFLINE, delay);
	worker_stop(d);
	if (fail)
		return ERROR_GEN_FAILURE;
	state_to(d, false);
	return ERROR_SUCCESS;
}

static void dummy_terminate(cluster_resid id)
{
	struct dummy *d = id;
	worker_stop(d);
	state_to(d, false);
}

/* false once FailAfterSeconds have passed since online */
static bool alive_by_time(struct dummy *d)
{
	pthread_mutex_lock(&d->mu);
	bool alive = d->online;
	uint32_t after = d->p.dw[P_FAIL_AFTER];
	if (alive && after) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t ms = (int64_t)(now.tv_sec - d->online_at.tv_sec) * 1000 +
			     (now.tv_nsec - d->online_at.tv_nsec) / 1000000;
		if (ms >= (int64_t)after * 1000)
			alive = false;
	}
	pthread_mutex_unlock(&d->mu);
	return alive;
}

static bool dummy_looks_alive(cluster_resid id)
{
	return alive_by_time(id);
}

static bool dummy_is_alive(cluster_resid id)
{
	struct dummy *d = id;
	pthread_mutex_lock(&d->mu);
	uint32_t crash = d->p.dw[P_CRASH_ISALIVE], hang = d->p.dw[P_HANG_ISALIVE];
	pthread_mutex_unlock(&d->mu);
	if (crash) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_WARNING, "CrashIsAlive: SIGSEGV");
		raise(SIGSEGV);
	}
	if (hang)
		hang_forever();
	return alive_by_time(d);
}

static uint32_t dummy_control(cluster_resid id, uint32_t code, const void *in, size_t in_size,
			      void *out, size_t out_size, size_t *bytes_returned)
{
	struct dummy *d = id;
	uint32_t err;

	pthread_mutex_lock(&d->mu);
	uint32_t hang = d->p.dw[P_HANG_CONTROL];
	pthread_mutex_unlock(&d->mu);
	if (hang)
		hang_forever();

	switch (code) {
	case CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES: {
		struct props snap;
		pthread_mutex_lock(&d->mu);
		bool ok = props_copy(&snap, &d->p);
		pthread_mutex_unlock(&d->mu);
		if (!ok) {
			props_free(&snap);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		err = clusprop_build(out, out_size, bytes_returned, props_produce, &snap);
		props_free(&snap);
		return err;
	}
	case CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES:
	case CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES: {
		struct props work;
		if (!in || in_size == 0)
			return ERROR_INVALID_PARAMETER;
		pthread_mutex_lock(&d->mu);
		bool ok = props_copy(&work, &d->p);
		pthread_mutex_unlock(&d->mu);
		if (!ok) {
			props_free(&work);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
		err = props_parse(in, in_size, &work, true);
		if (err == ERROR_SUCCESS && code == CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES) {
			pthread_mutex_lock(&d->mu);
			props_free(&d->p);
			d->p = work;
			work.state_file = NULL;
			pthread_mutex_unlock(&d->mu);
			host->log(d->handle, CLUSTER_PLUGIN_LOG_INFO, "private properties changed");
		}
		props_free(&work);
		if (err == ERROR_SUCCESS)
			*bytes_returned = 0;
		return err == ERROR_INVALID_DATA ? ERROR_INVALID_PARAMETER : err;
	}
	default:
		return ERROR_INVALID_FUNCTION;
	}
}

static uint32_t dummy_type_control(const char *type_name, uint32_t code, const void *in,
				   size_t in_size, void *out, size_t out_size,
				   size_t *bytes_returned)
{
	(void)type_name;
	(void)code;
	(void)in;
	(void)in_size;
	(void)out;
	(void)out_size;
	(void)bytes_returned;
	return ERROR_INVALID_FUNCTION;
}

static const cluster_resource_plugin dummy_plugin = {
	.abi_version = CLUSTER_RESAPI_VERSION,
	.size = sizeof(cluster_resource_plugin),
	.type_name = "Dummy",
	.open = dummy_open,
	.close = dummy_close,
	.online = dummy_online,
	.offline = dummy_offline,
	.terminate = dummy_terminate,
	.looks_alive = dummy_looks_alive,
	.is_alive = dummy_is_alive,
	.arbitrate = NULL,
	.release = NULL,
	.resource_control = dummy_control,
	.resource_type_control = dummy_type_control,
	.cleanup = NULL,
};

__attribute__((visibility("default")))
const cluster_resource_plugin *cluster_plugin_startup(const cluster_plugin_host *h,
						      uint32_t min_abi, uint32_t max_abi)
{
	if (!h || min_abi > CLUSTER_RESAPI_VERSION || max_abi < CLUSTER_RESAPI_VERSION ||
	    h->size < offsetof(cluster_plugin_host, log) + sizeof(h->log))
		return NULL;
	host = h;
	return &dummy_plugin;
}
