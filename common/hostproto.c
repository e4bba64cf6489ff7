/*
 * hostproto.c - encode, validate and decode resource-host messages; record
 * reassembly and the send queue.  See hostproto.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "hostproto.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cs_alloc.h"
#include "cs_bytes.h"

const char *hostproto_type_name(uint32_t type)
{
	switch (type) {
	case HOSTPROTO_OPEN: return "OPEN";
	case HOSTPROTO_CLOSE: return "CLOSE";
	case HOSTPROTO_ONLINE: return "ONLINE";
	case HOSTPROTO_OFFLINE: return "OFFLINE";
	case HOSTPROTO_TERMINATE: return "TERMINATE";
	case HOSTPROTO_SET_POLL: return "SET_POLL";
	case HOSTPROTO_CONTROL: return "CONTROL";
	case HOSTPROTO_TYPE_CONTROL: return "TYPE_CONTROL";
	case HOSTPROTO_PING: return "PING";
	case HOSTPROTO_ARBITRATE: return "ARBITRATE";
	case HOSTPROTO_RELEASE: return "RELEASE";
	case HOSTPROTO_LEASE: return "LEASE";
	case HOSTPROTO_COMPLETE: return "COMPLETE";
	case HOSTPROTO_RESOURCE_FAILED: return "RESOURCE_FAILED";
	case HOSTPROTO_LOG: return "LOG";
	default: return "?";
	}
}

bool hostproto_is_request(uint32_t type)
{
	return type >= HOSTPROTO_OPEN && type <= HOSTPROTO_REQUEST_MAX_;
}

static bool type_known(uint32_t type)
{
	return hostproto_is_request(type) || type == HOSTPROTO_COMPLETE ||
	       type == HOSTPROTO_RESOURCE_FAILED || type == HOSTPROTO_LOG;
}

uint32_t hostproto_decode_hdr(const uint8_t *buf, size_t len, struct hostproto_hdr *ret)
{
	if (!buf || len < HOSTPROTO_HDR_SIZE || !ret)
		return ERROR_INVALID_DATA;
	if (cs_le32(buf) != HOSTPROTO_MAGIC || cs_le16(buf + 4) != HOSTPROTO_VERSION)
		return ERROR_INVALID_DATA;
	uint16_t type = cs_le16(buf + 6);
	uint32_t plen = cs_le32(buf + 28);
	if (!type_known(type) || plen > HOSTPROTO_MAX_PAYLOAD)
		return ERROR_INVALID_DATA;
	ret->type = type;
	ret->request_id = cs_le64(buf + 8);
	ret->resource_id = cs_le64(buf + 16);
	ret->status = cs_le32(buf + 24);
	ret->payload_len = plen;
	return ERROR_SUCCESS;
}

uint8_t *hostproto_msg_new(uint16_t type, uint64_t request_id, uint64_t resource_id,
			   uint32_t status, const struct hostproto_part *parts, size_t nparts,
			   size_t *ret_len)
{
	size_t plen = 0;
	for (size_t i = 0; i < nparts; i++) {
		if (parts[i].len > HOSTPROTO_MAX_PAYLOAD - plen)
			return NULL;
		plen += parts[i].len;
	}
	uint8_t *m = cs_malloc(HOSTPROTO_HDR_SIZE + plen);
	if (!m)
		return NULL;
	cs_put_le32(m, HOSTPROTO_MAGIC);
	cs_put_le16(m + 4, HOSTPROTO_VERSION);
	cs_put_le16(m + 6, type);
	cs_put_le64(m + 8, request_id);
	cs_put_le64(m + 16, resource_id);
	cs_put_le32(m + 24, status);
	cs_put_le32(m + 28, (uint32_t)plen);
	size_t off = HOSTPROTO_HDR_SIZE;
	for (size_t i = 0; i < nparts; i++) {
		if (parts[i].len) {
			memcpy(m + off, parts[i].data, parts[i].len);
			off += parts[i].len;
		}
	}
	if (ret_len)
		*ret_len = off;
	return m;
}

/* ---- payload decoders ---- */

static bool name_ok(const uint8_t *s, uint32_t len, uint32_t max)
{
	return len > 0 && len <= max && memchr(s, '\0', len) == NULL;
}

uint32_t hostproto_decode_open(const uint8_t *p, size_t len, struct hostproto_open_view *ret)
{
	if (len < 24)
		return ERROR_INVALID_DATA;
	uint32_t tl = cs_le32(p), nl = cs_le32(p + 4), pl = cs_le32(p + 8);
	if (tl > HOSTPROTO_MAX_TYPE_NAME || nl > HOSTPROTO_MAX_NAME || pl > HOSTPROTO_MAX_PROPS)
		return ERROR_INVALID_DATA;
	/* sums cannot overflow: each term is capped far below SIZE_MAX / 4 */
	if ((size_t)24 + tl + nl + pl != len)
		return ERROR_INVALID_DATA;
	const uint8_t *t = p + 24, *n = t + tl, *pr = n + nl;
	if (!hostproto_type_name_ok((const char *)t, tl) || !name_ok(n, nl, HOSTPROTO_MAX_NAME))
		return ERROR_INVALID_DATA;
	ret->type = (const char *)t;
	ret->type_len = tl;
	ret->name = (const char *)n;
	ret->name_len = nl;
	ret->props = pl ? pr : NULL;
	ret->props_len = pl;
	ret->looks_alive_ms = cs_le32(p + 12);
	ret->is_alive_ms = cs_le32(p + 16);
	return ERROR_SUCCESS;
}

uint32_t hostproto_decode_set_poll(const uint8_t *p, size_t len, uint32_t *ret_looks_ms,
				   uint32_t *ret_is_ms)
{
	if (len != 8)
		return ERROR_INVALID_DATA;
	*ret_looks_ms = cs_le32(p);
	*ret_is_ms = cs_le32(p + 4);
	return ERROR_SUCCESS;
}

uint32_t hostproto_decode_control(uint16_t type, const uint8_t *p, size_t len,
				  struct hostproto_control_view *ret)
{
	if (len < 16)
		return ERROR_INVALID_DATA;
	uint32_t code = cs_le32(p), il = cs_le32(p + 4), os = cs_le32(p + 8), tl = cs_le32(p + 12);
	if (il > HOSTPROTO_MAX_CTL_IN || tl > HOSTPROTO_MAX_TYPE_NAME)
		return ERROR_INVALID_DATA;
	if ((size_t)16 + tl + il != len)
		return ERROR_INVALID_DATA;
	if (type == HOSTPROTO_TYPE_CONTROL) {
		if (!hostproto_type_name_ok((const char *)p + 16, tl))
			return ERROR_INVALID_DATA;
	} else if (type != HOSTPROTO_CONTROL || tl != 0) {
		return ERROR_INVALID_DATA;
	}
	ret->code = code;
	ret->out_size = os > HOSTPROTO_MAX_CTL_OUT ? HOSTPROTO_MAX_CTL_OUT : os;
	ret->type = tl ? (const char *)p + 16 : NULL;
	ret->type_len = tl;
	ret->in = il ? p + 16 + tl : NULL;
	ret->in_len = il;
	return ERROR_SUCCESS;
}

uint32_t hostproto_decode_complete(const uint8_t *p, size_t len,
				   struct hostproto_complete_view *ret)
{
	if (len < 16)
		return ERROR_INVALID_DATA;
	uint32_t rt = cs_le32(p), br = cs_le32(p + 4), ol = cs_le32(p + 8);
	if (!hostproto_is_request(rt) || ol > HOSTPROTO_MAX_CTL_OUT || (size_t)16 + ol != len)
		return ERROR_INVALID_DATA;
	ret->request_type = rt;
	ret->bytes_returned = br;
	ret->out = ol ? p + 16 : NULL;
	ret->out_len = ol;
	return ERROR_SUCCESS;
}

uint32_t hostproto_decode_failed(const uint8_t *p, size_t len, uint32_t *ret_source)
{
	if (len != 8)
		return ERROR_INVALID_DATA;
	uint32_t src = cs_le32(p);
	if (src < HOSTPROTO_FAIL_LOOKS_ALIVE || src > HOSTPROTO_FAIL_LEASE)
		return ERROR_INVALID_DATA;
	*ret_source = src;
	return ERROR_SUCCESS;
}

uint32_t hostproto_decode_log(const uint8_t *p, size_t len, struct hostproto_log_view *ret)
{
	if (len < 8)
		return ERROR_INVALID_DATA;
	uint32_t lvl = cs_le32(p), tl = cs_le32(p + 4);
	if (tl > HOSTPROTO_MAX_LOG || (size_t)8 + tl != len || lvl > 7)
		return ERROR_INVALID_DATA;
	ret->level = lvl;
	ret->text = (const char *)p + 8;
	ret->text_len = tl;
	return ERROR_SUCCESS;
}

bool hostproto_type_name_ok(const char *type, size_t type_len)
{
	if (!type || type_len == 0 || type_len > HOSTPROTO_MAX_TYPE_NAME || type[0] == ' ')
		return false;
	for (size_t i = 0; i < type_len; i++) {
		char c = type[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == ' ' || c == '-' || c == '_';
		if (!ok)
			return false;
	}
	return true;
}

bool hostproto_type_file_name(const char *type, size_t type_len, char *out, size_t out_size)
{
	if (!hostproto_type_name_ok(type, type_len) || !out || out_size < type_len + 4)
		return false;
	for (size_t i = 0; i < type_len; i++) {
		char c = type[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == ' ')
			c = '-';
		out[i] = c;
	}
	memcpy(out + type_len, ".so", 4);
	return true;
}

/* ---- reassembly ---- */

void hostproto_rx_reset(struct hostproto_rx *rx)
{
	cs_freep(&rx->payload);
	memset(rx, 0, sizeof(*rx));
}

uint8_t *hostproto_rx_take(struct hostproto_rx *rx)
{
	uint8_t *p = rx->payload;
	rx->payload = NULL;
	rx->have = 0;
	rx->in_message = false;
	rx->dropped = false;
	return p;
}

uint32_t hostproto_rx_feed(struct hostproto_rx *rx, const uint8_t *rec, size_t len,
			   bool *ret_done)
{
	if (len > HOSTPROTO_MAX_RECORD)
		return ERROR_INVALID_DATA;
	if (!rx->in_message) {
		struct hostproto_hdr h;
		if (hostproto_decode_hdr(rec, len, &h) != ERROR_SUCCESS)
			return ERROR_INVALID_DATA;
		size_t first = len - HOSTPROTO_HDR_SIZE;
		if (first > h.payload_len)
			return ERROR_INVALID_DATA;
		cs_freep(&rx->payload);
		rx->dropped = false;
		if (h.payload_len) {
			/* payload_len is capped by hostproto_decode_hdr */
			rx->payload = cs_malloc(h.payload_len);
			if (rx->payload)
				memcpy(rx->payload, rec + HOSTPROTO_HDR_SIZE, first);
			else
				rx->dropped = true;
		}
		rx->hdr = h;
		rx->have = first;
		rx->in_message = true;
	} else {
		if (len == 0 || len > rx->hdr.payload_len - rx->have)
			return ERROR_INVALID_DATA;
		if (!rx->dropped)
			memcpy(rx->payload + rx->have, rec, len);
		rx->have += len;
	}
	*ret_done = rx->have == rx->hdr.payload_len;
	return ERROR_SUCCESS;
}

/* ---- send queue ---- */

struct hostproto_txmsg {
	struct hostproto_txmsg *next;
	uint8_t *buf;
	size_t len;
};

uint32_t hostproto_txq_push(struct hostproto_txq *q, uint8_t *msg, size_t len)
{
	struct hostproto_txmsg *m = cs_calloc(1, sizeof(*m));
	if (!m)
		return ERROR_NOT_ENOUGH_MEMORY;
	m->buf = msg;
	m->len = len;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->count++;
	return ERROR_SUCCESS;
}

int hostproto_txq_flush(struct hostproto_txq *q, int fd)
{
	while (q->head) {
		struct hostproto_txmsg *m = q->head;
		size_t n = m->len - q->off;
		if (n > HOSTPROTO_MAX_RECORD)
			n = HOSTPROTO_MAX_RECORD;
		ssize_t w = send(fd, m->buf + q->off, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
				return 0;
			return -errno;
		}
		/* SEQPACKET sends whole records or nothing */
		q->off += (size_t)w;
		if (q->off >= m->len) {
			q->head = m->next;
			if (!q->head)
				q->tail = NULL;
			q->off = 0;
			q->count--;
			cs_free(m->buf);
			cs_free(m);
		}
	}
	return 0;
}

bool hostproto_txq_empty(const struct hostproto_txq *q)
{
	return q->head == NULL;
}

void hostproto_txq_clear(struct hostproto_txq *q)
{
	struct hostproto_txmsg *m = q->head;
	while (m) {
		struct hostproto_txmsg *next = m->next;
		cs_free(m->buf);
		cs_free(m);
		m = next;
	}
	memset(q, 0, sizeof(*q));
}

/* ---- the receive loop ---- */

enum hostproto_recv_result hostproto_recv(int fd, uint8_t *recbuf, struct hostproto_rx *rx,
					  int budget, hostproto_message_fn on_message, void *ctx)
{
	for (int i = 0; i < budget; i++) {
		struct iovec iov = { recbuf, HOSTPROTO_MAX_RECORD };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return HOSTPROTO_RECV_AGAIN;
			return HOSTPROTO_RECV_CLOSED;
		}
		if (n == 0)
			return HOSTPROTO_RECV_CLOSED;
		bool done = false;
		if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
		    hostproto_rx_feed(rx, recbuf, (size_t)n, &done) != ERROR_SUCCESS)
			return HOSTPROTO_RECV_BAD;
		if (!done)
			continue;
		struct hostproto_hdr hdr = rx->hdr;
		bool dropped = rx->dropped;
		uint8_t *payload = hostproto_rx_take(rx);
		enum hostproto_recv_result r = on_message(ctx, &hdr, payload, dropped);
		if (r != HOSTPROTO_RECV_AGAIN)
			return r;
	}
	return HOSTPROTO_RECV_AGAIN;
}
