/*
 * answers.h - the control codes clusterd answers itself, from the model
 * alone (no plugin, no network, no global state): names, ids, flags,
 * characteristics, class info, common properties, stored private
 * properties.  control.c asks here when the plugin declined a code or the
 * code is clusterd's alone; the torture and fuzz tests call it directly.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_ANSWERS_H
#define CSD_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

#include <clusapi/proplist.h>

#include "model.h"

/* One control as clusterd sees it. */
struct ctl_query {
	uint32_t op;            /* CS_OP_RESOURCE_CONTROL, CS_OP_GROUP_CONTROL, ... */
	const char *name;       /* the object (resource, group, node, type); NULL for the cluster */
	uint32_t code;          /* CLUSCTL_* */
	const void *in;         /* the caller's input (validated here where a code reads it) */
	size_t in_size;
	int quorate;            /* this node's view, for the cluster's common properties */
};

/*
 * answer_control - append clusterd's answer to q to out (an OWNED or
 * MEASURE builder, empty).  ERROR_SUCCESS with the answer in out;
 * ERROR_INVALID_FUNCTION when clusterd has no answer for the code (or the
 * code belongs to another kind of object than q->op); the object's
 * not-found error; ERROR_INVALID_PARAMETER / ERROR_INVALID_DATA for bad
 * input; ERROR_NOT_ENOUGH_MEMORY.  The model is never changed.  The buffer
 * contract (the caller's out_size) is the caller's to apply.
 */
uint32_t answer_control(const struct cs_model *m, const struct ctl_query *q, clusprop_builder *out);

/* Codes only clusterd can answer for a resource: no trip to its plugin. */
int answer_is_clusterd_only(uint32_t code);

/* The control object (CLUS_OBJECT_*) of a control request op, 0 if none. */
uint32_t answer_object_of_op(uint32_t op);

#endif
