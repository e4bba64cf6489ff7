/*
 * pd_arb_fake.c - an arbitration that always grants, for the test build of
 * the Physical Disk plugin (physical-disk-fakearb.so, never installed): it
 * lets test_pd_identity.sh mount and unmount for real where no sanlock
 * daemon runs.  It records each call in $PD_FAKE_ARB_LOG if set.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include <clusapi/errors.h>

#include "arb.h"
#include "cs_alloc.h"

struct pd_arb {
	int held;
};

static void note(const char *what)
{
	const char *p = getenv("PD_FAKE_ARB_LOG");
	FILE *f = p ? fopen(p, "ae") : NULL;
	if (!f)
		return;
	fprintf(f, "%s\n", what);
	fclose(f);
}

uint32_t pd_arb_open(const struct pd_arb_params *p, struct pd_arb **out, char *why, size_t why_len)
{
	(void)p;
	(void)why;
	(void)why_len;
	if (!(*out = cs_calloc(1, sizeof(**out))))
		return ERROR_NOT_ENOUGH_MEMORY;
	note("open");
	return ERROR_SUCCESS;
}

uint32_t pd_arb_acquire(struct pd_arb *a, uint32_t flags, uint32_t prev_owner, char *why, size_t why_len)
{
	(void)flags;
	(void)prev_owner;
	(void)why;
	(void)why_len;
	a->held = 1;
	note("acquire");
	return ERROR_SUCCESS;
}

uint32_t pd_arb_release(struct pd_arb *a, char *why, size_t why_len)
{
	(void)why;
	(void)why_len;
	if (a)
		a->held = 0;
	note("release");
	return ERROR_SUCCESS;
}

uint32_t pd_arb_check(struct pd_arb *a, char *why, size_t why_len)
{
	(void)why;
	(void)why_len;
	return a && a->held ? ERROR_SUCCESS : ERROR_NOT_OWNER;
}

uint32_t pd_arb_owner(struct pd_arb *a, uint32_t *owner, char *why, size_t why_len)
{
	(void)why;
	(void)why_len;
	*owner = a && a->held ? 1 : 0;
	return ERROR_SUCCESS;
}

void pd_arb_close(struct pd_arb *a)
{
	if (a)
		note("close");
	cs_free(a);
}
