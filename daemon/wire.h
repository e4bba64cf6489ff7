/*
 * wire.h - the messages clusterd multicasts over CPG: framing and the
 * STATE payload.  Pure functions (no corosync, no global state), so that
 * tests and fuzzers drive the same decoding clusterd runs.
 *
 * A message is a 32-byte header, then `len` payload bytes; little-endian:
 *
 *     0  u32 magic    WIRE_MAGIC ("CSM1")
 *     4  u16 type     enum csd_msg (MSG_STATE, ...)
 *     6  u16 op       a model op (MSG_OP) or request op (MSG_CONTROL_REQ)
 *     8  u32 from     the sender's node id (for people; CPG says who sent it)
 *    12  u32 dest     the node a control or its reply is for, 0: everyone
 *    16  u32 req_id   the sender's request id, echoed in replies
 *    20  u32 status   an ERROR_* code (replies)
 *    24  u32 len      payload bytes, at most WIRE_MAX_PAYLOAD
 *    28  u32 version  the sender's cluster protocol (0: protocol 1)
 *
 * Payloads: STATE = u64 database version, u32 SYNC_* flags (these 12 bytes
 * the same in every protocol version), u64 epoch; SNAPSHOT = model_encode_snapshot(); OP and
 * CONTROL_REQ / CONTROL_REPLY = property lists of named arguments (args.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_WIRE_H
#define CSD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_MAGIC 0x43534d31u /* "CSM1" */
#define WIRE_HEADER 32u
#define WIRE_MAX_PAYLOAD (32u * 1024u * 1024u)
/* The cluster protocol this clusterd speaks.  2: snapshots of records by
 * name (model.h, schema 2).  3: an OP's status field carries its sender's
 * quorum stamp (WIRE_STAMP_*); MSG_APPLIED. */
#define WIRE_VERSION 3u
#define WIRE_STATE_SIZE 20u

/* Message types on CPG. */
enum csd_msg {
	MSG_STATE = 1,      /* state transfer: my version (u64) and SYNC_* flags (u32) */
	MSG_SNAPSHOT,       /* state transfer: the leader's database */
	MSG_OP,             /* a model op (hdr.op), payload: args */
	MSG_MOVE,           /* (unused) */
	MSG_CONTROL_REQ,    /* a control for hdr.dest, payload: args (Name, Code, In, OutSize) */
	MSG_CONTROL_REPLY,  /* hdr.status, payload: BytesReturned, Out */
	MSG_DIGEST_CHECK,   /* (the coordinator) every member: send your digest; no payload */
	MSG_DIGEST,         /* hdr.req_id: the check's; payload: u64 version, digest[32] */
	MSG_RESYNC,         /* a member found its copy diverged: transfer the state again */
	MSG_APPLIED,        /* payload u64: the database version this member has applied and
	                       written (sent after each configuration change it applied) */
};

#define WIRE_APPLIED_SIZE 8u

/* An OP's hdr.status: the quorum its sender had confirmed for the ring it
 * sent the op in.  Bit 31: quorate; bits 0-30: the ring's sequence number
 * (low bits).  A change is applied only where it is delivered in that same
 * ring and the sender was quorate (repl.c). */
#define WIRE_STAMP_QUORATE 0x80000000u
#define WIRE_STAMP_RING    0x7FFFFFFFu

#define WIRE_DIGEST_SIZE (8u + 32u)

struct wire_hdr {
	uint16_t type, op;
	uint32_t from, dest, req_id, status, len;
	uint32_t version;   /* 1 for a message without one */
};

/* Encode a header for `len` payload bytes into out[WIRE_HEADER]. */
void wire_encode_hdr(uint8_t *out, const struct wire_hdr *h);

/*
 * wire_decode - check a received message of msg_len bytes: the magic and
 * that its length field matches.  ERROR_SUCCESS with *h and *ret_payload
 * (pointing into msg) set, or ERROR_INVALID_DATA (outputs untouched).  The
 * version is decoded, not judged: the caller decides what another one gets.
 */
uint32_t wire_decode(const void *msg, size_t msg_len, struct wire_hdr *h,
		     const uint8_t **ret_payload);

/* A STATE payload: ERROR_SUCCESS, or ERROR_INVALID_DATA if it is not
 * WIRE_STATE_SIZE bytes. */
struct wire_state {
	uint64_t version;   /* config ops applied */
	uint32_t flags;     /* SYNC_* (repl.c) */
	uint64_t epoch;     /* the last quorate view this copy was synced in */
};
void wire_encode_state(uint8_t out[WIRE_STATE_SIZE], const struct wire_state *st);
uint32_t wire_decode_state(const uint8_t *p, size_t len, struct wire_state *ret);

#endif
