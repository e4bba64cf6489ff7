/*
 * fuzz_frames.c - libFuzzer target for what a local client sends on
 * clusterd's API socket (common/clientproto.h), handled as daemon/api.c's
 * on_conn() and handle() handle it, by a client with admin rights on a
 * quorate node whose every node is a CPG member.
 *
 * Input: the byte stream of one connection: frames of a 20-byte header
 * (cs_frame_header_decode) and `length` payload bytes, one after the other.
 * A bad header ends the connection, as does a frame cut short (clusterd
 * would wait for the rest).  Each payload is copied into a heap block of
 * exactly its size, then:
 *   cs_args_parse();
 *   a change: the model op clusterd would replicate (api.c's plain_changes
 *     table and handle()'s cases; control.c for SET_COMMON_PROPERTIES and
 *     SET_PRIVATE_PROPERTIES), through encode, decode and model_apply
 *     (daemon_fixture.h's fz_replicate);
 *   a control: answer_control() as run_here() asks it when the plugin
 *     declines, under the buffer contract;
 *   CS_OP_STATUS: model_encode_status(); CS_OP_LOOKUP: the lookups.
 * One model lives for the whole connection, so the frames build on each
 * other; at the end it must still transfer to a joining node
 * (fz_check_model).  Everything is freed; LeakSanitizer watches.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi/clusctl.h>

#include "clientproto.h"
#include "daemon_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* api.c: requests that are a model op as they stand. */
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

/* api.c's GROUP_ONLINE / GROUP_MOVE: maybe an owner change, then PERSIST. */
static void group_online_or_move(struct cs_model *m, uint32_t op, struct cs_args *a)
{
	const struct cs_group *g = model_group(m, a->name);
	uint32_t members[16], target = 0;
	size_t n_members = 0;

	if (!g)
		return;
	for (size_t i = 0; i < m->n_nodes && n_members < 16; i++)
		members[n_members++] = m->nodes[i].id;
	if (a->node) {
		const struct cs_node *n = model_node(m, a->node);
		if (!n || n->state != ClusterNodeUp || !model_node_can_own(m, g, n->name))
			return;
		target = n->id;
	} else if (op == CS_OP_GROUP_MOVE) {
		target = model_choose_node(m, g, members, n_members, g->owner);
		if (!target)
			return;
	}
	if (target && target != g->owner) {
		struct cs_args mv = { .name = a->name, .node_id = target, .has_node_id = 1 };
		int live = g->owner && model_node_by_id(m, g->owner) &&
			   g->state != ClusterGroupOffline;
		(void)fz_replicate(m, live ? MOP_GROUP_MOVING : MOP_GROUP_OWNER, &mv);
		if (!(g = model_group(m, a->name)))
			return;
	}
	if (op == CS_OP_GROUP_ONLINE) {
		a->state = 1;
		a->has_state = 1;
		(void)fz_replicate(m, MOP_GROUP_PERSIST, a);
	} else {
		struct cs_args n = { .name = a->name, .state = g->persistent, .has_state = 1 };
		(void)fz_replicate(m, MOP_GROUP_PERSIST, &n);
	}
}

/* control.c's control_request(), the plugin declining everything. */
static void control(struct cs_model *m, uint32_t op, struct cs_args *a)
{
	if (!a->has_code)
		return;
	if (op == CS_OP_RESOURCE_CONTROL && !model_resource(m, a->name))
		return;
	if (a->code == CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES ||
	    a->code == CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES) {
		if (op != CS_OP_RESOURCE_CONTROL)
			return;
		if (a->code == CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES) {
			/* validated where the resource lives, then stored */
			if (!a->in_size)
				return;
			struct ctl_query v = { .op = op, .name = a->name, .in = a->in,
					       .in_size = a->in_size, .quorate = 1,
					       .code = CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES };
			if (fz_answer(m, &v, 0) != ERROR_SUCCESS)
				return;
			struct cs_args s = { .name = a->name, .priv = a->in,
					     .priv_size = a->in_size, .has_priv = 1 };
			(void)fz_replicate(m, MOP_RES_SET_PRIVATE, &s);
			return;
		}
		a->has_code = 0;
		a->has_out_size = 0;
		(void)fz_replicate(m, MOP_RES_SET_COMMON, a);
		return;
	}
	/* route(): a node named must exist */
	if (a->node && !model_node(m, a->node))
		return;
	struct ctl_query q = { .op = op, .name = a->name, .code = a->code, .in = a->in,
			       .in_size = a->in_size, .quorate = 1 };
	(void)fz_answer(m, &q, a->out_size);
}

/* api.c's handle() for one frame. */
static void handle(struct cs_model *m, uint32_t op, const uint8_t *payload, size_t len)
{
	struct cs_args a;

	if (cs_args_parse(payload, len, &a) != ERROR_SUCCESS)
		return;
	if (op != CS_OP_STATUS && op != CS_OP_CLUSTER_CONTROL && !a.name)
		goto out;
	for (size_t i = 0; i < sizeof(plain_changes) / sizeof(*plain_changes); i++) {
		if (plain_changes[i].op == op) {
			(void)fz_replicate(m, plain_changes[i].mop, &a);
			goto out;
		}
	}
	switch (op) {
	case CS_OP_STATUS: {
		clusprop_builder b;
		clusprop_builder_init_owned(&b);
		FZ_CHECK(model_encode_status(m, &b, &(struct cs_status_view){ .quorate = 1, .synced = 1, .runs = 1, .local_id = 1 }) == ERROR_SUCCESS);
		clusprop_builder_free(&b);
		break;
	}
	case CS_OP_GROUP_ONLINE:
	case CS_OP_GROUP_MOVE:
		group_online_or_move(m, op, &a);
		break;
	case CS_OP_GROUP_OFFLINE:
		a.state = 0;
		a.has_state = 1;
		(void)fz_replicate(m, MOP_GROUP_PERSIST, &a);
		break;
	case CS_OP_RESOURCE_CREATE:
		(void)fz_replicate(m, MOP_RES_CREATE, &a);
		break;
	case CS_OP_RESOURCE_ONLINE:
	case CS_OP_RESOURCE_OFFLINE:
		a.state = op == CS_OP_RESOURCE_ONLINE;
		a.has_state = 1;
		(void)fz_replicate(m, MOP_RES_PERSIST, &a);
		break;
	case CS_OP_RESOURCE_FAIL: {
		const struct cs_resource *r = model_resource(m, a.name);
		if (!r || r->state != ClusterResourceOnline)
			break;
		a.state = ClusterResourceFailed;
		a.has_state = 1;
		(void)fz_replicate(m, MOP_RES_STATE, &a);
		break;
	}
	case CS_OP_NODE_PAUSE:
	case CS_OP_NODE_RESUME:
		if (!model_node(m, a.name))
			break;
		a.state = op == CS_OP_NODE_PAUSE;
		a.has_state = 1;
		(void)fz_replicate(m, MOP_NODE_PAUSE, &a);
		break;
	case CS_OP_LOOKUP:
		(void)model_node(m, a.name);
		(void)model_group(m, a.name);
		(void)model_resource(m, a.name);
		break;
	case CS_OP_RESOURCE_CONTROL:
	case CS_OP_TYPE_CONTROL:
	case CS_OP_GROUP_CONTROL:
	case CS_OP_NODE_CONTROL:
	case CS_OP_CLUSTER_CONTROL:
		control(m, op, &a);
		break;
	default:
		break;
	}
out:
	cs_args_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cs_model m;
	size_t off = 0;

	fz_model_fill(&m);
	while (size - off >= CS_PROTO_HEADER_SIZE) {
		struct cs_frame_header h;
		if (cs_frame_header_decode(data + off, &h) != 0)
			break; /* -1: dropped; -2: ERROR_REVISION_MISMATCH, then dropped */
		off += CS_PROTO_HEADER_SIZE;
		if (h.length > size - off)
			break; /* clusterd waits for the rest */
		uint8_t *payload = malloc(h.length ? h.length : 1);
		FZ_CHECK(payload != NULL);
		if (h.length)
			memcpy(payload, data + off, h.length);
		off += h.length;
		handle(&m, h.op, h.length ? payload : NULL, h.length);
		free(payload);
	}
	/* whatever the frames made of it, a joining node can be given it */
	fz_check_model(&m);
	model_free(&m);
	return 0;
}
