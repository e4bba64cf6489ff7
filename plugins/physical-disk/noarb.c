/*
 * noarb.c - stands in for the arbitration library (arb*.c, pd_arb_lib) in a
 * tree built without it: every call refuses, so such a plugin can describe
 * disks but never brings one online.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>

#include <clusapi/errors.h>

#include "arb.h"

#define WHY() do { if (why && why_len) snprintf(why, why_len, "built without the arbitration library"); } while (0)

uint32_t pd_arb_open(const struct pd_arb_params *p, struct pd_arb **out, char *why, size_t why_len)
{
	(void)p;
	(void)out;
	WHY();
	return ERROR_NOT_SUPPORTED;
}

uint32_t pd_arb_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner, char *why, size_t why_len)
{
	(void)a;
	(void)flags;
	(void)prev_owner;
	WHY();
	return ERROR_NOT_SUPPORTED;
}

uint32_t pd_arb_release(struct pd_arb *a, char *why, size_t why_len)
{
	(void)a;
	(void)why;
	(void)why_len;
	return ERROR_SUCCESS;
}

uint32_t pd_arb_check(struct pd_arb *a, char *why, size_t why_len)
{
	(void)a;
	WHY();
	return ERROR_NOT_SUPPORTED;
}

uint32_t pd_arb_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len)
{
	(void)a;
	(void)owner;
	WHY();
	return ERROR_NOT_SUPPORTED;
}

void pd_arb_close(struct pd_arb *a)
{
	(void)a;
}
