/*
 * disks.h - clusterd's part of the storage controls (disks.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CSD_DISKS_H
#define CSD_DISKS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* The resource type whose disks these are. */
#define DISKS_TYPE "Physical Disk"

/* Most bytes clusterd lets the plugin return for GET_AVAILABLE_DISKS before
 * it filters the list (64 disks of 4 partitions take about 150 KiB). */
#define DISKS_AVAILABLE_MAX (4u << 20)

/*
 * disks_filter_available - from the value list a Physical Disk plugin gave
 * for GET_AVAILABLE_DISKS (per disk: DISK_SIGNATURE or DISK_GUID first, then
 * its other values), remove every disk that a Physical Disk resource of m
 * already names (DiskSignature / DiskIdGuid).  *out (cs_malloc'd, the
 * caller frees) is a whole value list, ENDMARK last.  ERROR_SUCCESS;
 * ERROR_INVALID_DATA (or another validation error) for a malformed list;
 * ERROR_NOT_ENOUGH_MEMORY.
 */
uint32_t disks_filter_available(const struct cs_model *m, const void *in, size_t in_len,
				uint8_t **out, size_t *out_len);

#endif /* CSD_DISKS_H */
