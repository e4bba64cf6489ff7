/*
 * clientproto.h - the local API protocol between libclusapi and clusterd.
 *
 * Transport: AF_UNIX SOCK_STREAM at /run/cluster-server/clusterd.sock (or
 * $CLUSTER_SOCKET), mode 0660, group-checked with SO_PEERCRED on accept.
 * One connection carries any number of requests, one at a time: the client
 * sends a frame and reads the reply frame with the same request id.
 *
 * Frame: a 20-byte header (all little-endian) then `length` payload bytes.
 *
 *     u32 magic    CS_PROTO_MAGIC
 *     u16 version  CS_PROTO_VERSION
 *     u16 op       enum cs_op (a reply carries the request's op)
 *     u32 id       request id, echoed in the reply
 *     u32 status   0 in requests; in replies an ERROR_* code (clusapi/errors.h)
 *     u32 length   payload bytes, at most CS_PROTO_MAX_PAYLOAD
 *
 * Payload: an MSCS property list (clusapi/proplist.h), validated whole by
 * the receiver before use; an empty payload (length 0) means no arguments.
 * Property names and value formats used by each op are listed below; a
 * request missing a required property is answered ERROR_INVALID_PARAMETER.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_CLIENTPROTO_H
#define CS_CLIENTPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "cs_bytes.h"
#include "cs_record.h"

#define CS_PROTO_MAGIC        0x43535031u /* "CSP1" */
/* Version 2: the status reply carries records by name (below).  Version 1
 * (positional status values) is no longer spoken. */
#define CS_PROTO_VERSION      2u
#define CS_PROTO_HEADER_SIZE  20u
#define CS_PROTO_MAX_PAYLOAD  (16u * 1024u * 1024u)

#define CS_DEFAULT_SOCKET     "/run/cluster-server/clusterd.sock"
#define CS_SOCKET_ENV         "CLUSTER_SOCKET"

/* Object kinds for CS_OP_LOOKUP. */
enum cs_kind { CS_KIND_NODE = 1, CS_KIND_GROUP = 2, CS_KIND_RESOURCE = 3 };

/*
 * Replies to changes: ERROR_SUCCESS once the change is applied and on disk
 * on this node (with WaitMs: once the object reached the state asked for;
 * ERROR_TIMEOUT if it did not in time - the change still stands).  With no
 * quorum, or while the cluster view is being synced, changes get
 * ERROR_NOT_READY.  An error reply may carry a property "Error" (SZ): a one-
 * line explanation for people.
 *
 * Control replies: "BytesReturned" (DWORD) always - bytes written, or with
 * ERROR_MORE_DATA the size needed; "Out" (BINARY) only on success.
 * SET_COMMON_PROPERTIES and SET_PRIVATE_PROPERTIES are changes like the
 * others: replicated, and answered with no payload.
 */

/*
 * Property names (SZ unless marked):
 *   "Name"      object name              "Node"      node name
 *   "Group"     group name               "Type"      resource type name
 *   "NewName"   for renames              "DependsOn" resource name
 *   "Nodes"     MULTI_SZ of node names   "WaitMs"    DWORD, 0 = do not wait
 *   "Code"      DWORD control code       "OutSize"   DWORD caller's buffer size
 *   "In"        BINARY control input     "Out"       BINARY control output
 *   "BytesReturned" DWORD (control replies: the size written, or needed
 *               with ERROR_MORE_DATA)
 *   "Private"   BINARY: a property list of private properties
 */
enum cs_op {
	CS_OP_STATUS = 1,        /* -> records by name (each a BINARY property
	                          *    holding a property list of fields; fields
	                          *    marked ? are left out when empty):
	                          *    "Cluster"  Name, DWORD Quorate, DWORD LocalNodeId,
	                          *               LocalNodeName, DWORD Synced, Notice?
	                          *    "Node"     Name, DWORD Id, DWORD State   (per node)
	                          *    "Group"    Name, DWORD State, Owner?,
	                          *               MULTI_SZ PreferredOwners, Reason?
	                          *               (per group; Reason: why the policy
	                          *               holds it Failed)
	                          *    "Resource" Name, Type, Group, DWORD State, Owner?,
	                          *               MULTI_SZ DependsOn, MULTI_SZ PossibleOwners
	                          *    Readers skip records and fields they do not know. */
	CS_OP_GROUP_CREATE,      /* Name */
	CS_OP_GROUP_DELETE,      /* Name */
	CS_OP_GROUP_RENAME,      /* Name, NewName */
	CS_OP_GROUP_ONLINE,      /* Name, [Node], [WaitMs] */
	CS_OP_GROUP_OFFLINE,     /* Name, [WaitMs] */
	CS_OP_GROUP_MOVE,        /* Name, [Node] (none: the next possible node), [WaitMs] */
	CS_OP_GROUP_SET_OWNERS,  /* Name, Nodes (preferred owners, in order) */
	CS_OP_RESOURCE_CREATE,   /* Name, Type, Group, [Private] */
	CS_OP_RESOURCE_DELETE,   /* Name */
	CS_OP_RESOURCE_RENAME,   /* Name, NewName */
	CS_OP_RESOURCE_ONLINE,   /* Name, [WaitMs] */
	CS_OP_RESOURCE_OFFLINE,  /* Name, [WaitMs] */
	CS_OP_RESOURCE_FAIL,     /* Name: simulate a failure (MSCS FailClusterResource) */
	CS_OP_RESOURCE_ADD_DEP,  /* Name, DependsOn */
	CS_OP_RESOURCE_DEL_DEP,  /* Name, DependsOn */
	CS_OP_RESOURCE_ADD_OWNER,/* Name, Node (possible owner) */
	CS_OP_RESOURCE_DEL_OWNER,/* Name, Node */
	CS_OP_RESOURCE_CONTROL,  /* Name, [Node], Code, [In], OutSize -> BytesReturned, [Out] */
	CS_OP_TYPE_CONTROL,      /* Name (type), [Node], Code, [In], OutSize -> same */
	CS_OP_GROUP_CONTROL,     /* Name, [Node], Code, [In], OutSize -> same */
	CS_OP_NODE_CONTROL,      /* Name, [Node], Code, [In], OutSize -> same */
	CS_OP_CLUSTER_CONTROL,   /* [Node], Code, [In], OutSize -> same */
	CS_OP_NODE_PAUSE,        /* Name */
	CS_OP_NODE_RESUME,       /* Name */
	CS_OP_LOOKUP,            /* Name, State (enum cs_kind) -> ERROR_SUCCESS if it exists,
	                          * else the kind's not-found error; no payload */
	CS_OP_NODE_DRAIN,        /* Name, [WaitMs] (0: the default, 60 s) -> the drain
	                          * report (below), also with an error status: pause the
	                          * node, move every group it owns to the best other node,
	                          * answer when all are where they went, or at WaitMs */
	CS_OP_NODE_EVICT,        /* Name: remove a down node from the configuration */
	CS_OP_MAX
};

/*
 * The CS_OP_NODE_DRAIN report: "Node" (SZ, the node drained), then one
 * "Group" record by name (common/cs_record.h) per group the node owned or
 * was given while the drain ran, with the fields of cs_drain_fields:
 *   Name    the group
 *   Node    the node it is on now (left out: none)
 *   State   its state there (CLUSTER_GROUP_STATE)
 *   Status  ERROR_SUCCESS: moved and settled; ERROR_HOST_NODE_NOT_AVAILABLE:
 *           no other node can take it; ERROR_RESOURCE_FAILED: it failed
 *           where it went; ERROR_TIMEOUT: still moving at WaitMs;
 *           ERROR_GROUP_NOT_FOUND: deleted meanwhile; ...
 *   Error   why, for people (left out on success)
 * The reply's status: ERROR_SUCCESS if every group moved; else
 * ERROR_TIMEOUT if one was still moving, else the first group's error.
 * Error replies without a report (no such node, ...) carry "Error" alone.
 */
struct cs_drain_rec {
	char *name, *node, *error;
	uint32_t state, status;
};
#define CS_DRAIN_WAIT_DEFAULT_MS 60000u

static const struct rec_field cs_drain_fields[] = {
	REC_FIELD("Name", REC_SZ, struct cs_drain_rec, name, REC_REQUIRED),
	REC_FIELD("Node", REC_SZ, struct cs_drain_rec, node, 0),
	REC_FIELD("State", REC_DWORD, struct cs_drain_rec, state, REC_REQUIRED),
	REC_FIELD("Status", REC_DWORD, struct cs_drain_rec, status, REC_REQUIRED),
	REC_FIELD("Error", REC_SZ, struct cs_drain_rec, error, 0),
};

struct cs_frame_header {
	uint32_t magic;
	uint16_t version;
	uint16_t op;
	uint32_t id;
	uint32_t status;
	uint32_t length;
};

static inline void cs_frame_header_encode(uint8_t out[CS_PROTO_HEADER_SIZE],
					  uint16_t op, uint32_t id, uint32_t status,
					  uint32_t length)
{
	cs_put_le32(out, CS_PROTO_MAGIC);
	cs_put_le16(out + 4, CS_PROTO_VERSION);
	cs_put_le16(out + 6, op);
	cs_put_le32(out + 8, id);
	cs_put_le32(out + 12, status);
	cs_put_le32(out + 16, length);
}

/* Decode and check a header: 0; -1 if the magic or length is wrong (the
 * connection must then be dropped: the stream is out of step); -2 if the
 * magic is right but the version is not ours (h->version says which): the
 * receiver answers once with ERROR_REVISION_MISMATCH, in its own version,
 * naming both, and drops the connection. */
static inline int cs_frame_header_decode(const uint8_t in[CS_PROTO_HEADER_SIZE],
					 struct cs_frame_header *h)
{
	h->magic = cs_le32(in);
	h->version = cs_le16(in + 4);
	h->op = cs_le16(in + 6);
	h->id = cs_le32(in + 8);
	h->status = cs_le32(in + 12);
	h->length = cs_le32(in + 16);
	if (h->magic != CS_PROTO_MAGIC)
		return -1;
	if (h->version != CS_PROTO_VERSION)
		return -2;
	if (h->length > CS_PROTO_MAX_PAYLOAD)
		return -1;
	return 0;
}

#endif /* CS_CLIENTPROTO_H */
