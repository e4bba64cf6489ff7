/*
 * conn.c - the local API socket of clusterd (common/clientproto.h):
 * listening, accepting, the peer's credentials, reading frames, and
 * writing replies.  What a request means is api.c's: each whole frame goes
 * to the handler given to conn_start().
 *
 * Rights: a peer may change things if it is root or in CS_ADMIN_GROUP,
 * checked again at every change (conn_may_change), not only when it
 * connected: a user taken out of the group loses the right at once, on
 * the connections it already has too.
 *
 * Whatever waits to answer a client (a change being replicated, a control
 * on another node) holds its conn_id, never a pointer: a client that went
 * away meanwhile is simply not found, and its answer is dropped.
 *
 * Bounds, whatever a client does (the numbers are in csd.h, CONN_*):
 *   - at most CONN_MAX clients, and at most CONN_MAX_PER_USER of one uid
 *     other than root (so that one user cannot take every slot); the next
 *     ones are told ERROR_CONNECTION_COUNT_LIMIT in answer to their first
 *     request, and closed;
 *   - a client's requests are read only while it has fewer than
 *     CONN_MAX_INFLIGHT unanswered and less than CONN_OUT_HIGH of replies
 *     waiting to be read: one that never reads stops being read;
 *   - replies queue as one block each, sent in order without copying the
 *     rest; a client with more than CONN_OUT_MAX waiting is dropped;
 *   - a request's payload is allocated as its bytes arrive, never from the
 *     length its header claims, and a request begun and not finished within
 *     CONN_FRAME_MS drops its client;
 *   - all clients together hold at most CONN_OUT_TOTAL_MAX of replies;
 *   - out of descriptors, accepting pauses (a reserve descriptor lets the
 *     one waiting be accepted and told why); it never spins.
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
#include "log.h"

/* One reply waiting to be sent. */
struct chunk {
	struct chunk *next;
	size_t len, sent;
	uint8_t data[];
};

struct conn {
	struct conn *next;
	conn_id id;
	int fd;
	uid_t uid;                   /* the peer (SO_PEERCRED, at connect) */
	gid_t gid;
	int has_cred;
	int over_cap;                /* accepted past CONN_MAX (1) or its user's share (2):
	                                refuse its first request */
	uint8_t hdr[CS_PROTO_HEADER_SIZE];
	size_t hdr_got;
	struct cs_frame_header h;
	uint8_t *payload;            /* grows as the payload arrives */
	size_t payload_got, payload_cap;
	struct chunk *out, **out_tail;
	size_t out_bytes;
	uint32_t inflight;           /* requests handed on and not yet answered */
	uint64_t frame_began;        /* when the frame being read began (0: none) */
	uint32_t events;             /* what the loop watches now */
	int closing;
	int reading;                 /* on_conn() runs: it closes, not conn_reply() */
};

static struct conn *conns;
static size_t n_conns, n_over_cap;
static size_t out_total;             /* replies waiting, all clients: at most CONN_OUT_TOTAL_MAX */
static struct loop_timer *frame_timer;
static conn_id next_id = 1;
static int listen_fd = -1;
static int reserve_fd = -1;          /* spent to accept (and refuse) when out of fds */
static struct loop_timer *accept_timer;
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
	if (c->over_cap)
		n_over_cap--;
	else
		n_conns--;
	loop_del_fd(csd->loop, c->fd);
	close(c->fd);
	while (c->out) {
		struct chunk *k = c->out;
		c->out = k->next;
		cs_free(k);
	}
	out_total -= c->out_bytes;
	cs_free(c->payload);
	cs_free(c);
}

/* Watch for what c can do now: read requests unless it has too much
 * waiting (or is closing), write while replies wait. */
static void update_events(struct conn *c)
{
	uint32_t ev = 0;

	if (!c->closing && c->inflight < CONN_MAX_INFLIGHT && c->out_bytes < CONN_OUT_HIGH)
		ev |= EPOLLIN;
	if (c->out)
		ev |= EPOLLOUT;
	if (ev == c->events)
		return;
	if (loop_mod_fd(csd->loop, c->fd, ev) < 0)
		c->closing = 1;
	else
		c->events = ev;
}

static void conn_flush(struct conn *c)
{
	while (c->out) {
		struct chunk *k = c->out;
		ssize_t n = send(c->fd, k->data + k->sent, k->len - k->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				c->closing = 1;
			break;
		}
		k->sent += (size_t)n;
		c->out_bytes -= (size_t)n;
		out_total -= (size_t)n;
		if (k->sent < k->len)
			continue;
		c->out = k->next;
		if (!c->out)
			c->out_tail = &c->out;
		cs_free(k);
	}
	update_events(c);
}

void conn_reply(conn_id id, uint32_t op, uint32_t req, uint32_t status, const void *payload,
		size_t len)
{
	struct conn *c = find(id);
	struct chunk *k;

	if (!c)
		return; /* the client has gone */
	if (c->inflight)
		c->inflight--;
	if (c->out_bytes + CS_PROTO_HEADER_SIZE + len > CONN_OUT_MAX ||
	    out_total + CS_PROTO_HEADER_SIZE + len > CONN_OUT_TOTAL_MAX) {
		log_warn("client %llu reads none of its replies (%zu bytes waiting, %zu for all "
			 "clients): dropped", (unsigned long long)c->id, c->out_bytes, out_total);
		c->closing = 1;
		goto out;
	}
	if (!(k = cs_malloc(sizeof(*k) + CS_PROTO_HEADER_SIZE + len))) {
		c->closing = 1; /* cannot answer: drop the client rather than lie */
		goto out;
	}
	k->next = NULL;
	k->len = CS_PROTO_HEADER_SIZE + len;
	k->sent = 0;
	cs_frame_header_encode(k->data, (uint16_t)op, req, status, (uint32_t)len);
	if (len)
		memcpy(k->data + CS_PROTO_HEADER_SIZE, payload, len);
	*c->out_tail = k;
	c->out_tail = &k->next;
	c->out_bytes += k->len;
	out_total += k->len;
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

/* Read more of the payload into a buffer that grows with what arrived
 * (doubling from 4 KiB), never to more than the header says. */
static int recv_payload(struct conn *c)
{
	if (c->payload_got == c->payload_cap) {
		size_t cap = c->payload_cap ? 2 * c->payload_cap : 4096;
		uint8_t *p;
		if (cap > c->h.length)
			cap = c->h.length;
		if (!(p = cs_realloc(c->payload, cap))) {
			c->closing = 1;
			return 0;
		}
		c->payload = p;
		c->payload_cap = cap;
	}
	return recv_part(c, c->payload, c->payload_cap, &c->payload_got) == 0 ? 0 : -1;
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
	if (c->over_cap) {
		conn_reply_error(c->id, c->h.op, c->h.id, ERROR_CONNECTION_COUNT_LIMIT,
				 c->over_cap == 2
					 ? "this user has as many connections to clusterd as one user may "
					   "have: close one first"
					 : "clusterd serves no more clients now: try again later");
		return -1;
	}
	c->payload_got = 0;
	return 0;
}

static void on_conn(void *data, uint32_t events)
{
	struct conn *c = data;

	c->reading = 1;
	if ((events & (EPOLLHUP | EPOLLERR)) && !(c->events & EPOLLIN))
		c->closing = 1; /* gone while we were not reading it: nothing to answer */
	if ((events & EPOLLOUT) && !c->closing)
		conn_flush(c);
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		for (int rounds = 0; rounds < 64 && !c->closing && (c->events & EPOLLIN); rounds++) {
			int r;
			if (c->hdr_got < CS_PROTO_HEADER_SIZE) {
				if (!c->hdr_got)
					c->frame_began = loop_now_ms();
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
				if (recv_payload(c) == 0)
					break;
				if (c->payload_got < c->h.length)
					continue;
			}
			c->inflight++;
			on_request(c->id, c->h.op, c->h.id, c->payload, c->h.length);
			cs_freep(&c->payload);
			c->payload_cap = c->payload_got = 0;
			c->hdr_got = 0;
			c->frame_began = 0;
			update_events(c);
		}
	}
	c->reading = 0;
	if (c->closing)
		conn_close(c);
}

/* Whether uid (primary group gid) is root or in CS_ADMIN_GROUP now. */
static int may_change(uid_t uid, gid_t gid)
{
	struct group *gr;
	struct passwd *pw;
	gid_t groups[256];
	int n = 256;

	if (uid == 0)
		return 1;
	gr = getgrnam(CS_ADMIN_GROUP);
	pw = getpwuid(uid);
	if (!gr || !pw)
		return 0;
	if (gid == gr->gr_gid || pw->pw_gid == gr->gr_gid)
		return 1;
	if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return 0; /* more groups than we look at: no */
	for (int i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return 1;
	return 0;
}

int conn_may_change(conn_id id)
{
	const struct conn *c = find(id);

	return c && c->has_cred && may_change(c->uid, c->gid);
}

/* A client that began a frame and has not finished it in CONN_FRAME_MS is
 * dropped: it would hold its place (and its partial payload) for ever. */
static void on_frame_timer(void *data)
{
	uint64_t now = loop_now_ms();

	(void)data;
	for (struct conn *c = conns, *next; c; c = next) {
		next = c->next;
		if (c->hdr_got && c->frame_began && now - c->frame_began > CONN_FRAME_MS) {
			log_warn("client %llu sent part of a request %llu ms ago and no more: dropped",
				 (unsigned long long)c->id,
				 (unsigned long long)(now - c->frame_began));
			conn_close(c);
		}
	}
}

static void on_accept(void *data, uint32_t events);

static void resume_accepting(void *data)
{
	(void)data;
	accept_timer = NULL;
	if (listen_fd >= 0 && loop_mod_fd(csd->loop, listen_fd, EPOLLIN) < 0)
		log_err("cannot watch the API socket again");
}

/* Out of descriptors: with the reserve descriptor, accept every client
 * waiting and close it at once (it sees the connection closed, not a hang),
 * then stop watching the socket for a moment. */
static void out_of_fds(void)
{
	for (int i = 0; i < 1024 && reserve_fd >= 0; i++) {
		close(reserve_fd);
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			close(fd);
		reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break; /* none waiting any more */
	}
	log_warn("out of file descriptors: not accepting clients for 100 ms");
	if (!accept_timer && loop_mod_fd(csd->loop, listen_fd, 0) == 0)
		accept_timer = loop_timer_add(csd->loop, 100, resume_accepting, NULL);
	if (!accept_timer)
		loop_mod_fd(csd->loop, listen_fd, EPOLLIN); /* never stop for good */
}

/* The connections uid holds (those being refused left out). */
static size_t user_conns(uid_t uid)
{
	size_t n = 0;

	for (const struct conn *c = conns; c; c = c->next)
		n += c->has_cred && c->uid == uid && !c->over_cap;
	return n;
}

static void on_accept(void *data, uint32_t events)
{
	(void)data;
	(void)events;
	for (int rounds = 0; rounds < 64; rounds++) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				out_of_fds();
			return;
		}
		if (n_over_cap >= CONN_MAX_OVER_CAP && n_conns >= CONN_MAX) {
			close(fd); /* refusing costs too: past this, just close */
			continue;
		}
		struct conn *c = cs_calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->id = next_id++;
		c->out_tail = &c->out;
		c->over_cap = n_conns >= CONN_MAX;
		struct ucred cred;
		socklen_t clen = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0) {
			c->uid = cred.uid;
			c->gid = cred.gid;
			c->has_cred = 1;
		}
		if (!c->over_cap && c->has_cred && c->uid != 0 &&
		    user_conns(c->uid) >= CONN_MAX_PER_USER)
			c->over_cap = 2;
		if (loop_add_fd(csd->loop, fd, EPOLLIN, on_conn, c) < 0) {
			close(fd);
			cs_free(c);
			continue;
		}
		c->events = EPOLLIN;
		if (c->over_cap) {
			n_over_cap++;
			if (c->over_cap == 2)
				log_warn("uid %u has %u connections: refusing another one",
					 (unsigned)c->uid, CONN_MAX_PER_USER);
			else
				log_warn("%zu clients connected: refusing another one", n_conns);
		} else {
			n_conns++;
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
	reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0 || reserve_fd < 0) {
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
	if (!(frame_timer = loop_timer_every(csd->loop, 1000, on_frame_timer, NULL)))
		return ERROR_NOT_ENOUGH_MEMORY;
	log_info("listening on %s", path);
	return ERROR_SUCCESS;
}

void conn_stop(void)
{
	while (conns)
		conn_close(conns);
	if (accept_timer)
		loop_timer_cancel(csd->loop, accept_timer);
	accept_timer = NULL;
	if (frame_timer)
		loop_timer_cancel(csd->loop, frame_timer);
	frame_timer = NULL;
	if (listen_fd >= 0) {
		loop_del_fd(csd->loop, listen_fd);
		close(listen_fd);
		unlink(csd->cfg.socket_path);
		listen_fd = -1;
	}
	if (reserve_fd >= 0)
		close(reserve_fd);
	reserve_fd = -1;
}
