/*
 * control.c - control codes for resources, resource types, groups, nodes
 * and the cluster, under MSCS's buffer contract.
 *
 * Request: [Name], [Node], Code, [In], OutSize.  Reply: BytesReturned and,
 * on success, Out.  With ERROR_MORE_DATA the reply's BytesReturned is the
 * size needed, so the caller learns it from this one request.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "client.h"

#include <string.h>

#include "cs_alloc.h"

/* What a control reply said, pointing into the reply payload. */
struct ctl_answer {
	int have_bytes;
	uint32_t bytes;
	int have_out;
	const void *out;
	uint32_t out_len;
};

static uint32_t parse_answer(const struct cs_reply *reply, struct ctl_answer *a)
{
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc;

	memset(a, 0, sizeof(*a));
	if (reply->length == 0)
		return ERROR_SUCCESS;
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, reply->payload, reply->length,
				NULL);
	if (rc != ERROR_SUCCESS)
		return ERROR_INVALID_DATA;
	for (;;) {
		rc = clusprop_iter_next(&it, &v);
		if (rc == ERROR_NO_MORE_ITEMS) {
			rc = ERROR_SUCCESS;
			break;
		}
		if (rc != ERROR_SUCCESS)
			break;
		if (strcmp(v.name, "BytesReturned") == 0) {
			if (v.format != CLUSPROP_FORMAT_DWORD) {
				rc = ERROR_INVALID_DATA;
				break;
			}
			a->have_bytes = 1;
			a->bytes = v.num.dw;
		} else if (strcmp(v.name, "Out") == 0) {
			if (v.format != CLUSPROP_FORMAT_BINARY) {
				rc = ERROR_INVALID_DATA;
				break;
			}
			a->have_out = 1;
			a->out = v.data;
			a->out_len = v.length;
		}
	}
	clusprop_iter_done(&it);
	return rc;
}

/*
 * One control request.  The target is named by an object handle (target),
 * by a plain string (target_str: a resource type), or not at all (the
 * cluster).
 */
static uint32_t control(cluster_handle *h, const struct cs_obj *target, const char *target_str,
			uint16_t op, cluster_node *host_node, uint32_t code, const void *in,
			size_t in_size, void *out, size_t out_size, size_t *bytes_returned)
{
	struct cs_reply reply = { 0 };
	struct ctl_answer a;
	clusprop_builder b;
	unsigned flags = 0;
	uint32_t rc;

	if (!h || (in_size && !in))
		return ERROR_INVALID_PARAMETER;
	if (!out)
		out_size = 0;
	if (in_size > CS_PROTO_MAX_PAYLOAD)
		return ERROR_INVALID_PARAMETER;
	/* A code that neither modifies nor writes can be asked again safely. */
	if (!(code & CLCTL_MODIFY_MASK) && CLUSCTL_GET_ACCESS_MODE(code) != CLUS_ACCESS_WRITE)
		flags |= CS_CALL_IDEMPOTENT;

	clusprop_builder_init_owned(&b);
	clusprop_builder_begin_plist(&b);
	if (target)
		cs_obj_add_name(&b, target, "Name");
	else if (target_str)
		clusprop_add_sz(&b, "Name", target_str);
	if (host_node)
		cs_obj_add_name(&b, &host_node->o, "Node");
	clusprop_add_dword(&b, "Code", code);
	if (in_size)
		clusprop_add_binary(&b, "In", in, in_size);
	clusprop_add_dword(&b, "OutSize", out_size > UINT32_MAX ? UINT32_MAX : (uint32_t)out_size);
	rc = cs_call_plist(h, op, &b, flags, 0, &reply);
	if (rc != ERROR_SUCCESS)
		goto out;

	rc = parse_answer(&reply, &a);
	if (rc != ERROR_SUCCESS)
		goto out;
	rc = reply.status;
	if (rc == ERROR_MORE_DATA) {
		/* The size needed must be in the reply, and must not fit. */
		if (!a.have_bytes || a.bytes <= out_size) {
			rc = ERROR_INVALID_DATA;
			goto out;
		}
		if (bytes_returned)
			*bytes_returned = a.bytes;
		goto out;
	}
	if (rc != ERROR_SUCCESS)
		goto out;
	/* Success: the output must agree with BytesReturned and fit. */
	{
		uint32_t n = a.have_out ? a.out_len : 0;

		if ((a.have_bytes && a.bytes != n) || n > out_size) {
			rc = ERROR_INVALID_DATA;
			goto out;
		}
		if (n)
			memcpy(out, a.out, n);
		if (bytes_returned)
			*bytes_returned = n;
	}
out:
	cs_reply_free(&reply);
	clusprop_builder_free(&b);
	return rc;
}

uint32_t cluster_resource_control(cluster_resource *r, cluster_node *host_node, uint32_t code,
				  const void *in, size_t in_size, void *out, size_t out_size,
				  size_t *bytes_returned)
{
	if (!r)
		return ERROR_INVALID_PARAMETER;
	return control(r->o.h, &r->o, NULL, CS_OP_RESOURCE_CONTROL, host_node, code, in,
		       in_size, out, out_size, bytes_returned);
}

uint32_t cluster_resource_type_control(cluster_handle *h, const char *type_name,
				       cluster_node *host_node, uint32_t code,
				       const void *in, size_t in_size, void *out,
				       size_t out_size, size_t *bytes_returned)
{
	if (!h || !type_name || !*type_name)
		return ERROR_INVALID_PARAMETER;
	return control(h, NULL, type_name, CS_OP_TYPE_CONTROL, host_node, code, in, in_size,
		       out, out_size, bytes_returned);
}

uint32_t cluster_group_control(cluster_group *g, cluster_node *host_node, uint32_t code,
			       const void *in, size_t in_size, void *out, size_t out_size,
			       size_t *bytes_returned)
{
	if (!g)
		return ERROR_INVALID_PARAMETER;
	return control(g->o.h, &g->o, NULL, CS_OP_GROUP_CONTROL, host_node, code, in, in_size,
		       out, out_size, bytes_returned);
}

uint32_t cluster_node_control(cluster_node *n, cluster_node *host_node, uint32_t code,
			      const void *in, size_t in_size, void *out, size_t out_size,
			      size_t *bytes_returned)
{
	if (!n)
		return ERROR_INVALID_PARAMETER;
	/* As in MSCS, without a host node the node itself answers: say so
	 * (clusterd would otherwise answer on the local node). */
	return control(n->o.h, &n->o, NULL, CS_OP_NODE_CONTROL, host_node ? host_node : n, code,
		       in, in_size, out, out_size, bytes_returned);
}

uint32_t cluster_cluster_control(cluster_handle *h, cluster_node *host_node, uint32_t code,
				 const void *in, size_t in_size, void *out, size_t out_size,
				 size_t *bytes_returned)
{
	if (!h)
		return ERROR_INVALID_PARAMETER;
	return control(h, NULL, NULL, CS_OP_CLUSTER_CONTROL, host_node, code, in, in_size, out,
		       out_size, bytes_returned);
}
