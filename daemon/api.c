/*
 * api.c - the local API socket of clusterd (common/clientproto.h).
 *
 * Queries are answered from memory at once; changes are multicast as model
 * ops and answered when this node has applied and persisted them (and, with
 * WaitMs, when the object reached the state asked for); controls go to the
 * node that answers them and come back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clientproto.h"
#include "cs_alloc.h"
#include "hostproto.h"
#include "log.h"

#define ADMIN_GROUP "haclient"

struct api_conn {
	struct api_conn *next;
	int fd;
	int admin;                   /* may change things */
	uint8_t hdr[CS_PROTO_HEADER_SIZE];
	size_t hdr_got;
	struct cs_frame_header h;
	uint8_t *payload;
	size_t payload_got;
	uint8_t *out;
	size_t out_len, out_cap;
	int closing;
};

/* A client request waiting for its change to be applied, or for a state. */
struct pending {
	struct pending *next;
	struct api_conn *conn;       /* NULL once the client has gone */
	uint32_t req_id, op;
	uint32_t client_id;          /* the client's request id */
	uint32_t kind;               /* PEND_* */
	char *object;                /* group or resource name */
	uint32_t want_state;
	uint64_t deadline;           /* 0: none */
};

enum { PEND_APPLY = 1, PEND_GROUP_STATE, PEND_RES_STATE };

static int listen_fd = -1;
static struct loop_timer *tick;

static void conn_close(struct api_conn *c)
{
	for (struct pending *p = csd->pending; p; p = p->next)
		if (p->conn == c)
			p->conn = NULL;
	control_conn_closed(c);
	for (struct api_conn **pp = &csd->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	loop_del_fd(csd->loop, c->fd);
	close(c->fd);
	cs_free(c->payload);
	cs_free(c->out);
	cs_free(c);
}

static void conn_flush(struct api_conn *c)
{
	while (c->out_len) {
		ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (loop_mod_fd(csd->loop, c->fd, EPOLLIN | EPOLLOUT) < 0)
					c->closing = 1; /* could never send the rest */
				return;
			}
			c->closing = 1;
			return;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	if (loop_mod_fd(csd->loop, c->fd, EPOLLIN) < 0)
		c->closing = 1;
}

void api_reply(struct api_conn *c, uint32_t op, uint32_t id, uint32_t status,
	       const void *payload, size_t len)
{
	size_t need;

	if (!c)
		return;
	need = c->out_len + CS_PROTO_HEADER_SIZE + len;
	if (need > c->out_cap) {
		uint8_t *n = cs_realloc(c->out, need);
		if (!n) {
			c->closing = 1; /* cannot answer: drop the client rather than lie */
			return;
		}
		c->out = n;
		c->out_cap = need;
	}
	cs_frame_header_encode(c->out + c->out_len, (uint16_t)op, id, status, (uint32_t)len);
	if (len)
		memcpy(c->out + c->out_len + CS_PROTO_HEADER_SIZE, payload, len);
	c->out_len = need;
	conn_flush(c);
}

void api_reply_error(struct api_conn *c, uint32_t op, uint32_t id, uint32_t status,
		     const char *why)
{
	clusprop_builder b;

	if (!why) {
		api_reply(c, op, id, status, NULL, 0);
		return;
	}
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Error", why);
	if (clusprop_builder_status(&b) == ERROR_SUCCESS)
		api_reply(c, op, id, status, clusprop_builder_data(&b), clusprop_builder_size(&b));
	else
		api_reply(c, op, id, status, NULL, 0);
	clusprop_builder_free(&b);
}

static struct pending *pending_add(struct api_conn *c, uint32_t op, uint32_t req_id, uint32_t kind,
			    const char *object, uint64_t wait_ms)
{
	struct pending *p = cs_calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	if (object && !(p->object = cs_strdup(object))) {
		cs_free(p);
		return NULL;
	}
	p->conn = c;
	p->op = op;
	p->req_id = req_id;
	p->client_id = req_id;
	p->kind = kind;
	p->deadline = wait_ms ? loop_now_ms() + wait_ms : 0;
	p->next = csd->pending;
	csd->pending = p;
	return p;
}

static void pending_done(struct pending *p)
{
	for (struct pending **pp = &csd->pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	cs_free(p->object);
	cs_free(p);
}

/* ---- waiting for states ---- */

static int group_settled(const struct cs_group *g, uint32_t want, uint32_t *rc)
{
	*rc = ERROR_SUCCESS;
	if (g->moving_to)
		return 0;
	if (want == ClusterGroupOnline) {
		if (g->state == ClusterGroupOnline)
			return 1;
		if (g->state == ClusterGroupFailed) {
			*rc = ERROR_RESOURCE_FAILED;
			return 1;
		}
		return 0;
	}
	return g->state == ClusterGroupOffline || g->state == ClusterGroupFailed;
}

void api_check_waiters(void)
{
	uint64_t now = loop_now_ms();

	for (struct pending *p = csd->pending, *next; p; p = next) {
		uint32_t rc = ERROR_SUCCESS;
		int done = 0;
		next = p->next;
		if (p->kind == PEND_GROUP_STATE) {
			const struct cs_group *g = model_group(&csd->model, p->object);
			if (!g) {
				rc = ERROR_GROUP_NOT_FOUND;
				done = 1;
			} else {
				done = group_settled(g, p->want_state, &rc);
			}
		} else if (p->kind == PEND_RES_STATE) {
			const struct cs_resource *r = model_resource(&csd->model, p->object);
			if (!r) {
				rc = ERROR_RESOURCE_NOT_FOUND;
				done = 1;
			} else if (r->state == p->want_state) {
				done = 1;
			} else if (r->state == ClusterResourceFailed) {
				rc = ERROR_RESOURCE_FAILED;
				done = 1;
			} else if (p->want_state == ClusterResourceOffline &&
				   r->state == ClusterResourceFailed) {
				done = 1;
			}
		} else if (p->deadline && now >= p->deadline) {
			/* an op that never came back */
			api_reply_error(p->conn, p->op, p->client_id, ERROR_TIMEOUT,
					"no answer from the cluster in time");
			pending_done(p);
			continue;
		}
		if (!done && p->kind != PEND_APPLY &&
		    p->deadline && now >= p->deadline) {
			rc = ERROR_TIMEOUT;
			done = 1;
		}
		if (done && (p->kind == PEND_GROUP_STATE || p->kind == PEND_RES_STATE)) {
			api_reply_error(p->conn, p->op, p->client_id, rc,
					rc == ERROR_TIMEOUT ? "timed out waiting for the state" :
					rc == ERROR_RESOURCE_FAILED ? "a resource failed" : NULL);
			pending_done(p);
		}
	}
}

static void on_tick(void *data)
{
	(void)data;
	api_check_waiters();
}

void api_op_applied(uint32_t req_id, uint32_t status, const char *why)
{
	for (struct pending *p = csd->pending; p; p = p->next) {
		if (p->kind != PEND_APPLY || p->req_id != req_id)
			continue;
		if (status == ERROR_SUCCESS && p->want_state != UINT32_MAX && p->object) {
			/* now wait for the state */
			p->kind = (p->op == CS_OP_RESOURCE_ONLINE || p->op == CS_OP_RESOURCE_OFFLINE)
					  ? PEND_RES_STATE : PEND_GROUP_STATE;
			api_check_waiters();
			return;
		}
		api_reply_error(p->conn, p->op, p->client_id, status, status ? why : NULL);
		pending_done(p);
		return;
	}
}

/* ---- requests ---- */

static uint32_t next_req_id(void)
{
	if (++csd->next_req == 0)
		csd->next_req = 1;
	return csd->next_req;
}

void api_submit(struct api_conn *c, uint32_t api_op, uint32_t client_id, uint32_t op,
		   const struct cs_args *a, const char *object, uint32_t wait_ms, uint32_t wait_state)
{
	uint32_t id = next_req_id(), rc;
	struct pending *p = pending_add(c, api_op, client_id, PEND_APPLY, object,
					wait_ms ? wait_ms : 30000);

	if (!p) {
		api_reply(c, api_op, client_id, ERROR_NOT_ENOUGH_MEMORY, NULL, 0);
		return;
	}
	p->want_state = wait_ms ? wait_state : UINT32_MAX;
	if (!wait_ms)
		p->deadline = loop_now_ms() + 30000;
	/* the pending entry is matched on our multicast id, replied with the client's */
	rc = repl_send_op(op, a, id);
	if (rc != ERROR_SUCCESS) {
		api_reply_error(c, api_op, client_id, rc, "cannot send the change to the cluster");
		pending_done(p);
		return;
	}
	p->req_id = id;
	p->client_id = client_id;
}

/* Whether a plugin for the type is installed, by the host's own rule
 * (hostproto_type_file_name: "Physical Disk" -> physical-disk.so). */
static int plugin_exists(const char *type)
{
	char path[4096], file[HOSTPROTO_MAX_TYPE_NAME + 4];
	int n;

	if (!hostproto_type_file_name(type, strlen(type), file, sizeof(file)))
		return 0;
	n = snprintf(path, sizeof(path), "%s/%s", csd->cfg.plugin_dir, file);
	return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

static int is_change(uint32_t op)
{
	return op != CS_OP_STATUS && op != CS_OP_LOOKUP && op != CS_OP_RESOURCE_CONTROL && op != CS_OP_TYPE_CONTROL &&
	       op != CS_OP_GROUP_CONTROL && op != CS_OP_NODE_CONTROL && op != CS_OP_CLUSTER_CONTROL;
}

/* Requests that are a model op as they stand: arguments passed through. */
static const struct {
	uint32_t op, mop;
} plain_changes[] = {
	{ CS_OP_GROUP_CREATE, MOP_GROUP_CREATE },
	{ CS_OP_GROUP_DELETE, MOP_GROUP_DELETE },
	{ CS_OP_GROUP_RENAME, MOP_GROUP_RENAME },
	{ CS_OP_GROUP_SET_OWNERS, MOP_GROUP_SET_OWNERS },
	{ CS_OP_RESOURCE_DELETE, MOP_RES_DELETE },
	{ CS_OP_RESOURCE_RENAME, MOP_RES_RENAME },
	{ CS_OP_RESOURCE_ADD_DEP, MOP_RES_ADD_DEP },
	{ CS_OP_RESOURCE_DEL_DEP, MOP_RES_DEL_DEP },
	{ CS_OP_RESOURCE_ADD_OWNER, MOP_RES_ADD_OWNER },
	{ CS_OP_RESOURCE_DEL_OWNER, MOP_RES_DEL_OWNER },
};

static void handle(struct api_conn *c)
{
	struct cs_args a;
	uint32_t op = c->h.op, id = c->h.id, rc;
	const struct cs_group *g;
	const struct cs_resource *r;

	rc = cs_args_parse(c->payload, c->h.length, &a);
	if (rc != ERROR_SUCCESS) {
		api_reply_error(c, op, id, rc, "malformed request payload");
		return;
	}
	if (is_change(op) && !c->admin) {
		api_reply_error(c, op, id, ERROR_ACCESS_DENIED, "changes need root or group " ADMIN_GROUP);
		goto out;
	}
	/* (while a view is being synced, a change is held and sent after) */
	if (is_change(op) && !csd->quorate) {
		api_reply_error(c, op, id, ERROR_NOT_READY, "the cluster has no quorum");
		goto out;
	}
	if (op != CS_OP_STATUS && op != CS_OP_CLUSTER_CONTROL && !a.name) {
		api_reply_error(c, op, id, ERROR_INVALID_PARAMETER, "Name is required");
		goto out;
	}
	for (size_t i = 0; i < sizeof(plain_changes) / sizeof(*plain_changes); i++) {
		if (plain_changes[i].op == op) {
			api_submit(c, op, id, plain_changes[i].mop, &a, NULL, 0, 0);
			goto out;
		}
	}
	switch (op) {
	case CS_OP_STATUS: {
		clusprop_builder b;
		clusprop_builder_init_owned(&b);
		rc = model_encode_status(&csd->model, &b, csd->quorate, csd->local_id);
		if (rc == ERROR_SUCCESS)
			api_reply(c, op, id, rc, clusprop_builder_data(&b), clusprop_builder_size(&b));
		else
			api_reply(c, op, id, rc, NULL, 0);
		clusprop_builder_free(&b);
		break;
	}
	case CS_OP_GROUP_ONLINE:
	case CS_OP_GROUP_MOVE: {
		uint32_t target = 0;
		if (!(g = model_group(&csd->model, a.name))) {
			api_reply_error(c, op, id, ERROR_GROUP_NOT_FOUND, "no such group");
			break;
		}
		if (a.node) {
			const struct cs_node *n = model_node(&csd->model, a.node);
			if (!n) {
				api_reply_error(c, op, id, ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
				break;
			}
			if (!repl_is_member(n->id) || n->state != ClusterNodeUp ||
			    !model_node_can_own(&csd->model, g, n->name)) {
				api_reply_error(c, op, id, ERROR_HOST_NODE_NOT_AVAILABLE,
						"that node is not up or cannot own this group");
				break;
			}
			target = n->id;
		} else if (op == CS_OP_GROUP_MOVE) {
			target = model_choose_node(&csd->model, g, csd->members, csd->n_members,
						   g->owner);
			if (!target) {
				api_reply_error(c, op, id, ERROR_HOST_NODE_NOT_AVAILABLE,
						"no other node can own this group");
				break;
			}
		}
		if (target && target != g->owner) {
			struct cs_args m = { .name = a.name, .node_id = target, .has_node_id = 1 };
			int live = g->owner && repl_is_member(g->owner) &&
				   g->state != ClusterGroupOffline;
			rc = repl_send_op(live ? MOP_GROUP_MOVING : MOP_GROUP_OWNER, &m, 0);
			if (rc != ERROR_SUCCESS) {
				api_reply_error(c, op, id, rc, "cannot send the move");
				break;
			}
		}
		if (op == CS_OP_GROUP_ONLINE) {
			a.state = 1;
			a.has_state = 1;
			api_submit(c, op, id, MOP_GROUP_PERSIST, &a, a.name, a.wait_ms, ClusterGroupOnline);
		} else {
			struct cs_args n = { .name = a.name, .state = g->persistent, .has_state = 1 };
			api_submit(c, op, id, MOP_GROUP_PERSIST, &n, a.name, a.wait_ms,
			       g->persistent ? ClusterGroupOnline : ClusterGroupOffline);
		}
		break;
	}
	case CS_OP_GROUP_OFFLINE:
		a.state = 0;
		a.has_state = 1;
		api_submit(c, op, id, MOP_GROUP_PERSIST, &a, a.name, a.wait_ms, ClusterGroupOffline);
		break;
	case CS_OP_RESOURCE_CREATE:
		if (a.type && !plugin_exists(a.type)) {
			api_reply_error(c, op, id, ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
					"no plugin for that resource type");
			break;
		}
		api_submit(c, op, id, MOP_RES_CREATE, &a, NULL, 0, 0);
		break;
	case CS_OP_RESOURCE_ONLINE:
	case CS_OP_RESOURCE_OFFLINE:
		a.state = op == CS_OP_RESOURCE_ONLINE;
		a.has_state = 1;
		api_submit(c, op, id, MOP_RES_PERSIST, &a, a.name, a.wait_ms,
		       a.state ? ClusterResourceOnline : ClusterResourceOffline);
		break;
	case CS_OP_RESOURCE_FAIL:
		if (!(r = model_resource(&csd->model, a.name))) {
			api_reply_error(c, op, id, ERROR_RESOURCE_NOT_FOUND, "no such resource");
			break;
		}
		if (r->state != ClusterResourceOnline) {
			api_reply_error(c, op, id, ERROR_RESOURCE_NOT_ONLINE, "the resource is not online");
			break;
		}
		a.state = ClusterResourceFailed;
		a.has_state = 1;
		api_submit(c, op, id, MOP_RES_STATE, &a, NULL, 0, 0);
		break;
	case CS_OP_NODE_PAUSE:
	case CS_OP_NODE_RESUME:
		if (!model_node(&csd->model, a.name)) {
			api_reply_error(c, op, id, ERROR_CLUSTER_NODE_NOT_FOUND, "no such node");
			break;
		}
		a.state = op == CS_OP_NODE_PAUSE;
		a.has_state = 1;
		api_submit(c, op, id, MOP_NODE_PAUSE, &a, NULL, 0, 0);
		break;
	case CS_OP_LOOKUP: {
		int found = 0;
		switch (a.state) {
		case CS_KIND_NODE: found = model_node(&csd->model, a.name) != NULL; rc = ERROR_CLUSTER_NODE_NOT_FOUND; break;
		case CS_KIND_GROUP: found = model_group(&csd->model, a.name) != NULL; rc = ERROR_GROUP_NOT_FOUND; break;
		case CS_KIND_RESOURCE: found = model_resource(&csd->model, a.name) != NULL; rc = ERROR_RESOURCE_NOT_FOUND; break;
		default: rc = ERROR_INVALID_PARAMETER;
		}
		api_reply(c, op, id, found ? ERROR_SUCCESS : rc, NULL, 0);
		break;
	}
	case CS_OP_RESOURCE_CONTROL:
	case CS_OP_TYPE_CONTROL:
	case CS_OP_GROUP_CONTROL:
	case CS_OP_NODE_CONTROL:
	case CS_OP_CLUSTER_CONTROL:
		control_request(c, op, id, c->admin, &a);
		break;
	default:
		api_reply_error(c, op, id, ERROR_INVALID_FUNCTION, "unknown request");
	}
out:
	cs_args_free(&a);
}

/*
 * Read into buf until *got reaches want.  1: complete; 0: nothing more to
 * read now (or the connection is closing: c->closing); -1: partly read, try
 * again at once.
 */
static int recv_part(struct api_conn *c, uint8_t *buf, size_t want, size_t *got)
{
	ssize_t n = recv(c->fd, buf + *got, want - *got, MSG_DONTWAIT);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		c->closing = 1;
		return 0;
	}
	if (n < 0)
		return 0;
	*got += (size_t)n;
	return *got < want ? -1 : 1;
}

static void on_conn(void *data, uint32_t events)
{
	struct api_conn *c = data;

	if (events & EPOLLOUT)
		conn_flush(c);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		for (int rounds = 0; rounds < 64 && !c->closing; rounds++) {
			int r;
			if (c->hdr_got < CS_PROTO_HEADER_SIZE) {
				r = recv_part(c, c->hdr, CS_PROTO_HEADER_SIZE, &c->hdr_got);
				if (r < 0)
					continue; /* more to read (or closing) */
				if (r == 0)
					break;
				int hr = cs_frame_header_decode(c->hdr, &c->h);
				if (hr == -2) {
					char why[128];
					snprintf(why, sizeof(why), "this clusterd speaks client protocol "
						 "%u; the request was protocol %u", CS_PROTO_VERSION,
						 c->h.version);
					log_warn("client: %s: refused", why);
					api_reply_error(c, c->h.op, c->h.id, ERROR_REVISION_MISMATCH, why);
					c->closing = 1;
					break;
				}
				if (hr < 0) {
					log_warn("client sent a bad frame header: dropped");
					c->closing = 1;
					break;
				}
				c->payload_got = 0;
				if (c->h.length && !(c->payload = cs_malloc(c->h.length))) {
					c->closing = 1;
					break;
				}
			}
			if (c->payload_got < c->h.length) {
				r = recv_part(c, c->payload, c->h.length, &c->payload_got);
				if (r < 0)
					continue;
				if (r == 0)
					break;
			}
			handle(c);
			cs_freep(&c->payload);
			c->hdr_got = 0;
		}
	}
	if (c->closing)
		conn_close(c);
}

static int peer_is_admin(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct group *gr;
	struct passwd *pw;
	gid_t groups[64];
	int n = 64;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	if (cred.uid == 0)
		return 1;
	gr = getgrnam(ADMIN_GROUP);
	pw = getpwuid(cred.uid);
	if (!gr || !pw)
		return 0;
	if (cred.gid == gr->gr_gid)
		return 1;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return 1;
	return 0;
}

static void on_accept(void *data, uint32_t events)
{
	(void)data;
	(void)events;
	for (;;) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct api_conn *c = cs_calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->admin = peer_is_admin(fd);
		if (loop_add_fd(csd->loop, fd, EPOLLIN, on_conn, c) < 0) {
			close(fd);
			cs_free(c);
			continue;
		}
		c->next = csd->conns;
		csd->conns = c;
	}
}

uint32_t api_start(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = csd->cfg.socket_path;
	struct group *gr;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("socket path too long: %s", path);
		return ERROR_GEN_FAILURE;
	}
	strcpy(sa.sun_path, path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0)
		return ERROR_GEN_FAILURE;
	unlink(path);
	mode_t old = umask(0117);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(listen_fd, 64) < 0) {
		umask(old);
		log_err("cannot listen on %s: %s", path, strerror(errno));
		return ERROR_GEN_FAILURE;
	}
	umask(old);
	if ((gr = getgrnam(ADMIN_GROUP)) && chown(path, 0, gr->gr_gid) < 0)
		log_warn("cannot give %s to group %s: %s", path, ADMIN_GROUP, strerror(errno));
	if (loop_add_fd(csd->loop, listen_fd, EPOLLIN, on_accept, NULL) < 0)
		return ERROR_GEN_FAILURE;
	if (!(tick = loop_timer_every(csd->loop, 100, on_tick, NULL)))
		return ERROR_NOT_ENOUGH_MEMORY;
	log_info("listening on %s", path);
	return ERROR_SUCCESS;
}

void api_stop(void)
{
	while (csd->conns)
		conn_close(csd->conns);
	while (csd->pending)
		pending_done(csd->pending);
	if (tick)
		loop_timer_cancel(csd->loop, tick);
	tick = NULL;
	if (listen_fd >= 0) {
		loop_del_fd(csd->loop, listen_fd);
		close(listen_fd);
		unlink(csd->cfg.socket_path);
		listen_fd = -1;
	}
}
