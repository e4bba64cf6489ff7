/*
 * conn.c - the local API socket of clusterd (common/clientproto.h):
 * listening, accepting, the peer's credentials, reading frames, and
 * writing replies.  What a request means is api.c's: each whole frame goes
 * to the handler given to conn_start().
 *
 * Whatever waits to answer a client (a change being replicated, a control
 * on another node) holds its conn_id, never a pointer: a client that went
 * away meanwhile is simply not found, and its answer is dropped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <errno.h>
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
#include "log.h"

struct conn {
	struct conn *next;
	conn_id id;
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
	int reading;                 /* on_conn() runs: it closes, not conn_reply() */
};

static struct conn *conns;
static conn_id next_id = 1;
static int listen_fd = -1;
static conn_request_fn on_request;

static struct conn *find(conn_id id)
{
	for (struct conn *c = conns; id && c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void conn_close(struct conn *c)
{
	for (struct conn **pp = &conns; *pp; pp = &(*pp)->next) {
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

static void conn_flush(struct conn *c)
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

void conn_reply(conn_id id, uint32_t op, uint32_t req, uint32_t status, const void *payload,
		size_t len)
{
	struct conn *c = find(id);
	size_t need;

	if (!c)
		return; /* the client has gone */
	need = c->out_len + CS_PROTO_HEADER_SIZE + len;
	if (need > c->out_cap) {
		uint8_t *n = cs_realloc(c->out, need);
		if (!n) {
			c->closing = 1; /* cannot answer: drop the client rather than lie */
			goto out;
		}
		c->out = n;
		c->out_cap = need;
	}
	cs_frame_header_encode(c->out + c->out_len, (uint16_t)op, req, status, (uint32_t)len);
	if (len)
		memcpy(c->out + c->out_len + CS_PROTO_HEADER_SIZE, payload, len);
	c->out_len = need;
	conn_flush(c);
out:
	if (c->closing && !c->reading)
		conn_close(c);
}

void conn_reply_error(conn_id id, uint32_t op, uint32_t req, uint32_t status, const char *why)
{
	clusprop_builder b;

	if (!why) {
		conn_reply(id, op, req, status, NULL, 0);
		return;
	}
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	clusprop_add_sz(&b, "Error", why);
	if (clusprop_builder_status(&b) == ERROR_SUCCESS)
		conn_reply(id, op, req, status, clusprop_builder_data(&b), clusprop_builder_size(&b));
	else
		conn_reply(id, op, req, status, NULL, 0);
	clusprop_builder_free(&b);
}

/*
 * Read into buf until *got reaches want.  1: complete; 0: nothing more to
 * read now (or the connection is closing: c->closing); -1: partly read, try
 * again at once.
 */
static int recv_part(struct conn *c, uint8_t *buf, size_t want, size_t *got)
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

/* A whole header arrived: check it.  0 to read the payload, -1 to close. */
static int take_header(struct conn *c)
{
	int hr = cs_frame_header_decode(c->hdr, &c->h);

	if (hr == -2) {
		char why[128];
		snprintf(why, sizeof(why), "this clusterd speaks client protocol %u; the request "
			 "was protocol %u", CS_PROTO_VERSION, c->h.version);
		log_warn("client: %s: refused", why);
		conn_reply_error(c->id, c->h.op, c->h.id, ERROR_REVISION_MISMATCH, why);
		return -1;
	}
	if (hr < 0) {
		log_warn("client sent a bad frame header: dropped");
		return -1;
	}
	c->payload_got = 0;
	if (c->h.length && !(c->payload = cs_malloc(c->h.length)))
		return -1;
	return 0;
}

static void on_conn(void *data, uint32_t events)
{
	struct conn *c = data;

	c->reading = 1;
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
				if (take_header(c) < 0) {
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
			on_request(c->id, c->admin, c->h.op, c->h.id, c->payload, c->h.length);
			cs_freep(&c->payload);
			c->hdr_got = 0;
		}
	}
	c->reading = 0;
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
	gr = getgrnam(CS_ADMIN_GROUP);
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
		struct conn *c = cs_calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->id = next_id++;
		c->admin = peer_is_admin(fd);
		if (loop_add_fd(csd->loop, fd, EPOLLIN, on_conn, c) < 0) {
			close(fd);
			cs_free(c);
			continue;
		}
		c->next = conns;
		conns = c;
	}
}

uint32_t conn_start(conn_request_fn fn)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = csd->cfg.socket_path;
	struct group *gr;
	mode_t old;

	on_request = fn;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("socket path too long: %s", path);
		return ERROR_INVALID_PARAMETER;
	}
	strcpy(sa.sun_path, path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0) {
		log_err("cannot make the API socket: %s", strerror(errno));
		return ERROR_GEN_FAILURE;
	}
	unlink(path);
	old = umask(0117);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(listen_fd, 64) < 0) {
		umask(old);
		log_err("cannot listen on %s: %s", path, strerror(errno));
		return ERROR_GEN_FAILURE;
	}
	umask(old);
	if ((gr = getgrnam(CS_ADMIN_GROUP)) && chown(path, 0, gr->gr_gid) < 0)
		log_warn("cannot give %s to group %s: %s", path, CS_ADMIN_GROUP, strerror(errno));
	if (loop_add_fd(csd->loop, listen_fd, EPOLLIN, on_accept, NULL) < 0) {
		log_err("cannot watch the API socket");
		return ERROR_GEN_FAILURE;
	}
	log_info("listening on %s", path);
	return ERROR_SUCCESS;
}

void conn_stop(void)
{
	while (conns)
		conn_close(conns);
	if (listen_fd >= 0) {
		loop_del_fd(csd->loop, listen_fd);
		close(listen_fd);
		unlink(csd->cfg.socket_path);
		listen_fd = -1;
	}
}
