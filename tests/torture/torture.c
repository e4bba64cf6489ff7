/*
 * torture.c - see torture.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "torture.h"

#include <clusapi/errors.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_alloc.h"

static int complain(struct torture_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int complain(struct torture_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	return -1;
}

int torture_run(const char *name, torture_fn fn, void *ctx, struct torture_result *res)
{
	int64_t live0;
	uint64_t k, k2;
	uint32_t rc;

	memset(res, 0, sizeof(*res));

	/* Clean run, twice: it must succeed, leak nothing, and be repeatable. */
	live0 = cs_alloc_live();
	cs_alloc_fail_at(0);
	rc = fn(ctx);
	k = cs_alloc_count();
	if (rc != ERROR_SUCCESS)
		return complain(res, "%s: clean run failed: %u (%s)", name, rc, cluster_strerror(rc));
	if (cs_alloc_live() != live0)
		return complain(res, "%s: clean run leaked %" PRId64 " block(s)", name,
				cs_alloc_live() - live0);
	cs_alloc_fail_at(0);
	rc = fn(ctx);
	k2 = cs_alloc_count();
	if (rc != ERROR_SUCCESS || k2 != k)
		return complain(res, "%s: second clean run differs: rc %u, %" PRIu64
				" allocations instead of %" PRIu64, name, rc, k2, k);
	res->allocations = k;

	for (uint64_t n = 1; n <= k; n++) {
		cs_alloc_fail_at(n);
		rc = fn(ctx);
		int failed = cs_alloc_failed();
		cs_alloc_reset();
		res->failing_runs++;
		if (!failed)
			return complain(res, "%s: allocation %" PRIu64 " of %" PRIu64
					" was never made", name, n, k);
		if (rc == ERROR_SUCCESS)
			return complain(res, "%s: allocation %" PRIu64 " failed but the call "
					"returned success", name, n);
		if (cs_alloc_live() != live0)
			return complain(res, "%s: allocation %" PRIu64 " failed: %" PRId64
					" block(s) leaked", name, n, cs_alloc_live() - live0);
	}
	if (getenv("TORTURE_VERBOSE"))
		fprintf(stderr, "torture %s: %" PRIu64 " allocations, each failed in turn: ok\n",
			name, k);
	return 0;
}
