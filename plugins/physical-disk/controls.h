/*
 * controls.h - the storage control codes of a Physical Disk (MSCS numbers,
 * clusapi/clusctl.h), each under the MSCS buffer contract: out too small or
 * NULL -> ERROR_MORE_DATA with *bytes_returned = the size needed, nothing
 * written.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_PD_CONTROLS_H
#define CS_PD_CONTROLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "props.h"
#include "scan.h"

/* MSCS values (MinGW-w64's public-domain clusapi.h, MS-CMRP). */
#define PD_CLUS_RESCLASS_STORAGE        1u
#define PD_CLUS_RESSUBCLASS_SHARED      0x80000000u
#define PD_CLUS_CHAR_QUORUM             0x00000001u
#define PD_CLUS_CHAR_DELETE_REQUIRES_ALL_NODES 0x00000002u

/* CLUS_PARTITION_INFO_EX (MS-CMRP 2.2.3.11), 1160 bytes. */
#define PD_PARTITION_INFO_EX_SIZE 1160u

/* GET_CLASS_INFO: {CLUS_RESCLASS_STORAGE, CLUS_RESSUBCLASS_SHARED}. */
uint32_t pd_ctl_class_info(void *out, size_t out_size, size_t *bytes_returned);

/* GET_CHARACTERISTICS: a disk can hold quorum; deleting it needs all nodes. */
uint32_t pd_ctl_characteristics(void *out, size_t out_size, size_t *bytes_returned);

/* A file system the resource mounted: its device and mount point. */
struct pd_mounted {
	dev_t dev;
	char *target;
};

/* The mounts an online resource made (n may be 0). */
struct pd_mount_list {
	const struct pd_mounted *v;
	size_t n;
};

/* STORAGE_GET_DISK_INFO(_EX) of disk dk; p (may be NULL) marks the
 * partitions that have a configured mount point STICKY.  mounted (may be
 * NULL): the online owner's own mounts; a partition's
 * free space and name length are then read where it mounted it (checked
 * with stat: the file system at the target is that partition), without
 * reading the whole mount table.  NULL: the mount table says where each
 * partition is mounted on this node. */
uint32_t pd_ctl_disk_info(const struct pd_disk *dk, const struct pd_props *p, bool ex,
			  const struct pd_mount_list *mounted,
			  void *out, size_t out_size, size_t *bytes_returned);

/* STORAGE_IS_PATH_VALID: in = a NUL-terminated UTF-16LE path.  dk NULL: the
 * disk is not visible here (every path: ERROR_FILE_NOT_FOUND). */
uint32_t pd_ctl_is_path_valid(const struct pd_disk *dk, const void *in, size_t in_size);

/* Whether a resource on this node holds the disk (callback of the plugin). */
typedef bool (*pd_held_here_fn)(const struct pd_id *id);

/* STORAGE_GET_AVAILABLE_DISKS (resource type control).  node_id: this
 * node's id (0 if unknown). */
uint32_t pd_ctl_available_disks(pd_held_here_fn held_here, uint32_t node_id,
				void *out, size_t out_size, size_t *bytes_returned,
				char *why, size_t why_len);

#endif /* CS_PD_CONTROLS_H */
