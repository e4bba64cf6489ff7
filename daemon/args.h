/*
 * args.h - the arguments of a request or a replicated change, decoded from
 * (and encoded to) the property lists of clientproto.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_ARGS_H
#define CSD_ARGS_H

#include <clusapi/proplist.h>
#include <stddef.h>
#include <stdint.h>

struct cs_args {
	char *name, *new_name, *node, *group, *type, *depends_on;
	char **nodes;            /* "Nodes" */
	size_t n_nodes;
	void *in;                /* "In" */
	size_t in_size;
	void *priv;              /* "Private" */
	size_t priv_size;
	uint32_t code, out_size, wait_ms, state, node_id, seq;
	uint32_t failover;       /* "Failover": an owner change the policy made, at this
	                            time (seconds since 1970): it counts */
	unsigned has_code : 1, has_out_size : 1, has_wait : 1, has_state : 1,
		 has_node_id : 1, has_seq : 1, has_in : 1, has_priv : 1, has_failover : 1;
};

/* Decode a property list (len 0: no arguments).  ERROR_INVALID_DATA /
 * ERROR_NO_UNICODE_TRANSLATION for a malformed list, ERROR_NOT_ENOUGH_MEMORY;
 * on error *a holds nothing. */
uint32_t cs_args_parse(const void *buf, size_t len, struct cs_args *a);
void cs_args_free(struct cs_args *a);

/* Append every argument a carries to b (begin_plist already done by the caller). */
uint32_t cs_args_encode(clusprop_builder *b, const struct cs_args *a);

#endif
