/*
 * disk.c - the "Physical Disk" resource type: entry points.
 *
 * online:  find the disk by identity in this node's scope (scan.c), win
 *          arbitration for it (arb.h), then for each MountPoints entry check
 *          (e2fsck -p) and mount it (mount.c), on a worker thread
 *          (ERROR_IO_PENDING).  A failed step undoes the earlier ones.
 * offline: unmount (a busy file system is retried for PD_UMOUNT_WAIT_S, then
 *          the offline fails naming it, the disk still arbitrated: it is
 *          never released under a mounted file system), then release.
 * terminate: unmount by force (MNT_FORCE, then a lazy unmount as the last
 *          resort, logged), release.
 * is_alive: an O_DIRECT read of one sector through a descriptor kept open
 *          while online, every mount still there, pd_arb_check().
 *
 * What is mounted is remembered by device number and target at online
 * ("active mounts"), so that a SET_PRIVATE_PROPERTIES while online changes
 * the next online, never what offline undoes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <clusapi/clusctl.h>
#include <clusapi/errors.h>
#include <clusapi/proplist.h>
#include <clusapi/resapi.h>

#include <corosync/cmap.h>

#include "arb.h"
#include "controls.h"
#include "cs_alloc.h"
#include "mount.h"
#include "props.h"
#include "scan.h"

#define WHY_LEN 512

enum op { OP_NONE, OP_ONLINE, OP_OFFLINE };

struct active_mount {
	dev_t dev;
	char *target;
};

struct pd_res {
	pthread_mutex_t mu;             /* guards p, last_path, the worker fields */
	char *name;
	cluster_resource_handle *handle;
	struct pd_props p;
	char *last_path;                /* where the disk was last found (a hint) */

	/* online state: changed by entry points and the worker, never both
	 * at once (the worker is joined before an entry point touches it) */
	bool online;
	struct pd_arb *arb;
	bool arb_held;
	struct pd_id id;                /* of the disk online */
	int hold_fd;                    /* O_DIRECT, while online */
	/* under mu: the disk kept open for the storage controls' live reads,
	 * and a copy of am as online made it */
	struct pd_live *live;
	struct pd_mounted *held_mounts;
	size_t n_held_mounts;
	struct active_mount *am;
	size_t n_am;
	uint32_t maint_applied;         /* the MaintenanceMode in effect */

	pthread_t worker;
	bool worker_joinable;
	volatile bool cancel;
	enum op op;
	bool pending;                   /* the worker has not finished (under mu) */

	struct pd_res *next;            /* registry (held_here) */
};

static const cluster_plugin_host *host;
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pd_res *reg_head;

/* Leases of closed resources whose file system was still in use (reg_mu):
 * held until cleanup. */
struct kept_arb {
	struct kept_arb *next;
	struct pd_arb *arb;
};
static struct kept_arb *kept_head;

/* This node's corosync node id: CS_NODE_ID when set (tests), else
 * corosync's own (runtime.votequorum.this_node_id); 0 when unknown. */
static uint32_t node_id(void)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static uint32_t cached; /* a node's id does not change while corosync runs */
	const char *e = getenv("CS_NODE_ID");
	char *end = NULL;
	unsigned long v;
	uint32_t id = 0;
	cmap_handle_t cmap;

	if (!e || !*e) {
		pthread_mutex_lock(&mu);
		if (!cached && cmap_initialize(&cmap) == CS_OK) {
			if (cmap_get_uint32(cmap, "runtime.votequorum.this_node_id", &id) == CS_OK)
				cached = id;
			cmap_finalize(cmap);
		}
		id = cached;
		pthread_mutex_unlock(&mu);
		return id;
	}
	errno = 0;
	v = strtoul(e, &end, 10);
	return errno || *end || v > UINT32_MAX ? 0 : (uint32_t)v;
}

/*
 * Whether node `id` is out of corosync's membership now.  clusterd brings a
 * disk online on this node only after the node that ran it before released
 * it (a clean offline) or left the membership and then waited out the bound
 * within which a node that left has stopped everything (doc/quorum.md).  So
 * a lease still recorded for a node that is no member is a fenced node's:
 * it may be taken over at once (PD_ARB_TAKEOVER_FENCED) instead of after
 * sanlock's own 8 x io_timeout + 60 s (doc/arbitration.md).
 */
static bool node_gone(uint32_t id)
{
	cmap_handle_t cmap;
	char key[64], *status = NULL;
	bool gone = false;

	if (cmap_initialize(&cmap) != CS_OK)
		return false;
	snprintf(key, sizeof(key), "runtime.members.%u.status", id);
	cs_error_t e = cmap_get_string(cmap, key, &status);
	if (e == CS_ERR_NOT_EXIST)
		gone = true;
	else if (e == CS_OK)
		gone = strcmp(status, "joined") != 0;
	free(status); /* allocated by libcmap */
	cmap_finalize(cmap);
	return gone;
}

static bool held_here(const struct pd_id *id)
{
	bool held = false;
	pthread_mutex_lock(&reg_mu);
	for (struct pd_res *r = reg_head; r && !held; r = r->next)
		held = r->arb_held && pd_id_equal(&r->id, id);
	pthread_mutex_unlock(&reg_mu);
	return held;
}

static void set_held(struct pd_res *d, bool held)
{
	pthread_mutex_lock(&reg_mu);
	d->arb_held = held;
	pthread_mutex_unlock(&reg_mu);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void remember_path(struct pd_res *d, const char *path)
{
	char *c = cs_strdup(path);
	if (!c)
		return; /* only a hint */
	pthread_mutex_lock(&d->mu);
	cs_free(d->last_path);
	d->last_path = c;
	pthread_mutex_unlock(&d->mu);
}

/* Find the resource's disk: DiskPath, then the last place, then the scope. */
static uint32_t find_disk(struct pd_res *d, const struct pd_props *p, struct pd_disk **ret,
			  char *why, size_t why_len)
{
	struct pd_id id;
	char *hint = NULL;
	uint32_t err;

	pd_props_id(p, &id);
	if (id.kind == PD_ID_NONE) {
		snprintf(why, why_len, "no disk named: set DiskSignature (MBR) or DiskIdGuid (GPT)");
		return ERROR_INVALID_PARAMETER;
	}
	pthread_mutex_lock(&d->mu);
	if (p->disk_path || d->last_path)
		hint = cs_strdup(p->disk_path ? p->disk_path : d->last_path);
	pthread_mutex_unlock(&d->mu);
	err = pd_disk_find(&id, hint, ret, why, why_len);
	cs_free(hint);
	if (err == ERROR_SUCCESS)
		remember_path(d, (*ret)->path);
	return err;
}

/* The online disk read again through the descriptors kept open (d->mu
 * held, d->live set).  ERROR_DEV_NOT_EXIST: it is not the disk found at
 * online any more (repartitioned or replaced under us). */
static uint32_t reprobe_held(struct pd_res *d, struct pd_disk **ret, char *why, size_t why_len)
{
	const struct pd_disk *was = pd_live_disk(d->live);
	uint32_t err = pd_live_read(d->live, ret, why, why_len);

	if (err == ERROR_SUCCESS && !pd_id_equal(&(*ret)->id, &was->id)) {
		snprintf(why, why_len, "%s no longer carries the disk it had at online", was->path);
		pd_disk_free(*ret);
		*ret = NULL;
		err = ERROR_DEV_NOT_EXIST;
	}
	return err;
}

/* ---- the online state ---- */

static uint32_t arb_take(struct pd_res *d, const struct pd_props *p, const struct pd_disk *dk,
			 char *why, size_t why_len)
{
	char idt[64];
	uint32_t err;

	if (d->arb_held)
		return ERROR_SUCCESS;
	if (d->arb && !pd_id_equal(&d->id, &dk->id)) {
		pd_arb_close(d->arb); /* the properties now name another disk */
		d->arb = NULL;
	}
	if (!d->arb) {
		struct pd_arb_params ap;
		pd_id_text(&dk->id, idt, sizeof(idt));
		memset(&ap, 0, sizeof(ap));
		ap.kind = p->arb;
		ap.device = dk->path;
		ap.disk_id = idt;
		ap.node_id = node_id();
		ap.io_timeout_s = p->lease_io_timeout;
		if (ap.kind == PD_ARB_SANLOCK && ap.node_id == 0) {
			snprintf(why, why_len, "this node's corosync node id is unknown (corosync "
					       "not running?): it is needed for its disk lease");
			return ERROR_NOT_READY;
		}
		if ((err = pd_arb_open(&ap, &d->arb, why, why_len)) != ERROR_SUCCESS)
			return err;
	}
	d->id = dk->id;
	/* joining the lockspace takes a few io_timeouts (sanlock: about 3 at 1 s,
	 * 21 at 10 s, MACHINE-FACTS.md) */
	uint64_t deadline = now_ms() + 30000u + 4000u * p->lease_io_timeout;
	for (;;) {
		err = pd_arb_acquire(d->arb, 0, 0, why, why_len);
		uint32_t holder = 0;
		if (err == ERROR_SHARING_VIOLATION &&
		    pd_arb_owner(d->arb, &holder, NULL, 0) == ERROR_SUCCESS && holder &&
		    node_gone(holder)) {
			host->log(d->handle, CLUSTER_PLUGIN_LOG_WARNING, "the disk's lease is held by "
				  "node %u, which left the cluster and was waited out: taking it "
				  "over", holder);
			err = pd_arb_acquire(d->arb, PD_ARB_TAKEOVER_FENCED, holder, why, why_len);
			if (err == ERROR_SUCCESS && why[0])
				host->log(d->handle, CLUSTER_PLUGIN_LOG_NOTICE, "%s", why);
		}
		if (err != ERROR_NOT_READY || d->cancel || now_ms() >= deadline)
			break;
		usleep(250000);
	}
	if (err == ERROR_SUCCESS)
		set_held(d, true);
	else if (d->cancel)
		err = ERROR_OPERATION_ABORTED;
	return err;
}

static void arb_give(struct pd_res *d)
{
	char why[WHY_LEN] = "";
	if (!d->arb_held)
		return;
	if (pd_arb_release(d->arb, why, sizeof(why)) != ERROR_SUCCESS)
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "release: %s", why);
	set_held(d, false);
}

/* Unmount the active mounts in reverse order.  force: terminate.  On
 * failure (not forced) the ones left stay in d->am. */
/* Unmount the active mounts in reverse order.  force (terminate): try each
 * one, keep those whose file system is still in use anywhere in d->am (the
 * disk must then stay arbitrated) and fail at the end; else stop at the
 * first failure. */
static uint32_t unmount_all(struct pd_res *d, bool force, char *why, size_t why_len)
{
	uint32_t first = ERROR_SUCCESS;
	size_t top = d->n_am; /* kept entries gather in am[top..n_am), at or after i */

	for (size_t i = d->n_am; i-- > 0;) {
		struct active_mount *m = &d->am[i];
		bool lazy = false;
		uint32_t err = pd_umount(m->dev, m->target, force ? 0 : PD_UMOUNT_WAIT_S, force, &lazy,
					 why, why_len);
		if (err != ERROR_SUCCESS && !force) {
			d->n_am = i + 1;
			return err;
		}
		if (err != ERROR_SUCCESS) {
			host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "terminate: %s", why);
			if (first == ERROR_SUCCESS)
				first = err;
			d->am[--top] = *m;
			continue;
		}
		if (lazy)
			host->log(d->handle, CLUSTER_PLUGIN_LOG_WARNING, "terminate: %s",
				  why[0] ? why : "busy: detached (lazy unmount), and its users have gone");
		else
			host->log(d->handle, CLUSTER_PLUGIN_LOG_INFO, "unmounted %s", m->target);
		cs_free(m->target);
	}
	memmove(d->am, d->am + top, (d->n_am - top) * sizeof(*d->am));
	d->n_am -= top;
	if (!d->n_am)
		cs_freep(&d->am);
	return first;
}

static int mount_order(const void *a, const void *b)
{
	const struct pd_mount *x = a, *y = b;
	return strcmp(x->path, y->path); /* a parent sorts before what is under it */
}

static uint32_t mount_all(struct pd_res *d, const struct pd_props *p, const struct pd_disk *dk,
			  char *why, size_t why_len)
{
	struct pd_mount *order = NULL;
	uint32_t err = ERROR_SUCCESS;

	if (!p->n_mounts)
		return ERROR_SUCCESS;
	if (!(order = cs_calloc(p->n_mounts, sizeof(*order))) ||
	    !(d->am = cs_calloc(p->n_mounts, sizeof(*d->am)))) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	memcpy(order, p->mounts, p->n_mounts * sizeof(*order)); /* shallow: strings stay p's */
	qsort(order, p->n_mounts, sizeof(*order), mount_order);
	for (size_t i = 0; i < p->n_mounts && !d->cancel; i++) {
		const struct pd_mount *m = &order[i];
		const struct pd_part *pt = pd_disk_part(dk, m->part);
		if (!pt) {
			snprintf(why, why_len, "MountPoints: %s has no partition %u", dk->path, m->part);
			err = ERROR_INVALID_PARAMETER;
			goto out;
		}
		if (!pt->devname && pt->stale_node) {
			snprintf(why, why_len, "%s partition %u: the kernel's partition device lies "
				 "where an older partition table put it; make the kernel read the "
				 "table again (`partx -u %s`, or `blockdev --rereadpt`)", dk->path,
				 m->part, dk->path);
			err = ERROR_DEV_NOT_EXIST;
			goto out;
		}
		if (!pt->devname) {
			snprintf(why, why_len, "%s partition %u has no device node (loop devices "
				 "need `partx -a %s`)", dk->path, m->part, dk->path);
			err = ERROR_DEV_NOT_EXIST;
			goto out;
		}
		char *target = cs_strdup(m->path);
		if (!target) {
			err = ERROR_NOT_ENOUGH_MEMORY;
			goto out;
		}
		if (!pd_is_mounted(pt->devno, m->path)) {
			if ((err = pd_drop_cache(pt->devname, why, why_len)) != ERROR_SUCCESS ||
			    (err = pd_fsck(pt->devname, pt->fstype, PD_FSCK_TIMEOUT_S, &d->cancel, why,
					   why_len)) != ERROR_SUCCESS ||
			    (err = pd_mount(pt->devname, pt->fstype, m->path, m->options, why,
					    why_len)) != ERROR_SUCCESS) {
				cs_free(target);
				goto out;
			}
			host->log(d->handle, CLUSTER_PLUGIN_LOG_INFO, "mounted %s on %s", pt->devname,
				  m->path);
		}
		d->am[d->n_am].dev = pt->devno;
		d->am[d->n_am].target = target;
		d->n_am++;
	}
	if (d->cancel)
		err = ERROR_OPERATION_ABORTED;
out:
	cs_free(order);
	return err;
}

static void free_mounts(struct pd_mounted *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
		cs_free(m[i].target);
	cs_free(m);
}

/* Close what online keeps open of the disk. */
static void hold_close(struct pd_res *d)
{
	if (d->hold_fd >= 0) {
		close(d->hold_fd);
		d->hold_fd = -1;
	}
	pthread_mutex_lock(&d->mu);
	pd_live_close(d->live);
	d->live = NULL;
	free_mounts(d->held_mounts, d->n_held_mounts);
	d->held_mounts = NULL;
	d->n_held_mounts = 0;
	pthread_mutex_unlock(&d->mu);
}

/* Undo everything the online state holds (terminate, a failed online). */
static void teardown(struct pd_res *d, bool force)
{
	char why[WHY_LEN] = "";
	if (unmount_all(d, force, why, sizeof(why)) != ERROR_SUCCESS) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR,
			  "%s; the disk stays arbitrated while a file system of it is mounted", why);
		return;
	}
	arb_give(d);
	hold_close(d);
	d->online = false;
}

/* A copy of the active mounts, for the storage controls (which run beside
 * the online state's owner and so never read d->am). */
static uint32_t copy_mounts(const struct pd_res *d, struct pd_mounted **ret)
{
	struct pd_mounted *m = NULL;

	*ret = NULL;
	if (!d->n_am)
		return ERROR_SUCCESS;
	if (!(m = cs_calloc(d->n_am, sizeof(*m))))
		return ERROR_NOT_ENOUGH_MEMORY;
	for (size_t i = 0; i < d->n_am; i++) {
		m[i].dev = d->am[i].dev;
		if (!(m[i].target = cs_strdup(d->am[i].target))) {
			free_mounts(m, i);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
	}
	*ret = m;
	return ERROR_SUCCESS;
}

static uint32_t do_online(struct pd_res *d, const struct pd_props *p, char *why, size_t why_len)
{
	struct pd_disk *dk = NULL;
	uint32_t err;

	if ((err = find_disk(d, p, &dk, why, why_len)) != ERROR_SUCCESS)
		goto out;
	d->id = dk->id;
	if (p->maint < PD_MAINT_UNCLUSTER &&
	    (err = arb_take(d, p, dk, why, why_len)) != ERROR_SUCCESS)
		goto out;
	if (p->maint < PD_MAINT_OFFLINE && (err = mount_all(d, p, dk, why, why_len)) != ERROR_SUCCESS)
		goto out;
	d->hold_fd = open(dk->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (d->hold_fd < 0) {
		snprintf(why, why_len, "%s: %s", dk->path, strerror(errno));
		err = ERROR_OPEN_FAILED;
		goto out;
	}
	struct pd_mounted *hm = NULL;
	struct pd_live *live = NULL;
	if ((err = copy_mounts(d, &hm)) != ERROR_SUCCESS) {
		snprintf(why, why_len, "out of memory");
		goto out;
	}
	err = pd_live_open(dk, &live, why, why_len); /* takes dk */
	dk = NULL;
	if (err != ERROR_SUCCESS) {
		free_mounts(hm, d->n_am);
		goto out;
	}
	pthread_mutex_lock(&d->mu);
	d->live = live;
	d->held_mounts = hm;
	d->n_held_mounts = d->n_am;
	pthread_mutex_unlock(&d->mu);
	d->maint_applied = p->maint;
	d->online = true;
	host->log(d->handle, CLUSTER_PLUGIN_LOG_INFO, "online on %s (%u file system(s) mounted)",
		  pd_live_disk(d->live)->path, (unsigned)d->n_am);
out:
	if (err != ERROR_SUCCESS) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "online failed: %s", why);
		teardown(d, false);
		if (d->n_am) /* a mount we made would not go: force it, then release */
			teardown(d, true);
	}
	pd_disk_free(dk);
	return err;
}

static uint32_t do_offline(struct pd_res *d, char *why, size_t why_len)
{
	uint32_t err = unmount_all(d, false, why, why_len);
	if (err != ERROR_SUCCESS) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR,
			  "offline failed: %s; the disk stays arbitrated", why);
		return err;
	}
	teardown(d, false);
	host->log(d->handle, CLUSTER_PLUGIN_LOG_INFO, "offline");
	return ERROR_SUCCESS;
}

/* ---- the worker thread of a pending online/offline ---- */

static bool snapshot(struct pd_res *d, struct pd_props *out)
{
	pthread_mutex_lock(&d->mu);
	bool ok = pd_props_copy(out, &d->p);
	pthread_mutex_unlock(&d->mu);
	return ok;
}

static void *worker_main(void *arg)
{
	struct pd_res *d = arg;
	char why[WHY_LEN] = "";
	struct pd_props p;
	uint32_t err;

	if (d->op == OP_ONLINE) {
		if (!snapshot(d, &p)) {
			err = ERROR_NOT_ENOUGH_MEMORY;
		} else {
			err = do_online(d, &p, why, sizeof(why));
			pd_props_free(&p);
		}
	} else {
		err = do_offline(d, why, sizeof(why));
	}
	pthread_mutex_lock(&d->mu);
	d->pending = false;
	pthread_mutex_unlock(&d->mu);
	if (d->cancel)
		return NULL; /* terminate() abandons the operation */
	if (err == ERROR_SUCCESS)
		host->set_resource_status(d->handle, d->op == OP_ONLINE ? CLUSTER_PLUGIN_STATE_ONLINE :
									   CLUSTER_PLUGIN_STATE_OFFLINE,
					  ERROR_SUCCESS);
	else
		host->set_resource_status(d->handle, CLUSTER_PLUGIN_STATE_FAILED, err);
	return NULL;
}

static void worker_stop(struct pd_res *d)
{
	if (d->worker_joinable) {
		d->cancel = true;
		pthread_join(d->worker, NULL);
	}
	d->worker_joinable = false;
	d->cancel = false;
	d->op = OP_NONE;
}

static uint32_t worker_start(struct pd_res *d, enum op op)
{
	worker_stop(d);
	d->op = op;
	d->cancel = false;
	pthread_mutex_lock(&d->mu);
	d->pending = true;
	pthread_mutex_unlock(&d->mu);
	int rc = pthread_create(&d->worker, NULL, worker_main, d);
	d->worker_joinable = rc == 0;
	if (rc != 0) {
		pthread_mutex_lock(&d->mu);
		d->pending = false;
		pthread_mutex_unlock(&d->mu);
	}
	return rc == 0 ? ERROR_IO_PENDING : ERROR_NOT_ENOUGH_MEMORY;
}

/* ---- entry points ---- */

static cluster_resid pd_open(const char *resource_name, const void *private_props, size_t props_size,
			     cluster_resource_handle *handle, uint32_t *ret_error)
{
	struct pd_res *d = cs_calloc(1, sizeof(*d));
	char why[WHY_LEN] = "";
	uint32_t err = ERROR_NOT_ENOUGH_MEMORY;
	bool mu = false;

	if (!d)
		goto fail;
	pd_props_init(&d->p);
	d->hold_fd = -1;
	if (pthread_mutex_init(&d->mu, NULL) != 0)
		goto fail;
	mu = true;
	d->handle = handle;
	if (!(d->name = cs_strdup(resource_name)))
		goto fail;
	if (private_props && props_size &&
	    (err = pd_props_apply(private_props, props_size, &d->p, false, why, sizeof(why))) !=
		    ERROR_SUCCESS) {
		host->log(handle, CLUSTER_PLUGIN_LOG_ERROR, "open: %s", why);
		goto fail;
	}
	pthread_mutex_lock(&reg_mu);
	d->next = reg_head;
	reg_head = d;
	pthread_mutex_unlock(&reg_mu);
	host->log(handle, CLUSTER_PLUGIN_LOG_INFO, "opened disk resource \"%s\"", resource_name);
	return d;
fail:
	if (d) {
		pd_props_free(&d->p);
		cs_free(d->name);
		if (mu)
			pthread_mutex_destroy(&d->mu);
		cs_free(d);
	}
	*ret_error = err;
	return NULL;
}

static void pd_close(cluster_resid id)
{
	struct pd_res *d = id;
	if (!d)
		return;
	worker_stop(d);
	teardown(d, true);
	pthread_mutex_lock(&reg_mu);
	for (struct pd_res **pp = &reg_head; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	pthread_mutex_unlock(&reg_mu);
	if (d->n_am && d->arb) {
		/* still in use here: the lease stays held, by this process, until
		 * the plugin's cleanup (the host's exit) */
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "close: a file system of the disk is "
			  "still in use on this node: its lease stays held until the resource host "
			  "exits");
		pthread_mutex_lock(&reg_mu);
		struct kept_arb *k = cs_calloc(1, sizeof(*k));
		if (k) {
			k->arb = d->arb;
			k->next = kept_head;
			kept_head = k;
			d->arb = NULL;
		}
		pthread_mutex_unlock(&reg_mu);
		/* without memory for the list the lease is released with the
		 * rest: logged above, nothing better is possible */
	}
	for (size_t i = 0; i < d->n_am; i++)
		cs_free(d->am[i].target);
	hold_close(d); /* teardown leaves it open when a mount stayed */
	pd_arb_close(d->arb);
	pd_props_free(&d->p);
	cs_free(d->am);
	cs_free(d->last_path);
	cs_free(d->name);
	pthread_mutex_destroy(&d->mu);
	cs_free(d);
}

/* Last: the leases kept for file systems that stayed in use. */
static void pd_cleanup(void)
{
	pd_id_cache_prune(NULL, 0);
	pthread_mutex_lock(&reg_mu);
	while (kept_head) {
		struct kept_arb *k = kept_head;
		kept_head = k->next;
		pd_arb_close(k->arb);
		cs_free(k);
	}
	pthread_mutex_unlock(&reg_mu);
}

static uint32_t pd_online(cluster_resid id)
{
	struct pd_res *d = id;
	char why[WHY_LEN] = "";

	pthread_mutex_lock(&d->mu);
	uint32_t err = pd_props_check(&d->p, true, why, sizeof(why));
	pthread_mutex_unlock(&d->mu);
	if (err != ERROR_SUCCESS) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "online: %s", why);
		return err;
	}
	return worker_start(d, OP_ONLINE);
}

static uint32_t pd_offline(cluster_resid id)
{
	return worker_start(id, OP_OFFLINE);
}

static void pd_terminate(cluster_resid id)
{
	struct pd_res *d = id;
	worker_stop(d);
	teardown(d, true);
	if (d->n_am == 0)
		return;
	/* a file system still in use (another mount namespace, or users of a
	 * detached mount): this node keeps the disk - another node mounting it
	 * now would corrupt it - until it is gone (close, or the host's exit) */
	host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "terminate: %zu file system(s) of the "
		  "disk still in use on this node: the disk stays arbitrated here", d->n_am);
	hold_close(d);
	d->online = false;
}

static uint32_t maint_now(struct pd_res *d)
{
	pthread_mutex_lock(&d->mu);
	uint32_t m = d->p.maint;
	pthread_mutex_unlock(&d->mu);
	return m;
}

static bool mounts_present(struct pd_res *d)
{
	for (size_t i = 0; i < d->n_am; i++) {
		if (!pd_is_mounted(d->am[i].dev, d->am[i].target)) {
			host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "%s is no longer mounted",
				  d->am[i].target);
			return false;
		}
	}
	return true;
}

static bool pd_looks_alive(cluster_resid id)
{
	struct pd_res *d = id;
	if (maint_now(d) != PD_MAINT_NONE)
		return true;
	return d->online && mounts_present(d);
}

static bool pd_is_alive(cluster_resid id)
{
	struct pd_res *d = id;
	char why[WHY_LEN] = "";
	/* on the stack: an aligned block from the heap at every poll, in every
	 * resource's thread, fragmented the host's malloc arenas */
	alignas(4096) uint8_t buf[4096];
	bool alive = false;

	if (maint_now(d) != PD_MAINT_NONE)
		return true; /* MaintenanceMode: health checks are ignored */
	if (!d->online || d->hold_fd < 0)
		return false;
	/* real I/O: one 4 KiB-aligned block (any logical sector size up to
	 * 4 KiB) from the start of the disk, past every cache */
	ssize_t n = pread(d->hold_fd, buf, sizeof(buf), 0);
	if (n != 4096) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "is_alive: read of the disk failed: %s",
			  n < 0 ? strerror(errno) : "short read");
		goto out;
	}
	if (!mounts_present(d))
		goto out;
	if (d->arb_held && pd_arb_check(d->arb, why, sizeof(why)) != ERROR_SUCCESS) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "is_alive: arbitration lost: %s", why);
		if (host->size >= offsetof(cluster_plugin_host, arbitration_lost) +
					  sizeof(host->arbitration_lost) &&
		    host->arbitration_lost)
			host->arbitration_lost(d->handle);
		goto out;
	}
	alive = true;
out:
	return alive;
}

static uint32_t pd_arbitrate(cluster_resid id)
{
	struct pd_res *d = id;
	struct pd_disk *dk = NULL;
	struct pd_props p;
	char why[WHY_LEN] = "";
	uint32_t err;

	if (!snapshot(d, &p))
		return ERROR_NOT_ENOUGH_MEMORY;
	if ((err = find_disk(d, &p, &dk, why, sizeof(why))) == ERROR_SUCCESS)
		err = arb_take(d, &p, dk, why, sizeof(why));
	if (err != ERROR_SUCCESS)
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "arbitrate: %s", why);
	pd_disk_free(dk);
	pd_props_free(&p);
	return err;
}

static uint32_t pd_release(cluster_resid id)
{
	struct pd_res *d = id;
	if (d->n_am) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR,
			  "release refused: file systems of the disk are mounted");
		return ERROR_BUSY;
	}
	arb_give(d);
	return ERROR_SUCCESS;
}

/* MaintenanceMode changed while online: 2 unmounts, 3 also releases;
 * going back to a lower level brings those back. */
static uint32_t maint_apply(struct pd_res *d, const struct pd_props *p, char *why, size_t why_len)
{
	uint32_t from = d->maint_applied, to = p->maint, err = ERROR_SUCCESS;
	struct pd_disk *dk = NULL;

	if (!d->online || from == to)
		goto out;
	if (to >= PD_MAINT_OFFLINE && from < PD_MAINT_OFFLINE &&
	    (err = unmount_all(d, false, why, why_len)) != ERROR_SUCCESS)
		goto out;
	if (to == PD_MAINT_UNCLUSTER)
		arb_give(d);
	if (to < PD_MAINT_UNCLUSTER && from == PD_MAINT_UNCLUSTER) {
		if ((err = find_disk(d, p, &dk, why, why_len)) != ERROR_SUCCESS ||
		    (err = arb_take(d, p, dk, why, why_len)) != ERROR_SUCCESS)
			goto out;
	}
	if (to < PD_MAINT_OFFLINE && from >= PD_MAINT_OFFLINE) {
		if (!dk && (err = find_disk(d, p, &dk, why, why_len)) != ERROR_SUCCESS)
			goto out;
		if ((err = mount_all(d, p, dk, why, why_len)) != ERROR_SUCCESS) {
			char w2[WHY_LEN];
			unmount_all(d, true, w2, sizeof(w2));
			goto out;
		}
	}
	d->maint_applied = to;
	host->log(d->handle, CLUSTER_PLUGIN_LOG_NOTICE, "MaintenanceMode %u -> %u", from, to);
out:
	pd_disk_free(dk);
	return err;
}

/* The answer of a storage control for disk dk, found with error err. */
static uint32_t storage_answer(struct pd_res *d, uint32_t code, uint32_t err,
			       const struct pd_disk *dk, const struct pd_props *p,
			       const struct pd_mount_list *mounted, const void *in,
			       size_t in_size, void *out, size_t out_size, size_t *bytes_returned,
			       const char *why)
{
	if (code == CLUSCTL_RESOURCE_STORAGE_IS_PATH_VALID) {
		/* a path is not on a disk that is not here */
		if (err == ERROR_SUCCESS || err == ERROR_DEV_NOT_EXIST || err == ERROR_INVALID_PARAMETER)
			err = pd_ctl_is_path_valid(dk, in, in_size);
		return err;
	}
	if (err == ERROR_SUCCESS)
		return pd_ctl_disk_info(dk, p, code == CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO_EX,
					mounted, out, out_size, bytes_returned);
	host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "disk info: %s", why);
	return err;
}

static uint32_t props_control(struct pd_res *d, uint32_t code, const void *in, size_t in_size,
			      void *out, size_t out_size, size_t *bytes_returned)
{
	struct pd_props work;
	char why[WHY_LEN] = "";
	uint32_t err;

	if (!snapshot(d, &work))
		return ERROR_NOT_ENOUGH_MEMORY;
	if (code == CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES) {
		err = clusprop_build(out, out_size, bytes_returned, pd_props_produce, &work);
		goto out;
	}
	if (!in || in_size == 0) {
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	/* VALIDATE: unknown names refused (a typo would be stored silently);
	 * SET (clusterd pushes the whole stored list): unknown names ignored */
	err = pd_props_apply(in, in_size, &work, code == CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES,
			     why, sizeof(why));
	if (err != ERROR_SUCCESS) {
		host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "%s: %s",
			  code == CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES ? "SET_PRIVATE_PROPERTIES" :
									      "VALIDATE_PRIVATE_PROPERTIES",
			  why);
		goto out;
	}
	if (code == CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES) {
		pthread_mutex_lock(&d->mu);
		bool pending = d->pending;
		pthread_mutex_unlock(&d->mu);
		/* while an online/offline is pending, the next online applies it */
		if (!pending && (err = maint_apply(d, &work, why, sizeof(why))) != ERROR_SUCCESS) {
			host->log(d->handle, CLUSTER_PLUGIN_LOG_ERROR, "MaintenanceMode: %s", why);
			goto out;
		}
		pthread_mutex_lock(&d->mu);
		pd_props_free(&d->p);
		d->p = work;
		pd_props_init(&work);
		pthread_mutex_unlock(&d->mu);
		host->log(d->handle, CLUSTER_PLUGIN_LOG_INFO, "private properties changed");
	}
	*bytes_returned = 0;
out:
	pd_props_free(&work);
	return err;
}

static uint32_t pd_control(cluster_resid id, uint32_t code, const void *in, size_t in_size,
			   void *out, size_t out_size, size_t *bytes_returned)
{
	struct pd_res *d = id;
	struct pd_disk *dk = NULL;
	struct pd_props p;
	char why[WHY_LEN] = "";
	uint32_t err;

	switch (code) {
	case CLUSCTL_RESOURCE_GET_CLASS_INFO:
		return pd_ctl_class_info(out, out_size, bytes_returned);
	case CLUSCTL_RESOURCE_GET_CHARACTERISTICS:
		return pd_ctl_characteristics(out, out_size, bytes_returned);
	case CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES:
	case CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES:
	case CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES:
		return props_control(d, code, in, in_size, out, out_size, bytes_returned);
	case CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO:
	case CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO_EX:
	case CLUSCTL_RESOURCE_STORAGE_IS_PATH_VALID:
		break;
	default:
		return ERROR_INVALID_FUNCTION;
	}
	if (!snapshot(d, &p))
		return ERROR_NOT_ENOUGH_MEMORY;
	/* online: read live through what online keeps open, with the mounts
	 * it made; else (or when the disk changed under us) found in scope */
	pthread_mutex_lock(&d->mu);
	struct pd_mount_list ml = { d->held_mounts, d->n_held_mounts };
	if (d->live && (err = reprobe_held(d, &dk, why, sizeof(why))) != ERROR_DEV_NOT_EXIST)
		err = storage_answer(d, code, err, dk, &p, &ml, in, in_size, out, out_size,
				     bytes_returned, why);
	else
		err = ERROR_DEV_NOT_EXIST;
	pthread_mutex_unlock(&d->mu);
	if (err == ERROR_DEV_NOT_EXIST && !dk) {
		err = find_disk(d, &p, &dk, why, sizeof(why));
		err = storage_answer(d, code, err, dk, &p, NULL, in, in_size, out, out_size,
				     bytes_returned, why);
	}
	pd_disk_free(dk);
	pd_props_free(&p);
	return err;
}

static uint32_t pd_type_control(const char *type_name, uint32_t code, const void *in, size_t in_size,
				void *out, size_t out_size, size_t *bytes_returned)
{
	char why[WHY_LEN] = "";
	uint32_t err;

	(void)type_name;
	(void)in;
	(void)in_size;
	switch (code) {
	case CLUSCTL_RESOURCE_TYPE_GET_CLASS_INFO:
		return pd_ctl_class_info(out, out_size, bytes_returned);
	case CLUSCTL_RESOURCE_TYPE_GET_CHARACTERISTICS:
		return pd_ctl_characteristics(out, out_size, bytes_returned);
	case CLUSCTL_RESOURCE_TYPE_STORAGE_GET_AVAILABLE_DISKS:
		err = pd_ctl_available_disks(held_here, node_id(), out, out_size, bytes_returned, why,
					     sizeof(why));
		if (err != ERROR_SUCCESS && err != ERROR_MORE_DATA)
			host->log(NULL, CLUSTER_PLUGIN_LOG_ERROR, "available disks: %s",
				  why[0] ? why : "failed");
		return err;
	default:
		return ERROR_INVALID_FUNCTION;
	}
}

static const cluster_resource_plugin pd_plugin = {
	.abi_version = CLUSTER_RESAPI_VERSION,
	.size = sizeof(cluster_resource_plugin),
	.type_name = "Physical Disk",
	.open = pd_open,
	.close = pd_close,
	.online = pd_online,
	.offline = pd_offline,
	.terminate = pd_terminate,
	.looks_alive = pd_looks_alive,
	.is_alive = pd_is_alive,
	.arbitrate = pd_arbitrate,
	.release = pd_release,
	.resource_control = pd_control,
	.resource_type_control = pd_type_control,
	.cleanup = pd_cleanup,
};

__attribute__((visibility("default")))
const cluster_resource_plugin *cluster_plugin_startup(const cluster_plugin_host *h,
						      uint32_t min_abi, uint32_t max_abi)
{
	if (!h || min_abi > CLUSTER_RESAPI_VERSION || max_abi < CLUSTER_RESAPI_VERSION ||
	    h->size < offsetof(cluster_plugin_host, log) + sizeof(h->log))
		return NULL;
	host = h;
	return &pd_plugin;
}
