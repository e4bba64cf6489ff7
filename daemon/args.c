/*
 * args.c - see args.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "args.h"

#include <string.h>

#include "cs_alloc.h"

static uint32_t take_string(char **dst, const clusprop_value *v)
{
	if (v->format != CLUSPROP_FORMAT_SZ)
		return ERROR_INVALID_DATA;
	char *s = cs_strdup(v->str);
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	cs_free(*dst);
	*dst = s;
	return ERROR_SUCCESS;
}

static uint32_t take_binary(void **dst, size_t *size, const clusprop_value *v)
{
	void *p;

	if (v->format != CLUSPROP_FORMAT_BINARY)
		return ERROR_INVALID_DATA;
	p = cs_malloc(v->length);
	if (!p)
		return ERROR_NOT_ENOUGH_MEMORY;
	memcpy(p, v->data, v->length);
	cs_free(*dst);
	*dst = p;
	*size = v->length;
	return ERROR_SUCCESS;
}

static uint32_t take_multi(struct cs_args *a, const clusprop_value *v)
{
	char **list;

	if (v->format != CLUSPROP_FORMAT_MULTI_SZ)
		return ERROR_INVALID_DATA;
	list = cs_calloc(v->str_count + 1, sizeof(*list));
	if (!list)
		return ERROR_NOT_ENOUGH_MEMORY;
	for (uint32_t i = 0; i < v->str_count; i++) {
		list[i] = cs_strdup(clusprop_value_multi_sz_at(v, i));
		if (!list[i]) {
			for (uint32_t j = 0; j < i; j++)
				cs_free(list[j]);
			cs_free(list);
			return ERROR_NOT_ENOUGH_MEMORY;
		}
	}
	for (size_t i = 0; i < a->n_nodes; i++)
		cs_free(a->nodes[i]);
	cs_free(a->nodes);
	a->nodes = list;
	a->n_nodes = v->str_count;
	return ERROR_SUCCESS;
}

static uint32_t take_dword(uint32_t *dst, const clusprop_value *v)
{
	if (v->format != CLUSPROP_FORMAT_DWORD)
		return ERROR_INVALID_DATA;
	*dst = v->num.dw;
	return ERROR_SUCCESS;
}

uint32_t cs_args_parse(const void *buf, size_t len, struct cs_args *a)
{
	clusprop_iter it;
	clusprop_value v;
	uint32_t rc;
	int open = 0;

	memset(a, 0, sizeof(*a));
	if (len == 0)
		return ERROR_SUCCESS;
	rc = clusprop_iter_init(&it, CLUSPROP_PROPERTY_LIST, buf, len, NULL);
	if (rc != ERROR_SUCCESS)
		goto out;
	open = 1;
	while ((rc = clusprop_iter_next(&it, &v)) == ERROR_SUCCESS) {
		const char *n = v.name;
		if (!strcmp(n, "Name")) rc = take_string(&a->name, &v);
		else if (!strcmp(n, "NewName")) rc = take_string(&a->new_name, &v);
		else if (!strcmp(n, "Node")) rc = take_string(&a->node, &v);
		else if (!strcmp(n, "Group")) rc = take_string(&a->group, &v);
		else if (!strcmp(n, "Type")) rc = take_string(&a->type, &v);
		else if (!strcmp(n, "DependsOn")) rc = take_string(&a->depends_on, &v);
		else if (!strcmp(n, "Nodes")) rc = take_multi(a, &v);
		else if (!strcmp(n, "In")) { rc = take_binary(&a->in, &a->in_size, &v); a->has_in = 1; }
		else if (!strcmp(n, "Private")) { rc = take_binary(&a->priv, &a->priv_size, &v); a->has_priv = 1; }
		else if (!strcmp(n, "Code")) { rc = take_dword(&a->code, &v); a->has_code = 1; }
		else if (!strcmp(n, "OutSize")) { rc = take_dword(&a->out_size, &v); a->has_out_size = 1; }
		else if (!strcmp(n, "WaitMs")) { rc = take_dword(&a->wait_ms, &v); a->has_wait = 1; }
		else if (!strcmp(n, "State")) { rc = take_dword(&a->state, &v); a->has_state = 1; }
		else if (!strcmp(n, "NodeId")) { rc = take_dword(&a->node_id, &v); a->has_node_id = 1; }
		else if (!strcmp(n, "Seq")) { rc = take_dword(&a->seq, &v); a->has_seq = 1; }
		else if (!strcmp(n, "Failover")) { rc = take_dword(&a->failover, &v); a->has_failover = 1; }
		/* unknown names are ignored: newer clients may send more */
		if (rc != ERROR_SUCCESS)
			goto out;
	}
	if (rc == ERROR_NO_MORE_ITEMS)
		rc = ERROR_SUCCESS;
out:
	if (open)
		clusprop_iter_done(&it);
	if (rc != ERROR_SUCCESS)
		cs_args_free(a);
	return rc;
}

void cs_args_free(struct cs_args *a)
{
	cs_freep(&a->name);
	cs_freep(&a->new_name);
	cs_freep(&a->node);
	cs_freep(&a->group);
	cs_freep(&a->type);
	cs_freep(&a->depends_on);
	for (size_t i = 0; i < a->n_nodes; i++)
		cs_free(a->nodes[i]);
	cs_freep(&a->nodes);
	cs_freep(&a->in);
	cs_freep(&a->priv);
	memset(a, 0, sizeof(*a));
}

uint32_t cs_args_encode(clusprop_builder *b, const struct cs_args *a)
{
	if (a->name) clusprop_add_sz(b, "Name", a->name);
	if (a->new_name) clusprop_add_sz(b, "NewName", a->new_name);
	if (a->node) clusprop_add_sz(b, "Node", a->node);
	if (a->group) clusprop_add_sz(b, "Group", a->group);
	if (a->type) clusprop_add_sz(b, "Type", a->type);
	if (a->depends_on) clusprop_add_sz(b, "DependsOn", a->depends_on);
	if (a->nodes) clusprop_add_multi_sz(b, "Nodes", (const char *const *)a->nodes, a->n_nodes);
	if (a->has_in) clusprop_add_binary(b, "In", a->in, a->in_size);
	if (a->has_priv) clusprop_add_binary(b, "Private", a->priv, a->priv_size);
	if (a->has_code) clusprop_add_dword(b, "Code", a->code);
	if (a->has_out_size) clusprop_add_dword(b, "OutSize", a->out_size);
	if (a->has_wait) clusprop_add_dword(b, "WaitMs", a->wait_ms);
	if (a->has_state) clusprop_add_dword(b, "State", a->state);
	if (a->has_node_id) clusprop_add_dword(b, "NodeId", a->node_id);
	if (a->has_seq) clusprop_add_dword(b, "Seq", a->seq);
	if (a->has_failover) clusprop_add_dword(b, "Failover", a->failover);
	return clusprop_builder_status(b);
}
