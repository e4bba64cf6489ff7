/*
 * props.h - the Physical Disk resource's private properties.
 *
 *   DiskIdType       DWORD  0 = MBR (DiskSignature), 1 = GPT (DiskIdGuid);
 *                           inferred from the one that is set when absent
 *   DiskSignature    DWORD  the MBR disk signature (0 = not set)
 *   DiskIdGuid       SZ     the GPT disk GUID, "{...}" or bare ("" = not set)
 *   DiskPath         SZ     optional: this disk's device path, tried first
 *   MaintenanceMode  DWORD  0-3 as MSCS (doc/physical-disk.md)
 *   MountPoints      MULTI_SZ "N=/path" or "N=/path:options"
 *   Arbitration      SZ     "sanlock" (default) or "pr"
 *   LeaseIoTimeout   DWORD  sanlock io_timeout in seconds, 1-60 (default 10)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_PD_PROPS_H
#define CS_PD_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <clusapi/proplist.h>

#include "arb.h"
#include "scan.h"

#define PD_IDTYPE_UNSET UINT32_MAX
#define PD_LEASE_IO_TIMEOUT_DEFAULT 10u
#define PD_MAX_MOUNTS 128u

enum pd_maint {
	PD_MAINT_NONE = 0,
	PD_MAINT_NO_HEALTH = 1,     /* health checks ignored (always alive) */
	PD_MAINT_OFFLINE = 2,       /* file systems unmounted, state stays Online */
	PD_MAINT_UNCLUSTER = 3,     /* also arbitration released */
};

struct pd_mount {
	uint32_t part;      /* partition number */
	char *path;         /* absolute, normalised (no trailing '/', no "//") */
	char *options;      /* NULL: defaults */
};

struct pd_props {
	uint32_t id_type;           /* as set; PD_IDTYPE_UNSET if never */
	uint32_t signature;
	char *guid;                 /* as set, NULL if none */
	char *disk_path;            /* NULL if none */
	uint32_t maint;
	char **mount_strs;          /* MountPoints as set (for GET) */
	size_t n_mount_strs;
	struct pd_mount *mounts;    /* parsed from mount_strs */
	size_t n_mounts;
	enum pd_arb_kind arb;
	uint32_t lease_io_timeout;
};

void pd_props_init(struct pd_props *p);
void pd_props_free(struct pd_props *p);
/* Deep copy into dst (uninitialised); false if memory is short (dst then
 * holds nothing to free beyond what pd_props_free frees). */
bool pd_props_copy(struct pd_props *dst, const struct pd_props *src);

/*
 * Apply a property list to *p (the values to start from).  strict: unknown
 * names are errors (VALIDATE); otherwise ignored (open, SET).  Then the
 * whole result is checked (pd_props_check with need_id false).  On error *p
 * is unchanged, why says what is wrong: ERROR_INVALID_PARAMETER for a bad
 * value, ERROR_INVALID_DATA for a malformed list.
 */
uint32_t pd_props_apply(const void *buf, size_t size, struct pd_props *p, bool strict,
			char *why, size_t why_len);

/* Cross-property checks.  need_id: an identity must be set (online). */
uint32_t pd_props_check(const struct pd_props *p, bool need_id, char *why, size_t why_len);

/* The identity the properties name (kind PD_ID_NONE if none). */
void pd_props_id(const struct pd_props *p, struct pd_id *id);

/* Every property with its effective value (clusprop_produce_fn; ctx is a
 * const struct pd_props *). */
uint32_t pd_props_produce(clusprop_builder *b, void *ctx);

#endif /* CS_PD_PROPS_H */
