/*
 * control.c - control codes answered on this node.
 *
 * As in MSCS, the plugin sees a resource's or type's control first (through
 * the resource host) and returns ERROR_INVALID_FUNCTION for what it leaves
 * to clusterd; codes only clusterd can know (name, id, type, flags, common
 * properties) are answered here at once, from memory.  Every answer obeys
 * the buffer contract: a caller buffer too small gives ERROR_MORE_DATA and
 * the size needed, and nothing else.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "csd.h"

#include <stdio.h>
#include <string.h>

#include "clientproto.h"
#include "cs_alloc.h"
#include "cs_bytes.h"
#include "log.h"

void control_finish(uint32_t origin, uint32_t req_id, uint32_t status, const void *out,
		    size_t bytes_returned, size_t out_len)
{
	if (origin == csd->local_id) {
		control_reply(origin, req_id, status, out, bytes_returned, out_len);
		return;
	}
	struct cs_args a = { .in = (void *)out, .in_size = out_len, .has_in = out_len > 0,
			     .out_size = (uint32_t)bytes_returned, .has_out_size = 1 };
	clusprop_builder b;
	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	if (cs_args_encode(&b, &a) == ERROR_SUCCESS)
		repl_send(MSG_CONTROL_REPLY, 0, origin, req_id, status,
			     clusprop_builder_data(&b), clusprop_builder_size(&b));
	else
		repl_send(MSG_CONTROL_REPLY, 0, origin, req_id, ERROR_NOT_ENOUGH_MEMORY, NULL, 0);
	clusprop_builder_free(&b);
}

/* Finish with a built output under the buffer contract. */
static void finish_built(clusprop_builder *b, uint32_t rc, uint32_t out_size, uint32_t origin,
			 uint32_t req_id)
{
	size_t size;

	if (rc == ERROR_SUCCESS)
		rc = clusprop_builder_status(b);
	if (rc != ERROR_SUCCESS) {
		control_finish(origin, req_id, rc, NULL, 0, 0);
		return;
	}
	size = clusprop_builder_size(b);
	if (size > out_size)
		control_finish(origin, req_id, ERROR_MORE_DATA, NULL, size, 0);
	else
		control_finish(origin, req_id, ERROR_SUCCESS, clusprop_builder_data(b), size, size);
}

/* A bare UTF-16LE string with its NUL (GET_NAME, GET_ID, GET_RESOURCE_TYPE). */
static uint32_t put_raw_string(clusprop_builder *b, const char *s)
{
	/* an SZ entry minus its 8-byte header is exactly that string */
	clusprop_builder t;
	uint32_t rc;

	clusprop_builder_init_owned(&t);
	rc = clusprop_put_sz(&t, CLUSPROP_SYNTAX_LIST_VALUE_SZ, s);
	if (rc == ERROR_SUCCESS) {
		const uint8_t *d = clusprop_builder_data(&t);
		uint32_t len = cs_le32(d + 4);
		/* reuse BINARY to copy len bytes, then drop its header */
		clusprop_builder_init_owned(b);
		rc = clusprop_put_binary(b, 1, d + 8, len);
		if (rc == ERROR_SUCCESS) {
			memmove(b->buf, b->buf + 8, len);
			b->len = len;
		}
	}
	clusprop_builder_free(&t);
	return rc;
}

static uint32_t put_raw_dword(clusprop_builder *b, uint32_t v)
{
	uint32_t rc;

	clusprop_builder_init_owned(b);
	rc = clusprop_put_dword(b, 2, v);
	if (rc == ERROR_SUCCESS) {
		memmove(b->buf, b->buf + 8, 4);
		b->len = 4;
	}
	return rc;
}

/* A property-name list: UTF-16LE names, each NUL-terminated, then a NUL. */
static uint32_t put_name_list(clusprop_builder *b, const char *const *names, size_t n)
{
	uint32_t rc;

	clusprop_builder_init_owned(b);
	rc = clusprop_put_multi_sz(b, 5, names, n);
	if (rc == ERROR_SUCCESS) {
		uint32_t len = cs_le32(b->buf + 4);
		memmove(b->buf, b->buf + 8, len);
		b->len = len;
	}
	return rc;
}

static const char *const res_common[] = {
	"Name", "Type", "RestartAction", "RestartThreshold", "RestartPeriod",
	"LooksAlivePollInterval", "IsAlivePollInterval", "PendingTimeout", "PersistentState",
};

static uint32_t res_common_props(clusprop_builder *b, const struct cs_resource *r, int ro_only)
{
	clusprop_builder_init_owned(b);
	clusprop_builder_begin_plist(b);
	if (ro_only) {
		clusprop_add_sz(b, "Type", r->type);
		return clusprop_builder_status(b);
	}
	clusprop_add_sz(b, "Name", r->name);
	clusprop_add_sz(b, "Type", r->type);
	clusprop_add_dword(b, "RestartAction", r->restart_action);
	clusprop_add_dword(b, "RestartThreshold", r->restart_threshold);
	clusprop_add_dword(b, "RestartPeriod", r->restart_period);
	clusprop_add_dword(b, "LooksAlivePollInterval", r->looks_alive_ms);
	clusprop_add_dword(b, "IsAlivePollInterval", r->is_alive_ms);
	clusprop_add_dword(b, "PendingTimeout", r->pending_timeout_ms);
	clusprop_add_dword(b, "PersistentState", r->persistent);
	return clusprop_builder_status(b);
}

/* Property names of a stored property list. */
static uint32_t priv_names(clusprop_builder *b, const void *priv, size_t size)
{
	struct cs_strv names = { 0 };
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc = ERROR_SUCCESS;

	if (size) {
		rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, priv, size, NULL);
		if (rc != ERROR_SUCCESS)
			return rc;
		while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS)
			if (!strv_contains(&names, v.name) && (rc = strv_add(&names, v.name)))
				break;
		clusprop_iter_done(&it);
		if (rc == ERROR_NO_MORE_ITEMS)
			rc = ERROR_SUCCESS;
	}
	if (rc == ERROR_SUCCESS)
		rc = put_name_list(b, (const char *const *)names.v, names.n);
	strv_free(&names);
	return rc;
}

void control_default(uint32_t op, const char *name, uint32_t code, const void *in, size_t in_size,
		     uint32_t out_size, uint32_t origin, uint32_t req_id)
{
	clusprop_builder b;
	uint32_t rc = ERROR_INVALID_FUNCTION;
	struct cs_model *m = &csd->model;

	(void)in;
	(void)in_size;
	clusprop_builder_init_owned(&b);
	if (op == CS_OP_RESOURCE_CONTROL) {
		const struct cs_resource *r = model_resource(m, name);
		if (!r) {
			rc = ERROR_RESOURCE_NOT_FOUND;
			goto out;
		}
		switch (code) {
		case CLUSCTL_RESOURCE_GET_NAME:
		case CLUSCTL_RESOURCE_GET_ID:
			rc = put_raw_string(&b, r->name);
			break;
		case CLUSCTL_RESOURCE_GET_RESOURCE_TYPE:
			rc = put_raw_string(&b, r->type);
			break;
		case CLUSCTL_RESOURCE_GET_FLAGS:
		case CLUSCTL_RESOURCE_GET_CHARACTERISTICS:
			rc = put_raw_dword(&b, 0);
			break;
		case CLUSCTL_RESOURCE_GET_CLASS_INFO:
			clusprop_builder_init_owned(&b);
			rc = clusprop_put_ularge(&b, 6, 0); /* {CLUS_RESCLASS_UNKNOWN, 0} */
			if (rc == ERROR_SUCCESS) {
				memmove(b.buf, b.buf + 8, 8);
				b.len = 8;
			}
			break;
		case CLUSCTL_RESOURCE_GET_REQUIRED_DEPENDENCIES:
			rc = clusprop_put_endmark(&b);
			break;
		case CLUSCTL_RESOURCE_ENUM_COMMON_PROPERTIES:
			rc = put_name_list(&b, res_common, sizeof(res_common) / sizeof(*res_common));
			break;
		case CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES:
			rc = res_common_props(&b, r, 0);
			break;
		case CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES:
			rc = res_common_props(&b, r, 1);
			break;
		case CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES:
			/* what SET_COMMON_PROPERTIES would accept, not only the syntax */
			rc = in_size ? model_validate_common(r, in, in_size, NULL)
				     : ERROR_INVALID_PARAMETER;
			break;
		case CLUSCTL_RESOURCE_VALIDATE_PRIVATE_PROPERTIES:
			rc = in_size ? clusprop_validate_property_list(in, in_size, NULL)
				     : ERROR_INVALID_PARAMETER;
			break;
		case CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES:
			clusprop_builder_init_owned(&b);
			if (r->priv_size)
				rc = clusprop_put_binary(&b, 1, r->priv, r->priv_size);
			else
				rc = clusprop_builder_begin_plist(&b);
			if (rc == ERROR_SUCCESS && r->priv_size) {
				memmove(b.buf, b.buf + 8, r->priv_size);
				b.len = r->priv_size;
			}
			break;
		case CLUSCTL_RESOURCE_GET_RO_PRIVATE_PROPERTIES:
			rc = clusprop_builder_begin_plist(&b);
			break;
		case CLUSCTL_RESOURCE_ENUM_PRIVATE_PROPERTIES:
			rc = priv_names(&b, r->priv, r->priv_size);
			break;
		}
	} else if (op == CS_OP_GROUP_CONTROL) {
		const struct cs_group *g = model_group(m, name);
		if (!g) {
			rc = ERROR_GROUP_NOT_FOUND;
			goto out;
		}
		switch (code) {
		case CLUSCTL_GROUP_GET_NAME:
		case CLUSCTL_GROUP_GET_ID:
			rc = put_raw_string(&b, g->name);
			break;
		case CLUSCTL_GROUP_GET_FLAGS:
		case CLUSCTL_GROUP_GET_CHARACTERISTICS:
			rc = put_raw_dword(&b, 0);
			break;
		case CLUSCTL_GROUP_GET_COMMON_PROPERTIES:
			clusprop_builder_begin_plist(&b);
			clusprop_add_sz(&b, "Name", g->name);
			clusprop_add_dword(&b, "FailoverThreshold", g->failover_threshold);
			clusprop_add_dword(&b, "FailoverPeriod", g->failover_period);
			clusprop_add_dword(&b, "AutoFailbackType", g->autofailback);
			clusprop_add_dword(&b, "PersistentState", g->persistent);
			rc = clusprop_builder_status(&b);
			break;
		case CLUSCTL_GROUP_GET_RO_COMMON_PROPERTIES:
		case CLUSCTL_GROUP_GET_PRIVATE_PROPERTIES:
			rc = clusprop_builder_begin_plist(&b);
			break;
		}
	} else if (op == CS_OP_NODE_CONTROL) {
		const struct cs_node *n = model_node(m, name);
		char id[16];
		if (!n) {
			rc = ERROR_CLUSTER_NODE_NOT_FOUND;
			goto out;
		}
		switch (code) {
		case CLUSCTL_NODE_GET_NAME:
			rc = put_raw_string(&b, n->name);
			break;
		case CLUSCTL_NODE_GET_ID:
			snprintf(id, sizeof(id), "%u", n->id);
			rc = put_raw_string(&b, id);
			break;
		case CLUSCTL_NODE_GET_FLAGS:
		case CLUSCTL_NODE_GET_CHARACTERISTICS:
			rc = put_raw_dword(&b, 0);
			break;
		case CLUSCTL_NODE_GET_COMMON_PROPERTIES:
			clusprop_builder_begin_plist(&b);
			clusprop_add_sz(&b, "NodeName", n->name);
			clusprop_add_dword(&b, "NodeID", n->id);
			clusprop_add_dword(&b, "State", n->state);
			rc = clusprop_builder_status(&b);
			break;
		case CLUSCTL_NODE_GET_RO_COMMON_PROPERTIES:
		case CLUSCTL_NODE_GET_PRIVATE_PROPERTIES:
			rc = clusprop_builder_begin_plist(&b);
			break;
		}
	} else if (op == CS_OP_CLUSTER_CONTROL) {
		switch (code) {
		case CLUSCTL_CLUSTER_GET_FQDN:
			rc = put_raw_string(&b, m->cluster_name ? m->cluster_name : "");
			break;
		case CLUSCTL_CLUSTER_GET_COMMON_PROPERTIES:
			clusprop_builder_begin_plist(&b);
			clusprop_add_sz(&b, "Name", m->cluster_name ? m->cluster_name : "");
			clusprop_add_dword(&b, "Quorate", (uint32_t)csd->quorate);
			rc = clusprop_builder_status(&b);
			break;
		case CLUSCTL_CLUSTER_GET_RO_COMMON_PROPERTIES:
		case CLUSCTL_CLUSTER_GET_PRIVATE_PROPERTIES:
			rc = clusprop_builder_begin_plist(&b);
			break;
		}
	} else if (op == CS_OP_TYPE_CONTROL) {
		switch (code) {
		case CLUSCTL_RESOURCE_TYPE_GET_CHARACTERISTICS:
		case CLUSCTL_RESOURCE_TYPE_GET_FLAGS:
			rc = put_raw_dword(&b, 0);
			break;
		case CLUSCTL_RESOURCE_TYPE_GET_CLASS_INFO:
			clusprop_builder_init_owned(&b);
			rc = clusprop_put_ularge(&b, 6, 0);
			if (rc == ERROR_SUCCESS) {
				memmove(b.buf, b.buf + 8, 8);
				b.len = 8;
			}
			break;
		case CLUSCTL_RESOURCE_TYPE_GET_REQUIRED_DEPENDENCIES:
			rc = clusprop_put_endmark(&b);
			break;
		case CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES:
			clusprop_builder_begin_plist(&b);
			clusprop_add_sz(&b, "Name", name ? name : "");
			clusprop_add_dword(&b, "LooksAlivePollInterval", 5000);
			clusprop_add_dword(&b, "IsAlivePollInterval", 60000);
			rc = clusprop_builder_status(&b);
			break;
		case CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES:
		case CLUSCTL_RESOURCE_TYPE_GET_PRIVATE_PROPERTIES:
			rc = clusprop_builder_begin_plist(&b);
			break;
		}
	}
out:
	finish_built(&b, rc, out_size, origin, req_id);
	clusprop_builder_free(&b);
}

/* Codes only clusterd can answer: no trip to the plugin. */
static int clusterd_only(uint32_t code)
{
	switch (code) {
	case CLUSCTL_RESOURCE_GET_NAME:
	case CLUSCTL_RESOURCE_GET_ID:
	case CLUSCTL_RESOURCE_GET_RESOURCE_TYPE:
	case CLUSCTL_RESOURCE_GET_FLAGS:
	case CLUSCTL_RESOURCE_ENUM_COMMON_PROPERTIES:
	case CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES:
	case CLUSCTL_RESOURCE_GET_RO_COMMON_PROPERTIES:
	case CLUSCTL_RESOURCE_VALIDATE_COMMON_PROPERTIES:
		return 1;
	}
	return 0;
}

void control_local(uint32_t op, const struct cs_args *a, uint32_t origin, uint32_t req_id)
{
	uint32_t rc = ERROR_INVALID_FUNCTION;

	if (op == CS_OP_RESOURCE_CONTROL) {
		const struct cs_resource *r = model_resource(&csd->model, a->name);
		if (!r) {
			control_finish(origin, req_id, ERROR_RESOURCE_NOT_FOUND, NULL, 0, 0);
			return;
		}
		if (!clusterd_only(a->code))
			rc = rm_control(r->name, r->type, op, a->code, a->in, a->in_size,
					a->out_size, origin, req_id);
	} else if (op == CS_OP_TYPE_CONTROL) {
		rc = rm_control(NULL, a->name, op, a->code, a->in, a->in_size, a->out_size, origin,
				req_id);
	}
	if (rc == ERROR_IO_PENDING)
		return;
	if (rc != ERROR_INVALID_FUNCTION) {
		control_finish(origin, req_id, rc, NULL, 0, 0);
		return;
	}
	control_default(op, a->name, a->code, a->in, a->in_size, a->out_size, origin, req_id);
}
