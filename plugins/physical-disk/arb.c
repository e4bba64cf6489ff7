/*
 * arb.c - arbitration for one shared disk: checks the parameters, owns the
 * pd_arb object and hands each call to its back end (arb_sanlock.c,
 * arb_pr.c).  The contract is arb.h; the design and the timings are
 * doc/arbitration.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <clusapi/errors.h>

#include "arb_int.h"
#include "cs_alloc.h"

void pd_arb_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (!why || why_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

uint32_t pd_arb_errno_code(int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return ERROR_DEV_NOT_EXIST;
	case EACCES:
	case EPERM:
		return ERROR_ACCESS_DENIED;
	case EROFS:
		return ERROR_WRITE_PROTECT;
	case ENOMEM:
		return ERROR_NOT_ENOUGH_MEMORY;
	case EMFILE:
	case ENFILE:
		return ERROR_TOO_MANY_OPEN_FILES;
	case EBUSY:
		return ERROR_BUSY;
	case EOPNOTSUPP:
	case ENOTTY:
		return ERROR_NOT_SUPPORTED;
	default:
		return ERROR_IO_DEVICE;
	}
}

static uint32_t check_params(const struct pd_arb_params *p, char *why, size_t why_len)
{
	if (!p || !p->device || !p->device[0] || !p->disk_id || !p->disk_id[0]) {
		pd_arb_why(why, why_len, "arbitration needs a device path and a disk id");
		return ERROR_INVALID_PARAMETER;
	}
	if (p->kind != PD_ARB_SANLOCK && p->kind != PD_ARB_PR) {
		pd_arb_why(why, why_len, "unknown arbitration kind %d", (int)p->kind);
		return ERROR_INVALID_PARAMETER;
	}
	if (p->node_id == 0) {
		pd_arb_why(why, why_len, "node id 0 is not a node");
		return ERROR_INVALID_PARAMETER;
	}
	if (p->kind == PD_ARB_SANLOCK &&
	    (p->io_timeout_s < 1 || p->io_timeout_s > 60)) {
		pd_arb_why(why, why_len, "sanlock io_timeout %u s is outside 1..60",
			   p->io_timeout_s);
		return ERROR_INVALID_PARAMETER;
	}
	return ERROR_SUCCESS;
}

uint32_t pd_arb_open(const struct pd_arb_params *p, struct pd_arb **out, char *why, size_t why_len)
{
	struct pd_arb *a = NULL;
	uint32_t err;

	if (!out) {
		pd_arb_why(why, why_len, "pd_arb_open: no place for the result");
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	err = check_params(p, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;

	a = cs_calloc(1, sizeof(*a));
	if (!a) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		pd_arb_why(why, why_len, "out of memory");
		goto out;
	}
	a->kind = p->kind;
	a->fd = -1;
	a->node_id = p->node_id;
	a->io_timeout_s = p->io_timeout_s;
	if (a->kind == PD_ARB_SANLOCK)
		a->u.sl.sock = -1;
	a->device = cs_strdup(p->device);
	a->disk_id = cs_strdup(p->disk_id);
	if (!a->device || !a->disk_id) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		pd_arb_why(why, why_len, "out of memory");
		goto out;
	}

	if (a->kind == PD_ARB_SANLOCK)
		err = pd_arb_sanlock_open(a, why, why_len);
	else
		err = pd_arb_pr_open(a, why, why_len);
	if (err != ERROR_SUCCESS)
		goto out;

	*out = a;
	a = NULL;
out:
	pd_arb_close(a);
	return err;
}

static uint32_t bad_handle(char *why, size_t why_len)
{
	pd_arb_why(why, why_len, "no arbitration handle");
	return ERROR_INVALID_HANDLE;
}

uint32_t pd_arb_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner, char *why, size_t why_len)
{
	if (!a)
		return bad_handle(why, why_len);
	if (flags & ~(uint32_t)PD_ARB_TAKEOVER_FENCED) {
		pd_arb_why(why, why_len, "unknown acquire flags 0x%x", flags);
		return ERROR_INVALID_FLAGS;
	}
	if (why && why_len)
		why[0] = '\0';
	if (a->kind == PD_ARB_SANLOCK)
		return pd_arb_sanlock_acquire(a, flags, prev_owner, why, why_len);
	return pd_arb_pr_acquire(a, flags, prev_owner, why, why_len);
}

uint32_t pd_arb_release(struct pd_arb *a, char *why, size_t why_len)
{
	if (!a)
		return bad_handle(why, why_len);
	if (a->kind == PD_ARB_SANLOCK)
		return pd_arb_sanlock_release(a, why, why_len);
	return pd_arb_pr_release(a, why, why_len);
}

uint32_t pd_arb_check(struct pd_arb *a, char *why, size_t why_len)
{
	if (!a)
		return bad_handle(why, why_len);
	if (a->kind == PD_ARB_SANLOCK)
		return pd_arb_sanlock_check(a, why, why_len);
	return pd_arb_pr_check(a, why, why_len);
}

uint32_t pd_arb_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len)
{
	if (!a)
		return bad_handle(why, why_len);
	if (!owner) {
		pd_arb_why(why, why_len, "pd_arb_owner: no place for the result");
		return ERROR_INVALID_PARAMETER;
	}
	if (a->kind == PD_ARB_SANLOCK)
		return pd_arb_sanlock_owner(a, owner, why, why_len);
	return pd_arb_pr_owner(a, owner, why, why_len);
}

void pd_arb_close(struct pd_arb *a)
{
	if (!a)
		return;
	if (a->kind == PD_ARB_SANLOCK)
		pd_arb_sanlock_close(a);
	else
		pd_arb_pr_close(a);
	if (a->fd >= 0)
		close(a->fd);
	cs_free(a->device);
	cs_free(a->disk_id);
	cs_free(a);
}
