/*
 * arb.h - arbitration for one shared disk: the right to write it.
 *
 * Two back ends behind one interface (DESIGN.md section 5):
 *   PD_ARB_SANLOCK  disk leases with sanlock (any shared block device).  The
 *                   lockspace and the resource lease live on the disk itself,
 *                   in the reserved area before the first partition (see
 *                   PD_ARB_SANLOCK_AREA_*); the host id is the corosync node
 *                   id (1..2000).  Needs a running sanlock daemon
 *                   (SANLOCK_RUN_DIR names its socket directory).
 *   PD_ARB_PR       SCSI-3 / NVMe persistent reservations through the
 *                   kernel's generic block PR ioctls (linux/pr.h): a key per
 *                   node, reservation "write exclusive, registrants only",
 *                   preempt a lost owner's key before taking over (as
 *                   fence_scsi does).  Untested on machines without PR
 *                   support; never emulated.
 *
 * Threading: one pd_arb belongs to one resource; the plugin serialises calls
 * on it (the host serialises a resource's entry points).  Every function
 * returns an MSCS error code (clusapi/errors.h) and, on failure, writes one
 * clear line to *why (caller's buffer, may be NULL).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CS_PD_ARB_H
#define CS_PD_ARB_H

#include <stddef.h>
#include <stdint.h>

enum pd_arb_kind {
	PD_ARB_SANLOCK = 1,
	PD_ARB_PR = 2,
};

/* sanlock's on-disk area, byte offsets from the start of the whole disk:
 * the lockspace (delta leases of up to 2000 hosts, 512-byte sectors, 1 MiB
 * alignment) at 1 MiB, the disk's resource (paxos) lease at 2 MiB.  The
 * first partition must start at or after PD_ARB_SANLOCK_AREA_END. */
#define PD_ARB_SANLOCK_LOCKSPACE_OFFSET (UINT64_C(1) << 20)
#define PD_ARB_SANLOCK_RESOURCE_OFFSET  (UINT64_C(2) << 20)
#define PD_ARB_SANLOCK_AREA_END         (UINT64_C(3) << 20)

struct pd_arb_params {
	enum pd_arb_kind kind;
	const char *device;     /* this node's path to the whole disk, e.g. /dev/loop7 */
	const char *disk_id;    /* "SIG:5ca1ab1e" or "GUID:<36 chars>": names the lockspace */
	uint32_t node_id;       /* this node's corosync node id */
	uint32_t io_timeout_s;  /* sanlock io_timeout (seconds, 1..60) */
};

/* Flags for pd_arb_acquire(). */
enum {
	/*
	 * The cluster has proven that the previous owner (prev_owner) is
	 * stopped: corosync removed it from the membership and the majority
	 * waited out the self-fencing bound T (doc/quorum.md).  A back end may
	 * then take the disk without waiting for the storage to time the old
	 * owner out: sanlock rewrites the resource lease (clearing a dead
	 * holder), PR preempts prev_owner's key.  Without this flag a lease
	 * held by another live-looking host is ERROR_SHARING_VIOLATION (32).
	 */
	PD_ARB_TAKEOVER_FENCED = 1u << 0,
};

struct pd_arb;

/* Open the arbitration state for a disk: sanlock joins (asynchronously) the
 * disk's lockspace, initialising the area first if it is blank; PR checks
 * that the device answers PR ioctls.  Does not take the disk. */
uint32_t pd_arb_open(const struct pd_arb_params *p, struct pd_arb **out, char *why, size_t why_len);

/* Take the disk for this node.  Blocks at most until the lockspace is
 * joined plus one acquire attempt.  ERROR_SUCCESS: this node may write.
 * ERROR_SHARING_VIOLATION (32): another node holds it.
 * ERROR_NOT_READY (21): the lockspace is still being joined; retry.
 * (The sanlock back end does not wait for the join: it answers
 * ERROR_NOT_READY at once; a join takes about 3 x io_timeout.)
 * On ERROR_SUCCESS *why is "" - or, when PD_ARB_TAKEOVER_FENCED took the
 * disk from prev_owner, one line saying so, for the caller to log. */
uint32_t pd_arb_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner, char *why, size_t why_len);

/* Give the disk up at once (clean offline, move, drain).  Idempotent. */
uint32_t pd_arb_release(struct pd_arb *a, char *why, size_t why_len);

/* Is the disk still ours?  ERROR_SUCCESS, or an error when the lease or
 * reservation was lost (the plugin then calls host->arbitration_lost). */
uint32_t pd_arb_check(struct pd_arb *a, char *why, size_t why_len);

/* Who holds the disk, read without taking anything: *owner = node id,
 * 0 when nobody does.  Used by GET_AVAILABLE_DISKS. */
uint32_t pd_arb_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len);

/* Who holds the disk described by p, read from the disk alone: no open
 * pd_arb, no lockspace joined, nothing written (GET_AVAILABLE_DISKS).
 * *owner = 0 when nobody does or the disk was never arbitrated.  The PR
 * back end cannot read keys here: ERROR_NOT_SUPPORTED. */
uint32_t pd_arb_peek_owner(const struct pd_arb_params *p, uint32_t *owner, char *why,
			   size_t why_len);

/* Release if held, leave the lockspace, free.  NULL is fine. */
void pd_arb_close(struct pd_arb *a);

#endif /* CS_PD_ARB_H */
