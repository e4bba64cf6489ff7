/*
 * sanlock-rlimit-shim.c - LD_PRELOAD helper for running sanlock's daemon in
 * the sandbox and in tests on machines without CAP_SYS_RESOURCE.
 *
 * sanlock 3.8.5 raises RLIMIT_MEMLOCK and RLIMIT_RTPRIO at start and exits
 * when it may not ("cannot set the limits for memlock"), even with -l 0.
 * This shim lets a setrlimit() that fails with EPERM (a limit this process
 * may not raise) report success; the limit stays as it was, and every other
 * failure is unchanged.  Never
 * used by clusterd or in production: a real node runs sanlock as root with
 * its capabilities.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Both names are defined here, so neither may be redirected to the other. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <sys/resource.h>

typedef int (*setrlimit_fn)(__rlimit_resource_t, const struct rlimit *);

int setrlimit(__rlimit_resource_t resource, const struct rlimit *rlim)
{
	static setrlimit_fn real;

	if (!real)
		real = (setrlimit_fn)dlsym(RTLD_NEXT, "setrlimit");
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	int rc = real(resource, rlim);
	if (rc != 0 && errno == EPERM)
		return 0;
	return rc;
}

/* The same for callers built with large-file support (setrlimit64). */
int setrlimit64(__rlimit_resource_t resource, const struct rlimit64 *rlim)
{
	static int (*real64)(__rlimit_resource_t, const struct rlimit64 *);

	if (!real64)
		real64 = (int (*)(__rlimit_resource_t, const struct rlimit64 *))dlsym(RTLD_NEXT, "setrlimit64");
	if (!real64) {
		errno = ENOSYS;
		return -1;
	}
	int rc = real64(resource, rlim);
	if (rc != 0 && errno == EPERM)
		return 0;
	return rc;
}
