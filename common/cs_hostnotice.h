/*
 * cs_hostnotice.h - a resource host's last word: "the clusterd I served is
 * gone, and I have terminated every resource" (doc/quorum.md, section 4).
 *
 * When clusterd dies on a node whose corosync lives on, the others see it
 * leave their CPG group at once, but cannot tell a dead clusterd from one
 * that corosync disconnected while it was frozen; so they wait for the lease
 * its resource host may still run under.  The host knows better: it saw
 * clusterd's socket close, terminated everything and closed every resource.
 * It then multicasts this notice in a CPG group of its own
 * (CS_HOSTS_GROUP), which every clusterd joins to listen, and exits.  A
 * clusterd that saw that clusterd leave places its groups at once.
 *
 * The sender's node comes from CPG; the payload says which clusterd (its
 * pid, as CPG reported it when it left), in CS_HOSTNOTICE_SIZE bytes,
 * little-endian: u32 magic, u32 version, u32 clusterd pid, u32 reserved (0).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_HOSTNOTICE_H
#define CS_HOSTNOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "cs_bytes.h"

#define CS_HOSTS_GROUP "cluster-server-hosts"
#define CS_HOSTNOTICE_MAGIC 0x4e534843u /* "CHSN" */
#define CS_HOSTNOTICE_VERSION 1u
#define CS_HOSTNOTICE_SIZE 16u

static inline void cs_hostnotice_encode(uint8_t out[CS_HOSTNOTICE_SIZE], uint32_t clusterd_pid)
{
	cs_put_le32(out, CS_HOSTNOTICE_MAGIC);
	cs_put_le32(out + 4, CS_HOSTNOTICE_VERSION);
	cs_put_le32(out + 8, clusterd_pid);
	cs_put_le32(out + 12, 0);
}

/* 0 and the pid, or -1 for anything else (wrong size, magic or version). */
static inline int cs_hostnotice_decode(const void *msg, size_t len, uint32_t *clusterd_pid)
{
	const uint8_t *p = msg;

	if (!p || len != CS_HOSTNOTICE_SIZE || cs_le32(p) != CS_HOSTNOTICE_MAGIC ||
	    cs_le32(p + 4) != CS_HOSTNOTICE_VERSION)
		return -1;
	*clusterd_pid = cs_le32(p + 8);
	return 0;
}

#endif /* CS_HOSTNOTICE_H */
