/*
 * schema1.h - the database upgrade from schema 1 (positional records).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_SCHEMA1_H
#define CSD_SCHEMA1_H

#include "model.h"

/* Turn a schema-1 property list (Version, then one positional "Group" or
 * "Resource" property per object) into a current snapshot in out (an
 * OWNED builder, empty), which model_load() reads.  ERROR_INVALID_DATA for
 * a malformed list, ERROR_NOT_ENOUGH_MEMORY. */
uint32_t schema1_to_snapshot(const void *buf, size_t len, clusprop_builder *out);

#endif
