/*
 * arb_pr.c - arbitration with SCSI-3 / NVMe persistent reservations through
 * the kernel's generic block PR ioctls (linux/pr.h), the way fence_scsi
 * uses them:
 *
 *   open     register this node's key (PD_ARB_PR_KEY_BASE | node id) with
 *            "ignore existing key", so a re-open is harmless;
 *   acquire  reserve "write exclusive, registrants only" with our key; with
 *            PD_ARB_TAKEOVER_FENCED first preempt prev_owner's key, which
 *            removes its registration (its writes fail from then on) and
 *            moves its reservation to us;
 *   release  release our reservation (the key stays registered: it is the
 *            node's, as with fence_scsi's unfence);
 *   check    the generic PR API has no read-keys / read-reservation ioctl
 *            (Debian 12's linux/pr.h), so check re-issues RESERVE with our
 *            key and type: a no-op for the holder, a reservation conflict
 *            for a node whose key was preempted or whose reservation is
 *            someone else's;
 *   owner    not determinable without SCSI PERSISTENT RESERVE IN through
 *            SG_IO (SCSI only): ERROR_NOT_SUPPORTED.
 *
 * Never tested on a device with PR support (none on the development
 * machines); never emulated.  A device without support answers
 * EOPNOTSUPP/ENOTTY: open fails with ERROR_NOT_SUPPORTED naming it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pr.h>

#include <clusapi/errors.h>

#include "arb_int.h"

/*
 * A PR ioctl answers < 0 with errno for its own failures; since Linux 6.5
 * the device's PR status comes back as a positive PR_STS_* value, and older
 * kernels return the SCSI result, whose status byte is 0x18 for a
 * reservation conflict in both encodings.
 */
#define PR_STATUS_RESERVATION_CONFLICT 0x18

static uint64_t node_key(uint32_t node_id)
{
	return PD_ARB_PR_KEY_BASE | node_id;
}

/* Run one PR ioctl; *conflict says whether the device refused with a
 * reservation conflict.  Returns 0, or the errno (EIO for another status). */
static int pr_ioctl(int fd, unsigned long req, void *arg, bool *conflict)
{
	int rc;

	*conflict = false;
	do {
		rc = ioctl(fd, req, arg);
	} while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return 0;
	if (rc < 0)
		return errno;
	if ((rc & 0xff) == PR_STATUS_RESERVATION_CONFLICT)
		*conflict = true;
	return EIO;
}

uint32_t pd_arb_pr_open(struct pd_arb *a, char *why, size_t why_len)
{
	struct pr_registration reg;
	bool conflict;
	uint32_t err;
	int e;

	a->u.pr.key = node_key(a->node_id);
	a->u.pr.held = false;
	a->fd = open(a->device, O_RDWR | O_CLOEXEC);
	if (a->fd < 0) {
		e = errno;
		err = pd_arb_errno_code(e);
		pd_arb_why(why, why_len, "cannot open %s: %s", a->device, strerror(e));
		goto out;
	}
	memset(&reg, 0, sizeof(reg));
	reg.new_key = a->u.pr.key;
	reg.flags = PR_FL_IGNORE_KEY;
	e = pr_ioctl(a->fd, IOC_PR_REGISTER, &reg, &conflict);
	if (e == EOPNOTSUPP || e == ENOTTY) {
		err = ERROR_NOT_SUPPORTED;
		pd_arb_why(why, why_len, "persistent reservations are not supported by %s",
			   a->device);
		goto out;
	}
	if (e != 0) {
		err = conflict ? ERROR_SHARING_VIOLATION : pd_arb_errno_code(e);
		pd_arb_why(why, why_len, "registering PR key 0x%016llx on %s failed: %s",
			   (unsigned long long)a->u.pr.key, a->device,
			   conflict ? "reservation conflict" : strerror(e));
		goto out;
	}
	err = ERROR_SUCCESS;
out:
	return err;
}

uint32_t pd_arb_pr_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner,
			   char *why, size_t why_len)
{
	struct pr_reservation rsv;
	struct pr_preempt pre;
	bool conflict;
	uint32_t err;
	int e;

	if ((flags & PD_ARB_TAKEOVER_FENCED) && prev_owner != 0 && prev_owner != a->node_id) {
		/* PREEMPT: old_key is our own (the reservation key of the
		 * command), new_key the one to remove (the service action key). */
		memset(&pre, 0, sizeof(pre));
		pre.old_key = a->u.pr.key;
		pre.new_key = node_key(prev_owner);
		pre.type = PR_WRITE_EXCLUSIVE_REG_ONLY;
		e = pr_ioctl(a->fd, IOC_PR_PREEMPT, &pre, &conflict);
		if (e != 0) {
			err = conflict ? ERROR_SHARING_VIOLATION : pd_arb_errno_code(e);
			pd_arb_why(why, why_len, "preempting node %u's PR key on %s failed: %s",
				   prev_owner, a->device,
				   conflict ? "reservation conflict" : strerror(e));
			goto out;
		}
		pd_arb_why(why, why_len, "took %s from node %u, which the cluster proved fenced: "
			   "its PR key was preempted", a->device, prev_owner);
	}
	memset(&rsv, 0, sizeof(rsv));
	rsv.key = a->u.pr.key;
	rsv.type = PR_WRITE_EXCLUSIVE_REG_ONLY;
	e = pr_ioctl(a->fd, IOC_PR_RESERVE, &rsv, &conflict);
	if (e != 0) {
		err = conflict ? ERROR_SHARING_VIOLATION : pd_arb_errno_code(e);
		if (conflict)
			pd_arb_why(why, why_len, "%s is reserved by another node "
				   "(the PR ioctls cannot tell which)", a->device);
		else
			pd_arb_why(why, why_len, "reserving %s failed: %s", a->device, strerror(e));
		goto out;
	}
	a->u.pr.held = true;
	err = ERROR_SUCCESS;
out:
	return err;
}

uint32_t pd_arb_pr_release(struct pd_arb *a, char *why, size_t why_len)
{
	struct pr_reservation rsv;
	bool conflict;
	uint32_t err = ERROR_SUCCESS;
	int e;

	if (!a->u.pr.held)
		goto out;
	memset(&rsv, 0, sizeof(rsv));
	rsv.key = a->u.pr.key;
	rsv.type = PR_WRITE_EXCLUSIVE_REG_ONLY;
	e = pr_ioctl(a->fd, IOC_PR_RELEASE, &rsv, &conflict);
	/* Whatever the answer, we no longer count the disk as ours. */
	a->u.pr.held = false;
	if (e != 0) {
		err = conflict ? ERROR_NOT_OWNER : pd_arb_errno_code(e);
		pd_arb_why(why, why_len, "releasing the reservation of %s failed: %s", a->device,
			   conflict ? "reservation conflict (no longer ours)" : strerror(e));
	}
out:
	return err;
}

uint32_t pd_arb_pr_check(struct pd_arb *a, char *why, size_t why_len)
{
	struct pr_reservation rsv;
	bool conflict;
	uint32_t err;
	int e;

	if (!a->u.pr.held) {
		pd_arb_why(why, why_len, "%s is not reserved by this node", a->device);
		err = ERROR_NOT_OWNER;
		goto out;
	}
	memset(&rsv, 0, sizeof(rsv));
	rsv.key = a->u.pr.key;
	rsv.type = PR_WRITE_EXCLUSIVE_REG_ONLY;
	e = pr_ioctl(a->fd, IOC_PR_RESERVE, &rsv, &conflict);
	if (e != 0) {
		err = conflict ? ERROR_NOT_OWNER : pd_arb_errno_code(e);
		pd_arb_why(why, why_len, "the reservation of %s is lost: %s", a->device,
			   conflict ? "reservation conflict (our key was preempted?)" : strerror(e));
		goto out;
	}
	err = ERROR_SUCCESS;
out:
	return err;
}

uint32_t pd_arb_pr_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len)
{
	(void)owner;
	pd_arb_why(why, why_len, "the reservation holder of %s cannot be read through the "
		   "kernel's PR ioctls", a->device);
	return ERROR_NOT_SUPPORTED;
}

void pd_arb_pr_close(struct pd_arb *a)
{
	if (a->fd >= 0 && a->u.pr.held)
		(void)pd_arb_pr_release(a, NULL, 0);
}
