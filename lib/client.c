/*
 * client.c - the connection between libclusapi and clusterd
 * (common/clientproto.h): open, close, and one request at a time.
 *
 * A handle owns one AF_UNIX stream socket.  A request is written as one
 * frame (header + property list) and answered by one frame with the same id
 * and op.  Before each request the socket is checked for a hang-up that
 * came while it was idle (clusterd restarted), and re-opened if so: nothing
 * was sent yet, so this is safe for every request.  If the connection fails
 * after the request went out, the reply is lost; a request that only reads
 * is sent once more on a new connection, anything else reports
 * ERROR_BROKEN_PIPE because it may have taken effect.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cs_alloc.h"

_Static_assert(sizeof(CS_DEFAULT_SOCKET) == sizeof(CLUSTER_DEFAULT_SOCKET),
	       "clusapi.h and clientproto.h agree on the default socket");

/* Outcomes of one exchange on the socket, before they become error codes. */
enum xfer {
	XFER_OK = 0,
	XFER_SEND_FAILED,    /* nothing complete reached the daemon: safe to resend */
	XFER_LOST,           /* sent, then the connection failed: the reply is lost */
	XFER_TIMEOUT,
	XFER_PROTOCOL,       /* a reply out of step: garbage, wrong id */
	XFER_VERSION,        /* clusterd speaks another protocol version */
	XFER_NOMEM,
};

/* clusterd's explanation of the last failed request of this thread. */
static _Thread_local char last_detail[256];

const char *cluster_last_error_detail(void)
{
	return last_detail[0] ? last_detail : NULL;
}

/* Keep the reply's "Error" text (SZ), cut at a UTF-8 character boundary. */
static void note_detail(const struct cs_reply *r)
{
	clusprop_iter it;
	clusprop_value v;

	if (r->status == ERROR_SUCCESS || r->length == 0)
		return;
	if (clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, r->payload, r->length, NULL) !=
	    ERROR_SUCCESS)
		return;
	while (clusprop_iter_next(&it, &v) == ERROR_SUCCESS) {
		if (strcmp(v.name, "Error") == 0 && v.format == CLUSPROP_FORMAT_SZ && v.str) {
			size_t n = v.str_len;

			if (n >= sizeof(last_detail)) {
				n = sizeof(last_detail) - 1;
				while (n > 0 && ((unsigned char)v.str[n] & 0xC0) == 0x80)
					n--;
			}
			memcpy(last_detail, v.str, n);
			last_detail[n] = '\0';
			break;
		}
	}
	clusprop_iter_done(&it);
}

void *cluster_alloc(size_t size)
{
	return cs_malloc(size);
}

void *cluster_realloc(void *p, size_t size)
{
	return cs_realloc(p, size);
}

void cluster_free(void *p)
{
	cs_free(p);
}

void cs_reply_free(struct cs_reply *r)
{
	if (!r)
		return;
	cs_freep(&r->payload);
	r->length = 0;
}

static uint32_t errno_to_error(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ERROR_FILE_NOT_FOUND;
	case EACCES:
	case EPERM:
		return ERROR_ACCESS_DENIED;
	case ENOMEM:
	case ENOBUFS:
		return ERROR_NOT_ENOUGH_MEMORY;
	case ENAMETOOLONG:
		return ERROR_INVALID_PARAMETER;
	case ETIMEDOUT:
		return ERROR_TIMEOUT;
	default:
		return ERROR_CONNECTION_REFUSED;
	}
}

static uint32_t do_connect(const char *path, int *ret_fd)
{
	struct sockaddr_un sa;
	size_t len = strlen(path);
	int fd, rc;

	if (len == 0 || len >= sizeof(sa.sun_path))
		return ERROR_INVALID_PARAMETER;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, len + 1);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno_to_error(errno);
	do {
		rc = connect(fd, (const struct sockaddr *)&sa, sizeof(sa));
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		int e = errno;
		close(fd);
		return errno_to_error(e);
	}
	*ret_fd = fd;
	return ERROR_SUCCESS;
}

static uint32_t handle_new(cluster_handle **ret)
{
	cluster_handle *h = cs_calloc(1, sizeof(*h));
	int io_lock = 0;
	uint32_t rc = ERROR_NOT_ENOUGH_MEMORY;

	if (!h)
		goto out;
	if (pthread_mutex_init(&h->io_lock, NULL) != 0)
		goto out;
	io_lock = 1;
	if (pthread_mutex_init(&h->name_lock, NULL) != 0)
		goto out;
	atomic_init(&h->refs, 1);
	h->fd = -1;
	h->next_id = 1;
	h->timeout_ms = CLUSTER_DEFAULT_TIMEOUT_MS;
	*ret = h;
	h = NULL;
	rc = ERROR_SUCCESS;
out:
	if (h) {
		if (io_lock)
			pthread_mutex_destroy(&h->io_lock);
		cs_free(h);
	}
	return rc;
}

static void handle_destroy(cluster_handle *h)
{
	if (h->fd >= 0)
		close(h->fd);
	pthread_mutex_destroy(&h->io_lock);
	pthread_mutex_destroy(&h->name_lock);
	cs_free(h->path);
	cs_free(h);
}

uint32_t cluster_open(const char *socket_path, cluster_handle **ret)
{
	cluster_handle *h = NULL;
	const char *path = socket_path;
	uint32_t rc;

	if (!ret)
		return ERROR_INVALID_PARAMETER;
	if (!path) {
		path = getenv(CLUSTER_SOCKET_ENV);
		if (!path || !*path)
			path = CLUSTER_DEFAULT_SOCKET;
	}
	if (!*path)
		return ERROR_INVALID_PARAMETER;

	rc = handle_new(&h);
	if (rc != ERROR_SUCCESS)
		goto out;
	h->path = cs_strdup(path);
	if (!h->path) {
		rc = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	h->can_reconnect = 1;
	rc = do_connect(h->path, &h->fd);
	if (rc != ERROR_SUCCESS)
		goto out;
	*ret = h;
	h = NULL;
out:
	if (h)
		handle_destroy(h);
	return rc;
}

uint32_t cs_client_open_fd(int fd, cluster_handle **ret)
{
	cluster_handle *h = NULL;
	uint32_t rc = ERROR_INVALID_PARAMETER;

	if (fd < 0 || !ret)
		goto out;
	rc = handle_new(&h);
	if (rc != ERROR_SUCCESS)
		goto out;
	h->fd = fd;     /* the handle owns it now */
	fd = -1;
	*ret = h;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

void cs_handle_ref(cluster_handle *h)
{
	atomic_fetch_add(&h->refs, 1);
}

void cs_handle_unref(cluster_handle *h)
{
	if (h && atomic_fetch_sub(&h->refs, 1) == 1)
		handle_destroy(h);
}

void cluster_close(cluster_handle *h)
{
	cs_handle_unref(h);
}

uint32_t cluster_set_timeout(cluster_handle *h, uint32_t timeout_ms)
{
	if (!h)
		return ERROR_INVALID_PARAMETER;
	pthread_mutex_lock(&h->io_lock);
	h->timeout_ms = timeout_ms;
	pthread_mutex_unlock(&h->io_lock);
	return ERROR_SUCCESS;
}

const char *cluster_socket_path(const cluster_handle *h)
{
	return h ? h->path : NULL;
}

/* ---- the exchange ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for `events`, or the deadline (-1: none). */
static enum xfer wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc, timeout;

	for (;;) {
		if (deadline < 0) {
			timeout = -1;
		} else {
			int64_t left = deadline - now_ms();
			if (left <= 0)
				return XFER_TIMEOUT;
			timeout = left > 1000000 ? 1000000 : (int)left;
		}
		rc = poll(&p, 1, timeout);
		if (rc > 0)
			return XFER_OK;
		if (rc < 0 && errno != EINTR)
			return XFER_LOST;
	}
}

static enum xfer send_all(int fd, const uint8_t *hdr, const void *payload, size_t len,
			  int64_t deadline)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)hdr, .iov_len = CS_PROTO_HEADER_SIZE },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	size_t left = CS_PROTO_HEADER_SIZE + len;

	while (left > 0) {
		ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				enum xfer x = wait_fd(fd, POLLOUT, deadline);
				if (x != XFER_OK)
					return x == XFER_TIMEOUT ? XFER_TIMEOUT : XFER_SEND_FAILED;
				continue;
			}
			return XFER_SEND_FAILED;
		}
		left -= (size_t)n;
		while (n > 0 && msg.msg_iovlen > 0) {
			if ((size_t)n >= msg.msg_iov[0].iov_len) {
				n -= (ssize_t)msg.msg_iov[0].iov_len;
				msg.msg_iov++;
				msg.msg_iovlen--;
			} else {
				msg.msg_iov[0].iov_base = (uint8_t *)msg.msg_iov[0].iov_base + n;
				msg.msg_iov[0].iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return XFER_OK;
}

static enum xfer recv_all(int fd, void *buf, size_t len, int64_t deadline)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = recv(fd, p, len, MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return XFER_LOST;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			enum xfer x = wait_fd(fd, POLLIN, deadline);
			if (x != XFER_OK)
				return x;
			continue;
		}
		return XFER_LOST;
	}
	return XFER_OK;
}

/* One request and its reply on h->fd (connected). */
static enum xfer exchange(cluster_handle *h, uint16_t op, const void *payload, size_t len,
			  int64_t deadline, struct cs_reply *ret)
{
	uint8_t hdr[CS_PROTO_HEADER_SIZE];
	struct cs_frame_header rh;
	uint32_t id = h->next_id++;
	uint8_t *body = NULL;
	enum xfer x;

	if (h->next_id == 0)
		h->next_id = 1;
	cs_frame_header_encode(hdr, op, id, 0, (uint32_t)len);
	x = send_all(h->fd, hdr, payload, len, deadline);
	if (x != XFER_OK)
		return x;
	x = recv_all(h->fd, hdr, sizeof(hdr), deadline);
	if (x != XFER_OK)
		return x;
	switch (cs_frame_header_decode(hdr, &rh)) {
	case 0:
		break;
	case -2:
		snprintf(last_detail, sizeof(last_detail),
			 "clusterd speaks client protocol %u, this libclusapi %u: use the "
			 "libclusapi of the same release as clusterd", rh.version, CS_PROTO_VERSION);
		return XFER_VERSION;
	default:
		return XFER_PROTOCOL;
	}
	if (rh.id != id || rh.op != op)
		return XFER_PROTOCOL;
	if (rh.length > 0) {
		body = cs_malloc(rh.length);
		if (!body)
			return XFER_NOMEM;
		x = recv_all(h->fd, body, rh.length, deadline);
		if (x != XFER_OK) {
			cs_free(body);
			return x;
		}
	}
	ret->status = rh.status;
	ret->payload = body;
	ret->length = rh.length;
	return XFER_OK;
}

/* Whether an idle connection was closed (or spoke out of turn) by the peer. */
static int idle_conn_broken(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int rc;

	do {
		rc = poll(&p, 1, 0);
	} while (rc < 0 && errno == EINTR);
	return rc != 0;
}

static void drop_conn(cluster_handle *h)
{
	if (h->fd >= 0) {
		close(h->fd);
		h->fd = -1;
	}
}

static uint32_t ensure_conn(cluster_handle *h)
{
	if (h->fd >= 0 && idle_conn_broken(h->fd))
		drop_conn(h);
	if (h->fd >= 0)
		return ERROR_SUCCESS;
	if (!h->can_reconnect)
		return ERROR_BROKEN_PIPE;
	return do_connect(h->path, &h->fd);
}

uint32_t cs_call(cluster_handle *h, uint16_t op, const void *payload, size_t len,
		 unsigned flags, uint32_t extra_ms, struct cs_reply *ret)
{
	struct cs_reply reply = { 0 };
	int64_t deadline;
	uint32_t rc;
	int attempt;

	if (!h || !ret || (len && !payload))
		return ERROR_INVALID_PARAMETER;
	if (len > CS_PROTO_MAX_PAYLOAD)
		return ERROR_INVALID_PARAMETER;

	last_detail[0] = '\0';
	pthread_mutex_lock(&h->io_lock);
	if (h->timeout_ms == 0)
		deadline = -1;
	else
		deadline = now_ms() + (int64_t)h->timeout_ms + (int64_t)extra_ms;

	for (attempt = 0;; attempt++) {
		enum xfer x;

		rc = ensure_conn(h);
		if (rc != ERROR_SUCCESS)
			break;
		x = exchange(h, op, payload, len, deadline, &reply);
		if (x == XFER_OK) {
			rc = ERROR_SUCCESS;
			break;
		}
		if (x == XFER_NOMEM) {
			/* The reply is still in the socket: the stream is out of step. */
			drop_conn(h);
			rc = ERROR_NOT_ENOUGH_MEMORY;
			break;
		}
		drop_conn(h);
		if (x == XFER_TIMEOUT) {
			rc = ERROR_TIMEOUT;
			break;
		}
		if (x == XFER_PROTOCOL) {
			rc = ERROR_INVALID_DATA;
			break;
		}
		if (x == XFER_VERSION) {
			rc = ERROR_REVISION_MISMATCH;
			break;
		}
		/* SEND_FAILED or LOST */
		if (attempt == 0 && h->can_reconnect &&
		    (x == XFER_SEND_FAILED || (flags & CS_CALL_IDEMPOTENT)))
			continue;
		rc = ERROR_BROKEN_PIPE;
		break;
	}
	pthread_mutex_unlock(&h->io_lock);
	if (rc == ERROR_SUCCESS) {
		note_detail(&reply);
		*ret = reply;
	}
	return rc;
}

uint32_t cs_call_plist(cluster_handle *h, uint16_t op, const clusprop_builder *b,
		       unsigned flags, uint32_t extra_ms, struct cs_reply *ret)
{
	uint32_t rc = clusprop_builder_status(b);

	if (rc != ERROR_SUCCESS) {
		last_detail[0] = '\0';
		return rc;
	}
	return cs_call(h, op, clusprop_builder_data(b), clusprop_builder_size(b), flags,
		       extra_ms, ret);
}
