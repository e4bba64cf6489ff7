/*
 * arb.c - arbitration for one shared disk: checks the parameters, owns the
 * pd_arb object and hands each call to its back end (arb_sanlock.c,
 * arb_pr.c).  The contract is arb.h; the design and the timings are
 * doc/arbitration.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <signal.h>
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

/*
 * libsanlock writes to its sockets with plain send(): when the daemon has
 * died, that raises SIGPIPE, whose default action would kill the resource
 * host.  Every back-end call therefore runs with SIGPIPE blocked in the
 * calling thread (a send's SIGPIPE is directed at the thread that sent), and
 * one raised meanwhile is consumed before the mask is restored; the call
 * sees EPIPE instead.
 */
struct pipe_guard {
	sigset_t old;
	bool was_pending;
};

static void guard_begin(struct pipe_guard *g)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	g->was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void guard_end(struct pipe_guard *g)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t set, pending;
	int saved = errno;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (!g->was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
	errno = saved;
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
	struct pipe_guard g;
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

	guard_begin(&g);
	if (a->kind == PD_ARB_SANLOCK)
		err = pd_arb_sanlock_open(a, why, why_len);
	else
		err = pd_arb_pr_open(a, why, why_len);
	guard_end(&g);
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
	struct pipe_guard g;
	uint32_t err;

	if (!a)
		return bad_handle(why, why_len);
	if (flags & ~(uint32_t)PD_ARB_TAKEOVER_FENCED) {
		pd_arb_why(why, why_len, "unknown acquire flags 0x%x", flags);
		return ERROR_INVALID_FLAGS;
	}
	if (why && why_len)
		why[0] = '\0';
	guard_begin(&g);
	if (a->kind == PD_ARB_SANLOCK)
		err = pd_arb_sanlock_acquire(a, flags, prev_owner, why, why_len);
	else
		err = pd_arb_pr_acquire(a, flags, prev_owner, why, why_len);
	guard_end(&g);
	return err;
}

uint32_t pd_arb_release(struct pd_arb *a, char *why, size_t why_len)
{
	struct pipe_guard g;
	uint32_t err;

	if (!a)
		return bad_handle(why, why_len);
	guard_begin(&g);
	if (a->kind == PD_ARB_SANLOCK)
		err = pd_arb_sanlock_release(a, why, why_len);
	else
		err = pd_arb_pr_release(a, why, why_len);
	guard_end(&g);
	return err;
}

uint32_t pd_arb_check(struct pd_arb *a, char *why, size_t why_len)
{
	struct pipe_guard g;
	uint32_t err;

	if (!a)
		return bad_handle(why, why_len);
	guard_begin(&g);
	if (a->kind == PD_ARB_SANLOCK)
		err = pd_arb_sanlock_check(a, why, why_len);
	else
		err = pd_arb_pr_check(a, why, why_len);
	guard_end(&g);
	return err;
}

uint32_t pd_arb_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len)
{
	struct pipe_guard g;
	uint32_t err;

	if (!a)
		return bad_handle(why, why_len);
	if (!owner) {
		pd_arb_why(why, why_len, "pd_arb_owner: no place for the result");
		return ERROR_INVALID_PARAMETER;
	}
	guard_begin(&g);
	if (a->kind == PD_ARB_SANLOCK)
		err = pd_arb_sanlock_owner(a, owner, why, why_len);
	else
		err = pd_arb_pr_owner(a, owner, why, why_len);
	guard_end(&g);
	return err;
}

void pd_arb_close(struct pd_arb *a)
{
	struct pipe_guard g;

	if (!a)
		return;
	guard_begin(&g);
	if (a->kind == PD_ARB_SANLOCK)
		pd_arb_sanlock_close(a);
	else
		pd_arb_pr_close(a);
	guard_end(&g);
	if (a->fd >= 0)
		close(a->fd);
	cs_free(a->device);
	cs_free(a->disk_id);
	cs_free(a);
}

uint32_t pd_arb_peek_owner(const struct pd_arb_params *p, uint32_t *owner, char *why,
			   size_t why_len)
{
	if (!p || !owner || !p->device || !p->disk_id) {
		pd_arb_why(why, why_len, "pd_arb_peek_owner: missing parameters");
		return ERROR_INVALID_PARAMETER;
	}
	*owner = 0;
	if (p->kind == PD_ARB_PR) {
		pd_arb_why(why, why_len, "%s: persistent reservations cannot be read without "
			   "taking part in them", p->device);
		return ERROR_NOT_SUPPORTED;
	}
	return pd_arb_sanlock_peek_owner(p, owner, why, why_len);
}
