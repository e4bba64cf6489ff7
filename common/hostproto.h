/*
 * hostproto.h - the wire protocol between clusterd (daemon/hostclient.c) and
 * the resource host (host/reshost.c): both halves, linked by both ends from
 * common/.  Internal: both ends are built from this tree, and a host is
 * always the same build as its clusterd.
 *
 * Transport: one connected AF_UNIX SOCK_SEQPACKET socket pair, made by
 * clusterd, one end passed to the host as an inherited fd.  Each side has a
 * single writer, so messages never interleave.
 *
 * Framing: a message is a 32-byte header followed by payload_len bytes of
 * payload, sent as one or more SEQPACKET records of at most
 * HOSTPROTO_MAX_RECORD bytes: the first record holds the header and the
 * start of the payload, the following ones the rest, in order.  All integers
 * are little-endian.
 *
 *   header (32 bytes)
 *     0  u32 magic        HOSTPROTO_MAGIC
 *     4  u16 version      HOSTPROTO_VERSION
 *     6  u16 type         enum hostproto_type
 *     8  u64 request_id   chosen by clusterd; echoed in COMPLETE; 0 in events
 *    16  u64 resource_id  host-local id chosen by clusterd at OPEN; 0: none
 *    24  u32 status       error code (replies, events); 0 in requests
 *    28  u32 payload_len  <= HOSTPROTO_MAX_PAYLOAD
 *
 * A receiver validates the header (magic, version, known type, payload_len
 * capped) before it allocates anything, and the payload (every length and
 * offset, against the actual payload size and per-field caps) before it uses
 * any of it.  A broken header or framing is a protocol error: the connection
 * is closed.  A well-framed request whose payload is malformed is answered
 * with COMPLETE(ERROR_INVALID_DATA).
 *
 * Requests (clusterd -> host); each gets exactly one COMPLETE:
 *   OPEN          payload: u32 type_len, u32 name_len, u32 props_len,
 *                 u32 looks_alive_ms, u32 is_alive_ms, u32 reserved,
 *                 type[type_len], name[name_len], props[props_len]
 *                 (strings UTF-8 without NUL; props an MSCS property list)
 *   CLOSE, ONLINE, OFFLINE, TERMINATE, ARBITRATE, RELEASE, PING: no payload
 *   SET_POLL      payload: u32 looks_alive_ms, u32 is_alive_ms (0: off)
 *   CONTROL       payload: u32 code, u32 in_len, u32 out_size, u32 type_len(0),
 *                 in[in_len]
 *   TYPE_CONTROL  payload: u32 code, u32 in_len, u32 out_size, u32 type_len,
 *                 type[type_len], in[in_len]     (resource_id 0)
 *   LEASE         payload: u64 until, CLOCK_MONOTONIC milliseconds (the same
 *                 clock on both ends: one machine).  The host may run
 *                 resources until then; past it, it terminates every one
 *                 itself (RESOURCE_FAILED source LEASE for those that were up)
 *                 and refuses ONLINE with ERROR_NOT_READY until a later
 *                 lease.  A host started with --lease has none at first.
 * Replies / events (host -> clusterd):
 *   COMPLETE      status = the result; payload: u32 request_type,
 *                 u32 bytes_returned, u32 out_len, u32 reserved, out[out_len].
 *                 For controls: bytes_returned is the bytes written (status
 *                 0, out_len == bytes_returned) or the size needed (status
 *                 ERROR_MORE_DATA, out_len 0).  ONLINE/OFFLINE complete when
 *                 the plugin finishes, synchronously or via
 *                 set_resource_status() after ERROR_IO_PENDING.
 *   RESOURCE_FAILED  resource_id, status; payload: u32 source
 *                 (enum hostproto_fail_source), u32 reserved
 *   LOG           resource_id (0: the host or a type); payload: u32 level
 *                 (syslog priority), u32 text_len, text[text_len] (UTF-8)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_HOSTPROTO_H
#define CS_HOSTPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <clusapi/errors.h>

#define HOSTPROTO_MAGIC        0x48525343u   /* "CSRH" as little-endian bytes */
#define HOSTPROTO_VERSION      1u
#define HOSTPROTO_HDR_SIZE     32u
#define HOSTPROTO_MAX_RECORD   (64u * 1024u)

/* Caps on what the other side may make us allocate. */
#define HOSTPROTO_MAX_NAME     1024u                 /* type / resource name bytes */
#define HOSTPROTO_MAX_PROPS    (16u * 1024u * 1024u) /* private property list at OPEN */
#define HOSTPROTO_MAX_CTL_IN   (16u * 1024u * 1024u) /* control input */
#define HOSTPROTO_MAX_CTL_OUT  (16u * 1024u * 1024u) /* control output (out_size is clamped) */
#define HOSTPROTO_MAX_LOG      4096u                 /* log text bytes */
#define HOSTPROTO_MAX_PAYLOAD  (HOSTPROTO_MAX_PROPS + 2u * HOSTPROTO_MAX_NAME + 64u)

/* Error codes the protocol uses (MSCS / Win32 numbers) not (yet) in errors.h. */
#ifndef ERROR_BROKEN_PIPE
#define ERROR_BROKEN_PIPE               109u   /* the host died / connection lost */
#endif
#ifndef ERROR_OPERATION_ABORTED
#define ERROR_OPERATION_ABORTED         995u   /* stopped by the owner / terminate */
#endif
#ifndef ERROR_IO_PENDING
#define ERROR_IO_PENDING                997u
#endif
#ifndef ERROR_MOD_NOT_FOUND
#define ERROR_MOD_NOT_FOUND             126u
#endif
#ifndef ERROR_PROC_NOT_FOUND
#define ERROR_PROC_NOT_FOUND            127u
#endif
#ifndef ERROR_NOT_READY
#define ERROR_NOT_READY                 21u
#endif
#ifndef ERROR_BAD_FORMAT
#define ERROR_BAD_FORMAT                11u
#endif
#ifndef ERROR_REVISION_MISMATCH
#define ERROR_REVISION_MISMATCH         1306u
#endif
#ifndef ERROR_RESOURCE_NOT_FOUND
#define ERROR_RESOURCE_NOT_FOUND        5007u
#endif
#ifndef ERROR_OBJECT_ALREADY_EXISTS
#define ERROR_OBJECT_ALREADY_EXISTS     5010u
#endif
#ifndef ERROR_INVALID_STATE
#define ERROR_INVALID_STATE             5023u
#endif
#ifndef ERROR_RESOURCE_FAILED
#define ERROR_RESOURCE_FAILED           5038u
#endif
#ifndef ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND
#define ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND 5078u
#endif
#ifndef ERROR_RESOURCE_CALL_TIMED_OUT
#define ERROR_RESOURCE_CALL_TIMED_OUT   5910u  /* a request passed its deadline */
#endif
#ifndef ERROR_SHUTDOWN_IN_PROGRESS
#define ERROR_SHUTDOWN_IN_PROGRESS      1115u
#endif

enum hostproto_type {
	/* requests */
	HOSTPROTO_OPEN = 1,
	HOSTPROTO_CLOSE = 2,
	HOSTPROTO_ONLINE = 3,
	HOSTPROTO_OFFLINE = 4,
	HOSTPROTO_TERMINATE = 5,
	HOSTPROTO_SET_POLL = 6,
	HOSTPROTO_CONTROL = 7,
	HOSTPROTO_TYPE_CONTROL = 8,
	HOSTPROTO_PING = 9,
	HOSTPROTO_ARBITRATE = 10,
	HOSTPROTO_RELEASE = 11,
	HOSTPROTO_LEASE = 12,
	HOSTPROTO_REQUEST_MAX_ = 12,
	/* replies and events */
	HOSTPROTO_COMPLETE = 64,
	HOSTPROTO_RESOURCE_FAILED = 65,
	HOSTPROTO_LOG = 66,
};

/* Which check found a resource failed (RESOURCE_FAILED payload). */
enum hostproto_fail_source {
	HOSTPROTO_FAIL_LOOKS_ALIVE = 1,   /* looks_alive false, confirmed by is_alive false */
	HOSTPROTO_FAIL_IS_ALIVE = 2,      /* the periodic is_alive false */
	HOSTPROTO_FAIL_PLUGIN = 3,        /* the plugin reported FAILED by itself */
	HOSTPROTO_FAIL_ARBITRATION = 4,   /* the plugin lost arbitration */
	HOSTPROTO_FAIL_LEASE = 5,         /* the host's lease ran out: terminated by the host */
};

/* A decoded header. */
struct hostproto_hdr {
	uint16_t type;
	uint64_t request_id;
	uint64_t resource_id;
	uint32_t status;
	uint32_t payload_len;
};

/* Name of a message type, for diagnostics ("OPEN", ..., "?"). */
const char *hostproto_type_name(uint32_t type);

/* True for the request types a host accepts. */
bool hostproto_is_request(uint32_t type);

/*
 * hostproto_decode_hdr - validate and decode the header at the start of the
 * first record of a message (len bytes, len >= HOSTPROTO_HDR_SIZE).  Checks
 * magic, version, a known type and payload_len <= HOSTPROTO_MAX_PAYLOAD.
 * ERROR_SUCCESS or ERROR_INVALID_DATA (*ret untouched).
 */
uint32_t hostproto_decode_hdr(const uint8_t *buf, size_t len, struct hostproto_hdr *ret);

/* One piece of payload for hostproto_msg_new(). */
struct hostproto_part {
	const void *data;   /* may be NULL when len is 0 */
	size_t len;
};

/*
 * hostproto_msg_new - one encoded message (header + the parts concatenated)
 * in a cs_malloc'ed buffer.  NULL if the payload would exceed
 * HOSTPROTO_MAX_PAYLOAD or memory is short.
 */
uint8_t *hostproto_msg_new(uint16_t type, uint64_t request_id, uint64_t resource_id,
			   uint32_t status, const struct hostproto_part *parts, size_t nparts,
			   size_t *ret_len);

/* ---- payload views (pointers into the payload; valid while it lives) ---- */

struct hostproto_open_view {
	const char *type;    /* not NUL-terminated */
	uint32_t type_len;
	const char *name;    /* not NUL-terminated */
	uint32_t name_len;
	const uint8_t *props;
	uint32_t props_len;
	uint32_t looks_alive_ms;
	uint32_t is_alive_ms;
};

struct hostproto_control_view {
	uint32_t code;
	uint32_t out_size;
	const char *type;    /* TYPE_CONTROL only, not NUL-terminated */
	uint32_t type_len;
	const uint8_t *in;
	uint32_t in_len;
};

struct hostproto_complete_view {
	uint32_t request_type;
	uint32_t bytes_returned;
	const uint8_t *out;
	uint32_t out_len;
};

struct hostproto_log_view {
	uint32_t level;
	const char *text;    /* not NUL-terminated */
	uint32_t text_len;
};

/*
 * Payload decoders: each checks that the payload has exactly the fields its
 * type needs and every length lies within the payload and under its cap.
 * ERROR_SUCCESS or ERROR_INVALID_DATA (*ret untouched).  Names must be
 * non-empty, without NUL bytes.
 */
uint32_t hostproto_decode_open(const uint8_t *p, size_t len, struct hostproto_open_view *ret);
uint32_t hostproto_decode_set_poll(const uint8_t *p, size_t len, uint32_t *ret_looks_ms,
				   uint32_t *ret_is_ms);
uint32_t hostproto_decode_control(uint16_t type, const uint8_t *p, size_t len,
				  struct hostproto_control_view *ret);
uint32_t hostproto_decode_complete(const uint8_t *p, size_t len,
				   struct hostproto_complete_view *ret);
uint32_t hostproto_decode_failed(const uint8_t *p, size_t len, uint32_t *ret_source);
uint32_t hostproto_decode_log(const uint8_t *p, size_t len, struct hostproto_log_view *ret);

/*
 * Type names travel and map to file names: ASCII letters, digits, space,
 * '-' and '_', 1..HOSTPROTO_MAX_TYPE_NAME bytes, not starting with a space.
 * hostproto_type_file_name writes "<lower-case, spaces as '-'>.so" into out
 * (out_size >= type_len + 4); false if the name is not acceptable.
 */
#define HOSTPROTO_MAX_TYPE_NAME 128u
bool hostproto_type_name_ok(const char *type, size_t type_len);
bool hostproto_type_file_name(const char *type, size_t type_len, char *out, size_t out_size);

/* ======================================================================
 * Message reassembly and the send queue (both ends)
 * ====================================================================== */

/* Reassembles messages from records.  Zero-initialise; hostproto_rx_reset()
 * frees what it holds. */
struct hostproto_rx {
	struct hostproto_hdr hdr;
	uint8_t *payload;     /* cs_malloc'ed, payload_len bytes (NULL if 0) */
	size_t have;
	bool in_message;
	bool dropped;         /* no memory for the payload: it was skipped */
};

/*
 * hostproto_rx_feed - feed one received record.  Returns ERROR_SUCCESS with
 * *ret_done true when a whole message is ready (in rx->hdr / rx->payload:
 * take the payload with hostproto_rx_take() or hostproto_rx_reset() before
 * the next feed), *ret_done false when more records are needed;
 * ERROR_INVALID_DATA on a framing error, after which the stream is unusable
 * (close it).  If memory for a payload is short, the message is still
 * consumed, and completes with rx->dropped set and no payload: the stream
 * stays usable, and the receiver fails just that message's request.
 */
uint32_t hostproto_rx_feed(struct hostproto_rx *rx, const uint8_t *rec, size_t len,
			   bool *ret_done);
/* Hand the completed message's payload to the caller (cs_free it) and get
 * ready for the next message. */
uint8_t *hostproto_rx_take(struct hostproto_rx *rx);
void hostproto_rx_reset(struct hostproto_rx *rx);

/* A FIFO of encoded messages waiting to be sent, with the progress of the
 * first one.  Zero-initialise; hostproto_txq_clear() frees. */
struct hostproto_txmsg;
struct hostproto_txq {
	struct hostproto_txmsg *head;
	struct hostproto_txmsg *tail;
	size_t off;           /* bytes of head already sent */
	size_t count;
};

/* Append an encoded message (from hostproto_msg_new).  ERROR_SUCCESS: the
 * queue owns it; ERROR_NOT_ENOUGH_MEMORY: it is still the caller's. */
uint32_t hostproto_txq_push(struct hostproto_txq *q, uint8_t *msg, size_t len);
/*
 * hostproto_txq_flush - send queued records on a non-blocking SEQPACKET fd
 * until the queue is empty or the socket is full.  0 (check
 * hostproto_txq_empty() for more to send), or -errno on a fatal socket
 * error (EPIPE, ECONNRESET, ...).
 */
int hostproto_txq_flush(struct hostproto_txq *q, int fd);
bool hostproto_txq_empty(const struct hostproto_txq *q);
void hostproto_txq_clear(struct hostproto_txq *q);

/*
 * The receive loop both ends run when their socket is readable.
 *
 * hostproto_recv reads up to `budget` records from the non-blocking
 * SEQPACKET fd into recbuf (HOSTPROTO_MAX_RECORD bytes), reassembles them in
 * rx, and calls on_message once per whole message.  on_message owns
 * `payload` (cs_free it; NULL for an empty payload, and when `dropped`: no
 * memory to receive it - the stream is still usable, fail just that
 * message's request) and returns HOSTPROTO_RECV_AGAIN to go on, or any
 * other hostproto_recv_result to stop the loop with it.
 *
 * Returns HOSTPROTO_RECV_AGAIN when the socket is drained or the budget
 * spent, HOSTPROTO_RECV_CLOSED on EOF or a socket error,
 * HOSTPROTO_RECV_BAD on a framing error or a truncated record (the stream is
 * out of step: close it), or what on_message returned to stop.
 */
enum hostproto_recv_result {
	HOSTPROTO_RECV_AGAIN = 0,
	HOSTPROTO_RECV_CLOSED = 1,
	HOSTPROTO_RECV_BAD = 2,
	HOSTPROTO_RECV_STOP = 3,     /* for on_message: stop here, nothing wrong */
};
typedef enum hostproto_recv_result (*hostproto_message_fn)(void *ctx,
							   const struct hostproto_hdr *hdr,
							   uint8_t *payload, bool dropped);
enum hostproto_recv_result hostproto_recv(int fd, uint8_t *recbuf, struct hostproto_rx *rx,
					  int budget, hostproto_message_fn on_message, void *ctx);

#endif /* CS_HOSTPROTO_H */
